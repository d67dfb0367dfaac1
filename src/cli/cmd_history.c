/* postura history: pain over time, sessions against the plan, PSFS, meaningful change. */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "cli.h"
#include "commands.h"
#include "core/history.h"
#include "render/history.h"

const char cmd_history_usage[] =
	"usage: postura history [--since DATE] [--json]\n"
	"\n"
	"Your pain by day and by week, the change since your first week and whether it is\n"
	"big enough to matter (2 points or 30%: Childs 2005), sessions done against sessions\n"
	"planned each week, and your functional-scale scores (PSFS).\n"
	"\n"
	"  --since DATE   start from this day (YYYY-MM-DD); default: your first record\n"
	"  --json         print JSON instead of text\n";

int cmd_history(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"since", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
	int64_t since = PST_HISTORY_ALL;
	bool json = false;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "history")) != -1) {
		switch (o) {
		case 's':
			if (pst_day_parse(optarg, &since) != PST_OK) {
				cli_error("--since: '%s' is not a date like 2026-11-01", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j': json = true; break;
		case 'h': return cli_help(cmd_history_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_extra_arg("history", argv[optind]);
	struct pst_time now;
	struct pst_store *s = cli_store_ro(c);
	if (!s || !cli_now(&now))
		return EXIT_FAIL;
	int64_t today = pst_time_day(now);
	if (since != PST_HISTORY_ALL && since > today) {
		cli_error("--since: the day is after today");
		return EXIT_USAGE;
	}
	struct pst_app_report rep;
	int err = pst_app_report_read(s, NULL, since, today, false, &rep);
	int code;
	if (err) {
		cli_error("%s", s->errmsg[0] ? s->errmsg : pst_strerror(err));
		code = EXIT_FAIL;
	} else {
		struct pst_buf b;
		pst_buf_init(&b, 1 << 26);
		if (json)
			pst_json_history(&b, rep.h);
		else
			pst_text_history(&b, rep.h);
		code = cli_emit_buf(&b, EXIT_OK);
	}
	pst_app_report_free(&rep);
	return code;
}
