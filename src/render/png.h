/* png.h - a PNG writer for the charts' images: flat colour, written
 * fast rather than small (png.c says how).
 *
 * The output is a valid PNG (8-bit RGB, not interlaced, one IDAT chunk,
 * fixed-Huffman deflate that zlib and libpng read back exactly) and the
 * same bytes for the same pixels on every machine: the charts' golden
 * files depend on it. */
#ifndef EF_PNG_H
#define EF_PNG_H

#include <stdint.h>

#include "util/util.h"

/* Appends to out the PNG of the w x h image at px (w, h >= 1): rows of
 * stride bytes (>= 4 w), each pixel a native-endian uint32_t 0x00RRGGBB,
 * cairo's CAIRO_FORMAT_RGB24 (the top byte is not part of the image; it
 * only decides whether a row counts as equal to the one above). Chunks:
 * IHDR, pHYs (dpm pixels per metre both ways), IDAT, IEND. Cannot fail
 * (memory comes from ef_xmalloc). */
void ef_png_encode_rgb24(const unsigned char *px, int w, int h, int stride,
                         uint32_t dpm, ef_buf *out);

#endif
