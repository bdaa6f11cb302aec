/* dynload.c - opens cairo, FreeType and libxlsxwriter on first use (see
 * dynload.h for why). */
#include "render/dynload.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

ef_cairo_api ef_cairo;
ef_xlsx_api ef_xlsxw;

/* What a load left behind: its outcome and, on failure, the message. */
typedef struct {
    pthread_once_t once;
    ef_status rc;
    char msg[sizeof(((ef_err *)0)->msg)];
} load_state;

static load_state cairo_state = {PTHREAD_ONCE_INIT, EF_OK, ""};
static load_state xlsx_state = {PTHREAD_ONCE_INIT, EF_OK, ""};

/* Opens lib; the handle stays open for the life of the process. */
static void *open_lib(const char *lib, load_state *st, ef_status code)
{
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        st->rc = code;
        snprintf(st->msg, sizeof st->msg, "cannot load %s: %s", lib,
                 dlerror());
    }
    return h;
}

/* Sets *slot to lib's function name, or records the failure. */
static void find(void *h, const char *lib, const char *name, void *slot,
                 load_state *st, ef_status code)
{
    void *p;

    if (st->rc != EF_OK)
        return;
    dlerror();
    p = dlsym(h, name);
    if (p == NULL) {
        st->rc = code;
        snprintf(st->msg, sizeof st->msg, "%s has no %s: %s", lib, name,
                 dlerror());
        return;
    }
    /* POSIX guarantees a function's address survives the trip through
     * void *; ISO C does not, hence the copy instead of a cast. */
    memcpy(slot, &p, sizeof p);
}

static void load_cairo(void)
{
    load_state *st = &cairo_state;
    void *c = open_lib(EF_LIBCAIRO, st, EF_ERR_CHART);
    void *ft = c ? open_lib(EF_LIBFREETYPE, st, EF_ERR_CHART) : NULL;

    if (st->rc != EF_OK)
        return;
#define FIND_CAIRO(f)                                                        \
    find(c, EF_LIBCAIRO, #f, &ef_cairo.f, st, EF_ERR_CHART);
#define FIND_FT(f)                                                           \
    find(ft, EF_LIBFREETYPE, #f, &ef_cairo.f, st, EF_ERR_CHART);
    EF_CAIRO_FUNCS(FIND_CAIRO)
    EF_FREETYPE_FUNCS(FIND_FT)
#undef FIND_CAIRO
#undef FIND_FT
}

static void load_xlsx(void)
{
    load_state *st = &xlsx_state;
    void *x = open_lib(EF_LIBXLSXWRITER, st, EF_ERR_XLSX);

    if (st->rc != EF_OK)
        return;
#define FIND_XLSX(f)                                                         \
    find(x, EF_LIBXLSXWRITER, #f, &ef_xlsxw.f, st, EF_ERR_XLSX);
    EF_XLSX_FUNCS(FIND_XLSX)
#undef FIND_XLSX
}

static ef_status outcome(const load_state *st, ef_err *e)
{
    if (st->rc != EF_OK)
        return ef_fail(e, st->rc, "%s", st->msg);
    return EF_OK;
}

ef_status ef_cairo_load(ef_err *e)
{
    pthread_once(&cairo_state.once, load_cairo);
    return outcome(&cairo_state, e);
}

ef_status ef_xlsx_load(ef_err *e)
{
    pthread_once(&xlsx_state.once, load_xlsx);
    return outcome(&xlsx_state, e);
}
