/* markdown.c - report.md from templates/report.md, and report.html from
 * that Markdown (cmark-gfm, GitHub's CommonMark with its table extension)
 * inside templates/report.html. The only file that includes cmark-gfm. */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "render/render.h"
#include "util/text.h"

/* The built-in templates (tools/embed.c, at build time). */
extern const unsigned char ef_embed_report_md[];
extern const size_t ef_embed_report_md_len;
extern const unsigned char ef_embed_report_html[];
extern const size_t ef_embed_report_html_len;

/* ==== Escaping ========================================================== */

#define FSI "\xE2\x81\xA8" /* U+2068 FIRST STRONG ISOLATE */
#define PDI "\xE2\x81\xA9" /* U+2069 POP DIRECTIONAL ISOLATE */

/* Markdown punctuation that can start a link, image, emphasis, code
 * span, HTML tag, entity, strikethrough or table cell anywhere in a line:
 * always backslash-escaped (CommonMark allows it for any punctuation). */
static int md_special(unsigned char c)
{
    return c == '\\' || c == '`' || c == '*' || c == '_' || c == '[' ||
           c == ']' || c == '<' || c == '>' || c == '!' || c == '|' ||
           c == '~' || c == '&' || c == '#' || c == '{' || c == '}';
}

/* 1 if what out holds from start on is 1 to 9 digits (an ordered list
 * marker "12." or "12)" if '.' or ')' comes next). */
static int leading_digits(const ef_buf *out, size_t start)
{
    size_t n = out->len - start;

    if (n == 0 || n > 9)
        return 0;
    for (size_t k = start; k < out->len; k++)
        if (out->data[k] < '0' || out->data[k] > '9')
            return 0;
    return 1;
}

/* 1 if what comes at u[i..n) after the bytes that are dropped is white
 * space or nothing (after "12." that makes an ordered list item). */
static int blank_next(const unsigned char *u, size_t i, size_t n)
{
    while (i < n &&
           ((u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' && u[i] != '\r') ||
            u[i] == 0x7f))
        i++;
    return i == n || u[i] == ' ' || u[i] == '\t' || u[i] == '\n' ||
           u[i] == '\r';
}

/* Feedback text in Markdown: the characters above are escaped; so is the
 * first character written when it could start a block (a list, a
 * heading, a quote, a thematic break, a setext underline, an ordered list
 * item); white space before it is dropped (four spaces would start a
 * code block); line breaks become spaces, so nothing can start a block
 * later; control characters are dropped; and a zero-width space breaks
 * what GitHub's autolinker would make a link ("://", "www.", "@"). The
 * text reads the same once rendered. "First" and "after digits" are
 * judged on what is written, so a dropped byte cannot hide them.
 *
 * For report.html (html = 1), the Markdown goes to cmark-gfm without the
 * autolinker: no zero-width space, which would let a handle wrap after
 * its "@" and ride along when it is copied. Instead, a value holding
 * right-to-left text is put between FSI and PDI (its own isolates
 * dropped), which ef_markdown_to_html turns into <bdi>...</bdi>. */
static void md_escape(ef_buf *out, const char *s, size_t n, int html)
{
    static const char zwsp[] = "\xe2\x80\x8b";
    const unsigned char *u = (const unsigned char *)s;
    int iso = html && ef_utf8_has_rtl(s, n);
    size_t start;

    if (iso)
        ef_buf_puts(out, FSI);
    start = out->len;
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        int first = out->len == start;
        if (c >= 0x80) {
            if (iso && c == 0xE2 && i + 2 < n && u[i + 1] == 0x81 &&
                u[i + 2] >= 0xA6 && u[i + 2] <= 0xA9) {
                i += 3; /* U+2066-U+2069: the isolates are ours */
                continue;
            }
            i += ef_utf8_put_repaired(out, u + i, n - i);
            continue;
        }
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            if (!first)
                ef_buf_putc(out, ' ');
        } else if (c < 0x20 || c == 0x7f) {
            /* control characters: dropped */
        } else if (md_special(c) || (first && strchr("+-=", c)) ||
                   ((c == '.' || c == ')') && leading_digits(out, start) &&
                    blank_next(u, i + 1, n))) {
            ef_buf_putc(out, '\\');
            ef_buf_putc(out, (char)c);
        } else {
            ef_buf_putc(out, (char)c);
        }
        if (html) {
            /* no autolinker to defeat */
        } else if (c == ':' && i + 2 < n && u[i + 1] == '/' &&
                   u[i + 2] == '/') {
            ef_buf_puts(out, zwsp);
        } else if (c == '@') {
            ef_buf_puts(out, zwsp);
        } else if ((c | 32) == 'w' && i + 3 < n && (u[i + 1] | 32) == 'w' &&
                   (u[i + 2] | 32) == 'w' && u[i + 3] == '.') {
            ef_buf_put(out, s + i + 1, 2);
            ef_buf_puts(out, zwsp);
            i += 3;
            continue;
        }
        i++;
    }
    if (iso)
        ef_buf_puts(out, PDI);
}

void ef_md_escape(ef_buf *out, const char *s, size_t n)
{
    md_escape(out, s, n, 0);
}

/* The escaping of the Markdown that becomes report.html. */
EF_STATIC void md_escape_html(ef_buf *out, const char *s, size_t n)
{
    md_escape(out, s, n, 1);
}

void ef_html_escape(ef_buf *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        switch (c) {
        case '&': ef_buf_puts(out, "&amp;"); break;
        case '<': ef_buf_puts(out, "&lt;"); break;
        case '>': ef_buf_puts(out, "&gt;"); break;
        case '"': ef_buf_puts(out, "&quot;"); break;
        case '\'': ef_buf_puts(out, "&#39;"); break;
        default:
            if (c >= 0x80) {
                i += ef_utf8_put_repaired(out, u + i, n - i);
                continue;
            }
            if (c >= 0x20 || c == '\n' || c == '\t')
                ef_buf_putc(out, (char)c);
        }
        i++;
    }
}

/* ==== Markdown to HTML ================================================== */

static const ef_chart *chart_for(const cmark_node *para,
                                 const ef_chart_set *charts, uint64_t nonce)
{
    cmark_node *t = cmark_node_first_child((cmark_node *)para);
    const char *lit;
    char prefix[48];
    size_t pl;

    if (t == NULL || cmark_node_next(t) != NULL ||
        cmark_node_get_type(t) != CMARK_NODE_TEXT)
        return NULL;
    lit = cmark_node_get_literal(t);
    pl = (size_t)snprintf(prefix, sizeof prefix, "EFCHART-%016llx-",
                          (unsigned long long)nonce);
    if (lit == NULL || strncmp(lit, prefix, pl) != 0)
        return NULL;
    for (size_t i = 0; charts && i < charts->n; i++)
        if (strcmp(lit + pl, charts->items[i].name) == 0)
            return &charts->items[i];
    return NULL;
}

/* Appends the HTML cmark rendered to out, each FSI ... PDI run that
 * md_escape_html put around a right-to-left value as <bdi>...</bdi>. (Not
 * in the tree: a table cell cannot hold a custom inline node.) A value is
 * escaped, so its run never holds a tag; an isolate without its partner
 * in the same text is dropped. */
static void put_with_bdi(ef_buf *out, const char *html)
{
    const char *p = html, *f;

    while ((f = strstr(p, FSI)) != NULL) {
        const char *end = f + strlen(FSI);
        const char *tag = strchr(end, '<'), *pdi = strstr(end, PDI);
        ef_buf_put(out, p, (size_t)(f - p));
        if (pdi && (tag == NULL || pdi < tag)) {
            ef_buf_puts(out, "<bdi>");
            ef_buf_put(out, end, (size_t)(pdi - end));
            ef_buf_puts(out, "</bdi>");
            p = pdi + strlen(PDI);
        } else {
            p = end;
        }
    }
    ef_buf_puts(out, p);
}

/* Puts every table of doc in a <div class="table-wrap">, which scrolls
 * sideways on its own when the table is wider than the page. */
static void wrap_tables(cmark_node *doc)
{
    for (cmark_node *n = cmark_node_first_child(doc), *next; n; n = next) {
        cmark_node *blk;
        next = cmark_node_next(n);
        if (strcmp(cmark_node_get_type_string(n), "table") != 0)
            continue;
        blk = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
        cmark_node_set_on_enter(blk, "<div class=\"table-wrap\">\n");
        cmark_node_set_on_exit(blk, "</div>\n");
        cmark_node_insert_before(n, blk);
        cmark_node_append_child(blk, n);
    }
}

ef_status ef_markdown_to_html(const char *md, size_t len,
                              const ef_chart_set *charts, uint64_t nonce,
                              ef_buf *out, ef_err *e)
{
    cmark_parser *p;
    cmark_node *doc, *n, *next;
    cmark_syntax_extension *table;
    char *html;
    ef_buf fig = EF_BUF_INIT;

    cmark_gfm_core_extensions_ensure_registered();
    p = cmark_parser_new(CMARK_OPT_DEFAULT);
    if (p == NULL)
        return ef_fail(e, EF_ERR_HTML, "cmark-gfm: cannot create a parser");
    table = cmark_find_syntax_extension("table");
    if (table == NULL || !cmark_parser_attach_syntax_extension(p, table)) {
        cmark_parser_free(p);
        return ef_fail(e, EF_ERR_HTML,
                       "cmark-gfm: the table extension is missing");
    }
    cmark_parser_feed(p, md, len);
    doc = cmark_parser_finish(p);
    /* chart slots: top-level paragraphs that are exactly a placeholder
     * (feedback text never lands at the top level, and is escaped) */
    for (n = cmark_node_first_child(doc); n; n = next) {
        const ef_chart *ch;
        cmark_node *blk;

        next = cmark_node_next(n);
        if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH ||
            (ch = chart_for(n, charts, nonce)) == NULL)
            continue;
        ef_buf_clear(&fig);
        ef_buf_puts(&fig, "<figure>\n");
        /* the SVG carries the title (drawn, and as <title>); a phone
         * gets the narrow drawing (the stylesheet picks one) */
        if (ch->svg_narrow) {
            ef_buf_puts(&fig, "<div class=\"ef-wide\">");
            ef_buf_puts(&fig, ch->svg_inline);
            ef_buf_puts(&fig, "</div>\n<div class=\"ef-narrow\">");
            ef_buf_puts(&fig, ch->svg_narrow);
            ef_buf_puts(&fig, "</div>");
        } else {
            ef_buf_puts(&fig, ch->svg_inline);
        }
        ef_buf_puts(&fig, "\n</figure>\n");
        blk = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
        cmark_node_set_on_enter(blk, ef_buf_cstr(&fig));
        cmark_node_set_on_exit(blk, "");
        cmark_node_replace(n, blk);
        cmark_node_free(n);
    }
    wrap_tables(doc);
    /* CMARK_OPT_DEFAULT is safe: raw HTML and dangerous URLs are omitted
     * (never CMARK_OPT_UNSAFE: the text holds feedback) */
    html = cmark_render_html(doc, CMARK_OPT_DEFAULT,
                             cmark_parser_get_syntax_extensions(p));
    put_with_bdi(out, html ? html : "");
    free(html);
    cmark_node_free(doc);
    cmark_parser_free(p);
    ef_buf_reset(&fig);
    return html ? EF_OK : ef_fail(e, EF_ERR_HTML, "cmark-gfm: render failed");
}

/* ==== The two reports =================================================== */

/* Reads DIR/NAME, or takes the built-in template. */
static ef_status load_template(const char *dir, const char *name,
                               const char *builtin, size_t builtin_len,
                               ef_template **out, ef_err *e)
{
    char path[1024];
    ef_buf src = EF_BUF_INIT;
    ef_status rc;

    if (dir == NULL)
        return ef_template_parse(name, builtin, builtin_len, out, e);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return ef_fail(e, EF_ERR_NOINPUT, "%s: %s", path, strerror(errno));
    char chunk[8192];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        ef_buf_put(&src, chunk, k);
    if (ferror(f)) {
        fclose(f);
        ef_buf_reset(&src);
        return ef_fail(e, EF_ERR_IO, "%s: read error", path);
    }
    fclose(f);
    rc = ef_template_parse(path, ef_buf_cstr(&src), src.len, out, e);
    ef_buf_reset(&src);
    return rc;
}

ef_status ef_render_reports(const ef_report *r, const ef_chart_set *charts,
                            const ef_render_opts *o, ef_buf *md, ef_buf *html,
                            ef_err *e)
{
    ef_template *tmd = NULL, *thtml = NULL;
    ef_tctx *ctx = NULL;
    ef_buf mdh = EF_BUF_INIT, body = EF_BUF_INIT;
    ef_status rc;

    if ((rc = load_template(o->templates, "report.md",
                            (const char *)ef_embed_report_md,
                            ef_embed_report_md_len, &tmd, e)) != EF_OK)
        goto out;
    if ((rc = load_template(o->templates, "report.html",
                            (const char *)ef_embed_report_html,
                            ef_embed_report_html_len, &thtml, e)) != EF_OK)
        goto out;

    /* report.md: charts as links to the PNGs */
    ctx = ef_tctx_new();
    ef_report_vars(r, charts, o, 0, ctx);
    if ((rc = ef_template_render(tmd, ef_tctx_root(ctx), ef_md_escape, md,
                                 e)) != EF_OK)
        goto out;
    ef_tctx_free(ctx);

    /* report.html: the same Markdown with chart placeholders, to HTML,
     * into the shell */
    ctx = ef_tctx_new();
    ef_report_vars(r, charts, o, 1, ctx);
    if ((rc = ef_template_render(tmd, ef_tctx_root(ctx), md_escape_html, &mdh,
                                 e)) != EF_OK)
        goto out;
    if ((rc = ef_markdown_to_html(mdh.data ? mdh.data : "", mdh.len, charts,
                                  o->nonce, &body, e)) != EF_OK)
        goto out;
    ef_tobj_set_str(ef_tctx_root(ctx), "body", ef_buf_cstr(&body));
    rc = ef_template_render(thtml, ef_tctx_root(ctx), ef_html_escape, html, e);
out:
    ef_tctx_free(ctx);
    ef_template_free(tmd);
    ef_template_free(thtml);
    ef_buf_reset(&mdh);
    ef_buf_reset(&body);
    return rc;
}
