/* Plumbing shared by the cairo writers (pictures, charts, documents): output into a
 * growable buffer, SVG that is the same from run to run, files written whole, and text
 * laid out with pango the same way on every surface. */
#ifndef PST_RENDER_CAIROX_H
#define PST_RENDER_CAIROX_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "core/base.h"

/* A cairo write function appending to the struct pst_buf given as closure; it fails
 * (CAIRO_STATUS_WRITE_ERROR) once the buffer has hit its cap. */
cairo_status_t pst_cairo_to_buf(void *closure, const unsigned char *data, unsigned int len);

/*
 * Draws a w x h picture with draw(cr, ctx, w, h) and appends it to out: as SVG (pixel
 * units, groups renumbered as pst_svg_renumber does) or as PNG. Returns PST_OK, or
 * PST_ENOMEM (cairo failed, or out hit its cap) and then out is as it was.
 */
typedef void (*pst_cairo_draw_fn)(cairo_t *cr, const void *ctx, int w, int h);
int pst_cairo_render(bool svg, int w, int h, pst_cairo_draw_fn draw, const void *ctx,
		     struct pst_buf *out);

/*
 * cairo names SVG groups "surface<N>" from a counter shared by the whole process, so a
 * second picture would differ from the first. Renumbers them 1, 2, ... in order of
 * first use, from byte start of out on. Sets out->failed when out of memory.
 */
void pst_svg_renumber(struct pst_buf *out, size_t start);

/*
 * cairo writes the coordinates of paths with six decimals; a hundredth of a unit is
 * finer than any screen or printer shows. Rounds every number with more than two
 * decimals inside the d="..." attributes of the SVG from byte start of out on to two
 * (a third fewer bytes for a picture). Sets out->failed when out of memory.
 */
void pst_svg_trim_numbers(struct pst_buf *out, size_t start);

/*
 * Writes len bytes of data to path through a temporary file in the same directory,
 * renamed into place, so that a failure leaves no half-written file. Returns PST_OK,
 * PST_ENOMEM or PST_EIO (errno tells why).
 */
int pst_file_write_atomic(const char *path, const char *data, size_t len);

/*
 * A new pango layout for cr with the font family (a pango font list, e.g. "DejaVu Sans,
 * Sans") at px units, hinting off so that the text is laid out alike in SVG, PNG and
 * PDF. Its pango context is made once per cairo_t and kept on it (as user data, freed
 * with it). The caller frees the layout with g_object_unref. The font map behind it is pango's, one
 * per thread for the life of the process, and holds on to fontconfig's caches:
 * LeakSanitizer sees those as leaks (tests/lsan.supp).
 */
PangoLayout *pst_pango_layout(cairo_t *cr, const char *family, double px);

#endif
