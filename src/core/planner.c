/* The planner: safety rules first, then a scored, time-boxed choice of exercises. */
#include "planner.h"

#include <stdlib.h>
#include <string.h>

const char *const pst_day_names[PST_DAYS] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* Timing assumptions, in seconds, named once. */
enum {
	TRANSITION_S = 20,   /* getting into position and reading the step */
	DEFAULT_REP_S = 3,   /* one repetition when the catalogue gives no tempo */
	BREATH_S = 6,        /* one slow breath */
	HOLD_IN_OUT_S = 3,   /* moving into and out of a hold */
	SLOT_MINUTES = 8,    /* from here a session holds mobility, stretch and strengthening */
	BREATHING_MINUTES = 10, /* from here it ends with breathing or relaxation */
	SHORT_SESSION_MINUTES = 10, /* up to here, 4 sessions a week instead of 3 */
	CONTINUITY_BONUS = 10,  /* score for an exercise the person has been doing */
	RELIEF_MAX_S = 180,
	MAX_TIPS = 6,
	MAX_WARNINGS = 16,
};

struct pst_dose pst_dose_start(const struct pst_dose *d)
{
	struct pst_dose s = *d;
	s.sets.hi = s.sets.lo;
	s.reps.hi = s.reps.lo;
	s.hold_s.hi = s.hold_s.lo;
	s.breaths.hi = s.breaths.lo;
	return s;
}

int pst_dose_seconds(const struct pst_dose *d)
{
	int reps = d->reps.hi > 0 ? d->reps.hi : 1;
	int set;
	if (d->breaths.hi)
		set = d->breaths.hi * BREATH_S * reps;
	else if (d->hold_s.hi)
		set = reps * (d->hold_s.hi + HOLD_IN_OUT_S);
	else
		set = reps * (d->rep_s ? d->rep_s : DEFAULT_REP_S);
	if (d->per_side)
		set *= 2;
	int sets = d->sets.hi > 0 ? d->sets.hi : 1;
	return TRANSITION_S + sets * set + (sets - 1) * d->rest_s;
}

/* --- candidates and scores ------------------------------------------------ */

struct cand {
	const struct pst_exercise *ex;
	const struct pst_exercise *replaces;
	int score;
	bool chosen, dropped;
	struct pst_prog_state prog;  /* where ex stands in the person's progression */
	struct cand *moved;          /* progression handed ex's place to this candidate */
	const struct pst_exercise *progressed_from; /* the first exercise that handed it its place */
	enum pst_prog_dir progressed_dir;          /* ... by going up or down */
};

static bool is_seed_exercise(const struct pst_exercise *e)
{
	return e->src_adapted == NULL;
}

static unsigned area_regions(enum pst_area a)
{
	switch (a) {
	case PST_AREA_UPPER:
		return PST_BIT(PST_REG_UPPER_BACK) | PST_BIT(PST_REG_SHOULDERS);
	case PST_AREA_MID:
		return PST_BIT(PST_REG_MID_BACK) | PST_BIT(PST_REG_RIBS);
	case PST_AREA_NECK:
		return PST_BIT(PST_REG_NECK);
	default:
		return 0;
	}
}

static bool trig(const struct pst_profile *p, enum pst_trigger t)
{
	return (p->triggers & PST_BIT(t)) != 0;
}

/* --- the stage's own needs ----------------------------------------------------- */

static bool is_postpartum(const struct pst_profile *p)
{
	return p->has_stage && p->stage == PST_STAGE_POSTPARTUM;
}

static bool is_pregnant(const struct pst_profile *p)
{
	return p->has_stage && p->stage == PST_STAGE_PREGNANCY;
}

/* Feeding a baby (breast, bottle or both) bends the head and rounds the shoulders for
 * hours a day (seed 002), whether or not the person named it as a trigger. */
static bool feeding_baby(const struct pst_profile *p)
{
	return is_postpartum(p) && (p->feeding != PST_FEED_UNKNOWN || trig(p, PST_TRIG_FEEDING));
}

/* The first 6 weeks after birth: gentle, and easy to get into (POGP). */
static bool early_postpartum(const struct pst_profile *p)
{
	return is_postpartum(p) && p->weeks < 6;
}

/* From 20 weeks the bump crowds the ribs; breathing into their sides helps (seed 000). */
static bool bump_crowds_ribs(const struct pst_profile *p)
{
	return is_pregnant(p) && p->weeks >= 20;
}

/* After birth every parent holds and feeds a baby: the triggers of the stage. */
static bool rounding_trigger(const struct pst_profile *p)
{
	return trig(p, PST_TRIG_FEEDING) || trig(p, PST_TRIG_HOLDING) || trig(p, PST_TRIG_CARRYING) ||
	       is_postpartum(p);
}

static bool upright_position(const struct pst_exercise *e)
{
	return e->position == PST_POS_STANDING || e->position == PST_POS_SEATED;
}

/* A stretch that opens the chest and the fronts of the shoulders: for upper-back pain the
 * plan opens the front rather than stretching into the painful back (seeds 000, 002). A
 * backward bend of the spine (the couch stretch, the kneeling extension) stretches into
 * the back, so it does not count as the front opener. */
static bool front_opener(const struct pst_exercise *e)
{
	return e->kind == PST_KIND_STRETCH && (e->regions & PST_BIT(PST_REG_FRONT_SHOULDER)) &&
	       !e->backward_bend;
}

static bool upper_back_complaint(const struct pst_profile *p)
{
	return (p->areas & PST_BIT(PST_AREA_UPPER)) || p->areas == 0;
}

/* Breathing, or upright movement of the ribs: nothing that takes a bump to the floor. */
static bool ribs_work(const struct pst_exercise *e)
{
	return (e->regions & PST_BIT(PST_REG_RIBS)) &&
	       (e->kind == PST_KIND_BREATHING || (upright_position(e) && e->kind != PST_KIND_STRENGTHEN));
}

/* Work for the deep neck muscles that bring the head back over the shoulders. */
static bool neck_strength(const struct pst_exercise *e)
{
	return e->kind == PST_KIND_STRENGTHEN && (e->regions & PST_BIT(PST_REG_NECK));
}

static bool desk_trigger(const struct pst_profile *p)
{
	return trig(p, PST_TRIG_DESK) || trig(p, PST_TRIG_SCREEN);
}

static bool calming_trigger(const struct pst_profile *p)
{
	return trig(p, PST_TRIG_SLEEP) || trig(p, PST_TRIG_STRESS);
}

static bool shoulder_blade_work(const struct pst_exercise *e)
{
	return pst_exercise_strengthens_back(e) &&
	       (e->regions & (PST_BIT(PST_REG_UPPER_BACK) | PST_BIT(PST_REG_MID_BACK)));
}

static bool calming(const struct pst_exercise *e)
{
	return e->kind == PST_KIND_BREATHING || e->kind == PST_KIND_RELAXATION;
}

/* How well e suits p; higher is better. Ties are broken by id, so plans are stable. */
static int score(const struct pst_exercise *e, const struct pst_profile *p)
{
	int s = calming(e) ? 10 : 30;
	for (int a = 0; a < PST_AREA__MAX; a++)
		if ((p->areas & PST_BIT(a)) && (e->regions & area_regions((enum pst_area)a)))
			s += a == PST_AREA_NECK ? 15 : 10;
	if (rounding_trigger(p) && (pst_exercise_opens_front(e) || shoulder_blade_work(e)))
		s += 12;
	if (desk_trigger(p) && ((e->regions & PST_BIT(PST_REG_NECK)) || pst_exercise_opens_front(e)))
		s += 10;
	if (calming_trigger(p) && calming(e))
		s += 15;
	if (is_seed_exercise(e))
		s += 5;
	/* Equipment the person named on purpose (a band, a foam roller) should get used. */
	if (e->equipment & (PST_BIT(PST_EQ_BAND) | PST_BIT(PST_EQ_FOAM_ROLLER)))
		s += 8;
	if (p->pain >= 5 && e->gentle)
		s += 5;
	/* Late pregnancy: getting up and down from the floor costs more. */
	if (p->stage == PST_STAGE_PREGNANCY && p->weeks >= 28 && pst_position_on_floor(e->position))
		s -= 5;
	/* The stage's own needs. */
	if (bump_crowds_ribs(p) && ribs_work(e))
		s += 8;
	if (feeding_baby(p) && neck_strength(e))
		s += 6;
	if (early_postpartum(p) && upright_position(e) && e->gentle)
		s += 6;
	if (early_postpartum(p) && calming(e))
		s += 6;
	return s;
}

/* The safety question answered yes whose avoid list leaves e out (a note such as tingling
 * hands at night: no weight on the hands), or NULL. */
static const struct pst_question *note_excluding(const struct pst_screen_result *screen,
						 const struct pst_exercise *e)
{
	for (size_t i = 0; screen && i < screen->nreasons; i++) {
		const struct pst_question *qn = screen->reasons[i];
		if (!pst_outcome_is_referral(qn->outcome) && pst_avoid_hits(qn->avoid, e))
			return qn;
	}
	return NULL;
}

/* A clearance question answered yes (severe pain, heaviness in the pelvis, a condition
 * that needs the provider's say-so): until that OK the plan is gentle, as the question's
 * advice promises. Returns the question when it leaves e (not gentle) out, or NULL. */
static const struct pst_question *clearance_excluding(const struct pst_screen_result *screen,
						      const struct pst_exercise *e)
{
	if (e->gentle)
		return NULL;
	for (size_t i = 0; screen && i < screen->nreasons; i++)
		if (screen->reasons[i]->outcome == PST_OUT_CLEARANCE)
			return screen->reasons[i];
	return NULL;
}

#define CLEARANCE_GENTLE_REASON                                                              \
	"You answered yes to a question that needs your provider's OK first: until they have " \
	"seen you the plan keeps to gentle movement, so strengthening and work against a "    \
	"band, a roller or your own weight wait."

/* True when a safety rule or an answer leaves e out for p. */
static bool excluded_for(const struct pst_exercise *e, const struct pst_profile *p,
			 const struct pst_screen_result *screen)
{
	return pst_rules_excluding(e, p) || note_excluding(screen, e) ||
	       clearance_excluding(screen, e);
}

bool pst_plan_exclusion(const struct pst_exercise *e, const struct pst_profile *p,
			const struct pst_screen_result *screen, const char **id, const char **reason,
			const struct pst_rule **rule, const struct pst_cites **sources)
{
	const struct pst_rule *r = pst_rules_excluding(e, p);
	const struct pst_question *q = NULL;
	*rule = r;
	if (r) {
		*id = r->id;
		*reason = r->reason;
		*sources = r->sources.n ? &r->sources : NULL;
	} else if ((q = note_excluding(screen, e))) {
		*id = q->id;
		*reason = q->avoid_reason;
		*sources = &q->sources;
	} else if ((q = clearance_excluding(screen, e))) {
		*id = q->id;
		*reason = CLEARANCE_GENTLE_REASON;
		*sources = &q->sources;
	} else {
		return false;
	}
	return true;
}

/* Finds an allowed easier variant of e (breadth first, by the catalogue's order). */
static const struct pst_exercise *easier_allowed(const struct pst_catalog *c,
						 const struct pst_exercise *e,
						 const struct pst_profile *p,
						 const struct pst_screen_result *screen)
{
	const struct pst_exercise *queue[64];
	size_t head = 0, tail = 0;
	queue[tail++] = e;
	while (head < tail) {
		const struct pst_exercise *cur = queue[head++];
		for (size_t i = 0; i < cur->easier.n; i++) {
			const struct pst_exercise *v = pst_catalog_find(c, cur->easier.v[i]);
			bool seen = false;
			for (size_t k = 0; k < tail; k++)
				seen |= queue[k] == v;
			if (!v || seen)
				continue;
			if (!excluded_for(v, p, screen))
				return v;
			if (tail < sizeof queue / sizeof *queue)
				queue[tail++] = v;
		}
	}
	return NULL;
}

static bool linked(const struct pst_exercise *a, const struct pst_exercise *b)
{
	return pst_strv_has(&a->easier, b->id) || pst_strv_has(&a->harder, b->id) ||
	       pst_strv_has(&b->easier, a->id) || pst_strv_has(&b->harder, a->id);
}

/* --- building ----------------------------------------------------------- */

struct builder {
	const struct pst_catalog *c;
	const struct pst_profile *p;
	struct pst_plan *plan;
	struct cand *cands;
	size_t ncands;
	const char *warnings[MAX_WARNINGS];
	size_t nwarnings;
};

static void warn(struct builder *b, const char *w)
{
	for (size_t i = 0; i < b->nwarnings; i++)
		if (strcmp(b->warnings[i], w) == 0)
			return;
	if (b->nwarnings < MAX_WARNINGS)
		b->warnings[b->nwarnings++] = w;
}

static struct cand *cand_of(struct builder *b, const struct pst_exercise *e)
{
	for (size_t i = 0; i < b->ncands; i++)
		if (b->cands[i].ex == e)
			return &b->cands[i];
	return NULL;
}

/* Tries to add candidate k to the routine within the budget: at its progressed level
 * (or the largest lower level that fits) or its starting dose, else with fewer sets.
 * Returns true when it was added. */
static bool try_add(struct builder *b, struct cand *k)
{
	struct pst_plan *plan = b->plan;
	struct pst_plan_item it = {.ex = k->ex, .replaces = k->replaces,
				   .progressed_from = k->progressed_from};
	it.dose = pst_dose_start(&k->ex->dose);
	if (k->prog.known) {
		it.progressed = true;
		it.level = k->prog.level;
		it.dose = k->prog.dose;
	}
	it.seconds = pst_dose_seconds(&it.dose);
	while (it.level > 0 && plan->estimated_s + it.seconds > plan->budget_s) {
		it.dose = pst_dose_at_level(&k->ex->dose, --it.level);
		it.seconds = pst_dose_seconds(&it.dose);
		it.fitted = true;
	}
	while (plan->estimated_s + it.seconds > plan->budget_s && it.dose.sets.lo > 1) {
		it.dose.sets.lo--;
		it.dose.sets.hi = it.dose.sets.lo;
		it.fewer_sets = true;
		it.seconds = pst_dose_seconds(&it.dose);
	}
	if (plan->estimated_s + it.seconds > plan->budget_s)
		return false;
	it.ncautions = pst_rules_cautions(k->ex, b->p, it.cautions, PST_PLAN_MAX_CAUTIONS);
	if (it.ncautions > PST_PLAN_MAX_CAUTIONS)
		it.ncautions = PST_PLAN_MAX_CAUTIONS;
	plan->items[plan->nitems++] = it;
	plan->estimated_s += it.seconds;
	k->chosen = true;
	return true;
}

typedef bool (*slot_fn)(const struct pst_exercise *e);

static bool slot_mobility(const struct pst_exercise *e)
{
	return e->kind == PST_KIND_MOBILITY;
}

/* The best unchosen candidate (optionally only those fitting slot). */
static struct cand *best(struct builder *b, slot_fn slot, bool variety)
{
	struct cand *top = NULL;
	int topscore = 0;
	for (size_t i = 0; i < b->ncands; i++) {
		struct cand *k = &b->cands[i];
		if (k->chosen || k->dropped || (slot && !slot(k->ex)))
			continue;
		int s = k->score;
		if (variety) {
			/* Spread the routine over kinds: each chosen one of a kind costs its peers. */
			for (size_t j = 0; j < b->plan->nitems; j++)
				if (b->plan->items[j].ex->kind == k->ex->kind ||
				    (calming(k->ex) && calming(b->plan->items[j].ex)))
					s -= 15;
		}
		if (!top || s > topscore || (s == topscore && strcmp(k->ex->id, top->ex->id) < 0)) {
			top = k;
			topscore = s;
		}
	}
	return top;
}

/* A chosen item that makes e redundant: a variant of the same kind, or, for breathing
 * and relaxation, one already there (two only with time and a sleep or stress trigger). */
static const struct pst_plan_item *chosen_link(const struct builder *b, const struct pst_exercise *e)
{
	size_t calm = 0;
	const struct pst_plan_item *first_calm = NULL;
	for (size_t j = 0; j < b->plan->nitems; j++) {
		const struct pst_plan_item *it = &b->plan->items[j];
		if (it->ex->kind == e->kind && linked(it->ex, e))
			return it;
		if (calming(it->ex)) {
			calm++;
			first_calm = first_calm ? first_calm : it;
		}
	}
	size_t calm_max = calming_trigger(b->p) && b->p->minutes >= 20 ? 2 : 1;
	if (calming(e) && calm >= calm_max)
		return first_calm;
	return NULL;
}

static int kind_rank(enum pst_kind k)
{
	switch (k) {
	case PST_KIND_MOBILITY: return 0;
	case PST_KIND_STRETCH: return 1;
	case PST_KIND_STRENGTHEN: return 2;
	default: return 3;
	}
}

static int item_cmp(const void *pa, const void *pb)
{
	const struct pst_plan_item *a = pa, *b = pb;
	int ka = kind_rank(a->ex->kind), kb = kind_rank(b->ex->kind);
	if (ka != kb)
		return ka - kb;
	/* Within a kind, standing and sitting first: fewer trips to and from the floor. */
	if (a->ex->position != b->ex->position)
		return (int)a->ex->position - (int)b->ex->position;
	return strcmp(a->ex->id, b->ex->id);
}

static const char *why_text(struct builder *b, const struct pst_plan_item *it)
{
	const struct pst_exercise *e = it->ex;
	const struct pst_profile *p = b->p;
	struct pst_buf w;
	pst_buf_init(&w, 4096);
	pst_buf_puts(&w, e->purpose);
	bool neck = (p->areas & PST_BIT(PST_AREA_NECK)) && (e->regions & PST_BIT(PST_REG_NECK));
	bool upper = (p->areas & PST_BIT(PST_AREA_UPPER)) && (e->regions & area_regions(PST_AREA_UPPER));
	bool mid = (p->areas & PST_BIT(PST_AREA_MID)) && (e->regions & area_regions(PST_AREA_MID));
	if (neck || upper || mid)
		pst_buf_printf(&w, " It works where you said it hurts (%s%s%s%s%s).",
			       upper ? "upper back" : "", upper && (mid || neck) ? ", " : "",
			       mid ? "mid back" : "", mid && neck ? ", " : "", neck ? "neck" : "");
	bool named = trig(p, PST_TRIG_FEEDING) || trig(p, PST_TRIG_HOLDING) ||
		     trig(p, PST_TRIG_CARRYING);
	if (rounding_trigger(p) && (pst_exercise_opens_front(e) || shoulder_blade_work(e)))
		pst_buf_puts(&w, named ? " It counters the rounded shoulders of feeding, holding and carrying."
				       : " It counters the rounded shoulders that feeding and holding your "
					 "baby bring.");
	else if (desk_trigger(p) && ((e->regions & PST_BIT(PST_REG_NECK)) || pst_exercise_opens_front(e)))
		pst_buf_puts(&w, " It counters long spells looking down at a desk or a screen.");
	if (calming_trigger(p) && calming(e))
		pst_buf_puts(&w, " Slow breathing helps you settle for sleep and under stress.");
	if (upper_back_complaint(p) && front_opener(e))
		pst_buf_puts(&w, " For pain in the upper back the plan opens the front of the chest and "
				 "shoulders rather than stretching into the painful back.");
	if (feeding_baby(p) && neck_strength(e))
		pst_buf_puts(&w, " Looking down at your baby during feeds strains the neck; this brings "
				 "the head back over the shoulders.");
	if (bump_crowds_ribs(p) && ribs_work(e))
		pst_buf_puts(&w, " As the bump grows it crowds the ribs; this gives the ribs and mid "
				 "back room to move.");
	if (early_postpartum(p) && upright_position(e) && e->gentle)
		pst_buf_printf(&w, " Gentle and done %s, it suits the first weeks after birth.",
			       e->position == PST_POS_SEATED ? "sitting" : "standing");
	else if (early_postpartum(p) && calming(e))
		pst_buf_puts(&w, " Rest and slow breathing help recovery in the first weeks after birth.");
	if (it->replaces)
		pst_buf_printf(&w, " It stands in for %s, which is left out for you.", it->replaces->name);
	if (it->progressed_from)
		pst_buf_printf(&w, " It takes the place of %s, %s.", it->progressed_from->name,
			       cand_of(b, it->ex)->progressed_dir == PST_PROG_UP
				       ? "as the next step up"
				       : "as an easier version while that one hurts");
	if (it->fewer_sets)
		pst_buf_puts(&w, " Fewer sets than usual, to fit your time.");
	if (it->fitted)
		pst_buf_puts(&w, " A smaller dose than you have progressed to, to fit your time.");
	const char *s = w.failed ? e->purpose : pst_arena_strdup(b->plan->arena, w.s);
	pst_buf_free(&w);
	return s ? s : e->purpose;
}

/* How the stage shaped the plan, in plain words, for "Why these exercises". */
static const char *stage_text(struct builder *b)
{
	const struct pst_profile *p = b->p;
	struct pst_buf w;
	char words[96];
	pst_buf_init(&w, 2048);
	pst_buf_puts(&w, pst_profile_stage_words(p, words, sizeof words));
	if (feeding_baby(p))
		pst_buf_puts(&w, p->feeding == PST_FEED_BREAST ? ", breastfeeding"
				 : p->feeding == PST_FEED_BOTTLE ? ", bottle feeding"
								 : ", feeding your baby");
	pst_buf_puts(&w, ": ");
	int n = 0;
#define PART(...) (pst_buf_puts(&w, n++ ? "; " : ""), pst_buf_printf(&w, __VA_ARGS__))
	if (is_pregnant(p)) {
		if (p->weeks >= 20)
			PART("nothing lying flat on your back, and breathing into the sides of the ribs "
			     "that the growing bump crowds");
		else
			PART("most positions still suit you; lying on your back comes with a note to "
			     "roll to your side if you feel light-headed");
		if (p->weeks > 13)
			PART("nothing lying on your front");
		if (p->weeks >= 28)
			PART("mostly standing and sitting exercises, so you get down to the floor less");
	} else {
		if (p->weeks < 2)
			PART("only exercises done sitting, standing or lying on your side in the first "
			     "two weeks");
		if (p->weeks < 6)
			PART("gentle exercise only, with no load, until 6 weeks, favouring what is done "
			     "sitting or standing and slow breathing for rest");
		if (p->birth == PST_BIRTH_CAESAREAN && p->weeks < 6)
			PART("after the caesarean, nothing that loads the tummy wall, presses on the "
			     "wound or bends backward from kneeling: the seated versions take their "
			     "place");
		else if (p->birth == PST_BIRTH_CAESAREAN)
			PART("after the caesarean, anything that loads the tummy wall only once your "
			     "doctor, midwife or physiotherapist says it is ready");
		PART("chest openers and shoulder-blade work against the rounded shoulders of %s",
		     feeding_baby(p) ? "feeding and holding your baby" : "holding and carrying your baby");
		if (feeding_baby(p))
			PART("neck exercises for looking down at your baby during feeds");
	}
#undef PART
	pst_buf_puts(&w, ".");
	const char *s = w.failed ? NULL : pst_arena_strdup(b->plan->arena, w.s);
	pst_buf_free(&w);
	return s;
}

static void add_excluded(struct builder *b, const struct pst_exercise *e, const char *rule,
			 const char *reason, const struct pst_cites *source, const struct pst_exercise *by,
			 const struct pst_rule *by_rule)
{
	struct pst_plan *plan = b->plan;
	plan->excluded[plan->nexcluded++] =
		(struct pst_plan_excluded){e, rule, reason, source, by, by_rule, false};
}

static void schedule(struct builder *b)
{
	struct pst_plan *plan = b->plan;
	plan->sessions_per_week = pst_plan_sessions_per_week(b->p->minutes);
	for (int d = 0; d < PST_DAYS; d++)
		plan->session_days[d] = pst_plan_is_session_day(b->p->minutes, d);
}

int pst_plan_sessions_per_week(int minutes)
{
	/* Seed 001: 3-4 times a week. Short sessions come more often. */
	return minutes <= SHORT_SESSION_MINUTES ? 4 : 3;
}

bool pst_plan_is_session_day(int minutes, int weekday)
{
	/* Never two days in a row within a week: Mon, Wed, Fri (and Sun). */
	if (weekday < 0 || weekday >= PST_DAYS || weekday % 2)
		return false;
	return weekday < 6 || pst_plan_sessions_per_week(minutes) == 4;
}

static bool upright(const struct pst_exercise *e)
{
	return !pst_position_on_floor(e->position);
}

/* The daily relief break: one or two upright stretches from the routine, one round each. */
static void relief(struct builder *b)
{
	pst_plan_relief(b->plan);
}

void pst_plan_relief(struct pst_plan *plan)
{
	plan->nrelief = 0;
	plan->relief_s = 0;
	for (int pass = 0; pass < 2 && plan->nrelief < PST_PLAN_MAX_RELIEF; pass++) {
		for (size_t i = 0; i < plan->nitems && plan->nrelief < PST_PLAN_MAX_RELIEF; i++) {
			const struct pst_plan_item *it = &plan->items[i];
			/* First pass: front-opening stretches; second: any upright mobility. */
			bool fits = pass == 0 ? pst_exercise_opens_front(it->ex)
					      : it->ex->kind == PST_KIND_MOBILITY;
			if (!fits || !upright(it->ex))
				continue;
			struct pst_plan_item r = *it;
			r.dose.sets.lo = r.dose.sets.hi = 1;
			if (r.dose.hold_s.hi && r.dose.reps.hi > 1)
				r.dose.reps.lo = r.dose.reps.hi = 1;
			r.seconds = pst_dose_seconds(&r.dose);
			if (plan->relief_s + r.seconds > RELIEF_MAX_S)
				continue;
			plan->relief[plan->nrelief++] = r;
			plan->relief_s += r.seconds;
		}
	}
}

static void pick_tips(struct builder *b, const struct pst_tips *t)
{
	if (!t)
		return;
	const struct pst_profile *p = b->p;
	const struct pst_tip *buf[MAX_TIPS];
	size_t n = pst_tips_select(t, p->stage, p->weeks, p->birth, p->triggers, buf, MAX_TIPS);
	if (n > MAX_TIPS)
		n = MAX_TIPS;
	b->plan->tips = pst_arena_alloc(b->plan->arena, (n ? n : 1) * sizeof(*b->plan->tips));
	if (!b->plan->tips)
		return;
	memcpy(b->plan->tips, buf, n * sizeof(*buf));
	b->plan->ntips = n;
}

static void general_warnings(struct builder *b, const struct pst_screen_result *screen)
{
	const struct pst_profile *p = b->p;
	if (!screen)
		warn(b, "You have not answered the safety questions yet. Answer them first "
			"(postura screen, or postura plan --answers FILE), and do not start if "
			"any warning sign applies to you.");
	else if (screen->outcome == PST_OUT_CLEARANCE)
		warn(b, "Only start this plan once your doctor or midwife has said that exercise "
			"is OK for you: you told us about a condition that needs their say-so first.");
	/* Every clearance or note answered yes: its advice beside the plan. */
	for (size_t i = 0; screen && i < screen->nreasons; i++)
		if (!pst_outcome_is_referral(screen->reasons[i]->outcome))
			warn(b, screen->reasons[i]->advice);
	if (p->minutes < SLOT_MINUTES)
		warn(b, "Under 8 minutes a session cannot hold mobility, stretching and "
			"strengthening together; the plan favours what helps your areas most. Add "
			"minutes when you can.");
	if (p->stage == PST_STAGE_POSTPARTUM && p->weeks < 2)
		warn(b, b->plan->noptional
				? "In the first two weeks after birth the plan keeps to exercises done "
				  "sitting, standing or lying on your side. Floor exercises can wait until "
				  "getting down and up again is comfortable; the optional ones listed "
				  "after your routine are there for then, only if you wish."
				: "In the first two weeks after birth the plan keeps to exercises done "
				  "sitting, standing or lying on your side. Floor exercises can wait until "
				  "getting down and up again is comfortable; try them then only if you "
				  "wish.");
	if (p->stage == PST_STAGE_POSTPARTUM && p->weeks < 6)
		warn(b, "In the first 6 weeks after birth the plan holds gentle exercise only "
			"(no resistance, no load). Walking and pelvic floor exercises suit this "
			"time too.");
	if (p->pain >= 7)
		warn(b, "Your pain is 7/10 or more, so the plan keeps to gentle movement. If it "
			"stays this high, wakes you at night or stops daily life, see your doctor, "
			"midwife or physiotherapist.");
	for (size_t i = 0; i < b->plan->nitems; i++)
		for (size_t k = 0; k < b->plan->items[i].ncautions; k++)
			warn(b, b->plan->items[i].cautions[k]->reason);
	/* Starting doses are deliberately small; say what to do with the time left. */
	bool early = p->stage == PST_STAGE_POSTPARTUM && p->weeks < 6;
	int spare = b->plan->budget_s - b->plan->estimated_s;
	if (!early && spare >= 5 * 60 && b->plan->estimated_s * 3 < b->plan->budget_s * 2) {
		const char *w = pst_arena_printf(
			b->plan->arena,
			"The routine takes about %d minutes at its starting doses; it grows as "
			"you progress. Use the rest of your %d minutes for a walk or other "
			"moderate activity: about 150 minutes a week, spread over 3 or more "
			"days, is the goal in pregnancy and after birth (ACOG 804; Mottola "
			"2018).",
			(b->plan->estimated_s + 59) / 60, p->minutes);
		if (w)
			warn(b, w);
	}
}

/* Where each candidate stands in the progression. What the person has been doing keeps
 * its place (a bonus), so the plan does not churn as they log sessions. A candidate whose
 * place moved on to a variant (allowed for p: pst_progression_resolve checks) hands its
 * place and its claim to a place (its score) to that variant's candidate, and is dropped. */
static void progress(struct builder *b, const struct pst_progression *prog)
{
	for (size_t i = 0; i < b->ncands; i++) {
		struct cand *k = &b->cands[i];
		pst_progression_resolve(prog, k->ex, b->p, &k->prog);
		if (k->prog.known)
			k->score += CONTINUITY_BONUS;
	}
	for (size_t i = 0; i < b->ncands; i++) {
		struct cand *k = &b->cands[i];
		if (k->prog.ex == k->ex)
			continue;
		struct cand *t = cand_of(b, k->prog.ex);
		if (!t) /* cannot happen: every allowed exercise is a candidate */
			continue;
		k->moved = t;
		k->dropped = true;
		if (!t->progressed_from) {
			const struct pst_prog_entry *en = pst_progression_find(prog, k->ex->id);
			t->progressed_from = k->ex;
			t->progressed_dir = en ? en->last.dir : PST_PROG_UP;
		}
		if (k->score > t->score)
			t->score = k->score;
		/* The variant shows the latest change that brought it where it is. */
		if (k->prog.change && (!t->prog.change || k->prog.change->seq > t->prog.change->seq))
			t->prog.change = k->prog.change;
	}
}

/* True when the progression's latest change for the item was a step down (or a stay
 * at the starting dose after pain). */
static bool lowered(struct builder *b, const struct pst_plan_item *it)
{
	const struct cand *k = cand_of(b, it->ex);
	return k && k->prog.change && k->prog.change->dir != PST_PROG_UP;
}

/* Copies an item's progression change into the plan, saying when time cut the dose. */
static const struct pst_prog_change *copy_change(struct builder *b, const struct cand *k,
						 const struct pst_plan_item *it)
{
	if (!k->prog.change)
		return NULL;
	struct pst_prog_change *ch = pst_arena_alloc(b->plan->arena, sizeof(*ch));
	if (!ch)
		return NULL;
	*ch = *k->prog.change;
	ch->reason = it->fitted ? pst_arena_printf(b->plan->arena,
						    "%s Your %d minutes do not hold that dose yet, "
						    "so the plan keeps the largest one that fits.",
						    ch->reason, b->p->minutes)
				: pst_arena_strdup(b->plan->arena, ch->reason);
	return ch->reason ? ch : NULL;
}

/* Why an exercise the progression replaced is left out, in the plan's arena. */
/* Floor work in the first two weeks after birth: offered, at its starting dose, beside
 * the routine (never in it); its entry among the left-out exercises says so. */
static void add_optional(struct builder *b, const struct pst_exercise *e)
{
	struct pst_plan *plan = b->plan;
	plan->excluded[plan->nexcluded - 1].optional = true;
	struct pst_plan_item it = {.ex = e, .dose = pst_dose_start(&e->dose)};
	it.seconds = pst_dose_seconds(&it.dose);
	it.ncautions = pst_rules_cautions(e, b->p, it.cautions, PST_PLAN_MAX_CAUTIONS);
	if (it.ncautions > PST_PLAN_MAX_CAUTIONS)
		it.ncautions = PST_PLAN_MAX_CAUTIONS;
	it.why = "Optional: only if getting down to the floor and up again is comfortable. It "
		 "is not part of your routine.";
	plan->optional[plan->noptional++] = it;
}

static void add_progressed_excluded(struct builder *b, const struct pst_progression *prog,
				    const struct cand *k)
{
	const struct pst_prog_entry *en = pst_progression_find(prog, k->ex->id);
	bool down = en && en->changed && en->last.dir == PST_PROG_DOWN;
	const char *why = NULL;
	if (en && en->changed && en->moved_to == k->moved->ex)
		why = pst_arena_strdup(b->plan->arena, en->last.reason);
	else if (en && en->changed)
		why = pst_arena_printf(b->plan->arena, "%s Your plan now has %s in its place.",
				       en->last.reason, k->moved->ex->name);
	if (!why)
		why = pst_arena_printf(b->plan->arena, "Your progression moved on to %s.",
				       k->moved->ex->name);
	add_excluded(b, k->ex, down ? "regressed-to-variant" : "progressed-to-variant",
		     why ? why : "Your progression moved on to a variant.",
		     &pst_progression_sources,
		     k->moved->chosen ? k->moved->ex : NULL, NULL);
}

int pst_plan_build(const struct pst_catalog *c, const struct pst_tips *t,
		   const struct pst_profile *p, const struct pst_screen_result *screen,
		   const struct pst_progression *prog, struct pst_plan **out)
{
	*out = NULL;
	if (screen && screen->outcome != PST_OUT_CLEAR && screen->outcome != PST_OUT_CLEARANCE &&
	    screen->outcome != PST_OUT_NOTE)
		return PST_EREFERRAL;
	if (!p->has_stage)
		return PST_EINVAL;
	struct pst_plan *plan = calloc(1, sizeof(*plan));
	struct builder b = {.c = c, .p = p, .plan = plan};
	int err = PST_ENOMEM;
	if (!plan || !(plan->arena = pst_arena_new()))
		goto fail;
	size_t n = c->n ? c->n : 1;
	plan->items = pst_arena_alloc(plan->arena, n * sizeof(*plan->items));
	plan->excluded = pst_arena_alloc(plan->arena, n * sizeof(*plan->excluded));
	plan->optional = pst_arena_alloc(plan->arena, n * sizeof(*plan->optional));
	b.cands = calloc(n, sizeof(*b.cands));
	if (!plan->items || !plan->excluded || !plan->optional || !b.cands)
		goto fail;
	plan->profile = *p;
	plan->screened = screen != NULL;
	plan->outcome = screen ? screen->outcome : PST_OUT_CLEAR;
	plan->budget_s = p->minutes * 60;

	/* 1. Safety rules, swapping to an easier variant before dropping an exercise. */
	for (size_t i = 0; i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		if (excluded_for(e, p, screen) || cand_of(&b, e))
			continue;
		b.cands[b.ncands++] = (struct cand){.ex = e, .score = score(e, p)};
	}
	progress(&b, prog);
	for (size_t i = 0; i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		if (!excluded_for(e, p, screen))
			continue;
		const struct pst_exercise *v = easier_allowed(c, e, p, screen);
		struct cand *k = v ? cand_of(&b, v) : NULL;
		if (k && k->moved) /* the variant itself has progressed on */
			k = k->moved;
		/* The variant carries the dropped exercise's claim to a place. */
		if (k && !k->replaces) {
			k->replaces = e;
			int s = score(e, p) - 3;
			if (s > k->score)
				k->score = s;
		}
	}

	/* 2. For upper-back pain (or no area given), a stretch that opens the chest and the
	 * fronts of the shoulders comes first, whatever the time: open the front, do not
	 * stretch into the painful back (seeds 000, 002). Chosen first, no forward-bending
	 * variant linked to it can take its place. Then the mix the seeds advise, from 8
	 * minutes: mobility, a front-opening stretch (when there is none yet), back or neck
	 * strengthening; from 10, breathing or relaxation to finish. */
	bool opener = false;
	if (upper_back_complaint(p)) {
		struct cand *k = best(&b, front_opener, false);
		if (k && !try_add(&b, k))
			k->dropped = true;
		opener = k && k->chosen;
	}
	if (p->minutes >= SLOT_MINUTES) {
		slot_fn slots[] = {slot_mobility, pst_exercise_opens_front, pst_exercise_strengthens_back};
		for (size_t s = 0; s < sizeof slots / sizeof *slots; s++) {
			if (opener && slots[s] == pst_exercise_opens_front)
				continue;
			struct cand *k = best(&b, slots[s], false);
			if (k && !try_add(&b, k))
				k->dropped = true;
		}
	}
	if (p->minutes >= BREATHING_MINUTES) {
		struct cand *k = best(&b, calming, false);
		if (k && !try_add(&b, k))
			k->dropped = true;
	}

	/* 3. Fill the rest of the time by score, spreading over kinds. A session of a few
	 * exercises done fully beats many done in a rush: at most about one every 100 s. */
	size_t max_items = (size_t)(p->minutes * 3 / 5);
	if (max_items < 2)
		max_items = 2;
	for (;;) {
		struct cand *k = best(&b, NULL, true);
		if (!k)
			break;
		if (plan->nitems >= max_items || chosen_link(&b, k->ex) || !try_add(&b, k))
			k->dropped = true;
	}

	/* 4. Spare time: raise sets toward the catalogue's ceiling, best first. */
	for (bool grew = true; grew;) {
		grew = false;
		for (size_t i = 0; i < plan->nitems; i++) {
			struct pst_plan_item *it = &plan->items[i];
			/* After a step down for pain the lowered dose is kept exactly; spare time
			 * adds no set to it. */
			if (it->fitted || lowered(&b, it) || it->dose.sets.lo >= it->ex->dose.sets.hi)
				continue;
			struct pst_dose d = it->dose;
			d.sets.lo = d.sets.hi = d.sets.lo + 1;
			int s = pst_dose_seconds(&d);
			if (plan->estimated_s - it->seconds + s > plan->budget_s)
				continue;
			plan->estimated_s += s - it->seconds;
			it->dose = d;
			it->seconds = s;
			it->fewer_sets = d.sets.lo < it->ex->dose.sets.lo;
			grew = true;
		}
	}

	qsort(plan->items, plan->nitems, sizeof(*plan->items), item_cmp);
	for (size_t i = 0; i < plan->nitems; i++) {
		struct pst_plan_item *it = &plan->items[i];
		it->why = why_text(&b, it);
		it->progression = copy_change(&b, cand_of(&b, it->ex), it);
	}

	/* 5. Every exercise left out, with its reason. */
	for (size_t i = 0; i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		const struct cand *k = cand_of(&b, e);
		if (k && k->chosen)
			continue;
		const struct pst_rule *r = pst_rules_excluding(e, p);
		if (r) {
			const struct pst_exercise *by = NULL;
			for (size_t j = 0; j < plan->nitems; j++)
				if (plan->items[j].replaces == e)
					by = plan->items[j].ex;
			add_excluded(&b, e, r->id, r->reason, r->sources.n ? &r->sources : NULL, by, r);
			if (pst_rules_floor_wait_only(e, p) && !note_excluding(screen, e))
				add_optional(&b, e);
			continue;
		}
		const struct pst_question *nq = note_excluding(screen, e);
		if (nq) {
			const struct pst_exercise *by = NULL;
			for (size_t j = 0; j < plan->nitems; j++)
				if (plan->items[j].replaces == e)
					by = plan->items[j].ex;
			add_excluded(&b, e, nq->id, nq->avoid_reason, &nq->sources, by, NULL);
			continue;
		}
		const struct pst_question *cq = clearance_excluding(screen, e);
		if (cq) {
			const struct pst_exercise *by = NULL;
			for (size_t j = 0; j < plan->nitems; j++)
				if (plan->items[j].replaces == e)
					by = plan->items[j].ex;
			add_excluded(&b, e, cq->id, CLEARANCE_GENTLE_REASON, &cq->sources, by, NULL);
			continue;
		}
		if (k && k->moved) {
			add_progressed_excluded(&b, prog, k);
			continue;
		}
		const struct pst_plan_item *twin = chosen_link(&b, e);
		if (twin) {
			const char *why = pst_arena_printf(plan->arena,
							   "A close variant, %s, is already in your plan.",
							   twin->ex->name);
			add_excluded(&b, e, "similar-in-plan", why ? why : "A close variant is in your plan.",
				     NULL, NULL, NULL);
		} else {
			const char *why = pst_arena_printf(
				plan->arena,
				"It did not fit in your %d minutes; the exercises chosen suit your "
				"areas and triggers better.",
				p->minutes);
			add_excluded(&b, e, "time-budget", why ? why : "It did not fit in your time.",
				     NULL, NULL, NULL);
		}
	}

	plan->stage_why = stage_text(&b);
	schedule(&b);
	relief(&b);
	pick_tips(&b, t);
	general_warnings(&b, screen);
	plan->warnings = pst_arena_alloc(plan->arena, (b.nwarnings ? b.nwarnings : 1) *
							      sizeof(*plan->warnings));
	if (!plan->warnings)
		goto fail;
	memcpy(plan->warnings, b.warnings, b.nwarnings * sizeof(*b.warnings));
	plan->nwarnings = b.nwarnings;
	free(b.cands);
	*out = plan;
	return PST_OK;
fail:
	free(b.cands);
	pst_plan_free(plan);
	return err;
}

void pst_plan_free(struct pst_plan *plan)
{
	if (!plan)
		return;
	pst_arena_free(plan->arena);
	free(plan);
}
