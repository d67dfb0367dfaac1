#!/bin/sh
# Whole-process time of `postura plan --json` against a baseline program that only
# starts and exits, linked to the same libraries. Both run side by side in one
# hyperfine run; the ratio of medians is the result (target: under 2x).
# usage: bench/plan.sh [BUILD_DIR] [RUNS]
set -eu
build=${1:-build}
runs=${2:-300}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
plan="$build/postura plan --json --pregnant-weeks 24 --pain 4 --area upper,mid --triggers desk,sleep --minutes 15"
hyperfine -N --warmup 30 --runs "$runs" --export-json "$out/plan.json" \
	--command-name baseline "$build/bench/baseline_start" \
	--command-name "postura plan --json" "$plan" >/dev/null
python3 - "$out/plan.json" <<'PY'
import json, sys, statistics
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = statistics.median(r["baseline"]["times"]) * 1000
plan = statistics.median(r["postura plan --json"]["times"]) * 1000
print(f"baseline (start+exit, same libraries): median {base:.3f} ms")
print(f"postura plan --json:                   median {plan:.3f} ms")
print(f"ratio: {plan / base:.2f}x (target < 2x)")
PY
