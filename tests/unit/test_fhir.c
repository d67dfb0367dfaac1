/* The FHIR Bundle of record sets that the command-line test does not make (minutes
 * without a profile, a profile without pain or country, answers in their own order), read
 * back to the same bytes; the urn:uuids; the import's refusals, all or nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data/builtin.h"
#include "store/fhir.h"

static char *fhir_of(const struct pst_record_set *rs, size_t *len)
{
	struct pst_buf b;
	pst_buf_init(&b, PST_IMPORT_MAX);
	struct pst_fhir_opts o = {.cat = &pst_builtin_catalog};
	struct pst_export_sink k = {.out = &b};
	assert_int_equal(pst_export_fhir(rs, &o, &k), PST_OK);
	*len = b.len;
	return b.s;
}

static char *json_of(const struct pst_record_set *rs)
{
	struct pst_buf b;
	pst_buf_init(&b, PST_IMPORT_MAX);
	assert_int_equal(pst_export_to_buf(rs, false, &b, NULL, 0), PST_OK);
	return b.s;
}

/* export JSON text -> records -> FHIR -> records -> FHIR and JSON: the same. */
static void round_trip(const char *json)
{
	struct pst_record_set rs, back;
	struct pst_diags d = {0};
	assert_int_equal(pst_import_parse(&pst_builtin_catalog, "in", json, strlen(json), &rs, &d), PST_OK);
	size_t n1, n2;
	char *f1 = fhir_of(&rs, &n1);
	int rc = pst_import_parse(&pst_builtin_catalog, "fhir", f1, n1, &back, &d);
	for (size_t i = 0; i < d.n; i++)
		print_error("%s\n", d.v[i].msg);
	assert_int_equal(rc, PST_OK);
	char *f2 = fhir_of(&back, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(f1, f2, n1);
	char *j1 = json_of(&rs), *j2 = json_of(&back);
	assert_string_equal(j1, j2);
	free(f1);
	free(f2);
	free(j1);
	free(j2);
	pst_record_set_free(&rs);
	pst_record_set_free(&back);
}

static void test_round_trips(void **state)
{
	(void)state;
	/* the minutes alone (an import can hold them without a profile) */
	round_trip("{\"format\": \"postura-export\", \"version\": 1, \"plan_minutes\": "
		   "[{\"from\": \"2026-01-01\", \"minutes\": 10}, {\"from\": \"2026-02-01\", \"minutes\": 20}]}");
	/* a pregnancy profile without pain or country; answers in their own order; an
	 * activity never rated; a check-in at UTC ("Z") without areas or note */
	round_trip("{\"format\": \"postura-export\", \"version\": 1, \"profile\": {\"stage\": \"pregnancy\", "
		   "\"weeks\": 20, \"anchor\": \"2026-01-01\", \"birth\": \"unknown\", \"feeding\": "
		   "\"unknown\", \"pain\": null, \"areas\": [], \"triggers\": [\"desk\"], \"equipment\": [], "
		   "\"avoid\": [\"floor\"], \"minutes\": 5, \"conditions\": [], \"country\": null, "
		   "\"updated\": \"2026-05-21T08:00:00-03:30\"}, \"screening\": {\"stages\": [\"pregnancy\"], "
		   "\"answers\": {\"zz-last\": false, \"chest-pain\": true, \"aa-first\": false}, "
		   "\"at\": \"2026-05-21T08:00:00Z\"}, \"checkins\": [{\"id\": 9, \"at\": "
		   "\"2026-05-21T08:00:00Z\", \"pain\": 0, \"areas\": []}], \"psfs\": [{\"id\": 4, "
		   "\"activity\": \"=1+1; sit through a film\", \"created\": \"2026-05-20T10:00:00+14:00\", "
		   "\"ratings\": []}]}");
	/* nothing at all: a Bundle with only the Patient */
	round_trip("{\"format\": \"postura-export\", \"version\": 1}");
}

static void test_uuids(void **state)
{
	(void)state;
	char a[48], b[48], c[48];
	pst_fhir_uuid("p", "checkin", "12", a, sizeof a);
	pst_fhir_uuid("p", "checkin", "12", b, sizeof b);
	assert_string_equal(a, b); /* deterministic */
	pst_fhir_uuid("p", "checkin", "1", b, sizeof b);
	pst_fhir_uuid("p", "checkin1", "", c, sizeof c);
	assert_string_not_equal(a, b);
	assert_string_not_equal(b, c); /* the parts are kept apart */
	pst_fhir_uuid("q", "checkin", "12", c, sizeof c);
	assert_string_not_equal(a, c); /* another person */
	/* urn:uuid:xxxxxxxx-xxxx-8xxx-[89ab]xxx-xxxxxxxxxxxx: version 8, RFC 4122/9562 variant */
	assert_int_equal(strlen(a), 9 + 36);
	assert_memory_equal(a, "urn:uuid:", 9);
	assert_int_equal(a[9 + 14], '8');
	assert_non_null(strchr("89ab", a[9 + 19]));
}

/* Refusals name the entry and field, and the record set stays empty. */
static void refused(const char *text, const char *want)
{
	struct pst_record_set rs;
	struct pst_diags d = {0};
	assert_int_equal(pst_import_parse(&pst_builtin_catalog, "b.json", text, strlen(text), &rs, &d),
			 PST_EINVAL);
	assert_null(rs.arena);
	bool found = false;
	for (size_t i = 0; i < d.n; i++)
		found |= strstr(d.v[i].msg, want) != NULL;
	if (!found)
		for (size_t i = 0; i < d.n; i++)
			print_error("%s\n", d.v[i].msg);
	assert_true(found);
	pst_diags_clear(&d);
}

#define PATIENT "{\"fullUrl\": \"urn:uuid:00000000-0000-8000-8000-000000000001\", " \
		"\"resource\": {\"resourceType\": \"Patient\"}}"

static void test_refusals(void **state)
{
	(void)state;
	refused("{\"resourceType\": \"Bundle\", \"type\": \"document\", \"entry\": []}",
		"type: 'document' must be collection");
	refused("{\"resourceType\": \"Bundle\", \"type\": \"collection\"}", "entry: must be a list");
	refused("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [" PATIENT ", " PATIENT "]}",
		"entry[1].resource: a second Patient");
	refused("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [" PATIENT ", "
		"{\"fullUrl\": \"http://x/Observation/1\", \"resource\": {\"resourceType\": \"Observation\"}}]}",
		"entry[1].fullUrl: 'http://x/Observation/1' must be a urn:uuid");
	refused("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [" PATIENT ", "
		"{\"fullUrl\": \"urn:uuid:00000000-0000-8000-8000-000000000002\", \"resource\": "
		"{\"resourceType\": \"Observation\", \"status\": \"final\", \"code\": {\"coding\": "
		"[{\"system\": \"http://loinc.org\", \"code\": \"72514-3\"}]}, \"subject\": {\"reference\": "
		"\"urn:uuid:00000000-0000-8000-8000-000000000009\"}, \"identifier\": [{\"system\": "
		"\"urn:postura:checkin\", \"value\": \"1\"}], \"effectiveDateTime\": "
		"\"2026-01-01T10:00:00Z\", \"valueInteger\": 3}}]}",
		"entry[1].resource.subject.reference: 'urn:uuid:00000000-0000-8000-8000-000000000009' must "
		"name the Bundle's Patient");
	refused("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [" PATIENT ", "
		"{\"fullUrl\": \"urn:uuid:00000000-0000-8000-8000-000000000002\", \"resource\": "
		"{\"resourceType\": \"Observation\", \"code\": {\"coding\": [{\"system\": "
		"\"http://loinc.org\", \"code\": \"8867-4\"}]}}}]}",
		"entry[1].resource.code: not a pain reading (LOINC 72514-3)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_uuids),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
