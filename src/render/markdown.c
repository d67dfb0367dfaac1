/* CommonMark rendered with md4c: wrapped plain text for the terminal, safe HTML for the web. */
#include "markdown.h"

#include <md4c-html.h>
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/* Lists and quotes nest this deep at most; deeper ones are indented no further (a tip
 * never comes near it, and the indent would leave no room for words). */
enum { NEST_MAX = 8, LINK_MAX = 4, LINE_MAX_BYTES = 1 << 20 };

/* md4c counts in unsigned (MD_SIZE); longer input is refused as out of room. */
#define MD_INPUT_MAX ((size_t)0x7FFFFFFF)

/*
 * md4c 0.4.8 (Debian 12's) reads past the end of its input when the last line has no
 * line ending: "[d](j" followed in memory by ')' is taken for a link that ends beyond
 * the input, and md_html crashes on it. So md4c always gets a copy of the text that
 * ends with '\n' and a NUL, which ends every construct inside the buffer (a final line
 * ending changes nothing in CommonMark). Returns a malloc'd copy (*n bytes without the
 * NUL), or NULL when out of memory.
 */
static char *md_input(const char *md, size_t len, size_t *n)
{
	char *s = malloc(len + 2);
	if (!s)
		return NULL;
	memcpy(s, md, len);
	*n = len;
	if (len == 0 || s[len - 1] != '\n')
		s[(*n)++] = '\n';
	s[*n] = '\0';
	return s;
}

/* ---- Character references ---- */

static void put_utf8(struct pst_buf *b, unsigned long c)
{
	char s[4];
	size_t n;
	if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	if (c < 0x80) {
		s[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		s[0] = (char)(0xC0 | (c >> 6));
		s[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		s[0] = (char)(0xE0 | (c >> 12));
		s[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		s[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		s[0] = (char)(0xF0 | (c >> 18));
		s[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		s[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		s[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	pst_buf_add(b, s, n);
}

/*
 * Appends the character an entity ("&amp;", "&#8212;", "&#x2014;") stands for. md4c
 * leaves decoding to the renderer and its table is not public, so the named entities
 * are the few that plain prose uses; any other is kept as written.
 */
static void put_entity(struct pst_buf *b, const char *s, size_t n)
{
	static const struct {
		const char *name, *utf8;
	} names[] = {
		{"amp", "&"},       {"lt", "<"},        {"gt", ">"},        {"quot", "\""},
		{"apos", "'"},      {"nbsp", "\xC2\xA0"}, {"ndash", "–"},   {"mdash", "—"},
		{"hellip", "…"},    {"lsquo", "‘"},     {"rsquo", "’"},     {"ldquo", "“"},
		{"rdquo", "”"},     {"middot", "·"},    {"times", "×"},     {"deg", "°"},
		{"frac12", "½"},    {"copy", "©"},      {"eacute", "é"},    {"shy", ""},
	};
	if (n >= 4 && s[1] == '#') {
		bool hex = s[2] == 'x' || s[2] == 'X';
		unsigned long c = 0;
		for (size_t i = hex ? 3 : 2; i + 1 < n && c <= 0x10FFFF; i++) {
			char ch = s[i];
			int dig = ch >= '0' && ch <= '9'             ? ch - '0'
				  : hex && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
				  : hex && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
								  : -1;
			if (dig < 0)
				break;
			c = c * (hex ? 16 : 10) + (unsigned long)dig;
		}
		put_utf8(b, c);
		return;
	}
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		size_t l = strlen(names[i].name);
		if (n == l + 2 && memcmp(s + 1, names[i].name, l) == 0) {
			pst_buf_puts(b, names[i].utf8);
			return;
		}
	}
	pst_buf_add(b, s, n);
}

/* Appends an attribute (a link's address) with its entities decoded. */
static void put_attribute(struct pst_buf *b, const MD_ATTRIBUTE *a)
{
	for (int i = 0; a->substr_offsets[i] < a->size; i++) {
		MD_OFFSET off = a->substr_offsets[i], end = a->substr_offsets[i + 1];
		switch (a->substr_types[i]) {
		case MD_TEXT_ENTITY: put_entity(b, a->text + off, end - off); break;
		case MD_TEXT_NULLCHAR: put_utf8(b, 0xFFFD); break;
		default: pst_buf_add(b, a->text + off, end - off); break;
		}
	}
}

/* ---- Plain text ---- */

struct txt {
	struct pst_buf *out;
	struct pst_buf line; /* the inline text of the block being read */
	const char *indent;
	int width;
	/* Open containers, outermost first: each adds its continuation to the indent. */
	struct {
		char cont[16]; /* "  " for a quote, spaces as wide as a list item's marker */
	} box[NEST_MAX];
	int nbox, deep; /* deep: containers past NEST_MAX, not indented */
	struct {
		bool ordered;
		unsigned next;
	} list[NEST_MAX];
	int nlist;
	char marker[16];     /* the marker of a list item whose first line is not out yet */
	bool need_blank;     /* a paragraph ended: the next block starts after a blank line */
	bool any;            /* something has been written */
	struct {
		struct pst_buf url;
		size_t text_at; /* where the link's text starts in line */
	} link[LINK_MAX];
	int nlink;
	bool code; /* inside a code block: text is kept as it is */
};

static void prefix(struct txt *t, struct pst_buf *p, bool first)
{
	pst_buf_puts(p, t->indent);
	for (int i = 0; i < t->nbox; i++)
		pst_buf_puts(p, first && i == t->nbox - 1 && t->marker[0] ? t->marker
									   : t->box[i].cont);
}

static void blank_line(struct txt *t)
{
	if (t->need_blank && t->any)
		pst_buf_puts(t->out, "\n");
	t->need_blank = false;
}

/* Writes the text gathered for one block (para: it ends a paragraph-like block, so the
 * next block comes after a blank line). */
static void flush(struct txt *t, bool para)
{
	struct pst_buf *l = &t->line;
	while (l->len && (l->s[l->len - 1] == ' ' || l->s[l->len - 1] == '\n'))
		l->s[--l->len] = '\0';
	size_t skip = 0;
	while (skip < l->len && l->s[skip] == ' ')
		skip++;
	if (skip == l->len && !t->marker[0])
		return;
	blank_line(t);
	struct pst_buf first, rest;
	pst_buf_init(&first, 1024);
	pst_buf_init(&rest, 1024);
	prefix(t, &first, true);
	prefix(t, &rest, false);
	if (skip < l->len) {
		pst_text_wrap(t->out, l->s + skip, rest.s ? rest.s : "", first.s ? first.s : "",
			      t->width);
	} else if (first.s) {
		/* An empty list item: its marker alone, without the trailing blank. */
		while (first.len && first.s[first.len - 1] == ' ')
			first.s[--first.len] = '\0';
		pst_buf_printf(t->out, "%s\n", first.s);
	}
	pst_buf_free(&first);
	pst_buf_free(&rest);
	l->len = 0;
	if (l->s)
		l->s[0] = '\0';
	t->marker[0] = '\0';
	t->any = true;
	t->need_blank = para;
}

static void push_box(struct txt *t, const char *cont)
{
	if (t->nbox < NEST_MAX)
		snprintf(t->box[t->nbox++].cont, sizeof t->box[0].cont, "%s", cont);
	else
		t->deep++;
}

static void pop_box(struct txt *t)
{
	if (t->deep)
		t->deep--;
	else if (t->nbox)
		t->nbox--;
}

static int txt_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct txt *t = userdata;
	switch (type) {
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		flush(t, false); /* the text of the item this list is nested in */
		if (t->nlist < NEST_MAX) {
			t->list[t->nlist].ordered = type == MD_BLOCK_OL;
			t->list[t->nlist].next =
				type == MD_BLOCK_OL ? ((MD_BLOCK_OL_DETAIL *)detail)->start : 0;
		}
		t->nlist++;
		break;
	case MD_BLOCK_LI: {
		flush(t, false);
		int k = t->nlist - 1 < NEST_MAX ? t->nlist - 1 : NEST_MAX - 1;
		if (k >= 0 && t->list[k].ordered)
			snprintf(t->marker, sizeof t->marker, "%u. ", t->list[k].next++);
		else
			snprintf(t->marker, sizeof t->marker, "- ");
		char cont[16];
		snprintf(cont, sizeof cont, "%*s", (int)strlen(t->marker), "");
		push_box(t, cont);
		if (t->deep)
			t->marker[0] = '\0';
		break;
	}
	case MD_BLOCK_QUOTE:
		flush(t, false);
		push_box(t, "  ");
		break;
	case MD_BLOCK_CODE:
		flush(t, false);
		t->code = true;
		break;
	case MD_BLOCK_HR: {
		flush(t, false);
		blank_line(t);
		struct pst_buf p;
		pst_buf_init(&p, 1024);
		prefix(t, &p, true);
		pst_buf_printf(t->out, "%s* * *\n", p.s ? p.s : "");
		pst_buf_free(&p);
		t->marker[0] = '\0';
		t->any = true;
		t->need_blank = true;
		break;
	}
	default: /* DOC, P, H, HTML, tables: their text is gathered and flushed on leave */
		break;
	}
	return 0;
}

/* Writes a code block's lines as they are, indented four more columns. */
static void flush_code(struct txt *t)
{
	struct pst_buf p;
	pst_buf_init(&p, 1024);
	blank_line(t);
	prefix(t, &p, false);
	pst_buf_puts(&p, "    ");
	const char *s = t->line.s ? t->line.s : "";
	while (*s) {
		size_t n = strcspn(s, "\n");
		pst_buf_printf(t->out, "%s%.*s\n", p.s ? p.s : "", (int)n, s);
		s += n + (s[n] == '\n');
	}
	pst_buf_free(&p);
	t->line.len = 0;
	if (t->line.s)
		t->line.s[0] = '\0';
	t->code = false;
	t->any = true;
	t->need_blank = true;
}

static int txt_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	struct txt *t = userdata;
	switch (type) {
	case MD_BLOCK_P:
	case MD_BLOCK_H:
	case MD_BLOCK_HTML:
	case MD_BLOCK_TABLE:
		flush(t, true);
		break;
	case MD_BLOCK_TR:
		pst_buf_puts(&t->line, "\n");
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		pst_buf_puts(&t->line, "  ");
		break;
	case MD_BLOCK_CODE:
		flush_code(t);
		break;
	case MD_BLOCK_LI:
		flush(t, false); /* a tight item's text comes without a paragraph */
		pop_box(t);
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		t->nlist--;
		/* A nested list belongs to its item; only a whole list ends a paragraph. */
		if (t->nlist == 0)
			t->need_blank = true;
		break;
	case MD_BLOCK_QUOTE:
		flush(t, true);
		pop_box(t);
		break;
	default:
		break;
	}
	return 0;
}

static int txt_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct txt *t = userdata;
	const MD_ATTRIBUTE *url = type == MD_SPAN_A     ? &((MD_SPAN_A_DETAIL *)detail)->href
				  : type == MD_SPAN_IMG ? &((MD_SPAN_IMG_DETAIL *)detail)->src
							: NULL;
	if (!url)
		return 0;
	if (t->nlink < LINK_MAX) {
		pst_buf_init(&t->link[t->nlink].url, 8192);
		put_attribute(&t->link[t->nlink].url, url);
		t->link[t->nlink].text_at = t->line.len;
	}
	t->nlink++;
	return 0;
}

static int txt_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct txt *t = userdata;
	/* md4c 0.4.8 can leave an image span it never entered: such a leave is dropped. */
	if ((type != MD_SPAN_A && type != MD_SPAN_IMG) || t->nlink == 0)
		return 0;
	if (--t->nlink >= LINK_MAX)
		return 0;
	struct pst_buf *url = &t->link[t->nlink].url;
	const char *text = t->line.s ? t->line.s + t->link[t->nlink].text_at : "";
	/* An autolink's text is its address already: "<https://x>" is not printed twice. */
	const char *u = url->s ? url->s : "";
	const char *bare = strncmp(u, "mailto:", 7) == 0 ? u + 7 : u;
	if (*u && strcmp(text, u) != 0 && strcmp(text, bare) != 0)
		pst_buf_printf(&t->line, "%s(%s)", *text ? " " : "", u);
	pst_buf_free(url);
	return 0;
}

static int txt_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *userdata)
{
	struct txt *t = userdata;
	switch (type) {
	case MD_TEXT_NULLCHAR: put_utf8(&t->line, 0xFFFD); break;
	case MD_TEXT_BR: pst_buf_puts(&t->line, "\n"); break;
	case MD_TEXT_SOFTBR: pst_buf_puts(&t->line, " "); break;
	case MD_TEXT_ENTITY: put_entity(&t->line, s, n); break;
	default: pst_buf_add(&t->line, s, n); break;
	}
	return 0;
}

int pst_markdown_text(struct pst_buf *b, const char *md, size_t len, const char *indent,
		      int width)
{
	struct txt t = {.out = b, .indent = indent ? indent : "", .width = width};
	pst_buf_init(&t.line, LINE_MAX_BYTES);
	/* Raw HTML is text here too; runs of blanks are one space, as wrapping needs. */
	MD_PARSER p = {
		.flags = MD_DIALECT_COMMONMARK | MD_FLAG_NOHTML | MD_FLAG_COLLAPSEWHITESPACE,
		.enter_block = txt_enter_block,
		.leave_block = txt_leave_block,
		.enter_span = txt_enter_span,
		.leave_span = txt_leave_span,
		.text = txt_text,
	};
	size_t n;
	char *in = len <= MD_INPUT_MAX ? md_input(md, len, &n) : NULL;
	int r = in ? md_parse(in, (MD_SIZE)n, &p, &t) : -1;
	free(in);
	flush(&t, false);
	for (int i = 0; i < t.nlink && i < LINK_MAX; i++)
		pst_buf_free(&t.link[i].url);
	bool failed = t.line.failed;
	pst_buf_free(&t.line);
	return r != 0 || failed || b->failed ? PST_ENOMEM : PST_OK;
}

/* ---- HTML ---- */

/* Scheme characters after the first, which must be a letter (RFC 3986, 3.1). */
static bool scheme_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '-' || c == '.';
}

/*
 * True when a link's address cannot run script. Browsers ignore tabs, newlines and
 * leading control characters in an address and decode character references, so those
 * are skipped or refused before the scheme is read; an address with no scheme is
 * relative and safe.
 */
static bool url_safe(const MD_ATTRIBUTE *a)
{
	char scheme[16];
	size_t n = 0;
	for (int i = 0; a->substr_offsets[i] < a->size; i++) {
		if (a->substr_types[i] != MD_TEXT_NORMAL)
			return false; /* "&colon;" or "&#106;" while the scheme is still open */
		for (MD_OFFSET k = a->substr_offsets[i]; k < a->substr_offsets[i + 1]; k++) {
			char c = a->text[k];
			if ((unsigned char)c <= ' ' || c == 0x7F)
				continue;
			if (c == ':') {
				scheme[n] = '\0';
				return n && (strcasecmp(scheme, "http") == 0 ||
					     strcasecmp(scheme, "https") == 0 ||
					     strcasecmp(scheme, "mailto") == 0);
			}
			bool ok = n == 0 ? ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
					 : scheme_char(c);
			if (!ok)
				return true; /* "/x", "#x", "x?y": relative */
			if (n + 1 >= sizeof scheme)
				return false; /* no safe scheme is this long */
			scheme[n++] = c;
		}
	}
	return true;
}

struct html_check {
	bool unsafe;
};

static int chk_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct html_check *h = userdata;
	if (type == MD_SPAN_A && !url_safe(&((MD_SPAN_A_DETAIL *)detail)->href))
		h->unsafe = true;
	if (type == MD_SPAN_IMG && !url_safe(&((MD_SPAN_IMG_DETAIL *)detail)->src))
		h->unsafe = true;
	return h->unsafe; /* non-zero stops md_parse: the answer is known */
}

static int chk_none(MD_SPANTYPE type, void *detail, void *userdata)
{
	return 0;
}

static int chk_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	return 0;
}

static int chk_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *userdata)
{
	return 0;
}

static void html_out(const MD_CHAR *s, MD_SIZE n, void *userdata)
{
	pst_buf_add(userdata, s, n);
}

int pst_markdown_html(struct pst_buf *b, const char *md, size_t len)
{
	const unsigned flags = MD_DIALECT_COMMONMARK | MD_FLAG_NOHTML;
	/* md_html writes addresses as given, so unsafe ones are found first, with the
	 * same flags so that both passes see the same links. */
	size_t n;
	char *in = len <= MD_INPUT_MAX ? md_input(md, len, &n) : NULL;
	if (!in)
		return PST_ENOMEM;
	struct html_check h = {false};
	MD_PARSER p = {
		.flags = flags,
		.enter_block = chk_block,
		.leave_block = chk_block,
		.enter_span = chk_span,
		.leave_span = chk_none,
		.text = chk_text,
	};
	int r = md_parse(in, (MD_SIZE)n, &p, &h);
	if (h.unsafe || r != 0) {
		free(in);
		return h.unsafe ? PST_EINVAL : PST_ENOMEM;
	}
	struct pst_buf tmp;
	pst_buf_init(&tmp, b->max);
	r = md_html(in, (MD_SIZE)n, html_out, &tmp, flags, 0);
	free(in);
	int err = r != 0 || tmp.failed ? PST_ENOMEM : PST_OK;
	if (!err)
		pst_buf_add(b, tmp.s, tmp.len);
	pst_buf_free(&tmp);
	return err ? err : b->failed ? PST_ENOMEM : PST_OK;
}
