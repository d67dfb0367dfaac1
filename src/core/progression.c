/* Progression: replays session logs and pain check-ins into a dose level per exercise. */
#include "progression.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "planner.h"
#include "rules.h"

static const char *const dir_words[PST_PROG__MAX] = {"up", "down", "stay"};
const struct pst_vocab pst_vocab_prog_dir = {"progression", dir_words, PST_PROG__MAX};

/* --- the ladder ------------------------------------------------------------ */

static int reps_step(struct pst_range r)
{
	/* A small range (2-3, 5-8) climbs one repetition at a time. */
	return r.hi - r.lo >= 4 ? PST_PROG_STEP_REPS : 1;
}

static int steps_in(struct pst_range r, int step)
{
	return r.hi > r.lo ? (r.hi - r.lo + step - 1) / step : 0;
}

/* Climbs r by up to *left steps of step, never past hi; fixes r to the result. */
static void climb(struct pst_range *r, int step, int *left)
{
	int n = steps_in(*r, step);
	int k = *left < n ? *left : n;
	int v = r->lo + k * step;
	if (v > r->hi)
		v = r->hi;
	*left -= k;
	r->lo = r->hi = v;
}

/* The holds progression climbs through: up to the exercise's useful maximum, never past
 * what its own text calls useless (a 30 s stretch gains as much as a 60 s one). */
static struct pst_range hold_ladder(const struct pst_dose *d)
{
	struct pst_range r = d->hold_s;
	if (d->useful_hold_s && r.hi > d->useful_hold_s)
		r.hi = d->useful_hold_s > r.lo ? d->useful_hold_s : r.lo;
	return r;
}

int pst_dose_levels(const struct pst_dose *d)
{
	return 1 + steps_in(d->reps, reps_step(d->reps)) + steps_in(d->sets, 1) +
	       steps_in(hold_ladder(d), PST_PROG_STEP_HOLD_S) +
	       steps_in(d->breaths, PST_PROG_STEP_BREATHS);
}

struct pst_dose pst_dose_at_level(const struct pst_dose *d, int level)
{
	struct pst_dose s = *d;
	int left = level < 0 ? 0 : level;
	/* The order of the ladder: repetitions, sets, hold, breaths. */
	climb(&s.reps, reps_step(d->reps), &left);
	climb(&s.sets, 1, &left);
	s.hold_s = hold_ladder(d);
	climb(&s.hold_s, PST_PROG_STEP_HOLD_S, &left);
	climb(&s.breaths, PST_PROG_STEP_BREATHS, &left);
	return s;
}

/* --- the replay ------------------------------------------------------------ */

/* Why a step was taken; the words are written once, at the end, for last changes only
 * (a five-year history changes levels thousands of times). */
enum cause { CAUSE_CALM, CAUSE_HURT, CAUSE_PAIN, CAUSE_NEXT_DAY, CAUSE_MORNING };
/* What the step did. */
enum outcome { OUT_STEP, OUT_VARIANT, OUT_STAY };

struct why {
	enum cause cause;
	enum outcome outcome;
	int pain, before, after;     /* PAIN: pain during; NEXT_DAY: check-ins */
	int64_t after_day;           /* NEXT_DAY: the day of the higher check-in */
	double morning_from, morning_to; /* MORNING: the two weeks' morning averages */
	int64_t week;                /* MORNING: the Monday of the week it rose */
	enum pst_feedback fb[PST_PROG_CALM_SESSIONS]; /* CALM: the calm sessions' feedback */
	bool pain_known;             /* CALM: pain during given in every calm session */
	bool kept_level;             /* VARIANT: the variant kept the level it had */
	bool came_back;              /* VARIANT: back to the exercise it was progressed from */
};

/* One exercise's verdict in one session. */
struct verdict {
	enum cause cause; /* CALM also stands for "hard" when hard is set */
	bool hard;
	enum pst_feedback fb;
	int pain; /* -1 when not given */
};

struct state {
	struct pst_prog_entry e;
	int64_t week; /* the Monday of the last session that included it */
	/* While a day's sessions are replayed: the worst verdict so far that day, and the
	 * session it was last counted in (e.sessions counts sessions, not days). */
	bool day_pending;
	struct verdict day_v;
	size_t counted_in; /* the serial number of that session, from 1 */
	struct why why; /* of e.last */
	enum pst_feedback calm_fb[PST_PROG_CALM_SESSIONS];
	bool calm_pain_known;
};

/* A check-in as the replay keeps it (small: a store may hold a million of them), or a
 * whole day of them (pst_progression_add_days): then epoch and pain are the day's last
 * check-in's, max the day's highest pain, and the morning ones are summed. */
struct ck {
	int64_t day, epoch;
	uint32_t idx;  /* the order it was given in: ties in time keep it */
	int16_t pain, max;
	int32_t mcount, msum; /* the morning check-ins (PST_PROG_MORNING_END_H, local time) */
};

/* A week whose morning pain rose from the week before's (CLINICAL §7). */
struct rise {
	int64_t week; /* its Monday */
	double from, to;
};

struct replay {
	const struct pst_catalog *c;
	const struct pst_profile *p;
	struct state *st; /* one per catalogue exercise, by index; st[i].e.ex set once touched */
	struct ck *ck;
	size_t nck, ck_cap;
	size_t seq;
	struct rise *rises; /* in order of week */
	size_t nrises, next_rise, rises_cap;
	bool days; /* ck holds days (pst_progression_add_days), not check-ins */
};

/*
 * The weeks whose morning pain rose: each week's average of the check-ins made before
 * PST_PROG_MORNING_END_H local time, against the calendar week before (both with at
 * least PST_PROG_MORNING_MIN of them), a rise of PST_PROG_MORNING_RISE or more. The
 * check-ins are sorted by day. Returns false when out of memory.
 */
static bool find_rises(struct replay *r)
{
	int64_t prev_week = INT64_MIN, week = INT64_MIN;
	double prev_sum = 0, sum = 0;
	int prev_n = 0, n = 0;
	for (size_t i = 0; i <= r->nck; i++) {
		int64_t w = i < r->nck ? pst_day_monday(r->ck[i].day) : INT64_MAX;
		if (w != week) {
			/* week is complete: compare it with the one before it */
			if (n >= PST_PROG_MORNING_MIN && prev_n >= PST_PROG_MORNING_MIN &&
			    prev_week == week - 7 && sum / n - prev_sum / prev_n >= PST_PROG_MORNING_RISE) {
				if (r->nrises == r->rises_cap) {
					size_t cap = r->rises_cap ? 2 * r->rises_cap : 16;
					struct rise *v = realloc(r->rises, cap * sizeof(*v));
					if (!v)
						return false;
					r->rises = v;
					r->rises_cap = cap;
				}
				r->rises[r->nrises++] = (struct rise){week, prev_sum / prev_n, sum / n};
			}
			if (n) {
				prev_week = week;
				prev_sum = sum;
				prev_n = n;
			}
			week = w;
			sum = 0;
			n = 0;
		}
		if (i == r->nck)
			break;
		sum += r->ck[i].msum;
		n += r->ck[i].mcount;
	}
	return true;
}

static int ck_cmp(const void *pa, const void *pb)
{
	const struct ck *a = pa, *b = pb;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if (a->epoch != b->epoch)
		return a->epoch < b->epoch ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

struct order {
	int64_t epoch;
	size_t idx;
};

static int order_cmp(const void *pa, const void *pb)
{
	const struct order *a = pa, *b = pb;
	if (a->epoch != b->epoch)
		return a->epoch < b->epoch ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static struct state *state_of(struct replay *r, const struct pst_exercise *e)
{
	struct state *s = &r->st[e - r->c->ex];
	if (!s->e.ex)
		s->e.ex = e;
	return s;
}

/* The first check-in at or after key (day, epoch) in the sorted list. */
static size_t ck_lower(const struct replay *r, int64_t day, int64_t epoch)
{
	size_t lo = 0, hi = r->nck;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ck *k = &r->ck[mid];
		if (k->day < day || (k->day == day && k->epoch < epoch))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The pain-monitoring check for a session on day at epoch: true when a check-in on the
 * next day is higher than the last check-in at or before the session. The baseline is
 * the last one *before the session* (not later that day): pain should settle back to
 * where it was before exercising (CLINICAL §7), so soreness logged after the session must
 * not become the yardstick. Any higher check-in the next day counts (conservative).
 */
static bool next_day_rise(const struct replay *r, const struct pst_session_log *l, int64_t day,
			  int *before, int *after)
{
	int64_t epoch = l->at.epoch;
	size_t i = ck_lower(r, day, epoch == INT64_MAX ? epoch : epoch + 1);
	/* From days: when the day's last check-in came after the session, the store told the
	 * last one of that day at or before it (else it is the last of an earlier day). */
	if (r->days && i < r->nck && r->ck[i].day == day && l->day_checkin_before >= 0)
		*before = l->day_checkin_before;
	else if (i == 0)
		return false;
	else
		*before = r->ck[i - 1].pain;
	size_t j = ck_lower(r, day + 1, INT64_MIN);
	int top = -1;
	for (; j < r->nck && r->ck[j].day == day + 1; j++)
		if (r->ck[j].max > top)
			top = r->ck[j].max;
	*after = top;
	return top > *before;
}

static bool allowed(const struct replay *r, const struct pst_exercise *v,
		    const struct pst_exercise *self)
{
	return v && v != self && !pst_rules_excluding(v, r->p);
}

static void record(struct replay *r, struct state *s, enum pst_prog_dir dir,
		   const struct pst_exercise *to, int to_level, const struct why *why, int64_t day)
{
	struct pst_prog_change *ch = &s->e.last;
	ch->dir = dir;
	ch->from_ex = s->e.ex;
	ch->from_level = s->e.level;
	ch->from_dose = pst_dose_at_level(&s->e.ex->dose, s->e.level);
	ch->to_ex = to;
	ch->to_level = to_level;
	ch->to_dose = pst_dose_at_level(&to->dose, to_level);
	ch->day = day;
	ch->reason = NULL;
	ch->seq = ++r->seq;
	s->e.changed = true;
	s->why = *why;
}

/* Moves s's place to variant v. The variant starts at its starting dose, unless the
 * person already does it (done, and not moved away): then it keeps its own level. */
static void move(struct replay *r, struct state *s, const struct pst_exercise *v,
		 enum pst_prog_dir dir, struct why *why, int64_t day)
{
	struct state *t = state_of(r, v);
	bool active = t->e.sessions > 0 && !t->e.moved_to;
	if (!active) {
		t->e.level = 0;
		t->e.moved_to = NULL;
	}
	t->e.calm = 0;
	if (dir == PST_PROG_UP)
		t->e.came_from = s->e.ex;
	why->outcome = OUT_VARIANT;
	why->kept_level = active && t->e.level > 0;
	record(r, s, dir, v, t->e.level, why, day);
	s->e.moved_to = v;
	s->e.calm = 0;
	/* The move is the latest thing to happen to the variant too. */
	t->e.last = s->e.last;
	t->e.changed = true;
	t->why = s->why;
}

static void step_up(struct replay *r, struct state *s, struct why *why, int64_t day)
{
	const struct pst_exercise *e = s->e.ex;
	if (s->e.level + 1 < pst_dose_levels(&e->dose)) {
		why->outcome = OUT_STEP;
		record(r, s, PST_PROG_UP, e, s->e.level + 1, why, day);
		s->e.level++;
		return;
	}
	for (size_t i = 0; i < e->harder.n; i++) {
		const struct pst_exercise *v = pst_catalog_find(r->c, e->harder.v[i]);
		if (allowed(r, v, e)) {
			move(r, s, v, PST_PROG_UP, why, day);
			return;
		}
	}
	/* The top, and no harder version for this person: it stays; nothing to report. */
}

static void step_down(struct replay *r, struct state *s, struct why *why, int64_t day)
{
	const struct pst_exercise *e = s->e.ex;
	if (s->e.level > 0) {
		why->outcome = OUT_STEP;
		record(r, s, PST_PROG_DOWN, e, s->e.level - 1, why, day);
		s->e.level--;
		return;
	}
	/* Back down the same ladder: the exercise it was progressed from comes first. */
	if (allowed(r, s->e.came_from, e)) {
		why->came_back = true;
		move(r, s, s->e.came_from, PST_PROG_DOWN, why, day);
		return;
	}
	for (size_t i = 0; i < e->easier.n; i++) {
		const struct pst_exercise *v = pst_catalog_find(r->c, e->easier.v[i]);
		if (allowed(r, v, e)) {
			move(r, s, v, PST_PROG_DOWN, why, day);
			return;
		}
	}
	why->outcome = OUT_STAY;
	record(r, s, PST_PROG_STAY, e, 0, why, day);
}

static void apply(struct replay *r, struct state *s, const struct verdict *v, int before,
		  int after, int64_t day)
{
	struct pst_prog_entry *e = &s->e;
	/* Done again after it was replaced: the person is doing it, so it is back, and the
	 * move away (its last change) no longer holds. */
	if (e->moved_to) {
		e->moved_to = NULL;
		e->changed = false;
	}
	struct why why = {.cause = v->cause, .pain = v->pain, .before = before, .after = after,
			  .after_day = day + 1};
	if (v->cause != CAUSE_CALM) {
		e->calm = 0;
		step_down(r, s, &why, day);
		return;
	}
	if (v->hard) {
		e->calm = 0;
		return;
	}
	if (e->calm == 0)
		s->calm_pain_known = true;
	s->calm_fb[e->calm] = v->fb;
	s->calm_pain_known &= v->pain >= 0;
	if (++e->calm < PST_PROG_CALM_SESSIONS)
		return;
	memcpy(why.fb, s->calm_fb, sizeof why.fb);
	why.pain_known = s->calm_pain_known;
	e->calm = 0;
	step_up(r, s, &why, day);
}

/* Applies the rises of the weeks before `before_week` (a Monday; INT64_MAX: all): every
 * exercise done in such a week, and not moved away since, steps down once. */
static void apply_rises(struct replay *r, int64_t before_week)
{
	for (; r->next_rise < r->nrises && r->rises[r->next_rise].week < before_week; r->next_rise++) {
		const struct rise *x = &r->rises[r->next_rise];
		for (size_t i = 0; i < r->c->n; i++) {
			struct state *s = &r->st[i];
			if (!s->e.ex || s->week != x->week || s->e.moved_to)
				continue;
			struct why why = {.cause = CAUSE_MORNING, .morning_from = x->from,
					  .morning_to = x->to, .week = x->week};
			s->e.calm = 0;
			step_down(r, s, &why, x->week + 6);
		}
	}
}

/* The verdict of one logged exercise; the worse of two wins (hurt, pain, hard, calm). */
static struct verdict judge(const struct pst_session_ex *x)
{
	struct verdict v = {.cause = CAUSE_CALM, .fb = x->feedback, .pain = x->pain};
	if (x->feedback == PST_FB_HURT)
		v.cause = CAUSE_HURT;
	else if (x->pain > PST_PROG_PAIN_MAX)
		v.cause = CAUSE_PAIN;
	else if (x->feedback == PST_FB_HARD)
		v.hard = true;
	return v;
}

static int verdict_rank(const struct verdict *v)
{
	return v->cause == CAUSE_HURT ? 3 : v->cause == CAUSE_PAIN ? 2 : v->hard ? 1 : 0;
}

static bool worse(const struct verdict *w, const struct verdict *v)
{
	return verdict_rank(w) > verdict_rank(v) ||
	       (w->cause == CAUSE_PAIN && v->cause == CAUSE_PAIN && w->pain > v->pain);
}

/*
 * The builder: check-ins first (any order), then the sessions in time order, one local
 * day at a time. A day is one verdict per exercise, the worst of all its entries that
 * day (hurt, pain, hard, calm): two sessions minutes apart are not "twice in a row", and
 * no exercise moves more than one step a day. The next-day check compares with the last
 * check-in before the day's first session.
 */
struct pst_prog_builder {
	struct replay r;
	struct state **touched; /* the exercises of the open day, one slot per catalogue's */
	size_t nt;
	bool ready;  /* the check-ins are sorted and their rises found */
	bool in_day; /* a day is open: day, rise, before, after are its */
	int64_t day;
	bool rise;
	int before, after;
	size_t nsessions; /* sessions added: the serial number of the last */
};

/* Sorts the check-ins and finds the weeks whose morning pain rose; once. */
static bool ready(struct pst_prog_builder *b)
{
	if (b->ready)
		return true;
	if (b->r.nck)
		qsort(b->r.ck, b->r.nck, sizeof(*b->r.ck), ck_cmp);
	if (!find_rises(&b->r))
		return false;
	b->ready = true;
	return true;
}

/* Closes the open day: each exercise done in it gets its verdict. */
static void day_end(struct pst_prog_builder *b)
{
	if (!b->in_day)
		return;
	for (size_t i = 0; i < b->nt; i++) {
		struct state *st = b->touched[i];
		struct verdict v = st->day_v;
		st->day_pending = false;
		if (b->rise && v.cause == CAUSE_CALM)
			v.cause = CAUSE_NEXT_DAY;
		st->week = pst_day_monday(b->day);
		apply(&b->r, st, &v, b->before, b->after, b->day);
	}
	b->nt = 0;
	b->in_day = false;
}

/* Counts one session: a new local day closes the one before. */
static void add_session(struct pst_prog_builder *b, const struct pst_session_log *l)
{
	struct replay *r = &b->r;
	int64_t day = pst_time_day(l->at);
	if (b->in_day && day != b->day)
		day_end(b);
	if (!b->in_day) {
		b->in_day = true;
		b->day = day;
		apply_rises(r, pst_day_monday(day));
		b->before = b->after = -1;
		b->rise = next_day_rise(r, l, day, &b->before, &b->after);
	}
	size_t serial = ++b->nsessions;
	size_t n = l->nex < PST_SESSION_MAX_EXERCISES ? l->nex : PST_SESSION_MAX_EXERCISES;
	for (size_t i = 0; i < n; i++) {
		const struct pst_exercise *e = pst_catalog_find(r->c, l->ex[i].id);
		if (!e)
			continue;
		struct state *st = state_of(r, e);
		if (st->counted_in != serial) {
			st->counted_in = serial;
			st->e.sessions++;
		}
		struct verdict w = judge(&l->ex[i]);
		if (!st->day_pending) {
			st->day_pending = true;
			st->day_v = w;
			b->touched[b->nt++] = st;
		} else if (worse(&w, &st->day_v)) {
			st->day_v = w;
		}
	}
}

/* --- words ---------------------------------------------------------------- */

static const char *count_word(int n)
{
	static const char *const w[] = {"no", "one", "two", "three", "four", "five"};
	return n >= 0 && n <= 5 ? w[n] : NULL;
}

static void amount(struct pst_buf *b, int n, const char *one, const char *many, bool more)
{
	const char *w = count_word(n);
	if (w)
		pst_buf_puts(b, w);
	else
		pst_buf_printf(b, "%d", n);
	pst_buf_printf(b, more ? " more %s" : " %s fewer", n == 1 ? one : many);
}

/* "two more repetitions (12 instead of 10)": the field that changed between doses. */
static void step_words(struct pst_buf *b, const struct pst_dose *from, const struct pst_dose *to)
{
	if (from->reps.lo != to->reps.lo) {
		int d = to->reps.lo - from->reps.lo;
		amount(b, abs(d), "repetition", "repetitions", d > 0);
		pst_buf_printf(b, " (%d instead of %d)", to->reps.lo, from->reps.lo);
	} else if (from->sets.lo != to->sets.lo) {
		int d = to->sets.lo - from->sets.lo;
		amount(b, abs(d), "set", "sets", d > 0);
		pst_buf_printf(b, " (%d instead of %d)", to->sets.lo, from->sets.lo);
	} else if (from->hold_s.lo != to->hold_s.lo) {
		pst_buf_printf(b, "%s holds (%d s instead of %d s)",
			       to->hold_s.lo > from->hold_s.lo ? "longer" : "shorter", to->hold_s.lo,
			       from->hold_s.lo);
	} else if (from->breaths.lo != to->breaths.lo) {
		int d = to->breaths.lo - from->breaths.lo;
		amount(b, abs(d), "breath", "breaths", d > 0);
		pst_buf_printf(b, " (%d instead of %d)", to->breaths.lo, from->breaths.lo);
	} else {
		pst_buf_puts(b, "the same dose");
	}
}

static void cause_words(struct pst_buf *b, const struct why *w, int64_t day)
{
	char d1[16], d2[16];
	pst_day_format(day, d1, sizeof d1);
	switch (w->cause) {
	case CAUSE_CALM: {
		bool easy = true, right = true;
		for (int i = 0; i < PST_PROG_CALM_SESSIONS; i++) {
			easy &= w->fb[i] == PST_FB_EASY;
			right &= w->fb[i] == PST_FB_RIGHT;
		}
		pst_buf_printf(b, "%s twice in a row, %s",
			       easy ? "Easy" : right ? "About right" : "Easy or about right",
			       w->pain_known ? "with pain at most 3/10"
					     : "with no pain above 3/10 reported");
		break;
	}
	case CAUSE_HURT:
		pst_buf_printf(b, "It hurt in your session on %s", d1);
		break;
	case CAUSE_PAIN:
		pst_buf_printf(b, "Pain during it was %d/10 in your session on %s, above %d/10", w->pain,
			       d1, PST_PROG_PAIN_MAX);
		break;
	case CAUSE_NEXT_DAY:
		pst_day_format(w->after_day, d2, sizeof d2);
		pst_buf_printf(b,
			       "Your pain on %s, the day after your session, was %d/10: higher than "
			       "the %d/10 before it",
			       d2, w->after, w->before);
		break;
	case CAUSE_MORNING:
		pst_day_format(w->week, d2, sizeof d2);
		pst_buf_printf(b,
			       "Your morning pain rose in the week of %s: %.1f/10 on average, up from "
			       "%.1f/10 the week before",
			       d2, w->morning_to, w->morning_from);
		break;
	}
}

static const char *reason_text(struct pst_arena *a, const struct pst_prog_change *ch,
			       const struct why *w)
{
	struct pst_buf b;
	pst_buf_init(&b, 2048);
	cause_words(&b, w, ch->day);
	pst_buf_puts(&b, ": ");
	switch (w->outcome) {
	case OUT_STEP:
		step_words(&b, &ch->from_dose, &ch->to_dose);
		pst_buf_puts(&b, ".");
		break;
	case OUT_VARIANT:
		if (ch->dir == PST_PROG_UP)
			pst_buf_printf(&b, "%s is at its top dose, so move on to %s, a harder version",
				       ch->from_ex->name, ch->to_ex->name);
		else if (w->came_back)
			pst_buf_printf(&b, "back to %s, the exercise you progressed from",
				       ch->to_ex->name);
		else
			pst_buf_printf(&b, "%s is at its starting dose, so change to %s, an easier "
					   "version",
				       ch->from_ex->name, ch->to_ex->name);
		pst_buf_puts(&b, w->kept_level ? ", at the dose you already do it at."
					       : ", at its starting dose.");
		break;
	case OUT_STAY:
		pst_buf_puts(&b, "it is already at its starting dose and there is no easier version "
				 "for you, so keep it there and go gently. If it keeps hurting, leave "
				 "it out and ask your midwife, doctor or physiotherapist.");
		break;
	}
	const char *s = b.failed ? NULL : pst_arena_strdup(a, b.s);
	pst_buf_free(&b);
	return s;
}

/* --- building and resolving ---------------------------------------------------- */

static const struct pst_prog_entry *find_entry(const struct pst_progression *pr, const char *id)
{
	size_t lo = 0, hi = pr->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(pr->v[mid].ex->id, id);
		if (c == 0)
			return &pr->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct pst_prog_entry *pst_progression_find(const struct pst_progression *pr,
						  const char *id)
{
	return pr && id ? find_entry(pr, id) : NULL;
}

void pst_progression_resolve(const struct pst_progression *pr, const struct pst_exercise *e,
			     const struct pst_profile *p, struct pst_prog_state *out)
{
	*out = (struct pst_prog_state){.ex = e, .dose = pst_dose_start(&e->dose)};
	const struct pst_prog_entry *en = pst_progression_find(pr, e->id);
	if (!en)
		return;
	out->known = true;
	/* Walk the moves; the chain has no cycles (a move always ends at an exercise that
	 * has not moved), and the bound keeps a damaged one finite. */
	const struct pst_prog_entry *at = en, *best = en;
	const struct pst_prog_change *change = NULL, *upto = NULL;
	for (size_t steps = 0; steps <= pr->n; steps++) {
		if (at != en && !pst_rules_excluding(at->ex, p)) {
			best = at;
			upto = change;
		}
		if (!at->moved_to)
			break;
		if (at->changed && (!change || at->last.seq > change->seq))
			change = &at->last;
		const struct pst_prog_entry *next = pst_progression_find(pr, at->moved_to->id);
		if (!next)
			break;
		at = next;
	}
	if (best == en)
		upto = NULL;
	/* The exercise settled on: its own changes count unless it has moved on since
	 * (under p the move away is not taken). */
	if (!best->moved_to && best->changed && (!upto || best->last.seq > upto->seq))
		upto = &best->last;
	/* e itself when it stays: the caller's pointer, whatever catalogue pr was built on. */
	out->ex = best == en ? e : best->ex;
	out->level = best->level;
	out->dose = pst_dose_at_level(&out->ex->dose, best->level);
	out->change = upto;
}

void pst_progression_abort(struct pst_prog_builder *b)
{
	if (!b)
		return;
	free(b->r.st);
	free(b->r.ck);
	free(b->r.rises);
	free(b->touched);
	free(b);
}

int pst_progression_begin(const struct pst_catalog *c, const struct pst_profile *p,
			  struct pst_prog_builder **out)
{
	struct pst_prog_builder *b = calloc(1, sizeof(*b));
	*out = NULL;
	if (!b)
		return PST_ENOMEM;
	b->r.c = c;
	b->r.p = p;
	b->r.st = calloc(c->n ? c->n : 1, sizeof(*b->r.st));
	b->touched = malloc((c->n ? c->n : 1) * sizeof(*b->touched));
	if (!b->r.st || !b->touched) {
		pst_progression_abort(b);
		return PST_ENOMEM;
	}
	*out = b;
	return PST_OK;
}

/* Room for n more entries; PST_EINVAL once a session came, or when check-ins and days
 * would be mixed. */
static int ck_room(struct pst_prog_builder *b, size_t n, bool days)
{
	if (b->ready || (b->r.nck && b->r.days != days))
		return PST_EINVAL;
	b->r.days = days;
	if (n > UINT32_MAX - b->r.nck)
		return PST_ENOMEM;
	if (b->r.nck + n > b->r.ck_cap) {
		size_t cap = b->r.ck_cap ? b->r.ck_cap : 256;
		while (cap < b->r.nck + n)
			cap *= 2;
		struct ck *v = realloc(b->r.ck, cap * sizeof(*v));
		if (!v)
			return PST_ENOMEM;
		b->r.ck = v;
		b->r.ck_cap = cap;
	}
	return PST_OK;
}

int pst_progression_add_checkins(struct pst_prog_builder *b, const struct pst_checkin *checkins,
				 size_t n)
{
	if (!n)
		return PST_OK;
	int err = ck_room(b, n, false);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		const struct pst_checkin *c = &checkins[i];
		int64_t secs = c->at.epoch + (int64_t)c->at.offset_min * 60;
		int64_t sod = ((secs % 86400) + 86400) % 86400;
		bool morning = sod < PST_PROG_MORNING_END_H * 3600;
		b->r.ck[b->r.nck] = (struct ck){pst_time_day(c->at), c->at.epoch, (uint32_t)b->r.nck,
						(int16_t)c->pain, (int16_t)c->pain, morning,
						morning ? c->pain : 0};
		b->r.nck++;
	}
	return PST_OK;
}

int pst_progression_add_days(struct pst_prog_builder *b, const struct pst_checkin_day *days,
			     size_t n)
{
	if (!n)
		return PST_OK;
	int err = ck_room(b, n, true);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		const struct pst_checkin_day *d = &days[i];
		if (!d->count)
			continue;
		b->r.ck[b->r.nck] = (struct ck){d->day, d->last_at.epoch, (uint32_t)b->r.nck,
						(int16_t)d->last_pain, (int16_t)d->max,
						d->morning_count, d->morning_sum};
		b->r.nck++;
	}
	return PST_OK;
}

int pst_progression_add_sessions(struct pst_prog_builder *b, const struct pst_session_log *sessions,
				 size_t n)
{
	if (n && !ready(b))
		return PST_ENOMEM;
	for (size_t i = 0; i < n; i++)
		add_session(b, &sessions[i]);
	return PST_OK;
}

int pst_progression_finish(struct pst_prog_builder *b, struct pst_progression **out)
{
	*out = NULL;
	struct replay *r = &b->r;
	const struct pst_catalog *c = r->c;
	struct pst_progression *pr = NULL;
	int err = PST_ENOMEM;
	if (!ready(b))
		goto out;
	day_end(b);
	apply_rises(r, INT64_MAX);
	if (!(pr = calloc(1, sizeof(*pr))) || !(pr->arena = pst_arena_new()))
		goto out;
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		n += r->st[i].e.ex != NULL;
	pr->v = pst_arena_alloc(pr->arena, (n ? n : 1) * sizeof(*pr->v));
	if (!pr->v)
		goto out;
	for (size_t i = 0; i < c->n; i++) {
		struct state *s = &r->st[i];
		if (!s->e.ex)
			continue;
		if (s->e.changed && !(s->e.last.reason = reason_text(pr->arena, &s->e.last, &s->why)))
			goto out;
		pr->v[pr->n++] = s->e;
	}
	for (size_t i = 0; i < pr->n; i++) {
		struct pst_prog_entry *e = &pr->v[i];
		struct pst_prog_state st;
		pst_progression_resolve(pr, e->ex, r->p, &st);
		e->current = st.ex;
		e->current_level = st.level;
		e->current_dose = st.dose;
		e->current_change = st.change;
	}
	*out = pr;
	pr = NULL;
	err = PST_OK;
out:
	pst_progression_free(pr);
	pst_progression_abort(b);
	return err;
}

static int build(const struct pst_catalog *c, const struct pst_profile *p,
		 const struct pst_checkin *checkins, size_t ncheckins,
		 const struct pst_checkin_day *days, size_t ndays,
		 const struct pst_session_log *sessions, size_t nsessions, struct pst_progression **out)
{
	*out = NULL;
	struct pst_prog_builder *b = NULL;
	struct order *ord = malloc((nsessions ? nsessions : 1) * sizeof(*ord));
	int err = ord ? pst_progression_begin(c, p, &b) : PST_ENOMEM;
	if (!err)
		err = days ? pst_progression_add_days(b, days, ndays)
			   : pst_progression_add_checkins(b, checkins, ncheckins);
	if (!err && !ready(b))
		err = PST_ENOMEM;
	if (err) {
		free(ord);
		pst_progression_abort(b);
		return err;
	}
	/* The sessions in time order, ties in the order given. */
	for (size_t i = 0; i < nsessions; i++)
		ord[i] = (struct order){sessions[i].at.epoch, i};
	qsort(ord, nsessions, sizeof(*ord), order_cmp);
	for (size_t i = 0; i < nsessions; i++)
		add_session(b, &sessions[ord[i].idx]);
	free(ord);
	return pst_progression_finish(b, out);
}

void pst_progression_free(struct pst_progression *pr)
{
	if (!pr)
		return;
	pst_arena_free(pr->arena);
	free(pr);
}

int pst_progression_build(const struct pst_catalog *c, const struct pst_profile *p,
			  const struct pst_checkin *checkins, size_t ncheckins,
			  const struct pst_session_log *sessions, size_t nsessions,
			  struct pst_progression **out)
{
	return build(c, p, checkins, ncheckins, NULL, 0, sessions, nsessions, out);
}

int pst_progression_build_days(const struct pst_catalog *c, const struct pst_profile *p,
			       const struct pst_checkin_day *days, size_t ndays,
			       const struct pst_session_log *sessions, size_t nsessions,
			       struct pst_progression **out)
{
	static const struct pst_checkin_day none;
	return build(c, p, NULL, 0, days ? days : &none, ndays, sessions, nsessions, out);
}
