/* Views of a history: JSON (the web API's shape) and readable text for the terminal. */
#include "history.h"

#include "core/jsonw.h"
#include "text.h"

/* Rounds to places decimals (half away from zero), without libm. */
static double round_to(double x, int places)
{
	double scale = places == 1 ? 10.0 : 100.0;
	double y = x * scale;
	long long r = (long long)(y < 0 ? y - 0.5 : y + 0.5);
	return (double)r / scale;
}

static void day(struct pst_jw *w, const char *key, bool known, int64_t d)
{
	char buf[16];
	pst_jw_key(w, key);
	if (known)
		pst_jw_string(w, pst_day_format(d, buf, sizeof buf));
	else
		pst_jw_null(w);
}

static void real(struct pst_jw *w, const char *key, bool known, double x, int places)
{
	pst_jw_key(w, key);
	if (known)
		pst_jw_real(w, round_to(x, places));
	else
		pst_jw_null(w);
}

static void integer(struct pst_jw *w, const char *key, bool known, long long v)
{
	pst_jw_key(w, key);
	if (known)
		pst_jw_int(w, v);
	else
		pst_jw_null(w);
}

static void boolean(struct pst_jw *w, const char *key, bool v)
{
	pst_jw_key(w, key);
	pst_jw_bool(w, v);
}

static void string(struct pst_jw *w, const char *key, const char *s)
{
	pst_jw_key(w, key);
	pst_jw_string(w, s);
}

static void weekly(struct pst_jw *w, const struct pst_history_week *wk)
{
	bool c = wk->checkins > 0;
	pst_jw_object(w);
	day(w, "week_start", true, wk->week_start);
	real(w, "mean", c, wk->mean, 2);
	integer(w, "min", c, wk->min);
	integer(w, "max", c, wk->max);
	integer(w, "checkins", true, wk->checkins);
	integer(w, "sessions_done", true, wk->sessions_done);
	integer(w, "sessions_planned", wk->sessions_planned >= 0, wk->sessions_planned);
	pst_jw_end(w);
}

static void pain(struct pst_jw *w, const struct pst_pain_change *pc)
{
	bool k = pc->known;
	pst_jw_key(w, "pain_change");
	pst_jw_object(w);
	day(w, "first_week", k, pc->first_week);
	day(w, "last_week", k, pc->last_week);
	real(w, "first_week_mean", k, pc->first_week_mean, 2);
	real(w, "last_week_mean", k, pc->last_week_mean, 2);
	real(w, "points", k, pc->points, 2);
	real(w, "percent", k && pc->has_percent, pc->percent, 1);
	boolean(w, "meaningful", pc->meaningful);
	boolean(w, "worse", pc->worse);
	string(w, "statement", pc->statement);
	pst_jw_end(w);
}

static void activity(struct pst_jw *w, const struct pst_psfs_change *x)
{
	bool r = x->ratings > 0, two = x->ratings > 1;
	pst_jw_object(w);
	integer(w, "id", true, x->id);
	string(w, "activity", x->activity);
	integer(w, "ratings", true, x->ratings);
	integer(w, "first", r, x->first);
	day(w, "first_day", r, x->first_day);
	integer(w, "latest", r, x->latest);
	day(w, "latest_day", r, x->latest_day);
	integer(w, "change", two, x->change);
	boolean(w, "meaningful", x->meaningful);
	boolean(w, "worse", x->worse);
	string(w, "statement", x->statement);
	pst_jw_end(w);
}

static void psfs(struct pst_jw *w, const struct pst_psfs_summary *s)
{
	pst_jw_key(w, "psfs");
	pst_jw_object(w);
	pst_jw_key(w, "activities");
	pst_jw_array(w);
	for (size_t i = 0; i < s->n; i++)
		activity(w, &s->v[i]);
	pst_jw_end(w);
	real(w, "first_mean", s->rated, s->first_mean, 2);
	real(w, "latest_mean", s->rated, s->latest_mean, 2);
	real(w, "change", s->known, s->change, 2);
	boolean(w, "meaningful", s->meaningful);
	boolean(w, "worse", s->worse);
	string(w, "statement", s->statement);
	pst_jw_end(w);
}

static void adherence(struct pst_jw *w, const struct pst_adherence *ad)
{
	pst_jw_key(w, "adherence");
	pst_jw_object(w);
	integer(w, "sessions_done", true, ad->done);
	integer(w, "sessions_planned", ad->planned >= 0, ad->planned);
	integer(w, "sessions_per_week", ad->sessions_per_week != 0, ad->sessions_per_week);
	real(w, "percent", ad->has_percent, ad->percent, 1);
	string(w, "statement", ad->statement);
	pst_jw_end(w);
}

void pst_json_history(struct pst_buf *b, const struct pst_history *h)
{
	struct pst_jw w;
	pst_jw_init(&w, b);
	pst_jw_object(&w);
	day(&w, "since", true, h->since);
	day(&w, "today", true, h->today);
	boolean(&w, "truncated", h->truncated);
	pst_jw_key(&w, "daily");
	pst_jw_array(&w);
	for (size_t i = 0; i < h->ndaily; i++) {
		const struct pst_history_day *d = &h->daily[i];
		pst_jw_object(&w);
		day(&w, "day", true, d->day);
		real(&w, "mean", true, d->mean, 2);
		integer(&w, "count", true, d->count);
		boolean(&w, "from_session", d->from_session);
		pst_jw_end(&w);
	}
	pst_jw_end(&w);
	pst_jw_key(&w, "sessions");
	pst_jw_array(&w);
	for (size_t i = 0; i < h->nsessions; i++) {
		const struct pst_history_session *x = &h->sessions[i];
		char when[40];
		pst_jw_object(&w);
		string(&w, "at", pst_time_format(x->at, when, sizeof when));
		day(&w, "day", true, x->day);
		integer(&w, "pain_before", true, x->pain_before);
		integer(&w, "pain_after", true, x->pain_after);
		pst_jw_end(&w);
	}
	pst_jw_end(&w);
	pst_jw_key(&w, "weekly");
	pst_jw_array(&w);
	for (size_t i = 0; i < h->nweekly; i++)
		weekly(&w, &h->weekly[i]);
	pst_jw_end(&w);
	pain(&w, &h->pain);
	psfs(&w, &h->psfs);
	adherence(&w, &h->adherence);
	pst_jw_end(&w);
	pst_jw_finish(&w);
}

void pst_text_history(struct pst_buf *b, const struct pst_history *h)
{
	char d1[16], d2[16];
	pst_buf_printf(b, "Your history from %s to %s\n", pst_day_format(h->since, d1, sizeof d1),
		       pst_day_format(h->today, d2, sizeof d2));
	if (h->truncated)
		pst_buf_puts(b, "(older records are left out)\n");
	pst_buf_puts(b, "\nPain\n");
	pst_text_wrap(b, h->pain.statement, "    ", "  - ", 78);
	pst_buf_puts(b, "\nSessions\n");
	pst_text_wrap(b, h->adherence.statement, "    ", "  - ", 78);
	/* The latest sessions, each with the pain around it. */
	size_t from = h->nsessions > 5 ? h->nsessions - 5 : 0;
	for (size_t i = from; i < h->nsessions; i++) {
		const struct pst_history_session *x = &h->sessions[i];
		pst_buf_printf(b, "  - %s: pain %d/10 before, %d/10 after\n",
			       pst_day_format(x->day, d1, sizeof d1), x->pain_before, x->pain_after);
	}
	pst_buf_puts(b, "\nEveryday activities (Patient-Specific Functional Scale)\n");
	pst_text_wrap(b, h->psfs.statement, "    ", "  - ", 78);
	for (size_t i = 0; i < h->psfs.n; i++)
		pst_text_wrap(b, h->psfs.v[i].statement, "    ", "  - ", 78);
	if (h->nweekly) {
		pst_buf_puts(b, "\nWeek of       readings  pain: mean  min  max  sessions\n");
		for (size_t i = 0; i < h->nweekly; i++) {
			const struct pst_history_week *w = &h->weekly[i];
			pst_buf_printf(b, "%s  %9d  ", pst_day_format(w->week_start, d1, sizeof d1),
				       w->checkins);
			if (w->checkins)
				pst_buf_printf(b, "%10.1f  %3d  %3d", w->mean, w->min, w->max);
			else
				pst_buf_printf(b, "%10s  %3s  %3s", "-", "-", "-");
			if (w->sessions_planned >= 0)
				pst_buf_printf(b, "  %d of %d\n", w->sessions_done, w->sessions_planned);
			else
				pst_buf_printf(b, "  %d\n", w->sessions_done);
		}
	}
	pst_buf_puts(b, "\npostura does not diagnose. If something feels wrong, stop and ask your "
			"doctor,\nmidwife or physiotherapist.\n");
}
