/*
 * The pages of the web app that are not about today's routine: the layout, screening
 * and referral, the profile, the exercise library, tips, the evidence, the disclaimer,
 * the stop signs, pictures and static files. Server-rendered; every text goes through
 * the HTML writer (render/html.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "page.h"
#include "render/cite.h"
#include "render/figure.h"
#include "render/markdown.h"
#include "render/text.h"

/* --- where the person stands ------------------------------------------------------- */

int person_read(struct web *w, struct req *r, struct person *pe)
{
	memset(pe, 0, sizeof(*pe));
	int err = pst_app_profile(web_store(w), r->today, &pe->sp, &pe->p, &pe->has_profile);
	if (!err) {
		/* Answers too old, or to questions that changed since, are asked again. */
		err = pst_app_screening(web_store(w), w->cfg.questions,
					pe->has_profile ? &pe->sp : NULL, pe->has_profile ? &pe->p : NULL,
					r->today, &pe->res, &pe->answers);
		pe->screened = !err && pe->answers.usable;
	}
	if (pe->screened) {
		pe->referral = pst_outcome_is_referral(pe->res.outcome);
		pe->incomplete = pe->res.outcome == PST_OUT_INCOMPLETE;
	}
	return err;
}

void person_free(struct person *pe)
{
	if (pe->screened)
		pst_screen_result_free(&pe->res);
	pe->screened = false;
}

const char *person_next(const struct person *pe)
{
	if (!pe->screened && pe->has_profile) /* the profile says which questions */
		return pe->p.stage == PST_STAGE_POSTPARTUM ? "/screening?stage=postpartum"
							   : "/screening?stage=pregnancy";
	if (!pe->screened)
		return "/screening";
	if (pe->referral)
		return "/referral";
	if (pe->incomplete)
		return pe->p.stage == PST_STAGE_POSTPARTUM ? "/screening?stage=postpartum"
							   : "/screening?stage=pregnancy";
	if (!pe->has_profile)
		return "/profile";
	return NULL;
}

/* --- layout ----------------------------------------------------------------------- */

static const char *asset(const char *name)
{
	const struct web_asset *a = web_asset_named(name);
	return a ? a->hashed : name;
}

struct nav_item {
	const char *path, *label;
};
static const struct nav_item nav[] = {
	{"/today", "Today"},     {"/session", "Session"}, {"/history", "History"},
	{"/exercises", "Exercises"}, {"/tips", "Tips"},   {"/profile", "Profile"},
};
/* Clinic mode: what a clinician and an admin see (no records of their own). */
static const struct nav_item nav_clinician[] = {
	{"/clinic", "Patients"}, {"/exercises", "Exercises"}, {"/tips", "Tips"},
};
static const struct nav_item nav_admin[] = {
	{"/admin", "Accounts"}, {"/admin/audit", "Audit log"},
};

struct pst_buf *page_begin(struct web *w, struct req *r, const char *title, const char *current)
{
	struct pst_buf *b = &r->reply.body;
	pst_buf_free(b);
	pst_buf_init(b, 4u << 20);
	r->reply.status = 200;
	r->reply.ctype = "text/html; charset=utf-8";
	pst_html_printf(b,
			"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
			"<title>%s · postura</title>"
			"<link rel=\"icon\" href=\"/static/%s\" type=\"image/svg+xml\">",
			title, asset("icon.svg"));
	page_app_head(b);
	pst_html_raw(b, "<style>");
	/* The stylesheet inline: trusted bytes of data/web/app.css, allowed by their hash in
	 * the Content-Security-Policy (server.c). It saves a blocking request before the
	 * first paint; gzip makes it about 2.5 KB. */
	const struct web_asset *css = web_asset_named("app.css");
	if (css)
		pst_buf_add(b, (const char *)css->data, css->len);
	pst_html_raw(b, "</style></head>\n"
			"<body><a class=\"skip\" href=\"#main\">Skip to the content</a>"
			"<header class=\"top\"><a class=\"brand\" href=\"/\">postura</a>"
			"<nav aria-label=\"Main\"><ul>");
	const struct nav_item *items = nav;
	size_t nitems = sizeof nav / sizeof *nav;
	if (r->auth.on && !r->auth.in) {
		nitems = 0; /* not logged in: nothing to go to but the login */
	} else if (r->auth.on && r->auth.acct.role == PST_ROLE_CLINICIAN) {
		items = nav_clinician;
		nitems = sizeof nav_clinician / sizeof *nav_clinician;
	} else if (r->auth.on && r->auth.acct.role == PST_ROLE_ADMIN) {
		items = nav_admin;
		nitems = sizeof nav_admin / sizeof *nav_admin;
	}
	for (size_t i = 0; i < nitems; i++) {
		pst_html_printf(b, "<li><a href=\"%s\"", items[i].path);
		if (current && strcmp(current, items[i].path) == 0)
			pst_html_raw(b, " aria-current=\"page\"");
		pst_html_printf(b, ">%s</a></li>", items[i].label);
	}
	pst_html_raw(b, "</ul></nav>");
	page_logout_button(r, b);
	pst_html_raw(b, "</header>\n<main id=\"main\" tabindex=\"-1\">");
	return b;
}

void page_end(struct pst_buf *b, const char *script)
{
	pst_html_raw(b, "</main>\n<footer><p><a href=\"/stop\">Stop signs: when to stop and get "
			"help</a> · <a href=\"/about\">About the evidence</a> · <a "
			"href=\"/disclaimer\">Disclaimer</a></p><p>postura does not diagnose. If "
			"something feels wrong, stop and ask your doctor, midwife or "
			"physiotherapist.</p></footer>");
	/* app.js on every page: the service worker (offline use) and the outbox of writes
	 * made offline; the page works without it. */
	pst_html_printf(b, "<script src=\"/static/%s\" defer></script>", asset("app.js"));
	if (script)
		pst_html_printf(b, "<script src=\"/static/%s\" defer></script>", asset(script));
	pst_html_raw(b, "</body></html>\n");
}

void page_csrf(struct req *r, struct pst_buf *b)
{
	char token[64];
	pst_html_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
			web_csrf_token(r, token, sizeof token));
}

void page_dose(struct pst_buf *b, const struct pst_dose *d)
{
	struct pst_buf t;
	pst_buf_init(&t, 1024);
	pst_text_dose(&t, d);
	pst_html_text(b, t.s);
	pst_buf_free(&t);
}

void page_day_words(char *buf, size_t size, int64_t day)
{
	static const char *const wd[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
					 "Friday", "Saturday", "Sunday"};
	static const char *const mon[] = {"January", "February", "March",     "April",
					  "May",     "June",     "July",      "August",
					  "September", "October", "November", "December"};
	char iso[16];
	pst_day_format(day, iso, sizeof iso);
	int y = atoi(iso), m = atoi(iso + 5), d = atoi(iso + 8);
	snprintf(buf, size, "%s %d %s %d", wd[pst_day_weekday(day)], d,
		 mon[m >= 1 && m <= 12 ? m - 1 : 0], y);
}

void page_error(struct req *r, unsigned status, const char *title, const char *msg)
{
	struct pst_buf *b = page_begin(r->w, r, title, NULL);
	r->reply.status = status;
	pst_html_printf(b, "<h1>%s</h1><p class=\"notice error\" role=\"alert\">%s</p>"
			   "<p><a href=\"/\">Back to the start</a></p>",
			title, msg);
	page_end(b, NULL);
}

static void store_error_page(struct web *w, struct req *r, int err)
{
	char msg[512];
	page_error(r, 500, "Your records could not be read",
		   web_store_errmsg(w, err, msg, sizeof msg));
}

/* --- home ------------------------------------------------------------------------ */

void page_home(struct web *w, struct req *r)
{
	/* Clinic mode: a clinician or an admin has no records of their own. */
	if (r->auth.on && r->auth.acct.role != PST_ROLE_PATIENT) {
		web_redirect(r, web_home_of(&r->auth));
		return;
	}
	struct person pe;
	int err = person_read(w, r, &pe);
	if (err) {
		store_error_page(w, r, err);
		return;
	}
	const char *next = person_next(&pe);
	person_free(&pe);
	web_redirect(r, next ? next : "/today");
}

/* --- screening --------------------------------------------------------------------- */

/*
 * The questions are asked in short steps, one outcome group at a time, most urgent first:
 * what needs help now, what needs checking today, what a doctor should see first, then
 * the person's health and the common things that only shape the plan. The stage is asked
 * first only when no profile says it. Each step's form carries the answers given so far
 * as hidden fields (no JavaScript, nothing saved half-way); after the last step the
 * person confirms "no warning signs" before the answers are saved. A yes to a referral
 * question ends the steps at once: its advice must not wait for the other questions.
 */
enum { SCREEN_GROUPS = 4 };

static const char *const group_title[SCREEN_GROUPS] = {
	"Signs that need help straight away",
	"Signs to have checked today",
	"Things a doctor should look at first",
	"Your health, and a few common things",
};

static int group_of(const struct pst_question *qn)
{
	int g = (int)qn->outcome;
	return g < SCREEN_GROUPS ? g : SCREEN_GROUPS - 1; /* clearance and note together */
}

/* Which questions the person is asked: the stage's, from their weeks when the profile
 * knows them (the stage chosen here may differ from the profile's: then all of it). */
struct asked {
	unsigned stages;
	int weeks;
	bool stage_step; /* the stage was asked first (no profile): one more step */
};

static struct asked asked_for(const struct person *pe, enum pst_stage stage)
{
	struct asked a = {PST_BIT(stage), -1, !pe->has_profile};
	if (pe->has_profile && pe->p.stage == stage)
		a.weeks = pe->p.weeks;
	return a;
}

static bool in_group(const struct pst_question *qn, const struct asked *a, int g)
{
	return group_of(qn) == g && pst_question_applies(qn, a->stages, a->weeks);
}

static int group_size(const struct pst_questions *q, const struct asked *a, int g)
{
	int n = 0;
	for (size_t i = 0; i < q->n; i++)
		n += in_group(&q->v[i], a, g);
	return n;
}

/* The next group with questions after g (-1: the first), or SCREEN_GROUPS when none. */
static int next_group(const struct pst_questions *q, const struct asked *a, int g)
{
	for (g++; g < SCREEN_GROUPS && !group_size(q, a, g); g++)
		;
	return g;
}

/* "Step k of n": the stage (when asked), each group with questions, the confirmation. */
static void progress(struct pst_buf *b, const struct pst_questions *q, const struct asked *a,
		     int g)
{
	int n = a->stage_step + 1, k = a->stage_step + 1;
	for (int i = 0; i < SCREEN_GROUPS; i++)
		if (group_size(q, a, i)) {
			n++;
			if (i < g)
				k++;
		}
	if (g < 0)
		k = 1;
	pst_html_printf(b,
			"<p class=\"progress-label\" id=\"step\">Step %d of %d</p>"
			"<progress max=\"%d\" value=\"%d\" aria-labelledby=\"step\">Step %d of %d</progress>",
			k, n, n, k, k, n);
}

/* Why the questions are asked (again) now, or NULL. */
static const char *screening_why(const struct person *pe, char *buf, size_t size)
{
	if (!pe->answers.found)
		return NULL;
	char day[16];
	pst_day_format(pst_time_day(pe->answers.at), day, sizeof day);
	const char *more = pe->has_profile && pe->p.stage == PST_STAGE_POSTPARTUM
				   ? " After birth some questions apply that did not before (heavy "
				     "or lasting bleeding, your breasts, your pelvic floor)."
				   : " In pregnancy some questions apply that do not after birth "
				     "(bleeding, your waters, your baby's movements).";
	if (pe->answers.changed)
		snprintf(buf, size, "The safety questions have changed since you answered them on "
				    "%s, so they are asked again.", day);
	else if (pe->answers.stale != PST_FRESH)
		snprintf(buf, size, "You answered these on %s. They are asked again because %s.%s",
			 day, pst_staleness_words(pe->answers.stale),
			 pe->answers.stale == PST_STALE_BIRTH || pe->answers.stale == PST_STALE_20_WEEKS
				 ? (pe->answers.stale == PST_STALE_BIRTH ? more
					: " From 20 weeks a few questions about pre-eclampsia and "
					  "the heart are asked too.")
				 : "");
	else if (pe->incomplete)
		snprintf(buf, size, "Your stage has changed since you answered on %s, and some "
				    "questions are new for it.%s", day, more);
	else
		return NULL;
	return buf;
}

static void screening_stage_form(struct web *w, struct req *r, struct pst_buf *b, const struct person *pe,
				 const char *why)
{
	bool pp = pe->has_profile && pe->p.stage == PST_STAGE_POSTPARTUM;
	struct asked a = {PST_BIT(PST_STAGE_PREGNANCY), -1, true};
	pst_html_raw(b, "<h1>Before any exercise: a few safety questions</h1>");
	progress(b, w->cfg.questions, &a, -1);
	if (why)
		pst_html_printf(b, "<p class=\"notice\" role=\"status\">%s</p>", why);
	pst_html_printf(b,
			"<p>postura first asks about warning signs, a few at a time, the most urgent "
			"first. A yes to one means no exercise plan: you will be told whom to contact, "
			"and how soon.</p>"
			"<form method=\"get\" action=\"/screening\" class=\"card\">"
			"<fieldset><legend>Which applies to you now? (It picks the questions, and your "
			"profile starts from it.)</legend>"
			"<label class=\"choice\"><input type=\"radio\" name=\"stage\" value=\"pregnancy\" "
			"required%s> I am pregnant</label>"
			"<label class=\"choice\"><input type=\"radio\" name=\"stage\" value=\"postpartum\"%s>"
			" I have given birth</label></fieldset>"
			"<p><button type=\"submit\">Next: the questions</button></p></form>",
			pe->has_profile && !pp ? " checked" : "", pp ? " checked" : "");
}

/* The answers given so far, as hidden fields: every q.ID of the form but those of group
 * g (asked on this page). Values are checked to be yes or no before. */
static void carried(struct pst_buf *b, const struct pst_questions *q, const struct pst_form *given,
		    const struct asked *a, int g)
{
	for (size_t i = 0; given && i < given->n; i++) {
		const struct pst_form_field *f = &given->v[i];
		if (strncmp(f->key, "q.", 2) != 0)
			continue;
		const struct pst_question *qn = pst_questions_find(q, f->key + 2);
		if (!qn || (g >= 0 && in_group(qn, a, g)))
			continue;
		pst_html_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", f->key, f->value);
	}
}

/* One step: the questions of group g; given (may be NULL) pre-fills them and carries the
 * others; with show_missing the unanswered ones of this step are marked. */
static void screening_step_form(struct web *w, struct req *r, struct pst_buf *b, enum pst_stage stage,
				const struct asked *a, int g, const struct pst_form *given,
				bool show_missing, const char *why)
{
	const struct pst_questions *q = w->cfg.questions;
	pst_html_printf(b, "<h1>Safety questions: %s</h1>", group_title[g]);
	progress(b, q, a, g);
	if (why)
		pst_html_printf(b, "<p class=\"notice\" role=\"status\">%s</p>", why);
	pst_html_printf(b,
			"<p>Answer each one. <strong>If you are not sure, answer yes</strong>: it is "
			"safer to check with a professional.</p>"
			"<form method=\"post\" action=\"/screening\" class=\"screening\">"
			"<input type=\"hidden\" name=\"stage\" value=\"%s\">"
			"<input type=\"hidden\" name=\"step\" value=\"%d\">",
			pst_vocab_word(&pst_vocab_stage, (int)stage), g + 1);
	page_csrf(r, b);
	carried(b, q, given, a, g);
	size_t k = 0;
	for (size_t i = 0; i < q->n; i++) {
		const struct pst_question *qn = &q->v[i];
		if (!in_group(qn, a, g))
			continue;
		k++;
		char name[80];
		snprintf(name, sizeof name, "q.%s", qn->id);
		const char *got = given ? pst_form_get(given, name) : NULL;
		bool missing = show_missing && !got;
		pst_html_printf(b,
				"<fieldset class=\"question%s\" id=\"%s\"><legend><span class=\"num\">%zu.</span> %s</legend>",
				missing ? " missing" : "", qn->id, k, qn->question);
		if (missing)
			pst_html_raw(b, "<p class=\"missing-note\">Please answer this one.</p>");
		pst_html_printf(b,
				"<label class=\"choice\"><input type=\"radio\" name=\"%s\" value=\"no\" "
				"required%s> No</label><label class=\"choice\"><input type=\"radio\" "
				"name=\"%s\" value=\"yes\"%s> Yes</label></fieldset>",
				name, got && strcmp(got, "no") == 0 ? " checked" : "",
				name, got && strcmp(got, "yes") == 0 ? " checked" : "");
	}
	bool last = next_group(q, a, g) >= SCREEN_GROUPS;
	pst_html_printf(b, "<p><button type=\"submit\">%s</button></p></form>",
			last ? "Next: check your answers" : "Next");
}

/* After the last step: no warning sign (or only a clearance or a note); the person says
 * so before anything is saved and before the profile. */
static void screening_confirm(struct web *w, struct req *r, struct pst_buf *b, enum pst_stage stage,
			      const struct asked *a, const struct pst_form *given,
			      const struct pst_screen_result *res)
{
	const struct pst_questions *q = w->cfg.questions;
	pst_html_raw(b, "<h1>Safety questions: please check</h1>");
	progress(b, q, a, SCREEN_GROUPS);
	if (!res->nreasons)
		pst_html_raw(b, "<section class=\"card ok\"><h2>No warning signs</h2><p>You answered "
				"no to every warning sign. Is that right? If anything changes, answer "
				"the questions again, and stop exercising and get help if a warning "
				"sign comes up.</p></section>");
	else
		pst_html_printf(b, "<section class=\"card\"><h2>%s</h2><p>You can have a plan. You "
				   "answered yes to:</p><ul class=\"reasons\">",
				pst_outcome_headline(res->outcome));
	for (size_t i = 0; i < res->nreasons; i++)
		pst_html_printf(b, "<li><p class=\"q\"><strong>%s</strong></p><p>%s</p></li>",
				res->reasons[i]->question, res->reasons[i]->advice);
	if (res->nreasons)
		pst_html_raw(b, "</ul></section>");
	pst_html_printf(b,
			"<form method=\"post\" action=\"/screening\" class=\"screening\">"
			"<input type=\"hidden\" name=\"stage\" value=\"%s\">"
			"<input type=\"hidden\" name=\"step\" value=\"%d\">"
			"<input type=\"hidden\" name=\"confirm\" value=\"1\">",
			pst_vocab_word(&pst_vocab_stage, (int)stage), SCREEN_GROUPS);
	page_csrf(r, b);
	carried(b, q, given, a, -1);
	pst_html_printf(b, "<p><button type=\"submit\">Yes, that is right: go on%s</button></p>"
			   "</form><p><a href=\"/screening?stage=%s\">No: answer the questions "
			   "again</a></p>",
			a->stage_step ? " to your profile" : "",
			pst_vocab_word(&pst_vocab_stage, (int)stage));
}

void page_screening(struct web *w, struct req *r)
{
	struct person pe;
	int err = person_read(w, r, &pe);
	if (err) {
		store_error_page(w, r, err);
		return;
	}
	char buf[600];
	const char *why = screening_why(&pe, buf, sizeof buf);
	struct pst_buf *b = page_begin(w, r, "Safety questions", NULL);
	if (!r->q[0].set) {
		screening_stage_form(w, r, b, &pe, why);
	} else {
		enum pst_stage stage = (enum pst_stage)r->q[0].word;
		struct asked a = asked_for(&pe, stage);
		screening_step_form(w, r, b, stage, &a, next_group(w->cfg.questions, &a, -1), NULL,
				    false, why);
	}
	person_free(&pe);
	page_end(b, NULL);
}

/* Saves the answers (text) and sends the person on: to the referral, else home (which
 * goes to the profile on a first visit, else to today). */
static void screening_save(struct web *w, struct req *r, const char *text, enum pst_stage stage,
			   bool referral)
{
	int err = web_screening_save(w, text, PST_BIT(stage), r->now);
	if (err) {
		store_error_page(w, r, err);
		return;
	}
	web_redirect(r, referral ? "/referral" : "/");
}

void page_screening_post(struct web *w, struct req *r)
{
	const struct pst_questions *q = w->cfg.questions;
	const char *st = pst_form_get(&r->form, "stage");
	int stage = st ? pst_vocab_find(&pst_vocab_stage, st) : -1;
	if (stage < 0) {
		page_error(r, 422, "That did not work", "Say first whether you are pregnant or have given birth.");
		return;
	}
	const char *sv = pst_form_get(&r->form, "step");
	int step = 0; /* 0: the whole form at once (the API's way, and older pages) */
	if (sv) {
		char *end;
		long v = strtol(sv, &end, 10);
		if (*sv < '1' || *sv > '9' || *end || v < 1 || v > SCREEN_GROUPS) {
			page_error(r, 422, "That did not work", "The step of the questions is not known.");
			return;
		}
		step = (int)v;
	}
	/* The form as the JSON object `postura screen` reads, checked by the same parser. */
	json_t *o = json_object();
	for (size_t i = 0; i < r->form.n; i++) {
		const struct pst_form_field *f = &r->form.v[i];
		if (strncmp(f->key, "q.", 2) != 0)
			continue;
		if (strcmp(f->value, "yes") != 0 && strcmp(f->value, "no") != 0) {
			json_decref(o);
			page_error(r, 422, "That did not work", "Each answer must be yes or no.");
			return;
		}
		json_object_set_new(o, f->key + 2, json_boolean(strcmp(f->value, "yes") == 0));
	}
	char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	struct person pe;
	int err = text ? person_read(w, r, &pe) : PST_ENOMEM;
	if (err) {
		free(text);
		store_error_page(w, r, err);
		return;
	}
	struct asked a = asked_for(&pe, (enum pst_stage)stage);
	person_free(&pe);
	struct pst_answers ans = {0};
	struct pst_diags d = {0};
	err = pst_answers_parse_json(q, "form", text, strlen(text), &ans, &d);
	struct pst_screen_result res;
	if (!err)
		err = pst_screen_evaluate_at(q, &ans, a.stages, a.weeks, &res);
	if (err) {
		pst_answers_free(&ans);
		page_error(r, 422, "That did not work", d.n ? d.v[0].msg : pst_strerror(err));
		pst_diags_clear(&d);
		free(text);
		return;
	}
	/* The first group, up to this step, with a question left unanswered. */
	int gap = SCREEN_GROUPS;
	for (size_t k = 0; k < q->n; k++) {
		int g = group_of(&q->v[k]);
		if (g < gap && (step == 0 || g < step) && in_group(&q->v[k], &a, g) &&
		    ans.v[k] == PST_ANS_UNANSWERED)
			gap = g;
	}
	pst_answers_free(&ans);
	bool referral = pst_outcome_is_referral(res.outcome);
	enum pst_outcome outcome = res.outcome;
	if (referral) {
		/* A warning sign decides at once, whatever is left. */
		pst_screen_result_free(&res);
		screening_save(w, r, text, (enum pst_stage)stage, true);
		free(text);
		return;
	}
	if (gap < SCREEN_GROUPS || (step == 0 && outcome == PST_OUT_INCOMPLETE)) {
		/* Never a plan on half the answers: that step again, the missing ones marked. */
		pst_screen_result_free(&res);
		free(text);
		struct pst_buf *b = page_begin(w, r, "Safety questions", NULL);
		r->reply.status = 422;
		pst_html_raw(b, "<p class=\"notice error\" role=\"alert\">Please answer every question.</p>");
		screening_step_form(w, r, b, (enum pst_stage)stage, &a,
				    gap < SCREEN_GROUPS ? gap : next_group(q, &a, -1), &r->form, true,
				    NULL);
		page_end(b, NULL);
		return;
	}
	int next = step ? next_group(q, &a, step - 1) : SCREEN_GROUPS;
	if (next < SCREEN_GROUPS) {
		pst_screen_result_free(&res);
		free(text);
		struct pst_buf *b = page_begin(w, r, "Safety questions", NULL);
		screening_step_form(w, r, b, (enum pst_stage)stage, &a, next, &r->form, false, NULL);
		page_end(b, NULL);
		return;
	}
	if (step && !pst_form_get(&r->form, "confirm")) {
		struct pst_buf *b = page_begin(w, r, "Safety questions: please check", NULL);
		screening_confirm(w, r, b, (enum pst_stage)stage, &a, &r->form, &res);
		page_end(b, NULL);
		pst_screen_result_free(&res);
		free(text);
		return;
	}
	pst_screen_result_free(&res);
	screening_save(w, r, text, (enum pst_stage)stage, false);
	free(text);
}

/* --- referral --------------------------------------------------------------------- */

static const char *urgency_class(enum pst_outcome o)
{
	return o == PST_OUT_EMERGENCY ? "emergency" : o == PST_OUT_SAME_DAY ? "same-day" : "provider";
}

void page_referral(struct web *w, struct req *r)
{
	struct person pe;
	int err = person_read(w, r, &pe);
	if (err) {
		store_error_page(w, r, err);
		return;
	}
	if (!pe.referral) {
		const char *next = person_next(&pe);
		person_free(&pe);
		web_redirect(r, next ? next : "/today");
		return;
	}
	enum pst_outcome o = pe.res.outcome;
	const struct pst_country *cy = page_country(r, pe.has_profile ? &pe.p : NULL);
	char head[256];
	pst_country_fill(cy, pst_outcome_headline(o), head, sizeof head);
	struct pst_buf *b = page_begin(w, r, head, NULL);
	pst_html_printf(b,
			"<section class=\"referral %s\" aria-labelledby=\"ref-h\"><h1 id=\"ref-h\">%s</h1>"
			"<p>Your answers need a professional's attention first, so postura does not offer "
			"an exercise plan.</p>",
			urgency_class(o), head);
	pst_html_raw(b, "</section>");
	page_numbers(b, cy);
	pst_html_raw(b, "<h2>Why, and what to do</h2><ul class=\"reasons\">");
	for (size_t i = 0; i < pe.res.nreasons; i++) {
		const struct pst_question *qn = pe.res.reasons[i];
		char advice[2048];
		pst_html_printf(b,
				"<li class=\"%s\"><p class=\"q\">You answered yes: %s</p><p><strong>%s</strong></p>"
				"<p class=\"source\">Source: ",
				urgency_class(qn->outcome), qn->question,
				pst_country_fill(cy, qn->advice, advice, sizeof advice));
		pst_cite_html(b, &qn->sources);
		pst_html_raw(b, "</p></li>");
	}
	pst_html_raw(b, "</ul><p>postura does not diagnose. These questions only pick out signs "
			"that must be seen to before exercising.</p>"
			"<p><a href=\"/screening\">I answered by mistake: answer the questions again</a></p>");
	person_free(&pe);
	page_end(b, NULL);
}

/* --- profile ------------------------------------------------------------------------ */

static void checkboxes(struct pst_buf *b, const char *name, const struct pst_vocab *v, unsigned mask,
		       int first)
{
	for (int i = first; i < v->n; i++)
		pst_html_printf(b,
				"<label class=\"check\"><input type=\"checkbox\" name=\"%s\" value=\"%s\"%s> "
				"%s</label>",
				name, v->words[i], mask & PST_BIT(i) ? " checked" : "", pst_vocab_plain(v, i));
}

static void radios(struct pst_buf *b, const char *name, const struct pst_vocab *v, int current,
		   int first, const char *none_label)
{
	if (none_label)
		pst_html_printf(b, "<label class=\"choice\"><input type=\"radio\" name=\"%s\" value=\"\"%s> %s</label>",
				name, current < first ? " checked" : "", none_label);
	for (int i = first; i < v->n; i++)
		pst_html_printf(b, "<label class=\"choice\"><input type=\"radio\" name=\"%s\" value=\"%s\"%s> %s</label>",
				name, v->words[i], current == i ? " checked" : "", pst_vocab_plain(v, i));
}

/* The country for the numbers to call: the profile's, else the browser's language
 * (Accept-Language), else the server's locale (LC_ALL, LANG); NULL when none says. */
const struct pst_country *page_country(struct req *r, const struct pst_profile *p)
{
	const struct pst_country *c = p ? pst_profile_country(p) : NULL;
	if (!c)
		c = pst_country_from_locale(web_header(r, "Accept-Language"));
	if (!c)
		c = pst_country_from_locale(getenv("LC_ALL"));
	if (!c)
		c = pst_country_from_locale(getenv("LANG"));
	return c;
}

/* One number as a link that dials it on a phone. */
static void tel_link(struct pst_buf *b, const char *number)
{
	char tel[32];
	pst_html_printf(b, "<a class=\"tel\" href=\"tel:%s\">%s</a>",
			pst_country_tel(number, tel, sizeof tel), number);
}

void page_numbers(struct pst_buf *b, const struct pst_country *c)
{
	char words[160];
	if (!c) {
		static const struct {
			const char *code, *where;
		} all[] = {{"GB", "in the UK"},	   {"IE", "in the EU"},	    {"IN", "in India"},
			   {"US", "in the US and Canada"}, {"AU", "in Australia"}, {"NZ", "in New Zealand"}};
		pst_html_raw(b, "<section class=\"numbers\" aria-labelledby=\"num-h\"><h2 id=\"num-h\">"
				"Emergency numbers</h2><ul>");
		for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
			pst_html_raw(b, "<li>");
			tel_link(b, pst_country_find(all[i].code)->emergency);
			pst_html_printf(b, " %s</li>", all[i].where);
		}
		pst_html_raw(b, "</ul><p>For your own urgent-advice and maternity lines, "
				"<a href=\"/profile#country\">say where you live in your profile</a>.</p>"
				"</section>");
		return;
	}
	pst_html_printf(b, "<section class=\"numbers\" aria-labelledby=\"num-h\"><h2 id=\"num-h\">"
			   "Numbers to call %s</h2><ul><li>Emergency (ambulance): ",
			c->in_name);
	tel_link(b, c->emergency);
	if (c->emergency_also) {
		pst_html_raw(b, " or ");
		tel_link(b, c->emergency_also);
	}
	pst_html_raw(b, "</li>");
	if (c->urgent) {
		pst_html_printf(b, "<li>Urgent advice, not an emergency (%s): ", c->urgent_name);
		tel_link(b, c->urgent);
		pst_html_raw(b, "</li>");
	}
	pst_html_raw(b, "<li>Pregnancy and birth: ");
	if (c->maternity) {
		tel_link(b, c->maternity);
		pst_html_printf(b, " (%s)", c->maternity_name);
	} else {
		pst_html_printf(b, "%s (keep it in your phone)",
				pst_country_maternity_words(c, words, sizeof words));
	}
	pst_html_printf(b, "</li></ul><p class=\"hint\">Not %s? "
			   "<a href=\"/profile#country\">Change your country</a>.</p></section>",
			c->in_name);
}

/* The profile form, filled from p (has_stage false: a first visit). */
static void profile_form(struct web *w, struct req *r, struct pst_buf *b,
			 const struct pst_profile *p, int stage_hint)
{
	/* A first visit starts from the stage chosen for the safety questions. */
	int stage = p->has_stage ? (int)p->stage : stage_hint;
	bool pp = stage == PST_STAGE_POSTPARTUM;
	char weeks[16] = "";
	if (p->has_stage)
		snprintf(weeks, sizeof weeks, "%d", p->weeks);
	pst_html_raw(b, "<form method=\"post\" action=\"/profile\" class=\"profile\">");
	page_csrf(r, b);
	pst_html_printf(b,
			"<fieldset><legend>Your stage</legend>"
			"<label class=\"choice\"><input type=\"radio\" name=\"stage\" value=\"pregnancy\" required%s> Pregnant</label>"
			"<label class=\"choice\"><input type=\"radio\" name=\"stage\" value=\"postpartum\"%s> Given birth</label>"
			"<label for=\"weeks\">Weeks pregnant, or weeks since the birth</label>"
			"<input id=\"weeks\" name=\"weeks\" type=\"number\" inputmode=\"numeric\" min=\"0\" max=\"104\" required value=\"%s\">"
			"</fieldset>",
			stage == PST_STAGE_PREGNANCY ? " checked" : "", pp ? " checked" : "", weeks);
	pst_html_raw(b, "<fieldset><legend>After birth only: the birth</legend>");
	radios(b, "birth", &pst_vocab_birth, (int)p->birth, PST_BIRTH_VAGINAL, NULL);
	pst_html_raw(b, "</fieldset><fieldset><legend>After birth only: feeding</legend>");
	radios(b, "feeding", &pst_vocab_feeding, (int)p->feeding, PST_FEED_BREAST, "not saying");
	pst_html_raw(b, "</fieldset><fieldset><legend>Pain now, 0 (none) to 10 (worst imaginable)</legend>"
			"<div class=\"scale\">");
	for (int i = 0; i <= 10; i++)
		pst_html_printf(b, "<label><input type=\"radio\" name=\"pain\" value=\"%d\"%s><span>%d</span></label>",
				i, p->pain == i ? " checked" : "", i);
	pst_html_raw(b, "</div></fieldset><fieldset><legend>Where it hurts</legend>");
	checkboxes(b, "areas", &pst_vocab_area, p->areas, 0);
	pst_html_raw(b, "</fieldset><fieldset><legend>What makes it worse</legend>");
	checkboxes(b, "triggers", &pst_vocab_trigger, p->triggers, 0);
	pst_html_raw(b, "</fieldset><fieldset><legend>What you have at home</legend>");
	checkboxes(b, "equipment", &pst_vocab_equipment, p->equipment, 0);
	pst_html_raw(b, "</fieldset><fieldset><legend>Things to avoid</legend>");
	checkboxes(b, "avoid", &pst_vocab_avoid, p->avoid, 0);
	pst_html_raw(b, "</fieldset><fieldset class=\"conditions\"><legend>Do you have any of "
			"these? Tick all that apply</legend>");
	for (int i = 0; i < PST_COND__MAX; i++)
		pst_html_printf(b,
				"<label class=\"check\"><input type=\"checkbox\" name=\"conditions\" "
				"value=\"%s\"%s> %s</label>",
				pst_vocab_condition.words[i],
				p->conditions & PST_BIT(i) ? " checked" : "", pst_condition_question[i]);
	pst_html_raw(b, "<p class=\"hint\">Each one leaves out the positions that do not suit "
			"it and adds what to watch for.</p></fieldset>");
	/* The country for the numbers to call: the saved one, else the browser's guess. */
	const struct pst_country *cur = page_country(r, p);
	pst_html_raw(b, "<p><label for=\"country\">Where you live (for the emergency numbers to "
			"call)</label><select id=\"country\" name=\"country\">");
	pst_html_printf(b, "<option value=\"\"%s>Not saying (show the numbers of several "
			   "countries)</option>", cur ? "" : " selected");
	for (size_t i = 0; i < pst_countries_n; i++)
		pst_html_printf(b, "<option value=\"%s\"%s>%s</option>", pst_countries[i].code,
				cur == &pst_countries[i] ? " selected" : "", pst_countries[i].name);
	pst_html_printf(b,
			"</select></p><p><label for=\"minutes\">Minutes a session (3 to 60)</label>"
			"<input id=\"minutes\" name=\"minutes\" type=\"number\" inputmode=\"numeric\" "
			"min=\"3\" max=\"60\" required value=\"%d\"></p>",
			p->minutes);
	/* The calendar reminders (the Calendar section below, /calendar.ics). */
	char clock[8], zone[PST_TZ_NAME_MAX];
	pst_html_printf(b,
			"<fieldset id=\"reminders\"><legend>Your reminders</legend>"
			"<p><label for=\"remind_at\">Time of your sessions, for the reminder "
			"(hours:minutes)</label>"
			"<input id=\"remind_at\" name=\"remind_at\" type=\"time\" required "
			"pattern=\"[0-9]{1,2}:[0-9]{2}\" value=\"%s\"></p>"
			"<p><label for=\"timezone\">Your time zone (a name like Europe/London or "
			"America/New_York)</label>"
			"<input id=\"timezone\" name=\"timezone\" type=\"text\" autocapitalize=\"off\" "
			"spellcheck=\"false\" maxlength=\"63\" value=\"%s\"></p>"
			"<label class=\"check\"><input type=\"checkbox\" name=\"relief_reminder\" "
			"value=\"yes\"%s> Also remind me of the short relief break every day</label>"
			"</fieldset>"
			"<p><button type=\"submit\">Save my profile</button></p></form>",
			pst_clock_format(p->remind_at, clock, sizeof clock),
			pst_profile_timezone(p, zone, sizeof zone),
			p->relief_reminder ? " checked" : "");
}

static void profile_page(struct web *w, struct req *r, const struct pst_profile *p,
			 const char *error, bool saved, int stage_hint)
{
	struct pst_buf *b = page_begin(w, r, "Your profile", "/profile");
	pst_html_raw(b, "<h1>Your profile</h1>");
	if (saved)
		pst_html_raw(b, "<p class=\"notice ok\" role=\"status\">Saved.</p>");
	if (error)
		pst_html_printf(b, "<p class=\"notice error\" role=\"alert\">%s</p>", error);
	pst_html_raw(b, "<p>Your plan is built from this. Weeks move on with the calendar, so you "
			"only need to change what changes.</p>");
	profile_form(w, r, b, p, stage_hint);
	if (p->has_stage)
		page_calendar_section(w, r, b);
	pst_html_raw(b, "<section aria-labelledby=\"set-h\"><h2 id=\"set-h\">Settings and your data</h2>"
			"<p class=\"js-only\"><label class=\"check\"><input type=\"checkbox\" id=\"sound\"> "
			"Sounds during sessions (a soft tone when a hold or rest ends)</label></p>"
			"<p>Download everything you recorded: <a href=\"/export?format=csv\" download>CSV</a> "
			"or <a href=\"/export?format=json\" download>JSON</a>, or as <a "
			"href=\"/export?format=fhir\" download>FHIR</a> for other health software.</p>"
			"<p><a href=\"/screening\">Answer the safety questions again</a></p></section>");
	page_end(b, "player.js");
}

void page_profile(struct web *w, struct req *r)
{
	struct person pe;
	int err = person_read(w, r, &pe);
	if (err) {
		store_error_page(w, r, err);
		return;
	}
	if (!pe.screened || pe.referral) {
		const char *next = person_next(&pe);
		person_free(&pe);
		web_redirect(r, next);
		return;
	}
	struct pst_profile p;
	int hint = -1;
	if (pe.has_profile) {
		p = pe.p;
	} else {
		pst_profile_init(&p);
		for (int st = 0; st < PST_STAGE__MAX; st++)
			if (pe.answers.stages == PST_BIT(st))
				hint = st;
	}
	person_free(&pe);
	profile_page(w, r, &p, NULL, r->q[0].set && r->q[0].n == 1, hint);
}

void page_profile_post(struct web *w, struct req *r)
{
	const struct pst_form *f = &r->form;
	const char *text[PST_PF__MAX] = {0};
	char lists[5][256];
	const char *stage = pst_form_get(f, "stage");
	bool pp = stage && strcmp(stage, "postpartum") == 0;
	if (stage && (pp || strcmp(stage, "pregnancy") == 0)) {
		text[pp ? PST_PF_POSTPARTUM_WEEKS : PST_PF_PREGNANT_WEEKS] = pst_form_get(f, "weeks");
		if (!text[pp ? PST_PF_POSTPARTUM_WEEKS : PST_PF_PREGNANT_WEEKS])
			text[pp ? PST_PF_POSTPARTUM_WEEKS : PST_PF_PREGNANT_WEEKS] = "";
	}
	if (pp) {
		const char *birth = pst_form_get(f, "birth"), *feed = pst_form_get(f, "feeding");
		text[PST_PF_BIRTH] = birth && *birth ? birth : NULL;
		text[PST_PF_FEEDING] = feed && *feed ? feed : NULL;
	}
	const char *pain = pst_form_get(f, "pain");
	text[PST_PF_PAIN] = pain && *pain ? pain : NULL;
	static const enum pst_pfield lf[] = {PST_PF_AREAS, PST_PF_TRIGGERS, PST_PF_EQUIPMENT,
					     PST_PF_AVOID, PST_PF_CONDITIONS};
	const char *msg = NULL;
	for (int i = 0; i < 5; i++) {
		if (!pst_form_join(f, pst_pfield_json[lf[i]], lists[i], sizeof lists[i]))
			msg = "a list holds a word that is not one of the choices";
		text[lf[i]] = lists[i];
	}
	text[PST_PF_MINUTES] = pst_form_get(f, "minutes");
	text[PST_PF_COUNTRY] = pst_form_get(f, "country");
	text[PST_PF_REMIND_AT] = pst_form_get(f, "remind_at");
	text[PST_PF_TIMEZONE] = pst_form_get(f, "timezone");
	text[PST_PF_RELIEF_REMINDER] = pst_form_get(f, "relief_reminder") ? "yes" : "no";
	struct pst_profile p;
	char why[256];
	const char *field;
	if (msg || !web_profile_from_text(text, &p, &field, why, sizeof why)) {
		if (!stage)
			snprintf(why, sizeof why, "Say whether you are pregnant or have given birth.");
		struct pst_profile shown;
		pst_profile_init(&shown);
		profile_page(w, r, &shown, msg ? msg : why, false, -1);
		r->reply.status = 422;
		return;
	}
	int err = web_profile_save(w, &p, r->now);
	if (err) {
		store_error_page(w, r, err);
		return;
	}
	web_redirect(r, "/");
}

/* --- the exercise library ---------------------------------------------------------------- */

static void select_filter(struct pst_buf *b, const char *name, const char *label,
			  const struct pst_vocab *v, const struct web_arg *cur)
{
	pst_html_printf(b, "<p><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\"><option value=\"\">any</option>",
			name, label, name, name);
	for (int i = 0; i < v->n; i++)
		pst_html_printf(b, "<option value=\"%s\"%s>%s</option>", v->words[i],
				cur->set && cur->word == i ? " selected" : "", pst_vocab_plain(v, i));
	pst_html_raw(b, "</select></p>");
}

/* The rule that leaves e out of the person's plan at their stage, or NULL (no profile,
 * or none does). */
static const struct pst_rule *ruled_out(const struct person *pe, const struct pst_exercise *e)
{
	return pe->has_profile ? pst_rules_excluding(e, &pe->p) : NULL;
}

void page_exercises(struct web *w, struct req *r)
{
	const struct pst_catalog *c = w->cfg.cat;
	struct person pe;
	int err = person_read(w, r, &pe);
	if (err) {
		store_error_page(w, r, err);
		return;
	}
	const char *query = r->q[4].set ? r->q[4].s : "";
	struct pst_buf *b = page_begin(w, r, "Exercise library", "/exercises");
	/* One GET form: the search and the filters work without JavaScript, and the address
	 * of the results can be kept or shared. */
	pst_html_printf(b, "<h1>Exercise library</h1><form method=\"get\" action=\"/exercises\" "
			   "class=\"filters\" role=\"search\"><p class=\"search\"><label for=\"q\">Search "
			   "by name, muscle, body part or position</label><input type=\"search\" id=\"q\" "
			   "name=\"q\" maxlength=\"%d\" value=\"%s\" placeholder=\"e.g. upper back, "
			   "sitting, chest\"></p>",
			PST_SEARCH_MAX, query);
	select_filter(b, "kind", "Kind", &pst_vocab_kind, &r->q[0]);
	select_filter(b, "position", "Position", &pst_vocab_position, &r->q[1]);
	select_filter(b, "region", "Body region", &pst_vocab_region, &r->q[2]);
	select_filter(b, "equipment", "Equipment", &pst_vocab_equipment, &r->q[3]);
	pst_html_raw(b, "<p><button type=\"submit\">Show</button></p></form>");
	size_t shown = 0;
	bool filtered = *query;
	for (int k = 0; k < 4; k++)
		filtered |= r->q[k].set;
	struct pst_buf list;
	pst_buf_init(&list, 1 << 20);
	for (size_t i = 0; i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		if ((r->q[0].set && (int)e->kind != r->q[0].word) ||
		    (r->q[1].set && (int)e->position != r->q[1].word) ||
		    (r->q[2].set && !(e->regions & PST_BIT(r->q[2].word))) ||
		    (r->q[3].set && !(e->equipment & PST_BIT(r->q[3].word))) ||
		    !pst_exercise_matches(e, query))
			continue;
		shown++;
		/* a small still of the movement's end beside the name */
		pst_html_printf(&list, "<li class=\"has-thumb\"><img class=\"thumb\" src=\"/img/%s-%s.svg\" "
				       "width=\"96\" height=\"72\" alt=\"\" loading=\"lazy\"><div>"
				       "<h2><a href=\"/exercises/%s\">%s</a></h2><p>%s</p><p class=\"meta\">%s · %s",
				e->id, e->scene.n ? e->scene.poses[e->scene.n - 1].name : "end", e->id, e->name,
				e->summary, pst_vocab_plain(&pst_vocab_kind, (int)e->kind),
				pst_vocab_plain(&pst_vocab_position, (int)e->position));
		if (e->equipment) {
			struct pst_buf t;
			pst_buf_init(&t, 256);
			pst_text_mask(&t, &pst_vocab_equipment, e->equipment, "");
			pst_html_printf(&list, " · needs %s", t.s ? t.s : "");
			pst_buf_free(&t);
		}
		pst_html_raw(&list, "</p>");
		const struct pst_rule *rule = ruled_out(&pe, e);
		if (rule)
			pst_html_printf(&list, "<p class=\"ruled-out\">%s</p>",
					rule->choice ? "Left out by your choices" : "Not for you at this stage");
		pst_html_raw(&list, "</div></li>");
	}
	if (filtered)
		pst_html_printf(b, "<p class=\"found\" role=\"status\">%zu of %zu exercises%s%s%s. "
				   "<a href=\"/exercises\">Show all</a></p>",
				shown, c->n, *query ? " match \u201c" : "", query, *query ? "\u201d" : "");
	if (shown && list.s && !list.failed) {
		/* list was written by the escaping writer */
		pst_html_raw(b, "<ul class=\"cards\">");
		pst_html_raw(b, list.s);
		pst_html_raw(b, "</ul>");
	}
	else
		pst_html_raw(b, "<p>No exercise matches. Try fewer or other words, such as \u201cneck\u201d, "
				"\u201cchest\u201d or \u201csitting\u201d.</p>");
	pst_buf_free(&list);
	person_free(&pe);
	page_end(b, NULL);
}

static void list_items(struct pst_buf *b, const char *tag, const struct pst_strv *sv)
{
	pst_html_printf(b, "<%s>", tag);
	for (size_t i = 0; i < sv->n; i++)
		pst_html_printf(b, "<li>%s</li>", sv->v[i]);
	pst_html_printf(b, "</%s>", tag);
}

static void variant_links(struct web *w, struct pst_buf *b, const char *label, const struct pst_strv *ids)
{
	if (!ids->n)
		return;
	pst_html_printf(b, "<p>%s: ", label);
	for (size_t i = 0; i < ids->n; i++) {
		const struct pst_exercise *v = pst_catalog_find(w->cfg.cat, ids->v[i]);
		pst_html_printf(b, "%s<a href=\"/exercises/%s\">%s</a>", i ? ", " : "", ids->v[i],
				v ? v->name : ids->v[i]);
	}
	pst_html_raw(b, "</p>");
}

/* The <img> of one pose of e: /img/ID-POSE.svg (the neutral figure) or
 * /img/pregnant/ID-POSE.svg (with the bump), drawn by render/figure and kept. */
enum { FIG_W = 240, FIG_H = 180 };

static const char *fig_dir(bool pregnant)
{
	return pregnant ? "/img/pregnant/" : "/img/";
}

void page_figure_img(struct pst_buf *b, const struct pst_exercise *e, size_t pose, bool lazy,
		     bool pregnant)
{
	const struct pst_pose *p = &e->scene.poses[pose];
	pst_html_printf(b, "<img class=\"still\" src=\"%s%s-%s.svg\" width=\"%d\" height=\"%d\" alt=\"%s: %s\"",
			fig_dir(pregnant), e->id, p->name, FIG_W, FIG_H, e->name, p->caption);
	pst_html_raw(b, lazy ? " loading=\"lazy\">" : ">");
}

void page_figure_moving(struct pst_buf *b, const struct pst_exercise *e, bool pregnant)
{
	const struct pst_scene *sc = &e->scene;
	pst_html_printf(b, "<img class=\"moving\" src=\"%s%s.anim.svg\" width=\"%d\" height=\"%d\" "
			   "alt=\"%s: the movement, from %s to %s%s\" loading=\"lazy\">",
			fig_dir(pregnant), e->id, FIG_W, FIG_H, e->name, sc->poses[0].caption,
			sc->poses[sc->n - 1].caption, sc->n > 1 ? " and back" : "");
}

void page_exercise(struct web *w, struct req *r)
{
	const struct pst_exercise *e = pst_catalog_find(w->cfg.cat, r->arg);
	if (!e) {
		page_error(r, 404, "Not found", "There is no such exercise in the library.");
		return;
	}
	struct person pe;
	int err = person_read(w, r, &pe);
	if (err) {
		store_error_page(w, r, err);
		return;
	}
	struct pst_buf *b = page_begin(w, r, e->name, "/exercises");
	pst_html_printf(b, "<h1>%s</h1><p class=\"lead\">%s</p>", e->name, e->summary);
	/* Left out of the person's plan at their stage: the rule's reason comes first, above
	 * the pictures and the instructions. */
	const struct pst_rule *rule = ruled_out(&pe, e);
	if (rule) {
		char words[96];
		pst_html_printf(b, "<section class=\"notice warn ruled-out\" aria-labelledby=\"ro-h\"><h2 id=\"ro-h\">%s</h2>"
				   "<p>%s</p>",
				rule->choice ? "Left out by your choices" : "Not for you at this stage",
				rule->reason);
		if (rule->sources.n) {
			pst_html_raw(b, "<p class=\"source\">Source: ");
			pst_cite_html(b, &rule->sources);
			pst_html_raw(b, "</p>");
		}
		pst_html_printf(b, "<p>It is not in your plan (%s). ",
				pst_profile_stage_words(&pe.p, words, sizeof words));
		pst_html_raw(b, rule->choice ? "<a href=\"/profile\">Change your profile</a> to include it.</p></section>"
					     : "<a href=\"/today\">See today\u2019s plan</a>; what follows is "
					       "for reference.</p></section>");
	}
	person_free(&pe);
	pst_html_printf(b, "<p>%s</p><div class=\"poses\" data-moving>", e->purpose);
	page_figure_moving(b, e, false);
	for (size_t i = 0; i < e->scene.n; i++) {
		pst_html_raw(b, "<figure class=\"pose\">");
		page_figure_img(b, e, i, i > 0, false);
		pst_html_printf(b, "<figcaption>%s</figcaption></figure>", e->scene.poses[i].caption);
	}
	pst_html_raw(b, "</div><h2>Dose</h2><p>");
	page_dose(b, &e->dose);
	pst_html_raw(b, "</p><h2>How to do it</h2>");
	list_items(b, "ol", &e->steps);
	pst_html_raw(b, "<h2>What to feel</h2>");
	list_items(b, "ul", &e->cues);
	pst_html_raw(b, "<h2>Common mistakes</h2>");
	list_items(b, "ul", &e->mistakes);
	pst_html_printf(b, "<h2>Breathing</h2><p>%s</p><h2>In pregnancy</h2><p>%s</p>"
			   "<h2>After birth</h2><p>%s</p>",
			e->breathing, e->note_pregnancy, e->note_postpartum);
	variant_links(w, b, "Easier", &e->easier);
	variant_links(w, b, "Harder", &e->harder);
	pst_html_raw(b, "<p class=\"source\">Sources: ");
	pst_cite_html(b, &e->sources);
	pst_html_raw(b, "</p>");
	if (e->src_adapted)
		pst_html_printf(b, "<p class=\"source\">Adapted: %s</p>", e->src_adapted);
	page_end(b, "player.js"); /* the pause button of the movement */
}

/* --- tips -------------------------------------------------------------------------- */

static void tip_item(struct pst_buf *b, const struct pst_tip *t)
{
	pst_html_printf(b, "<li><a href=\"/tips/%s\">%s</a></li>", t->id, t->title);
}

void page_tips(struct web *w, struct req *r)
{
	const struct pst_tips *t = w->cfg.tips;
	struct person pe;
	int err = person_read(w, r, &pe);
	if (err) {
		store_error_page(w, r, err);
		return;
	}
	struct pst_buf *b = page_begin(w, r, "Everyday tips", "/tips");
	pst_html_raw(b, "<h1>Everyday tips</h1>");
	const struct pst_tip *mine[64];
	size_t n = 0;
	if (pe.has_profile) {
		n = pst_tips_select(t, pe.p.stage, pe.p.weeks, pe.p.birth, pe.p.triggers, mine, 64);
		if (n > 64)
			n = 64;
		pst_html_raw(b, "<h2>For you</h2><ul class=\"links\">");
		for (size_t i = 0; i < n; i++)
			tip_item(b, mine[i]);
		pst_html_raw(b, "</ul><h2>All tips</h2>");
	}
	pst_html_raw(b, "<ul class=\"links\">");
	for (size_t i = 0; i < t->n; i++)
		tip_item(b, &t->v[i]);
	pst_html_raw(b, "</ul>");
	person_free(&pe);
	page_end(b, NULL);
}

/* Appends a tip's body: Markdown rendered safely (render/markdown: raw HTML escaped,
 * only http, https and mailto links). */
void page_tip_body(struct pst_buf *b, const struct pst_tip *t)
{
	if (pst_markdown_html(b, t->body, strlen(t->body)) != PST_OK)
		pst_html_printf(b, "<p>%s</p>", t->body);
	pst_html_raw(b, "<p class=\"source\">Sources: ");
	pst_cite_html(b, &t->sources);
	pst_html_raw(b, "</p>");
}

void page_tip(struct web *w, struct req *r)
{
	const struct pst_tip *t = pst_tips_find(w->cfg.tips, r->arg);
	if (!t) {
		page_error(r, 404, "Not found", "There is no such tip.");
		return;
	}
	struct pst_buf *b = page_begin(w, r, t->title, "/tips");
	pst_html_printf(b, "<h1>%s</h1><div class=\"tip\">", t->title);
	page_tip_body(b, t);
	pst_html_raw(b, "</div><p><a href=\"/tips\">All tips</a></p>");
	page_end(b, NULL);
}

/* --- about, disclaimer, stop signs ------------------------------------------------------------ */

void page_about(struct web *w, struct req *r)
{
	struct pst_buf *b = page_begin(w, r, "About the evidence", NULL);
	pst_html_raw(b,
		"<h1>About the evidence</h1>"
		"<h2>What the programme rests on</h2>"
		"<p>Every source, with where to find it, is on the <a href=\"/sources\">Sources</a> "
		"page; each exercise, question, tip and rule names its own.</p>"
		"<ul><li>Four articles on upper and mid back pain in pregnancy and after birth (each "
		"exercise names the one it comes from), which describe one approach: mobility, stretches "
		"that open the chest and the front of the shoulders, and strengthening of the upper "
		"back and neck, with changes to daily life.</li>"
		"<li>Guidelines on exercise in pregnancy: ACOG Committee Opinion 804 (2020) and the "
		"2019 Canadian guideline (Mottola and others): who should not exercise, and the signs "
		"to stop.</li>"
		"<li>Guidance after birth (POGP; Goom, Donnelly and Brockwell 2019): gentle exercise "
		"first, more only from about six weeks; care after a caesarean.</li>"
		"<li>Red-flag frameworks for back pain (IFOMPT, Finucane 2020) and the NHS and RCOG "
		"advice on warning signs.</li>"
		"<li>Dosing and progression: stretch holds of about 30 seconds (Bandy 1997 found a "
		"30-second hamstring stretch gained as much as a 60-second one; Ayala 2010 found "
		"15-second holds, repeated, work as well as longer ones), never longer than an "
		"exercise's own text says is useful; pain "
		"during exercise kept low and settled by the next day (Silbernagel 2007, used more "
		"cautiously here).</li>"
		"<li>Measuring change: pain 0-10, where a fall of 2 points or about 30% matters "
		"(Childs 2005); the Patient-Specific Functional Scale (Stratford 1995).</li></ul>"
		"<h2>What it does not rest on</h2>"
		"<p><strong>No trial has tested exercise for upper or mid back pain in pregnancy or "
		"after birth.</strong> The best review of exercise for back pain in pregnancy (Cochrane, "
		"Liddle and Pennick 2015: 34 trials, 5,121 women) covers low back and pelvic pain only, "
		"and found low-quality evidence that exercise helps. postura's programme is expert "
		"advice, extended from that evidence and from how posture changes in pregnancy and "
		"after birth. It is a reasonable, low-risk place to start, not a proven treatment.</p>"
		"<p>Some claims in popular articles are not supported: for example that relaxin “is still "
		"elevated for up to five months postpartum”. The guideline wins: postura says "
		"only that ligaments may stay looser for some months. Where an article and a guideline disagree, postura follows the "
		"guideline (for sleep in late pregnancy: either side is fine).</p>"
		"<h2>How your plan changes</h2>"
		"<p>Two calm sessions in a row (easy or about right, pain at most 3 out of 10) move an "
		"exercise one step up; a session that hurt, pain above 3, or more pain the next day "
		"moves it one step down, and so does a week whose morning pain rose a point or more "
		"on the week before, for the exercises done that week. Sessions on the same day count "
		"as one: an exercise moves at most one step a day.</p>");
	page_end(b, NULL);
}

void page_sources(struct web *w, struct req *r)
{
	struct pst_buf *b = page_begin(w, r, "Sources", NULL);
	pst_html_raw(b,
		"<h1>Sources</h1>"
		"<p>Everything postura advises rests on these: guidelines, studies, leaflets and the "
		"four articles its exercises were first written from. Where an article and a "
		"guideline disagree, postura follows the guideline. <a href=\"/about\">About the "
		"evidence</a> says how strong it is.</p>");
	pst_cite_html_table(b);
	page_end(b, NULL);
}

void page_disclaimer(struct web *w, struct req *r)
{
	struct pst_buf *b = page_begin(w, r, "Disclaimer", NULL);
	pst_html_raw(b,
		"<h1>Disclaimer</h1>"
		"<p>postura gives general exercise advice for upper and mid back pain in pregnancy and "
		"after birth. <strong>It does not diagnose, and it is not a substitute for your "
		"doctor, midwife or physiotherapist.</strong></p>"
		"<p>Its safety questions pick out warning signs that must be seen to before "
		"exercising; they cannot find everything. If something feels wrong, stop and ask a "
		"professional. In an emergency, call your local emergency number.</p>"
		"<p>Your records stay on this computer, in the file postura keeps them in, unless you "
		"export them. Nobody else sees them.</p>");
	page_end(b, NULL);
}

void page_stop_signs(struct pst_buf *b, const struct pst_questions *q, unsigned stages)
{
	pst_html_raw(b, "<ul class=\"stops\">");
	for (size_t i = 0; i < q->n; i++)
		if (q->v[i].stop_sign && (q->v[i].stages & stages))
			pst_html_printf(b, "<li>%s</li>", q->v[i].stop_sign);
	pst_html_raw(b, "</ul>");
}

void page_stop(struct web *w, struct req *r)
{
	const struct pst_questions *q = w->cfg.questions;
	struct pst_buf *b = page_begin(w, r, "Stop signs", NULL);
	pst_html_raw(b,
		"<section class=\"referral emergency\" aria-labelledby=\"stop-h\"><h1 id=\"stop-h\">Stop "
		"exercising now and get help if you notice</h1>");
	page_stop_signs(b, q, ~0u);
	/* The person's numbers: the profile's country, else the browser's. */
	struct person pe;
	bool have = person_read(w, r, &pe) == PST_OK;
	const struct pst_country *cy = page_country(r, have && pe.has_profile ? &pe.p : NULL);
	if (have)
		person_free(&pe);
	pst_html_raw(b, "<p class=\"call\">Chest pain, trouble breathing, collapse or heavy bleeding: "
			"call emergency services now");
	if (cy) {
		pst_html_raw(b, " on ");
		tel_link(b, cy->emergency);
	}
	pst_html_raw(b, ". For the other signs, contact your maternity unit, midwife or doctor "
			"today.</p></section>");
	page_numbers(b, cy);
	pst_html_raw(b, "<h2>What each sign means</h2><ul class=\"reasons\">");
	for (size_t i = 0; i < q->n; i++)
		if (q->v[i].stop_sign) {
			char advice[2048];
			pst_html_printf(b, "<li><p><strong>%s</strong></p><p>%s</p></li>", q->v[i].stop_sign,
					pst_country_fill(cy, q->v[i].advice, advice, sizeof advice));
		}
	pst_html_raw(b, "</ul><p><a href=\"/today\">Back to today</a></p>");
	page_end(b, NULL);
}

/* --- pictures and static files ----------------------------------------------------------- */

/* What a picture shows, in words: its SVG <title> (and the alt text of its <img>). */
static void figure_title(struct pst_buf *t, const struct pst_exercise *e, int pose)
{
	const struct pst_scene *sc = &e->scene;
	if (pose >= 0)
		pst_buf_printf(t, "%s: %s", e->name, sc->poses[pose].caption);
	else
		pst_buf_printf(t, "%s: the movement, from %s to %s%s", e->name, sc->poses[0].caption,
			       sc->poses[sc->n - 1].caption, sc->n > 1 ? " and back" : "");
}

/* Replies with picture slot of w->figs: pose `pose` of e, or its movement (pose -1),
 * with the bump when pregnant, drawn on first use and kept, with its gzip copy, until
 * the server stops. */
static void serve_figure(struct web *w, struct req *r, const struct pst_exercise *e, size_t slot,
			 int pose, bool pregnant)
{
	struct web_blob *f = &w->figs[slot];
	pthread_mutex_lock(&w->fig_mu);
	if (!f->data) {
		struct pst_buf out, z, t;
		pst_buf_init(&out, PST_FIG_MAX_BYTES);
		pst_buf_init(&z, PST_FIG_MAX_BYTES);
		pst_buf_init(&t, 4096);
		struct pst_pose dressed[PST_POSES_MAX];
		struct pst_scene sc;
		pst_scene_dress(&e->scene, pregnant, dressed, &sc);
		int err = pose < 0 ? pst_figure_animate(&sc, FIG_W, FIG_H, &out)
				   : pst_figure_render(&sc, pose, false, PST_FIG_SVG, FIG_W, FIG_H, &out);
		figure_title(&t, e, pose);
		if (err == PST_OK)
			err = t.failed || !t.s ? PST_ENOMEM : pst_svg_title(&out, 0, t.s);
		pst_buf_free(&t);
		if (err == PST_OK && !out.failed && web_gzip(out.s, out.len, &z)) {
			f->data = out.s;
			f->len = out.len;
			f->gz = z.s;
			f->gz_len = z.len;
		} else {
			pst_buf_free(&out);
			pst_buf_free(&z);
		}
	}
	pthread_mutex_unlock(&w->fig_mu);
	/* Kept until the server stops, after the last reply. */
	r->reply.static_data = f->data;
	r->reply.static_len = f->len;
	r->reply.static_gz = f->gz;
	r->reply.static_gz_len = f->gz_len;
	if (!f->data) {
		page_error(r, 500, "No picture", "The picture could not be drawn.");
		return;
	}
	r->reply.status = 200;
	r->reply.ctype = "image/svg+xml";
	r->reply.cache = "public, max-age=86400";
}

/* Exercise i's slots in w->figs: its poses and its movement, neutral, then the same
 * with the bump. */
static size_t fig_slot(const struct web *w, size_t i, size_t k, bool pregnant)
{
	return w->fig_first[i] + k + (pregnant ? w->cfg.cat->ex[i].scene.n + 1 : 0);
}

static void figure_reply(struct web *w, struct req *r, bool pregnant)
{
	const struct pst_catalog *c = w->cfg.cat;
	size_t n = strlen(r->arg);
	if (n < 5 || strcmp(r->arg + n - 4, ".svg") != 0) {
		page_error(r, 404, "Not found", "No such picture.");
		return;
	}
	/* ID.anim.svg: the movement (ids have no dots, so it is no pose's picture). */
	if (n > 9 && strcmp(r->arg + n - 9, ".anim.svg") == 0) {
		for (size_t i = 0; i < c->n; i++) {
			const struct pst_exercise *e = &c->ex[i];
			if (strlen(e->id) == n - 9 && strncmp(r->arg, e->id, n - 9) == 0) {
				serve_figure(w, r, e, fig_slot(w, i, e->scene.n, pregnant), -1, pregnant);
				return;
			}
		}
		page_error(r, 404, "Not found", "No such picture.");
		return;
	}
	/* ID-POSE.svg: the id is the catalogue's that is followed by '-' and a pose name. */
	for (size_t i = 0; i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		size_t il = strlen(e->id);
		if (il + 1 >= n - 4 || strncmp(r->arg, e->id, il) != 0 || r->arg[il] != '-')
			continue;
		const char *pose = r->arg + il + 1;
		size_t pl = n - 4 - il - 1;
		for (size_t k = 0; k < e->scene.n; k++) {
			if (strlen(e->scene.poses[k].name) != pl || strncmp(pose, e->scene.poses[k].name, pl))
				continue;
			serve_figure(w, r, e, fig_slot(w, i, k, pregnant), (int)k, pregnant);
			return;
		}
	}
	page_error(r, 404, "Not found", "No such picture.");
}

void page_figure(struct web *w, struct req *r)
{
	figure_reply(w, r, false);
}

void page_figure_pregnant(struct web *w, struct req *r)
{
	figure_reply(w, r, true);
}

const struct web_asset *web_asset_named(const char *name)
{
	for (size_t i = 0; i < web_assets_n; i++)
		if (strcmp(web_assets[i].name, name) == 0)
			return &web_assets[i];
	return NULL;
}

void page_asset(struct web *w, struct req *r)
{
	for (size_t i = 0; i < web_assets_n; i++) {
		const struct web_asset *a = &web_assets[i];
		if (strcmp(a->hashed, r->arg) != 0)
			continue;
		/* The name carries the content's hash: it can be kept for a year. */
		r->reply.status = 200;
		r->reply.ctype = a->ctype;
		r->reply.cache = "public, max-age=31536000, immutable";
		r->reply.static_data = a->data;
		r->reply.static_len = a->len;
		r->reply.static_gz = w->assets[i].gz;
		r->reply.static_gz_len = w->assets[i].gz_len;
		return;
	}
	page_error(r, 404, "Not found", "No such file.");
}
