/* The use cases both front ends share: the clock, the saved profile, screening, the plan. */
#include "app.h"

#include <jansson.h>
#include <stdio.h>
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

/* read_each's callback: the sessions (in time order) into the replay. */
static int progression_part(void *ctx, const struct pst_record_set *part)
{
	return pst_progression_add_sessions(ctx, part->sessions, part->nsessions);
}

/* The person's records without their check-ins (rs, from since_day, with flags) and the
 * check-ins summed by day from days_since: what a page holds grows with the days and
 * the sessions, never with the check-ins. Both empty on error. */
static int read_by_days(struct pst_store *s, int64_t since_day, unsigned flags, int64_t days_since,
			struct pst_record_set *rs, struct pst_checkin_days *days)
{
	memset(days, 0, sizeof *days);
	int err = s->ops->read_all(s, since_day, flags | PST_READ_NO_CHECKINS, rs);
	if (err)
		return err;
	if ((err = s->ops->checkin_days(s, days_since, days)))
		pst_record_set_free(rs);
	return err;
}

int pst_app_progression(struct pst_store *s, const struct pst_catalog *c,
			const struct pst_profile *p, struct pst_progression **out)
{
	/* The check-ins summed by day, then the sessions 1,024 at a time: the replay keeps one
	 * entry a day, so a store of any size fits in the export's memory bound
	 * (docs/export.md), and a page's memory does not grow with the check-ins. */
	struct pst_prog_builder *b = NULL;
	struct pst_checkin_days days;
	*out = NULL;
	int err = pst_progression_begin(c, p, &b);
	if (err)
		return err;
	if ((err = s->ops->checkin_days(s, INT64_MIN, &days))) {
		pst_progression_abort(b);
		return err;
	}
	err = pst_progression_add_days(b, days.v, days.n);
	pst_checkin_days_free(&days);
	if (!err)
		err = s->ops->read_each(s, PST_READ_NO_CHECKINS | PST_READ_SESSION_BASELINE, 1024,
					progression_part, b);
	if (err) {
		pst_progression_abort(b);
		return err;
	}
	return pst_progression_finish(b, out);
}

/* The programme's replay (core/programme.h) fed from the store a part at a time: the
 * check-ins summed by day, then the sessions at or after from. */
struct store_feed {
	struct pst_store *s;
	int64_t from;
	struct pst_prog_builder *b;
};

static int store_feed_part(void *ctx, const struct pst_record_set *part)
{
	struct store_feed *f = ctx;
	return pst_programme_feed(f->b, f->from, part->sessions, part->nsessions);
}

static int store_feed(void *ctx, int64_t from, struct pst_prog_builder *b)
{
	/* as pst_app_progression: the check-ins summed by day, then the sessions (with their
	 * same-day baseline) 1,024 at a time */
	struct store_feed f = {ctx, from, b};
	struct pst_checkin_days days;
	int err = f.s->ops->checkin_days(f.s, INT64_MIN, &days);
	if (err)
		return err;
	err = pst_progression_add_days(b, days.v, days.n);
	pst_checkin_days_free(&days);
	return err ? err
		   : f.s->ops->read_each(f.s, PST_READ_NO_CHECKINS | PST_READ_SESSION_BASELINE, 1024,
					 store_feed_part, &f);
}

/* Makes plan the assigned programme's (json, its stored form; NULL: none), its replay
 * reading the store a part at a time. A stored programme that no longer parses leaves
 * the planner's plan, with a warning. */
static int programme_onto(struct pst_store *s, const struct pst_catalog *c,
			  const struct pst_profile *p, const struct pst_screen_result *screen,
			  const char *json, struct pst_plan *plan)
{
	if (!json)
		return PST_OK;
	struct pst_programme *pg = NULL;
	struct pst_programme_error e;
	int err = pst_programme_parse(c, json, strlen(json), true, &pg, &e);
	if (err == PST_EINVAL) {
		const char **w = pst_arena_alloc(plan->arena, (plan->nwarnings + 1) * sizeof *w);
		if (!w)
			return PST_ENOMEM;
		w[0] = "Your clinician's programme could not be read, so this is the plan the app "
		       "made for you: tell your clinician.";
		memcpy(w + 1, plan->warnings, plan->nwarnings * sizeof *w);
		plan->warnings = w;
		plan->nwarnings++;
		return PST_OK;
	}
	if (err)
		return err;
	struct pst_programme_source src = {store_feed, s};
	err = pst_programme_apply_from(pg, c, p, screen, &src, plan);
	pst_programme_free(pg);
	return err;
}

/* The assigned programme's stored form (*json NULL: none; the caller frees it). */
static int assigned_json(struct pst_store *s, char **json)
{
	*json = NULL;
	if (!s->ops->programme_get)
		return PST_OK;
	struct pst_saved_programme sp = {0};
	bool found = false;
	int err = s->ops->programme_get(s, &sp, &found);
	if (err || !found) {
		free(sp.json);
		return err;
	}
	*json = sp.json;
	return PST_OK;
}

int pst_app_plan(struct pst_store *s, const struct pst_catalog *c, const struct pst_tips *t,
		 const struct pst_profile *p, const struct pst_screen_result *screen,
		 struct pst_plan **out)
{
	*out = NULL;
	/* The progression is replayed a part at a time, and so is an assigned programme's,
	 * so the plan of a store of any size fits in the export's memory bound
	 * (docs/export.md). */
	char *json = NULL;
	int err = assigned_json(s, &json);
	if (err)
		return err;
	struct pst_progression *prog = NULL;
	err = pst_app_progression(s, c, p, &prog);
	if (!err)
		err = pst_plan_build(c, t, p, screen, prog, out);
	pst_progression_free(prog);
	if (!err && (err = programme_onto(s, c, p, screen, json, *out))) {
		pst_plan_free(*out);
		*out = NULL;
	}
	free(json);
	return err;
}

int pst_app_programme_onto(struct pst_store *s, const struct pst_catalog *c,
			   const struct pst_profile *p, const struct pst_screen_result *screen,
			   struct pst_plan *plan)
{
	char *json = NULL;
	int err = assigned_json(s, &json);
	if (!err)
		err = programme_onto(s, c, p, screen, json, plan);
	free(json);
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
	/* The progression follows every session since the first, whatever the range. The
	 * check-ins come summed by day (the history needs no more of them). */
	int err = full ? read_by_days(s, INT64_MIN, PST_READ_SESSION_BASELINE, INT64_MIN, &out->rs,
				      &out->days)
		       : read_by_days(s, since, PST_READ_NO_SESSION_EXERCISES, since, &out->rs,
				      &out->days);
	if (err)
		return err;
	const struct pst_record_set *rs = &out->rs;
	struct pst_history_input in = {
		.days = out->days.v, .ndays = out->days.n,
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
			err = pst_progression_build_days(c, &out->today, out->days.v, out->days.n,
							 rs->sessions, rs->nsessions, &out->prog);
	}
	return err;
}

void pst_app_report_free(struct pst_app_report *r)
{
	pst_progression_free(r->prog);
	pst_history_free(r->h);
	pst_checkin_days_free(&r->days);
	pst_record_set_free(&r->rs);
	memset(r, 0, sizeof *r);
}

/* --- a session saved, and what it changes ---------------------------------------- */

int pst_app_session_outcome(struct pst_store *s, const struct pst_catalog *c, int64_t today,
			    int64_t id, struct pst_app_session_outcome *out)
{
	memset(out, 0, sizeof *out);
	struct pst_record_set rs;
	struct pst_checkin_days days;
	int err = read_by_days(s, INT64_MIN, PST_READ_SESSION_BASELINE, INT64_MIN, &rs, &days);
	if (err)
		return err;
	static const struct pst_checkin_day none;
	const struct pst_checkin_day *dv = days.n ? days.v : &none;
	struct pst_programme *pg = NULL;
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
	if ((err = pst_progression_build_days(c, &p, dv, days.n, others, nothers, &before)) ||
	    (err = pst_progression_build_days(c, &p, dv, days.n, rs.sessions, rs.nsessions, &after)))
		goto out;
	/* With an assigned programme, its exercises progress from the assigned doses. */
	struct pst_programme_dose *pb = NULL, *pa = NULL;
	if (rs.has_programme) {
		struct pst_programme_error pe;
		err = pst_programme_parse(c, rs.programme.json, strlen(rs.programme.json), true, &pg, &pe);
		if (err == PST_EINVAL)
			err = PST_OK;
		if (err)
			goto out;
	}
	if (pg) {
		struct pst_programme_records rb = {.sessions = others, .nsessions = nothers,
						   .days = dv, .ndays = days.n},
					     ra = {.sessions = rs.sessions, .nsessions = rs.nsessions,
						   .days = dv, .ndays = days.n};
		pb = pst_arena_alloc(out->arena, (pg->nitems + 1) * sizeof *pb);
		pa = pst_arena_alloc(out->arena, (pg->nitems + 1) * sizeof *pa);
		err = !pb || !pa ? PST_ENOMEM
				 : pst_programme_doses(pg, c, &p, NULL, &rb, out->arena, pb);
		if (!err)
			err = pst_programme_doses(pg, c, &p, NULL, &ra, out->arena, pa);
		if (err)
			goto out;
	}
	err = PST_ENOMEM;
	for (size_t i = 0; i < log->nex; i++) {
		size_t in = pg ? pg->nitems : 0;
		for (size_t j = 0; pg && j < pg->nitems; j++)
			if (strcmp(pg->items[j].ex->id, log->ex[i].id) == 0)
				in = j;
		if (pg && in < pg->nitems) {
			const struct pst_prog_change *ca = pa[in].change, *cb = pb[in].change;
			bool changed = ca && (!cb || ca->seq != cb->seq || ca->day != cb->day ||
					      pa[in].dose.reps.lo != pb[in].dose.reps.lo ||
					      pa[in].dose.sets.lo != pb[in].dose.sets.lo ||
					      pa[in].dose.hold_s.lo != pb[in].dose.hold_s.lo ||
					      pa[in].dose.breaths.lo != pb[in].dose.breaths.lo ||
					      pa[in].ex != pb[in].ex);
			if (changed && ca->reason)
				out->changes[out->nchanges++] =
					(struct pst_app_change){pg->items[in].ex, ca->reason};
			else
				out->same[out->nsame++] = pg->items[in].ex;
			continue;
		}
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
	pst_programme_free(pg);
	free(others);
	pst_progression_free(before);
	pst_progression_free(after);
	pst_checkin_days_free(&days);
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
	int err = s->ops->read_all(s, out->monday, PST_READ_NO_SESSION_EXERCISES | PST_READ_NO_CHECKINS,
				   &rs);
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

/* --- the programme a clinician assigns -------------------------------------------- */

const char *const pst_app_prog_status_words[] = {"ok", "no-profile", "answers-again", "referral"};

void pst_app_programme_free(struct pst_app_programme *ap)
{
	pst_programme_free(ap->pg);
	if (ap->screened)
		pst_screen_result_free(&ap->res);
	memset(ap, 0, sizeof *ap);
}

/* The saved programme parsed (NULL when none or no longer readable). */
static int saved_programme(struct pst_store *s, const struct pst_catalog *c,
			   struct pst_programme **out, struct pst_saved_programme *sv, bool *found)
{
	*out = NULL;
	int err = s->ops->programme_get(s, sv, found);
	if (err || !*found)
		return err;
	struct pst_programme_error e;
	err = pst_programme_parse(c, sv->json, strlen(sv->json), true, out, &e);
	free(sv->json);
	sv->json = NULL;
	return err == PST_EINVAL ? PST_OK : err;
}

int pst_app_programme_read(struct pst_store *s, const struct pst_catalog *c, const struct pst_tips *t,
			   const struct pst_questions *q, int64_t today, struct pst_app_programme *out)
{
	memset(out, 0, sizeof *out);
	struct pst_saved_profile sp;
	bool found = false;
	int err = pst_app_profile(s, today, &sp, &out->p, &found);
	if (err)
		return err;
	if (!found) {
		out->status = PST_APP_PROG_NO_PROFILE;
		out->why = "The patient has not saved their stage yet: the safety rules need it, so "
			   "no programme can be assigned until they have.";
		return PST_OK;
	}
	struct pst_app_screened st;
	if ((err = pst_app_screening(s, q, &sp, &out->p, today, &out->res, &st)))
		return err;
	out->screened = st.usable;
	if (st.found && !st.usable) {
		out->status = PST_APP_PROG_ANSWERS_AGAIN;
		out->why = st.changed ? "The safety questions changed since the patient answered "
					"them: they must answer them again before any programme."
				      : "The patient's safety answers must be given again (they are "
					"out of date for their stage): no programme until they have.";
		return PST_OK;
	}
	if (st.usable && (pst_outcome_is_referral(out->res.outcome) ||
			  out->res.outcome == PST_OUT_INCOMPLETE)) {
		out->status = PST_APP_PROG_REFERRAL;
		out->why = out->res.outcome == PST_OUT_INCOMPLETE
				   ? "The patient has not answered every safety question: no "
				     "programme until they have."
				   : pst_outcome_headline(out->res.outcome);
		return PST_OK;
	}
	struct pst_saved_programme sv = {0};
	bool has = false;
	if ((err = saved_programme(s, c, &out->pg, &sv, &has)))
		return err;
	out->assigned = has;
	out->by = sv.by;
	out->at = sv.at;
	if (!out->pg) { /* start from the planner's plan (and the progress recorded) */
		struct pst_plan *plan = NULL;
		struct pst_progression *prog = NULL;
		err = pst_app_progression(s, c, &out->p, &prog);
		if (!err)
			err = pst_plan_build(c, t, &out->p, out->screened ? &out->res : NULL, prog, &plan);
		pst_progression_free(prog);
		if (err == PST_EREFERRAL) { /* not reached: handled above */
			out->status = PST_APP_PROG_REFERRAL;
			out->why = pst_outcome_headline(out->res.outcome);
			return PST_OK;
		}
		if (err)
			return err;
		out->pg = pst_programme_from_plan(plan);
		pst_plan_free(plan);
		if (!out->pg)
			return PST_ENOMEM;
	}
	return PST_OK;
}

static json_t *excluded_by(const struct pst_app_programme *ap, const struct pst_exercise *e)
{
	const char *id, *why;
	const struct pst_rule *rule;
	const struct pst_cites *src;
	if (!pst_plan_exclusion(e, &ap->p, ap->screened ? &ap->res : NULL, &id, &why, &rule, &src))
		return json_null();
	return json_pack("{s:s, s:s, s:b}", "rule", id, "reason", why, "choice",
			 rule && rule->choice);
}

json_t *pst_app_programme_json(const struct pst_app_programme *ap, const struct pst_catalog *c)
{
	json_t *o = ap->pg ? pst_programme_json(ap->pg, false) : json_object();
	if (!o)
		return NULL;
	char at[40];
	int bad = json_object_set_new(o, "status", json_string(pst_app_prog_status_words[ap->status]));
	bad |= json_object_set_new(o, "why", ap->why ? json_string(ap->why) : json_null());
	bad |= json_object_set_new(o, "assigned", json_boolean(ap->assigned));
	bad |= json_object_set_new(o, "updated_by", ap->assigned ? json_integer(ap->by) : json_null());
	bad |= json_object_set_new(o, "updated_at", ap->assigned ? json_string(pst_time_format(ap->at, at, sizeof at))
								 : json_null());
	if (!ap->pg) {
		bad |= json_object_set_new(o, "note", json_null());
		bad |= json_object_set_new(o, "exercises", json_array());
		if (bad) {
			json_decref(o);
			return NULL;
		}
		return o;
	}
	bad |= json_object_set_new(o, "minutes",
				   json_integer((pst_programme_seconds(ap->pg) + 59) / 60));
	json_t *ex = json_object_get(o, "exercises");
	for (size_t i = 0; i < ap->pg->nitems && !bad; i++) {
		const struct pst_programme_item *it = &ap->pg->items[i];
		json_t *x = json_array_get(ex, i);
		bad |= !x;
		if (bad)
			break;
		bad |= json_object_set_new(x, "name", json_string(it->ex->name));
		bad |= json_object_set_new(x, "kind", json_string(pst_vocab_word(&pst_vocab_kind, (int)it->ex->kind)));
		bad |= json_object_set_new(x, "seconds", json_integer(pst_dose_seconds(&it->dose)));
		bad |= json_object_set_new(x, "excluded_by", excluded_by(ap, it->ex));
	}
	json_t *cat = json_array();
	bad |= !cat || json_object_set_new(o, "catalogue", cat);
	for (size_t i = 0; c && i < c->n && !bad; i++) {
		const struct pst_exercise *e = &c->ex[i];
		json_t *x = json_pack("{s:s, s:s, s:s, s:o}", "id", e->id, "name", e->name, "kind",
				      pst_vocab_word(&pst_vocab_kind, (int)e->kind), "excluded_by",
				      excluded_by(ap, e));
		bad |= !x || json_array_append_new(cat, x);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int pst_app_programme_save(struct pst_store *s, const struct pst_catalog *c,
			   const struct pst_questions *q, int64_t today, struct pst_time now,
			   int64_t by, const char *body, size_t len, struct pst_programme_error *e)
{
	memset(e, 0, sizeof *e);
	struct pst_saved_profile sp;
	struct pst_profile p;
	bool found = false;
	int err = pst_app_profile(s, today, &sp, &p, &found);
	if (err)
		return err;
	if (!found) {
		snprintf(e->field, sizeof e->field, "profile");
		snprintf(e->msg, sizeof e->msg,
			 "the patient has not saved their stage yet: the safety rules need it");
		return PST_EINVAL;
	}
	struct pst_screen_result res;
	struct pst_app_screened st;
	if ((err = pst_app_screening(s, q, &sp, &p, today, &res, &st)))
		return err;
	struct pst_programme *pg = NULL, *prev = NULL;
	if (st.found && !st.usable) {
		snprintf(e->field, sizeof e->field, "screening");
		snprintf(e->msg, sizeof e->msg,
			 "the patient's safety answers must be given again before any programme");
		return PST_EINVAL;
	}
	err = pst_programme_parse(c, body, len, false, &pg, e);
	struct pst_saved_programme sv = {0};
	bool has = false;
	if (!err)
		err = saved_programme(s, c, &prev, &sv, &has);
	if (!err)
		err = pst_programme_check(pg, &p, st.usable ? &res : NULL, prev, by, now.epoch, e);
	char *text = NULL;
	if (!err) {
		json_t *j = pst_programme_json(pg, true);
		text = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		err = text ? PST_OK : PST_ENOMEM;
	}
	if (!err) {
		struct pst_saved_programme put = {.json = text, .by = by, .at = now};
		err = s->ops->programme_put(s, &put);
	}
	free(text);
	pst_programme_free(pg);
	pst_programme_free(prev);
	if (st.usable)
		pst_screen_result_free(&res);
	return err;
}
