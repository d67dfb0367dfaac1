/* The plan as an iCalendar file (RFC 5545). */
#include "ics.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "core/tz.h"
#include "text.h"

enum { FOLD = 75 };

void pst_ics_line(struct pst_buf *b, const char *line)
{
	size_t n = strlen(line), used = 0, room = FOLD;
	while (n - used > room) {
		/* Cut before a UTF-8 continuation byte never: back up to a character's start. */
		size_t cut = used + room;
		while (cut > used && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--;
		pst_buf_add(b, line + used, cut - used);
		pst_buf_add(b, "\r\n ", 3);
		used = cut;
		room = FOLD - 1; /* the continuation's leading space is one of its octets */
	}
	pst_buf_add(b, line + used, n - used);
	pst_buf_add(b, "\r\n", 2);
}

void pst_ics_text(struct pst_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\' || c == ';' || c == ',') {
			char e[2] = {'\\', (char)c};
			pst_buf_add(b, e, 2);
		} else if (c == '\n') {
			pst_buf_add(b, "\\n", 2);
		} else if (c < 0x20 || c == 0x7f) {
			/* CR and other controls are not TEXT (RFC 5545 3.3.11): left out */
		} else {
			pst_buf_add(b, s, 1);
		}
	}
}

/* One property: name (with its parameters) and a TEXT value, escaped and folded. */
static void text_prop(struct pst_buf *b, const char *name, const char *value)
{
	struct pst_buf l;
	pst_buf_init(&l, 1 << 16);
	pst_buf_printf(&l, "%s:", name);
	pst_ics_text(&l, value);
	pst_ics_line(b, l.failed ? "X-POSTURA-ERROR:out of memory" : l.s);
	pst_buf_free(&l);
}

__attribute__((format(printf, 2, 3))) static void line(struct pst_buf *b, const char *fmt, ...)
{
	char s[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s, sizeof s, fmt, ap);
	va_end(ap);
	pst_ics_line(b, s);
}

static void offset(char *buf, size_t size, int secs)
{
	int a = secs < 0 ? -secs : secs;
	if (a % 60)
		snprintf(buf, size, "%c%02d%02d%02d", secs < 0 ? '-' : '+', a / 3600, a / 60 % 60, a % 60);
	else
		snprintf(buf, size, "%c%02d%02d", secs < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

static long long floordiv(long long a, long long b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* "20261130T193000": a local day and seconds after its midnight (any number). */
static void local_dt(char *buf, size_t size, long long day, long long secs)
{
	day += floordiv(secs, 86400);
	secs -= floordiv(secs, 86400) * 86400;
	int64_t y;
	int m, d;
	pst_day_civil(day, &y, &m, &d);
	snprintf(buf, size, "%04lld%02d%02dT%02d%02d%02d", (long long)y, m, d, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60));
}

static const char *const byday[7] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"}; /* POSIX order */

/* One observance of a zone with a rule: its onset in year y0 and every year after. */
static void observance(struct pst_buf *b, const char *kind, const struct pst_tz_when *w,
		       int from, int to, const char *abbr, long long y0)
{
	char dt[80], f[16], t[16];
	offset(f, sizeof f, from);
	offset(t, sizeof t, to);
	line(b, "BEGIN:%s", kind);
	local_dt(dt, sizeof dt, pst_tz_when_day(w, y0), w->secs);
	line(b, "DTSTART:%s", dt);
	line(b, "TZOFFSETFROM:%s", f);
	line(b, "TZOFFSETTO:%s", t);
	text_prop(b, "TZNAME", abbr);
	if (w->secs >= 0 && w->secs < 86400) {
		line(b, "RRULE:FREQ=YEARLY;BYMONTH=%d;BYDAY=%d%s", w->month, w->week == 5 ? -1 : w->week,
		     byday[w->wday]);
	} else {
		/* A change at "26:00" of a weekday (Asia/Jerusalem) falls on the next day, which
		 * no BYDAY can say: the onsets of the next 30 years, one by one. */
		for (long long y = y0 + 1; y <= y0 + 30; y++) {
			local_dt(dt, sizeof dt, pst_tz_when_day(w, y), w->secs);
			line(b, "RDATE:%s", dt);
		}
	}
	line(b, "END:%s", kind);
}

static void vtimezone(struct pst_buf *b, const struct pst_tz *z, long long y0)
{
	line(b, "BEGIN:VTIMEZONE");
	text_prop(b, "TZID", z->name);
	if (!z->has_dst) {
		char o[16];
		offset(o, sizeof o, z->std_off);
		line(b, "BEGIN:STANDARD");
		line(b, "DTSTART:19700101T000000");
		line(b, "TZOFFSETFROM:%s", o);
		line(b, "TZOFFSETTO:%s", o);
		text_prop(b, "TZNAME", z->std_abbr);
		line(b, "END:STANDARD");
	} else {
		observance(b, "DAYLIGHT", &z->start, z->std_off, z->dst_off, z->dst_abbr, y0);
		observance(b, "STANDARD", &z->end, z->dst_off, z->std_off, z->std_abbr, y0);
	}
	line(b, "END:VTIMEZONE");
}

static void utc_stamp(char *buf, size_t size, int64_t epoch)
{
	long long day = floordiv(epoch, 86400);
	local_dt(buf, size, day, epoch - day * 86400);
	size_t n = strlen(buf);
	if (n + 1 < size) {
		buf[n] = 'Z';
		buf[n + 1] = '\0';
	}
}

static int minutes_up(int seconds)
{
	int m = (seconds + 59) / 60;
	return m < 1 ? 1 : m;
}

static void items_text(struct pst_buf *d, const struct pst_plan_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pst_buf_printf(d, "%zu. %s: ", i + 1, items[i].ex->name);
		pst_text_dose(d, &items[i].dose);
		pst_buf_puts(d, "\n");
	}
}

static void alarm(struct pst_buf *b, const char *what, int before)
{
	line(b, "BEGIN:VALARM");
	line(b, "ACTION:DISPLAY");
	text_prop(b, "DESCRIPTION", what);
	if (before)
		line(b, "TRIGGER:-PT%dM", before);
	else
		line(b, "TRIGGER:PT0S");
	line(b, "END:VALARM");
}

/* The relief break's time: noon, or 16:00 when the session reminder is near noon. */
static int relief_at(int remind_at)
{
	return remind_at >= 11 * 60 && remind_at < 13 * 60 ? 16 * 60 : 12 * 60;
}

int pst_ics_write(struct pst_buf *b, const struct pst_ics *in, char *msg, size_t size)
{
	const struct pst_profile *p = in->profile;
	char name[PST_TZ_NAME_MAX];
	struct pst_tz z;
	pst_profile_timezone(p, name, sizeof name);
	if (!pst_tz_load(name, &z, msg, size)) {
		/* Without the system's zone data, the system's own zone is UTC. */
		if (p->timezone[0] || strcmp(name, "UTC") != 0)
			return PST_EINVAL;
		memset(&z, 0, sizeof z);
		snprintf(z.name, sizeof z.name, "UTC");
		snprintf(z.std_abbr, sizeof z.std_abbr, "UTC");
	}
	int64_t y;
	int mo, md;
	pst_day_civil(in->start_day, &y, &mo, &md);
	char stamp[80], dt[80];
	utc_stamp(stamp, sizeof stamp, in->now.epoch);

	line(b, "BEGIN:VCALENDAR");
	line(b, "VERSION:2.0");
	line(b, "PRODID:-//postura//postura %s//EN", PST_VERSION);
	line(b, "CALSCALE:GREGORIAN");
	line(b, "METHOD:PUBLISH");
	text_prop(b, "X-WR-CALNAME", "postura: back exercises");
	text_prop(b, "NAME", "postura: back exercises");
	text_prop(b, "X-WR-TIMEZONE", z.name);
	/* How often a subscribing calendar should look again (RFC 7986, and the older name). */
	line(b, "REFRESH-INTERVAL;VALUE=DURATION:PT6H");
	line(b, "X-PUBLISHED-TTL:PT6H");
	if (!in->plan) {
		text_prop(b, "X-WR-CALDESC", in->no_plan ? in->no_plan : "No plan: no reminders.");
		line(b, "END:VCALENDAR");
		return b->failed ? PST_ENOMEM : PST_OK;
	}
	const struct pst_plan *plan = in->plan;
	text_prop(b, "X-WR-CALDESC",
		  "Reminders of the sessions of your postura plan, on its days, at the time you chose.");
	vtimezone(b, &z, (long long)y - 1);

	/* The sessions: one event repeating on the plan's weekdays, from the first of them on
	 * or after start_day. */
	char days[32] = "";
	size_t used = 0;
	int64_t first = -1;
	for (int d = 0; d < PST_DAYS; d++)
		if (plan->session_days[d])
			used += (size_t)snprintf(days + used, sizeof days - used, "%s%s", used ? "," : "",
						 byday[(d + 1) % 7]);
	for (int64_t d = in->start_day; d < in->start_day + 7 && first < 0; d++)
		if (plan->session_days[pst_day_weekday(d)])
			first = d;
	if (first >= 0) {
		int mins = minutes_up(plan->estimated_s);
		struct pst_buf d;
		pst_buf_init(&d, 1 << 16);
		pst_buf_printf(&d, "Your routine, about %d minutes (%zu exercise%s):\n", mins,
			       plan->nitems, plan->nitems == 1 ? "" : "s");
		items_text(&d, plan->items, plan->nitems);
		pst_buf_puts(&d, "\nStop if anything hurts sharply, and stop and get help at any "
				 "warning sign (postura's stop signs).");
		if (in->url)
			pst_buf_printf(&d, "\nStart the session: %s", in->url);
		line(b, "BEGIN:VEVENT");
		line(b, "UID:postura-sessions-%s@postura", in->person);
		line(b, "DTSTAMP:%s", stamp);
		local_dt(dt, sizeof dt, first, (long long)p->remind_at * 60);
		struct pst_buf l;
		pst_buf_init(&l, 1024);
		pst_buf_puts(&l, "DTSTART;TZID=");
		pst_buf_puts(&l, z.name); /* a zone name: letters, digits, / _ - + . only */
		pst_buf_printf(&l, ":%s", dt);
		pst_ics_line(b, l.s);
		pst_buf_free(&l);
		line(b, "DURATION:PT%dM", mins);
		line(b, "RRULE:FREQ=WEEKLY;WKST=MO;BYDAY=%s", days);
		char summary[96];
		snprintf(summary, sizeof summary, "Back exercises (about %d min)", mins);
		text_prop(b, "SUMMARY", summary);
		text_prop(b, "DESCRIPTION", d.failed ? "" : d.s);
		if (in->url)
			text_prop(b, "URL", in->url);
		line(b, "TRANSP:TRANSPARENT");
		char what[96];
		snprintf(what, sizeof what, "Back exercises in %d minutes", PST_ICS_ALARM_MIN);
		alarm(b, what, PST_ICS_ALARM_MIN);
		line(b, "END:VEVENT");
		pst_buf_free(&d);
	}

	if (p->relief_reminder && plan->nrelief) {
		int mins = minutes_up(plan->relief_s);
		struct pst_buf d;
		pst_buf_init(&d, 1 << 16);
		pst_buf_printf(&d, "A short relief break, about %d minute%s, for the hours of "
				   "feeding, holding or sitting:\n",
			       mins, mins == 1 ? "" : "s");
		items_text(&d, plan->relief, plan->nrelief);
		line(b, "BEGIN:VEVENT");
		line(b, "UID:postura-relief-%s@postura", in->person);
		line(b, "DTSTAMP:%s", stamp);
		local_dt(dt, sizeof dt, in->start_day, (long long)relief_at(p->remind_at) * 60);
		struct pst_buf l;
		pst_buf_init(&l, 1024);
		pst_buf_printf(&l, "DTSTART;TZID=%s:%s", z.name, dt);
		pst_ics_line(b, l.s);
		pst_buf_free(&l);
		line(b, "DURATION:PT%dM", mins);
		line(b, "RRULE:FREQ=DAILY");
		char summary[96];
		snprintf(summary, sizeof summary, "Relief break (about %d min)", mins);
		text_prop(b, "SUMMARY", summary);
		text_prop(b, "DESCRIPTION", d.failed ? "" : d.s);
		line(b, "TRANSP:TRANSPARENT");
		alarm(b, "Time for a short relief break", 0);
		line(b, "END:VEVENT");
		pst_buf_free(&d);
	}
	line(b, "END:VCALENDAR");
	return b->failed ? PST_ENOMEM : PST_OK;
}
