/* The password module (src/app/password.h): argon2id hashes at the stated cost, verify,
 * the dummy verify of equal cost, and the checks of a new password (length, common and
 * dictionary-weak passwords, the account's own email and name), with and without the
 * cracklib dictionary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app/password.h"
#include "core/base.h"
#include "store/store.h"
#include "backends.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void test_hash_verify(void **state)
{
	(void)state;
	char h[PST_PASSWORD_HASH_SIZE], h2[PST_PASSWORD_HASH_SIZE];
	assert_int_equal(pst_password_hash("correct horse battery", h), PST_OK);
	/* argon2id at the stated cost: 19 MiB, 2 passes, one lane */
	assert_non_null(strstr(h, "$argon2id$v=19$m=19456,t=2,p=1$"));
	assert_null(strstr(h, "correct"));
	assert_true(pst_password_verify(h, "correct horse battery"));
	assert_false(pst_password_verify(h, "correct horse batterY"));
	assert_false(pst_password_verify(h, ""));
	assert_false(pst_password_verify(h, NULL));
	/* a random salt: the same password hashes differently, both verify */
	assert_int_equal(pst_password_hash("correct horse battery", h2), PST_OK);
	assert_string_not_equal(h, h2);
	assert_true(pst_password_verify(h2, "correct horse battery"));
	/* no password set, or not a hash: never verifies */
	assert_false(pst_password_verify("", "anything at all"));
	assert_false(pst_password_verify(NULL, "anything at all"));
	assert_false(pst_password_verify("plain text", "plain text"));
	assert_false(pst_password_verify_dummy("correct horse battery"));
	assert_false(pst_password_needs_rehash(h));
	assert_true(pst_password_needs_rehash("$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
					      "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"));
	assert_true(pst_password_needs_rehash(""));
	/* too long: refused, never hashed */
	char big[PST_PASSWORD_MAX_BYTES + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(pst_password_hash(big, h), PST_EINVAL);
	assert_false(pst_password_verify(h2, big));
}

/* The dummy verify costs what a real one does: the medians of 5 within a factor of 3
 * (a loaded machine stretches both alike), and one verify well under a second. */
static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void test_equal_cost(void **state)
{
	(void)state;
	char h[PST_PASSWORD_HASH_SIZE];
	assert_int_equal(pst_password_hash("a real password here", h), PST_OK);
	pst_password_verify_dummy("warm up"); /* makes its hash once */
	double real[5], dummy[5], none[5];
	for (int i = 0; i < 5; i++) {
		double t0 = now_ms();
		assert_false(pst_password_verify(h, "a wrong password!"));
		double t1 = now_ms();
		pst_password_verify_dummy("a wrong password!");
		double t2 = now_ms();
		pst_password_verify("", "a wrong password!"); /* an account with no password yet */
		double t3 = now_ms();
		real[i] = t1 - t0;
		dummy[i] = t2 - t1;
		none[i] = t3 - t2;
	}
	qsort(real, 5, sizeof *real, cmp);
	qsort(dummy, 5, sizeof *dummy, cmp);
	qsort(none, 5, sizeof *none, cmp);
	printf("# argon2id verify: median %.1f ms (best %.1f); dummy %.1f ms; no password %.1f ms\n",
	       real[2], real[0], dummy[2], none[2]);
	assert_true(dummy[2] > real[2] / 3 && dummy[2] < real[2] * 3);
	assert_true(none[2] > real[2] / 3 && none[2] < real[2] * 3);
	assert_true(real[0] < 1000);
}

static bool check(const char *pw, const char *email, const char *name, char *why, size_t size)
{
	why[0] = '\0';
	bool ok = pst_password_check(pw, email, name, why, size);
	if (!ok)
		assert_true(why[0] != '\0');
	return ok;
}

static void test_check(void **state)
{
	(void)state;
	char why[300];
	const char *e = "ann.lee@clinic.example";
	assert_true(check("tulip-harbour-7-violin", e, "Ann Lee", why, sizeof why));
	assert_true(check("Gr\xc3\xbcner Tee mit Zitrone", e, NULL, why, sizeof why));
	/* length in characters */
	assert_false(check("short", e, NULL, why, sizeof why));
	assert_string_equal(why, "the password is 5 characters long; it must be at least 10");
	assert_false(check("", e, NULL, why, sizeof why));
	assert_non_null(strstr(why, "empty"));
	assert_false(check(NULL, e, NULL, why, sizeof why));
	/* 9 characters of which two take two bytes each: 11 bytes, still too short */
	assert_false(check("\xc3\xa9t\xc3\xa9-rose7", e, NULL, why, sizeof why));
	assert_non_null(strstr(why, "9 characters"));
	/* common, repetitive, runs */
	assert_false(check("Password123", e, NULL, why, sizeof why));
	assert_non_null(strstr(why, "common"));
	assert_false(check("qwertyuiop", e, NULL, why, sizeof why));
	assert_false(check("aaaaaaaaaaaa", e, NULL, why, sizeof why));
	assert_non_null(strstr(why, "different characters"));
	assert_false(check("ababababababab", e, NULL, why, sizeof why));
	assert_false(check("3456789012", e, NULL, why, sizeof why));
	assert_non_null(strstr(why, "run"));
	assert_false(check("zyxwvutsrqp", e, NULL, why, sizeof why));
	/* the account's own email and name */
	assert_false(check("ann.lee-2026!", e, NULL, why, sizeof why));
	assert_non_null(strstr(why, "email"));
	assert_false(check("xx-LEEWARD-99-yy", "someone@clinic.example", "Ann Leeward", why, sizeof why));
	assert_non_null(strstr(why, "name"));
	/* not text */
	assert_false(check("abc\x1b[31mdefghij", e, NULL, why, sizeof why));
	char big[PST_PASSWORD_MAX_BYTES + 2];
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	big[5] = 'z';
	big[6] = 'r';
	big[7] = 'k';
	big[8] = 'w';
	assert_false(check(big, e, NULL, why, sizeof why));
	assert_non_null(strstr(why, "at most"));
}

/* Weak for the dictionary only: a dictionary word with a digit, a keyboard word. */
static void test_dictionary(void **state)
{
	(void)state;
	char why[300], path[4096];
	if (!pst_password_dictionary(path, sizeof path)) {
		print_message("# no cracklib dictionary at %s: install cracklib-runtime\n", path);
		fail();
	}
	assert_false(check("chocolate1", "x@y.example", NULL, why, sizeof why));
	assert_non_null(strstr(why, "too easy to guess"));
	assert_false(check("strawberries", "x@y.example", NULL, why, sizeof why));
	assert_true(check("strawberries-at-9-on-tuesday", "x@y.example", NULL, why, sizeof why));
}

/* Without the dictionary: the other checks still refuse, nothing crashes, and it says so. */
static void test_no_dictionary(void **state)
{
	(void)state;
	char why[300], path[4096];
	setenv("POSTURA_CRACKLIB_DICT", "/nonexistent/cracklib_dict", 1);
	assert_false(pst_password_dictionary(path, sizeof path));
	assert_string_equal(path, "/nonexistent/cracklib_dict");
	assert_false(check("short", "x@y.example", NULL, why, sizeof why));
	assert_false(check("password123", "x@y.example", NULL, why, sizeof why));
	assert_false(check("1234567890", "x@y.example", NULL, why, sizeof why));
	/* a dictionary word passes now: only the dictionary knew it */
	assert_true(check("strawberries", "x@y.example", NULL, why, sizeof why));
	unsetenv("POSTURA_CRACKLIB_DICT");
	assert_true(pst_password_dictionary(path, sizeof path));
}

/* A hash of a lower cost than today's (an older postura's) is hashed again at the next
 * login (pst_password_rehash, which the web login calls after a successful verify): the
 * stored hash changes to today's cost, the same password still verifies, the account's
 * sessions stay; a hash at today's cost, or one changed meanwhile, is left. On SQLite and
 * on PostgreSQL. */
static void test_rehash_at_login(void **state)
{
	(void)state;
	const char *pw = "velvet-cactus-ledger-3";
	char old[crypto_pwhash_STRBYTES];
	assert_int_equal(crypto_pwhash_str(old, pw, strlen(pw), crypto_pwhash_OPSLIMIT_MIN,
					   crypto_pwhash_MEMLIMIT_MIN),
			 0);
	assert_true(pst_password_verify(old, pw));
	assert_true(pst_password_needs_rehash(old));
	struct pst_db *db = pst_test_db_new(NULL);
	struct pst_account a = {.role = PST_ROLE_CLINICIAN};
	snprintf(a.email, sizeof a.email, "doc@clinic.example");
	int64_t id;
	assert_int_equal(db->ops->account_add(db, &a, old, &id), PST_OK);
	unsigned char token[PST_TOKEN_HASH_SIZE] = {7};
	assert_int_equal(db->ops->session_add(db, token, id, 1000, "127.0.0.1"), PST_OK);

	bool rehashed = false, found;
	char stored[256];
	assert_int_equal(pst_password_rehash(db, id, old, pw, &rehashed), PST_OK);
	assert_true(rehashed);
	assert_int_equal(db->ops->account_by_email(db, "doc@clinic.example", &a, stored, sizeof stored,
						   &found),
			 PST_OK);
	assert_true(found);
	assert_string_not_equal(stored, old);
	assert_false(pst_password_needs_rehash(stored)); /* today's cost */
	char want[64];
	snprintf(want, sizeof want, "$argon2id$v=19$m=%zu,t=%d,p=1$", PST_PASSWORD_MEMLIMIT / 1024,
		 PST_PASSWORD_OPSLIMIT);
	assert_memory_equal(stored, want, strlen(want));
	assert_true(pst_password_verify(stored, pw));      /* the old password still works */
	assert_false(pst_password_verify(stored, "velvet-cactus-ledger-4"));
	struct pst_auth_session se;
	assert_int_equal(db->ops->session_get(db, token, &se, &found), PST_OK);
	assert_true(found); /* the password did not change: the sessions stay */

	/* at today's cost: nothing to do */
	assert_int_equal(pst_password_rehash(db, id, stored, pw, &rehashed), PST_OK);
	assert_false(rehashed);
	/* the hash changed meanwhile (a new password set between the verify and this):
	 * the new one stays */
	assert_int_equal(pst_password_rehash(db, id, old, pw, &rehashed), PST_OK);
	assert_false(rehashed);
	char again[256];
	assert_int_equal(db->ops->account_by_email(db, "doc@clinic.example", &a, again, sizeof again,
						   &found),
			 PST_OK);
	assert_string_equal(again, stored);
	/* the store's op refuses an empty hash */
	assert_int_equal(db->ops->account_rehash(db, id, stored, "", &rehashed), PST_EINVAL);
	assert_false(rehashed);
	pst_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_verify),
		cmocka_unit_test(test_equal_cost),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_dictionary),
		cmocka_unit_test(test_no_dictionary),
	};
	int failed = cmocka_run_group_tests_name("password", tests, NULL, NULL);
	const struct CMUnitTest rehash[] = {
		cmocka_unit_test(test_rehash_at_login),
	};
	failed += pst_test_backends("password-rehash", rehash, sizeof rehash / sizeof *rehash, NULL, 0);
	return failed ? 1 : 0;
}
