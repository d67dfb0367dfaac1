#!/bin/bash
# Many people in one database (issue 13 "Benchmark"), on SQLite and on PostgreSQL:
#  1. Seeds PEOPLE people (10,000) with a year of data each, in SQL in one transaction
#     (bench/people.sql: a check-in every day, sessions on 3 or 4 days a week with their
#     exercises, three PSFS activities rated every week, each person's version), into a
#     SQLite file and a PostgreSQL database; and the same year for the one person of a
#     one-person database of each kind (the baseline). The seeded person's history is
#     read back through postura (`postura --db ... --person N history --json`): the
#     same on SQLite and PostgreSQL, with the seeded number of check-ins and sessions.
#  2. wrk -t2 -c64 on loopback, SECONDS each: GET /today, GET /api/v1/history and
#     POST /api/v1/checkins (bench/checkin.lua) of one person of the many-people
#     database (`serve --person N`) against the same request on the one-person database,
#     for each backend; the check-ins a run wrote are deleted after it (so the history
#     stays a year). Rounds interleave everything; medians are reported, with the load
#     average at each figure.
#  3. Check-ins per second on PostgreSQL against a plain libpq insert loop (bench/
#     pg_insert.c) with the same durability (synchronous_commit=on, fsync on) and the
#     same 64 connections, side by side in each round; and the same loop with the
#     person's write-log row (person_write) in each transaction, as postura writes.
# The PostgreSQL cluster is a throw-away one (tests/pg/with-cluster.sh): started here,
# always stopped and removed. Not part of `make check`; run by hand (bench/RESULTS.md).
# usage: bench/people.sh [BUILD_DIR] [SECONDS_PER_RUN] [ROUNDS] [PEOPLE]
set -eu
build=${1:-build}
secs=${2:-10}
rounds=${3:-3}
people=${4:-10000}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
build=$(cd "$build" && pwd)
postura=$build/postura
bench_cluster "$build" "$secs" "$rounds" "$people"
bench_tmp people

bench_person=$((people / 2))
[ "$bench_person" -ge 1 ] || bench_person=1

many_lite=$tmp/many.db
one_lite=$tmp/one.db
many_pg=$POSTURA_TEST_PG
one_pg=${POSTURA_TEST_PG%/*}/postura_one
psql_admin "$POSTURA_TEST_PG_ADMIN" -c 'CREATE DATABASE postura_one OWNER postura' >/dev/null

first_person "$many_lite" "$one_lite" "$many_pg" "$one_pg"

size_of() { # DB-SPEC ADMIN
	case "$1" in
	postgresql://*) echo "SELECT pg_database_size(current_database());" | sql "$1" ;;
	*) stat -c %s "$1" ;;
	esac
}
mb() { python3 -c "print(f'{$1 / 1e6:,.0f} MB')"; }

echo "seeding $people people, days $first to $today (a year), load $(load)"
for spec in "sqlite many $many_lite $people" "sqlite one $one_lite 1" \
	"postgresql many $many_pg $people" "postgresql one $one_pg 1"; do
	set -- $spec
	l0=$(load)
	s=$(seed "$3" "$4" "" "VACUUM (ANALYZE) person, profile, plan_minutes, screening, checkin, session,
		session_exercise, psfs_activity, psfs_rating, person_write;")
	echo "  $1 $2 ($4 people): ${s} s, $(mb "$(size_of "$3")"), load $l0 → $(load)"
done
settle
printf 'rows, many-people database: %s\n' "$(echo "SELECT (SELECT count(*) FROM person) || ' people, ' ||
	(SELECT count(*) FROM checkin) || ' check-ins, ' || (SELECT count(*) FROM session) || ' sessions, ' ||
	(SELECT count(*) FROM session_exercise) || ' exercises done, ' || (SELECT count(*) FROM psfs_activity) ||
	' PSFS activities, ' || (SELECT count(*) FROM psfs_rating) || ' ratings';" | sql "$many_pg")"

# The seeded person's history, read back through postura: the same from both backends and
# from the SQL counts.
"$postura" --db "$many_lite" --person "$bench_person" history --json >"$tmp/h-lite.json"
"$postura" --db "$many_pg" --person "$bench_person" history --json >"$tmp/h-pg.json"
want=$(echo "SELECT (SELECT count(*) FROM checkin WHERE person_id = $bench_person) || ' ' ||
	(SELECT count(*) FROM session WHERE person_id = $bench_person);" | sql "$many_lite")
diff "$tmp/h-lite.json" "$tmp/h-pg.json" | head -n 20 || true
python3 - "$tmp/h-lite.json" "$tmp/h-pg.json" $want <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
checkins, sessions = int(sys.argv[3]), int(sys.argv[4])
if a != b:
    sys.exit("bench/people.sh: the person's history differs between SQLite and PostgreSQL")
got = {"checkins": sum(d["count"] for d in a["daily"] if not d.get("from_session")),
       "sessions": len(a["sessions"])}
print(f"history of the person read back: {got['checkins']} check-ins on {len(a['daily'])} days,"
      f" {got['sessions']} sessions, {len(a['psfs']['activities'])} PSFS activities from {a['since']}"
      f" (seeded {checkins} check-ins, {sessions} sessions); SQLite and PostgreSQL give the same JSON")
if got["checkins"] != checkins or got["sessions"] != sessions or a["truncated"]:
    sys.exit("bench/people.sh: the history read back is not what was seeded")
PY

# --- wrk -----------------------------------------------------------------------------
start_server() { start_serve "$1" "--person $2" /today /api/v1/history; } # DB-SPEC PERSON
# the check-ins a run wrote go away (the history stays the seeded year); the version
# goes up so page caches see it
forget_checkins() { # DB-SPEC PERSON MAX-SEEDED-ID
	echo "DELETE FROM checkin WHERE person_id = $2 AND id > $3;
		UPDATE person SET version = version + 1 WHERE id = $2;" | sql "$1" >/dev/null
	# PostgreSQL: what is left of the person's write log folded into the row (as every
	# 32nd write of a connection does, store_pg.c), and the dead rows go too (autovacuum
	# waits for 20% of a 3.65M-row table: without this, every round read through the
	# previous rounds' dead rows, RESULTS.md)
	case "$1" in
	postgresql://*) echo "WITH d AS (DELETE FROM person_write WHERE person_id = $2 RETURNING n)
		UPDATE person SET version = version + (SELECT coalesce(sum(n), 0) FROM d) WHERE id = $2;
		VACUUM (ANALYZE) checkin, person, person_write;" | sql "$1" >/dev/null ;;
	esac
}
seeded_max() { echo "SELECT max(id) FROM checkin;" | sql "$1"; }

: >"$tmp/results"
echo
echo "wrk -t2 -c64 -d${secs}s, $rounds rounds; person $bench_person of $people against person 1 of a one-person database"
for i in $(seq "$rounds"); do
	echo "round $i"
	for spec in "sqlite many $many_lite $bench_person" "sqlite one $one_lite 1" \
		"postgresql many $many_pg $bench_person" "postgresql one $one_pg 1"; do
		set -- $spec
		max=$(seeded_max "$3")
		start_server "$3" "$4"
		run_wrk "$1-$2-today" "$url/today"
		run_wrk "$1-$2-history" "$url/api/v1/history"
		run_wrk "$1-$2-checkin" "$url/api/v1/checkins" -s "$src/bench/checkin.lua" \
			-H "Origin: $url" -H "Sec-Fetch-Site: same-origin"
		stop_server
		forget_checkins "$3" "$4" "$max"
	done
	max=$(seeded_max "$many_pg")
	l=$(load)
	out=$("$build/bench/pg_insert" "$many_pg" "$bench_person" 64 "$secs")
	set -- $out
	echo "libpq-insert $6 ${8}ms 0 $l" >>"$tmp/results"
	echo "  libpq-insert (plain loop, 64 connections): $6 inserts/s, p99 ${8} ms, load $l"
	l=$(load)
	out=$("$build/bench/pg_insert" "$many_pg" "$bench_person" 64 "$secs" log)
	set -- $out
	echo "libpq-insert-log $6 ${8}ms 0 $l" >>"$tmp/results"
	echo "  libpq-insert-log (the same, each with the person's write-log row): $6 inserts/s, p99 ${8} ms, load $l"
	forget_checkins "$many_pg" "$bench_person" "$max"
done

python3 - "$tmp/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, rps, p99, errs, load = line.split()
    if p99.endswith("us"):
        ms = float(p99[:-2]) / 1000
    elif p99.endswith("ms"):
        ms = float(p99[:-2])
    elif p99.endswith("s"):
        ms = float(p99[:-1]) * 1000
    else:
        ms = float("nan")
    rows.setdefault(name, []).append((float(rps), ms, int(errs), float(load)))
med = lambda name, k: statistics.median(x[k] for x in rows[name])
print()
print("| backend | request | many: req/s | many: p99 | one: req/s | one: p99 | many/one | errors | load | target |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for be in ("sqlite", "postgresql"):
    for case, what in (("today", "GET /today"), ("history", "GET /api/v1/history"), ("checkin", "POST /api/v1/checkins")):
        m, o = f"{be}-many-{case}", f"{be}-one-{case}"
        ratio = med(m, 0) / med(o, 0)
        ok = med(m, 1) < 20 and ratio >= 0.5
        loads = [x[3] for x in rows[m] + rows[o]]
        print(f"| {be} | {what} | {med(m, 0):,.0f} | {med(m, 1):.2f} ms | {med(o, 0):,.0f} | {med(o, 1):.2f} ms"
              f" | {ratio:.2f}x | {sum(x[2] for x in rows[m] + rows[o])} | {min(loads):.1f}–{max(loads):.1f}"
              f" | {'ok' if ok else 'MISSED'} |")
app, base = med("postgresql-many-checkin", 0), med("libpq-insert", 0)
loads = [x[3] for x in rows["libpq-insert"]]
print()
print(f"check-ins on PostgreSQL: postura {app:,.0f}/s (p99 {med('postgresql-many-checkin', 1):.2f} ms) against a plain"
      f" libpq insert loop {base:,.0f}/s (p99 {med('libpq-insert', 1):.2f} ms), 64 connections each:"
      f" {app / base:.2f}x (target 0.8x: {'ok' if app / base >= 0.8 else 'MISSED'}), load {min(loads):.1f}–{max(loads):.1f}")
log = med("libpq-insert-log", 0)
print(f"the plain loop with postura's write-log row in each transaction (INSERT INTO person_write in the"
      f" insert's transaction): {log:,.0f}/s (p99 {med('libpq-insert-log', 1):.2f} ms); postura against it: {app / log:.2f}x")
PY
serve_errors
