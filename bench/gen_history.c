/* Writes five years of one person's daily records into a new store, for the history
 * benchmark: a check-in every day, a session on 3 days of 7 with 6 exercises, a profile
 * and 4 rated PSFS activities. Deterministic. usage: gen_history DB [YEARS] */
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_history DB [YEARS]\n");
		return 2;
	}
	int days = (argc > 2 ? atoi(argv[2]) : 5) * 365 + 1;
	struct pst_record_set rs = {.arena = pst_arena_new()};
	static const char *const ex[] = {"shoulder-rolls", "chest-opener", "doorway-chest-opener",
					 "wall-angels", "chin-nod", "rib-breathing"};
	struct pst_session_ex *pool = pst_arena_alloc(rs.arena, (size_t)days * 6 * sizeof(*pool));
	rs.checkins = pst_arena_alloc(rs.arena, (size_t)days * sizeof(*rs.checkins));
	rs.sessions = pst_arena_alloc(rs.arena, (size_t)days * sizeof(*rs.sessions));
	rs.psfs = pst_arena_alloc(rs.arena, 4 * sizeof(*rs.psfs));
	if (!pool || !rs.checkins || !rs.sessions || !rs.psfs)
		return 1;
	int64_t start = 1640995200 + 8 * 3600; /* 2022-01-01 08:00 UTC */
	unsigned seed = 7;
	for (int d = 0; d < days; d++) {
		seed = seed * 1103515245u + 12345u;
		struct pst_time t = {start + (int64_t)d * 86400, 60};
		rs.checkins[rs.ncheckins++] = (struct pst_checkin){
			.id = d + 1, .at = t, .pain = (int)((seed >> 16) % 7) + (d < 60 ? 3 : 0),
			.areas = PST_BIT(PST_AREA_UPPER)};
		if (d % 7 == 0 || d % 7 == 2 || d % 7 == 4) {
			struct pst_session_log *l = &rs.sessions[rs.nsessions];
			*l = (struct pst_session_log){.id = (int64_t)rs.nsessions + 1, .at = {t.epoch + 3600, 60},
						      .pain_before = 4, .pain_after = 3,
						      .ex = pool + rs.nsessions * 6, .nex = 6};
			for (int k = 0; k < 6; k++)
				l->ex[k] = (struct pst_session_ex){ex[k], (enum pst_feedback)((seed >> (k + 3)) % 3),
								   (int)((seed >> (k + 8)) % 4)};
			rs.nsessions++;
		}
	}
	static const char *const acts[] = {"feed the baby for 20 minutes", "carry the car seat",
					   "sit at my desk for an hour", "sleep through the night"};
	for (int i = 0; i < 4; i++) {
		struct pst_psfs_activity *a = &rs.psfs[rs.npsfs++];
		a->id = i + 1;
		a->activity = acts[i];
		a->created = (struct pst_time){start, 60};
		a->ratings = pst_arena_alloc(rs.arena, 60 * sizeof(*a->ratings));
		for (int k = 0; k < 60 && a->ratings; k++)
			a->ratings[a->nratings++] = (struct pst_psfs_rating){{start + (int64_t)k * 30 * 86400, 60},
									   2 + k / 10};
	}
	rs.has_profile = true;
	pst_profile_init(&rs.profile.p);
	rs.profile.p.has_stage = true;
	rs.profile.p.stage = PST_STAGE_POSTPARTUM;
	rs.profile.p.weeks = 2;
	rs.profile.p.birth = PST_BIRTH_VAGINAL;
	rs.profile.anchor_day = start / 86400 - 14;
	rs.profile.updated = (struct pst_time){start, 60};
	char err[600];
	struct pst_store *s;
	if (pst_store_open(argv[1], 0, PST_PERSON_DEFAULT, &s, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	int rc = s->ops->import(s, &rs, PST_IMPORT_NEW_IDS);
	if (rc)
		fprintf(stderr, "%s\n", s->errmsg);
	pst_store_close(s);
	pst_arena_free(rs.arena);
	return rc ? 1 : 0;
}
