/* Store and exchange tests on real SQLite files: migrations, refusals, the records a
 * person keeps, export/import round trips, and imports that write nothing when wrong.
 * Then, in the throw-away cluster (POSTURA_TEST_PG), those not about files again on
 * PostgreSQL, each store a fresh schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/builtin.h"
#include "store/exchange.h"
#include "core/history.h"
#include "store/store.h"
#include "backends.h"

static struct pst_time at(const char *iso)
{
	struct pst_time t;
	assert_int_equal(pst_time_parse(iso, 0, &t), PST_OK);
	return t;
}

/* The store's arrays (pst_arena_grow): several grown side by side in one arena keep
 * their elements when they move, start zeroed, and go with the arena. */
static void test_arena_grow(void **state)
{
	(void)state;
	struct pst_arena *a = pst_arena_new();
	assert_non_null(a);
	enum { K = 3, N = 50000 };
	long *v[K] = {0};
	size_t cap[K] = {0};
	for (size_t n = 0; n < N; n++)
		for (int k = 0; k < K; k++) {
			long *nv = pst_arena_grow(a, v[k], n, &cap[k], sizeof **v, 4);
			assert_non_null(nv);
			assert_true(cap[k] > n);
			assert_int_equal(nv[n], 0); /* new room is zeroed */
			nv[n] = (long)(n * K + (size_t)k);
			v[k] = nv;
			(void)pst_arena_alloc(a, 24); /* other allocations in between */
		}
	for (int k = 0; k < K; k++)
		for (size_t n = 0; n < N; n++)
			assert_int_equal(v[k][n], (long)(n * K + (size_t)k));
	/* no room yet: a new array, the old one stays the arena's */
	size_t c0 = 0;
	long *w = pst_arena_grow(a, v[0], 0, &c0, sizeof *w, 0);
	assert_non_null(w);
	assert_true(w != v[0] && c0 == 1 && w[0] == 0);
	pst_arena_free(a);
}

static void test_time(void **state)
{
	(void)state;
	struct pst_time t;
	char buf[40];
	assert_int_equal(pst_time_parse("2026-11-21T08:30:15+01:00", 0, &t), PST_OK);
	assert_string_equal(pst_time_format(t, buf, sizeof buf), "2026-11-21T08:30:15+01:00");
	assert_int_equal(pst_time_parse("2026-11-21", 60, &t), PST_OK);
	assert_string_equal(pst_time_format(t, buf, sizeof buf), "2026-11-21T12:00:00+01:00");
	assert_int_equal(pst_time_parse("2026-11-21T23:30Z", 0, &t), PST_OK);
	/* Local days: 23:30 UTC is the next day at +01:00. */
	t.offset_min = 60;
	assert_string_equal(pst_day_format(pst_time_day(t), buf, sizeof buf), "2026-11-22");
	assert_int_equal(pst_day_weekday(pst_time_day(at("2026-11-23T12:00Z"))), 0); /* a Monday */
	static const char *const bad[] = {"2026-02-30", "2026-13-01", "2026-11-21T24:00",
					  "21/11/2026", "2026-11-21T08:30+15:00", "", "2026-11-21x",
					  /* found by fuzz/fuzz_session: past UTC+14:00 */
					  "2026-11-21T08:30+14:59", "2026-11-21T08:30-1401"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(pst_time_parse(bad[i], 0, &t), PST_EINVAL);
	assert_int_equal(pst_time_parse("2026-11-21T08:30+14:00", 0, &t), PST_OK);
	assert_int_equal(pst_time_parse("2026-11-21T08:30-14:00", 0, &t), PST_OK);
}

static void test_records_round_trip(void **state)
{
	(void)state;
	struct pst_store *s = pst_test_store_new("a.db");
	struct pst_saved_profile sp = {0};
	pst_profile_init(&sp.p);
	sp.p.has_stage = true;
	sp.p.stage = PST_STAGE_POSTPARTUM;
	sp.p.weeks = 6;
	sp.p.birth = PST_BIRTH_CAESAREAN;
	sp.p.areas = PST_BIT(PST_AREA_UPPER);
	sp.p.conditions = PST_BIT(PST_COND_TUMMY_GAP) | PST_BIT(PST_COND_LEAKING);
	memcpy(sp.p.country, "NZ", 3);
	sp.updated = at("2026-11-21T09:00:00Z");
	pst_saved_profile_anchor(&sp, pst_time_day(sp.updated));
	assert_int_equal(s->ops->profile_put(s, &sp), PST_OK);
	struct pst_checkin ck = {.at = at("2026-11-21T09:00:00Z"), .pain = 5, .note = "a, \"note\""};
	int64_t id;
	assert_int_equal(s->ops->checkin_add(s, &ck, &id), PST_OK);
	assert_int_equal(id, 1);
	struct pst_session_ex ex[2] = {{"wall-angels", PST_FB_EASY, 2}, {"cat-cow", PST_FB_HURT, -1}};
	struct pst_session_log l = {.at = at("2026-11-21T10:00:00Z"), .pain_before = 4, .pain_after = 3,
				    .ex = ex, .nex = 2};
	assert_int_equal(s->ops->session_add(s, &l, &id), PST_OK);
	assert_int_equal(s->ops->psfs_add(s, "carry the car seat", at("2026-11-21T09:00:00Z"), &id), PST_OK);
	assert_int_equal(s->ops->psfs_rate(s, id, 4, at("2026-11-21T09:00:00Z")), PST_OK);
	assert_int_equal(s->ops->psfs_rate(s, 99, 4, at("2026-11-21T09:00:00Z")), PST_ENOTFOUND);
	struct pst_saved_screening sc = {.stages = PST_BIT(PST_STAGE_POSTPARTUM),
					 .answers = (char[]){"{\"chest-pain\": false, \"leg-swelling\": false}"},
					 .at = at("2026-11-21T08:55:00Z")};
	assert_int_equal(s->ops->screening_put(s, &sc), PST_OK);

	struct pst_record_set rs;
	assert_int_equal(s->ops->read_all(s, INT64_MIN, 0, &rs), PST_OK);
	assert_true(rs.has_profile);
	assert_int_equal(rs.profile.p.birth, PST_BIRTH_CAESAREAN);
	assert_int_equal(rs.profile.p.conditions, PST_BIT(PST_COND_TUMMY_GAP) | PST_BIT(PST_COND_LEAKING));
	assert_string_equal(rs.profile.p.country, "NZ");
	assert_int_equal(rs.ncheckins, 1);
	assert_string_equal(rs.checkins[0].note, "a, \"note\"");
	assert_int_equal(rs.nsessions, 1);
	assert_int_equal(rs.sessions[0].nex, 2);
	assert_int_equal(rs.sessions[0].ex[1].feedback, PST_FB_HURT);
	assert_int_equal(rs.sessions[0].ex[1].pain, -1);
	assert_int_equal(rs.npsfs, 1);
	assert_int_equal(rs.psfs[0].nratings, 1);

	/* JSON and CSV exports import into an empty store and export the same bytes. */
	for (int fmt = 0; fmt < 2; fmt++) {
		struct pst_buf a, b;
		pst_buf_init(&a, 1 << 20);
		pst_buf_init(&b, 1 << 20);
		assert_int_equal(pst_export_to_buf(&rs, fmt, &a, NULL, 0), PST_OK);
		struct pst_record_set back;
		struct pst_diags d = {0};
		int rc = pst_import_parse(&pst_builtin_catalog, "x", a.s, a.len, &back, &d);
		for (size_t i = 0; i < d.n; i++)
			print_error("%s\n", d.v[i].msg);
		assert_int_equal(rc, PST_OK);
		struct pst_store *t = pst_test_store_new(fmt ? "c.db" : "b.db");
		assert_int_equal(t->ops->import(t, &back, 0), PST_OK);
		struct pst_record_set again;
		assert_int_equal(t->ops->read_all(t, INT64_MIN, 0, &again), PST_OK);
		assert_int_equal(pst_export_to_buf(&again, fmt, &b, NULL, 0), PST_OK);
		assert_string_equal(a.s, b.s);
		assert_int_equal(again.profile.p.conditions,
				 PST_BIT(PST_COND_TUMMY_GAP) | PST_BIT(PST_COND_LEAKING));
		assert_string_equal(again.profile.p.country, "NZ");
		assert_non_null(strstr(a.s, fmt ? "tummy-gap;leaking,NZ" : "\"country\": \"NZ\""));
		/* The safety answers go with the JSON (everything), not with the CSV (the
		 * records a spreadsheet can use). */
		assert_true(again.has_screening == !fmt);
		if (!fmt) {
			assert_non_null(strstr(a.s, "\"screening\": {"));
			assert_string_equal(again.screening.answers,
					    "{\"chest-pain\":false,\"leg-swelling\":false}");
			assert_int_equal(again.screening.stages, PST_BIT(PST_STAGE_POSTPARTUM));
		}
		/* A second import of the same records is refused whole: ids are kept. */
		assert_int_not_equal(t->ops->import(t, &back, 0), PST_OK);
		struct pst_record_set same;
		assert_int_equal(t->ops->read_all(t, INT64_MIN, 0, &same), PST_OK);
		assert_int_equal(same.ncheckins, 1);
		pst_record_set_free(&same);
		pst_record_set_free(&again);
		pst_record_set_free(&back);
		pst_store_close(t);
		pst_buf_free(&a);
		pst_buf_free(&b);
	}
	pst_record_set_free(&rs);
	pst_store_close(s);
}

/* Each saving of the profile starts the minutes of its day; the history counts past
 * weeks with their own. A store made before the timeline was kept gets it from its
 * profile. */
static void test_minutes_timeline(void **state)
{
	(void)state;
	struct pst_store *s = pst_test_store_new("minutes.db");
	struct pst_saved_profile sp = {0};
	pst_profile_init(&sp.p);
	sp.p.has_stage = true;
	sp.p.stage = PST_STAGE_POSTPARTUM;
	sp.p.weeks = 10;
	sp.p.minutes = 20;
	sp.updated = at("2026-11-02T09:00:00Z");
	pst_saved_profile_anchor(&sp, pst_time_day(sp.updated));
	assert_int_equal(s->ops->profile_put(s, &sp), PST_OK);
	sp.p.minutes = 15; /* changed the same day: the day's last counts */
	sp.updated = at("2026-11-02T20:00:00Z");
	assert_int_equal(s->ops->profile_put(s, &sp), PST_OK);
	sp.p.minutes = 8;
	sp.updated = at("2026-11-09T08:00:00Z");
	assert_int_equal(s->ops->profile_put(s, &sp), PST_OK);
	struct pst_record_set rs;
	assert_int_equal(s->ops->read_all(s, INT64_MIN, 0, &rs), PST_OK);
	assert_int_equal(rs.nminutes, 2);
	assert_int_equal(rs.minutes[0].day, pst_time_day(at("2026-11-02T00:00:00Z")));
	assert_int_equal(rs.minutes[0].minutes, 15);
	assert_int_equal(rs.minutes[1].minutes, 8);
	/* Week of 2 Nov: 3 a week (Mon, Wed, Fri) at 15 minutes; week of 9 Nov: 4 at 8. */
	struct pst_checkin first = {.at = at("2026-11-02T08:00:00Z"), .pain = 3}; /* the range's start */
	struct pst_history_input in = {.checkins = &first, .ncheckins = 1,
				       .profile = &rs.profile, .minutes = rs.minutes,
				       .nminutes = rs.nminutes,
				       .since = pst_time_day(at("2026-11-02T00:00:00Z")),
				       .today = pst_time_day(at("2026-11-15T00:00:00Z"))};
	struct pst_history *h = NULL;
	assert_int_equal(pst_history_build(&in, &h), PST_OK);
	assert_int_equal(h->weekly[0].sessions_planned, 3);
	assert_int_equal(h->weekly[1].sessions_planned, 4);
	pst_history_free(h);
	pst_record_set_free(&rs);
	pst_store_close(s);

	/* A store at schema 2 with a profile: opening it starts the timeline on the day the
	 * profile was saved. */
	if (pst_test_on_pg())
		return; /* the rest is an SQLite file of schema version 2 */
	sqlite3 *db;
	pst_store_close(pst_test_store_new("v2-template.db"));
	assert_int_equal(sqlite3_open(pst_test_path("v2-template.db"), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "DROP TABLE plan_minutes; PRAGMA user_version = 2;"
				      "DROP INDEX checkin_idem; DROP INDEX session_idem;"
				      "ALTER TABLE checkin DROP COLUMN idem_key;"
				      "ALTER TABLE session DROP COLUMN idem_key;"
				      "ALTER TABLE person DROP COLUMN name;"
				      "ALTER TABLE person DROP COLUMN version;"
				      "ALTER TABLE profile DROP COLUMN conditions;"
				      "ALTER TABLE profile DROP COLUMN country;"
				      "ALTER TABLE profile DROP COLUMN remind_at;"
				      "ALTER TABLE profile DROP COLUMN timezone;"
				      "ALTER TABLE profile DROP COLUMN relief_reminder;"
				      "DROP TABLE calendar_token;"
				      "INSERT INTO profile VALUES (1, 'postpartum', 10, 20000, 'vaginal',"
				      " 'unknown', NULL, '', '', '', '', 12, 1793955600, 60);",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	char err[512];
	assert_int_equal(pst_store_open(pst_test_path("v2-template.db"), 0, PST_PERSON_DEFAULT, &s, err, sizeof err), PST_OK);
	assert_int_equal(s->ops->read_all(s, INT64_MIN, 0, &rs), PST_OK);
	assert_int_equal(rs.nminutes, 1);
	assert_int_equal(rs.minutes[0].day, (1793955600 + 3600) / 86400);
	assert_int_equal(rs.minutes[0].minutes, 12);
	pst_record_set_free(&rs);
	pst_store_close(s);
}

static void test_psfs_at_most_five(void **state)
{
	(void)state;
	struct pst_store *s = pst_test_store_new("psfs.db");
	int64_t id;
	for (int i = 0; i < 5; i++)
		assert_int_equal(s->ops->psfs_add(s, "an activity", at("2026-11-21T09:00Z"), &id), PST_OK);
	assert_int_equal(s->ops->psfs_add(s, "a sixth", at("2026-11-21T09:00Z"), &id), PST_EINVAL);
	assert_non_null(strstr(s->errmsg, "5 activities"));
	pst_store_close(s);
}

/* With many people in one database (issue 13 benchmark), every read of one person's
 * records finds them through an index: no query plan scans a whole table (the PSFS
 * activities were scanned, everyone's, for each history and each new activity). */
static void test_reads_indexed(void **state)
{
	(void)state;
	pst_store_close(pst_test_store_new("plans.db"));
	sqlite3 *db;
	assert_int_equal(sqlite3_open(pst_test_path("plans.db"), &db), SQLITE_OK);
	/* The history's reads (store_sqlite.c) come from covering indexes alone (migration
	 * 14): a person's rows side by side, no table page per row. */
	static const struct {
		const char *sql;
		bool covering;
	} reads[] = {
		{"SELECT count(*) FROM psfs_activity WHERE person_id = 1", false},
		{"SELECT a.id, a.activity, a.created_epoch, a.created_offset, r.at_epoch, r.at_offset,"
		 " r.score FROM psfs_activity a LEFT JOIN psfs_rating r ON r.activity_id = a.id"
		 " WHERE a.person_id = 1 ORDER BY a.id, r.at_epoch, r.id", false},
		{"SELECT r.at_epoch, r.at_offset, r.score FROM psfs_rating r WHERE r.activity_id = 1"
		 " ORDER BY r.at_epoch, r.id", true},
		{"SELECT id, at_epoch, at_offset, pain, areas, note FROM checkin"
		 " WHERE person_id = 1 AND day >= 0 ORDER BY at_epoch, id", true},
		{"SELECT s.id, s.at_epoch, s.at_offset, s.pain_before, s.pain_after, e.exercise_id,"
		 " e.feedback, e.pain FROM session s LEFT JOIN session_exercise e ON e.session_id = s.id"
		 " WHERE s.person_id = 1 AND s.day >= 0 ORDER BY s.at_epoch, s.id, e.seq", true},
		{"SELECT day, minutes FROM plan_minutes WHERE person_id = 1 ORDER BY day", false},
		{"SELECT p.version + (SELECT coalesce(sum(w.n), 0) FROM person_write w WHERE w.person_id = p.id)"
		 " FROM person p WHERE p.id = 1", false},
	};
	for (size_t i = 0; i < sizeof reads / sizeof *reads; i++) {
		char sql[600];
		snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", reads[i].sql);
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *step = (const char *)sqlite3_column_text(st, 3);
			if (strncmp(step, "SCAN ", 5) == 0 && !strstr(step, "USING"))
				fail_msg("%s: %s", reads[i].sql, step);
			if (reads[i].covering && strncmp(step, "SEARCH ", 7) == 0 &&
			    !strstr(step, "COVERING INDEX"))
				fail_msg("%s: %s (not from the index alone)", reads[i].sql, step);
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

static void test_version(void **state)
{
	(void)state;
	char err[600], target[1200];
	pst_test_target("version.db", target, sizeof target);
	if (pst_test_on_pg()) /* a lock waited for fails the test instead of hanging it */
		strncat(target, "%20-clock_timeout%3D3000", sizeof target - strlen(target) - 1);
	struct pst_db *d1, *d2;
	struct pst_store *a, *b;
	assert_int_equal(pst_db_open(target, 0, &d1, err, sizeof err), PST_OK);
	assert_int_equal(pst_db_open(target, 0, &d2, err, sizeof err), PST_OK);
	assert_int_equal(pst_store_person(d1, PST_PERSON_DEFAULT, &a), PST_OK);
	assert_int_equal(pst_store_person(d2, PST_PERSON_DEFAULT, &b), PST_OK);
	int64_t other;
	assert_int_equal(d1->ops->person_add(d1, "someone else", &other), PST_OK);
	struct pst_store *o;
	assert_int_equal(pst_store_person(d1, other, &o), PST_OK);

	int64_t v0, v, w;
	assert_int_equal(a->ops->data_version(a, &v0), PST_OK);
	struct pst_checkin c = {.at = at("2026-11-21T09:00:00Z"), .pain = 3};
	/* 200 writes through two connections (PostgreSQL folds its write log into the
	 * person's row now and then): exactly 200 more, seen alike by both */
	for (int i = 0; i < 200; i++) {
		struct pst_store *s = i % 2 ? a : b;
		assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);
	}
	assert_int_equal(a->ops->data_version(a, &v), PST_OK);
	assert_int_equal(b->ops->data_version(b, &w), PST_OK);
	assert_int_equal(v, v0 + 200);
	assert_int_equal(w, v);
	/* another person's writes are not this person's */
	assert_int_equal(o->ops->checkin_add(o, &c, NULL), PST_OK);
	assert_int_equal(a->ops->data_version(a, &w), PST_OK);
	assert_int_equal(w, v);

	if (pst_test_on_pg()) {
		/* a's write, in a transaction left open, takes its place in the log first */
		assert_int_equal(d1->ops->begin(d1), PST_OK);
		assert_int_equal(a->ops->checkin_add(a, &c, NULL), PST_OK);
		/* b's write for the same person neither waits for it nor fails */
		int rc = b->ops->checkin_add(b, &c, NULL);
		if (rc)
			fail_msg("a second write of the same person waited for the first: %s", b->errmsg);
		int64_t v1, v2;
		assert_int_equal(b->ops->data_version(b, &v1), PST_OK);
		assert_int_equal(v1, v + 1);
		/* the first to begin commits last: the version moves again */
		assert_int_equal(d1->ops->commit(d1), PST_OK);
		assert_int_equal(b->ops->data_version(b, &v2), PST_OK);
		assert_int_equal(v2, v + 2);
		struct pst_record_set rs;
		assert_int_equal(b->ops->read_all(b, INT64_MIN, 0, &rs), PST_OK);
		assert_int_equal(rs.ncheckins, 202);
		pst_record_set_free(&rs);
		/* the log stays small: folded into the person's row */
		PGconn *pc = PQconnectdb(target);
		PGresult *r = PQexec(pc, "SELECT coalesce(sum(n), 0) FROM person_write");
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		int logged = atoi(PQgetvalue(r, 0, 0));
		if (logged >= 150)
			fail_msg("%d of 203 writes still in the write log", logged);
		PQclear(r);
		PQfinish(pc);
	}
	pst_store_close(o);
	pst_store_close(a);
	pst_store_close(b);
	pst_db_close(d1);
	pst_db_close(d2);
}

/* Many threads of one process writing one person's records at once, each through its
 * own connection (the server's pool): on SQLite they queue for the file's writer lock
 * in turn (store_sqlite.c writer_lock) instead of SQLite's sleeping busy handler; on
 * PostgreSQL none waits for another's row lock. Every write is saved, once, and the
 * version counts them all. */
/* WRITES_EACH > 32: every connection's write log is folded (PostgreSQL) while the
 * others write. And SHARED keys each written by every thread at once (a retry of the
 * same check-in reaching several connections): one write each, every other answer
 * PST_EREPLAY with the same id. */
enum { WRITERS = 12, WRITES_EACH = 40, SHARED = 8 };

struct writer_arg {
	const char *target;
	int failed;
	char why[600];
	int64_t ids[SHARED]; /* the id each shared key's write answered */
	int saved;           /* how many of them this thread's write saved (PST_OK) */
};

static void *write_many(void *arg)
{
	struct writer_arg *a = arg;
	struct pst_store *s;
	if (pst_store_open(a->target, PST_DB_EXISTING, PST_PERSON_DEFAULT, &s, a->why, sizeof a->why)) {
		a->failed = 1;
		return NULL;
	}
	struct pst_checkin c = {.at = {.epoch = 1795000000}, .pain = 2};
	for (int i = 0; i < WRITES_EACH && !a->failed; i++) {
		if (s->ops->checkin_add(s, &c, NULL) != PST_OK) {
			snprintf(a->why, sizeof a->why, "%s", s->errmsg);
			a->failed = 1;
		}
		if (i >= SHARED || a->failed)
			continue;
		char key[32];
		snprintf(key, sizeof key, "shared-%d", i);
		struct pst_checkin k = {.at = {.epoch = 1795000000}, .pain = 4, .idem_key = key};
		int rc = s->ops->checkin_add(s, &k, &a->ids[i]);
		if (rc == PST_OK)
			a->saved++;
		else if (rc != PST_EREPLAY || a->ids[i] <= 0) {
			snprintf(a->why, sizeof a->why, "key %s: %d (id %lld) %s", key, rc,
				 (long long)a->ids[i], s->errmsg);
			a->failed = 1;
		}
	}
	pst_store_close(s);
	return NULL;
}

static void test_writers_at_once(void **state)
{
	(void)state;
	char target[1200], err[600];
	struct pst_store *s = NULL;
	assert_int_equal(pst_store_open(pst_test_target("writers.db", target, sizeof target), 0,
					PST_PERSON_DEFAULT, &s, err, sizeof err),
			 PST_OK);
	int64_t v0, v;
	assert_int_equal(s->ops->data_version(s, &v0), PST_OK);
	pthread_t t[WRITERS];
	struct writer_arg a[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		a[i] = (struct writer_arg){.target = target};
		assert_int_equal(pthread_create(&t[i], NULL, write_many, &a[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(t[i], NULL);
		if (a[i].failed)
			fail_msg("writer %d: %s", i, a[i].why);
	}
	int saved = 0;
	for (int i = 0; i < WRITERS; i++) {
		saved += a[i].saved;
		for (int k = 0; k < SHARED; k++)
			if (a[i].ids[k] != a[0].ids[k])
				fail_msg("key shared-%d: writer %d got id %lld, writer 0 %lld", k, i,
					 (long long)a[i].ids[k], (long long)a[0].ids[k]);
	}
	assert_int_equal(saved, SHARED);
	assert_int_equal(s->ops->data_version(s, &v), PST_OK);
	assert_int_equal(v, v0 + WRITERS * WRITES_EACH + SHARED);
	struct pst_record_set rs;
	assert_int_equal(s->ops->read_all(s, INT64_MIN, 0, &rs), PST_OK);
	assert_int_equal(rs.ncheckins, WRITERS * WRITES_EACH + SHARED);
	pst_record_set_free(&rs);
	pst_store_close(s);
}

/* PostgreSQL: a check-in is sent in one statement that commits by itself (store_pg.c
 * ci_run; alone here, a group of one). A connection the server ended while it was idle is noticed before
 * anything is sent: the write goes through on a new one, saved once. A connection lost
 * while the statement was at the server may or may not have saved it: the answer says
 * so (PST_EUNAVAILABLE, "not known whether"), never "saved", and the next write works. */
struct lost_arg {
	struct pst_store *s;
	int rc;
};

static void *lost_write(void *arg)
{
	struct lost_arg *a = arg;
	struct pst_checkin c = {.at = {.epoch = 1795000000}, .pain = 6};
	a->rc = a->s->ops->checkin_add(a->s, &c, NULL);
	return NULL;
}

static void test_lost_connection(void **state)
{
	(void)state;
	char app[64], base[1100], target[1200], err[600], sql[400];
	snprintf(app, sizeof app, "postura_lost_%ld", (long)getpid());
	pst_test_target("lost", base, sizeof base);
	snprintf(target, sizeof target, "%s&application_name=%s", base, app);
	struct pst_store *s;
	assert_int_equal(pst_store_open(target, 0, PST_PERSON_DEFAULT, &s, err, sizeof err), PST_OK);
	PGconn *h = PQconnectdb(target);
	assert_int_equal(PQstatus(h), CONNECTION_OK);
	pst_test_pg_do(h, "SET application_name = 'postura_lost_helper'");
	struct pst_checkin c = {.at = {.epoch = 1795000000}, .pain = 3};
	assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);

	/* the server ends the idle connection (as a restart does) */
	snprintf(sql, sizeof sql, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
		 " WHERE application_name = '%s'", app);
	assert_int_equal(pst_test_pg_int(h, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'", app);
	for (int i = 0; i < 100 && pst_test_pg_int(h, sql); i++)
		usleep(50 * 1000);
	usleep(100 * 1000);
	int rc = s->ops->checkin_add(s, &c, NULL);
	if (rc)
		fail_msg("a write after the server ended an idle connection: %s", s->errmsg);
	assert_int_equal(pst_test_pg_int(h, "SELECT count(*) FROM checkin"), 2);

	/* lost while the statement waits at the server (a lock held here) */
	pst_test_pg_do(h, "BEGIN");
	pst_test_pg_do(h, "LOCK TABLE checkin IN SHARE MODE");
	struct lost_arg a = {.s = s, .rc = -1};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, lost_write, &a), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'"
		 " AND wait_event_type = 'Lock'", app);
	int waiting = 0;
	for (int i = 0; i < 200 && !(waiting = pst_test_pg_int(h, sql)); i++)
		usleep(50 * 1000);
	assert_int_equal(waiting, 1);
	snprintf(sql, sizeof sql, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
		 " WHERE application_name = '%s'", app);
	assert_int_equal(pst_test_pg_int(h, sql), 1);
	pthread_join(t, NULL);
	pst_test_pg_do(h, "COMMIT");
	assert_int_equal(a.rc, PST_EUNAVAILABLE);
	if (!strstr(s->errmsg, "not known whether"))
		fail_msg("the answer for a write lost in flight: %s", s->errmsg);
	assert_int_equal(pst_test_pg_int(h, "SELECT count(*) FROM checkin"), 2);
	/* and the next write goes through on a new connection */
	assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);
	assert_int_equal(pst_test_pg_int(h, "SELECT count(*) FROM checkin"), 3);
	PQfinish(h);
	pst_store_close(s);
}

static void test_refusals(void **state)
{
	(void)state;
	char err[600];
	struct pst_store *s;
	/* Not a database: refused, named, untouched. */
	FILE *f = fopen(pst_test_path("junk.db"), "w");
	assert_non_null(f);
	for (int i = 0; i < 4096; i++)
		fputc("postura"[i % 7], f);
	fclose(f);
	assert_int_not_equal(pst_store_open(pst_test_path("junk.db"), 0, PST_PERSON_DEFAULT, &s, err, sizeof err), PST_OK);
	assert_null(s);
	assert_non_null(strstr(err, pst_test_path("junk.db")));
	assert_non_null(strstr(err, "not a postura database"));
	/* A newer schema: refused and untouched. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(pst_test_path("new.db"), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); PRAGMA user_version = 42", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_not_equal(pst_store_open(pst_test_path("new.db"), 0, PST_PERSON_DEFAULT, &s, err, sizeof err), PST_OK);
	assert_non_null(strstr(err, "newer postura (schema 42"));
	assert_int_equal(sqlite3_open(pst_test_path("new.db"), &db), SQLITE_OK);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 42);
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* A directory that does not exist. */
	assert_int_not_equal(pst_store_open("/nonexistent-dir/x.db", 0, PST_PERSON_DEFAULT, &s, err, sizeof err), PST_OK);
	assert_non_null(strstr(err, "/nonexistent-dir/x.db"));
	/* Reopening applies no migration twice. */
	pst_store_close(pst_test_store_new("re.db"));
	assert_int_equal(pst_store_open(pst_test_path("re.db"), 0, PST_PERSON_DEFAULT, &s, err, sizeof err), PST_OK);
	pst_store_close(s);
}

struct import_case {
	const char *text;
	const char *expect; /* a substring of one diagnostic */
};

static const struct import_case bad_imports[] = {
	{"{\"format\": \"other\"}", "not a postura export"},
	{"{\"format\": \"postura-export\", \"version\": 2}", "version: this postura reads version 1"},
	{"{\"format\": \"postura-export\", \"version\": 1, \"checkins\": [{\"id\": 1, \"at\": \"2026-11-21T09:00Z\", \"pain\": 11}]}",
	 "checkins[0].pain: '11' must be a whole number from 0 to 10"},
	{"{\"format\": \"postura-export\", \"version\": 1, \"checkins\": [{\"id\": 1, \"at\": \"yesterday\", \"pain\": 1}]}",
	 "checkins[0].at: 'yesterday' is not a date and time"},
	{"{\"format\": \"postura-export\", \"version\": 1, \"sessions\": [{\"id\": 1, \"at\": \"2026-11-21T09:00Z\", \"pain_before\": 1, \"pain_after\": 1, \"exercises\": [{\"id\": \"moonwalk\", \"feedback\": \"easy\"}]}]}",
	 "sessions[0].exercises[0].exercise: 'moonwalk' is not in the catalogue"},
	{"{\"format\": \"postura-export\", \"version\": 1, \"checkins\": [{\"id\": 1, \"at\": \"2026-11-21T09:00Z\", \"pain\": 1}, {\"id\": 1, \"at\": \"2026-11-21T09:00Z\", \"pain\": 2}]}",
	 "check-in id 1 appears twice"},
	{"{\"format\": \"postura-export\", \"version\": 1, \"profile\": {\"stage\": \"pregnancy\", \"weeks\": 20, \"anchor\": \"2026-07-04\", \"birth\": \"caesarean\", \"feeding\": \"unknown\", \"minutes\": 10, \"updated\": \"2026-11-21T09:00Z\"}}",
	 "profile.birth: only applies after birth"},
	{"{\"format\": ", "malformed JSON"},
	{"record,id\r\n", "the header must be the 26 postura columns"},
	{"record,id,parent_id,at,pain,pain_after,areas,note,exercise,feedback,activity,score,stage,weeks,anchor,birth,feeding,triggers,equipment,avoid,minutes\r\n"
	 "checkin,1,,2026-11-21T09:00:00Z,4,,upper,,,,,,,,,,,,,,\r\n"
	 "checkin,2,,2026-11-21T09:00:00Z,12,,upper,,,,,,,,,,,,,,\r\n",
	 "column pain: '12' must be a whole number from 0 to 10"},
	{"record,id,parent_id,at,pain,pain_after,areas,note,exercise,feedback,activity,score,stage,weeks,anchor,birth,feeding,triggers,equipment,avoid,minutes\r\n"
	 "checkin,1,,2026-11-21T09:00:00Z,4,,back,,,,,,,,,,,,,,\r\n",
	 "column areas: 'back' is not a known area"},
	{"record,id,parent_id,at,pain,pain_after,areas,note,exercise,feedback,activity,score,stage,weeks,anchor,birth,feeding,triggers,equipment,avoid,minutes\r\n"
	 "checkin,1,,2026-11-21T09:00:00Z,4,,\"upper,,,,,,,,,,,,,,\r\n",
	 "malformed CSV"},
	{"record,id,parent_id,at,pain,pain_after,areas,note,exercise,feedback,activity,score,stage,weeks,anchor,birth,feeding,triggers,equipment,avoid,minutes\r\n"
	 "session_exercise,1,7,,,,,,wall-angels,easy,,,,,,,,,,,\r\n",
	 "a session_exercise row must follow its session"},
	{"{\"format\": \"postura-export\", \"version\": 1, \"screening\": {\"stages\": [\"pregnancy\"], \"answers\": {\"chest-pain\": \"no\"}, \"at\": \"2026-11-21T09:00Z\"}}",
	 "screening.answers: 'chest-pain' must be a question id answered true or false"},
	{"{\"format\": \"postura-export\", \"version\": 1, \"screening\": {\"stages\": [\"moon\"], \"answers\": {}, \"at\": \"2026-11-21T09:00Z\"}}",
	 "screening.stages"},
	{"{\"format\": \"postura-export\", \"version\": 1, \"plan_minutes\": [{\"from\": \"2026-11-01\", \"minutes\": 90}]}",
	 "plan_minutes[0].minutes: '90' must be a whole number from 3 to 60"},
	{"{\"format\": \"postura-export\", \"version\": 1, \"plan_minutes\": [{\"from\": \"2026-11-02\", \"minutes\": 10}, {\"from\": \"2026-11-01\", \"minutes\": 20}]}",
	 "plan_minutes[1].from: must come after the change before it"},
	{"record,id,parent_id,at,pain,pain_after,areas,note,exercise,feedback,activity,score,stage,weeks,anchor,birth,feeding,triggers,equipment,avoid,minutes\r\n"
	 "plan_minutes,,,someday,,,,,,,,,,,,,,,,,10\r\n",
	 "column at: must be a date like 2026-05-01"},
	{"{\"format\": \"postura-export\", \"version\": 1, \"profile\": {\"stage\": \"pregnancy\", \"weeks\": 20, \"anchor\": \"2026-07-04\", \"birth\": \"unknown\", \"feeding\": \"unknown\", \"minutes\": 10, \"conditions\": [\"sore-toe\"], \"updated\": \"2026-11-21T09:00Z\"}}",
	 "profile.conditions: 'sore-toe' is not"},
	{"{\"format\": \"postura-export\", \"version\": 1, \"profile\": {\"stage\": \"pregnancy\", \"weeks\": 20, \"anchor\": \"2026-07-04\", \"birth\": \"unknown\", \"feeding\": \"unknown\", \"minutes\": 10, \"country\": \"XX\", \"updated\": \"2026-11-21T09:00Z\"}}",
	 "profile.country: 'XX' is not a country"},
};

static void test_bad_imports_write_nothing(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_imports / sizeof *bad_imports; i++) {
		struct pst_record_set rs;
		struct pst_diags d = {0};
		const char *t = bad_imports[i].text;
		int rc = pst_import_parse(&pst_builtin_catalog, "in", t, strlen(t), &rs, &d);
		if (rc != PST_EINVAL) {
			print_error("case %zu accepted\n", i);
			fail();
		}
		assert_null(rs.arena);
		bool found = false;
		for (size_t k = 0; k < d.n; k++) {
			char *s = pst_diag_format(&d.v[k]);
			found |= strstr(s, bad_imports[i].expect) != NULL;
			if (!found && k + 1 == d.n)
				print_error("case %zu: %s\n", i, s);
			free(s);
		}
		assert_true(found);
		pst_diags_clear(&d);
	}
	/* CSV problems carry their line. */
	const char *csv = bad_imports[9].text;
	struct pst_record_set rs;
	struct pst_diags d = {0};
	assert_int_equal(pst_import_parse(&pst_builtin_catalog, "f.csv", csv, strlen(csv), &rs, &d),
			 PST_EINVAL);
	char *s = pst_diag_format(&d.v[0]);
	assert_string_equal(s, "f.csv:3:1: column pain: '12' must be a whole number from 0 to 10");
	free(s);
	pst_diags_clear(&d);
}

/* Imports text, which must parse; the caller frees rs. */
static void import_ok(const char *text, size_t len, struct pst_record_set *rs)
{
	struct pst_diags d = {0};
	int rc = pst_import_parse(&pst_builtin_catalog, "in", text, len, rs, &d);
	for (size_t i = 0; i < d.n; i++)
		print_error("%s\n", d.v[i].msg);
	assert_int_equal(rc, PST_OK);
	pst_diags_clear(&d);
}

/* Found by fuzz/fuzz_import. */
static void test_import_regressions(void **state)
{
	(void)state;
	static const char header[] =
		"record,id,parent_id,at,pain,pain_after,areas,note,exercise,feedback,activity,score,"
		"stage,weeks,anchor,birth,feeding,triggers,equipment,avoid,minutes";
	/* Lines ended by a lone CR (old Mac files) are records too. The arrays were sized by
	 * counting LFs only: with none, three check-ins were written into room for one, over
	 * the session read before them. */
	char csv[1024];
	snprintf(csv, sizeof csv,
		 "%s\r"
		 "session,7,,2026-11-21T10:00:00Z,4,3,,,,,,,,,,,,,,,\r"
		 "session_exercise,1,7,,2,,,,wall-angels,easy,,,,,,,,,,,\r"
		 "checkin,1,,2026-11-21T09:00:00Z,5,,upper,,,,,,,,,,,,,,\r"
		 "checkin,2,,2026-11-21T09:10:00Z,6,,upper,,,,,,,,,,,,,,\r"
		 "checkin,3,,2026-11-21T09:20:00Z,7,,upper,,,,,,,,,,,,,,\r",
		 header);
	struct pst_record_set rs;
	import_ok(csv, strlen(csv), &rs);
	assert_int_equal(rs.ncheckins, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rs.checkins[i].pain, 5 + i);
	assert_int_equal(rs.nsessions, 1);
	assert_int_equal(rs.sessions[0].id, 7);
	assert_int_equal(rs.sessions[0].pain_before, 4);
	assert_int_equal(rs.sessions[0].nex, 1);
	assert_string_equal(rs.sessions[0].ex[0].id, "wall-angels");
	assert_int_equal(rs.sessions[0].ex[0].pain, 2);
	pst_record_set_free(&rs);

	/* An empty note is no note in JSON as in CSV, so that both formats of one export
	 * read back the same (a JSON "" became "", the CSV empty cell NULL). */
	const char *json = "{\"format\": \"postura-export\", \"version\": 1, \"checkins\": "
			   "[{\"id\": 1, \"at\": \"2026-11-21T09:00:00Z\", \"pain\": 1, \"note\": \"\"}]}";
	import_ok(json, strlen(json), &rs);
	assert_null(rs.checkins[0].note);
	struct pst_buf a, b;
	pst_buf_init(&a, 1 << 20);
	pst_buf_init(&b, 1 << 20);
	assert_int_equal(pst_export_to_buf(&rs, false, &a, NULL, 0), PST_OK);
	struct pst_buf c;
	pst_buf_init(&c, 1 << 20);
	assert_int_equal(pst_export_to_buf(&rs, true, &c, NULL, 0), PST_OK);
	struct pst_record_set back;
	import_ok(c.s, c.len, &back);
	assert_int_equal(pst_export_to_buf(&back, false, &b, NULL, 0), PST_OK);
	assert_string_equal(a.s, b.s);
	pst_record_set_free(&back);
	pst_record_set_free(&rs);
	pst_buf_free(&a);
	pst_buf_free(&b);
	pst_buf_free(&c);

	/* A NUL byte in CSV is refused with its line: cells are C strings, and
	 * "checkin\0junk" read as "checkin". */
	char nul[1024];
	int n = snprintf(nul, sizeof nul, "%s\r\ncheckin,1,,2026-11-21T09:00:00Z,4,,upper,x", header);
	memcpy(nul + n, "\0y,,,,,,,,,,,,,\r\n", 17);
	struct pst_diags d = {0};
	assert_int_equal(pst_import_parse(&pst_builtin_catalog, "f.csv", nul, (size_t)n + 17, &rs, &d),
			 PST_EINVAL);
	assert_null(rs.arena);
	char *s = pst_diag_format(&d.v[0]);
	assert_string_equal(s, "f.csv:2:1: malformed CSV: a NUL byte");
	free(s);
	pst_diags_clear(&d);

	/* Duplicate ids are still found once ids are sorted, whatever the order. */
	const char *dups = "{\"format\": \"postura-export\", \"version\": 1, \"sessions\": ["
			   "{\"id\": 9, \"at\": \"2026-11-21T09:00Z\", \"pain_before\": 1, \"pain_after\": 1,"
			   " \"exercises\": [{\"id\": \"cat-cow\", \"feedback\": \"easy\"}]},"
			   "{\"id\": 3, \"at\": \"2026-11-21T09:00Z\", \"pain_before\": 1, \"pain_after\": 1,"
			   " \"exercises\": [{\"id\": \"cat-cow\", \"feedback\": \"easy\"}]},"
			   "{\"id\": 9, \"at\": \"2026-11-22T09:00Z\", \"pain_before\": 1, \"pain_after\": 1,"
			   " \"exercises\": [{\"id\": \"cat-cow\", \"feedback\": \"easy\"}]}]}";
	assert_int_equal(pst_import_parse(&pst_builtin_catalog, "in", dups, strlen(dups), &rs, &d),
			 PST_EINVAL);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].msg, "session id 9 appears twice");
	pst_diags_clear(&d);
}

static void test_session_json(void **state)
{
	(void)state;
	struct pst_arena *a = pst_arena_new();
	struct pst_session_log l;
	struct pst_diags d = {0};
	const char *ok = "{\"pain_before\": 4, \"pain_after\": 2, \"exercises\": [{\"id\": \"wall-angels\", \"feedback\": \"hard\", \"pain\": 3}]}";
	assert_int_equal(pst_session_parse_json(&pst_builtin_catalog, "s", ok, strlen(ok), at("2026-11-21T09:00Z"), a, &l, &d), PST_OK);
	assert_int_equal(l.nex, 1);
	assert_int_equal(l.ex[0].feedback, PST_FB_HARD);
	assert_int_equal(l.at.epoch, at("2026-11-21T09:00Z").epoch);
	static const struct {
		const char *text, *expect;
	} bad[] = {
		{"{\"pain_before\": 4, \"exercises\": [{\"id\": \"wall-angels\", \"feedback\": \"easy\"}]}", "pain_after: missing"},
		{"{\"pain_before\": 4, \"pain_after\": 2, \"exercises\": []}", "exercises: must be a list of at least one"},
		{"{\"pain_before\": 4, \"pain_after\": 2, \"exercises\": [{\"id\": \"wall-angels\", \"feedback\": \"meh\"}]}", "exercises[0].feedback: must be one of"},
		{"{\"pain_before\": 4, \"pain_after\": 2, \"exercises\": [{\"id\": \"wall-angel\", \"feedback\": \"easy\"}]}", "did you mean 'wall-angels'"},
		{"{\"pain_before\": 4, \"pain_after\": 2, \"exercises\": [{\"id\": \"wall-angels\", \"feedback\": \"easy\", \"pain\": 11}]}", "exercises[0].pain: must be a whole number from 0 to 10"},
		{"{\"pain_before\": 4, \"pain_after\": 2, \"colour\": 1, \"exercises\": [{\"id\": \"wall-angels\", \"feedback\": \"easy\"}]}", "colour: unknown field"},
		{"{\"at\": \"soon\", \"pain_before\": 4, \"pain_after\": 2, \"exercises\": [{\"id\": \"wall-angels\", \"feedback\": \"easy\"}]}", "at: must be a date and time"},
		{"[1]", "must be a JSON object"},
		{"{\"pain_before\": ", "malformed JSON"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int rc = pst_session_parse_json(&pst_builtin_catalog, "s", bad[i].text, strlen(bad[i].text),
						at("2026-11-21T09:00Z"), a, &l, &d);
		assert_int_equal(rc, PST_EINVAL);
		bool found = false;
		for (size_t k = 0; k < d.n; k++)
			found |= strstr(d.v[k].msg, bad[i].expect) != NULL;
		if (!found)
			print_error("case %zu: %s\n", i, d.n ? d.v[0].msg : "(no message)");
		assert_true(found);
		pst_diags_clear(&d);
	}
	pst_arena_free(a);
}

/* The store itself creates its database and backups 0600, even under umask 000 (the
 * command line also sets umask 077; this is the store alone). */
/* A write sent again with the same idempotency key (the web app's offline outbox retries
 * until acknowledged) writes nothing and names the record the first one wrote. */
static void test_idempotency_keys(void **state)
{
	(void)state;
	struct pst_store *s = pst_test_store_new("idem.db");
	struct pst_checkin ck = {.at = at("2026-11-21T09:00:00Z"), .pain = 5, .idem_key = "k-1"};
	int64_t id = 0, again = 0;
	assert_int_equal(s->ops->checkin_add(s, &ck, &id), PST_OK);
	ck.pain = 7; /* whatever the retry says, the first write stands */
	assert_int_equal(s->ops->checkin_add(s, &ck, &again), PST_EREPLAY);
	assert_int_equal(again, id);
	ck.idem_key = "k-2";
	assert_int_equal(s->ops->checkin_add(s, &ck, &again), PST_OK);
	assert_int_not_equal(again, id);
	ck.idem_key = NULL; /* no key: every write is its own */
	assert_int_equal(s->ops->checkin_add(s, &ck, NULL), PST_OK);
	assert_int_equal(s->ops->checkin_add(s, &ck, NULL), PST_OK);

	struct pst_session_ex ex[1] = {{"wall-angels", PST_FB_EASY, -1}};
	struct pst_session_log l = {.at = at("2026-11-21T10:00:00Z"), .pain_before = 4, .pain_after = 3,
				    .ex = ex, .nex = 1, .idem_key = "k-1"}; /* a session's keys are its own */
	assert_int_equal(s->ops->session_add(s, &l, &id), PST_OK);
	assert_int_equal(s->ops->session_add(s, &l, &again), PST_EREPLAY);
	assert_int_equal(again, id);

	struct pst_record_set rs;
	assert_int_equal(s->ops->read_all(s, INT64_MIN, 0, &rs), PST_OK);
	assert_int_equal(rs.ncheckins, 4);
	assert_int_equal(rs.checkins[0].pain, 5);
	assert_int_equal(rs.nsessions, 1);
	assert_int_equal(rs.sessions[0].nex, 1);
	pst_record_set_free(&rs);
	pst_store_close(s);

	assert_true(pst_idem_key_ok("0b6f5c1e-8a7d-4c3b-9e2f-1a2b3c4d5e6f"));
	assert_false(pst_idem_key_ok(""));
	assert_false(pst_idem_key_ok("a key"));
	assert_false(pst_idem_key_ok("k\n"));
	char longkey[PST_IDEM_KEY_MAX + 2];
	memset(longkey, 'a', sizeof longkey - 1);
	longkey[sizeof longkey - 1] = '\0';
	assert_false(pst_idem_key_ok(longkey));
}

static void test_private_files(void **state)
{
	(void)state;
	mode_t old = umask(0);
	struct pst_store *s = pst_test_store_new("private.db");
	struct pst_checkin c = {.at = at("2026-11-02T08:00:00Z"), .pain = 3};
	int64_t id;
	assert_int_equal(s->ops->checkin_add(s, &c, &id), PST_OK);
	struct stat st;
	const char *names[] = {"private.db", "private.db-wal", "private.db-shm"};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(stat(pst_test_path(names[i]), &st), 0);
		if ((st.st_mode & 0777) != 0600)
			fail_msg("%s is %o", names[i], (unsigned)(st.st_mode & 0777));
	}
	unlink(pst_test_path("private-copy.db"));
	assert_int_equal(s->db->ops->backup(s->db, pst_test_path("private-copy.db")), PST_OK);
	assert_int_equal(stat(pst_test_path("private-copy.db"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	pst_store_close(s);
	umask(old);
}

static void test_profile_advances(void **state)
{
	(void)state;
	struct pst_saved_profile sp = {0};
	pst_profile_init(&sp.p);
	sp.p.has_stage = true;
	sp.p.stage = PST_STAGE_PREGNANCY;
	sp.p.weeks = 20;
	int64_t today = pst_time_day(at("2026-11-21T09:00Z"));
	pst_saved_profile_anchor(&sp, today);
	assert_int_equal(pst_saved_profile_today(&sp, today).weeks, 20);
	assert_int_equal(pst_saved_profile_today(&sp, today + 6).weeks, 20);
	assert_int_equal(pst_saved_profile_today(&sp, today + 7).weeks, 21);
	assert_int_equal(pst_saved_profile_today(&sp, today + 7 * 40).weeks, 42); /* capped */
}

/* The programme a clinician assigned: saved and read back per person, a write (the
 * version goes up), replaced, removed, in read_all, and through a JSON export and
 * import; a damaged one in an import is refused with its field. */
static void test_programme_store(void **state)
{
	(void)state;
	struct pst_store *s = pst_test_store_new("programme.db");
	struct pst_saved_programme got;
	bool found = true;
	assert_int_equal(s->ops->programme_get(s, &got, &found), PST_OK);
	assert_false(found);
	int64_t v0, v1, v2;
	assert_int_equal(s->ops->data_version(s, &v0), PST_OK);
	char body[] = "{\"note\":\"Little and often.\",\"exercises\":[{\"id\":\"chin-nod\","
			   "\"sets\":1,\"reps\":8,\"hold_s\":5,\"per_side\":false,\"note\":null,"
			   "\"dose_at\":1795000000}],\"by\":42,\"at\":1795000000}";
	struct pst_saved_programme pg = {.json = body, .by = 42,
					 .at = at("2026-11-21T09:00:00Z")};
	assert_int_equal(s->ops->programme_put(s, &pg), PST_OK);
	assert_int_equal(s->ops->data_version(s, &v1), PST_OK);
	assert_true(v1 > v0);
	assert_int_equal(s->ops->programme_get(s, &got, &found), PST_OK);
	assert_true(found);
	assert_string_equal(got.json, body);
	assert_int_equal(got.by, 42);
	assert_int_equal(got.at.epoch, pg.at.epoch);
	free(got.json);

	/* Another person of the same database has none. */
	struct pst_record_set rs;
	assert_int_equal(s->ops->read_all(s, INT64_MIN, 0, &rs), PST_OK);
	assert_true(rs.has_programme);
	assert_string_equal(rs.programme.json, body);

	/* Through a JSON export and import, the same. */
	struct pst_buf a;
	pst_buf_init(&a, 1 << 20);
	assert_int_equal(pst_export_to_buf(&rs, 0, &a, NULL, 0), PST_OK);
	assert_non_null(strstr(a.s, "\"programme\": {"));
	struct pst_record_set back;
	struct pst_diags d = {0};
	assert_int_equal(pst_import_parse(&pst_builtin_catalog, "x", a.s, a.len, &back, &d), PST_OK);
	assert_true(back.has_programme);
	struct pst_store *t = pst_test_store_new("programme2.db");
	assert_int_equal(t->ops->import(t, &back, 0), PST_OK);
	assert_int_equal(t->ops->programme_get(t, &got, &found), PST_OK);
	assert_true(found);
	assert_int_equal(got.by, 42);
	assert_non_null(strstr(got.json, "\"reps\":8"));
	assert_non_null(strstr(got.json, "Little and often."));
	free(got.json);
	pst_record_set_free(&back);
	pst_store_close(t);

	/* A programme naming a dose out of bounds is refused, with its field. */
	char *p = strstr(a.s, "\"reps\": 8");
	assert_non_null(p);
	memcpy(p, "\"reps\": 0", 9);
	assert_int_not_equal(pst_import_parse(&pst_builtin_catalog, "x", a.s, a.len, &back, &d), PST_OK);
	bool named = false;
	for (size_t i = 0; i < d.n; i++)
		named |= strstr(d.v[i].msg, "programme.body") && strstr(d.v[i].msg, "exercises[0].reps");
	assert_true(named);
	pst_diags_clear(&d);
	pst_buf_free(&a);
	pst_record_set_free(&rs);

	/* Removed: back to the planner's plan; a write too. */
	assert_int_equal(s->ops->programme_put(s, NULL), PST_OK);
	assert_int_equal(s->ops->data_version(s, &v2), PST_OK);
	assert_true(v2 > v1);
	assert_int_equal(s->ops->programme_get(s, &got, &found), PST_OK);
	assert_false(found);
	pst_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_grow),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_records_round_trip),
		cmocka_unit_test(test_minutes_timeline),
		cmocka_unit_test(test_psfs_at_most_five),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_reads_indexed),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_writers_at_once),
		cmocka_unit_test(test_bad_imports_write_nothing),
		cmocka_unit_test(test_import_regressions),
		cmocka_unit_test(test_session_json),
		cmocka_unit_test(test_profile_advances),
		cmocka_unit_test(test_private_files),
		cmocka_unit_test(test_idempotency_keys),
		cmocka_unit_test(test_programme_store),
	};
	/* On PostgreSQL (make test, make check): every test but those about SQLite files. */
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test(test_records_round_trip),
		cmocka_unit_test(test_minutes_timeline),
		cmocka_unit_test(test_psfs_at_most_five),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_writers_at_once),
		cmocka_unit_test(test_bad_imports_write_nothing),
		cmocka_unit_test(test_import_regressions),
		cmocka_unit_test(test_idempotency_keys),
		cmocka_unit_test(test_programme_store),
		cmocka_unit_test(test_lost_connection),
	};
	return pst_test_backends("store", tests, sizeof tests / sizeof *tests, pg_tests,
				 sizeof pg_tests / sizeof *pg_tests) ? 1 : 0;
}
