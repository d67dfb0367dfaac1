/* Export and import of everything a person recorded, as JSON or CSV. An export
 * imported into an empty store and exported again gives the same bytes. */
#ifndef PST_EXCHANGE_H
#define PST_EXCHANGE_H

#include "store/store.h"

/* Where an export goes. The text collects in out; when flush is set, out is handed to it
 * and emptied whenever it holds PST_EXPORT_CHUNK bytes or more, and at the end, so an
 * export of any size needs a bounded buffer (the records themselves are in memory).
 * flush returns false when it could not write. */
enum { PST_EXPORT_CHUNK = 64 * 1024 };
struct pst_export_sink {
	struct pst_buf *out;
	bool (*flush)(void *ctx, const char *s, size_t len); /* NULL: everything stays in out */
	void *ctx;
	char why[600]; /* set on failure: what could not be written, naming the record */
};

/*
 * Writes the records as JSON / CSV. Every record is checked first, as import would
 * check it (text that is not UTF-8, control characters, safety answers that are not
 * JSON): a record that cannot be written is PST_EDATA with k->why naming it, and then
 * nothing at all was written. PST_EIO when flush failed, PST_ENOMEM when out did.
 * No record is ever left out silently.
 */
int pst_export_json(const struct pst_record_set *rs, struct pst_export_sink *k);
int pst_export_csv(const struct pst_record_set *rs, struct pst_export_sink *k);
/* The export of a whole store, read a part of PST_EXPORT_BATCH records at a time
 * (read_each), twice: once to check every record, once to write. Memory stays bounded
 * whatever the store holds (README). Errors as above; when the store itself fails, k->why
 * is empty and the message is the store's (pst_store.errmsg). */
enum { PST_EXPORT_BATCH = 1024 };
int pst_export_store(struct pst_store *s, bool csv, struct pst_export_sink *k);
/* The same two passes for any format: pst_export_check and check (NULL: none) on every
 * part; then head on the first part (flushed after it), part on each other one, and end.
 * Each returns PST_OK or an error, which stops the export and is returned. */
struct pst_export_pass {
	int (*check)(void *ctx, const struct pst_record_set *part);
	int (*head)(void *ctx, const struct pst_record_set *part);
	int (*part)(void *ctx, const struct pst_record_set *part);
	int (*end)(void *ctx);
	void *ctx;
};
int pst_export_store_passes(struct pst_store *s, const struct pst_export_pass *p,
			    struct pst_export_sink *k);
/* The whole export into out (no flush); why (size bytes) gets the reason on failure. */
int pst_export_to_buf(const struct pst_record_set *rs, bool csv, struct pst_buf *out, char *why,
		      size_t size);

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
