/* xlsx.c - the Excel workbook, written with libxlsxwriter (the only file
 * that includes xlsxwriter.h).
 *
 * libxlsxwriter's constant-memory mode is a workbook option, so every
 * sheet is written row by row, in increasing row order, and a row's cells
 * cannot be touched once a later row was started. The row sheets (Data,
 * Negative) fit that naturally. The model sheets are created at open, so
 * that they come before Data in the file (sheet order is creation order),
 * and filled at finish, each top to bottom. What constant-memory mode
 * rules out is merged cells (so the headline is wrapped by hand into
 * several rows) and random access to cells; charts, defined names,
 * conditional formats, data validation, autofilters and hyperlinks are
 * stored apart from the cells and work.
 *
 * Negative items are spilled to an unlinked temporary file as binary
 * records while the rows stream by, those that are among the
 * xlsx_negative_rows most negative so far: a max-heap of (compound,
 * offset) keys holds the current candidates, so an item less negative than
 * the heap's top is not written at all. Finish sorts the keys and writes
 * the records most negative first, ties in input order.
 *
 * Every text goes through xlsx_clean(): written with worksheet_write_string
 * (an inline string: never a formula, whatever its first character),
 * invalid UTF-8 repaired, characters XML 1.0 forbids dropped, a literal
 * "_xHHHH_" escaped so that Excel does not decode it, and cut at 32,767
 * UTF-16 code units (Excel's limit) with a marker.
 */
#include "render/xlsx.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "input/datetime.h"
#include "metrics/calibrate.h"
#include "metrics/headline.h"
#include "render/findings.h"
#include "render/palette.h"
#include "util/text.h"

#define MAX_ROWS 1048576u /* rows in a sheet, the header included */
#define MAX_CELL 32767u   /* UTF-16 code units in a cell */
#define MAX_URL 2079u     /* characters in a hyperlink */
#define CUT_MARK "\xe2\x80\xa6 [cut]"
#define CUT_UNITS 7u        /* UTF-16 code units of CUT_MARK */
#define HEADLINE_WIDTH 110  /* characters per Summary headline row */
#define MAX_ROW_LINES 27    /* lines of 15 pt in Excel's tallest row */
#define EXCEL_EPOCH 25569.0 /* 1970-01-01 as an Excel serial date */
#define INPUT_TINT 0xFFF4D6 /* the fill of the cells the team fills in */
/* chart_series_set_points counts the points in a uint16_t: past this it
 * loops for ever */
#define XLSX_MAX_POINTS 65535u

/* ==== Formats =========================================================== */

enum {
    F_NONE,       /* General */
    F_HEADER,     /* a table's header row */
    F_HEADER_NUM, /* the same, right-aligned above numbers */
    F_TITLE,      /* the Summary's first cell */
    F_SECTION,    /* a heading inside a sheet */
    F_WRAP,       /* long text, wrapped, top-aligned */
    F_MUTED,      /* notes */
    F_DATE,       /* 2025-03-31 */
    F_DATETIME,   /* 2025-03-31 14:22 */
    F_INT,        /* 12,345 */
    F_PCT,        /* 12.3% */
    F_DEC1,       /* 12.3 */
    F_DEC2,       /* 12.34 */
    F_DEC3,       /* 0.123 */
    F_DEC4,       /* -0.4215 */
    F_PVAL,       /* 0.0012, "<0.0001" */
    F_INPUT,      /* a cell for the team to fill in */
    F_TOP,        /* the Repair queue's cells: top-aligned, */
    F_TOP_LINK,   /* and its hyperlinks */
    F_CF_MUTED,   /* conditional format: too few to call */
    F_CF_BOLD,    /* conditional format: a spike */
    F_COUNT
};

/* A column of a sheet: its header, its width (in characters; at least
 * what the header needs) and whether it holds numbers (the header is then
 * right-aligned, as the numbers are). */
typedef struct {
    const char *name;
    double width;
    int num;
} col_spec;

/* ==== The row sheets ==================================================== */

/* Data columns. */
enum {
    D_DATE,
    D_CHANNEL,
    D_AUTHOR,
    D_TEXT,
    D_CLASS,
    D_COMPOUND,
    D_NEG,
    D_NEU,
    D_POS,
    D_RATING,
    D_NPS,
    D_RESPONDED,
    D_LABEL,
    D_SEGMENT,
    D_URL,
    D_ID,
    D_FILE,
    D_LINE,
    D_NCOLS
};

static const col_spec data_cols[D_NCOLS] = {
    {"Date", 17, 0},    {"Channel", 12, 0}, {"Author", 18, 0},
    {"Text", 70, 0},    {"Class", 10, 0},   {"Compound", 10, 1},
    {"Negative", 9, 1}, {"Neutral", 9, 1},  {"Positive", 9, 1},
    {"Rating", 7, 1},   {"NPS", 6, 1},      {"Responded", 17, 0},
    {"Label", 10, 0},   {"Segment", 14, 0}, {"URL", 30, 0},
    {"ID", 14, 0},      {"File", 20, 0},    {"Line", 8, 1}};

/* Negative columns. */
enum {
    N_COMPOUND,
    N_DATE,
    N_CHANNEL,
    N_AUTHOR,
    N_TEXT,
    N_NEG,
    N_NEU,
    N_POS,
    N_RATING,
    N_NPS,
    N_RESPONDED,
    N_URL,
    N_ID,
    N_FILE,
    N_LINE,
    N_NCOLS
};

static const col_spec neg_cols[N_NCOLS] = {
    {"Compound", 10, 1}, {"Date", 17, 0},      {"Channel", 12, 0},
    {"Author", 18, 0},   {"Text", 70, 0},      {"Negative", 9, 1},
    {"Neutral", 9, 1},   {"Positive", 9, 1},   {"Rating", 7, 1},
    {"NPS", 6, 1},       {"Responded", 17, 0}, {"URL", 30, 0},
    {"ID", 14, 0},       {"File", 20, 0},      {"Line", 8, 1}};

/* Rows per sheet, the header included: Excel's limit (lower in tests). */
EF_STATIC uint32_t xlsx_row_limit = MAX_ROWS;

/* Rows of the Negative sheet: EF_XLSX_NEGATIVE_ROWS (lower in tests). */
EF_STATIC size_t xlsx_negative_rows = EF_XLSX_NEGATIVE_ROWS;

/* A sheet that continues on "Name (2)", ... when it fills up. */
typedef struct {
    const char *base; /* "Data" */
    const col_spec *cols;
    size_t ncols;
    lxw_worksheet *ws; /* the current part, NULL before the first */
    unsigned part;     /* 1 for "Data", 2 for "Data (2)", ... */
    lxw_row_t row;     /* the next row to write */
} row_sheet;

/* A negative item in the spill file; the strings follow it. */
typedef struct {
    double compound, neg, neu, pos;
    int64_t date, responded;
    uint64_t line;
    int32_t rating, nps;
    uint32_t source; /* index in ef_xlsx.sources */
    uint32_t len[5]; /* text, channel, author, url, id */
} spill_rec;

typedef struct {
    double compound;
    uint64_t off; /* of the record in the spill file */
} spill_key;

struct ef_xlsx {
    lxw_workbook *wb;
    char *path, *tmpdir;
    int data_sheet;
    int64_t created;
    char *title; /* --title, or NULL */
    ef_thresholds thr;
    const ef_tz *tz; /* row dates in this zone (NULL: UTC) */
    int finished, created_file;
    lxw_error lerr; /* the first libxlsxwriter error */
    lxw_format *f[F_COUNT];

    lxw_worksheet *summary, *trend, *channels, *themes, *spikes, *repair;
    row_sheet data, negative;
    int file_col;                /* the row sheets have a File column */
    col_spec data_spec[D_NCOLS]; /* the columns written, File or not */
    col_spec neg_spec[N_NCOLS];

    FILE *spill;
    uint64_t spill_off;
    spill_key *keys; /* a max-heap: the least negative candidate first */
    size_t nkeys, capkeys;
    uint64_t negatives; /* negative rows added, spilled or not */
    char **sources;     /* distinct item sources, for the spill */
    size_t nsources;
    const char *last_src; /* the pointer last seen, and its index */
    uint32_t last_idx;

    ef_xlsx_label_row *to_label; /* --label-sample rows (copied) */
    size_t nto_label;

    char **bufs; /* stdio buffers given to the sheets' temporary files */
    size_t nbufs;
    FILE **tmps; /* those files, checked for write errors */
    size_t ntmps;
    char *spill_buf; /* the spill's buffer */
    char said[256];  /* what libxlsxwriter said when a sheet failed */
    uint64_t rows;   /* rows added, for the periodic check */
    ef_buf clean;    /* scratch for xlsx_clean() */
    ef_buf rec;      /* scratch for spill records */
};

/* ==== Cell text ========================================================= */

/* Whether s[i..] (n bytes in all) is "_xHHHH_", which Excel would decode
 * as an escaped character. */
static int xml_escape_at(const unsigned char *s, size_t i, size_t n)
{
    static const char hex[] = "0123456789abcdefABCDEF";

    if (i + 7 > n || s[i + 1] != 'x' || s[i + 6] != '_')
        return 0;
    for (size_t k = 2; k < 6; k++)
        if (s[i + k] == '\0' || strchr(hex, s[i + k]) == NULL)
            return 0;
    return 1;
}

/* One piece of cleaned text: bytes to append and their UTF-16 length. */
typedef struct {
    const char *p;
    size_t len, units, used; /* used: input bytes consumed */
    int changed;             /* the piece differs from the input */
} piece;

static const char replacement[] = "\xef\xbf\xbd";

/* Cleans the character at s[i] (n bytes in all) into *pc. */
static void next_piece(const unsigned char *s, size_t i, size_t n, piece *pc)
{
    unsigned char c = s[i];
    uint32_t cp;
    size_t k;

    pc->p = (const char *)s + i;
    pc->used = pc->len = 1;
    pc->units = 1;
    pc->changed = 0;
    if (c >= 0x20 && c < 0x80) {
        if (c == '_' && xml_escape_at(s, i, n)) {
            pc->p = "_x005F_"; /* Excel reads this as "_" */
            pc->len = 7;
            pc->changed = 1;
        }
        return;
    }
    if (c < 0x20) {
        pc->changed = c != '\t' && c != '\n';
        if (c == '\r') { /* CR LF and lone CR become LF */
            pc->p = "\n";
            if (i + 1 < n && s[i + 1] == '\n')
                pc->used = 2;
        } else if (pc->changed) {
            pc->len = pc->units = 0; /* XML 1.0 cannot hold it */
        }
        return;
    }
    k = ef_utf8_decode(s + i, n - i, &cp);
    pc->used = pc->len = k;
    if (cp == 0xfffd && (k != 3 || memcmp(s + i, replacement, 3) != 0)) {
        pc->p = replacement; /* invalid UTF-8 */
        pc->len = 3;
        pc->changed = 1;
    } else if (cp == 0xfffe || cp == 0xffff) {
        pc->len = pc->units = 0; /* not XML characters */
        pc->changed = 1;
    } else if (cp > 0xffff) {
        pc->units = 2; /* a surrogate pair in Excel's UTF-16 */
    }
}

/* Makes n bytes of untrusted text at s (s[n] must be readable) safe for
 * a cell. Returns s itself when it needs nothing, else the cleaned text
 * in b (valid until b's next use). */
EF_STATIC const char *xlsx_clean(const char *s, size_t n, ef_buf *b)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, units = 0, budget, used = 0;
    int dirty = s[n] != '\0';
    piece pc;

    /* The common case: plain text, checked without copying. */
    while (i < n) {
        unsigned char c = u[i];
        if (c >= 0x20 && c < 0x80 && c != '_') {
            units++;
            i++;
            continue;
        }
        next_piece(u, i, n, &pc);
        dirty |= pc.changed;
        units += pc.units;
        i += pc.used;
    }
    if (!dirty && units <= MAX_CELL)
        return s;

    budget = units > MAX_CELL ? MAX_CELL - CUT_UNITS : units;
    ef_buf_clear(b);
    ef_buf_grow(b, n < 4 * MAX_CELL ? n + 16 : 4 * MAX_CELL + 16);
    for (i = 0; i < n; i += pc.used) {
        next_piece(u, i, n, &pc);
        if (used + pc.units > budget)
            break;
        ef_buf_put(b, pc.p, pc.len);
        used += pc.units;
    }
    if (units > MAX_CELL)
        ef_buf_puts(b, CUT_MARK);
    return ef_buf_cstr(b);
}

/* Whether url can be a hyperlink: http(s), printable ASCII that needs no
 * escaping (so libxlsxwriter's length check sees what Excel sees), at
 * most 2079 characters. Anything else is written as plain text. */
EF_STATIC int xlsx_url_ok(const char *url)
{
    size_t n = strlen(url);

    if (n > MAX_URL || (strncasecmp(url, "http://", 7) != 0 &&
                        strncasecmp(url, "https://", 8) != 0))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c))
            return 0;
    }
    return 1;
}

/* ==== Numbers and dates ================================================= */

/* The Excel serial date of "YYYY-MM-DD" (a period's local date), or
 * NAN: its midnight read as UTC, so that the serial is that very day. */
static double serial_of_date(const char *s)
{
    int64_t t;
    if (s == NULL ||
        ef_datetime_parse(s, strlen(s), NULL, NULL, &t, NULL, NULL) != 0)
        return NAN;
    return (double)(t / 86400) + EXCEL_EPOCH;
}

/* The Excel serial date-time of instant t in x's zone, or NAN for no
 * time or one Excel cannot show (before 1900-03-01). */
static double serial_of_time(const ef_xlsx *x, int64_t t)
{
    double v;
    if (t == EF_NO_TIME)
        return NAN;
    if (x->tz)
        t += ef_tz_offset(x->tz, t);
    v = (double)t / 86400.0 + EXCEL_EPOCH;
    return v >= 61 ? v : NAN;
}

/* ==== Writing cells ===================================================== */

static void lx(ef_xlsx *x, lxw_error rc)
{
    if (rc != LXW_NO_ERROR && x->lerr == LXW_NO_ERROR)
        x->lerr = rc;
}

static ef_status lx_fail(ef_xlsx *x, ef_err *e)
{
    return ef_fail(e,
                   x->lerr == LXW_ERROR_CREATING_TMPFILE ? EF_ERR_CANTCREAT
                                                         : EF_ERR_XLSX,
                   "%s: %s%s%s%s", x->path, lxw_strerror(x->lerr),
                   x->said[0] ? " (" : "", x->said, x->said[0] ? ")" : "");
}

/* Whether cp is shown twice as wide as a letter (East Asian wide and
 * full-width characters, most emoji). */
static int wide_char(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
           (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
           (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
           (cp >= 0xffe0 && cp <= 0xffe6) || cp >= 0x1f300;
}

/* The lines text takes in a wrapped cell `width` characters wide, at most
 * max: a greedy word wrap, where a column width's "character" (the width
 * of a digit) holds about 1.15 letters of running text. */
EF_STATIC int xlsx_text_lines(const char *text, double width, int max)
{
    const unsigned char *p = (const unsigned char *)text;
    int cols = (int)(width * 1.15) - 2, lines = 1, col = 0, word = 0;
    size_t n = text ? strlen(text) : 0, k;
    uint32_t cp;

    if (cols < 4)
        cols = 4;
    for (size_t i = 0; i < n; i += k) {
        k = ef_utf8_decode(p + i, n - i, &cp);
        if (cp == '\n') {
            if (++lines >= max)
                return max;
            col = word = 0;
            continue;
        }
        col += wide_char(cp) ? 2 : 1;
        word = cp == ' ' ? 0 : word + 1;
        if (word > 0 && col > cols) {
            lines++; /* the word moves down, or breaks if it is too long */
            col = word < cols ? word : 1;
            if (lines >= max)
                return max;
        }
    }
    return lines;
}

/* Makes row r of ws tall enough for `lines` lines of text (Excel and
 * LibreOffice do not grow rows for wrapped text written this way). */
static void fit_row(ef_xlsx *x, lxw_worksheet *ws, lxw_row_t r, int lines)
{
    if (lines > 1)
        lx(x, worksheet_set_row(ws, r, 15.0 * lines, NULL));
}

/* A sheet being written top to bottom. */
typedef struct {
    ef_xlsx *x;
    lxw_worksheet *ws;
    lxw_row_t row;
} sheet;

static void put_text(ef_xlsx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                     const char *s, size_t n, lxw_format *f)
{
    const char *t;
    if (s == NULL || n == 0)
        return;
    t = xlsx_clean(s, n, &x->clean);
    if (*t)
        lx(x, worksheet_write_string(ws, r, c, t, f));
}

static void put_str(ef_xlsx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                    const char *s, lxw_format *f)
{
    if (s)
        put_text(x, ws, r, c, s, strlen(s), f);
}

static void put_num(ef_xlsx *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                    double v, lxw_format *f)
{
    if (isfinite(v))
        lx(x, worksheet_write_number(ws, r, c, v, f));
}

/* Writes the text of a row sheet (Data, Negative): one line, as a rule.
 * A text with line breaks is wrapped in a row as tall as its lines (up to
 * Excel's tallest row), rather than spilling over its neighbours.
 * Returns the format for the row's other text cells: top-aligned in a
 * tall row (numbers always are). */
static lxw_format *put_row_text(ef_xlsx *x, lxw_worksheet *ws, lxw_row_t r,
                                lxw_col_t c, double width, const char *s,
                                size_t n)
{
    const char *t;

    if (s == NULL || n == 0)
        return NULL;
    t = xlsx_clean(s, n, &x->clean);
    if (*t == '\0')
        return NULL;
    if (strchr(t, '\n') == NULL) {
        lx(x, worksheet_write_string(ws, r, c, t, NULL));
        return NULL;
    }
    fit_row(x, ws, r, xlsx_text_lines(t, width, MAX_ROW_LINES));
    lx(x, worksheet_write_string(ws, r, c, t, x->f[F_WRAP]));
    return x->f[F_TOP];
}

/* Shorthands for the model sheets. */
static void s_str(sheet *s, lxw_col_t c, const char *v, int f)
{
    put_str(s->x, s->ws, s->row, c, v, s->x->f[f]);
}

static void s_num(sheet *s, lxw_col_t c, double v, int f)
{
    put_num(s->x, s->ws, s->row, c, v, s->x->f[f]);
}

static void s_next(sheet *s)
{
    s->row++;
}

/* Writes a header row at s's row, and sets the column widths when widths
 * is set: at least the spec's, and enough for the bold header. */
static void s_header(sheet *s, const col_spec *cols, size_t n, int widths)
{
    for (size_t c = 0; c < n; c++) {
        double w = 1.15 * (double)strlen(cols[c].name) + 2;
        lx(s->x, worksheet_write_string(
                     s->ws, s->row, (lxw_col_t)c, cols[c].name,
                     s->x->f[cols[c].num ? F_HEADER_NUM : F_HEADER]));
        if (widths)
            lx(s->x, worksheet_set_column(
                         s->ws, (lxw_col_t)c, (lxw_col_t)c,
                         cols[c].width > w ? cols[c].width : w, NULL));
    }
    s->row++;
}

/* Set-up shared by the sheets: the first row frozen and repeated on every
 * printed page, A4 landscape, a page wide. */
static void sheet_setup(ef_xlsx *x, lxw_worksheet *ws)
{
    worksheet_set_paper(ws, 9);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_freeze_panes(ws, 1, 0);
    lx(x, worksheet_repeat_rows(ws, 0, 0));
}

/* ==== Row sheets ======================================================== */

#define FILE_BUFFER (1 << 18)

/* Gives f, not yet used, a larger buffer than stdio's 4 KB (glibc ignores
 * the size when setvbuf allocates): a tenth of the system calls. Returns
 * the buffer, to free once f is closed, or NULL. */
static char *new_buffer(FILE *f)
{
    char *b = ef_xmalloc(FILE_BUFFER);
    if (setvbuf(f, b, _IOFBF, FILE_BUFFER) != 0) {
        free(b);
        return NULL;
    }
    return b;
}

/* The same for a sheet's temporary file, which libxlsxwriter closes: the
 * buffer lives until ef_xlsx_free, after the file was closed (the row
 * sheets always have a header row, and workbook_close closes the file of
 * every sheet that has rows). The file is kept to check for errors. */
static void give_buffer(ef_xlsx *x, FILE *f)
{
    char *b = new_buffer(f);
    if (b) {
        x->bufs = ef_xrealloc(x->bufs, (x->nbufs + 1) * sizeof *x->bufs);
        x->bufs[x->nbufs++] = b;
    }
    x->tmps = ef_xrealloc(x->tmps, (x->ntmps + 1) * sizeof *x->tmps);
    x->tmps[x->ntmps++] = f;
}

/* libxlsxwriter does not check its writes to the sheets' temporary files
 * (a full disk would give a truncated workbook and no error): they are
 * checked here, every so many rows and before the workbook is closed.
 * flush: write out what is buffered first. */
static ef_status check_tmps(ef_xlsx *x, int flush, ef_err *e)
{
    for (size_t i = 0; i < x->ntmps; i++) {
        FILE *f = x->tmps[i];
        errno = 0;
        if ((flush && fflush(f) != 0) || ferror(f)) {
            if (errno == 0)
                fflush(f); /* for errno: the write fails again */
            return ef_fail(e, EF_ERR_IO,
                           "%s: a temporary file of the "
                           "workbook: %s",
                           x->path, strerror(errno ? errno : EIO));
        }
    }
    return EF_OK;
}

/* ==== libxlsxwriter's own messages ====================================== */

/* libxlsxwriter prints its errors on stderr ("[ERROR] workbook_close():
 * ..."). They are caught around its calls that may fail (fd 2 goes to a
 * pipe meanwhile, non-blocking, so that a long message cannot block) and
 * the gist goes into earful's own message instead. */
typedef struct {
    int saved; /* the real stderr, or -1 when not redirected */
    int rd;    /* the pipe's read end */
} err_catch;

static void catch_begin(err_catch *c)
{
    int p[2];

    ef_stderr_lock(); /* till catch_end: other threads' messages wait */
    c->saved = c->rd = -1;
    fflush(stderr);
    if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
        return;
    if ((c->saved = fcntl(2, F_DUPFD_CLOEXEC, 3)) < 0 || dup2(p[1], 2) < 0) {
        if (c->saved >= 0)
            close(c->saved);
        c->saved = -1;
        close(p[0]);
        close(p[1]);
        return;
    }
    close(p[1]);
    c->rd = p[0];
}

/* Restores stderr; leaves in out what the library said after "System
 * error = " (strerror's words), else its last line, else "". */
static void catch_end(err_catch *c, char *out, size_t cap)
{
    char buf[4096], *p, *end;
    ssize_t n = 0;

    out[0] = '\0';
    if (c->saved < 0) {
        ef_stderr_unlock();
        return;
    }
    fflush(stderr);
    dup2(c->saved, 2);
    close(c->saved);
    ef_stderr_unlock(); /* stderr is stderr again */
    n = read(c->rd, buf, sizeof buf - 1);
    close(c->rd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    if ((p = strstr(buf, "System error = ")) != NULL)
        p += strlen("System error = ");
    else if ((p = strrchr(buf, '\n')) != NULL)
        p++;
    else
        p = buf;
    if ((end = strchr(p, '\n')) != NULL)
        *end = '\0';
    n = (ssize_t)strlen(p);
    if ((size_t)n >= cap)
        n = (ssize_t)cap - 1;
    memcpy(out, p, (size_t)n);
    out[n] = '\0';
}

/* The status for a libxlsxwriter error: files it cannot create (73),
 * writes that fail (74), the rest its own (70). */
static ef_status lxw_status(lxw_error rc)
{
    switch (rc) {
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE: return EF_ERR_CANTCREAT;
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE: return EF_ERR_IO;
    default: return EF_ERR_XLSX;
    }
}

/* Buffers that files libxlsxwriter left open after a failed close still
 * use: they must outlive them, to the end of the process (exit flushes
 * every open file). Kept reachable here, on purpose. */
static char **orphan_bufs;
static size_t norphan_bufs;

/* workbook_add_worksheet, its complaint (a temporary file it cannot
 * create, in constant-memory mode) kept in x->said instead of stderr. */
static lxw_worksheet *add_sheet(ef_xlsx *x, const char *name)
{
    err_catch c;
    lxw_worksheet *ws;
    char said[sizeof x->said];

    catch_begin(&c);
    ws = workbook_add_worksheet(x->wb, name);
    catch_end(&c, said, sizeof said);
    if (ws == NULL && x->said[0] == '\0')
        memcpy(x->said, said, sizeof said);
    return ws;
}

/* Starts the next part of rs: a sheet with the header row. */
static lxw_worksheet *rs_start(ef_xlsx *x, row_sheet *rs)
{
    char name[32];
    sheet s;

    rs->part++;
    if (rs->part == 1)
        snprintf(name, sizeof name, "%s", rs->base);
    else
        snprintf(name, sizeof name, "%s (%u)", rs->base, rs->part);
    if ((rs->ws = add_sheet(x, name)) == NULL) {
        lx(x, LXW_ERROR_CREATING_TMPFILE);
        return NULL;
    }
    /* Every row of the sheet goes through this file: a larger buffer,
     * and its errors checked (check_tmps). No API hands out a sheet's
     * constant-memory temporary file: the field is read, never written. */
    if (rs->ws->optimize_tmpfile)
        give_buffer(x, rs->ws->optimize_tmpfile);
    s = (sheet){x, rs->ws, 0};
    s_header(&s, rs->cols, rs->ncols, 1);
    sheet_setup(x, rs->ws);
    rs->row = 1;
    return rs->ws;
}

/* The sheet and row for the next row of rs, starting a part as needed. */
static lxw_worksheet *rs_row(ef_xlsx *x, row_sheet *rs, lxw_row_t *row)
{
    if (rs->ws == NULL || rs->row >= xlsx_row_limit) {
        if (rs->ws)
            lx(x, worksheet_autofilter(rs->ws, 0, 0, rs->row - 1,
                                       (lxw_col_t)(rs->ncols - 1)));
        if (rs_start(x, rs) == NULL)
            return NULL;
    }
    *row = rs->row++;
    return rs->ws;
}

/* Closes the last part: its autofilter. */
static void rs_end(ef_xlsx *x, row_sheet *rs)
{
    if (rs->ws)
        lx(x, worksheet_autofilter(rs->ws, 0, 0, rs->row - 1,
                                   (lxw_col_t)(rs->ncols - 1)));
}

/* ==== The File column =================================================== */

/* The base name of an input's path ("exports/q3.csv" -> "q3.csv"). */
static const char *base_name(const char *path)
{
    const char *slash;
    if (path == NULL)
        return NULL;
    slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* Copies the n column specs of a row sheet to out, without the File
 * column (at index file) unless x has one; returns how many. */
static size_t sheet_cols(const ef_xlsx *x, const col_spec *cols, size_t n,
                         size_t file, col_spec *out)
{
    size_t k = 0;
    for (size_t c = 0; c < n; c++)
        if (c != file || x->file_col)
            out[k++] = cols[c];
    return k;
}

/* The sheet column of logical column c in a row sheet whose File column
 * is at file: the columns after it move left when there is none. */
static lxw_col_t row_col(const ef_xlsx *x, int c, int file)
{
    return (lxw_col_t)(c > file && !x->file_col ? c - 1 : c);
}

/* ==== Open ============================================================== */

static lxw_format *fmt(lxw_workbook *wb, const char *num)
{
    lxw_format *f = workbook_add_format(wb);
    if (num)
        format_set_num_format(f, num);
    return f;
}

static void make_formats(ef_xlsx *x)
{
    lxw_workbook *wb = x->wb;
    lxw_format **f = x->f;

    f[F_NONE] = NULL;
    f[F_HEADER] = fmt(wb, NULL);
    format_set_bold(f[F_HEADER]);
    format_set_bg_color(f[F_HEADER], EF_RGB_GRID);
    format_set_bottom(f[F_HEADER], LXW_BORDER_THIN);
    format_set_font_color(f[F_HEADER], EF_RGB_INK);
    f[F_HEADER_NUM] = fmt(wb, NULL);
    format_set_bold(f[F_HEADER_NUM]);
    format_set_bg_color(f[F_HEADER_NUM], EF_RGB_GRID);
    format_set_bottom(f[F_HEADER_NUM], LXW_BORDER_THIN);
    format_set_font_color(f[F_HEADER_NUM], EF_RGB_INK);
    format_set_align(f[F_HEADER_NUM], LXW_ALIGN_RIGHT);
    f[F_TITLE] = fmt(wb, NULL);
    format_set_bold(f[F_TITLE]);
    format_set_font_size(f[F_TITLE], 14);
    format_set_font_color(f[F_TITLE], EF_RGB_INK);
    f[F_SECTION] = fmt(wb, NULL);
    format_set_bold(f[F_SECTION]);
    format_set_align(f[F_SECTION], LXW_ALIGN_VERTICAL_TOP);
    f[F_WRAP] = fmt(wb, NULL);
    format_set_text_wrap(f[F_WRAP]);
    format_set_align(f[F_WRAP], LXW_ALIGN_VERTICAL_TOP);
    f[F_MUTED] = fmt(wb, NULL);
    format_set_font_color(f[F_MUTED], EF_RGB_MUTED);
    format_set_italic(f[F_MUTED]);
    format_set_indent(f[F_MUTED], 1);
    f[F_DATE] = fmt(wb, "yyyy-mm-dd");
    f[F_DATETIME] = fmt(wb, "yyyy-mm-dd hh:mm");
    f[F_INT] = fmt(wb, "#,##0");
    f[F_PCT] = fmt(wb, "0.0%");
    f[F_DEC1] = fmt(wb, "#,##0.0");
    f[F_DEC2] = fmt(wb, "0.00");
    f[F_DEC3] = fmt(wb, "0.000");
    f[F_DEC4] = fmt(wb, "0.0000");
    f[F_PVAL] = fmt(wb, "[<0.0001]\"<0.0001\";0.0000");
    f[F_INPUT] = fmt(wb, NULL);
    format_set_bg_color(f[F_INPUT], INPUT_TINT);
    format_set_border(f[F_INPUT], LXW_BORDER_HAIR);
    format_set_border_color(f[F_INPUT], EF_RGB_NEUTRAL);
    f[F_TOP] = fmt(wb, NULL);
    f[F_TOP_LINK] = fmt(wb, NULL);
    format_set_underline(f[F_TOP_LINK], LXW_UNDERLINE_SINGLE);
    format_set_font_color(f[F_TOP_LINK], EF_RGB_ACCENT);
    /* Numbers and dates top-aligned everywhere: in a row made taller for
     * a long text, every cell then starts on its first line. */
    for (int i = F_DATE; i <= F_PVAL; i++)
        format_set_align(f[i], LXW_ALIGN_VERTICAL_TOP);
    format_set_align(f[F_TOP], LXW_ALIGN_VERTICAL_TOP);
    /* ISO dates read best left-aligned, and keep clear of the number or
     * text in the column to their right. */
    format_set_align(f[F_DATE], LXW_ALIGN_LEFT);
    format_set_align(f[F_DATETIME], LXW_ALIGN_LEFT);
    format_set_align(f[F_TOP_LINK], LXW_ALIGN_VERTICAL_TOP);
    f[F_CF_MUTED] = fmt(wb, NULL);
    format_set_font_color(f[F_CF_MUTED], EF_RGB_NEUTRAL);
    format_set_italic(f[F_CF_MUTED]);
    f[F_CF_BOLD] = fmt(wb, NULL);
    format_set_bold(f[F_CF_BOLD]);
}

static ef_status open_spill(ef_xlsx *x, ef_err *e)
{
    const char *dir = x->tmpdir;
    char *tmpl;
    size_t n;
    int fd;

    if (dir == NULL || *dir == '\0')
        dir = getenv("TMPDIR");
    if (dir == NULL || *dir == '\0')
        dir = "/tmp";
    n = strlen(dir) + 32;
    tmpl = ef_xmalloc(n);
    snprintf(tmpl, n, "%s/earful-negative-XXXXXX", dir);
    fd = mkstemp(tmpl);
    if (fd < 0) {
        ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", tmpl, strerror(errno));
        free(tmpl);
        return e->code;
    }
    unlink(tmpl); /* gone when closed, whatever happens */
    free(tmpl);
    if ((x->spill = fdopen(fd, "w+b")) == NULL) {
        close(fd);
        return ef_fail(e, EF_ERR_IO, "negative spill: %s", strerror(errno));
    }
    x->spill_buf = new_buffer(x->spill); /* freed once the spill is closed */
    return EF_OK;
}

ef_status ef_xlsx_open(const char *path, const ef_xlsx_opts *o, ef_xlsx **out,
                       ef_err *e)
{
    static const ef_thresholds def = EF_THRESHOLDS_DEFAULT;
    lxw_workbook_options wo = {0};
    ef_xlsx *x;
    FILE *probe;
    ef_status rc;

    *out = NULL;
    x = ef_xcalloc(1, sizeof *x);
    x->path = ef_xstrdup(path);
    x->tmpdir = o->tmpdir && *o->tmpdir ? ef_xstrdup(o->tmpdir) : NULL;
    x->data_sheet = o->data_sheet;
    x->created = o->created;
    x->title = o->title ? ef_xstrdup(o->title) : NULL;
    x->thr = o->thr ? *o->thr : def;
    x->file_col = o->file_column;

    /* libxlsxwriter opens path only at workbook_close: fail early. */
    if ((probe = fopen(path, "wb")) == NULL) {
        rc = ef_fail(e, EF_ERR_CANTCREAT, "%s: %s", path, strerror(errno));
        goto fail;
    }
    fclose(probe);
    x->created_file = 1;
    if ((rc = open_spill(x, e)) != EF_OK)
        goto fail;

    wo.constant_memory = LXW_TRUE;
    wo.tmpdir = x->tmpdir;
    wo.use_zip64 = LXW_TRUE; /* a million long texts pass 4 GB of XML */
    {
        err_catch c;
        catch_begin(&c);
        x->wb = workbook_new_opt(path, &wo);
        catch_end(&c, x->said, sizeof x->said);
    }
    if (x->wb == NULL) {
        rc = ef_fail(e, EF_ERR_XLSX, "%s: cannot start the workbook%s%s%s",
                     path, x->said[0] ? " (" : "", x->said,
                     x->said[0] ? ")" : "");
        goto fail;
    }
    make_formats(x);

    /* Created now for their place in the file; filled at finish. */
    x->summary = add_sheet(x, "Summary");
    x->trend = add_sheet(x, "Trend");
    x->channels = add_sheet(x, "Channels");
    x->themes = add_sheet(x, "Themes");
    x->spikes = add_sheet(x, "Spikes");
    x->repair = add_sheet(x, "Repair queue");
    x->negative =
        (row_sheet){"Negative",
                    x->neg_spec,
                    sheet_cols(x, neg_cols, N_NCOLS, N_FILE, x->neg_spec),
                    NULL,
                    0,
                    0};
    x->data =
        (row_sheet){"Data",
                    x->data_spec,
                    sheet_cols(x, data_cols, D_NCOLS, D_FILE, x->data_spec),
                    NULL,
                    0,
                    0};
    if (!x->summary || !x->trend || !x->channels || !x->themes || !x->spikes ||
        !x->repair) {
        rc = ef_fail(e, EF_ERR_CANTCREAT,
                     "%s: cannot add a sheet (temporary files in %s: %s)",
                     path, x->tmpdir ? x->tmpdir : "/tmp",
                     x->said[0] ? x->said : "?");
        goto fail;
    }
    if (rs_start(x, &x->negative) == NULL ||
        (x->data_sheet && rs_start(x, &x->data) == NULL)) {
        rc = lx_fail(x, e);
        goto fail;
    }
    worksheet_set_tab_color(x->negative.ws, EF_RGB_NEGATIVE);
    if (x->lerr) {
        rc = lx_fail(x, e);
        goto fail;
    }
    *out = x;
    return EF_OK;
fail:
    ef_xlsx_free(x);
    return rc;
}

void ef_xlsx_set_tz(ef_xlsx *x, const ef_tz *tz)
{
    if (x)
        x->tz = tz;
}

/* ==== Rows ============================================================== */

/* The index of src in x->sources, added if new. Sources change rarely:
 * the last one is checked first (by content too, since a freed path's
 * address may come back with another path). */
static uint32_t source_index(ef_xlsx *x, const char *src)
{
    if (src == NULL)
        src = "";
    if (src == x->last_src && strcmp(x->sources[x->last_idx], src) == 0)
        return x->last_idx;
    for (size_t i = 0; i < x->nsources; i++)
        if (strcmp(x->sources[i], src) == 0) {
            x->last_src = src;
            return x->last_idx = (uint32_t)i;
        }
    x->sources = ef_xrealloc(x->sources, (x->nsources + 1) * sizeof(char *));
    x->sources[x->nsources] = ef_xstrdup(src);
    x->last_src = src;
    return x->last_idx = (uint32_t)x->nsources++;
}

static int key_cmp(const void *a, const void *b)
{
    const spill_key *p = a, *q = b;
    if (p->compound != q->compound)
        return p->compound < q->compound ? -1 : 1;
    return p->off < q->off ? -1 : p->off > q->off;
}

/* Puts k into the heap of candidates: added while there is room, else in
 * place of the top (the caller checked that k sorts before it). */
static void heap_put(ef_xlsx *x, spill_key k)
{
    spill_key *h = x->keys;
    size_t i, n;

    if (x->nkeys < xlsx_negative_rows) {
        if (x->nkeys == x->capkeys) {
            x->capkeys = x->capkeys ? 2 * x->capkeys : 1024;
            x->keys = ef_xrealloc(x->keys, x->capkeys * sizeof *x->keys);
            h = x->keys;
        }
        for (i = x->nkeys++; i > 0 && key_cmp(&h[(i - 1) / 2], &k) < 0;
             i = (i - 1) / 2)
            h[i] = h[(i - 1) / 2];
        h[i] = k;
        return;
    }
    n = x->nkeys;
    for (i = 0;;) {
        size_t l = 2 * i + 1, m = i;
        const spill_key *big = &k;
        if (l < n && key_cmp(&h[l], big) > 0)
            big = &h[m = l];
        if (l + 1 < n && key_cmp(&h[l + 1], big) > 0)
            m = l + 1;
        if (m == i)
            break;
        h[i] = h[m];
        i = m;
    }
    h[i] = k;
}

static ef_status spill_add(ef_xlsx *x, const ef_item *it, const ef_scores *sc,
                           ef_err *e)
{
    spill_rec h;
    const char *str[5] = {it->text, it->channel, it->author, it->url, it->id};
    spill_key k = {sc->compound, x->spill_off};
    size_t total;

    x->negatives++;
    if (xlsx_negative_rows == 0 ||
        (x->nkeys == xlsx_negative_rows && key_cmp(&k, &x->keys[0]) >= 0))
        return EF_OK; /* not among the most negative */
    memset(&h, 0, sizeof h);
    h.compound = sc->compound;
    h.neg = sc->neg;
    h.neu = sc->neu;
    h.pos = sc->pos;
    h.date = it->date;
    h.responded = it->responded_at;
    h.line = it->line;
    h.rating = it->rating;
    h.nps = it->nps;
    h.source = source_index(x, it->source);
    for (int i = 0; i < 5; i++) {
        size_t n = str[i] == NULL ? 0 : i == 0 ? it->text_len : strlen(str[i]);
        h.len[i] = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    }
    ef_buf_clear(&x->rec);
    ef_buf_put(&x->rec, &h, sizeof h);
    for (int i = 0; i < 5; i++)
        ef_buf_put(&x->rec, str[i] ? str[i] : "", h.len[i]);
    total = x->rec.len;
    if (fwrite(x->rec.data, 1, total, x->spill) != total)
        return ef_fail(e, EF_ERR_IO, "negative spill: %s", strerror(errno));
    heap_put(x, k);
    x->spill_off += total;
    return EF_OK;
}

ef_status ef_xlsx_add_row(ef_xlsx *x, const ef_item *it, const ef_scores *sc,
                          ef_class cls, ef_err *e)
{
    if (x->data_sheet) {
        lxw_row_t r;
        lxw_worksheet *ws = rs_row(x, &x->data, &r);
        lxw_format **f = x->f, *tf;

        if (ws == NULL)
            return lx_fail(x, e);
        /* What a row costs is libxlsxwriter's: formatting the cells' XML,
         * the temporary file, and deflating it at workbook_close (zlib
         * level 6, fixed in 1.1.4). The formats below are each column's,
         * the same on every row; a column format (worksheet_set_column,
         * cells written with NULL) would not save a byte: the library
         * writes the style on every cell either way. Strings are inline
         * (constant-memory mode): no shared-string table grows with the
         * rows. */
        /* The text first: cells of the current row can come in any
         * order, and the text decides the row's height. */
        tf = put_row_text(x, ws, r, D_TEXT, data_cols[D_TEXT].width, it->text,
                          it->text_len);
        put_num(x, ws, r, D_DATE, serial_of_time(x, it->date), f[F_DATETIME]);
        put_str(x, ws, r, D_CHANNEL, it->channel, tf);
        put_str(x, ws, r, D_AUTHOR, it->author, tf);
        put_str(x, ws, r, D_CLASS, ef_class_name(cls), tf);
        put_num(x, ws, r, D_COMPOUND, sc->compound, f[F_DEC4]);
        put_num(x, ws, r, D_NEG, sc->neg, f[F_DEC3]);
        put_num(x, ws, r, D_NEU, sc->neu, f[F_DEC3]);
        put_num(x, ws, r, D_POS, sc->pos, f[F_DEC3]);
        if (it->rating > 0)
            put_num(x, ws, r, D_RATING, it->rating, tf);
        if (it->nps >= 0)
            put_num(x, ws, r, D_NPS, it->nps, tf);
        put_num(x, ws, r, D_RESPONDED, serial_of_time(x, it->responded_at),
                f[F_DATETIME]);
        put_str(x, ws, r, D_LABEL,
                it->label >= 0 ? ef_class_name((ef_class)it->label) : "", tf);
        put_str(x, ws, r, D_SEGMENT, it->segment, tf);
        put_str(x, ws, r, D_URL, it->url, tf);
        put_str(x, ws, r, D_ID, it->id, tf);
        if (x->file_col)
            put_str(x, ws, r, D_FILE, base_name(it->source), tf);
        if (it->line)
            put_num(x, ws, r, row_col(x, D_LINE, D_FILE), (double)it->line,
                    tf);
        if (x->lerr)
            return lx_fail(x, e);
    }
    if ((++x->rows & 1023) == 0 && check_tmps(x, 0, e) != EF_OK)
        return e->code; /* a full disk: say so now, not at the end */
    if (cls == EF_NEGATIVE)
        return spill_add(x, it, sc, e);
    return EF_OK;
}

/* ==== The Negative sheet ================================================ */

static ef_status read_at(ef_xlsx *x, void *buf, size_t n, uint64_t off,
                         ef_err *e)
{
    int fd = fileno(x->spill);
    size_t got = 0;

    while (got < n) {
        ssize_t k = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return ef_fail(e, EF_ERR_IO, "negative spill: %s",
                           k < 0 ? strerror(errno) : "short read");
        got += (size_t)k;
    }
    return EF_OK;
}

#define SPILL_READ 2048 /* bytes read at once: most records fit */

void ef_xlsx_set_negatives(ef_xlsx *x, uint64_t n)
{
    if (n > x->negatives)
        x->negatives = n;
}

/* When the sheet holds only the most negative items: a note beside its
 * header (row 1 is still open: no row of the sheet was written since). */
static void negative_note(ef_xlsx *x)
{
    char note[320], kept[32], all[32];

    if (x->negatives <= x->nkeys || x->negative.ws == NULL)
        return;
    ef_fmt_count(kept, sizeof kept, (uint64_t)x->nkeys);
    ef_fmt_count(all, sizeof all, x->negatives);
    snprintf(note, sizeof note,
             "The %s most negative of %s negative items, most negative "
             "first. %s",
             kept, all,
             x->data_sheet ? "Every item is in Data: filter its Class "
                             "column on \"negative\"."
                           : "The rest are in no sheet: this workbook was "
                             "written without Data.");
    lx(x, worksheet_write_string(x->negative.ws, 0,
                                 (lxw_col_t)(x->negative.ncols + 1), note,
                                 x->f[F_MUTED]));
}

static ef_status write_negative(ef_xlsx *x, ef_err *e)
{
    ef_buf body = EF_BUF_INIT;
    ef_status rc = EF_OK;
    lxw_format **f = x->f;

    if (fflush(x->spill) != 0)
        return ef_fail(e, EF_ERR_IO, "negative spill: %s", strerror(errno));
    if (x->nkeys > 1)
        qsort(x->keys, x->nkeys, sizeof *x->keys, key_cmp);
    negative_note(x);
    ef_buf_grow(&body, SPILL_READ + 8);
    for (size_t k = 0; k < x->nkeys && rc == EF_OK; k++) {
        uint64_t off = x->keys[k].off;
        uint64_t left = x->spill_off - off;
        size_t total = sizeof(spill_rec), want, at;
        spill_rec h;
        const char *str[5];
        lxw_row_t r;
        lxw_worksheet *ws;
        lxw_format *tf;

        /* The record is the header and its strings, back to back;
         * strings get a NUL each once read. */
        want = left < SPILL_READ ? (size_t)left : SPILL_READ;
        if ((rc = read_at(x, body.data, want, off, e)) != EF_OK)
            break;
        memcpy(&h, body.data, sizeof h);
        for (int i = 0; i < 5; i++)
            total += h.len[i];
        ef_buf_grow(&body, total + 8);
        if (total > want && (rc = read_at(x, body.data + want, total - want,
                                          off + want, e)) != EF_OK)
            break;
        at = total;
        for (int i = 4; i >= 0; i--) {
            /* Shift each string right by its index, back to front. */
            at -= h.len[i];
            memmove(body.data + at + (size_t)i, body.data + at, h.len[i]);
            str[i] = body.data + at + (size_t)i;
            body.data[at + (size_t)i + h.len[i]] = '\0';
        }
        if ((ws = rs_row(x, &x->negative, &r)) == NULL)
            break;
        tf = put_row_text(x, ws, r, N_TEXT, neg_cols[N_TEXT].width, str[0],
                          h.len[0]);
        put_num(x, ws, r, N_COMPOUND, h.compound, f[F_DEC4]);
        put_num(x, ws, r, N_DATE, serial_of_time(x, h.date), f[F_DATETIME]);
        put_text(x, ws, r, N_CHANNEL, str[1], h.len[1], tf);
        put_text(x, ws, r, N_AUTHOR, str[2], h.len[2], tf);
        put_num(x, ws, r, N_NEG, h.neg, f[F_DEC3]);
        put_num(x, ws, r, N_NEU, h.neu, f[F_DEC3]);
        put_num(x, ws, r, N_POS, h.pos, f[F_DEC3]);
        if (h.rating > 0)
            put_num(x, ws, r, N_RATING, h.rating, tf);
        if (h.nps >= 0)
            put_num(x, ws, r, N_NPS, h.nps, tf);
        put_num(x, ws, r, N_RESPONDED, serial_of_time(x, h.responded),
                f[F_DATETIME]);
        put_text(x, ws, r, N_URL, str[3], h.len[3], tf);
        put_text(x, ws, r, N_ID, str[4], h.len[4], tf);
        if (x->file_col && h.source < x->nsources)
            put_str(x, ws, r, N_FILE, base_name(x->sources[h.source]), tf);
        if (h.line)
            put_num(x, ws, r, row_col(x, N_LINE, N_FILE), (double)h.line, tf);
        if (x->lerr)
            break;
    }
    ef_buf_reset(&body);
    if (rc == EF_OK && x->lerr)
        rc = lx_fail(x, e);
    return rc;
}

/* ==== Column orders ===================================================== */

/* Lays out a table whose columns come in the order order[0..n-1] (logical
 * column numbers): its header specs into out, and pos[c] the sheet column
 * of logical column c. */
static void col_order(const col_spec *cols, const int *order, size_t n,
                      col_spec *out, lxw_col_t *pos)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = cols[order[i]];
        pos[order[i]] = (lxw_col_t)i;
    }
}

/* "=$M2": a formula's reference to row 2 of sheet column c (< 26). */
static void col_ref(char *buf, size_t cap, const char *fmt, lxw_col_t c)
{
    snprintf(buf, cap, fmt, 'A' + (int)c);
}

/* ==== Columns of Trend and Channels ===================================== */

/* The Summary's charts draw from these two sheets' columns: they are
 * named here, before the Summary, and the sheets are written further
 * down. */

/* Trend columns. */
enum {
    T_PERIOD,
    T_START,
    T_N,
    T_NEG,
    T_NEU,
    T_POS,
    T_SHARE,
    T_LOW,
    T_HIGH,
    T_NPS,
    T_NPS_N,
    T_SPIKE,
    T_BASELINE,
    T_P,
    T_FEW,
    T_ADJ,
    T_ADJ_LOW,
    T_ADJ_HIGH,
    T_NCOLS
};

static const col_spec trend_cols[T_NCOLS] = {{"Period", 11, 0},
                                             {"Start", 11, 0},
                                             {"Items", 9, 1},
                                             {"Negative", 9, 1},
                                             {"Neutral", 9, 1},
                                             {"Positive", 9, 1},
                                             {"Negative share", 14, 1},
                                             {"95% CI low", 11, 1},
                                             {"95% CI high", 11, 1},
                                             {"NPS", 7, 1},
                                             {"NPS answers", 11, 1},
                                             {"Spike", 7, 0},
                                             {"Baseline share", 14, 1},
                                             {"p-value", 9, 1},
                                             {"Too few to call", 14, 0},
                                             {"Re-estimated share", 17, 1},
                                             {"Re-estimated low", 16, 1},
                                             {"Re-estimated high", 16, 1}};

/* The Trend sheet's columns: with re-estimated shares, those first. */
static const int trend_plain[T_ADJ] = {
    T_PERIOD, T_START, T_N,     T_NEG,   T_NEU,      T_POS, T_SHARE, T_LOW,
    T_HIGH,   T_NPS,   T_NPS_N, T_SPIKE, T_BASELINE, T_P,   T_FEW};
static const int trend_adj[T_NCOLS] = {
    T_PERIOD, T_START, T_N,     T_ADJ,      T_ADJ_LOW, T_ADJ_HIGH,
    T_SHARE,  T_LOW,   T_HIGH,  T_NEG,      T_NEU,     T_POS,
    T_NPS,    T_NPS_N, T_SPIKE, T_BASELINE, T_P,       T_FEW};

/* Trend's chart columns, after its table: the share and its interval
 * where the period can be called, the share where it is too few to call
 * (a blank elsewhere: native charts leave a gap, as the HTML's do). */
enum { TC_SHARE, TC_LOW, TC_HIGH, TC_FEW, TC_NCOLS };

/* Channels (and segments) columns. */
enum {
    C_NAME,
    C_N,
    C_NEG,
    C_NEU,
    C_POS,
    C_SHARE,
    C_LOW,
    C_HIGH,
    C_NPS,
    C_NPS_N,
    C_RESP,
    C_HOURS,
    C_FEW,
    C_ADJ,
    C_ADJ_LOW,
    C_ADJ_HIGH,
    C_NCOLS
};

static const col_spec group_cols[C_NCOLS] = {
    {"Channel", 18, 0},
    {"Items", 9, 1},
    {"Negative", 9, 1},
    {"Neutral", 9, 1},
    {"Positive", 9, 1},
    {"Negative share", 14, 1},
    {"95% CI low", 11, 1},
    {"95% CI high", 11, 1},
    {"NPS", 7, 1},
    {"NPS answers", 11, 1},
    {"Response rate", 13, 1},
    {"Median hours to response", 22, 1},
    {"Too few to call", 14, 0},
    {"Re-estimated share", 17, 1},
    {"Re-estimated low", 16, 1},
    {"Re-estimated high", 16, 1}};

/* The Channels sheet's columns: with re-estimated shares, those first. */
static const int group_plain[C_ADJ] = {
    C_NAME, C_N,   C_NEG,   C_NEU,  C_POS,   C_SHARE, C_LOW,
    C_HIGH, C_NPS, C_NPS_N, C_RESP, C_HOURS, C_FEW};
static const int group_adj[C_NCOLS] = {
    C_NAME, C_N,   C_ADJ, C_ADJ_LOW, C_ADJ_HIGH, C_SHARE, C_LOW,   C_HIGH,
    C_NEG,  C_NEU, C_POS, C_NPS,     C_NPS_N,    C_RESP,  C_HOURS, C_FEW};

/* Where a sheet whose columns are the fields order[0..n-1] puts field. */
static lxw_col_t col_of(const int *order, size_t n, int field)
{
    for (size_t i = 0; i < n; i++)
        if (order[i] == field)
            return (lxw_col_t)i;
    return 0;
}

/* The Channels sheet's column of the share that its chart draws: the
 * re-estimated one when there is one, else VADER's. */
static lxw_col_t channels_chart_col(int adjusted)
{
    return adjusted ? col_of(group_adj, C_NCOLS, C_ADJ)
                    : col_of(group_plain, C_ADJ, C_SHARE);
}

/* Where Trend puts VADER's share when the re-estimate is there. */
static lxw_col_t trend_vader_col(void)
{
    return col_of(trend_adj, T_NCOLS, T_SHARE);
}

/* The first of Trend's chart columns (TC_*), after the table's. */
static lxw_col_t trend_chart_col(const ef_report *r)
{
    for (size_t i = 0; i < r->nperiods; i++)
        if (r->periods[i].adjusted)
            return T_NCOLS;
    return T_ADJ;
}

/* ==== Summary =========================================================== */

/* Summary columns. */
enum { S_MEASURE, S_VALUE, S_LOW, S_HIGH, S_COUNT, S_OF, S_NOTE, S_NCOLS };

static const col_spec summary_cols[S_NCOLS] = {
    {"Measure", 50, 0},     {"Value", 12, 1}, {"95% CI low", 11, 1},
    {"95% CI high", 11, 1}, {"Count", 11, 1}, {"Of", 11, 1},
    {"Note", 50, 0}};

/* Gives the cell (row, col < 26) of the Summary sheet a workbook name. */
static void define(ef_xlsx *x, const char *name, lxw_row_t row, lxw_col_t col)
{
    char ref[48];

    snprintf(ref, sizeof ref, "=Summary!$%c$%lu", 'A' + col,
             (unsigned long)row + 1);
    lx(x, workbook_define_name(x->wb, name, ref));
}

/* One line of the KPI table: the value cell gets the workbook name `name`
 * (when not NULL), its interval `<name>_ci_low` and `<name>_ci_high` (when
 * it has one), its count `count_name`. NAN leaves a cell blank, and a
 * blank cell still has its name (metrics.json's null). */
typedef struct {
    const char *label, *name;
    int fmt;          /* of value and interval */
    double v, lo, hi; /* NAN: blank */
    double count, of; /* NAN: blank */
    const char *count_name;
    const char *note;
} kpi;

static void s_kpi(sheet *s, const kpi *k)
{
    char nm[64];

    s_str(s, S_MEASURE, k->label, F_NONE);
    s_num(s, S_VALUE, k->v, k->fmt);
    s_num(s, S_LOW, k->lo, k->fmt);
    s_num(s, S_HIGH, k->hi, k->fmt);
    s_num(s, S_COUNT, k->count, F_INT);
    s_num(s, S_OF, k->of, F_INT);
    s_str(s, S_NOTE, k->note, F_MUTED);
    if (k->name) {
        define(s->x, k->name, s->row, S_VALUE);
        if (isfinite(k->lo) || isfinite(k->hi)) {
            snprintf(nm, sizeof nm, "%s_ci_low", k->name);
            define(s->x, nm, s->row, S_LOW);
            snprintf(nm, sizeof nm, "%s_ci_high", k->name);
            define(s->x, nm, s->row, S_HIGH);
        }
    }
    if (k->count_name)
        define(s->x, k->count_name, s->row, S_COUNT);
    s_next(s);
}

/* A value alone (has = 0 leaves it blank). */
static void kpi_val(sheet *s, const char *label, const char *name, int f,
                    int has, double v, const char *note)
{
    kpi k = {label, name, f, has ? v : NAN, NAN, NAN, NAN, NAN, NULL, note};
    s_kpi(s, &k);
}

/* A value with its interval and n (has = 0 leaves them blank). */
static void kpi_ci(sheet *s, const char *label, const char *name, int f,
                   int has, double v, double lo, double hi, double of,
                   const char *note)
{
    kpi k = {label, name, f, NAN, NAN, NAN, NAN, NAN, NULL, note};
    if (has) {
        k.v = v;
        k.lo = lo;
        k.hi = hi;
        k.of = of;
    }
    s_kpi(s, &k);
}

/* A share with its interval, count and n (has = 0 leaves them blank). */
static void kpi_share(sheet *s, const char *label, const char *name,
                      const char *count_name, int has, const ef_share *sh,
                      const char *note)
{
    kpi k = {label, name, F_PCT, NAN, NAN, NAN, NAN, NAN, count_name, note};
    if (has) {
        if (sh->n) {
            k.v = sh->share;
            k.lo = sh->lo;
            k.hi = sh->hi;
        }
        k.count = (double)sh->count;
        k.of = (double)sh->n;
    }
    s_kpi(s, &k);
}

static void s_section(sheet *s, const char *title)
{
    s_str(s, S_MEASURE, title, F_SECTION);
    s_next(s);
}

/* Writes text as rows of at most HEADLINE_WIDTH characters, broken at
 * spaces (merged cells are not possible in constant-memory mode). */
static void s_wrapped(sheet *s, const char *text, int f)
{
    const char *p = text;
    ef_buf line = EF_BUF_INIT;

    while (*p) {
        const char *q = p, *brk = NULL;
        int chars = 0;
        while (*q && *q != '\n' && chars < HEADLINE_WIDTH) {
            if (*q == ' ')
                brk = q;
            q++;
            while ((*q & 0xc0) == 0x80)
                q++;
            chars++;
        }
        if (*q && *q != '\n' && *q != ' ' && brk && brk > p)
            q = brk;
        ef_buf_clear(&line);
        ef_buf_put(&line, p, (size_t)(q - p));
        s_str(s, 0, ef_buf_cstr(&line), f);
        s_next(s);
        p = q;
        while (*p == ' ' || *p == '\n')
            p++;
    }
    ef_buf_reset(&line);
}

static void fmt_date(int64_t t, char *buf)
{
    if (t == EF_NO_TIME)
        strcpy(buf, "?");
    else
        ef_datetime_format_date(t, NULL, buf);
}

/* The report's title: --title, else "Feedback report, FIRST to LAST"
 * (as report.html's). */
static void report_title(const ef_xlsx *x, const ef_report *r, char *buf,
                         size_t cap)
{
    char a[EF_DATETIME_DATE_SIZE], b[EF_DATETIME_DATE_SIZE];

    if (x->title) {
        snprintf(buf, cap, "%s", x->title);
        return;
    }
    fmt_date(r->first_date, a);
    fmt_date(r->last_date, b);
    snprintf(buf, cap, "Feedback report, %s to %s", a, b);
}

/* The top of a value axis that holds v (a share): the next tenth, or
 * twentieth below 30%, never past 100%. */
static double share_axis_max(double v)
{
    double step = v < 0.3 ? 0.05 : 0.1;
    double top = ceil(v / step - 1e-9) * step;
    top = round(top * 100) / 100; /* 0.6, not 0.6000000000000001 */
    return top < step ? step : top > 1 ? 1 : top;
}

/* Where the Summary's charts stand: right of the table, the trend at the
 * top, the channels below it (the trend chart is 1.1 x 288 px high, about
 * 16 rows of 20 px). */
#define SUMMARY_CHART_COL (S_NCOLS + 1)
#define SUMMARY_TREND_CHART_ROW 1
#define SUMMARY_CHANNELS_CHART_ROW 19

/* The Summary's line chart of the negative share per period, from
 * Trend's chart columns (TC_*). What is too few to call is what the
 * HTML's charts leave out or draw hollow and grey. */
static void summary_trend_chart(ef_xlsx *x, const ef_report *r)
{
    char buf[128];
    lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_LINE);
    lxw_chart_series *se;
    lxw_chart_line main_line = {0}, band = {0}, grey = {0};
    lxw_chart_fill none = {0};
    lxw_chart_options opt = {0};
    lxw_row_t last = (lxw_row_t)r->nperiods;
    lxw_col_t tc = trend_chart_col(r);
    double top = 0;
    int any_few = 0;

    for (size_t i = 0; i < r->nperiods; i++) {
        const ef_period_stat *p = &r->periods[i];
        const ef_share *sh = p->adjusted ? &p->adj : &p->negative;
        if (p->n && !p->too_few)
            top = fmax(top, fmax(sh->hi, p->negative.share));
        else if (p->n)
            top = fmax(top, sh->share), any_few = 1;
    }
    main_line.color = EF_RGB_NEGATIVE;
    main_line.width = 2.25;
    band.color = EF_RGB_BAND;
    band.width = 1;
    band.dash_type = LXW_CHART_LINE_DASH_DASH;
    grey.color = EF_RGB_NEUTRAL;
    grey.width = 1.25;
    none.none = LXW_TRUE;
    /* Trend's chart columns hold the share shown first: the
     * re-estimated one, else VADER's */
    int adj = r->periods[0].adjusted;
    se = chart_add_series(ch, NULL, NULL);
    chart_series_set_categories(se, "Trend", 1, 0, last, 0);
    chart_series_set_values(se, "Trend", 1, tc + TC_SHARE, last,
                            tc + TC_SHARE);
    chart_series_set_name(se, adj ? "Negative share, re-estimated"
                                  : "Negative share (VADER)");
    chart_series_set_line(se, &main_line);
    chart_series_set_marker_type(se, LXW_CHART_MARKER_NONE);
    for (int i = 0; i < 2; i++) {
        lxw_col_t c = tc + (i ? TC_HIGH : TC_LOW);
        se = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(se, "Trend", 1, 0, last, 0);
        chart_series_set_values(se, "Trend", 1, c, last, c);
        chart_series_set_name(se, i ? "95% CI high" : "95% CI low");
        chart_series_set_line(se, &band);
        chart_series_set_marker_type(se, LXW_CHART_MARKER_NONE);
    }
    if (any_few) {
        lxw_chart_line no_line = {0};
        no_line.none = LXW_TRUE;
        se = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(se, "Trend", 1, 0, last, 0);
        chart_series_set_values(se, "Trend", 1, tc + TC_FEW, last,
                                tc + TC_FEW);
        snprintf(buf, sizeof buf,
                 "fewer than %llu items: too few to "
                 "call",
                 (unsigned long long)r->min_n);
        chart_series_set_name(se, buf);
        chart_series_set_line(se, &no_line);
        chart_series_set_marker_type(se, LXW_CHART_MARKER_CIRCLE);
        chart_series_set_marker_size(se, 5);
        chart_series_set_marker_line(se, &grey);
        chart_series_set_marker_fill(se, &none);
    }
    if (adj) { /* VADER's share beside the re-estimate */
        lxw_chart_line vader = {0};
        lxw_col_t vc = trend_vader_col();
        vader.color = EF_RGB_MUTED;
        vader.width = 1.5;
        vader.dash_type = LXW_CHART_LINE_DASH_DASH;
        se = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(se, "Trend", 1, 0, last, 0);
        chart_series_set_values(se, "Trend", 1, vc, last, vc);
        chart_series_set_name(se, "VADER's share");
        chart_series_set_line(se, &vader);
        chart_series_set_marker_type(se, LXW_CHART_MARKER_NONE);
    }
    chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
    snprintf(buf, sizeof buf,
             "Negative share per %s, with its 95%% "
             "interval",
             r->period_name[0] ? r->period_name : "period");
    chart_title_set_name(ch, buf);
    chart_axis_set_num_format(ch->y_axis, "0%");
    chart_axis_set_min(ch->y_axis, 0);
    chart_axis_set_max(ch->y_axis, share_axis_max(top));
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    opt.x_scale = 1.5;
    opt.y_scale = 1.1;
    lx(x, worksheet_insert_chart_opt(x->summary, SUMMARY_TREND_CHART_ROW,
                                     SUMMARY_CHART_COL, ch, &opt));
}

/* The Summary's bar chart of the negative share per channel, from the
 * Channels sheet: horizontal bars, one row each, every name shown, in
 * the order of the sheet. */
static void summary_channels_chart(ef_xlsx *x, const ef_report *r)
{
    lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_BAR);
    lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
    lxw_chart_fill fill = {0}, none = {0};
    lxw_chart_line grey = {0};
    lxw_chart_point *pts = ef_xcalloc(r->nchannels, sizeof *pts);
    lxw_chart_point **pp = ef_xcalloc(r->nchannels + 1, sizeof *pp);
    lxw_chart_options opt = {0};
    lxw_row_t last = (lxw_row_t)r->nchannels;
    double top = 0;
    int any_few = 0;

    fill.color = EF_RGB_NEGATIVE;
    none.none = LXW_TRUE;
    grey.color = EF_RGB_NEUTRAL;
    lxw_col_t vc = channels_chart_col(r->channels[0].adjusted);
    chart_series_set_categories(se, "Channels", 1, 0, last, 0);
    chart_series_set_values(se, "Channels", 1, vc, last, vc);
    chart_series_set_name(se, r->channels[0].adjusted
                                  ? "Negative share, re-estimated"
                                  : "Negative share (VADER)");
    chart_series_set_fill(se, &fill);
    for (size_t i = 0; i < r->nchannels; i++) {
        const ef_group_stat *g = &r->channels[i];
        if (g->too_few) { /* hollow and grey, as in the HTML */
            pts[i].fill = &none;
            pts[i].line = &grey;
        } else {
            pts[i].fill = &fill;
        }
        any_few |= g->too_few;
        const ef_share *sh = g->adjusted ? &g->adj : &g->negative;
        top = fmax(top, g->too_few ? sh->share : sh->hi);
        pp[i] = &pts[i];
    }
    /* The model pools all but a few channels; the guard keeps the
     * call safe whatever the model holds (see XLSX_MAX_POINTS). */
    if (any_few && r->nchannels <= XLSX_MAX_POINTS)
        lx(x, chart_series_set_points(se, pp));
    free(pts);
    free(pp);
    chart_title_set_name(
        ch, any_few ? (r->channels[0].adjusted
                           ? "Negative share by channel, re-estimated "
                             "(hollow grey: too few to call)"
                           : "Negative share by channel, VADER's "
                             "(hollow grey: too few to call)")
                    : (r->channels[0].adjusted
                           ? "Negative share by channel, re-estimated"
                           : "Negative share by channel, VADER's"));
    /* a bar chart's x axis is its values, the y axis its names:
     * the first channel on top, and every name, none skipped */
    chart_axis_set_num_format(ch->x_axis, "0%");
    chart_axis_set_min(ch->x_axis, 0);
    chart_axis_set_max(ch->x_axis, share_axis_max(top));
    chart_axis_set_reverse(ch->y_axis);
    chart_axis_set_interval_unit(ch->y_axis, 1);
    chart_axis_set_num_font(ch->y_axis, &(lxw_chart_font){.size = 9});
    chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
    opt.x_scale = 1.5;
    /* 288 px by default; 16 px a bar, and room for the title */
    opt.y_scale = fmax(1.1, (80.0 + 16.0 * (double)r->nchannels) / 288);
    lx(x, worksheet_insert_chart_opt(x->summary, SUMMARY_CHANNELS_CHART_ROW,
                                     SUMMARY_CHART_COL, ch, &opt));
}

static void write_summary(ef_xlsx *x, const ef_report *r)
{
    sheet s = {x, x->summary, 0};
    char a[EF_DATETIME_DATE_SIZE], buf[256];
    lxw_row_t header;
    int h;

    report_title(x, r, buf, sizeof buf);
    s_str(&s, 0, buf, F_TITLE);
    lx(x, worksheet_set_row(x->summary, 0, 21, NULL));
    s_next(&s);
    s_wrapped(&s, r->headline, F_NONE);
    s_next(&s);
    header = s.row;
    s_header(&s, summary_cols, S_NCOLS, 1);

    if (ef_calib_is_adjusted(&r->calib)) {
        const ef_calibration *c = &r->calib;
        char sec[96], note[128];
        snprintf(sec, sizeof sec,
                 "Sentiment, re-estimated from %llu human "
                 "labels",
                 (unsigned long long)c->labeled);
        snprintf(note, sizeof note, "%s; VADER alone: %.1f%%",
                 c->exact ? "people labelled every item: exact"
                          : "the people's share, estimated (see Method)",
                 100 * r->negative.share);
        s_section(&s, sec);
        kpi_ci(&s, "Negative share", "adjusted_negative_share", F_PCT, 1,
               c->adjusted.share, c->adjusted.lo, c->adjusted.hi, (double)r->n,
               note);
        kpi_ci(&s, "Neutral share", "adjusted_neutral_share", F_PCT,
               c->has_pos, c->adjusted_neu.share, c->adjusted_neu.lo,
               c->adjusted_neu.hi, (double)r->n,
               c->has_pos ? NULL : "too few positive labels");
        kpi_ci(&s, "Positive share", "adjusted_positive_share", F_PCT,
               c->has_pos, c->adjusted_pos.share, c->adjusted_pos.lo,
               c->adjusted_pos.hi, (double)r->n, NULL);
        kpi_ci(&s, "Net sentiment: positive - negative", "adjusted_net", F_PCT,
               c->has_pos, c->net, c->net_lo, c->net_hi, NAN, NULL);
        s_section(&s, "Sentiment as VADER scored it, for comparison");
    } else {
        s_section(&s, "Sentiment as VADER scored it: unchecked against "
                      "people (see Method)");
    }
    kpi_val(&s, "Items scored", "items", F_INT, 1, (double)r->n, NULL);
    kpi_share(&s, "Negative share", "negative_share", "negative_count", 1,
              &r->negative,
              ef_calib_is_adjusted(&r->calib)
                  ? "compound at or below the negative threshold"
                  : "VADER's; the interval is sampling error only");
    kpi_share(&s, "Neutral share", "neutral_share", "neutral_count", 1,
              &r->neutral, NULL);
    kpi_share(&s, "Positive share", "positive_share", "positive_count", 1,
              &r->positive, NULL);
    kpi_share(&s, "Strongly negative share (compound <= -0.75)",
              "strongly_negative_share", "strongly_negative_count", 1,
              &r->strongly_negative, "readers discount over-the-top posts");
    kpi_val(&s, "Net sentiment: (positive - negative) / n", "net_sentiment",
            F_PCT, r->n > 0, r->net, NULL);
    kpi_val(&s, "Net excluding neutral, as dashboards show it",
            "net_excluding_neutral", F_PCT,
            r->positive.count + r->negative.count > 0, r->net_excl_neutral,
            "ignores the neutral items: overstates the balance");

    s_section(&s, "NPS and stars");
    buf[0] = '\0';
    if (r->nps.has)
        snprintf(buf, sizeof buf,
                 "%llu promoters, %llu passives, %llu detractors",
                 (unsigned long long)r->nps.promoters,
                 (unsigned long long)r->nps.passives,
                 (unsigned long long)r->nps.detractors);
    kpi_ci(&s, "NPS (-100 to 100)", "nps", F_DEC1, r->nps.has, r->nps.score,
           r->nps.score - r->nps.moe, r->nps.score + r->nps.moe,
           (double)r->nps.n, r->nps.has ? buf : "no NPS answers");
    kpi_val(&s, "NPS margin of error (points)", "nps_margin_of_error", F_DEC1,
            r->nps.has, r->nps.moe, NULL);
    kpi_ci(&s, "Stars, mean (1 to 5)", "stars_mean", F_DEC2, r->has_stars,
           r->stars_mean, r->stars_lo, r->stars_hi, (double)r->stars_n,
           r->has_stars ? NULL : "no ratings");
    kpi_share(&s, "CSAT: share of 4 and 5 stars", "csat", NULL, r->has_stars,
              &r->csat, NULL);

    s_section(&s, "Responding");
    h = r->has_response;
    kpi_val(&s, "Response rate", "response_rate", F_PCT, h, r->response_rate,
            h ? NULL : "no responded_at column");
    kpi_val(&s, "Response rate to negative items", "negative_response_rate",
            F_PCT, h, r->rate_by_class[EF_NEGATIVE], NULL);
    kpi_val(&s, "Median hours to the first response", "median_response_hours",
            F_DEC1, h, r->median_hours, NULL);
    kpi_val(&s, "90th percentile of hours to the first response",
            "p90_response_hours", F_DEC1, h, r->p90_hours, NULL);

    s_section(&s, "Who is negative");
    h = r->has_authors;
    kpi_val(&s, "Authors of negative items", "negative_authors", F_INT, h,
            (double)r->negative_authors, h ? NULL : "no author column");
    kpi_val(&s, "Negative items by the loudest 1% of them",
            "top1_authors_share", F_PCT, h, r->top1_share, NULL);
    kpi_val(&s, "Negative items by the loudest 5%", "top5_authors_share",
            F_PCT, h, r->top5_share, NULL);
    kpi_val(&s, "Negative items by the loudest 10%", "top10_authors_share",
            F_PCT, h, r->top10_share, NULL);
    kpi_val(&s, "Authors with 3 or more negative items", "repeat_authors",
            F_INT, h, (double)r->repeat_authors, NULL);
    kpi_val(&s, "Negative items without an author", "anonymous_share", F_PCT,
            h, r->anonymous_share, NULL);
    kpi_val(&s, "Authors turned around (a positive item later)",
            "turned_around_authors", F_INT, h, (double)r->turned_authors,
            NULL);
    kpi_val(&s, "Turned around, share of negative authors",
            "turned_around_share", F_PCT, h, r->turned_share, NULL);
    kpi_val(&s, "Turned around after a response",
            "turned_around_after_response", F_INT, h,
            (double)r->turned_after_response, NULL);

    s_section(&s, "What the negative items are");
    h = r->negative.count > 0;
    kpi_val(&s, "Terse (fewer than 8 words)", "terse_share", F_PCT, h,
            r->terse_share, NULL);
    kpi_val(&s, "Abusive (an insult or profanity)", "abusive_share", F_PCT, h,
            r->abusive_share, NULL);
    kpi_val(&s, "Detailed (neither)", "detailed_share", F_PCT, h,
            r->detailed_share, NULL);

    s_section(&s, "Trend");
    if (r->has_change)
        snprintf(buf, sizeof buf, "two-proportion z = %.2f, p = %.4f",
                 r->change_z, r->change_p);
    snprintf(a, sizeof a, "%s", r->period_name[0] ? r->period_name : "period");
    {
        char label[96];
        snprintf(label, sizeof label,
                 "Negative share, last %s%s minus the one before",
                 r->has_change && r->change_last + 1 < r->nperiods
                     ? "complete "
                     : "",
                 a);
        kpi_val(&s, label, "negative_share_change", F_PCT, r->has_change,
                r->change,
                r->has_change ? buf : "too few items in the last two periods");
    }
    if (r->has_expected) {
        s_section(&s, "Belief");
        kpi_val(&s, "Negative share leadership expected", "expected_negative",
                F_PCT, 1, r->expected_negative, ef_headline_verdict(r));
    }

    /* The input. */
    s_next(&s);
    {
        static const col_spec in_cols[2] = {{"Input", 0, 0}, {"Value", 0, 1}};
        s_header(&s, in_cols, 2, 0);
    }
    kpi_val(&s, "First date (UTC)", "first_date", F_DATE,
            r->first_date != EF_NO_TIME,
            floor((double)r->first_date / 86400.0) + EXCEL_EPOCH, NULL);
    kpi_val(&s, "Last date (UTC)", "last_date", F_DATE,
            r->last_date != EF_NO_TIME,
            floor((double)r->last_date / 86400.0) + EXCEL_EPOCH, NULL);
    kpi_val(&s, "Rows read", "rows_read", F_INT, 1, (double)r->rows_read,
            NULL);
    kpi_val(&s, "Rows used", "rows_used", F_INT, 1, (double)r->rows_used,
            NULL);
    kpi_val(&s, "Rows rejected", "rows_rejected", F_INT, 1,
            (double)r->rows_rejected,
            r->rows_rejected ? "listed in rejected.csv" : NULL);
    if (r->brand_accounts)
        kpi_val(&s, "Brand's own posts, left out", "brand_posts", F_INT, 1,
                (double)r->brand_posts, r->brand_accounts);
    kpi_val(&s, "Invalid UTF-8 sequences replaced", "invalid_utf8_replaced",
            F_INT, 1, (double)r->invalid_utf8, NULL);

    /* Charts, to the right of the table. */
    if (r->nperiods > 0)
        summary_trend_chart(x, r);
    if (r->nchannels > 0)
        summary_channels_chart(x, r);
    sheet_setup(x, x->summary);
    /* the header row is frozen and repeated, not the title */
    worksheet_freeze_panes(x->summary, header + 1, 0);
    lx(x, worksheet_repeat_rows(x->summary, header, header));
    worksheet_fit_to_pages(x->summary, 1, 1);
}

/* ==== Trend, Channels, Themes, Spikes =================================== */

/* c mixed with white, f of the way (the charts' lighter bars). */
static lxw_color_t toward_white(lxw_color_t c, double f)
{
    lxw_color_t out = 0;
    for (int sh = 16; sh >= 0; sh -= 8) {
        double v = (c >> sh) & 255;
        out |= (lxw_color_t)lround(v + (255 - v) * f) << sh;
    }
    return out;
}

static void write_trend(ef_xlsx *x, const ef_report *r)
{
    /* what the Summary's line chart draws: the share shown first (the
     * re-estimated one, else VADER's), blank where too few to call, and
     * those points apart, as the HTML draws them */
    static const col_spec chart_cols[TC_NCOLS] = {
        {"Chart: negative share", 20, 1},
        {"Chart: 95% CI low", 16, 1},
        {"Chart: 95% CI high", 17, 1},
        {"Chart: too few to call", 20, 1}};
    sheet s = {x, x->trend, 0};
    size_t ncols = trend_chart_col(r);
    lxw_row_t n = (lxw_row_t)r->nperiods;
    col_spec cols[T_NCOLS + TC_NCOLS];
    lxw_col_t pos[T_NCOLS] = {0};
    char ref[16];

    col_order(trend_cols, ncols == T_NCOLS ? trend_adj : trend_plain, ncols,
              cols, pos);
    if (ncols == T_NCOLS) {
        cols[pos[T_SHARE]].name = "VADER's share";
        cols[pos[T_LOW]].name = "VADER's low";
        cols[pos[T_HIGH]].name = "VADER's high";
    }
    memcpy(cols + ncols, chart_cols, sizeof chart_cols);
    s_header(&s, cols, ncols + TC_NCOLS, 1);
    for (size_t i = 0; i < r->nperiods; i++) {
        const ef_period_stat *p = &r->periods[i];
        const ef_share *shown = p->adjusted ? &p->adj : &p->negative;
        lxw_col_t tc = (lxw_col_t)ncols;
        if (p->n && !p->too_few) {
            s_num(&s, tc + TC_SHARE, shown->share, F_PCT);
            s_num(&s, tc + TC_LOW, shown->lo, F_PCT);
            s_num(&s, tc + TC_HIGH, shown->hi, F_PCT);
        } else if (p->n) {
            s_num(&s, tc + TC_FEW, shown->share, F_PCT);
        }
        { /* "W09 (partial)": the chart's category says it too */
            char label[40];
            ef_find_period_label(p, label, sizeof label);
            s_str(&s, pos[T_PERIOD], label, F_NONE);
        }
        s_num(&s, pos[T_START], serial_of_date(p->date), F_DATE);
        s_num(&s, pos[T_N], (double)p->n, F_INT);
        s_num(&s, pos[T_NEG], (double)p->count[EF_NEGATIVE], F_INT);
        s_num(&s, pos[T_NEU], (double)p->count[EF_NEUTRAL], F_INT);
        s_num(&s, pos[T_POS], (double)p->count[EF_POSITIVE], F_INT);
        if (p->n) {
            s_num(&s, pos[T_SHARE], p->negative.share, F_PCT);
            s_num(&s, pos[T_LOW], p->negative.lo, F_PCT);
            s_num(&s, pos[T_HIGH], p->negative.hi, F_PCT);
        }
        if (p->nps.has) {
            s_num(&s, pos[T_NPS], p->nps.score, F_DEC1);
            s_num(&s, pos[T_NPS_N], (double)p->nps.n, F_INT);
        }
        s_str(&s, pos[T_SPIKE], p->spike ? "spike" : NULL, F_NONE);
        if (p->tested) {
            s_num(&s, pos[T_BASELINE], p->baseline, F_PCT);
            s_num(&s, pos[T_P], p->p_value, F_PVAL);
        }
        s_str(&s, pos[T_FEW], p->too_few ? "yes" : NULL, F_MUTED);
        if (p->adjusted) {
            s_num(&s, pos[T_ADJ], p->adj.share, F_PCT);
            s_num(&s, pos[T_ADJ_LOW], p->adj.lo, F_PCT);
            s_num(&s, pos[T_ADJ_HIGH], p->adj.hi, F_PCT);
        }
        s_next(&s);
    }
    if (n > 0) {
        /* Too-few rows are greyed and stop there: they never take the
         * share's colour. Spikes are bold. */
        lxw_conditional_format few = {0}, spike = {0}, scale = {0};
        lxw_chart *ch;
        int any_few = 0;
        lxw_chart_options opt = {0};
        static const struct {
            const char *name;
            lxw_col_t col;
            lxw_color_t color;
        } series[3] = {{"Negative", T_NEG, EF_RGB_NEGATIVE},
                       {"Neutral", T_NEU, EF_RGB_NEUTRAL},
                       {"Positive", T_POS, EF_RGB_POSITIVE}};

        /* the share shown first: the re-estimated one, else VADER's */
        lxw_col_t first = ncols == T_NCOLS ? pos[T_ADJ] : pos[T_SHARE];
        char sref[16];

        few.type = LXW_CONDITIONAL_TYPE_FORMULA;
        col_ref(ref, sizeof ref, "=$%c2=\"yes\"", pos[T_FEW]);
        few.value_string = ref;
        few.format = x->f[F_CF_MUTED];
        few.stop_if_true = LXW_TRUE;
        lx(x, worksheet_conditional_format_range(x->trend, 1, first, n,
                                                 pos[T_HIGH], &few));
        spike.type = LXW_CONDITIONAL_TYPE_FORMULA;
        col_ref(sref, sizeof sref, "=$%c2=\"spike\"", pos[T_SPIKE]);
        spike.value_string = sref;
        spike.format = x->f[F_CF_BOLD];
        lx(x, worksheet_conditional_format_range(x->trend, 1, first, n, first,
                                                 &spike));
        scale.type = LXW_CONDITIONAL_2_COLOR_SCALE;
        scale.min_color = 0xFFFFFF;
        scale.max_color = EF_RGB_BAND;
        lx(x, worksheet_conditional_format_range(x->trend, 1, first, n, first,
                                                 &scale));

        ch = workbook_add_chart(x->wb, LXW_CHART_COLUMN_STACKED);
        for (size_t i = 0; i < r->nperiods; i++)
            any_few |= r->periods[i].too_few;
        for (int i = 0; i < 3; i++) {
            lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
            lxw_chart_fill fill = {0}, light = {0};
            fill.color = series[i].color;
            light.color = toward_white(series[i].color, 0.62);
            chart_series_set_categories(se, "Trend", 1, pos[T_PERIOD], n,
                                        pos[T_PERIOD]);
            chart_series_set_values(se, "Trend", 1, pos[series[i].col], n,
                                    pos[series[i].col]);
            chart_series_set_name(se, series[i].name);
            chart_series_set_fill(se, &fill);
            if (any_few) { /* lighter bars: too few to call, as drawn */
                lxw_chart_point *pts = ef_xcalloc(n, sizeof *pts);
                lxw_chart_point **pp = ef_xcalloc(n + 1, sizeof *pp);
                for (size_t k = 0; k < n; k++) {
                    pts[k].fill = r->periods[k].too_few ? &light : &fill;
                    pp[k] = &pts[k];
                }
                lx(x, chart_series_set_points(se, pp));
                free(pts);
                free(pp);
            }
        }
        chart_title_set_name(ch, any_few ? "Items per period by class "
                                           "(lighter: too few to call)"
                                         : "Items per period by class");
        chart_axis_set_num_format(ch->y_axis, "#,##0");
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        opt.x_scale = 1.5;
        opt.y_scale = 1.1;
        lx(x, worksheet_insert_chart_opt(
                  x->trend, 1, (lxw_col_t)(ncols + TC_NCOLS + 1), ch, &opt));
    }
    sheet_setup(x, x->trend);
}

static void write_groups(sheet *s, const ef_group_stat *g, size_t n,
                         const lxw_col_t *pos, int adj)
{
    for (size_t i = 0; i < n; i++, s_next(s)) {
        s_str(s, pos[C_NAME], g[i].name, F_NONE);
        s_num(s, pos[C_N], (double)g[i].n, F_INT);
        s_num(s, pos[C_NEG], (double)g[i].count[EF_NEGATIVE], F_INT);
        s_num(s, pos[C_NEU], (double)g[i].count[EF_NEUTRAL], F_INT);
        s_num(s, pos[C_POS], (double)g[i].count[EF_POSITIVE], F_INT);
        if (g[i].n) {
            s_num(s, pos[C_SHARE], g[i].negative.share, F_PCT);
            s_num(s, pos[C_LOW], g[i].negative.lo, F_PCT);
            s_num(s, pos[C_HIGH], g[i].negative.hi, F_PCT);
        }
        if (adj && g[i].adjusted) {
            s_num(s, pos[C_ADJ], g[i].adj.share, F_PCT);
            s_num(s, pos[C_ADJ_LOW], g[i].adj.lo, F_PCT);
            s_num(s, pos[C_ADJ_HIGH], g[i].adj.hi, F_PCT);
        }
        if (g[i].nps.has) {
            s_num(s, pos[C_NPS], g[i].nps.score, F_DEC1);
            s_num(s, pos[C_NPS_N], (double)g[i].nps.n, F_INT);
        }
        if (g[i].has_response) {
            s_num(s, pos[C_RESP], g[i].response_rate, F_PCT);
            s_num(s, pos[C_HOURS], g[i].median_hours, F_DEC1);
        }
        s_str(s, pos[C_FEW], g[i].too_few ? "yes" : NULL, F_MUTED);
    }
}

/* The header and rows of one table of groups (channels or segments);
 * name: the first column's title. */
static void group_table(ef_xlsx *x, sheet *s, const ef_group_stat *g, size_t n,
                        const char *name, int widths, lxw_col_t *pos)
{
    int adj = n > 0 && g[0].adjusted;
    size_t ncols = adj ? C_NCOLS : C_ADJ;
    col_spec cols[C_NCOLS];

    col_order(group_cols, adj ? group_adj : group_plain, ncols, cols, pos);
    if (adj) {
        cols[pos[C_SHARE]].name = "VADER's share";
        cols[pos[C_LOW]].name = "VADER's low";
        cols[pos[C_HIGH]].name = "VADER's high";
    }
    if (name)
        cols[pos[C_NAME]].name = name;
    s_header(s, cols, ncols, widths);
    write_groups(s, g, n, pos, adj);
    (void)x;
}

static void write_channels(ef_xlsx *x, const ef_report *r)
{
    sheet s = {x, x->channels, 0};
    lxw_col_t pos[C_NCOLS] = {0};

    group_table(x, &s, r->channels, r->nchannels, NULL, 1, pos);
    if (r->nchannels > 0) {
        lxw_conditional_format few = {0};
        lxw_col_t first = r->channels[0].adjusted ? pos[C_ADJ] : pos[C_SHARE];
        char ref[16];
        few.type = LXW_CONDITIONAL_TYPE_FORMULA;
        col_ref(ref, sizeof ref, "=$%c2=\"yes\"", pos[C_FEW]);
        few.value_string = ref;
        few.format = x->f[F_CF_MUTED];
        lx(x, worksheet_conditional_format_range(x->channels, 1, first,
                                                 (lxw_row_t)r->nchannels,
                                                 pos[C_HIGH], &few));
    }
    if (r->segment_name && r->nsegments > 0) {
        ef_buf name = EF_BUF_INIT;

        ef_buf_printf(&name, "Segment: %s", r->segment_name);
        s_next(&s);
        group_table(x, &s, r->segments, r->nsegments,
                    xlsx_clean(name.data, name.len, &x->clean), 0, pos);
        ef_buf_reset(&name);
    }
    sheet_setup(x, x->channels);
}

static void write_themes(ef_xlsx *x, const ef_report *r)
{
    static const col_spec cols[4] = {{"Term", 24, 0},
                                     {"In negative items", 17, 1},
                                     {"In other items", 15, 1},
                                     {"z-score", 9, 1}};
    sheet s = {x, x->themes, 0};

    s_header(&s, cols, 4, 1);
    for (size_t i = 0; i < r->nthemes; i++, s_next(&s)) {
        s_str(&s, 0, r->themes[i].term, F_NONE);
        s_num(&s, 1, (double)r->themes[i].count, F_INT);
        s_num(&s, 2, (double)r->themes[i].other, F_INT);
        s_num(&s, 3, r->themes[i].z, F_DEC2);
    }
    if (r->nthemes == 0) {
        s_str(&s, 0, "No term is distinctive of the negative items.", F_MUTED);
        s_next(&s);
    }
    sheet_setup(x, x->themes);
}

#define STR_(x) #x
#define STR(x) STR_(x) /* a number macro's value, as a string */

static const char spike_rule[] =
    "A spike is a period whose negative count is improbably high against "
    "the median negative share of the 8 periods before it (one-sided "
    "binomial test, p < 0.001, at least 10 negative items). Its terms are "
    "the most distinctive of its negative items among those used by at "
    "least " STR(EF_SPIKE_TERM_AUTHORS) " different authors (items, where "
                                        "there is no author).";

static void write_spikes(ef_xlsx *x, const ef_report *r)
{
    static const col_spec cols[8] = {
        {"Period", 11, 0},         {"Start", 11, 0},
        {"Items", 9, 1},           {"Negative", 9, 1},
        {"Negative share", 14, 1}, {"Baseline share", 14, 1},
        {"p-value", 9, 1},         {"Distinctive negative terms", 50, 0}};
    sheet s = {x, x->spikes, 0};
    ef_buf terms = EF_BUF_INIT;
    int any = 0;

    s_header(&s, cols, 8, 1);
    for (size_t i = 0; i < r->nperiods; i++) {
        const ef_period_stat *p = &r->periods[i];
        if (!p->spike)
            continue;
        any = 1;
        s_str(&s, 0, p->label, F_NONE);
        s_num(&s, 1, serial_of_date(p->date), F_DATE);
        s_num(&s, 2, (double)p->n, F_INT);
        s_num(&s, 3, (double)p->count[EF_NEGATIVE], F_INT);
        s_num(&s, 4, p->negative.share, F_PCT);
        s_num(&s, 5, p->baseline, F_PCT);
        s_num(&s, 6, p->p_value, F_PVAL);
        ef_buf_clear(&terms);
        for (size_t t = 0; t < p->nterms; t++)
            ef_buf_printf(&terms, "%s%s", t ? ", " : "", p->terms[t]);
        s_str(&s, 7, ef_buf_cstr(&terms), F_NONE);
        s_next(&s);
    }
    if (!any) {
        s_str(&s, 0, "No spike.", F_NONE);
        s_next(&s);
    }
    ef_buf_reset(&terms);
    s_next(&s);
    s_str(&s, 0, spike_rule, F_MUTED);
    sheet_setup(x, x->spikes);
}

/* ==== Repair queue ====================================================== */

enum {
    R_RANK,
    R_DATE,
    R_CHANNEL,
    R_AUTHOR,
    R_TEXT,
    R_COMPOUND,
    R_WORDS,
    R_STATUS,
    R_OWNER,
    R_NOTES,
    R_URL,
    R_ID,
    R_FILE,
    R_LINE,
    R_NCOLS
};

static const col_spec repair_cols[R_NCOLS] = {
    {"Rank", 6, 1},    {"Date", 17, 0},   {"Channel", 12, 0},
    {"Author", 18, 0}, {"Text", 70, 0},   {"Compound", 10, 1},
    {"Words", 7, 1},   {"Status", 12, 0}, {"Owner", 16, 0},
    {"Notes", 40, 0},  {"URL", 50, 0},    {"ID", 14, 0},
    {"File", 20, 0},   {"Line", 8, 1}};

static void write_repair(ef_xlsx *x, const ef_report *r)
{
    static char *status[] = {"Open", "Contacted", "Resolved", "No action",
                             NULL};
    sheet s = {x, x->repair, 0};
    lxw_row_t n = (lxw_row_t)r->nrepair;
    col_spec spec[R_NCOLS];
    size_t ncols = sheet_cols(x, repair_cols, R_NCOLS, R_FILE, spec);

    s_header(&s, spec, ncols, 1);
    for (size_t i = 0; i < r->nrepair; i++, s_next(&s)) {
        const ef_kept_item *k = &r->repair[i];
        int lines = 1;

        /* Rows tall enough to read the text, everything top-aligned. */
        for (int c = 0; c < 3; c++) {
            static const int cols[3] = {R_CHANNEL, R_AUTHOR, R_TEXT};
            const char *t = c == 0 ? k->channel : c == 1 ? k->author : k->text;
            int l =
                xlsx_text_lines(t, repair_cols[cols[c]].width, MAX_ROW_LINES);
            lines = l > lines ? l : lines;
        }
        fit_row(x, x->repair, s.row, lines);
        s_num(&s, R_RANK, (double)(i + 1), F_INT);
        s_num(&s, R_DATE, serial_of_time(x, k->date), F_DATETIME);
        s_str(&s, R_CHANNEL, k->channel, F_WRAP);
        s_str(&s, R_AUTHOR, k->author, F_WRAP);
        s_str(&s, R_TEXT, k->text, F_WRAP);
        s_num(&s, R_COMPOUND, k->scores.compound, F_DEC4);
        s_num(&s, R_WORDS, k->words, F_INT);
        for (lxw_col_t c = R_STATUS; c <= R_NOTES; c++)
            lx(x, worksheet_write_blank(x->repair, s.row, c, x->f[F_INPUT]));
        if (k->url && xlsx_url_ok(k->url))
            lx(x, worksheet_write_url(x->repair, s.row, R_URL, k->url,
                                      x->f[F_TOP_LINK]));
        else
            s_str(&s, R_URL, k->url, F_TOP);
        s_str(&s, R_ID, k->id, F_TOP);
        if (x->file_col)
            s_str(&s, R_FILE, base_name(k->source), F_TOP);
        if (k->line)
            s_num(&s, row_col(x, R_LINE, R_FILE), (double)k->line, F_INT);
    }
    if (n > 0) {
        lxw_data_validation dv = {0};
        dv.validate = LXW_VALIDATION_TYPE_LIST;
        dv.value_list = status;
        dv.input_title = "Status";
        dv.input_message = "Open, Contacted, Resolved or No action";
        lx(x, worksheet_data_validation_range(x->repair, 1, R_STATUS, n,
                                              R_STATUS, &dv));
        lx(x,
           worksheet_autofilter(x->repair, 0, 0, n, (lxw_col_t)(ncols - 1)));
    } else {
        s_str(&s, 0, "No unanswered negative item.", F_MUTED);
    }
    worksheet_set_tab_color(x->repair, EF_RGB_HIGHLIGHT);
    sheet_setup(x, x->repair);
}

/* ==== To label ========================================================== */

void ef_xlsx_set_label_sample(ef_xlsx *x, const ef_xlsx_label_row *rows,
                              size_t n)
{
    x->to_label = ef_xcalloc(n + 1, sizeof *x->to_label);
    for (size_t i = 0; i < n; i++) {
        x->to_label[i].id = ef_xstrdup(rows[i].id);
        x->to_label[i].channel = ef_xstrdup(rows[i].channel);
        x->to_label[i].author = ef_xstrdup(rows[i].author);
        x->to_label[i].text = ef_xstrdup(rows[i].text);
        x->to_label[i].date = rows[i].date;
    }
    x->nto_label = n;
}

/* The label sample as a worklist: a person fills in the label column,
 * then saves the sheet as CSV and feeds it back; the notes above the
 * header say how. A reader of such a CSV finds the header below them
 * (the key and label columns are what --labels reads). */
static void write_to_label(ef_xlsx *x)
{
    static const col_spec cols[6] = {{"key", 18, 0},    {"label", 12, 0},
                                     {"date", 17, 0},   {"channel", 12, 0},
                                     {"author", 18, 0}, {"text", 80, 0}};
    static const char *const notes[] = {
        "Label these items by hand: how would a person read each one?",
        "1. In the label column, choose positive, neutral or negative "
        "(leave it empty to skip an item).",
        "2. Save this sheet as CSV: File > Save As, \"CSV UTF-8 (Comma "
        "delimited)\" in Excel, \"Text CSV\" with the UTF-8 character set "
        "in LibreOffice. Leave the key column as it is.",
        "3. Feed it back: earful report INPUT... --labels FILE.csv (the "
        "inputs this report read, or the store imported from them).",
        "Or label in a terminal: earful label on the label_sample CSV "
        "written beside this workbook shows one item at a time and saves "
        "every answer.",
        NULL};
    static char *labels[] = {"positive", "neutral", "negative", NULL};
    lxw_worksheet *ws = add_sheet(x, "To label");
    sheet s = {x, ws, 0};
    lxw_row_t head;

    if (ws == NULL) {
        lx(x, LXW_ERROR_CREATING_TMPFILE);
        return;
    }
    for (int i = 0; notes[i]; i++, s_next(&s))
        s_str(&s, 0, notes[i], i == 0 ? F_TITLE : F_MUTED);
    s_next(&s);
    head = s.row;
    s_header(&s, cols, 6, 1);
    for (size_t i = 0; i < x->nto_label; i++, s_next(&s)) {
        const ef_xlsx_label_row *r = &x->to_label[i];
        fit_row(x, ws, s.row,
                xlsx_text_lines(r->text, cols[5].width, MAX_ROW_LINES));
        s_str(&s, 0, r->id, F_TOP);
        lx(x, worksheet_write_blank(ws, s.row, 1, x->f[F_INPUT]));
        s_num(&s, 2, serial_of_time(x, r->date), F_DATETIME);
        s_str(&s, 3, r->channel, F_WRAP);
        s_str(&s, 4, r->author, F_WRAP);
        s_str(&s, 5, r->text, F_WRAP);
    }
    if (x->nto_label > 0) {
        lxw_data_validation dv = {0};
        dv.validate = LXW_VALIDATION_TYPE_LIST;
        dv.value_list = labels;
        dv.input_title = "Label";
        dv.input_message = "How would a person read it: positive, neutral "
                           "or negative?";
        lx(x, worksheet_data_validation_range(
                  ws, head + 1, 1, head + (lxw_row_t)x->nto_label, 1, &dv));
    }
    worksheet_set_tab_color(ws, EF_RGB_ACCENT);
    sheet_setup(x, ws);
    worksheet_freeze_panes(ws, head + 1, 0);
    lx(x, worksheet_repeat_rows(ws, head, head));
}

/* ==== Calibration and Method ============================================ */

static void write_calibration(ef_xlsx *x, const ef_report *r)
{
    static const col_spec cols[5] = {
        {"Human label \xe2\x86\x93 / VADER \xe2\x86\x92", 38, 0},
        {"Negative", 12, 1},
        {"Neutral", 12, 1},
        {"Positive", 12, 1},
        {"Total", 12, 1}};
    static const col_spec mcols[5] = {{"Measure", 0, 0},
                                      {"Value", 0, 1},
                                      {"95% CI low", 0, 1},
                                      {"95% CI high", 0, 1},
                                      {"Note", 0, 0}};
    static const char *const names[3] = {"Negative", "Neutral", "Positive"};
    const ef_calibration *c = &r->calib;
    lxw_worksheet *ws = add_sheet(x, "Calibration");
    sheet s = {x, ws, 0};
    uint64_t col[3] = {0, 0, 0}, all = 0;

    if (ws == NULL) {
        lx(x, LXW_ERROR_CREATING_TMPFILE);
        return;
    }
    s_header(&s, cols, 5, 1);
    for (int h = 0; h < 3; h++, s_next(&s)) {
        uint64_t row = 0;
        s_str(&s, 0, names[h], F_SECTION);
        for (int v = 0; v < 3; v++) {
            s_num(&s, (lxw_col_t)(1 + v), (double)c->confusion[h][v], F_INT);
            row += c->confusion[h][v];
            col[v] += c->confusion[h][v];
        }
        s_num(&s, 4, (double)row, F_INT);
        all += row;
    }
    s_str(&s, 0, "Total", F_SECTION);
    for (int v = 0; v < 3; v++)
        s_num(&s, (lxw_col_t)(1 + v), (double)col[v], F_INT);
    s_num(&s, 4, (double)all, F_INT);
    s_next(&s);
    s_next(&s);
    s_header(&s, mcols, 5, 0);
    s_str(&s, 0, "Labelled rows", F_NONE);
    s_num(&s, 1, (double)c->labeled, F_INT);
    s_next(&s);
    s_str(&s, 0, "True positive rate (negatives found)", F_NONE);
    s_num(&s, 1, c->tpr, F_PCT);
    s_next(&s);
    s_str(&s, 0, "False positive rate", F_NONE);
    s_num(&s, 1, c->fpr, F_PCT);
    s_next(&s);
    s_str(&s, 0, "Negative share, VADER", F_NONE);
    s_num(&s, 1, c->raw_share, F_PCT);
    s_next(&s);
    if (ef_calib_is_adjusted(c)) {
        const char *how =
            c->exact ? "every item labelled: exact" : "bootstrap interval";
        s_str(&s, 0, "Negative share, re-estimated", F_SECTION);
        s_num(&s, 1, c->adjusted.share, F_PCT);
        s_num(&s, 2, c->adjusted.lo, F_PCT);
        s_num(&s, 3, c->adjusted.hi, F_PCT);
        s_str(&s, 4, how, F_MUTED);
        s_next(&s);
        if (c->has_pos) {
            s_str(&s, 0, "Neutral share, re-estimated", F_NONE);
            s_num(&s, 1, c->adjusted_neu.share, F_PCT);
            s_num(&s, 2, c->adjusted_neu.lo, F_PCT);
            s_num(&s, 3, c->adjusted_neu.hi, F_PCT);
            s_next(&s);
            s_str(&s, 0, "Positive share, re-estimated", F_NONE);
            s_num(&s, 1, c->adjusted_pos.share, F_PCT);
            s_num(&s, 2, c->adjusted_pos.lo, F_PCT);
            s_num(&s, 3, c->adjusted_pos.hi, F_PCT);
            s_next(&s);
            s_str(&s, 0, "Net sentiment, re-estimated", F_NONE);
            s_num(&s, 1, c->net, F_PCT);
            s_num(&s, 2, c->net_lo, F_PCT);
            s_num(&s, 3, c->net_hi, F_PCT);
            s_next(&s);
        }
    }
    s_str(&s, 0, "Method", F_NONE);
    s_str(&s, 1, c->method, F_NONE);
    s_next(&s);
    if (c->note[0]) {
        s_str(&s, 0, "Note", F_NONE);
        s_str(&s, 1, c->note, F_NONE);
        s_next(&s);
    }
    sheet_setup(x, ws);
}

static void method_row(sheet *s, const char *item, const char *value,
                       const char *detail)
{
    int a = xlsx_text_lines(value, 46, MAX_ROW_LINES),
        b = xlsx_text_lines(detail, 80, MAX_ROW_LINES);

    fit_row(s->x, s->ws, s->row, a > b ? a : b);
    s_str(s, 0, item, F_SECTION);
    s_str(s, 1, value, F_WRAP);
    s_str(s, 2, detail, F_WRAP);
    s_next(s);
}

static void write_method(ef_xlsx *x, const ef_report *r)
{
    static const col_spec cols[3] = {
        {"Item", 30, 0}, {"Value", 46, 0}, {"Detail", 80, 0}};
    static const col_spec fcols[8] = {
        {"Input file", 0, 0},    {"Kind and encoding", 0, 0},
        {"SHA-256", 0, 0},       {"Rows read", 0, 1},
        {"Rows used", 0, 1},     {"Rows rejected", 0, 1},
        {"Invalid UTF-8", 0, 1}, {"NUL bytes", 0, 1}};
    lxw_worksheet *ws = add_sheet(x, "Method");
    sheet s = {x, ws, 0};
    char a[64], b[64], buf[512];

    if (ws == NULL) {
        lx(x, LXW_ERROR_CREATING_TMPFILE);
        return;
    }
    s_header(&s, cols, 3, 1);
    lx(x, worksheet_set_column(ws, 3, 7, 14, NULL));
    method_row(&s, "Scorer", r->scorer,
               "VADER (Hutto & Gilbert, ICWSM 2014) with the semantics of "
               "vaderSentiment 3.3.2; scores neg, neu, pos and compound "
               "(-1 to 1).");
    ef_fmt_fixed(a, x->thr.neg_max, 4);
    ef_fmt_fixed(b, x->thr.pos_min, 4);
    snprintf(buf, sizeof buf,
             "negative: compound <= %s; positive: "
             "compound >= %s; neutral: in between",
             a, b);
    method_row(&s, "Classes", buf, "--thresholds changes them.");
    method_row(&s, "Strongly negative", "compound <= -0.75", NULL);
    method_row(&s, "Names", "@mentions and --brand words carry no valence",
               "A @mention names an account (VADER would read @united as "
               "the word united, +1.8); hashtags keep their valence.");
    method_row(&s, "Share intervals", "95% Wilson score interval",
               "For VADER's shares: sampling error only, not VADER's own "
               "error. Every share is given with its interval and its n.");
    if (!ef_calib_is_adjusted(&r->calib)) {
        ef_headline_unchecked(r, buf, sizeof buf);
        method_row(&s, "Unchecked",
                   "VADER's shares, not checked against "
                   "people",
                   buf);
    } else {
        snprintf(buf, sizeof buf, "%s; %d bootstrap replicates",
                 r->calib.method, r->calib.replicates);
        method_row(&s, "Re-estimated shares", buf,
                   "A logistic model of the human label on VADER's score "
                   "bin and the group (channel; separately segment and "
                   "period), each group's shift per VADER class drawn "
                   "towards the others' as far as the labels say the "
                   "groups differ; labelled items count as labelled. It "
                   "assumes the labelled items are like the others within "
                   "a score bin and group.");
    }
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)r->min_n);
    method_row(&s, "Too few to call", buf,
               "A period or segment with fewer rows is shown but marked, "
               "and never drives a headline, a spike or a chart colour "
               "(--min-n).");
    method_row(&s, "Net sentiment", "(positive - negative) / n",
               "The dashboards' (positive - negative) / (positive + "
               "negative) drops the neutral items and exaggerates.");
    method_row(&s, "NPS", "100 (P - D) / m",
               "Over the m rows with an answer: promoters 9-10, detractors "
               "0-6; margin of error 1.96 x 100 x sqrt((p + d - (p - d)^2) "
               "/ m).");
    method_row(&s, "CSAT", "share of 4-5 stars",
               "Mean stars with a normal 95% interval.");
    snprintf(buf, sizeof buf, "%s, time zone %s",
             r->period_name[0] ? r->period_name : "week",
             r->tz[0] ? r->tz : "UTC");
    method_row(&s, "Periods", buf,
               "Weeks are ISO weeks starting on Monday; the last period is "
               "compared with the one before by a two-proportion z-test.");
    method_row(&s, "Spikes", "one-sided binomial, p < 0.001", spike_rule);
    method_row(&s, "Themes", "log-odds ratio, informative Dirichlet prior",
               "Monroe, Colaresi & Quinn (2008): the z-score of each term in "
               "negative items against all others; stopwords removed.");
    method_row(&s, "Venting",
               "terse < 8 words; abusive: insult or "
               "profanity; detailed: neither",
               "Shares of negative items.");
    method_row(&s, "Repair queue", "unanswered negative items",
               "Ranked by severity, detail and recency. Status, Owner and "
               "Notes are for the team to fill in.");
    if (r->calib.has)
        method_row(&s, "Calibration", r->calib.method,
                   "VADER's classes against the human labels: see the "
                   "Calibration sheet.");
    snprintf(buf, sizeof buf, "%s", ef_tz_name(x->tz));
    method_row(&s, "Dates", buf,
               "Dates of rows are shown in this zone; periods start at "
               "local midnight in the report's time zone.");
    ef_datetime_format_utc(r->generated, a);
    method_row(&s, "Generated", a, "SOURCE_DATE_EPOCH when set.");
    method_row(&s, "Cells", "text is stored as text",
               "Never a formula. Characters XML cannot hold are dropped, "
               "invalid UTF-8 is replaced by U+FFFD, and a cell longer "
               "than Excel's 32,767 characters is cut and ends with "
               "\"\xe2\x80\xa6 [cut]\".");
    for (int i = 0; i < EF_REJECT_COUNT; i++) {
        if (r->rejected[i] == 0)
            continue;
        snprintf(a, sizeof a, "Rejected: %s",
                 ef_reject_reason_name((ef_reject_reason)i));
        snprintf(b, sizeof b, "%llu", (unsigned long long)r->rejected[i]);
        method_row(&s, a, b, NULL);
    }
    if (r->nfiles > 0) {
        s_next(&s);
        s_header(&s, fcols, 8, 0);
        for (size_t i = 0; i < r->nfiles; i++, s_next(&s)) {
            const ef_input_file *f = &r->files[i];
            char kind[128];
            snprintf(kind, sizeof kind, "%s, %s", f->kind, f->encoding);
            fit_row(x, ws, s.row, xlsx_text_lines(f->path, 24, MAX_ROW_LINES));
            s_str(&s, 0, f->path, F_WRAP);
            s_str(&s, 1, kind, F_TOP);
            s_str(&s, 2, f->sha256, F_TOP);
            s_num(&s, 3, (double)f->rows_read, F_INT);
            s_num(&s, 4, (double)f->rows_used, F_INT);
            s_num(&s, 5, (double)f->rows_rejected, F_INT);
            s_num(&s, 6, (double)f->invalid_utf8, F_INT);
            s_num(&s, 7, (double)f->nul_bytes, F_INT);
        }
    }
    sheet_setup(x, ws);
}

/* ==== Finish ============================================================ */

ef_status ef_xlsx_finish(ef_xlsx *x, const ef_report *r, ef_err *e)
{
    lxw_doc_properties props = {0};
    char title[512], subject[256];
    lxw_error lrc;
    ef_status rc;

    if (x->finished || x->wb == NULL)
        return ef_fail(e, EF_ERR_INTERNAL, "%s: workbook already finished",
                       x->path);
    write_summary(x, r);
    write_trend(x, r);
    write_channels(x, r);
    write_themes(x, r);
    write_spikes(x, r);
    write_repair(x, r);
    if (x->lerr)
        return lx_fail(x, e);
    if ((rc = write_negative(x, e)) != EF_OK)
        return rc;
    rs_end(x, &x->negative);
    rs_end(x, &x->data);
    if (r->calib.has)
        write_calibration(x, r);
    if (x->to_label)
        write_to_label(x);
    write_method(x, r);
    if (x->lerr)
        return lx_fail(x, e);

    report_title(x, r, title, sizeof title);
    snprintf(subject, sizeof subject,
             "Sentiment of %llu feedback items (negative share %.1f%%)",
             (unsigned long long)r->n, 100.0 * r->negative.share);
    props.title = title;
    props.subject = subject;
    props.author = "earful";
    props.keywords = "feedback, sentiment, VADER";
    props.comments = "Generated by earful";
    props.created = (time_t)x->created;
    lx(x, workbook_set_properties(x->wb, &props));
    if ((rc = check_tmps(x, 1, e)) != EF_OK)
        return rc;

    {
        err_catch c;
        char said[256];
        catch_begin(&c);
        lrc = workbook_close(x->wb); /* frees the workbook, whatever happens */
        catch_end(&c, said, sizeof said);
        x->wb = NULL;
        x->finished = 1;
        x->ntmps = 0; /* closed by now, or left open: not ours to touch */
        if (lrc != LXW_NO_ERROR) {
            /* The sheets' temporary files may still be open, with the
             * stdio buffers we gave them: those must outlive them (exit
             * flushes open files), so they go to orphan_bufs. */
            orphan_bufs = ef_xrealloc(orphan_bufs, (norphan_bufs + x->nbufs) *
                                                       sizeof *orphan_bufs);
            memcpy(orphan_bufs + norphan_bufs, x->bufs,
                   x->nbufs * sizeof *x->bufs);
            norphan_bufs += x->nbufs;
            x->nbufs = 0;
            const char *why = lxw_strerror(lrc);
            int k = (int)strlen(why);
            if (k > 0 && why[k - 1] == '.')
                k--; /* "...file." */
            return ef_fail(e, lxw_status(lrc), "%s: %.*s%s%s%s", x->path, k,
                           why, said[0] ? " (" : "", said, said[0] ? ")" : "");
        }
    }
    if (x->lerr)
        return lx_fail(x, e);
    x->created_file = 0; /* the file is good: keep it */
    return EF_OK;
}

void ef_xlsx_free(ef_xlsx *x)
{
    if (x == NULL)
        return;
    if (x->wb) {
        /* Not finished: discard the workbook. libxlsxwriter has no call
         * for that: workbook_close would write the file, and
         * lxw_workbook_free (1.1.x) leaves the sheets' constant-memory
         * temporary files open (a descriptor and a buffer each). So they
         * are closed here, the one place that writes into libxlsxwriter's
         * structs: the two fields that point at the closed file are
         * cleared, so that a libxlsxwriter whose lxw_worksheet_free
         * closes them finds nothing to close twice. */
        lxw_worksheet *ws;
        LXW_FOREACH_WORKSHEET(ws, x->wb)
        {
            if (ws->optimize_tmpfile) {
                fclose(ws->optimize_tmpfile);
                ws->optimize_tmpfile = NULL;
                ws->file = NULL;
            }
        }
        lxw_workbook_free(x->wb);
    }
    for (size_t i = 0; i < x->nto_label; i++) {
        free((char *)x->to_label[i].id);
        free((char *)x->to_label[i].channel);
        free((char *)x->to_label[i].author);
        free((char *)x->to_label[i].text);
    }
    free(x->to_label);
    if (x->created_file)
        unlink(x->path);
    if (x->spill)
        fclose(x->spill);
    free(x->spill_buf);
    for (size_t i = 0; i < x->nbufs; i++)
        free(x->bufs[i]);
    free(x->bufs);
    free(x->tmps);
    for (size_t i = 0; i < x->nsources; i++)
        free(x->sources[i]);
    free(x->sources);
    free(x->keys);
    ef_buf_reset(&x->clean);
    ef_buf_reset(&x->rec);
    free(x->path);
    free(x->tmpdir);
    free(x->title);
    free(x);
}
