-- queries.sql - the fixed set of queries `earful report postgresql://`
-- sends (issue 18). One place: the client embeds this file; the test
-- (tests/suites/pg.sh) prepares and EXPLAINs every query from it.
--
-- Format: a query starts at a line "-- name: NAME" and ends at the line
-- ";"; the comment lines after the name say what it returns and what
-- its parameters are. Before running, the client replaces
--   {table}    the table, quoted (PQescapeIdentifier)
--   {segment}  the --segment column, quoted, or NULL::text without one
-- and binds $1.. as the comment says. The class thresholds and the
-- period are parameters, so one prepared statement serves any run.
--
-- The table holds the columns `earful import` writes (text, date,
-- channel, author, rating, nps, responded_at, label, id, ...) and an
-- int4 column `shard`: earful_shard(coalesce(nullif(author, ''), id), N).
-- Sharded, it is a table partitioned by LIST (shard) whose partitions
-- are postgres_fdw foreign tables on servers with the options
-- async_capable 'true', extensions 'earful_pg', use_remote_estimate
-- 'true'. Unsharded, it is a plain table: the same queries give the same
-- numbers.
--
-- How each query reaches the shards: the inner query groups by shard
-- (the partition key) alone, so that (with partitionwise aggregation)
-- each partition's aggregate is pushed to its server as one Async
-- Foreign Scan, the scorer running there; the outer query merges the
-- partials that come back, one per shard, on the coordinator. Grouping
-- by the dimensions themselves (GROUP BY shard, period, class) would
-- ship too, but the planner guesses one group per row for a score of
-- the text and pulls the rows back instead: earful_tally groups inside
-- the aggregate. What postgres_fdw
-- (15) ships, and so what these queries may use below the outer level:
-- IMMUTABLE functions and operators, built in or of an extension the
-- server lists; no function whose collation comes from a constant alone
-- (a text time zone: hence the earful_tz type); no CASE, COALESCE,
-- GREATEST or LEAST (hence earful_delay, int4smaller, IS NULL OR);
-- not date_trunc (STABLE: earful_period) nor extract (earful_epoch).
-- A LIMIT over the partitioned table is not pushed: top-k lists travel
-- as earful_topk partials.
--
-- Every query scores each row once: earful_pg remembers the last text,
-- so the same text in a GROUP BY key, a FILTER and an argument is
-- scored or split once.

-- name: setup
-- Once per session, before the others: aggregates per partition (off by
-- default; without it the coordinator would pull every row).
SET enable_partitionwise_aggregate = on
;

-- name: versions
-- Per shard: the scorer's version on the server that holds it, its rows,
-- its first and last date. The client refuses shards whose scorer
-- differs from its own.
SELECT shard, earful_version(shard) AS scorer, count(*) AS rows,
       min(date) AS first, max(date) AS last
FROM {table}
GROUP BY shard
ORDER BY shard
;

-- name: report
-- Everything the report needs from all rows, in one scan of each shard
-- (the scorer runs once per row: earful_pg remembers the last text). $1
-- neg_max, $2 pos_min float8, $3 period kind int4 (0 day, 1 week, 2
-- month), $4 time zone earful_tz, $5 the repair queue's k, $6 the
-- loudest authors' k, $7 the examples' k, $8 the Negative sheet's k, int4. Rows of 20 columns: the
-- last two (int) say which part a row is of and its order there (rows
-- come ordered by both); of the first 18 (text), the part's come first,
-- the others are null:
--   1 cube     period (its first instant), channel, segment (null: none),
--              class (0 negative, 1 neutral, 2 positive), n, NPS answers
--              0-6 / 7-8 / 9-10, stars 1..5, rows answered, items of
--              fewer than 8 words (terse), holding an insult (abusive),
--              neither (detailed), without an author: counts per period
--              x channel x segment x class
--   2 delays   channel, segment, seconds to the answer (0 when dated
--              before the item), answered rows: exact median and p90
--   3 scores   channel (null: none), compound, rows: the score histogram
--              (by channel too: with no text column among its keys, the
--              aggregate would take its collation from a constant, and
--              would not ship)
--   4 terms    term, negative items holding it, other items (the themes)
--   5-7 authors  who is negative, rows (what, author, a, b):
--              ('negative', NULL, n, authors)  authors with n negative
--                                              items
--              ('turned', NULL, turned, after) authors with a positive
--                                              item after their first
--                                              negative one, and how many
--                                              had been answered by then
--              ('loudest', author, n, rank)    the $6 with most negative
--                                              items
--              exact only when each author's rows are on one shard (the
--              shard key above)
--   8 repair   rank, priority, id: the $5 unanswered negative items of
--              highest priority, 2 x severity + detail + recency: 2
--              (-compound) + min(words, 50) / 50 + Unix seconds / (60
--              days), in that order of float8 operations (aggregate.c's
--              repair_priority), ties by id
--   9 examples class, rank, id: per class, of the items of 6 to 40
--              words, the $7 whose text hashes lowest (hashtext), ties
--              by id
--  10 negative rank, compound, id: the workbook's Negative sheet, the $8
--              most negative items, most negative first, ties by id
-- The client fetches the items of parts 8-10 by id.
WITH x AS MATERIALIZED (
    SELECT earful_tally_merge(cube) AS cube,
           earful_tally_merge(delays) AS delays,
           earful_tally_merge(scores) AS scores,
           earful_term_counts_merge(terms) AS terms,
           earful_authors_merge(authors) AS authors,
           earful_topk_merge(repair) AS repair,
           earful_topk_merge(e0) AS e0, earful_topk_merge(e1) AS e1,
           earful_topk_merge(e2) AS e2,
           earful_topk_merge(negative) AS negative
    FROM (
        SELECT shard,
               earful_tally(earful_period(date, $3, $4), channel, {segment},
                            earful_class(text, $1, $2), NULL,
                            ARRAY[1, (nps <= 6)::int4,
                                  (nps BETWEEN 7 AND 8)::int4,
                                  (nps >= 9)::int4,
                                  (rating = 1)::int4, (rating = 2)::int4,
                                  (rating = 3)::int4, (rating = 4)::int4,
                                  (rating = 5)::int4,
                                  (responded_at IS NOT NULL)::int4,
                                  (earful_words(text) < 8)::int4,
                                  earful_abusive(text)::int4,
                                  (earful_words(text) >= 8
                                   AND NOT earful_abusive(text))::int4,
                                  (author IS NULL OR author = '')::int4])
                   AS cube,
               earful_tally(NULL, channel, {segment}, NULL,
                            earful_delay(date, responded_at)::float8,
                            ARRAY[1])
                   FILTER (WHERE responded_at IS NOT NULL) AS delays,
               earful_tally(NULL, channel, NULL, NULL, earful_compound(text),
                            ARRAY[1]) AS scores,
               earful_term_counts(text, earful_class(text, $1, $2) = 0)
                   AS terms,
               earful_authors($6, author, earful_class(text, $1, $2), date,
                              responded_at) AS authors,
               earful_topk($5,
                   -(2 * -earful_compound(text)
                     + int4smaller(earful_words(text), 50)::float8 / 50
                     + earful_epoch(date)::float8 / 5184000),
                   id)
                   FILTER (WHERE responded_at IS NULL
                           AND earful_class(text, $1, $2) = 0) AS repair,
               earful_topk($7, hashtext(text)::float8, id)
                   FILTER (WHERE earful_words(text) BETWEEN 6 AND 40
                           AND earful_class(text, $1, $2) = 0) AS e0,
               earful_topk($7, hashtext(text)::float8, id)
                   FILTER (WHERE earful_words(text) BETWEEN 6 AND 40
                           AND earful_class(text, $1, $2) = 1) AS e1,
               earful_topk($7, hashtext(text)::float8, id)
                   FILTER (WHERE earful_words(text) BETWEEN 6 AND 40
                           AND earful_class(text, $1, $2) = 2) AS e2,
               earful_topk($8, earful_compound(text), id)
                   FILTER (WHERE earful_class(text, $1, $2) = 0) AS negative
        FROM {table}
        GROUP BY shard
    ) s
)
SELECT r.t::text, r.a, r.b, r.c::text, r.v[1]::text, r.v[2]::text,
       r.v[3]::text, r.v[4]::text, r.v[5]::text, r.v[6]::text,
       r.v[7]::text, r.v[8]::text, r.v[9]::text, r.v[10]::text,
       r.v[11]::text, r.v[12]::text, r.v[13]::text, r.v[14]::text,
       1 AS part, r.i AS i
FROM x, earful_tally_rows(x.cube) WITH ORDINALITY
        AS r(t, a, b, c, x, v, i)
UNION ALL
SELECT r.a, r.b, r.x::int8::text, r.v[1]::text, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 2, r.i
FROM x, earful_tally_rows(x.delays) WITH ORDINALITY
        AS r(t, a, b, c, x, v, i)
UNION ALL
SELECT r.a, r.x::text, r.v[1]::text, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 3, r.i
FROM x, earful_tally_rows(x.scores) WITH ORDINALITY
        AS r(t, a, b, c, x, v, i)
UNION ALL
SELECT u.term, u.negative::text, u.other::text, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 4,
       u.i
FROM x, unnest((x.terms).term, (x.terms).negative, (x.terms).other)
        WITH ORDINALITY AS u(term, negative, other, i)
UNION ALL
SELECT 'negative', NULL, h.n::text, h.authors::text, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 5,
       h.i
FROM x, unnest((x.authors).negative, (x.authors).authors) WITH ORDINALITY
        AS h(n, authors, i)
UNION ALL
SELECT 'turned', NULL, ((x.authors).turned)::text,
       ((x.authors).turned_after_response)::text, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 6, 1
FROM x
UNION ALL
SELECT 'loudest', l.author, l.n::text, l.rank::text, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 7,
       l.rank
FROM x, unnest((x.authors).loudest, (x.authors).loudest_negative)
        WITH ORDINALITY
        AS l(author, n, rank)
UNION ALL
SELECT u.rank::text, (-u.key)::text, u.id, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 8,
       u.rank
FROM x, unnest((x.repair).key, (x.repair).id) WITH ORDINALITY
        AS u(key, id, rank)
UNION ALL
SELECT c.class::text, u.rank::text, u.id, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 9,
       c.class * 1000000 + u.rank
FROM x, LATERAL (VALUES (0, x.e0), (1, x.e1), (2, x.e2)) AS c(class, m),
     unnest((c.m).key, (c.m).id) WITH ORDINALITY AS u(key, id, rank)
UNION ALL
SELECT u.rank::text, u.key::text, u.id, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 10, u.rank
FROM x, unnest((x.negative).key, (x.negative).id) WITH ORDINALITY
        AS u(key, id, rank)
ORDER BY 19, 20
;

-- name: calibration
-- Only when the cube's rows carry labels: rows per period x human label
-- (null: unlabelled) x compound, what the calibration is fed.
-- $1 period kind int4, $2 time zone earful_tz.
SELECT r.t AS period, r.a AS label, r.x AS compound, r.v[1] AS n
FROM (
    SELECT earful_tally_merge(part) AS m
    FROM (
        SELECT shard,
               earful_tally(earful_period(date, $1, $2), label, NULL, NULL,
                            earful_compound(text), ARRAY[1]) AS part
        FROM {table}
        GROUP BY shard
    ) s
) x, earful_tally_rows(x.m) WITH ORDINALITY AS r(t, a, b, c, x, v, i)
ORDER BY r.i
;

-- name: period_terms
-- A spike period's terms: of its negative items (dated in [$3, $4)),
-- each term with the items holding it and their distinct authors, up to
-- $5 (EF_SPIKE_TERM_AUTHORS: what a spike term needs; an item without
-- an author is its own). What the spike's terms are chosen from; only
-- for the few spike periods. $1 neg_max, $2 pos_min float8, $3 $4
-- timestamptz, $5 int4. Terms in bytewise order.
SELECT u.term, u.negative, u.authors
FROM (
    SELECT earful_term_authors_merge(part) AS m
    FROM (
        SELECT shard, earful_term_authors($5, text, author) AS part
        FROM {table}
        WHERE date >= $3 AND date < $4 AND earful_class(text, $1, $2) = 0
        GROUP BY shard
    ) s
) x, unnest((x.m).term, (x.m).negative, (x.m).authors)
        AS u(term, negative, authors)
;

-- name: items
-- The few items the report shows (repair queue, examples), by id: $1
-- text[]. The only query that reads rows; the WHERE ships to the shards.
SELECT id, earful_epoch(date) AS date, channel, author, text, url,
       rating, nps, earful_epoch(responded_at) AS responded_at,
       {segment} AS segment
FROM {table}
WHERE id = ANY ($1)
ORDER BY id COLLATE "C"
;
