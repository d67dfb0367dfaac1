/* libFuzzer harness for the import parser: any bytes as an export (JSON when it starts
 * with '{' — a FHIR Bundle when it has a "resourceType" —, else CSV), against the built-in
 * catalogue. What parses must export and import again to the same bytes, in every format,
 * and the formats must agree (but for the safety answers, which CSV does not hold). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/builtin.h"
#include "store/exchange.h"
#include "store/fhir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drop(struct pst_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(pst_diag_format(&d->v[i]));
	pst_diags_clear(d);
}

/* Exports rs in one format, imports that and exports it again: the same bytes. Returns
 * the first export (malloc'd by the buffer), or traps. */
static struct pst_buf round_trip(const struct pst_record_set *rs, bool csv)
{
	struct pst_buf a, b;
	pst_buf_init(&a, PST_IMPORT_MAX);
	pst_buf_init(&b, PST_IMPORT_MAX);
	if (pst_export_to_buf(rs, csv, &a, NULL, 0))
		__builtin_trap();
	struct pst_record_set back;
	struct pst_diags d = {0};
	if (a.failed || pst_import_parse(&pst_builtin_catalog, "export", a.s, a.len, &back, &d))
		__builtin_trap();
	if (pst_export_to_buf(&back, csv, &b, NULL, 0))
		__builtin_trap();
	if (b.failed || a.len != b.len || memcmp(a.s, b.s, a.len) != 0)
		__builtin_trap();
	pst_record_set_free(&back);
	pst_buf_free(&b);
	drop(&d);
	return a;
}

/* The FHIR Bundle of rs imports again to the same records: the same Bundle, byte for
 * byte, and the same JSON export. */
static void fhir_round_trip(const struct pst_record_set *rs)
{
	struct pst_buf a, b, ja, jb;
	struct pst_fhir_opts o = {.cat = &pst_builtin_catalog};
	struct pst_export_sink ka = {.out = &a}, kb = {.out = &b};
	pst_buf_init(&a, 8 * (size_t)PST_IMPORT_MAX);
	pst_buf_init(&b, 8 * (size_t)PST_IMPORT_MAX);
	if (pst_export_fhir(rs, &o, &ka) || a.failed)
		__builtin_trap();
	if (a.len <= PST_IMPORT_MAX) { /* larger Bundles are refused by import, by design */
		struct pst_record_set back;
		struct pst_diags d = {0};
		if (pst_import_parse(&pst_builtin_catalog, "fhir", a.s, a.len, &back, &d))
			__builtin_trap();
		if (pst_export_fhir(&back, &o, &kb) || b.failed || a.len != b.len ||
		    memcmp(a.s, b.s, a.len) != 0)
			__builtin_trap();
		pst_buf_init(&ja, PST_IMPORT_MAX);
		pst_buf_init(&jb, PST_IMPORT_MAX);
		if (pst_export_to_buf(rs, false, &ja, NULL, 0) ||
		    pst_export_to_buf(&back, false, &jb, NULL, 0) || ja.len != jb.len ||
		    memcmp(ja.s, jb.s, ja.len) != 0)
			__builtin_trap();
		pst_buf_free(&ja);
		pst_buf_free(&jb);
		pst_record_set_free(&back);
		drop(&d);
	}
	pst_buf_free(&a);
	pst_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pst_record_set rs;
	struct pst_diags d = {0};
	int err = pst_import_parse(&pst_builtin_catalog, "fuzz", (const char *)data, size, &rs, &d);
	/* The contract: all or nothing, and a reason for nothing. */
	if ((err == PST_OK) != (rs.arena != NULL) || (err == PST_EINVAL && d.n == 0) ||
	    (err == PST_OK && d.n != 0) || (err != PST_OK && err != PST_EINVAL))
		__builtin_trap();
	drop(&d);
	if (err)
		return 0;
	for (size_t i = 0; i < rs.ncheckins; i++)
		if (rs.checkins[i].pain < 0 || rs.checkins[i].pain > 10 || rs.checkins[i].id < 1)
			__builtin_trap();
	for (size_t i = 0; i < rs.nsessions; i++) {
		const struct pst_session_log *l = &rs.sessions[i];
		if (l->nex < 1 || l->nex > PST_SESSION_MAX_EXERCISES)
			__builtin_trap();
		for (size_t k = 0; k < l->nex; k++)
			if (!l->ex[k].id || !pst_catalog_find(&pst_builtin_catalog, l->ex[k].id))
				__builtin_trap();
	}
	struct pst_buf json = round_trip(&rs, false), csv = round_trip(&rs, true);
	fhir_round_trip(&rs);
	pst_buf_free(&json);
	/* The CSV export, read back, is the same records as the JSON one, but for the
	 * safety answers, which only JSON holds. */
	struct pst_record_set records = rs;
	records.has_screening = false;
	pst_buf_init(&json, PST_IMPORT_MAX);
	if (pst_export_to_buf(&records, false, &json, NULL, 0))
		__builtin_trap();
	struct pst_record_set from_csv;
	struct pst_buf again;
	pst_buf_init(&again, PST_IMPORT_MAX);
	if (pst_import_parse(&pst_builtin_catalog, "csv", csv.s, csv.len, &from_csv, &d) ||
	    from_csv.has_screening)
		__builtin_trap();
	if (pst_export_to_buf(&from_csv, false, &again, NULL, 0))
		__builtin_trap();
	if (json.failed || again.len != json.len || memcmp(again.s, json.s, json.len) != 0)
		__builtin_trap();
	pst_record_set_free(&from_csv);
	pst_buf_free(&again);
	pst_buf_free(&json);
	pst_buf_free(&csv);
	pst_record_set_free(&rs);
	drop(&d);
	return 0;
}
