/* The form and query-string decoder: percent-decoding into one block, with limits. */
#include "form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *pst_form_strerror(enum pst_form_err e)
{
	switch (e) {
	case PST_FORM_OK: return "ok";
	case PST_FORM_ENOMEM: return "out of memory";
	case PST_FORM_ETOOBIG: return "the form is too large";
	case PST_FORM_EENCODING: return "the form is not properly encoded";
	}
	return "?";
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) into out (at most n bytes); returns the decoded length, or -1 with
 * *bad the offset of a broken escape. */
static long decode(const char *s, size_t n, char *out, size_t *bad)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+') {
			out[o++] = ' ';
		} else if (c == '%') {
			if (i + 2 >= n) {
				*bad = i;
				return -1;
			}
			int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
			if (h < 0 || l < 0) {
				*bad = i;
				return -1;
			}
			out[o++] = (char)(h * 16 + l);
			i += 2;
		} else {
			out[o++] = c;
		}
	}
	return (long)o;
}

void pst_form_free(struct pst_form *f)
{
	free(f->mem);
	memset(f, 0, sizeof(*f));
}

enum pst_form_err pst_form_parse(const char *s, size_t len, struct pst_form *f, size_t *where)
{
	memset(f, 0, sizeof(*f));
	size_t dummy;
	if (!where)
		where = &dummy;
	*where = 0;
	if (len > PST_FORM_MAX_INPUT)
		return PST_FORM_ETOOBIG;
	/* Decoding never lengthens: one block of len + a NUL per key and value suffices. */
	f->mem = malloc(len + 2 * PST_FORM_MAX_FIELDS + 2);
	if (!f->mem)
		return PST_FORM_ENOMEM;
	char *out = f->mem;
	size_t pos = 0;
	enum pst_form_err err = PST_FORM_OK;
	while (pos < len) {
		const char *piece = s + pos;
		const char *amp = memchr(piece, '&', len - pos);
		size_t plen = amp ? (size_t)(amp - piece) : len - pos;
		size_t start = pos;
		pos += plen + (amp ? 1 : 0);
		if (plen == 0)
			continue;
		if (f->n == PST_FORM_MAX_FIELDS) {
			*where = start;
			err = PST_FORM_ETOOBIG;
			break;
		}
		const char *eq = memchr(piece, '=', plen);
		size_t klen = eq ? (size_t)(eq - piece) : plen;
		const char *val = eq ? eq + 1 : piece + plen;
		size_t vlen = eq ? plen - klen - 1 : 0;
		size_t bad;
		char *k = out;
		long kl = decode(piece, klen, k, &bad);
		if (kl < 0) {
			*where = start + bad;
			err = PST_FORM_EENCODING;
			break;
		}
		k[kl] = '\0';
		char *v = k + kl + 1;
		long vl = decode(val, vlen, v, &bad);
		if (vl < 0) {
			*where = start + (size_t)(val - piece) + bad;
			err = PST_FORM_EENCODING;
			break;
		}
		v[vl] = '\0';
		if (kl == 0 || !pst_utf8_valid(k, (size_t)kl) || !pst_utf8_valid(v, (size_t)vl)) {
			*where = start;
			err = PST_FORM_EENCODING;
			break;
		}
		if (kl > PST_FORM_MAX_KEY || vl > PST_FORM_MAX_VALUE) {
			*where = start;
			err = PST_FORM_ETOOBIG;
			break;
		}
		f->v[f->n].key = k;
		f->v[f->n].value = v;
		f->v[f->n].value_len = (size_t)vl;
		f->n++;
		out = v + vl + 1;
	}
	if (err) {
		free(f->mem);
		memset(f, 0, sizeof(*f));
	}
	return err;
}

const char *pst_form_get(const struct pst_form *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].key, key) == 0)
			return f->v[i].value;
	return NULL;
}

size_t pst_form_count(const struct pst_form *f, const char *key)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n; i++)
		n += strcmp(f->v[i].key, key) == 0;
	return n;
}

bool pst_form_join(const struct pst_form *f, const char *key, char *buf, size_t size)
{
	size_t used = 0;
	if (!size)
		return false;
	buf[0] = '\0';
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].key, key) != 0)
			continue;
		size_t l = f->v[i].value_len;
		if (memchr(f->v[i].value, ',', l) || used + l + 2 > size)
			return false;
		if (used)
			buf[used++] = ',';
		memcpy(buf + used, f->v[i].value, l);
		used += l;
		buf[used] = '\0';
	}
	return true;
}
