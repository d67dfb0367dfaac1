/* The table of sources: loading and checking data/sources.yaml, checking citations
 * against it, and writing a citation the way a person reads it. */
#include "sources.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "yamlx.h"

const char *const pst_source_kind_words[PST_SRC__MAX] = {
	[PST_SRC_GUIDELINE] = "guideline", [PST_SRC_STUDY] = "study",
	[PST_SRC_REVIEW] = "review",       [PST_SRC_ARTICLE] = "article",
	[PST_SRC_LEAFLET] = "leaflet",     [PST_SRC_WEBPAGE] = "web-page",
	[PST_SRC_PRACTICE] = "practice",
};

static const struct pst_vocab kind_vocab = {"kind", pst_source_kind_words, PST_SRC__MAX};

enum {
	F_ID, F_TITLE, F_AUTHOR, F_CITE_AS, F_YEAR, F_KIND, F_IN, F_DOI, F_URL, F_REFERENCE,
	F_FILE, F_NOTE, F__MAX
};

static const struct pst_yfield src_fields[F__MAX] = {
	[F_ID] = {"id", true},
	[F_TITLE] = {"title", true},
	[F_AUTHOR] = {"author", true},
	[F_CITE_AS] = {"cite_as", false},
	[F_YEAR] = {"year", true},
	[F_KIND] = {"kind", true},
	[F_IN] = {"in", false},
	[F_DOI] = {"doi", false},
	[F_URL] = {"url", false},
	[F_REFERENCE] = {"reference", false},
	[F_FILE] = {"file", false},
	[F_NOTE] = {"note", false},
};

enum { T_SOURCES, T__MAX };
static const struct pst_yfield top_fields[T__MAX] = {
	[T_SOURCES] = {"sources", true},
};

static bool valid_year(const char *s)
{
	if (strcmp(s, "n.d.") == 0)
		return true;
	if (strlen(s) != 4)
		return false;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	int y = atoi(s);
	return y >= 1900 && y <= 2100;
}

static bool read_source(struct pst_yaml *y, yaml_node_t *node, struct pst_source *s)
{
	size_t before = y->errors;
	if (node->type != YAML_MAPPING_NODE) {
		pst_yaml_error(y, node, "each source must be a mapping of fields");
		return false;
	}
	yaml_node_t *v[F__MAX];
	pst_yaml_map(y, node, "", src_fields, F__MAX, v);
	s->line = (int)node->start_mark.line + 1;
	if (v[F_ID]) {
		s->id = pst_yaml_id(y, v[F_ID], NULL);
		s->line = (int)v[F_ID]->start_mark.line + 1;
	}
	const char **text[F__MAX] = {
		[F_TITLE] = &s->title, [F_AUTHOR] = &s->author, [F_CITE_AS] = &s->cite_as,
		[F_YEAR] = &s->year,   [F_IN] = &s->in,         [F_DOI] = &s->doi,
		[F_URL] = &s->url,     [F_REFERENCE] = &s->reference, [F_FILE] = &s->file,
		[F_NOTE] = &s->note,
	};
	for (int f = 0; f < F__MAX; f++)
		if (text[f] && v[f])
			*text[f] = pst_yaml_str(y, v[f], src_fields[f].name);
	if (s->year && !valid_year(s->year))
		pst_yaml_error(y, v[F_YEAR], "year '%s' must be four digits (1900-2100) or n.d.",
			       s->year);
	if (v[F_KIND]) {
		int k = pst_yaml_enum(y, v[F_KIND], "kind", &kind_vocab);
		s->kind = k < 0 ? PST_SRC_ARTICLE : (enum pst_source_kind)k;
	}
	if (s->doi && strncmp(s->doi, "10.", 3) != 0)
		pst_yaml_error(y, v[F_DOI], "doi '%s' must start with 10. (write it without doi: or https://doi.org/)",
			       s->doi);
	if (s->url && strncmp(s->url, "https://", 8) != 0 && strncmp(s->url, "http://", 7) != 0)
		pst_yaml_error(y, v[F_URL], "url '%s' must start with https:// or http://", s->url);
	if (v[F_KIND] && s->kind != PST_SRC_PRACTICE && !v[F_DOI] && !v[F_URL] && !v[F_REFERENCE])
		pst_yaml_error(y, node, "source '%s' needs where to find it: doi, url or reference",
			       s->id ? s->id : "?");
	return y->errors == before;
}

int pst_sources_load(const struct pst_blob *file, struct pst_sources **out,
		     struct pst_diags *d)
{
	*out = NULL;
	struct pst_sources *s = calloc(1, sizeof(*s));
	if (!s)
		return PST_ENOMEM;
	int err = PST_ENOMEM;
	struct pst_yaml y = {0};
	s->arena = pst_arena_new();
	if (!s->arena || !(s->file = pst_arena_strdup(s->arena, file->name)))
		goto out;
	err = pst_yaml_open(&y, s->file, file->data, file->len, s->arena, d);
	if (err)
		goto out;
	yaml_node_t *v[T__MAX];
	if (!pst_yaml_map(&y, pst_yaml_root(&y), "", top_fields, T__MAX, v) || !v[T_SOURCES])
		goto check;
	yaml_node_t *list = v[T_SOURCES];
	if (list->type != YAML_SEQUENCE_NODE) {
		pst_yaml_error(&y, list, "sources must be a list");
		goto check;
	}
	size_t count = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
	if (count == 0) {
		pst_yaml_error(&y, list, "sources needs at least 1 item");
		goto check;
	}
	s->v = pst_arena_alloc(s->arena, count * sizeof(*s->v));
	if (!s->v)
		goto out;
	for (yaml_node_item_t *it = list->data.sequence.items.start;
	     it < list->data.sequence.items.top; it++) {
		struct pst_source src = {0};
		bool ok = read_source(&y, pst_yaml_get(&y, *it), &src);
		if (!src.id)
			continue;
		const struct pst_source *first = pst_sources_find(s, src.id);
		if (first) {
			pst_diag_add(d, s->file, src.line, 1,
				     "duplicate id '%s' (first defined at line %d)", src.id, first->line);
			y.errors++;
		} else if (ok) {
			s->v[s->n++] = src;
		}
	}
check:
	err = y.errors ? PST_EDATA : PST_OK;
out:
	pst_yaml_close(&y);
	if (err) {
		pst_diags_sort(d);
		pst_sources_free(s);
		return err;
	}
	*out = s;
	return PST_OK;
}

void pst_sources_free(struct pst_sources *s)
{
	if (!s)
		return;
	pst_arena_free(s->arena);
	free(s);
}

const struct pst_source *pst_sources_find(const struct pst_sources *s, const char *id)
{
	for (size_t i = 0; s && id && i < s->n; i++)
		if (strcmp(s->v[i].id, id) == 0)
			return &s->v[i];
	return NULL;
}

static const char *closest(const struct pst_sources *s, const char *id)
{
	const char *best = NULL;
	int bestd = 0;
	for (size_t i = 0; i < s->n; i++) {
		int dist = pst_edit_distance(id, s->v[i].id);
		if (strlen(id) >= 4 && strstr(s->v[i].id, id))
			dist = dist < 2 ? dist : 2;
		if (!best || dist < bestd) {
			best = s->v[i].id;
			bestd = dist;
		}
	}
	size_t l = strlen(id);
	int limit = l < 9 ? 2 : (int)(l / 3);
	return best && bestd <= limit ? best : NULL;
}

size_t pst_sources_check(const struct pst_sources *s, const struct pst_cites *c,
			 const char *file, struct pst_diags *d)
{
	size_t bad = 0;
	for (size_t i = 0; c && i < c->n; i++) {
		const struct pst_cite *ct = &c->v[i];
		if (pst_sources_find(s, ct->id))
			continue;
		const char *near = closest(s, ct->id);
		if (near)
			pst_diag_add(d, file, ct->line, ct->col,
				     "source '%s' is not in the table of sources (did you mean '%s'?)",
				     ct->id, near);
		else
			pst_diag_add(d, file, ct->line, ct->col,
				     "source '%s' is not in the table of sources (data/sources.yaml)",
				     ct->id);
		bad++;
	}
	return bad;
}

void pst_source_cite(struct pst_buf *b, const struct pst_source *src)
{
	pst_buf_printf(b, "%s %s, %s", src->cite_as ? src->cite_as : src->author, src->year,
		       src->title);
	if (src->in)
		pst_buf_printf(b, ", %s", src->in);
}

void pst_source_where(struct pst_buf *b, const struct pst_source *src)
{
	const char *sep = "";
	if (src->reference) {
		pst_buf_puts(b, src->reference);
		sep = "; ";
	}
	if (src->doi) {
		pst_buf_printf(b, "%sdoi:%s", sep, src->doi);
		sep = "; ";
	}
	if (src->url)
		pst_buf_printf(b, "%s%s", sep, src->url);
}

void pst_cites_text(struct pst_buf *b, const struct pst_sources *s, const struct pst_cites *c)
{
	for (size_t i = 0; c && i < c->n; i++) {
		const struct pst_source *src = pst_sources_find(s, c->v[i].id);
		if (i)
			pst_buf_puts(b, "; ");
		if (src)
			pst_source_cite(b, src);
		else
			pst_buf_puts(b, "an unlisted source");
		if (c->v[i].detail)
			pst_buf_printf(b, " (%s)", c->v[i].detail);
	}
}

const char *pst_cites_string(struct pst_arena *a, const struct pst_sources *s,
			     const struct pst_cites *c)
{
	struct pst_buf b;
	pst_buf_init(&b, 64 * 1024);
	pst_cites_text(&b, s, c);
	const char *r = b.failed ? NULL : pst_arena_strdup(a, b.s ? b.s : "");
	pst_buf_free(&b);
	return r;
}

/* --- citations in data files ---------------------------------------------------- */

enum { C_ID, C_DETAIL, C__MAX };
static const struct pst_yfield cite_fields[C__MAX] = {
	[C_ID] = {"id", true},
	[C_DETAIL] = {"detail", false},
};

bool pst_yaml_cites(struct pst_yaml *y, yaml_node_t *n, const char *field, size_t min,
		    struct pst_cites *out)
{
	out->v = NULL;
	out->n = 0;
	if (n->type == YAML_SCALAR_NODE && !pst_yaml_is_null(n)) {
		pst_yaml_error(y, n,
			       "%s must be a list of source ids from data/sources.yaml (each an id, or {id: ..., detail: ...}), not text",
			       field);
		return false;
	}
	size_t count;
	if (!pst_yaml_list_len(y, n, field, min, "source", &count))
		return false;
	if (count == 0)
		return true;
	struct pst_cite *v = pst_arena_alloc(y->arena, count * sizeof(*v));
	if (!v) {
		pst_yaml_error(y, n, "out of memory");
		return false;
	}
	bool ok = true;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = pst_yaml_get(y, *it);
		struct pst_cite c = {.line = (int)item->start_mark.line + 1,
				     .col = (int)item->start_mark.column + 1};
		if (item->type == YAML_MAPPING_NODE) {
			yaml_node_t *f[C__MAX];
			pst_yaml_map(y, item, field, cite_fields, C__MAX, f);
			if (f[C_ID]) {
				c.id = pst_yaml_id(y, f[C_ID], NULL);
				c.line = (int)f[C_ID]->start_mark.line + 1;
				c.col = (int)f[C_ID]->start_mark.column + 1;
			}
			if (f[C_DETAIL])
				c.detail = pst_yaml_str(y, f[C_DETAIL], "detail");
		} else {
			c.id = pst_yaml_id(y, item, NULL);
		}
		if (!c.id)
			ok = false;
		else
			v[out->n++] = c;
	}
	out->v = v;
	return ok;
}
