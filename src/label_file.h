/* label_file.h - a CSV being labelled by `earful label`: read whole,
 * changed one label at a time, and written back after every change.
 *
 *   ef_lfile *f;
 *   ef_lfile_open("label_sample.csv", NULL, &f, &err);
 *   for i in 0 .. ef_lfile_count(f) - 1:  ef_lfile_get(f, i, &item) ...
 *   ef_lfile_set(f, i, EF_NEGATIVE, &err);   // saved when it returns
 *   ef_lfile_free(f);
 *
 * The items are the rows below the header that have text; the header is
 * the first row (of the first 20: a workbook's sheet saved as CSV carries
 * notes above it) whose names map to text and date, as report's do. A
 * file without a label column gets one, at the end.
 *
 * Nothing but labels changes: every other field, the rows above the
 * header, blank lines, the delimiter, the BOM and the line ends are
 * written back as they were read (a field is quoted only when it must
 * be; a last line without a line end gets one). A file that
 * would not come back the same is refused at open: not UTF-8, invalid
 * UTF-8 or NUL bytes in it, gzip-compressed.
 *
 * Saving is atomic: the whole file is written to a temporary file in the
 * same folder, flushed to disk (fsync), and renamed over the file, so a
 * crash or a kill -9 leaves either the old file or the new one, whole. A
 * file that changed on disk since it was read (someone saved it from a
 * spreadsheet meanwhile) is not overwritten: EF_ERR_IO.
 */
#ifndef EF_LABEL_FILE_H
#define EF_LABEL_FILE_H

#include "util/util.h"

typedef struct ef_lfile ef_lfile;

/* One item, valid until the next ef_lfile_set or ef_lfile_free. */
typedef struct {
    const char *text; /* "" when the file has no such column */
    size_t text_len;
    const char *date, *channel, *author;
    const char *label; /* the label cell as written, "" when empty */
    uint64_t line;     /* where its row starts in the file */
} ef_lfile_item;

/* Reads path whole; map is --map (NULL: none). Errors: EF_ERR_NOINPUT
 * (cannot open), EF_ERR_PARSE ("FILE: no text column...", not UTF-8,
 * no items), EF_ERR_USAGE (bad --map), EF_ERR_CANTCREAT (its folder does
 * not take new files: saving would fail). Free with ef_lfile_free. */
ef_status ef_lfile_open(const char *path, const char *map, ef_lfile **out,
                        ef_err *e);
void ef_lfile_free(ef_lfile *f);

/* Items in the file. */
size_t ef_lfile_count(const ef_lfile *f);
void ef_lfile_get(const ef_lfile *f, size_t i, ef_lfile_item *out);

/* Item i's label: an ef_class, -1 when empty, -2 when the cell holds
 * something that is not a label ("maybe"). */
int ef_lfile_label(const ef_lfile *f, size_t i);

/* Items with a label (ef_lfile_label >= 0). */
size_t ef_lfile_labelled(const ef_lfile *f);

/* The first item without a label at or after `from`, else the first
 * before it, else ef_lfile_count. */
size_t ef_lfile_next_unlabelled(const ef_lfile *f, size_t from);

/* Sets item i's label (an ef_class, written "negative", "neutral",
 * "positive"; -1 empties it) and saves the file. Errors: EF_ERR_IO
 * (write, fsync or rename failed; the file changed on disk), with the
 * label then unchanged in f too. */
ef_status ef_lfile_set(ef_lfile *f, size_t i, int cls, ef_err *e);

/* The path given to ef_lfile_open. */
const char *ef_lfile_path(const ef_lfile *f);

#endif
