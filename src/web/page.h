/* What the page handlers share: the layout, and where the person stands. */
#ifndef PST_WEB_PAGE_H
#define PST_WEB_PAGE_H

#include "internal.h"
#include "render/html.h"

/* Where a person stands on arrival: screened or not, sent to a professional, profile. */
struct person {
	bool screened;    /* answers saved and still valid for today's questions */
	bool referral;    /* the answers send them to a professional: no plan */
	bool incomplete;  /* answers saved, but not all for the profile's stage */
	bool has_profile;
	struct pst_app_screened answers; /* what is known of the saved answers */
	struct pst_saved_profile sp;
	struct pst_profile p; /* as of today */
	struct pst_screen_result res; /* valid when screened; freed by person_free */
};

/* Reads the person's state (under the store lock). Returns PST_OK or the store's error. */
int person_read(struct web *w, struct req *r, struct person *pe);
void person_free(struct person *pe);
/* Where to send a person who is not ready for the page asked: NULL when ready. */
const char *person_next(const struct person *pe);

/* Starts a page in r->reply: the head, the header with its navigation (current: the
 * path of the current section, or NULL), and opens <main>. Returns the buffer. */
struct pst_buf *page_begin(struct web *w, struct req *r, const char *title, const char *current);
/* Closes <main>, adds the footer and, when script is not NULL, that asset's script. */
void page_end(struct pst_buf *b, const char *script);
/* The stop signs of the questions asked in stages (PST_BIT(enum pst_stage); ~0u: all)
 * as a list. */
void page_stop_signs(struct pst_buf *b, const struct pst_questions *q, unsigned stages);
/* The country whose numbers to show: the profile's (p may be NULL), else the browser's
 * Accept-Language, else the server's LC_ALL or LANG; NULL when nothing says. */
const struct pst_country *page_country(struct req *r, const struct pst_profile *p);
/* The numbers to call in c, each a tel: link: emergency, urgent advice, the maternity
 * line (or "your maternity unit's number"); every region's emergency number when c is
 * NULL, with a link to set the country. */
void page_numbers(struct pst_buf *b, const struct pst_country *c);
/* page_app.c: the manifest's link, the icons and the theme colours, in every page's
 * head. */
void page_app_head(struct pst_buf *b);
/* The hidden CSRF field of a form. */
void page_csrf(struct req *r, struct pst_buf *b);
/* The dose in words (render/text), escaped. */
void page_dose(struct pst_buf *b, const struct pst_dose *d);
/* "Saturday 21 November 2026" for a day. */
void page_day_words(char *buf, size_t size, int64_t day);

/* page_today.c: a history chart as the history page shows it (kind: enum
 * pst_chart_kind), its picture at base?kind=NAME&size=...&since=... (base NULL: the
 * person's own /chart/NAME.svg?size=...). */
struct pst_history;
struct pst_record_set;
void page_history_chart(struct pst_buf *b, int kind, const struct pst_history *h,
			const struct pst_record_set *rs, int64_t since, const char *caption,
			const char *base);
/* Replies with the chart of kind (enum pst_chart_kind) of the records web_store gives,
 * since the day of since_arg (unset: all), drawn at size_arg's size (unset: wide). */
void page_chart_reply(struct web *w, struct req *r, int kind, const struct web_arg *since_arg,
		      const struct web_arg *size_arg);

#endif
