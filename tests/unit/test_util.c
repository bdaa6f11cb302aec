/* test_util.c - number formatting and the escaping of untrusted text. */
#include <string.h>

#include "test.h"
#include "util/csvout.h"
#include "util/text.h"
#include "util/util.h"

/* Text bound for a terminal: nothing in it can move the cursor, set the
 * title, ring the bell or reorder what follows. */
static void check_term(void)
{
    static const struct {
        const char *in;
        size_t len; /* 0: strlen */
        const char *want;
    } cases[] = {
        {"plain caf\xC3\xA9 \xE2\x82\xAC ok", 0,
         "plain caf\xC3\xA9 \xE2\x82\xAC ok"},
        {"\x1b[2J\x1b]0;pwned\x07", 0, "\\x1b[2J\\x1b]0;pwned\\x07"},
        {"two\nlines\r", 0, "two\\x0alines\\x0d"},
        {"tab\tdel\x7f", 0, "tab\\x09del\\x7f"},
        {"nul\0x", 5, "nul\\x00x"},
        /* U+009B, CSI in one byte on some terminals, as UTF-8 */
        {"c1 \xC2\x9B"
         "31m",
         0, "c1 \\u009b31m"},
        /* the right-to-left override, and an isolate */
        {"abc\xE2\x80\xAE"
         "fed\xE2\x81\xA6",
         0, "abc\\u202efed\\u2066"},
        /* invalid UTF-8: its bytes, shown */
        {"bad \xFF\xC3(", 0, "bad \\xff\\xc3("},
        {"\xEF\xBF\xBD stays", 0, "\xEF\xBF\xBD stays"},
    };
    ef_buf b = EF_BUF_INIT;

    for (size_t i = 0; i < EF_ARRAY_LEN(cases); i++) {
        ef_buf_clear(&b);
        ef_text_term_escape(&b, cases[i].in,
                            cases[i].len ? cases[i].len : strlen(cases[i].in));
        STR_EQ(ef_buf_cstr(&b), cases[i].want, cases[i].in);
    }
    ef_buf_reset(&b);
}

/* CSV fields for spreadsheets: formula starts neutralised with a ',
 * numbers left alone, NULs dropped; and read back. */
static void check_csvout(void)
{
    static const struct {
        const char *in;
        size_t len; /* 0: strlen */
        const char *want;
    } cases[] = {
        {"plain", 0, "plain"},
        {"=HYPERLINK(\"http://x\",\"y\")", 0,
         "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
        {"@SUM(A1)", 0, "'@SUM(A1)"},
        {"+1+cmd|' /C calc'!A0", 0, "'+1+cmd|' /C calc'!A0"},
        {"-2+3+cmd", 0, "'-2+3+cmd"},
        {"\t=1", 0, "'\t=1"},
        {"\r=1", 0, "\"'\r=1\""},
        {"  =1", 0, "\"'  =1\""}, /* spaces first: still a formula */
        {"-3", 0, "-3"},          /* numbers are numbers */
        {"+1.5e3", 0, "+1.5e3"},
        {"-.5", 0, "-.5"},
        {"-", 0, "'-"},
        {"2025-01-01", 0, "2025-01-01"},
        {"a=b", 0, "a=b"},
        {"nul\0byte", 8, "nulbyte"},
        {"\0=1", 3, "'=1"}, /* the NUL goes, the formula is seen */
        {"x\xFFy", 0, "x\xEF\xBF\xBDy"},
    };
    ef_buf b = EF_BUF_INIT;

    for (size_t i = 0; i < EF_ARRAY_LEN(cases); i++) {
        size_t n = cases[i].len ? cases[i].len : strlen(cases[i].in);
        ef_buf_clear(&b);
        ef_csvout_field(&b, cases[i].in, n, 1);
        STR_EQ(ef_buf_cstr(&b), cases[i].want, cases[i].in);
    }
    {
        size_t n = 3;
        const char *s = ef_csvout_original("'=1", &n);
        OK(n == 2 && memcmp(s, "=1", 2) == 0, "original: ' dropped");
        n = 3;
        s = ef_csvout_original("'ab", &n);
        OK(n == 3 && memcmp(s, "'ab", 3) == 0, "original: a quote kept");
    }
    ef_buf_reset(&b);
}

/* ef_ascii_prefix against the byte-by-byte rule, at every length and
 * with the stopping byte (NUL, 0x80, 0xff, a UTF-8 lead) at every place
 * of an 8-byte word and past it. */
static void check_ascii_prefix(void)
{
    static const unsigned char stops[] = {0x00, 0x80, 0xff, 0xc3, 0xe2};
    char s[40];
    int bad = 0;

    for (size_t n = 0; n <= 33; n++) {
        for (size_t k = 0; k < n; k++)
            s[k] = (char)(0x01 + (k * 37) % 0x7f); /* 0x01 .. 0x7f */
        if (ef_ascii_prefix(s, n) != n)
            bad++;
        for (size_t at = 0; at < n; at++)
            for (size_t c = 0; c < sizeof stops; c++) {
                char keep = s[at];
                s[at] = (char)stops[c];
                bad += ef_ascii_prefix(s, n) != at;
                s[at] = keep;
            }
    }
    INT_EQ(bad, 0, "ascii prefix: stops at the first NUL or byte >= 0x80");
    /* a 0x01 after a NUL: the borrow of the NUL must not hide it */
    INT_EQ(ef_ascii_prefix("ab\0\001cdefgh", 10), 2, "ascii prefix: NUL");
    INT_EQ(ef_ascii_prefix("\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f", 9), 9,
           "ascii prefix: DEL is ASCII");
}

/* Excel's text formula ="..." taken off an id, and nothing else. */
static void check_unformula(void)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"=\"00123\"", "00123"},        /* zeros kept as text */
        {"=\"A-17\"", "A-17"},          /* any inner text */
        {"=\"0\"", "0"},                /* one character */
        {"=\"\"", ""},                  /* Excel's empty text */
        {"=\"a\"\"b\"", "=\"a\"\"b\""}, /* a quote inside: as it is */
        {"=\"00123", "=\"00123"},       /* no closing quote */
        {"=00123", "=00123"},           /* no quotes */
        {"\"00123\"", "\"00123\""},     /* no = */
        {"'=\"00123\"", "'=\"00123\""}, /* the apostrophe is another's */
        {" =\"00123\"", " =\"00123\""}, /* exactly that form */
        {"=\"00123\" ", "=\"00123\" "},
        {"=T(\"00123\")", "=T(\"00123\")"},
        {"=\"", "=\""},
        {"=", "="},
        {"", ""},
        {"00123", "00123"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i].in);
        const char *s = ef_text_unformula(cases[i].in, &n);
        char got[64], what[80];

        snprintf(got, sizeof got, "%.*s", (int)n, s);
        snprintf(what, sizeof what, "unformula '%s'", cases[i].in);
        STR_EQ(got, cases[i].want, what);
    }
}

void test_util(void)
{
    static const struct {
        double x;
        int d;
        const char *want;
    } fixed[] = {
        {0.0, 3, "0.000"},
        {1.0, 3, "1.000"},
        {0.4404, 4, "0.4404"},
        {-0.4404, 4, "-0.4404"},
        {-0.00001, 4, "0.0000"}, /* no "-0.0000" */
        {0.0625, 3, "0.062"},    /* an exact binary tie: to even */
        {0.0635, 3, "0.064"},    /* 0.0635 is just above in binary */
        {2.5, 0, "2"},
        {1234567.891, 2, "1234567.89"},
        {0.1 + 0.2, 6, "0.300000"},
    };
    char buf[64];
    ef_buf b = EF_BUF_INIT;

    for (size_t i = 0; i < EF_ARRAY_LEN(fixed); i++) {
        ef_fmt_fixed(buf, fixed[i].x, fixed[i].d);
        STR_EQ(buf, fixed[i].want, "ef_fmt_fixed");
    }
    ef_fmt_shortest(buf, sizeof buf, 0.1);
    STR_EQ(buf, "0.1", "shortest 0.1");
    ef_fmt_shortest(buf, sizeof buf, 1.0 / 3);
    STR_EQ(buf, "0.3333333333333333", "shortest 1/3");

    ef_text_tsv_escape(&b, "a\tb\\c\nd\r\0e", 11);
    STR_EQ(ef_buf_cstr(&b), "a\\tb\\\\c\\nd\\re", "tsv escape");
    ef_buf_clear(&b);
    ef_text_tsv_escape(&b, "\x1b[31mred\x07\x7f", 10);
    STR_EQ(ef_buf_cstr(&b), "\\x1b[31mred\\x07\\x7f",
           "tsv: ESC, BEL and DEL cannot drive a terminal");
    ef_buf_clear(&b);
    ef_text_tsv_escape(&b, "x\xffy", 3);
    STR_EQ(ef_buf_cstr(&b), "x\xef\xbf\xbdy", "tsv: invalid UTF-8 repaired");
    ef_buf_clear(&b);
    ef_text_json_string(&b, "say \"hi\"\n\x01\xe2\x82", 12);
    STR_EQ(ef_buf_cstr(&b), "\"say \\\"hi\\\"\\n\\u0001\xef\xbf\xbd\"",
           "json string");
    ef_buf_reset(&b);
    check_term();
    check_ascii_prefix();
    check_unformula();
    check_csvout();

    {
        uint32_t cp;
        /* maximal subparts: E0 80 is two bad bytes, not one */
        INT_EQ(ef_utf8_decode((const unsigned char *)"\xe0\x80", 2, &cp), 1,
               "E0 80: one byte");
        INT_EQ(cp, 0xfffd, "E0 80: U+FFFD");
        INT_EQ(ef_utf8_decode((const unsigned char *)"\xe2\x82\xac", 3, &cp),
               3, "euro sign: 3 bytes");
        INT_EQ(cp, 0x20ac, "euro sign");
        INT_EQ(ef_utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp),
               1, "surrogate rejected");
    }
}
