#!/bin/sh
# Runs each libFuzzer harness for a bounded time, starting from its seed corpus.
# usage: scripts/fuzz.sh BUILD_DIR SECONDS
set -eu
build=$1
seconds=$2
src=$(cd "$(dirname "$0")/.." && pwd)
status=0
# The same LeakSanitizer suppressions as `make asan`: fontconfig's caches behind pango's
# font map (fuzz_poses draws text), never freed by design.
export LSAN_OPTIONS="suppressions=$src/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
for h in "$build"/fuzz/fuzz_*; do
	[ -f "$h" ] && [ -x "$h" ] || continue
	name=$(basename "$h" | sed 's/^fuzz_//')
	case $name in
	catalog) seeds="$src/data/exercises $src/tests/reject/catalog" ;;
	session) seeds="$src/fuzz/seeds/session" ;;
	import) seeds="$src/fuzz/seeds/import" ;; # real exports (JSON, CSV) and broken ones
	*) seeds="$src/fuzz/seeds/$name" ;;
	esac
	corpus="$src/fuzz/corpus-$name"
	mkdir -p "$corpus"
	echo "fuzz: $name for ${seconds}s (corpus $corpus, seeds: $seeds)"
	# shellcheck disable=SC2086
	if ! "$h" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$build/fuzz/$name-" -print_final_stats=1 "$corpus" $seeds; then
		echo "fuzz: $name found a problem; the input is under $build/fuzz/" >&2
		status=1
	fi
done
exit $status
