/* fuzz_template.c - libFuzzer target for the template engine and for
 * untrusted text in the report.
 *
 * The first byte picks the mode; the rest is
 *   mode 0: a template (--templates makes it the user's): it parses, or
 *      fails with "fuzz.md:LINE: reason"; a parsed one renders the same
 *      twice (or fails the same), over a context of strings, bools,
 *      nested objects and lists, one string of which is the input itself;
 *   mode 1: a feedback text, escaped by ef_md_escape into a table cell, a
 *      list item and a paragraph of a fixed template, and the Markdown
 *      made HTML by cmark-gfm: whatever the text, the page keeps its one
 *      heading, one table row of two cells and two list items, and the
 *      text becomes no link, image, code, emphasis, quote, rule, heading
 *      or raw HTML.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/render.h"
#include "render/template.h"

static size_t count(const char *h, const char *needle)
{
    size_t n = 0;
    for (const char *p = h; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static ef_tctx *context(const char *text, size_t len)
{
    ef_tctx *c = ef_tctx_new();
    ef_tvalue *root = ef_tctx_root(c), *l, *it;
    char *v = malloc(len + 1);

    memcpy(v, text, len);
    v[len] = '\0'; /* up to a NUL, if any */
    ef_tobj_set_str(root, "v", v);
    ef_tobj_set_str(root, "title", "Report <b>");
    ef_tobj_set_str(root, "empty", "");
    ef_tobj_set_bool(root, "yes", 1);
    ef_tobj_set_bool(root, "no", 0);
    l = ef_tobj_set_list(root, "rows");
    for (int i = 0; i < 3; i++) {
        it = ef_tlist_add_obj(l);
        ef_tobj_set_strf(it, "name", "row %d", i);
        ef_tobj_set_bool(it, "too_few", i == 1);
        ef_tlist_add_str(ef_tobj_set_list(it, "tags"), v);
    }
    ef_tobj_set_list(root, "none");
    ef_tobj_set_str(ef_tobj_set_obj(ef_tobj_set_obj(root, "kpi"), "neg"),
                    "share", "12.5%");
    free(v);
    return c;
}

static void template_mode(const char *src, size_t len)
{
    ef_template *t = NULL;
    ef_err e = {EF_OK, ""}, e2 = {EF_OK, ""};
    ef_buf a = EF_BUF_INIT, b = EF_BUF_INIT;
    ef_tctx *c;
    ef_status r1, r2;

    if (ef_template_parse("fuzz.md", src, len, &t, &e) != EF_OK) {
        if (t != NULL || strncmp(e.msg, "fuzz.md:", 8) != 0)
            abort();
        return;
    }
    c = context(src, len);
    r1 = ef_template_render(t, ef_tctx_root(c), ef_md_escape, &a, &e);
    r2 = ef_template_render(t, ef_tctx_root(c), ef_md_escape, &b, &e2);
    if (r1 != r2 || a.len != b.len ||
        (a.len && memcmp(a.data, b.data, a.len) != 0))
        abort();
    if (r1 != EF_OK && (strcmp(e.msg, e2.msg) != 0 ||
                        strncmp(e.msg, "fuzz.md:", 8) != 0 || a.len != 0))
        abort();
    ef_buf_clear(&a);
    ef_tctx_list(ef_tctx_root(c), &a);
    ef_buf_reset(&a);
    ef_buf_reset(&b);
    ef_tctx_free(c);
    ef_template_free(t);
}

static void text_mode(const char *text, size_t len)
{
    static const char tpl[] = "# {{title}}\n\n| A | B |\n| --- | --- |\n"
                              "| {{v}} | x |\n\n- {{v}}\n- y\n\n{{v}}\n";
    static const char *const never[] = {
        "<a ",         "<img", "<code", "<em>",    "<strong>", "<del>",
        "<blockquote", "<hr",  "<pre",  "<h2",     "<h3",      "<h4",
        "<h5",         "<h6",  "<!--",  "<script", "<input"};
    ef_template *t = NULL;
    ef_err e = {EF_OK, ""};
    ef_buf md = EF_BUF_INIT, html = EF_BUF_INIT;
    ef_tctx *c = context(text, len);

    if (ef_template_parse("fuzz.md", tpl, sizeof tpl - 1, &t, &e) != EF_OK ||
        ef_template_render(t, ef_tctx_root(c), ef_md_escape, &md, &e) !=
            EF_OK ||
        ef_markdown_to_html(md.data, md.len, NULL, 1, &html, &e) != EF_OK)
        abort();
    ef_buf_cstr(&html);
    if (count(html.data, "<h1") != 1 || count(html.data, "<td>") != 2 ||
        count(html.data, "<tr>") != 2 || count(html.data, "<li>") != 2)
        abort();
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        if (strstr(html.data, never[i]))
            abort();
    ef_buf_reset(&md);
    ef_buf_reset(&html);
    ef_tctx_free(c);
    ef_template_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1)
        text_mode((const char *)data + 1, size - 1);
    else
        template_mode((const char *)data + 1, size - 1);
    return 0;
}
