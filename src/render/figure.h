/* Pictures of the exercises: a friendly figure in a pose, with its props, drawn by cairo. */
#ifndef PST_RENDER_FIGURE_H
#define PST_RENDER_FIGURE_H

#include <cairo.h>

#include "core/base.h"
#include "core/pose.h"

enum pst_fig_format { PST_FIG_SVG, PST_FIG_PNG, PST_FIG__MAX };

/* Limits of a picture's size in pixels (both sides), and of what one may weigh. */
enum { PST_FIG_MIN_PX = 32, PST_FIG_MAX_PX = 4096, PST_FIG_MAX_BYTES = 64 << 20 };

/* A box in scene units (about a centimetre; y up, the floor at 0). */
struct pst_fig_box {
	double x0, y0, x1, y1;
};

/*
 * The box around pose p of scene sc (the figure and its props, as drawn). Poses of one
 * scene share their units and their floor, so the union of their boxes frames them
 * all at one scale.
 */
void pst_figure_bounds(const struct pst_scene *sc, const struct pst_pose *p,
		       struct pst_fig_box *box);

/* Points of the body, for pst_figure_point. */
enum pst_fig_point {
	PST_FP_HEAD, PST_FP_NECK, PST_FP_PELVIS,
	PST_FP_R_SHOULDER, PST_FP_L_SHOULDER, PST_FP_R_ELBOW, PST_FP_L_ELBOW,
	PST_FP_R_HAND, PST_FP_L_HAND, PST_FP_R_KNEE, PST_FP_L_KNEE, PST_FP_R_FOOT, PST_FP_L_FOOT,
	PST_FP__MAX
};

/*
 * Where point pt of the body is in pose p as drawn: scene units, x where the figure faces
 * when upright (right in the side view), y up from the floor the body is set down on, z
 * toward its right side (toward the eye in the side view); the pose's anchor at x = z = 0.
 * For checking that a picture shows what it should (a hand on the floor, the head back).
 */
void pst_figure_point(const struct pst_pose *p, enum pst_fig_point pt, double xyz[3]);

/*
 * Draws pose p of scene sc into cr: box (scene units) is fitted into the rectangle
 * x, y, w, h (cr's units) and centred, the floor and the props included. p may be one
 * of sc's poses or a blend of two (pst_pose_lerp); the props are placed from the
 * first of sc's poses seen from the same side, so they stay put while the body moves.
 * Leaves cr's state as it found it. Draws no text.
 */
void pst_figure_draw_pose(cairo_t *cr, const struct pst_scene *sc, const struct pst_pose *p,
			  const struct pst_fig_box *box, double x, double y, double w, double h);

/*
 * Draws a whole picture of w x h into cr: pose `which` of sc alone, or every pose side
 * by side in panels (which < 0), each named under it (pango) when labels is true.
 */
void pst_figure_draw(cairo_t *cr, const struct pst_scene *sc, int which, int w, int h,
		     bool labels);

/*
 * Renders pst_figure_draw(sc, which, w, h, labels) as SVG or PNG and appends the bytes
 * to out (initialised by the caller, with a cap of at least PST_FIG_MAX_BYTES for big
 * PNGs). One pose without labels as SVG is written as a movement's frame is (the body as
 * a few paths, see pst_figure_animate): the same picture in fewer bytes. Returns PST_OK, PST_EINVAL (a size outside PST_FIG_MIN_PX..PST_FIG_MAX_PX, no
 * such pose) or PST_ENOMEM (cairo failed, or out hit its cap). The same input gives the
 * same bytes.
 */
int pst_figure_render(const struct pst_scene *sc, int which, bool labels,
		      enum pst_fig_format fmt, int w, int h, struct pst_buf *out);

/* How the movement is animated: each pose held PST_ANIM_HOLD_S seconds, then the way
 * to the next pose over PST_ANIM_MOVE_S, through PST_ANIM_STEPS - 1 eased positions
 * between which the body moves in straight lines. */
#define PST_ANIM_HOLD_S 0.8
#define PST_ANIM_MOVE_S 1.2
enum { PST_ANIM_STEPS = 4 };

/*
 * The scene's movement as one animated SVG of w x h: every pose in turn, held, and the
 * way between each and the next (from the last back to the first) from pst_pose_lerp,
 * all at one scale, looping. The floor and props are drawn once for each look they have;
 * the body is a few paths whose shapes SVG's own animation (SMIL, no script) moves, so it
 * moves in an <img> and weighs a few KB; a viewer that does not animate shows the first
 * pose. Appends to out as pst_figure_render does and returns the same codes.
 */
int pst_figure_animate(const struct pst_scene *sc, int w, int h, struct pst_buf *out);

/*
 * Puts <title>title</title> (escaped) first inside the SVG document that starts at
 * out->s + start, so that a screen reader and a browser's tooltip say what it shows.
 * Returns PST_OK, PST_EINVAL (no SVG there) or PST_ENOMEM.
 */
int pst_svg_title(struct pst_buf *out, size_t start, const char *title);

/*
 * Renders as pst_figure_render and writes the bytes to path, through a temporary file
 * renamed into place, so that a failure leaves no half-written picture. Returns PST_OK,
 * PST_EINVAL, PST_ENOMEM or PST_EIO (errno tells why).
 */
int pst_figure_write_file(const struct pst_scene *sc, int which, bool labels,
			  enum pst_fig_format fmt, int w, int h, const char *path);

#endif
