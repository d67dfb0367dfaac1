/* The profile flags shared by plan, tips and (later) profile set. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "profile_flags.h"

const struct option cli_profile_options[] = {
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
};
const int cli_profile_options_n = sizeof cli_profile_options / sizeof *cli_profile_options;

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
	"  --minutes N             minutes per session, 3-60 (default 10)\n";

/* Parses a whole number in lo..hi; false for anything else. */
static bool parse_int(const char *s, long lo, long hi, int *out)
{
	char *end;
	if (!*s)
		return false;
	long v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

static bool parse_list(const char *flag, const struct pst_vocab *v, const char *arg,
		       unsigned *mask, bool allow_none)
{
	char allowed[256];
	if (allow_none && strcmp(arg, "none") == 0) {
		*mask = 0;
		return true;
	}
	const char *bad;
	size_t badlen;
	if (pst_vocab_parse_mask(v, arg, mask, &bad, &badlen) == 0)
		return true;
	cli_error("%s: '%.*s' is not one of %s", flag, (int)badlen, bad,
		  pst_vocab_list(v, allowed, sizeof allowed));
	return false;
}

static bool parse_word(const char *flag, const struct pst_vocab *v, const char *arg, int first,
		       int *out)
{
	int i = pst_vocab_find(v, arg);
	if (i >= first) {
		*out = i;
		return true;
	}
	/* Words before first (like "unknown") are internal, not choices. */
	struct pst_buf b;
	pst_buf_init(&b, 512);
	for (int k = first; k < v->n; k++)
		pst_buf_printf(&b, "%s%s", k > first ? " or " : "", v->words[k]);
	cli_error("%s: '%s' is not %s", flag, arg, b.s ? b.s : "valid");
	pst_buf_free(&b);
	return false;
}

bool cli_profile_option(struct pst_profile *p, int opt, const char *arg, bool *bad,
			unsigned *given)
{
	if (opt < CLI_PF_BASE || opt >= CLI_PF_BASE + PST_PF__MAX)
		return false;
	enum pst_pfield f = (enum pst_pfield)(opt - CLI_PF_BASE);
	const char *flag = pst_pfield_flag[f];
	int v = 0;
	bool ok = true;
	if (given)
		*given |= PST_BIT(f);
	switch (f) {
	case PST_PF_PREGNANT_WEEKS:
	case PST_PF_POSTPARTUM_WEEKS:
		ok = parse_int(arg, -1000000, 1000000, &v);
		if (!ok) {
			cli_error("%s: '%s' is not a whole number of weeks", flag, arg);
			break;
		}
		if (p->has_stage && p->stage != (f == PST_PF_PREGNANT_WEEKS ? PST_STAGE_PREGNANCY
									   : PST_STAGE_POSTPARTUM)) {
			cli_error("--pregnant-weeks and --postpartum-weeks cannot be given together");
			ok = false;
			break;
		}
		p->has_stage = true;
		p->stage = f == PST_PF_PREGNANT_WEEKS ? PST_STAGE_PREGNANCY : PST_STAGE_POSTPARTUM;
		p->weeks = v;
		break;
	case PST_PF_BIRTH:
		ok = parse_word(flag, &pst_vocab_birth, arg, PST_BIRTH_VAGINAL, &v);
		if (ok)
			p->birth = (enum pst_birth)v;
		break;
	case PST_PF_FEEDING:
		ok = parse_word(flag, &pst_vocab_feeding, arg, PST_FEED_BREAST, &v);
		if (ok)
			p->feeding = (enum pst_feeding)v;
		break;
	case PST_PF_PAIN:
		ok = parse_int(arg, 0, 10, &v);
		if (!ok)
			cli_error("%s: '%s' must be a whole number from 0 to 10", flag, arg);
		else
			p->pain = v;
		break;
	case PST_PF_AREAS:
		ok = parse_list(flag, &pst_vocab_area, arg, &p->areas, false);
		break;
	case PST_PF_TRIGGERS:
		ok = parse_list(flag, &pst_vocab_trigger, arg, &p->triggers, true);
		break;
	case PST_PF_EQUIPMENT:
		ok = parse_list(flag, &pst_vocab_equipment, arg, &p->equipment, true);
		break;
	case PST_PF_AVOID:
		ok = parse_list(flag, &pst_vocab_avoid, arg, &p->avoid, true);
		break;
	case PST_PF_MINUTES:
		ok = parse_int(arg, -1000000, 1000000, &v);
		if (!ok)
			cli_error("%s: '%s' is not a whole number of minutes", flag, arg);
		else
			p->minutes = v;
		break;
	case PST_PF__MAX:
		break;
	}
	*bad = !ok;
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
