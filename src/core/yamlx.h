/* Schema-checked reading of YAML documents (libyaml), with FILE:LINE:COLUMN diagnostics. */
#ifndef PST_YAMLX_H
#define PST_YAMLX_H

#include <yaml.h>

#include "base.h"
#include "sources.h"
#include "vocab.h"

struct pst_yaml {
	yaml_document_t doc;
	bool loaded;
	const char *file;
	struct pst_arena *arena;
	struct pst_diags *diags;
	size_t errors; /* diagnostics added through this document */
};

/*
 * Parses data (len bytes) as exactly one YAML document. On malformed YAML adds a
 * diagnostic at the problem's position and returns PST_EDATA. Strings read later are
 * copied into a; diagnostics go to d. Call pst_yaml_close in every case.
 */
int pst_yaml_open(struct pst_yaml *y, const char *file, const unsigned char *data, size_t len,
		  struct pst_arena *a, struct pst_diags *d);
void pst_yaml_close(struct pst_yaml *y);
yaml_node_t *pst_yaml_root(struct pst_yaml *y);
yaml_node_t *pst_yaml_get(struct pst_yaml *y, int index);

/* Adds a diagnostic at node's position (or the file's start when node is NULL). */
void pst_yaml_error(struct pst_yaml *y, const yaml_node_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct pst_yfield {
	const char *name;
	bool required;
};

/*
 * Checks that node is a mapping whose keys are all named in fields, none twice, and
 * all required ones present; reports each problem. vals[i] receives the value node of
 * fields[i], or NULL. ctx names the mapping in messages ("" for the top level).
 * Returns false when node is not a mapping at all.
 */
bool pst_yaml_map(struct pst_yaml *y, yaml_node_t *node, const char *ctx,
		  const struct pst_yfield *fields, size_t nfields, yaml_node_t **vals);

/* Typed readers. Each reports a problem naming field and returns false (or NULL/-1). */
const char *pst_yaml_str(struct pst_yaml *y, yaml_node_t *n, const char *field);
bool pst_yaml_bool(struct pst_yaml *y, yaml_node_t *n, const char *field, bool *out);
bool pst_yaml_int(struct pst_yaml *y, yaml_node_t *n, const char *field, int lo, int hi,
		  int *out);
/* A range "8-10" or a single number "3"; both ends within lo..hi and low <= high. */
bool pst_yaml_range(struct pst_yaml *y, yaml_node_t *n, const char *field, int lo, int hi,
		    struct pst_range *out);
int pst_yaml_enum(struct pst_yaml *y, yaml_node_t *n, const char *field,
		  const struct pst_vocab *v);
/* A sequence of words of v (a null value is an empty list); repeated words are errors. */
bool pst_yaml_mask(struct pst_yaml *y, yaml_node_t *n, const char *field,
		   const struct pst_vocab *v, unsigned *out);
/* How many entries the list n holds (a null node: none) into *count; false, with an
 * error naming field, when n is not a list or holds fewer than min (each a noun:
 * "needs at least 2 items"). */
bool pst_yaml_list_len(struct pst_yaml *y, yaml_node_t *n, const char *field, size_t min,
		       const char *noun, size_t *count);
/* A sequence of non-empty strings (a null value is an empty list), at least min long. */
bool pst_yaml_strv(struct pst_yaml *y, yaml_node_t *n, const char *field, size_t min,
		   struct pst_strv *out);

/* Ids are typed by hand into answers files, flags and URLs: short slugs. */
enum { PST_ID_MAX = 48 };
/*
 * The id at n: lower-case letters, digits and dashes, not at either end, at most
 * PST_ID_MAX. With ext (".yaml", ".md"), the file's own name must be the id and ext.
 * Reports a problem at n and returns NULL (a wrong file name is reported, but the id is
 * still returned, so that duplicates can be told).
 */
const char *pst_yaml_id(struct pst_yaml *y, yaml_node_t *n, const char *ext);

/* A list of citations: each a source id, or a mapping {id: ID, detail: TEXT}; at least
 * min. The ids are checked against the table later (pst_sources_check). */
bool pst_yaml_cites(struct pst_yaml *y, yaml_node_t *n, const char *field, size_t min,
		    struct pst_cites *out);

/* True for a plain empty scalar ("key:" with nothing after it). */
bool pst_yaml_is_null(const yaml_node_t *n);

#endif
