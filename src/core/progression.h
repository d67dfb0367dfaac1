/* Progression: each exercise's dose level, replayed from the person's session logs and
 * pain check-ins by the pain-monitoring rules of CLINICAL.md §7. No I/O, no clock. */
#ifndef PST_PROGRESSION_H
#define PST_PROGRESSION_H

#include "catalog.h"
#include "profile.h"
#include "tracking.h"

/*
 * The ladder. Level 0 is the catalogue's starting dose (the low end of every range, as
 * pst_dose_start). One step up raises, in this order and one field at a time:
 *   1. repetitions toward reps.hi, 2 at a time (1 when reps.hi - reps.lo < 4);
 *   2. sets toward sets.hi, 1 at a time;
 *   3. the hold toward hold_s.hi, 5 s at a time, but never past useful_hold_s (the
 *      longest hold the exercise's own text calls useful);
 *   4. breaths toward breaths.hi, 2 at a time.
 * The last step of each field stops at its hi. The top level (the ceiling) has every
 * range at its hi. A step down walks the same ladder back.
 */
enum { PST_PROG_STEP_REPS = 2, PST_PROG_STEP_HOLD_S = 5, PST_PROG_STEP_BREATHS = 2 };
/* Pain during an exercise above this (0-10) counts against it (CLINICAL §7). */
enum { PST_PROG_PAIN_MAX = 3, PST_PROG_CALM_SESSIONS = 2 };
/* Morning pain must not rise week to week (CLINICAL §7): a check-in before this local
 * hour is a morning one; a week's morning average at least PST_PROG_MORNING_RISE above
 * the week before's, each from at least PST_PROG_MORNING_MIN check-ins, steps down every
 * exercise done that week. */
#define PST_PROG_MORNING_RISE 1.0
enum { PST_PROG_MORNING_END_H = PST_MORNING_END_H, PST_PROG_MORNING_MIN = 2 };

/* How many levels d has (at least 1); the top level is the result minus 1. */
int pst_dose_levels(const struct pst_dose *d);
/* The prescribed dose (every range lo == hi) at level, clamped to 0 .. levels - 1. */
struct pst_dose pst_dose_at_level(const struct pst_dose *d, int level);

enum pst_prog_dir {
	PST_PROG_UP,   /* one step up, or on to a harder variant */
	PST_PROG_DOWN, /* one step down, or back to an easier variant */
	PST_PROG_STAY, /* should have gone down but could not: starting dose, no easier variant */
	PST_PROG__MAX
};
extern const struct pst_vocab pst_vocab_prog_dir; /* "up" "down" "stay" */

/* One change of level or exercise, and why. */
struct pst_prog_change {
	enum pst_prog_dir dir;
	const struct pst_exercise *from_ex, *to_ex; /* the same unless it moved to a variant */
	int from_level, to_level;
	struct pst_dose from_dose, to_dose; /* prescribed doses at those levels */
	int64_t day;        /* local day of the session that led to it */
	const char *reason; /* plain words, e.g. "Easy or about right twice in a row ...: one
			     * more set." Owned by the progression (or the plan that copied it). */
	size_t seq;         /* order of the change over the whole replay, from 1 */
};

/* What the replay knows about one exercise the person has done (or was moved to). */
struct pst_prog_entry {
	const struct pst_exercise *ex;
	int level;                           /* ex's own level */
	const struct pst_exercise *moved_to; /* the variant that took its place, or NULL */
	const struct pst_exercise *came_from; /* the easier exercise it was progressed from */
	int calm;     /* calm sessions in a row that count toward the next step */
	int sessions; /* sessions that included it */
	bool changed; /* last holds a change */
	struct pst_prog_change last; /* its last change: a step, or a move away from it or to it */

	/* Where it stands now, following moves to variants (for the profile given to
	 * pst_progression_build): the exercise to do, its level and dose, and the latest
	 * change along the way (NULL when nothing has changed yet). */
	const struct pst_exercise *current;
	int current_level;
	struct pst_dose current_dose;
	const struct pst_prog_change *current_change;
};

struct pst_progression {
	struct pst_arena *arena;
	struct pst_prog_entry *v; /* sorted by exercise id */
	size_t n;
};

/*
 * Replays sessions (any order: they are sorted by time, ties kept in the given order)
 * against catalogue c. Per exercise, counting only sessions that included it:
 *  - hurt, or pain during above PST_PROG_PAIN_MAX, or a check-in on the day after the
 *    session higher than the last check-in at or before the session: one step down;
 *  - else hard: no change, and the count of calm sessions starts again;
 *  - else (easy or right; pain during at most 3 or not given): one calm session; the
 *    second in a row raises one step, and the count starts again;
 *  - after a week whose morning pain rose (PST_PROG_MORNING_RISE), every exercise done in
 *    that week: one step down, and its count of calm sessions starts again.
 * Past the top: the first harder variant that the rules allow for p, at its starting
 * dose (or at its own level when the person already does it). Below the starting
 * dose: back to the exercise it was progressed from when p allows it, else the first
 * allowed easier variant, at its starting dose (or its own level when already done);
 * with none, it stays at the starting dose and the change says so. Exercise ids not in
 * c are skipped. checkins may be in any order.
 * Returns PST_OK with *out owning everything (free with pst_progression_free), or
 * PST_ENOMEM with *out NULL.
 */
int pst_progression_build(const struct pst_catalog *c, const struct pst_profile *p,
			  const struct pst_checkin *checkins, size_t ncheckins,
			  const struct pst_session_log *sessions, size_t nsessions,
			  struct pst_progression **out);
/* The same from the check-ins summed by day (pst_progression_add_days): the sessions
 * carry day_checkin_before (the store's PST_READ_SESSION_BASELINE). */
int pst_progression_build_days(const struct pst_catalog *c, const struct pst_profile *p,
			       const struct pst_checkin_day *days, size_t ndays,
			       const struct pst_session_log *sessions, size_t nsessions,
			       struct pst_progression **out);
void pst_progression_free(struct pst_progression *pr); /* NULL is a no-op */

/*
 * The same replay a part at a time, so that memory stays bounded whatever the store
 * holds (a check-in, or a day of them with pst_progression_add_days, costs the replay 32
 * bytes; a session nothing once its day is done):
 * begin; add every check-in (any order, in as many calls as wanted); then the sessions
 * in time order (as the store reads them: by time, then id), in as many calls as wanted;
 * finish. The same records give the same progression as pst_progression_build.
 * pst_progression_finish frees the builder whatever it returns (PST_OK with *out, or
 * PST_ENOMEM); pst_progression_abort frees an unfinished one (NULL is a no-op). Check-ins
 * added after a session: PST_EINVAL. c and p must outlive the builder.
 */
struct pst_prog_builder;
int pst_progression_begin(const struct pst_catalog *c, const struct pst_profile *p,
			  struct pst_prog_builder **out);
int pst_progression_add_checkins(struct pst_prog_builder *b, const struct pst_checkin *checkins,
				 size_t n);
/* Instead of the check-ins: the same check-ins summed by day (the store's checkin_days;
 * any order), each day kept as one entry, so the replay's memory follows the days, not the
 * check-ins. The sessions then must carry day_checkin_before (PST_READ_SESSION_BASELINE):
 * the same records give the same progression as from the check-ins themselves. Days and
 * check-ins are not mixed in one builder (PST_EINVAL). */
int pst_progression_add_days(struct pst_prog_builder *b, const struct pst_checkin_day *days,
			     size_t n);
int pst_progression_add_sessions(struct pst_prog_builder *b, const struct pst_session_log *sessions,
				 size_t n);
int pst_progression_finish(struct pst_prog_builder *b, struct pst_progression **out);
void pst_progression_abort(struct pst_prog_builder *b);

/* The entry of the exercise with this id, or NULL when the person has no history with it. */
const struct pst_prog_entry *pst_progression_find(const struct pst_progression *pr,
						  const char *id);

/* Where exercise e stands for profile p (which may differ from the one the progression
 * was built with): the furthest exercise along its moves that p's rules allow (e itself
 * when none), at that exercise's level. */
struct pst_prog_state {
	const struct pst_exercise *ex; /* what to do */
	int level;
	struct pst_dose dose;
	const struct pst_prog_change *change; /* latest change in effect, or NULL */
	bool known;                           /* false: no history, level 0 */
};

/* Fills *out; pr may be NULL (then out->known is false and ex is e at level 0). */
void pst_progression_resolve(const struct pst_progression *pr, const struct pst_exercise *e,
			     const struct pst_profile *p, struct pst_prog_state *out);

#endif
