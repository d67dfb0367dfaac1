/* postura export | import: everything a person recorded, as JSON or CSV, and back. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "app/app.h"
#include "render/ics.h"
#include "render/text.h"
#include "store/exchange.h"
#include "store/fhir.h"

const char cmd_export_usage[] =
	"usage: postura export --format csv|json|fhir|ics [--out FILE]\n"
	"\n"
	"Writes everything you recorded (profile, check-ins, sessions, functional scale) as\n"
	"JSON or CSV, to FILE or standard output. 'postura import' reads it back.\n"
	"fhir: a FHIR R4 Bundle for other health software (pain readings as Observations,\n"
	"sessions as Procedures, today's plan as a CarePlan); 'postura import' reads it too.\n"
	"\n"
	"ics: your plan's session days as calendar reminders instead (an iCalendar file any\n"
	"calendar app imports): at the time and in the time zone of your profile ('postura\n"
	"profile set --remind-at 19:30 --timezone Europe/London'), with an alarm 10 minutes\n"
	"before and the exercises in the description; the relief break every day too with\n"
	"--relief-reminder yes.\n";

const char cmd_import_usage[] =
	"usage: postura import FILE|-\n"
	"\n"
	"Adds the records of an export (JSON, CSV or postura's FHIR Bundle, told apart by\n"
	"their first character and, for JSON, its \"resourceType\").\n"
	"Every record is checked first; if any is wrong, nothing is written and each problem\n"
	"is listed with its line or field. Records keep their ids, so importing into a store\n"
	"that already holds them is refused.\n";

/* The export streams: each chunk goes to the file or standard output as it is made. */
static bool to_fd(void *ctx, const char *s, size_t len)
{
	int fd = *(int *)ctx;
	while (len) {
		ssize_t w = write(fd, s, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		s += w;
		len -= (size_t)w;
	}
	return true;
}

static bool to_stdout(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	return cli_write(s, len);
}

/* The plan's reminders as an iCalendar file, into b. Returns an exit code; on failure
 * the reason has been printed. */
static int export_ics(struct cli *c, struct pst_store *s, struct pst_buf *b)
{
	struct pst_time now;
	const struct pst_catalog *cat = cli_catalog(c);
	const struct pst_questions *q = cli_questions(c);
	const struct pst_tips *t = cli_tips(c);
	if (!cat || !q || !cli_now(&now))
		return EXIT_FAIL;
	struct pst_saved_profile sp;
	struct pst_profile p;
	struct pst_plan *plan = NULL;
	bool found = false;
	int64_t today = pst_time_day(now);
	int err = pst_app_reminder_plan(s, cat, t, q, today, &sp, &p, &found, &plan);
	if (!err && !found) {
		cli_error("no saved profile yet: the reminders follow your plan; save your profile "
			  "first with 'postura profile set'");
		return EXIT_FAIL;
	}
	if (err == PST_EREFERRAL) {
		cli_error("no plan, so no reminders: your saved safety answers ask you to see a "
			  "professional, or to answer the questions again ('postura plan' says which)");
		return EXIT_REFERRAL;
	}
	if (err) {
		cli_error("cannot export: %s", s->errmsg[0] ? s->errmsg : pst_strerror(err));
		return EXIT_FAIL;
	}
	char msg[256], person[24];
	snprintf(person, sizeof person, "%lld", (long long)s->person);
	struct pst_ics in = {.plan = plan, .profile = &p, .person = person, .now = now,
			     .start_day = today - pst_day_weekday(today)};
	err = pst_ics_write(b, &in, msg, sizeof msg);
	pst_plan_free(plan);
	if (err == PST_EINVAL) {
		cli_error("--timezone: %s (postura profile set --timezone ZONE)", msg);
		return EXIT_FAIL;
	}
	if (err) {
		cli_error("cannot export: %s", pst_strerror(err));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cmd_export(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"out", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	const char *format = NULL, *out = NULL;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "export")) != -1) {
		switch (o) {
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'h': return cli_help(cmd_export_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_extra_arg("export", argv[optind]);
	bool ics = format && strcmp(format, "ics") == 0;
	if (!format || (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0 &&
			strcmp(format, "fhir") != 0 && !ics)) {
		cli_error("--format: %s%s%s (expected csv, json, fhir or ics)", format ? "'" : "needed",
			  format ? format : "", format ? "' is not a format" : "");
		return EXIT_USAGE;
	}
	struct pst_store *s = cli_store_ro(c);
	if (!s)
		return EXIT_FAIL;
	struct pst_buf ib;
	pst_buf_init(&ib, 1 << 20);
	if (ics) {
		int code = export_ics(c, s, &ib);
		if (code) {
			pst_buf_free(&ib);
			return code;
		}
	}
	bool fhir = strcmp(format, "fhir") == 0;
	struct pst_plan *plan = NULL;
	struct pst_fhir_opts fo = {.dose_text = pst_text_dose};
	if (fhir) {
		/* The CarePlan is today's plan, as `postura plan` gives it. */
		struct pst_time now;
		if (!cli_now(&now))
			return EXIT_USAGE;
		fo.cat = cli_catalog(c);
		fo.questions = cli_questions(c);
		const struct pst_tips *tips = cli_tips(c);
		if (!fo.cat || !fo.questions || !tips)
			return EXIT_FAIL;
		int e = pst_app_saved_plan(s, fo.cat, tips, fo.questions, pst_time_day(now), &plan);
		if (e) {
			cli_error("cannot export: %s", s->errmsg[0] ? s->errmsg : pst_strerror(e));
			return EXIT_FAIL;
		}
		fo.plan = plan;
	}
	/* --out: a temporary file (0600, mkstemp) renamed over FILE at the end, so a failure
	 * (a full disk, a record that cannot be written) never leaves half a file. */
	char tmp[4200];
	int fd = -1;
	if (out) {
		snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", out);
		if ((fd = mkstemp(tmp)) < 0) {
			cli_error("cannot write %s: %s", out, strerror(errno));
			pst_buf_free(&ib);
			pst_plan_free(plan);
			return EXIT_FAIL;
		}
	}
	struct pst_buf b;
	pst_buf_init(&b, 4 * (size_t)PST_EXPORT_CHUNK);
	struct pst_export_sink k = {.out = &b, .flush = out ? to_fd : to_stdout, .ctx = &fd};
	/* The records are read and written a part at a time: memory stays bounded. */
	int err;
	if (ics)
		err = k.flush(k.ctx, ib.s, ib.len) ? PST_OK : PST_EIO;
	else
		err = fhir ? pst_export_fhir_store(s, &fo, &k)
			   : pst_export_store(s, strcmp(format, "csv") == 0, &k);
	pst_buf_free(&ib);
	pst_buf_free(&b);
	pst_plan_free(plan);
	int code = EXIT_OK;
	if (err == PST_EIO && out) {
		cli_error("cannot write %s: %s", out, strerror(errno));
		code = EXIT_FAIL;
	} else if (err == PST_EIO) {
		code = cli_finish(EXIT_FAIL);
	} else if (err) {
		cli_error("cannot export: %s; nothing was written", k.why[0] ? k.why : s->errmsg);
		code = EXIT_FAIL;
	} else if (!out) {
		code = cli_finish(EXIT_OK);
	}
	if (out) {
		if (!code && fsync(fd) != 0) {
			cli_error("cannot write %s: %s", out, strerror(errno));
			code = EXIT_FAIL;
		}
		if (close(fd) != 0 && !code) {
			cli_error("cannot write %s: %s", out, strerror(errno));
			code = EXIT_FAIL;
		}
		if (!code && rename(tmp, out) != 0) {
			cli_error("cannot write %s: %s", out, strerror(errno));
			code = EXIT_FAIL;
		}
		if (code)
			unlink(tmp);
	}
	return code;
}

int cmd_import(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "import")) != -1) {
		if (o == 'h')
			return cli_help(cmd_import_usage);
		return EXIT_USAGE;
	}
	if (argc - optind != 1) {
		cli_error("import needs one FILE, or '-' for standard input");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	const struct pst_catalog *cat = cli_catalog(c);
	if (!cat)
		return EXIT_FAIL;
	size_t len;
	char *text = cli_read_input(path, PST_IMPORT_MAX, &len);
	if (!text)
		return EXIT_USAGE;
	struct pst_diags d = {0};
	struct pst_record_set rs;
	int err = pst_import_parse(cat, strcmp(path, "-") == 0 ? "<stdin>" : path, text, len, &rs, &d);
	free(text);
	if (err) {
		cli_print_diags(stderr, &d);
		cli_error("%zu problem%s: nothing was imported", d.n, d.n == 1 ? "" : "s");
		pst_diags_clear(&d);
		return EXIT_USAGE;
	}
	struct pst_store *s = cli_store(c);
	int code = EXIT_OK;
	if (!s) {
		code = EXIT_FAIL;
	} else if ((err = s->ops->import(s, &rs, 0))) {
		cli_error("%s", s->errmsg);
		code = EXIT_FAIL;
	} else {
		char line[256];
		snprintf(line, sizeof line, "Imported %s%zu check-in%s, %zu session%s and %zu functional-scale "
			 "activit%s%s.\n", rs.has_profile ? "the profile, " : "", rs.ncheckins,
			 rs.ncheckins == 1 ? "" : "s", rs.nsessions, rs.nsessions == 1 ? "" : "s",
			 rs.npsfs, rs.npsfs == 1 ? "y" : "ies",
			 rs.has_screening ? ", and the safety answers (checked again when used)" : "");
		cli_puts(line);
		code = cli_finish(EXIT_OK);
	}
	pst_record_set_free(&rs);
	return code;
}
