/* traps.c - brand names that VADER reads as sentiment (see traps.h). */
#include "metrics/traps.h"

#include <stdlib.h>
#include <string.h>

#define HANDLE_MAX 64 /* bytes of a handle looked at */
#define NAME_WORDS 8  /* words of a name looked at */

/* A handle seen recently, and the lexicon words in it: most items name
 * the same few handles, whose words need not be looked up again. */
#define CACHE 64
typedef struct {
    char h[HANDLE_MAX + 1]; /* "" when empty */
    size_t len;
    uint32_t word[NAME_WORDS];
    size_t nword;
} cached;

struct ef_traps {
    cached cache[CACHE];
    const ef_vader *v;
    size_t nw;                 /* lexicon word indices */
    uint64_t items;            /* items added */
    uint64_t known;            /* of them scored in this run */
    uint64_t *scored;          /* [nw] items where the word scored */
    uint64_t *in_handle;       /* [nw] items with a handle holding the word */
    uint64_t *seen_s, *seen_h; /* [nw] the last item (1-based) counted */
    char **handle;             /* [nw] the first handle that held it */
    unsigned char *more;       /* [nw] another handle held it too */
};

ef_traps *ef_traps_new(const ef_vader *v)
{
    ef_traps *t;

    if (v == NULL)
        return NULL;
    t = ef_xcalloc(1, sizeof *t);
    t->v = v;
    t->nw = ef_vader_words(v);
    t->scored = ef_xcalloc(t->nw + 1, sizeof *t->scored);
    t->in_handle = ef_xcalloc(t->nw + 1, sizeof *t->in_handle);
    t->seen_s = ef_xcalloc(t->nw + 1, sizeof *t->seen_s);
    t->seen_h = ef_xcalloc(t->nw + 1, sizeof *t->seen_h);
    t->handle = ef_xcalloc(t->nw + 1, sizeof *t->handle);
    t->more = ef_xcalloc(t->nw + 1, 1);
    return t;
}

void ef_traps_free(ef_traps *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nw; i++)
        free(t->handle[i]);
    free(t->scored);
    free(t->in_handle);
    free(t->seen_s);
    free(t->seen_h);
    free(t->handle);
    free(t->more);
    free(t);
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static int is_handle_byte(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

/* Splits an ASCII name of n bytes into lower-case words: runs of
 * letters, broken at non-letters and where case says a word starts
 * ("BestBuy", "HTMLParser" -> html, parser). Writes up to max words of
 * up to 31 bytes to w; returns how many. */
static size_t split_name(const char *s, size_t n, char w[][32], size_t max)
{
    size_t k = 0, i = 0;

    while (i < n && k < max) {
        size_t a, len = 0;
        while (i < n && !is_alpha((unsigned char)s[i]))
            i++;
        if (i >= n)
            break;
        a = i;
        i++;
        while (i < n && is_alpha((unsigned char)s[i])) {
            unsigned char c = (unsigned char)s[i];
            int up = is_upper(c), prev_up = is_upper((unsigned char)s[i - 1]);
            int next_low = i + 1 < n && s[i + 1] >= 'a' && s[i + 1] <= 'z';
            if (up && (!prev_up || next_low))
                break; /* "bestBuy": B; "HTMLParser": the P */
            i++;
        }
        for (size_t j = a; j < i && len < 31; j++)
            w[k][len++] =
                (char)(s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32 : s[j]);
        w[k][len] = '\0';
        k++;
    }
    return k;
}

/* The words (lower case, one space apart) of a name, as --brand takes. */
static void phrase_of(char w[][32], size_t n, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o + 1 < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? " " : "", w[i]);
}

/* Counts the handles of one item (the item's number, 1-based: stamp). */
static void add_handles(ef_traps *t, const char *s, size_t n, uint64_t stamp)
{
    const char *p = s, *end = s + n;

    while ((p = memchr(p, '@', (size_t)(end - p))) != NULL) {
        const char *h = p + 1, *e = h;
        char w[NAME_WORDS][32];
        size_t k, hl;
        /* "me@united.com" is no mention: a word byte before the @ */
        int mention = p == s || !is_handle_byte((unsigned char)p[-1]);
        while (e < end && is_handle_byte((unsigned char)*e))
            e++;
        p = e > h ? e : h;
        hl = (size_t)(e - h);
        if (!mention || hl == 0)
            continue;
        if (hl > HANDLE_MAX)
            hl = HANDLE_MAX;
        {
            uint64_t hash = 0xcbf29ce484222325ULL;
            cached *ce;
            for (size_t i = 0; i < hl; i++)
                hash = (hash ^ (unsigned char)h[i]) * 0x100000001b3ULL;
            ce = &t->cache[(hash ^ (hash >> 32)) % CACHE];
            if (ce->len != hl || memcmp(ce->h, h, hl) != 0) {
                /* not seen lately: its words, and the first handle and
                 * whether another held each of them */
                ce->len = hl;
                memcpy(ce->h, h, hl);
                ce->nword = 0;
                k = split_name(h, hl, w, NAME_WORDS);
                for (size_t i = 0; i < k; i++) {
                    uint32_t idx;
                    double val;
                    if (!ef_vader_find(t->v, w[i], strlen(w[i]), &idx, &val) ||
                        idx >= t->nw)
                        continue;
                    ce->word[ce->nword++] = idx;
                    if (t->handle[idx] == NULL)
                        t->handle[idx] = ef_xstrndup(h, hl);
                    else if (strlen(t->handle[idx]) != hl ||
                             strncasecmp(t->handle[idx], h, hl) != 0)
                        t->more[idx] = 1;
                }
            }
            for (size_t i = 0; i < ce->nword; i++) {
                uint32_t idx = ce->word[i];
                if (t->seen_h[idx] != stamp) {
                    t->seen_h[idx] = stamp;
                    t->in_handle[idx]++;
                }
            }
        }
    }
}

void ef_traps_add(ef_traps *t, const char *text, size_t len,
                  const uint32_t *words, size_t nwords, int known)
{
    uint64_t stamp;

    if (t == NULL)
        return;
    stamp = ++t->items;
    if (known) {
        t->known++;
        for (size_t i = 0; i < nwords; i++) {
            uint32_t w = words[i];
            if (w < t->nw && t->seen_s[w] != stamp) {
                t->seen_s[w] = stamp;
                t->scored[w]++;
            }
        }
    }
    if (memchr(text, '@', len))
        add_handles(t, text, len, stamp);
}

/* ==== Finishing ========================================================= */

/* Adds a notice for word idx unless the word has one or the list is full
 * (the least scored then goes). */
static void add_trap(ef_traps *t, ef_report *r, uint32_t idx, double val,
                     const char *where, int handle, double handle_share,
                     const char *brand)
{
    ef_trap tr;
    size_t at;
    double sc = t->known ? (double)t->scored[idx] / (double)t->known : -1;

    if (ef_vader_is_brand(t->v, brand))
        return;
    for (size_t i = 0; i < r->ntraps; i++)
        if (strcmp(r->traps[i].word, ef_vader_word(t->v, idx)) == 0) {
            /* one notice per word: the other places it was found */
            size_t o = strlen(r->traps[i].also);
            if (o + strlen(where) + 8 < sizeof r->traps[i].also)
                snprintf(r->traps[i].also + o, sizeof r->traps[i].also - o,
                         "%s%s", o ? ", " : "", where);
            return;
        }
    memset(&tr, 0, sizeof tr);
    snprintf(tr.word, sizeof tr.word, "%s", ef_vader_word(t->v, idx));
    tr.valence = val;
    snprintf(tr.where, sizeof tr.where, "%s", where);
    tr.handle = handle;
    tr.handle_share = handle_share;
    tr.scored_share = sc;
    snprintf(tr.brand, sizeof tr.brand, "%s", brand);
    if (r->ntraps < EF_MAX_TRAPS) {
        at = r->ntraps++;
    } else {
        at = r->ntraps - 1;
        if (!(sc > r->traps[at].scored_share))
            return;
    }
    r->traps[at] = tr;
    /* the most scored first */
    while (at > 0 &&
           r->traps[at].scored_share > r->traps[at - 1].scored_share) {
        ef_trap x = r->traps[at];
        r->traps[at] = r->traps[at - 1];
        r->traps[at - 1] = x;
        at--;
    }
}

/* A name as a notice may quote it: at most max bytes, cut at a code
 * point, control characters made '?' (the notice goes to a terminal). */
static void clean_name(const char *s, char *out, size_t max)
{
    size_t o = 0;
    for (; s[o] && o < max; o++) {
        unsigned char c = (unsigned char)s[o];
        out[o] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    while (o > 0 && s[o] && ((unsigned char)s[o] & 0xc0) == 0x80)
        o--; /* do not end inside a code point */
    out[o] = '\0';
}

static void group_traps(ef_traps *t, ef_report *r, const ef_group_stat *g,
                        size_t n, const char *kind)
{
    for (size_t i = 0; i < n; i++) {
        char w[NAME_WORDS][32], where[160], brand[160], name[104];
        size_t k;
        if (strcmp(g[i].name, "(none)") == 0)
            continue;
        k = split_name(g[i].name, strlen(g[i].name), w, NAME_WORDS);
        phrase_of(w, k, brand, sizeof brand);
        clean_name(g[i].name, name, 100);
        snprintf(where, sizeof where, "%s \"%s\"", kind, name);
        for (size_t j = 0; j < k; j++) {
            uint32_t idx;
            double val;
            if (ef_vader_find(t->v, w[j], strlen(w[j]), &idx, &val) &&
                idx < t->nw)
                add_trap(t, r, idx, val, where, 0, -1, brand);
        }
    }
}

void ef_traps_finish(ef_traps *t, ef_report *r)
{
    r->ntraps = 0;
    if (t == NULL || t->items == 0)
        return;
    /* handles first: their notices say how often they occur */
    for (uint32_t i = 0; i < t->nw; i++) {
        char w[NAME_WORDS][32], where[160], brand[160];
        size_t k;
        double hs = (double)t->in_handle[i] / (double)t->items, val;
        uint32_t idx;
        if (t->in_handle[i] == 0 || hs < EF_TRAP_HANDLE_SHARE)
            continue;
        k = split_name(t->handle[i], strlen(t->handle[i]), w, NAME_WORDS);
        /* several handles hold it ("@LuckyMarkets", "@LuckySupport"): the
         * brand is the word they share */
        if (t->more[i])
            snprintf(brand, sizeof brand, "%s", ef_vader_word(t->v, i));
        else
            phrase_of(w, k, brand, sizeof brand);
        snprintf(where, sizeof where, "@%s%s", t->handle[i],
                 t->more[i] ? " and other handles" : "");
        if (ef_vader_find(t->v, ef_vader_word(t->v, i),
                          strlen(ef_vader_word(t->v, i)), &idx, &val))
            add_trap(t, r, i, val, where, 1, hs, brand);
    }
    group_traps(t, r, r->channels, r->nchannels, "channel");
    if (r->segment_name)
        group_traps(t, r, r->segments, r->nsegments, "segment");
}

void ef_trap_text(const ef_trap *tr, char *buf, size_t cap)
{
    char scored[96], fix[400], also[200] = "";
    /* a phrase goes in quotes on the command line; it neutralises the
     * phrase only, so the word alone is offered too */
    if (strchr(tr->brand, ' '))
        snprintf(fix, sizeof fix,
                 "--brand '%s' (or --brand %s where the "
                 "word alone names it)",
                 tr->brand, tr->word);
    else
        snprintf(fix, sizeof fix, "--brand %s", tr->brand);
    if (tr->scored_share < 0)
        snprintf(scored, sizeof scored,
                 "(the scores came from a store's "
                 "cache, so how often it scored is not counted)");
    else
        snprintf(scored, sizeof scored, "scores in %.1f%% of items",
                 100 * tr->scored_share);
    if (tr->also[0])
        snprintf(also, sizeof also, ", and %s", tr->also);
    if (tr->handle)
        snprintf(buf, cap,
                 "%s (in %.1f%% of items)%s: \"%s\" is a VADER "
                 "word (%+.1f); written without the @ it %s; where it "
                 "names the brand, add %s",
                 tr->where, 100 * tr->handle_share, also, tr->word,
                 tr->valence, scored, fix);
    else
        snprintf(buf, cap,
                 "%s%s: \"%s\" is a VADER word (%+.1f) and %s; "
                 "where it names the brand, add %s",
                 tr->where, also, tr->word, tr->valence, scored, fix);
}
