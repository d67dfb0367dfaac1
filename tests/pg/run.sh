#!/bin/sh
# Runs CMD... only on the throw-away PostgreSQL cluster: skipped (77) outside of
# tests/pg/with-cluster.sh, as in a plain 'meson test' (make test and make check run
# the suites inside it).
if [ -z "${POSTURA_TEST_PG:-}" ]; then
	echo "skipped: no PostgreSQL cluster (run under tests/pg/with-cluster.sh, as make check does)"
	exit 77
fi
exec "$@"
