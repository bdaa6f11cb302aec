/* outdir.h - an output folder replaced as a whole: every file goes to a
 * staging folder inside it first, and only when the whole run succeeded
 * are they renamed into place; a failed run leaves the previous report
 * as it was.
 *
 * What is atomic, exactly. Each file is replaced atomically (rename(2)
 * in one file system: a reader sees the old file or the new one, never
 * a part). The folder as a whole is replaced by one pass of renames, a
 * few microseconds long, in a fixed order: the outside file first (see
 * ef_outdir_add_outside), then the files in the order they were
 * registered, then the stale files are removed. So:
 *   - SIGINT, SIGTERM and SIGHUP never split the pass: one that arrives
 *     during it waits for the last rename, and then ends the process as
 *     it would have (the report is then complete and new);
 *   - a reader during the pass, and SIGKILL, a crash or a power cut
 *     during it, can see some files new and some old. The caller
 *     registers last the file that stands for the whole (report writes
 *     metrics.json last): when it is the new one, every other file of
 *     the run is in place too. Files of the staging folder that an
 *     interrupted pass left are removed by the next run (stale folders,
 *     below), never renamed in later.
 * Nothing here calls fsync: after a power cut the file system's own
 * ordering applies.
 *
 * The staging folder is made by mkdtemp (".earful-tmp-XXXXXX": an
 * unpredictable name, created exclusively, mode 0700) and holds a lock
 * file that the run keeps locked (flock) until it ends. Nothing is ever
 * written, renamed or deleted through a symbolic link: files are opened
 * with O_NOFOLLOW, folders are emptied through their descriptors, and a
 * link met on the way is removed itself, never its target.
 *
 * Stale staging folders (a run killed by SIGKILL, a crash, a power cut)
 * are removed by the next run in the same folder, but only those that are
 * really earful's: a real folder owned by the same user, holding earful's
 * lock file, which no live process holds locked.
 *
 * While a staging folder exists, SIGINT, SIGTERM and SIGHUP remove it
 * (and the output folder itself when this run created it) before the
 * process dies of the signal; the handler is async-signal-safe. A failed
 * run also removes the output folders it created (only if empty).
 */
#ifndef EF_OUTDIR_H
#define EF_OUTDIR_H

#include "util/util.h"

typedef struct ef_outdir ef_outdir;

/* Creates dir (and its parents) if needed, removes stale staging folders
 * in it, and makes this run's staging folder. Errors: EF_ERR_CANTCREAT
 * naming the folder. Free with ef_outdir_free, which removes the staging
 * folder unless committed. */
ef_status ef_outdir_open(const char *dir, ef_outdir **out, ef_err *e);

/* The staging path of a file ("report.md", "charts/x.png"); owned by od,
 * valid until the next call. Creates the subfolder if needed. */
const char *ef_outdir_path(ef_outdir *od, const char *name);

/* Writes a whole file into the staging folder and registers it.
 * Errors: EF_ERR_CANTCREAT (cannot create), EF_ERR_IO (write failed). */
ef_status ef_outdir_write(ef_outdir *od, const char *name, const void *data,
                          size_t len, ef_err *e);

/* Registers a file written to ef_outdir_path(od, name) by other means.
 * Files are renamed in the order they were first registered. */
void ef_outdir_add(ef_outdir *od, const char *name);

/* Stages one file whose place is outside the folder (--xlsx PATH), to be
 * renamed into place by the commit, first: *path is where to write it,
 * in a staging folder of its own made beside PATH (as above: same file
 * system, so the rename is atomic, and removed by a signal, by
 * ef_outdir_free, or as stale by a later run). Errors (EF_ERR_CANTCREAT
 * naming PATH): PATH's folder is missing or not writable, or PATH is
 * a folder. *path is owned by od. One such file at most. */
ef_status ef_outdir_add_outside(ef_outdir *od, const char *final,
                                const char **path, ef_err *e);

/* Renames every registered file into place (in the order above), and
 * removes the files of `stale` (NULL-terminated names) that this run did
 * not produce. A subfolder of the output ("charts") that is a symbolic
 * link is an error (EF_ERR_CANTCREAT), never followed; so is a rename
 * that fails, and the files renamed before it stay (see above). */
ef_status ef_outdir_commit(ef_outdir *od, const char *const *stale, ef_err *e);

/* The final path of a file, for messages. */
const char *ef_outdir_final(ef_outdir *od, const char *name);

/* Removes the staging folder (unless committed) and, after a failed run,
 * the output folders ef_outdir_open created if they are empty. NULL is a
 * no-op. */
void ef_outdir_free(ef_outdir *od);

/* Removes the stale staging folders in dir (see above); returns how many.
 * Called by ef_outdir_open; exposed for tests. */
int ef_outdir_clean_stale(const char *dir);

#endif
