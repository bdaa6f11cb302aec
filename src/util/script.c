/* script.c - ICU's word breaks and BiDi (see script.h). */
#include "util/script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubidi.h>
#include <unicode/ubrk.h>
#include <unicode/ushape.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/uversion.h>

/* ==== Scripts without spaces ============================================ */

int ef_script_needs_words(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;

    /* by UTF-8 lead and second byte: no decoding on the hot path */
    for (size_t i = 0; i + 2 < n; i++) {
        unsigned char a = u[i], b = u[i + 1];
        if (a < 0xE0)
            continue;
        if ((a == 0xE0 && b >= 0xB8 && b <= 0xBB) ||         /* Thai, Lao */
            (a == 0xE1 && (b <= 0x81 ||                      /* Myanmar, */
                           (b == 0x82 && u[i + 2] < 0xA0) || /* to 109F */
                           b == 0x9E || b == 0x9F)) ||       /* Khmer */
            (a == 0xE2 && b >= 0xBA) ||                      /* CJK radicals */
            (a >= 0xE3 && a <= 0xE9) ||                /* U+3000-U+9FFF */
            (a == 0xEF && ((b >= 0xA4 && b <= 0xAB) || /* compatibility */
                           b >= 0xBC)) ||              /* full width */
            (a == 0xF0 && b >= 0xA0))                  /* CJK ext. B-H */
            return 1;
    }
    return 0;
}

/* ==== Word breaks ======================================================= */

struct ef_words {
    UBreakIterator *bi;
    UText *ut;
};

ef_words *ef_words_new(void)
{
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "", NULL, 0, &st);
    ef_words *w;

    if (U_FAILURE(st))
        return NULL;
    w = ef_xcalloc(1, sizeof *w);
    w->bi = bi;
    return w;
}

void ef_words_version(char *out, size_t n)
{
    UVersionInfo v;
    char s[U_MAX_VERSION_STRING_LENGTH];

    u_getVersion(v);
    u_versionToString(v, s);
    snprintf(out, n, "%s", s);
}

void ef_words_free(ef_words *w)
{
    if (w == NULL)
        return;
    ubrk_close(w->bi);
    utext_close(w->ut);
    free(w);
}

size_t ef_words_split(ef_words *w, const char *s, size_t n, size_t *start,
                      size_t *len, size_t cap)
{
    UErrorCode st = U_ZERO_ERROR;
    size_t count = 0;
    int32_t a, b;

    /* UTF-8 text in place: ICU's indexes are byte offsets */
    w->ut = utext_openUTF8(w->ut, s, (int64_t)n, &st);
    if (U_FAILURE(st))
        return 0;
    ubrk_setUText(w->bi, w->ut, &st);
    if (U_FAILURE(st))
        return 0;
    a = ubrk_first(w->bi);
    while (count < cap && (b = ubrk_next(w->bi)) != UBRK_DONE) {
        if (ubrk_getRuleStatus(w->bi) >= UBRK_WORD_NUMBER) {
            start[count] = (size_t)a;
            len[count++] = (size_t)(b - a);
        }
        a = b;
    }
    return count;
}

/* ==== Visual order ====================================================== */

/* Whether the UTF-16 text holds an Arabic letter (shaping needed). */
static int has_arabic(const UChar *u, int32_t n)
{
    for (int32_t i = 0; i < n; i++)
        if ((u[i] >= 0x0600 && u[i] <= 0x06FF) ||
            (u[i] >= 0x0750 && u[i] <= 0x077F) ||
            (u[i] >= 0x08A0 && u[i] <= 0x08FF))
            return 1;
    return 0;
}

char *ef_script_visual(const char *s, size_t n)
{
    UErrorCode st = U_ZERO_ERROR;
    UChar *u = NULL, *v = NULL;
    UBiDi *bidi = NULL;
    int32_t un = 0, vn, outn = 0;
    char *out = NULL;

    if (n > 0x3FFFFFFF)
        goto copy;
    u = ef_xmalloc((n + 1) * sizeof *u);
    u_strFromUTF8WithSub(u, (int32_t)n + 1, &un, s, (int32_t)n, 0xFFFD, NULL,
                         &st);
    if (U_FAILURE(st))
        goto copy;
    if (has_arabic(u, un)) {
        /* joining forms (the presentation forms fonts carry): ICU works
         * in logical order, before the reordering */
        UChar *shaped = ef_xmalloc((size_t)(un + 1) * sizeof *shaped);
        int32_t sn = u_shapeArabic(u, un, shaped, un + 1,
                                   U_SHAPE_LETTERS_SHAPE |
                                       U_SHAPE_TEXT_DIRECTION_LOGICAL |
                                       U_SHAPE_LENGTH_GROW_SHRINK,
                                   &st);
        if (U_SUCCESS(st)) {
            free(u);
            u = shaped;
            un = sn;
        } else {
            free(shaped);
            st = U_ZERO_ERROR;
        }
    }
    bidi = ubidi_open();
    if (bidi == NULL)
        goto copy;
    ubidi_setPara(bidi, u, un, UBIDI_DEFAULT_LTR, NULL, &st);
    if (U_FAILURE(st))
        goto copy;
    v = ef_xmalloc((size_t)(un + 1) * sizeof *v);
    vn = ubidi_writeReordered(
        bidi, v, un + 1, UBIDI_DO_MIRRORING | UBIDI_REMOVE_BIDI_CONTROLS, &st);
    if (U_FAILURE(st))
        goto copy;
    out = ef_xmalloc((size_t)vn * 3 + 1);
    u_strToUTF8WithSub(out, vn * 3 + 1, &outn, v, vn, 0xFFFD, NULL, &st);
    if (U_FAILURE(st)) {
        free(out);
        out = NULL;
        goto copy;
    }
    out[outn] = '\0';
copy:
    if (out == NULL) {
        out = ef_xmalloc(n + 1);
        memcpy(out, s, n);
        out[n] = '\0';
    }
    ubidi_close(bidi);
    free(u);
    free(v);
    return out;
}
