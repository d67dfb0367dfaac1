/* Views of a plan: JSON for programs and the web API, text for the terminal. */
#ifndef PST_RENDER_PLAN_H
#define PST_RENDER_PLAN_H

#include <jansson.h>

#include "core/base.h"
#include "core/planner.h"
#include "core/screen.h"

/* The plan as JSON (a new reference): screened, outcome, stage, minutes_budget,
 * estimated_seconds, sessions_per_week, schedule, relief_break, exercises, excluded,
 * warnings, tips. */
json_t *pst_json_plan(const struct pst_plan *plan);
/* The answer when screening refers the person: no exercises, a referral object. */
json_t *pst_json_plan_referral(const struct pst_profile *p, json_t *referral);
/* The stage of a profile: {"stage", "weeks", "birth"?, "feeding"?, "words"}. */
json_t *pst_json_stage(const struct pst_profile *p);

/* Appends the plan as readable text; q (may be NULL) supplies the stop signs. */
void pst_text_plan(struct pst_buf *b, const struct pst_plan *plan, const struct pst_questions *q);
/* Appends "9 min 40 s" for a number of seconds. */
void pst_text_duration(struct pst_buf *b, int seconds);
/* Appends how long the routine takes against the minutes set aside, honestly: "about 6 min
 * 9 s of the 10 minutes you set aside; the doses start small and grow as you progress,
 * and the time left is for the relief break or a walk" (the second part only when a
 * minute or more is left). */
void pst_text_plan_time(struct pst_buf *b, const struct pst_plan *plan);

#endif
