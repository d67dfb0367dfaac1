/* postura session: a guided session of the plan in the terminal, or `session log`, which
 * records a finished one (the same body as POST /api/v1/sessions). */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "cli.h"
#include "commands.h"
#include "render/text.h"
#include "session.h"

const char cmd_session_usage[] =
	"usage: postura session [--answers FILE]\n"
	"       postura session log FILE|-\n"
	"\n"
	"In a terminal, 'postura session' first lists the stop signs and asks whether you\n"
	"have any today (then there is no session: exit 3, and whom to call). Then it\n"
	"guides you through today's plan (the one 'postura plan' shows for your saved\n"
	"profile), one exercise at a time: the steps and cues, then holds counted down,\n"
	"repetitions paced, sides and breaths called out, rests between sets. Keys: space\n"
	"pause/resume, n next (skip), b back, s stop signs, q quit. At the end it asks how\n"
	"each exercise felt and your pain, and logs the session as 'session log' would.\n"
	"  --answers FILE   the safety answers as JSON (see 'postura screen'); without\n"
	"                   them you are told so and asked to confirm before starting\n"
	"POSTURA_FAST=1 makes every second pass at once (a testing aid).\n"
	"\n"
	"'session log' records a finished session from JSON (FILE, or '-' for standard\n"
	"input):\n"
	"  {\"at\": \"2026-11-21T08:30:00+01:00\" (optional, default now),\n"
	"   \"pain_before\": 4, \"pain_after\": 3,\n"
	"   \"exercises\": [{\"id\": \"wall-angels\", \"feedback\": \"easy|right|hard|hurt\",\n"
	"                  \"pain\": 2 (optional, pain during)}]}\n"
	"Your feedback changes the next plan: easy or right twice in a row (pain at most 3)\n"
	"moves an exercise up a step; hurt, or pain above 3, moves it down.\n"
	"Nothing is saved when any field is wrong.\n";

/* What the session did, as every front end says it: the summary, and what changes next
 * time (pst_app_session_save). */
static void outcome_text(struct pst_buf *b, const struct pst_app_session_outcome *o)
{
	pst_text_wrap(b, o->summary, "", "", 78);
	if (o->advice)
		pst_text_wrap(b, o->advice, "", "", 78);
	if (!o->has_profile) {
		pst_text_wrap(b, "Save your profile ('postura profile set') and postura tells you "
				 "what your feedback changes next time.", "", "", 78);
		return;
	}
	if (o->nchanges)
		pst_buf_puts(b, "\nNext time\n");
	for (size_t i = 0; i < o->nchanges; i++) {
		char first[160];
		snprintf(first, sizeof first, "  %s: ", o->changes[i].ex->name);
		pst_text_wrap(b, o->changes[i].reason, "    ", first, 78);
	}
	if (o->nsame) {
		struct pst_buf same;
		pst_buf_init(&same, 1 << 14);
		for (size_t i = 0; i < o->nsame; i++)
			pst_buf_printf(&same, "%s%s", i ? ", " : "", o->same[i]->name);
		pst_buf_puts(b, "\n");
		if (!same.failed)
			pst_text_wrap(b, same.s, "    ", "No change yet: ", 78);
		pst_text_wrap(b, o->same_why, "", "", 78);
		pst_buf_free(&same);
	}
}

int cli_session_save(struct cli *c, const char *src, const char *text, size_t len,
		     struct pst_arena *a, struct pst_session_log *log)
{
	struct pst_time now;
	const struct pst_catalog *cat = cli_catalog(c);
	if (!cat || !cli_now(&now))
		return EXIT_FAIL;
	struct pst_diags d = {0};
	struct pst_app_session_outcome o = {0};
	int code = EXIT_OK;
	int err = pst_session_parse_json(cat, src, text, len, now, a, log, &d);
	if (err) {
		cli_print_diags(stderr, &d);
		cli_error("the session was not saved");
		code = err == PST_ENOMEM ? EXIT_FAIL : EXIT_USAGE;
		goto out;
	}
	struct pst_store *s = cli_store(c);
	if (!s) {
		code = EXIT_FAIL;
		goto out;
	}
	err = pst_app_session_save(s, cat, pst_time_day(now), log, &o);
	if (err && !o.id) {
		cli_error("the session was not saved: %s", err == PST_ENOMEM ? "out of memory" : s->errmsg);
		code = EXIT_FAIL;
		goto out;
	}
	log->id = o.id;
	char when[40];
	struct pst_buf b;
	pst_buf_init(&b, 1 << 16);
	pst_buf_printf(&b, "Saved session %lld: %zu exercise%s at %s.\n", (long long)o.id, log->nex,
		       log->nex == 1 ? "" : "s", pst_time_format(log->at, when, sizeof when));
	if (!err)
		outcome_text(&b, &o);
	code = cli_emit_buf(&b, EXIT_OK);
out:
	pst_app_session_outcome_free(&o);
	pst_diags_clear(&d);
	return code;
}

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
	if (!cli_catalog(c) || !cli_now(&now))
		return EXIT_FAIL;
	size_t len;
	char *text = cli_read_input(path, PST_SESSION_JSON_MAX, &len);
	if (!text)
		return EXIT_USAGE;
	struct pst_arena *a = pst_arena_new();
	struct pst_session_log log;
	int code;
	if (!a) {
		cli_error("out of memory");
		code = EXIT_FAIL;
	} else {
		code = cli_session_save(c, strcmp(path, "-") == 0 ? "<stdin>" : path, text, len, a,
					&log);
	}
	free(text);
	pst_arena_free(a);
	return code;
}

int cmd_session(struct cli *c, int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : NULL;
	if (sub && (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0))
		return cli_help(cmd_session_usage);
	optind = 0;
	if (sub && strcmp(sub, "log") == 0)
		return session_log(c, argc - 1, argv + 1);
	/* No subcommand (options may follow): the guided session. */
	if (!sub || sub[0] == '-')
		return cli_session_guide(c, argc, argv);
	cli_error("unknown session subcommand '%s' (expected log, or nothing for a guided "
		  "session)", sub);
	return EXIT_USAGE;
}
