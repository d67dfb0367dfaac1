/*
 * Clinic mode: accounts, sessions and roles (docs/clinic.md). With no account in the
 * database the server is the one-person app it always was, and nothing here applies.
 * Once the database holds an account (the first `postura user add`), every request but
 * the public ones (R_PUBLIC in the route table: login, the stylesheet and icons,
 * /healthz, the stop signs, an invitation) needs a session, and the route's role flags
 * say which accounts may use it. Everything about who may do what is decided here, in
 * web_auth_gate, which the dispatcher runs before any handler.
 *
 * A session is a random 256-bit token in a cookie (HttpOnly, SameSite=Strict; Secure and
 * the __Host- prefix over TLS); the database keeps only its SHA-256, so a copy of the
 * database opens no session. It ends on logout, after an idle time, after an absolute
 * time, and when the account's password is set or the account disabled.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/password.h"
#include "authp.h"
#include "internal.h"
#include "render/html.h"

/* --- limits ----------------------------------------------------------------------- */

static bool env_limit(const char *name, int64_t def, int64_t *out, char *errmsg, size_t size)
{
	const char *v = getenv(name);
	*out = def;
	if (!v || !*v)
		return true;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end || n < 1 || n > 100LL * 365 * 86400) {
		snprintf(errmsg, size, "%s: '%.40s' must be a whole number of at least 1", name, v);
		return false;
	}
	*out = n;
	return true;
}

bool web_auth_setup(struct web *w, char *errmsg, size_t size)
{
	struct web_auth_limits *l = &w->limits;
	if (!env_limit("POSTURA_SESSION_IDLE", 30 * 60, &l->idle_s, errmsg, size) ||
	    !env_limit("POSTURA_SESSION_MAX", 12 * 3600, &l->absolute_s, errmsg, size) ||
	    !env_limit("POSTURA_LOGIN_WINDOW", 15 * 60, &l->window_s, errmsg, size) ||
	    !env_limit("POSTURA_LOGIN_LIMIT_ACCOUNT", 5, &l->account_limit, errmsg, size) ||
	    !env_limit("POSTURA_LOGIN_LIMIT_ADDRESS", 20, &l->address_limit, errmsg, size) ||
	    !env_limit("POSTURA_INVITE_TTL", 7 * 86400, &l->invite_s, errmsg, size))
		return false;
	/* Known at once when the database holds accounts already. */
	int64_t n = 0;
	struct pst_db *db = w->cfg.store ? w->cfg.store->db : NULL;
	if (db && db->ops->account_count && db->ops->account_count(db, &n) == PST_OK && n > 0)
		atomic_store(&w->accounts_on, true);
	return true;
}

/* --- helpers ---------------------------------------------------------------------- */

static int64_t wall_now(void)
{
	return (int64_t)time(NULL);
}

/* The last address of X-Forwarded-For, which the proxy in front (docs/nginx.conf:
 * $proxy_add_x_forwarded_for) appends itself; false when it is not a plain address. */
static bool forwarded_for(struct req *r, char *out, size_t size)
{
	const char *xff = web_header(r, "X-Forwarded-For");
	if (!xff)
		return false;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	char a[64];
	size_t n = strcspn(last, " \t");
	if (n == 0 || n >= sizeof a || last[n + strspn(last + n, " \t")] != '\0')
		return false;
	memcpy(a, last, n);
	a[n] = '\0';
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, a, &a4) != 1 && inet_pton(AF_INET6, a, &a6) != 1)
		return false;
	snprintf(out, size, "%s", a);
	return true;
}

/* Where the request comes from: the connection's peer; behind a proxy on this machine (a
 * loopback peer that sends X-Forwarded-For), the client the proxy names. The per-address
 * login limit and the audit log use it. */
static void client_address(struct req *r, char *out, size_t size)
{
	snprintf(out, size, "unknown");
	const union MHD_ConnectionInfo *ci =
		r->conn ? MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS) : NULL;
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	if (!sa)
		return;
	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)size);
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		/* An IPv4 client on an IPv6 socket is the IPv4 address. */
		if (IN6_IS_ADDR_V4MAPPED(a6))
			inet_ntop(AF_INET, &a6->s6_addr[12], out, (socklen_t)size);
		else
			inet_ntop(AF_INET6, a6, out, (socklen_t)size);
	}
	if (pst_web_is_loopback(out))
		forwarded_for(r, out, size);
}

static const char *cookie_name(const struct web *w)
{
	/* __Host-: a browser takes it only from a secure origin, with Path=/ and no Domain,
	 * so no other host (a sibling subdomain) can set or shadow it. */
	return w->cfg.tls ? "__Host-pst_session" : "pst_session";
}

static void set_cookie(struct web *w, struct req *r, const char *value, int64_t max_age)
{
	snprintf(r->reply.session_cookie, sizeof r->reply.session_cookie,
		 "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", cookie_name(w), value,
		 (long long)max_age, w->cfg.tls ? "; Secure" : "");
}

static void clear_cookie(struct web *w, struct req *r)
{
	set_cookie(w, r, "", 0);
}

/* The hash of the session token in the request's cookie; false when there is none or
 * it is not one of ours. */
static bool cookie_token(struct web *w, struct req *r, unsigned char hash[32], bool *present)
{
	const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, cookie_name(w));
	unsigned char raw[WEB_TOKEN_BYTES];
	*present = c != NULL;
	if (!c || !web_token_parse(c, strlen(c), raw))
		return false;
	crypto_hash_sha256(hash, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	return true;
}

/* Whether the database holds any account: asked until it does, then remembered (an
 * account is never removed, only disabled). Asked with the person's version, in one read
 * for many requests on PostgreSQL (cache.c web_accounts_any). */
static bool accounts_on(struct web *w, struct req *r, bool *failed)
{
	return web_accounts_any(w, r, failed);
}

static const char *role_word(enum pst_role role)
{
	return pst_role_name(role);
}

static int audit_entry(struct web *w, struct req *r, const char *action, int64_t patient,
		       int64_t account, bool last_use)
{
	if (!web_db(w))
		return PST_EUNAVAILABLE;
	struct pst_audit e;
	memset(&e, 0, sizeof e);
	e.at_epoch = wall_now();
	e.actor = r->auth.in ? r->auth.acct.id : 0;
	snprintf(e.action, sizeof e.action, "%s", action);
	e.patient = patient;
	e.account = account;
	snprintf(e.address, sizeof e.address, "%s", r->auth.address);
	char msg[200] = "";
	int err = web_audit_write(w, &e, last_use, msg, sizeof msg);
	if (err)
		fprintf(stderr, "postura: audit: %s (%s by account %lld)\n", msg, action,
			(long long)e.actor);
	return err;
}

int web_audit(struct web *w, struct req *r, const char *action, int64_t patient, int64_t account)
{
	return audit_entry(w, r, action, patient, account, false);
}

const char *web_home_of(const struct web_auth *a)
{
	if (!a->on || !a->in || a->acct.role == PST_ROLE_PATIENT)
		return "/today";
	return a->acct.role == PST_ROLE_ADMIN ? "/admin" : "/clinic";
}

const char *web_scheme(struct req *r)
{
	if (r->w->cfg.tls)
		return "https";
	const char *p = web_header(r, "X-Forwarded-Proto");
	return p && strcmp(p, "https") == 0 ? "https" : "http";
}

/* --- the session of a request ------------------------------------------------------ */

/* The sessions this process wrote last_seen of lately: a request that finds last_seen
 * old writes it only when no other request of the process did within `every` seconds
 * (a small table by the token's hash; two sessions sharing a slot only touch a little
 * more often). */
enum { TOUCH_SLOTS = 256 };
static pthread_mutex_t touch_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	unsigned char hash[32];
	int64_t at;
} touched[TOUCH_SLOTS];

static bool touch_claim(const unsigned char hash[32], int64_t now, int64_t every)
{
	size_t i = ((size_t)hash[0] | (size_t)hash[1] << 8) % TOUCH_SLOTS;
	bool mine = false;
	pthread_mutex_lock(&touch_mu);
	if (memcmp(touched[i].hash, hash, 32) != 0 || now - touched[i].at >= every) {
		memcpy(touched[i].hash, hash, 32);
		touched[i].at = now;
		mine = true;
	}
	pthread_mutex_unlock(&touch_mu);
	return mine;
}

/* A person's version read with the session (session_read): a read after the request
 * came, as good for the page cache as one of its own (cache.c web_version), which then
 * takes it instead of reading again. Only for a request that writes nothing: a write's
 * handler reads the version after its write. */
static void version_known(struct req *r, int64_t person, int64_t version)
{
	if ((r->method != M_GET && r->method != M_HEAD) || person < 1 || version < 0)
		return;
	r->version_read = true;
	r->version_person = person;
	r->version = (uint64_t)version;
}

/* Looks the request's session up, with its account and (patient > 0) the path's patient
 * in the same statement; fills r->auth when it is valid. A session past its limits is
 * ended (and the cookie cleared), and so is the cookie of a disabled account's session.
 * PST_OK or the store's error. */
static int session_of(struct web *w, struct req *r, struct pst_db *db, int64_t patient)
{
	struct web_auth *a = &r->auth;
	unsigned char hash[32];
	bool present;
	if (!cookie_token(w, r, hash, &present)) {
		if (present)
			clear_cookie(w, r);
		return PST_OK;
	}
	struct pst_session_read s;
	bool found = false;
	int err = db->ops->session_read(db, hash, patient, &s, &found);
	if (err)
		return err;
	int64_t now = wall_now();
	if (found && (now - s.session.last_seen_epoch > w->limits.idle_s ||
		      now - s.session.created_epoch > w->limits.absolute_s)) {
		db->ops->session_delete(db, hash);
		found = false;
	}
	if (!found || s.account.disabled) {
		clear_cookie(w, r);
		return PST_OK;
	}
	a->in = true;
	a->acct = s.account;
	memcpy(a->session, hash, sizeof hash);
	if (s.account.role == PST_ROLE_PATIENT) {
		a->person = s.account.person;
		if (s.has_own_version)
			version_known(r, a->person, s.own_version);
	}
	if (s.account.role == PST_ROLE_CLINICIAN && s.has_roster_version &&
	    (r->method == M_GET || r->method == M_HEAD)) {
		a->roster = true;
		a->roster_version = s.roster_version;
	}
	if (patient > 0) {
		a->asked = patient;
		a->read = true;
		a->found = s.has_patient;
		a->read_patient = s.patient;
		a->read_version = s.patient_version;
	}
	/* Seen now: at most once a minute (a write), more often when the idle limit is
	 * short; and by one request of this process only, not by every request that reads
	 * the old time at once (64 connections of one browser: 64 writes). */
	int64_t every = w->limits.idle_s / 4 < 60 ? w->limits.idle_s / 4 : 60;
	if (now - s.session.last_seen_epoch >= every && touch_claim(hash, now, every))
		db->ops->session_touch(db, hash, now);
	return PST_OK;
}

static void unauthorized(struct web *w, struct req *r)
{
	(void)w;
	if (r->route->flags & R_API) {
		web_error(r, MHD_HTTP_UNAUTHORIZED, "unauthorized", NULL,
			  "log in first: POST /api/v1/login with your email and password");
		return;
	}
	/* Back to the page asked for after logging in, when it is one to go back to. */
	struct pst_buf loc;
	pst_buf_init(&loc, sizeof r->reply.location_buf);
	pst_buf_puts(&loc, "/login");
	if ((r->method == M_GET || r->method == M_HEAD) && web_next_ok(r->uri) &&
	    strcmp(r->uri, "/") != 0) {
		pst_buf_puts(&loc, "?next=");
		pst_html_url(&loc, r->uri);
	}
	snprintf(r->reply.location_buf, sizeof r->reply.location_buf, "%s",
		 !loc.failed && loc.s && loc.len < sizeof r->reply.location_buf ? loc.s : "/login");
	pst_buf_free(&loc);
	web_redirect(r, r->reply.location_buf);
}

static void forbidden(struct req *r)
{
	const char *who = r->auth.in ? role_word(r->auth.acct.role) : "this";
	if (r->route->flags & R_API) {
		web_error(r, MHD_HTTP_FORBIDDEN, "forbidden", NULL, "a%s %s account may not do this",
			  who[0] == 'a' ? "n" : "", who);
		return;
	}
	char msg[160];
	snprintf(msg, sizeof msg, "This page is not for a%s %s account.", who[0] == 'a' ? "n" : "",
		 who);
	page_error(r, MHD_HTTP_FORBIDDEN, "Not for this account", msg);
}

static bool role_allowed(unsigned flags, enum pst_role role)
{
	if (!(flags & R_ROLES))
		return true;
	return ((flags & R_RECORDS) && role == PST_ROLE_PATIENT) ||
	       ((flags & R_CLINICIAN) && role == PST_ROLE_CLINICIAN) ||
	       ((flags & R_ADMIN) && role == PST_ROLE_ADMIN);
}

bool web_auth_may(const struct web_auth *a, const char *target)
{
	char path[WEB_NEXT_MAX + 1];
	snprintf(path, sizeof path, "%.*s", (int)strcspn(target, "?#"), target);
	struct req *t = calloc(1, sizeof(*t));
	if (!t)
		return false;
	t->path = path;
	t->method = M_GET;
	char allowed[64];
	const struct route *rt = web_route_find(t, allowed, sizeof allowed);
	free(t);
	if (!rt)
		return false;
	if (!a->on || (rt->flags & R_PUBLIC))
		return true;
	return a->in && role_allowed(rt->flags, a->acct.role) && !(rt->flags & R_ARG_PATIENT);
}

static void store_unavailable(struct web *w, struct req *r, int err)
{
	char msg[512];
	web_error(r, 500, "store", NULL, "%s", web_store_errmsg(w, err, msg, sizeof msg));
}

bool web_auth_gate(struct web *w, struct req *r)
{
	struct web_auth *a = &r->auth;
	memset(a, 0, sizeof(*a));
	client_address(r, a->address, sizeof a->address);
	bool failed;
	if (!accounts_on(w, r, &failed)) {
		/* The one-person app. A database that cannot be reached: the handler's own
		 * reads fail with 503, and the public pages answer as ever. The pages of
		 * clinicians and admins are not there. */
		if ((r->route->flags & (R_CLINICIAN | R_ADMIN)) && !(r->route->flags & R_RECORDS)) {
			if (failed)
				store_unavailable(w, r, PST_EUNAVAILABLE);
			else
				web_error(r, MHD_HTTP_NOT_FOUND, "no-accounts", NULL,
					  "this server has no accounts: it serves one person's records "
					  "without a login");
			return false;
		}
		return true;
	}
	a->on = true;
	unsigned flags = r->route->flags;
	/* The patient of the path is read with the session (web_patient_for checks it). */
	int64_t patient = 0;
	if (flags & R_ARG_PATIENT) {
		char *end;
		long long id = strtoll(r->arg, &end, 10);
		patient = *end || id < 1 ? 0 : id;
	}
	struct pst_db *db = web_db(w);
	int err = db ? session_of(w, r, db, patient) : PST_EUNAVAILABLE;
	if (err) {
		if (flags & R_PUBLIC)
			return true; /* answered as to someone not logged in */
		store_unavailable(w, r, err);
		return false;
	}
	if (flags & R_PUBLIC)
		return true;
	if (!a->in) {
		unauthorized(w, r);
		return false;
	}
	if (!role_allowed(flags, a->acct.role)) {
		forbidden(r);
		return false;
	}
	if (flags & R_ARG_PATIENT) {
		struct pst_account p;
		return web_patient_for(w, r, patient, &p);
	}
	return true;
}

bool web_patient_for(struct web *w, struct req *r, int64_t patient_account, struct pst_account *out)
{
	struct web_auth *a = &r->auth;
	bool api = r->route ? (r->route->flags & R_API) != 0 : strncmp(r->path, "/api/", 5) == 0;
	if (a->on && (!a->in || a->acct.role != PST_ROLE_CLINICIAN)) {
		if (!a->in)
			unauthorized(w, r);
		else
			forbidden(r);
		return false;
	}
	struct pst_account p;
	bool found = false;
	/* Read with the session already (web_auth_gate), or now. */
	bool read = a->on && a->read && patient_account > 0 && a->asked == patient_account;
	struct pst_db *db = a->on && !read ? web_db(w) : NULL;
	int err = !a->on || patient_account < 1 || read ? PST_OK
		  : db ? db->ops->account_get(db, patient_account, &p, &found)
		       : PST_EUNAVAILABLE;
	if (read) {
		found = a->found;
		p = a->read_patient;
	}
	if (err) {
		store_unavailable(w, r, err);
		return false;
	}
	/* The same answer for an id that does not exist and for another clinician's
	 * patient: nothing tells them apart. */
	if (!found || p.role != PST_ROLE_PATIENT || p.clinician != a->acct.id || p.person < 1) {
		if (api)
			web_error(r, MHD_HTTP_NOT_FOUND, "not-found", NULL,
				  "no patient %lld among your patients", (long long)patient_account);
		else
			page_error(r, MHD_HTTP_NOT_FOUND, "Not found",
				   "There is no such patient among yours.");
		return false;
	}
	a->patient = p;
	a->person = p.person;
	*out = p;
	if (read) /* the patient's version came with the session */
		version_known(r, p.person, a->read_version);
	return true;
}

bool web_auth_audit(struct web *w, struct req *r)
{
	struct web_auth *a = &r->auth;
	if (!a->on || !a->in || !r->route)
		return true;
	/* A reply queued by the handler itself is a page from the cache: a success. */
	unsigned status = r->reply.queued ? 200 : r->reply.status;
	if (status >= 400)
		return true;
	bool change = r->method == M_POST || r->method == M_PUT;
	int err = PST_OK;
	/* The entry is this request's last use of the database: its connection goes back
	 * to the pool while the entry waits for its group (audit.c). */
	if (a->patient.id)
		err = audit_entry(w, r, change ? "change" : "read", a->patient.person, a->patient.id, true);
	else if (change && (r->route->flags & R_RECORDS) && a->acct.role == PST_ROLE_PATIENT)
		err = audit_entry(w, r, "change", a->acct.person, a->acct.id, true);
	else if (!change && (r->route->flags & R_CLINICIAN) && a->acct.role == PST_ROLE_CLINICIAN)
		/* The list of the clinician's patients, with what needs attention: a read of
		 * all of them at once. */
		err = audit_entry(w, r, "read-list", 0, 0, true);
	if (!err)
		return true;
	/* Not recorded: nothing of the records is sent. A change was saved already, and
	 * says so. */
	if (r->reply.queued)
		return false;
	web_reply_unshare(r);
	pst_buf_free(&r->reply.body);
	r->reply.static_data = r->reply.static_gz = NULL;
	r->reply.disposition[0] = '\0';
	r->reply.location = NULL;
	if (err == PST_EUNAVAILABLE)
		r->reply.unavailable = true;
	if (change)
		web_error(r, 500, "audit", NULL,
			  "your change was saved, but the audit log could not record it: tell the "
			  "clinic's administrator");
	else if (r->route->flags & R_API)
		web_error(r, 500, "audit", NULL,
			  "the audit log could not record this read, so nothing is shown; try again "
			  "in a moment");
	else
		page_error(r, 500, "Not recorded",
			   "The audit log could not record this read, so nothing is shown. Try "
			   "again in a moment.");
	return false;
}

/* --- logging in and out -------------------------------------------------------------- */

enum login_result { LOGIN_OK, LOGIN_BAD, LOGIN_LIMITED, LOGIN_ERROR };

/* The attempts left for a key now: *allowed, else *retry the seconds to wait. */
static int limit_check(struct pst_db *db, const char *key, int64_t now, int64_t window,
		       int64_t limit, bool *allowed, int64_t *retry)
{
	int64_t ra = 0;
	bool ok = true;
	int err = db->ops->throttle_check(db, key, now, window, limit, &ok, &ra);
	if (!err && !ok) {
		*allowed = false;
		if (ra > *retry)
			*retry = ra;
	}
	return err;
}

/* Logs in with email and password: LOGIN_OK with the session's cookie set in the reply
 * and r->auth filled; LOGIN_BAD (the same time taken whether the account exists or not);
 * LOGIN_LIMITED with *retry (seconds) when too many attempts failed for the account or
 * from the address; LOGIN_ERROR with *err. */
static enum login_result login(struct web *w, struct req *r, const char *email_in, const char *pw,
			       long *retry, int *err)
{
	struct web_auth *a = &r->auth;
	struct pst_db *db = web_db(w);
	*retry = 0;
	*err = PST_OK;
	if (!db) {
		*err = PST_EUNAVAILABLE;
		return LOGIN_ERROR;
	}
	char email[WEB_EMAIL_MAX + 1], why[160];
	if (!pst_email_normalize(email_in, email, sizeof email, why, sizeof why)) {
		/* Not an email: no account has it, but it takes the same path and time. */
		size_t i = 0;
		for (; email_in[i] && i < WEB_EMAIL_MAX; i++)
			email[i] = (email_in[i] >= 'A' && email_in[i] <= 'Z') ? (char)(email_in[i] + 32)
									      : email_in[i];
		email[i] = '\0';
	}
	char akey[WEB_EMAIL_MAX + 8], ikey[80];
	snprintf(akey, sizeof akey, "a:%s", email);
	snprintf(ikey, sizeof ikey, "ip:%s", a->address);
	int64_t now = wall_now(), wait = 0;
	bool allowed = true;
	const struct web_auth_limits *l = &w->limits;
	if ((*err = limit_check(db, ikey, now, l->window_s, l->address_limit, &allowed, &wait)) ||
	    (*err = limit_check(db, akey, now, l->window_s, l->account_limit, &allowed, &wait)))
		return LOGIN_ERROR;
	if (!allowed) {
		*retry = wait > 0 ? (long)wait : 1;
		web_audit(w, r, "login-limited", 0, 0);
		return LOGIN_LIMITED;
	}
	struct pst_account acct;
	char hash[256] = "";
	bool found = false;
	if ((*err = db->ops->account_by_email(db, email, &acct, hash, sizeof hash, &found)))
		return LOGIN_ERROR;
	bool ok;
	if (found && hash[0] && !acct.disabled) {
		ok = pst_password_verify(hash, pw);
	} else {
		/* The same work as a real check, so that the time taken does not tell whether
		 * the account exists. */
		pst_password_verify_dummy(pw);
		ok = false;
	}
	if (!ok) {
		sodium_memzero(hash, sizeof hash);
		bool al = true;
		int64_t ra = 0;
		if ((*err = db->ops->throttle_hit(db, ikey, now, l->window_s, l->address_limit, &al, &ra)) ||
		    (*err = db->ops->throttle_hit(db, akey, now, l->window_s, l->account_limit, &al, &ra)))
			return LOGIN_ERROR;
		web_audit(w, r, "login-failed", 0, found ? acct.id : 0);
		return LOGIN_BAD;
	}
	db->ops->throttle_clear(db, akey);
	/* The sessions past their limits go (anyone's): a login is a good moment, once a
	 * minute at most (a write transaction; an ended session is refused whether its row
	 * is still there or not). */
	static _Atomic int64_t purged;
	int64_t last = atomic_load(&purged);
	if (now - last >= 60 && atomic_compare_exchange_strong(&purged, &last, now))
		db->ops->session_purge(db, now - l->absolute_s, now - l->idle_s, NULL);
	unsigned char raw[WEB_TOKEN_BYTES], th[32];
	char hex[WEB_TOKEN_HEX + 1];
	randombytes_buf(raw, sizeof raw);
	crypto_hash_sha256(th, raw, sizeof raw);
	web_token_hex(raw, hex);
	sodium_memzero(raw, sizeof raw);
	if ((*err = db->ops->session_add(db, th, acct.id, now, a->address))) {
		sodium_memzero(hex, sizeof hex);
		sodium_memzero(hash, sizeof hash);
		return LOGIN_ERROR;
	}
	set_cookie(w, r, hex, l->absolute_s);
	sodium_memzero(hex, sizeof hex);
	a->in = true;
	a->acct = acct;
	memcpy(a->session, th, sizeof th);
	a->person = acct.role == PST_ROLE_PATIENT ? acct.person : 0;
	web_audit(w, r, "login", acct.role == PST_ROLE_PATIENT ? acct.person : 0, acct.id);
	/* A hash made at another cost (docs/clinic.md, "Passwords") is made again at today's,
	 * right after the login's writes; a failure leaves the old one, which still verifies
	 * (the next login tries again). */
	bool rehashed = false;
	if (pst_password_rehash(db, acct.id, hash, pw, &rehashed) == PST_OK && rehashed)
		web_audit(w, r, "password-rehash", 0, acct.id);
	sodium_memzero(hash, sizeof hash);
	return LOGIN_OK;
}

static json_t *account_json(const struct pst_account *a)
{
	return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)a->id, "email", a->email, "name",
			 a->name, "role", role_word(a->role));
}

/* The one-person app has no accounts to log in to. */
static bool need_accounts(struct web *w, struct req *r)
{
	bool failed;
	if (r->auth.on || accounts_on(w, r, &failed))
		return true;
	if (failed) {
		store_unavailable(w, r, PST_EUNAVAILABLE);
		return false;
	}
	web_error(r, MHD_HTTP_NOT_FOUND, "no-accounts", NULL,
		  "this server has no accounts: it serves one person's records without a login "
		  "(docs/clinic.md tells how to add accounts)");
	return false;
}

void api_login(struct web *w, struct req *r)
{
	if (!need_accounts(w, r))
		return;
	struct web_login_req lr;
	const char *field;
	char msg[200];
	if (!web_login_parse(r->body.s, r->body.len, &lr, &field, msg, sizeof msg)) {
		web_error(r, field ? 422 : 400, field ? "invalid" : "malformed", field, "%s", msg);
		return;
	}
	long retry;
	int err;
	enum login_result res = login(w, r, lr.email, lr.password, &retry, &err);
	sodium_memzero(lr.password, sizeof lr.password);
	switch (res) {
	case LOGIN_OK:
		web_json(r, 200, json_pack("{s:o, s:s, s:I}", "account", account_json(&r->auth.acct),
					   "home", web_home_of(&r->auth), "idle_timeout_s",
					   (json_int_t)w->limits.idle_s));
		break;
	case LOGIN_BAD:
		web_error(r, MHD_HTTP_UNAUTHORIZED, "bad-login", NULL,
			  "the email or the password is wrong (or the account is disabled)");
		break;
	case LOGIN_LIMITED:
		r->reply.retry_after = retry;
		web_error(r, MHD_HTTP_TOO_MANY_REQUESTS, "too-many-attempts", NULL,
			  "too many failed logins: try again in %ld seconds", retry);
		break;
	case LOGIN_ERROR:
		store_unavailable(w, r, err);
		break;
	}
}

/* Ends the request's session (if any): the cookie is cleared whatever it held. */
static void logout(struct web *w, struct req *r)
{
	struct web_auth *a = &r->auth;
	struct pst_db *db = web_db(w);
	if (a->in && db) {
		db->ops->session_delete(db, a->session);
		web_audit(w, r, "logout", 0, a->acct.id);
	}
	a->in = false;
	a->person = 0;
	clear_cookie(w, r);
	/* On a shared device, what the service worker kept (today's plan, the player, writes
	 * waiting to be sent) must not stay for the next person: the browser drops it. */
	r->reply.clear_site = true;
}

void api_logout(struct web *w, struct req *r)
{
	/* A foreign page cannot send the cookie (SameSite=Strict); its Origin is refused
	 * all the same. */
	const char *site = web_header(r, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
		web_error(r, MHD_HTTP_FORBIDDEN, "cross-site", NULL, "this request came from another site");
		return;
	}
	logout(w, r);
	web_json(r, 200, json_pack("{s:s}", "status", "logged out"));
}

void page_logout_post(struct web *w, struct req *r)
{
	logout(w, r);
	web_redirect(r, "/login");
}

void api_whoami(struct web *w, struct req *r)
{
	(void)w;
	struct web_auth *a = &r->auth;
	if (!a->on) {
		web_json(r, 200, json_pack("{s:b}", "accounts", 0));
		return;
	}
	web_json(r, 200, json_pack("{s:b, s:o, s:s, s:I, s:I}", "accounts", 1, "account",
				   account_json(&a->acct), "home", web_home_of(a), "idle_timeout_s",
				   (json_int_t)w->limits.idle_s, "max_age_s",
				   (json_int_t)w->limits.absolute_s));
}

/* Shared with page_auth.c. */
int web_auth_login_form(struct web *w, struct req *r, const char *email, const char *pw,
			long *retry, int *err);
int web_auth_login_form(struct web *w, struct req *r, const char *email, const char *pw,
			long *retry, int *err)
{
	return (int)login(w, r, email, pw, retry, err);
}

/* A new session for an account that just set its password (an invitation). */
int web_auth_start_session(struct web *w, struct req *r, const struct pst_account *acct);
int web_auth_start_session(struct web *w, struct req *r, const struct pst_account *acct)
{
	struct pst_db *db = web_db(w);
	if (!db)
		return PST_EUNAVAILABLE;
	unsigned char raw[WEB_TOKEN_BYTES], th[32];
	char hex[WEB_TOKEN_HEX + 1];
	randombytes_buf(raw, sizeof raw);
	crypto_hash_sha256(th, raw, sizeof raw);
	web_token_hex(raw, hex);
	sodium_memzero(raw, sizeof raw);
	int err = db->ops->session_add(db, th, acct->id, wall_now(), r->auth.address);
	if (!err) {
		set_cookie(w, r, hex, w->limits.absolute_s);
		r->auth.in = true;
		r->auth.acct = *acct;
		memcpy(r->auth.session, th, sizeof th);
		r->auth.person = acct->role == PST_ROLE_PATIENT ? acct->person : 0;
		web_audit(w, r, "login", r->auth.person, acct->id);
	}
	sodium_memzero(hex, sizeof hex);
	return err;
}

int web_invitation_new(struct web *w, struct req *r, int64_t account, char *link, size_t size)
{
	struct pst_db *db = web_db(w);
	if (!db)
		return PST_EUNAVAILABLE;
	unsigned char raw[WEB_TOKEN_BYTES], th[32];
	char hex[WEB_TOKEN_HEX + 1];
	randombytes_buf(raw, sizeof raw);
	crypto_hash_sha256(th, raw, sizeof raw);
	web_token_hex(raw, hex);
	sodium_memzero(raw, sizeof raw);
	int err = db->ops->invitation_add(db, th, account, wall_now() + w->limits.invite_s);
	if (!err) {
		const char *host = web_header(r, MHD_HTTP_HEADER_HOST);
		snprintf(link, size, "%s://%s/invite/%s", web_scheme(r), host ? host : "localhost", hex);
	}
	sodium_memzero(hex, sizeof hex);
	return err;
}
