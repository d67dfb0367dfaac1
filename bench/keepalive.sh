#!/bin/sh
# Kept-alive throughput of two builds of postura serve, side by side (issue 12, item 6:
# every later request of a kept-alive connection is checked before libmicrohttpd reads
# it). Rounds interleave the two; per run: wrk's req/s, and the server's own CPU time
# (utime + stime from /proc) per request, which says more than req/s on a shared machine.
#   wrk -t2 -c64 URL             /today and /api/v1/catalog, kept alive
#   wrk -t2 -c16 -H 'Connection: close' /api/v1/catalog   a connection per request
# Everything listens on 127.0.0.1 only and stops by itself.
# usage: bench/keepalive.sh BEFORE_BUILD_DIR AFTER_BUILD_DIR [SECONDS_PER_RUN] [ROUNDS]
set -eu
before=$(cd "$1" && pwd)/postura
after=$(cd "$2" && pwd)/postura
secs=${3:-6}
rounds=${4:-3}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	sleep 0.3
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export POSTURA_NOW=2026-11-18T09:00:00+00:00
hz=$(getconf CLK_TCK)

start() { # name binary -> prints the URL; the pid in $tmp/NAME.pid
	"$2" --db "$tmp/$1.db" serve --listen 127.0.0.1:0 >"$tmp/$1.out" 2>"$tmp/$1.err" &
	echo $! >"$tmp/$1.pid"
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		grep -q 'serving on' "$tmp/$1.out" 2>/dev/null && break
		sleep 0.2
	done
	u=$(sed -n 's|.*serving on \(http://[^ ]*\)/$|\1|p' "$tmp/$1.out")
	[ -n "$u" ] || { echo "bench/keepalive.sh: $2 did not start" >&2; cat "$tmp/$1.err" >&2; exit 1; }
	curl -sf -X PUT -H 'Content-Type: application/json' \
		-d '{"pregnant_weeks": 24, "pain": 4, "areas": ["upper", "mid"], "triggers": ["desk", "sleep"], "minutes": 10}' \
		"$u/api/v1/profile" >/dev/null
	curl -sf -X POST -H 'Content-Type: application/json' --data @"$src/tests/fixtures/answers-clear.json" \
		"$u/api/v1/screen" >/dev/null
	echo "$u"
}
"$before" --db "$tmp/before.db" plan >/dev/null 2>&1 || true
"$after" --db "$tmp/after.db" plan >/dev/null 2>&1 || true
ub=$(start before "$before"); pids="$pids $(cat "$tmp/before.pid")"
ua=$(start after "$after"); pids="$pids $(cat "$tmp/after.pid")"

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # name url path extra-wrk-args...
	name=$1 url=$2 path=$3
	shift 3
	pid=$(cat "$tmp/$name.pid")
	c0=$(cpu "$pid")
	wrk -t2 "$@" -d"${secs}s" "$url$path" >"$tmp/wrk.txt" 2>&1
	c1=$(cpu "$pid")
	rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$tmp/wrk.txt")
	n=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$tmp/wrk.txt")
	bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$tmp/wrk.txt")
	errs=$(sed -n 's/^ *Socket errors: *\(.*\)$/\1/p' "$tmp/wrk.txt")
	us=$(awk -v a="$c0" -v b="$c1" -v n="$n" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz * 1e6 / (n ? n : 1) }')
	echo "$name $path ${*} : $rps req/s, $us CPU us/request, non-2xx ${bad:-0}, socket errors: ${errs:-none}"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
	echo "--- round $r"
	for name in before after; do
		u=$ub; [ "$name" = after ] && u=$ua
		run "$name" "$u" /today -c64
		run "$name" "$u" /api/v1/catalog -c64
		run "$name" "$u" /api/v1/catalog -c16 -H 'Connection: close'
	done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
