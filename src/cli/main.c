/* postura: the command-line program; a thin layer over the core, one command per task. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "config.h"

static const struct cli_command commands[] = {
	{"screen", cmd_screen, "the warning-sign questions asked before any plan", cmd_screen_usage},
	{"profile", cmd_profile, "save or show your profile (stage, pain, triggers, limits)", cmd_profile_usage},
	{"plan", cmd_plan, "a dosed routine for your profile, after the safety questions", cmd_plan_usage},
	{"session", cmd_session, "a guided session of your plan, or log one you did", cmd_session_usage},
	{"checkin", cmd_checkin, "record your pain now", cmd_checkin_usage},
	{"psfs", cmd_psfs, "activities your back makes hard, rated 0-10 (PSFS)", cmd_psfs_usage},
	{"history", cmd_history, "pain over time, sessions done, and whether the change matters", cmd_history_usage},
	{"report", cmd_report, "charts of your progress, or a PDF report for your clinician", cmd_report_usage},
	{"tips", cmd_tips, "everyday tips for your back, for your stage and triggers", cmd_tips_usage},
	{"catalog", cmd_catalog, "list, show and check the exercise catalogue", cmd_catalog_usage},
	{"illustrate", cmd_illustrate, "pictures of an exercise's movement (SVG or PNG)", cmd_illustrate_usage},
	{"handout", cmd_handout, "your plan on paper, as a PDF to print", cmd_handout_usage},
	{"export", cmd_export, "everything you recorded, as CSV or JSON", cmd_export_usage},
	{"import", cmd_import, "add the records of an export (all or nothing)", cmd_import_usage},
	{"backup", cmd_backup, "a consistent copy of your data", cmd_backup_usage},
	{"serve", cmd_serve, "the web app: open the address it prints in a browser", cmd_serve_usage},
	{"person", cmd_person, "add or list the people whose records a database keeps", cmd_person_usage},
	{"migrate", cmd_migrate, "copy SQLite files into one database, each as a new person", cmd_migrate_usage},
	{"user", cmd_user, "the accounts of clinic mode: add, list, passwd, disable", cmd_user_usage},
	{"audit", cmd_audit, "the audit log of clinic mode (who read or changed what, when)", cmd_audit_usage},
};

enum { NCOMMANDS = sizeof(commands) / sizeof(commands[0]) };

static const char main_usage_head[] =
	"usage: postura [--catalog DIR] [--db PATH|URI] [--person ID] COMMAND [ARGS]\n"
	"\n"
	"postura: a safe, personal exercise programme for upper and mid back pain in\n"
	"pregnancy and after birth. It does not diagnose; when a warning sign comes up it\n"
	"tells you whom to see instead of giving a plan.\n"
	"\n"
	"commands:\n";

static const char main_usage_tail[] =
	"\n"
	"global options:\n"
	"  --catalog DIR  read the exercise catalogue from DIR instead of the built-in one\n"
	"  --db PATH|URI  the database: an SQLite file, or postgresql://... (default:\n"
	"                 $POSTURA_DB, else ~/.local/share/postura/postura.db)\n"
	"  --person ID    whose records to read and write (default: $POSTURA_PERSON,\n"
	"                 else 1, the one person of a new database; 'postura person list')\n"
	"  -h, --help     show this help ('postura COMMAND --help' for a command)\n"
	"  --version      show the version\n";

static int main_help(FILE *f)
{
	fputs(main_usage_head, f);
	for (int i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs(main_usage_tail, f);
	return f == stdout ? cli_finish(EXIT_OK) : EXIT_USAGE;
}

static const struct cli_command *find_command(const char *name)
{
	for (int i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static const char *closest_command(const char *name)
{
	const char *best = NULL;
	int bestd = 3;
	for (int i = 0; i < NCOMMANDS; i++) {
		int d = pst_edit_distance(name, commands[i].name);
		if (d < bestd) {
			bestd = d;
			best = commands[i].name;
		}
	}
	return best;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"catalog", required_argument, NULL, 'c'},
		{"db", required_argument, NULL, 'd'},
		{"person", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	/* Every file postura writes holds health data or is made from it (the database, its
	 * backups, exports, reports, handouts): only its owner may read it, whatever the
	 * umask. The store and the writers also ask for 0600 themselves. */
	umask(077);
	struct cli c = {0};
	cli_context(&c);
	int o;
	/* '+': stop at the command name; its own options are parsed by the command. */
	while ((o = cli_getopt(argc, argv, "+:h", opts, "")) != -1) {
		switch (o) {
		case 'c': c.catalog_dir = optarg; break;
		case 'd': c.db_target = optarg; break;
		case 'p':
			if (!cli_set_person(&c, optarg))
				return EXIT_USAGE;
			break;
		case 'h': return main_help(stdout);
		case 'V':
			cli_puts("postura " PST_VERSION "\n");
			return cli_finish(EXIT_OK);
		default: return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("no command given (see 'postura --help')");
		return EXIT_USAGE;
	}
	const char *name = argv[optind];
	if (strcmp(name, "help") == 0) {
		if (optind + 1 < argc) {
			const struct cli_command *cmd = find_command(argv[optind + 1]);
			if (cmd)
				return cli_help(cmd->usage);
			cli_error("unknown command '%s' (see 'postura --help')", argv[optind + 1]);
			return EXIT_USAGE;
		}
		return main_help(stdout);
	}
	const struct cli_command *cmd = find_command(name);
	if (!cmd) {
		const char *near = closest_command(name);
		if (near)
			cli_error("unknown command '%s'; did you mean '%s'? (see 'postura --help')", name, near);
		else
			cli_error("unknown command '%s' (see 'postura --help')", name);
		return EXIT_USAGE;
	}
	int argc2 = argc - optind;
	char **argv2 = argv + optind;
	optind = 0;
	int code = cmd->run(&c, argc2, argv2);
	if (code != EXIT_OK && c.exit_code)
		code = c.exit_code;
	cli_free(&c);
	return code;
}
