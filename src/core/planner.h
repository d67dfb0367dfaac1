/* The planner: from a profile and the catalogue to a dosed routine that fits the time. */
#ifndef PST_PLANNER_H
#define PST_PLANNER_H

#include "catalog.h"
#include "profile.h"
#include "rules.h"
#include "screen.h"
#include "tips.h"

enum { PST_PLAN_MAX_CAUTIONS = 4, PST_PLAN_MAX_RELIEF = 2, PST_DAYS = 7 };

struct pst_plan_item {
	const struct pst_exercise *ex;
	struct pst_dose dose; /* the prescribed dose: every range has lo == hi */
	int seconds;          /* estimated time, with the transition into it */
	const char *why;      /* plain words: why it is in this plan */
	const struct pst_exercise *replaces; /* set when swapped in as an easier variant */
	bool fewer_sets;                     /* sets cut below the catalogue's to fit the time */
	const struct pst_rule *cautions[PST_PLAN_MAX_CAUTIONS];
	size_t ncautions;
};

struct pst_plan_excluded {
	const struct pst_exercise *ex;
	const char *rule;   /* a safety rule id, or "time-budget" / "similar-in-plan" */
	const char *reason; /* plain words */
	const char *source; /* the rule's source; NULL for planning reasons */
	const struct pst_exercise *replaced_by; /* the easier variant used instead, or NULL */
};

struct pst_plan {
	struct pst_arena *arena;
	struct pst_profile profile;
	bool screened;
	enum pst_outcome outcome; /* CLEAR or CLEARANCE when screened */
	int budget_s, estimated_s;
	struct pst_plan_item *items; /* in the order to do them */
	size_t nitems;
	struct pst_plan_excluded *excluded; /* every catalogue exercise not in items, by id */
	size_t nexcluded;
	int sessions_per_week;
	bool session_days[PST_DAYS]; /* Monday first */
	struct pst_plan_item relief[PST_PLAN_MAX_RELIEF]; /* the daily relief break */
	size_t nrelief;
	int relief_s;
	const char **warnings;
	size_t nwarnings;
	const struct pst_tip **tips;
	size_t ntips;
};

/*
 * Builds the plan for p from catalogue c (tips t may be NULL). screen is the screening
 * result, or NULL when the person has not been screened (the plan then says so). A
 * referral or incomplete screening returns PST_EREFERRAL and no plan: red flags win.
 * p must be valid (pst_profile_check). The same input gives the same plan, byte for
 * byte. On success *out owns everything; free it with pst_plan_free.
 */
int pst_plan_build(const struct pst_catalog *c, const struct pst_tips *t,
		   const struct pst_profile *p, const struct pst_screen_result *screen,
		   struct pst_plan **out);
void pst_plan_free(struct pst_plan *plan);

/* The prescribed starting dose of e: the low end of each range. */
struct pst_dose pst_dose_start(const struct pst_dose *d);
/* Seconds a prescribed dose takes: repetitions by tempo, holds by repetitions and sides,
 * sets with rest, plus the transition into the exercise. */
int pst_dose_seconds(const struct pst_dose *d);

extern const char *const pst_day_names[PST_DAYS]; /* "mon" .. "sun" */

#endif
