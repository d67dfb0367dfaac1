/*
 * Time zones by their IANA names ("Europe/London"), read from the system's time zone
 * database (TZDIR, else /usr/share/zoneinfo): a name is checked against it, and the rule
 * in force today is read from the zone file's POSIX footer (TZif version 2 and later),
 * which is what a calendar's VTIMEZONE needs (render/ics.h).
 */
#ifndef PST_TZ_H
#define PST_TZ_H

#include <stdbool.h>
#include <stddef.h>

enum { PST_TZ_NAME_MAX = 64 };

/* When a change of offset happens: the week-th wday (0 = Sunday, as POSIX) of month
 * (1-12), week 5 meaning the last, at secs seconds after local midnight (may be
 * negative or past 24 hours, as POSIX allows). */
struct pst_tz_when {
	int month, week, wday;
	int secs;
};

struct pst_tz {
	char name[PST_TZ_NAME_MAX];
	char std_abbr[16], dst_abbr[16]; /* "GMT", "BST"; "+0330" for <+0330> */
	int std_off, dst_off;            /* seconds east of UTC */
	bool has_dst;
	struct pst_tz_when start, end;   /* into daylight time (std local), out of it (dst local) */
};

/*
 * Loads the zone named name. Returns true, or false with msg filled (without the field's
 * name: "'Europe/Lndon' is not a time zone postura knows: give a name such as
 * Europe/London or America/New_York").
 */
bool pst_tz_load(const char *name, struct pst_tz *out, char *msg, size_t size);

/* The system's time zone: TZ when it names a zone (":" first allowed), else where
 * /etc/localtime points, else /etc/timezone, else "UTC". Into buf; returns buf. */
char *pst_tz_system(char *buf, size_t size);

/* Parses a POSIX TZ rule ("GMT0BST,M3.5.0/1,M10.5.0") into out (name untouched).
 * Returns false when it is not one (or uses a day rule other than Mm.w.d). */
bool pst_tz_parse_posix(const char *s, struct pst_tz *out);

/* Seconds east of UTC in zone z at the UTC instant epoch. */
int pst_tz_offset_at(const struct pst_tz *z, long long epoch);

/* The local day (days since 1970-01-01) of a rule's change in year, and the seconds
 * after that day's midnight (the rule's secs, which may run past midnight). */
long long pst_tz_when_day(const struct pst_tz_when *w, long long year);

#endif
