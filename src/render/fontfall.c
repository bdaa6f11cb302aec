/* fontfall.c - a font for a glyph the bundled font lacks (fontfall.h). */
#include "render/fontfall.h"

#include <pthread.h>
#include <string.h>

#include <fontconfig/fontconfig.h>

#include "util/util.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int started; /* FcInit was called (and FcFini not since) */

int ef_font_fallback(uint32_t cp, char *path, size_t cap, int *index)
{
    FcPattern *pat, *match = NULL;
    FcCharSet *cs, *has = NULL;
    FcResult res;
    FcChar8 *file = NULL;
    int found = 0, idx = 0;

    pthread_mutex_lock(&lock);
    /* fontconfig may say something on stderr (a broken configuration):
     * not while the workbook catches the library's messages there */
    ef_stderr_lock();
    if (!FcInit())
        goto out;
    started = 1;
    pat = FcPatternCreate();
    cs = FcCharSetCreate();
    FcCharSetAddChar(cs, cp);
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"sans-serif");
    FcPatternAddCharSet(pat, FC_CHARSET, cs);
    /* a fixed language: $LANG must not change the chart files */
    FcPatternAddString(pat, FC_LANG, (const FcChar8 *)"en");
    FcPatternAddInteger(pat, FC_WEIGHT, FC_WEIGHT_REGULAR);
    FcPatternAddInteger(pat, FC_SLANT, FC_SLANT_ROMAN);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    match = FcFontMatch(NULL, pat, &res);
    FcPatternDestroy(pat);
    FcCharSetDestroy(cs);
    /* the best match may still lack the glyph: then there is none */
    if (match &&
        FcPatternGetCharSet(match, FC_CHARSET, 0, &has) == FcResultMatch &&
        FcCharSetHasChar(has, cp) &&
        FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
        strlen((const char *)file) < cap) {
        if (FcPatternGetInteger(match, FC_INDEX, 0, &idx) != FcResultMatch)
            idx = 0;
        strcpy(path, (const char *)file);
        *index = idx;
        found = 1;
    }
    if (match)
        FcPatternDestroy(match);
out:
    ef_stderr_unlock();
    pthread_mutex_unlock(&lock);
    return found;
}

void ef_font_fallback_done(void)
{
    pthread_mutex_lock(&lock);
    if (started)
        FcFini();
    started = 0;
    pthread_mutex_unlock(&lock);
}
