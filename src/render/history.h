/* Views of a history (pain, sessions, PSFS): JSON for programs and the web API, text for
 * the terminal. */
#ifndef PST_RENDER_HISTORY_H
#define PST_RENDER_HISTORY_H

#include <jansson.h>

#include "core/base.h"
#include "core/history.h"

/*
 * Returns a new JSON object for h (the caller owns the reference; NULL when out of
 * memory):
 * {"since", "today", "truncated",
 *  "daily": [{"day", "mean", "count"}],
 *  "weekly": [{"week_start", "mean", "min", "max", "checkins", "sessions_done",
 *              "sessions_planned"}],
 *  "pain_change": {"first_week", "last_week", "first_week_mean", "last_week_mean",
 *                  "points", "percent", "meaningful", "worse", "statement"},
 *  "psfs": {"activities": [{"id", "activity", "ratings", "first", "first_day", "latest",
 *                           "latest_day", "change", "meaningful", "worse", "statement"}],
 *           "first_mean", "latest_mean", "change", "meaningful", "worse", "statement"},
 *  "adherence": {"sessions_done", "sessions_planned", "sessions_per_week", "percent",
 *                "statement"}}
 * Days are "YYYY-MM-DD". Means and changes are rounded to 2 decimals, percentages to 1.
 * What is not known is null: a week's mean, min and max without check-ins, the pain
 * change before a second week of check-ins, anything planned without a saved profile.
 * Appended to b as indented JSON with a final newline; streamed, since five years of
 * days would otherwise be a tree of thousands of allocated values.
 */
void pst_json_history(struct pst_buf *b, const struct pst_history *h);

/* Appends h for the terminal: the statements first, then a table of the weeks. */
void pst_text_history(struct pst_buf *b, const struct pst_history *h);

#endif
