/* A person's profile: defaults, range and conflict checks, and its stage in words. */
#include "profile.h"

#include <stdio.h>
#include <string.h>

const char *const pst_pfield_flag[PST_PF__MAX] = {
	[PST_PF_PREGNANT_WEEKS] = "--pregnant-weeks",
	[PST_PF_POSTPARTUM_WEEKS] = "--postpartum-weeks",
	[PST_PF_BIRTH] = "--birth",
	[PST_PF_FEEDING] = "--feeding",
	[PST_PF_PAIN] = "--pain",
	[PST_PF_AREAS] = "--area",
	[PST_PF_TRIGGERS] = "--triggers",
	[PST_PF_EQUIPMENT] = "--equipment",
	[PST_PF_AVOID] = "--avoid",
	[PST_PF_MINUTES] = "--minutes",
};

const char *const pst_pfield_json[PST_PF__MAX] = {
	[PST_PF_PREGNANT_WEEKS] = "pregnant_weeks",
	[PST_PF_POSTPARTUM_WEEKS] = "postpartum_weeks",
	[PST_PF_BIRTH] = "birth",
	[PST_PF_FEEDING] = "feeding",
	[PST_PF_PAIN] = "pain",
	[PST_PF_AREAS] = "areas",
	[PST_PF_TRIGGERS] = "triggers",
	[PST_PF_EQUIPMENT] = "equipment",
	[PST_PF_AVOID] = "avoid",
	[PST_PF_MINUTES] = "minutes",
};

/* Limits of the profile, from the issue: weeks of pregnancy 1-42, weeks after birth
 * 0-104 (two years), pain 0-10, 3-60 minutes. */
enum {
	PREG_MIN = 1, PREG_MAX = 42, PP_MIN = 0, PP_MAX = 104, PAIN_MAX = 10,
	MINUTES_MIN = 3, MINUTES_MAX = 60, MINUTES_DEFAULT = 10
};

void pst_profile_init(struct pst_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->pain = -1;
	p->equipment = PST_EQUIPMENT_DEFAULT;
	p->minutes = MINUTES_DEFAULT;
}

static void problem(struct pst_profile_problem *out, size_t max, size_t *n,
		    enum pst_pfield f, const char *msg)
{
	if (*n < max) {
		out[*n].field = f;
		snprintf(out[*n].msg, sizeof out[*n].msg, "%s", msg);
	}
	(*n)++;
}

size_t pst_profile_check(const struct pst_profile *p, struct pst_profile_problem *out,
			 size_t max)
{
	size_t n = 0;
	char msg[160];
	if (!p->has_stage) {
		problem(out, max, &n, PST_PF_PREGNANT_WEEKS,
			"or --postpartum-weeks is needed: postura plans differently before and after birth");
		return n < max ? n : max;
	}
	bool preg = p->stage == PST_STAGE_PREGNANCY;
	if (preg && (p->weeks < PREG_MIN || p->weeks > PREG_MAX)) {
		snprintf(msg, sizeof msg, "must be between %d and %d", PREG_MIN, PREG_MAX);
		problem(out, max, &n, PST_PF_PREGNANT_WEEKS, msg);
	}
	if (!preg && (p->weeks < PP_MIN || p->weeks > PP_MAX)) {
		snprintf(msg, sizeof msg, "must be between %d and %d", PP_MIN, PP_MAX);
		problem(out, max, &n, PST_PF_POSTPARTUM_WEEKS, msg);
	}
	if (preg && p->birth != PST_BIRTH_UNKNOWN)
		problem(out, max, &n, PST_PF_BIRTH, "only applies after birth (with --postpartum-weeks)");
	if (preg && p->feeding != PST_FEED_UNKNOWN)
		problem(out, max, &n, PST_PF_FEEDING, "only applies after birth (with --postpartum-weeks)");
	if (!preg && p->birth == PST_BIRTH_UNKNOWN)
		problem(out, max, &n, PST_PF_BIRTH,
			"is needed after birth (vaginal or caesarean): a caesarean changes what is safe");
	if (p->pain < -1 || p->pain > PAIN_MAX) {
		snprintf(msg, sizeof msg, "must be between 0 and %d", PAIN_MAX);
		problem(out, max, &n, PST_PF_PAIN, msg);
	}
	if (p->minutes < MINUTES_MIN || p->minutes > MINUTES_MAX) {
		snprintf(msg, sizeof msg, "must be between %d and %d", MINUTES_MIN, MINUTES_MAX);
		problem(out, max, &n, PST_PF_MINUTES, msg);
	}
	return n < max ? n : max;
}

char *pst_profile_stage_words(const struct pst_profile *p, char *buf, size_t size)
{
	if (!p->has_stage)
		snprintf(buf, size, "stage not given");
	else if (p->stage == PST_STAGE_PREGNANCY)
		snprintf(buf, size, "%d weeks pregnant", p->weeks);
	else
		snprintf(buf, size, "%d week%s after a%s birth", p->weeks, p->weeks == 1 ? "" : "s",
			 p->birth == PST_BIRTH_CAESAREAN ? " caesarean"
			 : p->birth == PST_BIRTH_VAGINAL ? " vaginal"
							  : "");
	return buf;
}
