/* libFuzzer harness for the pose parser: any bytes as the figure, props and poses fields
 * of an exercise; what parses is also drawn, blended and animated, to shake the geometry. */
#include <cairo.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pose.h"
#include "core/yamlx.h"
#include "render/figure.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { F_FIGURE, F_PROPS, F_POSES, F__MAX };
static const struct pst_yfield fields[F__MAX] = {
	[F_FIGURE] = {"figure", false}, [F_PROPS] = {"props", false}, [F_POSES] = {"poses", true}};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pst_arena *a = pst_arena_new();
	struct pst_diags d = {0};
	struct pst_yaml y;
	if (!a)
		return 0;
	if (pst_yaml_open(&y, "f/p.yaml", data, size, a, &d) == PST_OK) {
		yaml_node_t *v[F__MAX];
		struct pst_scene sc;
		if (pst_yaml_map(&y, pst_yaml_root(&y), "", fields, F__MAX, v) && v[F_POSES] &&
		    pst_scene_read(&y, v[F_FIGURE], v[F_PROPS], v[F_POSES], &sc) && !y.errors) {
			/* The contract: a scene that reads has 2-6 poses, every angle in range. */
			if (sc.n < PST_POSES_MIN || sc.n > PST_POSES_MAX || sc.nprops > PST_PROPS_MAX)
				__builtin_trap();
			for (size_t i = 0; i < sc.n; i++)
				for (int j = 0; j < PST_J__MAX; j++) {
					const struct pst_joint_info *ji = pst_joint_info((enum pst_joint)j);
					if (sc.poses[i].a[j] < ji->lo || sc.poses[i].a[j] > ji->hi ||
					    !sc.poses[i].name || !sc.poses[i].caption || sc.poses[i].pregnant)
						__builtin_trap();
				}
			cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 48, 48);
			cairo_t *cr = cairo_create(sf);
			pst_figure_draw(cr, &sc, -1, 48, 48, false);
			/* and as drawn for a pregnant person (no words under the poses: pango's
			 * font caches would read as leaks here) */
			struct pst_pose dressed[PST_POSES_MAX];
			struct pst_scene ds;
			pst_scene_dress(&sc, true, dressed, &ds);
			pst_figure_draw(cr, &ds, -1, 96, 48, false);
			struct pst_pose mid;
			pst_pose_lerp(&sc.poses[0], &sc.poses[sc.n - 1], 0.5, &mid);
			struct pst_fig_box box;
			pst_figure_bounds(&sc, &mid, &box);
			pst_figure_draw_pose(cr, &sc, &mid, &box, 0, 0, 48, 48);
			if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
				__builtin_trap();
			cairo_destroy(cr);
			cairo_surface_destroy(sf);
			/* The movement: every frame drawn, one animation per frame but the first. */
			struct pst_buf b;
			pst_buf_init(&b, PST_FIG_MAX_BYTES);
			if (pst_figure_animate(&sc, 48, 48, &b) != PST_OK)
				__builtin_trap();
			size_t anims = 0;
			for (const char *p = b.s; (p = strstr(p, "<animate ")); p++)
				anims++;
			if (anims < sc.n - 1)
				__builtin_trap();
			pst_buf_free(&b);
		} else if (d.n == 0) {
			__builtin_trap(); /* refused without a reason */
		}
	}
	pst_yaml_close(&y);
	for (size_t i = 0; i < d.n; i++)
		free(pst_diag_format(&d.v[i]));
	pst_diags_clear(&d);
	pst_arena_free(a);
	return 0;
}
