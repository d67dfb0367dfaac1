/*
 * The request head (request line and header lines) as a client sent it, checked before
 * libmicrohttpd sees any of it (gate.c): what is refused, and why, is in docs/web.md
 * ("Requests"). Pure: bytes in, a verdict out (fuzz/fuzz_head.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static bool tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A byte of a field value: visible ASCII, space, tab, or any byte of 0x80 and above
 * (obs-text, e.g. UTF-8). */
static bool vchar(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

__attribute__((format(printf, 4, 5))) static enum web_head_verdict
bad(struct web_head *h, unsigned status, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->msg, sizeof h->msg, fmt, ap);
	va_end(ap);
	h->status = status;
	h->code = code;
	return HEAD_BAD;
}

/* A header's name as sent, printable ASCII only, cut short, for a message. */
static void name_of(char *out, size_t size, const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < size; i++)
		out[k++] = s[i] >= 0x21 && s[i] <= 0x7e ? s[i] : '?';
	out[k] = '\0';
}

static bool is_header(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

/* The longest request line: a target of WEB_URI_MAX, a method and the version. */
enum { REQ_LINE_MAX = WEB_URI_MAX + 64 };

/* The request line: METHOD SP TARGET SP HTTP/1.x, its CR LF already cut off. */
static enum web_head_verdict request_line(const char *s, size_t n, struct web_head *h)
{
	if (n > REQ_LINE_MAX)
		return bad(h, 414, "uri-too-long", "the address is longer than %d bytes", WEB_URI_MAX);
	size_t i = 0;
	while (i < n && tchar((unsigned char)s[i]))
		i++;
	if (i == 0 || i >= n || s[i] != ' ')
		return bad(h, 400, "malformed", "the request line must be a method, a target and the HTTP version, one space between each");
	size_t t0 = ++i;
	while (i < n && (unsigned char)s[i] > 0x20 && s[i] != 0x7f)
		i++;
	size_t tn = i - t0;
	if (tn && s[t0] == '/' && tn >= 5 && strncmp(s + t0, "/api/", 5) == 0)
		h->api = true;
	if (tn == 0 || i >= n || s[i] != ' ')
		return bad(h, 400, "malformed",
			   "the request line must be a method, a target and the HTTP version, one "
			   "space between each and no control characters");
	if (tn > WEB_URI_MAX)
		return bad(h, 414, "uri-too-long", "the address is longer than %d bytes", WEB_URI_MAX);
	const char *v = s + i + 1;
	size_t vn = n - i - 1;
	if (vn == 8 && (strncmp(v, "HTTP/1.1", 8) == 0 || strncmp(v, "HTTP/1.0", 8) == 0)) {
		h->http11 = v[7] == '1';
		return HEAD_OK;
	}
	/* HTTP/2.0, HTTP/3, HTTP/1.2: a version we do not speak; anything else is no HTTP. */
	size_t d = 5;
	while (d < vn && d < 12 && ((v[d] >= '0' && v[d] <= '9') || (v[d] == '.' && d > 5)))
		d++;
	if (vn > 5 && vn <= 12 && strncmp(v, "HTTP/", 5) == 0 && d == vn && v[5] != '.' &&
	    v[vn - 1] != '.')
		return bad(h, 505, "http-version", "this server speaks HTTP versions 1.1 and 1.0 only");
	return bad(h, 400, "malformed", "the request line must end in the HTTP version (1.1 or 1.0)");
}

/* The value of a header: leading and trailing spaces and tabs taken off. */
static void trim(const char **v, size_t *n)
{
	while (*n && (**v == ' ' || **v == '\t')) {
		(*v)++;
		(*n)--;
	}
	while (*n && ((*v)[*n - 1] == ' ' || (*v)[*n - 1] == '\t'))
		(*n)--;
}

enum web_head_verdict web_head_check(const char *p, size_t n, struct web_head *h)
{
	memset(h, 0, sizeof *h);
	size_t pos = 0;
	/* A client may send empty lines before a request (RFC 9112, 2.2). */
	while (pos + 1 < n && p[pos] == '\r' && p[pos + 1] == '\n')
		pos += 2;
	if (pos >= n)
		return HEAD_MORE;
	if (p[pos] == '\n')
		return bad(h, 400, "malformed", "the request starts with a bare LF: HTTP lines end in CR LF");
	size_t line0 = pos;
	const char *lf = memchr(p + pos, '\n', n - pos);
	if (!lf) {
		/* Not all there yet: refuse at once what can already be seen to be wrong. */
		for (size_t i = pos; i < n; i++) {
			unsigned char c = (unsigned char)p[i];
			if (c == '\r' ? i + 1 < n : (c < 0x20 || c == 0x7f))
				return bad(h, 400, "malformed",
					   "the request line holds a control character");
		}
		const char *sp = memchr(p + pos, ' ', n - pos);
		h->api = sp && (size_t)(p + n - sp) > 5 && strncmp(sp + 1, "/api/", 5) == 0;
		if (n - pos - (p[n - 1] == '\r') > REQ_LINE_MAX)
			return bad(h, 414, "uri-too-long", "the address is longer than %d bytes",
				   WEB_URI_MAX);
		return HEAD_MORE;
	}
	size_t end = (size_t)(lf - p);
	if (end == pos || p[end - 1] != '\r')
		return bad(h, 400, "malformed",
			   "the request line ends in a bare LF: HTTP lines end in CR LF");
	enum web_head_verdict v = request_line(p + pos, end - 1 - pos, h);
	if (v != HEAD_OK)
		return v;
	pos = end + 1;
	int hosts = 0, clens = 0, tes = 0, line = 1;
	const char *clen = NULL, *te = NULL;
	size_t clen_n = 0, te_n = 0;
	for (;;) {
		line++;
		lf = memchr(p + pos, '\n', n - pos);
		if (!lf) {
			/* What has come of this line so far must already be right. */
			for (size_t i = pos; i < n; i++) {
				unsigned char c = (unsigned char)p[i];
				if (c == '\r' ? i + 1 < n : !vchar(c))
					return bad(h, 400, "malformed",
						   "line %d of the request holds a control character", line);
			}
			if (n - line0 > WEB_HEAD_MAX)
				return bad(h, 431, "headers-too-large",
					   "the request line and headers are longer than %d bytes",
					   WEB_HEAD_MAX);
			return HEAD_MORE;
		}
		end = (size_t)(lf - p);
		if (end + 1 - line0 > WEB_HEAD_MAX)
			return bad(h, 431, "headers-too-large",
				   "the request line and headers are longer than %d bytes", WEB_HEAD_MAX);
		if (end == pos || p[end - 1] != '\r')
			return bad(h, 400, "malformed",
				   "line %d of the request ends in a bare LF: HTTP lines end in CR LF", line);
		const char *s = p + pos;
		size_t sn = end - 1 - pos;
		pos = end + 1;
		if (sn == 0)
			break; /* the blank line: the end of the head */
		if (s[0] == ' ' || s[0] == '\t')
			return bad(h, 400, "malformed",
				   "line %d of the request is folded onto the one before (obsolete)", line);
		if (++h->headers > WEB_HEADERS_MAX)
			return bad(h, 431, "too-many-headers", "more than %d header fields",
				   WEB_HEADERS_MAX);
		size_t k = 0;
		while (k < sn && tchar((unsigned char)s[k]))
			k++;
		if (k == 0 || k >= sn || s[k] != ':')
			return bad(h, 400, "malformed",
				   "line %d of the request is not a header (NAME: value)", line);
		const char *val = s + k + 1;
		size_t vn = sn - k - 1;
		for (size_t i = 0; i < vn; i++)
			if (!vchar((unsigned char)val[i])) {
				char nm[40];
				name_of(nm, sizeof nm, s, k);
				return bad(h, 400, "malformed",
					   "the %s header (line %d) holds a control character", nm, line);
			}
		trim(&val, &vn);
		if (is_header(s, k, "Host")) {
			hosts++;
		} else if (is_header(s, k, "Content-Length")) {
			clens++;
			clen = val;
			clen_n = vn;
		} else if (is_header(s, k, "Transfer-Encoding")) {
			tes++;
			te = val;
			te_n = vn;
		}
	}
	h->head_len = pos;
	/* How the request is framed: one reading only, or two servers could disagree where
	 * it ends (request smuggling). */
	if (h->http11 && hosts == 0)
		return bad(h, 400, "malformed", "a request in HTTP version 1.1 needs a Host header");
	if (hosts > 1)
		return bad(h, 400, "malformed", "more than one Host header");
	if (clens > 1)
		return bad(h, 400, "malformed", "more than one Content-Length header");
	if (tes > 1 || (te && !(te_n == 7 && strncasecmp(te, "chunked", 7) == 0)))
		return bad(h, 400, "malformed", "the only Transfer-Encoding taken is chunked");
	if (te && clen)
		return bad(h, 400, "malformed", "both Transfer-Encoding and Content-Length");
	h->chunked = te != NULL;
	if (clen) {
		size_t i = 0;
		while (i < clen_n && clen[i] >= '0' && clen[i] <= '9')
			i++;
		if (clen_n == 0 || i != clen_n)
			return bad(h, 400, "malformed",
				   "Content-Length must be a plain decimal number of bytes");
		unsigned long long len = 0;
		for (i = 0; i < clen_n && len <= WEB_BODY_MAX; i++)
			len = len * 10 + (unsigned)(clen[i] - '0');
		if (len > WEB_BODY_MAX)
			return bad(h, 413, "too-large", "the body is larger than %d bytes", WEB_BODY_MAX);
		h->body_len = (size_t)len;
	}
	return HEAD_OK;
}

