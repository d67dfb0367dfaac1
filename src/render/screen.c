/* Text and JSON views of a screening result: the headline first, then why, then what is left. */
#include "screen.h"

#include <stdio.h>

#include "cite.h"
#include "json.h"
#include "text.h"

enum { WIDTH = 78 };

/* Sets key on o to v (consumed); false when v is NULL or the set fails. */
static bool put(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0;
}

static json_t *json_reason(const struct pst_question *qn)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (put(o, "id", json_string(qn->id)) && put(o, "question", json_string(qn->question)) &&
	    put(o, "outcome",
		json_string(pst_vocab_word(&pst_vocab_outcome, (int)qn->outcome))) &&
	    put(o, "advice", json_string(qn->advice)) && put(o, "sources", pst_json_cites(&qn->sources)))
		return o;
	json_decref(o);
	return NULL;
}

json_t *pst_json_screen_result(const struct pst_screen_result *r)
{
	json_t *o = json_object();
	json_t *reasons = json_array(), *missing = json_array();
	if (!o || !reasons || !missing)
		goto fail;
	for (size_t i = 0; i < r->nreasons; i++)
		if (json_array_append_new(reasons, json_reason(r->reasons[i])) != 0)
			goto fail;
	for (size_t i = 0; i < r->nmissing; i++)
		if (json_array_append_new(missing, json_string(r->missing[i]->id)) != 0)
			goto fail;
	if (!put(o, "outcome", json_string(pst_vocab_word(&pst_vocab_outcome, (int)r->outcome))) ||
	    !put(o, "headline", json_string(pst_outcome_headline(r->outcome))))
		goto fail;
	bool ok = put(o, "reasons", reasons);
	reasons = NULL; /* consumed either way */
	ok = ok && put(o, "missing", missing);
	missing = NULL;
	if (!ok)
		goto fail;
	return o;
fail:
	json_decref(reasons);
	json_decref(missing);
	json_decref(o);
	return NULL;
}

/* What a yes to a question means, in the words of the headlines (never the outcome's code:
 * that is for --json). */
static const char *urgency(enum pst_outcome o)
{
	switch (o) {
	case PST_OUT_EMERGENCY: return "now: call emergency services";
	case PST_OUT_SAME_DAY: return "today";
	case PST_OUT_SEE_PROVIDER: return "book an appointment; no plan until seen";
	case PST_OUT_CLEARANCE: return "your provider's OK before you start";
	case PST_OUT_NOTE: return "the plan is given; mention it at your next appointment";
	default: return pst_vocab_word(&pst_vocab_outcome, (int)o);
	}
}

static void text_reason(struct pst_buf *b, size_t num, const struct pst_question *qn,
			const struct pst_country *c)
{
	char first[32];
	snprintf(first, sizeof first, "%zu. ", num);
	const char *indent = num >= 10 ? "    " : "   ";
	struct pst_buf q;
	pst_buf_init(&q, 1 << 16);
	pst_buf_printf(&q, "%s (%s)", qn->question, qn->id);
	if (q.failed)
		b->failed = true;
	else
		pst_text_wrap(b, q.s, indent, first, WIDTH);
	pst_buf_free(&q);
	pst_buf_printf(b, "%sUrgency: %s\n", indent, urgency(qn->outcome));
	char label[32];
	snprintf(label, sizeof label, "%sWhat to do: ", indent);
	char advice[2048];
	pst_text_wrap(b, pst_country_fill(c, qn->advice, advice, sizeof advice), indent, label, WIDTH);
	snprintf(label, sizeof label, "%sSources: ", indent);
	struct pst_buf sb;
	pst_buf_init(&sb, 8192);
	pst_cite_text(&sb, &qn->sources);
	pst_text_wrap(b, sb.s ? sb.s : "", indent, label, WIDTH);
	pst_buf_free(&sb);
}

void pst_text_numbers(struct pst_buf *b, const struct pst_country *c)
{
	char words[256];
	if (!c) {
		pst_text_wrap(b,
			      "Emergency numbers: 999 in the UK, 112 in the EU and India, 911 in the US "
			      "and Canada, 000 in Australia, 111 in New Zealand. Set your country "
			      "(postura profile set --country CODE) to see your own, with the "
			      "urgent-advice and maternity lines.",
			      "", "", WIDTH);
		return;
	}
	pst_buf_printf(b, "Numbers to call %s:\n", c->in_name);
	pst_buf_printf(b, "  Emergency (ambulance): %s", c->emergency);
	if (c->emergency_also)
		pst_buf_printf(b, " (%s works too)", c->emergency_also);
	pst_buf_puts(b, "\n");
	if (c->urgent)
		pst_buf_printf(b, "  Urgent advice, not an emergency: %s (%s)\n", c->urgent, c->urgent_name);
	pst_buf_printf(b, "  Pregnancy and birth: %s\n",
		       pst_country_maternity_words(c, words, sizeof words));
}

void pst_text_screen_result(struct pst_buf *b, const struct pst_screen_result *r)
{
	pst_text_screen_result_in(b, r, NULL);
}

void pst_text_screen_result_in(struct pst_buf *b, const struct pst_screen_result *r,
			       const struct pst_country *c)
{
	char head[256];
	pst_text_wrap(b, pst_country_fill(c, pst_outcome_headline(r->outcome), head, sizeof head), "",
		      "", WIDTH);
	if (r->outcome == PST_OUT_CLEAR) {
		pst_buf_puts(b, "\n");
		pst_text_wrap(b,
			      "None of the warning signs asked about applies to you. If anything changes, "
			      "answer the questions again, and stop exercising and get help if a "
			      "warning sign comes up during a session.",
			      "", "", WIDTH);
	}
	if (r->nreasons) {
		pst_buf_printf(b, "\nYou answered yes to %zu question%s:\n", r->nreasons,
			       r->nreasons == 1 ? "" : "s");
		for (size_t i = 0; i < r->nreasons; i++) {
			pst_buf_puts(b, "\n");
			text_reason(b, i + 1, r->reasons[i], c);
		}
	}
	/* Whom to call, as the person can dial it. */
	if (r->outcome == PST_OUT_EMERGENCY || r->outcome == PST_OUT_SAME_DAY ||
	    r->outcome == PST_OUT_SEE_PROVIDER) {
		pst_buf_puts(b, "\n");
		pst_text_numbers(b, c);
	}
	/* Unanswered questions matter only while they can still change the outcome. */
	if (r->outcome == PST_OUT_INCOMPLETE) {
		pst_buf_printf(b, "\nNot answered yet (%zu):\n", r->nmissing);
		for (size_t i = 0; i < r->nmissing; i++) {
			char first[64];
			snprintf(first, sizeof first, "  - %s: ", r->missing[i]->id);
			pst_text_wrap(b, r->missing[i]->question, "    ", first, WIDTH);
		}
	}
	pst_buf_puts(b, "\n");
	pst_text_wrap(b,
		      "postura does not diagnose; these questions only decide whether a home "
		      "exercise plan is safe to offer.",
		      "", "", WIDTH);
}

json_t *pst_json_question(const struct pst_question *qn)
{
	json_t *o = json_reason(qn);
	if (!o)
		return NULL;
	json_t *from = json_object();
	for (int st = 0; from && st < PST_STAGE__MAX; st++)
		if ((qn->stages & PST_BIT(st)) &&
		    json_object_set_new(from, pst_vocab_word(&pst_vocab_stage, st),
					json_integer(qn->from_week[st])))
			break;
	if (put(o, "stages", pst_json_mask(&pst_vocab_stage, qn->stages)) &&
	    put(o, "from_week", from) &&
	    put(o, "avoid", pst_json_mask(&pst_vocab_avoid, qn->avoid)) &&
	    put(o, "stop_sign", qn->stop_sign ? json_string(qn->stop_sign) : json_null()))
		return o;
	json_decref(o);
	return NULL;
}

void pst_text_questions(struct pst_buf *b, const struct pst_questions *q, unsigned stages)
{
	size_t n = 0;
	for (size_t i = 0; i < q->n; i++) {
		const struct pst_question *qn = &q->v[i];
		if (!(qn->stages & stages))
			continue;
		pst_buf_printf(b, "%s%s (", n++ ? "\n" : "", qn->id);
		const char *sep = "";
		for (int st = 0; st < PST_STAGE__MAX; st++) {
			if (!(qn->stages & PST_BIT(st)))
				continue;
			pst_buf_printf(b, "%s%s", sep, pst_vocab_word(&pst_vocab_stage, st));
			if (qn->from_week[st])
				pst_buf_printf(b, " from %d weeks", qn->from_week[st]);
			sep = ", ";
		}
		pst_buf_printf(b, "; yes means %s)\n",
			       pst_vocab_word(&pst_vocab_outcome, (int)qn->outcome));
		pst_text_wrap(b, qn->question, "  ", "  ", WIDTH);
	}
	pst_buf_printf(b, "\n%zu question%s\n", n, n == 1 ? "" : "s");
}
