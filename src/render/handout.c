/*
 * The handout: a plan on paper, to print and keep by the mat. The safety boxes come
 * first, then the week to tick off, then one block per exercise (picture, dose, why,
 * steps), the daily relief break, the tips and the sources.
 */
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

struct handout {
	const struct pst_plan *plan;
	const struct pst_questions *q;
};

struct ex_arg {
	const struct pst_plan_item *it;
	int num;
	bool pregnant; /* the person is: the figure has a bump */
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
	nf.spacing = 0.4;
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
	double pad = 11, x = d->left + pad, w = d->right - d->left - 2 * pad, y0 = y;
	y += pad - 1;
	struct pst_font hf = pst_font_h2;
	hf.color = c->edge;
	y += pst_doc_text(d, x, y, w, c->head, &hf, draw) + 5;
	struct pst_font bf = pst_font_body;
	bf.markup = false;
	if (c->text)
		y += pst_doc_text(d, x, y, w, c->text, &bf, draw) + 3;
	if (c->n && c->two_columns) {
		size_t half = (c->n + 1) / 2;
		double cw = (w - 14) / 2;
		double h1 = list(d, x, y, cw, c->items, half, false, &bf, 2.5, draw);
		double h2 = list(d, x + cw + 14, y, cw, c->items + half, c->n - half, false, &bf, 2.5,
				 draw);
		y += (h1 > h2 ? h1 : h2);
	} else if (c->n) {
		y += list(d, x, y, w, c->items, c->n, false, &bf, 2.5, draw);
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
	double labw = 74, cw = (w - labw) / PST_DAYS, head = 30, rowh = 40;
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
		pst_doc_text(d, x + 4, ry + 6, labw, buf, &lab, draw);
		pst_doc_text(d, x + 4, ry + 21, labw, "from ........", &small, draw);
		for (int k = 0; k < PST_DAYS; k++) {
			double cx = x + labw + cw * k + 6;
			double cy = ry + 7;
			if (plan->session_days[k]) {
				if (draw)
					checkbox(d, cx, cy, 9);
				pst_doc_text(d, cx + 12, cy - 0.5, cw - 18, "session", &small, draw);
				cy += 14;
			} else {
				cy += 7;
			}
			if (draw)
				checkbox(d, cx, cy, 9);
			pst_doc_text(d, cx + 12, cy - 0.5, cw - 18, "break", &small, draw);
		}
	}
	return gridh + (y - y0);
}

/* ---- an exercise ---- */

/* The picture's size for an exercise with n poses: side by side, up to 62 pt each (big
 * enough to follow on paper, small enough for three exercises a page). */
static void picture_size(const struct pst_doc *d, size_t n, double *pw, double *ph)
{
	double cw = d->right - d->left - 20, panel = 62;
	if (n * panel > cw)
		panel = cw / (double)n;
	*pw = panel * (double)n;
	*ph = panel + 8;
}

static double exercise_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct ex_arg *a = arg;
	const struct pst_plan_item *it = a->it;
	const struct pst_exercise *e = it->ex;
	if (draw)
		pst_doc_box(d, d->left, y, d->right - d->left, d->block_h, 6, PST_RGB(0xffffff),
			    PST_DOC_RULE, 0.8);
	double pad = 6, x = d->left + pad, w = d->right - d->left - 2 * pad, y0 = y;
	y += pad;
	/* the heading: a numbered badge, the name, and what kind of exercise */
	if (draw && d->draw) {
		cairo_arc(d->cr, x + 9, y + 8.5, 9, 0, 2 * G_PI);
		cairo_set_source_rgb(d->cr, 0.043, 0.31, 0.54);
		cairo_fill(d->cr);
	}
	char num[8];
	snprintf(num, sizeof num, "%d", a->num);
	struct pst_font nf = pst_font_label;
	nf.color = PST_RGB(0xffffff);
	nf.align = 1;
	nf.size = 10;
	pst_doc_text(d, x, y + 2, 18, num, &nf, draw);
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
	mf.size = 8.5;
	double metaw = pst_doc_text_width(d, meta.s ? meta.s : "", &mf);
	double namew = w - 26 - metaw - 10;
	if (namew < w * 0.45)
		namew = w - 26;
	double hh = pst_doc_text(d, x + 26, y, namew, e->name, &pst_font_h2, draw);
	if (namew < w - 26) {
		mf.align = 2;
		pst_doc_text(d, x, y + 3, w, meta.s ? meta.s : "", &mf, draw);
	} else {
		hh += pst_doc_text(d, x + 26, y + hh, w - 26, meta.s ? meta.s : "", &mf, draw);
	}
	pst_buf_free(&meta);
	y += (hh > 18 ? hh : 18) + 3;

	/* the picture, and beside it (or under it) the dose and why */
	double pw = 0, ph = 0;
	struct pst_pose dressed[PST_POSES_MAX];
	struct pst_scene scene;
	pst_scene_dress(&e->scene, a->pregnant, dressed, &scene);
	const struct pst_scene *sc = &scene;
	if (sc->n)
		picture_size(d, sc->n, &pw, &ph);
	if (sc->n && draw && d->draw) {
		cairo_save(d->cr);
		cairo_translate(d->cr, x, y);
		pst_figure_draw(d->cr, sc, -1, (int)pw, (int)ph, true);
		cairo_restore(d->cr);
	}
	double sx = x, sy = y, sw = w;
	if (sc->n && w - pw - 14 >= 170) {
		sx = x + pw + 14;
		sw = w - pw - 14;
	} else if (sc->n) {
		sy = y + ph + 8;
	}
	struct pst_buf db;
	const char *dose = dose_words(&db, &it->dose);
	struct pst_font df = pst_font_body;
	df.size = 10.5;
	char *de = pst_doc_esc(dose);
	struct pst_buf dm;
	pst_buf_init(&dm, 4096);
	pst_buf_printf(&dm, "<b>%s</b>", de);
	g_free(de);
	double dh = pst_doc_text(d, sx + 8, sy + 4, sw - 16, dm.s ? dm.s : "", &df, false);
	if (draw)
		pst_doc_box(d, sx, sy, sw, dh + 8, 4, PST_DOC_TINT, PST_DOC_TINT, 0);
	pst_doc_text(d, sx + 8, sy + 4, sw - 16, dm.s ? dm.s : "", &df, draw);
	pst_buf_free(&dm);
	pst_buf_free(&db);
	sy += dh + 8 + 3;
	sy += labelled(d, sx, sy, sw, "Why", it->why, &pst_font_body, draw) + 3;
	for (size_t k = 0; k < it->ncautions; k++) {
		struct pst_font cf = pst_font_body;
		cf.color = PST_DOC_WARN;
		sy += labelled(d, sx, sy, sw, "Take care", it->cautions[k]->reason, &cf, draw) + 4;
	}
	if (it->progression)
		sy += labelled(d, sx, sy, sw, "Your progress", it->progression->reason, &pst_font_body,
			       draw) + 4;
	y = sy > y + ph ? sy : y + ph + 4;

	/* the steps, and beside them what to keep in mind */
	struct pst_font lf = pst_font_label;
	lf.size = 9.5;
	/* The steps, and beside them what to keep in mind and the sources: the split of the
	 * width, and the place of the sources (under the cues, or across the block), that
	 * make the block the shortest. */
	struct pst_buf src;
	pst_buf_init(&src, 8192);
	pst_buf_puts(&src, "Sources: ");
	pst_cite_exercise(&src, e);
	const char *srct = src.s ? src.s : "";
	struct pst_font sf = pst_font_small;
	sf.markup = false;
	double lh = pst_doc_text(d, x, y, w, "How to do it", &lf, false) + 3;
	double stw = w, best = 1e9;
	bool src_beside = false;
	for (double fr = 0.5; e->cues.n && fr < 0.76; fr += 0.04) {
		double sw1 = w * fr, cw1 = w - sw1 - 12;
		double h1 = lh + list(d, x, y, sw1, e->steps.v, e->steps.n, true, &pst_font_body, 1, false);
		double h2 = lh + list(d, x, y, cw1, e->cues.v, e->cues.n, false, &pst_font_body, 1, false);
		double across = (h1 > h2 ? h1 : h2) + 3 + pst_doc_text(d, x, y, w, srct, &sf, false);
		double h2s = h2 + 4 + pst_doc_text(d, x, y, cw1, srct, &sf, false);
		double beside = h1 > h2s ? h1 : h2s;
		if (across < best - 0.5) {
			best = across;
			stw = sw1;
			src_beside = false;
		}
		if (beside < best - 0.5) {
			best = beside;
			stw = sw1;
			src_beside = true;
		}
	}
	double cx = x + stw + 12, cuw = w - stw - 12;
	double hs = pst_doc_text(d, x, y, stw, "How to do it", &lf, draw) + 3;
	hs += list(d, x, y + hs, stw, e->steps.v, e->steps.n, true, &pst_font_body, 1, draw);
	double hc = 0;
	if (e->cues.n) {
		hc = pst_doc_text(d, cx, y, cuw, "Keep in mind", &lf, draw) + 3;
		hc += list(d, cx, y + hc, cuw, e->cues.v, e->cues.n, false, &pst_font_body, 1, draw);
	}
	if (src_beside) {
		hc += 4 + pst_doc_text(d, cx, y + hc + 4, cuw, srct, &sf, draw);
		y += hs > hc ? hs : hc;
	} else {
		y += hs > hc ? hs : hc;
		y += 3 + pst_doc_text(d, x, y + 3, w, srct, &sf, draw);
	}
	pst_buf_free(&src);
	return y + pad - y0;
}

/* ---- the relief break ---- */

static double relief_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct ex_arg *a = arg;
	const struct pst_plan_item *it = a->it;
	const struct pst_exercise *e = it->ex;
	double x = d->left, w = d->right - d->left, y0 = y, pic = 62;
	struct pst_pose dressed[PST_POSES_MAX];
	struct pst_scene scene;
	pst_scene_dress(&e->scene, a->pregnant, dressed, &scene);
	const struct pst_scene *sc = &scene;
	if (sc->n && draw && d->draw) {
		cairo_save(d->cr);
		cairo_translate(d->cr, x, y);
		pst_figure_draw(d->cr, sc, (int)sc->n - 1, (int)pic, (int)pic, false);
		cairo_restore(d->cr);
	}
	double tx = x + (sc->n ? pic + 12 : 0), tw = w - (tx - x);
	double th = pst_doc_text(d, tx, y, tw, e->name, &pst_font_label, draw) + 2;
	struct pst_buf db;
	const char *dose = dose_words(&db, &it->dose);
	th += labelled(d, tx, y + th, tw, "Dose", dose, &pst_font_body, draw) + 2;
	pst_buf_free(&db);
	th += labelled(d, tx, y + th, tw, NULL, e->summary, &pst_font_body, draw);
	double h = th > pic ? th : pic;
	return h + (y - y0);
}

/* ---- tips and sources ---- */

/* A tip on paper: its title and its first sentence, the gist; the whole tip is in the
 * app and 'postura tips show', and its sources are in the list of sources. */
static double tip_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct pst_tip *t = arg;
	double x = d->left, w = d->right - d->left, y0 = y;
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
	y += pst_doc_text(d, x, y, w, m.s ? m.s : "", &pst_font_body, draw);
	pst_buf_free(&m);
	pst_buf_free(&b);
	return y - y0;
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
	pst_doc_block(d, title_block, ho, 12);

	if (!plan->screened) {
		struct callout c = {
			.head = "You have not answered the safety questions",
			.text = "Answer them before you start: run 'postura screen', or use the safety "
				"questions in the postura app. Some warning signs mean that you must "
				"see a professional before you exercise. Do not start this plan if any "
				"warning sign applies to you.",
			.edge = PST_DOC_STOP, .fill = PST_DOC_STOP_BG, .lw = 2.2};
		pst_doc_block(d, callout_block, &c, 10);
	}
	const char *warn[16];
	size_t nwarn = 0;
	for (size_t i = 0; i < plan->nwarnings && nwarn < 16; i++)
		if (strncmp(plan->warnings[i], NOT_SCREENED_WARNING, strlen(NOT_SCREENED_WARNING)) != 0)
			warn[nwarn++] = plan->warnings[i];
	if (nwarn) {
		struct callout c = {.head = "Before you start", .items = warn, .n = nwarn,
				    .edge = PST_DOC_WARN, .fill = PST_DOC_WARN_BG, .lw = 1.2};
		pst_doc_block(d, callout_block, &c, 10);
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
		pst_doc_block(d, callout_block, &c, 14);
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
			pst_doc_text(d, d->left, d->y, w, b.s ? b.s : "", &pst_font_body, false) + 6 +
				week_block(d, d->y, false, ho));
		pst_doc_para(d, b.s ? b.s : "", &pst_font_body, 0, 6);
		pst_buf_free(&b);
		pst_buf_free(&dur);
		pst_buf_free(&rel);
	}
	pst_doc_block(d, week_block, ho, 16);

	{
		struct pst_buf b;
		pst_buf_init(&b, 256);
		pst_buf_puts(&b, "The routine, in this order (about ");
		pst_text_duration(&b, plan->estimated_s);
		pst_buf_puts(&b, ")");
		struct ex_arg first = {&plan->items[0], 1, pregnant};
		heading(d, b.s ? b.s : "The routine",
			plan->nitems ? exercise_block(d, d->y, false, &first) : 0);
		pst_buf_free(&b);
	}
	for (size_t i = 0; i < plan->nitems; i++) {
		struct ex_arg a = {&plan->items[i], (int)i + 1, pregnant};
		pst_doc_outline(d, plan->items[i].ex->name, false);
		pst_doc_block(d, exercise_block, &a, 8);
	}

	if (plan->nrelief) {
		struct pst_buf b;
		pst_buf_init(&b, 256);
		pst_buf_puts(&b, "Daily relief break (about ");
		pst_text_duration(&b, plan->relief_s);
		pst_buf_puts(&b, ")");
		static const char intro[] = "When your back aches after feeding, holding or sitting, "
					    "and on the days without a session:";
		struct ex_arg first = {&plan->relief[0], 1, pregnant};
		heading(d, b.s ? b.s : "Daily relief break",
			pst_doc_text(d, d->left, d->y, d->right - d->left, intro, &pst_font_body, false) +
				6 + relief_block(d, d->y, false, &first));
		pst_buf_free(&b);
		pst_doc_para(d, intro, &pst_font_body, 0, 6);
		for (size_t i = 0; i < plan->nrelief; i++) {
			struct ex_arg a = {&plan->relief[i], (int)i + 1, pregnant};
			pst_doc_block(d, relief_block, &a, 8);
		}
		d->y += 6;
	}

	if (plan->ntips) {
		static const char intro[] = "The gist of each: the postura app (Tips) and 'postura tips "
					    "show' have them in full.";
		struct pst_font f = pst_font_small;
		f.markup = false;
		heading(d, "Everyday tips for you",
			pst_doc_text(d, d->left, d->y, d->right - d->left, intro, &f, false) + 4 +
				tip_block(d, d->y, false, plan->tips[0]));
		pst_doc_para(d, intro, &f, 0, 4);
		for (size_t i = 0; i < plan->ntips; i++)
			pst_doc_block(d, tip_block, plan->tips[i], 5);
		d->y += 4;
	}

	{
		/* Every source the plan's exercises, cautions and tips cite, once each, in the
		 * order met: the readable citation and where to find it. */
		const char *ids[96];
		size_t nids = 0;
		for (size_t i = 0; i < plan->nitems; i++) {
			const struct pst_plan_item *it = &plan->items[i];
			for (size_t k = 0; k < it->ex->sources.n; k++)
				add_unique(ids, &nids, 96, it->ex->sources.v[k].id);
			for (size_t c = 0; c < it->ncautions; c++)
				for (size_t k = 0; k < it->cautions[c]->sources.n; k++)
					add_unique(ids, &nids, 96, it->cautions[c]->sources.v[k].id);
		}
		for (size_t i = 0; i < plan->nrelief; i++)
			for (size_t k = 0; k < plan->relief[i].ex->sources.n; k++)
				add_unique(ids, &nids, 96, plan->relief[i].ex->sources.v[k].id);
		for (size_t i = 0; i < plan->ntips; i++)
			for (size_t k = 0; k < plan->tips[i]->sources.n; k++)
				add_unique(ids, &nids, 96, plan->tips[i]->sources.v[k].id);
		struct pst_buf cites[96];
		size_t nc = 0;
		for (size_t s = 0; s < nids; s++) {
			const struct pst_source *src = pst_sources_find(pst_cite_sources(), ids[s]);
			if (!src)
				continue;
			struct pst_buf *b = &cites[nc++];
			pst_buf_init(b, 4096);
			pst_source_cite(b, src);
			pst_buf_puts(b, ". ");
			pst_source_where(b, src);
			pst_buf_puts(b, ".");
		}
		bool headed = false;
		struct pst_font sf = pst_font_small;
		sf.markup = false;
		sf.color = PST_DOC_TEXT;
		for (size_t s = 0; s < nc; s++) {
			const char *t = cites[s].s ? cites[s].s : "";
			if (!headed)
				heading(d, "Sources",
					pst_doc_text(d, d->left, d->y, d->right - d->left, t, &sf, false));
			headed = true;
			pst_doc_para(d, t, &sf, 0, 2);
		}
		for (size_t s = 0; s < nc; s++)
			pst_buf_free(&cites[s]);
		struct pst_font f = pst_font_small;
		f.markup = false;
		f.color = PST_DOC_TEXT;
		if (!headed)
			heading(d, "Sources", 40);
		d->y += 4;
		pst_doc_para(d,
			     "The exercises come from the articles above and published guidelines "
			     "(ACOG Committee Opinion 804, the 2019 Canadian guideline, RCOG, NHS). No "
			     "trial has yet tested exercise for upper or mid back pain in pregnancy or "
			     "after birth: this programme is expert advice, built from the evidence on "
			     "low back pain and posture.",
			     &f, 0, 6);
		struct pst_font b = pst_font_body;
		b.markup = false;
		b.bold = true;
		pst_doc_para(d,
			     "postura does not diagnose. If something feels wrong, stop and ask your "
			     "doctor, midwife or physiotherapist.",
			     &b, 0, 0);
	}
	return PST_OK;
}

int pst_handout_pdf(const struct pst_plan *plan, const struct pst_questions *q,
		    enum pst_paper paper, struct pst_time now, struct pst_buf *out)
{
	struct handout ho = {plan, q};
	return pst_doc_render(paper, TITLE, now, layout, &ho, out);
}
