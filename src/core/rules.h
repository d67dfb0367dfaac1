/* Safety rules: which exercises a person must leave out, and which need a caution. */
#ifndef PST_RULES_H
#define PST_RULES_H

#include "catalog.h"
#include "profile.h"

enum pst_rule_effect {
	PST_RULE_EXCLUDE, /* the exercise is left out */
	PST_RULE_CAUTION  /* the exercise stays, with this note beside it */
};

struct pst_rule {
	const char *id;     /* stable, shown in plans and logs */
	enum pst_rule_effect effect;
	bool choice;        /* the person's own choice or equipment, not a safety rule */
	const char *reason; /* plain words, for the person */
	struct pst_cites sources; /* ids of data/sources.yaml; none for a choice */
	/* True when the rule removes or marks e for p. */
	bool (*hits)(const struct pst_exercise *e, const struct pst_profile *p);
};

/* The rules, most important first: the first excluding rule that hits names the reason. */
extern const struct pst_rule pst_rules[];
extern const size_t pst_rules_n;
/* What a step of progression or regression rests on (the pain-monitoring model). */
extern const struct pst_cites pst_progression_sources;

/* Returns the first excluding rule that hits e for p, or NULL when e is allowed. */
const struct pst_rule *pst_rules_excluding(const struct pst_exercise *e,
					   const struct pst_profile *p);
/* Writes up to max caution rules that hit e for p to out; returns how many hit. */
size_t pst_rules_cautions(const struct pst_exercise *e, const struct pst_profile *p,
			  const struct pst_rule **out, size_t max);
const struct pst_rule *pst_rules_find(const char *id);
/* True when the only rule leaving e out for p is the first two weeks after birth keeping
 * off the floor: e may then be offered as an optional extra, never planned. Never after
 * a caesarean (getting down and up again pulls on the wound). */
bool pst_rules_floor_wait_only(const struct pst_exercise *e, const struct pst_profile *p);
/* Checks the rules' citations against the table of sources; reports each unknown id at
 * src/core/rules.c:LINE. Returns how many were wrong. */
size_t pst_rules_check_sources(const struct pst_sources *s, struct pst_diags *d);
/* True when e does what an avoid mask (PST_BIT(enum pst_avoid)) leaves out: starts on
 * the floor, puts weight on the knees or on the hands. */
bool pst_avoid_hits(unsigned avoid, const struct pst_exercise *e);

#endif
