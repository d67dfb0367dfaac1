/* The saved profile as JSON, for the command line and the web API alike. */
#include "profile.h"

#include "json.h"

json_t *pst_json_saved_profile(const struct pst_saved_profile *sp, const struct pst_profile *now)
{
	const struct pst_profile *p = now;
	char words[96], when[40];
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, p->stage == PST_STAGE_PREGNANCY ? "pregnant_weeks" : "postpartum_weeks",
			    json_integer(p->weeks));
	if (p->stage == PST_STAGE_POSTPARTUM) {
		json_object_set_new(o, "birth", json_string(pst_vocab_word(&pst_vocab_birth, (int)p->birth)));
		if (p->feeding != PST_FEED_UNKNOWN)
			json_object_set_new(o, "feeding",
					    json_string(pst_vocab_word(&pst_vocab_feeding, (int)p->feeding)));
	}
	json_object_set_new(o, "pain", p->pain >= 0 ? json_integer(p->pain) : json_null());
	json_object_set_new(o, "areas", pst_json_mask(&pst_vocab_area, p->areas));
	json_object_set_new(o, "triggers", pst_json_mask(&pst_vocab_trigger, p->triggers));
	json_object_set_new(o, "equipment", pst_json_mask(&pst_vocab_equipment, p->equipment));
	json_object_set_new(o, "avoid", pst_json_mask(&pst_vocab_avoid, p->avoid));
	json_object_set_new(o, "minutes", json_integer(p->minutes));
	json_object_set_new(o, "conditions", pst_json_mask(&pst_vocab_condition, p->conditions));
	json_object_set_new(o, "country", p->country[0] ? json_string(p->country) : json_null());
	char clock[8], zone[PST_TZ_NAME_MAX];
	json_object_set_new(o, "remind_at", json_string(pst_clock_format(p->remind_at, clock, sizeof clock)));
	json_object_set_new(o, "timezone", json_string(pst_profile_timezone(p, zone, sizeof zone)));
	json_object_set_new(o, "relief_reminder", json_boolean(p->relief_reminder));
	json_object_set_new(o, "stage_words", json_string(pst_profile_stage_words(p, words, sizeof words)));
	json_object_set_new(o, "updated", json_string(pst_time_format(sp->updated, when, sizeof when)));
	return o;
}
