/* labels.h - human labels joined to the items they label (--labels).
 *
 *   ef_labels *l = ef_labels_new();
 *   ef_labels_load(l, "labels.csv", &err);      // once per --labels file
 *   ef_labels_scan(l, inputs, n, &opts, &err);  // a first pass: who is who
 *   ef_labels_settle(l, &err);                  // decide every label
 *   main pass, for every item:
 *       int cls = ef_labels_find(l, &item);          // -1: none
 *   ef_labels_free(l);
 *
 * A labels file is a CSV with a key column ("key"; "id" in files from
 * earlier versions) and a label column ("label"); label_sample.csv is one, and
 * so is the same file after a round trip through a spreadsheet. A label
 * joins the item whose key (ef_item_key: its id, else its content hash)
 * is the label's key, so it joins the same item in a CSV and in the store
 * imported from it. The promise is that a label reaches the item a person
 * read, or no item at all, and that every label that reaches none is
 * counted (ef_label_stats), never silently dropped:
 *   - a key that names items of different content (ids that are not
 *     unique) applies to none of them ("several"); rows of the same
 *     content are one item told twice, and all of them get the label;
 *   - an item labelled twice with different labels gets neither
 *     ("conflicting"), in one file or across files;
 *   - a key a spreadsheet has mangled is recovered when that is certain:
 *     the formula-guard apostrophe ("'=x", "'-1") is taken off, and a key
 *     read as a number ("5.70301E+17", "570301234567891000", a lost
 *     leading zero) matches the one item whose key prints as that number,
 *     and whose text, when the file has a text column, is the same
 *     ("recovered"); two such items: "several";
 *   - the label values are those of ef_label_parse; any other value is an
 *     error (EF_ERR_PARSE, "FILE:LINE: ..."); an empty one is a row not
 *     labelled yet, counted apart.
 * The main pass finds an item's label by its key and content, so it may
 * skip, drop or reorder items (a dedup) without a label going astray:
 * an item gets a label only if the first pass saw it, as it is.
 */
#ifndef EF_INPUT_LABELS_H
#define EF_INPUT_LABELS_H

#include "input/input.h"

#define EF_LABELS_MAX_FILES 16 /* --labels given at most this often */

/* What became of one labels file's labels. */
typedef struct {
    char path[512];
    uint64_t rows;            /* data rows read */
    uint64_t unlabelled;      /* rows whose label is still empty */
    uint64_t labels;          /* rows with a label */
    uint64_t joined;          /* applied to exactly one item */
    uint64_t recovered;       /* of joined: through a mangled key */
    uint64_t unmatched;       /* whose key names no item */
    uint64_t several;         /* whose key names several items: none got it */
    uint64_t conflicting;     /* labelled differently elsewhere: none got it */
    uint64_t items;           /* input rows that received one of its labels
                                 (counted by ef_labels_find) */
    char first_unmatched[80]; /* the first unmatched key, in file order */
    uint64_t first_unmatched_line;
} ef_label_stats;

typedef struct ef_labels ef_labels;

/* An empty set of labels. Free with ef_labels_free. */
ef_labels *ef_labels_new(void);
void ef_labels_free(ef_labels *l);

/* Reads a labels file. Errors: EF_ERR_NOINPUT (cannot open), EF_ERR_USAGE
 * (more than EF_LABELS_MAX_FILES files), EF_ERR_PARSE ("FILE: no key
 * column ...", "FILE:LINE: label 'maybe' is not ...", "FILE:LINE: a label
 * without a key"). Call before any scan. */
ef_status ef_labels_load(ef_labels *l, const char *path, ef_err *e);

/* The first pass for one item. */
void ef_labels_scan_item(ef_labels *l, const ef_item *it);

/* The first pass over n inputs, opened with opts (its on_reject and
 * strict are ignored: the main pass reports rejected rows). Errors are
 * those of ef_source_open/next. */
ef_status ef_labels_scan(ef_labels *l, const char *const *inputs, int n,
                         const ef_source_opts *opts, ef_err *e);

/* Decides every label after the scan and fills the statistics. Fails
 * (EF_ERR_PARSE) when a file holds labels and none of them names an item:
 * "FILE: none of its N labels names an item of the inputs (the first key
 * is 'K')", with a hint when the keys look like the "FILE:LINE" of earlier
 * versions. */
ef_status ef_labels_settle(ef_labels *l, ef_err *e);

/* The label (an ef_class) of item it in the main pass, or -1; counts it
 * in the statistics' items. Costs a content hash when the item has no
 * id (the key is that hash). */
int ef_labels_find(ef_labels *l, const ef_item *it);

/* The statistics of each file loaded, in the order given; *n files. */
const ef_label_stats *ef_labels_stats(const ef_labels *l, size_t *n);

/* Prints the outcome on stderr: one line per file, and a warning for a
 * file with fewer than 90% of its labels joined, or with labels that
 * reached no item (no item, several items, a disagreeing label). */
void ef_labels_warn(const ef_labels *l);

/* Whether s (n bytes) is a usable label file's key column name: "key" or
 * "id", any case. */
int ef_labels_is_key_column(const char *s, size_t n);

#endif
