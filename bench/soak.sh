#!/bin/sh
# A bounded soak of `postura serve`: 64 connections for 2 minutes, nine reads to a write
# (bench/soak.lua), the server's RSS sampled every 5 s.
#
#   bench/soak.sh [--steady] [--db TARGET | --pg] [POSTURA]   (not in `make check`: 2 min)
#
# The write is a check-in, so the person's record grows all along (some 10,000 check-ins
# in 2 minutes on a quiet machine); the pages read the check-ins summed by day, so memory
# should not grow with them (bench/RESULTS.md). --steady writes the profile instead (the
# same record size throughout): what the server keeps while serving, apart from the data.
# --db TARGET serves that database (a PostgreSQL URI: its schema is migrated, person 1's
# profile and answers are set); --pg starts a throw-away PostgreSQL cluster for the run
# (tests/pg/with-cluster.sh); neither: a new SQLite file in a temporary directory.
#
# It passes when wrk saw no reply of 400 or more and no socket error, and RSS is flat:
# every sample after the warm-up (SOAK_WARMUP, 20 s) is within SOAK_BOUND_KIB (2048 KiB)
# of the sample at the end of the warm-up. It prints every sample (RSS, of which
# anonymous memory, in KiB), the reference, the largest distance, and a verdict.
# SOAK_SECONDS (120), SOAK_CONNECTIONS (64), SOAK_INTERVAL (5) change the run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
db=
if [ "${1:-}" = --steady ]; then
	export SOAK_WRITE=profile
	shift
fi
if [ "${1:-}" = --pg ]; then
	shift
	if [ -z "${POSTURA_TEST_PG:-}" ]; then
		exec "$here/../tests/pg/with-cluster.sh" "$0" ${SOAK_WRITE:+--steady} --pg "$@"
	fi
	db=$POSTURA_TEST_PG
elif [ "${1:-}" = --db ]; then
	db=$2
	shift 2
fi
POSTURA=${1:-build/postura}
SECONDS_=${SOAK_SECONDS:-120}
CONNS=${SOAK_CONNECTIONS:-64}
WARMUP=${SOAK_WARMUP:-20}
BOUND=${SOAK_BOUND_KIB:-2048}
STEP=${SOAK_INTERVAL:-5}
command -v wrk >/dev/null || { echo "soak: wrk is missing (Debian's wrk, scripts/debian-packages.txt)"; exit 77; }
[ "$WARMUP" -lt "$SECONDS_" ] || { echo "soak: the warm-up ($WARMUP s) must be shorter than the run ($SECONDS_ s)"; exit 2; }
tmp=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT
[ -n "$db" ] || db=$tmp/me.db
POSTURA_NOW=2026-11-18T09:00:00+00:00 "$POSTURA" --db "$db" serve --listen 127.0.0.1:0 \
	>"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do grep -q serving "$tmp/out" && break; sleep 0.1; done
url=$(sed -n 's|.*\(http://[^ ]*\)/$|\1|p' "$tmp/out")
[ -n "$url" ] || { echo "soak: the server did not start"; cat "$tmp/err"; exit 1; }
j='Content-Type: application/json'
curl -sf -X PUT -H "$j" -d '{"pregnant_weeks": 24, "pain": 4, "areas": ["upper"], "triggers": ["desk"], "equipment": ["wall", "chair"], "avoid": [], "minutes": 10}' "$url/api/v1/profile" >/dev/null
curl -sf -X POST -H "$j" -d @"$here/../tests/fixtures/answers-clear.json" "$url/api/v1/screen" >/dev/null
# RSS and anonymous memory (KiB) of the server, from /proc.
rss() { awk '/^VmRSS/ {r = $2} /^RssAnon/ {a = $2} END {print r, a}' "/proc/$pid/status"; }
(
	t=0
	# the last sample one step before wrk stops: all of them under load
	while [ $((t + STEP)) -lt "$SECONDS_" ]; do
		sleep "$STEP"
		t=$((t + STEP))
		echo "$t $(rss)"
	done
) >"$tmp/rss" &
sampler=$!
wrk -t2 -c"$CONNS" -d"${SECONDS_}s" --timeout 10s -s "$here/soak.lua" "$url" | tee "$tmp/wrk"
wait "$sampler"
case "$db" in *://*) kind=PostgreSQL ;; *) kind=SQLite ;; esac
echo "soak: $kind, writes: ${SOAK_WRITE:-checkin}; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "soak: seconds RSS anonymous (KiB):"
sed 's/^/soak:   /' "$tmp/rss"
# The reference: the last sample of the warm-up; then every later one within the bound.
verdict=$(awk -v w="$WARMUP" -v b="$BOUND" '
	$1 <= w { ref = $2; have = 1; next }
	have { d = $2 - ref; if (d < 0) d = -d; if (d > max) max = d; if ($2 > hi) hi = $2;
	       if (lo == "" || $2 < lo) lo = $2; n++ }
	END {
		if (!have || !n) { print "none"; exit }
		printf "%s %d %d %d %d %s\n", ref, max, lo, hi, n, max <= b ? "flat" : "not-flat"
	}' "$tmp/rss")
set -- $verdict
line=$(grep '^soak:' "$tmp/wrk")
errs=$(echo "$line" | sed 's/.* \([0-9]*\) replies of 400.*/\1/')
sock=$(echo "$line" | sed 's/.* \([0-9]*\) socket errors.*/\1/')
ok=1
if [ "$1" = none ]; then
	echo "soak: too few samples after the warm-up"
	ok=0
else
	echo "soak: RSS at the end of the warm-up ($WARMUP s) $1 KiB; after it $3..$4 KiB over $5 samples," \
		"at most $2 KiB away (bound $BOUND KiB): $6"
	[ "$6" = flat ] || ok=0
fi
[ "$errs" = 0 ] && [ "$sock" = 0 ] || { echo "soak: $errs replies of 400 or more, $sock socket errors"; ok=0; }
if ! kill -0 "$pid" 2>/dev/null; then
	echo "soak: the server died"
	cat "$tmp/err"
	ok=0
fi
if [ "$ok" = 1 ]; then
	echo "soak: ok"
else
	echo "soak: FAIL"
	exit 1
fi
