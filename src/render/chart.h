/* Charts of a person's history, drawn by cairo into any cairo_t (so one drawing makes
 * SVG, PNG and PDF pages): pain over time with the sessions and the meaningful-change
 * band, sessions a week against the plan, and the functional-scale (PSFS) scores. */
#ifndef PST_RENDER_CHART_H
#define PST_RENDER_CHART_H

#include <cairo.h>
#include <stdint.h>

#include "core/base.h"
#include "core/history.h"
#include "core/tracking.h"
#include "figure.h"

enum pst_chart_kind {
	PST_CHART_PAIN,     /* daily points, weekly mean, session days, meaningful-change band */
	PST_CHART_SESSIONS, /* sessions done each week against the plan's */
	PST_CHART_PSFS,     /* each activity's first and latest score */
	PST_CHART_ALL,      /* the three, one above the other */
	PST_CHART__MAX
};
extern const char *const pst_chart_names[PST_CHART__MAX]; /* "pain" "sessions" "psfs" "all" */

/* What the charts are drawn from; nothing is copied, nothing is freed. */
struct pst_chart_src {
	const struct pst_history *h;
	/* The logged sessions (any order, exercises not needed), for the session days on the
	 * pain chart; those outside h's range are left out. May be NULL with n 0. */
	const struct pst_session_log *sessions;
	size_t nsessions;
	/* The size of the text in the chart's units; 0 lets it grow with the width (w / 58,
	 * 7 to 15), which suits a picture shown whole. A page that shows the chart at its
	 * own width in CSS pixels sets it so the labels stay readable on a phone. */
	double text_px;
};

/* ---- the maths, exported for the tests ---- */

/* v in [d0, d1] mapped linearly onto [r0, r1] (d0 == d1 maps to the middle). */
double pst_chart_map(double v, double d0, double d1, double r0, double r1);

/* An axis from 0 to top in steps of step (1, 2 or 5 times a power of ten), top the
 * first step at or above max (at least one step), with at most max_ticks + 1 ticks. */
struct pst_chart_axis {
	double top, step;
	int nticks; /* ticks 0, step, ..., top */
};
void pst_chart_nice_axis(double max, int max_ticks, struct pst_chart_axis *out);

/*
 * The meaningful-change band of the pain chart (CLINICAL §8, as pst_history_build
 * judges it): *first is the first week with check-ins' mean, *threshold the weekly mean
 * at or below which the fall is meaningful: 2 points or 30% of *first below it,
 * whichever is smaller. Returns false (and leaves both alone) when no week has
 * check-ins or the first week's mean is 0, which leaves nothing to fall from.
 */
bool pst_chart_pain_band(const struct pst_history *h, double *first, double *threshold);

/* How the days of a date axis are labelled. */
enum pst_chart_tick_unit { PST_TICK_DAY, PST_TICK_WEEK, PST_TICK_MONTH };

/*
 * Ticks for a date axis over the days d0..d1 (both included): every 1 or 2 days, every
 * 1 or 2 weeks (Mondays), or every 1, 2, 3, 6 or 12 months (the 1st), the finest that
 * gives at most max ticks. Writes up to cap days to out, in order, sets *unit, and
 * returns how many were written.
 */
size_t pst_chart_day_ticks(int64_t d0, int64_t d1, int max, int64_t *out, size_t cap,
			   enum pst_chart_tick_unit *unit);

/* ---- drawing ---- */

/*
 * Draws chart k of src into the rectangle x, y, w, h of cr (any units; text scales with
 * the width), on a white ground, with its title, axes, labels and legend. A chart with
 * nothing to show says so in words ("No check-ins yet") instead of drawing empty axes.
 * Leaves cr's state as it found it.
 */
void pst_chart_draw(cairo_t *cr, enum pst_chart_kind k, const struct pst_chart_src *src,
		    double x, double y, double w, double h);

/* The height that suits chart k at width w (the PSFS chart grows with its activities). */
double pst_chart_height(enum pst_chart_kind k, const struct pst_chart_src *src, double w);

/* Appends a plain-words summary of chart k (for alt text and screen readers). */
void pst_chart_summary(struct pst_buf *b, enum pst_chart_kind k, const struct pst_chart_src *src);

/* Limits of a chart's size in pixels (both sides). */
enum { PST_CHART_MIN_PX = 120, PST_CHART_MAX_PX = 4096 };

/* The height in pixels to render chart k at w pixels wide: pst_chart_height, kept within
 * PST_CHART_MIN_PX..PST_CHART_MAX_PX, so that any width in those limits, with any text
 * size and any number of records (none included), gives a size pst_chart_render takes. */
int pst_chart_px_height(enum pst_chart_kind k, const struct pst_chart_src *src, int w);

/*
 * Renders chart k as SVG or PNG, w x h pixels, and appends the bytes to out (initialised
 * by the caller; a cap of PST_FIG_MAX_BYTES is enough). The SVG is a whole document
 * (an XML declaration first) with a <title> and role="img" for screen readers. Returns
 * PST_OK, PST_EINVAL (a size outside PST_CHART_MIN_PX..PST_CHART_MAX_PX) or PST_ENOMEM;
 * the same input gives the same bytes.
 */
int pst_chart_render(enum pst_chart_kind k, const struct pst_chart_src *src,
		     enum pst_fig_format fmt, int w, int h, struct pst_buf *out);

#endif
