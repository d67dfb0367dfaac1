/* postura person | migrate: the people whose records one database keeps, and moving
 * SQLite databases (one person each) into one database. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

const char cmd_person_usage[] =
	"usage: postura person add [--name NAME] [--json]\n"
	"       postura person list [--json]\n"
	"\n"
	"One database can keep the records of many people, each under a number (the person\n"
	"id). 'add' adds a person with no records yet and prints the new id; 'list' lists\n"
	"them. Give the id to any other command with --person ID (or POSTURA_PERSON=ID) to\n"
	"read and write that person's records; without it, commands use person 1, the one\n"
	"person of a new database.\n"
	"\n"
	"  --name NAME     a name to tell the person by (at most 120 bytes; optional)\n"
	"  --db PATH|URI   the database (as the global --db; also $POSTURA_DB)\n"
	"  --json          print JSON\n";

static int db_error(struct pst_db *db, int err)
{
	cli_error("%s", db->errmsg[0] ? db->errmsg : pst_strerror(err));
	return err == PST_EINVAL || err == PST_ENOTFOUND ? EXIT_USAGE : EXIT_FAIL;
}

static int person_add(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'}, {"json", no_argument, NULL, 'j'},
		{"db", required_argument, NULL, 'd'},   {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *name = "";
	bool json = false;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "person add")) != -1) {
		switch (o) {
		case 'n': name = optarg; break;
		case 'j': json = true; break;
		case 'd': c->db_target = optarg; break;
		case 'h': return cli_help(cmd_person_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_extra_arg("person add", argv[optind]);
	char why[300];
	if (!pst_person_name_check(name, why, sizeof why)) {
		cli_error("--name: %s (nobody was added)", why);
		return EXIT_USAGE;
	}
	struct pst_db *db = cli_db(c, false);
	if (!db)
		return EXIT_FAIL;
	int64_t id;
	int err = db->ops->person_add(db, name, &id);
	if (err)
		return db_error(db, err);
	if (json)
		return cli_emit_json(json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name),
				     EXIT_OK);
	struct pst_buf b;
	pst_buf_init(&b, 1024);
	pst_buf_printf(&b, "Added person %lld%s%s%s. Use it with --person %lld (or POSTURA_PERSON=%lld).\n",
		       (long long)id, *name ? " (" : "", name, *name ? ")" : "", (long long)id,
		       (long long)id);
	return cli_emit_buf(&b, EXIT_OK);
}

static int person_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"db", required_argument, NULL, 'd'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	bool json = false;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "person list")) != -1) {
		switch (o) {
		case 'j': json = true; break;
		case 'd': c->db_target = optarg; break;
		case 'h': return cli_help(cmd_person_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_extra_arg("person list", argv[optind]);
	struct pst_db *db = cli_db(c, true);
	if (!db)
		return EXIT_FAIL;
	struct pst_person *v;
	size_t n;
	int err = db->ops->person_list(db, &v, &n);
	if (err)
		return db_error(db, err);
	int code;
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; a && i < n; i++) {
			char when[40];
			struct pst_time t = {v[i].created_epoch, 0};
			json_array_append_new(a, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)v[i].id,
							   "name", v[i].name, "added",
							   pst_time_format(t, when, sizeof when)));
		}
		code = cli_emit_json(a, EXIT_OK);
	} else {
		struct pst_buf b;
		pst_buf_init(&b, 1 << 20);
		pst_buf_printf(&b, "%zu %s in %s:\n", n, n == 1 ? "person" : "people", db->where);
		for (size_t i = 0; i < n; i++)
			pst_buf_printf(&b, "%6lld  %s\n", (long long)v[i].id,
				       v[i].name[0] ? v[i].name : "(no name)");
		code = cli_emit_buf(&b, EXIT_OK);
	}
	free(v);
	return code;
}

int cmd_person(struct cli *c, int argc, char **argv)
{
	if (argc < 2) {
		cli_error("person needs a subcommand: add or list (see 'postura person --help')");
		return EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)
		return cli_help(cmd_person_usage);
	optind = 0;
	if (strcmp(sub, "add") == 0)
		return person_add(c, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return person_list(c, argc - 1, argv + 1);
	cli_error("unknown person subcommand '%s' (expected add or list)", sub);
	return EXIT_USAGE;
}

/* --- migrate ------------------------------------------------------------------- */

const char cmd_migrate_usage[] =
	"usage: postura migrate --from FILE.db [--from FILE.db]... --to PATH|URI [--json]\n"
	"\n"
	"Copies every record of each SQLite database FILE.db (a profile, check-ins,\n"
	"sessions, the functional scale, the safety answers) into the database at --to (an\n"
	"SQLite file, created when missing, or postgresql://...), each as a NEW person, and\n"
	"prints which file became which person id. All or nothing: on any error nothing is\n"
	"written to --to and the error names the file and the record. The FILE.db files are\n"
	"only read (one from an older postura is brought up to date first, as any command\n"
	"does). A file that keeps several people gives a new person for each.\n"
	"\n"
	"  --from FILE.db  an SQLite database to copy (repeat for more)\n"
	"  --to PATH|URI   the database to copy into\n"
	"  --json          print the result as JSON\n";

struct copy {
	struct pst_store *to;
	size_t records;
};

static int copy_part(void *ctx, const struct pst_record_set *part)
{
	struct copy *cp = ctx;
	cp->records += part->ncheckins + part->nsessions + part->npsfs + part->has_profile +
		       part->has_screening;
	return cp->to->ops->import(cp->to, part, PST_IMPORT_NEW_IDS);
}

/* True when a and b are the same file. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The person's name in the new database: the file's name without its directory and
 * ".db" ("clinic/anna.db": "anna"), or none when it cannot be a name. */
static void name_of(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".db") == 0)
		n -= 3;
	snprintf(buf, size, "%.*s", (int)n, base);
	char why[200];
	if (!pst_person_name_check(buf, why, sizeof why))
		buf[0] = '\0';
}

struct moved {
	const char *from;
	int64_t source_person;
	bool several; /* the file keeps more than one person */
	int64_t person;
	size_t records;
};

/* Copies one person of from (its handle src) into to as a new person, inside to's
 * transaction. Prints why on failure. */
static int copy_person(struct pst_db *to, const char *from, struct pst_store *src,
		       const char *name, struct moved *m)
{
	int err = to->ops->person_add(to, name, &m->person);
	if (err) {
		cli_error("%s: %s", from, to->errmsg);
		return err;
	}
	struct pst_store *dst;
	if ((err = pst_store_person(to, m->person, &dst))) {
		cli_error("%s: %s", from, to->errmsg);
		return err;
	}
	struct copy cp = {dst, 0};
	err = src->ops->read_each(src, PST_READ_EXACT, 1024, copy_part, &cp);
	if (err) {
		/* Either side's message: the source's when it could not be read. */
		const char *why = dst->errmsg[0] ? dst->errmsg : src->errmsg;
		if (m->several)
			cli_error("%s (person %lld): %s", from, (long long)m->source_person,
				  why[0] ? why : pst_strerror(err));
		else
			cli_error("%s: %s", from, why[0] ? why : pst_strerror(err));
	}
	m->records = cp.records;
	pst_store_close(dst);
	return err;
}

/* Copies every person of the SQLite file from into to. */
static int copy_file(struct pst_db *to, const char *from, struct moved **out, size_t *nout,
		     size_t *cap)
{
	struct pst_db *src;
	char msg[600];
	int err = pst_db_open(from, PST_DB_READONLY, &src, msg, sizeof msg);
	if (err) {
		cli_error("%s", msg);
		return err;
	}
	struct pst_person *people = NULL;
	size_t n = 0;
	if ((err = src->ops->person_list(src, &people, &n))) {
		cli_error("%s", src->errmsg);
		pst_db_close(src);
		return err;
	}
	char name[PST_PERSON_NAME_MAX + 1];
	name_of(from, name, sizeof name);
	for (size_t i = 0; i < n && !err; i++) {
		if (*nout == *cap) {
			size_t ncap = *cap ? 2 * *cap : 8;
			struct moved *v = realloc(*out, ncap * sizeof(**out));
			if (!v) {
				cli_error("out of memory");
				err = PST_ENOMEM;
				break;
			}
			*out = v;
			*cap = ncap;
		}
		struct moved *m = &(*out)[(*nout)++];
		*m = (struct moved){from, people[i].id, n > 1, 0, 0};
		struct pst_store *s;
		if ((err = pst_store_person(src, people[i].id, &s))) {
			cli_error("%s", src->errmsg);
			break;
		}
		err = copy_person(to, from, s, people[i].name[0] ? people[i].name : name, m);
		pst_store_close(s);
	}
	free(people);
	pst_db_close(src);
	return err;
}

/* Removes an SQLite file this command created, with its side files. */
static void remove_created(const char *path)
{
	static const char *const ends[] = {"", "-wal", "-shm", "-journal"};
	char p[4200];
	for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
		snprintf(p, sizeof p, "%s%s", path, ends[i]);
		unlink(p);
	}
}

int cmd_migrate(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'},
		{"json", no_argument, NULL, 'j'},       {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	enum { FROM_MAX = 1024 };
	const char **from = calloc(FROM_MAX, sizeof *from);
	if (!from) {
		cli_error("out of memory");
		return EXIT_FAIL;
	}
	size_t nfrom = 0;
	const char *to = NULL;
	bool json = false;
	int o, code = EXIT_USAGE;
	while ((o = cli_getopt(argc, argv, ":h", opts, "migrate")) != -1) {
		switch (o) {
		case 'f':
			if (nfrom == FROM_MAX) {
				cli_error("--from: at most %d files at once", FROM_MAX);
				goto out;
			}
			from[nfrom++] = optarg;
			break;
		case 't':
			if (to) {
				cli_error("--to: give one database to copy into");
				goto out;
			}
			to = optarg;
			break;
		case 'j': json = true; break;
		case 'h': code = cli_help(cmd_migrate_usage); goto out;
		default: goto out;
		}
	}
	if (optind < argc) {
		code = cli_extra_arg("migrate", argv[optind]);
		goto out;
	}
	if (!nfrom || !to) {
		cli_error("migrate needs --from FILE.db (one or more) and --to PATH|URI (see "
			  "'postura migrate --help')");
		goto out;
	}
	for (size_t i = 0; i < nfrom; i++) {
		if (pst_db_target_is_pg(from[i])) {
			cli_error("--from %s: only SQLite files can be copied from (nothing was migrated)",
				  "a postgresql:// URI");
			goto out;
		}
		if (access(from[i], R_OK) != 0) {
			cli_error("--from %s: %s (nothing was migrated)", from[i], strerror(errno));
			goto out;
		}
		if (!pst_db_target_is_pg(to) && same_file(from[i], to)) {
			cli_error("--from %s is the --to database itself (nothing was migrated)", from[i]);
			goto out;
		}
		for (size_t k = 0; k < i; k++)
			if (same_file(from[i], from[k])) {
				cli_error("--from %s is given twice (nothing was migrated)", from[i]);
				goto out;
			}
	}
	code = EXIT_FAIL;
	bool created = !pst_db_target_is_pg(to) && access(to, F_OK) != 0;
	struct pst_db *db;
	char msg[600];
	if (pst_db_open(to, 0, &db, msg, sizeof msg) != PST_OK) {
		cli_error("%s", msg);
		goto out;
	}
	struct moved *moved = NULL;
	size_t nmoved = 0, cap = 0;
	int err = db->ops->begin(db);
	if (err)
		cli_error("%s", db->errmsg);
	for (size_t i = 0; i < nfrom && !err; i++)
		err = copy_file(db, from[i], &moved, &nmoved, &cap);
	if (!err && (err = db->ops->commit(db)))
		cli_error("%s", db->errmsg);
	if (err) {
		char db_where[300];
		snprintf(db_where, sizeof db_where, "%s", db->where);
		db->ops->rollback(db);
		pst_db_close(db);
		if (created)
			remove_created(to);
		if (created)
			cli_error("nothing was migrated (%s was not created)", to);
		else
			cli_error("nothing was migrated: %s is as it was", db_where);
		free(moved);
		goto out;
	}
	code = EXIT_OK;
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; a && i < nmoved; i++)
			json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:I}", "from", moved[i].from,
							   "source_person", (json_int_t)moved[i].source_person,
							   "person", (json_int_t)moved[i].person,
							   "records", (json_int_t)moved[i].records));
		code = cli_emit_json(a, EXIT_OK);
	} else {
		struct pst_buf b;
		pst_buf_init(&b, 1 << 20);
		for (size_t i = 0; i < nmoved; i++) {
			if (moved[i].several)
				pst_buf_printf(&b, "%s (person %lld) -> person %lld (%zu record%s)\n",
					       moved[i].from, (long long)moved[i].source_person,
					       (long long)moved[i].person, moved[i].records,
					       moved[i].records == 1 ? "" : "s");
			else
				pst_buf_printf(&b, "%s -> person %lld (%zu record%s)\n", moved[i].from,
					       (long long)moved[i].person, moved[i].records,
					       moved[i].records == 1 ? "" : "s");
		}
		pst_buf_printf(&b, "Migrated %zu %s into %s.\n", nfrom,
			       nfrom == 1 ? "database" : "databases", db->where);
		code = cli_emit_buf(&b, EXIT_OK);
	}
	free(moved);
	pst_db_close(db);
out:
	free(from);
	return code;
}
