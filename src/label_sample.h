/* label_sample.h - `report --label-sample N`: the items a person should
 * label, written to label_sample.csv (and the workbook's "To label"
 * sheet).
 *
 *   ef_lsample *s = ef_lsample_new(by_segment);
 *   for every item folded, in input order:
 *       ef_lsample_add(s, input, rank, &item, compound);
 *   ef_lsample_write(s, &args, od, xlsx, &err);
 *   ef_lsample_free(s);
 *
 * A sample that someone has started to label is never overwritten: the
 * next one gets another name (ef_lsample_name), and report does not
 * remove it as a stale output either.
 *
 * Each row of the file carries the item's key (ef_item_key), the key
 * --labels joins on, so a label comes back to its item whether the
 * report then reads the CSV or the store imported from it. The draw is
 * stratified by group (channel, or the --segment column) and score bin
 * (ef_calib_sample_groups: a few labels for every group, the rest in
 * proportion within each bin), seeded: the same inputs, options and seed
 * draw the same items. Never drawn: items that already carry a label
 * (from --labels or their own label column: a second sample tops up),
 * repeats of an item already in the draw (same key, same content), and
 * items whose key other items of different content share (no label
 * could reach them). Memory: about 40 bytes per item added.
 */
#ifndef EF_LABEL_SAMPLE_H
#define EF_LABEL_SAMPLE_H

#include "input/input.h"
#include "metrics/metrics.h"
#include "render/xlsx.h"
#include "util/outdir.h"

typedef struct ef_lsample ef_lsample;

/* An empty sample frame: groups are the items' channels, or their
 * --segment values when by_segment. Free with ef_lsample_free. */
ef_lsample *ef_lsample_new(int by_segment);
void ef_lsample_free(ef_lsample *s);

/* Adds an item of input (its index in the args' inputs) with its
 * score. Items may be left out (a dedup): the drawn ones are found again
 * in the inputs by their key and content, not by their position. */
void ef_lsample_add(ef_lsample *s, int input, const ef_item *it,
                    double compound);

typedef struct {
    const char *const *inputs; /* the report's inputs */
    int ninputs;
    const ef_source_opts *source; /* as the report read them */
    const ef_thresholds *thr;     /* the score bins */
    size_t want;                  /* --label-sample N */
    uint64_t seed;                /* --seed */
    int quiet;                    /* no warnings */
    const char *name;             /* the file's name in od */
} ef_lsample_args;

/* Whether the CSV at path has something in its label column: a sample
 * someone has started to label. 0 when there is no such file. */
int ef_lsample_has_labels(const char *path);

/* This run's sample name in od (the final folder): label_sample.csv,
 * unless that file holds labels; then label_sample_2.csv, _3, ... the
 * first that holds none. A labelled sample is never overwritten. */
void ef_lsample_name(ef_outdir *od, char *name, size_t cap);

/* Draws the sample and writes it (a->name) into od (UTF-8 with a BOM,
 * so that spreadsheets read it as UTF-8; columns key, date, channel,
 * author, text and an empty label) and, when xlsx is not NULL, the "To
 * label" sheet. Reads the inputs a second time to fetch the drawn items.
 * Warns (unless quiet) when fewer than want items could be drawn, and
 * why. Errors: those of ef_source_open/next and ef_outdir_write. */
ef_status ef_lsample_write(ef_lsample *s, const ef_lsample_args *a,
                           ef_outdir *od, ef_xlsx *xlsx, ef_err *e);

#endif
