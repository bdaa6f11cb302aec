/* progress.c - the progress line. */
#include "util/progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/text.h"

struct ef_progress {
    int on;
    uint64_t rows;
    double start, last;
    int drawn;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

ef_progress *ef_progress_new(int quiet)
{
    ef_progress *p = ef_xcalloc(1, sizeof *p);
    p->on = !quiet && isatty(2);
    p->start = p->last = p->on ? now() : 0;
    return p;
}

void ef_progress_tick(ef_progress *p, const char *what)
{
    double t;
    ef_buf w = EF_BUF_INIT;

    p->rows++;
    if (!p->on || (p->rows & 4095) != 0)
        return;
    t = now();
    if (t - p->last < 0.2)
        return;
    p->last = t;
    p->drawn = 1;
    ef_text_term_escape(&w, what, strlen(what)); /* a file name */
    fprintf(stderr, "\r\033[Kearful: %s: %llu rows, %.0f rows/s",
            ef_buf_cstr(&w), (unsigned long long)p->rows,
            (double)p->rows / (t - p->start > 0 ? t - p->start : 1));
    ef_buf_reset(&w);
}

void ef_progress_done(ef_progress *p)
{
    if (p->on && p->drawn)
        fputs("\r\033[K", stderr);
}

void ef_progress_free(ef_progress *p)
{
    free(p);
}
