/* Red-flag screening: the questions, a person's answers, and the outcome they lead to. */
#ifndef PST_SCREEN_H
#define PST_SCREEN_H

#include "base.h"
#include "sources.h"
#include "vocab.h"

struct pst_question {
	const char *id, *question, *advice;
	struct pst_cites sources; /* ids in the table of sources, each with an optional detail */
	unsigned stages; /* PST_BIT(enum pst_stage): the stages it is asked in */
	enum pst_outcome outcome; /* EMERGENCY .. CLEARANCE: what a yes means */
	const char *stop_sign;    /* a "stop exercising now" sign in a few words, or NULL */
	int line;                 /* where it is defined in its file */
};

struct pst_questions {
	struct pst_arena *arena;
	const char *file;
	struct pst_question *v; /* in file order */
	size_t n;
};

/*
 * Loads the questions from one YAML file (docs/screening.md). All or nothing: on any
 * problem *out is NULL, PST_EDATA is returned and every problem is in d as
 * FILE:LINE:COLUMN. Free the result with pst_questions_free.
 */
int pst_questions_load(const struct pst_blob *file, struct pst_questions **out,
		       struct pst_diags *d);
void pst_questions_free(struct pst_questions *q);
/* Checks every question's citations against the table of sources; reports each unknown
 * id at its file:line:col. Returns how many were wrong. */
size_t pst_questions_check_sources(const struct pst_questions *q, const struct pst_sources *s,
				   struct pst_diags *d);
const struct pst_question *pst_questions_find(const struct pst_questions *q, const char *id);

enum pst_answer { PST_ANS_UNANSWERED = 0, PST_ANS_NO, PST_ANS_YES };

/* Answers, indexed like the questions they belong to. */
struct pst_answers {
	enum pst_answer *v;
	size_t n;
};

/* The largest answers document accepted, in bytes: a complete one is about 1 KiB. */
#define PST_ANSWERS_MAX (64 * 1024)

/*
 * Parses a JSON object mapping question id to true/false (the body of `postura screen`
 * and of POST /api/v1/screen). Unknown ids, values that are not booleans and malformed
 * JSON are errors (PST_EINVAL) with a diagnostic naming the id or the position; then
 * nothing is kept. Input over PST_ANSWERS_MAX bytes is refused. src names the input
 * in diagnostics ("-" for standard input). Free with pst_answers_free.
 */
int pst_answers_parse_json(const struct pst_questions *q, const char *src, const char *text,
			   size_t len, struct pst_answers *out, struct pst_diags *d);
/* Answers every question "no" (tests and examples then set the ones they need).
 * Free with pst_answers_free. */
int pst_answers_init(const struct pst_questions *q, struct pst_answers *out);
void pst_answers_free(struct pst_answers *a);

struct pst_screen_result {
	enum pst_outcome outcome;
	const struct pst_question **reasons; /* answered yes, most urgent first */
	size_t nreasons;
	const struct pst_question **missing; /* asked in this stage but unanswered */
	size_t nmissing;
};

/*
 * Decides the outcome. stages is a mask of the stages that apply (both when the stage
 * is not known). A yes to a referral question (emergency, same-day, see-provider)
 * decides it, the most urgent winning; otherwise unanswered questions give INCOMPLETE
 * (a plan is never shown on half the answers); otherwise a yes to a clearance question
 * gives CLEARANCE, and all no gives CLEAR. Free with pst_screen_result_free.
 */
int pst_screen_evaluate(const struct pst_questions *q, const struct pst_answers *a,
			unsigned stages, struct pst_screen_result *out);
void pst_screen_result_free(struct pst_screen_result *r);

/* True for outcomes that mean "no plan": emergency, same-day, see-provider. */
bool pst_outcome_is_referral(enum pst_outcome o);
/* A short plain-words headline for an outcome ("Call emergency services now"). */
const char *pst_outcome_headline(enum pst_outcome o);

#endif
