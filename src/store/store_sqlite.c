/* The SQLite store: WAL, foreign keys, synchronous=FULL, one transaction per write,
 * numbered schema migrations applied on open (PRAGMA user_version). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "summary_sql.h"
#include "core/utf8.h"

/* Statements on the hot write paths, prepared once and reused: preparing costs about
 * as much CPU as the insert itself. */
enum {
	ST_CHECKIN,
	ST_SESSION,
	ST_SESSION_EX,
	ST_CHECKIN_IDEM,
	ST_SESSION_IDEM,
	ST_BUMP,
	ST_SUMMARY_PEOPLE,
	ST_SUMMARY_PAIN,
	ST_ROSTER_VERSION,
	ST_BEGIN,
	ST_COMMIT,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_ACCOUNT_COUNT,
	ST_SESSION_READ,
	ST_VERSION,
	ST_VERSION_ACCOUNTS,
	ST__MAX
};

/* A clinician's roster version (schema.c, migration 16: SQLite's triggers keep it in one
 * row), C the clinician's id: roster_version's, and session_read's for a clinician. */
#define ROSTER_VERSION_SQL(C) "coalesce((SELECT version FROM roster WHERE clinician_id = " C "), 0)"

static const char *const cached_sql[ST__MAX] = {
	[ST_CHECKIN] = "INSERT INTO checkin (id, person_id, at_epoch, at_offset, day, pain, areas,"
		       " note, idem_key) VALUES (?,?,?,?,?,?,?,?,?)",
	[ST_SESSION] = "INSERT INTO session (id, person_id, at_epoch, at_offset, day, pain_before,"
		       " pain_after, idem_key) VALUES (?,?,?,?,?,?,?,?)",
	[ST_SESSION_EX] = "INSERT INTO session_exercise (session_id, seq, exercise_id, feedback, pain)"
			  " VALUES (?,?,?,?,?)",
	[ST_CHECKIN_IDEM] = "SELECT id FROM checkin WHERE person_id = ? AND idem_key = ?",
	[ST_SESSION_IDEM] = "SELECT id FROM session WHERE person_id = ? AND idem_key = ?",
	[ST_BUMP] = "UPDATE person SET version = version + 1 WHERE id = ?",
	/* The dashboard's (summary_sql.h): read often, by every clinician's page. */
	[ST_SUMMARY_PEOPLE] = PST_SQL_SUMMARY_PEOPLE("SELECT value FROM json_each(?1)", "?2", "?3", "?4"),
	[ST_SUMMARY_PAIN] = PST_SQL_SUMMARY_PAIN("SELECT value FROM json_each(?1)", "?2"),
	/* a clinician's roster version (schema.c, migration 16): a dashboard after a write */
	[ST_ROSTER_VERSION] = "SELECT " ROSTER_VERSION_SQL("?"),
	/* each write of a group (run_group) */
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_SAVEPOINT] = "SAVEPOINT w",
	[ST_RELEASE] = "RELEASE w",
	[ST_ROLLBACK_TO] = "ROLLBACK TO w",
	/* the web server asks it as it starts (web/auth.c, server.c) */
	[ST_ACCOUNT_COUNT] = "SELECT count(*) FROM account",
	/* every signed-in request's (web/auth.c) */
	[ST_SESSION_READ] = PST_SQL_SESSION_READ("?1", "?2", ROSTER_VERSION_SQL("a.id")),
	/* the person's version (data_version): page caches, the command line */
	[ST_VERSION] = "SELECT " PST_SQL_PERSON_VERSION("p") " FROM person p WHERE p.id = ?1",
	/* the one-person app's server, before every request (web/cache.c) */
	[ST_VERSION_ACCOUNTS] = PST_SQL_VERSION_ACCOUNTS("?1"),
};

/* One connection (struct pst_db). The handles (struct pst_store) it gives are the generic
 * ones of store.c: each store op below starts with enter(), which points the messages at
 * the handle and takes the handle's person, bound into every statement it runs. */
struct sq {
	struct pst_db base;
	sqlite3 *db;
	char *path;
	sqlite3_stmt *cached[ST__MAX];
	bool readonly;
	bool in_tx;        /* a db transaction (begin) is open: operations join it */
	char *err;         /* where fail() writes: the errmsg of the object called */
	int64_t person;    /* the person of the handle of the store op running */
	/* The file opened (its device and inode), for ping: a file moved or removed under a
	 * running server is noticed. */
	dev_t dev;
	ino_t ino;
	/* This connection holds its file's writer lock (struct writer), from begin to
	 * commit or rollback. */
	struct writer *writer;
	/* run_group's message of a group's failure (BEGIN, COMMIT), copied to each write's. */
	char group_err[sizeof((struct pst_db *)0)->errmsg];
	/* What migration 5 repaired: how many texts, and the first few by name. */
	int repaired;
	char repaired_names[200];
};


enum { BUSY_TIMEOUT_MS = 10000 };

__attribute__((format(printf, 2, 3))) static int fail(struct sq *q, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q->err, sizeof q->base.errmsg, fmt, ap);
	va_end(ap);
	return PST_EIO;
}

/* Reports the database's own error, naming the file. */
static int dberr(struct sq *q, const char *doing)
{
	int code = sqlite3_extended_errcode(q->db);
	int sys = sqlite3_system_errno(q->db);
	const char *why = sqlite3_errmsg(q->db);
	if ((code & 0xff) == SQLITE_FULL || sys == ENOSPC)
		why = "the disk is full";
	else if ((code & 0xff) == SQLITE_IOERR && sys)
		why = strerror(sys);
	return fail(q, "%s: %s: %s", q->path, doing, why);
}

static int exec(struct sq *q, const char *sql, const char *doing)
{
	if (sqlite3_exec(q->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return dberr(q, doing);
	return PST_OK;
}

static int cached(struct sq *q, int which, sqlite3_stmt **st);
static int run(struct sq *q, sqlite3_stmt *st, const char *doing);

/* A store op on handle s: messages go to the handle, statements bind its person. */
static struct sq *enter(struct pst_store *s)
{
	struct sq *q = (struct sq *)s->db;
	q->err = s->errmsg;
	q->person = s->person;
	return q;
}

/* A db op: messages go to the db. */
static struct sq *enter_db(struct pst_db *db)
{
	struct sq *q = (struct sq *)db;
	q->err = q->base.errmsg;
	q->person = 0;
	return q;
}

/*
 * One writer at a time per file, in this process, first come first served, and group
 * commit. SQLite lets one connection write at a time; the others wait in its busy
 * handler, which sleeps and tries again (1, 2, 5 ... 100 ms): with 64 requests writing
 * at once through the server's connections, an unlucky one slept again and again while
 * others took the lock between its naps, so a check-in took up to a second
 * (bench/RESULTS.md, p99 of POST /api/v1/checkins). Here the connections of one process
 * queue for the file's writer lock instead, in order, each woken the moment the one
 * before is done; only writers of other processes still meet SQLite's busy handler.
 * Files are told apart by device and inode (paths may differ); the locks live as long as
 * the process.
 *
 * A write to a person's records (struct write_job: a function and its arguments that
 * run on any connection to the file) does not wait for the lock to commit alone: the
 * writer that gets the lock (the leader) takes every write queued behind it and runs
 * them on its own connection in one transaction, each in its own savepoint (a write that
 * fails is undone alone), then one COMMIT, one fsync, for all (run_group). Each waiting
 * writer is then woken with its own answer; none before the COMMIT returned, and a
 * COMMIT that fails fails every write of the group. Other writes (begin: the db ops, an
 * import, a db transaction) take the lock for themselves, in the same queue.
 */

struct write_job {
	int (*fn)(struct sq *q, const void *arg); /* the write, run in a savepoint */
	const void *arg;
	int64_t person; /* whose records: bound by fn, and the version bumped */
	char *errmsg;   /* the caller's (its handle's errmsg) */
	int result;
};

struct writer_wait {
	pthread_cond_t cv;
	bool go;    /* the lock was handed to this waiter: it holds it now */
	bool taken; /* its job was taken into a leader's group: wait for done */
	bool done;  /* that group is over: job->result is the answer */
	struct write_job *job; /* NULL: a writer that wants the lock for itself */
	struct writer_wait *next;
};

struct writer {
	dev_t dev;
	ino_t ino;
	bool busy;
	pthread_t owner;
	struct writer_wait *head, *tail; /* FIFO */
	struct writer *next;
};

/* The most writes one transaction takes: the rest wait for the next. */
enum { GROUP_MAX = 256 };
/* The most groups one leader runs in a row (write_person). */
enum { LEAD_GROUPS = 4 };

static pthread_mutex_t writers_mu = PTHREAD_MUTEX_INITIALIZER;
static struct writer *writers;

/* The file's writer lock (writers_mu held); NULL when out of memory. */
static struct writer *writer_find(dev_t dev, ino_t ino, bool make)
{
	struct writer *w = writers;
	while (w && (w->dev != dev || w->ino != ino))
		w = w->next;
	if (!w && make && (w = calloc(1, sizeof(*w)))) {
		w->dev = dev;
		w->ino = ino;
		w->next = writers;
		writers = w;
	}
	return w;
}

/* Queues me behind the others (writers_mu held, the lock busy) and waits until the lock
 * is handed to me (true) or my job's group is done (true, me->done), at most the busy
 * timeout while nobody has taken me (false: out of the queue; the caller goes on and
 * SQLite's own busy handling decides). */
static bool writer_wait(struct writer *w, struct writer_wait *me)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&me->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (w->tail)
		w->tail->next = me;
	else
		w->head = me;
	w->tail = me;
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += BUSY_TIMEOUT_MS / 1000;
	int rc = 0;
	while (!me->go && !me->done && (me->taken || rc != ETIMEDOUT)) {
		if (me->taken) /* its write is running on another connection: to the end */
			pthread_cond_wait(&me->cv, &writers_mu);
		else
			rc = pthread_cond_timedwait(&me->cv, &writers_mu, &until);
	}
	bool ok = me->go || me->done;
	if (!ok) { /* timed out: out of the queue */
		struct writer_wait **pp = &w->head, *prev = NULL;
		while (*pp != me) {
			prev = *pp;
			pp = &(*pp)->next;
		}
		*pp = me->next;
		if (w->tail == me)
			w->tail = prev;
	}
	pthread_cond_destroy(&me->cv);
	return ok;
}

/* Hands the lock to the first waiter, or frees it (writers_mu held). */
static void writer_pass(struct writer *w)
{
	struct writer_wait *h = w->head;
	if (h) {
		w->head = h->next;
		if (!w->head)
			w->tail = NULL;
		h->go = true;
		pthread_cond_signal(&h->cv);
	} else {
		w->busy = false;
	}
}

/* Waits for the file's writer lock, for this connection alone (begin). NULL: not taken
 * (no file identity, the timeout, or this thread holds it through another connection,
 * which must not wait for itself). */
static struct writer *writer_lock(struct sq *q)
{
	if (!q->dev && !q->ino)
		return NULL;
	pthread_mutex_lock(&writers_mu);
	struct writer *w = writer_find(q->dev, q->ino, true);
	if (!w || (w->busy && pthread_equal(w->owner, pthread_self()))) {
		pthread_mutex_unlock(&writers_mu);
		return NULL;
	}
	if (w->busy) {
		struct writer_wait me = {.go = false};
		if (!writer_wait(w, &me)) {
			pthread_mutex_unlock(&writers_mu);
			return NULL;
		}
	}
	w->busy = true; /* taken, or handed over by the one before (still busy) */
	w->owner = pthread_self();
	pthread_mutex_unlock(&writers_mu);
	return w;
}

static void writer_unlock(struct sq *q)
{
	struct writer *w = q->writer;
	if (!w)
		return;
	q->writer = NULL;
	pthread_mutex_lock(&writers_mu);
	writer_pass(w);
	pthread_mutex_unlock(&writers_mu);
}

size_t pst_sqlite_writes_waiting(struct pst_db *db)
{
	struct sq *q = (struct sq *)db;
	size_t n = 0;
	pthread_mutex_lock(&writers_mu);
	struct writer *w = writer_find(q->dev, q->ino, false);
	for (struct writer_wait *h = w ? w->head : NULL; h; h = h->next)
		n++;
	pthread_mutex_unlock(&writers_mu);
	return n;
}

/* BEGIN IMMEDIATE takes the write lock up front, so two writers queue (on the file's
 * writer lock in this process, on the busy timeout between processes) instead of
 * failing half-way. Inside a db transaction (db_begin) an operation joins it: begin,
 * commit and rollback leave it to the db's commit or rollback. */
static int begin(struct sq *q)
{
	if (q->in_tx)
		return PST_OK;
	q->writer = writer_lock(q);
	int err = exec(q, "BEGIN IMMEDIATE", "cannot start a transaction");
	if (err)
		writer_unlock(q);
	return err;
}

static int commit(struct sq *q)
{
	if (q->in_tx)
		return PST_OK;
	int err = PST_OK;
	if (sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		err = dberr(q, "cannot save");
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	}
	writer_unlock(q);
	return err;
}

static int rollback(struct sq *q, int err)
{
	if (!q->in_tx) {
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		writer_unlock(q);
	}
	return err;
}

/* A read transaction (a consistent picture while another process writes), or the db
 * transaction's. */
static int begin_read(struct sq *q)
{
	return q->in_tx ? PST_OK : exec(q, "BEGIN", "cannot start reading");
}

static void end_read(struct sq *q)
{
	if (!q->in_tx)
		sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
}

/* The person's version goes up with every write to their records, in the write's own
 * transaction (data_version). Updating the person's row is free here: SQLite has one
 * writer at a time whatever it writes (PostgreSQL appends to person_write instead). */
static int bump(struct sq *q)
{
	sqlite3_stmt *st;
	int err = cached(q, ST_BUMP, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	return run(q, st, "cannot save");
}

/* Commits a write to the person's records, with its version. */
static int commit_write(struct sq *q)
{
	int err = bump(q);
	if (err)
		return rollback(q, err);
	return commit(q);
}

/* --- group commit: the writes to people's records ------------------------------- */

/* Runs jobs in one transaction on q's connection, each in a savepoint with its person's
 * version bump, then one COMMIT: each job's result (and errmsg) is its own write's, or,
 * when the transaction as a whole fails (BEGIN, COMMIT, or an error after which SQLite
 * rolled the transaction back), that failure for every write it held: nothing is
 * acknowledged that the COMMIT did not save. A transaction lost half-way goes on with
 * the writes not yet run in a new one. */
static void run_group(struct sq *q, struct write_job **jobs, size_t n)
{
	char *why = q->group_err;
	size_t start = 0;
	while (start < n) {
		q->err = why;
		sqlite3_stmt *st;
		int err = cached(q, ST_BEGIN, &st);
		if (!err)
			err = run(q, st, "cannot start a transaction");
		if (err) {
			for (size_t i = start; i < n; i++) {
				jobs[i]->result = err;
				snprintf(jobs[i]->errmsg, sizeof q->base.errmsg, "%s", why);
			}
			return;
		}
		size_t i = start, saved = 0;
		bool lost = false;
		for (; i < n && !lost; i++) {
			struct write_job *j = jobs[i];
			q->err = j->errmsg;
			q->person = j->person;
			err = cached(q, ST_SAVEPOINT, &st);
			if (!err)
				err = run(q, st, "cannot start a write");
			if (!err && !(err = j->fn(q, j->arg)))
				err = bump(q);
			if (sqlite3_get_autocommit(q->db)) {
				lost = true; /* SQLite rolled it all back (e.g. the disk full) */
			} else if (err) {
				if (cached(q, ST_ROLLBACK_TO, &st) || run(q, st, "cannot undo a write"))
					lost = true;
			}
			if (!lost && (cached(q, ST_RELEASE, &st) || run(q, st, "cannot end a write")))
				lost = true;
			if (lost && !err)
				err = fail(q, "%s: cannot save: the write was rolled back", q->path);
			j->result = err;
			saved += err == PST_OK;
		}
		if (lost) {
			/* The writes before the one that lost the transaction were undone with it. */
			struct write_job *last = jobs[i - 1];
			for (size_t k = start; k + 1 < i; k++) {
				if (jobs[k]->result != PST_OK && jobs[k]->result != PST_EREPLAY)
					continue;
				jobs[k]->result = last->result;
				snprintf(jobs[k]->errmsg, sizeof q->base.errmsg, "%s", last->errmsg);
			}
			if (!sqlite3_get_autocommit(q->db))
				sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
			start = i;
			continue;
		}
		q->err = why;
		if (!saved) { /* nothing to save (each failed or was a replay): no fsync */
			sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
			return;
		}
		if (!(err = cached(q, ST_COMMIT, &st)) && !(err = run(q, st, "cannot save")))
			return;
		if (!sqlite3_get_autocommit(q->db))
			sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		for (size_t k = start; k < n; k++) {
			if (jobs[k]->result != PST_OK && jobs[k]->result != PST_EREPLAY)
				continue;
			jobs[k]->result = err;
			snprintf(jobs[k]->errmsg, sizeof q->base.errmsg, "%s", why);
		}
		return;
	}
}

/*
 * A write to the person of handle s: fn(q, arg) on a connection to the file, in a
 * transaction with the person's version bump. Inside a db transaction it joins it. Else
 * it queues for the file's writer lock: it is either run by the writer ahead of it, in
 * that one's group, or, given the lock, leads a group of its own and of every write
 * queued behind it, on this connection. The result is the write's own: PST_OK once
 * committed, PST_EREPLAY, or its error in s->errmsg.
 */
static int write_person(struct pst_store *s, int (*fn)(struct sq *, const void *), const void *arg)
{
	struct sq *q = enter(s);
	if (q->in_tx) {
		int err = fn(q, arg);
		return err ? err : bump(q);
	}
	struct write_job job = {.fn = fn, .arg = arg, .person = q->person, .errmsg = s->errmsg};
	struct write_job *one = &job;
	struct writer *w = NULL;
	if (q->dev || q->ino) {
		pthread_mutex_lock(&writers_mu);
		w = writer_find(q->dev, q->ino, true);
		if (w && w->busy && pthread_equal(w->owner, pthread_self()))
			w = NULL; /* this thread holds it through another connection */
		if (w && w->busy) {
			struct writer_wait me = {.job = &job};
			if (!writer_wait(w, &me))
				w = NULL; /* the timeout: alone, SQLite's busy handler decides */
			else if (me.done) {
				pthread_mutex_unlock(&writers_mu);
				return job.result;
			}
		}
		if (!w) {
			pthread_mutex_unlock(&writers_mu);
		}
	}
	if (!w) { /* alone: no file identity, or not in turn */
		run_group(q, &one, 1);
		q->err = s->errmsg;
		q->person = s->person;
		return job.result;
	}
	/* The lock is ours: lead a group of this write and those queued; then, while
	 * writes queued meanwhile (and no writer that wants the lock for itself), a few
	 * groups more: this thread is running already, where a writer handed the lock would
	 * first have to be woken and scheduled, the lock idle meanwhile. */
	w->busy = true;
	w->owner = pthread_self();
	for (int round = 0;; round++) {
		struct writer_wait *taken[GROUP_MAX];
		struct write_job *group[GROUP_MAX];
		size_t n = 0, m = 0;
		if (round == 0)
			group[m++] = &job;
		struct writer_wait **pp = &w->head, *prev = NULL;
		while (*pp && m < GROUP_MAX) {
			struct writer_wait *h = *pp;
			if (!h->job) { /* wants the lock for itself: its turn comes after this group */
				prev = h;
				pp = &h->next;
				continue;
			}
			*pp = h->next;
			if (w->tail == h)
				w->tail = prev;
			h->taken = true;
			taken[n++] = h;
			group[m++] = h->job;
		}
		if (!m)
			break;
		pthread_mutex_unlock(&writers_mu);
		run_group(q, group, m);
		pthread_mutex_lock(&writers_mu);
		for (size_t i = 0; i < n; i++) {
			taken[i]->done = true;
			pthread_cond_signal(&taken[i]->cv);
		}
		bool alone_waits = false;
		for (struct writer_wait *h = w->head; h; h = h->next)
			alone_waits |= !h->job;
		if (round + 1 >= LEAD_GROUPS || alone_waits)
			break;
	}
	writer_pass(w);
	pthread_mutex_unlock(&writers_mu);
	q->err = s->errmsg;
	q->person = s->person;
	return job.result;
}

static int prepare(struct sq *q, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(q->db, sql, -1, st, NULL) != SQLITE_OK)
		return dberr(q, "cannot prepare a statement");
	return PST_OK;
}

/* Steps a statement that returns no rows, and finalizes it (or, when cached, resets it). */
static int run(struct sq *q, sqlite3_stmt *st, const char *doing)
{
	int rc = sqlite3_step(st);
	int err = rc == SQLITE_DONE ? PST_OK : dberr(q, doing);
	bool cached = false;
	for (int i = 0; i < ST__MAX; i++)
		cached |= q->cached[i] == st;
	if (cached) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
	return err;
}

/* A cached statement, ready to bind. */
static int cached(struct sq *q, int which, sqlite3_stmt **st)
{
	if (!q->cached[which]) {
		int err = prepare(q, cached_sql[which], &q->cached[which]);
		if (err)
			return err;
	}
	*st = q->cached[which];
	return PST_OK;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void mask_words(const struct pst_vocab *v, unsigned mask, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < v->n; i++) {
		if (!(mask & PST_BIT(i)))
			continue;
		int w = snprintf(buf + used, size - used, "%s%s", used ? "," : "", v->words[i]);
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
}

static bool words_mask(const struct pst_vocab *v, const unsigned char *s, unsigned *mask)
{
	const char *bad;
	size_t badlen;
	*mask = 0;
	if (!s || !*s)
		return true;
	return pst_vocab_parse_mask(v, (const char *)s, mask, &bad, &badlen) == 0;
}

/* Switches to write-ahead logging. Two processes opening a new file at once can find it
 * locked while the other switches; the busy handler does not cover this, so retry. */
static int wal(struct sq *q)
{
	for (int tries = 0;; tries++) {
		int rc = sqlite3_exec(q->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return PST_OK;
		if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) ||
		    tries * 20 >= BUSY_TIMEOUT_MS)
			return dberr(q, "cannot switch to write-ahead logging");
		usleep(20 * 1000);
	}
}

/* --- migrations ------------------------------------------------------------ */

/* pst_needs_repair(text, flags) and pst_repair(text, flags, kind, id): the repair of
 * migration 5 (core/utf8.h: each invalid byte or refused character becomes U+FFFD). */
static void fn_needs_repair(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *t = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	unsigned flags = (unsigned)sqlite3_value_int(argv[1]);
	sqlite3_result_int(ctx, t && pst_text_needs_clean(t, (size_t)n, flags));
}

static void fn_repair(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	struct sq *q = sqlite3_user_data(ctx);
	const char *t = (const char *)sqlite3_value_text(argv[0]);
	if (!t) {
		sqlite3_result_null(ctx);
		return;
	}
	size_t n = (size_t)sqlite3_value_bytes(argv[0]);
	unsigned flags = (unsigned)sqlite3_value_int(argv[1]);
	size_t size = 3 * n + 1;
	char *out = malloc(size);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	size_t len = pst_text_clean(t, n, flags, out, size);
	q->repaired++;
	if (q->repaired <= 4) {
		size_t used = strlen(q->repaired_names);
		snprintf(q->repaired_names + used, sizeof q->repaired_names - used, "%s%s %lld",
			 used ? ", " : "", (const char *)sqlite3_value_text(argv[2]),
			 (long long)sqlite3_value_int64(argv[3]));
	}
	sqlite3_result_text(ctx, out, (int)len, free);
}

static int add_functions(struct sq *q)
{
	if (sqlite3_create_function(q->db, "pst_needs_repair", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				    q, fn_needs_repair, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(q->db, "pst_repair", 4, SQLITE_UTF8, q, fn_repair, NULL, NULL) !=
		    SQLITE_OK)
		return dberr(q, "cannot prepare the database");
	return PST_OK;
}

static int schema_version(struct sq *q, int *version)
{
	sqlite3_stmt *st;
	int err = prepare(q, "PRAGMA user_version", &st);
	if (err)
		return err;
	*version = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return *version < 0 ? dberr(q, "cannot read the schema version") : PST_OK;
}

static int check_version(struct sq *q)
{
	int version, err = schema_version(q, &version);
	if (err)
		return err;
	if (version > pst_store_schema_version)
		return fail(q,
			    "%s was written by a newer postura (schema %d; this one knows up to %d); "
			    "it was left untouched: update postura to open it",
			    q->path, version, pst_store_schema_version);
	return PST_OK;
}

static int migrate(struct sq *q)
{
	int version, err = schema_version(q, &version);
	if (err || version == pst_store_schema_version)
		return err; /* the usual case: no write lock needed */
	for (;;) {
		/* Read the version inside the write transaction: two processes opening a new
		 * file at once must not both run the same migration. */
		if ((err = begin(q)))
			return err;
		if ((err = schema_version(q, &version)))
			return rollback(q, err);
		if (version >= pst_store_schema_version) {
			rollback(q, PST_OK);
			return check_version(q);
		}
		int v = version;
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
		if ((err = exec(q, pst_migrations[v].sqlite, "cannot upgrade the schema")) ||
		    (err = exec(q, pragma, "cannot upgrade the schema")))
			return rollback(q, err);
		if ((err = commit(q)))
			return err;
		if (q->repaired)
			snprintf(q->base.notice, sizeof q->base.notice,
				 "%s: %d text%s saved by an older postura %s not valid UTF-8 or held control "
				 "characters (%s%s); each bad byte or character is now the replacement "
				 "character U+FFFD",
				 q->path, q->repaired, q->repaired == 1 ? "" : "s",
				 q->repaired == 1 ? "was" : "were", q->repaired_names,
				 q->repaired > 4 ? ", ..." : "");
	}
}

/* --- profile ---------------------------------------------------------------- */

static int profile_get(struct pst_store *s, struct pst_saved_profile *out, bool *found)
{
	struct sq *q = enter(s);
	sqlite3_stmt *st;
	int err = prepare(q,
			  "SELECT stage, weeks, anchor_day, birth, feeding, pain, areas, triggers,"
			  " equipment, avoid, minutes, updated_epoch, updated_offset, conditions,"
			  " country, remind_at, timezone, relief_reminder FROM profile WHERE person_id = ?",
			  &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	*found = false;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		struct pst_profile *p = &out->p;
		pst_profile_init(p);
		p->has_stage = true;
		int stage = pst_vocab_find(&pst_vocab_stage, (const char *)sqlite3_column_text(st, 0));
		int birth = pst_vocab_find(&pst_vocab_birth, (const char *)sqlite3_column_text(st, 3));
		int feed = pst_vocab_find(&pst_vocab_feeding, (const char *)sqlite3_column_text(st, 4));
		p->weeks = sqlite3_column_int(st, 1);
		out->anchor_day = sqlite3_column_int64(st, 2);
		p->pain = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
		p->minutes = sqlite3_column_int(st, 10);
		out->updated.epoch = sqlite3_column_int64(st, 11);
		out->updated.offset_min = sqlite3_column_int(st, 12);
		bool ok = stage >= 0 && birth >= 0 && feed >= 0 &&
			  words_mask(&pst_vocab_area, sqlite3_column_text(st, 6), &p->areas) &&
			  words_mask(&pst_vocab_trigger, sqlite3_column_text(st, 7), &p->triggers) &&
			  words_mask(&pst_vocab_equipment, sqlite3_column_text(st, 8), &p->equipment) &&
			  words_mask(&pst_vocab_avoid, sqlite3_column_text(st, 9), &p->avoid) &&
			  words_mask(&pst_vocab_condition, sqlite3_column_text(st, 13), &p->conditions);
		const char *country = (const char *)sqlite3_column_text(st, 14);
		if (country && *country) {
			const struct pst_country *c = pst_country_find(country);
			if (c)
				memcpy(p->country, c->code, 3);
			else
				ok = false;
		}
		p->remind_at = sqlite3_column_int(st, 15);
		const char *tz = (const char *)sqlite3_column_text(st, 16);
		if (tz && strlen(tz) < sizeof p->timezone)
			memcpy(p->timezone, tz, strlen(tz) + 1);
		else if (tz)
			ok = false;
		p->relief_reminder = sqlite3_column_int(st, 17) != 0;
		sqlite3_finalize(st);
		if (!ok)
			return fail(q, "%s: the saved profile holds a value this postura does not know",
				    q->path);
		p->stage = (enum pst_stage)stage;
		p->birth = (enum pst_birth)birth;
		p->feeding = (enum pst_feeding)feed;
		*found = true;
		return PST_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read the profile");
}

/* The minutes a session from a day on (the last saving of a day counts). */
static int minutes_write(struct sq *q, const struct pst_minutes_change *mc)
{
	sqlite3_stmt *st;
	int err = prepare(q,
			  "INSERT OR REPLACE INTO plan_minutes (person_id, day, minutes) VALUES (?,?,?)",
			  &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	sqlite3_bind_int64(st, 2, mc->day);
	sqlite3_bind_int(st, 3, mc->minutes);
	return run(q, st, "cannot save the minutes of the plan");
}

static int profile_write(struct sq *q, const struct pst_saved_profile *sp)
{
	const struct pst_profile *p = &sp->p;
	sqlite3_stmt *st;
	int err = prepare(q,
			  "INSERT OR REPLACE INTO profile (person_id, stage, weeks, anchor_day, birth,"
			  " feeding, pain, areas, triggers, equipment, avoid, minutes, updated_epoch,"
			  " updated_offset, conditions, country, remind_at, timezone, relief_reminder)"
			  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			  &st);
	if (err)
		return err;
	char areas[128], trig[128], eq[128], avoid[128], cond[128];
	mask_words(&pst_vocab_area, p->areas, areas, sizeof areas);
	mask_words(&pst_vocab_trigger, p->triggers, trig, sizeof trig);
	mask_words(&pst_vocab_equipment, p->equipment, eq, sizeof eq);
	mask_words(&pst_vocab_avoid, p->avoid, avoid, sizeof avoid);
	mask_words(&pst_vocab_condition, p->conditions, cond, sizeof cond);
	sqlite3_bind_int64(st, 1, q->person);
	sqlite3_bind_text(st, 2, pst_vocab_word(&pst_vocab_stage, (int)p->stage), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, p->weeks);
	sqlite3_bind_int64(st, 4, sp->anchor_day);
	sqlite3_bind_text(st, 5, pst_vocab_word(&pst_vocab_birth, (int)p->birth), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, pst_vocab_word(&pst_vocab_feeding, (int)p->feeding), -1,
			  SQLITE_STATIC);
	if (p->pain >= 0)
		sqlite3_bind_int(st, 7, p->pain);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_text(st, 8, areas, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, trig, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 10, eq, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 11, avoid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 12, p->minutes);
	sqlite3_bind_int64(st, 13, sp->updated.epoch);
	sqlite3_bind_int(st, 14, sp->updated.offset_min);
	sqlite3_bind_text(st, 15, cond, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 16, p->country, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 17, p->remind_at);
	sqlite3_bind_text(st, 18, p->timezone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 19, p->relief_reminder ? 1 : 0);
	if ((err = run(q, st, "cannot save the profile")))
		return err;
	struct pst_minutes_change mc = {pst_time_day(sp->updated), p->minutes};
	return minutes_write(q, &mc);
}

static int profile_job(struct sq *q, const void *arg)
{
	return profile_write(q, arg);
}

static int profile_put(struct pst_store *s, const struct pst_saved_profile *sp)
{
	return write_person(s, profile_job, sp);
}

/* --- the calendar subscription ------------------------------------------------ */

static int calendar_token_get(struct pst_store *s, char *out, size_t size, bool *found)
{
	struct sq *q = enter(s);
	sqlite3_stmt *st;
	int err = prepare(q, "SELECT token FROM calendar_token WHERE person_id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	*found = false;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t && strlen(t) < size) {
			memcpy(out, t, strlen(t) + 1);
			*found = true;
		}
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read the calendar's address");
}

struct calendar_token_args {
	const char *token;
	struct pst_time at;
};

static int calendar_token_job(struct sq *q, const void *arg)
{
	const struct calendar_token_args *a = arg;
	const char *token = a->token;
	struct pst_time at = a->at;
	sqlite3_stmt *st;
	int err = prepare(q, "DELETE FROM calendar_token WHERE person_id = ?", &st);
	if (!err) {
		sqlite3_bind_int64(st, 1, q->person);
		err = run(q, st, "cannot revoke the calendar's address");
	}
	if (!err && token) {
		err = prepare(q,
			      "INSERT INTO calendar_token (person_id, token, created_epoch)"
			      " VALUES (?,?,?)",
			      &st);
		if (!err) {
			sqlite3_bind_int64(st, 1, q->person);
			sqlite3_bind_text(st, 2, token, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 3, at.epoch);
			err = run(q, st, "cannot save the calendar's address");
		}
	}
	return err;
}

static int calendar_token_put(struct pst_store *s, const char *token, struct pst_time at)
{
	struct calendar_token_args a = {token, at};
	return write_person(s, calendar_token_job, &a);
}

/* --- check-ins, sessions, PSFS ------------------------------------------------ */

/* The id a record asks for (import): kept when free, or when this person's (the insert
 * then fails as a duplicate); 0 (a new one) when someone else's record has it, so that
 * nothing about other people shows. table is one of ours, never input. */
static int wanted_id(struct sq *q, const char *table, int64_t id, int64_t *use)
{
	*use = id;
	if (!id)
		return PST_OK;
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT person_id FROM %s WHERE id = ?", table);
	sqlite3_stmt *st;
	int err = prepare(q, sql, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) != q->person)
		*use = 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot look up a record");
}

/* want: the id to give the record (wanted_id), 0 for a new one. */
static int checkin_write(struct sq *q, const struct pst_checkin *c, int64_t want, int64_t *id)
{
	sqlite3_stmt *st;
	int err = cached(q, ST_CHECKIN, &st);
	if (err)
		return err;
	char areas[128];
	mask_words(&pst_vocab_area, c->areas, areas, sizeof areas);
	if (want)
		sqlite3_bind_int64(st, 1, want);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, q->person);
	sqlite3_bind_int64(st, 3, c->at.epoch);
	sqlite3_bind_int(st, 4, c->at.offset_min);
	sqlite3_bind_int64(st, 5, pst_time_day(c->at));
	sqlite3_bind_int(st, 6, c->pain);
	sqlite3_bind_text(st, 7, areas, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 8, c->note);
	bind_text_or_null(st, 9, c->idem_key);
	if ((err = run(q, st, "cannot save the check-in")))
		return err;
	if (id)
		*id = sqlite3_last_insert_rowid(q->db);
	return PST_OK;
}

/* The record an idempotency key already wrote (in the write's transaction): *found, and
 * its id. */
static int idem_find(struct sq *q, int which, const char *key, int64_t *id, bool *found)
{
	*found = false;
	if (!key)
		return PST_OK;
	sqlite3_stmt *st;
	int err = cached(q, which, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		if (id)
			*id = sqlite3_column_int64(st, 0);
	} else if (rc != SQLITE_DONE) {
		err = dberr(q, "cannot look up the idempotency key");
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

struct checkin_args {
	const struct pst_checkin *c;
	int64_t *id;
};

static int checkin_job(struct sq *q, const void *arg)
{
	const struct checkin_args *a = arg;
	bool seen;
	int64_t want;
	int err = idem_find(q, ST_CHECKIN_IDEM, a->c->idem_key, a->id, &seen);
	if (err)
		return err;
	if (seen)
		return PST_EREPLAY;
	if ((err = wanted_id(q, "checkin", a->c->id, &want)))
		return err;
	return checkin_write(q, a->c, want, a->id);
}

static int checkin_add(struct pst_store *s, const struct pst_checkin *c, int64_t *id)
{
	struct checkin_args a = {c, id};
	return write_person(s, checkin_job, &a);
}

static int session_write(struct sq *q, const struct pst_session_log *l, int64_t want, int64_t *id)
{
	sqlite3_stmt *st;
	int err = cached(q, ST_SESSION, &st);
	if (err)
		return err;
	if (want)
		sqlite3_bind_int64(st, 1, want);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, q->person);
	sqlite3_bind_int64(st, 3, l->at.epoch);
	sqlite3_bind_int(st, 4, l->at.offset_min);
	sqlite3_bind_int64(st, 5, pst_time_day(l->at));
	sqlite3_bind_int(st, 6, l->pain_before);
	sqlite3_bind_int(st, 7, l->pain_after);
	bind_text_or_null(st, 8, l->idem_key);
	if ((err = run(q, st, "cannot save the session")))
		return err;
	int64_t sid = sqlite3_last_insert_rowid(q->db);
	for (size_t i = 0; i < l->nex; i++) {
		const struct pst_session_ex *e = &l->ex[i];
		if ((err = cached(q, ST_SESSION_EX, &st)))
			return err;
		sqlite3_bind_int64(st, 1, sid);
		sqlite3_bind_int(st, 2, (int)i);
		sqlite3_bind_text(st, 3, e->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, pst_vocab_word(&pst_vocab_feedback, (int)e->feedback), -1,
				  SQLITE_STATIC);
		if (e->pain >= 0)
			sqlite3_bind_int(st, 5, e->pain);
		else
			sqlite3_bind_null(st, 5);
		if ((err = run(q, st, "cannot save the session's exercises")))
			return err;
	}
	if (id)
		*id = sid;
	return PST_OK;
}

struct session_args {
	const struct pst_session_log *l;
	int64_t *id;
};

static int session_job(struct sq *q, const void *arg)
{
	const struct session_args *a = arg;
	bool seen;
	int64_t want;
	int err = idem_find(q, ST_SESSION_IDEM, a->l->idem_key, a->id, &seen);
	if (err)
		return err;
	if (seen)
		return PST_EREPLAY;
	if ((err = wanted_id(q, "session", a->l->id, &want)))
		return err;
	return session_write(q, a->l, want, a->id);
}

static int session_add(struct pst_store *s, const struct pst_session_log *l, int64_t *id)
{
	struct session_args a = {l, id};
	return write_person(s, session_job, &a);
}

static int psfs_count(struct sq *q, int *n)
{
	sqlite3_stmt *st;
	int err = prepare(q, "SELECT count(*) FROM psfs_activity WHERE person_id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	err = sqlite3_step(st) == SQLITE_ROW ? PST_OK : dberr(q, "cannot count activities");
	*n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return err;
}

static int psfs_activity_write(struct sq *q, int64_t id, const char *activity, struct pst_time at,
			       int64_t *out)
{
	sqlite3_stmt *st;
	int err = prepare(q,
			  "INSERT INTO psfs_activity (id, person_id, activity, created_epoch,"
			  " created_offset) VALUES (?,?,?,?,?)",
			  &st);
	if (err)
		return err;
	if (id)
		sqlite3_bind_int64(st, 1, id);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, q->person);
	sqlite3_bind_text(st, 3, activity, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, at.epoch);
	sqlite3_bind_int(st, 5, at.offset_min);
	if ((err = run(q, st, "cannot save the activity")))
		return err;
	if (out)
		*out = sqlite3_last_insert_rowid(q->db);
	return PST_OK;
}

struct psfs_add_args {
	const char *activity;
	struct pst_time at;
	int64_t *id;
};

static int psfs_add_job(struct sq *q, const void *arg)
{
	const struct psfs_add_args *a = arg;
	int n = 0;
	int err = psfs_count(q, &n);
	if (err)
		return err;
	if (n >= PST_PSFS_MAX_ACTIVITIES) {
		fail(q, "%s: the functional scale already has %d activities, the most it takes",
		     q->path, PST_PSFS_MAX_ACTIVITIES);
		return PST_EINVAL;
	}
	return psfs_activity_write(q, 0, a->activity, a->at, a->id);
}

static int psfs_add(struct pst_store *s, const char *activity, struct pst_time at, int64_t *id)
{
	struct psfs_add_args a = {activity, at, id};
	return write_person(s, psfs_add_job, &a);
}

static int psfs_rating_write(struct sq *q, int64_t activity, int score, struct pst_time at)
{
	sqlite3_stmt *st;
	int err = prepare(q,
			  "INSERT INTO psfs_rating (activity_id, at_epoch, at_offset, score)"
			  " SELECT id, ?, ?, ? FROM psfs_activity WHERE id = ? AND person_id = ?",
			  &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, at.epoch);
	sqlite3_bind_int(st, 2, at.offset_min);
	sqlite3_bind_int(st, 3, score);
	sqlite3_bind_int64(st, 4, activity);
	sqlite3_bind_int64(st, 5, q->person);
	if ((err = run(q, st, "cannot save the rating")))
		return err;
	if (sqlite3_changes(q->db) == 0) {
		fail(q, "no activity with id %lld (see 'postura psfs list')", (long long)activity);
		return PST_ENOTFOUND;
	}
	return PST_OK;
}

struct psfs_rate_args {
	int64_t id;
	int score;
	struct pst_time at;
};

static int psfs_rate_job(struct sq *q, const void *arg)
{
	const struct psfs_rate_args *a = arg;
	return psfs_rating_write(q, a->id, a->score, a->at);
}

static int psfs_rate(struct pst_store *s, int64_t id, int score, struct pst_time at)
{
	struct psfs_rate_args a = {id, score, at};
	return write_person(s, psfs_rate_job, &a);
}

/* --- reading ------------------------------------------------------------------ */

/* Grows an arena array: arenas do not free, so double and copy. */
static void *grow_from(struct pst_arena *a, void *v, size_t n, size_t *cap, size_t size, size_t first)
{
	if (n < *cap)
		return v;
	size_t ncap = *cap ? *cap * 2 : first;
	void *nv = pst_arena_alloc(a, ncap * size);
	if (!nv)
		return NULL;
	if (n)
		memcpy(nv, v, n * size);
	*cap = ncap;
	return nv;
}

static void *grow(struct pst_arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	/* realloc'd, not copied into the arena: the arrays of a long history */
	return pst_arena_grow(a, v, n, cap, size, 64);
}

/* A session's exercises and an activity's ratings are a few each: a list of 64 for each
 * of a million sessions was most of the memory an export took. */
static void *grow_small(struct pst_arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	return grow_from(a, v, n, cap, size, 4);
}

/* read_each: the records handed over a batch at a time; NULL in read_all. */
struct each {
	int (*fn)(void *ctx, const struct pst_record_set *part);
	void *ctx;
	size_t batch;
};

/* Hands rs to the caller and starts it again empty. The caller's error is returned as
 * it is (its message is its own). */
static int each_flush(struct sq *q, struct each *e, struct pst_record_set *rs)
{
	int err = e->fn(e->ctx, rs);
	pst_record_set_free(rs);
	if (!err && !(rs->arena = pst_arena_new()))
		err = fail(q, "out of memory");
	return err;
}

/* Free text as it is shown: anything an older postura (or another program) stored that
 * is not UTF-8 or holds control characters comes out neutralised (core/utf8.h), so no
 * terminal, page or PDF ever gets it raw. exact (export): as stored, checked there. */
static const char *col_free_text(struct pst_arena *a, sqlite3_stmt *st, int i, unsigned text,
				 bool exact)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	if (!s)
		return NULL;
	size_t n = (size_t)sqlite3_column_bytes(st, i);
	if (exact || !pst_text_needs_clean(s, n, text))
		return pst_arena_strdup(a, s);
	char *out = pst_arena_alloc(a, 3 * n + 1);
	if (out)
		pst_text_clean(s, n, text, out, 3 * n + 1);
	return out;
}

static int read_checkins(struct sq *q, int64_t since, bool exact, struct each *ea,
			 struct pst_record_set *rs)
{
	sqlite3_stmt *st;
	int err = prepare(q,
			  "SELECT id, at_epoch, at_offset, pain, areas, note FROM checkin"
			  " WHERE person_id = ? AND day >= ? ORDER BY at_epoch, id",
			  &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	sqlite3_bind_int64(st, 2, since);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (ea && rs->ncheckins == ea->batch) {
			cap = 0;
			if ((err = each_flush(q, ea, rs))) {
				sqlite3_finalize(st);
				return err;
			}
		}
		rs->checkins = grow(rs->arena, rs->checkins, rs->ncheckins, &cap, sizeof(*rs->checkins));
		if (!rs->checkins) {
			sqlite3_finalize(st);
			return fail(q, "out of memory");
		}
		struct pst_checkin *c = &rs->checkins[rs->ncheckins++];
		c->id = sqlite3_column_int64(st, 0);
		c->at.epoch = sqlite3_column_int64(st, 1);
		c->at.offset_min = sqlite3_column_int(st, 2);
		c->pain = sqlite3_column_int(st, 3);
		words_mask(&pst_vocab_area, sqlite3_column_text(st, 4), &c->areas);
		c->note = col_free_text(rs->arena, st, 5, PST_TEXT_NOTE, exact);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read the check-ins");
}

/* The pain of the last check-in of session s's own day at or before it (by time, then id):
 * an index seek on (person_id, at_epoch) over the two days before it at most (a day's
 * check-ins lie within 24 h plus the offsets, -14 h to +14 h, of its start). */
#define SESSION_BASELINE_SQL                                                                   \
	"(SELECT c.pain FROM checkin c WHERE c.person_id = s.person_id"                        \
	" AND c.at_epoch BETWEEN s.at_epoch - 172800 AND s.at_epoch AND c.day = s.day"         \
	" ORDER BY c.at_epoch DESC, c.id DESC LIMIT 1)"

static int read_sessions(struct sq *q, int64_t since, bool with_ex, bool exact, bool baseline,
			 struct each *ea, struct pst_record_set *rs)
{
	sqlite3_stmt *st;
	/* One pass over sessions joined with their exercises, in order. */
	static const char *const sql[2][2] = {
		{"SELECT s.id, s.at_epoch, s.at_offset, s.pain_before, s.pain_after, NULL, NULL, NULL,"
		 " NULL FROM session s WHERE s.person_id = ? AND s.day >= ? ORDER BY s.at_epoch, s.id",
		 "SELECT s.id, s.at_epoch, s.at_offset, s.pain_before, s.pain_after, NULL, NULL, NULL, "
		 SESSION_BASELINE_SQL
		 " FROM session s WHERE s.person_id = ? AND s.day >= ? ORDER BY s.at_epoch, s.id"},
		{"SELECT s.id, s.at_epoch, s.at_offset, s.pain_before, s.pain_after,"
		 " e.exercise_id, e.feedback, e.pain, NULL"
		 " FROM session s LEFT JOIN session_exercise e ON e.session_id = s.id"
		 " WHERE s.person_id = ? AND s.day >= ? ORDER BY s.at_epoch, s.id, e.seq",
		 "SELECT s.id, s.at_epoch, s.at_offset, s.pain_before, s.pain_after,"
		 " e.exercise_id, e.feedback, e.pain, " SESSION_BASELINE_SQL
		 " FROM session s LEFT JOIN session_exercise e ON e.session_id = s.id"
		 " WHERE s.person_id = ? AND s.day >= ? ORDER BY s.at_epoch, s.id, e.seq"},
	};
	int err = prepare(q, sql[with_ex][baseline], &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	sqlite3_bind_int64(st, 2, since);
	size_t cap = 0, excap = 0;
	struct pst_session_log *cur = NULL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (!cur || cur->id != id) {
			if (ea && rs->nsessions == ea->batch) {
				cap = 0;
				if ((err = each_flush(q, ea, rs))) {
					sqlite3_finalize(st);
					return err;
				}
			}
			rs->sessions = grow(rs->arena, rs->sessions, rs->nsessions, &cap,
					    sizeof(*rs->sessions));
			if (!rs->sessions)
				goto oom;
			cur = &rs->sessions[rs->nsessions++];
			memset(cur, 0, sizeof(*cur));
			cur->id = id;
			cur->at.epoch = sqlite3_column_int64(st, 1);
			cur->at.offset_min = sqlite3_column_int(st, 2);
			cur->pain_before = sqlite3_column_int(st, 3);
			cur->pain_after = sqlite3_column_int(st, 4);
			cur->day_checkin_before = sqlite3_column_type(st, 8) == SQLITE_NULL
							  ? -1
							  : sqlite3_column_int(st, 8);
			excap = 0;
		}
		if (sqlite3_column_type(st, 5) == SQLITE_NULL)
			continue;
		cur->ex = grow_small(rs->arena, cur->ex, cur->nex, &excap, sizeof(*cur->ex));
		if (!cur->ex)
			goto oom;
		struct pst_session_ex *e = &cur->ex[cur->nex++];
		e->id = col_free_text(rs->arena, st, 5, 0, exact);
		int fb = pst_vocab_find(&pst_vocab_feedback, (const char *)sqlite3_column_text(st, 6));
		e->feedback = fb < 0 ? PST_FB_RIGHT : (enum pst_feedback)fb;
		e->pain = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 7);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read the sessions");
oom:
	sqlite3_finalize(st);
	return fail(q, "out of memory");
}

static int read_psfs(struct sq *q, bool exact, struct each *ea, struct pst_record_set *rs)
{
	sqlite3_stmt *st;
	int err = prepare(q,
			  "SELECT a.id, a.activity, a.created_epoch, a.created_offset,"
			  " r.at_epoch, r.at_offset, r.score"
			  " FROM psfs_activity a LEFT JOIN psfs_rating r ON r.activity_id = a.id"
			  " WHERE a.person_id = ? ORDER BY a.id, r.at_epoch, r.id",
			  &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	size_t cap = 0, rcap = 0;
	struct pst_psfs_activity *cur = NULL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (!cur || cur->id != id) {
			if (ea && rs->npsfs == ea->batch) {
				cap = 0;
				if ((err = each_flush(q, ea, rs))) {
					sqlite3_finalize(st);
					return err;
				}
			}
			rs->psfs = grow(rs->arena, rs->psfs, rs->npsfs, &cap, sizeof(*rs->psfs));
			if (!rs->psfs)
				goto oom;
			cur = &rs->psfs[rs->npsfs++];
			memset(cur, 0, sizeof(*cur));
			cur->id = id;
			cur->activity = col_free_text(rs->arena, st, 1, PST_TEXT_ACTIVITY, exact);
			cur->created.epoch = sqlite3_column_int64(st, 2);
			cur->created.offset_min = sqlite3_column_int(st, 3);
			rcap = 0;
		}
		if (sqlite3_column_type(st, 6) == SQLITE_NULL)
			continue;
		cur->ratings = grow_small(rs->arena, cur->ratings, cur->nratings, &rcap, sizeof(*cur->ratings));
		if (!cur->ratings)
			goto oom;
		struct pst_psfs_rating *r = &cur->ratings[cur->nratings++];
		r->at.epoch = sqlite3_column_int64(st, 4);
		r->at.offset_min = sqlite3_column_int(st, 5);
		r->score = sqlite3_column_int(st, 6);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read the functional scale");
oom:
	sqlite3_finalize(st);
	return fail(q, "out of memory");
}

/* --- screening ------------------------------------------------------------- */

static int screening_get(struct pst_store *s, struct pst_saved_screening *out, bool *found)
{
	struct sq *q = enter(s);
	sqlite3_stmt *st;
	int err = prepare(q, "SELECT stages, answers, at_epoch, at_offset FROM screening"
			     " WHERE person_id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	*found = false;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *a = sqlite3_column_text(st, 1);
		out->stages = (unsigned)sqlite3_column_int(st, 0);
		out->answers = strdup(a ? (const char *)a : "{}");
		out->at.epoch = sqlite3_column_int64(st, 2);
		out->at.offset_min = sqlite3_column_int(st, 3);
		sqlite3_finalize(st);
		if (!out->answers)
			return fail(q, "out of memory");
		*found = true;
		return PST_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read the safety answers");
}

static int screening_write(struct sq *q, const struct pst_saved_screening *sc)
{
	sqlite3_stmt *st;
	int err = prepare(q, "INSERT OR REPLACE INTO screening (person_id, stages, answers,"
			     " at_epoch, at_offset) VALUES (?,?,?,?,?)", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	sqlite3_bind_int(st, 2, (int)sc->stages);
	sqlite3_bind_text(st, 3, sc->answers, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, sc->at.epoch);
	sqlite3_bind_int(st, 5, sc->at.offset_min);
	return run(q, st, "cannot save the safety answers");
}

static int screening_job(struct sq *q, const void *arg)
{
	return screening_write(q, arg);
}

static int screening_put(struct pst_store *s, const struct pst_saved_screening *sc)
{
	return write_person(s, screening_job, sc);
}

/* --- the assigned programme --------------------------------------------------- */

static int programme_get(struct pst_store *s, struct pst_saved_programme *out, bool *found)
{
	struct sq *q = enter(s);
	sqlite3_stmt *st;
	int err = prepare(q, "SELECT body, by_account, at_epoch, at_offset FROM programme"
			     " WHERE person_id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	*found = false;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *b = sqlite3_column_text(st, 0);
		out->json = strdup(b ? (const char *)b : "{}");
		out->by = sqlite3_column_int64(st, 1);
		out->at.epoch = sqlite3_column_int64(st, 2);
		out->at.offset_min = sqlite3_column_int(st, 3);
		sqlite3_finalize(st);
		if (!out->json)
			return fail(q, "out of memory");
		*found = true;
		return PST_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read the assigned programme");
}

static int programme_write(struct sq *q, const struct pst_saved_programme *pg)
{
	sqlite3_stmt *st;
	int err = prepare(q, pg ? "INSERT OR REPLACE INTO programme (person_id, body, by_account,"
				  " at_epoch, at_offset) VALUES (?,?,?,?,?)"
				: "DELETE FROM programme WHERE person_id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	if (pg) {
		sqlite3_bind_text(st, 2, pg->json, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, pg->by);
		sqlite3_bind_int64(st, 4, pg->at.epoch);
		sqlite3_bind_int(st, 5, pg->at.offset_min);
	}
	return run(q, st, "cannot save the assigned programme");
}

static int programme_job(struct sq *q, const void *arg)
{
	return programme_write(q, arg);
}

static int programme_put(struct pst_store *s, const struct pst_saved_programme *pg)
{
	return write_person(s, programme_job, pg);
}

/* The programme into a record set (its arena). */
static int read_programme(struct pst_store *s, struct pst_record_set *rs)
{
	int err = programme_get(s, &rs->programme, &rs->has_programme);
	if (err || !rs->has_programme)
		return err;
	char *j = rs->programme.json;
	rs->programme.json = pst_arena_strdup(rs->arena, j);
	free(j);
	return rs->programme.json ? PST_OK : fail(enter(s), "out of memory");
}

/* Every change of the minutes a session, by day (all of them: the earliest rules the
 * days before it). */
static int read_minutes(struct sq *q, struct pst_record_set *rs)
{
	sqlite3_stmt *st;
	int err = prepare(q, "SELECT day, minutes FROM plan_minutes WHERE person_id = ? ORDER BY day",
			  &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rs->minutes = grow(rs->arena, rs->minutes, rs->nminutes, &cap, sizeof(*rs->minutes));
		if (!rs->minutes) {
			sqlite3_finalize(st);
			return fail(q, "out of memory");
		}
		rs->minutes[rs->nminutes++] = (struct pst_minutes_change){
			sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1)};
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read the minutes of the plan");
}

static int read_all(struct pst_store *s, int64_t since_day, unsigned flags,
		    struct pst_record_set *out)
{
	struct sq *q = enter(s);
	bool exact = flags & PST_READ_EXACT;
	memset(out, 0, sizeof(*out));
	if (!(out->arena = pst_arena_new()))
		return fail(q, "out of memory");
	/* One read transaction: a consistent picture even while another process writes. */
	int err = begin_read(q);
	if (!err)
		err = profile_get(s, &out->profile, &out->has_profile);
	if (!err && !(flags & PST_READ_NO_CHECKINS))
		err = read_checkins(q, since_day, exact, NULL, out);
	if (!err)
		err = read_sessions(q, since_day, !(flags & PST_READ_NO_SESSION_EXERCISES), exact,
				    flags & PST_READ_SESSION_BASELINE, NULL, out);
	if (!err)
		err = read_psfs(q, exact, NULL, out);
	if (!err)
		err = read_minutes(q, out);
	if (!err && !(err = screening_get(s, &out->screening, &out->has_screening)) &&
	    out->has_screening) {
		char *a = out->screening.answers;
		out->screening.answers = pst_arena_strdup(out->arena, a);
		free(a);
		if (!out->screening.answers)
			err = fail(q, "out of memory");
	}
	if (!err)
		err = read_programme(s, out);
	end_read(q);
	if (err)
		pst_record_set_free(out);
	return err;
}

static int read_each(struct pst_store *s, unsigned flags, size_t batch,
		     int (*fn)(void *ctx, const struct pst_record_set *part), void *ctx)
{
	struct sq *q = enter(s);
	bool exact = flags & PST_READ_EXACT;
	struct each e = {fn, ctx, batch ? batch : 1};
	struct pst_record_set rs = {0};
	if (!(rs.arena = pst_arena_new()))
		return fail(q, "out of memory");
	int err = begin_read(q);
	if (!err)
		err = profile_get(s, &rs.profile, &rs.has_profile);
	if (!err)
		err = read_minutes(q, &rs);
	if (!err && !(err = screening_get(s, &rs.screening, &rs.has_screening)) && rs.has_screening) {
		char *a = rs.screening.answers;
		rs.screening.answers = pst_arena_strdup(rs.arena, a);
		free(a);
		if (!rs.screening.answers)
			err = fail(q, "out of memory");
	}
	if (!err)
		err = read_programme(s, &rs);
	/* Each part holds one kind of record, so every kind is flushed before the next. */
	if (!err)
		err = each_flush(q, &e, &rs);
	if (!err && !(flags & PST_READ_NO_CHECKINS))
		err = read_checkins(q, INT64_MIN, exact, &e, &rs);
	if (!err && rs.ncheckins)
		err = each_flush(q, &e, &rs);
	if (!err)
		err = read_sessions(q, INT64_MIN, !(flags & PST_READ_NO_SESSION_EXERCISES), exact,
				    flags & PST_READ_SESSION_BASELINE, &e, &rs);
	if (!err && rs.nsessions)
		err = each_flush(q, &e, &rs);
	if (!err)
		err = read_psfs(q, exact, &e, &rs);
	if (!err && rs.npsfs)
		err = each_flush(q, &e, &rs);
	end_read(q);
	pst_record_set_free(&rs);
	return err;
}

/* Summed in C while the rows come in index order (person_id, at_epoch, id): no sort, and
 * nothing held but one entry a day (GROUP BY day would sort every row first). */
static int checkin_days(struct pst_store *s, int64_t since_day, struct pst_checkin_days *out)
{
	struct sq *q = enter(s);
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st;
	int err = begin_read(q);
	if (!err)
		err = prepare(q,
			      "SELECT id, at_epoch, at_offset, pain FROM checkin"
			      " WHERE person_id = ? AND day >= ? ORDER BY at_epoch, id",
			      &st);
	if (err) {
		end_read(q);
		return err;
	}
	sqlite3_bind_int64(st, 1, q->person);
	sqlite3_bind_int64(st, 2, since_day);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pst_time at = {sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2)};
		if (pst_checkin_days_add(out, sqlite3_column_int64(st, 0), at,
					 sqlite3_column_int(st, 3))) {
			err = fail(q, "out of memory");
			break;
		}
	}
	if (!err && rc != SQLITE_DONE)
		err = dberr(q, "cannot read the check-ins");
	sqlite3_finalize(st);
	end_read(q);
	if (err)
		pst_checkin_days_free(out);
	return err;
}

static int checkin_latest(struct pst_store *s, int64_t since_day, size_t limit, bool by_id,
			  struct pst_record_set *out)
{
	struct sq *q = enter(s);
	memset(out, 0, sizeof *out);
	if (!(out->arena = pst_arena_new()))
		return fail(q, "out of memory");
	sqlite3_stmt *st;
	int err = prepare(q,
			  by_id ? "SELECT id, at_epoch, at_offset, pain, areas, note FROM checkin"
				  " WHERE person_id = ? AND day >= ? ORDER BY id DESC LIMIT ?"
				: "SELECT id, at_epoch, at_offset, pain, areas, note FROM checkin"
				  " WHERE person_id = ? AND day >= ? ORDER BY at_epoch DESC, id DESC"
				  " LIMIT ?",
			  &st);
	if (err) {
		pst_record_set_free(out);
		return err;
	}
	sqlite3_bind_int64(st, 1, q->person);
	sqlite3_bind_int64(st, 2, since_day);
	sqlite3_bind_int64(st, 3, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->checkins = grow(out->arena, out->checkins, out->ncheckins, &cap, sizeof(*out->checkins));
		if (!out->checkins) {
			err = fail(q, "out of memory");
			break;
		}
		struct pst_checkin *c = &out->checkins[out->ncheckins++];
		memset(c, 0, sizeof *c);
		c->id = sqlite3_column_int64(st, 0);
		c->at.epoch = sqlite3_column_int64(st, 1);
		c->at.offset_min = sqlite3_column_int(st, 2);
		c->pain = sqlite3_column_int(st, 3);
		words_mask(&pst_vocab_area, sqlite3_column_text(st, 4), &c->areas);
		c->note = col_free_text(out->arena, st, 5, PST_TEXT_NOTE, false);
	}
	if (!err && rc != SQLITE_DONE)
		err = dberr(q, "cannot read the check-ins");
	sqlite3_finalize(st);
	if (err) {
		pst_record_set_free(out);
		return err;
	}
	/* newest first as read: oldest first as given */
	for (size_t i = 0, j = out->ncheckins; i + 1 < j; i++, j--) {
		struct pst_checkin t = out->checkins[i];
		out->checkins[i] = out->checkins[j - 1];
		out->checkins[j - 1] = t;
	}
	return PST_OK;
}

/* The id a record of an import gets: *want (0: a new one) and whether it is written in
 * this pass: the first writes the records that keep their ids, the second those that get
 * new ones, so that a new id can never take the id a later record keeps. */
static int import_id(struct sq *q, unsigned flags, int pass, const char *table, int64_t id,
		     int64_t *want, bool *now)
{
	*want = 0;
	if (flags & PST_IMPORT_NEW_IDS) {
		*now = pass == 1;
		return PST_OK;
	}
	int err = wanted_id(q, table, id, want);
	/* Kept ids in the first pass; in the second, an id kept by then is this person's
	 * (written in the first pass, or a duplicate the first pass already refused). */
	*now = pass == 0 ? *want != 0 : *want == 0;
	return err;
}

static int import(struct pst_store *s, const struct pst_record_set *rs, unsigned flags)
{
	struct sq *q = enter(s);
	int err = begin(q);
	if (err)
		return err;
	if (rs->has_profile && (err = profile_write(q, &rs->profile)))
		return rollback(q, err);
	for (size_t i = 0; i < rs->nminutes; i++)
		if ((err = minutes_write(q, &rs->minutes[i])))
			return rollback(q, err);
	if (rs->has_programme && (err = programme_write(q, &rs->programme)))
		return rollback(q, err);
	if (rs->has_screening && (err = screening_write(q, &rs->screening)))
		return rollback(q, err);
	int64_t want;
	bool now;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < rs->ncheckins; i++) {
			const struct pst_checkin *c = &rs->checkins[i];
			if ((err = import_id(q, flags, pass, "checkin", c->id, &want, &now)))
				return rollback(q, err);
			if (now && (err = checkin_write(q, c, want, NULL))) {
				fail(q, "check-in %zu (id %lld) could not be added: %s; nothing was imported",
				     i + 1, (long long)c->id, sqlite3_errmsg(q->db));
				return rollback(q, err);
			}
		}
		for (size_t i = 0; i < rs->nsessions; i++) {
			const struct pst_session_log *l = &rs->sessions[i];
			if ((err = import_id(q, flags, pass, "session", l->id, &want, &now)))
				return rollback(q, err);
			if (now && (err = session_write(q, l, want, NULL))) {
				fail(q, "session %zu (id %lld) could not be added: %s; nothing was imported",
				     i + 1, (long long)l->id, sqlite3_errmsg(q->db));
				return rollback(q, err);
			}
		}
		for (size_t i = 0; i < rs->npsfs; i++) {
			const struct pst_psfs_activity *a = &rs->psfs[i];
			int64_t id;
			if ((err = import_id(q, flags, pass, "psfs_activity", a->id, &want, &now)))
				return rollback(q, err);
			if (!now)
				continue;
			if ((err = psfs_activity_write(q, want, a->activity, a->created, &id))) {
				fail(q, "activity %zu (id %lld) could not be added: %s; nothing was imported",
				     i + 1, (long long)a->id, sqlite3_errmsg(q->db));
				return rollback(q, err);
			}
			for (size_t k = 0; k < a->nratings; k++)
				if ((err = psfs_rating_write(q, id, a->ratings[k].score, a->ratings[k].at)))
					return rollback(q, err);
		}
	}
	int n = 0;
	if ((err = psfs_count(q, &n)))
		return rollback(q, err);
	if (n > PST_PSFS_MAX_ACTIVITIES) {
		fail(q, "%s: the import would make %d functional-scale activities (at most %d); "
			"nothing was imported",
		     q->path, n, PST_PSFS_MAX_ACTIVITIES);
		return rollback(q, PST_EINVAL);
	}
	return commit_write(q);
}

static int backup(struct pst_db *d, const char *path)
{
	struct sq *q = enter_db(d);
	sqlite3 *dst;
	/* Created 0600 first (a backup is health data too); a file already there is not
	 * ours to overwrite. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(q, "%s: cannot create the backup: %s", path, strerror(errno));
	(void)fchmod(fd, 0600);
	close(fd);
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		fail(q, "%s: cannot create the backup: %s", path, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return PST_EIO;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", q->db, "main");
	int rc = SQLITE_OK;
	if (b) {
		/* All pages in one step: a consistent snapshot even while others write. */
		rc = sqlite3_backup_step(b, -1);
		sqlite3_backup_finish(b);
	}
	int err = PST_OK;
	if (!b || rc != SQLITE_DONE) {
		int code = sqlite3_extended_errcode(dst);
		fail(q, "%s: the backup failed: %s", path,
		     (code & 0xff) == SQLITE_FULL ? "the disk is full" : sqlite3_errmsg(dst));
		err = PST_EIO;
	}
	if (sqlite3_close(dst) != SQLITE_OK && !err)
		err = fail(q, "%s: cannot close the backup", path);
	return err;
}

/* The person's version (bumped by every write to their records, by any connection), and
 * with ST_VERSION_ACCOUNTS whether the database holds any account, in one statement. The
 * same sum as on PostgreSQL (schema.c, migrations 13 and 17), though SQLite's writes, one
 * at a time anyway, bump person.version itself and leave person_write empty. */
static int version_read(struct pst_store *s, int which, int64_t *v, bool *accounts)
{
	struct sq *q = enter(s);
	sqlite3_stmt *st;
	int err = cached(q, which, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, q->person);
	int rc = sqlite3_step(st);
	bool person = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (person) {
		*v = sqlite3_column_int64(st, 0);
		if (accounts)
			*accounts = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dberr(q, "cannot read the data version");
	return person ? PST_OK
		      : fail(q, "%s: there is no person with id %lld", q->path, (long long)q->person);
}

static int data_version(struct pst_store *s, int64_t *v)
{
	return version_read(s, ST_VERSION, v, NULL);
}

static int data_version_accounts(struct pst_store *s, int64_t *v, bool *accounts)
{
	return version_read(s, ST_VERSION_ACCOUNTS, v, accounts);
}

/* --- the database: people, transactions ---------------------------------------- */

static int person_add(struct pst_db *d, const char *name, int64_t *id)
{
	struct sq *q = enter_db(d);
	char why[300];
	if (!pst_person_name_check(name, why, sizeof why)) {
		fail(q, "%s", why);
		return PST_EINVAL;
	}
	sqlite3_stmt *st;
	int err = begin(q);
	if (err)
		return err;
	if ((err = prepare(q, "INSERT INTO person (created_epoch, name, version)"
			      " VALUES (strftime('%s', 'now'), ?, 0)", &st)))
		return rollback(q, err);
	sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_TRANSIENT);
	if ((err = run(q, st, "cannot add a person")))
		return rollback(q, err);
	*id = sqlite3_last_insert_rowid(q->db);
	return commit(q);
}

static int person_list(struct pst_db *d, struct pst_person **out, size_t *n)
{
	struct sq *q = enter_db(d);
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	int err = prepare(q, "SELECT id, name, created_epoch FROM person ORDER BY id", &st);
	if (err)
		return err;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			struct pst_person *v = realloc(*out, ncap * sizeof(**out));
			if (!v) {
				sqlite3_finalize(st);
				free(*out);
				*out = NULL;
				*n = 0;
				return fail(q, "out of memory");
			}
			*out = v;
			cap = ncap;
		}
		struct pst_person *p = &(*out)[(*n)++];
		p->id = sqlite3_column_int64(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		snprintf(p->name, sizeof p->name, "%s", name ? name : "");
		p->created_epoch = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return dberr(q, "cannot list the people");
	}
	return PST_OK;
}

static int person_exists(struct pst_db *d, int64_t id, bool *exists)
{
	struct sq *q = enter_db(d);
	sqlite3_stmt *st;
	int err = prepare(q, "SELECT 1 FROM person WHERE id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	*exists = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot look up a person");
}

static int db_begin(struct pst_db *d)
{
	struct sq *q = enter_db(d);
	if (q->in_tx) {
		fail(q, "%s: a transaction is already open", q->path);
		return PST_EINVAL;
	}
	int err = begin(q);
	if (!err)
		q->in_tx = true;
	return err;
}

static int db_commit(struct pst_db *d)
{
	struct sq *q = enter_db(d);
	if (!q->in_tx) {
		fail(q, "%s: no transaction is open", q->path);
		return PST_EINVAL;
	}
	q->in_tx = false;
	return commit(q);
}

static void db_rollback(struct pst_db *d)
{
	struct sq *q = enter_db(d);
	if (q->in_tx) {
		q->in_tx = false;
		rollback(q, PST_OK);
	}
}

/* The database answers when the file at the path is still the one open (writes to a
 * file removed or replaced under the server would be lost) and a query reads it. */
static int ping(struct pst_db *d)
{
	struct sq *q = enter_db(d);
	struct stat st;
	if (stat(q->path, &st) != 0 || st.st_dev != q->dev || st.st_ino != q->ino) {
		fail(q, "%s: the database file is no longer there (moved or removed)", q->path);
		return PST_EUNAVAILABLE;
	}
	sqlite3_stmt *stmt;
	if (prepare(q, "SELECT count(*) FROM sqlite_master", &stmt))
		return PST_EUNAVAILABLE;
	int rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW) {
		dberr(q, "cannot read the database");
		return PST_EUNAVAILABLE;
	}
	return PST_OK;
}

static int secret(struct pst_db *d, const char *name, const unsigned char *fresh, size_t len,
		  unsigned char *out)
{
	struct sq *q = enter_db(d);
	sqlite3_stmt *st;
	int err;
	if (len == 0 || len > 64) {
		fail(q, "%s: a secret of %zu bytes", q->path, len);
		return PST_EINVAL;
	}
	/* INSERT OR IGNORE: of two processes starting at once, the first one's stays. */
	if ((err = begin(q)))
		return err;
	if ((err = prepare(q, "INSERT OR IGNORE INTO deployment_secret (name, value) VALUES (?, ?)", &st)))
		return rollback(q, err);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, fresh, (int)len, SQLITE_TRANSIENT);
	if ((err = run(q, st, "cannot save the deployment's secret")))
		return rollback(q, err);
	if ((err = commit(q)))
		return err;
	if ((err = prepare(q, "SELECT value FROM deployment_secret WHERE name = ?", &st)))
		return err;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (size_t)sqlite3_column_bytes(st, 0) == len)
		memcpy(out, sqlite3_column_blob(st, 0), len);
	else if (rc == SQLITE_ROW)
		err = fail(q, "%s: the deployment's secret '%s' is not %zu bytes", q->path, name, len);
	else
		err = dberr(q, "cannot read the deployment's secret");
	sqlite3_finalize(st);
	return err;
}

/* --- accounts, sessions, invitations, audit, throttle (issue 14) -------------------- */

#define ACCOUNT_COLS "id, email, name, role, person_id, clinician_id, password, disabled, created_epoch"

/* One row of ACCOUNT_COLS into out (and the password hash into hash, when not NULL). */
static void account_row_at(sqlite3_stmt *st, int c, struct pst_account *out, char *hash,
			   size_t hash_size)
{
	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(st, c);
	const char *t = (const char *)sqlite3_column_text(st, c + 1);
	snprintf(out->email, sizeof out->email, "%s", t ? t : "");
	t = (const char *)sqlite3_column_text(st, c + 2);
	snprintf(out->name, sizeof out->name, "%s", t ? t : "");
	t = (const char *)sqlite3_column_text(st, c + 3);
	enum pst_role role = PST_ROLE_PATIENT;
	pst_role_parse(t, &role);
	out->role = role;
	out->person = sqlite3_column_int64(st, c + 4);
	out->clinician = sqlite3_column_int64(st, c + 5);
	t = (const char *)sqlite3_column_text(st, c + 6);
	out->has_password = t && *t;
	out->disabled = sqlite3_column_int(st, c + 7) != 0;
	out->created_epoch = sqlite3_column_int64(st, c + 8);
	if (hash && hash_size)
		snprintf(hash, hash_size, "%s", t ? t : "");
}

static void account_row(sqlite3_stmt *st, struct pst_account *out, char *hash, size_t hash_size)
{
	account_row_at(st, 0, out, hash, hash_size);
}

static int account_add(struct pst_db *d, const struct pst_account *a, const char *hash, int64_t *id)
{
	struct sq *q = enter_db(d);
	char email[PST_EMAIL_MAX + 1], why[500];
	if (pst_account_input_check(a, email, why, sizeof why)) {
		fail(q, "%s", why);
		return PST_EINVAL;
	}
	sqlite3_stmt *st;
	int err = begin(q);
	if (err)
		return err;
	/* The email free (whatever its case: the column's NOCASE)? */
	if ((err = prepare(q, "SELECT 1 FROM account WHERE email = ?", &st)))
		return rollback(q, err);
	sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW) {
		fail(q, "%s: there is already an account with the email %s", q->path, email);
		return rollback(q, PST_EEXISTS);
	}
	if (rc != SQLITE_DONE)
		return rollback(q, dberr(q, "cannot look up an account"));
	if (a->role == PST_ROLE_PATIENT && a->clinician) {
		if ((err = prepare(q, "SELECT role FROM account WHERE id = ?", &st)))
			return rollback(q, err);
		sqlite3_bind_int64(st, 1, a->clinician);
		rc = sqlite3_step(st);
		bool clinician = rc == SQLITE_ROW &&
				 !strcmp((const char *)sqlite3_column_text(st, 0), "clinician");
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return rollback(q, dberr(q, "cannot look up an account"));
		if (!clinician) {
			fail(q, "%s: there is no clinician account with id %lld", q->path,
			     (long long)a->clinician);
			return rollback(q, PST_ENOTFOUND);
		}
	}
	int64_t person = 0;
	if (a->role == PST_ROLE_PATIENT) {
		if ((err = prepare(q, "INSERT INTO person (created_epoch, name, version)"
				      " VALUES (strftime('%s', 'now'), ?, 0)", &st)))
			return rollback(q, err);
		sqlite3_bind_text(st, 1, a->name, -1, SQLITE_TRANSIENT);
		if ((err = run(q, st, "cannot add the patient's person")))
			return rollback(q, err);
		person = sqlite3_last_insert_rowid(q->db);
	}
	if ((err = prepare(q, "INSERT INTO account (email, name, role, person_id, clinician_id,"
			      " password, disabled, created_epoch)"
			      " VALUES (?, ?, ?, ?, ?, ?, 0, strftime('%s', 'now'))", &st)))
		return rollback(q, err);
	sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, a->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, pst_role_name(a->role), -1, SQLITE_STATIC);
	if (person)
		sqlite3_bind_int64(st, 4, person);
	if (a->role == PST_ROLE_PATIENT && a->clinician)
		sqlite3_bind_int64(st, 5, a->clinician);
	bind_text_or_null(st, 6, hash && *hash ? hash : NULL);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		if (sqlite3_extended_errcode(q->db) == SQLITE_CONSTRAINT_UNIQUE) {
			fail(q, "%s: there is already an account with the email %s", q->path, email);
			return rollback(q, PST_EEXISTS);
		}
		return rollback(q, dberr(q, "cannot add the account"));
	}
	int64_t new_id = sqlite3_last_insert_rowid(q->db);
	if ((err = commit(q)))
		return err;
	*id = new_id;
	return PST_OK;
}

static int account_get(struct pst_db *d, int64_t id, struct pst_account *out, bool *found)
{
	struct sq *q = enter_db(d);
	sqlite3_stmt *st;
	*found = false;
	int err = prepare(q, "SELECT " ACCOUNT_COLS " FROM account WHERE id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		account_row(st, out, NULL, 0);
		*found = true;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read an account");
}

static int account_by_email(struct pst_db *d, const char *email, struct pst_account *out,
			    char *hash_out, size_t hash_size, bool *found)
{
	struct sq *q = enter_db(d);
	char norm[PST_EMAIL_MAX + 1], why[300];
	*found = false;
	if (hash_out && hash_size)
		hash_out[0] = '\0';
	if (!pst_email_normalize(email, norm, sizeof norm, why, sizeof why))
		return PST_OK; /* no account has an email that is not one */
	sqlite3_stmt *st;
	int err = prepare(q, "SELECT " ACCOUNT_COLS " FROM account WHERE email = ?", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, norm, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		account_row(st, out, hash_out, hash_size);
		*found = true;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read an account");
}

static int account_list(struct pst_db *d, int role, int64_t clinician, struct pst_account **out,
			size_t *n)
{
	struct sq *q = enter_db(d);
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	/* A clinician's patients through the clinician_id index (the dashboard asks on every
	 * visit): with "?2 = 0 OR" in the same statement SQLite scanned every account. */
	int err = prepare(q, clinician ? "SELECT " ACCOUNT_COLS " FROM account"
					 " WHERE clinician_id = ?2 AND (?1 IS NULL OR role = ?1) ORDER BY id"
				       : "SELECT " ACCOUNT_COLS " FROM account"
					 " WHERE (?1 IS NULL OR role = ?1) ORDER BY id",
			  &st);
	if (err)
		return err;
	if (role >= 0)
		sqlite3_bind_text(st, 1, pst_role_name((enum pst_role)role), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, clinician);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			struct pst_account *v = realloc(*out, ncap * sizeof(**out));
			if (!v) {
				sqlite3_finalize(st);
				free(*out);
				*out = NULL;
				*n = 0;
				fail(q, "out of memory");
				return PST_ENOMEM;
			}
			*out = v;
			cap = ncap;
		}
		account_row(st, &(*out)[(*n)++], NULL, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return dberr(q, "cannot list the accounts");
	}
	return PST_OK;
}

static int account_count(struct pst_db *d, int64_t *n)
{
	struct sq *q = enter_db(d);
	sqlite3_stmt *st;
	int err = cached(q, ST_ACCOUNT_COUNT, &st);
	if (err)
		return err;
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? PST_OK : dberr(q, "cannot count the accounts");
}

/* Runs sql (binding the account id as ?1 and, when not NULL, text as ?2) and ends the
 * account's sessions, in one transaction; PST_ENOTFOUND when there is no such account. */
static int account_update(struct sq *q, int64_t id, const char *sql, const char *text, int flag)
{
	sqlite3_stmt *st;
	int err = begin(q);
	if (err)
		return err;
	if ((err = prepare(q, sql, &st)))
		return rollback(q, err);
	sqlite3_bind_int64(st, 1, id);
	if (flag >= 0)
		sqlite3_bind_int(st, 2, flag);
	else
		bind_text_or_null(st, 2, text);
	if ((err = run(q, st, "cannot change the account")))
		return rollback(q, err);
	if (sqlite3_changes(q->db) == 0) {
		fail(q, "%s: there is no account with id %lld", q->path, (long long)id);
		return rollback(q, PST_ENOTFOUND);
	}
	if ((err = prepare(q, "DELETE FROM auth_session WHERE account_id = ?", &st)))
		return rollback(q, err);
	sqlite3_bind_int64(st, 1, id);
	if ((err = run(q, st, "cannot end the account's sessions")))
		return rollback(q, err);
	return commit(q);
}

static int account_set_password(struct pst_db *d, int64_t id, const char *hash)
{
	return account_update(enter_db(d), id, "UPDATE account SET password = ?2 WHERE id = ?1",
			      hash && *hash ? hash : NULL, -1);
}

static int account_rehash(struct pst_db *d, int64_t id, const char *old_hash, const char *new_hash,
			  bool *changed)
{
	struct sq *q = enter_db(d);
	*changed = false;
	if (!old_hash || !*old_hash || !new_hash || !*new_hash) {
		fail(q, "a password hash is empty");
		return PST_EINVAL;
	}
	sqlite3_stmt *st;
	int err = begin(q);
	if (err)
		return err;
	if ((err = prepare(q, "UPDATE account SET password = ?3 WHERE id = ?1 AND password = ?2", &st)))
		return rollback(q, err);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, old_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, new_hash, -1, SQLITE_STATIC);
	if ((err = run(q, st, "cannot change the account's password hash")))
		return rollback(q, err);
	bool done = sqlite3_changes(q->db) > 0;
	if ((err = commit(q)))
		return err;
	*changed = done;
	return PST_OK;
}

static int account_set_disabled(struct pst_db *d, int64_t id, bool disabled)
{
	return account_update(enter_db(d), id, "UPDATE account SET disabled = ?2 WHERE id = ?1", NULL,
			      disabled ? 1 : 0);
}

/* Whether the account exists (PST_ENOTFOUND, with the message, when not). */
static int account_must_exist(struct sq *q, int64_t id)
{
	sqlite3_stmt *st;
	int err = prepare(q, "SELECT 1 FROM account WHERE id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		fail(q, "%s: there is no account with id %lld", q->path, (long long)id);
		return PST_ENOTFOUND;
	}
	return rc == SQLITE_ROW ? PST_OK : dberr(q, "cannot look up an account");
}

static int auth_session_add(struct pst_db *d, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			    int64_t account, int64_t now, const char *address)
{
	struct sq *q = enter_db(d);
	char why[200], hex[2 * PST_TOKEN_HASH_SIZE + 1];
	if (pst_address_check(address, why, sizeof why)) {
		fail(q, "%s", why);
		return PST_EINVAL;
	}
	pst_token_hash_hex(hash, hex);
	sqlite3_stmt *st;
	int err = begin(q);
	if (err)
		return err;
	if ((err = account_must_exist(q, account)))
		return rollback(q, err);
	if ((err = prepare(q, "INSERT INTO auth_session (token_hash, account_id, created_epoch,"
			      " last_seen_epoch, address) VALUES (?, ?, ?, ?, ?)", &st)))
		return rollback(q, err);
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, account);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_text(st, 5, address ? address : "", -1, SQLITE_TRANSIENT);
	if ((err = run(q, st, "cannot add a login session")))
		return rollback(q, err);
	return commit(q);
}

static int auth_session_get(struct pst_db *d, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			    struct pst_auth_session *out, bool *found)
{
	struct sq *q = enter_db(d);
	char hex[2 * PST_TOKEN_HASH_SIZE + 1];
	pst_token_hash_hex(hash, hex);
	*found = false;
	sqlite3_stmt *st;
	int err = prepare(q, "SELECT account_id, created_epoch, last_seen_epoch, address"
			     " FROM auth_session WHERE token_hash = ?", &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->account = sqlite3_column_int64(st, 0);
		out->created_epoch = sqlite3_column_int64(st, 1);
		out->last_seen_epoch = sqlite3_column_int64(st, 2);
		const char *t = (const char *)sqlite3_column_text(st, 3);
		snprintf(out->address, sizeof out->address, "%s", t ? t : "");
		*found = true;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read a login session");
}

static int auth_session_read(struct pst_db *d, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			     int64_t patient, struct pst_session_read *out, bool *found)
{
	struct sq *q = enter_db(d);
	char hex[2 * PST_TOKEN_HASH_SIZE + 1];
	pst_token_hash_hex(hash, hex);
	*found = false;
	sqlite3_stmt *st;
	int err = cached(q, ST_SESSION_READ, &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, patient);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->session.created_epoch = sqlite3_column_int64(st, 0);
		out->session.last_seen_epoch = sqlite3_column_int64(st, 1);
		const char *t = (const char *)sqlite3_column_text(st, 2);
		snprintf(out->session.address, sizeof out->session.address, "%s", t ? t : "");
		account_row_at(st, PST_SESSION_READ_ACCOUNT, &out->account, NULL, 0);
		out->session.account = out->account.id;
		out->has_own_version =
			sqlite3_column_type(st, PST_SESSION_READ_OWN_VERSION) != SQLITE_NULL;
		if (out->has_own_version)
			out->own_version = sqlite3_column_int64(st, PST_SESSION_READ_OWN_VERSION);
		out->has_patient = sqlite3_column_type(st, PST_SESSION_READ_PATIENT) != SQLITE_NULL;
		if (out->has_patient) {
			account_row_at(st, PST_SESSION_READ_PATIENT, &out->patient, NULL, 0);
			out->patient_version = sqlite3_column_int64(st, PST_SESSION_READ_VERSION);
		}
		out->has_roster_version =
			sqlite3_column_type(st, PST_SESSION_READ_ROSTER) != SQLITE_NULL;
		if (out->has_roster_version)
			out->roster_version = sqlite3_column_int64(st, PST_SESSION_READ_ROSTER);
		*found = true;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read a login session");
}

/* One write statement binding the token hash's hex as ?1 and, when has_int, x as ?2. */
static int hash_write(struct sq *q, const char *sql, const unsigned char hash[PST_TOKEN_HASH_SIZE],
		      bool has_int, int64_t x, const char *doing)
{
	char hex[2 * PST_TOKEN_HASH_SIZE + 1];
	pst_token_hash_hex(hash, hex);
	sqlite3_stmt *st;
	int err = begin(q);
	if (err)
		return err;
	if ((err = prepare(q, sql, &st)))
		return rollback(q, err);
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	if (has_int)
		sqlite3_bind_int64(st, 2, x);
	if ((err = run(q, st, doing)))
		return rollback(q, err);
	return commit(q);
}

static int auth_session_touch(struct pst_db *d, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			      int64_t now)
{
	return hash_write(enter_db(d), "UPDATE auth_session SET last_seen_epoch = ?2 WHERE token_hash = ?1",
			  hash, true, now, "cannot update a login session");
}

static int auth_session_delete(struct pst_db *d, const unsigned char hash[PST_TOKEN_HASH_SIZE])
{
	return hash_write(enter_db(d), "DELETE FROM auth_session WHERE token_hash = ?1", hash, false, 0,
			  "cannot end a login session");
}

static int auth_session_purge(struct pst_db *d, int64_t created_before, int64_t seen_before,
			      int64_t *n)
{
	struct sq *q = enter_db(d);
	sqlite3_stmt *st;
	int err = begin(q);
	if (err)
		return err;
	if ((err = prepare(q, "DELETE FROM auth_session WHERE created_epoch < ? OR last_seen_epoch < ?",
			   &st)))
		return rollback(q, err);
	sqlite3_bind_int64(st, 1, created_before);
	sqlite3_bind_int64(st, 2, seen_before);
	if ((err = run(q, st, "cannot remove expired login sessions")))
		return rollback(q, err);
	int64_t gone = sqlite3_changes(q->db);
	if ((err = commit(q)))
		return err;
	if (n)
		*n = gone;
	return PST_OK;
}

static int invitation_add(struct pst_db *d, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			  int64_t account, int64_t expires)
{
	struct sq *q = enter_db(d);
	char hex[2 * PST_TOKEN_HASH_SIZE + 1];
	pst_token_hash_hex(hash, hex);
	sqlite3_stmt *st;
	int err = begin(q);
	if (err)
		return err;
	if ((err = account_must_exist(q, account)))
		return rollback(q, err);
	if ((err = prepare(q, "INSERT INTO invitation (token_hash, account_id, expires_epoch)"
			      " VALUES (?, ?, ?)", &st)))
		return rollback(q, err);
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, account);
	sqlite3_bind_int64(st, 3, expires);
	if ((err = run(q, st, "cannot add an invitation")))
		return rollback(q, err);
	return commit(q);
}

static int invitation_take(struct pst_db *d, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			   int64_t now, int64_t *account, bool *found)
{
	struct sq *q = enter_db(d);
	char hex[2 * PST_TOKEN_HASH_SIZE + 1];
	pst_token_hash_hex(hash, hex);
	*found = false;
	*account = 0;
	sqlite3_stmt *st;
	int err = begin(q);
	if (err)
		return err;
	if ((err = prepare(q, "DELETE FROM invitation WHERE token_hash = ? RETURNING account_id,"
			      " expires_epoch", &st)))
		return rollback(q, err);
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	int64_t acc = 0, expires = 0;
	if (rc == SQLITE_ROW) {
		acc = sqlite3_column_int64(st, 0);
		expires = sqlite3_column_int64(st, 1);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rollback(q, dberr(q, "cannot take an invitation"));
	/* the expired ones of everyone go too */
	if ((err = prepare(q, "DELETE FROM invitation WHERE expires_epoch <= ?", &st)))
		return rollback(q, err);
	sqlite3_bind_int64(st, 1, now);
	if ((err = run(q, st, "cannot remove expired invitations")))
		return rollback(q, err);
	if ((err = commit(q)))
		return err;
	if (acc && expires > now) {
		*account = acc;
		*found = true;
	}
	return PST_OK;
}

static int invitation_peek(struct pst_db *d, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			   int64_t now, int64_t *account, bool *found)
{
	struct sq *q = enter_db(d);
	char hex[2 * PST_TOKEN_HASH_SIZE + 1];
	pst_token_hash_hex(hash, hex);
	*found = false;
	*account = 0;
	sqlite3_stmt *st;
	int err = prepare(q, "SELECT account_id FROM invitation WHERE token_hash = ? AND expires_epoch > ?",
			  &st);
	if (err)
		return err;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*account = sqlite3_column_int64(st, 0);
		*found = true;
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*found = false;
		*account = 0;
		return dberr(q, "cannot read an invitation");
	}
	return PST_OK;
}

static int audit_add_many(struct pst_db *d, const struct pst_audit *e, size_t n)
{
	struct sq *q = enter_db(d);
	char why[200];
	for (size_t i = 0; i < n; i++)
		if (pst_audit_check(&e[i], why, sizeof why)) {
			fail(q, "%s", why);
			return PST_EINVAL;
		}
	if (n == 0)
		return PST_OK;
	sqlite3_stmt *st;
	int err = begin(q);
	if (err)
		return err;
	if ((err = prepare(q, "INSERT INTO audit (at_epoch, actor_id, action, patient_id, account_id,"
			      " address) VALUES (?, ?, ?, ?, ?, ?)", &st)))
		return rollback(q, err);
	for (size_t i = 0; !err && i < n; i++) {
		sqlite3_bind_int64(st, 1, e[i].at_epoch);
		sqlite3_bind_int64(st, 2, e[i].actor);
		sqlite3_bind_text(st, 3, e[i].action, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, e[i].patient);
		sqlite3_bind_int64(st, 5, e[i].account);
		sqlite3_bind_text(st, 6, e[i].address, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			err = dberr(q, "cannot write to the audit log");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (err)
		return rollback(q, err);
	return commit(q);
}

static int audit_add(struct pst_db *d, const struct pst_audit *e)
{
	return audit_add_many(d, e, 1);
}

static int audit_list(struct pst_db *d, int64_t since, int64_t limit, struct pst_audit **out,
		      size_t *n)
{
	struct sq *q = enter_db(d);
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	int err = prepare(q, "SELECT id, at_epoch, actor_id, action, patient_id, account_id, address"
			     " FROM audit WHERE at_epoch >= ? ORDER BY at_epoch DESC, id DESC LIMIT ?",
			  &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct pst_audit *v = realloc(*out, ncap * sizeof(**out));
			if (!v) {
				sqlite3_finalize(st);
				free(*out);
				*out = NULL;
				*n = 0;
				fail(q, "out of memory");
				return PST_ENOMEM;
			}
			*out = v;
			cap = ncap;
		}
		struct pst_audit *e = &(*out)[(*n)++];
		memset(e, 0, sizeof *e);
		e->id = sqlite3_column_int64(st, 0);
		e->at_epoch = sqlite3_column_int64(st, 1);
		e->actor = sqlite3_column_int64(st, 2);
		const char *t = (const char *)sqlite3_column_text(st, 3);
		snprintf(e->action, sizeof e->action, "%s", t ? t : "");
		e->patient = sqlite3_column_int64(st, 4);
		e->account = sqlite3_column_int64(st, 5);
		t = (const char *)sqlite3_column_text(st, 6);
		snprintf(e->address, sizeof e->address, "%s", t ? t : "");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return dberr(q, "cannot read the audit log");
	}
	return PST_OK;
}

/* Whether another attempt is allowed with failures counted since start. */
static void throttle_verdict(int64_t start, int64_t failures, int64_t now, int64_t window,
			     int64_t limit, bool *allowed, int64_t *retry)
{
	if (start + window <= now || failures < limit) {
		*allowed = true;
		*retry = 0;
		return;
	}
	*allowed = false;
	*retry = start + window - now;
	if (*retry < 1)
		*retry = 1;
}

static int throttle_args(struct sq *q, const char *key, int64_t window, int64_t limit)
{
	char why[200];
	if (pst_throttle_key_check(key, why, sizeof why)) {
		fail(q, "%s", why);
		return PST_EINVAL;
	}
	if (window < 1 || limit < 1) {
		fail(q, "a throttle's window (%lld s) and limit (%lld) are at least 1",
		     (long long)window, (long long)limit);
		return PST_EINVAL;
	}
	return PST_OK;
}

static int throttle_hit(struct pst_db *d, const char *key, int64_t now, int64_t window,
			int64_t limit, bool *allowed, int64_t *retry)
{
	struct sq *q = enter_db(d);
	*allowed = false;
	*retry = 0;
	int err = throttle_args(q, key, window, limit);
	if (err)
		return err;
	sqlite3_stmt *st;
	if ((err = begin(q)))
		return err;
	/* A window over (or none yet) starts again at now with this failure. */
	if ((err = prepare(q, "INSERT INTO login_throttle (key, window_start, failures) VALUES (?1, ?2, 1)"
			      " ON CONFLICT (key) DO UPDATE SET"
			      " failures = CASE WHEN window_start + ?3 <= ?2 THEN 1 ELSE failures + 1 END,"
			      " window_start = CASE WHEN window_start + ?3 <= ?2 THEN ?2 ELSE window_start END"
			      " RETURNING window_start, failures", &st)))
		return rollback(q, err);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, window);
	int rc = sqlite3_step(st);
	int64_t start = now, failures = 1;
	if (rc == SQLITE_ROW) {
		start = sqlite3_column_int64(st, 0);
		failures = sqlite3_column_int64(st, 1);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rollback(q, dberr(q, "cannot count a failed login"));
	if ((err = commit(q)))
		return err;
	throttle_verdict(start, failures, now, window, limit, allowed, retry);
	return PST_OK;
}

static int throttle_check(struct pst_db *d, const char *key, int64_t now, int64_t window,
			  int64_t limit, bool *allowed, int64_t *retry)
{
	struct sq *q = enter_db(d);
	*allowed = false;
	*retry = 0;
	int err = throttle_args(q, key, window, limit);
	if (err)
		return err;
	sqlite3_stmt *st;
	if ((err = prepare(q, "SELECT window_start, failures FROM login_throttle WHERE key = ?", &st)))
		return err;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	int64_t start = now, failures = 0;
	if (rc == SQLITE_ROW) {
		start = sqlite3_column_int64(st, 0);
		failures = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return dberr(q, "cannot read the login throttle");
	throttle_verdict(start, failures, now, window, limit, allowed, retry);
	return PST_OK;
}

static int throttle_clear(struct pst_db *d, const char *key)
{
	struct sq *q = enter_db(d);
	sqlite3_stmt *st;
	int err = begin(q);
	if (err)
		return err;
	if ((err = prepare(q, "DELETE FROM login_throttle WHERE key = ?", &st)))
		return rollback(q, err);
	sqlite3_bind_text(st, 1, key ? key : "", -1, SQLITE_TRANSIENT);
	if ((err = run(q, st, "cannot clear the login throttle")))
		return rollback(q, err);
	return commit(q);
}

static void close_db(struct pst_db *d)
{
	struct sq *q = enter_db(d);
	db_rollback(d);
	writer_unlock(q); /* (a transaction left open by a failure: closing ends it) */
	for (int i = 0; i < ST__MAX; i++)
		sqlite3_finalize(q->cached[i]);
	sqlite3_close(q->db);
	free(q->path);
	free(q);
}

static const struct pst_store_ops sqlite_store_ops = {
	.profile_get = profile_get,
	.profile_put = profile_put,
	.calendar_token_get = calendar_token_get,
	.calendar_token_put = calendar_token_put,
	.checkin_add = checkin_add,
	.session_add = session_add,
	.psfs_add = psfs_add,
	.psfs_rate = psfs_rate,
	.read_all = read_all,
	.read_each = read_each,
	.checkin_days = checkin_days,
	.checkin_latest = checkin_latest,
	.import = import,
	.screening_get = screening_get,
	.screening_put = screening_put,
	.programme_get = programme_get,
	.programme_put = programme_put,
	.data_version = data_version,
	.data_version_accounts = data_version_accounts,
};

/* --- the dashboard's summaries (summary_sql.h) ------------------------------------- */

static bool col_null(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL;
}

static int summary_people(struct sq *q, sqlite3_stmt *st, struct pst_summary_set *set)
{
	int rc;
	bool oom = false;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t n;
		const struct pst_summary_key *key = pst_summary_find(set, sqlite3_column_int64(st, 0), &n);
		const char *answers = NULL, *hurt = NULL;
		if (n && !col_null(st, 8))
			answers = pst_summary_text(set, (const char *)sqlite3_column_text(st, 8), 0, &oom);
		if (n && !col_null(st, 14))
			hurt = pst_summary_text(set, (const char *)sqlite3_column_text(st, 14), 0, &oom);
		for (size_t k = 0; k < n; k++) {
			struct pst_patient_summary *s = &set->v[key[k].i];
			int stage = col_null(st, 1) ? -1
				    : pst_vocab_find(&pst_vocab_stage, (const char *)sqlite3_column_text(st, 1));
			if (stage >= 0) {
				s->has_profile = true;
				s->stage = (enum pst_stage)stage;
				s->anchor_day = sqlite3_column_int64(st, 2);
				s->minutes = sqlite3_column_int(st, 3);
				s->plan_start_day = pst_time_day((struct pst_time){sqlite3_column_int64(st, 4),
										 sqlite3_column_int(st, 5)});
				if (!col_null(st, 6) && sqlite3_column_int64(st, 6) < s->plan_start_day)
					s->plan_start_day = sqlite3_column_int64(st, 6);
			}
			if (answers) {
				s->has_screening = true;
				s->screening_stages = (unsigned)sqlite3_column_int(st, 7);
				s->screening_answers = answers;
				s->screened_at = (struct pst_time){sqlite3_column_int64(st, 9),
								   sqlite3_column_int(st, 10)};
			}
			s->sessions_week = sqlite3_column_int(st, 11);
			s->hurt_count = sqlite3_column_int(st, 12);
			s->hurt_day = sqlite3_column_int64(st, 13);
			s->hurt_exercise = hurt;
		}
	}
	if (oom)
		return fail(q, "out of memory");
	return rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read the patients' summaries");
}

static int summary_pain(struct sq *q, sqlite3_stmt *st, struct pst_summary_set *set)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pst_summary_pain_row r = {
			.has_c = !col_null(st, 1),
			.cp = sqlite3_column_int(st, 1),
			.ct = {sqlite3_column_int64(st, 2), sqlite3_column_int(st, 3)},
			.has_s = !col_null(st, 4),
			.sp = sqlite3_column_int(st, 4),
			.st = {sqlite3_column_int64(st, 5), sqlite3_column_int(st, 6)},
			.c_count = sqlite3_column_int64(st, 8),
			.c_sum = sqlite3_column_int64(st, 9),
			.s_count = sqlite3_column_int64(st, 10),
			.s_sum = sqlite3_column_int64(st, 11),
		};
		pst_summary_set_pain(set, sqlite3_column_int64(st, 0), &r);
	}
	return rc == SQLITE_DONE ? PST_OK : dberr(q, "cannot read the patients' pain");
}

static int summaries(struct pst_db *d, const int64_t *people, size_t n, int64_t today,
		     struct pst_summary_set *out)
{
	struct sq *q = enter_db(d);
	if (pst_summary_set_init(out, people, n))
		return fail(q, "out of memory");
	char *ids = pst_summary_id_list(people, n, "[", "]");
	if (!ids)
		return fail(q, "out of memory");
	int64_t monday = pst_day_monday(today);
	sqlite3_stmt *st = NULL;
	/* One read transaction: the two queries see the same records. */
	int err = begin_read(q);
	if (!err && !(err = cached(q, ST_SUMMARY_PEOPLE, &st))) {
		sqlite3_bind_text(st, 1, ids, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, today);
		sqlite3_bind_int64(st, 3, monday);
		sqlite3_bind_int64(st, 4, today - (PST_ATTENTION_HURT_DAYS - 1));
		err = summary_people(q, st, out);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	if (!err && !(err = cached(q, ST_SUMMARY_PAIN, &st))) {
		sqlite3_bind_text(st, 1, ids, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, today);
		err = summary_pain(q, st, out);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	end_read(q);
	free(ids);
	return err;
}

static int roster_version(struct pst_db *d, int64_t clinician, int64_t *version)
{
	struct sq *q = enter_db(d);
	*version = 0;
	sqlite3_stmt *st;
	int err = cached(q, ST_ROSTER_VERSION, &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, clinician);
	if (sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int64(st, 0);
	else
		err = dberr(q, "cannot read the roster's version");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

static const struct pst_db_ops sqlite_db_ops = {
	.name = "sqlite",
	.close = close_db,
	.person_add = person_add,
	.person_list = person_list,
	.person_exists = person_exists,
	.begin = db_begin,
	.commit = db_commit,
	.rollback = db_rollback,
	.backup = backup,
	.ping = ping,
	.secret = secret,
	.summaries = summaries,
	.roster_version = roster_version,
	.account_add = account_add,
	.account_get = account_get,
	.account_by_email = account_by_email,
	.account_list = account_list,
	.account_count = account_count,
	.account_set_password = account_set_password,
	.account_rehash = account_rehash,
	.account_set_disabled = account_set_disabled,
	.session_add = auth_session_add,
	.session_get = auth_session_get,
	.session_read = auth_session_read,
	.session_touch = auth_session_touch,
	.session_delete = auth_session_delete,
	.session_purge = auth_session_purge,
	.invitation_add = invitation_add,
	.invitation_take = invitation_take,
	.invitation_peek = invitation_peek,
	.audit_add = audit_add,
	.audit_add_many = audit_add_many,
	.audit_list = audit_list,
	.throttle_hit = throttle_hit,
	.throttle_check = throttle_check,
	.throttle_clear = throttle_clear,
};

/* Health data is the person's alone: the database is created 0600 whatever the umask
 * (SQLite gives its -wal, -shm and -journal files the database's own mode), and a file
 * of ours left readable by others by an older postura is made 0600 again. A file that
 * cannot be opened here is left to SQLite to report. */
static void private_file(const char *path, bool create)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    (st.st_mode & 077))
		(void)fchmod(fd, st.st_mode & 0700);
	close(fd);
}

static void private_files(const char *path)
{
	private_file(path, true);
	char side[4200];
	static const char *const ends[] = {"-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
		snprintf(side, sizeof side, "%s%s", path, ends[i]);
		private_file(side, false);
	}
}

/* "file:" and path with % ? # escaped, for SQLite's URI parameters. */
static char *file_uri(const char *path, const char *params)
{
	size_t n = strlen(path), size = 3 * n + strlen(params) + 16;
	char *u = malloc(size), *o = u;
	if (!u)
		return NULL;
	o += sprintf(o, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			o += sprintf(o, "%%%02X", (unsigned char)*p);
		else
			*o++ = *p;
	}
	sprintf(o, "?%s", params);
	return u;
}

/* Reads the header: a file that is not a database is refused untouched. */
static int read_header(struct sq *q)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(q->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (rc == SQLITE_ROW)
		return PST_OK;
	if ((sqlite3_extended_errcode(q->db) & 0xff) == SQLITE_NOTADB)
		return fail(q, "%s is not a postura database (not an SQLite file); it was left untouched",
			    q->path);
	return dberr(q, "cannot read the database");
}

/*
 * Read-only: mode=ro first, which reads a database in WAL mode when its -shm can be
 * opened or created. In a directory we cannot write to, with no -wal file (no writer has
 * it open, nothing waits to be checkpointed), nobody can be changing it, so it is read
 * as immutable: without the -shm. PST_ENOTFOUND: open it for writing instead.
 */
static int open_readonly(struct sq *q)
{
	static const char *const params[] = {"mode=ro", "mode=ro&immutable=1"};
	char wal_path[4200];
	snprintf(wal_path, sizeof wal_path, "%s-wal", q->path);
	struct stat wst;
	char dir[4200];
	snprintf(dir, sizeof dir, "%s", q->path);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = '\0';
	bool no_writer = (stat(wal_path, &wst) != 0 || wst.st_size == 0) &&
			 access(slash ? dir : ".", W_OK) != 0;
	int err = PST_OK;
	for (int i = 0; i < 2; i++) {
		if (i == 1 && !no_writer)
			break;
		char *uri = file_uri(q->path, params[i]);
		if (!uri)
			return fail(q, "out of memory");
		if (q->db) {
			sqlite3_close(q->db);
			q->db = NULL;
		}
		int rc = sqlite3_open_v2(uri, &q->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
		free(uri);
		if (rc != SQLITE_OK) {
			err = dberr(q, "cannot open the database to read");
			continue;
		}
		sqlite3_extended_result_codes(q->db, 1);
		sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
		if (!(err = read_header(q)))
			break;
	}
	if (err)
		return err;
	int version;
	if ((err = schema_version(q, &version)))
		return err;
	if (version < pst_store_schema_version)
		return PST_ENOTFOUND; /* it needs its migrations first */
	return check_version(q);
}

/* SQLite counts the memory it allocates under one mutex for the whole process (the
 * statistics of sqlite3_memory_used, which postura does not read): with many
 * connections in threads, every allocation of every statement queued on it. Off, before
 * SQLite starts (it says SQLITE_MISUSE, ignored, when something started it already). */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void sqlite_setup(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int pst_db_open_sqlite(const char *path, unsigned flags, struct pst_db **out, char *errmsg,
		       size_t size)
{
	pthread_once(&sqlite_once, sqlite_setup);
	*out = NULL;
	struct sq *q = calloc(1, sizeof(*q));
	if (!q || !(q->path = strdup(path))) {
		free(q);
		if (errmsg)
			snprintf(errmsg, size, "out of memory");
		return PST_ENOMEM;
	}
	q->base.ops = &sqlite_db_ops;
	q->base.store_ops = &sqlite_store_ops;
	q->base.where = q->path;
	q->err = q->base.errmsg;
	int err = PST_OK;
	if ((flags & PST_DB_READONLY) && access(path, F_OK) == 0) {
		err = open_readonly(q);
		if (err != PST_ENOTFOUND) {
			q->readonly = true;
			goto out;
		}
		/* Older than this program: it is migrated once, for writing, as without the flag. */
		sqlite3_close(q->db);
		q->db = NULL;
		q->base.errmsg[0] = '\0';
		err = PST_OK;
	}
	if ((flags & PST_DB_EXISTING) && access(path, F_OK) != 0) {
		fail(q, "%s: the database is not there (moved or removed?)", path);
		err = PST_EUNAVAILABLE;
		goto out;
	}
	/* Not for another connection of a process that has the database open already (the
	 * server's workers): closing any descriptor of a file drops every POSIX lock the
	 * process holds on it, the other connections' too, and another process could then
	 * take the database for unused and reset its -shm under them (SIGBUS). The first
	 * open made the files private. */
	if (!(flags & PST_DB_EXISTING))
		private_files(path);
	int rc = sqlite3_open_v2(path, &q->db,
				 SQLITE_OPEN_READWRITE |
					 ((flags & PST_DB_EXISTING) ? 0 : SQLITE_OPEN_CREATE),
				 NULL);
	if (rc != SQLITE_OK) {
		int e = q->db ? sqlite3_system_errno(q->db) : 0;
		/* SQLite retries read-only after a failed create; the first reason is the one
		 * that helps (a read-only or missing directory). */
		char dir[4096];
		snprintf(dir, sizeof dir, "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		if (access(path, F_OK) != 0 && access(slash ? (*dir ? dir : "/") : ".", W_OK) != 0)
			e = errno;
		err = fail(q, "%s: cannot open or create the database: %s", path,
			   e ? strerror(e) : q->db ? sqlite3_errmsg(q->db) : "out of memory");
		goto out;
	}
	sqlite3_extended_result_codes(q->db, 1);
	sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
	if ((err = read_header(q)))
		goto out;
	struct stat fst;
	if (stat(path, &fst) == 0) {
		q->dev = fst.st_dev;
		q->ino = fst.st_ino;
	}
	/* The version check comes before anything that writes (WAL changes the header). */
	if ((err = check_version(q)) || (err = add_functions(q)) || (err = wal(q)) ||
	    (err = exec(q, "PRAGMA synchronous = FULL", "cannot set durable writes")) ||
	    (err = exec(q, "PRAGMA foreign_keys = ON", "cannot enable foreign keys")) ||
	    (err = migrate(q)))
		goto out;
	/* The server's pool (PST_DB_EXISTING): each of its connections would keep up to
	 * SQLite's default 2 MB of the same file's pages, 16 MB for a pool of 8, filling as
	 * the database grows. In WAL mode a connection's cache is dropped whenever another
	 * connection has written since its last transaction, so with any writing it holds
	 * little more than one request's pages anyway; the kernel's page cache keeps the
	 * file once for all of them. */
	if ((flags & PST_DB_EXISTING) &&
	    (err = exec(q, "PRAGMA cache_size = -256", "cannot size the cache"))) /* KiB */
		goto out;
out:
	if (err) {
		if (errmsg)
			snprintf(errmsg, size, "%s", q->base.errmsg);
		close_db(&q->base);
		return err;
	}
	*out = &q->base;
	return PST_OK;
}
