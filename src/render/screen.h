/* Text and JSON views of a screening result, shared by `postura screen` and the plan. */
#ifndef PST_RENDER_SCREEN_H
#define PST_RENDER_SCREEN_H

#include <jansson.h>

#include "core/base.h"
#include "core/country.h"
#include "core/screen.h"

/*
 * Returns a new JSON object for r: {"outcome", "headline", "reasons": [{"id",
 * "question", "outcome", "advice", "source"}], "missing": [ids]}, reasons most urgent
 * first. The plan embeds the same object as "referral". The caller owns the reference;
 * NULL when out of memory.
 */
json_t *pst_json_screen_result(const struct pst_screen_result *r);

/*
 * Appends r for the terminal: the headline first, then every yes with what to do and
 * its source, then (when the answers are incomplete) the questions still to answer.
 * Lines are wrapped at 78 columns. Out of memory shows in b->failed.
 */
void pst_text_screen_result(struct pst_buf *b, const struct pst_screen_result *r);
/* The same for a person in country c (NULL: not known): the advice names c's numbers,
 * and a referral ends with the numbers to call (pst_text_numbers). */
void pst_text_screen_result_in(struct pst_buf *b, const struct pst_screen_result *r,
			       const struct pst_country *c);

/* The numbers to call in c: emergency, urgent advice and the maternity line (or "your
 * maternity unit's number"); every country's emergency number when c is NULL, with how
 * to set one. */
void pst_text_numbers(struct pst_buf *b, const struct pst_country *c);

/* Returns a new JSON object for one question: id, question, stages, outcome, advice,
 * source, stop_sign. The caller owns the reference; NULL when out of memory. */
json_t *pst_json_question(const struct pst_question *qn);

/* Appends the questions asked in any of stages, one block each: id, when it is asked,
 * what a yes means, and the question. */
void pst_text_questions(struct pst_buf *b, const struct pst_questions *q, unsigned stages);

#endif
