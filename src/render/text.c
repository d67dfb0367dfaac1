/* Plain-text views for the terminal: tables, wrapped paragraphs, doses in words. */
#include "text.h"

#include "cite.h"

#include <stdio.h>
#include <string.h>

static void range(struct pst_buf *b, struct pst_range r)
{
	if (r.lo == r.hi)
		pst_buf_printf(b, "%d", r.lo);
	else
		pst_buf_printf(b, "%d–%d", r.lo, r.hi);
}

static bool is_one(struct pst_range r)
{
	return r.lo == 1 && r.hi == 1;
}

void pst_text_dose(struct pst_buf *b, const struct pst_dose *d)
{
	bool sets = !is_one(d->sets);
	if (sets) {
		range(b, d->sets);
		pst_buf_puts(b, " sets of ");
	}
	if (d->breaths.hi) {
		range(b, d->breaths);
		pst_buf_puts(b, " slow breaths");
	} else if (d->hold_s.hi && d->reps.hi <= 1) {
		pst_buf_puts(b, "hold ");
		range(b, d->hold_s);
		pst_buf_puts(b, " s");
	} else if (d->hold_s.hi) {
		range(b, d->reps);
		pst_buf_puts(b, d->hold_s.hi >= 10 ? " holds of " : " reps, holding ");
		range(b, d->hold_s);
		pst_buf_puts(b, " s");
	} else {
		range(b, d->reps);
		pst_buf_puts(b, d->reps.hi == 1 ? " rep" : " reps");
	}
	if (d->breaths.hi && d->reps.hi > 1) {
		pst_buf_puts(b, ", ");
		range(b, d->reps);
		pst_buf_puts(b, " times");
	}
	if (d->per_side)
		pst_buf_puts(b, " each side");
	if (d->tempo)
		pst_buf_printf(b, " (%s)", d->tempo);
	if (sets && d->rest_s)
		pst_buf_printf(b, ", rest %d s between sets", d->rest_s);
}

void pst_text_mask(struct pst_buf *b, const struct pst_vocab *v, unsigned mask,
		   const char *none_word)
{
	bool first = true;
	for (int i = 0; i < v->n; i++) {
		if (!(mask & PST_BIT(i)))
			continue;
		pst_buf_printf(b, "%s%s", first ? "" : ", ", pst_vocab_plain(v, i));
		first = false;
	}
	if (first)
		pst_buf_puts(b, none_word);
}

/* Display width of UTF-8 text: one column per code point. */
static int width_of(const char *s, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			w++;
	return w;
}

static void pad(struct pst_buf *b, const char *s, int width)
{
	pst_buf_puts(b, s);
	for (int w = width_of(s, strlen(s)); w < width; w++)
		pst_buf_add(b, " ", 1);
}

void pst_text_catalog(struct pst_buf *b, const struct pst_catalog *c)
{
	int wid = 2, weq = 9;
	int wkind = 4, wpos = 8;
	for (int i = 0; i < pst_vocab_kind.n; i++) {
		int l = width_of(pst_vocab_plain(&pst_vocab_kind, i), strlen(pst_vocab_plain(&pst_vocab_kind, i)));
		wkind = l > wkind ? l : wkind;
	}
	for (int i = 0; i < pst_vocab_position.n; i++) {
		int l = width_of(pst_vocab_plain(&pst_vocab_position, i),
				 strlen(pst_vocab_plain(&pst_vocab_position, i)));
		wpos = l > wpos ? l : wpos;
	}
	for (size_t i = 0; i < c->n; i++) {
		int l = (int)strlen(c->ex[i].id);
		wid = l > wid ? l : wid;
		struct pst_buf eq;
		pst_buf_init(&eq, 256);
		pst_text_mask(&eq, &pst_vocab_equipment, c->ex[i].equipment, "-");
		weq = (int)eq.len > weq ? (int)eq.len : weq;
		pst_buf_free(&eq);
	}
	pad(b, "ID", wid + 2);
	pad(b, "KIND", wkind + 2);
	pad(b, "POSITION", wpos + 2);
	pad(b, "EQUIPMENT", weq + 2);
	pst_buf_puts(b, "NAME\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct pst_exercise *e = &c->ex[i];
		pad(b, e->id, wid + 2);
		pad(b, pst_vocab_plain(&pst_vocab_kind, (int)e->kind), wkind + 2);
		pad(b, pst_vocab_plain(&pst_vocab_position, (int)e->position), wpos + 2);
		struct pst_buf eq;
		pst_buf_init(&eq, 256);
		pst_text_mask(&eq, &pst_vocab_equipment, e->equipment, "-");
		pad(b, eq.s, weq + 2);
		pst_buf_free(&eq);
		pst_buf_printf(b, "%s\n", e->name);
	}
	pst_buf_printf(b, "%zu exercises\n", c->n);
}

void pst_text_wrap(struct pst_buf *b, const char *text, const char *indent,
		   const char *first_indent, int width)
{
	const char *p = text;
	const char *ind = first_indent;
	while (*p) {
		int room = width - width_of(ind, strlen(ind));
		if (room < 20)
			room = 20;
		/* Take words while they fit. */
		const char *line_end = p, *q = p;
		int w = 0;
		while (*q && *q != '\n') {
			const char *ws = q;
			while (*q && *q != ' ' && *q != '\n')
				q++;
			int ww = width_of(ws, (size_t)(q - ws));
			if (w && w + 1 + ww > room)
				break;
			w += (w ? 1 : 0) + ww;
			line_end = q;
			while (*q == ' ')
				q++;
		}
		pst_buf_puts(b, ind);
		pst_buf_add(b, p, (size_t)(line_end - p));
		pst_buf_add(b, "\n", 1);
		p = line_end;
		while (*p == ' ')
			p++;
		if (*p == '\n')
			p++;
		ind = indent;
	}
}

static void list(struct pst_buf *b, const char *title, const struct pst_strv *sv, bool numbered)
{
	if (!sv->n)
		return;
	pst_buf_printf(b, "\n%s\n", title);
	for (size_t i = 0; i < sv->n; i++) {
		char first[32];
		if (numbered)
			snprintf(first, sizeof first, "  %zu. ", i + 1);
		else
			snprintf(first, sizeof first, "  - ");
		pst_text_wrap(b, sv->v[i], !numbered ? "    " : i + 1 >= 10 ? "      " : "     ", first, 78);
	}
}

void pst_text_scene(struct pst_buf *b, const struct pst_scene *sc)
{
	if (!sc->n)
		return;
	pst_buf_printf(b, "Pictures:   %zu poses: ", sc->n);
	for (size_t i = 0; i < sc->n; i++)
		pst_buf_printf(b, "%s%s", i ? ", " : "", sc->poses[i].caption ? sc->poses[i].caption : sc->poses[i].name);
	unsigned views = 0;
	for (size_t i = 0; i < sc->n; i++)
		views |= PST_BIT(sc->poses[i].view);
	pst_buf_puts(b, " (seen from ");
	bool first = true;
	for (int v = 0; v < PST_VIEW__MAX; v++) {
		if (!(views & PST_BIT(v)))
			continue;
		static const char *const from[PST_VIEW__MAX] = {"the side", "the front", "above",
								"the front right", "behind"};
		pst_buf_printf(b, "%s%s", first ? "" : " and ", from[v]);
		first = false;
	}
	pst_buf_puts(b, ")");
	if (sc->nprops) {
		pst_buf_puts(b, "; props: ");
		for (size_t i = 0; i < sc->nprops; i++)
			pst_buf_printf(b, "%s%s", i ? ", " : "",
				       pst_vocab_plain(&pst_vocab_equipment, (int)sc->props[i].kind));
	}
	pst_buf_puts(b, "\n");
}

void pst_text_exercise(struct pst_buf *b, const struct pst_exercise *e)
{
	pst_buf_printf(b, "%s (%s)\n", e->name, e->id);
	if (e->aliases.n) {
		pst_buf_puts(b, "Also called: ");
		for (size_t i = 0; i < e->aliases.n; i++)
			pst_buf_printf(b, "%s%s", i ? ", " : "", e->aliases.v[i]);
		pst_buf_puts(b, "\n");
	}
	pst_buf_puts(b, "\n");
	pst_text_wrap(b, e->summary, "", "", 78);
	pst_buf_puts(b, "\n");
	pst_buf_printf(b, "Kind:       %s\n", pst_vocab_plain(&pst_vocab_kind, (int)e->kind));
	pst_buf_printf(b, "Position:   %s\n", pst_vocab_plain(&pst_vocab_position, (int)e->position));
	pst_buf_puts(b, "Equipment:  ");
	pst_text_mask(b, &pst_vocab_equipment, e->equipment, "none");
	if (e->optional_equipment) {
		pst_buf_puts(b, " (optional: ");
		pst_text_mask(b, &pst_vocab_equipment, e->optional_equipment, "");
		pst_buf_puts(b, ")");
	}
	pst_buf_puts(b, "\nTargets:    ");
	pst_text_mask(b, &pst_vocab_region, e->regions, "-");
	pst_buf_puts(b, "\nMuscles:    ");
	for (size_t i = 0; i < e->muscles.n; i++)
		pst_buf_printf(b, "%s%s", i ? ", " : "", e->muscles.v[i]);
	pst_buf_puts(b, "\nDose:       ");
	pst_text_dose(b, &e->dose);
	pst_buf_printf(b, "\nGentle:     %s\n", e->gentle ? "yes (no resistance, no load)" : "no");
	pst_buf_printf(b, "Wrists:     %s%s\n",
		       e->wrist_load ? "takes weight on the hands" : "no weight on the hands",
		       e->wrist_load && e->entered_from == PST_POS_QUADRUPED &&
				       e->position != PST_POS_QUADRUPED
			       ? " (you get into it from all fours)"
			       : "");
	pst_text_scene(b, &e->scene);
	pst_buf_puts(b, "\nWhy\n");
	pst_text_wrap(b, e->purpose, "  ", "  ", 78);
	list(b, "Steps", &e->steps, true);
	list(b, "Cues", &e->cues, false);
	list(b, "Common mistakes", &e->mistakes, false);
	pst_buf_puts(b, "\nBreathing\n");
	pst_text_wrap(b, e->breathing, "  ", "  ", 78);
	pst_buf_puts(b, "\nIn pregnancy\n");
	pst_text_wrap(b, e->note_pregnancy, "  ", "  ", 78);
	pst_buf_puts(b, "\nAfter birth\n");
	pst_text_wrap(b, e->note_postpartum, "  ", "  ", 78);
	if (e->easier.n || e->harder.n) {
		pst_buf_puts(b, "\nVariants\n");
		for (size_t i = 0; i < e->easier.n; i++)
			pst_buf_printf(b, "  easier: %s\n", e->easier.v[i]);
		for (size_t i = 0; i < e->harder.n; i++)
			pst_buf_printf(b, "  harder: %s\n", e->harder.v[i]);
	}
	pst_buf_puts(b, "\nSources\n");
	for (size_t i = 0; i < e->sources.n; i++) {
		struct pst_buf sb;
		pst_buf_init(&sb, 4096);
		pst_cite_text(&sb, &(struct pst_cites){&e->sources.v[i], 1});
		pst_text_wrap(b, sb.s ? sb.s : "", "    ", "  - ", 78);
		pst_buf_free(&sb);
	}
	if (e->src_adapted)
		pst_text_wrap(b, e->src_adapted, "    ", "  adapted: ", 78);
}
