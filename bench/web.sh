#!/bin/sh
# The web app against nginx on loopback, in one run (issue "The web app: postura serve"):
#  1. wrk -t2 -c64 --latency: GET /today and GET /api/v1/plan from postura serve, and
#     nginx (2 workers, access_log off) serving a static file of the Today page's size
#     (its very bytes). Rounds interleave the three; the medians are reported.
#  2. Page weight and first contentful paint of the Today page and the session player
#     in headless Chromium with a cold cache: desktop, and a 360 px phone with 4x CPU
#     throttling (bench/pageweight.mjs).
# Everything listens on 127.0.0.1 only and stops by itself.
# usage: bench/web.sh [BUILD_DIR] [SECONDS_PER_RUN] [ROUNDS]
set -eu
build=${1:-build}
secs=${2:-10}
rounds=${3:-3}
src=$(cd "$(dirname "$0")/.." && pwd)
postura=$(cd "$build" && pwd)/postura
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	[ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
	sleep 0.3
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# postura, with a saved profile and clear answers (a Wednesday: a session day).
export POSTURA_NOW=2026-11-18T09:00:00+00:00
"$postura" --db "$tmp/me.db" serve --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
pids="$pids $!"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	grep -q 'serving on' "$tmp/serve.out" 2>/dev/null && break
	sleep 0.2
done
url=$(sed -n 's|.*serving on \(http://[^ ]*\)/$|\1|p' "$tmp/serve.out")
[ -n "$url" ] || { echo "bench/web.sh: postura serve did not start" >&2; cat "$tmp/serve.err" >&2; exit 1; }
curl -sf -X PUT -H 'Content-Type: application/json' \
	-d '{"pregnant_weeks": 24, "pain": 4, "areas": ["upper", "mid"], "triggers": ["desk", "sleep"], "minutes": 10}' \
	"$url/api/v1/profile" >/dev/null
curl -sf -X POST -H 'Content-Type: application/json' --data @"$src/tests/fixtures/answers-clear.json" \
	"$url/api/v1/screen" >/dev/null
mkdir -p "$tmp/www/static"
curl -sf "$url/today" -o "$tmp/www/today.html"
icon=$(sed -n 's|.*href="/static/\(icon\.[0-9a-f]*\.svg\)".*|\1|p' "$tmp/www/today.html" | head -n 1)
curl -sf "$url/static/$icon" -o "$tmp/www/static/$icon"
curl -sf "$url/api/v1/plan" -o "$tmp/plan.json"
today_bytes=$(wc -c <"$tmp/www/today.html")
plan_bytes=$(wc -c <"$tmp/plan.json")
chmod -R a+rX "$tmp"

# nginx: the same bytes as a static file.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/nginx.conf" <<CONF
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$port;
		root $tmp/www;
		location / { default_type text/html; }
	}
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp"
sleep 0.3
curl -sf "http://127.0.0.1:$port/today.html" -o /dev/null

run_wrk() { # name url
	wrk -t2 -c64 -d"${secs}s" --latency "$2" >"$tmp/wrk.out" 2>&1
	rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$tmp/wrk.out")
	p99=$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.out")
	errs=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$tmp/wrk.out")
	echo "$1 $rps $p99 ${errs:-0}" >>"$tmp/results"
	echo "  $1: $rps req/s, p99 $p99${errs:+, $errs errors}"
}
: >"$tmp/results"
echo "wrk -t2 -c64 -d${secs}s, $rounds rounds (Today page $today_bytes bytes, plan JSON $plan_bytes bytes)"
i=1
while [ "$i" -le "$rounds" ]; do
	echo "round $i"
	run_wrk nginx-static "http://127.0.0.1:$port/today.html"
	run_wrk postura-today "$url/today"
	run_wrk postura-plan "$url/api/v1/plan"
	i=$((i + 1))
done
python3 - "$tmp/results" "$today_bytes" "$plan_bytes" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, rps, p99, errs = line.split()
    unit = 1.0
    if p99.endswith("us"):
        ms = float(p99[:-2]) / 1000
    elif p99.endswith("ms"):
        ms = float(p99[:-2])
    elif p99.endswith("s"):
        ms = float(p99[:-1]) * 1000
    else:
        ms = float("nan")
    rows.setdefault(name, []).append((float(rps), ms, int(errs)))
base = statistics.median(r[0] for r in rows["nginx-static"])
print()
print("| target | bytes | req/s (median) | p99 (median) | vs nginx | errors |")
print("| --- | --- | --- | --- | --- | --- |")
for name, size in (("nginx-static", sys.argv[2]), ("postura-today", sys.argv[2]), ("postura-plan", sys.argv[3])):
    r = rows[name]
    rps = statistics.median(x[0] for x in r)
    p99 = statistics.median(x[1] for x in r)
    print(f"| {name} | {size} | {rps:,.0f} | {p99:.2f} ms | {rps / base:.2f}x | {sum(x[2] for x in r)} |")
PY

echo
echo "page weight and first contentful paint (headless Chromium, cold cache, median of 9):"
node "$src/bench/pageweight.mjs" "$url" "$src" "http://127.0.0.1:$port/today.html"
if [ -s "$tmp/serve.err" ]; then
	echo "postura serve wrote to standard error:" >&2
	cat "$tmp/serve.err" >&2
fi
