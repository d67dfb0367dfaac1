/* libFuzzer harness for the request head's checker (src/web/head.c): any bytes, checked
 * against its contract. A verdict of a prefix never contradicts the whole: a head
 * refused is refused as soon as its bytes show it (never after more bytes came), a head
 * taken is never refused or taken early, and bytes after a whole head change nothing. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_one(const char *p, size_t n, const struct web_head *h, enum web_head_verdict v)
{
	if (v == HEAD_OK) {
		if (h->head_len < 4 || h->head_len > n || memcmp(p + h->head_len - 4, "\r\n\r\n", 4) != 0 ||
		    h->body_len > WEB_BODY_MAX || (h->chunked && h->body_len) ||
		    h->headers > WEB_HEADERS_MAX || h->head_len > WEB_HEAD_MAX + 2 * n)
			__builtin_trap();
	} else if (v == HEAD_BAD) {
		unsigned s = h->status;
		if ((s != 400 && s != 413 && s != 414 && s != 431 && s != 505) || !h->code ||
		    !h->msg[0] || !memchr(h->msg, '\0', sizeof h->msg))
			__builtin_trap();
	} else if (v != HEAD_MORE) {
		__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct web_head h, h2;
	enum web_head_verdict v = web_head_check(p, size, &h);
	check_one(p, size, &h, v);
	/* Prefixes: none may be taken, and none refused unless the whole is. */
	size_t cut[] = {size / 2, size ? size - 1 : 0};
	size_t end = v == HEAD_OK ? h.head_len : size;
	for (size_t i = 0; i < 2; i++) {
		if (cut[i] >= end)
			continue;
		enum web_head_verdict pv = web_head_check(p, cut[i], &h2);
		check_one(p, cut[i], &h2, pv);
		if (pv == HEAD_OK)
			__builtin_trap();
		if (pv == HEAD_BAD && v != HEAD_BAD)
			__builtin_trap();
	}
	/* Bytes after a whole head are the body or the next request: the verdict stands (a
	 * refusal may then name another fault, but stays a refusal). */
	if (v == HEAD_OK || v == HEAD_BAD) {
		char *more = malloc(size + 8);
		if (!more)
			return 0;
		memcpy(more, p, size);
		memcpy(more + size, "\x01X\r\n\n \0", 8);
		enum web_head_verdict mv = web_head_check(more, size + 8, &h2);
		if (mv != v || (v == HEAD_OK && (h2.head_len != h.head_len || h2.body_len != h.body_len)))
			__builtin_trap();
		free(more);
	}
	return 0;
}
