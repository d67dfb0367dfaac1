/* The store's unit tests on both backends, set up in one place: a fresh database per
 * test (an SQLite file in a temporary directory, or a schema of its own in the
 * PostgreSQL database of POSTURA_TEST_PG, the throw-away cluster that
 * tests/pg/with-cluster.sh starts for make test and make check), a group of cmocka tests
 * run on SQLite and then on PostgreSQL, and everything removed at the end. Without
 * POSTURA_TEST_PG the PostgreSQL run is skipped, saying so on standard output. */
#ifndef PST_TESTS_BACKENDS_H
#define PST_TESTS_BACKENDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct CMUnitTest;
struct pst_db;
struct pst_store;

/* The run under way: "sqlite" or "postgresql". */
extern const char *pst_test_backend;
bool pst_test_on_pg(void);

/* A path in the run's temporary directory (SQLite files, other files); a static buffer
 * that the next call overwrites. */
const char *pst_test_path(const char *name);

/* A fresh, empty database for a test, its target (a file path or a libpq URI) in buf:
 * on SQLite the file name in the temporary directory (removed first if there: the path
 * pst_test_path(name) gives), on PostgreSQL a new schema (name in it, as letters, digits
 * and '_') that the URI makes the search path. name NULL: a name of its own ("tN.db").
 * Fails the test when the schema cannot be made. */
const char *pst_test_target(const char *name, char *buf, size_t size);

/* pst_db_open of target, failing the test with the store's message when it cannot. */
struct pst_db *pst_test_db_open(const char *target);
/* A fresh database (pst_test_target) opened. */
struct pst_db *pst_test_db_new(const char *name);
/* A fresh database's default person (PST_PERSON_DEFAULT) opened as a store. */
struct pst_store *pst_test_store_new(const char *name);

/* The version of person's records in db (data_version), failing the test when it
 * cannot be read. */
int64_t pst_test_version(struct pst_db *db, int64_t person);

/* Runs sql on POSTURA_TEST_PG's database; false after printing why on standard error. */
bool pst_test_pg_exec(const char *sql);
/* On a connection of the test's own (a PGconn): runs sql, failing the test when it
 * fails; _int gives the first column of its first row as a number. */
struct pg_conn;
void pst_test_pg_do(struct pg_conn *h, const char *sql);
int pst_test_pg_int(struct pg_conn *h, const char *sql);

/* Runs sql (statements whose rows are not wanted) on a test's own database, target as
 * pst_test_target gave it (the SQLite file, or the PostgreSQL URI of the test's schema):
 * what a test changes behind postura's back. Fails the test when it cannot. */
void pst_test_sql(const char *target, const char *sql);

/*
 * Runs the group: the tests on SQLite, then (when POSTURA_TEST_PG is set) pg_tests on
 * PostgreSQL (NULL: the same tests), as cmocka groups named "NAME (sqlite)" and "NAME
 * (postgresql)". name also names the temporary directory and the schemas. Then drops
 * every schema made and removes the temporary directory. Returns the failures (0: all
 * passed), for main to return.
 */
int pst_test_backends(const char *name, const struct CMUnitTest *tests, size_t n,
		      const struct CMUnitTest *pg_tests, size_t npg);

#endif
