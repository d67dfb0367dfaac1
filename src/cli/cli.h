/* Shared plumbing of the postura command-line program: context, output, options. */
#ifndef PST_CLI_H
#define PST_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdbool.h>

#include "core/base.h"
#include "core/catalog.h"
#include "core/screen.h"
#include "core/tips.h"
#include "core/tracking.h"
#include "store/store.h"

/* Exit codes, the same for every command. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,      /* the work could not be done (bad data, I/O) */
	EXIT_USAGE = 2,     /* bad command line or bad input */
	EXIT_REFERRAL = 3,  /* screening: see a professional */
	EXIT_INCOMPLETE = 4 /* screening: questions left unanswered */
};

struct cli {
	const char *catalog_dir; /* --catalog DIR, or NULL for the embedded catalogue */
	const char *db_target;   /* --db PATH|URI, else $POSTURA_DB (cli_db_target) */
	const char *person_arg;  /* --person ID as given, else NULL ($POSTURA_PERSON, then 1) */
	const struct pst_catalog *cat; /* the built-in one, or cat_owned */
	struct pst_catalog *cat_owned;  /* loaded from --catalog DIR */
	const struct pst_questions *questions;
	const struct pst_tips *tips;
	struct pst_db *db;       /* opened on first use */
	bool db_ro;              /* db was opened read-only (cli_store_ro) */
	struct pst_store *store; /* the person's records in db, on first use */
	/* When set, the exit code of a command that fails (an unknown person: a bad command
	 * line, whatever the command then returns). */
	int exit_code;
};

struct cli_command {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
	const char *summary;
	const char *usage; /* full help text, printed by --help */
};

/* Prints "postura: message" to standard error. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints every diagnostic, one per line, to f. */
void cli_print_diags(FILE *f, struct pst_diags *d);

/* Writes s to standard output; returns false (and reports) when the write fails. */
bool cli_write(const char *s, size_t n);
bool cli_puts(const char *s);
/* Flushes and checks standard output; returns the exit code to use. */
int cli_finish(int code);
/* Prints j as indented JSON, releases it, and finishes with code (EXIT_FAIL when memory
 * ran out: j may be NULL for that). */
int cli_emit_json(json_t *j, int code);
/* Prints the text in b, frees b, and finishes with code (EXIT_FAIL if b failed). */
int cli_emit_buf(struct pst_buf *b, int code);

/*
 * getopt_long for a command: returns the option, -1 at the end, or '?' after printing
 * a one-line error that names the bad flag (the caller exits with EXIT_USAGE). The
 * option string must start with ':'.
 */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       const char *cmd);
/* Makes c the context of cli_getopt: the commands that touch a person's records take
 * --db and --person after their name too, and cli_getopt sets them in c. */
void cli_context(struct cli *c);
/* Sets --person from its argument; false after printing why when it is not an id. */
bool cli_set_person(struct cli *c, const char *arg);

/* Reports a stray argument after the command's own ones. */
int cli_extra_arg(const char *cmd, const char *arg);
/* Prints the usage of cmd to standard output (for --help) and returns EXIT_OK. */
int cli_help(const char *usage);

/* Loads the catalogue (embedded, or --catalog DIR); on failure prints why and returns NULL. */
const struct pst_catalog *cli_catalog(struct cli *c);
/* The exercise with this id in the catalogue; else prints which id was meant (the
 * nearest one) and returns NULL (also when the catalogue did not load: *usage tells
 * which, for the exit code). */
const struct pst_exercise *cli_exercise(struct cli *c, const char *id, bool *usage);
/* The built-in screening questions and tips (checked at build time). */
const struct pst_questions *cli_questions(struct cli *c);
const struct pst_tips *cli_tips(struct cli *c);
/* Frees what the context loaded. */
void cli_free(struct cli *c);

/*
 * Reads a whole input file, or standard input when path is "-", up to max bytes, into a
 * new malloc'd NUL-terminated buffer. On failure prints an error naming the file and
 * returns NULL.
 */
char *cli_read_input(const char *path, size_t max, size_t *len);

/* Reads and parses screening answers from path ("-": standard input) into a. Returns -1
 * on success, else the exit code after printing each problem. */
int cli_read_answers(const struct pst_questions *q, const char *path, struct pst_answers *a);

/* Now, with the local UTC offset. POSTURA_NOW (ISO-8601) fixes the clock, for tests and
 * for entering past data reproducibly. Returns false after printing why. */
bool cli_now(struct pst_time *now);

/* The database to use: --db, else $POSTURA_DB, else the default path (in buf). NULL
 * after printing why when there is none. */
const char *cli_db_target(struct cli *c, char *buf, size_t size);
/* Opens the database on first use (read-only when ro, until a write needs it); on
 * failure prints why (naming the file or the host) and returns NULL. */
struct pst_db *cli_db(struct cli *c, bool ro);
/* The person whose records a command reads and writes: --person ID, else
 * $POSTURA_PERSON, else 1 (the one person of an embedded store). False after printing
 * why when the id is not a whole number from 1. */
bool cli_person_id(struct cli *c, int64_t *id);
/* Parses a person id ("7"); false when it is not a whole number from 1. */
bool cli_parse_person(const char *s, int64_t *id);

/* Opens the person's store (cli_db, cli_person_id) on first use; on failure prints why
 * (naming the file, or the unknown person's id) and returns NULL. */
struct pst_store *cli_store(struct cli *c);
/* The same for commands that only read: opened read-only (PST_DB_READONLY), so a
 * database in a directory this user cannot write can still be read. A later cli_store
 * reopens it for writing. */
struct pst_store *cli_store_ro(struct cli *c);

#endif
