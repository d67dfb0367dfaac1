#!/bin/sh
# Golden tests of the command-line output. Each tests/golden/cases/NAME.args holds the
# arguments of one run of postura (shell words, run from the source directory, so
# paths are relative to it); NAME.stdin, when present, is its standard input. The run's
# stdout, stderr and exit code are compared with NAME.golden.
# GOLDEN_UPDATE=1 rewrites the golden files instead.
set -u
bin=$1
src=$2
cases="$src/tests/golden/cases"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
for args_file in "$cases"/*.args; do
	name=$(basename "$args_file" .args)
	n=$((n + 1))
	args=$(cat "$args_file")
	stdin_file="$cases/$name.stdin"
	[ -f "$stdin_file" ] || stdin_file=/dev/null
	# Each case has a store of its own (screen saves its answers), empty at the start.
	mkdir -p "$tmp/data-$n"
	(cd "$src" && eval "set -- $args" &&
		XDG_DATA_HOME="$tmp/data-$n" "$bin" "$@" <"$stdin_file" >"$tmp/out" 2>"$tmp/err")
	code=$?
	{
		cat "$tmp/out"
		if [ -s "$tmp/err" ]; then
			echo "--- stderr ---"
			cat "$tmp/err"
		fi
		echo "--- exit $code ---"
	} >"$tmp/got"
	# What a person reads never names a seed article's file, a .txt or the clinical notes.
	if grep -n -E '\.txt|CLINICAL|76b21cfc46aee9e1|c114bc2f99dd1238|2ae65360e1a3053d|b62518faaa3fd37d' "$tmp/got" >"$tmp/leak"; then
		echo "FAIL $name: the output names a source file:"
		head -5 "$tmp/leak"
		fail=$((fail + 1))
		continue
	fi
	# Nor an outcome's code ("(see-provider)"): the words say it; --json has the codes.
	if grep -n -E '\((emergency|same-day|see-provider|clearance|note)\)' "$tmp/got" >"$tmp/leak"; then
		echo "FAIL $name: the output shows an outcome's code:"
		head -5 "$tmp/leak"
		fail=$((fail + 1))
		continue
	fi
	if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
		cp "$tmp/got" "$cases/$name.golden"
	elif ! diff -u "$cases/$name.golden" "$tmp/got" >"$tmp/diff" 2>&1; then
		echo "FAIL $name: output differs from $name.golden"
		head -60 "$tmp/diff"
		fail=$((fail + 1))
	else
		echo "ok   $name"
	fi
done
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
