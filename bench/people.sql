-- A year of data for :people people (bench/people.sh fills in :people, :first, :today
-- and :exercises), in one transaction, the same SQL for SQLite and PostgreSQL, in the
-- schema of src/store/schema.c. Person 1 exists with a profile, the safety answers and
-- its minutes (set through postura); the others copy them. Days are UTC day numbers.
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < :people)
INSERT INTO person (id, created_epoch, name, version)
	SELECT i, :first * 86400, 'person ' || i, 0 FROM n;
INSERT INTO profile (person_id, stage, weeks, anchor_day, birth, feeding, pain, areas,
		triggers, equipment, avoid, minutes, updated_epoch, updated_offset, conditions, country)
	SELECT p.id, t.stage, t.weeks, t.anchor_day, t.birth, t.feeding, t.pain, t.areas,
		t.triggers, t.equipment, t.avoid, t.minutes, t.updated_epoch, t.updated_offset,
		t.conditions, t.country
	FROM person p, profile t WHERE t.person_id = 1 AND p.id > 1;
INSERT INTO plan_minutes (person_id, day, minutes)
	SELECT p.id, t.day, t.minutes FROM person p, plan_minutes t WHERE t.person_id = 1 AND p.id > 1;
INSERT INTO screening (person_id, stages, answers, at_epoch, at_offset)
	SELECT p.id, t.stages, t.answers, t.at_epoch, t.at_offset
	FROM person p, screening t WHERE t.person_id = 1 AND p.id > 1;
-- a check-in every morning
WITH RECURSIVE d(day) AS (SELECT :first UNION ALL SELECT day + 1 FROM d WHERE day < :today)
INSERT INTO checkin (person_id, at_epoch, at_offset, day, pain, areas, note)
	SELECT p.id, d.day * 86400 + 8 * 3600, 0, d.day, (p.id * 7 + d.day * 3) % 6 + 1,
		CASE WHEN d.day % 3 = 0 THEN 'upper,mid' ELSE 'upper' END,
		CASE WHEN d.day % 10 = 0 THEN 'after the night feed' END
	FROM person p, d;
-- sessions on three days a week, and a fourth every other week, early in the morning
WITH RECURSIVE d(day) AS (SELECT :first UNION ALL SELECT day + 1 FROM d WHERE day < :today)
INSERT INTO session (person_id, at_epoch, at_offset, day, pain_before, pain_after)
	SELECT p.id, d.day * 86400 + 7 * 3600, 0, d.day, (p.id + d.day) % 5 + 2, (p.id + d.day) % 5 + 1
	FROM person p, d WHERE d.day % 7 IN (0, 2, 4) OR d.day % 14 = 5;
-- four exercises a session, from person 1's plan
INSERT INTO session_exercise (session_id, seq, exercise_id, feedback, pain)
	SELECT s.id, e.column1, e.column2,
		CASE (s.id + e.column1) % 5 WHEN 0 THEN 'easy' WHEN 4 THEN 'hard' ELSE 'right' END,
		CASE WHEN e.column1 = 1 THEN s.pain_after END
	FROM session s, (VALUES :exercises) e;
-- three PSFS activities, each rated every week, getting easier
INSERT INTO psfs_activity (id, person_id, activity, created_epoch, created_offset)
	SELECT (p.id - 1) * 3 + a.column1, p.id, a.column2, :first * 86400 + 9 * 3600, 0
	FROM person p, (VALUES (1, 'carry the car seat'), (2, 'lift the baby from the cot'),
		(3, 'sit at the desk for an hour')) a;
WITH RECURSIVE d(day) AS (SELECT :first UNION ALL SELECT day + 1 FROM d WHERE day < :today)
INSERT INTO psfs_rating (activity_id, at_epoch, at_offset, score)
	SELECT a.id, d.day * 86400 + 20 * 3600, 0, 3 + (d.day - :first) / 60 + a.id % 2
	FROM psfs_activity a, d WHERE d.day % 7 = 6;
-- every write bumps the person's version (src/store/schema.c, migration 7): as many as
-- records written
UPDATE person SET version = version + (SELECT count(*) FROM checkin WHERE person_id = 1)
	+ (SELECT count(*) FROM session WHERE person_id = 1)
	+ (SELECT count(*) FROM psfs_activity WHERE person_id = 1)
	+ (SELECT count(*) FROM psfs_rating r, psfs_activity a WHERE a.id = r.activity_id AND a.person_id = 1);
COMMIT;
