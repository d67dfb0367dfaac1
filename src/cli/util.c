/* Shared plumbing of the command-line program: output that is checked, options, data. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "cli.h"
#include "commands.h"
#include "data/builtin.h"
#include "render/json.h"

/* Writes a message to f with what it quotes of the input (a file's bytes, an argument)
 * neutralised: an escape sequence or a bidi override in a bad import never reaches the
 * terminal raw (core/utf8.h). */
static void put_clean(FILE *f, const char *s)
{
	size_t n = strlen(s), size = 3 * n + 1;
	char *out = malloc(size);
	if (!out) {
		fputs("(a message that could not be shown: out of memory)", f);
		return;
	}
	pst_text_clean(s, n, PST_TEXT_LINES, out, size);
	fputs(out, f);
	free(out);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
	fputs("postura: ", stderr);
	if (buf) {
		va_start(ap, fmt);
		vsnprintf(buf, (size_t)n + 1, fmt, ap);
		va_end(ap);
		put_clean(stderr, buf);
		free(buf);
	} else {
		fputs("(a message that could not be shown: out of memory)", stderr);
	}
	fputc('\n', stderr);
}

void cli_print_diags(FILE *f, struct pst_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = pst_diag_format(&d->v[i]);
		put_clean(f, s ? s : d->v[i].msg);
		fputc('\n', f);
		free(s);
	}
}

static bool write_failed;

bool cli_write(const char *s, size_t n)
{
	if (write_failed)
		return false;
	if (n && fwrite(s, 1, n, stdout) != n) {
		write_failed = true;
		return false;
	}
	return true;
}

bool cli_puts(const char *s)
{
	return cli_write(s, strlen(s));
}

int cli_finish(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		write_failed = true;
	if (write_failed) {
		cli_error("cannot write the output: %s", strerror(errno ? errno : EIO));
		return EXIT_FAIL;
	}
	return code;
}

int cli_emit_json(json_t *j, int code)
{
	char *s = j ? pst_json_text(j) : NULL;
	json_decref(j);
	if (!s) {
		cli_error("out of memory");
		return EXIT_FAIL;
	}
	cli_puts(s);
	free(s);
	return cli_finish(code);
}

int cli_emit_buf(struct pst_buf *b, int code)
{
	if (b->failed) {
		pst_buf_free(b);
		cli_error("out of memory, or the output is too large");
		return EXIT_FAIL;
	}
	cli_write(b->s, b->len);
	pst_buf_free(b);
	return cli_finish(code);
}

static struct cli *the_cli;

void cli_context(struct cli *c)
{
	the_cli = c;
}

/* The commands that read or write a person's records take --db and --person after their
 * name too (cli_getopt handles both): "postura checkin 3 --person 2". */
static bool record_command(const char *cmd)
{
	static const char *const names[] = {"screen", "profile", "plan", "session", "checkin",
					    "psfs", "history", "report", "handout", "export",
					    "import", "backup", "serve"};
	size_t n = strcspn(cmd, " ");
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i]) == n && strncmp(cmd, names[i], n) == 0)
			return true;
	return false;
}

bool cli_parse_person(const char *s, int64_t *id)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < 1)
		return false;
	*id = v;
	return true;
}

bool cli_set_person(struct cli *c, const char *arg)
{
	int64_t id;
	if (!cli_parse_person(arg, &id)) {
		cli_error("--person: '%s' is not a person id (a whole number from 1; see 'postura "
			  "person list')", arg);
		return false;
	}
	c->person_arg = arg;
	return true;
}

enum { OPT_DB = 0x7d01, OPT_PERSON = 0x7d02, LONGOPTS_MAX = 96 };

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       const char *cmd)
{
	opterr = 0;
	static struct option all[LONGOPTS_MAX];
	bool store_opts = the_cli && record_command(cmd);
	if (store_opts) {
		size_t n = 0;
		while (longopts[n].name && n < LONGOPTS_MAX - 3) {
			all[n] = longopts[n];
			n++;
		}
		all[n++] = (struct option){"db", required_argument, NULL, OPT_DB};
		all[n++] = (struct option){"person", required_argument, NULL, OPT_PERSON};
		all[n] = (struct option){NULL, 0, NULL, 0};
		longopts = all;
	}
	int o;
	for (;;) {
		o = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (store_opts && o == OPT_DB) {
			the_cli->db_target = optarg;
			continue;
		}
		if (store_opts && o == OPT_PERSON) {
			if (!cli_set_person(the_cli, optarg))
				return '?';
			continue;
		}
		break;
	}
	if (o != '?' && o != ':')
		return o;
	const char *arg = argv[optind - 1];
	char flag[64];
	if (optopt && (optind - 1 >= argc || strncmp(arg, "--", 2) != 0)) {
		snprintf(flag, sizeof flag, "-%c", optopt);
	} else {
		size_t l = strcspn(arg, "=");
		snprintf(flag, sizeof flag, "%.*s", (int)(l < 60 ? l : 60), arg);
	}
	if (!*cmd)
		cli_error("%s '%s' (see 'postura --help')",
			  o == ':' ? "this option needs a value:" : "unknown option", flag);
	else if (o == ':')
		cli_error("option '%s' needs a value (see 'postura %s --help')", flag, cmd);
	else
		cli_error("unknown option '%s' for '%s' (see 'postura %s --help')", flag, cmd, cmd);
	return '?';
}

int cli_extra_arg(const char *cmd, const char *arg)
{
	cli_error("unexpected argument '%s' for '%s' (see 'postura %s --help')", arg, cmd, cmd);
	return EXIT_USAGE;
}

int cli_help(const char *usage)
{
	cli_puts(usage);
	return cli_finish(EXIT_OK);
}

const struct pst_exercise *cli_exercise(struct cli *c, const char *id, bool *usage)
{
	const struct pst_catalog *cat = cli_catalog(c);
	*usage = cat != NULL;
	if (!cat)
		return NULL;
	const struct pst_exercise *e = pst_catalog_find(cat, id);
	if (!e) {
		const char *near = pst_catalog_closest(cat, id);
		if (near)
			cli_error("no exercise '%s' in the catalogue; did you mean '%s'?", id, near);
		else
			cli_error("no exercise '%s' in the catalogue (see 'postura catalog list')", id);
	}
	return e;
}

const struct pst_catalog *cli_catalog(struct cli *c)
{
	if (c->cat)
		return c->cat;
	if (!c->catalog_dir) {
		c->cat = &pst_builtin_catalog;
		return c->cat;
	}
	struct pst_diags d = {0};
	struct pst_blobset dir = {0};
	if (pst_blobset_read_dir(c->catalog_dir, ".yaml", &dir, &d) == PST_OK &&
	    pst_catalog_load(dir.v, dir.n, &c->cat_owned, &d) == PST_OK &&
	    pst_catalog_check_sources(c->cat_owned, &pst_builtin_sources, &d)) {
		/* A citation that names no source: the catalogue is refused as a whole. */
		pst_catalog_free(c->cat_owned);
		c->cat_owned = NULL;
	}
	if (!c->cat_owned && d.n) {
		cli_print_diags(stderr, &d);
		cli_error("the exercise catalogue in %s has %zu problem%s; nothing was loaded",
			  c->catalog_dir, d.n, d.n == 1 ? "" : "s");
	} else if (d.n) {
		cli_print_diags(stderr, &d);
	}
	pst_diags_clear(&d);
	pst_blobset_free(&dir);
	c->cat = c->cat_owned;
	return c->cat;
}

const struct pst_questions *cli_questions(struct cli *c)
{
	return c->questions = &pst_builtin_questions;
}

const struct pst_tips *cli_tips(struct cli *c)
{
	return c->tips = &pst_builtin_tips;
}

void cli_free(struct cli *c)
{
	pst_catalog_free(c->cat_owned);
	pst_store_close(c->store);
	pst_db_close(c->db);
	memset(c, 0, sizeof(*c));
}

char *cli_read_input(const char *path, size_t max, size_t *len)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	const char *name = is_stdin ? "standard input" : path;
	if (!f) {
		cli_error("cannot open %s: %s", name, strerror(errno));
		return NULL;
	}
	struct pst_buf b;
	pst_buf_init(&b, max + 1);
	char tmp[8192];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0 && !b.failed)
		pst_buf_add(&b, tmp, n);
	bool rerr = ferror(f);
	if (!is_stdin)
		fclose(f);
	if (rerr || b.failed) {
		if (rerr)
			cli_error("cannot read %s: %s", name, strerror(errno));
		else
			cli_error("%s is too large (more than %zu bytes)", name, max);
		pst_buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.s;
}

int cli_read_answers(const struct pst_questions *q, const char *path, struct pst_answers *a)
{
	size_t len;
	char *text = cli_read_input(path, PST_ANSWERS_MAX, &len);
	if (!text)
		return EXIT_USAGE;
	struct pst_diags d = {0};
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	int err = pst_answers_parse_json(q, name, text, len, a, &d);
	free(text);
	int code = -1;
	if (err == PST_ENOMEM) {
		cli_error("out of memory");
		code = EXIT_FAIL;
	} else if (err) {
		cli_print_diags(stderr, &d);
		cli_error("the answers were not used; 'postura screen --list' shows the questions "
			  "and their ids");
		code = EXIT_USAGE;
	}
	pst_diags_clear(&d);
	return code;
}

bool cli_now(struct pst_time *now)
{
	if (pst_app_now(now) != PST_OK) {
		cli_error("POSTURA_NOW: '%s' is not a date and time like 2026-11-21T08:30:00+01:00",
			  getenv("POSTURA_NOW"));
		return false;
	}
	return true;
}

const char *cli_db_target(struct cli *c, char *buf, size_t size)
{
	const char *t = c->db_target;
	if (!t || !*t)
		t = getenv("POSTURA_DB");
	if (t && *t)
		return t;
	if (pst_store_default_path(buf, size) != PST_OK) {
		cli_error("cannot find or create the data directory ($XDG_DATA_HOME/postura or "
			  "~/.local/share/postura); give a file with --db PATH");
		return NULL;
	}
	return buf;
}

struct pst_db *cli_db(struct cli *c, bool ro)
{
	if (c->db && (ro || !c->db_ro))
		return c->db;
	/* Read-only, and now a command writes: the handle goes with its db. */
	pst_store_close(c->store);
	c->store = NULL;
	pst_db_close(c->db);
	c->db = NULL;
	char path[4096], err[600];
	const char *t = cli_db_target(c, path, sizeof path);
	if (!t)
		return NULL;
	if (pst_db_open(t, ro ? PST_DB_READONLY : 0, &c->db, err, sizeof err) != PST_OK)
		cli_error("%s", err);
	else if (c->db->notice[0])
		cli_error("note: %s", c->db->notice);
	c->db_ro = ro;
	return c->db;
}

bool cli_person_id(struct cli *c, int64_t *id)
{
	if (c->person_arg)
		return cli_parse_person(c->person_arg, id); /* checked when given */
	const char *env = getenv("POSTURA_PERSON");
	if (env && *env) {
		if (!cli_parse_person(env, id)) {
			cli_error("POSTURA_PERSON: '%s' is not a person id (a whole number from 1; see "
				  "'postura person list')", env);
			c->exit_code = EXIT_USAGE;
			return false;
		}
		return true;
	}
	*id = PST_PERSON_DEFAULT;
	return true;
}

static struct pst_store *open_store(struct cli *c, bool ro)
{
	if (c->store && (ro || !c->db_ro))
		return c->store;
	int64_t person;
	if (!cli_person_id(c, &person))
		return NULL;
	struct pst_db *db = cli_db(c, ro);
	if (!db)
		return NULL;
	int err = pst_store_person(db, person, &c->store);
	if (err) {
		cli_error("%s", db->errmsg);
		if (err == PST_ENOTFOUND)
			c->exit_code = EXIT_USAGE;
	}
	return c->store;
}

struct pst_store *cli_store(struct cli *c)
{
	return open_store(c, false);
}

struct pst_store *cli_store_ro(struct cli *c)
{
	return open_store(c, true);
}

const struct pst_country *cli_country(const struct pst_profile *p)
{
	const struct pst_country *c = p ? pst_profile_country(p) : NULL;
	if (!c)
		c = pst_country_from_locale(getenv("LC_ALL"));
	if (!c)
		c = pst_country_from_locale(getenv("LANG"));
	return c;
}
