/* History tests: days and Monday weeks in the person's time zone, the meaningful-change
 * edges (exactly 2 points, exactly 30%, a rise), adherence, PSFS, the range, the JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/history.h"
#include "core/planner.h"
#include "render/history.h"
#include "render/json.h"

static int64_t day0; /* 2026-01-05, a Monday */

static int setup(void **state)
{
	(void)state;
	return pst_day_parse("2026-01-05", &day0) ? -1 : 0;
}

/* A moment on day (from day0) at hour, local time at offset_min from UTC. */
static struct pst_time at_tz(int day, int hour, int offset_min)
{
	int64_t local = (day0 + day) * 86400 + hour * 3600;
	return (struct pst_time){local - offset_min * 60, offset_min};
}

static struct pst_time at(int day, int hour)
{
	return at_tz(day, hour, 60);
}

static struct pst_time parse(const char *s)
{
	struct pst_time t;
	assert_int_equal(pst_time_parse(s, 0, &t), PST_OK);
	return t;
}

struct ck {
	int day, pain; /* pain -1 ends the list */
};

/* Check-ins at 09:00 on the given days. */
static size_t checkins(const struct ck *rows, struct pst_checkin *out, size_t max)
{
	size_t n = 0;
	for (; rows[n].pain >= 0; n++) {
		assert_true(n < max);
		out[n] = (struct pst_checkin){.at = at(rows[n].day, 9), .pain = rows[n].pain};
	}
	return n;
}

static struct pst_history *build(const struct pst_history_input *in)
{
	struct pst_history *h = NULL;
	assert_int_equal(pst_history_build(in, &h), PST_OK);
	assert_non_null(h);
	return h;
}

static char *history_json(const struct pst_history *h)
{
	struct pst_buf b;
	pst_buf_init(&b, 1 << 26);
	pst_json_history(&b, h);
	assert_false(b.failed);
	/* It must be JSON that a parser accepts. */
	json_error_t err;
	json_t *j = json_loads(b.s, 0, &err);
	if (!j)
		print_error("invalid JSON at %d:%d: %s\n", err.line, err.column, err.text);
	assert_non_null(j);
	json_decref(j);
	return b.s;
}

static void test_daily_and_weekly(void **state)
{
	(void)state;
	struct pst_checkin c[8] = {
		{.at = at(0, 8), .pain = 6},  {.at = at(0, 20), .pain = 5}, /* Monday: 5.5, 2 */
		{.at = at(3, 9), .pain = 7},                                /* Thursday */
		{.at = at(9, 9), .pain = 2},  {.at = at(7, 9), .pain = 4},  /* next week, unsorted */
	};
	struct pst_history_input in = {.checkins = c, .ncheckins = 5, .since = PST_HISTORY_ALL,
				       .today = day0 + 10};
	struct pst_history *h = build(&in);
	assert_int_equal(h->since, day0);
	assert_int_equal(h->today, day0 + 10);
	assert_int_equal(h->ndaily, 4);
	assert_int_equal(h->daily[0].day, day0);
	assert_true(h->daily[0].mean == 5.5);
	assert_int_equal(h->daily[0].count, 2);
	assert_int_equal(h->daily[2].day, day0 + 7);
	assert_int_equal(h->daily[3].day, day0 + 9);
	assert_int_equal(h->nweekly, 2);
	const struct pst_history_week *w = h->weekly;
	assert_int_equal(w[0].week_start, day0);
	assert_int_equal(w[0].checkins, 3);
	assert_true(w[0].mean == 6.0); /* over check-ins (18/3), not over daily means */
	assert_int_equal(w[0].min, 5);
	assert_int_equal(w[0].max, 7);
	assert_int_equal(w[1].week_start, day0 + 7);
	assert_true(w[1].mean == 3.0);
	assert_int_equal(w[1].min, 2);
	assert_int_equal(w[1].max, 4);
	/* No profile: nothing planned. */
	assert_int_equal(w[0].sessions_planned, -1);
	assert_int_equal(h->adherence.planned, -1);
	assert_true(h->pain.known);
	assert_true(h->pain.points == -3.0);
	assert_true(h->pain.meaningful);
	pst_history_free(h);
	pst_history_free(NULL);
}

/* Days are the person's local days, whatever UTC says; weeks start on Monday. */
static void test_time_zones_and_monday_weeks(void **state)
{
	(void)state;
	struct pst_checkin c[] = {
		/* Sunday 23:30 in New York is Monday 04:30 UTC: still Sunday, first week */
		{.at = parse("2026-01-11T23:30-05:00"), .pain = 8},
		/* Monday 00:30 in Athens is Sunday 22:30 UTC: already Monday, second week */
		{.at = parse("2026-01-12T00:30+02:00"), .pain = 2},
		/* the same instant as the first, recorded in UTC: Monday, second week */
		{.at = parse("2026-01-12T04:30Z"), .pain = 4},
		/* a date alone is noon local */
		{.at = parse("2026-01-05"), .pain = 6},
	};
	struct pst_history_input in = {.checkins = c, .ncheckins = 4, .since = PST_HISTORY_ALL,
				       .today = day0 + 7};
	struct pst_history *h = build(&in);
	assert_int_equal(h->nweekly, 2);
	assert_int_equal(h->weekly[0].week_start, day0);
	assert_int_equal(h->weekly[0].checkins, 2);
	assert_int_equal(h->weekly[0].max, 8);
	assert_int_equal(h->weekly[1].week_start, day0 + 7);
	assert_int_equal(h->weekly[1].checkins, 2);
	assert_int_equal(h->weekly[1].max, 4);
	assert_int_equal(h->ndaily, 3);
	assert_int_equal(h->daily[1].day, day0 + 6); /* the Sunday */
	assert_int_equal(h->daily[2].day, day0 + 7);
	assert_int_equal(h->daily[2].count, 2);
	pst_history_free(h);

	/* A range starting mid-week: the first week is still reported from its Monday, and
	 * a range on a Sunday ends its week. Weeks before 1970 work the same. */
	static const int64_t starts[] = {0, 2, 6, -10000};
	for (size_t i = 0; i < sizeof starts / sizeof *starts; i++) {
		struct pst_history_input r = {.since = day0 + starts[i], .today = day0 + 20};
		h = build(&r);
		assert_int_equal(pst_day_weekday(h->weekly[0].week_start), 0);
		assert_true(h->weekly[0].week_start <= h->since);
		assert_true(h->weekly[0].week_start > h->since - 7);
		for (size_t k = 1; k < h->nweekly; k++)
			assert_int_equal(h->weekly[k].week_start, h->weekly[k - 1].week_start + 7);
		assert_int_equal(h->weekly[h->nweekly - 1].week_start, day0 + 14);
		pst_history_free(h);
	}
}

struct change_case {
	const char *name;
	struct ck ck[8];
	bool known, meaningful, worse;
	double points;
	const char *statement; /* a part of it, or all of it */
};

/* Week 1 is days 0-6, week 3 is days 14-20. */
static const struct change_case changes[] = {
	{"the example: 6.0 to 3.5", {{0, 6}, {14, 3}, {15, 4}, {0, -1}}, true, true, false, -2.5,
	 "Your average pain fell from 6.0 to 3.5 (-2.5 points, -42%): a change this size is "
	 "considered meaningful."},
	{"exactly 2 points (25%)", {{0, 8}, {14, 6}, {0, -1}}, true, true, false, -2.0,
	 "(-2.0 points, -25%): a change this size is considered meaningful."},
	{"just under 2 points and under 30%", {{0, 8}, {1, 8}, {14, 6}, {15, 7}, {0, -1}}, true,
	 false, false, -1.5, "smaller than the 2 points or 30% usually considered"},
	{"exactly 30% (1.5 points)", {{0, 5}, {14, 3}, {15, 4}, {0, -1}}, true, true, false, -1.5,
	 "fell from 5.0 to 3.5 (-1.5 points, -30%): a change this size is considered meaningful."},
	{"just under 30%", {{0, 5}, {14, 3}, {15, 4}, {16, 4}, {17, 4}, {18, 3}, {0, -1}}, true, false,
	 false, -1.4, "(-1.4 points, -28%): smaller than"},
	{"a rise of 2 points is worse, never meaningful", {{0, 3}, {14, 5}, {0, -1}}, true, false,
	 true, 2.0,
	 "Your average pain rose from 3.0 to 5.0 (+2.0 points, +67%). That is a rise that "
	 "matters: ease off what hurts, and talk to your midwife, doctor or physiotherapist "
	 "about it."},
	{"a rise of 30% is worse", {{0, 5}, {14, 6}, {15, 7}, {0, -1}}, true, false, true, 1.5, "+30%"},
	{"a small rise", {{0, 4}, {14, 4}, {15, 5}, {16, 5}, {0, -1}}, true, false, false, 0.67,
	 "rose from 4.0 to 4.7 (+0.7 points, +17%). Keep an eye on it"},
	{"no change", {{0, 4}, {14, 4}, {0, -1}}, true, false, false, 0.0,
	 "Your average pain is about the same as in your first week: 4.0/10."},
	{"from 0: no percentage", {{0, 0}, {14, 1}, {0, -1}}, true, false, false, 1.0,
	 "rose from 0.0 to 1.0 (+1.0 points). Keep"},
	{"weeks without check-ins between do not count", {{0, 6}, {7, 5}, {20, 2}, {0, -1}}, true,
	 true, false, -4.0, "fell from 6.0 to 2.0"},
	{"one week only", {{0, 6}, {6, 4}, {0, -1}}, false, false, false, 0.0,
	 "Your pain readings so far are all in one week (average 5.0/10); a change shows from your "
	 "second week of readings."},
	{"no check-ins", {{0, -1}}, false, false, false, 0.0, "No pain readings in this period yet"},
};

static void test_pain_change_edges(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof changes / sizeof *changes; i++) {
		const struct change_case *cc = &changes[i];
		struct pst_checkin c[8];
		struct pst_history_input in = {.checkins = c, .since = PST_HISTORY_ALL,
					       .today = day0 + 20};
		in.ncheckins = checkins(cc->ck, c, 8);
		struct pst_history *h = build(&in);
		const struct pst_pain_change *pc = &h->pain;
		double diff = pc->points - cc->points;
		if (pc->known != cc->known || pc->meaningful != cc->meaningful ||
		    pc->worse != cc->worse || diff > 0.05 || diff < -0.05 ||
		    !strstr(pc->statement, cc->statement)) {
			print_error("case '%s': known %d meaningful %d worse %d points %.3f: %s\n",
				    cc->name, pc->known, pc->meaningful, pc->worse, pc->points,
				    pc->statement);
			fail();
		}
		/* Improvement and worsening never both. */
		assert_false(pc->meaningful && pc->worse);
		pst_history_free(h);
	}
}

static void session_at(struct pst_session_log *s, int day)
{
	*s = (struct pst_session_log){.at = at(day, 18), .pain_before = 3, .pain_after = 3};
}

static void test_adherence(void **state)
{
	(void)state;
	struct pst_saved_profile sp = {0};
	pst_profile_init(&sp.p);
	sp.p.has_stage = true;
	sp.p.stage = PST_STAGE_PREGNANCY;
	sp.p.weeks = 20;
	sp.p.minutes = 10; /* 4 a week: Mon, Wed, Fri, Sun */
	assert_int_equal(pst_plan_sessions_per_week(10), 4);
	assert_int_equal(pst_plan_sessions_per_week(11), 3);
	struct pst_session_log s[8];
	/* before the range, in it (two on one day), after today */
	static const int days[] = {0, 2, 4, 4, 9, 11, 13, 15};
	for (size_t i = 0; i < 8; i++)
		session_at(&s[i], days[i]);
	/* From Wednesday of week 1 to Sunday of week 2. */
	struct pst_history_input in = {.sessions = s, .nsessions = 8, .profile = &sp,
				       .since = day0 + 2, .today = day0 + 13};
	struct pst_history *h = build(&in);
	assert_int_equal(h->since, day0 + 2);
	assert_int_equal(h->nweekly, 2);
	assert_int_equal(h->weekly[0].sessions_planned, 3); /* Wed, Fri, Sun */
	assert_int_equal(h->weekly[0].sessions_done, 3);
	assert_int_equal(h->weekly[1].sessions_planned, 4);
	assert_int_equal(h->weekly[1].sessions_done, 3);
	assert_int_equal(h->adherence.done, 6);
	assert_int_equal(h->adherence.planned, 7);
	assert_int_equal(h->adherence.sessions_per_week, 4);
	assert_string_equal(h->adherence.statement,
			    "You did 6 of the 7 sessions planned (86%; 4 a week).");
	pst_history_free(h);

	/* Longer sessions: 3 a week (Mon, Wed, Fri). */
	sp.p.minutes = 20;
	h = build(&in);
	assert_int_equal(h->weekly[0].sessions_planned, 2);
	assert_int_equal(h->weekly[1].sessions_planned, 3);
	assert_int_equal(h->adherence.planned, 5);
	assert_string_equal(h->adherence.statement,
			    "You did 6 sessions, more than the 5 planned (3 a week).");
	pst_history_free(h);

	/* The minutes changed on Monday of week 2 (20 -> 10 a session): week 1 is counted
	 * with its own 3 a week (Wed, Fri), week 2 with 4 (Mon, Wed, Fri, Sun); the
	 * statement says the current one. A change before the range rules from its start. */
	const struct pst_minutes_change mins[] = {{day0 - 30, 20}, {day0 + 7, 10}};
	sp.p.minutes = 10;
	in.minutes = mins;
	in.nminutes = 2;
	h = build(&in);
	assert_int_equal(h->weekly[0].sessions_planned, 2);
	assert_int_equal(h->weekly[1].sessions_planned, 4);
	assert_int_equal(h->adherence.planned, 6);
	assert_string_equal(h->adherence.statement,
			    "You did 6 of the 6 sessions planned (100%; 4 a week).");
	pst_history_free(h);
	/* Days before the first change take its minutes. */
	const struct pst_minutes_change late[] = {{day0 + 7, 20}};
	in.minutes = late;
	in.nminutes = 1;
	h = build(&in);
	assert_int_equal(h->weekly[0].sessions_planned, 2);
	assert_int_equal(h->weekly[1].sessions_planned, 3);
	pst_history_free(h);
	in.minutes = NULL;
	in.nminutes = 0;
	sp.p.minutes = 20;

	/* Today a Tuesday, range of one day: nothing planned yet. */
	in.since = day0 + 1;
	in.today = day0 + 1;
	h = build(&in);
	assert_int_equal(h->adherence.planned, 0);
	assert_false(h->adherence.has_percent);
	assert_string_equal(h->adherence.statement,
			    "You did 0 sessions; none were planned on these days yet.");
	char *j = history_json(h);
	assert_non_null(strstr(j, "\"percent\": null"));
	free(j);
	pst_history_free(h);

	/* No saved profile: sessions counted, nothing planned, nulls in JSON. */
	in = (struct pst_history_input){.sessions = s, .nsessions = 8, .since = day0 + 2,
					.today = day0 + 13};
	h = build(&in);
	assert_int_equal(h->adherence.planned, -1);
	assert_string_equal(h->adherence.statement,
			    "You did 6 sessions. Save your profile to compare them with your plan.");
	j = history_json(h);
	assert_non_null(strstr(j, "\"sessions_planned\": null"));
	assert_non_null(strstr(j, "\"sessions_per_week\": null"));
	free(j);
	pst_history_free(h);
}

static void test_psfs(void **state)
{
	(void)state;
	struct pst_psfs_rating r_feed[] = {{at(0, 9), 3}, {at(5, 9), 4}, {at(12, 9), 6}};
	struct pst_psfs_rating r_carry[] = {{at(12, 9), 5}, {at(1, 9), 4}}; /* unsorted */
	struct pst_psfs_rating r_desk[] = {{at(3, 9), 5}};
	struct pst_psfs_rating r_sleep[] = {{at(0, 9), 7}, {at(12, 9), 3}};
	struct pst_psfs_activity acts[] = {
		{1, "feed the baby for 20 minutes", at(0, 8), r_feed, 3},
		{2, "carry the car seat", at(0, 8), r_carry, 2},
		{3, "sit at my desk for an hour", at(3, 8), r_desk, 1},
		{4, "sleep through to the morning", at(0, 8), r_sleep, 2},
		{5, "lift the toddler", at(0, 8), NULL, 0},
	};
	struct pst_history_input in = {.psfs = acts, .npsfs = 5, .since = PST_HISTORY_ALL,
				       .today = day0 + 13};
	struct pst_history *h = build(&in);
	const struct pst_psfs_summary *s = &h->psfs;
	assert_int_equal(s->n, 5);
	/* +3 on one activity: meaningful */
	assert_int_equal(s->v[0].first, 3);
	assert_int_equal(s->v[0].latest, 6);
	assert_int_equal(s->v[0].change, 3);
	assert_int_equal(s->v[0].ratings, 3);
	assert_int_equal(s->v[0].first_day, day0);
	assert_int_equal(s->v[0].latest_day, day0 + 12);
	assert_true(s->v[0].meaningful);
	assert_string_equal(s->v[0].statement,
			    "\u201c" "feed the baby for 20 minutes\u201d: from 3 to 6 (+3): a change "
			    "this size on one activity is considered meaningful.");
	/* +1, by time not by order given */
	assert_int_equal(s->v[1].first, 4);
	assert_int_equal(s->v[1].latest, 5);
	assert_false(s->v[1].meaningful);
	assert_non_null(strstr(s->v[1].statement, "smaller than the 3 points"));
	/* rated once */
	assert_int_equal(s->v[2].ratings, 1);
	assert_false(s->v[2].meaningful);
	assert_non_null(strstr(s->v[2].statement, "5/10 so far"));
	/* -4: worse, never meaningful */
	assert_int_equal(s->v[3].change, -4);
	assert_true(s->v[3].worse);
	assert_false(s->v[3].meaningful);
	assert_non_null(strstr(s->v[3].statement, "it has got harder"));
	/* never rated */
	assert_int_equal(s->v[4].ratings, 0);
	assert_non_null(strstr(s->v[4].statement, "not rated in this period"));
	/* The average over the four rated: first (3+4+5+7)/4, latest (6+5+5+3)/4. */
	assert_int_equal(s->rated, 4);
	assert_true(s->known);
	assert_true(s->first_mean == 4.75);
	assert_true(s->latest_mean == 4.75);
	assert_false(s->meaningful);
	assert_non_null(strstr(s->statement, "about the same as at first: 4.8/10"));
	pst_history_free(h);

	/* Two activities: 3 -> 6 and 4 -> 5: the average rises by exactly 2. */
	in.npsfs = 2;
	h = build(&in);
	assert_true(h->psfs.change == 2.0);
	assert_true(h->psfs.meaningful);
	assert_string_equal(h->psfs.statement, "Your average activity score rose from 3.5 to 5.5 "
					       "(+2.0 points): a change this size is considered "
					       "meaningful.");
	pst_history_free(h);

	/* From day 5 on, the first rating of "feed" is the 4. */
	in.since = day0 + 5;
	h = build(&in);
	assert_int_equal(h->psfs.v[0].first, 4);
	assert_int_equal(h->psfs.v[0].change, 2);
	assert_int_equal(h->psfs.v[1].ratings, 1);
	pst_history_free(h);

	/* Nothing rated. */
	in = (struct pst_history_input){.since = PST_HISTORY_ALL, .today = day0};
	h = build(&in);
	assert_non_null(strstr(h->psfs.statement, "No activities rated"));
	pst_history_free(h);
}

static void test_range(void **state)
{
	(void)state;
	struct pst_checkin c[] = {
		{.at = at(-30, 9), .pain = 9}, /* before since */
		{.at = at(3, 9), .pain = 5},
		{.at = at(40, 9), .pain = 1}, /* after today */
		{.at = at(5, 9), .pain = 11}, /* out of range: ignored */
	};
	struct pst_history_input in = {.checkins = c, .ncheckins = 4, .since = day0,
				       .today = day0 + 10};
	struct pst_history *h = build(&in);
	assert_int_equal(h->since, day0 + 3); /* the first record after since */
	assert_int_equal(h->ndaily, 1);
	assert_int_equal(h->daily[0].count, 1);
	pst_history_free(h);

	/* since after today */
	in.since = day0 + 11;
	struct pst_history *bad = (struct pst_history *)1;
	assert_int_equal(pst_history_build(&in, &bad), PST_EINVAL);
	assert_null(bad);

	/* Nothing recorded: today alone. */
	in = (struct pst_history_input){.since = PST_HISTORY_ALL, .today = day0 + 2};
	h = build(&in);
	assert_int_equal(h->since, day0 + 2);
	assert_int_equal(h->nweekly, 1);
	assert_int_equal(h->ndaily, 0);
	pst_history_free(h);

	/* A record 40 years back: the range is capped, and says so. */
	in = (struct pst_history_input){.checkins = c, .ncheckins = 2, .since = PST_HISTORY_ALL,
					.today = day0 + 10};
	c[0].at = at(-40 * 366, 9);
	h = build(&in);
	assert_true(h->truncated);
	assert_int_equal(h->today - h->since + 1, PST_HISTORY_MAX_DAYS);
	assert_int_equal(h->ndaily, 1);
	pst_history_free(h);
}

static void test_json_and_text(void **state)
{
	(void)state;
	struct pst_checkin c[] = {{.at = at(0, 9), .pain = 6}, {.at = at(1, 9), .pain = 5},
				  {.at = at(1, 19), .pain = 5}, {.at = at(8, 9), .pain = 3}};
	struct pst_session_log s[1];
	session_at(&s[0], 1);
	struct pst_psfs_rating r[] = {{at(0, 9), 3}};
	struct pst_psfs_activity a[] = {{7, "carry the car seat", at(0, 8), r, 1}};
	struct pst_saved_profile sp = {0};
	pst_profile_init(&sp.p);
	sp.p.minutes = 20;
	struct pst_history_input in = {.checkins = c, .ncheckins = 4, .sessions = s, .nsessions = 1,
				       .psfs = a, .npsfs = 1, .profile = &sp,
				       .since = PST_HISTORY_ALL, .today = day0 + 9};
	struct pst_history *h = build(&in);
	char *j = history_json(h);
	static const char want[] =
		"{\n"
		"  \"since\": \"2026-01-05\",\n"
		"  \"today\": \"2026-01-14\",\n"
		"  \"truncated\": false,\n"
		"  \"daily\": [\n"
		"    {\n      \"day\": \"2026-01-05\",\n      \"mean\": 6.0,\n      \"count\": 1,\n      \"from_session\": false\n    },\n"
		"    {\n      \"day\": \"2026-01-06\",\n      \"mean\": 5.0,\n      \"count\": 2,\n      \"from_session\": false\n    },\n"
		"    {\n      \"day\": \"2026-01-13\",\n      \"mean\": 3.0,\n      \"count\": 1,\n      \"from_session\": false\n    }\n"
		"  ],\n"
		"  \"sessions\": [\n"
		"    {\n      \"at\": \"2026-01-06T18:00:00+01:00\",\n      \"day\": \"2026-01-06\",\n"
		"      \"pain_before\": 3,\n      \"pain_after\": 3\n    }\n"
		"  ],\n"
		"  \"weekly\": [\n"
		"    {\n      \"week_start\": \"2026-01-05\",\n      \"mean\": 5.33,\n"
		"      \"min\": 5,\n      \"max\": 6,\n      \"checkins\": 3,\n"
		"      \"sessions_done\": 1,\n      \"sessions_planned\": 3\n    },\n"
		"    {\n      \"week_start\": \"2026-01-12\",\n      \"mean\": 3.0,\n"
		"      \"min\": 3,\n      \"max\": 3,\n      \"checkins\": 1,\n"
		"      \"sessions_done\": 0,\n      \"sessions_planned\": 2\n    }\n"
		"  ],\n"
		"  \"pain_change\": {\n"
		"    \"first_week\": \"2026-01-05\",\n"
		"    \"last_week\": \"2026-01-12\",\n"
		"    \"first_week_mean\": 5.33,\n"
		"    \"last_week_mean\": 3.0,\n"
		"    \"points\": -2.33,\n"
		"    \"percent\": -43.8,\n"
		"    \"meaningful\": true,\n"
		"    \"worse\": false,\n"
		"    \"statement\": \"Your average pain fell from 5.3 to 3.0 (-2.3 points, -44%): a "
		"change this size is considered meaningful.\"\n"
		"  },\n"
		"  \"psfs\": {\n"
		"    \"activities\": [\n"
		"      {\n"
		"        \"id\": 7,\n"
		"        \"activity\": \"carry the car seat\",\n"
		"        \"ratings\": 1,\n"
		"        \"first\": 3,\n"
		"        \"first_day\": \"2026-01-05\",\n"
		"        \"latest\": 3,\n"
		"        \"latest_day\": \"2026-01-05\",\n"
		"        \"change\": null,\n"
		"        \"meaningful\": false,\n"
		"        \"worse\": false,\n"
		"        \"statement\": \"\u201c" "carry the car seat\u201d: 3/10 so far; rate it again "
		"to see a change.\"\n"
		"      }\n"
		"    ],\n"
		"    \"first_mean\": 3.0,\n"
		"    \"latest_mean\": 3.0,\n"
		"    \"change\": null,\n"
		"    \"meaningful\": false,\n"
		"    \"worse\": false,\n"
		"    \"statement\": \"Your average activity score is 3.0/10 so far; rate your "
		"activities again to see a change.\"\n"
		"  },\n"
		"  \"adherence\": {\n"
		"    \"sessions_done\": 1,\n"
		"    \"sessions_planned\": 5,\n"
		"    \"sessions_per_week\": 3,\n"
		"    \"percent\": 20.0,\n"
		"    \"statement\": \"You did 1 of the 5 sessions planned (20%; 3 a week).\"\n"
		"  }\n"
		"}\n";
	assert_string_equal(j, want);
	free(j);

	struct pst_buf b;
	pst_buf_init(&b, 1 << 20);
	pst_text_history(&b, h);
	assert_false(b.failed);
	assert_non_null(strstr(b.s, "Your history from 2026-01-05 to 2026-01-14\n"));
	assert_non_null(strstr(b.s, "  - Your average pain fell from 5.3 to 3.0"));
	assert_non_null(strstr(b.s, "2026-01-05          3         5.3    5    6  1 of 3\n"));
	assert_non_null(strstr(b.s, "2026-01-12          1         3.0    3    3  0 of 2\n"));
	assert_non_null(strstr(b.s, "postura does not diagnose."));
	pst_buf_free(&b);
	pst_history_free(h);
}

/* Issue 11: a session with pain 5 before and 3 after, and no check-in, is a reading of 5
 * on its day (not "no pain check-ins"); a day with a check-in keeps the check-in; the
 * pain after is listed with the session, never as a reading. */
static void test_pain_before_a_session(void **state)
{
	(void)state;
	struct pst_session_log s[3];
	session_at(&s[0], 0);
	s[0].pain_before = 5;
	s[0].pain_after = 3;
	session_at(&s[1], 0); /* later the same day: the first session's pain counts */
	s[1].at = at(0, 20);
	s[1].pain_before = 9;
	s[1].pain_after = 8;
	session_at(&s[2], 8);
	s[2].pain_before = 6;
	s[2].pain_after = 2;
	struct pst_checkin c[] = {{.at = at(8, 9), .pain = 2}};
	struct pst_history_input in = {.sessions = s, .nsessions = 3, .since = PST_HISTORY_ALL,
				       .today = day0 + 9};
	struct pst_history *h = build(&in);
	assert_int_equal(h->ndaily, 2);
	assert_true(h->daily[0].mean == 5.0);
	assert_true(h->daily[0].from_session);
	assert_true(h->daily[1].mean == 6.0);
	assert_null(strstr(h->pain.statement, "No pain"));
	assert_true(h->pain.known && h->pain.points == 1.0);
	assert_int_equal(h->weekly[0].checkins, 1);
	assert_int_equal(h->nsessions, 3);
	assert_int_equal(h->sessions[0].pain_before, 5);
	assert_int_equal(h->sessions[0].pain_after, 3);
	assert_int_equal(h->sessions[1].pain_before, 9);
	pst_history_free(h);

	in.checkins = c;
	in.ncheckins = 1;
	h = build(&in);
	assert_int_equal(h->ndaily, 2);
	assert_true(h->daily[1].mean == 2.0); /* the check-in, not the pain before (6) */
	assert_false(h->daily[1].from_session);
	assert_true(h->pain.known);
	assert_true(h->pain.points == -3.0);
	struct pst_buf b;
	pst_buf_init(&b, 1 << 20);
	pst_text_history(&b, h);
	assert_non_null(strstr(b.s, "2026-01-05: pain 5/10 before, 3/10 after"));
	pst_buf_free(&b);
	pst_history_free(h);
}

/* Five years of daily check-ins and 800 sessions: sums add up, and it is quick (the
 * work is linear; a quadratic loop over 1,800 records would still pass, so the bound is
 * on the whole, generous enough for sanitizers). */
static void test_five_years(void **state)
{
	(void)state;
	enum { DAYS = 5 * 365 + 1, SESSIONS = 800 };
	struct pst_checkin *c = calloc(DAYS, sizeof(*c));
	struct pst_session_log *s = calloc(SESSIONS, sizeof(*s));
	assert_non_null(c);
	assert_non_null(s);
	for (int i = 0; i < DAYS; i++)
		c[i] = (struct pst_checkin){.at = at_tz(i, 8, i % 2 ? -300 : 120), .pain = (i * 7) % 11};
	for (int i = 0; i < SESSIONS; i++)
		session_at(&s[i], (int)((int64_t)i * DAYS / SESSIONS));
	struct pst_saved_profile sp = {0};
	pst_profile_init(&sp.p);
	struct pst_history_input in = {.checkins = c, .ncheckins = DAYS, .sessions = s,
				       .nsessions = SESSIONS, .profile = &sp,
				       .since = PST_HISTORY_ALL, .today = day0 + DAYS - 1};
	struct pst_history *h = build(&in);
	char *txt = history_json(h);
	free(txt);
	assert_int_equal(h->ndaily, DAYS);
	int ck = 0, done = 0;
	for (size_t i = 0; i < h->nweekly; i++) {
		ck += h->weekly[i].checkins;
		done += h->weekly[i].sessions_done;
	}
	assert_int_equal(ck, DAYS);
	assert_int_equal(done, SESSIONS);
	assert_int_equal(h->adherence.done, SESSIONS);
	pst_history_free(h);
	free(c);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_daily_and_weekly),
		cmocka_unit_test(test_time_zones_and_monday_weeks),
		cmocka_unit_test(test_pain_change_edges),
		cmocka_unit_test(test_adherence),
		cmocka_unit_test(test_psfs),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_json_and_text),
		cmocka_unit_test(test_pain_before_a_session),
		cmocka_unit_test(test_five_years),
	};
	return cmocka_run_group_tests_name("history", tests, setup, NULL);
}
