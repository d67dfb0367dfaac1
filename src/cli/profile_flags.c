/* The profile flags shared by plan, tips and (later) profile set. */
#include <string.h>

#include "cli.h"
#include "profile_flags.h"

/* The long options of the profile flags. */
static const struct option cli_profile_options[] = {
	{"pregnant-weeks", required_argument, NULL, CLI_PF_BASE + PST_PF_PREGNANT_WEEKS},
	{"postpartum-weeks", required_argument, NULL, CLI_PF_BASE + PST_PF_POSTPARTUM_WEEKS},
	{"birth", required_argument, NULL, CLI_PF_BASE + PST_PF_BIRTH},
	{"feeding", required_argument, NULL, CLI_PF_BASE + PST_PF_FEEDING},
	{"pain", required_argument, NULL, CLI_PF_BASE + PST_PF_PAIN},
	{"area", required_argument, NULL, CLI_PF_BASE + PST_PF_AREAS},
	{"triggers", required_argument, NULL, CLI_PF_BASE + PST_PF_TRIGGERS},
	{"equipment", required_argument, NULL, CLI_PF_BASE + PST_PF_EQUIPMENT},
	{"avoid", required_argument, NULL, CLI_PF_BASE + PST_PF_AVOID},
	{"minutes", required_argument, NULL, CLI_PF_BASE + PST_PF_MINUTES},
	{"conditions", required_argument, NULL, CLI_PF_BASE + PST_PF_CONDITIONS},
	{"country", required_argument, NULL, CLI_PF_BASE + PST_PF_COUNTRY},
};
static const int cli_profile_options_n = sizeof cli_profile_options / sizeof *cli_profile_options;

void cli_profile_options_with(struct option out[CLI_PF_OPTIONS_MAX], const struct option *extra)
{
	int n = 0;
	for (int i = 0; i < cli_profile_options_n && n < CLI_PF_OPTIONS_MAX - 2; i++)
		out[n++] = cli_profile_options[i];
	for (; extra && extra->name && n < CLI_PF_OPTIONS_MAX - 2; extra++)
		out[n++] = *extra;
	out[n++] = (struct option){"help", no_argument, NULL, 'h'};
	out[n] = (struct option){NULL, 0, NULL, 0};
}

const char cli_profile_usage[] =
	"profile:\n"
	"  --pregnant-weeks N      weeks pregnant (1-42), or\n"
	"  --postpartum-weeks N    weeks since birth (0-104), with\n"
	"  --birth vaginal|caesarean\n"
	"  --feeding breast|bottle|mixed\n"
	"  --pain N                pain now, 0 (none) to 10 (worst imaginable)\n"
	"  --area LIST             where it hurts: upper,mid,neck\n"
	"  --triggers LIST         what makes it worse:\n"
	"                          feeding,holding,carrying,desk,screen,sleep,stress\n"
	"  --equipment LIST        what you have: band,foam-roller,wall,chair,couch,doorway,mat\n"
	"                          (default: wall,chair,couch,doorway; 'none' for nothing)\n"
	"  --avoid LIST            floor,kneeling,wrist-load\n"
	"  --minutes N             minutes per session, 3-60 (default 10)\n"
	"  --conditions LIST       pelvic-girdle-pain,wrist-or-thumb-pain,tummy-gap,leaking\n"
	"                          ('none' for none); each leaves out what does not suit it\n"
	"  --country CODE          whose emergency numbers to show: GB, IE, DE, US, CA, AU,\n"
	"                          NZ, IN, any EU country (default: from LC_ALL or LANG)\n";

bool cli_profile_option(struct pst_profile *p, int opt, const char *arg, bool *bad,
			unsigned *given)
{
	if (opt < CLI_PF_BASE || opt >= CLI_PF_BASE + PST_PF__MAX)
		return false;
	enum pst_pfield f = (enum pst_pfield)(opt - CLI_PF_BASE);
	if (given)
		*given |= PST_BIT(f);
	if ((f == PST_PF_PREGNANT_WEEKS || f == PST_PF_POSTPARTUM_WEEKS) && p->has_stage &&
	    p->stage != (f == PST_PF_PREGNANT_WEEKS ? PST_STAGE_PREGNANCY : PST_STAGE_POSTPARTUM)) {
		/* A number that is not one is still reported as such first. */
		struct pst_profile probe = *p;
		struct pst_profile_problem pr;
		if (!pst_profile_set(&probe, f, arg, &pr))
			cli_error("%s: %s", pst_pfield_flag[f], pr.msg);
		else
			cli_error("--pregnant-weeks and --postpartum-weeks cannot be given together");
		*bad = true;
		return true;
	}
	struct pst_profile_problem pr;
	*bad = !pst_profile_set(p, f, arg, &pr);
	if (*bad)
		cli_error("%s: %s", pst_pfield_flag[f], pr.msg);
	return true;
}

bool cli_profile_validate(const struct pst_profile *p)
{
	struct pst_profile_problem probs[PST_PF__MAX];
	size_t n = pst_profile_check(p, probs, PST_PF__MAX);
	for (size_t i = 0; i < n; i++)
		cli_error("%s %s", pst_pfield_flag[probs[i].field], probs[i].msg);
	return n == 0;
}
