/* palette.h - the colours every output shares (charts, workbook, HTML):
 * the Okabe-Ito palette, safe for the common forms of colour blindness.
 * Negative is always vermillion, positive bluish green, neutral grey. */
#ifndef EF_PALETTE_H
#define EF_PALETTE_H

#define EF_RGB_NEGATIVE 0xD55E00  /* vermillion */
#define EF_RGB_POSITIVE 0x009E73  /* bluish green */
#define EF_RGB_NEUTRAL 0x9A9A9A   /* grey */
#define EF_RGB_ACCENT 0x0072B2    /* blue: NPS, references, links */
#define EF_RGB_HIGHLIGHT 0xE69F00 /* orange: spikes, attention */
#define EF_RGB_INK 0x222222       /* text */
#define EF_RGB_MUTED 0x666666     /* secondary text, axes */
#define EF_RGB_GRID 0xE5E5E5      /* light grid lines */
#define EF_RGB_BAND 0xF6C7A6      /* the negative share's 95% band */

#define EF_HEX_NEGATIVE "#D55E00"
#define EF_HEX_POSITIVE "#009E73"
#define EF_HEX_NEUTRAL "#9A9A9A"
#define EF_HEX_ACCENT "#0072B2"
#define EF_HEX_HIGHLIGHT "#E69F00"

#endif
