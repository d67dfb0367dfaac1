/* A person's profile: stage, pain, triggers, equipment, limits and time. */
#ifndef PST_PROFILE_H
#define PST_PROFILE_H

#include "base.h"
#include "country.h"
#include "tz.h"
#include "vocab.h"

struct pst_profile {
	bool has_stage;
	enum pst_stage stage;
	int weeks;                /* weeks pregnant (1-42) or weeks since birth (0-104) */
	enum pst_birth birth;     /* after birth: vaginal or caesarean */
	enum pst_feeding feeding; /* after birth, optional */
	int pain;                 /* 0-10; -1 when not given */
	unsigned areas;           /* PST_BIT(enum pst_area) */
	unsigned triggers;        /* PST_BIT(enum pst_trigger) */
	unsigned equipment;       /* PST_BIT(enum pst_equipment) at hand */
	unsigned avoid;           /* PST_BIT(enum pst_avoid) */
	int minutes;              /* per session, 3-60 */
	unsigned conditions;      /* PST_BIT(enum pst_condition) */
	char country[3];          /* ISO 3166 code of pst_countries ("GB"), "" when not set */
	/* The calendar reminders (render/ics.h); they do not change the plan. */
	int remind_at;            /* the session's time, minutes after midnight (0-1439) */
	char timezone[PST_TZ_NAME_MAX]; /* IANA name ("Europe/London"); "" : the system's */
	bool relief_reminder;     /* the relief break as a daily event too */
};

/* The reminder's default time: 19:30. */
enum { PST_REMIND_AT_DEFAULT = 19 * 60 + 30 };

/* The profile's fields, for messages: each front end names them its own way
 * (--pregnant-weeks on the command line, pregnant_weeks in JSON). */
enum pst_pfield {
	PST_PF_PREGNANT_WEEKS,
	PST_PF_POSTPARTUM_WEEKS,
	PST_PF_BIRTH,
	PST_PF_FEEDING,
	PST_PF_PAIN,
	PST_PF_AREAS,
	PST_PF_TRIGGERS,
	PST_PF_EQUIPMENT,
	PST_PF_AVOID,
	PST_PF_MINUTES,
	PST_PF_CONDITIONS,
	PST_PF_COUNTRY,
	PST_PF_REMIND_AT,
	PST_PF_TIMEZONE,
	PST_PF_RELIEF_REMINDER,
	PST_PF__MAX
};

extern const char *const pst_pfield_flag[PST_PF__MAX]; /* "--pregnant-weeks" */
extern const char *const pst_pfield_json[PST_PF__MAX]; /* "pregnant_weeks" */

/* True for the fields that are lists of words (areas, triggers, equipment, avoid,
 * conditions): an empty list is "none". */
bool pst_pfield_is_list(enum pst_pfield f);

/* Equipment every home has: wall, chair, couch, doorway. */
#define PST_EQUIPMENT_DEFAULT                                                                   \
	(PST_BIT(PST_EQ_WALL) | PST_BIT(PST_EQ_CHAIR) | PST_BIT(PST_EQ_COUCH) |                 \
	 PST_BIT(PST_EQ_DOORWAY))

/* Sets the defaults: no stage yet, pain not given, the default equipment, 10 minutes,
 * reminders at 19:30 in the system's time zone, no daily relief-break event. */
void pst_profile_init(struct pst_profile *p);

/* A problem with one field of a profile. */
struct pst_profile_problem {
	enum pst_pfield field;
	char msg[160]; /* without the field's name: "must be between 1 and 42" */
};

/*
 * Checks ranges and conflicts (a stage is required; birth and feeding only after birth;
 * birth required after birth). Returns the number of problems written to out (at most
 * max), 0 when the profile is valid.
 */
size_t pst_profile_check(const struct pst_profile *p, struct pst_profile_problem *out,
			 size_t max);
/* The same, naming other fields in messages by names (pst_pfield_flag, pst_pfield_json). */
size_t pst_profile_check_named(const struct pst_profile *p, const char *const names[PST_PF__MAX],
			       struct pst_profile_problem *out, size_t max);

/*
 * Sets field f of p from its text, as every front end receives it: a whole number, a
 * word, or comma-separated words ("none" empties triggers, equipment, avoid and
 * conditions; "none" or "" unsets the country). A
 * weeks field also sets the stage; whether two stages were given is the caller's to
 * judge. Returns true, or false with pr filled (the message without the field's name:
 * "'twenty' is not a whole number of weeks") and p unchanged in that field.
 */
bool pst_profile_set(struct pst_profile *p, enum pst_pfield f, const char *text,
		     struct pst_profile_problem *pr);

/* Each condition asked in plain words ("Leaking urine or wind"), and named short in a
 * sentence ("leaking"). */
extern const char *const pst_condition_question[PST_COND__MAX];
extern const char *const pst_condition_name[PST_COND__MAX];

/* The avoid list with what the conditions imply: wrist or thumb pain avoids wrist load. */
unsigned pst_profile_avoid(const struct pst_profile *p);

/* The time zone of the profile's reminders: its own, else the system's (pst_tz_system).
 * Into buf; returns buf. */
char *pst_profile_timezone(const struct pst_profile *p, char *buf, size_t size);

/* "19:30" for minutes after midnight; buf needs 6 bytes. Returns buf. */
char *pst_clock_format(int minutes, char *buf, size_t size);

/* The country of the profile, or NULL when not set. */
const struct pst_country *pst_profile_country(const struct pst_profile *p);

/* "24 weeks pregnant" / "3 weeks after a caesarean birth"; into buf, returns buf. */
char *pst_profile_stage_words(const struct pst_profile *p, char *buf, size_t size);

#endif
