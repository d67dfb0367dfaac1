/* The parsers of what a client sends to log in (src/web/authp.c): the login's JSON, the
 * tokens of sessions and invitations, and the page to go back to after a login. Pure
 * functions (jansson only), fuzzed by fuzz/fuzz_login.c. */
#ifndef PST_WEB_AUTHP_H
#define PST_WEB_AUTHP_H

#include <stdbool.h>
#include <stddef.h>

enum {
	WEB_TOKEN_BYTES = 32,             /* a session's or an invitation's token: 256 bits */
	WEB_TOKEN_HEX = 2 * WEB_TOKEN_BYTES, /* as sent: lower-case hex */
	WEB_EMAIL_MAX = 254,
	WEB_PASSWORD_MAX = 1024, /* bytes: longer is refused before any hashing */
	WEB_NEXT_MAX = 1024,
};

/* The body of POST /api/v1/login: {"email": "...", "password": "..."}, nothing else. */
struct web_login_req {
	char email[WEB_EMAIL_MAX + 1];
	char password[WEB_PASSWORD_MAX + 1];
};

/* Parses body (len bytes, not NUL-terminated) into out. False with *field (the member at
 * fault, or NULL for the body as a whole) and msg (size bytes) saying what is wrong:
 * not JSON, not an object, a member missing, not a string, too long, holding a NUL, or
 * a member that is not taken. */
bool web_login_parse(const char *body, size_t len, struct web_login_req *out, const char **field,
		     char *msg, size_t size);

/* A token as a client sends it (n bytes of s): exactly WEB_TOKEN_HEX lower-case hex
 * digits, decoded into raw. False for anything else. */
bool web_token_parse(const char *s, size_t n, unsigned char raw[WEB_TOKEN_BYTES]);
/* raw as lower-case hex into out (WEB_TOKEN_HEX + 1 bytes). */
void web_token_hex(const unsigned char raw[WEB_TOKEN_BYTES], char out[WEB_TOKEN_HEX + 1]);

/* Whether next is a page of this site to go to after logging in: a local path ("/..."
 * but not "//..." nor "/\\..."), printable ASCII without a backslash, at most
 * WEB_NEXT_MAX bytes, not the login page itself. */
bool web_next_ok(const char *next);

#endif
