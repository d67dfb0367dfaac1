/* The safety rules as one table: id, effect, reason, sources and a small predicate.
 * Each rule cites ids of data/sources.yaml (checked at build time by datagen and by
 * `postura catalog check`); the clinical facts behind them are gathered for the
 * clinicians who review the rules in the project's clinical notes. */
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
enum {
	SUPINE_FROM_WEEK = 20, PRONE_AFTER_WEEK = 13, GENTLE_UNTIL_WEEK = 6, HIGH_PAIN = 7,
	UPRIGHT_UNTIL_WEEK = 2 /* the first two weeks after birth: off the floor */
};

static bool has(const struct pst_profile *p, enum pst_condition c)
{
	return (p->conditions & PST_BIT(c)) != 0;
}

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

static bool caesarean_before_6(const struct pst_profile *p)
{
	return postpartum(p) && p->birth == PST_BIRTH_CAESAREAN && p->weeks < GENTLE_UNTIL_WEEK;
}

/* Kneeling and bending backward stretches the front of the body, and the wound with it. */
static bool caesarean_kneeling_backbend(const struct pst_exercise *e, const struct pst_profile *p)
{
	return caesarean_before_6(p) && e->backward_bend && pst_position_kneeling(e->position);
}

static bool caesarean_belly_pressure(const struct pst_exercise *e, const struct pst_profile *p)
{
	return caesarean_before_6(p) && e->belly_pressure;
}

/* The first two weeks after any birth: seated, standing and side-lying only. */
static bool first_weeks_floor(const struct pst_exercise *e, const struct pst_profile *p)
{
	return postpartum(p) && p->weeks < UPRIGHT_UNTIL_WEEK && pst_position_on_floor(e->position) &&
	       e->position != PST_POS_SIDE_LYING;
}

static bool pgp_position(const struct pst_exercise *e, const struct pst_profile *p)
{
	return has(p, PST_COND_PELVIC_GIRDLE_PAIN) &&
	       (e->position == PST_POS_HALF_KNEELING || e->asymmetric || e->wide_stance);
}

/* Turning the trunk, or rolling to get up from lying: keep the knees together. */
static bool pgp_turning(const struct pst_exercise *e, const struct pst_profile *p)
{
	return has(p, PST_COND_PELVIC_GIRDLE_PAIN) &&
	       (e->rotation || e->position == PST_POS_SIDE_LYING || e->position == PST_POS_SUPINE);
}

static bool wrist_pain(const struct pst_exercise *e, const struct pst_profile *p)
{
	return has(p, PST_COND_WRIST_OR_THUMB_PAIN) && e->wrist_load;
}

static bool gap_or_leak(const struct pst_profile *p)
{
	return has(p, PST_COND_TUMMY_GAP) || has(p, PST_COND_LEAKING);
}

static bool gap_or_leak_load(const struct pst_exercise *e, const struct pst_profile *p)
{
	return gap_or_leak(p) && loads_abdomen(e);
}

/* Effort and trunk movement is where a tummy gap domes and leaking shows. */
static bool gap_or_leak_watch(const struct pst_exercise *e, const struct pst_profile *p)
{
	return gap_or_leak(p) && (e->kind == PST_KIND_STRENGTHEN || e->kind == PST_KIND_MOBILITY ||
				  e->backward_bend || e->rotation);
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
	/* A tummy gap has its own, wider caution; before 6 weeks after a caesarean the
	 * exercise is left out. */
	return postpartum(p) && e->abdominal_load && !gap_or_leak(p) && !caesarean_before_6(p);
}

/* A citation of a source id, with an optional detail; its line is this file's. */
#define CITE(id, detail) {(id), (detail), __LINE__, 0}
/* The person's own choices cite nothing: they are not safety rules. */
#define NO_CITES {NULL, 0}

const struct pst_rule pst_rules[] = {
	{"pregnancy-no-supine-from-20-weeks", PST_RULE_EXCLUDE, false,
	 "From 20 weeks of pregnancy, lying flat on your back can press the womb on a large "
	 "vein and leave you faint, so exercises on your back are left out.",
	 PST_CITES(CITE("acog-co-804", "avoid lying flat on the back as much as possible"),
		   CITE("mottola-2018", NULL),
		   CITE("conventional-practice",
			"the week-20 cut-off is not confirmed in either guideline; applied conservatively")),
	 supine_late},
	{"pregnancy-no-prone-after-13-weeks", PST_RULE_EXCLUDE, false,
	 "After the first trimester, lying face down is not practical or comfortable with a "
	 "growing bump, so exercises on your front are left out.",
	 PST_CITES(CITE("conventional-practice", "comfort with a growing bump")), prone_pregnant},
	{"caesarean-nothing-pressing-on-the-wound-before-6-weeks", PST_RULE_EXCLUDE, false,
	 "After a caesarean the wound is still healing: this position folds the belly onto the "
	 "thighs and presses on it, so it is left out for the first 6 weeks.",
	 PST_CITES(CITE("pogp-fit-and-safe", "after a caesarean; applied conservatively")),
	 caesarean_belly_pressure},
	{"caesarean-no-kneeling-backward-bend-before-6-weeks", PST_RULE_EXCLUDE, false,
	 "After a caesarean, kneeling and bending backward stretches the healing wound and tummy "
	 "wall, so this is left out for the first 6 weeks; the seated version opens the upper "
	 "back without it.",
	 PST_CITES(CITE("conventional-practice",
			"the tummy wall has about half its strength at 6 weeks; no separate timeline "
			"after a caesarean was found; applied conservatively")),
	 caesarean_kneeling_backbend},
	{"caesarean-no-abdominal-load-before-6-weeks", PST_RULE_EXCLUDE, false,
	 "After a caesarean, the tummy wall is still healing: nothing that loads it or twists "
	 "under load in the first 6 weeks.",
	 PST_CITES(CITE("pogp-fit-and-safe",
			"no separate timeline after a caesarean was found; applied conservatively")),
	 caesarean_early},
	{"postpartum-off-the-floor-first-2-weeks", PST_RULE_EXCLUDE, false,
	 "In the first two weeks after birth (stitches, a sore perineum or wound, and getting up "
	 "and down are hard), the plan keeps to exercises done sitting, standing or lying on "
	 "your side; this one is done kneeling, on all fours or lying on the floor.",
	 PST_CITES(CITE("pogp-fit-and-safe", "gentle exercise at first; applied conservatively")),
	 first_weeks_floor},
	{"postpartum-gentle-only-before-6-weeks", PST_RULE_EXCLUDE, false,
	 "In the first 6 weeks after birth the plan keeps to gentle movement (mobility, "
	 "stretching, breathing); this one is strengthening work or works against a band, a "
	 "roller or your own weight, which waits until 6 weeks.",
	 PST_CITES(CITE("pogp-fit-and-safe", "gentle exercise first; more after 6 weeks"),
		   CITE("goom-2019", NULL)),
	 early_postpartum_load},
	{"pelvic-girdle-pain-no-asymmetric-or-wide-positions", PST_RULE_EXCLUDE, false,
	 "With pelvic girdle pain, positions with the legs apart or in different positions "
	 "(half-kneeling, one foot forward, knees wide) strain the joints of the pelvis, so this "
	 "one is left out.",
	 PST_CITES(CITE("pogp-pgp", NULL), CITE("vleeming-2008", NULL)),
	 pgp_position},
	{"wrist-or-thumb-pain-no-wrist-load", PST_RULE_EXCLUDE, false,
	 "With pain or tingling in the wrist or thumb (carpal tunnel in pregnancy, de Quervain's "
	 "after birth are common), weight on the hands can make it worse, so this one is left out.",
	 PST_CITES(CITE("conventional-practice",
			"carpal tunnel syndrome is common in pregnancy: no wrist load; applied "
			"conservatively to de Quervain's after birth")),
	 wrist_pain},
	{"tummy-gap-or-leaking-no-loaded-trunk", PST_RULE_EXCLUDE, false,
	 "With a tummy gap or leaking, exercises that load the tummy wall or twist the trunk "
	 "under load can make them worse, so this one is left out.",
	 PST_CITES(CITE("sperstad-2016", "tummy gap"), CITE("goom-2019", "leaking")),
	 gap_or_leak_load},
	{"avoid-floor", PST_RULE_EXCLUDE, true,
	 "You asked to avoid getting down on the floor, and this starts on the floor.",
	 NO_CITES, avoid_floor},
	{"avoid-kneeling", PST_RULE_EXCLUDE, true,
	 "You asked to avoid kneeling, and this is done with weight on the knees.",
	 NO_CITES, avoid_kneeling},
	{"avoid-wrist-load", PST_RULE_EXCLUDE, true,
	 "You asked to avoid weight on your wrists, and this puts weight on your hands.",
	 NO_CITES, avoid_wrists},
	{"equipment-missing", PST_RULE_EXCLUDE, true,
	 "It needs equipment you did not list as having.", NO_CITES,
	 missing_equipment},
	{"high-pain-gentle-only", PST_RULE_EXCLUDE, false,
	 "Your pain is 7/10 or more: start with gentle movement only; strengthening comes back "
	 "once the pain settles.",
	 PST_CITES(CITE("silbernagel-2007", "pain-monitoring model, applied conservatively")),
	 high_pain},
	{"pregnancy-supine-caution", PST_RULE_CAUTION, false,
	 "On your back: if you feel light-headed, sick or unwell, roll onto your side and stop.",
	 PST_CITES(CITE("mottola-2018", "change position if lying flat makes you feel unwell")),
	 supine_early},
	{"caesarean-clearance", PST_RULE_CAUTION, false,
	 "After a caesarean, do this one only once your doctor, midwife or physiotherapist says "
	 "your tummy wall is ready for load or twisting.",
	 PST_CITES(CITE("pogp-fit-and-safe",
			"the tummy wall has about half its strength at 6 weeks; applied conservatively")),
	 caesarean_later},
	{"postpartum-midline-watch", PST_RULE_CAUTION, false,
	 "Watch your tummy: if it bulges or domes along the middle, make the movement smaller "
	 "or skip it, and mention it to your physiotherapist.",
	 PST_CITES(CITE("sperstad-2016", "tummy gap"), CITE("goom-2019", "a bulging midline")),
	 midline_watch},
	{"pelvic-girdle-pain-knees-together", PST_RULE_CAUTION, false,
	 "With pelvic girdle pain, keep your knees together when you turn, roll over or get up "
	 "and down, and keep the movement within what is comfortable.",
	 PST_CITES(CITE("pogp-pgp", NULL), CITE("vleeming-2008", NULL)),
	 pgp_turning},
	{"tummy-gap-or-leaking-midline-watch", PST_RULE_CAUTION, false,
	 "With a tummy gap or leaking: breathe out as you make the effort, and if your tummy "
	 "domes or bulges along the middle, or you leak, make the movement smaller or skip it; "
	 "a pelvic-health physiotherapist can help.",
	 PST_CITES(CITE("sperstad-2016", "tummy gap"), CITE("goom-2019", "leaking or a bulging midline")),
	 gap_or_leak_watch},
};

const size_t pst_rules_n = sizeof pst_rules / sizeof *pst_rules;

const struct pst_cites pst_progression_sources =
	PST_CITES(CITE("silbernagel-2007", "pain-monitoring model, applied conservatively"));

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

size_t pst_rules_check_sources(const struct pst_sources *s, struct pst_diags *d)
{
	size_t bad = 0;
	for (size_t i = 0; i < pst_rules_n; i++) {
		const struct pst_rule *r = &pst_rules[i];
		bad += pst_sources_check(s, &r->sources, "src/core/rules.c", d);
		if (!r->choice && r->sources.n == 0) {
			pst_diag_add(d, "src/core/rules.c", 0, 0, "rule '%s' cites no source", r->id);
			bad++;
		}
	}
	return bad + pst_sources_check(s, &pst_progression_sources, "src/core/rules.c", d);
}

bool pst_rules_floor_wait_only(const struct pst_exercise *e, const struct pst_profile *p)
{
	/* After a caesarean, getting down to the floor and up again pulls on the wound in
	 * these first weeks: nothing on the floor is offered, not even as optional. */
	if (p->birth == PST_BIRTH_CAESAREAN)
		return false;
	bool floor = false;
	for (size_t i = 0; i < pst_rules_n; i++) {
		if (pst_rules[i].effect != PST_RULE_EXCLUDE || !pst_rules[i].hits(e, p))
			continue;
		if (pst_rules[i].hits != first_weeks_floor)
			return false;
		floor = true;
	}
	return floor;
}

const struct pst_rule *pst_rules_find(const char *id)
{
	for (size_t i = 0; i < pst_rules_n; i++)
		if (strcmp(pst_rules[i].id, id) == 0)
			return &pst_rules[i];
	return NULL;
}
