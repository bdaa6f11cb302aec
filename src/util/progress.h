/* progress.h - a progress line on stderr (rows read, rows/s), only when
 * stderr is a terminal and not --quiet. */
#ifndef EF_PROGRESS_H
#define EF_PROGRESS_H

#include "util/util.h"

typedef struct ef_progress ef_progress;

/* Free with ef_progress_free. */
ef_progress *ef_progress_new(int quiet);
/* Counts one row of `what`; redraws at most five times a second. */
void ef_progress_tick(ef_progress *p, const char *what);
/* Clears the line. */
void ef_progress_done(ef_progress *p);
void ef_progress_free(ef_progress *p);

#endif
