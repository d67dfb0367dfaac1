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

/* --- accounts -------------------------------------------------------------------- */

static const char *const role_names[] = {
	[PST_ROLE_ADMIN] = "admin",
	[PST_ROLE_CLINICIAN] = "clinician",
	[PST_ROLE_PATIENT] = "patient",
};

const char *pst_role_name(enum pst_role role)
{
	return (unsigned)role < sizeof role_names / sizeof *role_names ? role_names[role] : "?";
}

bool pst_role_parse(const char *word, enum pst_role *role)
{
	for (size_t i = 0; word && i < sizeof role_names / sizeof *role_names; i++)
		if (!strcmp(word, role_names[i])) {
			*role = (enum pst_role)i;
			return true;
		}
	return false;
}

bool pst_email_normalize(const char *email, char *out, size_t size, char *why, size_t why_size)
{
	if (!email || !*email) {
		snprintf(why, why_size, "the email is empty");
		return false;
	}
	size_t n = strlen(email);
	if (n > PST_EMAIL_MAX) {
		snprintf(why, why_size, "the email is %zu bytes long (at most %d)", n, PST_EMAIL_MAX);
		return false;
	}
	char msg[200];
	if (!pst_text_check(email, n, 0, msg, sizeof msg)) {
		snprintf(why, why_size, "the email %s", msg);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (email[i] == ' ' || email[i] == '\t' || email[i] == ',' || email[i] == ';' ||
		    email[i] == '<' || email[i] == '>' || email[i] == '"') {
			snprintf(why, why_size, "the email '%s' holds '%c' at byte %zu", email,
				 email[i], i + 1);
			return false;
		}
	const char *at = strchr(email, '@');
	if (!at || at == email || strchr(at + 1, '@') || !at[1]) {
		snprintf(why, why_size,
			 "'%s' is not an email address (one '@' with a name before it and a domain after it)",
			 email);
		return false;
	}
	const char *dot = strchr(at + 1, '.');
	if (!dot || dot == at + 1 || !dot[1] || email[n - 1] == '.') {
		snprintf(why, why_size, "'%s' is not an email address (its domain '%s' has no dot)",
			 email, at + 1);
		return false;
	}
	if (size <= n) {
		snprintf(why, why_size, "the email is too long");
		return false;
	}
	for (size_t i = 0; i <= n; i++)
		out[i] = email[i] >= 'A' && email[i] <= 'Z' ? (char)(email[i] - 'A' + 'a') : email[i];
	return true;
}

void pst_token_hash_hex(const unsigned char hash[PST_TOKEN_HASH_SIZE],
			char out[2 * PST_TOKEN_HASH_SIZE + 1])
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < PST_TOKEN_HASH_SIZE; i++) {
		out[2 * i] = hex[hash[i] >> 4];
		out[2 * i + 1] = hex[hash[i] & 15];
	}
	out[2 * PST_TOKEN_HASH_SIZE] = '\0';
}

int pst_account_input_check(const struct pst_account *a, char email[PST_EMAIL_MAX + 1], char *why,
			    size_t size)
{
	char msg[400];
	if ((unsigned)a->role > PST_ROLE_PATIENT) {
		snprintf(why, size, "role %d is not a role (admin, clinician or patient)", (int)a->role);
		return PST_EINVAL;
	}
	if (!pst_email_normalize(a->email, email, PST_EMAIL_MAX + 1, msg, sizeof msg)) {
		snprintf(why, size, "%s", msg);
		return PST_EINVAL;
	}
	if (!pst_person_name_check(a->name, msg, sizeof msg)) {
		snprintf(why, size, "%s", msg);
		return PST_EINVAL;
	}
	if (a->role != PST_ROLE_PATIENT && a->clinician) {
		snprintf(why, size, "only a patient has a clinician (this is a %s account)",
			 pst_role_name(a->role));
		return PST_EINVAL;
	}
	if (a->clinician < 0) {
		snprintf(why, size, "clinician id %lld is not an account id", (long long)a->clinician);
		return PST_EINVAL;
	}
	return PST_OK;
}

int pst_address_check(const char *address, char *why, size_t size)
{
	if (!address)
		return PST_OK;
	size_t n = strlen(address);
	if (n > PST_ADDRESS_MAX) {
		snprintf(why, size, "the address is %zu bytes long (at most %d)", n, PST_ADDRESS_MAX);
		return PST_EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (address[i] <= ' ' || address[i] > '~') {
			snprintf(why, size, "the address holds a byte that is not printable ASCII (byte %zu)",
				 i + 1);
			return PST_EINVAL;
		}
	return PST_OK;
}

int pst_audit_check(const struct pst_audit *e, char *why, size_t size)
{
	size_t n = strnlen(e->action, sizeof e->action);
	if (n == 0 || n > PST_AUDIT_ACTION_MAX) {
		snprintf(why, size, "an audit action is 1 to %d characters", PST_AUDIT_ACTION_MAX);
		return PST_EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		char c = e->action[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
			snprintf(why, size, "the audit action '%.*s' holds '%c': only a-z, 0-9 and '-'",
				 (int)n, e->action, c >= ' ' && c <= '~' ? c : '?');
			return PST_EINVAL;
		}
	}
	if (e->actor < 0 || e->patient < 0 || e->account < 0) {
		snprintf(why, size, "an audit entry's ids are 0 or more");
		return PST_EINVAL;
	}
	return pst_address_check(e->address, why, size);
}

int pst_throttle_key_check(const char *key, char *why, size_t size)
{
	size_t n = key ? strlen(key) : 0;
	if (n == 0 || n > 300) {
		snprintf(why, size, "a throttle key is 1 to 300 bytes");
		return PST_EINVAL;
	}
	char msg[200];
	if (!pst_text_check(key, n, 0, msg, sizeof msg)) {
		snprintf(why, size, "the throttle key %s", msg);
		return PST_EINVAL;
	}
	return PST_OK;
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
