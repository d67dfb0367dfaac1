/* Poses of a simple body for the exercise pictures: joint angles, views, props; no drawing. */
#ifndef PST_POSE_H
#define PST_POSE_H

#include "base.h"
#include "vocab.h"

/*
 * The joints of the figure, each a whole number of degrees. The body is a small 3D
 * skeleton (pelvis, a two-part spine, neck and head, shoulder girdles, arms, legs)
 * drawn from one of three sides; docs/catalog.md ("poses") gives the meaning, sign and
 * range of every joint. 0 everywhere is standing tall with the arms hanging.
 */
enum pst_joint {
	PST_J_TRUNK,     /* pitch of the pelvis and trunk from upright: + forward, -90 face up */
	PST_J_ROLL,      /* roll of the body about its long axis: 90 lies on the left side */
	PST_J_SPINE,     /* spine flexion (+, rounding) or extension (-, arching) */
	PST_J_TWIST,     /* rotation of the chest against the pelvis: + to the right */
	PST_J_NECK,      /* neck flexion (+, chin down) or extension (-, looking up) */
	PST_J_HEAD_TURN, /* head rotation: + to the right */
	PST_J_NOD,       /* the head nodding on top of the neck: + chin down */
	/* Each of the following comes twice, right side first. */
	PST_J_R_SCAPULA_UP, PST_J_R_SCAPULA_BACK, PST_J_R_SHOULDER, PST_J_R_SHOULDER_OUT,
	PST_J_R_SHOULDER_ROT, PST_J_R_ELBOW, PST_J_R_WRIST, PST_J_R_HIP, PST_J_R_HIP_OUT,
	PST_J_R_HIP_ROT, PST_J_R_KNEE, PST_J_R_ANKLE,
	PST_J_L_SCAPULA_UP, PST_J_L_SCAPULA_BACK, PST_J_L_SHOULDER, PST_J_L_SHOULDER_OUT,
	PST_J_L_SHOULDER_ROT, PST_J_L_ELBOW, PST_J_L_WRIST, PST_J_L_HIP, PST_J_L_HIP_OUT,
	PST_J_L_HIP_ROT, PST_J_L_KNEE, PST_J_L_ANKLE,
	PST_J__MAX
};

enum { PST_J_SIDED = PST_J_R_SCAPULA_UP, PST_J_PER_SIDE = PST_J_L_SCAPULA_UP - PST_J_R_SCAPULA_UP };

/* A joint's name in the data ("left_knee"), its human range and what it means. */
struct pst_joint_info {
	const char *name;
	short lo, hi;
	const char *meaning;
};

/* Returns the description of joint j (static). */
const struct pst_joint_info *pst_joint_info(enum pst_joint j);
/* Returns the joint named name ("left_knee"), or -1. */
int pst_joint_find(const char *name);

/* Where the figure is seen from: its right side, its front, above, front-right (3/4), behind. */
enum pst_view {
	PST_VIEW_SIDE, PST_VIEW_FRONT, PST_VIEW_TOP, PST_VIEW_QUARTER, PST_VIEW_BACK, PST_VIEW__MAX
};

/* Points on the body that props are placed at and that stay put between poses. */
enum pst_landmark {
	PST_LM_PELVIS, PST_LM_FEET, PST_LM_KNEES, PST_LM_HANDS, PST_LM_ELBOWS, PST_LM_HEAD,
	PST_LM_BACK, PST_LM_CHEST, PST_LM__MAX
};

extern const struct pst_vocab pst_vocab_view, pst_vocab_landmark;

struct pst_pose {
	const char *name;       /* "start", "cow", ...: never NULL after loading */
	const char *caption;    /* what a person reads under it ("Breathe in"): never NULL */
	enum pst_view view;
	enum pst_landmark anchor; /* stays at the same place in every pose */
	bool pregnant;          /* draw the bump: false after loading, see pst_scene_dress */
	bool no_bump;           /* the data says never to draw the bump in this pose */
	short a[PST_J__MAX];    /* degrees */
};

/*
 * A prop of the scene. kind is a word of the equipment vocabulary. It is placed at a
 * landmark of the first pose drawn from the same side (at), moved by dx, dy; a band
 * runs from its anchor (has_anchor: ax, ay in scene units) to the hands, or between
 * the hands when it has none.
 */
struct pst_prop {
	enum pst_equipment kind;
	enum pst_landmark at;
	short dx, dy;
	bool has_anchor;
	short ax, ay;
};

/* The pictures of one exercise: at least PST_POSES_MIN poses and the props around them. */
struct pst_scene {
	const struct pst_pose *poses;
	size_t n;
	const struct pst_prop *props;
	size_t nprops;
};

enum { PST_POSES_MIN = 2, PST_POSES_MAX = 6, PST_PROPS_MAX = 6, PST_NUDGE_MAX = 200, PST_CAPTION_MAX = 60 };

/* Sets every joint of p to 0 (standing tall), view side, anchor pelvis, no bump. */
void pst_pose_neutral(struct pst_pose *p);

/*
 * The pose between a (t = 0) and b (t = 1): every angle moves in a straight line, the
 * rest (view, anchor, bump) is a's up to the middle and b's after it. t is clamped to
 * 0..1. out may be a or b; its name is a's or b's.
 */
void pst_pose_lerp(const struct pst_pose *a, const struct pst_pose *b, double t,
		   struct pst_pose *out);

/*
 * The scene sc as drawn for a person: a copy of its poses in buf (out->poses points
 * there) with the bump drawn when pregnant is true, in every pose that allows it. A
 * loaded scene draws no bump: the library shows a neutral figure.
 */
void pst_scene_dress(const struct pst_scene *sc, bool pregnant, struct pst_pose buf[PST_POSES_MAX],
		     struct pst_scene *out);

/* Writes into out (size n) the words a person reads for a pose name that has no
 * caption: "knees-right" becomes "Knees right". */
void pst_pose_caption_from_name(const char *name, char *out, size_t n);

/* Returns the index of the pose that a name picks: "start" (the first), "end" (the
 * last), a pose's own name, or a number from 1; -1 when none matches. */
int pst_scene_pick(const struct pst_scene *s, const char *what);

struct pst_yaml;
struct yaml_node_s;
/*
 * Reads the pictures of an exercise from its figure (defaults for every pose), props
 * and poses fields (each may be NULL) into out, which points into y's arena. Reports
 * every problem at its place in the file; returns false when there was one.
 */
bool pst_scene_read(struct pst_yaml *y, struct yaml_node_s *figure, struct yaml_node_s *props,
		    struct yaml_node_s *poses, struct pst_scene *out);

#endif
