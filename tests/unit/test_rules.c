/* Table-driven tests of every safety rule, on exercises built for the purpose. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/rules.h"

struct rule_case {
	const char *name;
	/* the person */
	enum pst_stage stage;
	int weeks;
	enum pst_birth birth;
	unsigned avoid, equipment;
	int pain;
	/* the exercise */
	enum pst_position pos;
	bool gentle, abdominal_load, loaded_twist, wrist_load;
	unsigned needs;
	/* expected */
	const char *excluded_by; /* NULL: allowed */
	const char *caution;     /* NULL: no caution */
};

#define PREG PST_STAGE_PREGNANCY
#define PP PST_STAGE_POSTPARTUM
#define VAG PST_BIRTH_VAGINAL
#define CS PST_BIRTH_CAESAREAN
#define NONE PST_BIRTH_UNKNOWN
#define DEF PST_EQUIPMENT_DEFAULT
#define AV(x) PST_BIT(PST_AVOID_##x)
#define EQ(x) PST_BIT(PST_EQ_##x)

static const struct rule_case cases[] = {
	/* name                      stage weeks birth avoid equip pain  pos  gentle abd twist wrist needs  excluded_by caution */
	{"supine at 20 weeks", PREG, 20, NONE, 0, DEF, -1, PST_POS_SUPINE, true, false, false, false, 0, "pregnancy-no-supine-from-20-weeks", NULL},
	{"supine at 36 weeks", PREG, 36, NONE, 0, DEF, -1, PST_POS_SUPINE, true, false, false, false, 0, "pregnancy-no-supine-from-20-weeks", NULL},
	{"supine at 19 weeks: caution", PREG, 19, NONE, 0, DEF, -1, PST_POS_SUPINE, true, false, false, false, 0, NULL, "pregnancy-supine-caution"},
	{"supine after birth", PP, 10, VAG, 0, DEF, -1, PST_POS_SUPINE, true, false, false, false, 0, NULL, NULL},
	{"prone at 13 weeks", PREG, 13, NONE, 0, DEF, -1, PST_POS_PRONE, true, false, false, false, 0, NULL, NULL},
	{"prone at 14 weeks", PREG, 14, NONE, 0, DEF, -1, PST_POS_PRONE, true, false, false, false, 0, "pregnancy-no-prone-after-13-weeks", NULL},
	{"prone after birth", PP, 10, VAG, 0, DEF, -1, PST_POS_PRONE, true, false, false, false, 0, NULL, NULL},
	{"load 5 weeks after birth", PP, 5, VAG, 0, DEF, -1, PST_POS_STANDING, false, false, false, false, 0, "postpartum-gentle-only-before-6-weeks", NULL},
	{"load at birth", PP, 0, VAG, 0, DEF, -1, PST_POS_STANDING, false, false, false, false, 0, "postpartum-gentle-only-before-6-weeks", NULL},
	{"load 6 weeks after birth", PP, 6, VAG, 0, DEF, -1, PST_POS_STANDING, false, false, false, false, 0, NULL, NULL},
	{"gentle 1 week after birth", PP, 1, VAG, 0, DEF, -1, PST_POS_STANDING, true, false, false, false, 0, NULL, NULL},
	{"abdominal load, caesarean 5 weeks", PP, 5, CS, 0, DEF, -1, PST_POS_SEATED, true, true, false, false, 0, "caesarean-no-abdominal-load-before-6-weeks", NULL},
	{"loaded twist, caesarean 2 weeks", PP, 2, CS, 0, DEF, -1, PST_POS_SEATED, true, false, true, false, 0, "caesarean-no-abdominal-load-before-6-weeks", NULL},
	{"abdominal load, caesarean 8 weeks", PP, 8, CS, 0, DEF, -1, PST_POS_SEATED, false, true, false, false, 0, NULL, "caesarean-clearance"},
	{"abdominal load, vaginal 3 weeks", PP, 3, VAG, 0, DEF, -1, PST_POS_SEATED, true, true, false, false, 0, NULL, NULL},
	{"abdominal load, vaginal 8 weeks", PP, 8, VAG, 0, DEF, -1, PST_POS_SEATED, false, true, false, false, 0, NULL, "postpartum-midline-watch"},
	{"floor: quadruped", PREG, 10, NONE, AV(FLOOR), DEF, -1, PST_POS_QUADRUPED, true, false, false, true, 0, "avoid-floor", NULL},
	{"floor: side-lying", PREG, 10, NONE, AV(FLOOR), DEF, -1, PST_POS_SIDE_LYING, true, false, false, false, 0, "avoid-floor", NULL},
	{"floor: kneeling", PREG, 10, NONE, AV(FLOOR), DEF, -1, PST_POS_KNEELING, true, false, false, false, 0, "avoid-floor", NULL},
	{"floor: half-kneeling", PREG, 10, NONE, AV(FLOOR), DEF, -1, PST_POS_HALF_KNEELING, true, false, false, false, 0, "avoid-floor", NULL},
	{"floor: supine (early)", PREG, 10, NONE, AV(FLOOR), DEF, -1, PST_POS_SUPINE, true, false, false, false, 0, "avoid-floor", "pregnancy-supine-caution"},
	{"floor: seated is fine", PREG, 10, NONE, AV(FLOOR), DEF, -1, PST_POS_SEATED, true, false, false, false, 0, NULL, NULL},
	{"floor: standing is fine", PREG, 10, NONE, AV(FLOOR), DEF, -1, PST_POS_STANDING, true, false, false, false, 0, NULL, NULL},
	{"kneeling: kneeling", PP, 10, VAG, AV(KNEELING), DEF, -1, PST_POS_KNEELING, true, false, false, false, 0, "avoid-kneeling", NULL},
	{"kneeling: all fours", PP, 10, VAG, AV(KNEELING), DEF, -1, PST_POS_QUADRUPED, false, true, false, true, 0, "avoid-kneeling", "postpartum-midline-watch"},
	{"kneeling: side-lying is fine", PP, 10, VAG, AV(KNEELING), DEF, -1, PST_POS_SIDE_LYING, true, false, false, false, 0, NULL, NULL},
	{"wrists: hands loaded", PP, 10, VAG, AV(WRIST_LOAD), DEF, -1, PST_POS_QUADRUPED, false, false, false, true, 0, "avoid-wrist-load", NULL},
	{"wrists: kneeling without hands", PP, 10, VAG, AV(WRIST_LOAD), DEF, -1, PST_POS_KNEELING, true, false, false, false, 0, NULL, NULL},
	{"equipment: band missing", PREG, 10, NONE, 0, DEF, -1, PST_POS_STANDING, false, false, false, false, EQ(BAND), "equipment-missing", NULL},
	{"equipment: band at hand", PREG, 10, NONE, 0, DEF | EQ(BAND), -1, PST_POS_STANDING, false, false, false, false, EQ(BAND), NULL, NULL},
	{"equipment: none at all, wall needed", PREG, 10, NONE, 0, 0, -1, PST_POS_STANDING, true, false, false, false, EQ(WALL), "equipment-missing", NULL},
	{"equipment: wall by default", PREG, 10, NONE, 0, DEF, -1, PST_POS_STANDING, true, false, false, false, EQ(WALL), NULL, NULL},
	{"pain 7: no load", PREG, 10, NONE, 0, DEF, 7, PST_POS_STANDING, false, false, false, false, 0, "high-pain-gentle-only", NULL},
	{"pain 7: gentle fine", PREG, 10, NONE, 0, DEF, 7, PST_POS_STANDING, true, false, false, false, 0, NULL, NULL},
	{"pain 6: load fine", PREG, 10, NONE, 0, DEF, 6, PST_POS_STANDING, false, false, false, false, 0, NULL, NULL},
	/* The most important reason is the one named. */
	{"supine + floor: the pregnancy rule first", PREG, 30, NONE, AV(FLOOR), DEF, -1, PST_POS_SUPINE, true, false, false, false, 0, "pregnancy-no-supine-from-20-weeks", NULL},
};

static void test_rule_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct rule_case *rc = &cases[i];
		struct pst_profile p;
		pst_profile_init(&p);
		p.has_stage = true;
		p.stage = rc->stage;
		p.weeks = rc->weeks;
		p.birth = rc->birth;
		p.avoid = rc->avoid;
		p.equipment = rc->equipment;
		p.pain = rc->pain;
		struct pst_exercise e = {.id = "x", .position = rc->pos, .gentle = rc->gentle,
					 .abdominal_load = rc->abdominal_load,
					 .loaded_twist = rc->loaded_twist, .wrist_load = rc->wrist_load,
					 .equipment = rc->needs};
		const struct pst_rule *r = pst_rules_excluding(&e, &p);
		const char *got = r ? r->id : NULL;
		if ((got == NULL) != (rc->excluded_by == NULL) ||
		    (got && strcmp(got, rc->excluded_by) != 0)) {
			print_error("%s: excluded by %s, expected %s\n", rc->name, got ? got : "nothing",
				    rc->excluded_by ? rc->excluded_by : "nothing");
			fail();
		}
		const struct pst_rule *cau[4];
		size_t n = pst_rules_cautions(&e, &p, cau, 4);
		if ((n == 0) != (rc->caution == NULL) || (n && strcmp(cau[0]->id, rc->caution) != 0)) {
			print_error("%s: caution %s, expected %s\n", rc->name, n ? cau[0]->id : "none",
				    rc->caution ? rc->caution : "none");
			fail();
		}
	}
}

/* Every rule names an id, a plain-words reason and a source; ids are unique. */
static void test_rules_are_sourced(void **state)
{
	(void)state;
	assert_true(pst_rules_n >= 10);
	for (size_t i = 0; i < pst_rules_n; i++) {
		assert_true(strlen(pst_rules[i].id) > 3);
		assert_true(strlen(pst_rules[i].reason) > 20);
		assert_true(pst_rules[i].choice || pst_rules[i].sources.n > 0);
		assert_non_null(pst_rules[i].hits);
		assert_ptr_equal(pst_rules_find(pst_rules[i].id), &pst_rules[i]);
		for (size_t k = i + 1; k < pst_rules_n; k++)
			assert_string_not_equal(pst_rules[i].id, pst_rules[k].id);
	}
	assert_null(pst_rules_find("no-such-rule"));
	/* The person's own choices and equipment are marked as such (the web lists them
	 * apart from the safety rules); no safety rule is. */
	static const char *const choices[] = {"avoid-floor", "avoid-kneeling", "avoid-wrist-load",
					      "equipment-missing"};
	size_t nchoice = 0;
	for (size_t i = 0; i < pst_rules_n; i++)
		nchoice += pst_rules[i].choice;
	assert_int_equal(nchoice, sizeof choices / sizeof *choices);
	for (size_t i = 0; i < sizeof choices / sizeof *choices; i++)
		assert_true(pst_rules_find(choices[i])->choice);
	assert_false(pst_rules_find("pregnancy-no-supine-from-20-weeks")->choice);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_table),
		cmocka_unit_test(test_rules_are_sourced),
	};
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
