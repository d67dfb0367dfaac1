/* The closed vocabularies and their spellings, in one place. */
#include "vocab.h"

#include <stdio.h>
#include <string.h>

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
