/* History: pain by day and by week, sessions done against the plan, and PSFS change,
 * each with a plain-words statement (CLINICAL.md §8). No I/O, no clock: today is given. */
#ifndef PST_HISTORY_H
#define PST_HISTORY_H

#include <stdint.h>

#include "tracking.h"

/* since = PST_HISTORY_ALL: from the first record. */
#define PST_HISTORY_ALL INT64_MIN
/* The longest range looked at, in days (about 30 years); older records are left out and
 * the history says so (truncated), so a bogus date cannot make it allocate without end. */
enum { PST_HISTORY_MAX_DAYS = 30 * 366 };

/* Thresholds of a meaningful change (CLINICAL §8). */
#define PST_NPRS_MEANINGFUL_POINTS 2.0   /* Childs 2005 */
#define PST_NPRS_MEANINGFUL_FRACTION 0.3 /* about 30% of the first value */
#define PST_PSFS_MEANINGFUL_MEAN 2.0     /* Stratford 1995: on the average */
#define PST_PSFS_MEANINGFUL_ONE 3        /* Stratford 1995: on one activity */

struct pst_history_input {
	const struct pst_checkin *checkins; /* any order */
	size_t ncheckins;
	/* Check-ins summed by day (the store's checkin_days), any order: counted as the
	 * check-ins they sum, so a caller gives either these or checkins (both: both count). */
	const struct pst_checkin_day *days;
	size_t ndays;
	const struct pst_session_log *sessions; /* any order */
	size_t nsessions;
	const struct pst_psfs_activity *psfs;
	size_t npsfs;
	const struct pst_saved_profile *profile; /* NULL: none saved, so nothing is "planned" */
	/* The minutes a session over time, by day (none: the profile's minutes throughout;
	 * days before the first change take the first change's minutes). */
	const struct pst_minutes_change *minutes;
	size_t nminutes;
	int64_t since; /* first local day to look at, or PST_HISTORY_ALL */
	int64_t today; /* the person's local day today; records after it are ignored */
};

/*
 * A day's pain readings are its check-ins; on a day without one, the pain given before
 * the day's first session counts as the day's reading (a session's pain before is a
 * reading like a check-in; its pain after belongs to the session, and is not one).
 */
struct pst_history_day {
	int64_t day;
	double mean; /* of the day's readings */
	int count;
	bool from_session; /* the reading is the pain before a session */
};

/* A session in the range, with the pain around it. */
struct pst_history_session {
	struct pst_time at;
	int64_t day;
	int pain_before, pain_after;
};

struct pst_history_week {
	int64_t week_start; /* the Monday */
	int checkins; /* pain readings: check-ins, and pain before a session (see above) */
	double mean;  /* of the week's check-ins; 0 when there are none */
	int min, max; /* -1 when there are none */
	int sessions_done;
	int sessions_planned; /* session days of the plan within the range; -1 without profile */
};

struct pst_pain_change {
	bool known; /* check-ins in at least two different weeks */
	int64_t first_week, last_week; /* Mondays of the first and last weeks with check-ins */
	double first_week_mean, last_week_mean;
	double points;    /* last - first: below 0 is a fall */
	double percent;   /* points as a percentage of first_week_mean; valid with has_percent */
	bool has_percent; /* false when the first week's mean is 0 */
	bool meaningful;  /* a fall of 2 points or 30% or more; a rise never is */
	bool worse;       /* a rise of 2 points or 30% or more */
	const char *statement;
};

struct pst_psfs_change {
	int64_t id;
	const char *activity;
	int ratings; /* in the range */
	int first, latest; /* scores; valid when ratings > 0 */
	int64_t first_day, latest_day;
	int change;       /* latest - first */
	bool meaningful;  /* a rise of 3 or more */
	bool worse;       /* a fall of 3 or more */
	const char *statement;
};

struct pst_psfs_summary {
	struct pst_psfs_change *v; /* one per activity, in the order given */
	size_t n;
	int rated;          /* activities with a rating in the range */
	bool known;         /* at least one activity rated twice in the range */
	double first_mean;  /* average of the rated activities' first scores */
	double latest_mean; /* ... and of their latest */
	double change;
	bool meaningful;    /* the average rose by 2 or more */
	bool worse;         /* the average fell by 2 or more */
	const char *statement;
};

struct pst_adherence {
	int done;
	int planned;           /* -1 without a saved profile */
	int sessions_per_week; /* the plan's; 0 without a saved profile */
	double percent;        /* done / planned; valid with has_percent */
	bool has_percent;
	const char *statement;
};

struct pst_history {
	struct pst_arena *arena;
	int64_t since, today; /* the days looked at, both included */
	bool truncated;       /* records older than PST_HISTORY_MAX_DAYS were left out */
	struct pst_history_day *daily; /* days with pain readings, oldest first */
	size_t ndaily;
	struct pst_history_session *sessions; /* in the range, oldest first */
	size_t nsessions;
	struct pst_history_week *weekly; /* every week of the range, Monday first */
	size_t nweekly;
	struct pst_pain_change pain;
	struct pst_psfs_summary psfs;
	struct pst_adherence adherence;
};

/*
 * Builds the history of in. The range starts at the later of in->since and the first
 * record (check-in, session or PSFS rating) on or before today; with no record, it is
 * today alone. Days are the person's local days (pst_time_day), weeks start on Monday.
 * Sessions planned come from the saved profile's minutes (pst_plan_sessions_per_week,
 * on the plan's session days). Time and memory are linear in the records and the days.
 * Returns PST_OK with *out owning everything (free with pst_history_free), PST_EINVAL
 * when since is after today, or PST_ENOMEM; on error *out is NULL.
 */
int pst_history_build(const struct pst_history_input *in, struct pst_history **out);
void pst_history_free(struct pst_history *h); /* NULL is a no-op */

#endif
