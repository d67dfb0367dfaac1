/* JSON views of core objects (jansson). Every function returns a new reference. */
#ifndef PST_RENDER_JSON_H
#define PST_RENDER_JSON_H

#include <jansson.h>

#include "core/catalog.h"

json_t *pst_json_range(struct pst_range r); /* {"min": lo, "max": hi} */
json_t *pst_json_dose(const struct pst_dose *d);
json_t *pst_json_mask(const struct pst_vocab *v, unsigned mask);
json_t *pst_json_strv(const struct pst_strv *sv);
/* An exercise's sources: {"seed": ID, "cites": [...], "adapted"?}. */
json_t *pst_json_source(const struct pst_exercise *e);
/* Citations: [{"id", "citation" (readable), "detail"?}]. */
json_t *pst_json_cites(const struct pst_cites *c);
/* The fields of the catalogue list: id, name, kind, position, equipment, regions, dose, source. */
json_t *pst_json_exercise_brief(const struct pst_exercise *e);
/* A pose: name, view, anchor, pregnant and the joints that are not 0 (degrees). */
json_t *pst_json_pose(const struct pst_pose *p);
/* The pictures of an exercise: {"poses": [...], "props": [{prop, at, dx, dy, anchor?}]}. */
json_t *pst_json_scene(const struct pst_scene *sc);
/* Everything about one exercise, its pictures included. */
json_t *pst_json_exercise(const struct pst_exercise *e);

/* Serialises j (2-space indent, keys in insertion order, reals to 15 significant digits,
 * trailing newline) into a new malloc'd string, or NULL when out of memory. Does not
 * consume j. */
char *pst_json_text(const json_t *j);

#endif
