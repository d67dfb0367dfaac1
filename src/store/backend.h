/* For the backends of store.h only (store_sqlite.c, store_pg.c, store.c): how a database
 * is opened, and the one schema both follow. Front ends use store.h. */
#ifndef PST_STORE_BACKEND_H
#define PST_STORE_BACKEND_H

#include "store/store.h"

/*
 * The schema migrations, in order: entry i brings the schema to version i + 1 (SQLite:
 * PRAGMA user_version; PostgreSQL: the schema_version table). Each entry has the SQL of
 * each dialect; both backends apply the same list, so a version number means the same
 * tables on both. .pg is "" where the migration has nothing to do there (a repair of
 * data only an SQLite file can hold). Never edit a landed migration: append one.
 */
struct pst_migration {
	const char *what;   /* one line: what the migration does */
	const char *sqlite; /* SQLite's SQL (may call the connection's own functions) */
	const char *pg;     /* PostgreSQL's SQL; NULL until the backend has it */
};
extern const struct pst_migration pst_migrations[];

/* Opens an SQLite database file (pst_db_open's rules). */
int pst_db_open_sqlite(const char *path, unsigned flags, struct pst_db **out, char *errmsg,
		       size_t size);
/* How many writers of this process wait for the writer lock of db's file (an SQLite db;
 * store_sqlite.c, group commit): for tests that line writers up behind a held lock. */
size_t pst_sqlite_writes_waiting(struct pst_db *db);

/* Opens a PostgreSQL database by its libpq URI (pst_db_open's rules); store_pg.c.
 * Messages name the host, port and database, never the password; PST_EUNAVAILABLE when
 * the server cannot be reached. */
int pst_db_open_pg(const char *uri, unsigned flags, struct pst_db **out, char *errmsg,
		   size_t size);
/* How many check-ins of this process wait to be written to db's database (a PostgreSQL
 * db; store_pg.c, group commit), the one being written not counted: for tests that
 * line check-ins up behind a held lock. */
size_t pst_pg_checkins_waiting(struct pst_db *db);

/* The summaries (pst_db_ops.summaries), shared by both backends (store.c): init gives
 * out one empty summary per person (PST_ENOMEM: out empty); find gives the keys of
 * person's summaries (*count of them, set->v[key[k].i]: an id may be asked twice), NULL
 * when person was not asked. */
int pst_summary_set_init(struct pst_summary_set *out, const int64_t *people, size_t n);
const struct pst_summary_key *pst_summary_find(const struct pst_summary_set *set, int64_t person,
					       size_t *count);
/* The pain part of a summary from the pain query's row (summary_sql.h): the last
 * check-in (has_c) and the last session (has_s), and the readings before. */
struct pst_summary_pain_row {
	bool has_c, has_s;
	int cp, sp;                 /* pain; the session's pain before */
	struct pst_time ct, st;
	int64_t c_count, c_sum, s_count, s_sum;
};
void pst_summary_set_pain(struct pst_summary_set *set, int64_t person,
			  const struct pst_summary_pain_row *row);
/* The ids as text between open and close ("[1,2]" for SQLite's json_each, "{1,2}" for
 * a PostgreSQL array), malloc'd; NULL when out of memory. */
char *pst_summary_id_list(const int64_t *people, size_t n, const char *open, const char *close);
/* Copies text into set's arena (NULL stays NULL), neutralised as read_all gives it
 * (flags: core/utf8.h); NULL with *oom set when out of memory. */
const char *pst_summary_text(struct pst_summary_set *set, const char *text, unsigned flags,
			     bool *oom);
/* The checks both backends make before an account op writes (store.c). Each returns
 * PST_OK, or PST_EINVAL with the reason in why. */
int pst_account_input_check(const struct pst_account *a, char email[PST_EMAIL_MAX + 1], char *why,
			    size_t size);
int pst_address_check(const char *address, char *why, size_t size);
int pst_audit_check(const struct pst_audit *e, char *why, size_t size);
int pst_throttle_key_check(const char *key, char *why, size_t size);

/* A person's version as data_version reads it (schema.c, migrations 13 and 17):
 * person.version plus the writes the person's rows in person_write count (n each). P:
 * the person row's alias. */
#define PST_SQL_PERSON_VERSION(P)                                                          \
	P ".version + (SELECT coalesce(sum(w.n), 0) FROM person_write w WHERE w.person_id = " P ".id)"
/* data_version_accounts (store.h), for both backends: PERSON the person's id. Columns:
 * the person's version (NULL: no such person); 1 when the database holds an account,
 * else 0. EXISTS stops at the first row, where count(*) would read them all. */
#define PST_SQL_VERSION_ACCOUNTS(PERSON)                                                   \
	"SELECT (SELECT " PST_SQL_PERSON_VERSION("p") " FROM person p WHERE p.id = " PERSON    \
	"), CASE WHEN EXISTS (SELECT 1 FROM account) THEN 1 ELSE 0 END"
/* An account's columns as both backends' account_row reads them, from alias A, with the
 * password hash left in the database: '*' when there is one, '' when not. */
#define PST_SQL_ACCOUNT_NO_HASH(A)                                                          \
	A ".id, " A ".email, " A ".name, " A ".role, COALESCE(" A ".person_id, 0),"            \
	" COALESCE(" A ".clinician_id, 0), CASE WHEN COALESCE(" A ".password, '') = ''"     \
	" THEN '' ELSE '*' END, " A ".disabled, " A ".created_epoch"
/* session_read (store.h), in one statement for both backends: HASH the token hash's hex,
 * PATIENT the account id asked for (0: none), ROSTER the backend's roster version of the
 * clinician a.id (its roster_version's expression: the backends keep it differently).
 * Columns: the session's created_epoch, last_seen_epoch, address (0-2); its account
 * (3-11); the patient's account (12-20, NULL when not one of this account's patients);
 * the patient's version (21); the account's own person's version (22, NULL when it has
 * none: not a patient); the account's roster version (23, NULL when not a clinician).
 * Every part is a seek on a primary key or an index. */
#define PST_SQL_SESSION_READ(HASH, PATIENT, ROSTER)                                         \
	"SELECT s.created_epoch, s.last_seen_epoch, s.address, " PST_SQL_ACCOUNT_NO_HASH("a") \
	", " PST_SQL_ACCOUNT_NO_HASH("p") ", (SELECT " PST_SQL_PERSON_VERSION("v")            \
	" FROM person v WHERE v.id = p.person_id), (SELECT " PST_SQL_PERSON_VERSION("o")      \
	" FROM person o WHERE o.id = a.person_id), CASE WHEN a.role = 'clinician' THEN ("     \
	ROSTER ") END"                                                                        \
	" FROM auth_session s JOIN account a ON a.id = s.account_id"                         \
	" LEFT JOIN account p ON p.id = " PATIENT " AND p.role = 'patient'"                   \
	" AND p.clinician_id = a.id"                                                         \
	" WHERE s.token_hash = " HASH
enum {
	PST_SESSION_READ_ACCOUNT = 3,
	PST_SESSION_READ_PATIENT = 12,
	PST_SESSION_READ_VERSION = 21,
	PST_SESSION_READ_OWN_VERSION = 22,
	PST_SESSION_READ_ROSTER = 23,
};

#endif
