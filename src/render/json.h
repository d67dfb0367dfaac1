/* JSON views of core objects (jansson). Every function returns a new reference. */
#ifndef PST_RENDER_JSON_H
#define PST_RENDER_JSON_H

#include <jansson.h>

#include "core/catalog.h"

json_t *pst_json_range(struct pst_range r); /* {"min": lo, "max": hi} */
json_t *pst_json_dose(const struct pst_dose *d);
json_t *pst_json_mask(const struct pst_vocab *v, unsigned mask);
json_t *pst_json_strv(const struct pst_strv *sv);
json_t *pst_json_source(const struct pst_exercise *e);
/* The fields of the catalogue list: id, name, kind, position, equipment, regions, dose, source. */
json_t *pst_json_exercise_brief(const struct pst_exercise *e);
/* Everything about one exercise. */
json_t *pst_json_exercise(const struct pst_exercise *e);

/* Serialises j (2-space indent, keys in insertion order, trailing newline) into a new
 * malloc'd string, or NULL when out of memory. Does not consume j. */
char *pst_json_text(const json_t *j);

#endif
