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

# Error messages quote the input; what they quote is neutralised too.
run a.db checkin --pain "$(printf '1\033]0;pwned\007')"
check "an error quoting an escape prints no ESC or BEL" sh -c "! grep -q \"\$(printf '\033\|\007')\" '$tmp/e'"
printf '%s\r\ncheckin,1,,2026-11-02T08:00:00Z,5,,\033[2J,,,,,,,,,,,,,,\r\n' "$header" >esc.csv
run a.db import esc.csv
check "an import diagnostic quoting an escape prints no ESC" [ "$code" = 2 ] && ! grep -q "$(printf '\033')" "$tmp/e"

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

# --- 2 and 5. text stored by an older postura: repaired by a migration, and said so -----
# (a version 4 database: the repair is migration 5; migration 6 adds the idempotency keys,
# 7 the person's name and version, 8 the deployment's secrets, 9 the calendar reminders)
sql() { python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.text_factory = bytes
for q in sys.argv[2:]:
    r = c.execute(q).fetchall()
    if r: print(r[0][0])
c.commit()' "$@"; }
"$bin" --db old.db checkin --pain 4 --note "fine" >/dev/null
"$bin" --db old.db psfs add "carry the car seat" >/dev/null
v=$(sql old.db "PRAGMA user_version")
# What older versions let in: Latin-1 bytes, a terminal escape, a bidi override.
sql old.db "INSERT INTO checkin (person_id, at_epoch, at_offset, day, pain, areas, note) VALUES (1, 1793692800, 0, 20760, 5, '', CAST(X'636166e9206e6f7465' AS TEXT))" \
	"INSERT INTO checkin (person_id, at_epoch, at_offset, day, pain, areas, note) VALUES (1, 1793692800, 0, 20760, 6, '', 'clear' || char(27) || '[2J' || char(7))" \
	"INSERT INTO psfs_activity (person_id, activity, created_epoch, created_offset) VALUES (1, 'lift ' || char(8238) || 'tas', 1793692800, 0)" \
	"ALTER TABLE profile DROP COLUMN remind_at" "ALTER TABLE profile DROP COLUMN timezone" \
	"ALTER TABLE profile DROP COLUMN relief_reminder" "DROP TABLE calendar_token" \
	"DROP INDEX checkin_idem" "DROP INDEX session_idem" \
	"ALTER TABLE checkin DROP COLUMN idem_key" "ALTER TABLE session DROP COLUMN idem_key" \
	"ALTER TABLE person DROP COLUMN name" "ALTER TABLE person DROP COLUMN version" \
	"PRAGMA user_version = 4"
run old.db history
check "upgrading: the first open says texts were repaired" has "3 texts saved by an older postura were not valid UTF-8 or held control characters" "$tmp/e"
check "upgrading: the message names the records" has "check-in 2, check-in 3, activity 2" "$tmp/e"
check "upgrading: the schema is current" [ "$(sql old.db "PRAGMA user_version")" = "$v" ]
run old.db history
check "upgrading: the second open says nothing" [ ! -s "$tmp/e" ]
run old.db export --format json
check "after the repair the JSON export succeeds" [ "$code" = 0 ]
check "the repaired note reads with U+FFFD" grep -q "\"note\": \"caf$(printf '\357\277\275') note\"" "$tmp/o"
check "the escape was replaced" grep -q "\"note\": \"clear$(printf '\357\277\275')\[2J$(printf '\357\277\275')\"" "$tmp/o"
check "the override was replaced" grep -q "\"activity\": \"lift $(printf '\357\277\275')tas\"" "$tmp/o"
check "the JSON export holds all 3 check-ins" [ "$(grep -c '"note"' "$tmp/o")" = 3 ]
"$bin" --db re.db import "$tmp/o" >/dev/null 2>&1
check "the repaired export imports again" [ "$?" = 0 ]

# --- 2. no export drops a record silently; 5. stored text is neutralised on output -------
# Written behind postura's back after the repair (another program, a damaged file).
"$bin" --db bad.db checkin --pain 4 --note "fine" >/dev/null
"$bin" --db bad.db psfs add "carry the car seat" >/dev/null
sql bad.db "INSERT INTO checkin (person_id, at_epoch, at_offset, day, pain, areas, note) VALUES (1, 1793692800, 0, 20760, 5, '', CAST(X'636166e9' AS TEXT))" \
	"INSERT INTO psfs_activity (person_id, activity, created_epoch, created_offset) VALUES (1, 'sit ' || char(27) || ']0;pwned' || char(7) || char(8238) || 'x' || CAST(X'ff' AS TEXT), 1793692800, 0)"
run bad.db export --format json
check "JSON export of a record it cannot write: exit 1" [ "$code" = 1 ]
check "JSON export names the record" has "check-in 2: the note is not valid UTF-8" "$tmp/e"
check "JSON export wrote nothing to standard output" [ ! -s "$tmp/o" ]
run bad.db export --format csv
check "CSV export of a record it cannot write: exit 1" [ "$code" = 1 ]
run bad.db export --format json --out "$tmp/bad.json"
check "export --out of a record it cannot write: exit 1, no file" [ "$code" = 1 ] && [ ! -e "$tmp/bad.json" ]
check "no temporary file is left" sh -c "! ls '$tmp' | grep -q 'bad.json.tmp'"
run bad.db psfs list --json
check "psfs list --json lists both activities" [ "$code" = 0 ] && [ "$(grep -c '"activity"' "$tmp/o")" = 2 ]
run bad.db psfs list
check "psfs list: exit 0" [ "$code" = 0 ]
check "psfs list prints no ESC, BEL or U+202E" sh -c "! grep -q \"\$(printf '\033\|\007\|\342\200\256')\" '$tmp/o'"
check "psfs list shows U+FFFD where they were" grep -q "sit $(printf '\357\277\275')\]0;pwned" "$tmp/o"
run bad.db history
check "history: exit 0, no ESC printed" [ "$code" = 0 ] && ! grep -q "$(printf '\033')" "$tmp/o"
run bad.db report --format pdf --out "$tmp/bad.pdf"
check "the PDF report of stored bad text: exit 0" [ "$code" = 0 ] && [ -s "$tmp/bad.pdf" ]
if command -v pdftotext >/dev/null 2>&1; then
	check "the PDF shows the activity neutralised" sh -c "pdftotext '$tmp/bad.pdf' - | grep -q 'sit'"
fi
"$bin" --db bad.db serve --listen 127.0.0.1:0 >"$tmp/serve.out" 2>&1 &
spid=$!
i=0
while ! grep -q "serving on" "$tmp/serve.out" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
url=$(sed -n 's/.*serving on \(http[^ ]*\)\/.*/\1/p' "$tmp/serve.out" | head -1)
for path in /report.pdf /chart/psfs.svg /history; do
	st=$(curl -s -o "$tmp/page" -w '%{http_code}' "$url$path")
	check "web $path with stored bad text: 200" [ "$st" = 200 ]
	[ "$path" = /report.pdf ] && continue # binary: checked through pdftotext above
	check "web $path holds no ESC or U+202E" sh -c "! grep -q \"\$(printf '\033\|\342\200\256')\" '$tmp/page'"
done
st=$(curl -s -o "$tmp/page" -w '%{http_code}' "$url/api/v1/export?format=json")
check "web export of a record it cannot write: 500 naming it" [ "$st" = 500 ] && grep -q "check-in 2" "$tmp/page"
kill "$spid"
wait "$spid" 2>/dev/null

# --- 8. a database in a read-only directory can be read ------------------------------
# Root is not stopped by file modes, so as root the read-only commands run as nobody
# (setpriv), on a directory nobody owns but cannot write (0555).
ro="$tmp/ro"
mkdir "$ro"
"$bin" --db "$ro/me.db" profile set --postpartum-weeks 6 --birth vaginal --pain 4 --area upper >/dev/null
"$bin" --db "$ro/me.db" checkin --pain 4 --note "read me" >/dev/null
"$bin" --db "$ro/me.db" psfs add "carry the car seat" >/dev/null
as_user=""
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
		chmod 755 "$tmp"
		chown -R nobody "$ro"
		as_user="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups --"
	else
		echo "# SKIP the read-only checks: running as root without setpriv and a nobody user"
		ro=""
	fi
fi
if [ -n "$ro" ]; then
	chmod 555 "$ro"
	if $as_user sh -c "touch '$ro/x' 2>/dev/null"; then
		echo "# SKIP the read-only checks: the directory stays writable here"
	else
		for cmd in "history" "history --json" "export --format json" "export --format csv" \
			"profile show" "plan" "psfs list" "report --format svg"; do
			# shellcheck disable=SC2086
			$as_user "$bin" --db "$ro/me.db" $cmd >"$tmp/o" 2>"$tmp/e"
			code=$?
			if [ "$code" = 0 ] && [ -s "$tmp/o" ]; then
				ok "read-only directory: $cmd works"
			else
				no "read-only directory: $cmd works (exit $code: $(head -c 300 "$tmp/e"))"
			fi
		done
		$as_user "$bin" --db "$ro/me.db" export --format json >"$tmp/o" 2>/dev/null
		check "read-only directory: the export holds the note" grep -q '"note": "read me"' "$tmp/o"
		$as_user "$bin" --db "$ro/me.db" checkin --pain 3 >"$tmp/o" 2>"$tmp/e"
		check "read-only directory: a check-in fails (exit 1) saying why" [ $? = 1 ] && [ -s "$tmp/e" ]
		mkdir "$tmp/out" && chown nobody "$tmp/out" 2>/dev/null
		$as_user "$bin" --db "$ro/me.db" backup "$tmp/out/copy.db" >"$tmp/o" 2>"$tmp/e"
		check "read-only directory: backup works" [ $? = 0 ]
		$as_user "$bin" --db "$ro/me.db" handout --out "$tmp/out/handout.pdf" >/dev/null 2>"$tmp/e"
		check "read-only directory: handout works" [ $? = 0 ] && [ -s "$tmp/out/handout.pdf" ]
		$as_user "$bin" --db "$ro/me.db" report --out "$tmp/out/report.pdf" >/dev/null 2>"$tmp/e"
		check "read-only directory: the PDF report works" [ $? = 0 ] && [ -s "$tmp/out/report.pdf" ]
		"$bin" --db "$tmp/out/copy.db" export --format json 2>/dev/null | grep -q '"note": "read me"'
		check "read-only directory: the backup holds the note" [ $? = 0 ]
		check "read-only directory: nothing was created in it" [ "$(ls "$ro")" = "me.db" ]
	fi
	chmod 755 "$ro"
fi

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
	while ! grep -q "serving on" "$d/serve.out" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	(umask $um && "$bin" --db "$d/p.db" checkin --pain 3 >/dev/null)
	[ -e "$d/p.db-shm" ] || { echo "# the server did not start:"; cat "$d/serve.out"; }
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
