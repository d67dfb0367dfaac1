/*
 * Persistence behind one backend-neutral interface, in two levels:
 *
 *   struct pst_db     one connection to one database (an SQLite file, or a PostgreSQL
 *                     database given by a postgresql:// URI). It knows the people in
 *                     it, copies it (backup), and can hold a transaction across many
 *                     operations (migrate). It reads and writes no one's records.
 *   struct pst_store  a handle scoped to ONE person, taken from a db. Its operations take
 *                     no person id: the backend filters every statement it runs by the
 *                     handle's person, so no code path can read or write another person's
 *                     records by forgetting a filter.
 *
 * Both are tables of functions (ops) that each backend implements from this text: SQLite
 * (store_sqlite.c, the embedded default) and PostgreSQL (store_pg.c). The schema is the
 * same on both, with the same version numbers (schema.c: one migration list, the SQL for
 * each dialect).
 *
 * The contract every backend keeps:
 * - Every write is one transaction, acknowledged (PST_OK) only after it is durably
 *   committed; an operation either does all of its work or none of it. (SQLite commits
 *   the writes of a process's connections that wait for each other in one transaction,
 *   each in its own savepoint with its own answer: docs/store.md, "Group commit".) Inside a db
 *   transaction (pst_db_ops.begin) the operations join it instead: nothing is committed
 *   before pst_db_ops.commit.
 * - Every write to a person's records (profile_put, checkin_add, session_add, psfs_add,
 *   psfs_rate, import, screening_put, calendar_token_put, programme_put) also adds
 *   one to the person's version, in the same transaction; data_version reads it. It is
 *   person.version plus the person's rows in person_write (schema.c, migration 13):
 *   SQLite bumps the column, PostgreSQL appends a row, so that one person's writes
 *   never wait for each other's row lock (docs/store.md "The per-person version").
 * - Errors come back as enum pst_err; the message is in the errmsg of the object the
 *   operation was called on (the handle's for store ops, the db's for db ops). It names
 *   the database (the file's path, or the PostgreSQL host and database; never a
 *   password) and what could not be done. Codes:
 *     PST_EUNAVAILABLE  the database cannot be reached now (a server is down; the
 *                   connection is reset and tried again on the next call): try later;
 *     PST_EIO       the database failed, or the disk is full;
 *     PST_EINVAL    the input breaks a rule of the store (e.g. a sixth PSFS activity,
 *                   a person name too long);
 *     PST_ENOTFOUND what the call names does not exist for this person (psfs_rate's
 *                   activity id, pst_store_person's person);
 *     PST_ENOMEM    out of memory;
 *     PST_EREPLAY   not an error: a write sent again with its idempotency key wrote
 *                   nothing (checkin_add, session_add).
 * - Record ids (check-ins, sessions, activities) are unique in the whole database, not
 *   per person. A person sees only their own: an id of someone else's record is as
 *   unknown as an id that was never used (psfs_rate gives PST_ENOTFOUND).
 * - A db and its handles belong to one thread at a time (a connection is not shared by
 *   threads at once); give each thread its own db.
 */
#ifndef PST_STORE_H
#define PST_STORE_H

#include "core/attention.h"
#include "core/tracking.h"

struct pst_db;
struct pst_store;

/* The safety answers last given: the JSON object of `postura screen` (question id to
 * true/false) and the stages they were asked for (PST_BIT(enum pst_stage)). The
 * outcome is not stored: it is evaluated again from the answers with the questions of
 * the day, so a change to the questions can never leave a stale "clear". */
struct pst_saved_screening {
	unsigned stages;
	char *answers; /* malloc'd by screening_get; the caller frees it */
	struct pst_time at;
};

/* The programme a clinician assigned (core/programme.h): its JSON (the stored form, with
 * who and when of each reason and dose), the account that saved it last and when. */
struct pst_saved_programme {
	char *json; /* malloc'd by programme_get; the caller frees it */
	int64_t by; /* the account id (0: none, e.g. an import) */
	struct pst_time at;
};

/* Everything a person has recorded: what export writes and import reads. Lists are in
 * time order (oldest first). */
struct pst_record_set {
	struct pst_arena *arena; /* owns every string and array below */
	bool has_profile;
	struct pst_saved_profile profile;
	struct pst_checkin *checkins;
	size_t ncheckins;
	struct pst_session_log *sessions;
	size_t nsessions;
	struct pst_psfs_activity *psfs;
	size_t npsfs;
	struct pst_minutes_change *minutes; /* the minutes a session over time, by day */
	size_t nminutes;
	bool has_screening;
	struct pst_saved_screening screening; /* the last safety answers (text in the arena) */
	bool has_programme;
	struct pst_saved_programme programme; /* the assigned programme (json in the arena) */
};

void pst_record_set_free(struct pst_record_set *rs);

/* The dashboard's summaries (pst_db_ops.summaries). */
struct pst_summary_key {
	int64_t person;
	size_t i;
};
struct pst_summary_set {
	struct pst_arena *arena; /* owns v and every string in it */
	struct pst_patient_summary *v;
	size_t n;
	struct pst_summary_key *by_person; /* v's people, sorted (the backends' lookup) */
};
void pst_summary_set_free(struct pst_summary_set *set);

/* read_all flags. Free text (notes, activities, exercise ids) comes out neutralised
 * (core/utf8.h: every invalid byte or control character is U+FFFD), so nothing stored
 * before the checks at entry can reach a terminal, page or PDF raw. */
enum {
	PST_READ_NO_SESSION_EXERCISES = 1 << 0, /* sessions without their exercises (nex = 0) */
	PST_READ_EXACT = 1 << 1, /* free text as stored (export, which checks it) */
	/* no check-ins (ncheckins = 0): for a reader that takes them by day (checkin_days) */
	PST_READ_NO_CHECKINS = 1 << 2,
	/* each session's day_checkin_before (core/tracking.h), for the progression from days */
	PST_READ_SESSION_BASELINE = 1 << 3,
};

/* import flags */
enum { PST_IMPORT_NEW_IDS = 1 << 0 };

/* --- one person's records: the handle ------------------------------------------ */

/* Every operation acts on the handle's person only (s->person): what it reads is that
 * person's, what it writes becomes that person's. */
struct pst_store_ops {
	/* The saved profile; *found false (and out untouched) when none was saved. */
	int (*profile_get)(struct pst_store *s, struct pst_saved_profile *out, bool *found);
	/* Saves the profile (replacing the saved one) and the minutes a session from the
	 * local day of sp->updated on (plan_minutes; the last saving of a day counts). */
	int (*profile_put)(struct pst_store *s, const struct pst_saved_profile *sp);
	/* The calendar subscription's token (web: /calendar/TOKEN.ics), copied into out
	 * (size bytes); *found false when there is none. Not part of export or import. */
	int (*calendar_token_get)(struct pst_store *s, char *out, size_t size, bool *found);
	/* Replaces the token (NULL: revokes it, leaving none); a write (the version). */
	int (*calendar_token_put)(struct pst_store *s, const char *token, struct pst_time at);
	/* Adds a check-in; *id (when not NULL) gets its new id. c->id is ignored unless
	 * non-zero, when it asks for that id (import's rule below). c->idem_key (NULL: none)
	 * is the idempotency key of the write: when this person already has a check-in
	 * written with that key, nothing is written, *id gets that check-in's id and the
	 * result is PST_EREPLAY (not an error: the first write's answer stands). Keys are a
	 * person's own: another person's key never matches. */
	int (*checkin_add)(struct pst_store *s, const struct pst_checkin *c, int64_t *id);
	/* Adds a session with its exercises (in order); *id gets its new id. l->idem_key as
	 * for checkin_add (a session's keys are apart from the check-ins'). */
	int (*session_add)(struct pst_store *s, const struct pst_session_log *l, int64_t *id);
	/* Adds a PSFS activity; PST_EINVAL when the person has PST_PSFS_MAX_ACTIVITIES. */
	int (*psfs_add)(struct pst_store *s, const char *activity, struct pst_time at, int64_t *id);
	/* Rates one of the person's activities. PST_ENOTFOUND when id names no activity of
	 * this person (message: "no activity with id N (see 'postura psfs list')"). */
	int (*psfs_rate)(struct pst_store *s, int64_t id, int score, struct pst_time at);
	/* Reads everything recorded since the day since_day (INT64_MIN: all) into out, in
	 * one read transaction (a consistent picture while others write). flags: PST_READ_*
	 * to leave out what a caller does not need. On error out is empty. */
	int (*read_all)(struct pst_store *s, int64_t since_day, unsigned flags,
			struct pst_record_set *out);
	/* Everything, as read_all(INT64_MIN) gives it, but a part at a time, so that memory
	 * stays bounded whatever the store holds: first a part with the profile, the minutes
	 * and the safety answers, then parts of at most batch check-ins, then of sessions,
	 * then of activities (one kind per part). Each part is freed when fn returns; an
	 * error from fn stops the reading and is returned as it is. One read transaction. */
	int (*read_each)(struct pst_store *s, unsigned flags, size_t batch,
			 int (*fn)(void *ctx, const struct pst_record_set *part), void *ctx);
	/* The check-ins of the local days since since_day (INT64_MIN: all) summed by day
	 * (core/tracking.h struct pst_checkin_day: count, sum, min and max of the pain, the
	 * morning ones, the day's last), in order of day: what the history and the
	 * progression need, in memory that follows the days, not the check-ins. The day is
	 * the one stored with each check-in (pst_time_day of its time and offset), the
	 * morning one that is before PST_MORNING_END_H at that offset. out is reset first; on
	 * success it is the caller's (pst_checkin_days_free), on error empty. */
	int (*checkin_days)(struct pst_store *s, int64_t since_day, struct pst_checkin_days *out);
	/* The last limit check-ins of the local days since since_day (by time, then id; with
	 * by_id: by id, the newest written), into out->checkins oldest first (out as read_all
	 * makes it, with nothing else in it; free with pst_record_set_free, also on error). */
	int (*checkin_latest)(struct pst_store *s, int64_t since_day, size_t limit, bool by_id,
			      struct pst_record_set *out);
	/* Replaces nothing: adds every record of rs in one transaction, or none (the profile,
	 * minutes and safety answers of rs, when it has them, replace the saved ones).
	 * Record ids of rs are kept when free in the database; an id this person already
	 * uses is an error (PST_EIO, as the database reports it: the same export imported
	 * twice) whose message names the record ("check-in 3 (id 7) could not be added:
	 * ...; nothing was imported"); a record whose id someone else's record uses gets a
	 * new id silently (nothing about other people shows), and so do the records without
	 * an id (0), all of them after the records that keep theirs, so a new id never
	 * takes one a record of rs asks for. flags PST_IMPORT_NEW_IDS: every record gets a
	 * new id (migrate). More than PST_PSFS_MAX_ACTIVITIES activities in all: PST_EINVAL. */
	int (*import)(struct pst_store *s, const struct pst_record_set *rs, unsigned flags);
	/* The last safety answers; *found false when none were saved. out->answers is the
	 * caller's to free. */
	int (*screening_get)(struct pst_store *s, struct pst_saved_screening *out, bool *found);
	int (*screening_put)(struct pst_store *s, const struct pst_saved_screening *sc);
	/* The programme a clinician assigned; *found false when none (the planner's plan is
	 * the person's). out->json is the caller's to free. */
	int (*programme_get)(struct pst_store *s, struct pst_saved_programme *out, bool *found);
	/* Replaces it (pg NULL: removes it, back to the planner's plan); a write (the
	 * version). The JSON is kept as given: core/programme.h checks it first. */
	int (*programme_put)(struct pst_store *s, const struct pst_saved_programme *pg);
	/* The person's version: a number that grows by one with every committed write to
	 * this person's records, by this or any other connection or process (it moves in the
	 * write's own transaction), in commit order. The same number twice means the same
	 * records: a page cache (in any process) keyed by it is never stale. One statement
	 * (person.version + the count of the person's rows in person_write, by an index). */
	int (*data_version)(struct pst_store *s, int64_t *v);
	/* data_version and whether the database holds any account (account_count > 0), in
	 * one statement (one snapshot, one round trip): what the web server asks before
	 * every request while it serves one person without accounts (web/cache.c). */
	int (*data_version_accounts)(struct pst_store *s, int64_t *v, bool *accounts);
};

struct pst_store {
	const struct pst_store_ops *ops; /* the db's backend's */
	struct pst_db *db;
	int64_t person; /* whose records; set once by pst_store_person */
	bool owns_db;   /* pst_store_open: closing the handle closes the db */
	char errmsg[512];
};

/*
 * A handle on person's records in db: PST_ENOTFOUND when db has no such person (the
 * message, in db->errmsg, names the id and the database). The handle stays valid until
 * pst_store_close; close it before its db. Many handles (of different people) may be
 * taken from one db and used in turn.
 */
int pst_store_person(struct pst_db *db, int64_t person, struct pst_store **out);

/* Frees the handle (and its db when the handle owns it). NULL is ignored. */
void pst_store_close(struct pst_store *s);

/* --- the database ---------------------------------------------------------------- */

/* A person in the database (person_list). */
enum { PST_PERSON_NAME_MAX = 120 }; /* bytes of UTF-8 */
struct pst_person {
	int64_t id;
	char name[PST_PERSON_NAME_MAX + 1]; /* "" when none was given */
	int64_t created_epoch;              /* when the person was added (UTC seconds) */
};


/* --- accounts (issue 14, clinic mode) -------------------------------------------
 * Accounts belong to the database, not to a person: an admin manages accounts (and
 * sees no health data), a clinician sees their own patients, a patient's records are
 * the person account.person. With no account in the database, the web app stays the
 * one-person app (the person of --person). */
enum pst_role { PST_ROLE_ADMIN, PST_ROLE_CLINICIAN, PST_ROLE_PATIENT };
enum { PST_EMAIL_MAX = 254 }; /* bytes, as stored (lower-cased) */
struct pst_account {
	int64_t id;
	char email[255];                    /* lower-cased (pst_email_normalize) */
	char name[PST_PERSON_NAME_MAX + 1]; /* "" when none was given */
	enum pst_role role;
	int64_t person;    /* patient: their person (records); else 0 */
	int64_t clinician; /* patient: their clinician's account id (0: none); else 0 */
	bool disabled;
	bool has_password; /* false until a password is set (an invitation not taken yet) */
	int64_t created_epoch;
};

/* A login session; the token itself is never stored, only its SHA-256. */
enum { PST_TOKEN_HASH_SIZE = 32, PST_ADDRESS_MAX = 63 };
struct pst_auth_session {
	int64_t account;
	int64_t created_epoch;
	int64_t last_seen_epoch;
	char address[PST_ADDRESS_MAX + 1]; /* where it logged in from ("" unknown) */
};

/* What a signed-in request needs of the database (session_read), in one statement: its
 * session, the session's account (a patient's with the version of their records, a
 * clinician's with their roster version) and, when asked for, one patient of that
 * account with the patient's version. */
struct pst_session_read {
	struct pst_auth_session session;
	struct pst_account account; /* the session's account (its password hash is not read:
				     * has_password says whether it has one) */
	bool has_own_version;       /* the account has a person (a patient's): */
	int64_t own_version;        /* data_version of account.person */
	bool has_patient; /* the account asked for is a patient of this account (role patient,
			   * clinician = account.id); false for no such account and for anyone
			   * else's, alike */
	struct pst_account patient;  /* when has_patient, as account_get gives it */
	int64_t patient_version;     /* when has_patient: data_version of patient.person */
	bool has_roster_version;     /* the account is a clinician: */
	int64_t roster_version;      /* roster_version of account.id, as that op reads it */
};

/* One entry of the audit log: who did what to which account or patient's records, when,
 * from where. Never any health data: no names, no answers, no values. */
enum { PST_AUDIT_ACTION_MAX = 31 };
struct pst_audit {
	int64_t id;       /* set by audit_list; ignored by audit_add */
	int64_t at_epoch; /* UTC seconds */
	int64_t actor;    /* the account that acted; 0: the command line (or nobody logged in) */
	char action[PST_AUDIT_ACTION_MAX + 1]; /* a short word: [a-z0-9-], "read", "change",
						* "login", "login-failed", "account-add"... */
	int64_t patient;  /* the person whose records were read or changed; 0: none */
	int64_t account;  /* the account acted on; 0: none */
	char address[PST_ADDRESS_MAX + 1]; /* the client's address; "" for the command line */
};

struct pst_db_ops {
	const char *name; /* "sqlite", "postgresql" */
	/* Closes the connection (rolling back a transaction left open). */
	void (*close)(struct pst_db *db);
	/* Adds a person with no records (name: "" or NULL for none; checked with
	 * pst_person_name_check, PST_EINVAL) and gives the new id, in one transaction. */
	int (*person_add)(struct pst_db *db, const char *name, int64_t *id);
	/* Every person, by id: *out is malloc'd (the caller frees it), *n entries. */
	int (*person_list)(struct pst_db *db, struct pst_person **out, size_t *n);
	/* *exists: whether a person with this id is in the database. */
	int (*person_exists)(struct pst_db *db, int64_t id, bool *exists);
	/* A transaction over everything done through this db and its handles until commit
	 * or rollback: the operations join it (none commits on its own), so a failure
	 * anywhere can undo all (migrate's all or nothing). Not nested: begin inside a
	 * transaction is PST_EINVAL. After an operation fails inside it, only rollback is
	 * meaningful. commit makes everything durable at once, or (PST_EIO) nothing. */
	int (*begin)(struct pst_db *db);
	int (*commit)(struct pst_db *db);
	void (*rollback)(struct pst_db *db);
	/* A consistent copy of the whole database (every person) to path, a file created
	 * 0600 that must not exist yet. SQLite: the online backup API. A backend that cannot
	 * (PostgreSQL) returns PST_EINVAL with a message saying what to use instead. */
	int (*backup)(struct pst_db *db, const char *path);
	/* Whether the database answers a trivial query now (a health check): PST_OK, or
	 * PST_EUNAVAILABLE when it cannot be reached (PostgreSQL: down or unreachable, after
	 * one attempt to connect again; SQLite: the file at the path is gone or is no longer
	 * the file open), with the message saying why. */
	int (*ping)(struct pst_db *db);
	/* The connections this database takes from clients like this one, all processes
	 * together: PostgreSQL's max_connections less those reserved for superusers
	 * (*allowed), and how many client connections are open now (*in_use). NULL on a
	 * backend without such a limit (SQLite). */
	int (*connection_limit)(struct pst_db *db, int *allowed, int *in_use);
	/* The deployment's secret called name (len bytes, 1 to 64), shared by every process
	 * that uses this database (table deployment_secret). Stored at the first call, with
	 * fresh (random bytes of the caller's), unless another process stored one first; out
	 * gets the stored one. */
	int (*secret)(struct pst_db *db, const char *name, const unsigned char *fresh, size_t len,
		      unsigned char *out);
	/* The dashboard's summary (core/attention.h) of each of the n people given, as of
	 * the local day today: the one db op that reads records, and only what a dashboard
	 * shows, for a caller that has checked the people are its own (a clinician's
	 * patients). In a few queries whatever n (each patient a few index seeks), in one
	 * read transaction. out->v has one summary per id, in the order given; an id of no
	 * person gets an empty summary (its person set, nothing else). Free out with
	 * pst_summary_set_free, also after an error. */
	int (*summaries)(struct pst_db *db, const int64_t *people, size_t n, int64_t today,
			 struct pst_summary_set *out);
	/* The version of a clinician's roster (the key of their dashboard kept in memory):
	 * a number that goes up with every change of what the dashboard and GET
	 * /api/v1/patients show, whoever makes it, in any process: a write to any of their
	 * patients' records (each moves the person's version, data_version), and a patient
	 * account of theirs added, changed (name, email, password, disabled) or removed, or
	 * moved to or from them (both clinicians' move). It never goes down and never comes
	 * back, so the same number twice means nothing changed in between. The database
	 * keeps it (triggers: schema.c, migration 16); reading it is one indexed statement,
	 * whatever the patients. 0 for an account whose roster never changed. */
	int (*roster_version)(struct pst_db *db, int64_t clinician, int64_t *version);
	/* --- accounts (issue 14). Emails are compared and stored lower-cased
	 * (pst_email_normalize); every op below that takes one normalizes it first. --- */
	/* Adds an account (a->id, person, disabled, has_password, created_epoch are
	 * ignored); hash: its password hash (pst_password_hash), NULL for none yet (an
	 * invitation sets it). A patient gets a new person (named a->name) in the same
	 * transaction; a->clinician is 0 or a clinician's account id (PST_ENOTFOUND when it
	 * names no clinician). Other roles have no person and no clinician. A bad email,
	 * name or role: PST_EINVAL; an email already used (whatever its case): PST_EEXISTS.
	 * *id gets the new id. */
	int (*account_add)(struct pst_db *db, const struct pst_account *a, const char *hash,
			   int64_t *id);
	/* The account with this id; *found false (out untouched) when there is none. */
	int (*account_get)(struct pst_db *db, int64_t id, struct pst_account *out, bool *found);
	/* The account with this email (any case); its password hash copied into hash_out
	 * (hash_size bytes; "" when none is set; hash_out may be NULL). *found false when
	 * there is none (or the email is not a valid one). */
	int (*account_by_email)(struct pst_db *db, const char *email, struct pst_account *out,
				char *hash_out, size_t hash_size, bool *found);
	/* The accounts of a role (-1: every role) and of a clinician (0: any), by id: *out is
	 * malloc'd (the caller frees it; NULL when *n is 0). */
	int (*account_list)(struct pst_db *db, int role, int64_t clinician, struct pst_account **out,
			    size_t *n);
	/* How many accounts the database holds (0: the one-person app of old). */
	int (*account_count)(struct pst_db *db, int64_t *n);
	/* Sets the password hash (NULL: none) and ends every session of the account, in one
	 * transaction. PST_ENOTFOUND when there is no such account. */
	int (*account_set_password)(struct pst_db *db, int64_t id, const char *hash);
	/* The same password hashed again (at a login, at today's cost): replaces the hash
	 * old_hash by new_hash when old_hash is still the account's, keeping its sessions
	 * (the password did not change). *changed false when it was not (the password was
	 * set meanwhile, or no such account): nothing written. */
	int (*account_rehash)(struct pst_db *db, int64_t id, const char *old_hash,
			      const char *new_hash, bool *changed);
	/* Disables (or enables again) the account; either way ends all of its sessions.
	 * PST_ENOTFOUND when there is no such account. */
	int (*account_set_disabled)(struct pst_db *db, int64_t id, bool disabled);
	/* A login session: hash is the SHA-256 of the token (the token is never stored),
	 * address where it logged in from ("" or NULL: unknown; at most PST_ADDRESS_MAX
	 * bytes). PST_ENOTFOUND when there is no such account. */
	int (*session_add)(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			   int64_t account, int64_t now_epoch, const char *address);
	/* The session of this token hash; *found false when there is none (ended, or the
	 * account's password was set or it was disabled). Expiry is the caller's rule
	 * (created_epoch, last_seen_epoch). */
	int (*session_get)(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			   struct pst_auth_session *out, bool *found);
	/* The session of this token hash, its account (with its person's version when it
	 * has one, its roster version when it is a clinician's), and (patient_account > 0) that account when it is a patient of the
	 * session's account, with the patient's version (pst_session_read), in one statement: what every signed-in request reads
	 * (web/auth.c). *found false when there is no such session (as session_get). Expiry,
	 * a disabled account and whose patient may be seen stay the caller's rules: the
	 * session's times and the account's state come back as they are. */
	int (*session_read)(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			    int64_t patient_account, struct pst_session_read *out, bool *found);
	/* Sets the session's last_seen_epoch to now (nothing when there is no such session). */
	int (*session_touch)(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			     int64_t now_epoch);
	/* Ends the session (logout); nothing when there is none. */
	int (*session_delete)(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE]);
	/* Removes the sessions created before created_before or last seen before
	 * seen_before (expired by the caller's limits); *n (when not NULL) how many. */
	int (*session_purge)(struct pst_db *db, int64_t created_before, int64_t seen_before,
			     int64_t *n);
	/* A one-time invitation for the account (hash: the SHA-256 of the link's token),
	 * good until expires_epoch. PST_ENOTFOUND when there is no such account. */
	int (*invitation_add)(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			      int64_t account, int64_t expires_epoch);
	/* Takes the invitation: it is removed whatever happens; *found true and *account
	 * its account only when it existed and had not expired (expires_epoch > now). A
	 * second take of the same one finds nothing. Expired invitations are removed too. */
	int (*invitation_take)(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			       int64_t now_epoch, int64_t *account, bool *found);
	/* Looks at the invitation without taking it (the page showing the set-password
	 * form): *found true and *account its account only when it exists and has not
	 * expired (expires_epoch > now). Writes nothing. */
	int (*invitation_peek)(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			       int64_t now_epoch, int64_t *account, bool *found);
	/* Adds an entry to the audit log (e->id ignored). The action must be 1 to
	 * PST_AUDIT_ACTION_MAX of [a-z0-9-] and the address at most PST_ADDRESS_MAX bytes of
	 * printable ASCII (PST_EINVAL otherwise): no free text, so no health data. */
	int (*audit_add)(struct pst_db *db, const struct pst_audit *e);
	/* Adds n entries (checked as audit_add does) in one transaction, in that order (their
	 * ids increase in it): all saved, or none (then the error). The web server's group
	 * commit (src/web/audit.c) writes the entries of many requests at once this way. */
	int (*audit_add_many)(struct pst_db *db, const struct pst_audit *e, size_t n);
	/* The entries at or after since_epoch, newest first (by time, then by id), at most
	 * limit of them (limit <= 0: all); *out malloc'd (the caller frees it). */
	int (*audit_list)(struct pst_db *db, int64_t since_epoch, int64_t limit,
			  struct pst_audit **out, size_t *n);
	/* Login throttle, shared by every process (so in the database). A key counts failures
	 * in a fixed window that starts at its first failure and lasts window_s seconds
	 * ("a:<email>" per account, "ip:<address>" per address; at most 300 bytes).
	 * throttle_hit counts one failure now; throttle_check counts nothing. Both then say
	 * whether another attempt is allowed now (*allowed: fewer than limit failures in the
	 * window) and, when not, *retry_after_s: the seconds until the window ends (>= 1; 0
	 * when allowed). throttle_clear forgets the key (a successful login). */
	int (*throttle_hit)(struct pst_db *db, const char *key, int64_t now_epoch, int64_t window_s,
			    int64_t limit, bool *allowed, int64_t *retry_after_s);
	int (*throttle_check)(struct pst_db *db, const char *key, int64_t now_epoch,
			      int64_t window_s, int64_t limit, bool *allowed,
			      int64_t *retry_after_s);
	int (*throttle_clear)(struct pst_db *db, const char *key);
};

struct pst_db {
	const struct pst_db_ops *ops;
	const struct pst_store_ops *store_ops; /* the handles' ops */
	/* What messages call the database: the file's path, or "host:port/dbname" of a
	 * URI (never a password). Owned by the backend. */
	const char *where;
	char errmsg[512];
	/* Set by open when it changed something the person should know about (texts
	 * repaired by a migration); a front end shows it once. Empty otherwise. */
	char notice[640];
};

/* Open flags. PST_DB_READONLY: for commands that only read (history, export, plan,
 * report...). SQLite: the database is opened read-only, so it can be read in a directory
 * (or from a file) it cannot write to: SQLite's mode=ro, or immutable when nobody can be
 * writing it (no -wal file in a directory this process cannot write). A missing file, or
 * one whose schema is older than this program, is opened for writing as without the flag
 * (created, migrated). Writes through a read-only db fail. PostgreSQL: a read-only
 * session (default_transaction_read_only), once the schema is current. */
enum { PST_DB_READONLY = 1 << 0, PST_DB_EXISTING = 1 << 1 };
/* PST_DB_EXISTING: the database must be there already (the server's pool of connections
 * to the database it started with). SQLite: a missing file is not created but refused
 * with PST_EUNAVAILABLE, and the file is opened by SQLite alone (another connection of
 * the process holds its locks). */

/*
 * Opens the database target: a PostgreSQL URI when it starts with "postgresql://" or
 * "postgres://" (pst_db_target_is_pg), else the path of an SQLite file (created 0600
 * when missing). Applies the schema migrations (schema.c). A database newer than this
 * program, or a file that is not a database, is refused with a message naming it, and
 * left untouched. A new database has one person, id 1 (the embedded default). On
 * failure *out is NULL and, when errmsg is not NULL, the reason is copied into it (size
 * bytes).
 */
int pst_db_open(const char *target, unsigned flags, struct pst_db **out, char *errmsg,
		size_t size);
bool pst_db_target_is_pg(const char *target);

/* Closes db (NULL is ignored). Its handles must be closed first. */
void pst_db_close(struct pst_db *db);

/* Opens target (pst_db_open) and takes a handle on person (pst_store_person); the handle
 * owns the db. Errors as for both, the message in errmsg. */
int pst_store_open(const char *target, unsigned flags, int64_t person, struct pst_store **out,
		   char *errmsg, size_t size);

/* The person of an embedded store: the only one until `postura person add`, and the one
 * used when no --person / POSTURA_PERSON is given. */
enum { PST_PERSON_DEFAULT = 1 };

/* Whether name can name a person: at most PST_PERSON_NAME_MAX bytes of UTF-8 with no
 * control characters. Otherwise false with the reason in why. */
bool pst_person_name_check(const char *name, char *why, size_t size);

/* Accounts: the role's word ("admin", "clinician", "patient"), and back (false when word
 * names no role). */
const char *pst_role_name(enum pst_role role);
bool pst_role_parse(const char *word, enum pst_role *role);

/* An email as accounts keep it: trimmed of nothing, ASCII letters lower-cased and every
 * other byte as it is (both backends then compare bytes: "Ärzte@x.org" and "ärzte@x.org"
 * are two emails, "A@B.org" and "a@b.org" one; docs/clinic.md "Email case"); at most
 * PST_EMAIL_MAX bytes of UTF-8, no spaces or control characters, one '@' with text on
 * both sides and a dot in the domain. Writes it into out (size >= PST_EMAIL_MAX + 1);
 * false with the reason in why when it is not one. */
bool pst_email_normalize(const char *email, char *out, size_t size, char *why, size_t why_size);

/* The hex of a token hash (2 * PST_TOKEN_HASH_SIZE + 1 bytes), as the tables keep it. */
void pst_token_hash_hex(const unsigned char hash[PST_TOKEN_HASH_SIZE],
			char out[2 * PST_TOKEN_HASH_SIZE + 1]);

/* The default path: $XDG_DATA_HOME/postura/postura.db, else ~/.local/share/postura/
 * postura.db. Creates the directory. Writes into buf; returns PST_OK or PST_EIO. */
int pst_store_default_path(char *buf, size_t size);

/* The schema version this program writes (the length of the migration list). */
extern const int pst_store_schema_version;

#endif
