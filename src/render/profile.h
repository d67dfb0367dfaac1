/* The saved profile as JSON: the shape of `postura profile show --json` and of
 * GET /api/v1/profile, whose field names are the command-line flags with underscores. */
#ifndef PST_RENDER_PROFILE_H
#define PST_RENDER_PROFILE_H

#include <jansson.h>

#include "core/tracking.h"

/*
 * Returns a new JSON object (the caller owns the reference; NULL when out of memory):
 * {"pregnant_weeks" | "postpartum_weeks", "birth"?, "feeding"?, "pain", "areas",
 *  "triggers", "equipment", "avoid", "minutes", "conditions", "country" (a code or
 *  null), "remind_at" ("19:30"), "timezone" (the one in use: the system's when none was
 *  given), "relief_reminder", "stage_words", "updated"}, the weeks
 * and stage words from now (the profile as of today), updated from sp.
 */
json_t *pst_json_saved_profile(const struct pst_saved_profile *sp, const struct pst_profile *now);

#endif
