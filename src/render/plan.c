/* Views of a plan: JSON (the web API's shape) and readable text for the terminal. */
#include "plan.h"

#include <string.h>

#include "cite.h"
#include "json.h"
#include "text.h"

json_t *pst_json_stage(const struct pst_profile *p)
{
	char words[96];
	json_t *o = json_pack("{s:s, s:i}", "stage", pst_vocab_word(&pst_vocab_stage, (int)p->stage),
			      "weeks", p->weeks);
	if (p->stage == PST_STAGE_POSTPARTUM) {
		json_object_set_new(o, "birth", json_string(pst_vocab_word(&pst_vocab_birth, (int)p->birth)));
		if (p->feeding != PST_FEED_UNKNOWN)
			json_object_set_new(o, "feeding",
					    json_string(pst_vocab_word(&pst_vocab_feeding, (int)p->feeding)));
	}
	json_object_set_new(o, "words", json_string(pst_profile_stage_words(p, words, sizeof words)));
	return o;
}

/* A prescribed dose: one number per field (the catalogue gives ranges), and in words. */
static json_t *prescribed_json(const struct pst_dose *d)
{
	json_t *o = json_pack("{s:i}", "sets", d->sets.lo);
	if (d->reps.lo)
		json_object_set_new(o, "reps", json_integer(d->reps.lo));
	if (d->hold_s.lo)
		json_object_set_new(o, "hold_s", json_integer(d->hold_s.lo));
	if (d->breaths.lo)
		json_object_set_new(o, "breaths", json_integer(d->breaths.lo));
	json_object_set_new(o, "per_side", json_boolean(d->per_side));
	if (d->tempo)
		json_object_set_new(o, "tempo", json_string(d->tempo));
	if (d->rep_s)
		json_object_set_new(o, "rep_s", json_integer(d->rep_s));
	json_object_set_new(o, "rest_s", json_integer(d->rest_s));
	struct pst_buf b;
	pst_buf_init(&b, 1024);
	pst_text_dose(&b, d);
	json_object_set_new(o, "text", json_string(b.failed ? "" : b.s));
	pst_buf_free(&b);
	return o;
}

/* One side of a progression change: {"id", "level", "dose"}, the dose in words. */
static json_t *prog_point_json(const struct pst_exercise *e, int level, const struct pst_dose *d)
{
	struct pst_buf b;
	pst_buf_init(&b, 1024);
	pst_text_dose(&b, d);
	json_t *o = json_pack("{s:s, s:i, s:s}", "id", e->id, "level", level, "dose",
			      b.failed ? "" : b.s);
	pst_buf_free(&b);
	return o;
}

/* {"change": "up|down|stay", "day", "from", "to", "reason", "level", "fitted_to_time"}:
 * the last change of the person's progression; level is the level used in this plan. */
static json_t *progression_json(const struct pst_plan_item *it)
{
	const struct pst_prog_change *ch = it->progression;
	if (!ch)
		return json_null();
	char day[16];
	return json_pack("{s:s, s:s, s:o, s:o, s:s, s:i, s:b}", "change",
			 pst_vocab_word(&pst_vocab_prog_dir, (int)ch->dir), "day",
			 pst_day_format(ch->day, day, sizeof day), "from",
			 prog_point_json(ch->from_ex, ch->from_level, &ch->from_dose), "to",
			 prog_point_json(ch->to_ex, ch->to_level, &ch->to_dose), "reason", ch->reason,
			 "level", it->level, "fitted_to_time", it->fitted);
}

static json_t *item_json(const struct pst_plan_item *it, bool full)
{
	const struct pst_exercise *e = it->ex;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:i}", "id", e->id, "name", e->name, "kind",
			      pst_vocab_word(&pst_vocab_kind, (int)e->kind), "position",
			      pst_vocab_word(&pst_vocab_position, (int)e->position), "dose",
			      prescribed_json(&it->dose), "estimated_seconds", it->seconds);
	if (!full)
		return o;
	json_object_set_new(o, "equipment", pst_json_mask(&pst_vocab_equipment, e->equipment));
	json_object_set_new(o, "why", json_string(it->why));
	json_object_set_new(o, "source", pst_json_source(e));
	if (it->replaces)
		json_object_set_new(o, "replaces", json_string(it->replaces->id));
	json_t *cau = json_array();
	for (size_t i = 0; i < it->ncautions; i++)
		json_array_append_new(cau, json_pack("{s:s, s:s, s:o}", "rule", it->cautions[i]->id,
						     "reason", it->cautions[i]->reason, "sources",
						     pst_json_cites(&it->cautions[i]->sources)));
	json_object_set_new(o, "cautions", cau);
	json_object_set_new(o, "progression", progression_json(it));
	/* An assigned programme's (core/programme.h): the clinician's note, and the reason
	 * it is there although a rule leaves it out. */
	if (it->note)
		json_object_set_new(o, "note", json_string(it->note));
	if (it->override_reason)
		json_object_set_new(o, "override",
				    json_pack("{s:s, s:s}", "rule", it->override_rule ? it->override_rule : "",
					      "reason", it->override_reason));
	return o;
}

json_t *pst_json_plan(const struct pst_plan *plan)
{
	json_t *o = json_object();
	json_object_set_new(o, "screened", json_boolean(plan->screened));
	json_object_set_new(o, "outcome", plan->screened
						 ? json_string(pst_vocab_word(&pst_vocab_outcome, (int)plan->outcome))
						 : json_string("not-screened"));
	if (plan->has_screened_at) {
		char at[40];
		pst_time_format(plan->screened_at, at, sizeof at);
		json_object_set_new(o, "screened_at", json_string(at));
	}
	json_object_set_new(o, "stage", pst_json_stage(&plan->profile));
	json_object_set_new(o, "stage_why", plan->stage_why ? json_string(plan->stage_why) : json_null());
	if (plan->assigned) { /* the clinician's programme, not the planner's choice */
		json_object_set_new(o, "assigned", json_true());
		json_object_set_new(o, "programme_note",
				    plan->programme_note ? json_string(plan->programme_note) : json_null());
	}
	json_object_set_new(o, "minutes_budget", json_integer(plan->profile.minutes));
	json_object_set_new(o, "estimated_seconds", json_integer(plan->estimated_s));
	json_object_set_new(o, "sessions_per_week", json_integer(plan->sessions_per_week));
	json_t *sched = json_array();
	for (int d = 0; d < PST_DAYS; d++)
		json_array_append_new(sched, json_pack("{s:s, s:b, s:b}", "day", pst_day_names[d],
						       "session", plan->session_days[d], "relief_break",
						       1));
	json_object_set_new(o, "schedule", sched);
	json_t *rel = json_array();
	for (size_t i = 0; i < plan->nrelief; i++)
		json_array_append_new(rel, item_json(&plan->relief[i], false));
	json_object_set_new(o, "relief_break",
			    json_pack("{s:o, s:i}", "exercises", rel, "estimated_seconds", plan->relief_s));
	json_t *ex = json_array();
	for (size_t i = 0; i < plan->nitems; i++)
		json_array_append_new(ex, item_json(&plan->items[i], true));
	json_object_set_new(o, "exercises", ex);
	json_t *exc = json_array();
	for (size_t i = 0; i < plan->nexcluded; i++) {
		const struct pst_plan_excluded *x = &plan->excluded[i];
		json_t *xo = json_pack("{s:s, s:s, s:s}", "id", x->ex->id, "rule", x->rule, "reason",
				       x->reason);
		if (x->sources)
			json_object_set_new(xo, "sources", pst_json_cites(x->sources));
		if (x->replaced_by)
			json_object_set_new(xo, "replaced_by", json_string(x->replaced_by->id));
		if (x->optional)
			json_object_set_new(xo, "optional", json_true());
		json_array_append_new(exc, xo);
	}
	json_object_set_new(o, "excluded", exc);
	/* Floor work in the first two weeks after birth: offered, never planned. */
	json_t *opt = json_array();
	for (size_t i = 0; i < plan->noptional; i++) {
		json_t *io = item_json(&plan->optional[i], false);
		json_object_set_new(io, "why", json_string(plan->optional[i].why));
		json_t *cau = json_array();
		for (size_t k = 0; k < plan->optional[i].ncautions; k++)
			json_array_append_new(cau, json_pack("{s:s, s:s}", "rule",
							     plan->optional[i].cautions[k]->id, "reason",
							     plan->optional[i].cautions[k]->reason));
		json_object_set_new(io, "cautions", cau);
		json_array_append_new(opt, io);
	}
	json_object_set_new(o, "optional", opt);
	json_t *w = json_array();
	for (size_t i = 0; i < plan->nwarnings; i++)
		json_array_append_new(w, json_string(plan->warnings[i]));
	json_object_set_new(o, "warnings", w);
	json_t *tips = json_array();
	for (size_t i = 0; i < plan->ntips; i++)
		json_array_append_new(tips, json_string(plan->tips[i]->id));
	json_object_set_new(o, "tips", tips);
	return o;
}

json_t *pst_json_plan_referral(const struct pst_profile *p, json_t *referral)
{
	json_t *outcome = json_object_get(referral, "outcome");
	return json_pack("{s:b, s:O, s:o, s:o}", "screened", 1, "outcome", outcome, "stage",
			 pst_json_stage(p), "referral", referral);
}

void pst_text_duration(struct pst_buf *b, int seconds)
{
	int m = seconds / 60, s = seconds % 60;
	if (m && s)
		pst_buf_printf(b, "%d min %d s", m, s);
	else if (m)
		pst_buf_printf(b, "%d min", m);
	else
		pst_buf_printf(b, "%d s", s);
}

void pst_text_plan_time(struct pst_buf *b, const struct pst_plan *plan)
{
	pst_buf_puts(b, "about ");
	pst_text_duration(b, plan->estimated_s);
	if (plan->estimated_s > plan->profile.minutes * 60) {
		pst_buf_printf(b, ", a little over the %d minutes you set aside", plan->profile.minutes);
		return;
	}
	pst_buf_printf(b, " of the %d minutes you set aside", plan->profile.minutes);
	if (plan->profile.minutes * 60 - plan->estimated_s >= 60)
		pst_buf_puts(b, "; the doses start small and grow as you progress, and the time "
				"left is for the relief break or a walk");
}

static const char *const day_words[PST_DAYS] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

void pst_text_plan(struct pst_buf *b, const struct pst_plan *plan, const struct pst_questions *q)
{
	char words[96];
	const struct pst_profile *p = &plan->profile;
	pst_buf_printf(b, "Your plan: %s, %d minutes a session, %d sessions a week\n",
		       pst_profile_stage_words(p, words, sizeof words), p->minutes,
		       plan->sessions_per_week);
	if (plan->has_screened_at) {
		char day[16];
		pst_day_format(pst_time_day(plan->screened_at), day, sizeof day);
		pst_buf_printf(b, "Safety questions answered on %s: %s\n", day,
			       plan->outcome == PST_OUT_CLEARANCE ? "wait for your provider's OK"
			       : plan->outcome == PST_OUT_NOTE ? "a note for your next appointment"
							       : "no warning signs");
	}
	if (plan->assigned) {
		pst_buf_puts(b, "\nYour clinician chose this programme for you.\n");
		if (plan->programme_note)
			pst_text_wrap(b, plan->programme_note, "  ", "  From your clinician: ", 78);
	}
	if (plan->stage_why) {
		pst_buf_puts(b, "\n");
		pst_text_wrap(b, plan->stage_why, "  ", "For your stage: ", 78);
	}
	if (plan->nwarnings) {
		pst_buf_puts(b, "\nBefore you start\n");
		for (size_t i = 0; i < plan->nwarnings; i++)
			pst_text_wrap(b, plan->warnings[i], "    ", "  ! ", 78);
	}
	pst_buf_puts(b, "\nRoutine (about ");
	pst_text_duration(b, plan->estimated_s);
	pst_buf_printf(b, plan->estimated_s > p->minutes * 60 ? ", a little over your %d minutes)\n"
							       : " of your %d minutes)\n",
		       p->minutes);
	for (size_t i = 0; i < plan->nitems; i++) {
		const struct pst_plan_item *it = &plan->items[i];
		const struct pst_exercise *e = it->ex;
		pst_buf_printf(b, "\n %2zu. %s\n", i + 1, e->name);
		pst_buf_printf(b, "     %s, %s", pst_vocab_plain(&pst_vocab_kind, (int)e->kind),
			       pst_vocab_plain(&pst_vocab_position, (int)e->position));
		if (e->equipment) {
			pst_buf_puts(b, ", ");
			pst_text_mask(b, &pst_vocab_equipment, e->equipment, "");
		}
		pst_buf_puts(b, "; about ");
		pst_text_duration(b, it->seconds);
		pst_buf_puts(b, "\n");
		struct pst_buf d;
		pst_buf_init(&d, 1024);
		pst_text_dose(&d, &it->dose);
		pst_text_wrap(b, d.s ? d.s : "", "           ", "     Dose: ", 78);
		pst_buf_free(&d);
		pst_text_wrap(b, it->why, "           ", "     Why:  ", 78);
		if (it->note)
			pst_text_wrap(b, it->note, "                ", "     Clinician: ", 78);
		if (it->override_reason) {
			char *w = pst_arena_printf(plan->arena, "%s leaves it out (%s); your clinician's "
								"reason: %s",
						   "A safety rule", it->override_rule ? it->override_rule : "",
						   it->override_reason);
			pst_text_wrap(b, w ? w : it->override_reason, "           ", "     Note: ", 78);
		}
		if (it->progression)
			pst_text_wrap(b, it->progression->reason, "               ", "     Progress: ",
				      78);
		for (size_t k = 0; k < it->ncautions; k++)
			pst_text_wrap(b, it->cautions[k]->reason, "           ", "     Note: ", 78);
		struct pst_buf sb;
		pst_buf_init(&sb, 8192);
		pst_cite_exercise(&sb, e);
		pst_text_wrap(b, sb.s ? sb.s : "", "              ", "     Sources: ", 78);
		pst_buf_free(&sb);
	}
	pst_buf_puts(b, "\nWeek\n");
	for (int d = 0; d < PST_DAYS; d++)
		pst_buf_printf(b, "  %s  %s\n", day_words[d],
			       plan->session_days[d] ? "session + relief break" : "relief break");
	if (plan->nrelief) {
		pst_buf_puts(b, "\nDaily relief break (about ");
		pst_text_duration(b, plan->relief_s);
		pst_buf_puts(b, "): when your back aches after feeding, holding or sitting\n");
		for (size_t i = 0; i < plan->nrelief; i++) {
			struct pst_buf d;
			pst_buf_init(&d, 1024);
			pst_buf_printf(&d, "%s: ", plan->relief[i].ex->name);
			pst_text_dose(&d, &plan->relief[i].dose);
			pst_text_wrap(b, d.s ? d.s : "", "    ", "  - ", 78);
			pst_buf_free(&d);
		}
	}
	if (plan->noptional) {
		pst_buf_puts(b, "\nOptional floor exercises (not part of your routine)\n");
		pst_text_wrap(b,
			      "In the first two weeks after birth these are not planned. Try one only "
			      "if getting down to the floor and up again is comfortable; skip them if "
			      "not.",
			      "  ", "  ", 78);
		for (size_t i = 0; i < plan->noptional; i++) {
			const struct pst_plan_item *it = &plan->optional[i];
			struct pst_buf d;
			pst_buf_init(&d, 1024);
			pst_buf_printf(&d, "%s (%s): ", it->ex->name,
				       pst_vocab_plain(&pst_vocab_position, (int)it->ex->position));
			pst_text_dose(&d, &it->dose);
			pst_text_wrap(b, d.s ? d.s : "", "    ", "  - ", 78);
			pst_buf_free(&d);
			for (size_t k = 0; k < it->ncautions; k++)
				pst_text_wrap(b, it->cautions[k]->reason, "          ", "    Note: ", 78);
		}
	}
	if (plan->nexcluded) {
		pst_buf_puts(b, "\nLeft out, and why\n");
		for (size_t i = 0; i < plan->nexcluded; i++) {
			const struct pst_plan_excluded *x = &plan->excluded[i];
			struct pst_buf d;
			pst_buf_init(&d, 2048);
			pst_buf_printf(&d, "%s: %s", x->ex->name, x->reason);
			if (x->replaced_by)
				pst_buf_printf(&d, " Instead: %s.", x->replaced_by->name);
			if (x->optional)
				pst_buf_puts(&d, " Offered as optional above.");
			pst_text_wrap(b, d.s ? d.s : "", "    ", "  - ", 78);
			pst_buf_free(&d);
		}
	}
	if (plan->ntips) {
		pst_buf_puts(b, "\nTips for you (postura tips show ID)\n");
		for (size_t i = 0; i < plan->ntips; i++)
			pst_buf_printf(b, "  - %s: %s\n", plan->tips[i]->id, plan->tips[i]->title);
	}
	if (q) {
		pst_buf_puts(b, "\nStop at once and get help if you notice\n");
		for (size_t i = 0; i < q->n; i++)
			if (q->v[i].stop_sign && (q->v[i].stages & PST_BIT(p->stage)))
				pst_text_wrap(b, q->v[i].stop_sign, "    ", "  - ", 78);
	}
	pst_buf_puts(b, "\npostura does not diagnose. If something feels wrong, stop and ask your "
			"doctor,\nmidwife or physiotherapist.\n");
}
