/* dedup.c - the set of items seen: open addressing with linear probing
 * over two arrays (64-bit keys, 32-bit content hashes), grown by half
 * when three quarters full, so that it stays between half and three
 * quarters full: 16 to 24 bytes per item. */
#include <stdlib.h>
#include <string.h>

#include "input/dedup.h"

#define MIN_SLOTS 1024
#define PRIME1 0x9e3779b97f4a7c15ULL /* 2^64 / golden ratio */
#define PRIME2 0xc2b2ae3d27d4eb4fULL
#define SEED_ID 0x243f6a8885a308d3ULL      /* digits of pi: any will do */
#define SEED_CONTENT 0x13198a2e03707344ULL

struct ef_dedup {
    uint64_t *key; /* 0: an empty slot */
    uint32_t *content;
    size_t slots, used;
};

/* ==== Hashing =========================================================== */

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* Folds n bytes into h, 8 at a time, then their count (so that "ab","c"
 * and "a","bc" differ). */
static uint64_t absorb(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t w;
    size_t left = n;

    for (; left >= 8; s += 8, left -= 8) {
        memcpy(&w, s, 8);
        h = rotl(h ^ (w * PRIME2), 31) * PRIME1;
    }
    w = 0;
    memcpy(&w, s, left);
    h = rotl(h ^ (w * PRIME2), 31) * PRIME1;
    return rotl(h ^ ((uint64_t)n * PRIME2), 27) * PRIME1;
}

/* splitmix64's finaliser: every input bit reaches every output bit. */
static uint64_t finish(uint64_t h)
{
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

void ef_dedup_sign(const ef_item *it, ef_dedup_sig *out)
{
    uint64_t h = SEED_CONTENT, date = (uint64_t)it->date;

    h = absorb(h, &date, sizeof date);
    h = absorb(h, it->channel, strlen(it->channel));
    h = absorb(h, it->author, strlen(it->author));
    h = finish(absorb(h, it->text, it->text_len));
    out->content = (uint32_t)(h >> 32);
    out->key = it->id[0] ? finish(absorb(SEED_ID, it->id, strlen(it->id)))
                         : h;
    if (out->key == 0) /* 0 marks an empty slot */
        out->key = 1;
}

/* ==== The set =========================================================== */

ef_dedup *ef_dedup_new(void)
{
    ef_dedup *d = ef_xcalloc(1, sizeof *d);

    d->slots = MIN_SLOTS;
    d->key = ef_xcalloc(d->slots, sizeof *d->key);
    d->content = ef_xcalloc(d->slots, sizeof *d->content);
    return d;
}

/* The slot for key: its own, or the empty one where it would go. The
 * home slot is key's top 32 bits scaled to the table (any size works). */
static size_t find(const ef_dedup *d, uint64_t key)
{
    size_t i = (size_t)(((key >> 32) * (uint64_t)d->slots) >> 32);

    while (d->key[i] != 0 && d->key[i] != key)
        if (++i == d->slots)
            i = 0;
    return i;
}

static void grow(ef_dedup *d)
{
    ef_dedup old = *d;

    d->slots = old.slots + old.slots / 2;
    d->key = ef_xcalloc(d->slots, sizeof *d->key);
    d->content = ef_xcalloc(d->slots, sizeof *d->content);
    for (size_t i = 0; i < old.slots; i++) {
        if (old.key[i] == 0)
            continue;
        size_t j = find(d, old.key[i]);
        d->key[j] = old.key[i];
        d->content[j] = old.content[i];
    }
    free(old.key);
    free(old.content);
}

ef_dedup_verdict ef_dedup_add(ef_dedup *d, const ef_dedup_sig *s)
{
    size_t i = find(d, s->key);

    if (d->key[i] == s->key)
        return d->content[i] == s->content ? EF_DEDUP_DUPLICATE
                                           : EF_DEDUP_CONFLICT;
    if (4 * (d->used + 1) > 3 * d->slots) {
        grow(d);
        i = find(d, s->key);
    }
    d->key[i] = s->key;
    d->content[i] = s->content;
    d->used++;
    return EF_DEDUP_NEW;
}

size_t ef_dedup_count(const ef_dedup *d) { return d->used; }

size_t ef_dedup_bytes(const ef_dedup *d)
{
    return d->slots * (sizeof *d->key + sizeof *d->content);
}

void ef_dedup_free(ef_dedup *d)
{
    if (d == NULL)
        return;
    free(d->key);
    free(d->content);
    free(d);
}
