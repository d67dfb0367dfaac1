/* The PostgreSQL store (libpq): one connection a handle, statements prepared once per
 * connection, every write one transaction acknowledged only after its COMMIT succeeded,
 * reads in one REPEATABLE READ transaction, a broken connection reset and a read tried
 * once more, the schema versions of store_sqlite.c in PostgreSQL's dialect.
 *
 * Messages name the server as libpq resolved it (PQhost, PQport, PQdb), never the URI
 * as given: it may hold a password. */
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "summary_sql.h"
#include "core/utf8.h"

/* Statements prepared once per connection (named "pN"), on first use. */
enum {
	S_PROFILE_GET,
	S_PROFILE_PUT,
	S_MINUTES_PUT,
	S_CHECKIN,
	S_SESSION,
	S_SESSION_EX,
	S_PSFS_COUNT,
	S_PSFS_ADD,
	S_PSFS_RATE,
	S_READ_CHECKINS,
	S_READ_SESSIONS_EX,
	S_READ_SESSIONS,
	S_READ_PSFS,
	S_READ_MINUTES,
	S_SCREEN_GET,
	S_SCREEN_PUT,
	S_CHECKIN_IDEM,
	S_SESSION_IDEM,
	S_CAL_GET,
	S_CAL_DEL,
	S_CAL_PUT,
	S_SUMMARY_PEOPLE,
	S_SUMMARY_PAIN,
	S_ROSTER_VERSION,
	S_PROG_GET,
	S_PROG_PUT,
	S_PROG_DEL,
	S_WRITE_LOG,
	S_FOLD_LOCK,
	S_FOLD,
	S_VERSION,
	S_READ_SESSIONS_EX_BASE,
	S_READ_SESSIONS_BASE,
	S_CHECKIN_DAYS,
	S_CHECKIN_LATEST,
	S_CHECKIN_LATEST_ID,
	S_CHECKIN_MANY,
	S_SESSION_READ,
	S_SESSION_TOUCH,
	S_AUDIT_ADD,
	S_ACCOUNT_BY_ID,
	S_ACCOUNT_COUNT,
	S_VERSION_ACCOUNTS,
	S__MAX
};

/* The pain of the last check-in of session s's own day at or before it (by time, then id):
 * an index seek on (person_id, at_epoch) over the two days before it at most (a day's
 * check-ins lie within 24 h plus the offsets, -14 h to +14 h, of its start). */
#define SESSION_BASELINE_SQL                                                                   \
	"(SELECT c.pain FROM checkin c WHERE c.person_id = s.person_id"                        \
	" AND c.at_epoch BETWEEN s.at_epoch - 172800 AND s.at_epoch AND c.day = s.day"         \
	" ORDER BY c.at_epoch DESC, c.id DESC LIMIT 1)"
/* A check-in's seconds into its local day: the morning ones are below $3. */
#define LOCAL_SOD_SQL "(((at_epoch + at_offset * 60) % 86400 + 86400) % 86400)"
#define LAST_OF_DAY_SQL(col) "(array_agg(" col " ORDER BY at_epoch DESC, id DESC))[1]"

#define ACCOUNT_COLS                                                                             \
	"id, email, name, role, COALESCE(person_id, 0), COALESCE(clinician_id, 0),"              \
	" COALESCE(password, ''), disabled, created_epoch"

/* The check-ins of a group (ci_run), one statement: nine arrays, one element per
 * check-in, in checkin_params's order. The new ids are taken in the group's order (j);
 * the rows go in by person and key, so that two groups of two processes holding the
 * same keys meet them in the same order (one waits for the other; no deadlock). A key
 * already stored inserts nothing: the answer is then the id the key names (false), or
 * none when that write committed after this statement's snapshot (ci_run looks again).
 * The person's write-log row goes with the check-ins inserted: one per person, counting
 * them (n: the version goes up by one a check-in; schema.c, migration 17). */
#define CHECKIN_MANY_SQL                                                                          \
	"WITH j AS MATERIALIZED (SELECT COALESCE(u.want, nextval('checkin_id_seq')) AS id, u.*"      \
	" FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::int[], $5::bigint[], $6::int[],"  \
	" $7::text[], $8::text[], $9::text[]) WITH ORDINALITY"                                       \
	" AS u(want, person_id, at_epoch, at_offset, day, pain, areas, note, idem_key, i)),"         \
	" ins AS (INSERT INTO checkin (id, person_id, at_epoch, at_offset, day, pain, areas, note,"  \
	" idem_key) SELECT id, person_id, at_epoch, at_offset, day, pain, areas, note, idem_key"     \
	" FROM j ORDER BY person_id, idem_key, i"                                                    \
	" ON CONFLICT (person_id, idem_key) DO NOTHING RETURNING id, person_id),"                    \
	" w AS (INSERT INTO person_write (person_id, n) SELECT person_id, count(*) FROM ins"          \
	" GROUP BY person_id)"                                                                       \
	" SELECT j.i, COALESCE(ins.id, c.id), ins.id IS NOT NULL FROM j"                             \
	" LEFT JOIN ins ON ins.id = j.id LEFT JOIN checkin c ON ins.id IS NULL"                      \
	" AND c.person_id = j.person_id AND c.idem_key = j.idem_key ORDER BY j.i"

/* A clinician's roster version (schema.c, migration 16), C the clinician's id: the
 * folded number and the rows not folded yet, each through its index. roster_version's,
 * and session_read's for a clinician. */
#define ROSTER_VERSION_SQL(C)                                                               \
	"coalesce((SELECT version FROM roster WHERE clinician_id = " C "), 0)"                  \
	" + (SELECT count(*) FROM roster_write WHERE clinician_id = " C ")"

static const char *const stmt_sql[S__MAX] = {
	[S_PROFILE_GET] = "SELECT stage, weeks, anchor_day, birth, feeding, pain, areas, triggers,"
			  " equipment, avoid, minutes, updated_epoch, updated_offset, conditions,"
			  " country, remind_at, timezone, relief_reminder FROM profile"
			  " WHERE person_id = $1",
	[S_PROFILE_PUT] = "INSERT INTO profile (person_id, stage, weeks, anchor_day, birth, feeding,"
			  " pain, areas, triggers, equipment, avoid, minutes, updated_epoch,"
			  " updated_offset, conditions, country, remind_at, timezone, relief_reminder)"
			  " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)"
			  " ON CONFLICT (person_id) DO UPDATE SET stage = EXCLUDED.stage,"
			  " weeks = EXCLUDED.weeks, anchor_day = EXCLUDED.anchor_day,"
			  " birth = EXCLUDED.birth, feeding = EXCLUDED.feeding, pain = EXCLUDED.pain,"
			  " areas = EXCLUDED.areas, triggers = EXCLUDED.triggers,"
			  " equipment = EXCLUDED.equipment, avoid = EXCLUDED.avoid,"
			  " minutes = EXCLUDED.minutes, updated_epoch = EXCLUDED.updated_epoch,"
			  " updated_offset = EXCLUDED.updated_offset,"
			  " conditions = EXCLUDED.conditions, country = EXCLUDED.country,"
			  " remind_at = EXCLUDED.remind_at, timezone = EXCLUDED.timezone,"
			  " relief_reminder = EXCLUDED.relief_reminder",
	[S_MINUTES_PUT] = "INSERT INTO plan_minutes (person_id, day, minutes) VALUES ($1,$2,$3)"
			  " ON CONFLICT (person_id, day) DO UPDATE SET minutes = EXCLUDED.minutes",
	/* A key already stored (another transaction may be writing it now: ON CONFLICT
	 * waits for it) inserts nothing and returns no row. */
	[S_CHECKIN] = "INSERT INTO checkin (id, person_id, at_epoch, at_offset, day, pain, areas,"
		      " note, idem_key) VALUES (COALESCE($1::bigint, nextval('checkin_id_seq')),"
		      " $2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (person_id, idem_key) DO NOTHING"
		      " RETURNING id",
	[S_SESSION] = "INSERT INTO session (id, person_id, at_epoch, at_offset, day, pain_before,"
		      " pain_after, idem_key) VALUES (COALESCE($1::bigint, nextval('session_id_seq')),"
		      " $2,$3,$4,$5,$6,$7,$8) ON CONFLICT (person_id, idem_key) DO NOTHING"
		      " RETURNING id",
	[S_CHECKIN_IDEM] = "SELECT id FROM checkin WHERE person_id = $1 AND idem_key = $2",
	[S_SESSION_IDEM] = "SELECT id FROM session WHERE person_id = $1 AND idem_key = $2",
	[S_SESSION_EX] = "INSERT INTO session_exercise (session_id, seq, exercise_id, feedback, pain)"
			 " VALUES ($1,$2,$3,$4,$5)",
	[S_PSFS_COUNT] = "SELECT count(*) FROM psfs_activity WHERE person_id = $1",
	[S_PSFS_ADD] = "INSERT INTO psfs_activity (id, person_id, activity, created_epoch,"
		       " created_offset) VALUES (COALESCE($1::bigint,"
		       " nextval('psfs_activity_id_seq')), $2,$3,$4,$5) RETURNING id",
	[S_PSFS_RATE] = "INSERT INTO psfs_rating (activity_id, at_epoch, at_offset, score)"
			" SELECT id, $1, $2, $3 FROM psfs_activity WHERE id = $4 AND person_id = $5",
	[S_READ_CHECKINS] = "SELECT id, at_epoch, at_offset, pain, areas, note FROM checkin"
			    " WHERE person_id = $1 AND day >= $2 ORDER BY at_epoch, id",
	[S_READ_SESSIONS_EX] = "SELECT s.id, s.at_epoch, s.at_offset, s.pain_before, s.pain_after,"
			       " e.exercise_id, e.feedback, e.pain"
			       " FROM session s LEFT JOIN session_exercise e ON e.session_id = s.id"
			       " WHERE s.person_id = $1 AND s.day >= $2"
			       " ORDER BY s.at_epoch, s.id, e.seq",
	[S_READ_SESSIONS] = "SELECT id, at_epoch, at_offset, pain_before, pain_after, NULL, NULL, NULL"
			    " FROM session WHERE person_id = $1 AND day >= $2 ORDER BY at_epoch, id",
	[S_READ_SESSIONS_EX_BASE] = "SELECT s.id, s.at_epoch, s.at_offset, s.pain_before, s.pain_after,"
				    " e.exercise_id, e.feedback, e.pain, " SESSION_BASELINE_SQL
				    " FROM session s LEFT JOIN session_exercise e ON e.session_id = s.id"
				    " WHERE s.person_id = $1 AND s.day >= $2"
				    " ORDER BY s.at_epoch, s.id, e.seq",
	[S_READ_SESSIONS_BASE] = "SELECT s.id, s.at_epoch, s.at_offset, s.pain_before, s.pain_after,"
				 " NULL, NULL, NULL, " SESSION_BASELINE_SQL
				 " FROM session s WHERE s.person_id = $1 AND s.day >= $2"
				 " ORDER BY s.at_epoch, s.id",
	/* Summed by the server: one row a day comes back. */
	[S_CHECKIN_DAYS] = "SELECT day, count(*), sum(pain), min(pain), max(pain),"
			   " count(*) FILTER (WHERE " LOCAL_SOD_SQL " < $3),"
			   " coalesce(sum(pain) FILTER (WHERE " LOCAL_SOD_SQL " < $3), 0),"
			   " " LAST_OF_DAY_SQL("at_epoch") ", " LAST_OF_DAY_SQL("at_offset") ","
			   " " LAST_OF_DAY_SQL("pain") ", " LAST_OF_DAY_SQL("id")
			   " FROM checkin WHERE person_id = $1 AND day >= $2 GROUP BY day ORDER BY day",
	[S_CHECKIN_LATEST] = "SELECT id, at_epoch, at_offset, pain, areas, note FROM checkin"
			     " WHERE person_id = $1 AND day >= $2 ORDER BY at_epoch DESC, id DESC LIMIT $3",
	[S_CHECKIN_LATEST_ID] = "SELECT id, at_epoch, at_offset, pain, areas, note FROM checkin"
				" WHERE person_id = $1 AND day >= $2 ORDER BY id DESC LIMIT $3",
	[S_READ_PSFS] = "SELECT a.id, a.activity, a.created_epoch, a.created_offset,"
			" r.at_epoch, r.at_offset, r.score"
			" FROM psfs_activity a LEFT JOIN psfs_rating r ON r.activity_id = a.id"
			" WHERE a.person_id = $1 ORDER BY a.id, r.at_epoch, r.id",
	[S_READ_MINUTES] = "SELECT day, minutes FROM plan_minutes WHERE person_id = $1 ORDER BY day",
	[S_SCREEN_GET] = "SELECT stages, answers, at_epoch, at_offset FROM screening"
			 " WHERE person_id = $1",
	[S_SCREEN_PUT] = "INSERT INTO screening (person_id, stages, answers, at_epoch, at_offset)"
			 " VALUES ($1,$2,$3,$4,$5) ON CONFLICT (person_id) DO UPDATE SET"
			 " stages = EXCLUDED.stages, answers = EXCLUDED.answers,"
			 " at_epoch = EXCLUDED.at_epoch, at_offset = EXCLUDED.at_offset",
	[S_CAL_GET] = "SELECT token FROM calendar_token WHERE person_id = $1",
	[S_CAL_DEL] = "DELETE FROM calendar_token WHERE person_id = $1",
	[S_CAL_PUT] = "INSERT INTO calendar_token (person_id, token, created_epoch) VALUES ($1,$2,$3)",
	/* The dashboard's (summary_sql.h). */
	[S_SUMMARY_PEOPLE] = PST_SQL_SUMMARY_PEOPLE("SELECT unnest($1::bigint[])", "$2::bigint",
						    "$3::bigint", "$4::bigint"),
	[S_SUMMARY_PAIN] = PST_SQL_SUMMARY_PAIN("SELECT unnest($1::bigint[])", "$2::bigint"),
	/* a clinician's roster version (schema.c, migration 16): a dashboard after a write */
	[S_ROSTER_VERSION] = "SELECT " ROSTER_VERSION_SQL("$1"),
	[S_PROG_GET] = "SELECT body, by_account, at_epoch, at_offset FROM programme WHERE person_id = $1",
	[S_PROG_PUT] = "INSERT INTO programme (person_id, body, by_account, at_epoch, at_offset)"
		       " VALUES ($1,$2,$3,$4,$5) ON CONFLICT (person_id) DO UPDATE SET"
		       " body = EXCLUDED.body, by_account = EXCLUDED.by_account,"
		       " at_epoch = EXCLUDED.at_epoch, at_offset = EXCLUDED.at_offset",
	[S_PROG_DEL] = "DELETE FROM programme WHERE person_id = $1",
	/* the person's version (schema.c, migrations 13, 17): a row per write, folded now and
	 * then into person.version; SKIP LOCKED: a fold under way elsewhere, skip this one */
	[S_WRITE_LOG] = "INSERT INTO person_write (person_id) VALUES ($1)",
	[S_FOLD_LOCK] = "SELECT 1 FROM person WHERE id = $1 FOR NO KEY UPDATE SKIP LOCKED",
	[S_FOLD] = "WITH d AS (DELETE FROM person_write WHERE person_id = $1 RETURNING n)"
		   " UPDATE person SET version = version + (SELECT coalesce(sum(n), 0) FROM d)"
		   " WHERE id = $1",
	[S_VERSION] = "SELECT " PST_SQL_PERSON_VERSION("p") " FROM person p WHERE p.id = $1",
	/* A group of check-ins in one statement, its own transaction (ci_run). */
	[S_CHECKIN_MANY] = CHECKIN_MANY_SQL,
	/* Every signed-in request's (web/auth.c): prepared, so planned once a connection. */
	[S_SESSION_READ] = PST_SQL_SESSION_READ("$1", "$2::bigint", ROSTER_VERSION_SQL("a.id")),
	[S_SESSION_TOUCH] = "UPDATE auth_session SET last_seen_epoch = $2 WHERE token_hash = $1",
	[S_ACCOUNT_BY_ID] = "SELECT " ACCOUNT_COLS " FROM account WHERE id = $1",
	/* the web server asks it as it starts (web/auth.c, server.c) */
	[S_ACCOUNT_COUNT] = "SELECT count(*) FROM account",
	/* the one-person app's server, with the person's version, before every request
	 * (web/cache.c) */
	[S_VERSION_ACCOUNTS] = PST_SQL_VERSION_ACCOUNTS("$1"),
	/* Every clinician's read of a patient's records (web/audit.c writes them in groups):
	 * the entries as six arrays, unnested in one INSERT that commits by itself. */
	[S_AUDIT_ADD] = "INSERT INTO audit (at_epoch, actor_id, action, patient_id, account_id, address)"
			" SELECT a, b, c, d, f, g FROM unnest($1::bigint[], $2::bigint[], $3::text[],"
			" $4::bigint[], $5::bigint[], $6::text[]) WITH ORDINALITY AS e(a, b, c, d, f, g, i)"
			" ORDER BY i",
};

/* One connection (struct pst_db); the handles are store.c's. Each store op starts with
 * enter(): messages go to the handle, statements bind the handle's person. */
struct pg {
	struct pst_db base;
	char *err;           /* where fail() writes: the errmsg of the object called */
	bool in_db_tx;       /* a db transaction (db_begin) is open: operations join it */
	bool readonly;       /* PST_DB_READONLY: a read-only session (also after a reset) */
	PGconn *conn;
	char where[400];     /* 'database "d" on host h port p', for messages */
	char secret[256];    /* the password given, to keep it out of any message */
	bool prepared[S__MAX];
	bool lost;           /* the last failure was the connection (PST_EUNAVAILABLE) */
	bool delivered;      /* read_each handed over a part: it cannot start again */
	char why[300];       /* the database's own words for the last error */
	int64_t person;
	uint64_t writes; /* the writes of this connection (bump: which fold) */
	bool sent;       /* a TX_SELF write was sent: it may have committed */
	char key[600];   /* the database as libpq resolved it: which check-in queue */
	struct ci_queue *queue; /* that queue (ci_queue_of) */
};

/* --- messages ------------------------------------------------------------------ */

/* Removes every copy of the password from msg (libpq never echoes it, but a message is
 * no place to find out). */
static void scrub(const struct pg *g, char *msg)
{
	size_t n = strlen(g->secret);
	if (!n)
		return;
	for (char *p; (p = strstr(msg, g->secret));) {
		memcpy(p, "***", 3);
		memmove(p + 3, p + n, strlen(p + n) + 1);
	}
}

__attribute__((format(printf, 3, 4))) static int fail(struct pg *g, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->err, sizeof g->base.errmsg, fmt, ap);
	va_end(ap);
	scrub(g, g->err);
	return err;
}

/* libpq's message, first line, without its "ERROR:  " or "FATAL:  " prefix. */
static void first_line(const char *m, char *out, size_t size)
{
	if (!m || !*m)
		m = "no reason given";
	const char *pre[] = {"ERROR:  ", "FATAL:  ", "PANIC:  "};
	for (size_t i = 0; i < 3; i++)
		if (!strncmp(m, pre[i], strlen(pre[i])))
			m += strlen(pre[i]);
	size_t n = strcspn(m, "\n");
	snprintf(out, size, "%.*s", (int)n, m);
}

/* What to add to a refused connection's message: when the server had no connection
 * left for us (SQLSTATE 53300: "sorry, too many clients already", "too many
 * connections for role", "remaining connection slots are reserved ..."), what to
 * change. */
static const char *conn_hint(const char *why)
{
	if (strstr(why, "too many clients") || strstr(why, "too many connections") ||
	    strstr(why, "remaining connection slots"))
		return " (every connection it allows is in use, max_connections or the role's "
		       "CONNECTION LIMIT: run fewer postura processes or give each a smaller pool, "
		       "serve --pool N, or raise the limit)";
	return "";
}

/* The server, as libpq resolved it: never the URI itself. */
static void describe(struct pg *g)
{
	const char *host = g->conn ? PQhost(g->conn) : NULL;
	const char *port = g->conn ? PQport(g->conn) : NULL;
	const char *db = g->conn ? PQdb(g->conn) : NULL;
	if (!host || !*host)
		host = "localhost";
	if (*host == '/')
		snprintf(g->where, sizeof g->where, "PostgreSQL database \"%s\" on the unix socket in %s%s%s",
			 db && *db ? db : "?", host, port && *port ? " port " : "", port ? port : "");
	else
		snprintf(g->where, sizeof g->where, "PostgreSQL database \"%s\" on host %s port %s",
			 db && *db ? db : "?", host, port && *port ? port : "5432");
	scrub(g, g->where);
}

static bool is_lost(struct pg *g, const PGresult *r)
{
	if (PQstatus(g->conn) == CONNECTION_BAD)
		return true;
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	/* 08: connection exceptions; 57P01-57P03: the server shutting down or starting. */
	return st && (!strncmp(st, "08", 2) || !strcmp(st, "57P01") || !strcmp(st, "57P02") ||
		      !strcmp(st, "57P03"));
}

/* The database's own error, naming the server; PST_EUNAVAILABLE when the connection is
 * what failed. */
static int dberr(struct pg *g, const PGresult *r, const char *doing)
{
	char why[300];
	first_line(r && PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r) : PQerrorMessage(g->conn),
		   why, sizeof why);
	snprintf(g->why, sizeof g->why, "%s", why);
	if (is_lost(g, r)) {
		g->lost = true;
		return fail(g, PST_EUNAVAILABLE, "%s: %s: the database cannot be reached (%s); try again "
			    "when it is back", g->where, doing, why);
	}
	return fail(g, PST_EIO, "%s: %s: %s", g->where, doing, why);
}

/* --- statements ------------------------------------------------------------- */

struct params {
	const char *v[24];
	char buf[24][24];
	int n;
};

static void p_int(struct params *p, int64_t x)
{
	snprintf(p->buf[p->n], sizeof p->buf[p->n], "%" PRId64, x);
	p->v[p->n] = p->buf[p->n];
	p->n++;
}

static void p_text(struct params *p, const char *s)
{
	p->v[p->n++] = s; /* NULL: SQL NULL */
}

static int prepare(struct pg *g, int st)
{
	if (g->prepared[st])
		return PST_OK;
	char name[16];
	snprintf(name, sizeof name, "p%d", st);
	PGresult *r = PQprepare(g->conn, name, stmt_sql[st], 0, NULL);
	int err = PQresultStatus(r) == PGRES_COMMAND_OK ? PST_OK
							 : dberr(g, r, "cannot prepare a statement");
	PQclear(r);
	if (!err)
		g->prepared[st] = true;
	return err;
}

/* Runs a prepared statement; *out is its result (the caller clears it) when it gave the
 * status wanted. */
static int xq(struct pg *g, int st, const struct params *p, const char *doing, PGresult **out)
{
	*out = NULL;
	int err = prepare(g, st);
	if (err)
		return err;
	char name[16];
	snprintf(name, sizeof name, "p%d", st);
	PGresult *r = PQexecPrepared(g->conn, name, p->n, p->v, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		err = dberr(g, r, doing);
		PQclear(r);
		return err;
	}
	*out = r;
	return PST_OK;
}

static int xrun(struct pg *g, int st, const struct params *p, const char *doing)
{
	PGresult *r;
	int err = xq(g, st, p, doing, &r);
	PQclear(r);
	return err;
}

/* The statement of a TX_SELF body (in_tx): prepared first, then g->sent set just before
 * it goes, since from then on it may have committed. */
static int xrun_self(struct pg *g, int st, const struct params *p, const char *doing)
{
	int err = prepare(g, st);
	if (err)
		return err;
	g->sent = true;
	return xrun(g, st, p, doing);
}

static int simple(struct pg *g, const char *sql, const char *doing)
{
	PGresult *r = PQexec(g->conn, sql);
	ExecStatusType s = PQresultStatus(r);
	int err = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? PST_OK : dberr(g, r, doing);
	PQclear(r);
	return err;
}

static int64_t vll(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static int vint(const PGresult *r, int row, int col)
{
	return (int)strtol(PQgetvalue(r, row, col), NULL, 10);
}

/* --- connection and transactions ------------------------------------------------ */

/* A store op on handle s: messages go to the handle, statements bind its person. */
static struct pg *enter(struct pst_store *s)
{
	struct pg *g = (struct pg *)s->db;
	g->err = s->errmsg;
	g->person = s->person;
	return g;
}

/* A db op: messages go to the db; no person. */
static struct pg *enter_db(struct pst_db *db)
{
	struct pg *g = (struct pg *)db;
	g->err = g->base.errmsg;
	g->person = 0;
	return g;
}

/* The person's version goes up by one with every write to their records, in the write's
 * own transaction (data_version), without a row that every write updates: that row's
 * lock, held until the commit, made one person's writes take turns, one WAL flush each
 * (bench/RESULTS.md). A write appends a row to person_write (n = 1; a group of
 * check-ins, one row per person with n its check-ins: migration 17); the version is
 * person.version + the sum of the person's n there (S_VERSION). Rows are only ever added
 * by writes, so the sum grows with each commit, in commit order, and two
 * snapshots give the same number only when they saw the same writes: never stale, in
 * any process, whatever order the transactions took sequence values in (a max(id) would
 * miss a smaller id committed later). Every FOLD_EVERY-th write of a connection also
 * folds the person's rows into person.version, in the write's transaction: it deletes
 * the rows it sees and adds their number, both visible at its commit or neither, so the
 * sum any snapshot sees does not change; the count to read and the table stay small.
 * The fold takes the person row's NO KEY UPDATE lock, which other writes' foreign key
 * checks (KEY SHARE) do not wait for, with SKIP LOCKED: when another fold (or psfs_add)
 * holds it, this write does not fold. A db op (no person) writes none. Check-ins outside a
 * db transaction fold differently: after their group, in a transaction of their own
 * (ci_fold), every FOLD_EVERY-th check-in of the process to the database. */
enum { FOLD_EVERY = 32 };

static int bump(struct pg *g)
{
	if (g->person <= 0)
		return PST_OK;
	struct params p = {0};
	p_int(&p, g->person);
	int err = xrun(g, S_WRITE_LOG, &p, "cannot save");
	/* every FOLD_EVERY-th write of this connection, whoever's */
	if (err || ++g->writes % FOLD_EVERY != 0)
		return err;
	PGresult *r;
	if ((err = xq(g, S_FOLD_LOCK, &p, "cannot save", &r)))
		return err;
	bool locked = PQntuples(r) == 1;
	PQclear(r);
	return locked ? xrun(g, S_FOLD, &p, "cannot save") : PST_OK;
}

/* Whether the server said something to an idle connection, which it only does when it
 * ends the session (a restart, pg_terminate_backend: an error and the end of the
 * stream; or, rarely, a setting reported again). One poll, no round trip: so that a
 * write that commits by itself (TX_SELF) is not sent on a connection already gone,
 * where nobody could tell whether it was saved. The connection is then made afresh. */
static bool ended_while_idle(struct pg *g)
{
	struct pollfd p = {.fd = PQsocket(g->conn), .events = POLLIN};
	return p.fd >= 0 && poll(&p, 1, 0) > 0;
}

/* A broken connection is reset (statements are prepared again on the new one). */
static int ensure(struct pg *g)
{
	g->lost = false;
	bool idle = PQstatus(g->conn) == CONNECTION_OK && PQtransactionStatus(g->conn) == PQTRANS_IDLE;
	if (idle && !ended_while_idle(g))
		return PST_OK;
	if (!idle && PQstatus(g->conn) == CONNECTION_OK) {
		/* left inside a transaction by an error: end it */
		PGresult *r = PQexec(g->conn, "ROLLBACK");
		PQclear(r);
		if (PQstatus(g->conn) == CONNECTION_OK)
			return PST_OK;
	}
	PQreset(g->conn);
	memset(g->prepared, 0, sizeof g->prepared);
	if (PQstatus(g->conn) == CONNECTION_OK && g->readonly)
		PQclear(PQexec(g->conn, "SET default_transaction_read_only = on"));
	if (PQstatus(g->conn) != CONNECTION_OK) {
		char why[300];
		first_line(PQerrorMessage(g->conn), why, sizeof why);
		g->lost = true;
		return fail(g, PST_EUNAVAILABLE, "%s: the database cannot be reached (%s)%s; try again when "
			    "it is back", g->where, why, conn_hint(why));
	}
	return PST_OK;
}

/* TX_ONE: one statement that only reads (no BEGIN and COMMIT around it: one round trip
 * instead of three, for data_version on every page, profile_get, screening_get...). */
enum { TX_READ, TX_WRITE, TX_ONE, TX_SELF };
/* TX_SELF: one statement that writes and commits by itself, any write-log rows in it (no
 * BEGIN and COMMIT: one round trip instead of four; a group of check-ins, ci_run). The
 * body sets g->sent just before it sends the statement (xrun_self): a connection lost
 * after that may have saved it. */

/*
 * Runs body in one transaction. A write is acknowledged only when its COMMIT succeeded.
 * When the connection breaks before COMMIT was sent, nothing was saved and the whole
 * transaction runs once more on a new connection; when it breaks during COMMIT, nobody
 * can know whether it was saved: that is reported, never run again.
 */
static int in_tx(struct pg *g, int kind, int (*body)(struct pg *g, void *arg), void *arg)
{
	g->delivered = false;
	if (g->in_db_tx) {
		/* Inside a db transaction (db_begin): its commit or rollback decides. */
		int err = body(g, arg);
		if (!err && kind == TX_WRITE)
			err = bump(g);
		return err;
	}
	for (int attempt = 0;; attempt++) {
		int err = ensure(g);
		if (err)
			return err;
		if (kind == TX_SELF) {
			g->sent = false;
			err = body(g, arg);
			if (!err || !g->lost)
				return err;
			if (g->sent)
				return fail(g, PST_EUNAVAILABLE,
					    "%s: the connection was lost while saving: it is not known "
					    "whether this was saved; look before entering it again",
					    g->where);
			if (attempt > 0)
				return err;
			continue; /* lost before the write was sent: once more on a new one */
		}
		if (kind == TX_ONE) {
			err = body(g, arg);
			if (!err || !g->lost || attempt > 0)
				return err;
			continue; /* the connection broke: once more on a new one */
		}
		err = simple(g, kind == TX_WRITE ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
			     "cannot start a transaction");
		if (!err)
			err = body(g, arg);
		if (!err && kind == TX_WRITE)
			err = bump(g);
		if (!err) {
			PGresult *r = PQexec(g->conn, "COMMIT");
			ExecStatusType s = PQresultStatus(r);
			if (s == PGRES_COMMAND_OK && !strcmp(PQcmdStatus(r), "COMMIT")) {
				PQclear(r);
				return PST_OK;
			}
			if (s == PGRES_COMMAND_OK) { /* "ROLLBACK": the transaction had failed */
				PQclear(r);
				return fail(g, PST_EIO, "%s: nothing was saved: the transaction failed",
					    g->where);
			}
			err = dberr(g, r, kind == TX_WRITE ? "cannot save" : "cannot read");
			PQclear(r);
			if (g->lost && kind == TX_WRITE)
				return fail(g, PST_EUNAVAILABLE,
					    "%s: the connection was lost while saving: it is not known "
					    "whether this was saved; look before entering it again",
					    g->where);
			if (!g->lost)
				return err;
		} else if (!g->lost) {
			PGresult *r = PQexec(g->conn, "ROLLBACK");
			PQclear(r);
			return err;
		}
		/* The connection broke before COMMIT: the server rolled the transaction back. */
		if (attempt > 0 || g->delivered)
			return err;
	}
}

/* --- profile ---------------------------------------------------------------------- */

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

static bool words_mask(const struct pst_vocab *v, const char *s, unsigned *mask)
{
	const char *bad;
	size_t badlen;
	*mask = 0;
	if (!s || !*s)
		return true;
	return pst_vocab_parse_mask(v, s, mask, &bad, &badlen) == 0;
}

struct profile_arg {
	struct pst_saved_profile *out;
	bool *found;
	const struct pst_saved_profile *in;
};

static int profile_read(struct pg *g, struct pst_saved_profile *out, bool *found)
{
	struct params p = {0};
	p_int(&p, g->person);
	PGresult *r;
	int err = xq(g, S_PROFILE_GET, &p, "cannot read the profile", &r);
	if (err)
		return err;
	*found = false;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return PST_OK;
	}
	memset(out, 0, sizeof(*out));
	struct pst_profile *pr = &out->p;
	pst_profile_init(pr);
	pr->has_stage = true;
	int stage = pst_vocab_find(&pst_vocab_stage, PQgetvalue(r, 0, 0));
	int birth = pst_vocab_find(&pst_vocab_birth, PQgetvalue(r, 0, 3));
	int feed = pst_vocab_find(&pst_vocab_feeding, PQgetvalue(r, 0, 4));
	pr->weeks = vint(r, 0, 1);
	out->anchor_day = vll(r, 0, 2);
	pr->pain = PQgetisnull(r, 0, 5) ? -1 : vint(r, 0, 5);
	pr->minutes = vint(r, 0, 10);
	out->updated.epoch = vll(r, 0, 11);
	out->updated.offset_min = vint(r, 0, 12);
	bool ok = stage >= 0 && birth >= 0 && feed >= 0 &&
		  words_mask(&pst_vocab_area, PQgetvalue(r, 0, 6), &pr->areas) &&
		  words_mask(&pst_vocab_trigger, PQgetvalue(r, 0, 7), &pr->triggers) &&
		  words_mask(&pst_vocab_equipment, PQgetvalue(r, 0, 8), &pr->equipment) &&
		  words_mask(&pst_vocab_avoid, PQgetvalue(r, 0, 9), &pr->avoid) &&
		  words_mask(&pst_vocab_condition, PQgetvalue(r, 0, 13), &pr->conditions);
	const char *country = PQgetvalue(r, 0, 14);
	if (*country) {
		const struct pst_country *c = pst_country_find(country);
		if (c)
			memcpy(pr->country, c->code, 3);
		else
			ok = false;
	}
	pr->remind_at = vint(r, 0, 15);
	const char *tz = PQgetvalue(r, 0, 16);
	if (strlen(tz) < sizeof pr->timezone)
		memcpy(pr->timezone, tz, strlen(tz) + 1);
	else
		ok = false;
	pr->relief_reminder = vint(r, 0, 17) != 0;
	PQclear(r);
	if (!ok)
		return fail(g, PST_EIO, "%s: the saved profile holds a value this postura does not know",
			    g->where);
	pr->stage = (enum pst_stage)stage;
	pr->birth = (enum pst_birth)birth;
	pr->feeding = (enum pst_feeding)feed;
	*found = true;
	return PST_OK;
}

static int profile_get_body(struct pg *g, void *arg)
{
	struct profile_arg *a = arg;
	return profile_read(g, a->out, a->found);
}

static int profile_get(struct pst_store *s, struct pst_saved_profile *out, bool *found)
{
	struct profile_arg a = {out, found, NULL};
	return in_tx(enter(s), TX_ONE, profile_get_body, &a);
}

static int minutes_write(struct pg *g, const struct pst_minutes_change *mc)
{
	struct params p = {0};
	p_int(&p, g->person);
	p_int(&p, mc->day);
	p_int(&p, mc->minutes);
	return xrun(g, S_MINUTES_PUT, &p, "cannot save the minutes of the plan");
}

static int profile_write(struct pg *g, const struct pst_saved_profile *sp)
{
	const struct pst_profile *pr = &sp->p;
	char areas[128], trig[128], eq[128], avoid[128], cond[128];
	mask_words(&pst_vocab_area, pr->areas, areas, sizeof areas);
	mask_words(&pst_vocab_trigger, pr->triggers, trig, sizeof trig);
	mask_words(&pst_vocab_equipment, pr->equipment, eq, sizeof eq);
	mask_words(&pst_vocab_avoid, pr->avoid, avoid, sizeof avoid);
	mask_words(&pst_vocab_condition, pr->conditions, cond, sizeof cond);
	struct params p = {0};
	p_int(&p, g->person);
	p_text(&p, pst_vocab_word(&pst_vocab_stage, (int)pr->stage));
	p_int(&p, pr->weeks);
	p_int(&p, sp->anchor_day);
	p_text(&p, pst_vocab_word(&pst_vocab_birth, (int)pr->birth));
	p_text(&p, pst_vocab_word(&pst_vocab_feeding, (int)pr->feeding));
	if (pr->pain >= 0)
		p_int(&p, pr->pain);
	else
		p_text(&p, NULL);
	p_text(&p, areas);
	p_text(&p, trig);
	p_text(&p, eq);
	p_text(&p, avoid);
	p_int(&p, pr->minutes);
	p_int(&p, sp->updated.epoch);
	p_int(&p, sp->updated.offset_min);
	p_text(&p, cond);
	p_text(&p, pr->country);
	p_int(&p, pr->remind_at);
	p_text(&p, pr->timezone);
	p_int(&p, pr->relief_reminder ? 1 : 0);
	int err = xrun(g, S_PROFILE_PUT, &p, "cannot save the profile");
	if (err)
		return err;
	struct pst_minutes_change mc = {pst_time_day(sp->updated), pr->minutes};
	return minutes_write(g, &mc);
}

static int profile_put_body(struct pg *g, void *arg)
{
	return profile_write(g, ((struct profile_arg *)arg)->in);
}

static int profile_put(struct pst_store *s, const struct pst_saved_profile *sp)
{
	struct profile_arg a = {NULL, NULL, sp};
	return in_tx(enter(s), TX_WRITE, profile_put_body, &a);
}

/* --- the calendar subscription ---------------------------------------------------- */

struct cal_arg {
	char *out;
	size_t size;
	bool *found;
	const char *token;
	struct pst_time at;
};

static int cal_get_body(struct pg *g, void *arg)
{
	struct cal_arg *a = arg;
	struct params p = {0};
	p_int(&p, g->person);
	PGresult *r;
	int err = xq(g, S_CAL_GET, &p, "cannot read the calendar's address", &r);
	if (err)
		return err;
	*a->found = false;
	if (PQntuples(r) == 1) {
		const char *t = PQgetvalue(r, 0, 0);
		if (strlen(t) < a->size) {
			memcpy(a->out, t, strlen(t) + 1);
			*a->found = true;
		}
	}
	PQclear(r);
	return PST_OK;
}

static int calendar_token_get(struct pst_store *s, char *out, size_t size, bool *found)
{
	struct cal_arg a = {out, size, found, NULL, {0, 0}};
	*found = false;
	return in_tx(enter(s), TX_READ, cal_get_body, &a);
}

static int cal_put_body(struct pg *g, void *arg)
{
	struct cal_arg *a = arg;
	struct params p = {0};
	p_int(&p, g->person);
	int err = xrun(g, S_CAL_DEL, &p, "cannot revoke the calendar's address");
	if (err || !a->token)
		return err;
	struct params q = {0};
	p_int(&q, g->person);
	p_text(&q, a->token);
	p_int(&q, a->at.epoch);
	return xrun(g, S_CAL_PUT, &q, "cannot save the calendar's address");
}

static int calendar_token_put(struct pst_store *s, const char *token, struct pst_time at)
{
	struct cal_arg a = {NULL, 0, NULL, token, at};
	return in_tx(enter(s), TX_WRITE, cal_put_body, &a);
}

/* --- check-ins, sessions, PSFS ---------------------------------------------------- */

/* After an insert that a stored idempotency key stopped: the record it names, and
 * PST_EREPLAY. */
static int idem_find(struct pg *g, int st, const char *key, int64_t *id)
{
	struct params p = {0};
	p_int(&p, g->person);
	p_text(&p, key);
	PGresult *r;
	int err = xq(g, st, &p, "cannot look up the idempotency key", &r);
	if (err)
		return err;
	if (PQntuples(r) > 0 && id)
		*id = vll(r, 0, 0);
	PQclear(r);
	return PST_EREPLAY;
}

/* The parameters of S_CHECKIN and S_CHECKIN_MANY (the same nine); areas (at least 128
 * bytes) holds the areas' words and must outlive *p. */
static void checkin_params(struct pg *g, const struct pst_checkin *c, char *areas,
			   struct params *p)
{
	mask_words(&pst_vocab_area, c->areas, areas, 128);
	if (c->id)
		p_int(p, c->id);
	else
		p_text(p, NULL);
	p_int(p, g->person);
	p_int(p, c->at.epoch);
	p_int(p, c->at.offset_min);
	p_int(p, pst_time_day(c->at));
	p_int(p, c->pain);
	p_text(p, areas);
	p_text(p, c->note);
	p_text(p, c->idem_key);
}

static int checkin_write(struct pg *g, const struct pst_checkin *c, int64_t *id)
{
	char areas[128];
	struct params p = {0};
	checkin_params(g, c, areas, &p);
	PGresult *r;
	int err = xq(g, S_CHECKIN, &p, "cannot save the check-in", &r);
	if (err)
		return err;
	if (PQntuples(r) == 0) { /* the key was used: nothing written */
		PQclear(r);
		return idem_find(g, S_CHECKIN_IDEM, c->idem_key, id);
	}
	if (id)
		*id = vll(r, 0, 0);
	PQclear(r);
	return PST_OK;
}

struct add_arg {
	const void *in;
	int64_t *id;
	int64_t id_out;
	const char *text;
	struct pst_time at;
	int score;
};

static int checkin_body(struct pg *g, void *arg)
{
	struct add_arg *a = arg;
	return checkin_write(g, a->in, a->id ? &a->id_out : NULL);
}

/* --- check-ins: group commit ---------------------------------------------------------
 *
 * Many connections of one process writing check-ins at once (the web server's pool)
 * each made a transaction of their own: a WAL flush each, and each its KEY SHARE lock on
 * the person's row for the foreign key, which PostgreSQL keeps, when several
 * transactions hold it, as a multixact (bench/RESULTS.md, issue 13: most of the server's
 * time). So the check-ins of one process to one database are saved in groups, as
 * SQLite's writes are (store_sqlite.c write_person; docs/store.md):
 *
 * - A check-in that finds nobody writing (ci_write) is sent at once, by its own thread
 *   on its own connection: no timer, no wait, no added latency when alone.
 * - Check-ins that come while a group is being written queue (struct ci_job, on the
 *   caller's stack). When the group is done, its writer (the leader) takes every
 *   check-in queued (at most CI_GROUP_MAX) and sends them as ONE statement
 *   (S_CHECKIN_MANY: arrays and unnest), one implicit transaction: one round trip, one
 *   commit, one WAL flush, one lock per person. At most CI_LEAD_GROUPS groups in a row,
 *   then the first check-in still queued leads on its own connection.
 * - Each check-in has its own answer (its id, PST_EREPLAY for a key stored already or
 *   sent twice in the group, its error), given only after the commit that holds it.
 * - The check-ins inserted add their people's write-log rows in the same statement, one
 *   per person counting them (n): the version goes up by exactly the check-ins saved,
 *   with one foreign key check and one roster trigger per person, not per check-in.
 *   People of a group read nothing of each other: each answer is its own row's.
 * - The group's statement failing as a whole saved none of it. The connection lost, or
 *   the server down: each check-in of the group gets the answer one alone would
 *   ("not known whether saved" once sent; PST_EUNAVAILABLE). Any other failure (one
 *   check-in's row refused, a deadlock): each is written again alone, so that one
 *   check-in's problem is its own. What can be known beforehand (ci_groupable) never
 *   joins a group.
 * - The fold of the write log (bump) runs after the group, in a transaction of its own
 *   (ci_fold), never inside the group's statement.
 */
enum { CI_GROUP_MAX = 256, CI_LEAD_GROUPS = 4 };

struct ci_job {
	const struct pst_checkin *c;
	int64_t person;
	char *errmsg; /* the caller's handle's, where the answer's message goes */
	int result;
	int64_t id;
	bool look_again; /* a key stored after the statement's snapshot: look it up */
	/* its place in the queue */
	sem_t sem; /* posted once: its group is over (done), or the lead is handed to it */
	bool done; /* its group is over: result is the answer */
	struct ci_job *next;
};

/* The check-ins waiting for one database (one per host, port, database, user and
 * options, as libpq resolved them); they live as long as the process. */
struct ci_queue {
	char key[sizeof ((struct pg *)0)->key];
	bool busy; /* a leader is writing */
	struct ci_job *head, *tail;
	uint64_t saved; /* check-ins saved through it: which group folds */
	struct ci_queue *next;
};

static pthread_mutex_t ci_mu = PTHREAD_MUTEX_INITIALIZER;
static struct ci_queue *ci_queues;

/* g's queue (made on first use); NULL when out of memory: g writes alone. */
static struct ci_queue *ci_queue_of(struct pg *g)
{
	if (g->queue)
		return g->queue;
	pthread_mutex_lock(&ci_mu);
	struct ci_queue *q = ci_queues;
	while (q && strcmp(q->key, g->key))
		q = q->next;
	if (!q && (q = calloc(1, sizeof *q))) {
		snprintf(q->key, sizeof q->key, "%s", g->key);
		q->next = ci_queues;
		ci_queues = q;
	}
	pthread_mutex_unlock(&ci_mu);
	return g->queue = q;
}

size_t pst_pg_checkins_waiting(struct pst_db *db)
{
	struct ci_queue *q = ci_queue_of((struct pg *)db);
	size_t n = 0;
	pthread_mutex_lock(&ci_mu);
	for (struct ci_job *j = q ? q->head : NULL; j; j = j->next)
		n++;
	pthread_mutex_unlock(&ci_mu);
	return n;
}

/* Whether a check-in may join a group: what the database would refuse in it, known
 * beforehand, is written alone, so that it fails alone (the database's own message, as
 * before): a pain out of 0-10, text that is not UTF-8 (or holds NUL); an id given by
 * the caller (it may be taken). A read-only connection writes alone too. */
static bool ci_groupable(const struct pg *g, const struct pst_checkin *c)
{
	return !g->readonly && !c->id && c->pain >= 0 && c->pain <= 10 &&
	       (!c->note || pst_utf8_valid(c->note, strlen(c->note))) &&
	       (!c->idem_key || pst_utf8_valid(c->idem_key, strlen(c->idem_key)));
}

/* A PostgreSQL array literal of text elements, grown one at a time; NULL: SQL NULL.
 * Every element is quoted (the server reads "3" as 3 for a bigint[]). */
static void arr_add(struct pst_buf *b, const char *v)
{
	pst_buf_add(b, b->len ? "," : "{", 1);
	if (!v) {
		pst_buf_puts(b, "NULL");
		return;
	}
	pst_buf_add(b, "\"", 1);
	for (size_t run; *v; v += run) {
		run = strcspn(v, "\"\\");
		pst_buf_add(b, v, run);
		if (v[run]) {
			pst_buf_add(b, "\\", 1);
			pst_buf_add(b, v + run, 1);
			run++;
		}
	}
	pst_buf_add(b, "\"", 1);
}

static const char *arr_end(struct pst_buf *b)
{
	pst_buf_puts(b, b->len ? "}" : "{}");
	return b->failed ? NULL : b->s;
}

struct ci_group {
	struct ci_job **jobs; /* no key twice for one person */
	size_t n;
};

/* The group's statement (in_tx TX_SELF): sets each job's id and result. */
static int ci_group_body(struct pg *g, void *arg)
{
	const struct ci_group *gr = arg;
	int err = prepare(g, S_CHECKIN_MANY);
	if (err)
		return err;
	enum { NCOL = 9 };
	struct pst_buf col[NCOL];
	for (int k = 0; k < NCOL; k++)
		pst_buf_init(&col[k], (size_t)64 << 20);
	int64_t person = g->person;
	for (size_t i = 0; i < gr->n; i++) {
		char areas[128];
		struct params p = {0};
		g->person = gr->jobs[i]->person;
		checkin_params(g, gr->jobs[i]->c, areas, &p);
		for (int k = 0; k < NCOL; k++)
			arr_add(&col[k], p.v[k]);
	}
	g->person = person;
	struct params p = {0};
	for (int k = 0; k < NCOL; k++)
		p_text(&p, arr_end(&col[k]));
	for (int k = 0; k < NCOL && !err; k++)
		if (!p.v[k])
			err = fail(g, PST_ENOMEM, "out of memory");
	PGresult *r = NULL;
	if (!err) {
		g->sent = true;
		err = xq(g, S_CHECKIN_MANY, &p, "cannot save the check-in", &r);
	}
	for (int k = 0; k < NCOL; k++)
		pst_buf_free(&col[k]);
	if (err)
		return err;
	/* one row per check-in: its place in the group, its id, whether it was inserted */
	for (int row = 0; row < PQntuples(r); row++) {
		int64_t i = vll(r, row, 0) - 1;
		if (i < 0 || (size_t)i >= gr->n)
			continue;
		struct ci_job *j = gr->jobs[i];
		j->look_again = PQgetisnull(r, row, 1) && j->c->idem_key;
		j->id = j->look_again ? 0 : vll(r, row, 1);
		j->result = PQgetvalue(r, row, 2)[0] == 't' ? PST_OK : PST_EREPLAY;
	}
	PQclear(r);
	return PST_OK;
}

static int ci_look_body(struct pg *g, void *arg)
{
	struct ci_job *j = arg;
	return idem_find(g, S_CHECKIN_IDEM, j->c->idem_key, &j->id);
}

/* Saves the check-ins of jobs (n >= 1, whoever's) on g's connection in one statement,
 * and sets each job's answer (result, id, its errmsg). */
static void ci_run(struct pg *g, struct ci_job **jobs, size_t n)
{
	char why[sizeof g->base.errmsg];
	struct ci_job *uniq[CI_GROUP_MAX];
	size_t first[CI_GROUP_MAX], m = 0;
	for (size_t i = 0; i < n; i++) {
		struct ci_job *j = jobs[i];
		j->result = PST_EIO;
		j->id = 0;
		j->look_again = false;
		first[i] = i;
		/* a key sent twice in the group: once in the statement, the other a replay */
		for (size_t k = 0; j->c->idem_key && k < i && first[i] == i; k++)
			if (jobs[k]->person == j->person && jobs[k]->c->idem_key &&
			    !strcmp(jobs[k]->c->idem_key, j->c->idem_key))
				first[i] = first[k];
		if (first[i] == i)
			uniq[m++] = j;
	}
	g->err = why;
	why[0] = '\0';
	struct ci_group gr = {uniq, m};
	int err = in_tx(g, TX_SELF, ci_group_body, &gr);
	if (err && !g->lost && n > 1) {
		/* Refused as a whole (nothing of it saved), not for the connection: each
		 * alone, so that the problem of one is its own. */
		for (size_t i = 0; i < n; i++)
			ci_run(g, &jobs[i], 1);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct ci_job *j = jobs[i];
		if (err) {
			j->result = err;
			snprintf(j->errmsg, sizeof g->base.errmsg, "%s", why);
		} else if (first[i] == i && j->look_again) {
			g->err = j->errmsg;
			g->person = j->person;
			j->result = in_tx(g, TX_ONE, ci_look_body, j);
		} else if (first[i] != i) {
			const struct ci_job *f = jobs[first[i]];
			j->result = f->result == PST_OK ? PST_EREPLAY : f->result;
			j->id = f->id;
			if (f->result != PST_OK && f->result != PST_EREPLAY)
				snprintf(j->errmsg, sizeof g->base.errmsg, "%s", f->errmsg);
		}
	}
}

/* Folds the write log of people into their versions (bump's fold), in a transaction of
 * its own after their check-ins were saved: the same rows deleted and counted, each
 * person's row locked FOR NO KEY UPDATE SKIP LOCKED (a person another fold holds is
 * skipped), a statement that waits for no one's lock and takes no lock a check-in
 * waits for. Its commit does not wait for the WAL flush: it moves no version (the rows
 * it deletes and the number it adds show at once or not at all), so losing it in a
 * crash loses nothing, and every later commit flushes it anyway. A failure leaves the
 * rows to the next fold. */
static void ci_fold(struct pg *g, const int64_t *people, size_t n)
{
	char *ids = pst_summary_id_list(people, n, "{", "}");
	struct pst_buf sql;
	pst_buf_init(&sql, (size_t)1 << 20);
	pst_buf_printf(&sql, "BEGIN; SET LOCAL synchronous_commit TO off;"
		       " WITH l AS (SELECT id FROM person WHERE id = ANY('%s'::bigint[])"
		       " FOR NO KEY UPDATE SKIP LOCKED),"
		       " d AS (DELETE FROM person_write w USING l WHERE w.person_id = l.id"
		       " RETURNING w.person_id, w.n)"
		       " UPDATE person p SET version = p.version + x.n FROM (SELECT person_id,"
		       " sum(n) AS n FROM d GROUP BY person_id) x WHERE p.id = x.person_id; COMMIT",
		       ids ? ids : "{}");
	if (ids && !sql.failed && PQstatus(g->conn) == CONNECTION_OK &&
	    PQtransactionStatus(g->conn) == PQTRANS_IDLE) {
		PQclear(PQexec(g->conn, sql.s));
		if (PQstatus(g->conn) == CONNECTION_OK && PQtransactionStatus(g->conn) != PQTRANS_IDLE)
			PQclear(PQexec(g->conn, "ROLLBACK"));
	}
	pst_buf_free(&sql);
	free(ids);
}

/* Counts a group's check-ins saved (ci_mu held); adds their people to fold (at most
 * CI_GROUP_MAX) when the queue's count passed a multiple of FOLD_EVERY with them. */
static void ci_saved(struct ci_queue *q, struct ci_job **jobs, size_t n, int64_t *fold, size_t *nfold)
{
	size_t saved = 0;
	for (size_t i = 0; i < n; i++)
		saved += jobs[i]->result == PST_OK;
	uint64_t before = q->saved;
	q->saved += saved;
	if (before / FOLD_EVERY == q->saved / FOLD_EVERY)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < *nfold && fold[k] != jobs[i]->person)
			k++;
		if (jobs[i]->result == PST_OK && k == *nfold && *nfold < CI_GROUP_MAX)
			fold[(*nfold)++] = jobs[i]->person;
	}
}

/* A check-in outside a db transaction: sent at once when nobody of this process is
 * writing one to the database, else queued for the group after the one being written. */
static void ci_write(struct pg *g, struct ci_job *me)
{
	int64_t fold[CI_GROUP_MAX];
	size_t nfold = 0;
	struct ci_queue *q = ci_queue_of(g);
	if (!q || !ci_groupable(g, me->c)) {
		ci_run(g, &me, 1);
		if (q) {
			pthread_mutex_lock(&ci_mu);
			ci_saved(q, &me, 1, fold, &nfold);
			pthread_mutex_unlock(&ci_mu);
		}
		if (nfold)
			ci_fold(g, fold, nfold);
		return;
	}
	pthread_mutex_lock(&ci_mu);
	if (q->busy) {
		/* A semaphore of its own, not a condition on ci_mu: the leader wakes a group of
		 * them at once, and each would first have to take ci_mu back, one by one. */
		sem_init(&me->sem, 0, 0);
		if (q->tail)
			q->tail->next = me;
		else
			q->head = me;
		q->tail = me;
		pthread_mutex_unlock(&ci_mu);
		while (sem_wait(&me->sem) && errno == EINTR)
			continue;
		sem_destroy(&me->sem);
		if (me->done) /* its answer is in; or else it was handed the lead */
			return;
		pthread_mutex_lock(&ci_mu);
	}
	/* The lead is ours: this check-in and those queued, then, while more queued
	 * meanwhile, a few groups more: this thread is running already, where one handed
	 * the lead would first have to be woken. */
	q->busy = true;
	for (int round = 0; round < CI_LEAD_GROUPS; round++) {
		struct ci_job *group[CI_GROUP_MAX];
		size_t n = 0;
		if (round == 0)
			group[n++] = me;
		for (; q->head && n < CI_GROUP_MAX; n++) {
			group[n] = q->head;
			if (!(q->head = q->head->next))
				q->tail = NULL;
		}
		if (!n)
			break;
		pthread_mutex_unlock(&ci_mu);
		ci_run(g, group, n);
		pthread_mutex_lock(&ci_mu);
		ci_saved(q, group, n, fold, &nfold);
		pthread_mutex_unlock(&ci_mu);
		for (size_t i = 0; i < n; i++) /* out of the queue: only this thread sees them */
			if (group[i] != me) {
				group[i]->done = true;
				sem_post(&group[i]->sem);
			}
		pthread_mutex_lock(&ci_mu);
	}
	struct ci_job *h = q->head;
	if (h) { /* the next leads (q->busy stays) */
		if (!(q->head = h->next))
			q->tail = NULL;
	} else {
		q->busy = false;
	}
	pthread_mutex_unlock(&ci_mu);
	if (h)
		sem_post(&h->sem);
	if (nfold)
		ci_fold(g, fold, nfold);
}

static int checkin_add(struct pst_store *s, const struct pst_checkin *c, int64_t *id)
{
	struct pg *g = enter(s);
	int err;
	int64_t out = 0;
	if (g->in_db_tx || g->person <= 0) { /* joins the db transaction (bump: its version) */
		struct add_arg a = {.in = c, .id = id};
		err = in_tx(g, TX_WRITE, checkin_body, &a);
		out = a.id_out;
	} else {
		struct ci_job me = {.c = c, .person = g->person, .errmsg = s->errmsg};
		ci_write(g, &me);
		g->err = s->errmsg;
		g->person = s->person;
		err = me.result;
		out = me.id;
	}
	if ((!err || err == PST_EREPLAY) && id)
		*id = out;
	return err;
}

static int session_write(struct pg *g, const struct pst_session_log *l, int64_t *id)
{
	struct params p = {0};
	if (l->id)
		p_int(&p, l->id);
	else
		p_text(&p, NULL);
	p_int(&p, g->person);
	p_int(&p, l->at.epoch);
	p_int(&p, l->at.offset_min);
	p_int(&p, pst_time_day(l->at));
	p_int(&p, l->pain_before);
	p_int(&p, l->pain_after);
	p_text(&p, l->idem_key);
	PGresult *r;
	int err = xq(g, S_SESSION, &p, "cannot save the session", &r);
	if (err)
		return err;
	if (PQntuples(r) == 0) { /* the key was used: nothing written */
		PQclear(r);
		return idem_find(g, S_SESSION_IDEM, l->idem_key, id);
	}
	int64_t sid = vll(r, 0, 0);
	PQclear(r);
	for (size_t i = 0; i < l->nex; i++) {
		const struct pst_session_ex *e = &l->ex[i];
		struct params q = {0};
		p_int(&q, sid);
		p_int(&q, (int64_t)i);
		p_text(&q, e->id);
		p_text(&q, pst_vocab_word(&pst_vocab_feedback, (int)e->feedback));
		if (e->pain >= 0)
			p_int(&q, e->pain);
		else
			p_text(&q, NULL);
		if ((err = xrun(g, S_SESSION_EX, &q, "cannot save the session's exercises")))
			return err;
	}
	if (id)
		*id = sid;
	return PST_OK;
}

static int session_body(struct pg *g, void *arg)
{
	struct add_arg *a = arg;
	return session_write(g, a->in, a->id ? &a->id_out : NULL);
}

static int session_add(struct pst_store *s, const struct pst_session_log *l, int64_t *id)
{
	struct add_arg a = {.in = l, .id = id};
	int err = in_tx(enter(s), TX_WRITE, session_body, &a);
	if ((!err || err == PST_EREPLAY) && id)
		*id = a.id_out;
	return err;
}

static int psfs_count(struct pg *g, int *n)
{
	struct params p = {0};
	p_int(&p, g->person);
	PGresult *r;
	int err = xq(g, S_PSFS_COUNT, &p, "cannot count activities", &r);
	if (err)
		return err;
	*n = vint(r, 0, 0);
	PQclear(r);
	return PST_OK;
}

static int psfs_activity_write(struct pg *g, int64_t id, const char *activity, struct pst_time at,
			       int64_t *out)
{
	struct params p = {0};
	if (id)
		p_int(&p, id);
	else
		p_text(&p, NULL);
	p_int(&p, g->person);
	p_text(&p, activity);
	p_int(&p, at.epoch);
	p_int(&p, at.offset_min);
	PGresult *r;
	int err = xq(g, S_PSFS_ADD, &p, "cannot save the activity", &r);
	if (err)
		return err;
	if (out)
		*out = vll(r, 0, 0);
	PQclear(r);
	return PST_OK;
}

static int psfs_add_body(struct pg *g, void *arg)
{
	struct add_arg *a = arg;
	int n = 0;
	/* Two adds at once must not both see room for one more: the person row is the lock.
	 * NO KEY UPDATE, the lock of the version bump: other writes' foreign keys (KEY
	 * SHARE) go on, and the bump of a write started earlier never waits on it. */
	struct params p = {0};
	p_int(&p, g->person);
	PGresult *r = PQexecParams(g->conn, "SELECT 1 FROM person WHERE id = $1 FOR NO KEY UPDATE", 1, NULL,
				   p.v, NULL, NULL, 0);
	int err = PQresultStatus(r) == PGRES_TUPLES_OK ? PST_OK
							: dberr(g, r, "cannot start a transaction");
	PQclear(r);
	if (err || (err = psfs_count(g, &n)))
		return err;
	if (n >= PST_PSFS_MAX_ACTIVITIES)
		return fail(g, PST_EINVAL,
			    "%s: the functional scale already has %d activities, the most it takes",
			    g->where, PST_PSFS_MAX_ACTIVITIES);
	return psfs_activity_write(g, 0, a->text, a->at, a->id ? &a->id_out : NULL);
}

static int psfs_add(struct pst_store *s, const char *activity, struct pst_time at, int64_t *id)
{
	struct add_arg a = {.text = activity, .at = at, .id = id};
	int err = in_tx(enter(s), TX_WRITE, psfs_add_body, &a);
	if (!err && id)
		*id = a.id_out;
	return err;
}

static int psfs_rating_write(struct pg *g, int64_t activity, int score, struct pst_time at)
{
	struct params p = {0};
	p_int(&p, at.epoch);
	p_int(&p, at.offset_min);
	p_int(&p, score);
	p_int(&p, activity);
	p_int(&p, g->person);
	PGresult *r;
	int err = xq(g, S_PSFS_RATE, &p, "cannot save the rating", &r);
	if (err)
		return err;
	bool none = strcmp(PQcmdTuples(r), "0") == 0;
	PQclear(r);
	if (none)
		return fail(g, PST_ENOTFOUND, "no activity with id %lld (see 'postura psfs list')",
			    (long long)activity);
	return PST_OK;
}

static int psfs_rate_body(struct pg *g, void *arg)
{
	struct add_arg *a = arg;
	return psfs_rating_write(g, *(const int64_t *)a->in, a->score, a->at);
}

static int psfs_rate(struct pst_store *s, int64_t id, int score, struct pst_time at)
{
	struct add_arg a = {.in = &id, .score = score, .at = at};
	return in_tx(enter(s), TX_WRITE, psfs_rate_body, &a);
}

/* --- screening ------------------------------------------------------------------ */

static int screening_read(struct pg *g, struct pst_saved_screening *out, bool *found)
{
	struct params p = {0};
	p_int(&p, g->person);
	PGresult *r;
	int err = xq(g, S_SCREEN_GET, &p, "cannot read the safety answers", &r);
	if (err)
		return err;
	*found = false;
	if (PQntuples(r) > 0) {
		out->stages = (unsigned)vint(r, 0, 0);
		out->answers = strdup(PQgetvalue(r, 0, 1));
		out->at.epoch = vll(r, 0, 2);
		out->at.offset_min = vint(r, 0, 3);
		*found = out->answers != NULL;
		if (!out->answers)
			err = fail(g, PST_ENOMEM, "out of memory");
	}
	PQclear(r);
	return err;
}

struct screen_arg {
	struct pst_saved_screening *out;
	bool *found;
	const struct pst_saved_screening *in;
};

static int screening_get_body(struct pg *g, void *arg)
{
	struct screen_arg *a = arg;
	return screening_read(g, a->out, a->found);
}

static int screening_get(struct pst_store *s, struct pst_saved_screening *out, bool *found)
{
	struct screen_arg a = {out, found, NULL};
	struct pg *g = enter(s);
	int err = in_tx(g, TX_ONE, screening_get_body, &a);
	if (err && *found) {
		free(out->answers);
		out->answers = NULL;
		*found = false;
	}
	return err;
}

static int screening_write(struct pg *g, const struct pst_saved_screening *sc)
{
	struct params p = {0};
	p_int(&p, g->person);
	p_int(&p, (int64_t)sc->stages);
	p_text(&p, sc->answers);
	p_int(&p, sc->at.epoch);
	p_int(&p, sc->at.offset_min);
	return xrun(g, S_SCREEN_PUT, &p, "cannot save the safety answers");
}

static int screening_put_body(struct pg *g, void *arg)
{
	return screening_write(g, ((struct screen_arg *)arg)->in);
}

static int screening_put(struct pst_store *s, const struct pst_saved_screening *sc)
{
	struct screen_arg a = {NULL, NULL, sc};
	return in_tx(enter(s), TX_WRITE, screening_put_body, &a);
}

/* --- the assigned programme ----------------------------------------------------------- */

static int programme_read(struct pg *g, struct pst_saved_programme *out, bool *found)
{
	struct params p = {0};
	p_int(&p, g->person);
	PGresult *r;
	int err = xq(g, S_PROG_GET, &p, "cannot read the assigned programme", &r);
	if (err)
		return err;
	*found = false;
	if (PQntuples(r) > 0) {
		out->json = strdup(PQgetvalue(r, 0, 0));
		out->by = vll(r, 0, 1);
		out->at.epoch = vll(r, 0, 2);
		out->at.offset_min = vint(r, 0, 3);
		*found = out->json != NULL;
		if (!out->json)
			err = fail(g, PST_ENOMEM, "out of memory");
	}
	PQclear(r);
	return err;
}

struct prog_arg {
	struct pst_saved_programme *out;
	bool *found;
	const struct pst_saved_programme *in;
};

static int programme_get_body(struct pg *g, void *arg)
{
	struct prog_arg *a = arg;
	return programme_read(g, a->out, a->found);
}

static int programme_get(struct pst_store *s, struct pst_saved_programme *out, bool *found)
{
	struct prog_arg a = {out, found, NULL};
	*found = false;
	int err = in_tx(enter(s), TX_ONE, programme_get_body, &a);
	if (err && *found) {
		free(out->json);
		out->json = NULL;
		*found = false;
	}
	return err;
}

static int programme_write(struct pg *g, const struct pst_saved_programme *pg)
{
	struct params p = {0};
	p_int(&p, g->person);
	if (!pg)
		return xrun(g, S_PROG_DEL, &p, "cannot remove the assigned programme");
	p_text(&p, pg->json);
	p_int(&p, pg->by);
	p_int(&p, pg->at.epoch);
	p_int(&p, pg->at.offset_min);
	return xrun(g, S_PROG_PUT, &p, "cannot save the assigned programme");
}

static int programme_put_body(struct pg *g, void *arg)
{
	return programme_write(g, ((struct prog_arg *)arg)->in);
}

static int programme_put(struct pst_store *s, const struct pst_saved_programme *pg)
{
	struct prog_arg a = {NULL, NULL, pg};
	return in_tx(enter(s), TX_WRITE, programme_put_body, &a);
}

/* --- reading ------------------------------------------------------------------------ */

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

static void *grow_small(struct pst_arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	return grow_from(a, v, n, cap, size, 4);
}

/*
 * Rows of a prepared statement, either all at once (read_all) or streamed one at a time
 * in libpq's single-row mode (read_each: memory stays bounded whatever the store holds).
 */
struct rows {
	struct pg *g;
	PGresult *res;
	int row, nrows;
	bool stream, done;
	const char *doing;
};

static int rows_open(struct pg *g, struct rows *rw, int st, const struct params *p, bool stream,
		     const char *doing)
{
	memset(rw, 0, sizeof(*rw));
	rw->g = g;
	rw->stream = stream;
	rw->doing = doing;
	rw->row = -1;
	if (!stream)
		return xq(g, st, p, doing, &rw->res);
	int err = prepare(g, st);
	if (err)
		return err;
	char name[16];
	snprintf(name, sizeof name, "p%d", st);
	if (!PQsendQueryPrepared(g->conn, name, p->n, p->v, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(g->conn))
		return dberr(g, NULL, doing);
	return PST_OK;
}

/* 1: a row (rw->res, rw->row); 0: no more; an error code otherwise (negated). */
static int rows_next(struct rows *rw, int *err)
{
	*err = PST_OK;
	if (!rw->stream) {
		if (++rw->row < PQntuples(rw->res))
			return 1;
		return 0;
	}
	if (rw->done)
		return 0;
	PQclear(rw->res);
	rw->res = PQgetResult(rw->g->conn);
	rw->row = 0;
	ExecStatusType s = PQresultStatus(rw->res);
	if (s == PGRES_SINGLE_TUPLE)
		return 1;
	rw->done = true;
	if (s != PGRES_TUPLES_OK)
		*err = dberr(rw->g, rw->res, rw->doing);
	/* the end of this query's results */
	PGresult *r;
	while ((r = PQgetResult(rw->g->conn)))
		PQclear(r);
	return 0;
}

static void rows_close(struct rows *rw)
{
	PQclear(rw->res);
	rw->res = NULL;
	if (rw->stream && !rw->done && PQstatus(rw->g->conn) == CONNECTION_OK) {
		/* stopped early: cancel the rest rather than read it all */
		PGcancel *c = PQgetCancel(rw->g->conn);
		char buf[256];
		if (c) {
			PQcancel(c, buf, sizeof buf);
			PQfreeCancel(c);
		}
		PGresult *r;
		while ((r = PQgetResult(rw->g->conn)))
			PQclear(r);
		rw->done = true;
	}
}

static const char *rv(const struct rows *rw, int col)
{
	return PQgetvalue(rw->res, rw->row, col);
}

static bool rnull(const struct rows *rw, int col)
{
	return PQgetisnull(rw->res, rw->row, col);
}

static int64_t rll(const struct rows *rw, int col)
{
	return strtoll(rv(rw, col), NULL, 10);
}

static int rint_(const struct rows *rw, int col)
{
	return (int)strtol(rv(rw, col), NULL, 10);
}

struct each {
	int (*fn)(void *ctx, const struct pst_record_set *part);
	void *ctx;
	size_t batch;
};

static int each_flush(struct pg *g, struct each *e, struct pst_record_set *rs)
{
	g->delivered = true;
	int err = e->fn(e->ctx, rs);
	pst_record_set_free(rs);
	if (!err && !(rs->arena = pst_arena_new()))
		err = fail(g, PST_ENOMEM, "out of memory");
	return err;
}

static const char *free_text(struct pst_arena *a, const struct rows *rw, int col, unsigned text,
			     bool exact)
{
	if (rnull(rw, col))
		return NULL;
	const char *s = rv(rw, col);
	size_t n = (size_t)PQgetlength(rw->res, rw->row, col);
	if (exact || !pst_text_needs_clean(s, n, text))
		return pst_arena_strdup(a, s);
	char *out = pst_arena_alloc(a, 3 * n + 1);
	if (out)
		pst_text_clean(s, n, text, out, 3 * n + 1);
	return out;
}

static int read_checkins(struct pg *g, int64_t since, bool exact, struct each *ea,
			 struct pst_record_set *rs)
{
	struct params p = {0};
	p_int(&p, g->person);
	p_int(&p, since);
	struct rows rw;
	int err = rows_open(g, &rw, S_READ_CHECKINS, &p, ea != NULL, "cannot read the check-ins");
	if (err)
		return err;
	size_t cap = 0;
	while (rows_next(&rw, &err) == 1) {
		if (ea && rs->ncheckins == ea->batch) {
			cap = 0;
			if ((err = each_flush(g, ea, rs)))
				break;
		}
		rs->checkins = grow(rs->arena, rs->checkins, rs->ncheckins, &cap, sizeof(*rs->checkins));
		if (!rs->checkins) {
			err = fail(g, PST_ENOMEM, "out of memory");
			break;
		}
		struct pst_checkin *c = &rs->checkins[rs->ncheckins++];
		c->id = rll(&rw, 0);
		c->at.epoch = rll(&rw, 1);
		c->at.offset_min = rint_(&rw, 2);
		c->pain = rint_(&rw, 3);
		words_mask(&pst_vocab_area, rv(&rw, 4), &c->areas);
		c->note = free_text(rs->arena, &rw, 5, PST_TEXT_NOTE, exact);
	}
	rows_close(&rw);
	return err;
}

static int read_sessions(struct pg *g, int64_t since, bool with_ex, bool exact, bool baseline,
			 struct each *ea, struct pst_record_set *rs)
{
	struct params p = {0};
	p_int(&p, g->person);
	p_int(&p, since);
	struct rows rw;
	int st = baseline ? (with_ex ? S_READ_SESSIONS_EX_BASE : S_READ_SESSIONS_BASE)
			  : (with_ex ? S_READ_SESSIONS_EX : S_READ_SESSIONS);
	int err = rows_open(g, &rw, st, &p, ea != NULL, "cannot read the sessions");
	if (err)
		return err;
	size_t cap = 0, excap = 0;
	struct pst_session_log *cur = NULL;
	while (rows_next(&rw, &err) == 1) {
		int64_t id = rll(&rw, 0);
		if (!cur || cur->id != id) {
			if (ea && rs->nsessions == ea->batch) {
				cap = 0;
				if ((err = each_flush(g, ea, rs)))
					break;
			}
			rs->sessions = grow(rs->arena, rs->sessions, rs->nsessions, &cap,
					    sizeof(*rs->sessions));
			if (!rs->sessions) {
				err = fail(g, PST_ENOMEM, "out of memory");
				break;
			}
			cur = &rs->sessions[rs->nsessions++];
			memset(cur, 0, sizeof(*cur));
			cur->id = id;
			cur->at.epoch = rll(&rw, 1);
			cur->at.offset_min = rint_(&rw, 2);
			cur->pain_before = rint_(&rw, 3);
			cur->pain_after = rint_(&rw, 4);
			cur->day_checkin_before = !baseline || rnull(&rw, 8) ? -1 : rint_(&rw, 8);
			excap = 0;
		}
		if (rnull(&rw, 5))
			continue;
		cur->ex = grow_small(rs->arena, cur->ex, cur->nex, &excap, sizeof(*cur->ex));
		if (!cur->ex) {
			err = fail(g, PST_ENOMEM, "out of memory");
			break;
		}
		struct pst_session_ex *e = &cur->ex[cur->nex++];
		e->id = free_text(rs->arena, &rw, 5, 0, exact);
		int fb = pst_vocab_find(&pst_vocab_feedback, rv(&rw, 6));
		e->feedback = fb < 0 ? PST_FB_RIGHT : (enum pst_feedback)fb;
		e->pain = rnull(&rw, 7) ? -1 : rint_(&rw, 7);
	}
	rows_close(&rw);
	return err;
}

static int read_psfs(struct pg *g, bool exact, struct each *ea, struct pst_record_set *rs)
{
	struct params p = {0};
	p_int(&p, g->person);
	struct rows rw;
	int err = rows_open(g, &rw, S_READ_PSFS, &p, ea != NULL, "cannot read the functional scale");
	if (err)
		return err;
	size_t cap = 0, rcap = 0;
	struct pst_psfs_activity *cur = NULL;
	while (rows_next(&rw, &err) == 1) {
		int64_t id = rll(&rw, 0);
		if (!cur || cur->id != id) {
			if (ea && rs->npsfs == ea->batch) {
				cap = 0;
				if ((err = each_flush(g, ea, rs)))
					break;
			}
			rs->psfs = grow(rs->arena, rs->psfs, rs->npsfs, &cap, sizeof(*rs->psfs));
			if (!rs->psfs) {
				err = fail(g, PST_ENOMEM, "out of memory");
				break;
			}
			cur = &rs->psfs[rs->npsfs++];
			memset(cur, 0, sizeof(*cur));
			cur->id = id;
			cur->activity = free_text(rs->arena, &rw, 1, PST_TEXT_ACTIVITY, exact);
			cur->created.epoch = rll(&rw, 2);
			cur->created.offset_min = rint_(&rw, 3);
			rcap = 0;
		}
		if (rnull(&rw, 6))
			continue;
		cur->ratings = grow_small(rs->arena, cur->ratings, cur->nratings, &rcap,
					  sizeof(*cur->ratings));
		if (!cur->ratings) {
			err = fail(g, PST_ENOMEM, "out of memory");
			break;
		}
		struct pst_psfs_rating *r = &cur->ratings[cur->nratings++];
		r->at.epoch = rll(&rw, 4);
		r->at.offset_min = rint_(&rw, 5);
		r->score = rint_(&rw, 6);
	}
	rows_close(&rw);
	return err;
}

static int read_minutes(struct pg *g, struct pst_record_set *rs)
{
	struct params p = {0};
	p_int(&p, g->person);
	PGresult *r;
	int err = xq(g, S_READ_MINUTES, &p, "cannot read the minutes of the plan", &r);
	if (err)
		return err;
	int n = PQntuples(r);
	if (n > 0) {
		rs->minutes = pst_arena_alloc(rs->arena, (size_t)n * sizeof(*rs->minutes));
		if (!rs->minutes) {
			PQclear(r);
			return fail(g, PST_ENOMEM, "out of memory");
		}
		for (int i = 0; i < n; i++)
			rs->minutes[i] = (struct pst_minutes_change){vll(r, i, 0), vint(r, i, 1)};
		rs->nminutes = (size_t)n;
	}
	PQclear(r);
	return PST_OK;
}

/* The profile, the minutes and the safety answers into rs (the first part). */
static int read_head(struct pg *g, struct pst_record_set *rs)
{
	int err = profile_read(g, &rs->profile, &rs->has_profile);
	if (!err)
		err = read_minutes(g, rs);
	if (!err && !(err = screening_read(g, &rs->screening, &rs->has_screening)) &&
	    rs->has_screening) {
		char *a = rs->screening.answers;
		rs->screening.answers = pst_arena_strdup(rs->arena, a);
		free(a);
		if (!rs->screening.answers)
			err = fail(g, PST_ENOMEM, "out of memory");
	}
	if (!err && !(err = programme_read(g, &rs->programme, &rs->has_programme)) &&
	    rs->has_programme) {
		char *j = rs->programme.json;
		rs->programme.json = pst_arena_strdup(rs->arena, j);
		free(j);
		if (!rs->programme.json)
			err = fail(g, PST_ENOMEM, "out of memory");
	}
	return err;
}

struct read_arg {
	int64_t since;
	unsigned flags;
	struct pst_record_set *out;
	struct each each;
};

static int read_all_body(struct pg *g, void *arg)
{
	struct read_arg *a = arg;
	struct pst_record_set *out = a->out;
	bool exact = a->flags & PST_READ_EXACT;
	pst_record_set_free(out); /* a second attempt starts empty */
	if (!(out->arena = pst_arena_new()))
		return fail(g, PST_ENOMEM, "out of memory");
	int err = read_head(g, out);
	if (!err && !(a->flags & PST_READ_NO_CHECKINS))
		err = read_checkins(g, a->since, exact, NULL, out);
	if (!err)
		err = read_sessions(g, a->since, !(a->flags & PST_READ_NO_SESSION_EXERCISES), exact,
				    a->flags & PST_READ_SESSION_BASELINE, NULL, out);
	if (!err)
		err = read_psfs(g, exact, NULL, out);
	return err;
}

static int read_all(struct pst_store *s, int64_t since_day, unsigned flags,
		    struct pst_record_set *out)
{
	memset(out, 0, sizeof(*out));
	struct read_arg a = {.since = since_day, .flags = flags, .out = out};
	int err = in_tx(enter(s), TX_READ, read_all_body, &a);
	if (err)
		pst_record_set_free(out);
	return err;
}

static int read_each_body(struct pg *g, void *arg)
{
	struct read_arg *a = arg;
	struct pst_record_set rs = {0};
	bool exact = a->flags & PST_READ_EXACT;
	if (!(rs.arena = pst_arena_new()))
		return fail(g, PST_ENOMEM, "out of memory");
	struct each *e = &a->each;
	int err = read_head(g, &rs);
	/* Each part holds one kind of record, so every kind is flushed before the next. */
	if (!err)
		err = each_flush(g, e, &rs);
	if (!err && !(a->flags & PST_READ_NO_CHECKINS))
		err = read_checkins(g, INT64_MIN, exact, e, &rs);
	if (!err && rs.ncheckins)
		err = each_flush(g, e, &rs);
	if (!err)
		err = read_sessions(g, INT64_MIN, !(a->flags & PST_READ_NO_SESSION_EXERCISES), exact,
				    a->flags & PST_READ_SESSION_BASELINE, e, &rs);
	if (!err && rs.nsessions)
		err = each_flush(g, e, &rs);
	if (!err)
		err = read_psfs(g, exact, e, &rs);
	if (!err && rs.npsfs)
		err = each_flush(g, e, &rs);
	pst_record_set_free(&rs);
	return err;
}

static int read_each(struct pst_store *s, unsigned flags, size_t batch,
		     int (*fn)(void *ctx, const struct pst_record_set *part), void *ctx)
{
	struct read_arg a = {.flags = flags, .each = {fn, ctx, batch ? batch : 1}};
	return in_tx(enter(s), TX_READ, read_each_body, &a);
}

struct days_arg {
	int64_t since;
	struct pst_checkin_days *out;
};

static int checkin_days_body(struct pg *g, void *arg)
{
	struct days_arg *a = arg;
	pst_checkin_days_free(a->out); /* a second attempt starts empty */
	struct params p = {0};
	p_int(&p, g->person);
	p_int(&p, a->since);
	p_int(&p, (int64_t)PST_MORNING_END_H * 3600);
	PGresult *r;
	int err = xq(g, S_CHECKIN_DAYS, &p, "cannot read the check-ins", &r);
	if (err)
		return err;
	int n = PQntuples(r);
	struct pst_checkin_days *d = a->out;
	if (n > 0 && !(d->v = calloc((size_t)n, sizeof *d->v))) {
		PQclear(r);
		return fail(g, PST_ENOMEM, "out of memory");
	}
	d->cap = (size_t)n;
	for (int i = 0; i < n; i++) {
		struct rows rw = {.res = r, .row = i};
		struct pst_checkin_day *x = &d->v[d->n++];
		x->day = rll(&rw, 0);
		x->count = rint_(&rw, 1);
		x->sum = rint_(&rw, 2);
		x->min = rint_(&rw, 3);
		x->max = rint_(&rw, 4);
		x->morning_count = rint_(&rw, 5);
		x->morning_sum = rint_(&rw, 6);
		x->last_at.epoch = rll(&rw, 7);
		x->last_at.offset_min = rint_(&rw, 8);
		x->last_pain = rint_(&rw, 9);
		x->last_id = rll(&rw, 10);
	}
	PQclear(r);
	return PST_OK;
}

static int checkin_days(struct pst_store *s, int64_t since_day, struct pst_checkin_days *out)
{
	memset(out, 0, sizeof *out);
	struct days_arg a = {since_day, out};
	int err = in_tx(enter(s), TX_ONE, checkin_days_body, &a);
	if (err)
		pst_checkin_days_free(out);
	return err;
}

struct latest_arg {
	int64_t since;
	size_t limit;
	bool by_id;
	struct pst_record_set *out;
};

static int checkin_latest_body(struct pg *g, void *arg)
{
	struct latest_arg *a = arg;
	struct pst_record_set *out = a->out;
	pst_record_set_free(out); /* a second attempt starts empty */
	if (!(out->arena = pst_arena_new()))
		return fail(g, PST_ENOMEM, "out of memory");
	struct params p = {0};
	p_int(&p, g->person);
	p_int(&p, a->since);
	p_int(&p, a->limit > INT64_MAX ? INT64_MAX : (int64_t)a->limit);
	PGresult *r;
	int err = xq(g, a->by_id ? S_CHECKIN_LATEST_ID : S_CHECKIN_LATEST, &p,
		     "cannot read the check-ins", &r);
	if (err)
		return err;
	int n = PQntuples(r);
	if (n > 0 && !(out->checkins = pst_arena_alloc(out->arena, (size_t)n * sizeof *out->checkins))) {
		PQclear(r);
		return fail(g, PST_ENOMEM, "out of memory");
	}
	/* newest first as read: oldest first as given */
	for (int i = 0; i < n; i++) {
		struct rows rw = {.res = r, .row = i};
		struct pst_checkin *c = &out->checkins[n - 1 - i];
		memset(c, 0, sizeof *c);
		c->id = rll(&rw, 0);
		c->at.epoch = rll(&rw, 1);
		c->at.offset_min = rint_(&rw, 2);
		c->pain = rint_(&rw, 3);
		words_mask(&pst_vocab_area, rv(&rw, 4), &c->areas);
		c->note = free_text(out->arena, &rw, 5, PST_TEXT_NOTE, false);
		if (c->note == NULL && !rnull(&rw, 5)) {
			PQclear(r);
			return fail(g, PST_ENOMEM, "out of memory");
		}
	}
	out->ncheckins = (size_t)n;
	PQclear(r);
	return PST_OK;
}

static int checkin_latest(struct pst_store *s, int64_t since_day, size_t limit, bool by_id,
			  struct pst_record_set *out)
{
	memset(out, 0, sizeof *out);
	struct latest_arg a = {since_day, limit, by_id, out};
	int err = in_tx(enter(s), TX_ONE, checkin_latest_body, &a);
	if (err)
		pst_record_set_free(out);
	return err;
}

/* After rows were added with their own ids, the next id of each table comes after them. */
static int bump_sequences(struct pg *g)
{
	return simple(g,
		      "SELECT setval('checkin_id_seq', m) FROM (SELECT max(id) AS m FROM checkin) x"
		      "  WHERE m > (SELECT last_value FROM checkin_id_seq);"
		      "SELECT setval('session_id_seq', m) FROM (SELECT max(id) AS m FROM session) x"
		      "  WHERE m > (SELECT last_value FROM session_id_seq);"
		      "SELECT setval('psfs_activity_id_seq', m) FROM"
		      "  (SELECT max(id) AS m FROM psfs_activity) x"
		      "  WHERE m > (SELECT last_value FROM psfs_activity_id_seq);",
		      "cannot import");
}

/* The id a record asks for (import): kept when free, or when this person's (the insert
 * then fails as a duplicate); 0 (a new one) when someone else's record has it, so that
 * nothing about other people shows. table is one of ours, never input. */
static int wanted_id(struct pg *g, const char *table, int64_t id, int64_t *use)
{
	*use = id;
	if (!id)
		return PST_OK;
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT person_id FROM %s WHERE id = $1", table);
	struct params p = {0};
	p_int(&p, id);
	PGresult *r = PQexecParams(g->conn, sql, 1, NULL, p.v, NULL, NULL, 0);
	int err = PQresultStatus(r) == PGRES_TUPLES_OK ? PST_OK : dberr(g, r, "cannot look up a record");
	if (!err && PQntuples(r) == 1 && vll(r, 0, 0) != g->person)
		*use = 0;
	PQclear(r);
	return err;
}

/* As in store_sqlite.c: the first pass writes the records that keep their ids, the
 * second those that get new ones (after the sequences moved past the kept ids), so a
 * new id never takes the id a record of the import keeps. */
static int import_id(struct pg *g, unsigned flags, int pass, const char *table, int64_t id,
		     int64_t *want, bool *now)
{
	*want = 0;
	if (flags & PST_IMPORT_NEW_IDS) {
		*now = pass == 1;
		return PST_OK;
	}
	int err = wanted_id(g, table, id, want);
	*now = pass == 0 ? *want != 0 : *want == 0;
	return err;
}

struct import_arg {
	const struct pst_record_set *rs;
	unsigned flags;
};

static int import_body(struct pg *g, void *arg)
{
	const struct pst_record_set *rs = ((struct import_arg *)arg)->rs;
	unsigned flags = ((struct import_arg *)arg)->flags;
	int err;
	/* The ids an import keeps are taken before anyone's new record can take them (the
	 * sequences move past them only later in this transaction): new records of these
	 * tables wait until it commits, instead of failing then as duplicates. */
	if (!(flags & PST_IMPORT_NEW_IDS) &&
	    (err = simple(g, "LOCK TABLE checkin, session, psfs_activity IN SHARE ROW EXCLUSIVE MODE",
			  "cannot import")))
		return err;
	if (rs->has_profile && (err = profile_write(g, &rs->profile)))
		return err;
	for (size_t i = 0; i < rs->nminutes; i++)
		if ((err = minutes_write(g, &rs->minutes[i])))
			return err;
	if (rs->has_programme && (err = programme_write(g, &rs->programme)))
		return err;
	if (rs->has_screening && (err = screening_write(g, &rs->screening)))
		return err;
	const char *why = g->why;
	int64_t want;
	bool now;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 && (err = bump_sequences(g)))
			return err;
		for (size_t i = 0; i < rs->ncheckins; i++) {
			struct pst_checkin c = rs->checkins[i];
			if ((err = import_id(g, flags, pass, "checkin", c.id, &want, &now)))
				return err;
			c.id = want;
			if (now && (err = checkin_write(g, &c, NULL))) {
				if (g->lost)
					return err;
				return fail(g, err, "check-in %zu (id %lld) could not be added: %s; nothing "
					    "was imported", i + 1, (long long)rs->checkins[i].id, why);
			}
		}
		for (size_t i = 0; i < rs->nsessions; i++) {
			struct pst_session_log l = rs->sessions[i];
			if ((err = import_id(g, flags, pass, "session", l.id, &want, &now)))
				return err;
			l.id = want;
			if (now && (err = session_write(g, &l, NULL))) {
				if (g->lost)
					return err;
				return fail(g, err, "session %zu (id %lld) could not be added: %s; nothing "
					    "was imported", i + 1, (long long)rs->sessions[i].id, why);
			}
		}
		for (size_t i = 0; i < rs->npsfs; i++) {
			const struct pst_psfs_activity *a = &rs->psfs[i];
			int64_t id;
			if ((err = import_id(g, flags, pass, "psfs_activity", a->id, &want, &now)))
				return err;
			if (!now)
				continue;
			if ((err = psfs_activity_write(g, want, a->activity, a->created, &id))) {
				if (g->lost)
					return err;
				return fail(g, err, "activity %zu (id %lld) could not be added: %s; nothing "
					    "was imported", i + 1, (long long)a->id, why);
			}
			for (size_t k = 0; k < a->nratings; k++)
				if ((err = psfs_rating_write(g, id, a->ratings[k].score, a->ratings[k].at)))
					return err;
		}
	}
	int n = 0;
	if ((err = psfs_count(g, &n)))
		return err;
	if (n > PST_PSFS_MAX_ACTIVITIES)
		return fail(g, PST_EINVAL,
			    "%s: the import would make %d functional-scale activities (at most %d); "
			    "nothing was imported",
			    g->where, n, PST_PSFS_MAX_ACTIVITIES);
	return bump_sequences(g);
}

static int import(struct pst_store *s, const struct pst_record_set *rs, unsigned flags)
{
	struct import_arg a = {rs, flags};
	return in_tx(enter(s), TX_WRITE, import_body, &a);
}

/* A file copy of a server's database is not how PostgreSQL is backed up: pg_dump is. */
static int backup(struct pst_db *db, const char *path)
{
	struct pg *g = enter_db(db);
	return fail(g, PST_EINVAL,
		    "%s: backup makes a copy of an SQLite file; a PostgreSQL store is backed up with "
		    "PostgreSQL's own tools: pg_dump (for example pg_dump --format=custom "
		    "--file=postura.dump DATABASE); 'postura export --format json' writes one "
		    "person's records; %s was not written",
		    g->where, path);
}

/* The person's version (bump: grows with every write to their records, by any
 * connection), and with S_VERSION_ACCOUNTS whether the database holds any account: one
 * statement, one snapshot, one round trip. */
struct version_read {
	int stmt; /* S_VERSION or S_VERSION_ACCOUNTS */
	int64_t v;
	bool accounts;
};

static int version_read_body(struct pg *g, void *arg)
{
	struct version_read *a = arg;
	struct params p = {0};
	p_int(&p, g->person);
	PGresult *r;
	int err = xq(g, a->stmt, &p, "cannot read the data version", &r);
	if (err)
		return err;
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0)) {
		err = fail(g, PST_EIO, "%s: there is no person with id %lld", g->where,
			   (long long)g->person);
	} else {
		a->v = vll(r, 0, 0);
		a->accounts = a->stmt == S_VERSION_ACCOUNTS && vll(r, 0, 1) != 0;
	}
	PQclear(r);
	return err;
}

static int version_read(struct pst_store *s, int stmt, int64_t *v, bool *accounts)
{
	struct version_read a = {.stmt = stmt};
	int err = in_tx(enter(s), TX_ONE, version_read_body, &a);
	if (!err) {
		*v = a.v;
		if (accounts)
			*accounts = a.accounts;
	}
	return err;
}

static int data_version(struct pst_store *s, int64_t *v)
{
	return version_read(s, S_VERSION, v, NULL);
}

static int data_version_accounts(struct pst_store *s, int64_t *v, bool *accounts)
{
	return version_read(s, S_VERSION_ACCOUNTS, v, accounts);
}

/* --- the database: people, transactions -------------------------------------------- */

struct person_arg {
	const char *name;
	int64_t id;
	bool exists;
	struct pst_person *v;
	size_t n;
};

static int person_add_body(struct pg *g, void *arg)
{
	struct person_arg *a = arg;
	const char *v[1] = {a->name ? a->name : ""};
	PGresult *r = PQexecParams(g->conn,
				   "INSERT INTO person (created_epoch, name, version)"
				   " VALUES (extract(epoch FROM now())::bigint, $1, 0) RETURNING id",
				   1, NULL, v, NULL, NULL, 0);
	int err = PQresultStatus(r) == PGRES_TUPLES_OK ? PST_OK : dberr(g, r, "cannot add a person");
	if (!err)
		a->id = vll(r, 0, 0);
	PQclear(r);
	return err;
}

static int person_add(struct pst_db *db, const char *name, int64_t *id)
{
	struct pg *g = enter_db(db);
	char why[300];
	if (!pst_person_name_check(name, why, sizeof why))
		return fail(g, PST_EINVAL, "%s", why);
	struct person_arg a = {.name = name};
	int err = in_tx(g, TX_WRITE, person_add_body, &a);
	if (!err)
		*id = a.id;
	return err;
}

static int person_list_body(struct pg *g, void *arg)
{
	struct person_arg *a = arg;
	free(a->v);
	a->v = NULL;
	a->n = 0;
	PGresult *r = PQexec(g->conn, "SELECT id, name, created_epoch FROM person ORDER BY id");
	int err = PQresultStatus(r) == PGRES_TUPLES_OK ? PST_OK : dberr(g, r, "cannot list the people");
	int n = err ? 0 : PQntuples(r);
	if (n > 0 && !(a->v = calloc((size_t)n, sizeof(*a->v))))
		err = fail(g, PST_ENOMEM, "out of memory");
	for (int i = 0; !err && i < n; i++) {
		a->v[i].id = vll(r, i, 0);
		snprintf(a->v[i].name, sizeof a->v[i].name, "%s", PQgetvalue(r, i, 1));
		a->v[i].created_epoch = vll(r, i, 2);
	}
	if (!err)
		a->n = (size_t)n;
	PQclear(r);
	return err;
}

static int person_list(struct pst_db *db, struct pst_person **out, size_t *n)
{
	struct person_arg a = {0};
	int err = in_tx(enter_db(db), TX_READ, person_list_body, &a);
	if (err) {
		free(a.v);
		a.v = NULL;
		a.n = 0;
	}
	*out = a.v;
	*n = a.n;
	return err;
}

static int person_exists_body(struct pg *g, void *arg)
{
	struct person_arg *a = arg;
	struct params p = {0};
	p_int(&p, a->id);
	PGresult *r = PQexecParams(g->conn, "SELECT 1 FROM person WHERE id = $1", 1, NULL, p.v, NULL,
				   NULL, 0);
	int err = PQresultStatus(r) == PGRES_TUPLES_OK ? PST_OK : dberr(g, r, "cannot look up a person");
	a->exists = !err && PQntuples(r) == 1;
	PQclear(r);
	return err;
}

static int person_exists(struct pst_db *db, int64_t id, bool *exists)
{
	struct person_arg a = {.id = id};
	int err = in_tx(enter_db(db), TX_ONE, person_exists_body, &a);
	*exists = a.exists;
	return err;
}

static int db_begin(struct pst_db *db)
{
	struct pg *g = enter_db(db);
	if (g->in_db_tx)
		return fail(g, PST_EINVAL, "%s: a transaction is already open", g->where);
	int err = ensure(g);
	if (!err)
		err = simple(g, "BEGIN", "cannot start a transaction");
	if (!err)
		g->in_db_tx = true;
	return err;
}

static int db_commit(struct pst_db *db)
{
	struct pg *g = enter_db(db);
	if (!g->in_db_tx)
		return fail(g, PST_EINVAL, "%s: no transaction is open", g->where);
	g->in_db_tx = false;
	PGresult *r = PQexec(g->conn, "COMMIT");
	ExecStatusType st = PQresultStatus(r);
	/* COMMIT of a transaction where something failed answers ROLLBACK: nothing saved */
	int err = st != PGRES_COMMAND_OK ? dberr(g, r, "cannot save")
		  : strcmp(PQcmdStatus(r), "COMMIT") ? fail(g, PST_EIO, "%s: nothing was saved: "
							"something in the transaction failed", g->where)
						      : PST_OK;
	PQclear(r);
	if (err && g->lost)
		return fail(g, PST_EUNAVAILABLE,
			    "%s: the connection was lost while saving: it is not known whether this "
			    "was saved; look before doing it again", g->where);
	return err;
}

static void db_rollback(struct pst_db *db)
{
	struct pg *g = enter_db(db);
	if (!g->in_db_tx)
		return;
	g->in_db_tx = false;
	if (PQstatus(g->conn) == CONNECTION_OK) {
		PGresult *r = PQexec(g->conn, "ROLLBACK");
		PQclear(r);
	}
}

/* The database answers a trivial query (a broken connection is made again first). */
static int ping_body(struct pg *g, void *arg)
{
	(void)arg;
	return simple(g, "SELECT 1", "cannot query the database");
}

static int ping(struct pst_db *db)
{
	struct pg *g = enter_db(db);
	int err = in_tx(g, TX_ONE, ping_body, NULL);
	return err && g->lost ? PST_EUNAVAILABLE : err;
}

static int pq(struct pg *g, const char *sql, const struct params *p, const char *doing,
	      PGresult **out);

/* max_connections less the slots reserved for superusers (and, from PostgreSQL 16,
 * for pg_use_reserved_connections), unless this role is a superuser, or the role's own
 * CONNECTION LIMIT when lower; and the client
 * backends open now (pg_stat_activity lists every one, whoever asks). */
static int limit_body(struct pg *g, void *arg)
{
	int *v = arg;
	PGresult *r;
	int err = pq(g, "SELECT least(current_setting('max_connections')::int - CASE WHEN"
			" r.rolsuper THEN 0 ELSE current_setting('superuser_reserved_connections')::int"
			" + coalesce(current_setting('reserved_connections', true)::int, 0) END,"
			" CASE WHEN r.rolconnlimit >= 0 THEN r.rolconnlimit END),"
			" (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')"
			" FROM pg_roles r WHERE r.rolname = current_user",
		     NULL, "cannot read max_connections", &r);
	if (err)
		return err;
	v[0] = vint(r, 0, 0);
	v[1] = vint(r, 0, 1);
	PQclear(r);
	return PST_OK;
}

static int connection_limit(struct pst_db *db, int *allowed, int *in_use)
{
	int v[2] = {0, 0};
	int err = in_tx(enter_db(db), TX_ONE, limit_body, v);
	*allowed = v[0];
	*in_use = v[1];
	return err;
}

struct secret_arg {
	const char *name;
	const unsigned char *fresh;
	size_t len;
	unsigned char *out;
};

static int secret_body(struct pg *g, void *arg)
{
	struct secret_arg *a = arg;
	char hex[2 * 64 + 3] = "\\x";
	for (size_t i = 0; i < a->len; i++)
		snprintf(hex + 2 + 2 * i, 3, "%02x", a->fresh[i]);
	const char *v[2] = {a->name, hex};
	/* ON CONFLICT DO NOTHING: of two processes starting at once, the first one's stays. */
	PGresult *r = PQexecParams(g->conn,
				   "INSERT INTO deployment_secret (name, value) VALUES ($1, $2::bytea)"
				   " ON CONFLICT (name) DO NOTHING",
				   2, NULL, v, NULL, NULL, 0);
	int err = PQresultStatus(r) == PGRES_COMMAND_OK
			  ? PST_OK
			  : dberr(g, r, "cannot save the deployment's secret");
	PQclear(r);
	if (err)
		return err;
	r = PQexecParams(g->conn, "SELECT encode(value, 'hex') FROM deployment_secret WHERE name = $1",
			 1, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		err = dberr(g, r, "cannot read the deployment's secret");
	} else {
		const char *h = PQgetvalue(r, 0, 0);
		if (strlen(h) != 2 * a->len)
			err = fail(g, PST_EIO, "%s: the deployment's secret '%s' is not %zu bytes",
				   g->where, a->name, a->len);
		for (size_t i = 0; !err && i < a->len; i++) {
			unsigned x = 0;
			if (sscanf(h + 2 * i, "%2x", &x) != 1)
				err = fail(g, PST_EIO, "%s: the deployment's secret '%s' is not hex",
					   g->where, a->name);
			a->out[i] = (unsigned char)x;
		}
	}
	PQclear(r);
	return err;
}

static int secret(struct pst_db *db, const char *name, const unsigned char *fresh, size_t len,
		  unsigned char *out)
{
	struct pg *g = enter_db(db);
	if (len == 0 || len > 64)
		return fail(g, PST_EINVAL, "%s: a secret of %zu bytes", g->where, len);
	struct secret_arg a = {name, fresh, len, out};
	return in_tx(g, TX_WRITE, secret_body, &a);
}

/* --- accounts, sessions, invitations, audit, throttle (issue 14) -------------------- */

/* One statement with text parameters; *out (when not NULL) gets its result, to clear. */
static int pq(struct pg *g, const char *sql, const struct params *p, const char *doing,
	      PGresult **out)
{
	if (out)
		*out = NULL;
	PGresult *r = PQexecParams(g->conn, sql, p ? p->n : 0, NULL, p ? p->v : NULL, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		int err = dberr(g, r, doing);
		PQclear(r);
		return err;
	}
	if (out)
		*out = r;
	else
		PQclear(r);
	return PST_OK;
}

/* The account in ACCOUNT_COLS's order from column c of row i. */
static void account_row_at(const PGresult *r, int i, int c, struct pst_account *out, char *hash,
			   size_t hash_size)
{
	memset(out, 0, sizeof *out);
	out->id = vll(r, i, c);
	snprintf(out->email, sizeof out->email, "%s", PQgetvalue(r, i, c + 1));
	snprintf(out->name, sizeof out->name, "%s", PQgetvalue(r, i, c + 2));
	enum pst_role role = PST_ROLE_PATIENT;
	pst_role_parse(PQgetvalue(r, i, c + 3), &role);
	out->role = role;
	out->person = vll(r, i, c + 4);
	out->clinician = vll(r, i, c + 5);
	const char *pw = PQgetvalue(r, i, c + 6);
	out->has_password = *pw != '\0';
	out->disabled = PQgetvalue(r, i, c + 7)[0] == 't';
	out->created_epoch = vll(r, i, c + 8);
	if (hash && hash_size)
		snprintf(hash, hash_size, "%s", pw);
}

static void account_row(const PGresult *r, int i, struct pst_account *out, char *hash,
			size_t hash_size)
{
	account_row_at(r, i, 0, out, hash, hash_size);
}

struct account_arg {
	const struct pst_account *in;
	const char *email;
	const char *hash;
	int64_t id;
	int role;
	int64_t clinician;
	struct pst_account *out;
	char *hash_out;
	size_t hash_size;
	bool found;
	struct pst_account *v;
	size_t n;
	int flag;
};

static int account_add_body(struct pg *g, void *arg)
{
	struct account_arg *a = arg;
	const struct pst_account *in = a->in;
	struct params p = {0};
	PGresult *r;
	p_text(&p, a->email);
	int err = pq(g, "SELECT 1 FROM account WHERE email = $1", &p,
		     "cannot look up an account", &r);
	if (err)
		return err;
	int rows = PQntuples(r);
	PQclear(r);
	if (rows)
		return fail(g, PST_EEXISTS, "%s: there is already an account with the email %s",
			    g->where, a->email);
	if (in->role == PST_ROLE_PATIENT && in->clinician) {
		p = (struct params){0};
		p_int(&p, in->clinician);
		if ((err = pq(g, "SELECT 1 FROM account WHERE id = $1 AND role = 'clinician'", &p,
			      "cannot look up an account", &r)))
			return err;
		rows = PQntuples(r);
		PQclear(r);
		if (!rows)
			return fail(g, PST_ENOTFOUND, "%s: there is no clinician account with id %lld",
				    g->where, (long long)in->clinician);
	}
	int64_t person = 0;
	if (in->role == PST_ROLE_PATIENT) {
		p = (struct params){0};
		p_text(&p, in->name);
		if ((err = pq(g, "INSERT INTO person (created_epoch, name, version)"
				 " VALUES (extract(epoch FROM now())::bigint, $1, 0) RETURNING id",
			      &p, "cannot add the patient's person", &r)))
			return err;
		person = vll(r, 0, 0);
		PQclear(r);
	}
	p = (struct params){0};
	p_text(&p, a->email);
	p_text(&p, in->name);
	p_text(&p, pst_role_name(in->role));
	if (person)
		p_int(&p, person);
	else
		p_text(&p, NULL);
	if (in->role == PST_ROLE_PATIENT && in->clinician)
		p_int(&p, in->clinician);
	else
		p_text(&p, NULL);
	p_text(&p, a->hash && *a->hash ? a->hash : NULL);
	r = PQexecParams(g->conn,
			 "INSERT INTO account (email, name, role, person_id, clinician_id, password,"
			 " disabled, created_epoch) VALUES ($1, $2, $3, $4, $5, $6, false,"
			 " extract(epoch FROM now())::bigint) RETURNING id",
			 p.n, NULL, p.v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (state && !strcmp(state, "23505"))
			err = fail(g, PST_EEXISTS, "%s: there is already an account with the email %s",
				   g->where, a->email);
		else
			err = dberr(g, r, "cannot add the account");
		PQclear(r);
		return err;
	}
	a->id = vll(r, 0, 0);
	PQclear(r);
	return PST_OK;
}

static int account_add(struct pst_db *db, const struct pst_account *in, const char *hash,
		       int64_t *id)
{
	struct pg *g = enter_db(db);
	char email[PST_EMAIL_MAX + 1], why[500];
	if (pst_account_input_check(in, email, why, sizeof why))
		return fail(g, PST_EINVAL, "%s", why);
	struct account_arg a = {.in = in, .email = email, .hash = hash};
	int err = in_tx(g, TX_WRITE, account_add_body, &a);
	if (!err)
		*id = a.id;
	return err;
}

static int account_get_body(struct pg *g, void *arg)
{
	struct account_arg *a = arg;
	struct params p = {0};
	PGresult *r;
	int err;
	if (a->email) {
		p_text(&p, a->email);
		err = pq(g, "SELECT " ACCOUNT_COLS " FROM account WHERE email = $1", &p,
			 "cannot read an account", &r);
	} else {
		p_int(&p, a->id);
		err = xq(g, S_ACCOUNT_BY_ID, &p, "cannot read an account", &r);
	}
	if (err)
		return err;
	a->found = PQntuples(r) == 1;
	if (a->found)
		account_row(r, 0, a->out, a->hash_out, a->hash_size);
	PQclear(r);
	return PST_OK;
}

static int account_get(struct pst_db *db, int64_t id, struct pst_account *out, bool *found)
{
	struct account_arg a = {.id = id, .out = out};
	int err = in_tx(enter_db(db), TX_ONE, account_get_body, &a);
	*found = !err && a.found;
	return err;
}

static int account_by_email(struct pst_db *db, const char *email, struct pst_account *out,
			    char *hash_out, size_t hash_size, bool *found)
{
	char norm[PST_EMAIL_MAX + 1], why[300];
	*found = false;
	if (hash_out && hash_size)
		hash_out[0] = '\0';
	if (!pst_email_normalize(email, norm, sizeof norm, why, sizeof why))
		return PST_OK;
	struct account_arg a = {.email = norm, .out = out, .hash_out = hash_out, .hash_size = hash_size};
	int err = in_tx(enter_db(db), TX_ONE, account_get_body, &a);
	*found = !err && a.found;
	return err;
}

static int account_list_body(struct pg *g, void *arg)
{
	struct account_arg *a = arg;
	free(a->v);
	a->v = NULL;
	a->n = 0;
	struct params p = {0};
	p_text(&p, a->role >= 0 ? pst_role_name((enum pst_role)a->role) : NULL);
	p_int(&p, a->clinician);
	PGresult *r;
	/* A clinician's patients through the clinician_id index, whatever the plan. */
	int err = pq(g, a->clinician ? "SELECT " ACCOUNT_COLS " FROM account WHERE clinician_id = $2"
				       " AND ($1::text IS NULL OR role = $1) ORDER BY id"
				     : "SELECT " ACCOUNT_COLS " FROM account WHERE ($1::text IS NULL OR role = $1)"
				       " AND $2::bigint = 0 ORDER BY id",
		     &p, "cannot list the accounts", &r);
	if (err)
		return err;
	int n = PQntuples(r);
	if (n > 0 && !(a->v = calloc((size_t)n, sizeof(*a->v))))
		err = fail(g, PST_ENOMEM, "out of memory");
	for (int i = 0; !err && i < n; i++)
		account_row(r, i, &a->v[i], NULL, 0);
	if (!err)
		a->n = (size_t)n;
	PQclear(r);
	return err;
}

static int account_list(struct pst_db *db, int role, int64_t clinician, struct pst_account **out,
			size_t *n)
{
	struct account_arg a = {.role = role, .clinician = clinician};
	int err = in_tx(enter_db(db), TX_ONE, account_list_body, &a);
	if (err) {
		free(a.v);
		a.v = NULL;
		a.n = 0;
	}
	*out = a.v;
	*n = a.n;
	return err;
}

static int account_count_body(struct pg *g, void *arg)
{
	struct account_arg *a = arg;
	PGresult *r;
	struct params none = {0};
	int err = xq(g, S_ACCOUNT_COUNT, &none, "cannot count the accounts", &r);
	if (!err) {
		a->id = vll(r, 0, 0);
		PQclear(r);
	}
	return err;
}

static int account_count(struct pst_db *db, int64_t *n)
{
	struct account_arg a = {0};
	int err = in_tx(enter_db(db), TX_ONE, account_count_body, &a);
	*n = err ? 0 : a.id;
	return err;
}

/* Sets the password (flag < 0) or disabled (flag 0/1), then ends the sessions. */
static int account_update_body(struct pg *g, void *arg)
{
	struct account_arg *a = arg;
	struct params p = {0};
	p_int(&p, a->id);
	PGresult *r;
	int err;
	if (a->flag < 0) {
		p_text(&p, a->hash && *a->hash ? a->hash : NULL);
		err = pq(g, "UPDATE account SET password = $2 WHERE id = $1", &p,
			 "cannot change the account", &r);
	} else {
		p_text(&p, a->flag ? "true" : "false");
		err = pq(g, "UPDATE account SET disabled = $2::boolean WHERE id = $1", &p,
			 "cannot change the account", &r);
	}
	if (err)
		return err;
	bool changed = strcmp(PQcmdTuples(r), "0") != 0;
	PQclear(r);
	if (!changed)
		return fail(g, PST_ENOTFOUND, "%s: there is no account with id %lld", g->where,
			    (long long)a->id);
	p = (struct params){0};
	p_int(&p, a->id);
	return pq(g, "DELETE FROM auth_session WHERE account_id = $1", &p,
		  "cannot end the account's sessions", NULL);
}

static int account_set_password(struct pst_db *db, int64_t id, const char *hash)
{
	struct account_arg a = {.id = id, .hash = hash, .flag = -1};
	return in_tx(enter_db(db), TX_WRITE, account_update_body, &a);
}

static int account_rehash_body(struct pg *g, void *arg)
{
	struct account_arg *a = arg;
	struct params p = {0};
	p_int(&p, a->id);
	p_text(&p, a->email); /* the old hash */
	p_text(&p, a->hash);
	PGresult *r;
	int err = pq(g, "UPDATE account SET password = $3 WHERE id = $1 AND password = $2", &p,
		     "cannot change the account's password hash", &r);
	if (err)
		return err;
	a->found = strcmp(PQcmdTuples(r), "0") != 0;
	PQclear(r);
	return PST_OK;
}

static int account_rehash(struct pst_db *db, int64_t id, const char *old_hash, const char *new_hash,
			  bool *changed)
{
	struct pg *g = enter_db(db);
	*changed = false;
	if (!old_hash || !*old_hash || !new_hash || !*new_hash)
		return fail(g, PST_EINVAL, "a password hash is empty");
	struct account_arg a = {.id = id, .email = old_hash, .hash = new_hash};
	int err = in_tx(g, TX_WRITE, account_rehash_body, &a);
	if (!err)
		*changed = a.found;
	return err;
}

static int account_set_disabled(struct pst_db *db, int64_t id, bool disabled)
{
	struct account_arg a = {.id = id, .flag = disabled ? 1 : 0};
	return in_tx(enter_db(db), TX_WRITE, account_update_body, &a);
}

struct token_arg {
	char hex[2 * PST_TOKEN_HASH_SIZE + 1];
	int64_t account;
	int64_t a, b; /* now, expires, created_before/seen_before */
	const char *address;
	struct pst_auth_session *out;
	bool found;
	int64_t n;
};

static int account_must_exist(struct pg *g, int64_t id)
{
	struct params p = {0};
	p_int(&p, id);
	PGresult *r;
	int err = pq(g, "SELECT 1 FROM account WHERE id = $1", &p, "cannot look up an account", &r);
	if (err)
		return err;
	int rows = PQntuples(r);
	PQclear(r);
	return rows ? PST_OK
		    : fail(g, PST_ENOTFOUND, "%s: there is no account with id %lld", g->where,
			   (long long)id);
}

static int auth_session_add_body(struct pg *g, void *arg)
{
	struct token_arg *t = arg;
	int err = account_must_exist(g, t->account);
	if (err)
		return err;
	struct params p = {0};
	p_text(&p, t->hex);
	p_int(&p, t->account);
	p_int(&p, t->a);
	p_text(&p, t->address ? t->address : "");
	return pq(g, "INSERT INTO auth_session (token_hash, account_id, created_epoch,"
		     " last_seen_epoch, address) VALUES ($1, $2, $3, $3, $4)",
		  &p, "cannot add a login session", NULL);
}

static int auth_session_add(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			    int64_t account, int64_t now, const char *address)
{
	struct pg *g = enter_db(db);
	char why[200];
	if (pst_address_check(address, why, sizeof why))
		return fail(g, PST_EINVAL, "%s", why);
	struct token_arg t = {.account = account, .a = now, .address = address};
	pst_token_hash_hex(hash, t.hex);
	return in_tx(g, TX_WRITE, auth_session_add_body, &t);
}

static int auth_session_get_body(struct pg *g, void *arg)
{
	struct token_arg *t = arg;
	struct params p = {0};
	p_text(&p, t->hex);
	PGresult *r;
	int err = pq(g, "SELECT account_id, created_epoch, last_seen_epoch, address FROM auth_session"
			" WHERE token_hash = $1",
		     &p, "cannot read a login session", &r);
	if (err)
		return err;
	t->found = PQntuples(r) == 1;
	if (t->found) {
		memset(t->out, 0, sizeof *t->out);
		t->out->account = vll(r, 0, 0);
		t->out->created_epoch = vll(r, 0, 1);
		t->out->last_seen_epoch = vll(r, 0, 2);
		snprintf(t->out->address, sizeof t->out->address, "%s", PQgetvalue(r, 0, 3));
	}
	PQclear(r);
	return PST_OK;
}

static int auth_session_get(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			    struct pst_auth_session *out, bool *found)
{
	struct token_arg t = {.out = out};
	pst_token_hash_hex(hash, t.hex);
	int err = in_tx(enter_db(db), TX_ONE, auth_session_get_body, &t);
	*found = !err && t.found;
	return err;
}

struct session_read_arg {
	char hex[2 * PST_TOKEN_HASH_SIZE + 1];
	int64_t patient;
	struct pst_session_read *out;
	bool found;
};

static int auth_session_read_body(struct pg *g, void *arg)
{
	struct session_read_arg *t = arg;
	struct params p = {0};
	p_text(&p, t->hex);
	p_int(&p, t->patient);
	PGresult *r;
	int err = xq(g, S_SESSION_READ, &p, "cannot read a login session", &r);
	if (err)
		return err;
	t->found = PQntuples(r) == 1;
	if (t->found) {
		struct pst_session_read *o = t->out;
		memset(o, 0, sizeof *o);
		o->session.created_epoch = vll(r, 0, 0);
		o->session.last_seen_epoch = vll(r, 0, 1);
		snprintf(o->session.address, sizeof o->session.address, "%s", PQgetvalue(r, 0, 2));
		account_row_at(r, 0, PST_SESSION_READ_ACCOUNT, &o->account, NULL, 0);
		o->session.account = o->account.id;
		o->has_own_version = !PQgetisnull(r, 0, PST_SESSION_READ_OWN_VERSION);
		if (o->has_own_version)
			o->own_version = vll(r, 0, PST_SESSION_READ_OWN_VERSION);
		o->has_patient = !PQgetisnull(r, 0, PST_SESSION_READ_PATIENT);
		if (o->has_patient) {
			account_row_at(r, 0, PST_SESSION_READ_PATIENT, &o->patient, NULL, 0);
			o->patient_version = vll(r, 0, PST_SESSION_READ_VERSION);
		}
		o->has_roster_version = !PQgetisnull(r, 0, PST_SESSION_READ_ROSTER);
		if (o->has_roster_version)
			o->roster_version = vll(r, 0, PST_SESSION_READ_ROSTER);
	}
	PQclear(r);
	return PST_OK;
}

static int auth_session_read(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			     int64_t patient, struct pst_session_read *out, bool *found)
{
	struct session_read_arg t = {.patient = patient, .out = out};
	pst_token_hash_hex(hash, t.hex);
	int err = in_tx(enter_db(db), TX_ONE, auth_session_read_body, &t);
	*found = !err && t.found;
	return err;
}

/* One UPDATE that commits by itself (TX_SELF): one round trip, once a minute a session. */
static int auth_session_touch_body(struct pg *g, void *arg)
{
	struct token_arg *t = arg;
	struct params p = {0};
	p_text(&p, t->hex);
	p_int(&p, t->a);
	return xrun_self(g, S_SESSION_TOUCH, &p, "cannot update a login session");
}

static int auth_session_touch(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			      int64_t now)
{
	struct token_arg t = {.a = now};
	pst_token_hash_hex(hash, t.hex);
	return in_tx(enter_db(db), TX_SELF, auth_session_touch_body, &t);
}

static int auth_session_delete_body(struct pg *g, void *arg)
{
	struct token_arg *t = arg;
	struct params p = {0};
	p_text(&p, t->hex);
	return pq(g, "DELETE FROM auth_session WHERE token_hash = $1", &p, "cannot end a login session",
		  NULL);
}

static int auth_session_delete(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE])
{
	struct token_arg t = {0};
	pst_token_hash_hex(hash, t.hex);
	return in_tx(enter_db(db), TX_WRITE, auth_session_delete_body, &t);
}

static int auth_session_purge_body(struct pg *g, void *arg)
{
	struct token_arg *t = arg;
	struct params p = {0};
	p_int(&p, t->a);
	p_int(&p, t->b);
	PGresult *r;
	int err = pq(g, "DELETE FROM auth_session WHERE created_epoch < $1 OR last_seen_epoch < $2", &p,
		     "cannot remove expired login sessions", &r);
	if (!err) {
		t->n = strtoll(PQcmdTuples(r), NULL, 10);
		PQclear(r);
	}
	return err;
}

static int auth_session_purge(struct pst_db *db, int64_t created_before, int64_t seen_before,
			      int64_t *n)
{
	struct token_arg t = {.a = created_before, .b = seen_before};
	int err = in_tx(enter_db(db), TX_WRITE, auth_session_purge_body, &t);
	if (!err && n)
		*n = t.n;
	return err;
}

static int invitation_add_body(struct pg *g, void *arg)
{
	struct token_arg *t = arg;
	int err = account_must_exist(g, t->account);
	if (err)
		return err;
	struct params p = {0};
	p_text(&p, t->hex);
	p_int(&p, t->account);
	p_int(&p, t->a);
	return pq(g, "INSERT INTO invitation (token_hash, account_id, expires_epoch) VALUES ($1, $2, $3)",
		  &p, "cannot add an invitation", NULL);
}

static int invitation_add(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			  int64_t account, int64_t expires)
{
	struct token_arg t = {.account = account, .a = expires};
	pst_token_hash_hex(hash, t.hex);
	return in_tx(enter_db(db), TX_WRITE, invitation_add_body, &t);
}

static int invitation_take_body(struct pg *g, void *arg)
{
	struct token_arg *t = arg;
	struct params p = {0};
	p_text(&p, t->hex);
	PGresult *r;
	/* DELETE ... RETURNING: of two takes at once, one gets the row */
	int err = pq(g, "DELETE FROM invitation WHERE token_hash = $1 RETURNING account_id, expires_epoch",
		     &p, "cannot take an invitation", &r);
	if (err)
		return err;
	t->found = false;
	t->account = 0;
	if (PQntuples(r) == 1 && vll(r, 0, 1) > t->a) {
		t->found = true;
		t->account = vll(r, 0, 0);
	}
	PQclear(r);
	p = (struct params){0};
	p_int(&p, t->a);
	return pq(g, "DELETE FROM invitation WHERE expires_epoch <= $1", &p,
		  "cannot remove expired invitations", NULL);
}

static int invitation_take(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			   int64_t now, int64_t *account, bool *found)
{
	struct token_arg t = {.a = now};
	pst_token_hash_hex(hash, t.hex);
	int err = in_tx(enter_db(db), TX_WRITE, invitation_take_body, &t);
	*found = !err && t.found;
	*account = *found ? t.account : 0;
	return err;
}

static int invitation_peek_body(struct pg *g, void *arg)
{
	struct token_arg *t = arg;
	struct params p = {0};
	p_text(&p, t->hex);
	p_int(&p, t->a);
	PGresult *r;
	int err = pq(g, "SELECT account_id FROM invitation WHERE token_hash = $1 AND expires_epoch > $2",
		     &p, "cannot read an invitation", &r);
	if (err)
		return err;
	t->found = PQntuples(r) == 1;
	t->account = t->found ? vll(r, 0, 0) : 0;
	PQclear(r);
	return PST_OK;
}

static int invitation_peek(struct pst_db *db, const unsigned char hash[PST_TOKEN_HASH_SIZE],
			   int64_t now, int64_t *account, bool *found)
{
	struct token_arg t = {.a = now};
	pst_token_hash_hex(hash, t.hex);
	int err = in_tx(enter_db(db), TX_READ, invitation_peek_body, &t);
	*found = !err && t.found;
	*account = *found ? t.account : 0;
	return err;
}

/* The entries as six array literals (bigint and text, arr_add), unnested in one INSERT:
 * one statement for the whole group, in order. */
struct audit_many {
	const struct pst_audit *e;
	size_t n;
};

static char *array_literal(const struct pst_audit *e, size_t n, int col)
{
	struct pst_buf b;
	pst_buf_init(&b, (size_t)16 << 20);
	for (size_t i = 0; i < n; i++) {
		char num[24];
		int64_t v = col == 0 ? e[i].at_epoch : col == 1 ? e[i].actor : col == 3 ? e[i].patient
										   : e[i].account;
		snprintf(num, sizeof num, "%" PRId64, v);
		arr_add(&b, col == 2 ? e[i].action : col == 5 ? e[i].address : num);
	}
	if (!arr_end(&b)) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.s; /* malloc'd: the caller frees it */
}

static int audit_add_body(struct pg *g, void *arg)
{
	const struct audit_many *a = arg;
	struct params p = {0};
	char *cols[6] = {NULL};
	int err = PST_OK;
	for (int c = 0; c < 6 && !err; c++)
		if (!(cols[c] = array_literal(a->e, a->n, c)))
			err = fail(g, PST_ENOMEM, "out of memory");
	for (int c = 0; c < 6 && !err; c++)
		p_text(&p, cols[c]);
	if (!err)
		err = xrun_self(g, S_AUDIT_ADD, &p, "cannot write to the audit log");
	for (int c = 0; c < 6; c++)
		free(cols[c]);
	return err;
}

static int audit_add_many(struct pst_db *db, const struct pst_audit *e, size_t n)
{
	struct pg *g = enter_db(db);
	char why[200];
	for (size_t i = 0; i < n; i++)
		if (pst_audit_check(&e[i], why, sizeof why))
			return fail(g, PST_EINVAL, "%s", why);
	if (n == 0)
		return PST_OK;
	struct audit_many a = {e, n};
	/* One statement, its own transaction: all the entries or none. */
	return in_tx(g, TX_SELF, audit_add_body, &a);
}

static int audit_add(struct pst_db *db, const struct pst_audit *e)
{
	return audit_add_many(db, e, 1);
}

struct audit_arg {
	int64_t since, limit;
	struct pst_audit *v;
	size_t n;
};

static int audit_list_body(struct pg *g, void *arg)
{
	struct audit_arg *a = arg;
	free(a->v);
	a->v = NULL;
	a->n = 0;
	struct params p = {0};
	p_int(&p, a->since);
	if (a->limit > 0)
		p_int(&p, a->limit);
	else
		p_text(&p, NULL); /* LIMIT NULL: all */
	PGresult *r;
	int err = pq(g, "SELECT id, at_epoch, actor_id, action, patient_id, account_id, address"
			" FROM audit WHERE at_epoch >= $1 ORDER BY at_epoch DESC, id DESC LIMIT $2::bigint",
		     &p, "cannot read the audit log", &r);
	if (err)
		return err;
	int n = PQntuples(r);
	if (n > 0 && !(a->v = calloc((size_t)n, sizeof(*a->v))))
		err = fail(g, PST_ENOMEM, "out of memory");
	for (int i = 0; !err && i < n; i++) {
		struct pst_audit *e = &a->v[i];
		e->id = vll(r, i, 0);
		e->at_epoch = vll(r, i, 1);
		e->actor = vll(r, i, 2);
		snprintf(e->action, sizeof e->action, "%s", PQgetvalue(r, i, 3));
		e->patient = vll(r, i, 4);
		e->account = vll(r, i, 5);
		snprintf(e->address, sizeof e->address, "%s", PQgetvalue(r, i, 6));
	}
	if (!err)
		a->n = (size_t)n;
	PQclear(r);
	return err;
}

static int audit_list(struct pst_db *db, int64_t since, int64_t limit, struct pst_audit **out,
		      size_t *n)
{
	struct audit_arg a = {.since = since, .limit = limit};
	int err = in_tx(enter_db(db), TX_ONE, audit_list_body, &a);
	if (err) {
		free(a.v);
		a.v = NULL;
		a.n = 0;
	}
	*out = a.v;
	*n = a.n;
	return err;
}

struct throttle_arg {
	const char *key;
	int64_t now, window;
	int64_t start, failures;
	bool count;
};

static int throttle_body(struct pg *g, void *arg)
{
	struct throttle_arg *t = arg;
	struct params p = {0};
	p_text(&p, t->key);
	PGresult *r;
	int err;
	t->start = t->now;
	t->failures = 0;
	if (t->count) {
		p_int(&p, t->now);
		p_int(&p, t->window);
		/* A window over (or none yet) starts again at now with this failure; the row
		 * lock of ON CONFLICT makes two processes' failures both count. */
		err = pq(g, "INSERT INTO login_throttle AS t (key, window_start, failures)"
			    " VALUES ($1, $2, 1) ON CONFLICT (key) DO UPDATE SET"
			    " failures = CASE WHEN t.window_start + $3 <= $2 THEN 1 ELSE t.failures + 1 END,"
			    " window_start = CASE WHEN t.window_start + $3 <= $2 THEN $2 ELSE t.window_start END"
			    " RETURNING window_start, failures",
			 &p, "cannot count a failed login", &r);
	} else {
		err = pq(g, "SELECT window_start, failures FROM login_throttle WHERE key = $1", &p,
			 "cannot read the login throttle", &r);
	}
	if (err)
		return err;
	if (PQntuples(r) == 1) {
		t->start = vll(r, 0, 0);
		t->failures = vll(r, 0, 1);
	}
	PQclear(r);
	return PST_OK;
}

static int throttle_run(struct pst_db *db, const char *key, int64_t now, int64_t window,
			int64_t limit, bool *allowed, int64_t *retry, bool count)
{
	struct pg *g = enter_db(db);
	*allowed = false;
	*retry = 0;
	char why[200];
	if (pst_throttle_key_check(key, why, sizeof why))
		return fail(g, PST_EINVAL, "%s", why);
	if (window < 1 || limit < 1)
		return fail(g, PST_EINVAL, "a throttle's window (%lld s) and limit (%lld) are at least 1",
			    (long long)window, (long long)limit);
	struct throttle_arg t = {.key = key, .now = now, .window = window, .count = count};
	int err = in_tx(g, count ? TX_WRITE : TX_ONE, throttle_body, &t);
	if (err)
		return err;
	if (t.start + window <= now || t.failures < limit) {
		*allowed = true;
	} else {
		*retry = t.start + window - now;
		if (*retry < 1)
			*retry = 1;
	}
	return PST_OK;
}

static int throttle_hit(struct pst_db *db, const char *key, int64_t now, int64_t window,
			int64_t limit, bool *allowed, int64_t *retry)
{
	return throttle_run(db, key, now, window, limit, allowed, retry, true);
}

static int throttle_check(struct pst_db *db, const char *key, int64_t now, int64_t window,
			  int64_t limit, bool *allowed, int64_t *retry)
{
	return throttle_run(db, key, now, window, limit, allowed, retry, false);
}

static int throttle_clear_body(struct pg *g, void *arg)
{
	struct params p = {0};
	p_text(&p, arg);
	return pq(g, "DELETE FROM login_throttle WHERE key = $1", &p, "cannot clear the login throttle",
		  NULL);
}

static int throttle_clear(struct pst_db *db, const char *key)
{
	return in_tx(enter_db(db), TX_WRITE, throttle_clear_body, (void *)(uintptr_t)(key ? key : ""));
}

static void close_db(struct pst_db *db)
{
	struct pg *g = enter_db(db);
	db_rollback(db);
	PQfinish(g->conn);
	explicit_bzero(g->secret, sizeof g->secret);
	free(g);
}

static const struct pst_store_ops pg_store_ops = {
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

struct summary_arg {
	char *ids;
	int64_t today;
	struct pst_summary_set *set;
};

static int summary_people(struct pg *g, PGresult *r, struct pst_summary_set *set)
{
	bool oom = false;
	for (int i = 0; i < PQntuples(r); i++) {
		size_t n;
		const struct pst_summary_key *key = pst_summary_find(set, vll(r, i, 0), &n);
		const char *answers = NULL, *hurt = NULL;
		if (n && !PQgetisnull(r, i, 8))
			answers = pst_summary_text(set, PQgetvalue(r, i, 8), 0, &oom);
		if (n && !PQgetisnull(r, i, 14))
			hurt = pst_summary_text(set, PQgetvalue(r, i, 14), 0, &oom);
		for (size_t k = 0; k < n; k++) {
			struct pst_patient_summary *s = &set->v[key[k].i];
			int stage = PQgetisnull(r, i, 1) ? -1 : pst_vocab_find(&pst_vocab_stage, PQgetvalue(r, i, 1));
			if (stage >= 0) {
				s->has_profile = true;
				s->stage = (enum pst_stage)stage;
				s->anchor_day = vll(r, i, 2);
				s->minutes = vint(r, i, 3);
				s->plan_start_day = pst_time_day((struct pst_time){vll(r, i, 4), vint(r, i, 5)});
				if (!PQgetisnull(r, i, 6) && vll(r, i, 6) < s->plan_start_day)
					s->plan_start_day = vll(r, i, 6);
			}
			if (answers) {
				s->has_screening = true;
				s->screening_stages = (unsigned)vll(r, i, 7);
				s->screening_answers = answers;
				s->screened_at = (struct pst_time){vll(r, i, 9), vint(r, i, 10)};
			}
			s->sessions_week = vint(r, i, 11);
			s->hurt_count = vint(r, i, 12);
			s->hurt_day = PQgetisnull(r, i, 13) ? 0 : vll(r, i, 13);
			s->hurt_exercise = hurt;
		}
	}
	return oom ? fail(g, PST_ENOMEM, "out of memory") : PST_OK;
}

static void summary_pain(PGresult *r, struct pst_summary_set *set)
{
	for (int i = 0; i < PQntuples(r); i++) {
		struct pst_summary_pain_row row = {
			.has_c = !PQgetisnull(r, i, 1),
			.has_s = !PQgetisnull(r, i, 4),
			.c_count = vll(r, i, 8),
			.c_sum = vll(r, i, 9),
			.s_count = vll(r, i, 10),
			.s_sum = vll(r, i, 11),
		};
		if (row.has_c) {
			row.cp = vint(r, i, 1);
			row.ct = (struct pst_time){vll(r, i, 2), vint(r, i, 3)};
		}
		if (row.has_s) {
			row.sp = vint(r, i, 4);
			row.st = (struct pst_time){vll(r, i, 5), vint(r, i, 6)};
		}
		pst_summary_set_pain(set, vll(r, i, 0), &row);
	}
}

static int summaries_body(struct pg *g, void *arg)
{
	struct summary_arg *a = arg;
	struct params p = {0};
	p_text(&p, a->ids);
	p_int(&p, a->today);
	p_int(&p, pst_day_monday(a->today));
	p_int(&p, a->today - (PST_ATTENTION_HURT_DAYS - 1));
	PGresult *r;
	int err = xq(g, S_SUMMARY_PEOPLE, &p, "cannot read the patients' summaries", &r);
	if (err)
		return err;
	err = summary_people(g, r, a->set);
	PQclear(r);
	if (err)
		return err;
	p.n = 2;
	if ((err = xq(g, S_SUMMARY_PAIN, &p, "cannot read the patients' pain", &r)))
		return err;
	summary_pain(r, a->set);
	PQclear(r);
	return PST_OK;
}

static int summaries(struct pst_db *db, const int64_t *people, size_t n, int64_t today,
		     struct pst_summary_set *out)
{
	struct pg *g = enter_db(db);
	if (pst_summary_set_init(out, people, n))
		return fail(g, PST_ENOMEM, "out of memory");
	struct summary_arg a = {.ids = pst_summary_id_list(people, n, "{", "}"), .today = today};
	if (!a.ids)
		return fail(g, PST_ENOMEM, "out of memory");
	/* A run again on a new connection (in_tx, after a reset) sets every field again. */
	a.set = out;
	int err = in_tx(g, TX_READ, summaries_body, &a);
	free(a.ids);
	return err;
}

struct roster_arg {
	int64_t clinician;
	int64_t version;
};

static int roster_version_body(struct pg *g, void *arg)
{
	struct roster_arg *a = arg;
	struct params p = {0};
	p_int(&p, a->clinician);
	PGresult *r;
	int err = xq(g, S_ROSTER_VERSION, &p, "cannot read the roster's version", &r);
	if (err)
		return err;
	a->version = PQntuples(r) == 1 ? vll(r, 0, 0) : 0;
	PQclear(r);
	return PST_OK;
}

static int roster_version(struct pst_db *db, int64_t clinician, int64_t *version)
{
	struct roster_arg a = {.clinician = clinician};
	int err = in_tx(enter_db(db), TX_ONE, roster_version_body, &a);
	*version = err ? 0 : a.version;
	return err;
}

static const struct pst_db_ops pg_db_ops = {
	.name = "postgresql",
	.close = close_db,
	.person_add = person_add,
	.person_list = person_list,
	.person_exists = person_exists,
	.begin = db_begin,
	.commit = db_commit,
	.rollback = db_rollback,
	.backup = backup,
	.ping = ping,
	.connection_limit = connection_limit,
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

/* --- opening and migrations ----------------------------------------------------------- */

/* The schema version: 0 in an empty database. */
static int schema_version(struct pg *g, int *version)
{
	*version = 0;
	PGresult *r = PQexec(g->conn, "SELECT to_regclass('postura_schema') IS NOT NULL");
	int err = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
			  ? PST_OK
			  : dberr(g, r, "cannot read the schema version");
	bool exists = !err && !strcmp(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	if (err || !exists)
		return err;
	r = PQexec(g->conn, "SELECT coalesce(max(version), 0) FROM postura_schema");
	err = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1
		      ? PST_OK
		      : dberr(g, r, "cannot read the schema version");
	if (!err)
		*version = vint(r, 0, 0);
	PQclear(r);
	return err;
}

static int check_version(struct pg *g, int version)
{
	if (version > pst_store_schema_version)
		return fail(g, PST_EIO,
			    "%s was written by a newer postura (schema %d; this one knows up to %d); "
			    "it was left untouched: update postura to open it",
			    g->where, version, pst_store_schema_version);
	return PST_OK;
}

static int migrate(struct pg *g)
{
	int version, err = schema_version(g, &version);
	if (err || (err = check_version(g, version)) || version == pst_store_schema_version)
		return err;
	/* Two processes opening a new database at once: the first migrates, the other waits
	 * for it and finds it done. Each migration commits with its version. */
	for (;;) {
		if ((err = simple(g, "BEGIN", "cannot upgrade the schema")))
			return err;
		if ((err = simple(g, "SELECT pg_advisory_xact_lock(7305067211)", "cannot upgrade the schema")) ||
		    (err = simple(g, "CREATE TABLE IF NOT EXISTS postura_schema (version INTEGER NOT NULL)",
				  "cannot upgrade the schema")) ||
		    (err = schema_version(g, &version)))
			goto undo;
		if (version >= pst_store_schema_version) {
			simple(g, "ROLLBACK", "cannot upgrade the schema");
			return check_version(g, version);
		}
		char sql[128];
		snprintf(sql, sizeof sql,
			 "DELETE FROM postura_schema; INSERT INTO postura_schema VALUES (%d)", version + 1);
		if (!pst_migrations[version].pg) {
			err = fail(g, PST_EIO, "%s: schema %d has no PostgreSQL migration in this postura",
				   g->where, version + 1);
			goto undo;
		}
		if ((err = simple(g, pst_migrations[version].pg, "cannot upgrade the schema")) ||
		    (err = simple(g, sql, "cannot upgrade the schema")) ||
		    (err = simple(g, "COMMIT", "cannot upgrade the schema")))
			goto undo;
	}
undo:
	if (!g->lost) {
		PGresult *r = PQexec(g->conn, "ROLLBACK");
		PQclear(r);
	}
	return err;
}

/* The server's notices ("relation already exists, skipping") are not for the person. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* The password of a URI as written (user:PASSWORD@), percent-decoding aside: only to
 * keep it out of messages when libpq cannot even parse the URI. */
static void uri_password(const char *uri, char *out, size_t size)
{
	out[0] = '\0';
	const char *p = strstr(uri, "://");
	if (!p)
		return;
	p += 3;
	size_t auth = strcspn(p, "/?#");
	const char *at = memchr(p, '@', auth);
	if (!at)
		return;
	const char *colon = memchr(p, ':', (size_t)(at - p));
	if (!colon || at - colon - 1 <= 0)
		return;
	snprintf(out, size, "%.*s", (int)(at - colon - 1), colon + 1);
}

int pst_db_open_pg(const char *uri, unsigned flags, struct pst_db **out, char *errmsg,
		   size_t size)
{
	*out = NULL;
	struct pg *g = calloc(1, sizeof(*g));
	if (!g) {
		if (errmsg)
			snprintf(errmsg, size, "out of memory");
		return PST_ENOMEM;
	}
	g->base.ops = &pg_db_ops;
	g->base.store_ops = &pg_store_ops;
	g->base.where = g->where;
	g->err = g->base.errmsg;
	uri_password(uri, g->secret, sizeof g->secret);
	int err = PST_OK;
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(uri, &perr);
	if (!opts) {
		char why[300];
		first_line(perr ? perr : "out of memory", why, sizeof why);
		PQfreemem(perr);
		err = fail(g, PST_EINVAL, "--db: not a valid PostgreSQL address (postgresql://USER@HOST:PORT/"
			   "DATABASE): %s", why);
		goto out;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && *o->val)
			snprintf(g->secret, sizeof g->secret, "%s", o->val);
	PQconninfoFree(opts);
	/* A server that does not answer is given up after 10 seconds, unless the URI says;
	 * the application name shows in pg_stat_activity. */
	const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
	const char *const vals[] = {"10", "postura", uri, NULL};
	g->conn = PQconnectdbParams(keys, vals, 1);
	if (!g->conn) {
		err = fail(g, PST_ENOMEM, "out of memory");
		goto out;
	}
	describe(g);
	snprintf(g->key, sizeof g->key, "%s\n%s\n%s\n%s\n%s", PQhost(g->conn) ? PQhost(g->conn) : "",
		 PQport(g->conn) ? PQport(g->conn) : "", PQdb(g->conn) ? PQdb(g->conn) : "",
		 PQuser(g->conn) ? PQuser(g->conn) : "", PQoptions(g->conn) ? PQoptions(g->conn) : "");
	if (PQstatus(g->conn) != CONNECTION_OK) {
		char why[300];
		first_line(PQerrorMessage(g->conn), why, sizeof why);
		err = fail(g, PST_EUNAVAILABLE, "%s: cannot connect: %s%s", g->where, why, conn_hint(why));
		goto out;
	}
	PQsetNoticeProcessor(g->conn, quiet, NULL);
	/* PST_DB_READONLY (commands that only read): a read-only session once the schema is
	 * current (an older one is migrated first, as an SQLite file is). */
	if (!(err = migrate(g)) && (flags & PST_DB_READONLY)) {
		g->readonly = true;
		err = simple(g, "SET default_transaction_read_only = on", "cannot prepare the connection");
	}
out:
	if (err) {
		if (errmsg)
			snprintf(errmsg, size, "%s", g->base.errmsg);
		close_db(&g->base);
		return err;
	}
	*out = &g->base;
	return PST_OK;
}
