/* Unit tests of the charts and the PDF documents: the chart maths (scales, ticks, the
 * meaningful-change band), empty data drawn as words, sizes, SVG fit to inline in HTML,
 * one chart against its golden picture, and PDFs that come out the same twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/history.h"
#include "core/planner.h"
#include "data/builtin.h"
#include "render/chart.h"
#include "render/document.h"

static const int64_t DAY0 = 20703; /* 2026-09-07, a Monday */

/* A check-in at noon UTC on day d. */
static struct pst_checkin at(int64_t d, int pain)
{
	return (struct pst_checkin){.at = {d * 86400 + 12 * 3600, 0}, .pain = pain, .areas = 1};
}

static struct pst_history *history(const struct pst_checkin *c, size_t n,
				   const struct pst_session_log *s, size_t ns,
				   const struct pst_psfs_activity *p, size_t np, int64_t today)
{
	struct pst_history_input in = {.checkins = c, .ncheckins = n, .sessions = s,
				       .nsessions = ns, .psfs = p, .npsfs = np,
				       .since = PST_HISTORY_ALL, .today = today};
	struct pst_history *h = NULL;
	assert_int_equal(pst_history_build(&in, &h), PST_OK);
	return h;
}

static void test_map_and_axis(void **state)
{
	(void)state;
	assert_true(fabs(pst_chart_map(5, 0, 10, 100, 0) - 50) < 1e-9);
	assert_true(fabs(pst_chart_map(0, 0, 10, 100, 0) - 100) < 1e-9);
	assert_true(fabs(pst_chart_map(3, 3, 3, 0, 10) - 5) < 1e-9); /* no range: the middle */
	static const struct {
		double max;
		int ticks;
		double top, step;
	} axes[] = {{3, 5, 3, 1}, {4, 5, 4, 1}, {7, 5, 8, 2}, {10, 5, 10, 2}, {11, 5, 15, 5},
		    {0, 5, 1, 1}, {-2, 5, 1, 1}, {49, 5, 50, 10}, {260, 6, 300, 50}};
	for (size_t i = 0; i < sizeof axes / sizeof *axes; i++) {
		struct pst_chart_axis ax;
		pst_chart_nice_axis(axes[i].max, axes[i].ticks, &ax);
		assert_true(fabs(ax.top - axes[i].top) < 1e-9);
		assert_true(fabs(ax.step - axes[i].step) < 1e-9);
		assert_true(ax.nticks <= axes[i].ticks);
		assert_true(ax.top >= axes[i].max);
	}
}

static void test_day_ticks(void **state)
{
	(void)state;
	int64_t t[64];
	enum pst_chart_tick_unit u;
	char buf[16];
	/* two weeks, room for 8: every second day from the first */
	size_t n = pst_chart_day_ticks(DAY0, DAY0 + 13, 8, t, 64, &u);
	assert_int_equal(u, PST_TICK_DAY);
	assert_int_equal(n, 7);
	assert_true(t[0] == DAY0 && t[1] == DAY0 + 2);
	/* eight weeks, room for 10: Mondays */
	n = pst_chart_day_ticks(DAY0 + 2, DAY0 + 57, 10, t, 64, &u);
	assert_int_equal(u, PST_TICK_WEEK);
	assert_int_equal(n, 8);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pst_day_weekday(t[i]), 0);
	assert_true(t[0] == DAY0 + 7);
	/* a year, room for 12: the 1st of each month */
	int64_t y0;
	assert_int_equal(pst_day_parse("2026-01-15", &y0), PST_OK);
	n = pst_chart_day_ticks(y0, y0 + 364, 12, t, 64, &u);
	assert_int_equal(u, PST_TICK_MONTH);
	assert_int_equal(n, 12);
	assert_string_equal(pst_day_format(t[0], buf, sizeof buf), "2026-02-01");
	assert_string_equal(pst_day_format(t[11], buf, sizeof buf), "2027-01-01");
	/* the same year, room for 4: every third month (January, April, July, October) */
	n = pst_chart_day_ticks(y0, y0 + 364, 4, t, 64, &u);
	assert_int_equal(n, 4);
	assert_string_equal(pst_day_format(t[0], buf, sizeof buf), "2026-04-01");
	assert_string_equal(pst_day_format(t[3], buf, sizeof buf), "2027-01-01");
	/* thirty years, room for 5: the cap of out holds */
	n = pst_chart_day_ticks(y0, y0 + 30 * 365, 5, t, 3, &u);
	assert_int_equal(n, 3);
	assert_int_equal(pst_chart_day_ticks(10, 5, 5, t, 64, &u), 0);
}

/* The band agrees with the history's own verdict: a last week at the threshold is a
 * meaningful fall, one a little above it is not. */
static void test_band(void **state)
{
	(void)state;
	static const struct {
		int first[7];
		double want_first, want_thr;
	} cases[] = {
		{{5, 5, 5, 5, 5, 5, 5}, 5.0, 3.5}, /* 30% of 5 is 1.5: less than 2 points */
		{{8, 8, 8, 8, 8, 8, 8}, 8.0, 6.0}, /* 2 points is less than 30% of 8 */
		{{1, 1, 1, 1, 1, 1, 1}, 1.0, 0.7},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct pst_checkin c[7];
		for (int k = 0; k < 7; k++)
			c[k] = at(DAY0 + k, cases[i].first[k]);
		struct pst_history *h = history(c, 7, NULL, 0, NULL, 0, DAY0 + 6);
		double f = -1, thr = -1;
		assert_true(pst_chart_pain_band(h, &f, &thr));
		assert_true(fabs(f - cases[i].want_first) < 1e-9);
		assert_true(fabs(thr - cases[i].want_thr) < 1e-9);
		pst_history_free(h);
	}
	/* first week 5: a later week of 3.5 is meaningful, of 4 (two 4s... ) is not */
	struct pst_checkin c[4] = {at(DAY0, 5), at(DAY0 + 1, 5), at(DAY0 + 7, 3), at(DAY0 + 8, 4)};
	struct pst_history *h = history(c, 4, NULL, 0, NULL, 0, DAY0 + 8);
	double f, thr;
	assert_true(pst_chart_pain_band(h, &f, &thr));
	assert_true(h->pain.last_week_mean <= thr + 1e-9);
	assert_true(h->pain.meaningful);
	pst_history_free(h);
	c[2] = at(DAY0 + 7, 4);
	h = history(c, 4, NULL, 0, NULL, 0, DAY0 + 8);
	assert_true(h->pain.last_week_mean > thr);
	assert_false(h->pain.meaningful);
	pst_history_free(h);
	/* nothing to fall from, and no check-ins at all */
	struct pst_checkin z[2] = {at(DAY0, 0), at(DAY0 + 8, 3)};
	h = history(z, 2, NULL, 0, NULL, 0, DAY0 + 8);
	f = thr = -7;
	assert_false(pst_chart_pain_band(h, &f, &thr));
	assert_true(f == -7 && thr == -7);
	pst_history_free(h);
	h = history(NULL, 0, NULL, 0, NULL, 0, DAY0);
	assert_false(pst_chart_pain_band(h, &f, &thr));
	pst_history_free(h);
}

/* memmem, which C17 and POSIX lack. */
static const char *find(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

struct reader {
	const unsigned char *p;
	size_t left;
};

static cairo_status_t read_mem(void *closure, unsigned char *data, unsigned int len)
{
	struct reader *r = closure;
	if (len > r->left)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p, len);
	r->p += len;
	r->left -= len;
	return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *png_of(const struct pst_buf *b)
{
	struct reader r = {(const unsigned char *)b->s, b->len};
	cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_mem, &r);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	return s;
}

/* How many pixels of s are within 12 of the colour rgb. */
static long pixels_like(cairo_surface_t *s, int rgb)
{
	cairo_surface_flush(s);
	const unsigned char *d = cairo_image_surface_get_data(s);
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	int st = cairo_image_surface_get_stride(s);
	long n = 0;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			const unsigned char *px = d + y * st + 4 * x; /* BGRA in memory (little end) */
			if (abs(px[2] - (rgb >> 16 & 255)) <= 12 && abs(px[1] - (rgb >> 8 & 255)) <= 12 &&
			    abs(px[0] - (rgb & 255)) <= 12)
				n++;
		}
	return n;
}

/* With no records each chart says so in words: no points, lines or bars are drawn. */
static void test_empty(void **state)
{
	(void)state;
	struct pst_history *h = history(NULL, 0, NULL, 0, NULL, 0, DAY0);
	struct pst_chart_src src = {.h = h};
	for (int k = 0; k < PST_CHART__MAX; k++) {
		struct pst_buf b;
		pst_buf_init(&b, PST_FIG_MAX_BYTES);
		assert_int_equal(pst_chart_render(k, &src, PST_FIG_PNG, 400, 300, &b), PST_OK);
		cairo_surface_t *s = png_of(&b);
		assert_int_equal(pixels_like(s, 0x0b4f8a), 0); /* no weekly line, no bars */
		assert_int_equal(pixels_like(s, 0x3d76b3), 0); /* no daily points */
		assert_true(pixels_like(s, 0xf9f9f9) > 1000);  /* the grey "nothing yet" panel */
		cairo_surface_destroy(s);
		pst_buf_free(&b);
	}
	struct pst_buf b;
	pst_buf_init(&b, 4096);
	pst_chart_summary(&b, PST_CHART_PAIN, &src);
	assert_non_null(strstr(b.s, "no pain readings yet"));
	pst_buf_free(&b);
	pst_history_free(h);
}

/* Bands of rows of the grey panel (separated by rows without any) holding a pixel like rgb. */
static int row_bands(cairo_surface_t *s, int rgb)
{
	cairo_surface_flush(s);
	const unsigned char *d = cairo_image_surface_get_data(s);
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	int st = cairo_image_surface_get_stride(s), bands = 0;
	bool in = false;
	for (int y = 0; y < h; y++) {
		bool hit = false;
		int panel = 0; /* pixels of the grey "nothing yet" panel in this row */
		for (int x = 0; x < w; x++) {
			const unsigned char *px = d + y * st + 4 * x;
			hit = hit || (abs(px[2] - (rgb >> 16 & 255)) <= 12 && abs(px[1] - (rgb >> 8 & 255)) <= 12 &&
				      abs(px[0] - (rgb & 255)) <= 12);
			panel += px[0] == 0xf9 && px[1] == 0xf9 && px[2] == 0xf9;
		}
		hit = hit && panel > w / 2;
		if (hit && !in)
			bands++;
		in = hit;
	}
	return bands;
}

/* On a phone's chart (340 wide, 11-unit text) the "nothing yet" sentence is too long for
 * one line: it wraps, whole, under its heading, rather than ending "week by we...". */
static void test_empty_narrow(void **state)
{
	(void)state;
	struct pst_history *h = history(NULL, 0, NULL, 0, NULL, 0, DAY0);
	struct pst_chart_src src = {.h = h, .text_px = 11};
	static const enum pst_chart_kind kinds[] = {PST_CHART_PAIN, PST_CHART_SESSIONS, PST_CHART_PSFS};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		struct pst_buf b;
		pst_buf_init(&b, PST_FIG_MAX_BYTES);
		int ch = pst_chart_px_height(kinds[i], &src, 340);
		assert_int_equal(pst_chart_render(kinds[i], &src, PST_FIG_PNG, 340, ch, &b), PST_OK);
		cairo_surface_t *s = png_of(&b);
		/* the heading, then the sentence on two lines or more: three bands of grey text */
		assert_true(row_bands(s, 0x595959) >= 3);
		cairo_surface_destroy(s);
		pst_buf_free(&b);
	}
	pst_history_free(h);
}

/* Eight weeks: a check-in a day falling from 6 to 3, sessions Mon/Wed/Fri, two PSFS
 * activities rated twice. */
struct story {
	struct pst_checkin c[56];
	struct pst_session_log s[24];
	struct pst_psfs_rating r[2][2];
	struct pst_psfs_activity a[2];
	struct pst_saved_profile sp;
	struct pst_history *h;
};

static void story_build(struct story *st)
{
	memset(st, 0, sizeof *st);
	size_t ns = 0;
	for (int d = 0; d < 56; d++) {
		st->c[d] = at(DAY0 + d, 6 - d * 3 / 55 + (d % 3 == 1));
		if ((d % 7 == 0 || d % 7 == 2 || d % 7 == 4) && d != 11)
			st->s[ns++] = (struct pst_session_log){.at = {(DAY0 + d) * 86400 + 18 * 3600, 0},
							       .pain_before = 5, .pain_after = 4};
	}
	for (int i = 0; i < 2; i++) {
		st->r[i][0] = (struct pst_psfs_rating){{DAY0 * 86400 + 3600, 0}, 3 + i};
		st->r[i][1] = (struct pst_psfs_rating){{(DAY0 + 50) * 86400 + 3600, 0}, 7 - i * 2};
		st->a[i] = (struct pst_psfs_activity){.id = i + 1, .activity = i ? "carry the car seat"
										 : "feed the baby",
						      .ratings = st->r[i], .nratings = 2};
	}
	pst_profile_init(&st->sp.p);
	st->sp.p.has_stage = true;
	st->sp.p.stage = PST_STAGE_POSTPARTUM;
	st->sp.p.weeks = 10;
	st->sp.p.birth = PST_BIRTH_VAGINAL;
	st->sp.p.minutes = 12;
	st->sp.anchor_day = DAY0 - 70;
	struct pst_history_input in = {.checkins = st->c, .ncheckins = 56, .sessions = st->s,
				       .nsessions = ns, .psfs = st->a, .npsfs = 2,
				       .profile = &st->sp, .since = PST_HISTORY_ALL,
				       .today = DAY0 + 55};
	assert_int_equal(pst_history_build(&in, &st->h), PST_OK);
}

static void test_sizes(void **state)
{
	(void)state;
	struct story st;
	story_build(&st);
	struct pst_chart_src src = {.h = st.h, .sessions = st.s, .nsessions = 23};
	static const int sizes[][2] = {{120, 120}, {300, 200}, {800, 863}, {1600, 400}};
	for (int k = 0; k < PST_CHART__MAX; k++)
		for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
			struct pst_buf b;
			pst_buf_init(&b, PST_FIG_MAX_BYTES);
			assert_int_equal(pst_chart_render(k, &src, PST_FIG_PNG, sizes[i][0], sizes[i][1], &b),
					 PST_OK);
			cairo_surface_t *s = png_of(&b);
			assert_int_equal(cairo_image_surface_get_width(s), sizes[i][0]);
			assert_int_equal(cairo_image_surface_get_height(s), sizes[i][1]);
			cairo_surface_destroy(s);
			pst_buf_free(&b);
		}
	struct pst_buf b;
	pst_buf_init(&b, PST_FIG_MAX_BYTES);
	assert_int_equal(pst_chart_render(PST_CHART_PAIN, &src, PST_FIG_PNG, 119, 200, &b), PST_EINVAL);
	assert_int_equal(pst_chart_render(PST_CHART_PAIN, &src, PST_FIG_SVG, 200, 4097, &b), PST_EINVAL);
	assert_int_equal(pst_chart_render(PST_CHART__MAX, &src, PST_FIG_SVG, 200, 200, &b), PST_EINVAL);
	assert_int_equal(b.len, 0);
	/* the sizes the charts like grow with the width; PSFS with its activities */
	assert_true(pst_chart_height(PST_CHART_PAIN, &src, 800) > pst_chart_height(PST_CHART_PAIN, &src, 400));
	assert_true(pst_chart_height(PST_CHART_ALL, &src, 800) >
		    pst_chart_height(PST_CHART_PAIN, &src, 800) + pst_chart_height(PST_CHART_PSFS, &src, 800));
	/* a phone's chart keeps its text large, and grows taller to fit the axis under it */
	assert_int_equal(pst_chart_height(PST_CHART_PAIN, &src, 340), 143);
	struct pst_buf small;
	pst_buf_init(&small, PST_FIG_MAX_BYTES);
	assert_int_equal(pst_chart_render(PST_CHART_SESSIONS, &src, PST_FIG_SVG, 340, 200, &small), PST_OK);
	src.text_px = 11;
	assert_int_equal(pst_chart_height(PST_CHART_PAIN, &src, 340), 220);
	assert_int_equal(pst_chart_height(PST_CHART_SESSIONS, &src, 340), 143);
	assert_int_equal(pst_chart_render(PST_CHART_SESSIONS, &src, PST_FIG_SVG, 340, 200, &b), PST_OK);
	assert_true(b.len != small.len || memcmp(b.s, small.s, b.len) != 0);
	pst_buf_free(&small);
	pst_buf_free(&b);
	pst_history_free(st.h);
}

/*
 * Every chart at every size a page or the command line asks for, from zero records up:
 * 0, 1, 2 and many check-ins, sessions and PSFS activities (one rating each), at the
 * web's two drawings (340 wide with 11-unit text, 576 with 12.5), the command line's
 * 800 and the limits, renders at the height pst_chart_px_height gives it.
 */
static void test_every_size(void **state)
{
	(void)state;
	static const size_t counts[] = {0, 1, 2, 40};
	static const struct {
		int w;
		double text;
	} sizes[] = {{340, 11}, {576, 12.5}, {800, 0}, {PST_CHART_MIN_PX, 0}, {PST_CHART_MIN_PX, 11},
		     {PST_CHART_MAX_PX, 0}, {PST_CHART_MAX_PX, 12.5}};
	static const char *const names[] = {"feed the baby", "carry the car seat", "sleep",
					    "lift the washing basket", "sit at the desk"};
	for (size_t ci = 0; ci < sizeof counts / sizeof *counts; ci++) {
		size_t n = counts[ci], np = n < 5 ? n : 5;
		struct pst_checkin c[40];
		struct pst_session_log sl[40];
		struct pst_psfs_rating r[5];
		struct pst_psfs_activity a[5];
		for (size_t i = 0; i < n; i++) {
			c[i] = at(DAY0 + (int64_t)i, (int)(i % 7) + 2);
			sl[i] = (struct pst_session_log){.at = {(DAY0 + (int64_t)i) * 86400 + 18 * 3600, 0},
							 .pain_before = 4, .pain_after = 3};
		}
		for (size_t i = 0; i < np; i++) {
			r[i] = (struct pst_psfs_rating){{DAY0 * 86400 + 3600, 0}, (int)i + 3};
			a[i] = (struct pst_psfs_activity){.id = (int64_t)i + 1, .activity = names[i],
							  .ratings = &r[i], .nratings = 1};
		}
		struct pst_history *h = history(c, n, sl, n, a, np, DAY0 + (int64_t)(n ? n : 1));
		for (int k = 0; k < PST_CHART__MAX; k++)
			for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
				struct pst_chart_src src = {.h = h, .sessions = sl, .nsessions = n,
							    .text_px = sizes[si].text};
				int w = sizes[si].w, ht = pst_chart_px_height(k, &src, w);
				assert_true(ht >= PST_CHART_MIN_PX && ht <= PST_CHART_MAX_PX);
				struct pst_buf b;
				pst_buf_init(&b, PST_FIG_MAX_BYTES);
				int err = pst_chart_render(k, &src, PST_FIG_SVG, w, ht, &b);
				if (err)
					fail_msg("%s chart, %zu records, %d wide (text %g): %s",
						 pst_chart_names[k], n, w, sizes[si].text, pst_strerror(err));
				assert_true(b.len > 0);
				pst_buf_free(&b);
			}
		pst_history_free(h);
	}
}

/* Runs xmllint --noout on the bytes (skipped without xmllint). */
static void well_formed(const char *bytes, size_t len)
{
	const char *xl = getenv("PST_XMLLINT");
	if (!xl || !*xl)
		return;
	char tmp[] = "/tmp/pst-chart-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	close(fd);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s --noout %s", xl, tmp);
	int rc = system(cmd);
	unlink(tmp);
	assert_int_equal(rc, 0);
}

static void test_svg(void **state)
{
	(void)state;
	struct story st;
	story_build(&st);
	struct pst_chart_src src = {.h = st.h, .sessions = st.s, .nsessions = 23};
	struct pst_buf a, b;
	pst_buf_init(&a, PST_FIG_MAX_BYTES);
	pst_buf_init(&b, PST_FIG_MAX_BYTES);
	/* a whole document: the same bytes twice, well-formed, titled for screen readers */
	assert_int_equal(pst_chart_render(PST_CHART_ALL, &src, PST_FIG_SVG, 640, 700, &a), PST_OK);
	assert_int_equal(pst_chart_render(PST_CHART_ALL, &src, PST_FIG_SVG, 640, 700, &b), PST_OK);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.s, b.s, a.len);
	assert_true(strncmp(a.s, "<?xml", 5) == 0);
	assert_non_null(strstr(a.s, "role=\"img\""));
	assert_non_null(strstr(a.s, "<title>Pain from 2026-09-07 to 2026-11-01: Your average pain fell"));
	assert_non_null(strstr(a.s, "width=\"640"));
	well_formed(a.s, a.len);
	/* user text in the label is escaped */
	st.a[0].activity = "lift <b>&\"it\"";
	pst_history_free(st.h);
	struct pst_history_input in = {.checkins = st.c, .ncheckins = 56, .sessions = st.s,
				       .nsessions = 23, .psfs = st.a, .npsfs = 2, .profile = &st.sp,
				       .since = PST_HISTORY_ALL, .today = DAY0 + 55};
	assert_int_equal(pst_history_build(&in, &st.h), PST_OK);
	src.h = st.h;
	pst_buf_free(&b);
	pst_buf_init(&b, PST_FIG_MAX_BYTES);
	assert_int_equal(pst_chart_render(PST_CHART_PSFS, &src, PST_FIG_SVG, 600, 300, &b), PST_OK);
	assert_null(strstr(b.s, "<b>"));
	well_formed(b.s, b.len);
	pst_buf_free(&a);
	pst_buf_free(&b);
	pst_history_free(st.h);
}

/*
 * One chart against tests/golden/figures: pixels may differ a little (other cairo,
 * pango or freetype versions round differently), but at most 1.5% may differ by more
 * than 48 in a channel. PST_FIGURE_UPDATE=1 writes the golden instead.
 */
static void test_golden_chart(void **state)
{
	(void)state;
	const char *dir = getenv("PST_FIGURE_DIR");
	assert_non_null(dir);
	char path[512];
	snprintf(path, sizeof path, "%s/chart-all.png", dir);
	struct story st;
	story_build(&st);
	struct pst_chart_src src = {.h = st.h, .sessions = st.s, .nsessions = 23};
	struct pst_buf b;
	pst_buf_init(&b, PST_FIG_MAX_BYTES);
	assert_int_equal(pst_chart_render(PST_CHART_ALL, &src, PST_FIG_PNG, 480, 520, &b), PST_OK);
	const char *update = getenv("PST_FIGURE_UPDATE");
	if (update && strcmp(update, "1") == 0) {
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(b.s, 1, b.len, f), b.len);
		assert_int_equal(fclose(f), 0);
	} else {
		cairo_surface_t *got = png_of(&b);
		cairo_surface_t *want = cairo_image_surface_create_from_png(path);
		if (cairo_surface_status(want) != CAIRO_STATUS_SUCCESS) {
			print_error("cannot read %s\n", path);
			fail();
		}
		int w = cairo_image_surface_get_width(got), h = cairo_image_surface_get_height(got);
		assert_int_equal(cairo_image_surface_get_width(want), w);
		assert_int_equal(cairo_image_surface_get_height(want), h);
		cairo_surface_flush(got);
		cairo_surface_flush(want);
		const unsigned char *pg = cairo_image_surface_get_data(got);
		const unsigned char *pw = cairo_image_surface_get_data(want);
		int sg = cairo_image_surface_get_stride(got), sw = cairo_image_surface_get_stride(want);
		long bad = 0;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				bool off = false;
				for (int c = 0; c < 4; c++)
					off |= abs(pg[y * sg + 4 * x + c] - pw[y * sw + 4 * x + c]) > 48;
				bad += off;
			}
		if (bad * 1000 > (long)w * h * 15) {
			print_error("%ld of %d pixels differ from %s\n", bad, w * h, path);
			fail();
		}
		cairo_surface_destroy(got);
		cairo_surface_destroy(want);
	}
	pst_buf_free(&b);
	pst_history_free(st.h);
}

/* The PDFs: well begun and ended, titled, and the same bytes for the same input. */
static void test_documents(void **state)
{
	(void)state;
	struct pst_profile p;
	pst_profile_init(&p);
	p.has_stage = true;
	p.stage = PST_STAGE_PREGNANCY;
	p.weeks = 24;
	p.minutes = 10;
	struct pst_plan *plan = NULL;
	assert_int_equal(pst_plan_build(&pst_builtin_catalog, &pst_builtin_tips, &p, NULL, NULL, &plan),
			 PST_OK);
	struct pst_time now = {DAY0 * 86400 + 9 * 3600, 60};
	struct pst_buf a, b;
	pst_buf_init(&a, PST_DOC_MAX_BYTES);
	pst_buf_init(&b, PST_DOC_MAX_BYTES);
	for (int paper = 0; paper < PST_PAPER__MAX; paper++) {
		a.len = b.len = 0;
		assert_int_equal(pst_handout_pdf(plan, &pst_builtin_questions, paper, now, &a), PST_OK);
		assert_int_equal(pst_handout_pdf(plan, &pst_builtin_questions, paper, now, &b), PST_OK);
		assert_true(a.len > 1000 && strncmp(a.s, "%PDF-", 5) == 0);
		assert_non_null(find(a.s, a.len, "%%EOF"));
		assert_non_null(find(a.s, a.len, "(Your back exercise plan)"));
		assert_non_null(find(a.s, a.len, "/Creator (postura)"));
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.s, b.s, a.len);
	}
	assert_int_equal(pst_handout_pdf(plan, NULL, PST_PAPER__MAX, now, &a), PST_EINVAL);
	/* a cap too small: an error, and the buffer as it was */
	struct pst_buf small;
	pst_buf_init(&small, 4096);
	assert_int_equal(pst_handout_pdf(plan, NULL, PST_PAPER_A4, now, &small), PST_ENOMEM);
	assert_int_equal(small.len, 0);
	pst_buf_free(&small);
	pst_plan_free(plan);

	/* a report of nothing at all, and one of eight weeks */
	struct pst_history *h = history(NULL, 0, NULL, 0, NULL, 0, DAY0);
	struct pst_report_input in = {.h = h, .now = now, .paper = PST_PAPER_LETTER};
	a.len = 0;
	assert_int_equal(pst_report_pdf(&in, &a), PST_OK);
	assert_true(strncmp(a.s, "%PDF-", 5) == 0);
	pst_history_free(h);
	struct story st;
	story_build(&st);
	struct pst_profile today = pst_saved_profile_today(&st.sp, DAY0 + 55);
	in = (struct pst_report_input){.h = st.h, .sessions = st.s, .nsessions = 23,
				       .saved = &st.sp, .today = &today, .now = now,
				       .paper = PST_PAPER_A4};
	a.len = b.len = 0;
	assert_int_equal(pst_report_pdf(&in, &a), PST_OK);
	assert_int_equal(pst_report_pdf(&in, &b), PST_OK);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.s, b.s, a.len);
	assert_non_null(find(a.s, a.len, "(Back pain progress report)"));
	pst_history_free(st.h);
	pst_buf_free(&a);
	pst_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_and_axis), cmocka_unit_test(test_day_ticks),
		cmocka_unit_test(test_band),         cmocka_unit_test(test_empty),
		cmocka_unit_test(test_empty_narrow),
		cmocka_unit_test(test_sizes),        cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_golden_chart), cmocka_unit_test(test_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
