/* The exercise catalogue: one YAML file per exercise, checked field by field. */
#include "catalog.h"

#include <stdlib.h>
#include <string.h>

#include "yamlx.h"

enum {
	F_ID, F_NAME, F_ALIASES, F_SUMMARY, F_PURPOSE, F_KIND, F_REGIONS, F_MUSCLES,
	F_POSITION, F_EQUIPMENT, F_OPTIONAL_EQUIPMENT, F_DOSE, F_STEPS, F_CUES, F_MISTAKES,
	F_BREATHING, F_EASIER, F_HARDER, F_STAGES, F_WRIST_LOAD, F_GENTLE, F_ABDOMINAL_LOAD,
	F_LOADED_TWIST, F_SOURCE, F_FIGURE, F_PROPS, F_POSES, F_ASYMMETRIC, F_WIDE_STANCE,
	F_ROTATION, F_BACKWARD_BEND, F_BELLY_PRESSURE, F_ENTERED_FROM, F__MAX
};

static const struct pst_yfield ex_fields[F__MAX] = {
	[F_ID] = {"id", true},
	[F_NAME] = {"name", true},
	[F_ALIASES] = {"aliases", false},
	[F_SUMMARY] = {"summary", true},
	[F_PURPOSE] = {"purpose", true},
	[F_KIND] = {"kind", true},
	[F_REGIONS] = {"regions", true},
	[F_MUSCLES] = {"muscles", true},
	[F_POSITION] = {"position", true},
	[F_EQUIPMENT] = {"equipment", true},
	[F_OPTIONAL_EQUIPMENT] = {"optional_equipment", false},
	[F_DOSE] = {"dose", true},
	[F_STEPS] = {"steps", true},
	[F_CUES] = {"cues", true},
	[F_MISTAKES] = {"mistakes", true},
	[F_BREATHING] = {"breathing", true},
	[F_EASIER] = {"easier", false},
	[F_HARDER] = {"harder", false},
	[F_STAGES] = {"stages", true},
	[F_WRIST_LOAD] = {"wrist_load", true},
	[F_GENTLE] = {"gentle", true},
	[F_ABDOMINAL_LOAD] = {"abdominal_load", true},
	[F_LOADED_TWIST] = {"loaded_twist", true},
	[F_SOURCE] = {"source", true},
	[F_FIGURE] = {"figure", false},
	[F_PROPS] = {"props", false},
	[F_POSES] = {"poses", true},
	[F_ASYMMETRIC] = {"asymmetric", false},
	[F_WIDE_STANCE] = {"wide_stance", false},
	[F_ROTATION] = {"rotation", false},
	[F_BACKWARD_BEND] = {"backward_bend", false},
	[F_BELLY_PRESSURE] = {"belly_pressure", false},
	[F_ENTERED_FROM] = {"entered_from", false},
};

enum {
	D_SETS, D_REPS, D_HOLD, D_BREATHS, D_PER_SIDE, D_TEMPO, D_REP_S, D_REST_S, D_USEFUL_HOLD,
	D__MAX
};

static const struct pst_yfield dose_fields[D__MAX] = {
	[D_SETS] = {"sets", true},        [D_REPS] = {"reps", false},
	[D_HOLD] = {"hold_s", false},     [D_BREATHS] = {"breaths", false},
	[D_PER_SIDE] = {"per_side", false}, [D_TEMPO] = {"tempo", false},
	[D_REP_S] = {"rep_s", false},     [D_REST_S] = {"rest_s", false},
	[D_USEFUL_HOLD] = {"useful_hold_s", false},
};

enum { S_PREGNANCY, S_POSTPARTUM, S__MAX };
static const struct pst_yfield stage_fields[S__MAX] = {
	[S_PREGNANCY] = {"pregnancy", true},
	[S_POSTPARTUM] = {"postpartum", true},
};

enum { SRC_SEED, SRC_CITES, SRC_ADAPTED, SRC__MAX };
static const struct pst_yfield src_fields[SRC__MAX] = {
	[SRC_SEED] = {"seed", true},
	[SRC_CITES] = {"cites", false},
	[SRC_ADAPTED] = {"adapted", false},
};

/* Dose limits, written once: they are the contract of docs/catalog.md. */
enum {
	SETS_MAX = 5, REPS_MAX = 30, HOLD_MAX = 60, BREATHS_MAX = 20, REP_S_MAX = 20,
	REST_MAX = 120
};

static void read_dose(struct pst_yaml *y, yaml_node_t *node, struct pst_dose *d)
{
	yaml_node_t *v[D__MAX];
	if (!pst_yaml_map(y, node, "dose", dose_fields, D__MAX, v))
		return;
	if (v[D_SETS])
		pst_yaml_range(y, v[D_SETS], "dose.sets", 1, SETS_MAX, &d->sets);
	if (v[D_REPS])
		pst_yaml_range(y, v[D_REPS], "dose.reps", 1, REPS_MAX, &d->reps);
	if (v[D_HOLD])
		pst_yaml_range(y, v[D_HOLD], "dose.hold_s", 1, HOLD_MAX, &d->hold_s);
	if (v[D_BREATHS])
		pst_yaml_range(y, v[D_BREATHS], "dose.breaths", 1, BREATHS_MAX, &d->breaths);
	if (v[D_PER_SIDE])
		pst_yaml_bool(y, v[D_PER_SIDE], "dose.per_side", &d->per_side);
	if (v[D_TEMPO])
		d->tempo = pst_yaml_str(y, v[D_TEMPO], "dose.tempo");
	if (v[D_REP_S])
		pst_yaml_int(y, v[D_REP_S], "dose.rep_s", 1, REP_S_MAX, &d->rep_s);
	if (v[D_REST_S])
		pst_yaml_int(y, v[D_REST_S], "dose.rest_s", 0, REST_MAX, &d->rest_s);
	if (v[D_USEFUL_HOLD] &&
	    pst_yaml_int(y, v[D_USEFUL_HOLD], "dose.useful_hold_s", 1, HOLD_MAX, &d->useful_hold_s)) {
		if (!v[D_HOLD])
			pst_yaml_error(y, v[D_USEFUL_HOLD], "dose.useful_hold_s needs a hold_s");
		else if (d->hold_s.hi &&
			 (d->useful_hold_s < d->hold_s.lo || d->useful_hold_s > d->hold_s.hi))
			pst_yaml_error(y, v[D_USEFUL_HOLD],
				       "dose.useful_hold_s: %d is outside hold_s %d-%d (it caps how far "
				       "progression lengthens the hold)",
				       d->useful_hold_s, d->hold_s.lo, d->hold_s.hi);
	}
	if (!v[D_REPS] && !v[D_HOLD] && !v[D_BREATHS])
		pst_yaml_error(y, node, "dose needs at least one of reps, hold_s or breaths");
	if (!v[D_REPS] && v[D_HOLD])
		d->reps = (struct pst_range){1, 1};
}

/* Parses one exercise file into e; returns false when it had problems. */
static bool read_exercise(struct pst_yaml *y, struct pst_exercise *e)
{
	size_t before = y->errors;
	yaml_node_t *v[F__MAX];
	if (!pst_yaml_map(y, pst_yaml_root(y), "", ex_fields, F__MAX, v))
		return false;
	e->file = y->file;
	e->line = 1;
	if (v[F_ID]) {
		e->id = pst_yaml_id(y, v[F_ID], ".yaml");
		e->line = (int)v[F_ID]->start_mark.line + 1;
	}
	if (v[F_NAME])
		e->name = pst_yaml_str(y, v[F_NAME], "name");
	if (v[F_ALIASES])
		pst_yaml_strv(y, v[F_ALIASES], "aliases", 0, &e->aliases);
	if (v[F_SUMMARY])
		e->summary = pst_yaml_str(y, v[F_SUMMARY], "summary");
	if (v[F_PURPOSE])
		e->purpose = pst_yaml_str(y, v[F_PURPOSE], "purpose");
	if (v[F_KIND]) {
		int k = pst_yaml_enum(y, v[F_KIND], "kind", &pst_vocab_kind);
		e->kind = k < 0 ? 0 : (enum pst_kind)k;
	}
	if (v[F_REGIONS] && pst_yaml_mask(y, v[F_REGIONS], "regions", &pst_vocab_region, &e->regions) &&
	    !e->regions)
		pst_yaml_error(y, v[F_REGIONS], "regions needs at least 1 item");
	if (v[F_MUSCLES])
		pst_yaml_strv(y, v[F_MUSCLES], "muscles", 1, &e->muscles);
	if (v[F_POSITION]) {
		int p = pst_yaml_enum(y, v[F_POSITION], "position", &pst_vocab_position);
		e->position = p < 0 ? 0 : (enum pst_position)p;
	}
	if (v[F_EQUIPMENT])
		pst_yaml_mask(y, v[F_EQUIPMENT], "equipment", &pst_vocab_equipment, &e->equipment);
	if (v[F_OPTIONAL_EQUIPMENT]) {
		pst_yaml_mask(y, v[F_OPTIONAL_EQUIPMENT], "optional_equipment", &pst_vocab_equipment,
			      &e->optional_equipment);
		if (e->optional_equipment & e->equipment)
			pst_yaml_error(y, v[F_OPTIONAL_EQUIPMENT],
				       "optional_equipment repeats an item of equipment");
	}
	if (v[F_DOSE])
		read_dose(y, v[F_DOSE], &e->dose);
	if (v[F_STEPS])
		pst_yaml_strv(y, v[F_STEPS], "steps", 2, &e->steps);
	if (v[F_CUES])
		pst_yaml_strv(y, v[F_CUES], "cues", 1, &e->cues);
	if (v[F_MISTAKES])
		pst_yaml_strv(y, v[F_MISTAKES], "mistakes", 1, &e->mistakes);
	if (v[F_BREATHING])
		e->breathing = pst_yaml_str(y, v[F_BREATHING], "breathing");
	if (v[F_EASIER]) {
		pst_yaml_strv(y, v[F_EASIER], "easier", 0, &e->easier);
		e->easier_line = (int)v[F_EASIER]->start_mark.line + 1;
		e->easier_col = (int)v[F_EASIER]->start_mark.column + 1;
	}
	if (v[F_HARDER]) {
		pst_yaml_strv(y, v[F_HARDER], "harder", 0, &e->harder);
		e->harder_line = (int)v[F_HARDER]->start_mark.line + 1;
		e->harder_col = (int)v[F_HARDER]->start_mark.column + 1;
	}
	if (v[F_STAGES]) {
		yaml_node_t *s[S__MAX];
		if (pst_yaml_map(y, v[F_STAGES], "stages", stage_fields, S__MAX, s)) {
			if (s[S_PREGNANCY])
				e->note_pregnancy = pst_yaml_str(y, s[S_PREGNANCY], "stages.pregnancy");
			if (s[S_POSTPARTUM])
				e->note_postpartum = pst_yaml_str(y, s[S_POSTPARTUM], "stages.postpartum");
		}
	}
	if (v[F_WRIST_LOAD])
		pst_yaml_bool(y, v[F_WRIST_LOAD], "wrist_load", &e->wrist_load);
	if (v[F_GENTLE])
		pst_yaml_bool(y, v[F_GENTLE], "gentle", &e->gentle);
	if (v[F_ABDOMINAL_LOAD])
		pst_yaml_bool(y, v[F_ABDOMINAL_LOAD], "abdominal_load", &e->abdominal_load);
	if (v[F_LOADED_TWIST])
		pst_yaml_bool(y, v[F_LOADED_TWIST], "loaded_twist", &e->loaded_twist);
	if (v[F_ASYMMETRIC])
		pst_yaml_bool(y, v[F_ASYMMETRIC], "asymmetric", &e->asymmetric);
	if (v[F_WIDE_STANCE])
		pst_yaml_bool(y, v[F_WIDE_STANCE], "wide_stance", &e->wide_stance);
	if (v[F_ROTATION])
		pst_yaml_bool(y, v[F_ROTATION], "rotation", &e->rotation);
	if (v[F_BACKWARD_BEND])
		pst_yaml_bool(y, v[F_BACKWARD_BEND], "backward_bend", &e->backward_bend);
	if (v[F_BELLY_PRESSURE])
		pst_yaml_bool(y, v[F_BELLY_PRESSURE], "belly_pressure", &e->belly_pressure);
	e->entered_from = e->position;
	if (v[F_ENTERED_FROM]) {
		int p = pst_yaml_enum(y, v[F_ENTERED_FROM], "entered_from", &pst_vocab_position);
		e->entered_from = p < 0 ? e->position : (enum pst_position)p;
	}
	if (v[F_SOURCE]) {
		yaml_node_t *s[SRC__MAX];
		if (pst_yaml_map(y, v[F_SOURCE], "source", src_fields, SRC__MAX, s)) {
			struct pst_cites more = {0};
			if (s[SRC_SEED]) {
				e->src_seed = pst_yaml_id(y, s[SRC_SEED], NULL);
				e->seed_line = (int)s[SRC_SEED]->start_mark.line + 1;
				e->seed_col = (int)s[SRC_SEED]->start_mark.column + 1;
			}
			if (s[SRC_CITES])
				pst_yaml_cites(y, s[SRC_CITES], "source.cites", 0, &more);
			struct pst_cite *all = pst_arena_alloc(y->arena, (more.n + 1) * sizeof(*all));
			if (all && e->src_seed) {
				all[0] = (struct pst_cite){e->src_seed, NULL, e->seed_line, e->seed_col};
				for (size_t k = 0; k < more.n; k++)
					all[k + 1] = more.v[k];
				e->sources = (struct pst_cites){all, more.n + 1};
			}
			if (s[SRC_ADAPTED])
				e->src_adapted = pst_yaml_str(y, s[SRC_ADAPTED], "source.adapted");
		}
	}
	if (v[F_POSES])
		pst_scene_read(y, v[F_FIGURE], v[F_PROPS], v[F_POSES], &e->scene);
	/* Facts that contradict each other are data errors, not choices. */
	if (e->gentle && (e->equipment & PST_BIT(PST_EQ_BAND)) && v[F_GENTLE])
		pst_yaml_error(y, v[F_GENTLE], "gentle: an exercise with a band has resistance, so it cannot be gentle");
	if (e->position == PST_POS_QUADRUPED && !e->wrist_load && v[F_WRIST_LOAD])
		pst_yaml_error(y, v[F_WRIST_LOAD], "wrist_load: an exercise on all fours loads the wrists");
	else if (e->entered_from == PST_POS_QUADRUPED && !e->wrist_load && v[F_WRIST_LOAD])
		pst_yaml_error(y, v[F_WRIST_LOAD],
			       "wrist_load: it is entered from all fours (entered_from), which loads "
			       "the wrists");
	if (e->position == PST_POS_HALF_KNEELING && v[F_ASYMMETRIC] && !e->asymmetric)
		pst_yaml_error(y, v[F_ASYMMETRIC],
			       "asymmetric: half-kneeling puts the legs in different positions");
	return y->errors == before;
}

static int ex_cmp(const void *pa, const void *pb)
{
	const struct pst_exercise *a = pa, *b = pb;
	return strcmp(a->id, b->id);
}

const struct pst_exercise *pst_catalog_find(const struct pst_catalog *c, const char *id)
{
	struct pst_exercise key = {.id = id};
	if (!c || c->n == 0)
		return NULL;
	return bsearch(&key, c->ex, c->n, sizeof(key), ex_cmp);
}

const char *pst_catalog_closest(const struct pst_catalog *c, const char *id)
{
	const char *best = NULL;
	int bestd = 0;
	for (size_t i = 0; i < c->n; i++) {
		int d = pst_edit_distance(id, c->ex[i].id);
		/* A prefix or a substring is a strong hint too ("cat" -> "cat-cow"). */
		if (strstr(c->ex[i].id, id) && strlen(id) >= 3)
			d = d < 2 ? d : 2;
		if (!best || d < bestd) {
			best = c->ex[i].id;
			bestd = d;
		}
	}
	size_t l = strlen(id);
	int limit = l < 9 ? 2 : (int)(l / 3);
	return best && bestd <= limit ? best : NULL;
}

/* Checks variant references once every file is read; reports at the file of origin. */
static void check_variants(struct pst_catalog *c, struct pst_diags *d, size_t *errors,
			   const struct pst_strv *sv, const struct pst_exercise *e, const char *field,
			   int line, int col)
{
	for (size_t i = 0; i < sv->n; i++) {
		if (strcmp(sv->v[i], e->id) == 0) {
			pst_diag_add(d, e->file, line, col, "%s: '%s' names the exercise itself", field,
				     sv->v[i]);
			(*errors)++;
		} else if (!pst_catalog_find(c, sv->v[i])) {
			const char *near = pst_catalog_closest(c, sv->v[i]);
			if (near)
				pst_diag_add(d, e->file, line, col,
					     "%s: '%s' names no exercise in the catalogue (did you mean '%s'?)",
					     field, sv->v[i], near);
			else
				pst_diag_add(d, e->file, line, col,
					     "%s: '%s' names no exercise in the catalogue", field,
					     sv->v[i]);
			(*errors)++;
		}
	}
}

int pst_catalog_load(const struct pst_blob *files, size_t n, struct pst_catalog **out,
		     struct pst_diags *d)
{
	*out = NULL;
	struct pst_catalog *c = calloc(1, sizeof(*c));
	if (!c)
		return PST_ENOMEM;
	c->arena = pst_arena_new();
	c->ex = c->arena ? pst_arena_alloc(c->arena, (n ? n : 1) * sizeof(*c->ex)) : NULL;
	if (!c->ex) {
		pst_catalog_free(c);
		return PST_ENOMEM;
	}
	size_t errors = 0;
	for (size_t i = 0; i < n; i++) {
		struct pst_yaml y;
		const char *file = pst_arena_strdup(c->arena, files[i].name);
		if (!file) {
			pst_catalog_free(c);
			return PST_ENOMEM;
		}
		struct pst_exercise e = {0};
		bool ok = pst_yaml_open(&y, file, files[i].data, files[i].len, c->arena, d) == PST_OK &&
			  read_exercise(&y, &e);
		errors += y.errors;
		pst_yaml_close(&y);
		if (ok)
			c->ex[c->n++] = e;
	}
	if (n == 0) {
		pst_diag_add(d, NULL, 0, 0, "the catalogue holds no exercise files (*.yaml)");
		errors++;
	}
	qsort(c->ex, c->n, sizeof(*c->ex), ex_cmp);
	for (size_t i = 1; i < c->n; i++) {
		if (strcmp(c->ex[i].id, c->ex[i - 1].id) == 0) {
			pst_diag_add(d, c->ex[i].file, c->ex[i].line, 1,
				     "duplicate id '%s' (first defined in %s:%d)", c->ex[i].id,
				     c->ex[i - 1].file, c->ex[i - 1].line);
			errors++;
		}
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		check_variants(c, d, &errors, &e->easier, e, "easier", e->easier_line,
			       e->easier_col);
		check_variants(c, d, &errors, &e->harder, e, "harder", e->harder_line,
			       e->harder_col);
	}
	if (errors) {
		pst_diags_sort(d);
		pst_catalog_free(c);
		return PST_EDATA;
	}
	*out = c;
	return PST_OK;
}

void pst_catalog_free(struct pst_catalog *c)
{
	if (!c)
		return;
	pst_arena_free(c->arena);
	free(c);
}

size_t pst_catalog_check_sources(const struct pst_catalog *c, const struct pst_sources *s,
				 struct pst_diags *d)
{
	size_t bad = 0;
	for (size_t i = 0; c && i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		const struct pst_source *seed = pst_sources_find(s, e->src_seed);
		if (seed && !seed->file) {
			pst_diag_add(d, e->file, e->seed_line, e->seed_col,
				     "source.seed: '%s' is not a seed article (its entry has no file); name it under source.cites",
				     e->src_seed);
			bad++;
		}
		bad += pst_sources_check(s, &e->sources, e->file, d);
	}
	return bad;
}

bool pst_exercise_opens_front(const struct pst_exercise *e)
{
	return e->kind == PST_KIND_STRETCH &&
	       (e->regions & (PST_BIT(PST_REG_CHEST) | PST_BIT(PST_REG_FRONT_SHOULDER)));
}

bool pst_exercise_strengthens_back(const struct pst_exercise *e)
{
	return e->kind == PST_KIND_STRENGTHEN &&
	       (e->regions & (PST_BIT(PST_REG_UPPER_BACK) | PST_BIT(PST_REG_MID_BACK) |
			      PST_BIT(PST_REG_NECK)));
}

/* ---- search ---- */

/* How people say each value when they search, besides its code: the words of the
 * library's labels and the other words they use ("all fours", "sofa", "pecs"). */
static const char *const search_position[PST_POS__MAX] = {
	"standing stand up",
	"sitting seated sit on a chair",
	"kneeling kneel on your knees",
	"half-kneeling half kneeling kneeling on one knee lunge",
	"on hands and knees all fours tabletop quadruped",
	"lying on your side side-lying side lying",
	"lying on your back supine face up",
	"lying on your front prone face down",
};
static const char *const search_region[PST_REG__MAX] = {
	"neck", "upper back upper-back between the shoulder blades", "mid back middle back mid-back",
	"chest pecs", "front of the shoulder front-shoulder", "shoulders", "ribs rib cage",
	"lower back low back lower-back",
};
static const char *const search_kind[PST_KIND__MAX] = {
	"mobility mobilise mobilize movement", "stretch stretching",
	"strengthening strength strengthen strong", "breathing breath breathe",
	"relaxation relax rest",
};
static const char *const search_equipment[PST_EQ__MAX] = {
	"resistance band", "foam roller foam-roller", "wall", "chair", "couch sofa",
	"doorway door frame", "exercise mat", "pillow cushion",
};

/* Words a search leaves out: they say nothing about an exercise. */
static bool small_word(const char *w, size_t n)
{
	static const char *const words[] = {
		"a", "an", "the", "and", "or", "for", "my", "me", "i", "to", "of", "in", "on",
		"with", "at", "your", "you", "that", "this", "is", "it", "some", "exercise",
		"exercises", "help", "helps", "good", "pain", "sore", "ache", "aches"};
	for (size_t k = 0; k < sizeof words / sizeof *words; k++)
		if (strlen(words[k]) == n && memcmp(words[k], w, n) == 0)
			return true;
	return false;
}

static void add_lower(struct pst_buf *b, const char *s)
{
	pst_buf_puts(b, " ");
	for (; s && *s; s++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		pst_buf_add(b, &c, 1);
	}
}

/* Whether hay holds the first n bytes of w. */
static bool holds(const char *hay, const char *w, size_t n)
{
	for (const char *p = hay; (p = strchr(p, w[0])); p++)
		if (strncmp(p, w, n) == 0)
			return true;
	return false;
}

bool pst_exercise_matches(const struct pst_exercise *e, const char *query)
{
	if (!query)
		return true;
	struct pst_buf hay;
	pst_buf_init(&hay, 1 << 16);
	add_lower(&hay, e->name);
	add_lower(&hay, e->id);
	add_lower(&hay, e->summary);
	for (size_t i = 0; i < e->aliases.n; i++)
		add_lower(&hay, e->aliases.v[i]);
	for (size_t i = 0; i < e->muscles.n; i++)
		add_lower(&hay, e->muscles.v[i]);
	/* the library's own labels (pst_vocab_plain), and the other words people use */
	add_lower(&hay, search_position[e->position]);
	add_lower(&hay, pst_vocab_plain(&pst_vocab_position, (int)e->position));
	add_lower(&hay, search_kind[e->kind]);
	add_lower(&hay, pst_vocab_plain(&pst_vocab_kind, (int)e->kind));
	for (int i = 0; i < PST_REG__MAX; i++)
		if (e->regions & PST_BIT(i)) {
			add_lower(&hay, search_region[i]);
			add_lower(&hay, pst_vocab_plain(&pst_vocab_region, i));
		}
	for (int i = 0; i < PST_EQ__MAX; i++)
		if (e->equipment & PST_BIT(i)) {
			add_lower(&hay, search_equipment[i]);
			add_lower(&hay, pst_vocab_plain(&pst_vocab_equipment, i));
		}
	bool ok = !hay.failed && hay.s;
	/* Each word of the query: letters, digits and dashes, lower-cased (bytes of other
	 * scripts are kept as they are). */
	char w[PST_SEARCH_MAX + 1];
	const char *q = query;
	while (ok && *q) {
		size_t n = 0;
		while (*q && !((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
			       (*q >= '0' && *q <= '9') || (unsigned char)*q >= 0x80))
			q++;
		while (*q && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
			      (*q >= '0' && *q <= '9') || (unsigned char)*q >= 0x80 || *q == '-' ||
			      *q == '\'')) {
			char c = *q++;
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != '\'' && n < PST_SEARCH_MAX)
				w[n++] = c;
		}
		while (n && w[n - 1] == '-')
			n--;
		w[n] = '\0';
		if (!n || small_word(w, n))
			continue;
		/* "shoulders" finds "shoulder", "stretches" finds "stretch" */
		size_t stem = n;
		if (n > 4 && w[n - 1] == 's' && w[n - 2] == 'e' && (w[n - 3] == 'h' || w[n - 3] == 's'))
			stem = n - 2;
		else if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's')
			stem = n - 1;
		ok = holds(hay.s, w, n) || holds(hay.s, w, stem);
	}
	pst_buf_free(&hay);
	return ok;
}
