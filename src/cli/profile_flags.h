/* The profile flags shared by plan, tips, profile set and others. */
#ifndef PST_PROFILE_FLAGS_H
#define PST_PROFILE_FLAGS_H

#include <getopt.h>

#include "core/profile.h"

/* Option values of the profile flags start here, above any short option. */
enum { CLI_PF_BASE = 1000 };

/* The long options of the profile flags; copy them into a command's option table
 * (cli_profile_options_n entries, without a terminator). */
extern const struct option cli_profile_options[];
extern const int cli_profile_options_n;

/* Usage lines describing the profile flags, for --help. */
extern const char cli_profile_usage[];

/*
 * Applies one profile option (opt is the value from cli_profile_options) to p. Returns
 * true when opt was a profile flag (*bad then says whether its value was rejected, and
 * an error naming the flag has been printed); false when opt is not a profile flag.
 */
bool cli_profile_option(struct pst_profile *p, int opt, const char *arg, bool *bad,
			unsigned *given);

/* Checks the whole profile after parsing; prints each problem naming its flag.
 * Returns true when valid. */
bool cli_profile_validate(const struct pst_profile *p);

#endif
