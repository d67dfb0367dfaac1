#!/bin/bash
# Logins per second and the time of one login (issue 14 "Tests and measures": "login
# (argon2id) throughput stated, and its cost tuned so that one login stays under 100 ms"),
# on SQLite and on PostgreSQL:
#  1. One clinician account (postura user add: its password hashed with argon2id at the
#     build's cost, docs/clinic.md "Passwords").
#  2. postura serve with the failed-login limits raised out of the way
#     (POSTURA_LOGIN_LIMIT_ACCOUNT and POSTURA_LOGIN_LIMIT_ADDRESS at 1e9), so that what is
#     measured is the password check and the login's writes, not the limiter.
#  3. wrk -t1 -cN on POST /api/v1/login with the right password (a session made, the
#     audit entry written) for each N of CLIENTS, SECONDS each, ROUNDS rounds; logins/s
#     and the latency percentiles, medians over the rounds. N = 1 is one login at a time:
#     its median is the time of one login. One run with a wrong password (N = the last
#     of CLIENTS) shows the failed logins' rate (the dummy-free path: a real verify and
#     the two failure counts). wrk waits up to 30 s for a reply (its 2 s would drop
#     the slow logins of 64 at once from the figures).
# The PostgreSQL cluster is a throw-away one (tests/pg/with-cluster.sh). BENCH_ONLY=sqlite
# or postgresql: one backend. Not part of `make check`; run by hand (bench/RESULTS.md).
# usage: bench/login.sh [BUILD_DIR] [SECONDS] [ROUNDS] [CLIENTS...]
set -eu
build=${1:-build}
secs=${2:-5}
rounds=${3:-3}
shift $(($# < 3 ? $# : 3))
clients=${*:-1 2 4 8 64}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
build=$(cd "$build" && pwd)
postura=$build/postura
# shellcheck disable=SC2086 # the clients are words
bench_cluster "$build" "$secs" "$rounds" $clients
bench_tmp login

backends="sqlite postgresql"
[ -n "${BENCH_ONLY:-}" ] && backends=$BENCH_ONLY
lite=$tmp/login.db
pg=$POSTURA_TEST_PG
pw=velvet-cactus-ledger-3
export POSTURA_LOGIN_LIMIT_ACCOUNT=1000000000 POSTURA_LOGIN_LIMIT_ADDRESS=1000000000
unset POSTURA_NOW # a session's times are the wall clock's anyway

for be in $backends; do
	case $be in sqlite) db=$lite ;; *) db=$pg ;; esac
	echo "$pw" | "$postura" --db "$db" user add --role clinician --email c1@bench.example \
		--name "Clinician 1" >/dev/null
done

for ok in right wrong; do
	p=$pw
	[ "$ok" = wrong ] && p=not-the-password-1
	cat >"$tmp/$ok.lua" <<-LUA
	wrk.method = "POST"
	wrk.body = '{"email": "c1@bench.example", "password": "$p"}'
	wrk.headers["Content-Type"] = "application/json"
	LUA
done

to_ms() { # wrk's "12.34ms" / "1.2s" / "800us"
	python3 -c "import sys; v = sys.argv[1]
u = 1e-3 if v.endswith('us') else 1 if v.endswith('ms') else 1e3
print(f'{float(v.rstrip(\"usm\")) * u:.1f}')" "$1"
}
run_wrk() { # NAME CLIENTS SCRIPT
	local l
	l=$(load)
	wrk -t1 -c"$2" -d"${secs}s" --timeout 30s --latency -s "$tmp/$3.lua" "$url/api/v1/login" >"$tmp/wrk.out" 2>&1
	rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$tmp/wrk.out")
	p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$tmp/wrk.out")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.out")")
	n=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$tmp/wrk.out")
	non=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$tmp/wrk.out")
	echo "$1 $2 $rps $p50 $p99 ${n:-0} ${non:-0} $l" >>"$tmp/results"
	echo "  $1 -c$2: $rps logins/s, p50 $p50 ms, p99 $p99 ms, $n requests (${non:-0} not 2xx), load $l"
}

: >"$tmp/results"
last=${clients##* }
echo "wrk -t1 -cN -d${secs}s on POST /api/v1/login, N in: $clients; $rounds rounds; load $(load)"
for i in $(seq "$rounds"); do
	echo "round $i"
	for be in $backends; do
		case $be in sqlite) db=$lite ;; *) db=$pg ;; esac
		start_serve "$db" ""
		for c in $clients; do
			run_wrk "$be-right" "$c" right
		done
		run_wrk "$be-wrong" "$last" wrong
		stop_server
	done
done

python3 - "$tmp/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, c, rps, p50, p99, n, non, load = line.split()
    rows.setdefault((name, int(c)), []).append((float(rps), float(p50), float(p99), int(n), int(non), float(load)))
med = lambda k, i: statistics.median(x[i] for x in rows[k])
print()
print("| backend | password | clients | logins/s (median) | p50 (median) | p99 (median) | not 2xx | load |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for k in sorted(rows, key=lambda k: (k[0], k[1])):
    be, ok = k[0].split("-")
    loads = [x[5] for x in rows[k]]
    print(f"| {be} | {ok} | {k[1]} | {med(k, 0):,.1f} | {med(k, 1):.1f} ms | {med(k, 2):.1f} ms"
          f" | {sum(x[4] for x in rows[k])} | {min(loads):.1f}–{max(loads):.1f} |")
one = [k for k in rows if k[0].endswith("-right") and k[1] == 1]
for k in one:
    verdict = "under" if med(k, 1) < 100 else "OVER"
    print(f"one login, {k[0].split('-')[0]}: median {med(k, 1):.1f} ms ({verdict} the 100 ms bound)")
PY
