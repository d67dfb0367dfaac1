/* Progression tests: the ladder, each replay rule as a table row on a small catalogue
 * built for the purpose, and the planner with a progression on the real catalogue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/planner.h"
#include "core/progression.h"
#include "data/embedded.h"
#include "render/json.h"
#include "render/plan.h"

/* --- a catalogue built for the rules ------------------------------------------ */

static const char *a_harder[] = {"c-hard-floor", "b-hard"};
static const char *a_easier[] = {"e-easy"};
static const char *b_easier[] = {"d-hold", "a-base"};
static const char *e_harder[] = {"a-base"};
#define SV(a) {a, sizeof a / sizeof *a}

/* Sorted by id, as a loaded catalogue is. Every one is gentle and needs no equipment, so
 * only the position decides what the rules allow. */
static struct pst_exercise syn_ex[] = {
	/* ladder: 1x8, 1x10, 1x12, 2x12 (reps 8-12 climb 2 at a time, then a set) */
	{.id = "a-base", .name = "A base", .kind = PST_KIND_STRENGTHEN, .position = PST_POS_STANDING,
	 .gentle = true, .dose = {.sets = {1, 2}, .reps = {8, 12}}, .harder = SV(a_harder),
	 .easier = SV(a_easier)},
	{.id = "b-hard", .name = "B hard", .kind = PST_KIND_STRENGTHEN, .position = PST_POS_STANDING,
	 .gentle = true, .dose = {.sets = {1, 1}, .reps = {5, 6}}, .easier = SV(b_easier)},
	/* on the back: left out from 20 weeks of pregnancy */
	{.id = "c-hard-floor", .name = "C hard on the floor", .kind = PST_KIND_STRENGTHEN,
	 .position = PST_POS_SUPINE, .gentle = true, .dose = {.sets = {1, 1}, .reps = {4, 4}}},
	/* ladder: 1x2x20 s, 1x3x20, 2x3x20, 2x3x25, 2x3x30 (reps, then a set, then the hold) */
	{.id = "d-hold", .name = "D hold", .kind = PST_KIND_STRETCH, .position = PST_POS_SEATED,
	 .gentle = true, .dose = {.sets = {1, 2}, .reps = {2, 3}, .hold_s = {20, 30}}},
	/* ladder: 5, 7, 9 breaths */
	{.id = "e-easy", .name = "E easy", .kind = PST_KIND_BREATHING, .position = PST_POS_SEATED,
	 .gentle = true, .dose = {.sets = {1, 1}, .breaths = {5, 9}}, .harder = SV(e_harder)},
};
static const struct pst_catalog syn = {.ex = syn_ex, .n = sizeof syn_ex / sizeof *syn_ex};

/* --- records ----------------------------------------------------------------- */

enum { OFFSET_MIN = 60 }; /* the person lives at UTC+1 */
static int64_t day0;     /* 2026-01-05, a Monday */

static struct pst_time at(int day, int hour)
{
	int64_t local = (day0 + day) * 86400 + hour * 3600;
	return (struct pst_time){local - OFFSET_MIN * 60, OFFSET_MIN};
}

struct logrow {
	int day, hour; /* rows with the same day and hour are one session */
	const char *id;
	enum pst_feedback fb;
	int pain;
};

struct ckrow {
	int day, hour; /* hour 0 ends the list */
	int pain;
};

/* Sessions and check-ins from table rows, into arrays the caller frees (*exs holds every
 * session's exercises). */
static size_t make_sessions(const struct logrow *rows, struct pst_session_log **out,
			    struct pst_session_ex **exs)
{
	size_t nrows = 0, n = 0;
	while (rows[nrows].id)
		nrows++;
	struct pst_session_log *s = calloc(nrows + 1, sizeof(*s));
	struct pst_session_ex *x = calloc(nrows + 1, sizeof(*x));
	assert_non_null(s);
	assert_non_null(x);
	for (size_t i = 0; i < nrows; i++) {
		x[i] = (struct pst_session_ex){rows[i].id, rows[i].fb, rows[i].pain};
		if (i > 0 && rows[i].day == rows[i - 1].day && rows[i].hour == rows[i - 1].hour) {
			s[n - 1].nex++;
			continue;
		}
		s[n++] = (struct pst_session_log){.at = at(rows[i].day, rows[i].hour), .pain_before = 2,
						  .pain_after = 2, .ex = &x[i], .nex = 1};
	}
	*out = s;
	*exs = x;
	return n;
}

static size_t make_checkins(const struct ckrow *rows, struct pst_checkin **out)
{
	size_t n = 0;
	while (rows[n].hour)
		n++;
	struct pst_checkin *c = calloc(n + 1, sizeof(*c));
	assert_non_null(c);
	for (size_t i = 0; i < n; i++)
		c[i] = (struct pst_checkin){.at = at(rows[i].day, rows[i].hour), .pain = rows[i].pain};
	*out = c;
	return n;
}

static struct pst_profile pregnant(int weeks)
{
	struct pst_profile p;
	pst_profile_init(&p);
	p.has_stage = true;
	p.stage = PST_STAGE_PREGNANCY;
	p.weeks = weeks;
	return p;
}

static struct pst_profile after_birth(int weeks)
{
	struct pst_profile p = pregnant(1);
	p.stage = PST_STAGE_POSTPARTUM;
	p.weeks = weeks;
	p.birth = PST_BIRTH_VAGINAL;
	return p;
}

static struct pst_progression *replay(const struct pst_catalog *c, const struct pst_profile *p,
				      const struct logrow *logs, const struct ckrow *cks)
{
	static const struct ckrow none[] = {{0, 0, 0}};
	struct pst_session_log *s = NULL;
	struct pst_session_ex *x = NULL;
	struct pst_checkin *ck = NULL;
	size_t ns = make_sessions(logs, &s, &x);
	size_t nc = make_checkins(cks ? cks : none, &ck);
	struct pst_progression *pr = NULL;
	assert_int_equal(pst_progression_build(c, p, ck, nc, s, ns, &pr), PST_OK);
	assert_non_null(pr);
	free(s);
	free(x);
	free(ck);
	return pr;
}

/* --- the ladder ------------------------------------------------------------------ */

struct ladder_case {
	const char *id;
	int levels;
	struct {
		int sets, reps, hold_s, breaths;
	} at[7]; /* every level, then the clamp past the top */
};

static const struct ladder_case ladders[] = {
	/* repetitions first, 2 at a time on a wide range, then a set */
	{"a-base", 4, {{1, 8, 0, 0}, {1, 10, 0, 0}, {1, 12, 0, 0}, {2, 12, 0, 0}, {2, 12, 0, 0}}},
	/* a narrow range climbs 1 at a time */
	{"b-hard", 2, {{1, 5, 0, 0}, {1, 6, 0, 0}, {1, 6, 0, 0}}},
	/* reps, then a set, then the hold 5 s at a time */
	{"d-hold", 5, {{1, 2, 20, 0}, {1, 3, 20, 0}, {2, 3, 20, 0}, {2, 3, 25, 0}, {2, 3, 30, 0}, {2, 3, 30, 0}}},
	/* breaths 2 at a time, the last step stopping at the top */
	{"e-easy", 3, {{1, 0, 0, 5}, {1, 0, 0, 7}, {1, 0, 0, 9}, {1, 0, 0, 9}}},
	/* nothing to climb: one level */
	{"c-hard-floor", 1, {{1, 4, 0, 0}, {1, 4, 0, 0}}},
};

static void test_ladder_order(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof ladders / sizeof *ladders; i++) {
		const struct ladder_case *lc = &ladders[i];
		const struct pst_exercise *e = pst_catalog_find(&syn, lc->id);
		assert_non_null(e);
		assert_int_equal(pst_dose_levels(&e->dose), lc->levels);
		for (int l = 0; l <= lc->levels; l++) {
			struct pst_dose d = pst_dose_at_level(&e->dose, l);
			if (d.sets.lo != lc->at[l].sets || d.reps.lo != lc->at[l].reps ||
			    d.hold_s.lo != lc->at[l].hold_s || d.breaths.lo != lc->at[l].breaths) {
				print_error("%s level %d: %d sets %d reps %d s %d breaths\n", lc->id, l,
					    d.sets.lo, d.reps.lo, d.hold_s.lo, d.breaths.lo);
				fail();
			}
			assert_int_equal(d.sets.lo, d.sets.hi);
			assert_int_equal(d.reps.lo, d.reps.hi);
			assert_int_equal(d.hold_s.lo, d.hold_s.hi);
			assert_int_equal(d.breaths.lo, d.breaths.hi);
		}
		/* Below 0 is the start. */
		struct pst_dose d = pst_dose_at_level(&e->dose, -3);
		assert_int_equal(d.reps.lo, lc->at[0].reps);
	}
}

static struct pst_catalog *cat; /* the real one */
static struct pst_tips *tips;

/* On the real catalogue: level 0 is pst_dose_start, the top is every range at its hi, and
 * every step up adds exactly one thing and never shortens the time. */
static void test_ladder_real_catalogue(void **state)
{
	(void)state;
	for (size_t i = 0; i < cat->n; i++) {
		const struct pst_dose *cd = &cat->ex[i].dose;
		int n = pst_dose_levels(cd);
		assert_true(n >= 1);
		struct pst_dose start = pst_dose_start(cd), zero = pst_dose_at_level(cd, 0);
		assert_memory_equal(&start, &zero, sizeof start);
		struct pst_dose top = pst_dose_at_level(cd, n - 1);
		assert_int_equal(top.sets.lo, cd->sets.hi);
		assert_int_equal(top.reps.lo, cd->reps.hi);
		/* The hold stops at the useful maximum when the exercise names one. */
		int hold_top = cd->useful_hold_s && cd->useful_hold_s < cd->hold_s.hi
				       ? cd->useful_hold_s
				       : cd->hold_s.hi;
		assert_int_equal(top.hold_s.lo, hold_top);
		assert_int_equal(top.breaths.lo, cd->breaths.hi);
		for (int l = 1; l < n; l++) {
			struct pst_dose a = pst_dose_at_level(cd, l - 1), b = pst_dose_at_level(cd, l);
			int changed = (a.sets.lo != b.sets.lo) + (a.reps.lo != b.reps.lo) +
				      (a.hold_s.lo != b.hold_s.lo) + (a.breaths.lo != b.breaths.lo);
			assert_int_equal(changed, 1);
			assert_true(pst_dose_seconds(&b) > pst_dose_seconds(&a));
		}
	}
}

/* No hold is ever raised past what the exercise's own words call useful: a cue that says
 * "30 seconds is plenty; holding longer adds nothing" caps the ladder at 30 s. */
static void test_holds_stop_where_the_cue_says_longer_adds_nothing(void **state)
{
	(void)state;
	size_t capped = 0;
	for (size_t i = 0; i < cat->n; i++) {
		const struct pst_exercise *e = &cat->ex[i];
		int said = 0; /* the hold, in seconds, a cue calls enough */
		for (size_t k = 0; k < e->cues.n; k++) {
			const char *c = e->cues.v[k];
			if (!strstr(c, "adds nothing") && !strstr(c, "is plenty") && !strstr(c, "is enough"))
				continue;
			for (const char *p = c; *p; p++)
				if (*p >= '1' && *p <= '9' && (strncmp(strchr(p, ' ') ? strchr(p, ' ') : p, " second", 7) == 0)) {
					said = atoi(p);
					break;
				}
		}
		if (!said || !e->dose.hold_s.hi)
			continue;
		capped++;
		struct pst_dose top = pst_dose_at_level(&e->dose, pst_dose_levels(&e->dose) - 1);
		if (top.hold_s.lo > said) {
			print_error("%s: progression raises the hold to %d s, but its cue says %d s is enough\n",
				    e->id, top.hold_s.lo, said);
			fail();
		}
	}
	assert_true(capped >= 4);
	/* The chest opener keeps the seed's 30-60 s but never climbs past 30 s. */
	const struct pst_exercise *co = pst_catalog_find(cat, "chest-opener");
	assert_non_null(co);
	assert_int_equal(co->dose.hold_s.hi, 60);
	assert_int_equal(co->dose.useful_hold_s, 30);
	for (int l = 0; l < 10; l++)
		assert_int_equal(pst_dose_at_level(&co->dose, l).hold_s.lo, 30);
	/* A hold of 20-40 with 30 useful: 20, 25, 30 and no further. */
	struct pst_dose d = {.sets = {1, 1}, .reps = {1, 1}, .hold_s = {20, 40}, .useful_hold_s = 30};
	assert_int_equal(pst_dose_levels(&d), 3);
	assert_int_equal(pst_dose_at_level(&d, 2).hold_s.lo, 30);
	assert_int_equal(pst_dose_at_level(&d, 5).hold_s.lo, 30);
}

/* --- the rules, one row each ---------------------------------------------------- */

#define S(d, id, fb, pain) {d, 10, id, PST_FB_##fb, pain}
#define EASY(d) S(d, "a-base", EASY, 1)
#define CALM2 EASY(0), EASY(2)                 /* level 0 -> 1 */
#define CALM8 CALM2, EASY(4), EASY(7), EASY(9), EASY(11), EASY(14), EASY(16) /* -> harder */

struct prog_case {
	const char *name;
	bool postpartum; /* else 24 weeks pregnant: no exercises on the back */
	struct logrow log[16];
	struct ckrow ck[6];
	const char *look;    /* the entry to check */
	const char *current; /* where it stands */
	int level;           /* current's level */
	int dir;             /* of the latest change in effect; -1: none */
	const char *reason;  /* a part of its reason */
};

static const struct prog_case cases[] = {
	{"two easy in a row: one step up", false, {CALM2}, {{0}}, "a-base", "a-base", 1, PST_PROG_UP,
	 "Easy twice in a row, with pain at most 3/10: two more repetitions (10 instead of 8)."},
	{"easy then right: one step up", false, {EASY(0), S(2, "a-base", RIGHT, 0)}, {{0}}, "a-base",
	 "a-base", 1, PST_PROG_UP, "Easy or about right twice in a row"},
	{"right twice, no pain given: up", false,
	 {S(0, "a-base", RIGHT, -1), S(2, "a-base", RIGHT, -1)}, {{0}}, "a-base", "a-base", 1,
	 PST_PROG_UP, "About right twice in a row, with no pain above 3/10 reported"},
	{"pain 3 during still counts as calm", false,
	 {S(0, "a-base", EASY, 3), S(2, "a-base", EASY, 3)}, {{0}}, "a-base", "a-base", 1, PST_PROG_UP, NULL},
	{"one easy session: no change yet", false, {EASY(0)}, {{0}}, "a-base", "a-base", 0, -1, NULL},
	{"easy then hard: no change", false, {EASY(0), S(2, "a-base", HARD, 2)}, {{0}}, "a-base",
	 "a-base", 0, -1, NULL},
	{"hard resets the count", false, {EASY(0), S(2, "a-base", HARD, 2), EASY(4)}, {{0}}, "a-base",
	 "a-base", 0, -1, NULL},
	{"after hard, two easy: up", false, {EASY(0), S(2, "a-base", HARD, 2), EASY(4), EASY(7)},
	 {{0}}, "a-base", "a-base", 1, PST_PROG_UP, NULL},
	{"the count starts again after a step", false, {CALM2, EASY(4)}, {{0}}, "a-base", "a-base",
	 1, PST_PROG_UP, NULL},
	{"sessions without it do not break the row", false,
	 {EASY(0), S(2, "d-hold", HARD, 2), EASY(4)}, {{0}}, "a-base", "a-base", 1, PST_PROG_UP, NULL},
	{"hurt: one step down", false, {CALM2, S(4, "a-base", HURT, 2)}, {{0}}, "a-base", "a-base",
	 0, PST_PROG_DOWN, "It hurt in your session on 2026-01-09: two repetitions fewer (8 instead of 10)."},
	{"pain 4 during: one step down", false, {CALM2, S(4, "a-base", RIGHT, 4)}, {{0}}, "a-base",
	 "a-base", 0, PST_PROG_DOWN, "Pain during it was 4/10 in your session on 2026-01-09, above 3/10"},
	{"hard with pain 5: down, not just kept", false, {CALM2, S(4, "a-base", HARD, 5)}, {{0}},
	 "a-base", "a-base", 0, PST_PROG_DOWN, NULL},
	{"a higher check-in the next day: down", false, {CALM2, EASY(4)},
	 {{4, 8, 3}, {5, 9, 5}}, "a-base", "a-base", 0, PST_PROG_DOWN,
	 "Your pain on 2026-01-10, the day after your session, was 5/10: higher than the 3/10 before it"},
	{"the same the next day: no change", false, {CALM2, EASY(4)}, {{4, 8, 3}, {5, 9, 3}},
	 "a-base", "a-base", 1, PST_PROG_UP, NULL},
	{"baseline from an earlier day", false, {CALM2, EASY(4)}, {{1, 8, 2}, {5, 9, 3}}, "a-base",
	 "a-base", 0, PST_PROG_DOWN, "higher than the 2/10 before it"},
	{"soreness logged after the session is not the baseline", false, {CALM2, EASY(4)},
	 {{4, 8, 2}, {4, 20, 6}, {5, 9, 4}}, "a-base", "a-base", 0, PST_PROG_DOWN,
	 "4/10: higher than the 2/10 before it"},
	{"no check-in before the session: no next-day rule", false, {CALM2, EASY(4)}, {{5, 9, 8}},
	 "a-base", "a-base", 1, PST_PROG_UP, NULL},
	{"two days later does not count", false, {CALM2, EASY(4)}, {{4, 8, 2}, {6, 9, 8}}, "a-base",
	 "a-base", 1, PST_PROG_UP, NULL},
	{"ceiling: the first allowed harder variant (floor one left out at 24 weeks)", false,
	 {CALM8}, {{0}}, "a-base", "b-hard", 0, PST_PROG_UP,
	 "A base is at its top dose, so move on to B hard, a harder version, at its starting dose."},
	{"ceiling after birth: the first harder variant is allowed", true, {CALM8}, {{0}}, "a-base",
	 "c-hard-floor", 0, PST_PROG_UP, "move on to C hard on the floor"},
	{"ceiling without a harder variant: it stays at the top", false,
	 {S(0, "d-hold", EASY, 0), S(1, "d-hold", EASY, 0), S(2, "d-hold", EASY, 0),
	  S(3, "d-hold", EASY, 0), S(4, "d-hold", EASY, 0), S(5, "d-hold", EASY, 0),
	  S(6, "d-hold", EASY, 0), S(7, "d-hold", EASY, 0), S(8, "d-hold", EASY, 0),
	  S(9, "d-hold", EASY, 0)},
	 {{0}}, "d-hold", "d-hold", 4, PST_PROG_UP, "longer holds (30 s instead of 25 s)"},
	{"floor: the first allowed easier variant", false, {S(0, "a-base", HURT, 5)}, {{0}}, "a-base",
	 "e-easy", 0, PST_PROG_DOWN,
	 "A base is at its starting dose, so change to E easy, an easier version, at its starting dose."},
	{"floor without an easier variant: stays, and says so", false, {S(0, "d-hold", HURT, 5)},
	 {{0}}, "d-hold", "d-hold", 0, PST_PROG_STAY, "there is no easier version for you"},
	{"down from a variant goes back where it came from", false,
	 {CALM8, S(18, "b-hard", HURT, 4)}, {{0}}, "a-base", "a-base", 0, PST_PROG_DOWN,
	 "back to A base, the exercise you progressed from, at its starting dose."},
	{"a variant's own steps show on the original", false,
	 {CALM8, S(18, "b-hard", EASY, 0), S(21, "b-hard", EASY, 0)}, {{0}}, "a-base", "b-hard", 1,
	 PST_PROG_UP, "one more repetition (6 instead of 5)"},
	{"done again after it was replaced: it is back, at its top", false, {CALM8, EASY(18)}, {{0}},
	 "a-base", "a-base", 3, -1, NULL},
	{"up from an easier variant, to the harder it names", false,
	 {S(0, "e-easy", EASY, 0), S(2, "e-easy", EASY, 0), S(4, "e-easy", RIGHT, 0),
	  S(7, "e-easy", RIGHT, 0), S(9, "e-easy", EASY, 0), S(11, "e-easy", EASY, 0)},
	 {{0}}, "e-easy", "a-base", 0, PST_PROG_UP, "E easy is at its top dose"},
	{"the worse of one exercise twice in a session wins", false,
	 {CALM2, S(4, "a-base", EASY, 0), S(4, "a-base", HURT, 0)}, {{0}}, "a-base", "a-base", 0,
	 PST_PROG_DOWN, "It hurt"},
	/* Sessions on the same day count as one; at most one step per exercise per day. */
	{"two sessions minutes apart on one day are not twice in a row", false,
	 {{0, 10, "a-base", PST_FB_EASY, 1}, {0, 11, "a-base", PST_FB_EASY, 1}}, {{0}}, "a-base",
	 "a-base", 0, -1, NULL},
	{"the same for every exercise of those sessions", false,
	 {{0, 10, "a-base", PST_FB_EASY, 1}, {0, 10, "d-hold", PST_FB_EASY, 1},
	  {0, 10, "e-easy", PST_FB_RIGHT, 0}, {0, 11, "a-base", PST_FB_EASY, 1},
	  {0, 11, "d-hold", PST_FB_EASY, 1}, {0, 11, "e-easy", PST_FB_RIGHT, 0}},
	 {{0}}, "d-hold", "d-hold", 0, -1, NULL},
	{"a second calm day is the second in a row: one step", false,
	 {{0, 10, "a-base", PST_FB_EASY, 1}, {0, 11, "a-base", PST_FB_EASY, 1},
	  {1, 9, "a-base", PST_FB_EASY, 1}}, {{0}}, "a-base", "a-base", 1, PST_PROG_UP,
	 "Easy twice in a row"},
	{"at most one step a day, however many sessions", false,
	 {{0, 8, "a-base", PST_FB_EASY, 1}, {0, 9, "a-base", PST_FB_EASY, 1},
	  {0, 10, "a-base", PST_FB_EASY, 1}, {1, 8, "a-base", PST_FB_EASY, 1},
	  {1, 9, "a-base", PST_FB_EASY, 1}, {1, 10, "a-base", PST_FB_EASY, 1},
	  {1, 11, "a-base", PST_FB_EASY, 1}}, {{0}}, "a-base", "a-base", 1, PST_PROG_UP, NULL},
	{"on one day the worse session wins: easy then hurt is one step down", false,
	 {CALM2, {4, 10, "a-base", PST_FB_EASY, 0}, {4, 11, "a-base", PST_FB_HURT, 2}}, {{0}},
	 "a-base", "a-base", 0, PST_PROG_DOWN, "It hurt"},
	{"hurt twice on one day: one step down, not two", false,
	 {CALM2, EASY(4), EASY(5), {7, 10, "a-base", PST_FB_HURT, 2}, {7, 11, "a-base", PST_FB_HURT, 2}},
	 {{0}}, "a-base", "a-base", 1, PST_PROG_DOWN, "It hurt"},
	{"unknown ids are skipped", false, {S(0, "no-such", HURT, 9), EASY(1), EASY(2)}, {{0}},
	 "a-base", "a-base", 1, PST_PROG_UP, NULL},
	/* morning pain must not rise week to week (weeks start on day 0, 7, 14) */
	{"morning pain up a point from one week to the next: down", false, {CALM2, EASY(7)},
	 {{1, 8, 2}, {3, 8, 2}, {9, 8, 3}, {10, 8, 3}}, "a-base", "a-base", 0, PST_PROG_DOWN,
	 "Your morning pain rose in the week of 2026-01-12: 3.0/10 on average, up from 2.0/10 the "
	 "week before: two repetitions fewer (8 instead of 10)."},
	{"morning pain up less than a point: no change", false, {CALM2, EASY(7)},
	 {{1, 8, 2}, {3, 8, 2}, {9, 8, 3}, {10, 8, 2}}, "a-base", "a-base", 1, PST_PROG_UP, NULL},
	{"check-ins after noon are not morning ones", false, {CALM2, EASY(7)},
	 {{1, 8, 2}, {3, 8, 2}, {9, 13, 5}, {10, 18, 5}}, "a-base", "a-base", 1, PST_PROG_UP, NULL},
	{"one morning check-in is not a week's average", false, {CALM2, EASY(7)},
	 {{1, 8, 2}, {3, 8, 2}, {9, 8, 6}}, "a-base", "a-base", 1, PST_PROG_UP, NULL},
	{"a rise in a week without the exercise lowers nothing", false, {CALM2},
	 {{1, 8, 2}, {3, 8, 2}, {9, 8, 5}, {10, 8, 5}}, "a-base", "a-base", 1, PST_PROG_UP, NULL},
	{"weeks apart are not week to week", false, {CALM2, EASY(14)},
	 {{1, 8, 2}, {3, 8, 2}, {16, 8, 5}, {17, 8, 5}}, "a-base", "a-base", 1, PST_PROG_UP, NULL},
	{"lowered at the week's end: two calm sessions after climb again", false,
	 {CALM2, EASY(7), EASY(14), EASY(16)},
	 {{1, 8, 2}, {3, 8, 2}, {9, 8, 3}, {10, 8, 4}}, "a-base", "a-base", 1, PST_PROG_UP, NULL},
};

static void test_rules_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct prog_case *pc = &cases[i];
		struct pst_profile p = pc->postpartum ? after_birth(12) : pregnant(24);
		struct pst_progression *pr = replay(&syn, &p, pc->log, pc->ck);
		const struct pst_prog_entry *e = pst_progression_find(pr, pc->look);
		bool ok = e && strcmp(e->current->id, pc->current) == 0 && e->current_level == pc->level;
		const struct pst_prog_change *ch = e ? e->current_change : NULL;
		if (pc->dir < 0)
			ok &= ch == NULL;
		else
			ok &= ch && (int)ch->dir == pc->dir &&
			      (!pc->reason || strstr(ch->reason, pc->reason));
		if (!ok) {
			print_error("case '%s': got %s level %d, change %s: %s\n", pc->name,
				    e ? e->current->id : "(none)", e ? e->current_level : -1,
				    ch ? pst_vocab_word(&pst_vocab_prog_dir, (int)ch->dir) : "none",
				    ch ? ch->reason : "");
			fail();
		}
		/* The dose shown is the level's. */
		struct pst_dose d = pst_dose_at_level(&e->current->dose, e->current_level);
		const struct pst_dose *g = &e->current_dose; /* field by field: not the padding */
		assert_memory_equal(&d.sets, &g->sets, sizeof d.sets);
		assert_memory_equal(&d.reps, &g->reps, sizeof d.reps);
		assert_memory_equal(&d.hold_s, &g->hold_s, sizeof d.hold_s);
		assert_memory_equal(&d.breaths, &g->breaths, sizeof d.breaths);
		assert_true(d.per_side == g->per_side && d.tempo == g->tempo && d.rep_s == g->rep_s &&
			    d.rest_s == g->rest_s);
		pst_progression_free(pr);
	}
}

/* The change records both sides; a move to a variant leaves a trail to follow. */
static void test_change_and_moves(void **state)
{
	(void)state;
	struct pst_profile p = pregnant(24);
	static const struct logrow logs[] = {CALM8, {0, 0, NULL, 0, 0}};
	struct pst_progression *pr = replay(&syn, &p, logs, NULL);
	const struct pst_prog_entry *a = pst_progression_find(pr, "a-base");
	const struct pst_prog_entry *b = pst_progression_find(pr, "b-hard");
	assert_non_null(a);
	assert_non_null(b);
	assert_null(pst_progression_find(pr, "c-hard-floor")); /* never reached */
	assert_string_equal(a->moved_to->id, "b-hard");
	assert_int_equal(a->level, 3); /* its own level stays at the top */
	assert_int_equal(a->sessions, 8);
	assert_int_equal(b->sessions, 0);
	assert_null(b->moved_to);
	assert_string_equal(b->came_from->id, "a-base");
	const struct pst_prog_change *ch = &a->last;
	assert_int_equal(ch->dir, PST_PROG_UP);
	assert_string_equal(ch->from_ex->id, "a-base");
	assert_int_equal(ch->from_level, 3);
	assert_int_equal(ch->from_dose.sets.lo, 2);
	assert_int_equal(ch->from_dose.reps.lo, 12);
	assert_string_equal(ch->to_ex->id, "b-hard");
	assert_int_equal(ch->to_level, 0);
	assert_int_equal(ch->to_dose.reps.lo, 5);
	assert_int_equal(ch->day, day0 + 16);
	assert_int_equal(ch->seq, 4);

	/* Another profile: resolving follows only moves its rules allow. */
	struct pst_prog_state st;
	pst_progression_resolve(pr, &syn_ex[0], &p, &st);
	assert_true(st.known);
	assert_string_equal(st.ex->id, "b-hard");
	assert_ptr_equal(st.change, &a->last);
	/* No history: level 0, unknown. */
	pst_progression_resolve(pr, &syn_ex[3], &p, &st);
	assert_false(st.known);
	assert_string_equal(st.ex->id, "d-hold");
	assert_int_equal(st.dose.reps.lo, 2);
	pst_progression_resolve(NULL, &syn_ex[3], &p, &st);
	assert_false(st.known);
	pst_progression_free(pr);

	/* After birth it moved to the floor variant; at 24 weeks pregnant that is left out,
	 * so the exercise stays itself at its top level, with no change in effect. */
	struct pst_profile pp = after_birth(12);
	pr = replay(&syn, &pp, logs, NULL);
	assert_string_equal(pst_progression_find(pr, "a-base")->current->id, "c-hard-floor");
	pst_progression_resolve(pr, &syn_ex[0], &p, &st);
	assert_string_equal(st.ex->id, "a-base");
	assert_int_equal(st.level, 3);
	assert_null(st.change);
	pst_progression_free(pr);
	pst_progression_free(NULL);
}

/* Sessions are replayed in time order whatever order they come in; ties keep theirs. */
static void test_time_order(void **state)
{
	(void)state;
	struct pst_profile p = pregnant(24);
	/* In time order: easy, easy (up), hurt (down) -> level 0. Given hurt first. */
	static const struct logrow logs[] = {S(4, "a-base", HURT, 2), EASY(0), EASY(2),
					     {0, 0, NULL, 0, 0}};
	struct pst_progression *pr = replay(&syn, &p, logs, NULL);
	const struct pst_prog_entry *a = pst_progression_find(pr, "a-base");
	assert_int_equal(a->level, 0);
	assert_int_equal(a->last.dir, PST_PROG_DOWN);
	pst_progression_free(pr);
}

/* A next-day rise lowers every exercise of that session. */
static void test_next_day_lowers_all(void **state)
{
	(void)state;
	struct pst_profile p = pregnant(24);
	static const struct logrow logs[] = {
		S(0, "a-base", EASY, 0), S(0, "d-hold", EASY, 0), S(2, "a-base", EASY, 0),
		S(2, "d-hold", EASY, 0), S(4, "a-base", EASY, 0), S(4, "d-hold", HARD, 0),
		{0, 0, NULL, 0, 0}};
	static const struct ckrow cks[] = {{4, 7, 2}, {5, 7, 4}, {0, 0, 0}};
	struct pst_progression *pr = replay(&syn, &p, logs, cks);
	assert_int_equal(pst_progression_find(pr, "a-base")->level, 0);
	assert_int_equal(pst_progression_find(pr, "d-hold")->level, 0);
	assert_int_equal(pst_progression_find(pr, "d-hold")->last.dir, PST_PROG_DOWN);
	pst_progression_free(pr);
}

/* A week's rise in morning pain lowers every exercise done that week, once, before the
 * sessions of the next week are judged. */
static void test_morning_rise_lowers_the_week(void **state)
{
	(void)state;
	struct pst_profile p = pregnant(24);
	static const struct logrow logs[] = {
		CALM2, S(0, "d-hold", EASY, 0), S(2, "d-hold", EASY, 0), /* both up in week 0 */
		S(8, "a-base", EASY, 0), S(8, "d-hold", EASY, 0),         /* both done in week 1 */
		S(15, "a-base", EASY, 0),                                 /* week 2: calm once */
		{0, 0, NULL, 0, 0}};
	static const struct ckrow cks[] = {{1, 7, 1}, {4, 7, 2}, {10, 7, 3}, {12, 7, 3}, {0, 0, 0}};
	struct pst_progression *pr = replay(&syn, &p, logs, cks);
	const struct pst_prog_entry *a = pst_progression_find(pr, "a-base"),
				    *d = pst_progression_find(pr, "d-hold");
	assert_int_equal(a->level, 0);
	assert_int_equal(d->level, 0);
	assert_int_equal(a->calm, 1); /* the count started again, then week 2's session */
	assert_int_equal(d->last.dir, PST_PROG_DOWN);
	assert_int_equal(d->last.day, day0 + 13); /* the Sunday that ended the week */
	assert_non_null(strstr(d->last.reason, "up from 1.5/10 the week before"));
	pst_progression_free(pr);
}

/* A long history: many changes, bounded memory, and moves that never loop. */
static void test_long_history(void **state)
{
	(void)state;
	struct pst_profile p = pregnant(24);
	enum { N = 3000 };
	struct pst_session_log *s = calloc(N, sizeof(*s));
	struct pst_session_ex *x = calloc(N * 3, sizeof(*x));
	assert_non_null(s);
	assert_non_null(x);
	uint32_t rng = 7;
	for (size_t i = 0; i < N; i++) {
		for (int k = 0; k < 3; k++) {
			rng = rng * 1103515245u + 12345u;
			uint32_t r = (rng >> 8) % 100;
			static const char *const ids[] = {"a-base", "b-hard", "c-hard-floor",
							  "d-hold", "e-easy"};
			x[i * 3 + k] = (struct pst_session_ex){
				ids[(r + (uint32_t)k) % 5],
				r < 60 ? PST_FB_EASY : r < 80 ? PST_FB_RIGHT : r < 93 ? PST_FB_HARD : PST_FB_HURT,
				(int)(r % 6)};
		}
		s[i] = (struct pst_session_log){.at = at((int)i, 10), .ex = &x[i * 3], .nex = 3};
	}
	struct pst_progression *pr = NULL;
	assert_int_equal(pst_progression_build(&syn, &p, NULL, 0, s, N, &pr), PST_OK);
	for (size_t i = 0; i < pr->n; i++) {
		const struct pst_prog_entry *e = &pr->v[i];
		assert_non_null(e->current);
		assert_false(pst_rules_excluding(e->current, &p) && e->current != e->ex);
		assert_true(e->current_level >= 0 &&
			    e->current_level < pst_dose_levels(&e->current->dose));
		if (i > 0)
			assert_true(strcmp(pr->v[i - 1].ex->id, e->ex->id) < 0);
	}
	pst_progression_free(pr);
	free(s);
	free(x);
}

/* The builder, fed a part at a time as the store reads them (check-ins, then sessions in
 * time order, parts that split a day), gives the progression pst_progression_build gives;
 * check-ins after a session are refused. */
static void test_streamed_in_parts(void **state)
{
	(void)state;
	struct pst_profile p = pregnant(24);
	enum { N = 1500, NC = 900 };
	struct pst_session_log *s = calloc(N, sizeof(*s));
	struct pst_session_ex *x = calloc(N * 2, sizeof(*x));
	struct pst_checkin *c = calloc(NC, sizeof(*c));
	assert_non_null(s);
	assert_non_null(x);
	assert_non_null(c);
	uint32_t rng = 11;
	static const char *const ids[] = {"a-base", "b-hard", "c-hard-floor", "d-hold", "e-easy"};
	for (size_t i = 0; i < N; i++) {
		for (int k = 0; k < 2; k++) {
			rng = rng * 1103515245u + 12345u;
			uint32_t r = (rng >> 8) % 100;
			x[i * 2 + k] = (struct pst_session_ex){
				ids[(r + (uint32_t)k) % 5],
				r < 65 ? PST_FB_EASY : r < 85 ? PST_FB_RIGHT : r < 95 ? PST_FB_HARD : PST_FB_HURT,
				(int)(r % 5)};
		}
		/* two sessions a day on most days: a part's end often splits a day */
		s[i] = (struct pst_session_log){.at = at((int)(i * 2 / 3), 9 + (int)(i % 3) * 4),
						.ex = &x[i * 2], .nex = 2};
	}
	for (size_t i = 0; i < NC; i++) {
		rng = rng * 1103515245u + 12345u;
		/* mornings and evenings, pain drifting: some weeks' mornings rise */
		c[i] = (struct pst_checkin){.at = at((int)(i * 1000 / NC), (rng >> 8) % 2 ? 8 : 20),
					    .pain = (int)((i / 40) % 4 + (rng >> 12) % 3)};
	}
	struct pst_progression *whole = NULL, *parts = NULL;
	assert_int_equal(pst_progression_build(&syn, &p, c, NC, s, N, &whole), PST_OK);
	struct pst_prog_builder *b = NULL;
	assert_int_equal(pst_progression_begin(&syn, &p, &b), PST_OK);
	assert_int_equal(pst_progression_add_checkins(b, c, 0), PST_OK);
	for (size_t i = 0; i < NC; i += 100)
		assert_int_equal(pst_progression_add_checkins(b, c + i, NC - i < 100 ? NC - i : 100), PST_OK);
	for (size_t i = 0; i < N; i += 7)
		assert_int_equal(pst_progression_add_sessions(b, s + i, N - i < 7 ? N - i : 7), PST_OK);
	assert_int_equal(pst_progression_add_checkins(b, c, 0), PST_OK); /* an empty part */
	assert_int_equal(pst_progression_add_checkins(b, c, 1), PST_EINVAL);
	assert_int_equal(pst_progression_finish(b, &parts), PST_OK);
	assert_int_equal(parts->n, whole->n);
	size_t changed = 0;
	for (size_t i = 0; i < whole->n; i++) {
		const struct pst_prog_entry *w = &whole->v[i], *q = &parts->v[i];
		assert_ptr_equal(q->ex, w->ex);
		assert_int_equal(q->level, w->level);
		assert_int_equal(q->calm, w->calm);
		assert_int_equal(q->sessions, w->sessions);
		assert_ptr_equal(q->current, w->current);
		assert_int_equal(q->current_level, w->current_level);
		assert_int_equal(q->changed, w->changed);
		if (w->changed) {
			changed++;
			assert_int_equal(q->last.seq, w->last.seq);
			assert_int_equal(q->last.day, w->last.day);
			assert_string_equal(q->last.reason, w->last.reason);
		}
	}
	assert_true(changed > 0);
	assert_true(whole->v[0].sessions > 100);
	pst_progression_free(whole);
	pst_progression_free(parts);
	/* abort frees an unfinished builder */
	assert_int_equal(pst_progression_begin(&syn, &p, &b), PST_OK);
	assert_int_equal(pst_progression_add_checkins(b, c, NC), PST_OK);
	pst_progression_abort(b);
	pst_progression_abort(NULL);
	free(s);
	free(x);
	free(c);
}

/* --- the planner with a progression ------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	struct pst_diags d = {0};
	if (pst_day_parse("2026-01-05", &day0))
		return -1;
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

static struct pst_plan *plan_with(const struct pst_profile *p, const struct pst_progression *pr)
{
	struct pst_plan *plan = NULL;
	assert_int_equal(pst_plan_build(cat, tips, p, NULL, pr, &plan), PST_OK);
	return plan;
}

static const struct pst_plan_item *item(const struct pst_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->nitems; i++)
		if (strcmp(plan->items[i].ex->id, id) == 0)
			return &plan->items[i];
	return NULL;
}

static const struct pst_plan_excluded *left_out(const struct pst_plan *plan, const char *id)
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
	assert_non_null(s);
	return s;
}

/* n calm sessions of one exercise, every other day. */
static struct pst_progression *calm_sessions(const struct pst_profile *p, const char *id, int n)
{
	struct logrow rows[64] = {{0}};
	assert_true(n < 64);
	for (int i = 0; i < n; i++)
		rows[i] = (struct logrow){2 * i, 10, id, PST_FB_EASY, 1};
	return replay(cat, p, rows, NULL);
}

static void test_plan_empty_progression_is_no_progression(void **state)
{
	(void)state;
	struct pst_profile p = pregnant(24);
	p.minutes = 20;
	struct pst_progression *pr = replay(cat, &p, (const struct logrow[]){{0, 0, NULL, 0, 0}}, NULL);
	assert_int_equal(pr->n, 0);
	struct pst_plan *a = plan_with(&p, NULL), *b = plan_with(&p, pr);
	char *ja = plan_json(a), *jb = plan_json(b);
	assert_string_equal(ja, jb);
	assert_non_null(strstr(ja, "\"progression\": null"));
	free(ja);
	free(jb);
	pst_plan_free(a);
	pst_plan_free(b);
	pst_progression_free(pr);
}

static void test_plan_progressed_dose(void **state)
{
	(void)state;
	struct pst_profile p = pregnant(24);
	p.minutes = 20;
	struct pst_plan *first = plan_with(&p, NULL);
	const struct pst_plan_item *it0 = item(first, "shoulder-blade-squeezes");
	assert_non_null(it0);
	assert_int_equal(it0->dose.reps.lo, 10);

	struct pst_progression *pr = calm_sessions(&p, "shoulder-blade-squeezes", 2);
	struct pst_plan *plan = plan_with(&p, pr);
	const struct pst_plan_item *it = item(plan, "shoulder-blade-squeezes");
	assert_non_null(it);
	assert_true(it->progressed);
	assert_int_equal(it->level, 1);
	assert_int_equal(it->dose.reps.lo, 12);
	assert_non_null(it->progression);
	assert_int_equal(it->progression->dir, PST_PROG_UP);
	assert_true(plan->estimated_s <= p.minutes * 60);

	char *j = plan_json(plan);
	assert_non_null(strstr(j, "\"progression\": {\n        \"change\": \"up\""));
	assert_non_null(strstr(j, "\"reason\": \"Easy twice in a row, with pain at most 3/10: two "
				  "more repetitions (12 instead of 10).\""));
	assert_non_null(strstr(j, "\"dose\": \"12 reps, holding 3 s\""));
	free(j);
	struct pst_buf t;
	pst_buf_init(&t, 1 << 20);
	pst_text_plan(&t, plan, NULL);
	assert_non_null(strstr(t.s, "     Progress: Easy twice in a row"));
	pst_buf_free(&t);
	pst_plan_free(plan);
	pst_plan_free(first);
	pst_progression_free(pr);
}

/* Spare time adds sets to a progressed dose as to a fresh one (so logging never shrinks
 * the plan), but not after a step down for pain: that dose is kept exactly. */
static void test_plan_spare_time_and_pain(void **state)
{
	(void)state;
	struct pst_profile p = pregnant(24);
	p.minutes = 20;
	struct pst_plan *plan = plan_with(&p, NULL);
	const struct pst_plan_item *it = item(plan, "shoulder-rolls");
	assert_non_null(it);
	assert_int_equal(it->dose.sets.lo, 2); /* 1-2 sets: spare time gave the second */
	assert_int_equal(it->dose.reps.lo, 5);
	pst_plan_free(plan);

	static const struct {
		struct logrow log[4];
		int level, sets, reps;
		bool fitted;
	} rows[] = {
		/* one calm session: nothing changes, the same dose as a first plan */
		{{{0, 10, "shoulder-rolls", PST_FB_EASY, 0}}, 0, 2, 5, false},
		/* two: 7 reps, and the spare second set stays */
		{{{0, 10, "shoulder-rolls", PST_FB_EASY, 0}, {2, 10, "shoulder-rolls", PST_FB_RIGHT, 1}},
		 1, 2, 7, false},
		/* then it hurt: back to 5 reps, one set, exactly */
		{{{0, 10, "shoulder-rolls", PST_FB_EASY, 0}, {2, 10, "shoulder-rolls", PST_FB_RIGHT, 1},
		  {4, 10, "shoulder-rolls", PST_FB_HURT, 3}},
		 0, 1, 5, false},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		struct pst_progression *pr = replay(cat, &p, rows[i].log, NULL);
		plan = plan_with(&p, pr);
		it = item(plan, "shoulder-rolls");
		assert_non_null(it);
		assert_true(it->progressed);
		assert_int_equal(it->level, rows[i].level);
		assert_int_equal(it->dose.sets.lo, rows[i].sets);
		assert_int_equal(it->dose.reps.lo, rows[i].reps);
		assert_int_equal(it->fitted, rows[i].fitted);
		pst_plan_free(plan);
		pst_progression_free(pr);
	}
}

/* At its ceiling an exercise hands its place to its harder variant; the original is
 * left out with the reason. */
static void test_plan_progressed_to_variant(void **state)
{
	(void)state;
	struct pst_profile p = after_birth(20);
	p.minutes = 20;
	p.equipment |= PST_BIT(PST_EQ_BAND);
	const struct pst_exercise *wa = pst_catalog_find(cat, "wall-angels");
	int steps = pst_dose_levels(&wa->dose); /* levels - 1 steps up, then one more */
	struct pst_progression *pr = calm_sessions(&p, "wall-angels", 2 * steps);
	const struct pst_prog_entry *e = pst_progression_find(pr, "wall-angels");
	assert_string_equal(e->current->id, "banded-a");

	struct pst_plan *plan = plan_with(&p, pr);
	assert_null(item(plan, "wall-angels"));
	const struct pst_plan_excluded *x = left_out(plan, "wall-angels");
	assert_non_null(x);
	assert_string_equal(x->rule, "progressed-to-variant");
	assert_non_null(strstr(x->reason, "move on to Banded"));
	assert_non_null(x->sources);
	const struct pst_plan_item *it = item(plan, "banded-a");
	assert_non_null(it);
	assert_ptr_equal(x->replaced_by, it->ex);
	assert_ptr_equal(it->progressed_from, wa);
	assert_non_null(strstr(it->why, "takes the place of Wall angels"));
	assert_non_null(it->progression);
	assert_string_equal(it->progression->from_ex->id, "wall-angels");
	assert_int_equal(it->level, 0);
	assert_int_equal(plan->nitems + plan->nexcluded, cat->n);
	char *j = plan_json(plan);
	assert_non_null(strstr(j, "\"rule\": \"progressed-to-variant\""));
	free(j);
	pst_plan_free(plan);

	/* Without the band the variant is not allowed: wall angels stay, at their top. */
	p.equipment &= ~PST_BIT(PST_EQ_BAND);
	plan = plan_with(&p, pr);
	it = item(plan, "wall-angels");
	assert_non_null(it);
	assert_int_equal(it->level, steps - 1);
	assert_string_equal(left_out(plan, "banded-a")->rule, "equipment-missing");
	pst_plan_free(plan);
	pst_progression_free(pr);
}

/* Hurt at the starting dose: the easier variant takes the place ("regressed"). */
static void test_plan_regressed_to_variant(void **state)
{
	(void)state;
	struct pst_profile p = pregnant(16);
	p.minutes = 20;
	static const struct logrow logs[] = {{0, 10, "cat-cow", PST_FB_HURT, 5}, {0, 0, NULL, 0, 0}};
	struct pst_progression *pr = replay(cat, &p, logs, NULL);
	assert_string_equal(pst_progression_find(pr, "cat-cow")->current->id, "seated-cat-cow");
	struct pst_plan *plan = plan_with(&p, pr);
	assert_null(item(plan, "cat-cow"));
	const struct pst_plan_excluded *x = left_out(plan, "cat-cow");
	assert_string_equal(x->rule, "regressed-to-variant");
	assert_non_null(strstr(x->reason, "It hurt"));
	pst_plan_free(plan);
	pst_progression_free(pr);
}

/* A progressed dose that no longer fits is cut to the largest level that fits, and the
 * plan says so; the budget holds. */
static void test_plan_progressed_dose_fits_time(void **state)
{
	(void)state;
	struct pst_profile p = after_birth(20);
	p.equipment |= PST_BIT(PST_EQ_BAND);
	/* Mid-back pain: an upper-back plan would keep its first minute for a chest opener. */
	p.areas = PST_BIT(PST_AREA_MID);
	const struct pst_exercise *e = pst_catalog_find(cat, "banded-a");
	int top = pst_dose_levels(&e->dose) - 1; /* 3 sets of 10 reps: 7 min 20 s */
	assert_int_equal(top, 3);
	struct pst_progression *pr = calm_sessions(&p, "banded-a", 2 * top);
	assert_int_equal(pst_progression_find(pr, "banded-a")->current_level, top);

	/* 5 minutes hold level 2 (2 sets of 10 reps, 4 min 40 s), not level 3. */
	p.minutes = 5;
	struct pst_plan *plan = plan_with(&p, pr);
	const struct pst_plan_item *it = item(plan, "banded-a");
	assert_non_null(it);
	assert_true(plan->estimated_s <= 300);
	assert_true(it->fitted);
	assert_int_equal(it->level, 2);
	assert_int_equal(it->dose.sets.lo, 2);
	assert_int_equal(it->dose.reps.lo, 10);
	assert_false(it->fewer_sets);
	assert_non_null(strstr(it->progression->reason, "Your 5 minutes do not hold that dose yet"));
	assert_non_null(strstr(it->why, "A smaller dose than you have progressed to"));
	char *j = plan_json(plan);
	assert_non_null(strstr(j, "\"fitted_to_time\": true"));
	free(j);
	pst_plan_free(plan);

	/* 3 minutes: below level 0 as well, with fewer sets than the catalogue's. */
	p.minutes = 3;
	plan = plan_with(&p, pr);
	it = item(plan, "banded-a");
	assert_non_null(it);
	assert_true(plan->estimated_s <= 180);
	assert_int_equal(it->level, 0);
	assert_true(it->fitted && it->fewer_sets);
	assert_int_equal(it->dose.sets.lo, 1);
	pst_plan_free(plan);

	/* With time to spare the top level is used, and spare time adds no set to it. */
	p.minutes = 30;
	plan = plan_with(&p, pr);
	it = item(plan, "banded-a");
	assert_non_null(it);
	assert_false(it->fitted);
	assert_int_equal(it->level, top);
	assert_int_equal(it->dose.sets.lo, 3);
	pst_plan_free(plan);
	pst_progression_free(pr);
}

/* The same properties as the planner's own, with random histories. */
static void test_plan_property_with_histories(void **state)
{
	(void)state;
	uint32_t rng = 99;
#define NEXT() (rng = rng * 1103515245u + 12345u, (rng >> 8) & 0xFFFFFF)
	for (int round = 0; round < 400; round++) {
		struct pst_profile p;
		pst_profile_init(&p);
		p.has_stage = true;
		if (NEXT() % 2) {
			p.stage = PST_STAGE_PREGNANCY;
			p.weeks = 1 + (int)(NEXT() % 42);
		} else {
			p.stage = PST_STAGE_POSTPARTUM;
			p.weeks = (int)(NEXT() % 105);
			p.birth = NEXT() % 2 ? PST_BIRTH_VAGINAL : PST_BIRTH_CAESAREAN;
		}
		p.equipment = NEXT() % (1u << PST_EQ__MAX);
		p.avoid = NEXT() % (1u << PST_AVOID__MAX);
		p.minutes = 3 + (int)(NEXT() % 58);
		/* The progression is built for one profile, the plan for another (time moves). */
		struct pst_profile q = p;
		q.avoid = NEXT() % (1u << PST_AVOID__MAX);
		struct logrow rows[48] = {{0}};
		int n = (int)(NEXT() % 47);
		for (int i = 0; i < n; i++) {
			uint32_t r = NEXT();
			rows[i] = (struct logrow){i, 10, cat->ex[r % cat->n].id,
						  (enum pst_feedback)((r >> 5) % 100 < 70 ? (r >> 9) % 2
											   : (r >> 9) % 4),
						  (int)((r >> 12) % 6)};
		}
		struct pst_progression *pr = replay(cat, &q, rows, NULL);
		struct pst_plan *plan = plan_with(&p, pr);
		assert_true(plan->estimated_s <= p.minutes * 60);
		int sum = 0;
		for (size_t i = 0; i < plan->nitems; i++) {
			const struct pst_plan_item *it = &plan->items[i];
			sum += it->seconds;
			assert_null(pst_rules_excluding(it->ex, &p));
			assert_int_equal(it->dose.sets.lo, it->dose.sets.hi);
			assert_int_equal(it->dose.reps.lo, it->dose.reps.hi);
			for (size_t k = 0; k < i; k++)
				assert_ptr_not_equal(plan->items[k].ex, it->ex);
		}
		assert_int_equal(sum, plan->estimated_s);
		assert_int_equal(plan->nitems + plan->nexcluded, cat->n);
		for (size_t i = 0; i < plan->nexcluded; i++)
			assert_null(item(plan, plan->excluded[i].ex->id));
		if (round % 10 == 0) {
			struct pst_plan *again = plan_with(&p, pr);
			char *a = plan_json(plan), *b = plan_json(again);
			assert_string_equal(a, b);
			free(a);
			free(b);
			pst_plan_free(again);
		}
		pst_plan_free(plan);
		pst_progression_free(pr);
	}
#undef NEXT
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ladder_order),
		cmocka_unit_test(test_ladder_real_catalogue),
		cmocka_unit_test(test_holds_stop_where_the_cue_says_longer_adds_nothing),
		cmocka_unit_test(test_rules_table),
		cmocka_unit_test(test_change_and_moves),
		cmocka_unit_test(test_time_order),
		cmocka_unit_test(test_next_day_lowers_all),
		cmocka_unit_test(test_morning_rise_lowers_the_week),
		cmocka_unit_test(test_long_history),
		cmocka_unit_test(test_streamed_in_parts),
		cmocka_unit_test(test_plan_empty_progression_is_no_progression),
		cmocka_unit_test(test_plan_progressed_dose),
		cmocka_unit_test(test_plan_spare_time_and_pain),
		cmocka_unit_test(test_plan_progressed_to_variant),
		cmocka_unit_test(test_plan_regressed_to_variant),
		cmocka_unit_test(test_plan_progressed_dose_fits_time),
		cmocka_unit_test(test_plan_property_with_histories),
	};
	return cmocka_run_group_tests_name("progression", tests, setup, teardown);
}
