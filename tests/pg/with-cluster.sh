#!/bin/bash
# Runs CMD... with a throw-away PostgreSQL cluster, for the tests (make check):
#   tests/pg/with-cluster.sh CMD [ARG...]
# initdb in a temporary directory (as the postgres user when run as root), postgres on a
# free port on 127.0.0.1 only (its unix socket in that directory), a database
# postura_test with a role postura that logs in with a password over TCP. CMD sees:
#   POSTURA_TEST_PG      postgresql://postura:PASSWORD@127.0.0.1:PORT/postura_test
#   POSTURA_TEST_PG_ADMIN  a psql connection string for the superuser (unix socket)
#   POSTURA_TEST_PG_CTL  a script: "stop" or "start" the cluster (the restart test)
#   POSTURA_TEST_PG_DIR  the temporary directory
# The cluster is ALWAYS stopped and removed: on exit, on Ctrl-C, on TERM, and when CMD
# fails. The exit status is CMD's. Without PostgreSQL installed it says so and exits 77
# (meson's "skipped") unless POSTURA_TEST_PG_REQUIRED=1 (then 1).
set -u

if [ $# -eq 0 ]; then
	echo "usage: $0 CMD [ARG...]" >&2
	exit 2
fi

pgbin=${PGBIN:-}
if [ -z "$pgbin" ]; then
	pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
	echo "with-cluster: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb);" \
		"scripts/setup.sh installs Debian's postgresql" >&2
	[ "${POSTURA_TEST_PG_REQUIRED:-0}" = 1 ] && exit 1
	exit 77
fi

base=${TMPDIR:-/tmp}
# As root the server runs as postgres, which must reach the directory: a TMPDIR under
# /root (say) it cannot enter gives way to /tmp.
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$base" 2>/dev/null; then
	base=/tmp
fi
tmp=$(mktemp -d "$base/postura-pg.XXXXXX") || exit 1
data=$tmp/data
child=

# As root, the server runs as postgres (initdb and postgres refuse root).
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cleanup() {
	trap '' INT TERM
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	if [ -f "$data/postmaster.pid" ]; then
		as_pg "$pgbin/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1
	fi
	# a server that did not stop: its pid, from its own file
	if [ -f "$data/postmaster.pid" ]; then
		pid=$(head -n 1 "$data/postmaster.pid")
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" -eq 0 ]; then
	if ! id postgres >/dev/null 2>&1; then
		echo "with-cluster: running as root needs the postgres user (Debian's postgresql package)" >&2
		exit 1
	fi
	chown postgres: "$tmp"
fi
chmod 700 "$tmp"

password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" >"$tmp/pw"
[ "$(id -u)" -eq 0 ] && chown postgres: "$tmp/pw"
chmod 600 "$tmp/pw"
superuser=$( [ "$(id -u)" -eq 0 ] && echo postgres || id -un )

# --no-sync: the cluster is thrown away; the server itself keeps fsync on (durability
# tests kill processes and expect every acknowledged commit to be there).
if ! as_pg "$pgbin/initdb" -D "$data" --no-sync -U "$superuser" --auth-local=trust \
	--auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1; then
	echo "with-cluster: initdb failed:" >&2
	cat "$tmp/initdb.log" >&2
	exit 1
fi

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp'
max_connections = 300
fsync = on
synchronous_commit = on
log_min_messages = warning
log_min_error_statement = panic
CONF

started=0
for attempt in 1 2 3 4 5; do
	port=$(free_port)
	if as_pg "$pgbin/pg_ctl" -D "$data" -o "-p $port" -l "$tmp/server.log" -w -t 60 start \
		>/dev/null 2>&1; then
		started=1
		break
	fi
done
if [ "$started" != 1 ]; then
	echo "with-cluster: postgres did not start:" >&2
	tail -n 20 "$tmp/server.log" >&2
	exit 1
fi
echo "$port" >"$tmp/port"

admin="host=$tmp port=$port user=$superuser dbname=postgres"
if ! "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$admin" >/dev/null 2>"$tmp/psql.log" <<SQL
CREATE ROLE postura LOGIN PASSWORD '$password';
CREATE DATABASE postura_test OWNER postura;
SQL
then
	echo "with-cluster: cannot create the test database:" >&2
	cat "$tmp/psql.log" >&2
	exit 1
fi

cat >"$tmp/ctl" <<CTL
#!/bin/sh
# stop | start the throw-away cluster (same port)
case "\$1" in
stop) flags="-m fast" ;;
start) flags="-o '-p $port' -l $tmp/server.log" ;;
*) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
if [ "\$(id -u)" -eq 0 ]; then
	exec runuser -u postgres -- sh -c "$pgbin/pg_ctl -D $data \$flags -w -t 60 \$1 >/dev/null"
else
	exec sh -c "$pgbin/pg_ctl -D $data \$flags -w -t 60 \$1 >/dev/null"
fi
CTL
chmod 755 "$tmp/ctl"

export POSTURA_TEST_PG="postgresql://postura:$password@127.0.0.1:$port/postura_test"
export POSTURA_TEST_PG_ADMIN="host=$tmp port=$port user=$superuser dbname=postura_test"
export POSTURA_TEST_PG_CTL="$tmp/ctl"
export POSTURA_TEST_PG_DIR="$tmp"
export POSTURA_TEST_PG_BIN="$pgbin"
echo "with-cluster: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $tmp, removed at the end)"

"$@" &
child=$!
wait "$child"
rc=$?
child=
exit "$rc"
