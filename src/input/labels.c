/* labels.c - human labels joined to the items they label: read the
 * labels files, find in a first pass over the inputs which items each
 * key names, decide, then hand each item its label in the main pass. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "input/csv.h"
#include "input/dedup.h"
#include "input/labels.h"
#include "util/strmap.h"
#include "util/text.h"

#define HEADER_SEARCH 20 /* rows that may precede the header (notes) */
#define FP_CHARS 256     /* letters and digits a text fingerprint covers */

/* The items a key (or a key's number) names: how many contents, and
 * the first one's key and content. */
typedef struct {
    int ncontent;     /* 0, 1, or 2 for several */
    uint64_t content; /* the first item's content */
    char *key;        /* the first item's key (malloc'd) */
} named;

/* One label: a row of a labels file, with its key and, when the file has
 * a text column, a fingerprint of the text the person read. */
typedef struct {
    size_t group;  /* its key's group */
    size_t next;   /* the next label of the group, or SIZE_MAX */
    uint64_t fp;   /* text fingerprint, 0 when unknown */
    int cls;       /* the label */
    uint64_t line; /* its row */
    int file;      /* its file */
    /* a key read as a number: the values that print as it, and the
       items whose key is such a number (and whose text is its text) */
    int numeric;
    long double lo, hi;
    named by_number;
    size_t item; /* the item it labels (index into l->items) */
    int outcome; /* O_* after settle */
} label;

/* The labels sharing a key, and the items the key names as written. */
typedef struct {
    size_t first; /* its first label */
    named exact;
} group;

/* An item that gets a label: its key and content, its label (or why
 * none), and the files whose labels reached it. */
enum { I_SEVERAL = -2, I_CONFLICT = -1 };
typedef struct {
    uint64_t content;
    int cls;        /* an ef_class, or I_* */
    unsigned files; /* bit f: a label of file f */
} item;

enum { O_UNMATCHED, O_JOINED, O_RECOVERED, O_SEVERAL, O_CONFLICTING };

struct ef_labels {
    ef_strmap *keys; /* key (and its cleaned form) -> group */
    group *groups;
    size_t ngroups, groupcap;
    label *labels;
    size_t nlabels, labelcap;
    size_t *bynum;      /* numeric labels by lo */
    long double *maxhi; /* running maximum of hi over bynum */
    size_t nnum;
    ef_strmap *itemkeys; /* an item's key -> index into items */
    item *items;
    size_t nitems;
    ef_label_stats files[EF_LABELS_MAX_FILES];
    size_t nfiles;
    char **keytext; /* each group's key as written, for messages */
};

ef_labels *ef_labels_new(void)
{
    ef_labels *l = ef_xcalloc(1, sizeof *l);
    l->keys = ef_strmap_new();
    l->itemkeys = ef_strmap_new();
    return l;
}

void ef_labels_free(ef_labels *l)
{
    if (l == NULL)
        return;
    ef_strmap_free(l->keys);
    ef_strmap_free(l->itemkeys);
    for (size_t i = 0; i < l->ngroups; i++) {
        free(l->keytext[i]);
        free(l->groups[i].exact.key);
    }
    for (size_t i = 0; i < l->nlabels; i++)
        free(l->labels[i].by_number.key);
    free(l->keytext);
    free(l->groups);
    free(l->labels);
    free(l->bynum);
    free(l->maxhi);
    free(l->items);
    free(l);
}

/* ==== Keys a spreadsheet has been at ==================================== */

/* A header cell without surrounding spaces and without a byte order mark
 * a spreadsheet kept as text: U+FEFF, or "ï»¿" when the file was read as
 * Latin-1 and saved as UTF-8. Sets *n; returns the start. */
static const char *header_name(const char *s, size_t *n)
{
    static const char *const boms[] = {"\xef\xbb\xbf",
                                       "\xc3\xaf\xc2\xbb\xc2\xbf"};
    for (size_t i = 0; i < EF_ARRAY_LEN(boms); i++) {
        size_t k = strlen(boms[i]);
        if (*n >= k && memcmp(s, boms[i], k) == 0) {
            s += k;
            *n -= k;
        }
    }
    return ef_text_trim(s, n);
}

/* Whether header cell s (n bytes) is name, in any case. */
static int is_name(const char *s, size_t n, const char *name)
{
    s = header_name(s, &n);
    return n == strlen(name) && strncasecmp(s, name, n) == 0;
}

int ef_labels_is_key_column(const char *s, size_t n)
{
    return is_name(s, n, "key") || is_name(s, n, "id");
}

/* The key as earful wrote it: without surrounding spaces, without the
 * apostrophe a CSV writer puts before = + - @ TAB CR so that spreadsheets
 * read the cell as text, and without a text formula ="00123" around it
 * (ef_text_unformula: an id is read so, and a sample written before
 * that carries '="00123"). Sets *n; returns the start. */
EF_STATIC const char *ef_labels_clean_key(const char *s, size_t *n)
{
    while (*n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        (*n)--;
    }
    while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
        (*n)--;
    if (*n >= 2 && s[0] == '\'' && strchr("=+-@\t\r", s[1])) {
        s++;
        (*n)--;
    }
    return ef_text_unformula(s, n);
}

/* Reads s (n bytes) as a spreadsheet would read a number: digits, an
 * optional fraction, an optional exponent. Sets *v; returns -1 when s is
 * not one. *digits is the count of significant digits written, *exp10
 * the power of ten of the last of them. */
static int parse_number(const char *s, size_t n, long double *v, int *digits,
                        int *exp10)
{
    char buf[64], *end;
    size_t i = 0;
    int nint = 0, nfrac = 0, sig = 0, lead = 1;
    long e = 0;

    if (n == 0 || n >= sizeof buf)
        return -1;
    for (; i < n && isdigit((unsigned char)s[i]); i++, nint++) {
        if (s[i] != '0')
            lead = 0;
        sig += !lead;
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && isdigit((unsigned char)s[i]); i++, nfrac++) {
            if (s[i] != '0')
                lead = 0;
            sig += !lead;
        }
    }
    if (nint + nfrac == 0)
        return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        char *x;
        memcpy(buf, s + i + 1, n - i - 1);
        buf[n - i - 1] = '\0';
        if (!buf[0] || !(isdigit((unsigned char)buf[0]) || buf[0] == '+' ||
                         buf[0] == '-'))
            return -1;
        e = strtol(buf, &x, 10);
        if (*x || e > 4000 || e < -4000)
            return -1;
        i = n;
    }
    if (i != n)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *v = strtold(buf, &end);
    if (*end || !isfinite(*v))
        return -1;
    *digits = sig;
    *exp10 = (int)e - nfrac;
    return 0;
}

/* The values a label key could have been before a spreadsheet read it as
 * a number: an exponent, or more than 15 significant digits (all a
 * spreadsheet keeps), mean precision lost down to the last digit shown;
 * otherwise the number is exact, and only lost leading zeros are undone.
 * Returns -1 when the key is not a number. */
EF_STATIC int ef_labels_key_range(const char *s, size_t n, long double *lo,
                                  long double *hi)
{
    long double v, half, slack;
    int digits, exp10;
    int scientific = memchr(s, 'e', n) || memchr(s, 'E', n);

    if (parse_number(s, n, &v, &digits, &exp10) < 0)
        return -1;
    if (scientific)
        half = 0.5L * powl(10.0L, exp10);
    else if (digits > 15 && exp10 == 0)
        half = 0.5L * powl(10.0L, digits - 15);
    else
        half = 0.5L * powl(10.0L, exp10 < 0 ? exp10 : 0);
    /* the spreadsheet rounded a binary double, not the decimal */
    slack = fabsl(v) * 0x1p-50L;
    *lo = v - half - slack;
    *hi = v + half + slack;
    return 0;
}

/* 64 bits of a text that survive a spreadsheet round trip: its first
 * FP_CHARS ASCII letters and digits, lower-cased (quotes, dashes, line
 * ends, encodings and a truncated tail may change). 0: no such chars. */
EF_STATIC uint64_t ef_labels_text_fp(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int k = 0;

    for (size_t i = 0; i < n && k < FP_CHARS; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && isalnum(c)) {
            h = (h ^ (unsigned char)tolower(c)) * 0x100000001b3ULL;
            k++;
        }
    }
    return k == 0 ? 0 : (h | 1);
}

/* ==== Reading a labels file ============================================= */

static size_t add_group(ef_labels *l, const char *key, size_t n)
{
    int added;
    size_t g = ef_strmap_get_or_add(l->keys, key, n, l->ngroups, &added);

    if (added) {
        if (l->ngroups == l->groupcap) {
            l->groupcap = l->groupcap ? 2 * l->groupcap : 64;
            l->groups =
                ef_xrealloc(l->groups, l->groupcap * sizeof *l->groups);
            l->keytext =
                ef_xrealloc(l->keytext, l->groupcap * sizeof *l->keytext);
        }
        l->groups[g] = (group){SIZE_MAX, {0, 0, NULL}};
        l->keytext[g] = ef_xstrndup(key, n);
        l->ngroups++;
    }
    return g;
}

/* Adds one labelled row. */
static void add_label(ef_labels *l, int file, uint64_t line, const char *key,
                      size_t keylen, uint64_t fp, int cls)
{
    size_t clen = keylen;
    const char *clean = ef_labels_clean_key(key, &clen);
    size_t g = add_group(l, clean, clen);
    label *x;

    if (clen != keylen || memcmp(clean, key, keylen) != 0) {
        /* the key as read names the group too, unless it is another's */
        int added;
        ef_strmap_get_or_add(l->keys, key, keylen, g, &added);
    }
    if (l->nlabels == l->labelcap) {
        l->labelcap = l->labelcap ? 2 * l->labelcap : 64;
        l->labels = ef_xrealloc(l->labels, l->labelcap * sizeof *l->labels);
    }
    x = &l->labels[l->nlabels];
    memset(x, 0, sizeof *x);
    x->group = g;
    x->next = l->groups[g].first;
    x->fp = fp;
    x->cls = cls;
    x->line = line;
    x->file = file;
    x->item = SIZE_MAX;
    x->numeric = ef_labels_key_range(clean, clen, &x->lo, &x->hi) == 0;
    l->groups[g].first = l->nlabels++;
}

/* The columns of a labels file's header, or -1 each. */
static void find_columns(const ef_csv_record *rec, int *ckey, int *clab,
                         int *ctext)
{
    *ckey = *clab = *ctext = -1;
    for (size_t i = 0; i < rec->n; i++) {
        const char *f = rec->field[i];
        size_t n = rec->len[i];
        /* "key" wins over "id" when a file has both */
        if (is_name(f, n, "key") ||
            (*ckey < 0 && ef_labels_is_key_column(f, n)))
            *ckey = (int)i;
        else if (*clab < 0 &&
                 (is_name(f, n, "label") || is_name(f, n, "human_label")))
            *clab = (int)i;
        else if (*ctext < 0 && is_name(f, n, "text"))
            *ctext = (int)i;
    }
}

ef_status ef_labels_load(ef_labels *l, const char *path, ef_err *e)
{
    ef_csv_reader *r = NULL;
    ef_csv_record rec;
    int eof = 0, ckey = -1, clab = -1, ctext = -1, file;
    ef_status rc;
    ef_label_stats *st;

    if (l->nfiles == EF_LABELS_MAX_FILES)
        return ef_fail(e, EF_ERR_USAGE, "more than %d --labels files",
                       EF_LABELS_MAX_FILES);
    file = (int)l->nfiles;
    if ((rc = ef_csv_open(path, NULL, &r, e)) != EF_OK)
        return rc;
    /* the header: the first row naming a key and a label column (a
       workbook's sheet saved as CSV may carry notes above it) */
    for (int k = 0; k < HEADER_SEARCH; k++) {
        if ((rc = ef_csv_next(r, &rec, &eof, e)) != EF_OK || eof)
            break;
        find_columns(&rec, &ckey, &clab, &ctext);
        if (ckey >= 0 && clab >= 0)
            break;
    }
    if (rc != EF_OK)
        goto out;
    if (ckey < 0 || clab < 0) {
        rc = ef_fail(e, EF_ERR_PARSE,
                     "%s: no %s column: a labels file has the columns key "
                     "(or id) and label, as label_sample.csv has",
                     path, ckey < 0 ? "key" : "label");
        goto out;
    }
    st = &l->files[l->nfiles++];
    memset(st, 0, sizeof *st);
    snprintf(st->path, sizeof st->path, "%s", path);
    while ((rc = ef_csv_next(r, &rec, &eof, e)) == EF_OK && !eof) {
        const char *key = (size_t)ckey < rec.n ? rec.field[ckey] : "";
        size_t keylen = (size_t)ckey < rec.n ? rec.len[ckey] : 0;
        const char *lab = (size_t)clab < rec.n ? rec.field[clab] : "";
        size_t lablen = (size_t)clab < rec.n ? rec.len[clab] : 0;
        size_t kl = keylen;
        uint64_t fp = 0;
        int cls;

        ef_labels_clean_key(key, &kl);
        lab = ef_text_trim(lab, &lablen);
        if (kl == 0 && lablen == 0) {
            int blank = 1; /* a spreadsheet's empty row: nothing at all */
            for (size_t i = 0; i < rec.n && blank; i++)
                blank = rec.len[i] == 0;
            if (!blank) {
                st->rows++;
                st->unlabelled++;
            }
            continue;
        }
        st->rows++;
        if (lablen == 0) {
            st->unlabelled++;
            continue;
        }
        cls = ef_label_parse(lab, lablen);
        if (cls < 0) {
            rc = ef_fail(e, EF_ERR_PARSE,
                         "%s:%llu: label '%.*s' is not one of negative, "
                         "neutral, positive (or neg, neu, pos, -1, 0, 1)",
                         path, (unsigned long long)rec.line,
                         (int)(lablen > 40 ? 40 : lablen), lab);
            goto out;
        }
        if (kl == 0) {
            rc = ef_fail(e, EF_ERR_PARSE,
                         "%s:%llu: a label without a key: the key column "
                         "says which item it labels",
                         path, (unsigned long long)rec.line);
            goto out;
        }
        if (ctext >= 0 && (size_t)ctext < rec.n)
            fp = ef_labels_text_fp(rec.field[ctext], rec.len[ctext]);
        add_label(l, file, rec.line, key, keylen, fp, cls);
    }
out:
    ef_csv_free(r);
    return rc;
}

/* ==== The first pass ==================================================== */

/* The item's content: the hash of what ef_item_hash covers (the key
 * itself for an item without an id), as a number. */
static uint64_t content_of(const ef_item *it, const char *key)
{
    char buf[EF_KEY_SIZE];
    if (it->id[0])
        ef_item_hash(it, buf);
    else
        memcpy(buf, key, EF_KEY_SIZE);
    return strtoull(buf, NULL, 16);
}

/* Records that an item of content c, with key key, is named. */
static void note(named *nm, uint64_t c, const char *key)
{
    if (nm->ncontent == 0) {
        nm->ncontent = 1;
        nm->content = c;
        nm->key = ef_xstrdup(key);
    } else if (nm->content != c) {
        nm->ncontent = 2; /* several items: none will get it */
    }
}

static int cmp_num(const void *a, const void *b, void *ctx)
{
    const label *v = ctx;
    long double x = v[*(const size_t *)a].lo, y = v[*(const size_t *)b].lo;
    return (x > y) - (x < y);
}

/* Indexes the numeric labels by the start of their range, once. */
static void index_numeric(ef_labels *l)
{
    if (l->bynum || l->nlabels == 0)
        return;
    l->bynum = ef_xmalloc(l->nlabels * sizeof *l->bynum);
    for (size_t i = 0; i < l->nlabels; i++)
        if (l->labels[i].numeric)
            l->bynum[l->nnum++] = i;
    qsort_r(l->bynum, l->nnum, sizeof *l->bynum, cmp_num, l->labels);
    l->maxhi = ef_xmalloc((l->nnum + 1) * sizeof *l->maxhi);
    for (size_t i = 0; i < l->nnum; i++) {
        long double h = l->labels[l->bynum[i]].hi;
        l->maxhi[i] = i > 0 && l->maxhi[i - 1] > h ? l->maxhi[i - 1] : h;
    }
}

void ef_labels_scan_item(ef_labels *l, const ef_item *it)
{
    char buf[EF_KEY_SIZE];
    const char *key = ef_item_key(it, buf);
    size_t n = strlen(key), g = ef_strmap_find(l->keys, key, n);
    long double v;
    int digits, exp10;

    if (g != SIZE_MAX)
        note(&l->groups[g].exact, content_of(it, key), key);
    index_numeric(l);
    if (l->nnum == 0 || parse_number(key, n, &v, &digits, &exp10) < 0)
        return;
    /* the numeric labels whose range holds v: those starting at or below
       it, back to where no earlier range reaches v */
    size_t lo = 0, hi = l->nnum;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->labels[l->bynum[mid]].lo <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint64_t fp = 0, content = 0;
    int have_fp = 0;
    for (size_t j = lo; j-- > 0 && l->maxhi[j] >= v;) {
        label *x = &l->labels[l->bynum[j]];
        if (x->hi < v || x->group == g)
            continue;
        if (!have_fp) {
            fp = ef_labels_text_fp(it->text, it->text_len);
            content = content_of(it, key);
            have_fp = 1;
        }
        if (x->fp && fp && x->fp != fp)
            continue; /* another text: another item */
        note(&x->by_number, content, key);
    }
}

ef_status ef_labels_scan(ef_labels *l, const char *const *inputs, int n,
                         const ef_source_opts *opts, ef_err *e)
{
    ef_source_opts so = *opts;
    ef_dedup *seen = ef_dedup_new();
    ef_status rc = EF_OK;

    so.on_reject = NULL;
    so.strict = 0;
    for (int i = 0; i < n && rc == EF_OK; i++) {
        ef_source *src = NULL;
        ef_item it;
        int eof = 0;

        if ((rc = ef_source_open(inputs[i], &so, &src, e)) != EF_OK)
            break;
        while ((rc = ef_source_next(src, &it, &eof, e)) == EF_OK && !eof) {
            /* the items as the report has them (dedup.h): a repeat, or a
             * later row with an earlier id and other content (rejected as
             * an id-conflict), names no item of its own */
            ef_dedup_sig sig;
            ef_dedup_sign(&it, &sig);
            if (ef_dedup_add(seen, &sig) == EF_DEDUP_NEW)
                ef_labels_scan_item(l, &it);
        }
        ef_source_free(src);
    }
    ef_dedup_free(seen);
    return rc;
}

/* ==== Deciding ========================================================== */

/* Gives label x the item named by nm (one content): the item's label
 * unless another label disagrees, or another content has that key. */
static void give(ef_labels *l, size_t x, const named *nm)
{
    int added;
    label *lb = &l->labels[x];
    size_t k = ef_strmap_get_or_add(l->itemkeys, nm->key, strlen(nm->key),
                                    l->nitems, &added);

    if (added) {
        l->items = ef_xrealloc(l->items, (l->nitems + 1) * sizeof *l->items);
        l->items[k] = (item){nm->content, lb->cls, 0};
        l->nitems++;
    } else if (l->items[k].content != nm->content) {
        l->items[k].cls = I_SEVERAL;
    } else if (l->items[k].cls >= 0 && l->items[k].cls != lb->cls) {
        l->items[k].cls = I_CONFLICT;
    }
    l->items[k].files |= 1u << lb->file;
    lb->item = k;
}

/* "export.csv:88", the key earlier versions wrote for rows without an id. */
static int looks_like_path_line(const char *k)
{
    const char *c = strrchr(k, ':');
    if (c == NULL || c == k || !c[1])
        return 0;
    for (const char *p = c + 1; *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    return strchr(k, '.') != NULL || strchr(k, '/') != NULL;
}

ef_status ef_labels_settle(ef_labels *l, ef_err *e)
{
    /* keys as written first; then the keys that named nothing so, by
       their number */
    for (size_t i = 0; i < l->nlabels; i++) {
        label *x = &l->labels[i];
        const named *ex = &l->groups[x->group].exact;
        const named *nm = ex->ncontent > 0 ? ex : &x->by_number;
        if (nm->ncontent == 0) {
            x->outcome = O_UNMATCHED;
        } else if (nm->ncontent > 1) {
            x->outcome = O_SEVERAL;
        } else {
            x->outcome = nm == ex ? O_JOINED : O_RECOVERED;
            give(l, i, nm);
        }
    }
    /* an item that labels disagree on gets none of them; an item key
       that two labels found with different contents, neither */
    for (size_t i = 0; i < l->nlabels; i++) {
        label *x = &l->labels[i];
        if (x->item == SIZE_MAX)
            continue;
        if (l->items[x->item].cls == I_CONFLICT)
            x->outcome = O_CONFLICTING;
        else if (l->items[x->item].cls == I_SEVERAL)
            x->outcome = O_SEVERAL;
    }

    for (size_t i = 0; i < l->nlabels; i++) {
        label *x = &l->labels[i];
        ef_label_stats *st = &l->files[x->file];
        st->labels++;
        switch (x->outcome) {
        case O_RECOVERED: st->recovered++; /* fall through */
        case O_JOINED: st->joined++; break;
        case O_SEVERAL: st->several++; break;
        case O_CONFLICTING: st->conflicting++; break;
        default:
            st->unmatched++;
            if (!st->first_unmatched[0] ||
                x->line < st->first_unmatched_line) {
                snprintf(st->first_unmatched, sizeof st->first_unmatched, "%s",
                         l->keytext[x->group]);
                st->first_unmatched_line = x->line;
            }
        }
    }
    for (size_t f = 0; f < l->nfiles; f++) {
        const ef_label_stats *st = &l->files[f];
        if (st->labels == 0 || st->joined > 0)
            continue;
        if (st->several + st->conflicting == 0 &&
            looks_like_path_line(st->first_unmatched))
            return ef_fail(e, EF_ERR_PARSE,
                           "%s: none of its %llu labels names an item of "
                           "the inputs: keys like '%.60s' come from an "
                           "earlier earful, whose samples did not join "
                           "back; draw a new sample with --label-sample",
                           st->path, (unsigned long long)st->labels,
                           st->first_unmatched);
        if (st->unmatched == st->labels)
            return ef_fail(e, EF_ERR_PARSE,
                           "%s: none of its %llu labels names an item of "
                           "the inputs (the first key: '%.60s', line %llu): "
                           "was it drawn from other inputs?",
                           st->path, (unsigned long long)st->labels,
                           st->first_unmatched,
                           (unsigned long long)st->first_unmatched_line);
        return ef_fail(e, EF_ERR_PARSE,
                       "%s: none of its %llu labels reached an item: %llu "
                       "name no item, %llu name several different items "
                       "(ids that are not unique), %llu disagree with "
                       "another label for the same item",
                       st->path, (unsigned long long)st->labels,
                       (unsigned long long)st->unmatched,
                       (unsigned long long)st->several,
                       (unsigned long long)st->conflicting);
    }
    return EF_OK;
}

int ef_labels_find(ef_labels *l, const ef_item *it)
{
    char buf[EF_KEY_SIZE];
    const char *key;
    size_t k;
    item *x;

    if (l->nitems == 0)
        return -1;
    key = ef_item_key(it, buf);
    k = ef_strmap_find(l->itemkeys, key, strlen(key));
    if (k == SIZE_MAX)
        return -1;
    x = &l->items[k];
    /* the same content as the item labelled: another item that shares
       its id (one the scan did not match by its text) gets nothing */
    if (x->cls < 0 || content_of(it, key) != x->content)
        return -1;
    for (size_t f = 0; f < l->nfiles; f++)
        if (x->files & (1u << f))
            l->files[f].items++;
    return x->cls;
}

const ef_label_stats *ef_labels_stats(const ef_labels *l, size_t *n)
{
    *n = l->nfiles;
    return l->files;
}

void ef_labels_warn(const ef_labels *l)
{
    for (size_t f = 0; f < l->nfiles; f++) {
        const ef_label_stats *st = &l->files[f];
        char more[200] = "";
        if (st->recovered)
            snprintf(more, sizeof more,
                     ", %llu of them through keys a "
                     "spreadsheet had turned into numbers",
                     (unsigned long long)st->recovered);
        ef_warn("%s: %llu labels, %llu joined an item%s", st->path,
                (unsigned long long)st->labels, (unsigned long long)st->joined,
                more);
        if (st->labels && st->joined * 10 < st->labels * 9)
            ef_warn("warning: %s: only %llu of its %llu labels joined an "
                    "item: the adjusted shares rest on fewer labels than "
                    "were given",
                    st->path, (unsigned long long)st->joined,
                    (unsigned long long)st->labels);
        if (st->unmatched)
            ef_warn("warning: %s: %llu labels name no item of the inputs "
                    "(the first: '%.60s', line %llu)",
                    st->path, (unsigned long long)st->unmatched,
                    st->first_unmatched,
                    (unsigned long long)st->first_unmatched_line);
        if (st->several)
            ef_warn("warning: %s: %llu labels name several different items "
                    "(ids that are not unique, or keys a spreadsheet "
                    "rounded): none of those items got them",
                    st->path, (unsigned long long)st->several);
        if (st->conflicting)
            ef_warn("warning: %s: %llu labels disagree with another label "
                    "for the same item: neither was used",
                    st->path, (unsigned long long)st->conflicting);
    }
}
