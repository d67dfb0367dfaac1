/*
 * Charts of a person's history. Everything is drawn in the units of the cairo_t it is
 * given, with text sized from the chart's width, so the same code makes a 800 px PNG,
 * an SVG for the web page and a 17 cm wide chart on a PDF page.
 */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairox.h"

const char *const pst_chart_names[PST_CHART__MAX] = {"pain", "sessions", "psfs", "all"};

/* Colours: every mark at least 3:1 against white and every text at least 4.5:1
 * (WCAG 2.1, 1.4.3 and 1.4.11); the band's tint is a ground, its edge the mark. */
struct rgb {
	double r, g, b;
};
#define RGB(hex) {((hex) >> 16 & 255) / 255.0, ((hex) >> 8 & 255) / 255.0, ((hex) & 255) / 255.0}
static const struct rgb C_BG = RGB(0xffffff), C_TEXT = RGB(0x1f1f1f), C_MUTED = RGB(0x595959),
			C_GRID = RGB(0xe3e3e3), C_AXIS = RGB(0x8a8a8a), C_WEEKLY = RGB(0x0b4f8a),
			C_DAILY = RGB(0x3d76b3), C_SESSION = RGB(0xb35300),
			C_BAND = RGB(0xdcefe1), C_BAND_EDGE = RGB(0x1b7a3d), C_BAND_TEXT = RGB(0x17632f),
			C_FIRST = RGB(0x6e6e6e), C_PLANNED = RGB(0xeeeeee),
			C_PLANNED_EDGE = RGB(0x6b6b6b), C_PSFS_FIRST = RGB(0xa7c1dd),
			C_PSFS_FIRST_EDGE = RGB(0x4f77a3), C_WORSE = RGB(0xb3261e);

static const char FONT[] = "DejaVu Sans, Sans";

static void set_rgb(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* ---- the maths ---- */

double pst_chart_map(double v, double d0, double d1, double r0, double r1)
{
	if (d1 == d0)
		return (r0 + r1) / 2;
	return r0 + (v - d0) * (r1 - r0) / (d1 - d0);
}

void pst_chart_nice_axis(double max, int max_ticks, struct pst_chart_axis *out)
{
	if (!(max > 0))
		max = 1;
	if (max_ticks < 1)
		max_ticks = 1;
	static const double mult[] = {1, 2, 5};
	double step = 1;
	/* The smallest step of 1, 2, 5 x 10^k (k >= 0: these are counts and scores) that
	 * covers max in at most max_ticks steps. */
	for (double p = 1; p < 1e12; p *= 10) {
		bool found = false;
		for (size_t i = 0; i < 3; i++) {
			step = mult[i] * p;
			if (ceil(max / step) <= max_ticks) {
				found = true;
				break;
			}
		}
		if (found)
			break;
	}
	out->step = step;
	out->nticks = (int)ceil(max / step - 1e-9);
	if (out->nticks < 1)
		out->nticks = 1;
	out->top = step * out->nticks;
}

bool pst_chart_pain_band(const struct pst_history *h, double *first, double *threshold)
{
	for (size_t i = 0; i < h->nweekly; i++) {
		const struct pst_history_week *w = &h->weekly[i];
		if (!w->checkins)
			continue;
		if (!(w->mean > 0))
			return false;
		double drop = fmin(PST_NPRS_MEANINGFUL_POINTS, PST_NPRS_MEANINGFUL_FRACTION * w->mean);
		*first = w->mean;
		*threshold = w->mean - drop;
		return true;
	}
	return false;
}

/* A day's civil date (the year fits an int for any chart's range). */
static void civil(int64_t z, int *y, int *m, int *d)
{
	int64_t yy;
	pst_day_civil(z, &yy, m, d);
	*y = (int)yy;
}

size_t pst_chart_day_ticks(int64_t d0, int64_t d1, int max, int64_t *out, size_t cap,
			   enum pst_chart_tick_unit *unit)
{
	static const struct {
		enum pst_chart_tick_unit unit;
		int n;
	} steps[] = {{PST_TICK_DAY, 1},   {PST_TICK_DAY, 2},   {PST_TICK_WEEK, 1},
		     {PST_TICK_WEEK, 2},  {PST_TICK_MONTH, 1}, {PST_TICK_MONTH, 2},
		     {PST_TICK_MONTH, 3}, {PST_TICK_MONTH, 6}, {PST_TICK_MONTH, 12}};
	if (d1 < d0 || max < 1)
		return 0;
	int64_t span = d1 - d0 + 1;
	size_t pick = sizeof steps / sizeof *steps - 1;
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		double per = steps[i].unit == PST_TICK_DAY ? steps[i].n
			     : steps[i].unit == PST_TICK_WEEK ? 7.0 * steps[i].n
							       : 30.44 * steps[i].n;
		if (span / per <= max) {
			pick = i;
			break;
		}
	}
	*unit = steps[pick].unit;
	int n = steps[pick].n;
	size_t k = 0;
	if (*unit == PST_TICK_DAY) {
		for (int64_t d = d0; d <= d1 && k < cap; d += n)
			out[k++] = d;
	} else if (*unit == PST_TICK_WEEK) {
		int64_t d = d0 + (7 - pst_day_weekday(d0)) % 7; /* the first Monday */
		for (; d <= d1 && k < cap; d += 7 * n)
			out[k++] = d;
	} else {
		int y, m, dd;
		civil(d0, &y, &m, &dd);
		int idx = y * 12 + (m - 1);
		if (dd > 1)
			idx++; /* the first 1st of a month in the range */
		if (n == 12)
			idx = (idx + 11) / 12 * 12; /* 1 January */
		else
			idx = (idx + n - 1) / n * n; /* months that are multiples of n */
		for (;; idx += n) {
			int64_t d = pst_day_from_civil(idx / 12, idx % 12 + 1, 1);
			if (d > d1 || k >= cap)
				break;
			out[k++] = d;
		}
	}
	return k;
}

/* ---- text ---- */

enum { LEFT, CENTER, RIGHT };

/* Sets one line of text with its top at y, aligned on x; returns its width. With maxw
 * > 0 the text is cut with an ellipsis to fit. */
static double text_at(cairo_t *cr, const char *s, double x, double y, double px, int align,
		      bool bold, struct rgb c, double maxw)
{
	PangoLayout *l = pst_pango_layout(cr, FONT, px);
	if (bold) {
		PangoFontDescription *fd = pango_font_description_copy(pango_layout_get_font_description(l));
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
		pango_layout_set_font_description(l, fd);
		pango_font_description_free(fd);
	}
	pango_layout_set_text(l, s, -1);
	if (maxw > 0) {
		pango_layout_set_width(l, (int)(maxw * PANGO_SCALE));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	PangoRectangle ink, logical;
	pango_layout_get_extents(l, &ink, &logical);
	double tw = (double)logical.width / PANGO_SCALE;
	double x0 = align == CENTER ? x - tw / 2 : align == RIGHT ? x - tw : x;
	set_rgb(cr, c);
	cairo_move_to(cr, x0 - (double)logical.x / PANGO_SCALE, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	return tw;
}

/* Sets wrapped text in width w with its top at y (at most maxlines lines, the last cut
 * with an ellipsis); returns the height used. */
static double text_wrapped(cairo_t *cr, const char *s, double x, double y, double w, double px,
			   int maxlines, struct rgb c)
{
	PangoLayout *l = pst_pango_layout(cr, FONT, px);
	pango_layout_set_text(l, s, -1);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	pango_layout_set_height(l, -maxlines);
	int tw, th;
	pango_layout_get_pixel_size(l, &tw, &th);
	set_rgb(cr, c);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	return th;
}

/* ---- shared parts ---- */

/* The font size of a chart w wide. */
/* The size of the chart's text: the source's own, or one that grows with the width. */
static double font_px(const struct pst_chart_src *src, double w)
{
	if (src->text_px > 0)
		return clampd(src->text_px, 6, 48);
	return clampd(w / 58.0, 7, 15);
}

struct legend {
	double x, y, px;
	cairo_t *cr;
	double x0, right; /* where lines start, and the edge that wraps them */
};

enum mark { M_DOT, M_LINE, M_TICK, M_BAND, M_BOX, M_BAR, M_DASH };

/* One legend entry: a small sample of the mark, then its words; entries run left to
 * right and wrap to a new line before the right edge. */
static void legend_item(struct legend *lg, enum mark m, struct rgb c, struct rgb edge,
			const char *words)
{
	cairo_t *cr = lg->cr;
	double px = lg->px, sw = px * 1.4, gap = px * 0.45;
	PangoLayout *l = pst_pango_layout(cr, FONT, px);
	pango_layout_set_text(l, words, -1);
	int tw, th;
	pango_layout_get_pixel_size(l, &tw, &th);
	g_object_unref(l);
	if (lg->x > lg->x0 && lg->x + sw + gap + tw > lg->right) {
		lg->x = lg->x0;
		lg->y += px * 1.45;
	}
	double cy = lg->y + px * 0.62;
	double x = lg->x;
	cairo_save(cr);
	switch (m) {
	case M_DOT:
		set_rgb(cr, c);
		cairo_arc(cr, x + sw / 2, cy, px * 0.28, 0, 2 * M_PI);
		cairo_fill(cr);
		break;
	case M_LINE:
	case M_DASH:
		set_rgb(cr, c);
		cairo_set_line_width(cr, m == M_LINE ? px * 0.22 : px * 0.12);
		if (m == M_DASH) {
			double dash[] = {px * 0.35, px * 0.25};
			cairo_set_dash(cr, dash, 2, 0);
		}
		cairo_move_to(cr, x, cy);
		cairo_line_to(cr, x + sw, cy);
		cairo_stroke(cr);
		if (m == M_LINE) {
			cairo_arc(cr, x + sw / 2, cy, px * 0.3, 0, 2 * M_PI);
			cairo_fill(cr);
		}
		break;
	case M_TICK:
		set_rgb(cr, c);
		cairo_rectangle(cr, x + sw / 2 - px * 0.14, cy - px * 0.45, px * 0.28, px * 0.9);
		cairo_fill(cr);
		break;
	case M_BAND:
	case M_BOX:
	case M_BAR:
		cairo_rectangle(cr, x + px * 0.1, cy - px * 0.42, sw - px * 0.2, px * 0.84);
		set_rgb(cr, c);
		cairo_fill_preserve(cr);
		set_rgb(cr, edge);
		cairo_set_line_width(cr, px * 0.1);
		if (m == M_BAR)
			cairo_new_path(cr);
		else
			cairo_stroke(cr);
		break;
	}
	cairo_restore(cr);
	text_at(cr, words, x + sw + gap, lg->y, px, LEFT, false, C_TEXT, 0);
	lg->x += sw + gap + tw + px * 1.3;
}

/* A chart with nothing to show: its title, a frame and what to do. */
static void empty_note(cairo_t *cr, double x, double y, double w, double h, double px,
		       const char *head, const char *line)
{
	cairo_save(cr);
	cairo_rectangle(cr, x + 0.5, y + 0.5, w - 1, h - 1);
	cairo_set_source_rgb(cr, 0.975, 0.975, 0.975);
	cairo_fill_preserve(cr);
	set_rgb(cr, C_GRID);
	cairo_set_line_width(cr, 1);
	cairo_stroke(cr);
	cairo_restore(cr);
	/* The line wraps (centred, up to three lines) rather than being cut with an ellipsis:
	 * on a phone's narrow chart it is a sentence too long for one line. */
	PangoLayout *l = pst_pango_layout(cr, FONT, px);
	pango_layout_set_text(l, line, -1);
	pango_layout_set_width(l, (int)(w * 0.9 * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	pango_layout_set_height(l, -3);
	int lw, lh;
	pango_layout_get_pixel_size(l, &lw, &lh);
	double hh = px * 1.3 * 1.3, gap = px * 0.4;
	double top = y + (h - (hh + gap + lh)) / 2;
	if (top < y + 2)
		top = y + 2;
	text_at(cr, head, x + w / 2, top, px * 1.3, CENTER, true, C_MUTED, w * 0.9);
	set_rgb(cr, C_MUTED);
	cairo_move_to(cr, x + w * 0.05, top + hh + gap);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
}

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static void day_label(int64_t d, enum pst_chart_tick_unit u, bool with_year, char *buf,
		      size_t size)
{
	int y, m, dd;
	civil(d, &y, &m, &dd);
	if (u == PST_TICK_MONTH)
		snprintf(buf, size, with_year ? "%s %d" : "%s", month_abbr[m - 1], y);
	else
		snprintf(buf, size, with_year ? "%d %s %d" : "%d %s", dd, month_abbr[m - 1], y);
}

/* Date labels under a plot over days [d0, d1] mapped onto [x0, x1]. */
static void date_axis(cairo_t *cr, int64_t d0, int64_t d1, double x0, double x1, double y,
		      double px)
{
	int64_t ticks[64];
	enum pst_chart_tick_unit unit;
	/* room for about one label per 6 font sizes (a label like "28 Nov" is ~3.5) */
	int max = (int)clampd((x1 - x0) / (px * 6.5), 1, 60);
	size_t n = pst_chart_day_ticks(d0, d1, max, ticks, 64, &unit);
	int last_year = -1;
	for (size_t i = 0; i < n; i++) {
		double x = pst_chart_map((double)ticks[i], (double)d0, (double)d1 + 1, x0, x1);
		int y0, m0, dd0;
		civil(ticks[i], &y0, &m0, &dd0);
		/* The year on the first label and where it turns. */
		bool with_year = last_year >= 0 && y0 != last_year;
		if (i == 0)
			with_year = unit == PST_TICK_MONTH || n == 1;
		last_year = y0;
		char buf[32];
		day_label(ticks[i], unit, with_year, buf, sizeof buf);
		cairo_save(cr);
		set_rgb(cr, C_AXIS);
		cairo_set_line_width(cr, fmax(px * 0.08, 0.6));
		cairo_move_to(cr, x, y);
		cairo_line_to(cr, x, y + px * 0.4);
		cairo_stroke(cr);
		cairo_restore(cr);
		/* a label at either end stays inside the chart */
		PangoLayout *l = pst_pango_layout(cr, FONT, px * 0.9);
		pango_layout_set_text(l, buf, -1);
		int tw, th;
		pango_layout_get_pixel_size(l, &tw, &th);
		g_object_unref(l);
		double lx = clampd(x, x0 - px * 1.8 + tw / 2.0, x1 + px * 0.7 - tw / 2.0);
		text_at(cr, buf, lx, y + px * 0.5, px * 0.9, CENTER, false, C_MUTED, 0);
	}
}

/* ---- pain ---- */

static int64_t pain_d0(const struct pst_history *h)
{
	/* at least two weeks wide, so a first week does not fill the whole chart */
	return h->today - h->since < 13 ? h->today - 13 : h->since;
}

static void draw_pain(cairo_t *cr, const struct pst_chart_src *src, double x, double y,
		      double w, double h)
{
	const struct pst_history *hs = src->h;
	double px = font_px(src, w);
	text_at(cr, "Pain, 0 to 10", x, y, px * 1.25, LEFT, true, C_TEXT, 0);
	double first = 0, thr = 0;
	bool band = pst_chart_pain_band(hs, &first, &thr);
	double top = y + px * 2.0;
	if (!hs->ndaily) {
		empty_note(cr, x, top, w, h - (top - y), px, "No pain readings yet",
			   "The pain you record, or give before a session, appears here, day by day.");
		return;
	}
	struct legend lg = {x, top, px * 0.9, cr, x, x + w};
	legend_item(&lg, M_DOT, C_DAILY, C_DAILY, "a day's pain");
	legend_item(&lg, M_LINE, C_WEEKLY, C_WEEKLY, "weekly average");
	legend_item(&lg, M_TICK, C_SESSION, C_SESSION, "session done");
	if (band) {
		char buf[96];
		snprintf(buf, sizeof buf, "meaningfully better: weekly average %.1f or less", thr);
		legend_item(&lg, M_BAND, C_BAND, C_BAND_EDGE, buf);
	}
	top = lg.y + px * 2.0;

	double left = x + px * 2.2, right = x + w - px * 0.8;
	double strip = px * 1.4, dates = px * 1.7;
	double bottom = y + h - dates - strip;
	int64_t d0 = pain_d0(hs), d1 = hs->today;
#define XD(d) pst_chart_map((double)(d), (double)d0, (double)d1 + 1, left, right)
#define YV(v) pst_chart_map((v), 0, 10, bottom, top)
	cairo_save(cr);
	/* grid and scale */
	cairo_set_line_width(cr, fmax(px * 0.07, 0.5));
	for (int v = 0; v <= 10; v += 2) {
		set_rgb(cr, v ? C_GRID : C_AXIS);
		cairo_move_to(cr, left, YV(v));
		cairo_line_to(cr, right, YV(v));
		cairo_stroke(cr);
		char buf[8];
		snprintf(buf, sizeof buf, "%d", v);
		text_at(cr, buf, left - px * 0.4, YV(v) - px * 0.6, px * 0.9, RIGHT, false, C_MUTED, 0);
	}
	/* the band: weekly averages at or below the threshold are a meaningful fall */
	if (band) {
		cairo_rectangle(cr, left, YV(thr), right - left, YV(0) - YV(thr));
		set_rgb(cr, C_BAND);
		cairo_fill(cr);
		double dash[] = {px * 0.45, px * 0.3};
		cairo_set_dash(cr, dash, 2, 0);
		cairo_set_line_width(cr, fmax(px * 0.12, 0.8));
		set_rgb(cr, C_BAND_EDGE);
		cairo_move_to(cr, left, YV(thr));
		cairo_line_to(cr, right, YV(thr));
		cairo_stroke(cr);
		set_rgb(cr, C_FIRST);
		cairo_move_to(cr, left, YV(first));
		cairo_line_to(cr, right, YV(first));
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
		char buf[96];
		snprintf(buf, sizeof buf, "first week %.1f", first);
		text_at(cr, buf, right - px * 0.3, YV(first) - px * 1.25, px * 0.85, RIGHT, false,
			C_MUTED, 0);
	}
	/* session days, in a strip under the plot */
	double dayw = (right - left) / (double)(d1 - d0 + 1);
	double tw = clampd(dayw * 0.6, fmax(px * 0.08, 0.7), px * 0.3);
	set_rgb(cr, C_SESSION);
	for (size_t i = 0; i < src->nsessions; i++) {
		int64_t d = pst_time_day(src->sessions[i].at);
		if (d < d0 || d > d1)
			continue;
		double cx = XD(d) + dayw / 2;
		cairo_rectangle(cr, cx - tw / 2, bottom + px * 0.3, tw, strip - px * 0.5);
	}
	cairo_fill(cr);
	/* daily points */
	double r = clampd(dayw * 0.45, px * 0.14, px * 0.28);
	set_rgb(cr, C_DAILY);
	for (size_t i = 0; i < hs->ndaily; i++) {
		const struct pst_history_day *d = &hs->daily[i];
		if (d->day < d0 || d->day > d1)
			continue;
		cairo_new_sub_path(cr);
		cairo_arc(cr, XD(d->day) + dayw / 2, YV(d->mean), r, 0, 2 * M_PI);
	}
	cairo_fill(cr);
	/* weekly averages, the line broken across weeks without check-ins */
	set_rgb(cr, C_WEEKLY);
	cairo_set_line_width(cr, fmax(px * 0.2, 1.2));
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	bool pen = false;
	double wx[2048], wy[2048];
	size_t nw = 0;
	for (size_t i = 0; i < hs->nweekly; i++) {
		const struct pst_history_week *wk = &hs->weekly[i];
		if (!wk->checkins) {
			pen = false;
			continue;
		}
		double mid = clampd((double)wk->week_start + 3.5, (double)d0, (double)d1 + 1);
		double px_ = pst_chart_map(mid, (double)d0, (double)d1 + 1, left, right);
		double py_ = YV(wk->mean);
		if (pen)
			cairo_line_to(cr, px_, py_);
		else
			cairo_move_to(cr, px_, py_);
		pen = true;
		if (nw < sizeof wx / sizeof *wx) {
			wx[nw] = px_;
			wy[nw++] = py_;
		}
	}
	cairo_stroke(cr);
	double wr = clampd((right - left) / (double)(hs->nweekly ? hs->nweekly : 1) * 0.25,
			   fmax(px * 0.12, 1.0), px * 0.32);
	for (size_t i = 0; i < nw; i++) {
		cairo_new_sub_path(cr);
		cairo_arc(cr, wx[i], wy[i], wr, 0, 2 * M_PI);
	}
	cairo_fill(cr);
	cairo_restore(cr);
	date_axis(cr, d0, d1, left, right, bottom + strip, px);
#undef XD
#undef YV
}

/* ---- sessions a week ---- */

static void draw_sessions(cairo_t *cr, const struct pst_chart_src *src, double x, double y,
			  double w, double h)
{
	const struct pst_history *hs = src->h;
	double px = font_px(src, w);
	text_at(cr, "Sessions a week", x, y, px * 1.25, LEFT, true, C_TEXT, 0);
	const struct pst_adherence *ad = &hs->adherence;
	char sub[96] = "";
	if (ad->planned > 0)
		snprintf(sub, sizeof sub, "%d of %d planned (%.0f%%)", ad->done, ad->planned,
			 ad->percent);
	else
		snprintf(sub, sizeof sub, "%d done", ad->done);
	text_at(cr, sub, x + w, y + px * 0.25, px, RIGHT, false, C_MUTED, 0);
	double top = y + px * 2.0;
	int maxv = 0;
	for (size_t i = 0; i < hs->nweekly; i++) {
		const struct pst_history_week *wk = &hs->weekly[i];
		maxv = wk->sessions_done > maxv ? wk->sessions_done : maxv;
		maxv = wk->sessions_planned > maxv ? wk->sessions_planned : maxv;
	}
	if (!hs->nweekly || (ad->done == 0 && ad->planned <= 0)) {
		empty_note(cr, x, top, w, h - (top - y), px, "No sessions logged yet",
			   "Each session you log is counted here, week by week.");
		return;
	}
	struct legend lg = {x, top, px * 0.9, cr, x, x + w};
	legend_item(&lg, M_BAR, C_WEEKLY, C_WEEKLY, "done");
	if (ad->planned >= 0) {
		char buf[64];
		snprintf(buf, sizeof buf, "planned (%d a week)", ad->sessions_per_week);
		legend_item(&lg, M_BOX, C_PLANNED, C_PLANNED_EDGE, buf);
	}
	top = lg.y + px * 2.9; /* room for the counts above the tallest bars */
	struct pst_chart_axis ax;
	pst_chart_nice_axis(maxv < 4 ? 4 : maxv, 5, &ax);
	double left = x + px * 2.2, right = x + w - px * 0.8;
	double bottom = y + h - px * 2.0;
	int64_t d0 = hs->weekly[0].week_start, d1 = hs->weekly[hs->nweekly - 1].week_start + 6;
#define XD(d) pst_chart_map((double)(d), (double)d0, (double)d1 + 1, left, right)
#define YV(v) pst_chart_map((v), 0, ax.top, bottom, top)
	cairo_save(cr);
	cairo_set_line_width(cr, fmax(px * 0.07, 0.5));
	for (int i = 0; i <= ax.nticks; i++) {
		double v = ax.step * i;
		set_rgb(cr, i ? C_GRID : C_AXIS);
		cairo_move_to(cr, left, YV(v));
		cairo_line_to(cr, right, YV(v));
		cairo_stroke(cr);
		char buf[16];
		snprintf(buf, sizeof buf, "%g", v);
		text_at(cr, buf, left - px * 0.4, YV(v) - px * 0.6, px * 0.9, RIGHT, false, C_MUTED, 0);
	}
	double slot = (right - left) / (double)hs->nweekly;
	double bw = slot > 6 ? slot * 0.68 : slot * 0.85;
	double lw = fmax(fmin(px * 0.1, slot * 0.08), 0.4);
	for (size_t i = 0; i < hs->nweekly; i++) {
		const struct pst_history_week *wk = &hs->weekly[i];
		double cx = XD(wk->week_start) + slot / 2;
		if (wk->sessions_planned > 0) {
			cairo_rectangle(cr, cx - bw / 2 + lw / 2, YV(wk->sessions_planned), bw - lw,
					YV(0) - YV(wk->sessions_planned));
			set_rgb(cr, C_PLANNED);
			cairo_fill_preserve(cr);
			set_rgb(cr, C_PLANNED_EDGE);
			cairo_set_line_width(cr, lw);
			cairo_stroke(cr);
		}
		if (wk->sessions_done > 0) {
			double bw2 = wk->sessions_planned > 0 ? bw * 0.6 : bw;
			cairo_rectangle(cr, cx - bw2 / 2, YV(wk->sessions_done), bw2,
					YV(0) - YV(wk->sessions_done));
			set_rgb(cr, C_WEEKLY);
			cairo_fill(cr);
		}
		if (slot >= px * 1.6) {
			char buf[16];
			snprintf(buf, sizeof buf, "%d", wk->sessions_done);
			double top_v = wk->sessions_done > wk->sessions_planned ? wk->sessions_done
										 : wk->sessions_planned;
			text_at(cr, buf, cx, YV(top_v) - px * 1.2, px * 0.8, CENTER, false, C_TEXT, 0);
		}
	}
	cairo_restore(cr);
	date_axis(cr, d0, d1, left, right, bottom, px);
#undef XD
#undef YV
}

/* ---- PSFS ---- */

static double psfs_row_h(double px)
{
	return px * 3.3;
}

static void draw_psfs(cairo_t *cr, const struct pst_chart_src *src, double x, double y,
		      double w, double h)
{
	const struct pst_psfs_summary *s = &src->h->psfs;
	double px = font_px(src, w);
	/* the scale's meaning in the title when it fits (the axis shows 0 to 10 anyway) */
	text_at(cr, w >= px * 44 ? "Everyday activities (PSFS: 0 unable, 10 as before)"
				 : "Everyday activities (PSFS)",
		x, y, px * 1.25, LEFT, true, C_TEXT, w);
	double top = y + px * 2.0;
	if (!s->n) {
		empty_note(cr, x, top, w, h - (top - y), px, "No activities yet",
			   "Name the everyday activities your back makes hard, and rate them 0 to 10.");
		return;
	}
	struct legend lg = {x, top, px * 0.9, cr, x, x + w};
	legend_item(&lg, M_BOX, C_PSFS_FIRST, C_PSFS_FIRST_EDGE, "first rating");
	legend_item(&lg, M_BAR, C_WEEKLY, C_WEEKLY, "latest rating");
	top = lg.y + px * 2.0;
	double labw = w * 0.34, left = x + labw + px * 0.6, right = x + w - px * 7.5;
	double rowh = psfs_row_h(px);
	double bottom = top + rowh * (double)s->n;
#define XV(v) pst_chart_map((v), 0, 10, left, right)
	cairo_save(cr);
	cairo_set_line_width(cr, fmax(px * 0.07, 0.5));
	for (int v = 0; v <= 10; v += 2) {
		set_rgb(cr, v ? C_GRID : C_AXIS);
		cairo_move_to(cr, XV(v), top);
		cairo_line_to(cr, XV(v), bottom);
		cairo_stroke(cr);
		char buf[8];
		snprintf(buf, sizeof buf, "%d", v);
		text_at(cr, buf, XV(v), bottom + px * 0.3, px * 0.9, CENTER, false, C_MUTED, 0);
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct pst_psfs_change *a = &s->v[i];
		double ry = top + rowh * (double)i;
		text_wrapped(cr, a->activity, x, ry + px * 0.35, labw, px * 0.9, 2, C_TEXT);
		double bh = px * 1.0;
		if (!a->ratings) {
			text_at(cr, "not rated yet", left + px * 0.3, ry + px * 0.9, px * 0.9, LEFT, false,
				C_MUTED, 0);
			continue;
		}
		/* first, then latest */
		double y1 = ry + px * 0.45, y2 = y1 + bh + px * 0.25;
		cairo_rectangle(cr, XV(0), y1, fmax(XV(a->first) - XV(0), 0.5), bh);
		set_rgb(cr, C_PSFS_FIRST);
		cairo_fill_preserve(cr);
		set_rgb(cr, C_PSFS_FIRST_EDGE);
		cairo_set_line_width(cr, fmax(px * 0.08, 0.5));
		cairo_stroke(cr);
		char buf[64];
		snprintf(buf, sizeof buf, "%d", a->first);
		text_at(cr, buf, XV(a->first) + px * 0.3, y1 - px * 0.05, px * 0.8, LEFT, false, C_MUTED, 0);
		if (a->ratings > 1) {
			cairo_rectangle(cr, XV(0), y2, fmax(XV(a->latest) - XV(0), 0.5), bh);
			set_rgb(cr, C_WEEKLY);
			cairo_fill(cr);
			snprintf(buf, sizeof buf, "%d", a->latest);
			text_at(cr, buf, XV(a->latest) + px * 0.3, y2 - px * 0.05, px * 0.8, LEFT, true,
				C_TEXT, 0);
		}
		/* the change, at the right: meaningful in green, worse in red */
		if (a->ratings > 1) {
			snprintf(buf, sizeof buf, "%+d%s", a->change,
				 a->meaningful ? " better" : a->worse ? " worse" : "");
			text_at(cr, buf, x + w, ry + px * 0.9, px * 0.9, RIGHT, a->meaningful || a->worse,
				a->meaningful ? C_BAND_TEXT : a->worse ? C_WORSE : C_MUTED, 0);
		} else {
			text_at(cr, "one rating", x + w, ry + px * 0.9, px * 0.85, RIGHT, false, C_MUTED, 0);
		}
	}
	cairo_restore(cr);
#undef XV
}

double pst_chart_height(enum pst_chart_kind k, const struct pst_chart_src *src, double w)
{
	double px = font_px(src, w);
	switch (k) {
	/* a fixed proportion, but tall enough for the axis labels when the text is large */
	case PST_CHART_PAIN: return round(fmax(w * 0.42, px * 20));
	case PST_CHART_SESSIONS: return round(fmax(w * 0.3, px * 13));
	case PST_CHART_PSFS: {
		size_t n = src->h->psfs.n;
		return round(n ? px * 4.0 + psfs_row_h(px) * (double)n + px * 2.0 : px * 10);
	}
	default: break;
	}
	return pst_chart_height(PST_CHART_PAIN, src, w) + pst_chart_height(PST_CHART_SESSIONS, src, w) +
	       pst_chart_height(PST_CHART_PSFS, src, w) + 2 * round(px * 2.5);
}

int pst_chart_px_height(enum pst_chart_kind k, const struct pst_chart_src *src, int w)
{
	double h = pst_chart_height(k, src, w);
	if (!(h >= PST_CHART_MIN_PX)) /* NaN too */
		return PST_CHART_MIN_PX;
	return h > PST_CHART_MAX_PX ? PST_CHART_MAX_PX : (int)h;
}

void pst_chart_draw(cairo_t *cr, enum pst_chart_kind k, const struct pst_chart_src *src,
		    double x, double y, double w, double h)
{
	cairo_save(cr);
	cairo_rectangle(cr, x, y, w, h);
	set_rgb(cr, C_BG);
	cairo_fill(cr);
	switch (k) {
	case PST_CHART_PAIN: draw_pain(cr, src, x, y, w, h); break;
	case PST_CHART_SESSIONS: draw_sessions(cr, src, x, y, w, h); break;
	case PST_CHART_PSFS: draw_psfs(cr, src, x, y, w, h); break;
	default: {
		/* the three, sized as they like and scaled together to fit h */
		double px = font_px(src, w), gap = round(px * 2.5);
		double hp = pst_chart_height(PST_CHART_PAIN, src, w),
		       hs = pst_chart_height(PST_CHART_SESSIONS, src, w),
		       hf = pst_chart_height(PST_CHART_PSFS, src, w);
		double k2 = (h - 2 * gap) / (hp + hs + hf);
		if (k2 <= 0)
			break;
		draw_pain(cr, src, x, y, w, hp * k2);
		draw_sessions(cr, src, x, y + hp * k2 + gap, w, hs * k2);
		draw_psfs(cr, src, x, y + (hp + hs) * k2 + 2 * gap, w, hf * k2);
		break;
	}
	}
	cairo_restore(cr);
}

void pst_chart_summary(struct pst_buf *b, enum pst_chart_kind k, const struct pst_chart_src *src)
{
	const struct pst_history *h = src->h;
	char d0[16], d1[16];
	if (k == PST_CHART_PAIN || k == PST_CHART_ALL)
		pst_buf_printf(b, "Pain from %s to %s: %s", pst_day_format(h->since, d0, sizeof d0),
			       pst_day_format(h->today, d1, sizeof d1),
			       h->ndaily ? h->pain.statement : "no pain readings yet.");
	if (k == PST_CHART_ALL)
		pst_buf_puts(b, " ");
	if (k == PST_CHART_SESSIONS || k == PST_CHART_ALL)
		pst_buf_printf(b, "Sessions a week: %s", h->adherence.statement);
	if (k == PST_CHART_ALL)
		pst_buf_puts(b, " ");
	if (k == PST_CHART_PSFS || k == PST_CHART_ALL)
		pst_buf_printf(b, "Everyday activities (PSFS): %s", h->psfs.statement);
}

/* ---- files ---- */

static bool size_ok(int w, int h)
{
	return w >= PST_CHART_MIN_PX && h >= PST_CHART_MIN_PX && w <= PST_CHART_MAX_PX &&
	       h <= PST_CHART_MAX_PX;
}

/* Appends s with the five XML specials escaped. */
static void xml_escape(struct pst_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': pst_buf_puts(b, "&amp;"); break;
		case '<': pst_buf_puts(b, "&lt;"); break;
		case '>': pst_buf_puts(b, "&gt;"); break;
		case '"': pst_buf_puts(b, "&quot;"); break;
		case '\'': pst_buf_puts(b, "&#39;"); break;
		default: pst_buf_add(b, s, 1);
		}
	}
}

struct chart_job {
	enum pst_chart_kind k;
	const struct pst_chart_src *src;
};

static void draw_job(cairo_t *cr, const void *ctx, int w, int h)
{
	const struct chart_job *j = ctx;
	/* a margin of white around a picture that stands alone */
	double pad = round(font_px(j->src, w) * 0.8);
	cairo_rectangle(cr, 0, 0, w, h);
	set_rgb(cr, C_BG);
	cairo_fill(cr);
	pst_chart_draw(cr, j->k, j->src, pad, pad, w - 2 * pad, h - 2 * pad);
}

static int render_raw(enum pst_chart_kind k, const struct pst_chart_src *src,
		      enum pst_fig_format fmt, int w, int h, struct pst_buf *out)
{
	struct chart_job j = {k, src};
	return pst_cairo_render(fmt == PST_FIG_SVG, w, h, draw_job, &j, out);
}

/* Copies the SVG document in svg (len bytes) into out with role="img", an aria-label
 * and a <title> holding the summary on its <svg> element. */
static void svg_dress(struct pst_buf *out, const char *svg, size_t len, const char *summary)
{
	const char *s = svg, *end = svg + len;
	bool in_svg_tag = false, dressed = false;
	while (s < end) {
		if (!dressed && end - s > 4 && memcmp(s, "<svg", 4) == 0) {
			pst_buf_puts(out, "<svg role=\"img\" aria-label=\"");
			xml_escape(out, summary);
			pst_buf_puts(out, "\"");
			s += 4;
			in_svg_tag = true;
			continue;
		}
		if (in_svg_tag && *s == '>') {
			pst_buf_puts(out, ">\n<title>");
			xml_escape(out, summary);
			pst_buf_puts(out, "</title>");
			s++;
			in_svg_tag = false;
			dressed = true;
			continue;
		}
		pst_buf_add(out, s, 1);
		s++;
	}
}

static int render_svg(enum pst_chart_kind k, const struct pst_chart_src *src, int w, int h,
		      struct pst_buf *out)
{
	struct pst_buf raw, sum;
	pst_buf_init(&raw, out->max);
	pst_buf_init(&sum, 1 << 16);
	int err = render_raw(k, src, PST_FIG_SVG, w, h, &raw);
	pst_chart_summary(&sum, k, src);
	if (!err && sum.failed)
		err = PST_ENOMEM;
	if (!err) {
		size_t start = out->len;
		svg_dress(out, raw.s, raw.len, sum.s ? sum.s : "");
		if (out->failed) {
			out->len = start;
			if (out->s)
				out->s[start] = '\0';
			err = PST_ENOMEM;
		}
	}
	pst_buf_free(&raw);
	pst_buf_free(&sum);
	return err;
}

int pst_chart_render(enum pst_chart_kind k, const struct pst_chart_src *src,
		     enum pst_fig_format fmt, int w, int h, struct pst_buf *out)
{
	if (!size_ok(w, h) || k < 0 || k >= PST_CHART__MAX || fmt < 0 || fmt >= PST_FIG__MAX)
		return PST_EINVAL;
	if (fmt == PST_FIG_SVG)
		return render_svg(k, src, w, h, out);
	return render_raw(k, src, fmt, w, h, out);
}
