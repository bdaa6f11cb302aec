/* test_pq_load.c - libpq loaded on first use (pq_load.c): without the
 * library, every libpq function answers as for a NULL connection, and
 * the PostgreSQL input and store fail as for a server that cannot be
 * reached (EF_ERR_IO, exit 74), naming the library and why, never a
 * crash; with it, the calls reach libpq. */
#include <libpq-fe.h>
#include <string.h>

#include "input/pg_import.h"
#include "input/pg_source.h"
#include "input/pq_load.h"
#include "test.h"

#define MISSING "libearful-test-missing.so.5"
#define URL "postgresql://localhost:1/x"

static void without_libpq(void)
{
    PGconn *c;
    PGresult *r;

    INT_EQ(ef_pq_load_for_testing(MISSING), -1, "a missing library");
    c = PQconnectdb(URL);
    OK(c == NULL, "no connection");
    INT_EQ(PQstatus(c), CONNECTION_BAD, "PQstatus(NULL)");
    OK(strstr(PQerrorMessage(c), "cannot load " MISSING) != NULL,
       "the message names the library");
    OK(strstr(PQerrorMessage(c), "cannot open shared object file") != NULL,
       "and dlerror's reason");
    r = PQexec(c, "SELECT 1");
    INT_EQ(PQresultStatus(r), PGRES_FATAL_ERROR, "PQresultStatus(NULL)");
    INT_EQ(PQntuples(r), 0, "PQntuples(NULL)");
    OK(PQgetvalue(r, 0, 0) == NULL, "PQgetvalue(NULL)");
    STR_EQ(PQcmdTuples(r), "", "PQcmdTuples(NULL)");
    INT_EQ(PQtransactionStatus(c), PQTRANS_UNKNOWN, "no transaction");
    PQclear(r);
    PQfreemem(NULL);
    PQfinish(c);
}

static void callers_without_libpq(void)
{
    ef_pg_opts po;
    ef_pg_import_opts io;
    ef_pg *pg;
    ef_err e;

    memset(&po, 0, sizeof po);
    memset(&io, 0, sizeof io);
    memset(&e, 0, sizeof e);
    INT_EQ(ef_pg_open(URL, &po, &pg, &e), EF_ERR_IO, "report: EF_ERR_IO");
    OK(strstr(e.msg, "cannot connect: cannot load " MISSING) != NULL,
       "report: says why");
    memset(&e, 0, sizeof e);
    INT_EQ(ef_pg_import(URL, NULL, 0, &io, &e), EF_ERR_IO,
           "import: EF_ERR_IO");
    OK(strstr(e.msg, "cannot load " MISSING) != NULL, "import: says why");
}

/* The real library: a URI libpq rejects itself, without the network. */
static void with_libpq(void)
{
    PGconn *c;

    INT_EQ(ef_pq_load_for_testing("libpq.so.5"), 0, "libpq.so.5 loads");
    c = PQconnectdb("postgresql://%zz");
    OK(c != NULL, "a connection object");
    INT_EQ(PQstatus(c), CONNECTION_BAD, "a bad URI");
    OK(strstr(PQerrorMessage(c), "cannot load") == NULL,
       "libpq's own message");
    PQfinish(c);
}

void test_pq_load(void)
{
    without_libpq();
    callers_without_libpq();
    with_libpq();
}
