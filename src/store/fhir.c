/* A person's records as a FHIR R4 Bundle, and back (fhir.h; docs/export.md). */
#include "fhir.h"

#include "core/jsonw.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* postura's own code systems and identifier systems: URNs, since postura has no web
 * address of its own. */
#define SYS "urn:postura:"
#define LOINC "http://loinc.org"
#define PAIN_CODE "72514-3"
#define PAIN_DISPLAY "Pain severity - 0-10 verbal numeric rating"
#define SNOMED "http://snomed.info/sct"
#define OBS_CATEGORY "http://terminology.hl7.org/CodeSystem/observation-category"
#define EXT SYS "extension:"

/* --- the fullUrls ------------------------------------------------------------------ */

char *pst_fhir_uuid(const char *person, const char *kind, const char *id, char *buf, size_t size)
{
	unsigned char h[16];
	crypto_generichash_state st;
	static const char domain[] = "postura fhir fullUrl";
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)domain, sizeof domain);
	const char *parts[3] = {person ? person : "", kind, id};
	for (int i = 0; i < 3; i++) /* each part with its NUL: "a","bc" never hashes as "ab","c" */
		crypto_generichash_update(&st, (const unsigned char *)parts[i], strlen(parts[i]) + 1);
	crypto_generichash_final(&st, h, sizeof h);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x80); /* version 8: a custom, name-based UUID */
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80); /* the RFC 4122/9562 variant */
	snprintf(buf, size,
		 "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0],
		 h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14],
		 h[15]);
	return buf;
}

/* --- export ------------------------------------------------------------------------ */

struct fx {
	struct pst_export_sink *k;
	const struct pst_fhir_opts *o;
	struct pst_jw jw;
	/* Who the records are of, in every fullUrl: o->person when given, else the person's
	 * first record ("checkin 3 1795161600"): stable while the records are, carried by
	 * every export and import, and different for two people in practice. */
	char person[96];
	bool has_first;
	struct pst_time first_at;
	char patient[48];
};

static void key_str(struct pst_jw *w, const char *k, const char *v)
{
	pst_jw_key(w, k);
	pst_jw_string(w, v);
}

static void key_int(struct pst_jw *w, const char *k, long long v)
{
	pst_jw_key(w, k);
	pst_jw_int(w, v);
}

static void key_time(struct pst_jw *w, const char *k, struct pst_time t)
{
	char buf[40];
	key_str(w, k, pst_time_format(t, buf, sizeof buf));
}

static void coding(struct pst_jw *w, const char *system, const char *code, const char *display)
{
	pst_jw_object(w);
	key_str(w, "system", system);
	key_str(w, "code", code);
	if (display)
		key_str(w, "display", display);
	pst_jw_end(w);
}

static void reference(struct pst_jw *w, const char *k, const char *url)
{
	pst_jw_key(w, k);
	pst_jw_object(w);
	key_str(w, "reference", url);
	pst_jw_end(w);
}

/* "identifier": [{"system": "urn:postura:KIND", "value": "ID"}] (one Identifier when
 * single, as QuestionnaireResponse has it). */
static void identifier(struct pst_jw *w, const char *kind, const char *value, bool single)
{
	char sys[64];
	snprintf(sys, sizeof sys, SYS "%s", kind);
	pst_jw_key(w, "identifier");
	if (!single)
		pst_jw_array(w);
	pst_jw_object(w);
	key_str(w, "system", sys);
	key_str(w, "value", value);
	pst_jw_end(w);
	if (!single)
		pst_jw_end(w);
}

/* Opens an entry: its fullUrl and the resource, up to its resourceType. */
static void entry_open(struct fx *x, const char *kind, const char *id, const char *type,
		       char url[48])
{
	struct pst_jw *w = &x->jw;
	char own[48];
	if (!url)
		url = own;
	pst_fhir_uuid(x->person, kind, id, url, 48);
	pst_jw_object(w);
	key_str(w, "fullUrl", url);
	pst_jw_key(w, "resource");
	pst_jw_object(w);
	key_str(w, "resourceType", type);
}

static void entry_close(struct fx *x)
{
	pst_jw_end(&x->jw);
	pst_jw_end(&x->jw);
}

static const char *exercise_name(const struct fx *x, const char *id)
{
	const struct pst_exercise *e = x->o->cat ? pst_catalog_find(x->o->cat, id) : NULL;
	return e ? e->name : NULL;
}

static void exercise_code(struct fx *x, const char *id)
{
	struct pst_jw *w = &x->jw;
	const char *name = exercise_name(x, id);
	pst_jw_key(w, "code");
	pst_jw_object(w);
	pst_jw_key(w, "coding");
	pst_jw_array(w);
	coding(w, SYS "exercise", id, name);
	pst_jw_end(w);
	key_str(w, "text", name ? name : id);
	pst_jw_end(w);
}

/* A pain reading: an Observation of LOINC 72514-3. what: NULL for a check-in, else
 * postura's own second code (before-session, after-session). */
static void pain_observation(struct fx *x, const char *kind, const char *id, const char *what,
			     const char *part_of, struct pst_time at, int pain)
{
	struct pst_jw *w = &x->jw;
	entry_open(x, kind, id, "Observation", NULL);
	if (!what)
		identifier(w, "checkin", id, false);
	if (part_of) {
		pst_jw_key(w, "partOf");
		pst_jw_array(w);
		pst_jw_object(w);
		key_str(w, "reference", part_of);
		pst_jw_end(w);
		pst_jw_end(w);
	}
	key_str(w, "status", "final");
	pst_jw_key(w, "category");
	pst_jw_array(w);
	pst_jw_object(w);
	pst_jw_key(w, "coding");
	pst_jw_array(w);
	coding(w, OBS_CATEGORY, "survey", "Survey");
	pst_jw_end(w);
	pst_jw_end(w);
	pst_jw_end(w);
	pst_jw_key(w, "code");
	pst_jw_object(w);
	pst_jw_key(w, "coding");
	pst_jw_array(w);
	coding(w, LOINC, PAIN_CODE, PAIN_DISPLAY);
	if (what)
		coding(w, SYS "pain", what, NULL);
	pst_jw_end(w);
	key_str(w, "text", PAIN_DISPLAY);
	pst_jw_end(w);
	reference(w, "subject", x->patient);
	key_time(w, "effectiveDateTime", at);
	key_int(w, "valueInteger", pain);
}

static void words_answers(struct pst_jw *w, const struct pst_vocab *v, unsigned mask)
{
	char sys[64];
	snprintf(sys, sizeof sys, SYS "%s", v->what);
	for (char *p = sys; *p; p++)
		if (*p == ' ')
			*p = '-';
	pst_jw_key(w, "answer");
	pst_jw_array(w);
	for (int i = 0; i < v->n; i++)
		if (mask & PST_BIT(i)) {
			pst_jw_object(w);
			pst_jw_key(w, "valueCoding");
			coding(w, sys, v->words[i], pst_vocab_plain(v, i));
			pst_jw_end(w);
		}
	pst_jw_end(w);
}

/* One item of a QuestionnaireResponse, open: the caller writes its answer (or items)
 * and closes it. */
static void item_open(struct pst_jw *w, const char *link, const char *text)
{
	pst_jw_object(w);
	key_str(w, "linkId", link);
	if (text)
		key_str(w, "text", text);
}

static void item_words(struct pst_jw *w, const char *link, const char *text,
		       const struct pst_vocab *v, unsigned mask)
{
	if (!mask)
		return;
	item_open(w, link, text);
	words_answers(w, v, mask);
	pst_jw_end(w);
}

static void item_value(struct pst_jw *w, const char *link, const char *text, const char *type,
		       const char *s, long long n)
{
	item_open(w, link, text);
	pst_jw_key(w, "answer");
	pst_jw_array(w);
	pst_jw_object(w);
	pst_jw_key(w, type);
	if (s)
		pst_jw_string(w, s);
	else
		pst_jw_int(w, n);
	pst_jw_end(w);
	pst_jw_end(w);
	pst_jw_end(w);
}

static void qr_open(struct fx *x, const char *kind, const char *id, const char *status,
		    const struct pst_time *authored)
{
	struct pst_jw *w = &x->jw;
	char q[64];
	entry_open(x, kind, id, "QuestionnaireResponse", NULL);
	identifier(w, kind, id, true);
	snprintf(q, sizeof q, SYS "questionnaire:%s", kind);
	key_str(w, "questionnaire", q);
	key_str(w, "status", status);
	reference(w, "subject", x->patient);
	if (authored)
		key_time(w, "authored", *authored);
	pst_jw_key(w, "item");
	pst_jw_array(w);
}

static void qr_close(struct fx *x)
{
	pst_jw_end(&x->jw);
	entry_close(x);
}

/* The minutes a session over time: an item each. */
static void minutes_items(struct pst_jw *w, const struct pst_record_set *rs)
{
	char day[16];
	for (size_t i = 0; i < rs->nminutes; i++) {
		item_open(w, "plan-minutes", "Minutes a session, from a day on");
		pst_jw_key(w, "item");
		pst_jw_array(w);
		item_value(w, "plan-minutes.from", "From", "valueDate",
			   pst_day_format(rs->minutes[i].day, day, sizeof day), 0);
		item_value(w, "plan-minutes.minutes", "Minutes", "valueInteger", NULL,
			   rs->minutes[i].minutes);
		pst_jw_end(w);
		pst_jw_end(w);
	}
}

static void profile_entry(struct fx *x, const struct pst_record_set *rs)
{
	struct pst_jw *w = &x->jw;
	const struct pst_profile *p = &rs->profile.p;
	char day[16];
	qr_open(x, "profile", "profile", "completed", &rs->profile.updated);
	item_words(w, "stage", "Pregnant or after birth", &pst_vocab_stage, PST_BIT(p->stage));
	item_value(w, "weeks", "Weeks (when saved)", "valueInteger", NULL, p->weeks);
	item_value(w, "anchor", "Week 0 began (pregnancy) or the day of birth", "valueDate",
		   pst_day_format(rs->profile.anchor_day, day, sizeof day), 0);
	item_words(w, "birth", "Birth", &pst_vocab_birth, PST_BIT(p->birth));
	item_words(w, "feeding", "Feeding", &pst_vocab_feeding, PST_BIT(p->feeding));
	if (p->pain >= 0)
		item_value(w, "pain", "Usual pain (0-10)", "valueInteger", NULL, p->pain);
	item_words(w, "areas", "Where it hurts", &pst_vocab_area, p->areas);
	item_words(w, "triggers", "What sets it off", &pst_vocab_trigger, p->triggers);
	item_words(w, "equipment", "Equipment at hand", &pst_vocab_equipment, p->equipment);
	item_words(w, "avoid", "To avoid", &pst_vocab_avoid, p->avoid);
	item_value(w, "minutes", "Minutes a session", "valueInteger", NULL, p->minutes);
	item_words(w, "conditions", "Conditions", &pst_vocab_condition, p->conditions);
	if (p->country[0])
		item_value(w, "country", "Country (emergency numbers)", "valueString", p->country, 0);
	minutes_items(w, rs);
	qr_close(x);
}

/* The profile's minutes without a profile (an import can hold them alone). */
static void minutes_only_entry(struct fx *x, const struct pst_record_set *rs)
{
	qr_open(x, "plan-minutes", "plan-minutes", "completed", NULL);
	minutes_items(&x->jw, rs);
	qr_close(x);
}

static void screening_entry(struct fx *x, const struct pst_record_set *rs)
{
	struct pst_jw *w = &x->jw;
	json_t *ans = json_loads(rs->screening.answers, 0, NULL);
	qr_open(x, "screening", "screening", "completed", &rs->screening.at);
	item_words(w, "stages", "Asked for", &pst_vocab_stage, rs->screening.stages);
	const char *key;
	json_t *v;
	json_object_foreach(ans, key, v)
	{
		const struct pst_question *q =
			x->o->questions ? pst_questions_find(x->o->questions, key) : NULL;
		item_open(w, key, q ? q->question : NULL);
		pst_jw_key(w, "answer");
		pst_jw_array(w);
		pst_jw_object(w);
		pst_jw_key(w, "valueBoolean");
		pst_jw_bool(w, json_is_true(v));
		pst_jw_end(w);
		pst_jw_end(w);
		pst_jw_end(w);
	}
	qr_close(x);
	json_decref(ans);
}

static void careplan_entry(struct fx *x)
{
	struct pst_jw *w = &x->jw;
	const struct pst_plan *plan = x->o->plan;
	entry_open(x, "careplan", "plan", "CarePlan", NULL);
	key_str(w, "status", "active");
	key_str(w, "intent", "plan");
	key_str(w, "title", "Exercise routine for upper and mid back pain");
	if (plan->stage_why)
		key_str(w, "description", plan->stage_why);
	reference(w, "subject", x->patient);
	pst_jw_key(w, "activity");
	pst_jw_array(w);
	struct pst_buf dose;
	pst_buf_init(&dose, 4096);
	for (size_t i = 0; i < plan->nitems; i++) {
		const struct pst_plan_item *it = &plan->items[i];
		const struct pst_dose *d = &it->dose;
		pst_jw_object(w);
		pst_jw_key(w, "detail");
		pst_jw_object(w);
		exercise_code(x, it->ex->id);
		key_str(w, "status", "scheduled");
		pst_jw_key(w, "scheduledTiming");
		pst_jw_object(w);
		pst_jw_key(w, "repeat");
		pst_jw_object(w);
		key_int(w, "duration", it->seconds);
		key_str(w, "durationUnit", "s");
		key_int(w, "frequency", 1);
		key_int(w, "period", 1);
		key_str(w, "periodUnit", "d");
		pst_jw_key(w, "dayOfWeek");
		pst_jw_array(w);
		for (int day = 0; day < PST_DAYS; day++)
			if (plan->session_days[day])
				pst_jw_string(w, pst_day_names[day]);
		pst_jw_end(w);
		pst_jw_end(w);
		pst_jw_end(w);
		int count = d->breaths.hi ? d->breaths.lo : d->reps.lo;
		if (count > 0) {
			pst_jw_key(w, "quantity");
			pst_jw_object(w);
			key_int(w, "value", count);
			key_str(w, "unit", d->breaths.hi ? "breaths a set" : "repetitions a set");
			pst_jw_end(w);
		}
		if (x->o->dose_text) {
			dose.len = 0;
			dose.s[0] = '\0';
			x->o->dose_text(&dose, d);
			if (!dose.failed)
				key_str(w, "description", dose.s);
		}
		pst_jw_end(w);
		pst_jw_end(w);
	}
	pst_buf_free(&dose);
	pst_jw_end(w);
	entry_close(x);
}

/* What a session's Procedure carries for postura (read back by import): the pain before
 * and after, and each exercise done with its feedback and the pain during it, in order. */
static void session_extensions(struct fx *x, const struct pst_session_log *l)
{
	struct pst_jw *w = &x->jw;
	pst_jw_key(w, "extension");
	pst_jw_array(w);
	pst_jw_object(w);
	key_str(w, "url", EXT "pain-before");
	key_int(w, "valueInteger", l->pain_before);
	pst_jw_end(w);
	pst_jw_object(w);
	key_str(w, "url", EXT "pain-after");
	key_int(w, "valueInteger", l->pain_after);
	pst_jw_end(w);
	for (size_t e = 0; e < l->nex; e++) {
		const struct pst_session_ex *se = &l->ex[e];
		pst_jw_object(w);
		key_str(w, "url", EXT "exercise-done");
		pst_jw_key(w, "extension");
		pst_jw_array(w);
		pst_jw_object(w);
		key_str(w, "url", "exercise");
		pst_jw_key(w, "valueCoding");
		coding(w, SYS "exercise", se->id, exercise_name(x, se->id));
		pst_jw_end(w);
		pst_jw_object(w);
		key_str(w, "url", "feedback");
		key_str(w, "valueCode", pst_vocab_word(&pst_vocab_feedback, (int)se->feedback));
		pst_jw_end(w);
		if (se->pain >= 0) {
			pst_jw_object(w);
			key_str(w, "url", "pain");
			key_int(w, "valueInteger", se->pain);
			pst_jw_end(w);
		}
		pst_jw_end(w);
		pst_jw_end(w);
	}
	pst_jw_end(w);
}

/* The same for people and for software that reads no extension: the pain in the
 * outcome, the exercises done in a note ("Chest opener: easy. Chin nod: it hurt, pain
 * 6/10."). */
static void session_words(struct fx *x, const struct pst_session_log *l)
{
	struct pst_jw *w = &x->jw;
	struct pst_buf b;
	pst_buf_init(&b, 64 * 1024);
	pst_buf_printf(&b, "Pain %d/10 before, %d/10 after", l->pain_before, l->pain_after);
	pst_jw_key(w, "outcome");
	pst_jw_object(w);
	key_str(w, "text", b.s);
	pst_jw_end(w);
	b.len = 0;
	b.s[0] = '\0';
	for (size_t e = 0; e < l->nex; e++) {
		const char *name = exercise_name(x, l->ex[e].id);
		pst_buf_printf(&b, "%s%s: %s", e ? " " : "", name ? name : l->ex[e].id,
			       pst_vocab_plain(&pst_vocab_feedback, (int)l->ex[e].feedback));
		if (l->ex[e].pain >= 0)
			pst_buf_printf(&b, ", pain %d/10", l->ex[e].pain);
		pst_buf_puts(&b, ".");
	}
	if (!b.failed) {
		pst_jw_key(w, "note");
		pst_jw_array(w);
		pst_jw_object(w);
		key_str(w, "text", b.s);
		pst_jw_end(w);
		pst_jw_end(w);
	}
	pst_buf_free(&b);
}

static void bundle_head(struct fx *x, const struct pst_record_set *rs)
{
	struct pst_jw *w = &x->jw;
	pst_jw_init(w, x->k->out);
	pst_jw_object(w);
	key_str(w, "resourceType", "Bundle");
	key_str(w, "type", "collection");
	pst_jw_key(w, "entry");
	pst_jw_array(w);
	entry_open(x, "patient", "patient", "Patient", x->patient);
	if (x->o->name && *x->o->name) {
		pst_jw_key(w, "name");
		pst_jw_array(w);
		pst_jw_object(w);
		key_str(w, "text", x->o->name);
		pst_jw_end(w);
		pst_jw_end(w);
	}
	entry_close(x);
	if (rs->has_profile)
		profile_entry(x, rs);
	else if (rs->nminutes)
		minutes_only_entry(x, rs);
	if (rs->has_screening)
		screening_entry(x, rs);
	if (x->o->plan)
		careplan_entry(x);
}

static int bundle_part(struct fx *x, const struct pst_record_set *rs)
{
	struct pst_jw *w = &x->jw;
	int err = PST_OK;
	char id[24], sub[64], url[48];
	for (size_t i = 0; i < rs->ncheckins && !err; i++) {
		const struct pst_checkin *c = &rs->checkins[i];
		snprintf(id, sizeof id, "%lld", (long long)c->id);
		pain_observation(x, "checkin", id, NULL, NULL, c->at, c->pain);
		if (c->areas) {
			pst_jw_key(w, "bodySite");
			pst_jw_object(w);
			pst_jw_key(w, "coding");
			pst_jw_array(w);
			for (int a = 0; a < pst_vocab_area.n; a++)
				if (c->areas & PST_BIT(a))
					coding(w, SYS "area", pst_vocab_area.words[a],
					       pst_vocab_plain(&pst_vocab_area, a));
			pst_jw_end(w);
			pst_jw_end(w);
		}
		if (c->note && *c->note) {
			pst_jw_key(w, "note");
			pst_jw_array(w);
			pst_jw_object(w);
			key_str(w, "text", c->note);
			pst_jw_end(w);
			pst_jw_end(w);
		}
		entry_close(x);
		err = pst_export_flush(x->k, false);
	}
	for (size_t i = 0; i < rs->nsessions && !err; i++) {
		const struct pst_session_log *l = &rs->sessions[i];
		snprintf(id, sizeof id, "%lld", (long long)l->id);
		entry_open(x, "session", id, "Procedure", url);
		session_extensions(x, l);
		identifier(w, "session", id, false);
		key_str(w, "status", "completed");
		pst_jw_key(w, "code");
		pst_jw_object(w);
		pst_jw_key(w, "coding");
		pst_jw_array(w);
		coding(w, SNOMED, "229065009", "Exercise therapy");
		pst_jw_end(w);
		key_str(w, "text", "Exercise session");
		pst_jw_end(w);
		reference(w, "subject", x->patient);
		key_time(w, "performedDateTime", l->at);
		session_words(x, l);
		entry_close(x);
		snprintf(sub, sizeof sub, "%s/before", id);
		pain_observation(x, "session-pain", sub, "before-session", url, l->at, l->pain_before);
		entry_close(x);
		snprintf(sub, sizeof sub, "%s/after", id);
		pain_observation(x, "session-pain", sub, "after-session", url, l->at, l->pain_after);
		entry_close(x);
		err = pst_export_flush(x->k, false);
	}
	for (size_t i = 0; i < rs->npsfs && !err; i++) {
		const struct pst_psfs_activity *a = &rs->psfs[i];
		snprintf(id, sizeof id, "%lld", (long long)a->id);
		qr_open(x, "psfs-activity", id, a->nratings ? "completed" : "in-progress", &a->created);
		item_value(w, "activity", "An activity you find hard because of your back", "valueString",
			   a->activity, 0);
		for (size_t r = 0; r < a->nratings; r++) {
			char at[40];
			item_open(w, "rating", "Patient-Specific Functional Scale rating");
			pst_jw_key(w, "item");
			pst_jw_array(w);
			item_value(w, "rating.at", "When", "valueDateTime",
				   pst_time_format(a->ratings[r].at, at, sizeof at), 0);
			item_value(w, "rating.score", "0 (unable) to 10 (as before)", "valueInteger", NULL,
				   a->ratings[r].score);
			pst_jw_end(w);
			pst_jw_end(w);
		}
		qr_close(x);
		err = pst_export_flush(x->k, false);
	}
	return err;
}

static int bundle_end(struct fx *x)
{
	pst_jw_end(&x->jw); /* entry */
	pst_jw_end(&x->jw); /* Bundle */
	pst_jw_finish(&x->jw);
	return pst_export_flush(x->k, true);
}

/* Notes the earliest record of a part (first pass), for fx.person. */
static void fx_first(struct fx *x, const struct pst_record_set *rs)
{
	struct {
		const char *kind;
		int64_t id;
		struct pst_time at;
	} c[3] = {{NULL, 0, {0, 0}}, {NULL, 0, {0, 0}}, {NULL, 0, {0, 0}}};
	if (rs->ncheckins)
		c[0].kind = "checkin", c[0].id = rs->checkins[0].id, c[0].at = rs->checkins[0].at;
	if (rs->nsessions)
		c[1].kind = "session", c[1].id = rs->sessions[0].id, c[1].at = rs->sessions[0].at;
	if (rs->npsfs)
		c[2].kind = "psfs-activity", c[2].id = rs->psfs[0].id, c[2].at = rs->psfs[0].created;
	for (int i = 0; i < 3; i++)
		if (c[i].kind && (!x->has_first || c[i].at.epoch < x->first_at.epoch)) {
			x->has_first = true;
			x->first_at = c[i].at;
			snprintf(x->person, sizeof x->person, "%s %lld %lld", c[i].kind, (long long)c[i].id,
				 (long long)c[i].at.epoch);
		}
}

static void fx_init(struct fx *x, const struct pst_fhir_opts *o, struct pst_export_sink *k)
{
	static const struct pst_fhir_opts none;
	memset(x, 0, sizeof *x);
	if (sodium_init() < 0)
		abort(); /* libsodium cannot work at all: nothing sensible to do */
	x->k = k;
	x->o = o ? o : &none;
	if (x->o->person)
		snprintf(x->person, sizeof x->person, "person %s", x->o->person);
}

int pst_export_fhir(const struct pst_record_set *rs, const struct pst_fhir_opts *o,
		    struct pst_export_sink *k)
{
	int err = pst_export_check(rs, k);
	if (err)
		return err;
	struct fx x;
	fx_init(&x, o, k);
	if (!x.person[0])
		fx_first(&x, rs);
	bundle_head(&x, rs);
	if ((err = bundle_part(&x, rs)))
		return err;
	return bundle_end(&x);
}

/* The passes of pst_export_store_passes: the first notes who the person is (the earliest
 * record), the second writes the Bundle. */
static int fx_check(void *ctx, const struct pst_record_set *part)
{
	struct fx *x = ctx;
	if (!x->o->person || !*x->o->person)
		fx_first(x, part);
	return PST_OK;
}

static int fx_head(void *ctx, const struct pst_record_set *part)
{
	bundle_head(ctx, part);
	return PST_OK;
}

static int fx_part(void *ctx, const struct pst_record_set *part)
{
	return bundle_part(ctx, part);
}

static int fx_end(void *ctx)
{
	return bundle_end(ctx);
}

int pst_export_fhir_store(struct pst_store *s, const struct pst_fhir_opts *o,
			  struct pst_export_sink *k)
{
	/* The Patient's name: the person's, when one was given (postura person add NAME). */
	struct pst_fhir_opts own = o ? *o : (struct pst_fhir_opts){0};
	char name[PST_PERSON_NAME_MAX + 1] = "";
	struct pst_person *people = NULL;
	size_t n = 0;
	if (!own.name && s->db && !s->db->ops->person_list(s->db, &people, &n)) {
		for (size_t i = 0; i < n; i++)
			if (people[i].id == s->person)
				snprintf(name, sizeof name, "%s", people[i].name);
		free(people);
		own.name = name[0] ? name : NULL;
	}
	struct fx x;
	fx_init(&x, &own, k);
	const struct pst_export_pass p = {fx_check, fx_head, fx_part, fx_end, &x};
	return pst_export_store_passes(s, &p, k);
}

/* --- import: a Bundle back into a postura export ------------------------------------ */

enum kind {
	K_NONE, K_PATIENT, K_PROFILE, K_SCREENING, K_PSFS, K_MINUTES, K_CHECKIN, K_SESSION, K_PAIN,
	K_CAREPLAN
};

struct conv {
	const struct pst_catalog *c;
	const char *src;
	struct pst_diags *d;
	size_t before;  /* d->n when the import began */
	json_t *entries;
	size_t n;
	struct slot {
		const char *url;
		json_t *res;
		enum kind kind;
		json_t *made; /* the postura record it became (sessions, exercises) */
		bool before, after; /* a session's pain readings (Observations), found */
	} *slots;
	struct byurl {
		const char *url;
		size_t i;
	} *by_url; /* the entries sorted by fullUrl */
	const char *patient;
	json_t *out;
};

__attribute__((format(printf, 4, 5))) static void ebad(struct conv *v, size_t i, const char *field,
							const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pst_diag_add(v->d, v->src, 0, 0, "entry[%zu]%s%s: %s", i, *field ? "." : "", field, msg);
}

static bool failed(const struct conv *v)
{
	return v->d->n != v->before;
}

static const char *str_of(json_t *o, const char *k)
{
	json_t *x = json_object_get(o, k);
	return json_is_string(x) ? json_string_value(x) : NULL;
}

/* The code of the first coding of system in CodeableConcept cc; at: its path. */
static const char *code_of(json_t *cc, const char *system)
{
	json_t *codings = json_object_get(cc, "coding");
	size_t k;
	json_t *c;
	json_array_foreach(codings, k, c)
	{
		const char *sys = str_of(c, "system");
		if (sys && strcmp(sys, system) == 0)
			return str_of(c, "code");
	}
	return NULL;
}

static bool want_int(struct conv *v, size_t i, const char *field, json_t *x, long lo, long hi,
		     json_t **out)
{
	if (!json_is_integer(x) || json_integer_value(x) < lo || json_integer_value(x) > hi) {
		ebad(v, i, field, "must be a whole number from %ld to %ld", lo, hi);
		return false;
	}
	*out = json_integer(json_integer_value(x));
	return true;
}

static bool want_time(struct conv *v, size_t i, const char *field, const char *s, json_t **out)
{
	struct pst_time t;
	if (!s || pst_time_parse(s, 0, &t) != PST_OK) {
		ebad(v, i, field, "'%.40s' is not a date and time like 2026-11-21T08:30:00+01:00",
		     s ? s : "");
		return false;
	}
	*out = json_string(s);
	return true;
}

static bool want_day(struct conv *v, size_t i, const char *field, const char *s, json_t **out)
{
	int64_t day;
	if (!s || pst_day_parse(s, &day) != PST_OK) {
		ebad(v, i, field, "'%.40s' is not a date like 2026-05-01", s ? s : "");
		return false;
	}
	*out = json_string(s);
	return true;
}

static bool want_word(struct conv *v, size_t i, const char *field, const struct pst_vocab *voc,
		      const char *s, json_t **out)
{
	if (!s || pst_vocab_find(voc, s) < 0) {
		char allowed[256];
		ebad(v, i, field, "'%.40s' is not one of %s", s ? s : "",
		     pst_vocab_list(voc, allowed, sizeof allowed));
		return false;
	}
	*out = json_string(s);
	return true;
}

static bool want_text(struct conv *v, size_t i, const char *field, const char *s, unsigned flags,
		      size_t max, json_t **out)
{
	char why[200];
	if (!s || !*s) {
		ebad(v, i, field, "missing");
		return false;
	}
	if (strlen(s) > max) {
		ebad(v, i, field, "longer than %zu characters", max);
		return false;
	}
	if (!pst_text_check(s, strlen(s), flags, why, sizeof why)) {
		ebad(v, i, field, "%s", why);
		return false;
	}
	*out = json_string(s);
	return true;
}

/* The record id of an identifier [{system: urn:postura:KIND, value: "N"}] (a list, or
 * one Identifier for a QuestionnaireResponse). */
static bool want_id(struct conv *v, size_t i, json_t *res, const char *kind, json_t **out)
{
	char sys[64];
	snprintf(sys, sizeof sys, SYS "%s", kind);
	json_t *ids = json_object_get(res, "identifier");
	json_t *one = json_is_array(ids) ? NULL : ids;
	size_t k;
	json_t *id;
	json_array_foreach(ids, k, id) if (!one && str_of(id, "system") &&
					   strcmp(str_of(id, "system"), sys) == 0) one = id;
	const char *s = one ? str_of(one, "value") : NULL;
	char *end;
	long long n = s ? strtoll(s, &end, 10) : 0;
	if (!s || !*s || *end || *s == '+' || *s == '-' || n < 1 || n > INT32_MAX) {
		ebad(v, i, "resource.identifier", "needs the %s id (system %s): a whole number from 1 to %d",
		     kind, sys, INT32_MAX);
		return false;
	}
	*out = json_integer(n);
	return true;
}

/* Sets key of o to x (taking it) when x is not NULL. */
static void put(json_t *o, const char *key, json_t *x)
{
	if (x)
		json_object_set_new(o, key, x);
}

static const char *url_of(json_t *ref)
{
	return str_of(ref, "reference");
}

static int cmp_url(const void *a, const void *b)
{
	return strcmp(((const struct byurl *)a)->url, ((const struct byurl *)b)->url);
}

/* The entry whose fullUrl is url, or SIZE_MAX. */
static size_t find_url(const struct conv *v, const char *url)
{
	size_t lo = 0, hi = v->n;
	while (url && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v->by_url[mid].url, url);
		if (!c)
			return v->by_url[mid].i;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

/* The session whose Procedure partOf[0] names; SIZE_MAX with a diagnostic otherwise. */
static size_t part_of(struct conv *v, size_t i)
{
	json_t *po = json_object_get(v->slots[i].res, "partOf");
	const char *url = json_is_array(po) && json_array_size(po) == 1 ? url_of(json_array_get(po, 0))
									 : NULL;
	size_t t = find_url(v, url);
	if (t == SIZE_MAX || v->slots[t].kind != K_SESSION) {
		ebad(v, i, "resource.partOf[0].reference", "'%.60s' must name a session's Procedure in "
		     "this Bundle", url ? url : "");
		return SIZE_MAX;
	}
	return t;
}

static bool is_pain(json_t *res)
{
	const char *c = code_of(json_object_get(res, "code"), LOINC);
	return c && strcmp(c, PAIN_CODE) == 0;
}

/* The items of a QuestionnaireResponse (or of a group), by linkId. */
static json_t *item_answer(json_t *item)
{
	json_t *a = json_object_get(item, "answer");
	return json_is_array(a) && json_array_size(a) == 1 ? json_array_get(a, 0) : NULL;
}

static json_t *item_words_of(struct conv *v, size_t i, const char *path, json_t *item,
			     const struct pst_vocab *voc)
{
	json_t *list = json_array();
	json_t *a = json_object_get(item, "answer");
	size_t k;
	json_t *x;
	json_array_foreach(a, k, x)
	{
		json_t *w = NULL;
		char field[160];
		snprintf(field, sizeof field, "%s.answer[%zu].valueCoding.code", path, k);
		if (want_word(v, i, field, voc, str_of(json_object_get(x, "valueCoding"), "code"), &w))
			json_array_append_new(list, w);
	}
	return list;
}

static void minutes_item(struct conv *v, size_t i, const char *path, json_t *item)
{
	json_t *parts = json_object_get(item, "item"), *from = NULL, *min = NULL;
	size_t k;
	json_t *x;
	char field[160];
	json_array_foreach(parts, k, x)
	{
		const char *link = str_of(x, "linkId");
		json_t *ans = item_answer(x);
		snprintf(field, sizeof field, "%s.item[%zu].answer[0]", path, k);
		if (link && strcmp(link, "plan-minutes.from") == 0)
			want_day(v, i, field, str_of(ans, "valueDate"), &from);
		else if (link && strcmp(link, "plan-minutes.minutes") == 0)
			want_int(v, i, field, json_object_get(ans, "valueInteger"), 3, 60, &min);
	}
	if (!from || !min) {
		ebad(v, i, path, "needs plan-minutes.from (a date) and plan-minutes.minutes (3 to 60)");
		json_decref(from);
		json_decref(min);
		return;
	}
	json_t *o = json_object();
	put(o, "from", from);
	put(o, "minutes", min);
	json_array_append_new(json_object_get(v->out, "plan_minutes"), o);
}

static void profile_qr(struct conv *v, size_t i, json_t *res, bool with_profile)
{
	static const struct {
		const char *link;
		const struct pst_vocab *voc; /* NULL: a number, a date or text */
		bool many;
	} words[] = {
		{"stage", &pst_vocab_stage, false},       {"birth", &pst_vocab_birth, false},
		{"feeding", &pst_vocab_feeding, false},   {"areas", &pst_vocab_area, true},
		{"triggers", &pst_vocab_trigger, true},   {"equipment", &pst_vocab_equipment, true},
		{"avoid", &pst_vocab_avoid, true},        {"conditions", &pst_vocab_condition, true},
	};
	json_t *p = json_object();
	json_t *items = json_object_get(res, "item");
	size_t k;
	json_t *item;
	char path[64];
	json_object_set_new(p, "pain", json_null());
	json_object_set_new(p, "country", json_null());
	for (size_t w = 0; w < sizeof words / sizeof *words; w++)
		if (words[w].many)
			json_object_set_new(p, words[w].link, json_array());
	json_array_foreach(items, k, item)
	{
		const char *link = str_of(item, "linkId");
		json_t *ans = item_answer(item), *x = NULL;
		snprintf(path, sizeof path, "resource.item[%zu]", k);
		if (!link) {
			ebad(v, i, path, "an item needs a linkId");
			continue;
		}
		if (strcmp(link, "plan-minutes") == 0) {
			minutes_item(v, i, path, item);
			continue;
		}
		if (!with_profile) {
			ebad(v, i, path, "'%.40s' is not an item of the minutes a session", link);
			continue;
		}
		bool known = false;
		for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
			if (strcmp(link, words[w].link) != 0)
				continue;
			known = true;
			if (words[w].many) {
				put(p, link, item_words_of(v, i, path, item, words[w].voc));
			} else {
				char field[96];
				snprintf(field, sizeof field, "%s.answer[0].valueCoding.code", path);
				if (want_word(v, i, field, words[w].voc,
					      str_of(json_object_get(ans, "valueCoding"), "code"), &x))
					put(p, link, x);
			}
		}
		char field[96];
		snprintf(field, sizeof field, "%s.answer[0]", path);
		if (known) {
		} else if (strcmp(link, "weeks") == 0) {
			if (want_int(v, i, field, json_object_get(ans, "valueInteger"), 0, 104, &x))
				put(p, "weeks", x);
		} else if (strcmp(link, "pain") == 0) {
			if (want_int(v, i, field, json_object_get(ans, "valueInteger"), 0, 10, &x))
				put(p, "pain", x);
		} else if (strcmp(link, "minutes") == 0) {
			if (want_int(v, i, field, json_object_get(ans, "valueInteger"), 3, 60, &x))
				put(p, "minutes", x);
		} else if (strcmp(link, "anchor") == 0) {
			if (want_day(v, i, field, str_of(ans, "valueDate"), &x))
				put(p, "anchor", x);
		} else if (strcmp(link, "country") == 0) {
			const char *cy = str_of(ans, "valueString");
			if (cy && pst_country_find(cy))
				put(p, "country", json_string(cy));
			else
				ebad(v, i, field, "'%.20s' is not a country postura knows the numbers of",
				     cy ? cy : "");
		} else {
			ebad(v, i, path, "'%.40s' is not an item of the profile", link);
		}
	}
	if (!with_profile) {
		json_decref(p);
		return;
	}
	json_t *at = NULL;
	if (want_time(v, i, "resource.authored", str_of(res, "authored"), &at))
		put(p, "updated", at);
	static const char *const needed[] = {"stage", "weeks", "anchor", "birth", "feeding", "minutes"};
	for (size_t n = 0; n < sizeof needed / sizeof *needed; n++)
		if (!json_object_get(p, needed[n]))
			ebad(v, i, "resource.item", "the profile's '%s' is missing", needed[n]);
	if (json_object_get(v->out, "profile"))
		ebad(v, i, "resource", "a second profile");
	json_object_set_new(v->out, "profile", p);
}

static void screening_qr(struct conv *v, size_t i, json_t *res)
{
	json_t *sc = json_object(), *answers = json_object(), *stages = NULL, *at = NULL;
	json_t *items = json_object_get(res, "item");
	size_t k;
	json_t *item;
	char path[64];
	json_array_foreach(items, k, item)
	{
		const char *link = str_of(item, "linkId");
		snprintf(path, sizeof path, "resource.item[%zu]", k);
		if (link && strcmp(link, "stages") == 0) {
			json_decref(stages);
			stages = item_words_of(v, i, path, item, &pst_vocab_stage);
			continue;
		}
		json_t *b = json_object_get(item_answer(item), "valueBoolean");
		if (!link || !*link || strlen(link) > 64 ||
		    strspn(link, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(link) ||
		    !json_is_boolean(b)) {
			ebad(v, i, path, "'%.40s' must be a question id answered with one valueBoolean",
			     link ? link : "");
			continue;
		}
		if (json_object_get(answers, link))
			ebad(v, i, path, "question '%s' is answered twice", link);
		json_object_set_new(answers, link, json_boolean(json_is_true(b)));
	}
	if (!stages || !json_array_size(stages))
		ebad(v, i, "resource.item", "the stages the questions were asked for are missing");
	want_time(v, i, "resource.authored", str_of(res, "authored"), &at);
	put(sc, "stages", stages);
	put(sc, "answers", answers);
	put(sc, "at", at);
	if (json_object_get(v->out, "screening"))
		ebad(v, i, "resource", "a second set of safety answers");
	json_object_set_new(v->out, "screening", sc);
}

static void psfs_qr(struct conv *v, size_t i, json_t *res)
{
	json_t *a = json_object(), *ratings = json_array(), *x = NULL;
	if (want_id(v, i, res, "psfs-activity", &x))
		put(a, "id", x);
	json_t *items = json_object_get(res, "item");
	size_t k;
	json_t *item;
	char path[64], field[128];
	json_array_foreach(items, k, item)
	{
		const char *link = str_of(item, "linkId");
		snprintf(path, sizeof path, "resource.item[%zu]", k);
		if (link && strcmp(link, "activity") == 0) {
			snprintf(field, sizeof field, "%s.answer[0].valueString", path);
			if (want_text(v, i, field, str_of(item_answer(item), "valueString"),
				      PST_TEXT_ACTIVITY, PST_PSFS_ACTIVITY_MAX, &x))
				put(a, "activity", x);
		} else if (link && strcmp(link, "rating") == 0) {
			json_t *r = json_object(), *parts = json_object_get(item, "item"), *y;
			size_t m;
			json_array_foreach(parts, m, y)
			{
				const char *l2 = str_of(y, "linkId");
				json_t *ans = item_answer(y), *z = NULL;
				snprintf(field, sizeof field, "%s.item[%zu].answer[0]", path, m);
				if (l2 && strcmp(l2, "rating.at") == 0 &&
				    want_time(v, i, field, str_of(ans, "valueDateTime"), &z))
					put(r, "at", z);
				else if (l2 && strcmp(l2, "rating.score") == 0 &&
					 want_int(v, i, field, json_object_get(ans, "valueInteger"), 0, 10, &z))
					put(r, "score", z);
			}
			if (!json_object_get(r, "at") || !json_object_get(r, "score"))
				ebad(v, i, path, "a rating needs rating.at and rating.score");
			json_array_append_new(ratings, r);
		} else {
			ebad(v, i, path, "'%.40s' is not an item of a functional-scale activity",
			     link ? link : "");
		}
	}
	if (!json_object_get(a, "activity"))
		ebad(v, i, "resource.item", "the activity is missing");
	if (want_time(v, i, "resource.authored", str_of(res, "authored"), &x))
		put(a, "created", x);
	put(a, "ratings", ratings);
	json_array_append_new(json_object_get(v->out, "psfs"), a);
}

static void checkin_obs(struct conv *v, size_t i, json_t *res)
{
	json_t *ck = json_object(), *x = NULL;
	if (want_id(v, i, res, "checkin", &x))
		put(ck, "id", x);
	if (want_time(v, i, "resource.effectiveDateTime", str_of(res, "effectiveDateTime"), &x))
		put(ck, "at", x);
	if (want_int(v, i, "resource.valueInteger", json_object_get(res, "valueInteger"), 0, 10, &x))
		put(ck, "pain", x);
	json_t *areas = json_array(), *codings = json_object_get(json_object_get(res, "bodySite"),
								 "coding");
	size_t k;
	json_t *c;
	json_array_foreach(codings, k, c)
	{
		char field[96];
		snprintf(field, sizeof field, "resource.bodySite.coding[%zu].code", k);
		if (want_word(v, i, field, &pst_vocab_area, str_of(c, "code"), &x))
			json_array_append_new(areas, x);
	}
	put(ck, "areas", areas);
	json_t *notes = json_object_get(res, "note");
	if (notes && (!json_is_array(notes) || json_array_size(notes) != 1))
		ebad(v, i, "resource.note", "must be one note");
	else if (notes && want_text(v, i, "resource.note[0].text",
				    str_of(json_array_get(notes, 0), "text"), PST_TEXT_NOTE, PST_NOTE_MAX, &x))
		put(ck, "note", x);
	json_array_append_new(json_object_get(v->out, "checkins"), ck);
}

/* One exercise done, from its extension (session_extensions). */
static json_t *exercise_done(struct conv *v, size_t i, const char *path, json_t *ext)
{
	json_t *e = json_object(), *x = NULL, *parts = json_object_get(ext, "extension"), *y;
	size_t m;
	char field[160];
	json_object_set_new(e, "pain", json_null());
	json_array_foreach(parts, m, y)
	{
		const char *u = str_of(y, "url");
		snprintf(field, sizeof field, "%s.extension[%zu]", path, m);
		if (u && strcmp(u, "exercise") == 0) {
			json_t *c = json_object_get(y, "valueCoding");
			const char *sys = str_of(c, "system"), *id = str_of(c, "code");
			if (sys && strcmp(sys, SYS "exercise") == 0 && id && v->c && pst_catalog_find(v->c, id))
				put(e, "id", json_string(id));
			else
				ebad(v, i, field, "'%.60s' is not an exercise in the catalogue (a valueCoding of %s)",
				     id ? id : "", SYS "exercise");
		} else if (u && strcmp(u, "feedback") == 0) {
			strcat(field, ".valueCode");
			if (want_word(v, i, field, &pst_vocab_feedback, str_of(y, "valueCode"), &x))
				put(e, "feedback", x);
		} else if (u && strcmp(u, "pain") == 0) {
			strcat(field, ".valueInteger");
			if (want_int(v, i, field, json_object_get(y, "valueInteger"), 0, 10, &x))
				put(e, "pain", x);
		} else {
			ebad(v, i, field, "'%.60s' is not a part of an exercise done (exercise, feedback, pain)",
			     u ? u : "");
		}
	}
	if (!json_object_get(e, "id") || !json_object_get(e, "feedback"))
		ebad(v, i, path, "an exercise done needs its exercise and its feedback");
	return e;
}

static void session_proc(struct conv *v, size_t i, json_t *res)
{
	json_t *l = json_object(), *x = NULL, *done = json_array();
	if (want_id(v, i, res, "session", &x))
		put(l, "id", x);
	if (want_time(v, i, "resource.performedDateTime", str_of(res, "performedDateTime"), &x))
		put(l, "at", x);
	json_t *exts = json_object_get(res, "extension"), *ext;
	size_t k;
	char path[64];
	json_array_foreach(exts, k, ext)
	{
		const char *u = str_of(ext, "url");
		snprintf(path, sizeof path, "resource.extension[%zu]", k);
		if (u && (strcmp(u, EXT "pain-before") == 0 || strcmp(u, EXT "pain-after") == 0)) {
			const char *key = strcmp(u, EXT "pain-before") == 0 ? "pain_before" : "pain_after";
			char field[96];
			snprintf(field, sizeof field, "%s.valueInteger", path);
			if (json_object_get(l, key))
				ebad(v, i, path, "a second %s", u);
			else if (want_int(v, i, field, json_object_get(ext, "valueInteger"), 0, 10, &x))
				put(l, key, x);
		} else if (u && strcmp(u, EXT "exercise-done") == 0) {
			json_array_append_new(done, exercise_done(v, i, path, ext));
		} else {
			ebad(v, i, path, "'%.60s' is not an extension postura writes", u ? u : "");
		}
	}
	if (!json_object_get(l, "pain_before") || !json_object_get(l, "pain_after"))
		ebad(v, i, "resource.extension", "the session's pain before and after (%s, %s) are "
		     "needed", EXT "pain-before", EXT "pain-after");
	size_t n = json_array_size(done);
	if (!n || n > PST_SESSION_MAX_EXERCISES)
		ebad(v, i, "resource.extension", "a session holds 1 to %d exercises done (%s)",
		     PST_SESSION_MAX_EXERCISES, EXT "exercise-done");
	json_object_set_new(l, "exercises", done);
	json_array_append_new(json_object_get(v->out, "sessions"), l);
	v->slots[i].made = l;
}

/* A pain reading of a session: the session's own value, told again for software that
 * reads Observations; it must agree with the session. */
static void pain_obs(struct conv *v, size_t i, json_t *res)
{
	size_t t = part_of(v, i);
	json_t *val = json_object_get(res, "valueInteger"), *x = NULL;
	if (t == SIZE_MAX || !want_int(v, i, "resource.valueInteger", val, 0, 10, &x))
		return;
	json_decref(x);
	const char *what = code_of(json_object_get(res, "code"), SYS "pain");
	struct slot *s = &v->slots[t];
	bool before = what && strcmp(what, "before-session") == 0;
	if (!what || (!before && strcmp(what, "after-session") != 0)) {
		ebad(v, i, "resource.code", "a session's pain reading needs the coding %s "
		     "before-session or after-session", SYS "pain");
		return;
	}
	bool *seen = before ? &s->before : &s->after;
	json_t *own = json_object_get(s->made, before ? "pain_before" : "pain_after");
	if (*seen)
		ebad(v, i, "resource.partOf", "a second '%s' reading of the same session", what);
	else if (own && !json_equal(own, val))
		ebad(v, i, "resource.valueInteger", "%lld is not the session's pain %s (entry[%zu]: %lld)",
		     (long long)json_integer_value(val), before ? "before" : "after", t,
		     (long long)json_integer_value(own));
	*seen = true;
}

/* Every entry's subject must be the Bundle's one Patient. */
static void check_subject(struct conv *v, size_t i, json_t *res)
{
	const char *url = url_of(json_object_get(res, "subject"));
	if (!url || !v->patient || strcmp(url, v->patient) != 0)
		ebad(v, i, "resource.subject.reference", "'%.60s' must name the Bundle's Patient",
		     url ? url : "");
}

static enum kind classify(struct conv *v, size_t i, json_t *res, const char *type)
{
	json_t *po = json_object_get(res, "partOf");
	if (strcmp(type, "Patient") == 0)
		return K_PATIENT;
	if (strcmp(type, "CarePlan") == 0)
		return K_CAREPLAN;
	if (strcmp(type, "Observation") == 0) {
		if (!is_pain(res)) {
			ebad(v, i, "resource.code", "not a pain reading (LOINC %s)", PAIN_CODE);
			return K_NONE;
		}
		return po ? K_PAIN : K_CHECKIN;
	}
	if (strcmp(type, "Procedure") == 0)
		return K_SESSION;
	if (strcmp(type, "QuestionnaireResponse") == 0) {
		const char *sys = str_of(json_object_get(res, "identifier"), "system");
		static const struct {
			const char *sys;
			enum kind k;
		} qs[] = {{SYS "profile", K_PROFILE},
			  {SYS "screening", K_SCREENING},
			  {SYS "psfs-activity", K_PSFS},
			  {SYS "plan-minutes", K_MINUTES}};
		for (size_t q = 0; sys && q < sizeof qs / sizeof *qs; q++)
			if (strcmp(sys, qs[q].sys) == 0)
				return qs[q].k;
		ebad(v, i, "resource.identifier.system",
		     "'%.60s' is not a questionnaire postura exports (%s, %s, %s or %s)", sys ? sys : "",
		     qs[0].sys, qs[1].sys, qs[2].sys, qs[3].sys);
		return K_NONE;
	}
	ebad(v, i, "resource.resourceType",
	     "'%.40s' is not a resource postura exports (Patient, QuestionnaireResponse, CarePlan, "
	     "Observation, Procedure)",
	     type);
	return K_NONE;
}

static bool uuid_ok(const char *s)
{
	if (!s || strncmp(s, "urn:uuid:", 9) != 0 || strlen(s) != 9 + 36)
		return false;
	for (int k = 0; k < 36; k++) {
		char c = s[9 + k];
		bool dash = k == 8 || k == 13 || k == 18 || k == 23;
		if (dash ? c != '-' : !strchr("0123456789abcdef", c))
			return false;
	}
	return true;
}

json_t *pst_fhir_to_export(const struct pst_catalog *c, const char *src, json_t *bundle,
			   struct pst_diags *d)
{
	struct conv v = {.c = c, .src = src, .d = d, .before = d->n};
	const char *rt = str_of(bundle, "resourceType"), *type = str_of(bundle, "type");
	if (!rt || strcmp(rt, "Bundle") != 0) {
		pst_diag_add(d, src, 0, 0, "resourceType: '%.40s' is not a Bundle (postura imports "
			     "the FHIR Bundle of 'postura export --format fhir')", rt ? rt : "");
		return NULL;
	}
	if (!type || strcmp(type, "collection") != 0) {
		pst_diag_add(d, src, 0, 0, "type: '%.40s' must be collection", type ? type : "");
		return NULL;
	}
	v.entries = json_object_get(bundle, "entry");
	if (!json_is_array(v.entries) || !json_array_size(v.entries)) {
		pst_diag_add(d, src, 0, 0, "entry: must be a list holding at least the Patient");
		return NULL;
	}
	v.n = json_array_size(v.entries);
	v.slots = calloc(v.n, sizeof *v.slots);
	v.by_url = calloc(v.n, sizeof *v.by_url);
	v.out = json_pack("{s:s, s:i, s:[], s:[], s:[], s:[]}", "format", "postura-export", "version",
			  1, "plan_minutes", "checkins", "sessions", "psfs");
	if (!v.slots || !v.by_url || !v.out) {
		pst_diag_add(d, src, 0, 0, "out of memory");
		goto done;
	}
	/* Every entry: a unique urn:uuid fullUrl and a resource of a kind postura writes. */
	for (size_t i = 0; i < v.n; i++) {
		json_t *e = json_array_get(v.entries, i), *res = json_object_get(e, "resource");
		const char *url = str_of(e, "fullUrl"), *t = str_of(res, "resourceType");
		v.slots[i].url = uuid_ok(url) ? url : "";
		v.by_url[i] = (struct byurl){v.slots[i].url, i};
		if (!uuid_ok(url))
			ebad(&v, i, "fullUrl", "'%.60s' must be a urn:uuid (lower-case)", url ? url : "");
		if (!json_is_object(res) || !t) {
			ebad(&v, i, "resource", "must be a resource with its resourceType");
			continue;
		}
		v.slots[i].res = res;
		v.slots[i].kind = classify(&v, i, res, t);
		if (v.slots[i].kind == K_PATIENT) {
			if (v.patient)
				ebad(&v, i, "resource", "a second Patient: a Bundle holds one person's records");
			v.patient = url;
		}
	}
	if (!v.patient)
		pst_diag_add(d, src, 0, 0, "entry: no Patient");
	qsort(v.by_url, v.n, sizeof *v.by_url, cmp_url);
	for (size_t k = 1; k < v.n; k++)
		if (*v.by_url[k].url && strcmp(v.by_url[k].url, v.by_url[k - 1].url) == 0) {
			size_t a = v.by_url[k - 1].i, b = v.by_url[k].i;
			ebad(&v, a > b ? a : b, "fullUrl", "'%s' is the fullUrl of entry[%zu] too",
			     v.by_url[k].url, a < b ? a : b);
		}
	if (failed(&v))
		goto done;
	/* The records, in the Bundle's order; then the sessions' pain readings, which must
	 * agree with their sessions. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < v.n; i++) {
			struct slot *s = &v.slots[i];
			enum kind k = s->kind;
			if ((pass == 1) != (k == K_PAIN))
				continue;
			if (k != K_PATIENT && k != K_MINUTES)
				check_subject(&v, i, s->res);
			switch (k) {
			case K_PROFILE: profile_qr(&v, i, s->res, true); break;
			case K_MINUTES: profile_qr(&v, i, s->res, false); break;
			case K_SCREENING: screening_qr(&v, i, s->res); break;
			case K_PSFS: psfs_qr(&v, i, s->res); break;
			case K_CHECKIN: checkin_obs(&v, i, s->res); break;
			case K_SESSION: session_proc(&v, i, s->res); break;
			case K_PAIN: pain_obs(&v, i, s->res); break;
			default: break; /* the Patient; the CarePlan is worked out again */
			}
		}
done:
	free(v.slots);
	free(v.by_url);
	if (failed(&v)) {
		json_decref(v.out);
		return NULL;
	}
	return v.out;
}
