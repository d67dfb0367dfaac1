/* Unit tests of the poses (reading, checking, blending) and of the pictures drawn from
 * them: every exercise draws, PNGs have the asked size, SVG is well-formed XML, the same
 * input gives the same bytes, and one small picture matches its golden within a margin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/catalog.h"
#include "core/pose.h"
#include "data/builtin.h"
#include "render/cairox.h"
#include "render/figure.h"

/* A valid exercise whose last line holds the poses; the table below replaces it. */
static const char head[] =
	"id: t\n"
	"name: Test move\n"
	"summary: A test.\n"
	"purpose: Tests things.\n"
	"kind: stretch\n"
	"regions: [chest]\n"
	"muscles: [pectoralis major]\n"
	"position: standing\n"
	"equipment: [wall]\n"
	"dose:\n"
	"  sets: 1\n"
	"  hold_s: 15-30\n"
	"steps: [one, two]\n"
	"cues: [a cue]\n"
	"mistakes: [a mistake]\n"
	"breathing: Breathe.\n"
	"stages:\n"
	"  pregnancy: fine\n"
	"  postpartum: fine\n"
	"wrist_load: false\n"
	"gentle: true\n"
	"abdominal_load: false\n"
	"loaded_twist: false\n"
	"source:\n"
	"  seed: seed-five-exercises-pregnancy\n";
/* head is 25 lines: the picture fields start on line 26. */

static int load(const char *tail, struct pst_catalog **cat, struct pst_diags *d)
{
	size_t n = strlen(head) + strlen(tail) + 1;
	char *text = malloc(n);
	assert_non_null(text);
	snprintf(text, n, "%s%s", head, tail);
	struct pst_blob b = {"x/t.yaml", (const unsigned char *)text, strlen(text)};
	int err = pst_catalog_load(&b, 1, cat, d);
	free(text);
	return err;
}

static void test_good_poses(void **state)
{
	(void)state;
	struct pst_catalog *cat = NULL;
	struct pst_diags d = {0};
	int err = load("figure: {pregnant: true, view: front, anchor: feet}\n"
		       "props: [{prop: wall, at: back, dx: -3}, {prop: band, anchor: [90, 40]}]\n"
		       "poses:\n"
		       "  - {knee: 10, left_knee: 20, neck: -5}\n"
		       "  - {left_knee: 30, knee: 15, name: knees-bent, view: side}\n"
		       "  - {pregnant: false, trunk: -90, caption: 'Lie down: rest'}\n",
		       &cat, &d);
	for (size_t i = 0; i < d.n; i++) {
		char *s = pst_diag_format(&d.v[i]);
		print_error("%s\n", s);
		free(s);
	}
	assert_int_equal(err, PST_OK);
	const struct pst_scene *sc = &cat->ex[0].scene;
	assert_int_equal(sc->n, 3);
	/* A sided joint wins over the both-sides one, in either order. */
	assert_int_equal(sc->poses[0].a[PST_J_R_KNEE], 10);
	assert_int_equal(sc->poses[0].a[PST_J_L_KNEE], 20);
	assert_int_equal(sc->poses[1].a[PST_J_R_KNEE], 15);
	assert_int_equal(sc->poses[1].a[PST_J_L_KNEE], 30);
	assert_int_equal(sc->poses[0].a[PST_J_NECK], -5);
	/* Names: start and end by default, pose-N between, or the pose's own. */
	assert_string_equal(sc->poses[0].name, "start");
	assert_string_equal(sc->poses[1].name, "knees-bent");
	assert_string_equal(sc->poses[2].name, "end");
	/* The figure's defaults, and a pose's own. */
	assert_int_equal(sc->poses[0].view, PST_VIEW_FRONT);
	assert_int_equal(sc->poses[1].view, PST_VIEW_SIDE);
	/* Words under the pictures: the pose's caption, else its name in plain words. */
	assert_string_equal(sc->poses[0].caption, "Start");
	assert_string_equal(sc->poses[1].caption, "Knees bent");
	assert_string_equal(sc->poses[2].caption, "Lie down: rest");
	/* No bump once loaded (the library's neutral figure); pregnant: false forbids it. */
	for (size_t i = 0; i < sc->n; i++)
		assert_false(sc->poses[i].pregnant);
	assert_false(sc->poses[0].no_bump);
	assert_true(sc->poses[2].no_bump);
	struct pst_pose buf[PST_POSES_MAX];
	struct pst_scene dressed;
	pst_scene_dress(sc, true, buf, &dressed);
	assert_int_equal(dressed.n, 3);
	assert_true(dressed.poses[0].pregnant);
	assert_true(dressed.poses[1].pregnant);
	assert_false(dressed.poses[2].pregnant);
	pst_scene_dress(sc, false, buf, &dressed);
	assert_false(dressed.poses[0].pregnant);
	assert_int_equal(sc->poses[2].anchor, PST_LM_FEET);
	assert_int_equal(sc->nprops, 2);
	assert_int_equal(sc->props[0].kind, PST_EQ_WALL);
	assert_int_equal(sc->props[0].at, PST_LM_BACK);
	assert_int_equal(sc->props[0].dx, -3);
	assert_int_equal(sc->props[1].at, PST_LM_HANDS); /* a band's default */
	assert_true(sc->props[1].has_anchor);
	assert_int_equal(sc->props[1].ax, 90);
	assert_int_equal(sc->props[1].ay, 40);
	pst_catalog_free(cat);
}

struct reject {
	const char *tail;   /* the picture fields, from line 26 */
	const char *expect; /* one of the diagnostics, whole */
};

static const struct reject rejects[] = {
	{"poses:\n  - {}\n  - left_knee: 200\n",
	 "x/t.yaml:28:16: poses[1].left_knee: 200 is out of range 0-160"},
	{"poses: [{neck: -80}, {}]\n", "x/t.yaml:26:16: poses[0].neck: -80 is out of range -50 to 60"},
	{"poses: [{right_shoulder: 181}, {}]\n",
	 "x/t.yaml:26:26: poses[0].right_shoulder: 181 is out of range -60 to 180"},
	{"poses: [{}, {left_elbo: 10}]\n",
	 "x/t.yaml:26:14: poses[1]: unknown joint 'left_elbo' (did you mean 'left_elbow'?)"},
	{"poses: [{tail: 10}, {}]\n", "x/t.yaml:26:10: poses[0]: unknown joint 'tail'"},
	{"poses: [{knee: ten}, {}]\n", "x/t.yaml:26:16: poses[0].knee must be a whole number of degrees"},
	{"poses: [{knee: 1.5}, {}]\n", "x/t.yaml:26:16: poses[0].knee must be a whole number of degrees"},
	{"poses: [{knee: 10, knee: 20}, {}]\n", "x/t.yaml:26:20: poses[0]: 'knee' is given twice"},
	{"poses: [{view: sideways}, {}]\n",
	 "x/t.yaml:26:16: poses[0].view: 'sideways' is not one of side, front, top, quarter, back"},
	{"poses: [{}]\n", "x/t.yaml:26:8: poses needs at least 2 poses (a start and an end)"},
	{"poses: [{}, {}, {}, {}, {}, {}, {}]\n", "x/t.yaml:26:8: poses: at most 6 poses"},
	{"poses: {start: {}}\n",
	 "x/t.yaml:26:8: poses must be a list of poses (a start and an end at least)"},
	{"poses: [1, {}]\n", "x/t.yaml:26:9: poses[0] must be a mapping of joints and angles"},
	/* found by fuzz_poses: a middle pose that is not a mapping had no name */
	{"poses: [{}, x, {}]\n", "x/t.yaml:26:13: poses[1] must be a mapping of joints and angles"},
	{"poses: [{name: a}, {name: a}]\n", "x/t.yaml:26:20: poses[1]: the name 'a' is taken by poses[0]"},
	{"poses: [{name: end}, {}]\n", "x/t.yaml:26:16: poses[0].name: 'end' names only the last pose"},
	{"poses: [{name: Big}, {}]\n",
	 "x/t.yaml:26:16: poses[0].name: 'Big' must be lower-case letters, digits and dashes (at most 24, not only digits)"},
	{"poses: [{name: '12'}, {}]\n",
	 "x/t.yaml:26:16: poses[0].name: '12' must be lower-case letters, digits and dashes (at most 24, not only digits)"},
	{"poses: [{pregnant: maybe}, {}]\n", "x/t.yaml:26:20: poses[0].pregnant must be true or false"},
	{"poses: [{caption: ''}, {}]\n", "x/t.yaml:26:19: poses[0].caption must not be empty"},
	{"poses: [{caption: Lift your arms up slowly over your head and then bring them down}, {}]\n",
	 "x/t.yaml:26:19: poses[0].caption must be 1-60 characters of plain words"},
	{"poses: [{}, {caption: 'Arms <b>up</b>'}]\n",
	 "x/t.yaml:26:23: poses[1].caption: plain words only (no '<', '>' or line breaks)"},
	{"poses: [{caption: 'Breathe in', caption: again}, {}]\n",
	 "x/t.yaml:26:33: poses[0]: 'caption' is given twice"},
	{"props: [{prop: trampoline}]\nposes: [{}, {}]\n",
	 "x/t.yaml:26:16: props[0].prop: 'trampoline' is not one of band, foam-roller, wall, chair, couch, doorway, mat, pillow"},
	{"props: [{prop: wall, colour: red}]\nposes: [{}, {}]\n",
	 "x/t.yaml:26:22: unknown field 'props[0].colour'"},
	{"props: [{at: back}]\nposes: [{}, {}]\n", "x/t.yaml:26:9: missing required field 'props[0].prop'"},
	{"props: [{prop: wall, at: nose}]\nposes: [{}, {}]\n",
	 "x/t.yaml:26:26: props[0].at: 'nose' is not one of pelvis, feet, knees, hands, elbows, head, back, chest"},
	{"props: [{prop: wall, anchor: [1, 2]}]\nposes: [{}, {}]\n",
	 "x/t.yaml:26:30: props[0].anchor: only a band has an anchor"},
	{"props: [{prop: band, anchor: [1]}]\nposes: [{}, {}]\n",
	 "x/t.yaml:26:30: props[0].anchor must be a point [x, y]"},
	{"props: [{prop: wall, dx: 500}]\nposes: [{}, {}]\n",
	 "x/t.yaml:26:26: props[0].dx: 500 is out of range -200 to 200"},
	{"props: wall\nposes: [{}, {}]\n",
	 "x/t.yaml:26:8: props must be a list of props like {prop: wall, at: back}"},
	{"figure: {view: sideways}\nposes: [{}, {}]\n",
	 "x/t.yaml:26:16: figure.view: 'sideways' is not one of side, front, top, quarter, back"},
	{"figure: {size: 3}\nposes: [{}, {}]\n", "x/t.yaml:26:10: unknown field 'figure.size'"},
	{"figure: {pregnant: true}\n", "x/t.yaml:1:1: missing required field 'poses'"},
};

static void test_pose_rejects(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rejects / sizeof *rejects; i++) {
		struct pst_catalog *cat = (struct pst_catalog *)1;
		struct pst_diags d = {0};
		int err = load(rejects[i].tail, &cat, &d);
		if (err != PST_EDATA || cat || !d.n) {
			print_error("case %zu (%s): expected a rejection\n", i, rejects[i].expect);
			fail();
		}
		bool found = false;
		for (size_t k = 0; k < d.n; k++) {
			char *got = pst_diag_format(&d.v[k]);
			found |= strcmp(got, rejects[i].expect) == 0;
			free(got);
		}
		if (!found) {
			char *got = pst_diag_format(&d.v[0]);
			print_error("case %zu\n  expected: %s\n  got:      %s\n", i, rejects[i].expect, got);
			free(got);
			fail();
		}
		pst_diags_clear(&d);
	}
}

static void test_joint_table(void **state)
{
	(void)state;
	for (int j = 0; j < PST_J__MAX; j++) {
		const struct pst_joint_info *ji = pst_joint_info((enum pst_joint)j);
		assert_non_null(ji);
		assert_int_equal(pst_joint_find(ji->name), j);
		assert_true(ji->lo < 0 || ji->lo == 0);
		assert_true(ji->hi > 0);
		if (j >= PST_J_SIDED && j < PST_J_SIDED + PST_J_PER_SIDE) {
			const struct pst_joint_info *left = pst_joint_info((enum pst_joint)(j + PST_J_PER_SIDE));
			assert_string_equal(ji->name + strlen("right_"), left->name + strlen("left_"));
			assert_int_equal(ji->lo, left->lo);
			assert_int_equal(ji->hi, left->hi);
		}
	}
	assert_int_equal(pst_joint_find("left_knee"), PST_J_L_KNEE);
	assert_int_equal(pst_joint_info(PST_J_L_KNEE)->hi, 160);
	assert_int_equal(pst_joint_find("knee"), -1);
	assert_null(pst_joint_info(PST_J__MAX));
}

static void test_lerp(void **state)
{
	(void)state;
	struct pst_pose a, b, m;
	pst_pose_neutral(&a);
	pst_pose_neutral(&b);
	a.name = "a";
	b.name = "b";
	b.view = PST_VIEW_FRONT;
	a.a[PST_J_R_KNEE] = 10;
	b.a[PST_J_R_KNEE] = 90;
	a.a[PST_J_NECK] = -5;
	b.a[PST_J_NECK] = 0;
	pst_pose_lerp(&a, &b, 0, &m);
	assert_int_equal(m.a[PST_J_R_KNEE], 10);
	assert_string_equal(m.name, "a");
	pst_pose_lerp(&a, &b, 1, &m);
	assert_int_equal(m.a[PST_J_R_KNEE], 90);
	assert_int_equal(m.view, PST_VIEW_FRONT);
	pst_pose_lerp(&a, &b, 0.25, &m);
	assert_int_equal(m.a[PST_J_R_KNEE], 30);
	assert_int_equal(m.view, PST_VIEW_SIDE);
	pst_pose_lerp(&a, &b, 0.5, &m);
	assert_int_equal(m.a[PST_J_R_KNEE], 50);
	assert_int_equal(m.a[PST_J_NECK], -3); /* -2.5 rounds away from zero */
	assert_string_equal(m.name, "b");
	pst_pose_lerp(&a, &b, -4, &m); /* clamped */
	assert_int_equal(m.a[PST_J_R_KNEE], 10);
	pst_pose_lerp(&a, &b, 7, &m);
	assert_int_equal(m.a[PST_J_R_KNEE], 90);
	pst_pose_lerp(&a, &b, 0.0 / 0.0, &m); /* NaN is the start */
	assert_int_equal(m.a[PST_J_R_KNEE], 10);
	pst_pose_lerp(&a, &b, 0.75, &a); /* in place */
	assert_int_equal(a.a[PST_J_R_KNEE], 70);
}

static void test_pick(void **state)
{
	(void)state;
	const struct pst_exercise *e = pst_catalog_find(&pst_builtin_catalog, "cat-cow");
	assert_non_null(e);
	const struct pst_scene *sc = &e->scene;
	assert_int_equal(sc->n, 3);
	assert_int_equal(pst_scene_pick(sc, "start"), 0);
	assert_int_equal(pst_scene_pick(sc, "end"), 2);
	assert_int_equal(pst_scene_pick(sc, "cow"), 1);
	assert_int_equal(pst_scene_pick(sc, "3"), 2);
	assert_int_equal(pst_scene_pick(sc, "0"), -1);
	assert_int_equal(pst_scene_pick(sc, "4"), -1);
	assert_int_equal(pst_scene_pick(sc, "2x"), -1);
	assert_int_equal(pst_scene_pick(sc, "dog"), -1);
}

/* The width and height in a PNG's IHDR chunk. */
static void png_size(const struct pst_buf *b, int *w, int *h)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	assert_true(b->len > 24);
	assert_memory_equal(b->s, sig, 8);
	assert_memory_equal(b->s + 12, "IHDR", 4);
	const unsigned char *p = (const unsigned char *)b->s + 16;
	*w = (int)((unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3]);
	*h = (int)((unsigned)p[4] << 24 | (unsigned)p[5] << 16 | (unsigned)p[6] << 8 | p[7]);
}

/* Runs xmllint --noout on the SVG in b; skipped (true) when xmllint is not there. */
static bool svg_well_formed(const struct pst_buf *b, const char *what)
{
	const char *lint = getenv("PST_XMLLINT");
	if (!lint || !*lint)
		return true;
	char path[] = "/tmp/pst-figure-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->s, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "'%s' --noout '%s'", lint, path);
	int rc = system(cmd);
	unlink(path);
	if (rc != 0)
		print_error("%s: xmllint says the SVG is not well-formed\n", what);
	return rc == 0;
}

static void test_every_exercise_draws(void **state)
{
	(void)state;
	const struct pst_catalog *cat = &pst_builtin_catalog;
	assert_int_equal(cat->n, 27);
	for (size_t i = 0; i < cat->n; i++) {
		const struct pst_exercise *e = &cat->ex[i];
		const struct pst_scene *sc = &e->scene;
		if (sc->n < PST_POSES_MIN) {
			print_error("%s has no poses\n", e->id);
			fail();
		}
		for (int k = -1; k < (int)sc->n; k++) {
			struct pst_buf b;
			pst_buf_init(&b, PST_FIG_MAX_BYTES);
			int w = 96 + 7 * (int)i, h = 80 + 3 * (k + 1);
			assert_int_equal(pst_figure_render(sc, k, false, PST_FIG_PNG, w, h, &b), PST_OK);
			int gw, gh;
			png_size(&b, &gw, &gh);
			assert_int_equal(gw, w);
			assert_int_equal(gh, h);
			pst_buf_free(&b);
			if (k >= 0) {
				/* a sane box: finite, on the floor, about a body's size */
				struct pst_fig_box box;
				pst_figure_bounds(sc, &sc->poses[k], &box);
				assert_true(box.x1 > box.x0 && box.y1 > box.y0);
				assert_true(box.x1 - box.x0 < 1000 && box.y1 - box.y0 < 400);
			}
		}
		struct pst_buf b;
		pst_buf_init(&b, PST_FIG_MAX_BYTES);
		assert_int_equal(pst_figure_render(sc, -1, true, PST_FIG_SVG, 600, 200, &b), PST_OK);
		assert_non_null(strstr(b.s, "<svg"));
		assert_true(svg_well_formed(&b, e->id));
		pst_buf_free(&b);
	}
}

static void test_render_limits(void **state)
{
	(void)state;
	const struct pst_scene *sc = &pst_catalog_find(&pst_builtin_catalog, "wall-angels")->scene;
	struct pst_buf b;
	pst_buf_init(&b, PST_FIG_MAX_BYTES);
	assert_int_equal(pst_figure_render(sc, 0, false, PST_FIG_PNG, 31, 100, &b), PST_EINVAL);
	assert_int_equal(pst_figure_render(sc, 0, false, PST_FIG_PNG, 100, 4097, &b), PST_EINVAL);
	assert_int_equal(pst_figure_render(sc, 2, false, PST_FIG_PNG, 100, 100, &b), PST_EINVAL);
	assert_int_equal(pst_figure_render(sc, 0, false, PST_FIG__MAX, 100, 100, &b), PST_EINVAL);
	assert_int_equal(b.len, 0);
	pst_buf_free(&b);
	/* A buffer that is too small is an error, not a cut picture. */
	pst_buf_init(&b, 100);
	assert_int_equal(pst_figure_render(sc, 0, false, PST_FIG_PNG, 200, 200, &b), PST_ENOMEM);
	pst_buf_free(&b);
}

static void test_same_bytes(void **state)
{
	(void)state;
	const struct pst_scene *sc = &pst_catalog_find(&pst_builtin_catalog, "cat-cow")->scene;
	for (int f = 0; f < PST_FIG__MAX; f++) {
		struct pst_buf a, b;
		pst_buf_init(&a, PST_FIG_MAX_BYTES);
		pst_buf_init(&b, PST_FIG_MAX_BYTES);
		assert_int_equal(pst_figure_render(sc, -1, true, (enum pst_fig_format)f, 540, 180, &a), PST_OK);
		assert_int_equal(pst_figure_render(sc, -1, true, (enum pst_fig_format)f, 540, 180, &b), PST_OK);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.s, b.s, a.len);
		pst_buf_free(&a);
		pst_buf_free(&b);
	}
}

static void test_write_file(void **state)
{
	(void)state;
	const struct pst_scene *sc = &pst_catalog_find(&pst_builtin_catalog, "childs-pose")->scene;
	char dir[] = "/tmp/pst-fig-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/p.svg", dir);
	assert_int_equal(pst_figure_write_file(sc, -1, true, PST_FIG_SVG, 400, 200, path), PST_OK);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char start[6] = {0};
	assert_int_equal(fread(start, 1, 5, f), 5);
	fclose(f);
	assert_string_equal(start, "<?xml");
	unlink(path);
	snprintf(path, sizeof path, "%s/no/such/p.png", dir);
	assert_int_equal(pst_figure_write_file(sc, 0, false, PST_FIG_PNG, 64, 64, path), PST_EIO);
	rmdir(dir);
}

/* Reads a PNG from memory into an image surface. */
struct reader {
	const unsigned char *p;
	size_t left;
};

static cairo_status_t read_mem(void *closure, unsigned char *data, unsigned int len)
{
	struct reader *r = closure;
	if (len > r->left)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p, len);
	r->p += len;
	r->left -= len;
	return CAIRO_STATUS_SUCCESS;
}

/*
 * One small picture against tests/golden/figures: pixels may differ a little (other
 * cairo or pixman versions round differently), but at most 1% may differ by more than
 * 48 in a channel. PST_FIGURE_UPDATE=1 writes the golden instead.
 */
/* Counts the times needle occurs in hay. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The keyTimes of an animation from p on: 0 first, 1 last, never going back. */
static size_t check_key_times(const char *p)
{
	const char *k = strstr(p, "keyTimes=\"");
	assert_non_null(k);
	k += 10;
	const char *end = strchr(k, '"');
	size_t n = 0;
	double prev = -1, v = 0;
	while (k < end) {
		char *next;
		v = strtod(k, &next);
		assert_true(next > k);
		assert_true(v >= prev && v <= 1);
		if (n == 0)
			assert_true(v == 0);
		prev = v;
		n++;
		k = *next == ';' ? next + 1 : next;
	}
	return n;
}

/* The shape of a path's data: its commands, and how many numbers each has. */
static void path_shape(const char *d, const char *end, char *out, size_t size)
{
	size_t n = 0;
	bool in_num = false;
	for (const char *c = d; c < end && n + 2 < size; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')) {
			out[n++] = *c;
			in_num = false;
		} else if ((*c >= '0' && *c <= '9') || *c == '-' || *c == '.') {
			if (!in_num || *c == '-')
				out[n++] = '#';
			in_num = true;
		} else {
			in_num = false;
		}
	}
	out[n] = '\0';
}

/* Every value of every animated path has the shape of the path's own data: SVG can only
 * move between paths of one shape (a value of another shape would make it jump). */
static void check_path_values(const char *svg)
{
	for (const char *p = svg; (p = strstr(p, "<path id=\"")); p++) {
		const char *d = strstr(p, " d=\"");
		assert_non_null(d);
		d += 4;
		const char *dend = strchr(d, '"');
		char want[256], got[256];
		path_shape(d, dend, want, sizeof want);
		assert_true(strlen(want) > 2);
		const char *close = strchr(p, '>');
		if (close[-1] == '/')
			continue;
		const char *v = strstr(close, "values=\"");
		assert_non_null(v);
		v += 8;
		const char *vend = strchr(v, '"');
		while (v < vend) {
			const char *semi = memchr(v, ';', (size_t)(vend - v));
			const char *e = semi ? semi : vend;
			path_shape(v, e, got, sizeof got);
			if (strcmp(got, want) != 0) {
				print_error("a value %.*s of the path %.*s has another shape\n", (int)(e - v), v,
					    (int)(dend - d), d);
				fail();
			}
			v = e + 1;
		}
	}
}

static void test_animation(void **state)
{
	(void)state;
	const struct pst_catalog *cat = &pst_builtin_catalog;
	/* every exercise's movement animates, well-formed, the same each time, and small:
	 * the body's paths are animated, not drawn again for every frame (it was about 200
	 * KB a movement) */
	for (size_t i = 0; i < cat->n; i++) {
		for (int pregnant = 0; pregnant < 2; pregnant++) {
			struct pst_pose dressed[PST_POSES_MAX];
			struct pst_scene sc;
			pst_scene_dress(&cat->ex[i].scene, pregnant, dressed, &sc);
			struct pst_buf a, b;
			pst_buf_init(&a, PST_FIG_MAX_BYTES);
			pst_buf_init(&b, PST_FIG_MAX_BYTES);
			assert_int_equal(pst_figure_animate(&sc, 240, 180, &a), PST_OK);
			assert_int_equal(pst_figure_animate(&sc, 240, 180, &b), PST_OK);
			assert_int_equal(a.len, b.len);
			assert_memory_equal(a.s, b.s, a.len);
			assert_true(svg_well_formed(&a, cat->ex[i].id));
			if (a.len > 80 * 1024) {
				print_error("%s: the movement is %zu bytes\n", cat->ex[i].id, a.len);
				fail();
			}
			/* the body moves: its paths' shapes are animated, and go through more than
			 * two places */
			const char *d = strstr(a.s, "<animate attributeName=\"d\" values=\"");
			assert_non_null(d);
			assert_true(check_key_times(d) > 2);
			/* one loop: the holds and the moves, every animation alike */
			size_t moves = 0;
			for (size_t k = 0; k < sc.n; k++)
				moves += sc.poses[k].view == sc.poses[(k + 1) % sc.n].view;
			char dur[32];
			snprintf(dur, sizeof dur, "dur=\"%.2fs\"", sc.n * PST_ANIM_HOLD_S + moves * PST_ANIM_MOVE_S);
			size_t anims = count(a.s, "<animate ");
			assert_true(anims > 0);
			assert_int_equal(count(a.s, dur), anims);
			for (const char *p = a.s; (p = strstr(p, "<animate ")); p += 9)
				check_key_times(p);
			check_path_values(a.s);
			/* ids are unique: the layers do not borrow each other's clips, and every
			 * reference has its path */
			for (const char *p = a.s; (p = strstr(p, " id=\"")); p += 5) {
				char id[64];
				const char *q = strchr(p + 5, '"');
				assert_true(q && q - p - 5 < 60);
				snprintf(id, sizeof id, " id=\"%.*s\"", (int)(q - p - 5), p + 5);
				assert_int_equal(count(a.s, id), 1);
			}
			for (const char *p = a.s; (p = strstr(p, "href=\"#")); p += 7) {
				char id[64];
				const char *q = strchr(p + 7, '"');
				snprintf(id, sizeof id, " id=\"%.*s\"", (int)(q - p - 7), p + 7);
				assert_int_equal(count(a.s, id), 1);
			}
			pst_buf_free(&a);
			pst_buf_free(&b);
		}
	}
	/* what a viewer that does not animate shows: one look of the body (the first pose),
	 * the others hidden until their time */
	const struct pst_scene *sc = &pst_catalog_find(cat, "thread-the-needle")->scene;
	struct pst_buf a;
	pst_buf_init(&a, PST_FIG_MAX_BYTES);
	assert_int_equal(pst_figure_animate(sc, 240, 180, &a), PST_OK);
	const char *body = strstr(a.s, "transform=\"scale(.5)\">");
	assert_non_null(body);
	size_t shown = count(body, "\n<g>"); /* "\n<g><animate ... values=\"visible;..." too */
	size_t hidden = count(body, "\n<g visibility=\"hidden\"><animate attributeName=\"visibility\" values=\"hidden;");
	assert_int_equal(shown, 1);
	assert_true(hidden >= 1); /* the arm threads under the body: another order of the parts */
	pst_buf_free(&a);
	pst_buf_init(&a, PST_FIG_MAX_BYTES);
	assert_int_equal(pst_figure_animate(sc, 31, 180, &a), PST_EINVAL);
	assert_int_equal(a.len, 0);
	pst_buf_free(&a);
	/* a buffer too small is an error, not a cut picture */
	pst_buf_init(&a, 1000);
	assert_int_equal(pst_figure_animate(sc, 240, 180, &a), PST_ENOMEM);
	assert_int_equal(a.len, 0);
	pst_buf_free(&a);
}

static void test_trim_numbers(void **state)
{
	(void)state;
	struct pst_buf b;
	pst_buf_init(&b, 1 << 16);
	pst_buf_puts(&b, "<svg width=\"240.123456px\"><path d=\"M 46.286568 5.79322 L -0.001 12.5 C 3.999999 "
			 "-7.126 1.005 2\" transform=\"matrix(3.097854,0,0,-3.097854,1,2)\"/></svg>");
	pst_svg_trim_numbers(&b, 0);
	assert_string_equal(b.s, "<svg width=\"240.123456px\"><path d=\"M 46.29 5.79 L 0 12.5 C 4 -7.13 1 2\" "
				 "transform=\"matrix(3.097854,0,0,-3.097854,1,2)\"/></svg>");
	pst_buf_free(&b);
}

/* Point fp of pose `pose` (a name) of exercise id, as drawn. */
static void at(const char *id, const char *pose, enum pst_fig_point fp, double xyz[3])
{
	const struct pst_exercise *e = pst_catalog_find(&pst_builtin_catalog, id);
	assert_non_null(e);
	int k = pst_scene_pick(&e->scene, pose);
	if (k < 0) {
		print_error("%s has no pose %s\n", id, pose);
		fail();
	}
	pst_figure_point(&e->scene.poses[k], fp, xyz);
	if (getenv("PST_FIGURE_POINTS"))
		print_message("%s %s point %d: %.1f %.1f %.1f\n", id, pose, (int)fp, xyz[0], xyz[1], xyz[2]);
}

static const struct pst_pose *pose_of(const char *id, const char *pose)
{
	const struct pst_exercise *e = pst_catalog_find(&pst_builtin_catalog, id);
	assert_non_null(e);
	int k = pst_scene_pick(&e->scene, pose);
	assert_true(k >= 0);
	return &e->scene.poses[k];
}

/*
 * The pictures a physiotherapist could not follow (issue 10), checked by where the
 * body is: each pose shows what its words say, from a side that shows it.
 */
static void test_pictures_show_the_movement(void **state)
{
	(void)state;
	double a[3], b[3], c[3], d[3];
	/* Thread the needle: a supporting hand on the floor in both poses; the elbow up
	 * toward the ceiling, then the head down and turned as the elbow goes through. */
	for (int i = 0; i < 2; i++) {
		const char *pose = i ? "end" : "start";
		at("thread-the-needle", pose, PST_FP_R_HAND, a);
		at("thread-the-needle", pose, PST_FP_L_HAND, b);
		assert_true(fmin(a[1], b[1]) < 6);
	}
	at("thread-the-needle", "start", PST_FP_L_ELBOW, a);
	at("thread-the-needle", "start", PST_FP_NECK, b);
	assert_true(a[1] > b[1] + 15); /* the elbow well above the upper back */
	at("thread-the-needle", "start", PST_FP_HEAD, a);
	at("thread-the-needle", "end", PST_FP_HEAD, b);
	assert_true(b[1] < a[1] - 5); /* head down under the body */
	assert_int_not_equal(pose_of("thread-the-needle", "end")->a[PST_J_HEAD_TURN], 0);

	/* Half-kneeling twist: seen from the side (no top-down blob), the chest turns. */
	for (size_t i = 0; i < 2; i++) {
		const struct pst_pose *p = pose_of("kneeling-twist", i ? "end" : "start");
		assert_int_not_equal(p->view, PST_VIEW_TOP);
	}
	assert_true(abs(pose_of("kneeling-twist", "end")->a[PST_J_TWIST]) >= 30);

	/* Side-lying open book: lying on the side (rolled, low), the top arm opens up and
	 * over but stays off the floor, as its text asks. */
	for (size_t i = 0; i < 2; i++) {
		const struct pst_pose *p = pose_of("side-lying-open-book", i ? "end" : "start");
		assert_true(abs(p->a[PST_J_ROLL]) >= 60);
		assert_int_not_equal(p->view, PST_VIEW_TOP);
		at("side-lying-open-book", p->name, PST_FP_HEAD, a);
		assert_true(a[1] < 30);
	}
	at("side-lying-open-book", "end", PST_FP_R_HAND, a);
	at("side-lying-open-book", "end", PST_FP_L_HAND, b);
	at("side-lying-open-book", "start", PST_FP_R_HAND, c);
	assert_true(fmax(a[1], b[1]) > 25);     /* the top arm is up */
	assert_true(fmax(a[1], b[1]) > c[1] + 15); /* and moved from the start */

	/* Couch stretch: the chest sinks between the forearms, which stay on the seat. */
	at("couch-stretch", "start", PST_FP_NECK, a);
	at("couch-stretch", "end", PST_FP_NECK, b);
	assert_true(b[1] < a[1] - 8);
	at("couch-stretch", "end", PST_FP_R_ELBOW, c);
	at("couch-stretch", "end", PST_FP_R_HAND, d);
	assert_true(fabs(c[1] - d[1]) < 8); /* forearm about level, on the seat */

	/* Seated upper back release: the head goes back over the chair and looks up. */
	at("seated-upper-back-release", "start", PST_FP_HEAD, a);
	at("seated-upper-back-release", "end", PST_FP_HEAD, b);
	assert_true(b[0] < a[0] - 8);
	assert_true(pose_of("seated-upper-back-release", "end")->a[PST_J_NECK] <= -20);

	/* Double chins: seen from the side, the head moves straight back, and the hands
	 * stay behind it instead of crossing the face. */
	at("double-chin", "start", PST_FP_HEAD, a);
	at("double-chin", "end", PST_FP_HEAD, b);
	assert_true(b[0] < a[0] - 3);
	assert_true(fabs(b[1] - a[1]) < 4); /* chin level: back, not down */
	for (size_t i = 0; i < 2; i++) {
		const char *pose = i ? "end" : "start";
		assert_int_equal(pose_of("double-chin", pose)->view, PST_VIEW_SIDE);
		at("double-chin", pose, PST_FP_HEAD, a);
		at("double-chin", pose, PST_FP_R_HAND, b);
		at("double-chin", pose, PST_FP_L_HAND, c);
		assert_true(b[0] <= a[0] && c[0] <= a[0]); /* not in front of the face */
	}

	/* Shoulder rolls: each step moves the shoulder visibly (up, back, down). */
	at("shoulder-rolls", "start", PST_FP_R_SHOULDER, a);
	at("shoulder-rolls", "up", PST_FP_R_SHOULDER, b);
	at("shoulder-rolls", "back", PST_FP_R_SHOULDER, c);
	at("shoulder-rolls", "down", PST_FP_R_SHOULDER, d);
	assert_true(b[1] > a[1] + 6);
	assert_true(c[0] < b[0] - 4);
	assert_true(d[1] < c[1] - 5);

	/* Thoracic opener: forearms on the wall (hands above the elbows), the feet step
	 * back and the hips hinge. */
	for (size_t i = 0; i < 2; i++) {
		const char *pose = i ? "end" : "start";
		at("thoracic-opener", pose, PST_FP_R_ELBOW, a);
		at("thoracic-opener", pose, PST_FP_R_HAND, b);
		assert_true(b[1] > a[1] + 15);
		assert_true(fabs(b[0] - a[0]) < 10);
	}
	at("thoracic-opener", "start", PST_FP_R_FOOT, a);
	at("thoracic-opener", "end", PST_FP_R_FOOT, b);
	assert_true(b[0] < a[0] - 20);
	assert_true(pose_of("thoracic-opener", "end")->a[PST_J_TRUNK] >= 40);

	/* Wall pec stretch: the forearm stays up on the wall while the body turns away from
	 * it (the wall on the right: the right shoulder comes forward). */
	for (size_t i = 0; i < 2; i++) {
		const char *pose = i ? "end" : "start";
		at("wall-pec-stretch", pose, PST_FP_R_ELBOW, a);
		at("wall-pec-stretch", pose, PST_FP_R_HAND, b);
		assert_true(b[1] > a[1] + 15);
		assert_true(fabs(b[2] - a[2]) < 3);
	}
	at("wall-pec-stretch", "start", PST_FP_L_SHOULDER, c);
	at("wall-pec-stretch", "end", PST_FP_L_SHOULDER, d);
	assert_true(d[0] < c[0] - 5); /* the far shoulder turns back: the chest faces away */
}

/* A loaded picture has no bump; dressed for a pregnant person it has one. */
static void test_bump_only_when_pregnant(void **state)
{
	(void)state;
	const struct pst_catalog *cat = &pst_builtin_catalog;
	for (size_t i = 0; i < cat->n; i++)
		for (size_t k = 0; k < cat->ex[i].scene.n; k++)
			assert_false(cat->ex[i].scene.poses[k].pregnant);
	const struct pst_scene *sc = &pst_catalog_find(cat, "wall-angels")->scene;
	struct pst_pose buf[PST_POSES_MAX];
	struct pst_scene with, without;
	pst_scene_dress(sc, true, buf, &with);
	struct pst_pose buf2[PST_POSES_MAX];
	pst_scene_dress(sc, false, buf2, &without);
	struct pst_buf x, y, z;
	pst_buf_init(&x, PST_FIG_MAX_BYTES);
	pst_buf_init(&y, PST_FIG_MAX_BYTES);
	pst_buf_init(&z, PST_FIG_MAX_BYTES);
	assert_int_equal(pst_figure_render(&with, 0, false, PST_FIG_SVG, 200, 200, &x), PST_OK);
	assert_int_equal(pst_figure_render(&without, 0, false, PST_FIG_SVG, 200, 200, &y), PST_OK);
	assert_int_equal(pst_figure_render(sc, 0, false, PST_FIG_SVG, 200, 200, &z), PST_OK);
	assert_true(x.len != y.len || memcmp(x.s, y.s, x.len) != 0);
	assert_int_equal(y.len, z.len); /* the library's figure is the neutral one */
	assert_memory_equal(y.s, z.s, y.len);
	pst_buf_free(&x);
	pst_buf_free(&y);
	pst_buf_free(&z);
}

/* The SVG's <title> says what it shows, escaped. */
static void test_svg_title(void **state)
{
	(void)state;
	const struct pst_scene *sc = &pst_catalog_find(&pst_builtin_catalog, "rib-breathing")->scene;
	struct pst_buf b;
	pst_buf_init(&b, PST_FIG_MAX_BYTES);
	assert_int_equal(pst_figure_render(sc, 0, false, PST_FIG_SVG, 100, 100, &b), PST_OK);
	assert_int_equal(pst_svg_title(&b, 0, "Rib <breathing> & \"you\""), PST_OK);
	const char *t = strstr(b.s, "<title>");
	assert_non_null(t);
	assert_true(t < strstr(b.s, "<path") || !strstr(b.s, "<path"));
	assert_non_null(strstr(b.s, "<title>Rib &lt;breathing&gt; &amp; &quot;you&quot;</title>"));
	assert_true(t > strstr(b.s, "<svg"));
	assert_true(svg_well_formed(&b, "title"));
	pst_buf_free(&b);
}

/* Compares pose `pose` of exercise id (with the bump when pregnant) with file in
 * tests/golden/figures, or writes it there with PST_FIGURE_UPDATE=1. */
static void golden_check(const char *file, const char *id, int pose, bool pregnant)
{
	const char *dir = getenv("PST_FIGURE_DIR");
	assert_non_null(dir);
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	struct pst_pose buf[PST_POSES_MAX];
	struct pst_scene scene;
	pst_scene_dress(&pst_catalog_find(&pst_builtin_catalog, id)->scene, pregnant, buf, &scene);
	const struct pst_scene *sc = &scene;
	const char *update = getenv("PST_FIGURE_UPDATE");
	if (update && strcmp(update, "1") == 0) {
		assert_int_equal(pst_figure_write_file(sc, pose, false, PST_FIG_PNG, 160, 160, path), PST_OK);
		return;
	}
	struct pst_buf b;
	pst_buf_init(&b, PST_FIG_MAX_BYTES);
	assert_int_equal(pst_figure_render(sc, pose, false, PST_FIG_PNG, 160, 160, &b), PST_OK);
	struct reader r = {(const unsigned char *)b.s, b.len};
	cairo_surface_t *got = cairo_image_surface_create_from_png_stream(read_mem, &r);
	cairo_surface_t *want = cairo_image_surface_create_from_png(path);
	assert_int_equal(cairo_surface_status(got), CAIRO_STATUS_SUCCESS);
	if (cairo_surface_status(want) != CAIRO_STATUS_SUCCESS) {
		print_error("cannot read %s\n", path);
		fail();
	}
	int w = cairo_image_surface_get_width(got), h = cairo_image_surface_get_height(got);
	assert_int_equal(cairo_image_surface_get_width(want), w);
	assert_int_equal(cairo_image_surface_get_height(want), h);
	cairo_surface_flush(got);
	cairo_surface_flush(want);
	const unsigned char *pg = cairo_image_surface_get_data(got), *pw = cairo_image_surface_get_data(want);
	int sg = cairo_image_surface_get_stride(got), sw = cairo_image_surface_get_stride(want);
	long bad = 0;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < 4 * w; x++) {
			int dd = pg[y * sg + x] - pw[y * sw + x];
			bad += dd > 48 || dd < -48;
		}
	if (bad * 100 > (long)w * h) {
		print_error("%ld channels of %d pixels differ from %s\n", bad, w * h, path);
		fail();
	}
	cairo_surface_destroy(got);
	cairo_surface_destroy(want);
	pst_buf_free(&b);
}

static void test_golden_picture(void **state)
{
	(void)state;
	golden_check("wall-angels-y.png", "wall-angels", 1, false);
	golden_check("wall-angels-y-pregnant.png", "wall-angels", 1, true);
	golden_check("thread-the-needle-thread.png", "thread-the-needle", 1, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_poses),
		cmocka_unit_test(test_pose_rejects),
		cmocka_unit_test(test_joint_table),
		cmocka_unit_test(test_lerp),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_every_exercise_draws),
		cmocka_unit_test(test_render_limits),
		cmocka_unit_test(test_same_bytes),
		cmocka_unit_test(test_write_file),
		cmocka_unit_test(test_golden_picture),
		cmocka_unit_test(test_pictures_show_the_movement),
		cmocka_unit_test(test_bump_only_when_pregnant),
		cmocka_unit_test(test_svg_title),
		cmocka_unit_test(test_animation),
		cmocka_unit_test(test_trim_numbers),
	};
	return cmocka_run_group_tests_name("figure", tests, NULL, NULL);
}
