#!/bin/sh
# Many people in one database, at the command line (issue 13): person add/list, --person
# and POSTURA_PERSON on the commands that touch records, POSTURA_DB (the flag wins), an
# unknown person refused by id, serve --person, and migrate --from FILE.db... --to, all
# or nothing.
# usage: person.sh POSTURA SOURCE_DIR
set -u
bin=$1
tmp=$(mktemp -d)
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
export POSTURA_NOW=2026-11-02T08:00:00+00:00
unset POSTURA_DB POSTURA_PERSON
export XDG_DATA_HOME="$tmp/xdg"

ok() { echo "ok - $1"; }
no() {
	echo "FAIL - $1"
	fails=$((fails + 1))
}
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else no "$name"; fi
}
# run ARGS...: postura with stdout in $tmp/o, stderr in $tmp/e, exit status in $code
run() {
	"$bin" "$@" >"$tmp/o" 2>"$tmp/e"
	code=$?
}
has() { grep -q -- "$1" "$2"; }

# --- person add / list ------------------------------------------------------------------
run --db c.db person list
check "a new database has one person, 1" has "^ *1  (no name)" o
check "person list names the database" has "1 person in c.db" o
run --db c.db person add --name "Bea"
check "person add: exit 0" [ "$code" = 0 ]
check "person add prints the new id" has "Added person 2 (Bea)" o
run person add --db c.db --json
check "person add --json gives the id" has '"id": 3' o
run --db c.db person list --json
check "person list --json lists all three" [ "$(grep -c '"id"' o)" = 3 ]
check "person list --json has the name" has '"name": "Bea"' o
run --db c.db person add --name "$(printf 'bad\033[2J')"
check "a name with a control character: exit 2" [ "$code" = 2 ]
check "  and the error names --name" has "^postura: --name: the name holds a control character" e
run --db c.db person list
check "  and nobody was added" [ "$(grep -c '^ \+[0-9]' o)" = 3 ]
run --db c.db person
check "person without a subcommand: exit 2" [ "$code" = 2 ]

# --- --person and POSTURA_PERSON --------------------------------------------------------
run --db c.db checkin --pain 4 --note "A's note"
check "without --person: person 1" [ "$code" = 0 ]
run --db c.db --person 2 checkin --pain 7 --note "B's note"
check "global --person 2: saved" [ "$code" = 0 ]
run --db c.db checkin --pain 6 --note "B again" --person 2
check "--person after the command: saved" [ "$code" = 0 ]
run --db c.db export --format json
check "person 1 sees A's note" has "A's note" o
check "person 1 does not see B's" sh -c "! grep -q \"B's note\" '$tmp/o'"
POSTURA_PERSON=2 run --db c.db export --format json
check "POSTURA_PERSON=2 sees B's notes" [ "$(grep -c '"note"' o)" = 2 ]
check "POSTURA_PERSON=2 does not see A's" sh -c "! grep -q \"A's note\" '$tmp/o'"
POSTURA_PERSON=2 run --db c.db --person 1 export --format json
check "--person wins over POSTURA_PERSON" has "A's note" o
run --db c.db --person 3 history
check "a person with no records: history works" [ "$code" = 0 ]
run --db c.db psfs add "carry the car seat" --person 2
run --db c.db psfs list --person 1
check "psfs: person 1 has none of person 2's activities" has "No activities yet" o
id=$("$bin" --db c.db --person 2 psfs list --json | sed -n 's/.*"id": \([0-9]*\).*/\1/p' | head -n 1)
run --db c.db psfs rate "$id" 5
check "psfs rate of someone else's activity: exit 2" [ "$code" = 2 ]
check "  not found" has "no activity with id $id" e
run --db c.db --person 2 profile set --postpartum-weeks 6 --birth vaginal
run --db c.db profile show
check "profile: person 1 has no profile from person 2" sh -c "[ $code != 0 ] && grep -q 'no saved profile' '$tmp/e'"

# --- an unknown person ------------------------------------------------------------------
for cmd in "history" "checkin --pain 3" "export --format csv" "profile show" "plan" "psfs list" "report --format svg" "screen --list"; do
	# shellcheck disable=SC2086
	run --db c.db --person 9 $cmd
	case "$cmd" in
	"screen --list") continue ;; # shows the questions: reads no records
	esac
	check "$cmd --person 9: exit 2" [ "$code" = 2 ]
	check "$cmd --person 9: the error names the id and the database" has "c.db: there is no person with id 9" e
done
run --db c.db --person 9 checkin --pain 3
run --db c.db person list
check "an unknown person is not created by a write" [ "$(grep -c '^ \+[0-9]' o)" = 3 ]
run --db c.db --person abc history
check "--person abc: exit 2" [ "$code" = 2 ]
check "  says what a person id is" has "'abc' is not a person id" e
POSTURA_PERSON=0 run --db c.db history
check "POSTURA_PERSON=0: exit 2" [ "$code" = 2 ]
check "  names POSTURA_PERSON" has "POSTURA_PERSON: '0' is not a person id" e
run --db c.db catalog list --person 2
check "a command that reads no records refuses --person" [ "$code" = 2 ]

# --- POSTURA_DB ---------------------------------------------------------------------------
POSTURA_DB=env.db run checkin --pain 2 --note "in env.db"
check "POSTURA_DB: saved" [ -f env.db ]
POSTURA_DB=env.db run export --format json
check "POSTURA_DB: read back" has "in env.db" o
POSTURA_DB=env.db run --db c.db export --format json
check "--db wins over POSTURA_DB" has "A's note" o
check "  and reads nothing of POSTURA_DB's" sh -c "! grep -q 'in env.db' '$tmp/o'"
check "the default database was never created" [ ! -e xdg/postura/postura.db ]
run --db "postgresql://u:secret-pw@127.0.0.1:1/none" history
check "an unreachable PostgreSQL database: exit 1" [ "$code" = 1 ]
check "  the error names the host" has "127.0.0.1" e
check "  never the password" sh -c "! grep -q secret-pw '$tmp/e'"

# --- serve --person -------------------------------------------------------------------------
"$bin" --db c.db serve --person 2 --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
srv=$!
port=
for _ in $(seq 100); do
	port=$(sed -n 's/.*http:\/\/127.0.0.1:\([0-9]*\)\/.*/\1/p' "$tmp/serve.out")
	[ -n "$port" ] && break
	sleep 0.1
done
if [ -n "$port" ]; then
	python3 - "$port" >"$tmp/web" <<'EOF'
import json, sys, urllib.request
base = "http://127.0.0.1:%s" % sys.argv[1]
r = urllib.request.urlopen(urllib.request.Request(base + "/api/v1/checkins", method="POST",
    data=json.dumps({"pain": 3, "note": "through serve"}).encode(),
    headers={"Content-Type": "application/json"}))
print("post", r.status)
print(urllib.request.urlopen(base + "/api/v1/export?format=json").read().decode())
EOF
	check "serve --person 2: the check-in is accepted" has "^post 20[01]" web
	check "serve --person 2 shows person 2's records" has "B's note" web
	check "serve --person 2 shows nothing of person 1's" sh -c "! grep -q \"A's note\" '$tmp/web'"
	kill "$srv"
	wait "$srv" 2>/dev/null
	srv=
	run --db c.db --person 2 export --format json
	check "what was posted to serve --person 2 is person 2's" has "through serve" o
	run --db c.db export --format json
	check "  and not person 1's" sh -c "! grep -q 'through serve' '$tmp/o'"
else
	no "serve --person 2 did not start: $(cat "$tmp/serve.err")"
fi
run --db c.db serve --person 9 --listen 127.0.0.1:0
check "serve --person 9 (unknown): exit 2" [ "$code" = 2 ]
check "  names the id" has "no person with id 9" e

# --- migrate --------------------------------------------------------------------------------
"$bin" --db anna.db checkin --pain 4 --note "anna's" >/dev/null
"$bin" --db anna.db profile set --postpartum-weeks 8 --birth caesarean >/dev/null
"$bin" --db anna.db psfs add "lift the car seat" >/dev/null
"$bin" --db anna.db psfs rate 1 3 >/dev/null
"$bin" --db bea.db checkin --pain 6 --note "bea's" >/dev/null
"$bin" --db bea.db checkin --pain 5 >/dev/null
"$bin" --db bea.db export --format json >bea.before
cp c.db c.before.db
run migrate --from anna.db --from bea.db --to c.db
check "migrate two files: exit 0" [ "$code" = 0 ]
check "migrate says which file became which person" has "^anna.db -> person 4 " o
check "  for each file" has "^bea.db -> person 5 " o
run --db c.db person list
check "the new people are named after their files" sh -c "grep -q '^ *4  anna' '$tmp/o' && grep -q '^ *5  bea' '$tmp/o'"
run --db c.db --person 5 export --format json
sed 's/"id": [0-9]*/"id": N/' o >bea.after
sed 's/"id": [0-9]*/"id": N/' bea.before >bea.before.n
check "bea.db's records are person 5's, all of them (ids aside)" cmp -s bea.before.n bea.after
run --db c.db --person 4 export --format json
check "anna.db's profile came along" has '"stage": "postpartum"' o
check "  and her rating" has '"score": 3' o
check "  and nothing of bea's" sh -c "! grep -q \"bea's\" '$tmp/o'"
run --db c.db export --format json
check "person 1 is as before" sh -c "grep -q \"A's note\" '$tmp/o' && ! grep -q \"anna's\" '$tmp/o'"

# all or nothing: a damaged second file
cp anna.db anna2.db
"$bin" --db anna2.db psfs add "walk" >/dev/null
printf 'SQLite format 3\000 but then nothing a database holds' >damaged.db
"$bin" --db c.db export --format csv >c.all.before
"$bin" --db c.db person list >c.people.before
run migrate --from anna2.db --from damaged.db --to c.db
check "a damaged second file: exit 1" [ "$code" = 1 ]
check "  the error names the file" has "damaged.db" e
check "  and says nothing was migrated" has "nothing was migrated" e
"$bin" --db c.db person list >c.people.after
check "  no person was added (not even for the good first file)" cmp -s c.people.before c.people.after
"$bin" --db c.db export --format csv >c.all.after
check "  person 1's records are unchanged" cmp -s c.all.before c.all.after
run migrate --from anna.db --from damaged.db --to new.db
check "into a new file: nothing created on failure" [ ! -e new.db ]
# a record the target refuses: the error names the file and the record
cp bea.db bad.db
python3 -c 'import sqlite3; c = sqlite3.connect("bad.db"); c.execute("PRAGMA ignore_check_constraints = ON"); c.execute("UPDATE checkin SET pain = 42 WHERE note IS NULL"); c.commit()'
run migrate --from anna.db --from bad.db --to c.db
check "a record the target refuses: exit 1" [ "$code" = 1 ]
check "  the error names the file and the record" has "bad.db: check-in 2 (id 2) could not be added" e
"$bin" --db c.db person list >c.people.after
check "  nothing was migrated" cmp -s c.people.before c.people.after
run migrate --from anna.db --to c.db --json
check "migrate --json: the person id" has '"person": 6' o
run migrate --from anna.db
check "migrate without --to: exit 2" [ "$code" = 2 ]
run migrate --from missing.db --to c.db
check "a missing --from file: exit 2, named" sh -c "[ $code = 2 ] && grep -q 'missing.db' '$tmp/e'"
check "  and it was not created" [ ! -e missing.db ]
run migrate --from c.db --to c.db
check "--from the --to database itself: refused" [ "$code" = 2 ]

# --- migrate into PostgreSQL (in tests/pg/with-cluster.sh, which sets POSTURA_TEST_PG) ----
if [ -n "${POSTURA_TEST_PG:-}" ] && [ -n "${POSTURA_TEST_PG_BIN:-}" ]; then
	schema="person_sh_$$"
	"$POSTURA_TEST_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$POSTURA_TEST_PG" \
		-c "CREATE SCHEMA $schema" >/dev/null
	pg="$POSTURA_TEST_PG?options=-csearch_path%3D$schema"
	run migrate --from anna.db --from damaged.db --to "$pg"
	check "PostgreSQL: a damaged second file: exit 1" [ "$code" = 1 ]
	check "  names the file" has "damaged.db" e
	pw=${POSTURA_TEST_PG#*://*:}
	pw=${pw%%@*}
	check "  never the password" sh -c "[ -n '$pw' ] && ! grep -qF '$pw' '$tmp/e'"
	run --db "$pg" person list
	check "  nobody was added" [ "$(grep -c '^ \+[0-9]' o)" = 1 ]
	run migrate --from anna.db --from bea.db --to "$pg"
	check "PostgreSQL: migrate two files: exit 0" [ "$code" = 0 ]
	# (a sequence does not go back: the failed migrate above may have used ids)
	pa=$(sed -n 's/^anna.db -> person \([0-9]*\) .*/\1/p' o)
	pb=$(sed -n 's/^bea.db -> person \([0-9]*\) .*/\1/p' o)
	check "  anna.db and bea.db became new people" sh -c "[ -n '$pa' ] && [ -n '$pb' ] && [ '$pa' -gt 1 ] && [ '$pb' -gt '$pa' ]"
	run --db "$pg" person list
	check "  and only they were added" [ "$(grep -c '^ \+[0-9]' o)" = 3 ]
	run --db "$pg" --person "$pb" export --format json
	sed 's/"id": [0-9]*/"id": N/' o >bea.pg
	check "  bea.db's records are bea's person's, all of them (ids aside)" cmp -s bea.before.n bea.pg
	run --db "$pg" --person "$pa" psfs list
	check "  anna's activity and rating came along" has ": 3" o
	run --db "$pg" --person 1 export --format json
	check "  person 1 has none of theirs" sh -c "! grep -q 'anna' '$tmp/o'"
	run --db "$pg" --person 99 history
	check "  an unknown person on PostgreSQL: exit 2" [ "$code" = 2 ]
	"$POSTURA_TEST_PG_BIN/psql" -X -q "$POSTURA_TEST_PG" -c "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE" >/dev/null
else
	echo "ok - # SKIP migrate into PostgreSQL: POSTURA_TEST_PG is not set (tests/pg/with-cluster.sh sets it)"
fi

[ "$fails" -eq 0 ] && echo "all person checks passed" || echo "$fails check(s) failed"
exit $((fails != 0))
