/* dedup.c - the set of items seen: 64 parts chosen by a key's top six
 * bits, each an open-addressing table with linear probing over two
 * arrays (64-bit keys, 32-bit content hashes), grown by half when three
 * quarters full, so that each stays between half and three quarters
 * full: 16 to 24 bytes per item. Growing one part at a time keeps the
 * moment of growing small (a 64th of the set), not a second set. */
#include <stdlib.h>
#include <string.h>

#include "input/dedup.h"
#include "util/hash.h"

#define PARTS 64
#define PART_SHIFT 58                 /* key >> 58: the part */
#define MIN_SLOTS 64                  /* per part */
#define SEED_ID 0x243f6a8885a308d3ULL /* digits of pi: any will do */
#define SEED_CONTENT 0x13198a2e03707344ULL

typedef struct {
    uint64_t *key; /* 0: an empty slot */
    uint32_t *content;
    size_t slots, used;
} part;

struct ef_dedup {
    part p[PARTS];
    size_t used;
};

/* ==== Hashing =========================================================== */

/* ef_hash_absorb() of s with ASCII letters lower-cased: a channel is the same
 * whatever its case, as in the content hash (ef_item_hash). */
static uint64_t absorb_lower(uint64_t h, const char *s, size_t n)
{
    unsigned char low[64];

    for (size_t i = 0; i < n; i += sizeof low) {
        size_t k = n - i < sizeof low ? n - i : sizeof low;
        for (size_t j = 0; j < k; j++) {
            unsigned char c = (unsigned char)s[i + j];
            low[j] = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
        }
        /* chunks of 64 keep the 8-byte words of one absorb */
        h = ef_hash_absorb(h, low, k);
    }
    return h;
}

void ef_dedup_sign(const ef_item *it, ef_dedup_sig *out)
{
    uint64_t h = SEED_CONTENT, date = (uint64_t)it->date;

    h = ef_hash_absorb(h, &date, sizeof date);
    h = absorb_lower(h, it->channel, strlen(it->channel));
    h = ef_hash_absorb(h, it->author, strlen(it->author));
    h = ef_hash_finish(ef_hash_absorb(h, it->text, it->text_len));
    out->content = (uint32_t)(h >> 32);
    out->key =
        it->id[0]
            ? ef_hash_finish(ef_hash_absorb(SEED_ID, it->id, strlen(it->id)))
            : h;
    if (out->key == 0) /* 0 marks an empty slot */
        out->key = 1;
}

/* ==== The set =========================================================== */

static void part_init(part *p, size_t slots)
{
    p->slots = slots;
    p->used = 0;
    p->key = ef_xcalloc(slots, sizeof *p->key);
    p->content = ef_xcalloc(slots, sizeof *p->content);
}

ef_dedup *ef_dedup_new(void)
{
    ef_dedup *d = ef_xcalloc(1, sizeof *d);

    for (int i = 0; i < PARTS; i++)
        part_init(&d->p[i], MIN_SLOTS);
    return d;
}

static part *part_of(const ef_dedup *d, uint64_t key)
{
    return (part *)&d->p[key >> PART_SHIFT];
}

/* The home slot of key in its part: 32 bits below the part's six,
 * scaled to the part (any size works). */
static size_t home(const part *p, uint64_t key)
{
    return (size_t)((((key >> 26) & 0xffffffffu) * (uint64_t)p->slots) >> 32);
}

/* The slot for key: its own, or the empty one where it would go. */
static size_t find(const part *p, uint64_t key)
{
    size_t i = home(p, key);

    while (p->key[i] != 0 && p->key[i] != key)
        if (++i == p->slots)
            i = 0;
    return i;
}

static void grow(part *p)
{
    part old = *p;

    part_init(p, old.slots + old.slots / 2);
    for (size_t i = 0; i < old.slots; i++) {
        if (old.key[i] == 0)
            continue;
        size_t j = find(p, old.key[i]);
        p->key[j] = old.key[i];
        p->content[j] = old.content[i];
    }
    p->used = old.used;
    free(old.key);
    free(old.content);
}

void ef_dedup_prefetch(const ef_dedup *d, const ef_dedup_sig *s)
{
    const part *p = part_of(d, s->key);
    size_t i = home(p, s->key);

    __builtin_prefetch(&p->key[i]);
    __builtin_prefetch(&p->content[i]);
}

ef_dedup_verdict ef_dedup_add(ef_dedup *d, const ef_dedup_sig *s)
{
    part *p = part_of(d, s->key);
    size_t i = find(p, s->key);

    if (p->key[i] == s->key)
        return p->content[i] == s->content ? EF_DEDUP_DUPLICATE
                                           : EF_DEDUP_CONFLICT;
    if (4 * (p->used + 1) > 3 * p->slots) {
        grow(p);
        i = find(p, s->key);
    }
    p->key[i] = s->key;
    p->content[i] = s->content;
    p->used++;
    d->used++;
    return EF_DEDUP_NEW;
}

size_t ef_dedup_count(const ef_dedup *d)
{
    return d->used;
}

size_t ef_dedup_bytes(const ef_dedup *d)
{
    size_t n = 0;
    for (int i = 0; i < PARTS; i++)
        n += d->p[i].slots * (sizeof *d->p[i].key + sizeof *d->p[i].content);
    return n;
}

void ef_dedup_free(ef_dedup *d)
{
    if (d == NULL)
        return;
    for (int i = 0; i < PARTS; i++) {
        free(d->p[i].key);
        free(d->p[i].content);
    }
    free(d);
}
