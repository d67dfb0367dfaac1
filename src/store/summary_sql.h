/* The two queries of the dashboard's summaries (pst_db_ops.summaries), for both backends:
 * the same SQL, with the dialect's list of ids and its parameter markers. For the
 * backends only (store_sqlite.c, store_pg.c).
 *
 * Every part reads through an index on the person: person_id is the key of profile and
 * screening, plan_minutes is keyed (person_id, day), and check-ins and sessions are
 * indexed (person_id, at_epoch), so each patient costs a few index seeks whatever their
 * history holds. A local day d starts between epoch d*86400 - 14 h and d*86400 + 14 h
 * (UTC offsets run from -14 to +14 hours): the epoch bounds below let the index narrow
 * the rows, and the day column decides.
 *
 * Parameters: IDS the people (a list); T today; M the Monday of today's week; H the
 * first day "it hurt" counts (today - 6).
 */
#ifndef PST_STORE_SUMMARY_SQL_H
#define PST_STORE_SUMMARY_SQL_H

#define PST_SQL_DAY_LO(D) "(" D ") * 86400 - 50400"
#define PST_SQL_DAY_HI(D) "(" D ") * 86400 + 136800" /* the end of day D, + 14 h */

/* A session of person ids.pid on a day from FROM to T (today). */
#define PST_SQL_SESSION_DAYS(FROM, T)                                                    \
	" s.person_id = ids.pid AND s.at_epoch >= " PST_SQL_DAY_LO(FROM)                 \
	" AND s.at_epoch < " PST_SQL_DAY_HI(T) " AND s.day BETWEEN " FROM " AND " T

#define PST_SQL_HURT(H, T)                                                               \
	" FROM session s JOIN session_exercise e ON e.session_id = s.id WHERE"           \
	PST_SQL_SESSION_DAYS(H, T) " AND e.feedback = 'hurt'"

/* One row a person: pid; profile stage, anchor_day, minutes, updated_epoch,
 * updated_offset (NULL without); the first day of plan_minutes; screening stages,
 * answers, at_epoch, at_offset (NULL without); sessions this week; "it hurt" count,
 * latest day, latest exercise id. */
#define PST_SQL_SUMMARY_PEOPLE(IDS, T, M, H)                                             \
	"WITH ids(pid) AS (" IDS ")"                                                     \
	" SELECT ids.pid, pr.stage, pr.anchor_day, pr.minutes, pr.updated_epoch,"        \
	" pr.updated_offset,"                                                            \
	" (SELECT min(m.day) FROM plan_minutes m WHERE m.person_id = ids.pid),"          \
	" sc.stages, sc.answers, sc.at_epoch, sc.at_offset,"                             \
	" (SELECT count(*) FROM session s WHERE" PST_SQL_SESSION_DAYS(M, T) "),"         \
	" (SELECT count(*)" PST_SQL_HURT(H, T) "),"                                      \
	" (SELECT s.day" PST_SQL_HURT(H, T)                                              \
	" ORDER BY s.at_epoch DESC, s.id DESC, e.seq DESC LIMIT 1),"                     \
	" (SELECT e.exercise_id" PST_SQL_HURT(H, T)                                      \
	" ORDER BY s.at_epoch DESC, s.id DESC, e.seq DESC LIMIT 1)"                      \
	" FROM ids LEFT JOIN profile pr ON pr.person_id = ids.pid"                       \
	" LEFT JOIN screening sc ON sc.person_id = ids.pid"

/* Readings (check-ins, and the pain before a session) of person k.pid from day FROM to
 * before day TO. */
#define PST_SQL_READINGS(WHAT, TABLE, FROM, TO)                                          \
	" (SELECT " WHAT " FROM " TABLE " x WHERE x.person_id = k.pid"                   \
	" AND x.at_epoch >= " PST_SQL_DAY_LO(FROM) " AND x.at_epoch < " PST_SQL_DAY_LO(TO) \
	" + 100800 AND x.day >= " FROM " AND x.day < " TO ")"

/* One row a person: pid; the last check-in on or before today: pain, at_epoch,
 * at_offset; the last session's pain before, at_epoch, at_offset (NULL without); the day
 * of the later of the two (a check-in at the same second wins); the count and sum of
 * check-ins, then of sessions' pain before, on the 14 days before that day. */
#define PST_SQL_SUMMARY_PAIN(IDS, T)                                                     \
	"WITH ids(pid) AS (" IDS "),"                                                    \
	" l AS (SELECT ids.pid,"                                                         \
	" (SELECT c.id FROM checkin c WHERE c.person_id = ids.pid AND c.day <= " T       \
	" ORDER BY c.at_epoch DESC, c.id DESC LIMIT 1) AS cid,"                          \
	" (SELECT s.id FROM session s WHERE s.person_id = ids.pid AND s.day <= " T       \
	" ORDER BY s.at_epoch DESC, s.id DESC LIMIT 1) AS sid FROM ids),"                \
	" k AS (SELECT l.pid, c.pain AS cp, c.at_epoch AS ce, c.at_offset AS co,"        \
	" s.pain_before AS sp, s.at_epoch AS se, s.at_offset AS so,"                     \
	" CASE WHEN c.id IS NULL THEN s.day WHEN s.id IS NULL THEN c.day"                \
	" WHEN s.at_epoch > c.at_epoch THEN s.day ELSE c.day END AS ld"                  \
	" FROM l LEFT JOIN checkin c ON c.id = l.cid LEFT JOIN session s ON s.id = l.sid)" \
	" SELECT k.pid, k.cp, k.ce, k.co, k.sp, k.se, k.so, k.ld,"                       \
	PST_SQL_READINGS("count(*)", "checkin", "k.ld - 14", "k.ld") ","                 \
	PST_SQL_READINGS("coalesce(sum(x.pain), 0)", "checkin", "k.ld - 14", "k.ld") "," \
	PST_SQL_READINGS("count(*)", "session", "k.ld - 14", "k.ld") ","                 \
	PST_SQL_READINGS("coalesce(sum(x.pain_before), 0)", "session", "k.ld - 14", "k.ld") \
	" FROM k"

#endif
