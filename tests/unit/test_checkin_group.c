/* Check-ins written at once by many connections of one process: on PostgreSQL they are
 * saved in groups, one statement and one commit for the check-ins queued while another
 * group was written (store_pg.c "check-ins: group commit", docs/store.md); on SQLite
 * in groups too (store_sqlite.c write_person). Every check-in keeps its own answer: its
 * id once committed, PST_EREPLAY with the first write's id for a key stored already or
 * sent twice in a group, its own error; the version goes up by exactly the check-ins
 * saved. On PostgreSQL, check-ins are lined up behind a lock held by a connection of the
 * test (the first check-in waits for it at the server, in a trigger, the others in this
 * process), so
 * each group is known before it runs; a trigger the test adds records the transaction
 * of every row inserted, or refuses rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/backend.h"
#include "store/store.h"
#include "backends.h"

enum { PEOPLE = 3 };

/* Persons 2 and 3 added to db (1 is there). */
static void add_people(struct pst_db *db)
{
	for (int64_t want = 2; want <= PEOPLE; want++) {
		int64_t id;
		assert_int_equal(db->ops->person_add(db, NULL, &id), PST_OK);
		assert_int_equal(id, want);
	}
}

/* The person's check-ins: their ids and pains (at most max). */
static size_t checkins_of(struct pst_db *db, int64_t person, int64_t *ids, int *pains, size_t max)
{
	struct pst_store *s;
	assert_int_equal(pst_store_person(db, person, &s), PST_OK);
	struct pst_record_set rs;
	assert_int_equal(s->ops->read_all(s, INT64_MIN, 0, &rs), PST_OK);
	assert_true(rs.ncheckins <= max);
	for (size_t i = 0; i < rs.ncheckins; i++) {
		ids[i] = rs.checkins[i].id;
		pains[i] = rs.checkins[i].pain;
	}
	size_t n = rs.ncheckins;
	pst_record_set_free(&rs);
	pst_store_close(s);
	return n;
}

/* --- many threads at once (both backends) ----------------------------------------- */

/* THREADS connections, EACH check-ins each, the people mixed. Every fifth check-in of
 * a round carries a key every thread of the same person sends ("shared-W"): one saved,
 * the others replays of it; every fifth but one a key of its own, sent twice in a row. */
enum { THREADS = 24, EACH = 20 };

struct many {
	const char *target;
	int t;
	int rc[EACH], again_rc[EACH];
	int64_t id[EACH], again_id[EACH];
	char why[600];
};

static int64_t person_of(int t, int w)
{
	return 1 + (t + w) % PEOPLE;
}

static int pain_of(int t, int w)
{
	return (t * 7 + w) % 11;
}

static void *write_many(void *arg)
{
	struct many *a = arg;
	struct pst_db *db;
	if (pst_db_open(a->target, 0, &db, a->why, sizeof a->why))
		return NULL;
	struct pst_store *s[PEOPLE];
	for (int p = 0; p < PEOPLE; p++)
		if (pst_store_person(db, p + 1, &s[p]))
			snprintf(a->why, sizeof a->why, "%s", db->errmsg);
	for (int w = 0; w < EACH && !a->why[0]; w++) {
		char key[32];
		struct pst_checkin c = {.at = {.epoch = 1795000000 + w}, .pain = pain_of(a->t, w)};
		if (w % 5 == 0)
			snprintf(key, sizeof key, "shared-%d", w);
		else
			snprintf(key, sizeof key, "t%d-w%d", a->t, w);
		if (w % 5 <= 1)
			c.idem_key = key;
		struct pst_store *st = s[person_of(a->t, w) - 1];
		a->rc[w] = st->ops->checkin_add(st, &c, &a->id[w]);
		if (a->rc[w] != PST_OK && a->rc[w] != PST_EREPLAY)
			snprintf(a->why, sizeof a->why, "write %d: %s", w, st->errmsg);
		if (w % 5 == 1 && !a->why[0]) {
			c.pain = 10 - c.pain; /* a retry: whatever it says, the first write stands */
			a->again_rc[w] = st->ops->checkin_add(st, &c, &a->again_id[w]);
		}
	}
	for (int p = 0; p < PEOPLE; p++)
		pst_store_close(s[p]);
	pst_db_close(db);
	return NULL;
}

static void test_many_at_once(void **state)
{
	(void)state;
	char target[1200];
	pst_test_target("many", target, sizeof target);
	struct pst_db *db = pst_test_db_open(target);
	add_people(db);
	int64_t v0[PEOPLE];
	for (int p = 0; p < PEOPLE; p++)
		v0[p] = pst_test_version(db, p + 1);
	static struct many a[THREADS];
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		a[i] = (struct many){.target = target, .t = i};
		assert_int_equal(pthread_create(&t[i], NULL, write_many, &a[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		if (a[i].why[0])
			fail_msg("thread %d: %s", i, a[i].why);
	}
	/* What each thread was told, against what is stored. */
	static int64_t ids[THREADS * EACH];
	static int pains[THREADS * EACH];
	size_t saved[PEOPLE] = {0};
	for (int p = 0; p < PEOPLE; p++) {
		size_t n = checkins_of(db, p + 1, ids, pains, THREADS * EACH);
		for (int i = 0; i < THREADS; i++)
			for (int w = 0; w < EACH; w++) {
				if (person_of(i, w) != p + 1)
					continue;
				size_t k = 0;
				while (k < n && ids[k] != a[i].id[w])
					k++;
				if (k == n)
					fail_msg("thread %d write %d: told id %lld, not among person %d's", i, w,
						 (long long)a[i].id[w], p + 1);
				if (a[i].rc[w] == PST_OK && pains[k] != pain_of(i, w))
					fail_msg("id %lld: pain %d, written %d", (long long)ids[k], pains[k],
						 pain_of(i, w));
				saved[p] += a[i].rc[w] == PST_OK;
				if (w % 5 == 1) { /* its own key, sent again: the same id */
					assert_int_equal(a[i].rc[w], PST_OK);
					assert_int_equal(a[i].again_rc[w], PST_EREPLAY);
					assert_int_equal(a[i].again_id[w], a[i].id[w]);
				} else if (w % 5 != 0) {
					assert_int_equal(a[i].rc[w], PST_OK);
				}
			}
		/* every check-in stored was answered PST_OK to exactly one writer */
		if (n != saved[p])
			fail_msg("person %d: %zu stored, %zu answered saved", p + 1, n, saved[p]);
		assert_int_equal(pst_test_version(db, p + 1), v0[p] + (int64_t)n);
	}
	/* a shared key: one write saved, every writer of that person told its id */
	for (int w = 0; w < EACH; w += 5)
		for (int p = 1; p <= PEOPLE; p++) {
			int ok = 0;
			int64_t id = 0;
			for (int i = 0; i < THREADS; i++) {
				if (person_of(i, w) != p)
					continue;
				ok += a[i].rc[w] == PST_OK;
				if (!id)
					id = a[i].id[w];
				assert_int_equal(a[i].id[w], id);
			}
			if (ok != 1)
				fail_msg("key shared-%d of person %d saved %d times", w, p, ok);
		}
	if (pst_test_on_pg()) { /* the write log is folded as it goes */
		PGconn *h = PQconnectdb(target);
		int logged = pst_test_pg_int(h, "SELECT coalesce(sum(n), 0) FROM person_write");
		if (logged > THREADS * EACH / 2)
			fail_msg("%d of %d writes still in the write log", logged, THREADS * EACH);
		PQfinish(h);
	}
	pst_db_close(db);
}

/* --- PostgreSQL: groups lined up ----------------------------------------------------- */

/* One check-in on a connection of its own, in a thread. */
struct one {
	int64_t person;
	int pain;
	const char *key;
	struct pst_db *db;
	struct pst_store *s;
	pthread_t t;
	int rc;
	int64_t id;
};

static void *write_one(void *arg)
{
	struct one *o = arg;
	struct pst_checkin c = {.at = {.epoch = 1795000000}, .pain = o->pain, .idem_key = o->key};
	o->rc = o->s->ops->checkin_add(o->s, &c, &o->id);
	return NULL;
}

/* The test's side: its target (the store connections named app), a connection h of its
 * own, and the db that counts the check-ins queued. */
struct rig {
	char target[1300];
	char app[64];
	PGconn *h;
	PGconn *m; /* watches pg_stat_activity (outside h's transaction, whose view stays) */
	struct pst_db *db;
	char hold[120]; /* h takes the gate's lock with it */
};

static void rig_open(struct rig *r, const char *name)
{
	char base[1200];
	snprintf(r->app, sizeof r->app, "pst_group_%ld", (long)getpid());
	pst_test_target(name, base, sizeof base);
	snprintf(r->target, sizeof r->target, "%s&application_name=%s", base, r->app);
	r->db = pst_test_db_open(r->target);
	add_people(r->db);
	r->h = PQconnectdb(r->target);
	assert_int_equal(PQstatus(r->h), CONNECTION_OK);
	pst_test_pg_do(r->h, "SET application_name = 'pst_group_helper'");
	pst_test_pg_do(r->h, "SET client_min_messages = warning");
	r->m = PQconnectdb(r->target);
	assert_int_equal(PQstatus(r->m), CONNECTION_OK);
	pst_test_pg_do(r->m, "SET application_name = 'pst_group_watch'");
	/* The gate: every check-in inserted waits while h holds its advisory lock (a lock
	 * on the table would stop the statement's PREPARE, before anything is sent). */
	static int serial;
	long key = (long)getpid() * 100 + ++serial;
	char sql[400];
	snprintf(sql, sizeof sql, "CREATE FUNCTION gate() RETURNS trigger LANGUAGE plpgsql AS"
		 " $$BEGIN PERFORM pg_advisory_xact_lock_shared(%ld); RETURN NEW; END$$;"
		 " CREATE TRIGGER gate BEFORE INSERT ON checkin FOR EACH ROW EXECUTE FUNCTION gate()", key);
	pst_test_pg_do(r->h, sql);
	snprintf(r->hold, sizeof r->hold, "SELECT pg_advisory_xact_lock(%ld)", key);
}

static void rig_close(struct rig *r)
{
	PQfinish(r->h);
	PQfinish(r->m);
	pst_db_close(r->db);
}

/* Waits (at most 20 s) until n store connections wait for a lock at the server. */
static void wait_lock_waiters(struct rig *r, int n)
{
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'"
		 " AND wait_event_type = 'Lock'", r->app);
	int got = -1;
	for (int i = 0; i < 2000 && (got = pst_test_pg_int(r->m, sql)) != n; i++)
		usleep(10 * 1000);
	if (got != n)
		fail_msg("%d store connections wait for a lock, not %d", got, n);
}

/* Waits (at most 20 s) until n check-ins of this process are queued. */
static void wait_queued(struct rig *r, size_t n)
{
	for (int i = 0; i < 20000 && pst_pg_checkins_waiting(r->db) != n; i++)
		usleep(1000);
	assert_int_equal(pst_pg_checkins_waiting(r->db), n);
}

/* Ends the connection of the one store connection waiting for a lock, and waits until
 * its server process is gone. */
static void end_waiter(struct rig *r)
{
	char sql[300];
	wait_lock_waiters(r, 1);
	snprintf(sql, sizeof sql, "SELECT pid FROM pg_stat_activity WHERE application_name = '%s'"
		 " AND wait_event_type = 'Lock'", r->app);
	int pid = pst_test_pg_int(r->m, sql);
	snprintf(sql, sizeof sql, "SELECT count(pg_terminate_backend(%d))", pid);
	assert_int_equal(pst_test_pg_int(r->m, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE pid = %d", pid);
	for (int i = 0; i < 2000 && pst_test_pg_int(r->m, sql); i++)
		usleep(10 * 1000);
	assert_int_equal(pst_test_pg_int(r->m, sql), 0);
}

static void start(struct rig *r, struct one *o)
{
	o->db = pst_test_db_open(r->target);
	assert_int_equal(pst_store_person(o->db, o->person, &o->s), PST_OK);
	o->rc = -1;
	assert_int_equal(pthread_create(&o->t, NULL, write_one, o), 0);
}

static void finish(struct one *o)
{
	pthread_join(o->t, NULL);
}

static void close_one(struct one *o)
{
	pst_store_close(o->s);
	pst_db_close(o->db);
}

/*
 * With the gate held by h: the first check-in (o[0]) is sent and waits at the server;
 * the others (o[1..n-1]) queue in this process behind it. Then h's transaction ends
 * (the caller's sql before COMMIT) and they all go: the first alone, the rest in one
 * group.
 */
static void line_up(struct rig *r, struct one *o, size_t n, const char *before_commit)
{
	pst_test_pg_do(r->h, "BEGIN");
	pst_test_pg_do(r->h, r->hold);
	start(r, &o[0]);
	wait_lock_waiters(r, 1);
	for (size_t i = 1; i < n; i++)
		start(r, &o[i]);
	wait_queued(r, n - 1);
	if (before_commit)
		pst_test_pg_do(r->h, before_commit);
	pst_test_pg_do(r->h, "COMMIT");
	for (size_t i = 0; i < n; i++)
		finish(&o[i]);
}

/* The check-ins queued while one was written go in ONE transaction (the trigger records
 * each row's), each with its own answer: a key sent three times in the group (one
 * saved), a key stored before (both told its id), one key for two people (both saved),
 * the people mixed; each version up by exactly its check-ins saved. */
enum { QUEUED = 40 };

static void test_one_group(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, "group");
	pst_test_pg_do(r.h, "CREATE TABLE seen (person_id bigint, tx bigint);"
		       " CREATE FUNCTION seen() RETURNS trigger LANGUAGE plpgsql AS"
		       " $$BEGIN INSERT INTO seen VALUES (NEW.person_id, txid_current()); RETURN NEW; END$$;"
		       " CREATE TRIGGER seen AFTER INSERT ON checkin FOR EACH ROW EXECUTE FUNCTION seen();"
		       /* and the write-log rows (migration 17: one a person a group, n its check-ins) */
		       " CREATE TABLE seen_log (person_id bigint, n int, tx bigint);"
		       " CREATE FUNCTION seen_log() RETURNS trigger LANGUAGE plpgsql AS"
		       " $$BEGIN INSERT INTO seen_log VALUES (NEW.person_id, NEW.n, txid_current());"
		       " RETURN NEW; END$$;"
		       " CREATE TRIGGER seen_log AFTER INSERT ON person_write FOR EACH ROW"
		       " EXECUTE FUNCTION seen_log()");
	struct pst_store *s2;
	assert_int_equal(pst_store_person(r.db, 2, &s2), PST_OK);
	struct pst_checkin old = {.at = {.epoch = 1794000000}, .pain = 4, .idem_key = "old"};
	int64_t old_id;
	assert_int_equal(s2->ops->checkin_add(s2, &old, &old_id), PST_OK);
	pst_store_close(s2);
	pst_test_pg_do(r.h, "DELETE FROM seen; DELETE FROM seen_log");
	int64_t v0[PEOPLE];
	for (int p = 0; p < PEOPLE; p++)
		v0[p] = pst_test_version(r.db, p + 1);

	static struct one o[1 + QUEUED];
	o[0] = (struct one){.person = 1, .pain = 0};
	for (int i = 1; i <= QUEUED; i++)
		o[i] = (struct one){.person = 1 + i % PEOPLE, .pain = i % 11};
	/* "dup" three times for person 1; "old" twice for person 2; "same" for 1 and 3 */
	o[3] = (struct one){.person = 1, .pain = 3, .key = "dup"};
	o[6] = (struct one){.person = 1, .pain = 6, .key = "dup"};
	o[9] = (struct one){.person = 1, .pain = 9, .key = "dup"};
	o[5] = (struct one){.person = 2, .pain = 5, .key = "old"};
	o[8] = (struct one){.person = 2, .pain = 8, .key = "old"};
	o[12] = (struct one){.person = 1, .pain = 2, .key = "same"};
	o[13] = (struct one){.person = 3, .pain = 3, .key = "same"};
	line_up(&r, o, 1 + QUEUED, NULL);

	int64_t saved[PEOPLE] = {0};
	int dups_saved = 0;
	for (int i = 0; i <= QUEUED; i++) {
		struct one *x = &o[i];
		bool dup = i == 3 || i == 6 || i == 9, old_key = i == 5 || i == 8;
		if (dup ? x->rc != PST_OK && x->rc != PST_EREPLAY : x->rc != (old_key ? PST_EREPLAY : PST_OK))
			fail_msg("check-in %d: %d, %s", i, x->rc, x->s->errmsg);
		saved[x->person - 1] += x->rc == PST_OK;
		dups_saved += dup && x->rc == PST_OK;
		if (old_key)
			assert_int_equal(x->id, old_id);
		if (dup) /* whichever came first in the group: the others told its id */
			assert_int_equal(x->id, o[3].id);
		for (int k = 0; k < i; k++) /* the saved ones' ids are their own */
			if (x->rc == PST_OK && o[k].rc == PST_OK && o[k].id == x->id)
				fail_msg("check-ins %d and %d both told id %lld", k, i, (long long)x->id);
	}
	assert_int_equal(dups_saved, 1);
	assert_int_not_equal(o[12].id, o[13].id);
	/* the first alone, then all the queued in one transaction */
	assert_int_equal(pst_test_pg_int(r.h, "SELECT count(DISTINCT tx) FROM seen"), 2);
	assert_int_equal(pst_test_pg_int(r.h, "SELECT count(*) FROM seen"), QUEUED + 1 - 4);
	/* the write log: one row for the first, then one per person for the group, each
	 * counting that person's check-ins saved in it */
	assert_int_equal(pst_test_pg_int(r.h, "SELECT count(*) FROM seen_log"), 1 + PEOPLE);
	assert_int_equal(pst_test_pg_int(r.h, "SELECT count(DISTINCT tx) FROM seen_log"), 2);
	assert_int_equal(pst_test_pg_int(r.h, "SELECT count(*) FROM seen_log l WHERE l.tx ="
						" (SELECT tx FROM seen_log GROUP BY tx HAVING count(*) > 1)"
						" AND l.n = (SELECT count(*) FROM seen s WHERE s.tx = l.tx"
						" AND s.person_id = l.person_id)"),
			 PEOPLE);
	static int64_t ids[64];
	static int pains[64];
	for (int p = 0; p < PEOPLE; p++) {
		assert_int_equal(pst_test_version(r.db, p + 1), v0[p] + saved[p]);
		size_t n = checkins_of(r.db, p + 1, ids, pains, 64);
		assert_int_equal(n, saved[p] + (p == 1)); /* and "old" */
		for (int i = 0; i <= QUEUED; i++) { /* each id is its writer's check-in */
			if (o[i].person != p + 1 || o[i].rc != PST_OK)
				continue;
			size_t k = 0;
			while (k < n && ids[k] != o[i].id)
				k++;
			if (k == n || pains[k] != o[i].pain)
				fail_msg("check-in %d (person %d): id %lld not stored with pain %d", i, p + 1,
					 (long long)o[i].id, o[i].pain);
		}
	}
	for (int i = 0; i <= QUEUED; i++)
		close_one(&o[i]);
	rig_close(&r);
}

/* A row the database refuses in a group (a trigger: pain 9) fails alone: its group is
 * written again one by one, the others saved. A group refused as a whole (every row)
 * saves none and acknowledges none; the version stays. */
static void test_refused_in_group(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, "refused");
	pst_test_pg_do(r.h, "CREATE TABLE refuse_all (x int);"
		       " CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
		       " $$BEGIN IF NEW.pain = 9 OR EXISTS (SELECT 1 FROM refuse_all) THEN"
		       " RAISE EXCEPTION 'pain 9 refused'; END IF; RETURN NEW; END$$;"
		       " CREATE TRIGGER refuse BEFORE INSERT ON checkin FOR EACH ROW EXECUTE FUNCTION refuse()");
	int64_t v0[PEOPLE];
	for (int p = 0; p < PEOPLE; p++)
		v0[p] = pst_test_version(r.db, p + 1);
	enum { N = 21 };
	static struct one o[N];
	for (int i = 0; i < N; i++)
		o[i] = (struct one){.person = 1 + i % PEOPLE, .pain = i % 7 == 3 ? 9 : i % 9};
	line_up(&r, o, N, NULL);
	int64_t saved[PEOPLE] = {0};
	for (int i = 0; i < N; i++) {
		if (o[i].pain == 9) {
			assert_int_equal(o[i].rc, PST_EIO);
			if (!strstr(o[i].s->errmsg, "pain 9 refused"))
				fail_msg("check-in %d: %s", i, o[i].s->errmsg);
		} else if (o[i].rc != PST_OK) {
			fail_msg("check-in %d (pain %d): %d, %s", i, o[i].pain, o[i].rc, o[i].s->errmsg);
		}
		saved[o[i].person - 1] += o[i].rc == PST_OK;
		close_one(&o[i]);
	}
	int64_t v1[PEOPLE];
	for (int p = 0; p < PEOPLE; p++) {
		v1[p] = pst_test_version(r.db, p + 1);
		assert_int_equal(v1[p], v0[p] + saved[p]);
	}
	int stored = pst_test_pg_int(r.h, "SELECT count(*) FROM checkin");

	/* the whole group refused (set while it waits; the first, sent before, is refused
	 * for its pain) */
	for (int i = 0; i < N; i++)
		o[i] = (struct one){.person = 1 + i % PEOPLE, .pain = i ? 1 : 9, .key = i == 4 ? "k4" : NULL};
	line_up(&r, o, N, "INSERT INTO refuse_all VALUES (1)");
	for (int i = 0; i < N; i++) {
		if (o[i].rc != PST_EIO || !strstr(o[i].s->errmsg, "pain 9 refused"))
			fail_msg("check-in %d of a refused group: %d, %s", i, o[i].rc, o[i].s->errmsg);
		close_one(&o[i]);
	}
	assert_int_equal(pst_test_pg_int(r.h, "SELECT count(*) FROM checkin"), stored);
	for (int p = 0; p < PEOPLE; p++)
		assert_int_equal(pst_test_version(r.db, p + 1), v1[p]);
	/* and the key of a refused check-in is free: sent again, it is saved */
	pst_test_pg_do(r.h, "DELETE FROM refuse_all");
	struct pst_store *s;
	assert_int_equal(pst_store_person(r.db, 2, &s), PST_OK);
	struct pst_checkin c = {.at = {.epoch = 1795000000}, .pain = 1, .idem_key = "k4"};
	assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);
	pst_store_close(s);
	assert_int_equal(pst_test_version(r.db, 2), v1[1] + 1);
	rig_close(&r);
}

/* The connection of a group's writer lost while the group is at the server: none of
 * its check-ins is acknowledged (each told it is not known whether it was saved) and
 * none was saved; the next check-in goes through on a new connection. */
static void test_group_lost(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, "lost");
	int64_t v0[PEOPLE];
	for (int p = 0; p < PEOPLE; p++)
		v0[p] = pst_test_version(r.db, p + 1);
	enum { N = 21 };
	static struct one o[N];
	for (int i = 0; i < N; i++)
		o[i] = (struct one){.person = 1 + i % PEOPLE, .pain = i % 11, .key = i == 7 ? "k7" : NULL};
	pst_test_pg_do(r.h, "BEGIN");
	pst_test_pg_do(r.h, r.hold);
	start(&r, &o[0]);
	wait_lock_waiters(&r, 1);
	for (int i = 1; i < N; i++)
		start(&r, &o[i]);
	wait_queued(&r, N - 1);
	/* the first check-in's connection ends; its writer then sends the 20 queued, as
	 * one group, on a new connection: that one ends too */
	end_waiter(&r);
	wait_queued(&r, 0);
	end_waiter(&r);
	pst_test_pg_do(r.h, "COMMIT");
	for (int i = 0; i < N; i++) {
		finish(&o[i]);
		if (o[i].rc != PST_EUNAVAILABLE || !strstr(o[i].s->errmsg, "not known whether"))
			fail_msg("check-in %d lost in flight: %d, %s", i, o[i].rc, o[i].s->errmsg);
	}
	assert_int_equal(pst_test_pg_int(r.h, "SELECT count(*) FROM checkin"), 0);
	for (int p = 0; p < PEOPLE; p++)
		assert_int_equal(pst_test_version(r.db, p + 1), v0[p]);
	/* every connection goes on: the next check-ins are saved, the key too */
	for (int i = 0; i < N; i++) {
		struct pst_checkin c = {.at = {.epoch = 1795000000}, .pain = 1, .idem_key = o[i].key};
		if (o[i].s->ops->checkin_add(o[i].s, &c, NULL) != PST_OK)
			fail_msg("check-in %d after: %s", i, o[i].s->errmsg);
		close_one(&o[i]);
	}
	assert_int_equal(pst_test_pg_int(r.h, "SELECT count(*) FROM checkin"), N);
	rig_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_at_once),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test(test_many_at_once),
		cmocka_unit_test(test_one_group),
		cmocka_unit_test(test_refused_in_group),
		cmocka_unit_test(test_group_lost),
	};
	return pst_test_backends("checkin_group", tests, sizeof tests / sizeof *tests, pg_tests,
				 sizeof pg_tests / sizeof *pg_tests) ? 1 : 0;
}
