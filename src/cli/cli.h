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
	const char *db_path;     /* --db PATH */
	const struct pst_catalog *cat; /* the built-in one, or cat_owned */
	struct pst_catalog *cat_owned;  /* loaded from --catalog DIR */
	const struct pst_questions *questions;
	const struct pst_tips *tips;
	struct pst_store *store; /* opened on first use */
	bool store_ro;           /* store was opened read-only (cli_store_ro) */
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

/* Opens the store (--db PATH, or the default path) on first use; on failure prints why
 * (naming the file) and returns NULL. */
struct pst_store *cli_store(struct cli *c);
/* The same for commands that only read: opened read-only (PST_STORE_READONLY), so a
 * database in a directory this user cannot write can still be read. A later cli_store
 * reopens it for writing. */
struct pst_store *cli_store_ro(struct cli *c);

#endif
