/* csvout.c - writing CSV (RFC 4180) fields for people. */
#include "util/csvout.h"

#include <string.h>

#include "util/text.h"

/* A plain decimal number: [+-] digits [. digits] [e [+-] digits]. */
static int is_number(const char *s, size_t n)
{
    size_t i = 0, digits = 0;

    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (digits == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t e0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        for (e0 = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            ;
        if (i == e0)
            return 0;
    }
    return i == n;
}

int ef_csvout_is_formula(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\0'))
        i++;
    if (i == n || !strchr("=+-@\t\r", s[i]))
        return 0;
    return !is_number(s + i, n - i);
}

const char *ef_csvout_original(const char *s, size_t *n)
{
    if (*n > 1 && s[0] == '\'' && ef_csvout_is_formula(s + 1, *n - 1)) {
        (*n)--;
        return s + 1;
    }
    return s;
}

void ef_csvout_field(ef_buf *b, const char *s, size_t n, int first)
{
    const unsigned char *u = (const unsigned char *)s;
    int formula = ef_csvout_is_formula(s, n);
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    size_t i;

    if (!first)
        ef_buf_putc(b, ',');
    for (i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (quote)
        ef_buf_putc(b, '"');
    if (formula)
        ef_buf_putc(b, '\'');
    for (i = 0; i < n;) {
        if (u[i] == '"') {
            ef_buf_put(b, "\"\"", 2);
            i++;
        } else if (u[i] == '\0') {
            i++; /* dropped: a NUL ends the field in many readers */
        } else if (u[i] < 0x80) {
            size_t j = i;
            while (j < n && u[j] < 0x80 && u[j] != '"' && u[j] != '\0')
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
