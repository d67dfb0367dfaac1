#!/usr/bin/env python3
"""`postura serve --pool N` (and $POSTURA_POOL): the store connections of one process.
Run it under its own tests/pg/with-cluster.sh (it changes the role's CONNECTION LIMIT):

- a bad size (0, 513, not a number, empty) exits 2 naming --pool (or POSTURA_POOL), on
  SQLite and on PostgreSQL; a pool larger than PostgreSQL lets postura have
  (max_connections less the superusers' slots) exits 2 naming --pool and
  max_connections;
- the pool is what the process uses: with every request held inside the database (a
  lock on the check-in table), a server opens exactly its pool's connections (and the
  one it started with), 32 by default on PostgreSQL, N with --pool N, and every held
  request is answered once the lock goes;
- a connection the server refuses for want of slots (the role's CONNECTION LIMIT
  reached) answers 503 at once, never hangs, with a log line saying what to change;
  the same process answers 201 again once a slot is free.

usage: pool_test.py POSTURA
"""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
from checks import check, finish  # noqa: E402

postura = sys.argv[1]
uri = os.environ["POSTURA_TEST_PG"]
admin = os.environ["POSTURA_TEST_PG_ADMIN"]
psql = os.path.join(os.environ["POSTURA_TEST_PG_BIN"], "psql")
env = dict(os.environ)
env.pop("POSTURA_NOW", None)
env.pop("POSTURA_POOL", None)
tmp = tempfile.mkdtemp(prefix="postura-pool.")


def sql(text):
    return subprocess.run([psql, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", admin, "-c", text],
                          capture_output=True, text=True, check=True).stdout.strip()


def run(args, extra=None):
    e = dict(env)
    e.update(extra or {})
    return subprocess.run([postura] + args, capture_output=True, text=True, env=e, timeout=60)


# --- bad sizes: exit 2, naming the option -------------------------------------------
lite = os.path.join(tmp, "one.db")
for db in (lite, uri):
    kind = "PostgreSQL" if db == uri else "SQLite"
    for bad in ("0", "-1", "513", "abc", "8x", ""):
        r = run(["--db", db, "serve", "--listen", "127.0.0.1:0", "--pool", bad])
        check("%s: --pool '%s' exits 2 naming --pool" % (kind, bad),
              r.returncode == 2 and "--pool" in r.stderr, (r.returncode, r.stderr[-300:]))
    r = run(["--db", db, "serve", "--listen", "127.0.0.1:0"], {"POSTURA_POOL": "many"})
    check("%s: POSTURA_POOL=many exits 2 naming POSTURA_POOL" % kind,
          r.returncode == 2 and "POSTURA_POOL" in r.stderr, (r.returncode, r.stderr[-300:]))
max_conn = int(sql("SHOW max_connections"))
r = run(["--db", uri, "serve", "--listen", "127.0.0.1:0", "--pool", str(max_conn)])
check("a pool of max_connections (%d) exits 2 naming --pool and max_connections" % max_conn,
      r.returncode == 2 and "--pool %d" % max_conn in r.stderr and "max_connections" in r.stderr,
      (r.returncode, r.stderr[-400:]))
check("... and saying how many it can have", re.search(r"at most \d+", r.stderr or ""), r.stderr[-400:])


class Server:
    def __init__(self, args, extra=None):
        e = dict(env)
        e.update(extra or {})
        self.proc = subprocess.Popen([postura, "--db", uri, "serve", "--listen", "127.0.0.1:0"] + args,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            print("FAIL the server did not start:", line, self.proc.stderr.read())
            sys.exit(1)
        self.port = int(m.group(1))

    def req(self, method, path, body=None, timeout=60):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {}
        if body is not None:
            body = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=60)
        return self.proc.returncode, err


def postura_connections():
    return int(sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'postura'"))


def held_writes(srv, n):
    """n check-ins at once while a lock holds every one inside the database: how many
    connections the server opened meanwhile, and the answers once the lock is gone."""
    lock = subprocess.Popen([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", admin], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock.stdin.write("BEGIN;\nLOCK TABLE checkin IN ACCESS EXCLUSIVE MODE;\nSELECT 'locked';\n")
    lock.stdin.flush()
    lock.stdout.readline()
    statuses = []
    mu = threading.Lock()

    def one(i):
        try:
            st, _ = srv.req("POST", "/api/v1/checkins", {"pain": 2, "note": "held %d" % i}, timeout=120)
        except OSError as e:
            st = str(e)
        with mu:
            statuses.append(st)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    # wait until the count stops growing (every pooled connection is open and held)
    seen, last, since = 0, -1, time.time()
    deadline = time.time() + 60
    while time.time() < deadline:
        seen = postura_connections()
        if seen != last:
            last, since = seen, time.time()
        elif time.time() - since > 2.0:
            break
        time.sleep(0.2)
    lock.stdin.write("COMMIT;\n")
    lock.stdin.close()
    lock.wait(timeout=30)
    for t in threads:
        t.join(timeout=120)
    return seen, statuses


# --- the default on PostgreSQL: 32 ---------------------------------------------------
srv = Server([])
seen, statuses = held_writes(srv, 40)
check("default pool on PostgreSQL: 40 held writes open 32 connections and the first one",
      seen == 33, seen)
check("every held write is answered 201 once the lock goes", statuses.count(201) == 40, statuses)
rc, err = srv.stop()
check("the server stops cleanly", rc == 0, err[-500:])

# --- --pool 4, and POSTURA_POOL=12 -------------------------------------------------
for args, extra, want in ((["--pool", "4"], None, 4), ([], {"POSTURA_POOL": "12"}, 12),
                          (["--pool", "6"], {"POSTURA_POOL": "12"}, 6)):
    srv = Server(args, extra)
    seen, statuses = held_writes(srv, 20)
    check("pool %r %r: 20 held writes open %d connections and the first one" % (args, extra, want),
          seen == want + 1, seen)
    check("... and all 20 are answered 201", statuses.count(201) == 20, statuses)
    srv.stop()

# --- no slot left: 503 at once, a clear log line, then 201 again ---------------------
srv = Server(["--pool", "4"])
sql("ALTER ROLE postura CONNECTION LIMIT 1")  # the connection it started with: full
t0 = time.time()
st, data = srv.req("POST", "/api/v1/checkins", {"pain": 3, "note": "no slot"}, timeout=30)
took = time.time() - t0
check("no connection slot left: the check-in answers 503", st == 503, (st, data[:300]))
check("... at once (not after a timeout)", took < 10, took)
st, data = srv.req("GET", "/api/v1/history", timeout=30)
check("... and a read too", st == 503, (st, data[:300]))
sql("ALTER ROLE postura CONNECTION LIMIT -1")
st, data = srv.req("POST", "/api/v1/checkins", {"pain": 3, "note": "a slot again"}, timeout=30)
check("a slot free again: the same process answers 201", st == 201, (st, data[:300]))
rc, err = srv.stop()
check("its log says the database refused for want of connections and what to change",
      "too many connections" in err and "--pool" in err and "max_connections" in err, err[-800:])
finish()
