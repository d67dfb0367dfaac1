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

int pst_app_progression(struct pst_store *s, const struct pst_catalog *c,
			const struct pst_profile *p, struct pst_progression **out)
{
	struct pst_record_set rs;
	*out = NULL;
	int err = s->ops->read_all(s, INT64_MIN, 0, &rs);
	if (err)
		return err;
	err = pst_progression_build(c, p, rs.checkins, rs.ncheckins, rs.sessions, rs.nsessions, out);
	pst_record_set_free(&rs);
	return err;
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
