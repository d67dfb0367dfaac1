/* Planner tests: properties over thousands of generated profiles, and the behaviour a
 * person notices (the mix, the order, the swaps, the schedule, red flags winning). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/planner.h"
#include "data/embedded.h"
#include "render/json.h"
#include "render/plan.h"

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

static struct pst_profile preg(int weeks, int minutes)
{
	struct pst_profile p;
	pst_profile_init(&p);
	p.has_stage = true;
	p.stage = PST_STAGE_PREGNANCY;
	p.weeks = weeks;
	p.minutes = minutes;
	return p;
}

static struct pst_profile postp(int weeks, enum pst_birth birth, int minutes)
{
	struct pst_profile p = preg(1, minutes);
	p.stage = PST_STAGE_POSTPARTUM;
	p.weeks = weeks;
	p.birth = birth;
	return p;
}

static struct pst_plan *build(const struct pst_profile *p)
{
	struct pst_plan *plan = NULL;
	assert_int_equal(pst_plan_build(cat, tips, p, NULL, NULL, &plan), PST_OK);
	return plan;
}

static const struct pst_plan_item *find_item(const struct pst_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->nitems; i++)
		if (strcmp(plan->items[i].ex->id, id) == 0)
			return &plan->items[i];
	return NULL;
}

static const struct pst_plan_excluded *find_excluded(const struct pst_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->nexcluded; i++)
		if (strcmp(plan->excluded[i].ex->id, id) == 0)
			return &plan->excluded[i];
	return NULL;
}

static char *plan_json(const struct pst_plan *plan)
{
	json_t *j = pst_json_plan(plan);
	char *s = pst_json_text(j);
	json_decref(j);
	return s;
}

static int kind_rank(enum pst_kind k)
{
	return k == PST_KIND_MOBILITY ? 0 : k == PST_KIND_STRETCH ? 1 : k == PST_KIND_STRENGTHEN ? 2 : 3;
}

/* A small, fixed pseudo-random generator: the same profiles on every run. */
static uint32_t rng = 12345;
static uint32_t next(void)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) & 0xFFFFFF;
}

static struct pst_profile random_profile(void)
{
	struct pst_profile p;
	pst_profile_init(&p);
	p.has_stage = true;
	if (next() % 2) {
		p.stage = PST_STAGE_PREGNANCY;
		p.weeks = 1 + (int)(next() % 42);
	} else {
		p.stage = PST_STAGE_POSTPARTUM;
		p.weeks = (int)(next() % 105);
		p.birth = next() % 2 ? PST_BIRTH_VAGINAL : PST_BIRTH_CAESAREAN;
		p.feeding = (enum pst_feeding)(next() % PST_FEED__MAX);
	}
	p.pain = (int)(next() % 12) - 1;
	p.areas = next() % (1u << PST_AREA__MAX);
	p.triggers = next() % (1u << PST_TRIG__MAX);
	p.equipment = next() % (1u << PST_EQ__MAX);
	p.avoid = next() % (1u << PST_AVOID__MAX);
	p.minutes = 3 + (int)(next() % 58);
	p.conditions = next() % (1u << PST_COND__MAX);
	return p;
}

/* A stretch for the chest and the fronts of the shoulders, by the catalogue's own words. */
static bool chest_opener(const struct pst_exercise *e)
{
	/* Not a backward bend of the spine (couch stretch): that stretches into the back. */
	return e->kind == PST_KIND_STRETCH && (e->regions & PST_BIT(PST_REG_FRONT_SHOULDER)) &&
	       (e->regions & PST_BIT(PST_REG_CHEST)) && !e->backward_bend;
}

static bool has_chest_opener(const struct pst_plan *plan)
{
	for (size_t i = 0; i < plan->nitems; i++)
		if (chest_opener(plan->items[i].ex))
			return true;
	return false;
}

static void test_property_thousands_of_profiles(void **state)
{
	(void)state;
	for (int round = 0; round < 3000; round++) {
		struct pst_profile p = random_profile();
		struct pst_plan *plan = build(&p);
		/* Within the budget, and the estimate adds up. */
		assert_true(plan->estimated_s <= p.minutes * 60);
		int sum = 0;
		for (size_t i = 0; i < plan->nitems; i++)
			sum += plan->items[i].seconds;
		assert_int_equal(sum, plan->estimated_s);
		assert_true(plan->nitems >= 1);
		for (size_t i = 0; i < plan->nitems; i++) {
			const struct pst_exercise *e = plan->items[i].ex;
			/* No excluded position, equipment or load ever reaches the plan. */
			if (pst_rules_excluding(e, &p)) {
				print_error("round %d: %s breaks %s\n", round, e->id,
					    pst_rules_excluding(e, &p)->id);
				fail();
			}
			assert_int_equal(e->equipment & ~p.equipment, 0);
			if (p.avoid & PST_BIT(PST_AVOID_FLOOR))
				assert_false(pst_position_on_floor(e->position));
			/* Mobility, then stretches, then strengthening, then breathing/relaxation. */
			if (i > 0)
				assert_true(kind_rank(plan->items[i - 1].ex->kind) <= kind_rank(e->kind));
			/* Every range of a prescribed dose is one number. */
			assert_int_equal(plan->items[i].dose.sets.lo, plan->items[i].dose.sets.hi);
			assert_non_null(plan->items[i].why);
		}
		/* Every catalogue exercise is either planned or left out with a reason, once. */
		assert_int_equal(plan->nitems + plan->nexcluded, cat->n);
		for (size_t i = 0; i < plan->nexcluded; i++) {
			assert_null(find_item(plan, plan->excluded[i].ex->id));
			assert_true(strlen(plan->excluded[i].reason) > 10);
		}
		/* From 8 minutes: mobility, a front-opening stretch and back/neck strengthening. */
		if (p.minutes >= 8) {
			bool mob = false, front = false, back = false;
			for (size_t i = 0; i < plan->nitems; i++) {
				mob |= plan->items[i].ex->kind == PST_KIND_MOBILITY;
				front |= pst_exercise_opens_front(plan->items[i].ex);
				back |= pst_exercise_strengthens_back(plan->items[i].ex);
			}
			if (!(mob && front && back)) {
				print_error("round %d: mix missing (mob %d front %d back %d), %d min\n",
					    round, mob, front, back, p.minutes);
				fail();
			}
		}
		/* Upper-back pain (or no area given): a chest opener, at every length of session
		 * (open the front, do not stretch into the painful back: seeds 000, 002). */
		if (((p.areas & PST_BIT(PST_AREA_UPPER)) || !p.areas) && !has_chest_opener(plan)) {
			print_error("round %d: no chest opener for upper-back pain, %d min\n", round,
				    p.minutes);
			fail();
		}
		/* The first two weeks after birth: sitting, standing and side-lying only. */
		if (p.stage == PST_STAGE_POSTPARTUM && p.weeks < 2)
			for (size_t i = 0; i < plan->nitems; i++) {
				enum pst_position pos = plan->items[i].ex->position;
				assert_true(pos == PST_POS_SEATED || pos == PST_POS_STANDING ||
					    pos == PST_POS_SIDE_LYING);
			}
		/* 3-4 sessions a week, never on two days in a row. */
		assert_true(plan->sessions_per_week >= 3 && plan->sessions_per_week <= 4);
		int count = 0;
		for (int d = 0; d < PST_DAYS; d++) {
			count += plan->session_days[d];
			if (d > 0)
				assert_false(plan->session_days[d] && plan->session_days[d - 1]);
		}
		assert_int_equal(count, plan->sessions_per_week);
		/* Deterministic: the same input, byte for byte the same output. */
		if (round % 10 == 0) {
			struct pst_plan *again = build(&p);
			char *a = plan_json(plan), *b = plan_json(again);
			assert_string_equal(a, b);
			free(a);
			free(b);
			pst_plan_free(again);
		}
		pst_plan_free(plan);
	}
}

/* The chest opener stays in upper-back plans when a forward-bending stretch (child's
 * pose, whose easier variant is the wall opener) would otherwise take the stretch's place. */
static void test_chest_opener_in_upper_back_plans(void **state)
{
	(void)state;
	for (int minutes = 3; minutes <= 60; minutes++) {
		struct pst_profile p = preg(26, minutes);
		p.areas = PST_BIT(PST_AREA_UPPER);
		struct pst_plan *plan = build(&p);
		if (!has_chest_opener(plan)) {
			print_error("%d minutes: no chest opener\n", minutes);
			fail();
		}
		pst_plan_free(plan);
		/* The same after birth, at a desk, and with only the floor avoided. */
		p = postp(12, PST_BIRTH_VAGINAL, minutes);
		p.areas = PST_BIT(PST_AREA_UPPER) | PST_BIT(PST_AREA_NECK);
		p.triggers = PST_BIT(PST_TRIG_DESK);
		p.avoid = PST_BIT(PST_AVOID_FLOOR);
		plan = build(&p);
		assert_true(has_chest_opener(plan));
		pst_plan_free(plan);
	}
	/* High pain in late pregnancy, upper and mid back: the opener still leads (it was a
	 * backward bend and a forward fold before). */
	struct pst_profile p = preg(34, 10);
	p.areas = PST_BIT(PST_AREA_UPPER) | PST_BIT(PST_AREA_MID);
	p.pain = 8;
	struct pst_plan *plan = build(&p);
	assert_true(has_chest_opener(plan));
	bool said = false;
	for (size_t i = 0; i < plan->nitems; i++)
		if (chest_opener(plan->items[i].ex))
			said |= strstr(plan->items[i].why, "opens the front") != NULL;
	assert_true(said);
	pst_plan_free(plan);
}

/* On the day of a caesarean: nothing on the floor, nothing pressing on the wound. */
static void test_caesarean_day_and_first_weeks(void **state)
{
	(void)state;
	struct pst_profile p = postp(0, PST_BIRTH_CAESAREAN, 10);
	p.areas = PST_BIT(PST_AREA_UPPER) | PST_BIT(PST_AREA_MID);
	struct pst_plan *plan = build(&p);
	assert_null(find_item(plan, "childs-pose"));
	const struct pst_plan_excluded *x = find_excluded(plan, "childs-pose");
	assert_non_null(x);
	assert_string_equal(x->rule, "caesarean-nothing-pressing-on-the-wound-before-6-weeks");
	assert_non_null(strstr(x->reason, "wound"));
	x = find_excluded(plan, "couch-stretch");
	assert_non_null(x);
	assert_string_equal(x->rule, "caesarean-no-kneeling-backward-bend-before-6-weeks");
	x = find_excluded(plan, "kneeling-upper-back-extension");
	assert_string_equal(x->rule, "caesarean-no-kneeling-backward-bend-before-6-weeks");
	for (size_t i = 0; i < plan->nitems; i++)
		assert_false(pst_position_on_floor(plan->items[i].ex->position) &&
			     plan->items[i].ex->position != PST_POS_SIDE_LYING);
	pst_plan_free(plan);
	/* 4 weeks after a caesarean: the kneeling backward bends give way to the seated one. */
	p = postp(4, PST_BIRTH_CAESAREAN, 20);
	p.areas = PST_BIT(PST_AREA_UPPER) | PST_BIT(PST_AREA_MID);
	plan = build(&p);
	assert_null(find_item(plan, "couch-stretch"));
	assert_null(find_item(plan, "kneeling-upper-back-extension"));
	assert_null(find_item(plan, "childs-pose"));
	pst_plan_free(plan);
	/* 3 weeks after a vaginal birth, cat-cow is gentle mobility: not left out as "load". */
	p = postp(3, PST_BIRTH_VAGINAL, 10);
	plan = build(&p);
	x = find_excluded(plan, "cat-cow");
	assert_true(!x || strcmp(x->rule, "postpartum-gentle-only-before-6-weeks") != 0);
	pst_plan_free(plan);
	/* 1 week after a vaginal birth, at any length: cat-cow waits, off the floor. */
	p = postp(1, PST_BIRTH_VAGINAL, 30);
	plan = build(&p);
	x = find_excluded(plan, "cat-cow");
	assert_non_null(x);
	assert_string_equal(x->rule, "postpartum-off-the-floor-first-2-weeks");
	pst_plan_free(plan);
}

static const struct pst_plan_item *find_optional(const struct pst_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->noptional; i++)
		if (strcmp(plan->optional[i].ex->id, id) == 0)
			return &plan->optional[i];
	return NULL;
}

/* The first two weeks after any birth: floor work is offered as optional, never planned;
 * only what nothing else rules out, and not after a caesarean. */
static void test_first_weeks_floor_work_optional(void **state)
{
	(void)state;
	struct pst_profile p = postp(1, PST_BIRTH_VAGINAL, 10);
	p.areas = PST_BIT(PST_AREA_UPPER) | PST_BIT(PST_AREA_MID);
	struct pst_plan *plan = build(&p);
	const struct pst_plan_item *o = find_optional(plan, "cat-cow");
	assert_non_null(o);
	assert_true(o->dose.breaths.lo > 0 || o->dose.reps.lo > 0 || o->dose.hold_s.lo > 0);
	assert_non_null(find_optional(plan, "childs-pose"));
	const struct pst_plan_excluded *x = find_excluded(plan, "cat-cow");
	assert_non_null(x);
	assert_true(x->optional);
	for (size_t i = 0; i < plan->noptional; i++) {
		assert_null(find_item(plan, plan->optional[i].ex->id));
		assert_true(pst_position_on_floor(plan->optional[i].ex->position));
		/* Strengthening or loaded work still waits until 6 weeks. */
		assert_true(plan->optional[i].ex->gentle);
	}
	/* Not part of the routine: the text says so, the JSON lists them apart. */
	struct pst_buf b;
	pst_buf_init(&b, 8192);
	pst_text_plan(&b, plan, NULL);
	assert_non_null(strstr(b.s, "Optional floor exercises (not part of your routine)"));
	pst_buf_free(&b);
	json_t *j = pst_json_plan(plan);
	json_t *opt = json_object_get(j, "optional");
	assert_int_equal(json_array_size(opt), plan->noptional);
	assert_string_equal(json_string_value(json_object_get(json_array_get(opt, 0), "id")), "cat-cow");
	json_decref(j);
	/* What another rule leaves out is not offered: weight on the wrists. */
	pst_plan_free(plan);
	p.conditions = PST_BIT(PST_COND_WRIST_OR_THUMB_PAIN);
	plan = build(&p);
	assert_null(find_optional(plan, "cat-cow"));
	assert_false(find_excluded(plan, "cat-cow")->optional);
	pst_plan_free(plan);
	/* After a caesarean nothing on the floor is offered; from 2 weeks it is planned. */
	p = postp(0, PST_BIRTH_CAESAREAN, 10);
	plan = build(&p);
	assert_int_equal(plan->noptional, 0);
	pst_plan_free(plan);
	p = postp(2, PST_BIRTH_VAGINAL, 10);
	plan = build(&p);
	assert_int_equal(plan->noptional, 0);
	pst_plan_free(plan);
}

static void ids(const struct pst_plan *plan, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < plan->nitems && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s ", plan->items[i].ex->id);
}

/* The stage shapes the plan: 5 weeks after a caesarean while breastfeeding is not the
 * plan of 30 weeks pregnant, and "why" says what the stage changed. */
static void test_stage_shapes_the_plan(void **state)
{
	(void)state;
	for (int minutes = 5; minutes <= 30; minutes += 5) {
		for (unsigned areas = 0; areas < (1u << PST_AREA__MAX); areas++) {
			struct pst_profile a = preg(30, minutes), b = postp(5, PST_BIRTH_CAESAREAN, minutes);
			a.areas = b.areas = areas;
			b.feeding = PST_FEED_BREAST;
			struct pst_plan *pa = build(&a), *pb = build(&b);
			char ia[512], ib[512];
			ids(pa, ia, sizeof ia);
			ids(pb, ib, sizeof ib);
			if (strcmp(ia, ib) == 0) {
				print_error("%d min, areas %u: the same plan: %s\n", minutes, areas, ia);
				fail();
			}
			assert_non_null(pb->stage_why);
			assert_non_null(strstr(pb->stage_why, "breastfeeding"));
			assert_non_null(strstr(pb->stage_why, "caesarean"));
			assert_non_null(strstr(pb->stage_why, "feeding and holding your baby"));
			assert_non_null(pa->stage_why);
			assert_non_null(strstr(pa->stage_why, "bump"));
			assert_null(strstr(pa->stage_why, "baby"));
			pst_plan_free(pa);
			pst_plan_free(pb);
		}
	}
	/* With room for them: the feeding parent gets neck work for looking down at the
	 * baby, and the reason says so; the pregnant person gets the ribs' breathing. */
	struct pst_profile a = preg(30, 15), b = postp(5, PST_BIRTH_CAESAREAN, 15);
	b.feeding = PST_FEED_BREAST;
	struct pst_plan *pa = build(&a), *pb = build(&b);
	bool neck = false, ribs = false, early = false;
	for (size_t i = 0; i < pb->nitems; i++) {
		neck |= strstr(pb->items[i].why, "during feeds") != NULL;
		early |= strstr(pb->items[i].why, "first weeks after birth") != NULL;
	}
	for (size_t i = 0; i < pa->nitems; i++)
		ribs |= strstr(pa->items[i].why, "crowds the ribs") != NULL;
	assert_true(neck);
	assert_true(early);
	assert_true(ribs);
	char *j = plan_json(pb);
	assert_non_null(strstr(j, "\"stage_why\": \"5 weeks after a caesarean birth, breastfeeding:"));
	free(j);
	pst_plan_free(pa);
	pst_plan_free(pb);
}

static void test_red_flags_win(void **state)
{
	(void)state;
	struct pst_profile p = preg(24, 10);
	struct pst_screen_result res = {.outcome = PST_OUT_EMERGENCY};
	struct pst_plan *plan = (struct pst_plan *)1;
	assert_int_equal(pst_plan_build(cat, tips, &p, &res, NULL, &plan), PST_EREFERRAL);
	assert_null(plan);
	res.outcome = PST_OUT_SEE_PROVIDER;
	assert_int_equal(pst_plan_build(cat, tips, &p, &res, NULL, &plan), PST_EREFERRAL);
	res.outcome = PST_OUT_INCOMPLETE;
	assert_int_equal(pst_plan_build(cat, tips, &p, &res, NULL, &plan), PST_EREFERRAL);
	/* Clearance: a plan, marked. */
	res.outcome = PST_OUT_CLEARANCE;
	assert_int_equal(pst_plan_build(cat, tips, &p, &res, NULL, &plan), PST_OK);
	assert_true(plan->screened);
	bool marked = false;
	for (size_t i = 0; i < plan->nwarnings; i++)
		marked |= strstr(plan->warnings[i], "has said that exercise") != NULL;
	assert_true(marked);
	pst_plan_free(plan);
}

/* A note (tingling hands at night): the plan is given, its advice beside it, and every
 * exercise that puts weight on the hands is left out with the question's reason. */
/* A clearance (severe pain, heaviness in the pelvis): the plan is given, and gentle, as
 * the question's advice says, whatever the pain score. */
static void test_clearance_plan_is_gentle(void **state)
{
	(void)state;
	struct pst_questions *q = NULL;
	struct pst_diags d = {0};
	assert_int_equal(pst_questions_load(&pst_embedded_screening[0], &q, &d), PST_OK);
	const char *ids[] = {"persistent-severe-pain", "pelvic-heaviness"};
	for (size_t n = 0; n < 2; n++) {
		struct pst_answers a;
		assert_int_equal(pst_answers_init(q, &a), PST_OK);
		const struct pst_question *qn = pst_questions_find(q, ids[n]);
		assert_non_null(qn);
		a.v[qn - q->v] = PST_ANS_YES;
		struct pst_screen_result res;
		assert_int_equal(pst_screen_evaluate(q, &a, PST_BIT(PST_STAGE_POSTPARTUM), &res), PST_OK);
		assert_int_equal(res.outcome, PST_OUT_CLEARANCE);
		struct pst_profile p = postp(12, PST_BIRTH_VAGINAL, 30);
		p.pain = 3;
		p.equipment = ~0u;
		struct pst_plan *plan = NULL;
		assert_int_equal(pst_plan_build(cat, tips, &p, &res, NULL, &plan), PST_OK);
		assert_true(plan->nitems > 0);
		for (size_t i = 0; i < plan->nitems; i++)
			assert_true(plan->items[i].ex->gentle);
		const struct pst_plan_excluded *x = find_excluded(plan, "banded-a");
		assert_non_null(x);
		assert_string_equal(x->rule, ids[n]);
		assert_non_null(strstr(x->reason, "gentle"));
		pst_plan_free(plan);
		pst_screen_result_free(&res);
		pst_answers_free(&a);
	}
	pst_questions_free(q);
}

static void test_note_leaves_out_wrist_load(void **state)
{
	(void)state;
	struct pst_questions *q = NULL;
	struct pst_diags d = {0};
	assert_int_equal(pst_questions_load(&pst_embedded_screening[0], &q, &d), PST_OK);
	struct pst_answers a;
	assert_int_equal(pst_answers_init(q, &a), PST_OK);
	const struct pst_question *qn = pst_questions_find(q, "hand-tingling-night");
	assert_non_null(qn);
	a.v[qn - q->v] = PST_ANS_YES;
	struct pst_screen_result res;
	assert_int_equal(pst_screen_evaluate(q, &a, PST_BIT(PST_STAGE_PREGNANCY), &res), PST_OK);
	assert_int_equal(res.outcome, PST_OUT_NOTE);
	struct pst_profile p = preg(16, 30);
	struct pst_plan *plan = NULL;
	assert_int_equal(pst_plan_build(cat, tips, &p, &res, NULL, &plan), PST_OK);
	assert_true(plan->screened);
	assert_int_equal(plan->outcome, PST_OUT_NOTE);
	assert_true(plan->nitems > 0);
	size_t left = 0;
	for (size_t i = 0; i < cat->n; i++) {
		if (!cat->ex[i].wrist_load)
			continue;
		assert_null(find_item(plan, cat->ex[i].id));
		const struct pst_plan_excluded *x = find_excluded(plan, cat->ex[i].id);
		assert_non_null(x);
		if (strcmp(x->rule, "hand-tingling-night") == 0) {
			assert_string_equal(x->reason, qn->avoid_reason);
			assert_ptr_equal(x->sources, &qn->sources);
			left++;
		}
	}
	assert_true(left > 0);
	/* Without the note the same profile plans a wrist-load exercise (cat-cow). */
	struct pst_plan *plain = build(&p);
	bool any = false;
	for (size_t i = 0; i < plain->nitems; i++)
		any |= plain->items[i].ex->wrist_load;
	assert_true(any);
	pst_plan_free(plain);
	bool advised = false;
	for (size_t i = 0; i < plan->nwarnings; i++)
		advised |= strcmp(plan->warnings[i], qn->advice) == 0;
	assert_true(advised);
	pst_plan_free(plan);
	pst_screen_result_free(&res);
	pst_answers_free(&a);
	pst_questions_free(q);
}

static void test_swaps_to_easier_variant(void **state)
{
	(void)state;
	struct pst_profile p = preg(16, 20);
	p.avoid = PST_BIT(PST_AVOID_FLOOR);
	struct pst_plan *plan = build(&p);
	const struct pst_plan_excluded *x = find_excluded(plan, "cat-cow");
	assert_non_null(x);
	assert_string_equal(x->rule, "avoid-floor");
	/* cat-cow is swapped for its seated version rather than simply dropped. */
	assert_non_null(x->replaced_by);
	assert_false(pst_position_on_floor(x->replaced_by->position));
	const struct pst_plan_item *it = find_item(plan, x->replaced_by->id);
	assert_non_null(it);
	assert_ptr_equal(it->replaces, find_excluded(plan, "cat-cow")->ex);
	pst_plan_free(plan);
}

static void test_favours_areas_and_triggers(void **state)
{
	(void)state;
	struct pst_profile p = postp(12, PST_BIRTH_VAGINAL, 10);
	p.areas = PST_BIT(PST_AREA_NECK);
	struct pst_plan *plan = build(&p);
	assert_non_null(find_item(plan, "double-chin"));
	pst_plan_free(plan);

	p.areas = PST_BIT(PST_AREA_UPPER);
	p.triggers = PST_BIT(PST_TRIG_FEEDING) | PST_BIT(PST_TRIG_HOLDING);
	plan = build(&p);
	bool chest = false, blades = false;
	for (size_t i = 0; i < plan->nitems; i++) {
		chest |= pst_exercise_opens_front(plan->items[i].ex) &&
			 (plan->items[i].ex->regions & PST_BIT(PST_REG_CHEST));
		blades |= pst_exercise_strengthens_back(plan->items[i].ex) &&
			  (plan->items[i].ex->regions & PST_BIT(PST_REG_UPPER_BACK));
		if (pst_exercise_opens_front(plan->items[i].ex))
			assert_non_null(strstr(plan->items[i].why, "feeding"));
	}
	assert_true(chest && blades);
	pst_plan_free(plan);
}

static void test_stage_rules_in_plans(void **state)
{
	(void)state;
	/* From 20 weeks: nothing on the back, and the reason is given. */
	struct pst_profile p = preg(30, 45);
	p.equipment |= PST_BIT(PST_EQ_FOAM_ROLLER);
	struct pst_plan *plan = build(&p);
	assert_null(find_item(plan, "gentle-spinal-twist"));
	assert_string_equal(find_excluded(plan, "gentle-spinal-twist")->rule,
			    "pregnancy-no-supine-from-20-weeks");
	assert_string_equal(find_excluded(plan, "thoracic-roll-out")->rule,
			    "pregnancy-no-supine-from-20-weeks");
	pst_plan_free(plan);

	/* Two weeks after a caesarean: gentle only, no band even if at hand. */
	p = postp(2, PST_BIRTH_CAESAREAN, 15);
	p.equipment |= PST_BIT(PST_EQ_BAND);
	plan = build(&p);
	for (size_t i = 0; i < plan->nitems; i++)
		assert_true(plan->items[i].ex->gentle);
	assert_string_equal(find_excluded(plan, "banded-a")->rule,
			    "postpartum-gentle-only-before-6-weeks");
	pst_plan_free(plan);

	/* A band named on purpose gets used once it is safe. */
	p = postp(10, PST_BIRTH_VAGINAL, 15);
	p.equipment |= PST_BIT(PST_EQ_BAND);
	plan = build(&p);
	assert_true(find_item(plan, "banded-a") || find_item(plan, "shoulder-external-rotation"));
	pst_plan_free(plan);
}

static void test_time_budget(void **state)
{
	(void)state;
	struct pst_profile p = preg(12, 3);
	struct pst_plan *plan = build(&p);
	assert_true(plan->nitems >= 1 && plan->estimated_s <= 180);
	bool warned = false;
	for (size_t i = 0; i < plan->nwarnings; i++)
		warned |= strstr(plan->warnings[i], "Under 8 minutes") != NULL;
	assert_true(warned);
	pst_plan_free(plan);

	/* More time, more work, still within it; and a longer plan uses most of it. */
	p.minutes = 45;
	plan = build(&p);
	assert_true(plan->estimated_s <= 45 * 60);
	assert_true(plan->nitems >= 8);
	pst_plan_free(plan);
}

static void test_relief_break_from_routine(void **state)
{
	(void)state;
	struct pst_profile p = postp(20, PST_BIRTH_VAGINAL, 10);
	struct pst_plan *plan = build(&p);
	assert_true(plan->nrelief >= 1);
	for (size_t i = 0; i < plan->nrelief; i++) {
		assert_non_null(find_item(plan, plan->relief[i].ex->id));
		assert_false(pst_position_on_floor(plan->relief[i].ex->position));
	}
	assert_true(plan->relief_s <= 180);
	pst_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_property_thousands_of_profiles),
		cmocka_unit_test(test_red_flags_win),
		cmocka_unit_test(test_chest_opener_in_upper_back_plans),
		cmocka_unit_test(test_first_weeks_floor_work_optional),
		cmocka_unit_test(test_caesarean_day_and_first_weeks),
		cmocka_unit_test(test_stage_shapes_the_plan),
		cmocka_unit_test(test_swaps_to_easier_variant),
		cmocka_unit_test(test_note_leaves_out_wrist_load),
		cmocka_unit_test(test_clearance_plan_is_gentle),
		cmocka_unit_test(test_favours_areas_and_triggers),
		cmocka_unit_test(test_stage_rules_in_plans),
		cmocka_unit_test(test_time_budget),
		cmocka_unit_test(test_relief_break_from_routine),
	};
	return cmocka_run_group_tests_name("planner", tests, setup, teardown);
}
