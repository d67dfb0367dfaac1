/* Unit tests of the catalogue loader and validator: good data loads, bad data is refused
 * whole with a FILE:LINE:COLUMN message, and the built-in catalogue holds the seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/pose.h"
#include "core/progression.h"
#include "core/tracking.h"
#include "data/builtin.h"
#include "data/embedded.h"

/* A complete, valid exercise; the table below breaks it one way at a time. */
static const char valid[] =
	"id: t\n"
	"name: Test move\n"
	"summary: A test.\n"
	"purpose: Tests things.\n"
	"kind: stretch\n"
	"regions: [chest]\n"
	"muscles: [pectoralis major]\n"
	"position: standing\n"
	"equipment: [wall]\n"
	"dose:\n"
	"  sets: 1\n"
	"  hold_s: 15-30\n"
	"steps: [one, two]\n"
	"cues: [a cue]\n"
	"mistakes: [a mistake]\n"
	"breathing: Breathe.\n"
	"stages:\n"
	"  pregnancy: fine\n"
	"  postpartum: fine\n"
	"wrist_load: false\n"
	"gentle: true\n"
	"abdominal_load: false\n"
	"loaded_twist: false\n"
	"source:\n"
	"  seed: seed-five-exercises-pregnancy\n"
	"poses: [{shoulder: 90}, {shoulder: 150, elbow: 20}]\n";

/* Replaces the first occurrence of from with to in valid (from "" appends to). */
static char *mutate(const char *from, const char *to)
{
	const char *at = *from ? strstr(valid, from) : valid + strlen(valid);
	assert_non_null(at);
	size_t pre = (size_t)(at - valid);
	size_t n = strlen(valid) - strlen(from) + strlen(to) + 1;
	char *s = malloc(n);
	assert_non_null(s);
	memcpy(s, valid, pre);
	strcpy(s + pre, to);
	strcat(s, at + strlen(from));
	return s;
}

static int load_text(const char *name, const char *text, struct pst_catalog **cat,
		     struct pst_diags *d)
{
	struct pst_blob b = {name, (const unsigned char *)text, strlen(text)};
	return pst_catalog_load(&b, 1, cat, d);
}

static void test_valid_loads(void **state)
{
	(void)state;
	struct pst_catalog *cat = NULL;
	struct pst_diags d = {0};
	assert_int_equal(load_text("x/t.yaml", valid, &cat, &d), PST_OK);
	assert_int_equal(d.n, 0);
	assert_int_equal(cat->n, 1);
	const struct pst_exercise *e = pst_catalog_find(cat, "t");
	assert_non_null(e);
	assert_int_equal(e->kind, PST_KIND_STRETCH);
	assert_int_equal(e->dose.hold_s.lo, 15);
	assert_int_equal(e->dose.hold_s.hi, 30);
	assert_int_equal(e->dose.reps.lo, 1); /* a hold alone is one repetition */
	assert_true(e->gentle);
	assert_true(pst_exercise_opens_front(e));
	pst_catalog_free(cat);
}

struct bad_case {
	const char *from, *to; /* the change to the valid text */
	const char *expect;    /* the whole first diagnostic line */
};

static const struct bad_case bad_cases[] = {
	{"", "colour: red\n", "x/t.yaml:27:1: unknown field 'colour'"},
	{"name: Test move\n", "", "x/t.yaml:1:1: missing required field 'name'"},
	{"kind: stretch", "kind: stretching",
	 "x/t.yaml:5:7: kind: 'stretching' is not one of mobility, stretch, strengthen, breathing, relaxation"},
	{"position: standing", "position: upside-down",
	 "x/t.yaml:8:11: position: 'upside-down' is not one of standing, seated, kneeling, half-kneeling, quadruped, side-lying, supine, prone"},
	{"equipment: [wall]", "equipment: [wall, trampoline]",
	 "x/t.yaml:9:19: equipment: 'trampoline' is not one of band, foam-roller, wall, chair, couch, doorway, mat, pillow"},
	{"hold_s: 15-30", "hold_s: 15-90", "x/t.yaml:12:11: dose.hold_s: 15-90 is out of range 1-60"},
	{"hold_s: 15-30", "hold_s: 30-15",
	 "x/t.yaml:12:11: dose.hold_s: the low end 30 is above the high end 15"},
	{"sets: 1", "sets: 9", "x/t.yaml:11:9: dose.sets: 9 is out of range 1-5"},
	{"sets: 1", "sets: lots", "x/t.yaml:11:9: dose.sets must be a number or a range like 8-10"},
	{"  hold_s: 15-30\n", "  tempo: slow\n",
	 "x/t.yaml:11:3: dose needs at least one of reps, hold_s or breaths"},
	{"gentle: true", "gentle: maybe", "x/t.yaml:21:9: gentle must be true or false"},
	{"steps: [one, two]", "steps: [one]", "x/t.yaml:13:8: steps needs at least 2 items"},
	{"id: t\n", "id: Bad_Id\n",
	 "x/t.yaml:1:5: id 'Bad_Id' must be lower-case letters, digits and dashes (at most 48)"},
	{"id: t\n", "id: other\n",
	 "x/t.yaml:1:5: id 'other' does not match the file name (expected other.yaml)"},
	{"", "easier: [no-such-move]\n",
	 "x/t.yaml:27:9: easier: 'no-such-move' names no exercise in the catalogue"},
	{"", "harder: [t]\n", "x/t.yaml:27:9: harder: 't' names the exercise itself"},
	{"name: Test move", "name: [a, b]", "x/t.yaml:2:7: name must be text, not a list"},
	{"regions: [chest]", "regions: [chest, chest]", "x/t.yaml:6:18: regions: 'chest' is listed twice"},
	{"", "kind: mobility\n", "x/t.yaml:27:1: field 'kind' is given twice"},
	{"summary: A test.", "summary: [unclosed", "x/t.yaml:3:10: malformed YAML: did not find expected ',' or ']' while parsing a flow sequence"},
	{"  seed: seed-five-exercises-pregnancy\n", "  sead: seed-five-exercises-pregnancy\n",
	 "x/t.yaml:25:3: unknown field 'source.sead'"},
	{"equipment: [wall]", "equipment: [band]",
	 "x/t.yaml:21:9: gentle: an exercise with a band has resistance, so it cannot be gentle"},
	{"position: standing", "position: quadruped",
	 "x/t.yaml:20:13: wrist_load: an exercise on all fours loads the wrists"},
	{"", "---\nid: again\n", "x/t.yaml:28:1: only one YAML document is allowed per file"},
	{"", "entered_from: quadruped\n",
	 "x/t.yaml:20:13: wrist_load: it is entered from all fours (entered_from), which loads the wrists"},
	{"", "entered_from: on-a-chair\n",
	 "x/t.yaml:27:15: entered_from: 'on-a-chair' is not one of standing, seated, kneeling, half-kneeling, quadruped, side-lying, supine, prone"},
	{"position: standing", "position: half-kneeling\nasymmetric: false",
	 "x/t.yaml:9:13: asymmetric: half-kneeling puts the legs in different positions"},
	{"", "belly_pressure: sometimes\n", "x/t.yaml:27:17: belly_pressure must be true or false"},
};

static void test_bad_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
		const struct bad_case *bc = &bad_cases[i];
		char *text = mutate(bc->from, bc->to);
		struct pst_catalog *cat = (struct pst_catalog *)1;
		struct pst_diags d = {0};
		int err = load_text("x/t.yaml", text, &cat, &d);
		if (err != PST_EDATA || cat != NULL || d.n == 0) {
			print_error("case %zu (%s): expected a rejection\n", i, bc->expect);
			fail();
		}
		bool found = false;
		for (size_t k = 0; k < d.n; k++) {
			char *got = pst_diag_format(&d.v[k]);
			found |= strcmp(got, bc->expect) == 0;
			free(got);
		}
		if (!found) {
			char *got = pst_diag_format(&d.v[0]);
			print_error("case %zu\n  expected: %s\n  got:      %s\n", i, bc->expect, got);
			free(got);
			fail();
		}
		pst_diags_clear(&d);
		free(text);
	}
}

static void test_duplicate_id_and_nothing_half_loaded(void **state)
{
	(void)state;
	struct pst_blob b[3] = {
		{"a/t.yaml", (const unsigned char *)valid, strlen(valid)},
		{"b/t.yaml", (const unsigned char *)valid, strlen(valid)},
	};
	struct pst_catalog *cat = NULL;
	struct pst_diags d = {0};
	assert_int_equal(pst_catalog_load(b, 2, &cat, &d), PST_EDATA);
	assert_null(cat);
	assert_int_equal(d.n, 1);
	char *got = pst_diag_format(&d.v[0]);
	assert_string_equal(got, "b/t.yaml:1:1: duplicate id 't' (first defined in a/t.yaml:1)");
	free(got);
	pst_diags_clear(&d);

	/* One good file and one bad one: nothing at all is loaded. */
	char *bad = mutate("kind: stretch", "kind: nope");
	b[1] = (struct pst_blob){"b/t.yaml", (const unsigned char *)bad, strlen(bad)};
	b[0].name = "a/other.yaml";
	assert_int_equal(pst_catalog_load(b, 2, &cat, &d), PST_EDATA);
	assert_null(cat);
	assert_true(d.n >= 2); /* the id/name mismatch in a/ and the bad kind in b/ */
	pst_diags_clear(&d);
	free(bad);
}

static void test_every_problem_reported(void **state)
{
	(void)state;
	char *a = mutate("kind: stretch", "kind: nope");
	char *b = mutate("sets: 1", "sets: 0");
	struct pst_blob files[2] = {
		{"d/t.yaml", (const unsigned char *)a, strlen(a)},
		{"c/t.yaml", (const unsigned char *)b, strlen(b)},
	};
	struct pst_catalog *cat = NULL;
	struct pst_diags d = {0};
	assert_int_equal(pst_catalog_load(files, 2, &cat, &d), PST_EDATA);
	assert_int_equal(d.n, 2);
	/* Sorted by file so the output is stable. */
	assert_string_equal(d.v[0].file, "c/t.yaml");
	assert_string_equal(d.v[1].file, "d/t.yaml");
	pst_diags_clear(&d);
	free(a);
	free(b);
}

/* Every file in tests/reject/catalog is refused with the message on its first line. */
static void test_reject_folder(void **state)
{
	(void)state;
	const char *dir = getenv("PST_REJECT_DIR");
	assert_non_null(dir);
	struct pst_blobset set;
	struct pst_diags d = {0};
	assert_int_equal(pst_blobset_read_dir(dir, ".yaml", &set, &d), PST_OK);
	assert_true(set.n >= 5);
	for (size_t i = 0; i < set.n; i++) {
		const char *text = (const char *)set.v[i].data;
		const char *prefix = "# expect: ";
		assert_true(strncmp(text, prefix, strlen(prefix)) == 0);
		const char *nl = strchr(text, '\n');
		char want[512];
		snprintf(want, sizeof want, "%s:%.*s", set.v[i].name,
			 (int)(nl - text - (int)strlen(prefix)), text + strlen(prefix));
		struct pst_catalog *cat = NULL;
		int err = pst_catalog_load(&set.v[i], 1, &cat, &d);
		if (err != PST_EDATA || !d.n) {
			print_error("%s was accepted\n", set.v[i].name);
			fail();
		}
		bool found = false;
		for (size_t k = 0; k < d.n; k++) {
			char *got = pst_diag_format(&d.v[k]);
			found |= strcmp(got, want) == 0;
			free(got);
		}
		if (!found) {
			char *got = pst_diag_format(&d.v[0]);
			print_error("%s\n  expected: %s\n  got:      %s\n", set.v[i].name, want, got);
			free(got);
			fail();
		}
		pst_diags_clear(&d);
	}
	pst_blobset_free(&set);
}

/* The seeds' exercises, with the ids the issue names. */
static const char *const seed_ids[] = {
	"thoracic-opener", "shoulder-external-rotation", "cat-cow", "shoulder-blade-squeezes",
	"wall-angels", "childs-pose", "chest-opener", "seated-upper-back-release",
	"kneeling-upper-back-extension", "kneeling-twist", "standing-pec-stretch",
	"gentle-spinal-twist", "doorway-chest-opener", "shoulder-rolls", "banded-a",
	"double-chin", "thread-the-needle", "thoracic-roll-out", "couch-stretch", "rib-breathing",
};

static struct pst_catalog *builtin(void)
{
	struct pst_catalog *cat = NULL;
	struct pst_diags d = {0};
	int err = pst_catalog_load(pst_embedded_exercises, pst_embedded_exercises_n, &cat, &d);
	for (size_t i = 0; i < d.n; i++) {
		char *s = pst_diag_format(&d.v[i]);
		print_error("%s\n", s);
		free(s);
	}
	pst_diags_clear(&d);
	assert_int_equal(err, PST_OK);
	return cat;
}

static void test_builtin_holds_the_seeds(void **state)
{
	(void)state;
	struct pst_catalog *cat = builtin();
	for (size_t i = 0; i < sizeof seed_ids / sizeof *seed_ids; i++) {
		const struct pst_exercise *e = pst_catalog_find(cat, seed_ids[i]);
		if (!e) {
			print_error("missing seed exercise %s\n", seed_ids[i]);
			fail();
		}
		/* Each names a seed article of the table of sources, which keeps its file. */
		const struct pst_source *s = pst_sources_find(&pst_builtin_sources, e->src_seed);
		assert_non_null(s);
		assert_non_null(s->file);
		assert_non_null(strstr(s->file, ".txt"));
		assert_string_equal(e->sources.v[0].id, e->src_seed);
	}
	/* Doses as the seeds give them. */
	const struct pst_exercise *e = pst_catalog_find(cat, "shoulder-external-rotation");
	assert_int_equal(e->dose.sets.lo, 3);
	assert_int_equal(e->dose.reps.lo, 8);
	assert_int_equal(e->dose.reps.hi, 10);
	e = pst_catalog_find(cat, "cat-cow");
	assert_int_equal(e->dose.breaths.lo, 5);
	assert_int_equal(e->dose.breaths.hi, 10);
	assert_int_equal(e->position, PST_POS_QUADRUPED);
	assert_true(e->wrist_load);
	e = pst_catalog_find(cat, "wall-angels");
	assert_int_equal(e->dose.reps.lo, 10);
	assert_int_equal(e->dose.reps.hi, 15);
	e = pst_catalog_find(cat, "banded-a");
	assert_int_equal(e->dose.rep_s, 10);
	assert_non_null(e->dose.tempo);
	assert_false(e->gentle);
	e = pst_catalog_find(cat, "gentle-spinal-twist");
	assert_int_equal(e->position, PST_POS_SUPINE);
	assert_true(e->dose.per_side);
	e = pst_catalog_find(cat, "doorway-chest-opener");
	assert_int_equal(e->dose.hold_s.lo, 20);
	assert_int_equal(e->dose.hold_s.hi, 30);
	assert_true(e->equipment & PST_BIT(PST_EQ_DOORWAY));
	pst_catalog_free(cat);
}

/* Floor-free people and the first weeks after birth still need a full mix. */
static void test_builtin_has_gentle_upright_mix(void **state)
{
	(void)state;
	struct pst_catalog *cat = builtin();
	bool mob = false, front = false, back = false, breath = false;
	for (size_t i = 0; i < cat->n; i++) {
		const struct pst_exercise *e = &cat->ex[i];
		if (!e->gentle || pst_position_on_floor(e->position))
			continue;
		mob |= e->kind == PST_KIND_MOBILITY;
		front |= pst_exercise_opens_front(e);
		back |= pst_exercise_strengthens_back(e);
		breath |= e->kind == PST_KIND_BREATHING;
	}
	assert_true(mob);
	assert_true(front);
	assert_true(back);
	assert_true(breath);
	pst_catalog_free(cat);
}

static void test_closest_id(void **state)
{
	(void)state;
	struct pst_catalog *cat = builtin();
	assert_string_equal(pst_catalog_closest(cat, "cat-cw"), "cat-cow");
	assert_string_equal(pst_catalog_closest(cat, "wall-angel"), "wall-angels");
	assert_null(pst_catalog_closest(cat, "zzzzzzzzzzzz"));
	pst_catalog_free(cat);
}

/* Words for people: every value of every vocabulary has plain words, none of them a code
 * with a hyphen or the positions' jargon, and the ones the issue named read as people say. */
static void test_plain_words(void **state)
{
	(void)state;
	const struct pst_vocab *all[] = {&pst_vocab_kind,    &pst_vocab_position, &pst_vocab_equipment,
					 &pst_vocab_region,  &pst_vocab_area,     &pst_vocab_trigger,
					 &pst_vocab_avoid,   &pst_vocab_stage,    &pst_vocab_birth,
					 &pst_vocab_feeding, &pst_vocab_outcome,  &pst_vocab_feedback,
					 &pst_vocab_prog_dir, &pst_vocab_view,    &pst_vocab_landmark,
					 &pst_vocab_condition};
	for (size_t k = 0; k < sizeof all / sizeof *all; k++)
		for (int i = 0; i < all[k]->n; i++) {
			const char *p = pst_vocab_plain(all[k], i);
			assert_non_null(p);
			assert_true(p[0] != '\0' && strcmp(p, "?") != 0);
			if (strchr(p, '-') || strstr(p, "quadruped") || strstr(p, "supine") || strstr(p, "prone"))
				fail_msg("%s %s: '%s' is not plain", all[k]->what, all[k]->words[i], p);
		}
	assert_string_equal(pst_vocab_plain(&pst_vocab_equipment, PST_EQ_FOAM_ROLLER), "foam roller");
	assert_string_equal(pst_vocab_plain(&pst_vocab_position, PST_POS_QUADRUPED), "on hands and knees");
	assert_string_equal(pst_vocab_plain(&pst_vocab_position, PST_POS_SUPINE), "lying on your back");
	assert_string_equal(pst_vocab_plain(&pst_vocab_region, PST_REG_UPPER_BACK), "upper back");
	assert_string_equal(pst_vocab_plain(&pst_vocab_feedback, PST_FB_RIGHT), "felt right");
	assert_string_equal(pst_vocab_plain(&pst_vocab_feedback, PST_FB_HURT), "it hurt");
	assert_string_equal(pst_vocab_plain(&pst_vocab_position, 99), "?");
	char buf[32];
	assert_string_equal(pst_vocab_plain_cap(&pst_vocab_position, PST_POS_SUPINE, buf, sizeof buf),
			    "Lying on your back");
	/* the codes stay what flags, forms and files use */
	assert_string_equal(pst_vocab_word(&pst_vocab_equipment, PST_EQ_FOAM_ROLLER), "foam-roller");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_loads),
		cmocka_unit_test(test_bad_cases),
		cmocka_unit_test(test_duplicate_id_and_nothing_half_loaded),
		cmocka_unit_test(test_every_problem_reported),
		cmocka_unit_test(test_reject_folder),
		cmocka_unit_test(test_builtin_holds_the_seeds),
		cmocka_unit_test(test_builtin_has_gentle_upright_mix),
		cmocka_unit_test(test_closest_id),
		cmocka_unit_test(test_plain_words),
	};
	return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
