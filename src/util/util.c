/* util.c - errors, allocation, growable buffers, number formatting. */
#include "util/util.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/text.h"

/* ==== Errors ============================================================ */

ef_status ef_fail(ef_err *e, ef_status code, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL || e->code != EF_OK)
        return code;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

int ef_exit_code(ef_status code)
{
    switch (code) {
    case EF_OK: return EF_EXIT_OK;
    case EF_ERR_USAGE: return EF_EXIT_USAGE;
    case EF_ERR_NOINPUT: return EF_EXIT_NOINPUT;
    case EF_ERR_PARSE: return EF_EXIT_DATAERR;
    case EF_ERR_IO: return EF_EXIT_IOERR;
    case EF_ERR_CANTCREAT: return EF_EXIT_CANTCREAT;
    default: return EF_EXIT_SOFTWARE;
    }
}

static pthread_mutex_t stderr_mu = PTHREAD_MUTEX_INITIALIZER;

void ef_stderr_lock(void)
{
    pthread_mutex_lock(&stderr_mu);
}

void ef_stderr_unlock(void)
{
    pthread_mutex_unlock(&stderr_mu);
}

void ef_vwarn(const char *fmt, va_list ap)
{
    ef_buf raw = EF_BUF_INIT, out = EF_BUF_INIT;
    va_list aq;
    int n;

    va_copy(aq, ap);
    n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n > 0) {
        ef_buf_grow(&raw, (size_t)n);
        vsnprintf(raw.data, (size_t)n + 1, fmt, ap);
        raw.len = (size_t)n;
    }
    /* values from the data (and file names) must not drive the terminal */
    ef_buf_puts(&out, "earful: ");
    ef_text_term_escape(&out, raw.data ? raw.data : "", raw.len);
    ef_buf_putc(&out, '\n');
    ef_stderr_lock();
    fwrite(out.data, 1, out.len, stderr); /* one write: one line */
    ef_stderr_unlock();
    ef_buf_reset(&raw);
    ef_buf_reset(&out);
}

void ef_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    ef_vwarn(fmt, ap);
    va_end(ap);
}

/* ==== Memory ============================================================ */

void (*ef_oom_handler)(void);

static EF_NORETURN void oom(void)
{
    if (ef_oom_handler)
        ef_oom_handler(); /* does not return */
    fputs("earful: out of memory\n", stderr);
    exit(EF_EXIT_SOFTWARE);
}

#define HUGE_BLOCK ((size_t)4 << 20)

/* A large block (the tables of a million authors, the arrays that grow
 * with the rows) asks for the kernel's 2 MiB pages where it gives them
 * on request (transparent_hugepage=madvise): a page fault every 2 MiB,
 * not every 4 KiB. On a report of a million stored items the faults of
 * the folding thread took a fifth of its time. The advice covers the
 * block's pages whole: advice on a part would split glibc's mapping in
 * two, and mremap, which grows a block in place, cannot move a mapping
 * in pieces (realloc then copies, and needs twice the memory). A hint:
 * its failure is ignored. */
static void *huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    uintptr_t a = (uintptr_t)p, page = 4096, from, to;

    if (n < HUGE_BLOCK)
        return p;
    from = a & ~(page - 1);
    to = (a + n + page - 1) & ~(page - 1);
    madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
    (void)n;
#endif
    return p;
}

void *ef_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        oom();
    return huge(p, n);
}

void *ef_xcalloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (p == NULL)
        oom();
    return huge(p, count * n); /* calloc checked the product */
}

void *ef_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL)
        oom();
    return huge(p, n);
}

char *ef_xstrdup(const char *s)
{
    return ef_xstrndup(s, strlen(s));
}

char *ef_xstrndup(const char *s, size_t n)
{
    char *p = ef_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* ==== Growable byte buffer ============================================== */

void ef_buf_grow(ef_buf *b, size_t n)
{
    size_t need = b->len + n + 1, cap;

    if (need < n) /* overflow */
        oom();
    if (need <= b->cap)
        return;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    b->data = ef_xrealloc(b->data, cap);
    b->cap = cap;
}

void ef_buf_put(ef_buf *b, const void *p, size_t n)
{
    ef_buf_grow(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ef_buf_puts(ef_buf *b, const char *s)
{
    ef_buf_put(b, s, strlen(s));
}

void ef_buf_putc(ef_buf *b, char c)
{
    ef_buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void ef_buf_printf(ef_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        ef_buf_put(b, small, (size_t)n);
        return;
    }
    ef_buf_grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *ef_buf_cstr(ef_buf *b)
{
    ef_buf_grow(b, 0);
    b->data[b->len] = '\0';
    return b->data;
}

void ef_buf_reset(ef_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ==== Numbers =========================================================== */

int ef_fmt_fixed(char *out, double x, int decimals)
{
    static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    double scaled, fl;
    uint64_t r, ip, fp, div;
    char tmp[32];
    int n = 0, i;

    if (decimals < 0 || decimals > 6 || !(fabs(x) < 1e12)) {
        n = snprintf(out, 48, "%.*f", decimals < 0 ? 0 : decimals, x);
        goto fix_negzero;
    }
    scaled = fabs(x) * pow10[decimals];
    fl = floor(scaled);
    /* Near a tie the product may have been rounded across it: let printf,
     * which works on the exact binary value, decide. */
    if (fabs(scaled - fl - 0.5) < 1e-6) {
        n = snprintf(out, 48, "%.*f", decimals, x);
        goto fix_negzero;
    }
    r = (uint64_t)fl + (scaled - fl > 0.5);
    if (x < 0 && r != 0)
        out[n++] = '-';
    div = (uint64_t)pow10[decimals];
    ip = r / div;
    fp = r % div;
    i = 0;
    do {
        tmp[i++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (i)
        out[n++] = tmp[--i];
    if (decimals) {
        out[n++] = '.';
        for (i = decimals - 1; i >= 0; i--) {
            out[n + i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        n += decimals;
    }
    out[n] = '\0';
    return n;

fix_negzero:
    if (out[0] == '-' && strspn(out + 1, "0.") == (size_t)(n - 1)) {
        memmove(out, out + 1, (size_t)n);
        n--;
    }
    return n;
}

int ef_fmt_count(char *out, size_t cap, uint64_t n)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n);
    size_t o = 0;

    for (int i = 0; i < len && o + 2 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = tmp[i];
    }
    out[o] = '\0';
    return (int)o;
}

int ef_fmt_shortest(char *out, size_t cap, double x)
{
    int prec, n = 0;

    if (x == 0)
        return snprintf(out, cap, "0");
    if (!isfinite(x))
        return snprintf(out, cap, "null");
    for (prec = 1; prec <= 17; prec++) {
        n = snprintf(out, cap, "%.*g", prec, x);
        if (strtod(out, NULL) == x)
            break;
    }
    return n;
}
