/* outdir.h - an output folder written atomically: every file goes to a
 * staging folder inside it first, and only when the whole run succeeded
 * are they renamed into place; a failed run leaves the previous report
 * as it was. */
#ifndef EF_OUTDIR_H
#define EF_OUTDIR_H

#include "util/util.h"

typedef struct ef_outdir ef_outdir;

/* Creates dir (and its parents) if needed, and a staging folder in it.
 * Errors: EF_ERR_CANTCREAT naming the folder. Free with ef_outdir_free,
 * which removes the staging folder unless committed. */
ef_status ef_outdir_open(const char *dir, ef_outdir **out, ef_err *e);

/* The staging path of a file ("report.md", "charts/x.png"); owned by od,
 * valid until the next call. Creates the subfolder if needed. */
const char *ef_outdir_path(ef_outdir *od, const char *name);

/* Writes a whole file into the staging folder and registers it. */
ef_status ef_outdir_write(ef_outdir *od, const char *name, const void *data,
                          size_t len, ef_err *e);

/* Registers a file written to ef_outdir_path(od, name) by other means. */
void ef_outdir_add(ef_outdir *od, const char *name);

/* Renames every registered file into place, and removes the files of
 * `stale` (NULL-terminated names) that this run did not produce. */
ef_status ef_outdir_commit(ef_outdir *od, const char *const *stale,
                           ef_err *e);

/* The final path of a file, for messages. */
const char *ef_outdir_final(ef_outdir *od, const char *name);

void ef_outdir_free(ef_outdir *od);

#endif
