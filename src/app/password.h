/*
 * Passwords of accounts (issue 14): argon2id through libsodium's crypto_pwhash_str, the
 * checks a new password must pass, and a verify of equal cost for an unknown email (a
 * login takes the same time whether the account exists or not).
 *
 * The cost (docs/clinic.md, "Passwords"): argon2id with PST_PASSWORD_OPSLIMIT passes
 * over PST_PASSWORD_MEMLIMIT bytes (OWASP's argon2id minimum: 19 MiB, 2 passes, one
 * lane), measured on this project's machines at well under 100 ms a verify. A stored
 * hash carries its own cost, so raising it later keeps old hashes verifiable
 * (pst_password_needs_rehash says which to hash again at the next login).
 *
 * Thread-safe: the web server's threads may call everything here at once.
 */
#ifndef PST_APP_PASSWORD_H
#define PST_APP_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pst_db;

enum {
	PST_PASSWORD_MIN_CHARS = 10,   /* characters (UTF-8 code points), not bytes */
	PST_PASSWORD_MAX_BYTES = 1024, /* longer is refused (and never hashed) */
	PST_PASSWORD_HASH_SIZE = 128,  /* crypto_pwhash_STRBYTES: a hash string and its NUL */
	PST_PASSWORD_OPSLIMIT = 2,
};
#define PST_PASSWORD_MEMLIMIT ((size_t)19 << 20) /* 19 MiB */

/*
 * Hashes pw (argon2id, a random salt) into out (PST_PASSWORD_HASH_SIZE bytes): the
 * "$argon2id$v=19$m=...,t=...,p=...$salt$hash" string the store keeps. Returns PST_OK,
 * PST_EINVAL (pw NULL or longer than PST_PASSWORD_MAX_BYTES) or PST_ENOMEM (argon2id
 * could not get its memory).
 */
int pst_password_hash(const char *pw, char out[PST_PASSWORD_HASH_SIZE]);

/* Whether pw is the password of hash. false for a hash that is not an argon2id string
 * (an account with no password: "" or NULL) — after the cost of a verify all the same. */
bool pst_password_verify(const char *hash, const char *pw);

/* A verify of the same cost against a hash of no account's password (made once, at the
 * first call): what a login does for an email with no account, so that it takes the same
 * time. Always false. */
bool pst_password_verify_dummy(const char *pw);

/* Whether hash was made with another cost than today's (hash it again at the next
 * successful login). */
bool pst_password_needs_rehash(const char *hash);

/*
 * After a successful login with pw against hash (the account's stored hash): when hash
 * was made with another cost than today's (pst_password_needs_rehash), hashes pw again at
 * today's cost and stores it in place of hash (the store's account_rehash: only if hash
 * is still the account's; the sessions stay), *rehashed then true. Nothing to do (today's
 * cost, or not an argon2id string): PST_OK, *rehashed false. Otherwise the error of the
 * hash or of the store (its message in db->errmsg). The caller audits it (no secret).
 */
int pst_password_rehash(struct pst_db *db, int64_t account, const char *hash, const char *pw,
			bool *rehashed);

/*
 * Whether pw may be a new password for the account of email (and name, "" or NULL when
 * none): at least PST_PASSWORD_MIN_CHARS characters, at most PST_PASSWORD_MAX_BYTES
 * bytes of UTF-8 with no control characters, not holding the email's name or the
 * account's name, not one of the commonly used passwords (a short built-in list), and
 * not a known-weak password for libpwquality with the cracklib dictionary (words,
 * simple variations of them, keyboard runs). Otherwise false with the reason in why,
 * addressed to the person choosing it ("the password is 8 characters long; it must be at
 * least 10"). Without the cracklib dictionary (not installed, or not readable here) the
 * other checks still apply and pst_password_dictionary says so.
 */
bool pst_password_check(const char *pw, const char *email, const char *name, char *why,
			size_t size);

/* Whether the cracklib dictionary pst_password_check uses can be read here; path (when
 * not NULL) gets where it is looked for (POSTURA_CRACKLIB_DICT, else cracklib's own
 * default), without its .pwd/.pwi/.hwm ending. */
bool pst_password_dictionary(char *path, size_t size);

#endif
