#!/usr/bin/env python3
"""`postura serve` on PostgreSQL while the PostgreSQL server restarts (run it under its
own tests/pg/with-cluster.sh: it stops and starts that cluster):

- while the database is down, the API and the pages answer 503 (a JSON error naming
  the database's host, never its password; a page saying to try again), not 500, and
  the server process stays up;
- once the database is back, the same process answers again by itself (no restart of
  postura): reads, and writes;
- nothing acknowledged before the restart is lost.

usage: restart_test.py POSTURA
"""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
from checks import check, finish  # noqa: E402

postura = sys.argv[1]
uri = os.environ["POSTURA_TEST_PG"]
ctl = os.environ["POSTURA_TEST_PG_CTL"]
password = re.match(r"postgresql://[^:]+:([^@]+)@", uri).group(1)
env = dict(os.environ)
env.pop("POSTURA_NOW", None)

proc = subprocess.Popen([postura, "--db", uri, "serve", "--listen", "127.0.0.1:0"],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
line = proc.stdout.readline()
m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
if not m:
    print("FAIL the server did not start:", line, proc.stderr.read())
    sys.exit(1)
port = int(m.group(1))


def req(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {}
    if body is not None:
        body = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


acked = []
for n in range(5):
    st, _, data = req("POST", "/api/v1/checkins", {"pain": 3, "note": "before %d" % n})
    if st == 201:
        acked.append(json.loads(data)["id"])
check("writes before the restart: 201", len(acked) == 5, acked)
st, _, _ = req("GET", "/history")
check("the history page before the restart: 200", st == 200, st)

subprocess.run([ctl, "stop"], check=True)
st, h, data = req("GET", "/api/v1/history")
text = data.decode(errors="replace")
j = None
try:
    j = json.loads(data)
except ValueError:
    pass
check("database down: GET /api/v1/history answers 503", st == 503, (st, text[:300]))
check("the 503 is a JSON error", isinstance(j, dict) and "error" in j, text[:300])
check("it never shows the password", password not in text, text[:300])
st, _, data = req("POST", "/api/v1/checkins", {"pain": 4, "note": "while down"})
check("database down: POST /api/v1/checkins answers 503", st == 503, (st, data[:300]))
st, _, data = req("GET", "/history")
check("database down: the history page answers 503", st == 503, (st, data[:300]))
st, _, data = req("GET", "/healthz")
check("database down: /healthz answers 503", st == 503, (st, data[:300]))
check("the server process is still running", proc.poll() is None)

subprocess.run([ctl, "start"], check=True)
deadline = time.time() + 20
st = None
while time.time() < deadline:
    st, _, data = req("GET", "/api/v1/history")
    if st == 200:
        break
    time.sleep(0.2)
check("database back: the same server answers 200 again by itself", st == 200, (st, data[:300]))
st, _, data = req("POST", "/api/v1/checkins", {"pain": 2, "note": "after"})
check("database back: writes are acknowledged again", st == 201, (st, data[:300]))
if st == 201:
    acked.append(json.loads(data)["id"])
st, _, _ = req("GET", "/healthz")
check("database back: /healthz answers 200", st == 200, st)
st, _, data = req("GET", "/api/v1/export?format=json")
ids = [c["id"] for c in (json.loads(data).get("checkins", []) if st == 200 else [])]
check("every acknowledged check-in is there after the restart", st == 200 and all(i in ids for i in acked),
      (st, acked, ids))
check("nothing written while it was down appears", st == 200 and len(ids) == len(acked), (ids, acked))

proc.send_signal(signal.SIGTERM)
out, err = proc.communicate(timeout=30)
check("the server stops cleanly", proc.returncode == 0, err[-1000:])
check("its log names the database that could not be reached", "127.0.0.1 port" in err, err[-500:])
check("its log never shows the password", password not in err and password not in out, err[-500:])
finish()
