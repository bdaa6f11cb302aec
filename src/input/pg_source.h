/* pg_source.h - `earful report postgresql://...`: the report's partial
 * aggregates from a PostgreSQL table, plain or sharded, through the
 * fixed query set of pg/queries.sql (embedded in the binary).
 *
 *   ef_pg *pg;
 *   ef_pg_open(url, &opts, &pg, &err);     // connects, checks, BEGIN
 *   ef_pg_read(pg, agg, &err);             // folds the partials
 *   opts for ef_agg_new: period_terms = ef_pg_period_terms, ctx = pg
 *   ef_agg_finish(agg, &err);              // may ask for spike terms
 *   ef_pg_close(pg);
 *
 * What runs where: every query aggregates on the servers that hold the
 * rows (the scorer inside them, earful_pg) and merges one partial per
 * shard on the server the URL names; one query (report) reads every row
 * once for all the report's partials, then each spike period's terms
 * (period_terms) read that period's negative rows; the client folds the merged
 * rows into the aggregator (metrics.h's partial aggregates) and computes every
 * statistic itself. Rows travel only for the items the report shows: the
 * repair queue and the examples, fetched by id and scored here.
 *
 * The session is read-only (BEGIN READ ONLY, REPEATABLE READ: one
 * snapshot for all queries). A shard whose earful_version() differs from
 * the client's scorer is refused (EF_ERR_PARSE); a server that fails or
 * cannot be reached, a worker among them, is EF_ERR_IO with the server's
 * message: there is no partial report. */
#ifndef EF_PG_SOURCE_H
#define EF_PG_SOURCE_H

#include "metrics/metrics.h"

typedef struct {
    const char *table;   /* --table (may be schema.table); NULL:
                            "feedback" */
    const char *segment; /* --segment column, or NULL */
    ef_thresholds thr;
    int period; /* ef_period */
    const ef_tz *tz;
    const ef_vader *vader; /* scores the items fetched */
    const char *scorer;    /* its version: every shard must match */
    size_t repair_n;       /* default 25 */
    size_t negative_n;     /* the workbook's Negative sheet: the most
                              negative items ef_pg_negative gives; 0:
                              no sheet */
    int quiet;             /* no timing line on stderr */
} ef_pg_opts;

/* Where the time went (seconds), and what travelled. */
typedef struct {
    double connect;       /* connecting, checks, BEGIN */
    double queries;       /* from sending a query to its first row:
                             the shards' work and the merge */
    double transfer;      /* from the first row to the last, with the
                             folding */
    uint64_t rows, bytes; /* result rows and their field bytes */
    uint64_t items;       /* raw rows fetched (shown items) */
} ef_pg_times;

typedef struct ef_pg ef_pg;

/* 1 when s names a PostgreSQL database (postgresql:// or postgres://). */
int ef_pg_is_url(const char *s);

/* The table's name quoted for SQL, schema.table as two identifiers
 * (malloc'd), or NULL when libpq cannot; c is a libpq PGconn (struct
 * pg_conn, so that this header does not need libpq's). Shared with
 * pg_import.c. */
struct pg_conn;
char *ef_pg_quote_table(struct pg_conn *c, const char *table);

/* Connects to url (libpq's URI), starts the read-only transaction,
 * checks the table, its columns and every shard's scorer version. */
ef_status ef_pg_open(const char *url, const ef_pg_opts *o, ef_pg **out,
                     ef_err *e);

/* Runs the query set and folds its rows into a (built with the same
 * thresholds, period and zone); records the table as the input. */
ef_status ef_pg_read(ef_pg *pg, ef_agg *a, ef_err *e);

/* An item fetched and scored (its strings valid during the call only);
 * a status other than EF_OK stops the fetch and is returned. */
typedef ef_status (*ef_pg_item_fn)(void *ctx, const ef_item *it,
                                   const ef_scores *sc, ef_err *e);

/* The workbook's Negative sheet: the opts.negative_n most negative items
 * (compound ascending, ties by id: ef_pg_read's scan found them, as
 * earful_topk partials), fetched by id and scored here, given to fn in
 * bytewise order of their ids (the sheet sorts them: ties stay in that
 * order). After ef_pg_read; nothing when negative_n is 0. */
#define EF_PG_NEGATIVE_ROWS 10000 /* the report's negative_n */
ef_status ef_pg_negative(ef_pg *pg, ef_pg_item_fn fn, void *ctx, ef_err *e);

/* ef_agg_opts.period_terms for a run from pg (ctx: the ef_pg). */
int ef_pg_period_terms(void *ctx, int64_t start, int64_t next,
                       ef_agg_term **out, size_t *n, ef_err *e);

const ef_pg_times *ef_pg_times_get(const ef_pg *pg);

/* Monotonic seconds, for the time split. */
double ef_pg_now(void);

/* Ends the transaction and the connection (NULL: nothing). */
void ef_pg_close(ef_pg *pg);

#endif
