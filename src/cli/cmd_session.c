/* postura session log: records a finished session (the same body as POST /api/v1/sessions). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

const char cmd_session_usage[] =
	"usage: postura session log FILE|-\n"
	"\n"
	"Records a finished session from JSON (FILE, or '-' for standard input):\n"
	"  {\"at\": \"2026-11-21T08:30:00+01:00\" (optional, default now),\n"
	"   \"pain_before\": 4, \"pain_after\": 3,\n"
	"   \"exercises\": [{\"id\": \"wall-angels\", \"feedback\": \"easy|right|hard|hurt\",\n"
	"                  \"pain\": 2 (optional, pain during)}]}\n"
	"Your feedback changes the next plan: easy or right twice in a row (pain at most 3)\n"
	"moves an exercise up a step; hurt, or pain above 3, moves it down.\n"
	"Nothing is saved when any field is wrong.\n";

static int session_log(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "session log")) != -1) {
		if (o == 'h')
			return cli_help(cmd_session_usage);
		return EXIT_USAGE;
	}
	if (argc - optind != 1) {
		cli_error("session log needs one FILE, or '-' for standard input");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	struct pst_time now;
	const struct pst_catalog *cat = cli_catalog(c);
	if (!cat || !cli_now(&now))
		return EXIT_FAIL;
	size_t len;
	char *text = cli_read_input(path, PST_SESSION_JSON_MAX, &len);
	if (!text)
		return EXIT_USAGE;
	struct pst_arena *a = pst_arena_new();
	struct pst_diags d = {0};
	struct pst_session_log log;
	int code = EXIT_OK;
	int err = a ? pst_session_parse_json(cat, strcmp(path, "-") == 0 ? "<stdin>" : path, text,
					     len, now, a, &log, &d)
		    : PST_ENOMEM;
	free(text);
	if (err) {
		cli_print_diags(stderr, &d);
		cli_error("the session was not saved");
		code = EXIT_USAGE;
		goto out;
	}
	struct pst_store *s = cli_store(c);
	if (!s) {
		code = EXIT_FAIL;
		goto out;
	}
	int64_t id;
	if ((err = s->ops->session_add(s, &log, &id))) {
		cli_error("%s", s->errmsg);
		code = EXIT_FAIL;
		goto out;
	}
	char when[40], line[160];
	snprintf(line, sizeof line, "Saved session %lld: %zu exercise%s at %s.\n", (long long)id,
		 log.nex, log.nex == 1 ? "" : "s", pst_time_format(log.at, when, sizeof when));
	cli_puts(line);
	code = cli_finish(EXIT_OK);
out:
	pst_diags_clear(&d);
	pst_arena_free(a);
	return code;
}

int cmd_session(struct cli *c, int argc, char **argv)
{
	if (argc < 2) {
		cli_error("session needs a subcommand: log (see 'postura session --help')");
		return EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)
		return cli_help(cmd_session_usage);
	optind = 0;
	if (strcmp(sub, "log") == 0)
		return session_log(c, argc - 1, argv + 1);
	cli_error("unknown session subcommand '%s' (expected log)", sub);
	return EXIT_USAGE;
}
