#!/bin/bash
# The clinician's pages with many patients (issue 14 "Tests and measures"), on SQLite and
# on PostgreSQL:
#  1. Seeds PEOPLE people (10,000) with a year of data each (bench/people.sql, as
#     bench/people.sh does), then CLINICIANS clinician accounts (50) and one patient
#     account for each person, spread evenly (200 patients a clinician), in SQL.
#  2. Logs in as one clinician (POST /api/v1/login: argon2id) and keeps the session and
#     CSRF cookies, as a browser does.
#  3. wrk -t2 -c64 on loopback, SECONDS each: GET /clinic (the dashboard), GET
#     /api/v1/patients (its JSON) and GET /clinic/patients/ID (a patient's page), for each
#     backend; ROUNDS rounds interleaved, medians reported with the load average. Target:
#     p99 under 20 ms.
#  4. The cost of one dashboard made afresh (no cache), in CPU time, by bench/dashboard.
# The PostgreSQL cluster is a throw-away one (tests/pg/with-cluster.sh). Not part of `make
# check`; run by hand (bench/RESULTS.md).
# BENCH_AB=OTHER_BUILD_DIR: an A/B comparison on the same data: each round runs every
# figure with OTHER_BUILD_DIR's postura ("old") and then BUILD_DIR's ("new"), minutes
# apart, and the table has both and new/old. (The seed uses BUILD_DIR's; the old one must
# read its schema.) BENCH_ONLY=sqlite|postgresql: one backend.
# usage: bench/clinic.sh [BUILD_DIR] [SECONDS_PER_RUN] [ROUNDS] [PEOPLE] [CLINICIANS]
set -eu
build=${1:-build}
secs=${2:-10}
rounds=${3:-3}
people=${4:-10000}
clinicians=${5:-50}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
build=$(cd "$build" && pwd)
postura=$build/postura
new=$postura
old=
[ -n "${BENCH_AB:-}" ] && old=$(cd "$BENCH_AB" && pwd)/postura
backends="sqlite postgresql"
[ -n "${BENCH_ONLY:-}" ] && backends=$BENCH_ONLY
bench_cluster "$build" "$secs" "$rounds" "$people" "$clinicians"
[ -n "${BENCH_TRACE:-}" ] && set -x
bench_tmp clinic

lite=$tmp/clinic.db
pg=$POSTURA_TEST_PG
pw=velvet-cactus-ledger-3

first_person "$lite" "$pg"
# The first clinician through postura (its password hashed with argon2id); the others
# share that hash.
for db in "$lite" "$pg"; do
	echo "$pw" | "$postura" --db "$db" user add --role clinician --email c1@bench.example \
		--name "Clinician 1" >/dev/null
done

# the clinicians (account 1 is the first), then a patient account for every person,
# clinician by clinician
accounts="BEGIN;
WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < $clinicians)
INSERT INTO account (id, email, name, role, password, created_epoch)
	SELECT i, 'c' || i || '@bench.example', 'Clinician ' || i, 'clinician',
		(SELECT password FROM account WHERE id = 1), $first * 86400 FROM n;
INSERT INTO account (id, email, name, role, person_id, clinician_id, created_epoch)
	SELECT $clinicians + p.id, 'p' || p.id || '@bench.example', p.name, 'patient', p.id,
		(p.id - 1) % $clinicians + 1, $first * 86400 FROM person p;
COMMIT;"

echo "seeding $people people (a year each), $clinicians clinicians, a patient account each; load $(load)"
for be in $backends; do
	case $be in sqlite) spec=$lite ;; *) spec=$pg ;; esac
	set -- "$be" "$spec"
	echo "  $1: $(seed "$2" "$people" "$accounts" "SELECT setval('account_id_seq', (SELECT max(id) FROM account));
		VACUUM (ANALYZE) person, profile, plan_minutes, screening, checkin, session, session_exercise,
		psfs_activity, psfs_rating, person_write, account, roster, roster_write;") s, load $(load)"
done
settle
# The clinician whose pages are measured: the 7th (or the last, with fewer).
doc=$(( clinicians >= 7 ? 7 : clinicians ))
echo "  patients of clinician $doc: $(echo "SELECT count(*) FROM account WHERE clinician_id = $doc;" | sql "$lite")"

start_server() { # DB-SPEC
	start_serve "$1" ""
	# A browser's cookies: the session (a login) and the CSRF nonce (a page's).
	rm -f "$tmp/jar"
	local t0 t1
	t0=$(date +%s.%N)
	curl -sf -c "$tmp/jar" -H 'Content-Type: application/json' \
		-d "{\"email\": \"c$doc@bench.example\", \"password\": \"$pw\"}" "$url/api/v1/login" -o /dev/null ||
		{ echo "$bench_name: the login of c$doc@bench.example failed" >&2; exit 1; }
	t1=$(date +%s.%N)
	login_ms=$(python3 -c "print(f'{($t1 - $t0) * 1000:.0f}')")
	curl -sf -b "$tmp/jar" -c "$tmp/jar" "$url/clinic" -o "$tmp/clinic.html"
	cookie=$(awk '{ sub(/^#HttpOnly_/, "") } !/^#/ && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$tmp/jar")
	patient=$(grep -o 'href="/clinic/patients/[0-9]*"' "$tmp/clinic.html" | head -n 1 | grep -o '[0-9]*')
	[ -n "$patient" ] || { echo "bench/clinic.sh: no patient on the dashboard" >&2; exit 1; }
	curl -sf -H "Cookie: $cookie" "$url/clinic/patients/$patient" -o /dev/null
	curl -sf -H "Cookie: $cookie" "$url/api/v1/patients" -o /dev/null
}
run_clinic() { run_wrk "$1" "$2" -H "Cookie: $cookie"; } # NAME URL

: >"$tmp/results"
echo
echo "wrk -t2 -c64 -d${secs}s, $rounds rounds; clinician $doc's $((people / clinicians)) patients"
for i in $(seq "$rounds"); do
	echo "round $i"
	for be in $backends; do
		case $be in sqlite) spec=$lite ;; *) spec=$pg ;; esac
		for bin in ${old:+old} new; do
			name=$be
			postura=$new
			if [ -n "$old" ]; then
				name=$be/$bin
				[ "$bin" = old ] && postura=$old
			fi
			start_server "$spec"
			echo "  $name: one login (argon2id) took $login_ms ms"
			run_clinic "$name-dashboard" "$url/clinic"
			run_clinic "$name-api" "$url/api/v1/patients"
			run_clinic "$name-patient" "$url/clinic/patients/$patient"
			stop_server
		done
	done
	postura=$new
done

echo
echo "one dashboard made afresh (summaries, attention, order), CPU time of one thread:"
for be in $backends; do
	case $be in sqlite) spec=$lite ;; *) spec=$pg ;; esac
	set -- "$be" "$spec"
	# clinician 7's patients are the people 7, 57, 107...: a dashboard of 200 spread ids
	echo "  $1: $(CPU=1 "$build/bench/dashboard" "$2" "$doc" "$((people / clinicians))" 50 2026-12-07 "$clinicians")"
done

python3 - "$tmp/results" "$backends" "${old:+ab}" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, rps, p99, errs, load = line.split()
    unit = 1e-3 if p99.endswith("us") else 1 if p99.endswith("ms") else 1e3
    ms = float(p99.rstrip("usm")) * unit
    rows.setdefault(name, []).append((float(rps), ms, int(errs), float(load)))
med = lambda name, k: statistics.median(x[k] for x in rows[name])
backends = sys.argv[2].split()
ab = len(sys.argv) > 3 and sys.argv[3] == "ab"
cases = (("dashboard", "GET /clinic"), ("api", "GET /api/v1/patients"),
         ("patient", "GET /clinic/patients/ID"))
print()
if ab:
    print("| backend | request | old req/s | new req/s | new/old | old p99 | new p99 | errors | load |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for be in backends:
        for case, what in cases:
            o, n = f"{be}/old-{case}", f"{be}/new-{case}"
            loads = [x[3] for x in rows[o] + rows[n]]
            print(f"| {be} | {what} | {med(o, 0):,.0f} | {med(n, 0):,.0f} | {med(n, 0) / med(o, 0):.2f}x"
                  f" | {med(o, 1):.2f} ms | {med(n, 1):.2f} ms | {sum(x[2] for x in rows[o] + rows[n])}"
                  f" | {min(loads):.1f}–{max(loads):.1f} |")
    sys.exit(0)
print("| backend | request | req/s (median) | p99 (median) | errors | load | target p99 < 20 ms |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for be in backends:
    for case, what in cases:
        n = f"{be}-{case}"
        loads = [x[3] for x in rows[n]]
        print(f"| {be} | {what} | {med(n, 0):,.0f} | {med(n, 1):.2f} ms | {sum(x[2] for x in rows[n])}"
              f" | {min(loads):.1f}–{max(loads):.1f} | {'ok' if med(n, 1) < 20 else 'MISSED'} |")
PY
serve_errors
