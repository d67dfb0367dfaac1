/* History: one pass over the records into per-day buckets, then weeks and changes. */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include "planner.h"

/* Comparisons of means made of whole numbers: a margin far below any real difference,
 * so that "exactly 2 points" or "exactly 30%" count as meeting the threshold. */
#define EPS 1e-9

static double absd(double x)
{
	return x < 0 ? -x : x;
}

struct bucket {
	int sum, count, min, max; /* check-ins */
	int sessions;
	int before;          /* the pain before the day's first session, when sessions */
	int64_t first_epoch; /* of that session */
};

static bool in_range(int64_t day, int64_t lo, int64_t hi)
{
	return day >= lo && day <= hi;
}

/* The earliest day seen so far within since .. today. */
struct earliest {
	int64_t since, today, day;
	bool any;
};

static void seen(struct earliest *f, struct pst_time t)
{
	int64_t d = pst_time_day(t);
	if (in_range(d, f->since, f->today) && (!f->any || d < f->day)) {
		f->day = d;
		f->any = true;
	}
}

/* The first day with a record on or before today (and on or after since). */
static bool first_record_day(const struct pst_history_input *in, int64_t *day)
{
	struct earliest f = {.since = in->since, .today = in->today};
	for (size_t i = 0; i < in->ncheckins; i++)
		seen(&f, in->checkins[i].at);
	for (size_t i = 0; i < in->ndays; i++)
		if (in->days[i].count && in_range(in->days[i].day, f.since, f.today) &&
		    (!f.any || in->days[i].day < f.day)) {
			f.day = in->days[i].day;
			f.any = true;
		}
	for (size_t i = 0; i < in->nsessions; i++)
		seen(&f, in->sessions[i].at);
	for (size_t i = 0; i < in->npsfs; i++)
		for (size_t k = 0; k < in->psfs[i].nratings; k++)
			seen(&f, in->psfs[i].ratings[k].at);
	*day = f.day;
	return f.any;
}

static int session_cmp(const void *pa, const void *pb)
{
	const struct pst_history_session *a = pa, *b = pb;
	return a->at.epoch < b->at.epoch ? -1 : a->at.epoch > b->at.epoch;
}

/* --- statements ------------------------------------------------------------ */

static const char *finish(struct pst_arena *a, struct pst_buf *b)
{
	const char *s = b->failed ? NULL : pst_arena_strdup(a, b->s);
	pst_buf_free(b);
	return s;
}

static const char *pain_statement(struct pst_arena *a, const struct pst_pain_change *pc,
				  bool any, double only_mean)
{
	struct pst_buf b;
	pst_buf_init(&b, 1024);
	if (!any) {
		pst_buf_puts(&b, "No pain readings in this period yet: a check-in, or your pain before a session, gives one.");
		return finish(a, &b);
	}
	if (!pc->known) {
		pst_buf_printf(&b,
			       "Your pain readings so far are all in one week (average %.1f/10); a "
			       "change shows from your second week of readings.",
			       only_mean);
		return finish(a, &b);
	}
	if (absd(pc->points) < 0.05) {
		pst_buf_printf(&b, "Your average pain is about the same as in your first week: %.1f/10.",
			       pc->last_week_mean);
		return finish(a, &b);
	}
	bool fell = pc->points < 0;
	pst_buf_printf(&b, "Your average pain %s from %.1f to %.1f (%+.1f points", fell ? "fell" : "rose",
		       pc->first_week_mean, pc->last_week_mean, pc->points);
	if (pc->has_percent)
		pst_buf_printf(&b, ", %+.0f%%", pc->percent);
	pst_buf_puts(&b, ")");
	if (pc->meaningful)
		pst_buf_puts(&b, ": a change this size is considered meaningful.");
	else if (fell)
		pst_buf_puts(&b, ": smaller than the 2 points or 30% usually considered a "
				 "meaningful change.");
	else if (pc->worse)
		pst_buf_puts(&b, ". That is a rise that matters: ease off what hurts, and talk to "
				 "your midwife, doctor or physiotherapist about it.");
	else
		pst_buf_puts(&b, ". Keep an eye on it, and ease off anything that hurts.");
	return finish(a, &b);
}

static const char *adherence_statement(struct pst_arena *a, const struct pst_adherence *ad)
{
	struct pst_buf b;
	pst_buf_init(&b, 1024);
	const char *s = ad->done == 1 ? "session" : "sessions";
	if (ad->planned < 0)
		pst_buf_printf(&b,
			       "You did %d %s. Save your profile to compare them with your plan.",
			       ad->done, s);
	else if (ad->planned == 0)
		pst_buf_printf(&b, "You did %d %s; none were planned on these days yet.", ad->done, s);
	else if (ad->done > ad->planned)
		pst_buf_printf(&b, "You did %d sessions, more than the %d planned (%d a week).",
			       ad->done, ad->planned, ad->sessions_per_week);
	else
		pst_buf_printf(&b, "You did %d of the %d %s planned (%.0f%%; %d a week).", ad->done,
			       ad->planned, ad->planned == 1 ? "session" : "sessions", ad->percent,
			       ad->sessions_per_week);
	return finish(a, &b);
}

static const char *activity_statement(struct pst_arena *a, const struct pst_psfs_change *x)
{
	struct pst_buf b;
	pst_buf_init(&b, 1024);
	pst_buf_printf(&b, "\u201c%s\u201d: ", x->activity);
	if (x->ratings == 0)
		pst_buf_puts(&b, "not rated in this period.");
	else if (x->ratings == 1)
		pst_buf_printf(&b, "%d/10 so far; rate it again to see a change.", x->first);
	else if (x->change == 0)
		pst_buf_printf(&b, "%d/10, the same as at first.", x->latest);
	else {
		pst_buf_printf(&b, "from %d to %d (%+d)", x->first, x->latest, x->change);
		if (x->meaningful)
			pst_buf_puts(&b, ": a change this size on one activity is considered "
					 "meaningful.");
		else if (x->change > 0)
			pst_buf_puts(&b, ": smaller than the 3 points usually considered meaningful "
					 "for one activity.");
		else if (x->worse)
			pst_buf_puts(&b, ": it has got harder. If it does not ease, talk to your "
					 "midwife, doctor or physiotherapist.");
		else
			pst_buf_puts(&b, ": a little harder than at first.");
	}
	return finish(a, &b);
}

static const char *psfs_statement(struct pst_arena *a, const struct pst_psfs_summary *s)
{
	struct pst_buf b;
	pst_buf_init(&b, 1024);
	if (s->rated == 0)
		pst_buf_puts(&b, "No activities rated in this period. Pick 3 to 5 everyday "
				 "activities your back makes hard, and rate each from 0 (unable) "
				 "to 10 (as before).");
	else if (!s->known)
		pst_buf_printf(&b, "Your average activity score is %.1f/10 so far; rate your "
				   "activities again to see a change.",
			       s->latest_mean);
	else if (absd(s->change) < 0.05)
		pst_buf_printf(&b, "Your average activity score is about the same as at first: %.1f/10.",
			       s->latest_mean);
	else {
		pst_buf_printf(&b, "Your average activity score %s from %.1f to %.1f (%+.1f points)",
			       s->change > 0 ? "rose" : "fell", s->first_mean, s->latest_mean,
			       s->change);
		if (s->meaningful)
			pst_buf_puts(&b, ": a change this size is considered meaningful.");
		else if (s->change > 0)
			pst_buf_puts(&b, ": smaller than the 2 points usually considered meaningful.");
		else if (s->worse)
			pst_buf_puts(&b, ": everyday activities have got harder. Talk to your midwife, "
					 "doctor or physiotherapist about it.");
		else
			pst_buf_puts(&b, ": a little lower than at first.");
	}
	return finish(a, &b);
}

/* --- the parts ----------------------------------------------------------- */

static int pain_change(struct pst_history *h)
{
	struct pst_pain_change *pc = &h->pain;
	const struct pst_history_week *first = NULL, *last = NULL;
	for (size_t i = 0; i < h->nweekly; i++) {
		if (!h->weekly[i].checkins)
			continue;
		if (!first)
			first = &h->weekly[i];
		last = &h->weekly[i];
	}
	if (first && last != first) {
		pc->known = true;
		pc->first_week = first->week_start;
		pc->last_week = last->week_start;
		pc->first_week_mean = first->mean;
		pc->last_week_mean = last->mean;
		pc->points = last->mean - first->mean;
		pc->has_percent = first->mean > 0;
		if (pc->has_percent)
			pc->percent = pc->points * 100.0 / first->mean;
		/* Childs 2005: 2 points, or about 30% of where it started. A rise is never an
		 * improvement; the same size of rise is flagged as worse. */
		double size = absd(pc->points);
		bool big = size >= PST_NPRS_MEANINGFUL_POINTS - EPS ||
			   (pc->has_percent &&
			    size >= PST_NPRS_MEANINGFUL_FRACTION * first->mean - EPS);
		pc->meaningful = big && pc->points < 0;
		pc->worse = big && pc->points > 0;
	}
	pc->statement = pain_statement(h->arena, pc, first != NULL, first ? first->mean : 0);
	return pc->statement ? PST_OK : PST_ENOMEM;
}

static int psfs(struct pst_history *h, const struct pst_history_input *in)
{
	struct pst_psfs_summary *s = &h->psfs;
	s->v = pst_arena_alloc(h->arena, (in->npsfs ? in->npsfs : 1) * sizeof(*s->v));
	if (!s->v)
		return PST_ENOMEM;
	double first_sum = 0, latest_sum = 0;
	for (size_t i = 0; i < in->npsfs; i++) {
		const struct pst_psfs_activity *act = &in->psfs[i];
		struct pst_psfs_change *x = &s->v[s->n++];
		x->id = act->id;
		x->activity = pst_arena_strdup(h->arena, act->activity ? act->activity : "");
		if (!x->activity)
			return PST_ENOMEM;
		const struct pst_psfs_rating *f = NULL, *l = NULL;
		for (size_t k = 0; k < act->nratings; k++) {
			const struct pst_psfs_rating *r = &act->ratings[k];
			if (!in_range(pst_time_day(r->at), h->since, h->today))
				continue;
			x->ratings++;
			if (!f || r->at.epoch < f->at.epoch)
				f = r;
			if (!l || r->at.epoch >= l->at.epoch)
				l = r;
		}
		if (f) {
			x->first = f->score;
			x->latest = l->score;
			x->first_day = pst_time_day(f->at);
			x->latest_day = pst_time_day(l->at);
			x->change = x->latest - x->first;
			x->meaningful = x->ratings > 1 && x->change >= PST_PSFS_MEANINGFUL_ONE;
			x->worse = x->ratings > 1 && x->change <= -PST_PSFS_MEANINGFUL_ONE;
			s->rated++;
			s->known |= x->ratings > 1;
			first_sum += x->first;
			latest_sum += x->latest;
		}
		if (!(x->statement = activity_statement(h->arena, x)))
			return PST_ENOMEM;
	}
	if (s->rated) {
		s->first_mean = first_sum / s->rated;
		s->latest_mean = latest_sum / s->rated;
		s->change = s->latest_mean - s->first_mean;
		s->meaningful = s->known && s->change >= PST_PSFS_MEANINGFUL_MEAN - EPS;
		s->worse = s->known && s->change <= -PST_PSFS_MEANINGFUL_MEAN + EPS;
	}
	s->statement = psfs_statement(h->arena, s);
	return s->statement ? PST_OK : PST_ENOMEM;
}

int pst_history_build(const struct pst_history_input *in, struct pst_history **out)
{
	*out = NULL;
	if (in->since != PST_HISTORY_ALL && in->since > in->today)
		return PST_EINVAL;
	struct pst_history *h = calloc(1, sizeof(*h));
	struct bucket *days = NULL;
	int err = PST_ENOMEM;
	if (!h || !(h->arena = pst_arena_new()))
		goto out;
	int64_t first;
	h->today = in->today;
	h->since = first_record_day(in, &first) ? first : in->today;
	if (in->since != PST_HISTORY_ALL && in->since > h->since)
		h->since = in->since;
	if (h->today - h->since >= PST_HISTORY_MAX_DAYS) {
		h->since = h->today - PST_HISTORY_MAX_DAYS + 1;
		h->truncated = true;
	}

	/* One bucket per day of the range: every record is one O(1) update. */
	size_t ndays = (size_t)(h->today - h->since + 1);
	days = calloc(ndays, sizeof(*days));
	if (!days)
		goto out;
	for (size_t i = 0; i < in->ncheckins; i++) {
		const struct pst_checkin *c = &in->checkins[i];
		int64_t d = pst_time_day(c->at);
		if (!in_range(d, h->since, h->today) || c->pain < 0 || c->pain > 10)
			continue;
		struct bucket *bk = &days[d - h->since];
		if (!bk->count || c->pain < bk->min)
			bk->min = c->pain;
		if (!bk->count || c->pain > bk->max)
			bk->max = c->pain;
		bk->sum += c->pain;
		bk->count++;
	}
	for (size_t i = 0; i < in->ndays; i++) {
		const struct pst_checkin_day *cd = &in->days[i];
		if (!cd->count || !in_range(cd->day, h->since, h->today))
			continue;
		struct bucket *bk = &days[cd->day - h->since];
		if (!bk->count || cd->min < bk->min)
			bk->min = cd->min;
		if (!bk->count || cd->max > bk->max)
			bk->max = cd->max;
		bk->sum += cd->sum;
		bk->count += cd->count;
	}
	size_t nsess = 0;
	for (size_t i = 0; i < in->nsessions; i++) {
		const struct pst_session_log *sl = &in->sessions[i];
		int64_t d = pst_time_day(sl->at);
		if (!in_range(d, h->since, h->today))
			continue;
		struct bucket *bk = &days[d - h->since];
		if (sl->pain_before >= 0 && sl->pain_before <= 10 &&
		    (!bk->sessions || sl->at.epoch < bk->first_epoch)) {
			bk->before = sl->pain_before;
			bk->first_epoch = sl->at.epoch;
		}
		bk->sessions++;
		nsess++;
	}
	/* A day without a check-in takes the pain before its first session as its reading. */
	bool *from_session = calloc(ndays, sizeof *from_session);
	if (!from_session)
		goto out;
	for (size_t i = 0; i < ndays; i++) {
		struct bucket *bk = &days[i];
		if (bk->count || !bk->sessions)
			continue;
		bk->sum = bk->min = bk->max = bk->before;
		bk->count = 1;
		from_session[i] = true;
	}
	h->sessions = pst_arena_alloc(h->arena, (nsess ? nsess : 1) * sizeof(*h->sessions));
	if (!h->sessions) {
		free(from_session);
		goto out;
	}
	for (size_t i = 0; i < in->nsessions; i++) {
		const struct pst_session_log *sl = &in->sessions[i];
		int64_t d = pst_time_day(sl->at);
		if (in_range(d, h->since, h->today))
			h->sessions[h->nsessions++] = (struct pst_history_session){
				sl->at, d, sl->pain_before, sl->pain_after};
	}
	qsort(h->sessions, h->nsessions, sizeof *h->sessions, session_cmp);

	size_t ndaily = 0;
	for (size_t i = 0; i < ndays; i++)
		ndaily += days[i].count > 0;
	int64_t week0 = pst_day_monday(h->since);
	size_t nweeks = (size_t)((h->today - week0) / 7 + 1);
	h->daily = pst_arena_alloc(h->arena, (ndaily ? ndaily : 1) * sizeof(*h->daily));
	h->weekly = pst_arena_alloc(h->arena, nweeks * sizeof(*h->weekly));
	if (!h->daily || !h->weekly) {
		free(from_session);
		goto out;
	}
	for (size_t w = 0; w < nweeks; w++)
		h->weekly[w] = (struct pst_history_week){.week_start = week0 + (int64_t)w * 7,
							 .min = -1, .max = -1,
							 .sessions_planned = in->profile ? 0 : -1};
	struct pst_adherence *ad = &h->adherence;
	int minutes = in->profile ? in->profile->p.minutes : 0;
	ad->planned = in->profile ? 0 : -1;
	ad->sessions_per_week = in->profile ? pst_plan_sessions_per_week(minutes) : 0;
	size_t mc = 0; /* the minutes change in effect */
	for (size_t i = 0; i < ndays; i++) {
		const struct bucket *bk = &days[i];
		int64_t d = h->since + (int64_t)i;
		struct pst_history_week *w = &h->weekly[(d - week0) / 7];
		if (in->profile && in->nminutes) {
			while (mc + 1 < in->nminutes && in->minutes[mc + 1].day <= d)
				mc++;
			minutes = in->minutes[mc].minutes;
		}
		if (bk->count) {
			h->daily[h->ndaily++] = (struct pst_history_day){d, (double)bk->sum / bk->count,
									 bk->count, from_session[i]};
			if (!w->checkins || bk->min < w->min)
				w->min = bk->min;
			if (!w->checkins || bk->max > w->max)
				w->max = bk->max;
			/* The week's mean is over its check-ins, not over its daily means. */
			w->mean += bk->sum;
			w->checkins += bk->count;
		}
		w->sessions_done += bk->sessions;
		ad->done += bk->sessions;
		if (in->profile && pst_plan_is_session_day(minutes, pst_day_weekday(d))) {
			w->sessions_planned++;
			ad->planned++;
		}
	}
	free(from_session);
	for (size_t w = 0; w < nweeks; w++)
		if (h->weekly[w].checkins)
			h->weekly[w].mean /= h->weekly[w].checkins;
	h->nweekly = nweeks;

	ad->has_percent = ad->planned > 0;
	if (ad->has_percent)
		ad->percent = ad->done * 100.0 / ad->planned;
	if (!(ad->statement = adherence_statement(h->arena, ad)))
		goto out;
	if ((err = pain_change(h)) || (err = psfs(h, in)))
		goto out;
	free(days);
	*out = h;
	return PST_OK;
out:
	free(days);
	pst_history_free(h);
	return err;
}

void pst_history_free(struct pst_history *h)
{
	if (!h)
		return;
	pst_arena_free(h->arena);
	free(h);
}
