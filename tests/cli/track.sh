#!/bin/sh
# A person's story through the tracking commands, as one transcript compared with
# tests/cli/track.golden: profile, plan from the saved profile, check-ins, sessions,
# the functional scale, export, import into a fresh store, bad inputs that save nothing,
# backup. The clock is fixed with POSTURA_NOW. GOLDEN_UPDATE=1 rewrites the golden file.
# usage: track.sh POSTURA SOURCE_DIR
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
out="$tmp/transcript"
: >"$out"

run() {
	printf '$ postura %s\n' "$*" | sed "s|$tmp|TMP|g" >>"$out"
	"$bin" --db "$tmp/me.db" "$@" >"$tmp/o" 2>"$tmp/e"
	code=$?
	sed "s|$tmp|TMP|g" "$tmp/o" >>"$out"
	[ -s "$tmp/e" ] && sed "s|$tmp|TMP|g; s/^/! /" "$tmp/e" >>"$out"
	echo "[exit $code]" >>"$out"
	echo >>"$out"
}

export POSTURA_NOW=2026-11-02T08:00:00+00:00
# The country of the numbers to call falls back on the locale: none here.
unset LC_ALL LC_MESSAGES
export LANG=C.UTF-8
# The reminders' time zone, when none is given, is the system's: the same everywhere here.
export TZ=UTC
run plan
run profile show
run profile set --postpartum-weeks 4 --birth caesarean --feeding breast --pain 5 --area upper,neck --triggers feeding,holding
run profile show --json
run profile set --pain 4
run profile set --conditions wrist-or-thumb-pain,leaking --country ie
run profile show
run profile set --conditions sore-toe
run profile set --country narnia
run profile set --conditions none --country none
run profile set --remind-at 7:15 --timezone Europe/London --relief-reminder yes
run profile set --remind-at 25:00
run profile set --timezone Europe/Londn
run profile set --pregnant-weeks 20
run checkin --pain 5 --area upper --note "after the night feeds"
run checkin --pain 11
run checkin --area upper
run checkin --pain 4 --at 2026-11-01T21:30:00+00:00
run checkin --pain 3 --at yesterday
run psfs add "feed the baby for 20 minutes"
run psfs add "carry the car seat"
run psfs rate 1 3
run psfs rate 9 3
run psfs rate 2 11
run psfs list
cat >"$tmp/s1.json" <<'J'
{"pain_before": 5, "pain_after": 3, "exercises": [
 {"id": "chest-opener", "feedback": "easy", "pain": 1},
 {"id": "shoulder-rolls", "feedback": "right"},
 {"id": "chin-nod", "feedback": "hurt", "pain": 5}]}
J
run session log "$tmp/s1.json"
cat >"$tmp/bad.json" <<'J'
{"pain_before": 5, "pain_after": 3, "exercises": [{"id": "chest-openr", "feedback": "fine"}]}
J
run session log "$tmp/bad.json"
export POSTURA_NOW=2026-11-23T08:00:00+00:00
run profile show
run export --format csv
run export --format json --out "$tmp/all.json"
run export --format xml
"$bin" --db "$tmp/fresh.db" import "$tmp/all.json" 2>&1 | sed "s|$tmp|TMP|g" >>"$out"
echo "[fresh import done]" >>"$out"
"$bin" --db "$tmp/fresh.db" export --format json | cmp -s - "$tmp/all.json" && echo "fresh export is identical" >>"$out"
run import "$tmp/all.json"
sed 's/"pain": 5,/"pain": 55,/' "$tmp/all.json" >"$tmp/broken.json"
"$bin" --db "$tmp/other.db" import "$tmp/broken.json" >"$tmp/o" 2>&1
echo "[broken import exit $?]" >>"$out"
sed "s|$tmp|TMP|g" "$tmp/o" >>"$out"
"$bin" --db "$tmp/other.db" export --format csv | wc -l | sed 's/^ */rows in the store after the broken import: /' >>"$out"
run backup "$tmp/copy.db"
run backup "$tmp/copy.db"
"$bin" --db "$tmp/copy.db" checkin --pain 2 >/dev/null && echo "the backup opens and takes a check-in" >>"$out"

# Answers given once are the person's: a plan with profile flags uses them too, says
# when they were given, and asks again once they are too old (exit 4).
export POSTURA_NOW=2026-12-01T08:00:00+00:00
"$bin" --db "$tmp/flags.db" screen --answers "$src/examples/answers.json" >/dev/null
echo "[screen exit $?]" >>"$out"
"$bin" --db "$tmp/flags.db" plan --pregnant-weeks 24 | grep -E '^(Your plan|Safety questions)' >>"$out"
export POSTURA_NOW=2027-01-05T08:00:00+00:00
"$bin" --db "$tmp/flags.db" plan --pregnant-weeks 29 >"$tmp/o" 2>&1
echo "[stale plan with flags exit $?]" >>"$out"
cat "$tmp/o" >>"$out"

# Months later the saved pregnancy has run past 42 weeks: postura says to update it.
export POSTURA_NOW=2027-05-01T08:00:00+00:00
run profile show

# On PostgreSQL (tests/pg/postura-pg) its own transcript: the database's own words for a
# duplicate, and backup pointing to pg_dump. The cluster's port changes every run.
golden="$src/tests/cli/track.golden"
if [ "${POSTURA_TEST_BACKEND:-}" = postgresql ]; then
	golden="$src/tests/cli/track.pg.golden"
	sed -i 's/ port [0-9][0-9]*/ port PORT/g' "$out"
fi
if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
	cp "$out" "$golden"
	echo "updated $golden"
	exit 0
fi
if diff -u "$golden" "$out"; then
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed"
	exit 1
fi
