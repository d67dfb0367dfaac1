/* The parsers of what a client sends to log in (authp.h). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "authp.h"

/* Copies a member's string into out (size bytes); false with msg when it is not one. */
static bool member(json_t *o, const char *name, char *out, size_t size, size_t max,
		   const char **field, char *msg, size_t msize)
{
	json_t *v = json_object_get(o, name);
	*field = name;
	if (!v) {
		snprintf(msg, msize, "%s: missing", name);
		return false;
	}
	if (!json_is_string(v)) {
		snprintf(msg, msize, "%s: must be a string", name);
		return false;
	}
	size_t n = json_string_length(v);
	const char *s = json_string_value(v);
	if (n == 0) {
		snprintf(msg, msize, "%s: must not be empty", name);
		return false;
	}
	if (n > max || n >= size) {
		snprintf(msg, msize, "%s: longer than %zu bytes", name, max);
		return false;
	}
	if (memchr(s, '\0', n)) {
		snprintf(msg, msize, "%s: must not hold a NUL character", name);
		return false;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	*field = NULL;
	return true;
}

bool web_login_parse(const char *body, size_t len, struct web_login_req *out, const char **field,
		     char *msg, size_t size)
{
	memset(out, 0, sizeof(*out));
	*field = NULL;
	json_error_t je;
	/* JSON_ALLOW_NUL: a NUL inside a string is seen (and refused) rather than cutting it. */
	json_t *j = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!j) {
		snprintf(msg, size, "malformed JSON at line %d, column %d: %s", je.line, je.column,
			 je.text);
		return false;
	}
	bool ok = false;
	if (!json_is_object(j)) {
		snprintf(msg, size, "the body must be a JSON object {\"email\": ..., \"password\": ...}");
	} else if (member(j, "email", out->email, sizeof out->email, WEB_EMAIL_MAX, field, msg, size) &&
		   member(j, "password", out->password, sizeof out->password, WEB_PASSWORD_MAX, field,
			  msg, size)) {
		const char *key;
		json_t *v;
		ok = true;
		json_object_foreach(j, key, v) {
			if (strcmp(key, "email") != 0 && strcmp(key, "password") != 0) {
				*field = NULL;
				snprintf(msg, size, "'%.40s' is not taken here (only email and password)", key);
				ok = false;
				break;
			}
		}
	}
	json_decref(j);
	if (!ok) {
		/* Nothing of a refused password stays behind. */
		volatile char *p = out->password;
		for (size_t i = 0; i < sizeof out->password; i++)
			p[i] = 0;
	}
	return ok;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool web_token_parse(const char *s, size_t n, unsigned char raw[WEB_TOKEN_BYTES])
{
	if (!s || n != WEB_TOKEN_HEX)
		return false;
	for (size_t i = 0; i < WEB_TOKEN_BYTES; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		raw[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

void web_token_hex(const unsigned char raw[WEB_TOKEN_BYTES], char out[WEB_TOKEN_HEX + 1])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < WEB_TOKEN_BYTES; i++) {
		out[2 * i] = digits[raw[i] >> 4];
		out[2 * i + 1] = digits[raw[i] & 15];
	}
	out[WEB_TOKEN_HEX] = '\0';
}

bool web_next_ok(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return false;
	size_t n = strlen(next);
	if (n > WEB_NEXT_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)next[i];
		if (c < 0x21 || c > 0x7e || c == '\\')
			return false;
	}
	size_t path = strcspn(next, "?#");
	return !(path == 6 && strncmp(next, "/login", 6) == 0);
}
