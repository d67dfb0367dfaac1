/* The planner: from a profile and the catalogue to a dosed routine that fits the time. */
#ifndef PST_PLANNER_H
#define PST_PLANNER_H

#include "catalog.h"
#include "profile.h"
#include "progression.h"
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
	/* Progression (only with a progression given to pst_plan_build): */
	bool progressed;  /* the person has a history with it: the dose is its level's */
	int level;        /* the level used (0: the starting dose) */
	bool fitted;      /* the progressed level did not fit the time: a lower one is used */
	const struct pst_exercise *progressed_from; /* took this exercise's place by progression */
	const struct pst_prog_change *progression;  /* the last change (owned by the plan), or NULL */
	const struct pst_rule *cautions[PST_PLAN_MAX_CAUTIONS];
	size_t ncautions;
	/* An assigned programme's (core/programme.h; NULL in the planner's own plan): */
	const char *note;          /* the clinician's note for the patient */
	const char *override_rule; /* assigned although this rule or answer leaves it out */
	const char *override_reason; /* the clinician's written reason for that */
};

struct pst_plan_excluded {
	const struct pst_exercise *ex;
	const char *rule;   /* a safety rule id, the id of a safety question answered yes
			     * whose avoid list leaves it out (by_rule NULL), or "time-budget" /
			     * "similar-in-plan" / "progressed-to-variant" / "regressed-to-variant" */
	const char *reason; /* plain words */
	const struct pst_cites *sources; /* the rule's sources; NULL for planning reasons */
	const struct pst_exercise *replaced_by; /* the easier variant used instead, or NULL */
	const struct pst_rule *by_rule; /* the rule that left it out; NULL for planning reasons */
	bool optional; /* left out only as floor work in the first two weeks after birth: it
			* is offered in plan->optional, not part of the routine */
};

struct pst_plan {
	struct pst_arena *arena;
	struct pst_profile profile;
	bool screened;
	enum pst_outcome outcome; /* CLEAR, CLEARANCE or NOTE when screened */
	bool has_screened_at;     /* the front end knows when the answers were given: */
	struct pst_time screened_at;
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
	/* In the first two weeks after birth: floor exercises offered as optional extras,
	 * for when getting down and up again is comfortable; never part of the routine (not
	 * in items, not in the estimate or the schedule). Each at its starting dose. */
	struct pst_plan_item *optional;
	size_t noptional;
	const char **warnings;
	size_t nwarnings;
	const struct pst_tip **tips;
	size_t ntips;
	/* How the person's stage shaped the choice, in plain words ("5 weeks after a
	 * caesarean, feeding your baby: ..."); shown first under "Why these exercises". */
	const char *stage_why;
	/* An assigned programme replaced the planner's choice (core/programme.h): the
	 * clinician's exercises, doses and notes. */
	bool assigned;
	const char *programme_note; /* the clinician's note for the patient, or NULL */
	int64_t programme_at;       /* when it was last changed (UTC seconds) */
};

/*
 * Builds the plan for p from catalogue c (tips t may be NULL). screen is the screening
 * result, or NULL when the person has not been screened (the plan then says so). A
 * referral or incomplete screening returns PST_EREFERRAL and no plan: red flags win.
 * p must be valid (pst_profile_check).
 *
 * prog (may be NULL: a first plan) is the person's progression, built from the same
 * catalogue. With it, what the person has been doing gets a bonus to keep its place; an
 * exercise with a history gets the dose of its level (the largest lower level that fits
 * the time when it does not), and spare time adds sets to it as to any other unless its
 * latest change was a step down for pain (that dose is kept exactly); one whose
 * progression moved on to a variant hands its place to that variant when p's safety
 * rules allow it, and the original is left out with the rule "progressed-to-variant" or
 * "regressed-to-variant" and the change's reason.
 *
 * The same input gives the same plan, byte for byte. On success *out owns everything
 * (nothing in it points into prog); free it with pst_plan_free.
 */
int pst_plan_build(const struct pst_catalog *c, const struct pst_tips *t,
		   const struct pst_profile *p, const struct pst_screen_result *screen,
		   const struct pst_progression *prog, struct pst_plan **out);
void pst_plan_free(struct pst_plan *plan);

/* Sessions a week for sessions of this many minutes: 4 up to 10 minutes, else 3 (seed
 * 001: 3-4 times a week; short sessions come more often). */
int pst_plan_sessions_per_week(int minutes);
/* True when weekday (0 = Monday) is a session day for sessions of this many minutes:
 * Mon, Wed, Fri, and Sun too when there are 4. */
bool pst_plan_is_session_day(int minutes, int weekday);

/* Why safety leaves e out for p and screen (NULL: not answered), as the plan says it:
 * the first excluding rule (*rule set), else a safety answer's avoid list, else a
 * clearance answer's gentle-only (*rule NULL). *id (the rule's or question's id) and
 * *reason (plain words) name it, *sources what it rests on (NULL for a choice). False
 * when e is allowed. */
bool pst_plan_exclusion(const struct pst_exercise *e, const struct pst_profile *p,
			const struct pst_screen_result *screen, const char **id, const char **reason,
			const struct pst_rule **rule, const struct pst_cites **sources);

/* Chooses the daily relief break again from plan->items (one or two upright stretches,
 * one round each), as pst_plan_build does. */
void pst_plan_relief(struct pst_plan *plan);

/* The prescribed starting dose of e: the low end of each range. */
struct pst_dose pst_dose_start(const struct pst_dose *d);
/* Seconds a prescribed dose takes: repetitions by tempo, holds by repetitions and sides,
 * sets with rest, plus the transition into the exercise. */
int pst_dose_seconds(const struct pst_dose *d);

extern const char *const pst_day_names[PST_DAYS]; /* "mon" .. "sun" */

#endif
