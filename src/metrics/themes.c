/* themes.c - the terms of a text, stop words, and insults. */
#include "metrics/themes.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/script.h"
#include "util/strmap.h"

/* Function words and words every piece of feedback uses; they say
 * nothing about what a complaint is about. Our own list. (The word lists
 * stay as prose: clang-format would set them in columns.) */
/* clang-format off */
static const char *const stopwords[] = {
    "about", "above", "after", "again", "against", "all", "also", "am", "and",
    "any", "are", "aren't", "around", "because", "been", "before", "being",
    "below", "between", "both", "but", "can", "can't", "cannot", "could",
    "couldn't", "did", "didn't", "does", "doesn't", "doing", "don't", "down",
    "during", "each", "even", "ever", "every", "few", "for", "from",
    "further", "get", "gets", "got", "had", "hadn't", "has", "hasn't", "have",
    "haven't", "having", "her", "here", "hers", "herself", "him", "himself",
    "his", "how", "i'd", "i'll", "i'm", "i've", "into", "isn't", "it's",
    "its", "itself", "just", "let's", "like", "made", "make", "many", "more",
    "most", "much", "must", "my", "myself", "never", "nor", "not", "now",
    "off", "once", "one", "only", "other", "our", "ours", "ourselves", "out",
    "over", "own", "really", "same", "she", "should", "shouldn't", "since",
    "some", "still", "such", "than", "that", "that's", "the", "their",
    "theirs", "them", "themselves", "then", "there", "there's", "these",
    "they", "they're", "this", "those", "through", "too", "under", "until",
    "very", "was", "wasn't", "way", "we'd", "we're", "we've", "were",
    "weren't", "what", "when", "where", "which", "while", "who", "whom",
    "why", "will", "with", "won't", "would", "wouldn't", "yet", "you",
    "you'd", "you'll", "you're", "you've", "your", "yours", "yourself",
    "yourselves", "anyone", "anything", "day", "days", "done", "going",
    "know", "lot", "maybe", "need", "okay", "people", "please", "said", "say",
    "see", "something", "thing", "things", "think", "thanks", "time", "today",
    "use", "used", "using", "want", "week", "well", "yes", "yeah", "able",
    "via", "per", "etc", "last", "first", "second", "third", "twice", "times",
    "already", "anymore", "another", "back", "weeks", "months", "year",
    "years", "without", "getting", "tried", "try"
};

/* Insults and profanity: a negative item holding one is "abusive". */
static const char *const abusive_words[] = {
    "asshole", "assholes", "bastard", "bastards", "bitch", "bullshit",
    "clown", "clowns", "crap", "crappy", "damn", "damned", "dick", "dumb",
    "dumbest", "fuck", "fucked", "fucking", "fuckin", "garbage", "hell",
    "idiot", "idiotic", "idiots", "incompetent", "joke", "jokers", "loser",
    "losers", "moron", "morons", "pathetic", "piss", "pissed", "ripoff",
    "rubbish", "scam", "scammers", "screw", "scumbags", "shit", "shitty",
    "stupid", "suck", "sucks", "thieves", "trash", "useless", "wtf"};
/* clang-format on */

/* The splitting rules' version, in every cache (themes.h): raise it
 * when a change to this file changes the terms some text gives (the word
 * lists need not: the caches name them by their hash). */
#define RULES_VERSION 1
#define CACHE_MAGIC 'T'
#define CACHE_FORMAT 1
#define CACHE_SEED 0x452821e638d01377ULL /* the text's check */

#define SET_CAP 4096   /* slots of the per-text dedupe set */
#define WORDS_CAP 1024 /* slots of the stop word / insult table */

enum { W_STOP = 1, W_ABUSIVE = 2 };

typedef struct {
    const char *s; /* NULL: empty */
    size_t n;
    uint64_t h; /* ef_strmap_hash(s, n): compared before the bytes */
    int flags;
} word;

struct ef_terms {
    char *low; /* the text's words, lower-cased (other bytes unset) */
    size_t low_cap;
    const char **term;
    size_t *len;
    uint64_t *hash;    /* ef_strmap_hash of each term, for the caller's maps */
    uint64_t text_fnv; /* the text's, for ef_terms_text_fnv */
    size_t cap;
    uint32_t *set;      /* 1 + index of a term, 0 = empty; per text */
    uint32_t *set_used; /* slots to clear after the text */
    size_t nset_used;
    word words[WORDS_CAP]; /* stop words and insults */
    size_t insult_min;     /* bytes of the shortest insult */
    uint32_t stamp;        /* the rules, for the caches (themes.h) */
    ef_words *wb;          /* ICU's word breaker, opened on first need */
    int wb_tried;          /* ... and NULL if it could not be */
    size_t *ws, *wl;       /* the words of one run */
    size_t wcap;
    /* byte -> the byte lower-cased if it can be part of a word (letters,
     * digits, apostrophes, any byte of a multi-byte character), else 0:
     * one look-up both finds the words and lower-cases them */
    unsigned char fold[256];
};

static void add_word(ef_terms *t, const char *s, int flag)
{
    size_t n = strlen(s);
    uint64_t h = ef_strmap_hash(s, n);
    size_t i = (size_t)h & (WORDS_CAP - 1);

    while (t->words[i].s &&
           !(t->words[i].n == n && ef_strmap_same(t->words[i].s, s, n)))
        i = (i + 1) & (WORDS_CAP - 1);
    t->words[i].s = s;
    t->words[i].n = n;
    t->words[i].h = h;
    t->words[i].flags |= flag;
}

/* W_STOP / W_ABUSIVE flags of a word whose hash is h. */
static int word_flags(const ef_terms *t, const char *s, size_t n, uint64_t h)
{
    size_t i = (size_t)h & (WORDS_CAP - 1);
    while (t->words[i].s) {
        if (t->words[i].h == h && t->words[i].n == n &&
            ef_strmap_same(t->words[i].s, s, n))
            return t->words[i].flags;
        i = (i + 1) & (WORDS_CAP - 1);
    }
    return 0;
}

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '\'' || c >= 0x80;
}

/* A hash of everything the terms of a text depend on: the rules'
 * version, the word lists, the cap on terms and ICU's version. */
static uint32_t rules_stamp(void)
{
    char icu[32], head[64];
    uint64_t h;
    int k = snprintf(head, sizeof head, "rules %d cap %d", RULES_VERSION,
                     SET_CAP / 2);

    ef_words_version(icu, sizeof icu);
    h = ef_hash_absorb(CACHE_SEED, head, (size_t)k);
    h = ef_hash_absorb(h, icu, strlen(icu));
    for (size_t i = 0; i < EF_ARRAY_LEN(stopwords); i++)
        h = ef_hash_absorb(h, stopwords[i], strlen(stopwords[i]));
    for (size_t i = 0; i < EF_ARRAY_LEN(abusive_words); i++)
        h = ef_hash_absorb(h, abusive_words[i], strlen(abusive_words[i]));
    return (uint32_t)(ef_hash_finish(h) >> 32);
}

ef_terms *ef_terms_new(void)
{
    ef_terms *t = ef_xcalloc(1, sizeof *t);
    t->set = ef_xcalloc(SET_CAP, sizeof(uint32_t));
    t->set_used = ef_xcalloc(SET_CAP, sizeof(uint32_t));
    for (size_t i = 0; i < EF_ARRAY_LEN(stopwords); i++)
        add_word(t, stopwords[i], W_STOP);
    t->insult_min = SIZE_MAX;
    for (size_t i = 0; i < EF_ARRAY_LEN(abusive_words); i++) {
        size_t n = strlen(abusive_words[i]);
        add_word(t, abusive_words[i], W_ABUSIVE);
        if (n < t->insult_min)
            t->insult_min = n;
    }
    for (int c = 1; c < 256; c++)
        if (is_word_byte((unsigned char)c))
            t->fold[c] = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    t->stamp = rules_stamp();
    return t;
}

void ef_terms_free(ef_terms *t)
{
    if (t == NULL)
        return;
    free(t->low);
    free(t->term);
    free(t->len);
    free(t->hash);
    free(t->set);
    free(t->set_used);
    ef_words_free(t->wb);
    free(t->ws);
    free(t->wl);
    free(t);
}

/* Makes room for k terms. */
static void grow_terms(ef_terms *t, size_t k)
{
    if (k <= t->cap)
        return;
    t->cap = t->cap * 2 > k ? t->cap * 2 : k + 64;
    t->term = ef_xrealloc(t->term, t->cap * sizeof(char *));
    t->len = ef_xrealloc(t->len, t->cap * sizeof(size_t));
    t->hash = ef_xrealloc(t->hash, t->cap * sizeof(uint64_t));
}

/* Adds term (s, n), hash h, unless the text already had it. */
static void add_term(ef_terms *t, const char *s, size_t n, uint64_t h,
                     size_t *count)
{
    size_t i;

    for (i = (size_t)h & (SET_CAP - 1);; i = (i + 1) & (SET_CAP - 1)) {
        uint32_t k = t->set[i];
        if (k == 0)
            break;
        if (t->hash[k - 1] == h && t->len[k - 1] == n &&
            ef_strmap_same(t->term[k - 1], s, n))
            return;
    }
    if (*count >= SET_CAP / 2)
        return; /* a very long text: its first 2,048 distinct terms */
    grow_terms(t, *count + 1);
    t->term[*count] = s;
    t->len[*count] = n;
    t->hash[*count] = h;
    t->set[i] = (uint32_t)++ * count;
    t->set_used[t->nset_used++] = (uint32_t)i;
}

/* Whether w (n bytes) is hiragana alone: in Japanese, particles and
 * endings ("の", "です"), which say nothing of what a text is about. */
static int hiragana_only(const char *w, size_t n)
{
    const unsigned char *u = (const unsigned char *)w;

    if (n == 0 || n % 3 != 0)
        return 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned cp = (unsigned)(u[i] & 0x0F) << 12 |
                      (unsigned)(u[i + 1] & 0x3F) << 6 | (u[i + 2] & 0x3F);
        if (u[i] != 0xE3 || cp < 0x3041 || cp > 0x309F)
            return 0;
    }
    return 1;
}

/* Counts the word w (n bytes, lower-case, apostrophes around it trimmed;
 * hash h) and adds it as a term unless it is short, a stop word or a
 * number; notes an insult. */
static void take_word(ef_terms *t, const char *w, size_t n, uint64_t h,
                      size_t *count, int *nw, int *ab)
{
    int flags;
    size_t d = 0;

    if (n == 0)
        return;
    ++*nw;
    if (n < 3 && n < t->insult_min)
        return; /* no term, and no insult: spare the look-up */
    flags = word_flags(t, w, n, h);
    *ab |= (flags & W_ABUSIVE) != 0;
    if (n < 3 || (flags & W_STOP))
        return;
    while (d < n && w[d] >= '0' && w[d] <= '9')
        d++;
    if (d == n)
        return; /* a number */
    add_term(t, w, n, h, count);
}

/* The words of a run in a script written without spaces, by ICU's
 * dictionaries; 0 when ICU has no word breaker to offer. */
static int take_words(ef_terms *t, const char *run, size_t n, size_t *count,
                      int *nw, int *ab)
{
    size_t k;

    if (t->wb == NULL && !t->wb_tried) {
        t->wb_tried = 1;
        t->wb = ef_words_new();
    }
    if (t->wb == NULL)
        return 0;
    if (t->wcap < n + 1) { /* at most a word per byte */
        t->wcap = n + 1;
        t->ws = ef_xrealloc(t->ws, t->wcap * sizeof *t->ws);
        t->wl = ef_xrealloc(t->wl, t->wcap * sizeof *t->wl);
    }
    k = ef_words_split(t->wb, run, n, t->ws, t->wl, t->wcap);
    for (size_t i = 0; i < k; i++) {
        const char *w = run + t->ws[i];
        size_t wn = t->wl[i];

        if (hiragana_only(w, wn))
            continue;
        while (wn > 0 && w[0] == '\'') {
            w++;
            wn--;
        }
        while (wn > 0 && w[wn - 1] == '\'')
            wn--;
        take_word(t, w, wn, ef_strmap_hash(w, wn), count, nw, ab);
    }
    return 1;
}

size_t ef_terms_split(ef_terms *t, const char *text, size_t n,
                      const char *const **term, const size_t **len,
                      int *abusive, int *words)
{
    const unsigned char *u = (const unsigned char *)text;
    const unsigned char *fold = t->fold;
    size_t i = 0, count = 0;
    uint64_t th = EF_TERMS_TEXT_SEED;
    int nw = 0, ab = 0;

    if (n + 1 > t->low_cap) {
        t->low_cap = n + n / 2 + 64;
        t->low = ef_xrealloc(t->low, t->low_cap);
    }
    /* One pass: a word is lower-cased into t->low and hashed as it is
     * found (the bytes between words are only ever read from the text),
     * its apostrophes at either end left out of the word and its hash.
     * Every byte also steps th, the text's hash: a second chain of
     * multiplies, which the processor runs beside the first. */
    while (i < n) {
        size_t a, b, wa, wb;
        uint64_t h = EF_STRMAP_SEED, hw = h; /* hw: up to wb */
        unsigned char c;
        int wide = 0; /* a byte of a 3- or 4-byte character */

        for (; i < n && fold[u[i]] == 0; i++)
            th = ef_strmap_step(th, u[i]);
        if (i >= n)
            break;
        a = i;
        for (; i < n && u[i] == '\''; i++) {
            t->low[i] = '\'';
            th = ef_strmap_step(th, '\'');
        }
        wa = wb = i;
        for (; i < n && (c = fold[u[i]]) != 0; i++) {
            t->low[i] = (char)c;
            wide |= c >= 0xE0;
            th = ef_strmap_step(th, u[i]);
            h = ef_strmap_step(h, c);
            if (c != '\'') {
                hw = h;
                wb = i + 1;
            }
        }
        b = i;
        /* a URL is one run: skip it whole */
        if (b < n && text[b] == ':' && b + 2 < n && text[b + 1] == '/') {
            for (; i < n && text[i] != ' ' && text[i] != '\n'; i++)
                th = ef_strmap_step(th, u[i]);
            nw++;
            continue;
        }
        /* Chinese, Japanese, Thai...: words by dictionary, not spaces
         * (ICU is slow: only for the runs that need it) */
        if (wide && ef_script_needs_words(t->low + a, b - a) &&
            take_words(t, t->low + a, b - a, &count, &nw, &ab))
            continue;
        take_word(t, t->low + wa, wb - wa, ef_strmap_mix(hw), &count, &nw,
                  &ab);
    }
    for (size_t k = 0; k < t->nset_used; k++)
        t->set[t->set_used[k]] = 0;
    t->nset_used = 0;
    t->text_fnv = th;
    *term = (const char *const *)t->term;
    *len = t->len;
    *abusive = ab;
    *words = nw;
    return count;
}

const uint64_t *ef_terms_hashes(const ef_terms *t)
{
    return t->hash;
}

uint64_t ef_terms_text_fnv(const ef_terms *t)
{
    return t->text_fnv;
}

/* ==== The store's cache ================================================= */

/* Layout, little-endian: 'T', format 1, the rules' stamp (4 bytes), the
 * text's check (8), its FNV hash (8), its word count (4), the number of
 * terms (2), then each term's hash (8). */

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&v, p, (size_t)bytes); /* one load: a cache is read per item */
#else
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
#endif
    return v;
}

static uint64_t text_check(const char *text, size_t n)
{
    return ef_hash_finish(ef_hash_absorb(CACHE_SEED, text, n));
}

void ef_terms_cache_put(ef_terms *t, const char *text, size_t n, ef_buf *out)
{
    const char *const *term;
    const size_t *len;
    int abusive, words;
    size_t k = ef_terms_split(t, text, n, &term, &len, &abusive, &words);
    size_t size = EF_TERMS_CACHE_SIZE(k);
    unsigned char *p;

    ef_buf_grow(out, size);
    p = (unsigned char *)out->data + out->len;
    p[0] = CACHE_MAGIC;
    p[1] = CACHE_FORMAT;
    put_le(p + 2, t->stamp, 4);
    put_le(p + 6, text_check(text, n), 8);
    put_le(p + 14, t->text_fnv, 8);
    put_le(p + 22, (uint64_t)words, 4);
    put_le(p + 26, k, 2);
    for (size_t i = 0; i < k; i++)
        put_le(p + 28 + 8 * i, t->hash[i], 8);
    out->len += size;
}

int ef_terms_cache_get(ef_terms *t, const unsigned char *blob, size_t len,
                       const char *text, size_t n, int *words,
                       uint64_t *text_fnv, const uint64_t **hash,
                       size_t *nterms)
{
    size_t k;

    if (blob == NULL || len < EF_TERMS_CACHE_SIZE(0) ||
        blob[0] != CACHE_MAGIC || blob[1] != CACHE_FORMAT ||
        get_le(blob + 2, 4) != t->stamp)
        return 0;
    k = (size_t)get_le(blob + 26, 2);
    if (len != EF_TERMS_CACHE_SIZE(k) || k > SET_CAP / 2 ||
        get_le(blob + 22, 4) > INT_MAX ||
        get_le(blob + 6, 8) != text_check(text, n))
        return 0;
    grow_terms(t, k);
    for (size_t i = 0; i < k; i++)
        t->hash[i] = get_le(blob + 28 + 8 * i, 8);
    *words = (int)get_le(blob + 22, 4);
    *text_fnv = get_le(blob + 14, 8);
    *hash = t->hash;
    *nterms = k;
    return 1;
}
