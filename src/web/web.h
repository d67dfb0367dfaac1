/* postura's web app: pages and a JSON API over the core, served by libmicrohttpd. */
#ifndef PST_WEB_H
#define PST_WEB_H

#include <stdio.h>

#include "core/catalog.h"
#include "core/screen.h"
#include "core/tips.h"
#include "store/store.h"

/* Store connections of one serve process (--pool): the bounds, and the defaults by
 * backend, measured (docs/web.md "The pool of store connections"). */
enum { PST_WEB_POOL_MAX = 512, PST_WEB_POOL_SQLITE = 8, PST_WEB_POOL_PG = 32 };

struct pst_web_config {
	const char *host; /* a numeric IPv4 or IPv6 address; loopback unless allow_remote */
	int port;         /* 0: any free port (printed) */
	bool allow_remote;
	/* HTTPS (serve --tls-cert FILE --tls-key FILE): the certificate (PEM, the server's
	 * first, then its chain) and its private key (PEM). Both NULL: plain HTTP. */
	const char *tls_cert;
	const char *tls_key;
	/* Served over TLS (set with tls_cert and tls_key): the session cookie gets Secure and
	 * the __Host- prefix, and replies carry Strict-Transport-Security. */
	bool tls;
	/* More names the server answers to (--host), as a browser or a proxy sends them in
	 * Host: "NAME" or "NAME:PORT". Requests naming any other host get 421. */
	const char *const *hosts;
	size_t nhosts;
	const char *db_path; /* the database file: named in the server's log, never in replies */
	/* The store the server started with: the deployment's secrets are read from it at
	 * start; requests use connections of their own (open_store). */
	struct pst_store *store;
	/* Opens another connection to the same database, which must exist (one per worker
	 * thread, on its first request): PST_EUNAVAILABLE when it cannot be reached, with
	 * errmsg saying why. */
	int (*open_store)(void *ctx, struct pst_store **out, char *errmsg, size_t size);
	void *open_ctx;
	/* Store connections of this process (serve --pool), each used by one request at a
	 * time: 1 to PST_WEB_POOL_MAX; 0: PST_WEB_POOL_SQLITE. */
	int pool;
	const struct pst_catalog *cat;
	const struct pst_questions *questions;
	const struct pst_tips *tips;
};

/*
 * Serves until SIGINT or SIGTERM, then stops taking connections, lets the requests in
 * progress finish (every write is committed before its reply), and returns PST_OK.
 * Prints "postura: serving on http://HOST:PORT/" (https:// with cfg->tls_cert) to out
 * once listening (the chosen port when cfg->port is 0). Returns PST_EINVAL for an
 * address it cannot use, bad certificate or key files (tls.c), or allow_remote with
 * neither TLS nor accounts, or PST_EIO when it cannot listen; errmsg (size bytes) then
 * says why.
 */
int pst_web_serve(const struct pst_web_config *cfg, FILE *out, char *errmsg, size_t size);

/* True when name is a host name (letters, digits, '-', '.'), an IPv4 address or a
 * bracketed IPv6 address, with an optional ":PORT": what --host takes. */
bool pst_web_host_name_ok(const char *name);

/* True when host is a loopback address (127.0.0.0/8, ::1) or "localhost". */
bool pst_web_is_loopback(const char *host);

#endif
