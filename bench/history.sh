#!/bin/sh
# Whole-process time of `postura history --json` over five years of one person's daily
# data, against the start-and-exit baseline linked the same way, in one hyperfine run.
# Target: under 3x the baseline. usage: bench/history.sh [BUILD_DIR] [RUNS]
set -eu
build=${1:-build}
runs=${2:-50}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bench/gen_history" "$tmp/five-years.db" 5
export POSTURA_NOW=2026-12-31T20:00:00+01:00
hyperfine -N --warmup 5 --runs "$runs" --export-json "$tmp/h.json" \
	--command-name baseline "$build/bench/baseline_start" \
	--command-name "postura history --json" "$build/postura --db $tmp/five-years.db history --json" >/dev/null
python3 - "$tmp/h.json" <<'PY'
import json, sys, statistics
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = statistics.median(r["baseline"]["times"]) * 1000
hist = statistics.median(r["postura history --json"]["times"]) * 1000
print(f"baseline (start+exit, same libraries): median {base:.3f} ms")
print(f"postura history --json (5 years):      median {hist:.3f} ms")
print(f"ratio: {hist / base:.2f}x (target < 3x)")
PY
