/*
 * The handout: a plan on paper, to print and keep by the mat. The safety boxes come
 * first, then the week to tick off, then one block per exercise (picture, dose, why,
 * steps), the daily relief break, the tips and the sources.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cite.h"
#include "document.h"
#include "figure.h"
#include "markdown.h"
#include "pdfdoc.h"
#include "plan.h"
#include "text.h"

static const char TITLE[] = "Your back exercise plan";

/* The start of the planner's "not screened" warning, shown instead as a box of its own. */
static const char NOT_SCREENED_WARNING[] = "You have not answered the safety questions";

/* Sources are numbered in the order the handout first cites them. */
enum { HANDOUT_MAX_SOURCES = 96 };

struct handout {
	const struct pst_plan *plan;
	const struct pst_questions *q;
	const char *ids[HANDOUT_MAX_SOURCES]; /* the sources cited, in that order */
	size_t nids;
};

struct ex_arg {
	const struct pst_plan_item *it;
	int num;
	bool pregnant; /* the person is: the figure has a bump */
	const struct handout *ho;
};


static const char *const day_names[PST_DAYS] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static const char *dose_words(struct pst_buf *b, const struct pst_dose *dose)
{
	pst_buf_init(b, 4096);
	pst_text_dose(b, dose);
	return b->s ? b->s : "";
}

/* Sets "<b>label</b> text" (text escaped) at x, y in width w; returns the height. */
static double labelled(struct pst_doc *d, double x, double y, double w, const char *label,
		       const char *text, const struct pst_font *f, bool draw)
{
	char *e = pst_doc_esc(text);
	struct pst_buf b;
	pst_buf_init(&b, 1 << 16);
	if (label)
		pst_buf_printf(&b, "<b>%s</b>  %s", label, e);
	else
		pst_buf_puts(&b, e);
	g_free(e);
	double h = pst_doc_text(d, x, y, w, b.s ? b.s : "", f, draw);
	pst_buf_free(&b);
	return h;
}

/* A list of items, each after a bullet (or its number), with a hanging indent. */
static double list(struct pst_doc *d, double x, double y, double w, const char *const *items,
		   size_t n, bool numbered, const struct pst_font *f, double gap, bool draw)
{
	double y0 = y, ind = numbered ? 15 : 11;
	struct pst_font nf = *f;
	nf.markup = false;
	for (size_t i = 0; i < n; i++) {
		char mark[16];
		snprintf(mark, sizeof mark, numbered ? "%zu." : "\xe2\x80\xa2", i + 1);
		pst_doc_text(d, x, y, ind, mark, &nf, draw);
		y += pst_doc_text(d, x + ind, y, w - ind, items[i], &nf, draw) + gap;
	}
	return y - y0;
}

/* ---- the first page ---- */

static double title_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct handout *ho = arg;
	const struct pst_plan *plan = ho->plan;
	double x = d->left, w = d->right - d->left, y0 = y;
	y += pst_doc_text(d, x, y, w, TITLE, &pst_font_title, draw) + 4;
	char words[96], line[320];
	struct pst_buf dur;
	pst_buf_init(&dur, 64);
	pst_text_duration(&dur, plan->estimated_s);
	snprintf(line, sizeof line,
		 "%s \xc2\xb7 %d-minute sessions, %d a week \xc2\xb7 the routine takes about %s",
		 pst_profile_stage_words(&plan->profile, words, sizeof words), plan->profile.minutes,
		 plan->sessions_per_week, dur.s ? dur.s : "");
	pst_buf_free(&dur);
	struct pst_font f = pst_font_subtitle;
	y += pst_doc_text(d, x, y, w, line, &f, draw) + 3;
	const char *screen = !plan->screened ? "not answered"
			     : plan->outcome == PST_OUT_CLEARANCE
				     ? "check with your doctor or midwife first"
			     : plan->outcome == PST_OUT_NOTE
				     ? "a note for your next appointment (see below)"
				     : "no warning signs";
	char when[48] = "";
	if (plan->screened && plan->has_screened_at) {
		char day[16];
		pst_day_format(pst_time_day(plan->screened_at), day, sizeof day);
		snprintf(when, sizeof when, " on %s", day);
	}
	snprintf(line, sizeof line, "Made on %s with postura. Safety questions: %s%s%s%s.",
		 d->date, plan->screened ? "answered" : "", when, plan->screened ? ", " : "",
		 screen);
	f = pst_font_small;
	f.markup = false;
	f.size = 9;
	y += pst_doc_text(d, x, y, w, line, &f, draw);
	y += 8;
	pst_doc_rule(d, x, d->right, y, PST_DOC_ACCENT, draw ? 1.5 : 0);
	return y + 2 - y0;
}

/* A coloured box with a heading and a list (or a paragraph when n is 0). */
struct callout {
	const char *head, *text, *foot;
	const char *const *items;
	size_t n;
	struct pst_rgb edge, fill;
	bool two_columns;
	double lw;
};

static double callout_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct callout *c = arg;
	if (draw)
		pst_doc_box(d, d->left, y, d->right - d->left, d->block_h, 5, c->fill, c->edge, c->lw);
	double pad = 9, x = d->left + pad, w = d->right - d->left - 2 * pad, y0 = y;
	y += pad - 1;
	struct pst_font hf = pst_font_h2;
	hf.color = c->edge;
	y += pst_doc_text(d, x, y, w, c->head, &hf, draw) + 5;
	struct pst_font bf = pst_font_body;
	bf.markup = false;
	bf.size = 8.5;
	bf.spacing = 0.3;
	if (c->text)
		y += pst_doc_text(d, x, y, w, c->text, &bf, draw) + 3;
	if (c->n && c->two_columns) {
		/* split where the two columns come out most even */
		double cw = (w - 14) / 2, best = 1e9;
		size_t half = (c->n + 1) / 2;
		for (size_t k = 1; k < c->n; k++) {
			double a = list(d, x, y, cw, c->items, k, false, &bf, 1.5, false);
			double b = list(d, x, y, cw, c->items + k, c->n - k, false, &bf, 1.5, false);
			if ((a > b ? a : b) < best - 0.01) {
				best = a > b ? a : b;
				half = k;
			}
		}
		double h1 = list(d, x, y, cw, c->items, half, false, &bf, 1.5, draw);
		double h2 = list(d, x + cw + 14, y, cw, c->items + half, c->n - half, false, &bf, 1.5,
				 draw);
		y += (h1 > h2 ? h1 : h2);
	} else if (c->n) {
		y += list(d, x, y, w, c->items, c->n, false, &bf, 1.5, draw);
	}
	if (c->foot) {
		struct pst_font ff = bf;
		ff.bold = true;
		y += 3 + pst_doc_text(d, x, y + 3, w, c->foot, &ff, draw);
	}
	return y + pad - 2 - y0;
}

/* ---- the week ---- */

static void checkbox(struct pst_doc *d, double x, double y, double s)
{
	pst_doc_box(d, x, y, s, s, 1.5, PST_RGB(0xffffff), PST_DOC_TEXT, 0.9);
}

static double week_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct handout *ho = arg;
	const struct pst_plan *plan = ho->plan;
	double x = d->left, w = d->right - d->left, y0 = y;
	double labw = 74, cw = (w - labw) / PST_DAYS, head = 27, rowh = 28;
	int weeks = 4;
	struct pst_font small = pst_font_small, lab = pst_font_label;
	small.markup = false;
	lab.size = 9;
	double gridh = head + rowh * weeks;
	if (draw) {
		/* session days tinted, the grid ruled */
		for (int k = 0; k < PST_DAYS; k++)
			if (plan->session_days[k])
				pst_doc_box(d, x + labw + cw * k, y, cw, gridh, 0, PST_DOC_TINT, PST_DOC_TINT, 0);
		for (int r = 0; r <= weeks; r++)
			pst_doc_rule(d, x, x + w, y + head + rowh * r, PST_DOC_RULE, r ? 0.6 : 1.0);
		for (int k = 0; k <= PST_DAYS; k++) {
			double cx = x + labw + cw * k;
			if (d->draw) {
				cairo_set_source_rgb(d->cr, 0.79, 0.79, 0.79);
				cairo_set_line_width(d->cr, 0.6);
				cairo_move_to(d->cr, cx, y);
				cairo_line_to(d->cr, cx, y + gridh);
				cairo_stroke(d->cr);
			}
		}
	}
	struct pst_font hf = lab;
	hf.align = 1;
	struct pst_font sf = small;
	sf.align = 1;
	sf.color = PST_DOC_ACCENT;
	for (int k = 0; k < PST_DAYS; k++) {
		double cx = x + labw + cw * k;
		pst_doc_text(d, cx, y + 4, cw, day_names[k], &hf, draw);
		pst_doc_text(d, cx, y + 17, cw, plan->session_days[k] ? "session day" : "", &sf, draw);
	}
	for (int r = 0; r < weeks; r++) {
		double ry = y + head + rowh * r;
		char buf[32];
		snprintf(buf, sizeof buf, "Week %d", r + 1);
		pst_doc_text(d, x + 4, ry + 4, labw, buf, &lab, draw);
		pst_doc_text(d, x + 4, ry + 16, labw, "from ........", &small, draw);
		for (int k = 0; k < PST_DAYS; k++) {
			double cx = x + labw + cw * k + 6;
			double cy = ry + 5;
			if (plan->session_days[k]) {
				if (draw)
					checkbox(d, cx, cy, 9);
				pst_doc_text(d, cx + 12, cy - 0.5, cw - 18, "session", &small, draw);
				cy += 12;
			} else {
				cy += 6;
			}
			if (draw)
				checkbox(d, cx, cy, 9);
			pst_doc_text(d, cx + 12, cy - 0.5, cw - 18, "break", &small, draw);
		}
	}
	return gridh + (y - y0);
}

/* ---- an exercise ---- */

/* The exercise block's type: condensed and smaller than the rest of the handout (8.2 pt
 * DejaVu Sans Condensed, whose tall lower case still reads easily on paper) so that three
 * exercises or more fit a page. Without the condensed face (fonts-dejavu-extra) pango
 * falls back to DejaVu Sans: the same text, a little longer. */
static const char CONDENSED[] = "DejaVu Sans Condensed, DejaVu Sans, Sans";
static const struct pst_font ex_text = {.size = 8.2, .color = PST_RGB_INIT(0x1f1f1f),
					.markup = true, .spacing = 0.2, .family = CONDENSED};
static const struct pst_font ex_label = {.size = 8.5, .bold = true,
					 .color = PST_RGB_INIT(0x0b4f8a)};
static const struct pst_font ex_caption = {.size = 6.4, .color = PST_RGB_INIT(0x555555),
					   .align = 1, .family = CONDENSED};
static const struct pst_font ex_source = {.size = 7.2, .color = PST_RGB_INIT(0x555555)};

/* Each pose is a panel this wide (about 20 mm: big enough to follow on paper), the
 * figure in it PANEL_FIG of that tall, its caption under it. */
static const double PANEL = 56, PANEL_FIG = 0.86, PANEL_GAP = 4;

/* How an exercise block is arranged; exercise_block tries several and keeps the shortest.
 * side: the pictures in a column of their own at the left, everything else beside them
 * (cols panels across); else the pictures in one row at the top left, the dose and why
 * beside them, the steps and cues across the whole block under both. frac: the steps'
 * share of the width they share with the cues. */
struct ex_shape {
	bool side;
	int cols;
	double frac;
};

/* The width of a grid of cols panels across. */
static double pics_width(int cols)
{
	return cols * PANEL + (cols - 1) * PANEL_GAP;
}

/* The pictures: every pose of the scene in a grid of cols panels across, each named
 * under it (so the words of a pose read in any size); returns the grid's height. */
static double pictures(struct pst_doc *d, double x, double y, const struct pst_scene *sc, int cols,
		       bool draw)
{
	if (!sc->n)
		return 0;
	/* One box and one scale for every pose, so the body keeps its size between them. */
	struct pst_fig_box box = {1e9, 1e9, -1e9, -1e9};
	for (size_t i = 0; i < sc->n; i++) {
		struct pst_fig_box b;
		pst_figure_bounds(sc, &sc->poses[i], &b);
		box.x0 = fmin(box.x0, b.x0);
		box.y0 = fmin(box.y0, b.y0);
		box.x1 = fmax(box.x1, b.x1);
		box.y1 = fmax(box.y1, b.y1);
	}
	double fh = PANEL * PANEL_FIG, y0 = y;
	for (size_t r = 0; r * (size_t)cols < sc->n; r++) {
		double caph = 0;
		for (size_t c = 0; c < (size_t)cols && r * cols + c < sc->n; c++) {
			size_t i = r * (size_t)cols + c;
			const struct pst_pose *p = &sc->poses[i];
			double px = x + (double)c * (PANEL + PANEL_GAP);
			if (draw && d->draw) {
				pst_doc_box(d, px, y, PANEL, fh, 2, PST_RGB(0xfbf8f3), PST_RGB(0xfbf8f3), 0);
				pst_figure_draw_pose(d->cr, sc, p, &box, px + 2, y + 2, PANEL - 4, fh - 4);
			}
			char text[128], cap[80];
			if (!p->caption)
				pst_pose_caption_from_name(p->name, cap, sizeof cap);
			snprintf(text, sizeof text, "%zu %s", i + 1, p->caption ? p->caption : cap);
			/* one panel across: its caption may use the gap beside it */
			double cx = cols == 1 ? px - 3 : px - 1, cw = cols == 1 ? PANEL + 9 : PANEL + 2;
			double h = pst_doc_text(d, cx, y + fh + 1, cw, text, &ex_caption, draw);
			if (h > caph)
				caph = h;
		}
		y += fh + 1 + caph + PANEL_GAP;
	}
	return y - PANEL_GAP - y0;
}

/* The dose, bold in a tinted box as wide as it needs (at most w), its right edge at
 * xr; returns its height and sets *bw to its width. */
static double dose_box(struct pst_doc *d, double xr, double y, double w, const struct pst_dose *dose,
		       double *bw, bool draw)
{
	struct pst_buf db;
	const char *words = dose_words(&db, dose);
	struct pst_font df = ex_text;
	df.size = 9.5;
	df.bold = true;
	df.markup = false;
	double tw = pst_doc_text_width(d, words, &df);
	if (tw > w - 12)
		tw = w - 12;
	double dh = pst_doc_text(d, 0, 0, tw + 0.5, words, &df, false) + 4;
	*bw = tw + 12;
	if (draw)
		pst_doc_box(d, xr - *bw, y, *bw, dh, 3, PST_DOC_TINT, PST_DOC_TINT, 0);
	pst_doc_text(d, xr - *bw + 6, y + 2, tw + 0.5, words, &df, draw);
	pst_buf_free(&db);
	return dh;
}

/* What kind of exercise (when the heading had no room for it), why, the cautions and
 * the latest change, one under the other in width w. */
static double about(struct pst_doc *d, double x, double y, double w, const struct pst_plan_item *it,
		    const char *meta, bool draw)
{
	double y0 = y;
	if (meta) {
		struct pst_font mf = pst_font_small;
		mf.markup = false;
		y += pst_doc_text(d, x, y, w, meta, &mf, draw) + 1.5;
	}
	y += labelled(d, x, y, w, "Why", it->why, &ex_text, draw) + 1.5;
	if (it->note)
		y += labelled(d, x, y, w, "From your clinician", it->note, &ex_text, draw) + 1.5;
	if (it->override_reason)
		y += labelled(d, x, y, w, "Your clinician's reason", it->override_reason, &ex_text, draw) +
		     1.5;
	for (size_t k = 0; k < it->ncautions; k++) {
		struct pst_font cf = ex_text;
		cf.color = PST_DOC_WARN;
		y += labelled(d, x, y, w, "Take care", it->cautions[k]->reason, &cf, draw) + 1.5;
	}
	if (it->progression)
		y += labelled(d, x, y, w, "Your progress", it->progression->reason, &ex_text, draw) + 1.5;
	return y - y0;
}

/* The steps and, beside them, what to keep in mind: frac of w for the steps. */
static double steps_cues(struct pst_doc *d, double x, double y, double w, const struct pst_exercise *e,
			 double frac, bool draw)
{
	double sw = e->cues.n ? w * frac : w, cw = w - sw - 10;
	double hs = pst_doc_text(d, x, y, sw, "How to do it", &ex_label, draw) + 1.5;
	hs += list(d, x, y + hs, sw, e->steps.v, e->steps.n, true, &ex_text, 0.5, draw);
	double hc = 0;
	if (e->cues.n) {
		hc = pst_doc_text(d, x + sw + 10, y, cw, "Keep in mind", &ex_label, draw) + 1.5;
		hc += list(d, x + sw + 10, y + hc, cw, e->cues.v, e->cues.n, false, &ex_text, 0.5, draw);
	}
	return hs > hc ? hs : hc;
}

/* The exercise's sources in short ("[2] Gurule n.d.; [5] Bandy et al. 1997"), each
 * numbered as in the list of sources at the end of the handout. */
static void short_sources(struct pst_buf *b, const struct handout *ho, const struct pst_exercise *e)
{
	pst_buf_puts(b, "Sources: ");
	for (size_t k = 0; k < e->sources.n; k++) {
		const struct pst_source *src = pst_sources_find(pst_cite_sources(), e->sources.v[k].id);
		if (!src)
			continue;
		size_t num = 0;
		for (size_t i = 0; i < ho->nids; i++)
			if (strcmp(ho->ids[i], src->id) == 0)
				num = i + 1;
		pst_buf_printf(b, "%s[%zu] %s %s", k ? "; " : "", num,
			       src->cite_as ? src->cite_as : src->author, src->year);
	}
}

/* The block laid out as shape s at x, y in width w; returns its height from y. */
static double exercise_shape(struct pst_doc *d, double x, double y, double w, const struct ex_arg *a,
			     const struct pst_scene *sc, const char *meta, const char *srct,
			     struct ex_shape s, bool draw)
{
	const struct pst_plan_item *it = a->it;
	const struct pst_exercise *e = it->ex;
	double y0 = y, gap = 10;
	if (s.side || !sc->n) {
		double pw = sc->n ? pics_width(s.cols) : 0;
		double ph = pictures(d, x, y, sc, s.cols, draw);
		double tx = x + (pw ? pw + gap : 0), tw = w - (tx - x);
		double th = about(d, tx, y, tw, it, meta, draw) + 1.5;
		th += steps_cues(d, tx, y + th, tw, e, s.frac, draw) + 2;
		th += pst_doc_text(d, tx, y + th, tw, srct, &ex_source, draw);
		return (ph > th ? ph : th);
	}
	double pw = pics_width((int)sc->n);
	double ph = pictures(d, x, y, sc, (int)sc->n, draw);
	double ah = about(d, x + pw + gap, y, w - pw - gap, it, meta, draw);
	y += (ph > ah ? ph : ah) + 3;
	y += steps_cues(d, x, y, w, e, s.frac, draw) + 2;
	y += pst_doc_text(d, x, y, w, srct, &ex_source, draw);
	return y - y0;
}

static double exercise_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct ex_arg *a = arg;
	const struct pst_plan_item *it = a->it;
	const struct pst_exercise *e = it->ex;
	if (draw)
		pst_doc_box(d, d->left, y, d->right - d->left, d->block_h, 5, PST_RGB(0xffffff),
			    PST_DOC_RULE, 0.8);
	double pad = 5, x = d->left + pad, w = d->right - d->left - 2 * pad, y0 = y;
	y += pad;
	/* the heading: a numbered badge, the name, and what kind of exercise */
	if (draw && d->draw) {
		cairo_arc(d->cr, x + 8, y + 7.5, 8, 0, 2 * G_PI);
		cairo_set_source_rgb(d->cr, 0.043, 0.31, 0.54);
		cairo_fill(d->cr);
	}
	char num[8];
	snprintf(num, sizeof num, "%d", a->num);
	struct pst_font nf = pst_font_label;
	nf.color = PST_RGB(0xffffff);
	nf.align = 1;
	nf.size = 9;
	pst_doc_text(d, x, y + 1.5, 16, num, &nf, draw);
	struct pst_buf meta;
	pst_buf_init(&meta, 1024);
	char kind[48];
	pst_buf_printf(&meta, "%s \xc2\xb7 %s",
		       pst_vocab_plain_cap(&pst_vocab_kind, (int)e->kind, kind, sizeof kind),
		       pst_vocab_plain(&pst_vocab_position, (int)e->position));
	if (e->equipment) {
		pst_buf_puts(&meta, " \xc2\xb7 ");
		pst_text_mask(&meta, &pst_vocab_equipment, e->equipment, "");
	}
	pst_buf_puts(&meta, " \xc2\xb7 about ");
	pst_text_duration(&meta, it->seconds);
	struct pst_font mf = pst_font_small;
	mf.markup = false;
	/* The name, the dose beside it at the right, and what kind of exercise between them
	 * when there is room (else it heads the text under the heading). */
	double metaw = pst_doc_text_width(d, meta.s ? meta.s : "", &mf);
	struct pst_font hf = pst_font_h2;
	hf.size = 11;
	double dosew;
	double doseh = dose_box(d, x + w, y, w * 0.5, &it->dose, &dosew, false);
	double namew = pst_doc_text_width(d, e->name, &hf);
	const char *meta_below = NULL;
	if (22 + namew + 12 + metaw + 12 + dosew > w) {
		meta_below = meta.s ? meta.s : "";
		if (namew > w - 22 - dosew - 12)
			namew = w - 22 - dosew - 12;
	}
	double hh = pst_doc_text(d, x + 22, y, namew + 1, e->name, &hf, draw);
	if (!meta_below)
		pst_doc_text(d, x + 22 + namew + 12, y + 3, metaw + 1, meta.s ? meta.s : "", &mf, draw);
	dose_box(d, x + w, y - 1, w * 0.5, &it->dose, &dosew, draw);
	if (doseh - 1 > hh)
		hh = doseh - 1;
	y += (hh > 16 ? hh : 16) + 3;

	struct pst_pose dressed[PST_POSES_MAX];
	struct pst_scene scene;
	pst_scene_dress(&e->scene, a->pregnant, dressed, &scene);
	struct pst_buf src;
	pst_buf_init(&src, 4096);
	short_sources(&src, a->ho, e);
	const char *srct = src.s ? src.s : "";

	/* The shape that makes the block shortest: the pictures beside everything (one or
	 * two panels across) or in a row at the top, and the split of steps and cues. */
	struct ex_shape best = {.side = true, .cols = 1, .frac = 0.58};
	double besth = 1e9;
	for (int k = 0; k < 3; k++) {
		struct ex_shape s = {.side = k < 2, .cols = k + 1};
		if (s.side && scene.n && (size_t)s.cols > scene.n)
			continue;
		if (!s.side && (!scene.n || pics_width((int)scene.n) > w * 0.6))
			continue;
		for (double fr = 0.5; fr < 0.75; fr += 0.04) {
			s.frac = fr;
			double h = exercise_shape(d, x, y, w, a, &scene, meta_below, srct, s, false);
			if (h < besth - 0.5) {
				besth = h;
				best = s;
			}
			if (!e->cues.n)
				break;
		}
	}
	y += exercise_shape(d, x, y, w, a, &scene, meta_below, srct, best, draw);
	pst_buf_free(&meta);
	pst_buf_free(&src);
	return y + pad - y0;
}

/* ---- two-column lists: the relief break, the optional floor exercises, the tips, the
 * sources ---- */

/* A cell of a two-column list: item drawn at x, y in width w; returns its height. */
typedef double (*cell_fn)(struct pst_doc *d, double x, double y, double w, const void *item, bool draw);

static const double PAIR_GAP = 16;

/* The height of the first item of such a list, for the heading kept with it. */
static double list_first(struct pst_doc *d, cell_fn fn, const void *items, size_t n)
{
	double cw = (d->right - d->left - PAIR_GAP) / 2;
	return n ? fn(d, d->left, d->y, cw, items, false) : 0;
}

/*
 * A list in two balanced columns, read down the first and then the second, broken into
 * as many such pieces as pages need: each piece holds as many items as fit in what is
 * left of the page. h holds the items' heights (with gap), measured once.
 */
struct columns {
	cell_fn fn;
	const char *v;
	size_t size, from, split, to;
	const double *h; /* with the gap under each */
	double gap;
};

static double span(const double *h, size_t from, size_t to)
{
	double t = 0;
	for (size_t i = from; i < to; i++)
		t += h[i];
	return t;
}

/* The split of items [from, to) into two columns that makes them shortest. */
static size_t balance(const double *h, size_t from, size_t to, double *height)
{
	size_t best = to;
	double besth = span(h, from, to);
	for (size_t k = from + 1; k < to; k++) {
		double a = span(h, from, k), b = span(h, k, to), m = a > b ? a : b;
		if (m < besth - 0.01) {
			besth = m;
			best = k;
		}
	}
	*height = besth;
	return best;
}

static double columns_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct columns *c = arg;
	double cw = (d->right - d->left - PAIR_GAP) / 2, y1 = y, y2 = y;
	for (size_t i = c->from; i < c->split; i++) {
		c->fn(d, d->left, y1, cw, c->v + i * c->size, draw);
		y1 += c->h[i];
	}
	for (size_t i = c->split; i < c->to; i++) {
		c->fn(d, d->left + cw + PAIR_GAP, y2, cw, c->v + i * c->size, draw);
		y2 += c->h[i];
	}
	return (y1 > y2 ? y1 : y2) - c->gap - y; /* the gap under the last: pst_doc_block's */
}

static void columns(struct pst_doc *d, cell_fn fn, const void *items, size_t size, size_t n, double gap)
{
	double cw = (d->right - d->left - PAIR_GAP) / 2, h[HANDOUT_MAX_SOURCES];
	if (n > HANDOUT_MAX_SOURCES)
		n = HANDOUT_MAX_SOURCES; /* longer than any list of the plan */
	for (size_t i = 0; i < n; i++)
		h[i] = fn(d, d->left, d->y, cw, (const char *)items + i * size, false) + gap;
	size_t from = 0;
	while (from < n) {
		/* the most items that fit in what is left of this page (at least one) */
		size_t to = from + 1, split;
		double height;
		if (d->y + h[from] - gap > d->bottom && d->y > d->top + 0.5)
			pst_doc_new_page(d);
		while (to < n) {
			balance(h, from, to + 1, &height);
			if (d->y + height - gap > d->bottom)
				break;
			to++;
		}
		split = balance(h, from, to, &height);
		struct columns c = {fn, items, size, from, split, to, h, gap};
		pst_doc_block(d, columns_block, &c, gap);
		from = to;
	}
}

/* A relief-break exercise: its last pose, the name and dose, what to do in a sentence. */
static double relief_cell(struct pst_doc *d, double x, double y, double w, const void *item, bool draw)
{
	const struct ex_arg *a = item;
	const struct pst_plan_item *it = a->it;
	const struct pst_exercise *e = it->ex;
	double pic = 44;
	struct pst_pose dressed[PST_POSES_MAX];
	struct pst_scene scene;
	pst_scene_dress(&e->scene, a->pregnant, dressed, &scene);
	if (scene.n && draw && d->draw) {
		cairo_save(d->cr);
		cairo_translate(d->cr, x, y);
		pst_figure_draw(d->cr, &scene, (int)scene.n - 1, (int)pic, (int)pic, false);
		cairo_restore(d->cr);
	}
	double tx = x + (scene.n ? pic + 8 : 0), tw = w - (tx - x);
	struct pst_buf db, m;
	const char *dose = dose_words(&db, &it->dose);
	char *name = pst_doc_esc(e->name), *de = pst_doc_esc(dose), *sum = pst_doc_esc(e->summary);
	pst_buf_init(&m, 1 << 14);
	pst_buf_printf(&m, "<b>%s</b> \xc2\xb7 %s\n%s", name, de, sum);
	g_free(name);
	g_free(de);
	g_free(sum);
	double th = pst_doc_text(d, tx, y, tw, m.s ? m.s : "", &ex_text, draw);
	pst_buf_free(&m);
	pst_buf_free(&db);
	return th > pic ? th : pic;
}

/* An optional floor exercise: its name, position and dose, what to do in a sentence, and
 * its cautions. */
static double optional_cell(struct pst_doc *d, double x, double y, double w, const void *item,
			    bool draw)
{
	const struct pst_plan_item *it = item;
	const struct pst_exercise *e = it->ex;
	struct pst_buf db, m;
	const char *dose = dose_words(&db, &it->dose);
	char *name = pst_doc_esc(e->name), *de = pst_doc_esc(dose), *sum = pst_doc_esc(e->summary);
	pst_buf_init(&m, 1 << 14);
	pst_buf_printf(&m, "<b>%s</b> (%s) \xc2\xb7 %s\n%s", name,
		       pst_vocab_plain(&pst_vocab_position, (int)e->position), de, sum);
	g_free(name);
	g_free(de);
	g_free(sum);
	for (size_t k = 0; k < it->ncautions; k++) {
		char *c = pst_doc_esc(it->cautions[k]->reason);
		pst_buf_printf(&m, "\n<span foreground=\"#7a4f00\"><b>Note</b> %s</span>", c);
		g_free(c);
	}
	double h = pst_doc_text(d, x, y, w, m.s ? m.s : "", &ex_text, draw);
	pst_buf_free(&m);
	pst_buf_free(&db);
	return h;
}

/* A tip on paper: its title and its first sentence, the gist; the whole tip is in the
 * app and 'postura tips show', and its sources are in the list of sources. */
static double tip_cell(struct pst_doc *d, double x, double y, double w, const void *item, bool draw)
{
	const struct pst_tip *t = *(const struct pst_tip *const *)item;
	struct pst_buf b;
	pst_buf_init(&b, 1 << 16);
	pst_markdown_text(&b, t->body, strlen(t->body), "", 100000);
	char none[1] = "";
	char *text = b.s ? b.s : none;
	while (*text == '\n')
		text++;
	char *end = strstr(text, "\n\n");
	if (end)
		*end = '\0';
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	for (char *c = text; *c; c++)
		if (*c == '\n')
			*c = ' ';
	/* its first sentence: the gist */
	char *stop = strstr(text + (n > 24 ? 24 : n), ". ");
	if (stop)
		stop[1] = '\0';

	char *title = pst_doc_esc(t->title), *body = pst_doc_esc(text);
	struct pst_buf m;
	pst_buf_init(&m, 1 << 16);
	pst_buf_printf(&m, "<b>%s.</b> %s", title, body);
	g_free(title);
	g_free(body);
	double h = pst_doc_text(d, x, y, w, m.s ? m.s : "", &ex_text, draw);
	pst_buf_free(&m);
	pst_buf_free(&b);
	return h;
}

/* A source in the list at the end: its number, citation and where to find it. */
static double source_cell(struct pst_doc *d, double x, double y, double w, const void *item, bool draw)
{
	struct pst_font f = ex_source;
	f.color = PST_DOC_TEXT;
	f.size = 7;
	return pst_doc_text(d, x, y, w, *(const char *const *)item, &f, draw);
}

/* A heading kept with what follows it: keep is the height of the first block under it,
 * so that a page never ends on a heading (measure it with the block's own function). */
static void heading(struct pst_doc *d, const char *text, double keep)
{
	double h = pst_doc_text(d, d->left, d->y, d->right - d->left, text, &pst_font_h1, false);
	pst_doc_need(d, h + 6 + keep);
	pst_doc_outline(d, text, true);
	pst_doc_text(d, d->left, d->y, d->right - d->left, text, &pst_font_h1, true);
	d->y += h + 6;
}

/* Adds s to the list v (n of cap) unless it is there. */
static void add_unique(const char **v, size_t *n, size_t cap, const char *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(v[i], s) == 0)
			return;
	if (*n < cap)
		v[(*n)++] = s;
}

static int layout(struct pst_doc *d, const void *arg)
{
	const struct handout *ho = arg;
	const struct pst_plan *plan = ho->plan;
	bool pregnant = plan->profile.has_stage && plan->profile.stage == PST_STAGE_PREGNANCY;
	const struct pst_questions *q = ho->q;
	pst_doc_block(d, title_block, ho, 10);

	if (!plan->screened) {
		struct callout c = {
			.head = "You have not answered the safety questions",
			.text = "Answer them before you start: run 'postura screen', or use the safety "
				"questions in the postura app. Some warning signs mean that you must "
				"see a professional before you exercise. Do not start this plan if any "
				"warning sign applies to you.",
			.edge = PST_DOC_STOP, .fill = PST_DOC_STOP_BG, .lw = 2.2};
		pst_doc_block(d, callout_block, &c, 8);
	}
	const char *warn[16];
	size_t nwarn = 0;
	for (size_t i = 0; i < plan->nwarnings && nwarn < 16; i++)
		if (strncmp(plan->warnings[i], NOT_SCREENED_WARNING, strlen(NOT_SCREENED_WARNING)) != 0)
			warn[nwarn++] = plan->warnings[i];
	if (nwarn) {
		struct callout c = {.head = "Before you start", .items = warn, .n = nwarn,
				    .edge = PST_DOC_WARN, .fill = PST_DOC_WARN_BG, .lw = 1.2};
		pst_doc_block(d, callout_block, &c, 8);
	}
	if (q) {
		const char *signs[64];
		size_t n = 0;
		for (size_t i = 0; i < q->n && n < 64; i++)
			if (q->v[i].stop_sign && (q->v[i].stages & PST_BIT(plan->profile.stage)))
				signs[n++] = q->v[i].stop_sign;
		/* The person's own numbers when their country is known (the profile's). */
		const struct pst_country *cy = pst_profile_country(&plan->profile);
		char foot[400];
		if (cy && cy->maternity)
			snprintf(foot, sizeof foot,
				 "Then contact your midwife, doctor or maternity unit straight away "
				 "(%s: %s). If it feels like an emergency, call %s.",
				 cy->maternity_name, cy->maternity, cy->emergency);
		else if (cy)
			snprintf(foot, sizeof foot,
				 "Then contact your midwife, doctor or maternity unit straight away. "
				 "If it feels like an emergency, call %s.",
				 cy->emergency);
		else
			snprintf(foot, sizeof foot,
				 "Then contact your midwife, doctor or maternity unit straight away. "
				 "If it feels like an emergency, call your emergency number.");
		struct callout c = {
			.head = "Stop at once and get help if you notice",
			.items = signs, .n = n, .two_columns = n > 5,
			.foot = foot,
			.edge = PST_DOC_STOP, .fill = PST_DOC_STOP_BG, .lw = 1.6};
		pst_doc_block(d, callout_block, &c, 12);
	}

	if (plan->assigned) { /* the clinician's programme, with their note */
		char *e = pst_doc_esc(plan->programme_note ? plan->programme_note
							   : "I chose the exercises and doses of this "
							     "programme for you.");
		struct pst_buf b;
		pst_buf_init(&b, 1 << 16);
		pst_buf_printf(&b, "<b>From your clinician</b>  %s", e);
		g_free(e);
		pst_doc_para(d, b.s ? b.s : "", &ex_text, 0, 6);
		pst_buf_free(&b);
	}

	{
		struct pst_buf b, dur, rel;
		pst_buf_init(&b, 4096);
		pst_buf_init(&dur, 64);
		pst_buf_init(&rel, 64);
		pst_text_duration(&dur, plan->estimated_s);
		pst_text_duration(&rel, plan->relief_s);
		pst_buf_printf(&b,
			       "<b>Session</b>: the whole routine below, about %s, on the shaded days. "
			       "<b>Break</b>: the daily relief break (about %s), once or twice a day, "
			       "whenever your back aches after feeding, holding or sitting.",
			       dur.s ? dur.s : "", rel.s ? rel.s : "");
		double w = d->right - d->left;
		heading(d, "Your week: tick a box each time",
			pst_doc_text(d, d->left, d->y, w, b.s ? b.s : "", &ex_text, false) + 4 +
				week_block(d, d->y, false, ho));
		pst_doc_para(d, b.s ? b.s : "", &ex_text, 0, 4);
		pst_buf_free(&b);
		pst_buf_free(&dur);
		pst_buf_free(&rel);
	}
	pst_doc_block(d, week_block, ho, 12);

	{
		struct pst_buf b;
		pst_buf_init(&b, 256);
		pst_buf_puts(&b, "The routine, in this order (about ");
		pst_text_duration(&b, plan->estimated_s);
		pst_buf_puts(&b, ")");
		struct ex_arg first = {&plan->items[0], 1, pregnant, ho};
		heading(d, b.s ? b.s : "The routine",
			plan->nitems ? exercise_block(d, d->y, false, &first) : 0);
		pst_buf_free(&b);
	}
	for (size_t i = 0; i < plan->nitems; i++) {
		struct ex_arg a = {&plan->items[i], (int)i + 1, pregnant, ho};
		pst_doc_outline(d, plan->items[i].ex->name, false);
		pst_doc_block(d, exercise_block, &a, 6);
	}

	if (plan->nrelief) {
		struct pst_buf b;
		pst_buf_init(&b, 256);
		pst_buf_puts(&b, "Daily relief break (about ");
		pst_text_duration(&b, plan->relief_s);
		pst_buf_puts(&b, ")");
		static const char intro[] = "When your back aches after feeding, holding or sitting, "
					    "and on the days without a session:";
		struct ex_arg relief[PST_PLAN_MAX_RELIEF];
		for (size_t i = 0; i < plan->nrelief; i++)
			relief[i] = (struct ex_arg){&plan->relief[i], (int)i + 1, pregnant, ho};
		heading(d, b.s ? b.s : "Daily relief break",
			pst_doc_text(d, d->left, d->y, d->right - d->left, intro, &ex_text, false) + 4 +
				list_first(d, relief_cell, relief, plan->nrelief));
		pst_buf_free(&b);
		pst_doc_para(d, intro, &ex_text, 0, 4);
		columns(d, relief_cell, relief, sizeof *relief, plan->nrelief, 6);
		d->y += 6;
	}

	if (plan->noptional) {
		/* Floor work in the first two weeks after birth: offered beside the routine,
		 * never in it (as 'postura plan' and Today offer it). */
		static const char intro[] = "In the first two weeks after birth these are not planned. "
					    "Try one only if getting down to the floor and up again is "
					    "comfortable; skip them if not.";
		heading(d, "Optional floor exercises (not part of your routine)",
			pst_doc_text(d, d->left, d->y, d->right - d->left, intro, &ex_text, false) + 4 +
				list_first(d, optional_cell, plan->optional, plan->noptional));
		pst_doc_para(d, intro, &ex_text, 0, 4);
		columns(d, optional_cell, plan->optional, sizeof *plan->optional, plan->noptional, 5);
		d->y += 6;
	}

	if (plan->ntips) {
		static const char intro[] = "The gist of each: the postura app (Tips) and 'postura tips "
					    "show' have them in full.";
		struct pst_font f = pst_font_small;
		f.markup = false;
		heading(d, "Everyday tips for you",
			pst_doc_text(d, d->left, d->y, d->right - d->left, intro, &f, false) + 4 +
				list_first(d, tip_cell, plan->tips, plan->ntips));
		pst_doc_para(d, intro, &f, 0, 4);
		columns(d, tip_cell, plan->tips, sizeof *plan->tips, plan->ntips, 5);
		d->y += 4;
	}

	{
		/* Every source the handout cites, once each, numbered in the order met (the
		 * exercises' short citations use these numbers): the readable citation and
		 * where to find it. */
		struct pst_buf cites[HANDOUT_MAX_SOURCES];
		size_t nc = 0;
		for (size_t s = 0; s < ho->nids; s++) {
			const struct pst_source *src = pst_sources_find(pst_cite_sources(), ho->ids[s]);
			struct pst_buf *b = &cites[nc++];
			pst_buf_init(b, 4096);
			pst_buf_printf(b, "[%zu] ", s + 1);
			if (!src) {
				pst_buf_puts(b, "an unlisted source");
				continue;
			}
			pst_source_cite(b, src);
			pst_buf_puts(b, ". ");
			pst_source_where(b, src);
			pst_buf_puts(b, ".");
		}
		/* In two columns, in small type: what the evidence is first, then the list. */
		static const char intro[] =
			"The exercises come from the articles below and published guidelines (ACOG "
			"Committee Opinion 804, the 2019 Canadian guideline, RCOG, NHS). No trial has "
			"yet tested exercise for upper or mid back pain in pregnancy or after birth: "
			"this programme is expert advice, built from the evidence on low back pain and "
			"posture.";
		struct pst_font f = pst_font_small;
		f.markup = false;
		f.color = PST_DOC_TEXT;
		const char *texts[HANDOUT_MAX_SOURCES];
		for (size_t s = 0; s < nc; s++)
			texts[s] = cites[s].s ? cites[s].s : "";
		static const char no_diagnosis[] = "postura does not diagnose. If something feels "
						   "wrong, stop and ask your doctor, midwife or "
						   "physiotherapist.";
		struct pst_font b = ex_text;
		b.markup = false;
		b.bold = true;
		double w = d->right - d->left;
		heading(d, "Sources",
			pst_doc_text(d, d->left, d->y, w, no_diagnosis, &b, false) + 3 +
				pst_doc_text(d, d->left, d->y, w, intro, &f, false) + 4 +
				list_first(d, source_cell, texts, nc));
		pst_doc_para(d, no_diagnosis, &b, 0, 3);
		pst_doc_para(d, intro, &f, 0, 4);
		columns(d, source_cell, texts, sizeof *texts, nc, 2);
		for (size_t s = 0; s < nc; s++)
			pst_buf_free(&cites[s]);
	}
	return PST_OK;
}

/* Every source the plan's exercises, cautions, relief break and tips cite, once each, in
 * the order met. */
static void collect_sources(struct handout *ho)
{
	const struct pst_plan *plan = ho->plan;
	const size_t cap = HANDOUT_MAX_SOURCES;
	for (size_t i = 0; i < plan->nitems; i++) {
		const struct pst_plan_item *it = &plan->items[i];
		for (size_t k = 0; k < it->ex->sources.n; k++)
			add_unique(ho->ids, &ho->nids, cap, it->ex->sources.v[k].id);
		for (size_t c = 0; c < it->ncautions; c++)
			for (size_t k = 0; k < it->cautions[c]->sources.n; k++)
				add_unique(ho->ids, &ho->nids, cap, it->cautions[c]->sources.v[k].id);
	}
	for (size_t i = 0; i < plan->nrelief; i++)
		for (size_t k = 0; k < plan->relief[i].ex->sources.n; k++)
			add_unique(ho->ids, &ho->nids, cap, plan->relief[i].ex->sources.v[k].id);
	for (size_t i = 0; i < plan->noptional; i++)
		for (size_t k = 0; k < plan->optional[i].ex->sources.n; k++)
			add_unique(ho->ids, &ho->nids, cap, plan->optional[i].ex->sources.v[k].id);
	for (size_t i = 0; i < plan->ntips; i++)
		for (size_t k = 0; k < plan->tips[i]->sources.n; k++)
			add_unique(ho->ids, &ho->nids, cap, plan->tips[i]->sources.v[k].id);
}

int pst_handout_pdf(const struct pst_plan *plan, const struct pst_questions *q,
		    enum pst_paper paper, struct pst_time now, struct pst_buf *out)
{
	struct handout ho = {.plan = plan, .q = q};
	collect_sources(&ho);
	/* Narrower margins than the report's (about 13 mm at the sides; printers leave 5) so
	 * that three exercises fit a page. */
	static const struct pst_doc_margins m = {38, 36, 46};
	return pst_doc_render_margins(paper, TITLE, now, &m, layout, &ho, out);
}
