/*
 * Attention: why a clinician should look at a patient now, from a short summary of the
 * patient's records. The clinician's dashboard lists patients by it, most urgent first,
 * with the reasons in plain words. No I/O, no clock: today is given.
 *
 * The reasons, in their order (docs/clinic.md):
 *   1. a red flag: a "yes" in the last safety answers to a question whose outcome is not
 *      "clear" (emergency, same-day, see a provider, clearance, note: the most urgent
 *      first). The last answers stand until they are given again, however old;
 *   2. pain up by a meaningful change: the last pain reading is 2 points or about 30%
 *      above the average of the readings of the 14 days before its day (NPRS: Childs
 *      2005, CLINICAL.md section 8, the same thresholds as the history's);
 *   3. "it hurt" feedback on an exercise in the last 7 days (today included);
 *   4. sessions missed this week: fewer sessions since Monday than the plan's session
 *      days before today (since the plan started, when it started this week).
 * A pain reading is a check-in, or the pain given before a session.
 */
#ifndef PST_ATTENTION_H
#define PST_ATTENTION_H

#include <stdint.h>

#include "catalog.h"
#include "screen.h"
#include "tracking.h"

enum {
	PST_ATTENTION_PAIN_BASE_DAYS = 14, /* the readings the last one is compared with */
	PST_ATTENTION_HURT_DAYS = 7,       /* "it hurt" this recent asks for a look */
};

/*
 * What the dashboard knows of one patient: enough to tell adherence this week, the last
 * pain and its trend, the open safety flags and the reasons for attention, without
 * reading every record. The store's dashboard op fills one per patient for many patients
 * in a few queries; pst_patient_summary_from_records fills it from one patient's records
 * (the two must agree: the store's tests compare them). Strings belong to the caller.
 */
struct pst_patient_summary {
	int64_t person;
	/* The saved profile (today's minutes a session, the day the plan started). */
	bool has_profile;
	enum pst_stage stage;
	int64_t anchor_day; /* local day of week 0 of the stage */
	int minutes;
	int64_t plan_start_day; /* the first day the profile was saved (its first minutes) */
	/* The last safety answers: JSON text, the stages asked, when. */
	bool has_screening;
	const char *screening_answers;
	unsigned screening_stages;
	struct pst_time screened_at;
	/* The last pain reading, and those of the PST_ATTENTION_PAIN_BASE_DAYS local days
	 * before its day (its own day left out). */
	bool has_pain;
	int last_pain;
	struct pst_time last_pain_at;
	int base_count, base_sum;
	/* Sessions on the days of today's week, Monday to today. */
	int sessions_week;
	/* Exercises given "it hurt" in sessions of the last PST_ATTENTION_HURT_DAYS days,
	 * today included; the latest of them, and its exercise id. */
	int hurt_count;
	int64_t hurt_day;
	const char *hurt_exercise;
};

/* The records of one patient, as the store's read_all gives them (any order). */
struct pst_attention_records {
	const struct pst_checkin *checkins;
	size_t ncheckins;
	const struct pst_session_log *sessions;
	size_t nsessions;
	const struct pst_saved_profile *profile;    /* NULL: none saved */
	const struct pst_minutes_change *minutes;   /* the profile's savings, by day */
	size_t nminutes;
	const char *screening_answers;              /* NULL: none saved */
	unsigned screening_stages;
	struct pst_time screened_at;
};

/* Fills *out from the records as of today (strings point into rec). */
void pst_patient_summary_from_records(const struct pst_attention_records *rec, int64_t today,
				      struct pst_patient_summary *out);

enum pst_attention_kind {
	PST_ATT_RED_FLAG,
	PST_ATT_PAIN_UP,
	PST_ATT_HURT,
	PST_ATT_MISSED,
	PST_ATT__MAX
};
extern const struct pst_vocab pst_vocab_attention; /* "red-flag" "pain-up" "hurt" "missed" */

/* How urgent a reason is: lower is more urgent. A red flag's is its question's outcome
 * (PST_OUT_EMERGENCY .. PST_OUT_NOTE); the others follow, in the order of the kinds. */
enum { PST_ATT_RANK_PAIN_UP = 10, PST_ATT_RANK_HURT, PST_ATT_RANK_MISSED, PST_ATT_RANK_NONE = 100 };

struct pst_attention_reason {
	enum pst_attention_kind kind;
	int rank;
	const char *text; /* one plain sentence for the clinician */
};

enum pst_pain_trend { PST_TREND_UNKNOWN, PST_TREND_DOWN, PST_TREND_STEADY, PST_TREND_UP, PST_TREND__MAX };
extern const struct pst_vocab pst_vocab_trend; /* "unknown" "down" "steady" "up" */

struct pst_attention {
	struct pst_arena *arena; /* owns everything below */
	/* Safety: the outcome of the last answers (PST_OUT_INCOMPLETE also when the
	 * questions changed so they cannot be read), and the questions answered "yes",
	 * most urgent first (those are the open flags). */
	bool screened;
	enum pst_outcome outcome;
	struct pst_time screened_at;
	const struct pst_question **flags;
	size_t nflags;
	/* Pain: the trend of the last reading against the average before it. */
	enum pst_pain_trend trend;
	double base_mean; /* with base_count > 0 */
	double change;    /* last - base_mean */
	/* This week: sessions done, planned in the week, planned up to today, missed
	 * (planned days before today not matched by a session). planned = 0 without a
	 * profile or while the safety answers send the patient to a professional. */
	int done, planned, planned_so_far, missed;
	struct pst_attention_reason *reasons; /* most urgent first */
	size_t nreasons;
	int rank; /* of the first reason; PST_ATT_RANK_NONE without any */
};

/*
 * Safety answers already evaluated, for a dashboard: most patients give the same answers
 * (all "no"), so each distinct set is parsed and evaluated once. Pass one memo to every
 * pst_attention_build of the same questions and day; it keeps a copy of each answers
 * text it has seen (at most a few dozen). NULL from new when out of memory.
 */
struct pst_attention_memo;
struct pst_attention_memo *pst_attention_memo_new(void);
void pst_attention_memo_free(struct pst_attention_memo *m); /* NULL is a no-op */

/*
 * Decides the reasons for s as of today. q evaluates the saved answers; c (may be NULL)
 * names the exercise of "it hurt" (else its id); memo (may be NULL) saves evaluating the
 * same answers twice. Returns PST_OK, or PST_ENOMEM with *out empty. Free with
 * pst_attention_free (NULL-safe, also after an error).
 */
int pst_attention_build(const struct pst_questions *q, const struct pst_catalog *c,
			const struct pst_patient_summary *s, int64_t today,
			struct pst_attention_memo *memo, struct pst_attention *out);
void pst_attention_free(struct pst_attention *a);

/* Orders two patients by attention: the more urgent first reason first, then more
 * reasons first; 0 when they are alike (the caller breaks the tie, by name). */
int pst_attention_cmp(const struct pst_attention *a, const struct pst_attention *b);

/* The clinician's words for a question's outcome ("see a provider"). */
const char *pst_attention_outcome_words(enum pst_outcome o);

#endif
