/* Red-flag screening: the questions, a person's answers, and the outcome they lead to. */
#ifndef PST_SCREEN_H
#define PST_SCREEN_H

#include <stdint.h>

#include "base.h"
#include "sources.h"
#include "vocab.h"

struct pst_question {
	const char *id, *question, *advice;
	struct pst_cites sources; /* ids in the table of sources, each with an optional detail */
	unsigned stages; /* PST_BIT(enum pst_stage): the stages it is asked in */
	enum pst_outcome outcome; /* EMERGENCY .. NOTE: what a yes means */
	const char *stop_sign;    /* a "stop exercising now" sign in a few words, or NULL */
	/* From which week of each stage it is asked (0: from the start): pre-eclampsia
	 * questions from 20 weeks of pregnancy, for example. A yes counts whenever given. */
	int from_week[PST_STAGE__MAX];
	unsigned avoid;           /* PST_BIT(enum pst_avoid): a yes leaves these out of the plan */
	const char *avoid_reason; /* why, for the plan's left-out list (with avoid) */
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

/* True when qn is asked of a person in stages (a mask) at weeks of that stage (weeks < 0
 * or several stages: not known, and every question of the stages is asked). */
bool pst_question_applies(const struct pst_question *qn, unsigned stages, int weeks);

/*
 * Decides the outcome. stages is a mask of the stages that apply (both when the stage
 * is not known). A yes to a referral question (emergency, same-day, see-provider)
 * decides it, the most urgent winning; otherwise unanswered questions give INCOMPLETE
 * (a plan is never shown on half the answers); otherwise a yes to a clearance question
 * gives CLEARANCE, and all no gives CLEAR. Free with pst_screen_result_free.
 */
int pst_screen_evaluate(const struct pst_questions *q, const struct pst_answers *a,
			unsigned stages, struct pst_screen_result *out);
/* The same, knowing the weeks of the stage (weeks < 0: not known): a question not yet
 * asked at these weeks is not missing when unanswered, but a yes to it still counts.
 * Outcomes: a referral (most urgent yes), else INCOMPLETE, else CLEARANCE or NOTE (the
 * most urgent yes), else CLEAR. */
int pst_screen_evaluate_at(const struct pst_questions *q, const struct pst_answers *a,
			   unsigned stages, int weeks, struct pst_screen_result *out);
/* The avoid mask of every NOTE or CLEARANCE question answered yes in r. */
unsigned pst_screen_avoid(const struct pst_screen_result *r);

/* Why saved safety answers must be asked again (PST_FRESH: they still hold). */
enum pst_staleness {
	PST_FRESH,
	PST_STALE_AGE,        /* older than 4 weeks (pregnancy, first 12 weeks after birth) or 12 */
	PST_STALE_20_WEEKS,   /* answered before 20 weeks of pregnancy, now past it */
	PST_STALE_6_WEEKS,    /* answered before 6 weeks after birth, now past it */
	PST_STALE_BIRTH,      /* answered in pregnancy, the baby is born since */
};

/* The longest answers are kept, in days: 28 in pregnancy and the first 12 weeks after
 * birth, 84 later (CLINICAL.md §3: risks change week by week around birth). */
enum { PST_SCREEN_KEEP_DAYS_EARLY = 28, PST_SCREEN_KEEP_DAYS_LATER = 84 };

/*
 * Whether safety answers given on the local day answered_day must be asked again on
 * today. has_stage false: the stage is not known (the shorter time applies). Otherwise
 * stage is the person's stage now and anchor_day the local day of its week 0 (the saved
 * profile's anchor). The short keep applies when either the day of the answers or today
 * falls in pregnancy or the first 12 weeks after birth.
 */
enum pst_staleness pst_screen_staleness(int64_t answered_day, int64_t today, bool has_stage,
				       enum pst_stage stage, int64_t anchor_day);
/* Plain words for why answers are asked again ("they are more than 4 weeks old"). */
const char *pst_staleness_words(enum pst_staleness s);
void pst_screen_result_free(struct pst_screen_result *r);

/* True for outcomes that mean "no plan": emergency, same-day, see-provider. */
bool pst_outcome_is_referral(enum pst_outcome o);
/* A short plain-words headline for an outcome ("Call emergency services now"). */
const char *pst_outcome_headline(enum pst_outcome o);

#endif
