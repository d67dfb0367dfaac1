/* A streaming JSON writer with jansson's indented layout (see jsonw.h for why). */
#include "jsonw.h"

#include <stdio.h>
#include <string.h>

void pst_jw_init(struct pst_jw *w, struct pst_buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

static void newline(struct pst_jw *w, int depth)
{
	static const char spaces[] = "                                                                ";
	pst_buf_add(w->b, "\n", 1);
	size_t n = (size_t)depth * 2;
	while (n) {
		size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		pst_buf_add(w->b, spaces, k);
		n -= k;
	}
}

/* Before any value: a separator and the indent, unless it follows a key. */
static void before(struct pst_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->has_items[w->depth])
		pst_buf_add(w->b, ",", 1);
	w->has_items[w->depth] = true;
	newline(w, w->depth);
}

static void open_level(struct pst_jw *w, char c)
{
	before(w);
	pst_buf_add(w->b, &c, 1);
	if (w->depth + 1 >= PST_JW_MAX_DEPTH) {
		w->b->failed = true;
		return;
	}
	w->depth++;
	w->has_items[w->depth] = false;
	w->close[w->depth] = c == '{' ? '}' : ']';
}

void pst_jw_object(struct pst_jw *w)
{
	open_level(w, '{');
}

void pst_jw_array(struct pst_jw *w)
{
	open_level(w, '[');
}

void pst_jw_end(struct pst_jw *w)
{
	if (w->depth == 0) {
		w->b->failed = true;
		return;
	}
	bool items = w->has_items[w->depth];
	char c = w->close[w->depth];
	w->depth--;
	if (items)
		newline(w, w->depth);
	pst_buf_add(w->b, &c, 1);
}

static void escaped(struct pst_buf *b, const char *s)
{
	pst_buf_add(b, "\"", 1);
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		pst_buf_add(b, run, (size_t)(p - run));
		char esc[8];
		switch (c) {
		case '"': pst_buf_add(b, "\\\"", 2); break;
		case '\\': pst_buf_add(b, "\\\\", 2); break;
		case '\b': pst_buf_add(b, "\\b", 2); break;
		case '\f': pst_buf_add(b, "\\f", 2); break;
		case '\n': pst_buf_add(b, "\\n", 2); break;
		case '\r': pst_buf_add(b, "\\r", 2); break;
		case '\t': pst_buf_add(b, "\\t", 2); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04X", c);
			pst_buf_add(b, esc, 6);
		}
		run = p + 1;
	}
	pst_buf_puts(b, run);
	pst_buf_add(b, "\"", 1);
}

void pst_jw_key(struct pst_jw *w, const char *key)
{
	before(w);
	escaped(w->b, key);
	pst_buf_add(w->b, ": ", 2);
	w->after_key = true;
}

void pst_jw_string(struct pst_jw *w, const char *s)
{
	if (!s) {
		pst_jw_null(w);
		return;
	}
	before(w);
	escaped(w->b, s);
}

void pst_jw_int(struct pst_jw *w, long long v)
{
	before(w);
	char buf[24], *p = buf + sizeof buf;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	pst_buf_add(w->b, p, (size_t)(buf + sizeof buf - p));
}

void pst_jw_real(struct pst_jw *w, double v)
{
	before(w);
	/* jansson's dtostr with JSON_REAL_PRECISION(15): %.15g, and ".0" when it would
	 * otherwise read back as an integer. */
	char buf[40];
	int n = snprintf(buf, sizeof buf, "%.15g", v);
	if (n < 0 || (size_t)n >= sizeof buf - 2) {
		w->b->failed = true;
		return;
	}
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		buf[n++] = '.';
		buf[n++] = '0';
		buf[n] = '\0';
	}
	pst_buf_add(w->b, buf, (size_t)n);
}

void pst_jw_bool(struct pst_jw *w, bool v)
{
	before(w);
	pst_buf_puts(w->b, v ? "true" : "false");
}

void pst_jw_null(struct pst_jw *w)
{
	before(w);
	pst_buf_add(w->b, "null", 4);
}

void pst_jw_finish(struct pst_jw *w)
{
	if (w->depth != 0)
		w->b->failed = true;
	pst_buf_add(w->b, "\n", 1);
}
