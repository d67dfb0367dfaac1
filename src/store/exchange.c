/* Export and import of a person's records: JSON (jansson) and CSV (RFC 4180). */
#include "exchange.h"

#include "core/jsonw.h"
#include "core/programme.h"
#include "fhir.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char FORMAT[] = "postura-export";
enum { FORMAT_VERSION = 1 };

/* --- export ------------------------------------------------------------------- */

/* Empties out into the sink's flush when it holds a chunk (or at the end): the export
 * then needs PST_EXPORT_CHUNK bytes of buffer whatever its size. */
int pst_export_flush(struct pst_export_sink *k, bool end)
{
	struct pst_buf *b = k->out;
	if (b->failed) {
		snprintf(k->why, sizeof k->why, "out of memory, or the export is larger than %zu MiB",
			 b->max >> 20);
		return PST_ENOMEM;
	}
	if (!k->flush || (!end && b->len < PST_EXPORT_CHUNK) || !b->len)
		return PST_OK;
	if (!k->flush(k->ctx, b->s, b->len)) {
		snprintf(k->why, sizeof k->why, "the export could not be written");
		return PST_EIO;
	}
	b->len = 0;
	b->s[0] = '\0';
	return PST_OK;
}

/* A text field of a record, checked as import would check it: an export that import
 * cannot read back is no export. On a problem, why names the record and its field. */
static bool text_ok(struct pst_export_sink *k, const char *what, long long id, const char *field,
		    const char *s, unsigned flags)
{
	char msg[200];
	if (!s || pst_text_check(s, strlen(s), flags, msg, sizeof msg))
		return true;
	snprintf(k->why, sizeof k->why, "%s %lld: the %s %s", what, id, field, msg);
	return false;
}

/* Every record is checked before anything is written, so a failed export writes
 * nothing, even to standard output. */
int pst_export_check(const struct pst_record_set *rs, struct pst_export_sink *k)
{
	for (size_t i = 0; i < rs->ncheckins; i++)
		if (!text_ok(k, "check-in", (long long)rs->checkins[i].id, "note", rs->checkins[i].note,
			     PST_TEXT_NOTE))
			return PST_EDATA;
	for (size_t i = 0; i < rs->nsessions; i++)
		for (size_t e = 0; e < rs->sessions[i].nex; e++)
			if (!text_ok(k, "session", (long long)rs->sessions[i].id, "exercise",
				     rs->sessions[i].ex[e].id, 0))
				return PST_EDATA;
	for (size_t i = 0; i < rs->npsfs; i++)
		if (!text_ok(k, "functional-scale activity", (long long)rs->psfs[i].id, "activity",
			     rs->psfs[i].activity, PST_TEXT_ACTIVITY))
			return PST_EDATA;
	if (rs->has_screening) {
		json_t *ans = json_loads(rs->screening.answers ? rs->screening.answers : "", 0, NULL);
		bool ok = json_is_object(ans);
		json_decref(ans);
		if (!ok) {
			snprintf(k->why, sizeof k->why, "the saved safety answers are not a JSON object");
			return PST_EDATA;
		}
	}
	if (rs->has_programme) {
		json_t *body = json_loads(rs->programme.json ? rs->programme.json : "", 0, NULL);
		bool ok = json_is_object(body);
		json_decref(body);
		if (!ok) {
			snprintf(k->why, sizeof k->why, "the assigned programme is not a JSON object");
			return PST_EDATA;
		}
	}
	return PST_OK;
}

static void jw_mask(struct pst_jw *w, const struct pst_vocab *v, unsigned m)
{
	pst_jw_array(w);
	for (int i = 0; i < v->n; i++)
		if (m & PST_BIT(i))
			pst_jw_string(w, v->words[i]);
	pst_jw_end(w);
}

static void jw_time(struct pst_jw *w, struct pst_time t)
{
	char buf[40];
	pst_jw_string(w, pst_time_format(t, buf, sizeof buf));
}

/* A JSON value as jansson loaded it (the safety answers), in jansson's key order. */
static void jw_value(struct pst_jw *w, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *x;
		pst_jw_object(w);
		json_object_foreach(v, key, x)
		{
			pst_jw_key(w, key);
			jw_value(w, x);
		}
		pst_jw_end(w);
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *x;
		pst_jw_array(w);
		json_array_foreach(v, i, x) jw_value(w, x);
		pst_jw_end(w);
		break;
	}
	case JSON_STRING: pst_jw_string(w, json_string_value(v)); break;
	case JSON_INTEGER: pst_jw_int(w, (long long)json_integer_value(v)); break;
	case JSON_REAL: pst_jw_real(w, json_real_value(v)); break;
	case JSON_TRUE: pst_jw_bool(w, true); break;
	case JSON_FALSE: pst_jw_bool(w, false); break;
	case JSON_NULL: pst_jw_null(w); break;
	}
}

/* An export being written, a part at a time (JSON: streamed through core/jsonw.h with
 * the layout jansson's JSON_INDENT(2) gave before, so old and new exports of the same
 * records are the same bytes). */
struct exporter {
	struct pst_export_sink *k;
	bool csv;
	struct pst_jw jw;
	int section; /* JSON: 0 before the lists, 1 check-ins, 2 sessions, 3 activities, 4 done */
};

static void csv_head(const struct pst_record_set *rs, struct pst_export_sink *sink);
static int csv_part(const struct pst_record_set *rs, struct pst_export_sink *sink);

static void json_head(struct exporter *x, const struct pst_record_set *rs)
{
	struct pst_jw *w = &x->jw;
	pst_jw_init(w, x->k->out);
	pst_jw_object(w);
	pst_jw_key(w, "format");
	pst_jw_string(w, FORMAT);
	pst_jw_key(w, "version");
	pst_jw_int(w, FORMAT_VERSION);
	if (rs->has_profile) {
		const struct pst_profile *p = &rs->profile.p;
		char day[16];
		pst_jw_key(w, "profile");
		pst_jw_object(w);
		pst_jw_key(w, "stage");
		pst_jw_string(w, pst_vocab_word(&pst_vocab_stage, (int)p->stage));
		pst_jw_key(w, "weeks");
		pst_jw_int(w, p->weeks);
		pst_jw_key(w, "anchor");
		pst_jw_string(w, pst_day_format(rs->profile.anchor_day, day, sizeof day));
		pst_jw_key(w, "birth");
		pst_jw_string(w, pst_vocab_word(&pst_vocab_birth, (int)p->birth));
		pst_jw_key(w, "feeding");
		pst_jw_string(w, pst_vocab_word(&pst_vocab_feeding, (int)p->feeding));
		pst_jw_key(w, "pain");
		if (p->pain >= 0)
			pst_jw_int(w, p->pain);
		else
			pst_jw_null(w);
		pst_jw_key(w, "areas");
		jw_mask(w, &pst_vocab_area, p->areas);
		pst_jw_key(w, "triggers");
		jw_mask(w, &pst_vocab_trigger, p->triggers);
		pst_jw_key(w, "equipment");
		jw_mask(w, &pst_vocab_equipment, p->equipment);
		pst_jw_key(w, "avoid");
		jw_mask(w, &pst_vocab_avoid, p->avoid);
		pst_jw_key(w, "minutes");
		pst_jw_int(w, p->minutes);
		pst_jw_key(w, "conditions");
		jw_mask(w, &pst_vocab_condition, p->conditions);
		pst_jw_key(w, "country");
		pst_jw_string(w, p->country[0] ? p->country : NULL);
		char clock[8];
		pst_jw_key(w, "remind_at");
		pst_jw_string(w, pst_clock_format(p->remind_at, clock, sizeof clock));
		pst_jw_key(w, "timezone");
		pst_jw_string(w, p->timezone[0] ? p->timezone : NULL);
		pst_jw_key(w, "relief_reminder");
		pst_jw_bool(w, p->relief_reminder);
		pst_jw_key(w, "updated");
		jw_time(w, rs->profile.updated);
		pst_jw_end(w);
	}
	pst_jw_key(w, "plan_minutes");
	pst_jw_array(w);
	for (size_t i = 0; i < rs->nminutes; i++) {
		char day[16];
		pst_jw_object(w);
		pst_jw_key(w, "from");
		pst_jw_string(w, pst_day_format(rs->minutes[i].day, day, sizeof day));
		pst_jw_key(w, "minutes");
		pst_jw_int(w, rs->minutes[i].minutes);
		pst_jw_end(w);
	}
	pst_jw_end(w);
	if (rs->has_screening) {
		/* The answers as saved (a JSON object of question id to yes or no); the outcome
		 * is not stored: it is worked out again from them with the questions of the day. */
		json_t *ans = json_loads(rs->screening.answers, 0, NULL);
		pst_jw_key(w, "screening");
		pst_jw_object(w);
		pst_jw_key(w, "stages");
		jw_mask(w, &pst_vocab_stage, rs->screening.stages);
		pst_jw_key(w, "answers");
		jw_value(w, ans);
		pst_jw_key(w, "at");
		jw_time(w, rs->screening.at);
		pst_jw_end(w);
		json_decref(ans);
	}
	if (rs->has_programme) {
		/* The programme a clinician assigned, in its stored form (docs/clinic.md), with
		 * the account that saved it last (an id of the source database) and when. */
		json_t *body = json_loads(rs->programme.json, 0, NULL);
		pst_jw_key(w, "programme");
		pst_jw_object(w);
		pst_jw_key(w, "body");
		jw_value(w, body);
		pst_jw_key(w, "by");
		pst_jw_int(w, rs->programme.by);
		pst_jw_key(w, "at");
		jw_time(w, rs->programme.at);
		pst_jw_end(w);
		json_decref(body);
	}
}

/* Closes the list being written and opens the ones up to section. */
static void json_section(struct exporter *x, int section)
{
	static const char *const names[] = {NULL, "checkins", "sessions", "psfs"};
	while (x->section < section) {
		if (x->section > 0)
			pst_jw_end(&x->jw);
		if (++x->section <= 3) {
			pst_jw_key(&x->jw, names[x->section]);
			pst_jw_array(&x->jw);
		}
	}
}

static int json_part(struct exporter *x, const struct pst_record_set *rs)
{
	struct pst_jw *w = &x->jw;
	struct pst_export_sink *k = x->k;
	int err = PST_OK;
	if (rs->ncheckins)
		json_section(x, 1);
	for (size_t i = 0; i < rs->ncheckins && !err; i++) {
		const struct pst_checkin *c = &rs->checkins[i];
		pst_jw_object(w);
		pst_jw_key(w, "id");
		pst_jw_int(w, (long long)c->id);
		pst_jw_key(w, "at");
		jw_time(w, c->at);
		pst_jw_key(w, "pain");
		pst_jw_int(w, c->pain);
		pst_jw_key(w, "areas");
		jw_mask(w, &pst_vocab_area, c->areas);
		pst_jw_key(w, "note");
		pst_jw_string(w, c->note);
		pst_jw_end(w);
		err = pst_export_flush(k, false);
	}
	if (rs->nsessions)
		json_section(x, 2);
	for (size_t i = 0; i < rs->nsessions && !err; i++) {
		const struct pst_session_log *l = &rs->sessions[i];
		pst_jw_object(w);
		pst_jw_key(w, "id");
		pst_jw_int(w, (long long)l->id);
		pst_jw_key(w, "at");
		jw_time(w, l->at);
		pst_jw_key(w, "pain_before");
		pst_jw_int(w, l->pain_before);
		pst_jw_key(w, "pain_after");
		pst_jw_int(w, l->pain_after);
		pst_jw_key(w, "exercises");
		pst_jw_array(w);
		for (size_t e = 0; e < l->nex; e++) {
			pst_jw_object(w);
			pst_jw_key(w, "id");
			pst_jw_string(w, l->ex[e].id);
			pst_jw_key(w, "feedback");
			pst_jw_string(w, pst_vocab_word(&pst_vocab_feedback, (int)l->ex[e].feedback));
			pst_jw_key(w, "pain");
			if (l->ex[e].pain >= 0)
				pst_jw_int(w, l->ex[e].pain);
			else
				pst_jw_null(w);
			pst_jw_end(w);
		}
		pst_jw_end(w);
		pst_jw_end(w);
		err = pst_export_flush(k, false);
	}
	if (rs->npsfs)
		json_section(x, 3);
	for (size_t i = 0; i < rs->npsfs && !err; i++) {
		const struct pst_psfs_activity *act = &rs->psfs[i];
		pst_jw_object(w);
		pst_jw_key(w, "id");
		pst_jw_int(w, (long long)act->id);
		pst_jw_key(w, "activity");
		pst_jw_string(w, act->activity);
		pst_jw_key(w, "created");
		jw_time(w, act->created);
		pst_jw_key(w, "ratings");
		pst_jw_array(w);
		for (size_t r = 0; r < act->nratings; r++) {
			pst_jw_object(w);
			pst_jw_key(w, "at");
			jw_time(w, act->ratings[r].at);
			pst_jw_key(w, "score");
			pst_jw_int(w, act->ratings[r].score);
			pst_jw_end(w);
		}
		pst_jw_end(w);
		pst_jw_end(w);
		err = pst_export_flush(k, false);
	}
	return err;
}

static int json_end(struct exporter *x)
{
	json_section(x, 4);
	pst_jw_end(&x->jw);
	pst_jw_finish(&x->jw);
	return pst_export_flush(x->k, true);
}

static void export_head(struct exporter *x, const struct pst_record_set *rs)
{
	if (x->csv)
		csv_head(rs, x->k);
	else
		json_head(x, rs);
}

static int export_part(struct exporter *x, const struct pst_record_set *rs)
{
	return x->csv ? csv_part(rs, x->k) : json_part(x, rs);
}

static int export_end(struct exporter *x)
{
	return x->csv ? pst_export_flush(x->k, true) : json_end(x);
}

static int export_all(const struct pst_record_set *rs, bool csv, struct pst_export_sink *k)
{
	int err = pst_export_check(rs, k);
	if (err)
		return err;
	struct exporter x = {.k = k, .csv = csv};
	export_head(&x, rs);
	if ((err = export_part(&x, rs)))
		return err;
	return export_end(&x);
}

int pst_export_json(const struct pst_record_set *rs, struct pst_export_sink *k)
{
	return export_all(rs, false, k);
}

int pst_export_csv(const struct pst_record_set *rs, struct pst_export_sink *k)
{
	return export_all(rs, true, k);
}

/* read_each callbacks: the first pass checks every record, the second writes them. */
struct pass_run {
	const struct pst_export_pass *p;
	struct pst_export_sink *k;
	bool first, failed; /* failed: the error is ours (k->why), not the store's */
};

static int pass_check(void *ctx, const struct pst_record_set *part)
{
	struct pass_run *r = ctx;
	int err = pst_export_check(part, r->k);
	if (!err && r->p->check)
		err = r->p->check(r->p->ctx, part);
	r->failed |= err != PST_OK;
	return err;
}

static int pass_write(void *ctx, const struct pst_record_set *part)
{
	struct pass_run *r = ctx;
	int err;
	if (r->first) {
		r->first = false;
		err = r->p->head(r->p->ctx, part);
		if (!err)
			err = pst_export_flush(r->k, false);
	} else {
		err = r->p->part(r->p->ctx, part);
	}
	r->failed |= err != PST_OK;
	return err;
}

int pst_export_store_passes(struct pst_store *s, const struct pst_export_pass *p,
			    struct pst_export_sink *k)
{
	struct pass_run r = {p, k, true, false};
	int err = s->ops->read_each(s, PST_READ_EXACT, PST_EXPORT_BATCH, pass_check, &r);
	if (!err)
		err = s->ops->read_each(s, PST_READ_EXACT, PST_EXPORT_BATCH, pass_write, &r);
	if (!err)
		return p->end(p->ctx);
	if (!r.failed)
		k->why[0] = '\0'; /* the store's own failure: its message is in s->errmsg */
	return err;
}

static int store_head(void *ctx, const struct pst_record_set *part)
{
	export_head(ctx, part);
	return PST_OK;
}

static int store_part(void *ctx, const struct pst_record_set *part)
{
	return export_part(ctx, part);
}

static int store_end(void *ctx)
{
	return export_end(ctx);
}

int pst_export_store(struct pst_store *s, bool csv, struct pst_export_sink *k)
{
	struct exporter x = {.k = k, .csv = csv};
	const struct pst_export_pass p = {NULL, store_head, store_part, store_end, &x};
	return pst_export_store_passes(s, &p, k);
}

int pst_export_to_buf(const struct pst_record_set *rs, bool csv, struct pst_buf *out, char *why,
		      size_t size)
{
	struct pst_export_sink k = {.out = out};
	int err = csv ? pst_export_csv(rs, &k) : pst_export_json(rs, &k);
	if (err && why)
		snprintf(why, size, "%s", k.why);
	return err;
}

/* The CSV columns, one table of every record kind ("record" says which). */
enum {
	C_RECORD, C_ID, C_PARENT, C_AT, C_PAIN, C_PAIN_AFTER, C_AREAS, C_NOTE, C_EXERCISE,
	C_FEEDBACK, C_ACTIVITY, C_SCORE, C_STAGE, C_WEEKS, C_ANCHOR, C_BIRTH, C_FEEDING,
	C_TRIGGERS, C_EQUIPMENT, C_AVOID, C_MINUTES, C_CONDITIONS, C_COUNTRY, C_REMIND_AT,
	C_TIMEZONE, C_RELIEF_REMINDER, C__MAX
};

/* Exports made before conditions and country were kept end after minutes; those made
 * before the reminders were kept, after country. */
enum { C_OLD_MAX = C_CONDITIONS, C_OLD2_MAX = C_REMIND_AT };

static const char *const csv_columns[C__MAX] = {
	"record", "id", "parent_id", "at", "pain", "pain_after", "areas", "note", "exercise",
	"feedback", "activity", "score", "stage", "weeks", "anchor", "birth", "feeding",
	"triggers", "equipment", "avoid", "minutes", "conditions", "country", "remind_at",
	"timezone", "relief_reminder",
};

/* The formula guard. A spreadsheet runs a cell that starts with = + - @ (also after
 * spaces, and a tab or a line break may start one) as a formula; and where the list
 * separator is ';' (many European locales) every ';' in a line starts a new cell. So free
 * text is read as segments between ';'; a segment is risky when, after any spaces, it
 * starts with one of those, or with an apostrophe (so that the guard can be undone
 * exactly). Each risky segment gets a leading apostrophe, which spreadsheets take as
 * "this is text"; import removes exactly those. Text without a risky segment is written
 * as it is. */
static bool risky_segment(const char *s)
{
	while (*s == ' ')
		s++;
	return *s && strchr("=+-@'\t\r\n", *s) != NULL;
}

static bool needs_guard(const char *s)
{
	for (const char *seg = s; seg; seg = strchr(seg, ';')) {
		if (*seg == ';')
			seg++;
		if (risky_segment(seg))
			return true;
	}
	return false;
}

static void csv_cell(struct pst_buf *b, const char *s, bool free_text)
{
	if (!s)
		return;
	bool guard = free_text && needs_guard(s);
	bool quote = guard || strpbrk(s, ",\"\n\r") != NULL;
	if (!quote) {
		pst_buf_puts(b, s);
		return;
	}
	pst_buf_add(b, "\"", 1);
	for (const char *p = s; *p; p++) {
		if (guard && (p == s || p[-1] == ';') && risky_segment(p))
			pst_buf_add(b, "'", 1);
		if (*p == '"')
			pst_buf_add(b, "\"", 1);
		pst_buf_add(b, p, 1);
	}
	pst_buf_add(b, "\"", 1);
}

static void mask_cell(char *buf, size_t size, const struct pst_vocab *v, unsigned m)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < v->n; i++)
		if (m & PST_BIT(i)) {
			int w = snprintf(buf + used, size - used, "%s%s", used ? ";" : "", v->words[i]);
			if (w < 0 || (size_t)w >= size - used)
				break;
			used += (size_t)w;
		}
}

static void csv_row(struct pst_buf *b, const char *const cells[C__MAX])
{
	for (int i = 0; i < C__MAX; i++) {
		if (i)
			pst_buf_add(b, ",", 1);
		csv_cell(b, cells[i], i == C_NOTE || i == C_ACTIVITY);
	}
	pst_buf_add(b, "\r\n", 2);
}

/* The header row, the profile and the minutes. */
static void csv_head(const struct pst_record_set *rs, struct pst_export_sink *sink)
{
	struct pst_buf *out = sink->out;
	csv_row(out, csv_columns);
	char at[40], pain[16], areas[64], weeks[16], anchor[16], trig[128], eq[128], avoid[64],
		minutes[16], cond[128];
	if (rs->has_profile) {
		const struct pst_profile *p = &rs->profile.p;
		const char *cells[C__MAX] = {0};
		cells[C_RECORD] = "profile";
		cells[C_AT] = pst_time_format(rs->profile.updated, at, sizeof at);
		if (p->pain >= 0) {
			snprintf(pain, sizeof pain, "%d", p->pain);
			cells[C_PAIN] = pain;
		}
		mask_cell(areas, sizeof areas, &pst_vocab_area, p->areas);
		mask_cell(trig, sizeof trig, &pst_vocab_trigger, p->triggers);
		mask_cell(eq, sizeof eq, &pst_vocab_equipment, p->equipment);
		mask_cell(avoid, sizeof avoid, &pst_vocab_avoid, p->avoid);
		snprintf(weeks, sizeof weeks, "%d", p->weeks);
		snprintf(minutes, sizeof minutes, "%d", p->minutes);
		cells[C_AREAS] = areas;
		cells[C_STAGE] = pst_vocab_word(&pst_vocab_stage, (int)p->stage);
		cells[C_WEEKS] = weeks;
		cells[C_ANCHOR] = pst_day_format(rs->profile.anchor_day, anchor, sizeof anchor);
		cells[C_BIRTH] = pst_vocab_word(&pst_vocab_birth, (int)p->birth);
		cells[C_FEEDING] = pst_vocab_word(&pst_vocab_feeding, (int)p->feeding);
		cells[C_TRIGGERS] = trig;
		cells[C_EQUIPMENT] = eq;
		cells[C_AVOID] = avoid;
		cells[C_MINUTES] = minutes;
		mask_cell(cond, sizeof cond, &pst_vocab_condition, p->conditions);
		cells[C_CONDITIONS] = cond;
		cells[C_COUNTRY] = p->country;
		char clock[8];
		cells[C_REMIND_AT] = pst_clock_format(p->remind_at, clock, sizeof clock);
		cells[C_TIMEZONE] = p->timezone;
		cells[C_RELIEF_REMINDER] = p->relief_reminder ? "yes" : "no";
		csv_row(out, cells);
	}
	for (size_t i = 0; i < rs->nminutes; i++) {
		const char *cells[C__MAX] = {0};
		cells[C_RECORD] = "plan_minutes";
		cells[C_AT] = pst_day_format(rs->minutes[i].day, at, sizeof at);
		snprintf(minutes, sizeof minutes, "%d", rs->minutes[i].minutes);
		cells[C_MINUTES] = minutes;
		csv_row(out, cells);
	}
}

/* The check-ins, sessions and activities of rs, a chunk at a time. */
static int csv_part(const struct pst_record_set *rs, struct pst_export_sink *sink)
{
	struct pst_buf *out = sink->out;
	int err;
	char id[24], parent[24], at[40], pain[16], after[16], areas[64], score[16];
	for (size_t i = 0; i < rs->ncheckins; i++) {
		const struct pst_checkin *c = &rs->checkins[i];
		const char *cells[C__MAX] = {0};
		snprintf(id, sizeof id, "%lld", (long long)c->id);
		snprintf(pain, sizeof pain, "%d", c->pain);
		mask_cell(areas, sizeof areas, &pst_vocab_area, c->areas);
		cells[C_RECORD] = "checkin";
		cells[C_ID] = id;
		cells[C_AT] = pst_time_format(c->at, at, sizeof at);
		cells[C_PAIN] = pain;
		cells[C_AREAS] = areas;
		cells[C_NOTE] = c->note;
		csv_row(out, cells);
		if ((err = pst_export_flush(sink, false)))
			return err;
	}
	for (size_t i = 0; i < rs->nsessions; i++) {
		const struct pst_session_log *l = &rs->sessions[i];
		const char *cells[C__MAX] = {0};
		snprintf(id, sizeof id, "%lld", (long long)l->id);
		snprintf(pain, sizeof pain, "%d", l->pain_before);
		snprintf(after, sizeof after, "%d", l->pain_after);
		cells[C_RECORD] = "session";
		cells[C_ID] = id;
		cells[C_AT] = pst_time_format(l->at, at, sizeof at);
		cells[C_PAIN] = pain;
		cells[C_PAIN_AFTER] = after;
		csv_row(out, cells);
		for (size_t k = 0; k < l->nex; k++) {
			const char *ec[C__MAX] = {0};
			char seq[24];
			snprintf(seq, sizeof seq, "%zu", k + 1);
			ec[C_RECORD] = "session_exercise";
			ec[C_ID] = seq;
			ec[C_PARENT] = id;
			ec[C_EXERCISE] = l->ex[k].id;
			ec[C_FEEDBACK] = pst_vocab_word(&pst_vocab_feedback, (int)l->ex[k].feedback);
			if (l->ex[k].pain >= 0) {
				snprintf(pain, sizeof pain, "%d", l->ex[k].pain);
				ec[C_PAIN] = pain;
			}
			csv_row(out, ec);
		}
		if ((err = pst_export_flush(sink, false)))
			return err;
	}
	for (size_t i = 0; i < rs->npsfs; i++) {
		const struct pst_psfs_activity *a = &rs->psfs[i];
		const char *cells[C__MAX] = {0};
		snprintf(id, sizeof id, "%lld", (long long)a->id);
		cells[C_RECORD] = "psfs_activity";
		cells[C_ID] = id;
		cells[C_AT] = pst_time_format(a->created, at, sizeof at);
		cells[C_ACTIVITY] = a->activity;
		csv_row(out, cells);
		for (size_t k = 0; k < a->nratings; k++) {
			const char *rc[C__MAX] = {0};
			snprintf(parent, sizeof parent, "%lld", (long long)a->id);
			snprintf(score, sizeof score, "%d", a->ratings[k].score);
			rc[C_RECORD] = "psfs_rating";
			rc[C_PARENT] = parent;
			rc[C_AT] = pst_time_format(a->ratings[k].at, at, sizeof at);
			rc[C_SCORE] = score;
			csv_row(out, rc);
		}
		if ((err = pst_export_flush(sink, false)))
			return err;
	}
	return PST_OK;
}

/* --- import: shared checks --------------------------------------------------------- */

/* Where a value came from, for messages: a JSON path or a CSV line and column. */
struct where {
	struct pst_diags *d;
	const char *src;
	int line;          /* CSV line, or 0 for JSON */
	const char *path;  /* JSON path prefix ("checkins[3].") or CSV "" */
};

__attribute__((format(printf, 3, 4))) static void bad(const struct where *w, const char *field,
							const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (w->line)
		pst_diag_add(w->d, w->src, w->line, 0, "column %s: %s", field, msg);
	else
		pst_diag_add(w->d, w->src, 0, 0, "%s%s: %s", w->path, field, msg);
}

static bool check_int(const struct where *w, const char *field, const char *s, long lo, long hi,
		      bool optional, long *out)
{
	if (!s || !*s) {
		if (optional) {
			*out = -1;
			return true;
		}
		bad(w, field, "missing");
		return false;
	}
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v < lo || v > hi) {
		bad(w, field, "'%.40s' must be a whole number from %ld to %ld", s, lo, hi);
		return false;
	}
	*out = (long)v;
	return true;
}

static bool check_time(const struct where *w, const char *field, const char *s,
		       struct pst_time *out)
{
	if (!s || pst_time_parse(s, 0, out) != PST_OK) {
		bad(w, field, "'%.40s' is not a date and time like 2026-11-21T08:30:00+01:00",
		    s ? s : "");
		return false;
	}
	return true;
}

static bool check_word(const struct where *w, const char *field, const struct pst_vocab *v,
		       const char *s, int *out)
{
	int i = s ? pst_vocab_find(v, s) : -1;
	if (i < 0) {
		char allowed[256];
		bad(w, field, "'%.40s' is not one of %s", s ? s : "", pst_vocab_list(v, allowed, sizeof allowed));
		return false;
	}
	*out = i;
	return true;
}

/* A list of words, separated by sep (';' in CSV). */
static bool check_words(const struct where *w, const char *field, const struct pst_vocab *v,
			const char *s, char sep, unsigned *out)
{
	*out = 0;
	if (!s || !*s)
		return true;
	char buf[512];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *p = buf; *p; p++)
		if (*p == sep)
			*p = ',';
	const char *b;
	size_t bl;
	if (pst_vocab_parse_mask(v, buf, out, &b, &bl) == 0)
		return true;
	bad(w, field, "'%.*s' is not a known %s", (int)(bl > 40 ? 40 : bl), b, v->what);
	return false;
}

/* Free text: the checks of every entry (core/utf8.h), flags PST_TEXT_NOTE or _ACTIVITY. */
static bool check_text(const struct where *w, const char *field, const char *s, size_t max,
		       bool optional, unsigned flags)
{
	if (!s || !*s) {
		if (!optional)
			bad(w, field, "missing");
		return optional;
	}
	if (strlen(s) > max) {
		bad(w, field, "longer than %zu characters", max);
		return false;
	}
	char why[200];
	if (!pst_text_check(s, strlen(s), flags, why, sizeof why)) {
		bad(w, field, "%s", why);
		return false;
	}
	return true;
}

static bool check_exercise(const struct where *w, const struct pst_catalog *c, const char *s)
{
	if (s && pst_catalog_find(c, s))
		return true;
	bad(w, "exercise", "'%.60s' is not in the catalogue", s ? s : "");
	return false;
}

/* Checks a profile once its fields are read (stage consistency, as pst_profile_check). */
static bool check_country(const struct where *w, const char *field, const char *s,
			  struct pst_profile *p)
{
	if (!s) {
		bad(w, field, "must be a two-letter country code or null");
		return false;
	}
	if (!*s)
		return true;
	const struct pst_country *c = pst_country_find(s);
	if (!c) {
		bad(w, field, "'%.20s' is not a country postura knows the numbers of", s);
		return false;
	}
	memcpy(p->country, c->code, 3);
	return true;
}

/* A reminder field (remind_at, timezone, relief_reminder) from its text; "" or NULL
 * keeps the default (exports made before they were kept have none). */
static void check_reminder(const struct where *w, const char *field, enum pst_pfield f,
			   const char *s, struct pst_profile *p)
{
	struct pst_profile_problem pr;
	if (!s || !*s)
		return;
	if (!pst_profile_set(p, f, s, &pr))
		bad(w, field, "%s", pr.msg);
}

static void check_profile(const struct where *w, const struct pst_profile *p)
{
	struct pst_profile_problem probs[PST_PF__MAX];
	size_t n = pst_profile_check(p, probs, PST_PF__MAX);
	for (size_t i = 0; i < n; i++)
		bad(w, pst_pfield_json[probs[i].field], "%s", probs[i].msg);
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Ids must be unique within a kind: the import keeps them. Sorted, not compared in
 * pairs: an export of 64 MiB has a million records, and pairs would be 10^12. ids is
 * reordered. Reports the smallest id that appears twice. */
static bool unique_ids(struct pst_diags *d, const char *src, const char *what, int64_t *ids,
		       size_t n)
{
	if (n > 1)
		qsort(ids, n, sizeof(*ids), cmp_id);
	for (size_t i = 1; i < n; i++)
		if (ids[i - 1] == ids[i]) {
			pst_diag_add(d, src, 0, 0, "%s id %lld appears twice", what, (long long)ids[i]);
			return false;
		}
	return true;
}

/* --- import: JSON -------------------------------------------------------------- */

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Integers as text, so one checker serves JSON and CSV; null and absent give "". */
static const char *jnum(json_t *o, const char *k, char *buf, size_t size)
{
	json_t *v = json_object_get(o, k);
	if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (!v || json_is_null(v))
		buf[0] = '\0';
	else
		snprintf(buf, size, "?");
	return buf;
}

static bool jwords(const struct where *w, json_t *o, const char *k, const struct pst_vocab *v,
		   unsigned *out)
{
	json_t *a = json_object_get(o, k);
	*out = 0;
	if (!a || json_is_null(a))
		return true;
	if (!json_is_array(a)) {
		bad(w, k, "must be a list");
		return false;
	}
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e)
	{
		int x;
		if (!check_word(w, k, v, json_is_string(e) ? json_string_value(e) : NULL, &x))
			return false;
		*out |= PST_BIT(x);
	}
	return true;
}

/* A copy of s in the arena; out of memory is a problem of the import, not a NULL that
 * would pass for a missing value. */
static const char *dup(struct pst_arena *a, const char *s, struct pst_diags *d)
{
	const char *c = s ? pst_arena_strdup(a, s) : NULL;
	if (s && !c)
		pst_diag_add(d, NULL, 0, 0, "out of memory");
	return c;
}

static json_t *jarray(struct pst_diags *d, const char *src, json_t *root, const char *k)
{
	json_t *a = json_object_get(root, k);
	if (!a)
		return NULL;
	if (!json_is_array(a)) {
		pst_diag_add(d, src, 0, 0, "%s: must be a list", k);
		return NULL;
	}
	return a;
}

/* One change of the minutes a session: from a day (YYYY-MM-DD), 3 to 60 minutes, one
 * per day, in order of day (as exported). Appended to rs->minutes (sized by the caller). */
static void minutes_row(const struct where *w, struct pst_record_set *rs, const char *from_field,
			const char *from, const char *minutes)
{
	struct pst_minutes_change mc = {0, 0};
	long v;
	bool ok = true;
	if (!from || pst_day_parse(from, &mc.day) != PST_OK) {
		bad(w, from_field, "must be a date like 2026-05-01");
		ok = false;
	}
	if (check_int(w, "minutes", minutes, 3, 60, false, &v))
		mc.minutes = (int)v;
	else
		ok = false;
	if (ok && rs->nminutes && rs->minutes[rs->nminutes - 1].day >= mc.day) {
		bad(w, from_field, "must come after the change before it (one a day, in order)");
		ok = false;
	}
	if (ok)
		rs->minutes[rs->nminutes++] = mc;
}

/* The safety answers of a JSON export: the stages asked (words), the answers (question
 * id to true or false; the ids are checked against the questions when they are used,
 * and answers to questions that no longer exist are asked again), and when. */
static void screening_json(struct pst_diags *d, const char *src, json_t *sc,
			   struct pst_record_set *rs)
{
	struct where w = {d, src, 0, "screening."};
	bool ok = json_is_object(sc);
	if (!ok) {
		pst_diag_add(d, src, 0, 0, "screening: must be an object");
		return;
	}
	ok &= jwords(&w, sc, "stages", &pst_vocab_stage, &rs->screening.stages);
	if (ok && !rs->screening.stages) {
		bad(&w, "stages", "must name at least one stage");
		ok = false;
	}
	json_t *ans = json_object_get(sc, "answers");
	if (!json_is_object(ans)) {
		bad(&w, "answers", "must be an object of question ids to true or false");
		return;
	}
	const char *k;
	json_t *v;
	json_object_foreach(ans, k, v) {
		if (!json_is_boolean(v) || !*k || strlen(k) > 64 || strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(k)) {
			bad(&w, "answers", "'%.40s' must be a question id answered true or false", k);
			ok = false;
		}
	}
	ok &= check_time(&w, "at", jstr(sc, "at"), &rs->screening.at);
	char *text = json_dumps(ans, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text) {
		pst_diag_add(d, src, 0, 0, "out of memory");
		return;
	}
	rs->screening.answers = pst_arena_strdup(rs->arena, text);
	free(text);
	if (!rs->screening.answers)
		pst_diag_add(d, src, 0, 0, "out of memory");
	rs->has_screening = ok && rs->screening.answers;
}

/* The assigned programme of a JSON export: its stored form, checked as the store keeps
 * it (core/programme.h: exercises of the catalogue, doses in bounds, notes as text),
 * who saved it last and when. */
static void programme_json(const struct pst_catalog *c, struct pst_diags *d, const char *src,
			   json_t *o, struct pst_record_set *rs)
{
	struct where w = {d, src, 0, "programme."};
	if (!json_is_object(o)) {
		pst_diag_add(d, src, 0, 0, "programme: must be an object");
		return;
	}
	json_t *body = json_object_get(o, "body");
	char *text = json_is_object(body) ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (!text) {
		bad(&w, "body", "must be the programme, a JSON object");
		return;
	}
	struct pst_programme *pg = NULL;
	struct pst_programme_error e;
	int r = pst_programme_parse(c, text, strlen(text), true, &pg, &e);
	pst_programme_free(pg);
	if (r) {
		bad(&w, "body", "%s: %s", e.field, e.msg);
		free(text);
		return;
	}
	json_t *by = json_object_get(o, "by");
	bool ok = check_time(&w, "at", jstr(o, "at"), &rs->programme.at);
	if (by && !json_is_integer(by)) {
		bad(&w, "by", "must be an account id, a whole number");
		ok = false;
	}
	rs->programme.by = json_is_integer(by) ? json_integer_value(by) : 0;
	rs->programme.json = pst_arena_strdup(rs->arena, text);
	free(text);
	if (!rs->programme.json)
		pst_diag_add(d, src, 0, 0, "out of memory");
	rs->has_programme = ok && rs->programme.json;
}

static void import_json(const struct pst_catalog *c, const char *src, json_t *root,
			struct pst_record_set *rs, struct pst_diags *d)
{
	struct pst_arena *A = rs->arena;
	char num[32], num2[32], path[64];
	long v, v2;
	const char *fmt = jstr(root, "format");
	json_t *ver = json_object_get(root, "version");
	if (!fmt || strcmp(fmt, FORMAT) != 0) {
		pst_diag_add(d, src, 0, 0, "format: not a postura export (\"format\": \"%s\" expected)",
			     FORMAT);
		return;
	}
	if (!json_is_integer(ver) || json_integer_value(ver) != FORMAT_VERSION) {
		pst_diag_add(d, src, 0, 0, "version: this postura reads version %d exports",
			     FORMAT_VERSION);
		return;
	}
	json_t *p = json_object_get(root, "profile");
	if (p && !json_is_null(p)) {
		struct where w = {d, src, 0, "profile."};
		struct pst_saved_profile *sp = &rs->profile;
		pst_profile_init(&sp->p);
		sp->p.has_stage = true;
		int x;
		if (check_word(&w, "stage", &pst_vocab_stage, jstr(p, "stage"), &x))
			sp->p.stage = (enum pst_stage)x;
		if (check_int(&w, "weeks", jnum(p, "weeks", num, sizeof num), 0, 104, false, &v))
			sp->p.weeks = (int)v;
		const char *anchor = jstr(p, "anchor");
		if (!anchor || pst_day_parse(anchor, &sp->anchor_day) != PST_OK)
			bad(&w, "anchor", "must be a date like 2026-05-01");
		if (check_word(&w, "birth", &pst_vocab_birth, jstr(p, "birth"), &x))
			sp->p.birth = (enum pst_birth)x;
		if (check_word(&w, "feeding", &pst_vocab_feeding, jstr(p, "feeding"), &x))
			sp->p.feeding = (enum pst_feeding)x;
		if (check_int(&w, "pain", jnum(p, "pain", num, sizeof num), 0, 10, true, &v))
			sp->p.pain = (int)v;
		jwords(&w, p, "areas", &pst_vocab_area, &sp->p.areas);
		jwords(&w, p, "triggers", &pst_vocab_trigger, &sp->p.triggers);
		jwords(&w, p, "equipment", &pst_vocab_equipment, &sp->p.equipment);
		jwords(&w, p, "avoid", &pst_vocab_avoid, &sp->p.avoid);
		if (check_int(&w, "minutes", jnum(p, "minutes", num, sizeof num), 3, 60, false, &v))
			sp->p.minutes = (int)v;
		/* Optional: exports made before they were kept have neither. */
		jwords(&w, p, "conditions", &pst_vocab_condition, &sp->p.conditions);
		json_t *cy = json_object_get(p, "country");
		if (cy && !json_is_null(cy))
			check_country(&w, "country", json_string_value(cy), &sp->p);
		json_t *ra = json_object_get(p, "remind_at"), *tz = json_object_get(p, "timezone"),
		       *rr = json_object_get(p, "relief_reminder");
		if (ra && !json_is_null(ra) && !json_is_string(ra))
			bad(&w, "remind_at", "must be a time of day like \"19:30\"");
		else
			check_reminder(&w, "remind_at", PST_PF_REMIND_AT, json_string_value(ra), &sp->p);
		if (tz && !json_is_null(tz) && !json_is_string(tz))
			bad(&w, "timezone", "must be a time zone name like \"Europe/London\" or null");
		else
			check_reminder(&w, "timezone", PST_PF_TIMEZONE, json_string_value(tz), &sp->p);
		if (rr && !json_is_null(rr) && !json_is_boolean(rr))
			bad(&w, "relief_reminder", "must be true or false");
		else
			sp->p.relief_reminder = json_is_true(rr);
		check_time(&w, "updated", jstr(p, "updated"), &sp->updated);
		check_profile(&w, &sp->p);
		rs->has_profile = true;
	}
	/* Optional: exports made before it was kept have none. */
	json_t *a = json_object_get(root, "plan_minutes");
	if (a && !json_is_array(a)) {
		pst_diag_add(d, src, 0, 0, "plan_minutes: must be a list");
		a = NULL;
	}
	size_t n = a ? json_array_size(a) : 0;
	rs->minutes = pst_arena_alloc(A, (n ? n : 1) * sizeof(*rs->minutes));
	if (!rs->minutes)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		snprintf(path, sizeof path, "plan_minutes[%zu].", i);
		struct where w = {d, src, 0, path};
		minutes_row(&w, rs, "from", jstr(o, "from"), jnum(o, "minutes", num, sizeof num));
	}
	json_t *sc = json_object_get(root, "screening");
	if (sc && !json_is_null(sc))
		screening_json(d, src, sc, rs);
	json_t *pgm = json_object_get(root, "programme");
	if (pgm && !json_is_null(pgm))
		programme_json(c, d, src, pgm, rs);
	a = jarray(d, src, root, "checkins");
	n = a ? json_array_size(a) : 0;
	rs->checkins = pst_arena_alloc(A, (n ? n : 1) * sizeof(*rs->checkins));
	if (!rs->checkins)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		snprintf(path, sizeof path, "checkins[%zu].", i);
		struct where w = {d, src, 0, path};
		struct pst_checkin *ck = &rs->checkins[rs->ncheckins++];
		if (check_int(&w, "id", jnum(o, "id", num, sizeof num), 1, INT32_MAX, false, &v))
			ck->id = v;
		check_time(&w, "at", jstr(o, "at"), &ck->at);
		if (check_int(&w, "pain", jnum(o, "pain", num, sizeof num), 0, 10, false, &v))
			ck->pain = (int)v;
		jwords(&w, o, "areas", &pst_vocab_area, &ck->areas);
		/* An empty note is no note, as in CSV, so both formats read the same. */
		const char *note = jstr(o, "note");
		if (check_text(&w, "note", note, PST_NOTE_MAX, true, PST_TEXT_NOTE) && note && *note)
			ck->note = dup(A, note, d);
	}
	a = jarray(d, src, root, "sessions");
	n = a ? json_array_size(a) : 0;
	rs->sessions = pst_arena_alloc(A, (n ? n : 1) * sizeof(*rs->sessions));
	if (!rs->sessions)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		snprintf(path, sizeof path, "sessions[%zu].", i);
		struct where w = {d, src, 0, path};
		struct pst_session_log *l = &rs->sessions[rs->nsessions++];
		if (check_int(&w, "id", jnum(o, "id", num, sizeof num), 1, INT32_MAX, false, &v))
			l->id = v;
		check_time(&w, "at", jstr(o, "at"), &l->at);
		if (check_int(&w, "pain_before", jnum(o, "pain_before", num, sizeof num), 0, 10, false, &v) &&
		    check_int(&w, "pain_after", jnum(o, "pain_after", num2, sizeof num2), 0, 10, false, &v2)) {
			l->pain_before = (int)v;
			l->pain_after = (int)v2;
		}
		json_t *ex = json_object_get(o, "exercises");
		size_t m = json_is_array(ex) ? json_array_size(ex) : 0;
		if (!m || m > PST_SESSION_MAX_EXERCISES) {
			bad(&w, "exercises", "must be a list of 1 to %d exercises", PST_SESSION_MAX_EXERCISES);
			continue;
		}
		l->ex = pst_arena_alloc(A, m * sizeof(*l->ex));
		if (!l->ex)
			goto oom;
		for (size_t k = 0; k < m; k++) {
			json_t *e = json_array_get(ex, k);
			char epath[96];
			snprintf(epath, sizeof epath, "sessions[%zu].exercises[%zu].", i, k);
			struct where we = {d, src, 0, epath};
			struct pst_session_ex *se = &l->ex[l->nex++];
			if (check_exercise(&we, c, jstr(e, "id")))
				se->id = dup(A, jstr(e, "id"), d);
			int x;
			if (check_word(&we, "feedback", &pst_vocab_feedback, jstr(e, "feedback"), &x))
				se->feedback = (enum pst_feedback)x;
			if (check_int(&we, "pain", jnum(e, "pain", num, sizeof num), 0, 10, true, &v))
				se->pain = (int)v;
		}
	}
	a = jarray(d, src, root, "psfs");
	n = a ? json_array_size(a) : 0;
	rs->psfs = pst_arena_alloc(A, (n ? n : 1) * sizeof(*rs->psfs));
	if (!rs->psfs)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		snprintf(path, sizeof path, "psfs[%zu].", i);
		struct where w = {d, src, 0, path};
		struct pst_psfs_activity *act = &rs->psfs[rs->npsfs++];
		if (check_int(&w, "id", jnum(o, "id", num, sizeof num), 1, INT32_MAX, false, &v))
			act->id = v;
		if (check_text(&w, "activity", jstr(o, "activity"), PST_PSFS_ACTIVITY_MAX, false,
			       PST_TEXT_ACTIVITY))
			act->activity = dup(A, jstr(o, "activity"), d);
		check_time(&w, "created", jstr(o, "created"), &act->created);
		json_t *r = json_object_get(o, "ratings");
		size_t m = json_is_array(r) ? json_array_size(r) : 0;
		act->ratings = pst_arena_alloc(A, (m ? m : 1) * sizeof(*act->ratings));
		if (!act->ratings)
			goto oom;
		for (size_t k = 0; k < m; k++) {
			json_t *e = json_array_get(r, k);
			char rpath[96];
			snprintf(rpath, sizeof rpath, "psfs[%zu].ratings[%zu].", i, k);
			struct where wr = {d, src, 0, rpath};
			struct pst_psfs_rating *rt = &act->ratings[act->nratings++];
			check_time(&wr, "at", jstr(e, "at"), &rt->at);
			if (check_int(&wr, "score", jnum(e, "score", num, sizeof num), 0, 10, false, &v))
				rt->score = (int)v;
		}
	}
	return;
oom:
	pst_diag_add(d, src, 0, 0, "out of memory");
}

/* --- import: CSV ---------------------------------------------------------------- */

/* Reads one CSV record (RFC 4180) starting at *p; cells point into buf (modified in
 * place). Returns the number of cells, or -1 on a malformed quote. */
static int csv_record(char **p, char *end, char **cells, int max, int *lines)
{
	int n = 0;
	char *s = *p;
	for (;;) {
		char *out = s, *start = s;
		if (s < end && *s == '"') {
			s++;
			for (;;) {
				if (s >= end)
					return -1;
				if (*s == '"') {
					if (s + 1 < end && s[1] == '"') {
						*out++ = '"';
						s += 2;
						continue;
					}
					s++;
					break;
				}
				if (*s == '\n')
					(*lines)++;
				*out++ = *s++;
			}
			if (s < end && *s != ',' && *s != '\n' && *s != '\r')
				return -1;
		} else {
			while (s < end && *s != ',' && *s != '\n' && *s != '\r') {
				if (*s == '"')
					return -1;
				*out++ = *s++;
			}
		}
		char sepc = s < end ? *s : '\n';
		*out = '\0';
		if (n < max)
			cells[n] = start;
		n++;
		if (sepc == ',') {
			s++;
			continue;
		}
		/* The separator may have been overwritten by the cell's terminator: use sepc. */
		if (s < end) {
			s++;
			if (sepc == '\r' && s < end && *s == '\n')
				s++;
		}
		(*lines)++;
		*p = s;
		return n;
	}
}

/* Undoes the formula guard of csv_cell, in place: each segment that starts with an
 * apostrophe followed by a risky segment loses the apostrophe. (A segment that starts
 * with an apostrophe is itself risky, so export always doubles it: the undoing is
 * exact.) */
static const char *unguard(char *s)
{
	char *o = s;
	for (char *p = s; *p;) {
		if ((p == s || p[-1] == ';') && *p == '\'' && risky_segment(p + 1))
			p++;
		*o++ = *p++;
	}
	*o = '\0';
	return s;
}

static void import_csv(const struct pst_catalog *c, const char *src, char *text, size_t len,
		       struct pst_record_set *rs, struct pst_diags *d)
{
	struct pst_arena *A = rs->arena;
	char *p = text, *end = text + len;
	char *cells[C__MAX + 1];
	int line = 1, lines = 0;
	int n = csv_record(&p, end, cells, C__MAX + 1, &lines);
	if (n != C__MAX && n != C_OLD_MAX && n != C_OLD2_MAX) {
		pst_diag_add(d, src, 1, 0, "the header must be the %d postura columns (record,id,...)",
			     C__MAX);
		return;
	}
	int ncols = n;
	for (int i = 0; i < ncols; i++)
		if (strcmp(cells[i], csv_columns[i]) != 0) {
			pst_diag_add(d, src, 1, 0, "column %d must be '%s', not '%.40s'", i + 1,
				     csv_columns[i], cells[i]);
			return;
		}
	/* Count rows first so the arrays can be sized once. A record ends at LF, CRLF or a
	 * lone CR (csv_record takes all three), so every CR and LF counts: an upper bound. */
	size_t rows = 0;
	for (char *q = p; q < end; q++)
		rows += *q == '\n' || *q == '\r';
	rows++;
	rs->checkins = pst_arena_alloc(A, rows * sizeof(*rs->checkins));
	rs->sessions = pst_arena_alloc(A, rows * sizeof(*rs->sessions));
	rs->psfs = pst_arena_alloc(A, rows * sizeof(*rs->psfs));
	rs->minutes = pst_arena_alloc(A, rows * sizeof(*rs->minutes));
	struct pst_session_ex *ex_pool = pst_arena_alloc(A, rows * sizeof(*ex_pool));
	struct pst_psfs_rating *rt_pool = pst_arena_alloc(A, rows * sizeof(*rt_pool));
	size_t nex = 0, nrt = 0;
	if (!rs->checkins || !rs->sessions || !rs->psfs || !rs->minutes || !ex_pool || !rt_pool) {
		pst_diag_add(d, src, 0, 0, "out of memory");
		return;
	}
	long v, v2;
	while (p < end) {
		line += lines;
		lines = 0;
		n = csv_record(&p, end, cells, C__MAX + 1, &lines);
		if (n == 1 && !cells[0][0])
			continue; /* a blank line */
		struct where w = {d, src, line, ""};
		if (n < 0) {
			pst_diag_add(d, src, line, 0, "malformed CSV: a stray or unclosed quote");
			return;
		}
		if (n != ncols) {
			pst_diag_add(d, src, line, 0, "%d cells where %d were expected", n, ncols);
			continue;
		}
		static char empty[1];
		for (int i = ncols; i < C__MAX; i++)
			cells[i] = empty;
		const char *rec = cells[C_RECORD];
		if (strcmp(rec, "profile") == 0) {
			struct pst_saved_profile *sp = &rs->profile;
			pst_profile_init(&sp->p);
			sp->p.has_stage = true;
			int x;
			if (check_word(&w, "stage", &pst_vocab_stage, cells[C_STAGE], &x))
				sp->p.stage = (enum pst_stage)x;
			if (check_int(&w, "weeks", cells[C_WEEKS], 0, 104, false, &v))
				sp->p.weeks = (int)v;
			if (pst_day_parse(cells[C_ANCHOR], &sp->anchor_day) != PST_OK)
				bad(&w, "anchor", "must be a date like 2026-05-01");
			if (check_word(&w, "birth", &pst_vocab_birth, cells[C_BIRTH], &x))
				sp->p.birth = (enum pst_birth)x;
			if (check_word(&w, "feeding", &pst_vocab_feeding, cells[C_FEEDING], &x))
				sp->p.feeding = (enum pst_feeding)x;
			if (check_int(&w, "pain", cells[C_PAIN], 0, 10, true, &v))
				sp->p.pain = (int)v;
			check_words(&w, "areas", &pst_vocab_area, cells[C_AREAS], ';', &sp->p.areas);
			check_words(&w, "triggers", &pst_vocab_trigger, cells[C_TRIGGERS], ';', &sp->p.triggers);
			check_words(&w, "equipment", &pst_vocab_equipment, cells[C_EQUIPMENT], ';', &sp->p.equipment);
			check_words(&w, "avoid", &pst_vocab_avoid, cells[C_AVOID], ';', &sp->p.avoid);
			if (check_int(&w, "minutes", cells[C_MINUTES], 3, 60, false, &v))
				sp->p.minutes = (int)v;
			check_words(&w, "conditions", &pst_vocab_condition, cells[C_CONDITIONS], ';',
				    &sp->p.conditions);
			check_country(&w, "country", cells[C_COUNTRY], &sp->p);
			check_reminder(&w, "remind_at", PST_PF_REMIND_AT, cells[C_REMIND_AT], &sp->p);
			check_reminder(&w, "timezone", PST_PF_TIMEZONE, cells[C_TIMEZONE], &sp->p);
			check_reminder(&w, "relief_reminder", PST_PF_RELIEF_REMINDER,
				       cells[C_RELIEF_REMINDER], &sp->p);
			check_time(&w, "at", cells[C_AT], &sp->updated);
			check_profile(&w, &sp->p);
			if (rs->has_profile)
				pst_diag_add(d, src, line, 0, "a second profile row");
			rs->has_profile = true;
		} else if (strcmp(rec, "plan_minutes") == 0) {
			minutes_row(&w, rs, "at", cells[C_AT], cells[C_MINUTES]);
		} else if (strcmp(rec, "checkin") == 0) {
			struct pst_checkin *ck = &rs->checkins[rs->ncheckins++];
			if (check_int(&w, "id", cells[C_ID], 1, INT32_MAX, false, &v))
				ck->id = v;
			check_time(&w, "at", cells[C_AT], &ck->at);
			if (check_int(&w, "pain", cells[C_PAIN], 0, 10, false, &v))
				ck->pain = (int)v;
			check_words(&w, "areas", &pst_vocab_area, cells[C_AREAS], ';', &ck->areas);
			const char *note = unguard(cells[C_NOTE]);
			if (check_text(&w, "note", note, PST_NOTE_MAX, true, PST_TEXT_NOTE) && *note)
				ck->note = dup(A, note, d);
		} else if (strcmp(rec, "session") == 0) {
			struct pst_session_log *l = &rs->sessions[rs->nsessions++];
			if (check_int(&w, "id", cells[C_ID], 1, INT32_MAX, false, &v))
				l->id = v;
			check_time(&w, "at", cells[C_AT], &l->at);
			if (check_int(&w, "pain", cells[C_PAIN], 0, 10, false, &v) &&
			    check_int(&w, "pain_after", cells[C_PAIN_AFTER], 0, 10, false, &v2)) {
				l->pain_before = (int)v;
				l->pain_after = (int)v2;
			}
			l->ex = ex_pool + nex;
		} else if (strcmp(rec, "session_exercise") == 0) {
			struct pst_session_log *l = rs->nsessions ? &rs->sessions[rs->nsessions - 1] : NULL;
			if (!l || !check_int(&w, "parent_id", cells[C_PARENT], 1, INT32_MAX, false, &v) ||
			    v != l->id) {
				pst_diag_add(d, src, line, 0,
					     "a session_exercise row must follow its session (parent_id)");
				continue;
			}
			if (l->nex >= PST_SESSION_MAX_EXERCISES) {
				pst_diag_add(d, src, line, 0, "more than %d exercises in one session",
					     PST_SESSION_MAX_EXERCISES);
				continue;
			}
			struct pst_session_ex *se = &ex_pool[nex++];
			l->nex++;
			if (check_exercise(&w, c, cells[C_EXERCISE]))
				se->id = dup(A, cells[C_EXERCISE], d);
			int x;
			if (check_word(&w, "feedback", &pst_vocab_feedback, cells[C_FEEDBACK], &x))
				se->feedback = (enum pst_feedback)x;
			if (check_int(&w, "pain", cells[C_PAIN], 0, 10, true, &v))
				se->pain = (int)v;
		} else if (strcmp(rec, "psfs_activity") == 0) {
			struct pst_psfs_activity *act = &rs->psfs[rs->npsfs++];
			if (check_int(&w, "id", cells[C_ID], 1, INT32_MAX, false, &v))
				act->id = v;
			const char *name = unguard(cells[C_ACTIVITY]);
			if (check_text(&w, "activity", name, PST_PSFS_ACTIVITY_MAX, false, PST_TEXT_ACTIVITY))
				act->activity = dup(A, name, d);
			check_time(&w, "at", cells[C_AT], &act->created);
			act->ratings = rt_pool + nrt;
		} else if (strcmp(rec, "psfs_rating") == 0) {
			struct pst_psfs_activity *act = rs->npsfs ? &rs->psfs[rs->npsfs - 1] : NULL;
			if (!act || !check_int(&w, "parent_id", cells[C_PARENT], 1, INT32_MAX, false, &v) ||
			    v != act->id) {
				pst_diag_add(d, src, line, 0,
					     "a psfs_rating row must follow its psfs_activity (parent_id)");
				continue;
			}
			struct pst_psfs_rating *rt = &rt_pool[nrt++];
			act->nratings++;
			check_time(&w, "at", cells[C_AT], &rt->at);
			if (check_int(&w, "score", cells[C_SCORE], 0, 10, false, &v))
				rt->score = (int)v;
		} else {
			pst_diag_add(d, src, line, 0,
				     "column record: '%.40s' is not profile, plan_minutes, checkin, "
				     "session, session_exercise, psfs_activity or psfs_rating",
				     rec);
		}
	}
	for (size_t i = 0; i < rs->nsessions; i++)
		if (!rs->sessions[i].nex)
			pst_diag_add(d, src, 0, 0, "session %lld has no exercises",
				     (long long)rs->sessions[i].id);
}

int pst_import_parse(const struct pst_catalog *c, const char *src, const char *text, size_t len,
		     struct pst_record_set *out, struct pst_diags *d)
{
	memset(out, 0, sizeof(*out));
	if (len > PST_IMPORT_MAX) {
		pst_diag_add(d, src, 0, 0, "larger than %d MiB", PST_IMPORT_MAX >> 20);
		return PST_EINVAL;
	}
	if (!(out->arena = pst_arena_new()))
		return PST_ENOMEM;
	size_t before = d->n;
	size_t i = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
		i++;
	if (i < len && text[i] == '{') {
		json_error_t jerr;
		json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
		if (!root)
			pst_diag_add(d, src, jerr.line > 0 ? jerr.line : 1, jerr.column > 0 ? jerr.column : 1,
				     "malformed JSON: %s", jerr.text);
		else if (!json_is_object(root))
			pst_diag_add(d, src, 0, 0, "an export must be a JSON object");
		else if (json_object_get(root, "resourceType")) {
			/* A FHIR Bundle: turned into the export it carries, checked on the way
			 * with the entries' paths, then read as any export. */
			json_t *exp = pst_fhir_to_export(c, src, root, d);
			if (exp)
				import_json(c, src, exp, out, d);
			json_decref(exp);
		} else
			import_json(c, src, root, out, d);
		json_decref(root);
	} else if (memchr(text, '\0', len)) {
		/* Cells are C strings: a NUL would cut one short without a word. */
		const char *nul = memchr(text, '\0', len);
		int line = 1;
		for (const char *q = text; q < nul; q++)
			line += *q == '\n';
		pst_diag_add(d, src, line, 0, "malformed CSV: a NUL byte");
	} else {
		char *copy = pst_arena_strndup(out->arena, text, len);
		if (!copy)
			pst_diag_add(d, src, 0, 0, "out of memory");
		else
			import_csv(c, src, copy, len, out, d);
	}
	if (d->n == before) {
		int64_t *ids = malloc(((out->ncheckins > out->nsessions ? out->ncheckins : out->nsessions) +
				       out->npsfs + 1) * sizeof(*ids));
		if (!ids) {
			pst_diag_add(d, src, 0, 0, "out of memory");
		} else {
			for (size_t k = 0; k < out->ncheckins; k++)
				ids[k] = out->checkins[k].id;
			unique_ids(d, src, "check-in", ids, out->ncheckins);
			for (size_t k = 0; k < out->nsessions; k++)
				ids[k] = out->sessions[k].id;
			unique_ids(d, src, "session", ids, out->nsessions);
			for (size_t k = 0; k < out->npsfs; k++)
				ids[k] = out->psfs[k].id;
			unique_ids(d, src, "psfs activity", ids, out->npsfs);
			free(ids);
		}
	}
	if (d->n != before) {
		pst_record_set_free(out);
		return PST_EINVAL;
	}
	return PST_OK;
}
