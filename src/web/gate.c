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
#include <linux/sockios.h> /* SIOCINQ */
#include <netinet/in.h>    /* IPPROTO_TCP */
#include <linux/tcp.h>     /* TCP_INFO, struct tcp_info with tcpi_bytes_received */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

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
	bool in_ep; /* in the epoll set (not when its head came with the connection) */
	struct web_checked checked; /* what it checked, for server.c to go on from */
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
	if (c->in_ep)
		epoll_ctl(g->ep, EPOLL_CTL_DEL, c->fd, NULL);
	if (close_fd)
		close(c->fd);
	pst_buf_free(&c->out);
	free(c);
}

/* Writes what is left of our reply; then shuts our side and reads what the client still
 * sends until it closes (closing with unread bytes would reset the connection, and the
 * client could lose the reply). Each of these returns false when c is freed. */
static bool conn_drain(struct web_gate *g, struct gate_conn *c);

static bool conn_write(struct web_gate *g, struct gate_conn *c)
{
	while (c->sent < c->out.len) {
		ssize_t k = send(c->fd, c->out.s + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
		if (k > 0) {
			c->sent += (size_t)k;
		} else if (k < 0 && errno == EINTR) {
			continue;
		} else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return true; /* EPOLLOUT brings us back */
		} else {
			conn_free(g, c, true);
			return false;
		}
	}
	shutdown(c->fd, SHUT_WR);
	c->state = G_DRAIN;
	c->deadline_ms = now_ms() + GATE_DRAIN_MS;
	return conn_drain(g, c);
}

static bool conn_drain(struct web_gate *g, struct gate_conn *c)
{
	for (int i = 0; i < 16; i++) {
		ssize_t k = recv(c->fd, g->buf, sizeof g->buf, MSG_DONTWAIT);
		if (k > 0 || (k < 0 && errno == EINTR))
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		conn_free(g, c, true); /* the client closed too (or is gone) */
		return false;
	}
	return true; /* a client sending this fast is closed at its deadline */
}

/* Reads (and drops) what the client has sent, a few buffers at most: it is answered. */
static void discard(struct web_gate *g, struct gate_conn *c)
{
	for (int i = 0; i < 4; i++) {
		ssize_t k = recv(c->fd, g->buf, sizeof g->buf, MSG_DONTWAIT);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
	}
}

/* Our reply to a head we refuse: the error as every other of ours, with Connection:
 * close and no cookie. */
static bool conn_refuse(struct web_gate *g, struct gate_conn *c, const struct web_head *h)
{
	discard(g, c);
	struct req r;
	memset(&r, 0, sizeof r);
	r.w = g->w;
	r.path = h->api ? "/api/" : "/";
	web_error(&r, h->status, h->code, NULL, "%s", h->msg);
	r.reply.no_cookie = true;
	r.reply.close = true;
	r.reply.plain = g->w->cfg.tls; /* the client spoke plain HTTP to the HTTPS port */
	pst_buf_init(&c->out, WEB_BODY_MAX + 4096);
	web_raw_reply(g->w, &r.reply, &c->out);
	pst_buf_free(&r.reply.body);
	if (c->out.failed) {
		conn_free(g, c, true);
		return false;
	}
	c->state = G_WRITE;
	c->sent = 0;
	return conn_write(g, c);
}

static bool conn_hand_over(struct web_gate *g, struct gate_conn *c);

/* HTTPS: the head is encrypted, and libmicrohttpd reads it (server.c checks it there).
 * The gate only waits for the client's first bytes (the header deadline counts from the
 * connection's start, in the gate and then in libmicrohttpd) and looks at the first: a
 * TLS handshake starts with a handshake record (22). Anything else, as plain HTTP sent
 * to the HTTPS port, gets one plain HTTP reply saying so, not a silent close. */
static bool conn_tls(struct web_gate *g, struct gate_conn *c, size_t n)
{
	struct web_head h;
	if ((unsigned char)g->buf[0] != 0x16) {
		memset(&h, 0, sizeof h);
		size_t line = 0;
		while (line < n && g->buf[line] != '\n')
			line++;
		h.api = memmem(g->buf, line, " /api/", 6) != NULL;
		h.status = MHD_HTTP_BAD_REQUEST;
		h.code = "https-only";
		snprintf(h.msg, sizeof h.msg,
			 "this server speaks HTTPS only: open the address with https:// instead of "
			 "http://");
		return conn_refuse(g, c, &h);
	}
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(g->w->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	if (di && di->num_connections >= WEB_CONNECTIONS_MAX) {
		conn_free(g, c, true); /* no reply a TLS client could read without a handshake */
		return false;
	}
	return conn_hand_over(g, c);
}

/* Looks at what the client has sent so far. Every head already there is checked (a
 * client may send several requests at once: pipelining); the connection is handed to
 * libmicrohttpd once the first is whole and all of them are right. */
static bool conn_head(struct web_gate *g, struct gate_conn *c, bool hup)
{
	ssize_t n;
	do
		n = recv(c->fd, g->buf, sizeof g->buf, MSG_PEEK | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if ((n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) || n == 0 || (n < 0 && hup)) {
		conn_free(g, c, true); /* gone before a whole request */
		return false;
	}
	if (n < 0)
		return true;
	struct web_head h;
	if (g->w->cfg.tls)
		return conn_tls(g, c, (size_t)n);
	size_t off = 0;
	memset(&c->checked, 0, sizeof c->checked);
	c->checked.known = true;
	for (;;) {
		enum web_head_verdict v = web_head_check(g->buf + off, (size_t)n - off, &h);
		if (v == HEAD_BAD)
			return conn_refuse(g, c, &h);
		if (v == HEAD_MORE) {
			if (off > 0)
				break; /* the rest of a later request: libmicrohttpd reads it */
			if (!hup)
				return true;
			/* It stopped sending half-way. */
			h.status = 400;
			h.code = "malformed";
			snprintf(h.msg, sizeof h.msg,
				 "the request ended before its headers did (no blank line)");
			return conn_refuse(g, c, &h);
		}
		if (h.chunked || c->checked.n == WEB_CHECKED_MAX) {
			c->checked.known = false;
			break;
		}
		c->checked.len[c->checked.n++] = (uint32_t)(h.head_len + h.body_len);
		if (h.head_len + h.body_len >= (size_t)n - off)
			break;
		off += h.head_len + h.body_len;
	}
	/* Every slot of libmicrohttpd's taken (kept-alive connections wait there up to
	 * WEB_HEADER_TIMEOUT_MS for their next request): it would close this one without a
	 * word. */
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(g->w->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	if (di && di->num_connections >= WEB_CONNECTIONS_MAX) {
		web_head_check(g->buf, (size_t)n, &h); /* the first request's: JSON or a page */
		h.status = MHD_HTTP_SERVICE_UNAVAILABLE;
		h.code = "busy";
		snprintf(h.msg, sizeof h.msg,
			 "the server has %d connections open, its most: try again in a few seconds",
			 WEB_CONNECTIONS_MAX);
		return conn_refuse(g, c, &h);
	}
	return conn_hand_over(g, c);
}

/* The connection goes to libmicrohttpd, what the client sent still in the socket. */
static bool conn_hand_over(struct web_gate *g, struct gate_conn *c)
{
	int fd = c->fd;
	if (!g->w->cfg.tls)
		web_handed_put(g->w, fd, &c->checked);
	struct sockaddr_storage addr = c->addr;
	socklen_t addrlen = c->addrlen;
	conn_free(g, c, false);
	/* It closes the socket itself when it cannot take it (and logs why). */
	if (MHD_add_connection(g->w->daemon, fd, (const struct sockaddr *)&addr, addrlen) != MHD_YES &&
	    !g->w->cfg.tls) {
		struct web_checked none;
		web_handed_take(g->w, fd, &none);
	}
	return false;
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
		/* Usually the request came with the connection: then it is handed on (or
		 * refused) without a turn through epoll. Otherwise epoll tells when more
		 * comes (and, edge-triggered, at once if some came meanwhile). */
		if (!conn_head(g, c, false))
			continue;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c};
		if (epoll_ctl(g->ep, EPOLL_CTL_ADD, fd, &ev) != 0)
			conn_free(g, c, true);
		else
			c->in_ep = true;
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
				else if (conn_drain(g, c) && hup)
					conn_free(g, c, true);
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

/* --- the connection's later requests (issue 12): checked as the gate checks the first ---- */

/* What the gate checked of each connection it hands over, until libmicrohttpd's thread
 * for it takes the number (MHD_add_connection queues the connection for its own thread:
 * the two meet by the descriptor, which cannot be reused before then). */
void web_handed_put(struct web *w, int fd, const struct web_checked *checked)
{
	pthread_mutex_lock(&w->handed_mu);
	size_t free_k = WEB_HANDED_MAX;
	for (size_t i = 0; i < WEB_HANDED_MAX; i++) {
		size_t k = ((size_t)fd + i) % WEB_HANDED_MAX;
		if (w->handed[k].used && w->handed[k].fd == fd)
			w->handed[k].used = false; /* left by a connection that never started */
		if (!w->handed[k].used && free_k == WEB_HANDED_MAX)
			free_k = k;
	}
	if (free_k < WEB_HANDED_MAX) { /* full: nothing is known of it as checked */
		w->handed[free_k].used = true;
		w->handed[free_k].fd = fd;
		w->handed[free_k].checked = *checked;
	}
	pthread_mutex_unlock(&w->handed_mu);
}

void web_handed_take(struct web *w, int fd, struct web_checked *out)
{
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&w->handed_mu);
	for (size_t i = 0; i < WEB_HANDED_MAX; i++) {
		size_t k = ((size_t)fd + i) % WEB_HANDED_MAX;
		if (w->handed[k].used && w->handed[k].fd == fd) {
			w->handed[k].used = false;
			*out = w->handed[k].checked;
			break;
		}
	}
	pthread_mutex_unlock(&w->handed_mu);
}

/* The bytes of the connection its reader (libmicrohttpd) has taken from the socket: what
 * TCP received in order, less what still waits in the socket. false when unknown. */
static bool fin_received(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLRDHUP};
	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP));
}

static bool bytes_read(int fd, uint64_t *out)
{
	for (int tries = 0; tries < 4; tries++) {
		int q1 = 0, q2 = 0;
		struct tcp_info ti;
		socklen_t len = sizeof ti;
		memset(&ti, 0, sizeof ti);
		if (ioctl(fd, SIOCINQ, &q1) != 0 ||
		    getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
		    len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof ti.tcpi_bytes_received ||
		    ioctl(fd, SIOCINQ, &q2) != 0)
			return false;
		if (q1 == q2 && q1 >= 0 && ti.tcpi_bytes_received >= (uint64_t)q1) {
			*out = ti.tcpi_bytes_received - (uint64_t)q1;
			return true;
		}
	}
	return false;
}

/* Sends out whole (waiting up to 2 s for a slow reader), shuts our side and reads what the
 * client still sends until it closes (up to 2 s), so that the reply is not lost to a
 * reset; then shuts the socket, and libmicrohttpd sees the end. */
static void reply_and_close(int fd, const struct pst_buf *out, char *buf, size_t size)
{
	size_t off = 0;
	while (!out->failed && off < out->len) {
		ssize_t k = send(fd, out->s + off, out->len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k > 0) {
			off += (size_t)k;
		} else if (k < 0 && errno == EINTR) {
			continue;
		} else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			if (poll(&p, 1, 2000) <= 0)
				break;
		} else {
			break;
		}
	}
	shutdown(fd, SHUT_WR);
	int64_t end = now_ms() + GATE_DRAIN_MS;
	for (;;) {
		ssize_t k = recv(fd, buf, size, MSG_DONTWAIT);
		if (k > 0 || (k < 0 && errno == EINTR))
			continue;
		if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			break;
		int64_t left = end - now_ms();
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
	}
	shutdown(fd, SHUT_RDWR);
}

/* Our one reply to a bad later head, as the gate's (conn_refuse); the connection ends. */
static void refuse_next(struct web *w, int fd, const struct web_head *h, char *buf)
{
	struct req r;
	memset(&r, 0, sizeof r);
	r.w = w;
	r.path = h->api ? "/api/" : "/";
	web_error(&r, h->status, h->code, NULL, "%s", h->msg);
	r.reply.no_cookie = true;
	r.reply.close = true;
	struct pst_buf out;
	pst_buf_init(&out, WEB_BODY_MAX + 4096);
	web_raw_reply(w, &r.reply, &out);
	pst_buf_free(&r.reply.body);
	reply_and_close(fd, &out, buf, GATE_PEEK);
	pst_buf_free(&out);
}

/* Called by the connection's own thread when a reply has been sent and the connection
 * stays open (server.c, on_done), before libmicrohttpd reads the next request: libmicro-
 * httpd 0.9.75 reads a request head as it comes, answers a bad Content-Length with its
 * status line twice and takes a bare LF, so the next head is checked here first, as the
 * gate checks a connection's first. *checked is the count of the connection's bytes
 * already checked (whole requests); libmicrohttpd has read bytes_read() of them. */
bool web_check_next(struct web *w, int fd, struct web_checked *ck, int64_t deadline_ms)
{
	/* The request answered: the first checked. */
	if (ck->known && ck->n > 0) {
		ck->done += ck->len[0];
		memmove(ck->len, ck->len + 1, (ck->n - 1) * sizeof ck->len[0]);
		ck->n--;
	} else {
		ck->known = false;
	}
	uint64_t read = 0, total = ck->done;
	for (unsigned i = 0; i < ck->n; i++)
		total += ck->len[i];
	bool known = ck->known && bytes_read(fd, &read);
	/* TCP counts the client's FIN as a byte received (it advances rcv_nxt). */
	if (known && read == total + 1 && fin_received(fd))
		read = total;
	if (known && read <= total && ck->n > 0)
		return true; /* the next request was checked with this one (pipelined) */
	char buf[GATE_PEEK];
	if (!known || read != total) {
		/* libmicrohttpd read ahead, past what was checked (or nothing is known): the
		 * connection ends here, our reply to the last request delivered, and a client
		 * that pipelined sends the rest again (RFC 9112, 9.3.2). */
		struct pst_buf none;
		pst_buf_init(&none, 0);
		reply_and_close(fd, &none, buf, sizeof buf);
		pst_buf_free(&none);
		return false;
	}
	bool verdict = false;
	int lowat = 1; /* poll wakes when more than the part of a head already seen is there */
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
		int64_t left = deadline_ms - now_ms();
		if (left <= 0 || atomic_load(&w->stopping)) {
			shutdown(fd, SHUT_RDWR); /* the header deadline: as the sweep would */
			break;
		}
		int k = poll(&p, 1, left < 250 ? (int)left : 250);
		if (k < 0 && errno != EINTR)
			break;
		if (k <= 0)
			continue;
		if (lowat != 1) {
			lowat = 1;
			setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
		}
		bool hup = (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
		ssize_t n = recv(fd, buf, GATE_PEEK, MSG_PEEK | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) && !hup)
			continue;
		if (n <= 0)
			break; /* the client closed (or is gone): libmicrohttpd sees it too */
		struct web_head h;
		size_t off = 0;
		uint64_t whole = 0; /* bytes of whole, good requests */
		bool stop = false;
		for (;;) {
			enum web_head_verdict v = web_head_check(buf + off, (size_t)n - off, &h);
			if (v == HEAD_BAD) {
				refuse_next(w, fd, &h, buf);
				stop = true;
				break;
			}
			if (v == HEAD_MORE) {
				if (off > 0)
					break; /* the rest of a later request: checked after this one */
				if (!hup) {
					/* Wait for more (not for what is already there). */
					lowat = (int)n + 1;
					setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
					break;
				}
				h.status = 400;
				h.code = "malformed";
				snprintf(h.msg, sizeof h.msg,
					 "the request ended before its headers did (no blank line)");
				refuse_next(w, fd, &h, buf);
				stop = true;
				break;
			}
			if (h.chunked || ck->n == WEB_CHECKED_MAX) {
				/* A chunked body's length is unknown: nothing after it can be
				 * checked, and the reply to it closes (server.c). */
				ck->known = whole > 0;
				whole = whole > 0 ? whole : 1;
				break;
			}
			ck->len[ck->n++] = (uint32_t)(h.head_len + h.body_len);
			whole = off + h.head_len + h.body_len;
			if (whole >= (uint64_t)n)
				break;
			off = (size_t)whole;
		}
		if (stop)
			break;
		if (whole > 0) {
			verdict = true;
			break;
		}
	}
	if (lowat != 1) {
		lowat = 1;
		setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
	}
	return verdict;
}
