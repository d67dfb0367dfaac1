/* The person-scoped store (store.h): for every operation, what person A writes person B
 * never reads, and B's writes never touch A; people, the per-person version, the db
 * transaction. Runs on SQLite (a new file per test) and, when POSTURA_TEST_PG holds a
 * PostgreSQL URI (tests/pg/with-cluster.sh sets it), on PostgreSQL too (a new schema per
 * test, dropped at the end); without it the PostgreSQL run is skipped, saying so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/exchange.h"
#include "store/store.h"
#include "backends.h"

static struct pst_store *person(struct pst_db *db, int64_t id)
{
	struct pst_store *s = NULL;
	int rc = pst_store_person(db, id, &s);
	if (rc)
		fail_msg("%s", db->errmsg);
	return s;
}

static struct pst_time at(const char *iso)
{
	struct pst_time t;
	assert_int_equal(pst_time_parse(iso, 0, &t), PST_OK);
	return t;
}

static int64_t version(struct pst_store *s)
{
	int64_t v = -1;
	assert_int_equal(s->ops->data_version(s, &v), PST_OK);
	return v;
}

/* Everything s's person has, as export writes it: two equal strings mean equal records. */
static char *everything(struct pst_store *s)
{
	struct pst_buf b;
	pst_buf_init(&b, 1 << 24);
	struct pst_export_sink k = {.out = &b};
	int rc = pst_export_store(s, false, &k);
	if (rc)
		fail_msg("export: %s %s", k.why, s->errmsg);
	char *out = strdup(b.s ? b.s : "");
	pst_buf_free(&b);
	return out;
}

static size_t count_records(struct pst_store *s)
{
	struct pst_record_set rs;
	assert_int_equal(s->ops->read_all(s, INT64_MIN, 0, &rs), PST_OK);
	size_t n = rs.ncheckins + rs.nsessions + rs.npsfs + rs.nminutes + rs.has_profile +
		   rs.has_screening;
	pst_record_set_free(&rs);
	return n;
}

struct parts {
	size_t records;
	bool profile;
};

static int count_part(void *ctx, const struct pst_record_set *part)
{
	struct parts *p = ctx;
	p->records += part->ncheckins + part->nsessions + part->npsfs + part->nminutes +
		      part->has_screening;
	p->profile |= part->has_profile;
	return PST_OK;
}

static struct pst_saved_profile a_profile(int weeks)
{
	struct pst_saved_profile sp = {0};
	pst_profile_init(&sp.p);
	sp.p.has_stage = true;
	sp.p.stage = PST_STAGE_POSTPARTUM;
	sp.p.weeks = weeks;
	sp.p.birth = PST_BIRTH_VAGINAL;
	sp.p.areas = PST_BIT(PST_AREA_UPPER);
	sp.updated = at("2026-11-21T09:00:00Z");
	pst_saved_profile_anchor(&sp, pst_time_day(sp.updated));
	return sp;
}

/* What a and b hold now, and the versions: B's reads must find nothing of A's. */
static void assert_b_sees_nothing(struct pst_store *b)
{
	assert_int_equal(count_records(b), 0);
	struct pst_saved_profile sp;
	bool found = true;
	assert_int_equal(b->ops->profile_get(b, &sp, &found), PST_OK);
	assert_false(found);
	struct pst_saved_screening sc = {0};
	found = true;
	assert_int_equal(b->ops->screening_get(b, &sc, &found), PST_OK);
	assert_false(found);
	char token[64];
	found = true;
	assert_int_equal(b->ops->calendar_token_get(b, token, sizeof token, &found), PST_OK);
	assert_false(found);
	struct parts p = {0};
	assert_int_equal(b->ops->read_each(b, PST_READ_EXACT, 2, count_part, &p), PST_OK);
	assert_int_equal(p.records, 0);
	assert_false(p.profile);
	struct pst_record_set rs;
	assert_int_equal(b->ops->read_all(b, pst_time_day(at("2026-11-01T00:00Z")),
					  PST_READ_NO_SESSION_EXERCISES, &rs),
			 PST_OK);
	assert_int_equal(rs.ncheckins + rs.nsessions + rs.npsfs, 0);
	pst_record_set_free(&rs);
}

/* Every operation, written as A and read as B: nothing. Then every operation written as
 * B: A's records are exactly as they were. */
static void test_every_op_is_scoped(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new(NULL);
	int64_t bid;
	assert_int_equal(db->ops->person_add(db, "B", &bid), PST_OK);
	assert_int_not_equal(bid, PST_PERSON_DEFAULT);
	struct pst_store *a = person(db, PST_PERSON_DEFAULT), *b = person(db, bid);
	int64_t vb = version(b);

	/* profile_put */
	struct pst_saved_profile sp = a_profile(6);
	assert_int_equal(a->ops->profile_put(a, &sp), PST_OK);
	assert_b_sees_nothing(b);
	/* checkin_add */
	struct pst_checkin c = {.at = at("2026-11-21T09:00Z"), .pain = 4, .note = "A's note"};
	int64_t cid;
	assert_int_equal(a->ops->checkin_add(a, &c, &cid), PST_OK);
	assert_b_sees_nothing(b);
	/* session_add */
	struct pst_session_ex ex[] = {{"wall-angels", PST_FB_RIGHT, 2}};
	struct pst_session_log l = {.at = at("2026-11-21T10:00Z"), .pain_before = 4, .pain_after = 3,
				    .ex = ex, .nex = 1};
	int64_t sid;
	assert_int_equal(a->ops->session_add(a, &l, &sid), PST_OK);
	assert_b_sees_nothing(b);
	/* psfs_add: A fills the scale; B's stays empty (and has room: the limit is a person's) */
	int64_t act[PST_PSFS_MAX_ACTIVITIES];
	for (int i = 0; i < PST_PSFS_MAX_ACTIVITIES; i++)
		assert_int_equal(a->ops->psfs_add(a, "carry the car seat", at("2026-11-21T09:00Z"), &act[i]),
				 PST_OK);
	assert_b_sees_nothing(b);
	/* psfs_rate: A's activity, rated as B, is unknown to B */
	assert_int_equal(a->ops->psfs_rate(a, act[0], 3, at("2026-11-21T09:00Z")), PST_OK);
	assert_b_sees_nothing(b);
	b->errmsg[0] = '\0';
	assert_int_equal(b->ops->psfs_rate(b, act[0], 9, at("2026-11-21T09:30Z")), PST_ENOTFOUND);
	assert_non_null(strstr(b->errmsg, "no activity with id"));
	/* screening_put */
	struct pst_saved_screening sc = {PST_BIT(PST_STAGE_POSTPARTUM), (char *)"{}",
					 at("2026-11-21T09:00Z")};
	assert_int_equal(a->ops->screening_put(a, &sc), PST_OK);
	assert_b_sees_nothing(b);
	/* calendar_token_put: A's calendar address is A's alone */
	assert_int_equal(a->ops->calendar_token_put(a, "token-of-a", at("2026-11-21T09:00Z")), PST_OK);
	assert_b_sees_nothing(b);
	/* idempotency keys: A's key is A's; the same key from B writes B's check-in */
	struct pst_checkin ck = {.at = at("2026-11-21T11:00Z"), .pain = 5, .idem_key = "key-1"};
	int64_t kid, kid2;
	assert_int_equal(a->ops->checkin_add(a, &ck, &kid), PST_OK);
	assert_b_sees_nothing(b);
	assert_int_equal(a->ops->checkin_add(a, &ck, &kid2), PST_EREPLAY);
	assert_int_equal(kid2, kid);
	/* import */
	struct pst_record_set rs = {0};
	struct pst_checkin more = {.at = at("2026-11-22T09:00Z"), .pain = 2};
	rs.checkins = &more;
	rs.ncheckins = 1;
	assert_int_equal(a->ops->import(a, &rs, 0), PST_OK);
	assert_b_sees_nothing(b);
	/* data_version: A's writes left B's alone */
	assert_int_equal(version(b), vb);

	/* Now B writes, with every operation; A's records do not change. */
	char *before = everything(a);
	int64_t va = version(a);
	sp = a_profile(12);
	assert_int_equal(b->ops->profile_put(b, &sp), PST_OK);
	struct pst_checkin bc = {.at = at("2026-11-23T09:00Z"), .pain = 7, .note = "B's note"};
	assert_int_equal(b->ops->checkin_add(b, &bc, NULL), PST_OK);
	struct pst_session_log bl = {.at = at("2026-11-23T10:00Z"), .pain_before = 7, .pain_after = 6,
				     .ex = ex, .nex = 1};
	assert_int_equal(b->ops->session_add(b, &bl, NULL), PST_OK);
	int64_t bact;
	assert_int_equal(b->ops->psfs_add(b, "lift the baby", at("2026-11-23T09:00Z"), &bact), PST_OK);
	assert_int_equal(b->ops->psfs_rate(b, bact, 5, at("2026-11-23T09:00Z")), PST_OK);
	/* A cannot rate B's activity either */
	assert_int_equal(a->ops->psfs_rate(a, bact, 1, at("2026-11-23T09:00Z")), PST_ENOTFOUND);
	struct pst_saved_screening bsc = {PST_BIT(PST_STAGE_POSTPARTUM), (char *)"{\"q\": true}",
					  at("2026-11-23T09:00Z")};
	assert_int_equal(b->ops->screening_put(b, &bsc), PST_OK);
	assert_int_equal(b->ops->calendar_token_put(b, "token-of-b", at("2026-11-23T09:00Z")), PST_OK);
	assert_int_equal(b->ops->calendar_token_put(b, NULL, at("2026-11-23T09:00Z")), PST_OK);
	ck.pain = 8;
	assert_int_equal(b->ops->checkin_add(b, &ck, &kid2), PST_OK); /* A's key, B's write */
	assert_int_not_equal(kid2, kid);
	struct pst_session_log kl = {.at = at("2026-11-23T11:00Z"), .pain_before = 2, .pain_after = 2,
				     .idem_key = "key-1"};
	assert_int_equal(b->ops->session_add(b, &kl, NULL), PST_OK);
	/* B imports records whose ids A's records have: they get new ids, A keeps its own */
	struct pst_checkin clash = {.id = cid, .at = at("2026-11-24T09:00Z"), .pain = 1, .note = "clash"};
	struct pst_session_log sclash = {.id = sid, .at = at("2026-11-24T10:00Z"), .pain_before = 1,
					 .pain_after = 1};
	struct pst_psfs_activity aclash = {.id = act[0], .activity = "walk the pram",
					   .created = at("2026-11-24T09:00Z")};
	struct pst_record_set brs = {0};
	brs.checkins = &clash;
	brs.ncheckins = 1;
	brs.sessions = &sclash;
	brs.nsessions = 1;
	brs.psfs = &aclash;
	brs.npsfs = 1;
	assert_int_equal(b->ops->import(b, &brs, 0), PST_OK);
	char *after = everything(a);
	assert_string_equal(before, after);
	assert_int_equal(version(a), va);
	/* B holds its own, all of it */
	struct pst_record_set got;
	assert_int_equal(b->ops->read_all(b, INT64_MIN, 0, &got), PST_OK);
	assert_int_equal(got.ncheckins, 3);
	assert_int_equal(got.nsessions, 3);
	assert_int_equal(got.npsfs, 2);
	assert_true(got.has_profile);
	assert_int_equal(got.profile.p.weeks, 12);
	assert_true(got.has_screening);
	assert_string_equal(got.screening.answers, "{\"q\": true}");
	assert_int_not_equal(got.checkins[2].id, cid);
	assert_string_equal(got.checkins[2].note, "clash");
	pst_record_set_free(&got);
	/* A's own profile is still A's */
	struct pst_saved_profile ap;
	bool found;
	assert_int_equal(a->ops->profile_get(a, &ap, &found), PST_OK);
	assert_true(found);
	assert_int_equal(ap.p.weeks, 6);
	char tok[64];
	assert_int_equal(a->ops->calendar_token_get(a, tok, sizeof tok, &found), PST_OK);
	assert_true(found);
	assert_string_equal(tok, "token-of-a");
	free(before);
	free(after);
	pst_store_close(a);
	pst_store_close(b);
	pst_db_close(db);
}

/* An import of A's own export into A again is refused (the same ids), as before there
 * were many people; into B it is B's. */
static void test_import_ids(void **state)
{
	(void)state;
	struct pst_db *db = pst_test_db_new(NULL);
	int64_t bid;
	assert_int_equal(db->ops->person_add(db, "", &bid), PST_OK);
	struct pst_store *a = person(db, PST_PERSON_DEFAULT), *b = person(db, bid);
	struct pst_checkin c[3] = {{.at = at("2026-11-21T09:00Z"), .pain = 4},
				   {.at = at("2026-11-22T09:00Z"), .pain = 3},
				   {.at = at("2026-11-23T09:00Z"), .pain = 2}};
	for (int i = 0; i < 3; i++)
		assert_int_equal(a->ops->checkin_add(a, &c[i], NULL), PST_OK);
	struct pst_record_set rs;
	assert_int_equal(a->ops->read_all(a, INT64_MIN, PST_READ_EXACT, &rs), PST_OK);
	char *before = everything(a);
	a->errmsg[0] = '\0';
	assert_int_not_equal(a->ops->import(a, &rs, 0), PST_OK);
	assert_non_null(strstr(a->errmsg, "nothing was imported"));
	char *after = everything(a);
	assert_string_equal(before, after);
	/* into B: every record, new ids (A has them), in order */
	assert_int_equal(b->ops->import(b, &rs, 0), PST_OK);
	struct pst_record_set got;
	assert_int_equal(b->ops->read_all(b, INT64_MIN, 0, &got), PST_OK);
	assert_int_equal(got.ncheckins, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(got.checkins[i].pain, 4 - i);
		assert_int_not_equal(got.checkins[i].id, rs.checkins[i].id);
	}
	pst_record_set_free(&got);
	/* and with PST_IMPORT_NEW_IDS, into A too */
	assert_int_equal(a->ops->import(a, &rs, PST_IMPORT_NEW_IDS), PST_OK);
	assert_int_equal(count_records(a), 6);
	pst_record_set_free(&rs);
	free(before);
	free(after);
	pst_store_close(a);
	pst_store_close(b);
	pst_db_close(db);
}

static void test_people(void **state)
{
	(void)state;
	char target[600];
	struct pst_db *db = pst_test_db_open(pst_test_target(NULL, target, sizeof target));
	struct pst_person *v;
	size_t n;
	assert_int_equal(db->ops->person_list(db, &v, &n), PST_OK);
	assert_int_equal(n, 1); /* a new database has person 1 */
	assert_int_equal(v[0].id, PST_PERSON_DEFAULT);
	assert_string_equal(v[0].name, "");
	free(v);
	int64_t id2, id3;
	assert_int_equal(db->ops->person_add(db, "Anna", &id2), PST_OK);
	assert_int_equal(db->ops->person_add(db, NULL, &id3), PST_OK);
	assert_true(id2 > PST_PERSON_DEFAULT && id3 > id2);
	assert_int_equal(db->ops->person_list(db, &v, &n), PST_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[1].id, id2);
	assert_string_equal(v[1].name, "Anna");
	assert_int_equal(v[2].id, id3);
	assert_true(v[1].created_epoch > 1700000000);
	free(v);
	bool exists = false;
	assert_int_equal(db->ops->person_exists(db, id3, &exists), PST_OK);
	assert_true(exists);
	assert_int_equal(db->ops->person_exists(db, id3 + 100, &exists), PST_OK);
	assert_false(exists);
	/* an unknown person: refused, naming the id and the database */
	struct pst_store *s = NULL;
	assert_int_equal(pst_store_person(db, id3 + 100, &s), PST_ENOTFOUND);
	assert_null(s);
	char want[64];
	snprintf(want, sizeof want, "no person with id %lld", (long long)(id3 + 100));
	assert_non_null(strstr(db->errmsg, want));
	assert_non_null(strstr(db->errmsg, db->where));
	assert_int_equal(pst_store_person(db, 0, &s), PST_ENOTFOUND);
	assert_int_equal(pst_store_person(db, -1, &s), PST_ENOTFOUND);
	/* names: at most PST_PERSON_NAME_MAX bytes of plain text */
	char longname[PST_PERSON_NAME_MAX + 2];
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	int64_t none;
	assert_int_equal(db->ops->person_add(db, longname, &none), PST_EINVAL);
	assert_non_null(strstr(db->errmsg, "at most 120"));
	assert_int_equal(db->ops->person_add(db, "bad\033[2J", &none), PST_EINVAL);
	assert_int_equal(db->ops->person_add(db, "bad\xff", &none), PST_EINVAL);
	assert_int_equal(db->ops->person_list(db, &v, &n), PST_OK);
	assert_int_equal(n, 3); /* nobody was added */
	free(v);
	/* pst_store_open: the db and a handle at once */
	pst_db_close(db);
	char err[600];
	assert_int_equal(pst_store_open(target, 0, id2, &s, err, sizeof err), PST_OK);
	assert_int_equal(s->person, id2);
	pst_store_close(s);
	assert_int_equal(pst_store_open(target, 0, id3 + 7, &s, err, sizeof err), PST_ENOTFOUND);
	assert_non_null(strstr(err, "no person with id"));
}

/* Every write bumps its person's version, at once for every other connection; reads
 * do not. */
static void test_version(void **state)
{
	(void)state;
	char target[600];
	pst_test_target(NULL, target, sizeof target);
	struct pst_db *db = pst_test_db_open(target), *other = pst_test_db_open(target);
	struct pst_store *s = person(db, PST_PERSON_DEFAULT), *o = person(other, PST_PERSON_DEFAULT);
	int64_t v = version(s);
	assert_int_equal(version(o), v);
#define WROTE()                                                                                  \
	do {                                                                                     \
		int64_t nv = version(o);                                                         \
		assert_true(nv > v);                                                             \
		assert_int_equal(version(s), nv);                                                \
		v = nv;                                                                          \
	} while (0)
	struct pst_saved_profile sp = a_profile(6);
	assert_int_equal(s->ops->profile_put(s, &sp), PST_OK);
	WROTE();
	struct pst_checkin c = {.at = at("2026-11-21T09:00Z"), .pain = 4};
	assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);
	WROTE();
	struct pst_session_log l = {.at = at("2026-11-21T10:00Z"), .pain_before = 4, .pain_after = 3};
	assert_int_equal(s->ops->session_add(s, &l, NULL), PST_OK);
	WROTE();
	int64_t act;
	assert_int_equal(s->ops->psfs_add(s, "carry", at("2026-11-21T09:00Z"), &act), PST_OK);
	WROTE();
	assert_int_equal(s->ops->psfs_rate(s, act, 4, at("2026-11-21T09:00Z")), PST_OK);
	WROTE();
	struct pst_saved_screening sc = {PST_BIT(PST_STAGE_POSTPARTUM), (char *)"{}",
					 at("2026-11-21T09:00Z")};
	assert_int_equal(s->ops->screening_put(s, &sc), PST_OK);
	WROTE();
	assert_int_equal(s->ops->calendar_token_put(s, "a-token", at("2026-11-21T09:00Z")), PST_OK);
	WROTE();
	assert_int_equal(s->ops->calendar_token_put(s, NULL, at("2026-11-21T09:00Z")), PST_OK);
	WROTE();
	struct pst_record_set rs = {0};
	struct pst_checkin more = {.at = at("2026-11-22T09:00Z"), .pain = 2};
	rs.checkins = &more;
	rs.ncheckins = 1;
	assert_int_equal(s->ops->import(s, &rs, 0), PST_OK);
	WROTE();
	/* a write written through the other connection shows here too */
	assert_int_equal(o->ops->checkin_add(o, &c, NULL), PST_OK);
	WROTE();
	/* reads and failed writes leave it */
	count_records(s);
	assert_int_equal(s->ops->psfs_rate(s, act + 1000, 4, at("2026-11-21T09:00Z")), PST_ENOTFOUND);
	assert_int_equal(version(o), v);
#undef WROTE
	pst_store_close(s);
	pst_store_close(o);
	pst_db_close(db);
	pst_db_close(other);
}

/* The db transaction: everything in it is kept by commit, and nothing by rollback. */
static void test_db_transaction(void **state)
{
	(void)state;
	char target[600];
	pst_test_target(NULL, target, sizeof target);
	struct pst_db *db = pst_test_db_open(target), *other = pst_test_db_open(target);
	assert_int_equal(db->ops->begin(db), PST_OK);
	assert_int_equal(db->ops->begin(db), PST_EINVAL); /* not nested */
	int64_t id;
	assert_int_equal(db->ops->person_add(db, "tx", &id), PST_OK);
	struct pst_store *s = person(db, id);
	struct pst_checkin c = {.at = at("2026-11-21T09:00Z"), .pain = 4};
	assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);
	assert_int_equal(count_records(s), 1); /* seen inside */
	pst_store_close(s);
	db->ops->rollback(db);
	bool exists = true;
	assert_int_equal(other->ops->person_exists(other, id, &exists), PST_OK);
	assert_false(exists);
	assert_int_equal(db->ops->person_exists(db, id, &exists), PST_OK);
	assert_false(exists);

	assert_int_equal(db->ops->begin(db), PST_OK);
	assert_int_equal(db->ops->person_add(db, "tx2", &id), PST_OK);
	s = person(db, id);
	assert_int_equal(s->ops->checkin_add(s, &c, NULL), PST_OK);
	pst_store_close(s);
	assert_int_equal(db->ops->commit(db), PST_OK);
	assert_int_equal(db->ops->commit(db), PST_EINVAL); /* none open */
	s = person(other, id);
	assert_int_equal(count_records(s), 1);
	pst_store_close(s);
	pst_db_close(db);
	pst_db_close(other);
}

/* A database newer than this program is refused and left as it was, by pst_db_open. */
static void test_newer_refused(void **state)
{
	(void)state;
	if (pst_test_on_pg())
		skip(); /* tests/pg covers PostgreSQL's refusal */
	char target[600];
	pst_test_target(NULL, target, sizeof target);
	pst_db_close(pst_test_db_open(target));
	char cmd[800];
	snprintf(cmd, sizeof cmd, "python3 -c 'import sqlite3; c = sqlite3.connect(\"%s\"); "
		 "c.execute(\"PRAGMA user_version = 99\"); c.commit()'", target);
	assert_int_equal(system(cmd), 0);
	struct pst_db *db = NULL;
	char err[600];
	assert_int_not_equal(pst_db_open(target, 0, &db, err, sizeof err), PST_OK);
	assert_null(db);
	assert_non_null(strstr(err, "newer postura"));
	assert_non_null(strstr(err, target));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_op_is_scoped),
		cmocka_unit_test(test_import_ids),
		cmocka_unit_test(test_people),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_db_transaction),
		cmocka_unit_test(test_newer_refused),
	};
	return pst_test_backends("store-scope", tests, sizeof tests / sizeof *tests, NULL, 0) ? 1 : 0;
}
