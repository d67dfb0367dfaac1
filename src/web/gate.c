/*
 * The gate: postura accepts connections itself and reads (peeks at) each one's request
 * head before libmicrohttpd sees any of it. A head that is well formed is left where it
 * is, in the socket, and the connection is handed to libmicrohttpd
 * (MHD_add_connection), which reads it as if it had accepted the connection itself. A
 * malformed one gets one reply of ours (the JSON error under /api/, else a page, with
 * every header of our replies) and the connection is closed: libmicrohttpd 0.9.75
 * answers some of them itself, with a bare page and no headers of ours, and a bad
 * Content-Length with its status line twice.
 *
 * One thread, one epoll set: a client that sends its head a byte at a time holds no
 * thread, only a slot here, for WEB_HEADER_TIMEOUT_MS at most.
 */
#define _GNU_SOURCE 1 /* accept4 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* --- the request head ----------------------------------------------------------- */

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

/* The request line: METHOD SP TARGET SP HTTP/1.x, its CR LF already cut off. */
static enum web_head_verdict request_line(const char *s, size_t n, struct web_head *h)
{
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
	if (pos < n && p[pos] == '\n')
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
		if (n - pos > WEB_URI_MAX + 64)
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

/* --- the gate's thread ---------------------------------------------------------- */

enum {
	GATE_PENDING_MAX = 2048, /* connections waiting for their head, at most */
	GATE_PEEK = WEB_HEAD_MAX + 1024,
	GATE_DRAIN_MS = 2000,    /* after a reply, what the client still sends is read this long */
	GATE_EVENTS = 64
};

enum gate_state { G_HEAD, G_WRITE, G_DRAIN };

struct gate_conn {
	int fd;
	enum gate_state state;
	int64_t deadline_ms;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct pst_buf out; /* G_WRITE: our reply */
	size_t sent;
	struct gate_conn *prev, *next;
};

struct web_gate {
	struct web *w;
	int lfd, ep, wake;
	pthread_t thread;
	struct gate_conn *conns;
	size_t n;
	char buf[GATE_PEEK];
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void conn_free(struct web_gate *g, struct gate_conn *c, bool close_fd)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		g->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	g->n--;
	epoll_ctl(g->ep, EPOLL_CTL_DEL, c->fd, NULL);
	if (close_fd)
		close(c->fd);
	pst_buf_free(&c->out);
	free(c);
}

/* Writes what is left of our reply; then shuts our side and reads what the client still
 * sends until it closes (closing with unread bytes would reset the connection, and the
 * client could lose the reply). */
static void conn_write(struct web_gate *g, struct gate_conn *c)
{
	while (c->sent < c->out.len) {
		ssize_t k = send(c->fd, c->out.s + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
		if (k > 0) {
			c->sent += (size_t)k;
		} else if (k < 0 && errno == EINTR) {
			continue;
		} else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return; /* EPOLLOUT brings us back */
		} else {
			conn_free(g, c, true);
			return;
		}
	}
	shutdown(c->fd, SHUT_WR);
	c->state = G_DRAIN;
	c->deadline_ms = now_ms() + GATE_DRAIN_MS;
}

/* Reads (and drops) what the client has sent, a few buffers at most a time: once it is
 * answered, or to be. */
static bool discard(struct web_gate *g, struct gate_conn *c)
{
	for (int i = 0; i < 4; i++) {
		ssize_t k = recv(c->fd, g->buf, sizeof g->buf, MSG_DONTWAIT);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
	return true;
}

static void conn_drain(struct web_gate *g, struct gate_conn *c)
{
	for (int i = 0; i < 16; i++) {
		ssize_t k = recv(c->fd, g->buf, sizeof g->buf, 0);
		if (k > 0)
			continue;
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		conn_free(g, c, true);
		return;
	}
	/* (a client sending this fast is closed at its deadline) */
}

/* Our reply to a head we refuse: the error as every
 * other of ours, with Connection: close and no cookie. */
static void conn_refuse(struct web_gate *g, struct gate_conn *c, const struct web_head *h)
{
	struct req r;
	memset(&r, 0, sizeof r);
	r.w = g->w;
	r.path = h->api ? "/api/" : "/";
	web_error(&r, h->status, h->code, NULL, "%s", h->msg);
	r.reply.no_cookie = true;
	r.reply.close = true;
	pst_buf_init(&c->out, WEB_BODY_MAX + 4096);
	web_raw_reply(g->w, &r.reply, &c->out);
	pst_buf_free(&r.reply.body);
	if (c->out.failed) {
		conn_free(g, c, true);
		return;
	}
	c->state = G_WRITE;
	c->sent = 0;
	conn_write(g, c);
}

/* Looks at what the client has sent so far. Every head already there is checked (a
 * client may send several requests at once: pipelining); the connection is handed to
 * libmicrohttpd once the first is whole and all of them are right. */
static void conn_head(struct web_gate *g, struct gate_conn *c, bool hup)
{
	ssize_t n;
	do
		n = recv(c->fd, g->buf, sizeof g->buf, MSG_PEEK);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		if (hup)
			conn_free(g, c, true);
		return;
	}
	if (n <= 0) {
		conn_free(g, c, true); /* gone before a whole request */
		return;
	}
	size_t off = 0;
	struct web_head h;
	for (;;) {
		enum web_head_verdict v = web_head_check(g->buf + off, (size_t)n - off, &h);
		if (v == HEAD_BAD) {
			discard(g, c);
			conn_refuse(g, c, &h);
			return;
		}
		if (v == HEAD_MORE) {
			if (off > 0)
				break; /* the rest of a later request: libmicrohttpd reads it */
			if (hup) {
				/* It stopped sending half-way. */
				discard(g, c);
				h.status = 400;
				h.code = "malformed";
				snprintf(h.msg, sizeof h.msg,
					 "the request ended before its headers did (no blank line)");
				conn_refuse(g, c, &h);
			}
			return;
		}
		if (h.chunked || h.head_len + h.body_len >= (size_t)n - off)
			break;
		off += h.head_len + h.body_len;
	}
	/* Well formed: the bytes stay in the socket for libmicrohttpd. */
	int fd = c->fd;
	struct sockaddr_storage addr = c->addr;
	socklen_t addrlen = c->addrlen;
	conn_free(g, c, false);
	/* It closes the socket itself when it cannot take it (and logs why). */
	MHD_add_connection(g->w->daemon, fd, (const struct sockaddr *)&addr, addrlen);
}

static void gate_accept(struct web_gate *g)
{
	for (;;) {
		struct sockaddr_storage addr;
		socklen_t addrlen = sizeof addr;
		int fd = accept4(g->lfd, (struct sockaddr *)&addr, &addrlen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return; /* EAGAIN, or out of descriptors: the next readiness tries again */
		}
		struct gate_conn *c = g->n < GATE_PENDING_MAX ? calloc(1, sizeof(*c)) : NULL;
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->state = G_HEAD;
		c->addr = addr;
		c->addrlen = addrlen;
		c->deadline_ms = now_ms() + WEB_HEADER_TIMEOUT_MS;
		c->next = g->conns;
		if (g->conns)
			g->conns->prev = c;
		g->conns = c;
		g->n++;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c};
		if (epoll_ctl(g->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			conn_free(g, c, true);
			continue;
		}
		/* Usually the request came with the connection: no need to wait for epoll. */
		conn_head(g, c, false);
	}
}

/* A connection whose head did not come whole in time is closed (slowloris: however slowly
 * it keeps sending), as nginx does; so is one that does not read our reply, or keeps
 * sending after it. */
static void gate_sweep(struct web_gate *g)
{
	int64_t now = now_ms();
	struct gate_conn *next;
	for (struct gate_conn *c = g->conns; c; c = next) {
		next = c->next;
		if (now > c->deadline_ms)
			conn_free(g, c, true);
	}
}

static void *gate_main(void *arg)
{
	struct web_gate *g = arg;
	struct epoll_event evs[GATE_EVENTS];
	int64_t swept = now_ms();
	for (;;) {
		int k = epoll_wait(g->ep, evs, GATE_EVENTS, 250);
		for (int i = 0; i < k; i++) {
			void *p = evs[i].data.ptr;
			if (p == &g->wake) {
				return NULL;
			} else if (p == &g->lfd) {
				gate_accept(g);
			} else {
				struct gate_conn *c = p;
				bool hup = (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
				if (c->state == G_HEAD)
					conn_head(g, c, hup);
				else if (c->state == G_WRITE)
					conn_write(g, c);
				else
					conn_drain(g, c);
			}
		}
		int64_t now = now_ms();
		if (now - swept >= 250) {
			gate_sweep(g);
			swept = now;
		}
	}
}

int web_gate_start(struct web *w, int lfd)
{
	struct web_gate *g = calloc(1, sizeof(*g));
	if (!g)
		return PST_ENOMEM;
	g->w = w;
	g->lfd = lfd;
	g->ep = epoll_create1(EPOLL_CLOEXEC);
	g->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct epoll_event le = {.events = EPOLLIN, .data.ptr = &g->lfd};
	struct epoll_event we = {.events = EPOLLIN, .data.ptr = &g->wake};
	if (g->ep < 0 || g->wake < 0 || epoll_ctl(g->ep, EPOLL_CTL_ADD, lfd, &le) != 0 ||
	    epoll_ctl(g->ep, EPOLL_CTL_ADD, g->wake, &we) != 0 ||
	    pthread_create(&g->thread, NULL, gate_main, g) != 0) {
		if (g->ep >= 0)
			close(g->ep);
		if (g->wake >= 0)
			close(g->wake);
		free(g);
		return PST_EIO;
	}
	w->gate = g;
	return PST_OK;
}

void web_gate_stop(struct web *w)
{
	struct web_gate *g = w->gate;
	if (!g)
		return;
	uint64_t one = 1;
	if (write(g->wake, &one, sizeof one) < 0) {
		/* an eventfd write only fails when the counter is full: it is already woken */
	}
	pthread_join(g->thread, NULL);
	while (g->conns)
		conn_free(g, g->conns, true);
	close(g->ep);
	close(g->wake);
	free(g);
	w->gate = NULL;
}
