/* Attention tests: each reason found from records (a red flag in the last answers, pain
 * up by a meaningful change and its edges, "it hurt" in the last 7 days, sessions missed
 * against the plan), none for a patient who is doing well, and the order of patients. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/attention.h"
#include "core/planner.h"
#include "data/builtin.h"

static int64_t day0; /* 2026-01-05, a Monday */
static const struct pst_questions *Q = &pst_builtin_questions;
static const struct pst_catalog *C = &pst_builtin_catalog;

static int setup(void **state)
{
	(void)state;
	return pst_day_parse("2026-01-05", &day0) ? -1 : 0;
}

/* Noon of day (from day0), UTC+1. */
static struct pst_time at(int day, int hour)
{
	return (struct pst_time){(day0 + day) * 86400 + hour * 3600 - 3600, 60};
}

/* Answers "no" to every question, "yes" to the ids given (NULL-terminated); malloc'd. */
static char *answers(const char *const *yes)
{
	json_t *o = json_object();
	for (size_t i = 0; i < Q->n; i++)
		json_object_set_new(o, Q->v[i].id, json_false());
	for (; yes && *yes; yes++)
		json_object_set_new(o, *yes, json_true());
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* A patient 20 weeks pregnant, 20-minute sessions (Mon, Wed, Fri), profile saved at
 * plan_start, screened clear on day 0 unless a test changes it. */
struct patient {
	struct pst_saved_profile sp;
	struct pst_minutes_change mc;
	struct pst_checkin ck[32];
	size_t nck;
	struct pst_session_log ss[16];
	struct pst_session_ex ex[16][4];
	size_t nss;
	char *answers;
	struct pst_attention_records rec;
};

static void patient_init(struct patient *p, int plan_start)
{
	memset(p, 0, sizeof *p);
	pst_profile_init(&p->sp.p);
	p->sp.p.has_stage = true;
	p->sp.p.stage = PST_STAGE_PREGNANCY;
	p->sp.p.weeks = 20;
	p->sp.p.minutes = 20;
	p->sp.updated = at(plan_start, 9);
	p->sp.anchor_day = day0 + plan_start - 20 * 7;
	p->mc = (struct pst_minutes_change){day0 + plan_start, 20};
	p->answers = answers(NULL);
}

static void checkin(struct patient *p, int day, int hour, int pain)
{
	p->ck[p->nck] = (struct pst_checkin){.id = (int64_t)p->nck + 1, .at = at(day, hour), .pain = pain};
	p->nck++;
}

/* A session with one exercise (cat-cow) given feedback fb. */
static void session(struct patient *p, int day, int hour, int before, enum pst_feedback fb)
{
	size_t i = p->nss++;
	p->ex[i][0] = (struct pst_session_ex){"cat-cow", fb, -1};
	p->ss[i] = (struct pst_session_log){.id = 100 + (int64_t)i, .at = at(day, hour),
					    .pain_before = before, .pain_after = before,
					    .ex = p->ex[i], .nex = 1};
}

static void build(struct patient *p, int today, struct pst_patient_summary *s,
		  struct pst_attention *a)
{
	p->rec = (struct pst_attention_records){
		.checkins = p->ck, .ncheckins = p->nck, .sessions = p->ss, .nsessions = p->nss,
		.profile = &p->sp, .minutes = &p->mc, .nminutes = 1,
		.screening_answers = p->answers, .screening_stages = PST_BIT(PST_STAGE_PREGNANCY),
		.screened_at = at(0, 8)};
	pst_patient_summary_from_records(&p->rec, day0 + today, s);
	assert_int_equal(pst_attention_build(Q, C, s, day0 + today, NULL, a), PST_OK);
}

static void patient_free(struct patient *p)
{
	free(p->answers);
}

static const struct pst_attention_reason *find(const struct pst_attention *a,
					       enum pst_attention_kind k)
{
	for (size_t i = 0; i < a->nreasons; i++)
		if (a->reasons[i].kind == k)
			return &a->reasons[i];
	return NULL;
}

/* Sessions on Monday and Wednesday, steady pain, Wednesday today: nothing to look at. */
static void test_doing_well(void **state)
{
	(void)state;
	struct patient p;
	patient_init(&p, -14);
	checkin(&p, -3, 9, 4);
	checkin(&p, -1, 9, 4);
	session(&p, 0, 18, 4, PST_FB_RIGHT);
	session(&p, 2, 18, 5, PST_FB_EASY);
	struct pst_patient_summary s;
	struct pst_attention a;
	build(&p, 2, &s, &a);
	assert_int_equal(a.nreasons, 0);
	assert_int_equal(a.rank, PST_ATT_RANK_NONE);
	assert_int_equal(a.outcome, PST_OUT_CLEAR);
	assert_int_equal(a.nflags, 0);
	assert_true(s.has_pain);
	assert_int_equal(s.last_pain, 5); /* the pain before Wednesday's session */
	assert_int_equal(s.base_count, 3);
	assert_int_equal(a.trend, PST_TREND_STEADY);
	assert_int_equal(a.done, 2);
	assert_int_equal(a.planned, 3);
	assert_int_equal(a.planned_so_far, 2);
	assert_int_equal(a.missed, 0);
	pst_attention_free(&a);
	patient_free(&p);
}

/* A yes to a same-day question, and a yes to a note: two red-flag reasons, the same-day
 * first; the patient has no plan then, so no session is "missed". */
static void test_red_flag(void **state)
{
	(void)state;
	struct patient p;
	patient_init(&p, -14);
	free(p.answers);
	p.answers = answers((const char *const[]){"leaking", "vaginal-bleeding", NULL});
	struct pst_patient_summary s;
	struct pst_attention a;
	build(&p, 4, &s, &a); /* Friday, no session this week */
	assert_int_equal(a.outcome, PST_OUT_SAME_DAY);
	assert_int_equal(a.nflags, 2);
	assert_string_equal(a.flags[0]->id, "vaginal-bleeding");
	assert_string_equal(a.flags[1]->id, "leaking");
	assert_int_equal(a.nreasons, 2);
	assert_int_equal(a.reasons[0].kind, PST_ATT_RED_FLAG);
	assert_int_equal(a.reasons[0].rank, PST_OUT_SAME_DAY);
	assert_non_null(strstr(a.reasons[0].text, "2026-01-05"));
	assert_non_null(strstr(a.reasons[0].text, pst_questions_find(Q, "vaginal-bleeding")->question));
	assert_int_equal(a.reasons[1].rank, PST_OUT_NOTE);
	assert_int_equal(a.rank, PST_OUT_SAME_DAY);
	assert_int_equal(a.planned, 0);
	assert_int_equal(a.missed, 0);
	pst_attention_free(&a);
	patient_free(&p);
}

/* A note alone still gives a plan: the flag is shown and missed sessions count too. */
static void test_note_and_missed(void **state)
{
	(void)state;
	struct patient p;
	patient_init(&p, -14);
	free(p.answers);
	p.answers = answers((const char *const[]){"leaking", NULL});
	struct pst_patient_summary s;
	struct pst_attention a;
	build(&p, 4, &s, &a); /* Friday: Monday and Wednesday were session days */
	assert_int_equal(a.outcome, PST_OUT_NOTE);
	assert_int_equal(a.nreasons, 2);
	assert_int_equal(a.reasons[0].kind, PST_ATT_RED_FLAG);
	assert_int_equal(a.reasons[1].kind, PST_ATT_MISSED);
	assert_int_equal(a.missed, 2);
	assert_non_null(strstr(a.reasons[1].text, "0 done of the 2 planned"));
	pst_attention_free(&a);
	patient_free(&p);
}

struct pain_case {
	int base[4]; /* -1 ends */
	int last;
	enum pst_pain_trend trend;
};

/* NPRS: 2 points, or 30% of the average before (Childs 2005); exactly on the edge counts. */
static void test_pain_trend(void **state)
{
	(void)state;
	static const struct pain_case cases[] = {
		{{3, 3, -1}, 5, PST_TREND_UP},     /* exactly 2 points */
		{{3, 4, -1}, 5, PST_TREND_UP},     /* 1.5 points, but 43% of 3.5 */
		{{6, -1}, 7, PST_TREND_STEADY},    /* 1 point, 17% */
		{{5, -1}, 7, PST_TREND_UP},
		{{10, -1}, 7, PST_TREND_DOWN},     /* 3 points, 30%: a fall */
		{{8, 8, -1}, 6, PST_TREND_DOWN},
		{{0, -1}, 1, PST_TREND_STEADY},    /* from 0: only points count */
		{{-1}, 9, PST_TREND_UNKNOWN},      /* nothing before */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct patient p;
		patient_init(&p, -30);
		for (int k = 0; cases[i].base[k] >= 0; k++)
			checkin(&p, -1 - k, 9, cases[i].base[k]);
		checkin(&p, -20, 9, 10); /* more than 14 days before: left out */
		checkin(&p, 0, 9, cases[i].last);
		checkin(&p, 5, 9, 10); /* after today: left out */
		struct pst_patient_summary s;
		struct pst_attention a;
		build(&p, 0, &s, &a);
		assert_int_equal(s.last_pain, cases[i].last);
		assert_int_equal(a.trend, cases[i].trend);
		const struct pst_attention_reason *r = find(&a, PST_ATT_PAIN_UP);
		assert_true((r != NULL) == (cases[i].trend == PST_TREND_UP));
		if (r)
			assert_non_null(strstr(r->text, "2026-01-05"));
		pst_attention_free(&a);
		patient_free(&p);
	}
}

/* The last reading of a day is the latest by time, check-in or session; readings of its
 * own day are not part of what it is compared with. */
static void test_pain_last(void **state)
{
	(void)state;
	struct patient p;
	patient_init(&p, -30);
	checkin(&p, -2, 9, 2);
	checkin(&p, 0, 7, 8);         /* same day as the last: not in the base */
	session(&p, 0, 18, 6, PST_FB_RIGHT); /* the last reading: pain before */
	struct pst_patient_summary s;
	struct pst_attention a;
	build(&p, 0, &s, &a);
	assert_int_equal(s.last_pain, 6);
	assert_int_equal(s.base_count, 1);
	assert_int_equal(s.base_sum, 2);
	assert_int_equal(a.trend, PST_TREND_UP);
	const struct pst_attention_reason *r = find(&a, PST_ATT_PAIN_UP);
	assert_non_null(r);
	assert_non_null(strstr(r->text, "6/10"));
	assert_non_null(strstr(r->text, "2.0"));
	pst_attention_free(&a);
	patient_free(&p);
}

/* "It hurt" counts within the last 7 days, named by the exercise's name. */
static void test_hurt(void **state)
{
	(void)state;
	struct patient p;
	patient_init(&p, -30);
	session(&p, -9, 18, 3, PST_FB_HURT); /* too old */
	session(&p, -6, 18, 3, PST_FB_HURT); /* the 7th day back: counts */
	session(&p, -2, 18, 3, PST_FB_RIGHT);
	struct pst_patient_summary s;
	struct pst_attention a;
	build(&p, 0, &s, &a);
	assert_int_equal(s.hurt_count, 1);
	assert_int_equal(s.hurt_day, day0 - 6);
	const struct pst_attention_reason *r = find(&a, PST_ATT_HURT);
	assert_non_null(r);
	assert_non_null(strstr(r->text, "Cat-cow"));
	pst_attention_free(&a);

	session(&p, -1, 18, 3, PST_FB_HURT);
	build(&p, 0, &s, &a);
	assert_int_equal(s.hurt_count, 2);
	assert_int_equal(s.hurt_day, day0 - 1);
	r = find(&a, PST_ATT_HURT);
	assert_non_null(strstr(r->text, "2 times"));
	pst_attention_free(&a);
	patient_free(&p);
}

/* A plan started this Wednesday: Monday's session day is not missed; Wednesday (today)
 * is not missed before the day is over. */
static void test_missed_plan_start(void **state)
{
	(void)state;
	struct patient p;
	patient_init(&p, 2);
	struct pst_patient_summary s;
	struct pst_attention a;
	build(&p, 2, &s, &a);
	assert_int_equal(a.planned_so_far, 1);
	assert_int_equal(a.missed, 0);
	assert_null(find(&a, PST_ATT_MISSED));
	pst_attention_free(&a);
	build(&p, 5, &s, &a); /* Saturday: Wednesday and Friday planned, none done */
	assert_int_equal(a.missed, 2);
	assert_non_null(find(&a, PST_ATT_MISSED));
	pst_attention_free(&a);
	session(&p, 3, 18, 3, PST_FB_RIGHT); /* Thursday counts for the week */
	build(&p, 5, &s, &a);
	assert_int_equal(a.done, 1);
	assert_int_equal(a.missed, 1);
	pst_attention_free(&a);
	patient_free(&p);
}

/* Without safety answers or a profile: no plan, so nothing is missed; no flags. */
static void test_new_patient(void **state)
{
	(void)state;
	struct pst_attention_records rec = {0};
	struct pst_patient_summary s;
	struct pst_attention a;
	pst_patient_summary_from_records(&rec, day0 + 4, &s);
	assert_int_equal(pst_attention_build(Q, C, &s, day0 + 4, NULL, &a), PST_OK);
	assert_false(a.screened);
	assert_false(s.has_pain);
	assert_int_equal(a.trend, PST_TREND_UNKNOWN);
	assert_int_equal(a.nreasons, 0);
	assert_int_equal(a.planned, 0);
	pst_attention_free(&a);
}

/* The order of patients: a red flag before pain up before "it hurt" before missed; more
 * reasons first at the same rank. */
static void test_order(void **state)
{
	(void)state;
	struct pst_attention flag = {.rank = PST_OUT_SEE_PROVIDER, .nreasons = 1},
			     emerg = {.rank = PST_OUT_EMERGENCY, .nreasons = 1},
			     pain = {.rank = PST_ATT_RANK_PAIN_UP, .nreasons = 1},
			     pain2 = {.rank = PST_ATT_RANK_PAIN_UP, .nreasons = 2},
			     hurt = {.rank = PST_ATT_RANK_HURT, .nreasons = 1},
			     missed = {.rank = PST_ATT_RANK_MISSED, .nreasons = 1},
			     none = {.rank = PST_ATT_RANK_NONE};
	assert_true(pst_attention_cmp(&emerg, &flag) < 0);
	assert_true(pst_attention_cmp(&flag, &pain) < 0);
	assert_true(pst_attention_cmp(&pain2, &pain) < 0);
	assert_true(pst_attention_cmp(&pain, &hurt) < 0);
	assert_true(pst_attention_cmp(&hurt, &missed) < 0);
	assert_true(pst_attention_cmp(&missed, &none) < 0);
	assert_int_equal(pst_attention_cmp(&pain, &pain), 0);
}

/* Answers to a question that no longer exists cannot be read: screened, but no flag. */
static void test_changed_questions(void **state)
{
	(void)state;
	struct patient p;
	patient_init(&p, -14);
	free(p.answers);
	p.answers = strdup("{\"no-such-question\": true}");
	struct pst_patient_summary s;
	struct pst_attention a;
	build(&p, 2, &s, &a);
	assert_true(a.screened);
	assert_int_equal(a.outcome, PST_OUT_INCOMPLETE);
	assert_int_equal(a.nflags, 0);
	assert_int_equal(a.planned, 0);
	pst_attention_free(&a);
	patient_free(&p);
}

/* A memo gives what evaluating each set of answers gives: the same answers twice, then
 * other answers, then answers that no longer parse. */
static void test_memo(void **state)
{
	(void)state;
	struct pst_attention_memo *m = pst_attention_memo_new();
	assert_non_null(m);
	static const char *const sets[][3] = {{"leaking", "vaginal-bleeding", NULL},
					       {"leaking", "vaginal-bleeding", NULL},
					       {NULL, NULL, NULL},
					       {"chest-pain", NULL, NULL},
					       {NULL, NULL, NULL}};
	for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
		for (int pass = 0; pass < 2; pass++) {
			struct patient p;
			patient_init(&p, -14);
			free(p.answers);
			p.answers = answers(sets[i]);
			p.rec = (struct pst_attention_records){
				.profile = &p.sp, .minutes = &p.mc, .nminutes = 1,
				.screening_answers = p.answers,
				.screening_stages = PST_BIT(PST_STAGE_PREGNANCY), .screened_at = at(0, 8)};
			struct pst_patient_summary s;
			struct pst_attention with, without;
			pst_patient_summary_from_records(&p.rec, day0 + 2, &s);
			assert_int_equal(pst_attention_build(Q, C, &s, day0 + 2, m, &with), PST_OK);
			assert_int_equal(pst_attention_build(Q, C, &s, day0 + 2, NULL, &without), PST_OK);
			assert_int_equal(with.outcome, without.outcome);
			assert_int_equal(with.nflags, without.nflags);
			for (size_t k = 0; k < with.nflags; k++)
				assert_ptr_equal(with.flags[k], without.flags[k]);
			assert_int_equal(with.nreasons, without.nreasons);
			for (size_t k = 0; k < with.nreasons; k++)
				assert_string_equal(with.reasons[k].text, without.reasons[k].text);
			pst_attention_free(&with);
			pst_attention_free(&without);
			patient_free(&p);
		}
	}
	pst_attention_memo_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doing_well),
		cmocka_unit_test(test_red_flag),
		cmocka_unit_test(test_note_and_missed),
		cmocka_unit_test(test_pain_trend),
		cmocka_unit_test(test_pain_last),
		cmocka_unit_test(test_hurt),
		cmocka_unit_test(test_missed_plan_start),
		cmocka_unit_test(test_new_patient),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_changed_questions),
		cmocka_unit_test(test_memo),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
