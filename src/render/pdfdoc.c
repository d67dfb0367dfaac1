/*
 * The page-layout engine of the PDF documents. A document is laid out twice with the
 * same code: first to measure (how many pages, so every footer can say "page 2 of 5"),
 * then to draw. Blocks are measured before they are placed, so a page break falls
 * between blocks and never inside one.
 */
#include "pdfdoc.h"

#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cairox.h"

const char *const pst_paper_names[PST_PAPER__MAX] = {"a4", "letter"};

static const char FAMILY[] = "DejaVu Sans, Sans";

const struct pst_font pst_font_title = {.size = 21, .bold = true, .color = PST_RGB_INIT(0x0b4f8a)},
		      pst_font_subtitle = {.size = 11.5, .color = PST_RGB_INIT(0x1f1f1f)},
		      pst_font_h1 = {.size = 14, .bold = true, .color = PST_RGB_INIT(0x0b4f8a)},
		      pst_font_h2 = {.size = 12, .bold = true, .color = PST_RGB_INIT(0x1f1f1f)},
		      pst_font_body = {.size = 9, .color = PST_RGB_INIT(0x1f1f1f), .markup = true,
				       .spacing = 0.8},
		      pst_font_small = {.size = 8, .color = PST_RGB_INIT(0x555555), .markup = true},
		      pst_font_label = {.size = 9.5, .bold = true, .color = PST_RGB_INIT(0x1f1f1f)};

/* Paper sizes in points, and the margins (about 16 mm at the sides). */
static const struct {
	double w, h;
} papers[PST_PAPER__MAX] = {{595.276, 841.890}, {612, 792}};
static const struct pst_doc_margins margins = {46, 44, 52};

static void set_rgb(cairo_t *cr, struct pst_rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

char *pst_doc_esc(const char *s)
{
	return g_markup_escape_text(s ? s : "", -1);
}

static PangoLayout *layout_for(struct pst_doc *d, const char *text, const struct pst_font *f,
			       double w)
{
	PangoLayout *l = pst_pango_layout(d->cr, f->family ? f->family : FAMILY, f->size);
	PangoFontDescription *fd = pango_font_description_copy(pango_layout_get_font_description(l));
	if (f->bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	if (f->italic)
		pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (w > 0) {
		pango_layout_set_width(l, (int)(w * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(l, f->align == 1   ? PANGO_ALIGN_CENTER
				      : f->align == 2 ? PANGO_ALIGN_RIGHT
						      : PANGO_ALIGN_LEFT);
	pango_layout_set_spacing(l, (int)(f->spacing * PANGO_SCALE));
	if (f->markup)
		pango_layout_set_markup(l, text, -1);
	else
		pango_layout_set_text(l, text, -1);
	return l;
}

double pst_doc_text(struct pst_doc *d, double x, double y, double w, const char *text,
		    const struct pst_font *f, bool draw)
{
	PangoLayout *l = layout_for(d, text, f, w);
	PangoRectangle ink, logical;
	pango_layout_get_extents(l, &ink, &logical);
	if (draw && d->draw) {
		set_rgb(d->cr, f->color);
		cairo_move_to(d->cr, x, y);
		pango_cairo_show_layout(d->cr, l);
		d->page_has_content = true;
	}
	g_object_unref(l);
	return (double)logical.height / PANGO_SCALE;
}

double pst_doc_text_width(struct pst_doc *d, const char *text, const struct pst_font *f)
{
	PangoLayout *l = layout_for(d, text, f, 0);
	PangoRectangle ink, logical;
	pango_layout_get_extents(l, &ink, &logical);
	g_object_unref(l);
	return (double)logical.width / PANGO_SCALE;
}

void pst_doc_box(struct pst_doc *d, double x, double y, double w, double h, double r,
		 struct pst_rgb fill, struct pst_rgb edge, double lw)
{
	if (!d->draw)
		return;
	cairo_t *cr = d->cr;
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -G_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, G_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, G_PI / 2, G_PI);
	cairo_arc(cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
	cairo_close_path(cr);
	set_rgb(cr, fill);
	if (lw > 0) {
		cairo_fill_preserve(cr);
		set_rgb(cr, edge);
		cairo_set_line_width(cr, lw);
		cairo_stroke(cr);
	} else {
		cairo_fill(cr);
	}
	d->page_has_content = true;
}

void pst_doc_rule(struct pst_doc *d, double x0, double x1, double y, struct pst_rgb c, double lw)
{
	if (!d->draw)
		return;
	set_rgb(d->cr, c);
	cairo_set_line_width(d->cr, lw);
	cairo_move_to(d->cr, x0, y);
	cairo_line_to(d->cr, x1, y);
	cairo_stroke(d->cr);
}

/* The footer: a rule, the title and date on the left, the page number on the right. */
static void footer(struct pst_doc *d)
{
	if (!d->draw)
		return;
	double y = d->ph - d->margin_bottom + 14;
	pst_doc_rule(d, d->left, d->right, y, PST_DOC_RULE, 0.6);
	char left[256], right[64];
	snprintf(left, sizeof left, "postura \xc2\xb7 %s \xc2\xb7 %s", d->title, d->date);
	snprintf(right, sizeof right, "page %d of %d", d->page, d->npages);
	struct pst_font f = pst_font_small;
	f.markup = false;
	pst_doc_text(d, d->left, y + 4, 0, left, &f, true);
	f.align = 2;
	pst_doc_text(d, d->left, y + 4, d->right - d->left, right, &f, true);
}

void pst_doc_new_page(struct pst_doc *d)
{
	footer(d);
	if (d->draw)
		cairo_show_page(d->cr);
	d->page++;
	d->y = d->top;
	d->page_has_content = false;
}

void pst_doc_need(struct pst_doc *d, double h)
{
	if (d->y + h > d->bottom && d->y > d->top + 0.5)
		pst_doc_new_page(d);
}

void pst_doc_block(struct pst_doc *d, pst_doc_block_fn fn, const void *arg, double gap)
{
	double h;
	if (d->draw && d->next < d->nheights) {
		h = d->heights[d->next++];
	} else {
		h = fn(d, d->y, false, arg);
		if (!d->draw) {
			if (d->nheights == d->cap) {
				size_t cap = d->cap ? 2 * d->cap : 64;
				double *v = realloc(d->heights, cap * sizeof *v);
				if (v) {
					d->heights = v;
					d->cap = cap;
				}
			}
			/* out of memory: the drawing pass measures again (below) */
			if (d->nheights < d->cap)
				d->heights[d->nheights++] = h;
		}
	}
	pst_doc_need(d, h);
	if (d->draw) {
		d->block_h = h;
		fn(d, d->y, true, arg);
	}
	d->y += h + gap;
}

void pst_doc_para(struct pst_doc *d, const char *text, const struct pst_font *f, double indent,
		  double gap)
{
	double w = d->right - d->left - indent;
	double h = pst_doc_text(d, d->left + indent, d->y, w, text, f, false);
	pst_doc_need(d, h);
	if (d->draw)
		pst_doc_text(d, d->left + indent, d->y, w, text, f, true);
	d->y += h + gap;
}

void pst_doc_outline(struct pst_doc *d, const char *name, bool top_level)
{
	if (!d->draw)
		return;
	char link[96];
	snprintf(link, sizeof link, "page=%d pos=[%.0f %.0f]", d->page, d->left, d->y);
	int id = cairo_pdf_surface_add_outline(d->sf, top_level ? CAIRO_PDF_OUTLINE_ROOT : d->outline_parent,
					       name, link, 0);
	if (top_level)
		d->outline_parent = id;
}

static const char *const months[12] = {"January", "February", "March",     "April",
				       "May",     "June",     "July",      "August",
				       "September", "October", "November", "December"};

int pst_doc_render(enum pst_paper paper, const char *title, struct pst_time now,
		   pst_doc_layout_fn layout, const void *arg, struct pst_buf *out)
{
	return pst_doc_render_margins(paper, title, now, &margins, layout, arg, out);
}

int pst_doc_render_margins(enum pst_paper paper, const char *title, struct pst_time now,
			   const struct pst_doc_margins *m, pst_doc_layout_fn layout,
			   const void *arg, struct pst_buf *out)
{
	if (paper < 0 || paper >= PST_PAPER__MAX)
		return PST_EINVAL;
	size_t start = out->len;
	struct pst_doc d = {.pw = papers[paper].w, .ph = papers[paper].h, .title = title};
	d.left = m->x;
	d.right = d.pw - m->x;
	d.top = m->top;
	d.bottom = d.ph - m->bottom;
	d.margin_bottom = m->bottom;
	char day[16];
	pst_day_format(pst_time_day(now), day, sizeof day);
	int yy = 0, mm = 1, dd = 1;
	if (sscanf(day, "%d-%d-%d", &yy, &mm, &dd) != 3 || mm < 1 || mm > 12)
		mm = 1;
	snprintf(d.date, sizeof d.date, "%d %s %d", dd, months[mm - 1], yy);

	d.sf = cairo_pdf_surface_create_for_stream(pst_cairo_to_buf, out, d.pw, d.ph);
	char when[40];
	pst_time_format(now, when, sizeof when);
	cairo_pdf_surface_set_metadata(d.sf, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(d.sf, CAIRO_PDF_METADATA_CREATOR, "postura");
	cairo_pdf_surface_set_metadata(d.sf, CAIRO_PDF_METADATA_CREATE_DATE, when);
	cairo_pdf_surface_set_metadata(d.sf, CAIRO_PDF_METADATA_MOD_DATE, when);
	d.cr = cairo_create(d.sf);
	int err = PST_OK;
	for (int pass = 0; pass < 2 && !err; pass++) {
		d.draw = pass == 1;
		d.page = 1;
		d.y = d.top;
		d.page_has_content = false;
		d.next = 0;
		err = layout(&d, arg);
		if (!d.draw)
			d.npages = d.page;
	}
	if (!err) {
		footer(&d);
		cairo_show_page(d.cr);
	}
	cairo_status_t st = cairo_status(d.cr);
	cairo_destroy(d.cr);
	cairo_surface_finish(d.sf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(d.sf);
	cairo_surface_destroy(d.sf);
	free(d.heights);
	if (!err && (st != CAIRO_STATUS_SUCCESS || out->failed))
		err = PST_ENOMEM;
	if (err) {
		out->len = start;
		if (out->s)
			out->s[start] = '\0';
	}
	return err;
}
