/* Time zones by IANA name: checked against the system's database, rule from the TZif
 * footer (RFC 8536, section 3.3). */
#include "tz.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracking.h"

enum { TZFILE_MAX = 1 << 20 };

static bool name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= PST_TZ_NAME_MAX || name[0] == '/' || name[n - 1] == '/')
		return false;
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (!isalnum(c) && c != '/' && c != '_' && c != '-' && c != '+' && c != '.')
			return false;
		/* no "." or ".." component, nothing hidden: each part starts with a letter,
		 * a digit or a sign */
		if ((p == name || p[-1] == '/') && (c == '.' || c == '/'))
			return false;
	}
	return true;
}

/* hh[:mm[:ss]] with an optional sign, hours up to 167 (RFC 8536's extension). */
static bool parse_hms(const char **sp, int *out)
{
	const char *s = *sp;
	int sign = 1;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*s))
		return false;
	int h = 0, m = 0, sec = 0;
	while (isdigit((unsigned char)*s) && h <= 167)
		h = h * 10 + (*s++ - '0');
	if (h > 167)
		return false;
	if (*s == ':') {
		s++;
		if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
			return false;
		m = (s[0] - '0') * 10 + (s[1] - '0');
		s += 2;
		if (*s == ':') {
			s++;
			if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
				return false;
			sec = (s[0] - '0') * 10 + (s[1] - '0');
			s += 2;
		}
	}
	if (m > 59 || sec > 59)
		return false;
	*out = sign * (h * 3600 + m * 60 + sec);
	*sp = s;
	return true;
}

static bool parse_abbr(const char **sp, char *out, size_t size)
{
	const char *s = *sp, *b, *e;
	if (*s == '<') {
		b = ++s;
		while (*s && *s != '>')
			s++;
		if (*s != '>')
			return false;
		e = s++;
	} else {
		b = s;
		while (isalpha((unsigned char)*s))
			s++;
		e = s;
	}
	size_t n = (size_t)(e - b);
	if (n < 1 || n >= size)
		return false;
	memcpy(out, b, n);
	out[n] = '\0';
	*sp = s;
	return true;
}

static bool parse_rule(const char **sp, struct pst_tz_when *w)
{
	const char *s = *sp;
	if (*s++ != 'M')
		return false;
	char *end;
	long m = strtol(s, &end, 10);
	if (end == s || *end != '.' || m < 1 || m > 12)
		return false;
	s = end + 1;
	long wk = strtol(s, &end, 10);
	if (end == s || *end != '.' || wk < 1 || wk > 5)
		return false;
	s = end + 1;
	long d = strtol(s, &end, 10);
	if (end == s || d < 0 || d > 6)
		return false;
	s = end;
	w->month = (int)m;
	w->week = (int)wk;
	w->wday = (int)d;
	w->secs = 2 * 3600;
	if (*s == '/') {
		s++;
		if (!parse_hms(&s, &w->secs))
			return false;
	}
	*sp = s;
	return true;
}

bool pst_tz_parse_posix(const char *s, struct pst_tz *out)
{
	int off;
	out->has_dst = false;
	out->dst_abbr[0] = '\0';
	if (!parse_abbr(&s, out->std_abbr, sizeof out->std_abbr) || !parse_hms(&s, &off))
		return false;
	out->std_off = -off;
	out->dst_off = out->std_off;
	if (!*s)
		return true;
	if (!parse_abbr(&s, out->dst_abbr, sizeof out->dst_abbr))
		return false;
	out->has_dst = true;
	out->dst_off = out->std_off + 3600;
	if (*s && *s != ',') {
		if (!parse_hms(&s, &off))
			return false;
		out->dst_off = -off;
	}
	if (!*s) { /* POSIX leaves the default rule to the implementation: the US one */
		out->start = (struct pst_tz_when){3, 2, 0, 7200};
		out->end = (struct pst_tz_when){11, 1, 0, 7200};
		return true;
	}
	if (*s++ != ',' || !parse_rule(&s, &out->start) || *s++ != ',' ||
	    !parse_rule(&s, &out->end) || *s)
		return false;
	return true;
}

static bool zone_file(const char *name, char **data, size_t *len)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 44 ||
	    st.st_size > TZFILE_MAX) {
		close(fd);
		return false;
	}
	char *buf = malloc((size_t)st.st_size);
	size_t got = 0;
	while (buf && got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!buf || got != (size_t)st.st_size) {
		free(buf);
		return false;
	}
	*data = buf;
	*len = got;
	return true;
}

bool pst_tz_load(const char *name, struct pst_tz *out, char *msg, size_t size)
{
	char *data = NULL;
	size_t len = 0;
	bool ok = name_ok(name) && zone_file(name, &data, &len) && memcmp(data, "TZif", 4) == 0;
	if (!ok) {
		snprintf(msg, size,
			 "'%.60s' is not a time zone name postura knows: give one such as "
			 "Europe/London, America/New_York or Asia/Kolkata",
			 name);
		free(data);
		return false;
	}
	/* The footer: "\n" POSIX-TZ "\n" at the very end of a version 2+ file. */
	char rule[128] = "";
	if (data[4] >= '2' && data[len - 1] == '\n') {
		size_t e = len - 1, b = e;
		while (b > 0 && data[b - 1] != '\n')
			b--;
		if (b > 0 && e - b < sizeof rule) {
			memcpy(rule, data + b, e - b);
			rule[e - b] = '\0';
		}
	}
	free(data);
	if (!rule[0] || !pst_tz_parse_posix(rule, out)) {
		snprintf(msg, size,
			 "'%.60s' has no rule for today's times in this system's time zone data "
			 "(version 1 file, or a rule postura cannot read): give a city's name "
			 "such as Europe/London",
			 name);
		return false;
	}
	snprintf(out->name, sizeof out->name, "%s", name);
	return true;
}

static bool try_name(const char *s, char *buf, size_t size)
{
	struct pst_tz z;
	char msg[256];
	if (!s || !*s)
		return false;
	const char *zi = strstr(s, "zoneinfo/");
	if (zi)
		s = zi + strlen("zoneinfo/");
	if (!pst_tz_load(s, &z, msg, sizeof msg))
		return false;
	snprintf(buf, size, "%s", s);
	return true;
}

char *pst_tz_system(char *buf, size_t size)
{
	const char *tz = getenv("TZ");
	if (tz && *tz == ':')
		tz++;
	if (try_name(tz, buf, size))
		return buf;
	char link[4096];
	ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
	if (n > 0) {
		link[n] = '\0';
		if (strstr(link, "zoneinfo/") && try_name(link, buf, size))
			return buf;
	}
	FILE *f = fopen("/etc/timezone", "re");
	if (f) {
		char line[128];
		bool ok = fgets(line, sizeof line, f) != NULL;
		fclose(f);
		if (ok) {
			line[strcspn(line, " \t\r\n")] = '\0';
			if (try_name(line, buf, size))
				return buf;
		}
	}
	snprintf(buf, size, "UTC");
	return buf;
}

long long pst_tz_when_day(const struct pst_tz_when *w, long long year)
{
	int64_t first = pst_day_from_civil(year, w->month, 1);
	int64_t next = w->month == 12 ? pst_day_from_civil(year + 1, 1, 1)
				      : pst_day_from_civil(year, w->month + 1, 1);
	int wd0 = (pst_day_weekday(first) + 1) % 7; /* 0 = Sunday */
	int64_t d = first + (w->wday - wd0 + 7) % 7 + 7 * (w->week - 1);
	while (d >= next)
		d -= 7;
	return (long long)d;
}

static long long floordiv(long long a, long long b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int pst_tz_offset_at(const struct pst_tz *z, long long epoch)
{
	if (!z->has_dst)
		return z->std_off;
	int64_t year;
	int month, mday;
	pst_day_civil(floordiv(epoch + z->std_off, 86400), &year, &month, &mday);
	long long on = pst_tz_when_day(&z->start, year) * 86400 + z->start.secs - z->std_off;
	long long off = pst_tz_when_day(&z->end, year) * 86400 + z->end.secs - z->dst_off;
	bool dst = on < off ? (epoch >= on && epoch < off) : (epoch < off || epoch >= on);
	return dst ? z->dst_off : z->std_off;
}
