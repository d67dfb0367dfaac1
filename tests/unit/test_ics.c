/* The calendar's pieces: time zone rules from POSIX strings and TZif files, the profile's
 * reminder fields, iCalendar line folding and escaping, the QR code's SVG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/profile.h"
#include "core/tz.h"
#include "render/ics.h"
#include "render/qr.h"

static void test_posix_rules(void **state)
{
	(void)state;
	struct pst_tz z;
	assert_true(pst_tz_parse_posix("GMT0BST,M3.5.0/1,M10.5.0", &z));
	assert_true(z.has_dst);
	assert_int_equal(z.std_off, 0);
	assert_int_equal(z.dst_off, 3600);
	assert_string_equal(z.dst_abbr, "BST");
	assert_int_equal(z.start.month, 3);
	assert_int_equal(z.start.week, 5);
	assert_int_equal(z.start.secs, 3600);
	assert_int_equal(z.end.secs, 7200);
	assert_true(pst_tz_parse_posix("<+0530>-5:30", &z));
	assert_false(z.has_dst);
	assert_int_equal(z.std_off, 5 * 3600 + 1800);
	assert_string_equal(z.std_abbr, "+0530");
	assert_true(pst_tz_parse_posix("IST-2IDT,M3.4.4/26,M10.5.0", &z));
	assert_int_equal(z.start.secs, 26 * 3600);
	assert_true(pst_tz_parse_posix("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", &z));
	assert_int_equal(z.start.secs, -7200);
	assert_int_equal(z.std_off, -3 * 3600);
	assert_false(pst_tz_parse_posix("", &z));
	assert_false(pst_tz_parse_posix("GMT0BST,J60,J300", &z)); /* only Mm.w.d rules */
	assert_false(pst_tz_parse_posix("CET-1CEST,M3.5.0,M13.5.0/3", &z));
	/* London in 2027: summer time from 28 March 01:00 UTC to 31 October 01:00 UTC. */
	assert_true(pst_tz_parse_posix("GMT0BST,M3.5.0/1,M10.5.0", &z));
	long long mar28 = 20905LL * 86400; /* 2027-03-28 */
	assert_int_equal(pst_tz_when_day(&z.start, 2027), 20905);
	assert_int_equal(pst_tz_offset_at(&z, mar28 + 3600 - 1), 0);
	assert_int_equal(pst_tz_offset_at(&z, mar28 + 3600), 3600);
}

static void test_zone_names(void **state)
{
	(void)state;
	struct pst_tz z;
	char msg[256];
	if (!pst_tz_load("Europe/London", &z, msg, sizeof msg))
		skip(); /* no zone data (tzdata) on this system */
	assert_string_equal(z.name, "Europe/London");
	assert_true(z.has_dst);
	static const char *const bad[] = {"Europe/Lndon", "../../etc/passwd", "/etc/localtime",
					  "Europe/", "", "Europe/../Europe/London", ".hidden",
					  "Europe/London\n", "Europe"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_false(pst_tz_load(bad[i], &z, msg, sizeof msg));
		assert_non_null(strstr(msg, "is not a time zone name"));
	}
	setenv("TZ", ":America/Chicago", 1);
	char sys[PST_TZ_NAME_MAX];
	assert_string_equal(pst_tz_system(sys, sizeof sys), "America/Chicago");
	setenv("TZ", "Nowhere/Special", 1);
	pst_tz_system(sys, sizeof sys); /* falls back on /etc/localtime, else UTC */
	assert_string_not_equal(sys, "Nowhere/Special");
	unsetenv("TZ");
}

static void test_profile_fields(void **state)
{
	(void)state;
	struct pst_profile p;
	struct pst_profile_problem pr;
	pst_profile_init(&p);
	assert_int_equal(p.remind_at, 19 * 60 + 30);
	assert_false(p.relief_reminder);
	assert_string_equal(p.timezone, "");
	assert_true(pst_profile_set(&p, PST_PF_REMIND_AT, "7:05", &pr));
	assert_int_equal(p.remind_at, 7 * 60 + 5);
	static const char *const bad[] = {"24:00", "19:60", "7pm", "19", "19:3", "1930", "-1:00",
					  "19:30:00", "", "019:30"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_false(pst_profile_set(&p, PST_PF_REMIND_AT, bad[i], &pr));
		assert_int_equal(pr.field, PST_PF_REMIND_AT);
		assert_non_null(strstr(pr.msg, "is not a time of day"));
	}
	assert_int_equal(p.remind_at, 7 * 60 + 5); /* unchanged */
	assert_true(pst_profile_set(&p, PST_PF_RELIEF_REMINDER, "yes", &pr));
	assert_true(p.relief_reminder);
	assert_false(pst_profile_set(&p, PST_PF_RELIEF_REMINDER, "maybe", &pr));
	assert_true(p.relief_reminder);
	assert_string_equal(pst_pfield_flag[PST_PF_TIMEZONE], "--timezone");
	assert_string_equal(pst_pfield_json[PST_PF_REMIND_AT], "remind_at");
	char clock[8];
	assert_string_equal(pst_clock_format(0, clock, sizeof clock), "00:00");
	assert_string_equal(pst_clock_format(23 * 60 + 59, clock, sizeof clock), "23:59");
}

static void test_folding(void **state)
{
	(void)state;
	struct pst_buf b;
	pst_buf_init(&b, 1 << 16);
	/* 73 ASCII octets then "é" (2 octets) and "€" (3): the fold may not cut either. */
	char line[256];
	memset(line, 'a', 73);
	strcpy(line + 73, "\xc3\xa9\xe2\x82\xac and some more text to make a second fold come");
	pst_ics_line(&b, line);
	assert_false(b.failed);
	/* Every physical line at most 75 octets, ends in CRLF, starts on a character. */
	const char *s = b.s;
	size_t rebuilt = 0;
	char back[256];
	bool first = true;
	while (*s) {
		const char *e = strstr(s, "\r\n");
		assert_non_null(e);
		assert_true(e - s <= 75);
		const char *c = first ? s : s + 1;
		if (!first)
			assert_int_equal(*s, ' ');
		assert_int_not_equal((unsigned char)*c & 0xC0, 0x80);
		memcpy(back + rebuilt, c, (size_t)(e - c));
		rebuilt += (size_t)(e - c);
		s = e + 2;
		first = false;
	}
	back[rebuilt] = '\0';
	assert_string_equal(back, line);
	pst_buf_free(&b);

	pst_buf_init(&b, 1024);
	pst_ics_text(&b, "a,b;c\\d\ne\rf");
	assert_string_equal(b.s, "a\\,b\\;c\\\\d\\nef");
	pst_buf_free(&b);
}

static void test_qr_svg(void **state)
{
	(void)state;
	struct pst_buf b;
	pst_buf_init(&b, 1 << 20);
	assert_true(pst_qr_svg(&b, "webcal://example.org/calendar/0123.ics", "a \"label\""));
	assert_non_null(strstr(b.s, "<svg class=\"qr\""));
	assert_non_null(strstr(b.s, "aria-label=\"a &quot;label&quot;\""));
	assert_non_null(strstr(b.s, "</svg>"));
	/* version 3 (29 modules) with the quiet zone: 37 */
	assert_non_null(strstr(b.s, "viewBox=\"0 0 37 37\""));
	pst_buf_free(&b);
	pst_buf_init(&b, 1 << 20);
	char *big = malloc(8000);
	memset(big, 'x', 7999);
	big[7999] = '\0';
	assert_false(pst_qr_svg(&b, big, "too long"));
	assert_int_equal(b.len, 0);
	free(big);
	pst_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_posix_rules),
		cmocka_unit_test(test_zone_names),
		cmocka_unit_test(test_profile_fields),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_qr_svg),
	};
	return cmocka_run_group_tests_name("ics", tests, NULL, NULL);
}
