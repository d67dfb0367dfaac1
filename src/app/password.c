/* Passwords (password.h): argon2id by libsodium, the checks of a new password with
 * libpwquality and the cracklib dictionary, and a dummy verify of equal cost. */
#include <ctype.h>
#include <pthread.h>
#include <pwquality.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/password.h"
#include "core/base.h"
#include "core/utf8.h"
#include "store/store.h"

/* Debian's cracklib-runtime builds it here (update-cracklib); cracklib's own default. */
static const char default_dict[] = "/var/cache/cracklib/cracklib_dict";

static bool ready(void)
{
	return sodium_init() >= 0; /* idempotent and thread-safe */
}

int pst_password_hash(const char *pw, char out[PST_PASSWORD_HASH_SIZE])
{
	_Static_assert(PST_PASSWORD_HASH_SIZE == crypto_pwhash_STRBYTES, "the hash string's size");
	out[0] = '\0';
	if (!pw || strlen(pw) > PST_PASSWORD_MAX_BYTES || !ready())
		return PST_EINVAL;
	if (crypto_pwhash_str(out, pw, strlen(pw), PST_PASSWORD_OPSLIMIT, PST_PASSWORD_MEMLIMIT) != 0)
		return PST_ENOMEM;
	return PST_OK;
}

static char dummy_hash[PST_PASSWORD_HASH_SIZE];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	/* A random password nobody knows, at today's cost. */
	unsigned char secret[32];
	char hex[65];
	if (!ready())
		return;
	randombytes_buf(secret, sizeof secret);
	sodium_bin2hex(hex, sizeof hex, secret, sizeof secret);
	if (pst_password_hash(hex, dummy_hash) != PST_OK)
		dummy_hash[0] = '\0';
	sodium_memzero(hex, sizeof hex);
}

static bool is_argon2id(const char *hash)
{
	return hash && !strncmp(hash, crypto_pwhash_argon2id_STRPREFIX,
				strlen(crypto_pwhash_argon2id_STRPREFIX));
}

bool pst_password_verify_dummy(const char *pw)
{
	pthread_once(&dummy_once, make_dummy);
	const char *p = pw ? pw : "";
	size_t n = strnlen(p, PST_PASSWORD_MAX_BYTES + 1);
	/* The result is thrown away; the volatile keeps the call from being optimised out. */
	volatile int r = dummy_hash[0] ? crypto_pwhash_str_verify(dummy_hash, p, n) : -1;
	(void)r;
	return false;
}

bool pst_password_verify(const char *hash, const char *pw)
{
	if (!pw || !is_argon2id(hash) || strlen(pw) > PST_PASSWORD_MAX_BYTES || !ready()) {
		pst_password_verify_dummy(pw); /* the same time for no password set */
		return false;
	}
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

bool pst_password_needs_rehash(const char *hash)
{
	if (!is_argon2id(hash) || !ready())
		return true;
	return crypto_pwhash_str_needs_rehash(hash, PST_PASSWORD_OPSLIMIT, PST_PASSWORD_MEMLIMIT) != 0;
}

int pst_password_rehash(struct pst_db *db, int64_t account, const char *hash, const char *pw,
			bool *rehashed)
{
	*rehashed = false;
	if (!is_argon2id(hash) || !pst_password_needs_rehash(hash))
		return PST_OK;
	char fresh[PST_PASSWORD_HASH_SIZE];
	int err = pst_password_hash(pw, fresh);
	if (!err)
		err = db->ops->account_rehash(db, account, hash, fresh, rehashed);
	sodium_memzero(fresh, sizeof fresh);
	return err;
}

bool pst_password_dictionary(char *path, size_t size)
{
	const char *env = getenv("POSTURA_CRACKLIB_DICT");
	const char *base = env && *env ? env : default_dict;
	if (path && size)
		snprintf(path, size, "%s", base);
	static const char *const ends[] = {".pwd", ".pwi", ".hwm"};
	for (size_t i = 0; i < 3; i++) {
		char f[4200];
		snprintf(f, sizeof f, "%s%s", base, ends[i]);
		FILE *fp = fopen(f, "rb");
		if (!fp)
			return false;
		fclose(fp);
	}
	return true;
}

/* Passwords chosen so often that every guesser tries them first; each 10 or more
 * characters (shorter ones fail the length check anyway). The cracklib dictionary has
 * many more; these stay refused without it. */
static const char *const common[] = {
	"password12", "password123", "password1234", "password!!", "password1!", "passw0rd12",
	"1234567890", "0123456789", "12345678910", "123456789a", "1q2w3e4r5t", "1qaz2wsx3edc",
	"qwertyuiop", "qwerty1234", "qwerty12345", "asdfghjkl;", "asdfghjkl1", "zxcvbnm123",
	"iloveyou12", "iloveyou123", "letmein123", "welcome123", "welcome1234", "abc1234567",
	"abcdefghij", "abcdefg123", "football12", "baseball12", "sunshine12", "princess12",
	"superman12", "monkey1234", "dragon1234", "trustno1234", "changeme12", "changeme123",
	"administrator", "postura123", "postura1234",
};

/* The password, lower-cased (ASCII), into out. */
static void lower(const char *s, char *out, size_t size)
{
	size_t i = 0;
	for (; s[i] && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/* Whether the password holds word (4 or more bytes), any case. */
static bool holds(const char *lpw, const char *word)
{
	if (!word || strlen(word) < 4)
		return false;
	char lw[PST_PASSWORD_MAX_BYTES + 1];
	lower(word, lw, sizeof lw);
	return strstr(lpw, lw) != NULL;
}

/* Checks that need no dictionary: the fallback when cracklib's is missing, and the first
 * step always. */
static bool basic_check(const char *pw, const char *email, const char *name, char *why,
			size_t size)
{
	if (!pw || !*pw) {
		snprintf(why, size, "the password is empty; it must be at least %d characters",
			 PST_PASSWORD_MIN_CHARS);
		return false;
	}
	size_t n = strlen(pw);
	if (n > PST_PASSWORD_MAX_BYTES) {
		snprintf(why, size, "the password is %zu bytes long; it must be at most %d", n,
			 PST_PASSWORD_MAX_BYTES);
		return false;
	}
	char msg[200];
	if (!pst_text_check(pw, n, 0, msg, sizeof msg)) {
		snprintf(why, size, "the password %s", msg);
		return false;
	}
	size_t chars = 0; /* code points: the bytes that start one */
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)pw[i] & 0xc0) != 0x80;
	if (chars < PST_PASSWORD_MIN_CHARS) {
		snprintf(why, size, "the password is %zu character%s long; it must be at least %d", chars,
			 chars == 1 ? "" : "s", PST_PASSWORD_MIN_CHARS);
		return false;
	}
	char lpw[PST_PASSWORD_MAX_BYTES + 1];
	lower(pw, lpw, sizeof lpw);
	for (size_t i = 0; i < sizeof common / sizeof *common; i++)
		if (!strcmp(lpw, common[i])) {
			snprintf(why, size, "the password is one of the most common passwords; choose another");
			return false;
		}
	/* Few different characters ("aaaaaaaaaa", "abababababab"), or a run ("3456789012",
	 * "zyxwvutsrq"): every step the same, one up or one down (digits wrap around). */
	bool seen[256] = {false};
	int distinct = 0, step0 = 0;
	bool run = true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)lpw[i];
		distinct += !seen[c];
		seen[c] = true;
		if (i == 0)
			continue;
		unsigned char p = (unsigned char)lpw[i - 1];
		int step = isdigit(c) && isdigit(p) ? ((c - p) % 10 + 10) % 10 : c - p;
		if (step == 9)
			step = -1;
		if (i == 1)
			step0 = step;
		if (step != step0 || (step != 1 && step != -1))
			run = false;
	}
	if (distinct < 5) {
		snprintf(why, size, "the password has only %d different characters; use at least 5",
			 distinct);
		return false;
	}
	if (run) {
		snprintf(why, size, "the password is a run of characters in order; choose another");
		return false;
	}
	/* Not the account's own email or name. */
	if (email && *email) {
		char local[PST_PASSWORD_MAX_BYTES + 1];
		snprintf(local, sizeof local, "%s", email);
		char *at = strchr(local, '@');
		if (at)
			*at = '\0';
		if (holds(lpw, local) || holds(lpw, email)) {
			snprintf(why, size, "the password holds the email's name (%s); choose another", local);
			return false;
		}
	}
	if (name && *name) {
		/* each word of the name */
		char words[PST_PASSWORD_MAX_BYTES + 1];
		snprintf(words, sizeof words, "%s", name);
		for (char *save = NULL, *w = strtok_r(words, " \t-.'", &save); w;
		     w = strtok_r(NULL, " \t-.'", &save))
			if (holds(lpw, w)) {
				snprintf(why, size, "the password holds the account's name (%s); choose another",
					 w);
				return false;
			}
	}
	return true;
}

/* libpwquality keeps no state between calls, but cracklib's FascistCheck does (its
 * dictionary); one check at a time. */
static pthread_mutex_t pwq_lock = PTHREAD_MUTEX_INITIALIZER;

bool pst_password_check(const char *pw, const char *email, const char *name, char *why,
			size_t size)
{
	if (!basic_check(pw, email, name, why, size))
		return false;
	char dict[4096];
	if (!pst_password_dictionary(dict, sizeof dict))
		return true; /* the fallback: the checks above only (pst_password_dictionary says so) */
	pthread_mutex_lock(&pwq_lock);
	bool ok = true;
	pwquality_settings_t *pwq = pwquality_default_settings();
	if (!pwq) {
		pthread_mutex_unlock(&pwq_lock);
		snprintf(why, size, "out of memory");
		return false;
	}
	/* Our own length rule (characters) stands; pwquality's minimum is 6 bytes. Not
	 * /etc/security/pwquality.conf: the rules are the program's, the same everywhere. */
	pwquality_set_int_value(pwq, PWQ_SETTING_MIN_LENGTH, 6);
	pwquality_set_int_value(pwq, PWQ_SETTING_DICT_CHECK, 1);
	pwquality_set_str_value(pwq, PWQ_SETTING_DICT_PATH, dict);
	char user[PST_PASSWORD_MAX_BYTES + 1] = "";
	if (email) {
		snprintf(user, sizeof user, "%s", email);
		char *at = strchr(user, '@');
		if (at)
			*at = '\0';
	}
	void *aux = NULL;
	int rc = pwquality_check(pwq, pw, NULL, *user ? user : NULL, &aux);
	if (rc < 0) {
		char buf[PWQ_MAX_ERROR_MESSAGE_LEN];
		const char *m = pwquality_strerror(buf, sizeof buf, rc, aux);
		/* "The password fails the dictionary check - it is based on a dictionary word" */
		const char *dash = m ? strstr(m, " - ") : NULL;
		snprintf(why, size, "the password is too easy to guess (%s); choose another",
			 dash ? dash + 3 : m ? m : "a known weak password");
		ok = false;
	}
	pwquality_free_settings(pwq);
	pthread_mutex_unlock(&pwq_lock);
	return ok;
}
