/* A small page-layout engine for the PDF documents (internal to src/render): pages with
 * margins, a cursor, blocks that are measured before they are placed so that a page
 * break never splits one, text set by pango, and a footer with page numbers. */
#ifndef PST_RENDER_PDFDOC_H
#define PST_RENDER_PDFDOC_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "core/tracking.h"
#include "document.h"

struct pst_rgb {
	double r, g, b;
};
#define PST_RGB_INIT(hex)                                                                       \
	{((hex) >> 16 & 255) / 255.0, ((hex) >> 8 & 255) / 255.0, ((hex) & 255) / 255.0}
#define PST_RGB(hex) ((struct pst_rgb)PST_RGB_INIT(hex))

/* The documents' colours: text at least 7:1 on white, marks at least 3:1. */
#define PST_DOC_TEXT PST_RGB(0x1f1f1f)
#define PST_DOC_MUTED PST_RGB(0x555555)
#define PST_DOC_ACCENT PST_RGB(0x0b4f8a)
#define PST_DOC_RULE PST_RGB(0xc9c9c9)
#define PST_DOC_TINT PST_RGB(0xeaf1f8)
#define PST_DOC_STOP PST_RGB(0xa4231b)
#define PST_DOC_STOP_BG PST_RGB(0xfcefed)
#define PST_DOC_WARN PST_RGB(0x7a4f00)
#define PST_DOC_WARN_BG PST_RGB(0xfff5df)
#define PST_DOC_GOOD PST_RGB(0x17632f)

/* How a piece of text is set. */
struct pst_font {
	double size;     /* points */
	bool bold, italic;
	struct pst_rgb color;
	bool markup;     /* the text is pango markup (escape what it quotes: pst_doc_esc) */
	int align;       /* 0 left, 1 centre, 2 right */
	double spacing;  /* extra points between lines */
	const char *family; /* NULL: the documents' family (DejaVu Sans) */
};

struct pst_doc {
	cairo_surface_t *sf;
	cairo_t *cr;
	double pw, ph;                   /* the page, in points */
	double left, right, top, bottom; /* the content box */
	double y;                        /* the cursor: where the next block starts */
	double margin_bottom;            /* the footer sits in it */
	int page;                        /* from 1 */
	int npages;                      /* known in the drawing pass; 0 while measuring */
	bool draw;                       /* false in the measuring pass: nothing is painted */
	bool page_has_content;
	int outline_parent; /* the last top-level outline entry */
	/* The heights of the blocks, measured in the first pass and used in the second,
	 * so that each block is laid out twice in all, not four times. */
	double *heights;
	size_t nheights, cap, next;
	double block_h; /* the height of the block being drawn (pst_doc_block) */
	const char *title; /* in the footer */
	char date[64];     /* "2 November 2026", in the footer and the documents */
};

/* Lays out a document; called twice by pst_doc_render, first to measure (d->draw
 * false), then to draw. Returns PST_OK or PST_ENOMEM. */
typedef int (*pst_doc_layout_fn)(struct pst_doc *d, const void *arg);

/*
 * Makes a PDF on paper with layout(d, arg), the document's title and creator "postura"
 * in its metadata and now as its date, and appends it to out. Returns PST_OK, PST_EINVAL
 * (paper) or PST_ENOMEM (then out is as it was).
 */
int pst_doc_render(enum pst_paper paper, const char *title, struct pst_time now,
		   pst_doc_layout_fn layout, const void *arg, struct pst_buf *out);

/* The margins of a page, in points: the footer sits in the bottom one. */
struct pst_doc_margins {
	double x, top, bottom;
};
/* pst_doc_render with margins of its own (pst_doc_render: about 16 mm at the sides). */
int pst_doc_render_margins(enum pst_paper paper, const char *title, struct pst_time now,
			   const struct pst_doc_margins *m, pst_doc_layout_fn layout,
			   const void *arg, struct pst_buf *out);

/* A block: draws at y (only when draw is true) and returns its height in any case.
 * While drawing, d->block_h holds the height it returned when measured. */
typedef double (*pst_doc_block_fn)(struct pst_doc *d, double y, bool draw, const void *arg);

/* Places a block at the cursor, first on a new page when it does not fit in what is
 * left of this one, and moves the cursor past it and gap. */
void pst_doc_block(struct pst_doc *d, pst_doc_block_fn fn, const void *arg, double gap);
/* Starts a new page unless h points fit below the cursor. */
void pst_doc_need(struct pst_doc *d, double h);
/* Ends the page (its footer) and starts the next. */
void pst_doc_new_page(struct pst_doc *d);
/* Adds an entry to the PDF's outline (bookmarks) pointing at the cursor. */
void pst_doc_outline(struct pst_doc *d, const char *name, bool top_level);

/* Sets text (wrapped to w) with its top at x, y when draw is true; returns its height. */
double pst_doc_text(struct pst_doc *d, double x, double y, double w, const char *text,
		    const struct pst_font *f, bool draw);
/* The width of text on one line. */
double pst_doc_text_width(struct pst_doc *d, const char *text, const struct pst_font *f);
/* A paragraph at the cursor, the whole width less indent, kept on one page; then gap. */
void pst_doc_para(struct pst_doc *d, const char *text, const struct pst_font *f, double indent,
		  double gap);

/* A rectangle with rounded corners (r), filled with fill and stroked with edge (width
 * lw; 0: no stroke). */
void pst_doc_box(struct pst_doc *d, double x, double y, double w, double h, double r,
		 struct pst_rgb fill, struct pst_rgb edge, double lw);
void pst_doc_rule(struct pst_doc *d, double x0, double x1, double y, struct pst_rgb c, double lw);

/* Text escaped for pango markup, in a new string the caller frees with g_free. */
char *pst_doc_esc(const char *s);

/* Fonts used throughout. */
extern const struct pst_font pst_font_title, pst_font_subtitle, pst_font_h1, pst_font_h2,
	pst_font_body, pst_font_small, pst_font_label;

#endif
