/* postura session: today's plan guided in the terminal, one step at a time -- the steps
 * and cues, holds counted down, repetitions paced, sides, breaths and rests -- then the
 * feedback, logged through the same path as `postura session log`. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "render/cite.h"
#include "render/plan.h"
#include "render/screen.h"
#include "render/text.h"
#include "session.h"
#include "term.h"

/*
 * Timing. A breath is 3 s in and 3 s out, and a hold is followed by 3 s to let go
 * before the next one: the planner's estimate counts 6 s a breath and 3 s around each
 * hold (docs/planner.md, Timing), so the guided session takes about what the plan says.
 */
enum {
	BREATH_IN_S = 3,
	BREATH_OUT_S = 3,
	RELAX_S = 3,
	READY_S = 5,   /* to get into position before an exercise */
	SWITCH_S = 5,  /* to change sides */
	MIN_REST_S = 5 /* between sets when the catalogue gives no rest */
};

/* What one step of the session is. */
enum block_kind {
	BK_INTRO,  /* the exercise: name, dose, steps, cues; waits for Enter */
	BK_READY,  /* get into position */
	BK_WORK,   /* one set on one side: the counted part */
	BK_SWITCH, /* change sides */
	BK_REST,   /* rest between sets */
};

struct block {
	enum block_kind kind;
	size_t item;    /* index into plan->items */
	int set, sets;  /* from 1 */
	int side;       /* 0: no sides, 1: left, 2: right */
	int seconds;    /* of a transition */
	bool done;      /* a work block that ran to its end */
};

/* How the counted part of a dose runs. */
enum work_kind {
	WK_BREATHS, /* paced breaths, in and out */
	WK_HOLDS,   /* holds counted down, with time to let go between them */
	WK_TEMPO,   /* repetitions paced by rep_s */
	WK_KEYS,    /* repetitions without a tempo: the person presses Enter after each */
};

/* What a step ended with. */
enum act {
	ACT_DONE,    /* ran to its end (or Enter on an introduction) */
	ACT_NEXT,    /* n: skip to the next step */
	ACT_BACK,    /* b: go back */
	ACT_FINISH,  /* q, then "log what was done" */
	ACT_ABANDON, /* q, then "quit without logging" */
	ACT_EOF,     /* the terminal went away */
	ACT_NONE,    /* a key that changes nothing here */
	ACT_REDRAW,  /* a message scrolled the step away: show it again */
};

struct guide {
	struct cli *c;
	struct term t;
	const struct pst_plan *plan;
	const struct pst_questions *q;
	struct block *b;
	size_t nb;
	int width;    /* for wrapped text */
	bool paused;
	const char *sep, *ell, *tick, *bold, *norm; /* UTF-8 or ASCII, escapes or none */
	int status_len; /* columns of the status line now shown (for TERM=dumb) */
};

static const char *const side_words[] = {"", "left side", "right side"};

/* --- output -------------------------------------------------------------------- */

/* Writes to the terminal (standard output, checked by cli_write). Short texts only: the
 * long ones go through say_wrapped. */
__attribute__((format(printf, 2, 3))) static void say(struct guide *g, const char *fmt, ...)
{
	(void)g;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		cli_write(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Text wrapped to the terminal, each line after the first starting with indent. */
static void say_wrapped(struct guide *g, const char *text, const char *indent, const char *first)
{
	struct pst_buf b;
	pst_buf_init(&b, 1 << 16);
	pst_text_wrap(&b, text, indent, first, g->width);
	if (!b.failed)
		cli_write(b.s, b.len);
	pst_buf_free(&b);
}

/* Columns taken by s: UTF-8 continuation bytes take none. */
static int columns_of(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Redraws the one status line in place. */
static void status(struct guide *g, const char *s)
{
	char line[512];
	snprintf(line, sizeof line, "  %s", s);
	/* Never wider than the terminal: a wrapped line cannot be redrawn with \r. */
	int max = term_columns() - 1, cols = 0;
	size_t i = 0;
	for (; line[i]; i++) {
		if (((unsigned char)line[i] & 0xc0) != 0x80 && ++cols > max)
			break;
	}
	line[i] = '\0';
	cols = columns_of(line);
	if (g->t.plain) {
		say(g, "\r%s%*s", line, g->status_len > cols ? g->status_len - cols : 0, "");
		if (g->status_len > cols)
			say(g, "\r%s", line);
	} else {
		say(g, "\r%s\033[K", line);
	}
	g->status_len = cols;
}

/* Ends the status line: what it shows stays on the screen. */
static void status_end(struct guide *g)
{
	say(g, "\n");
	g->status_len = 0;
}

/* A bar of at most 20 cells, filled in proportion. */
static void bar(const struct guide *g, char *out, size_t size, int filled, int total)
{
	int cells = total < 20 ? total : 20;
	int on = total ? filled * cells / total : 0;
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < cells && used + 4 < size; i++) {
		const char *c = i < on ? (g->t.utf8 ? "█" : "#") : (g->t.utf8 ? "░" : ".");
		size_t l = strlen(c);
		memcpy(out + used, c, l);
		used += l;
	}
	out[used] = '\0';
}

static void time_left(char *out, size_t size, int seconds)
{
	snprintf(out, size, "%d:%02d left", seconds / 60, seconds % 60);
}

/* --- the stop signs and quitting ------------------------------------------------ */

/* Lists the stop signs of the person's stage, grouped by what to do, and waits. */
static void show_stop_signs(struct guide *g)
{
	const struct pst_questions *q = g->q;
	unsigned stage = PST_BIT(g->plan->profile.stage);
	say(g, "\n\n  %sSTOP SIGNS%s: stop exercising now and get help if you notice any of these.\n",
	    g->bold, g->norm);
	static const enum pst_outcome order[] = {PST_OUT_EMERGENCY, PST_OUT_SAME_DAY,
						 PST_OUT_SEE_PROVIDER, PST_OUT_CLEARANCE};
	for (size_t o = 0; o < sizeof order / sizeof *order; o++) {
		bool any = false;
		for (size_t i = 0; i < q->n; i++) {
			const struct pst_question *qn = &q->v[i];
			if (!qn->stop_sign || !(qn->stages & stage) || qn->outcome != order[o])
				continue;
			if (!any)
				say_wrapped(g, pst_outcome_headline(order[o]), "    ", "\n  ");
			any = true;
			say_wrapped(g, qn->stop_sign, "      ", "    - ");
		}
	}
	say(g, "\n");
	{
		const struct pst_country *cy = cli_country(&g->plan->profile);
		char em[160], mat[160], line[400];
		snprintf(line, sizeof line,
			 "Emergency number%s: %s. Otherwise call your midwife, %s or doctor.",
			 cy ? "" : "s", pst_country_emergency_words(cy, em, sizeof em),
			 cy && cy->maternity ? pst_country_maternity_words(cy, mat, sizeof mat)
					     : "maternity unit");
		say_wrapped(g, line, "  ", "  ");
	}
	say_wrapped(g,
		    "If an exercise itself hurts (more than 3 out of 10), stop that exercise; at "
		    "the end, answer x (it hurt) for it.",
		    "  ", "  ");
	say(g, "\n  Press any key to go back. ");
	term_key(&g->t, -1);
	say(g, "\n\n");
}

/* Marks in done[] the exercises with at least one set finished; returns how many. */
static size_t items_done(const struct guide *g, bool *done)
{
	size_t n = 0;
	for (size_t i = 0; i < g->plan->nitems; i++)
		done[i] = false;
	for (size_t i = 0; i < g->nb; i++)
		if (g->b[i].kind == BK_WORK && g->b[i].done)
			done[g->b[i].item] = true;
	for (size_t i = 0; i < g->plan->nitems; i++)
		n += done[i];
	return n;
}

/* q: asks whether to log what was done. Returns ACT_FINISH, ACT_ABANDON, or ACT_NONE
 * to carry on. */
static enum act ask_quit(struct guide *g)
{
	bool done[64];
	size_t n = g->plan->nitems <= 64 ? items_done(g, done) : 0;
	say(g, "\n\n");
	if (!n) {
		say(g, "  Quit the session? Nothing is done yet, so nothing will be logged.\n"
		       "  y quit%sany other key carries on ",
		    g->sep);
		int k = term_key(&g->t, -1);
		say(g, "\n\n");
		return k == 'y' || k == 'Y' ? ACT_ABANDON : k == TERM_EOF ? ACT_EOF : ACT_NONE;
	}
	say(g, "  Quit the session. Log what you did (%zu exercise%s) first?\n"
	       "  y log it%sn quit without logging%sany other key carries on ",
	    n, n == 1 ? "" : "s", g->sep, g->sep);
	int k = term_key(&g->t, -1);
	say(g, "\n\n");
	if (k == 'y' || k == 'Y')
		return ACT_FINISH;
	if (k == 'n' || k == 'N')
		return ACT_ABANDON;
	return k == TERM_EOF ? ACT_EOF : ACT_NONE;
}

/* --- the steps ------------------------------------------------------------------- */

static enum work_kind work_kind(const struct pst_dose *d)
{
	if (d->breaths.lo)
		return WK_BREATHS;
	if (d->hold_s.lo)
		return WK_HOLDS;
	return d->rep_s ? WK_TEMPO : WK_KEYS;
}

static int reps_of(const struct pst_dose *d)
{
	return d->reps.lo > 0 ? d->reps.lo : 1;
}

/* Seconds the counted part of one set on one side takes (0 for WK_KEYS). */
static int work_seconds(const struct pst_dose *d)
{
	int reps = reps_of(d);
	switch (work_kind(d)) {
	case WK_BREATHS: return reps * d->breaths.lo * (BREATH_IN_S + BREATH_OUT_S);
	case WK_HOLDS: return reps * d->hold_s.lo + (reps - 1) * RELAX_S;
	case WK_TEMPO: return reps * d->rep_s;
	case WK_KEYS: break;
	}
	return 0;
}

static const struct pst_plan_item *item_of(const struct guide *g, const struct block *bk)
{
	return &g->plan->items[bk->item];
}

/* The bold line that opens a work block: "Set 1 of 2 · left side", or the dose. */
static void work_header(struct guide *g, const struct block *bk)
{
	const struct pst_plan_item *it = item_of(g, bk);
	char head[256] = "";
	if (bk->sets > 1)
		snprintf(head, sizeof head, "Set %d of %d", bk->set, bk->sets);
	if (bk->side) {
		size_t l = strlen(head);
		snprintf(head + l, sizeof head - l, "%s%s", l ? g->sep : "",
			 l ? side_words[bk->side] : bk->side == 1 ? "Left side" : "Right side");
	}
	if (!head[0]) {
		struct pst_buf d;
		pst_buf_init(&d, 1024);
		pst_text_dose(&d, &it->dose);
		snprintf(head, sizeof head, "%s", d.failed ? "Go" : d.s);
		pst_buf_free(&d);
		if (head[0] >= 'a' && head[0] <= 'z')
			head[0] = (char)(head[0] - 'a' + 'A');
	}
	say(g, "  %s%s%s\n", g->bold, head, g->norm);
}

/* Draws second e (0 .. n, n being the end) of a timed block. */
static void draw(struct guide *g, const struct block *bk, int e, int n)
{
	const struct pst_dose *d = &item_of(g, bk)->dose;
	char s[400], b[128], left[32];
	time_left(left, sizeof left, n - e);
	if (g->paused) {
		snprintf(s, sizeof s, "%s Paused%sspace to go on%s%s", g->t.utf8 ? "‖" : "||",
			 g->sep, g->sep, left);
		status(g, s);
		return;
	}
	switch (bk->kind) {
	case BK_READY:
		if (e < n)
			snprintf(s, sizeof s, "Get into position%s %d", g->ell, n - e);
		else
			snprintf(s, sizeof s, "Get into position%s go", g->ell);
		break;
	case BK_SWITCH:
		if (e < n)
			snprintf(s, sizeof s, "Now the %s: get into position%s %d",
				 side_words[bk->side], g->ell, n - e);
		else
			snprintf(s, sizeof s, "Now the %s%s go", side_words[bk->side], g->ell);
		break;
	case BK_REST:
		bar(g, b, sizeof b, n - e, n);
		if (e < n)
			snprintf(s, sizeof s, "Rest %3d s  %s", n - e, b);
		else
			snprintf(s, sizeof s, "Rest over%snext set", g->sep);
		break;
	case BK_WORK: {
		int reps = reps_of(d);
		if (e >= n) {
			if (work_kind(d) == WK_BREATHS)
				snprintf(s, sizeof s, "%d slow breaths done %s", reps * d->breaths.lo, g->tick);
			else if (work_kind(d) == WK_HOLDS && reps == 1)
				snprintf(s, sizeof s, "Hold of %d s done %s", d->hold_s.lo, g->tick);
			else if (work_kind(d) == WK_HOLDS)
				snprintf(s, sizeof s, "%d holds of %d s done %s", reps, d->hold_s.lo,
					 g->tick);
			else
				snprintf(s, sizeof s, "%d rep%s done %s", reps, reps == 1 ? "" : "s", g->tick);
			break;
		}
		switch (work_kind(d)) {
		case WK_BREATHS: {
			int per = BREATH_IN_S + BREATH_OUT_S, i = e / per, w = e % per;
			bool in = w < BREATH_IN_S;
			int dots = (in ? w : w - BREATH_IN_S) + 1;
			char dd[16] = "";
			for (int k = 0; k < dots && k < 5; k++)
				strcat(dd, " .");
			snprintf(s, sizeof s, "Breath %d of %d%s%s%s  %s", i + 1, reps * d->breaths.lo,
				 g->sep, in ? "breathe in" : "breathe out", dd, left);
			break;
		}
		case WK_HOLDS: {
			int hold = d->hold_s.lo, per = hold + RELAX_S, r = e / per, w = e % per;
			char rep[48] = "";
			if (reps > 1)
				snprintf(rep, sizeof rep, "Rep %d of %d%s", r + 1, reps, g->sep);
			if (w < hold && reps == 1) {
				bar(g, b, sizeof b, hold - w, hold);
				snprintf(s, sizeof s, "Hold %3d s  %s", hold - w, b);
			} else if (w < hold) {
				bar(g, b, sizeof b, hold - w, hold);
				snprintf(s, sizeof s, "%shold %3d s  %s  %s", rep, hold - w, b, left);
			} else {
				snprintf(s, sizeof s, "%slet go and relax%s %d  %s", rep, g->ell,
					 per - w, left);
			}
			break;
		}
		case WK_TEMPO: {
			int r = e / d->rep_s, w = e % d->rep_s;
			char each[32];
			snprintf(each, sizeof each, "%d s each", d->rep_s);
			bar(g, b, sizeof b, w + 1, d->rep_s);
			char rep[48] = "Once"; /* a single repetition: no "1 of 1" */
			if (reps > 1)
				snprintf(rep, sizeof rep, "Rep %d of %d", r + 1, reps);
			snprintf(s, sizeof s, "%s%s%s  %s  %s", rep, g->sep, d->tempo ? d->tempo : each, b,
				 left);
			break;
		}
		case WK_KEYS: s[0] = '\0'; break;
		}
		break;
	}
	case BK_INTRO: s[0] = '\0'; break;
	}
	status(g, s);
}

/* The keys every step shares: n, b, s, q (space is the caller's). Returns what the key
 * asks for; ACT_REDRAW when a message scrolled the step away and the caller must draw
 * its status again; ACT_NONE for any other key. */
static enum act common_key(struct guide *g, const struct block *bk, int k)
{
	switch (k) {
	case 'n':
	case 'N': return ACT_NEXT;
	case 'b':
	case 'B': return ACT_BACK;
	case TERM_EOF: return ACT_EOF;
	case 's':
	case 'S':
		show_stop_signs(g);
		break;
	case 'q':
	case 'Q':
	case 0x04: { /* Ctrl-D */
		enum act a = ask_quit(g);
		if (a != ACT_NONE)
			return a;
		break;
	}
	default: return ACT_NONE;
	}
	/* A message took the screen: show the step again. */
	if (bk->kind == BK_WORK)
		work_header(g, bk);
	g->status_len = 0;
	return ACT_REDRAW;
}

/* The keys of an introduction, or of the counted steps. */
static void keys_line(struct guide *g, bool intro)
{
	if (intro)
		say(g, "\n  Enter start%sn skip this exercise%sb back%ss stop signs%sq quit\n",
		    g->sep, g->sep, g->sep, g->sep);
	else
		say(g, "  space pause%sn next%sb back%ss stop signs%sq quit\n", g->sep, g->sep,
		    g->sep, g->sep);
}

/* The introduction of an exercise: everything needed to do it, then Enter to start. */
static enum act run_intro(struct guide *g, const struct block *bk)
{
	const struct pst_plan_item *it = item_of(g, bk);
	const struct pst_exercise *e = it->ex;
	/* A rule across the screen, with the exercise in it, marks where it starts. */
	const char *rule = g->t.utf8 ? "━" : "=";
	char head[512];
	snprintf(head, sizeof head, "%s%s %zu of %zu%s%s ", rule, rule, bk->item + 1,
		 g->plan->nitems, g->sep, e->name);
	say(g, "\n%s%s", g->bold, head);
	for (int k = columns_of(head); k < g->width; k++)
		say(g, "%s", rule);
	say(g, "%s\n", g->norm);
	struct pst_buf b;
	pst_buf_init(&b, 1 << 16);
	pst_buf_printf(&b, "%s, %s", pst_vocab_plain(&pst_vocab_kind, (int)e->kind),
		       pst_vocab_plain(&pst_vocab_position, (int)e->position));
	if (e->equipment) {
		pst_buf_puts(&b, ", ");
		pst_text_mask(&b, &pst_vocab_equipment, e->equipment, "");
	}
	pst_buf_puts(&b, "; about ");
	pst_text_duration(&b, it->seconds);
	say_wrapped(g, b.failed ? "" : b.s, "  ", "  ");
	pst_buf_free(&b);
	pst_buf_init(&b, 1 << 16);
	pst_text_dose(&b, &it->dose);
	say_wrapped(g, b.failed ? "" : b.s, "        ", "  Dose: ");
	pst_buf_free(&b);
	if (it->progression)
		say_wrapped(g, it->progression->reason, "        ", "  Progress: ");
	for (size_t k = 0; k < it->ncautions; k++)
		say_wrapped(g, it->cautions[k]->reason, "        ", "  Note: ");
	say(g, "\n  %sHow to do it%s\n", g->bold, g->norm);
	for (size_t k = 0; k < e->steps.n; k++) {
		char first[32];
		snprintf(first, sizeof first, "  %2zu. ", k + 1);
		say_wrapped(g, e->steps.v[k], "      ", first);
	}
	if (e->cues.n) {
		say(g, "  %sThink about%s\n", g->bold, g->norm);
		for (size_t k = 0; k < e->cues.n; k++)
			say_wrapped(g, e->cues.v[k], "      ", "    - ");
	}
	if (e->breathing)
		say_wrapped(g, e->breathing, "    ", "  Breathing: ");
	pst_buf_init(&b, 1 << 16);
	pst_cite_exercise(&b, e);
	say_wrapped(g, b.failed ? "" : b.s, "    ", "  Sources: ");
	pst_buf_free(&b);
	keys_line(g, true);
	for (;;) {
		int k = term_key(&g->t, -1);
		if (k == TERM_ENTER || k == ' ')
			return ACT_DONE;
		enum act a = common_key(g, bk, k);
		if (a == ACT_REDRAW)
			keys_line(g, true);
		else if (a != ACT_NONE)
			return a;
	}
}

/* A timed block of n seconds: ticks once a second, pauses on space. */
static enum act run_timed(struct guide *g, const struct block *bk, int n)
{
	int e = 0;
	g->paused = false;
	draw(g, bk, e, n);
	int64_t next = term_now_ms(&g->t) + 1000, left_ms = 1000;
	while (e < n) {
		int64_t now = term_now_ms(&g->t);
		int k = TERM_TIMEOUT;
		if (g->paused)
			k = term_key(&g->t, -1);
		else if (next > now)
			k = term_key(&g->t, (int)(next - now));
		if (k == TERM_TIMEOUT) {
			now = term_now_ms(&g->t);
			if (now < next)
				continue;
			/* Stopped for a while (Ctrl-Z): go on from here, not in a burst. */
			next = now - next > 1000 ? now + 1000 : next + 1000;
			draw(g, bk, ++e, n);
			continue;
		}
		if (!g->paused) {
			left_ms = next - term_now_ms(&g->t);
			left_ms = left_ms < 0 ? 0 : left_ms > 1000 ? 1000 : left_ms;
		}
		if (k == ' ') {
			g->paused = !g->paused;
		} else {
			enum act a = common_key(g, bk, k);
			if (a != ACT_NONE && a != ACT_REDRAW) {
				g->paused = false;
				if (a == ACT_NEXT)
					say(g, "%sskipped", g->sep);
				status_end(g);
				return a;
			}
		}
		next = term_now_ms(&g->t) + left_ms;
		draw(g, bk, e, n);
	}
	g->paused = false;
	status_end(g);
	return ACT_DONE;
}

/* Repetitions without a tempo: the person presses Enter after each one. */
static enum act run_keyed(struct guide *g, const struct block *bk)
{
	int reps = reps_of(&item_of(g, bk)->dose), done = 0;
	char s[256];
	g->paused = false;
	for (;;) {
		if (done >= reps) {
			snprintf(s, sizeof s, "%d rep%s done %s", reps, reps == 1 ? "" : "s", g->tick);
			status(g, s);
			status_end(g);
			return ACT_DONE;
		}
		if (g->paused)
			snprintf(s, sizeof s, "%s Paused%sspace to go on", g->t.utf8 ? "‖" : "||", g->sep);
		else if (reps == 1)
			snprintf(s, sizeof s, "Once%spress Enter when it is done", g->sep);
		else
			snprintf(s, sizeof s, "Rep %d of %d%spress Enter after each one", done + 1, reps,
				 g->sep);
		status(g, s);
		int k = term_key(&g->t, -1);
		if (k == ' ') {
			g->paused = !g->paused;
		} else if (k == TERM_ENTER) {
			done += !g->paused;
		} else {
			enum act a = common_key(g, bk, k);
			if (a != ACT_NONE && a != ACT_REDRAW) {
				g->paused = false;
				if (a == ACT_NEXT)
					say(g, "%sskipped", g->sep);
				status_end(g);
				return a;
			}
		}
	}
}

/* Runs one step, whatever its kind. */
static enum act run_block(struct guide *g, struct block *bk)
{
	const struct pst_dose *d = &item_of(g, bk)->dose;
	switch (bk->kind) {
	case BK_INTRO: return run_intro(g, bk);
	case BK_READY:
		say(g, "\n");
		keys_line(g, false);
		return run_timed(g, bk, bk->seconds);
	case BK_SWITCH:
	case BK_REST: return run_timed(g, bk, bk->seconds);
	case BK_WORK: break;
	}
	work_header(g, bk);
	if (work_kind(d) == WK_KEYS)
		return run_keyed(g, bk);
	return run_timed(g, bk, work_seconds(d));
}

/* The steps of the whole plan, in order. */
static bool build_blocks(struct guide *g)
{
	size_t cap = 0;
	for (size_t i = 0; i < g->plan->nitems; i++) {
		const struct pst_dose *d = &g->plan->items[i].dose;
		size_t sets = d->sets.lo > 0 ? (size_t)d->sets.lo : 1, sides = d->per_side ? 2 : 1;
		cap += 2 + sets * sides * 2;
	}
	g->b = calloc(cap ? cap : 1, sizeof(*g->b));
	if (!g->b)
		return false;
	for (size_t i = 0; i < g->plan->nitems; i++) {
		const struct pst_dose *d = &g->plan->items[i].dose;
		int sets = d->sets.lo > 0 ? d->sets.lo : 1, sides = d->per_side ? 2 : 1;
		g->b[g->nb++] = (struct block){.kind = BK_INTRO, .item = i};
		g->b[g->nb++] = (struct block){.kind = BK_READY, .item = i, .seconds = READY_S};
		for (int s = 1; s <= sets; s++) {
			if (s > 1)
				g->b[g->nb++] = (struct block){.kind = BK_REST, .item = i, .set = s,
							       .sets = sets,
							       .seconds = d->rest_s > 0 ? d->rest_s : MIN_REST_S};
			for (int side = 1; side <= sides; side++) {
				if (side > 1)
					g->b[g->nb++] = (struct block){.kind = BK_SWITCH, .item = i, .set = s,
								       .sets = sets, .side = side,
								       .seconds = SWITCH_S};
				g->b[g->nb++] = (struct block){.kind = BK_WORK, .item = i, .set = s,
							       .sets = sets,
							       .side = d->per_side ? side : 0};
			}
		}
	}
	return true;
}

/* Where b leads from step i: from an introduction, the previous exercise's; from
 * anywhere else, the previous set (with its get-ready step), or this exercise's
 * introduction when there is none. */
static size_t back_from(const struct guide *g, size_t i)
{
	const struct block *b = g->b;
	if (b[i].kind == BK_INTRO) {
		if (b[i].item == 0)
			return i;
		size_t j = i;
		while (j > 0 && !(b[j - 1].kind == BK_INTRO && b[j - 1].item + 1 == b[i].item))
			j--;
		return j ? j - 1 : 0;
	}
	for (size_t j = i; j > 0;) {
		j--;
		if (b[j].kind == BK_INTRO)
			return j;
		if (b[j].kind == BK_WORK)
			return b[j - 1].kind == BK_READY || b[j - 1].kind == BK_SWITCH ? j - 1 : j;
	}
	return 0;
}

/* The next exercise's introduction (g->nb when there is none). */
static size_t next_intro(const struct guide *g, size_t i)
{
	for (size_t j = i + 1; j < g->nb; j++)
		if (g->b[j].kind == BK_INTRO)
			return j;
	return g->nb;
}

/* --- questions at the start and at the end --------------------------------------- */

/*
 * Reads a whole number from lo to hi, typed and confirmed with Enter (Enter alone gives
 * -1 when optional). s shows the stop signs; q asks whether to quit; b returns ACT_BACK
 * when back is allowed. Returns ACT_DONE with *out set, or how the person left.
 */
static enum act ask_number(struct guide *g, const char *prompt, int lo, int hi, bool optional,
			   bool back, int *out)
{
	char buf[4];
	int n = 0;
	say(g, "%s", prompt);
	for (;;) {
		int k = term_key(&g->t, -1);
		if (k >= '0' && k <= '9' && n < 2) {
			buf[n++] = (char)k;
			say(g, "%c", k);
			continue;
		}
		if (k == TERM_BACKSPACE && n) {
			n--;
			say(g, "\b \b");
			continue;
		}
		if (k == TERM_ENTER) {
			buf[n] = '\0';
			int v = n ? atoi(buf) : -1;
			if ((!n && optional) || (n && v >= lo && v <= hi)) {
				*out = v;
				say(g, "\n");
				return ACT_DONE;
			}
			say(g, "\n  Please type a number from %d to %d, then Enter.\n", lo, hi);
		} else if (k == 'b' && back) {
			say(g, "\n");
			return ACT_BACK;
		} else if (k == 's' || k == 'S') {
			show_stop_signs(g);
		} else if (k == 'q' || k == 'Q' || k == 0x04) {
			say(g, "\n\n  Leave without logging this session? y leave%sany other key "
			       "carries on ",
			    g->sep);
			int y = term_key(&g->t, -1);
			say(g, "\n\n");
			if (y == 'y' || y == 'Y')
				return ACT_ABANDON;
			if (y == TERM_EOF)
				return ACT_EOF;
		} else if (k == TERM_EOF) {
			return ACT_EOF;
		} else {
			continue;
		}
		buf[n] = '\0';
		say(g, "%s%s", prompt[0] == '\n' ? prompt + 1 : prompt, buf);
	}
}

/*
 * Goes on only when the person types "yes" after prompt (which starts with a newline):
 * without screening answers, or when a provider must first say it is OK (the plan's own
 * warning has said why). s on an empty line shows the stop signs.
 */
static enum act confirm(struct guide *g, const char *prompt)
{
	char buf[8];
	int n = 0;
	say(g, "%s", prompt);
	for (;;) {
		int k = term_key(&g->t, -1);
		if (k == TERM_EOF)
			return ACT_EOF;
		if (k == 's' && n == 0) {
			show_stop_signs(g);
			say(g, "%s", prompt + 1);
			continue;
		}
		if (k == TERM_BACKSPACE) {
			if (n) {
				n--;
				say(g, "\b \b");
			}
			continue;
		}
		if (k == TERM_ENTER) {
			buf[n] = '\0';
			say(g, "\n");
			for (int i = 0; i < n; i++)
				buf[i] = (char)(buf[i] >= 'A' && buf[i] <= 'Z' ? buf[i] - 'A' + 'a' : buf[i]);
			return strcmp(buf, "yes") == 0 ? ACT_DONE : ACT_ABANDON;
		}
		if (k > ' ' && k < 0x7f && n < (int)sizeof buf - 1) {
			buf[n++] = (char)k;
			say(g, "%c", k);
		}
	}
}

enum signs_today { SIGNS_NONE, SIGNS_SOME, SIGNS_QUIT };

/* Lists the stop signs of the person's stage and asks whether any is there today: one
 * key, n (none) or y (one or more); q, or the terminal going away, quits. */
static enum signs_today ask_stop_signs(struct guide *g)
{
	const struct pst_questions *q = g->q;
	unsigned stage = PST_BIT(g->plan->profile.stage);
	say(g, "\n  %sStop signs%s: do you have any of these today?\n", g->bold, g->norm);
	for (size_t i = 0; i < q->n; i++)
		if (q->v[i].stop_sign && (q->v[i].stages & stage))
			say_wrapped(g, q->v[i].stop_sign, "      ", "    - ");
	say(g, "\n  n  none of these today, go on%sy  yes, one or more%sq  quit\n  ", g->sep, g->sep);
	for (;;) {
		int k = term_key(&g->t, -1);
		if (k == 'n' || k == 'N') {
			say(g, "n\n");
			return SIGNS_NONE;
		}
		if (k == 'y' || k == 'Y') {
			say(g, "y\n");
			return SIGNS_SOME;
		}
		if (k == 'q' || k == 'Q' || k == TERM_EOF)
			return SIGNS_QUIT;
	}
}

struct feedback {
	int fb;   /* enum pst_feedback, or -1 before it is given */
	int pain; /* pain during, -1 when not given */
};

/* How each exercise done felt, and the pain during it. */
static enum act ask_feedback(struct guide *g, const bool *done, struct feedback *fb)
{
	say(g, "\n  %sHow did each exercise feel?%s  e easy%sr about right%sh hard%sx it hurt\n",
	    g->bold, g->norm, g->sep, g->sep, g->sep);
	size_t prev[64], nprev = 0;
	for (size_t i = 0; i < g->plan->nitems;) {
		if (!done[i]) {
			i++;
			continue;
		}
		const struct pst_plan_item *it = &g->plan->items[i];
		int total = 0, ran = 0;
		for (size_t k = 0; k < g->nb; k++)
			if (g->b[k].kind == BK_WORK && g->b[k].item == i) {
				total++;
				ran += g->b[k].done;
			}
		say(g, "\n  %s%s%s%s\n", g->bold, it->ex->name, g->norm,
		    ran < total ? " (part of it)" : "");
		say(g, "  e, r, h or x: ");
		int k;
		for (;;) {
			k = term_key(&g->t, -1);
			if (k == 'e' || k == 'r' || k == 'h' || k == 'x' || k == TERM_EOF)
				break;
			if (k == 'b' && nprev)
				break;
			if (k == 's' || k == 'S') {
				show_stop_signs(g);
				say(g, "  e, r, h or x: ");
			} else if (k == 'q' || k == 'Q' || k == 0x04) {
				say(g, "\n\n  Leave without logging this session? y leave%sany other "
				       "key carries on ",
				    g->sep);
				int y = term_key(&g->t, -1);
				say(g, "\n\n");
				if (y == 'y' || y == 'Y')
					return ACT_ABANDON;
				say(g, "  e, r, h or x: ");
			}
		}
		if (k == TERM_EOF)
			return ACT_EOF;
		if (k == 'b') {
			say(g, "\n");
			i = prev[--nprev];
			continue;
		}
		static const char *const words[] = {"easy", "about right", "hard", "it hurt"};
		fb[i].fb = k == 'e' ? PST_FB_EASY : k == 'r' ? PST_FB_RIGHT : k == 'h' ? PST_FB_HARD
										   : PST_FB_HURT;
		say(g, "%s\n", words[fb[i].fb]);
		enum act a = ask_number(g, "  Pain during it, 0-10 (Enter to skip): ", 0, 10, true,
					true, &fb[i].pain);
		if (a == ACT_BACK) {
			continue; /* this exercise again */
		}
		if (a != ACT_DONE)
			return a;
		if (nprev < 64)
			prev[nprev++] = i;
		i++;
	}
	return ACT_DONE;
}

/* --- logging ----------------------------------------------------------------------- */

/* The session as the JSON body `session log` reads. Returns a malloc'd string or NULL. */
static char *session_json(const struct guide *g, const bool *done, const struct feedback *fb,
			  int before, int after)
{
	json_t *root = json_object(), *ex = json_array();
	if (!root || !ex) {
		json_decref(root);
		json_decref(ex);
		return NULL;
	}
	json_object_set_new(root, "pain_before", json_integer(before));
	json_object_set_new(root, "pain_after", json_integer(after));
	for (size_t i = 0; i < g->plan->nitems; i++) {
		if (!done[i])
			continue;
		json_t *o = json_pack("{s:s, s:s}", "id", g->plan->items[i].ex->id, "feedback",
				      pst_vocab_word(&pst_vocab_feedback, fb[i].fb));
		if (o && fb[i].pain >= 0)
			json_object_set_new(o, "pain", json_integer(fb[i].pain));
		json_array_append_new(ex, o);
	}
	json_object_set_new(root, "exercises", ex);
	char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	return s;
}

/* Saves the pain given before the session as a check-in (the session itself is not
 * logged). Returns whether it was saved; says why not. */
static bool keep_pain_before(struct guide *g, int pain)
{
	struct pst_time now;
	struct pst_store *s = cli_store(g->c);
	if (!s || !cli_now(&now))
		return false;
	struct pst_checkin ck = {.at = now, .pain = pain};
	if (s->ops->checkin_add(s, &ck, NULL) != PST_OK) {
		cli_error("your pain before could not be kept: %s", s->errmsg);
		return false;
	}
	return true;
}

/* --- the command ------------------------------------------------------------------- */

static const char not_a_terminal[] =
	"'postura session' guides a session in a terminal; to record a session from a file "
	"or a pipe, use 'postura session log FILE|-' (see 'postura session --help')";

/* Runs the steps; returns what ended them (ACT_DONE: the last step finished). */
static enum act run_steps(struct guide *g)
{
	size_t i = 0;
	while (i < g->nb) {
		struct block *bk = &g->b[i];
		enum act a = run_block(g, bk);
		switch (a) {
		case ACT_DONE:
			if (bk->kind == BK_WORK)
				bk->done = true;
			i++;
			break;
		case ACT_NEXT: i = bk->kind == BK_INTRO ? next_intro(g, i) : i + 1; break;
		case ACT_BACK: i = back_from(g, i); break;
		default: return a;
		}
	}
	return ACT_DONE;
}

/* The session from the first screen to the log: returns the exit code. The terminal is
 * in raw mode on entry and restored on every way out. */
static int guided(struct guide *g, struct cli_plan *cp)
{
	const struct pst_plan *plan = g->plan;
	char words[96];
	struct pst_buf b;
	pst_buf_init(&b, 256);
	pst_text_duration(&b, plan->estimated_s);
	say(g, "\n%spostura%s guided session%s%s%s%zu exercise%s, about %s\n", g->bold, g->norm,
	    g->sep, pst_profile_stage_words(&plan->profile, words, sizeof words), g->sep,
	    plan->nitems, plan->nitems == 1 ? "" : "s", b.failed ? "" : b.s);
	pst_buf_free(&b);
	say(g, "  Keys: space pause/resume%sn next%sb back%ss stop signs%sq quit\n", g->sep, g->sep,
	    g->sep, g->sep);
	if (plan->has_screened_at) { /* the saved answers: say when they were given */
		char day[16];
		pst_day_format(pst_time_day(plan->screened_at), day, sizeof day);
		say(g, "  Safety questions answered on %s ('postura screen' to answer again)\n", day);
	}
	if (plan->nwarnings) {
		say(g, "\n  %sBefore you start%s\n", g->bold, g->norm);
		for (size_t i = 0; i < plan->nwarnings; i++)
			say_wrapped(g, plan->warnings[i], "    ", "  ! ");
	}
	if (!plan->screened) {
		enum act a = confirm(g, "\n  To go on without answering them, type yes and press "
					"Enter.\n  Anything else stops here (s shows the stop signs): ");
		if (a != ACT_DONE) {
			term_close(&g->t);
			cli_error("stopped before the session: answer the safety questions first "
				  "('postura screen'), then 'postura session'");
			return EXIT_INCOMPLETE;
		}
	} else if (plan->outcome == PST_OUT_CLEARANCE) {
		enum act a = confirm(g, "\n  Has your provider said these exercises are OK for you? "
					"If so, type yes and\n  press Enter. Anything else stops here "
					"(s shows the stop signs): ");
		if (a != ACT_DONE) {
			term_close(&g->t);
			say(g, "\nStopped: start once your provider says it is OK. Nothing was "
			       "logged.\n");
			return cli_finish(EXIT_OK);
		}
	}
	/* The stop signs are asked before every session (CLINICAL §2). */
	switch (ask_stop_signs(g)) {
	case SIGNS_NONE: break;
	case SIGNS_SOME:
		term_close(&g->t);
		{
			char em[160], line[600];
			snprintf(line, sizeof line,
				 "No session today: with any of these signs, do not exercise. Call "
				 "emergency services (%s) for chest pain, trouble breathing, collapse or "
				 "heavy bleeding; for the others, contact your midwife, maternity unit or "
				 "doctor today. Nothing was logged.",
				 pst_country_emergency_words(cli_country(&g->plan->profile), em, sizeof em));
			say(g, "\n");
			say_wrapped(g, line, "", "");
		}
		return cli_finish(EXIT_REFERRAL);
	case SIGNS_QUIT:
		term_close(&g->t);
		say(g, "\nStopped before the session. Nothing was logged.\n");
		return cli_finish(EXIT_OK);
	}
	say(g, "\n  Stop at once if you notice a warning sign: press s to see them.\n");
	int before = -1, after = -1;
	enum act a = ask_number(g, "\n  Your back pain now, 0 (none) to 10 (worst), then Enter: ",
				0, 10, false, false, &before);
	if (a == ACT_DONE) {
		const char *advice = pst_pain_advice(before);
		if (advice)
			say_wrapped(g, advice, "  ", "  ");
		a = run_steps(g);
	}
	bool done[64] = {0};
	struct feedback fb[64];
	for (size_t i = 0; i < 64; i++)
		fb[i] = (struct feedback){-1, -1};
	size_t ndone = items_done(g, done);
	if (a == ACT_DONE || a == ACT_FINISH) {
		if (a == ACT_DONE && ndone)
			say(g, "\n%sThat is the whole session. Well done.%s\n", g->bold, g->norm);
		if (!ndone) {
			a = ACT_ABANDON;
			say(g, "\n  No exercise was done, so there is no session to log.\n");
		} else {
			a = ask_feedback(g, done, fb);
		}
	}
	/* Nothing done: the pain given before is still today's reading, kept as a check-in. */
	bool kept = false;
	if (a == ACT_ABANDON && !ndone && before >= 0)
		kept = keep_pain_before(g, before);
	if (a == ACT_DONE)
		a = ask_number(g, "\n  Your back pain now, after the session, 0 to 10, then Enter: ",
			       0, 10, false, false, &after);
	term_close(&g->t);
	if (a == ACT_EOF) {
		cli_error("the terminal closed: the session was not logged");
		return EXIT_FAIL;
	}
	if (a != ACT_DONE) {
		if (kept)
			say(g, "\nYour pain before, %d/10, is kept as today's check-in. No session was "
			       "logged.\n",
			    before);
		else
			say(g, "\nNothing was logged.\n");
		return cli_finish(EXIT_OK);
	}
	char *text = session_json(g, done, fb, before, after);
	struct pst_arena *arena = pst_arena_new();
	struct pst_session_log log;
	int code;
	if (!text || !arena) {
		cli_error("out of memory");
		code = EXIT_FAIL;
	} else {
		say(g, "\n");
		code = cli_session_save(g->c, "<session>", text, strlen(text), arena, &log);
		if (code == EXIT_OK) {
			say_wrapped(g,
				    "\nA check-in tomorrow ('postura checkin --pain N') tells postura "
				    "whether this session left your back sorer.",
				    "", "");
			code = cli_finish(EXIT_OK);
		}
	}
	free(text);
	pst_arena_free(arena);
	return code;
}

int cli_session_guide(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"answers", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *answers = NULL;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "session")) != -1) {
		if (o == 'a')
			answers = optarg;
		else if (o == 'h')
			return cli_help(cmd_session_usage);
		else
			return EXIT_USAGE;
	}
	if (optind < argc)
		return cli_extra_arg("session", argv[optind]);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_error("%s", not_a_terminal);
		return EXIT_USAGE;
	}
	if (answers && strcmp(answers, "-") == 0) {
		cli_error("--answers - would read standard input, which is the terminal here; "
			  "give a FILE");
		return EXIT_USAGE;
	}
	struct cli_plan cp;
	int code = cli_plan_build(c, NULL, answers, &cp);
	if (code >= 0) {
		cli_plan_free(&cp);
		return code;
	}
	if (!cp.plan) {
		/* Red flags win: no session, only whom to see and how soon. */
		code = cp.screen.outcome == PST_OUT_INCOMPLETE ? EXIT_INCOMPLETE : EXIT_REFERRAL;
		struct pst_buf b;
		pst_buf_init(&b, 1 << 20);
		pst_buf_puts(&b, "No session: your answers need a professional's attention first.\n\n");
		pst_text_screen_result_in(&b, &cp.screen, cli_country(&cp.profile));
		cli_write(b.s, b.len);
		pst_buf_free(&b);
		cli_plan_free(&cp);
		return cli_finish(code);
	}
	if (!cp.plan->nitems || cp.plan->nitems > 64) {
		cli_error("today's plan has %s exercises to guide", cp.plan->nitems ? "too many" : "no");
		cli_plan_free(&cp);
		return EXIT_FAIL;
	}
	struct guide g = {.c = c, .plan = cp.plan, .q = cli_questions(c)};
	if (!build_blocks(&g)) {
		cli_error("out of memory");
		cli_plan_free(&cp);
		return EXIT_FAIL;
	}
	if (!term_open(&g.t)) {
		free(g.b);
		cli_plan_free(&cp);
		return EXIT_FAIL;
	}
	int cols = term_columns();
	g.width = cols - 1 < 78 ? (cols - 1 < 40 ? 40 : cols - 1) : 78;
	g.sep = g.t.utf8 ? " · " : " - ";
	g.ell = g.t.utf8 ? "…" : "...";
	g.tick = g.t.utf8 ? "✓" : "(done)";
	g.bold = g.t.plain ? "" : "\033[1m";
	g.norm = g.t.plain ? "" : "\033[0m";
	code = guided(&g, &cp);
	term_close(&g.t);
	free(g.b);
	cli_plan_free(&cp);
	return code;
}
