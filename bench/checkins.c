/*
 * Check-ins written per second through postura's store, against a plain SQLite insert
 * loop with the same durability (WAL, synchronous=FULL, one row per transaction, the
 * same table and index), side by side: the two alternate in rounds on fresh files in
 * the same directory, and the medians are compared. Target: postura >= 80% of plain.
 *
 * usage: checkins DIR [ROWS] [ROUNDS]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void rm_db(const char *path)
{
	char p[4200];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static double run_postura(const char *path, int rows)
{
	rm_db(path);
	char err[600];
	struct pst_store *s;
	if (pst_store_open(path, 0, PST_PERSON_DEFAULT, &s, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	double t0 = now_s();
	for (int i = 0; i < rows; i++) {
		struct pst_checkin c = {.at = {1795000000 + i * 3600, 60}, .pain = i % 11,
					.areas = PST_BIT(PST_AREA_UPPER), .note = "bench"};
		int64_t id;
		if (s->ops->checkin_add(s, &c, &id)) {
			fprintf(stderr, "%s\n", s->errmsg);
			exit(1);
		}
	}
	double t = now_s() - t0;
	pst_store_close(s);
	return rows / t;
}

static void ok(sqlite3 *db, int rc)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
}

static double run_plain(const char *path, int rows)
{
	rm_db(path);
	sqlite3 *db = NULL;
	ok(db, sqlite3_open(path, &db));
	ok(db, sqlite3_exec(db,
			    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
			    "PRAGMA foreign_keys = ON;"
			    "CREATE TABLE checkin (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL,"
			    " at_epoch INTEGER NOT NULL, at_offset INTEGER NOT NULL, day INTEGER NOT NULL,"
			    " pain INTEGER NOT NULL, areas TEXT NOT NULL, note TEXT);"
			    "CREATE INDEX checkin_person_time ON checkin(person_id, at_epoch);",
			    NULL, NULL, NULL));
	sqlite3_stmt *st;
	ok(db, sqlite3_prepare_v2(db,
				  "INSERT INTO checkin (person_id, at_epoch, at_offset, day, pain, areas,"
				  " note) VALUES (1, ?, 60, ?, ?, 'upper', 'bench')",
				  -1, &st, NULL));
	double t0 = now_s();
	for (int i = 0; i < rows; i++) {
		ok(db, sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL));
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, 1795000000 + (int64_t)i * 3600);
		sqlite3_bind_int64(st, 2, (1795000000 + (int64_t)i * 3600) / 86400);
		sqlite3_bind_int(st, 3, i % 11);
		ok(db, sqlite3_step(st));
		ok(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL));
	}
	double t = now_s() - t0;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rows / t;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: checkins DIR [ROWS] [ROUNDS]\n");
		return 2;
	}
	int rows = argc > 2 ? atoi(argv[2]) : 2000;
	int rounds = argc > 3 ? atoi(argv[3]) : 5;
	if (rounds > 50)
		rounds = 50;
	char pa[4096], pb[4096];
	snprintf(pa, sizeof pa, "%s/bench-postura.db", argv[1]);
	snprintf(pb, sizeof pb, "%s/bench-plain.db", argv[1]);
	double a[50], b[50];
	for (int r = 0; r < rounds; r++) {
		/* Alternate which goes first, so neither always meets a warm cache. */
		if (r % 2) {
			b[r] = run_plain(pb, rows);
			a[r] = run_postura(pa, rows);
		} else {
			a[r] = run_postura(pa, rows);
			b[r] = run_plain(pb, rows);
		}
		printf("round %d: postura %.0f/s, plain sqlite %.0f/s\n", r + 1, a[r], b[r]);
	}
	qsort(a, (size_t)rounds, sizeof *a, cmp);
	qsort(b, (size_t)rounds, sizeof *b, cmp);
	double ma = a[rounds / 2], mb = b[rounds / 2];
	printf("median: postura %.0f check-ins/s, plain sqlite %.0f/s (same durability)\n", ma, mb);
	printf("ratio: %.0f%% (target >= 80%%)\n", 100 * ma / mb);
	rm_db(pa);
	rm_db(pb);
	return 0;
}
