/* postura's data files, embedded at build time by tools/embed.py. */
#ifndef PST_EMBEDDED_H
#define PST_EMBEDDED_H

#include <stddef.h>

#include "core/base.h"

extern const struct pst_blob pst_embedded_exercises[];
extern const size_t pst_embedded_exercises_n;
extern const struct pst_blob pst_embedded_screening[]; /* zero or one file */
extern const size_t pst_embedded_screening_n;
extern const struct pst_blob pst_embedded_tips[];
extern const size_t pst_embedded_tips_n;
extern const struct pst_blob pst_embedded_sources[]; /* zero or one file */
extern const size_t pst_embedded_sources_n;

#endif
