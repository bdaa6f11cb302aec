/* test_ttytext.c - untrusted text on a terminal (ttytext.c): escaping,
 * and wrapping by display width; a table of cases worked out by hand,
 * then random texts checked against the simple rules (no line wider than
 * the screen, no control byte out, nothing lost). */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "util/text.h"
#include "util/ttytext.h"

/* The lines of s wrapped at width, joined by '|'. */
static void wrapped(const char *s, int width, const char *on, const char *off,
                    ef_buf *b)
{
    ef_tty_lines l = {0};
    ef_tty_wrap(s, strlen(s), width, on, off, &l);
    ef_buf_clear(b);
    for (size_t i = 0; i < l.n; i++) {
        if (i)
            ef_buf_putc(b, '|');
        ef_buf_put(b, l.text.data + l.off[i], l.off[i + 1] - l.off[i]);
    }
    ef_buf_cstr(b);
    ef_tty_lines_reset(&l);
}

/* Columns a laid-out line takes (it holds no escape strings). */
static int columns(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += ef_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        w += ef_tty_width(cp);
    }
    return w;
}

static void test_cases(void)
{
    static const struct {
        const char *in;
        int width;
        const char *want;
    } cases[] = {
        {"hello world", 5, "hello|world"},
        {"hello world", 11, "hello world"},
        {"a b c d e", 3, "a b|c d|e"},
        {"abcdefghij", 4, "abcd|efgh|ij"},   /* a word cut */
        {"ab abcdefgh", 4, "ab|abcd|efgh"},  /* moved, then cut */
        {"hello   world", 7, "hello|world"}, /* no space at line start */
        /* 6 CJK characters, 2 columns each: 2 to a 5-column line */
        {"\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97\xe7\xac\xa6\xe5\xbe\x88"
         "\xe9\x95\xbf",
         5,
         "\xe4\xb8\xad\xe6\x96\x87|\xe5\xad\x97\xe7\xac\xa6|\xe5\xbe\x88"
         "\xe9\x95\xbf"},
        /* emoji are 2 wide: U+1F600 x3 at width 4 */
        {"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 4,
         "\xf0\x9f\x98\x80\xf0\x9f\x98\x80|\xf0\x9f\x98\x80"},
        /* e + U+0301 takes one column */
        {"e\xcc\x81"
         "e\xcc\x81"
         "e\xcc\x81",
         2,
         "e\xcc\x81"
         "e\xcc\x81|e\xcc\x81"},
        /* an escape sequence is shown, never sent: ESC is ^[ */
        {"a\x1b[31mb", 20, "a^[[31mb"},
        {"\x1b]0;title\x07", 20, "^[]0;title^G"},
        {"del\x7f", 20, "del^?"},
        /* C1 CSI (U+009B) and a right-to-left override (U+202E) */
        {"\xc2\x9b"
         "31m",
         20, "<U+009B>31m"},
        {"abc\xe2\x80\xae"
         "def",
         20, "abc<U+202E>def"},
        /* line ends: LF, CR LF, CR, U+2028; blank lines kept inside,
           dropped at the end */
        {"a\nb\r\nc\rd\xe2\x80\xa8"
         "e",
         20, "a|b|c|d|e"},
        {"a\n\nb\n\n", 20, "a||b"},
        {"a\tb", 20, "a   b"},
        {"ab\tc", 20, "ab  c"},
        {"\xff"
         "ok",
         20, "\xef\xbf\xbdok"}, /* invalid UTF-8: U+FFFD */
        {"", 20, ""},
    };
    ef_buf b = EF_BUF_INIT;

    for (size_t i = 0; i < EF_ARRAY_LEN(cases); i++) {
        char what[64];
        snprintf(what, sizeof what, "wrap case %zu", i);
        wrapped(cases[i].in, cases[i].width, NULL, NULL, &b);
        STR_EQ(b.data, cases[i].want, what);
    }
    /* escaped characters between the caller's markers, which do not
       count as columns: "a<^[>b" still fits 4 columns */
    wrapped("a\x1b"
            "b",
            4, "<", ">", &b);
    STR_EQ(b.data, "a<^[>b", "escapes marked");
    /* "<U+202E>" is 8 columns: alone on its line at width 8 */
    wrapped("ab\xe2\x80\xae", 8, NULL, NULL, &b);
    STR_EQ(b.data, "ab|<U+202E>", "an escape is as wide as it is shown");

    /* one line: line ends and tabs shown, cut with "..." */
    ef_buf_clear(&b);
    INT_EQ(ef_tty_line(&b, "hello world", 11, 8, NULL, NULL), 8,
           "one line: columns");
    STR_EQ(ef_buf_cstr(&b), "hello...", "one line: cut");
    ef_buf_clear(&b);
    ef_tty_line(&b, "a\nb\tc", 5, 20, NULL, NULL);
    STR_EQ(ef_buf_cstr(&b), "a^Jb^Ic", "one line: LF and TAB escaped");
    ef_buf_clear(&b);
    ef_tty_line(&b, "@evil\x1b[2J", 9, 40, NULL, NULL);
    STR_EQ(ef_buf_cstr(&b), "@evil^[[2J", "one line: ESC escaped");
    ef_buf_reset(&b);
}

/* Random texts of words, CJK, emoji, combining marks, controls and bad
 * bytes, at random widths: no line is wider than the width, no byte
 * below 0x20 or 0x7F comes out, and the text shown, spaces aside, is the
 * whole text (ef_tty_line of it with the white space taken out). */
static void test_random(void)
{
    static const char *const pieces[] = {"word",
                                         "a",
                                         "longerwordthanmost",
                                         " ",
                                         " ",
                                         " ",
                                         "\n",
                                         "\t",
                                         "\xe4\xb8\xad",
                                         "\xf0\x9f\x98\x80",
                                         "e\xcc\x81",
                                         "\x1b[31m",
                                         "\x07",
                                         "\xc2\x9b",
                                         "\xe2\x80\xae",
                                         "\xff",
                                         "\r\n",
                                         "\xef\xbd\x81"};
    uint64_t seed = 12345;
    ef_buf in = EF_BUF_INIT, flat = EF_BUF_INIT, want = EF_BUF_INIT,
           got = EF_BUF_INIT;
    int bad_width = 0, bad_byte = 0, lost = 0;

    for (int round = 0; round < 500; round++) {
        ef_tty_lines l = {0};
        int width;
        ef_buf_clear(&in);
        ef_buf_clear(&flat);
        ef_buf_clear(&want);
        ef_buf_clear(&got);
        for (int k = 0; k < 40; k++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *p = pieces[(seed >> 33) % EF_ARRAY_LEN(pieces)];
            ef_buf_puts(&in, p);
            if (!strchr(" \n\t", p[0]) && strcmp(p, "\r\n") != 0)
                ef_buf_puts(&flat, p);
        }
        width = 8 + (int)((seed >> 20) % 40); /* >= 8: room for <U+XXXX> */
        ef_tty_wrap(in.data, in.len, width, NULL, NULL, &l);
        for (size_t i = 0; i < l.n; i++) {
            const char *s = l.text.data + l.off[i];
            size_t n = l.off[i + 1] - l.off[i];
            bad_width += columns(s, n) > width;
            for (size_t j = 0; j < n; j++) {
                unsigned char c = (unsigned char)s[j];
                bad_byte += c < 0x20 || c == 0x7f;
                if (c != ' ')
                    ef_buf_putc(&got, (char)c);
            }
        }
        ef_tty_line(&want, flat.data ? flat.data : "", flat.len, 1 << 20, NULL,
                    NULL);
        lost += strcmp(ef_buf_cstr(&want), ef_buf_cstr(&got)) != 0;
        ef_tty_lines_reset(&l);
    }
    INT_EQ(bad_width, 0, "random: no line wider than the screen");
    INT_EQ(bad_byte, 0, "random: no control byte reaches the terminal");
    INT_EQ(lost, 0, "random: every character shown");
    ef_buf_reset(&in);
    ef_buf_reset(&flat);
    ef_buf_reset(&want);
    ef_buf_reset(&got);
}

void test_ttytext(void)
{
    char *old = ef_xstrdup(setlocale(LC_CTYPE, NULL));

    ef_tty_init();
    INT_EQ(ef_tty_width(0x4e2d), 2, "width of a CJK character");
    INT_EQ(ef_tty_width(0x1f600), 2, "width of an emoji");
    INT_EQ(ef_tty_width(0x301), 0, "width of a combining mark");
    INT_EQ(ef_tty_width(0x1b), -1, "ESC is escaped");
    INT_EQ(ef_tty_width(0x9b), -1, "CSI (C1) is escaped");
    INT_EQ(ef_tty_width(0x202e), -1, "RLO is escaped");
    test_cases();
    test_random();
    setlocale(LC_CTYPE, old); /* the other groups run in the C locale */
    free(old);
}
