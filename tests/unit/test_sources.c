/* The table of sources (data/sources.yaml) and the citations that name it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/rules.h"
#include "core/screen.h"
#include "core/sources.h"
#include "core/tips.h"
#include "data/builtin.h"
#include "data/embedded.h"
#include "render/cite.h"

static struct pst_sources *load_text(const char *text, struct pst_diags *d)
{
	struct pst_blob b = {"x/sources.yaml", (const unsigned char *)text, strlen(text)};
	struct pst_sources *s = NULL;
	pst_sources_load(&b, &s, d);
	return s;
}

/* True when one diagnostic of d formats exactly as want. */
static bool has_diag(const struct pst_diags *d, const char *want)
{
	bool found = false;
	for (size_t i = 0; i < d->n; i++) {
		char *got = pst_diag_format(&d->v[i]);
		if (strcmp(got, want) == 0)
			found = true;
		else
			print_message("  got: %s\n", got);
		free(got);
	}
	return found;
}

static void test_the_table_loads_and_every_citation_resolves(void **state)
{
	(void)state;
	assert_int_equal(pst_embedded_sources_n, 1);
	struct pst_diags d = {0};
	struct pst_sources *s = NULL;
	assert_int_equal(pst_sources_load(&pst_embedded_sources[0], &s, &d), PST_OK);
	assert_int_equal(d.n, 0);
	assert_int_equal(s->n, pst_builtin_sources.n);
	/* The four seeds are sources, with their files kept as data. */
	size_t seeds = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct pst_source *src = &s->v[i];
		assert_true(src->title && src->author && src->year);
		if (src->file) {
			seeds++;
			assert_non_null(strstr(src->file, ".txt"));
			/* ... but nothing a person reads names the file. */
			struct pst_buf b;
			pst_buf_init(&b, 4096);
			pst_source_cite(&b, src);
			pst_source_where(&b, src);
			assert_null(strstr(b.s, ".txt"));
			assert_null(strstr(b.s, src->file));
			pst_buf_free(&b);
		}
		if (src->kind != PST_SRC_PRACTICE)
			assert_true(src->doi || src->url || src->reference);
	}
	assert_int_equal(seeds, 4);
	assert_int_equal(pst_catalog_check_sources(&pst_builtin_catalog, s, &d), 0);
	assert_int_equal(pst_questions_check_sources(&pst_builtin_questions, s, &d), 0);
	assert_int_equal(pst_tips_check_sources(&pst_builtin_tips, s, &d), 0);
	assert_int_equal(pst_rules_check_sources(s, &d), 0);
	assert_int_equal(d.n, 0);
	pst_sources_free(s);
}

static void test_a_citation_reads_as_a_person_reads_it(void **state)
{
	(void)state;
	const struct pst_source *m = pst_sources_find(&pst_builtin_sources, "mottola-2018");
	assert_non_null(m);
	struct pst_buf b;
	pst_buf_init(&b, 4096);
	pst_source_cite(&b, m);
	assert_string_equal(b.s, "Mottola et al. 2018, 2019 Canadian guideline for physical activity "
				 "throughout pregnancy, Br J Sports Med");
	pst_buf_free(&b);
	static const struct pst_cite two[] = {{"bandy-1997", "30 s vs 60 s", 1, 1},
					      {"ayala-2010", NULL, 1, 1}};
	struct pst_cites c = {two, 2};
	pst_buf_init(&b, 4096);
	pst_cite_text(&b, &c);
	assert_non_null(strstr(b.s, "Bandy et al. 1997, The effect of time and frequency of static "
				    "stretching on flexibility of the hamstring muscles, Phys Ther (30 s vs 60 s); "
				    "Ayala & Sainz de Baranda 2010, "));
	pst_buf_free(&b);
	/* On the web each links to its entry on the Sources page, escaped. */
	pst_buf_init(&b, 4096);
	pst_cite_html(&b, &c);
	assert_non_null(strstr(b.s, "<a class=\"cite\" href=\"/sources#bandy-1997\">Bandy et al. 1997"));
	assert_non_null(strstr(b.s, "Ayala &amp; Sainz de Baranda 2010"));
	pst_buf_free(&b);
}

static void test_every_seed_exercise_cites_a_seed(void **state)
{
	(void)state;
	const struct pst_catalog *c = &pst_builtin_catalog;
	for (size_t i = 0; i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		assert_true(e->sources.n >= 1);
		const struct pst_source *s = pst_sources_find(&pst_builtin_sources, e->sources.v[0].id);
		assert_non_null(s);
		assert_non_null(s->file);
	}
}

struct bad_case {
	const char *text, *want;
};

static void test_bad_tables_are_refused_with_their_place(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{"sources:\n  - id: a\n    title: T\n    author: A\n    year: \"2020\"\n    kind: study\n",
		 "x/sources.yaml:2:5: source 'a' needs where to find it: doi, url or reference"},
		{"sources:\n  - id: a\n    title: T\n    author: A\n    year: last year\n    kind: study\n    doi: 10.1/x\n",
		 "x/sources.yaml:5:11: year 'last year' must be four digits (1900-2100) or n.d."},
		{"sources:\n  - id: a\n    title: T\n    author: A\n    year: n.d.\n    kind: blog\n    url: https://x\n",
		 "x/sources.yaml:6:11: kind: 'blog' is not one of guideline, study, review, article, leaflet, web-page, practice"},
		{"sources:\n  - id: a\n    title: T\n    author: A\n    year: n.d.\n    kind: study\n    doi: doi:10.1/x\n",
		 "x/sources.yaml:7:10: doi 'doi:10.1/x' must start with 10. (write it without doi: or https://doi.org/)"},
		{"sources:\n  - id: a\n    title: T\n    author: A\n    year: n.d.\n    kind: practice\n"
		 "  - id: a\n    title: U\n    author: B\n    year: n.d.\n    kind: practice\n",
		 "x/sources.yaml:7:1: duplicate id 'a' (first defined at line 2)"},
		{"sources:\n  - id: a\n    author: A\n    year: n.d.\n    kind: practice\n",
		 "x/sources.yaml:2:5: missing required field 'title'"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct pst_diags d = {0};
		struct pst_sources *s = load_text(cases[i].text, &d);
		assert_null(s);
		if (!has_diag(&d, cases[i].want)) {
			print_error("case %zu: expected %s\n", i, cases[i].want);
			fail();
		}
		pst_diags_clear(&d);
	}
}

static const char *questions_with(const char *source)
{
	static char buf[1024];
	snprintf(buf, sizeof buf,
		 "questions:\n"
		 "  - id: q\n"
		 "    question: Is it?\n"
		 "    stages: [pregnancy]\n"
		 "    outcome: emergency\n"
		 "    advice: Call.\n"
		 "    source: %s\n",
		 source);
	return buf;
}

static void test_an_unknown_id_is_refused_at_its_place(void **state)
{
	(void)state;
	struct pst_diags d = {0};
	const char *text = questions_with("[finucane-2020, {id: mottola-2019, detail: x}]");
	struct pst_blob b = {"data/screening.yaml", (const unsigned char *)text, strlen(text)};
	struct pst_questions *q = NULL;
	assert_int_equal(pst_questions_load(&b, &q, &d), PST_OK);
	assert_int_equal(pst_questions_check_sources(q, &pst_builtin_sources, &d), 1);
	assert_true(has_diag(&d, "data/screening.yaml:7:34: source 'mottola-2019' is not in the table "
				 "of sources (did you mean 'mottola-2018'?)"));
	pst_questions_free(q);
	pst_diags_clear(&d);

	/* The old free-text form is refused with what to write instead. */
	text = questions_with("seed 002_2ae65360e1a3053d.txt; CLINICAL.md §3");
	b.data = (const unsigned char *)text;
	b.len = strlen(text);
	assert_int_equal(pst_questions_load(&b, &q, &d), PST_EDATA);
	assert_null(q);
	assert_true(d.n >= 1);
	char *got = pst_diag_format(&d.v[0]);
	assert_non_null(strstr(got, "data/screening.yaml:7:13: source must be a list of source ids"));
	free(got);
	pst_diags_clear(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_table_loads_and_every_citation_resolves),
		cmocka_unit_test(test_a_citation_reads_as_a_person_reads_it),
		cmocka_unit_test(test_every_seed_exercise_cites_a_seed),
		cmocka_unit_test(test_bad_tables_are_refused_with_their_place),
		cmocka_unit_test(test_an_unknown_id_is_refused_at_its_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
