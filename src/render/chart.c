/* chart.c - the report's charts, drawn with cairo as PNG (2x) and SVG.
 *
 * Each chart is prepared once from the model (its size and the sentences
 * that state its finding), then drawn by one function on two surfaces: an
 * image surface written as PNG and an SVG surface. Text comes from the
 * font file given by path, through FreeType, with hinting off, so text
 * extents (and so the layout) are the same on both surfaces and on every
 * machine. cairo's SVG output is post-processed: ids are renumbered and
 * prefixed per chart (cairo numbers surfaces with a process-wide counter,
 * and several charts share one HTML page), and a <title> and <desc> are
 * inserted for screen readers.
 *
 * This is the only file that includes cairo.h.
 */
#include "render/chart.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-ft.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include "input/datetime.h"
#include "render/findings.h"
#include "render/fontfall.h"
#include "render/palette.h"
#include "render/png.h"
#include "util/pool.h"
#include "util/script.h"
#include "util/text.h"

/* ==== Layout constants ================================================== */

#define CHART_W 800.0  /* every chart's width, CSS pixels */
#define NARROW_W 360.0 /* the same, drawn for a phone (the HTML page) */
#define PAD 20.0       /* outer margin */
#define DENSITY 2      /* PNG pixels per CSS pixel */
#define PNG_DPM                                                               \
    7559                /* 192 dpi (2 x 96) in pixels per metre: the PNG      \
                           says so, and slides size it as drawn */
#define MAX_CHANNELS 25 /* bars in the channel chart; the rest are noted */
#define MAX_SPIKE_LABELS 6

#define FS_TITLE 18.0
#define FS_SUB 12.5
#define FS_LEGEND 12.0
#define FS_TICK 11.5
#define FS_LABEL 12.0
#define FS_NOTE 10.5

#define RGB_AXIS 0xB5B5B5 /* the zero line, tick marks */
#define RGB_WHITE 0xFFFFFF

#define MINUS "\xE2\x88\x92" /* U+2212, for numbers drawn and said */

static const char *const MONTH_ABBR[12] = {"Jan", "Feb", "Mar", "Apr",
                                           "May", "Jun", "Jul", "Aug",
                                           "Sep", "Oct", "Nov", "Dec"};

/* ==== Text and numbers ================================================== */

/* Appends s to b as XML character data (s is already clean UTF-8). */
static void xml_escape(ef_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': ef_buf_puts(b, "&amp;"); break;
        case '<': ef_buf_puts(b, "&lt;"); break;
        case '>': ef_buf_puts(b, "&gt;"); break;
        case '"': ef_buf_puts(b, "&quot;"); break;
        default: ef_buf_putc(b, *s);
        }
    }
}

/* A copy of s without the isolates (U+2066-U+2069) that keep names apart
 * in drawn sentences: not for <title>, alt text or file names. The
 * caller frees it. */
static char *strip_isolates(const char *s)
{
    size_t n = strlen(s), o = 0;
    char *out = ef_xmalloc(n + 1);

    for (size_t i = 0; i < n; i++) {
        const unsigned char *u = (const unsigned char *)s + i;
        if (u[0] == 0xE2 && i + 2 < n && u[1] == 0x81 && u[2] >= 0xA6 &&
            u[2] <= 0xA9) {
            i += 2;
            continue;
        }
        out[o++] = s[i];
    }
    out[o] = '\0';
    return out;
}

/* ==== Calendar ========================================================== */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ef_civil_from_days with the year as an int (a chart's years are). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t y64;

    ef_civil_from_days(z, &y64, m, d);
    *y = (int)y64;
}

/* 0 for Monday .. 6 for Sunday. */
static int weekday(int64_t day)
{
    int w = (int)((day + 3) % 7);
    return w < 0 ? w + 7 : w;
}

static void iso_week(int64_t day, int *year, int *week)
{
    int64_t thursday = day - weekday(day) + 3;
    int m, d;

    civil_from_days(thursday, year, &m, &d);
    *week = (int)((thursday - ef_days_from_civil(*year, 1, 1)) / 7 + 1);
}

/* ==== Drawing primitives ================================================ */

static unsigned mix(unsigned a, unsigned b, double f) /* f of b */
{
    unsigned out = 0;
    for (int sh = 16; sh >= 0; sh -= 8) {
        double ca = (a >> sh) & 255, cb = (b >> sh) & 255;
        out |= (unsigned)lround(ca + (cb - ca) * f) << sh;
    }
    return out;
}

static void set_rgb(cairo_t *cr, unsigned c)
{
    cairo_set_source_rgb(cr, ((c >> 16) & 255) / 255.0,
                         ((c >> 8) & 255) / 255.0, (c & 255) / 255.0);
}

/* ==== Text in any script ================================================ */

/* The fonts a chart draws with: the bundled one (slot 0), then those
 * fontconfig offers for glyphs it lacks, and which slot draws each code
 * point met so far. Shared by the threads, under its lock. */
#define MAX_FACES 16

typedef struct {
    pthread_mutex_t mu;
    cairo_font_face_t *face[MAX_FACES];
    char *path[MAX_FACES];
    int index[MAX_FACES];
    size_t nfaces;
    uint32_t *cp;  /* open addressing: code point + 1, 0 = empty */
    uint8_t *slot; /* its font */
    size_t cap, n;
} fontset;

static const cairo_user_data_key_t fontset_key;
static const cairo_user_data_key_t min_text_key;
static ef_status load_font_at(const char *path, int index,
                              cairo_font_face_t **out, ef_err *e);
static FT_Face ft_face_of(cairo_font_face_t *cf);

/* Whether cp draws nothing, or as a gap: no font is looked up for it. */
static int invisible(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x200B && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
           cp == 0xFEFF || (cp >= 0xFE00 && cp <= 0xFE0F);
}

/* The slot of the font that draws cp: the bundled font when it has the
 * glyph, else fontconfig's choice (loaded once), else the bundled font
 * (its "missing" box). */
static size_t face_for(fontset *fs, uint32_t cp)
{
    size_t i, slot = 0;
    char path[4096];
    int index;

    pthread_mutex_lock(&fs->mu);
    for (i = (cp * 2654435761u) & (fs->cap - 1); fs->cp[i];
         i = (i + 1) & (fs->cap - 1))
        if (fs->cp[i] == cp + 1) {
            slot = fs->slot[i];
            goto out;
        }
    if (!invisible(cp) &&
        FT_Get_Char_Index(ft_face_of(fs->face[0]), cp) == 0 &&
        ef_font_fallback(cp, path, sizeof path, &index)) {
        for (slot = 1; slot < fs->nfaces; slot++)
            if (fs->index[slot] == index && strcmp(fs->path[slot], path) == 0)
                break;
        if (slot == fs->nfaces) {
            ef_err e;
            if (fs->nfaces == MAX_FACES ||
                load_font_at(path, index, &fs->face[slot], &e) != EF_OK) {
                slot = 0;
            } else {
                fs->path[slot] = ef_xstrdup(path);
                fs->index[slot] = index;
                fs->nfaces++;
            }
        }
    }
    if (fs->n * 2 >= fs->cap) { /* grow: rehash */
        uint32_t *ocp = fs->cp;
        uint8_t *osl = fs->slot;
        size_t ocap = fs->cap;
        fs->cap *= 2;
        fs->cp = ef_xcalloc(fs->cap, sizeof *fs->cp);
        fs->slot = ef_xcalloc(fs->cap, sizeof *fs->slot);
        for (size_t k = 0; k < ocap; k++) {
            size_t j;
            if (!ocp[k])
                continue;
            for (j = ((ocp[k] - 1) * 2654435761u) & (fs->cap - 1); fs->cp[j];
                 j = (j + 1) & (fs->cap - 1))
                ;
            fs->cp[j] = ocp[k];
            fs->slot[j] = osl[k];
        }
        free(ocp);
        free(osl);
        for (i = (cp * 2654435761u) & (fs->cap - 1); fs->cp[i];
             i = (i + 1) & (fs->cap - 1))
            ;
    }
    fs->cp[i] = cp + 1;
    fs->slot[i] = (uint8_t)slot;
    fs->n++;
out:
    pthread_mutex_unlock(&fs->mu);
    return slot;
}

static void fontset_init(fontset *fs, cairo_font_face_t *primary)
{
    memset(fs, 0, sizeof *fs);
    pthread_mutex_init(&fs->mu, NULL);
    fs->face[0] = primary;
    fs->nfaces = 1;
    fs->cap = 256;
    fs->cp = ef_xcalloc(fs->cap, sizeof *fs->cp);
    fs->slot = ef_xcalloc(fs->cap, sizeof *fs->slot);
}

/* Frees the fallback fonts (not the primary). */
static void fontset_free(fontset *fs)
{
    for (size_t i = 1; i < fs->nfaces; i++) {
        cairo_font_face_destroy(fs->face[i]);
        free(fs->path[i]);
    }
    free(fs->cp);
    free(fs->slot);
    pthread_mutex_destroy(&fs->mu);
}

/* Measures (draw = 0) or draws at the current point (draw = 1) s at
 * size: ASCII straight in the bundled font; other text in visual order
 * (right-to-left runs reversed, Arabic joined), each run in the font
 * that has its glyphs. Returns the width. */
static double show(cairo_t *cr, double size, const char *s, int draw)
{
    fontset *fs = cairo_get_user_data(cr, &fontset_key);
    double *min = cairo_get_user_data(cr, &min_text_key);
    cairo_text_extents_t te;
    size_t n = strlen(s), i = 0;
    const unsigned char *u;
    char *vis = NULL, *run;
    double w = 0;
    int ascii = 1;

    if (draw && min && size < *min)
        *min = size;
    cairo_set_font_size(cr, size);
    for (size_t k = 0; k < n && ascii; k++)
        ascii = (unsigned char)s[k] < 0x80;
    if (ascii || fs == NULL) {
        cairo_text_extents(cr, s, &te);
        if (draw)
            cairo_show_text(cr, s);
        return te.x_advance;
    }
    if (ef_utf8_has_rtl(s, n)) {
        vis = ef_script_visual(s, n);
        s = vis;
        n = strlen(s);
    }
    u = (const unsigned char *)s;
    run = ef_xmalloc(n + 1);
    while (i < n) {
        size_t rn = 0, slot = SIZE_MAX;
        while (i < n) {
            uint32_t cp;
            size_t k = ef_utf8_decode(u + i, n - i, &cp), f;
            if (invisible(cp)) { /* marks and isolates: not drawn */
                i += k;
                continue;
            }
            f = face_for(fs, cp);
            if (slot != SIZE_MAX && f != slot)
                break;
            slot = f;
            memcpy(run + rn, s + i, k);
            rn += k;
            i += k;
        }
        if (slot == SIZE_MAX)
            break;
        run[rn] = '\0';
        cairo_set_font_face(cr, fs->face[slot]);
        cairo_set_font_size(cr, size);
        cairo_text_extents(cr, run, &te);
        w += te.x_advance;
        if (draw)
            cairo_show_text(cr, run);
    }
    cairo_set_font_face(cr, fs->face[0]);
    cairo_set_font_size(cr, size);
    free(run);
    free(vis);
    return w;
}

static double text_w(cairo_t *cr, double size, const char *s)
{
    return show(cr, size, s, 0);
}

/* Draws s with its baseline at y; align 0 puts x at the left edge, 0.5
 * at the centre, 1 at the right edge. Returns the text's width. */
static double text_at(cairo_t *cr, double size, unsigned colour, double x,
                      double y, double align, const char *s)
{
    double w = text_w(cr, size, s);
    set_rgb(cr, colour);
    cairo_move_to(cr, x - align * w, y);
    show(cr, size, s, 1);
    cairo_new_path(cr);
    return w;
}

/* Copies s into out (cap bytes), cut at a character boundary with "…"
 * so that it is at most maxw wide. */
static void fit_text(cairo_t *cr, double size, const char *s, double maxw,
                     char *out, size_t cap)
{
    size_t n = strlen(s), nb = 0, lo = 0, hi, cut;
    size_t *at; /* the byte offsets where characters start */

    if (n < cap && text_w(cr, size, s) <= maxw) {
        memcpy(out, s, n + 1);
        return;
    }
    at = ef_xmalloc((n + 1) * sizeof *at);
    for (size_t i = 0; i <= n && i + 4 <= cap; i++)
        if (i == n || ((unsigned char)s[i] & 0xC0) != 0x80)
            at[nb++] = i;
    /* the most characters that fit with "…" (at[0] = 0: none) */
    hi = nb - 1;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        memcpy(out, s, at[mid]);
        memcpy(out + at[mid], "\xE2\x80\xA6", 4);
        if (text_w(cr, size, out) <= maxw)
            lo = mid;
        else
            hi = mid - 1;
    }
    cut = at[lo];
    free(at);
    while (cut > 0 && s[cut - 1] == ' ')
        cut--;
    memcpy(out, s, cut);
    memcpy(out + cut, "\xE2\x80\xA6", 4);
}

static void line(cairo_t *cr, double x0, double y0, double x1, double y1)
{
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
}

static void circle(cairo_t *cr, double x, double y, double r)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
}

static void dash(cairo_t *cr, double on, double off)
{
    double d[2] = {on, off};
    cairo_set_dash(cr, d, on > 0 ? 2 : 0, 0);
}

/* ==== Frame: title, subtitle, legend, note ============================== */

typedef struct {
    double x, y, w, h;
} box;

#define MAX_LINES 3

/* Splits s at spaces into at most max (<= MAX_LINES) lines of width
 * maxw, the last cut with "…" if it must be; returns the count. */
static int wrap_lines(cairo_t *cr, double size, const char *s, double maxw,
                      char l[MAX_LINES][512], int max)
{
    int nl = 0;

    while (nl < max - 1 && strlen(s) < 511 && text_w(cr, size, s) > maxw) {
        size_t n = strlen(s), cut = 0;
        for (size_t i = 1; i < n; i++) {
            if (s[i] != ' ')
                continue;
            memcpy(l[nl], s, i);
            l[nl][i] = '\0';
            if (text_w(cr, size, l[nl]) > maxw)
                break;
            cut = i;
        }
        if (cut == 0)
            break;
        memcpy(l[nl], s, cut);
        l[nl++][cut] = '\0';
        s += cut + 1;
    }
    fit_text(cr, size, s, maxw, l[nl], 512);
    return nl + 1;
}

/* The box left for a chart's content under its title (wrapped to two
 * lines, three on a narrow chart) and subtitle (one line, two on a
 * narrow chart) and above its note (two lines at most); with paint,
 * draws them on a white background. */
static box frame_box(cairo_t *cr, double w, double h, const char *title,
                     const char *subtitle, const char *note, int paint)
{
    char l[MAX_LINES][512];
    double y = PAD + 15;
    int nl, narrow = w < CHART_W;
    box b;

    if (paint) {
        set_rgb(cr, RGB_WHITE);
        cairo_paint(cr);
    }
    nl = wrap_lines(cr, FS_TITLE, title, w - 2 * PAD, l, narrow ? 3 : 2);
    for (int i = 0; i < nl; i++, y += 23)
        if (paint)
            text_at(cr, FS_TITLE, EF_RGB_INK, PAD, y, 0, l[i]);
    y += -23 + 21;
    nl = wrap_lines(cr, FS_SUB, subtitle, w - 2 * PAD, l, narrow ? 2 : 1);
    for (int i = 0; i < nl; i++, y += 16)
        if (paint)
            text_at(cr, FS_SUB, EF_RGB_MUTED, PAD, y, 0, l[i]);
    y -= 16;
    b.x = PAD;
    b.y = y + 16;
    b.w = w - 2 * PAD;
    b.h = h - PAD - b.y;
    if (note && *note) {
        nl = wrap_lines(cr, FS_NOTE, note, w - 2 * PAD, l, narrow ? 3 : 2);
        for (int i = 0; i < nl && paint; i++)
            text_at(cr, FS_NOTE, EF_RGB_MUTED, PAD,
                    h - PAD + 4 - 14 * (nl - 1 - i), 0, l[i]);
        b.h -= 18 + 14 * (nl - 1);
    }
    return b;
}

enum { SW_BOX, SW_LINE, SW_DASH, SW_DOT, SW_BAND, SW_HOLLOW, SW_RING };

typedef struct {
    int kind;
    unsigned colour;
    char label[128];
} legend_item;

static void swatch(cairo_t *cr, int kind, unsigned colour, double x, double cy)
{
    set_rgb(cr, colour);
    cairo_set_line_width(cr, 2);
    switch (kind) {
    case SW_BOX:
        cairo_rectangle(cr, x + 3, cy - 5.5, 11, 11);
        cairo_fill(cr);
        break;
    case SW_BAND:
        cairo_rectangle(cr, x, cy - 5, 18, 10);
        cairo_fill(cr);
        break;
    case SW_LINE: line(cr, x, cy, x + 18, cy); break;
    case SW_DASH:
        dash(cr, 5, 3);
        cairo_set_line_width(cr, 1.75);
        line(cr, x, cy, x + 18, cy);
        dash(cr, 0, 0);
        break;
    case SW_DOT:
        dash(cr, 2, 2);
        cairo_set_line_width(cr, 1.25);
        line(cr, x, cy, x + 18, cy);
        dash(cr, 0, 0);
        break;
    case SW_HOLLOW:
        cairo_set_line_width(cr, 1.5);
        circle(cr, x + 9, cy, 3.5);
        cairo_stroke(cr);
        break;
    case SW_RING:
        circle(cr, x + 9, cy, 5);
        cairo_stroke(cr);
        break;
    }
}

/* Draws the legend items from the top-left corner (x, y), wrapping at
 * maxw; returns the y below it. */
static double legend(cairo_t *cr, double x, double y, double maxw,
                     const legend_item *it, size_t n)
{
    double cx = x, base = y + 12;

    for (size_t i = 0; i < n; i++) {
        double tw = text_w(cr, FS_LEGEND, it[i].label);
        double iw = 18 + 6 + tw;
        if (cx > x && cx + iw > x + maxw) {
            cx = x;
            base += 19;
        }
        swatch(cr, it[i].kind, it[i].colour, cx, base - 4);
        text_at(cr, FS_LEGEND, EF_RGB_INK, cx + 24, base, 0, it[i].label);
        cx += iw + 20;
    }
    return n ? base + 12 : y;
}

/* ==== Value scales ====================================================== */

typedef struct {
    double lo, hi, step;
} scale;

/* 1, 2 or 5 times a power of ten, at least x. */
static double nice_step(double x)
{
    double p = pow(10, floor(log10(x))), f = x / p;
    return (f <= 1 + 1e-9   ? 1
            : f <= 2 + 1e-9 ? 2
            : f <= 5 + 1e-9 ? 5
                            : 10) *
           p;
}

/* A scale over [lo, hi] with about `target` steps of 1-2-5. */
static scale nice_scale(double lo, double hi, int target)
{
    scale s;
    if (!(hi > lo))
        hi = lo + 1;
    s.step = nice_step((hi - lo) / target);
    s.lo = floor(lo / s.step + 1e-9) * s.step;
    s.hi = ceil(hi / s.step - 1e-9) * s.step;
    if (s.hi <= s.lo)
        s.hi = s.lo + s.step;
    return s;
}

enum { F_PCT, F_COUNT, F_SIGNED, F_SCORE };

static void fmt_tick(char *out, double v, double step, int f)
{
    if (fabs(v) < step * 1e-6)
        v = 0;
    switch (f) {
    case F_PCT:
        ef_find_pct(out, v, step >= 0.00999 ? 0 : step >= 0.000999 ? 1 : 2);
        break;
    case F_COUNT: ef_find_count(out, (uint64_t)llround(v < 0 ? 0 : v)); break;
    case F_SIGNED: ef_find_signed(out, v); break;
    default: ef_find_score(out, v); /* "-0.5", "0", "+1" */
    }
}

static double ymap(box p, scale s, double v)
{
    return p.y + p.h - (v - s.lo) / (s.hi - s.lo) * p.h;
}

static int scale_ticks(scale s)
{
    return (int)lround((s.hi - s.lo) / s.step);
}

static double ylabels_w(cairo_t *cr, scale s, int f)
{
    char buf[64];
    double w = 0;
    for (int k = 0; k <= scale_ticks(s); k++) {
        fmt_tick(buf, s.lo + k * s.step, s.step, f);
        w = fmax(w, text_w(cr, FS_TICK, buf));
    }
    return w;
}

/* The horizontal grid and its labels, left of the plot. */
static void yaxis(cairo_t *cr, box p, scale s, int f)
{
    char buf[64];
    cairo_set_line_width(cr, 1);
    for (int k = 0; k <= scale_ticks(s); k++) {
        double v = s.lo + k * s.step, y = round(ymap(p, s, v));
        set_rgb(cr, fabs(v) < s.step * 1e-6 ? RGB_AXIS : EF_RGB_GRID);
        line(cr, p.x, y, p.x + p.w, y);
        fmt_tick(buf, v, s.step, f);
        text_at(cr, FS_TICK, EF_RGB_MUTED, p.x - 8, y + 4, 1, buf);
    }
}

/* ==== Time axis ========================================================= */

enum { U_DAY, U_WEEK, U_MONTH, U_YEAR };

typedef struct {
    int kind;        /* ef_period */
    int64_t off;     /* local time = UTC + off, from the first period */
    int64_t t0, t1;  /* first period's start, last period's end */
    box p;           /* the plot */
    double *x0, *x1; /* each period's left and right edge (pixels) */
    int *joined;     /* period i follows i-1 without a gap */
} timeax;

typedef struct {
    double x;    /* centre of the label */
    double mark; /* where the tick mark goes */
    char lab[16];
    char ctx[8]; /* the year, under the first label of each year */
} tick;

static int64_t local_day(const timeax *ta, int64_t t)
{
    return floor_div(t + ta->off, 86400);
}

static int64_t day_start(const timeax *ta, int64_t day)
{
    return day * 86400 - ta->off;
}

static int64_t next_month(int64_t day)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    return m == 12 ? ef_days_from_civil(y + 1, 1, 1)
                   : ef_days_from_civil(y, m + 1, 1);
}

static int64_t period_end(const timeax *ta, int64_t start)
{
    int64_t d = local_day(ta, start);
    switch (ta->kind) {
    case EF_PERIOD_DAY: return day_start(ta, d + 1);
    case EF_PERIOD_MONTH: return day_start(ta, next_month(d));
    default: return day_start(ta, d + 7);
    }
}

static double tmap(const timeax *ta, double t)
{
    return ta->p.x +
           (t - (double)ta->t0) / (double)(ta->t1 - ta->t0) * ta->p.w;
}

/* Lays the periods out along the plot's width, by time (a missing period
 * leaves a gap). Free with timeax_free. */
static void timeax_init(timeax *ta, const ef_report *r, box p)
{
    int y = 0, m = 0, d = 0;
    size_t n = r->nperiods;

    ta->kind = r->period_kind;
    ta->off = 0;
    if (sscanf(r->periods[0].date, "%d-%d-%d", &y, &m, &d) == 3)
        ta->off = ef_days_from_civil(y, m, d) * 86400 - r->periods[0].start;
    ta->p = p;
    ta->t0 = r->periods[0].start;
    ta->t1 = period_end(ta, r->periods[n - 1].start);
    if (ta->t1 <= ta->t0)
        ta->t1 = ta->t0 + 86400;
    ta->x0 = ef_xmalloc(n * sizeof *ta->x0);
    ta->x1 = ef_xmalloc(n * sizeof *ta->x1);
    ta->joined = ef_xmalloc(n * sizeof *ta->joined);
    for (size_t i = 0; i < n; i++) {
        int64_t s = r->periods[i].start, e = period_end(ta, s);
        if (i + 1 < n && r->periods[i + 1].start < e)
            e = r->periods[i + 1].start;
        ta->x0[i] = tmap(ta, (double)s);
        ta->x1[i] = tmap(ta, (double)e);
        /* a DST change moves a start by an hour: still joined */
        ta->joined[i] =
            i > 0 && s - period_end(ta, r->periods[i - 1].start) < 7200;
    }
}

static void timeax_free(timeax *ta)
{
    free(ta->x0);
    free(ta->x1);
    free(ta->joined);
}

/* The ticks of one unit and step (every `step` days, Mondays, months or
 * years) inside the domain; returns their count (at most cap). */
static size_t gen_ticks(const timeax *ta, int unit, int step, tick *out,
                        size_t cap)
{
    int64_t d0 = local_day(ta, ta->t0), d1 = local_day(ta, ta->t1 - 1);
    int64_t day;
    int prev_year = INT_MIN;
    size_t n = 0;
    int y, m, d;

    if (unit == U_DAY)
        day = d0;
    else if (unit == U_WEEK)
        day = d0 + (7 - weekday(d0)) % 7;
    else {
        civil_from_days(d0, &y, &m, &d);
        day = (d == 1 && (unit == U_MONTH || m == 1)) ? d0
              : unit == U_MONTH                       ? next_month(d0)
                                : ef_days_from_civil(y + 1, 1, 1);
    }
    for (; day <= d1 && n < cap;) {
        int64_t next, len;
        int keep, year;
        tick *t = &out[n];

        civil_from_days(day, &y, &m, &d);
        switch (unit) {
        case U_DAY:
            next = day + 1;
            keep = floor_div(day, step) * step == day;
            break;
        case U_WEEK:
            next = day + 7;
            keep = floor_div(day - 4, 7) % step == 0;
            break;
        case U_MONTH:
            next = next_month(day);
            keep = (m - 1) % step == 0;
            break;
        default: next = ef_days_from_civil(y + 1, 1, 1); keep = y % step == 0;
        }
        if (keep) {
            year = y;
            len = next - day;
            t->mark = tmap(ta, (double)day_start(ta, day));
            t->x = t->mark;
            if (ta->kind == EF_PERIOD_DAY && unit <= U_WEEK)
                t->x = tmap(ta, day_start(ta, day) + 43200.0);
            else if ((unit == U_WEEK && ta->kind == EF_PERIOD_WEEK) ||
                     (unit == U_MONTH && ta->kind == EF_PERIOD_MONTH))
                t->x = tmap(ta, day_start(ta, day) + len * 43200.0);
            if (ta->kind == EF_PERIOD_DAY || t->x != t->mark)
                t->mark = t->x; /* under the bar it names */
            t->ctx[0] = '\0';
            if (unit == U_WEEK && ta->kind == EF_PERIOD_WEEK) {
                int wk;
                iso_week(day, &year, &wk);
                snprintf(t->lab, sizeof t->lab, "W%02d", wk);
            } else if (unit <= U_WEEK) {
                snprintf(t->lab, sizeof t->lab, "%d %s", d, MONTH_ABBR[m - 1]);
            } else if (unit == U_MONTH) {
                snprintf(t->lab, sizeof t->lab, "%s", MONTH_ABBR[m - 1]);
            } else {
                snprintf(t->lab, sizeof t->lab, "%d", y);
                year = prev_year;
            }
            if (year != prev_year && unit != U_YEAR)
                snprintf(t->ctx, sizeof t->ctx, "%d", year);
            prev_year = year;
            n++;
        }
        day = next;
    }
    return n;
}

/* Where a tick's label goes: centred on it, kept inside the chart. */
static double tick_x(cairo_t *cr, const tick *t, double w, double *half)
{
    *half = fmax(text_w(cr, FS_TICK, t->lab), text_w(cr, FS_TICK, t->ctx)) / 2;
    return fmin(fmax(t->x, PAD / 2 + *half), w - PAD / 2 - *half);
}

static int ticks_fit(cairo_t *cr, const tick *t, size_t n, double w)
{
    double prev_x = 0, prev_half = 0;
    for (size_t i = 0; i < n; i++) {
        double half, x = tick_x(cr, &t[i], w, &half);
        if (i > 0 && x - prev_x < prev_half + half + 12)
            return 0;
        prev_x = x;
        prev_half = half;
    }
    return 1;
}

/* Draws the time axis under the plot: the finest calendar unit whose
 * labels do not overlap ("W14" with the year once, "3 Mar", month
 * names, years). */
static void time_axis(cairo_t *cr, const timeax *ta, double w)
{
    static const int cand[][2] = {
        {U_DAY, 1},   {U_DAY, 2},   {U_WEEK, 1},  {U_WEEK, 2},  {U_WEEK, 4},
        {U_MONTH, 1}, {U_MONTH, 3}, {U_MONTH, 6}, {U_YEAR, 1},  {U_YEAR, 2},
        {U_YEAR, 5},  {U_YEAR, 10}, {U_YEAR, 20}, {U_YEAR, 50}, {U_YEAR, 100}};
    int64_t days = local_day(ta, ta->t1 - 1) - local_day(ta, ta->t0) + 1;
    size_t cap = (size_t)days + 2, n = 0;
    tick *t = ef_xmalloc(cap * sizeof *t);
    double bottom = ta->p.y + ta->p.h;

    for (size_t c = 0; c < EF_ARRAY_LEN(cand); c++) {
        int unit = cand[c][0], step = cand[c][1];
        if ((ta->kind == EF_PERIOD_WEEK && unit == U_DAY) ||
            (ta->kind == EF_PERIOD_MONTH && unit <= U_WEEK) ||
            (ta->kind == EF_PERIOD_DAY && unit == U_WEEK && step == 4))
            continue;
        n = gen_ticks(ta, unit, step, t, cap);
        if (n > 0 && ticks_fit(cr, t, n, w))
            break;
    }
    cairo_set_line_width(cr, 1);
    set_rgb(cr, RGB_AXIS);
    line(cr, ta->p.x, round(bottom), ta->p.x + ta->p.w, round(bottom));
    for (size_t i = 0; i < n; i++) {
        double half, x = tick_x(cr, &t[i], w, &half);
        double mx = round(t[i].mark);
        set_rgb(cr, RGB_AXIS);
        line(cr, mx, round(bottom), mx, round(bottom) + 4);
        text_at(cr, FS_TICK, EF_RGB_MUTED, x, bottom + 18, 0.5, t[i].lab);
        if (t[i].ctx[0])
            text_at(cr, FS_TICK, EF_RGB_INK, x, bottom + 33, 0.5, t[i].ctx);
    }
    free(t);
}

#define TIME_AXIS_H 40.0 /* room under a plot for the time axis */

/* ==== Charts: preparation =============================================== */

typedef struct job job;
typedef void (*draw_fn)(cairo_t *cr, const job *j);

struct job {
    const ef_report *r;
    char name[32];
    double w, h;      /* h is fixed, or set from content_h */
    double content_h; /* > 0: the chart is as tall as its content */
    ef_find_text t;   /* title, subtitle, note, desc */
    draw_fn draw;
    size_t *rows; /* channels: the rows shown, in order */
    size_t nrows;
};

static box frame(cairo_t *cr, const job *j)
{
    return frame_box(cr, j->w, j->h, ef_buf_cstr((ef_buf *)&j->t.title),
                     ef_buf_cstr((ef_buf *)&j->t.subtitle),
                     ef_buf_cstr((ef_buf *)&j->t.note), 1);
}

static void job_free(job *j)
{
    ef_find_text_reset(&j->t);
    free(j->rows);
}

/* ==== Chart: volume per period ========================================= */

/* White diagonal stripes over a bar: a partial period. */
static void hatch(cairo_t *cr, double x, double y, double w, double h)
{
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    set_rgb(cr, RGB_WHITE);
    cairo_set_line_width(cr, 1.5);
    for (double d = -h; d < w; d += 5) {
        cairo_move_to(cr, x + d, y + h);
        cairo_line_to(cr, x + d + h, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void draw_trend_volume(cairo_t *cr, const job *j)
{
    const ef_report *r = j->r;
    static const int order[3] = {EF_NEGATIVE, EF_NEUTRAL, EF_POSITIVE};
    static const unsigned colour[3] = {EF_RGB_NEGATIVE, EF_RGB_NEUTRAL,
                                       EF_RGB_POSITIVE};
    legend_item li[3] = {{SW_BOX, EF_RGB_NEGATIVE, "negative"},
                         {SW_BOX, EF_RGB_NEUTRAL, "neutral"},
                         {SW_BOX, EF_RGB_POSITIVE, "positive"}};
    box b = frame(cr, j);
    uint64_t maxn = 1;
    scale s;
    timeax ta;
    box p;
    double top = legend(cr, b.x, b.y, b.w, li, 3) + 12;

    for (size_t i = 0; i < r->nperiods; i++)
        if (r->periods[i].n > maxn)
            maxn = r->periods[i].n;
    s = nice_scale(0, maxn < 5 ? 5 : (double)maxn, 5);
    p.x = b.x + ylabels_w(cr, s, F_COUNT) + 8;
    p.y = top;
    p.w = b.x + b.w - p.x;
    p.h = b.y + b.h - TIME_AXIS_H - top;
    yaxis(cr, p, s, F_COUNT);
    timeax_init(&ta, r, p);
    for (size_t i = 0; i < r->nperiods; i++) {
        const ef_period_stat *q = &r->periods[i];
        double x0 = ta.x0[i], x1 = ta.x1[i], w = x1 - x0, gap, y = 0;
        /* a gap between bars only where bars are wide enough to show it;
         * narrow bars abut (slightly overlapping: no hairline seams) */
        gap = w >= 4 ? fmin(w * 0.22, 14) : 0;
        if (w - gap > 56)
            gap = w - 56;
        x0 += gap / 2;
        x1 -= gap / 2;
        if (gap == 0)
            x1 += 0.35;
        for (int c = 0; c < 3; c++) {
            double v = (double)q->count[order[c]];
            double ya = ymap(p, s, y), yb = ymap(p, s, y + v);
            if (v <= 0)
                continue;
            set_rgb(cr,
                    q->too_few ? mix(colour[c], RGB_WHITE, 0.62) : colour[c]);
            cairo_rectangle(cr, x0, yb, x1 - x0, ya - yb + (c < 2 ? 0.35 : 0));
            cairo_fill(cr);
            y += v;
        }
        if (q->partial && y > 0)
            hatch(cr, x0, ymap(p, s, y), x1 - x0,
                  ymap(p, s, 0) - ymap(p, s, y));
    }
    time_axis(cr, &ta, j->w);
    timeax_free(&ta);
}

static void prep_trend_volume(job *j)
{
    ef_find_chart_volume(j->r, &j->t);
    j->h = 420;
    j->draw = draw_trend_volume;
}

/* ==== Chart: negative share per period ================================== */

typedef struct {
    double x, y, w, h;
} rect;

static int overlaps(const rect *a, const rect *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h &&
           b->y < a->y + a->h;
}

/* Does the segment (x0, y0)-(x1, y1) cross c? (Liang-Barsky) */
static int seg_hits(double x0, double y0, double x1, double y1, const rect *c)
{
    double t0 = 0, t1 = 1;
    double pp[4] = {x0 - x1, x1 - x0, y0 - y1, y1 - y0};
    double qq[4] = {x0 - c->x, c->x + c->w - x0, y0 - c->y, c->y + c->h - y0};

    for (int k = 0; k < 4; k++) {
        double t;
        if (pp[k] == 0) {
            if (qq[k] < 0)
                return 0;
            continue;
        }
        t = qq[k] / pp[k];
        if (pp[k] < 0 && t > t0)
            t0 = t;
        else if (pp[k] > 0 && t < t1)
            t1 = t;
        if (t0 > t1)
            return 0;
    }
    return 1;
}

/* A period series as drawn: values, which periods are shown. */
typedef struct {
    const double *v;
    const int *show;
} series;

/* Does c cover a point or a segment of the series? */
static int hits_series(const timeax *ta, scale s, series sr, size_t n,
                       const rect *c)
{
    double px = 0, py = 0;
    for (size_t i = 0; i < n; i++) {
        double x = (ta->x0[i] + ta->x1[i]) / 2, y;
        if (!sr.show[i])
            continue;
        y = ymap(ta->p, s, sr.v[i]);
        if (x >= c->x - 4 && x <= c->x + c->w + 4 && y >= c->y - 4 &&
            y <= c->y + c->h + 4)
            return 1;
        if (i > 0 && sr.show[i - 1] && ta->joined[i] &&
            seg_hits(px, py, x, y, c))
            return 1;
        px = x;
        py = y;
    }
    return 0;
}

/* Labels the spikes with their top term and period, the most negative
 * first: above the marker, else beside it, where the label covers
 * neither another label nor the lines; else where it covers no label,
 * on a white halo; else not at all (the marker stays). */
static void spike_labels(cairo_t *cr, const ef_report *r, const timeax *ta,
                         scale s, const series *sr, size_t nsr)
{
    size_t n = r->nperiods, ns = 0, *idx = ef_xmalloc(n * sizeof *idx);
    rect placed[MAX_SPIKE_LABELS];
    size_t np = 0;
    box p = ta->p;

    for (size_t i = 0; i < n; i++)
        if (ef_find_spike(&r->periods[i]))
            idx[ns++] = i;
    /* by share, descending (insertion sort: few spikes) */
    for (size_t a = 1; a < ns; a++)
        for (size_t c = a; c > 0 && sr[0].v[idx[c]] > sr[0].v[idx[c - 1]];
             c--) {
            size_t t = idx[c];
            idx[c] = idx[c - 1];
            idx[c - 1] = t;
        }
    for (size_t k = 0; k < ns && np < MAX_SPIKE_LABELS; k++) {
        const ef_period_stat *q = &r->periods[idx[k]];
        double px = (ta->x0[idx[k]] + ta->x1[idx[k]]) / 2;
        double py = ymap(p, s, fmin(sr[0].v[idx[k]], s.hi)), top = py - 7;
        char term[160] = "";
        double bw, bh;
        rect cand[7];
        int ok = -1, nc = 0;

        if (q->nterms > 0 && q->terms[0]) {
            char *t = ef_text_clean(q->terms[0]);
            fit_text(cr, FS_LABEL, t, 150, term, sizeof term);
            free(t);
        }
        bw = fmax(term[0] ? text_w(cr, FS_LABEL, term) : 0,
                  text_w(cr, FS_NOTE, q->label));
        bh = term[0] ? 29 : 15;
        for (size_t m = 0; m < nsr; m++)
            if (sr[m].show[idx[k]])
                top = fmin(top, ymap(p, s, sr[m].v[idx[k]]) - 4);
        for (int lev = 0; lev < 3; lev++)
            cand[nc++] = (rect){fmin(fmax(px - bw / 2, p.x), p.x + p.w - bw),
                                top - 6 - bh - 16 * lev, bw, bh};
        cand[nc++] = (rect){px + 11, py - bh / 2, bw, bh};
        cand[nc++] = (rect){px - 11 - bw, py - bh / 2, bw, bh};
        cand[nc++] = (rect){px + 11, py - bh - 6, bw, bh};
        cand[nc++] = (rect){px - 11 - bw, py - bh - 6, bw, bh};
        for (int pass = 0; pass < 2 && ok < 0; pass++)
            for (int c = 0; c < nc && ok < 0; c++) {
                int clear = cand[c].y >= p.y - 2 && cand[c].x >= p.x &&
                            cand[c].x + cand[c].w <= p.x + p.w &&
                            cand[c].y + cand[c].h <= p.y + p.h - 2;
                for (size_t o = 0; o < np && clear; o++)
                    clear = !overlaps(&cand[c], &placed[o]);
                for (size_t m = 0; m < nsr && clear && pass == 0; m++)
                    clear = !hits_series(ta, s, sr[m], n, &cand[c]);
                if (clear)
                    ok = c;
            }
        if (ok < 0)
            continue;
        placed[np++] = cand[ok];
        {
            rect c = cand[ok];
            double align = ok < 3 ? 0.5 : (ok % 2 == 1) ? 0 : 1;
            double ax = c.x + align * c.w;
            double nx = fmin(fmax(px, c.x), c.x + c.w);
            double ny = fmin(fmax(py, c.y), c.y + c.h + 2);
            double d = hypot(nx - px, ny - py);
            if (d > 14) { /* a thin leader from the marker */
                cairo_set_line_width(cr, 0.75);
                set_rgb(cr, EF_RGB_MUTED);
                line(cr, px + (nx - px) * 7 / d, py + (ny - py) * 7 / d, nx,
                     ny);
            }
            cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
            cairo_rectangle(cr, c.x - 3, c.y - 1, c.w + 6, c.h + 3);
            cairo_fill(cr);
            if (term[0])
                text_at(cr, FS_LABEL, EF_RGB_INK, ax, c.y + 11, align, term);
            text_at(cr, FS_NOTE, EF_RGB_MUTED, ax, c.y + bh - 3, align,
                    q->label);
        }
    }
    free(idx);
}

/* A line through a period series, broken where a period is not shown
 * (show[i] == 0) or a period is missing. */
static void series_line(cairo_t *cr, const timeax *ta, box p, scale s,
                        const double *v, const int *show, size_t n)
{
    int open = 0;
    for (size_t i = 0; i < n; i++) {
        double x = (ta->x0[i] + ta->x1[i]) / 2;
        if (!show[i]) {
            open = 0;
            continue;
        }
        if (open && ta->joined[i])
            cairo_line_to(cr, x, ymap(p, s, v[i]));
        else
            cairo_move_to(cr, x, ymap(p, s, v[i]));
        open = 1;
    }
    cairo_stroke(cr);
}

/* A 95% band through a series: a polygon over each run of shown,
 * adjacent periods; a bar for a period that stands alone. */
static void series_band(cairo_t *cr, const timeax *ta, box p, scale s,
                        const double *lo, const double *hi, const int *show,
                        size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t e = i;
        if (!show[i]) {
            i++;
            continue;
        }
        while (e + 1 < n && show[e + 1] && ta->joined[e + 1])
            e++;
        if (e == i) {
            double x = (ta->x0[i] + ta->x1[i]) / 2;
            double bw = fmin(fmax((ta->x1[i] - ta->x0[i]) * 0.5, 2), 14);
            double y0 = ymap(p, s, hi[i]), y1 = ymap(p, s, lo[i]);
            cairo_rectangle(cr, x - bw / 2, y0, bw, fmax(y1 - y0, 1));
        } else {
            for (size_t k = i; k <= e; k++)
                cairo_line_to(cr, (ta->x0[k] + ta->x1[k]) / 2,
                              ymap(p, s, hi[k]));
            for (size_t k = e + 1; k-- > i;)
                cairo_line_to(cr, (ta->x0[k] + ta->x1[k]) / 2,
                              ymap(p, s, lo[k]));
            cairo_close_path(cr);
        }
        cairo_fill(cr);
        i = e + 1;
    }
}

static void draw_trend_negative(cairo_t *cr, const job *j)
{
    const ef_report *r = j->r;
    size_t n = r->nperiods, nl = 0, few = 0, nsp = 0;
    legend_item li[6];
    double maxv = 0, spmax = 0, dot;
    double *v = ef_xmalloc(n * sizeof *v), *lo = ef_xmalloc(n * sizeof *lo),
           *hi = ef_xmalloc(n * sizeof *hi);
    double *va = ef_xmalloc(n * sizeof *va);
    int *show = ef_xmalloc(n * sizeof *show), *sa = ef_xmalloc(n * sizeof *sa);
    /* re-estimated: that line first, VADER's dashed beside it */
    int adj = ef_find_adjusted(r), nrel = 0;
    double overall = adj ? r->calib.adjusted.share : r->negative.share;
    box b = frame(cr, j);
    char a[32], l[32];
    scale s;
    timeax ta;
    box p;

    for (size_t i = 0; i < n; i++) {
        const ef_period_stat *q = &r->periods[i];
        const ef_share *sh = EF_PSHARE(q);
        if (ef_find_reliable(q)) {
            nrel++;
            maxv = fmax(maxv, sh->hi);
            if (adj)
                maxv = fmax(maxv, q->negative.share);
        } else if (q->n > 0) { /* drawn hollow: the axis holds it too */
            maxv = fmax(maxv, sh->share);
        }
        few += q->too_few != 0;
        if (ef_find_spike(q)) {
            nsp++;
            spmax = fmax(spmax, fmax(sh->share, q->negative.share));
        }
    }
    if (nrel == 0)
        for (size_t i = 0; i < n; i++)
            maxv = fmax(maxv, EF_PSHARE(&r->periods[i])->share);
    maxv = fmax(maxv, overall);

    if (adj) {
        ef_fmt_count(l, sizeof l, r->calib.labeled);
        li[nl] = (legend_item){SW_LINE, EF_RGB_NEGATIVE, ""};
        snprintf(li[nl++].label, sizeof li[0].label,
                 r->calib.exact ? "negative share, as people labelled it"
                                : "negative share, re-estimated from %s "
                                  "human labels",
                 l);
    } else {
        li[nl++] = (legend_item){SW_LINE, EF_RGB_NEGATIVE,
                                 "negative share (VADER, unchecked)"};
    }
    if (!(adj && r->calib.exact)) {
        li[nl] = (legend_item){SW_BAND, EF_RGB_BAND, ""};
        snprintf(li[nl++].label, sizeof li[0].label, "%s",
                 adj ? "95% interval" : "95% interval (sampling error only)");
    }
    ef_find_share(a, overall);
    li[nl] = (legend_item){SW_DOT, EF_RGB_MUTED, ""};
    snprintf(li[nl++].label, sizeof li[0].label, "all %ss: %s",
             ef_find_unit(r), a);
    if (adj)
        li[nl++] = (legend_item){SW_DASH, EF_RGB_MUTED, "VADER's share"};
    if (nsp)
        li[nl++] = (legend_item){SW_RING, EF_RGB_HIGHLIGHT, "spike"};
    if (few) {
        li[nl] = (legend_item){SW_HOLLOW, EF_RGB_NEUTRAL, ""};
        snprintf(li[nl++].label, sizeof li[0].label,
                 "fewer than %llu items: too few to call",
                 (unsigned long long)r->min_n);
    }
    p.y = legend(cr, b.x, b.y, b.w, li, nl) + 12;
    p.h = b.y + b.h - TIME_AXIS_H - p.y;
    s = nice_scale(0, fmax(maxv, 0.01), 5);
    /* room above the highest spike for a label */
    if (spmax > 0 && s.hi < 1 && (s.hi - spmax) / s.hi * p.h < 46)
        s.hi += s.step;
    if (s.hi > 1)
        s.hi = 1;
    p.x = b.x + ylabels_w(cr, s, F_PCT) + 8;
    p.w = b.x + b.w - p.x;
    yaxis(cr, p, s, F_PCT);
    timeax_init(&ta, r, p);
    dot = n ? (ta.x1[0] - ta.x0[0]) : 0;
    for (size_t i = 0; i < n; i++) {
        const ef_period_stat *q = &r->periods[i];
        const ef_share *sh = adj && q->adjusted ? &q->adj : &q->negative;
        v[i] = sh->share;
        lo[i] = sh->lo;
        hi[i] = fmin(sh->hi, s.hi);
        show[i] = ef_find_reliable(q);
        va[i] = fmin(q->negative.share, s.hi);
        sa[i] = adj && show[i];
    }

    set_rgb(cr, EF_RGB_BAND);
    series_band(cr, &ta, p, s, lo, hi, show, n);

    /* the overall share: a reference, not data */
    cairo_set_line_width(cr, 1.25);
    set_rgb(cr, EF_RGB_MUTED);
    dash(cr, 2, 2);
    line(cr, p.x, ymap(p, s, overall), p.x + p.w, ymap(p, s, overall));
    dash(cr, 0, 0);

    if (adj) { /* VADER's own share, for comparison */
        cairo_set_line_width(cr, 1.5);
        set_rgb(cr, EF_RGB_MUTED);
        dash(cr, 5, 3);
        series_line(cr, &ta, p, s, va, sa, n);
        dash(cr, 0, 0);
    }

    cairo_set_line_width(cr, dot >= 3 ? 2 : 1.25);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    set_rgb(cr, EF_RGB_NEGATIVE);
    series_line(cr, &ta, p, s, v, show, n);
    for (size_t i = 0; i < n; i++) {
        double x = (ta.x0[i] + ta.x1[i]) / 2;
        int alone = show[i] && (i == 0 || !show[i - 1] || !ta.joined[i]) &&
                    (i + 1 == n || !show[i + 1] || !ta.joined[i + 1]);
        if (show[i] && r->periods[i].partial) {
            /* a partial period: hollow, whatever the width */
            circle(cr, x, ymap(p, s, fmin(v[i], s.hi)), 3.5);
            set_rgb(cr, RGB_WHITE);
            cairo_fill_preserve(cr);
            set_rgb(cr, EF_RGB_NEGATIVE);
            cairo_stroke(cr);
        } else if (show[i] && (dot >= 7 || alone)) {
            circle(cr, x, ymap(p, s, fmin(v[i], s.hi)),
                   dot >= 14 || alone ? 3.5 : 2.5);
            cairo_fill(cr);
        }
    }
    /* too few to call: hollow grey, never a finding */
    cairo_set_line_width(cr, 1.25);
    set_rgb(cr, EF_RGB_NEUTRAL);
    for (size_t i = 0; i < n; i++) {
        const ef_period_stat *q = &r->periods[i];
        double x = (ta.x0[i] + ta.x1[i]) / 2;
        if (show[i] || q->n == 0)
            continue;
        circle(cr, x, ymap(p, s, fmin(v[i], s.hi)),
               fmin(3.5, fmax(dot / 2.5, 1.6)));
        cairo_stroke(cr);
    }
    cairo_set_line_width(cr, 2);
    set_rgb(cr, EF_RGB_HIGHLIGHT);
    for (size_t i = 0; i < n; i++) {
        if (!ef_find_spike(&r->periods[i]))
            continue;
        circle(cr, (ta.x0[i] + ta.x1[i]) / 2, ymap(p, s, fmin(v[i], s.hi)), 6);
        cairo_stroke(cr);
    }
    {
        series sr[2] = {{v, show}, {va, sa}};
        spike_labels(cr, r, &ta, s, sr, adj ? 2 : 1);
    }
    time_axis(cr, &ta, j->w);
    timeax_free(&ta);
    free(v);
    free(lo);
    free(hi);
    free(show);
    free(va);
    free(sa);
}

static void prep_trend_negative(job *j)
{
    ef_find_chart_negative(j->r, &j->t);
    j->h = 440;
    j->draw = draw_trend_negative;
}

/* ==== Chart: negative share by channel ================================= */

#define ROW_H 30.0
#define ROW_H_STACKED 42.0 /* a narrow chart's row: the name above its bar */

static void draw_channels(cairo_t *cr, const job *j)
{
    const ef_report *r = j->r;
    box b = frame(cr, j);
    char(*names)[200] = ef_xmalloc(j->nrows * sizeof *names);
    int adj =
        ef_find_checked(r) && r->nchannels > 0 && r->channels[0].adjusted;
    double overall = adj ? r->calib.adjusted.share : r->negative.share;
    double namew = 0, nw = 0, maxv = overall, valw;
    char buf[64], a[32];
    scale s;
    box p;
    legend_item li[4];
    size_t nl = 0, few = 0;
    int stacked = j->w < CHART_W; /* a phone: each name above its bar */
    double rh = stacked ? ROW_H_STACKED : ROW_H;

    for (size_t k = 0; k < j->nrows; k++) {
        const ef_group_stat *g = &r->channels[j->rows[k]];
        char *t = ef_text_clean(g->name);
        fit_text(cr, FS_LABEL, t, stacked ? b.w - 80 : 200, names[k],
                 sizeof names[k]);
        free(t);
        namew = fmax(namew, text_w(cr, FS_LABEL, names[k]));
        ef_find_count(a, g->n);
        snprintf(buf, sizeof buf, "n = %s", a);
        nw = fmax(nw, text_w(cr, FS_TICK, buf));
        /* the axis holds every bar, and the intervals drawn */
        few += g->too_few != 0;
        maxv = fmax(maxv, g->too_few ? EF_GSHARE(g)->share : EF_GSHARE(g)->hi);
        if (adj)
            maxv = fmax(maxv, g->negative.share);
    }
    li[nl] = (legend_item){SW_BOX, EF_RGB_NEGATIVE, ""};
    snprintf(li[nl++].label, sizeof li[0].label, "%s",
             !adj             ? "negative share (VADER, unchecked)"
             : r->calib.exact ? "negative share, as people labelled it"
                              : "negative share, re-estimated from labels");
    if (!(adj && r->calib.exact))
        li[nl++] = (legend_item){SW_LINE, EF_RGB_INK, "95% interval"};
    ef_find_share(a, overall);
    li[nl] = (legend_item){SW_DOT, EF_RGB_MUTED, ""};
    snprintf(li[nl++].label, sizeof li[0].label, "all channels: %s", a);
    if (adj)
        li[nl++] = (legend_item){SW_HOLLOW, EF_RGB_INK, "VADER's share"};
    p.y = legend(cr, b.x, b.y, b.w, li, nl) + 14;
    s = nice_scale(0, fmax(maxv, 0.01), 5);
    if (s.hi > 1)
        s.hi = 1;
    valw = fmax(text_w(cr, FS_TICK, "100.0%"),
                few ? text_w(cr, FS_TICK, "too few to call") : 0);
    p.x = stacked ? b.x : b.x + namew + 14;
    p.w = b.x + b.w - (stacked ? 0 : nw + 18) - valw - 8 - p.x;
    p.h = rh * (double)j->nrows;

    /* vertical grid and labels under the rows */
    cairo_set_line_width(cr, 1);
    for (int k = 0; k <= scale_ticks(s); k++) {
        double v = s.lo + k * s.step;
        double x = round(p.x + (v - s.lo) / (s.hi - s.lo) * p.w);
        set_rgb(cr, k == 0 ? RGB_AXIS : EF_RGB_GRID);
        line(cr, x, p.y - 4, x, p.y + p.h);
        fmt_tick(buf, v, s.step, F_PCT);
        text_at(cr, FS_TICK, EF_RGB_MUTED, x, p.y + p.h + 17, 0.5, buf);
    }
    for (size_t k = 0; k < j->nrows; k++) {
        const ef_group_stat *g = &r->channels[j->rows[k]];
        const ef_share *sh = EF_GSHARE(g);
        double cy = p.y + rh * ((double)k + (stacked ? 0.65 : 0.5));
        double ty = stacked ? p.y + rh * (double)k + 13 : cy + 4.5;
        double xv = p.x + fmin(sh->share, s.hi) / s.hi * p.w;
        double xl = p.x + sh->lo / s.hi * p.w;
        double xh = p.x + fmin(sh->hi, s.hi) / s.hi * p.w;
        double end;

        text_at(cr, FS_LABEL, g->too_few ? EF_RGB_MUTED : EF_RGB_INK,
                stacked ? p.x : p.x - 10, ty, stacked ? 0 : 1, names[k]);
        /* too few to call: a hollow grey bar, never a finding */
        if (g->too_few) {
            cairo_rectangle(cr, p.x, cy - 6.5, fmax(xv - p.x, 0.75), 13);
        } else {
            cairo_rectangle(cr, p.x, cy - 7, fmax(xv - p.x, 0.75), 14);
        }
        if (g->too_few) {
            set_rgb(cr, EF_RGB_NEUTRAL);
            cairo_set_line_width(cr, 1);
            cairo_stroke(cr);
        } else {
            set_rgb(cr, EF_RGB_NEGATIVE);
            cairo_fill(cr);
        }
        end = xv;
        if (!g->too_few) {
            set_rgb(cr, EF_RGB_INK);
            cairo_set_line_width(cr, 1.25);
            if (xh > xl) {
                line(cr, xl, cy, xh, cy);
                line(cr, xl, cy - 4.5, xl, cy + 4.5);
                line(cr, xh, cy - 4.5, xh, cy + 4.5);
            }
            end = fmax(xv, xh);
            if (adj) { /* VADER's share: a ring on the bar's axis */
                double xa = p.x + fmin(g->negative.share, s.hi) / s.hi * p.w;
                cairo_set_line_width(cr, 1.5);
                cairo_set_source_rgb(cr, 1, 1, 1);
                circle(cr, xa, cy, 4.5);
                cairo_fill(cr);
                set_rgb(cr, EF_RGB_INK);
                circle(cr, xa, cy, 3.5);
                cairo_stroke(cr);
                end = fmax(end, xa + 4);
            }
            ef_find_pct(buf, sh->share, 1);
            text_at(cr, FS_TICK, EF_RGB_INK, end + 6, cy + 4, 0, buf);
        } else {
            text_at(cr, FS_TICK, EF_RGB_MUTED, end + 6, cy + 4, 0,
                    "too few to call");
        }
        ef_find_count(a, g->n);
        snprintf(buf, sizeof buf, "n = %s", a);
        text_at(cr, FS_TICK, EF_RGB_MUTED, b.x + b.w, stacked ? ty : cy + 4, 1,
                buf);
    }
    {
        double x = p.x + fmin(overall, s.hi) / s.hi * p.w;
        cairo_set_line_width(cr, 1.25);
        set_rgb(cr, EF_RGB_MUTED);
        dash(cr, 2, 2);
        line(cr, x, p.y - 4, x, p.y + p.h);
        dash(cr, 0, 0);
    }
    free(names);
}

static int cmp_channel_rows(const void *a, const void *b, const ef_report *r)
{
    const ef_group_stat *x = &r->channels[*(const size_t *)a];
    const ef_group_stat *y = &r->channels[*(const size_t *)b];
    if (x->too_few != y->too_few)
        return x->too_few ? 1 : -1;
    if (!x->too_few && EF_GSHARE(x)->share != EF_GSHARE(y)->share)
        return EF_GSHARE(x)->share < EF_GSHARE(y)->share ? 1 : -1;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->name, y->name);
}

static void prep_channels(job *j)
{
    const ef_report *r = j->r;
    size_t n = r->nchannels, shown = n < MAX_CHANNELS ? n : MAX_CHANNELS;
    size_t *idx = ef_xmalloc(n * sizeof *idx);

    /* the largest channels (r->channels is sorted by n), then by share */
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    for (size_t i = 1; i < shown; i++)
        for (size_t k = i;
             k > 0 && cmp_channel_rows(&idx[k], &idx[k - 1], r) < 0; k--) {
            size_t t = idx[k];
            idx[k] = idx[k - 1];
            idx[k - 1] = t;
        }
    j->rows = idx;
    j->nrows = shown;
    ef_find_chart_channels(r, idx, shown, &j->t);
    j->content_h =
        38 + (j->w < CHART_W ? ROW_H_STACKED : ROW_H) * (double)shown + 24;
    j->draw = draw_channels;
}

/* ==== Chart: distribution of compound scores ========================== */

static void draw_distribution(cairo_t *cr, const job *j)
{
    const ef_report *r = j->r;
    box b = frame(cr, j);
    legend_item li[3];
    char a[32], buf[64];
    uint64_t maxc = 1;
    scale s, xs = {-1, 1, 0.5};
    box p;

    ef_find_pct(a, r->negative.share, 1);
    li[0] = (legend_item){SW_BOX, EF_RGB_NEGATIVE, ""};
    snprintf(li[0].label, sizeof li[0].label, "negative %s", a);
    ef_find_pct(a, r->neutral.share, 1);
    li[1] = (legend_item){SW_BOX, EF_RGB_NEUTRAL, ""};
    snprintf(li[1].label, sizeof li[1].label, "neutral %s", a);
    ef_find_pct(a, r->positive.share, 1);
    li[2] = (legend_item){SW_BOX, EF_RGB_POSITIVE, ""};
    snprintf(li[2].label, sizeof li[2].label, "positive %s", a);
    p.y = legend(cr, b.x, b.y, b.w, li, 3) + 30;
    for (int i = 0; i < 40; i++)
        if (r->hist[i] > maxc)
            maxc = r->hist[i];
    s = nice_scale(0, maxc < 5 ? 5 : (double)maxc, 5);
    p.x = b.x + ylabels_w(cr, s, F_COUNT) + 8;
    p.w = b.x + b.w - p.x - 10;
    p.h = b.y + b.h - 28 - p.y;
    yaxis(cr, p, s, F_COUNT);
    for (int i = 0; i < 40; i++) {
        double mid = -1 + 0.05 * i + 0.025;
        double x0 = p.x + p.w * i / 40.0, x1 = p.x + p.w * (i + 1) / 40.0;
        double y = ymap(p, s, (double)r->hist[i]);
        ef_class c = ef_classify(mid, &r->thr);
        if (r->hist[i] == 0)
            continue;
        set_rgb(cr, c == EF_NEGATIVE   ? EF_RGB_NEGATIVE
                    : c == EF_POSITIVE ? EF_RGB_POSITIVE
                                       : EF_RGB_NEUTRAL);
        cairo_rectangle(cr, x0 + 0.75, y, x1 - x0 - 1.5,
                        fmax(p.y + p.h - y, 0.75));
        cairo_fill(cr);
    }
    /* x axis: scores from -1 to +1 */
    cairo_set_line_width(cr, 1);
    for (int k = 0; k <= 4; k++) {
        double v = -1 + k * xs.step, x = round(p.x + p.w * (v + 1) / 2);
        set_rgb(cr, RGB_AXIS);
        line(cr, x, p.y + p.h, x, p.y + p.h + 4);
        fmt_tick(buf, v, xs.step, F_SCORE);
        text_at(cr, FS_TICK, EF_RGB_MUTED, x, p.y + p.h + 18, 0.5, buf);
    }
    /* the class thresholds */
    {
        double xn = p.x + p.w * (r->thr.neg_max + 1) / 2;
        double xp = p.x + p.w * (r->thr.pos_min + 1) / 2;
        cairo_set_line_width(cr, 1);
        set_rgb(cr, EF_RGB_INK);
        dash(cr, 3, 2);
        line(cr, xn, p.y - 16, xn, p.y + p.h);
        line(cr, xp, p.y - 16, xp, p.y + p.h);
        dash(cr, 0, 0);
        fmt_tick(buf, r->thr.neg_max, 0.01, F_SCORE);
        text_at(cr, FS_TICK, EF_RGB_INK, xn - 4, p.y - 8, 1, buf);
        fmt_tick(buf, r->thr.pos_min, 0.01, F_SCORE);
        text_at(cr, FS_TICK, EF_RGB_INK, xp + 4, p.y - 8, 0, buf);
    }
}

static void prep_distribution(job *j)
{
    ef_find_chart_mix(j->r, &j->t);
    j->h = 380;
    j->draw = draw_distribution;
}

/* ==== Chart: NPS ====================================================== */

static void draw_nps(cairo_t *cr, const job *j)
{
    const ef_report *r = j->r;
    const ef_nps_stat *t = &r->nps;
    box b = frame(cr, j);
    static const char *const seg_name[3] = {"detractors", "passives",
                                            "promoters"};
    static const unsigned seg_col[3] = {EF_RGB_NEGATIVE, EF_RGB_NEUTRAL,
                                        EF_RGB_POSITIVE};
    double seg[3], x = b.x, lab_end = b.x - 12, y = b.y + 14;
    char buf[96], a[32];

    seg[0] = t->n ? (double)t->detractors / (double)t->n : 0;
    seg[1] = t->n ? (double)t->passives / (double)t->n : 0;
    seg[2] = t->n ? (double)t->promoters / (double)t->n : 0;
    /* labels above the split bar, pushed right when segments are narrow */
    for (int k = 0; k < 3; k++) {
        double lw;
        ef_find_pct(a, seg[k], 0);
        snprintf(buf, sizeof buf, "%s %s", seg_name[k], a);
        lw = text_w(cr, FS_LABEL, buf);
        double lx = fmax(x, lab_end + 12);
        if (k == 2 || lx + lw > b.x + b.w)
            lx = fmin(lx, b.x + b.w - lw);
        if (k == 2)
            lx = fmax(lx, lab_end + 12);
        swatch(cr, SW_BOX, seg_col[k], lx - 3, y - 4);
        text_at(cr, FS_LABEL, EF_RGB_INK, lx + 14, y, 0, buf);
        lab_end = lx + 14 + lw;
        x += seg[k] * b.w;
    }
    x = b.x;
    y += 8;
    for (int k = 0; k < 3; k++) {
        double w = seg[k] * b.w;
        set_rgb(cr, seg_col[k]);
        cairo_rectangle(cr, x, y, w + (k < 2 && w > 0 ? 0.35 : 0), 22);
        cairo_fill(cr);
        x += w;
    }
    y += 22;
    if (!ef_find_nps_periods(r))
        return;
    {
        size_t n = r->nperiods, few = 0;
        double *v = ef_xmalloc(n * sizeof *v),
               *lo = ef_xmalloc(n * sizeof *lo),
               *hi = ef_xmalloc(n * sizeof *hi), dot;
        int *show = ef_xmalloc(n * sizeof *show);
        double vmin = 0, vmax = 0;
        legend_item li[3];
        size_t nl = 0;
        scale s;
        timeax ta;
        box p;

        for (size_t i = 0; i < n; i++) {
            const ef_period_stat *q = &r->periods[i];
            show[i] = ef_find_nps_reliable(r, q);
            v[i] = q->nps.has ? q->nps.score : 0;
            lo[i] = fmax(v[i] - q->nps.moe, -100);
            hi[i] = fmin(v[i] + q->nps.moe, 100);
            if (show[i]) {
                vmin = fmin(vmin, lo[i]);
                vmax = fmax(vmax, hi[i]);
            } else if (q->nps.has && q->nps.n > 0) {
                few++;
                vmin = fmin(vmin, v[i]);
                vmax = fmax(vmax, v[i]);
            }
        }
        li[nl++] = (legend_item){SW_LINE, EF_RGB_ACCENT, "NPS"};
        li[nl++] = (legend_item){SW_BAND, mix(EF_RGB_ACCENT, RGB_WHITE, 0.75),
                                 "95% margin"};
        if (few) {
            li[nl] = (legend_item){SW_HOLLOW, EF_RGB_NEUTRAL, ""};
            snprintf(li[nl++].label, sizeof li[0].label,
                     "fewer than %llu answers: too few to call",
                     (unsigned long long)r->min_n);
        }
        p.y = legend(cr, b.x, y + 22, b.w, li, nl) + 12;
        s = nice_scale(vmin, vmax > vmin ? vmax : vmin + 10, 5);
        s.lo = fmax(s.lo, -100);
        s.hi = fmin(s.hi, 100);
        p.x = b.x + ylabels_w(cr, s, F_SIGNED) + 8;
        p.w = b.x + b.w - p.x;
        p.h = b.y + b.h - TIME_AXIS_H - p.y;
        yaxis(cr, p, s, F_SIGNED);
        timeax_init(&ta, r, p);
        dot = ta.x1[0] - ta.x0[0];
        set_rgb(cr, mix(EF_RGB_ACCENT, RGB_WHITE, 0.75));
        series_band(cr, &ta, p, s, lo, hi, show, n);
        set_rgb(cr, EF_RGB_ACCENT);
        cairo_set_line_width(cr, dot >= 3 ? 2 : 1.25);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        series_line(cr, &ta, p, s, v, show, n);
        for (size_t i = 0; i < n; i++) {
            double cx = (ta.x0[i] + ta.x1[i]) / 2;
            int alone = show[i] && (i == 0 || !show[i - 1] || !ta.joined[i]) &&
                        (i + 1 == n || !show[i + 1] || !ta.joined[i + 1]);
            if (show[i] && (dot >= 7 || alone)) {
                circle(cr, cx, ymap(p, s, v[i]),
                       dot >= 14 || alone ? 3.5 : 2.5);
                cairo_fill(cr);
            }
        }
        set_rgb(cr, EF_RGB_NEUTRAL);
        cairo_set_line_width(cr, 1.25);
        for (size_t i = 0; i < n; i++) {
            const ef_period_stat *q = &r->periods[i];
            if (show[i] || !q->nps.has || q->nps.n == 0)
                continue;
            circle(cr, (ta.x0[i] + ta.x1[i]) / 2, ymap(p, s, v[i]),
                   fmin(3.5, fmax(dot / 2.5, 1.6)));
            cairo_stroke(cr);
        }
        time_axis(cr, &ta, j->w);
        timeax_free(&ta);
        free(v);
        free(lo);
        free(hi);
        free(show);
    }
}

static void prep_nps(job *j)
{
    ef_find_chart_nps(j->r, &j->t);
    if (ef_find_nps_periods(j->r))
        j->h = 440;
    else
        j->content_h = 48;
    j->draw = draw_nps;
}

/* ==== Chart: star ratings ============================================= */

static void draw_stars(cairo_t *cr, const job *j)
{
    const ef_report *r = j->r;
    box b = frame(cr, j);
    double labw = text_w(cr, FS_LABEL, "5 \xE2\x98\x85"), cntw = 0, maxs = 0;
    char buf[96], a[32], c[32];
    box p;
    scale s;

    for (int k = 0; k < 5; k++) {
        double sh = r->stars_n ? (double)r->stars[k] / (double)r->stars_n : 0;
        maxs = fmax(maxs, sh);
        ef_find_count(a, r->stars[k]);
        ef_find_pct(c, sh, 0);
        snprintf(buf, sizeof buf, "%s  (%s)", c, a);
        cntw = fmax(cntw, text_w(cr, FS_TICK, buf));
    }
    s = nice_scale(0, fmax(maxs, 0.01), 4);
    p.x = b.x + labw + 12;
    p.y = b.y + 12;
    p.w = b.x + b.w - cntw - 10 - p.x;
    p.h = ROW_H * 5;
    for (int row = 0; row < 5; row++) {
        int k = 4 - row; /* 5 stars first */
        double sh = r->stars_n ? (double)r->stars[k] / (double)r->stars_n : 0;
        double cy = p.y + ROW_H * (row + 0.5), w = sh / s.hi * p.w;
        unsigned col = k >= 3   ? EF_RGB_POSITIVE
                       : k == 2 ? EF_RGB_NEUTRAL
                                : EF_RGB_NEGATIVE;
        snprintf(buf, sizeof buf, "%d \xE2\x98\x85", k + 1);
        text_at(cr, FS_LABEL, EF_RGB_INK, p.x - 10, cy + 4.5, 1, buf);
        set_rgb(cr, col);
        cairo_rectangle(cr, p.x, cy - 8, fmax(w, 0.75), 16);
        cairo_fill(cr);
        ef_find_count(a, r->stars[k]);
        ef_find_pct(c, sh, 0);
        snprintf(buf, sizeof buf, "%s  (%s)", c, a);
        text_at(cr, FS_TICK, EF_RGB_INK, p.x + w + 6, cy + 4, 0, buf);
    }
}

static void prep_stars(job *j)
{
    ef_find_chart_stars(j->r, &j->t);
    j->content_h = 12 + ROW_H * 5 + 4;
    j->draw = draw_stars;
}

/* ==== Surfaces, files and SVG post-processing ========================= */

static FT_Library ft_lib; /* kept for the process: cairo may cache faces */
static const cairo_user_data_key_t ft_key;

static void done_face(void *face)
{
    FT_Done_Face((FT_Face)face);
}

static ef_status load_font_at(const char *path, int index,
                              cairo_font_face_t **out, ef_err *e)
{
    FT_Face face;
    FT_Error fe;
    cairo_font_face_t *cf;

    if (!ft_lib && (fe = FT_Init_FreeType(&ft_lib)) != 0)
        return ef_fail(e, EF_ERR_CHART, "FreeType: cannot start (error %d)",
                       fe);
    if ((fe = FT_New_Face(ft_lib, path, index, &face)) != 0)
        return ef_fail(e, EF_ERR_CHART, "%s: cannot load font (%s)", path,
                       fe == FT_Err_Cannot_Open_Resource
                           ? strerror(ENOENT)
                           : "not a font FreeType reads");
    cf = cairo_ft_font_face_create_for_ft_face(face, 0);
    if (cairo_font_face_set_user_data(cf, &ft_key, face, done_face) !=
        CAIRO_STATUS_SUCCESS) {
        cairo_status_t st = cairo_font_face_status(cf);
        cairo_font_face_destroy(cf);
        FT_Done_Face(face);
        return ef_fail(e, EF_ERR_CHART, "%s: %s", path,
                       cairo_status_to_string(st));
    }
    *out = cf;
    return EF_OK;
}

static ef_status load_font(const char *path, cairo_font_face_t **out,
                           ef_err *e)
{
    return load_font_at(path, 0, out, e);
}

/* The FreeType face under a face load_font_at made. */
static FT_Face ft_face_of(cairo_font_face_t *cf)
{
    return cairo_font_face_get_user_data(cf, &ft_key);
}

/* Text without hinting: the same advances on the image and SVG surfaces
 * and whatever the machine's font configuration says. fs (may be NULL)
 * gives the fallback fonts of text in other scripts. */
static void setup_cr(cairo_t *cr, cairo_font_face_t *face, fontset *fs)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    cairo_set_font_face(cr, face);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    if (fs)
        cairo_set_user_data(cr, &fontset_key, fs, NULL);
}

static cairo_status_t to_buf(void *closure, const unsigned char *data,
                             unsigned int len)
{
    ef_buf_put(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

static ef_status write_file(const char *path, const void *data, size_t len,
                            ef_err *e)
{
    FILE *f = fopen(path, "wb");
    int bad;

    if (!f)
        return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", path, strerror(errno));
    bad = fwrite(data, 1, len, f) != len;
    if (fclose(f) != 0 || bad) {
        int err = errno;
        remove(path);
        return ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", path,
                       strerror(err ? err : EIO));
    }
    return EF_OK;
}

typedef struct {
    const char *s; /* the id in cairo's output (not NUL-terminated) */
    size_t len;
    size_t order; /* its rank in the document */
} svg_id;

static int cmp_id(const void *a, const void *b)
{
    const svg_id *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Where an id starts after one of cairo's id-bearing prefixes at s. */
static size_t id_ref(const char *s, size_t left)
{
    static const char *const pre[] = {" id=\"", "\"#", "(#"};
    if (*s != ' ' && *s != '"' && *s != '(')
        return 0;
    for (size_t k = 0; k < EF_ARRAY_LEN(pre); k++) {
        size_t n = strlen(pre[k]);
        if (left > n && memcmp(s, pre[k], n) == 0)
            return n;
    }
    return 0;
}

/* The colour of cairo's "rgb(83.529412%,36.862745%,0%)" at s, as
 * 0xRRGGBB; sets *len to the bytes it spans. -1 when s is not one. */
static long svg_rgb(const char *s, size_t left, size_t *len)
{
    const char *p = s + 4, *end;
    long rgb = 0;

    if (left < 5 || memcmp(s, "rgb(", 4) != 0 ||
        (end = memchr(s, ')', left < 64 ? left : 64)) == NULL)
        return -1;
    for (int k = 0; k < 3; k++) {
        char *q;
        double v = strtod(p, &q);
        if (q == p || *q != '%' || v < 0 || v > 100)
            return -1;
        rgb = rgb << 8 | lround(v * 2.55);
        p = q + 1;
        if (k < 2 && *p++ != ',')
            return -1;
    }
    if (p != end)
        return -1;
    *len = (size_t)(end + 1 - s);
    return rgb;
}

/* The colour c takes in dark mode: greys (paper, ink, grid) turn over,
 * light tints (bands, "too few to call" bars) darken in their hue, and
 * the data colours, legible on both, stay. */
EF_STATIC unsigned dark_colour(unsigned c)
{
    double r = ((c >> 16) & 255) / 255.0, g = ((c >> 8) & 255) / 255.0,
           b = (c & 255) / 255.0;
    double mx = fmax(r, fmax(g, b)), mn = fmin(r, fmin(g, b));
    double l = (mx + mn) / 2, d = mx - mn, sat, h = 0, nl, q, p, t[3];
    unsigned out = 0;

    sat = d == 0 ? 0 : d / (1 - fabs(2 * l - 1));
    if (sat < 0.12)
        nl = 0.93 - 0.82 * l;
    else if (l > 0.7)
        nl = 1.0 - l, sat *= 0.6;
    else
        return c;
    if (d > 0)
        h = mx == r   ? fmod((g - b) / d + 6, 6)
            : mx == g ? (b - r) / d + 2
                      : (r - g) / d + 4;
    h /= 6;
    q = nl < 0.5 ? nl * (1 + sat) : nl + sat - nl * sat;
    p = 2 * nl - q;
    t[0] = h + 1.0 / 3;
    t[1] = h;
    t[2] = h - 1.0 / 3;
    for (int k = 0; k < 3; k++) {
        double x = t[k] < 0 ? t[k] + 1 : t[k] > 1 ? t[k] - 1 : t[k], v;
        v = x < 1.0 / 6   ? p + (q - p) * 6 * x
            : x < 0.5     ? q
            : x < 2.0 / 3 ? p + (q - p) * (2.0 / 3 - x) * 6
                          : p;
        out = out << 8 | (unsigned)lround(fmin(fmax(v, 0), 1) * 255);
    }
    return out;
}

/* Whether svg_finish's second pass may have something to do at a byte:
 * an id or a reference (id_ref) or a colour (svg_rgb). */
static int svg_special(char c)
{
    return c == ' ' || c == '"' || c == '(' || c == 'r';
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Rewrites cairo's SVG for the report: drops the XML declaration, renames
 * every id to "ef-TAG-K" in order of first definition, and inserts role,
 * <title> and <desc> after the opening <svg> tag. For the HTML page
 * (text_px > 0), the root also says the smallest text drawn (CSS px, at
 * the SVG's own size) and every colour becomes a CSS variable
 * "--ef-rrggbb" (the colour its fallback), which a <style> sets to its
 * dark-mode colour under prefers-color-scheme: dark, on screens only. */
static void svg_finish(const char *in, size_t len, const job *j,
                       const char *tag, double text_px, ef_buf *out)
{
    svg_id *ids = NULL;
    size_t nids = 0, cap = 0, i = 0, ncol = 0;
    long cols[64];
    const char *svg = strstr(in, "<svg");
    char *title = strip_isolates(ef_buf_cstr((ef_buf *)&j->t.title));
    char *desc = strip_isolates(ef_buf_cstr((ef_buf *)&j->t.desc));

    if (!svg)
        goto done;
    i = (size_t)(svg - in);
    /* pass 1: every id definition, numbered in order; the colours */
    for (size_t k = i; k < len; k++) {
        size_t cl;
        long c;
        if (in[k] != ' ' && in[k] != 'r')
            continue;
        if (k + 5 < len && memcmp(in + k, " id=\"", 5) == 0) {
            size_t s = k + 5, e = s;
            while (e < len && in[e] != '"')
                e++;
            if (nids == cap) {
                cap = cap ? cap * 2 : 64;
                ids = ef_xrealloc(ids, cap * sizeof *ids);
            }
            ids[nids] = (svg_id){in + s, e - s, nids};
            nids++;
            k = e;
        } else if (text_px > 0 && in[k] == 'r' &&
                   (c = svg_rgb(in + k, len - k, &cl)) >= 0) {
            size_t m = 0;
            while (m < ncol && cols[m] != c)
                m++;
            if (m == ncol && ncol < EF_ARRAY_LEN(cols))
                cols[ncol++] = c;
        }
    }
    qsort(ids, nids, sizeof *ids, cmp_id);
    qsort(cols, ncol, sizeof *cols, cmp_long);
    /* pass 2: copy, renaming ids and references */
    for (size_t k = i; k < len;) {
        size_t pl = id_ref(in + k, len - k), cl;
        long c;
        if (pl) {
            size_t s = k + pl, e = s;
            svg_id key, *hit;
            while (e < len && in[e] != '"' && in[e] != ')')
                e++;
            key = (svg_id){in + s, e - s, 0};
            hit = nids ? bsearch(&key, ids, nids, sizeof *ids, cmp_id) : NULL;
            ef_buf_put(out, in + k, pl);
            if (hit)
                ef_buf_printf(out, "ef-%s-%zu", tag, hit->order + 1);
            else
                ef_buf_put(out, in + s, e - s);
            k = e;
            continue;
        }
        if (text_px > 0 && in[k] == 'r' &&
            (c = svg_rgb(in + k, len - k, &cl)) >= 0 &&
            bsearch(&c, cols, ncol, sizeof *cols, cmp_long)) {
            ef_buf_printf(out, "var(--ef-%06lx,#%06lx)", c, c);
            k += cl;
            continue;
        }
        if (k == i) {
            /* the opening tag: accessibility attributes, then title, desc */
            const char *gt = memchr(in + k, '>', len - k);
            size_t tl = gt ? (size_t)(gt - (in + k)) : 0;
            if (gt) {
                ef_buf_put(out, in + k, tl);
                if (text_px > 0)
                    ef_buf_printf(out,
                                  " class=\"ef-chart\" data-ef-text-px=\"%g\"",
                                  text_px);
                ef_buf_printf(out,
                              " role=\"img\" aria-labelledby=\"ef-%s-title "
                              "ef-%s-desc\" style=\"max-width:100%%;height:"
                              "auto\">\n<title id=\"ef-%s-title\">",
                              tag, tag, tag);
                xml_escape(out, title);
                ef_buf_printf(out, "</title>\n<desc id=\"ef-%s-desc\">", tag);
                xml_escape(out, desc);
                ef_buf_puts(out, "</desc>");
                if (ncol) {
                    ef_buf_puts(out, "\n<style>@media screen and "
                                     "(prefers-color-scheme: dark) "
                                     "{ svg.ef-chart {");
                    for (size_t m = 0; m < ncol; m++)
                        ef_buf_printf(out, " --ef-%06lx: #%06x;", cols[m],
                                      dark_colour((unsigned)cols[m]));
                    ef_buf_puts(out, " } }</style>");
                }
                k += tl + 1;
                continue;
            }
        }
        /* up to the next byte that can start anything above, in one copy
         * (the byte by byte copy was a tenth of the charts' time) */
        size_t e = k + 1;
        while (e < len && !svg_special(in[e]))
            e++;
        ef_buf_put(out, in + k, e - k);
        k = e;
    }
done:
    free(ids);
    free(title);
    free(desc);
}

/* Draws j on an SVG surface into raw; sets *text_px to the smallest text
 * drawn. */
static cairo_status_t draw_svg(const job *j, cairo_font_face_t *face,
                               fontset *fs, ef_buf *raw, double *text_px)
{
    cairo_surface_t *sf;
    cairo_t *cr;
    cairo_status_t st;

    *text_px = 1e9;
    sf = cairo_svg_surface_create_for_stream(to_buf, raw, (int)j->w,
                                             (int)ceil(j->h));
    cairo_svg_surface_restrict_to_version(sf, CAIRO_SVG_VERSION_1_1);
    cairo_svg_surface_set_document_unit(sf, CAIRO_SVG_UNIT_PX);
    cr = cairo_create(sf);
    setup_cr(cr, face, fs);
    cairo_set_user_data(cr, &min_text_key, text_px, NULL);
    j->draw(cr, j);
    st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(sf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    return st;
}

/* The narrow drawing of a chart, for phones: only its inline SVG, into
 * c->svg_narrow. */
static ef_status render_narrow(const job *j, cairo_font_face_t *face,
                               fontset *fs, ef_chart *c, ef_err *e)
{
    ef_buf raw = EF_BUF_INIT, svg = EF_BUF_INIT;
    char tag[48];
    double px;
    cairo_status_t st = draw_svg(j, face, fs, &raw, &px);

    if (st != CAIRO_STATUS_SUCCESS) {
        ef_buf_reset(&raw);
        return ef_fail(e, EF_ERR_CHART, "chart %s (narrow SVG): %s", j->name,
                       cairo_status_to_string(st));
    }
    snprintf(tag, sizeof tag, "%s-n", j->name);
    svg_finish(ef_buf_cstr(&raw), raw.len, j, tag, px, &svg);
    c->svg_narrow = ef_xstrdup(ef_buf_cstr(&svg));
    ef_buf_reset(&raw);
    ef_buf_reset(&svg);
    return EF_OK;
}

/* Draws j on an image surface (PNG) and an SVG surface; fills c. */
static ef_status render_job(const job *j, cairo_font_face_t *face, fontset *fs,
                            const char *dir, ef_chart *c, ef_err *e)
{
    ef_buf png = EF_BUF_INIT, raw = EF_BUF_INIT, svg = EF_BUF_INIT;
    ef_buf path = EF_BUF_INIT;
    cairo_surface_t *sf;
    cairo_t *cr;
    cairo_status_t st;
    ef_status rc = EF_OK;
    int w = (int)j->w, h = (int)ceil(j->h);
    double px;

    sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w * DENSITY,
                                    h * DENSITY);
    cr = cairo_create(sf);
    setup_cr(cr, face, fs);
    cairo_scale(cr, DENSITY, DENSITY);
    j->draw(cr, j);
    st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(sf);
    if (st == CAIRO_STATUS_SUCCESS)
        ef_png_encode_rgb24(cairo_image_surface_get_data(sf),
                            cairo_image_surface_get_width(sf),
                            cairo_image_surface_get_height(sf),
                            cairo_image_surface_get_stride(sf), PNG_DPM, &png);
    cairo_surface_destroy(sf);
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = ef_fail(e, EF_ERR_CHART, "chart %s (PNG): %s", j->name,
                     cairo_status_to_string(st));
        goto done;
    }

    st = draw_svg(j, face, fs, &raw, &px);
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = ef_fail(e, EF_ERR_CHART, "chart %s (SVG): %s", j->name,
                     cairo_status_to_string(st));
        goto done;
    }
    svg_finish(ef_buf_cstr(&raw), raw.len, j, j->name, px, &svg);

    snprintf(c->name, sizeof c->name, "%s", j->name);
    ef_buf_printf(&path, "charts/%s.png", j->name);
    c->png = ef_xstrdup(ef_buf_cstr(&path));
    ef_buf_clear(&path);
    ef_buf_printf(&path, "charts/%s.svg", j->name);
    c->svg = ef_xstrdup(ef_buf_cstr(&path));
    c->title = strip_isolates(ef_buf_cstr((ef_buf *)&j->t.title));
    c->desc = strip_isolates(ef_buf_cstr((ef_buf *)&j->t.desc));
    c->svg_inline = ef_xstrdup(ef_buf_cstr(&svg));
    c->width = w;
    c->height = h;

    ef_buf_clear(&path);
    ef_buf_printf(&path, "%s/%s", dir, c->png);
    if ((rc = write_file(ef_buf_cstr(&path), png.data, png.len, e)) != EF_OK)
        goto done;
    /* the file: plain colours, for slides and viewers without CSS */
    ef_buf_clear(&path);
    ef_buf_printf(&path, "%s/%s", dir, c->svg);
    ef_buf_clear(&svg);
    ef_buf_puts(&svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg_finish(ef_buf_cstr(&raw), raw.len, j, j->name, 0, &svg);
    rc = write_file(ef_buf_cstr(&path), svg.data, svg.len, e);
done:
    ef_buf_reset(&png);
    ef_buf_reset(&raw);
    ef_buf_reset(&svg);
    ef_buf_reset(&path);
    return rc;
}

/* ==== The charts the model supports =================================== */

/* A chart whose height follows its content: title, content, note. */
static void fit_height(job *j, cairo_t *m)
{
    box b;
    if (j->content_h <= 0)
        return;
    b = frame_box(m, j->w, 1000, ef_buf_cstr(&j->t.title),
                  ef_buf_cstr(&j->t.subtitle), ef_buf_cstr(&j->t.note), 0);
    j->h = ceil(b.y + j->content_h + (1000 - b.y - b.h));
}

static int any_channel(const ef_report *r)
{
    for (size_t i = 0; i < r->nchannels; i++)
        if (r->channels[i].n > 0 && strcmp(r->channels[i].name, "(none)") != 0)
            return 1;
    return 0;
}

/* Prepares the charts r supports into jobs, w CSS pixels wide; returns
 * their count. m is a context with the font, for measuring text. */
static size_t plan(const ef_report *r, job *jobs, cairo_t *m, double w)
{
    size_t n = 0;
    uint64_t hist = 0;

    for (int i = 0; i < 40; i++)
        hist += r->hist[i];
#define ADD(nm, prep)                                                         \
    do {                                                                      \
        memset(&jobs[n], 0, sizeof jobs[n]);                                  \
        jobs[n].r = r;                                                        \
        jobs[n].w = w;                                                        \
        snprintf(jobs[n].name, sizeof jobs[n].name, "%s", nm);                \
        prep(&jobs[n]);                                                       \
        fit_height(&jobs[n], m);                                              \
        n++;                                                                  \
    } while (0)
    if (r->nperiods > 0) {
        ADD("trend_volume", prep_trend_volume);
        ADD("trend_negative", prep_trend_negative);
    }
    if (any_channel(r))
        ADD("channels", prep_channels);
    if (hist > 0)
        ADD("distribution", prep_distribution);
    if (r->nps.has && r->nps.n > 0)
        ADD("nps", prep_nps);
    if (r->has_stars && r->stars_n > 0)
        ADD("stars", prep_stars);
#undef ADD
    return n;
}

/* The charts are independent: workers take them in turn (cairo locks
 * the shared font face; the fallback fonts are under fs's lock). Jobs
 * 0..n-1 are the charts, n..2n-1 their narrow drawings; each result
 * lands in its own slot, so the output does not depend on the
 * schedule. */
/* What the pool's tasks share: task i < n draws jobs[i] (PNG and SVG),
 * task n + i its narrow SVG; each writes its own rcs and errs slot. */
typedef struct {
    job *jobs;
    size_t n;
    cairo_font_face_t *face;
    fontset *fs;
    const char *dir;
    ef_chart *items;
    ef_err *errs;
    ef_status *rcs;
} render_tasks;

static void render_task(void *ctx, size_t i, int worker)
{
    render_tasks *rt = ctx;

    (void)worker;
    rt->rcs[i] = i < rt->n
                     ? render_job(&rt->jobs[i], rt->face, rt->fs, rt->dir,
                                  &rt->items[i], &rt->errs[i])
                     : render_narrow(&rt->jobs[i], rt->face, rt->fs,
                                     &rt->items[i - rt->n], &rt->errs[i]);
}

ef_status ef_chart_render_all(const ef_report *r, const char *dir,
                              const char *font_path, ef_chart_set *out,
                              ef_err *e)
{
    job jobs[12];
    ef_err errs[12];
    ef_status rcs[12];
    size_t n;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    cairo_font_face_t *face = NULL;
    fontset fs;
    ef_buf path = EF_BUF_INIT;
    ef_status rc;
    render_tasks rt;
    ef_pool *pool;
    ef_job jb;

    out->items = NULL;
    out->n = 0;
    if ((rc = load_font(font_path, &face, e)) != EF_OK)
        return rc;
    ef_buf_printf(&path, "%s/charts", dir);
    if (mkdir(ef_buf_cstr(&path), 0777) != 0 && errno != EEXIST) {
        rc = ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", ef_buf_cstr(&path),
                     strerror(errno));
        ef_buf_reset(&path);
        cairo_font_face_destroy(face);
        return rc;
    }
    ef_buf_reset(&path);
    fontset_init(&fs, face);
    {
        cairo_surface_t *ms =
            cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
        cairo_t *m = cairo_create(ms);
        setup_cr(m, face, &fs);
        n = plan(r, jobs, m, CHART_W);
        if (plan(r, jobs + n, m, NARROW_W) != n)
            abort(); /* the same model: the same charts */
        cairo_destroy(m);
        cairo_surface_destroy(ms);
    }
    out->items = ef_xcalloc(n ? n : 1, sizeof *out->items);
    out->n = n; /* on failure, the set is freed whole (calloc'd slots) */
    memset(errs, 0, sizeof errs);
    rt = (render_tasks){jobs, n, face, &fs, dir, out->items, errs, rcs};
    /* a thread a task, as many as there are CPUs */
    pool = ef_pool_new((int)(cpus < (long)(2 * n) ? cpus : (long)(2 * n)));
    jb = EF_JOB(render_task, &rt, 2 * n);
    ef_pool_run(pool, &jb);
    ef_pool_free(pool);
    rc = EF_OK;
    for (size_t i = 0; i < 2 * n; i++) {
        if (rc == EF_OK && rcs[i] != EF_OK)
            rc = ef_fail(e, rcs[i], "%s", errs[i].msg);
        job_free(&jobs[i]);
    }
    fontset_free(&fs);
    ef_font_fallback_done();
    cairo_font_face_destroy(face);
    if (rc != EF_OK)
        ef_chart_set_free(out);
    return rc;
}

void ef_chart_set_free(ef_chart_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].title);
        free(s->items[i].desc);
        free(s->items[i].png);
        free(s->items[i].svg);
        free(s->items[i].svg_inline);
        free(s->items[i].svg_narrow);
    }
    free(s->items);
    s->items = NULL;
    s->n = 0;
}
