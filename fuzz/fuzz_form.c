/* libFuzzer harness for the form and query-string decoder (src/web/form.c): any bytes,
 * checked against the contract of form.h, and re-encoded to decode the same again. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/html.h"
#include "web/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_field(const struct pst_form_field *f)
{
	size_t kl = strlen(f->key), vl = strlen(f->value);
	if (!kl || kl > PST_FORM_MAX_KEY || vl != f->value_len || vl > PST_FORM_MAX_VALUE ||
	    !pst_utf8_valid(f->key, kl) || !pst_utf8_valid(f->value, vl))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pst_form f;
	size_t where = 0;
	enum pst_form_err e = pst_form_parse((const char *)data, size, &f, &where);
	if (e) {
		if (f.n || f.mem || (size && where > size))
			__builtin_trap();
		pst_form_free(&f);
		return 0;
	}
	if (f.n > PST_FORM_MAX_FIELDS)
		__builtin_trap();
	/* Encode what was decoded; it must decode to the same fields. */
	struct pst_buf b;
	pst_buf_init(&b, 4 * size + 64);
	for (size_t i = 0; i < f.n; i++) {
		check_field(&f.v[i]);
		if (pst_form_get(&f, f.v[i].key) == NULL)
			__builtin_trap();
		pst_buf_puts(&b, i ? "&" : "");
		pst_html_url(&b, f.v[i].key);
		pst_buf_puts(&b, "=");
		pst_html_url(&b, f.v[i].value);
	}
	struct pst_form g;
	if (!b.failed && b.len <= PST_FORM_MAX_INPUT) {
		if (pst_form_parse(b.s ? b.s : "", b.len, &g, NULL) != PST_FORM_OK || g.n != f.n)
			__builtin_trap();
		for (size_t i = 0; i < f.n; i++)
			if (strcmp(f.v[i].key, g.v[i].key) || strcmp(f.v[i].value, g.v[i].value))
				__builtin_trap();
		pst_form_free(&g);
	}
	char joined[256];
	if (f.n)
		(void)pst_form_join(&f, f.v[0].key, joined, sizeof joined);
	pst_buf_free(&b);
	pst_form_free(&f);
	return 0;
}
