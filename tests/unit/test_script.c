/* test_script.c - text in other scripts: which runs need ICU's word
 * breaker (the byte gate against a decoding twin), the words it finds,
 * the terms of Japanese and Thai feedback, right-to-left detection and
 * the visual order charts draw. */
#include <stdlib.h>
#include <string.h>

#include "metrics/themes.h"
#include "test.h"
#include "util/script.h"
#include "util/text.h"

/* The slow twin of ef_script_needs_words: decode, then compare ranges. */
static int needs_words_slow(uint32_t cp)
{
    return (cp >= 0x0E00 && cp <= 0x0EFF) || /* Thai, Lao */
           (cp >= 0x1000 && cp <= 0x109F) || /* Myanmar */
           (cp >= 0x1780 && cp <= 0x17FF) || /* Khmer */
           (cp >= 0x2E80 && cp <= 0x9FFF) || /* CJK, kana, punctuation */
           (cp >= 0xF900 && cp <= 0xFAFF) || /* CJK compatibility */
           (cp >= 0xFF00 && cp <= 0xFFFF) || /* full- and half-width */
           (cp >= 0x20000 && cp <= 0x3FFFF); /* CJK extensions */
}

static int has_rtl_slow(uint32_t cp)
{
    return (cp >= 0x0590 && cp <= 0x08FF) || cp == 0x200F || cp == 0x202B ||
           cp == 0x202E || cp == 0x2067 || (cp >= 0xFB1D && cp <= 0xFDFF) ||
           (cp >= 0xFE70 && cp <= 0xFEFF) ||
           (cp >= 0x10800 && cp <= 0x10FFF) ||
           (cp >= 0x1E800 && cp <= 0x1EFFF);
}

void test_script(void)
{
    int bad_words = 0, bad_rtl = 0;
    char s[8];

    /* every code point, alone and after ASCII: the byte gates agree with
     * the decoded ranges */
    for (uint32_t cp = 0x80; cp <= 0x10FFFF; cp++) {
        size_t n;
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        s[0] = 'a';
        n = 1 + ef_utf8_encode(s + 1, cp);
        bad_words += ef_script_needs_words(s, n) != needs_words_slow(cp);
        bad_rtl += ef_utf8_has_rtl(s, n) != has_rtl_slow(cp);
    }
    INT_EQ(bad_words, 0, "needs_words: byte gate = decoded ranges");
    INT_EQ(bad_rtl, 0, "has_rtl: byte gate = decoded ranges");
    OK(!ef_script_needs_words("caf\xc3\xa9 na\xc3\xafve", 12),
       "Latin: no word breaker");

    {
        static const struct {
            const char *text, *want; /* want: the words, "|"-joined */
        } cases[] = {
            /* Japanese: kana and kanji words, particles separate */
            {"サポートの対応が遅すぎて最悪でした terrible",
             "サポート|の|対応|が|遅|すぎ|て|最悪|で|した|terrible"},
            {"iphoneの画面", "iphone|の|画面"},
            /* Thai has no spaces either */
            {"ร้านนี้อาหารอร่อยมาก", "ร้าน|นี้|อาหาร|อร่อย|มาก"},
            /* punctuation and spaces are not words */
            {"「最悪」！ 2024年", "最悪|2024|年"},
        };
        ef_words *w = ef_words_new();
        size_t st[64], ln[64];
        OK(w != NULL, "ICU opens a word breaker");
        for (size_t i = 0; w && i < EF_ARRAY_LEN(cases); i++) {
            const char *t = cases[i].text;
            size_t k = ef_words_split(w, t, strlen(t), st, ln, 64);
            ef_buf b = EF_BUF_INIT;
            for (size_t j = 0; j < k; j++)
                ef_buf_printf(&b, "%s%.*s", j ? "|" : "", (int)ln[j],
                              t + st[j]);
            STR_EQ(ef_buf_cstr(&b), cases[i].want, t);
            ef_buf_reset(&b);
        }
        ef_words_free(w);
    }

    {
        /* the terms of feedback: hiragana-only words (particles and
         * endings) left out, English as before */
        static const struct {
            const char *text, *want;
            int words;
        } cases[] = {
            {"サポートの対応が遅すぎて最悪でした terrible",
             "サポート|対応|遅|最悪|terrible", 5},
            {"注文した商品が届かない。返金もされない awful",
             "注文|商品|届|返金|awful", 5},
            {"The battery died, terrible support",
             "battery|died|terrible|"
             "support",
             5},
        };
        ef_terms *t = ef_terms_new();
        for (size_t i = 0; i < EF_ARRAY_LEN(cases); i++) {
            const char *const *term;
            const size_t *len;
            int ab, nw;
            size_t k = ef_terms_split(t, cases[i].text, strlen(cases[i].text),
                                      &term, &len, &ab, &nw);
            ef_buf b = EF_BUF_INIT;
            for (size_t j = 0; j < k; j++)
                ef_buf_printf(&b, "%s%.*s", j ? "|" : "", (int)len[j],
                              term[j]);
            STR_EQ(ef_buf_cstr(&b), cases[i].want, cases[i].text);
            INT_EQ(nw, cases[i].words, cases[i].text);
            ef_buf_reset(&b);
        }
        ef_terms_free(t);
    }

    {
        /* visual order, for drawing left to right */
        static const struct {
            const char *logical, *visual;
        } cases[] = {
            {"abc", "abc"},
            {"שלום", "םולש"},               /* reversed */
            {"שרה: 63", "63 :הרש"},         /* a Hebrew paragraph */
            {"(א)", "(א)"},                 /* mirrored, then reversed */
            {"abc אבג def", "abc גבא def"}, /* a run inside English */
            /* isolated: the name's neighbours stay in English order */
            {"Shop \xE2\x81\xA8שרה\xE2\x81\xA9 (12%)", "Shop הרש (12%)"},
            /* Arabic: joining forms, then reversed */
            {"سلام", "\xef\xbb\xa1\xef\xbb\xbc\xef\xba\xb3"},
        };
        for (size_t i = 0; i < EF_ARRAY_LEN(cases); i++) {
            char *v =
                ef_script_visual(cases[i].logical, strlen(cases[i].logical));
            STR_EQ(v, cases[i].visual, cases[i].logical);
            free(v);
        }
    }
}
