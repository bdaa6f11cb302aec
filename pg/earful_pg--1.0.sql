-- earful_pg 1.0: earful's VADER scorer and report aggregates in SQL.
--
-- Every function is IMMUTABLE (its result depends on its arguments and
-- on the scorer, whose version earful_version() tells) and PARALLEL
-- SAFE, so that postgres_fdw ships it to a server that lists earful_pg
-- in its `extensions` option. Classes are ef_class numbers: 0 negative,
-- 1 neutral, 2 positive. Strings in partial results are ordered
-- bytewise, not by collation.

\echo Use "CREATE EXTENSION earful_pg" to load this file. \quit

-- ==== Scores ==============================================================

CREATE TYPE earful_scores AS (
    neg float8,       -- share of negative intensity (3 decimals)
    neu float8,       -- share of neutral words (3 decimals)
    pos float8,       -- share of positive intensity (3 decimals)
    compound float8   -- normalised sum, -1 .. 1 (4 decimals)
);

-- The VADER scores of a text, as `earful score` gives them. (Room for
-- options: a later earful_score(text, mentions_neutral bool).)
CREATE FUNCTION earful_score(text) RETURNS earful_scores
    AS 'MODULE_PATHNAME', 'earful_score'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION earful_compound(text) RETURNS float8
    AS 'MODULE_PATHNAME', 'earful_compound'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The class of a text: negative (0) when compound <= neg_max, positive
-- (2) when compound >= pos_min, else neutral (1).
CREATE FUNCTION earful_class(body text, neg_max float8, pos_min float8)
    RETURNS int4
    AS 'MODULE_PATHNAME', 'earful_class'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The same for a stored compound score.
CREATE FUNCTION earful_class(compound float8, neg_max float8, pos_min float8)
    RETURNS int4
    AS 'MODULE_PATHNAME', 'earful_class_of'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION earful_class_name(int4) RETURNS text
    AS 'MODULE_PATHNAME', 'earful_class_name'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The scorer's version ("vader-3.3.2/lexicon-1.1.3/earful-1", plus
-- "+custom-<hash>" under earful_pg.lexicon), as the CLI stores it beside
-- cached scores.
CREATE FUNCTION earful_version() RETURNS text
    AS 'MODULE_PATHNAME', 'earful_version'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- The same, tied to a row (the argument is ignored) so that a query over
-- foreign tables runs it on each shard: SELECT shard, earful_version(shard).
CREATE FUNCTION earful_version(int4) RETURNS text
    AS 'MODULE_PATHNAME', 'earful_version'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- ==== Periods =============================================================

-- A time zone earful knows: 'UTC', '+05:30', 'Europe/Paris' (checked on
-- input). Not text: postgres_fdw ships no collatable constant.
CREATE TYPE earful_tz;

CREATE FUNCTION earful_tz_in(cstring) RETURNS earful_tz
    AS 'MODULE_PATHNAME', 'earful_tz_in'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION earful_tz_out(earful_tz) RETURNS cstring
    AS 'MODULE_PATHNAME', 'earful_tz_out'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE earful_tz (
    INPUT = earful_tz_in,
    OUTPUT = earful_tz_out,
    LIKE = text
);

-- The first instant of the period holding t: kind 0 day, 1 ISO week,
-- 2 month; in UTC, or in tz. (date_trunc is STABLE and does not ship.)
CREATE FUNCTION earful_period(t timestamptz, kind int4) RETURNS timestamptz
    AS 'MODULE_PATHNAME', 'earful_period'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION earful_period(t timestamptz, kind int4, tz earful_tz)
    RETURNS timestamptz
    AS 'MODULE_PATHNAME', 'earful_period'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Unix seconds, rounded down (extract(epoch ...) is STABLE).
CREATE FUNCTION earful_epoch(timestamptz) RETURNS int8
    AS 'MODULE_PATHNAME', 'earful_epoch'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Seconds from an item to its answer, 0 if answered "before" it (clock
-- skew); null when unanswered.
CREATE FUNCTION earful_delay(date timestamptz, responded_at timestamptz)
    RETURNS int8
    AS 'MODULE_PATHNAME', 'earful_delay'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ==== Terms ===============================================================

-- The distinct terms of a text, as the report's themes take them.
CREATE FUNCTION earful_terms(text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'earful_terms'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION earful_words(text) RETURNS int4
    AS 'MODULE_PATHNAME', 'earful_words'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION earful_abusive(text) RETURNS bool
    AS 'MODULE_PATHNAME', 'earful_abusive'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ==== Sharding ============================================================

-- The shard (0 .. n-1) of a key: rows are placed by the author (the id
-- for anonymous rows), so that each author's rows share a shard.
CREATE FUNCTION earful_shard(key text, n int4) RETURNS int4
    AS 'MODULE_PATHNAME', 'earful_shard'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ==== Mergeable aggregates ================================================

-- term -> items holding it: negative ones, and the others.
CREATE TYPE earful_terms_part AS (
    term text[], negative int8[], other int8[]);

CREATE FUNCTION earful_terms_add(internal, text, bool) RETURNS internal
    AS 'MODULE_PATHNAME', 'earful_terms_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION earful_terms_merge_add(internal, earful_terms_part)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'earful_terms_merge_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION earful_terms_final(internal) RETURNS earful_terms_part
    AS 'MODULE_PATHNAME', 'earful_terms_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE earful_term_counts(body text, negative bool) (
    SFUNC = earful_terms_add, STYPE = internal,
    FINALFUNC = earful_terms_final, PARALLEL = SAFE);
CREATE AGGREGATE earful_term_counts_merge(earful_terms_part) (
    SFUNC = earful_terms_merge_add, STYPE = internal,
    FINALFUNC = earful_terms_final, PARALLEL = SAFE);

-- term -> negative items holding it, and their distinct authors up to k
-- (an item without an author is its own): anonymous ones, and the hashes
-- of the named ones (earful's aggregator's, so that authors compare as
-- there), term after term.
CREATE TYPE earful_term_authors_part AS (
    k int4, term text[], negative int8[], authors int8[], anonymous int8[],
    who int8[]);

CREATE FUNCTION earful_term_authors_add(internal, int4, text, text)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'earful_term_authors_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION earful_term_authors_merge_add(internal,
                                              earful_term_authors_part)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'earful_term_authors_merge_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION earful_term_authors_final(internal)
    RETURNS earful_term_authors_part
    AS 'MODULE_PATHNAME', 'earful_term_authors_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE earful_term_authors(k int4, body text, author text) (
    SFUNC = earful_term_authors_add, STYPE = internal,
    FINALFUNC = earful_term_authors_final, PARALLEL = SAFE);
CREATE AGGREGATE earful_term_authors_merge(earful_term_authors_part) (
    SFUNC = earful_term_authors_merge_add, STYPE = internal,
    FINALFUNC = earful_term_authors_final, PARALLEL = SAFE);

-- The k rows with the smallest keys (NaN last), ties by id; best first.
CREATE TYPE earful_topk_part AS (k int4, key float8[], id text[]);

CREATE FUNCTION earful_topk_add(internal, int4, float8, text)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'earful_topk_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION earful_topk_merge_add(internal, earful_topk_part)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'earful_topk_merge_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION earful_topk_final(internal) RETURNS earful_topk_part
    AS 'MODULE_PATHNAME', 'earful_topk_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE earful_topk(k int4, key float8, id text) (
    SFUNC = earful_topk_add, STYPE = internal,
    FINALFUNC = earful_topk_final, PARALLEL = SAFE);
CREATE AGGREGATE earful_topk_merge(earful_topk_part) (
    SFUNC = earful_topk_merge_add, STYPE = internal,
    FINALFUNC = earful_topk_final, PARALLEL = SAFE);

-- Counters summed per distinct key (t, a, b, c, x), nulls included as
-- values: GROUP BY inside one aggregate. (A query grouping by shard alone
-- is pushed to the shards whatever the planner guesses of the number of
-- groups; grouping by a score of the text, it guesses one per row.)
CREATE TYPE earful_tally_part AS (
    width int4,        -- counters per group
    t timestamptz[], a text[], b text[], c int4[], x float8[],
    v int8[]);         -- group g's counters: v[g * width + 1 ..]

CREATE FUNCTION earful_tally_add(internal, timestamptz, text, text, int4,
                                 float8, int4[])
    RETURNS internal
    AS 'MODULE_PATHNAME', 'earful_tally_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION earful_tally_merge_add(internal, earful_tally_part)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'earful_tally_merge_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION earful_tally_final(internal) RETURNS earful_tally_part
    AS 'MODULE_PATHNAME', 'earful_tally_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE earful_tally(t timestamptz, a text, b text, c int4,
                              x float8, v int4[]) (
    SFUNC = earful_tally_add, STYPE = internal,
    FINALFUNC = earful_tally_final, PARALLEL = SAFE);
CREATE AGGREGATE earful_tally_merge(earful_tally_part) (
    SFUNC = earful_tally_merge_add, STYPE = internal,
    FINALFUNC = earful_tally_final, PARALLEL = SAFE);

-- The groups of a partial as rows, in key order (nulls last).
CREATE FUNCTION earful_tally_rows(earful_tally_part)
    RETURNS TABLE (t timestamptz, a text, b text, c int4, x float8,
                   v int8[])
    AS 'MODULE_PATHNAME', 'earful_tally_rows'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;

-- Who is negative: authors by their number of negative items, the
-- turned-around ones, the k loudest. Partials merge only when each
-- author's rows are on one shard (earful_shard on the author).
CREATE TYPE earful_authors_part AS (
    k int4,
    negative int8[],            -- n negative items ...
    authors int8[],             -- ... written by this many authors
    turned int8,                -- a positive item after the first negative
    turned_after_response int8, -- ... answered before that positive item
    loudest text[],             -- the k with the most negative items
    loudest_negative int8[]);

CREATE FUNCTION earful_authors_add(internal, int4, text, int4, timestamptz,
                                   timestamptz)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'earful_authors_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION earful_authors_merge_add(internal, earful_authors_part)
    RETURNS internal
    AS 'MODULE_PATHNAME', 'earful_authors_merge_add'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION earful_authors_final(internal) RETURNS earful_authors_part
    AS 'MODULE_PATHNAME', 'earful_authors_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE earful_authors(k int4, author text, class int4,
                                date timestamptz, responded_at timestamptz) (
    SFUNC = earful_authors_add, STYPE = internal,
    FINALFUNC = earful_authors_final, PARALLEL = SAFE);
CREATE AGGREGATE earful_authors_merge(earful_authors_part) (
    SFUNC = earful_authors_merge_add, STYPE = internal,
    FINALFUNC = earful_authors_final, PARALLEL = SAFE);
