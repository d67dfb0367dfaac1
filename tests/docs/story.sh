#!/bin/sh
# Writes eight weeks of one person's records into the store DB with postura POSTURA:
# a profile (saved on the first day), a pain check-in every day that falls from about
# 6 to about 3, a session on Mondays, Wednesdays and Fridays with feedback (one exercise
# hurts once), and three PSFS activities rated at the start, the middle and the end.
# Deterministic. usage: story.sh POSTURA DB
set -eu
bin=$1
db=$2
p() { "$bin" --db "$db" "$@" >/dev/null; }
POSTURA_NOW=2026-09-07T08:00:00+01:00 p profile set --postpartum-weeks 10 --birth vaginal \
	--feeding breast --pain 6 --area upper,mid --triggers feeding,holding --minutes 12
export POSTURA_NOW=2026-11-01T20:00:00+01:00
day=0
for date in $(seq 0 55); do
	d=$(date -u -d "2026-09-07 +$date days" +%Y-%m-%d)
	# pain: 6 at the start, 3 at the end, a wobble of +-1 from the day of the week
	pain=$(( 6 - (date * 3) / 55 + (date % 3 == 1) - (date % 5 == 4) ))
	[ "$pain" -lt 0 ] && pain=0
	p checkin --pain "$pain" --area upper --at "${d}T07:30:00+01:00"
	wd=$(( date % 7 ))
	if [ $wd -eq 0 ] || [ $wd -eq 2 ] || [ $wd -eq 4 ]; then
		# the second week misses its Friday; chin-nod hurts once, in week 3
		[ "$date" -eq 11 ] && continue
		fb=right
		[ $(( date % 4 )) -eq 0 ] && fb=easy
		cn=right
		[ "$date" -eq 16 ] && cn=hurt
		cat >"$db.session.json" <<J
{"at": "${d}T18:00:00+01:00", "pain_before": $pain, "pain_after": $(( pain > 0 ? pain - 1 : 0 )),
 "exercises": [{"id": "chest-opener", "feedback": "$fb", "pain": 1},
  {"id": "shoulder-rolls", "feedback": "easy"},
  {"id": "chin-nod", "feedback": "$cn"},
  {"id": "wall-angels", "feedback": "$fb", "pain": 2}]}
J
		p session log "$db.session.json"
	fi
	day=$((day + 1))
done
rm -f "$db.session.json"
POSTURA_NOW=2026-09-07T09:00:00+01:00 p psfs add "feed the baby for 20 minutes"
POSTURA_NOW=2026-09-07T09:00:00+01:00 p psfs add "carry the car seat"
POSTURA_NOW=2026-09-07T09:00:00+01:00 p psfs add "sit at my desk for an hour"
for r in "2026-09-07T09:05:00+01:00 3 4 5" "2026-10-05T09:05:00+01:00 5 5 6" "2026-11-01T09:05:00+01:00 7 6 6"; do
	set -- $r
	POSTURA_NOW=$1 p psfs rate 1 "$2"
	POSTURA_NOW=$1 p psfs rate 2 "$3"
	POSTURA_NOW=$1 p psfs rate 3 "$4"
done
