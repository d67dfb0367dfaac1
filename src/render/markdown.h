/* CommonMark (parsed by md4c) rendered as wrapped plain text for the terminal and as HTML. */
#ifndef PST_RENDER_MARKDOWN_H
#define PST_RENDER_MARKDOWN_H

#include <stddef.h>

#include "core/base.h"

/*
 * Appends md (len bytes of CommonMark) to b as plain text: paragraphs wrapped at width
 * columns and separated by a blank line; list items as "- " or "1. " with a hanging
 * indent; emphasis, strong text and code marks dropped; links as "text (url)"; raw HTML
 * shown as the text it is. Every line starts with indent and ends with '\n'.
 * Returns PST_OK, or PST_ENOMEM when md4c or b ran out of room (b->failed is then set
 * or the text is cut short). The caller owns b, as always.
 */
int pst_markdown_text(struct pst_buf *b, const char *md, size_t len, const char *indent,
		      int width);

/*
 * Appends md rendered as an HTML fragment (no <html> or <body>) to b. It is safe to put
 * in a page: raw HTML in md is escaped, never passed through (MD_FLAG_NOHTML), and a
 * link or image whose address has a scheme other than http, https or mailto (such as
 * javascript:) is refused. Returns PST_OK; PST_EINVAL for such an address, or
 * PST_ENOMEM, and then b is left as it was.
 */
int pst_markdown_html(struct pst_buf *b, const char *md, size_t len);

#endif
