/* Schema-checked reading of YAML documents on top of libyaml's document loader. */
#include "yamlx.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int line_of(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 1;
}

static int col_of(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.column + 1 : 1;
}

void pst_yaml_error(struct pst_yaml *y, const yaml_node_t *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pst_diag_vadd(y->diags, y->file, line_of(at), col_of(at), fmt, ap);
	va_end(ap);
	y->errors++;
}

int pst_yaml_open(struct pst_yaml *y, const char *file, const unsigned char *data, size_t len,
		  struct pst_arena *a, struct pst_diags *d)
{
	memset(y, 0, sizeof(*y));
	y->file = file;
	y->arena = a;
	y->diags = d;

	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		pst_diag_add(d, file, 0, 0, "out of memory");
		return PST_ENOMEM;
	}
	yaml_parser_set_input_string(&p, data, len);
	int err = PST_OK;
	if (!yaml_parser_load(&p, &y->doc)) {
		/* The context (the key or list being read) is where the mistake usually is. */
		const yaml_mark_t *m = p.context ? &p.context_mark : &p.problem_mark;
		if (p.context)
			pst_diag_add(d, file, (int)m->line + 1, (int)m->column + 1,
				     "malformed YAML: %s %s", p.problem ? p.problem : "error",
				     p.context);
		else
			pst_diag_add(d, file, (int)m->line + 1, (int)m->column + 1,
				     "malformed YAML: %s", p.problem ? p.problem : "error");
		y->errors++;
		err = PST_EDATA;
		goto out;
	}
	y->loaded = true;
	if (!yaml_document_get_root_node(&y->doc)) {
		pst_diag_add(d, file, 1, 1, "the file is empty");
		y->errors++;
		err = PST_EDATA;
		goto out;
	}
	/* A second document would be silently ignored: reject it instead. */
	yaml_document_t extra;
	if (!yaml_parser_load(&p, &extra)) {
		const yaml_mark_t *m = &p.problem_mark;
		pst_diag_add(d, file, (int)m->line + 1, (int)m->column + 1, "malformed YAML: %s",
			     p.problem ? p.problem : "error");
		y->errors++;
		err = PST_EDATA;
		goto out;
	}
	yaml_node_t *r2 = yaml_document_get_root_node(&extra);
	if (r2) {
		pst_diag_add(d, file, (int)r2->start_mark.line + 1, (int)r2->start_mark.column + 1,
			     "only one YAML document is allowed per file");
		y->errors++;
		err = PST_EDATA;
	}
	yaml_document_delete(&extra);
out:
	yaml_parser_delete(&p);
	return err;
}

void pst_yaml_close(struct pst_yaml *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = false;
}

yaml_node_t *pst_yaml_root(struct pst_yaml *y)
{
	return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

yaml_node_t *pst_yaml_get(struct pst_yaml *y, int index)
{
	return yaml_document_get_node(&y->doc, index);
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

bool pst_yaml_is_null(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = scalar(n);
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0;
}

static const char *type_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE: return "a single value";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "empty";
	}
}

bool pst_yaml_map(struct pst_yaml *y, yaml_node_t *node, const char *ctx,
		  const struct pst_yfield *fields, size_t nfields, yaml_node_t **vals)
{
	for (size_t i = 0; i < nfields; i++)
		vals[i] = NULL;
	if (!node || node->type != YAML_MAPPING_NODE) {
		if (*ctx)
			pst_yaml_error(y, node, "%s must be a mapping of fields, not %s", ctx,
				       node ? type_name(node) : "empty");
		else
			pst_yaml_error(y, node, "the file must be a mapping of fields, not %s",
				       node ? type_name(node) : "empty");
		return false;
	}
	const char *dot = *ctx ? "." : "";
	for (yaml_node_pair_t *pr = node->data.mapping.pairs.start;
	     pr < node->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = pst_yaml_get(y, pr->key);
		yaml_node_t *v = pst_yaml_get(y, pr->value);
		if (!k || k->type != YAML_SCALAR_NODE) {
			pst_yaml_error(y, k, "a field name must be a plain word");
			continue;
		}
		size_t i;
		for (i = 0; i < nfields; i++)
			if (strcmp(fields[i].name, scalar(k)) == 0)
				break;
		if (i == nfields) {
			pst_yaml_error(y, k, "unknown field '%s%s%s'", ctx, dot, scalar(k));
			continue;
		}
		if (vals[i]) {
			pst_yaml_error(y, k, "field '%s%s%s' is given twice", ctx, dot, scalar(k));
			continue;
		}
		vals[i] = v;
	}
	for (size_t i = 0; i < nfields; i++)
		if (fields[i].required && !vals[i])
			pst_yaml_error(y, node, "missing required field '%s%s%s'", ctx, dot,
				       fields[i].name);
	return true;
}

const char *pst_yaml_str(struct pst_yaml *y, yaml_node_t *n, const char *field)
{
	if (n->type != YAML_SCALAR_NODE) {
		pst_yaml_error(y, n, "%s must be text, not %s", field, type_name(n));
		return NULL;
	}
	if (pst_yaml_is_null(n) || n->data.scalar.length == 0) {
		pst_yaml_error(y, n, "%s must not be empty", field);
		return NULL;
	}
	if (strlen(scalar(n)) != n->data.scalar.length) {
		pst_yaml_error(y, n, "%s contains a NUL character", field);
		return NULL;
	}
	const char *s = pst_arena_strndup(y->arena, scalar(n), n->data.scalar.length);
	if (!s)
		pst_yaml_error(y, n, "out of memory");
	return s;
}

static bool valid_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > PST_ID_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

const char *pst_yaml_id(struct pst_yaml *y, yaml_node_t *n, const char *ext)
{
	const char *id = pst_yaml_str(y, n, "id");
	if (!id)
		return NULL;
	if (!valid_id(id)) {
		pst_yaml_error(y, n, "id '%s' must be lower-case letters, digits and dashes (at most %d)",
			       id, PST_ID_MAX);
		return NULL;
	}
	if (ext) {
		const char *b = strrchr(y->file, '/');
		b = b ? b + 1 : y->file;
		size_t l = strlen(id);
		if (strncmp(b, id, l) != 0 || strcmp(b + l, ext) != 0)
			pst_yaml_error(y, n, "id '%s' does not match the file name (expected %s%s)", id,
				       id, ext);
	}
	return id;
}

bool pst_yaml_bool(struct pst_yaml *y, yaml_node_t *n, const char *field, bool *out)
{
	if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (strcmp(scalar(n), "true") == 0) {
			*out = true;
			return true;
		}
		if (strcmp(scalar(n), "false") == 0) {
			*out = false;
			return true;
		}
	}
	pst_yaml_error(y, n, "%s must be true or false", field);
	return false;
}

/* Parses a whole decimal number in s[0..len); false on anything else. */
static bool parse_num(const char *s, size_t len, long *out)
{
	if (len == 0 || len > 9)
		return false;
	long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static const char *trim(const char *s, size_t *len)
{
	while (*len && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		(*len)--;
	return s;
}

bool pst_yaml_int(struct pst_yaml *y, yaml_node_t *n, const char *field, int lo, int hi,
		  int *out)
{
	long v;
	if (n->type != YAML_SCALAR_NODE ||
	    !parse_num(scalar(n), n->data.scalar.length, &v)) {
		pst_yaml_error(y, n, "%s must be a whole number", field);
		return false;
	}
	if (v < lo || v > hi) {
		pst_yaml_error(y, n, "%s: %ld is out of range %d-%d", field, v, lo, hi);
		return false;
	}
	*out = (int)v;
	return true;
}

bool pst_yaml_range(struct pst_yaml *y, yaml_node_t *n, const char *field, int lo, int hi,
		    struct pst_range *out)
{
	if (n->type != YAML_SCALAR_NODE)
		goto bad;
	const char *s = scalar(n);
	size_t len = n->data.scalar.length;
	const char *dash = memchr(s, '-', len);
	long a, b;
	if (dash) {
		size_t la = (size_t)(dash - s), lb = len - la - 1;
		const char *pa = trim(s, &la), *pb = trim(dash + 1, &lb);
		if (!parse_num(pa, la, &a) || !parse_num(pb, lb, &b))
			goto bad;
	} else {
		size_t l = len;
		const char *p = trim(s, &l);
		if (!parse_num(p, l, &a))
			goto bad;
		b = a;
	}
	if (a < lo || b > hi || a > hi || b < lo) {
		pst_yaml_error(y, n, "%s: %s is out of range %d-%d", field, s, lo, hi);
		return false;
	}
	if (a > b) {
		pst_yaml_error(y, n, "%s: the low end %ld is above the high end %ld", field, a, b);
		return false;
	}
	out->lo = (int)a;
	out->hi = (int)b;
	return true;
bad:
	pst_yaml_error(y, n, "%s must be a number or a range like 8-10", field);
	return false;
}

int pst_yaml_enum(struct pst_yaml *y, yaml_node_t *n, const char *field,
		  const struct pst_vocab *v)
{
	char allowed[256];
	if (n->type == YAML_SCALAR_NODE) {
		int i = pst_vocab_find(v, scalar(n));
		if (i >= 0)
			return i;
		pst_yaml_error(y, n, "%s: '%s' is not one of %s", field, scalar(n),
			       pst_vocab_list(v, allowed, sizeof allowed));
		return -1;
	}
	pst_yaml_error(y, n, "%s must be one of %s", field,
		       pst_vocab_list(v, allowed, sizeof allowed));
	return -1;
}

bool pst_yaml_mask(struct pst_yaml *y, yaml_node_t *n, const char *field,
		   const struct pst_vocab *v, unsigned *out)
{
	*out = 0;
	if (pst_yaml_is_null(n))
		return true;
	if (n->type != YAML_SEQUENCE_NODE) {
		pst_yaml_error(y, n, "%s must be a list like [a, b]", field);
		return false;
	}
	bool ok = true;
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = pst_yaml_get(y, *it);
		int i = pst_yaml_enum(y, e, field, v);
		if (i < 0) {
			ok = false;
			continue;
		}
		if (*out & PST_BIT(i)) {
			pst_yaml_error(y, e, "%s: '%s' is listed twice", field, v->words[i]);
			ok = false;
		}
		*out |= PST_BIT(i);
	}
	return ok;
}

bool pst_yaml_list_len(struct pst_yaml *y, yaml_node_t *n, const char *field, size_t min,
		       const char *noun, size_t *count)
{
	*count = 0;
	if (!pst_yaml_is_null(n)) {
		if (n->type != YAML_SEQUENCE_NODE) {
			pst_yaml_error(y, n, "%s must be a list", field);
			return false;
		}
		*count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	}
	if (*count < min) {
		pst_yaml_error(y, n, "%s needs at least %zu %s%s", field, min, noun,
			       min == 1 ? "" : "s");
		return false;
	}
	return true;
}

bool pst_yaml_strv(struct pst_yaml *y, yaml_node_t *n, const char *field, size_t min,
		   struct pst_strv *out)
{
	out->v = NULL;
	out->n = 0;
	size_t count;
	if (!pst_yaml_list_len(y, n, field, min, "item", &count))
		return false;
	if (count == 0)
		return true;
	out->v = pst_arena_alloc(y->arena, count * sizeof(*out->v));
	if (!out->v) {
		pst_yaml_error(y, n, "out of memory");
		return false;
	}
	bool ok = true;
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++) {
		const char *s = pst_yaml_str(y, pst_yaml_get(y, *it), field);
		if (!s)
			ok = false;
		else
			out->v[out->n++] = s;
	}
	return ok;
}
