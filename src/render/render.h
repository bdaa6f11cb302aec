/* render.h - the report's text outputs: report.md, report.html and
 * metrics.json, from the report model; and the --fail-if gates. */
#ifndef EF_RENDER_H
#define EF_RENDER_H

#include "metrics/metrics.h"
#include "render/chart.h"
#include "render/template.h"
#include "util/util.h"

typedef struct {
    const char *templates; /* --templates DIR, or NULL: the built-in ones */
    const char *title;     /* the report's title */
    const char *version;   /* earful's version */
    int rejected_file;     /* rejected.csv was written */
    uint64_t nonce;        /* makes chart placeholders unguessable */
} ef_render_opts;

/* Fills ctx's root with every template variable of the report. chart
 * slots hold `chart_md` image links (mode 0) or placeholders (mode 1). */
void ef_report_vars(const ef_report *r, const ef_chart_set *charts,
                    const ef_render_opts *o, int html_mode, ef_tctx *ctx);

/* Renders report.md into md and report.html into html. Errors name the
 * template and line (EF_ERR_PARSE) or cmark-gfm (EF_ERR_HTML). */
ef_status ef_render_reports(const ef_report *r, const ef_chart_set *charts,
                            const ef_render_opts *o, ef_buf *md, ef_buf *html,
                            ef_err *e);

/* Escapes untrusted text for Markdown: it can never become a link, an
 * image, a heading, HTML, code or a table break (see markdown.c). */
void ef_md_escape(ef_buf *out, const char *s, size_t n);

/* Escapes text for HTML (& < > " '), repairing invalid UTF-8. */
void ef_html_escape(ef_buf *out, const char *s, size_t n);

/* Converts Markdown (GFM tables) to HTML with cmark-gfm, never letting
 * raw HTML through, and replaces each top-level paragraph that is
 * exactly a placeholder "EFCHART-<nonce>-<name>" by that chart's figure
 * (inline SVG). The result is appended to out. */
ef_status ef_markdown_to_html(const char *md, size_t len,
                              const ef_chart_set *charts, uint64_t nonce,
                              ef_buf *out, ef_err *e);

/* ==== metrics.json (json.c) ============================================ */

/* Writes metrics.json (schema earful.metrics/1) into out. */
void ef_metrics_json(const ef_report *r, ef_buf *out);

/* A --fail-if gate: "metric OP number". */
typedef struct {
    char path[256]; /* "periods[-1].negative_share": names, '.', [N], [-N] */
    char op[3];     /* "<", "<=", ">" or ">=" */
    double value;
} ef_gate;

/* Parses a gate's form (not whether metrics.json has its metric: that
 * depends on the data). Errors: EF_ERR_USAGE quoting the gate. */
ef_status ef_gate_parse(const char *s, ef_gate *g, ef_err *e);

/* Checks --fail-if gates ("sentiment.negative.share > 0.25") against the
 * JSON of r. Returns EF_OK and sets *tripped (and prints each tripped
 * gate on stderr), or EF_ERR_USAGE for a gate that does not parse or
 * names no number in metrics.json. */
ef_status ef_gates_check(const ef_report *r, const char *const *gates,
                         size_t n, int *tripped, ef_err *e);

#endif
