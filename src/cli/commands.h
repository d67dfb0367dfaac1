/* The commands of the postura program, one file each. */
#ifndef PST_COMMANDS_H
#define PST_COMMANDS_H

#include <jansson.h>

#include "cli.h"
#include "core/planner.h"

int cmd_catalog(struct cli *c, int argc, char **argv);
extern const char cmd_catalog_usage[];
int cmd_screen(struct cli *c, int argc, char **argv);
extern const char cmd_screen_usage[];
int cmd_plan(struct cli *c, int argc, char **argv);
extern const char cmd_plan_usage[];
int cmd_tips(struct cli *c, int argc, char **argv);
extern const char cmd_tips_usage[];
int cmd_illustrate(struct cli *c, int argc, char **argv);
extern const char cmd_illustrate_usage[];
int cmd_handout(struct cli *c, int argc, char **argv);
extern const char cmd_handout_usage[];

int cmd_profile(struct cli *c, int argc, char **argv);
extern const char cmd_profile_usage[];
int cmd_checkin(struct cli *c, int argc, char **argv);
extern const char cmd_checkin_usage[];
int cmd_psfs(struct cli *c, int argc, char **argv);
extern const char cmd_psfs_usage[];
int cmd_session(struct cli *c, int argc, char **argv);
extern const char cmd_session_usage[];
int cmd_history(struct cli *c, int argc, char **argv);
extern const char cmd_history_usage[];
int cmd_report(struct cli *c, int argc, char **argv);
extern const char cmd_report_usage[];
int cmd_export(struct cli *c, int argc, char **argv);
extern const char cmd_export_usage[];
int cmd_import(struct cli *c, int argc, char **argv);
extern const char cmd_import_usage[];
int cmd_backup(struct cli *c, int argc, char **argv);
extern const char cmd_backup_usage[];
int cmd_serve(struct cli *c, int argc, char **argv);
extern const char cmd_serve_usage[];
int cmd_person(struct cli *c, int argc, char **argv);
extern const char cmd_person_usage[];
int cmd_migrate(struct cli *c, int argc, char **argv);
extern const char cmd_migrate_usage[];
int cmd_user(struct cli *c, int argc, char **argv);
extern const char cmd_user_usage[];
int cmd_audit(struct cli *c, int argc, char **argv);
extern const char cmd_audit_usage[];

/* Shared by the commands that read the saved profile (cmd_track.c). */
json_t *cli_profile_json(const struct pst_saved_profile *sp, const struct pst_profile *now);
bool cli_saved_profile(struct cli *c, struct pst_saved_profile *sp, struct pst_profile *today,
		       bool quiet_if_missing);

/*
 * The safety answers saved in the store for the saved profile sp (p: as of today), while
 * they hold. Returns -1 with *res filled in (the caller frees it) and *at the time they
 * were given; -2 when none were saved; else, after saying why, an exit code: 4 when they
 * must be given again (too old, the person has moved past 20 weeks of pregnancy or 6
 * weeks after birth, or the questions changed), 1 when the store cannot be read.
 */
int cli_saved_screening(struct cli *c, const struct pst_saved_profile *sp,
			const struct pst_profile *p, struct pst_time now,
			struct pst_screen_result *res, struct pst_time *at);

/* The plan of `postura plan`, shared with the guided session (cmd_plan.c). */
/* The country whose numbers to show: p's (p may be NULL), else the locale's (LC_ALL,
 * then LANG); NULL when none says. */
const struct pst_country *cli_country(const struct pst_profile *p);

struct cli_plan {
	struct pst_profile profile;      /* the profile planned for (the saved one: as of today) */
	bool screened;                   /* screening answers were given */
	struct pst_screen_result screen; /* their outcome, when screened */
	struct pst_time screened_at;     /* when they were given, when screened */
	struct pst_progression *prog;    /* the saved profile's progress; NULL with flags */
	struct pst_plan *plan;           /* NULL when the screening refers the person */
};

/*
 * Builds the plan exactly as `postura plan` does: for *flags when profile flags were
 * given, else (flags NULL) for the saved profile as of today, following the progress of
 * every logged session. answers names the screening answers file ("-": standard input),
 * or is NULL when the person has not been screened (the plan then says so). Returns -1
 * with *out filled -- out->plan is NULL after a referral or an incomplete screening, and
 * out->screen says why -- or else an exit code after printing why. Either way the caller
 * frees *out with cli_plan_free.
 */
int cli_plan_build(struct cli *c, const struct pst_profile *flags, const char *answers,
		   struct cli_plan *out);
void cli_plan_free(struct cli_plan *cp);

#endif
