/* What a person records: pain check-ins, finished sessions with per-exercise feedback,
 * Patient-Specific Functional Scale ratings, and the saved profile. Pure data and
 * parsing; the store keeps them. Times are passed in: the core reads no clock. */
#ifndef PST_TRACKING_H
#define PST_TRACKING_H

#include <stdint.h>

#include "base.h"
#include "catalog.h"
#include "profile.h"
#include "utf8.h"

/* A moment: seconds since the epoch (UTC) and the UTC offset it was recorded at, so the
 * local day can be told ("daily" pain means the person's days, not UTC's). */
struct pst_time {
	int64_t epoch;
	int offset_min; /* -14*60 .. 14*60 */
};

/*
 * Parses ISO-8601: "2026-11-21", "2026-11-21T08:30", "2026-11-21T08:30:15",
 * with "Z" or "+01:00"/"-0500" (no zone: offset_min is taken from local_offset_min).
 * A date alone means noon local time. Returns PST_OK or PST_EINVAL.
 */
int pst_time_parse(const char *s, int local_offset_min, struct pst_time *out);
/* Formats as "2026-11-21T08:30:15+01:00" (or "Z"); buf needs 32 bytes. Returns buf. */
char *pst_time_format(struct pst_time t, char *buf, size_t size);
/* The local calendar day as days since 1970-01-01. */
int64_t pst_time_day(struct pst_time t);
/* "2026-11-21" for a day number; buf needs 11 bytes. */
char *pst_day_format(int64_t day, char *buf, size_t size);
/* Parses "2026-11-21" into a day number; PST_OK or PST_EINVAL. */
int pst_day_parse(const char *s, int64_t *day);
/* Day of the week, 0 = Monday. */
int pst_day_weekday(int64_t day);
/* The Monday that starts day's week (weeks run Monday to Sunday). */
int64_t pst_day_monday(int64_t day);
/* A day number as a civil date (proleptic Gregorian), and back. */
void pst_day_civil(int64_t day, int64_t *year, int *month, int *mday);
int64_t pst_day_from_civil(int64_t year, int month, int mday);

struct pst_checkin {
	int64_t id; /* 0 until stored */
	struct pst_time at;
	int pain;       /* 0-10 */
	unsigned areas; /* PST_BIT(enum pst_area) */
	const char *note; /* may be NULL */
	/* The idempotency key of the write that makes it (a retry of the same write sends
	 * the same key; the store keeps it and writes it once), or NULL. Not exported. */
	const char *idem_key;
};

/*
 * A local day's check-ins summed: what the history (daily and weekly pain) and the
 * progression (the morning average, the day after a session) need of them, whatever
 * their number. The store answers these (pst_store_ops.checkin_days), so a page holds
 * one of them a day instead of every check-in.
 */
enum { PST_MORNING_END_H = 12 }; /* a check-in before this local hour is a morning one */
struct pst_checkin_day {
	int64_t day;                    /* the local day (pst_time_day) */
	int count, sum, min, max;       /* of the day's pain readings */
	int morning_count, morning_sum; /* of those made before PST_MORNING_END_H, local */
	struct pst_time last_at;        /* the day's last check-in (by time, then id) */
	int last_pain;
	int64_t last_id;
};

/* Days being summed, in order of day: *v malloc'd (free with pst_checkin_days_free). */
struct pst_checkin_days {
	struct pst_checkin_day *v;
	size_t n, cap;
};

/* Adds one check-in (any order; fastest in order of time) to its day. PST_OK or
 * PST_ENOMEM. */
int pst_checkin_days_add(struct pst_checkin_days *d, int64_t id, struct pst_time at, int pain);
void pst_checkin_days_free(struct pst_checkin_days *d);

/* The fields of a check-in, as each front end names them. */
enum pst_cfield { PST_CF_PAIN, PST_CF_AREAS, PST_CF_NOTE, PST_CF_AT, PST_CF__MAX };
extern const char *const pst_cfield_flag[PST_CF__MAX]; /* "--pain" "--area" "--note" "--at" */
extern const char *const pst_cfield_json[PST_CF__MAX]; /* "pain" "areas" "note" "at" */

/*
 * Sets field f of c from its text, as `postura checkin` and the web app receive it: pain
 * a whole number 0-10, areas comma-separated words, a note of at most PST_NOTE_MAX bytes
 * (c->note then points at text: the caller keeps it alive), at an ISO-8601 time (without
 * a zone, now's UTC offset). Returns true, or false with the problem in msg (size bytes),
 * without the field's name: "'11' must be a whole number from 0 to 10".
 */
bool pst_checkin_set(struct pst_checkin *c, enum pst_cfield f, const char *text,
		     struct pst_time now, char *msg, size_t size);

/* Pain at or above this asks for care (CLINICAL §7: high pain keeps to gentle movement
 * and, when it persists, to a professional). */
enum { PST_PAIN_HIGH = 7 };

/*
 * What to tell a person who reports pain (0-10) now, at a check-in or before a session:
 * advice from PST_PAIN_HIGH up, else NULL. The one text every front end shows (the
 * terminal, the web page, the API's "advice").
 */
const char *pst_pain_advice(int pain);

enum pst_feedback { PST_FB_EASY, PST_FB_RIGHT, PST_FB_HARD, PST_FB_HURT, PST_FB__MAX };
extern const struct pst_vocab pst_vocab_feedback; /* "easy" "right" "hard" "hurt" */

struct pst_session_ex {
	const char *id; /* a catalogue exercise id */
	enum pst_feedback feedback;
	int pain; /* pain during, 0-10; -1 when not given */
};

struct pst_session_log {
	int64_t id; /* 0 until stored */
	struct pst_time at;
	int pain_before, pain_after; /* 0-10 */
	struct pst_session_ex *ex;
	size_t nex;
	const char *idem_key; /* as a check-in's: NULL, or the key of the write */
	/* Read with PST_READ_SESSION_BASELINE (the progression from days, store.h): the pain
	 * of the last check-in of the session's own local day at or before it (by time, then
	 * id), -1 when none. Not stored, not exported. */
	int day_checkin_before;
};

/* An idempotency key: 1 to PST_IDEM_KEY_MAX characters of A-Z a-z 0-9 - _ . : (a UUID, or
 * any random token a client makes). */
enum { PST_IDEM_KEY_MAX = 64 };
bool pst_idem_key_ok(const char *key);

/* Limits of a session log, so a hostile body cannot make the store do unbounded work. */
enum { PST_SESSION_MAX_EXERCISES = 64, PST_NOTE_MAX = 1000, PST_SESSION_JSON_MAX = 64 * 1024 };

/*
 * Parses the JSON body of `postura session log` and POST /api/v1/sessions:
 * {"at": ISO-8601 (optional: now), "pain_before": N, "pain_after": N,
 *  "exercises": [{"id": "...", "feedback": "easy|right|hard|hurt", "pain": N}]}.
 * Unknown fields, unknown exercise ids (checked against c), values out of range are
 * errors (PST_EINVAL) with a diagnostic naming the field ("exercises[2].feedback");
 * then out is untouched. Strings are copied into a. src names the input.
 */
int pst_session_parse_json(const struct pst_catalog *c, const char *src, const char *text,
			   size_t len, struct pst_time now, struct pst_arena *a,
			   struct pst_session_log *out, struct pst_diags *d);

/* PSFS (CLINICAL §8): 3-5 activities, each rated 0 (unable) to 10 (as before). */
enum { PST_PSFS_MAX_ACTIVITIES = 5, PST_PSFS_ACTIVITY_MAX = 200 };

/* The text rules of each free-text field (core/utf8.h): a note may hold line breaks, an
 * activity is one line. */
enum { PST_TEXT_NOTE = PST_TEXT_LINES, PST_TEXT_ACTIVITY = 0 };

/* Checks an activity as every front end receives it: 1 to PST_PSFS_ACTIVITY_MAX bytes,
 * not only spaces, one line of plain UTF-8 text. Returns true, or false with the problem
 * in msg without the field's name ("must be 1 to 200 characters"). */
bool pst_psfs_activity_check(const char *text, char *msg, size_t size);

struct pst_psfs_rating {
	struct pst_time at;
	int score; /* 0-10 */
};

struct pst_psfs_activity {
	int64_t id;
	const char *activity;
	struct pst_time created;
	struct pst_psfs_rating *ratings; /* oldest first */
	size_t nratings;
};

/*
 * The saved profile: weeks are stored as the day they count from (the day pregnancy
 * week 0 began, or the day of birth), so the stage advances with time.
 */
struct pst_saved_profile {
	struct pst_profile p; /* p.weeks as given when saved */
	int64_t anchor_day;   /* local day of week 0 */
	struct pst_time updated;
};

/* The plan's minutes a session from a day on: each saving of the profile starts one
 * (the last of a day counts). Past weeks' planned sessions are counted with the minutes
 * of their own days, not today's. */
struct pst_minutes_change {
	int64_t day; /* local day */
	int minutes;
};

/* Sets anchor_day from p.weeks and today. */
void pst_saved_profile_anchor(struct pst_saved_profile *sp, int64_t today);
/* The profile as of today: weeks recomputed from the anchor and capped to the
 * stage's range (a pregnancy past 42 weeks stays at 42 until the profile is updated). */
struct pst_profile pst_saved_profile_today(const struct pst_saved_profile *sp, int64_t today);
/* True when the stage has run past its range since it was saved (more than 42 weeks
 * pregnant, more than 104 weeks after birth): the person should update the profile. */
bool pst_saved_profile_stale(const struct pst_saved_profile *sp, int64_t today);

#endif
