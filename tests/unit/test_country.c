/* The numbers to call by country: the table, the locale, the texts that name them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/country.h"
#include "core/profile.h"

static void test_numbers_by_country(void **state)
{
	(void)state;
	static const struct {
		const char *code, *emergency, *urgent, *maternity;
	} want[] = {
		{"GB", "999", "111", NULL},	   {"uk", "999", "111", NULL},
		{"IE", "112", NULL, NULL},	   {"DE", "112", "116 117", NULL},
		{"fr", "112", NULL, NULL},	   {"US", "911", NULL, NULL},
		{"CA", "911", "811", NULL},	   {"AU", "000", "1800 022 222", "1800 882 436"},
		{"NZ", "111", "0800 611 116", NULL}, {"IN", "112", NULL, "102"},
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		const struct pst_country *c = pst_country_find(want[i].code);
		assert_non_null(c);
		assert_string_equal(c->emergency, want[i].emergency);
		if (want[i].urgent)
			assert_string_equal(c->urgent, want[i].urgent);
		else
			assert_null(c->urgent);
		if (want[i].maternity)
			assert_string_equal(c->maternity, want[i].maternity);
		else
			assert_null(c->maternity);
		assert_true(strlen(c->source) > 10);
	}
	/* Every EU member state dials 112. */
	static const char *const eu[] = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI",
					 "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
					 "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"};
	for (size_t i = 0; i < sizeof eu / sizeof *eu; i++) {
		const struct pst_country *c = pst_country_find(eu[i]);
		assert_non_null(c);
		assert_true(strcmp(c->emergency, "112") == 0 ||
			    (c->emergency_also && strcmp(c->emergency_also, "112") == 0));
	}
	assert_null(pst_country_find("XX"));
	assert_null(pst_country_find(""));
	assert_null(pst_country_find(NULL));
	char buf[160];
	assert_string_equal(pst_country_maternity_words(pst_country_find("GB"), buf, sizeof buf),
			    "your maternity unit's number");
	assert_string_equal(pst_country_maternity_words(NULL, buf, sizeof buf),
			    "your maternity unit's number");
	assert_string_equal(pst_country_tel("1800 882 436", buf, sizeof buf), "1800882436");
	assert_string_equal(pst_country_tel("+61 1800", buf, sizeof buf), "+611800");
}

static void test_country_from_locale(void **state)
{
	(void)state;
	static const struct {
		const char *locale, *code; /* code NULL: none */
	} cases[] = {
		{"en_GB.UTF-8", "GB"},
		{"de_DE@euro", "DE"},
		{"en-AU,en;q=0.9", "AU"},
		{"fr, en-NZ;q=0.8, en;q=0.5", "NZ"},
		{"en-US", "US"},
		{"hi_IN", "IN"},
		{"en-ZZ,en-CA;q=0.7", "CA"},
		{"C.UTF-8", NULL},
		{"POSIX", NULL},
		{"en", NULL},
		{"", NULL},
		{"zh-Hant-TW", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct pst_country *c = pst_country_from_locale(cases[i].locale);
		if ((c == NULL) != (cases[i].code == NULL) ||
		    (c && strcmp(c->code, cases[i].code) != 0)) {
			print_error("%s: got %s, expected %s\n", cases[i].locale, c ? c->code : "none",
				    cases[i].code ? cases[i].code : "none");
			fail();
		}
	}
	assert_null(pst_country_from_locale(NULL));
}

static void test_texts_name_the_numbers(void **state)
{
	(void)state;
	char buf[512];
	const char *advice = "Call emergency services now (999 in the UK, 112 in Europe, 911 in the "
			     "US and Canada). Then call {maternity}.";
	assert_string_equal(pst_country_fill(pst_country_find("US"), advice, buf, sizeof buf),
			    "Call emergency services now (911). Then call your maternity unit's number.");
	assert_string_equal(pst_country_fill(pst_country_find("AU"), "Call {emergency}, or {maternity}.",
					     buf, sizeof buf),
			    "Call 000, or 1800 882 436 (Pregnancy, Birth and Baby).");
	assert_string_equal(pst_country_fill(pst_country_find("NZ"), "Call emergency services now (999/112/911).",
					     buf, sizeof buf),
			    "Call emergency services now (111).");
	/* Not known: the list stays, and a placeholder spells out every region. */
	assert_string_equal(pst_country_fill(NULL, advice, buf, sizeof buf),
			    "Call emergency services now (999 in the UK, 112 in Europe, 911 in the US "
			    "and Canada). Then call your maternity unit's number.");
	assert_non_null(strstr(pst_country_fill(NULL, "{emergency}", buf, sizeof buf), "000 in Australia"));
	/* Truncation keeps a string. */
	char small[8];
	pst_country_fill(pst_country_find("GB"), "Call {emergency} now please", small, sizeof small);
	assert_int_equal(strlen(small), 7);
}

static void test_profile_country(void **state)
{
	(void)state;
	struct pst_profile p;
	pst_profile_init(&p);
	struct pst_profile_problem pr;
	assert_true(pst_profile_set(&p, PST_PF_COUNTRY, "uk", &pr));
	assert_string_equal(p.country, "GB");
	assert_string_equal(pst_profile_country(&p)->name, "United Kingdom");
	assert_false(pst_profile_set(&p, PST_PF_COUNTRY, "Narnia", &pr));
	assert_string_equal(p.country, "GB");
	assert_non_null(strstr(pr.msg, "'Narnia' is not a country"));
	assert_true(pst_profile_set(&p, PST_PF_COUNTRY, "none", &pr));
	assert_null(pst_profile_country(&p));
	assert_true(pst_profile_set(&p, PST_PF_CONDITIONS, "tummy-gap,wrist-or-thumb-pain", &pr));
	assert_int_equal(p.conditions, PST_BIT(PST_COND_TUMMY_GAP) | PST_BIT(PST_COND_WRIST_OR_THUMB_PAIN));
	assert_true(pst_profile_avoid(&p) & PST_BIT(PST_AVOID_WRIST_LOAD));
	assert_false(pst_profile_set(&p, PST_PF_CONDITIONS, "sore-toe", &pr));
	assert_non_null(strstr(pr.msg, "'sore-toe' is not one of pelvic-girdle-pain"));
	assert_true(pst_profile_set(&p, PST_PF_CONDITIONS, "none", &pr));
	assert_int_equal(p.conditions, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers_by_country),
		cmocka_unit_test(test_country_from_locale),
		cmocka_unit_test(test_texts_name_the_numbers),
		cmocka_unit_test(test_profile_country),
	};
	return cmocka_run_group_tests_name("country", tests, NULL, NULL);
}
