#!/bin/sh
# A bounded soak of `postura serve`: 64 connections for 2 minutes (SOAK_SECONDS), nine
# reads to a write (bench/soak.lua), RSS sampled every 10 s. Passes when there are no
# errors and RSS at the end is within 2 MB of RSS after the first 10 s.
# usage: bench/soak.sh [POSTURA]      (not part of `make check`: it takes 2 minutes)
set -eu
POSTURA=${1:-build/postura}
SECONDS_=${SOAK_SECONDS:-120}
CONNS=${SOAK_CONNECTIONS:-64}
here=$(cd "$(dirname "$0")" && pwd)
command -v wrk >/dev/null || { echo "soak: wrk is missing (Debian's wrk, scripts/debian-packages.txt)"; exit 77; }
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
POSTURA_NOW=2026-11-18T09:00:00+00:00 "$POSTURA" --db "$tmp/me.db" serve --listen 127.0.0.1:0 \
	>"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 50); do grep -q serving "$tmp/out" && break; sleep 0.1; done
url=$(sed -n 's|.*\(http://[^ ]*\)/$|\1|p' "$tmp/out")
[ -n "$url" ] || { echo "soak: the server did not start"; cat "$tmp/err"; exit 1; }
j='Content-Type: application/json'
curl -sf -X PUT -H "$j" -d '{"pregnant_weeks": 24, "pain": 4, "areas": ["upper"], "triggers": ["desk"], "equipment": ["wall", "chair"], "avoid": [], "minutes": 10}' "$url/api/v1/profile" >/dev/null
curl -sf -X POST -H "$j" -d @"$here/../tests/fixtures/answers-clear.json" "$url/api/v1/screen" >/dev/null
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
(
	i=0
	while [ "$i" -lt $((SECONDS_ / 10)) ]; do
		sleep 10
		i=$((i + 1))
		echo "$((i * 10)) $(rss)"
	done
) >"$tmp/rss" &
sampler=$!
wrk -t2 -c"$CONNS" -d"${SECONDS_}s" --timeout 10s -s "$here/soak.lua" "$url" | tee "$tmp/wrk"
wait "$sampler"
first=$(sed -n 1p "$tmp/rss" | cut -d' ' -f2)
last=$(tail -n1 "$tmp/rss" | cut -d' ' -f2)
echo "soak: RSS (KiB) every 10 s: $(cut -d' ' -f2 "$tmp/rss" | tr '\n' ' ')"
echo "soak: RSS after 10 s $first KiB, at the end $last KiB"
line=$(grep '^soak:' "$tmp/wrk")
errs=$(echo "$line" | sed 's/.* \([0-9]*\) replies of 400.*/\1/')
sock=$(echo "$line" | sed 's/.* \([0-9]*\) socket errors.*/\1/')
if [ "$errs" != 0 ] || [ "$sock" != 0 ] || [ $((last - first)) -gt 2048 ]; then
	echo "soak: FAIL"
	exit 1
fi
echo "soak: ok"
