#!/bin/sh
# Store reliability, with real processes and real files:
#  1. SIGKILL at random moments while check-ins are written: every check-in reported
#     saved is there afterwards, and PRAGMA integrity_check is ok.
#  2. Two processes writing at once lose nothing.
#  3. A file that is not a database, a read-only place, a full disk: a clear error that
#     names the file, a non-zero exit, no crash, and nothing already saved is lost.
# usage: reliability.sh POSTURA WRITER
set -u
postura=$1
writer=$2
tmp=$(mktemp -d)
mnt=""
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

count_ids() { sqlite3 "$1" "SELECT count(*) FROM checkin"; }

# 1. SIGKILL mid-write, 25 times.
db="$tmp/kill.db"
: >"$tmp/reported"
i=0
while [ $i -lt 25 ]; do
	setsid "$writer" "$db" 100000 >>"$tmp/reported" 2>/dev/null &
	pid=$!
	# Kill somewhere between 20 and 300 ms in: early, mid-stream, any moment of a commit.
	sleep "0.$(printf '%03d' $((20 + $(od -An -N2 -tu2 /dev/urandom) % 280)))"
	kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	i=$((i + 1))
done
integrity=$(sqlite3 "$db" "PRAGMA integrity_check")
[ "$integrity" = ok ] && ok "integrity_check after 25 kills: ok" || bad "integrity_check: $integrity"
reported=$(grep -c '^saved ' "$tmp/reported")
missing=0
for id in $(sed -n 's/^saved //p' "$tmp/reported"); do
	echo "$id"
done | sort >"$tmp/reported.ids"
sqlite3 "$db" "SELECT id FROM checkin" | sort >"$tmp/stored.ids"
missing=$(comm -23 "$tmp/reported.ids" "$tmp/stored.ids" | wc -l)
if [ "$reported" -gt 0 ] && [ "$missing" -eq 0 ]; then
	ok "all $reported check-ins reported saved survived SIGKILL"
else
	bad "$missing of $reported reported check-ins are missing after SIGKILL"
fi

# 2. Two writers at once.
db="$tmp/two.db"
"$writer" "$db" 300 >"$tmp/w1" 2>"$tmp/e1" &
p1=$!
"$writer" "$db" 300 >"$tmp/w2" 2>"$tmp/e2" &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
n=$(count_ids "$db")
if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$n" -eq 600 ]; then
	ok "two processes wrote 300 check-ins each: 600 stored"
else
	bad "two writers: exits $r1/$r2, $n stored of 600 ($(cat "$tmp/e1" "$tmp/e2"))"
fi

# 3a. A file that is not a database is refused and left untouched.
head -c 8192 /dev/urandom >"$tmp/notadb"
cp "$tmp/notadb" "$tmp/notadb.orig"
out=$("$postura" --db "$tmp/notadb" checkin --pain 3 2>&1)
code=$?
if [ $code -ne 0 ] && [ $code -lt 128 ] && echo "$out" | grep -q "$tmp/notadb" &&
	cmp -s "$tmp/notadb" "$tmp/notadb.orig"; then
	ok "not a database: exit $code, named, untouched ($out)"
else
	bad "not a database: exit $code: $out"
fi

# 3b. A database from a newer postura is refused and left untouched.
sqlite3 "$tmp/newer.db" "CREATE TABLE x(y); PRAGMA user_version = 999;"
cp "$tmp/newer.db" "$tmp/newer.orig"
out=$("$postura" --db "$tmp/newer.db" checkin --pain 3 2>&1)
code=$?
if [ $code -eq 1 ] && echo "$out" | grep -q "newer postura" && cmp -s "$tmp/newer.db" "$tmp/newer.orig"; then
	ok "newer schema refused, untouched"
else
	bad "newer schema: exit $code: $out"
fi

# 3c and 3d need mounts (root); without them they are reported as skipped.
if mkdir -p "$tmp/ro" && mount -t tmpfs -o ro,size=64k tmpfs "$tmp/ro" 2>/dev/null; then
	mnt="$tmp/ro"
	out=$("$postura" --db "$tmp/ro/p.db" checkin --pain 3 2>&1)
	code=$?
	if [ $code -eq 1 ] && echo "$out" | grep -q "$tmp/ro/p.db"; then
		ok "read-only place: exit 1, named ($out)"
	else
		bad "read-only place: exit $code: $out"
	fi
	umount "$tmp/ro"
	mnt=""

	mkdir -p "$tmp/full"
	mount -t tmpfs -o size=2m tmpfs "$tmp/full"
	mnt="$tmp/full"
	db="$tmp/full/p.db"
	"$writer" "$db" 20 >"$tmp/before" 2>&1
	saved=$(grep -c '^saved ' "$tmp/before")
	# Fill the disk, then try to write more.
	head -c 10M /dev/zero >"$tmp/full/filler" 2>/dev/null
	out=$("$postura" --db "$db" checkin --pain 5 --note "$(head -c 900 /dev/zero | tr '\0' x)" 2>&1)
	code=$?
	"$writer" "$db" 2000 >/dev/null 2>"$tmp/fullerr"
	wcode=$?
	rm -f "$tmp/full/filler"
	n=$(count_ids "$db")
	integrity=$(sqlite3 "$db" "PRAGMA integrity_check")
	if [ $code -ne 0 ] && [ $code -lt 128 ] && [ $wcode -eq 1 ] && echo "$out" | grep -q "$db" &&
		[ "$n" -ge "$saved" ] && [ "$integrity" = ok ]; then
		ok "full disk: exit $code, named ($out); $saved earlier check-ins kept, integrity ok"
	else
		bad "full disk: exit $code/$wcode, $n of $saved kept, integrity $integrity: $out $(cat "$tmp/fullerr")"
	fi
	umount "$tmp/full"
	mnt=""
else
	echo "skip read-only and full-disk checks: mounting a tmpfs needs root"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
