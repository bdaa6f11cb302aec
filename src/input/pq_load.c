/* pq_load.c - the libpq functions pg_source.c and pg_import.c call,
 * defined here under libpq's own names and prototypes (<libpq-fe.h>
 * checks them): the first call loads libpq.so.5 (dlopen) and resolves
 * them all (dlsym); each then forwards to its libpq twin.
 *
 * Why these names rather than a table of function pointers behind
 * macros: the callers stay plain libpq code, read against libpq's
 * documentation and unchanged by the loading, with no macro between a
 * call and its name; the list below is the one place that knows which
 * functions are used. The program exports no symbol (nothing links
 * against it), so libpq's calls to its own functions stay in libpq; were
 * they exported (-rdynamic), they would come here and be forwarded to
 * the same functions, dlsym on the handle finding libpq's.
 *
 * Without libpq (not installed, or unloadable), every function answers as
 * libpq does for a NULL connection or result: PQconnectdb gives NULL,
 * PQstatus CONNECTION_BAD, PQresultStatus PGRES_FATAL_ERROR, PQfinish
 * and PQclear nothing. PQerrorMessage then names the library and
 * dlerror()'s reason, which the callers' "cannot connect" path reports
 * (EF_ERR_IO, as for a server that cannot be reached): no caller needs to
 * know about the loading. Loading happens once, under pthread_once: a
 * first call may come from any thread. */
#include <dlfcn.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "input/pq_load.h"

#define LIBPQ "libpq.so.5" /* Debian's libpq5 */

/* Without libpq: PQerrorMessage's text (the one function that shows it),
 * and the empty string libpq gives for a NULL result's. */
static char load_error[400];
static char empty[1];

/* The functions used: X(return type, name, parameters, arguments, what
 * it returns without libpq), and V(name, parameters, arguments) for
 * those that return nothing. */
#define EF_PQ_FUNCTIONS(X, V)                                                 \
    X(PGconn *, PQconnectdb, (const char *conninfo), (conninfo), NULL)        \
    X(ConnStatusType, PQstatus, (const PGconn *conn), (conn), CONNECTION_BAD) \
    X(char *, PQerrorMessage, (const PGconn *conn), (conn), load_error)       \
    X(PGTransactionStatusType, PQtransactionStatus, (const PGconn *conn),     \
      (conn), PQTRANS_UNKNOWN)                                                \
    X(char *, PQdb, (const PGconn *conn), (conn), NULL)                       \
    X(char *, PQhost, (const PGconn *conn), (conn), NULL)                     \
    X(char *, PQport, (const PGconn *conn), (conn), NULL)                     \
    X(const char *, PQparameterStatus,                                        \
      (const PGconn *conn, const char *paramName), (conn, paramName), NULL)   \
    X(int, PQsetClientEncoding, (PGconn * conn, const char *encoding),        \
      (conn, encoding), -1)                                                   \
    X(char *, PQescapeIdentifier,                                             \
      (PGconn * conn, const char *str, size_t len), (conn, str, len), NULL)   \
    X(PGresult *, PQexec, (PGconn * conn, const char *query), (conn, query),  \
      NULL)                                                                   \
    X(PGresult *, PQexecParams,                                               \
      (PGconn * conn, const char *command, int nParams,                       \
       const Oid *paramTypes, const char *const *paramValues,                 \
       const int *paramLengths, const int *paramFormats, int resultFormat),   \
      (conn, command, nParams, paramTypes, paramValues, paramLengths,         \
       paramFormats, resultFormat),                                           \
      NULL)                                                                   \
    X(int, PQsendQueryParams,                                                 \
      (PGconn * conn, const char *command, int nParams,                       \
       const Oid *paramTypes, const char *const *paramValues,                 \
       const int *paramLengths, const int *paramFormats, int resultFormat),   \
      (conn, command, nParams, paramTypes, paramValues, paramLengths,         \
       paramFormats, resultFormat),                                           \
      0)                                                                      \
    X(int, PQsetSingleRowMode, (PGconn * conn), (conn), 0)                    \
    X(PGresult *, PQgetResult, (PGconn * conn), (conn), NULL)                 \
    X(int, PQputCopyData, (PGconn * conn, const char *buffer, int nbytes),    \
      (conn, buffer, nbytes), -1)                                             \
    X(int, PQputCopyEnd, (PGconn * conn, const char *errormsg),               \
      (conn, errormsg), -1)                                                   \
    X(ExecStatusType, PQresultStatus, (const PGresult *res), (res),           \
      PGRES_FATAL_ERROR)                                                      \
    X(char *, PQresultErrorMessage, (const PGresult *res), (res), empty)      \
    X(char *, PQcmdTuples, (PGresult * res), (res), empty)                    \
    X(int, PQntuples, (const PGresult *res), (res), 0)                        \
    X(int, PQnfields, (const PGresult *res), (res), 0)                        \
    X(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num),  \
      (res, tup_num, field_num), NULL)                                        \
    X(int, PQgetlength, (const PGresult *res, int tup_num, int field_num),    \
      (res, tup_num, field_num), 0)                                           \
    X(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num),    \
      (res, tup_num, field_num), 1)                                           \
    V(PQclear, (PGresult * res), (res))                                       \
    V(PQfreemem, (void *ptr), (ptr))                                          \
    V(PQfinish, (PGconn * conn), (conn))

/* libpq's functions, once resolved: p_PQexec... */
#define POINTER(ret, name, params, args, none) static ret(*p_##name) params;
#define VPOINTER(name, params, args) static void(*p_##name) params;
EF_PQ_FUNCTIONS(POINTER, VPOINTER)

/* Each function's name and its pointer's address, for dlsym. */
#define SLOT(ret, name, params, args, none) {#name, (void *)&p_##name},
#define VSLOT(name, params, args) {#name, (void *)&p_##name},
static const struct {
    const char *name;
    void *pointer;
} slots[] = {EF_PQ_FUNCTIONS(SLOT, VSLOT)};

/* dlsym gives a void *; POSIX requires it to convert to a function
 * pointer, which copying the bytes does without a cast ISO C forbids. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
               "function pointers are as wide as void *");

static void *lib; /* the loaded library, or NULL (load_error says why) */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int load_failed(const char *file, const char *why)
{
    snprintf(load_error, sizeof load_error,
             "cannot load %s, the PostgreSQL client library (Debian's "
             "libpq5): %s\n",
             file, why ? why : "unknown error");
    return -1;
}

/* Loads file and resolves every function: 0, or -1 with lib NULL and
 * load_error set. */
static int load_from(const char *file)
{
    void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);

    lib = NULL;
    if (h == NULL)
        return load_failed(file, dlerror());
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        void *sym = dlsym(h, slots[i].name);
        if (sym == NULL) {
            int rc = load_failed(file, dlerror());
            dlclose(h);
            return rc;
        }
        memcpy(slots[i].pointer, &sym, sizeof sym);
    }
    lib = h; /* kept open: results and connections may outlive any use */
    return 0;
}

static void load(void)
{
    load_from(LIBPQ);
}

/* 1 when libpq is loaded, loading it on the first call. */
static int loaded(void)
{
    pthread_once(&once, load);
    return lib != NULL;
}

#define FORWARD(ret, name, params, args, none)                                \
    ret name params                                                           \
    {                                                                         \
        return loaded() ? p_##name args : none;                               \
    }
#define VFORWARD(name, params, args)                                          \
    void name params                                                          \
    {                                                                         \
        if (loaded())                                                         \
            p_##name args;                                                    \
    }
EF_PQ_FUNCTIONS(FORWARD, VFORWARD)

#ifdef EF_TESTING
int ef_pq_load_for_testing(const char *file)
{
    pthread_once(&once, load); /* so that it cannot run later */
    return load_from(file);
}
#endif
