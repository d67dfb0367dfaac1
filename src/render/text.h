/* Plain-text views of core objects for the terminal. */
#ifndef PST_RENDER_TEXT_H
#define PST_RENDER_TEXT_H

#include "core/base.h"
#include "core/catalog.h"

/* Appends a dose in words: "3 sets of 8–10 reps (5 s out, 5 s back), rest 30 s". */
void pst_text_dose(struct pst_buf *b, const struct pst_dose *d);
/* Appends "a, b, c" for the words of mask in words for people (pst_vocab_plain: "foam
 * roller", not "foam-roller"), or none_word when it is empty. */
void pst_text_mask(struct pst_buf *b, const struct pst_vocab *v, unsigned mask,
		   const char *none_word);
/* Appends the catalogue as a table, one exercise a line. */
void pst_text_catalog(struct pst_buf *b, const struct pst_catalog *c);
/* Appends one line naming the poses of a scene, the sides they are seen from, the props. */
void pst_text_scene(struct pst_buf *b, const struct pst_scene *sc);
/* Appends everything about one exercise. */
void pst_text_exercise(struct pst_buf *b, const struct pst_exercise *e);
/* Appends text wrapped at width columns, each line starting with indent. */
void pst_text_wrap(struct pst_buf *b, const char *text, const char *indent,
		   const char *first_indent, int width);

#endif
