/* cmd_label.c - `earful label FILE.csv`: label a sample in the terminal,
 * one item at a time, each answer saved into the file as it is given.
 *
 * The terminal: plain termios (no canonical mode, no echo; signals kept,
 * so ^C, ^Z and ^\ work as everywhere) and a few ANSI sequences that
 * every terminal emulator since the VT100 knows (the alternate screen,
 * cursor home, clear); no colour under NO_COLOR, no cursor motion under
 * TERM=dumb. Whatever way the program ends (q, ^C, SIGTERM, SIGHUP, an
 * error), the terminal is given back as it was; ^Z gives it back too and
 * takes it again on SIGCONT; SIGWINCH redraws. Signals are blocked except
 * while waiting for a key (ppoll), so an answer being saved is always
 * saved whole before a signal is acted on. Item text is untrusted: it
 * reaches the terminal only through ttytext.c, which escapes anything
 * that could act on it. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "cmdline.h"
#include "label_file.h"
#include "sentiment/sentiment.h"
#include "util/ttytext.h"
#include "util/util.h"

enum { O_START = 256 };

static const ef_option options[] = {
    {"start", 0, O_START, "N",
     "start at item N (1 is the first) instead of\n"
     "the first without a label",
     EF_OPT_NONE},
    {.shared = EF_OPT_MAP, .help = "map fields to columns, as for report"},
    {.shared = EF_OPT_HELP},
};

static const ef_command command = {
    "label",
    "usage: earful label [OPTIONS] FILE.csv\n"
    "\n"
    "Labels the items of FILE.csv in the terminal, one at a time, and "
    "writes each\nlabel into the file's label column as it is given "
    "(the file is replaced\natomically: a crash loses at most the item "
    "on the screen). Starts at the first\nitem without a label, so a "
    "second run goes on where the first stopped.\nFILE.csv is usually "
    "the label_sample.csv of `earful report --label-sample N`;\nany CSV "
    "with text and date columns will do (a label column is added if "
    "missing).\n"
    "\n"
    "Keys\n"
    "  n or 1      negative\n"
    "  u or 2      neutral\n"
    "  p or 3      positive\n"
    "  s or Right  skip: leave it without a label, go to the next item\n"
    "  b or Left   back to the item before\n"
    "  j k, Down Up, Space   scroll a long text\n"
    "  q or ^C     quit (every answer is saved already)\n"
    "\n"
    "Options\n",
    "\n"
    "NO_COLOR, when set, turns colours off. Standard input must be a "
    "terminal.\nThen: earful report INPUT... --labels FILE.csv\n",
    options, EF_ARRAY_LEN(options)};

/* ==== The terminal ====================================================== */

static volatile sig_atomic_t got_exit, got_tstp, got_cont, got_winch;

static void on_signal(int sig)
{
    if (sig == SIGWINCH)
        got_winch = 1;
    else if (sig == SIGTSTP)
        got_tstp = 1;
    else if (sig == SIGCONT)
        got_cont = 1;
    else if (!got_exit)
        got_exit = sig;
}

static const int handled[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,
                              SIGTSTP, SIGCONT, SIGWINCH};

typedef struct {
    struct termios saved; /* the terminal as it was given to us */
    int raw;              /* ours now */
    int fancy;            /* cursor motion and the alternate screen */
    int color;
    int rows, cols;
} term;

static term T; /* one terminal per process: atexit needs to find it */

static void out(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t k = write(STDOUT_FILENO, s, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return; /* a hung-up terminal: nothing more to show */
        s += k;
        n -= (size_t)k;
    }
}

static void outs(const char *s)
{
    out(s, strlen(s));
}

static void term_size(term *t)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
        ws.ws_col > 0) {
        t->rows = ws.ws_row;
        t->cols = ws.ws_col;
    } else {
        t->rows = 24;
        t->cols = 80;
    }
}

static void term_enter(term *t)
{
    struct termios r = t->saved;

    r.c_lflag &= ~(tcflag_t)(ICANON | ECHO | IEXTEN);
    r.c_iflag &= ~(tcflag_t)(IXON | ICRNL | INLCR | ISTRIP);
    r.c_oflag &= ~(tcflag_t)OPOST; /* "\r\n" is written where meant */
    r.c_cc[VMIN] = 1;
    r.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSADRAIN, &r);
    if (t->fancy)
        outs("\x1b[?1049h\x1b[?25l"); /* alternate screen, no cursor */
    t->raw = 1;
}

static void term_leave(term *t)
{
    if (!t->raw)
        return;
    if (t->fancy)
        outs(t->color ? "\x1b[0m\x1b[?25h\x1b[?1049l"
                      : "\x1b[?25h\x1b[?1049l");
    else
        outs("\r\n");
    tcsetattr(STDIN_FILENO, TCSADRAIN, &t->saved);
    t->raw = 0;
}

static void restore_at_exit(void)
{
    term_leave(&T);
}

/* ==== The screen ======================================================== */

typedef struct {
    ef_lfile *f;
    size_t cur;         /* the item shown; ef_lfile_count: the end */
    int scroll;         /* the first line of its text shown */
    char msg[200];      /* a note for the status line, once */
    ef_tty_lines lines; /* the current item's text, laid out */
    size_t laid;        /* the item and width lines is for */
    int laid_width;
} ui;

static const char *sgr(const term *t, const char *s)
{
    return t->color ? s : "";
}

/* Ends a screen line: attributes off, the rest of the line cleared
 * (frames are drawn over the last one, not after a clear: no flicker). */
static void newline(const term *t, ef_buf *b)
{
    ef_buf_puts(b, sgr(t, "\x1b[0m"));
    if (t->fancy)
        ef_buf_puts(b, "\x1b[K");
    ef_buf_puts(b, "\r\n");
}

/* Ends the frame: the rest of the screen cleared, and out it goes. */
static void flush(const term *t, ef_buf *b)
{
    ef_buf_puts(b, sgr(t, "\x1b[0m"));
    if (t->fancy)
        ef_buf_puts(b, "\x1b[K\x1b[J");
    out(b->data, b->len);
    ef_buf_reset(b);
}

static void rule(const term *t, ef_buf *b)
{
    ef_buf_puts(b, sgr(t, "\x1b[2m"));
    for (int i = 0; i < t->cols - 1; i++)
        ef_buf_putc(b, '-');
    newline(t, b);
}

static const char *const class_sgr[3] = {"\x1b[1;31m", "\x1b[1;33m",
                                         "\x1b[1;32m"};

static void draw(ui *u, const term *t)
{
    ef_buf b = EF_BUF_INIT;
    size_t n = ef_lfile_count(u->f), done = ef_lfile_labelled(u->f);
    /* nothing is written in the last column: a terminal that has just
       written there waits to wrap, and the erase that ends our line
       would take that character away */
    int cols = t->cols - 1, rows = t->rows, area, used;
    const char *eon = sgr(t, "\x1b[7m"), *eoff = sgr(t, "\x1b[27m");
    char right[64];

    ef_buf_puts(&b, t->fancy ? "\x1b[H" : "\r\n");
    if (rows < 8 || cols < 29) {
        ef_buf_puts(&b, "earful label: the window is too small (30x8 at "
                        "least); q quits");
        flush(t, &b);
        return;
    }
    /* header: the file, and where we are */
    if (u->cur < n)
        snprintf(right, sizeof right, "%zu/%zu  %zu labelled", u->cur + 1, n,
                 done);
    else
        snprintf(right, sizeof right, "end  %zu/%zu labelled", done, n);
    ef_buf_puts(&b, sgr(t, "\x1b[1m"));
    ef_buf_puts(&b, "earful label ");
    ef_buf_puts(&b, sgr(t, "\x1b[0m"));
    {
        const char *p = ef_lfile_path(u->f);
        int room = cols - 13 - (int)strlen(right) - 2;
        used = 13 +
               (room > 3 ? ef_tty_line(&b, p, strlen(p), room, eon, eoff) : 0);
    }
    for (; used < cols - (int)strlen(right); used++)
        ef_buf_putc(&b, ' ');
    ef_buf_puts(&b, sgr(t, "\x1b[36m"));
    ef_buf_puts(&b, right);
    newline(t, &b);

    if (u->cur >= n) {
        size_t left = n - done;
        rule(t, &b);
        ef_buf_printf(&b,
                      "  All %zu items seen: %zu labelled, %zu without a "
                      "label.",
                      n, done, left);
        newline(t, &b);
        newline(t, &b);
        if (left)
            ef_buf_puts(&b, "  Enter goes to the first item without a "
                            "label.");
        else
            ef_buf_puts(&b, "  Every item has a label: feed the file back "
                            "with --labels.");
        newline(t, &b);
        for (int i = 6; i < rows - 1; i++)
            newline(t, &b);
        ef_buf_puts(&b, sgr(t, "\x1b[2m"));
        ef_buf_puts(&b, "b back   q quit");
        flush(t, &b);
        return;
    }

    ef_lfile_item it;
    ef_lfile_get(u->f, u->cur, &it);
    /* date, channel, author */
    {
        ef_buf meta = EF_BUF_INIT;
        ef_buf_puts(&meta, it.date);
        if (it.channel[0]) {
            ef_buf_puts(&meta, "  ");
            ef_buf_puts(&meta, it.channel);
        }
        if (it.author[0]) {
            ef_buf_puts(&meta, "  ");
            ef_buf_puts(&meta, it.author);
        }
        ef_tty_line(&b, meta.data ? meta.data : "", meta.len, cols, eon, eoff);
        ef_buf_reset(&meta);
    }
    newline(t, &b);
    rule(t, &b);

    /* the text */
    if (u->laid != u->cur || u->laid_width != cols - 2) {
        ef_tty_lines_reset(&u->lines);
        ef_tty_wrap(it.text, it.text_len, cols - 2, eon, eoff, &u->lines);
        u->laid = u->cur;
        u->laid_width = cols - 2;
    }
    area = rows - 6;
    {
        int nl = (int)u->lines.n, more = nl > area;
        int show = more ? area - 1 : area;
        if (u->scroll > nl - show)
            u->scroll = nl - show > 0 ? nl - show : 0;
        if (u->scroll < 0)
            u->scroll = 0;
        for (int i = 0; i < show; i++) {
            int k = u->scroll + i;
            if (k < nl) {
                ef_buf_puts(&b, "  ");
                ef_buf_put(&b, u->lines.text.data + u->lines.off[k],
                           u->lines.off[k + 1] - u->lines.off[k]);
            }
            newline(t, &b);
        }
        if (more) {
            ef_buf_puts(&b, sgr(t, "\x1b[2m"));
            ef_buf_printf(&b, "  lines %d-%d of %d: j/k or Down/Up scroll",
                          u->scroll + 1, u->scroll + show, nl);
            newline(t, &b);
        }
    }
    rule(t, &b);

    /* its label, and a note */
    {
        int cls = ef_lfile_label(u->f, u->cur);
        if (cls >= 0) {
            ef_buf_puts(&b, "Label: ");
            ef_buf_puts(&b, sgr(t, class_sgr[cls]));
            ef_buf_puts(&b, ef_class_name((ef_class)cls));
            ef_buf_puts(&b, sgr(t, "\x1b[0m"));
            used = 7 + (int)strlen(ef_class_name((ef_class)cls));
        } else if (cls == -2) {
            ef_buf_puts(&b, "Label: ");
            used =
                7 + ef_tty_line(&b, it.label, strlen(it.label), 20, eon, eoff);
            ef_buf_puts(&b, " is not a label");
            used += 15;
        } else {
            ef_buf_puts(&b, "No label yet");
            used = 12;
        }
        if (u->msg[0] && cols - used > 6) {
            ef_buf_puts(&b, "   ");
            ef_buf_puts(&b, sgr(t, "\x1b[33m"));
            ef_tty_line(&b, u->msg, strlen(u->msg), cols - used - 3, NULL,
                        NULL);
            u->msg[0] = '\0';
        }
        newline(t, &b);
    }
    ef_buf_puts(&b, sgr(t, "\x1b[2m"));
    {
        static const char keys[] = "n/1 negative  u/2 neutral  p/3 positive"
                                   "   s skip  b back  q quit";
        ef_tty_line(&b, keys, strlen(keys), cols, NULL, NULL);
    }
    flush(t, &b);
}

/* ==== Keys ============================================================== */

enum {
    K_NONE,
    K_NEG,
    K_NEU,
    K_POS,
    K_SKIP,
    K_BACK,
    K_QUIT,
    K_DOWN,
    K_UP,
    K_PGDN,
    K_PGUP,
    K_ENTER,
    K_REDRAW,
    K_OTHER
};

/* The key at buf[*i] (n bytes read); moves *i past it. */
static int next_key(const unsigned char *buf, size_t n, size_t *i)
{
    unsigned char c = buf[(*i)++];

    if (c == 0x1b) {
        size_t j = *i;
        int param = 0;
        if (j >= n || (buf[j] != '[' && buf[j] != 'O'))
            return K_NONE; /* a lone Escape */
        for (j++; j < n && buf[j] >= 0x30 && buf[j] <= 0x3f; j++)
            if (buf[j] >= '0' && buf[j] <= '9')
                param = param * 10 + (buf[j] - '0');
        if (j >= n)
            return *i = n, K_NONE;
        *i = j + 1;
        switch (buf[j]) {
        case 'A': return K_UP;
        case 'B': return K_DOWN;
        case 'C': return K_SKIP;
        case 'D': return K_BACK;
        case '~': return param == 5 ? K_PGUP : param == 6 ? K_PGDN : K_NONE;
        default: return K_NONE;
        }
    }
    switch (c) {
    case 'n':
    case 'N':
    case '1': return K_NEG;
    case 'u':
    case 'U':
    case '2': return K_NEU;
    case 'p':
    case 'P':
    case '3': return K_POS;
    case 's':
    case 'S': return K_SKIP;
    case 'b':
    case 'B': return K_BACK;
    case 'q':
    case 'Q':
    case 0x03:
    case 0x04: return K_QUIT;
    case 'j': return K_DOWN;
    case 'k': return K_UP;
    case ' ': return K_PGDN;
    case '\r':
    case '\n': return K_ENTER;
    case 0x0c: return K_REDRAW;
    default: return K_OTHER;
    }
}

/* The next item without a label after i, else the end. */
static size_t forward(const ef_lfile *f, size_t i)
{
    size_t n = ef_lfile_count(f);
    for (size_t k = i + 1; k < n; k++)
        if (ef_lfile_label(f, k) < 0)
            return k;
    return n;
}

/* Acts on a key; returns 1 to quit. Save errors land in e. */
static int act(ui *u, const term *t, int key, ef_err *e)
{
    size_t n = ef_lfile_count(u->f);
    int page = t->rows - 7 > 1 ? t->rows - 7 : 1;

    switch (key) {
    case K_QUIT: return 1;
    case K_NEG:
    case K_NEU:
    case K_POS:
        if (u->cur >= n)
            break;
        if (ef_lfile_set(u->f, u->cur,
                         key == K_NEG   ? EF_NEGATIVE
                         : key == K_NEU ? EF_NEUTRAL
                                        : EF_POSITIVE,
                         e) != EF_OK)
            return 1;
        u->cur = forward(u->f, u->cur);
        u->scroll = 0;
        break;
    case K_SKIP:
        if (u->cur < n) {
            u->cur++;
            u->scroll = 0;
        }
        break;
    case K_BACK:
        if (u->cur > 0) {
            u->cur--;
            u->scroll = 0;
        } else {
            snprintf(u->msg, sizeof u->msg, "this is the first item");
        }
        break;
    case K_ENTER:
        if (u->cur >= n) {
            u->cur = ef_lfile_next_unlabelled(u->f, 0);
            u->scroll = 0;
        }
        break;
    case K_DOWN: u->scroll++; break;
    case K_UP: u->scroll--; break;
    case K_PGDN: u->scroll += page; break;
    case K_PGUP: u->scroll -= page; break;
    case K_OTHER:
        snprintf(u->msg, sizeof u->msg,
                 "keys: n u p (or 1 2 3), s skip, "
                 "b back, q quit");
        break;
    default: break;
    }
    return 0;
}

/* ==== The command ======================================================= */

static void summary(const ef_lfile *f)
{
    size_t n = ef_lfile_count(f), done = ef_lfile_labelled(f);
    const char *p = ef_lfile_path(f);

    if (done == n)
        fprintf(stderr,
                "earful: %s: all %zu items labelled; feed them back "
                "with: earful report INPUT... --labels %s\n",
                p, n, p);
    else
        fprintf(stderr,
                "earful: %s: %zu of %zu items labelled, every answer "
                "saved; run 'earful label %s' to go on\n",
                p, done, n, p);
}

/* Waits for input with the signals let through, and handles them.
 * Returns the bytes read (0: nothing yet, -1: an exit signal). */
static ssize_t wait_key(ui *u, term *t, const sigset_t *open_mask,
                        unsigned char *buf, size_t cap)
{
    struct pollfd p = {STDIN_FILENO, POLLIN, 0};
    int r = ppoll(&p, 1, NULL, open_mask);

    if (got_exit)
        return -1;
    if (got_tstp) {
        /* ^Z: give the terminal back, stop, take it again on SIGCONT */
        sigset_t one;
        got_tstp = 0;
        term_leave(t);
        signal(SIGTSTP, SIG_DFL);
        sigemptyset(&one);
        sigaddset(&one, SIGTSTP);
        sigprocmask(SIG_UNBLOCK, &one, NULL);
        raise(SIGTSTP);
        sigprocmask(SIG_BLOCK, &one, NULL);
        signal(SIGTSTP, on_signal);
        got_cont = 1;
    }
    if (got_cont) {
        /* continued (after ^Z, or a SIGSTOP the shell may have followed
           by resetting the terminal): take it again, and redraw */
        got_cont = 0;
        term_enter(t);
        got_winch = 1;
    }
    if (got_winch) {
        got_winch = 0;
        term_size(t);
        draw(u, t);
    }
    if (r <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR)))
        return 0;
    r = (int)read(STDIN_FILENO, buf, cap);
    if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
        return -1; /* the terminal went away */
    return r < 0 ? 0 : r;
}

int ef_cmd_label(int argc, char **argv)
{
    ef_cmdline cl;
    const char *map;
    long start = 0;
    ef_err err = {0};
    ui u;
    sigset_t block, open_mask;
    struct sigaction sa;
    int c, quit = 0, sig = 0, first;
    char *end;

    memset(&u, 0, sizeof u);
    ef_cmdline_init(&cl, &command);
    while ((c = ef_cmdline_next(&cl, argc, argv)) == O_START) {
        start = strtol(cl.arg, &end, 10);
        if (end == cl.arg || *end || start < 1) {
            ef_cmdline_free(&cl);
            return ef_usage_error("label",
                                  "option --start: expected an item "
                                  "number from 1, got '%s'",
                                  cl.arg);
        }
    }
    first = cl.optind;
    map = cl.common.src.map;
    if (c < 0 || first >= argc || first + 1 < argc) {
        int rc = c < 0           ? cl.exit
                 : first >= argc ? ef_usage_error("label", "no FILE.csv given")
                                 : ef_usage_error("label", "one FILE.csv "
                                                           "at a time");
        ef_cmdline_free(&cl);
        return rc;
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        ef_cmdline_free(&cl);
        return ef_usage_error("label",
                              "standard %s is not a terminal: "
                              "earful label is interactive (to label in a "
                              "spreadsheet instead, fill in the label column "
                              "of %s)",
                              isatty(STDIN_FILENO) ? "output" : "input",
                              argv[first]);
    }
    ef_tty_init();
    if (ef_lfile_open(argv[first], map, &u.f, &err) != EF_OK)
        goto done;
    if ((size_t)start > ef_lfile_count(u.f)) {
        ef_fail(&err, EF_ERR_USAGE, "option --start: %s has %zu items",
                argv[first], ef_lfile_count(u.f));
        goto done;
    }
    u.cur = start ? (size_t)start - 1 : ef_lfile_next_unlabelled(u.f, 0);
    u.laid = SIZE_MAX;
    if (u.cur >= ef_lfile_count(u.f)) {
        summary(u.f);
        fprintf(stderr,
                "earful: (to look at them again: earful label "
                "--start 1 %s)\n",
                argv[first]);
        goto done;
    }

    /* the terminal is ours from here: signals wait until ppoll */
    if (tcgetattr(STDIN_FILENO, &T.saved) != 0) {
        ef_fail(&err, EF_ERR_USAGE, "standard input: %s", strerror(errno));
        goto done;
    }
    {
        const char *term_name = getenv("TERM"), *nc = getenv("NO_COLOR");
        T.fancy = !(term_name && strcmp(term_name, "dumb") == 0);
        T.color = T.fancy && !(nc && nc[0]);
    }
    sigemptyset(&block);
    for (size_t i = 0; i < EF_ARRAY_LEN(handled); i++)
        sigaddset(&block, handled[i]);
    sigprocmask(SIG_BLOCK, &block, &open_mask);
    for (size_t i = 0; i < EF_ARRAY_LEN(handled); i++)
        sigdelset(&open_mask, handled[i]);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < EF_ARRAY_LEN(handled); i++)
        sigaction(handled[i], &sa, NULL);
    atexit(restore_at_exit);
    term_size(&T);
    term_enter(&T);
    draw(&u, &T);
    while (!quit) {
        unsigned char buf[64];
        ssize_t k = wait_key(&u, &T, &open_mask, buf, sizeof buf);
        if (k < 0)
            break;
        for (size_t i = 0; i < (size_t)k && !quit;) {
            int key = next_key(buf, (size_t)k, &i);
            quit = act(&u, &T, key, &err);
        }
        if (k > 0 && !quit)
            draw(&u, &T);
    }
    sig = got_exit;
    term_leave(&T);
    if (err.code == EF_OK)
        summary(u.f);
done:
    ef_tty_lines_reset(&u.lines);
    ef_lfile_free(u.f);
    ef_cmdline_free(&cl);
    if (sig) {
        /* die of the signal, as the shell expects */
        sigset_t one;
        signal(sig, SIG_DFL);
        sigemptyset(&one);
        sigaddset(&one, sig);
        sigprocmask(SIG_UNBLOCK, &one, NULL);
        raise(sig);
    }
    if (err.code != EF_OK) {
        ef_warn("%s", err.msg);
        return ef_exit_code(err.code);
    }
    return EF_EXIT_OK;
}
