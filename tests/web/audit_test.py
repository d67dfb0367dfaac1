#!/usr/bin/env python3
"""The audit log under load (issue 14, docs/clinic.md "The audit log"): the server writes
the entries of many requests in one transaction (group commit, src/web/audit.c), and
must still keep every entry, each with its actor, patient, account and address, in
order; and an entry that cannot be written fails its request: nothing of a patient's
records is sent unrecorded.

- 64 concurrent views of patients' pages by a clinician: 64 `read` entries, 8 for each
  of the 8 patients, each with the clinician as actor, the patient's person and account,
  and the client's address; 16 concurrent dashboards and lists: 16 `read-list`.
- With the audit table refusing inserts (a trigger), the patient's page, the patients'
  list, the dashboard and a patient's history are 500 with none of the patient's data;
  with the trigger gone, they are 200 again.

usage: audit_test.py POSTURA SOURCE_DIR
Runs on SQLite, and on PostgreSQL (web-audit-pg: a database of its own in the
throw-away cluster, the trigger through psql).
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from checks import check, finish, jbody, psql
import checks

checks.detail_max = 400
postura, src = sys.argv[1], sys.argv[2]
PG = os.environ.get("POSTURA_TEST_BACKEND") == "postgresql"
tmp = tempfile.mkdtemp(prefix="postura-audit-")
db = os.path.join(tmp, "audit.db")
env = dict(os.environ, TZ="UTC", POSTURA_NOW="2026-11-18T09:00:00+00:00",
           POSTURA_LOGIN_LIMIT_ACCOUNT="1000", POSTURA_LOGIN_LIMIT_ADDRESS="1000")
if PG:
    pgname = "audit_%d" % os.getpid()
    db = os.environ["POSTURA_TEST_PG"].rsplit("/", 1)[0] + "/" + pgname


def sql(statement):
    """Runs a statement on the database itself, behind postura's back."""
    if PG:
        psql(statement, pgname)
    else:
        con = sqlite3.connect(db)
        con.executescript(statement)
        con.close()


def cli(args, stdin=None):
    return subprocess.run([postura, "--db", db] + args, input=stdin, capture_output=True,
                          text=True, env=env)


procs = []


def serve():
    p = subprocess.Popen([postura, "--db", db, "serve", "--listen", "127.0.0.1:0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    line = p.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        print("FAIL the server did not start:", line, p.stderr.read())
        sys.exit(1)
    procs.append(p)
    return int(m.group(1))


def audit_entries():
    out = cli(["audit", "--json"])
    if out.returncode:
        print("FAIL postura audit: " + out.stderr)
        return []
    return json.loads(out.stdout)


def at_once(n, fn):
    """Runs fn(i) for i in 0..n-1 in n threads released together; the results in order."""
    res = [None] * n
    go = threading.Barrier(n)

    def run(i):
        go.wait()
        try:
            res[i] = fn(i)
        except Exception as e:  # noqa: BLE001 - reported as a failed check
            res[i] = e
    ts = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return res


class Client(checks.Browser):
    timeout = 120


PW = "velvet-cactus-ledger-3"
PPW = "orchid-basalt-meridian-4"
NPAT = 8
try:
    if PG:
        psql("CREATE DATABASE %s OWNER postura" % pgname)
    out = cli(["user", "add", "--role", "clinician", "--email", "ana@clinic.example", "--name",
               "Ana"], PW + "\n")
    check("a clinician", out.returncode == 0, out.stderr)
    for i in range(NPAT):
        out = cli(["user", "add", "--role", "patient", "--email", "p%d@clinic.example" % i,
                   "--name", "Patient%c" % (ord("A") + i), "--clinician", "ana@clinic.example"],
                  PPW + "\n")
        check("patient %d" % i, out.returncode == 0, out.stderr)

    port = serve()
    ana = Client(port)
    s, h, d = ana.req("POST", "/api/v1/login", {"email": "ana@clinic.example", "password": PW})
    check("the clinician logs in", s == 200, (s, d))
    me = (jbody(d) or {}).get("account", {}).get("id")
    s, h, d = ana.req("GET", "/api/v1/patients")
    pats = (jbody(d) or {}).get("patients", [])
    check("the clinician's %d patients" % NPAT, s == 200 and len(pats) == NPAT, (s, d))
    ana.req("GET", "/clinic")  # the CSRF nonce cookie, as a browser has it
    out = cli(["user", "list", "--json"])
    accts = json.loads(out.stdout) if out.returncode == 0 else []
    accts = accts.get("accounts", accts) if isinstance(accts, dict) else accts
    people = {a["id"]: a.get("person") for a in accts}
    ids = [p["id"] for p in pats]
    before = {e["id"] for e in audit_entries()}

    # --- 64 patient pages at once: 64 entries, each with its own patient ----------------
    def view(i):
        c = Client(port)
        c.cookies = dict(ana.cookies)
        s, h, d = c.req("GET", "/clinic/patients/%d" % ids[i % NPAT])
        return s, d
    res = at_once(64, view)
    bad = [r for r in res if not isinstance(r, tuple) or r[0] != 200]
    check("64 concurrent patient pages: all 200", not bad, bad[:3])
    names_ok = all(isinstance(r, tuple) and ("Patient%c" % (ord("A") + i % NPAT)).encode() in r[1]
                   for i, r in enumerate(res))
    check("each page is its patient's", names_ok)
    new = [e for e in audit_entries() if e["id"] not in before]
    reads = [e for e in new if e["action"] == "read"]
    check("64 views: 64 read entries, none lost", len(reads) == 64, [(e["action"], e["patient"]) for e in new])
    per = {}
    for e in reads:
        per[e["account"]] = per.get(e["account"], 0) + 1
    check("8 entries for each of the 8 patients", per == {i: 8 for i in ids}, per)
    check("each entry: the clinician as actor", all(e["actor"] == me for e in reads), [e["actor"] for e in reads][:5])
    check("each entry: the patient's own person",
          all(e["patient"] == people.get(e["account"]) and e["patient"] for e in reads),
          [(e["account"], e["patient"]) for e in reads][:5])
    check("each entry: the client's address", all(e["address"] == "127.0.0.1" for e in reads),
          [e["address"] for e in reads][:5])
    ordered = sorted(new, key=lambda e: e["id"])
    check("the entries in order: ids rising with time",
          all(a["at"] <= b["at"] for a, b in zip(ordered, ordered[1:])), [(e["id"], e["at"]) for e in ordered][:8])
    before = {e["id"] for e in audit_entries()}

    # --- 16 lists at once ----------------------------------------------------------------
    def lists(i):
        c = Client(port)
        c.cookies = dict(ana.cookies)
        s, h, d = c.req("GET", "/clinic" if i % 2 else "/api/v1/patients")
        return s, d
    res = at_once(16, lists)
    check("16 concurrent dashboards and lists: all 200",
          all(isinstance(r, tuple) and r[0] == 200 for r in res), [r[0] if isinstance(r, tuple) else r for r in res])
    new = [e for e in audit_entries() if e["id"] not in before]
    check("16 lists: 16 read-list entries", len([e for e in new if e["action"] == "read-list"]) == 16,
          [e["action"] for e in new])

    # --- the audit log refuses: nothing is sent unrecorded ---------------------------------
    if PG:
        sql("CREATE FUNCTION no_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'the audit log is closed'; END $$; "
            "CREATE TRIGGER no_audit BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION no_audit();")
    else:
        sql("CREATE TRIGGER no_audit BEFORE INSERT ON audit BEGIN "
            "SELECT RAISE(ABORT, 'the audit log is closed'); END;")
    first = pats[0]
    for path, secret in (("/clinic/patients/%d" % first["id"], first["name"]),
                         ("/api/v1/patients", first["email"]),
                         ("/clinic", first["name"]),
                         ("/api/v1/patients/%d/history" % first["id"], "checkins")):
        s, h, d = ana.req("GET", path)
        check("audit refused: %s is an error" % path, s >= 500, (s, d[:200]))
        check("audit refused: %s sends none of the records" % path,
              secret.encode() not in d, d[:300])
    # the same while many ask at once: every one refused
    res = at_once(16, view)
    check("audit refused: 16 concurrent pages all refused",
          all(isinstance(r, tuple) and r[0] >= 500 and b"PatientA" not in r[1] and b"PatientB" not in r[1]
              for r in res), [r[0] if isinstance(r, tuple) else r for r in res])
    sql("DROP TRIGGER no_audit ON audit; DROP FUNCTION no_audit();" if PG else "DROP TRIGGER no_audit;")
    s, h, d = ana.req("GET", "/clinic/patients/%d" % first["id"])
    check("the audit log back: the page again", s == 200 and first["name"].encode() in d, s)
finally:
    for p in procs:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
    if PG:
        psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % pgname)
    shutil.rmtree(tmp, ignore_errors=True)
finish()
