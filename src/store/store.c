/* The backend-neutral part of the store (store.h): opening a database by its target,
 * handles scoped to one person, and what every backend shares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend.h"
#include "core/utf8.h"

bool pst_db_target_is_pg(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

int pst_db_open(const char *target, unsigned flags, struct pst_db **out, char *errmsg,
		size_t size)
{
	*out = NULL;
	if (pst_db_target_is_pg(target))
		return pst_db_open_pg(target, flags, out, errmsg, size);
	return pst_db_open_sqlite(target, flags, out, errmsg, size);
}

void pst_db_close(struct pst_db *db)
{
	if (db)
		db->ops->close(db);
}

int pst_store_person(struct pst_db *db, int64_t person, struct pst_store **out)
{
	*out = NULL;
	bool exists = false;
	int err = person > 0 ? db->ops->person_exists(db, person, &exists) : PST_OK;
	if (err)
		return err;
	if (!exists) {
		snprintf(db->errmsg, sizeof db->errmsg,
			 "%s: there is no person with id %lld (see 'postura person list')", db->where,
			 (long long)person);
		return PST_ENOTFOUND;
	}
	struct pst_store *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(db->errmsg, sizeof db->errmsg, "out of memory");
		return PST_ENOMEM;
	}
	s->ops = db->store_ops;
	s->db = db;
	s->person = person;
	*out = s;
	return PST_OK;
}

void pst_store_close(struct pst_store *s)
{
	if (!s)
		return;
	if (s->owns_db)
		pst_db_close(s->db);
	free(s);
}

int pst_store_open(const char *target, unsigned flags, int64_t person, struct pst_store **out,
		   char *errmsg, size_t size)
{
	*out = NULL;
	struct pst_db *db;
	int err = pst_db_open(target, flags, &db, errmsg, size);
	if (err)
		return err;
	if ((err = pst_store_person(db, person, out))) {
		if (errmsg)
			snprintf(errmsg, size, "%s", db->errmsg);
		pst_db_close(db);
		return err;
	}
	(*out)->owns_db = true;
	return PST_OK;
}

bool pst_person_name_check(const char *name, char *why, size_t size)
{
	if (!name)
		return true;
	size_t n = strlen(name);
	char msg[200];
	if (n > PST_PERSON_NAME_MAX) {
		snprintf(why, size, "the name is %zu bytes long (at most %d)", n, PST_PERSON_NAME_MAX);
		return false;
	}
	if (!pst_text_check(name, n, 0, msg, sizeof msg)) {
		snprintf(why, size, "the name %s", msg);
		return false;
	}
	return true;
}

int pst_store_default_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char dir[4096];
	if (xdg && *xdg == '/')
		snprintf(dir, sizeof dir, "%s/postura", xdg);
	else if (home && *home)
		snprintf(dir, sizeof dir, "%s/.local/share/postura", home);
	else
		return PST_EIO;
	/* mkdir -p for the last two levels: ~/.local/share may not exist yet. */
	char parent[4096];
	snprintf(parent, sizeof parent, "%s", dir);
	for (char *p = parent + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(parent, 0700) != 0 && errno != EEXIST)
			return PST_EIO;
		*p = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return PST_EIO;
	if ((size_t)snprintf(buf, size, "%s/postura.db", dir) >= size)
		return PST_EIO;
	return PST_OK;
}

void pst_record_set_free(struct pst_record_set *rs)
{
	pst_arena_free(rs->arena);
	memset(rs, 0, sizeof(*rs));
}

/* --- the dashboard's summaries ------------------------------------------------------ */

void pst_summary_set_free(struct pst_summary_set *set)
{
	if (!set)
		return;
	pst_arena_free(set->arena);
	memset(set, 0, sizeof *set);
}

static int key_cmp(const void *pa, const void *pb)
{
	const struct pst_summary_key *a = pa, *b = pb;
	if (a->person != b->person)
		return a->person < b->person ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

int pst_summary_set_init(struct pst_summary_set *out, const int64_t *people, size_t n)
{
	memset(out, 0, sizeof *out);
	if (!(out->arena = pst_arena_new()))
		return PST_ENOMEM;
	out->v = pst_arena_alloc(out->arena, (n ? n : 1) * sizeof *out->v);
	out->by_person = pst_arena_alloc(out->arena, (n ? n : 1) * sizeof *out->by_person);
	if (!out->v || !out->by_person) {
		pst_summary_set_free(out);
		return PST_ENOMEM;
	}
	out->n = n;
	for (size_t i = 0; i < n; i++) {
		out->v[i].person = people[i];
		out->by_person[i] = (struct pst_summary_key){people[i], i};
	}
	qsort(out->by_person, n, sizeof *out->by_person, key_cmp);
	return PST_OK;
}

const struct pst_summary_key *pst_summary_find(const struct pst_summary_set *set, int64_t person,
					       size_t *count)
{
	size_t lo = 0, hi = set->n;
	while (lo < hi) { /* the first key >= person */
		size_t mid = lo + (hi - lo) / 2;
		if (set->by_person[mid].person < person)
			lo = mid + 1;
		else
			hi = mid;
	}
	*count = 0;
	if (lo == set->n || set->by_person[lo].person != person)
		return NULL;
	while (lo + *count < set->n && set->by_person[lo + *count].person == person)
		(*count)++;
	return &set->by_person[lo];
}

void pst_summary_set_pain(struct pst_summary_set *set, int64_t person,
			  const struct pst_summary_pain_row *row)
{
	size_t n;
	const struct pst_summary_key *key = pst_summary_find(set, person, &n);
	for (size_t k = 0; k < n; k++) {
		struct pst_patient_summary *s = &set->v[key[k].i];
		/* The later of the two; at the same second the check-in (attention.c). */
		bool session = row->has_s && (!row->has_c || row->st.epoch > row->ct.epoch);
		if (!row->has_c && !row->has_s)
			continue;
		s->has_pain = true;
		s->last_pain = session ? row->sp : row->cp;
		s->last_pain_at = session ? row->st : row->ct;
		s->base_count = (int)(row->c_count + row->s_count);
		s->base_sum = (int)(row->c_sum + row->s_sum);
	}
}

const char *pst_summary_text(struct pst_summary_set *set, const char *text, unsigned flags,
			     bool *oom)
{
	if (!text)
		return NULL;
	size_t n = strlen(text);
	char *out;
	if (!pst_text_needs_clean(text, n, flags))
		out = pst_arena_strdup(set->arena, text);
	else if ((out = pst_arena_alloc(set->arena, 3 * n + 1)))
		pst_text_clean(text, n, flags, out, 3 * n + 1);
	if (!out)
		*oom = true;
	return out;
}

char *pst_summary_id_list(const int64_t *people, size_t n, const char *open, const char *close)
{
	struct pst_buf b;
	pst_buf_init(&b, 32 + 24 * n);
	pst_buf_puts(&b, open);
	for (size_t i = 0; i < n; i++)
		pst_buf_printf(&b, "%s%lld", i ? "," : "", (long long)people[i]);
	pst_buf_puts(&b, close);
	if (b.failed) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.s; /* pst_buf's text is malloc'd: the caller frees it */
}
