/* earful_pg.h - the PostgreSQL extension's shared pieces (internal to pg/).
 *
 * The extension runs earful's own scorer, term splitter and calendar
 * (src/sentiment, src/metrics/themes.c, src/input/datetime.c, linked
 * unmodified) inside a backend. What it promises:
 *   - every function that the query set (pg/queries.sql) ships to a
 *     shard is IMMUTABLE PARALLEL SAFE and takes no collatable constant,
 *     so that postgres_fdw sends it to the worker (earful_pg_sql.sql);
 *   - failures are database errors (ereport), never exit(): earful's
 *     allocator calls ef_oom_handler, which raises ERROR;
 *   - the scorer, its scratch and the splitter live for the backend's
 *     life (malloc, as the CLI's); everything a call returns, and every
 *     aggregate state, is palloc'd in the caller's memory context.
 * An ERROR can cut a scorer call short and leave its scratch half-grown
 * (ef_oom_handler's contract): each piece of working memory is marked
 * busy while in use, and one found busy on entry is discarded.
 */
#ifndef EF_PG_H
#define EF_PG_H

#include "postgres.h"

#include "datatype/timestamp.h"

#include "metrics/themes.h"
#include "sentiment/sentiment.h"

/* The scorer for this backend, built on first use with the lexicon that
 * earful_pg.lexicon names (rebuilt when that setting changes). */
const ef_vader *ef_pg_scorer(void);

/* Scores the text of t (any server encoding; converted to UTF-8). The
 * last text's scores are remembered: the same bytes again cost a memcmp. */
void ef_pg_score(const text *t, ef_scores *out);

/* Splits the text of t into its distinct terms (ef_terms_split); the
 * terms are valid until the next call. Remembers the last text too. */
size_t ef_pg_terms(const text *t, const char *const **term, const size_t **len,
                   int *abusive, int *words);

/* Unix seconds (rounded down) of a finite timestamptz; ERROR if
 * infinite. */
int64 ef_pg_epoch(TimestampTz t);

/* Raises ERROR for an earful status (message from e). */
void ef_pg_raise(const char *what, const ef_err *e) pg_attribute_noreturn();

#endif
