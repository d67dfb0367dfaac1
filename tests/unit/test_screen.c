/* Unit tests of screening: the questions loader refuses bad data whole with
 * FILE:LINE:COLUMN messages, the built-in questions hold the required red flags, the
 * answers parser names what is wrong, and the outcome follows the rules of screen.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/screen.h"
#include "data/embedded.h"
#include "render/screen.h"

/* --- the loader -------------------------------------------------------------------- */

/* Two valid questions; the table below breaks them one way at a time. */
static const char valid[] =
	"questions:\n"                             /* 1 */
	"  - id: a-question\n"                     /* 2 */
	"    question: Is it?\n"                   /* 3 */
	"    stages: [pregnancy, postpartum]\n"    /* 4 */
	"    outcome: emergency\n"                 /* 5 */
	"    advice: Call.\n"                      /* 6 */
	"    source: [mottola-2018]\n"            /* 7 */
	"    stop_sign: Chest pain\n"              /* 8 */
	"  - id: b-question\n"                     /* 9 */
	"    question: Is it really?\n"            /* 10 */
	"    stages: [postpartum]\n"               /* 11 */
	"    outcome: clearance\n"                 /* 12 */
	"    advice: Ask.\n"                       /* 13 */
	"    source: [{id: acog-co-804, detail: d}]\n"; /* 14 */

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

static int load_text(const char *text, struct pst_questions **q, struct pst_diags *d)
{
	struct pst_blob b = {"x/s.yaml", (const unsigned char *)text, strlen(text)};
	return pst_questions_load(&b, q, d);
}

static void test_valid_loads(void **state)
{
	(void)state;
	struct pst_questions *q = NULL;
	struct pst_diags d = {0};
	assert_int_equal(load_text(valid, &q, &d), PST_OK);
	assert_int_equal(d.n, 0);
	assert_int_equal(q->n, 2);
	assert_string_equal(q->file, "x/s.yaml");
	const struct pst_question *a = &q->v[0], *b = &q->v[1];
	assert_string_equal(a->id, "a-question");
	assert_string_equal(a->question, "Is it?");
	assert_int_equal(a->stages, PST_BIT(PST_STAGE_PREGNANCY) | PST_BIT(PST_STAGE_POSTPARTUM));
	assert_int_equal(a->outcome, PST_OUT_EMERGENCY);
	assert_string_equal(a->advice, "Call.");
	assert_int_equal(a->sources.n, 1);
	assert_string_equal(a->sources.v[0].id, "mottola-2018");
	assert_string_equal(a->stop_sign, "Chest pain");
	assert_int_equal(a->line, 2);
	assert_int_equal(b->stages, PST_BIT(PST_STAGE_POSTPARTUM));
	assert_int_equal(b->outcome, PST_OUT_CLEARANCE);
	assert_null(b->stop_sign); /* optional */
	assert_int_equal(b->line, 9);
	assert_ptr_equal(pst_questions_find(q, "b-question"), b);
	assert_null(pst_questions_find(q, "c-question"));
	pst_questions_free(q);
}

struct bad_case {
	const char *from, *to; /* the change to the valid text; from NULL: to is the whole text */
	const char *expect;    /* one whole diagnostic line that must be among those reported */
};

static const struct bad_case bad_cases[] = {
	/* the four */
	{"    stop_sign: Chest pain\n", "    stop_sign: Chest pain\n    colour: red\n",
	 "x/s.yaml:9:5: unknown field 'colour'"},
	{"outcome: emergency", "outcome: urgent",
	 "x/s.yaml:5:14: outcome: 'urgent' is not one of emergency, same-day, see-provider, clearance, note"},
	{"id: b-question", "id: a-question",
	 "x/s.yaml:9:9: duplicate id 'a-question' (first defined at line 2)"},
	{"    advice: Call.\n", "", "x/s.yaml:2:5: missing required field 'advice'"},
	/* and the rest of the schema */
	{"stages: [postpartum]", "stages: []", "x/s.yaml:11:13: stages needs at least 1 item"},
	{"stages: [postpartum]", "stages:", "x/s.yaml:11:12: stages needs at least 1 item"},
	{"stages: [postpartum]", "stages: [after-birth]",
	 "x/s.yaml:11:14: stages: 'after-birth' is not one of pregnancy, postpartum"},
	{"stages: [postpartum]", "stages: [postpartum, postpartum]",
	 "x/s.yaml:11:26: stages: 'postpartum' is listed twice"},
	{"stages: [postpartum]", "stages: postpartum",
	 "x/s.yaml:11:13: stages must be a list like [a, b]"},
	{"outcome: clearance", "outcome: clear",
	 "x/s.yaml:12:14: outcome: 'clear' is not one of emergency, same-day, see-provider, clearance, note"},
	{"outcome: clearance", "outcome: incomplete",
	 "x/s.yaml:12:14: outcome: 'incomplete' is not one of emergency, same-day, see-provider, clearance, note"},
	{"stop_sign: Chest pain", "stop_sign: [a, b]", "x/s.yaml:8:16: stop_sign must be text, not a list"},
	{"id: a-question", "id: A_Question",
	 "x/s.yaml:2:9: id 'A_Question' must be lower-case letters, digits and dashes (at most 48)"},
	{"id: a-question", "id: \"\"", "x/s.yaml:2:9: id must not be empty"},
	{"question: Is it?", "question: [a, b]", "x/s.yaml:3:15: question must be text, not a list"},
	{"advice: Call.", "advice:", "x/s.yaml:6:12: advice must not be empty"},
	{"", "version: 2\n", "x/s.yaml:15:1: unknown field 'version'"},
	{"  - id: b-question\n", "  - id: b-question\n    id: c-question\n",
	 "x/s.yaml:10:5: field 'id' is given twice"},
	{"question: Is it?", "question: [unclosed",
	 "x/s.yaml:3:15: malformed YAML: did not find expected ',' or ']' while parsing a flow sequence"},
	{NULL, "questions: []\n", "x/s.yaml:1:12: questions needs at least 1 item"},
	{NULL, "questions:\n", "x/s.yaml:1:11: questions needs at least 1 item"},
	{NULL, "questions: all of them\n", "x/s.yaml:1:12: questions must be a list"},
	{NULL, "questions:\n  - just text\n",
	 "x/s.yaml:2:5: each question must be a mapping of fields"},
	{NULL, "- a\n- b\n", "x/s.yaml:1:1: the file must be a mapping of fields, not a list"},
	{NULL, "qestions: []\n", "x/s.yaml:1:1: unknown field 'qestions'"},
	{NULL, "qestions: []\n", "x/s.yaml:1:1: missing required field 'questions'"},
	{NULL, "", "x/s.yaml:1:1: the file is empty"},
	{"", "---\nquestions: []\n", "x/s.yaml:16:1: only one YAML document is allowed per file"},
	/* week ranges and a note's avoid list */
	{"    source: [{id: acog-co-804, detail: d}]\n", "    source: [{id: acog-co-804, detail: d}]\n    pregnancy_from_week: 20\n",
	 "x/s.yaml:15:26: pregnancy_from_week is set, but pregnancy is not among the question's stages"},
	{"    source: [{id: acog-co-804, detail: d}]\n", "    source: [{id: acog-co-804, detail: d}]\n    postpartum_from_week: 200\n",
	 "x/s.yaml:15:27: postpartum_from_week: 200 is out of range 0-104"},
	{"    source: [{id: acog-co-804, detail: d}]\n", "    source: [{id: acog-co-804, detail: d}]\n    avoid: [wrists]\n",
	 "x/s.yaml:15:13: avoid: 'wrists' is not one of floor, kneeling, wrist-load"},
	{"    source: [{id: acog-co-804, detail: d}]\n", "    source: [{id: acog-co-804, detail: d}]\n    avoid: [wrist-load]\n",
	 "x/s.yaml:15:12: avoid needs an avoid_reason: why the plan leaves these exercises out, in plain words"},
	{"    source: [{id: acog-co-804, detail: d}]\n", "    source: [{id: acog-co-804, detail: d}]\n    avoid_reason: Because.\n",
	 "x/s.yaml:15:19: avoid_reason is set, but avoid is empty"},
	{"    stop_sign: Chest pain\n", "    stop_sign: Chest pain\n    avoid: [floor]\n    avoid_reason: R.\n",
	 "x/s.yaml:9:12: avoid only applies to the outcomes clearance and note (a referral gives no plan)"},
};

static void test_bad_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
		const struct bad_case *bc = &bad_cases[i];
		char *text = bc->from ? mutate(bc->from, bc->to) : strdup(bc->to);
		struct pst_questions *q = (struct pst_questions *)1;
		struct pst_diags d = {0};
		int err = load_text(text, &q, &d);
		if (err != PST_EDATA || q != NULL || d.n == 0) {
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
			print_error("case %zu\n  expected: %s\n", i, bc->expect);
			for (size_t k = 0; k < d.n; k++) {
				char *got = pst_diag_format(&d.v[k]);
				print_error("  got:      %s\n", got);
				free(got);
			}
			fail();
		}
		pst_diags_clear(&d);
		free(text);
	}
}

/* Every problem is reported, sorted by position, and a third copy of an id names the
 * first definition too. */
static void test_every_problem_reported(void **state)
{
	(void)state;
	char *text = mutate("", "  - id: a-question\n"
				"    question: Again?\n"
				"    stages: [pregnancy]\n"
				"    outcome: soon\n"
				"    advice: x\n"
				"    source: [y]\n");
	char *text2 = strdup(text);
	char *at = strstr(text2, "id: b-question");
	memcpy(at, "id: a-question", strlen("id: a-question"));
	struct pst_questions *q = NULL;
	struct pst_diags d = {0};
	assert_int_equal(load_text(text2, &q, &d), PST_EDATA);
	assert_null(q);
	static const char *const want[] = {
		"x/s.yaml:9:9: duplicate id 'a-question' (first defined at line 2)",
		"x/s.yaml:15:9: duplicate id 'a-question' (first defined at line 2)",
		"x/s.yaml:18:14: outcome: 'soon' is not one of emergency, same-day, see-provider, clearance, note",
	};
	assert_int_equal(d.n, sizeof want / sizeof *want);
	for (size_t i = 0; i < d.n; i++) {
		char *got = pst_diag_format(&d.v[i]);
		assert_string_equal(got, want[i]);
		free(got);
	}
	pst_diags_clear(&d);
	free(text);
	free(text2);
}

/* --- the built-in questions -------------------------------------------------------- */

static struct pst_questions *builtin(void)
{
	assert_int_equal(pst_embedded_screening_n, 1);
	struct pst_questions *q = NULL;
	struct pst_diags d = {0};
	int err = pst_questions_load(&pst_embedded_screening[0], &q, &d);
	for (size_t i = 0; i < d.n; i++) {
		char *s = pst_diag_format(&d.v[i]);
		print_error("%s\n", s);
		free(s);
	}
	assert_int_equal(err, PST_OK);
	assert_int_equal(d.n, 0);
	pst_diags_clear(&d);
	return q;
}

/* The red flags the issue requires, each with the least urgency it may have. */
static const struct {
	const char *id;
	enum pst_outcome at_least;
	unsigned stages; /* stages it must be asked in */
} required[] = {
#define BOTH (PST_BIT(PST_STAGE_PREGNANCY) | PST_BIT(PST_STAGE_POSTPARTUM))
#define PREG PST_BIT(PST_STAGE_PREGNANCY)
#define POST PST_BIT(PST_STAGE_POSTPARTUM)
	{"chest-pain", PST_OUT_EMERGENCY, BOTH},
	{"breathless-at-rest", PST_OUT_EMERGENCY, BOTH},
	{"coughing-blood", PST_OUT_EMERGENCY, BOTH},
	{"calf-pain-swelling", PST_OUT_SAME_DAY, BOTH},
	{"vaginal-bleeding", PST_OUT_SAME_DAY, PREG},
	{"fluid-leak", PST_OUT_SAME_DAY, PREG},
	{"regular-contractions", PST_OUT_SAME_DAY, PREG},
	{"reduced-fetal-movement", PST_OUT_SAME_DAY, PREG},
	{"severe-headache", PST_OUT_SAME_DAY, BOTH},
	{"vision-changes", PST_OUT_SAME_DAY, BOTH},
	{"pain-below-ribs", PST_OUT_SAME_DAY, BOTH},
	{"sudden-swelling", PST_OUT_SAME_DAY, BOTH},
	{"dizziness", PST_OUT_SAME_DAY, BOTH},
	{"numbness-tingling", PST_OUT_SEE_PROVIDER, BOTH},
	{"arm-weakness", PST_OUT_SEE_PROVIDER, BOTH},
	{"pain-down-arms", PST_OUT_SEE_PROVIDER, BOTH},
	{"bladder-bowel-change", PST_OUT_SAME_DAY, BOTH},
	{"recent-trauma", PST_OUT_SEE_PROVIDER, BOTH},
	{"fever", PST_OUT_SEE_PROVIDER, BOTH},
	{"night-pain", PST_OUT_SEE_PROVIDER, BOTH},
	{"weight-loss", PST_OUT_SEE_PROVIDER, BOTH},
	{"sudden-severe-back-pain", PST_OUT_EMERGENCY, BOTH},
	{"persistent-severe-pain", PST_OUT_CLEARANCE, BOTH},
	{"pelvic-heaviness", PST_OUT_CLEARANCE, POST},
	{"contraindication-absolute", PST_OUT_SEE_PROVIDER, PREG},
	{"contraindication-relative", PST_OUT_CLEARANCE, PREG},
};

static void test_builtin_has_required_ids(void **state)
{
	(void)state;
	struct pst_questions *q = builtin();
	for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
		const struct pst_question *qn = pst_questions_find(q, required[i].id);
		if (!qn) {
			print_error("required question '%s' is missing\n", required[i].id);
			fail();
		}
		/* Outcomes are ordered most urgent first: a smaller one is more urgent. */
		if (qn->outcome > required[i].at_least ||
		    (qn->stages & required[i].stages) != required[i].stages) {
			print_error("'%s' is less urgent or asked in fewer stages than required\n",
				    qn->id);
			fail();
		}
	}
	/* Each stage has at least one question of each kind. */
	for (int s = 0; s < PST_STAGE__MAX; s++)
		for (int o = PST_OUT_EMERGENCY; o <= PST_OUT_NOTE; o++) {
			bool any = false;
			for (size_t i = 0; i < q->n; i++)
				any |= (q->v[i].stages & PST_BIT(s)) && (int)q->v[i].outcome == o;
			if (!any) {
				print_error("no %s question for %s\n",
					    pst_vocab_word(&pst_vocab_outcome, o),
					    pst_vocab_word(&pst_vocab_stage, s));
				fail();
			}
		}
	pst_questions_free(q);
}

/* The triage of every built-in question, exactly: what a yes means, in which stages and
 * from which week it is asked, and what it leaves out of the plan. A question added or
 * changed without this table fails here (issue 10: triage outcome per question id). */
static const struct triage_case {
	const char *id;
	enum pst_outcome outcome;
	unsigned stages;
	int preg_from, pp_from;
	unsigned avoid;
} triage[] = {
	{"chest-pain", PST_OUT_EMERGENCY, BOTH, 0, 0, 0},
	{"breathless-at-rest", PST_OUT_EMERGENCY, BOTH, 0, 0, 0},
	{"coughing-blood", PST_OUT_EMERGENCY, BOTH, 0, 0, 0},
	{"fainting", PST_OUT_EMERGENCY, BOTH, 0, 0, 0},
	{"sudden-severe-back-pain", PST_OUT_EMERGENCY, BOTH, 0, 0, 0},
	{"worst-headache", PST_OUT_EMERGENCY, BOTH, 0, 0, 0},
	{"sepsis-signs", PST_OUT_EMERGENCY, BOTH, 0, 0, 0},
	{"bladder-bowel-change", PST_OUT_EMERGENCY, BOTH, 0, 0, 0},
	{"calf-pain-swelling", PST_OUT_SAME_DAY, BOTH, 0, 0, 0},
	{"vaginal-bleeding", PST_OUT_SAME_DAY, PREG, 0, 0, 0},
	{"postpartum-bleeding", PST_OUT_SAME_DAY, POST, 0, 0, 0},
	{"fluid-leak", PST_OUT_SAME_DAY, PREG, 0, 0, 0},
	{"regular-contractions", PST_OUT_SAME_DAY, PREG, 0, 0, 0},
	{"reduced-fetal-movement", PST_OUT_SAME_DAY, PREG, 0, 0, 0},
	{"breathless-lying-flat", PST_OUT_SAME_DAY, BOTH, 20, 0, 0},
	{"upper-back-pain-unwell", PST_OUT_SAME_DAY, BOTH, 20, 0, 0},
	{"severe-headache", PST_OUT_SAME_DAY, BOTH, 0, 0, 0},
	{"vision-changes", PST_OUT_SAME_DAY, BOTH, 0, 0, 0},
	{"pain-below-ribs", PST_OUT_SAME_DAY, BOTH, 0, 0, 0},
	{"vomiting-unwell", PST_OUT_SAME_DAY, BOTH, 20, 0, 0},
	{"sudden-swelling", PST_OUT_SAME_DAY, BOTH, 0, 0, 0},
	{"dizziness", PST_OUT_SAME_DAY, BOTH, 0, 0, 0},
	{"numbness-tingling", PST_OUT_SAME_DAY, BOTH, 0, 0, 0},
	{"arm-weakness", PST_OUT_SAME_DAY, BOTH, 0, 0, 0},
	{"pain-down-arms", PST_OUT_SAME_DAY, BOTH, 0, 0, 0},
	{"lost-height", PST_OUT_SAME_DAY, BOTH, 0, 0, 0},
	{"recent-trauma", PST_OUT_SAME_DAY, BOTH, 0, 0, 0},
	{"fever", PST_OUT_SAME_DAY, BOTH, 0, 0, 0},
	{"breast-red-hot", PST_OUT_SAME_DAY, POST, 0, 0, 0},
	{"bleeding-after-8-weeks", PST_OUT_SEE_PROVIDER, POST, 0, 8, 0},
	{"night-pain", PST_OUT_SEE_PROVIDER, BOTH, 0, 0, 0},
	{"weight-loss", PST_OUT_SEE_PROVIDER, BOTH, 0, 0, 0},
	{"cancer-history", PST_OUT_SEE_PROVIDER, BOTH, 0, 0, 0},
	{"contraindication-absolute", PST_OUT_SEE_PROVIDER, PREG, 0, 0, 0},
	{"contraindication-absolute-health", PST_OUT_SEE_PROVIDER, PREG, 0, 0, 0},
	{"persistent-severe-pain", PST_OUT_CLEARANCE, BOTH, 0, 0, 0},
	{"pelvic-heaviness", PST_OUT_CLEARANCE, POST, 0, 0, 0},
	{"contraindication-relative", PST_OUT_CLEARANCE, PREG, 0, 0, 0},
	{"contraindication-relative-history", PST_OUT_CLEARANCE, PREG, 0, 0, 0},
	{"postpartum-clearance", PST_OUT_CLEARANCE, POST, 0, 0, 0},
	{"hand-tingling-night", PST_OUT_NOTE, BOTH, 0, 0, PST_BIT(PST_AVOID_WRIST_LOAD)},
	{"leaking", PST_OUT_NOTE, BOTH, 0, 0, 0},
};

static void test_triage_table(void **state)
{
	(void)state;
	struct pst_questions *q = builtin();
	size_t n = sizeof triage / sizeof *triage;
	assert_int_equal(q->n, n);
	for (size_t i = 0; i < n; i++) {
		const struct triage_case *t = &triage[i];
		const struct pst_question *qn = pst_questions_find(q, t->id);
		if (!qn) {
			print_error("question '%s' is missing\n", t->id);
			fail();
		}
		if (qn->outcome != t->outcome || qn->stages != t->stages ||
		    qn->from_week[PST_STAGE_PREGNANCY] != t->preg_from ||
		    qn->from_week[PST_STAGE_POSTPARTUM] != t->pp_from || qn->avoid != t->avoid) {
			print_error("'%s': outcome %s, want %s (or its stages, weeks, avoid differ)\n",
				    t->id, pst_vocab_word(&pst_vocab_outcome, (int)qn->outcome),
				    pst_vocab_word(&pst_vocab_outcome, (int)t->outcome));
			fail();
		}
		/* Every source names something a person can look up, not only a file. */
		assert_true(qn->sources.n >= 1);
		/* A yes to this question alone, every other one no, gives its outcome. */
		for (int st = 0; st < PST_STAGE__MAX; st++) {
			if (!(qn->stages & PST_BIT(st)))
				continue;
			struct pst_answers a;
			assert_int_equal(pst_answers_init(q, &a), PST_OK);
			a.v[qn - q->v] = PST_ANS_YES;
			struct pst_screen_result r;
			assert_int_equal(pst_screen_evaluate_at(q, &a, PST_BIT(st), 30, &r), PST_OK);
			assert_int_equal(r.outcome, t->outcome);
			assert_int_equal(r.nreasons, 1);
			assert_ptr_equal(r.reasons[0], qn);
			assert_int_equal(pst_screen_avoid(&r), t->avoid);
			pst_screen_result_free(&r);
			pst_answers_free(&a);
		}
	}
	/* The advice of the "now" signs of pre-eclampsia says so in the NHS's words. */
	assert_non_null(strstr(pst_questions_find(q, "severe-headache")->advice, "Get advice now"));
	assert_non_null(strstr(pst_questions_find(q, "vision-changes")->advice, "Get advice now"));
	assert_null(strstr(pst_questions_find(q, "severe-headache")->advice, "today"));
	/* Leaking is asked about in both stages, as the bladder question says. */
	assert_non_null(strstr(pst_questions_find(q, "bladder-bowel-change")->question,
			       "asked about separately"));
	pst_questions_free(q);
}

/* From which week a question is asked: unanswered questions before their week are not
 * missing; a yes still counts. */
static void test_weeks(void **state)
{
	(void)state;
	struct pst_questions *q = builtin();
	const struct pst_question *flat = pst_questions_find(q, "breathless-lying-flat");
	const struct pst_question *bleed = pst_questions_find(q, "bleeding-after-8-weeks");
	assert_false(pst_question_applies(flat, PREG, 19));
	assert_true(pst_question_applies(flat, PREG, 20));
	assert_true(pst_question_applies(flat, PREG, -1));
	assert_true(pst_question_applies(flat, POST, 0));
	assert_true(pst_question_applies(flat, BOTH, 10));
	assert_false(pst_question_applies(bleed, POST, 7));
	assert_true(pst_question_applies(bleed, POST, 8));
	assert_false(pst_question_applies(bleed, PREG, 30));

	struct pst_answers a;
	assert_int_equal(pst_answers_init(q, &a), PST_OK);
	a.v[flat - q->v] = PST_ANS_UNANSWERED;
	a.v[pst_questions_find(q, "upper-back-pain-unwell") - q->v] = PST_ANS_UNANSWERED;
	a.v[pst_questions_find(q, "vomiting-unwell") - q->v] = PST_ANS_UNANSWERED;
	struct pst_screen_result r;
	assert_int_equal(pst_screen_evaluate_at(q, &a, PREG, 12, &r), PST_OK);
	assert_int_equal(r.outcome, PST_OUT_CLEAR);
	pst_screen_result_free(&r);
	assert_int_equal(pst_screen_evaluate_at(q, &a, PREG, 20, &r), PST_OK);
	assert_int_equal(r.outcome, PST_OUT_INCOMPLETE);
	assert_int_equal(r.nmissing, 3);
	pst_screen_result_free(&r);
	a.v[flat - q->v] = PST_ANS_YES;
	assert_int_equal(pst_screen_evaluate_at(q, &a, PREG, 12, &r), PST_OK);
	assert_int_equal(r.outcome, PST_OUT_SAME_DAY);
	pst_screen_result_free(&r);
	pst_answers_free(&a);
	pst_questions_free(q);
}

/* When saved answers are asked again: each boundary, on both sides. Days are counted
 * from an anchor at day 1000 (week 0 of the stage). */
static const struct stale_case {
	const char *what;
	bool has_stage;
	enum pst_stage stage;
	int answered, today; /* days since the anchor */
	enum pst_staleness want;
} stale_cases[] = {
	{"pregnant, 28 days old", true, PST_STAGE_PREGNANCY, 60, 88, PST_FRESH},
	{"pregnant, 29 days old", true, PST_STAGE_PREGNANCY, 60, 89, PST_STALE_AGE},
	{"pregnant, same day", true, PST_STAGE_PREGNANCY, 60, 60, PST_FRESH},
	{"crossing 20 weeks", true, PST_STAGE_PREGNANCY, 139, 140, PST_STALE_20_WEEKS},
	{"at 20 weeks both", true, PST_STAGE_PREGNANCY, 140, 141, PST_FRESH},
	{"before 20 weeks both", true, PST_STAGE_PREGNANCY, 120, 139, PST_FRESH},
	{"late pregnancy 28 days", true, PST_STAGE_PREGNANCY, 250, 278, PST_FRESH},
	{"late pregnancy 29 days", true, PST_STAGE_PREGNANCY, 250, 279, PST_STALE_AGE},
	{"answered before the birth", true, PST_STAGE_POSTPARTUM, -1, 3, PST_STALE_BIRTH},
	{"birth day", true, PST_STAGE_POSTPARTUM, 0, 3, PST_FRESH},
	{"crossing 6 weeks", true, PST_STAGE_POSTPARTUM, 41, 42, PST_STALE_6_WEEKS},
	{"after 6 weeks both", true, PST_STAGE_POSTPARTUM, 42, 50, PST_FRESH},
	{"first 12 weeks, 28 days", true, PST_STAGE_POSTPARTUM, 50, 78, PST_FRESH},
	{"first 12 weeks, 29 days", true, PST_STAGE_POSTPARTUM, 50, 79, PST_STALE_AGE},
	{"answered in week 11, now later, 29 days", true, PST_STAGE_POSTPARTUM, 80, 109,
	 PST_STALE_AGE},
	{"after 12 weeks, 84 days", true, PST_STAGE_POSTPARTUM, 84, 168, PST_FRESH},
	{"after 12 weeks, 85 days", true, PST_STAGE_POSTPARTUM, 84, 169, PST_STALE_AGE},
	{"after 12 weeks, 60 days", true, PST_STAGE_POSTPARTUM, 100, 160, PST_FRESH},
	{"no stage known, 28 days", false, PST_STAGE_PREGNANCY, 100, 128, PST_FRESH},
	{"no stage known, 29 days", false, PST_STAGE_PREGNANCY, 100, 129, PST_STALE_AGE},
};

static void test_staleness(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof stale_cases / sizeof *stale_cases; i++) {
		const struct stale_case *c = &stale_cases[i];
		enum pst_staleness got = pst_screen_staleness(1000 + c->answered, 1000 + c->today,
							      c->has_stage, c->stage, 1000);
		if (got != c->want) {
			print_error("%s: got %d, want %d\n", c->what, (int)got, (int)c->want);
			fail();
		}
		assert_true(strlen(pst_staleness_words(got)) > 5);
	}
}

/* --- evaluation ---------------------------------------------------------------------- */

struct eval_case {
	unsigned stages;
	const char *yes[5];        /* answered yes */
	const char *unanswered[3]; /* not answered; every other question is answered no */
	enum pst_outcome want;
	const char *first_reason;  /* id of reasons[0], or NULL for none */
};

static const struct eval_case eval_cases[] = {
	/* every outcome reachable */
	{BOTH, {"chest-pain"}, {NULL}, PST_OUT_EMERGENCY, "chest-pain"},
	{BOTH, {"fever"}, {NULL}, PST_OUT_SAME_DAY, "fever"},
	{BOTH, {"night-pain"}, {NULL}, PST_OUT_SEE_PROVIDER, "night-pain"},
	{PREG, {"contraindication-relative"}, {NULL}, PST_OUT_CLEARANCE, "contraindication-relative"},
	{BOTH, {NULL}, {"fever"}, PST_OUT_INCOMPLETE, NULL},
	{BOTH, {NULL}, {NULL}, PST_OUT_CLEAR, NULL},
	{POST, {NULL}, {NULL}, PST_OUT_CLEAR, NULL},
	/* the most urgent yes wins, whatever the order of the answers */
	{BOTH, {"contraindication-relative", "night-pain", "fever", "chest-pain"}, {NULL},
	 PST_OUT_EMERGENCY, "chest-pain"},
	{BOTH, {"contraindication-relative", "night-pain", "fever"}, {NULL}, PST_OUT_SAME_DAY,
	 "fever"},
	{PREG, {"contraindication-relative", "night-pain"}, {NULL}, PST_OUT_SEE_PROVIDER,
	 "night-pain"},
	/* a referral decides even with questions left; a clearance does not */
	{BOTH, {"chest-pain"}, {"fever", "night-pain"}, PST_OUT_EMERGENCY, "chest-pain"},
	{BOTH, {"weight-loss"}, {"fever"}, PST_OUT_SEE_PROVIDER, "weight-loss"},
	{PREG, {"contraindication-relative"}, {"fever"}, PST_OUT_INCOMPLETE,
	 "contraindication-relative"},
	/* stages: a question of the other stage neither counts nor is missing */
	{POST, {"reduced-fetal-movement"}, {NULL}, PST_OUT_CLEAR, NULL},
	{PREG, {"reduced-fetal-movement"}, {NULL}, PST_OUT_SAME_DAY, "reduced-fetal-movement"},
	{POST, {NULL}, {"reduced-fetal-movement", "vaginal-bleeding"}, PST_OUT_CLEAR, NULL},
	{PREG, {NULL}, {"reduced-fetal-movement"}, PST_OUT_INCOMPLETE, NULL},
	{PREG, {"pelvic-heaviness"}, {NULL}, PST_OUT_CLEAR, NULL},
	{POST, {"pelvic-heaviness"}, {NULL}, PST_OUT_CLEARANCE, "pelvic-heaviness"},
	/* a note: the plan is given; a clearance beats it, a referral beats both */
	{BOTH, {"hand-tingling-night"}, {NULL}, PST_OUT_NOTE, "hand-tingling-night"},
	{PREG, {"hand-tingling-night", "contraindication-relative"}, {NULL}, PST_OUT_CLEARANCE,
	 "contraindication-relative"},
	{BOTH, {"hand-tingling-night", "numbness-tingling"}, {NULL}, PST_OUT_SAME_DAY,
	 "numbness-tingling"},
	{BOTH, {"hand-tingling-night"}, {"leaking"}, PST_OUT_INCOMPLETE, "hand-tingling-night"},
	{BOTH, {"reduced-fetal-movement"}, {NULL}, PST_OUT_SAME_DAY, "reduced-fetal-movement"},
};

static void set(const struct pst_questions *q, struct pst_answers *a, const char *id,
		enum pst_answer v)
{
	const struct pst_question *qn = pst_questions_find(q, id);
	if (!qn) {
		print_error("no question '%s'\n", id);
		fail();
	}
	a->v[qn - q->v] = v;
}

static void test_eval_cases(void **state)
{
	(void)state;
	struct pst_questions *q = builtin();
	for (size_t i = 0; i < sizeof eval_cases / sizeof *eval_cases; i++) {
		const struct eval_case *ec = &eval_cases[i];
		struct pst_answers a;
		assert_int_equal(pst_answers_init(q, &a), PST_OK);
		for (size_t k = 0; k < 5 && ec->yes[k]; k++)
			set(q, &a, ec->yes[k], PST_ANS_YES);
		for (size_t k = 0; k < 3 && ec->unanswered[k]; k++)
			set(q, &a, ec->unanswered[k], PST_ANS_UNANSWERED);
		struct pst_screen_result r;
		assert_int_equal(pst_screen_evaluate(q, &a, ec->stages, &r), PST_OK);
		if (r.outcome != ec->want) {
			print_error("case %zu: outcome %s, want %s\n", i,
				    pst_vocab_word(&pst_vocab_outcome, (int)r.outcome),
				    pst_vocab_word(&pst_vocab_outcome, (int)ec->want));
			fail();
		}
		if (ec->first_reason) {
			assert_true(r.nreasons > 0);
			assert_string_equal(r.reasons[0]->id, ec->first_reason);
		} else {
			assert_int_equal(r.nreasons, 0);
		}
		/* Reasons come most urgent first. */
		for (size_t k = 1; k < r.nreasons; k++)
			assert_true(r.reasons[k - 1]->outcome <= r.reasons[k]->outcome);
		assert_int_equal(pst_outcome_is_referral(r.outcome),
				 r.outcome <= PST_OUT_SEE_PROVIDER);
		pst_screen_result_free(&r);
		pst_answers_free(&a);
	}
	pst_questions_free(q);
}

static void test_reasons_order(void **state)
{
	(void)state;
	struct pst_questions *q = builtin();
	struct pst_answers a;
	assert_int_equal(pst_answers_init(q, &a), PST_OK);
	static const char *const yes[] = {"contraindication-relative", "night-pain", "fever",
					  "chest-pain", "calf-pain-swelling", "coughing-blood"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		set(q, &a, yes[i], PST_ANS_YES);
	struct pst_screen_result r;
	assert_int_equal(pst_screen_evaluate(q, &a, PREG, &r), PST_OK);
	assert_int_equal(r.outcome, PST_OUT_EMERGENCY);
	/* Most urgent first; within one urgency, in the order of the file. */
	static const char *const want[] = {"chest-pain", "coughing-blood", "calf-pain-swelling",
					   "fever", "night-pain", "contraindication-relative"};
	assert_int_equal(r.nreasons, sizeof want / sizeof *want);
	for (size_t i = 0; i < r.nreasons; i++)
		assert_string_equal(r.reasons[i]->id, want[i]);
	assert_int_equal(r.nmissing, 0);
	pst_screen_result_free(&r);
	pst_answers_free(&a);
	pst_questions_free(q);
}

/* With nothing answered, missing is exactly the questions of the stage, in file order. */
static void test_missing_is_exact(void **state)
{
	(void)state;
	struct pst_questions *q = builtin();
	struct pst_answers a;
	assert_int_equal(pst_answers_init(q, &a), PST_OK);
	for (size_t i = 0; i < a.n; i++)
		a.v[i] = PST_ANS_UNANSWERED;
	for (int s = 0; s < PST_STAGE__MAX; s++) {
		struct pst_screen_result r;
		assert_int_equal(pst_screen_evaluate(q, &a, PST_BIT(s), &r), PST_OK);
		assert_int_equal(r.outcome, PST_OUT_INCOMPLETE);
		size_t k = 0;
		for (size_t i = 0; i < q->n; i++)
			if (q->v[i].stages & PST_BIT(s)) {
				assert_true(k < r.nmissing);
				assert_ptr_equal(r.missing[k++], &q->v[i]);
			}
		assert_int_equal(k, r.nmissing);
		bool rfm = false;
		for (size_t i = 0; i < r.nmissing; i++)
			rfm |= strcmp(r.missing[i]->id, "reduced-fetal-movement") == 0;
		assert_int_equal(rfm, s == PST_STAGE_PREGNANCY);
		pst_screen_result_free(&r);
	}
	/* Two left out in the pregnancy questions: exactly those two are listed. */
	for (size_t i = 0; i < a.n; i++)
		a.v[i] = PST_ANS_NO;
	set(q, &a, "fluid-leak", PST_ANS_UNANSWERED);
	set(q, &a, "fever", PST_ANS_UNANSWERED);
	set(q, &a, "pelvic-heaviness", PST_ANS_UNANSWERED); /* postpartum only */
	struct pst_screen_result r;
	assert_int_equal(pst_screen_evaluate(q, &a, PREG, &r), PST_OK);
	assert_int_equal(r.outcome, PST_OUT_INCOMPLETE);
	assert_int_equal(r.nmissing, 2);
	assert_string_equal(r.missing[0]->id, "fluid-leak");
	assert_string_equal(r.missing[1]->id, "fever");
	pst_screen_result_free(&r);
	pst_answers_free(&a);
	pst_questions_free(q);
}

static void test_evaluate_refuses_bad_calls(void **state)
{
	(void)state;
	struct pst_questions *q = builtin();
	struct pst_answers a;
	assert_int_equal(pst_answers_init(q, &a), PST_OK);
	struct pst_screen_result r;
	/* No stage would ask nothing and clear everyone. */
	assert_int_equal(pst_screen_evaluate(q, &a, 0, &r), PST_EINVAL);
	assert_null(r.reasons);
	assert_int_equal(pst_screen_evaluate(q, &a, PST_BIT(PST_STAGE__MAX), &r), PST_EINVAL);
	a.n--;
	assert_int_equal(pst_screen_evaluate(q, &a, BOTH, &r), PST_EINVAL);
	a.n++;
	pst_screen_result_free(&r); /* harmless after a refusal */
	pst_answers_free(&a);
	pst_answers_free(&a); /* twice is harmless */
	pst_answers_free(NULL);
	pst_screen_result_free(NULL);
	pst_questions_free(NULL);
	pst_questions_free(q);
}

static void test_headlines(void **state)
{
	(void)state;
	for (int o = 0; o < PST_OUT__MAX; o++) {
		const char *h = pst_outcome_headline((enum pst_outcome)o);
		assert_non_null(h);
		assert_true(strlen(h) > 10);
		for (int p = 0; p < o; p++)
			assert_string_not_equal(h, pst_outcome_headline((enum pst_outcome)p));
		assert_int_equal(pst_outcome_is_referral((enum pst_outcome)o),
				 o == PST_OUT_EMERGENCY || o == PST_OUT_SAME_DAY ||
					 o == PST_OUT_SEE_PROVIDER);
	}
	assert_non_null(strstr(pst_outcome_headline(PST_OUT_EMERGENCY), "emergency services"));
}

/* --- the answers parser ------------------------------------------------------------- */

struct parse_case {
	const char *text;
	const char *expect; /* NULL: accepted; else one whole diagnostic line */
};

static const struct parse_case parse_cases[] = {
	{"{\"fever\": true, \"chest-pain\": false}", NULL},
	{"{}", NULL},
	{" \n{ }\n", NULL},
	{"{\"chest-pian\": true}", "t.json: unknown question id 'chest-pian'; did you mean 'chest-pain'?"},
	{"{\"feverr\": false}", "t.json: unknown question id 'feverr'; did you mean 'fever'?"},
	{"{\"xyzzy\": false}", "t.json: unknown question id 'xyzzy'"},
	{"{\"a\\u001b[31mb\": false}", "t.json: unknown question id 'a\\x1b[31mb'"},
	{"{\"fever\": \"yes\"}", "t.json: the answer to 'fever' must be true or false, not text"},
	{"{\"fever\": 1}", "t.json: the answer to 'fever' must be true or false, not a number"},
	{"{\"fever\": 0.5}", "t.json: the answer to 'fever' must be true or false, not a number"},
	{"{\"fever\": null}", "t.json: the answer to 'fever' must be true or false, not null"},
	{"{\"fever\": [true]}", "t.json: the answer to 'fever' must be true or false, not a list"},
	{"{\"fever\": {}}", "t.json: the answer to 'fever' must be true or false, not an object"},
	{"{\n  \"fever\": tru\n}", "t.json:2:14: malformed JSON: invalid token near 'tru'"},
	{"{\"fever\": true", "t.json:1:14: malformed JSON: '}' expected near end of file"},
	{"{\"fever\": true} {}", "t.json:1:17: malformed JSON: end of file expected near '{'"},
	{"{\"fever\": true, \"fever\": false}",
	 "t.json:1:23: malformed JSON: duplicate object key near '\"fever\"'"},
	{"\"fever\"", "t.json:1:7: malformed JSON: '[' or '{' expected near '\"fever\"'"},
	{"\n  [true]", "t.json:2:3: the answers must be a JSON object mapping question ids to true or false, not a list"},
	{"", "t.json: no answers given; expected a JSON object mapping question ids to true or false, like {\"chest-pain\": false}"},
	{" \n\t", "t.json: no answers given; expected a JSON object mapping question ids to true or false, like {\"chest-pain\": false}"},
	{"\xff", "t.json:1:1: malformed JSON: unable to decode byte 0xff"},
};

static void test_parse_cases(void **state)
{
	(void)state;
	struct pst_questions *q = builtin();
	for (size_t i = 0; i < sizeof parse_cases / sizeof *parse_cases; i++) {
		const struct parse_case *pc = &parse_cases[i];
		struct pst_answers a = {(enum pst_answer *)1, 99};
		struct pst_diags d = {0};
		int err = pst_answers_parse_json(q, "t.json", pc->text, strlen(pc->text), &a, &d);
		if (!pc->expect) {
			if (err || d.n) {
				print_error("case %zu was refused\n", i);
				fail();
			}
			assert_int_equal(a.n, q->n);
			pst_answers_free(&a);
			continue;
		}
		if (err != PST_EINVAL || a.v != NULL || a.n != 0 || d.n != 1) {
			print_error("case %zu (%s): expected one diagnostic and nothing kept (got %zu)\n",
				    i, pc->expect, d.n);
			fail();
		}
		char *got = pst_diag_format(&d.v[0]);
		if (strcmp(got, pc->expect) != 0) {
			print_error("case %zu\n  expected: %s\n  got:      %s\n", i, pc->expect, got);
			fail();
		}
		free(got);
		pst_diags_clear(&d);
	}
	pst_questions_free(q);
}

static void test_parse_values(void **state)
{
	(void)state;
	struct pst_questions *q = builtin();
	const char text[] = "{\"fever\": true, \"chest-pain\": false}";
	struct pst_answers a;
	struct pst_diags d = {0};
	assert_int_equal(pst_answers_parse_json(q, "-", text, strlen(text), &a, &d), PST_OK);
	for (size_t i = 0; i < q->n; i++) {
		enum pst_answer want = strcmp(q->v[i].id, "fever") == 0 ? PST_ANS_YES
				       : strcmp(q->v[i].id, "chest-pain") == 0 ? PST_ANS_NO
										: PST_ANS_UNANSWERED;
		assert_int_equal(a.v[i], want);
	}
	pst_answers_free(&a);

	/* Every problem is named, not just the first; past a limit the rest is summed up. */
	struct pst_buf b;
	pst_buf_init(&b, 1 << 16);
	pst_buf_puts(&b, "{\"fever\": 3, \"chest-pain\": true");
	for (int i = 0; i < 30; i++)
		pst_buf_printf(&b, ", \"x%d\": true", i);
	pst_buf_puts(&b, "}");
	assert_int_equal(pst_answers_parse_json(q, "-", b.s, b.len, &a, &d), PST_EINVAL);
	assert_null(a.v);
	assert_int_equal(d.n, 21);
	assert_string_equal(d.v[0].msg, "the answer to 'fever' must be true or false, not a number");
	assert_string_equal(d.v[1].msg, "unknown question id 'x0'");
	assert_string_equal(d.v[20].msg, "11 more problems with the answers are not listed");
	pst_diags_clear(&d);
	pst_buf_free(&b);

	/* Too large, even when it would be valid JSON. */
	size_t big = PST_ANSWERS_MAX + 1;
	char *s = malloc(big);
	assert_non_null(s);
	memset(s, ' ', big);
	s[0] = '{';
	s[big - 1] = '}';
	assert_int_equal(pst_answers_parse_json(q, "-", s, big, &a, &d), PST_EINVAL);
	assert_int_equal(d.n, 1);
	char *got = pst_diag_format(&d.v[0]);
	assert_string_equal(got, "-: the answers are too large (over 64 KiB); expected a JSON "
				 "object mapping question ids to true or false");
	free(got);
	pst_diags_clear(&d);
	/* Exactly at the limit is fine. */
	assert_int_equal(pst_answers_parse_json(q, "-", s, big - 1, &a, &d), PST_EINVAL);
	assert_string_not_equal(d.v[0].msg, "");
	assert_null(strstr(d.v[0].msg, "too large"));
	pst_diags_clear(&d);
	s[big - 2] = '}';
	assert_int_equal(pst_answers_parse_json(q, "-", s, big - 1, &a, &d), PST_OK);
	pst_answers_free(&a);
	free(s);
	pst_questions_free(q);
}

/* --- rendering ------------------------------------------------------------------------ */

static void test_render(void **state)
{
	(void)state;
	struct pst_questions *q = builtin();
	struct pst_answers a;
	assert_int_equal(pst_answers_init(q, &a), PST_OK);
	set(q, &a, "fever", PST_ANS_YES);
	set(q, &a, "night-pain", PST_ANS_UNANSWERED);
	struct pst_screen_result r;
	assert_int_equal(pst_screen_evaluate(q, &a, BOTH, &r), PST_OK);
	assert_int_equal(r.outcome, PST_OUT_SAME_DAY);

	json_t *j = pst_json_screen_result(&r);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 4);
	assert_string_equal(json_string_value(json_object_get(j, "outcome")), "same-day");
	assert_string_equal(json_string_value(json_object_get(j, "headline")),
			    pst_outcome_headline(PST_OUT_SAME_DAY));
	json_t *reasons = json_object_get(j, "reasons");
	assert_int_equal(json_array_size(reasons), 1);
	json_t *r0 = json_array_get(reasons, 0);
	assert_int_equal(json_object_size(r0), 5);
	assert_string_equal(json_string_value(json_object_get(r0, "id")), "fever");
	assert_string_equal(json_string_value(json_object_get(r0, "outcome")), "same-day");
	const struct pst_question *fever = pst_questions_find(q, "fever");
	assert_string_equal(json_string_value(json_object_get(r0, "question")), fever->question);
	assert_string_equal(json_string_value(json_object_get(r0, "advice")), fever->advice);
	json_t *srcs = json_object_get(r0, "sources");
	assert_int_equal(json_array_size(srcs), fever->sources.n);
	assert_null(strstr(json_string_value(json_object_get(json_array_get(srcs, 0), "citation")), ".txt"));
	json_t *missing = json_object_get(j, "missing");
	assert_int_equal(json_array_size(missing), 1);
	assert_string_equal(json_string_value(json_array_get(missing, 0)), "night-pain");
	json_decref(j);

	struct pst_buf b;
	pst_buf_init(&b, 1 << 20);
	pst_text_screen_result(&b, &r);
	assert_false(b.failed);
	/* The headline comes first, then the reason with its advice and source. */
	assert_int_equal(strncmp(b.s, pst_outcome_headline(PST_OUT_SAME_DAY),
				 strlen(pst_outcome_headline(PST_OUT_SAME_DAY))),
			 0);
	assert_non_null(strstr(b.s, "(fever)"));
	assert_non_null(strstr(b.s, "What to do: Contact your midwife"));
	assert_non_null(strstr(b.s, "Sources: Finucane et al. 2020, International Framework for Red"));
	assert_null(strstr(b.s, "CLINICAL"));
	/* A referral does not list what is left unanswered. */
	assert_null(strstr(b.s, "night-pain"));
	pst_buf_free(&b);
	pst_screen_result_free(&r);

	/* Incomplete: the missing questions are listed by id. */
	set(q, &a, "fever", PST_ANS_NO);
	assert_int_equal(pst_screen_evaluate(q, &a, BOTH, &r), PST_OK);
	assert_int_equal(r.outcome, PST_OUT_INCOMPLETE);
	pst_buf_init(&b, 1 << 20);
	pst_text_screen_result(&b, &r);
	assert_non_null(strstr(b.s, "Not answered yet (1):\n  - night-pain: "));
	pst_buf_free(&b);
	pst_screen_result_free(&r);

	/* A question as JSON, for --list. */
	j = pst_json_question(fever);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 9);
	assert_int_equal(json_array_size(json_object_get(j, "stages")), 2);
	assert_true(json_is_null(json_object_get(j, "stop_sign"))); /* fever is no stop sign */
	json_decref(j);

	pst_answers_free(&a);
	pst_questions_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_loads),
		cmocka_unit_test(test_bad_cases),
		cmocka_unit_test(test_every_problem_reported),
		cmocka_unit_test(test_builtin_has_required_ids),
		cmocka_unit_test(test_eval_cases),
		cmocka_unit_test(test_triage_table),
		cmocka_unit_test(test_weeks),
		cmocka_unit_test(test_staleness),
		cmocka_unit_test(test_reasons_order),
		cmocka_unit_test(test_missing_is_exact),
		cmocka_unit_test(test_evaluate_refuses_bad_calls),
		cmocka_unit_test(test_headlines),
		cmocka_unit_test(test_parse_cases),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
