/* test_util.c - number formatting and the escaping of untrusted text. */
#include <string.h>

#include "test.h"
#include "util/text.h"
#include "util/util.h"

void test_util(void)
{
    static const struct {
        double x;
        int d;
        const char *want;
    } fixed[] = {
        {0.0, 3, "0.000"},       {1.0, 3, "1.000"},
        {0.4404, 4, "0.4404"},   {-0.4404, 4, "-0.4404"},
        {-0.00001, 4, "0.0000"}, /* no "-0.0000" */
        {0.0625, 3, "0.062"},    /* an exact binary tie: to even */
        {0.0635, 3, "0.064"},    /* 0.0635 is just above in binary */
        {2.5, 0, "2"},           {1234567.891, 2, "1234567.89"},
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
    ef_text_tsv_escape(&b, "x\xffy", 3);
    STR_EQ(ef_buf_cstr(&b), "x\xef\xbf\xbdy", "tsv: invalid UTF-8 repaired");
    ef_buf_clear(&b);
    ef_text_json_string(&b, "say \"hi\"\n\x01\xe2\x82", 12);
    STR_EQ(ef_buf_cstr(&b), "\"say \\\"hi\\\"\\n\\u0001\xef\xbf\xbd\"",
           "json string");
    ef_buf_reset(&b);

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
