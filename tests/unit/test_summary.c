/* The dashboard's summaries (pst_db_ops.summaries) on SQLite, then on PostgreSQL
 * (POSTURA_TEST_PG): for many people with records of every kind around today (days at
 * both ends of the UTC offsets, records after today, ties at the same second), each
 * summary is what core/attention.c makes of the same person's records read one by one;
 * ids asked twice or of nobody; the queries use the indexes (SQLite's plan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/attention.h"
#include "data/builtin.h"
#include "store/store.h"
#include "backends.h"
#include "../../src/store/summary_sql.h"

static uint64_t rng = 88172645463325252ull;
static int rnd(int n) /* 0 .. n-1 */
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (int)(rng % (uint64_t)n);
}

static int64_t today;

/* A moment on day today + d, at a local minute, at a UTC offset picked among the edges. */
static struct pst_time moment(int d, int minute)
{
	static const int offsets[] = {0, 60, -300, 840, -840, 330};
	int off = offsets[rnd(6)];
	return (struct pst_time){(today + d) * 86400 + minute * 60 - off * 60, off};
}

/* The safety answers: all "no", or a yes to one question picked from a few outcomes. */
static char *answers(int pick)
{
	static const char *const yes[] = {NULL, NULL, "leaking", "vaginal-bleeding", "persistent-severe-pain",
					  "chest-pain"};
	json_t *o = json_object();
	const struct pst_questions *q = &pst_builtin_questions;
	for (size_t i = 0; i < q->n; i++)
		json_object_set_new(o, q->v[i].id, json_boolean(yes[pick] && !strcmp(q->v[i].id, yes[pick])));
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

static const char *const exercises[] = {"cat-cow", "chest-opener", "banded-a"};

/* Fills person's records at random: maybe a profile (saved twice), maybe answers, some
 * check-ins and sessions from 40 days ago to 3 days ahead. */
static void fill(struct pst_db *db, int64_t person)
{
	struct pst_store *s;
	assert_int_equal(pst_store_person(db, person, &s), PST_OK);
	if (rnd(5)) {
		for (int k = 0, n = 1 + rnd(2); k < n; k++) {
			struct pst_saved_profile sp = {.updated = moment(-rnd(30), 600)};
			pst_profile_init(&sp.p);
			sp.p.has_stage = true;
			sp.p.stage = rnd(2) ? PST_STAGE_PREGNANCY : PST_STAGE_POSTPARTUM;
			sp.p.weeks = 10 + rnd(20);
			sp.p.minutes = rnd(2) ? 10 : 20;
			pst_saved_profile_anchor(&sp, pst_time_day(sp.updated));
			assert_int_equal(s->ops->profile_put(s, &sp), PST_OK);
		}
	}
	if (rnd(4)) {
		struct pst_saved_screening sc = {.stages = PST_BIT(rnd(2)), .answers = answers(rnd(6)),
						 .at = moment(-rnd(20), 500)};
		assert_int_equal(s->ops->screening_put(s, &sc), PST_OK);
		free(sc.answers);
	}
	int nck = rnd(12), nss = rnd(10);
	struct pst_time tie = moment(-rnd(5), 480);
	for (int k = 0; k < nck; k++) {
		struct pst_checkin c = {.at = rnd(8) ? moment(3 - rnd(44), rnd(1440)) : tie, .pain = rnd(11)};
		assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);
	}
	for (int k = 0; k < nss; k++) {
		struct pst_session_ex ex[3];
		size_t nex = (size_t)rnd(4);
		for (size_t e = 0; e < nex; e++)
			ex[e] = (struct pst_session_ex){exercises[rnd(3)], (enum pst_feedback)rnd(4), -1};
		struct pst_session_log l = {.at = rnd(8) ? moment(3 - rnd(20), rnd(1440)) : tie,
					    .pain_before = rnd(11), .pain_after = rnd(11), .ex = ex,
					    .nex = nex};
		assert_int_equal(s->ops->session_add(s, &l, NULL), PST_OK);
	}
	pst_store_close(s);
}

/* The summary of person from their records, read one by one. */
static void expected(struct pst_db *db, int64_t person, struct pst_record_set *rs,
		     struct pst_patient_summary *out)
{
	struct pst_store *s;
	assert_int_equal(pst_store_person(db, person, &s), PST_OK);
	assert_int_equal(s->ops->read_all(s, INT64_MIN, 0, rs), PST_OK);
	pst_store_close(s);
	struct pst_attention_records rec = {
		.checkins = rs->checkins, .ncheckins = rs->ncheckins,
		.sessions = rs->sessions, .nsessions = rs->nsessions,
		.profile = rs->has_profile ? &rs->profile : NULL,
		.minutes = rs->minutes, .nminutes = rs->nminutes,
		.screening_answers = rs->has_screening ? rs->screening.answers : NULL,
		.screening_stages = rs->screening.stages, .screened_at = rs->screening.at};
	pst_patient_summary_from_records(&rec, today, out);
	out->person = person;
}

static void same(const struct pst_patient_summary *a, const struct pst_patient_summary *b)
{
	assert_int_equal(a->person, b->person);
	assert_int_equal(a->has_profile, b->has_profile);
	if (a->has_profile) {
		assert_int_equal(a->stage, b->stage);
		assert_int_equal(a->anchor_day, b->anchor_day);
		assert_int_equal(a->minutes, b->minutes);
		assert_int_equal(a->plan_start_day, b->plan_start_day);
	}
	assert_int_equal(a->has_screening, b->has_screening);
	if (a->has_screening) {
		assert_string_equal(a->screening_answers, b->screening_answers);
		assert_int_equal(a->screening_stages, b->screening_stages);
		assert_int_equal(a->screened_at.epoch, b->screened_at.epoch);
		assert_int_equal(a->screened_at.offset_min, b->screened_at.offset_min);
	}
	assert_int_equal(a->has_pain, b->has_pain);
	if (a->has_pain) {
		assert_int_equal(a->last_pain, b->last_pain);
		assert_int_equal(a->last_pain_at.epoch, b->last_pain_at.epoch);
		assert_int_equal(a->base_count, b->base_count);
		assert_int_equal(a->base_sum, b->base_sum);
	}
	assert_int_equal(a->sessions_week, b->sessions_week);
	assert_int_equal(a->hurt_count, b->hurt_count);
	if (a->hurt_count) {
		assert_int_equal(a->hurt_day, b->hurt_day);
		assert_string_equal(a->hurt_exercise, b->hurt_exercise);
	}
}

/* Every summary agrees with the records; an unknown id is empty; a repeated id twice. */
static void test_summaries_agree(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new("agree.db");
	enum { N = 60 };
	int64_t ids[N + 3];
	for (int i = 0; i < N; i++) {
		assert_int_equal(db->ops->person_add(db, "", &ids[i]), PST_OK);
		fill(db, ids[i]);
	}
	ids[N] = 999999;  /* nobody */
	ids[N + 1] = ids[3]; /* asked twice */
	ids[N + 2] = PST_PERSON_DEFAULT;
	struct pst_summary_set set;
	int rc = db->ops->summaries(db, ids, N + 3, today, &set);
	if (rc)
		print_error("%s\n", db->errmsg);
	assert_int_equal(rc, PST_OK);
	assert_int_equal(set.n, N + 3);
	int pains = 0, hurts = 0, weeks = 0, flags = 0;
	for (size_t i = 0; i < N + 3; i++) {
		struct pst_record_set rs;
		struct pst_patient_summary want;
		if (ids[i] == 999999) {
			assert_int_equal(set.v[i].person, 999999);
			assert_false(set.v[i].has_profile || set.v[i].has_pain || set.v[i].has_screening);
			continue;
		}
		expected(db, ids[i], &rs, &want);
		same(&set.v[i], &want);
		pains += want.has_pain && want.base_count > 0;
		hurts += want.hurt_count > 0;
		weeks += want.sessions_week > 0;
		struct pst_attention a;
		assert_int_equal(pst_attention_build(&pst_builtin_questions, &pst_builtin_catalog, &set.v[i],
						     today, NULL, &a), PST_OK);
		flags += a.nflags > 0;
		pst_attention_free(&a);
		pst_record_set_free(&rs);
	}
	/* The random records did cover each part. */
	assert_true(pains > 5 && hurts > 5 && weeks > 5 && flags > 5);
	pst_summary_set_free(&set);

	/* No one asked: an empty set. */
	assert_int_equal(db->ops->summaries(db, ids, 0, today, &set), PST_OK);
	assert_int_equal(set.n, 0);
	pst_summary_set_free(&set);
	pst_db_close(db);
}

/* One patient told in words: a same-day red flag, pain up, "it hurt" yesterday. */
static void test_summary_attention(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new("words.db");
	int64_t id;
	assert_int_equal(db->ops->person_add(db, "Ada", &id), PST_OK);
	struct pst_store *s;
	assert_int_equal(pst_store_person(db, id, &s), PST_OK);
	struct pst_saved_screening sc = {.stages = PST_BIT(PST_STAGE_PREGNANCY), .answers = answers(3),
					 .at = {(today - 2) * 86400 + 36000, 0}};
	assert_int_equal(s->ops->screening_put(s, &sc), PST_OK);
	free(sc.answers);
	struct pst_checkin c = {.at = {(today - 5) * 86400 + 36000, 0}, .pain = 3};
	assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);
	struct pst_session_ex ex = {"cat-cow", PST_FB_HURT, 6};
	struct pst_session_log l = {.at = {(today - 1) * 86400 + 64800, 0}, .pain_before = 6,
				    .pain_after = 7, .ex = &ex, .nex = 1};
	assert_int_equal(s->ops->session_add(s, &l, NULL), PST_OK);
	pst_store_close(s);
	struct pst_summary_set set;
	assert_int_equal(db->ops->summaries(db, &id, 1, today, &set), PST_OK);
	struct pst_attention a;
	assert_int_equal(pst_attention_build(&pst_builtin_questions, &pst_builtin_catalog, &set.v[0], today,
					     NULL, &a), PST_OK);
	assert_int_equal(a.nreasons, 3);
	assert_int_equal(a.reasons[0].kind, PST_ATT_RED_FLAG);
	assert_int_equal(a.reasons[1].kind, PST_ATT_PAIN_UP);
	assert_int_equal(a.reasons[2].kind, PST_ATT_HURT);
	assert_non_null(strstr(a.reasons[2].text, "Cat-cow"));
	pst_attention_free(&a);
	pst_summary_set_free(&set);
	pst_db_close(db);
}

/* SQLite's plan of both queries: every table read through an index (only the list of
 * ids is scanned). */
static void test_summary_indexed(void **state)
{
	(void)state;
	pst_db_close(pst_test_db_new("plan.db"));
	char path[300];
	snprintf(path, sizeof path, "%s", pst_test_path("plan.db"));
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	static const char *const sql[] = {
		PST_SQL_SUMMARY_PEOPLE("SELECT value FROM json_each(?1)", "?2", "?3", "?4"),
		PST_SQL_SUMMARY_PAIN("SELECT value FROM json_each(?1)", "?2"),
	};
	for (size_t i = 0; i < 2; i++) {
		char q[8192];
		snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql[i]);
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
		int steps = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *step = (const char *)sqlite3_column_text(st, 3);
			steps++;
			if (strncmp(step, "SCAN ", 5) == 0 && !strstr(step, "USING") &&
			    !strstr(step, "json_each") && strcmp(step, "SCAN ids") &&
			    strcmp(step, "SCAN l") && strcmp(step, "SCAN k"))
				fail_msg("query %zu: %s", i, step);
		}
		assert_true(steps > 3);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

int main(void)
{
	if (pst_day_parse("2026-12-09", &today)) /* a Wednesday */
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summaries_agree),
		cmocka_unit_test(test_summary_attention),
		cmocka_unit_test(test_summary_indexed),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test(test_summaries_agree),
		cmocka_unit_test(test_summary_attention),
	};
	return pst_test_backends("summaries", tests, sizeof tests / sizeof *tests, pg_tests,
				 sizeof pg_tests / sizeof *pg_tests) ? 1 : 0;
}
