/* earful_pg_agg.c - the mergeable aggregates earful's query set pushes to
 * the shards (pg/queries.sql).
 *
 * Each aggregate X has a partial result type X_part and a merge
 * aggregate X_merge(X_part) -> X_part, so that a shard answers with a
 * partial and the coordinator (or the client) merges the partials:
 *   earful_term_counts(text, negative bool)   term -> (negative, other)
 *   earful_term_authors(k, text, author)      term -> (items, distinct
 *                                             authors up to k)
 *   earful_topk(k, key float8, id text)       the k smallest keys, ties by id
 *   earful_tally(t, a, b, c, x, v int4[])     counters summed per distinct
 *                                             key (t, a, b, c, x): counts
 *                                             per period x channel x class,
 *                                             per compound score, per delay
 *   earful_authors(k, author, class, date, responded_at)
 *                                             per-author negative counts as
 *                                             a histogram, turned-around
 *                                             authors, the k loudest
 * Arrays in a partial are sorted (terms and ids bytewise, as C's memcmp:
 * not by the database's collation), so equal inputs give equal partials
 * whatever the order of rows. earful_authors' partials merge only when
 * every author's rows are on one shard (the shard key derives from the
 * author: earful_shard, queries.sql). States are palloc'd in the
 * aggregate's context; nothing outlives the query.
 */
#include "earful_pg.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#define TOPK_MAX 1000000 /* the largest k of earful_topk / earful_authors */

/* ==== Helpers =========================================================== */

/* The aggregate's memory context; ERROR when not called as an aggregate. */
static MemoryContext agg_context(FunctionCallInfo fcinfo, const char *name)
{
    MemoryContext cxt;

    if (!AggCheckCallContext(fcinfo, &cxt))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("%s called outside an aggregate", name)));
    return cxt;
}

/* Bytewise order of two strings (memcmp, then the shorter first). */
static int bytes_cmp(const char *a, uint32 na, const char *b, uint32 nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);

    if (c != 0)
        return c;
    return (na > nb) - (na < nb);
}

static ArrayType *int8_array(const int64 *v, int n)
{
    Datum *d = palloc((n + 1) * sizeof(Datum));

    for (int i = 0; i < n; i++)
        d[i] = Int64GetDatum(v[i]);
    return construct_array(d, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

static ArrayType *float8_array(const double *v, int n)
{
    Datum *d = palloc((n + 1) * sizeof(Datum));

    for (int i = 0; i < n; i++)
        d[i] = Float8GetDatum(v[i]);
    return construct_array(d, n, FLOAT8OID, 8, FLOAT8PASSBYVAL,
                           TYPALIGN_DOUBLE);
}

static ArrayType *text_array(char *const *s, const uint32 *len, int n)
{
    Datum *d = palloc((n + 1) * sizeof(Datum));

    for (int i = 0; i < n; i++)
        d[i] = PointerGetDatum(cstring_to_text_with_len(s[i], (int)len[i]));
    return construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT);
}

/* The function's composite result from its attribute values. */
static Datum make_result(FunctionCallInfo fcinfo, Datum *v, int nattrs)
{
    TupleDesc td;
    bool nulls[8] = {false};

    Assert(nattrs <= 8);
    if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE ||
        td->natts != nattrs)
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                        errmsg("earful_pg: unexpected result type")));
    td = BlessTupleDesc(td);
    return HeapTupleGetDatum(heap_form_tuple(td, v, nulls));
}

/* Attribute attno (from 1) of a partial, which must be there. */
static Datum part_attr(HeapTupleHeader th, int attno)
{
    bool isnull;
    Datum d = GetAttributeByNum(th, (AttrNumber)attno, &isnull);

    if (isnull)
        ereport(ERROR,
                (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                 errmsg("earful_pg: a partial has a null field %d", attno)));
    return d;
}

/* The elements of a one-dimensional array field of a partial; n must
 * match *count when *count >= 0, else it is set. */
static Datum *part_array(HeapTupleHeader th, int attno, Oid type, int *count)
{
    ArrayType *a = DatumGetArrayTypeP(part_attr(th, attno));
    Datum *d;
    bool *nulls;
    int n, len = type == TEXTOID ? -1 : 8;
    bool byval = type == TEXTOID ? false : FLOAT8PASSBYVAL;
    char align = type == TEXTOID ? TYPALIGN_INT : TYPALIGN_DOUBLE;

    if (ARR_ELEMTYPE(a) != type)
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                        errmsg("earful_pg: a partial's field %d has the "
                               "wrong element type",
                               attno)));
    deconstruct_array(a, type, len, byval, align, &d, &nulls, &n);
    for (int i = 0; i < n; i++)
        if (nulls[i])
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            errmsg("earful_pg: a partial's field %d holds "
                                   "a null",
                                   attno)));
    if (*count >= 0 && n != *count)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("earful_pg: a partial's arrays differ in "
                               "length")));
    *count = n;
    return d;
}

/* ==== A table of strings, each with a fixed-size value ================== */

typedef struct {
    MemoryContext cxt;
    uint32 *slot; /* 1 + entry, 0 = empty */
    uint32 cap;   /* slots: a power of two, at most half full */
    uint32 n;     /* entries */
    uint32 ecap;
    char **key; /* entry i's key, not NUL-terminated */
    uint32 *klen;
    uint32 *khash;
    char *val; /* entry i's value at val + i * vsize, zeroed at first */
    Size vsize;
} strtab;

static void strtab_init(strtab *t, MemoryContext cxt, Size vsize)
{
    memset(t, 0, sizeof *t);
    t->cxt = cxt;
    t->vsize = vsize;
    t->cap = 64;
    t->slot = MemoryContextAllocZero(cxt, t->cap * sizeof(uint32));
}

static void strtab_rehash(strtab *t)
{
    uint32 cap = t->cap * 2, mask = cap - 1;
    uint32 *slot = MemoryContextAllocHuge(t->cxt, (Size)cap * sizeof(uint32));

    memset(slot, 0, (Size)cap * sizeof(uint32));
    for (uint32 i = 0; i < t->n; i++) {
        uint32 s = t->khash[i] & mask;
        while (slot[s])
            s = (s + 1) & mask;
        slot[s] = i + 1;
    }
    pfree(t->slot);
    t->slot = slot;
    t->cap = cap;
}

/* The value of key s (len bytes), added (zeroed) if new. */
static void *strtab_get(strtab *t, const char *s, uint32 len)
{
    uint32 h = hash_bytes((const unsigned char *)s, (int)len);
    uint32 mask = t->cap - 1, i = h & mask, e;

    for (; t->slot[i]; i = (i + 1) & mask) {
        e = t->slot[i] - 1;
        if (t->khash[e] == h && t->klen[e] == len &&
            memcmp(t->key[e], s, len) == 0)
            return t->val + (Size)e * t->vsize;
    }
    if (t->n == PG_UINT32_MAX / 4)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("earful_pg: too many distinct keys")));
    if (t->n == t->ecap) {
        uint32 c = t->ecap ? t->ecap * 2 : 64;
        if (t->ecap == 0) {
            t->key = MemoryContextAllocHuge(t->cxt, c * sizeof(char *));
            t->klen = MemoryContextAllocHuge(t->cxt, c * sizeof(uint32));
            t->khash = MemoryContextAllocHuge(t->cxt, c * sizeof(uint32));
            t->val = MemoryContextAllocHuge(t->cxt, c * t->vsize);
        } else {
            t->key = repalloc_huge(t->key, c * sizeof(char *));
            t->klen = repalloc_huge(t->klen, c * sizeof(uint32));
            t->khash = repalloc_huge(t->khash, c * sizeof(uint32));
            t->val = repalloc_huge(t->val, c * t->vsize);
        }
        t->ecap = c;
    }
    e = t->n++;
    t->key[e] = MemoryContextAlloc(t->cxt, len + 1);
    memcpy(t->key[e], s, len);
    t->klen[e] = len;
    t->khash[e] = h;
    memset(t->val + (Size)e * t->vsize, 0, t->vsize);
    t->slot[i] = e + 1;
    if (t->n * 2 > t->cap)
        strtab_rehash(t);
    return t->val + (Size)e * t->vsize;
}

static int strtab_cmp(const void *x, const void *y, void *arg)
{
    const strtab *t = arg;
    uint32 a = *(const uint32 *)x, b = *(const uint32 *)y;

    return bytes_cmp(t->key[a], t->klen[a], t->key[b], t->klen[b]);
}

/* The entries in bytewise order of their keys (palloc'd). */
static uint32 *strtab_sorted(strtab *t)
{
    uint32 *order = palloc((t->n + 1) * sizeof(uint32));

    for (uint32 i = 0; i < t->n; i++)
        order[i] = i;
    qsort_arg(order, t->n, sizeof(uint32), strtab_cmp, t);
    return order;
}

/* ==== A table of int8 values and their counts =========================== */

typedef struct {
    MemoryContext cxt;
    int64 *v;
    int64 *n; /* 0 = empty slot */
    uint32 cap;
    uint32 used;
} valtab;

static void valtab_init(valtab *t, MemoryContext cxt)
{
    t->cxt = cxt;
    t->cap = 64;
    t->used = 0;
    t->v = MemoryContextAllocZero(cxt, t->cap * sizeof(int64));
    t->n = MemoryContextAllocZero(cxt, t->cap * sizeof(int64));
}

static uint32 valtab_hash(int64 v)
{
    uint64 x = (uint64)v * UINT64CONST(0x9e3779b97f4a7c15);
    return (uint32)(x >> 32) ^ (uint32)x;
}

static void valtab_add(valtab *t, int64 v, int64 count);

static void valtab_grow(valtab *t)
{
    valtab old = *t;

    if (t->cap >= PG_UINT32_MAX / 4)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("earful_pg: too many distinct values")));
    t->cap *= 2;
    t->used = 0;
    t->v = MemoryContextAllocHuge(t->cxt, (Size)t->cap * sizeof(int64));
    t->n = MemoryContextAllocHuge(t->cxt, (Size)t->cap * sizeof(int64));
    memset(t->v, 0, (Size)t->cap * sizeof(int64));
    memset(t->n, 0, (Size)t->cap * sizeof(int64));
    for (uint32 i = 0; i < old.cap; i++)
        if (old.n[i])
            valtab_add(t, old.v[i], old.n[i]);
    pfree(old.v);
    pfree(old.n);
}

static void valtab_add(valtab *t, int64 v, int64 count)
{
    uint32 mask = t->cap - 1, i = valtab_hash(v) & mask;

    if (count == 0)
        return;
    for (; t->n[i]; i = (i + 1) & mask)
        if (t->v[i] == v) {
            t->n[i] += count;
            return;
        }
    t->v[i] = v;
    t->n[i] = count;
    if (++t->used * 2 > t->cap)
        valtab_grow(t);
}

static int cmp_int64_pair(const void *x, const void *y)
{
    int64 a = *(const int64 *)x, b = *(const int64 *)y;
    return (a > b) - (a < b);
}

/* The values ascending, with their counts: (*v)[i], (*n)[i]. */
static int valtab_sorted(const valtab *t, int64 **v, int64 **n)
{
    int64 *pairs = palloc((t->used + 1) * 2 * sizeof(int64));
    int k = 0;

    for (uint32 i = 0; i < t->cap; i++)
        if (t->n[i]) {
            pairs[2 * k] = t->v[i];
            pairs[2 * k + 1] = t->n[i];
            k++;
        }
    qsort(pairs, k, 2 * sizeof(int64), cmp_int64_pair);
    *v = palloc((k + 1) * sizeof(int64));
    *n = palloc((k + 1) * sizeof(int64));
    for (int i = 0; i < k; i++) {
        (*v)[i] = pairs[2 * i];
        (*n)[i] = pairs[2 * i + 1];
    }
    pfree(pairs);
    return k;
}

/* ==== earful_term_counts ================================================ */

PG_FUNCTION_INFO_V1(earful_terms_add);
PG_FUNCTION_INFO_V1(earful_terms_merge_add);
PG_FUNCTION_INFO_V1(earful_terms_final);

/* term -> int64[2]: items holding it that are negative, and the others */
static strtab *terms_state(FunctionCallInfo fcinfo, const char *name)
{
    MemoryContext cxt = agg_context(fcinfo, name);
    strtab *t;

    if (!PG_ARGISNULL(0))
        return (strtab *)PG_GETARG_POINTER(0);
    t = MemoryContextAlloc(cxt, sizeof *t);
    strtab_init(t, cxt, 2 * sizeof(int64));
    return t;
}

/* earful_term_counts(body text, negative bool): each distinct term of
 * each text counts once, in the negative or the other column. */
Datum earful_terms_add(PG_FUNCTION_ARGS)
{
    strtab *t = terms_state(fcinfo, "earful_term_counts");
    const char *const *term;
    const size_t *len;
    int abusive, words, col;
    size_t n;

    if (PG_ARGISNULL(1))
        PG_RETURN_POINTER(t);
    col = !PG_ARGISNULL(2) && PG_GETARG_BOOL(2) ? 0 : 1;
    n = ef_pg_terms(PG_GETARG_TEXT_PP(1), &term, &len, &abusive, &words);
    for (size_t i = 0; i < n; i++)
        ((int64 *)strtab_get(t, term[i], (uint32)len[i]))[col]++;
    PG_RETURN_POINTER(t);
}

/* earful_term_counts_merge(earful_terms_part) */
Datum earful_terms_merge_add(PG_FUNCTION_ARGS)
{
    strtab *t = terms_state(fcinfo, "earful_term_counts_merge");
    HeapTupleHeader th;
    Datum *term, *neg, *other;
    int n = -1;

    if (PG_ARGISNULL(1))
        PG_RETURN_POINTER(t);
    th = PG_GETARG_HEAPTUPLEHEADER(1);
    term = part_array(th, 1, TEXTOID, &n);
    neg = part_array(th, 2, INT8OID, &n);
    other = part_array(th, 3, INT8OID, &n);
    for (int i = 0; i < n; i++) {
        text *s = DatumGetTextPP(term[i]);
        int64 *c = strtab_get(t, VARDATA_ANY(s), VARSIZE_ANY_EXHDR(s));
        c[0] += DatumGetInt64(neg[i]);
        c[1] += DatumGetInt64(other[i]);
    }
    PG_RETURN_POINTER(t);
}

/* -> earful_terms_part (term text[], negative int8[], other int8[]),
 * terms in bytewise order */
Datum earful_terms_final(PG_FUNCTION_ARGS)
{
    strtab empty, *t;
    uint32 *order;
    char **key;
    uint32 *klen;
    int64 *neg, *other;
    Datum v[3];

    if (PG_ARGISNULL(0)) {
        strtab_init(&empty, CurrentMemoryContext, 2 * sizeof(int64));
        t = &empty;
    } else
        t = (strtab *)PG_GETARG_POINTER(0);
    order = strtab_sorted(t);
    key = palloc((t->n + 1) * sizeof(char *));
    klen = palloc((t->n + 1) * sizeof(uint32));
    neg = palloc((t->n + 1) * sizeof(int64));
    other = palloc((t->n + 1) * sizeof(int64));
    for (uint32 i = 0; i < t->n; i++) {
        const int64 *c = (const int64 *)(t->val + order[i] * t->vsize);
        key[i] = t->key[order[i]];
        klen[i] = t->klen[order[i]];
        neg[i] = c[0];
        other[i] = c[1];
    }
    v[0] = PointerGetDatum(text_array(key, klen, (int)t->n));
    v[1] = PointerGetDatum(int8_array(neg, (int)t->n));
    v[2] = PointerGetDatum(int8_array(other, (int)t->n));
    PG_RETURN_DATUM(make_result(fcinfo, v, 3));
}

/* ==== earful_term_authors =============================================== */

PG_FUNCTION_INFO_V1(earful_term_authors_add);
PG_FUNCTION_INFO_V1(earful_term_authors_merge_add);
PG_FUNCTION_INFO_V1(earful_term_authors_final);

#define TA_MAX 16 /* the largest k of earful_term_authors */

/* A term's value: the items holding it, and its first distinct authors,
 * up to k in all: anonymous items (each its own author) and the hashes
 * of named ones. */
typedef struct {
    int64 neg;
    int32 anon;
    int32 nwho;
    uint32 who[TA_MAX];
} ta_val;

typedef struct {
    strtab t;
    int32 k; /* 0 until the first row */
} ta_state;

/* The hash by which earful's aggregator tells authors apart (aggregate.c's
 * text_hash, cut to 32 bits): two authors of the same hash count as one
 * there, so here too. */
static uint32 author_hash(const char *s, size_t n)
{
    uint64 h = UINT64CONST(0x84222325cbf29ce4);

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * UINT64CONST(0x100000001b3);
    return (uint32)(h ^ (h >> 33));
}

static ta_state *ta_state_get(FunctionCallInfo fcinfo, const char *name)
{
    MemoryContext cxt = agg_context(fcinfo, name);
    ta_state *st;

    if (!PG_ARGISNULL(0))
        return (ta_state *)PG_GETARG_POINTER(0);
    st = MemoryContextAlloc(cxt, sizeof *st);
    strtab_init(&st->t, cxt, sizeof(ta_val));
    st->k = 0;
    return st;
}

/* An aggregate's k (rows kept): 1 to max, and the same on every row
 * (have: the k seen so far, 0 before the first). */
static void k_check(int32 have, int32 k, int32 max, const char *name)
{
    if (k < 1 || k > max)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg("%s: k must be 1 to %d, not %d", name, max, k)));
    if (have != 0 && have != k)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("%s: k changed from %d to %d", name, have, k)));
}

static void ta_set_k(ta_state *st, int32 k, const char *name)
{
    k_check(st->k, k, TA_MAX, name);
    st->k = k;
}

/* Counts the author of hash who in v, if new and v has fewer than k. */
static void ta_add_who(ta_val *v, int32 k, uint32 who)
{
    if (v->anon + v->nwho >= k)
        return;
    for (int32 i = 0; i < v->nwho; i++)
        if (v->who[i] == who)
            return;
    v->who[v->nwho++] = who;
}

/* earful_term_authors(k int4, body text, author text): per distinct term
 * of each text, the items holding it and their distinct authors up to k
 * (an item whose author is null or empty is its own author). */
Datum earful_term_authors_add(PG_FUNCTION_ARGS)
{
    ta_state *st = ta_state_get(fcinfo, "earful_term_authors");
    const char *const *term;
    const size_t *len;
    int abusive, words;
    bool anon;
    uint32 who = 0;
    size_t n;

    if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
        PG_RETURN_POINTER(st);
    ta_set_k(st, PG_GETARG_INT32(1), "earful_term_authors");
    anon = PG_ARGISNULL(3) || VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(3)) == 0;
    if (!anon) {
        text *a = PG_GETARG_TEXT_PP(3);
        who = author_hash(VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a));
    }
    n = ef_pg_terms(PG_GETARG_TEXT_PP(2), &term, &len, &abusive, &words);
    for (size_t i = 0; i < n; i++) {
        ta_val *v = strtab_get(&st->t, term[i], (uint32)len[i]);
        v->neg++;
        if (anon) {
            if (v->anon + v->nwho < st->k)
                v->anon++;
        } else
            ta_add_who(v, st->k, who);
    }
    PG_RETURN_POINTER(st);
}

/* earful_term_authors_merge(earful_term_authors_part): the union of the
 * authors, up to k. */
Datum earful_term_authors_merge_add(PG_FUNCTION_ARGS)
{
    ta_state *st = ta_state_get(fcinfo, "earful_term_authors_merge");
    HeapTupleHeader th;
    Datum *term, *neg, *authors, *anon, *who;
    int n = -1, nw = -1;
    int64 w = 0;

    if (PG_ARGISNULL(1))
        PG_RETURN_POINTER(st);
    th = PG_GETARG_HEAPTUPLEHEADER(1);
    if (DatumGetInt32(part_attr(th, 1)) == 0) /* of no row */
        PG_RETURN_POINTER(st);
    ta_set_k(st, DatumGetInt32(part_attr(th, 1)), "earful_term_authors_merge");
    term = part_array(th, 2, TEXTOID, &n);
    neg = part_array(th, 3, INT8OID, &n);
    authors = part_array(th, 4, INT8OID, &n);
    anon = part_array(th, 5, INT8OID, &n);
    who = part_array(th, 6, INT8OID, &nw);
    for (int i = 0; i < n; i++) {
        text *s = DatumGetTextPP(term[i]);
        ta_val *v = strtab_get(&st->t, VARDATA_ANY(s), VARSIZE_ANY_EXHDR(s));
        int64 a = DatumGetInt64(authors[i]), an = DatumGetInt64(anon[i]);

        if (a < 0 || a > st->k || an < 0 || an > a || w + (a - an) > nw)
            ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                            errmsg("earful_pg: an earful_term_authors_part is "
                                   "inconsistent")));
        v->neg += DatumGetInt64(neg[i]);
        v->anon = (int32)Min((int64)v->anon + an, (int64)st->k - v->nwho);
        for (int64 j = 0; j < a - an; j++)
            ta_add_who(v, st->k, (uint32)DatumGetInt64(who[w + j]));
        w += a - an;
    }
    if (w != nw)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                        errmsg("earful_pg: an earful_term_authors_part is "
                               "inconsistent")));
    PG_RETURN_POINTER(st);
}

/* -> earful_term_authors_part (k int4, term text[], negative int8[],
 * authors int8[], anonymous int8[], who int8[]): terms in bytewise
 * order; term i's distinct authors (at most k), of which anonymous
 * items; who: the hashes of the others, term after term. */
Datum earful_term_authors_final(PG_FUNCTION_ARGS)
{
    ta_state empty, *st;
    uint32 *order;
    char **key;
    uint32 *klen;
    int64 *neg, *authors, *anon, *who;
    int nw = 0;
    Datum v[6];

    if (PG_ARGISNULL(0)) {
        strtab_init(&empty.t, CurrentMemoryContext, sizeof(ta_val));
        empty.k = 0;
        st = &empty;
    } else
        st = (ta_state *)PG_GETARG_POINTER(0);
    order = strtab_sorted(&st->t);
    key = palloc((st->t.n + 1) * sizeof(char *));
    klen = palloc((st->t.n + 1) * sizeof(uint32));
    neg = palloc((st->t.n + 1) * sizeof(int64));
    authors = palloc((st->t.n + 1) * sizeof(int64));
    anon = palloc((st->t.n + 1) * sizeof(int64));
    who = palloc(((Size)st->t.n * TA_MAX + 1) * sizeof(int64));
    for (uint32 i = 0; i < st->t.n; i++) {
        const ta_val *c = (const ta_val *)(st->t.val + order[i] * st->t.vsize);
        key[i] = st->t.key[order[i]];
        klen[i] = st->t.klen[order[i]];
        neg[i] = c->neg;
        authors[i] = c->anon + c->nwho;
        anon[i] = c->anon;
        for (int32 j = 0; j < c->nwho; j++)
            who[nw++] = c->who[j];
    }
    v[0] = Int32GetDatum(st->k);
    v[1] = PointerGetDatum(text_array(key, klen, (int)st->t.n));
    v[2] = PointerGetDatum(int8_array(neg, (int)st->t.n));
    v[3] = PointerGetDatum(int8_array(authors, (int)st->t.n));
    v[4] = PointerGetDatum(int8_array(anon, (int)st->t.n));
    v[5] = PointerGetDatum(int8_array(who, nw));
    PG_RETURN_DATUM(make_result(fcinfo, v, 6));
}

/* ==== earful_topk ======================================================= */

typedef struct {
    double key;
    char *id;
    uint32 len;
} tk_item;

typedef struct {
    MemoryContext cxt;
    int32 k; /* 0 until the first row */
    int32 n;
    tk_item *heap; /* a max-heap: the worst kept item at the root */
} tk_state;

/* The order of earful_topk: smaller keys first (NaN last, as the
 * database orders float8), equal keys by id bytewise. */
static int tk_cmp(const tk_item *a, const tk_item *b)
{
    bool an = isnan(a->key), bn = isnan(b->key);

    if (an != bn)
        return an ? 1 : -1;
    if (!an && a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return bytes_cmp(a->id, a->len, b->id, b->len);
}

static int tk_cmp_q(const void *x, const void *y)
{
    return tk_cmp(x, y);
}

static tk_state *topk_state(FunctionCallInfo fcinfo, const char *name)
{
    MemoryContext cxt = agg_context(fcinfo, name);
    tk_state *st;

    if (!PG_ARGISNULL(0))
        return (tk_state *)PG_GETARG_POINTER(0);
    st = MemoryContextAllocZero(cxt, sizeof *st);
    st->cxt = cxt;
    return st;
}

static void topk_set_k(tk_state *st, int32 k, const char *name)
{
    k_check(st->k, k, TOPK_MAX, name);
    if (st->k == 0) {
        st->k = k;
        st->heap = MemoryContextAllocHuge(st->cxt, (Size)k * sizeof(tk_item));
    }
}

static void topk_push(tk_state *st, double key, const char *id, uint32 len)
{
    tk_item it = {key, (char *)id, len};
    tk_item *h = st->heap;
    int32 i;

    if (st->n == st->k) {
        if (tk_cmp(&it, &h[0]) >= 0)
            return;
        pfree(h[0].id);
        i = 0;
        for (;;) { /* sift the hole at the root down */
            int32 l = 2 * i + 1, m = i;
            const tk_item *best = &it;
            if (l < st->n && tk_cmp(&h[l], best) > 0)
                m = l, best = &h[l];
            if (l + 1 < st->n && tk_cmp(&h[l + 1], best) > 0)
                m = l + 1;
            if (m == i)
                break;
            h[i] = h[m];
            i = m;
        }
    } else {
        i = st->n++;
        while (i > 0 && tk_cmp(&h[(i - 1) / 2], &it) < 0) {
            h[i] = h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
    }
    h[i].key = key;
    h[i].len = len;
    h[i].id = MemoryContextAlloc(st->cxt, len + 1);
    memcpy(h[i].id, id, len);
}

PG_FUNCTION_INFO_V1(earful_topk_add);
PG_FUNCTION_INFO_V1(earful_topk_merge_add);
PG_FUNCTION_INFO_V1(earful_topk_final);

/* earful_topk(k int4, key float8, id text): rows with a null are
 * skipped. */
Datum earful_topk_add(PG_FUNCTION_ARGS)
{
    tk_state *st = topk_state(fcinfo, "earful_topk");
    text *id;

    if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
        PG_RETURN_POINTER(st);
    topk_set_k(st, PG_GETARG_INT32(1), "earful_topk");
    id = PG_GETARG_TEXT_PP(3);
    topk_push(st, PG_GETARG_FLOAT8(2), VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id));
    PG_RETURN_POINTER(st);
}

/* earful_topk_merge(earful_topk_part) */
Datum earful_topk_merge_add(PG_FUNCTION_ARGS)
{
    tk_state *st = topk_state(fcinfo, "earful_topk_merge");
    HeapTupleHeader th;
    Datum *key, *id;
    int n = -1;

    if (PG_ARGISNULL(1))
        PG_RETURN_POINTER(st);
    th = PG_GETARG_HEAPTUPLEHEADER(1);
    key = part_array(th, 2, FLOAT8OID, &n);
    id = part_array(th, 3, TEXTOID, &n);
    if (DatumGetInt32(part_attr(th, 1)) == 0 && n == 0)
        PG_RETURN_POINTER(st); /* from no rows: k was never given */
    topk_set_k(st, DatumGetInt32(part_attr(th, 1)), "earful_topk_merge");
    for (int i = 0; i < n; i++) {
        text *s = DatumGetTextPP(id[i]);
        topk_push(st, DatumGetFloat8(key[i]), VARDATA_ANY(s),
                  VARSIZE_ANY_EXHDR(s));
    }
    PG_RETURN_POINTER(st);
}

/* -> earful_topk_part (k int4, key float8[], id text[]), best first */
Datum earful_topk_final(PG_FUNCTION_ARGS)
{
    tk_state *st = PG_ARGISNULL(0) ? NULL : (tk_state *)PG_GETARG_POINTER(0);
    int32 n = st ? st->n : 0;
    tk_item *items = palloc((n + 1) * sizeof(tk_item));
    double *key = palloc((n + 1) * sizeof(double));
    char **id = palloc((n + 1) * sizeof(char *));
    uint32 *len = palloc((n + 1) * sizeof(uint32));
    Datum v[3];

    if (n)
        memcpy(items, st->heap, n * sizeof(tk_item));
    qsort(items, n, sizeof(tk_item), tk_cmp_q);
    for (int32 i = 0; i < n; i++) {
        key[i] = items[i].key;
        id[i] = items[i].id;
        len[i] = items[i].len;
    }
    v[0] = Int32GetDatum(st ? st->k : 0);
    v[1] = PointerGetDatum(float8_array(key, n));
    v[2] = PointerGetDatum(text_array(id, len, n));
    PG_RETURN_DATUM(make_result(fcinfo, v, 3));
}

/* ==== earful_tally ===================================================== */

/* A group's key: up to five fields, any of them null. */
enum { K_T = 1, K_A = 2, K_B = 4, K_C = 8, K_X = 16 };

typedef struct {
    int64 t;     /* timestamptz */
    char *a, *b; /* text, not NUL-terminated */
    uint32 alen, blen;
    int32 c;
    double x;     /* -0 stored as 0: float8 equality, as GROUP BY */
    uint32 nulls; /* K_* of the null fields */
    uint32 hash;
} tally_key;

typedef struct {
    MemoryContext cxt;
    int32 width;  /* counters per group; -1 until known */
    uint32 *slot; /* 1 + group, 0 = empty; at most half full */
    uint32 cap;
    tally_key *key;
    int64 *v; /* group g's counters: v[g * width ..] */
    uint32 n, ecap;
} tally_state;

static uint32 mix64(uint64 x)
{
    x ^= x >> 33;
    x *= UINT64CONST(0xff51afd7ed558ccd);
    x ^= x >> 33;
    return (uint32)x;
}

static void tally_hash(tally_key *k)
{
    uint32 h = k->nulls * 0x9e3779b9u;

    if (!(k->nulls & K_T))
        h = hash_combine(h, mix64((uint64)k->t));
    if (!(k->nulls & K_A))
        h = hash_combine(
            h, hash_bytes((const unsigned char *)k->a, (int)k->alen));
    if (!(k->nulls & K_B))
        h = hash_combine(
            h, hash_bytes((const unsigned char *)k->b, (int)k->blen));
    if (!(k->nulls & K_C))
        h = hash_combine(h, mix64((uint64)(int64)k->c));
    if (!(k->nulls & K_X)) {
        uint64 bits;
        memcpy(&bits, &k->x, sizeof bits);
        h = hash_combine(h, mix64(bits));
    }
    k->hash = h;
}

static bool tally_equal(const tally_key *p, const tally_key *q)
{
    if (p->hash != q->hash || p->nulls != q->nulls)
        return false;
    if (!(p->nulls & K_T) && p->t != q->t)
        return false;
    if (!(p->nulls & K_C) && p->c != q->c)
        return false;
    if (!(p->nulls & K_X) && memcmp(&p->x, &q->x, sizeof p->x) != 0)
        return false;
    if (!(p->nulls & K_A) &&
        (p->alen != q->alen || memcmp(p->a, q->a, p->alen) != 0))
        return false;
    if (!(p->nulls & K_B) &&
        (p->blen != q->blen || memcmp(p->b, q->b, p->blen) != 0))
        return false;
    return true;
}

/* float8 order, NaN last (as the database orders float8). */
static int float_cmp(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

/* Orders keys: each field ascending, nulls last, text bytewise. */
static int tally_cmp(const tally_key *p, const tally_key *q)
{
    static const uint32 field[5] = {K_T, K_A, K_B, K_C, K_X};

    for (int f = 0; f < 5; f++) {
        uint32 bit = field[f];
        int c;

        if ((p->nulls ^ q->nulls) & bit)
            return (p->nulls & bit) ? 1 : -1;
        if (p->nulls & bit)
            continue;
        switch (bit) {
        case K_T: c = (p->t > q->t) - (p->t < q->t); break;
        case K_A: c = bytes_cmp(p->a, p->alen, q->a, q->alen); break;
        case K_B: c = bytes_cmp(p->b, p->blen, q->b, q->blen); break;
        case K_C: c = (p->c > q->c) - (p->c < q->c); break;
        default: c = float_cmp(p->x, q->x); break;
        }
        if (c != 0)
            return c;
    }
    return 0;
}

static int tally_cmp_q(const void *x, const void *y, void *arg)
{
    const tally_state *st = arg;
    return tally_cmp(&st->key[*(const uint32 *)x],
                     &st->key[*(const uint32 *)y]);
}

static void tally_rehash(tally_state *st)
{
    uint32 cap = st->cap ? st->cap * 2 : 64, mask = cap - 1;
    uint32 *slot = MemoryContextAllocHuge(st->cxt, (Size)cap * sizeof(uint32));

    memset(slot, 0, (Size)cap * sizeof(uint32));
    for (uint32 g = 0; g < st->n; g++) {
        uint32 i = st->key[g].hash & mask;
        while (slot[i])
            i = (i + 1) & mask;
        slot[i] = g + 1;
    }
    if (st->slot)
        pfree(st->slot);
    st->slot = slot;
    st->cap = cap;
}

/* The counters of key k's group, added (zeroed, key copied) if new. */
static int64 *tally_group(tally_state *st, tally_key *k)
{
    uint32 mask, i, g;

    tally_hash(k);
    mask = st->cap - 1;
    for (i = k->hash & mask; st->slot[i]; i = (i + 1) & mask) {
        g = st->slot[i] - 1;
        if (tally_equal(&st->key[g], k))
            return st->v + (Size)g * st->width;
    }
    if (st->n == PG_UINT32_MAX / 4)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("earful_tally: too many groups")));
    if (st->n == st->ecap) {
        uint32 c = st->ecap ? st->ecap * 2 : 16;
        Size w = (Size)Max(st->width, 1) * sizeof(int64);
        if (st->ecap == 0) {
            st->key = MemoryContextAllocHuge(st->cxt, c * sizeof(tally_key));
            st->v = MemoryContextAllocHuge(st->cxt, c * w);
        } else {
            st->key = repalloc_huge(st->key, c * sizeof(tally_key));
            st->v = repalloc_huge(st->v, c * w);
        }
        st->ecap = c;
    }
    g = st->n++;
    st->key[g] = *k;
    if (!(k->nulls & K_A)) {
        st->key[g].a = MemoryContextAlloc(st->cxt, k->alen + 1);
        memcpy(st->key[g].a, k->a, k->alen);
    }
    if (!(k->nulls & K_B)) {
        st->key[g].b = MemoryContextAlloc(st->cxt, k->blen + 1);
        memcpy(st->key[g].b, k->b, k->blen);
    }
    memset(st->v + (Size)g * st->width, 0, (Size)st->width * sizeof(int64));
    st->slot[i] = g + 1;
    if (st->n * 2 > st->cap)
        tally_rehash(st);
    return st->v + (Size)g * st->width;
}

static tally_state *tally_state_of(FunctionCallInfo fcinfo, const char *name)
{
    MemoryContext cxt = agg_context(fcinfo, name);
    tally_state *st;

    if (!PG_ARGISNULL(0))
        return (tally_state *)PG_GETARG_POINTER(0);
    st = MemoryContextAllocZero(cxt, sizeof *st);
    st->cxt = cxt;
    st->width = -1;
    tally_rehash(st);
    return st;
}

static void tally_set_width(tally_state *st, int width, const char *name)
{
    if (st->width == -1) {
        if (width < 1 || width > 1000)
            ereport(ERROR,
                    (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                     errmsg("%s: 1 to 1000 counters, not %d", name, width)));
        st->width = width;
    } else if (st->width != width)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg("%s: %d counters after %d", name, width, st->width)));
}

/* Fills k's text field from a text datum. */
static void key_text(Datum d, char **s, uint32 *len)
{
    text *t = DatumGetTextPP(d);
    *s = VARDATA_ANY(t);
    *len = VARSIZE_ANY_EXHDR(t);
}

static double key_float(double x)
{
    return x == 0 ? 0.0 : x; /* -0 is 0 */
}

PG_FUNCTION_INFO_V1(earful_tally_add);
PG_FUNCTION_INFO_V1(earful_tally_merge_add);
PG_FUNCTION_INFO_V1(earful_tally_final);
PG_FUNCTION_INFO_V1(earful_tally_rows);

/* earful_tally(t timestamptz, a text, b text, c int4, x float8,
 * v int4[]): sums v (null elements count 0) per distinct (t, a, b, c, x),
 * nulls included as values; rows whose v is null are skipped. */
Datum earful_tally_add(PG_FUNCTION_ARGS)
{
    tally_state *st = tally_state_of(fcinfo, "earful_tally");
    tally_key k;
    ArrayType *arr;
    int n;
    int64 *acc;
    const int32 *data;
    const bits8 *bitmap;

    if (PG_ARGISNULL(6))
        PG_RETURN_POINTER(st);
    arr = PG_GETARG_ARRAYTYPE_P(6);
    if (ARR_ELEMTYPE(arr) != INT4OID || ARR_NDIM(arr) > 1)
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                        errmsg("earful_tally: v must be a one-dimensional "
                               "int4[]")));
    n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
    tally_set_width(st, n, "earful_tally");
    memset(&k, 0, sizeof k);
    if (PG_ARGISNULL(1))
        k.nulls |= K_T;
    else
        k.t = PG_GETARG_TIMESTAMPTZ(1);
    if (PG_ARGISNULL(2))
        k.nulls |= K_A;
    else
        key_text(PG_GETARG_DATUM(2), &k.a, &k.alen);
    if (PG_ARGISNULL(3))
        k.nulls |= K_B;
    else
        key_text(PG_GETARG_DATUM(3), &k.b, &k.blen);
    if (PG_ARGISNULL(4))
        k.nulls |= K_C;
    else
        k.c = PG_GETARG_INT32(4);
    if (PG_ARGISNULL(5))
        k.nulls |= K_X;
    else
        k.x = key_float(PG_GETARG_FLOAT8(5));
    acc = tally_group(st, &k);
    data = (const int32 *)ARR_DATA_PTR(arr);
    bitmap = ARR_NULLBITMAP(arr);
    for (int i = 0; i < n; i++)
        if (bitmap == NULL || (bitmap[i / 8] & (1 << (i % 8))))
            acc[i] += *data++;
    PG_RETURN_POINTER(st);
}

/* The elements of a partial's key array field (nulls allowed); n must
 * match *count when *count >= 0, else it is set. */
static Datum *part_keys(HeapTupleHeader th, int attno, Oid type, int *count,
                        bool **nulls)
{
    ArrayType *a = DatumGetArrayTypeP(part_attr(th, attno));
    Datum *d;
    int n;
    int16 len;
    bool byval;
    char align;

    if (ARR_ELEMTYPE(a) != type || ARR_NDIM(a) > 1)
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                        errmsg("earful_pg: a partial's field %d has the "
                               "wrong type",
                               attno)));
    get_typlenbyvalalign(type, &len, &byval, &align);
    deconstruct_array(a, type, len, byval, align, &d, nulls, &n);
    if (*count >= 0 && n != *count)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("earful_pg: a partial's arrays differ in "
                               "length")));
    *count = n;
    return d;
}

/* earful_tally_merge(earful_tally_part) */
Datum earful_tally_merge_add(PG_FUNCTION_ARGS)
{
    tally_state *st = tally_state_of(fcinfo, "earful_tally_merge");
    HeapTupleHeader th;
    Datum *t, *a, *b, *c, *x, *v;
    bool *tn, *an, *bn, *cn, *xn;
    int n = -1, nv = -1, width;

    if (PG_ARGISNULL(1))
        PG_RETURN_POINTER(st);
    th = PG_GETARG_HEAPTUPLEHEADER(1);
    width = DatumGetInt32(part_attr(th, 1));
    t = part_keys(th, 2, TIMESTAMPTZOID, &n, &tn);
    a = part_keys(th, 3, TEXTOID, &n, &an);
    b = part_keys(th, 4, TEXTOID, &n, &bn);
    c = part_keys(th, 5, INT4OID, &n, &cn);
    x = part_keys(th, 6, FLOAT8OID, &n, &xn);
    v = part_array(th, 7, INT8OID, &nv);
    if (n == 0 && nv == 0)
        PG_RETURN_POINTER(st); /* from no rows */
    tally_set_width(st, width, "earful_tally_merge");
    if ((int64)n * width != nv)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("earful_tally_merge: %d groups of %d "
                               "counters, but %d counters",
                               n, width, nv)));
    for (int g = 0; g < n; g++) {
        tally_key k;
        int64 *acc;
        memset(&k, 0, sizeof k);
        if (tn[g])
            k.nulls |= K_T;
        else
            k.t = DatumGetTimestampTz(t[g]);
        if (an[g])
            k.nulls |= K_A;
        else
            key_text(a[g], &k.a, &k.alen);
        if (bn[g])
            k.nulls |= K_B;
        else
            key_text(b[g], &k.b, &k.blen);
        if (cn[g])
            k.nulls |= K_C;
        else
            k.c = DatumGetInt32(c[g]);
        if (xn[g])
            k.nulls |= K_X;
        else
            k.x = key_float(DatumGetFloat8(x[g]));
        acc = tally_group(st, &k);
        for (int i = 0; i < width; i++)
            acc[i] += DatumGetInt64(v[(Size)g * width + i]);
    }
    PG_RETURN_POINTER(st);
}

/* One-dimensional array of n datums, some null. */
static ArrayType *array_with_nulls(Datum *d, bool *nulls, int n, Oid type)
{
    int dims[1] = {n}, lbs[1] = {1};
    int16 len;
    bool byval;
    char align;

    get_typlenbyvalalign(type, &len, &byval, &align);
    return construct_md_array(d, nulls, 1, dims, lbs, type, len, byval, align);
}

/* -> earful_tally_part (width int4, t timestamptz[], a text[], b text[],
 * c int4[], x float8[], v int8[]): group g is (t[g], a[g], b[g], c[g],
 * x[g]) with counters v[g * width + 1 ..]; groups in key order */
Datum earful_tally_final(PG_FUNCTION_ARGS)
{
    tally_state *st =
        PG_ARGISNULL(0) ? NULL : (tally_state *)PG_GETARG_POINTER(0);
    uint32 n = st && st->width > 0 ? st->n : 0;
    int width = st && st->width > 0 ? st->width : 0;
    uint32 *order = palloc((n + 1) * sizeof(uint32));
    Datum *d[5], *v = palloc(((Size)n * width + 1) * sizeof(Datum));
    bool *nl[5];
    Datum out[7];
    static const Oid types[5] = {TIMESTAMPTZOID, TEXTOID, TEXTOID, INT4OID,
                                 FLOAT8OID};

    for (int f = 0; f < 5; f++) {
        d[f] = palloc((n + 1) * sizeof(Datum));
        nl[f] = palloc((n + 1) * sizeof(bool));
    }
    for (uint32 i = 0; i < n; i++)
        order[i] = i;
    if (n)
        qsort_arg(order, n, sizeof(uint32), tally_cmp_q, st);
    for (uint32 i = 0; i < n; i++) {
        const tally_key *k = &st->key[order[i]];
        nl[0][i] = (k->nulls & K_T) != 0;
        d[0][i] = TimestampTzGetDatum(k->t);
        nl[1][i] = (k->nulls & K_A) != 0;
        d[1][i] = nl[1][i] ? (Datum)0
                           : PointerGetDatum(
                                 cstring_to_text_with_len(k->a, (int)k->alen));
        nl[2][i] = (k->nulls & K_B) != 0;
        d[2][i] = nl[2][i] ? (Datum)0
                           : PointerGetDatum(
                                 cstring_to_text_with_len(k->b, (int)k->blen));
        nl[3][i] = (k->nulls & K_C) != 0;
        d[3][i] = Int32GetDatum(k->c);
        nl[4][i] = (k->nulls & K_X) != 0;
        d[4][i] = Float8GetDatum(k->x);
        for (int j = 0; j < width; j++)
            v[(Size)i * width + j] =
                Int64GetDatum(st->v[(Size)order[i] * width + j]);
    }
    out[0] = Int32GetDatum(width);
    for (int f = 0; f < 5; f++)
        out[1 + f] =
            PointerGetDatum(array_with_nulls(d[f], nl[f], (int)n, types[f]));
    out[6] = PointerGetDatum(construct_array(
        v, (int)n * width, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
    PG_RETURN_DATUM(make_result(fcinfo, out, 7));
}

/* earful_tally_rows(earful_tally_part) -> SETOF (t, a, b, c, x, v int8[]):
 * the groups of a partial as rows, in its order. */
Datum earful_tally_rows(PG_FUNCTION_ARGS)
{
    ReturnSetInfo *rsi = (ReturnSetInfo *)fcinfo->resultinfo;
    HeapTupleHeader th = PG_GETARG_HEAPTUPLEHEADER(0);
    Datum *key[5], *v, vals[6];
    bool *kn[5], nulls[6];
    int n = -1, nv = -1, width;
    static const Oid types[5] = {TIMESTAMPTZOID, TEXTOID, TEXTOID, INT4OID,
                                 FLOAT8OID};

    InitMaterializedSRF(fcinfo, 0);
    width = DatumGetInt32(part_attr(th, 1));
    for (int f = 0; f < 5; f++)
        key[f] = part_keys(th, 2 + f, types[f], &n, &kn[f]);
    v = part_array(th, 7, INT8OID, &nv);
    if ((int64)n * width != nv)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("earful_tally_rows: %d groups of %d "
                               "counters, but %d counters",
                               n, width, nv)));
    for (int g = 0; g < n; g++) {
        for (int f = 0; f < 5; f++) {
            vals[f] = key[f][g];
            nulls[f] = kn[f][g];
        }
        vals[5] = PointerGetDatum(construct_array(v + (Size)g * width, width,
                                                  INT8OID, 8, FLOAT8PASSBYVAL,
                                                  TYPALIGN_DOUBLE));
        nulls[5] = false;
        tuplestore_putvalues(rsi->setResult, rsi->setDesc, vals, nulls);
    }
    return (Datum)0;
}

/* ==== earful_authors ==================================================== */

/* What the report needs of one author (aggregate.c's author_acc). */
typedef struct {
    int64 neg, pos;
    int64 first_neg;   /* Unix seconds of the first negative item */
    int64 last_pos;    /* of the last positive item */
    int64 first_reply; /* earliest response to a negative item */
} author_acc;

typedef struct {
    MemoryContext cxt;
    int32 k;        /* loudest authors kept */
    strtab authors; /* author -> author_acc (from rows) */
    /* from merged partials: */
    valtab hist; /* negative items -> authors with that many */
    int64 turned, turned_after;
    char **loud; /* every partial's loudest (k each at most) */
    uint32 *loud_len;
    int64 *loud_neg;
    int nloud, loud_cap;
} au_state;

static au_state *authors_state(FunctionCallInfo fcinfo, const char *name)
{
    MemoryContext cxt = agg_context(fcinfo, name);
    au_state *st;

    if (!PG_ARGISNULL(0))
        return (au_state *)PG_GETARG_POINTER(0);
    st = MemoryContextAllocZero(cxt, sizeof *st);
    st->cxt = cxt;
    strtab_init(&st->authors, cxt, sizeof(author_acc));
    valtab_init(&st->hist, cxt);
    return st;
}

static void authors_set_k(au_state *st, int32 k, const char *name)
{
    if (k < 0 || k > TOPK_MAX)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg("%s: k must be 0 to %d, not %d", name, TOPK_MAX, k)));
    st->k = k;
}

static void loud_push(au_state *st, const char *s, uint32 len, int64 neg)
{
    if (st->nloud == st->loud_cap) {
        int c = st->loud_cap ? st->loud_cap * 2 : 16;
        MemoryContext old = MemoryContextSwitchTo(st->cxt);
        if (st->loud_cap == 0) {
            st->loud = palloc(c * sizeof(char *));
            st->loud_len = palloc(c * sizeof(uint32));
            st->loud_neg = palloc(c * sizeof(int64));
        } else {
            st->loud = repalloc(st->loud, c * sizeof(char *));
            st->loud_len = repalloc(st->loud_len, c * sizeof(uint32));
            st->loud_neg = repalloc(st->loud_neg, c * sizeof(int64));
        }
        MemoryContextSwitchTo(old);
        st->loud_cap = c;
    }
    st->loud[st->nloud] = MemoryContextAlloc(st->cxt, len + 1);
    memcpy(st->loud[st->nloud], s, len);
    st->loud_len[st->nloud] = len;
    st->loud_neg[st->nloud++] = neg;
}

PG_FUNCTION_INFO_V1(earful_authors_add);
PG_FUNCTION_INFO_V1(earful_authors_merge_add);
PG_FUNCTION_INFO_V1(earful_authors_final);

/* earful_authors(k int4, author text, class int4, date timestamptz,
 * responded_at timestamptz): rows without an author (null or empty), a
 * class or a date, and neutral rows, are skipped, as the report does. */
Datum earful_authors_add(PG_FUNCTION_ARGS)
{
    au_state *st = authors_state(fcinfo, "earful_authors");
    text *name;
    int32 cls;
    int64 date;
    author_acc *au;

    if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) ||
        PG_ARGISNULL(4))
        PG_RETURN_POINTER(st);
    authors_set_k(st, PG_GETARG_INT32(1), "earful_authors");
    name = PG_GETARG_TEXT_PP(2);
    cls = PG_GETARG_INT32(3);
    if (VARSIZE_ANY_EXHDR(name) == 0 || cls == EF_NEUTRAL)
        PG_RETURN_POINTER(st);
    if (cls != EF_NEGATIVE && cls != EF_POSITIVE)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("earful_authors: no class %d", cls)));
    date = ef_pg_epoch(PG_GETARG_TIMESTAMPTZ(4));
    au = strtab_get(&st->authors, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
    if (au->neg == 0 && au->pos == 0) {
        au->first_neg = PG_INT64_MAX;
        au->last_pos = PG_INT64_MIN;
        au->first_reply = PG_INT64_MAX;
    }
    if (cls == EF_NEGATIVE) {
        au->neg++;
        if (date < au->first_neg)
            au->first_neg = date;
        if (!PG_ARGISNULL(5)) {
            int64 r = ef_pg_epoch(PG_GETARG_TIMESTAMPTZ(5));
            if (r < au->first_reply)
                au->first_reply = r;
        }
    } else {
        au->pos++;
        if (date > au->last_pos)
            au->last_pos = date;
    }
    PG_RETURN_POINTER(st);
}

/* earful_authors_merge(earful_authors_part) */
Datum earful_authors_merge_add(PG_FUNCTION_ARGS)
{
    au_state *st = authors_state(fcinfo, "earful_authors_merge");
    HeapTupleHeader th;
    Datum *negs, *count, *loud, *loud_neg;
    int n = -1, m = -1;

    if (PG_ARGISNULL(1))
        PG_RETURN_POINTER(st);
    th = PG_GETARG_HEAPTUPLEHEADER(1);
    authors_set_k(st, Max(st->k, DatumGetInt32(part_attr(th, 1))),
                  "earful_authors_merge");
    negs = part_array(th, 2, INT8OID, &n);
    count = part_array(th, 3, INT8OID, &n);
    for (int i = 0; i < n; i++)
        valtab_add(&st->hist, DatumGetInt64(negs[i]), DatumGetInt64(count[i]));
    st->turned += DatumGetInt64(part_attr(th, 4));
    st->turned_after += DatumGetInt64(part_attr(th, 5));
    loud = part_array(th, 6, TEXTOID, &m);
    loud_neg = part_array(th, 7, INT8OID, &m);
    for (int i = 0; i < m; i++) {
        text *s = DatumGetTextPP(loud[i]);
        loud_push(st, VARDATA_ANY(s), VARSIZE_ANY_EXHDR(s),
                  DatumGetInt64(loud_neg[i]));
    }
    PG_RETURN_POINTER(st);
}

typedef struct {
    const char *s;
    uint32 len;
    int64 neg;
} loud_item;

/* The loudest first: more negative items, then by name bytewise. */
static int loud_cmp(const void *x, const void *y)
{
    const loud_item *a = x, *b = y;

    if (a->neg != b->neg)
        return a->neg > b->neg ? -1 : 1;
    return bytes_cmp(a->s, a->len, b->s, b->len);
}

/* -> earful_authors_part (k int4, negative int8[], authors int8[],
 * turned int8, turned_after_response int8, loudest text[],
 * loudest_negative int8[]): authors with n negative items, for each n
 * ascending; of those, how many wrote a positive item after their first
 * negative one, and how many of these had been answered by then; the k
 * with the most negative items (ties by name). */
Datum earful_authors_final(PG_FUNCTION_ARGS)
{
    au_state *st = PG_ARGISNULL(0) ? NULL : (au_state *)PG_GETARG_POINTER(0);
    valtab hist;
    int64 turned = 0, after = 0, *hv, *hn, *lneg;
    loud_item *items;
    int nitems = 0, k, nh;
    char **lname;
    uint32 *llen;
    Datum v[7];

    valtab_init(&hist, CurrentMemoryContext);
    if (st == NULL) {
        items = palloc(sizeof(loud_item));
        k = 0;
    } else {
        const strtab *a = &st->authors;
        items = palloc((a->n + st->nloud + 1) * sizeof(loud_item));
        k = st->k;
        for (uint32 i = 0; i < a->n; i++) {
            const author_acc *au =
                (const author_acc *)(a->val + (Size)i * a->vsize);
            if (au->neg == 0)
                continue;
            valtab_add(&hist, au->neg, 1);
            if (au->last_pos != PG_INT64_MIN && au->last_pos > au->first_neg) {
                turned++;
                after += au->first_reply != PG_INT64_MAX &&
                         au->first_reply <= au->last_pos;
            }
            items[nitems++] = (loud_item){a->key[i], a->klen[i], au->neg};
        }
        for (uint32 i = 0; i < st->hist.cap; i++)
            if (st->hist.n[i])
                valtab_add(&hist, st->hist.v[i], st->hist.n[i]);
        turned += st->turned;
        after += st->turned_after;
        for (int i = 0; i < st->nloud; i++)
            items[nitems++] =
                (loud_item){st->loud[i], st->loud_len[i], st->loud_neg[i]};
    }
    qsort(items, nitems, sizeof(loud_item), loud_cmp);
    if (nitems > k)
        nitems = k;
    lname = palloc((nitems + 1) * sizeof(char *));
    llen = palloc((nitems + 1) * sizeof(uint32));
    lneg = palloc((nitems + 1) * sizeof(int64));
    for (int i = 0; i < nitems; i++) {
        lname[i] = (char *)items[i].s;
        llen[i] = items[i].len;
        lneg[i] = items[i].neg;
    }
    nh = valtab_sorted(&hist, &hv, &hn);
    v[0] = Int32GetDatum(k);
    v[1] = PointerGetDatum(int8_array(hv, nh));
    v[2] = PointerGetDatum(int8_array(hn, nh));
    v[3] = Int64GetDatum(turned);
    v[4] = Int64GetDatum(after);
    v[5] = PointerGetDatum(text_array(lname, llen, nitems));
    v[6] = PointerGetDatum(int8_array(lneg, nitems));
    PG_RETURN_DATUM(make_result(fcinfo, v, 7));
}
