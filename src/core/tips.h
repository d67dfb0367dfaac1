/* Everyday tips: Markdown files with a YAML front matter, picked by stage and trigger. */
#ifndef PST_TIPS_H
#define PST_TIPS_H

#include "base.h"
#include "sources.h"
#include "vocab.h"

struct pst_tip {
	const char *id, *title;
	struct pst_cites sources; /* ids in the table of sources, each with an optional detail */
	const char *body; /* CommonMark, rendered by render/markdown */
	unsigned stages;   /* PST_BIT(enum pst_stage) */
	unsigned triggers; /* PST_BIT(enum pst_trigger); 0 = for everyone in its stages */
	unsigned births;   /* PST_BIT(enum pst_birth); 0 = any birth (postpartum only) */
	int from_week, until_week; /* 0 when not limited */
	const char *file;
};

struct pst_tips {
	struct pst_arena *arena;
	struct pst_tip *v; /* sorted by id */
	size_t n;
};

/*
 * Loads tips from Markdown files with front matter (docs/tips.md). All or nothing, as
 * the catalogue: problems are FILE:LINE:COLUMN diagnostics in d. Free with
 * pst_tips_free.
 */
int pst_tips_load(const struct pst_blob *files, size_t n, struct pst_tips **out,
		  struct pst_diags *d);
void pst_tips_free(struct pst_tips *t);
/* Checks every tip's citations against the table of sources; reports each unknown id at
 * its file:line:col. Returns how many were wrong. */
size_t pst_tips_check_sources(const struct pst_tips *t, const struct pst_sources *s,
			      struct pst_diags *d);
const struct pst_tip *pst_tips_find(const struct pst_tips *t, const char *id);

/*
 * Picks the tips for a person: the stage matches, week lies within from/until, the
 * birth type matches (births), and either the tip has no triggers or shares one with
 * triggers. Trigger-matched tips come first, then the general ones, each group by id.
 * Writes up to max pointers (into t) to out and returns how many matched in all.
 */
size_t pst_tips_select(const struct pst_tips *t, enum pst_stage stage, int week,
		       enum pst_birth birth, unsigned triggers, const struct pst_tip **out,
		       size_t max);

#endif
