/*
 * The pages of the person's days: today (the routine or the relief break, a pain
 * check-in, the week, a tip), the session player and its form, the history with the
 * report's charts (as pictures from /chart/), and the plan and report as PDFs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/history.h"
#include "page.h"
#include "render/chart.h"
#include "render/cite.h"
#include "render/document.h"
#include "render/plan.h"
#include "render/text.h"

static const char *const day_short[PST_DAYS] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const day_long[PST_DAYS] = {"Monday", "Tuesday", "Wednesday", "Thursday",
					       "Friday", "Saturday", "Sunday"};

/* The person's plan for today; sends the person elsewhere when not ready (the reply is
 * then set and NULL returned). */
static struct pst_plan *todays_plan(struct web *w, struct req *r, struct person *pe)
{
	char msg[512];
	int err = person_read(w, r, pe);
	if (err) {
		page_error(r, 500, "Your records could not be read", web_store_errmsg(w, err, msg, sizeof msg));
		return NULL;
	}
	const char *next = person_next(pe);
	if (next) {
		web_redirect(r, next);
		return NULL;
	}
	struct pst_plan *plan = NULL;
	err = pst_app_plan(web_store(w), w->cfg.cat, w->cfg.tips, &pe->p, &pe->res, &plan);
	if (!err) { /* the page and the handout say when the answers were given */
		plan->has_screened_at = true;
		plan->screened_at = pe->answers.at;
	}
	if (err == PST_EREFERRAL) {
		web_redirect(r, "/referral");
		return NULL;
	}
	if (err) {
		page_error(r, 500, "The plan could not be built",
			   web_store_errmsg(w, err, msg, sizeof msg));
		return NULL;
	}
	return plan;
}

static void duration(struct pst_buf *b, int seconds)
{
	struct pst_buf t;
	pst_buf_init(&t, 64);
	pst_text_duration(&t, seconds);
	pst_html_text(b, t.s);
	pst_buf_free(&t);
}

static void warnings(struct pst_buf *b, const struct pst_plan *plan)
{
	if (!plan->nwarnings)
		return;
	pst_html_raw(b, "<div class=\"notice warn\" role=\"note\"><h2>Before you start</h2><ul>");
	for (size_t i = 0; i < plan->nwarnings; i++)
		pst_html_printf(b, "<li>%s</li>", plan->warnings[i]);
	pst_html_raw(b, "</ul></div>");
}

static void routine_list(struct pst_buf *b, const struct pst_plan_item *items, size_t n)
{
	pst_html_raw(b, "<ol class=\"routine-list\">");
	for (size_t i = 0; i < n; i++) {
		pst_html_printf(b, "<li><a href=\"/exercises/%s\">%s</a> <span class=\"dose\">",
				items[i].ex->id, items[i].ex->name);
		page_dose(b, &items[i].dose);
		pst_html_raw(b, "</span>");
		if (items[i].note) /* the clinician's words about this one */
			pst_html_printf(b, "<br><span class=\"clinician-note\">From your clinician: %s</span>",
					items[i].note);
		pst_html_raw(b, "</li>");
	}
	pst_html_raw(b, "</ol>");
}

/* Floor work in the first two weeks after birth: offered beside the routine, never in
 * it (not in the session player either). */
static void optional_extras(struct pst_buf *b, const struct pst_plan *plan)
{
	if (!plan->noptional)
		return;
	pst_html_raw(b, "<section class=\"card optional\" aria-labelledby=\"op-h\"><h2 id=\"op-h\">Optional "
			"floor exercises <span class=\"sub\">not part of your routine</span></h2><p>In the "
			"first two weeks after birth these are not planned. Try one only if getting down "
			"to the floor and up again is comfortable; skip them if not.</p><ul>");
	for (size_t i = 0; i < plan->noptional; i++) {
		const struct pst_plan_item *it = &plan->optional[i];
		pst_html_printf(b, "<li><a href=\"/exercises/%s\">%s</a> (%s) <span class=\"dose\">",
				it->ex->id, it->ex->name,
				pst_vocab_plain(&pst_vocab_position, (int)it->ex->position));
		page_dose(b, &it->dose);
		pst_html_raw(b, "</span>");
		for (size_t k = 0; k < it->ncautions; k++)
			pst_html_printf(b, "<br><span class=\"caution\">Note: %s</span>",
					it->cautions[k]->reason);
		pst_html_raw(b, "</li>");
	}
	pst_html_raw(b, "</ul></section>");
}

/* Which list an exercise left out goes in: 0 a safety rule, or the progression, with
 * its source; 1 the person's own choices and equipment (rules marked choice); 2 time
 * and variety (no source). */
static int excluded_group(const struct pst_plan_excluded *x)
{
	if (strcmp(x->rule, "not-in-programme") == 0)
		return 3;
	if (x->by_rule && x->by_rule->choice)
		return 1;
	return x->sources ? 0 : 2;
}

/* Why the plan is what it is (as `postura plan` says it): each exercise's reason, its
 * latest change of dose and its cautions; then every exercise left out, and why, the
 * safety rules (with their sources) first. */
static void plan_reasons(struct pst_buf *b, const struct pst_plan *plan)
{
	pst_html_raw(b, "<details class=\"plan-why\"><summary>Why these exercises</summary><ul>");
	if (plan->stage_why)
		pst_html_printf(b, "<li class=\"stage-why\"><strong>For your stage</strong>: %s</li>",
				plan->stage_why);
	for (size_t i = 0; i < plan->nitems; i++) {
		const struct pst_plan_item *it = &plan->items[i];
		pst_html_printf(b, "<li><strong>%s</strong>: %s", it->ex->name, it->why);
		if (it->override_reason)
			pst_html_printf(b, "<br><span class=\"caution\">A safety rule (%s) leaves it out; "
					   "your clinician's reason: %s</span>",
					it->override_rule ? it->override_rule : "", it->override_reason);
		if (it->progression)
			pst_html_printf(b, "<br><span class=\"progress\">Changed: %s</span>",
					it->progression->reason);
		for (size_t k = 0; k < it->ncautions; k++) {
			pst_html_printf(b, "<br><span class=\"caution\">Note: %s</span> "
					   "<span class=\"source\">Source: ",
					it->cautions[k]->reason);
			pst_cite_html(b, &it->cautions[k]->sources);
			pst_html_raw(b, "</span>");
		}
		pst_html_raw(b, "<br><span class=\"source\">Sources: ");
		pst_cite_html(b, &it->ex->sources);
		pst_html_raw(b, "</span></li>");
	}
	pst_html_raw(b, "</ul></details>");
	if (!plan->nexcluded)
		return;
	pst_html_printf(b, "<details class=\"plan-why\"><summary>Left out, and why (%zu)</summary>",
			plan->nexcluded);
	static const char *const heads[] = {"For your safety", "What you asked for, and what you have",
					    "For your time, and for variety",
					    "Not in your clinician's programme"};
	for (int group = 0; group < 4; group++) {
		bool any = false;
		for (size_t i = 0; i < plan->nexcluded; i++) {
			const struct pst_plan_excluded *x = &plan->excluded[i];
			if (excluded_group(x) != group)
				continue;
			if (!any)
				pst_html_printf(b, "<h3>%s</h3><ul>", heads[group]);
			any = true;
			pst_html_printf(b, "<li><a href=\"/exercises/%s\">%s</a>: %s", x->ex->id, x->ex->name,
					x->reason);
			if (x->replaced_by)
				pst_html_printf(b, " Instead: %s.", x->replaced_by->name);
			if (x->optional)
				pst_html_raw(b, " Offered as an optional floor exercise.");
			if (group == 0) {
				pst_html_raw(b, " <span class=\"source\">Source: ");
				pst_cite_html(b, x->sources);
				pst_html_raw(b, "</span>");
			}
			pst_html_raw(b, "</li>");
		}
		if (any)
			pst_html_raw(b, "</ul>");
	}
	pst_html_raw(b, "</details>");
}

static void checkin_form(struct web *w, struct req *r, struct pst_buf *b)
{
	pst_html_raw(b, "<section class=\"card\" aria-labelledby=\"ck-h\"><h2 id=\"ck-h\">How is your back now?</h2>"
			"<form method=\"post\" action=\"/checkin\">");
	page_csrf(r, b);
	pst_html_raw(b, "<fieldset><legend>Pain, 0 (none) to 10 (worst imaginable)</legend><div class=\"scale\">");
	for (int i = 0; i <= 10; i++)
		pst_html_printf(b, "<label><input type=\"radio\" name=\"pain\" value=\"%d\" required><span>%d</span></label>",
				i, i);
	pst_html_raw(b, "</div></fieldset><fieldset><legend>Where</legend>");
	for (int i = 0; i < pst_vocab_area.n; i++)
		pst_html_printf(b, "<label class=\"check\"><input type=\"checkbox\" name=\"areas\" value=\"%s\"> %s</label>",
				pst_vocab_area.words[i], pst_vocab_plain(&pst_vocab_area, i));
	pst_html_printf(b, "</fieldset><p><label for=\"note\">Note (optional)</label>"
			   "<textarea id=\"note\" name=\"note\" rows=\"2\" maxlength=\"%d\"></textarea></p>"
			   "<p><button type=\"submit\">Save check-in</button></p></form></section>",
			PST_NOTE_MAX);
}

/* The week so far: sessions done, said kindly (pst_app_week_read). */
static void week_done(struct pst_buf *b, const struct pst_app_week *wk)
{
	pst_html_printf(b, "<section class=\"card streak\" aria-labelledby=\"st-h\"><h2 id=\"st-h\">%s</h2>",
			wk->streak);
	if (!wk->today_done) /* else said beside the routine */
		pst_html_printf(b, "<p>%s</p>", wk->encouragement);
	pst_html_raw(b, "</section>");
}

static void render_today(struct web *w, struct req *r, const struct pst_plan *plan,
			 const struct pst_app_week *wk)
{
	char when[64], words[96];
	int wd = pst_day_weekday(r->today);
	bool session = plan->session_days[wd];
	page_day_words(when, sizeof when, r->today);
	struct pst_buf *b = page_begin(w, r, "Today", "/today");
	pst_html_printf(b, "<h1>Today <span class=\"sub\">%s</span></h1><p class=\"lead\">%s; sessions of up "
			   "to %d minutes, %d a week.</p>",
			when, pst_profile_stage_words(&plan->profile, words, sizeof words),
			plan->profile.minutes, plan->sessions_per_week);
	if (plan->has_screened_at) {
		char day[16];
		pst_day_format(pst_time_day(plan->screened_at), day, sizeof day);
		pst_html_printf(b, "<p class=\"answered\">Safety questions answered on %s%s. <a "
				   "href=\"/screening\">Answer them again</a> if anything has changed.</p>",
				day,
				plan->outcome == PST_OUT_NOTE ? ": a note for your next appointment, below"
				: plan->outcome == PST_OUT_CLEARANCE ? ": wait for your provider's OK"
								     : "");
	}
	warnings(b, plan);
	if (plan->assigned) {
		pst_html_raw(b, "<section class=\"card clinician\" aria-labelledby=\"cl-h\"><h2 id=\"cl-h\">"
				"From your clinician</h2>");
		if (plan->programme_note)
			pst_html_printf(b, "<p class=\"clinician-note\">%s</p>", plan->programme_note);
		pst_html_raw(b, "<p>Your clinician chose the exercises and doses of this programme "
				"for you; the safety questions still come first.</p></section>");
	}
	if (session) {
		struct pst_buf t;
		pst_buf_init(&t, 1024);
		pst_text_plan_time(&t, plan);
		pst_html_printf(b, "<section class=\"card today%s\" aria-labelledby=\"rt-h\"><h2 id=\"rt-h\">Your "
				   "routine today</h2>",
				wk->today_done ? " done" : "");
		if (wk->today_done)
			pst_html_printf(b, "<p class=\"done-today\"><span aria-hidden=\"true\">\u2713</span> "
					   "<strong>Done today</strong> (%d session%s). %s</p>",
					wk->sessions[wd], wk->sessions[wd] == 1 ? "" : "s", wk->encouragement);
		pst_html_printf(b, "<p>%zu exercises, %s.</p>", plan->nitems, t.s ? t.s : "");
		pst_buf_free(&t);
		routine_list(b, plan->items, plan->nitems);
		if (wk->today_done)
			pst_html_raw(b, "<p><a class=\"button\" href=\"/session?relief=1\">Start the relief break</a>"
					"<a class=\"also\" href=\"/session\">Do the routine again</a></p></section>");
		else
			pst_html_raw(b, "<p><a class=\"button\" href=\"/session\">Start the session</a>"
					"<a class=\"also\" href=\"/session?relief=1\">Short on time? Just the relief break</a></p></section>");
	} else {
		pst_html_raw(b, "<section class=\"card today\" aria-labelledby=\"rt-h\"><h2 id=\"rt-h\">A rest day: "
				"the relief break</h2><p>No session today. When your back aches after feeding, "
				"holding or sitting, take this short break (about ");
		duration(b, plan->relief_s);
		pst_html_raw(b, ").</p>");
		routine_list(b, plan->relief, plan->nrelief);
		pst_html_raw(b, "<p><a class=\"button\" href=\"/session?relief=1\">Start the relief break</a></p></section>");
	}
	optional_extras(b, plan);
	week_done(b, wk);
	plan_reasons(b, plan);
	checkin_form(w, r, b);
	pst_html_raw(b, "<section aria-labelledby=\"wk-h\"><h2 id=\"wk-h\">This week</h2><table class=\"week\">"
			"<thead><tr><th scope=\"col\">Day</th><th scope=\"col\">Plan</th><th scope=\"col\">Done</th>"
			"</tr></thead><tbody>");
	for (int d = 0; d < PST_DAYS; d++) {
		pst_html_raw(b, d == wd ? "<tr class=\"now\" aria-current=\"date\">" : "<tr>");
		pst_html_printf(b, "<th scope=\"row\"><abbr title=\"%s\">%s</abbr>%s</th><td>%s</td>",
				day_long[d], day_short[d], d == wd ? " (today)" : "",
				plan->session_days[d] ? "Session and relief break" : "Relief break");
		if (wk->sessions[d] > 1)
			pst_html_printf(b, "<td class=\"tick\"><span aria-hidden=\"true\">\u2713</span> %d sessions</td></tr>",
					wk->sessions[d]);
		else if (wk->sessions[d])
			pst_html_raw(b, "<td class=\"tick\"><span aria-hidden=\"true\">\u2713</span> Session done</td></tr>");
		else
			pst_html_raw(b, "<td></td></tr>");
	}
	pst_html_raw(b, "</tbody></table><p class=\"print\">Your plan on paper, with pictures, a table to "
			"tick and the stop signs: <a href=\"/handout.pdf\" type=\"application/pdf\">Print / PDF "
			"(A4)</a> · <a href=\"/handout.pdf?paper=letter\" type=\"application/pdf\">US Letter</a>"
			"</p></section>");
	if (plan->ntips) {
		/* One tip a day, in turn, from those picked for the stage and triggers. */
		const struct pst_tip *t = plan->tips[(size_t)(r->today % (int64_t)plan->ntips)];
		pst_html_printf(b, "<section class=\"card tip\" aria-labelledby=\"tip-h\"><h2 id=\"tip-h\">Tip: %s</h2>",
				t->title);
		page_tip_body(b, t);
		pst_html_raw(b, "<p><a href=\"/tips\">More tips</a></p></section>");
	}
	page_end(b, NULL);
}

void page_today(struct web *w, struct req *r)
{
	uint64_t v = web_version(w);
	if (web_cache_serve(w, r, CACHE_TODAY, NULL, v))
		return;
	struct person pe;
	struct pst_plan *plan = todays_plan(w, r, &pe);
	struct pst_app_week wk = {0};
	if (plan) {
		int err = pst_app_week_read(web_store(w), r->today, plan->session_days,
					    plan->sessions_per_week, &wk);
		if (err) {
			char msg[512];
			page_error(r, 500, "Your records could not be read",
				   web_store_errmsg(w, err, msg, sizeof msg));
			pst_app_week_free(&wk);
			pst_plan_free(plan);
			person_free(&pe);
			return;
		}
		render_today(w, r, plan, &wk);
		/* Rendered once per change of the person's data (and per day), then served
		 * from memory. */
		web_cache_put(w, r, CACHE_TODAY, NULL, v);
	}
	pst_app_week_free(&wk);
	pst_plan_free(plan);
	person_free(&pe);
}

/* Reads the person's records and history from the day of query parameter since (unset:
 * from the first record; after today: today) for a page, as web_report does. False,
 * with an error page as the reply, when the store failed. */
static bool read_report(struct web *w, struct req *r, const struct web_arg *since_arg, bool full,
			struct pst_app_report *rep)
{
	int64_t since = since_arg->set ? since_arg->n : PST_HISTORY_ALL;
	if (since != PST_HISTORY_ALL && since > r->today)
		since = r->today;
	int err = web_report(w, since, r->today, full, rep);
	if (err) {
		char msg[512];
		page_error(r, 500, "Your history could not be read",
			   web_store_errmsg(w, err, msg, sizeof msg));
		pst_app_report_free(rep);
		return false;
	}
	return true;
}

/* Replies with a PDF made into r->reply.body (err from the renderer), shown in the
 * browser (which prints it or saves it) under a dated name. */
static void reply_pdf(struct req *r, int err, const char *name)
{
	if (err) {
		page_error(r, 500, "The document could not be made",
			   err == PST_ENOMEM ? "There was not enough memory to draw it." : pst_strerror(err));
		return;
	}
	char day[16];
	pst_day_format(r->today, day, sizeof day);
	r->reply.status = 200;
	r->reply.ctype = "application/pdf";
	snprintf(r->reply.disposition, sizeof r->reply.disposition,
		 "inline; filename=\"postura-%s-%s.pdf\"", name, day);
}

/* GET /handout.pdf?paper=a4|letter: the plan on paper (the handout of `postura handout`),
 * for the person as screened; a warning sign sends them to the referral page instead. */
void page_handout(struct web *w, struct req *r)
{
	struct person pe;
	struct pst_plan *plan = todays_plan(w, r, &pe);
	if (plan) {
		enum pst_paper paper = r->q[0].set ? (enum pst_paper)r->q[0].word : PST_PAPER_A4;
		pst_buf_free(&r->reply.body);
		pst_buf_init(&r->reply.body, PST_DOC_MAX_BYTES);
		reply_pdf(r, pst_handout_pdf(plan, w->cfg.questions, paper, r->now, &r->reply.body), "plan");
	}
	pst_plan_free(plan);
	person_free(&pe);
}

/* GET /report.pdf?paper=a4|letter&since=DAY: the progress report for a clinician, as
 * `postura report --format pdf` makes it. */
void page_report(struct web *w, struct req *r)
{
	struct pst_app_report rep;
	if (!read_report(w, r, &r->q[1], true, &rep))
		return;
	struct pst_report_input ri = {
		.h = rep.h, .sessions = rep.sessions, .nsessions = rep.nsessions,
		.saved = rep.rs.has_profile ? &rep.rs.profile : NULL,
		.today = rep.rs.has_profile ? &rep.today : NULL,
		.prog = rep.prog, .cat = w->cfg.cat, .now = r->now,
		.paper = r->q[0].set ? (enum pst_paper)r->q[0].word : PST_PAPER_A4,
	};
	pst_buf_free(&r->reply.body);
	pst_buf_init(&r->reply.body, PST_DOC_MAX_BYTES);
	reply_pdf(r, pst_report_pdf(&ri, &r->reply.body), "report");
	pst_app_report_free(&rep);
}

void page_checkin_post(struct web *w, struct req *r)
{
	char areas[64], msg[200];
	const char *field;
	struct pst_checkin ck;
	const char *idem;
	if (!web_idem_key(r, &r->form, &idem))
		return;
	/* at: when it was made, sent by the offline outbox (a check-in made on the train is
	 * sent when the phone is back online); else now. */
	if (!pst_form_join(&r->form, "areas", areas, sizeof areas) ||
	    !web_checkin_from_text(pst_form_get(&r->form, "pain"), areas, pst_form_get(&r->form, "note"),
				   pst_form_get(&r->form, "at"), r->now, &ck, &field, msg, sizeof msg)) {
		page_error(r, 422, "The check-in was not saved",
			   pst_form_get(&r->form, "pain") ? msg : "Choose how bad the pain is, from 0 to 10.");
		return;
	}
	ck.idem_key = idem;
	struct pst_store *st = web_store(w);
	int err = st->ops->checkin_add(st, &ck, NULL);
	if (err && err != PST_EREPLAY) {
		page_error(r, 500, "The check-in was not saved", web_store_errmsg(w, err, msg, sizeof msg));
		return;
	}
	web_redirect(r, "/history?saved=checkin");
}

/* --- the session player ----------------------------------------------------------------- */

/* A choice of pain from 0 to 10, chosen (0-10) or not yet (-1). */
static void pain_select(struct pst_buf *b, const char *name, const char *label, bool required,
			int chosen)
{
	pst_html_printf(b, "<p><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\"%s>"
			   "<option value=\"\">choose</option>",
			name, label, name, name, required ? " required" : "");
	for (int i = 0; i <= 10; i++)
		pst_html_printf(b, "<option%s>%d</option>", i == chosen ? " selected" : "", i);
	pst_html_raw(b, "</select></p>");
}

static void player_step(struct pst_buf *b, const struct pst_plan_item *it, size_t i, size_t n,
			bool pregnant)
{
	const struct pst_exercise *e = it->ex;
	const struct pst_dose *d = &it->dose;
	pst_html_printf(b,
			"<li class=\"step\" id=\"step-%zu\" data-name=\"%s\" data-sets=\"%d\" data-reps=\"%d\" "
			"data-hold=\"%d\" data-breaths=\"%d\" data-rep-s=\"%d\" data-rest=\"%d\" "
			"data-sides=\"%d\"><h2><span class=\"num\">%zu of %zu</span> %s</h2><p class=\"dose\">",
			i + 1, e->name, d->sets.lo, d->reps.lo, d->hold_s.lo, d->breaths.lo,
			d->rep_s ? d->rep_s : 3, d->rest_s, d->per_side ? 2 : 1, i + 1, n, e->name);
	page_dose(b, d);
	if (it->progression)
		pst_html_printf(b, "</p><p class=\"progress\">Changed: %s", it->progression->reason);
	if (it->note)
		pst_html_printf(b, "</p><p class=\"clinician-note\">From your clinician: %s", it->note);
	/* Lazy, all of them: the player shows one exercise at a time, and the pictures of
	 * the others are fetched only when they come into view. */
	pst_html_raw(b, "</p><div class=\"poses\" data-moving>");
	page_figure_moving(b, e, pregnant);
	page_figure_img(b, e, 0, true, pregnant);
	if (e->scene.n > 1)
		page_figure_img(b, e, e->scene.n - 1, true, pregnant);
	pst_html_raw(b, "</div><details open><summary>How to do it</summary><ol>");
	for (size_t k = 0; k < e->steps.n; k++)
		pst_html_printf(b, "<li>%s</li>", e->steps.v[k]);
	pst_html_raw(b, "</ol></details><h3>What to feel</h3><ul class=\"cues\">");
	for (size_t k = 0; k < e->cues.n; k++)
		pst_html_printf(b, "<li>%s</li>", e->cues.v[k]);
	pst_html_printf(b, "</ul><p class=\"breathing\"><strong>Breathing:</strong> %s</p>", e->breathing);
	pst_html_printf(b,
			"<input type=\"hidden\" name=\"ex%zu\" value=\"%s\"><fieldset class=\"feedback\">"
			"<legend>How was %s?</legend>",
			i + 1, e->id, e->name);
	for (int k = 0; k < PST_FB__MAX; k++) {
		char fbl[32];
		pst_html_printf(b, "<label class=\"choice\"><input type=\"radio\" name=\"fb%zu\" value=\"%s\"> %s</label>",
				i + 1, pst_vocab_word(&pst_vocab_feedback, k),
				pst_vocab_plain_cap(&pst_vocab_feedback, k, fbl, sizeof fbl));
	}
	char name[32], label[80];
	snprintf(name, sizeof name, "pain%zu", i + 1);
	snprintf(label, sizeof label, "Pain during it (0-10, optional)");
	pain_select(b, name, label, false, -1);
	pst_html_raw(b, "</fieldset></li>");
}

void page_session(struct web *w, struct req *r)
{
	struct person pe;
	struct pst_plan *plan = todays_plan(w, r, &pe);
	if (!plan) {
		person_free(&pe);
		return;
	}
	bool relief = r->q[0].set && r->q[0].n == 1;
	const struct pst_plan_item *items = relief ? plan->relief : plan->items;
	size_t n = relief ? plan->nrelief : plan->nitems;
	struct pst_buf *b = page_begin(w, r, relief ? "Relief break" : "Session", "/session");
	pst_html_raw(b, "<p class=\"stop-bar\"><a class=\"stop\" href=\"/stop\">Stop — I have a warning sign</a></p>");
	pst_html_printf(b, "<h1>%s</h1><p class=\"lead\">%zu exercise%s, about ",
			relief ? "Relief break" : "Today's session", n, n == 1 ? "" : "s");
	duration(b, relief ? plan->relief_s : plan->estimated_s);
	pst_html_raw(b, ". Go gently: stop any exercise that hurts.</p>");
	warnings(b, plan);
	pst_html_raw(b, "<form method=\"post\" action=\"/session\" id=\"session-form\">");
	page_csrf(r, b);
	/* The stop signs are asked before every session (CLINICAL §2): none of them, or no
	 * session. The form is taken only with the box ticked (page_session_post). */
	pst_html_raw(b, "<fieldset class=\"card check-first\"><legend>Stop signs: do you have any "
			"of these today?</legend>");
	page_stop_signs(b, w->cfg.questions,
			pe.p.has_stage ? PST_BIT(pe.p.stage) : ~0u);
	/* Back from "Check my pain first" (page_session_post): the pain given and the box
	 * ticked are kept. */
	int before = r->q[1].set ? (int)r->q[1].n : -1;
	bool none_ticked = r->q[2].set && r->q[2].n == 1;
	pst_html_printf(b, "<p><label class=\"check\"><input type=\"checkbox\" name=\"none_today\" "
			   "value=\"1\" required%s> None of these today</label></p><p>If you have any of "
			   "them, do not exercise: <a href=\"/stop\">see what to do now</a>.</p></fieldset>",
			none_ticked ? " checked" : "");
	if (relief)
		pst_html_raw(b, "<input type=\"hidden\" name=\"relief\" value=\"1\">");
	/* The player (data/web/player.js) lives inside the form: the feedback it shows
	 * beside the timer is still sent with it. */
	pst_html_raw(b, "<div id=\"player\" hidden></div>");
	pain_select(b, "pain_before", "Pain now, before you start (0-10)", true, before);
	/* Without JavaScript the advice for the pain before comes from the server: this
	 * button sends the pain (nothing is saved) and the page comes back with the advice
	 * under it. The player removes the button and shows the advice as the pain is chosen. */
	pst_html_raw(b, "<p class=\"before-check\"><button type=\"submit\" name=\"check\" "
			"value=\"before\" class=\"secondary\" formnovalidate>Check my pain first</button></p>");
	/* The advice of a check-in this high (pst_pain_advice), as the terminal says it
	 * before a session: shown when the pain given reaches it. */
	const char *advice = before >= 0 ? pst_pain_advice(before) : NULL;
	pst_html_printf(b, "<p class=\"notice warn pain-advice\" role=\"note\" data-from=\"%d\"%s>%s</p>",
			PST_PAIN_HIGH, advice ? "" : " hidden", pst_pain_advice(PST_PAIN_HIGH));
	if (before >= 0 && !advice)
		pst_html_printf(b, "<p class=\"notice ok pain-noted\" role=\"status\">Pain now: %d/10. "
				   "Go ahead gently, and stop any exercise that hurts.</p>",
				before);
	pst_html_printf(b, "<input type=\"hidden\" name=\"n\" value=\"%zu\"><ol class=\"steps-list\">", n);
	for (size_t i = 0; i < n; i++)
		player_step(b, &items[i], i, n,
			    pe.p.has_stage && pe.p.stage == PST_STAGE_PREGNANCY);
	pst_html_raw(b, "</ol><div class=\"finish\"><h2>Done</h2>");
	pain_select(b, "pain_after", "Pain now, after the session (0-10)", true, -1);
	pst_html_raw(b, "<p><button type=\"submit\">Save the session</button></p></div></form>");
	page_end(b, "player.js");
	pst_plan_free(plan);
	person_free(&pe);
}

/* "Check my pain first" on the session form: nothing is saved; the session page comes
 * back with the pain given, the stop-sign box as it was and the advice for that pain
 * (pst_pain_advice), as the terminal says it before a session. Without JavaScript this is
 * how the advice is shown before the exercises. */
static void session_check_before(struct req *r)
{
	const struct pst_form *f = &r->form;
	const char *v = pst_form_get(f, "pain_before");
	char *end = NULL;
	long p = v && *v ? strtol(v, &end, 10) : -1;
	if (p < 0 || p > 10 || !end || *end) {
		page_error(r, 422, "Your pain was not checked",
			   "pain_before: choose how bad the pain is now, from 0 to 10, then press "
			   "\"Check my pain first\" again.");
		return;
	}
	const char *relief = pst_form_get(f, "relief"), *none = pst_form_get(f, "none_today");
	snprintf(r->reply.location_buf, sizeof r->reply.location_buf, "/session?%sbefore=%ld%s#pain_before",
		 relief && strcmp(relief, "1") == 0 ? "relief=1&" : "", p,
		 none && strcmp(none, "1") == 0 ? "&none=1" : "");
	web_redirect(r, r->reply.location_buf);
}

void page_session_post(struct web *w, struct req *r)
{
	const struct pst_form *f = &r->form;
	const char *check = pst_form_get(f, "check");
	if (check && strcmp(check, "before") == 0) {
		session_check_before(r);
		return;
	}
	const char *n = pst_form_get(f, "n");
	long count = n ? strtol(n, NULL, 10) : 0;
	if (count < 1 || count > PST_SESSION_MAX_EXERCISES) {
		page_error(r, 422, "The session was not saved", "The form is incomplete: start the session again.");
		return;
	}
	const char *none = pst_form_get(f, "none_today");
	if (!none || strcmp(none, "1") != 0) {
		page_error(r, 422, "The session was not saved",
			   "none_today: tick \"None of these today\" before a session; if you have "
			   "any of the stop signs, do not exercise and see what to do on the stop "
			   "signs page.");
		return;
	}
	const char *idem;
	if (!web_idem_key(r, f, &idem))
		return;
	/* The form as the JSON body of POST /api/v1/sessions, checked by the same parser;
	 * at (when the session was done) only from the offline outbox, else now. */
	json_t *o = json_object(), *ex = json_array();
	const char *at = pst_form_get(f, "at");
	if (at && *at)
		json_object_set_new(o, "at", json_string(at));
	for (const char *k = "pain_before"; k; k = strcmp(k, "pain_before") == 0 ? "pain_after" : NULL) {
		const char *v = pst_form_get(f, k);
		char *end;
		long p = v && *v ? strtol(v, &end, 10) : -1;
		json_object_set_new(o, k, p >= 0 && !*end ? json_integer(p) : json_string(v ? v : ""));
	}
	for (long i = 1; i <= count; i++) {
		char key[16];
		snprintf(key, sizeof key, "fb%ld", i);
		const char *fb = pst_form_get(f, key);
		if (!fb || !*fb)
			continue; /* skipped: no verdict on it */
		snprintf(key, sizeof key, "ex%ld", i);
		const char *id = pst_form_get(f, key);
		json_t *e = json_pack("{s:s, s:s}", "id", id ? id : "", "feedback", fb);
		snprintf(key, sizeof key, "pain%ld", i);
		const char *pd = pst_form_get(f, key);
		if (pd && *pd) {
			char *end;
			long p = strtol(pd, &end, 10);
			json_object_set_new(e, "pain", !*end ? json_integer(p) : json_string(pd));
		}
		json_array_append_new(ex, e);
	}
	/* Nothing done (every exercise skipped): no session, but the pain given before is
	 * still the day's reading, kept as a check-in (as the terminal keeps it). */
	json_t *jb = json_object_get(o, "pain_before");
	if (!json_array_size(ex) && json_is_integer(jb) && json_integer_value(jb) >= 0 &&
	    json_integer_value(jb) <= 10) {
		struct pst_checkin ck = {.at = r->now, .pain = (int)json_integer_value(jb), .idem_key = idem};
		char msg[512];
		if (at && *at && !pst_checkin_set(&ck, PST_CF_AT, at, r->now, msg, sizeof msg)) {
			json_decref(ex);
			json_decref(o);
			page_error(r, 422, "Your pain was not saved", msg);
			return;
		}
		json_decref(ex);
		json_decref(o);
		struct pst_store *st = web_store(w);
		int err = st->ops->checkin_add(st, &ck, NULL);
		if (err && err != PST_EREPLAY) {
			page_error(r, 500, "Your pain was not saved", web_store_errmsg(w, err, msg, sizeof msg));
			return;
		}
		web_redirect(r, "/history?saved=before");
		return;
	}
	json_object_set_new(o, "exercises", ex);
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text) {
		page_error(r, 500, "The session was not saved", "out of memory");
		return;
	}
	int64_t id = web_session_save(w, r, text, strlen(text), idem);
	free(text);
	if (id) {
		/* What the session changes is told on its own page (a reload does not log it
		 * twice). */
		snprintf(r->reply.location_buf, sizeof r->reply.location_buf, "/session/done?id=%lld",
			 (long long)id);
		web_redirect(r, r->reply.location_buf);
	} else
		page_error(r, 422, "The session was not saved",
			   "Give your pain before and after (0-10), and how at least one exercise went.");
}

/* GET /session/done?id=N: the session saved, as the terminal tells it at the end: the
 * summary, what the feedback changes next time, and the week with the day ticked. */
void page_session_done(struct web *w, struct req *r)
{
	if (!r->q[0].set) {
		web_redirect(r, "/today");
		return;
	}
	struct pst_app_session_outcome o;
	int err = pst_app_session_outcome(web_store(w), w->cfg.cat, r->today, r->q[0].n, &o);
	if (err == PST_ENOTFOUND) {
		pst_app_session_outcome_free(&o);
		page_error(r, 404, "Not found", "There is no such session.");
		return;
	}
	if (err) {
		char msg[512];
		pst_app_session_outcome_free(&o);
		page_error(r, 500, "Your session could not be read", web_store_errmsg(w, err, msg, sizeof msg));
		return;
	}
	char when[64];
	page_day_words(when, sizeof when, pst_time_day(o.at));
	struct pst_buf *b = page_begin(w, r, "Session saved", "/today");
	pst_html_printf(b, "<h1>Session saved <span class=\"sub\">%s</span></h1>"
			   "<p class=\"notice ok\" role=\"status\">Saved your session. %s</p>",
			when, o.summary);
	if (o.advice)
		pst_html_printf(b, "<p class=\"notice warn\" role=\"note\">%s</p>", o.advice);
	pst_html_raw(b, "<section class=\"card\" aria-labelledby=\"next-h\"><h2 id=\"next-h\">Next time</h2>");
	if (!o.has_profile)
		pst_html_raw(b, "<p>Save <a href=\"/profile\">your profile</a> and postura tells you what "
				"your feedback changes next time.</p>");
	if (o.nchanges) {
		pst_html_raw(b, "<ul class=\"changes\">");
		for (size_t i = 0; i < o.nchanges; i++)
			pst_html_printf(b, "<li><strong>%s</strong>: %s</li>", o.changes[i].ex->name,
					o.changes[i].reason);
		pst_html_raw(b, "</ul>");
	}
	if (o.nsame) {
		pst_html_raw(b, "<p class=\"same\">No change yet: ");
		for (size_t i = 0; i < o.nsame; i++)
			pst_html_printf(b, "%s%s", i ? ", " : "", o.same[i]->name);
		pst_html_printf(b, ". %s</p>", o.same_why);
	}
	pst_html_raw(b, "<p>A check-in tomorrow tells postura whether this session left your back "
			"sorer.</p></section><p><a class=\"button\" href=\"/today\">Back to Today</a>"
			"<a class=\"also\" href=\"/history\">Your history</a></p>");
	page_end(b, NULL);
	pst_app_session_outcome_free(&o);
}

/* --- history and its charts -------------------------------------------------------------------- */

/*
 * The history's charts are the report's (render/chart.h), served as SVG by page_chart in
 * two drawings: 340 units wide with 11-unit text for a phone, and 576 wide with 12.5-unit
 * text for a larger screen, so the labels are readable on both; the browser fetches the
 * one that fits. The image's text alternative is the chart's summary in words.
 */
enum chart_size { CHART_NARROW, CHART_WIDE };
static const char *const chart_size_words[] = {"narrow", "wide"};
const struct pst_vocab web_chart_size_vocab = {"size", chart_size_words, 2};
static const struct {
	int w;
	double text;
} chart_sizes[] = {{340, 11}, {576, 12.5}};

void page_history_chart(struct pst_buf *b, int kind, const struct pst_history *h,
			const struct pst_record_set *rs, int64_t since, const char *caption,
			const char *base)
{
	enum pst_chart_kind k = (enum pst_chart_kind)kind;
	char q[40] = "";
	if (since != PST_HISTORY_ALL) {
		char d[16];
		snprintf(q, sizeof q, "&since=%s", pst_day_format(since, d, sizeof d));
	}
	struct pst_chart_src src = {.h = h, .sessions = rs->sessions, .nsessions = rs->nsessions};
	struct pst_buf sum;
	pst_buf_init(&sum, 1 << 16);
	pst_chart_summary(&sum, k, &src);
	int hn, hw;
	src.text_px = chart_sizes[CHART_NARROW].text;
	hn = pst_chart_px_height(k, &src, chart_sizes[CHART_NARROW].w);
	src.text_px = chart_sizes[CHART_WIDE].text;
	hw = pst_chart_px_height(k, &src, chart_sizes[CHART_WIDE].w);
	const char *name = pst_chart_names[k];
	/* The person's own charts: /chart/NAME.svg?size=...; a clinician's view of a
	 * patient's: BASE?kind=NAME&size=... */
	char url[160];
	if (base)
		snprintf(url, sizeof url, "%s?kind=%s&", base, name);
	else
		snprintf(url, sizeof url, "/chart/%s.svg?", name);
	pst_html_printf(b, "<figure class=\"chart\"><picture><source media=\"(max-width: 32rem)\" "
			   "srcset=\"%ssize=narrow%s\" width=\"%d\" height=\"%d\">"
			   "<img src=\"%ssize=wide%s\" width=\"%d\" height=\"%d\" alt=\"%s\">"
			   "</picture><figcaption>%s</figcaption></figure>",
			url, q, chart_sizes[CHART_NARROW].w, hn, url, q, chart_sizes[CHART_WIDE].w, hw,
			sum.s ? sum.s : "", caption);
	pst_buf_free(&sum);
}

static void history_chart(struct pst_buf *b, enum pst_chart_kind k, const struct pst_history *h,
			  const struct pst_record_set *rs, int64_t since, const char *caption)
{
	page_history_chart(b, (int)k, h, rs, since, caption, NULL);
}

void page_chart_reply(struct web *w, struct req *r, int kind, const struct web_arg *since_arg,
		      const struct web_arg *size_arg)
{
	enum chart_size size = size_arg->set ? (enum chart_size)size_arg->word : CHART_WIDE;
	struct pst_app_report rep;
	if (!read_report(w, r, since_arg, false, &rep))
		return;
	struct pst_chart_src src = {.h = rep.h, .sessions = rep.sessions, .nsessions = rep.nsessions,
				    .text_px = chart_sizes[size].text};
	int cw = chart_sizes[size].w, ch = pst_chart_px_height((enum pst_chart_kind)kind, &src, cw);
	pst_buf_free(&r->reply.body);
	pst_buf_init(&r->reply.body, PST_FIG_MAX_BYTES);
	int err = pst_chart_render((enum pst_chart_kind)kind, &src, PST_FIG_SVG, cw, ch, &r->reply.body);
	pst_app_report_free(&rep);
	if (err) {
		page_error(r, 500, "No chart", "The chart could not be drawn.");
		return;
	}
	r->reply.status = 200;
	r->reply.ctype = "image/svg+xml";
}

/* GET /chart/KIND.svg?size=narrow|wide&since=DAY: one of the history's charts. */
void page_chart(struct web *w, struct req *r)
{
	int kind = -1;
	for (int k = 0; k < PST_CHART_ALL; k++) {
		char name[32];
		snprintf(name, sizeof name, "%s.svg", pst_chart_names[k]);
		if (strcmp(r->arg, name) == 0)
			kind = k;
	}
	if (kind < 0) {
		page_error(r, 404, "Not found", "No such chart.");
		return;
	}
	page_chart_reply(w, r, kind, &r->q[0], &r->q[1]);
}

/* The functional scale (PSFS, CLINICAL §8): each activity with its change, a form to
 * rate it today, and one to add an activity (3 to 5 of them). */
static void psfs_section(struct web *w, struct req *r, struct pst_buf *b, const struct pst_history *h,
			 const struct pst_record_set *rs, int64_t since)
{
	pst_html_raw(b, "<section aria-labelledby=\"psfs-h\"><h2 id=\"psfs-h\">Activities your back makes hard</h2>"
			"<p>Pick 3 to 5 things your back makes hard, and rate each now and then from 0 "
			"(unable to do it) to 10 (as well as before).</p>");
	if (h->psfs.n) {
		pst_html_printf(b, "<p>%s</p>", h->psfs.statement);
		history_chart(b, PST_CHART_PSFS, h, rs, since,
			      "Each activity's first score and its latest, 0 (unable) to 10 (as before).");
		pst_html_raw(b, "<ul class=\"psfs\">");
	}
	for (size_t i = 0; i < h->psfs.n; i++) {
		const struct pst_psfs_change *c = &h->psfs.v[i];
		pst_html_printf(b, "<li>%s<form method=\"post\" action=\"/psfs\">", c->statement);
		page_csrf(r, b);
		pst_html_printf(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
				   "<label for=\"psfs-%lld\">Today, 0 to 10</label><select id=\"psfs-%lld\" "
				   "name=\"score\" required><option value=\"\">choose</option>",
				(long long)c->id, (long long)c->id, (long long)c->id);
		for (int k = 0; k <= 10; k++)
			pst_html_printf(b, "<option>%d</option>", k);
		pst_html_raw(b, "</select><button type=\"submit\" class=\"secondary\">Rate</button></form></li>");
	}
	if (h->psfs.n)
		pst_html_raw(b, "</ul>");
	if (h->psfs.n < PST_PSFS_MAX_ACTIVITIES) {
		pst_html_raw(b, "<form method=\"post\" action=\"/psfs\" class=\"card\">");
		page_csrf(r, b);
		pst_html_printf(b, "<p><label for=\"activity\">Add an activity (for example: feed the baby "
				   "for 20 minutes)</label><input type=\"text\" id=\"activity\" name=\"activity\" "
				   "required maxlength=\"%d\"></p><p><button type=\"submit\">Add</button></p></form>",
				PST_PSFS_ACTIVITY_MAX);
	}
	pst_html_raw(b, "</section>");
}

void page_psfs_post(struct web *w, struct req *r)
{
	const char *act = pst_form_get(&r->form, "activity");
	const char *id = pst_form_get(&r->form, "id"), *score = pst_form_get(&r->form, "score");
	struct pst_store *s = web_store(w);
	char msg[512];
	int err;
	if (act) {
		/* The checks of `postura psfs add` (core/tracking.h). */
		char why[200];
		if (!pst_psfs_activity_check(act, why, sizeof why)) {
			snprintf(msg, sizeof msg, "The activity %s.", why);
			page_error(r, 422, "Not saved", msg);
			return;
		}
		int64_t nid;
		err = s->ops->psfs_add(s, act, r->now, &nid);
		if (err == PST_EINVAL) { /* five already */
			page_error(r, 422, "Not saved", web_store_errmsg(w, err, msg, sizeof msg));
			return;
		}
	} else {
		char *end1, *end2;
		long long i = id ? strtoll(id, &end1, 10) : 0;
		long v = score ? strtol(score, &end2, 10) : -1;
		if (!id || !*id || *end1 || i <= 0 || !score || !*score || *end2 || v < 0 || v > 10) {
			page_error(r, 422, "Not saved", "Choose a score from 0 (unable) to 10 (as before).");
			return;
		}
		err = s->ops->psfs_rate(s, (int64_t)i, (int)v, r->now);
		if (err == PST_ENOTFOUND) {
			page_error(r, 404, "Not found", "There is no such activity.");
			return;
		}
	}
	if (err) {
		page_error(r, 500, "Not saved", web_store_errmsg(w, err, msg, sizeof msg));
		return;
	}
	web_redirect(r, "/history?saved=psfs");
}

void page_history(struct web *w, struct req *r)
{
	/* Made once per change of the person's data, day, range and notice (saved=), then
	 * served from memory. */
	uint64_t v = web_version(w);
	char query[64];
	snprintf(query, sizeof query, "since=%lld&saved=%s", r->q[0].set ? (long long)r->q[0].n : -1LL,
		 r->q[1].set ? r->q[1].s : "");
	if (web_cache_serve(w, r, CACHE_HISTORY_PAGE, query, v))
		return;
	struct pst_app_report rep;
	if (!read_report(w, r, &r->q[0], false, &rep))
		return;
	int64_t since = rep.since;
	const struct pst_history *h = rep.h;
	const struct pst_record_set rs = rep.rs; /* a view; rep owns it */
	/* The last ten check-ins of the range, read on their own: the report holds them only
	 * summed by day. */
	struct pst_record_set recent = {0}, newest = {0};
	struct pst_store *st = web_store(w);
	/* After a check-in was saved: the newest (by id), for its advice. */
	bool saved_ck = r->q[1].set && (strcmp(r->q[1].s, "before") == 0 ||
					strcmp(r->q[1].s, "checkin") == 0);
	int rerr = st->ops->checkin_latest(st, since, 10, false, &recent);
	if (!rerr && saved_ck)
		rerr = st->ops->checkin_latest(st, since, 1, true, &newest);
	if (rerr) {
		pst_record_set_free(&newest);
		pst_record_set_free(&recent);
		pst_app_report_free(&rep);
		char msg[512];
		page_error(r, 500, "Your history could not be read",
			   web_store_errmsg(w, rerr, msg, sizeof msg));
		return;
	}
	struct pst_buf *b = page_begin(w, r, "History", "/history");
	pst_html_raw(b, "<h1>Your history</h1>");
	/* The range: everything, or the last 4 or 12 weeks (the charts and the report follow). */
	static const struct {
		int days;
		const char *words;
	} ranges[] = {{0, "Everything"}, {12 * 7, "Last 12 weeks"}, {4 * 7, "Last 4 weeks"}};
	pst_html_raw(b, "<nav class=\"ranges\" aria-label=\"Which weeks\"><ul>");
	for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++) {
		int64_t from = ranges[i].days ? r->today - ranges[i].days + 1 : PST_HISTORY_ALL;
		char d[16] = "";
		if (ranges[i].days)
			pst_day_format(from, d, sizeof d);
		pst_html_printf(b, "<li><a href=\"/history%s%s\"", d[0] ? "?since=" : "", d);
		if (from == since) /* not through %s: that would escape the quotes */
			pst_html_raw(b, " aria-current=\"page\"");
		pst_html_printf(b, ">%s</a></li>", ranges[i].words);
	}
	pst_html_raw(b, "</ul></nav>");
	if (r->q[1].set) {
		bool before = strcmp(r->q[1].s, "before") == 0;
		if (before)
			pst_html_raw(b, "<p class=\"notice ok\" role=\"status\">No exercise was done, so no "
					"session was logged. Your pain before is kept as today's check-in.</p>");
		else
			pst_html_printf(b, "<p class=\"notice ok\" role=\"status\">Saved your %s.</p>",
					strcmp(r->q[1].s, "session") == 0 ? "session"
					: strcmp(r->q[1].s, "psfs") == 0  ? "activity rating"
									   : "check-in");
		/* The check-in just saved (the newest): its advice, as the terminal gives it. */
		if (saved_ck && newest.ncheckins) {
			const struct pst_checkin *last = &newest.checkins[0];
			const char *advice = pst_pain_advice(last->pain);
			if (advice)
				pst_html_printf(b, "<p class=\"notice warn\" role=\"note\"><strong>Pain %d/10.</strong> %s</p>",
						last->pain, advice);
		}
	}
	pst_html_printf(b, "<section class=\"card\" aria-labelledby=\"ch-h\"><h2 id=\"ch-h\">Is it getting better?</h2>"
			   "<p class=\"statement%s\">%s</p><p>%s</p>",
			h->pain.meaningful ? " good" : h->pain.worse ? " bad" : "", h->pain.statement,
			h->adherence.statement);
	if (h->psfs.n)
		pst_html_printf(b, "<p>%s</p>", h->psfs.statement);
	pst_html_raw(b, "</section><h2>Pain over time</h2>");
	history_chart(b, PST_CHART_PAIN, h, &rs, since,
		      "Pain (0-10) each day and its weekly mean; a mark under a day with a session. "
		      "The green band is where the weekly mean has fallen enough to matter.");
	pst_html_raw(b, "<h2>Sessions each week</h2>");
	history_chart(b, PST_CHART_SESSIONS, h, &rs, since,
		      "Sessions done each week against the sessions your plan asked for.");
	pst_html_raw(b, "<details><summary>The weeks as a table</summary><table class=\"data\"><thead><tr>"
			"<th scope=\"col\">Week of</th><th scope=\"col\">Mean pain</th><th scope=\"col\">Pain readings</th>"
			"<th scope=\"col\">Sessions done</th><th scope=\"col\">Planned</th></tr></thead><tbody>");
	for (size_t i = h->nweekly; i-- > 0;) {
		const struct pst_history_week *wk = &h->weekly[i];
		char d[16];
		pst_day_format(wk->week_start, d, sizeof d);
		pst_html_printf(b, "<tr><th scope=\"row\">%s</th><td>", d);
		if (wk->checkins)
			pst_html_printf(b, "%.1f", wk->mean);
		else
			pst_html_raw(b, "–");
		pst_html_printf(b, "</td><td>%d</td><td>%d</td><td>", wk->checkins, wk->sessions_done);
		if (wk->sessions_planned >= 0)
			pst_html_printf(b, "%d", wk->sessions_planned);
		else
			pst_html_raw(b, "–");
		pst_html_raw(b, "</td></tr>");
	}
	pst_html_raw(b, "</tbody></table></details>");
	psfs_section(w, r, b, h, &rs, since);
	pst_html_raw(b, "<h2>Recent check-ins</h2>");
	if (!recent.ncheckins)
		pst_html_raw(b, "<p>None yet. <a href=\"/today\">Check in on the Today page.</a></p>");
	else
		pst_html_raw(b, "<ul class=\"checkins\">");
	for (size_t k = 0; k < recent.ncheckins && k < 10; k++) {
		const struct pst_checkin *c = &recent.checkins[recent.ncheckins - 1 - k];
		char when[40];
		page_day_words(when, sizeof when, pst_time_day(c->at));
		pst_html_printf(b, "<li><span class=\"when\">%s</span> pain <strong>%d</strong>/10", when, c->pain);
		if (c->note)
			pst_html_printf(b, " — %s", c->note);
		pst_html_raw(b, "</li>");
	}
	if (recent.ncheckins)
		pst_html_raw(b, "</ul>");
	pst_record_set_free(&recent);
	pst_record_set_free(&newest);
	/* The sessions, each with the pain around it (the pain before is also the day's
	 * reading when there was no check-in). */
	pst_html_raw(b, "<h2>Recent sessions</h2>");
	if (!h->nsessions)
		pst_html_raw(b, "<p>None yet. <a href=\"/today\">Start one from the Today page.</a></p>");
	else
		pst_html_raw(b, "<ul class=\"sessions\">");
	for (size_t k = 0; k < h->nsessions && k < 10; k++) {
		const struct pst_history_session *x = &h->sessions[h->nsessions - 1 - k];
		char when[40];
		page_day_words(when, sizeof when, x->day);
		pst_html_printf(b, "<li><span class=\"when\">%s</span> session: pain <strong>%d</strong>/10 before, "
				   "<strong>%d</strong>/10 after</li>",
				when, x->pain_before, x->pain_after);
	}
	if (h->nsessions)
		pst_html_raw(b, "</ul>");
	pst_html_printf(b, "<p>Sessions recorded: %zu. <a href=\"/export?format=csv\">Download everything (CSV)</a></p>",
			rs.nsessions);
	char q[32] = "";
	if (since != PST_HISTORY_ALL) {
		char d[16];
		snprintf(q, sizeof q, "since=%s", pst_day_format(since, d, sizeof d));
	}
	pst_html_printf(b, "<p class=\"print\">For your midwife, doctor or physiotherapist: a report of your "
			   "pain, sessions, activities and how each exercise moved on. <a href=\"/report.pdf%s%s\" "
			   "type=\"application/pdf\">Report (PDF, A4)</a> · <a href=\"/report.pdf?paper=letter%s%s\" "
			   "type=\"application/pdf\">US Letter</a></p>",
			q[0] ? "?" : "", q, q[0] ? "&" : "", q);
	page_end(b, NULL);
	pst_app_report_free(&rep);
	web_cache_put(w, r, CACHE_HISTORY_PAGE, query, v);
}
