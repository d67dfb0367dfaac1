/* The commands of the postura program, one file each. */
#ifndef PST_COMMANDS_H
#define PST_COMMANDS_H

#include <jansson.h>

#include "cli.h"

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
int cmd_export(struct cli *c, int argc, char **argv);
extern const char cmd_export_usage[];
int cmd_import(struct cli *c, int argc, char **argv);
extern const char cmd_import_usage[];
int cmd_backup(struct cli *c, int argc, char **argv);
extern const char cmd_backup_usage[];

/* Shared by the commands that read the saved profile (cmd_track.c). */
json_t *cli_profile_json(const struct pst_saved_profile *sp, const struct pst_profile *now);
bool cli_saved_profile(struct cli *c, struct pst_saved_profile *sp, struct pst_profile *today,
		       bool quiet_if_missing);

#endif
