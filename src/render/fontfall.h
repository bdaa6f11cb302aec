/* fontfall.h - the font fallback of the charts: which installed font has
 * a glyph that the bundled font (fonts/DejaVuSans.ttf) lacks, asked of
 * fontconfig, so that a Japanese channel name is drawn in Noto Sans CJK
 * rather than as boxes.
 *
 * The answer depends on the fonts installed and fontconfig's settings,
 * never on the order of questions or the locale (the language asked for
 * is fixed): the same machine draws the same chart files. The only
 * module that includes fontconfig.h; thread-safe.
 */
#ifndef EF_RENDER_FONTFALL_H
#define EF_RENDER_FONTFALL_H

#include "util/util.h"

/* Finds the sans-serif font fontconfig prefers for code point cp among
 * those that have a glyph for it: writes its file's path into path (cap
 * bytes) and its face index in that file into *index, and returns 1.
 * Returns 0 when no installed font has the glyph (or the path does not
 * fit). */
int ef_font_fallback(uint32_t cp, char *path, size_t cap, int *index);

/* Lets fontconfig free what it loaded, if ef_font_fallback started it
 * (the next call starts it again). Call when no other thread asks. */
void ef_font_fallback_done(void);

#endif
