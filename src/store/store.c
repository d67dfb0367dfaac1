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
