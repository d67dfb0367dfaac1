/* postura tips [profile] | tips show ID: the everyday tips, all of them or those for one person. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/tips.h"
#include "profile_flags.h"
#include "render/cite.h"
#include "render/json.h"
#include "render/markdown.h"
#include "render/text.h"

const char cmd_tips_usage[] =
	"usage: postura tips [profile flags] [--json]\n"
	"       postura tips show ID [--json]\n"
	"\n"
	"Everyday tips for the back: feeding and desk set-up, sleep, holding and carrying,\n"
	"rest. Each names its source.\n"
	"\n"
	"  (no profile)   a table of every tip: whom it is for and its title\n"
	"  profile flags  the tips for that person, in full: those for their stage, week\n"
	"                 and birth; tips for their --triggers first, then the general\n"
	"                 ones (other profile flags are accepted, as for 'plan')\n"
	"  show ID        one tip in full\n"
	"\n"
	"options:\n"
	"  --json         print JSON instead of text: an array of tips (one object for\n"
	"                 show), each with its Markdown and its HTML\n"
	"  -h, --help     show this help\n"
	"\n";

enum { OPT_JSON = 1 };

/* Terminal text is wrapped here, as in the rest of postura's text output. */
enum { WIDTH = 78, OUT_MAX = 1 << 20 };



/* Appends whom a tip is for, briefly: "pregnancy from week 28", "postpartum after a
 * caesarean". */
static void text_for(struct pst_buf *b, const struct pst_tip *t)
{
	pst_text_mask(b, &pst_vocab_stage, t->stages, "-");
	if (t->from_week && t->until_week)
		pst_buf_printf(b, " weeks %d-%d", t->from_week, t->until_week);
	else if (t->from_week)
		pst_buf_printf(b, " from week %d", t->from_week);
	else if (t->until_week)
		pst_buf_printf(b, " until week %d", t->until_week);
	if (t->births) {
		pst_buf_puts(b, " after a ");
		bool first = true;
		for (int i = PST_BIRTH_VAGINAL; i < PST_BIRTH__MAX; i++) {
			if (!(t->births & PST_BIT(i)))
				continue;
			pst_buf_printf(b, "%s%s", first ? "" : " or ", pst_vocab_plain(&pst_vocab_birth, i));
			first = false;
		}
	}
}

static void pad(struct pst_buf *b, const char *s, int width)
{
	pst_buf_puts(b, s);
	for (int w = (int)strlen(s); w < width; w++)
		pst_buf_add(b, " ", 1);
}

/* The table of every tip, one a line. */
static void text_table(struct pst_buf *b, const struct pst_tips *t)
{
	int wid = 2, wfor = 3, wtrig = 8;
	for (size_t i = 0; i < t->n; i++) {
		struct pst_buf f;
		pst_buf_init(&f, 256);
		text_for(&f, &t->v[i]);
		wfor = (int)f.len > wfor ? (int)f.len : wfor;
		pst_buf_free(&f);
		pst_buf_init(&f, 256);
		pst_text_mask(&f, &pst_vocab_trigger, t->v[i].triggers, "-");
		wtrig = (int)f.len > wtrig ? (int)f.len : wtrig;
		pst_buf_free(&f);
		int l = (int)strlen(t->v[i].id);
		wid = l > wid ? l : wid;
	}
	pad(b, "ID", wid + 2);
	pad(b, "FOR", wfor + 2);
	pad(b, "TRIGGERS", wtrig + 2);
	pst_buf_puts(b, "TITLE\n");
	for (size_t i = 0; i < t->n; i++) {
		const struct pst_tip *tp = &t->v[i];
		pad(b, tp->id, wid + 2);
		struct pst_buf f;
		pst_buf_init(&f, 256);
		text_for(&f, tp);
		pad(b, f.s ? f.s : "", wfor + 2);
		pst_buf_free(&f);
		pst_buf_init(&f, 256);
		pst_text_mask(&f, &pst_vocab_trigger, tp->triggers, "-");
		pad(b, f.s ? f.s : "", wtrig + 2);
		pst_buf_free(&f);
		pst_buf_printf(b, "%s\n", tp->title);
	}
	pst_buf_printf(b, "%zu tip%s (postura tips show ID)\n", t->n, t->n == 1 ? "" : "s");
}

/* One tip in full: title, whom it is for, its text wrapped, its source. */
static int text_tip(struct pst_buf *b, const struct pst_tip *t)
{
	pst_buf_printf(b, "%s (%s)\n", t->title, t->id);
	pst_buf_puts(b, "For:       ");
	text_for(b, t);
	pst_buf_puts(b, "\nTriggers:  ");
	pst_text_mask(b, &pst_vocab_trigger, t->triggers, "none (for everyone)");
	pst_buf_puts(b, "\n\n");
	int err = pst_markdown_text(b, t->body, strlen(t->body), "", WIDTH);
	if (err)
		return err;
	pst_buf_puts(b, "\n");
	struct pst_buf s;
	pst_buf_init(&s, 4096);
	pst_buf_puts(&s, "Sources: ");
	pst_cite_text(&s, &t->sources);
	pst_text_wrap(b, s.s ? s.s : "", "        ", "", WIDTH);
	err = s.failed ? PST_ENOMEM : PST_OK;
	pst_buf_free(&s);
	return err;
}

/* A tip as JSON; NULL when its body cannot be rendered (out of memory, or a link that
 * pst_markdown_html refuses: the loader lets none through). */
static json_t *json_tip(const struct pst_tip *t)
{
	struct pst_buf html;
	pst_buf_init(&html, OUT_MAX);
	if (pst_markdown_html(&html, t->body, strlen(t->body)) || !html.s) {
		pst_buf_free(&html);
		return NULL;
	}
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(t->id));
	json_object_set_new(o, "title", json_string(t->title));
	json_object_set_new(o, "stages", pst_json_mask(&pst_vocab_stage, t->stages));
	json_object_set_new(o, "triggers", pst_json_mask(&pst_vocab_trigger, t->triggers));
	if (t->births)
		json_object_set_new(o, "births", pst_json_mask(&pst_vocab_birth, t->births));
	if (t->from_week)
		json_object_set_new(o, "from_week", json_integer(t->from_week));
	if (t->until_week)
		json_object_set_new(o, "until_week", json_integer(t->until_week));
	json_object_set_new(o, "sources", pst_json_cites(&t->sources));
	json_object_set_new(o, "body_markdown", json_string(t->body));
	json_object_set_new(o, "body_html", json_string(html.s));
	pst_buf_free(&html);
	return o;
}

/* Prints tips (all of them, or those picked for a person) as a JSON array. */
static int print_json_tips(const struct pst_tip *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n && a; i++) {
		json_t *o = json_tip(v[i]);
		if (!o) {
			cli_error("tip %s: its text cannot be rendered", v[i]->id);
			json_decref(a);
			return EXIT_FAIL;
		}
		json_array_append_new(a, o);
	}
	return cli_emit_json(a, EXIT_OK);
}

/* Returns the id closest to a mistyped one (in t), or NULL when none is near. The same
 * measure as the catalogue's. */
static const char *closest(const struct pst_tips *t, const char *id)
{
	const char *best = NULL;
	int bestd = 0;
	for (size_t i = 0; i < t->n; i++) {
		int d = pst_edit_distance(id, t->v[i].id);
		if (strstr(t->v[i].id, id) && strlen(id) >= 3)
			d = d < 2 ? d : 2;
		if (!best || d < bestd) {
			best = t->v[i].id;
			bestd = d;
		}
	}
	size_t l = strlen(id);
	int limit = l < 9 ? 2 : (int)(l / 3);
	return best && bestd <= limit ? best : NULL;
}

static int tips_show(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, OPT_JSON},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool json = false;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "tips show")) != -1) {
		switch (o) {
		case OPT_JSON: json = true; break;
		case 'h': return cli_help(cmd_tips_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("tips show needs a tip id (see 'postura tips')");
		return EXIT_USAGE;
	}
	if (optind + 1 < argc)
		return cli_extra_arg("tips show", argv[optind + 1]);
	const char *id = argv[optind];
	const struct pst_tips *t = cli_tips(c);
	if (!t)
		return EXIT_FAIL;
	const struct pst_tip *tp = pst_tips_find(t, id);
	if (!tp) {
		const char *near = closest(t, id);
		if (near)
			cli_error("no tip '%s'; did you mean '%s'?", id, near);
		else
			cli_error("no tip '%s' (see 'postura tips' for the list)", id);
		return EXIT_USAGE;
	}
	if (json) {
		json_t *j = json_tip(tp);
		if (!j) {
			cli_error("tip %s: its text cannot be rendered", tp->id);
			return EXIT_FAIL;
		}
		return cli_emit_json(j, EXIT_OK);
	}
	struct pst_buf b;
	pst_buf_init(&b, OUT_MAX);
	if (text_tip(&b, tp))
		b.failed = true;
	return cli_emit_buf(&b, EXIT_OK);
}

/* The tips picked for a person, in full. */
static int tips_for(const struct pst_tips *t, const struct pst_profile *p, bool json)
{
	const struct pst_tip **v = malloc((t->n ? t->n : 1) * sizeof(*v));
	if (!v) {
		cli_error("out of memory");
		return EXIT_FAIL;
	}
	size_t n = pst_tips_select(t, p->stage, p->weeks, p->birth, p->triggers, v, t->n);
	int code;
	if (json) {
		code = print_json_tips(v, n);
	} else {
		struct pst_buf b;
		pst_buf_init(&b, OUT_MAX);
		char stage[96];
		pst_buf_printf(&b, "%zu tip%s for %s, triggers: ", n, n == 1 ? "" : "s",
			       pst_profile_stage_words(p, stage, sizeof stage));
		pst_text_mask(&b, &pst_vocab_trigger, p->triggers, "none given");
		pst_buf_puts(&b, "\n");
		for (size_t i = 0; i < n; i++) {
			pst_buf_puts(&b, "\n");
			for (int k = 0; k < WIDTH; k++)
				pst_buf_add(&b, "-", 1);
			pst_buf_puts(&b, "\n");
			if (text_tip(&b, v[i]))
				b.failed = true;
		}
		code = cli_emit_buf(&b, EXIT_OK);
	}
	free(v);
	return code;
}

int cmd_tips(struct cli *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "show") == 0) {
		optind = 0; /* full re-initialisation of getopt for the subcommand */
		return tips_show(c, argc - 1, argv + 1);
	}
	static const struct option own[] = {{"json", no_argument, NULL, OPT_JSON}, {NULL, 0, NULL, 0}};
	struct option opts[CLI_PF_OPTIONS_MAX];
	cli_profile_options_with(opts, own);

	struct pst_profile p;
	pst_profile_init(&p);
	unsigned given = 0;
	bool json = false;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "tips")) != -1) {
		bool bad;
		if (cli_profile_option(&p, o, optarg, &bad, &given)) {
			if (bad)
				return EXIT_USAGE;
			continue;
		}
		switch (o) {
		case OPT_JSON: json = true; break;
		case 'h':
			cli_puts(cmd_tips_usage);
			return cli_help(cli_profile_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("unexpected argument '%s' for 'tips' (to read one tip: postura tips show ID)",
			  argv[optind]);
		return EXIT_USAGE;
	}
	/* Any profile flag asks for a selection, which needs a valid profile and stage. */
	if (given && !cli_profile_validate(&p))
		return EXIT_USAGE;
	const struct pst_tips *t = cli_tips(c);
	if (!t)
		return EXIT_FAIL;
	if (given)
		return tips_for(t, &p, json);
	if (json) {
		const struct pst_tip **v = malloc((t->n ? t->n : 1) * sizeof(*v));
		if (!v) {
			cli_error("out of memory");
			return EXIT_FAIL;
		}
		for (size_t i = 0; i < t->n; i++)
			v[i] = &t->v[i];
		int code = print_json_tips(v, t->n);
		free(v);
		return code;
	}
	struct pst_buf b;
	pst_buf_init(&b, OUT_MAX);
	text_table(&b, t);
	return cli_emit_buf(&b, EXIT_OK);
}
