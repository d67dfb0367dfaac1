/*
 * A person's records as a FHIR R4 Bundle (type "collection"), and such a Bundle back
 * (docs/export.md says what goes where). The Bundle is streamed like the JSON export
 * (read_each, PST_EXPORT_CHUNK at a time), so memory stays bounded whatever the store
 * holds. Every entry's fullUrl is a urn:uuid made from the person, the record's kind
 * and its id (BLAKE2b, libsodium's generichash, as an RFC 9562 version 8 UUID): the
 * same records give the same Bundle, byte for byte. The person is opts->person when
 * given, else the person's first record (its kind, id and time), which moves with the
 * records from store to store.
 */
#ifndef PST_FHIR_H
#define PST_FHIR_H

#include <jansson.h>

#include "core/planner.h"
#include "core/screen.h"
#include "store/exchange.h"

struct pst_fhir_opts {
	const char *person; /* names the person in every fullUrl; NULL: their first record does */
	const char *name;   /* the Patient's name; NULL: the person's (store export), if any */
	const struct pst_catalog *cat;     /* the exercises' names (displays); may be NULL */
	const struct pst_questions *questions; /* the safety questions' words; may be NULL */
	/* The CarePlan: the plan of today, worked out from the records (NULL: no CarePlan,
	 * as when no profile is saved or the answers send the person to a professional).
	 * dose_text writes a dose in words (render's pst_text_dose); NULL: none. */
	const struct pst_plan *plan;
	void (*dose_text)(struct pst_buf *b, const struct pst_dose *d);
};

/* As pst_export_json, as a FHIR Bundle. */
int pst_export_fhir(const struct pst_record_set *rs, const struct pst_fhir_opts *o,
		    struct pst_export_sink *k);
/* As pst_export_store, as a FHIR Bundle. */
int pst_export_fhir_store(struct pst_store *s, const struct pst_fhir_opts *o,
			  struct pst_export_sink *k);

/* The urn:uuid of a record: "urn:uuid:" and 36 characters (buf: 46 bytes or more). */
char *pst_fhir_uuid(const char *person, const char *kind, const char *id, char *buf, size_t size);

/*
 * A Bundle as pst_export_fhir writes it, turned into a postura JSON export (the object
 * pst_import_parse reads), checking every entry on the way: a problem is a diagnostic
 * naming the entry and field ("entry[4].resource.valueInteger: ..."), and the result is
 * NULL. The CarePlan is left out: it is worked out again from the records.
 */
json_t *pst_fhir_to_export(const struct pst_catalog *c, const char *src, json_t *bundle,
			   struct pst_diags *d);

/* Shared with the other formats (exchange.c). */
int pst_export_check(const struct pst_record_set *rs, struct pst_export_sink *k);
int pst_export_flush(struct pst_export_sink *k, bool end);

#endif
