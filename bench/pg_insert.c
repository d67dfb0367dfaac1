/*
 * The baseline for check-ins on PostgreSQL (bench/people.sh): a plain libpq insert loop
 * with the same durability as postura's (the server's synchronous_commit, on in the
 * bench cluster; one row per transaction) and the same concurrency (CONNECTIONS
 * connections, each a thread inserting as fast as its commits return), into the same
 * table and indexes postura writes check-ins to, for the same person. It prints one
 * line: "inserts N seconds S per_s R p99_ms P".
 * With "bump" each insert is a transaction that also bumps the person's version
 * (UPDATE person SET version = version + 1), as postura's writes did before migration
 * 11: what the lock on the person's row costs, without postura around it. With "log"
 * each insert is a transaction that also appends the person's row to person_write, as
 * postura's writes do now, with its fold every 32nd write of a connection (store_pg.c
 * bump).
 *
 * usage: pg_insert CONNINFO PERSON_ID [CONNECTIONS] [SECONDS] [bump|log]
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUCKETS 100000 /* latency histogram: 10 µs each, up to 1 s (the last takes more) */

struct worker {
	pthread_t thread;
	const char *conninfo;
	long long person;
	double deadline;
	long long done;
	int failed;
	int bump; /* 1: the version bump in each transaction, 2: the write log's row */
	unsigned *hist;
};

static pthread_barrier_t start;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	PGconn *c = PQconnectdb(w->conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pg_insert: cannot connect: %s", PQerrorMessage(c));
		w->failed = 1;
	} else {
		/* the columns postura's check-in writes (store_pg.c S_CHECKIN), no ON CONFLICT
		 * and no person version: the plain insert */
		PGresult *r = PQprepare(c, "ins",
					"INSERT INTO checkin (person_id, at_epoch, at_offset, day, pain,"
					" areas, note) VALUES ($1, $2, 0, $3, $4, 'upper', NULL)",
					0, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "pg_insert: prepare: %s", PQerrorMessage(c));
			w->failed = 1;
		}
		PQclear(r);
		r = PQprepare(c, "bump",
			      w->bump == 2 ? "INSERT INTO person_write (person_id) VALUES ($1)"
					   : "UPDATE person SET version = version + 1 WHERE id = $1",
			      0, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "pg_insert: prepare: %s", PQerrorMessage(c));
			w->failed = 1;
		}
		PQclear(r);
		/* the fold of store_pg.c (S_FOLD_LOCK, S_FOLD) */
		const char *fold[2][2] = {
			{"fold_lock", "SELECT 1 FROM person WHERE id = $1 FOR NO KEY UPDATE SKIP LOCKED"},
			{"fold", "WITH d AS (DELETE FROM person_write WHERE person_id = $1 RETURNING n)"
				 " UPDATE person SET version = version + (SELECT coalesce(sum(n), 0) FROM d)"
				 " WHERE id = $1"}};
		for (int i = 0; i < 2 && w->bump == 2; i++) {
			r = PQprepare(c, fold[i][0], fold[i][1], 0, NULL);
			if (PQresultStatus(r) != PGRES_COMMAND_OK) {
				fprintf(stderr, "pg_insert: prepare: %s", PQerrorMessage(c));
				w->failed = 1;
			}
			PQclear(r);
		}
	}
	pthread_barrier_wait(&start);
	if (w->failed) {
		PQfinish(c);
		return NULL;
	}
	w->deadline = now_s() + w->deadline; /* the seconds to run, from the start */
	char person[24], epoch[24], day[24], pain[4];
	snprintf(person, sizeof person, "%lld", w->person);
	const char *v[4] = {person, epoch, day, pain};
	for (;;) {
		double t0 = now_s();
		if (t0 >= w->deadline)
			break;
		long long e = (long long)time(NULL);
		snprintf(epoch, sizeof epoch, "%lld", e);
		snprintf(day, sizeof day, "%lld", e / 86400);
		snprintf(pain, sizeof pain, "%lld", w->done % 11);
		int ok = 1;
		if (w->bump) {
			PGresult *r = PQexec(c, "BEGIN");
			ok = PQresultStatus(r) == PGRES_COMMAND_OK;
			PQclear(r);
		}
		if (ok) {
			PGresult *r = PQexecPrepared(c, "ins", 4, v, NULL, NULL, 0);
			ok = PQresultStatus(r) == PGRES_COMMAND_OK;
			PQclear(r);
		}
		if (ok && w->bump) {
			PGresult *r = PQexecPrepared(c, "bump", 1, v, NULL, NULL, 0);
			ok = PQresultStatus(r) == PGRES_COMMAND_OK;
			PQclear(r);
			/* log: every 32nd write of a connection folds the log, as postura's */
			if (ok && w->bump == 2 && (w->done + 1) % 32 == 0) {
				r = PQexecPrepared(c, "fold_lock", 1, v, NULL, NULL, 0);
				ok = PQresultStatus(r) == PGRES_TUPLES_OK;
				int locked = ok && PQntuples(r) == 1;
				PQclear(r);
				if (locked) {
					r = PQexecPrepared(c, "fold", 1, v, NULL, NULL, 0);
					ok = PQresultStatus(r) == PGRES_COMMAND_OK;
					PQclear(r);
				}
			}
			r = PQexec(c, "COMMIT");
			ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK &&
			     strcmp(PQcmdStatus(r), "COMMIT") == 0;
			PQclear(r);
		}
		if (!ok) {
			fprintf(stderr, "pg_insert: insert: %s", PQerrorMessage(c));
			w->failed = 1;
			break;
		}
		long b = (long)((now_s() - t0) * 1e5);
		w->hist[b < BUCKETS ? b : BUCKETS - 1]++;
		w->done++;
	}
	PQfinish(c);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 6 ||
	    (argc == 6 && strcmp(argv[5], "bump") != 0 && strcmp(argv[5], "log") != 0)) {
		fprintf(stderr, "usage: pg_insert CONNINFO PERSON_ID [CONNECTIONS] [SECONDS] [bump|log]\n");
		return 2;
	}
	long long person = atoll(argv[2]);
	int n = argc > 3 ? atoi(argv[3]) : 64;
	double secs = argc > 4 ? atof(argv[4]) : 10;
	if (person <= 0 || n <= 0 || n > 1000 || secs <= 0) {
		fprintf(stderr, "pg_insert: PERSON_ID > 0, 1 to 1000 connections, SECONDS > 0\n");
		return 2;
	}
	struct worker *w = calloc((size_t)n, sizeof *w);
	if (!w)
		return 1;
	pthread_barrier_init(&start, NULL, (unsigned)n + 1);
	for (int i = 0; i < n; i++) {
		w[i].conninfo = argv[1];
		w[i].person = person;
		w[i].deadline = secs;
		w[i].bump = argc < 6 ? 0 : strcmp(argv[5], "bump") == 0 ? 1 : 2;
		w[i].hist = calloc(BUCKETS, sizeof *w[i].hist);
		if (!w[i].hist || pthread_create(&w[i].thread, NULL, run, &w[i]) != 0) {
			fprintf(stderr, "pg_insert: cannot start thread %d\n", i);
			return 1;
		}
	}
	/* every connection made and prepared before the clock starts */
	pthread_barrier_wait(&start);
	double t0 = now_s();
	long long done = 0;
	int failed = 0;
	static unsigned long long hist[BUCKETS];
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		done += w[i].done;
		failed |= w[i].failed;
		for (long b = 0; b < BUCKETS; b++)
			hist[b] += w[i].hist[b];
		free(w[i].hist);
	}
	double took = now_s() - t0;
	unsigned long long want = (unsigned long long)((double)done * 0.99), seen = 0;
	long p99 = 0;
	for (; p99 < BUCKETS; p99++) {
		seen += hist[p99];
		if (seen >= want && seen > 0)
			break;
	}
	printf("inserts %lld seconds %.2f per_s %.1f p99_ms %.2f\n", done, took, (double)done / took,
	       (double)(p99 + 1) / 100.0);
	free(w);
	return failed ? 1 : 0;
}
