#!/usr/bin/env python3
"""check_png.py FILE WIDTH HEIGHT - exit 0 when FILE is a PNG as the
charts are written (src/render/png.h): the signature; chunks IHDR, pHYs,
IDAT, IEND in that order, each with its CRC right and nothing after IEND;
IHDR of WIDTH x HEIGHT, 8-bit RGB, no interlace; pHYs 9 bytes saying 7559
pixels per metre (192 dpi) both ways, the unit metres; IDAT a zlib stream
that inflates to HEIGHT rows of 1 + 3 WIDTH bytes, each with a filter
type 0-4. Says what is wrong on stderr otherwise."""
import struct
import sys
import zlib


def fail(path, why):
    sys.stderr.write("%s: %s\n" % (path, why))
    sys.exit(1)


def chunks(path, data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(path, "no PNG signature")
    at = 8
    while at < len(data):
        if at + 12 > len(data):
            fail(path, "a chunk cut short at byte %d" % at)
        n, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + n]
        if len(body) != n or at + 12 + n > len(data):
            fail(path, "chunk %r runs past the end" % kind)
        (crc,) = struct.unpack(">I", data[at + 8 + n:at + 12 + n])
        if crc != zlib.crc32(kind + body):
            fail(path, "chunk %r: bad CRC" % kind)
        yield kind.decode("latin-1"), body
        at += 12 + n


def main():
    path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = open(path, "rb").read()
    got = list(chunks(path, data))
    kinds = [k for k, _ in got]
    if kinds != ["IHDR", "pHYs", "IDAT", "IEND"]:
        fail(path, "chunks %s, not IHDR pHYs IDAT IEND" % " ".join(kinds))
    ihdr, phys, idat, iend = (b for _, b in got)
    if len(ihdr) != 13:
        fail(path, "IHDR of %d bytes" % len(ihdr))
    iw, ih, depth, colour, comp, filt, lace = struct.unpack(">IIBBBBB", ihdr)
    if (iw, ih) != (w, h):
        fail(path, "%dx%d, not %dx%d" % (iw, ih, w, h))
    if (depth, colour, comp, filt, lace) != (8, 2, 0, 0, 0):
        fail(path, "not 8-bit RGB, deflate, not interlaced")
    if len(phys) != 9 or struct.unpack(">IIB", phys) != (7559, 7559, 1):
        fail(path, "pHYs %r, not 7559 x 7559 per metre" % phys)
    if iend:
        fail(path, "IEND not empty")
    raw = zlib.decompress(idat)
    row = 1 + 3 * w
    if len(raw) != h * row:
        fail(path, "IDAT inflates to %d bytes, not %d" % (len(raw), h * row))
    if any(raw[y * row] > 4 for y in range(h)):
        fail(path, "a row with a filter type past 4")


main()
