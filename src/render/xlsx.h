/* xlsx.h - the Excel workbook (report.xlsx), written with libxlsxwriter.
 *
 *   ef_xlsx *x;
 *   ef_xlsx_open("out/report.xlsx", &opts, &x, &err);
 *   for each scored item, in input order:
 *       ef_xlsx_add_row(x, &item, &scores, cls, &err);  // Data, Negative
 *   ef_xlsx_finish(x, report, &err);   // the model sheets; writes the file
 *   ef_xlsx_free(x);
 *
 * Sheets, in this order: Summary, Trend, Channels (with the segments),
 * Themes, Spikes, Repair queue, Negative, Data, Data (2)..., Calibration
 * (when there are labels) and Method. The Negative sheet is a reading
 * list: the EF_XLSX_NEGATIVE_ROWS most negative items, most negative
 * first, with a note beside its header when there are more (every item
 * is in Data, filtered by Class). The workbook is written in
 * libxlsxwriter's constant-memory mode, so memory does not grow with rows:
 * the Negative sheet's candidates are spilled to a temporary file, and
 * only their sort keys (16 bytes each) are held.
 *
 * The row sheets (Data, Negative, Repair queue) have a File column only
 * when the report reads several inputs, and it holds the input's base
 * name, never the local path the user typed.
 *
 * Untrusted text is always written as a string, never a formula; invalid
 * UTF-8 is repaired, characters XML cannot hold are dropped, and cells are
 * cut at Excel's 32,767 characters with a "… [cut]" marker.
 */
#ifndef EF_RENDER_XLSX_H
#define EF_RENDER_XLSX_H

#include "input/input.h"
#include "metrics/metrics.h"
#include "sentiment/sentiment.h"
#include "util/util.h"

typedef struct {
    int data_sheet;     /* 1: write the Data sheet(s) (--no-data-sheet: 0) */
    int64_t created;    /* document created time (SOURCE_DATE_EPOCH or now) */
    const char *tmpdir; /* temporary files go here (NULL: $TMPDIR, /tmp);
                           copied */
    const ef_thresholds *thr; /* the class thresholds (for Method) */
    const char *title;        /* --title: Summary!A1 and the document title
                                 (NULL: "Feedback report"); copied */
    int file_column;          /* 1: the row sheets name each item's input (its
                                 base name); set when there are several inputs */
} ef_xlsx_opts;

/* Rows of the Negative sheet (its header aside). */
#define EF_XLSX_NEGATIVE_ROWS 10000

typedef struct ef_xlsx ef_xlsx;

/* Starts the workbook at path (written whole at ef_xlsx_finish; path is
 * created now, to fail early, and removed again by ef_xlsx_free if the
 * workbook was not finished). Errors: EF_ERR_CANTCREAT (path or the
 * temporary file), EF_ERR_XLSX. Free *out with ef_xlsx_free. */
ef_status ef_xlsx_open(const char *path, const ef_xlsx_opts *o, ef_xlsx **out,
                       ef_err *e);

/* Dates in the row sheets (Data, Negative, Repair queue) are shown in UTC
 * unless this sets a zone (tz must outlive x). Call before the first row. */
void ef_xlsx_set_tz(ef_xlsx *x, const ef_tz *tz);

/* One scored row, in input order: to the Data sheet (continuing on
 * "Data (2)", ... past 1,048,575 rows) and, when cls is EF_NEGATIVE and it
 * is among the most negative so far, to the Negative spill file. Errors:
 * EF_ERR_IO (spill), EF_ERR_XLSX. */
ef_status ef_xlsx_add_row(ef_xlsx *x, const ef_item *it, const ef_scores *sc,
                          ef_class cls, ef_err *e);

/* The number of negative items in the input, when the rows given to
 * ef_xlsx_add_row are only the most negative of them (a report from
 * PostgreSQL fetches those alone): the Negative sheet's note then says how
 * many there are. Never lowers the count of negative rows added. */
void ef_xlsx_set_negatives(ef_xlsx *x, uint64_t n);

/* A row of the --label-sample, for the "To label" sheet. */
typedef struct {
    const char *id, *channel, *author, *text; /* id: the key (ef_item_key) */
    int64_t date;
} ef_xlsx_label_row;

/* Adds a "To label" sheet (written at ef_xlsx_finish): these rows with an
 * empty label column to fill in, a dropdown of positive, neutral and
 * negative. The rows are copied. */
void ef_xlsx_set_label_sample(ef_xlsx *x, const ef_xlsx_label_row *rows,
                              size_t n);

/* Writes the model sheets from r and the Negative sheet (most negative
 * first), then the file. Errors: EF_ERR_IO (spill), EF_ERR_XLSX with
 * libxlsxwriter's message (lxw_strerror). Call once. */
ef_status ef_xlsx_finish(ef_xlsx *x, const ef_report *r, ef_err *e);

/* Frees x (NULL is a no-op), removing an unfinished workbook's file. */
void ef_xlsx_free(ef_xlsx *x);

#endif
