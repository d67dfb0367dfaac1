/* The JSON API (/api/v1): thin handlers over the core, the store and the renderers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "internal.h"
#include "render/history.h"
#include "render/json.h"
#include "render/plan.h"
#include "render/profile.h"
#include "render/screen.h"
#include "render/text.h"
#include "store/exchange.h"
#include "store/fhir.h"

json_t *web_catalog_json(const struct pst_catalog *c)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < c->n; i++)
		if (json_array_append_new(a, pst_json_exercise_brief(&c->ex[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Parses the body as JSON; false with a 400 reply when it is not. */
static json_t *body_json(struct req *r)
{
	json_error_t je;
	json_t *j = json_loadb(r->body.s ? r->body.s : "", r->body.len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		web_error(r, 400, "malformed", NULL, "malformed JSON at line %d, column %d: %s", je.line,
			  je.column, je.text);
	return j;
}

/* The field a core diagnostic names ("exercises[2].feedback: must be ..."), copied into
 * buf; NULL when it names none. */
static const char *diag_field(const struct pst_diag *dg, char *buf, size_t size)
{
	size_t n = strcspn(dg->msg, ": ");
	if (!n || dg->msg[n] != ':' || n >= size)
		return NULL;
	memcpy(buf, dg->msg, n);
	buf[n] = '\0';
	return buf;
}

static void store_failed(struct web *w, struct req *r, int err)
{
	char msg[512];
	web_error(r, 500, "store", NULL, "%s", web_store_errmsg(w, err, msg, sizeof msg));
}

/* --- catalogue ---------------------------------------------------------------- */

void api_catalog(struct web *w, struct req *r)
{
	r->reply.queued = MHD_queue_response(r->conn, MHD_HTTP_OK, w->catalog_json) == MHD_YES;
}

void api_catalog_item(struct web *w, struct req *r)
{
	const struct pst_exercise *e = pst_catalog_find(w->cfg.cat, r->arg);
	if (!e) {
		const char *near = pst_catalog_closest(w->cfg.cat, r->arg);
		web_error(r, 404, "not-found", NULL, "no exercise '%s'%s%s%s", r->arg,
			  near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
		return;
	}
	web_json(r, 200, pst_json_exercise(e));
	r->reply.cache = "no-cache";
}

/* --- screening ----------------------------------------------------------------- */

int web_screening_save(struct web *w, const char *answers, unsigned stages, struct pst_time now)
{
	struct pst_saved_screening sc = {.stages = stages, .answers = strdup(answers), .at = now};
	if (!sc.answers)
		return PST_ENOMEM;
	struct pst_store *st = web_store(w);
	int err = st->ops->screening_put(st, &sc);
	free(sc.answers);
	return err;
}

void api_screen(struct web *w, struct req *r)
{
	json_t *j = body_json(r);
	if (!j)
		return;
	json_decref(j);
	struct pst_answers a = {0};
	struct pst_diags d = {0};
	int err = pst_answers_parse_json(w->cfg.questions, "body", r->body.s, r->body.len, &a, &d);
	if (err) {
		char f[64];
		const char *field = d.n ? diag_field(&d.v[0], f, sizeof f) : NULL;
		web_error(r, err == PST_ENOMEM ? 500 : 422, "invalid", field, "%s",
			  d.n ? d.v[0].msg : pst_strerror(err));
		pst_diags_clear(&d);
		return;
	}
	/* The stages asked: ?stage=, else the saved profile's, else both. */
	unsigned stages = PST_BIT(PST_STAGE__MAX) - 1;
	int weeks = -1; /* the profile's weeks pick the questions, when its stage is asked */
	struct pst_saved_profile sp;
	struct pst_profile p;
	bool found = false;
	pst_app_profile(web_store(w), r->today, &sp, &p, &found);
	if (r->q[0].set)
		stages = PST_BIT(r->q[0].word);
	else if (found)
		stages = PST_BIT(p.stage);
	if (found && stages == PST_BIT(p.stage))
		weeks = p.weeks;
	struct pst_screen_result res;
	err = pst_screen_evaluate_at(w->cfg.questions, &a, stages, weeks, &res);
	pst_answers_free(&a);
	if (err) {
		web_error(r, 500, "internal", NULL, "%s", pst_strerror(err));
		return;
	}
	if ((err = web_screening_save(w, r->body.s, stages, r->now)))
		store_failed(w, r, err);
	else
		web_json(r, 200, pst_json_screen_result(&res));
	pst_screen_result_free(&res);
}

/* --- profile --------------------------------------------------------------------- */

bool web_profile_from_text(const char *const text[PST_PF__MAX], struct pst_profile *p,
			   const char **field, char *msg, size_t size)
{
	pst_profile_init(p);
	if (text[PST_PF_PREGNANT_WEEKS] && text[PST_PF_POSTPARTUM_WEEKS]) {
		*field = pst_pfield_json[PST_PF_POSTPARTUM_WEEKS];
		snprintf(msg, size, "give pregnant_weeks or postpartum_weeks, not both");
		return false;
	}
	for (int f = 0; f < PST_PF__MAX; f++) {
		struct pst_profile_problem pr;
		if (!text[f])
			continue;
		/* An empty list is a list of nothing (no box ticked, or []). */
		bool list = pst_pfield_is_list((enum pst_pfield)f);
		const char *t = list && !*text[f] ? "none" : text[f];
		if (f == PST_PF_AREAS && !*text[f]) {
			p->areas = 0;
			continue;
		}
		if (!pst_profile_set(p, (enum pst_pfield)f, t, &pr)) {
			*field = pst_pfield_json[f];
			snprintf(msg, size, "%s: %s", pst_pfield_json[f], pr.msg);
			return false;
		}
	}
	struct pst_profile_problem probs[PST_PF__MAX];
	if (pst_profile_check_named(p, pst_pfield_json, probs, PST_PF__MAX)) {
		*field = pst_pfield_json[probs[0].field];
		snprintf(msg, size, "%s %s", pst_pfield_json[probs[0].field], probs[0].msg);
		return false;
	}
	return true;
}

int web_profile_save(struct web *w, const struct pst_profile *p, struct pst_time now)
{
	struct pst_saved_profile sp = {.p = *p, .updated = now};
	pst_saved_profile_anchor(&sp, pst_time_day(now));
	struct pst_store *st = web_store(w);
	int err = st->ops->profile_put(st, &sp);
	return err;
}

static void reply_profile(struct web *w, struct req *r, unsigned status)
{
	struct pst_saved_profile sp;
	struct pst_profile p;
	bool found = false;
	int err = pst_app_profile(web_store(w), r->today, &sp, &p, &found);
	if (err)
		store_failed(w, r, err);
	else if (!found)
		web_error(r, 404, "no-profile", NULL,
			  "no profile saved yet: PUT /api/v1/profile with your stage first");
	else
		web_json(r, status, pst_json_saved_profile(&sp, &p));
}

void api_profile_get(struct web *w, struct req *r)
{
	reply_profile(w, r, 200);
}

/* A JSON value as the text every front end gives a profile field: numbers as digits,
 * lists as comma-separated words. NULL with msg set when the type is wrong. */
static const char *field_text(json_t *v, bool list, char *buf, size_t size, char *msg,
			      size_t msize)
{
	if (list) {
		if (!json_is_array(v)) {
			snprintf(msg, msize, "must be a list of words");
			return NULL;
		}
		size_t used = 0, i;
		json_t *it;
		buf[0] = '\0';
		json_array_foreach(v, i, it)
		{
			const char *s = json_string_value(it);
			if (!s || strchr(s, ',') || used + strlen(s) + 2 > size) {
				snprintf(msg, msize, "must be a list of words");
				return NULL;
			}
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "," : "", s);
		}
		return buf;
	}
	if (json_is_integer(v)) {
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_boolean(v)) {
		snprintf(buf, size, "%s", json_is_true(v) ? "yes" : "no");
		return buf;
	}
	if (json_is_string(v))
		return json_string_value(v);
	snprintf(msg, msize, "must be a %s", "number or a word");
	return NULL;
}

void api_profile_put(struct web *w, struct req *r)
{
	json_t *j = body_json(r);
	if (!j)
		return;
	const char *text[PST_PF__MAX] = {0};
	char bufs[PST_PF__MAX][256], msg[256];
	const char *field = NULL;
	if (!json_is_object(j)) {
		web_error(r, 422, "invalid", NULL, "the profile must be a JSON object");
		goto out;
	}
	const char *key;
	json_t *v;
	json_object_foreach(j, key, v)
	{
		int f = -1;
		for (int k = 0; k < PST_PF__MAX; k++)
			if (strcmp(pst_pfield_json[k], key) == 0)
				f = k;
		if (f < 0) {
			web_error(r, 422, "invalid", key, "%.60s: not a profile field", key);
			goto out;
		}
		if (json_is_null(v) && (f == PST_PF_PAIN || f == PST_PF_FEEDING || f == PST_PF_COUNTRY ||
					f == PST_PF_TIMEZONE))
			continue; /* not given */
		bool list = pst_pfield_is_list((enum pst_pfield)f);
		char why[64];
		text[f] = field_text(v, list, bufs[f], sizeof bufs[f], why, sizeof why);
		if (!text[f]) {
			web_error(r, 422, "invalid", key, "%s: %s", key, why);
			goto out;
		}
	}
	struct pst_profile p;
	if (!web_profile_from_text(text, &p, &field, msg, sizeof msg)) {
		web_error(r, 422, "invalid", field, "%s", msg);
		goto out;
	}
	int err = web_profile_save(w, &p, r->now);
	if (err)
		store_failed(w, r, err);
	else
		reply_profile(w, r, 200);
out:
	json_decref(j);
}

/* --- plan ------------------------------------------------------------------------ */

/* Builds the plan JSON for the person now: 404 without a profile, the referral when
 * the saved answers send them to a professional. */
static void plan_json(struct web *w, struct req *r)
{
	struct pst_saved_profile sp;
	struct pst_profile p;
	struct pst_screen_result res;
	bool found = false, screened = false;
	struct pst_plan *plan = NULL;
	struct pst_app_screened st = {0};
	int err = pst_app_profile(web_store(w), r->today, &sp, &p, &found);
	if (!err && found) {
		err = pst_app_screening(web_store(w), w->cfg.questions, &sp, &p, r->today, &res, &st);
		screened = !err && st.usable;
		if (!err && st.found && !st.usable) {
			/* Too old, or the questions changed: asked again, so no plan, as for
			 * unanswered questions (every question of the stage is missing). */
			struct pst_answers none = {0};
			err = pst_answers_init(w->cfg.questions, &none);
			for (size_t i = 0; !err && i < none.n; i++)
				none.v[i] = PST_ANS_UNANSWERED;
			if (!err)
				err = pst_screen_evaluate_at(w->cfg.questions, &none, PST_BIT(p.stage),
							     p.weeks, &res);
			pst_answers_free(&none);
			screened = !err;
			if (!err)
				err = PST_EREFERRAL;
		} else if (!err) {
			err = pst_app_plan(web_store(w), w->cfg.cat, w->cfg.tips, &p,
					   screened ? &res : NULL, &plan);
			if (!err && screened) {
				plan->has_screened_at = true;
				plan->screened_at = st.at;
			}
		}
	}
	if (!found && !err) {
		web_error(r, 404, "no-profile", NULL,
			  "no profile saved yet: PUT /api/v1/profile with your stage first");
	} else if (err == PST_EREFERRAL) {
		web_json(r, 200, pst_json_plan_referral(&p, pst_json_screen_result(&res)));
	} else if (err) {
		store_failed(w, r, err);
	} else {
		web_json(r, 200, pst_json_plan(plan));
	}
	if (screened)
		pst_screen_result_free(&res);
	pst_plan_free(plan);
}

void api_plan(struct web *w, struct req *r)
{
	uint64_t v = web_version(w);
	if (web_cache_serve(w, r, CACHE_PLAN_JSON, NULL, v))
		return;
	plan_json(w, r);
	web_cache_put(w, r, CACHE_PLAN_JSON, NULL, v);
}

/* --- idempotency keys --------------------------------------------------------------- */

/* The Idempotency-Key header, else (forms) the form's "idem" field: a write sent again
 * with the same key (the offline outbox retries until it hears back) writes nothing and
 * gets the first write's answer. */
bool web_idem_key(struct req *r, const struct pst_form *f, const char **key)
{
	const char *k = web_header(r, "Idempotency-Key");
	const char *name = "Idempotency-Key";
	if ((!k || !*k) && f) {
		k = pst_form_get(f, "idem");
		name = "idem";
	}
	*key = NULL;
	if (!k || !*k)
		return true;
	if (!pst_idem_key_ok(k)) {
		web_error(r, 422, "invalid", name,
			  "%s: must be 1 to %d letters, digits and - _ . : (a random token, such as a UUID)",
			  name, PST_IDEM_KEY_MAX);
		return false;
	}
	*key = k;
	return true;
}

/* --- check-ins ------------------------------------------------------------------- */

bool web_checkin_from_text(const char *pain, const char *areas, const char *note, const char *at,
			   struct pst_time now, struct pst_checkin *out, const char **field,
			   char *msg, size_t size)
{
	memset(out, 0, sizeof(*out));
	out->at = now;
	if (!pain || !*pain) {
		*field = "pain";
		snprintf(msg, size, "pain: needed, from 0 (none) to 10 (worst imaginable)");
		return false;
	}
	/* The checks of `postura checkin` (core/tracking.h); an empty text is not given. */
	const char *text[PST_CF__MAX] = {pain, areas, note, at};
	for (int f = 0; f < PST_CF__MAX; f++) {
		char why[160];
		if (!text[f] || !*text[f])
			continue;
		if (!pst_checkin_set(out, (enum pst_cfield)f, text[f], now, why, sizeof why)) {
			*field = pst_cfield_json[f];
			snprintf(msg, size, "%s: %s", pst_cfield_json[f], why);
			return false;
		}
	}
	return true;
}

void api_checkins(struct web *w, struct req *r)
{
	json_t *j = body_json(r);
	if (!j)
		return;
	char msg[200], areas[64] = "", tmp[32];
	const char *field = NULL;
	if (!json_is_object(j)) {
		web_error(r, 422, "invalid", NULL, "the check-in must be a JSON object");
		goto out;
	}
	const char *key;
	json_t *v;
	json_object_foreach(j, key, v)
	{
		static const char *const known[] = {"pain", "areas", "note", "at"};
		bool ok = false;
		for (size_t i = 0; i < 4; i++)
			ok |= strcmp(key, known[i]) == 0;
		if (!ok) {
			web_error(r, 422, "invalid", key, "%.60s: not a check-in field", key);
			goto out;
		}
	}
	json_t *jp = json_object_get(j, "pain"), *ja = json_object_get(j, "areas");
	json_t *jn = json_object_get(j, "note"), *jt = json_object_get(j, "at");
	const char *pain = NULL;
	if (json_is_integer(jp)) {
		snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(jp));
		pain = tmp;
	}
	if (ja && !json_is_null(ja)) {
		char why[64];
		if (!field_text(ja, true, areas, sizeof areas, why, sizeof why)) {
			web_error(r, 422, "invalid", "areas", "areas: %s", why);
			goto out;
		}
	}
	if ((jn && !json_is_null(jn) && !json_is_string(jn)) || (jt && !json_is_string(jt))) {
		web_error(r, 422, "invalid", jt && !json_is_string(jt) ? "at" : "note",
			  "note and at must be text");
		goto out;
	}
	struct pst_checkin ck;
	const char *idem;
	if (!web_idem_key(r, NULL, &idem))
		goto out;
	if (!web_checkin_from_text(pain, areas, json_string_value(jn), json_string_value(jt), r->now,
				   &ck, &field, msg, sizeof msg)) {
		web_error(r, 422, "invalid", field, "%s", msg);
		goto out;
	}
	ck.idem_key = idem;
	int64_t id;
	struct pst_store *st = web_store(w);
	int err = st->ops->checkin_add(st, &ck, &id);
	struct pst_record_set rs = {0};
	if (err == PST_EREPLAY) {
		/* Sent again: the first write's reply, from the check-in it saved. */
		err = st->ops->read_all(st, INT64_MIN, PST_READ_NO_SESSION_EXERCISES, &rs);
		for (size_t i = 0; !err && i < rs.ncheckins; i++)
			if (rs.checkins[i].id == id) {
				ck = rs.checkins[i];
				break;
			}
	}
	if (err) {
		pst_record_set_free(&rs);
		store_failed(w, r, err);
		goto out;
	}
	char when[40];
	const char *advice = pst_pain_advice(ck.pain);
	web_json(r, 201, json_pack("{s:I, s:s, s:i, s:o, s:o, s:o}", "id", (json_int_t)id, "at",
				   pst_time_format(ck.at, when, sizeof when), "pain", ck.pain, "areas",
				   pst_json_mask(&pst_vocab_area, ck.areas), "note",
				   ck.note ? json_string(ck.note) : json_null(), "advice",
				   advice ? json_string(advice) : json_null()));
	pst_record_set_free(&rs);
out:
	json_decref(j);
}

/* --- sessions -------------------------------------------------------------------- */

/* The outcome of a session as JSON: the summary and what changes next time, as the
 * terminal says them (pst_app_session_outcome). */
json_t *web_outcome_json(const struct pst_app_session_outcome *o)
{
	char when[40];
	json_t *changes = json_array(), *same = json_array();
	for (size_t i = 0; i < o->nchanges; i++)
		json_array_append_new(changes, json_pack("{s:s, s:s, s:s}", "id", o->changes[i].ex->id,
							 "name", o->changes[i].ex->name, "reason",
							 o->changes[i].reason));
	for (size_t i = 0; i < o->nsame; i++)
		json_array_append_new(same, json_pack("{s:s, s:s}", "id", o->same[i]->id, "name",
						      o->same[i]->name));
	return json_pack("{s:I, s:s, s:i, s:i, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)o->id, "at",
			 pst_time_format(o->at, when, sizeof when), "pain_before", o->pain_before,
			 "pain_after", o->pain_after, "summary", o->summary ? o->summary : "",
			 "advice", o->advice ? json_string(o->advice) : json_null(), "changes", changes,
			 "unchanged", same, "unchanged_why",
			 o->same_why ? json_string(o->same_why) : json_null());
}

/* Saves a session log given as JSON text (the API's body, or a form turned into it).
 * Sets the reply on a problem, or the API's reply (201, the outcome) on success;
 * returns the new id, or 0. */
int64_t web_session_save(struct web *w, struct req *r, const char *text, size_t len,
			 const char *idem)
{
	struct pst_arena *a = pst_arena_new();
	struct pst_diags d = {0};
	struct pst_session_log log;
	struct pst_app_session_outcome o = {0};
	int64_t id = 0;
	int err = a ? pst_session_parse_json(w->cfg.cat, "body", text, len, r->now, a, &log, &d)
		    : PST_ENOMEM;
	if (err) {
		char f[64];
		const char *field = d.n ? diag_field(&d.v[0], f, sizeof f) : NULL;
		web_error(r, err == PST_ENOMEM ? 500 : 422, "invalid", field, "%s",
			  d.n ? d.v[0].msg : pst_strerror(err));
		goto out;
	}
	log.idem_key = idem;
	err = pst_app_session_save(web_store(w), w->cfg.cat, r->today, &log, &o);
	id = o.id;
	if (err) {
		store_failed(w, r, err);
		goto out;
	}
	json_t *j = web_outcome_json(&o);
	json_object_set_new(j, "exercises", json_integer((json_int_t)log.nex));
	web_json(r, 201, j);
out:
	pst_app_session_outcome_free(&o);
	pst_diags_clear(&d);
	pst_arena_free(a);
	return id;
}

void api_sessions(struct web *w, struct req *r)
{
	json_t *j = body_json(r);
	if (!j)
		return;
	json_decref(j);
	const char *idem;
	if (web_idem_key(r, NULL, &idem))
		web_session_save(w, r, r->body.s, r->body.len, idem);
}

/* --- history and export -------------------------------------------------------------- */

/* Reads the person's history since a day (PST_HISTORY_ALL: from the first record), as
 * pst_app_report_read does, under the store's lock. The caller frees *rep. */
int web_report(struct web *w, int64_t since, int64_t today, bool full, struct pst_app_report *rep)
{
	int err = pst_app_report_read(web_store(w), w->cfg.cat, since, today, full, rep);
	return err;
}

void api_history(struct web *w, struct req *r)
{
	int64_t since = r->q[0].set ? r->q[0].n : PST_HISTORY_ALL;
	if (since != PST_HISTORY_ALL && since > r->today) {
		web_error(r, 422, "invalid", "since", "since: the day is after today");
		return;
	}
	/* Made once per change of the person's data, day and since, then served from
	 * memory (a year is some 70 KB of JSON). */
	/* A clinician's read of a patient's history is audited before it is sent (auth.c):
	 * made for the request, never queued from the cache ahead of its audit entry. */
	uint64_t v = r->auth.patient.id ? WEB_NO_VERSION : web_version(w);
	char query[32];
	snprintf(query, sizeof query, "since=%lld", (long long)since);
	if (web_cache_serve(w, r, CACHE_HISTORY_JSON, query, v))
		return;
	struct pst_app_report rep;
	int err = web_report(w, since, r->today, false, &rep);
	if (err) {
		store_failed(w, r, err);
	} else {
		r->reply.status = 200;
		r->reply.ctype = "application/json";
		pst_buf_init(&r->reply.body, 1 << 26);
		pst_json_history(&r->reply.body, rep.h);
	}
	pst_app_report_free(&rep);
	web_cache_put(w, r, CACHE_HISTORY_JSON, query, v);
}

void api_export(struct web *w, struct req *r)
{
	if (!r->q[0].set) {
		web_error(r, 422, "invalid", "format", "format: needed, csv, json or fhir");
		return;
	}
	bool csv = r->q[0].word == 0, fhir = r->q[0].word == 2;
	/* An export never leaves a record out: one it cannot write is an error naming it.
	 * The records are read a part at a time (pst_export_store). */
	struct pst_buf body;
	pst_buf_init(&body, 4 * (size_t)PST_IMPORT_MAX);
	struct pst_export_sink k = {.out = &body};
	struct pst_plan *plan = NULL;
	struct pst_fhir_opts fo = {.cat = w->cfg.cat, .questions = w->cfg.questions,
				   .dose_text = pst_text_dose};
	/* FHIR: today's plan goes in as the CarePlan, as the Today page shows it. */
	int err = fhir ? pst_app_saved_plan(web_store(w), w->cfg.cat, w->cfg.tips, w->cfg.questions,
					    r->today, &plan)
		       : PST_OK;
	fo.plan = plan;
	if (!err)
		err = fhir ? pst_export_fhir_store(web_store(w), &fo, &k)
			   : pst_export_store(web_store(w), csv, &k);
	pst_plan_free(plan);
	if (err) {
		pst_buf_free(&body);
		if (k.why[0])
			web_error(r, 500, "export-failed", NULL, "the export could not be made: %s", k.why);
		else
			store_failed(w, r, err);
		return;
	}
	r->reply.body = body;
	r->reply.status = 200;
	r->reply.ctype = csv ? "text/csv; charset=utf-8" : fhir ? "application/fhir+json" : "application/json";
	snprintf(r->reply.disposition, sizeof r->reply.disposition,
		 "attachment; filename=\"postura-export.%s\"", csv ? "csv" : fhir ? "fhir.json" : "json");
}
