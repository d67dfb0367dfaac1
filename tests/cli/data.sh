#!/bin/sh
# The data findings of issue 12, each as a person meets it at the command line: text
# that is not UTF-8 or holds control characters refused at every entry (nothing
# written) and neutralised on output when stored before; the repair migration; no
# export dropping a record; files 0600 whatever the umask; a read-only database read;
# the CSV formula guard's round trip.
# usage: data.sh POSTURA SOURCE_DIR
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
export POSTURA_NOW=2026-11-02T08:00:00+00:00

ok() { echo "ok - $1"; }
no() {
	echo "FAIL - $1"
	fails=$((fails + 1))
}
# check NAME COMMAND...: the command must succeed
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else no "$name"; fi
}
# run DB ARGS...: postura with stdout in $tmp/o, stderr in $tmp/e, exit status in $code
run() {
	db=$1
	shift
	"$bin" --db "$db" "$@" >"$tmp/o" 2>"$tmp/e"
	code=$?
}
has() { grep -q -- "$1" "$2"; }
rows() { "$bin" --db "$1" export --format csv | wc -l; }

header='record,id,parent_id,at,pain,pain_after,areas,note,exercise,feedback,activity,score,stage,weeks,anchor,birth,feeding,triggers,equipment,avoid,minutes'

# --- 2. text that is not UTF-8 is refused at every entry -----------------------------
run a.db checkin --pain 3 --note "$(printf 'caf\351 au lait')"
check "checkin --note in Latin-1: exit 2" [ "$code" = 2 ]
check "checkin --note in Latin-1: names --note and UTF-8" has "--note: is not valid UTF-8" "$tmp/e"
check "checkin --note in Latin-1: no database written" [ ! -e a.db ]
run a.db psfs add "$(printf 'carry the car seat \377')"
check "psfs add in Latin-1: exit 2" [ "$code" = 2 ]
check "psfs add in Latin-1: names the activity" has "ACTIVITY: is not valid UTF-8" "$tmp/e"
printf '%s\r\ncheckin,1,,2026-11-02T08:00:00Z,5,,,ok,,,,,,,,,,,,,\r\ncheckin,2,,2026-11-02T08:00:00Z,5,,,caf\351,,,,,,,,,,,,,\r\n' "$header" >latin1.csv
run a.db import latin1.csv
check "import of a Latin-1 CSV: exit 2" [ "$code" = 2 ]
check "import of a Latin-1 CSV: names line 3 and the column" has "latin1.csv:3:.*column note: is not valid UTF-8" "$tmp/e"
check "import of a Latin-1 CSV: nothing written" [ ! -e a.db ]

# --- 5. control characters are refused at entry --------------------------------------
run a.db checkin --pain 3 --note "$(printf 'hello\033]0;pwned\007')"
check "checkin --note with ESC: exit 2" [ "$code" = 2 ]
check "checkin --note with ESC: names the field and the character" has "--note: holds a control character (U+001B" "$tmp/e"
run a.db checkin --pain 3 --note "$(printf 'tab\there')"
check "checkin --note with a tab: exit 2" [ "$code" = 2 ]
run a.db psfs add "$(printf 'carry \342\200\256tas ytrid')"
check "psfs add with U+202E: exit 2" [ "$code" = 2 ]
check "psfs add with U+202E: names it" has "U+202E" "$tmp/e"
run a.db psfs add "$(printf 'carry \302\233c')"
check "psfs add with a C1 control: exit 2" [ "$code" = 2 ]
run a.db psfs add "$(printf 'carry \342\201\246x')"
check "psfs add with U+2066 (an isolate): exit 2" [ "$code" = 2 ]
check "nothing was written by the refused entries" [ ! -e a.db ]
run a.db checkin --pain 3 --note "$(printf 'two\nlines, caf\303\251 \342\200\224 fine')"
check "a note with a line break and accents is saved" [ "$code" = 0 ]
cat >ctl.json <<'J'
{"format": "postura-export", "version": 1, "plan_minutes": [], "checkins": [
 {"id": 1, "at": "2026-11-02T08:00:00Z", "pain": 5, "areas": [], "note": "bell \u0007"}],
 "sessions": [], "psfs": [{"id": 1, "activity": "lift \u202e", "created": "2026-11-02T08:00:00Z", "ratings": []}]}
J
run b.db import ctl.json
check "import of control characters (JSON escapes): exit 2" [ "$code" = 2 ]
check "import names checkins[0].note" has "checkins\[0\].note: holds a control character (U+0007" "$tmp/e"
check "import names psfs[0].activity" has "psfs\[0\].activity: holds a control character (U+202E" "$tmp/e"

# --- 11. the CSV formula guard ----------------------------------------------------------
rm -f g.db h.db
"$bin" --db g.db checkin --pain 3 --note " =1+1" >/dev/null
"$bin" --db g.db checkin --pain 3 --note "fine;=HYPERLINK(\"x\");  -2;'quoted;ok" >/dev/null
"$bin" --db g.db checkin --pain 3 --note "'apostrophe" >/dev/null
"$bin" --db g.db psfs add "carry; @SUM(1)" >/dev/null
"$bin" --db g.db export --format csv >g.csv
check "a leading space before = is guarded" grep -qF "\"' =1+1\"" g.csv
check "a formula after ; is guarded" grep -q "fine;'=HYPERLINK" g.csv
check "spaces then - after ; is guarded" grep -q ";'  -2;" g.csv
check "@ after ; in an activity is guarded" grep -q "carry;' @SUM(1)" g.csv
# No cell of any ;-separated piece starts (after spaces) with = + - @ unguarded.
unguarded() { tr ';,' '\n\n' <g.csv | sed 's/^"//; s/^ *//' | grep -q '^[=+@-]'; }
if unguarded; then no "no ;-piece starts with a formula"; else ok "no ;-piece starts with a formula"; fi
"$bin" --db h.db import g.csv >/dev/null
"$bin" --db h.db export --format csv >h.csv
check "CSV round trip: export, import, export is identical" cmp -s g.csv h.csv
"$bin" --db h.db export --format json >h.json
check "the guarded texts read back exactly" grep -q '"note": " =1+1"' h.json
check "the ;-text reads back exactly" grep -q "\"note\": \"fine;=HYPERLINK(\\\\\"x\\\\\");  -2;'quoted;ok\"" h.json

# --- 4. every file holding health data is 0600, whatever the umask --------------------
mode() { stat -c %a "$1"; }
for um in 022 000; do
	d="$tmp/perm$um"
	mkdir "$d"
	(
		umask $um
		"$bin" --db "$d/p.db" profile set --postpartum-weeks 6 --birth vaginal --pain 4 --area upper >/dev/null
		"$bin" --db "$d/p.db" checkin --pain 4 --note "private" >/dev/null
		"$bin" --db "$d/p.db" backup "$d/copy.db" >/dev/null
		"$bin" --db "$d/p.db" export --format json --out "$d/all.json"
		"$bin" --db "$d/p.db" report --out "$d/report.pdf"
		"$bin" --db "$d/p.db" report --out "$d/report.svg"
		"$bin" --db "$d/p.db" handout --out "$d/handout.pdf"
		# The server keeps the database open: its -wal and -shm exist while it runs.
		"$bin" --db "$d/p.db" serve --listen 127.0.0.1:0 >"$d/serve.out" 2>&1 &
		echo $! >"$d/serve.pid"
	)
	pid=$(cat "$d/serve.pid")
	i=0
	while [ ! -e "$d/p.db-shm" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	(umask $um && "$bin" --db "$d/p.db" checkin --pain 3 >/dev/null)
	for f in p.db p.db-wal p.db-shm copy.db all.json report.pdf report.svg handout.pdf; do
		if [ -e "$d/$f" ] && [ "$(mode "$d/$f")" = 600 ]; then
			ok "umask $um: $f is 0600"
		else
			no "umask $um: $f is 0600 (it is $(mode "$d/$f" 2>&1))"
		fi
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
# A database an older postura left world-readable is made private when next opened.
cp "$tmp/perm022/copy.db" "$tmp/old.db"
chmod 644 "$tmp/old.db"
"$bin" --db "$tmp/old.db" checkin --pain 2 >/dev/null
check "a 0644 database is made 0600 on opening" [ "$(mode "$tmp/old.db")" = 600 ]

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
