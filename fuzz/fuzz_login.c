/* libFuzzer harness for what a client sends to log in (src/web/authp.c): the body of
 * POST /api/v1/login, the token of a session cookie or an invitation link, and the page
 * to go back to (next=). Any bytes, checked against the contract of authp.h. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/authp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	/* The login's JSON. */
	struct web_login_req lr;
	const char *field = NULL;
	char msg[200];
	if (web_login_parse(s, size, &lr, &field, msg, sizeof msg)) {
		size_t el = strlen(lr.email), pl = strlen(lr.password);
		if (!el || el > WEB_EMAIL_MAX || !pl || pl > WEB_PASSWORD_MAX || field)
			__builtin_trap();
	} else {
		if (!msg[0] || memchr(msg, '\0', sizeof msg) == NULL || lr.password[0])
			__builtin_trap();
		if (field && strcmp(field, "email") != 0 && strcmp(field, "password") != 0)
			__builtin_trap();
	}
	/* A token: only 64 lower-case hex digits decode, and they encode back the same. */
	unsigned char raw[WEB_TOKEN_BYTES];
	if (web_token_parse(s, size, raw)) {
		char hex[WEB_TOKEN_HEX + 1];
		web_token_hex(raw, hex);
		if (size != WEB_TOKEN_HEX || memcmp(hex, s, size) != 0)
			__builtin_trap();
	}
	/* next=: a local path only. */
	char *t = malloc(size + 1);
	if (!t)
		return 0;
	memcpy(t, data, size);
	t[size] = '\0';
	if (web_next_ok(t)) {
		if (t[0] != '/' || t[1] == '/' || t[1] == '\\' || strchr(t, '\\') ||
		    strlen(t) > WEB_NEXT_MAX)
			__builtin_trap();
		for (const char *p = t; *p; p++)
			if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
				__builtin_trap();
	}
	free(t);
	return 0;
}
