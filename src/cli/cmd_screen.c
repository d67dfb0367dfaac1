/* postura screen: the warning-sign questions, answered from JSON or one at a time. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "cli.h"
#include "data/builtin.h"
#include "commands.h"
#include "core/screen.h"
#include "render/json.h"
#include "render/screen.h"
#include "render/text.h"

const char cmd_screen_usage[] =
	"usage: postura screen [--answers FILE|-] [--stage pregnancy|postpartum] [--json]\n"
	"       postura screen --list [--stage STAGE] [--json]\n"
	"\n"
	"The warning-sign questions asked before any plan. A yes to a warning sign means no\n"
	"plan: postura says whom to contact and how urgently. It does not diagnose.\n"
	"\n"
	"In a terminal, without --answers, the questions are asked one at a time (y/n).\n"
	"Otherwise the answers are read from FILE or standard input as one JSON object\n"
	"mapping each question id to true (yes) or false (no):\n"
	"  {\"chest-pain\": false, \"breathless-at-rest\": false, ...}\n"
	"('postura screen --list' shows every id; examples/answers.json answers every\n"
	"question no.)\n"
	"\n"
	"Complete answers (or a warning sign) are saved with your records, as the web app\n"
	"saves them: 'postura plan', 'postura session' and 'postura handout' then use them\n"
	"without --answers. In pregnancy and the first 12 weeks after birth they hold for 4\n"
	"weeks, and until you reach 20 weeks of pregnancy or 6 weeks after birth; later for\n"
	"12 weeks. Then they are asked again.\n"
	"\n"
	"options:\n"
	"  --answers FILE    read the answers from FILE ('-': standard input; at most 64 KiB)\n"
	"  --stage STAGE     pregnancy or postpartum: only the questions for that stage count\n"
	"                    (default: your saved profile's stage, else every question)\n"
	"  --list            list the questions and their ids instead\n"
	"  --questions FILE  read the questions from FILE instead of the built-in ones (the\n"
	"                    answers are then not saved)\n"
	"  --json            print JSON instead of text\n"
	"  -h, --help        show this help\n"
	"\n"
	"exit status: 0 no warning signs, a note for your next appointment, or the plan may\n"
	"be used once your provider says it is OK; 3 see a professional (now, today, or by\n"
	"appointment); 4 questions left unanswered; 2 bad input; 1 the questions themselves\n"
	"have problems, or the answers could not be saved.\n";

enum { OPT_ANSWERS = 1, OPT_STAGE, OPT_LIST, OPT_QUESTIONS, OPT_JSON };

static const struct option screen_opts[] = {
	{"answers", required_argument, NULL, OPT_ANSWERS},
	{"stage", required_argument, NULL, OPT_STAGE},
	{"list", no_argument, NULL, OPT_LIST},
	{"questions", required_argument, NULL, OPT_QUESTIONS},
	{"json", no_argument, NULL, OPT_JSON},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const unsigned all_stages = PST_BIT(PST_STAGE__MAX) - 1;

static int outcome_exit(enum pst_outcome o)
{
	if (pst_outcome_is_referral(o))
		return EXIT_REFERRAL;
	if (o == PST_OUT_INCOMPLETE)
		return EXIT_INCOMPLETE;
	return EXIT_OK;
}



/* Loads the questions from path into *own (the caller frees it); NULL after printing why. */
static struct pst_questions *load_questions_file(const char *path, struct pst_questions **own)
{
	struct pst_diags d = {0};
	struct pst_blobset set = {0};
	bool loaded = pst_blobset_read_file(path, &set, &d) == PST_OK &&
		      pst_questions_load(&set.v[0], own, &d) == PST_OK;
	if (loaded && pst_questions_check_sources(*own, &pst_builtin_sources, &d)) {
		pst_questions_free(*own);
		*own = NULL;
		loaded = false;
	}
	cli_print_diags(stderr, &d);
	if (!loaded)
		cli_error("%zu problem%s in %s; the questions were not loaded", d.n,
			  d.n == 1 ? "" : "s", path);
	pst_diags_clear(&d);
	pst_blobset_free(&set);
	return *own;
}

static int list_questions(const struct pst_questions *q, unsigned stages, bool json)
{
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; a && i < q->n; i++)
			if ((q->v[i].stages & stages) &&
			    json_array_append_new(a, pst_json_question(&q->v[i])) != 0) {
				json_decref(a);
				a = NULL;
			}
		return cli_emit_json(a, EXIT_OK);
	}
	struct pst_buf b;
	pst_buf_init(&b, 1 << 20);
	pst_text_questions(&b, q, stages);
	return cli_emit_buf(&b, EXIT_OK);
}

/* --- asking in a terminal ------------------------------------------------------ */

/* Reads one line from standard input into buf (without the newline, lower-cased and
 * trimmed); a longer line is read to its end and cut. Returns false at end of input. */
static bool read_reply(char *buf, size_t size)
{
	if (!fgets(buf, (int)size, stdin))
		return false;
	if (!strchr(buf, '\n')) {
		int ch;
		while ((ch = getchar()) != EOF && ch != '\n')
			;
	}
	char *s = buf;
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	memmove(buf, s, n);
	buf[n] = '\0';
	for (char *p = buf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return true;
}

/* Prompts go to standard error, so that standard output holds only the result (which
 * may be JSON) even when the questions are asked in a terminal. */
static void say(const char *s)
{
	fputs(s, stderr);
	fflush(stderr);
}

static void say_wrapped(const char *text, const char *first)
{
	struct pst_buf b;
	pst_buf_init(&b, 1 << 16);
	pst_text_wrap(&b, text, "", first, 78);
	say(b.failed ? text : b.s);
	pst_buf_free(&b);
}

/* Asks which stage applies; returns false at end of input. */
static bool ask_stage(unsigned *stages)
{
	char line[64];
	for (;;) {
		say("Are you pregnant now (p), or have you given birth (b)? ");
		if (!read_reply(line, sizeof line))
			return false;
		if (!strcmp(line, "p") || !strcmp(line, "pregnant") || !strcmp(line, "pregnancy")) {
			*stages = PST_BIT(PST_STAGE_PREGNANCY);
			return true;
		}
		if (!strcmp(line, "b") || !strcmp(line, "birth") || !strcmp(line, "postpartum")) {
			*stages = PST_BIT(PST_STAGE_POSTPARTUM);
			return true;
		}
		say("Please type p (pregnant now) or b (given birth).\n");
	}
}

/* Asks each question of stages in file order, one at a time, into a. Stops at the first
 * yes to an emergency question: its advice must not wait for the other questions. */
static void ask_questions(const struct pst_questions *q, unsigned stages, int weeks,
			  struct pst_answers *a)
{
	size_t total = 0, asked = 0;
	for (size_t i = 0; i < q->n; i++)
		total += pst_question_applies(&q->v[i], stages, weeks);
	char line[64];
	for (size_t i = 0; i < q->n; i++) {
		const struct pst_question *qn = &q->v[i];
		if (!pst_question_applies(qn, stages, weeks))
			continue;
		char first[32];
		snprintf(first, sizeof first, "[%zu/%zu] ", ++asked, total);
		say("\n");
		say_wrapped(qn->question, first);
		for (;;) {
			say("y/n: ");
			if (!read_reply(line, sizeof line)) {
				say("\nStopped: the questions not answered are listed below.\n\n");
				return;
			}
			if (!strcmp(line, "y") || !strcmp(line, "yes")) {
				a->v[i] = PST_ANS_YES;
				break;
			}
			if (!strcmp(line, "n") || !strcmp(line, "no")) {
				a->v[i] = PST_ANS_NO;
				break;
			}
			say("Please type y (yes) or n (no). If you are not sure, answer y.\n");
		}
		if (a->v[i] == PST_ANS_YES && qn->outcome == PST_OUT_EMERGENCY) {
			say("\n");
			return;
		}
	}
	say("\n");
}

static int interactive(const struct pst_questions *q, unsigned *stages, int weeks,
		       struct pst_answers *a)
{
	a->n = q->n;
	a->v = calloc(q->n ? q->n : 1, sizeof(*a->v)); /* all unanswered */
	if (!a->v) {
		cli_error("out of memory");
		return EXIT_FAIL;
	}
	say("Before any plan, postura asks about warning signs. Answer y (yes) or n (no);\n"
	    "if you are not sure, answer y. Press Ctrl-D to stop.\n\n");
	if (*stages == all_stages && !ask_stage(stages))
		say("\n");
	else
		ask_questions(q, *stages, *stages == all_stages ? -1 : weeks, a);
	return -1;
}

/* --- the command ------------------------------------------------------------------ */

int cmd_screen(struct cli *c, int argc, char **argv)
{
	const char *answers = NULL, *qfile = NULL;
	unsigned stages = all_stages;
	bool json = false, list = false;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", screen_opts, "screen")) != -1) {
		switch (o) {
		case OPT_ANSWERS: answers = optarg; break;
		case OPT_STAGE: {
			int s = pst_vocab_find(&pst_vocab_stage, optarg);
			if (s < 0) {
				cli_error("unknown stage '%s' (expected pregnancy or postpartum)", optarg);
				return EXIT_USAGE;
			}
			stages = PST_BIT(s);
			break;
		}
		case OPT_LIST: list = true; break;
		case OPT_QUESTIONS: qfile = optarg; break;
		case OPT_JSON: json = true; break;
		case 'h': return cli_help(cmd_screen_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_extra_arg("screen", argv[optind]);
	if (list && answers) {
		cli_error("--list and --answers do not go together");
		return EXIT_USAGE;
	}

	struct pst_questions *own = NULL;
	const struct pst_questions *q = qfile ? load_questions_file(qfile, &own) : cli_questions(c);
	if (!q)
		return cli_finish(EXIT_FAIL);
	int code;
	if (list) {
		code = list_questions(q, stages, json);
		pst_questions_free(own);
		return code;
	}

	/* The saved profile, when there is one, says which questions apply (stage, weeks);
	 * the store keeps the answers. Custom questions are only tried out, never saved. */
	struct pst_store *store = qfile ? NULL : cli_store(c);
	int weeks = -1;
	const struct pst_country *country = cli_country(NULL);
	struct pst_time now;
	if (!cli_now(&now)) {
		pst_questions_free(own);
		return EXIT_USAGE;
	}
	if (store) {
		struct pst_saved_profile sp;
		struct pst_profile p;
		bool found = false;
		if (pst_app_profile(store, pst_time_day(now), &sp, &p, &found) == PST_OK && found)
			country = cli_country(&p);
		if (found &&
		    p.has_stage && (stages == all_stages || stages == PST_BIT(p.stage))) {
			stages = PST_BIT(p.stage);
			weeks = p.weeks;
		}
	}

	struct pst_answers a = {0};
	if (!answers && isatty(STDIN_FILENO)) {
		code = interactive(q, &stages, weeks, &a);
		if (code >= 0)
			goto out;
	} else {
		code = cli_read_answers(q, answers ? answers : "-", &a);
		if (code >= 0)
			goto out;
	}

	struct pst_screen_result r;
	int err = pst_screen_evaluate_at(q, &a, stages, weeks, &r);
	if (err) {
		cli_error("%s", pst_strerror(err));
		code = EXIT_FAIL;
		goto out;
	}
	code = outcome_exit(r.outcome);
	/* Saved as the web app saves them, unless unfinished: never a plan on half the
	 * answers, and half the answers never replace whole ones. */
	bool saved = false;
	if (!qfile && r.outcome != PST_OUT_INCOMPLETE) {
		int e = store ? pst_app_screening_save(store, q, &a, stages, now) : PST_EIO;
		if (e) {
			if (store && store->errmsg[0])
				cli_error("%s", store->errmsg);
			cli_error("your answers were not saved: 'postura plan' cannot use them");
			if (code == EXIT_OK)
				code = EXIT_FAIL;
		} else {
			saved = true;
		}
	}
	if (json) {
		code = cli_emit_json(pst_json_screen_result(&r), code);
	} else {
		struct pst_buf b;
		pst_buf_init(&b, 1 << 20);
		pst_text_screen_result_in(&b, &r, country);
		if (saved)
			pst_buf_puts(&b, "\nYour answers are saved: 'postura plan' and 'postura session' "
					 "use them.\n");
		code = cli_emit_buf(&b, code);
	}
	pst_screen_result_free(&r);
out:
	pst_answers_free(&a);
	pst_questions_free(own);
	return code;
}
