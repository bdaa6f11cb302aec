/* strmap.c - string -> index hash map with pooled keys. */
#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>

#define POOL_CHUNK (64u << 10)

typedef struct {
    uint64_t hash;
    const char *key; /* NULL: empty */
    size_t len;
    size_t value;
} slot;

struct ef_strmap {
    slot *slots;
    size_t cap, used;
    const char **keys; /* by insertion order */
    size_t keys_cap;
    char **chunks; /* the key pool */
    size_t nchunks, chunk_used, chunk_cap;
};

ef_strmap *ef_strmap_new(void)
{
    ef_strmap *m = ef_xcalloc(1, sizeof *m);
    m->cap = 64;
    m->slots = ef_xcalloc(m->cap, sizeof(slot));
    return m;
}

void ef_strmap_free(ef_strmap *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->nchunks; i++)
        free(m->chunks[i]);
    free(m->chunks);
    free(m->keys);
    free(m->slots);
    free(m);
}

static char *pool_copy(ef_strmap *m, const char *s, size_t n)
{
    char *p;
    if (m->nchunks == 0 || m->chunk_used + n + 1 > m->chunk_cap) {
        size_t cap = n + 1 > POOL_CHUNK ? n + 1 : POOL_CHUNK;
        m->chunks = ef_xrealloc(m->chunks, (m->nchunks + 1) * sizeof(char *));
        m->chunks[m->nchunks++] = ef_xmalloc(cap);
        m->chunk_used = 0;
        m->chunk_cap = cap;
    }
    p = m->chunks[m->nchunks - 1] + m->chunk_used;
    memcpy(p, s, n);
    p[n] = '\0';
    m->chunk_used += n + 1;
    return p;
}

static inline slot *lookup(const ef_strmap *m, const char *key, size_t n,
                           uint64_t h)
{
    size_t mask = m->cap - 1, i = (size_t)h & mask;
    for (;; i = (i + 1) & mask) {
        slot *s = &m->slots[i];
        if (s->key == NULL ||
            (s->hash == h && s->len == n && ef_strmap_same(s->key, key, n)))
            return s;
    }
}

static void grow(ef_strmap *m)
{
    slot *old = m->slots;
    size_t oldcap = m->cap;

    m->cap *= 2;
    m->slots = ef_xcalloc(m->cap, sizeof(slot));
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key)
            *lookup(m, old[i].key, old[i].len, old[i].hash) = old[i];
    free(old);
}

size_t ef_strmap_get_or_add(ef_strmap *m, const char *key, size_t n,
                            size_t next, int *added)
{
    return ef_strmap_get_or_add_h(m, key, n, ef_strmap_hash(key, n), next,
                                  added);
}

size_t ef_strmap_get_or_add_h(ef_strmap *m, const char *key, size_t n,
                              uint64_t h, size_t next, int *added)
{
    slot *s = lookup(m, key, n, h);

    *added = 0;
    if (s->key)
        return s->value;
    if ((m->used + 1) * 2 > m->cap) {
        grow(m);
        s = lookup(m, key, n, h);
    }
    s->hash = h;
    s->key = pool_copy(m, key, n);
    s->len = n;
    s->value = next;
    if (m->used == m->keys_cap) {
        m->keys_cap = m->keys_cap ? m->keys_cap * 2 : 64;
        m->keys = ef_xrealloc(m->keys, m->keys_cap * sizeof(char *));
    }
    m->keys[m->used++] = s->key;
    *added = 1;
    return next;
}

size_t ef_strmap_find(const ef_strmap *m, const char *key, size_t n)
{
    const slot *s = lookup(m, key, n, ef_strmap_hash(key, n));
    return s->key ? s->value : SIZE_MAX;
}

const char *ef_strmap_key(const ef_strmap *m, size_t i)
{
    return i < m->used ? m->keys[i] : NULL;
}

size_t ef_strmap_count(const ef_strmap *m)
{
    return m->used;
}
