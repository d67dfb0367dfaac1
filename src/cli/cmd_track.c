/* postura profile | checkin | psfs | backup: what a person records, kept in the store. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "cli.h"
#include "commands.h"
#include "profile_flags.h"
#include "render/json.h"
#include "render/plan.h"
#include "render/profile.h"
#include "render/text.h"



static int store_error(struct pst_store *s, int err)
{
	cli_error("%s", s->errmsg[0] ? s->errmsg : pst_strerror(err));
	return err == PST_EINVAL || err == PST_ENOTFOUND ? EXIT_USAGE : EXIT_FAIL;
}

/* --- profile ---------------------------------------------------------------- */

const char cmd_profile_usage[] =
	"usage: postura profile set [profile flags]\n"
	"       postura profile show [--json]\n"
	"\n"
	"Saves your profile, so that 'postura plan' needs no flags. 'set' changes only the\n"
	"flags you give; the weeks are kept as a date, so your stage moves on with time.\n"
	"\n"
	"reminders (postura export --format ics, and the web app's calendar):\n"
	"  --remind-at HH:MM       the time of the session reminder, 24-hour (default 19:30)\n"
	"  --timezone ZONE         its time zone, an IANA name such as Europe/London\n"
	"                          (default: this computer's; 'none' to go back to it)\n"
	"  --relief-reminder yes|no  the relief break as a daily event too (default no)\n"
	"\n";

/* The reminder flags: only 'profile set' takes them (they do not change a plan). */
static const struct option reminder_options[] = {
	{"remind-at", required_argument, NULL, CLI_PF_BASE + PST_PF_REMIND_AT},
	{"timezone", required_argument, NULL, CLI_PF_BASE + PST_PF_TIMEZONE},
	{"relief-reminder", required_argument, NULL, CLI_PF_BASE + PST_PF_RELIEF_REMINDER},
	{NULL, 0, NULL, 0},
};

json_t *cli_profile_json(const struct pst_saved_profile *sp, const struct pst_profile *now)
{
	return pst_json_saved_profile(sp, now);
}

/* Loads the saved profile as of today; prints why and returns false when there is none. */
bool cli_saved_profile(struct cli *c, struct pst_saved_profile *sp, struct pst_profile *today,
		       bool quiet_if_missing)
{
	struct pst_store *s = cli_store_ro(c);
	struct pst_time now;
	bool found = false;
	if (!s || !cli_now(&now))
		return false;
	int err = pst_app_profile(s, pst_time_day(now), sp, today, &found);
	if (err) {
		store_error(s, err);
		return false;
	}
	if (!found) {
		if (!quiet_if_missing)
			cli_error("no saved profile yet: give the profile flags (see 'postura plan "
				  "--help'), or save them once with 'postura profile set'");
		return false;
	}
	if (pst_saved_profile_stale(sp, pst_time_day(now)))
		cli_error(today->stage == PST_STAGE_PREGNANCY
				  ? "note: your saved profile is now past 42 weeks of pregnancy; if your "
				    "baby has been born, update it: postura profile set --postpartum-weeks N "
				    "--birth vaginal|caesarean"
				  : "note: your saved profile is now more than two years after birth; "
				    "update it with postura profile set");
	return true;
}

static int profile_set(struct cli *c, int argc, char **argv)
{
	struct option opts[CLI_PF_OPTIONS_MAX];
	cli_profile_options_with(opts, reminder_options);

	struct pst_store *s = cli_store(c);
	struct pst_time now;
	if (!s || !cli_now(&now))
		return EXIT_FAIL;
	int64_t today = pst_time_day(now);
	struct pst_saved_profile sp;
	bool found = false;
	int err = s->ops->profile_get(s, &sp, &found);
	if (err)
		return store_error(s, err);
	struct pst_profile p;
	if (found) {
		p = pst_saved_profile_today(&sp, today);
	} else {
		memset(&sp, 0, sizeof sp);
		pst_profile_init(&p);
	}
	struct pst_profile before = p;
	unsigned given = 0;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "profile set")) != -1) {
		bool bad;
		if (o == 'h') {
			cli_puts(cmd_profile_usage);
			return cli_help(cli_profile_usage);
		}
		/* A new stage starts clean: birth and feeding belong to the old one. */
		if ((o == CLI_PF_BASE + PST_PF_PREGNANT_WEEKS || o == CLI_PF_BASE + PST_PF_POSTPARTUM_WEEKS) &&
		    !(given & (PST_BIT(PST_PF_PREGNANT_WEEKS) | PST_BIT(PST_PF_POSTPARTUM_WEEKS))) &&
		    p.has_stage) {
			enum pst_stage to = o == CLI_PF_BASE + PST_PF_PREGNANT_WEEKS ? PST_STAGE_PREGNANCY
										 : PST_STAGE_POSTPARTUM;
			if (to != p.stage) {
				p.birth = PST_BIRTH_UNKNOWN;
				p.feeding = PST_FEED_UNKNOWN;
			}
			p.has_stage = false;
		}
		if (!cli_profile_option(&p, o, optarg, &bad, &given))
			return EXIT_USAGE;
		if (bad)
			return EXIT_USAGE;
	}
	if (optind < argc)
		return cli_extra_arg("profile set", argv[optind]);
	if (!given) {
		cli_error("profile set needs at least one profile flag (see 'postura profile set --help')");
		return EXIT_USAGE;
	}
	if (!cli_profile_validate(&p))
		return EXIT_USAGE;
	sp.p = p;
	sp.updated = now;
	if ((given & (PST_BIT(PST_PF_PREGNANT_WEEKS) | PST_BIT(PST_PF_POSTPARTUM_WEEKS))) || !found)
		pst_saved_profile_anchor(&sp, today);
	else
		sp.p.weeks = before.weeks;
	if ((err = s->ops->profile_put(s, &sp)))
		return store_error(s, err);
	char words[96];
	struct pst_buf b;
	pst_buf_init(&b, 4096);
	pst_buf_printf(&b, "Saved: %s, %d minutes a session.\n",
		       pst_profile_stage_words(&p, words, sizeof words), p.minutes);
	return cli_emit_buf(&b, EXIT_OK);
}

static int profile_show(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	bool json = false;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "profile show")) != -1) {
		if (o == 'j')
			json = true;
		else if (o == 'h')
			return cli_help(cmd_profile_usage);
		else
			return EXIT_USAGE;
	}
	if (optind < argc)
		return cli_extra_arg("profile show", argv[optind]);
	struct pst_saved_profile sp;
	struct pst_profile p;
	if (!cli_saved_profile(c, &sp, &p, false))
		return EXIT_FAIL;
	if (json)
		return cli_emit_json(cli_profile_json(&sp, &p), EXIT_OK);
	char words[96], when[40];
	struct pst_buf b;
	pst_buf_init(&b, 4096);
	pst_buf_printf(&b, "Stage:      %s\n", pst_profile_stage_words(&p, words, sizeof words));
	if (p.stage == PST_STAGE_POSTPARTUM)
		pst_buf_printf(&b, "Feeding:    %s\n",
			       p.feeding == PST_FEED_UNKNOWN ? "not given"
							     : pst_vocab_plain(&pst_vocab_feeding, (int)p.feeding));
	if (p.pain >= 0)
		pst_buf_printf(&b, "Pain:       %d/10 (when saved)\n", p.pain);
	pst_buf_puts(&b, "Areas:      ");
	pst_text_mask(&b, &pst_vocab_area, p.areas, "not given");
	pst_buf_puts(&b, "\nTriggers:   ");
	pst_text_mask(&b, &pst_vocab_trigger, p.triggers, "none");
	pst_buf_puts(&b, "\nEquipment:  ");
	pst_text_mask(&b, &pst_vocab_equipment, p.equipment, "none");
	pst_buf_puts(&b, "\nAvoid:      ");
	pst_text_mask(&b, &pst_vocab_avoid, p.avoid, "nothing");
	pst_buf_puts(&b, "\nConditions: ");
	if (!p.conditions)
		pst_buf_puts(&b, "none");
	for (int i = 0, k = 0; i < PST_COND__MAX; i++)
		if (p.conditions & PST_BIT(i))
			pst_buf_printf(&b, "%s%s", k++ ? ", " : "", pst_condition_name[i]);
	const struct pst_country *cy = pst_profile_country(&p);
	pst_buf_printf(&b, "\nCountry:    %s", cy ? cy->name : "not set");
	char clock[8], zone[PST_TZ_NAME_MAX];
	pst_buf_printf(&b, "\nMinutes:    %d a session", p.minutes);
	pst_buf_printf(&b, "\nReminder:   %s, %s%s; relief break every day: %s",
		       pst_clock_format(p.remind_at, clock, sizeof clock),
		       pst_profile_timezone(&p, zone, sizeof zone),
		       p.timezone[0] ? "" : " (this computer's time zone)",
		       p.relief_reminder ? "yes" : "no");
	pst_buf_printf(&b, "\nSaved:      %s\n", pst_time_format(sp.updated, when, sizeof when));
	return cli_emit_buf(&b, EXIT_OK);
}

int cmd_profile(struct cli *c, int argc, char **argv)
{
	if (argc < 2) {
		cli_error("profile needs a subcommand: set or show (see 'postura profile --help')");
		return EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		cli_puts(cmd_profile_usage);
		return cli_help(cli_profile_usage);
	}
	optind = 0;
	if (strcmp(sub, "set") == 0)
		return profile_set(c, argc - 1, argv + 1);
	if (strcmp(sub, "show") == 0)
		return profile_show(c, argc - 1, argv + 1);
	cli_error("unknown profile subcommand '%s' (expected set or show)", sub);
	return EXIT_USAGE;
}

/* --- checkin ---------------------------------------------------------------- */

const char cmd_checkin_usage[] =
	"usage: postura checkin --pain N [--area LIST] [--note TEXT] [--at TIME]\n"
	"\n"
	"Records how your back is: pain 0 (none) to 10 (worst imaginable), where it hurts\n"
	"(upper,mid,neck), a note, and when (ISO 8601, e.g. 2026-11-21T08:30; default now).\n";

/* Parses a time option; prints the error naming the flag. */
static bool parse_at(const char *flag, const char *arg, struct pst_time now, struct pst_time *at)
{
	if (pst_time_parse(arg, now.offset_min, at) == PST_OK)
		return true;
	cli_error("%s: '%s' is not a date and time like 2026-11-21 or 2026-11-21T08:30", flag, arg);
	return false;
}

int cmd_checkin(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"pain", required_argument, NULL, 'p'}, {"area", required_argument, NULL, 'a'},
		{"note", required_argument, NULL, 'n'}, {"at", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
	struct pst_time now;
	if (!cli_now(&now))
		return EXIT_FAIL;
	struct pst_checkin ck = {.at = now, .pain = -1};
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "checkin")) != -1) {
		enum pst_cfield f;
		switch (o) {
		case 'p': f = PST_CF_PAIN; break;
		case 'a': f = PST_CF_AREAS; break;
		case 'n': f = PST_CF_NOTE; break;
		case 't': f = PST_CF_AT; break;
		case 'h': return cli_help(cmd_checkin_usage);
		default: return EXIT_USAGE;
		}
		/* The same checks as the web app's check-in (core/tracking.h). */
		char msg[160];
		if (!pst_checkin_set(&ck, f, optarg, now, msg, sizeof msg)) {
			cli_error("%s: %s", pst_cfield_flag[f], msg);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_extra_arg("checkin", argv[optind]);
	if (ck.pain < 0) {
		cli_error("--pain is needed: how bad is it now, from 0 (none) to 10 (worst imaginable)?");
		return EXIT_USAGE;
	}
	struct pst_store *s = cli_store(c);
	if (!s)
		return EXIT_FAIL;
	int64_t id;
	int err = s->ops->checkin_add(s, &ck, &id);
	if (err)
		return store_error(s, err);
	char when[40];
	struct pst_buf b;
	pst_buf_init(&b, 1024);
	pst_buf_printf(&b, "Saved check-in %lld: pain %d/10 at %s.\n", (long long)id, ck.pain,
		       pst_time_format(ck.at, when, sizeof when));
	const char *advice = pst_pain_advice(ck.pain);
	if (advice)
		pst_text_wrap(&b, advice, "", "", 78);
	return cli_emit_buf(&b, EXIT_OK);
}

/* --- psfs ------------------------------------------------------------------- */

const char cmd_psfs_usage[] =
	"usage: postura psfs add \"ACTIVITY\"\n"
	"       postura psfs rate ID SCORE [--at TIME]\n"
	"       postura psfs list [--json]\n"
	"\n"
	"The Patient-Specific Functional Scale: pick 3 to 5 activities that your back makes\n"
	"hard (\"feed the baby for 20 minutes\", \"carry the car seat\", \"sit at my desk for an\n"
	"hour\") and rate each from 0 (unable to do it) to 10 (as well as before the problem).\n"
	"A change of 2 points on the average, or 3 on one activity, is meaningful (Stratford 1995).\n";

static int psfs_add(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "psfs add")) != -1) {
		if (o == 'h')
			return cli_help(cmd_psfs_usage);
		return EXIT_USAGE;
	}
	if (argc - optind != 1) {
		cli_error(argc - optind < 1 ? "psfs add needs the activity in quotes, e.g. postura psfs add \"carry the car seat\""
				   : "psfs add takes one activity: put it in quotes");
		return EXIT_USAGE;
	}
	const char *act = argv[optind];
	/* The same checks as the web app's (core/tracking.h). */
	char msg[200];
	if (!pst_psfs_activity_check(act, msg, sizeof msg)) {
		cli_error("ACTIVITY: %s (nothing was saved)", msg);
		return EXIT_USAGE;
	}
	struct pst_time now;
	struct pst_store *s = cli_store(c);
	if (!s || !cli_now(&now))
		return EXIT_FAIL;
	int64_t id;
	int err = s->ops->psfs_add(s, act, now, &id);
	if (err)
		return store_error(s, err);
	struct pst_buf b;
	pst_buf_init(&b, 1024);
	pst_buf_printf(&b, "Added activity %lld. Rate it now: postura psfs rate %lld SCORE (0-10)\n",
		       (long long)id, (long long)id);
	return cli_emit_buf(&b, EXIT_OK);
}

static int psfs_rate(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"at", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct pst_time now;
	if (!cli_now(&now))
		return EXIT_FAIL;
	struct pst_time at = now;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "psfs rate")) != -1) {
		if (o == 't') {
			if (!parse_at("--at", optarg, now, &at))
				return EXIT_USAGE;
		} else if (o == 'h') {
			return cli_help(cmd_psfs_usage);
		} else {
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		cli_error("psfs rate needs an activity id and a score, e.g. postura psfs rate 1 6");
		return EXIT_USAGE;
	}
	char *end;
	long long id = strtoll(argv[optind], &end, 10);
	if (!*argv[optind] || *end || id <= 0) {
		cli_error("ID: '%s' is not an activity id (see 'postura psfs list')", argv[optind]);
		return EXIT_USAGE;
	}
	long score = strtol(argv[optind + 1], &end, 10);
	if (!*argv[optind + 1] || *end || score < 0 || score > 10) {
		cli_error("SCORE: '%s' must be a whole number from 0 (unable) to 10 (as before)",
			  argv[optind + 1]);
		return EXIT_USAGE;
	}
	struct pst_store *s = cli_store(c);
	if (!s)
		return EXIT_FAIL;
	int err = s->ops->psfs_rate(s, id, (int)score, at);
	if (err)
		return store_error(s, err);
	struct pst_buf b;
	pst_buf_init(&b, 256);
	pst_buf_printf(&b, "Saved: activity %lld rated %ld/10.\n", id, score);
	return cli_emit_buf(&b, EXIT_OK);
}

static int psfs_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	bool json = false;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "psfs list")) != -1) {
		if (o == 'j')
			json = true;
		else if (o == 'h')
			return cli_help(cmd_psfs_usage);
		else
			return EXIT_USAGE;
	}
	if (optind < argc)
		return cli_extra_arg("psfs list", argv[optind]);
	struct pst_store *s = cli_store_ro(c);
	if (!s)
		return EXIT_FAIL;
	struct pst_record_set rs;
	int err = s->ops->read_all(s, INT64_MIN, 0, &rs);
	if (err)
		return store_error(s, err);
	char when[40];
	int code;
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; i < rs.npsfs; i++) {
			const struct pst_psfs_activity *act = &rs.psfs[i];
			json_t *r = json_array();
			for (size_t k = 0; k < act->nratings; k++)
				json_array_append_new(r, json_pack("{s:s, s:i}", "at",
								   pst_time_format(act->ratings[k].at, when, sizeof when),
								   "score", act->ratings[k].score));
			json_array_append_new(a, json_pack("{s:I, s:s, s:o}", "id", (json_int_t)act->id,
							   "activity", act->activity, "ratings", r));
		}
		code = cli_emit_json(a, EXIT_OK);
	} else {
		struct pst_buf b;
		pst_buf_init(&b, 1 << 16);
		if (!rs.npsfs)
			pst_buf_puts(&b, "No activities yet. Add 3 to 5: postura psfs add \"ACTIVITY\"\n");
		for (size_t i = 0; i < rs.npsfs; i++) {
			const struct pst_psfs_activity *act = &rs.psfs[i];
			pst_buf_printf(&b, "%3lld  %s\n     ", (long long)act->id, act->activity);
			if (!act->nratings)
				pst_buf_puts(&b, "not rated yet");
			for (size_t k = 0; k < act->nratings; k++) {
				char day[16];
				pst_buf_printf(&b, "%s%s: %d", k ? ", " : "",
					       pst_day_format(pst_time_day(act->ratings[k].at), day, sizeof day),
					       act->ratings[k].score);
			}
			pst_buf_puts(&b, "\n");
		}
		code = cli_emit_buf(&b, EXIT_OK);
	}
	pst_record_set_free(&rs);
	return code;
}

int cmd_psfs(struct cli *c, int argc, char **argv)
{
	if (argc < 2) {
		cli_error("psfs needs a subcommand: add, rate or list (see 'postura psfs --help')");
		return EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)
		return cli_help(cmd_psfs_usage);
	optind = 0;
	if (strcmp(sub, "add") == 0)
		return psfs_add(c, argc - 1, argv + 1);
	if (strcmp(sub, "rate") == 0)
		return psfs_rate(c, argc - 1, argv + 1);
	if (strcmp(sub, "list") == 0)
		return psfs_list(c, argc - 1, argv + 1);
	cli_error("unknown psfs subcommand '%s' (expected add, rate or list)", sub);
	return EXIT_USAGE;
}

/* --- backup ----------------------------------------------------------------- */

const char cmd_backup_usage[] =
	"usage: postura backup FILE\n"
	"\n"
	"Writes a consistent copy of the database to FILE (SQLite's online backup), even\n"
	"while postura is in use elsewhere: everyone's records in it, whatever --person says.\n"
	"FILE must not exist yet. A PostgreSQL database is backed up with pg_dump.\n";

int cmd_backup(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "backup")) != -1) {
		if (o == 'h')
			return cli_help(cmd_backup_usage);
		return EXIT_USAGE;
	}
	if (argc - optind != 1) {
		cli_error("backup needs one FILE to write (see 'postura backup --help')");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	if (access(path, F_OK) == 0) {
		cli_error("%s already exists; choose a new file name (nothing was written)", path);
		return EXIT_USAGE;
	}
	struct pst_db *db = cli_db(c, true);
	if (!db)
		return EXIT_FAIL;
	int err = db->ops->backup(db, path);
	if (err) {
		unlink(path);
		cli_error("%s", db->errmsg[0] ? db->errmsg : pst_strerror(err));
		return err == PST_EINVAL ? EXIT_USAGE : EXIT_FAIL;
	}
	struct pst_buf b;
	pst_buf_init(&b, 4200);
	pst_buf_printf(&b, "Backed up to %s.\n", path);
	return cli_emit_buf(&b, EXIT_OK);
}
