/* The use cases both front ends share: the clock, the saved profile, screening, the plan. */
#include "app.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int pst_app_now(struct pst_time *now)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	now->epoch = (int64_t)t;
	now->offset_min = (int)(tm.tm_gmtoff / 60);
	const char *fixed = getenv("POSTURA_NOW");
	if (fixed && *fixed) {
		struct pst_time f;
		if (pst_time_parse(fixed, now->offset_min, &f) != PST_OK)
			return PST_EINVAL;
		*now = f;
	}
	return PST_OK;
}

int pst_app_profile(struct pst_store *s, int64_t today, struct pst_saved_profile *sp,
		    struct pst_profile *p, bool *found)
{
	struct pst_saved_profile got;
	int err = s->ops->profile_get(s, &got, found);
	if (err || !*found)
		return err;
	*sp = got;
	*p = pst_saved_profile_today(&got, today);
	return PST_OK;
}

int pst_app_screening(struct pst_store *s, const struct pst_questions *q,
		      const struct pst_saved_profile *sp, const struct pst_profile *p,
		      int64_t today, struct pst_screen_result *res, struct pst_app_screened *st)
{
	memset(st, 0, sizeof *st);
	struct pst_saved_screening sc;
	int err = s->ops->screening_get(s, &sc, &st->found);
	if (err || !st->found)
		return err;
	st->at = sc.at;
	st->stages = sc.stages;
	bool has_stage = sp && sp->p.has_stage;
	st->stale = pst_screen_staleness(pst_time_day(sc.at), today, has_stage,
					 has_stage ? sp->p.stage : PST_STAGE_PREGNANCY,
					 has_stage ? sp->anchor_day : 0);
	struct pst_answers a = {0};
	struct pst_diags d = {0};
	err = pst_answers_parse_json(q, "screening", sc.answers, strlen(sc.answers), &a, &d);
	pst_diags_clear(&d);
	free(sc.answers);
	if (err == PST_ENOMEM)
		return err;
	if (err) { /* a question was removed since: ask again */
		st->changed = true;
		return PST_OK;
	}
	if (st->stale != PST_FRESH) {
		pst_answers_free(&a);
		return PST_OK;
	}
	bool known = p && p->has_stage;
	err = pst_screen_evaluate_at(q, &a, known ? PST_BIT(p->stage) : sc.stages,
				     known ? p->weeks : -1, res);
	pst_answers_free(&a);
	st->usable = err == PST_OK;
	return err;
}

int pst_app_screening_save(struct pst_store *s, const struct pst_questions *q,
			   const struct pst_answers *a, unsigned stages, struct pst_time now)
{
	json_t *o = json_object();
	if (!o)
		return PST_ENOMEM;
	for (size_t i = 0; i < q->n && i < a->n; i++)
		if ((a->v[i] == PST_ANS_YES || a->v[i] == PST_ANS_NO) &&
		    json_object_set_new(o, q->v[i].id, json_boolean(a->v[i] == PST_ANS_YES))) {
			json_decref(o);
			return PST_ENOMEM;
		}
	char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (!text)
		return PST_ENOMEM;
	struct pst_saved_screening sc = {.stages = stages, .answers = text, .at = now};
	int err = s->ops->screening_put(s, &sc);
	free(text);
	return err;
}

/* read_each's callback: the check-ins, then the sessions (in time order), into the replay. */
static int progression_part(void *ctx, const struct pst_record_set *part)
{
	struct pst_prog_builder *b = ctx;
	int err = pst_progression_add_checkins(b, part->checkins, part->ncheckins);
	return err ? err : pst_progression_add_sessions(b, part->sessions, part->nsessions);
}

int pst_app_progression(struct pst_store *s, const struct pst_catalog *c,
			const struct pst_profile *p, struct pst_progression **out)
{
	/* 1,024 records at a time: the replay keeps only the check-ins (24 bytes each), so a store of
	 * any size fits in the export's memory bound (docs/export.md). */
	struct pst_prog_builder *b = NULL;
	*out = NULL;
	int err = pst_progression_begin(c, p, &b);
	if (err)
		return err;
	err = s->ops->read_each(s, 0, 1024, progression_part, b);
	if (err) {
		pst_progression_abort(b);
		return err;
	}
	return pst_progression_finish(b, out);
}

int pst_app_plan(struct pst_store *s, const struct pst_catalog *c, const struct pst_tips *t,
		 const struct pst_profile *p, const struct pst_screen_result *screen,
		 struct pst_plan **out)
{
	struct pst_progression *prog = NULL;
	*out = NULL;
	int err = pst_app_progression(s, c, p, &prog);
	if (!err)
		err = pst_plan_build(c, t, p, screen, prog, out);
	pst_progression_free(prog);
	return err;
}

int pst_app_saved_plan(struct pst_store *s, const struct pst_catalog *c, const struct pst_tips *t,
		       const struct pst_questions *q, int64_t today, struct pst_plan **out)
{
	struct pst_saved_profile sp;
	struct pst_profile p;
	struct pst_screen_result res;
	struct pst_app_screened st = {0};
	bool found = false;
	*out = NULL;
	int err = pst_app_profile(s, today, &sp, &p, &found);
	if (err || !found)
		return err;
	if ((err = pst_app_screening(s, q, &sp, &p, today, &res, &st)))
		return err;
	if (st.found && !st.usable)
		return PST_OK; /* asked again: no plan until they are answered */
	err = pst_app_plan(s, c, t, &p, st.usable ? &res : NULL, out);
	if (!err && st.usable) {
		(*out)->has_screened_at = true;
		(*out)->screened_at = st.at;
	}
	if (st.usable)
		pst_screen_result_free(&res);
	return err == PST_EREFERRAL ? PST_OK : err;
}

int pst_app_reminder_plan(struct pst_store *s, const struct pst_catalog *c, const struct pst_tips *t,
		       const struct pst_questions *q, int64_t today, struct pst_saved_profile *sp,
		       struct pst_profile *p, bool *found, struct pst_plan **out)
{
	*out = NULL;
	int err = pst_app_profile(s, today, sp, p, found);
	if (err || !*found)
		return err;
	struct pst_screen_result res;
	struct pst_app_screened st = {0};
	if ((err = pst_app_screening(s, q, sp, p, today, &res, &st)))
		return err;
	if (st.found && !st.usable)
		return PST_EREFERRAL;
	err = pst_app_plan(s, c, t, p, st.usable ? &res : NULL, out);
	if (!err && st.usable) {
		(*out)->has_screened_at = true;
		(*out)->screened_at = st.at;
	}
	if (st.usable)
		pst_screen_result_free(&res);
	return err;
}

int pst_app_report_read(struct pst_store *s, const struct pst_catalog *c, int64_t since,
			int64_t today, bool full, struct pst_app_report *out)
{
	memset(out, 0, sizeof *out);
	out->since = since;
	/* The progression follows every session since the first, whatever the range. */
	int err = full ? s->ops->read_all(s, INT64_MIN, 0, &out->rs)
		       : s->ops->read_all(s, since, PST_READ_NO_SESSION_EXERCISES, &out->rs);
	if (err)
		return err;
	const struct pst_record_set *rs = &out->rs;
	struct pst_history_input in = {
		.checkins = rs->checkins, .ncheckins = rs->ncheckins,
		.sessions = rs->sessions, .nsessions = rs->nsessions,
		.psfs = rs->psfs, .npsfs = rs->npsfs,
		.profile = rs->has_profile ? &rs->profile : NULL,
		.minutes = rs->minutes, .nminutes = rs->nminutes,
		.since = since, .today = today,
	};
	if ((err = pst_history_build(&in, &out->h)))
		return err;
	size_t first = 0, last = rs->nsessions;
	while (first < last && pst_time_day(rs->sessions[first].at) < out->h->since)
		first++;
	while (last > first && pst_time_day(rs->sessions[last - 1].at) > out->h->today)
		last--;
	out->sessions = rs->sessions + first;
	out->nsessions = last - first;
	if (rs->has_profile) {
		out->today = pst_saved_profile_today(&rs->profile, today);
		if (full)
			err = pst_progression_build(c, &out->today, rs->checkins, rs->ncheckins,
						    rs->sessions, rs->nsessions, &out->prog);
	}
	return err;
}

void pst_app_report_free(struct pst_app_report *r)
{
	pst_progression_free(r->prog);
	pst_history_free(r->h);
	pst_record_set_free(&r->rs);
	memset(r, 0, sizeof *r);
}

/* --- a session saved, and what it changes ---------------------------------------- */

int pst_app_session_outcome(struct pst_store *s, const struct pst_catalog *c, int64_t today,
			    int64_t id, struct pst_app_session_outcome *out)
{
	memset(out, 0, sizeof *out);
	struct pst_record_set rs;
	int err = s->ops->read_all(s, INT64_MIN, 0, &rs);
	if (err)
		return err;
	struct pst_progression *before = NULL, *after = NULL;
	struct pst_session_log *others = NULL;
	const struct pst_session_log *log = NULL;
	size_t k = 0;
	for (size_t i = 0; i < rs.nsessions; i++)
		if (rs.sessions[i].id == id) {
			log = &rs.sessions[i];
			k = i;
		}
	err = PST_ENOTFOUND;
	if (!log)
		goto out;
	err = PST_ENOMEM;
	if (!(out->arena = pst_arena_new()))
		goto out;
	out->id = id;
	out->at = log->at;
	out->pain_before = log->pain_before;
	out->pain_after = log->pain_after;
	out->summary = pst_arena_printf(out->arena, "%zu exercise%s done. Pain %d/10 before, %d/10 after.",
					log->nex, log->nex == 1 ? "" : "s", log->pain_before,
					log->pain_after);
	out->advice = pst_pain_advice(log->pain_after);
	out->changes = pst_arena_alloc(out->arena, (log->nex ? log->nex : 1) * sizeof *out->changes);
	out->same = pst_arena_alloc(out->arena, (log->nex ? log->nex : 1) * sizeof *out->same);
	others = malloc((rs.nsessions ? rs.nsessions : 1) * sizeof *others);
	if (!out->summary || !out->changes || !out->same || !others)
		goto out;
	out->has_profile = rs.has_profile;
	if (!rs.has_profile) {
		err = PST_OK;
		goto out;
	}
	/* What this session changed: the replay with it against the replay without it. */
	struct pst_profile p = pst_saved_profile_today(&rs.profile, today);
	size_t nothers = 0;
	for (size_t i = 0; i < rs.nsessions; i++)
		if (i != k)
			others[nothers++] = rs.sessions[i];
	if ((err = pst_progression_build(c, &p, rs.checkins, rs.ncheckins, others, nothers, &before)) ||
	    (err = pst_progression_build(c, &p, rs.checkins, rs.ncheckins, rs.sessions, rs.nsessions,
					 &after)))
		goto out;
	err = PST_ENOMEM;
	for (size_t i = 0; i < log->nex; i++) {
		const struct pst_prog_entry *a = pst_progression_find(after, log->ex[i].id);
		const struct pst_prog_entry *b = pst_progression_find(before, log->ex[i].id);
		const struct pst_exercise *e = pst_catalog_find(c, log->ex[i].id);
		if (!a || !e)
			continue;
		bool changed = a->changed && (!b || !b->changed || b->last.seq != a->last.seq ||
					      b->last.day != a->last.day || b->level != a->level);
		if (changed) {
			const char *why = pst_arena_strdup(out->arena, a->last.reason);
			if (!why)
				goto out;
			out->changes[out->nchanges++] = (struct pst_app_change){e, why};
		} else {
			out->same[out->nsame++] = e;
		}
	}
	if (out->nsame)
		out->same_why = "Two sessions in a row that feel easy or about right, with pain at "
				"most 3/10, move an exercise up a step; sessions on the same day "
				"count as one.";
	err = PST_OK;
out:
	free(others);
	pst_progression_free(before);
	pst_progression_free(after);
	pst_record_set_free(&rs);
	return err;
}

int pst_app_session_save(struct pst_store *s, const struct pst_catalog *c, int64_t today,
			 const struct pst_session_log *log, struct pst_app_session_outcome *out)
{
	memset(out, 0, sizeof *out);
	int64_t id;
	int err = s->ops->session_add(s, log, &id);
	bool replayed = err == PST_EREPLAY;
	if (err && !replayed)
		return err;
	err = pst_app_session_outcome(s, c, today, id, out);
	out->id = id;
	out->replayed = replayed;
	return err;
}

void pst_app_session_outcome_free(struct pst_app_session_outcome *o)
{
	pst_arena_free(o->arena);
	memset(o, 0, sizeof *o);
}

/* --- this week's sessions ------------------------------------------------------------ */

int pst_app_week_read(struct pst_store *s, int64_t today, const bool *session_days,
		      int sessions_per_week, struct pst_app_week *out)
{
	memset(out, 0, sizeof *out);
	out->monday = pst_day_monday(today);
	out->planned = sessions_per_week;
	struct pst_record_set rs;
	int err = s->ops->read_all(s, out->monday, PST_READ_NO_SESSION_EXERCISES, &rs);
	if (err)
		return err;
	for (size_t i = 0; i < rs.nsessions; i++) {
		int64_t d = pst_time_day(rs.sessions[i].at);
		if (d >= out->monday && d <= today)
			out->sessions[d - out->monday]++;
	}
	pst_record_set_free(&rs);
	int wd = (int)(today - out->monday);
	for (int d = 0; d < 7; d++) {
		out->done += out->sessions[d];
		if (d <= wd && session_days && session_days[d])
			out->planned_so_far++;
	}
	out->today_done = out->sessions[wd] > 0;
	if (!(out->arena = pst_arena_new()))
		return PST_ENOMEM;
	int n = out->done;
	const char *ss = n == 1 ? "session" : "sessions";
	bool rest_day = session_days && !session_days[wd];
	if (n == 0)
		out->streak = pst_arena_printf(out->arena, "No session yet this week; your plan has %d.",
					       out->planned);
	else if (n > out->planned)
		out->streak = pst_arena_printf(out->arena, "%d %s this week, more than the %d planned.",
					       n, ss, out->planned);
	else if (n >= out->planned_so_far)
		out->streak = pst_arena_printf(out->arena, "%d %s this week, as planned.", n, ss);
	else
		out->streak = pst_arena_printf(out->arena, "%d %s this week so far; your plan has %d.", n,
					       ss, out->planned);
	/* Encouragement: what was done counts; nothing is ever "missed" or "behind". */
	if (out->today_done)
		out->encouragement = "Well done for making time for your back today.";
	else if (rest_day)
		out->encouragement = "A rest day: the relief break is there whenever your back aches.";
	else if (n == 0)
		out->encouragement = "Any day is a good day to begin: even a few minutes help.";
	else if (n >= out->planned_so_far)
		out->encouragement = "A steady rhythm like this is what helps a back most.";
	else
		out->encouragement = "Every session counts, whenever it fits around your days.";
	return out->streak ? PST_OK : PST_ENOMEM;
}

void pst_app_week_free(struct pst_app_week *w)
{
	pst_arena_free(w->arena);
	memset(w, 0, sizeof *w);
}
