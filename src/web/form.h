/*
 * Decoding of application/x-www-form-urlencoded bodies and URL query strings: one
 * parser for both, with hard limits, fuzzed (fuzz/fuzz_form.c). It never allocates
 * more than the input's length plus a fixed table.
 */
#ifndef PST_WEB_FORM_H
#define PST_WEB_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/utf8.h" /* pst_utf8_valid */

/* Limits: a form of postura has fewer than 40 fields; the longest value is a note. */
enum {
	PST_FORM_MAX_FIELDS = 64,
	PST_FORM_MAX_KEY = 64,     /* bytes, decoded */
	PST_FORM_MAX_VALUE = 4096, /* bytes, decoded */
	PST_FORM_MAX_INPUT = 64 * 1024
};

struct pst_form_field {
	const char *key, *value; /* decoded, NUL-terminated, inside the form's own copy */
	size_t value_len;
};

struct pst_form {
	char *mem; /* one block holding every decoded key and value */
	struct pst_form_field v[PST_FORM_MAX_FIELDS];
	size_t n;
};

enum pst_form_err {
	PST_FORM_OK = 0,
	PST_FORM_ENOMEM,
	PST_FORM_ETOOBIG,   /* input, a key or a value over its limit, or too many fields */
	PST_FORM_EENCODING, /* a bad %XX escape, a NUL byte, invalid UTF-8, or an empty key */
};

/*
 * Decodes s (len bytes; "a=1&b=x+y%21"; a leading '?' is not part of it) into f: '+'
 * is a space, %XX a byte; a field without '=' has the empty value; empty pieces ("&&")
 * are skipped. The result must be valid UTF-8 without NUL bytes. On error f is empty
 * and, when where is not NULL, *where is the offset in s of the problem. Free with
 * pst_form_free (also after an error).
 */
enum pst_form_err pst_form_parse(const char *s, size_t len, struct pst_form *f, size_t *where);
void pst_form_free(struct pst_form *f);
const char *pst_form_strerror(enum pst_form_err e);

/* The first value of key, or NULL. */
const char *pst_form_get(const struct pst_form *f, const char *key);
/* How many fields have this key. */
size_t pst_form_count(const struct pst_form *f, const char *key);

/*
 * Joins every value of key with commas into buf (size bytes; checkboxes send one field
 * per ticked box). Returns false when it does not fit or a value holds a comma.
 */
bool pst_form_join(const struct pst_form *f, const char *key, char *buf, size_t size);


#endif
