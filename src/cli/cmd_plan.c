/* postura plan: screen, then build a dosed routine for a profile and print it. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "cli.h"
#include "commands.h"
#include "core/planner.h"
#include "core/progression.h"
#include "profile_flags.h"
#include "render/json.h"
#include "render/plan.h"
#include "render/screen.h"

const char cmd_plan_usage[] =
	"usage: postura plan [profile flags] [--answers FILE|-] [--json]\n"
	"\n"
	"Without profile flags, the profile saved with 'postura profile set' is used, and\n"
	"the plan follows your progress: the feedback of your logged sessions moves each\n"
	"exercise up or down a step (docs/progression.md).\n"
	"\n"
	"A routine that fits your minutes: mobility, front-opening stretches and back or\n"
	"neck strengthening, each dosed, with a weekly schedule, a daily relief break, the\n"
	"reason for every exercise left out, and tips. Answer the safety questions first:\n"
	"with --answers, a warning sign means no plan, only advice on whom to see.\n"
	"Without --answers, the answers saved by 'postura screen' or the web app are used,\n"
	"with or without profile flags; answers too old are asked again (exit 4).\n"
	"\n"
	"  --answers FILE   the safety answers as JSON ({\"chest-pain\": false, ...});\n"
	"                   '-' reads them from standard input (see 'postura screen')\n"
	"  --json           print JSON instead of text\n"
	"  -h, --help       show this help\n"
	"\n";

enum { OPT_ANSWERS = 1, OPT_JSON };

/* Reads and evaluates the answers; returns -1 to go on, or the exit code. */
static int screen_answers(struct cli *c, const char *path, const struct pst_profile *p,
			  struct pst_screen_result *res)
{
	const struct pst_questions *q = cli_questions(c);
	if (!q)
		return EXIT_FAIL;
	struct pst_answers a = {0};
	int code = cli_read_answers(q, path, &a);
	if (code >= 0)
		return code;
	int err = pst_screen_evaluate_at(q, &a, PST_BIT(p->stage), p->weeks, res);
	pst_answers_free(&a);
	if (err) {
		cli_error("%s", pst_strerror(err));
		return EXIT_FAIL;
	}
	return -1;
}

int cli_saved_screening(struct cli *c, const struct pst_saved_profile *sp,
			const struct pst_profile *p, struct pst_time now,
			struct pst_screen_result *res, struct pst_time *at)
{
	struct pst_store *s = cli_store_ro(c);
	const struct pst_questions *q = cli_questions(c);
	if (!s || !q)
		return EXIT_FAIL;
	struct pst_app_screened st;
	int err = pst_app_screening(s, q, sp, p, pst_time_day(now), res, &st);
	if (err) {
		if (s->errmsg[0])
			cli_error("%s", s->errmsg);
		else
			cli_error("cannot read your safety answers: %s", pst_strerror(err));
		return EXIT_FAIL;
	}
	if (!st.found)
		return -2;
	char day[16];
	pst_day_format(pst_time_day(st.at), day, sizeof day);
	if (st.changed) {
		cli_error("the safety questions have changed since you answered them on %s: answer "
			  "them again with 'postura screen'",
			  day);
		return EXIT_INCOMPLETE;
	}
	if (st.stale != PST_FRESH) {
		cli_error("your safety answers of %s must be given again: %s. Answer them again "
			  "with 'postura screen'",
			  day, pst_staleness_words(st.stale));
		return EXIT_INCOMPLETE;
	}
	*at = st.at;
	return -1;
}

void cli_plan_free(struct cli_plan *cp)
{
	pst_plan_free(cp->plan);
	pst_progression_free(cp->prog);
	pst_screen_result_free(&cp->screen);
	memset(cp, 0, sizeof(*cp));
}

int cli_plan_build(struct cli *c, const struct pst_profile *flags, const char *answers,
		   struct cli_plan *out)
{
	memset(out, 0, sizeof(*out));
	struct pst_profile *p = &out->profile;
	/* No profile flags: the saved profile, as of today, and the progress recorded. */
	bool saved = !flags;
	struct pst_saved_profile sp;
	if (saved) {
		if (!cli_saved_profile(c, &sp, p, false))
			return EXIT_USAGE;
	} else {
		*p = *flags;
	}
	if (!cli_profile_validate(p))
		return EXIT_USAGE;

	const struct pst_catalog *cat = cli_catalog(c);
	const struct pst_tips *tips = cli_tips(c);
	const struct pst_questions *q = cli_questions(c);
	if (!cat || !tips || !q)
		return EXIT_FAIL;

	struct pst_time now;
	if (!cli_now(&now))
		return EXIT_USAGE;
	if (answers) {
		int r = screen_answers(c, answers, p, &out->screen);
		if (r >= 0)
			return r;
		out->screened = true;
	} else {
		/* The answers saved by 'postura screen' or the web app, while they hold: they
		 * are the person's, whichever profile the plan is for. With profile flags, the
		 * flags' stage counts from today (answers given before a stage change that the
		 * flags imply are asked again). */
		if (!saved) {
			sp = (struct pst_saved_profile){.p = *p};
			sp.anchor_day = pst_time_day(now) - (int64_t)p->weeks * 7;
		}
		int r = cli_saved_screening(c, &sp, p, now, &out->screen, &out->screened_at);
		if (r >= 0)
			return r;
		out->screened = r == -1;
	}
	if (saved) {
		/* The same progression the web app follows (src/app). */
		struct pst_store *s = cli_store_ro(c);
		if (!s)
			return EXIT_FAIL;
		int e = pst_app_progression(s, cat, p, &out->prog);
		if (e) {
			if (s->errmsg[0])
				cli_error("%s", s->errmsg);
			else
				cli_error("cannot follow your progress: %s", pst_strerror(e));
			return EXIT_FAIL;
		}
	}
	int err = pst_plan_build(cat, tips, p, out->screened ? &out->screen : NULL, out->prog,
				 &out->plan);
	if (err == PST_EREFERRAL) /* red flags win: out->screen says whom to see */
		return -1;
	if (!err && out->screened && !answers) { /* saved answers: say when */
		out->plan->has_screened_at = true;
		out->plan->screened_at = out->screened_at;
	}
	if (err) {
		cli_error("cannot build the plan: %s", pst_strerror(err));
		return EXIT_FAIL;
	}
	if (saved) {
		/* The programme a clinician assigned, when there is one (src/app). */
		struct pst_store *s = cli_store_ro(c);
		int e = s ? pst_app_programme_onto(s, cat, p, out->screened ? &out->screen : NULL,
						   out->plan)
			  : PST_EIO;
		if (e) {
			cli_error("cannot read the assigned programme: %s",
				  s && s->errmsg[0] ? s->errmsg : pst_strerror(e));
			return EXIT_FAIL;
		}
	}
	return -1;
}

int cmd_plan(struct cli *c, int argc, char **argv)
{
	static const struct option own[] = {{"answers", required_argument, NULL, OPT_ANSWERS},
					    {"json", no_argument, NULL, OPT_JSON},
					    {NULL, 0, NULL, 0}};
	struct option opts[CLI_PF_OPTIONS_MAX];
	cli_profile_options_with(opts, own);

	struct pst_profile p;
	pst_profile_init(&p);
	const char *answers = NULL;
	bool json = false;
	unsigned given = 0;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "plan")) != -1) {
		bool bad;
		if (cli_profile_option(&p, o, optarg, &bad, &given)) {
			if (bad)
				return EXIT_USAGE;
			continue;
		}
		switch (o) {
		case OPT_ANSWERS: answers = optarg; break;
		case OPT_JSON: json = true; break;
		case 'h':
			cli_puts(cmd_plan_usage);
			return cli_help(cli_profile_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_extra_arg("plan", argv[optind]);

	struct cli_plan cp;
	int code = cli_plan_build(c, given ? &p : NULL, answers, &cp);
	if (code >= 0) {
		cli_plan_free(&cp);
		return code;
	}
	if (!cp.plan) {
		/* Red flags win: no exercises at all, only whom to see and how soon. */
		const struct pst_screen_result *res = &cp.screen;
		code = res->outcome == PST_OUT_INCOMPLETE ? EXIT_INCOMPLETE : EXIT_REFERRAL;
		if (json) {
			code = cli_emit_json(pst_json_plan_referral(&cp.profile, pst_json_screen_result(res)),
					  code);
		} else {
			struct pst_buf b;
			pst_buf_init(&b, 1 << 20);
			pst_buf_puts(&b, "No plan: your answers need a professional's attention first.\n\n");
			pst_text_screen_result_in(&b, res, cli_country(&cp.profile));
			code = cli_emit_buf(&b, code);
		}
	} else if (json) {
		code = cli_emit_json(pst_json_plan(cp.plan), EXIT_OK);
	} else {
		struct pst_buf b;
		pst_buf_init(&b, 1 << 20);
		pst_text_plan(&b, cp.plan, cli_questions(c));
		code = cli_emit_buf(&b, EXIT_OK);
	}
	cli_plan_free(&cp);
	return code;
}
