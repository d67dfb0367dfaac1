#!/bin/sh
# Whole-process time of `postura handout` for a 10-exercise plan (a PDF of 9 pages with
# an illustration per exercise) and of `postura report --format png` over a year of one
# person's daily data, each against the start-and-exit baseline linked the same way,
# in one hyperfine run. usage: bench/documents.sh [BUILD_DIR] [RUNS]
set -eu
build=${1:-build}
runs=${2:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bench/gen_history" "$tmp/year.db" 1
export POSTURA_NOW=2023-01-01T20:00:00+01:00
here=$(cd "$(dirname "$0")/.." && pwd)
handout="$build/postura handout --postpartum-weeks 26 --birth vaginal --equipment band,foam-roller,wall,chair,couch,doorway,mat --minutes 18 --answers $here/tests/fixtures/answers-clear.json --out $tmp/h.pdf"
report="$build/postura --db $tmp/year.db report --format png --out $tmp/r.png"
# one run of each first: they must work, and the handout must hold 10 exercises
$handout
$report
"$build/postura" plan --postpartum-weeks 26 --birth vaginal --equipment band,foam-roller,wall,chair,couch,doorway,mat \
	--minutes 18 --answers "$here/tests/fixtures/answers-clear.json" --json |
	python3 -c 'import json,sys; n=len(json.load(sys.stdin)["exercises"]); assert n == 10, n'
hyperfine -N --warmup 3 --runs "$runs" --export-json "$tmp/h.json" \
	--command-name baseline "$build/bench/baseline_start" \
	--command-name handout "$handout" \
	--command-name report-png "$report" >/dev/null
python3 - "$tmp/h.json" <<'PY'
import json, sys, statistics
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = statistics.median(r["baseline"]["times"]) * 1000
for name, label in (("handout", "postura handout (10 exercises, A4, 9 pages)"),
                    ("report-png", "postura report --format png (1 year)")):
    t = statistics.median(r[name]["times"]) * 1000
    print(f"{label}: median {t:.2f} ms, {t / base:.1f}x the baseline")
print(f"baseline (start+exit, same libraries): median {base:.3f} ms")
PY
