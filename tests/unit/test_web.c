/* The web app's parsers and writers: form and query-string decoding (src/web/form.c) and
 * the HTML writer (src/render/html.c), table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "render/html.h"
#include "web/form.h"

static const struct {
	const char *in;
	enum pst_form_err err;
	const char *want; /* "k=v|k=v" after decoding */
} form_cases[] = {
	{"", PST_FORM_OK, ""},
	{"a=1&b=2", PST_FORM_OK, "a=1|b=2"},
	{"a=x+y%21", PST_FORM_OK, "a=x y!"},
	{"a=%C3%A9t%C3%A9", PST_FORM_OK, "a=été"},
	{"flag&&b=", PST_FORM_OK, "flag=|b="},
	{"areas=upper&areas=neck", PST_FORM_OK, "areas=upper|areas=neck"},
	{"a=%zz", PST_FORM_EENCODING, NULL},
	{"a=%4", PST_FORM_EENCODING, NULL},
	{"a=%", PST_FORM_EENCODING, NULL},
	{"a=%00", PST_FORM_EENCODING, NULL},     /* NUL */
	{"a=%C3%28", PST_FORM_EENCODING, NULL},  /* invalid UTF-8 */
	{"a=%C0%AF", PST_FORM_EENCODING, NULL},  /* overlong */
	{"a=%ED%A0%80", PST_FORM_EENCODING, NULL}, /* a surrogate */
	{"=1", PST_FORM_EENCODING, NULL},        /* empty key */
};

static void test_form_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof form_cases / sizeof *form_cases; i++) {
		struct pst_form f;
		enum pst_form_err e = pst_form_parse(form_cases[i].in, strlen(form_cases[i].in), &f, NULL);
		assert_int_equal(e, form_cases[i].err);
		if (!e) {
			char got[256] = "";
			for (size_t k = 0; k < f.n; k++) {
				strcat(got, k ? "|" : "");
				strcat(got, f.v[k].key);
				strcat(got, "=");
				strcat(got, f.v[k].value);
			}
			assert_string_equal(got, form_cases[i].want);
		} else {
			assert_int_equal(f.n, 0);
		}
		pst_form_free(&f);
	}
}

static void test_form_limits(void **state)
{
	(void)state;
	char big[PST_FORM_MAX_FIELDS * 4 + 16] = "";
	for (int i = 0; i <= PST_FORM_MAX_FIELDS; i++)
		strcat(big, "a=1&");
	struct pst_form f;
	assert_int_equal(pst_form_parse(big, strlen(big), &f, NULL), PST_FORM_ETOOBIG);
	pst_form_free(&f);
	char val[PST_FORM_MAX_VALUE + 8];
	memset(val, 'x', sizeof val);
	val[0] = 'a';
	val[1] = '=';
	assert_int_equal(pst_form_parse(val, sizeof val, &f, NULL), PST_FORM_ETOOBIG);
	pst_form_free(&f);
	assert_int_equal(pst_form_parse("a=1&a=2&b=3", 11, &f, NULL), PST_FORM_OK);
	char buf[16];
	assert_true(pst_form_join(&f, "a", buf, sizeof buf));
	assert_string_equal(buf, "1,2");
	assert_int_equal(pst_form_count(&f, "a"), 2);
	assert_string_equal(pst_form_get(&f, "b"), "3");
	assert_null(pst_form_get(&f, "c"));
	assert_false(pst_form_join(&f, "a", buf, 3));
	pst_form_free(&f);
}

static void test_html_escapes(void **state)
{
	(void)state;
	struct pst_buf b;
	pst_buf_init(&b, 4096);
	pst_html_text(&b, "<script>alert('x') & \"y\"</script>");
	assert_string_equal(b.s, "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
	b.len = 0;
	pst_html_printf(&b, "<p class=\"%s\">%s %d %.1f %zu %lld %c%%</p>", "a\"b", "<i>", -3, 2.25,
			(size_t)7, 12345678901LL, '<');
	assert_string_equal(b.s, "<p class=\"a&quot;b\">&lt;i&gt; -3 2.2 7 12345678901 &lt;%</p>");
	b.len = 0;
	pst_html_printf(&b, "%.*s|", 3, "<<<<<");
	assert_string_equal(b.s, "&lt;&lt;&lt;|");
	b.len = 0;
	pst_html_attr(&b, "alt", "a<b");
	assert_string_equal(b.s, " alt=\"a&lt;b\"");
	b.len = 0;
	pst_html_url(&b, "a b/é?&");
	assert_string_equal(b.s, "a%20b%2F%C3%A9%3F%26");
	assert_false(b.failed);
	pst_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_cases),
		cmocka_unit_test(test_form_limits),
		cmocka_unit_test(test_html_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
