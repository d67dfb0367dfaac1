/*
 * The assigned programme: the planner's plan for a patient's profile as a clinician
 * edited it (exercises added, removed, reordered, doses changed, notes for the patient).
 * The safety rules still apply: an exercise the rules or the safety answers leave out
 * for the profile can be assigned only with a written reason, kept with who gave it and
 * when; nothing can be assigned past a referral (emergency, same-day, see-provider) or
 * unanswered safety questions, and then the programme is not shown at all (red flags
 * win). No I/O, no clock: the front ends give the time and who edits.
 *
 * One JSON shape (docs/clinic.md) is what a clinician PUTs, what GET answers and what
 * the store keeps; the kept form adds who and when.
 */
#ifndef PST_PROGRAMME_H
#define PST_PROGRAMME_H

#include <jansson.h>
#include <stdint.h>

#include "planner.h"

enum {
	PST_PROGRAMME_MAX = 16,            /* exercises in one programme */
	PST_PROGRAMME_NOTE_MAX = 1000,     /* bytes of a note (overall or per exercise) */
	PST_PROGRAMME_REASON_MAX = 1000,   /* bytes of a reason */
	PST_PROGRAMME_REASON_MIN = 10,     /* characters a written reason needs at least */
	PST_PROGRAMME_MAX_MINUTES = 60,    /* the longest session the app plans */
	PST_PROGRAMME_TEXT_MAX = 64 * 1024 /* the largest JSON document accepted */
};

/* The sane bounds of an assigned dose (each field the exercise has: 1 .. these). */
enum {
	PST_PROGRAMME_SETS_MAX = 6,
	PST_PROGRAMME_REPS_MAX = 30,
	PST_PROGRAMME_HOLD_MAX_S = 120,
	PST_PROGRAMME_BREATHS_MAX = 20
};

struct pst_programme_item {
	const struct pst_exercise *ex;
	struct pst_dose dose; /* the catalogue's, with each range the assigned value (lo == hi)
			       * and per_side as assigned */
	const char *note;     /* the clinician's words for the patient, or NULL */
	/* An exercise left out for the profile, assigned with a written reason: */
	const char *rule;     /* the rule or safety question it overrides, or NULL */
	const char *reason;   /* the clinician's reason, or NULL */
	int64_t reason_by;    /* the account that wrote it */
	int64_t reason_at;    /* when (UTC seconds) */
	int64_t dose_at;      /* when this dose was set: progression continues from then */
};

struct pst_programme {
	struct pst_arena *arena;
	struct pst_programme_item *items; /* in the order to do them */
	size_t nitems;
	const char *note; /* for the patient, overall, or NULL */
	int64_t by;       /* the account that saved it last */
	int64_t at;       /* when (UTC seconds) */
};

/* A refused edit: the field ("exercises[2].reps", "note", "screening") and why. */
struct pst_programme_error {
	char field[64];
	char msg[512];
};

/*
 * Parses a programme from JSON (the body of PUT /api/v1/patients/{id}/programme; with
 * stored, the form the store keeps, which also holds who and when). Every problem names
 * its field: unknown keys, unknown exercise ids (with the closest id), an exercise twice,
 * dose fields the exercise does not have or out of bounds, notes and reasons too long or
 * with control characters, more than PST_PROGRAMME_MAX exercises. A dose field left out
 * is the catalogue's starting value. The keys GET adds for reading (names, rules, time)
 * are accepted and ignored, so a GET document can be PUT back. A stored programme that
 * names an exercise the catalogue no longer has skips it (the catalogue changed).
 * Returns PST_OK with *out (free with pst_programme_free), PST_EINVAL with err filled,
 * or PST_ENOMEM.
 */
int pst_programme_parse(const struct pst_catalog *c, const char *text, size_t len, bool stored,
			struct pst_programme **out, struct pst_programme_error *err);
void pst_programme_free(struct pst_programme *pg); /* NULL is a no-op */

/*
 * Checks an edit pg for the patient's profile p and safety answers screen (NULL: not
 * answered yet) and stamps it: by (account) and now (UTC seconds) on the programme, on
 * each new or changed reason, and on each new or changed dose; what prev (the programme
 * saved before, or NULL) already had keeps its own who and when. Refused (PST_EINVAL,
 * err filled):
 *  - "screening": the answers send the patient to a professional, or are incomplete;
 *  - "exercises": none, or longer than PST_PROGRAMME_MAX_MINUTES in all;
 *  - "exercises[i].reason": the exercise is left out for this profile (the message names
 *    the rule and its reason) and no written reason of PST_PROGRAMME_REASON_MIN
 *    characters or more is given.
 * A reason given for an exercise that is allowed is dropped (nothing to override).
 */
int pst_programme_check(struct pst_programme *pg, const struct pst_profile *p,
			const struct pst_screen_result *screen, const struct pst_programme *prev,
			int64_t by, int64_t now, struct pst_programme_error *err);

/* The JSON of pg (stored: with who and when of each reason and dose). NULL when out of
 * memory. The caller json_decref's it. */
json_t *pst_programme_json(const struct pst_programme *pg, bool stored);

/* A programme from a plan: its exercises at their doses, in order (the starting point
 * of an edit). NULL when out of memory. */
struct pst_programme *pst_programme_from_plan(const struct pst_plan *plan);

/* Seconds the programme takes (each exercise with its transition). */
int pst_programme_seconds(const struct pst_programme *pg);

/* What progression replays for the programme: the person's records. */
struct pst_programme_records {
	const struct pst_checkin *checkins;
	size_t ncheckins;
	const struct pst_session_log *sessions;
	size_t nsessions;
	/* Instead of checkins (when not NULL): the check-ins summed by day, and then the
	 * sessions carry day_checkin_before (pst_progression_build_days). */
	const struct pst_checkin_day *days;
	size_t ndays;
};

/* Where each exercise of pg stands after the sessions of rec (as pst_programme_apply
 * gives it): what to do (an easier variant after a step down), its dose, and the latest
 * change (NULL: none; copied into a). out has room for pg->nitems. PST_OK or PST_ENOMEM. */
struct pst_programme_dose {
	const struct pst_exercise *ex;
	struct pst_dose dose;
	const struct pst_prog_change *change;
};
int pst_programme_doses(const struct pst_programme *pg, const struct pst_catalog *c,
			const struct pst_profile *p, const struct pst_screen_result *screen,
			const struct pst_programme_records *rec, struct pst_arena *a,
			struct pst_programme_dose *out);

/*
 * Makes plan (the planner's plan for p and screen, pst_plan_build) the assigned
 * programme's: its exercises in its order, with the clinician's notes (plan->assigned,
 * plan->programme_note, each item's note). The safety rules apply again today: an
 * exercise the rules or answers leave out now is dropped (with a warning naming it and
 * the rule) unless the clinician's reason overrides that same rule. Progression
 * continues from each assigned dose: only sessions since the dose was set count, the
 * dose climbs the catalogue's ladder from the assigned value (up to the higher of the
 * assigned value and the catalogue's top), and a step down below the assigned dose
 * changes to an easier variant the rules allow (not already in the programme), as the
 * planner does; at the top it stays (a harder exercise is the clinician's choice).
 * rec may be NULL (no history). The relief break is chosen again from the programme,
 * the left-out list says what the programme leaves out. Returns PST_OK or PST_ENOMEM
 * (plan then unchanged or partly changed: free it).
 */
int pst_programme_apply(const struct pst_programme *pg, const struct pst_catalog *c,
			const struct pst_profile *p, const struct pst_screen_result *screen,
			const struct pst_programme_records *rec, struct pst_plan *plan);

/*
 * The same, with the records read through source instead of held in arrays, so that the
 * memory needed does not grow with the records (a huge store's export, docs/export.md):
 * source->feed(source->ctx, from, b) adds to the replay b every check-in (or the check-ins
 * summed by day) and then every session at or after the epoch from, in time order
 * (pst_progression_add_checkins or _add_days, then pst_programme_feed a part at a
 * time), and returns PST_OK or an error that pst_programme_apply_from returns as it is. It is called once for each distinct time a
 * dose was set. source NULL: no history.
 */
struct pst_prog_builder;
struct pst_programme_source {
	int (*feed)(void *ctx, int64_t from, struct pst_prog_builder *b);
	void *ctx;
};
int pst_programme_apply_from(const struct pst_programme *pg, const struct pst_catalog *c,
			     const struct pst_profile *p, const struct pst_screen_result *screen,
			     const struct pst_programme_source *source, struct pst_plan *plan);
/* What a feed does with each part of the sessions it reads (after the check-ins, or the
 * check-ins summed by day, pst_progression_add_days): adds those at or after from (in
 * the order given) to b. PST_OK or the replay's error. */
int pst_programme_feed(struct pst_prog_builder *b, int64_t from,
		       const struct pst_session_log *sessions, size_t nsessions);

#endif
