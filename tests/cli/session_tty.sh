#!/bin/sh
# The guided session (`postura session`) driven for real in a terminal: tmux runs it,
# send-keys presses the keys, capture-pane reads the screen. Four runs:
#  A. the built-in catalogue with POSTURA_FAST=1 (every second passes at once), not
#     screened: the confirmation, the stop signs, every exercise's steps and cues, holds,
#     sides, breaths, sets and rests; b and n at the introductions; feedback and pain;
#     the session must land in the store as given.
#  B. real time, screened, with a catalogue whose shoulder rolls have no tempo (a key
#     per repetition): the countdown ticks, space pauses it, b goes back a set, q logs
#     what was done.
#  C. screened: a warning sign gives no session; a plan that needs a provider's OK asks
#     for it first.
#  D. not a terminal: exit 2, pointing at `session log`.
#  E. `postura screen` answered all no in the terminal: the answers are saved, and
#     `postura plan` and `postura session` use them without --answers, until they are
#     too old (exit 4).
#  F. every exercise skipped: no "Well done", no session logged, the pain before kept
#     as today's check-in (with the advice at 7/10).
# Skipped (exit 77) when tmux is missing.
# usage: session_tty.sh POSTURA SOURCE_DIR
set -u
bin=$1
src=$2
if ! command -v tmux >/dev/null 2>&1; then
	echo "tmux is not installed: skipping the terminal test of 'postura session' (apt-get install tmux)"
	exit 77
fi
tmp=$(mktemp -d)
# One tmux server per run, each on its own socket: a server that is killed removes its
# socket as it goes, which could take a new server's socket of the same name with it.
sock=
socks=
cleanup() {
	# SESSION_TTY_KEEP=DIR keeps the screens, to look at them.
	if [ -n "${SESSION_TTY_KEEP:-}" ]; then
		for r in a b c f; do
			[ -f "$tmp/screen-$r.txt" ] && cp "$tmp/screen-$r.txt" "$SESSION_TTY_KEEP/"
		done
	fi
	for s in $socks; do
		tmux -L "$s" kill-server 2>/dev/null
		rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$s"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
passed=0
db="$tmp/me.db"
export POSTURA_NOW=2026-11-02T08:00:00+00:00
export LANG=C.UTF-8
unset LC_ALL LC_CTYPE

ok() {
	passed=$((passed + 1))
	echo "ok   $1"
}
bad() {
	fail=$((fail + 1))
	echo "FAIL $1"
}
check() { # check NAME COMMAND...: a check that passes when the command does
	name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

# The whole screen with its history, as text (tmux drops the escape sequences).
screen() {
	tmux -L "$sock" capture-pane -p -J -S - -E - -t pst
}
# The last non-empty line on the screen.
last_line() {
	screen | grep -v '^ *$' | tail -n 1
}
# Waits until the screen shows PATTERN (a fixed string) at least N times (default 1).
wait_for() {
	want=${2:-1}
	i=0
	while [ $i -lt 100 ]; do
		n=$(screen | grep -cF -- "$1")
		[ "$n" -ge "$want" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "timed out waiting for '$1' (x$want); the screen:"
	screen | grep -v '^ *$' | tail -n 25
	screen >"$tmp/screen-$run.txt"
	return 1
}
keys() {
	tmux -L "$sock" send-keys -t pst "$@"
}
# Starts postura ARGS in a new terminal of 100x50; when it ends, the exit code and
# the terminal's settings are kept in $tmp/exit and $tmp/stty.
start() {
	[ -n "$sock" ] && tmux -L "$sock" kill-server 2>/dev/null
	sock="postura-test-$$-$(echo $socks | wc -w)"
	socks="$socks $sock"
	rm -f "$tmp/exit" "$tmp/stty"
	cat >"$tmp/run.sh" <<EOF
#!/bin/sh
export POSTURA_NOW=$POSTURA_NOW LANG=$LANG POSTURA_FAST=$fast
"$bin" --db "$db" "\$@"
echo \$? >"$tmp/exit.tmp"
stty -a >"$tmp/stty"
mv "$tmp/exit.tmp" "$tmp/exit"
sleep 600
EOF
	chmod +x "$tmp/run.sh"
	printf 'set -g history-limit 50000\n' >"$tmp/tmux.conf"
	tmux -u -L "$sock" -f "$tmp/tmux.conf" new-session -d -s pst -x 100 -y 50 "$tmp/run.sh $*"
}
wait_exit() {
	i=0
	while [ ! -f "$tmp/exit" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	cat "$tmp/exit" 2>/dev/null || echo none
}

"$bin" --db "$db" profile set --postpartum-weeks 12 --birth vaginal --feeding breast \
	--equipment band,wall,chair,mat --minutes 12 --triggers feeding,desk >/dev/null || exit 1
"$bin" --db "$db" plan --json >"$tmp/plan.json" || exit 1
# What the test relies on in this plan; it names the change when the plan moves.
python3 - "$tmp/plan.json" >"$tmp/plan.txt" <<'EOF' || exit 1
import json, sys
p = json.load(open(sys.argv[1]))
ex = p["exercises"]
need = {
    "an exercise done on each side": any(e["dose"]["per_side"] for e in ex),
    "an exercise of breaths": any("breaths" in e["dose"] for e in ex),
    "an exercise of holds": any("hold_s" in e["dose"] for e in ex),
    "an exercise of several sets": any(e["dose"]["sets"] > 1 for e in ex),
    "an exercise of paced reps": any("rep_s" in e["dose"] and "hold_s" not in e["dose"] for e in ex),
    "at least 6 exercises": len(ex) >= 6,
}
for what, ok in need.items():
    if not ok:
        sys.exit("the plan of this test no longer has " + what)
for e in ex:
    print(e["id"], e["name"], sep="\t")
EOF
n_ex=$(wc -l <"$tmp/plan.txt")
name_of() { sed -n "${1}p" "$tmp/plan.txt" | cut -f2; }
id_of() { sed -n "${1}p" "$tmp/plan.txt" | cut -f1; }

# --- A: a whole session, fast ----------------------------------------------------------
run=a
fast=1
start session
wait_for "type yes and press Enter" || exit 1
check "A: says the safety questions are not answered" wait_for "You have not answered the safety questions"
keys s
wait_for "Press any key to go back" || exit 1
check "A: s shows the stop signs" wait_for "STOP SIGNS"
check "A: the stop signs say whom to call" wait_for "Emergency numbers: 999 in the UK, 112 in the EU and India, 911"
check "A: the stop signs are the stage's" wait_for "Heavy or increasing bleeding"
keys x
wait_for "type yes and press Enter" 2 || exit 1
keys y e s Enter
wait_for "do you have any of these today?" || exit 1
check "A: the stop signs are asked before the session, the stage's" wait_for "Heavy or increasing bleeding"
keys n
wait_for "Your back pain now, 0 (none) to 10" || exit 1
keys 5 Enter
# Each exercise: its introduction, then Enter. At the third, b goes back to the second
# and n returns; the one before last is skipped with n.
intro=0
skip=$((n_ex - 1))
for k in $(seq 1 "$n_ex"); do
	intro=$((intro + 1))
	wait_for "Enter start" "$intro" || exit 1
	check "A: exercise $k shows its name" wait_for "$k of $n_ex · $(name_of "$k")"
	if [ "$k" = 3 ]; then
		keys b
		intro=$((intro + 1))
		wait_for "Enter start" "$intro" || exit 1
		check "A: b goes back to exercise 2" wait_for "2 of $n_ex · $(name_of 2)" 2
		keys n
		intro=$((intro + 1))
		wait_for "Enter start" "$intro" || exit 1
		check "A: n from exercise 2 comes back to 3" wait_for "3 of $n_ex · $(name_of 3)" 2
	fi
	if [ "$k" = "$skip" ]; then keys n; else keys Enter; fi
done
wait_for "That is the whole session" || exit 1
screen >"$tmp/screen-a.txt"
for want in "How to do it" "Think about" "Breathing:" "Dose:" "Get into position… go" \
	"Left side" "Right side" "Now the right side… go" "Set 1 of " "Set 2 of " \
	"Rest over · next set" "slow breaths done ✓" "reps done ✓"; do
	check "A: the screens show '$want'" grep -qiF -- "$want" "$tmp/screen-a.txt"
done
check "A: the screens show a hold done" grep -qE "(Hold|holds) of [0-9]+ s done ✓" "$tmp/screen-a.txt"
check "A: each exercise names its sources, readable" grep -qE "Sources: [A-Z].* (n\.d\.|[0-9]{4}), " "$tmp/screen-a.txt"
check "A: no seed file name, .txt or CLINICAL on the screen" sh -c "! grep -E '\.txt|CLINICAL|76b21cfc46aee9e1|c114bc2f99dd1238|2ae65360e1a3053d|b62518faaa3fd37d' '$tmp/screen-a.txt'"
# Feedback for every exercise done (all but the skipped one): e r h x in turn.
set -- e r h x e r h x
fb=0
for k in $(seq 1 "$n_ex"); do
	[ "$k" = "$skip" ] && continue
	fb=$((fb + 1))
	wait_for "e, r, h or x:" "$fb" || exit 1
	keys "$1"
	shift
	wait_for "Pain during it, 0-10" "$fb" || exit 1
	if [ $((fb % 2)) = 1 ]; then keys "$fb" Enter; else keys Enter; fi
done
wait_for "after the session, 0 to 10" || exit 1
keys 3 Enter
check "A: exits 0" [ "$(wait_exit)" = 0 ]
check "A: says the session is saved" wait_for "Saved session 1: $((n_ex - 1)) exercises at 2026-11-02T08:00:00Z."
check "A: says what changes next time" wait_for "No change yet:"
check "A: the summary, as the web says it" wait_for "$((n_ex - 1)) exercises done. Pain 5/10 before, 3/10 after."
check "A: gives the terminal back (echo, line editing)" grep -q " icanon .*echo " "$tmp/stty"
screen >"$tmp/screen-a.txt"
check "A: a single hold says 'Hold', never '1 of 1'" sh -c "! grep -qE '(Hold|Rep|hold|rep)[^0-9]{0,6}1 of 1([^0-9]|\$)' '$tmp/screen-a.txt'"
"$bin" --db "$db" export --format json >"$tmp/export.json"
skipped_id=$(id_of "$skip")
check "A: the store has the session as given" python3 - "$tmp/export.json" "$tmp/plan.txt" "$skipped_id" <<'EOF'
import json, sys
rs = json.load(open(sys.argv[1]))
ids = [l.split("\t")[0] for l in open(sys.argv[2])]
done = [i for i in ids if i != sys.argv[3]]
(s,) = rs["sessions"]
want_fb = ["easy", "right", "hard", "hurt"] * 2
got = [(e["id"], e["feedback"], e["pain"]) for e in s["exercises"]]
want = [(i, want_fb[k], k + 1 if k % 2 == 0 else None) for k, i in enumerate(done)]
if (s["pain_before"], s["pain_after"], s["at"]) != (5, 3, "2026-11-02T08:00:00Z") or got != want:
    sys.exit("got %r\nwant %r" % (s, want))
EOF

# --- B: real time, a key per repetition --------------------------------------------------
cat_dir="$tmp/catalog"
cp -r "$src/data/exercises" "$cat_dir"
sed -i '/^  rep_s:/d' "$cat_dir/shoulder-rolls.yaml"
# A store of its own: the feedback of A would move this plan on.
run=b
db="$tmp/b.db"
"$bin" --db "$db" profile set --postpartum-weeks 12 --birth vaginal --feeding breast \
	--equipment band,wall,chair,mat --minutes 12 --triggers feeding,desk >/dev/null || exit 1
"$bin" --catalog "$cat_dir" --db "$db" plan --json | python3 -c '
import json, sys
sys.exit(json.load(sys.stdin)["exercises"][0]["id"] != "shoulder-rolls")' ||
	bad "B: the plan no longer starts with shoulder rolls"
fast=
start --catalog "$cat_dir" session --answers "$src/tests/fixtures/answers-clear.json"
wait_for "do you have any of these today?" || exit 1
check "B: screened, the stop signs are still asked" wait_for "n  none of these today, go on"
keys n
wait_for "Your back pain now, 0 (none) to 10" || exit 1
check "B: with answers, no confirmation is asked" sh -c "! tmux -L $sock capture-pane -p -t pst | grep -q 'type yes'"
keys 2 Enter
wait_for "Enter start" || exit 1
keys Enter
wait_for "Get into position… " || exit 1
first=$(last_line)
sleep 2.2
second=$(last_line)
echo "     countdown: '$first' then '$second'"
check "B: the countdown ticks in seconds" [ "$first" != "$second" ]
keys Space
wait_for "Paused · space to go on" || exit 1
first=$(last_line)
sleep 1.5
second=$(last_line)
check "B: space pauses the countdown" [ "$first" = "$second" ]
keys Space
wait_for "Rep 1 of 5 · press Enter after each one" || exit 1
check "B: without a tempo, a key per repetition" true
for r in 2 3 4 5; do
	keys Enter
	wait_for "Rep $r of 5" || exit 1
done
keys Enter
check "B: five Enters, five reps" wait_for "5 reps done ✓"
wait_for "Rest " || exit 1
keys n
check "B: n skips the rest" wait_for "Set 2 of 2"
wait_for "Rep 1 of 5 · press Enter" || exit 1
check "B: the rest skipped says so" wait_for "· skipped"
keys b
check "B: b goes back to the set before, and its get-ready step" wait_for "space pause · n next" 2
keys q
wait_for "Log what you did (1 exercise) first?" || exit 1
keys y
wait_for "e, r, h or x:" || exit 1
keys e
wait_for "Pain during it" || exit 1
keys Enter
wait_for "after the session, 0 to 10" || exit 1
keys 1 Enter
check "B: exits 0" [ "$(wait_exit)" = 0 ]
check "B: saved" wait_for "Saved session 1: 1 exercise at"
check "B: only the exercise done was asked about" [ "$(screen | grep -cF 'e, r, h or x:')" = 1 ]
screen >"$tmp/screen-b.txt"
"$bin" --db "$db" export --format json >"$tmp/export.json"
check "B: the store has the second session" python3 - "$tmp/export.json" <<'EOF'
import json, sys
(s,) = json.load(open(sys.argv[1]))["sessions"]
got = (s["pain_before"], s["pain_after"], [(e["id"], e["feedback"], e["pain"]) for e in s["exercises"]])
if got != (2, 1, [("shoulder-rolls", "easy", None)]):
    sys.exit("got %r" % (got,))
EOF

# --- C: screening decides first ------------------------------------------------------------
run=c
fast=1
start session --answers "$src/tests/fixtures/answers-emergency.json"
check "C: a warning sign: exit 3" [ "$(wait_exit)" = 3 ]
check "C: no session, whom to call instead" wait_for "No session: your answers need a professional"
check "C: ... and how urgently" wait_for "Call emergency services now"
# The clearance in these answers is a pregnancy question: a pregnant profile of its own.
db="$tmp/c.db"
"$bin" --db "$db" profile set --pregnant-weeks 24 --minutes 8 >/dev/null || exit 1
start session --answers "$src/tests/fixtures/answers-clearance.json"
wait_for "Has your provider said these exercises are OK for you?" || exit 1
keys n o Enter
check "C: clearance not given: exit 0" [ "$(wait_exit)" = 0 ]
check "C: clearance not given: nothing logged" wait_for "Stopped: start once your provider says it is OK. Nothing was logged."
screen >"$tmp/screen-c.txt"
check "C: clearance not given: the store has no session" [ "$("$bin" --db "$db" export --format csv | grep -c '^session,')" = 0 ]

# A stop sign today: no session, whom to call, nothing logged.
start session --answers "$src/tests/fixtures/answers-clear.json"
wait_for "do you have any of these today?" || exit 1
keys y
check "C: a stop sign today: exit 3" [ "$(wait_exit)" = 3 ]
check "C: a stop sign today: no session, whom to call" wait_for "No session today: with any of these signs, do not exercise."
check "C: a stop sign today: nothing logged" [ "$("$bin" --db "$db" export --format csv | grep -c '^session,')" = 0 ]

# --- E: the safety questions answered in the terminal are kept ----------------------------
# `postura screen` asked one at a time, every answer n; then `postura plan` and
# `postura session` use the saved answers without --answers (issue 11).
db="$tmp/e.db"
fast=1
"$bin" --db "$db" profile set --pregnant-weeks 24 --minutes 8 >/dev/null || exit 1
start screen
wait_for "y/n: " || exit 1
i=0
while [ $i -lt 80 ] && [ ! -f "$tmp/exit" ]; do
	keys n Enter
	sleep 0.05
	i=$((i + 1))
done
check "E: screen answered all no in the terminal: exit 0" [ "$(wait_exit)" = 0 ]
check "E: ... no warning signs" wait_for "No warning signs: you can go ahead."
check "E: ... and the answers are saved" wait_for "Your answers are saved"
check "E: only the questions for 24 weeks of pregnancy were asked" sh -c "tmux -L $sock capture-pane -p -J -S - -t pst | grep -q '\[1/37\]'"
"$bin" --db "$db" plan >"$tmp/out" 2>"$tmp/err"
code=$?
check "E: then 'postura plan' with no --answers: exit 0" [ "$code" = 0 ]
check "E: ... says when the answers were given" grep -qF "Safety questions answered on 2026-11-02: no warning signs" "$tmp/out"
check "E: ... and not that the questions were not answered" sh -c "! grep -q 'not answered the safety questions' '$tmp/out' '$tmp/err'"
start session
check "E: 'postura session' with no --answers: no confirmation asked" wait_for "Safety questions answered on 2026-11-02"
check "E: ... straight to today's stop signs" wait_for "do you have any of these today?"
keys q
wait_exit >/dev/null
# Four weeks and a day later the answers are asked again: no plan (exit 4), saying why.
POSTURA_NOW=2026-12-01T08:00:00+00:00 "$bin" --db "$db" plan >"$tmp/out" 2>"$tmp/err"
code=$?
check "E: 29 days later, 'postura plan': exit 4" [ "$code" = 4 ]
check "E: ... the answers of 2026-11-02 must be given again" grep -qF "your safety answers of 2026-11-02 must be given again" "$tmp/err"
POSTURA_NOW=2026-12-01T08:00:00+00:00 "$bin" --db "$db" handout --out "$tmp/h.pdf" >"$tmp/out" 2>"$tmp/err"
check "E: ... and 'postura handout' too (exit 4, no file)" sh -c "[ $? = 4 ] && [ ! -f '$tmp/h.pdf' ]"

# --- F: every exercise skipped --------------------------------------------------------------
# No "Well done" for nothing done, and the pain given before is kept (as a check-in: the
# day's pain reading), with the advice the check-in gives at 7/10.
run=f
fast=1
db="$tmp/f.db"
"$bin" --db "$db" profile set --pregnant-weeks 24 --minutes 8 >/dev/null || exit 1
n_f=$("$bin" --db "$db" plan --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["exercises"]))')
start session --answers "$src/tests/fixtures/answers-clear.json"
wait_for "do you have any of these today?" || exit 1
keys n
wait_for "Your back pain now, 0 (none) to 10" || exit 1
keys 8 Enter
check "F: pain 8 before: the advice of a check-in of 8" wait_for "That is a lot of pain."
for k in $(seq 1 "$n_f"); do
	wait_for "Enter start" "$k" || exit 1
	keys n
done
check "F: exits 0" [ "$(wait_exit)" = 0 ]
check "F: nothing done: says so" wait_for "No exercise was done, so there is no session to log."
check "F: nothing done: no 'Well done'" sh -c "! tmux -L $sock capture-pane -p -J -S - -E - -t pst | grep -q 'Well done'"
check "F: nothing done: the pain before is kept, and it says so" wait_for "Your pain before, 8/10, is kept as today's check-in."
screen >"$tmp/screen-f.txt"
check "F: the store has the pain before as the day's reading, and no session" python3 - "$bin" "$db" <<'EOF'
import json, subprocess, sys
rs = json.loads(subprocess.run([sys.argv[1], "--db", sys.argv[2], "export", "--format", "json"],
                               capture_output=True, text=True).stdout)
got = ([c["pain"] for c in rs["checkins"]], len(rs["sessions"]))
if got != ([8], 0):
    sys.exit("got %r" % (got,))
EOF

# --- D: not a terminal -------------------------------------------------------------------
"$bin" --db "$db" session </dev/null >"$tmp/out" 2>"$tmp/err"
code=$?
check "D: not a terminal: exit 2" [ "$code" = 2 ]
check "D: not a terminal: points at 'session log FILE|-'" grep -qF "postura session log FILE|-" "$tmp/err"

echo "$passed passed, $fail failed"
[ "$fail" = 0 ]
