/*
 * The HTTP server: libmicrohttpd with an epoll thread pool, the limits of a request,
 * the security headers of every reply, the in-memory cache of pages, and a clean stop
 * on SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "app/app.h"
#include "confine.h"
#include "internal.h"

/* Sent with every reply. No inline script anywhere. The one inline style is the site's
 * stylesheet in each page's head (a request less before the first paint, on a cold
 * cache), allowed by its hash alone; see make_csp. */
static const char csp_fmt[] = "default-src 'self'; script-src 'self'; style-src 'self' 'sha256-%s'; "
			      "img-src 'self' data:; media-src 'self'; connect-src 'self'; "
			      "worker-src 'self'; manifest-src 'self'; "
			      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/* An SVG picture runs nothing and needs nothing else; cairo writes its colours in style
 * attributes, which it may keep when opened on its own. */
static const char csp_svg[] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/* cookie: the CSRF nonce to set in the browser's cookie, or NULL. */
static void add_headers(struct MHD_Response *resp, const struct web *w, const char *ctype,
			const char *cache, const char *cookie)
{
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	/* A PDF is shown by the browser's own viewer, which a page's policy can break. */
	if (strcmp(ctype, "application/pdf") != 0)
		MHD_add_response_header(resp, "Content-Security-Policy",
					strcmp(ctype, "image/svg+xml") == 0 ? csp_svg : w->csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache ? cache : "no-store");
	if (w->cfg.tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", WEB_HSTS);
	if (cookie) {
		char c[WEB_NONCE_LEN + 64];
		snprintf(c, sizeof c, "pst_csrf=%s; Path=/; SameSite=Strict; HttpOnly%s", cookie,
			 w->cfg.tls ? "; Secure" : "");
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, c);
	}
}

/* --- replies ------------------------------------------------------------------- */

/* The API's JSON on one line, with a space after each ':' and ','; no indentation: a
 * clinician's 200 patients were 140 kB indented and are 98 kB so, and GET
 * /api/v1/patients served 1.22x the requests, its p99 23.0 -> 15.7 ms (an A/B on
 * PostgreSQL, bench/RESULTS.md, issue 14). jq or a browser's viewer shows it indented. */
void web_json(struct req *r, unsigned status, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_INDENT(0) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))
		    : NULL;
	json_decref(j);
	r->reply.status = s ? status : MHD_HTTP_INTERNAL_SERVER_ERROR;
	r->reply.ctype = "application/json";
	pst_buf_free(&r->reply.body);
	pst_buf_init(&r->reply.body, 64u << 20);
	if (s) {
		pst_buf_puts(&r->reply.body, s);
		pst_buf_puts(&r->reply.body, "\n");
		free(s);
	} else {
		pst_buf_puts(&r->reply.body, "{\"error\": {\"code\": \"internal\", \"message\": "
					     "\"out of memory\", \"field\": null}}\n");
	}
}

void web_error(struct req *r, unsigned status, const char *code, const char *field,
	       const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Errors follow the format of what was asked for: JSON under /api/, else a page. */
	bool api = r->route ? (r->route->flags & R_API) != 0 : strncmp(r->path, "/api/", 5) == 0;
	if (!api) {
		page_error(r, status,
			   status == 404   ? "Not found"
			   : status == 503 ? "Not available just now"
					   : "That did not work",
			   msg);
		return;
	}
	json_t *e = json_pack("{s:s, s:s, s:o}", "code", code, "message", msg, "field",
			      field ? json_string(field) : json_null());
	web_json(r, status, json_pack("{s:o}", "error", e));
}

void web_redirect(struct req *r, const char *location)
{
	pst_buf_free(&r->reply.body);
	r->reply.status = MHD_HTTP_SEE_OTHER;
	r->reply.location = location;
	r->reply.ctype = "text/plain; charset=utf-8";
}

const char *web_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

bool web_gzip(const void *data, size_t len, struct pst_buf *out)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	/* 15 + 16: a gzip wrapper, which every browser and curl --compressed take. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	z.next_in = (Bytef *)(uintptr_t)data; /* zlib only reads it */
	z.avail_in = (uInt)len;
	char chunk[16384];
	int rc;
	do {
		z.next_out = (Bytef *)chunk;
		z.avail_out = sizeof chunk;
		rc = deflate(&z, Z_FINISH);
		pst_buf_add(out, chunk, sizeof chunk - z.avail_out);
	} while (rc == Z_OK && !out->failed);
	deflateEnd(&z);
	return rc == Z_STREAM_END && !out->failed;
}

/* Whether the client takes gzip (Accept-Encoding: gzip, not gzip;q=0). */
static bool wants_gzip(struct req *r)
{
	const char *ae = web_header(r, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	const char *g = ae ? strstr(ae, "gzip") : NULL;
	return g && strncmp(g + 4, ";q=0", 4) != 0;
}

/* Text is worth compressing; a few hundred bytes are not. */
static bool compressible(const char *ctype, size_t len)
{
	return len >= 512 && ctype &&
	       (strncmp(ctype, "text/", 5) == 0 || strncmp(ctype, "application/json", 16) == 0 ||
		strncmp(ctype, "image/svg+xml", 13) == 0);
}

struct web_shared {
	atomic_int refs;
	struct MHD_Response *resp, *gz;
};

struct web_shared *web_shared_make(struct web *w, struct req *r)
{
	struct web_reply *rp = &r->reply;
	if (rp->body.failed || !rp->body.s || rp->status != MHD_HTTP_OK)
		return NULL;
	struct web_shared *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	/* Compressed once here, for every client that takes gzip until the next change. */
	struct pst_buf z;
	pst_buf_init(&z, rp->body.len + 1024);
	if (compressible(rp->ctype, rp->body.len) && web_gzip(rp->body.s, rp->body.len, &z) &&
	    (s->gz = MHD_create_response_from_buffer(z.len, z.s, MHD_RESPMEM_MUST_FREE)))
		memset(&z, 0, sizeof z);
	pst_buf_free(&z);
	s->resp = MHD_create_response_from_buffer(rp->body.len, rp->body.s, MHD_RESPMEM_MUST_FREE);
	if (!s->resp) {
		if (s->gz)
			MHD_destroy_response(s->gz);
		free(s);
		return NULL;
	}
	memset(&rp->body, 0, sizeof rp->body); /* the response owns it now */
	bool html = strncmp(rp->ctype, "text/html", 9) == 0;
	const char *nonce = (html || rp->set_cookie) && !rp->no_cookie ? web_csrf_nonce(r) : NULL;
	add_headers(s->resp, w, rp->ctype, rp->cache, nonce);
	if (s->gz) {
		MHD_add_response_header(s->resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
		add_headers(s->gz, w, rp->ctype, rp->cache, nonce);
		MHD_add_response_header(s->gz, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
		MHD_add_response_header(s->gz, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	}
	atomic_init(&s->refs, 1);
	return s;
}

void web_shared_ref(struct web_shared *s)
{
	atomic_fetch_add(&s->refs, 1);
}

void web_shared_unref(struct web_shared *s)
{
	if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	MHD_destroy_response(s->resp);
	if (s->gz)
		MHD_destroy_response(s->gz);
	free(s);
}

void web_reply_share(struct req *r, struct web_shared *s)
{
	web_reply_unshare(r);
	pst_buf_free(&r->reply.body);
	r->reply.shared = s;
	r->reply.status = MHD_HTTP_OK;
}

void web_reply_unshare(struct req *r)
{
	web_shared_unref(r->reply.shared);
	r->reply.shared = NULL;
}

/* Queues r->reply; frees nothing the response now owns. */
static enum MHD_Result send_reply(struct web *w, struct req *r)
{
	struct web_reply *rp = &r->reply;
	if (rp->queued)
		return MHD_YES;
	if (rp->shared) {
		struct web_shared *s = rp->shared;
		enum MHD_Result ret =
			MHD_queue_response(r->conn, MHD_HTTP_OK, s->gz && wants_gzip(r) ? s->gz : s->resp);
		web_reply_unshare(r);
		rp->queued = true;
		return ret;
	}
	if (!rp->status)
		web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL, "no reply");
	if (rp->body.failed) {
		pst_buf_free(&rp->body);
		web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL, "out of memory");
	}
	/* A failure because the database cannot be reached is not the request's fault nor
	 * a bug: 503, to be tried again (a load balancer sends it to another process). */
	if (rp->unavailable && rp->status >= 500 && rp->status != MHD_HTTP_SERVICE_UNAVAILABLE) {
		pst_buf_free(&rp->body);
		rp->static_data = rp->static_gz = NULL;
		rp->disposition[0] = '\0';
		web_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable", NULL,
			  "your records cannot be reached just now; nothing was lost: try again "
			  "in a few seconds");
	}
	struct MHD_Response *resp;
	const char *ctype = rp->ctype ? rp->ctype : "text/plain; charset=utf-8";
	bool gz = false, vary = false;
	if (rp->static_gz) {
		vary = true;
		if (wants_gzip(r)) {
			rp->static_data = rp->static_gz;
			rp->static_len = rp->static_gz_len;
			gz = true;
		}
	} else if (!rp->static_data && compressible(ctype, rp->body.len)) {
		vary = true;
		struct pst_buf z;
		pst_buf_init(&z, rp->body.len + 1024);
		if (wants_gzip(r) && web_gzip(rp->body.s, rp->body.len, &z)) {
			pst_buf_free(&rp->body);
			rp->body = z;
			gz = true;
		} else {
			pst_buf_free(&z);
		}
	}
	if (rp->static_data) {
		/* libmicrohttpd's buffer is not const but is only read with PERSISTENT. */
		resp = MHD_create_response_from_buffer(rp->static_len, (void *)(uintptr_t)rp->static_data,
						       MHD_RESPMEM_PERSISTENT);
	} else if (rp->body.s && rp->body.len) {
		resp = MHD_create_response_from_buffer(rp->body.len, rp->body.s, MHD_RESPMEM_MUST_FREE);
		if (resp)
			memset(&rp->body, 0, sizeof rp->body); /* the response owns it now */
	} else {
		resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	bool html = strncmp(ctype, "text/html", 9) == 0;
	add_headers(resp, w, ctype, rp->cache,
		    (html || rp->set_cookie) && !rp->no_cookie ? web_csrf_nonce(r) : NULL);
	if (rp->status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "5");
	if (rp->retry_after > 0 && rp->status != MHD_HTTP_SERVICE_UNAVAILABLE) {
		char ra[24];
		snprintf(ra, sizeof ra, "%ld", rp->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	if (rp->session_cookie[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, rp->session_cookie);
	if (rp->clear_site)
		MHD_add_response_header(resp, "Clear-Site-Data", "\"cache\", \"storage\"");
	if (gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	if (vary)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (rp->location)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, rp->location);
	if (rp->disposition[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, rp->disposition);
	if (rp->allow[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rp->allow);
	if (rp->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(r->conn, rp->status, resp);
	MHD_destroy_response(resp);
	rp->queued = true;
	return ret;
}

/* --- the store, versions and the cache ------------------------------------------ */

/* The request this thread is answering (libmicrohttpd runs a thread per connection,
 * which answers one request at a time), the store connection it took from the pool for
 * it (on first use; given back when the reply is queued), and whether opening that
 * connection was tried for it already. */
static __thread struct req *tls_req;
static __thread struct web_worker *tls_worker;
static __thread bool tls_tried;

/* The store of a worker whose database cannot be reached: every operation fails. */
static int down_err(struct pst_store *s)
{
	if (!s->errmsg[0])
		snprintf(s->errmsg, sizeof s->errmsg, "the database cannot be reached");
	return PST_EUNAVAILABLE;
}
static int down_profile_get(struct pst_store *s, struct pst_saved_profile *o, bool *f)
{
	(void)o;
	*f = false;
	return down_err(s);
}
static int down_profile_put(struct pst_store *s, const struct pst_saved_profile *sp)
{
	(void)sp;
	return down_err(s);
}
static int down_checkin_add(struct pst_store *s, const struct pst_checkin *c, int64_t *id)
{
	(void)c, (void)id;
	return down_err(s);
}
static int down_session_add(struct pst_store *s, const struct pst_session_log *l, int64_t *id)
{
	(void)l, (void)id;
	return down_err(s);
}
static int down_psfs_add(struct pst_store *s, const char *a, struct pst_time at, int64_t *id)
{
	(void)a, (void)at, (void)id;
	return down_err(s);
}
static int down_psfs_rate(struct pst_store *s, int64_t id, int score, struct pst_time at)
{
	(void)id, (void)score, (void)at;
	return down_err(s);
}
static int down_read_all(struct pst_store *s, int64_t since, unsigned flags, struct pst_record_set *o)
{
	(void)since, (void)flags;
	memset(o, 0, sizeof(*o));
	return down_err(s);
}
static int down_read_each(struct pst_store *s, unsigned flags, size_t batch,
			  int (*fn)(void *ctx, const struct pst_record_set *part), void *ctx)
{
	(void)flags, (void)batch, (void)fn, (void)ctx;
	return down_err(s);
}
static int down_checkin_days(struct pst_store *s, int64_t since, struct pst_checkin_days *o)
{
	(void)since;
	memset(o, 0, sizeof(*o));
	return down_err(s);
}
static int down_checkin_latest(struct pst_store *s, int64_t since, size_t limit, bool by_id,
			       struct pst_record_set *o)
{
	(void)since, (void)limit, (void)by_id;
	memset(o, 0, sizeof(*o));
	return down_err(s);
}
static int down_import(struct pst_store *s, const struct pst_record_set *rs, unsigned flags)
{
	(void)rs, (void)flags;
	return down_err(s);
}
static int down_screening_get(struct pst_store *s, struct pst_saved_screening *o, bool *f)
{
	memset(o, 0, sizeof(*o));
	*f = false;
	return down_err(s);
}
static int down_screening_put(struct pst_store *s, const struct pst_saved_screening *sc)
{
	(void)sc;
	return down_err(s);
}
static int down_data_version(struct pst_store *s, int64_t *v)
{
	*v = 0;
	return down_err(s);
}

static int down_data_version_accounts(struct pst_store *s, int64_t *v, bool *accounts)
{
	*v = 0;
	*accounts = false;
	return down_err(s);
}

static const struct pst_store_ops down_ops = {
	.profile_get = down_profile_get,
	.profile_put = down_profile_put,
	.checkin_add = down_checkin_add,
	.session_add = down_session_add,
	.psfs_add = down_psfs_add,
	.psfs_rate = down_psfs_rate,
	.read_all = down_read_all,
	.read_each = down_read_each,
	.checkin_days = down_checkin_days,
	.checkin_latest = down_checkin_latest,
	.import = down_import,
	.screening_get = down_screening_get,
	.screening_put = down_screening_put,
	.data_version = down_data_version,
	.data_version_accounts = down_data_version_accounts,
};

/* A request waiting for a connection of the pool: handed one by worker_release. */
struct web_pool_wait {
	pthread_cond_t cv;
	struct web_worker *k;
	struct web_pool_wait *next;
};

/* A connection of the pool for this request: the one it has, else a free one (the most
 * recently used, whose connection is likely open), waiting while all are in use, in
 * turn: a connection given back goes straight to the request that waited longest.
 * (With one condition variable, a request arriving just then took the connection
 * before the one woken could run, again and again: with 64 connections writing, some
 * waited a second; bench/RESULTS.md.) */
static struct web_worker *worker(struct web *w)
{
	if (tls_worker)
		return tls_worker;
	pthread_mutex_lock(&w->workers_mu);
	struct web_worker *k = w->idle;
	if (k && !w->waiting) {
		w->idle = k->next;
	} else {
		struct web_pool_wait me = {.k = NULL};
		pthread_cond_init(&me.cv, NULL);
		if (w->waiting_tail)
			w->waiting_tail->next = &me;
		else
			w->waiting = &me;
		w->waiting_tail = &me;
		while (!me.k)
			pthread_cond_wait(&me.cv, &w->workers_mu);
		pthread_cond_destroy(&me.cv);
		k = me.k;
	}
	pthread_mutex_unlock(&w->workers_mu);
	tls_worker = k;
	return k;
}

void web_db_release(struct web *w)
{
	struct web_worker *k = tls_worker;
	if (!k)
		return;
	tls_worker = NULL;
	tls_tried = false; /* a connection taken again may be opened again */
	pthread_mutex_lock(&w->workers_mu);
	struct web_pool_wait *first = w->waiting;
	if (first) {
		w->waiting = first->next;
		if (!w->waiting)
			w->waiting_tail = NULL;
		first->k = k;
		pthread_cond_signal(&first->cv);
	} else {
		k->next = w->idle;
		w->idle = k;
	}
	pthread_mutex_unlock(&w->workers_mu);
}

/* The worker's own connection (the server's person), opened on first use; NULL when the
 * database cannot be reached. */
static struct pst_store *base_store(struct web *w);

struct pst_store *web_store(struct web *w)
{
	struct pst_store *s = base_store(w);
	struct web_worker *k = tls_worker;
	if (!s)
		return &k->down;
	/* Clinic mode: the records of the request's own person (auth.c), on the same
	 * connection; person 0 is nobody's (reads find nothing). */
	if (tls_req && tls_req->auth.on) {
		if (k->as.db != s->db || k->as.person != tls_req->auth.person) {
			k->as.ops = s->ops;
			k->as.db = s->db;
			k->as.person = tls_req->auth.person;
			k->as.owns_db = false;
			k->as.errmsg[0] = '\0';
		}
		return &k->as;
	}
	return s;
}

struct pst_db *web_db(struct web *w)
{
	struct pst_store *s = base_store(w);
	return s ? s->db : NULL;
}

static struct pst_store *base_store(struct web *w)
{
	struct web_worker *k = worker(w);
	if (k->store)
		return k->store;
	if (!tls_tried) {
		tls_tried = true;
		k->down.errmsg[0] = '\0';
		int err = w->cfg.open_store
				  ? w->cfg.open_store(w->cfg.open_ctx, &k->store, k->down.errmsg,
						      sizeof k->down.errmsg)
				  : PST_EUNAVAILABLE;
		if (!err && k->store)
			return k->store;
		k->store = NULL;
		fprintf(stderr, "postura: store: %s\n",
			k->down.errmsg[0] ? k->down.errmsg : "the database cannot be reached");
	}
	if (tls_req)
		tls_req->reply.unavailable = true;
	return NULL;
}

/* A request starts on this thread: its store connection is taken when it needs one. */
static void worker_begin(struct req *r)
{
	tls_req = r;
	tls_tried = false;
}

/* The reply is queued: the connection goes back to the pool. */
static void worker_end(struct web *w)
{
	web_db_release(w);
	tls_req = NULL;
}

struct req *web_current(void)
{
	return tls_req;
}

bool web_holds_connection(void)
{
	return tls_worker != NULL;
}

/* The store's message names the database's file (its full path): that is for the
 * server's log, not for whoever sent the request. The reply gets the message with the
 * path taken out, and any other word naming a file replaced. */
const char *web_store_errmsg(struct web *w, int err, char *buf, size_t size)
{
	char full[sizeof w->cfg.store->errmsg];
	const char *m = web_store(w)->errmsg;
	snprintf(full, sizeof full, "%s", m[0] ? m : pst_strerror(err));
	if (err == PST_EUNAVAILABLE && tls_req)
		tls_req->reply.unavailable = true;
	fprintf(stderr, "postura: store: %s\n", full);
	const char *p = w->cfg.db_path, *s = full;
	size_t pn = p ? strlen(p) : 0;
	if (pn && strncmp(s, p, pn) == 0 && s[pn] == ':')
		s += pn + 1 + (s[pn + 1] == ' ');
	struct pst_buf out;
	pst_buf_init(&out, size);
	while (*s) {
		size_t n = strcspn(s, " \t");
		if (memchr(s, '/', n))
			pst_buf_puts(&out, "(a file)");
		else
			pst_buf_add(&out, s, n);
		s += n;
		size_t sp = strspn(s, " \t");
		pst_buf_add(&out, s, sp);
		s += sp;
	}
	snprintf(buf, size, "%s", out.s && out.len ? out.s : pst_strerror(err));
	pst_buf_free(&out);
	return buf;
}

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read on every request that may be served from the cache, so that a write through
 * another process (another `postura serve` behind the same balancer, the command line)
 * shows at once: one indexed read of the person's version, which every write bumps in
 * its own transaction. */
uint64_t web_version_read(struct web *w)
{
	struct pst_store *s = web_store(w);
	int64_t v;
	if (s->ops->data_version(s, &v) != PST_OK || v < 0)
		return WEB_NO_VERSION;
	return (uint64_t)v;
}

/* GET /healthz: for a load balancer or a supervisor. The database must answer a trivial
 * query on a connection of the pool; a connection that cannot is closed, so the next
 * request opens a new one (a database back after a restart, a file restored). */
void web_healthz(struct web *w, struct req *r)
{
	struct web_worker *k = worker(w);
	struct pst_store *s = web_store(w);
	int err = PST_EUNAVAILABLE;
	if (k->store) {
		err = s->db->ops->ping(s->db);
		if (err) {
			fprintf(stderr, "postura: health: %s\n",
				s->db->errmsg[0] ? s->db->errmsg : pst_strerror(err));
			pst_store_close(k->store);
			k->store = NULL;
		}
	}
	r->reply.no_cookie = true;
	if (err) {
		r->reply.unavailable = true;
		web_json(r, MHD_HTTP_SERVICE_UNAVAILABLE, json_pack("{s:s}", "status", "unavailable"));
	} else {
		web_json(r, MHD_HTTP_OK, json_pack("{s:s}", "status", "ok"));
	}
}

void web_add_headers(struct MHD_Response *resp, const struct web *w, const char *ctype,
		     const char *cache, const char *cookie)
{
	add_headers(resp, w, ctype, cache, cookie);
}

bool web_wants_gzip(struct req *r)
{
	return wants_gzip(r);
}

static const char *cookie_nonce(struct req *r);

const char *web_cookie_nonce(struct req *r)
{
	return cookie_nonce(r);
}

/* --- CSRF ---------------------------------------------------------------------- */

/* A nonce as the cookie holds it: 43 base64url characters (32 bytes). */
static bool nonce_ok(const char *s)
{
	if (!s || strlen(s) != WEB_NONCE_LEN)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return false;
	return true;
}

static const char *cookie_nonce(struct req *r)
{
	const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "pst_csrf");
	return nonce_ok(c) ? c : NULL;
}

const char *web_csrf_nonce(struct req *r)
{
	if (r->nonce[0])
		return r->nonce;
	const char *c = r->conn ? cookie_nonce(r) : NULL;
	if (c) {
		snprintf(r->nonce, sizeof r->nonce, "%s", c);
	} else {
		unsigned char raw[32];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2base64(r->nonce, sizeof r->nonce, raw, sizeof raw,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		r->nonce_new = true;
	}
	return r->nonce;
}

/* HMAC-SHA-512-256 of the nonce with the deployment's key (libsodium's crypto_auth). */
static void token_of(const struct web *w, const char *nonce, unsigned char tag[crypto_auth_BYTES])
{
	crypto_auth(tag, (const unsigned char *)nonce, strlen(nonce), w->csrf_key);
}

const char *web_csrf_token(struct req *r, char *buf, size_t size)
{
	unsigned char tag[crypto_auth_BYTES];
	token_of(r->w, web_csrf_nonce(r), tag);
	sodium_bin2base64(buf, size, tag, sizeof tag, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return buf;
}

bool web_csrf_ok(struct web *w, struct req *r, const struct pst_form *f)
{
	/* A browser says where a form came from; a page of another site is refused even
	 * before the token is looked at. */
	const char *site = web_header(r, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return false;
	const char *nonce = cookie_nonce(r), *token = pst_form_get(f, "csrf");
	unsigned char tag[crypto_auth_BYTES];
	size_t n = 0;
	if (!nonce || !token || strlen(token) > 64 ||
	    sodium_base642bin(tag, sizeof tag, token, strlen(token), NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != sizeof tag)
		return false;
	return crypto_auth_verify(tag, (const unsigned char *)nonce, strlen(nonce), w->csrf_key) == 0;
}

/* --- hosts and origins ------------------------------------------------------------ */

/* DNS rebinding: a page of another site whose name is made to point at 127.0.0.1 sends
 * its own name in Host, and the browser lets it read what it gets. Only the names the
 * server listens as (and those given with --host) are served. */
static bool host_allowed(const struct web *w, const char *host)
{
	if (!host || !*host)
		return false;
	for (size_t i = 0; i < w->nhosts; i++)
		if (strcasecmp(host, w->hosts[i]) == 0)
			return true;
	return false;
}

__attribute__((format(printf, 2, 3))) static void add_host(struct web *w, const char *fmt, ...)
{
	if (w->nhosts >= WEB_HOSTS_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->hosts[w->nhosts], WEB_HOST_LEN, fmt, ap);
	va_end(ap);
	if (!host_allowed(w, w->hosts[w->nhosts]))
		w->nhosts++;
}

/* Where the port of "NAME:PORT" or "[V6]:PORT" starts (at the ':'), or NULL. */
static const char *port_part(const char *name)
{
	if (name[0] == '[') {
		const char *end = strchr(name, ']');
		return end && end[1] == ':' ? end + 1 : NULL;
	}
	return strchr(name, ':');
}

bool pst_web_host_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (!n || n >= WEB_HOST_LEN - 8)
		return false;
	const char *port = port_part(name);
	size_t hn = port ? (size_t)(port - name) : n;
	if (port) {
		char *end;
		long p = strtol(port + 1, &end, 10);
		if (!port[1] || *end || port[1] < '0' || port[1] > '9' || p < 1 || p > 65535)
			return false;
	}
	if (name[0] == '[') {
		char a[64];
		struct in6_addr a6;
		if (hn < 3 || name[hn - 1] != ']' || hn - 2 >= sizeof a)
			return false;
		memcpy(a, name + 1, hn - 2);
		a[hn - 2] = '\0';
		return inet_pton(AF_INET6, a, &a6) == 1;
	}
	if (!hn || hn > 253 || name[0] == '-' || name[0] == '.')
		return false;
	for (size_t i = 0; i < hn; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return false;
	}
	return true;
}

/* The Host values served: the loopback names with the port, the listening address, and
 * each --host name (as given when it has a port; else alone, as a proxy on the scheme's
 * default port passes it, and with the server's port). Port 80 is also sent without. */
static void make_hosts(struct web *w, const char *listen, bool v6, unsigned port)
{
	static const char *const local[] = {"127.0.0.1", "localhost", "[::1]"};
	for (size_t i = 0; i < sizeof local / sizeof local[0]; i++) {
		add_host(w, "%s:%u", local[i], port);
		if (port == 80)
			add_host(w, "%s", local[i]);
	}
	add_host(w, v6 ? "[%s]:%u" : "%s:%u", listen, port);
	if (port == 80)
		add_host(w, v6 ? "[%s]" : "%s", listen);
	for (size_t i = 0; i < w->cfg.nhosts; i++) {
		const char *h = w->cfg.hosts[i];
		add_host(w, "%s", h);
		if (!port_part(h))
			add_host(w, "%s:%u", h, port);
	}
}

/* A request that changes something must come from a page of this server. A browser says
 * where it came from in Sec-Fetch-Site, and in Origin, whose scheme and host must then be
 * the Host the request was sent to (itself checked against the served names). Under our
 * Referrer-Policy: no-referrer a browser's own same-origin form says "Origin: null", so
 * "null" is taken when Sec-Fetch-Site says same-origin, and for a form (which must also
 * carry the CSRF token) from an older browser that sends no Sec-Fetch-Site; the JSON API
 * refuses it then. Clients that send neither header (curl, scripts) are not browsers a
 * foreign page can drive. */
static bool same_origin(struct req *r)
{
	const char *site = web_header(r, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
		return false;
	const char *origin = web_header(r, MHD_HTTP_HEADER_ORIGIN);
	if (!origin)
		return true;
	if (strcmp(origin, "null") == 0)
		return site || r->route->body == BODY_FORM;
	const char *host = web_header(r, MHD_HTTP_HEADER_HOST);
	/* Over TLS a page of ours is https: an http origin is another site (behind a TLS
	 * proxy the browser's origin is https while postura speaks http: both are taken). */
	const char *rest = strncmp(origin, "http://", 7) == 0 && !r->w->cfg.tls ? origin + 7
			   : strncmp(origin, "https://", 8) == 0		  ? origin + 8
									  : NULL;
	return rest && host && strcasecmp(rest, host) == 0;
}

/* --- requests ------------------------------------------------------------------- */

static const char *method_name(enum web_method m)
{
	static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "?"};
	return names[m];
}

static enum web_method method_of(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return M_GET;
	if (strcmp(m, "HEAD") == 0)
		return M_HEAD;
	if (strcmp(m, "POST") == 0)
		return M_POST;
	if (strcmp(m, "PUT") == 0)
		return M_PUT;
	return M_OTHER;
}

/* A reply as bytes, with the headers of every reply and Connection: close: for the
 * gate's refusals (gate.c) and send_raw. */
void web_raw_reply(struct web *w, const struct web_reply *rp, struct pst_buf *b)
{
	const char *ctype = rp->ctype ? rp->ctype : "text/plain; charset=utf-8";
	const char *reason = MHD_get_reason_phrase_for(rp->status);
	pst_buf_printf(b,
		       "HTTP/1.1 %u %s\r\nContent-Type: %s\r\nContent-Security-Policy: %s\r\n"
		       "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\n"
		       "Referrer-Policy: no-referrer\r\nCache-Control: no-store\r\n"
		       "%sConnection: close\r\nContent-Length: %zu\r\n\r\n",
		       rp->status, reason && *reason ? reason : "Error", ctype, w->csp,
		       w->cfg.tls && !rp->plain ? "Strict-Transport-Security: " WEB_HSTS "\r\n" : "",
		       rp->body.len);
	if (rp->body.s)
		pst_buf_add(b, rp->body.s, rp->body.len);
}

/* Writes r->reply straight to the socket with the headers of every reply, then shuts
 * the socket: for a request libmicrohttpd would answer itself, with a bare page (or not
 * at all, when its memory pool ran out). libmicrohttpd then fails to send its own and
 * closes the connection. */
static void send_raw(struct web *w, struct req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct web_reply *rp = &r->reply;
	if (!ci || rp->queued)
		return;
	rp->queued = true;
	struct pst_buf b;
	pst_buf_init(&b, WEB_BODY_MAX + 4096);
	web_raw_reply(w, rp, &b);
	int fd = ci->connect_fd;
	size_t off = 0;
	/* The socket is non-blocking; a reply of a few KiB fits its buffer, but wait a
	 * little for a slow reader rather than cut the reply. */
	while (!b.failed && off < b.len) {
		ssize_t n = send(fd, b.s + off, b.len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};
			if (poll(&pfd, 1, 1000) <= 0)
				break;
		} else {
			break;
		}
	}
	pst_buf_free(&b);
	shutdown(fd, SHUT_RDWR);
	/* libmicrohttpd may not notice (out of pool memory it waits for the timeout): a
	 * second is enough. This runs in its thread, inside a callback of this connection. */
	MHD_set_connection_option(r->conn, MHD_CONNECTION_OPTION_TIMEOUT, 1u);
}

/* The URI callback runs first, with the request target as sent: the query string is
 * decoded by our own parser (src/web/form.c), not libmicrohttpd's. What it returns is
 * the request's state from then on; the connection's context holds it too, so that it
 * is freed when the connection closes even if libmicrohttpd never calls on_done (it
 * does not when it gives up on a request itself, e.g. out of pool memory). */
static void free_req(struct req *r);

/* Whether the request line ended in a bare LF rather than CR LF, which libmicrohttpd
 * 0.9.75 takes whatever its strictness. It hands us the target inside its read buffer,
 * where it has cut the line: "TARGET\0HTTP/1.1\0\0" for CR LF (it clears both), and
 * "TARGET\0HTTP/1.1\0" and the next line for a bare LF. Only that layout is read. */
static bool bare_lf(const char *uri)
{
	if (!uri)
		return false;
	const char *v = uri + strlen(uri) + 1;
	if (strncmp(v, "HTTP/1.", 7) != 0 || !v[7] || v[8])
		return false;
	return v[9] != '\0';
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct web *w = cls;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct web_conn *wc = ci ? ci->socket_context : NULL;
	if (wc && wc->pending) {
		free_req(wc->pending); /* an earlier request on this connection, never completed */
		wc->pending = NULL;
	}
	struct req *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->w = w;
	r->conn = conn;
	r->wc = wc;
	r->uri = strdup(uri ? uri : "/");
	if (!r->uri) {
		free(r);
		return NULL;
	}
	if (wc)
		wc->pending = r;
	/* libmicrohttpd parses the query into its per-connection pool after this returns,
	 * and with a few hundred parameters the pool runs out: it then answers nothing and
	 * holds the connection until the timeout. No route takes more than a handful. */
	const char *q = strchr(r->uri, '?');
	size_t n = 0;
	for (; q; q = strchr(q + 1, '&'))
		n++;
	size_t len = strlen(r->uri);
	if (bare_lf(uri)) {
		r->path = strncmp(r->uri, "/api/", 5) == 0 ? "/api/" : "/";
		r->early = MHD_HTTP_BAD_REQUEST;
		web_error(r, r->early, "malformed", NULL,
			  "a line of the request ends in a bare LF: HTTP lines end in CR LF");
		send_raw(w, r);
	} else if (n > WEB_QUERY_PARAMS_MAX || len > WEB_URI_MAX) {
		r->path = strncmp(r->uri, "/api/", 5) == 0 ? "/api/" : "/"; /* JSON or a page */
		r->early = MHD_HTTP_URI_TOO_LONG;
		if (len > WEB_URI_MAX)
			web_error(r, r->early, "uri-too-long", NULL,
				  "the address is longer than %d bytes", WEB_URI_MAX);
		else
			web_error(r, r->early, "too-many-parameters", NULL,
				  "the address has more than %d query parameters",
				  WEB_QUERY_PARAMS_MAX);
		send_raw(w, r);
	}
	return r;
}

static void free_req(struct req *r)
{
	if (!r)
		return;
	if (r->wc && r->wc->pending == r)
		r->wc->pending = NULL;
	free(r->uri);
	pst_form_free(&r->query);
	pst_form_free(&r->form);
	pst_buf_free(&r->body);
	pst_buf_free(&r->reply.body);
	web_reply_unshare(r);
	free(r);
}

/* The deadline of a connection: WEB_HEADER_TIMEOUT_MS from when it opens and from each
 * reply, for the next request's headers; WEB_BODY_TIMEOUT_MS from the headers for a
 * body; none while the reply is made and sent (libmicrohttpd's idle timeout). */
static void set_deadline(struct web *w, struct web_conn *wc, int ms)
{
	if (!wc)
		return;
	pthread_mutex_lock(&w->conns_mu);
	wc->deadline_ms = ms ? monotonic_ms() + ms : 0;
	pthread_mutex_unlock(&w->conns_mu);
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls,
		    enum MHD_RequestTerminationCode why)
{
	struct web *w = cls;
	struct req *r = *con_cls;
	if (r)
		set_deadline(w, r->wc, WEB_HEADER_TIMEOUT_MS); /* keep-alive: the next request */
	/* The connection stays open: its next request is checked before libmicrohttpd
	 * reads it (gate.c). Over TLS the head is encrypted in the socket: the callbacks
	 * check it after decryption. */
	if (r && r->wc && r->keeps && why == MHD_REQUEST_TERMINATED_COMPLETED_OK && !w->cfg.tls &&
	    !web_check_next(w, r->wc->fd, &r->wc->checked, monotonic_ms() + WEB_HEADER_TIMEOUT_MS))
		r->wc->ended = true;
	free_req(r);
	*con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct web *w = cls;
	struct web_conn *wc = *socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		wc = calloc(1, sizeof(*wc));
		if (!wc || !ci) {
			free(wc);
			return;
		}
		wc->fd = ci->connect_fd;
		if (!w->cfg.tls)
			web_handed_take(w, wc->fd, &wc->checked);
		pthread_mutex_lock(&w->conns_mu);
		wc->deadline_ms = monotonic_ms() + WEB_HEADER_TIMEOUT_MS;
		wc->next = w->conns;
		if (w->conns)
			w->conns->prev = wc;
		w->conns = wc;
		pthread_mutex_unlock(&w->conns_mu);
		*socket_context = wc;
		return;
	}
	if (wc) {
		/* Out of the list before libmicrohttpd closes the socket, so the sweep never
		 * touches a descriptor that could already name another connection. */
		pthread_mutex_lock(&w->conns_mu);
		if (wc->prev)
			wc->prev->next = wc->next;
		else
			w->conns = wc->next;
		if (wc->next)
			wc->next->prev = wc->prev;
		pthread_mutex_unlock(&w->conns_mu);
		free_req(wc->pending);
		free(wc);
	}
	*socket_context = NULL;
}

/* Closes every connection past its deadline, however slowly it keeps sending: shutting
 * the socket makes libmicrohttpd see the end and free the slot. */
static void sweep_slow(struct web *w)
{
	int64_t now = monotonic_ms();
	pthread_mutex_lock(&w->conns_mu);
	for (struct web_conn *wc = w->conns; wc; wc = wc->next)
		if (wc->deadline_ms && now > wc->deadline_ms) {
			shutdown(wc->fd, SHUT_RDWR);
			wc->deadline_ms = 0; /* once */
		}
	pthread_mutex_unlock(&w->conns_mu);
}

static bool media_type_is(const char *value, const char *want)
{
	size_t n = strlen(want);
	if (!value || strncasecmp(value, want, n) != 0)
		return false;
	return value[n] == '\0' || value[n] == ';' || value[n] == ' ';
}

/* What can be told from the request line and the headers alone: the route, the size
 * and the type of the body. Sets r->early and the reply on a problem. */
static void start(struct web *w, struct req *r)
{
	char allowed[64] = "";
	if (MHD_get_connection_values(r->conn, MHD_HEADER_KIND, NULL, NULL) > WEB_HEADERS_MAX) {
		r->early = MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE;
		web_error(r, r->early, "too-many-headers", NULL, "more than %d header fields",
			  WEB_HEADERS_MAX);
		return;
	}
	const char *q = strchr(r->uri, '?');
	size_t where;
	enum pst_form_err fe = q ? pst_form_parse(q + 1, strlen(q + 1), &r->query, &where)
				 : PST_FORM_OK;
	r->route = web_route_find(r, allowed, sizeof allowed);
	if (fe) {
		r->early = MHD_HTTP_BAD_REQUEST;
		web_error(r, r->early, "malformed", NULL, "the query string: %s (at %zu)",
			  pst_form_strerror(fe), where);
		return;
	}
	if (!r->route && allowed[0]) {
		r->early = MHD_HTTP_METHOD_NOT_ALLOWED;
		web_error(r, r->early, "method-not-allowed", NULL, "%s is not allowed here (allowed: %s)",
			  r->method == M_OTHER ? "this method" : method_name(r->method), allowed);
		snprintf(r->reply.allow, sizeof r->reply.allow, "%s", allowed);
		return;
	}
	if (!r->route) {
		r->early = MHD_HTTP_NOT_FOUND;
		web_error(r, r->early, "not-found", NULL, "nothing at %s", r->path);
		return;
	}
	if (r->route->body == BODY_NONE)
		return;
	if (!same_origin(r)) {
		r->early = MHD_HTTP_FORBIDDEN;
		web_error(r, r->early, "cross-site", NULL,
			  "this request came from another site, which may not change your records");
		return;
	}
	const char *ctype = web_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *want = r->route->body == BODY_JSON ? "application/json"
						       : "application/x-www-form-urlencoded";
	if (!media_type_is(ctype, want)) {
		r->early = MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
		web_error(r, r->early, "unsupported-media-type", NULL,
			  "the body must be %s (Content-Type: %s)", want, ctype ? ctype : "none");
		return;
	}
	const char *clen = web_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (clen && strtoull(clen, NULL, 10) > WEB_BODY_MAX) {
		r->early = MHD_HTTP_CONTENT_TOO_LARGE;
		web_error(r, r->early, "too-large", NULL, "the body is larger than %d bytes",
			  WEB_BODY_MAX);
	}
}

/* Everything is there: check the declared parameters, decode a form, run the handler. */
static void dispatch(struct web *w, struct req *r)
{
	if (r->too_large) {
		web_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "too-large", NULL,
			  "the body is larger than %d bytes", WEB_BODY_MAX);
		return;
	}
	pst_app_now(&r->now); /* POSTURA_NOW was checked at start-up */
	r->today = pst_time_day(r->now);
	/* Who is asking, and whether they may (clinic mode): before anything else is
	 * looked at, so that nothing answers a request that may not be made. */
	if (!web_auth_gate(w, r))
		return;
	if (!web_route_args(r))
		return;
	if (r->route->body == BODY_FORM) {
		size_t where;
		enum pst_form_err fe = pst_form_parse(r->body.s ? r->body.s : "", r->body.len,
						      &r->form, &where);
		if (fe) {
			web_error(r, MHD_HTTP_BAD_REQUEST, "malformed", NULL, "the form: %s",
				  pst_form_strerror(fe));
			return;
		}
		if ((r->route->flags & R_CSRF) && !web_csrf_ok(w, r, &r->form)) {
			web_error(r, MHD_HTTP_FORBIDDEN, "csrf", NULL,
				  "this form has expired or came from another site: go back, reload "
				  "the page and send it again");
			return;
		}
	}
	r->route->fn(w, r);
	if (!web_auth_audit(w, r) && r->reply.queued)
		r->audit_failed = true;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct {
		const char *name;
		int n;
	} *c = cls;
	if (strcasecmp(key, c->name) == 0)
		c->n++;
	return MHD_YES;
}

static int header_count(struct req *r, const char *name)
{
	struct {
		const char *name;
		int n;
	} c = {name, 0};
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_header, &c);
	return c.n;
}

/* What libmicrohttpd 0.9.75 lets through in how a request is framed, refused at once
 * (400) before a body is waited for: HTTP/1.1 without a Host, two Content-Lengths, a
 * Transfer-Encoding other than chunked (it would wait for a body it cannot read), or
 * both headers (a request two servers could split differently). */
static bool framing(struct req *r, const char *version)
{
	const char *why = NULL;
	const char *te = web_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	int nte = header_count(r, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	int ncl = header_count(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 && header_count(r, MHD_HTTP_HEADER_HOST) == 0)
		why = "a request in HTTP version 1.1 needs a Host header";
	else if (header_count(r, MHD_HTTP_HEADER_HOST) > 1)
		why = "more than one Host header";
	else if (ncl > 1)
		why = "more than one Content-Length header";
	else if (nte > 1 || (te && strcasecmp(te, "chunked") != 0))
		why = "the only Transfer-Encoding taken is chunked";
	else if (te && ncl)
		why = "both Transfer-Encoding and Content-Length";
	if (!why)
		return false;
	r->early = MHD_HTTP_BAD_REQUEST;
	r->reply.no_cookie = true;
	r->reply.close = true;
	web_error(r, r->early, "malformed", NULL, "%s", why);
	return true;
}

/* Whether a comma-separated header value (Connection) holds token, in any case. */
static bool has_token(const char *value, const char *token)
{
	size_t n = strlen(token);
	for (const char *p = value; p && *p;) {
		p += strspn(p, " \t,");
		size_t k = strcspn(p, ",");
		size_t e = k;
		while (e > 0 && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (e == n && strncasecmp(p, token, n) == 0)
			return true;
		p += k;
	}
	return false;
}

static bool has_body(struct req *r)
{
	const char *clen = web_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = web_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	return (clen && strcmp(clen, "0") != 0) || te;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct web *w = cls;
	struct req *r = *con_cls;
	if (!r || r->reply.queued || (r->wc && r->wc->ended))
		return MHD_NO; /* out of memory in on_uri, answered there (send_raw), or a
				* request read ahead on a connection that has ended (web_check_next) */
	if (!r->started) {
		r->started = true;
		set_deadline(w, r->wc, 0);
		r->conn = conn;
		r->path = url;
		r->method = method_of(method);
		pst_buf_init(&r->body, WEB_BODY_MAX);
		const char *host = web_header(r, MHD_HTTP_HEADER_HOST);
		if (framing(r, version)) {
			/* r->early and the reply are set */
		} else if (!host_allowed(w, host) && strcmp(url, "/healthz") != 0) {
			/* /healthz is answered under whatever Host a balancer's probe sends: it
			 * says nothing of the person's. */
			/* Nothing of the person's, not even the CSRF cookie. */
			r->early = MHD_HTTP_MISDIRECTED_REQUEST;
			r->reply.no_cookie = true;
			web_error(r, r->early, "misdirected", NULL,
				  "this server answers to %s, not to '%.64s'; to use another name, "
				  "start it with --host NAME",
				  w->hosts[0], host ? host : "(no Host header)");
		} else {
			start(w, r);
		}
		/* Whether libmicrohttpd keeps the connection after the reply (its own rules):
		 * then on_done checks the next request. HTTP/1.0 and a chunked body (whose end
		 * the check cannot find) close it. */
		const char *te = web_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING);
		if (strcmp(version, MHD_HTTP_VERSION_1_1) != 0 || te)
			r->reply.close = true;
		r->keeps = !r->reply.close && !has_token(web_header(r, MHD_HTTP_HEADER_CONNECTION), "close");
		/* A reply decided now is sent now only when a body would follow: it is not
		 * read. Otherwise the reply waits for the second call, which keeps the
		 * connection alive (libmicrohttpd closes it when a reply is queued in the
		 * first call: bench/RESULTS.md, PERF-ANCHORS.md). */
		if (r->early && has_body(r)) {
			r->keeps = false;
			return send_reply(w, r);
		}
		if (!r->early && has_body(r))
			set_deadline(w, r->wc, WEB_BODY_TIMEOUT_MS);
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->early && !r->too_large) {
			if (r->body.len + *upload_size > WEB_BODY_MAX) {
				/* A chunked body that grows past the cap: drop the connection. */
				r->too_large = true;
				return MHD_NO;
			}
			pst_buf_add(&r->body, upload, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	set_deadline(w, r->wc, 0);
	if (r->reply.close)
		r->keeps = false;
	worker_begin(r);
	if (!r->early)
		dispatch(w, r);
	/* A failure of a request that used the database, whatever words its page chose:
	 * when the database does not answer now, it is a 503 (send_reply), and the
	 * connection is made again by the next request. */
	if (!r->reply.queued && r->reply.status >= 500 && !r->reply.unavailable && tls_worker &&
	    tls_worker->store && tls_worker->store->db->ops->ping(tls_worker->store->db) ==
					 PST_EUNAVAILABLE) {
		r->reply.unavailable = true;
		pst_store_close(tls_worker->store);
		tls_worker->store = NULL;
	}
	enum MHD_Result ret = send_reply(w, r);
	worker_end(w);
	/* A reply the handler queued itself whose audit entry could not be written: the
	 * connection is closed without it. */
	return r->audit_failed ? MHD_NO : ret;
}

/* --- start and stop -------------------------------------------------------------- */

/* libmicrohttpd's own messages (a request too big, a client gone), one a line. */
__attribute__((format(printf, 2, 0))) static void on_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	fprintf(stderr, "postura: http: %s\n", msg);
}

bool pst_web_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

/* Whether the database holds any account (issue 14: then every page needs a login). */
static int accounts_exist(struct pst_store *s, bool *any)
{
	int64_t n = 0;
	int err = s->db->ops->account_count(s->db, &n);
	*any = err == PST_OK && n > 0;
	return err;
}

/* The deployment's CSRF key, from the database (made there by the first process to
 * start), so that a form fetched from one process posts to any other. */
static int load_key(struct web *w, char *errmsg, size_t size)
{
	if (sodium_init() < 0) {
		snprintf(errmsg, size, "libsodium could not start");
		return PST_EIO;
	}
	unsigned char fresh[sizeof w->csrf_key];
	randombytes_buf(fresh, sizeof fresh);
	struct pst_db *db = w->cfg.store->db;
	int err = db->ops->secret(db, "csrf", fresh, sizeof fresh, w->csrf_key);
	sodium_memzero(fresh, sizeof fresh);
	if (err)
		snprintf(errmsg, size, "cannot read the deployment's secret: %s",
			 db->errmsg[0] ? db->errmsg : pst_strerror(err));
	return err;
}

/* The policy with the hash of the inline stylesheet (data/web/app.css as embedded). */
static int make_csp(struct web *w)
{
	const struct web_asset *css = web_asset_named("app.css");
	unsigned char h[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	if (!css)
		return PST_EDATA;
	crypto_hash_sha256(h, css->data, css->len);
	sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
	snprintf(w->csp, sizeof w->csp, csp_fmt, b64);
	return PST_OK;
}

static int setup(struct web *w, const struct pst_web_config *cfg, char *errmsg, size_t size)
{
	w->cfg = *cfg;
	pthread_mutex_init(&w->workers_mu, NULL);
	w->npool = cfg->pool > 0 ? (cfg->pool < PST_WEB_POOL_MAX ? cfg->pool : PST_WEB_POOL_MAX)
				 : WEB_DB_CONNECTIONS;
	w->workers = calloc((size_t)w->npool, sizeof(*w->workers));
	if (!w->workers) {
		snprintf(errmsg, size, "out of memory");
		return PST_ENOMEM;
	}
	for (int i = 0; i < w->npool; i++) {
		w->workers[i].down.ops = &down_ops;
		w->workers[i].next = w->idle;
		w->idle = &w->workers[i];
	}
	web_audit_group_init(&w->audit);
	pthread_mutex_init(&w->fig_mu, NULL);
	pthread_mutex_init(&w->conns_mu, NULL);
	pthread_mutex_init(&w->handed_mu, NULL);
	int err = load_key(w, errmsg, size);
	if (err)
		return err;
	if (!web_auth_setup(w, errmsg, size) || !web_cache_setup(w, errmsg, size))
		return PST_EINVAL;
	if ((err = make_csp(w))) {
		snprintf(errmsg, size, "cannot start: %s", pst_strerror(err));
		return err;
	}
	/* The catalogue does not change while the server runs: its JSON is built once. */
	json_t *cat = web_catalog_json(cfg->cat);
	char *s = cat ? json_dumps(cat, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(cat);
	if (!s) {
		snprintf(errmsg, size, "out of memory");
		return PST_ENOMEM;
	}
	size_t n = strlen(s);
	s[n] = '\n'; /* json_dumps leaves room for its NUL: reuse it for the final newline */
	w->catalog_json = MHD_create_response_from_buffer(n + 1, s, MHD_RESPMEM_MUST_FREE);
	if (!w->catalog_json) {
		free(s);
		snprintf(errmsg, size, "out of memory");
		return PST_ENOMEM;
	}
	add_headers(w->catalog_json, w, "application/json", "no-cache", NULL);
	w->fig_first = calloc(cfg->cat->n + 1, sizeof(*w->fig_first));
	if (!w->fig_first) {
		snprintf(errmsg, size, "out of memory");
		return PST_ENOMEM;
	}
	for (size_t i = 0; i < cfg->cat->n; i++) {
		w->fig_first[i] = w->nfigs;
		/* each pose and the movement, neutral and with the bump */
		w->nfigs += 2 * (cfg->cat->ex[i].scene.n + 1);
	}
	w->fig_first[cfg->cat->n] = w->nfigs;
	w->figs = calloc(w->nfigs ? w->nfigs : 1, sizeof(*w->figs));
	/* The static files are compressed once, here. */
	w->assets = calloc(web_assets_n ? web_assets_n : 1, sizeof(*w->assets));
	if (!w->figs || !w->assets) {
		snprintf(errmsg, size, "out of memory");
		return PST_ENOMEM;
	}
	for (size_t i = 0; i < web_assets_n; i++) {
		struct pst_buf z;
		pst_buf_init(&z, web_assets[i].len + 1024);
		if (compressible(web_assets[i].ctype, web_assets[i].len) &&
		    web_gzip(web_assets[i].data, web_assets[i].len, &z)) {
			w->assets[i].gz = z.s;
			w->assets[i].gz_len = z.len;
		} else {
			pst_buf_free(&z);
		}
	}
	return web_app_setup(w);
}

static void teardown(struct web *w)
{
	/* The connection threads have stopped: the store connections go. */
	for (int i = 0; w->workers && i < w->npool; i++)
		pst_store_close(w->workers[i].store);
	free(w->workers);
	web_cache_teardown(w);
	if (w->catalog_json)
		MHD_destroy_response(w->catalog_json);
	for (size_t i = 0; w->figs && i < w->nfigs; i++) {
		free(w->figs[i].data);
		free(w->figs[i].gz);
	}
	free(w->figs);
	for (size_t i = 0; w->assets && i < web_assets_n; i++)
		free(w->assets[i].gz);
	free(w->assets);
	web_app_teardown(w);
	free(w->fig_first);
	pthread_mutex_destroy(&w->conns_mu);
	pthread_mutex_destroy(&w->handed_mu);
	pthread_mutex_destroy(&w->fig_mu);
	pthread_mutex_destroy(&w->workers_mu);
	web_audit_group_destroy(&w->audit);
	sodium_memzero(w->csrf_key, sizeof w->csrf_key);
	free(w->tls_cert);
	if (w->tls_key) {
		sodium_memzero(w->tls_key, strlen(w->tls_key));
		free(w->tls_key);
	}
	free(w);
}

int pst_web_serve(const struct pst_web_config *cfg, FILE *out, char *errmsg, size_t size)
{
	/* A thread per connection: left alone, glibc gives threads up to 8 malloc arenas a
	 * core, each keeping the memory it once held, and the server's RSS climbs with
	 * the number of connections ever open at once (36 -> 65 MB in a 60-s soak of 64
	 * connections). Two arenas keep it flat (bench/soak.sh); the threads mostly wait
	 * on the network and the database, not on malloc. */
	mallopt(M_ARENA_MAX, 2);
	/* A page replays the person's record (pst_app_report_read, the progression): the
	 * check-ins summed by day and every session (the export: everything, a part at a
	 * time), arrays that grow with the days and sessions, held for one request and
	 * freed. Left alone, glibc raises its mmap threshold to the size of
	 * each such block freed (up to 32 MB), so the next ones come from the arenas, where
	 * what is freed stays, fragmented between the small blocks of other requests: RSS
	 * climbed with the largest record ever replayed by 8 requests at once (bench/soak.sh:
	 * 33 -> 51 MB in 2 minutes, no leak). A fixed threshold keeps every block of 64 KiB
	 * or more mapped on its own and given back to the kernel when freed (pst_arena's
	 * chunks grow to that size for large records, core/base.c). */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	const char *host = strcmp(cfg->host, "localhost") == 0 ? "127.0.0.1" : cfg->host;
	bool v6 = false;
	if (cfg->port < 0 || cfg->port > 65535) {
		snprintf(errmsg, size, "the port must be between 0 and 65535");
		return PST_EINVAL;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)cfg->port);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)cfg->port);
		v6 = true;
	} else {
		snprintf(errmsg, size, "'%s' is not a numeric IPv4 or IPv6 address", cfg->host);
		return PST_EINVAL;
	}
	if (!pst_web_is_loopback(host) && !cfg->allow_remote) {
		snprintf(errmsg, size, "%s is not a loopback address: listening there needs "
				       "--allow-remote", cfg->host);
		return PST_EINVAL;
	}
	struct pst_time now;
	if (pst_app_now(&now) != PST_OK) {
		snprintf(errmsg, size, "POSTURA_NOW is not a date and time like 2026-11-21T08:30:00+01:00");
		return PST_EINVAL;
	}
	/* HTTPS: the certificate and key are read now, before the server is confined, and
	 * checked so that a wrong file is named. */
	char *cert = NULL, *key = NULL;
	if (cfg->tls_cert || cfg->tls_key) {
		if (!cfg->tls_cert || !cfg->tls_key) {
			snprintf(errmsg, size, "HTTPS needs both --tls-cert FILE and --tls-key FILE");
			return PST_EINVAL;
		}
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(errmsg, size,
				 "this libmicrohttpd was built without TLS (GnuTLS), so postura cannot "
				 "serve HTTPS itself: serve on 127.0.0.1 behind a reverse proxy that "
				 "does (nginx: docs/deploy.md)");
			return PST_EINVAL;
		}
		int terr = web_tls_load(cfg->tls_cert, cfg->tls_key, &cert, &key, stderr, errmsg, size);
		if (terr)
			return terr;
	}
	struct pst_web_config c = *cfg;
	c.tls = cert != NULL;
	/* Beyond this machine, a server with no account is open to whoever reaches it, and
	 * without TLS what it serves crosses the network readable: one of the two at least. */
	bool accounts = false;
	if (cfg->allow_remote && cfg->store) {
		int aerr = accounts_exist(cfg->store, &accounts);
		if (aerr) {
			snprintf(errmsg, size, "cannot count the accounts: %s",
				 cfg->store->db->errmsg[0] ? cfg->store->db->errmsg : pst_strerror(aerr));
			free(cert);
			free(key);
			return aerr;
		}
	}
	if (cfg->allow_remote && !c.tls && !accounts) {
		snprintf(errmsg, size,
			 "--allow-remote without HTTPS and without accounts: anyone who can reach "
			 "the server could read and change these health records, sent unencrypted "
			 "over the network. Serve HTTPS (--tls-cert FILE --tls-key FILE) or add "
			 "accounts (postura user add), so that every page needs a login; better both. "
			 "Or keep postura on 127.0.0.1 behind a reverse proxy that speaks HTTPS "
			 "(docs/deploy.md)");
		free(cert);
		free(key);
		return PST_EINVAL;
	}
	struct web *w = calloc(1, sizeof(*w));
	if (!w) {
		free(cert);
		free(key);
		snprintf(errmsg, size, "out of memory");
		return PST_ENOMEM;
	}
	w->tls_cert = cert;
	w->tls_key = key;
	int err = setup(w, &c, errmsg, size);
	if (err) {
		teardown(w);
		return err;
	}
	/* The signals are taken by sigwait below; every thread the server starts inherits
	 * the mask, so none of them is interrupted. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	/* The socket is bound here, not by libmicrohttpd, so that the port (when 0 asks for
	 * any) is known, and the Host names with it set, before the first request. */
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1;
	socklen_t sl = v6 ? sizeof(*s6) : sizeof(*s4);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    (v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) ||
	    bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 1024) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		snprintf(errmsg, size, "cannot listen on %s port %d: %s", cfg->host, cfg->port,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		teardown(w);
		return PST_EIO;
	}
	unsigned port = ntohs(v6 ? s6->sin6_port : s4->sin_port);
	make_hosts(w, host, v6, port);
	/* From here on the server only serves: confined before libmicrohttpd starts its
	 * threads, which inherit it (docs/web.md, "Confinement"). */
	if (cfg->db_path && pst_db_target_is_pg(cfg->db_path)) {
		pst_confine_pg(stderr);
	} else {
		char dbdir[4096];
		snprintf(dbdir, sizeof dbdir, "%s", cfg->db_path && cfg->db_path[0] ? cfg->db_path : ".");
		char *slash = strrchr(dbdir, '/');
		if (!slash)
			snprintf(dbdir, sizeof dbdir, ".");
		else if (slash == dbdir)
			dbdir[1] = '\0';
		else
			*slash = '\0';
		pst_confine(dbdir, stderr);
	}
	/* libmicrohttpd gets no listening socket: the gate (gate.c) accepts, checks each
	 * request head and hands it the connections that are well formed. */
	/* A thread per connection: a request held by the database (a lock, a slow disk, a
	 * server far away) holds its own thread only. In a pool of threads, libmicrohttpd
	 * gives each connection the gate hands it to a thread by its descriptor's number,
	 * and every connection of a held thread would wait with it. The threads share the
	 * pool of store connections (cfg.pool). */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET |
			 (v6 ? MHD_USE_IPv6 : 0) | (w->cfg.tls ? MHD_USE_TLS : 0);
	/* HTTPS: TLS 1.2 and 1.3 only, GnuTLS's usual ciphers within them. */
	struct MHD_OptionItem tls_opts[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, w->tls_cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, w->tls_key},
		{MHD_OPTION_HTTPS_PRIORITIES, 0,
		 (void *)(uintptr_t) "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
		{MHD_OPTION_END, 0, NULL}};
	struct MHD_OptionItem no_opts[] = {{MHD_OPTION_END, 0, NULL}};
	w->daemon = MHD_start_daemon(
		flags, (uint16_t)port, NULL, NULL, on_request, w, MHD_OPTION_EXTERNAL_LOGGER,
		on_log, w, MHD_OPTION_ARRAY, w->cfg.tls ? tls_opts : no_opts, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)WEB_CONNECTIONS_MAX, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)WEB_CONNECTION_MEMORY, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_TIMEOUT_S,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, w, MHD_OPTION_NOTIFY_COMPLETED, on_done, w,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, w,
		/* Not 1: libmicrohttpd 0.9.75 then sends its bare 400 for a missing Host twice
		 * (status line and headers); framing() refuses it, with our headers. */
		MHD_OPTION_STRICT_FOR_CLIENT, 0, MHD_OPTION_END);
	if (w->daemon && web_gate_start(w, fd) != PST_OK) {
		MHD_stop_daemon(w->daemon);
		w->daemon = NULL;
	}
	if (!w->daemon) {
		snprintf(errmsg, size, "cannot listen on %s port %d: %s", cfg->host, cfg->port,
			 errno ? strerror(errno) : "libmicrohttpd refused to start");
		close(fd);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		teardown(w);
		return PST_EIO;
	}
	if (!pst_web_is_loopback(host) && !accounts)
		fprintf(stderr, "postura: warning: listening on %s, beyond this machine, and the "
				"database has no account: anyone who can reach it can read and change "
				"the health records (add accounts: postura user add)\n",
			cfg->host);
	else if (!pst_web_is_loopback(host) && !w->cfg.tls)
		fprintf(stderr, "postura: warning: listening on %s, beyond this machine, in plain "
				"HTTP: passwords and health records cross the network readable, unless "
				"a reverse proxy in front of postura speaks HTTPS\n",
			cfg->host);
	fprintf(out, v6 ? "postura: serving on %s://[%s]:%u/\n" : "postura: serving on %s://%s:%u/\n",
		w->cfg.tls ? "https" : "http", host, port);
	fflush(out);
	int sig = 0;
	/* Waits for SIGINT or SIGTERM, closing slow connections twice a second meanwhile. */
	struct timespec tick = {0, 500 * 1000 * 1000};
	while ((sig = sigtimedwait(&set, NULL, &tick)) < 0)
		sweep_slow(w);
	/* Stop taking connections, then let the requests in progress finish: every write
	 * commits before its reply, so nothing acknowledged is lost. */
	web_gate_stop(w);
	close(fd);
	atomic_store(&w->stopping, true);
	MHD_stop_daemon(w->daemon);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	fprintf(out, "postura: stopped (%s)\n", sig == SIGINT ? "interrupt" : "terminated");
	fflush(out);
	teardown(w);
	return PST_OK;
}
