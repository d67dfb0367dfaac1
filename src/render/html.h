/*
 * The one HTML writer: every piece of text that reaches a page goes through it escaped.
 * Markup is written with pst_html_raw from string literals (or from a writer that is
 * itself safe, such as pst_markdown_html); everything else, names and notes and numbers,
 * with pst_html_text, pst_html_attr or pst_html_printf, whose %s escapes its argument.
 */
#ifndef PST_RENDER_HTML_H
#define PST_RENDER_HTML_H

#include "core/base.h"

/* Appends s with & < > " ' escaped (safe in text and in quoted attribute values).
 * NULL appends nothing. */
void pst_html_text(struct pst_buf *b, const char *s);
void pst_html_textn(struct pst_buf *b, const char *s, size_t n);

/* Appends markup as it is. Only for literals and the output of safe writers. */
void pst_html_raw(struct pst_buf *b, const char *markup);

/* Appends ` name="value"` with value escaped. */
void pst_html_attr(struct pst_buf *b, const char *name, const char *value);

/*
 * printf for markup: the format is markup (a literal); %s and %.*s arguments are
 * escaped, numbers are formatted as printf does (d i u x ld lld zu f g c and %%).
 * There is no way to pass raw text through a %s.
 */
void pst_html_printf(struct pst_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s percent-encoded for a URL query or path segment (unreserved characters
 * stay, the rest is %XX). */
void pst_html_url(struct pst_buf *b, const char *s);

#endif
