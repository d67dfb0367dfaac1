/* Attention: the reasons a clinician should look at a patient, from a summary of the
 * patient's records (attention.h). */
#include "attention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "planner.h"

/* Comparisons of means of whole numbers: "exactly 2 points" meets the threshold. */
#define EPS 1e-9

static const char *const attention_words[PST_ATT__MAX] = {"red-flag", "pain-up", "hurt", "missed"};
const struct pst_vocab pst_vocab_attention = {"attention reason", attention_words, PST_ATT__MAX};

static const char *const trend_words[PST_TREND__MAX] = {"unknown", "down", "steady", "up"};
const struct pst_vocab pst_vocab_trend = {"pain trend", trend_words, PST_TREND__MAX};

const char *pst_attention_outcome_words(enum pst_outcome o)
{
	static const char *const w[PST_OUT__MAX] = {
		[PST_OUT_EMERGENCY] = "emergency",
		[PST_OUT_SAME_DAY] = "needs care today",
		[PST_OUT_SEE_PROVIDER] = "to see a provider before exercising",
		[PST_OUT_CLEARANCE] = "needs a provider's clearance",
		[PST_OUT_NOTE] = "a note for the next appointment",
		[PST_OUT_INCOMPLETE] = "answers incomplete",
		[PST_OUT_CLEAR] = "clear",
	};
	/* An unknown outcome is a bug; the safe reading is "get checked". */
	if ((int)o < 0 || o >= PST_OUT__MAX)
		return w[PST_OUT_SEE_PROVIDER];
	return w[o];
}

/* --- the summary from the records ------------------------------------------------ */

/* Whether reading (epoch, checkin?, id) comes after the one kept so far: the later time;
 * at the same second a check-in before a session's pain, then the larger id (the store's
 * query orders them the same way). */
static bool later(int64_t epoch, int kind, int64_t id, int64_t best_epoch, int best_kind,
		  int64_t best_id)
{
	if (epoch != best_epoch)
		return epoch > best_epoch;
	if (kind != best_kind)
		return kind < best_kind;
	return id > best_id;
}

void pst_patient_summary_from_records(const struct pst_attention_records *rec, int64_t today,
				      struct pst_patient_summary *out)
{
	memset(out, 0, sizeof *out);
	if (rec->profile) {
		out->has_profile = true;
		out->stage = rec->profile->p.stage;
		out->anchor_day = rec->profile->anchor_day;
		out->minutes = rec->profile->p.minutes;
		out->plan_start_day = pst_time_day(rec->profile->updated);
		for (size_t i = 0; i < rec->nminutes; i++)
			if (i == 0 || rec->minutes[i].day < out->plan_start_day)
				out->plan_start_day = rec->minutes[i].day;
	}
	if (rec->screening_answers) {
		out->has_screening = true;
		out->screening_answers = rec->screening_answers;
		out->screening_stages = rec->screening_stages;
		out->screened_at = rec->screened_at;
	}

	/* The last pain reading on or before today: kind 0 a check-in, 1 a session. */
	int64_t best_epoch = 0, best_id = 0;
	int best_kind = 0;
	for (size_t i = 0; i < rec->ncheckins; i++) {
		const struct pst_checkin *c = &rec->checkins[i];
		if (pst_time_day(c->at) > today)
			continue;
		if (!out->has_pain || later(c->at.epoch, 0, c->id, best_epoch, best_kind, best_id)) {
			out->has_pain = true;
			best_epoch = c->at.epoch, best_kind = 0, best_id = c->id;
			out->last_pain = c->pain;
			out->last_pain_at = c->at;
		}
	}
	for (size_t i = 0; i < rec->nsessions; i++) {
		const struct pst_session_log *l = &rec->sessions[i];
		if (pst_time_day(l->at) > today)
			continue;
		if (!out->has_pain || later(l->at.epoch, 1, l->id, best_epoch, best_kind, best_id)) {
			out->has_pain = true;
			best_epoch = l->at.epoch, best_kind = 1, best_id = l->id;
			out->last_pain = l->pain_before;
			out->last_pain_at = l->at;
		}
	}
	if (out->has_pain) {
		int64_t last = pst_time_day(out->last_pain_at);
		int64_t lo = last - PST_ATTENTION_PAIN_BASE_DAYS;
		for (size_t i = 0; i < rec->ncheckins; i++) {
			int64_t d = pst_time_day(rec->checkins[i].at);
			if (d >= lo && d < last) {
				out->base_count++;
				out->base_sum += rec->checkins[i].pain;
			}
		}
		for (size_t i = 0; i < rec->nsessions; i++) {
			int64_t d = pst_time_day(rec->sessions[i].at);
			if (d >= lo && d < last) {
				out->base_count++;
				out->base_sum += rec->sessions[i].pain_before;
			}
		}
	}

	int64_t monday = pst_day_monday(today), hurt_from = today - (PST_ATTENTION_HURT_DAYS - 1);
	int64_t hurt_epoch = 0, hurt_id = 0;
	size_t hurt_seq = 0;
	for (size_t i = 0; i < rec->nsessions; i++) {
		const struct pst_session_log *l = &rec->sessions[i];
		int64_t d = pst_time_day(l->at);
		if (d > today)
			continue;
		if (d >= monday)
			out->sessions_week++;
		if (d < hurt_from)
			continue;
		for (size_t k = 0; k < l->nex; k++) {
			if (l->ex[k].feedback != PST_FB_HURT)
				continue;
			/* The latest: the later session (then the larger id), the later exercise. */
			bool newer = !out->hurt_count || l->at.epoch > hurt_epoch ||
				     (l->at.epoch == hurt_epoch &&
				      (l->id > hurt_id || (l->id == hurt_id && k >= hurt_seq)));
			out->hurt_count++;
			if (newer) {
				hurt_epoch = l->at.epoch, hurt_id = l->id, hurt_seq = k;
				out->hurt_day = d;
				out->hurt_exercise = l->ex[k].id;
			}
		}
	}
}

/* --- the reasons ------------------------------------------------------------------- */

static int add_reason(struct pst_attention *a, size_t cap, enum pst_attention_kind kind, int rank,
		      const char *text)
{
	if (!text || a->nreasons >= cap)
		return PST_ENOMEM;
	a->reasons[a->nreasons++] = (struct pst_attention_reason){kind, rank, text};
	return PST_OK;
}

/* --- the safety answers, evaluated once per distinct set ---------------------------- */

enum { MEMO_MAX = 32 };

struct memo_entry {
	char *answers;
	unsigned stages;
	int weeks;
	bool unreadable; /* the answers do not parse with today's questions */
	enum pst_outcome outcome;
	const struct pst_question **flags; /* malloc'd */
	size_t nflags;
};

struct pst_attention_memo {
	struct memo_entry v[MEMO_MAX];
	size_t n;
};

struct pst_attention_memo *pst_attention_memo_new(void)
{
	return calloc(1, sizeof(struct pst_attention_memo));
}

void pst_attention_memo_free(struct pst_attention_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].answers);
		free(m->v[i].flags);
	}
	free(m);
}

/* Evaluates answers for stages at weeks into e (e->answers not set here). */
static int evaluate(const struct pst_questions *q, const char *answers, unsigned stages, int weeks,
		    struct memo_entry *e)
{
	e->stages = stages;
	e->weeks = weeks;
	e->outcome = PST_OUT_INCOMPLETE;
	struct pst_answers ans = {0};
	struct pst_diags d = {0};
	int err = pst_answers_parse_json(q, "screening", answers, strlen(answers), &ans, &d);
	pst_diags_clear(&d);
	if (err) { /* the questions changed since: they will be asked again */
		e->unreadable = true;
		return err == PST_ENOMEM ? err : PST_OK;
	}
	struct pst_screen_result res;
	err = pst_screen_evaluate_at(q, &ans, stages, weeks, &res);
	pst_answers_free(&ans);
	if (err)
		return err;
	e->outcome = res.outcome;
	if (res.nreasons) {
		if (!(e->flags = malloc(res.nreasons * sizeof *e->flags))) {
			pst_screen_result_free(&res);
			return PST_ENOMEM;
		}
		memcpy(e->flags, res.reasons, res.nreasons * sizeof *e->flags);
		e->nflags = res.nreasons;
	}
	pst_screen_result_free(&res);
	return PST_OK;
}

/* The saved answers evaluated: the outcome and the questions answered yes. */
static int screening(struct pst_attention *a, const struct pst_questions *q,
		     const struct pst_patient_summary *s, int64_t today, struct pst_attention_memo *m)
{
	if (!s->has_screening || !s->screening_answers)
		return PST_OK;
	a->screened = true;
	a->screened_at = s->screened_at;
	/* The stages the answers were given for, at the profile's weeks when it is of
	 * those stages: a yes counts whenever it was given. */
	unsigned stages = s->screening_stages ? s->screening_stages : PST_BIT(PST_STAGE__MAX) - 1;
	int weeks = -1;
	if (s->has_profile && stages == PST_BIT(s->stage)) {
		struct pst_saved_profile sp = {.anchor_day = s->anchor_day};
		pst_profile_init(&sp.p);
		sp.p.has_stage = true;
		sp.p.stage = s->stage;
		weeks = pst_saved_profile_today(&sp, today).weeks;
	}
	struct memo_entry own = {0}, *e = NULL;
	for (size_t i = 0; m && i < m->n && !e; i++)
		if (m->v[i].stages == stages && m->v[i].weeks == weeks &&
		    strcmp(m->v[i].answers, s->screening_answers) == 0)
			e = &m->v[i];
	if (!e) {
		int err = evaluate(q, s->screening_answers, stages, weeks, &own);
		if (err) {
			free(own.flags);
			return err;
		}
		e = &own;
		if (m && m->n < MEMO_MAX && (own.answers = strdup(s->screening_answers))) {
			m->v[m->n] = own;
			e = &m->v[m->n++];
			own.flags = NULL; /* the memo's now */
		}
	}
	a->outcome = e->unreadable ? PST_OUT_INCOMPLETE : e->outcome;
	int err = PST_OK;
	if (e->nflags) {
		if ((a->flags = pst_arena_alloc(a->arena, e->nflags * sizeof *a->flags))) {
			memcpy(a->flags, e->flags, e->nflags * sizeof *a->flags);
			a->nflags = e->nflags;
		} else {
			err = PST_ENOMEM;
		}
	}
	free(own.flags);
	return err;
}

static bool plan_expected(const struct pst_attention *a, const struct pst_patient_summary *s)
{
	/* No plan without a profile, without usable answers, or when they send the patient
	 * to a professional: then no session is expected. */
	return s->has_profile && a->screened && a->outcome != PST_OUT_INCOMPLETE &&
	       !pst_outcome_is_referral(a->outcome) &&
	       !(a->nflags && pst_outcome_is_referral(a->flags[0]->outcome));
}

static void week(struct pst_attention *a, const struct pst_patient_summary *s, int64_t today)
{
	a->done = s->sessions_week;
	if (!plan_expected(a, s))
		return;
	int64_t monday = pst_day_monday(today);
	int wd = (int)(today - monday), before = 0;
	a->planned = pst_plan_sessions_per_week(s->minutes);
	for (int d = 0; d < PST_DAYS; d++) {
		if (!pst_plan_is_session_day(s->minutes, d) || monday + d < s->plan_start_day)
			continue;
		if (d <= wd)
			a->planned_so_far++;
		if (d < wd)
			before++;
	}
	a->missed = before > a->done ? before - a->done : 0;
}

static void pain(struct pst_attention *a, const struct pst_patient_summary *s)
{
	if (!s->has_pain || s->base_count <= 0)
		return;
	a->base_mean = (double)s->base_sum / s->base_count;
	a->change = s->last_pain - a->base_mean;
	double size = a->change < 0 ? -a->change : a->change;
	/* Childs 2005 (CLINICAL.md section 8): 2 points, or about 30% of where it was. */
	bool big = size >= PST_NPRS_MEANINGFUL_POINTS - EPS ||
		   (a->base_mean > 0 && size >= PST_NPRS_MEANINGFUL_FRACTION * a->base_mean - EPS);
	a->trend = !big ? PST_TREND_STEADY : a->change > 0 ? PST_TREND_UP : PST_TREND_DOWN;
}

int pst_attention_build(const struct pst_questions *q, const struct pst_catalog *c,
			const struct pst_patient_summary *s, int64_t today,
			struct pst_attention_memo *memo, struct pst_attention *out)
{
	memset(out, 0, sizeof *out);
	out->outcome = PST_OUT_INCOMPLETE;
	out->rank = PST_ATT_RANK_NONE;
	if (!(out->arena = pst_arena_new()))
		return PST_ENOMEM;
	int err = screening(out, q, s, today, memo);
	if (err)
		goto fail;
	pain(out, s);
	week(out, s, today);

	size_t cap = out->nflags + 3;
	out->reasons = pst_arena_alloc(out->arena, cap * sizeof *out->reasons);
	if (!out->reasons) {
		err = PST_ENOMEM;
		goto fail;
	}
	struct pst_arena *ar = out->arena;
	char day[16], day2[16];
	pst_day_format(pst_time_day(out->screened_at), day, sizeof day);
	for (size_t i = 0; i < out->nflags && !err; i++) {
		const struct pst_question *qn = out->flags[i];
		err = add_reason(out, cap, PST_ATT_RED_FLAG, (int)qn->outcome,
				 pst_arena_printf(ar, "Red flag (%s): answered yes to \"%s\" on %s.",
						  pst_attention_outcome_words(qn->outcome), qn->question,
						  day));
	}
	if (!err && out->trend == PST_TREND_UP) {
		pst_day_format(pst_time_day(s->last_pain_at), day, sizeof day);
		err = add_reason(out, cap, PST_ATT_PAIN_UP, PST_ATT_RANK_PAIN_UP,
				 pst_arena_printf(ar,
						  "Pain up: %d/10 on %s, from an average of %.1f over "
						  "the %d days before (a meaningful change is 2 points "
						  "or about 30%%).",
						  s->last_pain, day, out->base_mean,
						  PST_ATTENTION_PAIN_BASE_DAYS));
	}
	if (!err && s->hurt_count > 0) {
		const struct pst_exercise *e =
			c && s->hurt_exercise ? pst_catalog_find(c, s->hurt_exercise) : NULL;
		const char *name = e ? e->name : s->hurt_exercise ? s->hurt_exercise : "an exercise";
		pst_day_format(s->hurt_day, day2, sizeof day2);
		err = add_reason(out, cap, PST_ATT_HURT, PST_ATT_RANK_HURT,
				 s->hurt_count == 1
					 ? pst_arena_printf(ar, "\"It hurt\": %s on %s.", name, day2)
					 : pst_arena_printf(ar,
							    "\"It hurt\" %d times in the last %d days, "
							    "the latest %s on %s.",
							    s->hurt_count, PST_ATTENTION_HURT_DAYS, name,
							    day2));
	}
	if (!err && out->missed > 0) {
		int before = out->done + out->missed;
		err = add_reason(out, cap, PST_ATT_MISSED, PST_ATT_RANK_MISSED,
				 pst_arena_printf(ar,
						  "Sessions missed this week: %d done of the %d planned "
						  "before today (%d a week).",
						  out->done, before, out->planned));
	}
	if (err)
		goto fail;
	out->rank = out->nreasons ? out->reasons[0].rank : PST_ATT_RANK_NONE;
	return PST_OK;
fail:
	pst_attention_free(out);
	out->rank = PST_ATT_RANK_NONE;
	return err;
}

void pst_attention_free(struct pst_attention *a)
{
	if (!a)
		return;
	pst_arena_free(a->arena);
	memset(a, 0, sizeof *a);
}

int pst_attention_cmp(const struct pst_attention *a, const struct pst_attention *b)
{
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->nreasons != b->nreasons)
		return a->nreasons > b->nreasons ? -1 : 1;
	return 0;
}
