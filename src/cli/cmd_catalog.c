/* postura catalog list|show|check: read and validate the exercise catalogue. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "core/catalog.h"
#include "data/builtin.h"
#include "render/json.h"
#include "render/text.h"

const char cmd_catalog_usage[] =
	"usage: postura catalog list [--json]\n"
	"       postura catalog show ID [--json]\n"
	"       postura catalog check [DIR]\n"
	"\n"
	"The exercise catalogue: every exercise postura can choose from, with its dose,\n"
	"steps, cues, variants, stage notes and source.\n"
	"\n"
	"  list           a table of all exercises (--json: an array of objects)\n"
	"  show ID        everything about one exercise\n"
	"  check [DIR]    validate a catalogue directory (default: the catalogue in use);\n"
	"                 prints FILE:LINE:COLUMN: message per problem and exits 1 if any\n"
	"\n"
	"options:\n"
	"  --json         print JSON instead of text\n"
	"  -h, --help     show this help\n";

static const struct option json_opts[] = {
	{"json", no_argument, NULL, 'j'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Parses [--json] [--help] for a catalog subcommand; returns -1 to go on, else an exit code. */
static int parse_json_flag(int argc, char **argv, const char *cmd, bool *json)
{
	int o;
	while ((o = cli_getopt(argc, argv, ":h", json_opts, cmd)) != -1) {
		switch (o) {
		case 'j': *json = true; break;
		case 'h': return cli_help(cmd_catalog_usage);
		default: return EXIT_USAGE;
		}
	}
	return -1;
}



static int catalog_list(struct cli *c, int argc, char **argv)
{
	bool json = false;
	int r = parse_json_flag(argc, argv, "catalog list", &json);
	if (r >= 0)
		return r;
	if (optind < argc)
		return cli_extra_arg("catalog list", argv[optind]);
	const struct pst_catalog *cat = cli_catalog(c);
	if (!cat)
		return EXIT_FAIL;
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; i < cat->n; i++)
			json_array_append_new(a, pst_json_exercise_brief(&cat->ex[i]));
		return cli_emit_json(a, EXIT_OK);
	}
	struct pst_buf b;
	pst_buf_init(&b, 1 << 20);
	pst_text_catalog(&b, cat);
	return cli_emit_buf(&b, EXIT_OK);
}

static int catalog_show(struct cli *c, int argc, char **argv)
{
	bool json = false;
	int r = parse_json_flag(argc, argv, "catalog show", &json);
	if (r >= 0)
		return r;
	if (optind >= argc) {
		cli_error("catalog show needs an exercise id (see 'postura catalog list')");
		return EXIT_USAGE;
	}
	if (optind + 1 < argc)
		return cli_extra_arg("catalog show", argv[optind + 1]);
	const char *id = argv[optind];
	bool usage;
	const struct pst_exercise *e = cli_exercise(c, id, &usage);
	if (!e)
		return usage ? EXIT_USAGE : EXIT_FAIL;
	if (json)
		return cli_emit_json(pst_json_exercise(e), EXIT_OK);
	struct pst_buf b;
	pst_buf_init(&b, 1 << 20);
	pst_text_exercise(&b, e);
	return cli_emit_buf(&b, EXIT_OK);
}

static int catalog_check(struct cli *c, int argc, char **argv)
{
	bool json = false;
	int r = parse_json_flag(argc, argv, "catalog check", &json);
	if (r >= 0)
		return r;
	if (json) {
		cli_error("catalog check has no --json output");
		return EXIT_USAGE;
	}
	if (optind + 1 < argc)
		return cli_extra_arg("catalog check", argv[optind + 1]);
	const char *dir = optind < argc ? argv[optind] : c->catalog_dir;
	if (!dir) {
		/* The built-in catalogue was checked by the same loader when postura was built. */
		char line[256];
		snprintf(line, sizeof line,
			 "ok: %zu exercises in the built-in catalogue (checked when postura was built)\n",
			 pst_builtin_catalog.n);
		cli_puts(line);
		return cli_finish(EXIT_OK);
	}
	struct pst_diags d = {0};
	struct pst_blobset set = {0};
	if (pst_blobset_read_dir(dir, ".yaml", &set, &d)) {
		cli_print_diags(stdout, &d);
		pst_diags_clear(&d);
		return cli_finish(EXIT_FAIL);
	}
	struct pst_catalog *cat = NULL;
	int err = pst_catalog_load(set.v, set.n, &cat, &d);
	/* Every citation must name a source of the table (data/sources.yaml, built in). */
	if (!err && pst_catalog_check_sources(cat, &pst_builtin_sources, &d)) {
		pst_diags_sort(&d);
		pst_catalog_free(cat);
		cat = NULL;
		err = PST_EDATA;
	}
	int code;
	if (err) {
		cli_print_diags(stdout, &d);
		cli_error("%zu problem%s found; the catalogue was not loaded", d.n, d.n == 1 ? "" : "s");
		code = EXIT_FAIL;
	} else {
		char line[256];
		snprintf(line, sizeof line, "ok: %zu exercises in %s\n", cat->n, dir);
		cli_puts(line);
		code = EXIT_OK;
	}
	pst_catalog_free(cat);
	pst_diags_clear(&d);
	pst_blobset_free(&set);
	return cli_finish(code);
}

int cmd_catalog(struct cli *c, int argc, char **argv)
{
	if (argc < 2) {
		cli_error("catalog needs a subcommand: list, show or check (see 'postura catalog --help')");
		return EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)
		return cli_help(cmd_catalog_usage);
	optind = 0; /* full re-initialisation of getopt for the subcommand */
	if (strcmp(sub, "list") == 0)
		return catalog_list(c, argc - 1, argv + 1);
	if (strcmp(sub, "show") == 0)
		return catalog_show(c, argc - 1, argv + 1);
	if (strcmp(sub, "check") == 0)
		return catalog_check(c, argc - 1, argv + 1);
	cli_error("unknown catalog subcommand '%s' (expected list, show or check)", sub);
	return EXIT_USAGE;
}
