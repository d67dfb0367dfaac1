/* The HTML writer: escaped text and attributes, and a printf whose %s escapes. */
#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pst_html_textn(struct pst_buf *b, const char *s, size_t n)
{
	const char *run = s;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		pst_buf_add(b, run, (size_t)(s + i - run));
		pst_buf_puts(b, rep);
		run = s + i + 1;
	}
	pst_buf_add(b, run, (size_t)(s + n - run));
}

void pst_html_text(struct pst_buf *b, const char *s)
{
	if (s)
		pst_html_textn(b, s, strlen(s));
}

void pst_html_raw(struct pst_buf *b, const char *markup)
{
	pst_buf_puts(b, markup);
}

void pst_html_attr(struct pst_buf *b, const char *name, const char *value)
{
	pst_buf_add(b, " ", 1);
	pst_buf_puts(b, name);
	pst_buf_add(b, "=\"", 2);
	pst_html_text(b, value ? value : "");
	pst_buf_add(b, "\"", 1);
}

void pst_html_url(struct pst_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			pst_buf_add(b, (const char *)p, 1);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			pst_buf_add(b, e, 3);
		}
	}
}

/* One conversion of the format: its text (flags, width, precision, length, letter). */
struct spec {
	char text[32];
	char conv;
	int length; /* 0 none, 1 l, 2 ll, 3 z, 4 h */
	bool star_prec;
};

/* Reads a conversion starting after '%'; returns the character after it, or NULL when
 * the format is one this writer does not take (then nothing more is written). */
static const char *read_spec(const char *f, struct spec *sp)
{
	size_t n = 0;
	sp->text[n++] = '%';
	sp->length = 0;
	sp->star_prec = false;
	while (*f && strchr("-+ #0", *f) && n < sizeof sp->text - 4)
		sp->text[n++] = *f++;
	while (*f >= '0' && *f <= '9' && n < sizeof sp->text - 4)
		sp->text[n++] = *f++;
	if (*f == '.') {
		sp->text[n++] = *f++;
		if (*f == '*') {
			sp->star_prec = true;
			sp->text[n++] = *f++;
		}
		while (*f >= '0' && *f <= '9' && n < sizeof sp->text - 4)
			sp->text[n++] = *f++;
	}
	if (*f == 'l' && f[1] == 'l') {
		sp->length = 2;
		sp->text[n++] = *f++;
		sp->text[n++] = *f++;
	} else if (*f == 'l' || *f == 'z' || *f == 'h') {
		sp->length = *f == 'l' ? 1 : *f == 'z' ? 3 : 4;
		sp->text[n++] = *f++;
	}
	if (!*f || !strchr("diuxXfgcs", *f))
		return NULL;
	sp->conv = *f;
	sp->text[n++] = *f++;
	sp->text[n] = '\0';
	return f;
}

/* Each conversion is formatted by snprintf with the text of that one conversion, which
 * read_spec has checked; the caller's whole format is checked by the printf attribute. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void pst_html_printf(struct pst_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *f = fmt;
	while (*f) {
		const char *pct = strchr(f, '%');
		if (!pct) {
			pst_buf_puts(b, f);
			break;
		}
		pst_buf_add(b, f, (size_t)(pct - f));
		f = pct + 1;
		if (*f == '%') {
			pst_buf_add(b, "%", 1);
			f++;
			continue;
		}
		struct spec sp;
		f = read_spec(f, &sp);
		if (!f) {
			b->failed = true;
			break;
		}
		char tmp[64];
		int prec = -1;
		if (sp.star_prec)
			prec = va_arg(ap, int);
		switch (sp.conv) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "";
			size_t len = strlen(s);
			if (sp.star_prec && prec >= 0 && (size_t)prec < len)
				len = (size_t)prec;
			pst_html_textn(b, s, len);
			continue;
		}
		case 'f':
		case 'g':
			if (sp.star_prec)
				snprintf(tmp, sizeof tmp, sp.text, prec, va_arg(ap, double));
			else
				snprintf(tmp, sizeof tmp, sp.text, va_arg(ap, double));
			break;
		case 'c': snprintf(tmp, sizeof tmp, "%c", (char)va_arg(ap, int)); break;
		default: /* integers */
			if (sp.length == 2)
				snprintf(tmp, sizeof tmp, sp.text, va_arg(ap, long long));
			else if (sp.length == 1)
				snprintf(tmp, sizeof tmp, sp.text, va_arg(ap, long));
			else if (sp.length == 3)
				snprintf(tmp, sizeof tmp, sp.text, va_arg(ap, size_t));
			else
				snprintf(tmp, sizeof tmp, sp.text, va_arg(ap, int));
			break;
		}
		/* Numbers and a single character may still need escaping ('%c' of '<'). */
		pst_html_text(b, tmp);
	}
	va_end(ap);
}
#pragma GCC diagnostic pop
