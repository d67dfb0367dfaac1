/*
 * datagen: checks postura's data files with the same loaders the program uses, and
 * compiles them into C (static structs) so the program starts without parsing YAML.
 * A problem in the data fails the build with FILE:LINE:COLUMN messages.
 *
 * usage: datagen SOURCE_ROOT OUT.c DEPFILE
 * It reads SOURCE_ROOT/data, and names files "data/..." as they sit in the repository.
 */
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/rules.h"
#include "core/sources.h"
#include "core/screen.h"
#include "core/tips.h"

static FILE *out;

/* Writes s as a C string literal (or NULL). */
static void lit(const char *s)
{
	if (!s) {
		fputs("NULL", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n\"\n\t\"", out); break;
		case '\t': fputs("\\t", out); break;
		case '?': fputs("\\?", out); break; /* no trigraphs */
		default:
			if (*p < 0x20)
				fprintf(out, "\\%03o", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

/* One designated initializer of text: "\t.name = \"...\",\n" (indent tabs). */
static void text_field(int indent, const char *name, const char *v)
{
	fprintf(out, "%.*s.%s = ", indent, "\t\t\t\t", name);
	lit(v);
	fputs(",\n", out);
}

static void strv(const char *name, const struct pst_strv *sv)
{
	if (!sv->n)
		return;
	fprintf(out, "static const char *%s[] = {", name);
	for (size_t i = 0; i < sv->n; i++) {
		fputs(i ? ", " : "", out);
		lit(sv->v[i]);
	}
	fputs("};\n", out);
}

static void strv_ref(const char *field, const char *name, const struct pst_strv *sv)
{
	if (sv->n)
		fprintf(out, "\t.%s = {%s, %zu},\n", field, name, sv->n);
}

/* A static array NAME of the citations in c (nothing when there are none). */
static void cites(const char *name, const struct pst_cites *c)
{
	if (!c->n)
		return;
	fprintf(out, "static const struct pst_cite %s[] = {\n", name);
	for (size_t i = 0; i < c->n; i++) {
		fputs("\t{", out);
		lit(c->v[i].id);
		fputs(", ", out);
		lit(c->v[i].detail);
		fprintf(out, ", %d, %d},\n", c->v[i].line, c->v[i].col);
	}
	fputs("};\n", out);
}

static void cites_ref(int indent, const char *field, const char *name, const struct pst_cites *c)
{
	if (c->n)
		fprintf(out, "%.*s.%s = {%s, %zu},\n", indent, "\t\t\t\t", field, name, c->n);
}

static void emit_sources(const struct pst_sources *s)
{
	fprintf(out, "static struct pst_source sources[%zu] = {\n", s->n ? s->n : 1);
	for (size_t i = 0; i < s->n; i++) {
		const struct pst_source *src = &s->v[i];
		fputs("{\n", out);
		text_field(1, "id", src->id);
		text_field(1, "title", src->title);
		text_field(1, "author", src->author);
		text_field(1, "cite_as", src->cite_as);
		text_field(1, "year", src->year);
		text_field(1, "in", src->in);
		text_field(1, "doi", src->doi);
		text_field(1, "url", src->url);
		text_field(1, "reference", src->reference);
		text_field(1, "file", src->file);
		text_field(1, "note", src->note);
		fprintf(out, "\t.kind = %d, .line = %d,\n},\n", (int)src->kind, src->line);
	}
	fputs("};\n\nconst struct pst_sources pst_builtin_sources = {NULL, ", out);
	lit(s->file);
	fprintf(out, ", sources, %zu};\n\n", s->n);
}

static void range(const char *field, struct pst_range r)
{
	fprintf(out, "\t\t.%s = {%d, %d},\n", field, r.lo, r.hi);
}

/* The poses and props of exercise i as static arrays ex<i>_poses and ex<i>_props. */
static void emit_scene(size_t i, const struct pst_scene *sc)
{
	if (sc->nprops) {
		fprintf(out, "static const struct pst_prop ex%zu_props[] = {\n", i);
		for (size_t k = 0; k < sc->nprops; k++) {
			const struct pst_prop *p = &sc->props[k];
			fprintf(out, "\t{.kind = %d, .at = %d, .dx = %d, .dy = %d, .has_anchor = %d, "
				     ".ax = %d, .ay = %d},\n",
				(int)p->kind, (int)p->at, p->dx, p->dy, p->has_anchor, p->ax, p->ay);
		}
		fputs("};\n", out);
	}
	if (!sc->n)
		return;
	fprintf(out, "static const struct pst_pose ex%zu_poses[] = {\n", i);
	for (size_t k = 0; k < sc->n; k++) {
		const struct pst_pose *p = &sc->poses[k];
		fputs("\t{.name = ", out);
		lit(p->name);
		fputs(", .caption = ", out);
		lit(p->caption);
		fprintf(out, ", .view = %d, .anchor = %d, .pregnant = %d, .no_bump = %d,\n\t .a = {",
			(int)p->view, (int)p->anchor, p->pregnant, p->no_bump);
		for (int j = 0; j < PST_J__MAX; j++)
			fprintf(out, "%s%d", j ? ", " : "", p->a[j]);
		fputs("}},\n", out);
	}
	fputs("};\n", out);
}

static void emit_catalog(const struct pst_catalog *c)
{
	static const char *const lists[] = {"aliases", "muscles", "steps", "cues",
					    "mistakes", "easier", "harder"};
	for (size_t i = 0; i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		const struct pst_strv *sv[] = {&e->aliases, &e->muscles, &e->steps, &e->cues,
					       &e->mistakes, &e->easier, &e->harder};
		for (size_t k = 0; k < sizeof lists / sizeof *lists; k++) {
			char name[64];
			snprintf(name, sizeof name, "ex%zu_%s", i, lists[k]);
			strv(name, sv[k]);
		}
		char name[64];
		snprintf(name, sizeof name, "ex%zu_sources", i);
		cites(name, &e->sources);
	}
	for (size_t i = 0; i < c->n; i++)
		emit_scene(i, &c->ex[i].scene);
	fprintf(out, "\nstatic struct pst_exercise exercises[%zu] = {\n", c->n ? c->n : 1);
	for (size_t i = 0; i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		const struct pst_strv *sv[] = {&e->aliases, &e->muscles, &e->steps, &e->cues,
					       &e->mistakes, &e->easier, &e->harder};
		fputs("{\n", out);
		text_field(1, "id", e->id);
		text_field(1, "name", e->name);
		text_field(1, "summary", e->summary);
		text_field(1, "purpose", e->purpose);
		text_field(1, "breathing", e->breathing);
		for (size_t k = 0; k < sizeof lists / sizeof *lists; k++) {
			char name[64];
			snprintf(name, sizeof name, "ex%zu_%s", i, lists[k]);
			strv_ref(lists[k], name, sv[k]);
		}
		fprintf(out, "\t.kind = %d, .position = %d, .regions = %uu, .equipment = %uu,\n"
			     "\t.optional_equipment = %uu,\n",
			(int)e->kind, (int)e->position, e->regions, e->equipment,
			e->optional_equipment);
		fputs("\t.dose = {\n", out);
		range("sets", e->dose.sets);
		range("reps", e->dose.reps);
		range("hold_s", e->dose.hold_s);
		range("breaths", e->dose.breaths);
		fprintf(out, "\t\t.per_side = %d, .rep_s = %d, .rest_s = %d, .useful_hold_s = %d,\n",
			e->dose.per_side, e->dose.rep_s, e->dose.rest_s, e->dose.useful_hold_s);
		text_field(2, "tempo", e->dose.tempo);
		fputs("\t},\n", out);
		text_field(1, "note_pregnancy", e->note_pregnancy);
		text_field(1, "note_postpartum", e->note_postpartum);
		fprintf(out, "\t.wrist_load = %d, .gentle = %d, .abdominal_load = %d, .loaded_twist = %d,\n",
			e->wrist_load, e->gentle, e->abdominal_load, e->loaded_twist);
		fprintf(out, "\t.asymmetric = %d, .wide_stance = %d, .rotation = %d, .backward_bend = %d, "
			     ".belly_pressure = %d, .entered_from = %d,\n",
			e->asymmetric, e->wide_stance, e->rotation, e->backward_bend, e->belly_pressure,
			(int)e->entered_from);
		if (e->scene.n) {
			char props[32] = "NULL";
			if (e->scene.nprops)
				snprintf(props, sizeof props, "ex%zu_props", i);
			fprintf(out, "\t.scene = {ex%zu_poses, %zu, %s, %zu},\n", i, e->scene.n, props,
				e->scene.nprops);
		}
		text_field(1, "src_seed", e->src_seed);
		text_field(1, "src_adapted", e->src_adapted);
		char sname[64];
		snprintf(sname, sizeof sname, "ex%zu_sources", i);
		cites_ref(1, "sources", sname, &e->sources);
		fprintf(out, "\t.seed_line = %d, .seed_col = %d,\n", e->seed_line, e->seed_col);
		text_field(1, "file", e->file);
		fprintf(out, "\t.line = %d,\n},\n", e->line);
	}
	fprintf(out, "};\n\nconst struct pst_catalog pst_builtin_catalog = {NULL, exercises, %zu};\n\n",
		c->n);
}

static void emit_questions(const struct pst_questions *q)
{
	for (size_t i = 0; i < q->n; i++) {
		char name[64];
		snprintf(name, sizeof name, "q%zu_sources", i);
		cites(name, &q->v[i].sources);
	}
	fprintf(out, "static struct pst_question questions[%zu] = {\n", q->n ? q->n : 1);
	for (size_t i = 0; i < q->n; i++) {
		const struct pst_question *qn = &q->v[i];
		fputs("{\n", out);
		text_field(1, "id", qn->id);
		text_field(1, "question", qn->question);
		text_field(1, "advice", qn->advice);
		char name[64];
		snprintf(name, sizeof name, "q%zu_sources", i);
		cites_ref(1, "sources", name, &qn->sources);
		text_field(1, "stop_sign", qn->stop_sign);
		text_field(1, "avoid_reason", qn->avoid_reason);
		fputs("\t.from_week = {", out);
		for (int st = 0; st < PST_STAGE__MAX; st++)
			fprintf(out, "%s%d", st ? ", " : "", qn->from_week[st]);
		fputs("},\n", out);
		fprintf(out, "\t.stages = %uu, .outcome = %d, .avoid = %uu, .line = %d,\n},\n",
			qn->stages, (int)qn->outcome, qn->avoid, qn->line);
	}
	fputs("};\n\nconst struct pst_questions pst_builtin_questions = {NULL, ", out);
	lit(q->file);
	fprintf(out, ", questions, %zu};\n\n", q->n);
}

static void emit_tips(const struct pst_tips *t)
{
	for (size_t i = 0; i < t->n; i++) {
		char name[64];
		snprintf(name, sizeof name, "tip%zu_sources", i);
		cites(name, &t->v[i].sources);
	}
	fprintf(out, "static struct pst_tip tips[%zu] = {\n", t->n ? t->n : 1);
	for (size_t i = 0; i < t->n; i++) {
		const struct pst_tip *tp = &t->v[i];
		fputs("{\n", out);
		text_field(1, "id", tp->id);
		text_field(1, "title", tp->title);
		char name[64];
		snprintf(name, sizeof name, "tip%zu_sources", i);
		cites_ref(1, "sources", name, &tp->sources);
		text_field(1, "file", tp->file);
		text_field(1, "body", tp->body);
		fprintf(out, "\t.stages = %uu, .triggers = %uu, .births = %uu,\n"
			     "\t.from_week = %d, .until_week = %d,\n},\n",
			tp->stages, tp->triggers, tp->births, tp->from_week, tp->until_week);
	}
	fprintf(out, "};\n\nconst struct pst_tips pst_builtin_tips = {NULL, tips, %zu};\n", t->n);
}

static void print_diags(struct pst_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = pst_diag_format(&d->v[i]);
		fprintf(stderr, "%s\n", s ? s : d->v[i].msg);
		free(s);
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: datagen SOURCE_ROOT OUT.c DEPFILE\n");
		return 2;
	}
	const char *root = argv[1], *dir = "data";
	char path[4096];
	/* The outputs are named relative to the build directory: open them first. */
	out = fopen(argv[2], "w");
	FILE *dep = fopen(argv[3], "w");
	if (!out || !dep) {
		perror(out ? argv[3] : argv[2]);
		return 1;
	}
	if (chdir(root) != 0) {
		perror(root);
		return 1;
	}
	struct pst_diags d = {0};
	struct pst_blobset ex = {0}, scr = {0}, tp = {0}, sb = {0};
	struct pst_sources *sources = NULL;
	struct pst_catalog *cat = NULL;
	struct pst_questions *q = NULL;
	struct pst_tips *tips = NULL;
	int rc = 1;

	snprintf(path, sizeof path, "%s/sources.yaml", dir);
	if (pst_blobset_read_file(path, &sb, &d) == PST_OK)
		pst_sources_load(&sb.v[0], &sources, &d);
	snprintf(path, sizeof path, "%s/exercises", dir);
	if (pst_blobset_read_dir(path, ".yaml", &ex, &d) == PST_OK)
		pst_catalog_load(ex.v, ex.n, &cat, &d);
	snprintf(path, sizeof path, "%s/screening.yaml", dir);
	if (pst_blobset_read_file(path, &scr, &d) == PST_OK)
		pst_questions_load(&scr.v[0], &q, &d);
	snprintf(path, sizeof path, "%s/tips", dir);
	if (pst_blobset_read_dir(path, ".md", &tp, &d) == PST_OK)
		pst_tips_load(tp.v, tp.n, &tips, &d);
	/* Every citation names a source of the table: the data files' and the rules'. */
	if (sources) {
		pst_catalog_check_sources(cat, sources, &d);
		pst_questions_check_sources(q, sources, &d);
		pst_tips_check_sources(tips, sources, &d);
		pst_rules_check_sources(sources, &d);
	}
	if (!sources || !cat || !q || !tips || d.n) {
		print_diags(&d);
		fprintf(stderr, "datagen: the data has problems; fix them and build again\n");
		goto done;
	}

	fputs("/* Generated by tools/datagen from data/: the checked catalogue, screening\n"
	      " * questions, tips and sources as static data. Do not edit. */\n"
	      "#include <stddef.h>\n\n#include \"data/builtin.h\"\n\n",
	      out);
	emit_sources(sources);
	emit_catalog(cat);
	emit_questions(q);
	emit_tips(tips);
	/* Directories too: adding a file changes their time, so ninja runs this again. */
	fprintf(dep, "%s: %s/%s/exercises %s/%s/tips %s/%s/screening.yaml %s/%s/sources.yaml "
		     "%s/src/core/rules.c",
		argv[2], root, dir, root, dir, root, dir, root, dir, root);
	for (size_t i = 0; i < ex.n; i++)
		fprintf(dep, " %s/%s", root, ex.v[i].name);
	for (size_t i = 0; i < tp.n; i++)
		fprintf(dep, " %s/%s", root, tp.v[i].name);
	fputc('\n', dep);
	rc = 0;
done:
	if (fclose(out) != 0 || fclose(dep) != 0) {
		perror("datagen: writing the outputs");
		rc = 1;
	}
	pst_catalog_free(cat);
	pst_questions_free(q);
	pst_tips_free(tips);
	pst_sources_free(sources);
	pst_blobset_free(&sb);
	pst_blobset_free(&ex);
	pst_blobset_free(&scr);
	pst_blobset_free(&tp);
	pst_diags_clear(&d);
	return rc;
}
