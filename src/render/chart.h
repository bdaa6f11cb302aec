/* chart.h - the report's charts, drawn with cairo as PNG and SVG.
 *
 *   ef_chart_set cs;
 *   if (ef_chart_render_all(r, "report", "fonts/DejaVuSans.ttf", &cs,
 *                           &err) == EF_OK)
 *       for (size_t i = 0; i < cs.n; i++)
 *           ... cs.items[i].png, .svg_inline, .title ...;
 *   ef_chart_set_free(&cs);
 *
 * Charts, in this order, each drawn only when the model supports it:
 *   trend_volume    items per period, stacked negative/neutral/positive
 *   trend_negative  negative share per period with its 95% band, spikes,
 *                   the overall share and the calibrated share
 *   channels        negative share by channel, with whiskers and n
 *   distribution    histogram of compound scores coloured by class
 *   nps             promoters/passives/detractors and NPS per period
 *   stars           the distribution of star ratings
 * Same model and same font file give the same PNG and SVG bytes.
 */
#ifndef EF_RENDER_CHART_H
#define EF_RENDER_CHART_H

#include "metrics/metrics.h"
#include "util/util.h"

typedef struct {
    char name[32];    /* "trend_negative", ... (the file's base name) */
    char *title;      /* the finding as a sentence (plain UTF-8 text) */
    char *desc;       /* a longer description for screen readers */
    char *png;        /* "charts/trend_negative.png", relative to dir */
    char *svg;        /* "charts/trend_negative.svg", relative to dir */
    char *svg_inline; /* the SVG without XML declaration, with <title>
                         and <desc>, ids prefixed "ef-<name>-": several
                         may share one HTML page */
    char *svg_narrow; /* the same chart drawn for a phone (NARROW_W CSS
                         px wide), inline like svg_inline, ids prefixed
                         "ef-<name>-n-"; NULL when not drawn */
    int width;        /* size in CSS pixels (the SVG's width/height);  */
    int height;       /* the PNG has twice as many pixels each way     */
} ef_chart;

typedef struct {
    ef_chart *items;
    size_t n;
} ef_chart_set;

/* Draws every chart the model supports into DIR/charts/ (created if
 * missing) as NAME.png (2x pixel density) and NAME.svg, with the font
 * loaded from font_path through FreeType (never a system font lookup),
 * on up to one thread per CPU. Errors: EF_ERR_CHART (font or cairo
 * failure, with cairo's message) or EF_ERR_CANTCREAT naming the file;
 * *out is then empty. Free *out with ef_chart_set_free (all its strings
 * are from malloc). */
ef_status ef_chart_render_all(const ef_report *r, const char *dir,
                              const char *font_path, ef_chart_set *out,
                              ef_err *e);

/* Frees the charts' strings and array; s is then empty. NULL is a no-op. */
void ef_chart_set_free(ef_chart_set *s);

#endif
