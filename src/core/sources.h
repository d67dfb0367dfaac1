/* The table of sources (data/sources.yaml) and the citations that name them. */
#ifndef PST_SOURCES_H
#define PST_SOURCES_H

#include "base.h"

enum pst_source_kind {
	PST_SRC_GUIDELINE, PST_SRC_STUDY, PST_SRC_REVIEW, PST_SRC_ARTICLE, PST_SRC_LEAFLET,
	PST_SRC_WEBPAGE, PST_SRC_PRACTICE, PST_SRC__MAX
};

/* One source a person can look up. Text fields other than id, title, author, year and
 * kind may be NULL. */
struct pst_source {
	const char *id;
	const char *title;
	const char *author; /* the authors in full, or the organisation */
	const char *cite_as; /* how the citation names them ("Mottola et al."); NULL: author */
	const char *year;   /* four digits, or "n.d." when the source gives no date */
	enum pst_source_kind kind;
	const char *in;     /* journal, publisher or website ("Br J Sports Med") */
	const char *doi, *url, *reference; /* where to find it: at least one, except practice */
	const char *file;   /* a seed article: its file name in the seed collection (data only) */
	const char *note;   /* what to know about it ("read only in secondary sources") */
	int line;
};

struct pst_sources {
	struct pst_arena *arena;
	const char *file;
	struct pst_source *v; /* in file order */
	size_t n;
};

/* A citation in a data file or a rule: a source id and an optional detail in words
 * ("30 s and 60 s hamstring stretches", "applied conservatively"). */
struct pst_cite {
	const char *id, *detail;
	int line, col; /* where it is written, for messages */
};

struct pst_cites {
	const struct pst_cite *v;
	size_t n;
};

/* Builds a pst_cites from cite initializers in static tables (rules.c):
 * PST_CITES({"bandy-1997", "30 s holds", __LINE__, 0}, ...). */
#define PST_CITES(...)                                                                     \
	{(const struct pst_cite[]){__VA_ARGS__},                                           \
	 sizeof((const struct pst_cite[]){__VA_ARGS__}) / sizeof(struct pst_cite)}

extern const char *const pst_source_kind_words[PST_SRC__MAX];

/*
 * Loads the table from one YAML file (docs/sources.md). All or nothing: on any problem
 * *out is NULL, PST_EDATA is returned and every problem is in d as FILE:LINE:COLUMN.
 * Free with pst_sources_free.
 */
int pst_sources_load(const struct pst_blob *file, struct pst_sources **out,
		     struct pst_diags *d);
void pst_sources_free(struct pst_sources *s);
const struct pst_source *pst_sources_find(const struct pst_sources *s, const char *id);

/*
 * Checks that every citation names a source of s; reports each one that does not at
 * file:line:col (with the nearest id when there is one). Returns how many were wrong.
 */
size_t pst_sources_check(const struct pst_sources *s, const struct pst_cites *c,
			 const char *file, struct pst_diags *d);

/* Appends the readable citation of src: "Mottola et al. 2018, 2019 Canadian guideline
 * for physical activity throughout pregnancy, Br J Sports Med". */
void pst_source_cite(struct pst_buf *b, const struct pst_source *src);
/* Appends where to find src in words: "doi:10.1136/...", the address, or the reference. */
void pst_source_where(struct pst_buf *b, const struct pst_source *src);
/* Appends the citations of c, each readable with its detail in brackets, joined by
 * "; ". An id missing from s (never, once checked) is written "an unlisted source". */
void pst_cites_text(struct pst_buf *b, const struct pst_sources *s, const struct pst_cites *c);
/* The same as a new string in arena a (NULL when out of memory). */
const char *pst_cites_string(struct pst_arena *a, const struct pst_sources *s,
			     const struct pst_cites *c);

#endif
