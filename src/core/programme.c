/* The assigned programme: a clinician's edit of the plan, checked against the safety
 * rules, kept as JSON, and applied to the plan of the day. */
#include "programme.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static int fail(struct pst_programme_error *err, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct pst_programme_error *err, const char *field, const char *fmt, ...)
{
	snprintf(err->field, sizeof err->field, "%s", field);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return PST_EINVAL;
}

void pst_programme_free(struct pst_programme *pg)
{
	if (!pg)
		return;
	pst_arena_free(pg->arena);
	free(pg);
}

static struct pst_programme *programme_new(size_t n)
{
	struct pst_programme *pg = calloc(1, sizeof *pg);
	if (!pg)
		return NULL;
	if (!(pg->arena = pst_arena_new()) ||
	    !(pg->items = pst_arena_alloc(pg->arena, (n ? n : 1) * sizeof *pg->items))) {
		pst_programme_free(pg);
		return NULL;
	}
	return pg;
}

/* --- parsing ------------------------------------------------------------------ */

/* Keys GET writes for reading only: accepted in a PUT and ignored. */
static const char *const top_read_only[] = {"assigned", "updated_by", "updated_at", "minutes",
					    "version", "patient", "status", "why", "catalogue",
					    "screened", NULL};
static const char *const item_read_only[] = {"name", "kind", "seconds", "excluded_by", NULL};

static bool in_list(const char *const *l, const char *k)
{
	for (; *l; l++)
		if (strcmp(*l, k) == 0)
			return true;
	return false;
}

/* A note or reason: a string (or null / absent: none) of at most max bytes, checked as
 * free text with line breaks. Empty after trimming is none. */
static int text_field(struct pst_arena *a, json_t *v, const char *field, size_t max,
		      const char **out, struct pst_programme_error *err)
{
	*out = NULL;
	if (!v || json_is_null(v))
		return PST_OK;
	if (!json_is_string(v))
		return fail(err, field, "must be a string");
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (len > max)
		return fail(err, field, "is %zu bytes long; at most %zu", len, max);
	char why[256];
	if (!pst_text_check(s, len, PST_TEXT_LINES, why, sizeof why))
		return fail(err, field, "%s", why);
	while (len && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\r' ||
		       s[len - 1] == '\t'))
		len--;
	if (!len)
		return PST_OK;
	if (!(*out = pst_arena_strndup(a, s, len)))
		return PST_ENOMEM;
	return PST_OK;
}

static int int_field(json_t *v, const char *field, int64_t *out, struct pst_programme_error *err)
{
	if (!json_is_integer(v))
		return fail(err, field, "must be a whole number");
	*out = json_integer_value(v);
	return PST_OK;
}

struct dose_field {
	const char *key;
	size_t off; /* of the struct pst_range in struct pst_dose */
	int max;
	const char *lacks; /* "is not held" */
};

static const struct dose_field dose_fields[] = {
	{"sets", offsetof(struct pst_dose, sets), PST_PROGRAMME_SETS_MAX, "has no sets"},
	{"reps", offsetof(struct pst_dose, reps), PST_PROGRAMME_REPS_MAX, "is not counted in repetitions"},
	{"hold_s", offsetof(struct pst_dose, hold_s), PST_PROGRAMME_HOLD_MAX_S, "is not held"},
	{"breaths", offsetof(struct pst_dose, breaths), PST_PROGRAMME_BREATHS_MAX,
	 "is not counted in breaths"},
};

static struct pst_range *range_of(struct pst_dose *d, const struct dose_field *f)
{
	return (struct pst_range *)((char *)d + f->off);
}

static const struct pst_range *crange_of(const struct pst_dose *d, const struct dose_field *f)
{
	return (const struct pst_range *)((const char *)d + f->off);
}

static int parse_item(const struct pst_catalog *c, struct pst_programme *pg, json_t *o, size_t i,
		      bool stored, bool *skip, struct pst_programme_error *err)
{
	char field[64];
	*skip = false;
	snprintf(field, sizeof field, "exercises[%zu]", i);
	if (!json_is_object(o))
		return fail(err, field, "must be an object with the exercise's \"id\"");
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		bool known = in_list(item_read_only, key) || strcmp(key, "id") == 0 ||
			     strcmp(key, "per_side") == 0 || strcmp(key, "note") == 0 ||
			     strcmp(key, "reason") == 0 || strcmp(key, "rule") == 0 ||
			     strcmp(key, "reason_by") == 0 || strcmp(key, "reason_at") == 0 ||
			     strcmp(key, "dose_at") == 0;
		for (size_t k = 0; k < sizeof dose_fields / sizeof *dose_fields; k++)
			known |= strcmp(key, dose_fields[k].key) == 0;
		if (!known) {
			snprintf(field, sizeof field, "exercises[%zu].%.24s", i, key);
			return fail(err, field, "is not a field of an exercise (id, sets, reps, hold_s, "
						"breaths, per_side, note, reason)");
		}
	}
	snprintf(field, sizeof field, "exercises[%zu].id", i);
	json_t *id = json_object_get(o, "id");
	if (!json_is_string(id))
		return fail(err, field, "must be the exercise's id, a string");
	const struct pst_exercise *e = pst_catalog_find(c, json_string_value(id));
	if (!e) {
		if (stored) {
			*skip = true;
			return PST_OK;
		}
		const char *near = pst_catalog_closest(c, json_string_value(id));
		return fail(err, field, "no exercise '%.64s' in the catalogue%s%s%s",
			    json_string_value(id), near ? " (did you mean '" : "", near ? near : "",
			    near ? "'?)" : "");
	}
	for (size_t k = 0; k < pg->nitems; k++)
		if (pg->items[k].ex == e)
			return fail(err, field, "%s is already in the programme", e->name);
	struct pst_programme_item *it = &pg->items[pg->nitems];
	*it = (struct pst_programme_item){.ex = e, .dose = pst_dose_start(&e->dose)};
	for (size_t k = 0; k < sizeof dose_fields / sizeof *dose_fields; k++) {
		const struct dose_field *f = &dose_fields[k];
		snprintf(field, sizeof field, "exercises[%zu].%s", i, f->key);
		v = json_object_get(o, f->key);
		if (!v || json_is_null(v))
			continue;
		if (!json_is_integer(v))
			return fail(err, field, "must be a whole number");
		json_int_t n = json_integer_value(v);
		const struct pst_range *cr = crange_of(&e->dose, f);
		if (cr->hi == 0) {
			if (n == 0)
				continue;
			return fail(err, field, "%s %s", e->name, f->lacks);
		}
		if (n < 1 || n > f->max)
			return fail(err, field, "must be from 1 to %d (%s: %d to %d in the catalogue)",
				    f->max, e->name, cr->lo, cr->hi);
		range_of(&it->dose, f)->lo = range_of(&it->dose, f)->hi = (int)n;
	}
	snprintf(field, sizeof field, "exercises[%zu].per_side", i);
	v = json_object_get(o, "per_side");
	if (v && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return fail(err, field, "must be true or false");
		if (json_is_true(v) && !e->dose.per_side)
			return fail(err, field, "%s is not done on each side", e->name);
		it->dose.per_side = json_is_true(v);
	}
	int r;
	snprintf(field, sizeof field, "exercises[%zu].note", i);
	if ((r = text_field(pg->arena, json_object_get(o, "note"), field, PST_PROGRAMME_NOTE_MAX,
			    &it->note, err)))
		return r;
	snprintf(field, sizeof field, "exercises[%zu].reason", i);
	if ((r = text_field(pg->arena, json_object_get(o, "reason"), field,
			    PST_PROGRAMME_REASON_MAX, &it->reason, err)))
		return r;
	if (stored) {
		const char *rule = NULL;
		snprintf(field, sizeof field, "exercises[%zu].rule", i);
		if ((r = text_field(pg->arena, json_object_get(o, "rule"), field, 200, &rule, err)))
			return r;
		it->rule = rule;
		json_t *x;
		if ((x = json_object_get(o, "reason_by")) && (r = int_field(x, "reason_by", &it->reason_by, err)))
			return r;
		if ((x = json_object_get(o, "reason_at")) && (r = int_field(x, "reason_at", &it->reason_at, err)))
			return r;
		if ((x = json_object_get(o, "dose_at")) && (r = int_field(x, "dose_at", &it->dose_at, err)))
			return r;
	}
	pg->nitems++;
	return PST_OK;
}

int pst_programme_parse(const struct pst_catalog *c, const char *text, size_t len, bool stored,
			struct pst_programme **out, struct pst_programme_error *err)
{
	*out = NULL;
	memset(err, 0, sizeof *err);
	if (len > PST_PROGRAMME_TEXT_MAX)
		return fail(err, "body", "is %zu bytes; at most %d", len, PST_PROGRAMME_TEXT_MAX);
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return fail(err, "body", "is not JSON: %s (line %d, column %d)", je.text, je.line,
			    je.column);
	int r = PST_EINVAL;
	struct pst_programme *pg = NULL;
	if (!json_is_object(root)) {
		fail(err, "body", "must be a JSON object with \"exercises\"");
		goto out;
	}
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "exercises") && strcmp(key, "note") && strcmp(key, "by") &&
		    strcmp(key, "at") && !in_list(top_read_only, key)) {
			char field[64];
			snprintf(field, sizeof field, "%.60s", key);
			fail(err, field, "is not a field of a programme (note, exercises)");
			goto out;
		}
	}
	json_t *ex = json_object_get(root, "exercises");
	if (!json_is_array(ex)) {
		fail(err, "exercises", "must be a list of exercises");
		goto out;
	}
	if (json_array_size(ex) > PST_PROGRAMME_MAX) {
		fail(err, "exercises", "has %zu exercises; at most %d", json_array_size(ex),
		     PST_PROGRAMME_MAX);
		goto out;
	}
	r = PST_ENOMEM;
	if (!(pg = programme_new(json_array_size(ex))))
		goto out;
	if ((r = text_field(pg->arena, json_object_get(root, "note"), "note", PST_PROGRAMME_NOTE_MAX,
			    &pg->note, err)))
		goto out;
	if (stored) {
		json_t *x;
		if ((x = json_object_get(root, "by")) && (r = int_field(x, "by", &pg->by, err)))
			goto out;
		if ((x = json_object_get(root, "at")) && (r = int_field(x, "at", &pg->at, err)))
			goto out;
	}
	size_t i;
	json_array_foreach(ex, i, v)
	{
		bool skip;
		if ((r = parse_item(c, pg, v, i, stored, &skip, err)))
			goto out;
	}
	*out = pg;
	pg = NULL;
	r = PST_OK;
out:
	pst_programme_free(pg);
	json_decref(root);
	return r;
}

/* --- checking ----------------------------------------------------------------- */

static const struct pst_programme_item *prev_item(const struct pst_programme *prev,
						  const struct pst_exercise *e)
{
	for (size_t i = 0; prev && i < prev->nitems; i++)
		if (prev->items[i].ex == e)
			return &prev->items[i];
	return NULL;
}

static bool same_dose(const struct pst_dose *a, const struct pst_dose *b)
{
	return a->sets.lo == b->sets.lo && a->reps.lo == b->reps.lo && a->hold_s.lo == b->hold_s.lo &&
	       a->breaths.lo == b->breaths.lo && a->per_side == b->per_side;
}

static size_t chars(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int pst_programme_seconds(const struct pst_programme *pg)
{
	int s = 0;
	for (size_t i = 0; i < pg->nitems; i++)
		s += pst_dose_seconds(&pg->items[i].dose);
	return s;
}

int pst_programme_check(struct pst_programme *pg, const struct pst_profile *p,
			const struct pst_screen_result *screen, const struct pst_programme *prev,
			int64_t by, int64_t now, struct pst_programme_error *err)
{
	memset(err, 0, sizeof *err);
	if (screen && (pst_outcome_is_referral(screen->outcome) ||
		       screen->outcome == PST_OUT_INCOMPLETE)) {
		if (screen->outcome == PST_OUT_INCOMPLETE)
			return fail(err, "screening",
				    "the patient has not answered every safety question: no programme "
				    "can be assigned until they have");
		return fail(err, "screening",
			    "the patient's safety answers say: %s. No programme can be assigned; red "
			    "flags win over any plan",
			    pst_outcome_headline(screen->outcome));
	}
	if (pg->nitems == 0)
		return fail(err, "exercises", "has no exercise: a programme needs at least one");
	int secs = pst_programme_seconds(pg);
	if (secs > PST_PROGRAMME_MAX_MINUTES * 60)
		return fail(err, "exercises", "take about %d minutes in all; at most %d",
			    (secs + 59) / 60, PST_PROGRAMME_MAX_MINUTES);
	for (size_t i = 0; i < pg->nitems; i++) {
		struct pst_programme_item *it = &pg->items[i];
		const struct pst_programme_item *old = prev_item(prev, it->ex);
		const char *id, *why;
		const struct pst_rule *rule;
		const struct pst_cites *src;
		char field[64];
		snprintf(field, sizeof field, "exercises[%zu].reason", i);
		if (!pst_plan_exclusion(it->ex, p, screen, &id, &why, &rule, &src)) {
			it->rule = NULL;
			it->reason = NULL;
			it->reason_by = it->reason_at = 0;
		} else if (!it->reason || chars(it->reason) < PST_PROGRAMME_REASON_MIN) {
			return fail(err, field,
				    "%s is left out for this patient (%s): %s Assigning it needs a "
				    "written reason of at least %d characters",
				    it->ex->name, id, why, PST_PROGRAMME_REASON_MIN);
		} else {
			bool kept = old && old->reason && old->rule && strcmp(old->rule, id) == 0 &&
				    strcmp(old->reason, it->reason) == 0;
			it->rule = id;
			it->reason_by = kept ? old->reason_by : by;
			it->reason_at = kept ? old->reason_at : now;
		}
		it->dose_at = old && same_dose(&old->dose, &it->dose) ? old->dose_at : now;
	}
	pg->by = by;
	pg->at = now;
	return PST_OK;
}

/* --- JSON ------------------------------------------------------------------- */

static int set(json_t *o, const char *k, json_t *v)
{
	return v ? json_object_set_new(o, k, v) : -1;
}

json_t *pst_programme_json(const struct pst_programme *pg, bool stored)
{
	json_t *o = json_object(), *a = json_array();
	int bad = !o || !a;
	for (size_t i = 0; !bad && i < pg->nitems; i++) {
		const struct pst_programme_item *it = &pg->items[i];
		json_t *x = json_object();
		bad |= !x || json_array_append_new(a, x);
		if (bad)
			break;
		bad |= set(x, "id", json_string(it->ex->id));
		for (size_t k = 0; k < sizeof dose_fields / sizeof *dose_fields; k++) {
			const struct pst_range *r = crange_of(&it->dose, &dose_fields[k]);
			if (r->hi)
				bad |= set(x, dose_fields[k].key, json_integer(r->lo));
		}
		bad |= set(x, "per_side", json_boolean(it->dose.per_side));
		bad |= set(x, "note", it->note ? json_string(it->note) : json_null());
		if (it->reason) {
			bad |= set(x, "reason", json_string(it->reason));
			bad |= set(x, "rule", json_string(it->rule ? it->rule : ""));
			bad |= set(x, "reason_by", json_integer(it->reason_by));
			bad |= set(x, "reason_at", json_integer(it->reason_at));
		}
		if (stored)
			bad |= set(x, "dose_at", json_integer(it->dose_at));
	}
	if (!bad) {
		bad |= set(o, "note", pg->note ? json_string(pg->note) : json_null());
		bad |= json_object_set_new(o, "exercises", a);
		a = NULL;
		if (stored) {
			bad |= set(o, "by", json_integer(pg->by));
			bad |= set(o, "at", json_integer(pg->at));
		}
	}
	json_decref(a);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

struct pst_programme *pst_programme_from_plan(const struct pst_plan *plan)
{
	struct pst_programme *pg = programme_new(plan->nitems);
	if (!pg)
		return NULL;
	for (size_t i = 0; i < plan->nitems && pg->nitems < PST_PROGRAMME_MAX; i++) {
		const struct pst_plan_item *pi = &plan->items[i];
		struct pst_programme_item *it = &pg->items[pg->nitems++];
		*it = (struct pst_programme_item){.ex = pi->ex, .dose = pi->dose, .note = pi->note,
						  .rule = pi->override_rule,
						  .reason = pi->override_reason};
	}
	pg->note = plan->programme_note;
	return pg;
}

/* --- applying ------------------------------------------------------------------ */

/* The ladder from an assigned dose: each field the exercise has climbs from the assigned
 * value to the higher of it and the catalogue's top. */
static struct pst_dose ladder(const struct pst_exercise *e, const struct pst_dose *assigned)
{
	struct pst_dose d = e->dose;
	for (size_t k = 0; k < sizeof dose_fields / sizeof *dose_fields; k++) {
		const struct pst_range *cr = crange_of(&e->dose, &dose_fields[k]);
		struct pst_range *r = range_of(&d, &dose_fields[k]);
		if (!cr->hi)
			continue;
		int v = crange_of(assigned, &dose_fields[k])->lo;
		r->lo = v;
		r->hi = v > cr->hi ? v : cr->hi;
	}
	if (d.useful_hold_s && d.useful_hold_s < d.hold_s.lo)
		d.useful_hold_s = d.hold_s.lo;
	d.per_side = assigned->per_side;
	return d;
}

/* Where one item stands after the sessions since its dose was set. */
struct state {
	const struct pst_exercise *ex;   /* what to do (an easier variant after a step down) */
	struct pst_dose dose;
	bool progressed;
	int level;
	const struct pst_prog_change *change; /* in the progression (copied before it is freed) */
	const char *words;                    /* our own words instead of the change's */
	const struct pst_exercise *replaces;  /* the assigned exercise, when ex is a variant */
};

static bool in_programme(const struct pst_programme *pg, const struct pst_exercise *e)
{
	return prev_item(pg, e) != NULL;
}

int pst_programme_feed(struct pst_prog_builder *b, int64_t from,
		       const struct pst_session_log *sessions, size_t nsessions)
{
	int err = PST_OK;
	for (size_t k = 0; !err && k < nsessions;) {
		size_t end = k; /* a run of sessions at or after from */
		while (end < nsessions && sessions[end].at.epoch >= from)
			end++;
		if (end > k)
			err = pst_progression_add_sessions(b, sessions + k, end - k);
		k = end + 1;
	}
	return err;
}

/* The records as arrays (pst_programme_records), fed to a replay. */
static int feed_records(void *ctx, int64_t from, struct pst_prog_builder *b)
{
	const struct pst_programme_records *rec = ctx;
	int err = rec->days ? pst_progression_add_days(b, rec->days, rec->ndays)
			    : pst_progression_add_checkins(b, rec->checkins, rec->ncheckins);
	return err ? err : pst_programme_feed(b, from, rec->sessions, rec->nsessions);
}

static int progress(const struct pst_programme *pg, const struct pst_catalog *c,
		    const struct pst_profile *p, const struct pst_screen_result *screen,
		    const struct pst_programme_source *source, struct pst_arena *a, struct state *st)
{
	for (size_t i = 0; i < pg->nitems; i++)
		st[i] = (struct state){.ex = pg->items[i].ex, .dose = pg->items[i].dose};
	if (!source || !c->n)
		return PST_OK;
	int err = PST_ENOMEM;
	struct pst_catalog shadow = {.n = c->n};
	struct pst_exercise *ex = malloc(c->n * sizeof *ex);
	bool *done = calloc(pg->nitems ? pg->nitems : 1, sizeof *done);
	if (!ex || !done)
		goto out;
	memcpy(ex, c->ex, c->n * sizeof *ex);
	shadow.ex = ex;
	for (size_t i = 0; i < pg->nitems; i++) {
		const struct pst_exercise *e = pg->items[i].ex;
		ex[e - c->ex].dose = ladder(e, &pg->items[i].dose);
	}
	/* One replay per distinct time a dose was set: the sessions since then count. */
	for (size_t i = 0; i < pg->nitems; i++) {
		if (done[i])
			continue;
		/* One pass over the records (a part at a time when the source reads the
		 * store), keeping only what the replay keeps. */
		int64_t from = pg->items[i].dose_at;
		struct pst_progression *pr = NULL;
		struct pst_prog_builder *b = NULL;
		if ((err = pst_progression_begin(&shadow, p, &b)))
			goto out;
		if ((err = source->feed(source->ctx, from, b))) {
			pst_progression_abort(b);
			goto out;
		}
		if ((err = pst_progression_finish(b, &pr)))
			goto out;
		err = PST_ENOMEM;
		for (size_t j = i; j < pg->nitems; j++) {
			if (done[j] || pg->items[j].dose_at != from)
				continue;
			done[j] = true;
			const struct pst_exercise *e = pg->items[j].ex;
			const struct pst_prog_entry *en = pst_progression_find(pr, e->id);
			if (!en)
				continue;
			const struct pst_exercise *sh = &ex[e - c->ex];
			struct state *s = &st[j];
			s->progressed = true;
			s->level = en->level;
			s->dose = pst_dose_at_level(&sh->dose, en->level);
			s->change = en->changed ? &en->last : NULL;
			if (en->moved_to && en->last.dir == PST_PROG_UP) {
				s->level = pst_dose_levels(&sh->dose) - 1;
				s->dose = pst_dose_at_level(&sh->dose, s->level);
				s->words = "At the top of the dose your clinician set: ask them before "
					   "moving on to a harder version.";
			} else if (en->moved_to && en->last.dir == PST_PROG_DOWN) {
				const struct pst_exercise *v = pst_catalog_find(c, en->moved_to->id);
				const char *id, *why;
				const struct pst_rule *rule;
		const struct pst_cites *src;
				if (v && !in_programme(pg, v) &&
				    !pst_plan_exclusion(v, p, screen, &id, &why, &rule, &src)) {
					const struct pst_prog_entry *ve = pst_progression_find(pr, v->id);
					s->ex = v;
					s->replaces = e;
					s->level = ve ? ve->level : 0;
					s->dose = ve ? pst_dose_at_level(&ex[v - c->ex].dose, s->level)
						     : pst_dose_start(&v->dose);
				} else {
					s->level = 0;
					s->dose = pg->items[j].dose;
					s->words = "It is at the dose your clinician set and there is no "
						   "easier version for you now: go gently, and if it keeps "
						   "hurting, leave it out and tell your clinician.";
				}
			}
			/* The change lives in pr: copy it with its words into the plan's arena. */
			if (s->change) {
				struct pst_prog_change *ch = pst_arena_alloc(a, sizeof *ch);
				if (!ch)
					goto fail_pr;
				*ch = *s->change;
				ch->from_ex = pst_catalog_find(c, ch->from_ex->id);
				ch->to_ex = pst_catalog_find(c, ch->to_ex->id);
				const char *w = s->words ? s->words : ch->reason;
				if (w && !(ch->reason = pst_arena_strdup(a, w)))
					goto fail_pr;
				s->change = ch;
			}
			continue;
		fail_pr:
			pst_progression_free(pr);
			goto out;
		}
		pst_progression_free(pr);
	}
	err = PST_OK;
out:
	free(ex);
	free(done);
	return err;
}

/* The source of arrays rec (NULL: none when there are no sessions, as before); copy and
 * buf are the caller's. */
static const struct pst_programme_source *records_source(const struct pst_programme_records *rec,
							 struct pst_programme_records *copy,
							 struct pst_programme_source *buf)
{
	if (!rec || !rec->nsessions)
		return NULL;
	*copy = *rec;
	*buf = (struct pst_programme_source){feed_records, copy};
	return buf;
}

int pst_programme_doses(const struct pst_programme *pg, const struct pst_catalog *c,
			const struct pst_profile *p, const struct pst_screen_result *screen,
			const struct pst_programme_records *rec, struct pst_arena *a,
			struct pst_programme_dose *out)
{
	struct state *st = calloc(pg->nitems ? pg->nitems : 1, sizeof *st);
	if (!st)
		return PST_ENOMEM;
	struct pst_programme_records copy;
	struct pst_programme_source buf;
	int err = progress(pg, c, p, screen, records_source(rec, &copy, &buf), a, st);
	for (size_t i = 0; !err && i < pg->nitems; i++)
		out[i] = (struct pst_programme_dose){st[i].ex, st[i].dose, st[i].change};
	free(st);
	return err;
}

static const struct pst_plan_excluded *old_excluded(const struct pst_plan *plan,
						    const struct pst_exercise *e)
{
	for (size_t i = 0; i < plan->nexcluded; i++)
		if (plan->excluded[i].ex == e)
			return &plan->excluded[i];
	return NULL;
}

int pst_programme_apply(const struct pst_programme *pg, const struct pst_catalog *c,
			const struct pst_profile *p, const struct pst_screen_result *screen,
			const struct pst_programme_records *rec, struct pst_plan *plan)
{
	struct pst_programme_records copy;
	struct pst_programme_source buf;
	return pst_programme_apply_from(pg, c, p, screen, records_source(rec, &copy, &buf), plan);
}

int pst_programme_apply_from(const struct pst_programme *pg, const struct pst_catalog *c,
			     const struct pst_profile *p, const struct pst_screen_result *screen,
			     const struct pst_programme_source *source, struct pst_plan *plan)
{
	struct pst_arena *a = plan->arena;
	size_t n = c->n ? c->n : 1;
	struct pst_plan_item *items = pst_arena_alloc(a, n * sizeof *items);
	struct pst_plan_excluded *excl = pst_arena_alloc(a, n * sizeof *excl);
	struct state *st = calloc(pg->nitems ? pg->nitems : 1, sizeof *st);
	const char **warnings = pst_arena_alloc(a, (plan->nwarnings + pg->nitems + 1) * sizeof *warnings);
	int err = PST_ENOMEM;
	if (!items || !excl || !st || !warnings)
		goto out;
	if ((err = progress(pg, c, p, screen, source, a, st)))
		goto out;
	err = PST_ENOMEM;
	size_t ni = 0, nw = 0;
	for (size_t i = 0; i < pg->nitems; i++) {
		const struct pst_programme_item *it = &pg->items[i];
		const struct state *s = &st[i];
		const char *id, *why;
		const struct pst_rule *rule;
		const struct pst_cites *src;
		bool out_now = pst_plan_exclusion(s->ex, p, screen, &id, &why, &rule, &src);
		bool overridden = out_now && s->ex == it->ex && it->reason && it->rule &&
				  strcmp(it->rule, id) == 0;
		if (out_now && !overridden) {
			/* The rules apply again today (the weeks moved on, new answers). */
			const char *w = pst_arena_printf(a,
							 "%s, from your clinician's programme, is left "
							 "out for now: %s Tell your clinician.",
							 s->ex->name, why);
			if (!w)
				goto out;
			warnings[nw++] = w;
			continue;
		}
		for (size_t k = 0; k < ni; k++)
			if (items[k].ex == s->ex)
				goto next; /* a variant that is there already */
		struct pst_plan_item *pi = &items[ni++];
		*pi = (struct pst_plan_item){.ex = s->ex, .dose = s->dose};
		pi->seconds = pst_dose_seconds(&pi->dose);
		pi->why = "Your clinician chose it for you.";
		pi->note = it->note;
		pi->replaces = s->replaces;
		pi->progressed = s->progressed;
		pi->level = s->level;
		pi->progression = s->change;
		if (overridden) {
			pi->override_rule = it->rule;
			pi->override_reason = it->reason;
		}
		pi->ncautions = pst_rules_cautions(s->ex, p, pi->cautions, PST_PLAN_MAX_CAUTIONS);
		if (pi->ncautions > PST_PLAN_MAX_CAUTIONS)
			pi->ncautions = PST_PLAN_MAX_CAUTIONS;
	next:;
	}
	/* The left-out list: every catalogue exercise not in the programme. */
	size_t ne = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		bool in = false;
		for (size_t k = 0; k < ni; k++)
			in |= items[k].ex == e;
		if (in)
			continue;
		const char *id, *why;
		const struct pst_rule *rule;
		const struct pst_cites *src;
		const struct pst_plan_excluded *old = old_excluded(plan, e);
		if (pst_plan_exclusion(e, p, screen, &id, &why, &rule, &src)) {
			if (old && strcmp(old->rule, id) == 0) {
				excl[ne] = *old;
				excl[ne].replaced_by = NULL;
				for (size_t k = 0; k < ni; k++)
					if (items[k].replaces == e)
						excl[ne].replaced_by = items[k].ex;
			} else {
				excl[ne] = (struct pst_plan_excluded){
					.ex = e, .rule = id, .reason = why, .by_rule = rule, .sources = src};
			}
			ne++;
			continue;
		}
		excl[ne++] = (struct pst_plan_excluded){
			.ex = e, .rule = "not-in-programme",
			.reason = "Your clinician's programme does not include it."};
	}
	/* Optional floor work stays optional, unless the programme has it. */
	size_t no = 0;
	for (size_t i = 0; i < plan->noptional; i++) {
		bool in = false;
		for (size_t k = 0; k < ni; k++)
			in |= items[k].ex == plan->optional[i].ex;
		if (!in)
			plan->optional[no++] = plan->optional[i];
	}
	plan->noptional = no;
	for (size_t i = 0; i < ne; i++)
		if (plan->optional && excl[i].optional) {
			bool still = false;
			for (size_t k = 0; k < no; k++)
				still |= plan->optional[k].ex == excl[i].ex;
			excl[i].optional = still;
		}
	memcpy(warnings + nw, plan->warnings, plan->nwarnings * sizeof *warnings);
	plan->warnings = warnings;
	plan->nwarnings += nw;
	plan->items = items;
	plan->nitems = ni;
	plan->excluded = excl;
	plan->nexcluded = ne;
	plan->estimated_s = 0;
	for (size_t i = 0; i < ni; i++)
		plan->estimated_s += items[i].seconds;
	if (plan->estimated_s > plan->budget_s)
		plan->budget_s = plan->estimated_s;
	plan->assigned = true;
	plan->programme_note = pg->note ? pst_arena_strdup(a, pg->note) : NULL;
	plan->programme_at = pg->at;
	if (pg->note && !plan->programme_note)
		goto out;
	/* The notes and reasons belong to pg: copy them into the plan. */
	for (size_t i = 0; i < ni; i++) {
		struct pst_plan_item *pi = &items[i];
		if ((pi->note && !(pi->note = pst_arena_strdup(a, pi->note))) ||
		    (pi->override_rule && !(pi->override_rule = pst_arena_strdup(a, pi->override_rule))) ||
		    (pi->override_reason &&
		     !(pi->override_reason = pst_arena_strdup(a, pi->override_reason))))
			goto out;
	}
	pst_plan_relief(plan);
	err = PST_OK;
out:
	free(st);
	return err;
}
