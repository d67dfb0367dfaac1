/* postura user | audit: the accounts of clinic mode (issue 14) and the audit log, from
 * the command line of the machine that holds the database (the admin's tools). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app/password.h"
#include "cli.h"
#include "commands.h"

const char cmd_user_usage[] =
	"usage: postura user add --role admin|clinician|patient --email EMAIL [--name NAME]\n"
	"                        [--clinician EMAIL] [--json]\n"
	"       postura user list [--role ROLE] [--clinician EMAIL] [--json]\n"
	"       postura user passwd --email EMAIL\n"
	"       postura user disable --email EMAIL\n"
	"       postura user enable --email EMAIL\n"
	"\n"
	"The accounts of clinic mode. Once a database holds any account, the web app asks\n"
	"everyone to log in (docs/clinic.md). An admin manages accounts and sees no health\n"
	"data; a clinician sees their own patients; a patient sees their own records (a\n"
	"patient's account gets a new person for them).\n"
	"\n"
	"'add' and 'passwd' read the password from the terminal (typed twice, not shown), or\n"
	"the first line of standard input when it is not a terminal; never from a flag. A\n"
	"password has at least 10 characters and must not be a known weak one (a word,\n"
	"a common password, the account's own email or name). 'disable' stops an account\n"
	"from logging in and ends its sessions ('enable' lets it log in again); 'passwd'\n"
	"ends its sessions too. Each change is written to the audit log ('postura audit').\n"
	"\n"
	"  --role ROLE       admin, clinician or patient\n"
	"  --email EMAIL     the account's email: its login (any case; kept lower-case)\n"
	"  --name NAME       a name to show (at most 120 bytes; optional)\n"
	"  --clinician EMAIL a patient's clinician (an account with the role clinician);\n"
	"                    optional: a patient may have none. 'list': their patients\n"
	"  --db PATH|URI     the database (as the global --db; also $POSTURA_DB)\n"
	"  --json            print JSON\n";

const char cmd_audit_usage[] =
	"usage: postura audit [--since DATE] [--limit N] [--json]\n"
	"\n"
	"The audit log of clinic mode, newest first: who (an account, or the command line)\n"
	"did what (read or changed a patient's records, logged in, failed to log in, added\n"
	"or changed an account...), to which patient or account, when (UTC) and from which\n"
	"address. It holds no health data.\n"
	"\n"
	"  --since DATE      entries from DATE on: YYYY-MM-DD (from 00:00 UTC) or an ISO 8601\n"
	"                    time (2026-12-01T08:00:00+01:00)\n"
	"  --limit N         at most N entries, the newest (default 100)\n"
	"  --db PATH|URI     the database (as the global --db; also $POSTURA_DB)\n"
	"  --json            print JSON\n";

static int db_error(struct pst_db *db, int err, const char *nothing)
{
	cli_error("%s%s", db->errmsg[0] ? db->errmsg : pst_strerror(err), nothing ? nothing : "");
	return err == PST_EINVAL || err == PST_ENOTFOUND || err == PST_EEXISTS ? EXIT_USAGE
									       : EXIT_FAIL;
}

/* --- reading a password ------------------------------------------------------------- */

static struct termios saved_tio;
static volatile sig_atomic_t echo_off;

static void restore_echo(int sig)
{
	if (echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
	echo_off = 0;
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One line from standard input into buf (size bytes), its line break removed. false at
 * the end of input with nothing read; *too_long when the line did not fit. */
static bool read_line(char *buf, size_t size, bool *too_long)
{
	size_t n = 0;
	*too_long = false;
	int ch;
	bool any = false;
	while ((ch = getchar()) != EOF) {
		any = true;
		if (ch == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = (char)ch;
		else
			*too_long = true;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return any;
}

/* Asks for a password on the terminal without echo (prompt on standard error). */
static bool ask(const char *prompt, char *buf, size_t size, bool *too_long)
{
	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	struct termios tio;
	bool have_tio = tcgetattr(STDIN_FILENO, &tio) == 0;
	if (have_tio) {
		saved_tio = tio;
		echo_off = 1;
		signal(SIGINT, restore_echo);
		signal(SIGTERM, restore_echo);
		signal(SIGHUP, restore_echo);
		tio.c_lflag &= ~(tcflag_t)ECHO;
		tio.c_lflag |= ECHONL;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &tio);
	}
	bool got = read_line(buf, size, too_long);
	if (have_tio) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
		echo_off = 0;
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
	}
	if (!got)
		fputc('\n', stderr);
	return got;
}

/*
 * The new password of the account email (name: its name, for the checks): asked twice
 * on a terminal, else the first line of standard input; checked (pst_password_check).
 * Returns -1 with it in pw, else the exit code after saying why (and that `nothing`).
 */
static int new_password(const char *email, const char *name, const char *nothing, char *pw,
			size_t size)
{
	bool tty = isatty(STDIN_FILENO);
	bool too_long = false;
	char again[PST_PASSWORD_MAX_BYTES + 2];
	if (tty) {
		char prompt[400];
		snprintf(prompt, sizeof prompt, "New password for %s (at least %d characters; not shown): ",
			 email, PST_PASSWORD_MIN_CHARS);
		if (!ask(prompt, pw, size, &too_long)) {
			cli_error("no password was typed; %s", nothing);
			return EXIT_USAGE;
		}
	} else if (!read_line(pw, size, &too_long)) {
		cli_error("no password on standard input (give it as the first line, or run this in a "
			  "terminal to type it); %s", nothing);
		return EXIT_USAGE;
	}
	if (too_long) {
		cli_error("password: the password is longer than %d bytes; %s", PST_PASSWORD_MAX_BYTES,
			  nothing);
		return EXIT_USAGE;
	}
	char why[400];
	if (!pst_password_check(pw, email, name, why, sizeof why)) {
		cli_error("password: %s; %s", why, nothing);
		return EXIT_USAGE;
	}
	if (tty) {
		bool again_long;
		if (!ask("The same password again: ", again, sizeof again, &again_long) ||
		    strcmp(again, pw) != 0) {
			explicit_bzero(again, sizeof again);
			cli_error("password: the two passwords typed differ; %s", nothing);
			return EXIT_USAGE;
		}
		explicit_bzero(again, sizeof again);
	}
	char dict[4096];
	if (!pst_password_dictionary(dict, sizeof dict))
		cli_error("note: the cracklib dictionary (%s) cannot be read, so the password was checked "
			  "for its length and against a short list only; install Debian's "
			  "cracklib-runtime", dict);
	return -1;
}

/* --- helpers ------------------------------------------------------------------------- */

/* The account of email; else the exit code after saying why. -1 when found. */
static int find_account(struct pst_db *db, const char *flag, const char *email,
			struct pst_account *a, const char *nothing)
{
	char norm[PST_EMAIL_MAX + 1], why[400];
	if (!pst_email_normalize(email, norm, sizeof norm, why, sizeof why)) {
		cli_error("%s: %s; %s", flag, why, nothing);
		return EXIT_USAGE;
	}
	bool found = false;
	int err = db->ops->account_by_email(db, norm, a, NULL, 0, &found);
	if (err)
		return db_error(db, err, NULL);
	if (!found) {
		cli_error("%s: there is no account with the email %s in %s (see 'postura user list'); %s",
			  flag, norm, db->where, nothing);
		return EXIT_USAGE;
	}
	return -1;
}

/* Adds an entry to the audit log by the command line (actor 0), now. */
static int audit(struct pst_db *db, const char *action, int64_t account, int64_t patient)
{
	struct pst_time now;
	if (!cli_now(&now))
		return PST_EINVAL;
	struct pst_audit e = {.at_epoch = now.epoch, .actor = 0, .account = account, .patient = patient};
	snprintf(e.action, sizeof e.action, "%s", action);
	return db->ops->audit_add(db, &e);
}

static void utc(int64_t epoch, char *buf, size_t size)
{
	struct pst_time t = {.epoch = epoch, .offset_min = 0};
	char iso[40];
	pst_time_format(t, iso, sizeof iso);
	/* "2026-12-07T02:40:00+00:00" -> "2026-12-07 02:40Z" */
	snprintf(buf, size, "%.10s %.5sZ", iso, iso + 11);
}

static const char *status_of(const struct pst_account *a)
{
	return a->disabled ? "disabled" : a->has_password ? "active" : "no password yet";
}

/* --- user add --------------------------------------------------------------------------- */

static int user_add(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"role", required_argument, NULL, 'r'},  {"email", required_argument, NULL, 'e'},
		{"name", required_argument, NULL, 'n'},  {"clinician", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},        {"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
	const char *role_arg = NULL, *email = NULL, *name = "", *clinician = NULL;
	bool json = false;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "user add")) != -1) {
		switch (o) {
		case 'r': role_arg = optarg; break;
		case 'e': email = optarg; break;
		case 'n': name = optarg; break;
		case 'c': clinician = optarg; break;
		case 'j': json = true; break;
		case 'd': c->db_target = optarg; break;
		case 'h': return cli_help(cmd_user_usage);
		default: return EXIT_USAGE;
		}
	}
	const char *nothing = "no account was added";
	if (optind < argc)
		return cli_extra_arg("user add", argv[optind]);
	struct pst_account a = {0};
	if (!role_arg) {
		cli_error("user add needs --role (admin, clinician or patient); %s", nothing);
		return EXIT_USAGE;
	}
	if (!pst_role_parse(role_arg, &a.role)) {
		cli_error("--role: '%s' is not a role (admin, clinician or patient); %s", role_arg, nothing);
		return EXIT_USAGE;
	}
	if (!email) {
		cli_error("user add needs --email (the account's login); %s", nothing);
		return EXIT_USAGE;
	}
	char why[400];
	if (!pst_email_normalize(email, a.email, sizeof a.email, why, sizeof why)) {
		cli_error("--email: %s; %s", why, nothing);
		return EXIT_USAGE;
	}
	if (!pst_person_name_check(name, why, sizeof why)) {
		cli_error("--name: %s; %s", why, nothing);
		return EXIT_USAGE;
	}
	snprintf(a.name, sizeof a.name, "%s", name);
	if (clinician && a.role != PST_ROLE_PATIENT) {
		cli_error("--clinician: only a patient has a clinician (this is a%s %s); %s",
			  a.role == PST_ROLE_ADMIN ? "n" : "", pst_role_name(a.role), nothing);
		return EXIT_USAGE;
	}
	struct pst_db *db = cli_db(c, false);
	if (!db)
		return EXIT_FAIL;
	struct pst_account doc = {0};
	if (clinician) {
		int code = find_account(db, "--clinician", clinician, &doc, nothing);
		if (code >= 0)
			return code;
		if (doc.role != PST_ROLE_CLINICIAN) {
			cli_error("--clinician: %s is a%s %s account, not a clinician's; %s", doc.email,
				  doc.role == PST_ROLE_ADMIN ? "n" : "", pst_role_name(doc.role), nothing);
			return EXIT_USAGE;
		}
		a.clinician = doc.id;
	}
	/* The email free? Before asking for a password. */
	struct pst_account other;
	bool found = false;
	int err = db->ops->account_by_email(db, a.email, &other, NULL, 0, &found);
	if (err)
		return db_error(db, err, NULL);
	if (found) {
		cli_error("--email: there is already an account with the email %s (%s, id %lld); %s",
			  a.email, pst_role_name(other.role), (long long)other.id, nothing);
		return EXIT_USAGE;
	}
	char pw[PST_PASSWORD_MAX_BYTES + 2], hash[PST_PASSWORD_HASH_SIZE];
	int code = new_password(a.email, a.name, nothing, pw, sizeof pw);
	if (code >= 0) {
		explicit_bzero(pw, sizeof pw);
		return code;
	}
	err = pst_password_hash(pw, hash);
	explicit_bzero(pw, sizeof pw);
	if (err) {
		cli_error("cannot hash the password: %s; %s", pst_strerror(err), nothing);
		return EXIT_FAIL;
	}
	/* The account and its audit entry, all or nothing. */
	int64_t id = 0;
	if ((err = db->ops->begin(db)))
		return db_error(db, err, NULL);
	if ((err = db->ops->account_add(db, &a, hash, &id)) ||
	    (err = audit(db, "account-add", id, 0))) {
		int ret = db_error(db, err, "; nothing was added");
		db->ops->rollback(db);
		return ret;
	}
	if ((err = db->ops->commit(db)))
		return db_error(db, err, NULL);
	bool ok = false;
	if ((err = db->ops->account_get(db, id, &a, &ok)) || !ok)
		return db_error(db, err ? err : PST_EIO, NULL);
	if (json)
		return cli_emit_json(json_pack("{s:I, s:s, s:s, s:s, s:I, s:o}", "id", (json_int_t)id,
					       "email", a.email, "name", a.name, "role",
					       pst_role_name(a.role), "person", (json_int_t)a.person,
					       "clinician",
					       a.clinician ? json_string(doc.email) : json_null()),
				     EXIT_OK);
	struct pst_buf b;
	pst_buf_init(&b, 4096);
	pst_buf_printf(&b, "Added %s account %lld: %s%s%s%s.\n", pst_role_name(a.role), (long long)id,
		       a.email, *a.name ? " (" : "", a.name, *a.name ? ")" : "");
	if (a.role == PST_ROLE_PATIENT)
		pst_buf_printf(&b, "Their records are person %lld%s%s.\n", (long long)a.person,
			       a.clinician ? "; their clinician is " : "; no clinician",
			       a.clinician ? doc.email : "");
	return cli_emit_buf(&b, EXIT_OK);
}

/* --- user list ----------------------------------------------------------------------- */

static int user_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"role", required_argument, NULL, 'r'}, {"clinician", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},       {"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
	const char *role_arg = NULL, *clinician = NULL;
	bool json = false;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "user list")) != -1) {
		switch (o) {
		case 'r': role_arg = optarg; break;
		case 'c': clinician = optarg; break;
		case 'j': json = true; break;
		case 'd': c->db_target = optarg; break;
		case 'h': return cli_help(cmd_user_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_extra_arg("user list", argv[optind]);
	enum pst_role role = PST_ROLE_ADMIN;
	if (role_arg && !pst_role_parse(role_arg, &role)) {
		cli_error("--role: '%s' is not a role (admin, clinician or patient)", role_arg);
		return EXIT_USAGE;
	}
	struct pst_db *db = cli_db(c, true);
	if (!db)
		return EXIT_FAIL;
	int64_t doc = 0;
	if (clinician) {
		struct pst_account d;
		int code = find_account(db, "--clinician", clinician, &d, "nothing was listed");
		if (code >= 0)
			return code;
		if (d.role != PST_ROLE_CLINICIAN) {
			cli_error("--clinician: %s is not a clinician's account (it is a%s %s's)", d.email,
				  d.role == PST_ROLE_ADMIN ? "n" : "", pst_role_name(d.role));
			return EXIT_USAGE;
		}
		doc = d.id;
	}
	struct pst_account *v, *all;
	size_t n, nall;
	int err = db->ops->account_list(db, role_arg ? (int)role : -1, doc, &v, &n);
	if (err)
		return db_error(db, err, NULL);
	/* every account, to name the clinicians */
	if ((err = db->ops->account_list(db, PST_ROLE_CLINICIAN, 0, &all, &nall))) {
		free(v);
		return db_error(db, err, NULL);
	}
	int code;
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; arr && i < n; i++) {
			const char *ce = NULL;
			for (size_t k = 0; k < nall; k++)
				if (all[k].id == v[i].clinician)
					ce = all[k].email;
			char when[40];
			struct pst_time t = {v[i].created_epoch, 0};
			json_array_append_new(
				arr, json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:b, s:s}", "id",
					       (json_int_t)v[i].id, "email", v[i].email, "name", v[i].name,
					       "role", pst_role_name(v[i].role), "person",
					       v[i].person ? json_integer(v[i].person) : json_null(),
					       "clinician", ce ? json_string(ce) : json_null(), "disabled",
					       v[i].disabled, "has_password", v[i].has_password, "added",
					       pst_time_format(t, when, sizeof when)));
		}
		code = cli_emit_json(arr, EXIT_OK);
	} else {
		struct pst_buf b;
		pst_buf_init(&b, 1 << 22);
		int we = 5, wc = 9;
		for (size_t i = 0; i < n; i++) {
			int l = (int)strlen(v[i].email);
			we = l > we ? l : we;
			for (size_t k = 0; k < nall; k++)
				if (all[k].id == v[i].clinician && (int)strlen(all[k].email) > wc)
					wc = (int)strlen(all[k].email);
		}
		pst_buf_printf(&b, "%zu account%s in %s:\n", n, n == 1 ? "" : "s", db->where);
		if (n) {
			pst_buf_printf(&b, "%6s  %-9s  %-*s  %-15s  %6s  %-*s  %-10s  %s\n", "ID", "ROLE", we,
				       "EMAIL", "STATUS", "PERSON", wc, "CLINICIAN", "ADDED", "NAME");
		}
		for (size_t i = 0; i < n; i++) {
			const char *ce = "-";
			for (size_t k = 0; k < nall; k++)
				if (all[k].id == v[i].clinician)
					ce = all[k].email;
			char person[24] = "-", added[40];
			if (v[i].person)
				snprintf(person, sizeof person, "%lld", (long long)v[i].person);
			utc(v[i].created_epoch, added, sizeof added);
			pst_buf_printf(&b, "%6lld  %-9s  %-*s  %-15s  %6s  %-*s  %.10s  %s\n",
				       (long long)v[i].id, pst_role_name(v[i].role), we, v[i].email,
				       status_of(&v[i]), person, wc, ce, added,
				       v[i].name[0] ? v[i].name : "-");
		}
		code = cli_emit_buf(&b, EXIT_OK);
	}
	free(v);
	free(all);
	return code;
}

/* --- user passwd / disable / enable ------------------------------------------------------ */

enum change { CH_PASSWD, CH_DISABLE, CH_ENABLE };

static int user_change(struct cli *c, int argc, char **argv, enum change what)
{
	static const char *const names[] = {"user passwd", "user disable", "user enable"};
	static const struct option opts[] = {{"email", required_argument, NULL, 'e'},
					     {"db", required_argument, NULL, 'd'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *email = NULL;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, names[what])) != -1) {
		switch (o) {
		case 'e': email = optarg; break;
		case 'd': c->db_target = optarg; break;
		case 'h': return cli_help(cmd_user_usage);
		default: return EXIT_USAGE;
		}
	}
	const char *nothing = "nothing was changed";
	if (optind < argc)
		return cli_extra_arg(names[what], argv[optind]);
	if (!email) {
		cli_error("%s needs --email (the account's login); %s", names[what], nothing);
		return EXIT_USAGE;
	}
	struct pst_db *db = cli_db(c, false);
	if (!db)
		return EXIT_FAIL;
	struct pst_account a;
	int code = find_account(db, "--email", email, &a, nothing);
	if (code >= 0)
		return code;
	int err;
	char hash[PST_PASSWORD_HASH_SIZE] = "";
	if (what == CH_PASSWD) {
		/* asked before any transaction opens: nothing is held while a person types */
		char pw[PST_PASSWORD_MAX_BYTES + 2];
		code = new_password(a.email, a.name, nothing, pw, sizeof pw);
		if (code >= 0) {
			explicit_bzero(pw, sizeof pw);
			return code;
		}
		err = pst_password_hash(pw, hash);
		explicit_bzero(pw, sizeof pw);
		if (err) {
			cli_error("cannot hash the password: %s; %s", pst_strerror(err), nothing);
			return EXIT_FAIL;
		}
	}
	/* The change and its audit entry, all or nothing. */
	if ((err = db->ops->begin(db)))
		return db_error(db, err, NULL);
	if (what == CH_PASSWD) {
		err = db->ops->account_set_password(db, a.id, hash);
		if (!err)
			err = audit(db, "password-set", a.id, 0);
	} else {
		err = db->ops->account_set_disabled(db, a.id, what == CH_DISABLE);
		if (!err)
			err = audit(db, what == CH_DISABLE ? "account-disable" : "account-enable", a.id, 0);
	}
	if (err) {
		int ret = db_error(db, err, "; nothing was changed");
		db->ops->rollback(db);
		return ret;
	}
	if ((err = db->ops->commit(db)))
		return db_error(db, err, NULL);
	struct pst_buf b;
	pst_buf_init(&b, 1024);
	if (what == CH_PASSWD)
		pst_buf_printf(&b, "Changed the password of %s; its sessions were ended.\n", a.email);
	else if (what == CH_DISABLE)
		pst_buf_printf(&b, "Disabled %s%s: it cannot log in, and its sessions were ended.\n",
			       a.email, a.disabled ? " (it was already)" : "");
	else
		pst_buf_printf(&b, "Enabled %s%s: it can log in again%s.\n", a.email,
			       a.disabled ? "" : " (it was not disabled)",
			       a.has_password ? "" : " once it has a password ('postura user passwd')");
	return cli_emit_buf(&b, EXIT_OK);
}

int cmd_user(struct cli *c, int argc, char **argv)
{
	if (argc < 2) {
		cli_error("user needs a subcommand: add, list, passwd, disable or enable (see 'postura "
			  "user --help')");
		return EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)
		return cli_help(cmd_user_usage);
	optind = 0;
	if (strcmp(sub, "add") == 0)
		return user_add(c, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return user_list(c, argc - 1, argv + 1);
	if (strcmp(sub, "passwd") == 0)
		return user_change(c, argc - 1, argv + 1, CH_PASSWD);
	if (strcmp(sub, "disable") == 0)
		return user_change(c, argc - 1, argv + 1, CH_DISABLE);
	if (strcmp(sub, "enable") == 0)
		return user_change(c, argc - 1, argv + 1, CH_ENABLE);
	cli_error("unknown user subcommand '%s' (expected add, list, passwd, disable or enable)", sub);
	return EXIT_USAGE;
}

/* --- audit ------------------------------------------------------------------------------- */

/* --since: a day (00:00 UTC) or an ISO 8601 time. */
static bool parse_since(const char *s, int64_t *epoch)
{
	int y, m, d;
	char tail;
	struct pst_time t;
	if (strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3) {
		char iso[40];
		snprintf(iso, sizeof iso, "%sT00:00:00+00:00", s);
		if (pst_time_parse(iso, 0, &t) != PST_OK)
			return false;
		*epoch = t.epoch;
		return true;
	}
	if (pst_time_parse(s, 0, &t) != PST_OK)
		return false;
	*epoch = t.epoch;
	return true;
}

/* The email of the account with this id, or NULL. */
static const char *email_of(const struct pst_account *acc, size_t n, int64_t id)
{
	for (size_t k = 0; k < n; k++)
		if (acc[k].id == id)
			return acc[k].email;
	return NULL;
}

int cmd_audit(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"since", required_argument, NULL, 's'}, {"limit", required_argument, NULL, 'l'},
		{"json", no_argument, NULL, 'j'},        {"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
	int64_t since = INT64_MIN, limit = 100;
	bool json = false;
	int o;
	optind = 0;
	while ((o = cli_getopt(argc, argv, ":h", opts, "audit")) != -1) {
		switch (o) {
		case 's':
			if (!parse_since(optarg, &since)) {
				cli_error("--since: '%s' is not a date (YYYY-MM-DD) or an ISO 8601 time "
					  "(2026-12-01T08:00:00+01:00)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'l': {
			char *end;
			errno = 0;
			long long v = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 1 || v > 1000000) {
				cli_error("--limit: '%s' is not a number of entries from 1 to 1000000", optarg);
				return EXIT_USAGE;
			}
			limit = v;
			break;
		}
		case 'j': json = true; break;
		case 'd': c->db_target = optarg; break;
		case 'h': return cli_help(cmd_audit_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_extra_arg("audit", argv[optind]);
	struct pst_db *db = cli_db(c, true);
	if (!db)
		return EXIT_FAIL;
	struct pst_audit *v;
	size_t n;
	int err = db->ops->audit_list(db, since, limit + 1, &v, &n);
	if (err)
		return db_error(db, err, NULL);
	bool more = n > (size_t)limit;
	if (more)
		n = (size_t)limit;
	struct pst_account *acc;
	size_t nacc;
	if ((err = db->ops->account_list(db, -1, 0, &acc, &nacc))) {
		free(v);
		return db_error(db, err, NULL);
	}
	int code;
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; arr && i < n; i++) {
			char when[40];
			struct pst_time t = {v[i].at_epoch, 0};
			const char *actor = v[i].actor ? email_of(acc, nacc, v[i].actor) : NULL;
			const char *target = v[i].account ? email_of(acc, nacc, v[i].account) : NULL;
			json_array_append_new(
				arr, json_pack("{s:I, s:s, s:I, s:o, s:s, s:o, s:o, s:o, s:s}", "id",
					       (json_int_t)v[i].id, "at", pst_time_format(t, when, sizeof when),
					       "actor", (json_int_t)v[i].actor, "actor_email",
					       actor ? json_string(actor) : json_null(), "action",
					       v[i].action, "patient",
					       v[i].patient ? json_integer(v[i].patient) : json_null(),
					       "account", v[i].account ? json_integer(v[i].account) : json_null(),
					       "account_email", target ? json_string(target) : json_null(),
					       "address", v[i].address));
		}
		code = cli_emit_json(arr, EXIT_OK);
	} else {
		struct pst_buf b;
		pst_buf_init(&b, 1 << 24);
		pst_buf_printf(&b, "%zu audit entr%s in %s, newest first%s:\n", n, n == 1 ? "y" : "ies",
			       db->where, more ? " (there are more: --limit, --since)" : "");
		if (n)
			pst_buf_printf(&b, "%-17s  %-28s  %-15s  %-28s  %s\n", "TIME (UTC)", "WHO", "ACTION",
				       "ON", "FROM");
		for (size_t i = 0; i < n; i++) {
			char when[40], who[300], on[300];
			utc(v[i].at_epoch, when, sizeof when);
			const char *e = v[i].actor ? email_of(acc, nacc, v[i].actor) : NULL;
			if (!v[i].actor)
				snprintf(who, sizeof who, "command line");
			else if (e)
				snprintf(who, sizeof who, "%s", e);
			else
				snprintf(who, sizeof who, "account %lld", (long long)v[i].actor);
			on[0] = '\0';
			if (v[i].patient) {
				/* the patient's account (their person's), else the person's id */
				e = NULL;
				for (size_t k = 0; k < nacc; k++)
					if (acc[k].person == v[i].patient)
						e = acc[k].email;
				if (e)
					snprintf(on, sizeof on, "patient %s", e);
				else
					snprintf(on, sizeof on, "person %lld", (long long)v[i].patient);
			}
			if (v[i].account) {
				/* the account acted on, unless it is the patient's own, named already */
				e = email_of(acc, nacc, v[i].account);
				size_t l = strlen(on);
				if (!e)
					snprintf(on + l, sizeof on - l, "%saccount %lld", l ? ", " : "",
						 (long long)v[i].account);
				else if (!l || !strstr(on, e))
					snprintf(on + l, sizeof on - l, "%s%s", l ? ", " : "", e);
			}
			pst_buf_printf(&b, "%-17s  %-28s  %-15s  %-28s  %s\n", when, who, v[i].action,
				       on[0] ? on : "-", v[i].address[0] ? v[i].address : "-");
		}
		code = cli_emit_buf(&b, EXIT_OK);
	}
	free(v);
	free(acc);
	return code;
}
