/* postura's built-in data: the catalogue, screening questions, tips and sources, checked and
 * compiled into static structs at build time by tools/datagen. Never free these. */
#ifndef PST_BUILTIN_H
#define PST_BUILTIN_H

#include "core/catalog.h"
#include "core/screen.h"
#include "core/sources.h"
#include "core/tips.h"

extern const struct pst_catalog pst_builtin_catalog;
extern const struct pst_questions pst_builtin_questions;
extern const struct pst_tips pst_builtin_tips;
extern const struct pst_sources pst_builtin_sources; /* data/sources.yaml */

#endif
