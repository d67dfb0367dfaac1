/* The check-ins summed by day (pst_store_ops.checkin_days) on SQLite, then on PostgreSQL
 * (POSTURA_TEST_PG): the store's days are what core's pst_time_day and the morning hour
 * make of each check-in (days around midnight at the edge offsets, -14:00 to +14:00,
 * noon exactly, ties at the same second); the history and the progression made from days
 * are the ones made from every check-in; and what a report holds follows the days, not
 * the check-ins (issue 12's soak). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "backends.h"
#include "data/builtin.h"
#include "store/store.h"

/* A fresh database (tests/unit/backends.h: an SQLite file, or a schema of its own in the
 * throw-away cluster) and a handle on its person 1. */
static struct pst_store *open_new(const char *name)
{
	char file[64];
	snprintf(file, sizeof file, "%s.db", name);
	return pst_test_store_new(file);
}

static uint64_t rng = 88172645463325252ull;
static int rnd(int n) /* 0 .. n-1 */
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (int)(rng % (uint64_t)n);
}

static int64_t today;

/* A moment on local day today + d at local second sec of the day, at UTC offset off. */
static struct pst_time at_local(int d, int sec, int off)
{
	return (struct pst_time){(today + d) * 86400 + sec - off * 60, off};
}

static void checkin(struct pst_store *s, struct pst_time at, int pain)
{
	struct pst_checkin c = {.at = at, .pain = pain, .note = "n"};
	assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);
}

/* Check-ins at the edges: around midnight and noon at every edge offset, several at the
 * same second, over three weeks ending after today. */
static void fill_checkins(struct pst_store *s, int n)
{
	static const int offsets[] = {0, 60, -300, 840, -840, 330, -600};
	static const int secs[] = {0, 1, 59, 43199, 43200, 43201, 86399, 86340, 3600, 50000};
	for (int i = 0; i < n; i++) {
		int off = offsets[rnd(7)];
		int sec = rnd(3) ? secs[rnd(10)] : rnd(86400);
		struct pst_time at = at_local(-20 + rnd(23), sec, off);
		checkin(s, at, rnd(11));
		if (!rnd(8)) /* the same second again */
			checkin(s, at, rnd(11));
	}
}

/* What core makes of each check-in, the test's own way: the local day by floor division,
 * the morning by the local seconds of that day. */
static void expect_days(const struct pst_record_set *rs, int64_t since,
			const struct pst_checkin_days *got)
{
	size_t k = 0;
	int64_t prev = INT64_MIN;
	for (size_t i = 0; i < got->n; i++) {
		const struct pst_checkin_day *d = &got->v[i];
		assert_true(d->day > prev); /* in order of day, each once */
		prev = d->day;
		int count = 0, sum = 0, min = 11, max = -1, mc = 0, ms = 0;
		const struct pst_checkin *last = NULL;
		for (size_t j = 0; j < rs->ncheckins; j++) {
			const struct pst_checkin *c = &rs->checkins[j];
			int64_t local = c->at.epoch + (int64_t)c->at.offset_min * 60;
			int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
			assert_int_equal(day, pst_time_day(c->at));
			if (day != d->day)
				continue;
			count++;
			sum += c->pain;
			min = c->pain < min ? c->pain : min;
			max = c->pain > max ? c->pain : max;
			if (local - day * 86400 < 12 * 3600) {
				mc++;
				ms += c->pain;
			}
			if (!last || c->at.epoch > last->at.epoch ||
			    (c->at.epoch == last->at.epoch && c->id > last->id))
				last = c;
		}
		assert_true(d->day >= since);
		assert_int_equal(d->count, count);
		assert_int_equal(d->sum, sum);
		assert_int_equal(d->min, min);
		assert_int_equal(d->max, max);
		assert_int_equal(d->morning_count, mc);
		assert_int_equal(d->morning_sum, ms);
		assert_non_null(last);
		assert_int_equal(d->last_id, last->id);
		assert_int_equal(d->last_pain, last->pain);
		assert_int_equal(d->last_at.epoch, last->at.epoch);
		assert_int_equal(d->last_at.offset_min, last->at.offset_min);
		k += (size_t)count;
	}
	size_t want = 0; /* every check-in since the day is in a day */
	for (size_t j = 0; j < rs->ncheckins; j++)
		want += pst_time_day(rs->checkins[j].at) >= since;
	assert_int_equal(k, want);
}

static void test_days_at_midnight(void **state)
{
	(void)state;
	struct pst_store *s = open_new("midnight");
	/* Fixed cases: 23:30 at -05:00 is that day (04:30 UTC the next); 00:10 at +14:00 is
	 * that day (10:10 UTC the day before); 11:59:59 is a morning, noon is not. */
	checkin(s, at_local(-1, 23 * 3600 + 1800, -300), 4);
	checkin(s, at_local(0, 600, 840), 6);
	checkin(s, at_local(0, 43199, -840), 2);
	checkin(s, at_local(0, 43200, 0), 9);
	checkin(s, at_local(0, 43200, 0), 1); /* the same second: the later id is the last */
	struct pst_checkin_days d;
	assert_int_equal(s->ops->checkin_days(s, INT64_MIN, &d), PST_OK);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.v[0].day, today - 1);
	assert_int_equal(d.v[0].count, 1);
	assert_int_equal(d.v[0].morning_count, 0);
	assert_int_equal(d.v[1].day, today);
	assert_int_equal(d.v[1].count, 4);
	assert_int_equal(d.v[1].sum, 18);
	assert_int_equal(d.v[1].min, 1);
	assert_int_equal(d.v[1].max, 9);
	assert_int_equal(d.v[1].morning_count, 2);
	assert_int_equal(d.v[1].morning_sum, 8);
	/* the last by time: 11:59:59 at -14:00 is 01:59:59 UTC the next day */
	assert_int_equal(d.v[1].last_pain, 2);
	assert_int_equal(d.v[1].last_at.offset_min, -840);
	pst_checkin_days_free(&d);
	/* since: the days before it are left out */
	assert_int_equal(s->ops->checkin_days(s, today, &d), PST_OK);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].day, today);
	pst_checkin_days_free(&d);
	pst_store_close(s);
}

static void test_days_agree(void **state)
{
	(void)state;
	struct pst_store *s = open_new("agree");
	fill_checkins(s, 400);
	struct pst_record_set rs;
	assert_int_equal(s->ops->read_all(s, INT64_MIN, 0, &rs), PST_OK);
	assert_true(rs.ncheckins >= 400);
	const int64_t sinces[] = {INT64_MIN, today - 7, today, today + 5};
	for (size_t i = 0; i < sizeof sinces / sizeof *sinces; i++) {
		struct pst_checkin_days d;
		assert_int_equal(s->ops->checkin_days(s, sinces[i], &d), PST_OK);
		expect_days(&rs, sinces[i], &d);
		pst_checkin_days_free(&d);
	}
	/* the latest ten by time (then id), oldest first; the newest by id */
	struct pst_record_set last;
	assert_int_equal(s->ops->checkin_latest(s, INT64_MIN, 10, false, &last), PST_OK);
	assert_int_equal(last.ncheckins, 10);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(last.checkins[i].id, rs.checkins[rs.ncheckins - 10 + i].id);
	assert_string_equal(last.checkins[9].note, "n");
	pst_record_set_free(&last);
	assert_int_equal(s->ops->checkin_latest(s, INT64_MIN, 1, true, &last), PST_OK);
	int64_t top = 0;
	for (size_t i = 0; i < rs.ncheckins; i++)
		top = rs.checkins[i].id > top ? rs.checkins[i].id : top;
	assert_int_equal(last.ncheckins, 1);
	assert_int_equal(last.checkins[0].id, top);
	pst_record_set_free(&last);
	pst_record_set_free(&rs);
	pst_store_close(s);
}

static const char *const exercises[] = {"cat-cow", "seated-thoracic-rotation", "side-lying-open-book",
					"seated-chest-opener"};

/* A person with a profile, check-ins and sessions at the edges: sessions between a day's
 * check-ins, at the same second as one, days after with higher pain, busy mornings. */
static void fill_person(struct pst_store *s)
{
	struct pst_saved_profile sp = {.updated = at_local(-25, 36000, 60)};
	pst_profile_init(&sp.p);
	sp.p.has_stage = true;
	sp.p.stage = PST_STAGE_POSTPARTUM;
	sp.p.weeks = 12;
	sp.p.minutes = 10;
	sp.anchor_day = pst_time_day(sp.updated);
	assert_int_equal(s->ops->profile_put(s, &sp), PST_OK);
	fill_checkins(s, 300);
	static const int offsets[] = {0, 60, -300, 840, -840};
	for (int i = 0; i < 60; i++) {
		struct pst_session_ex ex[4];
		size_t n = 1 + (size_t)rnd(4);
		for (size_t k = 0; k < n; k++)
			ex[k] = (struct pst_session_ex){exercises[(k + (size_t)i) % 4],
							(enum pst_feedback)(rnd(5) ? rnd(2) : 2 + rnd(2)),
							rnd(3) ? -1 : rnd(6)};
		static const int secs[] = {0, 43200, 86399, 30000, 60000, 3600};
		struct pst_session_log l = {.at = at_local(-20 + rnd(22), rnd(2) ? secs[rnd(6)] : rnd(86400),
							   offsets[rnd(5)]),
					    .pain_before = rnd(6), .pain_after = rnd(6), .ex = ex, .nex = n};
		assert_int_equal(s->ops->session_add(s, &l, NULL), PST_OK);
		if (!rnd(3)) /* a check-in at the session's very second */
			checkin(s, l.at, rnd(11));
	}
}

static void same_progression(const struct pst_progression *a, const struct pst_progression *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct pst_prog_entry *x = &a->v[i], *y = &b->v[i];
		assert_string_equal(x->ex->id, y->ex->id);
		assert_int_equal(x->level, y->level);
		assert_int_equal(x->sessions, y->sessions);
		assert_int_equal(x->calm, y->calm);
		assert_int_equal(x->changed, y->changed);
		assert_int_equal(x->current_level, y->current_level);
		assert_ptr_equal(x->current, y->current);
		if (x->changed) {
			assert_int_equal(x->last.seq, y->last.seq);
			assert_int_equal(x->last.day, y->last.day);
			assert_int_equal(x->last.dir, y->last.dir);
			assert_string_equal(x->last.reason, y->last.reason);
		}
	}
}

static void test_progression_from_days(void **state)
{
	(void)state;
	const struct pst_catalog *c = &pst_builtin_catalog;
	for (int round = 0; round < 4; round++) {
		char name[32];
		snprintf(name, sizeof name, "prog%d", round);
		struct pst_store *s = open_new(name);
		fill_person(s);
		struct pst_record_set rs;
		assert_int_equal(s->ops->read_all(s, INT64_MIN, 0, &rs), PST_OK);
		struct pst_profile p = pst_saved_profile_today(&rs.profile, today);
		/* every check-in, as before */
		struct pst_progression *want = NULL, *got = NULL, *rep_prog = NULL;
		assert_int_equal(pst_progression_build(c, &p, rs.checkins, rs.ncheckins, rs.sessions,
						       rs.nsessions, &want),
				 PST_OK);
		/* from days: the app's (streamed) and the report's */
		assert_int_equal(pst_app_progression(s, c, &p, &got), PST_OK);
		same_progression(want, got);
		struct pst_app_report rep;
		assert_int_equal(pst_app_report_read(s, c, PST_HISTORY_ALL, today, true, &rep), PST_OK);
		assert_non_null(rep.prog);
		same_progression(want, rep.prog);
		(void)rep_prog;
		/* something happened worth comparing */
		size_t changed = 0;
		for (size_t i = 0; i < want->n; i++)
			changed += want->v[i].changed;
		assert_true(changed > 0);
		pst_app_report_free(&rep);
		pst_progression_free(want);
		pst_progression_free(got);
		pst_record_set_free(&rs);
		pst_store_close(s);
	}
}

static void same_history(const struct pst_history *a, const struct pst_history *b)
{
	assert_int_equal(a->since, b->since);
	assert_int_equal(a->today, b->today);
	assert_int_equal(a->ndaily, b->ndaily);
	for (size_t i = 0; i < a->ndaily; i++) {
		assert_int_equal(a->daily[i].day, b->daily[i].day);
		assert_int_equal(a->daily[i].count, b->daily[i].count);
		assert_true(a->daily[i].mean == b->daily[i].mean);
		assert_int_equal(a->daily[i].from_session, b->daily[i].from_session);
	}
	assert_int_equal(a->nweekly, b->nweekly);
	for (size_t i = 0; i < a->nweekly; i++) {
		assert_int_equal(a->weekly[i].checkins, b->weekly[i].checkins);
		assert_true(a->weekly[i].mean == b->weekly[i].mean);
		assert_int_equal(a->weekly[i].min, b->weekly[i].min);
		assert_int_equal(a->weekly[i].max, b->weekly[i].max);
		assert_int_equal(a->weekly[i].sessions_done, b->weekly[i].sessions_done);
		assert_int_equal(a->weekly[i].sessions_planned, b->weekly[i].sessions_planned);
	}
	assert_int_equal(a->nsessions, b->nsessions);
	assert_string_equal(a->pain.statement, b->pain.statement);
	assert_string_equal(a->adherence.statement, b->adherence.statement);
}

static void test_history_from_days(void **state)
{
	(void)state;
	struct pst_store *s = open_new("history");
	fill_person(s);
	const int64_t sinces[] = {PST_HISTORY_ALL, today - 10, today};
	for (size_t i = 0; i < sizeof sinces / sizeof *sinces; i++) {
		struct pst_record_set rs;
		assert_int_equal(s->ops->read_all(s, sinces[i], PST_READ_NO_SESSION_EXERCISES, &rs), PST_OK);
		struct pst_history_input in = {
			.checkins = rs.checkins, .ncheckins = rs.ncheckins,
			.sessions = rs.sessions, .nsessions = rs.nsessions,
			.psfs = rs.psfs, .npsfs = rs.npsfs, .profile = &rs.profile,
			.minutes = rs.minutes, .nminutes = rs.nminutes,
			.since = sinces[i], .today = today,
		};
		struct pst_history *want;
		assert_int_equal(pst_history_build(&in, &want), PST_OK);
		struct pst_app_report rep;
		assert_int_equal(pst_app_report_read(s, NULL, sinces[i], today, false, &rep), PST_OK);
		same_history(want, rep.h);
		pst_app_report_free(&rep);
		pst_history_free(want);
		pst_record_set_free(&rs);
	}
	pst_store_close(s);
}

/* The soak's case: one person writing check-ins all day long. What the history page's
 * report holds is one entry a day, however many check-ins there are. */
static void test_report_holds_days(void **state)
{
	(void)state;
	struct pst_store *s = open_new("soak");
	size_t held[2];
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < (round ? 1800 : 200); i++)
			checkin(s, at_local(-rnd(3), 30000 + rnd(40000), 60), rnd(11));
		struct pst_app_report rep;
		assert_int_equal(pst_app_report_read(s, NULL, PST_HISTORY_ALL, today, false, &rep), PST_OK);
		assert_int_equal(rep.rs.ncheckins, 0);
		assert_int_equal(rep.days.n, 3);
		int readings = 0;
		for (size_t i = 0; i < rep.h->ndaily; i++)
			readings += rep.h->daily[i].count;
		assert_int_equal(readings, round ? 2000 : 200);
		held[round] = rep.rs.ncheckins + rep.days.n;
		pst_app_report_free(&rep);
		/* the week's sessions, read for Today, hold no check-in either */
		struct pst_app_week w;
		assert_int_equal(pst_app_week_read(s, today, NULL, 3, &w), PST_OK);
		pst_app_week_free(&w);
	}
	/* ten times the check-ins, the same to hold */
	assert_int_equal(held[0], held[1]);
	pst_store_close(s);
}

int main(void)
{
	if (pst_day_parse("2026-12-09", &today)) /* a Wednesday */
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_at_midnight),
		cmocka_unit_test(test_days_agree),
		cmocka_unit_test(test_progression_from_days),
		cmocka_unit_test(test_history_from_days),
		cmocka_unit_test(test_report_holds_days),
	};
	return pst_test_backends("days", tests, sizeof tests / sizeof *tests, NULL, 0);
}
