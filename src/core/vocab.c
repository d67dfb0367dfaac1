/* The closed vocabularies and their spellings, in one place. */
#include "vocab.h"

#include <stdio.h>
#include <string.h>

#include "pose.h"
#include "progression.h"
#include "tracking.h"

#define VOCAB(name, what_, ...)                                                  \
	static const char *const name##_words[] = {__VA_ARGS__};               \
	const struct pst_vocab pst_vocab_##name = {                            \
		what_, name##_words, (int)(sizeof(name##_words) / sizeof(name##_words[0]))}

VOCAB(kind, "kind", "mobility", "stretch", "strengthen", "breathing", "relaxation");
VOCAB(position, "position", "standing", "seated", "kneeling", "half-kneeling", "quadruped",
      "side-lying", "supine", "prone");
VOCAB(equipment, "equipment", "band", "foam-roller", "wall", "chair", "couch", "doorway", "mat",
      "pillow");
VOCAB(region, "region", "neck", "upper-back", "mid-back", "chest", "front-shoulder", "shoulders",
      "ribs", "lower-back");
VOCAB(area, "area", "upper", "mid", "neck");
VOCAB(trigger, "trigger", "feeding", "holding", "carrying", "desk", "screen", "sleep", "stress");
VOCAB(avoid, "avoid", "floor", "kneeling", "wrist-load");
VOCAB(condition, "condition", "pelvic-girdle-pain", "wrist-or-thumb-pain", "tummy-gap", "leaking");
VOCAB(stage, "stage", "pregnancy", "postpartum");
VOCAB(birth, "birth", "unknown", "vaginal", "caesarean");
VOCAB(feeding, "feeding", "unknown", "breast", "bottle", "mixed");
VOCAB(outcome, "outcome", "emergency", "same-day", "see-provider", "clearance", "note",
      "incomplete",
      "clear");

_Static_assert(sizeof(kind_words) / sizeof(*kind_words) == PST_KIND__MAX, "kinds");
_Static_assert(sizeof(position_words) / sizeof(*position_words) == PST_POS__MAX, "positions");
_Static_assert(sizeof(equipment_words) / sizeof(*equipment_words) == PST_EQ__MAX, "equipment");
_Static_assert(sizeof(region_words) / sizeof(*region_words) == PST_REG__MAX, "regions");
_Static_assert(sizeof(area_words) / sizeof(*area_words) == PST_AREA__MAX, "areas");
_Static_assert(sizeof(trigger_words) / sizeof(*trigger_words) == PST_TRIG__MAX, "triggers");
_Static_assert(sizeof(avoid_words) / sizeof(*avoid_words) == PST_AVOID__MAX, "avoid");
_Static_assert(sizeof(condition_words) / sizeof(*condition_words) == PST_COND__MAX, "conditions");
_Static_assert(sizeof(stage_words) / sizeof(*stage_words) == PST_STAGE__MAX, "stages");
_Static_assert(sizeof(birth_words) / sizeof(*birth_words) == PST_BIRTH__MAX, "births");
_Static_assert(sizeof(feeding_words) / sizeof(*feeding_words) == PST_FEED__MAX, "feeding");
_Static_assert(sizeof(outcome_words) / sizeof(*outcome_words) == PST_OUT__MAX, "outcomes");

/* ---- words for people ----------------------------------------------------------- */

#define PLAIN(name, ...) static const char *const name##_plain[] = {__VA_ARGS__}

PLAIN(kind, "mobility", "stretch", "strengthening", "breathing", "relaxation");
PLAIN(position, "standing", "sitting", "kneeling", "kneeling on one knee", "on hands and knees",
      "lying on your side", "lying on your back", "lying on your front");
PLAIN(equipment, "resistance band", "foam roller", "wall", "chair", "couch", "doorway",
      "exercise mat", "pillow");
PLAIN(region, "neck", "upper back", "mid back", "chest", "front of the shoulder", "shoulders",
      "ribs", "lower back");
PLAIN(area, "upper back", "mid back", "neck");
PLAIN(trigger, "feeding the baby", "holding the baby", "carrying", "sitting at a desk",
      "looking down at a phone or screen", "sleeping", "stress");
PLAIN(avoid, "getting down on the floor", "kneeling", "weight on the hands");
PLAIN(stage, "pregnancy", "after the birth");
PLAIN(birth, "not said", "vaginal birth", "caesarean birth");
PLAIN(feeding, "not said", "breastfeeding", "bottle feeding", "breast and bottle");
PLAIN(outcome, "emergency: call for help now", "see someone today",
      "see your doctor, midwife or physiotherapist first", "ask your doctor or midwife first",
      "go ahead, and mention it at your next appointment", "questions not all answered", "no warning signs");
PLAIN(feedback, "easy", "felt right", "hard", "it hurt");
PLAIN(prog_dir, "made harder", "made easier", "kept (could not go easier)");
PLAIN(view, "from the side", "from the front", "from above", "from the front right",
      "from behind");
PLAIN(landmark, "hips", "feet", "knees", "hands", "elbows", "head", "back", "chest");

_Static_assert(sizeof kind_plain / sizeof *kind_plain == PST_KIND__MAX, "kinds");
_Static_assert(sizeof position_plain / sizeof *position_plain == PST_POS__MAX, "positions");
_Static_assert(sizeof equipment_plain / sizeof *equipment_plain == PST_EQ__MAX, "equipment");
_Static_assert(sizeof region_plain / sizeof *region_plain == PST_REG__MAX, "regions");
_Static_assert(sizeof area_plain / sizeof *area_plain == PST_AREA__MAX, "areas");
_Static_assert(sizeof trigger_plain / sizeof *trigger_plain == PST_TRIG__MAX, "triggers");
_Static_assert(sizeof avoid_plain / sizeof *avoid_plain == PST_AVOID__MAX, "avoid");
_Static_assert(sizeof stage_plain / sizeof *stage_plain == PST_STAGE__MAX, "stages");
_Static_assert(sizeof birth_plain / sizeof *birth_plain == PST_BIRTH__MAX, "births");
_Static_assert(sizeof feeding_plain / sizeof *feeding_plain == PST_FEED__MAX, "feeding");
_Static_assert(sizeof outcome_plain / sizeof *outcome_plain == PST_OUT__MAX, "outcomes");
_Static_assert(sizeof feedback_plain / sizeof *feedback_plain == PST_FB__MAX, "feedback");
_Static_assert(sizeof prog_dir_plain / sizeof *prog_dir_plain == PST_PROG__MAX, "directions");
_Static_assert(sizeof view_plain / sizeof *view_plain == PST_VIEW__MAX, "views");
_Static_assert(sizeof landmark_plain / sizeof *landmark_plain == PST_LM__MAX, "landmarks");

static const struct {
	const struct pst_vocab *v;
	const char *const *plain;
} plain_tables[] = {
	{&pst_vocab_kind, kind_plain},         {&pst_vocab_position, position_plain},
	{&pst_vocab_equipment, equipment_plain}, {&pst_vocab_region, region_plain},
	{&pst_vocab_area, area_plain},         {&pst_vocab_trigger, trigger_plain},
	{&pst_vocab_avoid, avoid_plain},       {&pst_vocab_stage, stage_plain},
	{&pst_vocab_birth, birth_plain},       {&pst_vocab_feeding, feeding_plain},
	{&pst_vocab_outcome, outcome_plain},   {&pst_vocab_feedback, feedback_plain},
	{&pst_vocab_prog_dir, prog_dir_plain}, {&pst_vocab_view, view_plain},
	{&pst_vocab_landmark, landmark_plain},
	{&pst_vocab_condition, pst_condition_name}, /* profile.c: said short, as the profile asks */
};

const char *pst_vocab_plain(const struct pst_vocab *v, int i)
{
	if (i < 0 || i >= v->n)
		return "?";
	for (size_t t = 0; t < sizeof plain_tables / sizeof *plain_tables; t++)
		if (plain_tables[t].v == v)
			return plain_tables[t].plain[i];
	return v->words[i]; /* a vocabulary of a page's own ("narrow", "csv"): its word */
}

char *pst_vocab_plain_cap(const struct pst_vocab *v, int i, char *buf, size_t size)
{
	snprintf(buf, size, "%s", pst_vocab_plain(v, i));
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
	return buf;
}

int pst_vocab_find(const struct pst_vocab *v, const char *word)
{
	for (int i = 0; i < v->n; i++)
		if (strcmp(v->words[i], word) == 0)
			return i;
	return -1;
}

const char *pst_vocab_word(const struct pst_vocab *v, int i)
{
	return i >= 0 && i < v->n ? v->words[i] : "?";
}

char *pst_vocab_list(const struct pst_vocab *v, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < v->n && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", v->words[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

int pst_vocab_parse_mask(const struct pst_vocab *v, const char *s, unsigned *mask,
			 const char **bad, size_t *badlen)
{
	unsigned m = 0;
	const char *p = s;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int found = -1;
		for (int i = 0; i < v->n; i++)
			if (strlen(v->words[i]) == len && strncmp(v->words[i], p, len) == 0)
				found = i;
		if (found < 0) {
			*bad = p;
			*badlen = len;
			return -1;
		}
		m |= PST_BIT(found);
		if (!e)
			break;
		p = e + 1;
	}
	*mask = m;
	return 0;
}

bool pst_position_on_floor(enum pst_position p)
{
	return p != PST_POS_STANDING && p != PST_POS_SEATED;
}

bool pst_position_kneeling(enum pst_position p)
{
	return p == PST_POS_KNEELING || p == PST_POS_HALF_KNEELING || p == PST_POS_QUADRUPED;
}
