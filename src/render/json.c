/* JSON views of the catalogue and, later, of plans and history. */
#include "json.h"

#include "cite.h"

#include <stdlib.h>
#include <string.h>

json_t *pst_json_range(struct pst_range r)
{
	return json_pack("{s:i, s:i}", "min", r.lo, "max", r.hi);
}

json_t *pst_json_dose(const struct pst_dose *d)
{
	json_t *o = json_object();
	json_object_set_new(o, "sets", pst_json_range(d->sets));
	if (d->reps.hi)
		json_object_set_new(o, "reps", pst_json_range(d->reps));
	if (d->hold_s.hi)
		json_object_set_new(o, "hold_s", pst_json_range(d->hold_s));
	if (d->breaths.hi)
		json_object_set_new(o, "breaths", pst_json_range(d->breaths));
	json_object_set_new(o, "per_side", json_boolean(d->per_side));
	if (d->tempo)
		json_object_set_new(o, "tempo", json_string(d->tempo));
	if (d->rep_s)
		json_object_set_new(o, "rep_s", json_integer(d->rep_s));
	json_object_set_new(o, "rest_s", json_integer(d->rest_s));
	if (d->useful_hold_s)
		json_object_set_new(o, "useful_hold_s", json_integer(d->useful_hold_s));
	return o;
}

json_t *pst_json_mask(const struct pst_vocab *v, unsigned mask)
{
	json_t *a = json_array();
	for (int i = 0; i < v->n; i++)
		if (mask & PST_BIT(i))
			json_array_append_new(a, json_string(v->words[i]));
	return a;
}

json_t *pst_json_strv(const struct pst_strv *sv)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

json_t *pst_json_source(const struct pst_exercise *e)
{
	json_t *o = json_pack("{s:s}", "seed", e->src_seed);
	json_object_set_new(o, "cites", pst_json_cites(&e->sources));
	if (e->src_adapted)
		json_object_set_new(o, "adapted", json_string(e->src_adapted));
	return o;
}

json_t *pst_json_cites(const struct pst_cites *c)
{
	json_t *a = json_array();
	for (size_t i = 0; c && i < c->n; i++) {
		struct pst_buf b;
		pst_buf_init(&b, 4096);
		struct pst_cites one = {&c->v[i], 1};
		const struct pst_cite bare = {c->v[i].id, NULL, 0, 0};
		one.v = &bare;
		pst_cite_text(&b, &one);
		json_t *o = json_pack("{s:s, s:s}", "id", c->v[i].id, "citation", b.s ? b.s : "");
		if (o && c->v[i].detail)
			json_object_set_new(o, "detail", json_string(c->v[i].detail));
		json_array_append_new(a, o);
		pst_buf_free(&b);
	}
	return a;
}

json_t *pst_json_exercise_brief(const struct pst_exercise *e)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:o}", "id", e->id, "name",
			 e->name, "kind", pst_vocab_word(&pst_vocab_kind, (int)e->kind), "position",
			 pst_vocab_word(&pst_vocab_position, (int)e->position), "equipment",
			 pst_json_mask(&pst_vocab_equipment, e->equipment), "regions",
			 pst_json_mask(&pst_vocab_region, e->regions), "dose",
			 pst_json_dose(&e->dose), "gentle", e->gentle, "source",
			 pst_json_source(e));
}

json_t *pst_json_pose(const struct pst_pose *p)
{
	json_t *joints = json_object();
	for (int j = 0; j < PST_J__MAX; j++)
		if (p->a[j])
			json_object_set_new(joints, pst_joint_info((enum pst_joint)j)->name,
					    json_integer(p->a[j]));
	/* "pregnant": whether the bump is drawn for a pregnant person */
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "name", p->name, "caption",
			 p->caption ? p->caption : p->name, "view",
			 pst_vocab_word(&pst_vocab_view, (int)p->view), "anchor",
			 pst_vocab_word(&pst_vocab_landmark, (int)p->anchor), "pregnant", !p->no_bump,
			 "joints", joints);
}

json_t *pst_json_scene(const struct pst_scene *sc)
{
	json_t *poses = json_array(), *props = json_array();
	for (size_t i = 0; i < sc->n; i++)
		json_array_append_new(poses, pst_json_pose(&sc->poses[i]));
	for (size_t i = 0; i < sc->nprops; i++) {
		const struct pst_prop *pr = &sc->props[i];
		json_t *o = json_pack("{s:s, s:s, s:i, s:i}", "prop",
				      pst_vocab_word(&pst_vocab_equipment, (int)pr->kind), "at",
				      pst_vocab_word(&pst_vocab_landmark, (int)pr->at), "dx", pr->dx,
				      "dy", pr->dy);
		if (pr->has_anchor)
			json_object_set_new(o, "anchor", json_pack("[i, i]", pr->ax, pr->ay));
		json_array_append_new(props, o);
	}
	return json_pack("{s:o, s:o}", "poses", poses, "props", props);
}

json_t *pst_json_exercise(const struct pst_exercise *e)
{
	json_t *o = pst_json_exercise_brief(e);
	json_object_set_new(o, "aliases", pst_json_strv(&e->aliases));
	json_object_set_new(o, "summary", json_string(e->summary));
	json_object_set_new(o, "purpose", json_string(e->purpose));
	json_object_set_new(o, "muscles", pst_json_strv(&e->muscles));
	json_object_set_new(o, "optional_equipment",
			    pst_json_mask(&pst_vocab_equipment, e->optional_equipment));
	json_object_set_new(o, "steps", pst_json_strv(&e->steps));
	json_object_set_new(o, "cues", pst_json_strv(&e->cues));
	json_object_set_new(o, "mistakes", pst_json_strv(&e->mistakes));
	json_object_set_new(o, "breathing", json_string(e->breathing));
	json_object_set_new(o, "easier", pst_json_strv(&e->easier));
	json_object_set_new(o, "harder", pst_json_strv(&e->harder));
	json_object_set_new(o, "stages", json_pack("{s:s, s:s}", "pregnancy", e->note_pregnancy,
						   "postpartum", e->note_postpartum));
	json_object_set_new(o, "wrist_load", json_boolean(e->wrist_load));
	json_object_set_new(o, "abdominal_load", json_boolean(e->abdominal_load));
	json_object_set_new(o, "loaded_twist", json_boolean(e->loaded_twist));
	json_object_set_new(o, "asymmetric", json_boolean(e->asymmetric));
	json_object_set_new(o, "wide_stance", json_boolean(e->wide_stance));
	json_object_set_new(o, "rotation", json_boolean(e->rotation));
	json_object_set_new(o, "backward_bend", json_boolean(e->backward_bend));
	json_object_set_new(o, "belly_pressure", json_boolean(e->belly_pressure));
	json_object_set_new(o, "entered_from",
			    json_string(pst_vocab_word(&pst_vocab_position, (int)e->entered_from)));
	json_object_set_new(o, "pictures", pst_json_scene(&e->scene));
	return o;
}

char *pst_json_text(const json_t *j)
{
	/* 15 significant digits: a mean rounded to 2 decimals prints as 3.33, not as the
	 * 17-digit 3.3300000000000001 that a round trip of any double would need. */
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *t = realloc(s, n + 2);
	if (!t) {
		free(s);
		return NULL;
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	return t;
}
