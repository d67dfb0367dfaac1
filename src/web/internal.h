/* The web app's insides, shared by the server, the route table, the API and the pages. */
#ifndef PST_WEB_INTERNAL_H
#define PST_WEB_INTERNAL_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "app/app.h"
#include "core/tracking.h"
#include "form.h"
#include "web.h"

enum { WEB_ICONS = 3 }; /* 192 px, 512 px, 512 px maskable */

/* Limits of a request. The largest body postura takes is a session log (64 KiB). */
enum {
	WEB_BODY_MAX = 64 * 1024,
	WEB_HEADERS_MAX = 64,
	WEB_CONNECTIONS_MAX = 512,
	WEB_CONNECTION_MEMORY = 32 * 1024, /* request line + headers + body chunks */
	WEB_TIMEOUT_S = 15,                /* a slow or stuck client is dropped */
	/* A connection that has not sent a whole request line and headers this long after
	 * it opened (or after its last reply) is closed, however slowly it keeps sending:
	 * slowloris. libmicrohttpd's own timeout only counts idle time. */
	WEB_HEADER_TIMEOUT_MS = 4000,
	WEB_BODY_TIMEOUT_MS = 30000, /* the same for a body (64 KiB at most) */
	/* Store connections, opened when first needed, each used by one request at a time
	 * (libmicrohttpd runs a thread per connection): requests run side by side, and a
	 * request waiting on the database holds only its own. The default when the config
	 * gives no pool size (serve's own default depends on the backend: cmd_serve.c). */
	WEB_DB_CONNECTIONS = PST_WEB_POOL_SQLITE,
	WEB_PATH_ARG_MAX = 64,
	/* A longer request target, or more query parameters, gets 414 before libmicrohttpd
	 * parses the query into its pool: with a few hundred parameters, or a few dozen in a
	 * target near the pool's size, it runs out, answers nothing and holds the slot. */
	WEB_URI_MAX = 8192,
	/* The request line and headers, at most (431 beyond): room to spare in libmicrohttpd's
	 * pool (WEB_CONNECTION_MEMORY), which also holds the parsed headers and the query. */
	WEB_HEAD_MAX = 16 * 1024,
	WEB_QUERY_PARAMS_MAX = 64,
	WEB_HOSTS_MAX = 24,     /* Host values accepted: the loopback names and --host's */
	WEB_HANDED_MAX = 256,   /* connections handed over, not yet started by libmicrohttpd */
	WEB_HOST_LEN = 264      /* a DNS name (253) with ":65535" */
};

/* Strict-Transport-Security over TLS: browsers use https for this name for a year. */
#define WEB_HSTS "max-age=31536000"

/* What is known to be checked of a connection's bytes (gate.c): the requests whose heads
 * were checked and are not answered yet, in order, each by its length on the wire (head
 * and body); the bytes of those answered before. A chunked body's length is not known:
 * the check ends there (and the reply to it closes the connection). */
enum { WEB_CHECKED_MAX = 16 };
struct web_checked {
	bool known;         /* false: nothing (TLS, a chunked body, more than the gate could say) */
	uint64_t done;      /* bytes of the requests answered */
	unsigned n;         /* requests checked, not yet answered */
	uint32_t len[WEB_CHECKED_MAX];
};

/* The CSRF cookie's value: a random nonce per browser, 32 bytes in base64url. */
enum { WEB_NONCE_LEN = 43 };

/* Replies kept in memory (cache.c) and served until the person's data changes. */
enum web_cache_kind { CACHE_TODAY, CACHE_PLAN_JSON, CACHE_HISTORY_JSON, CACHE_HISTORY_PAGE };
struct web_cache;

/* Bytes kept for the life of the server, with their gzip-compressed copy. */
struct web_blob {
	char *data, *gz;
	size_t len, gz_len;
};

/* The limits of sessions and logins (auth.c), from the environment at start
 * (docs/clinic.md): POSTURA_SESSION_IDLE, POSTURA_SESSION_MAX, POSTURA_LOGIN_WINDOW,
 * POSTURA_LOGIN_LIMIT_ACCOUNT, POSTURA_LOGIN_LIMIT_ADDRESS, POSTURA_INVITE_TTL. */
struct web_auth_limits {
	int64_t idle_s;        /* a session unused this long ends (30 min) */
	int64_t absolute_s;    /* a session ends this long after its login, whatever (12 h) */
	int64_t window_s;      /* failed logins are counted over this window (15 min) */
	int64_t account_limit; /* failures per account in a window (5) */
	int64_t address_limit; /* failures per client address in a window (20) */
	int64_t invite_s;      /* an invitation link works this long (7 days) */
};

/* One store connection of the server's pool, used by one request at a time: opened when
 * a request first needs it, closed when the server stops (or after a failed health
 * check, to be opened again). */
struct web_worker {
	struct pst_store *store; /* NULL: not open (not yet, or closed after a failure) */
	/* What web_store gives while the database cannot be reached: every operation
	 * answers PST_EUNAVAILABLE, its message says why. */
	struct pst_store down;
	/* The request's own person's records on the same connection (auth.c: a patient's
	 * own, a clinician's patient's, or person 0, nobody's, for the other accounts). */
	struct pst_store as;
	struct web_worker *next; /* web.idle */
};

/* The audit log's entries waiting to be written together (audit.c). */
struct web_audit_wait;
struct web_audit_group {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct web_audit_wait *head, *tail; /* queued, oldest first */
	bool busy;                          /* a request is writing a group */
	int64_t last_at;                    /* the time of the last entry queued */
};

struct web {
	struct pst_web_config cfg;
	struct MHD_Daemon *daemon;
	/* Cached pages, of the person's version in the database (data_version: bumped by
	 * every write, by any process), shared by the workers (cache.c). */
	struct web_cache *cache;
	pthread_mutex_t workers_mu;
	/* Requests waiting for a connection, first come first served: a connection given
	 * back goes to the first of them, not to whoever asks next (server.c worker). */
	struct web_pool_wait *waiting, *waiting_tail;
	struct web_worker *workers; /* npool of them */
	int npool;                  /* cfg.pool, or WEB_DB_CONNECTIONS */
	struct web_worker *idle;    /* those no request holds, under workers_mu */
	/* The key CSRF tokens are derived from, shared by every process of the deployment
	 * (kept in the database): a token is HMAC(key, the browser's nonce). */
	unsigned char csrf_key[32];
	char csp[512];   /* Content-Security-Policy, with the inline stylesheet's hash */
	struct MHD_Response *catalog_json; /* GET /api/v1/catalog: built once */
	pthread_mutex_t fig_mu;
	struct web_blob *figs;   /* per exercise, per pose: SVG, drawn on first use */
	struct web_blob *assets; /* the gzip copies of web_assets (data unused) */
	size_t *fig_first;       /* index of exercise i's first pose in figs */
	size_t nfigs;
	pthread_mutex_t conns_mu;
	struct web_conn *conns; /* every open connection, for the header deadline */
	char hosts[WEB_HOSTS_MAX][WEB_HOST_LEN]; /* the Host values served (host_allowed) */
	struct web_blob icons[WEB_ICONS];        /* the app's icons, PNG (page_app.c) */
	struct web_blob manifest;                /* the web app manifest */
	size_t nhosts;
	struct web_gate *gate; /* gate.c: accepts connections and checks each request head */
	char *tls_cert, *tls_key; /* HTTPS: the PEM files' text (tls.c), for libmicrohttpd */
	/* What the gate checked of the connections it handed over, until their thread in
	 * libmicrohttpd starts (web_handed_put, web_handed_take). */
	pthread_mutex_t handed_mu;
	struct {
		bool used;
		int fd;
		struct web_checked checked;
	} handed[WEB_HANDED_MAX];
	atomic_bool stopping; /* the server is stopping: no more waiting for a next request */
	/* Clinic mode (auth.c): set once the database is seen to hold an account; from then
	 * on every request but the public ones needs a session. */
	atomic_bool accounts_on;
	struct web_auth_limits limits;
	struct web_audit_group audit; /* audit.c: the entries waiting to be written */
};

enum web_method { M_GET, M_HEAD, M_POST, M_PUT, M_OTHER };

/* What a handler answers. The server adds the security headers and queues it. */
struct web_reply {
	unsigned status;
	const char *ctype;
	struct pst_buf body;
	const void *static_data; /* instead of body: bytes that outlive the reply */
	size_t static_len;
	const void *static_gz; /* their gzip copy, sent to clients that take gzip */
	size_t static_gz_len;
	const char *location;     /* for 303 */
	char location_buf[3200];  /* a location made for this request (location may point here) */
	char disposition[96];     /* Content-Disposition, or empty */
	const char *cache;        /* Cache-Control; NULL: no-store */
	char allow[64];           /* Allow, for 405 */
	long retry_after;         /* Retry-After in seconds (429), 0: none */
	char session_cookie[192]; /* a Set-Cookie of the session (auth.c), or empty */
	bool clear_site;          /* Clear-Site-Data: the browser's caches and storage (logout) */
	bool set_cookie;          /* the CSRF cookie */
	bool close;               /* Connection: close (a request whose framing is in doubt) */
	bool no_cookie;           /* never the CSRF cookie (a request under a foreign Host) */
	bool queued;              /* the handler queued a response itself (cache hit) */
	struct web_shared *shared; /* a reference to a response made once (a cache's), queued
				    * as it is instead of body (web_shared_*) */
	bool unavailable;         /* the database could not be reached: 503, Retry-After */
	bool plain;               /* sent in plain HTTP on the HTTPS port (gate.c): no HSTS */
};

struct route;

/* One declared query or form parameter after validation. */
struct web_arg {
	bool set;
	const char *s; /* the text (inside the request's form) */
	long long n;   /* for numbers */
	int word;      /* for words: the index in the vocabulary */
};

enum { WEB_ARGS_MAX = 8 };

/* One a connection (MHD_OPTION_NOTIFY_CONNECTION): the request it holds, freed when the
 * connection closes if libmicrohttpd never reported the request completed. */
struct web_conn {
	struct req *pending;
	struct web_conn *prev, *next; /* web.conns, under web.conns_mu */
	int fd;
	int64_t deadline_ms; /* closed then if still waiting for headers or a body; 0: none */
	struct web_checked checked; /* by the gate, then by web_check_next */
	bool ended; /* its next request could not be checked: it is closed, nothing more runs */
};

/* Who a request comes from (auth.c, set by the dispatcher before the handler). With no
 * account in the database (on false) the request is the one-person app's: web_store
 * gives the person the server was started with. */
struct web_auth {
	bool on;                   /* clinic mode: the database holds accounts */
	bool in;                   /* a valid session; acct is its account */
	struct pst_account acct;   /* the account logged in */
	unsigned char session[32]; /* the SHA-256 of its session token */
	/* Whose records web_store gives: the patient's own person, the clinician's patient
	 * of the path (R_ARG_PATIENT, web_patient_for), else 0 (nobody's: empty). */
	int64_t person;
	struct pst_account patient; /* the clinician's patient (patient.id 0: none) */
	char address[64];           /* the client's address */
	/* The path's patient (R_ARG_PATIENT), read with the session in one statement
	 * (session_read): asked is the id asked for (0: none asked), read whether it was
	 * read; found whether it is a patient of this account, then read_patient and its
	 * person's version. web_patient_for takes them instead of reading again. */
	int64_t asked;
	bool read, found;
	struct pst_account read_patient;
	int64_t read_version;
	/* A clinician's roster version, read with the session on a GET or HEAD (roster):
	 * the dashboard's and GET /api/v1/patients' cache key takes it instead of reading
	 * again. Not on a write: its handler reads the version after its write. */
	bool roster;
	int64_t roster_version;
};

struct req {
	struct web *w;
	struct web_conn *wc;
	struct MHD_Connection *conn;
	char *uri; /* raw request target, path and query */
	const char *path;
	enum web_method method;
	const struct route *route;
	char arg[WEB_PATH_ARG_MAX + 1]; /* the {id} of the path */
	struct pst_form query;
	struct web_arg q[WEB_ARGS_MAX]; /* the route's declared query parameters, in order */
	struct pst_buf body;
	struct pst_form form; /* a form body, decoded (BODY_FORM routes) */
	bool started, too_large;
	bool audit_failed; /* the reply was queued, its audit entry not written: close */
	unsigned early; /* a status decided from the headers alone */
	struct pst_time now;
	int64_t today;
	char nonce[WEB_NONCE_LEN + 1]; /* the browser's CSRF nonce (web_csrf_nonce) */
	bool nonce_new;                /* made for this request: the cookie sets it */
	bool keeps;                    /* libmicrohttpd keeps the connection after the reply */
	struct web_auth auth;          /* who is asking (auth.c) */
	/* The person's version, read for this request (cache.c web_version): read after the
	 * request came, so as good for its cache as a read of its own. */
	bool version_read;
	int64_t version_person; /* whose */
	uint64_t version;
	struct web_reply reply;
};

typedef void (*web_handler)(struct web *w, struct req *r);

enum param_type { PT_INT, PT_WORD, PT_DATE, PT_TEXT };

struct param {
	const char *name;
	enum param_type type;
	long lo, hi;                   /* PT_INT: range; PT_TEXT: max length in hi */
	const struct pst_vocab *vocab; /* PT_WORD */
};

enum body_kind { BODY_NONE, BODY_JSON, BODY_FORM };
/* Route flags. Who may use a route (clinic mode, once the database holds accounts; the
 * dispatcher checks it in one place, auth.c web_auth_gate): R_PUBLIC, anyone, no session
 * needed; else a session, and when one of the role flags is set, an account of one of
 * those roles (403 otherwise); no role flag: any account. */
enum {
	R_API = 1 << 0,
	R_CSRF = 1 << 1,
	R_ARG_FIGURE = 1 << 2,
	R_ARG_ASSET = 1 << 3,
	R_PUBLIC = 1 << 4,    /* no session needed (login, the stylesheet, /healthz, /stop) */
	R_RECORDS = 1 << 5,   /* the person's own records: a patient (their person) */
	R_CLINICIAN = 1 << 6, /* a clinician */
	R_ADMIN = 1 << 7,     /* an admin: accounts, the audit log, no health data */
	/* The {} of the path is a patient's account id: the clinician's own patient, else
	 * 404 (the same for an id that does not exist); web_store then gives that patient's
	 * records, and every read or change is written to the audit log. */
	R_ARG_PATIENT = 1 << 8,
};
#define R_ROLES (R_RECORDS | R_CLINICIAN | R_ADMIN)

struct route {
	enum web_method method;
	const char *pattern; /* "/api/v1/catalog/{}": {} is one path segment */
	web_handler fn;
	enum body_kind body;
	unsigned flags;
	const struct param *params; /* query parameters, NULL-name terminated */
};

extern const struct route web_routes[];
extern const size_t web_routes_n;

/* routes.c: finds the route for a path and method; *allowed is set when the path
 * exists with other methods (then NULL is returned: 405). Fills r->arg. */
const struct route *web_route_find(struct req *r, char *allowed, size_t size);
/* Validates the route's declared query parameters into r->q; false with the reply set. */
bool web_route_args(struct req *r);
/* Validates one form field by a declaration; false with *msg set. */
bool web_param_check(const struct param *p, const char *text, struct web_arg *out,
		     const char **msg);

/* gate.c: the request head (request line and headers) as a client sent it. */
enum web_head_verdict { HEAD_MORE, HEAD_OK, HEAD_BAD };
struct web_head {
	size_t head_len; /* HEAD_OK: its bytes, the blank line included */
	size_t body_len; /* Content-Length (0 without) */
	bool chunked, http11;
	bool api;         /* the target is under /api/ (the error is JSON) */
	int headers;      /* header fields */
	unsigned status;  /* HEAD_BAD: the reply's status */
	const char *code; /* HEAD_BAD: the error's code */
	char msg[160];    /* HEAD_BAD: what is wrong, and where */
};
/* Checks the head at the start of p[0..n): HEAD_MORE while it is well formed so far but
 * not whole, HEAD_OK when it is whole and well formed, HEAD_BAD with h's status, code and
 * message (as soon as the bytes so far show it). */
enum web_head_verdict web_head_check(const char *p, size_t n, struct web_head *h);
/* gate.c: the gate hands a connection over with what it checked of it; libmicrohttpd's
 * thread for it takes that (nothing known when it is not there). */
void web_handed_put(struct web *w, int fd, const struct web_checked *checked);
void web_handed_take(struct web *w, int fd, struct web_checked *out);
/* A request of the connection has been answered and the connection stays open (from
 * on_done, in the connection's thread): its next request is checked before libmicro-
 * httpd reads it. When it was checked already (pipelined), at once; else waits (until
 * deadline_ms) for its head in the socket and checks it as the gate does. true:
 * libmicrohttpd may read on. false: the connection is ended (a bad head got one reply of
 * ours; or nothing more can be checked, as when libmicrohttpd read past what was checked,
 * and it is closed without one: a pipelining client sends the rest again; or the
 * deadline passed). */
bool web_check_next(struct web *w, int fd, struct web_checked *ck, int64_t deadline_ms);
/* Starts the thread that accepts on lfd and hands good connections to w->daemon. */
int web_gate_start(struct web *w, int lfd);
void web_gate_stop(struct web *w);

/* tls.c: reads --tls-cert's certificate chain and --tls-key's private key (PEM) into
 * *cert and *key (malloc'd) and checks them with GnuTLS: each is what it should be, the
 * certificate is in force, the key is the certificate's. Otherwise PST_EINVAL (PST_EIO
 * when a file cannot be read), errmsg naming the file and what is wrong. Warnings (a
 * certificate about to expire, a key others can read) go to log. */
int web_tls_load(const char *cert_path, const char *key_path, char **cert, char **key, FILE *log,
		 char *errmsg, size_t size);

/* server.c: replies. */
/* Appends rp as bytes to send on a socket (status line, our headers, the body). */
void web_raw_reply(struct web *w, const struct web_reply *rp, struct pst_buf *out);
void web_json(struct req *r, unsigned status, json_t *j);              /* consumes j */
void web_error(struct req *r, unsigned status, const char *code, const char *field,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void web_redirect(struct req *r, const char *location);
const char *web_header(struct req *r, const char *name);
/* The calling worker thread's own store connection, opened on first use (at most one
 * attempt per request). Never NULL: while the database cannot be reached, a store
 * whose every operation fails with PST_EUNAVAILABLE (then the reply is a 503). */
struct pst_store *web_store(struct web *w);
/* The store's last error message (or err's words) into buf, without file names. When
 * err is PST_EUNAVAILABLE the request's reply becomes a 503 with Retry-After. */
const char *web_store_errmsg(struct web *w, int err, char *buf, size_t size);
/* GET /healthz: 200 when the database answers a trivial query, else 503. */
void web_healthz(struct web *w, struct req *r);
/* Appends data gzip-compressed to out; false when zlib or out failed. */
bool web_gzip(const void *data, size_t len, struct pst_buf *out);
/* The person's version in the database now (read on every request that may be served
 * from the cache: a write through any process shows at once); WEB_NO_VERSION when it
 * cannot be read (nothing is then served from or kept in the cache). */
uint64_t web_version(struct web *w);
#define WEB_NO_VERSION UINT64_MAX
/* The request this thread is answering, or NULL. */
struct req *web_current(void);
/* Whether this thread's request holds a connection of the pool already. */
bool web_holds_connection(void);
/* The same read on the request's own store connection, for web_version (cache.c). */
uint64_t web_version_read(struct web *w);
/* Whether the database holds any account (then remembered in w->accounts_on); false
 * with *failed when it cannot be read. On PostgreSQL read with the person's version, by
 * one request for all those waiting (cache.c). */
bool web_accounts_any(struct web *w, struct req *r, bool *failed);
/* cache.c. The bounds from the environment (POSTURA_PAGE_CACHE_ENTRIES,
 * POSTURA_PAGE_CACHE_MB); false with errmsg when one is not a number. */
bool web_cache_setup(struct web *w, char *errmsg, size_t size);
void web_cache_teardown(struct web *w);
/* Queues the kept reply of this kind for the request's person, account, day, query
 * (since, saved: what else the reply depends on) and browser when it is of this
 * version; true when it did. */
bool web_cache_serve(struct web *w, struct req *r, enum web_cache_kind kind, const char *query,
		     uint64_t version);
/* Keeps r->reply's body (a 200) as that reply for version, and queues it. */
void web_cache_put(struct web *w, struct req *r, enum web_cache_kind kind, const char *query,
		   uint64_t version);
/* The headers of every reply (cookie: the CSRF nonce to set, or NULL). */
void web_add_headers(struct MHD_Response *resp, const struct web *w, const char *ctype,
		     const char *cache, const char *cookie);
/* Whether the client takes gzip. */
bool web_wants_gzip(struct req *r);
/* The CSRF nonce in the request's cookie, or NULL. */
const char *web_cookie_nonce(struct req *r);
/* A reply made once and sent to many (clinic.c's cache): the response and its gzip copy,
 * with the headers of the request it was made for, counted references. web_shared_make
 * takes r->reply (a 200 with a body) and gives a reference; web_reply_share makes r's
 * reply a reference to s (taken: web_shared_ref first to keep one); send_reply queues
 * it without copying; web_reply_unshare drops it (the reply is then empty). */
struct web_shared *web_shared_make(struct web *w, struct req *r);
void web_shared_ref(struct web_shared *s);
void web_shared_unref(struct web_shared *s);
void web_reply_share(struct req *r, struct web_shared *s);
void web_reply_unshare(struct req *r);
/* True when the form's csrf field is the token of the nonce in the browser's cookie
 * (HMAC with the deployment's key): a form fetched from any process of the deployment. */
bool web_csrf_ok(struct web *w, struct req *r, const struct pst_form *f);
/* The request's CSRF nonce: the cookie's, or a new one (then sent in Set-Cookie). */
const char *web_csrf_nonce(struct req *r);
/* The form token of the request's nonce, base64url, into buf (at least 48 bytes). */
const char *web_csrf_token(struct req *r, char *buf, size_t size);

/* api.c */
void api_catalog(struct web *w, struct req *r);
void api_catalog_item(struct web *w, struct req *r);
void api_screen(struct web *w, struct req *r);
void api_profile_get(struct web *w, struct req *r);
void api_profile_put(struct web *w, struct req *r);
void api_plan(struct web *w, struct req *r);
void api_checkins(struct web *w, struct req *r);
void api_history(struct web *w, struct req *r);
void api_sessions(struct web *w, struct req *r);
void api_export(struct web *w, struct req *r);
json_t *web_catalog_json(const struct pst_catalog *c);

/* Shared by the API and the forms: a check-in from its fields' text. Returns true, or
 * false with *field and msg (size bytes) saying what is wrong. */
bool web_checkin_from_text(const char *pain, const char *areas, const char *note, const char *at,
			   struct pst_time now, struct pst_checkin *out, const char **field,
			   char *msg, size_t size);
/* A profile from its fields' text (NULL: not given), as PUT /api/v1/profile and the
 * profile form both send it. */
bool web_profile_from_text(const char *const text[PST_PF__MAX], struct pst_profile *p,
			   const char **field, char *msg, size_t size);
/* Saves p as the person's profile now; returns PST_OK or the store's error. */
int web_profile_save(struct web *w, const struct pst_profile *p, struct pst_time now);
/* Saves answers (a JSON object) for stages; the store's error or PST_OK. */
int web_screening_save(struct web *w, const char *answers, unsigned stages, struct pst_time now);

/* Saves a session log given as JSON text (the API's body, or the session form turned
 * into it) with an idempotency key or NULL; on a problem the reply says what and 0 is
 * returned, else the id (the first write's when the key was used before). */
int64_t web_session_save(struct web *w, struct req *r, const char *text, size_t len,
			 const char *idem);
/* The write's idempotency key: the Idempotency-Key header, else form f's "idem" field (f
 * may be NULL); *key NULL when none. False with a 422 reply when it is malformed. */
bool web_idem_key(struct req *r, const struct pst_form *f, const char **key);
/* api.c: a session's outcome as the API's JSON. */
struct pst_app_session_outcome;
json_t *web_outcome_json(const struct pst_app_session_outcome *o);
/* api.c: the person's history and what the report needs, read under the store's lock
 * (pst_app_report_read). The caller frees *rep with pst_app_report_free. */
int web_report(struct web *w, int64_t since, int64_t today, bool full, struct pst_app_report *rep);

/* pages.c */
void page_home(struct web *w, struct req *r);
void page_today(struct web *w, struct req *r);
void page_screening(struct web *w, struct req *r);
void page_screening_post(struct web *w, struct req *r);
void page_referral(struct web *w, struct req *r);
void page_profile(struct web *w, struct req *r);
void page_profile_post(struct web *w, struct req *r);
void page_checkin_post(struct web *w, struct req *r);
void page_session(struct web *w, struct req *r);
void page_session_post(struct web *w, struct req *r);
void page_session_done(struct web *w, struct req *r);
void page_history(struct web *w, struct req *r);
/* GET /handout.pdf and /report.pdf: the plan on paper, the report for a clinician. */
void page_handout(struct web *w, struct req *r);
void page_report(struct web *w, struct req *r);
/* GET /chart/KIND.svg: a history chart; its size words (narrow, wide) for the route. */
void page_chart(struct web *w, struct req *r);
extern const struct pst_vocab web_chart_size_vocab;
void page_psfs_post(struct web *w, struct req *r);
/* page_calendar.c: GET /calendar.ics, GET /calendar/TOKEN.ics, POST /calendar, and the
 * profile page's section with the subscription address and its QR code. */
void page_calendar_ics(struct web *w, struct req *r);
void page_calendar_token(struct web *w, struct req *r);
void page_calendar_post(struct web *w, struct req *r);
void page_calendar_section(struct web *w, struct req *r, struct pst_buf *b);
void page_exercises(struct web *w, struct req *r);
void page_exercise(struct web *w, struct req *r);
void page_tips(struct web *w, struct req *r);
void page_tip(struct web *w, struct req *r);
void page_about(struct web *w, struct req *r);
void page_sources(struct web *w, struct req *r);
void page_disclaimer(struct web *w, struct req *r);
void page_stop(struct web *w, struct req *r);
void page_figure(struct web *w, struct req *r);
void page_figure_pregnant(struct web *w, struct req *r);
void page_asset(struct web *w, struct req *r);
/* page_app.c: the installable, offline app. */
int web_app_setup(struct web *w);
void web_app_teardown(struct web *w);
void page_manifest(struct web *w, struct req *r);
void page_icon(struct web *w, struct req *r);
void page_sw(struct web *w, struct req *r);
void page_offline_list(struct web *w, struct req *r);
void page_offline(struct web *w, struct req *r);
/* The <img> of pose `pose` of e (lazy: loaded when scrolled to). */
void page_figure_img(struct pst_buf *b, const struct pst_exercise *e, size_t pose, bool lazy,
		     bool pregnant);
/* The <img> of an exercise's movement, animated (lazy; the stylesheet shows it only to
 * those who have not asked for reduced motion). */
void page_figure_moving(struct pst_buf *b, const struct pst_exercise *e, bool pregnant);
/* A tip's body, rendered safely, and its source. */
void page_tip_body(struct pst_buf *b, const struct pst_tip *t);
/* An HTML error page. */
void page_error(struct req *r, unsigned status, const char *title, const char *msg);

/* auth.c: accounts, sessions and roles (clinic mode; docs/clinic.md). */
/* Reads the limits from the environment; false with errmsg naming the variable. */
bool web_auth_setup(struct web *w, char *errmsg, size_t size);
/* The one check of who may use the route, run by the dispatcher before the handler:
 * fills r->auth; in clinic mode a request without a valid session gets 401 (API) or a
 * redirect to /login?next= (pages), one of a role the route does not take 403, a
 * clinician's patient id that is not theirs 404. False with the reply set. */
bool web_auth_gate(struct web *w, struct req *r);
/* After the handler: the audit log's entry for a read or change of a patient's records
 * (a clinician's, or a patient's own change), when the reply says it was done, written
 * before the reply is sent. False when it could not be written: the reply is then an
 * error (nothing of the records is sent unrecorded), or, for a reply the handler queued
 * itself, the connection must be closed without it. */
bool web_auth_audit(struct web *w, struct req *r);
/* For a clinician's handler that names a patient itself (not through R_ARG_PATIENT):
 * true when patient_account is one of the clinician's own patients, then *out is that
 * account and web_store gives that patient's records from here on; false with a 404
 * reply otherwise (the same whether the id exists or not) or a 403 for another role. */
bool web_patient_for(struct web *w, struct req *r, int64_t patient_account, struct pst_account *out);
/* The database the request's store connection is on, or NULL (the reply becomes 503)
 * when it cannot be reached. */
struct pst_db *web_db(struct web *w);
/* Writes an audit entry of this request's account and address (patient: a person id or
 * 0; account: the account acted on or 0), durable when it returns (grouped with other
 * requests' entries: audit.c). PST_OK or the store's error, which is also logged. */
int web_audit(struct web *w, struct req *r, const char *action, int64_t patient, int64_t account);
/* audit.c: the group commit. web_audit_write queues e, and returns once the transaction
 * that held it is committed (PST_OK) or failed (its error; errmsg the store's words).
 * last_use: the request uses the database no more, so its pool connection is given back
 * while it waits. */
void web_audit_group_init(struct web_audit_group *g);
void web_audit_group_destroy(struct web_audit_group *g);
int web_audit_write(struct web *w, const struct pst_audit *e, bool last_use, char *errmsg,
		    size_t size);
/* Gives the request's store connection back to the pool now (the next web_db or
 * web_store takes one again). */
void web_db_release(struct web *w);
/* A one-time invitation for account: a new random token whose SHA-256 is stored with the
 * expiry (limits.invite_s); its link ("http(s)://HOST/invite/TOKEN") into link. The
 * store's error or PST_OK. */
int web_invitation_new(struct web *w, struct req *r, int64_t account, char *link, size_t size);
/* Where an account goes from "/": a patient to today, a clinician to their patients, an
 * admin to the accounts. */
const char *web_home_of(const struct web_auth *a);
/* Whether the account of a may open the page at target (a local path, GET): where a
 * login goes next only when it may. */
bool web_auth_may(const struct web_auth *a, const char *target);
/* The scheme the client reached us by: https over TLS or behind a proxy that says so. */
const char *web_scheme(struct req *r);
void api_login(struct web *w, struct req *r);
void api_logout(struct web *w, struct req *r);
void api_whoami(struct web *w, struct req *r);
/* page_auth.c: the login page, the invitation (set a password), the admin pages. */
/* page_programme.c: a clinician's patient's programme (docs/clinic.md). */
void api_programme_get(struct web *w, struct req *r);
void api_programme_put(struct web *w, struct req *r);
void page_programme(struct web *w, struct req *r);
void page_programme_post(struct web *w, struct req *r);
void page_login(struct web *w, struct req *r);
void page_login_post(struct web *w, struct req *r);
void page_logout_post(struct web *w, struct req *r);
void page_invite(struct web *w, struct req *r);
void page_invite_post(struct web *w, struct req *r);
void page_admin(struct web *w, struct req *r);
void page_admin_post(struct web *w, struct req *r);
void page_admin_audit(struct web *w, struct req *r);
/* The logout button of the header (when logged in). */
void page_logout_button(struct req *r, struct pst_buf *b);

/* clinic.c: the clinician's side (docs/clinic.md). */
void api_patients(struct web *w, struct req *r);
void api_patients_post(struct web *w, struct req *r);
void api_patient_history(struct web *w, struct req *r);
void page_clinic(struct web *w, struct req *r);
void page_clinic_add(struct web *w, struct req *r);
void page_clinic_patient(struct web *w, struct req *r);
void page_clinic_chart(struct web *w, struct req *r);
void page_clinic_handout(struct web *w, struct req *r);
void page_clinic_report(struct web *w, struct req *r);
void page_clinic_invite(struct web *w, struct req *r);
void api_patient_invite(struct web *w, struct req *r);

/* assets.c (generated by tools/embed_web.py from data/web/) */
struct web_asset {
	const char *name;   /* "app.css" */
	const char *hashed; /* "app.1a2b3c4d.css": the name pages link to */
	const char *ctype;
	const unsigned char *data;
	size_t len;
};
extern const struct web_asset web_assets[];
extern const size_t web_assets_n;
const struct web_asset *web_asset_named(const char *name);

#endif
