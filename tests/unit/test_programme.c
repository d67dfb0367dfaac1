/* The assigned programme: parsing an edit, each refusal with its field, the safety rules
 * still applying (reasons, red flags), applying it to the plan, progression from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/programme.h"
#include "data/embedded.h"

static struct pst_catalog *cat;
static struct pst_tips *tips;

static int setup(void **state)
{
	(void)state;
	struct pst_diags d = {0};
	if (pst_catalog_load(pst_embedded_exercises, pst_embedded_exercises_n, &cat, &d) ||
	    pst_tips_load(pst_embedded_tips, pst_embedded_tips_n, &tips, &d))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pst_catalog_free(cat);
	pst_tips_free(tips);
	return 0;
}

static struct pst_profile preg(int weeks)
{
	struct pst_profile p;
	pst_profile_init(&p);
	p.has_stage = true;
	p.stage = PST_STAGE_PREGNANCY;
	p.weeks = weeks;
	p.minutes = 10;
	return p;
}

static struct pst_programme *parse_ok(const char *json)
{
	struct pst_programme *pg = NULL;
	struct pst_programme_error e;
	int r = pst_programme_parse(cat, json, strlen(json), false, &pg, &e);
	if (r)
		fail_msg("%s: %s", e.field, e.msg);
	return pg;
}

static void refused(const char *json, const char *field, const char *words)
{
	struct pst_programme *pg = NULL;
	struct pst_programme_error e;
	assert_int_equal(pst_programme_parse(cat, json, strlen(json), false, &pg, &e), PST_EINVAL);
	assert_null(pg);
	assert_string_equal(e.field, field);
	if (!strstr(e.msg, words))
		fail_msg("'%s' not in '%s'", words, e.msg);
}

static void parse_refusals(void **state)
{
	(void)state;
	refused("[1]", "body", "JSON object");
	refused("{\"exercises\": [", "body", "not JSON");
	refused("{\"exercise\": []}", "exercise", "not a field");
	refused("{\"note\": 3, \"exercises\": []}", "note", "string");
	refused("{\"exercises\": {}}", "exercises", "list");
	refused("{\"exercises\": [{\"id\": \"chin-nodd\"}]}", "exercises[0].id", "chin-nod");
	refused("{\"exercises\": [{\"id\": \"chin-nod\"}, {\"id\": \"chin-nod\"}]}",
		"exercises[1].id", "already in the programme");
	refused("{\"exercises\": [{\"id\": \"chin-nod\", \"reps\": 0}]}", "exercises[0].reps",
		"from 1 to 30");
	refused("{\"exercises\": [{\"id\": \"chin-nod\", \"reps\": 31}]}", "exercises[0].reps",
		"from 1 to 30");
	refused("{\"exercises\": [{\"id\": \"chin-nod\", \"sets\": 7}]}", "exercises[0].sets",
		"from 1 to 6");
	refused("{\"exercises\": [{\"id\": \"chin-nod\", \"hold_s\": \"ten\"}]}",
		"exercises[0].hold_s", "whole number");
	refused("{\"exercises\": [{\"id\": \"rib-breathing\", \"hold_s\": 10}]}",
		"exercises[0].hold_s", "is not held");
	refused("{\"exercises\": [{\"id\": \"chin-nod\", \"per_side\": true}]}",
		"exercises[0].per_side", "not done on each side");
	refused("{\"exercises\": [{\"id\": \"chin-nod\", \"colour\": 1}]}", "exercises[0].colour",
		"not a field");
	refused("{\"exercises\": [{\"id\": \"chin-nod\", \"note\": \"a\\u001b[31m\"}]}",
		"exercises[0].note", "control character");
	char big[1200];
	memset(big, 'a', sizeof big);
	big[sizeof big - 1] = 0;
	char doc[1400];
	snprintf(doc, sizeof doc, "{\"note\": \"%s\", \"exercises\": []}", big);
	refused(doc, "note", "at most 1000");
	/* more than the most exercises */
	char many[4096] = "{\"exercises\": [";
	for (size_t i = 0; i < cat->n && i <= PST_PROGRAMME_MAX; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%s{\"id\": \"%s\"}",
			 i ? "," : "", cat->ex[i].id);
	strcat(many, "]}");
	refused(many, "exercises", "at most 16");
}

static void parse_doses_and_notes(void **state)
{
	(void)state;
	struct pst_programme *pg = parse_ok(
		"{\"note\": \"  Little and often. \", \"exercises\": ["
		"{\"id\": \"shoulder-blade-squeezes\", \"reps\": 12, \"note\": \"Slowly.\"},"
		"{\"id\": \"chin-nod\"},"
		"{\"id\": \"gentle-spinal-twist\", \"per_side\": false, \"hold_s\": 25,"
		" \"name\": \"ignored on the way back in\"}]}");
	assert_int_equal(pg->nitems, 3);
	assert_string_equal(pg->note, "Little and often.");
	assert_string_equal(pg->items[0].ex->id, "shoulder-blade-squeezes");
	assert_int_equal(pg->items[0].dose.reps.lo, 12);
	assert_int_equal(pg->items[0].dose.reps.hi, 12);
	assert_int_equal(pg->items[0].dose.hold_s.lo, 3); /* left out: the starting dose */
	assert_string_equal(pg->items[0].note, "Slowly.");
	assert_int_equal(pg->items[1].dose.reps.lo, 5);
	assert_null(pg->items[1].note);
	assert_false(pg->items[2].dose.per_side);
	assert_int_equal(pg->items[2].dose.hold_s.lo, 25);
	pst_programme_free(pg);
}

static void check_needs_reason_for_excluded(void **state)
{
	(void)state;
	struct pst_profile p = preg(24); /* lying on the back is left out from 20 weeks */
	struct pst_programme *pg = parse_ok(
		"{\"exercises\": [{\"id\": \"chin-nod\"}, {\"id\": \"gentle-spinal-twist\"}]}");
	struct pst_programme_error e;
	assert_int_equal(pst_programme_check(pg, &p, NULL, NULL, 7, 1000, &e), PST_EINVAL);
	assert_string_equal(e.field, "exercises[1].reason");
	assert_non_null(strstr(e.msg, "pregnancy-no-supine-from-20-weeks"));
	pst_programme_free(pg);

	/* Too short a reason is no reason. */
	pg = parse_ok("{\"exercises\": [{\"id\": \"gentle-spinal-twist\", \"reason\": \"ok\"}]}");
	assert_int_equal(pst_programme_check(pg, &p, NULL, NULL, 7, 1000, &e), PST_EINVAL);
	assert_string_equal(e.field, "exercises[0].reason");
	pst_programme_free(pg);

	/* With a written reason: recorded with who and when. */
	pg = parse_ok("{\"exercises\": [{\"id\": \"gentle-spinal-twist\", \"reason\": "
		      "\"Propped on a wedge at 30 degrees, seen in clinic.\"}]}");
	assert_int_equal(pst_programme_check(pg, &p, NULL, NULL, 7, 1000, &e), PST_OK);
	assert_string_equal(pg->items[0].rule, "pregnancy-no-supine-from-20-weeks");
	assert_int_equal(pg->items[0].reason_by, 7);
	assert_int_equal(pg->items[0].reason_at, 1000);
	assert_int_equal(pg->by, 7);
	assert_int_equal(pg->at, 1000);

	/* Saved again by someone else, reason unchanged: the first who and when stay. */
	struct pst_programme *again = parse_ok(
		"{\"exercises\": [{\"id\": \"gentle-spinal-twist\", \"reason\": "
		"\"Propped on a wedge at 30 degrees, seen in clinic.\"}, {\"id\": \"chin-nod\"}]}");
	assert_int_equal(pst_programme_check(again, &p, NULL, pg, 9, 2000, &e), PST_OK);
	assert_int_equal(again->items[0].reason_by, 7);
	assert_int_equal(again->items[0].reason_at, 1000);
	assert_int_equal(again->items[0].dose_at, 1000);
	assert_int_equal(again->items[1].dose_at, 2000);
	assert_int_equal(again->by, 9);
	pst_programme_free(again);

	/* An allowed exercise needs no reason: one given is dropped. */
	struct pst_profile early = preg(12);
	assert_int_equal(pst_programme_check(pg, &early, NULL, NULL, 7, 1000, &e), PST_OK);
	assert_null(pg->items[0].reason);
	assert_null(pg->items[0].rule);
	pst_programme_free(pg);
}

static void check_red_flags_win(void **state)
{
	(void)state;
	struct pst_profile p = preg(24);
	struct pst_programme *pg = parse_ok("{\"exercises\": [{\"id\": \"chin-nod\"}]}");
	struct pst_programme_error e;
	enum pst_outcome refused_outcomes[] = {PST_OUT_EMERGENCY, PST_OUT_SAME_DAY,
					       PST_OUT_SEE_PROVIDER, PST_OUT_INCOMPLETE};
	for (size_t i = 0; i < sizeof refused_outcomes / sizeof *refused_outcomes; i++) {
		struct pst_screen_result r = {.outcome = refused_outcomes[i]};
		assert_int_equal(pst_programme_check(pg, &p, &r, NULL, 7, 1000, &e), PST_EINVAL);
		assert_string_equal(e.field, "screening");
	}
	struct pst_screen_result clear = {.outcome = PST_OUT_CLEAR};
	assert_int_equal(pst_programme_check(pg, &p, &clear, NULL, 7, 1000, &e), PST_OK);
	pst_programme_free(pg);
	/* An empty programme, and one longer than an hour, are refused. */
	pg = parse_ok("{\"exercises\": []}");
	assert_int_equal(pst_programme_check(pg, &p, NULL, NULL, 7, 1000, &e), PST_EINVAL);
	assert_string_equal(e.field, "exercises");
	pst_programme_free(pg);
	pg = parse_ok("{\"exercises\": [{\"id\": \"chin-nod\", \"sets\": 6, \"reps\": 30, "
		      "\"hold_s\": 120}]}");
	assert_int_equal(pst_programme_check(pg, &p, NULL, NULL, 7, 1000, &e), PST_EINVAL);
	assert_string_equal(e.field, "exercises");
	assert_non_null(strstr(e.msg, "at most 60"));
	pst_programme_free(pg);
}

static struct pst_plan *assigned_plan(const struct pst_profile *p, const char *json,
				      const struct pst_programme_records *rec)
{
	struct pst_plan *plan = NULL;
	assert_int_equal(pst_plan_build(cat, tips, p, NULL, NULL, &plan), PST_OK);
	struct pst_programme *pg = parse_ok(json);
	struct pst_programme_error e;
	assert_int_equal(pst_programme_check(pg, p, NULL, NULL, 7, 1000, &e), PST_OK);
	assert_int_equal(pst_programme_apply(pg, cat, p, NULL, rec, plan), PST_OK);
	pst_programme_free(pg);
	return plan;
}

static void apply_replaces_the_plan(void **state)
{
	(void)state;
	struct pst_profile p = preg(12);
	struct pst_plan *plan = assigned_plan(
		&p,
		"{\"note\": \"Five minutes after the school run.\", \"exercises\": ["
		"{\"id\": \"rib-breathing\", \"breaths\": 8},"
		"{\"id\": \"shoulder-blade-squeezes\", \"reps\": 12, \"sets\": 2, \"note\": \"Slowly.\"}]}",
		NULL);
	assert_true(plan->assigned);
	assert_string_equal(plan->programme_note, "Five minutes after the school run.");
	assert_int_equal(plan->nitems, 2);
	assert_string_equal(plan->items[0].ex->id, "rib-breathing"); /* the clinician's order */
	assert_int_equal(plan->items[0].dose.breaths.lo, 8);
	assert_string_equal(plan->items[1].note, "Slowly.");
	assert_int_equal(plan->items[1].dose.reps.lo, 12);
	assert_int_equal(plan->items[1].dose.sets.lo, 2);
	int sum = plan->items[0].seconds + plan->items[1].seconds;
	assert_int_equal(plan->estimated_s, sum);
	/* Everything else is listed as left out, with the reason. */
	assert_int_equal(plan->nexcluded, cat->n - 2);
	bool found = false;
	for (size_t i = 0; i < plan->nexcluded; i++)
		if (strcmp(plan->excluded[i].ex->id, "chin-nod") == 0) {
			assert_string_equal(plan->excluded[i].rule, "not-in-programme");
			found = true;
		}
	assert_true(found);
	pst_plan_free(plan);
}

static void apply_rules_again_today(void **state)
{
	(void)state;
	/* Assigned at 12 weeks; at 24 weeks lying on the back is left out: dropped, with a
	 * warning, unless the clinician's reason overrides that very rule. */
	struct pst_profile then = preg(12), now = preg(24);
	struct pst_programme *pg = parse_ok(
		"{\"exercises\": [{\"id\": \"chin-nod\"}, {\"id\": \"gentle-spinal-twist\"}]}");
	struct pst_programme_error e;
	assert_int_equal(pst_programme_check(pg, &then, NULL, NULL, 7, 1000, &e), PST_OK);
	struct pst_plan *plan = NULL;
	assert_int_equal(pst_plan_build(cat, tips, &now, NULL, NULL, &plan), PST_OK);
	assert_int_equal(pst_programme_apply(pg, cat, &now, NULL, NULL, plan), PST_OK);
	assert_int_equal(plan->nitems, 1);
	assert_string_equal(plan->items[0].ex->id, "chin-nod");
	bool warned = false;
	for (size_t i = 0; i < plan->nwarnings; i++)
		warned |= strstr(plan->warnings[i], "clinician's programme") != NULL;
	assert_true(warned);
	pst_plan_free(plan);
	pst_programme_free(pg);

	pg = parse_ok("{\"exercises\": [{\"id\": \"gentle-spinal-twist\", \"reason\": "
		      "\"Propped on a wedge at 30 degrees, seen in clinic.\"}]}");
	assert_int_equal(pst_programme_check(pg, &now, NULL, NULL, 7, 1000, &e), PST_OK);
	assert_int_equal(pst_plan_build(cat, tips, &now, NULL, NULL, &plan), PST_OK);
	assert_int_equal(pst_programme_apply(pg, cat, &now, NULL, NULL, plan), PST_OK);
	assert_int_equal(plan->nitems, 1);
	assert_string_equal(plan->items[0].override_rule, "pregnancy-no-supine-from-20-weeks");
	assert_non_null(strstr(plan->items[0].override_reason, "wedge"));
	pst_plan_free(plan);
	pst_programme_free(pg);
}

static void json_round_trip(void **state)
{
	(void)state;
	struct pst_profile p = preg(24);
	struct pst_programme *pg = parse_ok(
		"{\"note\": \"n\", \"exercises\": [{\"id\": \"chin-nod\", \"reps\": 7}, "
		"{\"id\": \"gentle-spinal-twist\", \"reason\": \"Propped on a wedge, seen in clinic.\"}]}");
	struct pst_programme_error e;
	assert_int_equal(pst_programme_check(pg, &p, NULL, NULL, 7, 1000, &e), PST_OK);
	json_t *j = pst_programme_json(pg, true);
	char *text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	struct pst_programme *back = NULL;
	assert_int_equal(pst_programme_parse(cat, text, strlen(text), true, &back, &e), PST_OK);
	free(text);
	assert_int_equal(back->nitems, 2);
	assert_int_equal(back->items[0].dose.reps.lo, 7);
	assert_string_equal(back->items[1].rule, "pregnancy-no-supine-from-20-weeks");
	assert_int_equal(back->items[1].reason_by, 7);
	assert_int_equal(back->items[1].reason_at, 1000);
	assert_int_equal(back->items[0].dose_at, 1000);
	assert_int_equal(back->by, 7);
	assert_string_equal(back->note, "n");
	pst_programme_free(back);
	pst_programme_free(pg);
}

static struct pst_session_ex sx[8];
static struct pst_session_log session_on(int64_t epoch, const char *id, enum pst_feedback fb,
					 size_t k)
{
	sx[k] = (struct pst_session_ex){.id = id, .feedback = fb, .pain = 1};
	return (struct pst_session_log){.at = {epoch, 0}, .pain_before = 2, .pain_after = 2,
					.ex = &sx[k], .nex = 1};
}

static void progression_from_assigned_dose(void **state)
{
	(void)state;
	struct pst_profile p = preg(12);
	const int64_t day = 86400;
	/* Two easy sessions before the assignment (at 1000 s) do not count; two after raise
	 * the assigned 12 repetitions by one step (12 to the catalogue's 15: one at a time). */
	struct pst_session_log logs[4] = {
		session_on(-3 * day, "shoulder-blade-squeezes", PST_FB_EASY, 0),
		session_on(-2 * day, "shoulder-blade-squeezes", PST_FB_EASY, 1),
		session_on(2 * day, "shoulder-blade-squeezes", PST_FB_EASY, 2),
		session_on(4 * day, "shoulder-blade-squeezes", PST_FB_EASY, 3),
	};
	struct pst_programme_records rec = {.sessions = logs, .nsessions = 2};
	struct pst_plan *plan = assigned_plan(
		&p, "{\"exercises\": [{\"id\": \"shoulder-blade-squeezes\", \"reps\": 12}]}", &rec);
	assert_int_equal(plan->items[0].dose.reps.lo, 12); /* history before: nothing */
	pst_plan_free(plan);
	rec = (struct pst_programme_records){.sessions = logs, .nsessions = 4};
	plan = assigned_plan(&p, "{\"exercises\": [{\"id\": \"shoulder-blade-squeezes\", \"reps\": 12}]}",
			     &rec);
	assert_int_equal(plan->items[0].dose.reps.lo, 13);
	assert_true(plan->items[0].progressed);
	assert_non_null(plan->items[0].progression);
	pst_plan_free(plan);
	/* Past the catalogue's top: an assigned 20 climbs on from 20 (its own ladder). */
	plan = assigned_plan(&p, "{\"exercises\": [{\"id\": \"shoulder-blade-squeezes\", \"reps\": 20}]}",
			     &rec);
	assert_true(plan->items[0].dose.reps.lo >= 20);
	pst_plan_free(plan);
	/* It hurt after the assignment: never above the assigned dose. */
	struct pst_session_log hurt[1] = {session_on(2 * day, "shoulder-blade-squeezes", PST_FB_HURT, 4)};
	rec = (struct pst_programme_records){.sessions = hurt, .nsessions = 1};
	plan = assigned_plan(&p, "{\"exercises\": [{\"id\": \"shoulder-blade-squeezes\", \"reps\": 12}]}",
			     &rec);
	assert_true(plan->items[0].ex != pst_catalog_find(cat, "shoulder-blade-squeezes") ||
		    plan->items[0].dose.reps.lo <= 12);
	assert_non_null(plan->items[0].progression);
	pst_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_refusals),
		cmocka_unit_test(parse_doses_and_notes),
		cmocka_unit_test(check_needs_reason_for_excluded),
		cmocka_unit_test(check_red_flags_win),
		cmocka_unit_test(apply_replaces_the_plan),
		cmocka_unit_test(apply_rules_again_today),
		cmocka_unit_test(json_round_trip),
		cmocka_unit_test(progression_from_assigned_dose),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
