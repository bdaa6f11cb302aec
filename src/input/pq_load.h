/* pq_load.h - libpq, loaded on first use (pq_load.c): the program does
 * not link libpq, whose loading (with gnutls, krb5, ldap, sasl, libssl
 * and more) would cost every run several milliseconds at start although
 * most runs never touch PostgreSQL.
 *
 * Callers include <libpq-fe.h> and call libpq as usual: pq_load.c defines
 * the functions they use under libpq's names. The first call loads
 * libpq.so.5; when it cannot be loaded, PQconnectdb gives NULL and
 * PQerrorMessage names the library and the loader's reason, so that the
 * callers' "cannot connect" path reports it. Add a libpq function to
 * pq_load.c's list before calling it: else the link fails (undefined
 * reference), which is the reminder. */
#ifndef EF_PQ_LOAD_H
#define EF_PQ_LOAD_H

#ifdef EF_TESTING
/* Loads file instead of libpq.so.5 (a missing library, to test that
 * path; libpq.so.5 again after), replacing whatever was loaded. Not
 * thread-safe: for the unit tests only. 0 when loaded. */
int ef_pq_load_for_testing(const char *file);
#endif

#endif
