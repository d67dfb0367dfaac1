/* A person's profile: defaults, range and conflict checks, and its stage in words. */
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>
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
	[PST_PF_CONDITIONS] = "--conditions",
	[PST_PF_COUNTRY] = "--country",
	[PST_PF_REMIND_AT] = "--remind-at",
	[PST_PF_TIMEZONE] = "--timezone",
	[PST_PF_RELIEF_REMINDER] = "--relief-reminder",
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
	[PST_PF_CONDITIONS] = "conditions",
	[PST_PF_COUNTRY] = "country",
	[PST_PF_REMIND_AT] = "remind_at",
	[PST_PF_TIMEZONE] = "timezone",
	[PST_PF_RELIEF_REMINDER] = "relief_reminder",
};

const char *const pst_condition_question[PST_COND__MAX] = {
	/* Parenthesised: clang's -Wstring-concatenation reads a split literal in an array
	 * initialiser as a missing comma. */
	[PST_COND_PELVIC_GIRDLE_PAIN] = ("Pain at the front or back of the pelvis or over the pubic "
					 "bone (pelvic girdle pain)"),
	[PST_COND_WRIST_OR_THUMB_PAIN] = "Pain, numbness or tingling in the wrist, hand or thumb",
	[PST_COND_TUMMY_GAP] = "A gap or bulge along the middle of your tummy",
	[PST_COND_LEAKING] = "Leaking urine or wind",
};

const char *const pst_condition_name[PST_COND__MAX] = {
	[PST_COND_PELVIC_GIRDLE_PAIN] = "pelvic girdle pain",
	[PST_COND_WRIST_OR_THUMB_PAIN] = "wrist or thumb pain",
	[PST_COND_TUMMY_GAP] = "a tummy gap",
	[PST_COND_LEAKING] = "leaking",
};

bool pst_pfield_is_list(enum pst_pfield f)
{
	return f == PST_PF_AREAS || f == PST_PF_TRIGGERS || f == PST_PF_EQUIPMENT ||
	       f == PST_PF_AVOID || f == PST_PF_CONDITIONS;
}

unsigned pst_profile_avoid(const struct pst_profile *p)
{
	unsigned a = p->avoid;
	if (p->conditions & PST_BIT(PST_COND_WRIST_OR_THUMB_PAIN))
		a |= PST_BIT(PST_AVOID_WRIST_LOAD);
	return a;
}

const struct pst_country *pst_profile_country(const struct pst_profile *p)
{
	return p->country[0] ? pst_country_find(p->country) : NULL;
}

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
	p->remind_at = PST_REMIND_AT_DEFAULT;
}

char *pst_profile_timezone(const struct pst_profile *p, char *buf, size_t size)
{
	if (p->timezone[0])
		snprintf(buf, size, "%s", p->timezone);
	else
		pst_tz_system(buf, size);
	return buf;
}

char *pst_clock_format(int minutes, char *buf, size_t size)
{
	snprintf(buf, size, "%02d:%02d", (minutes / 60) % 24, minutes % 60);
	return buf;
}

/* "19:30" or "7:05": hours 0-23, minutes 00-59. */
static bool parse_clock(const char *s, int *out)
{
	int h = 0, m = 0, nh = 0;
	while (*s >= '0' && *s <= '9' && nh < 3)
		h = h * 10 + (*s++ - '0'), nh++;
	if (nh < 1 || nh > 2 || *s++ != ':')
		return false;
	if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9') || s[2])
		return false;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	if (h > 23 || m > 59)
		return false;
	*out = h * 60 + m;
	return true;
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
	return pst_profile_check_named(p, pst_pfield_flag, out, max);
}

size_t pst_profile_check_named(const struct pst_profile *p, const char *const names[PST_PF__MAX],
			       struct pst_profile_problem *out, size_t max)
{
	size_t n = 0;
	char msg[160];
	if (!p->has_stage) {
		snprintf(msg, sizeof msg,
			 "or %s is needed: postura plans differently before and after birth",
			 names[PST_PF_POSTPARTUM_WEEKS]);
		problem(out, max, &n, PST_PF_PREGNANT_WEEKS, msg);
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
	snprintf(msg, sizeof msg, "only applies after birth (with %s)", names[PST_PF_POSTPARTUM_WEEKS]);
	if (preg && p->birth != PST_BIRTH_UNKNOWN)
		problem(out, max, &n, PST_PF_BIRTH, msg);
	if (preg && p->feeding != PST_FEED_UNKNOWN)
		problem(out, max, &n, PST_PF_FEEDING, msg);
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

static bool parse_list(const struct pst_vocab *v, const char *s, bool allow_none, unsigned *mask,
		       char *msg, size_t size)
{
	if (allow_none && strcmp(s, "none") == 0) {
		*mask = 0;
		return true;
	}
	const char *bad;
	size_t badlen;
	if (pst_vocab_parse_mask(v, s, mask, &bad, &badlen) == 0)
		return true;
	char allowed[256];
	snprintf(msg, size, "'%.*s' is not one of %s", (int)(badlen > 60 ? 60 : badlen), bad,
		 pst_vocab_list(v, allowed, sizeof allowed));
	return false;
}

/* A word of v from index first on (words before it, like "unknown", are not choices). */
static bool parse_word(const struct pst_vocab *v, const char *s, int first, int *out, char *msg,
		       size_t size)
{
	int i = pst_vocab_find(v, s);
	if (i >= first) {
		*out = i;
		return true;
	}
	size_t used = (size_t)snprintf(msg, size, "'%.60s' is not ", s);
	for (int k = first; k < v->n && used < size; k++)
		used += (size_t)snprintf(msg + used, size - used, "%s%s", k > first ? " or " : "",
					 v->words[k]);
	return false;
}

bool pst_profile_set(struct pst_profile *p, enum pst_pfield f, const char *text,
		     struct pst_profile_problem *pr)
{
	char *msg = pr->msg;
	size_t size = sizeof pr->msg;
	int v = 0;
	pr->field = f;
	msg[0] = '\0';
	switch (f) {
	case PST_PF_PREGNANT_WEEKS:
	case PST_PF_POSTPARTUM_WEEKS:
		if (!parse_int(text, -1000000, 1000000, &v)) {
			snprintf(msg, size, "'%.60s' is not a whole number of weeks", text);
			return false;
		}
		p->has_stage = true;
		p->stage = f == PST_PF_PREGNANT_WEEKS ? PST_STAGE_PREGNANCY : PST_STAGE_POSTPARTUM;
		p->weeks = v;
		return true;
	case PST_PF_BIRTH:
		if (!parse_word(&pst_vocab_birth, text, PST_BIRTH_VAGINAL, &v, msg, size))
			return false;
		p->birth = (enum pst_birth)v;
		return true;
	case PST_PF_FEEDING:
		if (!parse_word(&pst_vocab_feeding, text, PST_FEED_BREAST, &v, msg, size))
			return false;
		p->feeding = (enum pst_feeding)v;
		return true;
	case PST_PF_PAIN:
		if (!parse_int(text, 0, PAIN_MAX, &v)) {
			snprintf(msg, size, "'%.60s' must be a whole number from 0 to %d", text, PAIN_MAX);
			return false;
		}
		p->pain = v;
		return true;
	case PST_PF_AREAS: return parse_list(&pst_vocab_area, text, false, &p->areas, msg, size);
	case PST_PF_TRIGGERS:
		return parse_list(&pst_vocab_trigger, text, true, &p->triggers, msg, size);
	case PST_PF_EQUIPMENT:
		return parse_list(&pst_vocab_equipment, text, true, &p->equipment, msg, size);
	case PST_PF_AVOID: return parse_list(&pst_vocab_avoid, text, true, &p->avoid, msg, size);
	case PST_PF_MINUTES:
		if (!parse_int(text, -1000000, 1000000, &v)) {
			snprintf(msg, size, "'%.60s' is not a whole number of minutes", text);
			return false;
		}
		p->minutes = v;
		return true;
	case PST_PF_CONDITIONS:
		return parse_list(&pst_vocab_condition, text, true, &p->conditions, msg, size);
	case PST_PF_COUNTRY: {
		if (!*text || strcmp(text, "none") == 0) {
			p->country[0] = '\0';
			return true;
		}
		const struct pst_country *c = pst_country_find(text);
		if (!c) {
			snprintf(msg, size,
				 "'%.20s' is not a country postura knows the numbers of: give a "
				 "two-letter code such as GB, IE, DE, US, CA, AU, NZ or IN",
				 text);
			return false;
		}
		memcpy(p->country, c->code, 3);
		return true;
	}
	case PST_PF_REMIND_AT:
		if (!parse_clock(text, &v)) {
			snprintf(msg, size,
				 "'%.20s' is not a time of day: give hours and minutes, 24-hour, "
				 "from 00:00 to 23:59 (19:30 is half past seven in the evening)",
				 text);
			return false;
		}
		p->remind_at = v;
		return true;
	case PST_PF_TIMEZONE: {
		if (!*text || strcmp(text, "none") == 0) {
			p->timezone[0] = '\0';
			return true;
		}
		struct pst_tz z;
		if (!pst_tz_load(text, &z, msg, size))
			return false;
		snprintf(p->timezone, sizeof p->timezone, "%s", z.name);
		return true;
	}
	case PST_PF_RELIEF_REMINDER:
		if (strcmp(text, "yes") == 0 || strcmp(text, "true") == 0 || strcmp(text, "on") == 0)
			p->relief_reminder = true;
		else if (strcmp(text, "no") == 0 || strcmp(text, "false") == 0 ||
			 strcmp(text, "off") == 0)
			p->relief_reminder = false;
		else {
			snprintf(msg, size, "'%.20s' is not yes or no", text);
			return false;
		}
		return true;
	case PST_PF__MAX: break;
	}
	snprintf(msg, size, "is not a profile field");
	return false;
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
