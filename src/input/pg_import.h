/* pg_import.h - `earful import INPUT... postgresql://...`: appends rows to
 * the table `earful report postgresql://` reads (pg_source.h; README,
 * More than one machine).
 *
 * Each input is one transaction: its rows go to a temporary table with
 * COPY, then into the table with one INSERT .. SELECT that computes each
 * row's shard on the server, earful_shard(author, or id without one, N),
 * N the table's partitions (1 for a plain table), so that the
 * partitioned table routes the row to its worker. Idempotent on the id,
 * as the SQLite store: a row whose id is stored, or came earlier in the
 * input, is counted "already present" and skipped. Rejected rows go
 * through the source options' on_reject, as for a SQLite store. When the
 * table has the columns neg, neu, pos, compound and scorer, the client
 * scores each row and stores the scores with the scorer's version, as the
 * SQLite store does; else the extension scores at report time. An error
 * rolls the input back: none of its rows stay. */
#ifndef EF_PG_IMPORT_H
#define EF_PG_IMPORT_H

#include "input/input.h"
#include "sentiment/sentiment.h"

typedef struct {
    const char *table;        /* NULL: "feedback" (schema.table too) */
    const ef_source_opts *so; /* how to read the inputs (on_reject...) */
    const ef_vader *vader;    /* scores rows, when the table keeps scores */
    int quiet;
} ef_pg_import_opts;

/* Imports each input, printing "INPUT: N added, N already present, N
 * rejected" on standard output after its commit. The first input that
 * fails is rolled back, its error and that printed on stderr (e->msg is
 * then empty), and no later input is read. Returns that error's code:
 * EF_ERR_IO for the server, the source's errors otherwise. */
ef_status ef_pg_import(const char *url, char *const *inputs, int ninputs,
                       const ef_pg_import_opts *o, ef_err *e);

#endif
