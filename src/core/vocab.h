/* The closed vocabularies of postura: kinds, positions, equipment, regions and the like. */
#ifndef PST_VOCAB_H
#define PST_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

enum pst_kind {
	PST_KIND_MOBILITY,
	PST_KIND_STRETCH,
	PST_KIND_STRENGTHEN,
	PST_KIND_BREATHING,
	PST_KIND_RELAXATION,
	PST_KIND__MAX
};

enum pst_position {
	PST_POS_STANDING,
	PST_POS_SEATED,
	PST_POS_KNEELING,
	PST_POS_HALF_KNEELING,
	PST_POS_QUADRUPED,
	PST_POS_SIDE_LYING,
	PST_POS_SUPINE,
	PST_POS_PRONE,
	PST_POS__MAX
};

enum pst_equipment {
	PST_EQ_BAND,
	PST_EQ_FOAM_ROLLER,
	PST_EQ_WALL,
	PST_EQ_CHAIR,
	PST_EQ_COUCH,
	PST_EQ_DOORWAY,
	PST_EQ_MAT,
	PST_EQ_PILLOW,
	PST_EQ__MAX
};

enum pst_region {
	PST_REG_NECK,
	PST_REG_UPPER_BACK,
	PST_REG_MID_BACK,
	PST_REG_CHEST,
	PST_REG_FRONT_SHOULDER,
	PST_REG_SHOULDERS,
	PST_REG_RIBS,
	PST_REG_LOWER_BACK,
	PST_REG__MAX
};

/* Where a person says it hurts (--area). */
enum pst_area { PST_AREA_UPPER, PST_AREA_MID, PST_AREA_NECK, PST_AREA__MAX };

enum pst_trigger {
	PST_TRIG_FEEDING,
	PST_TRIG_HOLDING,
	PST_TRIG_CARRYING,
	PST_TRIG_DESK,
	PST_TRIG_SCREEN,
	PST_TRIG_SLEEP,
	PST_TRIG_STRESS,
	PST_TRIG__MAX
};

enum pst_avoid { PST_AVOID_FLOOR, PST_AVOID_KNEELING, PST_AVOID_WRIST_LOAD, PST_AVOID__MAX };

/* Conditions a person may have alongside the back pain (--conditions); each drives rules. */
enum pst_condition {
	PST_COND_PELVIC_GIRDLE_PAIN, /* pain at the front or back of the pelvis (PGP/SPD) */
	PST_COND_WRIST_OR_THUMB_PAIN, /* carpal tunnel in pregnancy, de Quervain's after birth */
	PST_COND_TUMMY_GAP,          /* a gap or bulge along the midline (diastasis recti) */
	PST_COND_LEAKING,            /* leaking urine or wind */
	PST_COND__MAX
};

enum pst_stage { PST_STAGE_PREGNANCY, PST_STAGE_POSTPARTUM, PST_STAGE__MAX };

enum pst_birth { PST_BIRTH_UNKNOWN, PST_BIRTH_VAGINAL, PST_BIRTH_CAESAREAN, PST_BIRTH__MAX };

enum pst_feeding { PST_FEED_UNKNOWN, PST_FEED_BREAST, PST_FEED_BOTTLE, PST_FEED_MIXED, PST_FEED__MAX };

/* Screening outcomes, most urgent first; CLEAR and INCOMPLETE are results, not question
 * outcomes. NOTE: the plan is given, with the question's advice beside it, and the
 * question may leave some exercises out of the plan (its avoid list). */
enum pst_outcome {
	PST_OUT_EMERGENCY,
	PST_OUT_SAME_DAY,
	PST_OUT_SEE_PROVIDER,
	PST_OUT_CLEARANCE,
	PST_OUT_NOTE,
	PST_OUT_INCOMPLETE,
	PST_OUT_CLEAR,
	PST_OUT__MAX
};

/* A vocabulary: its name (for messages) and its words, indexed by the enum. */
struct pst_vocab {
	const char *what;
	const char *const *words;
	int n;
};

extern const struct pst_vocab pst_vocab_kind, pst_vocab_position, pst_vocab_equipment,
	pst_vocab_region, pst_vocab_area, pst_vocab_trigger, pst_vocab_avoid, pst_vocab_condition,
	pst_vocab_stage,
	pst_vocab_birth, pst_vocab_feeding, pst_vocab_outcome;

/*
 * Words for people: the one place that says each vocabulary's values as a person would
 * ("foam roller", "on hands and knees", "lying on your back", "felt right"), for every
 * page, paper and text a person reads; the codes (v->words) stay for flags, forms' values,
 * JSON and files. Returns the plain words for index i of v (static): from the table in
 * vocab.c when v has one (every vocabulary of core), else the code; "?" out of range.
 */
const char *pst_vocab_plain(const struct pst_vocab *v, int i);
/* The same with a capital first letter ("Lying on your back"), into buf; returns buf. */
char *pst_vocab_plain_cap(const struct pst_vocab *v, int i, char *buf, size_t size);

/* Returns the index of word in v, or -1. */
int pst_vocab_find(const struct pst_vocab *v, const char *word);
/* Returns the word for index i (static), or "?" when out of range. */
const char *pst_vocab_word(const struct pst_vocab *v, int i);
/* Writes "a, b, c" (the allowed words) into buf; returns buf. */
char *pst_vocab_list(const struct pst_vocab *v, char *buf, size_t size);

/*
 * Parses a comma-separated list of words of v into a bit mask (1u << index).
 * Returns 0 on success, or -1 and points *bad at the first unknown word (inside s).
 */
int pst_vocab_parse_mask(const struct pst_vocab *v, const char *s, unsigned *mask,
			 const char **bad, size_t *badlen);

/* True when the position starts on the floor (every position but standing and seated). */
bool pst_position_on_floor(enum pst_position p);
/* True when the knees carry weight (kneeling, half-kneeling, all fours). */
bool pst_position_kneeling(enum pst_position p);

#define PST_BIT(i) (1u << (unsigned)(i))

#endif
