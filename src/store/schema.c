/* The schema of the store, one list for every backend (backend.h): entry i brings the
 * schema to version i + 1, with the SQL of each dialect. Never edit a landed migration:
 * append a new one at the end (both dialects). */
#include <stddef.h>

#include "backend.h"

/* SQLite (migration 16): one added to the roster version of the clinician(s) a SELECT
 * ending in a WHERE gives (their row made the first time). The WHERE comes before ON
 * CONFLICT, as SQLite's grammar wants. ROSTER_BUMP: clinician C, which may be NULL (no
 * clinician: nothing), when WHEN (SQL, "1": always) holds. */
#define ROSTER_UPSERT " ON CONFLICT (clinician_id) DO UPDATE SET version = version + 1;"
#define ROSTER_BUMP(C, WHEN)                                                                     \
	" INSERT INTO roster (clinician_id, version) SELECT " C ", 1 WHERE " C " IS NOT NULL"   \
	" AND " WHEN ROSTER_UPSERT

/* PostgreSQL (migrations 16, 18): pst_roster_changed(c), one change of clinician c's
 * roster: a row in the log, and when FOLD (SQL) holds, the clinician's rows folded into
 * roster.version under the roster row's lock taken SKIP LOCKED. */
#define ROSTER_CHANGED_FN(FOLD)                                                                  \
	"CREATE OR REPLACE FUNCTION pst_roster_changed(c BIGINT) RETURNS void"                  \
	"  LANGUAGE plpgsql AS $$ BEGIN"                                                        \
	"  IF c IS NULL THEN RETURN; END IF;"                                                   \
	"  INSERT INTO roster_write (clinician_id) VALUES (c);"                                 \
	"  IF " FOLD " THEN"                                                                    \
	"    PERFORM 1 FROM roster WHERE clinician_id = c FOR NO KEY UPDATE SKIP LOCKED;"       \
	"    IF FOUND THEN"                                                                     \
	"      WITH d AS (DELETE FROM roster_write WHERE clinician_id = c RETURNING 1)"         \
	"      UPDATE roster SET version = version + (SELECT count(*) FROM d)"                  \
	"      WHERE clinician_id = c;"                                                         \
	"    END IF;"                                                                           \
	"  END IF;"                                                                             \
	"END $$;"

const struct pst_migration pst_migrations[] = {
	/* 1: the person's records. */
	{
		.what = "the person's records",
		.sqlite =
		"CREATE TABLE person ("
		"  id INTEGER PRIMARY KEY,"
		"  created_epoch INTEGER NOT NULL);"
		"CREATE TABLE profile ("
		"  person_id INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,"
		"  stage TEXT NOT NULL CHECK (stage IN ('pregnancy', 'postpartum')),"
		"  weeks INTEGER NOT NULL CHECK (weeks BETWEEN 0 AND 104),"
		"  anchor_day INTEGER NOT NULL,"
		"  birth TEXT NOT NULL CHECK (birth IN ('unknown', 'vaginal', 'caesarean')),"
		"  feeding TEXT NOT NULL CHECK (feeding IN ('unknown', 'breast', 'bottle', 'mixed')),"
		"  pain INTEGER CHECK (pain IS NULL OR pain BETWEEN 0 AND 10),"
		"  areas TEXT NOT NULL, triggers TEXT NOT NULL, equipment TEXT NOT NULL,"
		"  avoid TEXT NOT NULL,"
		"  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 3 AND 60),"
		"  updated_epoch INTEGER NOT NULL, updated_offset INTEGER NOT NULL);"
		"CREATE TABLE checkin ("
		"  id INTEGER PRIMARY KEY,"
		"  person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
		"  at_epoch INTEGER NOT NULL, at_offset INTEGER NOT NULL, day INTEGER NOT NULL,"
		"  pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),"
		"  areas TEXT NOT NULL, note TEXT);"
		"CREATE INDEX checkin_person_time ON checkin(person_id, at_epoch);"
		"CREATE TABLE session ("
		"  id INTEGER PRIMARY KEY,"
		"  person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
		"  at_epoch INTEGER NOT NULL, at_offset INTEGER NOT NULL, day INTEGER NOT NULL,"
		"  pain_before INTEGER NOT NULL CHECK (pain_before BETWEEN 0 AND 10),"
		"  pain_after INTEGER NOT NULL CHECK (pain_after BETWEEN 0 AND 10));"
		"CREATE INDEX session_person_time ON session(person_id, at_epoch);"
		"CREATE TABLE session_exercise ("
		"  session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,"
		"  seq INTEGER NOT NULL,"
		"  exercise_id TEXT NOT NULL,"
		"  feedback TEXT NOT NULL CHECK (feedback IN ('easy', 'right', 'hard', 'hurt')),"
		"  pain INTEGER CHECK (pain IS NULL OR pain BETWEEN 0 AND 10),"
		"  PRIMARY KEY (session_id, seq));"
		"CREATE TABLE psfs_activity ("
		"  id INTEGER PRIMARY KEY,"
		"  person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
		"  activity TEXT NOT NULL,"
		"  created_epoch INTEGER NOT NULL, created_offset INTEGER NOT NULL);"
		"CREATE TABLE psfs_rating ("
		"  id INTEGER PRIMARY KEY,"
		"  activity_id INTEGER NOT NULL REFERENCES psfs_activity(id) ON DELETE CASCADE,"
		"  at_epoch INTEGER NOT NULL, at_offset INTEGER NOT NULL,"
		"  score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10));"
		"CREATE INDEX psfs_rating_activity ON psfs_rating(activity_id, at_epoch);"
		"INSERT INTO person(id, created_epoch) VALUES (1, strftime('%s', 'now'));",
		.pg =
		"CREATE TABLE person ("
		"  id BIGSERIAL PRIMARY KEY,"
		"  created_epoch BIGINT NOT NULL);"
		"CREATE TABLE profile ("
		"  person_id BIGINT PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,"
		"  stage TEXT NOT NULL CHECK (stage IN ('pregnancy', 'postpartum')),"
		"  weeks INTEGER NOT NULL CHECK (weeks BETWEEN 0 AND 104),"
		"  anchor_day BIGINT NOT NULL,"
		"  birth TEXT NOT NULL CHECK (birth IN ('unknown', 'vaginal', 'caesarean')),"
		"  feeding TEXT NOT NULL CHECK (feeding IN ('unknown', 'breast', 'bottle', 'mixed')),"
		"  pain INTEGER CHECK (pain IS NULL OR pain BETWEEN 0 AND 10),"
		"  areas TEXT NOT NULL, triggers TEXT NOT NULL, equipment TEXT NOT NULL,"
		"  avoid TEXT NOT NULL,"
		"  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 3 AND 60),"
		"  updated_epoch BIGINT NOT NULL, updated_offset INTEGER NOT NULL);"
		"CREATE TABLE checkin ("
		"  id BIGSERIAL PRIMARY KEY,"
		"  person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
		"  at_epoch BIGINT NOT NULL, at_offset INTEGER NOT NULL, day BIGINT NOT NULL,"
		"  pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),"
		"  areas TEXT NOT NULL, note TEXT);"
		"CREATE INDEX checkin_person_time ON checkin(person_id, at_epoch);"
		"CREATE TABLE session ("
		"  id BIGSERIAL PRIMARY KEY,"
		"  person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
		"  at_epoch BIGINT NOT NULL, at_offset INTEGER NOT NULL, day BIGINT NOT NULL,"
		"  pain_before INTEGER NOT NULL CHECK (pain_before BETWEEN 0 AND 10),"
		"  pain_after INTEGER NOT NULL CHECK (pain_after BETWEEN 0 AND 10));"
		"CREATE INDEX session_person_time ON session(person_id, at_epoch);"
		"CREATE TABLE session_exercise ("
		"  session_id BIGINT NOT NULL REFERENCES session(id) ON DELETE CASCADE,"
		"  seq INTEGER NOT NULL,"
		"  exercise_id TEXT NOT NULL,"
		"  feedback TEXT NOT NULL CHECK (feedback IN ('easy', 'right', 'hard', 'hurt')),"
		"  pain INTEGER CHECK (pain IS NULL OR pain BETWEEN 0 AND 10),"
		"  PRIMARY KEY (session_id, seq));"
		"CREATE TABLE psfs_activity ("
		"  id BIGSERIAL PRIMARY KEY,"
		"  person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
		"  activity TEXT NOT NULL,"
		"  created_epoch BIGINT NOT NULL, created_offset INTEGER NOT NULL);"
		"CREATE TABLE psfs_rating ("
		"  id BIGSERIAL PRIMARY KEY,"
		"  activity_id BIGINT NOT NULL REFERENCES psfs_activity(id) ON DELETE CASCADE,"
		"  at_epoch BIGINT NOT NULL, at_offset INTEGER NOT NULL,"
		"  score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10));"
		"CREATE INDEX psfs_rating_activity ON psfs_rating(activity_id, at_epoch);"
		"INSERT INTO person(id, created_epoch) VALUES (1, extract(epoch FROM now())::bigint);"
		"SELECT setval('person_id_seq', 1);",
	},
	/* 2: the safety answers last given (the web app screens before the profile). */
	{
		.what = "the safety answers last given",
		.sqlite =
		"CREATE TABLE screening ("
		"  person_id INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,"
		"  stages INTEGER NOT NULL,"
		"  answers TEXT NOT NULL,"
		"  at_epoch INTEGER NOT NULL, at_offset INTEGER NOT NULL);",
		.pg =
		"CREATE TABLE screening ("
		"  person_id BIGINT PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,"
		"  stages INTEGER NOT NULL,"
		"  answers TEXT NOT NULL,"
		"  at_epoch BIGINT NOT NULL, at_offset INTEGER NOT NULL);",
	},
	/* 3: the minutes a session over time (each saving of the profile starts a day's), so
	 * past weeks' planned sessions are counted with their own; the profile saved so far
	 * starts it on the local day it was saved. */
	{
		.what = "the minutes a session over time",
		.sqlite =
		"CREATE TABLE plan_minutes ("
		"  person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
		"  day INTEGER NOT NULL,"
		"  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 3 AND 60),"
		"  PRIMARY KEY (person_id, day));"
		"INSERT INTO plan_minutes (person_id, day, minutes)"
		"  SELECT person_id, (updated_epoch + updated_offset * 60) / 86400, minutes FROM profile;",
		.pg =
		"CREATE TABLE plan_minutes ("
		"  person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
		"  day BIGINT NOT NULL,"
		"  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 3 AND 60),"
		"  PRIMARY KEY (person_id, day));"
		"INSERT INTO plan_minutes (person_id, day, minutes)"
		"  SELECT person_id, (updated_epoch + updated_offset * 60) / 86400, minutes FROM profile;",
	},
	/* 4: the conditions that shape the plan (pelvic girdle pain, wrist or thumb pain, a
	 * tummy gap, leaking) and the country whose numbers to show ('' when not set). */
	{
		.what = "the conditions that shape the plan, and the country",
		.sqlite =
		"ALTER TABLE profile ADD COLUMN conditions TEXT NOT NULL DEFAULT '';"
		"ALTER TABLE profile ADD COLUMN country TEXT NOT NULL DEFAULT ''"
		"  CHECK (country = '' OR length(country) = 2);",
		.pg =
		"ALTER TABLE profile ADD COLUMN conditions TEXT NOT NULL DEFAULT '';"
		"ALTER TABLE profile ADD COLUMN country TEXT NOT NULL DEFAULT ''"
		"  CHECK (country = '' OR length(country) = 2);",
	},
	/* 5: text that older versions let in unchecked (issue 12): notes, activities and
	 * exercise ids that are not UTF-8 or hold control characters. Each bad byte or
	 * character becomes U+FFFD; pst_repair (a function of this connection, see
	 * add_functions, which must keep it and its flags: 1 = a note, line breaks kept)
	 * counts and names what it changed, and the person is told on this first open. */
	{
		.what = "text that older versions let in unchecked, repaired (SQLite only)",
		.sqlite =
		"UPDATE checkin SET note = pst_repair(note, 1, 'check-in', id)"
		"  WHERE pst_needs_repair(note, 1);"
		"UPDATE psfs_activity SET activity = pst_repair(activity, 0, 'activity', id)"
		"  WHERE pst_needs_repair(activity, 0);"
		"UPDATE session_exercise SET exercise_id = pst_repair(exercise_id, 0, 'session', session_id)"
		"  WHERE pst_needs_repair(exercise_id, 0);",
		.pg = "SELECT 1;", /* nothing to repair: PostgreSQL refuses text that is not UTF-8, and no
				    * postura before the checks at entry wrote to it */
	},
	/* 6: the idempotency key of the write that made a check-in or a session (the web
	 * app's offline outbox sends a write again until it is acknowledged; a key already
	 * stored writes nothing). NULL for everything else; unique per person. */
	{
		.what = "the idempotency keys of check-ins and sessions",
		.sqlite =
		"ALTER TABLE checkin ADD COLUMN idem_key TEXT;"
		"ALTER TABLE session ADD COLUMN idem_key TEXT;"
		"CREATE UNIQUE INDEX checkin_idem ON checkin(person_id, idem_key);"
		"CREATE UNIQUE INDEX session_idem ON session(person_id, idem_key);",
		.pg =
		"ALTER TABLE checkin ADD COLUMN idem_key TEXT;"
		"ALTER TABLE session ADD COLUMN idem_key TEXT;"
		"CREATE UNIQUE INDEX checkin_idem ON checkin(person_id, idem_key);"
		"CREATE UNIQUE INDEX session_idem ON session(person_id, idem_key);",
	},
	/* 7: many people in one database (issue 13): a person's name (optional, '' when
	 * none) and version, which every write to the person's records bumps in its own
	 * transaction (data_version), so a page cache in any process sees any write. */
	{
		.what = "a name and a version for each person",
		.sqlite =
		"ALTER TABLE person ADD COLUMN name TEXT NOT NULL DEFAULT '';"
		"ALTER TABLE person ADD COLUMN version INTEGER NOT NULL DEFAULT 0;",
		.pg =
		"ALTER TABLE person ADD COLUMN name TEXT NOT NULL DEFAULT '';"
		"ALTER TABLE person ADD COLUMN version BIGINT NOT NULL DEFAULT 0;",
	},
	/* 8: secrets every server process of one deployment shares (the key CSRF tokens are
	 * derived from: docs/web.md), made by the first process to start; nobody's records.
	 * IF NOT EXISTS: a test may set user_version back to run an older migration again. */
	{
		.what = "the deployment's shared secrets",
		.sqlite =
		"CREATE TABLE IF NOT EXISTS deployment_secret ("
		"  name TEXT PRIMARY KEY,"
		"  value BLOB NOT NULL);",
		.pg =
		"CREATE TABLE IF NOT EXISTS deployment_secret ("
		"  name TEXT PRIMARY KEY,"
		"  value BYTEA NOT NULL);",
	},
	/* 9: calendar reminders (issue 15): the time of the session reminder (minutes after
	 * midnight), its time zone ('' : the system's), whether the relief break is a daily
	 * event; and the calendar subscription's token, one per person (kept as is: the
	 * profile page shows the address again, and whoever reads the database reads every
	 * record anyway). */
	{
		.what = "the calendar reminders and the calendar's subscription token",
		.sqlite =
		"ALTER TABLE profile ADD COLUMN remind_at INTEGER NOT NULL DEFAULT 1170"
		"  CHECK (remind_at BETWEEN 0 AND 1439);"
		"ALTER TABLE profile ADD COLUMN timezone TEXT NOT NULL DEFAULT '';"
		"ALTER TABLE profile ADD COLUMN relief_reminder INTEGER NOT NULL DEFAULT 0"
		"  CHECK (relief_reminder IN (0, 1));"
		"CREATE TABLE calendar_token ("
		"  person_id INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,"
		"  token TEXT NOT NULL UNIQUE,"
		"  created_epoch INTEGER NOT NULL);",
		.pg =
		"ALTER TABLE profile ADD COLUMN remind_at INTEGER NOT NULL DEFAULT 1170"
		"  CHECK (remind_at BETWEEN 0 AND 1439);"
		"ALTER TABLE profile ADD COLUMN timezone TEXT NOT NULL DEFAULT '';"
		"ALTER TABLE profile ADD COLUMN relief_reminder INTEGER NOT NULL DEFAULT 0"
		"  CHECK (relief_reminder IN (0, 1));"
		"CREATE TABLE calendar_token ("
		"  person_id BIGINT PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,"
		"  token TEXT NOT NULL UNIQUE,"
		"  created_epoch BIGINT NOT NULL);",
	},
	/* 10: a person's PSFS activities found by the person (issue 13 benchmark: with many
	 * people, the history and each new activity scanned every activity of everyone).
	 * IF NOT EXISTS: a test may set user_version back to run an older migration again. */
	{
		.what = "an index of PSFS activities by person",
		.sqlite = "CREATE INDEX IF NOT EXISTS psfs_activity_person ON psfs_activity(person_id, id);",
		.pg = "CREATE INDEX IF NOT EXISTS psfs_activity_person ON psfs_activity(person_id, id);",
	},
	/* 11: accounts (issue 14, clinic mode). They belong to the database, not to a person:
	 * a patient's account points at the person holding their records, and at their
	 * clinician's account. Emails are stored lower-cased and unique whatever their case.
	 * Passwords only as argon2id strings (NULL: none set yet); login sessions and
	 * invitations only as the SHA-256 of their token (hex). The audit log holds ids, a
	 * short action word and an address: never any health data. The login throttle counts
	 * failures per key in the database, so every server process shares it. */
	{
		.what = "accounts, login sessions, invitations, the audit log and the login throttle",
		.sqlite =
		"CREATE TABLE IF NOT EXISTS account ("
		"  id INTEGER PRIMARY KEY,"
		"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
		"  name TEXT NOT NULL DEFAULT '',"
		"  role TEXT NOT NULL CHECK (role IN ('admin', 'clinician', 'patient')),"
		"  person_id INTEGER REFERENCES person(id),"
		"  clinician_id INTEGER REFERENCES account(id),"
		"  password TEXT,"
		"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
		"  created_epoch INTEGER NOT NULL,"
		"  CHECK ((role = 'patient') = (person_id IS NOT NULL)),"
		"  CHECK (role = 'patient' OR clinician_id IS NULL));"
		"CREATE INDEX IF NOT EXISTS account_clinician ON account(clinician_id);"
		"CREATE UNIQUE INDEX IF NOT EXISTS account_person ON account(person_id);"
		"CREATE TABLE IF NOT EXISTS auth_session ("
		"  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),"
		"  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
		"  created_epoch INTEGER NOT NULL,"
		"  last_seen_epoch INTEGER NOT NULL,"
		"  address TEXT NOT NULL DEFAULT '');"
		"CREATE INDEX IF NOT EXISTS auth_session_account ON auth_session(account_id);"
		"CREATE TABLE IF NOT EXISTS invitation ("
		"  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),"
		"  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
		"  expires_epoch INTEGER NOT NULL);"
		"CREATE TABLE IF NOT EXISTS audit ("
		"  id INTEGER PRIMARY KEY,"
		"  at_epoch INTEGER NOT NULL,"
		"  actor_id INTEGER NOT NULL DEFAULT 0,"
		"  action TEXT NOT NULL,"
		"  patient_id INTEGER NOT NULL DEFAULT 0,"
		"  account_id INTEGER NOT NULL DEFAULT 0,"
		"  address TEXT NOT NULL DEFAULT '');"
		"CREATE INDEX IF NOT EXISTS audit_time ON audit(at_epoch, id);"
		"CREATE TABLE IF NOT EXISTS login_throttle ("
		"  key TEXT PRIMARY KEY,"
		"  window_start INTEGER NOT NULL,"
		"  failures INTEGER NOT NULL);",
		.pg =
		"CREATE TABLE IF NOT EXISTS account ("
		"  id BIGSERIAL PRIMARY KEY,"
		"  email TEXT NOT NULL,"
		"  name TEXT NOT NULL DEFAULT '',"
		"  role TEXT NOT NULL CHECK (role IN ('admin', 'clinician', 'patient')),"
		"  person_id BIGINT REFERENCES person(id),"
		"  clinician_id BIGINT REFERENCES account(id),"
		"  password TEXT,"
		"  disabled BOOLEAN NOT NULL DEFAULT false,"
		"  created_epoch BIGINT NOT NULL,"
		"  CHECK ((role = 'patient') = (person_id IS NOT NULL)),"
		"  CHECK (role = 'patient' OR clinician_id IS NULL));"
		"CREATE UNIQUE INDEX IF NOT EXISTS account_email ON account(lower(email));"
		"CREATE INDEX IF NOT EXISTS account_clinician ON account(clinician_id);"
		"CREATE UNIQUE INDEX IF NOT EXISTS account_person ON account(person_id);"
		"CREATE TABLE IF NOT EXISTS auth_session ("
		"  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),"
		"  account_id BIGINT NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
		"  created_epoch BIGINT NOT NULL,"
		"  last_seen_epoch BIGINT NOT NULL,"
		"  address TEXT NOT NULL DEFAULT '');"
		"CREATE INDEX IF NOT EXISTS auth_session_account ON auth_session(account_id);"
		"CREATE TABLE IF NOT EXISTS invitation ("
		"  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),"
		"  account_id BIGINT NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
		"  expires_epoch BIGINT NOT NULL);"
		"CREATE TABLE IF NOT EXISTS audit ("
		"  id BIGSERIAL PRIMARY KEY,"
		"  at_epoch BIGINT NOT NULL,"
		"  actor_id BIGINT NOT NULL DEFAULT 0,"
		"  action TEXT NOT NULL,"
		"  patient_id BIGINT NOT NULL DEFAULT 0,"
		"  account_id BIGINT NOT NULL DEFAULT 0,"
		"  address TEXT NOT NULL DEFAULT '');"
		"CREATE INDEX IF NOT EXISTS audit_time ON audit(at_epoch, id);"
		"CREATE TABLE IF NOT EXISTS login_throttle ("
		"  key TEXT PRIMARY KEY,"
		"  window_start BIGINT NOT NULL,"
		"  failures BIGINT NOT NULL);",
	},
	/* 12: the programme a clinician assigned to a person (issue 14): its JSON
	 * (core/programme.h, the stored form), who saved it last (an account id) and when.
	 * One per person; no row: the planner's plan. */
	{
		.what = "the programme a clinician assigned",
		.sqlite =
		"CREATE TABLE IF NOT EXISTS programme ("
		"  person_id INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,"
		"  body TEXT NOT NULL,"
		"  by_account INTEGER NOT NULL DEFAULT 0,"
		"  at_epoch INTEGER NOT NULL, at_offset INTEGER NOT NULL);",
		.pg =
		"CREATE TABLE IF NOT EXISTS programme ("
		"  person_id BIGINT PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,"
		"  body TEXT NOT NULL,"
		"  by_account BIGINT NOT NULL DEFAULT 0,"
		"  at_epoch BIGINT NOT NULL, at_offset INTEGER NOT NULL);",
	},
	/* 13: the person's version without one row every write updates (issue 13 benchmark:
	 * on PostgreSQL the bump of person.version in each write's transaction held that
	 * row's lock until the commit, so one person's writes took turns, one WAL flush
	 * each). A write appends a row here instead, in its own transaction, and
	 * data_version is person.version + the number of the person's rows here: an
	 * append-only count grows by one with every commit and is the same in two snapshots
	 * only when the same writes committed, whatever order their transactions began or
	 * took ids in. Now and then a write folds the rows into person.version (deleting
	 * them and adding their number in one transaction: the sum does not change).
	 * SQLite, one writer at a time anyway, keeps bumping person.version and leaves the
	 * table empty. IF NOT EXISTS: a test may set user_version back. */
	{
		.what = "a log of the writes to each person's records (the version)",
		.sqlite =
		"CREATE TABLE IF NOT EXISTS person_write ("
		"  person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE);"
		"CREATE INDEX IF NOT EXISTS person_write_person ON person_write(person_id);",
		.pg =
		"CREATE TABLE IF NOT EXISTS person_write ("
		"  person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE);"
		"CREATE INDEX IF NOT EXISTS person_write_person ON person_write(person_id);",
	},
	/* 14: a person's history read from indexes alone (issue 13 benchmark: with many
	 * people a person's rows lie among everyone's, so a year's history took a table
	 * page per row). Each index holds every column the history reads, in the order it
	 * reads them, so the rows of one person are side by side; the indexes they replace
	 * were their prefixes. IF NOT EXISTS / IF EXISTS: a test may set user_version back. */
	{
		.what = "the history read from indexes",
		.sqlite =
		"CREATE INDEX IF NOT EXISTS checkin_person_read ON checkin"
		"  (person_id, at_epoch, id, day, at_offset, pain, areas, note);"
		"DROP INDEX IF EXISTS checkin_person_time;"
		"CREATE INDEX IF NOT EXISTS session_person_read ON session"
		"  (person_id, at_epoch, id, day, at_offset, pain_before, pain_after);"
		"DROP INDEX IF EXISTS session_person_time;"
		"CREATE INDEX IF NOT EXISTS session_exercise_read ON session_exercise"
		"  (session_id, seq, exercise_id, feedback, pain);"
		"CREATE INDEX IF NOT EXISTS psfs_rating_read ON psfs_rating"
		"  (activity_id, at_epoch, id, at_offset, score);"
		"DROP INDEX IF EXISTS psfs_rating_activity;",
		.pg =
		"CREATE INDEX IF NOT EXISTS checkin_person_read ON checkin (person_id, at_epoch, id)"
		"  INCLUDE (day, at_offset, pain, areas, note);"
		"DROP INDEX IF EXISTS checkin_person_time;"
		"CREATE INDEX IF NOT EXISTS session_person_read ON session (person_id, at_epoch, id)"
		"  INCLUDE (day, at_offset, pain_before, pain_after);"
		"DROP INDEX IF EXISTS session_person_time;"
		"CREATE INDEX IF NOT EXISTS session_exercise_read ON session_exercise (session_id, seq)"
		"  INCLUDE (exercise_id, feedback, pain);"
		"CREATE INDEX IF NOT EXISTS psfs_rating_read ON psfs_rating (activity_id, at_epoch, id)"
		"  INCLUDE (at_offset, score);"
		"DROP INDEX IF EXISTS psfs_rating_activity;",
	},
	/* 15: emails compared the same way on both backends (docs/clinic.md, "Accounts"):
	 * ASCII letters without case (pst_email_normalize lower-cases them before every
	 * write and look-up), every other byte as it is. SQLite's NOCASE column did that
	 * already; PostgreSQL's unique index on lower(email) also folded non-ASCII letters
	 * (the cluster's locale), so "Ärzte@x.org" and "ärzte@x.org" were one account there
	 * and two on SQLite. Now two on both: the index is on the stored email itself. */
	{
		.what = "emails: ASCII letters without case, other bytes as they are, on both backends",
		.sqlite = "SELECT 1;", /* the NOCASE column compares ASCII letters only already */
		.pg =
		"UPDATE account SET email = translate(email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',"
		"  'abcdefghijklmnopqrstuvwxyz') WHERE email ~ '[A-Z]';"
		"DROP INDEX IF EXISTS account_email;"
		"CREATE UNIQUE INDEX account_email ON account(email);",
	},
	/* 16: a clinician's roster version (issue 14): one number per clinician that changes
	 * whenever anything their dashboard shows could change, read in one indexed
	 * statement (roster_version) instead of the patients' accounts and versions. The
	 * database keeps it, by triggers, so that no write path has to remember it: a write
	 * to a patient's records (the person's version moves: person.version on SQLite, a
	 * person_write row on PostgreSQL) and any account added, changed (name, email,
	 * password, disabled, clinician: then both clinicians) or removed. A roster row is
	 * never deleted, so a number never comes back, even for an account id used again.
	 * SQLite, one writer at a time, adds one to roster.version. PostgreSQL appends a
	 * roster_write row instead, as person_write does for a person (migration 13): a row
	 * that every patient's write updated would make all of a clinician's patients' writes
	 * wait for each other. The version is roster.version + the clinician's rows in
	 * roster_write; every 32nd row (a sequence; by chance since migration 18) folds the
	 * clinician's rows into roster.version in its own transaction, under the roster
	 * row's lock taken SKIP LOCKED (another fold under way: no fold), deleting the rows
	 * it sees and adding their number at its commit, so the sum no snapshot sees moves
	 * and never goes back.
	 * Nothing in it waits for a lock: no foreign key (whose KEY SHARE lock on the
	 * clinician's account row every patient's write would take), no row updated but
	 * under SKIP LOCKED. IF NOT EXISTS / OR REPLACE: a test may set the version back. */
	{
		.what = "a version of each clinician's roster, kept by triggers",
		.sqlite =
		"CREATE TABLE IF NOT EXISTS roster ("
		"  clinician_id INTEGER PRIMARY KEY,"
		"  version INTEGER NOT NULL DEFAULT 0);"
		"CREATE TRIGGER IF NOT EXISTS roster_person AFTER UPDATE OF version ON person BEGIN"
		" INSERT INTO roster (clinician_id, version) SELECT clinician_id, 1 FROM account"
		" WHERE person_id = NEW.id AND clinician_id IS NOT NULL" ROSTER_UPSERT " END;"
		"CREATE TRIGGER IF NOT EXISTS roster_account_add AFTER INSERT ON account BEGIN"
		ROSTER_BUMP("NEW.clinician_id", "1") " END;"
		"CREATE TRIGGER IF NOT EXISTS roster_account_change AFTER UPDATE ON account BEGIN"
		ROSTER_BUMP("OLD.clinician_id", "1")
		ROSTER_BUMP("NEW.clinician_id", "NEW.clinician_id IS NOT OLD.clinician_id") " END;"
		"CREATE TRIGGER IF NOT EXISTS roster_account_remove AFTER DELETE ON account BEGIN"
		ROSTER_BUMP("OLD.clinician_id", "1") " END;",
		.pg =
		"CREATE TABLE IF NOT EXISTS roster ("
		"  clinician_id BIGINT PRIMARY KEY,"
		"  version BIGINT NOT NULL DEFAULT 0);"
		"CREATE TABLE IF NOT EXISTS roster_write (clinician_id BIGINT NOT NULL);"
		"CREATE INDEX IF NOT EXISTS roster_write_clinician ON roster_write (clinician_id);"
		"CREATE SEQUENCE IF NOT EXISTS roster_write_seq;"
		"INSERT INTO roster (clinician_id) SELECT DISTINCT clinician_id FROM account"
		"  WHERE clinician_id IS NOT NULL ON CONFLICT DO NOTHING;"
		/* one change of clinician c's roster */
		ROSTER_CHANGED_FN("nextval('roster_write_seq') % 32 = 0")
		/* a write to a person's records: their clinician's roster */
		"CREATE OR REPLACE FUNCTION pst_roster_person_write() RETURNS trigger"
		"  LANGUAGE plpgsql AS $$ BEGIN"
		"  PERFORM pst_roster_changed(clinician_id) FROM account WHERE person_id = NEW.person_id;"
		"  RETURN NULL;"
		"END $$;"
		"DROP TRIGGER IF EXISTS roster_person_write ON person_write;"
		"CREATE TRIGGER roster_person_write AFTER INSERT ON person_write"
		"  FOR EACH ROW EXECUTE FUNCTION pst_roster_person_write();"
		/* an account added, changed or removed: its clinician's roster (both, when it
		 * moves); the roster row made with the first patient, for the fold to lock */
		"CREATE OR REPLACE FUNCTION pst_roster_account() RETURNS trigger"
		"  LANGUAGE plpgsql AS $$ BEGIN"
		"  IF TG_OP <> 'DELETE' AND NEW.clinician_id IS NOT NULL"
		"     AND NOT EXISTS (SELECT 1 FROM roster WHERE clinician_id = NEW.clinician_id) THEN"
		"    INSERT INTO roster (clinician_id) VALUES (NEW.clinician_id) ON CONFLICT DO NOTHING;"
		"  END IF;"
		"  IF TG_OP <> 'INSERT' THEN"
		"    PERFORM pst_roster_changed(OLD.clinician_id);"
		"  END IF;"
		"  IF TG_OP = 'INSERT' THEN"
		"    PERFORM pst_roster_changed(NEW.clinician_id);"
		"  ELSIF TG_OP = 'UPDATE' THEN"
		"    IF NEW.clinician_id IS DISTINCT FROM OLD.clinician_id THEN"
		"      PERFORM pst_roster_changed(NEW.clinician_id);"
		"    END IF;"
		"  END IF;"
		"  RETURN NULL;"
		"END $$;"
		"DROP TRIGGER IF EXISTS roster_account ON account;"
		"CREATE TRIGGER roster_account AFTER INSERT OR UPDATE OR DELETE ON account"
		"  FOR EACH ROW EXECUTE FUNCTION pst_roster_account();",
	},
	/* 17: a row of the write log may stand for several writes (issue 13 benchmark: a
	 * group of check-ins wrote one person_write row per check-in, each with its foreign
	 * key check and its roster trigger, about a tenth of what the group's statement
	 * cost). A group now writes one row per person with n, the number of its check-ins
	 * saved; every other write still adds a row of n = 1. The version is person.version
	 * plus the sum of the person's n, and a fold adds that sum. SQLite leaves the table
	 * empty (migration 13), so it is made afresh with the column, its rows copied (each
	 * counted once, as before): ALTER TABLE ADD COLUMN would fail where a test set the
	 * schema version back. */
	{
		.what = "a row of the write log may count several writes (person_write.n)",
		.sqlite =
		"CREATE TABLE person_write_17 ("
		"  person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,"
		"  n INTEGER NOT NULL DEFAULT 1 CHECK (n > 0));"
		"INSERT INTO person_write_17 (person_id) SELECT person_id FROM person_write;"
		"DROP TABLE person_write;"
		"ALTER TABLE person_write_17 RENAME TO person_write;"
		"CREATE INDEX IF NOT EXISTS person_write_person ON person_write(person_id);",
		.pg =
		"ALTER TABLE person_write ADD COLUMN IF NOT EXISTS n INTEGER NOT NULL DEFAULT 1"
		"  CHECK (n > 0);",
	},
	/* 18: a clinician's roster log folded by chance, not by a sequence (issue 14
	 * benchmark). Migration 16 folded at every 32nd row of the log, whoever's: with the
	 * rows of the clinicians coming in turn, the 32nd rows fell on half of them only, and
	 * the others' logs never folded: 200 rows for clinician 7 of the benchmark, counted
	 * by every request of theirs (folding them made the dashboard 17% faster). Now each
	 * row folds its clinician's log with a chance of 1 in 32: about 32 rows a clinician
	 * whatever the order of the writes (the chance that 200 rows go by without a fold is
	 * 0.2%). The logs as they are fold now, once. SQLite has no log (nothing to do). */
	{
		.what = "a clinician's roster log folded by chance (1 in 32 rows), not by a sequence",
		.sqlite = "",
		.pg =
		ROSTER_CHANGED_FN("random() < 1.0 / 32")
		"DROP SEQUENCE IF EXISTS roster_write_seq;"
		"WITH d AS (DELETE FROM roster_write RETURNING clinician_id)"
		"  UPDATE roster r SET version = r.version + x.n"
		"  FROM (SELECT clinician_id, count(*) AS n FROM d GROUP BY clinician_id) x"
		"  WHERE r.clinician_id = x.clinician_id;",
	},
};

const int pst_store_schema_version = (int)(sizeof pst_migrations / sizeof *pst_migrations);
