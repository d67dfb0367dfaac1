/* Export and import of everything a person recorded, as JSON or CSV. An export
 * imported into an empty store and exported again gives the same bytes. */
#ifndef PST_EXCHANGE_H
#define PST_EXCHANGE_H

#include "store/store.h"

/* Appends the records as JSON / CSV to out. */
void pst_export_json(const struct pst_record_set *rs, struct pst_buf *out);
void pst_export_csv(const struct pst_record_set *rs, struct pst_buf *out);

/* Exports and imports are bounded: 64 MiB is decades of daily records. */
enum { PST_IMPORT_MAX = 64 * 1024 * 1024 };

/*
 * Parses an export (JSON when it starts with '{', else CSV) into out, checking every
 * record: ranges, vocabularies, exercise ids against c, times. On any problem returns
 * PST_EINVAL with one diagnostic per problem (JSON: the field path, "checkins[3].pain";
 * CSV: FILE:LINE and the column) and out is empty. src names the input.
 * Free out with pst_record_set_free.
 */
int pst_import_parse(const struct pst_catalog *c, const char *src, const char *text, size_t len,
		     struct pst_record_set *out, struct pst_diags *d);

#endif
