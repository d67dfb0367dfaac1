/* The app's icon, drawn with cairo from the shapes of data/web/icon.svg (a 32-unit
 * square): a rounded square of the brand's colour and a white standing figure. */
#include <math.h>

#include "cairox.h"
#include "icon.h"

struct icon {
	bool maskable;
};

static void rgb_hex(cairo_t *cr, const char *hex)
{
	unsigned v = 0;
	for (const char *c = hex + 1; *c; c++)
		v = v * 16 + (unsigned)(*c <= '9' ? *c - '0' : (*c | 32) - 'a' + 10);
	cairo_set_source_rgb(cr, ((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0);
}

static void draw(cairo_t *cr, const void *ctx, int w, int h)
{
	const struct icon *ic = ctx;
	(void)h;
	double u = w / 32.0; /* one unit of icon.svg */
	cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
	cairo_paint(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
	rgb_hex(cr, PST_ICON_GROUND);
	if (ic->maskable) {
		cairo_paint(cr);
	} else { /* rx 7 */
		double r = 7 * u, s = w;
		cairo_new_sub_path(cr);
		cairo_arc(cr, s - r, r, r, -M_PI / 2, 0);
		cairo_arc(cr, s - r, s - r, r, 0, M_PI / 2);
		cairo_arc(cr, r, s - r, r, M_PI / 2, M_PI);
		cairo_arc(cr, r, r, r, M_PI, 3 * M_PI / 2);
		cairo_close_path(cr);
		cairo_fill(cr);
	}
	/* The figure; in the maskable icon a little smaller, well inside the safe circle. */
	cairo_save(cr);
	if (ic->maskable) {
		cairo_translate(cr, w / 2.0, w / 2.0);
		cairo_scale(cr, 0.8, 0.8);
		cairo_translate(cr, -w / 2.0, -w / 2.0);
	}
	cairo_scale(cr, u, u);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_arc(cr, 16, 9, 3, 0, 2 * M_PI); /* the head */
	cairo_fill(cr);
	/* the body: M11 14 h10 l-2 6 v6 h-2.5 v-5 h-1 v5 H13 v-6 z */
	cairo_move_to(cr, 11, 14);
	cairo_line_to(cr, 21, 14);
	cairo_line_to(cr, 19, 20);
	cairo_line_to(cr, 19, 26);
	cairo_line_to(cr, 16.5, 26);
	cairo_line_to(cr, 16.5, 21);
	cairo_line_to(cr, 15.5, 21);
	cairo_line_to(cr, 15.5, 26);
	cairo_line_to(cr, 13, 26);
	cairo_line_to(cr, 13, 20);
	cairo_close_path(cr);
	cairo_fill(cr);
	cairo_restore(cr);
}

int pst_icon_png(int size, bool maskable, struct pst_buf *out)
{
	if (size < PST_ICON_MIN_PX || size > PST_ICON_MAX_PX)
		return PST_EINVAL;
	struct icon ic = {maskable};
	return pst_cairo_render(false, size, size, draw, &ic, out);
}
