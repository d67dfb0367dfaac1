/*
 * Persistence behind one backend-neutral interface: a table of functions. SQLite is the
 * embedded default (store_sqlite.c); a PostgreSQL backend can follow without touching
 * the core. Every write is one transaction; a function either does all of its work or
 * none of it. Errors come back as enum pst_err with a message in the store (pst_store_
 * errmsg) that names the file.
 */
#ifndef PST_STORE_H
#define PST_STORE_H

#include "core/tracking.h"

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
};

void pst_record_set_free(struct pst_record_set *rs);


/* read_all flags. Free text (notes, activities, exercise ids) comes out neutralised
 * (core/utf8.h: every invalid byte or control character is U+FFFD), so nothing stored
 * before the checks at entry can reach a terminal, page or PDF raw. */
enum {
	PST_READ_NO_SESSION_EXERCISES = 1 << 0, /* sessions without their exercises (nex = 0) */
	PST_READ_EXACT = 1 << 1, /* free text as stored (export, which checks it) */
};

struct pst_store_ops {
	const char *name; /* "sqlite" */
	void (*close)(struct pst_store *s);
	int (*profile_get)(struct pst_store *s, struct pst_saved_profile *out, bool *found);
	int (*profile_put)(struct pst_store *s, const struct pst_saved_profile *sp);
	/* The calendar subscription's token (web: /calendar/TOKEN.ics), copied into out
	 * (size bytes); *found false when there is none. Not part of export or import. */
	int (*calendar_token_get)(struct pst_store *s, char *out, size_t size, bool *found);
	/* Replaces the token (NULL: revokes it, leaving none). */
	int (*calendar_token_put)(struct pst_store *s, const char *token, struct pst_time at);
	int (*checkin_add)(struct pst_store *s, const struct pst_checkin *c, int64_t *id);
	int (*session_add)(struct pst_store *s, const struct pst_session_log *l, int64_t *id);
	int (*psfs_add)(struct pst_store *s, const char *activity, struct pst_time at, int64_t *id);
	/* PST_ENOTFOUND when id names no activity. */
	int (*psfs_rate)(struct pst_store *s, int64_t id, int score, struct pst_time at);
	/* Reads everything recorded since the day since_day (INT64_MIN: all) into out.
	 * flags: PST_READ_* to leave out what a caller does not need. */
	int (*read_all)(struct pst_store *s, int64_t since_day, unsigned flags,
			struct pst_record_set *out);
	/* Everything, as read_all(INT64_MIN) gives it, but a part at a time, so that memory
	 * stays bounded whatever the store holds: first a part with the profile, the minutes
	 * and the safety answers, then parts of at most batch check-ins, then of sessions,
	 * then of activities (one kind per part). Each part is freed when fn returns; an
	 * error from fn stops the reading and is returned as it is. One read transaction. */
	int (*read_each)(struct pst_store *s, unsigned flags, size_t batch,
			 int (*fn)(void *ctx, const struct pst_record_set *part), void *ctx);
	/* Replaces nothing: adds every record of rs in one transaction, or none. */
	int (*import)(struct pst_store *s, const struct pst_record_set *rs);
	/* A consistent copy of the whole store to path (SQLite: the online backup API). */
	int (*backup)(struct pst_store *s, const char *path);
	/* The last safety answers; *found false when none were saved. out->answers is the
	 * caller's to free. */
	int (*screening_get)(struct pst_store *s, struct pst_saved_screening *out, bool *found);
	int (*screening_put)(struct pst_store *s, const struct pst_saved_screening *sc);
	/* A number that changes when another process has written to the store since the
	 * last call (this handle's own writes leave it alone): a cache over the store
	 * compares it to know its pages are stale. */
	int (*data_version)(struct pst_store *s, int64_t *v);
};

struct pst_store {
	const struct pst_store_ops *ops;
	char errmsg[512];
	/* Set by open when it changed something the person should know about (texts
	 * repaired by a migration); a front end shows it once. Empty otherwise. */
	char notice[640];
};

/*
 * Opens (creating when missing) the SQLite store at path, applying schema migrations.
 * A database newer than this program, or a file that is not a database, is refused
 * with a message naming the file, and left untouched. On failure *out is NULL and,
 * when errmsg is not NULL, the reason is copied into it (size bytes).
 */
int pst_store_open_sqlite(const char *path, struct pst_store **out, char *errmsg, size_t size);

/* Open flags. PST_STORE_READONLY: for commands that only read (history, export, plan,
 * report...). The database is opened read-only, so it can be read in a directory (or
 * from a file) it cannot write to: SQLite's mode=ro, or immutable when nobody can be
 * writing it (no -wal file in a directory this process cannot write). A missing file, or
 * one whose schema is older than this program, is opened for writing as without the
 * flag (created, migrated). Writes through a read-only store fail. */
enum { PST_STORE_READONLY = 1 << 0 };
int pst_store_open_sqlite_flags(const char *path, unsigned flags, struct pst_store **out,
				char *errmsg, size_t size);

/*
 * Opens the PostgreSQL store at uri (postgresql://USER:PASSWORD@HOST:PORT/DATABASE or
 * postgres://..., any libpq URI), applying the same schema migrations in PostgreSQL's
 * dialect; a database newer than this program is refused. Messages name the host, port
 * and database, never the password. PST_EUNAVAILABLE when the server cannot be reached;
 * every operation returns it too while the server is down (the connection is reset and
 * a read tried once more). flags: as for SQLite (read-only makes no difference here).
 */
int pst_store_open_pg(const char *uri, unsigned flags, struct pst_store **out, char *errmsg,
		      size_t size);
/* True when s starts with postgresql:// or postgres:// (a PostgreSQL store). */
bool pst_store_is_pg_uri(const char *s);

/* The default path: $XDG_DATA_HOME/postura/postura.db, else ~/.local/share/postura/
 * postura.db. Creates the directory. Writes into buf; returns PST_OK or PST_EIO. */
int pst_store_default_path(char *buf, size_t size);

static inline void pst_store_close(struct pst_store *s)
{
	if (s)
		s->ops->close(s);
}

/* The schema version this program writes. */
extern const int pst_store_schema_version;

#endif
