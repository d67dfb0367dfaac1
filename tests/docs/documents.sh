#!/bin/sh
# The printable documents and the charts, made by the postura program and read back by
# other tools: PDFs open (pdfinfo) with the expected page count and size, their text
# (pdftotext) holds every planned exercise and every stop sign, SVGs are well-formed
# (xmllint), PNGs have the size asked for, and the renders match golden pictures within
# a small tolerance (pngcmp). The store is eight weeks of one person's records
# (tests/docs/story.sh), the clock fixed with POSTURA_NOW.
# GOLDEN_UPDATE=1 rewrites the golden pictures in tests/golden/documents.
# usage: documents.sh POSTURA SOURCE_DIR PNGCMP
set -u
bin=$1
src=$2
pngcmp=$3
golden="$src/tests/golden/documents"
for tool in pdfinfo pdftotext pdftoppm xmllint python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "documents.sh: $tool is missing (scripts/debian-packages.txt: poppler-utils, libxml2-utils)"
		exit 1
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
ok() {
	n=$((n + 1))
	echo "ok   $1"
}
bad() {
	n=$((n + 1))
	fail=$((fail + 1))
	echo "FAIL $1"
}
check() { # NAME COMMAND...: the command must succeed
	name=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then ok "$name"; else bad "$name"; sed 's/^/     /' "$tmp/check.out" | head -20; fi
}
pages() { pdfinfo "$1" | sed -n 's/^Pages: *//p'; }
# The text of a PDF, every run of white space one space.
pdftext() { pdftotext "$1" - | tr -s ' \n\t\f' '    '; }
# Every line of file $2 (white space folded) is in the text of PDF $1.
holds_all() {
	pdftext "$1" >"$tmp/text"
	missing=0
	while IFS= read -r line; do
		[ -z "$line" ] && continue
		want=$(printf '%s' "$line" | tr -s ' \n\t' '   ')
		if ! grep -qF -- "$want" "$tmp/text"; then
			echo "missing: $want"
			missing=1
		fi
	done <"$2"
	return $missing
}
golden_png() { # NAME GOT: compare with $golden/NAME.png, or write it
	if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
		mkdir -p "$golden"
		cp "$2" "$golden/$1.png"
		ok "golden $1 (updated)"
	else
		check "golden $1 matches within the tolerance" "$pngcmp" cmp "$2" "$golden/$1.png" 20
	fi
}

export POSTURA_NOW=2026-11-01T20:00:00+01:00
db="$tmp/me.db"
"$src/tests/docs/story.sh" "$bin" "$db" || { echo "FAIL the story store"; exit 1; }
P() { "$bin" --db "$db" "$@"; }
clear="$src/tests/fixtures/answers-clear.json"
profile="--postpartum-weeks 26 --birth vaginal --equipment band,foam-roller,wall,chair,couch,doorway,mat --minutes 18"

# --- the handout of a 10-exercise plan, screened ---
P handout $profile --answers "$clear" --out "$tmp/h.pdf"
check "handout: exit 0 and a file" test -s "$tmp/h.pdf"
check "handout: pdfinfo opens it" pdfinfo "$tmp/h.pdf"
check "handout: 10 exercises on at most 5 pages (it was 7): 1 + one per 3 exercises" test "$(pages "$tmp/h.pdf")" -le 5
check "handout: A4" sh -c "pdfinfo '$tmp/h.pdf' | grep -q '595.276 x 841.89 pts (A4)'"
check "handout: title and creator" sh -c "pdfinfo '$tmp/h.pdf' | grep -q '^Title: *Your back exercise plan' && pdfinfo '$tmp/h.pdf' | grep -q '^Creator: *postura'"
# The stop signs name the person's numbers when their country is known.
P handout $profile --country au --answers "$clear" --out "$tmp/h-au.pdf"
check "handout in Australia: call 000, or the pregnancy line" sh -c \
	"pdftotext '$tmp/h-au.pdf' - | tr -s ' \n' '  ' | grep -q '(Pregnancy, Birth and Baby: 1800 882 436). If it feels like an emergency, call 000.'"
check "handout without a country: your emergency number" sh -c \
	"pdftotext '$tmp/h.pdf' - | tr -s ' \n' '  ' | grep -q 'call your emergency number'"
P plan $profile --answers "$clear" --json >"$tmp/plan.json"
python3 - "$tmp/plan.json" >"$tmp/names" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
for e in plan["exercises"]:
    print(e["name"])
PY
check "handout: the plan has 10 exercises" test "$(wc -l <"$tmp/names")" -eq 10
check "handout: every planned exercise is in its text" holds_all "$tmp/h.pdf" "$tmp/names"
# The stop signs of the stage, as 'postura plan' prints them.
P plan $profile --answers "$clear" | python3 -c '
import sys
lines = sys.stdin.read().split("\n")
i = lines.index("Stop at once and get help if you notice") + 1
items = []
while i < len(lines) and lines[i].startswith("  "):
    if lines[i].startswith("  - "):
        items.append(lines[i][4:])
    else:
        items[-1] += " " + lines[i].strip()
    i += 1
print("\n".join(items))' >"$tmp/signs"
check "handout: the stage has stop signs" test "$(wc -l <"$tmp/signs")" -ge 5
check "handout: every stop sign is in its text" holds_all "$tmp/h.pdf" "$tmp/signs"
printf '%s\n' "Stop at once and get help if you notice" "Your week: tick a box each time" \
	"Safety questions: answered, no warning signs" "Everyday tips for you" "Sources" \
	"postura does not diagnose." >"$tmp/parts"
check "handout: its parts are there" holds_all "$tmp/h.pdf" "$tmp/parts"
# Sources as a person reads them: a citation, never a seed article's file or the notes.
printf '%s\n' "Anonymous n.d., 5 Exercises to Relieve Upper Back Pain During Pregnancy" \
	"Mottola et al. 2018, 2019 Canadian guideline for physical activity throughout pregnancy, Br J Sports Med" \
	"doi:10.1136/bjsports-2018-100056" >"$tmp/parts"
check "handout: readable citations, and where to find them" holds_all "$tmp/h.pdf" "$tmp/parts"
# Each exercise names its sources in short, numbered as in the list at the end:
# "Sources: [2] Anonymous n.d." there, "[2] Anonymous n.d., 5 Exercises ..." in the list.
numbered_sources() {
	pdftext "$1" >"$tmp/text"
	python3 - "$tmp/text" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
cite = r"\[(\d+)\] ([^\[;]+? (?:n\.d\.|\d{4}[a-z]?))"
short = re.findall(r"Sources: (%s(?:; %s)*)" % (cite, cite), text)
cited = set()
for group in short:
    cited.update(re.findall(cite, group[0]))
if len(short) < 3 or not cited:
    sys.exit("no numbered sources under the exercises")
bad = 0
for num, name in sorted(cited):
    if ("[%s] %s," % (num, name)) not in text:
        print("[%s] %s: not in the list of sources" % (num, name))
        bad = 1
print("%d exercises, %d sources cited" % (len(short), len(cited)))
sys.exit(bad)
PY
}
check "handout: each exercise cites its sources by number, as listed at the end" numbered_sources "$tmp/h.pdf"
no_file_names() { ! pdftext "$1" | grep -E '\.txt|CLINICAL|76b21cfc46aee9e1|c114bc2f99dd1238|2ae65360e1a3053d|b62518faaa3fd37d'; }
check "handout: no seed file name, .txt or CLINICAL in its text" no_file_names "$tmp/h.pdf"
pdftoppm -png -r 40 -f 1 -l 2 "$tmp/h.pdf" "$tmp/hp"
golden_png handout-page1 "$tmp/hp-1.png"
golden_png handout-page2 "$tmp/hp-2.png"
P handout $profile --answers "$clear" >"$tmp/h2.pdf"
check "handout: to standard output, the same bytes" cmp "$tmp/h.pdf" "$tmp/h2.pdf"

# --- as short as it can be while readable (issue 11): about three exercises a page, the
# first page holding the stop signs and the week (and the routine's start when it fits),
# the relief break, tips and sources in two columns after the routine ---
# short NAME PROFILE...: the handout of PROFILE has every exercise of the plan (and every
# optional floor exercise) in its text, on at most 1 + one page per 3 exercises (+1 for an
# optional floor list).
short() {
	sname=$1
	shift
	P handout "$@" --out "$tmp/s-$sname.pdf"
	P plan $(echo "$@" | sed 's/--paper [a-z0-9]*//') --json >"$tmp/s-$sname.json"
	python3 - "$tmp/s-$sname.json" "$tmp/s-$sname.names" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as f:
    for e in plan["exercises"] + plan.get("optional", []):
        f.write(e["name"] + "\n")
print(len(plan["exercises"]), len(plan.get("optional", [])))
PY
}
short_check() { # NAME DESCRIPTION
	set -- "$1" "$2" $(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(len(p["exercises"]), len(p.get("optional", [])))' "$tmp/s-$1.json")
	most=$((1 + ($3 + 2) / 3 + ($4 > 0 ? 1 : 0)))
	check "handout ($2): $3 exercises on at most $most pages" test "$(pages "$tmp/s-$1.pdf")" -le $most
	check "handout ($2): every exercise of the plan in its text" holds_all "$tmp/s-$1.pdf" "$tmp/s-$1.names"
}
short preg >/dev/null --pregnant-weeks 24 --area upper,mid --triggers desk --answers "$clear"
short_check preg "24 weeks pregnant, upper and mid back, desk"
check "handout (24 weeks pregnant): six exercises, three pages (it was 5)" test "$(pages "$tmp/s-preg.pdf")" -le 3
short pregl >/dev/null --pregnant-weeks 24 --area upper,mid --triggers desk --answers "$clear" --paper letter
short_check pregl "the same on US letter"
short csec >/dev/null --postpartum-weeks 5 --birth caesarean --feeding breast --triggers feeding,holding --answers "$clear"
short_check csec "5 weeks after a caesarean, breastfeeding"
short note >/dev/null --pregnant-weeks 24 --area upper,mid --triggers desk --answers "$src/tests/fixtures/answers-note.json"
short_check note "a note from the safety answers"
short long >/dev/null --pregnant-weeks 34 --minutes 20 --equipment band,foam-roller,wall,chair,couch,doorway,mat --answers "$clear"
short_check long "a 20-minute plan"
short six >/dev/null --pregnant-weeks 24 --minutes 6 --answers "$clear"
short_check six "a 6-minute routine"
check "handout (a 6-minute routine): two pages (it was 6)" test "$(pages "$tmp/s-six.pdf")" -le 2

# --- the optional floor exercises of the first two weeks after birth, as the plan lists them ---
short floor >/dev/null --postpartum-weeks 1 --birth vaginal --feeding bottle --answers "$clear"
check "handout (1 week after birth): the plan offers optional floor exercises" \
	test "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["optional"]))' "$tmp/s-floor.json")" -ge 1
short_check floor "1 week after birth, with the optional floor list"
printf '%s\n' "Optional floor exercises (not part of your routine)" \
	"Try one only if getting down to the floor and up again is comfortable" >"$tmp/parts"
check "handout (1 week after birth): the optional floor list, headed and explained" holds_all "$tmp/s-floor.pdf" "$tmp/parts"
# each optional one with its position and dose in a line, as 'postura plan' says it
P plan --postpartum-weeks 1 --birth vaginal --feeding bottle --answers "$clear" |
	sed -n '/^Optional floor exercises/,/^$/p' | sed -n 's/^  - \(.*\): .*/\1/p' >"$tmp/floor-lines"
check "handout (1 week after birth): 'postura plan' lists them too" test -s "$tmp/floor-lines"
check "handout (1 week after birth): each with its position" holds_all "$tmp/s-floor.pdf" "$tmp/floor-lines"
check "handout (24 weeks pregnant): no optional floor list" \
	sh -c "! pdftotext '$tmp/s-preg.pdf' - | grep -q 'Optional floor exercises'"

# --- a heading is never the last thing on a page (it keeps with what follows) ---
# The text of each page but its footer; its last line must not be a heading.
P handout --pregnant-weeks 34 --minutes 20 --equipment band,foam-roller,wall,chair,couch,doorway,mat \
	--answers "$clear" --out "$tmp/h20.pdf"
P handout --postpartum-weeks 3 --birth caesarean --feeding breast --minutes 12 --paper letter \
	--out "$tmp/hc.pdf"
no_orphan() {
	python3 - "$@" <<'PY'
import re, subprocess, sys
heads = re.compile(r"^(Your week: tick a box each time|The routine, in this order.*|Daily relief break.*|"
                   r"Optional floor exercises.*|"
                   r"Everyday tips for you|Sources|Stop at once and get help if you notice|Before you start|"
                   r"At a glance|Is it getting better\?|Pain over time|Sessions each week|Everyday activities.*|"
                   r"Exercises made harder or easier|Sessions, most recent first|How to read this report|"
                   r"Your profile|Charts)$")
# What a heading may have under it before its content: its introduction, never enough.
intros = ["When your back aches after feeding, holding or sitting, and on the days without a session:",
          "The gist of each: the postura app (Tips) and 'postura tips show' have them in full.",
          "In the first two weeks after birth these are not planned. Try one only if getting down "
          "to the floor and up again is comfortable; skip them if not.",
          "postura does not diagnose. If something feels wrong, stop and ask your doctor, midwife "
          "or physiotherapist.",
          "The exercises come from the articles below and published guidelines (ACOG Committee "
          "Opinion 804, the 2019 Canadian guideline, RCOG, NHS). No trial has yet tested exercise for "
          "upper or mid back pain in pregnancy or after birth: this programme is expert advice, built "
          "from the evidence on low back pain and posture."]
bad = 0
for path in sys.argv[1:]:
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout).group(1))
    for p in range(1, n + 1):
        text = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), path, "-"], capture_output=True, text=True).stdout
        lines = [l.strip() for l in text.splitlines() if l.strip() and not l.startswith("postura \u00b7") and
                 not re.match(r"^page \d+ of \d+$", l.strip())]
        if lines and heads.match(lines[-1]):
            print("%s: page %d ends on the heading %r" % (path, p, lines[-1]))
            bad = 1
        # the last heading of the page has content under it on the same page
        last = max([i for i, l in enumerate(lines) if heads.match(l)], default=None)
        if last is not None:
            rest = " ".join(lines[last + 1:])
            for intro in intros:
                rest = rest.replace(intro, "")
            if len(rest.strip()) < 20:
                print("%s: page %d ends on the heading %r and its introduction" % (path, p, lines[last]))
                bad = 1
sys.exit(bad)
PY
}
check "handouts: no page ends on a heading, or on a heading and its introduction" no_orphan "$tmp/h.pdf" \
	"$tmp/h20.pdf" "$tmp/hc.pdf" "$tmp"/s-*.pdf

# --- not screened, US letter, from the saved profile with its progression ---
P handout --paper letter --out "$tmp/u.pdf"
check "handout (saved profile): exit 0" test -s "$tmp/u.pdf"
check "handout (letter): 612 x 792" sh -c "pdfinfo '$tmp/u.pdf' | grep -q '612 x 792 pts (letter)'"
printf '%s\n' "You have not answered the safety questions" "Safety questions: not answered" \
	"Your progress" >"$tmp/parts"
check "handout (not screened): says so at the top, and shows the progress" holds_all "$tmp/u.pdf" "$tmp/parts"
pdftotext -l 1 "$tmp/u.pdf" - | grep -q "You have not answered the safety questions" &&
	ok "handout (not screened): on the first page" || bad "handout (not screened): on the first page"

# --- screened in the terminal: the saved answers are used, with their day ---
P screen --answers "$src/tests/fixtures/answers-note.json" >/dev/null
P handout --out "$tmp/n.pdf"
check "handout (saved answers, a note): exit 0" test -s "$tmp/n.pdf"
printf '%s\n' "Safety questions: answered on 2026-11-01, a note for your" \
	"Mention it at your next appointment" >"$tmp/parts"
check "handout (saved answers, a note): says when, and the note's advice" holds_all "$tmp/n.pdf" "$tmp/parts"
pdftotext "$tmp/n.pdf" - | grep -q "You have not answered the safety questions" &&
	bad "handout (saved answers): does not say they were not answered" ||
	ok "handout (saved answers): does not say they were not answered"

# --- a referral: no handout ---
P handout $profile --answers "$src/tests/fixtures/answers-emergency.json" --out "$tmp/x.pdf" >"$tmp/ref" 2>&1
code=$?
check "handout (referral): exit 3" test "$code" = 3
check "handout (referral): no file" test ! -e "$tmp/x.pdf"
check "handout (referral): says whom to see" grep -q "No handout: your answers need a professional" "$tmp/ref"
P handout $profile --paper a5 --out "$tmp/x.pdf" 2>/dev/null
check "handout: --paper a5 is refused (exit 2)" test $? = 2
P handout $profile --out "$tmp/no/such/dir/h.pdf" 2>"$tmp/err"
check "handout: an unwritable path fails (exit 1) and says why" sh -c "test $? = 1 && grep -q 'cannot write' '$tmp/err'"

# --- the report: a move to an easier exercise is one row, not two ---
vdb="$tmp/variant.db"
V() { "$bin" --db "$vdb" "$@"; }
V profile set --postpartum-weeks 10 --birth vaginal --minutes 12 --area upper >/dev/null
for d in 10 12 14; do
	echo '{"pain_before": 4, "pain_after": 4, "exercises": [{"id": "wall-angels", "feedback": "hurt", "pain": 5}]}' |
		POSTURA_NOW=2026-10-${d}T18:00:00+01:00 "$bin" --db "$vdb" session log - >/dev/null
done
V report --format pdf --out "$tmp/v.pdf"
check "report: the move to an easier exercise is there" sh -c "pdftotext '$tmp/v.pdf' - | grep -q 'Wall angels →'"
check "report: ... in one row, not repeated" test "$(pdftotext "$tmp/v.pdf" - | grep -c 'Wall angels →')" = 1

# --- the report ---
P report --format pdf --out "$tmp/r.pdf"
check "report: no page ends on a heading" no_orphan "$tmp/r.pdf" "$tmp/v.pdf"
check "report: pdfinfo opens it" pdfinfo "$tmp/r.pdf"
check "report: 4 pages" test "$(pages "$tmp/r.pdf")" = 4
printf '%s\n' "Back pain progress report" "From 2026-09-07 to 2026-11-01" "12 minutes, 3 a week" \
	"6.1 → 4.0" "Meaningful improvement" "23 of 24" "Pain, 0 to 10" \
	"meaningfully better: weekly average 4.3 or less" "Sessions a week" \
	"feed the baby for 20 minutes" "Exercises made harder or easier" "Chin nods" \
	"Sessions, most recent first" "2026-10-30" "Chin nods: it hurt" >"$tmp/parts"
check "report: profile, figures, charts' words, progression and sessions" holds_all "$tmp/r.pdf" "$tmp/parts"
check "report: no seed file name, .txt or CLINICAL in its text" no_file_names "$tmp/r.pdf"
printf '%s\n' "Childs et al. 2005, Responsiveness of the numeric pain rating scale" "Silbernagel et al. 2007" >"$tmp/parts"
check "report: its sources, readable" holds_all "$tmp/r.pdf" "$tmp/parts"
pdftoppm -png -r 40 -f 1 -l 1 "$tmp/r.pdf" "$tmp/rp"
golden_png report-page1 "$tmp/rp-1.png"
P report --format pdf --since 2026-10-19 --paper letter >"$tmp/r2.pdf"
check "report --since: from that day" sh -c "pdftotext '$tmp/r2.pdf' - | grep -q 'From 2026-10-19 to 2026-11-01'"

P report --format svg --out "$tmp/r.svg"
check "report svg: well-formed" xmllint --noout "$tmp/r.svg"
check "report svg: titled for screen readers" grep -q '<title>Pain from 2026-09-07' "$tmp/r.svg"
P report --chart pain >"$tmp/pain.svg"
check "report --chart pain: well-formed" xmllint --noout "$tmp/pain.svg"
P report --format png --size 640x480 --out "$tmp/r.png"
check "report png: 640x480" test "$("$pngcmp" size "$tmp/r.png")" = 640x480
P report --out "$tmp/d.png"
check "report png: 800 wide by default" sh -c "'$pngcmp' size '$tmp/d.png' | grep -q '^800x'"
golden_png report-chart "$tmp/d.png"
P report --format xml 2>/dev/null
check "report: --format xml is refused (exit 2)" test $? = 2
P report --format pdf --size 100x100 >/dev/null 2>&1
check "report: --size with pdf is refused (exit 2)" test $? = 2

# --- the movement of an exercise, animated ---
"$bin" illustrate cat-cow --animate --out "$tmp/cc.svg"
check "illustrate --animate: well-formed SVG" xmllint --noout "$tmp/cc.svg"
check "illustrate --animate: 480 x 480 by default" grep -q 'width="480px" height="480px"' "$tmp/cc.svg"
check "illustrate --animate: the body's paths moved by SVG animation" test "$(grep -o '<animate attributeName="d"' "$tmp/cc.svg" | wc -l)" -ge 10
"$bin" illustrate cat-cow --animate --size 240x180 >"$tmp/cc2.svg"
check "illustrate --animate --size: to standard output, that size" grep -q 'width="240px" height="180px"' "$tmp/cc2.svg"

# --- an empty store: words, not a broken chart ---
"$bin" --db "$tmp/empty.db" report --format pdf --out "$tmp/e.pdf"
check "report (empty): a PDF" pdfinfo "$tmp/e.pdf"
printf '%s\n' "No pain readings yet" "No sessions logged yet" "No activities yet" \
	"No profile saved" >"$tmp/parts"
check "report (empty): says there is nothing yet" holds_all "$tmp/e.pdf" "$tmp/parts"
"$bin" --db "$tmp/empty.db" report >"$tmp/e.svg"
check "report (empty) svg: well-formed" xmllint --noout "$tmp/e.svg"

# --- a session and no check-in: the pain before it is the day's reading (issue 11) ---
echo '{"pain_before": 5, "pain_after": 3, "exercises": [{"id": "chest-opener", "feedback": "easy"}]}' |
	"$bin" --db "$tmp/one.db" session log - >/dev/null
"$bin" --db "$tmp/one.db" report --format pdf --out "$tmp/one.pdf"
printf '%s\n' "1 day with pain readings" "(average 5.0/10)" >"$tmp/parts"
check "report (one session): the pain before the session counts as the day's reading" holds_all "$tmp/one.pdf" "$tmp/parts"
check "report (one session): not 'no pain readings'" sh -c "! pdftotext '$tmp/one.pdf' - | grep -q 'No pain readings yet'"

echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
