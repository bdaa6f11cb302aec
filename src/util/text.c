/* text.c - UTF-8 decoding and escaping of untrusted text. */
#include "util/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

size_t ef_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t need, i;
    uint32_t v, lo = 0x80, hi = 0xbf;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        v = c & 0x0f;
        if (c == 0xe0)
            lo = 0xa0; /* no overlong forms */
        else if (c == 0xed)
            hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        v = c & 0x07;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f; /* nothing above U+10FFFF */
    } else {
        *cp = 0xfffd;
        return 1;
    }
    for (i = 1; i <= need; i++) {
        if (i >= n || s[i] < lo || s[i] > hi) {
            *cp = 0xfffd;
            return i;
        }
        v = v << 6 | (s[i] & 0x3f);
        lo = 0x80;
        hi = 0xbf;
    }
    *cp = v;
    return need + 1;
}

size_t ef_ascii_prefix(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, u + i, 8);
        /* a byte 0 borrows into its high bit; a byte >= 0x80 has it set */
        if (((v - ones) | v) & high)
            break;
    }
    while (i < n && u[i] != 0 && u[i] < 0x80)
        i++;
    return i;
}

size_t ef_utf8_encode(char *out, uint32_t cp)
{
    unsigned char *o = (unsigned char *)out;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xc0 | cp >> 6);
        o[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xe0 | cp >> 12);
        o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | cp >> 18);
    o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

size_t ef_utf8_put_repaired(ef_buf *b, const unsigned char *s, size_t n)
{
    uint32_t cp;
    size_t k = ef_utf8_decode(s, n, &cp);
    if (cp == 0xfffd && !(k == 3 && s[0] == 0xef))
        ef_buf_put(b, "\xef\xbf\xbd", 3);
    else
        ef_buf_put(b, s, k);
    return k;
}

const char *ef_text_trim(const char *s, size_t *n)
{
    while (*n > 0 && isspace((unsigned char)*s)) {
        s++;
        (*n)--;
    }
    while (*n > 0 && isspace((unsigned char)s[*n - 1]))
        (*n)--;
    return s;
}

const char *ef_text_unformula(const char *s, size_t *n)
{
    if (*n < 3 || s[0] != '=' || s[1] != '"' || s[*n - 1] != '"' ||
        memchr(s + 2, '"', *n - 3) != NULL)
        return s;
    *n -= 3;
    return s + 2;
}

void ef_text_tsv_escape(ef_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    ef_buf_grow(b, n);
    while (i < n) {
        size_t j = i;
        while (j < n && u[j] >= 0x20 && u[j] < 0x7f && u[j] != '\\')
            j++;
        ef_buf_put(b, s + i, j - i);
        if (j == n)
            break;
        i = j;
        switch (u[i]) {
        case '\\': ef_buf_put(b, "\\\\", 2); break;
        case '\t': ef_buf_put(b, "\\t", 2); break;
        case '\n': ef_buf_put(b, "\\n", 2); break;
        case '\r': ef_buf_put(b, "\\r", 2); break;
        case 0: break;
        default:
            if (u[i] >= 0x80) {
                i += ef_utf8_put_repaired(b, u + i, n - i);
                continue;
            }
            ef_buf_printf(b, "\\x%02x", u[i]); /* ESC, BEL, DEL... */
        }
        i++;
    }
}

void ef_text_json_string(ef_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    ef_buf_grow(b, n + 2);
    ef_buf_putc(b, '"');
    while (i < n) {
        size_t j = i;
        while (j < n && u[j] >= 0x20 && u[j] < 0x80 && u[j] != '"' &&
               u[j] != '\\')
            j++;
        ef_buf_put(b, s + i, j - i);
        if (j == n)
            break;
        i = j;
        switch (u[i]) {
        case '"': ef_buf_put(b, "\\\"", 2); break;
        case '\\': ef_buf_put(b, "\\\\", 2); break;
        case '\n': ef_buf_put(b, "\\n", 2); break;
        case '\r': ef_buf_put(b, "\\r", 2); break;
        case '\t': ef_buf_put(b, "\\t", 2); break;
        default:
            if (u[i] >= 0x80) {
                i += ef_utf8_put_repaired(b, u + i, n - i);
                continue;
            }
            ef_buf_printf(b, "\\u%04x", u[i]);
        }
        i++;
    }
    ef_buf_putc(b, '"');
}

int ef_utf8_has_rtl(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        uint32_t cp;
        if (u[i] < 0xD6) { /* ASCII and U+0000-U+057F: no RTL */
            i += u[i] < 0x80 ? 1 : ef_utf8_decode(u + i, n - i, &cp);
            continue;
        }
        i += ef_utf8_decode(u + i, n - i, &cp);
        if ((cp >= 0x0590 && cp <= 0x08FF) || cp == 0x200F || cp == 0x202B ||
            cp == 0x202E || cp == 0x2067 || (cp >= 0xFB1D && cp <= 0xFDFF) ||
            (cp >= 0xFE70 && cp <= 0xFEFF) ||
            (cp >= 0x10800 && cp <= 0x10FFF) ||
            (cp >= 0x1E800 && cp <= 0x1EFFF))
            return 1;
    }
    return 0;
}

/* Whether cp, shown raw, could change what a terminal shows around it:
 * C1 controls (U+009B is CSI on some terminals) and the bidirectional
 * marks, embeddings, overrides and isolates. */
static int term_unsafe(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
           cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

void ef_text_term_escape(ef_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    ef_buf_grow(b, n);
    while (i < n) {
        size_t j = i, k;
        uint32_t cp;
        while (j < n && u[j] >= 0x20 && u[j] < 0x7f)
            j++;
        ef_buf_put(b, s + i, j - i);
        if (j == n)
            break;
        i = j;
        if (u[i] < 0x80) {
            ef_buf_printf(b, "\\x%02x", u[i]);
            i++;
            continue;
        }
        k = ef_utf8_decode(u + i, n - i, &cp);
        if (cp == 0xfffd && !(k == 3 && u[i] == 0xef)) {
            for (size_t m = 0; m < k; m++) /* the bytes themselves */
                ef_buf_printf(b, "\\x%02x", u[i + m]);
        } else if (term_unsafe(cp)) {
            ef_buf_printf(b, "\\u%04x", (unsigned)cp);
        } else {
            ef_buf_put(b, s + i, k);
        }
        i += k;
    }
}

char *ef_text_clean(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    ef_buf b = EF_BUF_INIT;
    char tmp[4];
    char *out;

    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += ef_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            cp = ' ';
        else if (cp == 0xFFFE || cp == 0xFFFF)
            cp = 0xFFFD;
        ef_buf_put(&b, tmp, ef_utf8_encode(tmp, cp));
    }
    out = ef_xstrdup(ef_buf_cstr(&b));
    ef_buf_reset(&b);
    return out;
}

char *ef_text_isolate(const char *name)
{
    char *c = ef_text_clean(name);
    size_t n = strlen(c);
    char *out = ef_xmalloc(n + 7);

    memcpy(out, "\xE2\x81\xA8", 3);
    memcpy(out + 3, c, n);
    memcpy(out + 3 + n, "\xE2\x81\xA9", 4);
    free(c);
    return out;
}

char *ef_text_clip(const char *s, size_t max)
{
    char *c = ef_text_clean(s);
    size_t chars = 0;
    for (size_t i = 0; c[i]; i++) {
        if (((unsigned char)c[i] & 0xC0) == 0x80)
            continue;
        if (++chars == max) { /* is more to come after this one? */
            size_t e = i + 1;
            while (((unsigned char)c[e] & 0xC0) == 0x80)
                e++;
            if (c[e] != '\0') {
                c = ef_xrealloc(c, i + 4);
                memcpy(c + i, "\xE2\x80\xA6", 4);
            }
            break;
        }
    }
    return c;
}
