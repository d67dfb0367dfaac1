/* Times, check-ins, session logs and the saved profile: parsing and small computations. */
#include "tracking.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const pst_cfield_flag[PST_CF__MAX] = {"--pain", "--area", "--note", "--at"};
const char *const pst_cfield_json[PST_CF__MAX] = {"pain", "areas", "note", "at"};

static const char *const feedback_words[] = {"easy", "right", "hard", "hurt"};
const struct pst_vocab pst_vocab_feedback = {"feedback", feedback_words, PST_FB__MAX};

/* --- calendar arithmetic (proleptic Gregorian; H. Hinnant's algorithms) ------ */

int64_t pst_day_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void pst_day_civil(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

/* Reads exactly n digits at *p; advances it. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool parse_date(const char **p, int64_t *day)
{
	int y, m, d;
	if (!digits(p, 4, &y) || **p != '-')
		return false;
	(*p)++;
	if (!digits(p, 2, &m) || **p != '-')
		return false;
	(*p)++;
	if (!digits(p, 2, &d))
		return false;
	/* Years outside 1900-2999 are typing mistakes here, not history. */
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return false;
	*day = pst_day_from_civil(y, m, d);
	return true;
}

int pst_day_parse(const char *s, int64_t *day)
{
	const char *p = s;
	if (!parse_date(&p, day) || *p)
		return PST_EINVAL;
	return PST_OK;
}

int pst_time_parse(const char *s, int local_offset_min, struct pst_time *out)
{
	const char *p = s;
	int64_t day;
	int hh = 12, mm = 0, ss = 0, off = local_offset_min;
	if (!parse_date(&p, &day))
		return PST_EINVAL;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &hh) || *p != ':')
			return PST_EINVAL;
		p++;
		if (!digits(&p, 2, &mm))
			return PST_EINVAL;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &ss))
				return PST_EINVAL;
			if (*p == '.') /* fractions of a second are dropped */
				for (p++; *p >= '0' && *p <= '9'; p++)
					;
		}
		if (hh > 23 || mm > 59 || ss > 60)
			return PST_EINVAL;
		if (*p == 'Z') {
			off = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p == '-' ? -1 : 1, oh, om = 0;
			p++;
			if (!digits(&p, 2, &oh))
				return PST_EINVAL;
			if (*p == ':')
				p++;
			if (*p && !digits(&p, 2, &om))
				return PST_EINVAL;
			/* UTC-14:00 .. UTC+14:00 (tracking.h): "+14:59" is two digits each but no
			 * zone on Earth. */
			if (oh > 14 || om > 59 || oh * 60 + om > 14 * 60)
				return PST_EINVAL;
			off = sign * (oh * 60 + om);
		}
	}
	if (*p)
		return PST_EINVAL;
	if (ss == 60)
		ss = 59;
	out->offset_min = off;
	out->epoch = day * 86400 + hh * 3600 + mm * 60 + ss - (int64_t)off * 60;
	return PST_OK;
}

char *pst_time_format(struct pst_time t, char *buf, size_t size)
{
	int64_t local = t.epoch + (int64_t)t.offset_min * 60;
	int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int64_t secs = local - day * 86400;
	int64_t y;
	int m, d;
	pst_day_civil(day, &y, &m, &d);
	char zone[8] = "Z";
	if (t.offset_min) {
		int a = t.offset_min < 0 ? -t.offset_min : t.offset_min;
		snprintf(zone, sizeof zone, "%c%02d:%02d", t.offset_min < 0 ? '-' : '+', a / 60 % 100,
			 a % 60);
	}
	snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d%s", (long long)y, m, d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60), zone);
	return buf;
}

int64_t pst_time_day(struct pst_time t)
{
	int64_t local = t.epoch + (int64_t)t.offset_min * 60;
	return local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
}

char *pst_day_format(int64_t day, char *buf, size_t size)
{
	int64_t y;
	int m, d;
	pst_day_civil(day, &y, &m, &d);
	/* Written by hand: history prints thousands of days and snprintf dominated. */
	if (size >= 11 && y >= 0 && y <= 9999) {
		int yy = (int)y;
		buf[0] = (char)('0' + yy / 1000);
		buf[1] = (char)('0' + yy / 100 % 10);
		buf[2] = (char)('0' + yy / 10 % 10);
		buf[3] = (char)('0' + yy % 10);
		buf[4] = '-';
		buf[5] = (char)('0' + m / 10);
		buf[6] = (char)('0' + m % 10);
		buf[7] = '-';
		buf[8] = (char)('0' + d / 10);
		buf[9] = (char)('0' + d % 10);
		buf[10] = '\0';
		return buf;
	}
	snprintf(buf, size, "%04lld-%02d-%02d", (long long)y, m, d);
	return buf;
}

int pst_day_weekday(int64_t day)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int64_t w = (day + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

int64_t pst_day_monday(int64_t day)
{
	return day - pst_day_weekday(day);
}

/* --- saved profile ---------------------------------------------------------- */

void pst_saved_profile_anchor(struct pst_saved_profile *sp, int64_t today)
{
	sp->anchor_day = today - (int64_t)sp->p.weeks * 7;
}

bool pst_saved_profile_stale(const struct pst_saved_profile *sp, int64_t today)
{
	if (!sp->p.has_stage)
		return false;
	int64_t weeks = (today - sp->anchor_day) / 7;
	return weeks > (sp->p.stage == PST_STAGE_PREGNANCY ? 42 : 104);
}

struct pst_profile pst_saved_profile_today(const struct pst_saved_profile *sp, int64_t today)
{
	struct pst_profile p = sp->p;
	if (!p.has_stage)
		return p;
	int64_t weeks = (today - sp->anchor_day) / 7;
	int lo = p.stage == PST_STAGE_PREGNANCY ? 1 : 0;
	int hi = p.stage == PST_STAGE_PREGNANCY ? 42 : 104;
	p.weeks = weeks < lo ? lo : weeks > hi ? hi : (int)weeks;
	return p;
}

/* --- session log JSON ---------------------------------------------------------- */

static bool get_int(json_t *o, const char *key, const char *src, int lo, int hi, bool required,
		    int *out, struct pst_diags *d, const char *path)
{
	char field[96];
	snprintf(field, sizeof field, "%s%s", path, key);
	json_t *v = json_object_get(o, key);
	if (!v) {
		if (required)
			pst_diag_add(d, src, 0, 0, "%s: missing", field);
		return !required;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		pst_diag_add(d, src, 0, 0, "%s: must be a whole number from %d to %d", field, lo, hi);
		return false;
	}
	*out = (int)json_integer_value(v);
	return true;
}

static bool only_keys(json_t *o, const char *const *keys, size_t n, const char *src,
		      const char *path, struct pst_diags *d)
{
	const char *k;
	json_t *v;
	bool ok = true;
	json_object_foreach(o, k, v)
	{
		size_t i;
		for (i = 0; i < n && strcmp(keys[i], k) != 0; i++)
			;
		if (i == n) {
			char field[160];
			snprintf(field, sizeof field, "%s%.100s", path, k);
			pst_diag_add(d, src, 0, 0, "%s: unknown field", field);
			ok = false;
		}
	}
	return ok;
}

int pst_session_parse_json(const struct pst_catalog *c, const char *src, const char *text,
			   size_t len, struct pst_time now, struct pst_arena *a,
			   struct pst_session_log *out, struct pst_diags *d)
{
	if (len > PST_SESSION_JSON_MAX) {
		pst_diag_add(d, src, 0, 0, "the session is larger than %d bytes", PST_SESSION_JSON_MAX);
		return PST_EINVAL;
	}
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		pst_diag_add(d, src, jerr.line > 0 ? jerr.line : 1, jerr.column > 0 ? jerr.column : 1,
			     "malformed JSON: %s", jerr.text);
		return PST_EINVAL;
	}
	size_t before = d->n;
	struct pst_session_log log = {0};
	if (!json_is_object(root)) {
		pst_diag_add(d, src, 0, 0, "the session must be a JSON object");
		goto out;
	}
	static const char *const top[] = {"at", "pain_before", "pain_after", "exercises"};
	only_keys(root, top, 4, src, "", d);
	log.at = now;
	json_t *at = json_object_get(root, "at");
	if (at && (!json_is_string(at) ||
		   pst_time_parse(json_string_value(at), now.offset_min, &log.at) != PST_OK))
		pst_diag_add(d, src, 0, 0, "at: must be a date and time like 2026-11-21T08:30:00+01:00");
	get_int(root, "pain_before", src, 0, 10, true, &log.pain_before, d, "");
	get_int(root, "pain_after", src, 0, 10, true, &log.pain_after, d, "");
	json_t *ex = json_object_get(root, "exercises");
	if (!ex || !json_is_array(ex) || json_array_size(ex) == 0) {
		pst_diag_add(d, src, 0, 0, "exercises: must be a list of at least one exercise");
		goto out;
	}
	if (json_array_size(ex) > PST_SESSION_MAX_EXERCISES) {
		pst_diag_add(d, src, 0, 0, "exercises: at most %d exercises in one session",
			     PST_SESSION_MAX_EXERCISES);
		goto out;
	}
	log.nex = json_array_size(ex);
	log.ex = pst_arena_alloc(a, log.nex * sizeof(*log.ex));
	if (!log.ex) {
		pst_diag_add(d, src, 0, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < log.nex; i++) {
		json_t *e = json_array_get(ex, i);
		char path[48];
		snprintf(path, sizeof path, "exercises[%zu].", i);
		if (!json_is_object(e)) {
			pst_diag_add(d, src, 0, 0, "exercises[%zu]: must be an object", i);
			continue;
		}
		static const char *const keys[] = {"id", "feedback", "pain"};
		only_keys(e, keys, 3, src, path, d);
		struct pst_session_ex *se = &log.ex[i];
		se->pain = -1;
		json_t *id = json_object_get(e, "id");
		const struct pst_exercise *found = NULL;
		if (!id || !json_is_string(id)) {
			pst_diag_add(d, src, 0, 0, "exercises[%zu].id: missing", i);
		} else if (!(found = pst_catalog_find(c, json_string_value(id)))) {
			const char *near = pst_catalog_closest(c, json_string_value(id));
			pst_diag_add(d, src, 0, 0, "exercises[%zu].id: no exercise '%.60s'%s%s%s", i,
				     json_string_value(id), near ? " (did you mean '" : "",
				     near ? near : "", near ? "'?)" : "");
		} else {
			se->id = pst_arena_strdup(a, found->id);
		}
		json_t *fb = json_object_get(e, "feedback");
		int f = fb && json_is_string(fb) ? pst_vocab_find(&pst_vocab_feedback,
								  json_string_value(fb))
						 : -1;
		if (f < 0)
			pst_diag_add(d, src, 0, 0,
				     "exercises[%zu].feedback: must be one of easy, right, hard, hurt", i);
		else
			se->feedback = (enum pst_feedback)f;
		get_int(e, "pain", src, 0, 10, false, &se->pain, d, path);
	}
out:
	json_decref(root);
	if (d->n != before)
		return PST_EINVAL;
	*out = log;
	return PST_OK;
}

const char *pst_pain_advice(int pain)
{
	if (pain < PST_PAIN_HIGH)
		return NULL;
	return "That is a lot of pain. Go gently today and do only what feels comfortable. "
	       "If it stays this high, wakes you at night or stops daily life, see your "
	       "doctor, midwife or physiotherapist; with any warning sign, get help at once.";
}

bool pst_psfs_activity_check(const char *text, char *msg, size_t size)
{
	size_t len = strlen(text);
	bool blank = true;
	for (size_t i = 0; i < len; i++)
		blank &= text[i] == ' ';
	if (blank || len > PST_PSFS_ACTIVITY_MAX) {
		snprintf(msg, size, "must be 1 to %d characters", PST_PSFS_ACTIVITY_MAX);
		return false;
	}
	return pst_text_check(text, len, PST_TEXT_ACTIVITY, msg, size);
}

bool pst_checkin_set(struct pst_checkin *c, enum pst_cfield f, const char *text,
		     struct pst_time now, char *msg, size_t size)
{
	switch (f) {
	case PST_CF_PAIN: {
		char *end;
		long v = strtol(text, &end, 10);
		if (!*text || *end || v < 0 || v > 10) {
			snprintf(msg, size, "'%.40s' must be a whole number from 0 to 10", text);
			return false;
		}
		c->pain = (int)v;
		return true;
	}
	case PST_CF_AREAS: {
		const char *bad;
		size_t badlen;
		if (pst_vocab_parse_mask(&pst_vocab_area, text, &c->areas, &bad, &badlen) == 0)
			return true;
		snprintf(msg, size, "'%.*s' is not one of upper, mid, neck", (int)(badlen > 40 ? 40 : badlen),
			 bad);
		return false;
	}
	case PST_CF_NOTE:
		if (strlen(text) > PST_NOTE_MAX) {
			snprintf(msg, size, "at most %d characters", PST_NOTE_MAX);
			return false;
		}
		if (!pst_text_check(text, strlen(text), PST_TEXT_NOTE, msg, size))
			return false;
		c->note = text;
		return true;
	case PST_CF_AT:
		if (pst_time_parse(text, now.offset_min, &c->at) == PST_OK)
			return true;
		snprintf(msg, size, "'%.40s' is not a date and time like 2026-11-21 or 2026-11-21T08:30",
			 text);
		return false;
	case PST_CF__MAX: break;
	}
	snprintf(msg, size, "is not a check-in field");
	return false;
}

bool pst_idem_key_ok(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	if (n == 0 || n > PST_IDEM_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == ':'))
			return false;
	}
	return true;
}

/* --- check-ins summed by day --------------------------------------------------- */

int pst_checkin_days_add(struct pst_checkin_days *d, int64_t id, struct pst_time at, int pain)
{
	int64_t day = pst_time_day(at);
	/* Read in order of time, a check-in is almost always on the last day so far. */
	size_t i = d->n;
	if (!d->n || d->v[d->n - 1].day != day) {
		size_t lo = 0, hi = d->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (d->v[mid].day < day)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == d->n || d->v[lo].day != day) {
			if (d->n == d->cap) {
				size_t cap = d->cap ? 2 * d->cap : 64;
				struct pst_checkin_day *v = realloc(d->v, cap * sizeof *v);
				if (!v)
					return PST_ENOMEM;
				d->v = v;
				d->cap = cap;
			}
			memmove(&d->v[lo + 1], &d->v[lo], (d->n - lo) * sizeof *d->v);
			d->v[lo] = (struct pst_checkin_day){.day = day, .min = pain, .max = pain,
							    .last_at = at, .last_pain = pain,
							    .last_id = id};
			d->n++;
		}
		i = lo;
	} else {
		i = d->n - 1;
	}
	struct pst_checkin_day *x = &d->v[i];
	int64_t local = at.epoch + (int64_t)at.offset_min * 60;
	if (local - day * 86400 < (int64_t)PST_MORNING_END_H * 3600) {
		x->morning_count++;
		x->morning_sum += pain;
	}
	if (pain < x->min)
		x->min = pain;
	if (pain > x->max)
		x->max = pain;
	x->sum += pain;
	x->count++;
	if (at.epoch > x->last_at.epoch || (at.epoch == x->last_at.epoch && id >= x->last_id)) {
		x->last_at = at;
		x->last_pain = pain;
		x->last_id = id;
	}
	return PST_OK;
}

void pst_checkin_days_free(struct pst_checkin_days *d)
{
	free(d->v);
	memset(d, 0, sizeof *d);
}
