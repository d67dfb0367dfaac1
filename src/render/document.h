/* Printable documents as PDF (cairo + pango, real text): the handout of a plan, and the
 * progress report a person brings to a clinician. */
#ifndef PST_RENDER_DOCUMENT_H
#define PST_RENDER_DOCUMENT_H

#include "core/base.h"
#include "core/history.h"
#include "core/planner.h"
#include "core/progression.h"
#include "core/screen.h"
#include "core/tracking.h"

enum pst_paper { PST_PAPER_A4, PST_PAPER_LETTER, PST_PAPER__MAX };
extern const char *const pst_paper_names[PST_PAPER__MAX]; /* "a4" "letter" */

/* The largest document written, in bytes (a year's report is about 200 KB). */
enum { PST_DOC_MAX_BYTES = 64 << 20 };

/*
 * The handout of plan on paper: a title and the date; a warning box when the person
 * has not been screened (or must be cleared first); the stop signs (from q, for the
 * plan's stage) in a box; the weekly schedule as a table to tick off; each exercise
 * with its illustration, steps, dose, why and source, never split across pages; the
 * daily relief break; the tips; the sources. Page numbers and the date on every page.
 * now is when it is made (printed, and the PDF's creation date).
 * Appends the PDF to out (initialised by the caller with a cap of PST_DOC_MAX_BYTES).
 * Returns PST_OK, PST_EINVAL (paper) or PST_ENOMEM (cairo failed, or out hit its cap);
 * then out is as it was. The same input gives the same bytes.
 */
int pst_handout_pdf(const struct pst_plan *plan, const struct pst_questions *q,
		    enum pst_paper paper, struct pst_time now, struct pst_buf *out);

/* What a progress report is made of; nothing is copied or freed. */
struct pst_report_input {
	const struct pst_history *h;
	/* The logged sessions in h's range, with their exercises (any order). */
	const struct pst_session_log *sessions;
	size_t nsessions;
	/* The saved profile and the profile as of today; both NULL when none is saved. */
	const struct pst_saved_profile *saved;
	const struct pst_profile *today;
	/* The progression of every logged session (pst_progression_build), or NULL. */
	const struct pst_progression *prog;
	/* The catalogue, to name the sessions' exercises by their names; NULL names them by
	 * their ids in words ("wall angels"). */
	const struct pst_catalog *cat;
	struct pst_time now;
	enum pst_paper paper;
};

/*
 * The report for a clinician: the profile; a summary of the pain change (and whether it
 * is meaningful, CLINICAL §8), adherence and PSFS; the pain, sessions and PSFS charts;
 * the sessions (most recent first, the latest PST_REPORT_MAX_SESSIONS of them) with
 * pain before and after and the feedback; and the exercises whose dose or variant was
 * progressed or regressed, with why. Appends the PDF to out as pst_handout_pdf does and
 * returns the same codes.
 */
enum { PST_REPORT_MAX_SESSIONS = 40 };
int pst_report_pdf(const struct pst_report_input *in, struct pst_buf *out);

#endif
