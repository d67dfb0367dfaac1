/*
 * The plan as an iCalendar file (RFC 5545) for the calendar a person already uses: the
 * session days as one weekly recurring event (RRULE on the plan's weekdays) at the time
 * the profile gives, in its time zone (DTSTART;TZID with a VTIMEZONE built from the
 * zone's rule of today), with a reminder 10 minutes before (VALARM) and the routine's
 * exercises and doses in the description; the daily relief break as a second event only
 * when the profile asks for it. Lines end in CRLF and are folded at 75 octets without
 * splitting a UTF-8 character; text is escaped. The UIDs depend only on the person's key,
 * so a calendar that subscribes updates the same events when the plan changes.
 */
#ifndef PST_RENDER_ICS_H
#define PST_RENDER_ICS_H

#include "core/base.h"
#include "core/planner.h"
#include "core/tracking.h"

/* Minutes before the session that the reminder goes off. */
enum { PST_ICS_ALARM_MIN = 10 };

struct pst_ics {
	const struct pst_plan *plan; /* NULL: no plan (a referral): a calendar with no events */
	const struct pst_profile *profile; /* the reminder's time, zone and relief choice */
	const char *person;   /* part of every UID: the person's id in the store, "1" */
	struct pst_time now;  /* DTSTAMP */
	int64_t start_day;    /* the local day the events start from (the week's Monday) */
	const char *url;      /* the web app's address for the description, or NULL */
	const char *no_plan;  /* without a plan: why, in the calendar's description */
};

/* Writes the calendar into b. Returns PST_OK, or PST_EINVAL with msg filled when the
 * profile's time zone cannot be read (msg without the field's name). */
int pst_ics_write(struct pst_buf *b, const struct pst_ics *in, char *msg, size_t size);

/* Appends one content line (name and value as they are, value already escaped), folded
 * at 75 octets, ending in CRLF. */
void pst_ics_line(struct pst_buf *b, const char *line);
/* Appends s escaped as an iCalendar TEXT value (\\ ; , and line breaks). */
void pst_ics_text(struct pst_buf *b, const char *s);

#endif
