/* The page cache: replies that depend on one person's records (the Today page, the
 * plan, the history page and its JSON), made once per change of those records and
 * served from memory, for every person the server serves (clinic mode: many patients
 * logged in to one server). docs/web.md "Speed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * An entry is keyed by what the reply depends on: the kind of page, whose records (the
 * store's person), in clinic mode the account asking (a page's menu and logout button;
 * not for JSON), the day, the query (since, saved) and, for a page with forms, the
 * browser's CSRF nonce; it holds the person's version it was made of and is served only
 * while that is the version in the database (web_version, read on every request: a
 * write through any process shows at once).
 *
 * Bounded in entries and bytes (POSTURA_PAGE_CACHE_ENTRIES, POSTURA_PAGE_CACHE_MB);
 * when full, the clock algorithm (second chance, an approximation of least recently
 * used) picks what goes: a hit marks its entry, the hand passing a marked entry unmarks
 * it, an unmarked one goes. A hit only reads the table and sets a flag, under the read
 * lock; a new entry, under the write lock. A hit queues the entry's response under the
 * read lock: libmicrohttpd counts the references to a response, so one queued stays
 * until it is sent even when a writer replaces or evicts the entry meanwhile
 * (MHD_destroy_response only drops the cache's reference).
 */

enum {
	QUERY_MAX = 96,
	ENTRY_OVERHEAD = 1024, /* the entry, the headers: counted with the bytes */
	DEFAULT_ENTRIES = 4096,
	DEFAULT_MB = 64,
};

struct key {
	int kind;
	int64_t person, account, day;
	char query[QUERY_MAX];
};

struct entry {
	struct key k;
	uint64_t version;
	char nonce[WEB_NONCE_LEN + 1]; /* the CSRF nonce its forms and cookie carry, or "" */
	struct MHD_Response *resp;     /* NULL: a free slot */
	struct MHD_Response *gz;       /* the same, gzip-compressed, or NULL */
	size_t bytes;
	int32_t next; /* the bucket's next entry, -1: none */
	atomic_bool used;
};

/*
 * The person's version (and, until the database holds an account, whether it does) is
 * read on every request that may be served from the cache. On PostgreSQL each read is a
 * round trip on a connection of the pool (8), which 64 clients queue for; so one request
 * reads for all those of the same person that came while it waited: a request waits
 * for the next read that starts after it came (never one already under way), which sees
 * every write committed before it came, as a read of its own would. One request of
 * them reads (the leader, on its own connection of the pool), the others wait for its
 * answer and need no connection at all for a page from the cache. A slot per person's
 * hash; a request finding another person's read under way in its slot reads on its own.
 */
enum { FLIGHTS = 64 };

struct flight {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int64_t person;          /* whose read is under way, or was the last */
	uint64_t started, done;  /* reads started and finished in this slot */
	bool running;
	uint64_t version;        /* the last read's answer (WEB_NO_VERSION: failed) */
	int accounts;            /* 1, 0, -1: not read or failed */
};

struct web_cache {
	bool coalesce; /* PostgreSQL: the version read once for many requests */
	struct flight flights[FLIGHTS];
	pthread_rwlock_t mu;
	struct entry *e;
	int32_t *bucket; /* nbucket heads, -1: empty */
	size_t nbucket;  /* a power of 2 */
	int32_t *free;   /* free slots, a stack */
	size_t nfree;
	size_t cap, max_bytes;
	size_t n, bytes, hand;
};

static bool env_size(const char *name, size_t def, size_t max, size_t *out, char *errmsg, size_t size)
{
	const char *v = getenv(name);
	*out = def;
	if (!v || !*v)
		return true;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end || n < 1 || (unsigned long long)n > max) {
		snprintf(errmsg, size, "%s: '%.40s' must be a whole number from 1 to %zu", name, v, max);
		return false;
	}
	*out = (size_t)n;
	return true;
}

bool web_cache_setup(struct web *w, char *errmsg, size_t size)
{
	size_t cap, mb;
	if (!env_size("POSTURA_PAGE_CACHE_ENTRIES", DEFAULT_ENTRIES, 1u << 20, &cap, errmsg, size) ||
	    !env_size("POSTURA_PAGE_CACHE_MB", DEFAULT_MB, 1u << 16, &mb, errmsg, size))
		return false;
	struct web_cache *c = calloc(1, sizeof *c);
	size_t nb = 16;
	while (nb < 2 * cap)
		nb *= 2;
	if (c) {
		c->e = calloc(cap, sizeof *c->e);
		c->bucket = malloc(nb * sizeof *c->bucket);
		c->free = malloc(cap * sizeof *c->free);
	}
	if (!c || !c->e || !c->bucket || !c->free) {
		if (c) {
			free(c->e);
			free(c->bucket);
			free(c->free);
			free(c);
		}
		snprintf(errmsg, size, "out of memory");
		return false;
	}
	pthread_rwlock_init(&c->mu, NULL);
	c->coalesce = w->cfg.db_path && pst_db_target_is_pg(w->cfg.db_path);
	for (size_t i = 0; i < FLIGHTS; i++) {
		pthread_mutex_init(&c->flights[i].mu, NULL);
		pthread_cond_init(&c->flights[i].cv, NULL);
	}
	c->nbucket = nb;
	for (size_t i = 0; i < nb; i++)
		c->bucket[i] = -1;
	c->cap = cap;
	c->max_bytes = mb << 20;
	for (size_t i = cap; i-- > 0;)
		c->free[c->nfree++] = (int32_t)i;
	w->cache = c;
	return true;
}

void web_cache_teardown(struct web *w)
{
	struct web_cache *c = w->cache;
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++) {
		if (c->e[i].resp)
			MHD_destroy_response(c->e[i].resp);
		if (c->e[i].gz)
			MHD_destroy_response(c->e[i].gz);
	}
	pthread_rwlock_destroy(&c->mu);
	for (size_t i = 0; i < FLIGHTS; i++) {
		pthread_mutex_destroy(&c->flights[i].mu);
		pthread_cond_destroy(&c->flights[i].cv);
	}
	free(c->e);
	free(c->bucket);
	free(c->free);
	free(c);
	w->cache = NULL;
}

/* Pages carry forms (the CSRF nonce) and the menu of who asks; JSON carries neither. */
static bool has_forms(enum web_cache_kind kind)
{
	return kind == CACHE_TODAY || kind == CACHE_HISTORY_PAGE;
}

static void key_of(struct web *w, struct req *r, enum web_cache_kind kind, const char *query,
		   struct key *k)
{
	memset(k, 0, sizeof *k);
	k->kind = (int)kind;
	k->person = web_store(w)->person;
	k->account = has_forms(kind) && r->auth.on ? (r->auth.in ? r->auth.acct.id : -1) : 0;
	k->day = r->today;
	snprintf(k->query, sizeof k->query, "%s", query ? query : "");
}

static bool key_eq(const struct key *a, const struct key *b)
{
	return a->kind == b->kind && a->person == b->person && a->account == b->account &&
	       a->day == b->day && strcmp(a->query, b->query) == 0;
}

static size_t key_bucket(const struct web_cache *c, const struct key *k)
{
	uint64_t h = 14695981039346656037ull;
	const int64_t n[] = {k->kind, k->person, k->account, k->day};
	const unsigned char *p = (const unsigned char *)n;
	for (size_t i = 0; i < sizeof n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	for (const char *q = k->query; *q; q++)
		h = (h ^ (unsigned char)*q) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29)) & (c->nbucket - 1);
}

bool web_cache_serve(struct web *w, struct req *r, enum web_cache_kind kind, const char *query,
		     uint64_t version)
{
	struct web_cache *c = w->cache;
	if (!c || version == WEB_NO_VERSION || (query && strlen(query) >= QUERY_MAX))
		return false;
	struct key k;
	key_of(w, r, kind, query, &k);
	/* A browser with a nonce of its own gets pages whose forms carry it; one without
	 * gets a page and its cookie. */
	const char *nonce = has_forms(kind) ? web_cookie_nonce(r) : NULL;
	bool gz = web_wants_gzip(r), hit = false;
	size_t b = key_bucket(c, &k);
	pthread_rwlock_rdlock(&c->mu);
	for (int32_t i = c->bucket[b]; i >= 0; i = c->e[i].next) {
		struct entry *e = &c->e[i];
		if (e->version != version || !key_eq(&e->k, &k) || (nonce && strcmp(nonce, e->nonce) != 0))
			continue;
		/* Queued under the lock: a writer replacing the entry cannot take it away
		 * before libmicrohttpd holds its own reference. */
		hit = MHD_queue_response(r->conn, MHD_HTTP_OK, e->gz && gz ? e->gz : e->resp) == MHD_YES;
		atomic_store_explicit(&e->used, true, memory_order_relaxed);
		break;
	}
	pthread_rwlock_unlock(&c->mu);
	r->reply.queued = hit;
	return hit;
}

/* Under the write lock: entry i leaves the table (its responses stay while queued). */
static void drop(struct web_cache *c, int32_t i)
{
	struct entry *e = &c->e[i];
	int32_t *p = &c->bucket[key_bucket(c, &e->k)];
	while (*p != i)
		p = &c->e[*p].next;
	*p = e->next;
	MHD_destroy_response(e->resp);
	if (e->gz)
		MHD_destroy_response(e->gz);
	c->n--;
	c->bytes -= e->bytes;
	memset(e, 0, sizeof *e);
	c->free[c->nfree++] = i;
}

/* A response of its own bytes (copied) with the headers of a cached reply. */
static struct MHD_Response *response(struct web *w, const char *data, size_t len, bool copy,
				     const struct web_reply *rp, const char *nonce, bool gz,
				     const char *state)
{
	char *own = (char *)(uintptr_t)data;
	if (copy) {
		own = malloc(len ? len : 1);
		if (!own)
			return NULL;
		memcpy(own, data, len);
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, own, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		if (copy)
			free(own);
		return NULL;
	}
	web_add_headers(resp, w, rp->ctype, rp->cache, nonce);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	/* Whether the reply came from memory (tests and benchmarks look; it says nothing
	 * of the records, only whether this page was made before). */
	MHD_add_response_header(resp, "X-Postura-Cache", state);
	return resp;
}

void web_cache_put(struct web *w, struct req *r, enum web_cache_kind kind, const char *query,
		   uint64_t version)
{
	struct web_cache *c = w->cache;
	struct web_reply *rp = &r->reply;
	if (!c || rp->body.failed || !rp->body.s || rp->status != MHD_HTTP_OK ||
	    version == WEB_NO_VERSION || rp->body.len + ENTRY_OVERHEAD > c->max_bytes ||
	    (query && strlen(query) >= QUERY_MAX))
		return; /* send_reply sends it as it is */
	struct key k;
	key_of(w, r, kind, query, &k);
	const char *nonce = has_forms(kind) ? web_csrf_nonce(r) : NULL;
	/* Compressed once here, for every client that takes gzip until the next change. */
	struct pst_buf z;
	pst_buf_init(&z, rp->body.len + 1024);
	bool have_z = web_gzip(rp->body.s, rp->body.len, &z);
	bool want_z = have_z && web_wants_gzip(r);
	/* This request's own reply: a copy of the bytes it takes, marked as made now. */
	struct MHD_Response *mine = response(w, want_z ? z.s : rp->body.s, want_z ? z.len : rp->body.len,
					     true, rp, nonce, want_z, "miss");
	if (!mine) {
		pst_buf_free(&z);
		return;
	}
	size_t bytes = rp->body.len + (have_z ? z.len : 0) + ENTRY_OVERHEAD;
	struct MHD_Response *resp = NULL, *gz = NULL;
	if (bytes <= c->max_bytes &&
	    (resp = response(w, rp->body.s, rp->body.len, false, rp, nonce, false, "hit")))
		memset(&rp->body, 0, sizeof rp->body); /* the response owns it now */
	if (resp && have_z && (gz = response(w, z.s, z.len, false, rp, nonce, true, "hit")))
		memset(&z, 0, sizeof z);
	pst_buf_free(&z);
	rp->queued = MHD_queue_response(r->conn, MHD_HTTP_OK, mine) == MHD_YES;
	MHD_destroy_response(mine);
	if (!resp)
		return;
	pthread_rwlock_wrlock(&c->mu);
	/* The same key's entries of an older version are of no more use; one of a newer
	 * version (made meanwhile by another request) is kept, and this one is not. */
	bool newer = false;
	size_t b = key_bucket(c, &k);
	for (int32_t i = c->bucket[b], next; i >= 0; i = next) {
		struct entry *e = &c->e[i];
		next = e->next;
		if (!key_eq(&e->k, &k))
			continue;
		if (e->version > version)
			newer = true;
		else if (e->version < version || strcmp(e->nonce, nonce ? nonce : "") == 0)
			drop(c, i);
	}
	if (!newer) {
		/* Room: the clock's hand passes the entries, giving a second chance to those
		 * used since it last passed. */
		while (c->n > 0 && (c->n >= c->cap || c->bytes + bytes > c->max_bytes)) {
			int32_t i = (int32_t)c->hand;
			c->hand = (c->hand + 1) % c->cap;
			if (!c->e[i].resp || atomic_exchange(&c->e[i].used, false))
				continue;
			drop(c, i);
		}
		int32_t i = c->free[--c->nfree];
		struct entry *e = &c->e[i];
		e->k = k;
		e->version = version;
		snprintf(e->nonce, sizeof e->nonce, "%s", nonce ? nonce : "");
		e->resp = resp;
		e->gz = gz;
		e->bytes = bytes;
		atomic_store(&e->used, true);
		e->next = c->bucket[b];
		c->bucket[b] = i;
		c->n++;
		c->bytes += bytes;
		resp = gz = NULL;
	}
	pthread_rwlock_unlock(&c->mu);
	if (resp)
		MHD_destroy_response(resp);
	if (gz)
		MHD_destroy_response(gz);
}

/* --- the version, one read for many requests ---------------------------------------- */

/* Whose records the request's store gives (web_store), without taking a connection of
 * the pool for it. */
static int64_t person_of(struct web *w, struct req *r)
{
	if (r && r->auth.on)
		return r->auth.person;
	return w->cfg.store ? w->cfg.store->person : web_store(w)->person;
}

/* The read itself, on the request's own store connection: the version, and with it
 * (accounts) whether the database holds an account, in one statement. */
static void read_now(struct web *w, bool accounts, uint64_t *version, int *any)
{
	*any = -1;
	if (!accounts) {
		*version = web_version_read(w);
		return;
	}
	struct pst_store *s = web_store(w);
	int64_t v;
	bool a;
	*version = WEB_NO_VERSION;
	if (s->ops->data_version_accounts(s, &v, &a) != PST_OK)
		return;
	if (v >= 0)
		*version = (uint64_t)v;
	*any = a;
}

/* The version of the request's person, and whether the database holds an account (-1:
 * not asked, the server knowing it does; or the read failed), from a read that started
 * after this call. */
static void fresh(struct web *w, struct req *r, uint64_t *version, int *any)
{
	struct web_cache *c = w->cache;
	/* A request holding a connection of the pool reads on it: waiting for a leader
	 * that waits for a connection could hold them all. */
	if (!c || !c->coalesce || web_holds_connection()) {
		read_now(w, !atomic_load(&w->accounts_on), version, any);
		return;
	}
	int64_t person = person_of(w, r);
	struct flight *f = &c->flights[(uint64_t)person * 11400714819323198485ull >> 58];
	pthread_mutex_lock(&f->mu);
	uint64_t target = f->started + 1; /* the first read to start from now on */
	for (;;) {
		if (f->done >= target) {
			bool mine = f->person == person;
			*version = f->version;
			*any = f->accounts;
			pthread_mutex_unlock(&f->mu);
			if (!mine) /* another person's read took the slot */
				read_now(w, !atomic_load(&w->accounts_on), version, any);
			return;
		}
		if (!f->running) {
			/* This request reads, for itself and those who came before it starts. */
			f->person = person;
			f->started++;
			f->running = true;
			pthread_mutex_unlock(&f->mu);
			uint64_t v;
			int a;
			read_now(w, !atomic_load(&w->accounts_on), &v, &a);
			pthread_mutex_lock(&f->mu);
			f->version = v;
			f->accounts = a;
			f->done = f->started;
			f->running = false;
			pthread_cond_broadcast(&f->cv);
			pthread_mutex_unlock(&f->mu);
			*version = v;
			*any = a;
			return;
		}
		if (f->person != person)
			break; /* another person's read under way: not worth waiting for */
		pthread_cond_wait(&f->cv, &f->mu);
	}
	pthread_mutex_unlock(&f->mu);
	read_now(w, !atomic_load(&w->accounts_on), version, any);
}

uint64_t web_version(struct web *w)
{
	struct req *r = web_current();
	if (r && r->version_read && r->version_person == person_of(w, r))
		return r->version;
	uint64_t v;
	int any;
	fresh(w, r, &v, &any);
	if (any > 0)
		atomic_store(&w->accounts_on, true);
	if (r) {
		r->version_read = true;
		r->version_person = person_of(w, r);
		r->version = v;
	}
	return v;
}

bool web_accounts_any(struct web *w, struct req *r, bool *failed)
{
	*failed = false;
	if (atomic_load(&w->accounts_on))
		return true;
	uint64_t v;
	int any;
	fresh(w, r, &v, &any);
	if (any > 0)
		atomic_store(&w->accounts_on, true);
	if (atomic_load(&w->accounts_on))
		return true;
	*failed = any < 0;
	/* The one-person app: the version read with it serves the request's cache. */
	if (r && !*failed) {
		r->version_read = true;
		r->version_person = person_of(w, r);
		r->version = v;
	}
	return false;
}
