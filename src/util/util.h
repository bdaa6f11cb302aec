/* util.h - small shared pieces: errors, exit codes, allocation, buffers.
 *
 * Every module includes this header. Functions that can fail return an
 * ef_status and take an ef_err * last; the first error wins.
 */
#ifndef EF_UTIL_H
#define EF_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* EF_STATIC is `static` in the program and visible in the unit tests. */
#ifdef EF_TESTING
#define EF_STATIC
#else
#define EF_STATIC static
#endif

#define EF_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define EF_NORETURN __attribute__((noreturn))
#define EF_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ==== Errors ============================================================ */

typedef enum {
    EF_OK = 0,
    EF_ERR_USAGE,   /* bad command line */
    EF_ERR_NOINPUT, /* input missing or unreadable */
    EF_ERR_IO,      /* read or write failed */
    EF_ERR_PARSE,   /* bad data (CSV, dates, lexicon, template) */
    EF_ERR_SQL,
    EF_ERR_CHART,
    EF_ERR_HTML,
    EF_ERR_XLSX,
    EF_ERR_CANTCREAT, /* cannot create an output file */
    EF_ERR_INTERNAL
} ef_status;

typedef struct {
    ef_status code; /* EF_OK until the first failure */
    char msg[512];  /* "FILE:LINE: reason", without "earful: " */
} ef_err;

/* Records the first failure in e (later ones are ignored) and returns
 * code, so that `return ef_fail(e, EF_ERR_IO, "%s: %s", ...)` reads well. */
ef_status ef_fail(ef_err *e, ef_status code, const char *fmt, ...)
    EF_PRINTF(3, 4);

/* Exit codes (sysexits, and 1 for a tripped --fail-if gate). */
enum {
    EF_EXIT_OK = 0,
    EF_EXIT_GATE = 1,
    EF_EXIT_USAGE = 64,
    EF_EXIT_DATAERR = 65,
    EF_EXIT_NOINPUT = 66,
    EF_EXIT_SOFTWARE = 70,
    EF_EXIT_CANTCREAT = 73,
    EF_EXIT_IOERR = 74
};

/* The exit code that goes with an error status. */
int ef_exit_code(ef_status code);

/* Prints "earful: MSG" on stderr, as one line: control characters and
 * other bytes that could drive a terminal are escaped (\x1b), since
 * messages carry values from the data (ef_text_term_escape). */
void ef_warn(const char *fmt, ...) EF_PRINTF(1, 2);
void ef_vwarn(const char *fmt, va_list ap);

/* Held by whatever writes to stderr (ef_warn, fontconfig's calls) and by
 * the workbook while it catches libxlsxwriter's messages on fd 2
 * (xlsx.c): another thread's message waits for the catch to end instead
 * of being caught with the library's. */
void ef_stderr_lock(void);
void ef_stderr_unlock(void);

/* ==== Memory ============================================================ */

/* malloc/realloc/calloc/strdup that print "earful: out of memory" and
 * exit 70 instead of returning NULL. Free with free(). */

/* Called first when memory runs out, if set, and must not return: a host
 * that cannot exit (the PostgreSQL extension, pg/) raises its own error.
 * The call that ran out may leave its object half-grown: the host must
 * discard whatever that call was building. */
extern void (*ef_oom_handler)(void);
void *ef_xmalloc(size_t n);
void *ef_xcalloc(size_t count, size_t n);
void *ef_xrealloc(void *p, size_t n);
char *ef_xstrdup(const char *s);
char *ef_xstrndup(const char *s, size_t n);

/* ==== Growable byte buffer ============================================== */

typedef struct {
    char *data; /* NUL-terminated when len > 0 or after ef_buf_cstr */
    size_t len; /* bytes used, without the NUL */
    size_t cap; /* bytes allocated */
} ef_buf;

#define EF_BUF_INIT                                                           \
    {                                                                         \
        NULL, 0, 0                                                            \
    }

/* Makes room for n more bytes (plus a NUL). */
void ef_buf_grow(ef_buf *b, size_t n);
void ef_buf_put(ef_buf *b, const void *p, size_t n);
void ef_buf_puts(ef_buf *b, const char *s);
void ef_buf_putc(ef_buf *b, char c);
void ef_buf_printf(ef_buf *b, const char *fmt, ...) EF_PRINTF(2, 3);
/* Returns the contents as a NUL-terminated string (never NULL). */
const char *ef_buf_cstr(ef_buf *b);
/* Empties the buffer, keeping its memory. */
static inline void ef_buf_clear(ef_buf *b)
{
    b->len = 0;
}
/* Frees the memory; the buffer is then empty and reusable. */
void ef_buf_reset(ef_buf *b);

/* ==== Numbers =========================================================== */

/* Writes x with exactly `decimals` digits after the point (0..6), rounded
 * to nearest from the exact binary value, ties to even (as printf and
 * Python's round do); "-0.000" is written "0.000". Returns the length. */
int ef_fmt_fixed(char *out, double x, int decimals);

/* Writes n with thousands separators ("1,234,567") into out (cap bytes,
 * 27 are always enough). Returns the length. */
int ef_fmt_count(char *out, size_t cap, uint64_t n);

/* Writes x in the shortest form that reads back as the same double
 * ("0.1", "12", "-3.25e-05"), as JSON wants it. Returns the length. */
int ef_fmt_shortest(char *out, size_t cap, double x);

#endif
