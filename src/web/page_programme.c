/*
 * The programme a clinician assigns to one of their patients (docs/clinic.md): GET and
 * PUT /api/v1/patients/{id}/programme, and the editing page /clinic/patients/{id}/programme
 * (a form without JavaScript: add, remove, move, doses, notes, reasons). The route's
 * flags (R_CLINICIAN | R_ARG_PATIENT) make the one role check of auth.c run first:
 * web_store then gives that patient's records, and r->auth.acct is the clinician.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"

/* --- the API ------------------------------------------------------------------------ */

static void programme_reply(struct web *w, struct req *r, unsigned status)
{
	struct pst_app_programme ap;
	int err = pst_app_programme_read(web_store(w), w->cfg.cat, w->cfg.tips, w->cfg.questions,
					 r->today, &ap);
	if (err) {
		char msg[512];
		web_error(r, 500, "store", NULL, "%s", web_store_errmsg(w, err, msg, sizeof msg));
	} else {
		json_t *j = pst_app_programme_json(&ap, w->cfg.cat);
		if (j) {
			json_object_set_new(j, "patient", json_integer(r->auth.patient.id));
			web_json(r, status, j);
		} else {
			web_error(r, 500, "memory", NULL, "out of memory");
		}
	}
	pst_app_programme_free(&ap);
}

void api_programme_get(struct web *w, struct req *r)
{
	programme_reply(w, r, 200);
}

void api_programme_put(struct web *w, struct req *r)
{
	struct pst_programme_error e;
	int err = pst_app_programme_save(web_store(w), w->cfg.cat, w->cfg.questions, r->today, r->now,
					 r->auth.acct.id, r->body.s ? r->body.s : "", r->body.len, &e);
	if (err == PST_EINVAL) {
		web_error(r, 422, "invalid", e.field, "%s: %s", e.field, e.msg);
		return;
	}
	if (err) {
		char msg[512];
		web_error(r, 500, "store", NULL, "%s", web_store_errmsg(w, err, msg, sizeof msg));
		return;
	}
	programme_reply(w, r, 200);
}

/* --- the editing page ------------------------------------------------------------------ */

/* One exercise of the form, as typed (strings, so a mistake shows again as it was). */
struct row {
	const struct pst_exercise *ex;
	const char *v[4]; /* sets, reps, hold_s, breaths: "" when the exercise has none */
	bool side;
	const char *note, *reason;
};

struct model {
	struct pst_arena *a;
	struct row rows[PST_PROGRAMME_MAX + 1];
	size_t n;
	const char *note;
};

static const char *const dose_keys[4] = {"sets", "reps", "hold_s", "breaths"};
static const char *const dose_words[4] = {"Sets", "Repetitions", "Hold (seconds)", "Breaths"};

static const struct pst_range *dose_range(const struct pst_dose *d, int k)
{
	return k == 0 ? &d->sets : k == 1 ? &d->reps : k == 2 ? &d->hold_s : &d->breaths;
}

static void model_from(struct model *m, const struct pst_programme *pg)
{
	m->n = 0;
	m->note = pg->note ? pg->note : "";
	for (size_t i = 0; i < pg->nitems && m->n < PST_PROGRAMME_MAX; i++) {
		const struct pst_programme_item *it = &pg->items[i];
		struct row *rw = &m->rows[m->n++];
		*rw = (struct row){.ex = it->ex, .side = it->dose.per_side,
				   .note = it->note ? it->note : "", .reason = it->reason ? it->reason : ""};
		for (int k = 0; k < 4; k++) {
			const struct pst_range *rg = dose_range(&it->dose, k);
			rw->v[k] = rg->hi ? pst_arena_printf(m->a, "%d", rg->lo) : "";
			if (!rw->v[k])
				rw->v[k] = "";
		}
	}
}

/* The rows of the form posted: n, then id0.., sets0.., note0.., reason0.. */
static void model_from_form(struct model *m, const struct pst_catalog *c, const struct pst_form *f)
{
	m->n = 0;
	const char *nt = pst_form_get(f, "note");
	m->note = nt ? nt : "";
	for (size_t i = 0; i < PST_PROGRAMME_MAX; i++) {
		char key[32];
		snprintf(key, sizeof key, "id%zu", i);
		const char *id = pst_form_get(f, key);
		if (!id)
			break;
		const struct pst_exercise *e = pst_catalog_find(c, id);
		if (!e)
			continue;
		struct row *rw = &m->rows[m->n++];
		*rw = (struct row){.ex = e};
		for (int k = 0; k < 4; k++) {
			snprintf(key, sizeof key, "%s%zu", dose_keys[k], i);
			const char *v = pst_form_get(f, key);
			rw->v[k] = dose_range(&e->dose, k)->hi && v ? v : "";
		}
		snprintf(key, sizeof key, "side%zu", i);
		rw->side = e->dose.per_side && pst_form_get(f, key);
		snprintf(key, sizeof key, "note%zu", i);
		rw->note = pst_form_get(f, key) ? pst_form_get(f, key) : "";
		snprintf(key, sizeof key, "reason%zu", i);
		rw->reason = pst_form_get(f, key) ? pst_form_get(f, key) : "";
	}
}

/* The PUT body of the form's rows: numbers as numbers, anything else as typed (the
 * core then names the field). */
static char *model_json(const struct model *m)
{
	json_t *o = json_object(), *a = json_array();
	json_object_set_new(o, "note", json_string(m->note));
	for (size_t i = 0; i < m->n; i++) {
		const struct row *rw = &m->rows[i];
		json_t *x = json_object();
		json_object_set_new(x, "id", json_string(rw->ex->id));
		for (int k = 0; k < 4; k++) {
			const char *v = rw->v[k];
			if (!*v)
				continue;
			char *end;
			long n = strtol(v, &end, 10);
			json_object_set_new(x, dose_keys[k], *end || end == v ? json_string(v) : json_integer(n));
		}
		if (rw->ex->dose.per_side)
			json_object_set_new(x, "per_side", json_boolean(rw->side));
		json_object_set_new(x, "note", json_string(rw->note));
		json_object_set_new(x, "reason", json_string(rw->reason));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "exercises", a);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* Which row and field an error names ("exercises[2].reps": 2, "reps"); row -1 else. */
static long error_row(const struct pst_programme_error *e, const char **field)
{
	*field = e->field;
	if (strncmp(e->field, "exercises[", 10) != 0)
		return -1;
	char *end;
	long i = strtol(e->field + 10, &end, 10);
	if (*end != ']')
		return -1;
	*field = end[1] == '.' ? end + 2 : "";
	return i;
}

static void textarea(struct pst_buf *b, const char *id, const char *name, const char *label,
		     const char *value, bool invalid, const char *hint)
{
	pst_html_printf(b, "<p><label for=\"%s\">%s</label>", id, label);
	if (hint)
		pst_html_printf(b, "<span class=\"hint\" id=\"%s-hint\">%s</span>", id, hint);
	pst_html_printf(b, "<textarea id=\"%s\" name=\"%s\" rows=\"2\" maxlength=\"%d\"", id, name,
			PST_PROGRAMME_NOTE_MAX);
	if (invalid)
		pst_html_raw(b, " aria-invalid=\"true\"");
	if (invalid || hint) {
		pst_html_raw(b, " aria-describedby=\"");
		if (invalid)
			pst_html_raw(b, "err");
		if (hint)
			pst_html_printf(b, "%s%s-hint", invalid ? " " : "", id);
		pst_html_raw(b, "\"");
	}
	pst_html_printf(b, ">%s</textarea></p>", value);
}

static void render(struct web *w, struct req *r, const struct pst_app_programme *ap,
		   const struct model *m, const struct pst_programme_error *e, const char *notice)
{
	const char *name = r->auth.patient.name[0] ? r->auth.patient.name : r->auth.patient.email;
	char title[300];
	snprintf(title, sizeof title, "Programme: %s", name);
	struct pst_buf *b = page_begin(w, r, title, "/clinic");
	pst_html_printf(b, "<h1>Programme <span class=\"sub\">%s</span></h1>", name);
	pst_html_printf(b, "<p><a href=\"/clinic/patients/%lld\">Back to %s</a></p>",
			(long long)r->auth.patient.id, name);
	if (ap->status != PST_APP_PROG_OK) {
		/* Red flags win: no form at all. */
		pst_html_printf(b, "<div class=\"notice %s\" role=\"alert\"><h2>No programme can be "
				   "assigned now</h2><p>%s</p></div>",
				ap->status == PST_APP_PROG_REFERRAL ? "stop" : "warn", ap->why ? ap->why : "");
		page_end(b, NULL);
		return;
	}
	if (notice)
		pst_html_printf(b, "<p class=\"notice ok\" role=\"status\">%s</p>", notice);
	const char *efield = "";
	long erow = e ? error_row(e, &efield) : -1;
	if (e) {
		if (erow >= 0 && (size_t)erow < m->n)
			pst_html_printf(b, "<div class=\"notice error\" role=\"alert\" id=\"err\"><p>Not saved: "
					   "exercise %ld (%s), %s: %s</p></div>",
					erow + 1, m->rows[erow].ex->name, efield, e->msg);
		else
			pst_html_printf(b, "<div class=\"notice error\" role=\"alert\" id=\"err\"><p>Not saved: "
					   "%s: %s</p></div>",
					e->field, e->msg);
	}
	if (!ap->assigned)
		pst_html_raw(b, "<p class=\"lead\">No programme is assigned yet: this is the plan the "
				"app made for the patient's profile. Change it and save to assign it.</p>");
	else {
		char at[40];
		pst_time_format(ap->at, at, sizeof at);
		pst_html_printf(b, "<p class=\"lead\">Assigned; last saved %s.</p>", at);
	}
	pst_html_printf(b, "<form method=\"post\" action=\"/clinic/patients/%lld/programme\" class=\"programme\">",
			(long long)r->auth.patient.id);
	page_csrf(r, b);
	pst_html_raw(b, "<ol class=\"programme-list\">");
	for (size_t i = 0; i < m->n; i++) {
		const struct row *rw = &m->rows[i];
		const struct pst_exercise *ex = rw->ex;
		const char *rid, *why;
		const struct pst_rule *rule;
		const struct pst_cites *src;
		bool out = pst_plan_exclusion(ex, &ap->p, ap->screened ? &ap->res : NULL, &rid, &why,
					      &rule, &src);
		pst_html_raw(b, out ? "<li class=\"card excluded\">" : "<li class=\"card\">");
		pst_html_printf(b, "<fieldset><legend>%zu. <a href=\"/exercises/%s\">%s</a></legend>"
				   "<input type=\"hidden\" name=\"id%zu\" value=\"%s\">",
				i + 1, ex->id, ex->name, i, ex->id);
		pst_html_raw(b, "<div class=\"dose-fields\">");
		for (int k = 0; k < 4; k++) {
			const struct pst_range *rg = dose_range(&ex->dose, k);
			if (!rg->hi)
				continue;
			bool bad = erow == (long)i && strcmp(efield, dose_keys[k]) == 0;
			pst_html_printf(b, "<p><label for=\"%s%zu\">%s</label><input id=\"%s%zu\" name=\"%s%zu\" "
					   "inputmode=\"numeric\" size=\"4\" value=\"%s\"",
					dose_keys[k], i, dose_words[k], dose_keys[k], i, dose_keys[k], i,
					rw->v[k]);
			pst_html_raw(b, bad ? " aria-invalid=\"true\" aria-describedby=\"err\"></p>" : "></p>");
		}
		if (ex->dose.per_side)
		{
			pst_html_printf(b, "<p><label class=\"check\"><input type=\"checkbox\" name=\"side%zu\" "
					   "value=\"1\"",
					i);
			pst_html_raw(b, rw->side ? " checked> Each side</label></p>" : "> Each side</label></p>");
		}
		pst_html_raw(b, "</div>");
		char id[32], nm[32];
		snprintf(id, sizeof id, "note%zu", i);
		textarea(b, id, id, "Note for the patient (optional)", rw->note,
			 erow == (long)i && strcmp(efield, "note") == 0, NULL);
		if (out) {
			char hint[700];
			snprintf(hint, sizeof hint, "Left out for this patient (%s): %s Write why you assign it "
						    "(at least %d characters); it is kept with your name and the date.",
				 rid, why, PST_PROGRAMME_REASON_MIN);
			snprintf(id, sizeof id, "reason%zu", i);
			textarea(b, id, id, "Reason to assign it anyway", rw->reason,
				 erow == (long)i && strcmp(efield, "reason") == 0, hint);
		}
		snprintf(nm, sizeof nm, "%zu", i);
		pst_html_raw(b, "<p class=\"row-actions\">");
		if (i > 0)
			pst_html_printf(b, "<button type=\"submit\" name=\"op\" value=\"up-%s\" class=\"small\">"
					   "Move up<span class=\"visually-hidden\">: %s</span></button>",
					nm, ex->name);
		if (i + 1 < m->n)
			pst_html_printf(b, "<button type=\"submit\" name=\"op\" value=\"down-%s\" class=\"small\">"
					   "Move down<span class=\"visually-hidden\">: %s</span></button>",
					nm, ex->name);
		pst_html_printf(b, "<button type=\"submit\" name=\"op\" value=\"remove-%s\" class=\"small\">"
				   "Remove<span class=\"visually-hidden\">: %s</span></button></p>",
				nm, ex->name);
		pst_html_raw(b, "</fieldset></li>");
	}
	pst_html_raw(b, "</ol>");
	if (m->n < PST_PROGRAMME_MAX) {
		pst_html_raw(b, "<p class=\"add\"><label for=\"add\">Add an exercise</label><select id=\"add\" name=\"add\">"
				"<option value=\"\">Choose one</option>");
		for (size_t i = 0; i < w->cfg.cat->n; i++) {
			const struct pst_exercise *ex = &w->cfg.cat->ex[i];
			bool in = false;
			for (size_t k = 0; k < m->n; k++)
				in |= m->rows[k].ex == ex;
			if (in)
				continue;
			const char *rid, *why;
			const struct pst_rule *rule;
			const struct pst_cites *src;
			bool out = pst_plan_exclusion(ex, &ap->p, ap->screened ? &ap->res : NULL, &rid, &why,
						      &rule, &src);
			pst_html_printf(b, "<option value=\"%s\">%s%s</option>", ex->id, ex->name,
					out ? " (left out for this patient: needs a reason)" : "");
		}
		pst_html_raw(b, "</select><button type=\"submit\" name=\"op\" value=\"add\">Add</button></p>");
	}
	textarea(b, "note", "note", "Note for the patient about the whole programme (optional)", m->note,
		 e && strcmp(e->field, "note") == 0, NULL);
	pst_html_raw(b, "<p><button type=\"submit\" name=\"op\" value=\"save\" class=\"button\">Save the programme</button>");
	if (ap->assigned)
		pst_html_raw(b, " <button type=\"submit\" name=\"op\" value=\"reset\" class=\"also\">"
				"Back to the planner's plan</button>");
	pst_html_raw(b, "</p></form>");
	page_end(b, NULL);
}

void page_programme(struct web *w, struct req *r)
{
	struct pst_app_programme ap;
	struct model m = {.a = pst_arena_new()};
	int err = m.a ? pst_app_programme_read(web_store(w), w->cfg.cat, w->cfg.tips,
					       w->cfg.questions, r->today, &ap)
		      : PST_ENOMEM;
	if (err) {
		char msg[512];
		web_error(r, 500, "store", NULL, "%s", web_store_errmsg(w, err, msg, sizeof msg));
	} else {
		if (ap.pg)
			model_from(&m, ap.pg);
		render(w, r, &ap, &m, NULL,
		       r->q[0].set ? "Saved: the patient's Today shows it now." : NULL);
	}
	if (!err || m.a)
		pst_app_programme_free(&ap);
	pst_arena_free(m.a);
}

static void swap(struct row *a, struct row *b)
{
	struct row t = *a;
	*a = *b;
	*b = t;
}

void page_programme_post(struct web *w, struct req *r)
{
	struct pst_app_programme ap;
	struct model m = {.a = pst_arena_new()};
	int err = m.a ? pst_app_programme_read(web_store(w), w->cfg.cat, w->cfg.tips,
					       w->cfg.questions, r->today, &ap)
		      : PST_ENOMEM;
	char msg[512];
	if (err) {
		web_error(r, 500, "store", NULL, "%s", web_store_errmsg(w, err, msg, sizeof msg));
		goto out;
	}
	char back[96];
	snprintf(back, sizeof back, "/clinic/patients/%lld/programme", (long long)r->auth.patient.id);
	const char *op = pst_form_get(&r->form, "op");
	op = op ? op : "save";
	if (ap.status != PST_APP_PROG_OK) {
		render(w, r, &ap, &m, NULL, NULL);
		r->reply.status = 409;
		goto out;
	}
	if (strcmp(op, "reset") == 0) {
		err = web_store(w)->ops->programme_put(web_store(w), NULL);
		if (err)
			web_error(r, 500, "store", NULL, "%s", web_store_errmsg(w, err, msg, sizeof msg));
		else
			web_redirect(r, back);
		goto out;
	}
	model_from_form(&m, w->cfg.cat, &r->form);
	const char *notice = NULL;
	long k = -1;
	if (strcmp(op, "add") == 0) {
		const char *id = pst_form_get(&r->form, "add");
		const struct pst_exercise *e = id ? pst_catalog_find(w->cfg.cat, id) : NULL;
		bool in = false;
		for (size_t i = 0; e && i < m.n; i++)
			in |= m.rows[i].ex == e;
		if (e && !in && m.n < PST_PROGRAMME_MAX) {
			struct row *rw = &m.rows[m.n++];
			struct pst_dose d = pst_dose_start(&e->dose);
			*rw = (struct row){.ex = e, .side = e->dose.per_side, .note = "", .reason = ""};
			for (int j = 0; j < 4; j++) {
				const struct pst_range *rg = dose_range(&d, j);
				rw->v[j] = rg->hi ? pst_arena_printf(m.a, "%d", rg->lo) : "";
				if (!rw->v[j])
					rw->v[j] = "";
			}
			notice = "Added at the end: not saved yet.";
		} else {
			notice = "Choose an exercise to add.";
		}
	} else if (sscanf(op, "up-%ld", &k) == 1 && k > 0 && (size_t)k < m.n) {
		swap(&m.rows[k], &m.rows[k - 1]);
		notice = "Moved up: not saved yet.";
	} else if (sscanf(op, "down-%ld", &k) == 1 && k >= 0 && (size_t)k + 1 < m.n) {
		swap(&m.rows[k], &m.rows[k + 1]);
		notice = "Moved down: not saved yet.";
	} else if (sscanf(op, "remove-%ld", &k) == 1 && k >= 0 && (size_t)k < m.n) {
		memmove(&m.rows[k], &m.rows[k + 1], (m.n - (size_t)k - 1) * sizeof *m.rows);
		m.n--;
		notice = "Removed: not saved yet.";
	} else if (strcmp(op, "save") == 0) {
		char *body = model_json(&m);
		struct pst_programme_error e;
		err = body ? pst_app_programme_save(web_store(w), w->cfg.cat, w->cfg.questions, r->today,
						    r->now, r->auth.acct.id, body, strlen(body), &e)
			   : PST_ENOMEM;
		free(body);
		if (err == PST_EINVAL) {
			render(w, r, &ap, &m, &e, NULL);
			r->reply.status = 422;
		} else if (err) {
			web_error(r, 500, "store", NULL, "%s", web_store_errmsg(w, err, msg, sizeof msg));
		} else {
			char to[128];
			snprintf(to, sizeof to, "%s?saved=1", back);
			snprintf(r->reply.location_buf, sizeof r->reply.location_buf, "%s", to);
			web_redirect(r, r->reply.location_buf);
		}
		goto out;
	}
	render(w, r, &ap, &m, NULL, notice);
out:
	if (m.a)
		pst_app_programme_free(&ap);
	pst_arena_free(m.a);
}
