/* Citations as people read them, in text and in HTML. */
#include "cite.h"

#include <string.h>

#include "data/builtin.h"
#include "html.h"

const struct pst_sources *pst_cite_sources(void)
{
	return &pst_builtin_sources;
}

void pst_cite_text(struct pst_buf *b, const struct pst_cites *c)
{
	pst_cites_text(b, &pst_builtin_sources, c);
}

const char *pst_cite_string(struct pst_arena *a, const struct pst_cites *c)
{
	return pst_cites_string(a, &pst_builtin_sources, c);
}

void pst_cite_exercise(struct pst_buf *b, const struct pst_exercise *e)
{
	pst_cite_text(b, &e->sources);
}

static void one_html(struct pst_buf *b, const struct pst_source *src)
{
	struct pst_buf t;
	pst_buf_init(&t, 4096);
	pst_source_cite(&t, src);
	pst_html_raw(b, "<a class=\"cite\" href=\"/sources#");
	pst_html_url(b, src->id);
	pst_html_raw(b, "\">");
	pst_html_text(b, t.s ? t.s : "");
	pst_html_raw(b, "</a>");
	pst_buf_free(&t);
}

void pst_cite_html(struct pst_buf *b, const struct pst_cites *c)
{
	for (size_t i = 0; c && i < c->n; i++) {
		const struct pst_source *src = pst_sources_find(&pst_builtin_sources, c->v[i].id);
		if (i)
			pst_html_raw(b, "; ");
		if (src)
			one_html(b, src);
		else
			pst_html_text(b, "an unlisted source");
		if (c->v[i].detail)
			pst_html_printf(b, " (%s)", c->v[i].detail);
	}
}

void pst_cite_html_table(struct pst_buf *b)
{
	const struct pst_sources *s = &pst_builtin_sources;
	pst_html_raw(b, "<ul class=\"sources\">\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct pst_source *src = &s->v[i];
		struct pst_buf t;
		pst_buf_init(&t, 4096);
		pst_source_cite(&t, src);
		static const char *const kinds[PST_SRC__MAX] = {
			"Guideline", "Study", "Review", "Article", "Leaflet", "Web page",
			"Common practice"};
		if (src->kind == PST_SRC_PRACTICE)
			pst_html_printf(b, "<li id=\"%s\"><p><strong>%s</strong></p>\n<p>%s.", src->id,
					t.s ? t.s : "", src->author);
		else
			pst_html_printf(b, "<li id=\"%s\"><p><strong>%s</strong></p>\n<p>%s by %s.",
					src->id, t.s ? t.s : "", kinds[src->kind], src->author);
		pst_buf_free(&t);
		if (src->reference)
			pst_html_printf(b, " %s.", src->reference);
		if (src->doi) {
			pst_html_raw(b, " <a href=\"https://doi.org/");
			pst_html_text(b, src->doi);
			pst_html_printf(b, "\">doi:%s</a>", src->doi);
		}
		if (src->url) {
			pst_html_raw(b, " <a");
			pst_html_attr(b, "href", src->url);
			pst_html_printf(b, ">%s</a>", src->url);
		}
		pst_html_raw(b, "</p>\n");
		if (src->note)
			pst_html_printf(b, "<p class=\"note\">%s</p>\n", src->note);
		pst_html_raw(b, "</li>\n");
	}
	pst_html_raw(b, "</ul>\n");
}
