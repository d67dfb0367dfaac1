/* Citations as people read them: the table of sources (data/sources.yaml, built in)
 * turns the ids of the data and the rules into "Mottola et al. 2018, 2019 Canadian
 * guideline for physical activity throughout pregnancy, Br J Sports Med". No id and no
 * file name reaches the text. */
#ifndef PST_RENDER_CITE_H
#define PST_RENDER_CITE_H

#include "core/base.h"
#include "core/catalog.h"
#include "core/sources.h"

/* The built-in table of sources. */
const struct pst_sources *pst_cite_sources(void);

/* Appends the readable citations of c ("A; B (detail)"). */
void pst_cite_text(struct pst_buf *b, const struct pst_cites *c);
/* The same as a new string in a (NULL when out of memory). */
const char *pst_cite_string(struct pst_arena *a, const struct pst_cites *c);
/* Appends an exercise's sources: its seed article and the other sources it cites. */
void pst_cite_exercise(struct pst_buf *b, const struct pst_exercise *e);

/* Appends the citations of c as HTML, each a link to its entry on the Sources page
 * (/sources#ID), the detail after it in brackets. Safe: every text is escaped. */
void pst_cite_html(struct pst_buf *b, const struct pst_cites *c);

/* Appends the whole table as HTML (the Sources page's list): for each source its
 * citation, authors, kind, where to find it (DOI and address as links) and note. */
void pst_cite_html_table(struct pst_buf *b);

#endif
