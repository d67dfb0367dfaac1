/* A clinician's roster version (pst_db_ops.roster_version, schema.c migration 16), on
 * SQLite, then on PostgreSQL (POSTURA_TEST_PG): it moves with every change a dashboard
 * shows (a write to a patient's records of every kind; a patient account added, given a
 * password, disabled, renamed, given another email, moved to another clinician, removed)
 * and only for the clinicians whose roster it is; a second connection sees it at once;
 * with many writers at once (and the write log folded, on PostgreSQL) it goes up by
 * exactly one a write and never comes back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "backends.h"

static struct pst_time at(const char *s)
{
	struct pst_time t;
	assert_int_equal(pst_time_parse(s, 0, &t), PST_OK);
	return t;
}

static int64_t add_account(struct pst_db *db, enum pst_role role, const char *email, int64_t clinician)
{
	struct pst_account a = {.role = role, .clinician = clinician};
	snprintf(a.email, sizeof a.email, "%s", email);
	snprintf(a.name, sizeof a.name, "%s", "Someone");
	int64_t id = 0;
	if (db->ops->account_add(db, &a, NULL, &id))
		fail_msg("account_add %s: %s", email, db->errmsg);
	return id;
}

static int64_t person_of(struct pst_db *db, int64_t account)
{
	struct pst_account a;
	bool found = false;
	assert_int_equal(db->ops->account_get(db, account, &a, &found), PST_OK);
	assert_true(found);
	return a.person;
}

/* The clinicians watched: A and B have patients; C never has any. */
enum { A, B, C, WATCHED };

struct world {
	char target[1200];
	struct pst_db *db;     /* every change is made through it */
	struct pst_db *reader; /* every version is read through another connection */
	int64_t doc[WATCHED];
	int64_t a1, a2, b1, none; /* patients: two of A's, one of B's, one without clinician */
	int64_t v[WATCHED];       /* the versions last read */
	char sql[300];
};

static void read_versions(struct world *w, int64_t v[WATCHED])
{
	for (int i = 0; i < WATCHED; i++)
		if (w->reader->ops->roster_version(w->reader, w->doc[i], &v[i]))
			fail_msg("roster_version: %s", w->reader->errmsg);
}

/* A write to the records of account's person (0: person 1, who has no account). */
static struct pst_store *records_of(struct world *w, int64_t account)
{
	struct pst_store *s;
	assert_int_equal(pst_store_person(w->db, account ? person_of(w->db, account) : PST_PERSON_DEFAULT, &s),
			 PST_OK);
	return s;
}

static void checkin_of(struct world *w, int64_t account)
{
	struct pst_store *s = records_of(w, account);
	struct pst_checkin c = {.at = at("2026-12-07T09:00:00Z"), .pain = 4};
	assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);
	pst_store_close(s);
}

/* A change made behind postura's back (postura has no operation for it yet). */
__attribute__((format(printf, 2, 3))) static void sql(struct world *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->sql, sizeof w->sql, fmt, ap);
	va_end(ap);
	pst_test_sql(w->target, w->sql);
}

/* Each change, and whose roster it must move (every other one stays as it was). */
static void ch_patient_added(struct world *w)
{
	w->a2 = add_account(w->db, PST_ROLE_PATIENT, "a2@x.org", w->doc[A]);
}
static void ch_checkin(struct world *w)
{
	checkin_of(w, w->a1);
}
static void ch_session(struct world *w)
{
	struct pst_store *s = records_of(w, w->a2);
	struct pst_session_ex ex = {.id = "cat-cow", .feedback = PST_FB_HURT, .pain = 5};
	struct pst_session_log l = {.at = at("2026-12-07T10:00:00Z"), .pain_before = 4, .pain_after = 3,
				    .ex = &ex, .nex = 1};
	assert_int_equal(s->ops->session_add(s, &l, NULL), PST_OK);
	pst_store_close(s);
}
static void ch_profile(struct world *w)
{
	struct pst_store *s = records_of(w, w->a1);
	struct pst_saved_profile sp = {0};
	pst_profile_init(&sp.p);
	sp.p.has_stage = true;
	sp.p.stage = PST_STAGE_POSTPARTUM;
	sp.p.weeks = 6;
	sp.updated = at("2026-12-07T08:00:00Z");
	pst_saved_profile_anchor(&sp, pst_time_day(sp.updated));
	assert_int_equal(s->ops->profile_put(s, &sp), PST_OK);
	pst_store_close(s);
}
static void ch_screening(struct world *w)
{
	struct pst_store *s = records_of(w, w->a1);
	struct pst_saved_screening sc = {.stages = 1, .answers = "{}", .at = at("2026-12-07T08:00:00Z")};
	assert_int_equal(s->ops->screening_put(s, &sc), PST_OK);
	pst_store_close(s);
}
static void ch_programme(struct world *w)
{
	struct pst_store *s = records_of(w, w->a1);
	char body[] = "{\"note\":null,\"exercises\":[],\"by\":1,\"at\":1795000000}";
	struct pst_saved_programme pg = {.json = body, .by = w->doc[A], .at = at("2026-12-07T08:00:00Z")};
	assert_int_equal(s->ops->programme_put(s, &pg), PST_OK);
	pst_store_close(s);
}
static void ch_psfs(struct world *w)
{
	struct pst_store *s = records_of(w, w->a2);
	int64_t id;
	assert_int_equal(s->ops->psfs_add(s, "Lifting the baby", at("2026-12-07T08:00:00Z"), &id), PST_OK);
	assert_int_equal(s->ops->psfs_rate(s, id, 4, at("2026-12-07T08:01:00Z")), PST_OK);
	pst_store_close(s);
}
static void ch_checkin_b(struct world *w)
{
	checkin_of(w, w->b1);
}
static void ch_checkin_none(struct world *w)
{
	checkin_of(w, w->none);
}
static void ch_checkin_person1(struct world *w)
{
	checkin_of(w, 0);
}
static void ch_password(struct world *w)
{
	/* what taking the invitation does: the account's state goes from invited to active */
	assert_int_equal(w->db->ops->account_set_password(w->db, w->a1, "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"),
			 PST_OK);
}
static void ch_disabled(struct world *w)
{
	assert_int_equal(w->db->ops->account_set_disabled(w->db, w->a1, true), PST_OK);
}
static void ch_enabled(struct world *w)
{
	assert_int_equal(w->db->ops->account_set_disabled(w->db, w->a1, false), PST_OK);
}
static void ch_renamed(struct world *w)
{
	sql(w, "UPDATE account SET name = 'Another name' WHERE id = %lld", (long long)w->a1);
}
static void ch_email(struct world *w)
{
	sql(w, "UPDATE account SET email = 'new-a1@x.org' WHERE id = %lld", (long long)w->a1);
}
static void ch_moved(struct world *w)
{
	sql(w, "UPDATE account SET clinician_id = %lld WHERE id = %lld", (long long)w->doc[B],
	    (long long)w->a2);
}
static void ch_removed(struct world *w)
{
	sql(w, "DELETE FROM account WHERE id = %lld", (long long)w->a2);
}
static void ch_assigned(struct world *w)
{
	sql(w, "UPDATE account SET clinician_id = %lld WHERE id = %lld", (long long)w->doc[A],
	    (long long)w->none);
}
static void ch_staff_added(struct world *w)
{
	add_account(w->db, PST_ROLE_CLINICIAN, "d@x.org", 0);
	add_account(w->db, PST_ROLE_ADMIN, "admin2@x.org", 0);
}

static const struct change {
	const char *what;
	void (*make)(struct world *w);
	bool moves[WATCHED];
} changes[] = {
	{"a patient added to A", ch_patient_added, {true, false, false}},
	{"a check-in of A's patient", ch_checkin, {true, false, false}},
	{"a session of A's patient", ch_session, {true, false, false}},
	{"a profile of A's patient", ch_profile, {true, false, false}},
	{"safety answers of A's patient", ch_screening, {true, false, false}},
	{"a programme for A's patient", ch_programme, {true, false, false}},
	{"a PSFS activity and rating of A's patient", ch_psfs, {true, false, false}},
	{"a check-in of B's patient", ch_checkin_b, {false, true, false}},
	{"a check-in of a patient without clinician", ch_checkin_none, {false, false, false}},
	{"a check-in of person 1 (no account)", ch_checkin_person1, {false, false, false}},
	{"A's patient sets a password", ch_password, {true, false, false}},
	{"A's patient disabled", ch_disabled, {true, false, false}},
	{"A's patient enabled again", ch_enabled, {true, false, false}},
	{"A's patient renamed", ch_renamed, {true, false, false}},
	{"A's patient's email changed", ch_email, {true, false, false}},
	{"A's patient moved to B", ch_moved, {true, true, false}},
	{"that patient's account removed", ch_removed, {false, true, false}},
	{"a patient without clinician assigned to A", ch_assigned, {true, false, false}},
	{"a clinician and an admin added", ch_staff_added, {false, false, false}},
	{"a check-in of the patient now A's", ch_checkin_none, {true, false, false}},
};

static void test_roster_moves(void **state)
{
	(void)state;
	struct world w = {0};
	pst_test_target("roster.db", w.target, sizeof w.target);
	w.db = pst_test_db_open(w.target);
	w.reader = pst_test_db_open(w.target);
	w.doc[A] = add_account(w.db, PST_ROLE_CLINICIAN, "a@x.org", 0);
	w.doc[B] = add_account(w.db, PST_ROLE_CLINICIAN, "b@x.org", 0);
	w.doc[C] = add_account(w.db, PST_ROLE_CLINICIAN, "c@x.org", 0);
	w.a1 = add_account(w.db, PST_ROLE_PATIENT, "a1@x.org", w.doc[A]);
	w.b1 = add_account(w.db, PST_ROLE_PATIENT, "b1@x.org", w.doc[B]);
	w.none = add_account(w.db, PST_ROLE_PATIENT, "none@x.org", 0);
	read_versions(&w, w.v);
	assert_int_equal(w.v[C], 0); /* never changed */
	for (size_t i = 0; i < sizeof changes / sizeof *changes; i++) {
		changes[i].make(&w);
		int64_t now[WATCHED];
		read_versions(&w, now);
		for (int d = 0; d < WATCHED; d++) {
			if (now[d] < w.v[d])
				fail_msg("%s: %c's roster version went back from %lld to %lld", changes[i].what,
					 'A' + d, (long long)w.v[d], (long long)now[d]);
			if ((now[d] != w.v[d]) != changes[i].moves[d])
				fail_msg("%s: %c's roster version %s (%lld, then %lld)", changes[i].what,
					 'A' + d, changes[i].moves[d] ? "did not move" : "moved",
					 (long long)w.v[d], (long long)now[d]);
			w.v[d] = now[d];
		}
	}
	pst_db_close(w.reader);
	pst_db_close(w.db);
}

/* Many writers at once, each through a connection of its own, to the patients of one
 * clinician; a reader meanwhile. On PostgreSQL this folds the roster's write log many
 * times over (every 32nd row of the log), while others write. */
enum { WRITERS = 8, WRITES_EACH = 50 };

struct writer {
	const char *target;
	int64_t person;
	char why[600];
};

static void *write_many(void *arg)
{
	struct writer *a = arg;
	struct pst_store *s;
	if (pst_store_open(a->target, PST_DB_EXISTING, a->person, &s, a->why, sizeof a->why))
		return NULL;
	struct pst_checkin c = {.at = {.epoch = 1796000000}, .pain = 3};
	for (int i = 0; i < WRITES_EACH && !a->why[0]; i++)
		if (s->ops->checkin_add(s, &c, NULL) != PST_OK)
			snprintf(a->why, sizeof a->why, "%s", s->errmsg);
	pst_store_close(s);
	return NULL;
}

struct watcher {
	const char *target;
	int64_t clinician;
	volatile int stop;
	int reads;
	char why[600];
};

/* Reads the version again and again: it must never go down. */
static void *watch(void *arg)
{
	struct watcher *a = arg;
	struct pst_db *db;
	if (pst_db_open(a->target, PST_DB_EXISTING, &db, a->why, sizeof a->why))
		return NULL;
	int64_t last = -1, v;
	while (!a->stop && !a->why[0]) {
		if (db->ops->roster_version(db, a->clinician, &v))
			snprintf(a->why, sizeof a->why, "%s", db->errmsg);
		else if (v < last)
			snprintf(a->why, sizeof a->why, "the version went back from %lld to %lld",
				 (long long)last, (long long)v);
		last = v;
		a->reads++;
	}
	pst_db_close(db);
	return NULL;
}

static void test_roster_writers_at_once(void **state)
{
	(void)state;
	char target[1200];
	pst_test_target("writers.db", target, sizeof target);
	struct pst_db *db = pst_test_db_open(target);
	int64_t doc = add_account(db, PST_ROLE_CLINICIAN, "doc@x.org", 0);
	int64_t other = add_account(db, PST_ROLE_CLINICIAN, "other@x.org", 0);
	struct writer wr[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		char email[32];
		snprintf(email, sizeof email, "p%d@x.org", i);
		/* every third writer writes for another clinician's patient */
		int64_t acct = add_account(db, PST_ROLE_PATIENT, email, i % 3 == 2 ? other : doc);
		wr[i] = (struct writer){.target = target, .person = person_of(db, acct)};
	}
	int64_t v0, o0, v, o;
	assert_int_equal(db->ops->roster_version(db, doc, &v0), PST_OK);
	assert_int_equal(db->ops->roster_version(db, other, &o0), PST_OK);
	struct watcher wa = {.target = target, .clinician = doc};
	pthread_t tw, t[WRITERS];
	assert_int_equal(pthread_create(&tw, NULL, watch, &wa), 0);
	for (int i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, write_many, &wr[i]), 0);
	for (int i = 0; i < WRITERS; i++)
		pthread_join(t[i], NULL);
	wa.stop = 1;
	pthread_join(tw, NULL);
	for (int i = 0; i < WRITERS; i++)
		if (wr[i].why[0])
			fail_msg("writer %d: %s", i, wr[i].why);
	if (wa.why[0])
		fail_msg("reader: %s", wa.why);
	assert_true(wa.reads > 0);
	int mine = 0;
	for (int i = 0; i < WRITERS; i++)
		mine += i % 3 != 2;
	assert_int_equal(db->ops->roster_version(db, doc, &v), PST_OK);
	assert_int_equal(db->ops->roster_version(db, other, &o), PST_OK);
	assert_int_equal(v, v0 + mine * WRITES_EACH);
	assert_int_equal(o, o0 + (WRITERS - mine) * WRITES_EACH);

	/* One at a time: each write one more, never a number seen before, across the
	 * folds. */
	struct pst_store *s;
	assert_int_equal(pst_store_person(db, wr[0].person, &s), PST_OK);
	struct pst_checkin c = {.at = {.epoch = 1796000000}, .pain = 3};
	for (int i = 0; i < 70; i++) {
		assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);
		int64_t next;
		assert_int_equal(db->ops->roster_version(db, doc, &next), PST_OK);
		assert_int_equal(next, v + 1);
		v = next;
	}
	pst_store_close(s);
	if (pst_test_on_pg()) {
		/* the log was folded: most of its rows are in roster.version now */
		char q[300];
		snprintf(q, sizeof q,
			 "DO $$ BEGIN IF (SELECT version FROM roster WHERE clinician_id = %lld) = 0"
			 " OR (SELECT count(*) FROM roster_write) > 200 THEN"
			 " RAISE 'the roster log was not folded'; END IF; END $$",
			 (long long)doc);
		pst_test_sql(target, q);
	}
	pst_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roster_moves),
		cmocka_unit_test(test_roster_writers_at_once),
	};
	return pst_test_backends("roster", tests, sizeof tests / sizeof *tests, NULL, 0) ? 1 : 0;
}
