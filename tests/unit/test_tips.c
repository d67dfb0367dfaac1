/* Unit tests of the tips: the loader refuses bad files whole with FILE:LINE:COLUMN messages,
 * the built-in tips load, selection follows stage, week, birth and triggers, and the
 * Markdown renders to wrapped text and to HTML that cannot carry script. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/tips.h"
#include "data/builtin.h"
#include "data/embedded.h"
#include "render/markdown.h"

/* A complete, valid tip (line numbers on the right); the table below breaks it. */
static const char valid[] =
	"---\n"                     /* 1 */
	"id: t\n"                   /* 2 */
	"title: A test tip\n"       /* 3 */
	"stages: [postpartum]\n"    /* 4 */
	"triggers: [feeding]\n"     /* 5 */
	"source: [mottola-2018]\n"  /* 6 */
	"---\n"                     /* 7 */
	"Some **text**.\n";         /* 8 */

/* Replaces the first occurrence of from with to in valid ("" appends to). */
static char *mutate(const char *from, const char *to)
{
	const char *at = *from ? strstr(valid, from) : valid + strlen(valid);
	assert_non_null(at);
	size_t pre = (size_t)(at - valid);
	char *s = malloc(strlen(valid) - strlen(from) + strlen(to) + 1);
	assert_non_null(s);
	memcpy(s, valid, pre);
	strcpy(s + pre, to);
	strcat(s, at + strlen(from));
	return s;
}

static int load_text(const char *name, const char *text, struct pst_tips **t,
		     struct pst_diags *d)
{
	struct pst_blob b = {name, (const unsigned char *)text, strlen(text)};
	return pst_tips_load(&b, 1, t, d);
}

static void test_valid_loads(void **state)
{
	(void)state;
	struct pst_tips *t = NULL;
	struct pst_diags d = {0};
	assert_int_equal(load_text("x/t.md", valid, &t, &d), PST_OK);
	assert_int_equal(d.n, 0);
	assert_int_equal(t->n, 1);
	const struct pst_tip *tp = pst_tips_find(t, "t");
	assert_non_null(tp);
	assert_string_equal(tp->title, "A test tip");
	assert_int_equal(tp->sources.n, 1);
	assert_string_equal(tp->sources.v[0].id, "mottola-2018");
	assert_string_equal(tp->body, "Some **text**.\n");
	assert_string_equal(tp->file, "x/t.md");
	assert_int_equal(tp->stages, PST_BIT(PST_STAGE_POSTPARTUM));
	assert_int_equal(tp->triggers, PST_BIT(PST_TRIG_FEEDING));
	assert_int_equal(tp->births, 0);
	assert_int_equal(tp->from_week, 0);
	assert_int_equal(tp->until_week, 0);
	assert_null(pst_tips_find(t, "u"));
	pst_tips_free(t);
	pst_tips_free(NULL);
}

static void test_optional_fields_and_crlf(void **state)
{
	(void)state;
	static const char text[] =
		"---\r\n"
		"id: t\r\n"
		"title: T\r\n"
		"stages: [postpartum]\r\n"
		"triggers: []\r\n"
		"births: [vaginal, caesarean]\r\n"
		"from_week: 6\r\n"
		"until_week: 104\r\n"
		"source: [mottola-2018]\r\n"
		"---  \r\n"
		"\r\n"
		"Text.\r\n";
	struct pst_tips *t = NULL;
	struct pst_diags d = {0};
	assert_int_equal(load_text("t.md", text, &t, &d), PST_OK);
	const struct pst_tip *tp = &t->v[0];
	assert_int_equal(tp->triggers, 0);
	assert_int_equal(tp->births, PST_BIT(PST_BIRTH_VAGINAL) | PST_BIT(PST_BIRTH_CAESAREAN));
	assert_int_equal(tp->from_week, 6);
	assert_int_equal(tp->until_week, 104);
	pst_tips_free(t);
}

struct bad_case {
	const char *from, *to; /* the change to the valid text */
	const char *expect;    /* one whole diagnostic line */
};

static const struct bad_case bad_cases[] = {
	/* The front matter block itself. */
	{"---\nid", "id",
	 "x/t.md:1:1: a tip must start with its front matter: the first line must be '---'"},
	{"---\nid", "\n---\nid",
	 "x/t.md:1:1: a tip must start with its front matter: the first line must be '---'"},
	{"source: [mottola-2018]\n---\n", "source: [mottola-2018]\n",
	 "x/t.md:8:1: the front matter opened on line 1 is never closed: add a '---' line after its last field"},
	{"id: t\ntitle: A test tip\nstages: [postpartum]\ntriggers: [feeding]\nsource: [mottola-2018]\n",
	 "\n", "x/t.md:2:1: the front matter is empty: it needs id, title, stages, triggers and source"},
	{"Some **text**.\n", "", "x/t.md:8:1: the tip has no text: write its Markdown after the closing '---'"},
	{"Some **text**.\n", "  \n\n", "x/t.md:8:1: the tip has no text: write its Markdown after the closing '---'"},
	/* Fields, with their real line numbers: the YAML starts on line 2. */
	{"source: [mottola-2018]\n", "source: [mottola-2018]\ncolour: red\n", "x/t.md:7:1: unknown field 'colour'"},
	{"source: [mottola-2018]\n", "", "x/t.md:2:1: missing required field 'source'"},
	{"triggers: [feeding]", "triggers: [feeding, lifting]",
	 "x/t.md:5:21: triggers: 'lifting' is not one of feeding, holding, carrying, desk, screen, sleep, stress"},
	{"stages: [postpartum]", "stages: [after]",
	 "x/t.md:4:10: stages: 'after' is not one of pregnancy, postpartum"},
	{"stages: [postpartum]", "stages: []", "x/t.md:4:9: stages needs at least 1 item"},
	{"source: [mottola-2018]\n", "source: [mottola-2018]\nfrom_week: 12\nuntil_week: 6\n",
	 "x/t.md:8:13: until_week 6 is before from_week 12"},
	{"source: [mottola-2018]\n", "source: [mottola-2018]\nuntil_week: 0\n",
	 "x/t.md:7:13: until_week must be at least 1 (leave it out for no upper limit)"},
	{"source: [mottola-2018]\n", "source: [mottola-2018]\nfrom_week: 105\n",
	 "x/t.md:7:12: from_week: 105 is out of range 0-104"},
	{"source: [mottola-2018]\n", "source: [mottola-2018]\nfrom_week: soon\n",
	 "x/t.md:7:12: from_week must be a whole number"},
	{"stages: [postpartum]\n", "stages: [pregnancy]\nfrom_week: 50\n",
	 "x/t.md:5:12: from_week: 50 is past the end of pregnancy (week 42)"},
	{"stages: [postpartum]\n", "stages: [pregnancy, postpartum]\nuntil_week: 20\n",
	 "x/t.md:5:13: until_week needs a single stage: weeks of pregnancy and weeks since birth are different clocks"},
	{"id: t\n", "id: other\n", "x/t.md:2:5: id 'other' does not match the file name (expected other.md)"},
	{"id: t\n", "id: T_1\n",
	 "x/t.md:2:5: id 'T_1' must be lower-case letters, digits and dashes (at most 48)"},
	{"source: [mottola-2018]\n", "source: [mottola-2018]\nbirths: [caesarean, twins]\n",
	 "x/t.md:7:21: births: 'twins' is not one of vaginal, caesarean"},
	{"source: [mottola-2018]\n", "source: [mottola-2018]\nbirths: [unknown]\n",
	 "x/t.md:7:10: births: 'unknown' is not one of vaginal, caesarean"},
	{"stages: [postpartum]\n", "stages: [pregnancy]\nbirths: [caesarean]\n",
	 "x/t.md:5:9: births only applies after birth: add postpartum to stages or leave births out"},
	{"title: A test tip", "title: [a, b]", "x/t.md:3:8: title must be text, not a list"},
	{"title: A test tip", "title: \"unclosed",
	 "x/t.md:3:8: malformed YAML: found unexpected end of stream while scanning a quoted scalar"},
	{"title: A test tip\n", "title: A\n---\n", "x/t.md:2:1: missing required field 'stages'"},
	/* The body's Markdown, with its real line numbers too. */
	{"Some **text**.\n", "Line one.\n\nSome <b>bold</b>.\n",
	 "x/t.md:10:6: raw HTML is not allowed in a tip (it would be shown as text): use Markdown such as **bold**"},
	{"Some **text**.\n", "<script>alert(1)</script>\n",
	 "x/t.md:8:1: raw HTML is not allowed in a tip (it would be shown as text): use Markdown such as **bold**"},
	{"Some **text**.\n", "A [link](javascript:alert(1)).\n",
	 "x/t.md:8:10: a link in a tip must be a plain https://, http:// or mailto: address, not 'javascript:alert(1)'"},
	{"Some **text**.\n", "See [this](page.html).\n",
	 "x/t.md:8:12: a link in a tip must be a plain https://, http:// or mailto: address, not 'page.html'"},
	{"Some **text**.\n", "x\n\n![a chart](https://e.org/c.png)\n",
	 "x/t.md:10:12: a tip cannot show an image (the terminal has none): describe it in words"},
};

static bool has_diag(const struct pst_diags *d, const char *want)
{
	bool found = false;
	for (size_t k = 0; k < d->n; k++) {
		char *got = pst_diag_format(&d->v[k]);
		found |= got && strcmp(got, want) == 0;
		free(got);
	}
	return found;
}

static void print_diags(const struct pst_diags *d)
{
	for (size_t k = 0; k < d->n; k++) {
		char *got = pst_diag_format(&d->v[k]);
		print_error("  got:      %s\n", got);
		free(got);
	}
}

static void test_bad_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
		const struct bad_case *bc = &bad_cases[i];
		char *text = mutate(bc->from, bc->to);
		struct pst_tips *t = (struct pst_tips *)1;
		struct pst_diags d = {0};
		int err = load_text("x/t.md", text, &t, &d);
		if (err != PST_EDATA || t != NULL || d.n == 0) {
			print_error("case %zu (%s): expected a rejection\n", i, bc->expect);
			fail();
		}
		if (!has_diag(&d, bc->expect)) {
			print_error("case %zu\n  expected: %s\n", i, bc->expect);
			print_diags(&d);
			fail();
		}
		pst_diags_clear(&d);
		free(text);
	}
}

static void test_other_refusals(void **state)
{
	(void)state;
	struct pst_tips *t = NULL;
	struct pst_diags d = {0};

	/* A NUL byte, at its position. */
	static const char nul[] = "---\nid: t\n\0";
	struct pst_blob b = {"t.md", (const unsigned char *)nul, sizeof nul - 1};
	assert_int_equal(pst_tips_load(&b, 1, &t, &d), PST_EDATA);
	assert_true(has_diag(&d, "t.md:3:1: the file contains a NUL byte"));
	pst_diags_clear(&d);

	/* Too big to be a tip. */
	size_t big = 64 * 1024 + 1;
	char *s = malloc(big);
	assert_non_null(s);
	memset(s, 'a', big);
	memcpy(s, "---\n", 4);
	b = (struct pst_blob){"t.md", (const unsigned char *)s, big};
	assert_int_equal(pst_tips_load(&b, 1, &t, &d), PST_EDATA);
	assert_true(has_diag(&d, "t.md:1:1: the file is 65537 bytes; a tip may be at most 64 KiB"));
	pst_diags_clear(&d);
	free(s);

	/* The same id twice (two directories), and all or nothing: one bad file of two
	 * means no tips at all, and every problem is reported, sorted by file. */
	struct pst_blob two[2] = {
		{"b/t.md", (const unsigned char *)valid, strlen(valid)},
		{"a/t.md", (const unsigned char *)valid, strlen(valid)},
	};
	assert_int_equal(pst_tips_load(two, 2, &t, &d), PST_EDATA);
	assert_null(t);
	assert_true(has_diag(&d, "b/t.md: duplicate id 't' (first defined in a/t.md)"));
	pst_diags_clear(&d);

	char *bad1 = mutate("triggers: [feeding]", "triggers: [nope]");
	char *bad2 = mutate("id: t\n", "id: t\nid: t\n");
	two[0] = (struct pst_blob){"d/t.md", (const unsigned char *)bad1, strlen(bad1)};
	two[1] = (struct pst_blob){"c/t.md", (const unsigned char *)bad2, strlen(bad2)};
	assert_int_equal(pst_tips_load(two, 2, &t, &d), PST_EDATA);
	assert_null(t);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].file, "c/t.md");
	assert_string_equal(d.v[1].file, "d/t.md");
	pst_diags_clear(&d);
	free(bad1);
	free(bad2);

	/* The same over-read in the loader's check of the body: read, not crashed. */
	static const char past[] = "---\nid: t\ntitle: T\nstages: [pregnancy]\ntriggers: []\n"
				   "source: [mottola-2018]\n---\n[d](j)";
	b = (struct pst_blob){"t.md", (const unsigned char *)past, sizeof past - 2};
	assert_int_equal(pst_tips_load(&b, 1, &t, &d), PST_OK);
	assert_string_equal(t->v[0].body, "[d](j\n");
	pst_tips_free(t);
	pst_diags_clear(&d);

	/* No files at all is an empty set, not an error: tips are optional. */
	assert_int_equal(pst_tips_load(NULL, 0, &t, &d), PST_OK);
	assert_int_equal(t->n, 0);
	assert_null(pst_tips_find(t, "t"));
	pst_tips_free(t);
}

static struct pst_tips *builtin(void)
{
	struct pst_tips *t = NULL;
	struct pst_diags d = {0};
	int err = pst_tips_load(pst_embedded_tips, pst_embedded_tips_n, &t, &d);
	print_diags(&d);
	pst_diags_clear(&d);
	assert_int_equal(err, PST_OK);
	return t;
}

static void test_builtin_loads(void **state)
{
	(void)state;
	struct pst_tips *t = builtin();
	assert_true(t->n >= 16);
	for (size_t i = 1; i < t->n; i++)
		assert_true(strcmp(t->v[i - 1].id, t->v[i].id) < 0);
	for (size_t i = 0; i < t->n; i++) {
		const struct pst_tip *tp = &t->v[i];
		assert_true(strlen(tp->title) > 0 && tp->sources.n > 0 && strlen(tp->body) > 0);
		assert_true(strncmp(tp->file, "data/tips/", 10) == 0);
		/* Every body renders, in both forms. */
		struct pst_buf b;
		pst_buf_init(&b, 1 << 20);
		assert_int_equal(pst_markdown_text(&b, tp->body, strlen(tp->body), "", 78), PST_OK);
		assert_int_equal(pst_markdown_html(&b, tp->body, strlen(tp->body)), PST_OK);
		pst_buf_free(&b);
	}
	const struct pst_tip *c = pst_tips_find(t, "caesarean-recovery");
	assert_non_null(c);
	assert_int_equal(c->births, PST_BIT(PST_BIRTH_CAESAREAN));
	const struct pst_tip *s = pst_tips_find(t, "sleep-on-your-side");
	assert_non_null(s);
	assert_int_equal(s->from_week, 28);
	assert_int_equal(s->stages, PST_BIT(PST_STAGE_PREGNANCY));
	pst_tips_free(t);
}

/* True when pst_tips_select picks id for this person. */
static bool picks(const struct pst_tips *t, enum pst_stage stage, int week, enum pst_birth birth,
		  unsigned triggers, const char *id)
{
	const struct pst_tip *v[64];
	size_t n = pst_tips_select(t, stage, week, birth, triggers, v, 64);
	assert_true(n <= 64);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i]->id, id) == 0)
			return true;
	return false;
}

struct pick_case {
	const char *id;
	enum pst_stage stage;
	int week;
	enum pst_birth birth;
	unsigned triggers;
	bool picked;
};

#define PREG PST_STAGE_PREGNANCY
#define PP PST_STAGE_POSTPARTUM
#define T(x) PST_BIT(PST_TRIG_##x)

static const struct pick_case pick_cases[] = {
	/* Side sleeping from week 28 of pregnancy on, for everyone then, and not after. */
	{"sleep-on-your-side", PREG, 27, PST_BIRTH_UNKNOWN, T(SLEEP), false},
	{"sleep-on-your-side", PREG, 28, PST_BIRTH_UNKNOWN, 0, true},
	{"sleep-on-your-side", PREG, 40, PST_BIRTH_UNKNOWN, T(DESK), true},
	{"sleep-on-your-side", PP, 30, PST_BIRTH_VAGINAL, T(SLEEP), false},
	{"sleep-comfort-early-pregnancy", PREG, 27, PST_BIRTH_UNKNOWN, T(SLEEP), true},
	{"sleep-comfort-early-pregnancy", PREG, 28, PST_BIRTH_UNKNOWN, T(SLEEP), false},
	{"sleep-comfort-early-pregnancy", PREG, 12, PST_BIRTH_UNKNOWN, T(DESK), false},
	/* Feeding set-up: after birth, for those whom feeding troubles. */
	{"feeding-set-up", PP, 6, PST_BIRTH_VAGINAL, T(FEEDING), true},
	{"feeding-set-up", PP, 6, PST_BIRTH_CAESAREAN, T(FEEDING) | T(DESK), true},
	{"feeding-set-up", PP, 6, PST_BIRTH_VAGINAL, T(DESK), false},
	{"feeding-set-up", PP, 6, PST_BIRTH_VAGINAL, 0, false},
	{"feeding-set-up", PREG, 30, PST_BIRTH_UNKNOWN, T(FEEDING), false},
	/* The caesarean tip only after a caesarean. */
	{"caesarean-recovery", PP, 2, PST_BIRTH_CAESAREAN, 0, true},
	{"caesarean-recovery", PP, 2, PST_BIRTH_VAGINAL, 0, false},
	{"caesarean-recovery", PP, 2, PST_BIRTH_UNKNOWN, 0, false},
	{"caesarean-recovery", PREG, 39, PST_BIRTH_UNKNOWN, 0, false},
	/* General tips of a stage, whatever the triggers. */
	{"staying-active-pregnancy", PREG, 10, PST_BIRTH_UNKNOWN, T(STRESS), true},
	{"staying-active-pregnancy", PP, 10, PST_BIRTH_VAGINAL, 0, false},
	{"tummy-gap", PP, 0, PST_BIRTH_VAGINAL, 0, true},
	{"when-to-see-someone", PREG, 1, PST_BIRTH_UNKNOWN, 0, true},
	{"when-to-see-someone", PP, 104, PST_BIRTH_CAESAREAN, 0, true},
};

static void test_select(void **state)
{
	(void)state;
	struct pst_tips *t = builtin();
	for (size_t i = 0; i < sizeof pick_cases / sizeof *pick_cases; i++) {
		const struct pick_case *pc = &pick_cases[i];
		if (picks(t, pc->stage, pc->week, pc->birth, pc->triggers, pc->id) != pc->picked) {
			print_error("case %zu: %s should %sbe picked (stage %d, week %d, birth %d)\n", i,
				    pc->id, pc->picked ? "" : "not ", (int)pc->stage, pc->week,
				    (int)pc->birth);
			fail();
		}
	}
	pst_tips_free(t);
}

/* Trigger-matched tips first, then the general ones, each group by id. */
static void test_select_order(void **state)
{
	(void)state;
	struct pst_tips *t = builtin();
	const struct pst_tip *v[64];
	unsigned trig = T(HOLDING) | T(FEEDING);
	size_t n = pst_tips_select(t, PP, 8, PST_BIRTH_CAESAREAN, trig, v, 64);
	assert_true(n >= 4);
	assert_string_equal(v[0]->id, "feeding-set-up");
	assert_string_equal(v[1]->id, "holding-and-carrying");
	assert_string_equal(v[2]->id, "active-after-birth");
	bool general = false;
	for (size_t i = 0; i < n; i++) {
		bool matched = (v[i]->triggers & trig) != 0;
		assert_true(matched || v[i]->triggers == 0); /* no tip of other triggers */
		assert_false(general && matched);
		general |= !matched;
		if (i > 0 && ((v[i - 1]->triggers & trig) != 0) == matched)
			assert_true(strcmp(v[i - 1]->id, v[i]->id) < 0);
	}
	/* max cuts the list, not the count. */
	const struct pst_tip *two[2];
	assert_int_equal(pst_tips_select(t, PP, 8, PST_BIRTH_CAESAREAN, trig, two, 2), n);
	assert_ptr_equal(two[0], v[0]);
	assert_ptr_equal(two[1], v[1]);
	assert_int_equal(pst_tips_select(t, PP, 8, PST_BIRTH_CAESAREAN, trig, NULL, 0), n);
	assert_int_equal(pst_tips_select(NULL, PP, 8, PST_BIRTH_CAESAREAN, trig, NULL, 0), 0);
	pst_tips_free(t);
}

/* ---- Markdown ---- */

static char *md_text(const char *md, int width)
{
	struct pst_buf b;
	pst_buf_init(&b, 1 << 16);
	assert_int_equal(pst_markdown_text(&b, md, strlen(md), "", width), PST_OK);
	return b.s;
}

struct text_case {
	const char *md, *want;
	int width;
};

static const struct text_case text_cases[] = {
	/* Paragraphs: soft breaks are spaces, paragraphs are apart by one blank line. */
	{"One\ntwo.\n\n\n\nThree.", "One two.\n\nThree.\n", 78},
	/* Emphasis and strong text lose their marks; code its backticks. */
	{"A *mild* and **strong** `word`.", "A mild and strong word.\n", 78},
	/* Wrapping at the width, on spaces. */
	{"aaa bbb ccc ddd eee fff ggg hhh iii jjj kkk lll",
	 "aaa bbb ccc ddd eee fff\nggg hhh iii jjj kkk lll\n", 23},
	/* Bullets with a hanging indent; a tight list has no blank lines. */
	{"Intro:\n\n* one\n* two three four five six seven\n\nAfter.",
	 "Intro:\n\n- one\n- two three four five six\n  seven\n\nAfter.\n", 26},
	/* Nested and numbered lists. */
	{"1. a\n   - b\n2. c", "1. a\n   - b\n2. c\n", 78},
	{"7. seven\n8. eight", "7. seven\n8. eight\n", 78},
	/* A loose list keeps its items apart. */
	{"- a\n\n- b", "- a\n\n- b\n", 78},
	/* Links as text (url); an autolink once. */
	{"See [the NHS page](https://www.nhs.uk/x) or <https://e.org>.",
	 "See the NHS page (https://www.nhs.uk/x) or https://e.org.\n", 78},
	{"Mail <a@b.org>.", "Mail a@b.org.\n", 78},
	/* Character references decoded; raw HTML is text; a hard break stays. */
	{"A &amp; B &#8212; C&nbsp;D\\\nE", "A & B \xE2\x80\x94 C\xC2\xA0" "D\nE\n", 78},
	{"<b>x</b>", "<b>x</b>\n", 78},
	{"# Heading\nText", "Heading\n\nText\n", 78},
	{"", "", 78},
	/* md4c 0.4.8 leaves an image it never entered here; the leave is dropped. */
	{"[](![)]()", "(![)\n", 78},
};

static void test_markdown_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof text_cases / sizeof *text_cases; i++) {
		char *got = md_text(text_cases[i].md, text_cases[i].width);
		if (strcmp(got, text_cases[i].want) != 0) {
			print_error("case %zu\n  expected: [%s]\n  got:      [%s]\n", i,
				    text_cases[i].want, got);
			fail();
		}
		free(got);
	}
	/* An indent for every line, the first too. */
	struct pst_buf b;
	pst_buf_init(&b, 4096);
	const char *md = "Para.\n\n- item";
	assert_int_equal(pst_markdown_text(&b, md, strlen(md), "  ", 78), PST_OK);
	assert_string_equal(b.s, "  Para.\n\n  - item\n");
	pst_buf_free(&b);
}

static void test_markdown_html(void **state)
{
	(void)state;
	struct pst_buf b;
	pst_buf_init(&b, 1 << 16);
	const char *md = "Hi **there**\n\n- a\n\n<script>alert(1)</script>\n\nx <img src=x onerror=alert(1)> "
			 "[ok](https://e.org/?a=1&b=2)\n";
	assert_int_equal(pst_markdown_html(&b, md, strlen(md)), PST_OK);
	assert_non_null(strstr(b.s, "<strong>there</strong>"));
	assert_non_null(strstr(b.s, "<li>a</li>"));
	assert_null(strstr(b.s, "<script"));
	assert_null(strstr(b.s, "<img"));
	assert_non_null(strstr(b.s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(b.s, "<a href=\"https://e.org/?a=1&amp;b=2\">ok</a>"));
	pst_buf_free(&b);

	/* Addresses that could run script are refused, and b is left as it was. */
	static const char *const bad[] = {
		"[x](javascript:alert(1))",
		"[x](JavaScript:alert(1))",
		"[x](javascript&colon;alert(1))",
		"[x](&#106;avascript:alert(1))",
		"[x](<java\tscript:alert(1)>)",
		"<javascript:alert(1)>",
		"![x](data:text/html,hi)",
		"[x](vbscript:x)",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		pst_buf_init(&b, 1 << 16);
		pst_buf_puts(&b, "before");
		if (pst_markdown_html(&b, bad[i], strlen(bad[i])) != PST_EINVAL) {
			print_error("case %zu (%s) was accepted: %s\n", i, bad[i], b.s);
			fail();
		}
		assert_string_equal(b.s, "before");
		pst_buf_free(&b);
	}
	/* md4c 0.4.8 reads past the end of a last line without a line ending: here the
	 * ')' after the 5 bytes given would close a link outside the input and crash
	 * md_html. The renderers must not let it see past the end. */
	static const char past[] = "[d](j)";
	pst_buf_init(&b, 1 << 16);
	assert_int_equal(pst_markdown_html(&b, past, 5), PST_OK);
	assert_string_equal(b.s, "<p>[d](j</p>\n");
	pst_buf_free(&b);
	pst_buf_init(&b, 1 << 16);
	assert_int_equal(pst_markdown_text(&b, past, 5, "", 78), PST_OK);
	assert_string_equal(b.s, "[d](j\n");
	pst_buf_free(&b);

	/* Relative addresses, http(s) and mailto pass. */
	static const char *const good[] = {
		"[x](/page)", "[x](#top)", "[x](page?a=b:c)", "[x](HTTPS://e.org)",
		"[x](mailto:a@b.org)", "<http://e.org>",
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		pst_buf_init(&b, 1 << 16);
		if (pst_markdown_html(&b, good[i], strlen(good[i])) != PST_OK) {
			print_error("case %zu (%s) was refused\n", i, good[i]);
			fail();
		}
		assert_non_null(strstr(b.s, "<a href=\""));
		pst_buf_free(&b);
	}
}

/* True when text has "a" before a word starting with a vowel sound we can tell ("a
 * exercise"); "a u..." and "a one" are left alone (a useful, a one-arm). */
static bool bad_article(const char *text)
{
	for (const char *p = text; (p = strstr(p, "a ")) != NULL; p++) {
		bool word_start = p == text || p[-1] == ' ' || p[-1] == '(' || p[-1] == '\n';
		char c = p[2];
		if (word_start && (c == 'a' || c == 'e' || c == 'i' || c == 'o') && strncmp(p + 2, "one", 3) != 0) {
			print_error("bad article: ...%.30s...\n", p);
			return true;
		}
	}
	return false;
}

/* Doses and words (issue 10): quotes match their seed word for word, the guideline wins
 * over the seed, figures read only in secondary sources are not bold facts, "an exercise
 * bike", and a muscle list that matches the cue. */
static void test_words_match_the_sources(void **state)
{
	(void)state;
	const struct pst_tips *t = &pst_builtin_tips;
	for (size_t i = 0; i < t->n; i++)
		assert_false(bad_article(t->v[i].body));
	const struct pst_catalog *c = &pst_builtin_catalog;
	for (size_t i = 0; i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		assert_false(bad_article(e->summary) || bad_article(e->purpose));
		for (size_t k = 0; k < e->steps.n; k++)
			assert_false(bad_article(e->steps.v[k]));
		for (size_t k = 0; k < e->cues.n; k++)
			assert_false(bad_article(e->cues.v[k]));
	}
	/* Seed 003 says "Relaxin is still elevated for up to five months postpartum"; quoted
	 * word for word, and the guideline's "some months" is what postura says. */
	const struct pst_tip *lig = pst_tips_find(t, "looser-ligaments");
	assert_non_null(lig);
	assert_non_null(strstr(lig->body, "\"is still elevated for up to five months postpartum\""));
	assert_null(strstr(lig->body, "exactly five months"));
	assert_non_null(strstr(lig->body, "for some months"));
	assert_null(strstr(lig->body, "**for some months**"));
	/* "About half its strength at 6 weeks" is read only in secondary sources. */
	const struct pst_tip *cs = pst_tips_find(t, "caesarean-recovery");
	assert_non_null(cs);
	assert_null(strstr(cs->body, "**half"));
	const struct pst_tip *aa = pst_tips_find(t, "active-after-birth");
	assert_non_null(aa);
	assert_null(strstr(aa->body, "**From about 6 weeks**"));
	/* Double chins press the head straight back ("not a chin tuck"): the muscles behind
	 * the neck work, not the deep neck flexors; chin nods are the flexors' exercise. */
	const struct pst_exercise *dc = pst_catalog_find(c, "double-chin");
	assert_non_null(dc);
	assert_false(pst_strv_has(&dc->muscles, "deep neck flexors"));
	assert_true(pst_strv_has(&dc->muscles, "deep neck extensors"));
	assert_true(pst_strv_has(&pst_catalog_find(c, "chin-nod")->muscles, "deep neck flexors"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_loads),
		cmocka_unit_test(test_optional_fields_and_crlf),
		cmocka_unit_test(test_bad_cases),
		cmocka_unit_test(test_other_refusals),
		cmocka_unit_test(test_builtin_loads),
		cmocka_unit_test(test_words_match_the_sources),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_select_order),
		cmocka_unit_test(test_markdown_text),
		cmocka_unit_test(test_markdown_html),
	};
	return cmocka_run_group_tests_name("tips", tests, NULL, NULL);
}
