/* csvout.c - writing CSV (RFC 4180) fields. */
#include "util/csvout.h"

#include <string.h>

#include "util/text.h"

void ef_csvout_field(ef_buf *b, const char *s, size_t n, int first)
{
    const unsigned char *u = (const unsigned char *)s;
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    size_t i;

    if (!first)
        ef_buf_putc(b, ',');
    for (i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (quote)
        ef_buf_putc(b, '"');
    for (i = 0; i < n;) {
        if (u[i] == '"') {
            ef_buf_put(b, "\"\"", 2);
            i++;
        } else if (u[i] < 0x80) {
            size_t j = i;
            while (j < n && u[j] < 0x80 && u[j] != '"')
                j++;
            ef_buf_put(b, s + i, j - i);
            i = j;
        } else {
            i += ef_utf8_put_repaired(b, u + i, n - i);
        }
    }
    if (quote)
        ef_buf_putc(b, '"');
}
