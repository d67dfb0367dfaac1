/* postura report: charts of pain, sessions and PSFS (SVG or PNG), or a PDF report to
 * bring to a clinician. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "cli.h"
#include "commands.h"
#include "core/history.h"
#include "core/progression.h"
#include "render/cairox.h"
#include "render/chart.h"
#include "render/document.h"

const char cmd_report_usage[] =
	"usage: postura report [--format svg|png|pdf] [--out FILE] [--since DATE]\n"
	"                      [--chart pain|sessions|psfs|all] [--size WxH] [--paper a4|letter]\n"
	"\n"
	"Your progress in pictures. As SVG or PNG: charts of your pain over time (each\n"
	"check-in, the weekly average, the days you did a session, and the band of a\n"
	"meaningful improvement: 2 points or 30% below your first week), sessions a week\n"
	"against your plan, and your everyday-activity scores (PSFS). As PDF: a report to\n"
	"bring to your physiotherapist, midwife or doctor: your profile, the charts, how\n"
	"much the pain changed and whether that matters, your sessions, and the exercises\n"
	"that were made harder or easier, and why.\n"
	"\n"
	"  --format F     svg, png or pdf; without it, the ending of --out decides, else svg\n"
	"  --out FILE     write to FILE instead of standard output\n"
	"  --since DATE   start from this day (YYYY-MM-DD); default: your first record\n"
	"  --chart C      svg and png: one chart (pain, sessions, psfs) or all (default)\n"
	"  --size WxH     svg and png: the size in pixels, 120-4096 each (default: 800 wide)\n"
	"  --paper P      pdf: a4 (default) or letter\n"
	"  -h, --help     show this help\n"
	"\n"
	"PNG and PDF are not written to a terminal: give --out FILE or redirect the output.\n";

enum fmt { F_SVG, F_PNG, F_PDF };

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Parses "WxH" with both sides within lo..hi. */
static bool parse_size(const char *s, int lo, int hi, int *w, int *h)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	long a = strtol(s, &end, 10);
	if ((*end != 'x' && *end != 'X') || errno)
		return false;
	const char *t = end + 1;
	if (*t < '0' || *t > '9')
		return false;
	long b = strtol(t, &end, 10);
	if (*end || errno || a < lo || a > hi || b < lo || b > hi)
		return false;
	*w = (int)a;
	*h = (int)b;
	return true;
}

/* Writes b to path, or to standard output; returns the exit code. */
static int emit(struct pst_buf *b, const char *path)
{
	if (path) {
		int err = pst_file_write_atomic(path, b->s, b->len);
		if (err == PST_EIO) {
			cli_error("cannot write %s: %s", path, strerror(errno));
			return EXIT_FAIL;
		}
		if (err) {
			cli_error("cannot write %s: %s", path, pst_strerror(err));
			return EXIT_FAIL;
		}
		return EXIT_OK;
	}
	cli_write(b->s, b->len);
	return cli_finish(EXIT_OK);
}

int cmd_report(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"out", required_argument, NULL, 'o'},
		{"since", required_argument, NULL, 's'},  {"chart", required_argument, NULL, 'c'},
		{"size", required_argument, NULL, 'z'},   {"paper", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	const char *format = NULL, *out = NULL, *chart = NULL, *size = NULL, *paper = NULL;
	int64_t since = PST_HISTORY_ALL;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "report")) != -1) {
		switch (o) {
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'c': chart = optarg; break;
		case 'z': size = optarg; break;
		case 'p': paper = optarg; break;
		case 's':
			if (pst_day_parse(optarg, &since) != PST_OK) {
				cli_error("--since: '%s' is not a date like 2026-11-01", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h': return cli_help(cmd_report_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_extra_arg("report", argv[optind]);
	enum fmt fmt = F_SVG;
	if (format) {
		if (strcmp(format, "svg") == 0)
			fmt = F_SVG;
		else if (strcmp(format, "png") == 0)
			fmt = F_PNG;
		else if (strcmp(format, "pdf") == 0)
			fmt = F_PDF;
		else {
			cli_error("--format must be svg, png or pdf, not '%s'", format);
			return EXIT_USAGE;
		}
	} else if (out && ends_with(out, ".png")) {
		fmt = F_PNG;
	} else if (out && ends_with(out, ".pdf")) {
		fmt = F_PDF;
	}
	enum pst_chart_kind kind = PST_CHART_ALL;
	if (chart) {
		int k;
		for (k = 0; k < PST_CHART__MAX && strcmp(pst_chart_names[k], chart) != 0; k++)
			;
		if (k == PST_CHART__MAX) {
			cli_error("--chart must be pain, sessions, psfs or all, not '%s'", chart);
			return EXIT_USAGE;
		}
		kind = (enum pst_chart_kind)k;
	}
	int w = 0, h = 0;
	if (size && !parse_size(size, PST_CHART_MIN_PX, PST_CHART_MAX_PX, &w, &h)) {
		cli_error("--size must be WIDTHxHEIGHT in pixels, each %d-%d, like 800x600; not '%s'",
			  PST_CHART_MIN_PX, PST_CHART_MAX_PX, size);
		return EXIT_USAGE;
	}
	enum pst_paper pp = PST_PAPER_A4;
	if (paper) {
		if (strcmp(paper, "a4") == 0)
			pp = PST_PAPER_A4;
		else if (strcmp(paper, "letter") == 0)
			pp = PST_PAPER_LETTER;
		else {
			cli_error("--paper must be a4 or letter, not '%s'", paper);
			return EXIT_USAGE;
		}
	}
	if (fmt == F_PDF && (chart || size)) {
		cli_error("--chart and --size are for svg and png; the PDF report has every chart");
		return EXIT_USAGE;
	}
	if (fmt != F_PDF && paper) {
		cli_error("--paper is for the PDF report (--format pdf)");
		return EXIT_USAGE;
	}
	if (fmt != F_SVG && !out && isatty(STDOUT_FILENO)) {
		cli_error("will not write %s to a terminal; give --out FILE or redirect the output",
			  fmt == F_PNG ? "PNG" : "PDF");
		return EXIT_USAGE;
	}

	struct pst_time now;
	struct pst_store *s = cli_store_ro(c);
	if (!s || !cli_now(&now))
		return EXIT_FAIL;
	int64_t today = pst_time_day(now);
	if (since != PST_HISTORY_ALL && since > today) {
		cli_error("--since: the day is after today");
		return EXIT_USAGE;
	}
	const struct pst_catalog *cat = NULL;
	if (fmt == F_PDF && !(cat = cli_catalog(c)))
		return EXIT_FAIL;
	struct pst_app_report rep;
	struct pst_buf b;
	pst_buf_init(&b, PST_DOC_MAX_BYTES);
	int code = EXIT_OK;
	int err = pst_app_report_read(s, cat, since, today, fmt == F_PDF, &rep);
	if (err) {
		cli_error("cannot read your progress: %s",
			  s->errmsg[0] ? s->errmsg : pst_strerror(err));
		code = EXIT_FAIL;
		goto out;
	}
	struct pst_chart_src src = {.h = rep.h, .sessions = rep.sessions, .nsessions = rep.nsessions};
	if (fmt == F_PDF) {
		struct pst_report_input ri = {
			.h = rep.h, .sessions = rep.sessions, .nsessions = rep.nsessions,
			.saved = rep.rs.has_profile ? &rep.rs.profile : NULL,
			.today = rep.rs.has_profile ? &rep.today : NULL,
			.prog = rep.prog, .cat = cat, .now = now, .paper = pp,
		};
		err = pst_report_pdf(&ri, &b);
	} else {
		if (!size) {
			w = 800;
			h = pst_chart_px_height(kind, &src, w);
		}
		err = pst_chart_render(kind, &src, fmt == F_PNG ? PST_FIG_PNG : PST_FIG_SVG, w, h, &b);
	}
	if (err) {
		cli_error("cannot draw the report: %s", pst_strerror(err));
		code = EXIT_FAIL;
		goto out;
	}
	code = emit(&b, out);
out:
	pst_buf_free(&b);
	pst_app_report_free(&rep);
	return code;
}
