/* The profile flags shared by plan, tips, profile set and others. */
#ifndef PST_PROFILE_FLAGS_H
#define PST_PROFILE_FLAGS_H

#include <getopt.h>

#include "core/profile.h"

/* Option values of the profile flags start here, above any short option. */
enum { CLI_PF_BASE = 1000 };

/* The option table of a command that takes the profile flags: those, then the
 * command's own (extra, NULL-name terminated), then --help ('h'), then the terminator.
 * CLI_PF_OPTIONS_MAX entries are enough for any command. */
enum { CLI_PF_OPTIONS_MAX = 40 };
void cli_profile_options_with(struct option out[CLI_PF_OPTIONS_MAX], const struct option *extra);

/* Usage lines describing the profile flags, for --help. */
extern const char cli_profile_usage[];

/*
 * Applies one profile option (opt is the value from the option table) to p. Returns
 * true when opt was a profile flag (*bad then says whether its value was rejected, and
 * an error naming the flag has been printed); false when opt is not a profile flag.
 */
bool cli_profile_option(struct pst_profile *p, int opt, const char *arg, bool *bad,
			unsigned *given);

/* Checks the whole profile after parsing; prints each problem naming its flag.
 * Returns true when valid. */
bool cli_profile_validate(const struct pst_profile *p);

#endif
