/* The exercise catalogue: loading, validating and looking up exercises. */
#ifndef PST_CATALOG_H
#define PST_CATALOG_H

#include "base.h"
#include "pose.h"
#include "sources.h"
#include "vocab.h"

struct pst_dose {
	struct pst_range sets, reps, hold_s, breaths; /* {0,0}: not part of the dose */
	bool per_side;
	const char *tempo; /* words, e.g. "5 s out, 5 s back"; NULL when none */
	int rep_s;         /* seconds one repetition takes; 0: not given */
	int rest_s;        /* rest between sets */
	int useful_hold_s; /* the longest hold worth doing (progression stops there); 0: hold_s.hi */
};

struct pst_exercise {
	const char *id, *name, *summary, *purpose, *breathing;
	struct pst_strv aliases, muscles, steps, cues, mistakes;
	struct pst_strv easier, harder; /* ids, all resolved in the catalogue */
	enum pst_kind kind;
	enum pst_position position;
	unsigned regions;            /* PST_BIT(enum pst_region) */
	unsigned equipment;          /* PST_BIT(enum pst_equipment): needed */
	unsigned optional_equipment; /* nice to have */
	struct pst_dose dose;
	const char *note_pregnancy, *note_postpartum;
	bool wrist_load, gentle, abdominal_load, loaded_twist;
	/* Positions and movements some conditions rule out (all optional, false by default):
	 * legs in different positions (a lunge, one foot forward), knees or feet wide apart,
	 * turning the trunk, bending backward, the belly pressed (folded onto the thighs). */
	bool asymmetric, wide_stance, rotation, backward_bend, belly_pressure;
	enum pst_position entered_from; /* how one gets into it; the position when not said */
	const char *src_seed;    /* the id of the seed article it comes from (in sources) */
	const char *src_adapted; /* how it was adapted from the seed, or NULL */
	struct pst_cites sources; /* every source it cites: the seed first, then the others */
	int seed_line, seed_col;
	struct pst_scene scene; /* the pictures: poses and props */
	const char *file; /* where it was defined */
	int line;
	int easier_line, easier_col, harder_line, harder_col; /* for messages */
};

struct pst_catalog {
	struct pst_arena *arena;
	struct pst_exercise *ex; /* sorted by id */
	size_t n;
};

/*
 * Loads a catalogue from YAML files (one exercise each). Either everything loads and
 * *out owns it (free with pst_catalog_free), or nothing does: *out is NULL, the return
 * is PST_EDATA (or PST_ENOMEM) and every problem found is in d.
 */
int pst_catalog_load(const struct pst_blob *files, size_t n, struct pst_catalog **out,
		     struct pst_diags *d);
void pst_catalog_free(struct pst_catalog *c);

/* Checks every exercise's citations against the table of sources (and that source.seed
 * names a seed article); reports each problem at its file:line:col. Returns how many. */
size_t pst_catalog_check_sources(const struct pst_catalog *c, const struct pst_sources *s,
				 struct pst_diags *d);

/* Returns the exercise with id, or NULL. */
const struct pst_exercise *pst_catalog_find(const struct pst_catalog *c, const char *id);
/* Returns the id closest to a mistyped one (static in c), or NULL when none is near. */
const char *pst_catalog_closest(const struct pst_catalog *c, const char *id);

/* The longest search the library takes, in bytes. */
enum { PST_SEARCH_MAX = 80 };

/*
 * True when e answers a search in plain words: every word of query (case aside, small
 * words like "for" or "my" and a plural's s left out) is found in the exercise's name,
 * other names, summary, muscles, body regions, position, kind or equipment, said as a
 * person says them ("upper back", "on hands and knees", "sitting", "foam roller") or
 * as the codes. A query with no word in it matches every exercise.
 */
bool pst_exercise_matches(const struct pst_exercise *e, const char *query);

/* True for a stretch that opens the front of the body (chest or front of the shoulders). */
bool pst_exercise_opens_front(const struct pst_exercise *e);
/* True for strengthening work of the upper back, mid back or neck. */
bool pst_exercise_strengthens_back(const struct pst_exercise *e);

#endif
