/* Group commit on SQLite (store_sqlite.c, docs/store.md "Group commit"): the writes of a
 * process's connections that queue for the file's writer lock are saved in one
 * transaction by the writer at the head of the queue, one COMMIT (one fsync) for all,
 * each write with its own answer. Writers are lined up behind a lock held by a db
 * transaction (pst_db_ops.begin), so every group below is known before it runs.
 * Every COMMIT of the process is seen by a commit hook that SQLite installs on each new
 * connection (sqlite3_auto_extension): it counts them, and fails the next ones on
 * demand (a COMMIT that fails, as on a full disk). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/backend.h"
#include "store/store.h"
#include "backends.h"

static char dir[] = "/tmp/pst-group-XXXXXX";
static atomic_int commits;      /* COMMITs that saved, since the test reset it */
static atomic_int fail_commits; /* the next COMMITs to fail */
static atomic_int max_pages;    /* PRAGMA max_page_count of new connections (0: none) */

static int on_commit(void *unused)
{
	(void)unused;
	int n = atomic_load(&fail_commits);
	while (n > 0)
		if (atomic_compare_exchange_weak(&fail_commits, &n, n - 1))
			return 1; /* SQLite turns the COMMIT into a ROLLBACK */
	atomic_fetch_add(&commits, 1);
	return 0;
}

static int on_open(sqlite3 *db, char **err, const struct sqlite3_api_routines *api)
{
	(void)err;
	(void)api;
	sqlite3_commit_hook(db, on_commit, NULL);
	int pages = atomic_load(&max_pages);
	if (pages) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA max_page_count = %d", pages);
		sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	return SQLITE_OK;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	return sqlite3_auto_extension((void (*)(void))on_open) == SQLITE_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *path_of(const char *name)
{
	static char buf[256];
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

/* A new database with persons 1 and 2; *db holds it (the holder of the lock). */
static struct pst_db *new_db(const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s", path_of(name));
	unlink(path);
	char err[600];
	struct pst_db *db;
	if (pst_db_open(path, 0, &db, err, sizeof err) != PST_OK)
		fail_msg("%s", err);
	int64_t id;
	assert_int_equal(db->ops->person_add(db, "B", &id), PST_OK);
	assert_int_equal(id, 2);
	return db;
}

static struct pst_store *open_as(const char *path, int64_t person)
{
	char err[600];
	struct pst_store *s;
	if (pst_store_open(path, PST_DB_EXISTING, person, &s, err, sizeof err) != PST_OK)
		fail_msg("%s", err);
	return s;
}

/* Waits (at most 20 s) until n writers of this process wait for db's file. */
static void wait_queued(struct pst_db *db, size_t n)
{
	for (int i = 0; i < 20000 && pst_sqlite_writes_waiting(db) < n; i++)
		usleep(1000);
	assert_int_equal(pst_sqlite_writes_waiting(db), n);
}

/* --- one writer thread: a list of writes on its own connection ---------------------- */

enum op { OP_CHECKIN, OP_SESSION, OP_PSFS_ADD, OP_PSFS_RATE };

struct write {
	enum op op;
	struct pst_checkin c;   /* OP_CHECKIN */
	char note[4000];
	int64_t activity;       /* OP_PSFS_RATE */
	int result;
	int64_t id;
	char why[512];
};

struct writer {
	struct pst_store *s;
	struct write *w;
	size_t n;
	pthread_t t;
};

static void *run_writer(void *arg)
{
	struct writer *wr = arg;
	struct pst_store *s = wr->s;
	for (size_t i = 0; i < wr->n; i++) {
		struct write *w = &wr->w[i];
		struct pst_time at = {1795000000 + (int64_t)i * 60, 0};
		struct pst_session_ex ex = {.id = "cat-cow", .feedback = PST_FB_EASY, .pain = 2};
		struct pst_session_log l = {.at = at, .pain_before = 3, .pain_after = 2, .ex = &ex, .nex = 1};
		switch (w->op) {
		case OP_CHECKIN:
			w->c.at = at;
			w->c.note = w->note;
			w->result = s->ops->checkin_add(s, &w->c, &w->id);
			break;
		case OP_SESSION:
			w->result = s->ops->session_add(s, &l, &w->id);
			break;
		case OP_PSFS_ADD:
			w->result = s->ops->psfs_add(s, w->note, at, &w->id);
			break;
		case OP_PSFS_RATE:
			w->result = s->ops->psfs_rate(s, w->activity, 6, at);
			break;
		}
		snprintf(w->why, sizeof w->why, "%s", w->result ? s->errmsg : "");
	}
	return NULL;
}

static void start(struct writer *wr)
{
	assert_int_equal(pthread_create(&wr->t, NULL, run_writer, wr), 0);
}

static void finish(struct writer *wr)
{
	pthread_join(wr->t, NULL);
	pst_store_close(wr->s);
}

/* The check-ins of person in db, by note: how many carry note. */
static size_t saved_with_note(struct pst_db *db, int64_t person, const char *note, int64_t *id)
{
	struct pst_store *s;
	assert_int_equal(pst_store_person(db, person, &s), PST_OK);
	struct pst_record_set rs;
	assert_int_equal(s->ops->read_all(s, INT64_MIN, PST_READ_EXACT, &rs), PST_OK);
	size_t n = 0;
	for (size_t i = 0; i < rs.ncheckins; i++)
		if (rs.checkins[i].note && strcmp(rs.checkins[i].note, note) == 0) {
			n++;
			if (id)
				*id = rs.checkins[i].id;
		}
	pst_record_set_free(&rs);
	pst_store_close(s);
	return n;
}

static void counts(struct pst_db *db, int64_t person, size_t *checkins, size_t *sessions,
		   size_t *psfs)
{
	struct pst_store *s;
	assert_int_equal(pst_store_person(db, person, &s), PST_OK);
	struct pst_record_set rs;
	assert_int_equal(s->ops->read_all(s, INT64_MIN, 0, &rs), PST_OK);
	*checkins = rs.ncheckins;
	*sessions = rs.nsessions;
	*psfs = rs.npsfs;
	pst_record_set_free(&rs);
	pst_store_close(s);
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* --- the tests ---------------------------------------------------------------------- */

enum { THREADS = 64, EACH = 10 };

/* 64 threads, each with its own connection, add 10 check-ins each (half for person 1,
 * half for person 2), all 64 first writes at once: every check-in saved exactly once, as
 * its writer was told (its id), each person's version up by exactly their writes, and
 * far fewer COMMITs than writes (the 64 first writes: one). */
static void test_many_writers(void **state)
{
	(void)state;
	char path[256];
	struct pst_db *db = new_db("many.db", path, sizeof path);
	int64_t v1 = pst_test_version(db, 1), v2 = pst_test_version(db, 2);
	static struct writer wr[THREADS];
	static struct write w[THREADS][EACH];
	memset(w, 0, sizeof w);
	for (int t = 0; t < THREADS; t++) {
		for (int i = 0; i < EACH; i++) {
			w[t][i].op = OP_CHECKIN;
			w[t][i].c.pain = (t + i) % 11;
			snprintf(w[t][i].note, sizeof w[t][i].note, "writer %d, write %d", t, i);
		}
		wr[t] = (struct writer){.s = open_as(path, 1 + t % 2), .w = w[t], .n = EACH};
	}
	assert_int_equal(db->ops->begin(db), PST_OK); /* the lock: the writers line up */
	atomic_store(&commits, 0);
	for (int t = 0; t < THREADS; t++)
		start(&wr[t]);
	wait_queued(db, THREADS);
	db->ops->rollback(db);
	for (int t = 0; t < THREADS; t++)
		finish(&wr[t]);

	static int64_t ids[THREADS * EACH];
	size_t nid = 0;
	for (int t = 0; t < THREADS; t++)
		for (int i = 0; i < EACH; i++) {
			if (w[t][i].result != PST_OK)
				fail_msg("writer %d, write %d: %d %s", t, i, w[t][i].result, w[t][i].why);
			int64_t id = 0;
			assert_int_equal(saved_with_note(db, 1 + t % 2, w[t][i].note, &id), 1);
			assert_int_equal(id, w[t][i].id);
			ids[nid++] = id;
		}
	qsort(ids, nid, sizeof *ids, cmp_id);
	for (size_t i = 1; i < nid; i++)
		assert_true(ids[i] != ids[i - 1]);
	size_t c, se, ps;
	counts(db, 1, &c, &se, &ps);
	assert_int_equal(c, THREADS / 2 * EACH);
	counts(db, 2, &c, &se, &ps);
	assert_int_equal(c, THREADS / 2 * EACH);
	assert_int_equal(pst_test_version(db, 1), v1 + THREADS / 2 * EACH);
	assert_int_equal(pst_test_version(db, 2), v2 + THREADS / 2 * EACH);
	int n = atomic_load(&commits);
	print_message("%d writes, %d COMMITs\n", THREADS * EACH, n);
	assert_true(n >= 1);
	assert_true(n <= THREADS * EACH - (THREADS - 1));
	pst_db_close(db);
}

/* One group holds writes that fail, each for its own reason, among writes that do not:
 * each failure is its writer's alone, with its message; the others are saved. */
static void test_failure_alone(void **state)
{
	(void)state;
	char path[256];
	struct pst_db *db = new_db("alone.db", path, sizeof path);
	/* A check-in written before, with an idempotency key. */
	struct pst_store *s = open_as(path, 1);
	struct pst_checkin first = {.at = {1794000000, 0}, .pain = 4, .note = "first", .idem_key = "key-1"};
	int64_t first_id;
	assert_int_equal(s->ops->checkin_add(s, &first, &first_id), PST_OK);
	pst_store_close(s);
	int64_t v1 = pst_test_version(db, 1), v2 = pst_test_version(db, 2);

	enum { GOOD = 8, PSFS = 7, N = GOOD + 4 + PSFS };
	static struct writer wr[N];
	static struct write w[N];
	memset(w, 0, sizeof w);
	int k = 0;
	for (; k < GOOD; k++) {
		w[k].op = OP_CHECKIN;
		w[k].c.pain = 3;
		snprintf(w[k].note, sizeof w[k].note, "good %d", k);
	}
	struct write *dup = &w[k++], *replay = &w[k++], *rate = &w[k++], *session = &w[k++];
	dup->op = OP_CHECKIN; /* asks for the id of the person's own check-in: a duplicate */
	dup->c.id = first_id;
	snprintf(dup->note, sizeof dup->note, "duplicate");
	replay->op = OP_CHECKIN; /* sent again with its key */
	replay->c.idem_key = "key-1";
	snprintf(replay->note, sizeof replay->note, "replay");
	rate->op = OP_PSFS_RATE; /* an activity that is not there */
	rate->activity = 999999;
	session->op = OP_SESSION;
	for (int i = 0; i < PSFS; i++, k++) { /* person 2: five activities at most */
		w[k].op = OP_PSFS_ADD;
		snprintf(w[k].note, sizeof w[k].note, "activity %d", i);
	}
	assert_int_equal(k, N);
	for (int i = 0; i < N; i++)
		wr[i] = (struct writer){.s = open_as(path, i < GOOD + 4 ? 1 : 2), .w = &w[i], .n = 1};
	assert_int_equal(db->ops->begin(db), PST_OK);
	atomic_store(&commits, 0);
	for (int i = 0; i < N; i++)
		start(&wr[i]);
	wait_queued(db, N);
	db->ops->rollback(db);
	for (int i = 0; i < N; i++)
		finish(&wr[i]);
	assert_int_equal(atomic_load(&commits), 1); /* one group, one COMMIT */

	for (int i = 0; i < GOOD; i++) {
		assert_int_equal(w[i].result, PST_OK);
		int64_t id;
		assert_int_equal(saved_with_note(db, 1, w[i].note, &id), 1);
		assert_int_equal(id, w[i].id);
	}
	assert_int_not_equal(dup->result, PST_OK);
	assert_non_null(strstr(dup->why, path));
	assert_non_null(strstr(dup->why, "cannot save the check-in"));
	assert_int_equal(saved_with_note(db, 1, "duplicate", NULL), 0);
	assert_int_equal(replay->result, PST_EREPLAY);
	assert_int_equal(replay->id, first_id);
	assert_int_equal(saved_with_note(db, 1, "replay", NULL), 0);
	assert_int_equal(rate->result, PST_ENOTFOUND);
	assert_non_null(strstr(rate->why, "no activity with id 999999"));
	assert_int_equal(session->result, PST_OK);
	int added = 0, refused = 0;
	for (int i = GOOD + 4; i < N; i++) {
		if (w[i].result == PST_OK)
			added++;
		else {
			assert_int_equal(w[i].result, PST_EINVAL);
			assert_non_null(strstr(w[i].why, "already has 5 activities"));
			refused++;
		}
	}
	assert_int_equal(added, 5);
	assert_int_equal(refused, PSFS - 5);

	size_t c, se, ps;
	counts(db, 1, &c, &se, &ps);
	assert_int_equal(c, 1 + GOOD);
	assert_int_equal(se, 1);
	counts(db, 2, &c, &se, &ps);
	assert_int_equal(ps, 5);
	assert_int_equal(pst_test_version(db, 1), v1 + GOOD + 1); /* the check-ins and the session */
	assert_int_equal(pst_test_version(db, 2), v2 + 5);
	pst_db_close(db);
}

/* The COMMIT of a group fails: no write of the group is acknowledged, none is saved, the
 * version does not move; the next write is saved. */
static void test_commit_fails_group(void **state)
{
	(void)state;
	char path[256];
	struct pst_db *db = new_db("commit.db", path, sizeof path);
	int64_t v1 = pst_test_version(db, 1);
	enum { N = 16 };
	static struct writer wr[N];
	static struct write w[N];
	memset(w, 0, sizeof w);
	for (int i = 0; i < N; i++) {
		w[i].op = OP_CHECKIN;
		w[i].c.pain = 5;
		snprintf(w[i].note, sizeof w[i].note, "lost %d", i);
		wr[i] = (struct writer){.s = open_as(path, 1), .w = &w[i], .n = 1};
	}
	assert_int_equal(db->ops->begin(db), PST_OK);
	for (int i = 0; i < N; i++)
		start(&wr[i]);
	wait_queued(db, N);
	atomic_store(&fail_commits, 1);
	db->ops->rollback(db); /* (a rollback: no COMMIT) */
	for (int i = 0; i < N; i++)
		finish(&wr[i]);
	assert_int_equal(atomic_load(&fail_commits), 0);
	for (int i = 0; i < N; i++) {
		if (w[i].result == PST_OK)
			fail_msg("write %d acknowledged though its group's COMMIT failed", i);
		assert_non_null(strstr(w[i].why, path));
		assert_non_null(strstr(w[i].why, "cannot save"));
		assert_int_equal(saved_with_note(db, 1, w[i].note, NULL), 0);
	}
	assert_int_equal(pst_test_version(db, 1), v1);
	struct pst_store *s = open_as(path, 1);
	struct pst_checkin c = {.at = {1796000000, 0}, .pain = 2, .note = "after"};
	assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);
	pst_store_close(s);
	assert_int_equal(saved_with_note(db, 1, "after", NULL), 1);
	assert_int_equal(pst_test_version(db, 1), v1 + 1);
	pst_db_close(db);
}

/* The file full (max_page_count) half-way through a group: every write acknowledged is
 * saved, every write refused says the disk is full and is not, and the version counts
 * exactly the writes saved. */
static void test_disk_full(void **state)
{
	(void)state;
	char path[256];
	struct pst_db *db = new_db("full.db", path, sizeof path);
	int64_t v1 = pst_test_version(db, 1);
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(raw, "PRAGMA page_count", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int pages = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(raw);
	enum { N = 24 };
	static struct writer wr[N];
	static struct write w[N];
	memset(w, 0, sizeof w);
	atomic_store(&max_pages, pages + 12); /* room for a few of the notes below */
	for (int i = 0; i < N; i++) {
		w[i].op = OP_CHECKIN;
		w[i].c.pain = 1;
		memset(w[i].note, 'a' + i % 26, 3000);
		snprintf(w[i].note + 3000, 16, " %d", i);
		wr[i] = (struct writer){.s = open_as(path, 1), .w = &w[i], .n = 1};
	}
	atomic_store(&max_pages, 0);
	assert_int_equal(db->ops->begin(db), PST_OK);
	for (int i = 0; i < N; i++)
		start(&wr[i]);
	wait_queued(db, N);
	db->ops->rollback(db);
	for (int i = 0; i < N; i++)
		finish(&wr[i]);
	int ok = 0;
	for (int i = 0; i < N; i++) {
		size_t n = saved_with_note(db, 1, w[i].note, NULL);
		if (w[i].result == PST_OK) {
			ok++;
			assert_int_equal(n, 1);
		} else {
			assert_int_equal(n, 0);
			assert_non_null(strstr(w[i].why, path));
			assert_non_null(strstr(w[i].why, "the disk is full"));
		}
	}
	print_message("%d of %d saved before the file was full\n", ok, N);
	assert_true(ok > 0);
	assert_true(ok < N);
	assert_int_equal(pst_test_version(db, 1), v1 + ok);
	pst_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_writers),
		cmocka_unit_test(test_failure_alone),
		cmocka_unit_test(test_commit_fails_group),
		cmocka_unit_test(test_disk_full),
	};
	return cmocka_run_group_tests_name("group commit (SQLite)", tests, setup, teardown);
}
