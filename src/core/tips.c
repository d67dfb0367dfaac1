/* Everyday tips: Markdown files whose YAML front matter says whom each tip is for. */
#include "tips.h"

#include <md4c.h>
#include <stdlib.h>
#include <string.h>

#include "yamlx.h"

enum {
	F_ID, F_TITLE, F_STAGES, F_TRIGGERS, F_BIRTHS, F_FROM_WEEK, F_UNTIL_WEEK, F_SOURCE,
	F__MAX
};

static const struct pst_yfield tip_fields[F__MAX] = {
	[F_ID] = {"id", true},
	[F_TITLE] = {"title", true},
	[F_STAGES] = {"stages", true},
	[F_TRIGGERS] = {"triggers", true},
	[F_BIRTHS] = {"births", false},
	[F_FROM_WEEK] = {"from_week", false},
	[F_UNTIL_WEEK] = {"until_week", false},
	[F_SOURCE] = {"source", true},
};

/*
 * Limits, the contract of docs/tips.md. Weeks run to 104 (two years after birth, the
 * profile's limit); pregnancy ends by week 42. A tip is a short read: the size cap
 * keeps a mistaken file (or a fuzzer's input) from costing much.
 */
enum { WEEK_MAX = 104, PREGNANCY_WEEK_MAX = 42, TIP_MAX = 64 * 1024 };

/* births may name only real birth types, so "unknown" (index 0 of pst_vocab_birth) is
 * left out: index i here is enum pst_birth i + 1. */
static const char *const birth_words[] = {"vaginal", "caesarean"};
static const struct pst_vocab births_vocab = {"birth", birth_words, 2};
_Static_assert(PST_BIRTH_VAGINAL == 1 && PST_BIRTH_CAESAREAN == 2 && PST_BIRTH__MAX == 3,
	       "births_vocab mirrors enum pst_birth after 'unknown'");

/* Where a byte of a file is, as 1-based line and column (columns count code points,
 * as libyaml's do). */
struct pos {
	int line, col;
};

static struct pos pos_at(const char *s, size_t off, int first_line)
{
	struct pos p = {first_line, 1};
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			p.line++;
			p.col = 1;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80) {
			p.col++;
		}
	}
	return p;
}

/* True when the line [p, eol) is a front matter fence: "---", maybe with trailing
 * blanks or a CR. */
static bool is_fence(const char *p, const char *eol)
{
	while (eol > p && (eol[-1] == ' ' || eol[-1] == '\t' || eol[-1] == '\r'))
		eol--;
	return eol - p == 3 && memcmp(p, "---", 3) == 0;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* A tip file cut in two. The YAML part keeps the opening "---" (a YAML document start
 * marker) so that libyaml counts lines as the file does. */
struct parts {
	size_t yaml_len;
	const char *body;
	size_t body_len;
	int body_line;
};

/* Finds the front matter and the body; reports what is missing. */
static bool split(const char *file, const char *s, size_t len, struct parts *pt,
		  struct pst_diags *d, size_t *errors)
{
	const char *end = s + len;
	const char *eol = line_end(s, end);
	if (!is_fence(s, eol)) {
		pst_diag_add(d, file, 1, 1,
			     "a tip must start with its front matter: the first line must be '---'");
		(*errors)++;
		return false;
	}
	const char *first = eol < end ? eol + 1 : end; /* line 2, where the fields start */
	int line = 2;
	for (const char *p = first; p < end; line++) {
		const char *e = line_end(p, end);
		if (is_fence(p, e)) {
			pt->yaml_len = (size_t)(p - s);
			pt->body = e < end ? e + 1 : end;
			pt->body_len = (size_t)(end - pt->body);
			pt->body_line = line + 1;
			if (blank(first, (size_t)(p - first))) {
				pst_diag_add(d, file, 2, 1,
					     "the front matter is empty: it needs id, title, stages, triggers and source");
				(*errors)++;
				return false;
			}
			return true;
		}
		p = e < end ? e + 1 : end;
	}
	/* Reported where the closing line was still expected: the end of the file. */
	struct pos at = pos_at(s, len, 1);
	pst_diag_add(d, file, at.line, at.col,
		     "the front matter opened on line 1 is never closed: add a '---' line after its last field");
	(*errors)++;
	return false;
}

/* Reads the front matter fields into t; returns false when it had problems. */
static bool read_front(struct pst_yaml *y, struct pst_tip *t)
{
	size_t before = y->errors;
	yaml_node_t *v[F__MAX];
	if (!pst_yaml_map(y, pst_yaml_root(y), "", tip_fields, F__MAX, v))
		return false;
	if (v[F_ID]) {
		t->id = pst_yaml_id(y, v[F_ID], ".md");
	}
	if (v[F_TITLE])
		t->title = pst_yaml_str(y, v[F_TITLE], "title");
	if (v[F_STAGES] &&
	    pst_yaml_mask(y, v[F_STAGES], "stages", &pst_vocab_stage, &t->stages) && !t->stages)
		pst_yaml_error(y, v[F_STAGES], "stages needs at least 1 item");
	if (v[F_TRIGGERS])
		pst_yaml_mask(y, v[F_TRIGGERS], "triggers", &pst_vocab_trigger, &t->triggers);
	if (v[F_BIRTHS]) {
		unsigned m = 0;
		if (pst_yaml_mask(y, v[F_BIRTHS], "births", &births_vocab, &m))
			t->births = m << 1;
		if (t->stages && !(t->stages & PST_BIT(PST_STAGE_POSTPARTUM)))
			pst_yaml_error(y, v[F_BIRTHS],
				       "births only applies after birth: add postpartum to stages or leave births out");
	}
	if (v[F_FROM_WEEK])
		pst_yaml_int(y, v[F_FROM_WEEK], "from_week", 0, WEEK_MAX, &t->from_week);
	if (v[F_UNTIL_WEEK] &&
	    pst_yaml_int(y, v[F_UNTIL_WEEK], "until_week", 0, WEEK_MAX, &t->until_week) &&
	    t->until_week == 0)
		/* 0 stands for "no limit" in struct pst_tip, so it cannot be a limit here. */
		pst_yaml_error(y, v[F_UNTIL_WEEK],
			       "until_week must be at least 1 (leave it out for no upper limit)");
	if (t->from_week && t->until_week && t->from_week > t->until_week)
		pst_yaml_error(y, v[F_UNTIL_WEEK], "until_week %d is before from_week %d",
			       t->until_week, t->from_week);
	if ((v[F_FROM_WEEK] || v[F_UNTIL_WEEK]) &&
	    t->stages == (PST_BIT(PST_STAGE_PREGNANCY) | PST_BIT(PST_STAGE_POSTPARTUM)))
		pst_yaml_error(y, v[F_FROM_WEEK] ? v[F_FROM_WEEK] : v[F_UNTIL_WEEK],
			       "%s needs a single stage: weeks of pregnancy and weeks since birth are different clocks",
			       v[F_FROM_WEEK] ? "from_week" : "until_week");
	if (t->stages == PST_BIT(PST_STAGE_PREGNANCY) && t->from_week > PREGNANCY_WEEK_MAX)
		pst_yaml_error(y, v[F_FROM_WEEK],
			       "from_week: %d is past the end of pregnancy (week %d)", t->from_week,
			       PREGNANCY_WEEK_MAX);
	if (v[F_SOURCE])
		pst_yaml_cites(y, v[F_SOURCE], "source", 1, &t->sources);
	return y->errors == before;
}

/* Checks the body's Markdown for what a tip may not hold (see docs/tips.md). */
struct body_check {
	const char *file, *body;
	size_t len;
	int line;
	size_t last; /* offset of the end of the last text seen: the fallback position */
	bool html_seen;
	struct pst_diags *d;
	size_t errors;
};

/* Where an attribute's text sits in the body; md4c points into the body unless it had
 * to build the text (escapes, entities), then at the text before it. */
static struct pos attr_pos(const struct body_check *bc, const MD_ATTRIBUTE *a)
{
	size_t off = bc->last;
	if (a->text >= bc->body && a->text < bc->body + bc->len)
		off = (size_t)(a->text - bc->body);
	return pos_at(bc->body, off, bc->line);
}

static bool link_ok(const MD_ATTRIBUTE *a)
{
	for (int i = 0; a->substr_offsets[i] < a->size; i++)
		if (a->substr_types[i] != MD_TEXT_NORMAL)
			return false;
	static const char *const allowed[] = {"https://", "http://", "mailto:"};
	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++) {
		size_t n = strlen(allowed[i]);
		if (a->size > n && strncmp(a->text, allowed[i], n) == 0)
			return true;
	}
	return false;
}

static int check_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	struct body_check *bc = userdata;
	if (type == MD_SPAN_A) {
		const MD_ATTRIBUTE *href = &((MD_SPAN_A_DETAIL *)detail)->href;
		if (!link_ok(href)) {
			struct pos p = attr_pos(bc, href);
			pst_diag_add(bc->d, bc->file, p.line, p.col,
				     "a link in a tip must be a plain https://, http:// or mailto: address, not '%.*s'",
				     (int)(href->size > 80 ? 80 : href->size), href->text);
			bc->errors++;
		}
	} else if (type == MD_SPAN_IMG) {
		struct pos p = attr_pos(bc, &((MD_SPAN_IMG_DETAIL *)detail)->src);
		pst_diag_add(bc->d, bc->file, p.line, p.col,
			     "a tip cannot show an image (the terminal has none): describe it in words");
		bc->errors++;
	}
	return 0;
}

static int check_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	struct body_check *bc = userdata;
	bool inside = text >= bc->body && text < bc->body + bc->len;
	if (type == MD_TEXT_HTML && !bc->html_seen) {
		/* Reported once: one tag usually comes with its closing tag and more. */
		struct pos p = pos_at(bc->body, inside ? (size_t)(text - bc->body) : bc->last,
				      bc->line);
		pst_diag_add(bc->d, bc->file, p.line, p.col,
			     "raw HTML is not allowed in a tip (it would be shown as text): use Markdown such as **bold**");
		bc->errors++;
		bc->html_seen = true;
	}
	if (inside)
		bc->last = (size_t)(text - bc->body) + size;
	return 0;
}

/* md4c calls every callback; these have nothing to check. */
static int check_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	return 0;
}

static int check_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	return 0;
}

static void check_body(const char *file, const char *body, size_t len, int line,
		       struct pst_diags *d, size_t *errors)
{
	struct body_check bc = {.file = file, .body = body, .len = len, .line = line, .d = d};
	/* Parsed without MD_FLAG_NOHTML, so raw HTML is seen and refused. */
	MD_PARSER p = {
		.flags = MD_DIALECT_COMMONMARK,
		.enter_block = check_block,
		.leave_block = check_block,
		.enter_span = check_span,
		.leave_span = check_leave_span,
		.text = check_text,
	};
	if (md_parse(body, (MD_SIZE)len, &p, &bc) != 0) {
		pst_diag_add(d, file, line, 1, "out of memory while reading the tip's Markdown");
		bc.errors++;
	}
	*errors += bc.errors;
}

/* Reads one tip file into t; adds to *errors for each problem. */
static bool read_tip(struct pst_arena *a, const struct pst_blob *f, struct pst_tip *t,
		     struct pst_diags *d, size_t *errors)
{
	const char *file = pst_arena_strdup(a, f->name);
	if (!file) {
		pst_diag_add(d, f->name, 0, 0, "out of memory");
		(*errors)++;
		return false;
	}
	t->file = file;
	const char *s = (const char *)f->data;
	if (f->len > TIP_MAX) {
		pst_diag_add(d, file, 1, 1, "the file is %zu bytes; a tip may be at most %d KiB",
			     f->len, TIP_MAX / 1024);
		(*errors)++;
		return false;
	}
	const char *nul = memchr(s, '\0', f->len);
	if (nul) {
		struct pos p = pos_at(s, (size_t)(nul - s), 1);
		pst_diag_add(d, file, p.line, p.col, "the file contains a NUL byte");
		(*errors)++;
		return false;
	}
	struct parts pt;
	if (!split(file, s, f->len, &pt, d, errors))
		return false;

	struct pst_yaml y;
	bool ok = pst_yaml_open(&y, file, f->data, pt.yaml_len, a, d) == PST_OK &&
		  read_front(&y, t);
	*errors += y.errors;
	pst_yaml_close(&y);

	if (blank(pt.body, pt.body_len)) {
		pst_diag_add(d, file, pt.body_line, 1,
			     "the tip has no text: write its Markdown after the closing '---'");
		(*errors)++;
		return false;
	}
	/*
	 * The body is kept ending in a line ending: md4c 0.4.8 reads past the end of a
	 * last line without one (see render/markdown.c), and the check below parses the
	 * kept copy.
	 */
	bool nl = pt.body[pt.body_len - 1] == '\n';
	char *body = pst_arena_alloc(a, pt.body_len + 2);
	if (!body) {
		pst_diag_add(d, file, pt.body_line, 1, "out of memory");
		(*errors)++;
		return false;
	}
	memcpy(body, pt.body, pt.body_len);
	if (!nl)
		body[pt.body_len] = '\n';
	t->body = body;
	size_t before = *errors;
	check_body(file, body, pt.body_len + !nl, pt.body_line, d, errors);
	return ok && *errors == before;
}

static int tip_cmp(const void *pa, const void *pb)
{
	const struct pst_tip *a = pa, *b = pb;
	return strcmp(a->id, b->id);
}

/* By id, then by file, so that a duplicate is always reported at the same file. */
static int tip_sort_cmp(const void *pa, const void *pb)
{
	const struct pst_tip *a = pa, *b = pb;
	int c = strcmp(a->id, b->id);
	return c ? c : strcmp(a->file, b->file);
}

int pst_tips_load(const struct pst_blob *files, size_t n, struct pst_tips **out,
		  struct pst_diags *d)
{
	*out = NULL;
	struct pst_tips *t = calloc(1, sizeof(*t));
	if (!t)
		return PST_ENOMEM;
	t->arena = pst_arena_new();
	t->v = t->arena ? pst_arena_alloc(t->arena, (n ? n : 1) * sizeof(*t->v)) : NULL;
	if (!t->v) {
		pst_tips_free(t);
		return PST_ENOMEM;
	}
	size_t errors = 0;
	for (size_t i = 0; i < n; i++) {
		struct pst_tip tip = {0};
		if (read_tip(t->arena, &files[i], &tip, d, &errors))
			t->v[t->n++] = tip;
	}
	qsort(t->v, t->n, sizeof(*t->v), tip_sort_cmp);
	for (size_t i = 1; i < t->n; i++) {
		if (strcmp(t->v[i].id, t->v[i - 1].id) == 0) {
			/* struct pst_tip keeps no line, so the message names the file only. */
			pst_diag_add(d, t->v[i].file, 0, 0, "duplicate id '%s' (first defined in %s)",
				     t->v[i].id, t->v[i - 1].file);
			errors++;
		}
	}
	if (errors) {
		pst_diags_sort(d);
		pst_tips_free(t);
		return PST_EDATA;
	}
	*out = t;
	return PST_OK;
}

void pst_tips_free(struct pst_tips *t)
{
	if (!t)
		return;
	pst_arena_free(t->arena);
	free(t);
}

size_t pst_tips_check_sources(const struct pst_tips *t, const struct pst_sources *s,
			      struct pst_diags *d)
{
	size_t bad = 0;
	for (size_t i = 0; t && i < t->n; i++)
		bad += pst_sources_check(s, &t->v[i].sources, t->v[i].file, d);
	return bad;
}

const struct pst_tip *pst_tips_find(const struct pst_tips *t, const char *id)
{
	struct pst_tip key = {.id = id};
	if (!t || t->n == 0)
		return NULL;
	return bsearch(&key, t->v, t->n, sizeof(key), tip_cmp);
}

/* True when the tip is for this stage, week and birth, whatever the triggers. A birth
 * type limits a tip only after birth: in pregnancy there is none yet. */
static bool applies(const struct pst_tip *tp, enum pst_stage stage, int week,
		    enum pst_birth birth)
{
	if (!(tp->stages & PST_BIT(stage)))
		return false;
	if (tp->from_week && week < tp->from_week)
		return false;
	if (tp->until_week && week > tp->until_week)
		return false;
	if (stage == PST_STAGE_POSTPARTUM && tp->births && !(tp->births & PST_BIT(birth)))
		return false;
	return true;
}

size_t pst_tips_select(const struct pst_tips *t, enum pst_stage stage, int week,
		       enum pst_birth birth, unsigned triggers, const struct pst_tip **out,
		       size_t max)
{
	size_t n = 0;
	if (!t)
		return 0;
	/* Two passes over the id-sorted tips: those sharing a trigger, then the general. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < t->n; i++) {
			const struct pst_tip *tp = &t->v[i];
			if (!applies(tp, stage, week, birth))
				continue;
			bool take = pass == 0 ? (tp->triggers & triggers) != 0 : tp->triggers == 0;
			if (!take)
				continue;
			if (n < max)
				out[n] = tp;
			n++;
		}
	}
	return n;
}
