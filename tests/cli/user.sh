#!/bin/bash
# The accounts of clinic mode at the command line (issue 14): user add|list|passwd|
# disable|enable and audit. Passwords come from standard input here (and from a terminal
# through script(1), typed twice, never shown); every bad input is refused with a message
# naming the flag, and nothing is written. Runs on SQLite, and on PostgreSQL as
# cli-user-pg (POSTURA = tests/pg/postura-pg: every --db PATH becomes a schema).
# usage: user.sh POSTURA SOURCE_DIR
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
export POSTURA_NOW=2026-12-07T09:00:00+00:00
unset POSTURA_DB POSTURA_PERSON POSTURA_CRACKLIB_DICT
export XDG_DATA_HOME="$tmp/xdg"

ok() { echo "ok - $1"; }
no() {
	echo "FAIL - $1"
	sed 's/^/#   /' "$tmp/o" "$tmp/e" 2>/dev/null | head -20
	fails=$((fails + 1))
}
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else no "$name"; fi
}
# run PASSWORD ARGS...: postura with PASSWORD on standard input (the first line)
run() {
	local pw=$1
	shift
	printf '%s\n' "$pw" | "$bin" "$@" >"$tmp/o" 2>"$tmp/e"
	code=$?
}
has() { grep -q -- "$1" "$2"; }
hasnt() { ! grep -q -- "$1" "$2"; }
accounts() { "$bin" --db a.db user list --json | grep -c '"email"'; }

good=tulip-harbour-7-violin

# --- user add ---------------------------------------------------------------------------
run "$good" --db a.db user add --role admin --email Admin@Clinic.Example --name "Ida Admin"
check "add admin: exit 0" [ "$code" = 0 ]
check "  says what it added, the email lower-cased" has "Added admin account 1: admin@clinic.example (Ida Admin)" o
run "$good" user add --db a.db --role clinician --email doc@clinic.example --name "Dr Ann Lee"
check "add clinician (--db after the subcommand): exit 0" [ "$code" = 0 ]
run "garden-otter-51-lamp" --db a.db user add --role patient --email Pat@Home.Example --name "Pat Doe" --clinician DOC@clinic.example
check "add patient with a clinician (any case): exit 0" [ "$code" = 0 ]
check "  a patient gets their own person" has "Their records are person 2; their clinician is doc@clinic.example" o
run "garden-otter-51-lamp" --db a.db user add --role patient --email solo@home.example --json
check "a patient may have no clinician" [ "$code" = 0 ]
check "  --json: the new person" has '"person": 3' o
check "  --json: no clinician" has '"clinician": null' o
"$bin" --db a.db person list >"$tmp/o" 2>&1
check "the patients' people are in the database" has "3 people in" o

# --- refusals: exit 2, the flag named, nothing added --------------------------------------
refused() { # NAME PATTERN: exit 2, stderr has PATTERN, still 4 accounts
	check "$1: exit 2" [ "$code" = 2 ]
	check "  says why ($2)" has "$2" e
	check "  and nothing was added" [ "$(accounts)" = 4 ]
}
run short --db a.db user add --role patient --email p2@home.example
refused "a short password" "^postura: password: the password is 5 characters long; it must be at least 10; no account was added"
run chocolate1 --db a.db user add --role patient --email p2@home.example
refused "a dictionary word" "password: the password is too easy to guess"
run password123 --db a.db user add --role patient --email p2@home.example
refused "a common password" "password: the password is one of the most common passwords"
run "p2@home.example-2026" --db a.db user add --role patient --email p2@home.example
refused "the account's own email" "password: the password holds the email's name"
run "$good" --db a.db user add --role patient --email PAT@home.example
refused "a duplicate email (other case)" "^postura: --email: there is already an account with the email pat@home.example (patient, id 3)"
run "$good" --db a.db user add --role patient --email p3@home.example --clinician nobody@clinic.example
refused "an unknown clinician" "^postura: --clinician: there is no account with the email nobody@clinic.example"
run "$good" --db a.db user add --role patient --email p3@home.example --clinician admin@clinic.example
refused "a clinician who is an admin" "^postura: --clinician: admin@clinic.example is an admin account, not a clinician's"
run "$good" --db a.db user add --role clinician --email p3@home.example --clinician doc@clinic.example
refused "--clinician for a clinician" "^postura: --clinician: only a patient has a clinician"
run "$good" --db a.db user add --role nurse --email p3@home.example
refused "an unknown role" "^postura: --role: 'nurse' is not a role (admin, clinician or patient)"
run "$good" --db a.db user add --email p3@home.example
refused "no --role" "^postura: user add needs --role"
run "$good" --db a.db user add --role admin
refused "no --email" "^postura: user add needs --email"
run "$good" --db a.db user add --role admin --email "p3 at home"
refused "not an email" "^postura: --email: the email 'p3 at home' holds ' '"
run "$good" --db a.db user add --role admin --email p3@home
refused "an email without a dotted domain" "^postura: --email: 'p3@home' is not an email address"
run "$good" --db a.db user add --role admin --email p3@home.example --name "$(printf 'x\033[2J')"
refused "a name with a control character" "^postura: --name: the name holds a control character"
run "$good" --db a.db user add --role admin --email p3@home.example --password "$good"
refused "a password as a flag" "^postura: unknown option '--password' for 'user add'"
"$bin" --db a.db user add --role admin --email p3@home.example </dev/null >"$tmp/o" 2>"$tmp/e"
code=$?
refused "no password on standard input" "^postura: no password on standard input"
run "$good" --db a.db user
check "user without a subcommand: exit 2" [ "$code" = 2 ]
run "$good" --db a.db user frob
check "an unknown subcommand: exit 2" [ "$code" = 2 ]
check "  names it" has "unknown user subcommand 'frob'" e

# --- the password is stored hashed (argon2id), shown nowhere ---------------------------------
if [ -f a.db ]; then
	check "no password in the database file" sh -c "! grep -a -q '$good' a.db*"
	check "the stored hash is argon2id" sh -c "sqlite3 a.db 'SELECT password FROM account WHERE id = 1' | grep -q '^\\\$argon2id\\\$v=19\\\$m=19456,t=2,p=1\\\$'"
fi

# --- user list ------------------------------------------------------------------------------
run "" --db a.db user list
check "user list: exit 0" [ "$code" = 0 ]
check "  a table of the accounts" has "4 accounts in" o
check "  the patient with person and clinician" sh -c "grep -q '^ *3  patient  *pat@home.example  *active  *2  *doc@clinic.example  *2026-12-07  Pat Doe' '$tmp/o'"
check "  no hash" hasnt "argon2" o
run "" --db a.db user list --json
check "  --json has no hash either" hasnt "argon2" o
check "  --json: has_password" has '"has_password": true' o
run "" --db a.db user list --role patient --clinician doc@clinic.example
check "user list --clinician: their patients only" [ "$(grep -c '@' o)" = 1 ]
check "  pat" has "pat@home.example" o
run "" --db a.db user list --role doctor
check "user list --role doctor: exit 2" [ "$code" = 2 ]
check "  says why" has "^postura: --role: 'doctor' is not a role" e

# --- passwd, disable, enable --------------------------------------------------------------------
run "new-garden-otter-9" --db a.db user passwd --email PAT@home.example
check "user passwd: exit 0" [ "$code" = 0 ]
check "  says the sessions ended" has "Changed the password of pat@home.example; its sessions were ended" o
run "short" --db a.db user passwd --email pat@home.example
check "user passwd, a weak one: exit 2" [ "$code" = 2 ]
check "  nothing was changed" has "at least 10; nothing was changed" e
run "new-garden-otter-9" --db a.db user passwd --email nobody@home.example
check "user passwd, unknown email: exit 2" [ "$code" = 2 ]
check "  says so" has "^postura: --email: there is no account with the email nobody@home.example" e
run "" --db a.db user passwd
check "user passwd without --email: exit 2" [ "$code" = 2 ]
run "" --db a.db user disable --email solo@home.example
check "user disable: exit 0" [ "$code" = 0 ]
check "  says so" has "Disabled solo@home.example: it cannot log in, and its sessions were ended" o
run "" --db a.db user list --role patient
check "  user list shows it disabled" sh -c "grep -q 'solo@home.example  *disabled' '$tmp/o'"
run "" --db a.db user enable --email solo@home.example
check "user enable: exit 0" [ "$code" = 0 ]
run "" --db a.db user list --role patient
check "  active again" sh -c "grep -q 'solo@home.example  *active' '$tmp/o'"
run "" --db a.db user disable --email nobody@home.example
check "user disable, unknown email: exit 2" [ "$code" = 2 ]

# --- a terminal: asked twice, never shown ------------------------------------------------
if command -v script >/dev/null 2>&1; then
	( sleep 1; printf '%s\n' "$good"; sleep 1; printf '%s\n' "$good" ) |
		script -qec "'$bin' --db a.db user add --role clinician --email tty@clinic.example" /dev/null >"$tmp/o" 2>&1
	check "on a terminal: asked for the password" has "New password for tty@clinic.example" o
	check "  and again" has "The same password again" o
	check "  added" has "Added clinician account 5" o
	check "  the password never shown" hasnt "$good" o
	( sleep 1; printf '%s\n' "$good"; sleep 1; printf '%s\n' "tulip-harbour-8-violin" ) |
		script -qec "'$bin' --db a.db user add --role clinician --email tty2@clinic.example" /dev/null >"$tmp/o" 2>&1
	check "on a terminal, two different passwords: refused" has "the two passwords typed differ; no account was added" o
	"$bin" --db a.db user disable --email tty@clinic.example >/dev/null 2>&1
else
	echo "ok - # SKIP the terminal checks (no script(1))"
	printf '%s\n' "$good" | "$bin" --db a.db user add --role clinician --email tty@clinic.example >/dev/null 2>&1
	"$bin" --db a.db user disable --email tty@clinic.example >/dev/null 2>&1
fi

# --- audit ------------------------------------------------------------------------------
run "" --db a.db audit
check "audit: exit 0" [ "$code" = 0 ]
check "  newest first: the last change on top" sh -c "sed -n 3p '$tmp/o' | grep -q 'command line  *account-disable  *tty@clinic.example'"
check "  each account added, by the command line" [ "$(grep -c 'command line  *account-add' o)" = 5 ]
check "  the password change" has "password-set  *pat@home.example" o
check "  disable and enable" has "account-enable  *solo@home.example" o
check "  no refused add left a trace" hasnt "p2@home.example" o
if [ -f a.db ]; then
	# what the web app writes: a clinician reading a patient's records, from an address
	sqlite3 a.db "INSERT INTO audit (at_epoch, actor_id, action, patient_id, account_id, address) VALUES (1796638800, 2, 'read', 2, 0, '192.0.2.7')"
	run "" --db a.db audit
	check "audit: who read which patient's records, from where" sh -c "grep -q '^2026-12-07 10:20Z  *doc@clinic.example  *read  *patient pat@home.example  *192.0.2.7\$' '$tmp/o'"
	check "  the newest on top" sh -c "sed -n 3p '$tmp/o' | grep -q 'read'"
fi
run "" --db a.db audit --limit 2
check "audit --limit 2: two entries" [ "$(grep -c '^2026-' o)" = 2 ]
check "  says there are more" has "there are more" o
run "" --db a.db audit --since 2026-12-08
check "audit --since a later day: none" has "^0 audit entries" o
run "" --db a.db audit --json --since 2026-12-07T09:00:00Z --limit 1000
check "audit --json: every entry" [ "$(grep -c '"action"' o)" -ge 9 ]
check "  the account's email, no health data" has '"account_email": "tty@clinic.example"' o
run "" --db a.db audit --limit 0
check "audit --limit 0: exit 2" [ "$code" = 2 ]
check "  names the flag" has "^postura: --limit: '0' is not a number of entries" e
run "" --db a.db audit --since yesterday
check "audit --since yesterday: exit 2" [ "$code" = 2 ]
check "  names the flag" has "^postura: --since: 'yesterday' is not a date" e

# --- without the cracklib dictionary: still refuses by length and the list, says so -----
export POSTURA_CRACKLIB_DICT=$tmp/none/cracklib_dict
run short --db a.db user add --role admin --email nodict@clinic.example
check "no dictionary, a short password: exit 2" [ "$code" = 2 ]
run "strawberries-2" --db a.db user add --role admin --email nodict@clinic.example
check "no dictionary, a longer one: added" [ "$code" = 0 ]
check "  with a note that the dictionary is missing" has "note: the cracklib dictionary ($tmp/none/cracklib_dict) cannot be read" e
unset POSTURA_CRACKLIB_DICT

if [ "$fails" -gt 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
