/* The safety rules as one table: id, effect, reason, source and a small predicate.
 * Facts and sources: CLINICAL.md (shared with the clinicians who review the rules). */
#include "rules.h"

#include <string.h>

static bool pregnant(const struct pst_profile *p)
{
	return p->has_stage && p->stage == PST_STAGE_PREGNANCY;
}

static bool postpartum(const struct pst_profile *p)
{
	return p->has_stage && p->stage == PST_STAGE_POSTPARTUM;
}

/* Week limits, named once. */
enum { SUPINE_FROM_WEEK = 20, PRONE_AFTER_WEEK = 13, GENTLE_UNTIL_WEEK = 6, HIGH_PAIN = 7 };

static bool supine_late(const struct pst_exercise *e, const struct pst_profile *p)
{
	return pregnant(p) && p->weeks >= SUPINE_FROM_WEEK && e->position == PST_POS_SUPINE;
}

static bool supine_early(const struct pst_exercise *e, const struct pst_profile *p)
{
	return pregnant(p) && p->weeks < SUPINE_FROM_WEEK && e->position == PST_POS_SUPINE;
}

static bool prone_pregnant(const struct pst_exercise *e, const struct pst_profile *p)
{
	return pregnant(p) && p->weeks > PRONE_AFTER_WEEK && e->position == PST_POS_PRONE;
}

static bool early_postpartum_load(const struct pst_exercise *e, const struct pst_profile *p)
{
	return postpartum(p) && p->weeks < GENTLE_UNTIL_WEEK && !e->gentle;
}

static bool loads_abdomen(const struct pst_exercise *e)
{
	return e->abdominal_load || e->loaded_twist;
}

static bool caesarean_early(const struct pst_exercise *e, const struct pst_profile *p)
{
	return postpartum(p) && p->birth == PST_BIRTH_CAESAREAN && p->weeks < GENTLE_UNTIL_WEEK &&
	       loads_abdomen(e);
}

static bool caesarean_later(const struct pst_exercise *e, const struct pst_profile *p)
{
	return postpartum(p) && p->birth == PST_BIRTH_CAESAREAN && p->weeks >= GENTLE_UNTIL_WEEK &&
	       loads_abdomen(e);
}

bool pst_avoid_hits(unsigned avoid, const struct pst_exercise *e)
{
	return ((avoid & PST_BIT(PST_AVOID_FLOOR)) && pst_position_on_floor(e->position)) ||
	       ((avoid & PST_BIT(PST_AVOID_KNEELING)) && pst_position_kneeling(e->position)) ||
	       ((avoid & PST_BIT(PST_AVOID_WRIST_LOAD)) && e->wrist_load);
}

static bool avoid_floor(const struct pst_exercise *e, const struct pst_profile *p)
{
	return pst_avoid_hits(p->avoid & PST_BIT(PST_AVOID_FLOOR), e);
}

static bool avoid_kneeling(const struct pst_exercise *e, const struct pst_profile *p)
{
	return pst_avoid_hits(p->avoid & PST_BIT(PST_AVOID_KNEELING), e);
}

static bool avoid_wrists(const struct pst_exercise *e, const struct pst_profile *p)
{
	return pst_avoid_hits(p->avoid & PST_BIT(PST_AVOID_WRIST_LOAD), e);
}

static bool missing_equipment(const struct pst_exercise *e, const struct pst_profile *p)
{
	return (e->equipment & ~p->equipment) != 0;
}

static bool high_pain(const struct pst_exercise *e, const struct pst_profile *p)
{
	return p->pain >= HIGH_PAIN && !e->gentle;
}

static bool midline_watch(const struct pst_exercise *e, const struct pst_profile *p)
{
	return postpartum(p) && p->weeks >= GENTLE_UNTIL_WEEK && e->abdominal_load;
}

const struct pst_rule pst_rules[] = {
	{"pregnancy-no-supine-from-20-weeks", PST_RULE_EXCLUDE, false,
	 "From 20 weeks of pregnancy, lying flat on your back can press the womb on a large "
	 "vein and leave you faint, so exercises on your back are left out.",
	 "ACOG Committee Opinion 804 (2020); Mottola 2018 (Canadian guideline); week 20 cut-off "
	 "conventional (unconfirmed, applied conservatively); CLINICAL.md section 4",
	 supine_late},
	{"pregnancy-no-prone-after-13-weeks", PST_RULE_EXCLUDE, false,
	 "After the first trimester, lying face down is not practical or comfortable with a "
	 "growing bump, so exercises on your front are left out.",
	 "Conventional practice; CLINICAL.md section 4", prone_pregnant},
	{"postpartum-gentle-only-before-6-weeks", PST_RULE_EXCLUDE, false,
	 "In the first 6 weeks after birth, only gentle exercise (no resistance, no load) is "
	 "advised; this one works against resistance or load.",
	 "POGP; Goom, Donnelly & Brockwell 2019; CLINICAL.md section 5", early_postpartum_load},
	{"caesarean-no-abdominal-load-before-6-weeks", PST_RULE_EXCLUDE, false,
	 "After a caesarean, the tummy wall is still healing: nothing that loads it or twists "
	 "under load in the first 6 weeks.",
	 "CLINICAL.md section 5 (no separate authoritative timeline found; applied "
	 "conservatively)",
	 caesarean_early},
	{"avoid-floor", PST_RULE_EXCLUDE, true,
	 "You asked to avoid getting down on the floor, and this starts on the floor.",
	 "Your choice (--avoid floor)", avoid_floor},
	{"avoid-kneeling", PST_RULE_EXCLUDE, true,
	 "You asked to avoid kneeling, and this is done with weight on the knees.",
	 "Your choice (--avoid kneeling)", avoid_kneeling},
	{"avoid-wrist-load", PST_RULE_EXCLUDE, true,
	 "You asked to avoid weight on your wrists, and this puts weight on your hands.",
	 "Your choice (--avoid wrist-load)", avoid_wrists},
	{"equipment-missing", PST_RULE_EXCLUDE, true,
	 "It needs equipment you did not list as having.", "Your equipment (--equipment)",
	 missing_equipment},
	{"high-pain-gentle-only", PST_RULE_EXCLUDE, false,
	 "Your pain is 7/10 or more: start with gentle movement only; strengthening comes back "
	 "once the pain settles.",
	 "Pain-monitoring model (Silbernagel 2007), applied conservatively; CLINICAL.md section 7",
	 high_pain},
	{"pregnancy-supine-caution", PST_RULE_CAUTION, false,
	 "On your back: if you feel light-headed, sick or unwell, roll onto your side and stop.",
	 "Mottola 2018 (Canadian guideline); CLINICAL.md section 4", supine_early},
	{"caesarean-clearance", PST_RULE_CAUTION, false,
	 "After a caesarean, do this one only once your doctor, midwife or physiotherapist says "
	 "your tummy wall is ready for load or twisting.",
	 "CLINICAL.md section 5 (about half the strength of the abdominal wall at 6 weeks; "
	 "applied conservatively)",
	 caesarean_later},
	{"postpartum-midline-watch", PST_RULE_CAUTION, false,
	 "Watch your tummy: if it bulges or domes along the middle, make the movement smaller "
	 "or skip it, and mention it to your physiotherapist.",
	 "Sperstad 2016 (diastasis recti); Goom 2019; CLINICAL.md section 5", midline_watch},
};

const size_t pst_rules_n = sizeof pst_rules / sizeof *pst_rules;

const struct pst_rule *pst_rules_excluding(const struct pst_exercise *e,
					   const struct pst_profile *p)
{
	for (size_t i = 0; i < pst_rules_n; i++)
		if (pst_rules[i].effect == PST_RULE_EXCLUDE && pst_rules[i].hits(e, p))
			return &pst_rules[i];
	return NULL;
}

size_t pst_rules_cautions(const struct pst_exercise *e, const struct pst_profile *p,
			  const struct pst_rule **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < pst_rules_n; i++) {
		if (pst_rules[i].effect != PST_RULE_CAUTION || !pst_rules[i].hits(e, p))
			continue;
		if (n < max)
			out[n] = &pst_rules[i];
		n++;
	}
	return n;
}

const struct pst_rule *pst_rules_find(const char *id)
{
	for (size_t i = 0; i < pst_rules_n; i++)
		if (strcmp(pst_rules[i].id, id) == 0)
			return &pst_rules[i];
	return NULL;
}
