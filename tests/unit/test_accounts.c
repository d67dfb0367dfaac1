/* Accounts, login sessions, invitations, the audit log and the login throttle (issue 14):
 * every db-level op of store.h, on SQLite (a new file per test) and, when
 * POSTURA_TEST_PG holds a PostgreSQL URI (tests/pg/with-cluster.sh sets it), on
 * PostgreSQL too (a new schema per test, dropped at the end). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "backends.h"

static int64_t add(struct pst_db *db, enum pst_role role, const char *email, const char *name,
		   int64_t clinician, const char *hash)
{
	struct pst_account a = {.role = role, .clinician = clinician};
	snprintf(a.email, sizeof a.email, "%s", email);
	snprintf(a.name, sizeof a.name, "%s", name);
	int64_t id = 0;
	int rc = db->ops->account_add(db, &a, hash, &id);
	if (rc)
		fail_msg("account_add %s: %s", email, db->errmsg);
	assert_true(id > 0);
	return id;
}

static int try_add(struct pst_db *db, enum pst_role role, const char *email, int64_t clinician)
{
	struct pst_account a = {.role = role, .clinician = clinician};
	snprintf(a.email, sizeof a.email, "%s", email);
	int64_t id = -7;
	int rc = db->ops->account_add(db, &a, NULL, &id);
	if (rc)
		assert_int_equal(id, -7); /* nothing given back on failure */
	return rc;
}

static void hash_of(unsigned char h[PST_TOKEN_HASH_SIZE], int seed)
{
	for (int i = 0; i < PST_TOKEN_HASH_SIZE; i++)
		h[i] = (unsigned char)(seed * 31 + i * 7);
}

static void test_accounts(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new(NULL);
	int64_t n = -1;
	assert_int_equal(db->ops->account_count(db, &n), PST_OK);
	assert_int_equal(n, 0); /* a new database: the one-person app */

	int64_t admin = add(db, PST_ROLE_ADMIN, "Admin@Clinic.Example", "", 0, "$argon2id$h1");
	int64_t doc = add(db, PST_ROLE_CLINICIAN, "doc@clinic.example", "Dr Ann Lee", 0, "$argon2id$h2");
	assert_int_equal(db->ops->account_count(db, &n), PST_OK);
	assert_int_equal(n, 2);

	/* Stored lower-cased; found whatever the case asked. */
	struct pst_account a;
	char hash[200];
	bool found = false;
	assert_int_equal(db->ops->account_by_email(db, "ADMIN@clinic.EXAMPLE", &a, hash, sizeof hash,
						   &found), PST_OK);
	assert_true(found);
	assert_int_equal(a.id, admin);
	assert_string_equal(a.email, "admin@clinic.example");
	assert_string_equal(hash, "$argon2id$h1");
	assert_int_equal(a.role, PST_ROLE_ADMIN);
	assert_int_equal(a.person, 0);
	assert_true(a.has_password);
	assert_false(a.disabled);
	assert_true(a.created_epoch > 1700000000);
	assert_int_equal(db->ops->account_by_email(db, "nobody@clinic.example", &a, hash, sizeof hash,
						   &found), PST_OK);
	assert_false(found);
	assert_string_equal(hash, "");
	assert_int_equal(db->ops->account_by_email(db, "not an email", &a, NULL, 0, &found), PST_OK);
	assert_false(found);

	/* Unique whatever the case; nothing added. */
	assert_int_equal(try_add(db, PST_ROLE_CLINICIAN, "DOC@clinic.example", 0), PST_EEXISTS);
	assert_non_null(strstr(db->errmsg, "doc@clinic.example"));
	assert_int_equal(try_add(db, PST_ROLE_PATIENT, "Doc@Clinic.Example", doc), PST_EEXISTS);
	assert_int_equal(db->ops->account_count(db, &n), PST_OK);
	assert_int_equal(n, 2);

	/* A patient account creates its person, named as the account, in the same write. */
	struct pst_person *people;
	size_t np;
	assert_int_equal(db->ops->person_list(db, &people, &np), PST_OK);
	free(people);
	int64_t pat = add(db, PST_ROLE_PATIENT, "Pat@Home.Example", "Pat Doe", doc, NULL);
	assert_int_equal(db->ops->account_get(db, pat, &a, &found), PST_OK);
	assert_true(found);
	assert_int_equal(a.role, PST_ROLE_PATIENT);
	assert_int_equal(a.clinician, doc);
	assert_false(a.has_password);
	assert_string_equal(a.name, "Pat Doe");
	assert_true(a.person > 0);
	size_t np2;
	assert_int_equal(db->ops->person_list(db, &people, &np2), PST_OK);
	assert_int_equal(np2, np + 1);
	assert_int_equal(people[np2 - 1].id, a.person);
	assert_string_equal(people[np2 - 1].name, "Pat Doe");
	free(people);
	struct pst_store *s = NULL;
	assert_int_equal(pst_store_person(db, a.person, &s), PST_OK); /* their records' handle */
	pst_store_close(s);
	/* A patient may have no clinician. */
	int64_t solo = add(db, PST_ROLE_PATIENT, "solo@home.example", "", 0, NULL);
	assert_int_equal(db->ops->account_get(db, solo, &a, &found), PST_OK);
	assert_int_equal(a.clinician, 0);
	assert_true(a.person > 0);

	/* Refusals: a clinician that is not one, bad emails, a clinician for a non-patient;
	 * none adds a person or an account. */
	assert_int_equal(db->ops->person_list(db, &people, &np), PST_OK);
	free(people);
	assert_int_equal(try_add(db, PST_ROLE_PATIENT, "p2@home.example", admin), PST_ENOTFOUND);
	assert_non_null(strstr(db->errmsg, "no clinician account"));
	assert_int_equal(try_add(db, PST_ROLE_PATIENT, "p2@home.example", 9999), PST_ENOTFOUND);
	assert_int_equal(try_add(db, PST_ROLE_CLINICIAN, "c2@clinic.example", doc), PST_EINVAL);
	static const char *const bad[] = {"", "nobody", "@x.example", "a@", "a@b", "a b@c.example",
					  "a@@c.example", "a@c.example.", "a\x1b@c.example"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(try_add(db, PST_ROLE_ADMIN, bad[i], 0), PST_EINVAL);
		assert_true(db->errmsg[0] != '\0');
	}
	struct pst_account big = {.role = PST_ROLE_ADMIN};
	snprintf(big.email, sizeof big.email, "x@y.example");
	memset(big.name, 'n', PST_PERSON_NAME_MAX);
	big.name[PST_PERSON_NAME_MAX] = '\0';
	int64_t id;
	assert_int_equal(db->ops->account_add(db, &big, NULL, &id), PST_OK); /* 120 bytes: fits */
	struct pst_account badrole = {.role = (enum pst_role)7};
	snprintf(badrole.email, sizeof badrole.email, "r@y.example");
	assert_int_equal(db->ops->account_add(db, &badrole, NULL, &id), PST_EINVAL);
	assert_int_equal(db->ops->person_list(db, &people, &np2), PST_OK);
	free(people);
	assert_int_equal(np2, np);

	/* Lists: by role, by clinician, all; by id. */
	int64_t doc2 = add(db, PST_ROLE_CLINICIAN, "doc2@clinic.example", "", 0, NULL);
	int64_t pat2 = add(db, PST_ROLE_PATIENT, "pat2@home.example", "", doc2, NULL);
	struct pst_account *v;
	size_t nv;
	assert_int_equal(db->ops->account_list(db, -1, 0, &v, &nv), PST_OK);
	assert_int_equal(nv, 7);
	for (size_t i = 1; i < nv; i++)
		assert_true(v[i - 1].id < v[i].id);
	free(v);
	assert_int_equal(db->ops->account_list(db, PST_ROLE_CLINICIAN, 0, &v, &nv), PST_OK);
	assert_int_equal(nv, 2);
	assert_int_equal(v[0].id, doc);
	assert_int_equal(v[1].id, doc2);
	free(v);
	assert_int_equal(db->ops->account_list(db, PST_ROLE_PATIENT, doc2, &v, &nv), PST_OK);
	assert_int_equal(nv, 1);
	assert_int_equal(v[0].id, pat2);
	free(v);
	assert_int_equal(db->ops->account_list(db, -1, doc, &v, &nv), PST_OK);
	assert_int_equal(nv, 1);
	assert_int_equal(v[0].id, pat);
	free(v);
	assert_int_equal(db->ops->account_list(db, PST_ROLE_PATIENT, 424242, &v, &nv), PST_OK);
	assert_int_equal(nv, 0);
	free(v);
	assert_int_equal(db->ops->account_get(db, 424242, &a, &found), PST_OK);
	assert_false(found);
	pst_db_close(db);
}

static void test_password_and_disable_end_sessions(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new(NULL);
	int64_t doc = add(db, PST_ROLE_CLINICIAN, "doc@clinic.example", "", 0, "old");
	int64_t other = add(db, PST_ROLE_ADMIN, "admin@clinic.example", "", 0, "x");
	unsigned char h1[32], h2[32], h3[32];
	hash_of(h1, 1);
	hash_of(h2, 2);
	hash_of(h3, 3);
	assert_int_equal(db->ops->session_add(db, h1, doc, 1000, "127.0.0.1"), PST_OK);
	assert_int_equal(db->ops->session_add(db, h2, doc, 1001, "::1"), PST_OK);
	assert_int_equal(db->ops->session_add(db, h3, other, 1002, NULL), PST_OK);
	struct pst_auth_session s;
	bool found = false;
	assert_int_equal(db->ops->session_get(db, h1, &s, &found), PST_OK);
	assert_true(found);
	assert_int_equal(s.account, doc);
	assert_int_equal(s.created_epoch, 1000);
	assert_int_equal(s.last_seen_epoch, 1000);
	assert_string_equal(s.address, "127.0.0.1");

	/* A new password ends every session of the account, not the others'. */
	assert_int_equal(db->ops->account_set_password(db, doc, "new"), PST_OK);
	assert_int_equal(db->ops->session_get(db, h1, &s, &found), PST_OK);
	assert_false(found);
	assert_int_equal(db->ops->session_get(db, h2, &s, &found), PST_OK);
	assert_false(found);
	assert_int_equal(db->ops->session_get(db, h3, &s, &found), PST_OK);
	assert_true(found);
	struct pst_account a;
	char hash[64];
	assert_int_equal(db->ops->account_by_email(db, "doc@clinic.example", &a, hash, sizeof hash, &found),
			 PST_OK);
	assert_string_equal(hash, "new");
	assert_true(a.has_password);
	assert_int_equal(db->ops->account_set_password(db, doc, NULL), PST_OK);
	assert_int_equal(db->ops->account_get(db, doc, &a, &found), PST_OK);
	assert_false(a.has_password);

	/* Disabling ends the sessions too; enabling again brings none back. */
	assert_int_equal(db->ops->session_add(db, h1, doc, 2000, ""), PST_OK);
	assert_int_equal(db->ops->account_set_disabled(db, doc, true), PST_OK);
	assert_int_equal(db->ops->account_get(db, doc, &a, &found), PST_OK);
	assert_true(a.disabled);
	assert_int_equal(db->ops->session_get(db, h1, &s, &found), PST_OK);
	assert_false(found);
	assert_int_equal(db->ops->account_set_disabled(db, doc, false), PST_OK);
	assert_int_equal(db->ops->account_get(db, doc, &a, &found), PST_OK);
	assert_false(a.disabled);
	assert_int_equal(db->ops->session_get(db, h1, &s, &found), PST_OK);
	assert_false(found);

	/* No such account. */
	assert_int_equal(db->ops->account_set_password(db, 999, "x"), PST_ENOTFOUND);
	assert_non_null(strstr(db->errmsg, "999"));
	assert_int_equal(db->ops->account_set_disabled(db, 999, true), PST_ENOTFOUND);
	assert_int_equal(db->ops->session_add(db, h2, 999, 5, ""), PST_ENOTFOUND);
	assert_int_equal(db->ops->session_add(db, h2, doc, 5, "a b"), PST_EINVAL);
	pst_db_close(db);
}

static void test_sessions(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new(NULL);
	int64_t doc = add(db, PST_ROLE_CLINICIAN, "doc@clinic.example", "", 0, "x");
	unsigned char h1[32], h2[32];
	hash_of(h1, 1);
	hash_of(h2, 2);
	struct pst_auth_session s;
	bool found = true;
	assert_int_equal(db->ops->session_get(db, h1, &s, &found), PST_OK);
	assert_false(found);
	assert_int_equal(db->ops->session_add(db, h1, doc, 1000, "10.0.0.1"), PST_OK);
	assert_int_equal(db->ops->session_add(db, h2, doc, 1000, "10.0.0.2"), PST_OK);
	/* the same token hash twice is an error, never a second session */
	assert_int_not_equal(db->ops->session_add(db, h1, doc, 1000, ""), PST_OK);
	assert_int_equal(db->ops->session_touch(db, h1, 1500), PST_OK);
	assert_int_equal(db->ops->session_get(db, h1, &s, &found), PST_OK);
	assert_true(found);
	assert_int_equal(s.created_epoch, 1000);
	assert_int_equal(s.last_seen_epoch, 1500);
	/* logout ends that session only */
	assert_int_equal(db->ops->session_delete(db, h1), PST_OK);
	assert_int_equal(db->ops->session_get(db, h1, &s, &found), PST_OK);
	assert_false(found);
	assert_int_equal(db->ops->session_delete(db, h1), PST_OK); /* again: nothing */
	assert_int_equal(db->ops->session_touch(db, h1, 1600), PST_OK);
	assert_int_equal(db->ops->session_get(db, h1, &s, &found), PST_OK);
	assert_false(found);
	assert_int_equal(db->ops->session_get(db, h2, &s, &found), PST_OK);
	assert_true(found);
	/* purge: by age or by idleness */
	unsigned char h3[32];
	hash_of(h3, 3);
	assert_int_equal(db->ops->session_add(db, h3, doc, 5000, ""), PST_OK);
	int64_t gone = -1;
	assert_int_equal(db->ops->session_purge(db, 0, 2000, &gone), PST_OK);
	assert_int_equal(gone, 1);
	assert_int_equal(db->ops->session_get(db, h2, &s, &found), PST_OK);
	assert_false(found);
	assert_int_equal(db->ops->session_get(db, h3, &s, &found), PST_OK);
	assert_true(found);
	assert_int_equal(db->ops->session_purge(db, 5001, 0, &gone), PST_OK);
	assert_int_equal(gone, 1);
	assert_int_equal(db->ops->session_get(db, h3, &s, &found), PST_OK);
	assert_false(found);
	pst_db_close(db);
}

/* session_read: the session, its account (a clinician's with the roster version) and one
 * of its patients with the patient's version, in one statement; the times and states as stored (expiry and a disabled
 * account are the web server's to judge), another clinician's patient, a clinician and
 * an id of nobody all alike not found. */
static void test_session_read(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new(NULL);
	int64_t doc = add(db, PST_ROLE_CLINICIAN, "doc@clinic.example", "Dr Ann Lee", 0, "$argon2id$h");
	int64_t doc2 = add(db, PST_ROLE_CLINICIAN, "doc2@clinic.example", "", 0, "$argon2id$h");
	int64_t pat = add(db, PST_ROLE_PATIENT, "pat@home.example", "Pat Doe", doc, NULL);
	int64_t other = add(db, PST_ROLE_PATIENT, "other@home.example", "", doc2, "$argon2id$p");
	unsigned char h1[32], h2[32];
	hash_of(h1, 1);
	hash_of(h2, 2);
	struct pst_session_read s;
	bool found = true;
	assert_int_equal(db->ops->session_read(db, h1, 0, &s, &found), PST_OK);
	assert_false(found); /* no such session */
	assert_int_equal(db->ops->session_add(db, h1, doc, 1000, "10.0.0.1"), PST_OK);
	assert_int_equal(db->ops->session_touch(db, h1, 1300), PST_OK);

	assert_int_equal(db->ops->session_read(db, h1, 0, &s, &found), PST_OK);
	assert_true(found);
	assert_int_equal(s.session.account, doc);
	assert_int_equal(s.session.created_epoch, 1000);
	assert_int_equal(s.session.last_seen_epoch, 1300);
	assert_string_equal(s.session.address, "10.0.0.1");
	struct pst_account a;
	assert_int_equal(db->ops->account_get(db, doc, &a, &found), PST_OK);
	assert_memory_equal(&s.account, &a, sizeof a); /* as account_get gives it */
	assert_true(s.account.has_password);
	assert_false(s.has_own_version); /* a clinician has no records */
	assert_false(s.has_patient);
	/* ... and the clinician's roster version, as roster_version reads it */
	int64_t rv = -1;
	assert_int_equal(db->ops->roster_version(db, doc, &rv), PST_OK);
	assert_true(s.has_roster_version);
	assert_int_equal(s.roster_version, rv);

	/* One of the clinician's patients, with the version of the patient's records. */
	assert_int_equal(db->ops->session_read(db, h1, pat, &s, &found), PST_OK);
	assert_true(found && s.has_patient);
	assert_int_equal(db->ops->account_get(db, pat, &a, &found), PST_OK);
	assert_memory_equal(&s.patient, &a, sizeof a);
	assert_false(s.patient.has_password);
	struct pst_store *st = NULL;
	assert_int_equal(pst_store_person(db, a.person, &st), PST_OK);
	int64_t v = -1;
	assert_int_equal(st->ops->data_version(st, &v), PST_OK);
	assert_int_equal(s.patient_version, v);
	struct pst_time at = {.epoch = 1800000000};
	assert_int_equal(st->ops->calendar_token_put(st, "tok", at), PST_OK);
	assert_int_equal(db->ops->session_read(db, h1, pat, &s, &found), PST_OK);
	assert_int_equal(s.patient_version, v + 1); /* a write shows at once */
	pst_store_close(st);
	/* ... and moves the roster version at once, as it does an account's change */
	int64_t before = s.roster_version;
	assert_true(s.has_roster_version);
	assert_true(s.roster_version > rv);
	assert_int_equal(db->ops->roster_version(db, doc, &rv), PST_OK);
	assert_int_equal(s.roster_version, rv);
	assert_int_equal(db->ops->account_set_password(db, pat, "$argon2id$n"), PST_OK);
	assert_int_equal(db->ops->session_read(db, h1, 0, &s, &found), PST_OK);
	assert_true(found && s.has_roster_version);
	assert_true(s.roster_version > before);
	assert_int_equal(db->ops->roster_version(db, doc, &rv), PST_OK);
	assert_int_equal(s.roster_version, rv);

	/* Another clinician's patient, a clinician, nobody: the same answer. */
	int64_t not_mine[] = {other, doc2, doc, 987654};
	for (size_t i = 0; i < sizeof not_mine / sizeof *not_mine; i++) {
		s.has_patient = true;
		assert_int_equal(db->ops->session_read(db, h1, not_mine[i], &s, &found), PST_OK);
		assert_true(found);
		assert_false(s.has_patient);
		assert_int_equal(s.account.id, doc);
	}
	/* A patient's own session: the account as it is, no one's patient. */
	assert_int_equal(db->ops->session_add(db, h2, other, 2000, ""), PST_OK);
	assert_int_equal(db->ops->session_read(db, h2, pat, &s, &found), PST_OK);
	assert_true(found);
	assert_int_equal(s.account.role, PST_ROLE_PATIENT);
	assert_int_equal(s.account.clinician, doc2);
	assert_false(s.has_patient);
	assert_false(s.has_roster_version); /* only a clinician has a roster */
	assert_int_equal(s.roster_version, 0);
	/* ... with the version of the patient's own records */
	assert_int_equal(pst_store_person(db, s.account.person, &st), PST_OK);
	assert_int_equal(st->ops->data_version(st, &v), PST_OK);
	assert_true(s.has_own_version);
	assert_int_equal(s.own_version, v);
	assert_int_equal(st->ops->calendar_token_put(st, "tok2", at), PST_OK);
	assert_int_equal(db->ops->session_read(db, h2, 0, &s, &found), PST_OK);
	assert_int_equal(s.own_version, v + 1);
	pst_store_close(st);

	/* An administrator's session: no roster either. */
	int64_t admin = add(db, PST_ROLE_ADMIN, "admin@clinic.example", "", 0, "$argon2id$a");
	unsigned char h3[32];
	hash_of(h3, 3);
	assert_int_equal(db->ops->session_add(db, h3, admin, 2000, ""), PST_OK);
	assert_int_equal(db->ops->session_read(db, h3, 0, &s, &found), PST_OK);
	assert_true(found);
	assert_int_equal(s.account.role, PST_ROLE_ADMIN);
	assert_false(s.has_roster_version);
	assert_int_equal(s.roster_version, 0);

	/* Disabling ends the sessions; a new password too; logout. */
	assert_int_equal(db->ops->account_set_disabled(db, doc, true), PST_OK);
	assert_int_equal(db->ops->session_read(db, h1, pat, &s, &found), PST_OK);
	assert_false(found);
	assert_int_equal(db->ops->account_set_password(db, other, "$argon2id$q"), PST_OK);
	assert_int_equal(db->ops->session_read(db, h2, 0, &s, &found), PST_OK);
	assert_false(found);
	assert_int_equal(db->ops->session_add(db, h2, doc2, 3000, ""), PST_OK);
	assert_int_equal(db->ops->session_delete(db, h2), PST_OK);
	assert_int_equal(db->ops->session_read(db, h2, 0, &s, &found), PST_OK);
	assert_false(found);
	pst_db_close(db);
}

static void test_invitations(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new(NULL);
	int64_t doc = add(db, PST_ROLE_CLINICIAN, "doc@clinic.example", "", 0, "x");
	int64_t pat = add(db, PST_ROLE_PATIENT, "pat@home.example", "", doc, NULL);
	unsigned char h1[32], h2[32], h3[32];
	hash_of(h1, 1);
	hash_of(h2, 2);
	hash_of(h3, 3);
	assert_int_equal(db->ops->invitation_add(db, h1, pat, 2000), PST_OK);
	assert_int_equal(db->ops->invitation_add(db, h2, pat, 2000), PST_OK);
	assert_int_equal(db->ops->invitation_add(db, h3, 4242, 2000), PST_ENOTFOUND);
	int64_t acc = -1;
	bool found = false;
	/* looking does not take it; an expired or unknown one is not found */
	assert_int_equal(db->ops->invitation_peek(db, h1, 1999, &acc, &found), PST_OK);
	assert_true(found);
	assert_int_equal(acc, pat);
	assert_int_equal(db->ops->invitation_peek(db, h1, 2000, &acc, &found), PST_OK);
	assert_false(found);
	assert_int_equal(acc, 0);
	assert_int_equal(db->ops->invitation_peek(db, h3, 1000, &acc, &found), PST_OK);
	assert_false(found);
	/* works once */
	assert_int_equal(db->ops->invitation_take(db, h1, 1999, &acc, &found), PST_OK);
	assert_true(found);
	assert_int_equal(acc, pat);
	assert_int_equal(db->ops->invitation_take(db, h1, 1999, &acc, &found), PST_OK);
	assert_false(found);
	assert_int_equal(acc, 0);
	assert_int_equal(db->ops->invitation_peek(db, h1, 1999, &acc, &found), PST_OK);
	assert_false(found);
	/* not after its expiry (and not after that either: it is gone) */
	assert_int_equal(db->ops->invitation_take(db, h2, 2000, &acc, &found), PST_OK);
	assert_false(found);
	assert_int_equal(db->ops->invitation_take(db, h2, 1000, &acc, &found), PST_OK);
	assert_false(found);
	/* never made */
	assert_int_equal(db->ops->invitation_take(db, h3, 1000, &acc, &found), PST_OK);
	assert_false(found);
	/* expired ones of anyone are removed by a take */
	assert_int_equal(db->ops->invitation_add(db, h1, pat, 3000), PST_OK);
	assert_int_equal(db->ops->invitation_take(db, h3, 3500, &acc, &found), PST_OK);
	assert_int_equal(db->ops->invitation_take(db, h1, 100, &acc, &found), PST_OK);
	assert_false(found);
	pst_db_close(db);
}

static void test_audit(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new(NULL);
	struct pst_audit e = {.at_epoch = 100, .actor = 0, .action = "account-add", .account = 1};
	assert_int_equal(db->ops->audit_add(db, &e), PST_OK);
	e = (struct pst_audit){.at_epoch = 300, .actor = 2, .action = "read", .patient = 5,
			       .address = "192.0.2.1"};
	assert_int_equal(db->ops->audit_add(db, &e), PST_OK);
	e = (struct pst_audit){.at_epoch = 200, .actor = 2, .action = "change", .patient = 5};
	assert_int_equal(db->ops->audit_add(db, &e), PST_OK);
	e = (struct pst_audit){.at_epoch = 300, .actor = 3, .action = "login-failed",
			       .address = "2001:db8::1"};
	assert_int_equal(db->ops->audit_add(db, &e), PST_OK);
	struct pst_audit *v;
	size_t n;
	/* newest first; the same second by the order written (newest first) */
	assert_int_equal(db->ops->audit_list(db, 0, 0, &v, &n), PST_OK);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].action, "login-failed");
	assert_string_equal(v[0].address, "2001:db8::1");
	assert_int_equal(v[0].actor, 3);
	assert_string_equal(v[1].action, "read");
	assert_int_equal(v[1].patient, 5);
	assert_int_equal(v[1].at_epoch, 300);
	assert_string_equal(v[2].action, "change");
	assert_string_equal(v[3].action, "account-add");
	assert_int_equal(v[3].account, 1);
	assert_int_equal(v[3].actor, 0);
	assert_string_equal(v[3].address, "");
	assert_true(v[0].id > v[1].id);
	free(v);
	/* since, limit */
	assert_int_equal(db->ops->audit_list(db, 200, 0, &v, &n), PST_OK);
	assert_int_equal(n, 3);
	assert_string_equal(v[2].action, "change");
	free(v);
	assert_int_equal(db->ops->audit_list(db, 0, 2, &v, &n), PST_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].action, "read");
	free(v);
	assert_int_equal(db->ops->audit_list(db, 301, 0, &v, &n), PST_OK);
	assert_int_equal(n, 0);
	free(v);
	/* no free text: the action is a word, the address an address */
	static const char *const bad[] = {"", "Read", "read records", "pain 7/10", "r\xc3\xa9"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		e = (struct pst_audit){.at_epoch = 1};
		snprintf(e.action, sizeof e.action, "%s", bad[i]);
		assert_int_equal(db->ops->audit_add(db, &e), PST_EINVAL);
	}
	e = (struct pst_audit){.at_epoch = 1, .action = "read", .address = "not an address"};
	assert_int_equal(db->ops->audit_add(db, &e), PST_EINVAL);
	e = (struct pst_audit){.at_epoch = 1, .action = "read", .patient = -1};
	assert_int_equal(db->ops->audit_add(db, &e), PST_EINVAL);
	assert_int_equal(db->ops->audit_list(db, 0, 0, &v, &n), PST_OK);
	assert_int_equal(n, 4);
	free(v);
	pst_db_close(db);
}

/* The web server's group commit writes many requests' entries in one call: all kept, in
 * order, with their own fields; one bad entry refuses the whole group (nothing saved). */
static void test_audit_many(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new(NULL);
	struct pst_audit g[40];
	for (int i = 0; i < 40; i++) {
		g[i] = (struct pst_audit){.at_epoch = 1000 + i / 8, .actor = 2 + i % 3,
					  .patient = 10 + i, .account = 100 + i};
		snprintf(g[i].action, sizeof g[i].action, "%s", i % 2 ? "read" : "read-list");
		snprintf(g[i].address, sizeof g[i].address, i % 5 ? "192.0.2.%d" : "2001:db8::%d", i);
	}
	assert_int_equal(db->ops->audit_add_many(db, g, 40), PST_OK);
	assert_int_equal(db->ops->audit_add_many(db, g, 0), PST_OK);
	struct pst_audit *v;
	size_t n;
	assert_int_equal(db->ops->audit_list(db, 0, 0, &v, &n), PST_OK);
	assert_int_equal(n, 40);
	for (size_t k = 0; k < n; k++) {
		const struct pst_audit *e = &v[k], *want = &g[39 - k]; /* newest first */
		assert_int_equal(e->at_epoch, want->at_epoch);
		assert_int_equal(e->actor, want->actor);
		assert_string_equal(e->action, want->action);
		assert_int_equal(e->patient, want->patient);
		assert_int_equal(e->account, want->account);
		assert_string_equal(e->address, want->address);
		if (k)
			assert_true(v[k - 1].id > e->id); /* ids rise in the order given */
	}
	free(v);
	/* one entry with free text: the group is refused, nothing of it saved */
	g[7].address[0] = '\0';
	snprintf(g[7].action, sizeof g[7].action, "pain 7/10");
	assert_int_equal(db->ops->audit_add_many(db, g, 40), PST_EINVAL);
	assert_int_equal(db->ops->audit_list(db, 0, 0, &v, &n), PST_OK);
	assert_int_equal(n, 40);
	free(v);
	pst_db_close(db);
}

static void test_throttle(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new(NULL);
	bool allowed = false;
	int64_t retry = -1;
	const char *k = "a:pat@home.example";
	/* nothing counted: allowed */
	assert_int_equal(db->ops->throttle_check(db, k, 1000, 60, 3, &allowed, &retry), PST_OK);
	assert_true(allowed);
	assert_int_equal(retry, 0);
	/* limit 3 in 60 s from the first failure at 1000 */
	assert_int_equal(db->ops->throttle_hit(db, k, 1000, 60, 3, &allowed, &retry), PST_OK);
	assert_true(allowed);
	assert_int_equal(db->ops->throttle_hit(db, k, 1010, 60, 3, &allowed, &retry), PST_OK);
	assert_true(allowed);
	assert_int_equal(db->ops->throttle_hit(db, k, 1020, 60, 3, &allowed, &retry), PST_OK);
	assert_false(allowed);
	assert_int_equal(retry, 40);
	assert_int_equal(db->ops->throttle_check(db, k, 1050, 60, 3, &allowed, &retry), PST_OK);
	assert_false(allowed);
	assert_int_equal(retry, 10);
	/* another key is apart */
	assert_int_equal(db->ops->throttle_check(db, "ip:192.0.2.1", 1050, 60, 3, &allowed, &retry),
			 PST_OK);
	assert_true(allowed);
	/* more failures in the window: still the window's end */
	assert_int_equal(db->ops->throttle_hit(db, k, 1059, 60, 3, &allowed, &retry), PST_OK);
	assert_false(allowed);
	assert_int_equal(retry, 1);
	/* the window over: allowed again, and a failure starts a new one */
	assert_int_equal(db->ops->throttle_check(db, k, 1060, 60, 3, &allowed, &retry), PST_OK);
	assert_true(allowed);
	assert_int_equal(retry, 0);
	assert_int_equal(db->ops->throttle_hit(db, k, 1061, 60, 3, &allowed, &retry), PST_OK);
	assert_true(allowed);
	assert_int_equal(db->ops->throttle_hit(db, k, 1062, 60, 3, &allowed, &retry), PST_OK);
	assert_int_equal(db->ops->throttle_hit(db, k, 1063, 60, 3, &allowed, &retry), PST_OK);
	assert_false(allowed);
	assert_int_equal(retry, 58);
	/* a success clears it */
	assert_int_equal(db->ops->throttle_clear(db, k), PST_OK);
	assert_int_equal(db->ops->throttle_check(db, k, 1064, 60, 3, &allowed, &retry), PST_OK);
	assert_true(allowed);
	/* a second connection (another process) sees the same counts */
	char target[600];
	pst_test_target(NULL, target, sizeof target);
	struct pst_db *d1 = pst_test_db_open(target), *d2 = pst_test_db_open(target);
	assert_int_equal(d1->ops->throttle_hit(d1, k, 10, 60, 2, &allowed, &retry), PST_OK);
	assert_true(allowed);
	assert_int_equal(d2->ops->throttle_hit(d2, k, 11, 60, 2, &allowed, &retry), PST_OK);
	assert_false(allowed);
	assert_int_equal(d1->ops->throttle_check(d1, k, 12, 60, 2, &allowed, &retry), PST_OK);
	assert_false(allowed);
	assert_int_equal(retry, 58);
	pst_db_close(d1);
	pst_db_close(d2);
	/* bad arguments */
	assert_int_equal(db->ops->throttle_hit(db, "", 1, 60, 3, &allowed, &retry), PST_EINVAL);
	assert_int_equal(db->ops->throttle_hit(db, k, 1, 0, 3, &allowed, &retry), PST_EINVAL);
	assert_int_equal(db->ops->throttle_check(db, k, 1, 60, 0, &allowed, &retry), PST_EINVAL);
	pst_db_close(db);
}

/* data_version_accounts, the one-person server's read before every request: the
 * version as data_version gives it, and whether any account exists, which an account
 * added through another connection (the CLI, another server) changes at once. */
static void test_version_accounts(void **state)
{
	(void)state;
	char target[600];
	pst_test_target(NULL, target, sizeof target);
	struct pst_db *db = pst_test_db_open(target), *other = pst_test_db_open(target);
	struct pst_store *st;
	assert_int_equal(pst_store_person(db, PST_PERSON_DEFAULT, &st), PST_OK);
	int64_t v = -1, v0 = -1;
	bool any = true;
	assert_int_equal(st->ops->data_version(st, &v0), PST_OK);
	assert_int_equal(st->ops->data_version_accounts(st, &v, &any), PST_OK);
	assert_int_equal(v, v0);
	assert_false(any); /* a new database: the one-person app */

	/* a write moves the version, as data_version sees it */
	struct pst_time at = {.epoch = 1800000000};
	assert_int_equal(st->ops->calendar_token_put(st, "tok", at), PST_OK);
	assert_int_equal(st->ops->data_version_accounts(st, &v, &any), PST_OK);
	assert_int_equal(v, v0 + 1);
	assert_false(any);

	/* an account added through another connection shows on the next read */
	add(other, PST_ROLE_ADMIN, "admin@clinic.example", "", 0, "$argon2id$h");
	assert_int_equal(st->ops->data_version_accounts(st, &v, &any), PST_OK);
	assert_true(any);
	assert_int_equal(v, v0 + 1); /* an account is not a write to the person's records */
	/* ... and a write of another connection's moves the version */
	struct pst_store *ot;
	assert_int_equal(pst_store_person(other, PST_PERSON_DEFAULT, &ot), PST_OK);
	assert_int_equal(ot->ops->calendar_token_put(ot, "tok2", at), PST_OK);
	assert_int_equal(st->ops->data_version_accounts(st, &v, &any), PST_OK);
	assert_int_equal(v, v0 + 2);
	assert_true(any);
	pst_store_close(ot);

	pst_store_close(st);
	pst_db_close(other);
	pst_db_close(db);
}

/* Accounts survive closing and opening again; a db transaction rolled back adds none. */
static void test_durable_and_transaction(void **state)
{
	(void)state;
	char target[600];
	pst_test_target(NULL, target, sizeof target);
	struct pst_db *db = pst_test_db_open(target);
	int64_t doc = add(db, PST_ROLE_CLINICIAN, "doc@clinic.example", "Doc", 0, "h");
	assert_int_equal(db->ops->begin(db), PST_OK);
	add(db, PST_ROLE_PATIENT, "pat@home.example", "", doc, NULL);
	db->ops->rollback(db);
	pst_db_close(db);
	db = pst_test_db_open(target);
	int64_t n;
	assert_int_equal(db->ops->account_count(db, &n), PST_OK);
	assert_int_equal(n, 1);
	struct pst_account a;
	bool found;
	assert_int_equal(db->ops->account_get(db, doc, &a, &found), PST_OK);
	assert_true(found);
	assert_string_equal(a.name, "Doc");
	/* the rolled-back patient's person is not there either */
	struct pst_person *people;
	size_t np;
	assert_int_equal(db->ops->person_list(db, &people, &np), PST_OK);
	assert_int_equal(np, 1);
	free(people);
	pst_db_close(db);
}

/* Emails compare alike on both backends (docs/clinic.md, "Accounts"): ASCII letters
 * without case, every other byte as it is. */
static void test_email_case(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new(NULL);
	int64_t ascii = add(db, PST_ROLE_CLINICIAN, "A@B.org", "A", 0, NULL);
	int64_t upper = add(db, PST_ROLE_CLINICIAN, "\xc3\x84rzte@X.org", "Upper", 0, NULL);
	struct pst_account a;
	bool found;
	char hash[8];
	/* ASCII letters: one account whatever their case */
	assert_int_equal(try_add(db, PST_ROLE_CLINICIAN, "a@b.org", 0), PST_EEXISTS);
	assert_int_equal(try_add(db, PST_ROLE_CLINICIAN, "A@b.ORG", 0), PST_EEXISTS);
	assert_int_equal(db->ops->account_by_email(db, "a@B.ORG", &a, hash, sizeof hash, &found), PST_OK);
	assert_true(found);
	assert_int_equal(a.id, ascii);
	assert_string_equal(a.email, "a@b.org");
	/* the rest as it is: the stored email keeps its non-ASCII letters */
	assert_int_equal(db->ops->account_get(db, upper, &a, &found), PST_OK);
	assert_string_equal(a.email, "\xc3\x84rzte@x.org");
	assert_int_equal(db->ops->account_by_email(db, "\xc3\x84RZTE@x.org", &a, hash, sizeof hash, &found),
			 PST_OK);
	assert_true(found);
	assert_int_equal(a.id, upper);
	/* another case of a non-ASCII letter is another email: not found, and free */
	assert_int_equal(db->ops->account_by_email(db, "\xc3\xa4RZTE@x.org", &a, hash, sizeof hash, &found),
			 PST_OK);
	assert_false(found);
	int64_t lower = add(db, PST_ROLE_CLINICIAN, "\xc3\xa4RZTE@x.org", "Lower", 0, NULL);
	assert_true(lower != upper);
	assert_int_equal(db->ops->account_by_email(db, "\xc3\xa4rzte@X.ORG", &a, hash, sizeof hash, &found),
			 PST_OK);
	assert_true(found);
	assert_int_equal(a.id, lower);
	assert_string_equal(a.name, "Lower");
	/* the same letter composed otherwise (A + combining diaeresis) is other bytes too */
	assert_int_equal(db->ops->account_by_email(db, "A\xcc\x88rzte@x.org", &a, hash, sizeof hash, &found),
			 PST_OK);
	assert_false(found);
	pst_db_close(db);
}

static void test_helpers(void **state)
{
	(void)state;
	enum pst_role r;
	assert_true(pst_role_parse("clinician", &r));
	assert_int_equal(r, PST_ROLE_CLINICIAN);
	assert_false(pst_role_parse("Admin", &r));
	assert_false(pst_role_parse(NULL, &r));
	assert_string_equal(pst_role_name(PST_ROLE_PATIENT), "patient");
	char out[PST_EMAIL_MAX + 1], why[300];
	assert_true(pst_email_normalize("Ann.Lee+x@Example.ORG", out, sizeof out, why, sizeof why));
	assert_string_equal(out, "ann.lee+x@example.org");
	char longer[300];
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	longer[10] = '@';
	longer[20] = '.';
	assert_false(pst_email_normalize(longer, out, sizeof out, why, sizeof why));
	assert_non_null(strstr(why, "at most 254"));
	unsigned char h[32];
	hash_of(h, 0);
	char hex[65];
	pst_token_hash_hex(h, hex);
	assert_int_equal(strlen(hex), 64);
	assert_memory_equal(hex, "00070e15", 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_accounts),
		cmocka_unit_test(test_password_and_disable_end_sessions),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_session_read),
		cmocka_unit_test(test_invitations),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_audit_many),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_version_accounts),
		cmocka_unit_test(test_durable_and_transaction),
		cmocka_unit_test(test_email_case),
	};
	return pst_test_backends("accounts", tests, sizeof tests / sizeof *tests, NULL, 0) ? 1 : 0;
}
