/*
 * Pictures of the exercises. A pose (joint angles, src/core/pose.h) is turned into a
 * small 3D skeleton, set down on the floor, seen from the side, the front or above, and
 * drawn as rounded limbs, back to front, with the props of its scene around it.
 */
#include "figure.h"

#include "cairox.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the body: measures in scene units (about a centimetre; 166 tall) ---- */

enum {
	HEAD_R = 11, NECK_LEN = 15, LUMBAR = 22, THORAX = 28, HIP_HALF = 8, CLAVICLE = 14,
	UPPER_ARM = 28, FOREARM = 24, HAND = 8, THIGH = 42, SHIN = 40, FOOT = 19, BUMP_R = 13
};

/* Widths of the rounded strokes (the limbs' thickness). */
static const double W_LOWER_TRUNK = 21, W_UPPER_TRUNK = 24, W_NECK = 9, W_UPPER_ARM = 9,
		    W_FOREARM = 8, W_HAND = 7.5, W_THIGH = 14, W_SHIN = 11, W_FOOT = 7.5,
		    W_OUTLINE = 1.6;

struct vec {
	double x, y, z;
};

static struct vec v3(double x, double y, double z)
{
	return (struct vec){x, y, z};
}

static struct vec add(struct vec a, struct vec b)
{
	return v3(a.x + b.x, a.y + b.y, a.z + b.z);
}

static struct vec mul(struct vec a, double k)
{
	return v3(a.x * k, a.y * k, a.z * k);
}

/* a + b * k */
static struct vec adds(struct vec a, struct vec b, double k)
{
	return v3(a.x + b.x * k, a.y + b.y * k, a.z + b.z * k);
}

static struct vec mid2(struct vec a, struct vec b)
{
	return mul(add(a, b), 0.5);
}

static double rad(double deg)
{
	return deg * (M_PI / 180.0);
}

/* Rotates v about the unit axis n by deg degrees (right hand). */
static struct vec rot(struct vec v, struct vec n, double deg)
{
	double c = cos(rad(deg)), s = sin(rad(deg));
	struct vec x = v3(n.y * v.z - n.z * v.y, n.z * v.x - n.x * v.z, n.x * v.y - n.y * v.x);
	double d = n.x * v.x + n.y * v.y + n.z * v.z;
	return v3(v.x * c + x.x * s + n.x * d * (1 - c), v.y * c + x.y * s + n.y * d * (1 - c),
		  v.z * c + x.z * s + n.z * d * (1 - c));
}

/* Turns the pair of axes a toward b by deg degrees. */
static void turn(struct vec *a, struct vec *b, double deg)
{
	double c = cos(rad(deg)), s = sin(rad(deg));
	struct vec na = adds(mul(*a, c), *b, s), nb = adds(mul(*b, c), *a, -s);
	*a = na;
	*b = nb;
}

/* An orthonormal frame: forward, up (along the body), right. */
struct frame {
	struct vec f, u, r;
};

/* A point given in a frame's terms (side: 1 right, -1 left mirrors r). */
static struct vec in(const struct frame *fr, struct vec local, double side)
{
	return add(add(mul(fr->f, local.x), mul(fr->u, local.y)), mul(fr->r, local.z * side));
}

struct body {
	struct frame pel, tho, head;
	struct vec pelvis, mid, neck, top, headc, bump;
	struct vec clav[2], sh[2], el[2], wr[2], tip[2];
	struct vec hip[2], kn[2], an[2], heel[2], toe[2];
	struct vec lo[4], hi[4]; /* the trunk as two quadrilaterals */
	bool pregnant;
};

static double ang(const struct pst_pose *p, int j)
{
	return p->a[j];
}

static void place_arm(struct body *b, const struct pst_pose *p, int s)
{
	int o = s ? PST_J_PER_SIDE : 0;
	double sg = s ? -1 : 1;
	double up = ang(p, PST_J_R_SCAPULA_UP + o), back = ang(p, PST_J_R_SCAPULA_BACK + o);
	struct vec base = adds(b->neck, b->tho.u, -3);
	struct vec cl = v3(-sin(rad(back)) * cos(rad(up)), sin(rad(up)), cos(rad(back)) * cos(rad(up)));
	b->clav[s] = base;
	b->sh[s] = add(base, in(&b->tho, mul(cl, CLAVICLE), sg));

	double e = ang(p, PST_J_R_SHOULDER + o), pl = ang(p, PST_J_R_SHOULDER_OUT + o);
	double r = ang(p, PST_J_R_SHOULDER_ROT + o), el = ang(p, PST_J_R_ELBOW + o);
	double w = ang(p, PST_J_R_WRIST + o);
	const struct vec X = v3(1, 0, 0), Y = v3(0, 1, 0), DOWN = v3(0, -1, 0);
	/* Elevation in a plane turned out from forward by pl, with the humerus's own turn r
	 * measured from hanging, so that 0 always means "as it was when the arm hung". */
	struct vec d = DOWN, f = rot(X, DOWN, r);
	double phi = 90 - pl;
	d = rot(rot(rot(d, Y, -phi), X, -e), Y, phi);
	f = rot(rot(rot(f, Y, -phi), X, -e), Y, phi);
	struct vec fore = adds(mul(d, cos(rad(el))), f, sin(rad(el)));
	struct vec front = adds(mul(f, cos(rad(el))), d, -sin(rad(el)));
	struct vec hand = adds(mul(fore, cos(rad(w))), front, sin(rad(w)));
	b->el[s] = add(b->sh[s], in(&b->tho, mul(d, UPPER_ARM), sg));
	b->wr[s] = add(b->el[s], in(&b->tho, mul(fore, FOREARM), sg));
	b->tip[s] = add(b->wr[s], in(&b->tho, mul(hand, HAND), sg));
}

static void place_leg(struct body *b, const struct pst_pose *p, int s)
{
	int o = s ? PST_J_PER_SIDE : 0;
	double sg = s ? -1 : 1;
	double fl = ang(p, PST_J_R_HIP + o), ab = ang(p, PST_J_R_HIP_OUT + o);
	double r = ang(p, PST_J_R_HIP_ROT + o), kn = ang(p, PST_J_R_KNEE + o);
	double an = ang(p, PST_J_R_ANKLE + o);
	const struct vec X = v3(1, 0, 0), Z = v3(0, 0, 1), DOWN = v3(0, -1, 0);
	struct vec d = DOWN, k = rot(v3(-1, 0, 0), DOWN, r);
	d = rot(rot(d, X, -ab), Z, fl);
	k = rot(rot(k, X, -ab), Z, fl);
	struct vec shin = adds(mul(d, cos(rad(kn))), k, sin(rad(kn)));
	struct vec front = adds(mul(k, -cos(rad(kn))), d, sin(rad(kn)));
	struct vec foot = adds(mul(front, cos(rad(an))), shin, sin(rad(an)));
	b->hip[s] = add(b->pelvis, in(&b->pel, v3(0, 0, HIP_HALF), sg));
	b->kn[s] = add(b->hip[s], in(&b->pel, mul(d, THIGH), sg));
	b->an[s] = add(b->kn[s], in(&b->pel, mul(shin, SHIN), sg));
	struct vec heel = adds(mul(shin, 3), foot, -4), toe = adds(mul(shin, 3), foot, FOOT - 4);
	b->heel[s] = add(b->an[s], in(&b->pel, heel, sg));
	b->toe[s] = add(b->an[s], in(&b->pel, toe, sg));
}

/* The skeleton of pose p with the pelvis at the origin, before it is set on the floor. */
static void build(struct body *b, const struct pst_pose *p)
{
	memset(b, 0, sizeof(*b));
	struct frame pel = {v3(1, 0, 0), v3(0, 1, 0), v3(0, 0, 1)};
	turn(&pel.u, &pel.f, ang(p, PST_J_TRUNK));
	turn(&pel.r, &pel.f, ang(p, PST_J_ROLL));
	b->pel = pel;
	double sp = ang(p, PST_J_SPINE);
	struct vec lum = pel.u, lf = pel.f, tseg = pel.u, tf = pel.f;
	/* The spine bends about its chord: the lower back one way, the upper back the
	 * other, so rounding lifts the middle instead of tipping the whole trunk. */
	turn(&lum, &lf, -0.3 * sp);
	turn(&tseg, &tf, 0.5 * sp);
	struct frame tho = pel;
	turn(&tho.u, &tho.f, 0.8 * sp);
	turn(&tho.f, &tho.r, ang(p, PST_J_TWIST));
	b->tho = tho;
	/* The neck leans on the chest (neck); the head nods on the neck (nod) and turns. */
	struct frame nk = tho;
	turn(&nk.u, &nk.f, ang(p, PST_J_NECK));
	struct frame hd = nk;
	turn(&hd.u, &hd.f, ang(p, PST_J_NOD));
	turn(&hd.f, &hd.r, ang(p, PST_J_HEAD_TURN));
	b->head = hd;

	b->pelvis = v3(0, 0, 0);
	b->mid = mul(lum, LUMBAR);
	b->neck = adds(b->mid, tseg, THORAX);
	b->headc = adds(adds(b->neck, nk.u, NECK_LEN - 4), hd.u, 4);
	b->top = adds(b->headc, hd.u, HEAD_R);
	b->pregnant = p->pregnant;
	b->bump = add(adds(b->pelvis, lum, 12), mul(lf, 10));
	for (int s = 0; s < 2; s++) {
		place_arm(b, p, s);
		place_leg(b, p, s);
	}
	struct vec mr = mid2(pel.r, tho.r);
	for (int s = 0; s < 2; s++) {
		double sg = s ? -1 : 1;
		b->lo[s ? 3 : 0] = adds(b->pelvis, pel.r, 6 * sg);
		b->lo[s ? 2 : 1] = adds(b->mid, mr, 6 * sg);
		b->hi[s ? 3 : 0] = adds(b->mid, mr, 6 * sg);
		/* The shoulders of the trunk follow the girdle (shrugs, rounding). */
		struct vec c = add(adds(b->neck, tho.u, -6), mul(add(b->sh[s], mul(b->clav[s], -1)), 0.6));
		b->hi[s ? 2 : 1] = c;
	}
}

static void shift(struct body *b, struct vec d)
{
	struct vec *pts[] = {&b->pelvis, &b->mid, &b->neck, &b->top, &b->headc, &b->bump};
	for (size_t i = 0; i < sizeof pts / sizeof *pts; i++)
		*pts[i] = add(*pts[i], d);
	for (int s = 0; s < 2; s++) {
		struct vec *q[] = {&b->clav[s], &b->sh[s], &b->el[s], &b->wr[s], &b->tip[s],
				   &b->hip[s], &b->kn[s], &b->an[s], &b->heel[s], &b->toe[s]};
		for (size_t i = 0; i < sizeof q / sizeof *q; i++)
			*q[i] = add(*q[i], d);
	}
	for (int i = 0; i < 4; i++) {
		b->lo[i] = add(b->lo[i], d);
		b->hi[i] = add(b->hi[i], d);
	}
}

/* The lowest point of the body's surface. */
static double lowest(const struct body *b)
{
	double m = b->headc.y - HEAD_R;
#define LOW(pt, w)                                                                     \
	do {                                                                           \
		double v_ = (pt).y - (w) / 2;                                          \
		m = v_ < m ? v_ : m;                                                   \
	} while (0)
	for (int i = 0; i < 4; i++) {
		LOW(b->lo[i], W_LOWER_TRUNK);
		LOW(b->hi[i], W_UPPER_TRUNK);
	}
	if (b->pregnant)
		LOW(b->bump, 2 * BUMP_R);
	for (int s = 0; s < 2; s++) {
		LOW(b->el[s], W_UPPER_ARM);
		LOW(b->wr[s], W_FOREARM);
		LOW(b->tip[s], W_HAND);
		LOW(b->kn[s], W_THIGH);
		LOW(b->an[s], W_SHIN);
		LOW(b->heel[s], W_FOOT);
		LOW(b->toe[s], W_FOOT);
	}
#undef LOW
	return m;
}

static struct vec landmark(const struct body *b, enum pst_landmark lm)
{
	switch (lm) {
	case PST_LM_FEET: return mul(add(mid2(b->heel[0], b->toe[0]), mid2(b->heel[1], b->toe[1])), 0.5);
	case PST_LM_KNEES: return mid2(b->kn[0], b->kn[1]);
	case PST_LM_HANDS: return mid2(mid2(b->wr[0], b->tip[0]), mid2(b->wr[1], b->tip[1]));
	case PST_LM_ELBOWS: return mid2(b->el[0], b->el[1]);
	case PST_LM_HEAD: return b->headc;
	case PST_LM_BACK: return adds(mid2(b->mid, b->neck), b->tho.f, -W_UPPER_TRUNK / 2);
	case PST_LM_CHEST: return adds(mid2(b->mid, b->neck), b->tho.f, W_UPPER_TRUNK / 2);
	case PST_LM_PELVIS:
	case PST_LM__MAX: break;
	}
	return b->pelvis;
}

/* Builds pose p, sets it on the floor and puts its anchor at x = z = 0. */
static void pose_body(struct body *b, const struct pst_pose *p)
{
	build(b, p);
	struct vec a = landmark(b, p->anchor);
	shift(b, v3(-a.x, -lowest(b), -a.z));
}

void pst_figure_point(const struct pst_pose *p, enum pst_fig_point pt, double xyz[3])
{
	struct body b;
	pose_body(&b, p);
	struct vec v = b.pelvis;
	switch (pt) {
	case PST_FP_HEAD: v = b.headc; break;
	case PST_FP_NECK: v = b.neck; break;
	case PST_FP_R_SHOULDER: v = b.sh[0]; break;
	case PST_FP_L_SHOULDER: v = b.sh[1]; break;
	case PST_FP_R_ELBOW: v = b.el[0]; break;
	case PST_FP_L_ELBOW: v = b.el[1]; break;
	case PST_FP_R_HAND: v = mid2(b.wr[0], b.tip[0]); break;
	case PST_FP_L_HAND: v = mid2(b.wr[1], b.tip[1]); break;
	case PST_FP_R_KNEE: v = b.kn[0]; break;
	case PST_FP_L_KNEE: v = b.kn[1]; break;
	case PST_FP_R_FOOT: v = mid2(b.heel[0], b.toe[0]); break;
	case PST_FP_L_FOOT: v = mid2(b.heel[1], b.toe[1]); break;
	case PST_FP_PELVIS:
	case PST_FP__MAX: break;
	}
	xyz[0] = v.x;
	xyz[1] = v.y;
	xyz[2] = v.z;
}

/* ---- seeing the scene from one side: u right, v up, d toward the eye ---- */

struct pt {
	double u, v, d;
};

static struct pt see(enum pst_view view, struct vec p)
{
	switch (view) {
	case PST_VIEW_FRONT: return (struct pt){-p.z, p.y, p.x};
	case PST_VIEW_TOP: return (struct pt){p.x, -p.z, p.y};
	case PST_VIEW_BACK: return (struct pt){p.z, p.y, -p.x};
	case PST_VIEW_QUARTER: /* from the front right, 50 degrees round from the side */
		return (struct pt){p.x * 0.6428 - p.z * 0.7660, p.y, p.z * 0.6428 + p.x * 0.7660};
	case PST_VIEW_SIDE:
	case PST_VIEW__MAX: break;
	}
	return (struct pt){p.x, p.y, p.z};
}

struct rgb {
	double r, g, b;
};

#define RGB(hex) {((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex) & 0xff) / 255.0}

static const struct rgb C_BG = RGB(0xFBF8F3), C_FLOOR = RGB(0xEFE8DE), C_FLOOR_LINE = RGB(0xB3A697),
			C_NEAR = RGB(0x2F6E9E), C_FAR = RGB(0x93B7D4), C_HAIR = RGB(0x1F4E73),
			C_BUMP = RGB(0x3C7FB0), C_EYE = RGB(0xFBF8F3),
			C_WALL = RGB(0xE4DACD), C_WALL_EDGE = RGB(0xC2B29E),
			C_WOOD = RGB(0xC48E5C), C_WOOD_DARK = RGB(0x9C6B3E),
			C_COUCH = RGB(0xB7A2D6), C_COUCH_DARK = RGB(0x8D72B5),
			C_BAND = RGB(0xE4572E), C_ROLLER = RGB(0x6DB38A), C_ROLLER_DARK = RGB(0x4A8E66),
			C_MAT = RGB(0xBCD7B4), C_PILLOW = RGB(0xF3DFA2), C_PILLOW_DARK = RGB(0xD6BC70),
			C_LABEL = RGB(0x5C5248);

static void set_rgb(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* One part of the figure: a few rounded strokes or discs drawn as one shape. */
enum { SH_LINE, SH_POLY, SH_DISC };

struct shape {
	int kind;
	struct pt p[4];
	int n;
	double w; /* stroke width, or the disc's radius */
};

struct part {
	struct shape s[4];
	int n;
	double depth;
	int order;
	int tone; /* 0 near, 1 far, 2 bump, 3 hair */
	bool eyes;
};

struct figure {
	struct part part[12];
	int n;
	/* the head's features */
	struct pt eye[2], nose;
	double eye_d[2], head_d;
	bool eye_on[2];
};

static void part_add(struct part *pt, int kind, const struct pt *p, int n, double w)
{
	struct shape *s = &pt->s[pt->n++];
	s->kind = kind;
	s->n = n;
	s->w = w;
	memcpy(s->p, p, (size_t)n * sizeof(*p));
}

static void part_line(struct part *pt, enum pst_view v, struct vec a, struct vec b, double w)
{
	struct pt p[2] = {see(v, a), see(v, b)};
	part_add(pt, SH_LINE, p, 2, w);
}

static double part_depth(const struct part *pt)
{
	double d = 0;
	int k = 0;
	for (int i = 0; i < pt->n; i++)
		for (int j = 0; j < pt->s[i].n; j++, k++)
			d += pt->s[i].p[j].d;
	return k ? d / k : 0;
}

static int part_cmp(const void *pa, const void *pb)
{
	const struct part *a = pa, *b = pb;
	if (a->depth < b->depth - 1e-9)
		return -1;
	if (a->depth > b->depth + 1e-9)
		return 1;
	return a->order - b->order;
}

/* Cuts the body into parts, seen from view, sorted back to front. */
static void cut(struct figure *fg, const struct body *b, enum pst_view v)
{
	memset(fg, 0, sizeof(*fg));
	struct part *pt;
	/* trunk, neck */
	pt = &fg->part[fg->n++];
	{
		struct pt lo[4], hi[4];
		for (int i = 0; i < 4; i++) {
			lo[i] = see(v, b->lo[i]);
			hi[i] = see(v, b->hi[i]);
		}
		part_add(pt, SH_POLY, lo, 4, W_LOWER_TRUNK);
		part_add(pt, SH_POLY, hi, 4, W_UPPER_TRUNK);
		part_line(pt, v, b->neck, adds(b->headc, b->head.u, -4), W_NECK);
	}
	double trunk_d = part_depth(pt);
	pt->depth = trunk_d;
	/* head */
	pt = &fg->part[fg->n++];
	{
		struct pt c = see(v, b->headc);
		part_add(pt, SH_DISC, &c, 1, HEAD_R);
		pt->depth = c.d;
		pt->eyes = true;
		fg->head_d = c.d;
		/* the eyes and a small nose show where the face points */
		for (int s = 0; s < 2; s++) {
			struct vec e = add(adds(b->headc, b->head.f, 0.72 * HEAD_R),
					   add(mul(b->head.u, 0.12 * HEAD_R), mul(b->head.r, (s ? -0.36 : 0.36) * HEAD_R)));
			fg->eye[s] = see(v, e);
			struct pt out = see(v, b->head.f), side = see(v, mul(b->head.r, s ? -1 : 1));
			fg->eye_on[s] = out.d + 0.8 * side.d > 0.05;
		}
		fg->nose = see(v, add(adds(b->headc, b->head.f, HEAD_R), mul(b->head.u, -0.15 * HEAD_R)));
	}
	/* a bun at the back of the head */
	pt = &fg->part[fg->n++];
	{
		struct pt c = see(v, add(adds(b->headc, b->head.f, -0.85 * HEAD_R), mul(b->head.u, 0.35 * HEAD_R)));
		part_add(pt, SH_DISC, &c, 1, 0.42 * HEAD_R);
		pt->depth = c.d;
		pt->tone = 3;
	}
	if (b->pregnant) {
		pt = &fg->part[fg->n++];
		struct pt c = see(v, b->bump);
		part_add(pt, SH_DISC, &c, 1, BUMP_R);
		pt->depth = c.d;
		pt->tone = 2;
	}
	for (int s = 0; s < 2; s++) {
		pt = &fg->part[fg->n++];
		part_line(pt, v, b->hip[s], b->kn[s], W_THIGH);
		part_line(pt, v, b->kn[s], b->an[s], W_SHIN);
		part_line(pt, v, b->heel[s], b->toe[s], W_FOOT);
		pt->depth = part_depth(pt);
		pt = &fg->part[fg->n++];
		part_line(pt, v, b->sh[s], b->el[s], W_UPPER_ARM);
		part_line(pt, v, b->el[s], b->wr[s], W_FOREARM);
		part_line(pt, v, b->wr[s], b->tip[s], W_HAND);
		pt->depth = part_depth(pt);
	}
	for (int i = 0; i < fg->n; i++) {
		fg->part[i].order = i;
		/* limbs behind the trunk are drawn lighter: the far side */
		if (i >= 3 && fg->part[i].tone == 0 && fg->part[i].depth < trunk_d - 4)
			fg->part[i].tone = 1;
	}
	/* The bun sits behind the head when the face looks at us, in front when it looks away. */
	if (fg->part[2].depth < fg->part[1].depth)
		fg->part[2].depth = fg->part[1].depth - 0.01;
	else
		fg->part[2].depth = fg->part[1].depth + 0.01;
	qsort(fg->part, (size_t)fg->n, sizeof(fg->part[0]), part_cmp);
}

static void trace(cairo_t *cr, const struct shape *s, double extra)
{
	switch (s->kind) {
	case SH_DISC:
		cairo_new_sub_path(cr);
		cairo_arc(cr, s->p[0].u, s->p[0].v, s->w + extra, 0, 2 * M_PI);
		cairo_fill(cr);
		return;
	case SH_LINE:
	case SH_POLY:
		cairo_set_line_width(cr, s->w + 2 * extra);
		cairo_move_to(cr, s->p[0].u, s->p[0].v);
		for (int i = 1; i < s->n; i++)
			cairo_line_to(cr, s->p[i].u, s->p[i].v);
		if (s->kind == SH_POLY) {
			cairo_close_path(cr);
			cairo_fill_preserve(cr);
		}
		cairo_stroke(cr);
		return;
	}
}

static void draw_part(cairo_t *cr, const struct part *pt)
{
	static const struct rgb *const tones[] = {&C_NEAR, &C_FAR, &C_BUMP, &C_HAIR};
	set_rgb(cr, C_BG);
	for (int i = 0; i < pt->n; i++)
		trace(cr, &pt->s[i], W_OUTLINE);
	set_rgb(cr, *tones[pt->tone]);
	for (int i = 0; i < pt->n; i++)
		trace(cr, &pt->s[i], 0);
}

static void draw_face(cairo_t *cr, const struct figure *fg)
{
	set_rgb(cr, C_EYE);
	for (int s = 0; s < 2; s++) {
		if (!fg->eye_on[s])
			continue;
		cairo_new_sub_path(cr);
		cairo_arc(cr, fg->eye[s].u, fg->eye[s].v, 1.6, 0, 2 * M_PI);
		cairo_fill(cr);
	}
	/* The nose only when it sticks out of the outline, i.e. in profile. */
	if (fabs(fg->nose.d - fg->head_d) < 0.8 * HEAD_R) {
		set_rgb(cr, C_NEAR);
		cairo_new_sub_path(cr);
		cairo_arc(cr, fg->nose.u, fg->nose.v, 2.4, 0, 2 * M_PI);
		cairo_fill(cr);
	}
}

/* ---- props ---- */

struct box2 {
	double x0, y0, x1, y1;
};

static void grow(struct box2 *bx, double u, double v)
{
	bx->x0 = u < bx->x0 ? u : bx->x0;
	bx->x1 = u > bx->x1 ? u : bx->x1;
	bx->y0 = v < bx->y0 ? v : bx->y0;
	bx->y1 = v > bx->y1 ? v : bx->y1;
}

/* The box around the body's drawn shapes. */
static struct box2 figure_box(const struct figure *fg)
{
	struct box2 bx = {1e9, 1e9, -1e9, -1e9};
	for (int i = 0; i < fg->n; i++)
		for (int k = 0; k < fg->part[i].n; k++) {
			const struct shape *s = &fg->part[i].s[k];
			double r = s->kind == SH_DISC ? s->w : s->w / 2;
			for (int j = 0; j < s->n; j++) {
				grow(&bx, s->p[j].u - r - W_OUTLINE, s->p[j].v - r - W_OUTLINE);
				grow(&bx, s->p[j].u + r + W_OUTLINE, s->p[j].v + r + W_OUTLINE);
			}
		}
	return bx;
}

/* A prop as placed for one view: where its landmark is, and the figure it goes with. */
struct placed {
	const struct pst_prop *pr;
	struct pt at;      /* landmark + nudge */
	struct pt pelvis;  /* to tell in front from behind */
	struct box2 body;  /* the reference pose's box */
	struct pt hand[2]; /* the hands of the pose being drawn (bands follow them) */
	enum pst_view view;
};

enum { WALL_STRIP, WALL_PANEL, WALL_NONE };

/*
 * How a wall shows: seen from the side or above, as its edge (a strip); from the front,
 * the back or 3/4, as a panel behind the figure, or as a strip when it stands to one
 * side of it, and not at all when it stands between the eye and the figure.
 */
static int wall_kind(const struct placed *pl)
{
	if (pl->view == PST_VIEW_SIDE || pl->view == PST_VIEW_TOP || fabs(pl->at.u - pl->pelvis.u) > 15)
		return WALL_STRIP;
	return pl->at.d < pl->pelvis.d ? WALL_PANEL : WALL_NONE;
}

static double rsign(double x)
{
	return x < 0 ? -1 : 1;
}

static void rect(cairo_t *cr, double x0, double y0, double x1, double y1, double r)
{
	double x = fmin(x0, x1), y = fmin(y0, y1), w = fabs(x1 - x0), h = fabs(y1 - y0);
	r = fmin(r, fmin(w, h) / 2);
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

static void fill_edge(cairo_t *cr, struct rgb fill, struct rgb edge, double w)
{
	set_rgb(cr, fill);
	cairo_fill_preserve(cr);
	set_rgb(cr, edge);
	cairo_set_line_width(cr, w);
	cairo_stroke(cr);
}

enum { WALL_TOP = 215, DOOR_TOP = 205 };

/*
 * Where a prop reaches, for framing: walls and door frames are as tall as the picture,
 * so only their width counts.
 */
static void prop_extent(const struct placed *pl, struct box2 *bx)
{
	const struct pst_prop *pr = pl->pr;
	double u = pl->at.u, v = pl->at.v, dir = rsign(pl->at.u - pl->pelvis.u);
	switch (pr->kind) {
	case PST_EQ_WALL:
		if (wall_kind(pl) == WALL_STRIP)
			grow(bx, u + dir * 10, 0);
		return;
	case PST_EQ_DOORWAY:
		if (pl->view != PST_VIEW_SIDE && pl->view != PST_VIEW_TOP) {
			grow(bx, pl->hand[0].u - 14, 0);
			grow(bx, pl->hand[1].u + 14, 0);
			grow(bx, pl->hand[0].u + 14, 0);
			grow(bx, pl->hand[1].u - 14, 0);
		} else {
			grow(bx, u - 8, 0);
			grow(bx, u + 8, 0);
		}
		return;
	case PST_EQ_CHAIR:
		grow(bx, u - 26, 0);
		grow(bx, u + 26, fmin(v, 110));
		return;
	case PST_EQ_COUCH:
		grow(bx, u - dir * 6, 0);
		grow(bx, u + dir * 60, v + 30);
		return;
	case PST_EQ_BAND:
		if (pr->has_anchor) {
			grow(bx, pr->ax - 6, 0);
			grow(bx, pr->ax + 6, pr->ay + 6);
		}
		return;
	case PST_EQ_FOAM_ROLLER:
		if (pl->view == PST_VIEW_SIDE) {
			grow(bx, u - 9, 0);
			grow(bx, u + 9, 18);
		} else {
			grow(bx, u - 32, 0);
			grow(bx, u + 32, 18);
		}
		return;
	case PST_EQ_PILLOW:
		grow(bx, u - 18, v - 10);
		grow(bx, u + 18, v + 8);
		return;
	case PST_EQ_MAT:
	case PST_EQ__MAX: return;
	}
}

/* Draws a prop; front is false for the layer behind the body, true for the one before.
 * bands: the band's strands too (a movement draws them itself, as they follow the hands). */
static void draw_prop(cairo_t *cr, const struct placed *pl, const struct box2 *view_box, bool front,
		      bool bands)
{
	const struct pst_prop *pr = pl->pr;
	double u = pl->at.u, v = pl->at.v, dir = rsign(pl->at.u - pl->pelvis.u);
	bool is_front = pr->kind == PST_EQ_BAND;
	if (is_front != front)
		return;
	double top = view_box->y1 + 40;
	switch (pr->kind) {
	case PST_EQ_WALL:
		if (wall_kind(pl) == WALL_NONE)
			return;
		if (wall_kind(pl) == WALL_PANEL) {
			/* a wall behind the figure: a panel the size of the picture */
			rect(cr, view_box->x0 - 400, 0, view_box->x1 + 400, top, 0);
			set_rgb(cr, C_WALL);
			cairo_fill(cr);
			return;
		}
		rect(cr, u, -2, u + dir * 400, top, 0);
		set_rgb(cr, C_WALL);
		cairo_fill(cr);
		set_rgb(cr, C_WALL_EDGE);
		cairo_set_line_width(cr, 2);
		cairo_move_to(cr, u, 0);
		cairo_line_to(cr, u, top);
		cairo_stroke(cr);
		return;
	case PST_EQ_DOORWAY:
		if (pl->view != PST_VIEW_SIDE && pl->view != PST_VIEW_TOP) {
			/* both jambs, just outside the hands, and the head of the frame */
			double l = fmin(pl->hand[0].u, pl->hand[1].u) - 4;
			double r = fmax(pl->hand[0].u, pl->hand[1].u) + 4;
			rect(cr, l - 9, DOOR_TOP, r + 9, DOOR_TOP + 10, 1);
			fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
			rect(cr, l - 9, 0, l, DOOR_TOP, 1);
			fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
			rect(cr, r, 0, r + 9, DOOR_TOP, 1);
			fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
		} else {
			rect(cr, u - 22, DOOR_TOP, u + 22, DOOR_TOP + 10, 1);
			fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
			rect(cr, u - 4.5, 0, u + 4.5, DOOR_TOP, 1);
			fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
		}
		return;
	case PST_EQ_CHAIR: {
		if (pr->at == PST_LM_PELVIS) {
			double seat = v - W_LOWER_TRUNK / 2 + 1;
			if (pl->view != PST_VIEW_SIDE && pl->view != PST_VIEW_TOP) {
				rect(cr, u - 22, seat, u + 22, seat + 42, 2);
				fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
				rect(cr, u - 20, 0, u - 16, seat, 1);
				fill_edge(cr, C_WOOD_DARK, C_WOOD_DARK, 0.8);
				rect(cr, u + 16, 0, u + 20, seat, 1);
				fill_edge(cr, C_WOOD_DARK, C_WOOD_DARK, 0.8);
				rect(cr, u - 24, seat - 4, u + 24, seat, 1.5);
				fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
				return;
			}
			/* seen from the side: the back rest behind the sitter */
			double back = u - 16, fr = u + 20;
			rect(cr, back, seat - 4, fr, seat, 1.5);
			fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
			rect(cr, back, 0, back + 3.5, seat + 44, 1.5);
			fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
			rect(cr, fr - 3.5, 0, fr, seat - 4, 1);
			fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
			return;
		}
		/* A chair facing the figure, its back rest top at the landmark. */
		double tb = v, seat = fmin(45, tb - 25);
		double bx0 = u + dir * 2, far = bx0 + dir * 3.5, near = bx0 - dir * 36;
		rect(cr, bx0, 0, far, tb, 1.5);
		fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
		rect(cr, near, seat - 4, far, seat, 1.5);
		fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
		rect(cr, near, 0, near + dir * 3.5, seat - 4, 1);
		fill_edge(cr, C_WOOD, C_WOOD_DARK, 1.2);
		return;
	}
	case PST_EQ_COUCH: {
		double seat = v, edge = u - dir * 6, far = edge + dir * 78;
		rect(cr, edge, 4, far, seat, 5);
		fill_edge(cr, C_COUCH, C_COUCH_DARK, 1.4);
		rect(cr, far - dir * 16, 4, far, seat + 30, 6);
		fill_edge(cr, C_COUCH, C_COUCH_DARK, 1.4);
		rect(cr, edge + dir * 3, 0, edge + dir * 7, 4, 0.5);
		fill_edge(cr, C_COUCH_DARK, C_COUCH_DARK, 0.5);
		rect(cr, far - dir * 7, 0, far - dir * 3, 4, 0.5);
		fill_edge(cr, C_COUCH_DARK, C_COUCH_DARK, 0.5);
		return;
	}
	case PST_EQ_BAND: {
		set_rgb(cr, C_BAND);
		cairo_set_line_width(cr, 2.2);
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
		if (pr->has_anchor) {
			for (int s = 0; s < 2 && bands; s++) {
				cairo_move_to(cr, pr->ax, pr->ay);
				cairo_line_to(cr, pl->hand[s].u, pl->hand[s].v);
			}
			cairo_stroke(cr);
			rect(cr, pr->ax - 3, 0, pr->ax + 3, pr->ay + 5, 1);
			fill_edge(cr, C_WOOD, C_WOOD_DARK, 1);
			set_rgb(cr, C_BAND);
			cairo_new_sub_path(cr);
			cairo_arc(cr, pr->ax, pr->ay, 2.6, 0, 2 * M_PI);
			cairo_fill(cr);
		} else if (bands) {
			cairo_move_to(cr, pl->hand[0].u, pl->hand[0].v);
			cairo_line_to(cr, pl->hand[1].u, pl->hand[1].v);
			cairo_stroke(cr);
		}
		return;
	}
	case PST_EQ_FOAM_ROLLER:
		if (pl->view == PST_VIEW_SIDE) {
			cairo_new_sub_path(cr);
			cairo_arc(cr, u, 8, 8, 0, 2 * M_PI);
			fill_edge(cr, C_ROLLER, C_ROLLER_DARK, 1.4);
			cairo_new_sub_path(cr);
			cairo_arc(cr, u, 8, 3, 0, 2 * M_PI);
			fill_edge(cr, C_ROLLER_DARK, C_ROLLER_DARK, 0.5);
		} else {
			rect(cr, u - 30, 0, u + 30, 16, 7);
			fill_edge(cr, C_ROLLER, C_ROLLER_DARK, 1.4);
		}
		return;
	case PST_EQ_MAT:
		if (pl->view == PST_VIEW_TOP) {
			rect(cr, pl->body.x0 - 10, pl->body.y0 - 10, pl->body.x1 + 10, pl->body.y1 + 10, 6);
			set_rgb(cr, C_MAT);
			cairo_fill(cr);
		} else {
			rect(cr, pl->body.x0 - 12, -0.5, pl->body.x1 + 12, 2.5, 1.2);
			set_rgb(cr, C_MAT);
			cairo_fill(cr);
		}
		return;
	case PST_EQ_PILLOW:
		cairo_save(cr);
		cairo_translate(cr, u, v);
		cairo_scale(cr, 1, 0.45);
		cairo_new_sub_path(cr);
		cairo_arc(cr, 0, 0, 16, 0, 2 * M_PI);
		cairo_restore(cr);
		fill_edge(cr, C_PILLOW, C_PILLOW_DARK, 1.2);
		return;
	case PST_EQ__MAX: return;
	}
}

/* The landmark a prop is placed at, and how it sits against it. */
static struct pt prop_at(const struct pst_prop *pr, const struct body *b, enum pst_view v)
{
	struct vec lm = landmark(b, pr->at);
	struct pt p = see(v, lm);
	struct pt pel = see(v, b->pelvis);
	double dir = rsign(p.u - pel.u);
	switch (pr->at) {
	case PST_LM_HANDS: p.u += dir * W_HAND / 2; break;
	case PST_LM_ELBOWS:
		p.u += dir * W_UPPER_ARM / 2;
		p.v -= W_UPPER_ARM / 2;
		break;
	case PST_LM_HEAD:
		if (pr->kind == PST_EQ_PILLOW && v != PST_VIEW_TOP)
			p.v -= HEAD_R + 3;
		break;
	case PST_LM_KNEES:
		if (pr->kind == PST_EQ_PILLOW && v != PST_VIEW_TOP)
			p.v -= W_THIGH / 2 + 3;
		break;
	default: break;
	}
	p.u += pr->dx;
	p.v += pr->dy;
	return p;
}

/* The pose whose props a pose of the given view shares: the first one of that view. */
static const struct pst_pose *reference(const struct pst_scene *sc, const struct pst_pose *p)
{
	for (size_t i = 0; i < sc->n; i++)
		if (sc->poses[i].view == p->view)
			return &sc->poses[i];
	return p;
}

struct scene_draw {
	struct figure fg;
	struct placed pl[PST_PROPS_MAX];
	size_t npl;
	struct box2 box; /* the figure and its props */
};

static void lay_out(struct scene_draw *sd, const struct pst_scene *sc, const struct pst_pose *p)
{
	struct body b, rb;
	pose_body(&b, p);
	cut(&sd->fg, &b, p->view);
	const struct pst_pose *ref = reference(sc, p);
	pose_body(&rb, ref);
	struct figure rfg;
	cut(&rfg, &rb, ref->view);
	struct box2 rbox = figure_box(&rfg);
	sd->box = figure_box(&sd->fg);
	sd->npl = sc->nprops < PST_PROPS_MAX ? sc->nprops : PST_PROPS_MAX;
	for (size_t i = 0; i < sd->npl; i++) {
		struct placed *pl = &sd->pl[i];
		pl->pr = &sc->props[i];
		pl->view = p->view;
		pl->at = prop_at(pl->pr, &rb, p->view);
		pl->pelvis = see(p->view, rb.pelvis);
		pl->body = rbox;
		for (int s = 0; s < 2; s++)
			pl->hand[s] = see(p->view, mid2(b.wr[s], b.tip[s]));
		prop_extent(pl, &sd->box);
	}
	if (p->view != PST_VIEW_TOP)
		grow(&sd->box, sd->box.x0, 0);
}

void pst_figure_bounds(const struct pst_scene *sc, const struct pst_pose *p,
		       struct pst_fig_box *box)
{
	struct scene_draw sd;
	lay_out(&sd, sc, p);
	*box = (struct pst_fig_box){sd.box.x0, sd.box.y0, sd.box.x1, sd.box.y1};
}

/* What draw_pose draws: everything, or one layer of a movement (pst_figure_animate): the
 * back (the floor and the props behind the body) or the front (the props before it, but
 * the band's strands). The body itself and the strands a movement writes itself. */
enum layer { LAYER_ALL, LAYER_BACK, LAYER_FRONT };

/* Where scene units land in cr's units: x = cx + s (u - mx), y = cy - s (v - my). */
struct fit {
	double s, cx, cy, mx, my;
};

static struct fit fit_box(const struct pst_fig_box *box, double x, double y, double w, double h)
{
	double bw = box->x1 - box->x0, bh = box->y1 - box->y0;
	if (bw < 1)
		bw = 1;
	if (bh < 1)
		bh = 1;
	return (struct fit){fmin(w / bw, h / bh), x + w / 2, y + h / 2, (box->x0 + box->x1) / 2,
			    (box->y0 + box->y1) / 2};
}

static void draw_pose(cairo_t *cr, const struct pst_scene *sc, const struct pst_pose *p,
		      const struct pst_fig_box *box, double x, double y, double w, double h,
		      enum layer layer)
{
	struct scene_draw sd;
	lay_out(&sd, sc, p);
	struct fit f = fit_box(box, x, y, w, h);
	double s = f.s, bw = fmax(box->x1 - box->x0, 1), bh = fmax(box->y1 - box->y0, 1);
	struct box2 vb = {box->x0 - (w / s - bw) / 2, box->y0 - (h / s - bh) / 2,
			  box->x1 + (w / s - bw) / 2, box->y1 + (h / s - bh) / 2};
	cairo_save(cr);
	cairo_rectangle(cr, x, y, w, h);
	cairo_clip(cr);
	cairo_translate(cr, f.cx, f.cy);
	cairo_scale(cr, s, -s);
	cairo_translate(cr, -f.mx, -f.my);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);

	if (layer != LAYER_FRONT) {
		if (p->view == PST_VIEW_TOP) {
			cairo_rectangle(cr, vb.x0, vb.y0, vb.x1 - vb.x0, vb.y1 - vb.y0);
			set_rgb(cr, C_FLOOR);
			cairo_fill(cr);
		}
		for (size_t i = 0; i < sd.npl; i++)
			draw_prop(cr, &sd.pl[i], &vb, false, true);
		if (p->view != PST_VIEW_TOP) {
			cairo_rectangle(cr, vb.x0, vb.y0, vb.x1 - vb.x0, -vb.y0);
			set_rgb(cr, C_FLOOR);
			cairo_fill(cr);
			set_rgb(cr, C_FLOOR_LINE);
			cairo_set_line_width(cr, 1.2);
			cairo_move_to(cr, vb.x0, 0);
			cairo_line_to(cr, vb.x1, 0);
			cairo_stroke(cr);
			/* mats lie on the floor: drawn again over its line */
			for (size_t i = 0; i < sd.npl; i++)
				if (sd.pl[i].pr->kind == PST_EQ_MAT)
					draw_prop(cr, &sd.pl[i], &vb, false, true);
		}
	}
	if (layer == LAYER_ALL)
		for (int i = 0; i < sd.fg.n; i++) {
			draw_part(cr, &sd.fg.part[i]);
			if (sd.fg.part[i].eyes)
				draw_face(cr, &sd.fg);
		}
	if (layer != LAYER_BACK)
		for (size_t i = 0; i < sd.npl; i++)
			draw_prop(cr, &sd.pl[i], &vb, true, layer == LAYER_ALL);
	cairo_restore(cr);
}

void pst_figure_draw_pose(cairo_t *cr, const struct pst_scene *sc, const struct pst_pose *p,
			  const struct pst_fig_box *box, double x, double y, double w, double h)
{
	draw_pose(cr, sc, p, box, x, y, w, h, LAYER_ALL);
}

/* ---- whole pictures and files ---- */

/* Sets text centred on cx with pango (the layout is ours and freed here), within maxw:
 * a caption too wide for its panel is set smaller, then on two lines. */
static void label(cairo_t *cr, const char *text, double cx, double y, double px, double maxw)
{
	PangoLayout *l = NULL;
	int tw = 0, th = 0;
	for (double size = px; size >= px * 0.7 - 1e-9; size -= px * 0.1) {
		if (l)
			g_object_unref(l);
		l = pst_pango_layout(cr, "DejaVu Sans, Sans", size);
		pango_layout_set_text(l, text, -1);
		pango_layout_get_pixel_size(l, &tw, &th);
		if (tw <= maxw)
			break;
	}
	if (tw > maxw && maxw > 1) {
		pango_layout_set_width(l, (int)(maxw * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
		pango_layout_get_pixel_size(l, &tw, &th);
		y -= th / 2.0;
		tw = (int)maxw; /* the layout is as wide as maxw, its lines centred in it */
	}
	set_rgb(cr, C_LABEL);
	cairo_move_to(cr, cx - tw / 2.0, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
}

void pst_figure_draw(cairo_t *cr, const struct pst_scene *sc, int which, int w, int h,
		     bool labels)
{
	cairo_save(cr);
	cairo_rectangle(cr, 0, 0, w, h);
	set_rgb(cr, C_BG);
	cairo_fill(cr);
	if (!sc->n) {
		cairo_restore(cr);
		return;
	}
	size_t first = which < 0 ? 0 : (size_t)which, last = which < 0 ? sc->n : first + 1;
	if (first >= sc->n) {
		cairo_restore(cr);
		return;
	}
	/* One box and one scale for all panels, so the body keeps its size between poses. */
	struct pst_fig_box box = {1e9, 1e9, -1e9, -1e9};
	for (size_t i = first; i < last; i++) {
		struct pst_fig_box b;
		pst_figure_bounds(sc, &sc->poses[i], &b);
		box.x0 = fmin(box.x0, b.x0);
		box.y0 = fmin(box.y0, b.y0);
		box.x1 = fmax(box.x1, b.x1);
		box.y1 = fmax(box.y1, b.y1);
	}
	size_t n = last - first;
	double pw = (double)w / (double)n;
	double lab = labels ? fmin(fmax(h * 0.09, 12), 40) : 0;
	double pad = fmin(pw, h - lab) * 0.05;
	for (size_t i = 0; i < n; i++) {
		const struct pst_pose *p = &sc->poses[first + i];
		double x0 = pw * (double)i;
		pst_figure_draw_pose(cr, sc, p, &box, x0 + pad, pad, pw - 2 * pad, h - lab - 2 * pad);
		if (labels) {
			char text[96];
			snprintf(text, sizeof text, "%zu  %s", first + i + 1, p->caption ? p->caption : p->name);
			label(cr, text, x0 + pw / 2, h - lab - pad * 0.5, lab * 0.55, pw - pad);
		}
		if (i > 0) {
			/* a thin divider between panels */
			cairo_set_source_rgb(cr, 0.88, 0.85, 0.81);
			cairo_set_line_width(cr, 1);
			cairo_move_to(cr, x0, h * 0.1);
			cairo_line_to(cr, x0, h * 0.9);
			cairo_stroke(cr);
		}
	}
	cairo_restore(cr);
}

struct figure_job {
	const struct pst_scene *sc;
	int which;         /* pst_figure_draw's, when p is NULL */
	bool labels;
	const struct pst_pose *p; /* one frame of a movement: this pose, in box */
	const struct pst_fig_box *box;
	enum layer layer;         /* of that frame */
};

static void draw_job(cairo_t *cr, const void *ctx, int w, int h)
{
	const struct figure_job *j = ctx;
	if (!j->p) {
		pst_figure_draw(cr, j->sc, j->which, w, h, j->labels);
		return;
	}
	if (j->layer != LAYER_FRONT) {
		cairo_rectangle(cr, 0, 0, w, h);
		set_rgb(cr, C_BG);
		cairo_fill(cr);
	}
	double pad = fmin(w, h) * 0.05;
	draw_pose(cr, j->sc, j->p, j->box, pad, pad, w - 2 * pad, h - 2 * pad, j->layer);
}

static int still_svg(const struct pst_scene *sc, int which, int w, int h, struct pst_buf *out);

int pst_figure_render(const struct pst_scene *sc, int which, bool labels,
		      enum pst_fig_format fmt, int w, int h, struct pst_buf *out)
{
	if (w < PST_FIG_MIN_PX || h < PST_FIG_MIN_PX || w > PST_FIG_MAX_PX || h > PST_FIG_MAX_PX ||
	    (which >= 0 && (size_t)which >= sc->n) || sc->n == 0 || fmt < 0 || fmt >= PST_FIG__MAX)
		return PST_EINVAL;
	if (fmt == PST_FIG_SVG && which >= 0 && !labels)
		return still_svg(sc, which, w, h, out);
	size_t start = out->len;
	struct figure_job j = {sc, which, labels, NULL, NULL, LAYER_ALL};
	int err = pst_cairo_render(fmt == PST_FIG_SVG, w, h, draw_job, &j, out);
	if (!err && fmt == PST_FIG_SVG) {
		pst_svg_trim_numbers(out, start);
		if (out->failed)
			err = PST_ENOMEM;
	}
	return err;
}

/* ---- the movement, animated ---- */

/*
 * A movement is written as one SVG that animates itself (SMIL, no script): the floor and
 * the props are drawn by cairo once for each different look they have (a view, a doorway
 * that follows the hands), and the body is written here as a few paths whose shapes are
 * animated from key to key: each pose held, then the way to the next through the eased
 * positions between them, moving in straight lines from one to the next. The paths are
 * those cairo would draw (limbs as round-capped strokes, the trunk as filled and stroked
 * quadrilaterals, discs as round dots), each defined once and drawn twice (its outline in
 * the background colour, then its colour). Where the order of the parts changes (an arm
 * passes behind the body) or the view changes (a cut), another set of the same paths
 * takes over: a "segment", shown only while its frames are.
 */

/* The places of a frame's shapes: 4 per part (by the part's order in cut), the eyes, the
 * nose, the band's strands. */
enum { SLOT_EYE = 48, SLOT_NOSE = 50, SLOT_BAND = 51, SLOT_MAX = 64, OPS_MAX = 128 };

/* The colours the body is drawn in. */
enum { K_BG, K_NEAR, K_FAR, K_BUMP, K_HAIR, K_EYE, K_BAND, K__MAX };

struct geo {
	int kind; /* 0: none; SH_LINE + 1, SH_POLY + 1, SH_DISC + 1 */
	int np;
	long q[8]; /* points, in half pixels */
};

/* One path drawn: its slot, colour and width; a quadrilateral is filled too. */
struct draw_op {
	unsigned char slot, color, fill, pad;
	int width10; /* tenths of half pixels */
};

struct fig_frame {
	int view;
	bool hold; /* a pose held (else a position on the way to the next) */
	double t;  /* when it is reached, from the start of the loop, in seconds */
	struct geo g[SLOT_MAX];
	struct draw_op op[OPS_MAX];
	int nop;
};

static long half_px(double x)
{
	return lround(x * 2);
}

static void put_geo(struct fig_frame *fr, int slot, int kind, const struct pt *p, int np,
		    const struct fit *f)
{
	struct geo *g = &fr->g[slot];
	g->kind = kind + 1;
	g->np = np;
	for (int i = 0; i < np && i < 4; i++) {
		g->q[2 * i] = half_px(f->cx + f->s * (p[i].u - f->mx));
		g->q[2 * i + 1] = half_px(f->cy - f->s * (p[i].v - f->my));
	}
}

static void put_op(struct fig_frame *fr, int slot, int color, double width, bool fill)
{
	if (fr->nop >= OPS_MAX)
		return;
	fr->op[fr->nop++] = (struct draw_op){(unsigned char)slot, (unsigned char)color, fill, 0,
					     (int)lround(width * 20)};
}

/* The body of pose p as paths, in the order draw_part and draw_face draw them, and the
 * band's strands after it, as draw_prop draws them. */
static void fig_frame(const struct pst_scene *sc, const struct pst_pose *p, const struct fit *f,
		      struct fig_frame *fr)
{
	static const int tones[] = {K_NEAR, K_FAR, K_BUMP, K_HAIR};
	struct scene_draw sd;
	lay_out(&sd, sc, p);
	fr->view = p->view;
	const struct figure *fg = &sd.fg;
	for (int i = 0; i < fg->n; i++) {
		const struct part *pt = &fg->part[i];
		for (int pass = 0; pass < 2; pass++)
			for (int k = 0; k < pt->n && k < 4; k++) {
				const struct shape *sh = &pt->s[k];
				int slot = pt->order * 4 + k;
				if (!pass)
					put_geo(fr, slot, sh->kind, sh->p, sh->kind == SH_DISC ? 1 : sh->n, f);
				double extra = pass ? 0 : W_OUTLINE;
				double w = sh->kind == SH_DISC ? 2 * (sh->w + extra) : sh->w + 2 * extra;
				put_op(fr, slot, pass ? tones[pt->tone] : K_BG, w * f->s, sh->kind == SH_POLY);
			}
		if (!pt->eyes)
			continue;
		for (int e = 0; e < 2; e++)
			if (fg->eye_on[e]) {
				put_geo(fr, SLOT_EYE + e, SH_DISC, &fg->eye[e], 1, f);
				put_op(fr, SLOT_EYE + e, K_EYE, 2 * 1.6 * f->s, false);
			}
		if (fabs(fg->nose.d - fg->head_d) < 0.8 * HEAD_R) {
			put_geo(fr, SLOT_NOSE, SH_DISC, &fg->nose, 1, f);
			put_op(fr, SLOT_NOSE, K_NEAR, 2 * 2.4 * f->s, false);
		}
	}
	int band = SLOT_BAND;
	for (size_t i = 0; i < sd.npl; i++) {
		const struct placed *pl = &sd.pl[i];
		if (pl->pr->kind != PST_EQ_BAND)
			continue;
		struct pt l[2] = {pl->hand[0], pl->hand[1]};
		for (int k = 0; k < (pl->pr->has_anchor ? 2 : 1) && band < SLOT_MAX; k++, band++) {
			if (pl->pr->has_anchor)
				l[0] = (struct pt){pl->pr->ax, pl->pr->ay, 0}, l[1] = pl->hand[k];
			put_geo(fr, band, SH_LINE, l, 2, f);
			put_op(fr, band, K_BAND, 2.2 * f->s, false);
		}
	}
}

/* Two frames draw the same paths, in the same order and colours. */
static bool same_look(const struct fig_frame *a, const struct fig_frame *b)
{
	return a->view == b->view && a->nop == b->nop && memcmp(a->op, b->op, sizeof(a->op[0]) * (size_t)a->nop) == 0;
}

/* A number of half pixels, or a width in tenths of them, as SVG wants it (few bytes). */
static void put_tenths(struct pst_buf *out, long v)
{
	if (v % 10 == 0)
		pst_buf_printf(out, "%ld", v / 10);
	else
		pst_buf_printf(out, "%s%ld.%ld", v < 0 ? "-" : "", labs(v) / 10, labs(v) % 10);
}

/* A path's d: the first point, then the others relative (fewer digits). */
static void put_d(struct pst_buf *out, const struct geo *g)
{
	pst_buf_printf(out, "M%ld %ld", g->q[0], g->q[1]);
	if (g->kind == SH_DISC + 1) {
		pst_buf_puts(out, "h0");
		return;
	}
	pst_buf_puts(out, "l");
	for (int i = 1; i < g->np; i++)
		pst_buf_printf(out, "%s%ld %ld", i > 1 ? " " : "", g->q[2 * i] - g->q[2 * i - 2],
			       g->q[2 * i + 1] - g->q[2 * i - 1]);
	if (g->kind == SH_POLY + 1)
		pst_buf_puts(out, "z");
}

static bool same_geo(const struct geo *a, const struct geo *b)
{
	return a->kind == b->kind && a->np == b->np && memcmp(a->q, b->q, sizeof(a->q[0]) * 2 * (size_t)a->np) == 0;
}

/* A time in the loop as a keyTime (0 to 1). */
static void put_key_time(struct pst_buf *out, double t, double total)
{
	char b[32];
	snprintf(b, sizeof b, "%.4f", t / total);
	size_t n = strlen(b);
	while (n > 1 && b[n - 1] == '0')
		b[--n] = '\0';
	if (b[n - 1] == '.')
		b[--n] = '\0';
	pst_buf_puts(out, b);
}

/*
 * The visibility of a group shown for the frames where member[f] is true (frames from
 * t[f] to t[f + 1]; t[nf] is the loop's end): its opening tag, with the animation that
 * shows and hides it. Shown at first when frame 0 is, so that a viewer that does not
 * animate shows the first pose.
 */
static void vis_open(struct pst_buf *out, const bool *member, const double *t, size_t nf, double total)
{
	size_t changes = 0;
	for (size_t f = 1; f < nf; f++)
		changes += member[f] != member[f - 1];
	if (!changes) {
		pst_buf_puts(out, "\n<g>");
		return;
	}
	pst_buf_printf(out, "\n<g%s><animate attributeName=\"visibility\" values=\"%s",
		       member[0] ? "" : " visibility=\"hidden\"", member[0] ? "visible" : "hidden");
	for (size_t f = 1; f < nf; f++)
		if (member[f] != member[f - 1])
			pst_buf_printf(out, ";%s", member[f] ? "visible" : "hidden");
	pst_buf_puts(out, "\" keyTimes=\"0");
	for (size_t f = 1; f < nf; f++)
		if (member[f] != member[f - 1]) {
			pst_buf_puts(out, ";");
			put_key_time(out, t[f], total);
		}
	pst_buf_printf(out, "\" calcMode=\"discrete\" dur=\"%.2fs\" repeatCount=\"indefinite\"/>", total);
}

/* The body (between <svg ...> and </svg>) of the SVG document in f, or NULL. */
static bool svg_body(const struct pst_buf *f, const char **body, const char **close)
{
	const char *s = f->s, *end = f->s + f->len;
	const char *open = strstr(s, "<svg"), *b = open ? strchr(open, '>') : NULL;
	*close = NULL;
	for (const char *q = end - 6; b && q > b; q--)
		if (memcmp(q, "</svg>", 6) == 0) {
			*close = q;
			break;
		}
	*body = b ? b + 1 : NULL;
	return *close != NULL;
}

/* When an id (' id="') or a reference to one ('href="#', 'url(#') starts at s (before
 * end), appends it with prefix and '-' put before the name and returns the bytes it took
 * from s; else returns 0: the layers of an animation keep their clips apart. */
static size_t prefix_id(const char *s, const char *end, const char *prefix, struct pst_buf *out)
{
	static const char *const keys[] = {" id=\"", "href=\"#", "url(#"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		size_t kl = strlen(keys[i]);
		if ((size_t)(end - s) >= kl && memcmp(s, keys[i], kl) == 0) {
			pst_buf_add(out, s, kl);
			pst_buf_printf(out, "%s-", prefix);
			return kl;
		}
	}
	return 0;
}

/*
 * Makes cairo's SVG (from byte start of b on) smaller and draws the same: leaves out the
 * declarations that say what SVG does anyway (opacity 1, a non-zero fill rule, no stroke,
 * the miter limit 10, clip-rule="nonzero") and writes rgb(R%,G%,B%) as #rrggbb.
 */
static void svg_shorten(struct pst_buf *b, size_t start)
{
	static const char *const drop[] = {"fill-opacity:1;", "stroke-opacity:1;", "stroke-miterlimit:10;",
					   "fill-rule:nonzero;", " stroke:none;", " clip-rule=\"nonzero\""};
	if (!b->s || b->failed)
		return;
	size_t w = start;
	for (size_t r = start; r < b->len;) {
		const char *s = b->s + r;
		size_t took = 0;
		for (size_t i = 0; i < sizeof drop / sizeof *drop && !took; i++) {
			size_t n = strlen(drop[i]);
			if (b->len - r >= n && memcmp(s, drop[i], n) == 0)
				took = n;
		}
		double c[3];
		int used = 0;
		if (!took && b->len - r > 4 && memcmp(s, "rgb(", 4) == 0 &&
		    sscanf(s, "rgb(%lf%%,%lf%%,%lf%%)%n", &c[0], &c[1], &c[2], &used) == 3 && used > 0) {
			char hex[8];
			snprintf(hex, sizeof hex, "#%02x%02x%02x", (unsigned)lround(c[0] * 2.55) & 0xff,
				 (unsigned)lround(c[1] * 2.55) & 0xff, (unsigned)lround(c[2] * 2.55) & 0xff);
			memcpy(b->s + w, hex, 7); /* shorter than what it replaces: w + 7 <= r + used */
			w += 7;
			r += (size_t)used;
			continue;
		}
		if (took) {
			r += took;
			continue;
		}
		b->s[w++] = b->s[r++];
	}
	b->len = w;
	b->s[w] = '\0';
}

/* A layer's looks: the different bodies cairo wrote for the frames, and which is whose. */
struct looks {
	struct pst_buf *body; /* n of them */
	size_t n;
	size_t *of; /* of[f]: frame f's */
};

static void looks_free(struct looks *l)
{
	for (size_t i = 0; i < l->n; i++)
		pst_buf_free(&l->body[i]);
	free(l->body);
	free(l->of);
}

/* Draws layer `layer` of every frame with cairo and keeps each different body once; the
 * document's head (<?xml ...><svg ...>) of the first into head when not NULL. */
static int layer_looks(const struct pst_scene *sc, const struct pst_pose *poses, size_t nf,
		       const struct pst_fig_box *box, int w, int h, enum layer layer, struct looks *l,
		       struct pst_buf *head)
{
	struct pst_buf f;
	pst_buf_init(&f, PST_FIG_MAX_BYTES);
	l->body = calloc(nf, sizeof(*l->body));
	l->of = calloc(nf, sizeof(*l->of));
	l->n = 0;
	int err = l->body && l->of ? PST_OK : PST_ENOMEM;
	for (size_t i = 0; i < nf && !err; i++) {
		f.len = 0;
		f.failed = false;
		struct figure_job j = {sc, -1, false, &poses[i], box, layer};
		const char *body, *close;
		if (pst_cairo_render(true, w, h, draw_job, &j, &f) || f.failed || !f.s ||
		    (pst_svg_trim_numbers(&f, 0), f.failed) || (svg_shorten(&f, 0), !svg_body(&f, &body, &close))) {
			err = PST_ENOMEM;
			break;
		}
		if (head && i == 0)
			pst_buf_add(head, f.s, (size_t)(body - f.s));
		size_t len = (size_t)(close - body), k = 0;
		while (k < l->n && !(l->body[k].len == len && memcmp(l->body[k].s, body, len) == 0))
			k++;
		if (k == l->n) {
			pst_buf_init(&l->body[k], PST_FIG_MAX_BYTES);
			pst_buf_add(&l->body[k], body, len);
			l->n++;
			if (l->body[k].failed)
				err = PST_ENOMEM;
		}
		l->of[i] = k;
	}
	pst_buf_free(&f);
	return err;
}

/* Writes a layer's looks, each shown while its frames are; a look that draws nothing is
 * left out. */
static void put_looks(struct pst_buf *out, const struct looks *l, const double *t, size_t nf,
		      double total, char name, bool *member)
{
	for (size_t k = 0; k < l->n; k++) {
		const char *s = l->body[k].s, *end = s + l->body[k].len;
		if (!strstr(s, "<path") && !strstr(s, "<rect"))
			continue;
		for (size_t f = 0; f < nf; f++)
			member[f] = l->of[f] == k;
		vis_open(out, member, t, nf, total);
		char prefix[24];
		snprintf(prefix, sizeof prefix, "%c%zu", name, k);
		while (s < end) {
			size_t took = prefix_id(s, end, prefix, out);
			if (!took) {
				pst_buf_add(out, s, 1);
				took = 1;
			}
			s += took;
		}
		pst_buf_puts(out, "</g>");
	}
}

/* The key frames of one segment: (time, the frame whose shapes it has). */
struct key {
	double t;
	size_t f;
};

static size_t segment_keys(const struct fig_frame *fr, size_t nf, const bool *member, double total,
			   struct key *k)
{
	size_t n = 0;
	for (size_t f = 0; f < nf; f++) {
		if (!member[f])
			continue;
		k[n++] = (struct key){fr[f].t, f};
		double next = f + 1 < nf ? fr[f + 1].t : total;
		if (fr[f].hold && fr[f].t + PST_ANIM_HOLD_S < next - 1e-6)
			k[n++] = (struct key){fr[f].t + PST_ANIM_HOLD_S, f};
		if (f + 1 < nf && member[f + 1])
			continue;
		/* the window ends: on toward the next frame, unless the view changes (a cut) */
		size_t g = (f + 1) % nf;
		if (k[n - 1].t < next - 1e-6)
			k[n++] = (struct key){next, fr[g].view == fr[f].view ? g : f};
	}
	if (n && k[0].t > 1e-6) {
		memmove(k + 1, k, n * sizeof(*k));
		k[0] = (struct key){0, k[1].f};
		n++;
	}
	if (n && k[n - 1].t < total - 1e-6) {
		k[n] = (struct key){total, k[n - 1].f};
		n++;
	}
	return n;
}

static void put_color(struct pst_buf *out, const char *attr, int k)
{
	static const struct rgb *const colors[K__MAX] = {&C_BG, &C_NEAR, &C_FAR, &C_BUMP,
							 &C_HAIR, &C_EYE, &C_BAND};
	const struct rgb *c = colors[k];
	pst_buf_printf(out, " %s=\"#%02lx%02lx%02lx\"", attr, lround(c->r * 255), lround(c->g * 255),
		       lround(c->b * 255));
}

/* One segment: the frames with the look of frame `first`. */
static void put_segment(struct pst_buf *out, const struct fig_frame *fr, size_t nf, size_t first,
			bool *member, struct key *keys, const double *t, double total, size_t seg)
{
	for (size_t f = 0; f < nf; f++)
		member[f] = same_look(&fr[f], &fr[first]);
	size_t nk = segment_keys(fr, nf, member, total, keys);
	vis_open(out, member, t, nf, total);
	const struct fig_frame *base = &fr[first];
	bool used[SLOT_MAX] = {false};
	pst_buf_puts(out, "<defs>");
	for (int i = 0; i < base->nop; i++) {
		int slot = base->op[i].slot;
		if (used[slot])
			continue;
		used[slot] = true;
		pst_buf_printf(out, "<path id=\"g%zu-%d\" d=\"", seg, slot);
		put_d(out, &base->g[slot]);
		pst_buf_puts(out, "\"");
		/* the key values: where the segment's last frame moves on toward a frame that has
		 * no such shape (an eye that turns away), it stays; a key between two equal ones
		 * adds nothing */
		const struct geo **gk = calloc(nk, sizeof(*gk));
		bool *keep = calloc(nk, sizeof(*keep));
		if (!gk || !keep) {
			free(gk);
			free(keep);
			out->failed = true;
			return;
		}
		for (size_t k = 0; k < nk; k++) {
			gk[k] = &fr[keys[k].f].g[slot];
			if (gk[k]->kind != base->g[slot].kind || gk[k]->np != base->g[slot].np)
				gk[k] = k ? gk[k - 1] : &base->g[slot];
		}
		bool moves = false;
		for (size_t k = 1; k < nk; k++)
			moves |= !same_geo(gk[k], gk[0]);
		if (!moves) {
			pst_buf_puts(out, "/>");
			free(gk);
			free(keep);
			continue;
		}
		for (size_t k = 0; k < nk; k++)
			keep[k] = k == 0 || k + 1 == nk || !same_geo(gk[k], gk[k - 1]) || !same_geo(gk[k], gk[k + 1]);
		pst_buf_puts(out, "><animate attributeName=\"d\" values=\"");
		bool sep = false;
		for (size_t k = 0; k < nk; k++)
			if (keep[k]) {
				if (sep)
					pst_buf_puts(out, ";");
				put_d(out, gk[k]);
				sep = true;
			}
		pst_buf_puts(out, "\" keyTimes=\"");
		sep = false;
		for (size_t k = 0; k < nk; k++)
			if (keep[k]) {
				if (sep)
					pst_buf_puts(out, ";");
				put_key_time(out, keys[k].t, total);
				sep = true;
			}
		free(gk);
		pst_buf_printf(out, "\" dur=\"%.2fs\" repeatCount=\"indefinite\"/></path>", total);
		free(keep);
	}
	pst_buf_puts(out, "</defs>");
	for (int i = 0; i < base->nop; i++) {
		const struct draw_op *op = &base->op[i];
		pst_buf_printf(out, "\n<use xlink:href=\"#g%zu-%d\"", seg, op->slot);
		put_color(out, "stroke", op->color);
		if (op->fill)
			put_color(out, "fill", op->color);
		pst_buf_puts(out, " stroke-width=\"");
		put_tenths(out, op->width10);
		pst_buf_puts(out, "\"/>");
	}
	pst_buf_puts(out, "</g>");
}

/*
 * Writes the SVG of the nf frames poses (with fr[f].hold and fr[f].t set; the loop lasts
 * total seconds) fitted into box, to out; one frame is a still picture.
 */
static int write_frames(const struct pst_scene *sc, const struct pst_pose *poses, struct fig_frame *fr,
			size_t nf, double total, const struct pst_fig_box *box, int w, int h,
			struct pst_buf *out)
{
	bool *member = calloc(nf, sizeof(*member));
	double *t = calloc(nf + 1, sizeof(*t));
	struct key *keys = calloc(3 * nf + 4, sizeof(*keys));
	bool *done = calloc(nf, sizeof(*done));
	int err = member && t && keys && done ? PST_OK : PST_ENOMEM;
	for (size_t f = 0; f < nf && !err; f++)
		t[f] = fr[f].t;
	if (t)
		t[nf] = total;
	size_t start = out->len;
	struct looks back = {0}, front = {0};
	if (!err)
		err = layer_looks(sc, poses, nf, box, w, h, LAYER_BACK, &back, out);
	if (!err)
		err = layer_looks(sc, poses, nf, box, w, h, LAYER_FRONT, &front, NULL);
	if (!err) {
		double pad = fmin(w, h) * 0.05;
		struct fit f = fit_box(box, pad, pad, w - 2 * pad, h - 2 * pad);
		for (size_t i = 0; i < nf; i++)
			fig_frame(sc, &poses[i], &f, &fr[i]);
		put_looks(out, &back, t, nf, total, 'b', member);
		/* the body, in half pixels */
		pst_buf_puts(out, "\n<g fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\" "
				  "transform=\"scale(.5)\">");
		for (size_t i = 0, seg = 0; i < nf; i++) {
			if (done[i])
				continue;
			for (size_t g = i; g < nf; g++)
				done[g] |= same_look(&fr[g], &fr[i]);
			put_segment(out, fr, nf, i, member, keys, t, total, seg++);
		}
		pst_buf_puts(out, "\n</g>");
		put_looks(out, &front, t, nf, total, 'f', member);
		pst_buf_puts(out, "\n</svg>\n");
	}
	looks_free(&back);
	looks_free(&front);
	free(member);
	free(t);
	free(keys);
	free(done);
	if (err || out->failed) {
		out->len = start;
		if (out->s)
			out->s[start] = '\0';
		return PST_ENOMEM;
	}
	return PST_OK;
}

int pst_figure_animate(const struct pst_scene *sc, int w, int h, struct pst_buf *out)
{
	if (w < PST_FIG_MIN_PX || h < PST_FIG_MIN_PX || w > PST_FIG_MAX_PX || h > PST_FIG_MAX_PX ||
	    sc->n == 0 || sc->n > PST_POSES_MAX)
		return PST_EINVAL;
	/* the frames: each pose held, then the eased positions on the way to the next (back
	 * to the first after the last); a change of view is a cut */
	enum { FRAMES_MAX = PST_POSES_MAX * PST_ANIM_STEPS };
	struct pst_pose *poses = calloc(FRAMES_MAX, sizeof(*poses));
	struct fig_frame *fr = calloc(FRAMES_MAX, sizeof(*fr));
	if (!poses || !fr) {
		free(poses);
		free(fr);
		return PST_ENOMEM;
	}
	size_t nf = 0;
	double total = 0;
	for (size_t i = 0; i < sc->n; i++) {
		const struct pst_pose *a = &sc->poses[i], *b = &sc->poses[(i + 1) % sc->n];
		poses[nf] = *a;
		fr[nf].hold = true;
		fr[nf++].t = total;
		total += PST_ANIM_HOLD_S;
		if (sc->n < 2 || a->view != b->view)
			continue;
		for (int k = 1; k < PST_ANIM_STEPS; k++) {
			double u = (double)k / PST_ANIM_STEPS;
			pst_pose_lerp(a, b, u * u * (3 - 2 * u), &poses[nf]);
			fr[nf++].t = total + PST_ANIM_MOVE_S * u;
		}
		total += PST_ANIM_MOVE_S;
	}
	/* One box for every frame, the ways between the poses too: an arm that sweeps
	 * higher on its way than at either end stays in the picture. */
	struct pst_fig_box box = {1e9, 1e9, -1e9, -1e9};
	for (size_t i = 0; i < nf; i++) {
		struct pst_fig_box pb;
		pst_figure_bounds(sc, &poses[i], &pb);
		box.x0 = fmin(box.x0, pb.x0);
		box.y0 = fmin(box.y0, pb.y0);
		box.x1 = fmax(box.x1, pb.x1);
		box.y1 = fmax(box.y1, pb.y1);
	}
	int err = write_frames(sc, poses, fr, nf, total, &box, w, h, out);
	free(poses);
	free(fr);
	return err;
}

/* One pose alone, unlabelled, as SVG: the same paths as a movement's, not animated. */
static int still_svg(const struct pst_scene *sc, int which, int w, int h, struct pst_buf *out)
{
	struct fig_frame *fr = calloc(1, sizeof(*fr));
	if (!fr)
		return PST_ENOMEM;
	struct pst_fig_box box;
	pst_figure_bounds(sc, &sc->poses[which], &box);
	fr->hold = true;
	int err = write_frames(sc, &sc->poses[which], fr, 1, PST_ANIM_HOLD_S, &box, w, h, out);
	free(fr);
	return err;
}

int pst_svg_title(struct pst_buf *out, size_t start, const char *title)
{
	if (!out->s || start >= out->len || !title)
		return PST_EINVAL;
	char *open = strstr(out->s + start, "<svg");
	char *gt = open ? strchr(open, '>') : NULL;
	if (!gt)
		return PST_EINVAL;
	size_t at = (size_t)(gt + 1 - out->s);
	struct pst_buf t;
	pst_buf_init(&t, 4096);
	pst_buf_puts(&t, "\n<title>");
	for (const char *c = title; *c; c++) {
		switch (*c) {
		case '<': pst_buf_puts(&t, "&lt;"); break;
		case '>': pst_buf_puts(&t, "&gt;"); break;
		case '&': pst_buf_puts(&t, "&amp;"); break;
		case '"': pst_buf_puts(&t, "&quot;"); break;
		default: pst_buf_add(&t, c, 1);
		}
	}
	pst_buf_puts(&t, "</title>");
	int err = t.failed || !t.s ? PST_ENOMEM : PST_OK;
	if (!err) {
		size_t tail = out->len - at;
		pst_buf_add(out, t.s, t.len); /* grows out; the bytes are moved into place below */
		if (out->failed) {
			err = PST_ENOMEM;
		} else {
			memmove(out->s + at + t.len, out->s + at, tail);
			memcpy(out->s + at, t.s, t.len);
		}
	}
	pst_buf_free(&t);
	return err;
}

int pst_figure_write_file(const struct pst_scene *sc, int which, bool labels,
			  enum pst_fig_format fmt, int w, int h, const char *path)
{
	struct pst_buf b;
	pst_buf_init(&b, PST_FIG_MAX_BYTES);
	int err = pst_figure_render(sc, which, labels, fmt, w, h, &b);
	if (err) {
		pst_buf_free(&b);
		return err;
	}
	err = pst_file_write_atomic(path, b.s, b.len);
	pst_buf_free(&b);
	return err;
}
