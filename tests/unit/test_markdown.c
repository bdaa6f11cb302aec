/* test_markdown.c - report.html's Markdown: right-to-left values isolated
 * in <bdi>, tables in their scrolling wrapper, no zero-width space in the
 * HTML (it is there for GitHub in report.md), and charts in both their
 * drawings. */
#include <stdlib.h>
#include <string.h>

#include "render/render.h"
#include "test.h"

void md_escape_html(ef_buf *out, const char *s, size_t n); /* EF_STATIC */

static char *to_html(const char *md, const ef_chart_set *cs)
{
    ef_buf out = EF_BUF_INIT;
    ef_err e = {0};
    char *s;
    INT_EQ(ef_markdown_to_html(md, strlen(md), cs, 7, &out, &e), EF_OK,
           "markdown to HTML");
    s = ef_xstrdup(ef_buf_cstr(&out));
    ef_buf_reset(&out);
    return s;
}

void test_markdown(void)
{
    static const struct {
        const char *value, *md, *html; /* the Markdown, and the HTML */
    } esc[] = {
        /* English: as report.md has it, less the zero-width spaces */
        {"@pebble", "@pebble", "<p>x @pebble y</p>"},
        {"see http://a.example", "see http://a.example",
         "<p>x see http://a.example y</p>"},
        /* Hebrew: isolated, and a <bdi> in the HTML */
        {"\xd7\xa9\xd7\xa8\xd7\x94",
         "\xe2\x81\xa8\xd7\xa9\xd7\xa8\xd7\x94\xe2\x81\xa9",
         "<p>x <bdi>\xd7\xa9\xd7\xa8\xd7\x94</bdi> y</p>"},
        /* its own isolates dropped: ours cannot be unbalanced */
        {"\xe2\x81\xa9\xd7\x90<b>", "\xe2\x81\xa8\xd7\x90\\<b\\>\xe2\x81\xa9",
         "<p>x <bdi>\xd7\x90&lt;b&gt;</bdi> y</p>"},
    };
    for (size_t i = 0; i < EF_ARRAY_LEN(esc); i++) {
        ef_buf b = EF_BUF_INIT, doc = EF_BUF_INIT;
        char *html;
        md_escape_html(&b, esc[i].value, strlen(esc[i].value));
        STR_EQ(ef_buf_cstr(&b), esc[i].md, esc[i].value);
        ef_buf_printf(&doc, "x %s y", ef_buf_cstr(&b));
        html = to_html(ef_buf_cstr(&doc), NULL);
        OK(strncmp(html, esc[i].html, strlen(esc[i].html)) == 0, html);
        free(html);
        ef_buf_reset(&b);
        ef_buf_reset(&doc);
    }
    {
        /* report.md keeps the zero-width space that stops GitHub's
         * autolinker */
        ef_buf b = EF_BUF_INIT;
        ef_md_escape(&b, "@pebble", 7);
        STR_EQ(ef_buf_cstr(&b), "@\xe2\x80\x8bpebble", "md: @ then ZWSP");
        ef_buf_reset(&b);
    }
    {
        /* in a table cell too, the text kept */
        char *html =
            to_html("| a |\n| --- |\n| \xe2\x81\xa8\xd7\x90\xe2\x81\xa9 "
                    "x |\n",
                    NULL);
        OK(strstr(html, "<td><bdi>\xd7\x90</bdi> x</td>") != NULL, html);
        free(html);
        /* a lone isolate is dropped, not turned into half a tag */
        html = to_html("a \xe2\x81\xa8"
                       "b *c*\n",
                       NULL);
        STR_EQ(html, "<p>a b <em>c</em></p>\n", "lone FSI");
        free(html);
    }
    {
        char *html = to_html("| a | b |\n| --- | ---: |\n| 1 | 2 |\n", NULL);
        static const char open[] = "<div class=\"table-wrap\">\n<table>";
        OK(strncmp(html, open, strlen(open)) == 0 &&
               strstr(html, "</table>\n</div>\n") != NULL,
           "a table in its wrapper");
        free(html);
    }
    {
        ef_chart ch = {0};
        ef_chart_set cs = {&ch, 1};
        char *html;
        snprintf(ch.name, sizeof ch.name, "nps");
        ch.svg_inline = "<svg id=\"wide\"/>";
        ch.svg_narrow = "<svg id=\"narrow\"/>";
        html = to_html("EFCHART-0000000000000007-nps\n", &cs);
        STR_EQ(html,
               "<figure>\n<div class=\"ef-wide\"><svg id=\"wide\"/></div>\n"
               "<div class=\"ef-narrow\"><svg id=\"narrow\"/></div>\n"
               "</figure>\n",
               "a chart: both drawings");
        free(html);
    }
}
