#!/usr/bin/env python3
"""Durability and concurrency of `postura serve` and the command line on one store, on
whichever backend POSTURA runs (SQLite files; on PostgreSQL through tests/pg/postura-pg):

1. kill -9 of `postura serve` in the middle of a burst of POSTs from 8 clients: every
   check-in acknowledged (201 with its id) is in the store afterwards, and a new server
   on the same store starts and takes writes.
2. Many writers at once: 6 HTTP clients and 4 `postura checkin` processes writing
   check-ins together, while another client saves the profile and logs sessions and
   another process adds and rates activities: every write succeeds (no deadlock, no
   lost update) and every one is there, none twice.

usage: durability_test.py POSTURA SOURCE_DIR
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
from checks import check, finish

postura, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="postura-durable-")
env = dict(os.environ)
env.pop("POSTURA_NOW", None)
backend = os.environ.get("POSTURA_TEST_BACKEND", "sqlite")


def start(db):
    p = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    line = p.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        print("FAIL the server did not start:", line, p.stderr.read())
        sys.exit(1)
    return p, int(m.group(1))


def send(port, method, path, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        c.request(method, path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        return r.status, data
    finally:
        c.close()


def post_checkin(port, pain, note):
    return send(port, "POST", "/api/v1/checkins", {"pain": pain, "note": note})


def export(db):
    out = subprocess.run([postura, "--db", db, "export", "--format", "json"], capture_output=True,
                         text=True, env=env, timeout=120)
    try:
        return out.returncode, json.loads(out.stdout)
    except ValueError:
        return out.returncode, {"error": out.stderr}


# --- 1. kill -9 during a burst ----------------------------------------------------------
db = os.path.join(tmp, "kill.db")
proc, port = start(db)
acked = {}  # id -> note
lock = threading.Lock()
stop = threading.Event()
errors = []


def burst(k):
    n = 0
    while not stop.is_set():
        note = "client %d write %d" % (k, n)
        n += 1
        try:
            st, data = post_checkin(port, n % 11, note)
        except (OSError, http.client.HTTPException):
            return  # the server is gone: this write was never acknowledged
        if st == 201:
            with lock:
                acked[json.loads(data)["id"]] = note
        else:
            errors.append((st, data[:200]))
            return


threads = [threading.Thread(target=burst, args=(k,)) for k in range(8)]
for t in threads:
    t.start()
deadline = time.time() + 30
while time.time() < deadline and len(acked) < 150:
    time.sleep(0.05)
proc.send_signal(signal.SIGKILL)  # mid-burst: writes are in flight
proc.wait()
stop.set()
for t in threads:
    t.join()
check("the burst was answered 201 until the kill (%s)" % backend, len(acked) >= 150 and not errors,
      (len(acked), errors[:3]))
code, j = export(db)
stored = {c["id"]: c.get("note") for c in j.get("checkins", [])}
lost = [i for i in acked if stored.get(i) != acked[i]]
check("kill -9 of serve mid-burst: all %d acknowledged check-ins are in the store (%s)" % (len(acked), backend),
      code == 0 and not lost, (code, lost[:5], j.get("error")))
proc, port = start(db)
st, data = post_checkin(port, 2, "after the kill")
check("a new server on the same store takes writes after the kill (%s)" % backend, st == 201, (st, data))
proc.send_signal(signal.SIGTERM)
proc.communicate(timeout=30)

# --- 2. many writers at once: the API and the command line ------------------------------
db = os.path.join(tmp, "many.db")
proc, port = start(db)
HTTP_CLIENTS, HTTP_EACH, CLI_PROCS, CLI_EACH = 6, 25, 4, 8
results = []


def api_writer(k):
    for n in range(HTTP_EACH):
        try:
            st, data = post_checkin(port, 3, "api %d/%d" % (k, n))
        except (OSError, http.client.HTTPException) as e:
            st, data = -1, str(e).encode()
        results.append(("api %d/%d" % (k, n), st, data[:200]))


def cli_writer(k):
    for n in range(CLI_EACH):
        out = subprocess.run([postura, "--db", db, "checkin", "--pain", "4", "--note", "cli %d/%d" % (k, n)],
                             capture_output=True, text=True, env=env, timeout=120)
        results.append(("cli %d/%d" % (k, n), 201 if out.returncode == 0 else out.returncode, out.stderr[:200]))


PROFILES, SESSIONS, ACTIVITIES, RATINGS = 8, 8, 3, 8


def api_other_writer():
    for n in range(max(PROFILES, SESSIONS)):
        if n < PROFILES:
            st, data = send(port, "PUT", "/api/v1/profile", {"postpartum_weeks": 6 + n, "birth": "vaginal", "minutes": 10 + n})
            others.append(("profile %d" % n, st if st != 200 else 201, data[:200]))
        if n < SESSIONS:
            st, data = send(port, "POST", "/api/v1/sessions", {"pain_before": 4, "pain_after": 3, "exercises": [
                {"id": "chest-opener", "feedback": "easy"}]})
            others.append(("session %d" % n, st, data[:200]))


def cli_psfs_writer():
    ids = []
    for n in range(ACTIVITIES):
        out = subprocess.run([postura, "--db", db, "psfs", "add", "activity %d" % n], capture_output=True,
                             text=True, env=env, timeout=120)
        m = re.search(r"\b(\d+)\b", out.stdout)
        others.append(("psfs add %d" % n, 201 if out.returncode == 0 and m else out.returncode, out.stderr[:200]))
        if m:
            ids.append(m.group(1))
    for n in range(RATINGS):
        if not ids:
            break
        out = subprocess.run([postura, "--db", db, "psfs", "rate", ids[n % len(ids)], str(n % 11)],
                             capture_output=True, text=True, env=env, timeout=120)
        others.append(("psfs rate %d" % n, 201 if out.returncode == 0 else out.returncode, out.stderr[:200]))


others = []
threads = [threading.Thread(target=api_writer, args=(k,)) for k in range(HTTP_CLIENTS)]
threads += [threading.Thread(target=cli_writer, args=(k,)) for k in range(CLI_PROCS)]
threads += [threading.Thread(target=api_other_writer), threading.Thread(target=cli_psfs_writer)]
t0 = time.time()
for t in threads:
    t.start()
for t in threads:
    t.join()
took = time.time() - t0
bad = [r for r in results if r[1] != 201]
want = HTTP_CLIENTS * HTTP_EACH + CLI_PROCS * CLI_EACH
check("%d writers through the API and %d through the command line at once: all %d writes succeed (%s, %.1f s)"
      % (HTTP_CLIENTS, CLI_PROCS, want, backend, took), len(results) == want and not bad, bad[:3])
code, j = export(db)
notes = [c.get("note") for c in j.get("checkins", [])]
check("every one of them is stored once (%s)" % backend,
      code == 0 and sorted(notes) == sorted(r[0] for r in results), (code, len(notes), want))
ids = [c["id"] for c in j.get("checkins", [])]
check("each has its own id (%s)" % backend, len(set(ids)) == len(ids) == want, len(set(ids)))
bad = [r for r in others if r[1] != 201]
check("meanwhile the profile saved %d times, %d sessions, %d activities rated %d times: all succeed (%s)"
      % (PROFILES, SESSIONS, ACTIVITIES, RATINGS, backend),
      len(others) == PROFILES + SESSIONS + ACTIVITIES + RATINGS and not bad, (len(others), bad[:3]))
check("... and all of them are there (%s)" % backend,
      len(j.get("sessions", [])) == SESSIONS and len(j.get("psfs", [])) == ACTIVITIES
      and sum(len(a.get("ratings", [])) for a in j.get("psfs", [])) == RATINGS
      and len(j.get("plan_minutes", [])) >= 1,
      (len(j.get("sessions", [])), [len(a.get("ratings", [])) for a in j.get("psfs", [])]))
st, _ = post_checkin(port, 1, "still there")
check("the server still answers after them (%s)" % backend, st == 201, st)
proc.send_signal(signal.SIGTERM)
out, err = proc.communicate(timeout=30)
check("the server stops cleanly (%s)" % backend, proc.returncode == 0, err[-1000:])
finish()
