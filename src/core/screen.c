/* Red-flag screening: loading the questions, reading answers, deciding the outcome. */
#include "screen.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yamlx.h"

/* --- loading the questions --------------------------------------------------- */

enum {
	F_ID,
	F_QUESTION,
	F_STAGES,
	F_OUTCOME,
	F_ADVICE,
	F_SOURCE,
	F_STOP_SIGN,
	F_PREG_FROM,
	F_PP_FROM,
	F_AVOID,
	F_AVOID_REASON,
	F__MAX
};

static const struct pst_yfield q_fields[F__MAX] = {
	[F_ID] = {"id", true},
	[F_QUESTION] = {"question", true},
	[F_STAGES] = {"stages", true},
	[F_OUTCOME] = {"outcome", true},
	[F_ADVICE] = {"advice", true},
	[F_SOURCE] = {"source", true},
	[F_STOP_SIGN] = {"stop_sign", false},
	[F_PREG_FROM] = {"pregnancy_from_week", false},
	[F_PP_FROM] = {"postpartum_from_week", false},
	[F_AVOID] = {"avoid", false},
	[F_AVOID_REASON] = {"avoid_reason", false},
};

enum { T_QUESTIONS, T__MAX };
static const struct pst_yfield top_fields[T__MAX] = {
	[T_QUESTIONS] = {"questions", true},
};

/* Reads one list item into qn, and the column of its id into *idcol; returns false when
 * it had problems (all reported). */
static bool read_question(struct pst_yaml *y, yaml_node_t *node, struct pst_question *qn,
			  int *idcol)
{
	size_t before = y->errors;
	if (node->type != YAML_MAPPING_NODE) {
		pst_yaml_error(y, node, "each question must be a mapping of fields");
		return false;
	}
	yaml_node_t *v[F__MAX];
	pst_yaml_map(y, node, "", q_fields, F__MAX, v);
	qn->line = (int)node->start_mark.line + 1;
	if (v[F_ID]) {
		qn->id = pst_yaml_id(y, v[F_ID], NULL);
		qn->line = (int)v[F_ID]->start_mark.line + 1;
		*idcol = (int)v[F_ID]->start_mark.column + 1;
	}
	if (v[F_QUESTION])
		qn->question = pst_yaml_str(y, v[F_QUESTION], "question");
	if (v[F_STAGES] &&
	    pst_yaml_mask(y, v[F_STAGES], "stages", &pst_vocab_stage, &qn->stages) && !qn->stages)
		/* A question asked in no stage would never be asked: surely a mistake. */
		pst_yaml_error(y, v[F_STAGES], "stages needs at least 1 item");
	if (v[F_OUTCOME]) {
		/* CLEAR and INCOMPLETE are results of screening, not what a yes can mean. */
		struct pst_vocab answerable = pst_vocab_outcome;
		answerable.n = PST_OUT_NOTE + 1;
		int o = pst_yaml_enum(y, v[F_OUTCOME], "outcome", &answerable);
		qn->outcome = o < 0 ? PST_OUT_EMERGENCY : (enum pst_outcome)o;
	}
	if (v[F_ADVICE])
		qn->advice = pst_yaml_str(y, v[F_ADVICE], "advice");
	if (v[F_SOURCE])
		pst_yaml_cites(y, v[F_SOURCE], "source", 1, &qn->sources);
	if (v[F_STOP_SIGN])
		qn->stop_sign = pst_yaml_str(y, v[F_STOP_SIGN], "stop_sign");
	/* A week range for a stage the question is not asked in would never apply. */
	static const int from_field[PST_STAGE__MAX] = {F_PREG_FROM, F_PP_FROM};
	static const int from_max[PST_STAGE__MAX] = {42, 104};
	for (int st = 0; st < PST_STAGE__MAX; st++) {
		yaml_node_t *n = v[from_field[st]];
		if (!n)
			continue;
		if (pst_yaml_int(y, n, q_fields[from_field[st]].name, 0, from_max[st],
				 &qn->from_week[st]) &&
		    v[F_STAGES] && qn->stages && !(qn->stages & PST_BIT(st)))
			pst_yaml_error(y, n, "%s is set, but %s is not among the question's stages",
				       q_fields[from_field[st]].name,
				       pst_vocab_word(&pst_vocab_stage, st));
	}
	if (v[F_AVOID] && pst_yaml_mask(y, v[F_AVOID], "avoid", &pst_vocab_avoid, &qn->avoid) &&
	    qn->avoid && v[F_OUTCOME] && pst_outcome_is_referral(qn->outcome))
		/* A referral gives no plan: there is nothing to leave out of it. */
		pst_yaml_error(y, v[F_AVOID], "avoid only applies to the outcomes clearance and note "
					      "(a referral gives no plan)");
	if (v[F_AVOID_REASON])
		qn->avoid_reason = pst_yaml_str(y, v[F_AVOID_REASON], "avoid_reason");
	if (qn->avoid && !qn->avoid_reason)
		pst_yaml_error(y, v[F_AVOID], "avoid needs an avoid_reason: why the plan leaves "
					      "these exercises out, in plain words");
	if (!qn->avoid && v[F_AVOID_REASON] && qn->avoid_reason)
		pst_yaml_error(y, v[F_AVOID_REASON], "avoid_reason is set, but avoid is empty");
	return y->errors == before;
}

static int qptr_cmp(const void *pa, const void *pb)
{
	const struct pst_question *a = *(const struct pst_question *const *)pa;
	const struct pst_question *b = *(const struct pst_question *const *)pb;
	int c = strcmp(a->id, b->id);
	if (c)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Reports every id defined twice, at the later definition (col[i] is the column of
 * q->v[i]'s id). Sorting keeps this O(n log n) however long the file is. Returns false
 * when out of memory. */
static bool check_duplicates(struct pst_yaml *y, const struct pst_questions *q, const int *col)
{
	if (q->n < 2)
		return true;
	const struct pst_question **by_id = malloc(q->n * sizeof(*by_id));
	if (!by_id)
		return false;
	for (size_t i = 0; i < q->n; i++)
		by_id[i] = &q->v[i];
	qsort(by_id, q->n, sizeof(*by_id), qptr_cmp);
	size_t first = 0; /* the first definition of the current run of equal ids */
	for (size_t i = 1; i < q->n; i++) {
		if (strcmp(by_id[first]->id, by_id[i]->id) != 0) {
			first = i;
			continue;
		}
		pst_diag_add(y->diags, y->file, by_id[i]->line, col[by_id[i] - q->v],
			     "duplicate id '%s' (first defined at line %d)", by_id[i]->id,
			     by_id[first]->line);
		y->errors++;
	}
	free(by_id);
	return true;
}

int pst_questions_load(const struct pst_blob *file, struct pst_questions **out,
		       struct pst_diags *d)
{
	*out = NULL;
	struct pst_questions *q = calloc(1, sizeof(*q));
	if (!q)
		return PST_ENOMEM;
	int err = PST_ENOMEM;
	int *col = NULL;
	struct pst_yaml y = {0};
	q->arena = pst_arena_new();
	if (!q->arena || !(q->file = pst_arena_strdup(q->arena, file->name)))
		goto out;
	err = pst_yaml_open(&y, q->file, file->data, file->len, q->arena, d);
	if (err)
		goto out;
	yaml_node_t *v[T__MAX];
	if (!pst_yaml_map(&y, pst_yaml_root(&y), "", top_fields, T__MAX, v) || !v[T_QUESTIONS])
		goto check;
	yaml_node_t *list = v[T_QUESTIONS];
	if (list->type != YAML_SEQUENCE_NODE && !pst_yaml_is_null(list)) {
		pst_yaml_error(&y, list, "questions must be a list");
		goto check;
	}
	size_t count = pst_yaml_is_null(list)
			       ? 0
			       : (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
	if (count == 0) {
		pst_yaml_error(&y, list, "questions needs at least 1 item");
		goto check;
	}
	q->v = pst_arena_alloc(q->arena, count * sizeof(*q->v));
	col = malloc(count * sizeof(*col));
	if (!q->v || !col) {
		err = PST_ENOMEM;
		goto out;
	}
	for (yaml_node_item_t *it = list->data.sequence.items.start;
	     it < list->data.sequence.items.top; it++) {
		struct pst_question qn = {0};
		bool ok = read_question(&y, pst_yaml_get(&y, *it), &qn, &col[q->n]);
		/* A question with problems but an id still takes part in the duplicate check. */
		if (ok || qn.id)
			q->v[q->n++] = qn;
	}
	if (!check_duplicates(&y, q, col)) {
		err = PST_ENOMEM;
		goto out;
	}
check:
	err = y.errors ? PST_EDATA : PST_OK;
out:
	free(col);
	pst_yaml_close(&y);
	if (err) {
		pst_diags_sort(d);
		pst_questions_free(q);
		return err;
	}
	*out = q;
	return PST_OK;
}

void pst_questions_free(struct pst_questions *q)
{
	if (!q)
		return;
	pst_arena_free(q->arena);
	free(q);
}

size_t pst_questions_check_sources(const struct pst_questions *q, const struct pst_sources *s,
				   struct pst_diags *d)
{
	size_t bad = 0;
	for (size_t i = 0; q && i < q->n; i++)
		bad += pst_sources_check(s, &q->v[i].sources, q->file, d);
	return bad;
}

const struct pst_question *pst_questions_find(const struct pst_questions *q, const char *id)
{
	/* A few dozen questions: a linear search is as fast as anything. */
	for (size_t i = 0; q && i < q->n; i++)
		if (strcmp(q->v[i].id, id) == 0)
			return &q->v[i];
	return NULL;
}

/* --- answers ------------------------------------------------------------------- */

/* Input from people and the network is kept to a size that a real answers object never
 * comes near (33 ids and booleans are about 1 KiB), and so are the messages about it:
 * past MAX_PROBLEMS the rest is summed up in one line rather than listed. */
enum { MAX_PROBLEMS = 20, SHOW_MAX = 60 };

/* Copies s into buf for a message: printable ASCII as is, every other byte as \xNN, and
 * at most SHOW_MAX characters, so that input never reaches a terminal raw. */
static const char *show(const char *s, char *buf, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; s[i] && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= SHOW_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return buf;
}

/* The id nearest to a mistyped one, or NULL when none is near enough to suggest. */
static const char *closest_id(const struct pst_questions *q, const char *id)
{
	const char *best = NULL;
	int bestd = 0;
	for (size_t i = 0; i < q->n; i++) {
		int dist = pst_edit_distance(id, q->v[i].id);
		if (!best || dist < bestd) {
			best = q->v[i].id;
			bestd = dist;
		}
	}
	size_t l = strlen(id);
	int limit = l < 9 ? 2 : (int)(l / 3);
	return best && bestd <= limit ? best : NULL;
}

static const char *json_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "a list";
	case JSON_STRING: return "text";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_NULL: return "null";
	default: return "a boolean";
	}
}

/* Line and column (1-based) of the first byte that is not white space, for messages
 * about the whole document; jansson gives no positions once parsing has succeeded. */
static void first_token(const char *text, size_t len, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (text[i] == ' ' || text[i] == '\t' || text[i] == '\r') {
			(*col)++;
		} else {
			return;
		}
	}
}

static bool blank(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
			return false;
	return true;
}

int pst_answers_parse_json(const struct pst_questions *q, const char *src, const char *text,
			   size_t len, struct pst_answers *out, struct pst_diags *d)
{
	out->v = NULL;
	out->n = 0;
	char shown[4 * SHOW_MAX + 16];
	if (len > PST_ANSWERS_MAX) {
		pst_diag_add(d, src, 0, 0,
			     "the answers are too large (over %d KiB); expected a JSON object "
			     "mapping question ids to true or false",
			     PST_ANSWERS_MAX / 1024);
		return PST_EINVAL;
	}
	if (blank(text, len)) {
		pst_diag_add(d, src, 0, 0,
			     "no answers given; expected a JSON object mapping question ids to "
			     "true or false, like {\"chest-pain\": false}");
		return PST_EINVAL;
	}
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return PST_ENOMEM;
		/* jansson's column is that of the last character it read (the bad token's end). */
		pst_diag_add(d, src, jerr.line > 0 ? jerr.line : 1, jerr.column > 0 ? jerr.column : 1,
			     "malformed JSON: %s", show(jerr.text, shown, sizeof shown));
		return PST_EINVAL;
	}
	int err = PST_EINVAL;
	enum pst_answer *v = NULL;
	if (!json_is_object(root)) {
		int line, col;
		first_token(text, len, &line, &col);
		pst_diag_add(d, src, line, col,
			     "the answers must be a JSON object mapping question ids to true or "
			     "false, not %s",
			     json_type_name(root));
		goto out;
	}
	v = calloc(q->n ? q->n : 1, sizeof(*v));
	if (!v) {
		err = PST_ENOMEM;
		goto out;
	}
	size_t problems = 0;
	const char *key;
	json_t *val;
	json_object_foreach(root, key, val) {
		const struct pst_question *qn = pst_questions_find(q, key);
		if (qn && json_is_boolean(val)) {
			v[qn - q->v] = json_is_true(val) ? PST_ANS_YES : PST_ANS_NO;
			continue;
		}
		if (++problems > MAX_PROBLEMS)
			continue; /* counted, summed up below */
		if (!qn) {
			const char *near = closest_id(q, key);
			if (near)
				pst_diag_add(d, src, 0, 0, "unknown question id '%s'; did you mean '%s'?",
					     show(key, shown, sizeof shown), near);
			else
				pst_diag_add(d, src, 0, 0, "unknown question id '%s'",
					     show(key, shown, sizeof shown));
		} else {
			pst_diag_add(d, src, 0, 0, "the answer to '%s' must be true or false, not %s",
				     qn->id, json_type_name(val));
		}
	}
	if (problems > MAX_PROBLEMS)
		pst_diag_add(d, src, 0, 0, "%zu more problems with the answers are not listed",
			     problems - MAX_PROBLEMS);
	if (problems)
		goto out;
	out->v = v;
	out->n = q->n;
	v = NULL;
	err = PST_OK;
out:
	free(v);
	json_decref(root);
	return err;
}

int pst_answers_init(const struct pst_questions *q, struct pst_answers *out)
{
	out->n = 0;
	out->v = malloc((q->n ? q->n : 1) * sizeof(*out->v));
	if (!out->v)
		return PST_ENOMEM;
	for (size_t i = 0; i < q->n; i++)
		out->v[i] = PST_ANS_NO;
	out->n = q->n;
	return PST_OK;
}

void pst_answers_free(struct pst_answers *a)
{
	if (!a)
		return;
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

/* --- the outcome -------------------------------------------------------------------- */

bool pst_question_applies(const struct pst_question *qn, unsigned stages, int weeks)
{
	if (!(qn->stages & stages))
		return false;
	for (int st = 0; st < PST_STAGE__MAX; st++)
		if (stages == PST_BIT(st))
			return weeks < 0 || weeks >= qn->from_week[st];
	return true; /* several stages: which one is not known, so ask */
}

int pst_screen_evaluate(const struct pst_questions *q, const struct pst_answers *a,
			unsigned stages, struct pst_screen_result *out)
{
	return pst_screen_evaluate_at(q, a, stages, -1, out);
}

int pst_screen_evaluate_at(const struct pst_questions *q, const struct pst_answers *a,
			   unsigned stages, int weeks, struct pst_screen_result *out)
{
	memset(out, 0, sizeof(*out));
	out->outcome = PST_OUT_INCOMPLETE;
	const unsigned all = PST_BIT(PST_STAGE__MAX) - 1;
	/* No stage at all would ask nothing and so clear everyone: refuse it. */
	if (!q || !a || a->n != q->n || !(stages & all))
		return PST_EINVAL;
	size_t n = q->n ? q->n : 1;
	out->reasons = malloc(n * sizeof(*out->reasons));
	out->missing = malloc(n * sizeof(*out->missing));
	if (!out->reasons || !out->missing) {
		pst_screen_result_free(out);
		return PST_ENOMEM;
	}
	/* One pass per outcome keeps the reasons most urgent first and, within an outcome,
	 * in file order. */
	for (int o = PST_OUT_EMERGENCY; o <= PST_OUT_NOTE; o++)
		for (size_t i = 0; i < q->n; i++)
			if ((q->v[i].stages & stages) && (int)q->v[i].outcome == o &&
			    a->v[i] == PST_ANS_YES)
				out->reasons[out->nreasons++] = &q->v[i];
	for (size_t i = 0; i < q->n; i++)
		if (pst_question_applies(&q->v[i], stages, weeks) && a->v[i] != PST_ANS_YES &&
		    a->v[i] != PST_ANS_NO)
			out->missing[out->nmissing++] = &q->v[i];

	if (out->nreasons && pst_outcome_is_referral(out->reasons[0]->outcome))
		out->outcome = out->reasons[0]->outcome;
	else if (out->nmissing)
		out->outcome = PST_OUT_INCOMPLETE;
	else if (out->nreasons)
		out->outcome = out->reasons[0]->outcome; /* CLEARANCE or NOTE */
	else
		out->outcome = PST_OUT_CLEAR;
	return PST_OK;
}

void pst_screen_result_free(struct pst_screen_result *r)
{
	if (!r)
		return;
	free(r->reasons);
	free(r->missing);
	r->reasons = r->missing = NULL;
	r->nreasons = r->nmissing = 0;
}

unsigned pst_screen_avoid(const struct pst_screen_result *r)
{
	unsigned m = 0;
	for (size_t i = 0; r && i < r->nreasons; i++)
		if (!pst_outcome_is_referral(r->reasons[i]->outcome))
			m |= r->reasons[i]->avoid;
	return m;
}

/* --- how long answers hold -------------------------------------------------------- */

enum { WEEK20 = 20 * 7, WEEK6 = 6 * 7, WEEK12 = 12 * 7 };

enum pst_staleness pst_screen_staleness(int64_t answered_day, int64_t today, bool has_stage,
				       enum pst_stage stage, int64_t anchor_day)
{
	int64_t age = today - answered_day;
	bool early = true; /* the stage not known: the shorter keep, to be safe */
	if (has_stage) {
		int64_t then = answered_day - anchor_day, now = today - anchor_day;
		if (stage == PST_STAGE_PREGNANCY) {
			if (then < WEEK20 && now >= WEEK20)
				return PST_STALE_20_WEEKS;
		} else {
			if (then < 0)
				return PST_STALE_BIRTH;
			if (then < WEEK6 && now >= WEEK6)
				return PST_STALE_6_WEEKS;
			early = then < WEEK12 || now < WEEK12;
		}
	}
	if (age > (early ? PST_SCREEN_KEEP_DAYS_EARLY : PST_SCREEN_KEEP_DAYS_LATER))
		return PST_STALE_AGE;
	return PST_FRESH;
}

const char *pst_staleness_words(enum pst_staleness s)
{
	switch (s) {
	case PST_FRESH: return "they still hold";
	case PST_STALE_AGE: return "they are too old: in pregnancy and the first 12 weeks after "
				  "birth they are asked again every 4 weeks, later every 12 weeks";
	case PST_STALE_20_WEEKS: return "you have reached 20 weeks of pregnancy since, when the "
					"warning signs of pre-eclampsia begin to apply";
	case PST_STALE_6_WEEKS: return "you have passed 6 weeks after the birth since";
	case PST_STALE_BIRTH: return "they were given in pregnancy, and your baby has been born since";
	}
	return "they are out of date";
}

bool pst_outcome_is_referral(enum pst_outcome o)
{
	return o == PST_OUT_EMERGENCY || o == PST_OUT_SAME_DAY || o == PST_OUT_SEE_PROVIDER;
}

const char *pst_outcome_headline(enum pst_outcome o)
{
	static const char *const h[PST_OUT__MAX] = {
		[PST_OUT_EMERGENCY] = "Call emergency services now (999/112/911).",
		[PST_OUT_SAME_DAY] = "Contact your maternity unit, midwife or doctor today.",
		[PST_OUT_SEE_PROVIDER] = "Book an appointment with your doctor or midwife; do not "
					 "start the programme until you have been seen.",
		[PST_OUT_CLEARANCE] = "You may use the plan once your provider says it is OK.",
		[PST_OUT_NOTE] = "You can go ahead, with a note: mention it at your next "
				 "appointment.",
		[PST_OUT_INCOMPLETE] = "Not finished: every question needs an answer before a "
				       "plan can be made.",
		[PST_OUT_CLEAR] = "No warning signs: you can go ahead.",
	};
	/* An unknown outcome is a bug; the safe reading of a bug is "get checked". */
	if ((int)o < 0 || o >= PST_OUT__MAX)
		return h[PST_OUT_SEE_PROVIDER];
	return h[o];
}
