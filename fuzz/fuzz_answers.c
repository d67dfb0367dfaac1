/* libFuzzer harness for the answers parser: any bytes, as a `postura screen` body, then
 * the outcome for every stage, checked against the rules of screen.h. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/screen.h"
#include "data/builtin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The built-in questions: the parser is what is fuzzed, not the loader. */
static const struct pst_questions *questions(void)
{
	return &pst_builtin_questions;
}

/* Checks one result against the contract of pst_screen_evaluate. */
static void check(const struct pst_questions *q, const struct pst_answers *a, unsigned stages,
		  const struct pst_screen_result *r)
{
	size_t yes = 0, unanswered = 0;
	for (size_t i = 0; i < q->n; i++) {
		if (!(q->v[i].stages & stages))
			continue;
		yes += a->v[i] == PST_ANS_YES;
		unanswered += a->v[i] == PST_ANS_UNANSWERED;
	}
	if (r->nreasons != yes || r->nmissing != unanswered)
		__builtin_trap();
	for (size_t i = 1; i < r->nreasons; i++)
		if (r->reasons[i - 1]->outcome > r->reasons[i]->outcome)
			__builtin_trap();
	enum pst_outcome want = PST_OUT_CLEAR;
	if (yes && pst_outcome_is_referral(r->reasons[0]->outcome))
		want = r->reasons[0]->outcome;
	else if (unanswered)
		want = PST_OUT_INCOMPLETE;
	else if (yes)
		want = PST_OUT_CLEARANCE;
	if (r->outcome != want)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct pst_questions *q = questions();
	struct pst_answers a = {0};
	struct pst_diags d = {0};
	int err = pst_answers_parse_json(q, "fuzz", (const char *)data, size, &a, &d);
	/* The contract: all or nothing, and a reason for nothing. */
	if ((err == PST_OK) != (a.v != NULL) || (err == PST_EINVAL && d.n == 0) ||
	    (err == PST_OK && (d.n || a.n != q->n)))
		__builtin_trap();
	for (size_t i = 0; i < d.n; i++)
		free(pst_diag_format(&d.v[i]));
	if (!err) {
		for (unsigned stages = 1; stages < PST_BIT(PST_STAGE__MAX); stages++) {
			struct pst_screen_result r;
			if (pst_screen_evaluate(q, &a, stages, &r) != PST_OK)
				__builtin_trap();
			check(q, &a, stages, &r);
			pst_screen_result_free(&r);
		}
	}
	pst_answers_free(&a);
	pst_diags_clear(&d);
	return 0;
}
