# shellcheck shell=bash
# shellcheck disable=SC2154 # postura, secs: set by the script that sources this
# What bench/people.sh and bench/clinic.sh share (sourced, not run): the throw-away
# PostgreSQL cluster, a temporary directory removed at the end with the server, the
# fixed clock of the seeded year, SQL on either backend, the seeding of PEOPLE people
# (bench/people.sql), postura serve started and stopped, and one wrk run recorded.
#
# A script sets its arguments, then:
#   . "$(dirname "$0")/lib.sh"
#   bench_cluster ARGS...   # runs the script again inside tests/pg/with-cluster.sh
#                           # (with ARGS) unless already in a cluster; sets pgbin
#   bench_tmp NAME          # $tmp, removed at exit (and the server stopped), also on ^C
# Variables it sets: src (the repository), postura (needs build first), pgbin, tmp,
# server, url, exercises, today, first; POSTURA_NOW is exported.

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_name=$(basename "$0")

bench_cluster() { # ARGS: the script's own, to run it again with
	if [ -z "${POSTURA_TEST_PG:-}" ]; then
		export POSTURA_TEST_PG_REQUIRED=1
		exec "$src/tests/pg/with-cluster.sh" "$0" "$@"
	fi
	pgbin=$POSTURA_TEST_PG_BIN
}

server=
tmp=
bench_cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
}
bench_tmp() { # NAME
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/postura-$1.XXXXXX")
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

load() { cut -d' ' -f1 /proc/loadavg; }
psql_admin() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
sql() { # DB-SPEC: SQL on standard input, in that database
	case "$1" in
	postgresql://*) "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -At "$1" ;;
	*) sqlite3 -bail "$1" ;;
	esac
}
seconds_since() { python3 -c "import time; print(f'{time.time() - $1:.1f}')"; }

# A fixed now: a Monday morning (a session day), the end of the seeded year.
export POSTURA_NOW=2026-12-07T09:00:00+00:00
today=$(( $(date -u -d 2026-12-07 +%s) / 86400 ))
first=$((today - 364))

# Person 1 of each database: a profile and clear safety answers, through postura (the
# template every other seeded person's profile is copied from); exercises gets the
# first four exercises of its plan, as people.sql wants them.
exercises=
first_person() { # DB-SPEC...
	local db
	for db in "$@"; do
		"$postura" --db "$db" --person 1 profile set --pregnant-weeks 24 --pain 4 --area upper \
			--area mid --trigger desk --trigger sleep --minutes 10 >/dev/null
		"$postura" --db "$db" --person 1 screen --answers "$src/tests/fixtures/answers-clear.json" \
			>/dev/null
		if [ -z "$exercises" ]; then
			exercises=$("$postura" --db "$db" --person 1 plan --json |
				python3 -c 'import json, sys; p = json.load(sys.stdin)
ids = [e["id"] for e in p["exercises"]][:4]
print(",".join("(%d, %s)" % (i + 1, "\x27" + x + "\x27") for i, x in enumerate(ids)))')
		fi
	done
}

# PEOPLE people with a year of data each (bench/people.sql), in one transaction, then
# MORE-SQL (may be ''), then on PostgreSQL the sequences set past the seeded ids and
# PG-TAIL (ANALYZE...); SQLite seeds with synchronous = NORMAL and a large cache. Prints
# the seconds it took.
seed() { # DB-SPEC PEOPLE MORE-SQL PG-TAIL
	local t0 pragma='' tail=''
	case "$1" in
	postgresql://*) tail="SELECT setval('person_id_seq', (SELECT max(id) FROM person));
		SELECT setval('psfs_activity_id_seq', (SELECT max(id) FROM psfs_activity));
		$4" ;;
	*) pragma="PRAGMA synchronous = NORMAL; PRAGMA cache_size = -200000;" ;;
	esac
	t0=$(date +%s.%N)
	{
		echo "$pragma"
		sed -e "s/:people/$2/g" -e "s/:first/$first/g" -e "s/:today/$today/g" \
			-e "s/:exercises/$exercises/g" "$src/bench/people.sql"
		echo "$3"
		echo "$tail"
	} | sql "$1" >/dev/null
	seconds_since "$t0"
}

# After seeding: the disk written out before anything is measured. PostgreSQL's
# checkpointer otherwise writes the gigabytes of the seed out over the next minutes
# (checkpoint_timeout), and the first round's writes (SQLite's fsyncs too) waited behind
# it: SQLite check-ins had a p99 of 195 ms in round 1 and 9 ms in rounds 2 and 3.
settle() {
	psql_admin "$POSTURA_TEST_PG_ADMIN" -c CHECKPOINT >/dev/null
	sync
}

# postura serve on a free loopback port (its output in $tmp/serve.out and .err): server
# is its pid, url its address; a first GET of each PATH warms it.
start_serve() { # DB-SPEC "SERVE-ARGS" PATH...
	local db=$1 args=$2
	shift 2
	# shellcheck disable=SC2086 # the serve arguments are words
	"$postura" --db "$db" serve $args --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
	server=$!
	url=
	for _ in $(seq 50); do
		url=$(sed -n 's|.*serving on \(http://[^ ]*\)/$|\1|p' "$tmp/serve.out")
		[ -n "$url" ] && break
		sleep 0.2
	done
	[ -n "$url" ] || { echo "$bench_name: postura serve did not start" >&2; cat "$tmp/serve.err" >&2; exit 1; }
	local path
	for path in "$@"; do
		curl -sf "$url$path" -o /dev/null
	done
}
stop_server() {
	kill "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	server=
}

# wrk -t2 -c64 for $secs seconds, its figures appended to $tmp/results as "NAME REQ/S
# P99 ERRORS LOAD" and said on standard output. BENCH_WARM=SECONDS: a wrk run of that
# long first, not measured (the server opens its store connections as requests first
# need them: on PostgreSQL a new session's first statements are slow, and a short run's
# p99 is then that of the start).
run_wrk() { # NAME URL [WRK-ARGS]
	local name=$1 u=$2 l rps p99 errs sock
	shift 2
	[ "${BENCH_WARM:-0}" -gt 0 ] && wrk -t2 -c64 -d"${BENCH_WARM}s" "$@" "$u" >/dev/null 2>&1
	l=$(load)
	wrk -t2 -c64 -d"${secs}s" --latency "$@" "$u" >"$tmp/wrk.out" 2>&1
	rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$tmp/wrk.out")
	p99=$(awk '$1 == "99%" { print $2 }' "$tmp/wrk.out")
	errs=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$tmp/wrk.out")
	sock=$(sed -n 's/.*Socket errors: *\(.*\)/\1/p' "$tmp/wrk.out")
	echo "$name $rps $p99 ${errs:-0} $l" >>"$tmp/results"
	echo "  $name: $rps req/s, p99 $p99${errs:+, $errs errors}${sock:+, socket errors: $sock}, load $l"
	# Errors: what the server said meanwhile (its 5xx are logged; a 4xx is not)
	if [ -n "$errs$sock" ] && [ -s "$tmp/serve.err" ]; then
		echo "  $name: postura serve's standard error, last lines:"
		tail -n 5 "$tmp/serve.err" | sed 's/^/    /'
	fi
}

# After the run: what the server said on standard error, if anything.
serve_errors() {
	if [ -s "$tmp/serve.err" ]; then
		echo "postura serve wrote to standard error:" >&2
		cat "$tmp/serve.err" >&2
	fi
}
