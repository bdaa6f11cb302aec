/* ttytext.c - untrusted text laid out for a terminal screen: escaped
 * where it could act on the terminal, wrapped by display width. */
#include "util/ttytext.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/text.h"

static int have_widths; /* C.UTF-8's wcwidth is in use */

void ef_tty_init(void)
{
    have_widths = setlocale(LC_CTYPE, "C.UTF-8") != NULL ||
                  setlocale(LC_CTYPE, "C.utf8") != NULL;
}

/* Controls that reorder the text shown around them (Unicode's bidi
 * embeddings, overrides, isolates and marks). */
static int is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

int ef_tty_width(uint32_t cp)
{
    int w;

    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || is_bidi_control(cp))
        return -1;
    if (cp < 0x7f)
        return 1;
    if (!have_widths)
        return 1;
    w = wcwidth((wchar_t)cp);
    return w < 0 ? -1 : w > 2 ? 2 : w;
}

/* ==== Units: what one character (or CR LF) becomes ====================== */

enum { U_CHAR, U_SPACE, U_BREAK, U_TAB };

typedef struct {
    char b[16]; /* what to show */
    size_t len;
    int w;   /* its columns */
    int esc; /* shown escaped */
    int kind;
} unit;

static void escaped(unit *u, uint32_t cp)
{
    u->esc = 1;
    u->kind = U_CHAR;
    if (cp < 0x20 || cp == 0x7f) {
        u->b[0] = '^';
        u->b[1] = (char)(cp ^ 0x40); /* ESC -> ^[, BEL -> ^G, DEL -> ^? */
        u->len = 2;
    } else {
        u->len = (size_t)snprintf(u->b, sizeof u->b, "<U+%04X>", (unsigned)cp);
    }
    u->w = (int)u->len;
}

/* Reads the unit at s[i]; wrap: line ends and tabs are layout, else they
 * are escaped. Returns the bytes used. */
static size_t next_unit(const char *s, size_t n, size_t i, int wrap, unit *u)
{
    const unsigned char *p = (const unsigned char *)s + i;
    uint32_t cp;
    size_t k = ef_utf8_decode(p, n - i, &cp);
    int w;

    memset(u, 0, sizeof *u);
    if (wrap && (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029)) {
        u->kind = U_BREAK;
        if (cp == '\r' && i + 1 < n && s[i + 1] == '\n')
            k++;
        return k;
    }
    if (wrap && cp == '\t') {
        u->kind = U_TAB;
        return k;
    }
    if (cp == ' ') {
        u->kind = U_SPACE;
        u->b[0] = ' ';
        u->len = 1;
        u->w = 1;
        return k;
    }
    w = ef_tty_width(cp);
    if (w < 0 || cp == 0x2028 || cp == 0x2029) {
        escaped(u, cp);
        return k;
    }
    u->kind = U_CHAR;
    u->len = ef_utf8_encode(u->b, cp);
    u->w = w;
    return k;
}

static void put_unit(ef_buf *b, const unit *u, const char *on, const char *off)
{
    if (u->esc && on)
        ef_buf_puts(b, on);
    ef_buf_put(b, u->b, u->len);
    if (u->esc && off)
        ef_buf_puts(b, off);
}

/* ==== Wrapping ========================================================== */

static void emit(ef_tty_lines *out, const char *p, size_t len)
{
    while (len > 0 && p[len - 1] == ' ')
        len--;
    if (out->n + 2 > out->cap) {
        out->cap = out->cap ? 2 * out->cap : 16;
        out->off = ef_xrealloc(out->off, out->cap * sizeof *out->off);
    }
    if (out->n == 0)
        out->off[0] = out->text.len;
    ef_buf_put(&out->text, p, len);
    out->off[++out->n] = out->text.len;
}

void ef_tty_wrap(const char *s, size_t n, int width, const char *esc_on,
                 const char *esc_off, ef_tty_lines *out)
{
    ef_buf line = EF_BUF_INIT;
    size_t i = 0, bp = 0, first = out->n;
    int lw = 0, bpw = 0;

    if (width < 1)
        width = 1;
    while (i < n) {
        unit u;
        i += next_unit(s, n, i, 1, &u);
        if (u.kind == U_BREAK) {
            emit(out, line.data, line.len);
            ef_buf_clear(&line);
            lw = 0;
            bp = 0;
            continue;
        }
        if (u.kind == U_TAB) {
            u.kind = U_SPACE;
            u.w = 4 - lw % 4;
            u.len = (size_t)u.w;
            memset(u.b, ' ', u.len);
        }
        if (lw + u.w > width && lw > 0 && u.kind == U_SPACE) {
            /* the line ends at this space */
            emit(out, line.data, line.len);
            ef_buf_clear(&line);
            lw = 0;
            bp = 0;
            continue;
        }
        if (lw + u.w > width && lw > 0) {
            if (bp > 0) {
                /* the words before the last space end the line */
                size_t rest = line.len - bp;
                emit(out, line.data, bp);
                memmove(line.data, line.data + bp, rest);
                line.len = rest;
                lw -= bpw;
                bp = 0;
            }
            if (lw + u.w > width && lw > 0) {
                /* a word longer than a line: cut it */
                emit(out, line.data, line.len);
                ef_buf_clear(&line);
                lw = 0;
            }
        }
        put_unit(&line, &u, esc_on, esc_off);
        lw += u.w;
        if (u.kind == U_SPACE) {
            bp = line.len;
            bpw = lw;
        }
    }
    if (line.len > 0)
        emit(out, line.data, line.len);
    /* no blank lines at the end */
    while (out->n > first && out->off[out->n] == out->off[out->n - 1])
        out->n--;
    if (out->n > 0)
        out->text.len = out->off[out->n];
    ef_buf_reset(&line);
}

int ef_tty_line(ef_buf *out, const char *s, size_t n, int width,
                const char *esc_on, const char *esc_off)
{
    size_t i = 0;
    int total = 0, cw = 0, room;
    unit u;

    while (i < n) {
        i += next_unit(s, n, i, 0, &u);
        total += u.w;
    }
    room = total <= width ? width : width - 3;
    for (i = 0; i < n;) {
        i += next_unit(s, n, i, 0, &u);
        if (cw + u.w > room)
            break;
        put_unit(out, &u, esc_on, esc_off);
        cw += u.w;
    }
    if (total > width && width >= 3) {
        ef_buf_puts(out, "...");
        cw += 3;
    }
    return cw;
}

void ef_tty_lines_reset(ef_tty_lines *out)
{
    ef_buf_reset(&out->text);
    free(out->off);
    memset(out, 0, sizeof *out);
}
