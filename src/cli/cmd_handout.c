/* postura handout: the plan of 'postura plan' as a PDF to print. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "core/planner.h"
#include "core/progression.h"
#include "profile_flags.h"
#include "render/cairox.h"
#include "render/document.h"
#include "render/screen.h"

const char cmd_handout_usage[] =
	"usage: postura handout [profile flags] [--answers FILE|-] [--paper a4|letter]\n"
	"                       --out FILE.pdf\n"
	"\n"
	"Your plan on paper, to print: the stop signs in a box, your week as a table to tick\n"
	"off, each exercise with its pictures, steps, dose and why (about three a page), the\n"
	"daily relief break, the optional floor exercises of the first two weeks after\n"
	"birth, your tips and the sources. It is the same plan as 'postura plan' gives for\n"
	"the same flags (without profile flags: your saved profile and your progress).\n"
	"\n"
	"A warning sign in your answers means no handout: you are told whom to see (exit 3).\n"
	"Without --answers the handout says, at the top, that you have not been screened.\n"
	"\n"
	"  --answers FILE   the safety answers as JSON; '-' reads standard input\n"
	"  --paper P        a4 (default) or letter\n"
	"  --out FILE       the PDF to write; without it, standard output (not a terminal)\n"
	"  -h, --help       show this help\n"
	"\n";

enum { OPT_ANSWERS = 1, OPT_PAPER, OPT_OUT };

int cmd_handout(struct cli *c, int argc, char **argv)
{
	static const struct option own[] = {{"answers", required_argument, NULL, OPT_ANSWERS},
					    {"paper", required_argument, NULL, OPT_PAPER},
					    {"out", required_argument, NULL, OPT_OUT},
					    {NULL, 0, NULL, 0}};
	struct option opts[CLI_PF_OPTIONS_MAX];
	cli_profile_options_with(opts, own);

	struct pst_profile p;
	pst_profile_init(&p);
	const char *answers = NULL, *out = NULL;
	enum pst_paper paper = PST_PAPER_A4;
	unsigned given = 0;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "handout")) != -1) {
		bool bad;
		if (cli_profile_option(&p, o, optarg, &bad, &given)) {
			if (bad)
				return EXIT_USAGE;
			continue;
		}
		switch (o) {
		case OPT_ANSWERS: answers = optarg; break;
		case OPT_OUT: out = optarg; break;
		case OPT_PAPER:
			if (strcmp(optarg, "a4") == 0) {
				paper = PST_PAPER_A4;
			} else if (strcmp(optarg, "letter") == 0) {
				paper = PST_PAPER_LETTER;
			} else {
				cli_error("--paper must be a4 or letter, not '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			cli_puts(cmd_handout_usage);
			return cli_help(cli_profile_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_extra_arg("handout", argv[optind]);
	if (!out && isatty(STDOUT_FILENO)) {
		cli_error("will not write PDF to a terminal; give --out FILE.pdf or redirect the output");
		return EXIT_USAGE;
	}
	struct pst_time now;
	if (!cli_now(&now))
		return EXIT_FAIL;
	/* The same plan as 'postura plan' with these flags (cmd_plan.c). */
	struct cli_plan cp;
	int code = cli_plan_build(c, given ? &p : NULL, answers, &cp);
	if (code >= 0) {
		cli_plan_free(&cp);
		return code;
	}
	const struct pst_questions *q = cli_questions(c);
	const struct pst_screen_result *res = &cp.screen;
	int err;
	code = EXIT_OK;
	struct pst_buf b;
	pst_buf_init(&b, PST_DOC_MAX_BYTES);
	if (!cp.plan) {
		/* Red flags win: no exercises on paper either, only whom to see and how soon.
		 * Standard output may be the PDF's place: then the advice goes to stderr. */
		code = res->outcome == PST_OUT_INCOMPLETE ? EXIT_INCOMPLETE : EXIT_REFERRAL;
		pst_buf_puts(&b, "No handout: your answers need a professional's attention first.\n\n");
		pst_text_screen_result_in(&b, res, cli_country(&cp.profile));
		if (b.failed) {
			cli_error("out of memory");
			code = EXIT_FAIL;
		} else if (out) {
			cli_write(b.s, b.len);
			code = cli_finish(code);
		} else {
			fputs(b.s, stderr);
		}
	} else if ((err = pst_handout_pdf(cp.plan, q, paper, now, &b))) {
		cli_error("cannot make the handout: %s", pst_strerror(err));
		code = EXIT_FAIL;
	} else if (out) {
		err = pst_file_write_atomic(out, b.s, b.len);
		if (err) {
			cli_error("cannot write %s: %s", out,
				  err == PST_EIO ? strerror(errno) : pst_strerror(err));
			code = EXIT_FAIL;
		}
	} else {
		cli_write(b.s, b.len);
		code = cli_finish(EXIT_OK);
	}
	pst_buf_free(&b);
	cli_plan_free(&cp);
	return code;
}
