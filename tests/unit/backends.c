/* The store's unit tests on both backends: backends.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "backends.h"

const char *pst_test_backend = "sqlite";
static const char *group = "test";
static char dir[256];
static int serial;
static char **schemas;
static size_t nschemas;

bool pst_test_on_pg(void)
{
	return strcmp(pst_test_backend, "postgresql") == 0;
}

static const char *pg_base(void)
{
	const char *pg = getenv("POSTURA_TEST_PG");
	return pg && *pg ? pg : NULL;
}

const char *pst_test_path(const char *name)
{
	static char buf[512];
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/pst-%s-XXXXXX", group);
		if (!mkdtemp(dir))
			fail_msg("mkdtemp %s failed", dir);
	}
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

/* Runs sql on the PostgreSQL database of conninfo; false after printing why. */
static bool pg_exec(const char *conninfo, const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	bool ok = PQstatus(c) == CONNECTION_OK;
	if (ok) {
		PQclear(PQexec(c, "SET client_min_messages = warning"));
		PGresult *r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
	}
	if (!ok)
		fprintf(stderr, "# %s: %s", sql, PQerrorMessage(c));
	PQfinish(c);
	return ok;
}

bool pst_test_pg_exec(const char *sql)
{
	return pg_exec(pg_base() ? pg_base() : "", sql);
}

void pst_test_sql(const char *target, const char *sql)
{
	if (pst_test_on_pg()) {
		if (!pg_exec(target, sql))
			fail_msg("could not run: %s", sql);
		return;
	}
	sqlite3 *db;
	char *why = NULL;
	int rc = sqlite3_open_v2(target, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(db, 10000);
		rc = sqlite3_exec(db, sql, NULL, NULL, &why);
	}
	if (rc != SQLITE_OK)
		fail_msg("could not run: %s: %s", sql, why ? why : sqlite3_errmsg(db));
	sqlite3_free(why);
	sqlite3_close(db);
}

int64_t pst_test_version(struct pst_db *db, int64_t person)
{
	struct pst_store *s;
	assert_int_equal(pst_store_person(db, person, &s), PST_OK);
	int64_t v;
	assert_int_equal(s->ops->data_version(s, &v), PST_OK);
	pst_store_close(s);
	return v;
}

int pst_test_pg_int(PGconn *h, const char *sql)
{
	PGresult *r = PQexec(h, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(h));
	int n = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return n;
}

void pst_test_pg_do(PGconn *h, const char *sql)
{
	PGresult *r = PQexec(h, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(h));
	PQclear(r);
}

const char *pst_test_target(const char *name, char *buf, size_t size)
{
	serial++;
	char unique[32];
	if (!name) {
		snprintf(unique, sizeof unique, "t%d.db", serial);
		name = unique;
	}
	if (!pst_test_on_pg()) {
		const char *path = pst_test_path(name);
		unlink(path);
		snprintf(buf, size, "%s", path);
		return buf;
	}
	/* a schema: letters, digits and '_', at most 63 bytes */
	char s[64];
	int w = snprintf(s, sizeof s, "%s_%ld_%d_", group, (long)getpid(), serial);
	for (const char *p = name; *p && w < (int)sizeof s - 1; p++)
		s[w++] = (char)(isalnum((unsigned char)*p) ? tolower((unsigned char)*p) : '_');
	s[w] = '\0';
	for (char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p))
			*p = '_';
	char **more = realloc(schemas, (nschemas + 1) * sizeof *schemas);
	assert_non_null(more);
	schemas = more;
	schemas[nschemas] = strdup(s);
	assert_non_null(schemas[nschemas]);
	nschemas++;
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE SCHEMA %s", s);
	if (!pst_test_pg_exec(sql))
		fail_msg("could not make the schema %s", s);
	const char *base = pg_base();
	snprintf(buf, size, "%s%coptions=-csearch_path%%3D%s", base, strchr(base, '?') ? '&' : '?', s);
	return buf;
}

struct pst_db *pst_test_db_open(const char *target)
{
	struct pst_db *db = NULL;
	char err[600];
	int rc = pst_db_open(target, 0, &db, err, sizeof err);
	if (rc)
		fail_msg("%s", err);
	return db;
}

struct pst_db *pst_test_db_new(const char *name)
{
	char target[1024];
	return pst_test_db_open(pst_test_target(name, target, sizeof target));
}

struct pst_store *pst_test_store_new(const char *name)
{
	char target[1024], err[600];
	struct pst_store *s = NULL;
	int rc = pst_store_open(pst_test_target(name, target, sizeof target), 0, PST_PERSON_DEFAULT,
				&s, err, sizeof err);
	if (rc)
		fail_msg("%s", err);
	return s;
}

static int run(const char *backend, const struct CMUnitTest *tests, size_t n)
{
	pst_test_backend = backend;
	char name[128];
	snprintf(name, sizeof name, "%s (%s)", group, backend);
	return _cmocka_run_group_tests(name, tests, n, NULL, NULL);
}

int pst_test_backends(const char *name, const struct CMUnitTest *tests, size_t n,
		      const struct CMUnitTest *pg_tests, size_t npg)
{
	group = name;
	int failed = run("sqlite", tests, n);
	if (pg_base())
		failed += run("postgresql", pg_tests ? pg_tests : tests, pg_tests ? npg : n);
	else
		printf("# POSTURA_TEST_PG is not set: the PostgreSQL run of %s is skipped "
		       "(tests/pg/with-cluster.sh sets it; make test and make check run in it)\n",
		       name);
	for (size_t i = 0; i < nschemas; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", schemas[i]);
		if (!pst_test_pg_exec(sql))
			failed++;
		free(schemas[i]);
	}
	free(schemas);
	schemas = NULL;
	nschemas = 0;
	if (dir[0]) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			failed++;
		dir[0] = '\0';
	}
	return failed;
}
