/*
 * A streaming JSON writer for large outputs (years of history, full exports), with the
 * layout jansson prints for JSON_INDENT(2) | JSON_REAL_PRECISION(15), so small objects
 * built with jansson and large ones streamed here read the same. jansson builds a tree
 * of allocated values first; for thousands of records that tree, and freeing it, cost
 * more than the work itself (bench/RESULTS.md). Strings are always escaped.
 */
#ifndef PST_CORE_JSONW_H
#define PST_CORE_JSONW_H

#include <stdbool.h>

#include "base.h"

enum { PST_JW_MAX_DEPTH = 32 };

struct pst_jw {
	struct pst_buf *b;
	int depth;
	bool has_items[PST_JW_MAX_DEPTH];
	char close[PST_JW_MAX_DEPTH]; /* '}' or ']' for each open level */
	bool after_key;
};

void pst_jw_init(struct pst_jw *w, struct pst_buf *b);
void pst_jw_object(struct pst_jw *w); /* { */
void pst_jw_array(struct pst_jw *w);  /* [ */
void pst_jw_end(struct pst_jw *w);    /* } or ] */
void pst_jw_key(struct pst_jw *w, const char *key);
void pst_jw_string(struct pst_jw *w, const char *s); /* NULL writes null */
void pst_jw_int(struct pst_jw *w, long long v);
void pst_jw_real(struct pst_jw *w, double v);
void pst_jw_bool(struct pst_jw *w, bool v);
void pst_jw_null(struct pst_jw *w);
/* Ends the document with a newline. */
void pst_jw_finish(struct pst_jw *w);

#endif
