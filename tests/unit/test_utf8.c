/* The one check of free text (core/utf8.h): UTF-8, control characters, the repair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/tracking.h"
#include "core/utf8.h"

static bool ok(const char *s, unsigned flags)
{
	char msg[200];
	return pst_text_check(s, strlen(s), flags, msg, sizeof msg);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(ok("carry the car seat", 0));
	assert_true(ok("caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x91\xb6", 0)); /* é — 👶 */
	assert_true(ok("two\nlines\r\n", PST_TEXT_NOTE));
	assert_false(ok("two\nlines", PST_TEXT_ACTIVITY));
	assert_false(ok("caf\xe9", 0));                 /* Latin-1 */
	assert_false(ok("\xc0\xaf", 0));                /* overlong / */
	assert_false(ok("\xed\xa0\x80", 0));            /* a surrogate */
	assert_false(ok("\xf4\x90\x80\x80", 0));        /* past U+10FFFF */
	assert_false(ok("\xe2\x80", 0));                /* cut short */
	assert_false(ok("tab\there", PST_TEXT_NOTE));
	assert_false(ok("esc\x1b[2J", PST_TEXT_NOTE));
	assert_false(ok("bel\x07", PST_TEXT_NOTE));
	assert_false(ok("del\x7f", PST_TEXT_NOTE));
	assert_false(ok("c1\xc2\x9b", PST_TEXT_NOTE));
	static const char *const bidi[] = {"\xd8\x9c", "\xe2\x80\x8e", "\xe2\x80\x8f", "\xe2\x80\xaa",
					   "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad", "\xe2\x80\xae",
					   "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9",
					   "\xe2\x80\xa8", "\xe2\x80\xa9"};
	for (size_t i = 0; i < sizeof bidi / sizeof *bidi; i++)
		assert_false(ok(bidi[i], PST_TEXT_NOTE));
	assert_true(pst_utf8_valid("abc", 3));
	assert_false(pst_utf8_valid("a\0c", 3));
}

static void test_messages(void **state)
{
	(void)state;
	char msg[200];
	assert_false(pst_text_check("caf\xe9", 4, 0, msg, sizeof msg));
	assert_string_equal(msg, "is not valid UTF-8 text (byte 4, 0xE9); save it as UTF-8");
	assert_false(pst_text_check("ab\xe2\x80\xae", 5, 0, msg, sizeof msg));
	assert_string_equal(msg, "holds a control character (U+202E RIGHT-TO-LEFT OVERRIDE) at "
				 "character 3; type plain text");
}

static void test_clean(void **state)
{
	(void)state;
	char out[64];
	const char *s = "caf\xe9 \x1b[2J \xe2\x80\xae ok\n";
	assert_true(pst_text_needs_clean(s, strlen(s), PST_TEXT_NOTE));
	size_t n = pst_text_clean(s, strlen(s), PST_TEXT_NOTE, out, sizeof out);
	assert_string_equal(out, "caf\xef\xbf\xbd \xef\xbf\xbd[2J \xef\xbf\xbd ok\n");
	assert_int_equal(n, strlen(out));
	assert_true(ok(out, PST_TEXT_NOTE));
	assert_false(pst_text_needs_clean(out, n, PST_TEXT_NOTE));
	/* Too small: as much as fits, whole characters only, and the length needed. */
	char small[6];
	assert_int_equal(pst_text_clean(s, strlen(s), PST_TEXT_NOTE, small, sizeof small), n);
	assert_string_equal(small, "caf");
}

static void test_activity(void **state)
{
	(void)state;
	char msg[200];
	assert_true(pst_psfs_activity_check("carry the car seat", msg, sizeof msg));
	assert_false(pst_psfs_activity_check("   ", msg, sizeof msg));
	assert_false(pst_psfs_activity_check("carry \xe2\x80\xae", msg, sizeof msg));
	assert_non_null(strstr(msg, "U+202E"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_activity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
