/* earful_pg.c - earful's scorer inside PostgreSQL: scores, classes,
 * periods, terms, the shard key and the scorer's version (the aggregates
 * are in earful_pg_agg.c; the SQL declarations in earful_pg--1.0.sql).
 */
#include "earful_pg.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "input/datetime.h"

PG_MODULE_MAGIC;

/* ==== The scorer and its working memory ================================= */

static char *lexicon_setting; /* earful_pg.lexicon (the GUC's) */
static ef_vader *scorer;      /* built on first use */
static char *scorer_lexicon;  /* the setting it was built with */
static ef_vader_scratch *scratch;
static bool scratch_busy; /* see earful_pg.h */
static ef_terms *splitter;
static bool splitter_busy;

/* The last text scored and the last split, with their results: a query
 * calls several functions on one row's text (a class to group by, a
 * compound for a key, words and insults in filters), and each would
 * otherwise score or split it again. */
typedef struct {
    char *text; /* a copy (malloc) */
    size_t len, cap;
    bool valid;
} memo;

static memo score_memo, terms_memo;
static ef_scores memo_scores;
static struct {
    size_t n;
    const char *const *term;
    const size_t *len;
    int abusive, words;
} memo_terms;

/* Whether m holds the n bytes at s. */
static bool memo_hit(const memo *m, const char *s, size_t n)
{
    return m->valid && m->len == n && memcmp(m->text, s, n) == 0;
}

/* Remembers the n bytes at s (forgets, if there is no memory for them). */
static void memo_keep(memo *m, const char *s, size_t n)
{
    if (n > m->cap) {
        char *p = realloc(m->text, n);
        if (p == NULL)
            return;
        m->text = p;
        m->cap = n;
    }
    if (n)
        memcpy(m->text, s, n);
    m->len = n;
    m->valid = true;
}

static void oom_error(void)
{
    ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory"),
                    errdetail("earful_pg's scorer could not allocate.")));
}

void _PG_init(void);

void _PG_init(void)
{
    ef_oom_handler = oom_error;
    DefineCustomStringVariable(
        "earful_pg.lexicon",
        "Adds or overrides VADER words from a word<TAB>valence file.",
        "As earful's --lexicon. The scorer's version (earful_version) "
        "then records it, so that a coordinator can tell a server that "
        "scores differently.",
        &lexicon_setting, "", PGC_SIGHUP, 0, NULL, NULL, NULL);
    MarkGUCPrefixReserved("earful_pg");
}

void ef_pg_raise(const char *what, const ef_err *e)
{
    int code = e->code == EF_ERR_NOINPUT || e->code == EF_ERR_IO
                   ? ERRCODE_CONFIG_FILE_ERROR
                   : ERRCODE_INVALID_PARAMETER_VALUE;
    ereport(ERROR, (errcode(code), errmsg("%s: %s", what, e->msg)));
}

const ef_vader *ef_pg_scorer(void)
{
    const char *want = lexicon_setting ? lexicon_setting : "";
    ef_vader *v = NULL;
    ef_err e = {0};
    char *copy;

    if (scorer && strcmp(scorer_lexicon, want) == 0)
        return scorer;
    score_memo.valid = false;
    if (scorer) {
        ef_vader_free(scorer);
        free(scorer_lexicon);
        scorer = NULL;
        scorer_lexicon = NULL;
    }
    /* an ERROR (out of memory) in here leaks the half-built scorer: the
     * next call starts again */
    if (ef_vader_new(&v, &e) != EF_OK)
        ef_pg_raise("earful_pg", &e);
    if (*want && ef_vader_add_lexicon(v, want, &e) != EF_OK) {
        ef_vader_free(v);
        ef_pg_raise("earful_pg.lexicon", &e);
    }
    /* as `earful report` and `import` score: @mentions are names */
    ef_vader_set_names(v, 1);
    copy = strdup(want);
    if (copy == NULL) {
        ef_vader_free(v);
        oom_error();
    }
    scorer = v;
    scorer_lexicon = copy;
    return scorer;
}

/* The bytes of t as UTF-8: as they are, unless the database's encoding
 * is another one (SQL_ASCII is taken as it is, as the CLI takes bytes). */
static const char *utf8_of(const text *t, size_t *len)
{
    const char *s = VARDATA_ANY(t);
    int n = VARSIZE_ANY_EXHDR(t);
    int enc = GetDatabaseEncoding();

    if (enc != PG_UTF8 && enc != PG_SQL_ASCII && n > 0) {
        const char *u = pg_server_to_any(s, n, PG_UTF8);
        if (u != s)
            n = (int)strlen(u);
        s = u;
    }
    *len = (size_t)n;
    return s;
}

void ef_pg_score(const text *t, ef_scores *out)
{
    const ef_vader *v = ef_pg_scorer();
    size_t len;
    const char *s = utf8_of(t, &len);

    if (memo_hit(&score_memo, s, len)) {
        *out = memo_scores;
        return;
    }
    score_memo.valid = false;
    if (scratch_busy) { /* the last call ended in an ERROR */
        ef_vader_scratch_free(scratch);
        scratch = NULL;
        scratch_busy = false;
    }
    if (scratch == NULL)
        scratch = ef_vader_scratch_new();
    scratch_busy = true;
    ef_vader_score(v, scratch, s, len, out);
    scratch_busy = false;
    memo_scores = *out;
    memo_keep(&score_memo, s, len);
}

size_t ef_pg_terms(const text *t, const char *const **term, const size_t **len,
                   int *abusive, int *words)
{
    size_t n, tlen;
    const char *s = utf8_of(t, &tlen);

    if (memo_hit(&terms_memo, s, tlen))
        goto out;
    terms_memo.valid = false;
    if (splitter_busy) {
        ef_terms_free(splitter);
        splitter = NULL;
        splitter_busy = false;
    }
    if (splitter == NULL)
        splitter = ef_terms_new();
    splitter_busy = true;
    n = ef_terms_split(splitter, s, tlen, &memo_terms.term, &memo_terms.len,
                       &memo_terms.abusive, &memo_terms.words);
    splitter_busy = false;
    memo_terms.n = n;
    memo_keep(&terms_memo, s, tlen);
out:
    *term = memo_terms.term;
    *len = memo_terms.len;
    *abusive = memo_terms.abusive;
    *words = memo_terms.words;
    return memo_terms.n;
}

/* ==== Scores ============================================================ */

PG_FUNCTION_INFO_V1(earful_score);
PG_FUNCTION_INFO_V1(earful_compound);
PG_FUNCTION_INFO_V1(earful_class);
PG_FUNCTION_INFO_V1(earful_class_of);
PG_FUNCTION_INFO_V1(earful_class_name);
PG_FUNCTION_INFO_V1(earful_version);

/* earful_score(text) -> earful_scores (neg, neu, pos, compound) */
Datum earful_score(PG_FUNCTION_ARGS)
{
    text *t = PG_GETARG_TEXT_PP(0);
    TupleDesc td = (TupleDesc)fcinfo->flinfo->fn_extra;
    ef_scores sc;
    Datum v[4];
    bool nulls[4] = {false, false, false, false};

    if (td == NULL) {
        MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
        if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
            ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                            errmsg("earful_score must return a composite")));
        td = BlessTupleDesc(CreateTupleDescCopy(td));
        MemoryContextSwitchTo(old);
        fcinfo->flinfo->fn_extra = td;
    }
    ef_pg_score(t, &sc);
    v[0] = Float8GetDatum(sc.neg);
    v[1] = Float8GetDatum(sc.neu);
    v[2] = Float8GetDatum(sc.pos);
    v[3] = Float8GetDatum(sc.compound);
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, v, nulls)));
}

/* earful_compound(text) -> float8: the compound score alone */
Datum earful_compound(PG_FUNCTION_ARGS)
{
    ef_scores sc;

    ef_pg_score(PG_GETARG_TEXT_PP(0), &sc);
    PG_RETURN_FLOAT8(sc.compound);
}

/* earful_class(text, neg_max, pos_min) -> int4 (ef_class: 0 negative,
 * 1 neutral, 2 positive) */
Datum earful_class(PG_FUNCTION_ARGS)
{
    ef_thresholds thr = {PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2)};
    ef_scores sc;

    ef_pg_score(PG_GETARG_TEXT_PP(0), &sc);
    PG_RETURN_INT32((int32)ef_classify(sc.compound, &thr));
}

/* earful_class(compound, neg_max, pos_min) -> int4: the class of a
 * stored score */
Datum earful_class_of(PG_FUNCTION_ARGS)
{
    ef_thresholds thr = {PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2)};

    PG_RETURN_INT32((int32)ef_classify(PG_GETARG_FLOAT8(0), &thr));
}

/* earful_class_name(int4) -> text: "negative", "neutral", "positive" */
Datum earful_class_name(PG_FUNCTION_ARGS)
{
    int32 c = PG_GETARG_INT32(0);

    if (c < EF_NEGATIVE || c > EF_POSITIVE)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("earful_class_name: no class %d", c)));
    PG_RETURN_TEXT_P(cstring_to_text(ef_class_name((ef_class)c)));
}

/* earful_version() and earful_version(int4) -> text: the scorer's version
 * string, as the CLI stores it beside cached scores. The argument is
 * ignored: it ties the call to a row, so that over foreign tables each
 * shard answers for itself instead of the coordinator folding the call
 * into a constant. */
Datum earful_version(PG_FUNCTION_ARGS)
{
    PG_RETURN_TEXT_P(cstring_to_text(ef_vader_version(ef_pg_scorer())));
}

/* ==== Periods =========================================================== */

/* A time zone opened by name, kept for the backend's life. */
typedef struct zone {
    struct zone *next;
    ef_tz *tz;
    char name[FLEXIBLE_ARRAY_MEMBER];
} zone;

static zone *zones;

/* The zone called name (opening it on first use); ERROR if unknown. */
static const ef_tz *zone_get(const char *name, size_t n)
{
    zone *z;
    ef_err e = {0};
    ef_tz *tz = NULL;
    char *cname;

    for (z = zones; z; z = z->next)
        if (strlen(z->name) == n && memcmp(z->name, name, n) == 0)
            return z->tz;
    cname = pnstrdup(name, n);
    if (ef_tz_open(cname, &tz, &e) != EF_OK)
        ef_pg_raise("earful_tz", &e);
    z = malloc(offsetof(zone, name) + n + 1);
    if (z == NULL) {
        ef_tz_free(tz);
        oom_error();
    }
    memcpy(z->name, cname, n + 1);
    z->tz = tz;
    z->next = zones;
    zones = z;
    pfree(cname);
    return tz;
}

PG_FUNCTION_INFO_V1(earful_tz_in);
PG_FUNCTION_INFO_V1(earful_tz_out);
PG_FUNCTION_INFO_V1(earful_period);
PG_FUNCTION_INFO_V1(earful_epoch);

/* earful_tz's input: a zone earful knows ("UTC", "+02:00",
 * "Europe/Paris"), checked now; stored as its name. A type of its own,
 * not text, because postgres_fdw ships no collatable constant. */
Datum earful_tz_in(PG_FUNCTION_ARGS)
{
    const char *s = PG_GETARG_CSTRING(0);

    (void)zone_get(s, strlen(s));
    PG_RETURN_TEXT_P(cstring_to_text(s));
}

Datum earful_tz_out(PG_FUNCTION_ARGS)
{
    PG_RETURN_CSTRING(text_to_cstring(PG_GETARG_TEXT_PP(0)));
}

#define UNIX_TO_PG_SECS                                                       \
    ((int64)(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)

int64 ef_pg_epoch(TimestampTz t)
{
    int64 s;

    if (TIMESTAMP_NOT_FINITE(t))
        ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                        errmsg("earful_pg: infinite timestamp")));
    s = t / USECS_PER_SEC;
    if (t % USECS_PER_SEC < 0)
        s--; /* round down, as the CLI reads a date to the second */
    return s + UNIX_TO_PG_SECS;
}

/* earful_epoch(timestamptz) -> int8: Unix seconds, rounded down */
Datum earful_epoch(PG_FUNCTION_ARGS)
{
    PG_RETURN_INT64(ef_pg_epoch(PG_GETARG_TIMESTAMPTZ(0)));
}

PG_FUNCTION_INFO_V1(earful_delay);

/* earful_delay(date, responded_at timestamptz) -> int8: seconds from the
 * item to the brand's answer, 0 when the answer is dated before it (clock
 * skew, as the report takes it) */
Datum earful_delay(PG_FUNCTION_ARGS)
{
    int64 d = ef_pg_epoch(PG_GETARG_TIMESTAMPTZ(1)) -
              ef_pg_epoch(PG_GETARG_TIMESTAMPTZ(0));

    PG_RETURN_INT64(d > 0 ? d : 0);
}

/* earful_period(t timestamptz, kind int4 [, tz earful_tz]) -> timestamptz:
 * the first instant of the day (kind 0), ISO week (1) or month (2) that
 * holds t, in tz (default UTC): ef_period_start, as `earful report
 * --period --tz` cuts periods. */
Datum earful_period(PG_FUNCTION_ARGS)
{
    int32 kind = PG_GETARG_INT32(1);
    const ef_tz *tz = NULL;
    int64 start;
    TimestampTz out;

    if (kind < EF_PERIOD_DAY || kind > EF_PERIOD_MONTH)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("earful_period: kind %d is not 0 (day), "
                               "1 (week) or 2 (month)",
                               kind)));
    if (PG_NARGS() > 2) {
        text *name = PG_GETARG_TEXT_PP(2);
        tz = zone_get(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
    }
    start = ef_period_start(ef_pg_epoch(PG_GETARG_TIMESTAMPTZ(0)),
                            (ef_period)kind, tz);
    out = (start - UNIX_TO_PG_SECS) * USECS_PER_SEC;
    if (!IS_VALID_TIMESTAMP(out))
        ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                        errmsg("earful_period: timestamp out of range")));
    PG_RETURN_TIMESTAMPTZ(out);
}

/* ==== Terms ============================================================= */

PG_FUNCTION_INFO_V1(earful_terms);
PG_FUNCTION_INFO_V1(earful_words);
PG_FUNCTION_INFO_V1(earful_abusive);

/* earful_terms(text) -> text[]: its distinct terms, in order of first
 * appearance (the themes' terms: src/metrics/themes.h) */
Datum earful_terms(PG_FUNCTION_ARGS)
{
    const char *const *term;
    const size_t *len;
    int abusive, words;
    size_t n =
        ef_pg_terms(PG_GETARG_TEXT_PP(0), &term, &len, &abusive, &words);
    Datum *d = palloc((n + 1) * sizeof(Datum));

    for (size_t i = 0; i < n; i++)
        d[i] = PointerGetDatum(cstring_to_text_with_len(term[i], (int)len[i]));
    PG_RETURN_ARRAYTYPE_P(
        construct_array(d, (int)n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* earful_words(text) -> int4: its word count (terse: fewer than 8) */
Datum earful_words(PG_FUNCTION_ARGS)
{
    const char *const *term;
    const size_t *len;
    int abusive, words;

    (void)ef_pg_terms(PG_GETARG_TEXT_PP(0), &term, &len, &abusive, &words);
    PG_RETURN_INT32(words);
}

/* earful_abusive(text) -> bool: it holds an insult or profanity */
Datum earful_abusive(PG_FUNCTION_ARGS)
{
    const char *const *term;
    const size_t *len;
    int abusive, words;

    (void)ef_pg_terms(PG_GETARG_TEXT_PP(0), &term, &len, &abusive, &words);
    PG_RETURN_BOOL(abusive != 0);
}

/* ==== Sharding ========================================================== */

PG_FUNCTION_INFO_V1(earful_shard);

/* earful_shard(key text, n int4) -> int4 in 0 .. n-1: FNV-1a (64 bits)
 * of the key's bytes, folded, modulo n. Rows are placed by it, so it
 * must never change. */
Datum earful_shard(PG_FUNCTION_ARGS)
{
    text *key = PG_GETARG_TEXT_PP(0);
    int32 n = PG_GETARG_INT32(1);
    const unsigned char *s = (const unsigned char *)VARDATA_ANY(key);
    size_t len = VARSIZE_ANY_EXHDR(key);
    uint64 h = UINT64CONST(0xcbf29ce484222325);

    if (n <= 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("earful_shard: %d shards", n)));
    for (size_t i = 0; i < len; i++)
        h = (h ^ s[i]) * UINT64CONST(0x100000001b3);
    h ^= h >> 32;
    PG_RETURN_INT32((int32)(h % (uint64)n));
}
