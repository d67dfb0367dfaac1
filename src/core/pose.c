/* Poses for the exercise pictures: the joint table, reading and checking poses, blending. */
#include "pose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yamlx.h"

/*
 * The ranges are those of an adult's active movement (AAOS / Norkin & White), rounded
 * out a little; a pose beyond them is a typing mistake or a picture nobody should copy.
 */
#define SIDED(base, name, lo, hi, what)                                                \
	[PST_J_R_##base] = {"right_" #name, lo, hi, what}, [PST_J_L_##base] = {"left_" #name, lo, hi, what}

static const struct pst_joint_info joints[PST_J__MAX] = {
	[PST_J_TRUNK] = {"trunk", -100, 100, "pitch of the pelvis and trunk from upright: + forward, -90 lying face up"},
	[PST_J_ROLL] = {"roll", -90, 90, "roll of the whole body about its long axis: 90 lies on the left side, -90 on the right"},
	[PST_J_SPINE] = {"spine", -30, 60, "spine flexion (+, rounding) or extension (-, arching)"},
	[PST_J_TWIST] = {"twist", -60, 60, "rotation of the chest against the pelvis: + to the right"},
	[PST_J_NECK] = {"neck", -50, 60, "neck flexion (+, chin down) or extension (-, looking up)"},
	[PST_J_HEAD_TURN] = {"head_turn", -70, 70, "head rotation: + to the right"},
	[PST_J_NOD] = {"nod", -40, 40, "the head nodding on top of the neck: + chin down; with neck -20, nod 20 draws the head straight back (a chin tuck)"},
	SIDED(SCAPULA_UP, scapula_up, -10, 40, "shoulder girdle raised (+, shrug) or pressed down (-)"),
	SIDED(SCAPULA_BACK, scapula_back, -30, 30, "shoulder blade drawn back (+) or forward (-, rounded)"),
	SIDED(SHOULDER, shoulder, -60, 180, "arm raised from hanging (-: behind the body)"),
	SIDED(SHOULDER_OUT, shoulder_out, -60, 135, "direction the arm is raised in: 0 forward, 90 to the side, -45 across the body"),
	SIDED(SHOULDER_ROT, shoulder_rot, -90, 90, "shoulder rotation: + outward (external), - inward"),
	SIDED(ELBOW, elbow, 0, 150, "elbow bend"),
	SIDED(WRIST, wrist, -70, 90, "wrist bent back (+, the hand flat on a floor or wall) or forward (-)"),
	SIDED(HIP, hip, -30, 140, "hip bend: + thigh forward, - thigh behind"),
	SIDED(HIP_OUT, hip_out, -30, 60, "thigh moved out to the side (+) or across (-)"),
	SIDED(HIP_ROT, hip_rot, -45, 45, "hip rotation: + knee turned outward"),
	SIDED(KNEE, knee, 0, 160, "knee bend"),
	SIDED(ANKLE, ankle, -30, 80, "foot pointed (+) or drawn up (-)"),
};

static const char *jname(int j)
{
	return joints[j].name;
}

const struct pst_joint_info *pst_joint_info(enum pst_joint j)
{
	return (int)j >= 0 && j < PST_J__MAX ? &joints[j] : NULL;
}

int pst_joint_find(const char *name)
{
	for (int j = 0; j < PST_J__MAX; j++)
		if (strcmp(jname(j), name) == 0)
			return j;
	return -1;
}

static const char *const view_words[] = {"side", "front", "top", "quarter", "back"};
static const char *const landmark_words[] = {"pelvis", "feet", "knees", "hands",
					     "elbows", "head", "back", "chest"};
_Static_assert(sizeof view_words / sizeof *view_words == PST_VIEW__MAX, "views");
_Static_assert(sizeof landmark_words / sizeof *landmark_words == PST_LM__MAX, "landmarks");
const struct pst_vocab pst_vocab_view = {"view", view_words, PST_VIEW__MAX};
const struct pst_vocab pst_vocab_landmark = {"landmark", landmark_words, PST_LM__MAX};

void pst_pose_neutral(struct pst_pose *p)
{
	memset(p, 0, sizeof(*p));
	p->name = "start";
	p->caption = "Start";
	p->view = PST_VIEW_SIDE;
	p->anchor = PST_LM_PELVIS;
}

void pst_pose_lerp(const struct pst_pose *a, const struct pst_pose *b, double t,
		   struct pst_pose *out)
{
	if (!(t > 0)) /* also NaN */
		t = 0;
	if (t > 1)
		t = 1;
	const struct pst_pose *near = t < 0.5 ? a : b;
	struct pst_pose r = *near;
	for (int j = 0; j < PST_J__MAX; j++) {
		double v = a->a[j] + (b->a[j] - a->a[j]) * t;
		r.a[j] = (short)(v < 0 ? v - 0.5 : v + 0.5); /* rounded half away from zero */
	}
	*out = r;
}

void pst_scene_dress(const struct pst_scene *sc, bool pregnant, struct pst_pose buf[PST_POSES_MAX],
		     struct pst_scene *out)
{
	*out = *sc;
	size_t n = sc->n < PST_POSES_MAX ? sc->n : PST_POSES_MAX;
	for (size_t i = 0; i < n; i++) {
		buf[i] = sc->poses[i];
		buf[i].pregnant = pregnant && !buf[i].no_bump;
	}
	out->poses = buf;
	out->n = n;
}

void pst_pose_caption_from_name(const char *name, char *out, size_t n)
{
	if (!n)
		return;
	size_t k = 0;
	for (; name && name[k] && k + 1 < n; k++)
		out[k] = name[k] == '-' ? ' ' : name[k];
	out[k] = '\0';
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

int pst_scene_pick(const struct pst_scene *s, const char *what)
{
	if (!s->n || !what)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		if (s->poses[i].name && strcmp(s->poses[i].name, what) == 0)
			return (int)i;
	if (strcmp(what, "start") == 0)
		return 0;
	if (strcmp(what, "end") == 0)
		return (int)s->n - 1;
	char *end;
	long k = strtol(what, &end, 10);
	if (*what >= '0' && *what <= '9' && !*end && k >= 1 && (size_t)k <= s->n)
		return (int)k - 1;
	return -1;
}

/* ---- reading from YAML ---- */

enum { FIG_VIEW, FIG_PREGNANT, FIG_ANCHOR, FIG__MAX };
static const struct pst_yfield fig_fields[FIG__MAX] = {
	[FIG_VIEW] = {"view", false},
	[FIG_PREGNANT] = {"pregnant", false},
	[FIG_ANCHOR] = {"anchor", false},
};

enum { PR_PROP, PR_AT, PR_DX, PR_DY, PR_ANCHOR, PR__MAX };
static const struct pst_yfield prop_fields[PR__MAX] = {
	[PR_PROP] = {"prop", true}, [PR_AT] = {"at", false}, [PR_DX] = {"dx", false},
	[PR_DY] = {"dy", false},    [PR_ANCHOR] = {"anchor", false},
};

/* Where each prop goes when the data does not say. */
static const enum pst_landmark prop_default_at[PST_EQ__MAX] = {
	[PST_EQ_BAND] = PST_LM_HANDS,  [PST_EQ_FOAM_ROLLER] = PST_LM_BACK,
	[PST_EQ_WALL] = PST_LM_BACK,   [PST_EQ_CHAIR] = PST_LM_PELVIS,
	[PST_EQ_COUCH] = PST_LM_ELBOWS, [PST_EQ_DOORWAY] = PST_LM_ELBOWS,
	[PST_EQ_MAT] = PST_LM_PELVIS,  [PST_EQ_PILLOW] = PST_LM_HEAD,
};

static const char *scalar_of(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A signed whole number within lo..hi; field names it in messages. */
static bool read_sint(struct pst_yaml *y, yaml_node_t *n, const char *field, int lo, int hi,
		      int *out)
{
	const char *s = n->type == YAML_SCALAR_NODE ? scalar_of(n) : NULL;
	size_t len = s ? n->data.scalar.length : 0;
	size_t i = 0;
	bool neg = false;
	if (s && len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	long v = 0;
	bool ok = s && i < len && len - i <= 6 && strlen(s) == len;
	for (; ok && i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			ok = false;
		else
			v = v * 10 + (s[i] - '0');
	}
	if (!ok) {
		pst_yaml_error(y, n, "%s must be a whole number of degrees", field);
		return false;
	}
	v = neg ? -v : v;
	if (v < lo || v > hi) {
		if (lo < 0)
			pst_yaml_error(y, n, "%s: %ld is out of range %d to %d", field, v, lo, hi);
		else
			pst_yaml_error(y, n, "%s: %ld is out of range %d-%d", field, v, lo, hi);
		return false;
	}
	*out = (int)v;
	return true;
}

static bool valid_pose_name(const char *s)
{
	size_t n = strlen(s);
	bool digits = true;
	if (n == 0 || n > 24)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
		digits &= s[i] >= '0' && s[i] <= '9';
	}
	return !digits;
}

struct defaults {
	enum pst_view view;
	enum pst_landmark anchor;
	bool pregnant;
};

static void read_figure(struct pst_yaml *y, yaml_node_t *node, struct defaults *def)
{
	yaml_node_t *v[FIG__MAX];
	if (!pst_yaml_map(y, node, "figure", fig_fields, FIG__MAX, v))
		return;
	if (v[FIG_VIEW]) {
		int k = pst_yaml_enum(y, v[FIG_VIEW], "figure.view", &pst_vocab_view);
		def->view = k < 0 ? PST_VIEW_SIDE : (enum pst_view)k;
	}
	if (v[FIG_PREGNANT])
		pst_yaml_bool(y, v[FIG_PREGNANT], "figure.pregnant", &def->pregnant);
	if (v[FIG_ANCHOR]) {
		int k = pst_yaml_enum(y, v[FIG_ANCHOR], "figure.anchor", &pst_vocab_landmark);
		def->anchor = k < 0 ? PST_LM_PELVIS : (enum pst_landmark)k;
	}
}

static void read_prop(struct pst_yaml *y, yaml_node_t *node, size_t idx, struct pst_prop *p)
{
	char ctx[32], field[48];
	snprintf(ctx, sizeof ctx, "props[%zu]", idx);
	yaml_node_t *v[PR__MAX];
	memset(p, 0, sizeof(*p));
	if (!pst_yaml_map(y, node, ctx, prop_fields, PR__MAX, v))
		return;
	if (v[PR_PROP]) {
		snprintf(field, sizeof field, "%s.prop", ctx);
		int k = pst_yaml_enum(y, v[PR_PROP], field, &pst_vocab_equipment);
		p->kind = k < 0 ? PST_EQ_WALL : (enum pst_equipment)k;
	}
	p->at = prop_default_at[p->kind];
	if (v[PR_AT]) {
		snprintf(field, sizeof field, "%s.at", ctx);
		int k = pst_yaml_enum(y, v[PR_AT], field, &pst_vocab_landmark);
		p->at = k < 0 ? p->at : (enum pst_landmark)k;
	}
	int val;
	if (v[PR_DX]) {
		snprintf(field, sizeof field, "%s.dx", ctx);
		if (read_sint(y, v[PR_DX], field, -PST_NUDGE_MAX, PST_NUDGE_MAX, &val))
			p->dx = (short)val;
	}
	if (v[PR_DY]) {
		snprintf(field, sizeof field, "%s.dy", ctx);
		if (read_sint(y, v[PR_DY], field, -PST_NUDGE_MAX, PST_NUDGE_MAX, &val))
			p->dy = (short)val;
	}
	if (v[PR_ANCHOR]) {
		yaml_node_t *a = v[PR_ANCHOR];
		snprintf(field, sizeof field, "%s.anchor", ctx);
		if (p->kind != PST_EQ_BAND) {
			pst_yaml_error(y, a, "%s: only a band has an anchor", field);
		} else if (a->type != YAML_SEQUENCE_NODE ||
			   a->data.sequence.items.top - a->data.sequence.items.start != 2) {
			pst_yaml_error(y, a, "%s must be a point [x, y]", field);
		} else {
			int xy[2];
			bool ok = true;
			for (int i = 0; i < 2; i++)
				ok &= read_sint(y, pst_yaml_get(y, a->data.sequence.items.start[i]), field,
						i ? 0 : -PST_NUDGE_MAX, PST_NUDGE_MAX, &xy[i]);
			if (ok) {
				p->has_anchor = true;
				p->ax = (short)xy[0];
				p->ay = (short)xy[1];
			}
		}
	}
}

/* Reads one pose; every joint left out is 0. */
static void read_pose(struct pst_yaml *y, yaml_node_t *node, size_t idx, size_t n,
		      const struct defaults *def, struct pst_pose *p)
{
	char ctx[32], field[64];
	snprintf(ctx, sizeof ctx, "poses[%zu]", idx);
	pst_pose_neutral(p);
	p->view = def->view;
	p->anchor = def->anchor;
	p->no_bump = !def->pregnant;
	p->name = idx == 0 ? "start" : idx + 1 == n ? "end" : NULL;
	if (!p->name) {
		char *s = pst_arena_printf(y->arena, "pose-%zu", idx + 1);
		p->name = s ? s : "pose";
	}
	if (!node || node->type != YAML_MAPPING_NODE) {
		pst_yaml_error(y, node, "%s must be a mapping of joints and angles", ctx);
		return;
	}
	/* Which key set each joint: a sided key ("left_knee") wins over a both-sides one. */
	yaml_node_t *by[PST_J__MAX] = {0};
	bool sided[PST_J__MAX] = {0};
	bool seen_name = false, seen_view = false, seen_preg = false, seen_anchor = false;
	bool seen_caption = false;
	p->caption = NULL;
	for (yaml_node_pair_t *pr = node->data.mapping.pairs.start;
	     pr < node->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = pst_yaml_get(y, pr->key);
		yaml_node_t *v = pst_yaml_get(y, pr->value);
		if (!k || k->type != YAML_SCALAR_NODE || !v) {
			pst_yaml_error(y, k, "%s: a joint name must be a plain word", ctx);
			continue;
		}
		const char *key = scalar_of(k);
		bool *seen = strcmp(key, "name") == 0     ? &seen_name
			     : strcmp(key, "view") == 0     ? &seen_view
			     : strcmp(key, "pregnant") == 0 ? &seen_preg
			     : strcmp(key, "anchor") == 0   ? &seen_anchor
			     : strcmp(key, "caption") == 0  ? &seen_caption
							    : NULL;
		if (seen && *seen) {
			pst_yaml_error(y, k, "%s: '%s' is given twice", ctx, key);
			continue;
		}
		snprintf(field, sizeof field, "%s.%s", ctx, key);
		if (seen == &seen_name) {
			seen_name = true;
			const char *s = pst_yaml_str(y, v, field);
			if (s && !valid_pose_name(s))
				pst_yaml_error(y, v,
					       "%s: '%s' must be lower-case letters, digits and dashes "
					       "(at most 24, not only digits)",
					       field, s);
			else if (s && ((strcmp(s, "start") == 0 && idx != 0) ||
				       (strcmp(s, "end") == 0 && idx + 1 != n)))
				pst_yaml_error(y, v, "%s: '%s' names only the %s pose", field, s,
					       s[0] == 's' ? "first" : "last");
			else if (s)
				p->name = s;
			continue;
		}
		if (seen == &seen_caption) {
			seen_caption = true;
			const char *s = pst_yaml_str(y, v, field);
			size_t len = s ? strlen(s) : 0;
			if (s && (len == 0 || len > PST_CAPTION_MAX))
				pst_yaml_error(y, v, "%s must be 1-%d characters of plain words", field,
					       PST_CAPTION_MAX);
			else if (s && strpbrk(s, "<>\n\t"))
				pst_yaml_error(y, v, "%s: plain words only (no '<', '>' or line breaks)",
					       field);
			else if (s)
				p->caption = s;
			continue;
		}
		if (seen == &seen_view) {
			seen_view = true;
			int e = pst_yaml_enum(y, v, field, &pst_vocab_view);
			if (e >= 0)
				p->view = (enum pst_view)e;
			continue;
		}
		if (seen == &seen_preg) {
			seen_preg = true;
			bool may = !p->no_bump;
			if (pst_yaml_bool(y, v, field, &may))
				p->no_bump = !may;
			continue;
		}
		if (seen == &seen_anchor) {
			seen_anchor = true;
			int e = pst_yaml_enum(y, v, field, &pst_vocab_landmark);
			if (e >= 0)
				p->anchor = (enum pst_landmark)e;
			continue;
		}
		/* A joint: "left_knee", "right_knee", or "knee" for both. */
		int j = pst_joint_find(key), j2 = -1;
		bool is_sided = j >= PST_J_SIDED;
		if (j < 0) {
			char full[64];
			snprintf(full, sizeof full, "right_%s", key);
			j = pst_joint_find(full);
			if (j >= 0)
				j2 = j + PST_J_PER_SIDE;
		}
		if (j < 0) {
			const char *near = NULL;
			int bestd = 3;
			for (int i = 0; i < PST_J__MAX; i++) {
				int d = pst_edit_distance(key, jname(i));
				if (d < bestd) {
					bestd = d;
					near = jname(i);
				}
			}
			if (near)
				pst_yaml_error(y, k, "%s: unknown joint '%s' (did you mean '%s'?)", ctx,
					       key, near);
			else
				pst_yaml_error(y, k, "%s: unknown joint '%s'", ctx, key);
			continue;
		}
		int val;
		if (!read_sint(y, v, field, joints[j].lo, joints[j].hi, &val))
			continue;
		int set[2] = {j, j2};
		for (int s = 0; s < 2; s++) {
			int jj = set[s];
			if (jj < 0)
				continue;
			if (by[jj] && sided[jj] == is_sided) {
				pst_yaml_error(y, k, "%s: '%s' is given twice", ctx, key);
				break;
			}
			if (by[jj] && sided[jj] && !is_sided)
				continue; /* the sided key already set it */
			by[jj] = k;
			sided[jj] = is_sided;
			p->a[jj] = (short)val;
		}
	}
}

bool pst_scene_read(struct pst_yaml *y, struct yaml_node_s *figure, struct yaml_node_s *props,
		    struct yaml_node_s *poses, struct pst_scene *out)
{
	size_t before = y->errors;
	struct defaults def = {PST_VIEW_SIDE, PST_LM_PELVIS, true};
	memset(out, 0, sizeof(*out));
	if (figure)
		read_figure(y, figure, &def);
	if (props && !pst_yaml_is_null(props)) {
		if (props->type != YAML_SEQUENCE_NODE) {
			pst_yaml_error(y, props, "props must be a list of props like {prop: wall, at: back}");
		} else {
			size_t n = (size_t)(props->data.sequence.items.top - props->data.sequence.items.start);
			if (n > PST_PROPS_MAX) {
				pst_yaml_error(y, props, "props: at most %d props", PST_PROPS_MAX);
			} else if (n) {
				struct pst_prop *v = pst_arena_alloc(y->arena, n * sizeof(*v));
				if (!v) {
					pst_yaml_error(y, props, "out of memory");
					return false;
				}
				for (size_t i = 0; i < n; i++)
					read_prop(y, pst_yaml_get(y, props->data.sequence.items.start[i]), i, &v[i]);
				out->props = v;
				out->nprops = n;
			}
		}
	}
	if (!poses)
		return y->errors == before;
	if (poses->type != YAML_SEQUENCE_NODE) {
		pst_yaml_error(y, poses, "poses must be a list of poses (a start and an end at least)");
		return false;
	}
	size_t n = (size_t)(poses->data.sequence.items.top - poses->data.sequence.items.start);
	if (n < PST_POSES_MIN) {
		pst_yaml_error(y, poses, "poses needs at least %d poses (a start and an end)",
			       PST_POSES_MIN);
		return false;
	}
	if (n > PST_POSES_MAX) {
		pst_yaml_error(y, poses, "poses: at most %d poses", PST_POSES_MAX);
		return false;
	}
	struct pst_pose *v = pst_arena_alloc(y->arena, n * sizeof(*v));
	if (!v) {
		pst_yaml_error(y, poses, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *pn = pst_yaml_get(y, poses->data.sequence.items.start[i]);
		read_pose(y, pn, i, n, &def, &v[i]);
		if (!v[i].caption) {
			char cap[32];
			pst_pose_caption_from_name(v[i].name, cap, sizeof cap);
			char *c = pst_arena_printf(y->arena, "%s", cap);
			v[i].caption = c ? c : v[i].name;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(v[k].name, v[i].name) == 0) {
				pst_yaml_error(y, pn, "poses[%zu]: the name '%s' is taken by poses[%zu]",
					       i, v[i].name, k);
				break;
			}
	}
	out->poses = v;
	out->n = n;
	return y->errors == before;
}
