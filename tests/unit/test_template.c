/* test_template.c - the Mustache-subset template engine: syntax, the
 * context stack, standalone lines, errors, and the context listing.
 *
 * Every case renders over the same context (see build_ctx) with an
 * escaper that doubles '<', so escaped and raw output differ.
 */
#include <stdlib.h>
#include <string.h>

#include "render/template.h"
#include "test.h"

/* ==== Helpers =========================================================== */

/* The test escaper: every '<' is written twice. */
static void escape_lt(ef_buf *out, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] == '<')
            ef_buf_putc(out, '<');
        ef_buf_putc(out, s[i]);
    }
}

/* root: name, empty, yes, no, str_false, count, kpi{total, negative{share}},
 * items[{label, n}, {label, n, name, subs[{v}, {v}]}], none[], tags[x, y] */
static ef_tctx *build_ctx(void)
{
    ef_tctx *c = ef_tctx_new();
    ef_tvalue *root = ef_tctx_root(c), *kpi, *items, *it, *subs, *tags;

    ef_tobj_set_str(ef_tobj_set_str(root, "name", "Acme <Co>"), "empty", "");
    ef_tobj_set_bool(root, "yes", 1);
    ef_tobj_set_bool(root, "no", 0);
    ef_tobj_set_str(root, "str_false", "false");
    ef_tobj_set_strf(root, "count", "%d items", 3);
    kpi = ef_tobj_set_obj(root, "kpi");
    ef_tobj_set_str(kpi, "total", "120");
    ef_tobj_set_str(ef_tobj_set_obj(kpi, "negative"), "share", "0.25");
    items = ef_tobj_set_list(root, "items");
    it = ef_tlist_add_obj(items);
    ef_tobj_set_str(it, "label", "a");
    ef_tobj_set_str(it, "n", "1");
    it = ef_tlist_add_obj(items);
    ef_tobj_set_str(it, "label", "b");
    ef_tobj_set_str(it, "n", "2");
    ef_tobj_set_str(it, "name", "inner");
    subs = ef_tobj_set_list(it, "subs");
    ef_tobj_set_str(ef_tlist_add_obj(subs), "v", "1");
    ef_tobj_set_str(ef_tlist_add_obj(subs), "v", "2");
    ef_tobj_set_list(root, "none");
    tags = ef_tobj_set_list(root, "tags");
    ef_tlist_add_str(tags, "x");
    ef_tlist_add_str(tags, "y");
    return c;
}

/* Parses and renders src as "t.md"; returns the output, or "ERR:" and
 * the message. The caller frees the result. */
static char *run(const ef_tvalue *root, const char *src, ef_escape_fn esc)
{
    ef_template *t = NULL;
    ef_err e = {EF_OK, ""};
    ef_buf out = EF_BUF_INIT;
    char *res;

    if (ef_template_parse("t.md", src, strlen(src), &t, &e) != EF_OK ||
        ef_template_render(t, root, esc, &out, &e) != EF_OK) {
        ef_buf_clear(&out);
        ef_buf_printf(&out, "ERR:%s", e.msg);
    }
    res = ef_xstrdup(ef_buf_cstr(&out));
    ef_buf_reset(&out);
    ef_template_free(t);
    return res;
}

/* ==== Cases ============================================================= */

static const struct {
    const char *src;
    const char *want; /* the output, or "ERR:" and the whole message */
} cases[] = {
    /* no tags */
    {"", ""},
    {"plain text\n| a | b |\n", "plain text\n| a | b |\n"},
    {"a } b { c }} d", "a } b { c }} d"},

    /* variables, escaping, raw */
    {"Hi {{name}}!", "Hi Acme <<Co>!"},
    {"{{ name }}|{{{name}}}|{{& name}}|{{{ name }}}",
     "Acme <<Co>|Acme <Co>|Acme <Co>|Acme <Co>"},
    {"{{count}}", "3 items"},
    {"[{{empty}}]", "[]"},
    {"{{yes}} {{no}}", "true false"},
    {"{{kpi.negative.share}} of {{kpi.total}}", "0.25 of 120"},
    {"{{name}}}", "Acme <<Co>}"},

    /* sections over lists, objects, bools, strings */
    {"{{#items}}{{label}}={{n}};{{/items}}", "a=1;b=2;"},
    {"{{#none}}x{{/none}}", ""},
    {"{{#kpi}}{{total}}/{{negative.share}}{{/kpi}}", "120/0.25"},
    {"{{#kpi.negative}}{{share}}{{/kpi.negative}}", "0.25"},
    {"{{#yes}}Y{{/yes}}{{#no}}N{{/no}}", "Y"},
    {"{{#name}}[{{.}}]{{/name}}", "[Acme <<Co>]"},
    {"{{#empty}}E{{/empty}}", ""},
    {"{{#str_false}}T{{/str_false}}", "T"},
    {"{{#yes}}{{.}}{{/yes}}", "true"},
    {"{{#tags}}<{{.}}>{{/tags}}", "<x><y>"},
    {"{{#tags}}{{{.}}}{{/tags}}", "xy"},
    {"{{#missing}}M{{/missing}}", ""},
    {"{{#missing.deep}}M{{/missing.deep}}", ""},
    {"{{#name.deep}}M{{/name.deep}}", ""},

    /* nesting and the context stack */
    {"{{#items}}{{name}},{{/items}}", "Acme <<Co>,inner,"},
    {"{{#items}}{{#yes}}{{label}}{{/yes}}{{/items}}", "ab"},
    {"{{#items}}{{label}}:{{#subs}}{{v}}{{label}}{{/subs}};{{/items}}",
     "a:;b:1b2b;"},
    {"{{#items}}{{#kpi}}{{n}}{{total}}{{/kpi}}{{/items}}", "11202120"},
    {"{{#kpi}}{{#negative}}{{share}}{{total}}{{name}}{{/negative}}{{/kpi}}",
     "0.25120Acme <<Co>"},
    {"{{#tags}}{{#.}}({{.}}){{/.}}{{/tags}}", "(x)(y)"},

    /* inverted sections */
    {"{{^none}}no items{{/none}}", "no items"},
    {"{{^missing}}M{{/missing}}", "M"},
    {"{{^no}}F{{/no}}", "F"},
    {"{{^empty}}E{{/empty}}", "E"},
    {"{{^items}}X{{/items}}{{^kpi}}X{{/kpi}}{{^yes}}X{{/yes}}", ""},
    {"{{^name}}X{{/name}}{{^str_false}}X{{/str_false}}", ""},
    {"{{^none}}{{name}}{{/none}}", "Acme <<Co>"},

    /* comments */
    {"a{{! hi }}b", "ab"},
    {"a{{!}}b", "ab"},
    {"Begin.\n{{!\n  several\n  lines\n}}\nEnd.\n", "Begin.\nEnd.\n"},

    /* standalone lines */
    {"| h |\n|---|\n{{#items}}\n| {{label}} |\n{{/items}}\nend\n",
     "| h |\n|---|\n| a |\n| b |\nend\n"},
    {"| h |\r\n{{#items}}\r\n| {{label}} |\r\n{{/items}}\r\nend\r\n",
     "| h |\r\n| a |\r\n| b |\r\nend\r\n"},
    {"  {{#yes}}  \n  x\n\t{{/yes}}\t\n", "  x\n"},
    {"x\n{{#yes}}\ny\n{{/yes}}", "x\ny\n"},
    {"{{^none}}\n- nothing\n{{/none}}\n", "- nothing\n"},
    {"a\n  {{! note }}\nb\n", "a\nb\n"},
    {"{{name}}\n", "Acme <<Co>\n"},
    {"  {{{name}}}\n", "  Acme <Co>\n"},
    {"a {{#yes}}b{{/yes}} c\n", "a b c\n"},
    {"  {{#yes}}YES{{/yes}}\n", "  YES\n"},
    {"{{#yes}}{{/yes}}\n", "\n"},
    {"x{{#yes}}\ny\n", "ERR:t.md:1: unclosed section {{#yes}}"},
    {"a\r{{#yes}}\r\nb{{/yes}}", "a\r\r\nb"},
    {"{{#no}}\n- hidden\n{{/no}}\n- shown\n", "- shown\n"},

    /* errors */
    {"a\nb {{name", "ERR:t.md:2: unclosed tag {{name"},
    {"{{name}\n{{kpi.total}}", "ERR:t.md:1: unclosed tag {{name}"},
    {"{{{name}}", "ERR:t.md:1: unclosed tag {{{name}}"},
    {"{{", "ERR:t.md:1: unclosed tag {{"},
    {"x\n{{#items}}\n- {{label}}\n",
     "ERR:t.md:2: unclosed section {{#items}}"},
    {"{{#y}}\n\n{{/x}}", "ERR:t.md:3: {{/x}} closes {{#y}} opened on line 1"},
    {"{{#a}}{{^b}}\n{{/a}}{{/b}}",
     "ERR:t.md:2: {{/a}} closes {{^b}} opened on line 1"},
    {"ok\n{{/x}}", "ERR:t.md:2: {{/x}} has no open section"},
    {"a\nb {{nmae}}", "ERR:t.md:2: unknown variable {{nmae}}"},
    {"{{{nmae}}}", "ERR:t.md:1: unknown variable {{{nmae}}}"},
    {"{{kpi.negtive.share}}",
     "ERR:t.md:1: unknown variable {{kpi.negtive.share}} "
     "(no \"negtive\" in kpi)"},
    {"{{name.x}}", "ERR:t.md:1: unknown variable {{name.x}} "
                   "(no \"x\" in name)"},
    {"{{#items}}\n{{lable}}\n{{/items}}",
     "ERR:t.md:2: unknown variable {{lable}}"},
    {"{{#none}}{{lable}}{{/none}}", ""},
    {"{{#missing}}{{lable}}{{/missing}}", ""},
    {"{{.}}", "ERR:t.md:1: {{.}} is an object, not a value (use a section)"},
    {"{{items}}",
     "ERR:t.md:1: {{items}} is a list, not a value (use a section)"},
    {"{{> footer}}", "ERR:t.md:1: partials are not supported: {{> footer}}"},
    {"{{=<% %>=}}",
     "ERR:t.md:1: set-delimiter tags are not supported: {{=<% %>=}}"},
    {"{{$block}}x{{/block}}",
     "ERR:t.md:1: template inheritance is not supported: {{$block}}"},
    {"{{}}", "ERR:t.md:1: empty tag {{}}"},
    {"{{#}}", "ERR:t.md:1: empty tag {{#}}"},
    {"{{a..b}}", "ERR:t.md:1: bad name in {{a..b}} (want letters, digits, "
                 "'_' or '-', parts joined by '.')"},
    {"{{a b}}", "ERR:t.md:1: bad name in {{a b}} (want letters, digits, "
                "'_' or '-', parts joined by '.')"},
    {"{{! a {{b}} }}", "ERR:t.md:1: unclosed tag {{! a {{b}} }}"},
    {"\n\n{{!\n\n}}{{x}}", "ERR:t.md:5: unknown variable {{x}}"},
    {"{{#yes}}\n{{/yes}}\n{{x}}", "ERR:t.md:3: unknown variable {{x}}"},
    {"a\r\n{{#yes}}\r\n{{/yes}}\r\n\r\n{{x}}",
     "ERR:t.md:5: unknown variable {{x}}"},
};

/* ==== Tests ============================================================= */

static void test_cases(const ef_tvalue *root)
{
    size_t i;
    char what[64];

    for (i = 0; i < EF_ARRAY_LEN(cases); i++) {
        char *got = run(root, cases[i].src, escape_lt);

        snprintf(what, sizeof what, "case %zu", i);
        STR_EQ(got, cases[i].want, what);
        free(got);
    }
}

/* Failures set *out to NULL and leave the output buffer as it was; a
 * template renders the same twice; NULL escape writes values raw. */
static void test_api(const ef_tvalue *root)
{
    ef_template *t = (ef_template *)&t;
    ef_err e = {EF_OK, ""};
    ef_buf out = EF_BUF_INIT;
    const char *src = "{{#items}}{{label}}{{/items}} {{name}}\n{{bad}}";

    INT_EQ(ef_template_parse("x", "{{#a}}", 6, &t, &e), EF_ERR_PARSE,
           "parse error status");
    OK(t == NULL, "parse error leaves *out NULL");
    INT_EQ(e.code, EF_ERR_PARSE, "err code set");

    e.code = EF_OK;
    INT_EQ(ef_template_parse("x", src, strlen(src), &t, &e), EF_OK, "parse");
    ef_buf_puts(&out, "keep");
    INT_EQ(ef_template_render(t, root, NULL, &out, &e), EF_ERR_PARSE,
           "render error status");
    STR_EQ(ef_buf_cstr(&out), "keep", "render error restores the output");
    STR_EQ(e.msg, "x:2: unknown variable {{bad}}", "render error message");
    ef_template_free(t);

    e.code = EF_OK;
    src = "{{#items}}{{label}}{{/items}} {{name}}\n";
    ef_buf_clear(&out);
    INT_EQ(ef_template_parse("x", src, strlen(src), &t, &e), EF_OK, "parse");
    INT_EQ(ef_template_render(t, root, NULL, &out, &e), EF_OK, "render 1");
    INT_EQ(ef_template_render(t, root, NULL, &out, &e), EF_OK, "render 2");
    STR_EQ(ef_buf_cstr(&out), "ab Acme <Co>\nab Acme <Co>\n",
           "renders twice the same, unescaped");
    ef_template_free(t);
    ef_template_free(NULL);

    /* A template with a NUL byte and no tags comes out byte for byte. */
    ef_buf_clear(&out);
    INT_EQ(ef_template_parse("x", "a\0b", 3, &t, &e), EF_OK, "parse NUL");
    INT_EQ(ef_template_render(t, root, NULL, &out, &e), EF_OK, "render NUL");
    INT_EQ(out.len, 3, "NUL kept");
    OK(memcmp(out.data, "a\0b", 3) == 0, "NUL bytes");
    ef_template_free(t);

    /* An empty source may be NULL. */
    ef_buf_clear(&out);
    INT_EQ(ef_template_parse("x", NULL, 0, &t, &e), EF_OK, "parse NULL");
    INT_EQ(ef_template_render(t, root, NULL, &out, &e), EF_OK, "render NULL");
    INT_EQ(out.len, 0, "empty output");
    ef_template_free(t);
    ef_buf_reset(&out);
}

/* Sections nest up to EF_TEMPLATE_MAX_DEPTH; one more is an error. */
static void test_depth(const ef_tvalue *root)
{
    ef_buf src = EF_BUF_INIT;
    char *got;
    int i;

    for (i = 0; i < EF_TEMPLATE_MAX_DEPTH; i++)
        ef_buf_puts(&src, "{{#kpi}}");
    ef_buf_puts(&src, "{{total}}");
    for (i = 0; i < EF_TEMPLATE_MAX_DEPTH; i++)
        ef_buf_puts(&src, "{{/kpi}}");
    got = run(root, ef_buf_cstr(&src), NULL);
    STR_EQ(got, "120", "deepest nesting");
    free(got);

    ef_buf_clear(&src);
    for (i = 0; i <= EF_TEMPLATE_MAX_DEPTH; i++)
        ef_buf_puts(&src, "{{^no}}\n");
    got = run(root, ef_buf_cstr(&src), NULL);
    STR_EQ(got, "ERR:t.md:65: sections nested more than 64 deep", "too deep");
    free(got);
    ef_buf_reset(&src);
}

/* A long list renders every item (and fast: one pass per item). */
static void test_long_list(void)
{
    ef_tctx *c = ef_tctx_new();
    ef_tvalue *list = ef_tobj_set_list(ef_tctx_root(c), "rows");
    char *got;
    int i;

    for (i = 0; i < 10000; i++)
        ef_tobj_set_strf(ef_tlist_add_obj(list), "v", "%d", i % 10);
    got = run(ef_tctx_root(c), "{{#rows}}{{v}}{{/rows}}", NULL);
    INT_EQ(strlen(got), 10000, "10000 items");
    OK(strncmp(got, "0123456789012", 13) == 0, "items in order");
    free(got);
    ef_tctx_free(c);
}

static void test_list_vars(const ef_tvalue *root)
{
    ef_buf out = EF_BUF_INIT;
    ef_tctx *c = ef_tctx_new();
    ef_tvalue *r = ef_tctx_root(c);

    ef_tctx_list(root, &out);
    STR_EQ(ef_buf_cstr(&out),
           "name\tAcme <Co>\n"
           "empty\t\n"
           "yes\ttrue\n"
           "no\tfalse\n"
           "str_false\tfalse\n"
           "count\t3 items\n"
           "kpi.total\t120\n"
           "kpi.negative.share\t0.25\n"
           "items\t(list of 2)\n"
           "items[0].label\ta\n"
           "items[0].n\t1\n"
           "items[1].label\tb\n"
           "items[1].n\t2\n"
           "items[1].name\tinner\n"
           "items[1].subs\t(list of 2)\n"
           "items[1].subs[0].v\t1\n"
           "items[1].subs[1].v\t2\n"
           "none\t(list of 0)\n"
           "tags\t(list of 2)\n"
           "tags[0]\tx\n"
           "tags[1]\ty\n",
           "ef_tctx_list");

    /* Re-setting a key keeps its place; values are escaped. */
    ef_buf_clear(&out);
    ef_tobj_set_str(r, "a", "1");
    ef_tobj_set_str(r, "b", "tab\there\nnl\\");
    ef_tobj_set_bool(r, "a", 0);
    ef_tobj_set_obj(r, "empty");
    ef_tctx_list(r, &out);
    STR_EQ(ef_buf_cstr(&out), "a\tfalse\nb\ttab\\there\\nnl\\\\\n",
           "ef_tctx_list replace and escapes");
    ef_tctx_free(c);
    ef_tctx_free(NULL);
    ef_buf_reset(&out);
}

void test_template(void)
{
    ef_tctx *c = build_ctx();
    const ef_tvalue *root = ef_tctx_root(c);

    test_cases(root);
    test_api(root);
    test_depth(root);
    test_long_list();
    test_list_vars(root);
    ef_tctx_free(c);
}
