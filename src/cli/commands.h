/* The commands of the postura program, one file each. */
#ifndef PST_COMMANDS_H
#define PST_COMMANDS_H

#include "cli.h"

int cmd_catalog(struct cli *c, int argc, char **argv);
extern const char cmd_catalog_usage[];
int cmd_screen(struct cli *c, int argc, char **argv);
extern const char cmd_screen_usage[];
int cmd_plan(struct cli *c, int argc, char **argv);
extern const char cmd_plan_usage[];
int cmd_tips(struct cli *c, int argc, char **argv);
extern const char cmd_tips_usage[];

#endif
