/*
 * The progress report, for a person to bring to a clinician: who (the profile), how it
 * went at a glance (pain change and whether it is meaningful, sessions against the plan,
 * PSFS), the charts, the exercises whose dose changed and why, and the sessions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "cite.h"
#include "document.h"
#include "pdfdoc.h"
#include "text.h"

static const char TITLE[] = "Back pain progress report";

/* ---- tables ---- */

enum { MAX_COLS = 6 };

struct table {
	int ncols;
	const double *frac; /* each column's share of the width */
	const char *cells[MAX_COLS];
	bool head;   /* a header row: bold, on the accent tint */
	bool shaded; /* a body row on a light tint */
};

static double row_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct table *t = arg;
	double w = d->right - d->left, pad = 4, h = 0;
	struct pst_font f = pst_font_body;
	f.markup = false;
	f.size = 8.5;
	f.bold = t->head;
	if (draw)
		h = d->block_h;
	for (int pass = draw ? 1 : 0; pass < 2; pass++) {
		bool now = pass == 1 && draw;
		if (now && (t->head || t->shaded))
			pst_doc_box(d, d->left, y, w, h, 0, t->head ? PST_DOC_TINT : PST_RGB(0xf6f6f6),
				    PST_DOC_TINT, 0);
		double x = d->left;
		for (int c = 0; c < t->ncols; c++) {
			double cw = w * t->frac[c];
			double ch = pst_doc_text(d, x + pad, y + pad, cw - 2 * pad, t->cells[c] ? t->cells[c] : "",
						 &f, now) + 2 * pad;
			if (pass == 0 && ch > h)
				h = ch;
			x += cw;
		}
	}
	return h;
}

/* ---- parts ---- */

static double title_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct pst_report_input *in = arg;
	double x = d->left, w = d->right - d->left, y0 = y;
	y += pst_doc_text(d, x, y, w, TITLE, &pst_font_title, draw) + 4;
	char d0[16], d1[16], line[256];
	int64_t days = in->h->today - in->h->since + 1;
	snprintf(line, sizeof line, "From %s to %s (%lld day%s)",
		 pst_day_format(in->h->since, d0, sizeof d0), pst_day_format(in->h->today, d1, sizeof d1),
		 (long long)days, days == 1 ? "" : "s");
	y += pst_doc_text(d, x, y, w, line, &pst_font_subtitle, draw) + 3;
	snprintf(line, sizeof line,
		 "Made on %s with postura from the person's own records, for their "
		 "physiotherapist, midwife or doctor.",
		 d->date);
	struct pst_font f = pst_font_small;
	f.markup = false;
	f.size = 9;
	y += pst_doc_text(d, x, y, w, line, &f, draw) + 8;
	pst_doc_rule(d, x, d->right, y, PST_DOC_ACCENT, 1.5);
	return y + 2 - y0;
}

struct kv {
	const char *k;
	char v[256];
};

static double profile_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct pst_report_input *in = arg;
	double x = d->left, w = d->right - d->left, pad = 10, y0 = y;
	if (draw)
		pst_doc_box(d, x, y, w, d->block_h, 5, PST_RGB(0xf7f9fc), PST_DOC_RULE, 0.8);
	y += pad;
	struct pst_font hf = pst_font_h2;
	y += pst_doc_text(d, x + pad, y, w - 2 * pad, "Profile", &hf, draw) + 5;
	struct pst_font f = pst_font_body;
	f.markup = false;
	if (!in->saved) {
		y += pst_doc_text(d, x + pad, y, w - 2 * pad,
				  "No profile saved ('postura profile set'), so nothing was planned "
				  "and sessions are counted without a target.",
				  &f, draw);
		return y + pad - y0;
	}
	const struct pst_profile *p = in->today;
	struct kv kv[8];
	int n = 0;
	char words[96];
	kv[n].k = "Stage today";
	snprintf(kv[n++].v, sizeof kv[0].v, "%s", pst_profile_stage_words(p, words, sizeof words));
	if (p->stage == PST_STAGE_POSTPARTUM) {
		kv[n].k = "Feeding";
		snprintf(kv[n++].v, sizeof kv[0].v, "%s",
			 p->feeding == PST_FEED_UNKNOWN ? "not given"
							: pst_vocab_plain(&pst_vocab_feeding, (int)p->feeding));
	}
	kv[n].k = "Pain when saved";
	if (p->pain >= 0)
		snprintf(kv[n++].v, sizeof kv[0].v, "%d/10", p->pain);
	else
		snprintf(kv[n++].v, sizeof kv[0].v, "not given");
	struct pst_buf b;
	const struct {
		const char *k;
		const struct pst_vocab *v;
		unsigned mask;
		const char *none;
	} masks[] = {{"Where it hurts", &pst_vocab_area, p->areas, "not given"},
		     {"Made worse by", &pst_vocab_trigger, p->triggers, "nothing named"},
		     {"Equipment", &pst_vocab_equipment, p->equipment, "none"},
		     {"Avoids", &pst_vocab_avoid, p->avoid, "nothing"}};
	for (size_t i = 0; i < sizeof masks / sizeof *masks; i++) {
		pst_buf_init(&b, 256);
		pst_text_mask(&b, masks[i].v, masks[i].mask, masks[i].none);
		kv[n].k = masks[i].k;
		snprintf(kv[n++].v, sizeof kv[0].v, "%s", b.s ? b.s : "");
		pst_buf_free(&b);
	}
	kv[n].k = "Sessions";
	snprintf(kv[n++].v, sizeof kv[0].v, "%d minutes, %d a week", p->minutes,
		 in->h->adherence.sessions_per_week);
	/* two columns of label: value */
	struct pst_font lf = f;
	lf.bold = true;
	lf.color = PST_DOC_MUTED;
	double colw = (w - 2 * pad - 16) / 2, labw = 92;
	int rows = (n + 1) / 2;
	double yy[2] = {y, y};
	for (int i = 0; i < n; i++) {
		int c = i < rows ? 0 : 1;
		double cx = x + pad + c * (colw + 16);
		pst_doc_text(d, cx, yy[c], labw, kv[i].k, &lf, draw);
		yy[c] += pst_doc_text(d, cx + labw, yy[c], colw - labw, kv[i].v, &f, draw) + 3;
	}
	y = yy[0] > yy[1] ? yy[0] : yy[1];
	return y + pad - 3 - y0;
}

/* One tile of "at a glance": a heading, a big figure, a line and a verdict. */
struct tile {
	const char *head;
	char big[64], line[128], verdict[128];
	struct pst_rgb vcolor;
};

static double tile_draw(struct pst_doc *d, double x, double y, double w, const struct tile *t,
			bool draw, double h)
{
	if (draw && h > 0)
		pst_doc_box(d, x, y, w, h, 5, PST_RGB(0xffffff), PST_DOC_RULE, 0.9);
	double pad = 9, y0 = y;
	y += pad;
	struct pst_font f = pst_font_label;
	f.size = 9;
	f.color = PST_DOC_MUTED;
	y += pst_doc_text(d, x + pad, y, w - 2 * pad, t->head, &f, draw) + 2;
	struct pst_font bf = pst_font_title;
	bf.size = 17;
	bf.color = PST_DOC_TEXT;
	y += pst_doc_text(d, x + pad, y, w - 2 * pad, t->big, &bf, draw) + 2;
	struct pst_font lf = pst_font_body;
	lf.markup = false;
	y += pst_doc_text(d, x + pad, y, w - 2 * pad, t->line, &lf, draw) + 3;
	struct pst_font vf = lf;
	vf.bold = true;
	vf.color = t->vcolor;
	y += pst_doc_text(d, x + pad, y, w - 2 * pad, t->verdict, &vf, draw);
	return y + pad - y0;
}

static void tiles_of(const struct pst_history *h, struct tile t[3])
{
	const struct pst_pain_change *pc = &h->pain;
	t[0].head = "Pain (weekly average, 0-10)";
	t[0].vcolor = PST_DOC_MUTED;
	if (pc->known) {
		snprintf(t[0].big, sizeof t[0].big, "%.1f \xe2\x86\x92 %.1f", pc->first_week_mean,
			 pc->last_week_mean);
		if (pc->has_percent)
			snprintf(t[0].line, sizeof t[0].line, "%+.1f points (%+.0f%%), first to last week",
				 pc->points, pc->percent);
		else
			snprintf(t[0].line, sizeof t[0].line, "%+.1f points, first to last week", pc->points);
		if (pc->meaningful) {
			snprintf(t[0].verdict, sizeof t[0].verdict, "Meaningful improvement");
			t[0].vcolor = PST_DOC_GOOD;
		} else if (pc->worse) {
			snprintf(t[0].verdict, sizeof t[0].verdict, "Meaningfully worse");
			t[0].vcolor = PST_DOC_STOP;
		} else {
			snprintf(t[0].verdict, sizeof t[0].verdict, "Not a meaningful change");
		}
	} else {
		snprintf(t[0].big, sizeof t[0].big, "%s", h->ndaily ? "one week" : "no data");
		snprintf(t[0].line, sizeof t[0].line, "%zu day%s with pain readings", h->ndaily,
			 h->ndaily == 1 ? "" : "s");
		snprintf(t[0].verdict, sizeof t[0].verdict, "Change needs two weeks of readings");
	}
	const struct pst_adherence *ad = &h->adherence;
	t[1].head = "Sessions done";
	t[1].vcolor = PST_DOC_MUTED;
	if (ad->planned > 0) {
		snprintf(t[1].big, sizeof t[1].big, "%d of %d", ad->done, ad->planned);
		snprintf(t[1].line, sizeof t[1].line, "planned: %d a week", ad->sessions_per_week);
		snprintf(t[1].verdict, sizeof t[1].verdict, "%.0f%% of the plan", ad->percent);
		t[1].vcolor = PST_DOC_TEXT;
	} else {
		snprintf(t[1].big, sizeof t[1].big, "%d", ad->done);
		snprintf(t[1].line, sizeof t[1].line, "sessions logged");
		snprintf(t[1].verdict, sizeof t[1].verdict, "no plan saved to compare with");
	}
	const struct pst_psfs_summary *s = &h->psfs;
	t[2].head = "Activities (PSFS, 0-10)";
	t[2].vcolor = PST_DOC_MUTED;
	if (s->known) {
		snprintf(t[2].big, sizeof t[2].big, "%.1f \xe2\x86\x92 %.1f", s->first_mean, s->latest_mean);
		snprintf(t[2].line, sizeof t[2].line, "%+.1f on the average of %d", s->change, s->rated);
		if (s->meaningful) {
			snprintf(t[2].verdict, sizeof t[2].verdict, "Meaningful improvement");
			t[2].vcolor = PST_DOC_GOOD;
		} else if (s->worse) {
			snprintf(t[2].verdict, sizeof t[2].verdict, "Meaningfully worse");
			t[2].vcolor = PST_DOC_STOP;
		} else {
			snprintf(t[2].verdict, sizeof t[2].verdict, "Not a meaningful change");
		}
	} else {
		snprintf(t[2].big, sizeof t[2].big, "%s", s->rated ? "one rating" : "no data");
		snprintf(t[2].line, sizeof t[2].line, "%zu activit%s named", s->n, s->n == 1 ? "y" : "ies");
		snprintf(t[2].verdict, sizeof t[2].verdict, "Change needs a second rating");
	}
}

static double glance_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct pst_report_input *in = arg;
	struct tile t[3];
	memset(t, 0, sizeof t);
	tiles_of(in->h, t);
	double gap = 10, w = (d->right - d->left - 2 * gap) / 3, h = 0;
	if (draw)
		h = d->block_h;
	for (int i = 0; i < 3 && !draw; i++) {
		double th = tile_draw(d, d->left + i * (w + gap), y, w, &t[i], false, 0);
		h = th > h ? th : h;
	}
	if (draw)
		for (int i = 0; i < 3; i++)
			tile_draw(d, d->left + i * (w + gap), y, w, &t[i], true, h);
	return h;
}

struct chart_arg {
	enum pst_chart_kind kind;
	const struct pst_chart_src *src;
};

static double chart_block(struct pst_doc *d, double y, bool draw, const void *arg)
{
	const struct chart_arg *c = arg;
	double w = d->right - d->left;
	double h = pst_chart_height(c->kind, c->src, w);
	if (draw && d->draw) {
		pst_chart_draw(d->cr, c->kind, c->src, d->left, y, w, h);
		d->page_has_content = true;
	}
	return h;
}

static void heading(struct pst_doc *d, const char *text, double keep)
{
	double w = d->right - d->left;
	double h = pst_doc_text(d, d->left, d->y, w, text, &pst_font_h1, false);
	pst_doc_need(d, h + keep);
	pst_doc_outline(d, text, true);
	pst_doc_text(d, d->left, d->y, w, text, &pst_font_h1, true);
	d->y += h + 6;
}


static int cmp_change(const void *a, const void *b)
{
	const struct pst_prog_change *x = *(const struct pst_prog_change *const *)a;
	const struct pst_prog_change *y = *(const struct pst_prog_change *const *)b;
	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

static int cmp_session(const void *a, const void *b)
{
	const struct pst_session_log *x = *(const struct pst_session_log *const *)a;
	const struct pst_session_log *y = *(const struct pst_session_log *const *)b;
	return x->at.epoch < y->at.epoch ? 1 : x->at.epoch > y->at.epoch ? -1 : 0;
}

static int progression_section(struct pst_doc *d, const struct pst_report_input *in)
{
	heading(d, "Exercises made harder or easier", 120); /* the table's head and a row or two */
	struct pst_font f = pst_font_body;
	f.markup = false;
	if (!in->prog) {
		pst_doc_para(d, "No profile saved, so the progression was not followed.", &f, 0, 8);
		return PST_OK;
	}
	size_t n = 0;
	for (size_t i = 0; i < in->prog->n; i++)
		n += in->prog->v[i].changed;
	if (!n) {
		pst_doc_para(d,
			     "No change yet: an exercise is made harder after two calm sessions in a "
			     "row, easier when it hurts (docs/progression.md).",
			     &f, 0, 8);
		return PST_OK;
	}
	const struct pst_prog_change **v = malloc(n * sizeof *v);
	if (!v)
		return PST_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < in->prog->n; i++)
		if (in->prog->v[i].changed)
			v[k++] = &in->prog->v[i].last;
	qsort(v, n, sizeof *v, cmp_change);
	/* A move to a variant is the last change of both exercises (the one left and the one
	 * taken up): the same change, one row. */
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (!kept || v[i]->seq != v[kept - 1]->seq)
			v[kept++] = v[i];
	n = kept;
	static const double frac[] = {0.21, 0.11, 0.24, 0.12, 0.32};
	struct table head = {5, frac, {"Exercise", "Change", "Dose", "Session", "Why"}, true, false};
	pst_doc_block(d, row_block, &head, 0);
	for (size_t i = 0; i < n; i++) {
		const struct pst_prog_change *ch = v[i];
		char name[256], day[16];
		if (ch->from_ex != ch->to_ex)
			snprintf(name, sizeof name, "%s \xe2\x86\x92 %s", ch->from_ex->name, ch->to_ex->name);
		else
			snprintf(name, sizeof name, "%s", ch->from_ex->name);
		struct pst_buf dose;
		pst_buf_init(&dose, 1024);
		pst_text_dose(&dose, &ch->from_dose);
		pst_buf_puts(&dose, " \xe2\x86\x92 ");
		pst_text_dose(&dose, &ch->to_dose);
		struct table row = {5, frac,
				    {name, pst_vocab_plain(&pst_vocab_prog_dir, (int)ch->dir), dose.s ? dose.s : "",
				     pst_day_format(ch->day, day, sizeof day), ch->reason},
				    false, i % 2 == 1};
		pst_doc_block(d, row_block, &row, 0);
		pst_buf_free(&dose);
	}
	free(v);
	d->y += 12;
	return PST_OK;
}

static int sessions_section(struct pst_doc *d, const struct pst_report_input *in)
{
	heading(d, "Sessions, most recent first", 90);
	struct pst_font f = pst_font_body;
	f.markup = false;
	if (!in->nsessions) {
		pst_doc_para(d, "No sessions logged in this period.", &f, 0, 8);
		return PST_OK;
	}
	const struct pst_session_log **v = malloc(in->nsessions * sizeof *v);
	if (!v)
		return PST_ENOMEM;
	for (size_t i = 0; i < in->nsessions; i++)
		v[i] = &in->sessions[i];
	qsort(v, in->nsessions, sizeof *v, cmp_session);
	size_t shown = in->nsessions < PST_REPORT_MAX_SESSIONS ? in->nsessions : PST_REPORT_MAX_SESSIONS;
	static const double frac[] = {0.17, 0.14, 0.69};
	struct table head = {3, frac, {"Day", "Pain before \xe2\x86\x92 after", "Exercises and feedback"},
			     true, false};
	pst_doc_block(d, row_block, &head, 0);
	for (size_t i = 0; i < shown; i++) {
		const struct pst_session_log *s = v[i];
		char day[16], pain[32];
		pst_day_format(pst_time_day(s->at), day, sizeof day);
		snprintf(pain, sizeof pain, "%d \xe2\x86\x92 %d", s->pain_before, s->pain_after);
		struct pst_buf ex;
		pst_buf_init(&ex, 8192);
		for (size_t k = 0; k < s->nex; k++) {
			const struct pst_exercise *e = in->cat ? pst_catalog_find(in->cat, s->ex[k].id) : NULL;
			if (e) {
				pst_buf_printf(&ex, "%s%s", k ? "; " : "", e->name);
			} else { /* no longer in the catalogue: its id in words */
				size_t at = ex.len;
				pst_buf_printf(&ex, "%s%s", k ? "; " : "", s->ex[k].id);
				for (size_t c = at; ex.s && c < ex.len; c++)
					if (ex.s[c] == '-')
						ex.s[c] = ' ';
			}
			pst_buf_printf(&ex, ": %s", pst_vocab_plain(&pst_vocab_feedback, (int)s->ex[k].feedback));
			if (s->ex[k].pain >= 0)
				pst_buf_printf(&ex, " (pain %d)", s->ex[k].pain);
		}
		if (!s->nex)
			pst_buf_puts(&ex, "not recorded");
		struct table row = {3, frac, {day, pain, ex.s ? ex.s : ""}, false, i % 2 == 1};
		pst_doc_block(d, row_block, &row, 0);
		pst_buf_free(&ex);
	}
	free(v);
	if (shown < in->nsessions) {
		char buf[160];
		snprintf(buf, sizeof buf,
			 "%zu earlier sessions are not listed ('postura export' has every one).",
			 in->nsessions - shown);
		d->y += 4;
		struct pst_font sf = pst_font_small;
		sf.markup = false;
		pst_doc_para(d, buf, &sf, 0, 0);
	}
	d->y += 12;
	return PST_OK;
}

static int layout(struct pst_doc *d, const void *arg)
{
	const struct pst_report_input *in = arg;
	const struct pst_history *h = in->h;
	pst_doc_block(d, title_block, in, 12);
	pst_doc_block(d, profile_block, in, 12);
	heading(d, "At a glance", 100);
	pst_doc_block(d, glance_block, in, 8);
	struct pst_font f = pst_font_body;
	f.markup = false;
	pst_doc_para(d, h->pain.statement, &f, 0, 3);
	pst_doc_para(d, h->adherence.statement, &f, 0, 3);
	pst_doc_para(d, h->psfs.statement, &f, 0, 3);
	for (size_t i = 0; i < h->psfs.n; i++)
		pst_doc_para(d, h->psfs.v[i].statement, &f, 10, 2);
	if (h->truncated)
		pst_doc_para(d, "Records older than 30 years are left out.", &f, 0, 3);
	d->y += 10;

	struct pst_chart_src src = {.h = h, .sessions = in->sessions, .nsessions = in->nsessions};
	struct chart_arg charts[3] = {{PST_CHART_PAIN, &src}, {PST_CHART_SESSIONS, &src},
				      {PST_CHART_PSFS, &src}};
	static const char *const names[3] = {"Pain over time", "Sessions a week",
					     "Everyday activities (PSFS)"};
	for (int i = 0; i < 3; i++) {
		pst_doc_outline(d, names[i], true);
		pst_doc_block(d, chart_block, &charts[i], 16);
	}
	int err = progression_section(d, in);
	if (!err)
		err = sessions_section(d, in);
	if (err)
		return err;
	heading(d, "How to read this report", 80);
	struct pst_font sf = pst_font_small;
	sf.markup = false;
	sf.size = 8.5;
	pst_doc_para(d,
		     "Pain: the person's own ratings on a 0-10 numeric rating scale (NPRS), from "
		     "check-ins, and the pain given before a session on a day without one; a fall "
		     "of 2 points or about 30% from the first week's average is clinically "
		     "meaningful (Childs 2005, Spine 30:1331). The shaded band on the pain chart "
		     "marks weekly averages that meet it.",
		     &sf, 0, 3);
	pst_doc_para(d,
		     "Everyday activities: the Patient-Specific Functional Scale, each activity "
		     "rated 0 (unable) to 10 (as before the problem); meaningful change is 2 points "
		     "on the average or 3 on one activity (Stratford 1995).",
		     &sf, 0, 3);
	pst_doc_para(d,
		     "Progression: an exercise's dose goes up one step after two calm sessions in a "
		     "row (on different days: a day's sessions count as one) and down one step when it hurts, pain during it is above 3/10, or pain the "
		     "next day is higher than before the session; every exercise done in a week "
		     "whose average morning pain rose 1 point or more on the week before also goes "
		     "down one step (Silbernagel 2007, applied conservatively).",
		     &sf, 0, 3);
	/* The sources named above, readable and with where to find them. */
	static const char *const cited[] = {"childs-2005", "stratford-1995", "silbernagel-2007"};
	for (size_t i = 0; i < sizeof cited / sizeof *cited; i++) {
		const struct pst_source *so = pst_sources_find(pst_cite_sources(), cited[i]);
		if (!so)
			continue;
		struct pst_buf t;
		pst_buf_init(&t, 4096);
		pst_buf_puts(&t, i ? "" : "Sources: ");
		pst_source_cite(&t, so);
		pst_buf_puts(&t, ". ");
		pst_source_where(&t, so);
		pst_buf_puts(&t, ".");
		pst_doc_para(d, t.s ? t.s : "", &sf, 0, i + 1 < sizeof cited / sizeof *cited ? 1 : 8);
		pst_buf_free(&t);
	}
	struct pst_font bf = pst_font_body;
	bf.markup = false;
	bf.bold = true;
	pst_doc_para(d,
		     "postura does not diagnose. These are the person's own records from a home "
		     "exercise programme.",
		     &bf, 0, 0);
	return PST_OK;
}

int pst_report_pdf(const struct pst_report_input *in, struct pst_buf *out)
{
	return pst_doc_render(in->paper, TITLE, in->now, layout, in, out);
}
