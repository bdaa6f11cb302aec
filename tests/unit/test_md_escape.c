/* test_md_escape.c - untrusted text in Markdown (ef_md_escape): what it
 * writes, and, rendered by cmark-gfm where a custom template may put it
 * (the start of a paragraph, a list item, a table cell), that it never
 * becomes a block or an inline of its own. */
#include <string.h>

#include "render/render.h"
#include "test.h"

static size_t count(const char *h, const char *needle)
{
    size_t n = 0;
    for (const char *p = h; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

void test_md_escape(void)
{
    static const struct {
        const char *in;
        size_t len; /* 0: strlen */
        const char *want;
    } esc[] = {
        {"plain text", 0, "plain text"},
        {"- item", 0, "\\- item"},
        {"12. item", 0, "12\\. item"},
        {"33.3% of them", 0, "33.3% of them"}, /* not a list marker */
        /* leading white space goes: four spaces would start code */
        {"    code?", 0, "code?"},
        {"\n\t  # heading?", 0, "\\# heading?"},
        /* a dropped control byte hides no block start */
        {"\x01- item", 0, "\\- item"},
        {"\x02"
         "12. item",
         0, "12\\. item"},
        {"1\x01"
         "2. item",
         0, "12\\. item"},
        {"12.\x01 item", 0, "12\\. item"},
        {"a\nb", 0, "a b"},
        {"x <b> [l](u) `c` *e*", 0, "x \\<b\\> \\[l\\](u) \\`c\\` \\*e\\*"},
    };
    static const char *const texts[] = {
        "    four spaces",
        "\x01- list",
        "\x01"
        "1. ordered",
        "\n\n    code",
        "> quote",
        "---",
        "=== setext",
        "# h",
        "<div>x</div>",
        "![i](x)",
        "[a](javascript:x)",
        "`code`",
        "www.x.com",
        "a@b.c",
        "| a | b |",
        "\t\t\tcode",
        "~~del~~",
        "*** rule",
        "1) item",
        "+ item",
    };
    ef_buf b = EF_BUF_INIT;

    for (size_t i = 0; i < EF_ARRAY_LEN(esc); i++) {
        ef_buf_clear(&b);
        ef_md_escape(&b, esc[i].in,
                     esc[i].len ? esc[i].len : strlen(esc[i].in));
        STR_EQ(ef_buf_cstr(&b), esc[i].want, esc[i].in);
    }
    for (size_t i = 0; i < EF_ARRAY_LEN(texts); i++) {
        ef_buf md = EF_BUF_INIT, html = EF_BUF_INIT;
        ef_err e = {EF_OK, ""};
        /* the text at the start of a paragraph, of a list item, in a
         * table cell */
        for (int k = 0; k < 3; k++) {
            if (k == 0)
                ef_md_escape(&md, texts[i], strlen(texts[i]));
            else if (k == 1) {
                ef_buf_puts(&md, "\n\n- ");
                ef_md_escape(&md, texts[i], strlen(texts[i]));
                ef_buf_puts(&md, "\n- y\n\n| A |\n| --- |\n| ");
            } else {
                ef_md_escape(&md, texts[i], strlen(texts[i]));
                ef_buf_puts(&md, " |\n");
            }
        }
        INT_EQ(ef_markdown_to_html(md.data, md.len, NULL, 1, &html, &e), EF_OK,
               texts[i]);
        ef_buf_cstr(&html);
        OK(count(html.data, "<li>") == 2 && count(html.data, "<td>") == 1 &&
               count(html.data, "<p>") == 1,
           texts[i]);
        OK(!strstr(html.data, "<pre") && !strstr(html.data, "<code") &&
               !strstr(html.data, "<a ") && !strstr(html.data, "<img") &&
               !strstr(html.data, "<h") && !strstr(html.data, "<blockquote") &&
               !strstr(html.data, "<hr") && !strstr(html.data, "<del") &&
               !strstr(html.data, "<ol") && !strstr(html.data, "<!--"),
           texts[i]);
        ef_buf_reset(&md);
        ef_buf_reset(&html);
    }
    ef_buf_reset(&b);
}
