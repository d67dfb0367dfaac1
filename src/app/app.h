/*
 * What the command line and the web app both do with a person's store, so that the two
 * front ends cannot drift apart: the clock (POSTURA_NOW for tests), the saved profile
 * as of today, the saved safety answers evaluated again, and the plan built from the
 * profile and the progress recorded. No printing: errors come back as enum pst_err with
 * the store's message (pst_store errmsg) or a short reason.
 */
#ifndef PST_APP_H
#define PST_APP_H

#include "core/history.h"
#include "core/planner.h"
#include "core/programme.h"
#include "core/progression.h"
#include "core/screen.h"
#include "core/tips.h"
#include "core/tracking.h"
#include "store/store.h"

/*
 * Now, with the local UTC offset. The environment variable POSTURA_NOW (ISO-8601) fixes
 * the clock, for tests and for entering past data reproducibly. Returns PST_OK, or
 * PST_EINVAL when POSTURA_NOW is set but is not a date and time (*now is then the real
 * clock, so a caller may go on after saying so).
 */
int pst_app_now(struct pst_time *now);

/*
 * The saved profile, and the profile as of today (weeks moved on from the anchor).
 * *found is false when none was saved (sp and today are then untouched). Returns
 * PST_OK or the store's error.
 */
int pst_app_profile(struct pst_store *s, int64_t today, struct pst_saved_profile *sp,
		    struct pst_profile *p, bool *found);

/* What is known of the saved safety answers. */
struct pst_app_screened {
	bool found;                /* answers were saved */
	bool usable;               /* and they hold: the result was filled in */
	bool changed;              /* the questions changed since: they no longer parse */
	enum pst_staleness stale;  /* PST_FRESH, or why they are asked again */
	struct pst_time at;        /* when they were given (with found) */
	unsigned stages;           /* the stages they were asked for (with found) */
};

/*
 * The saved safety answers evaluated with q for the stage and weeks of profile p (p NULL:
 * the stages they were asked for), as of the local day today. sp is the saved profile
 * (NULL: none), whose anchor tells how far the person has moved on since the answers
 * (pst_screen_staleness). Answers that are too old, from before 20 weeks of pregnancy or
 * 6 weeks after birth when the person is past it now, or to questions that changed, are
 * found but not usable: the person is asked again. With st->usable the caller frees res
 * with pst_screen_result_free. Returns PST_OK or the store's error.
 */
int pst_app_screening(struct pst_store *s, const struct pst_questions *q,
		      const struct pst_saved_profile *sp, const struct pst_profile *p,
		      int64_t today, struct pst_screen_result *res, struct pst_app_screened *st);

/*
 * Saves answers a to q (only those answered) as the person's safety answers, given at
 * now for stages. Returns PST_OK, PST_ENOMEM or the store's error.
 */
int pst_app_screening_save(struct pst_store *s, const struct pst_questions *q,
			   const struct pst_answers *a, unsigned stages, struct pst_time now);

/*
 * The person's progression for profile p: every check-in and session replayed
 * (pst_progression_build). *out is the caller's to free with pst_progression_free.
 */
int pst_app_progression(struct pst_store *s, const struct pst_catalog *c,
			const struct pst_profile *p, struct pst_progression **out);

/*
 * The plan for profile p, following the progress recorded in s (the plan `postura
 * plan` prints without profile flags, and the web app shows): the programme a clinician
 * assigned when there is one (core/programme.h), else the planner's. screen may be NULL (not
 * screened). Returns what pst_plan_build returns (PST_EREFERRAL: no plan), or the
 * store's error; on success *out is the caller's to free with pst_plan_free.
 */
int pst_app_plan(struct pst_store *s, const struct pst_catalog *c, const struct pst_tips *t,
		 const struct pst_profile *p, const struct pst_screen_result *screen,
		 struct pst_plan **out);

/*
 * Makes plan (built for p and screen) the programme a clinician assigned, when the
 * person has one (pst_programme_apply, with the person's records). `postura plan`
 * calls it for the saved profile; pst_app_plan does it itself. Returns PST_OK (also
 * when none), the store's error or PST_ENOMEM.
 */
int pst_app_programme_onto(struct pst_store *s, const struct pst_catalog *c,
			   const struct pst_profile *p, const struct pst_screen_result *screen,
			   struct pst_plan *plan);

/* --- the programme a clinician assigns (core/programme.h, docs/clinic.md) --------- */

enum pst_app_prog_status {
	PST_APP_PROG_OK,             /* a programme can be assigned */
	PST_APP_PROG_NO_PROFILE,     /* the patient has not saved their stage yet */
	PST_APP_PROG_ANSWERS_AGAIN,  /* their safety answers must be given again */
	PST_APP_PROG_REFERRAL        /* their answers send them to a professional (or are
				      * incomplete): no programme is shown or assigned */
};
extern const char *const pst_app_prog_status_words[]; /* "ok" "no-profile" ... */

/* What the clinician's editing page and GET /api/v1/patients/{id}/programme show. */
struct pst_app_programme {
	enum pst_app_prog_status status;
	const char *why;          /* plain words when not OK (static or in pg's arena) */
	bool assigned;            /* a programme is saved */
	int64_t by;               /* who saved it last (with assigned) */
	struct pst_time at;       /* when */
	struct pst_programme *pg; /* with OK: the saved programme, or the planner's plan for
				   * the profile as the one to start from; else NULL */
	struct pst_profile p;     /* the profile as of today (unless NO_PROFILE) */
	bool screened;            /* res holds the answers' result */
	struct pst_screen_result res;
};

/* Reads it for the person of s as of today. Returns PST_OK or the store's error (or
 * PST_ENOMEM); free with pst_app_programme_free either way. */
int pst_app_programme_read(struct pst_store *s, const struct pst_catalog *c, const struct pst_tips *t,
			   const struct pst_questions *q, int64_t today, struct pst_app_programme *out);
void pst_app_programme_free(struct pst_app_programme *ap);
/* The JSON of GET (docs/clinic.md): the programme, each exercise with whether the rules
 * leave it out for this patient, and the catalogue with the same. NULL: out of memory. */
json_t *pst_app_programme_json(const struct pst_app_programme *ap, const struct pst_catalog *c);

/*
 * Saves an edit (body: the JSON of PUT) by account by at now: checked against the
 * patient's saved profile and safety answers (pst_programme_check, with the programme
 * saved before keeping its own who and when). Refused: PST_EINVAL with e naming the
 * field ("profile" without a saved profile, "screening" with answers to give again or
 * that send the patient elsewhere). Otherwise PST_OK, or the store's error.
 */
int pst_app_programme_save(struct pst_store *s, const struct pst_catalog *c,
			   const struct pst_questions *q, int64_t today, struct pst_time now,
			   int64_t by, const char *body, size_t len, struct pst_programme_error *e);

/*
 * The plan of today for the saved profile and the saved safety answers, as the Today
 * page and GET /api/v1/plan give it: *out is NULL (and PST_OK returned) when there is
 * none: no profile saved, answers that are asked again, or answers that send the
 * person to a professional. Free *out with pst_plan_free.
 */
int pst_app_saved_plan(struct pst_store *s, const struct pst_catalog *c, const struct pst_tips *t,
		       const struct pst_questions *q, int64_t today, struct pst_plan **out);

/*
 * The plan the person's reminders follow (the calendar, /calendar.ics): the saved
 * profile as of today, the saved safety answers if any, the progress recorded. *found
 * is false without a saved profile (sp untouched, no plan). Answers that no longer hold
 * (too old, questions changed) or that send the person to a professional return
 * PST_EREFERRAL and no plan: red flags win, so a calendar then drops its reminders.
 * Without saved answers the plan is made unscreened (plan->screened false), as `postura
 * plan` and GET /api/v1/plan make it. On PST_OK *out is the caller's (pst_plan_free).
 */
int pst_app_reminder_plan(struct pst_store *s, const struct pst_catalog *c, const struct pst_tips *t,
		       const struct pst_questions *q, int64_t today, struct pst_saved_profile *sp,
		       struct pst_profile *p, bool *found, struct pst_plan **out);

/*
 * What saving a session did, as every front end tells it at the end of a session (the
 * terminal, the web page after the player, the API's reply): a one-line summary, and
 * what the feedback changes next time, exercise by exercise.
 */
struct pst_app_change {
	const struct pst_exercise *ex;
	const char *reason; /* the progression's words: "... two more breaths (7 instead of 5)." */
};

struct pst_app_session_outcome {
	struct pst_arena *arena;
	int64_t id;          /* the session saved */
	struct pst_time at;
	int pain_before, pain_after;
	const char *summary; /* "3 exercises done. Pain 5/10 before, 3/10 after." */
	const char *advice;  /* pst_pain_advice of the pain after, or NULL */
	struct pst_app_change *changes; /* exercises whose dose changes next time */
	size_t nchanges;
	const struct pst_exercise **same; /* exercises done, no change yet */
	size_t nsame;
	const char *same_why;   /* why they did not change yet, when nsame */
	bool has_profile; /* false: no saved profile, so no progression to tell */
	bool replayed;    /* the log's idempotency key was already used: nothing written,
			   * this is the session the first write saved */
};

/*
 * The outcome of the saved session id: the progression of the saved profile (as of
 * today) replayed without it and with it. For the latest session, the changes are what
 * it changes next time. Returns PST_OK with *out filled, PST_ENOTFOUND (no such session),
 * the store's error or PST_ENOMEM; free *out with pst_app_session_outcome_free either way.
 */
int pst_app_session_outcome(struct pst_store *s, const struct pst_catalog *c, int64_t today,
			    int64_t id, struct pst_app_session_outcome *out);
/*
 * Saves log (parsed: pst_session_parse_json) in s, and works out its outcome. Returns
 * PST_OK with *out filled, or the store's error with out->id 0 (nothing saved), or
 * another error with out->id set (saved, but the outcome could not be told). A log whose
 * idempotency key (log->idem_key) was already used writes nothing: the outcome is the
 * first write's session, with out->replayed set. Free *out with
 * pst_app_session_outcome_free either way.
 */
int pst_app_session_save(struct pst_store *s, const struct pst_catalog *c, int64_t today,
			 const struct pst_session_log *log, struct pst_app_session_outcome *out);
void pst_app_session_outcome_free(struct pst_app_session_outcome *o);

/*
 * The person's sessions this week, for the Today page and the week's table: which of
 * the days Monday..Sunday of today's week have a session, how many sessions so far,
 * how many the plan asks for in a week, and a gentle sentence about it that never
 * blames ("2 sessions this week, as planned so far." / "No session yet this week: a
 * short one whenever it suits you counts.").
 */
struct pst_app_week {
	int64_t monday;
	int sessions[7];    /* sessions done each day, Monday first */
	int done;           /* sessions this week */
	int planned;        /* the plan's sessions a week */
	int planned_so_far; /* session days of the plan up to today */
	bool today_done;
	const char *streak;        /* the count, said kindly */
	const char *encouragement; /* a word of encouragement, never guilt */
	struct pst_arena *arena;
};

/* Fills *out for the week of today with the plan's session days (PST_DAYS flags).
 * Returns PST_OK or the store's error; free with pst_app_week_free either way. */
int pst_app_week_read(struct pst_store *s, int64_t today, const bool *session_days,
		      int sessions_per_week, struct pst_app_week *out);
void pst_app_week_free(struct pst_app_week *w);

/*
 * What a person's progress report and charts are drawn from: the records (the check-ins
 * summed by day, so what a report holds follows the days, not the check-ins), the history
 * since a day (PST_HISTORY_ALL: from the first record) up to today, the sessions in its
 * range, and (with full, when a profile is saved) the progression of every session
 * since the first, which tells where each exercise's dose stands.
 */
struct pst_app_report {
	int64_t since; /* as asked: a day, or PST_HISTORY_ALL */
	struct pst_record_set rs; /* without the check-ins (ncheckins 0): they are in days */
	struct pst_checkin_days days; /* the check-ins summed by day (from since; full: all) */
	struct pst_history *h;
	const struct pst_session_log *sessions; /* those in h's range, in rs */
	size_t nsessions;
	struct pst_profile today;       /* the saved profile as of today, when rs.has_profile */
	struct pst_progression *prog;   /* with full and a profile; else NULL */
};

/*
 * Reads the report for since..today. full: every session with its exercises, and the
 * progression (the PDF report); without it, only the sessions' days (the charts).
 * Returns PST_OK, the store's error, or the history's or progression's (PST_ENOMEM);
 * the caller frees *out with pst_app_report_free either way.
 */
int pst_app_report_read(struct pst_store *s, const struct pst_catalog *c, int64_t since,
			int64_t today, bool full, struct pst_app_report *out);
void pst_app_report_free(struct pst_app_report *r);

#endif
