#!/usr/bin/env python3
"""The PostgreSQL store at the command line (run under tests/pg/with-cluster.sh):

- export/import round trip SQLite -> JSON -> PostgreSQL -> JSON: identical, and back
  PostgreSQL -> JSON -> SQLite -> JSON: identical;
- a database that cannot be reached (no server on the port, an unknown host, a wrong
  password): a non-zero exit and a message naming the host, port and database, never
  the password; serve the same;
- a database written by a newer postura is refused, left untouched;
- backup on PostgreSQL says to use pg_dump, exits non-zero, writes nothing;
- migrate --from a.db --from b.db --to postgresql://...: each file becomes a new
  person with all of its records, all or nothing (a damaged file, a record the target
  refuses: no person added, nothing changed).

usage: pg_test.py POSTURA SOURCE_DIR
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web"))
from checks import check, finish  # noqa: E402

postura, src = sys.argv[1], sys.argv[2]
uri = os.environ["POSTURA_TEST_PG"]
admin = os.environ["POSTURA_TEST_PG_ADMIN"]
psql = os.path.join(os.environ["POSTURA_TEST_PG_BIN"], "psql")
m = re.match(r"postgresql://([^:]+):([^@]+)@([^:/]+):(\d+)/(\w+)", uri)
user, password, host, port, dbname = m.groups()
tmp = tempfile.mkdtemp(prefix="postura-pg-")
env = dict(os.environ, POSTURA_NOW="2026-11-18T09:00:00+00:00", LANG="C.UTF-8")
env.pop("POSTURA_DB", None)


def run(*args, db=None, stdin=None):
    cmd = [postura] + (["--db", db] if db else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, env=env, input=stdin, timeout=120)


def sql(q):
    return subprocess.run([psql, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", admin, "-c", q],
                          capture_output=True, text=True, timeout=60)


run_id = "%d_%s" % (os.getpid(), os.urandom(4).hex())  # two runs (make check) share a cluster


def fresh(name):
    """A URI of an empty schema of its own in the test database (unique to this run)."""
    name = "%s_%s" % (name, run_id)
    r = sql("CREATE SCHEMA %s AUTHORIZATION %s" % (name, user))
    assert r.returncode == 0, r.stderr
    return uri + "?options=-csearch_path%3D" + name


# --- round trip ----------------------------------------------------------------------------
lite = os.path.join(tmp, "me.db")
steps = [
    ["profile", "set", "--postpartum-weeks", "6", "--birth", "caesarean", "--feeding", "breast",
     "--pain", "5", "--area", "upper,neck", "--triggers", "feeding,holding"],
    ["checkin", "--pain", "5", "--area", "upper", "--note", "after the night feeds \u2014 caf\u00e9, \u00fcber"],
    ["checkin", "--pain", "4", "--at", "2026-11-01T21:30:00+02:00"],
    ["checkin", "--pain", "3", "--area", "mid,neck", "--note", "two\nlines"],
    ["psfs", "add", "feed the baby for 20 minutes"],
    ["psfs", "add", "carry the car seat"],
    ["psfs", "rate", "1", "3"],
    ["psfs", "rate", "2", "6", "--at", "2026-11-10T10:00:00-05:00"],
    ["profile", "set", "--minutes", "20"],
    ["screen", "--answers", os.path.join(src, "examples", "answers.json")],
]
ok = True
for s in steps:
    r = run(*s, db=lite)
    ok = ok and r.returncode in (0,)
    if r.returncode:
        print("# step", s, r.returncode, r.stderr)
session = json.dumps({"pain_before": 5, "pain_after": 3, "exercises": [
    {"id": "chest-opener", "feedback": "easy", "pain": 1},
    {"id": "shoulder-rolls", "feedback": "right"},
    {"id": "chin-nod", "feedback": "hurt", "pain": 5}]})
r = run("session", "log", "-", db=lite, stdin=session)
ok = ok and r.returncode == 0
check("a SQLite store with a profile, check-ins, a session, activities, ratings and answers", ok, r.stderr)
a = run("export", "--format", "json", db=lite)
check("exported from SQLite", a.returncode == 0 and '"checkins"' in a.stdout, a.stderr)
jpath = os.path.join(tmp, "a.json")
with open(jpath, "w") as f:
    f.write(a.stdout)
pg = fresh("roundtrip")
r = run("import", jpath, db=pg)
check("imported into PostgreSQL", r.returncode == 0, r.stderr)
b = run("export", "--format", "json", db=pg)
check("SQLite -> JSON -> PostgreSQL -> JSON: identical", b.returncode == 0 and b.stdout == a.stdout,
      (b.stderr, [l for l in zip(a.stdout.splitlines(), b.stdout.splitlines()) if l[0] != l[1]][:5]))
for fmt in ("csv",):
    x, y = run("export", "--format", fmt, db=lite), run("export", "--format", fmt, db=pg)
    check("the %s export is identical too" % fmt, x.returncode == 0 and x.stdout == y.stdout, y.stderr)
x, y = run("history", db=lite), run("history", db=pg)
check("the history reads the same from both", x.returncode == 0 and x.stdout == y.stdout, (x.stdout, y.stdout))
bpath = os.path.join(tmp, "b.json")
with open(bpath, "w") as f:
    f.write(b.stdout)
lite2 = os.path.join(tmp, "back.db")
r = run("import", bpath, db=lite2)
c = run("export", "--format", "json", db=lite2)
check("PostgreSQL -> JSON -> SQLite -> JSON: identical", r.returncode == 0 and c.stdout == a.stdout, r.stderr)
r = run("import", jpath, db=pg)
check("the same export imported twice into PostgreSQL: refused, saying which record",
      r.returncode != 0 and re.search(r"check-in \d+ \(id \d+\) could not be added", r.stderr)
      and "nothing was imported" in r.stderr,
      r.stderr)
d = run("export", "--format", "json", db=pg)
check("... and nothing of it was added", d.stdout == a.stdout)
r = run("checkin", "--pain", "2", db=pg)
check("a new check-in after an import with ids gets a new id", r.returncode == 0 and "Saved check-in 4" in r.stdout,
      (r.stdout, r.stderr))

# --- unreachable ----------------------------------------------------------------------------
s = socket.socket()
s.bind(("127.0.0.1", 0))
closed = s.getsockname()[1]
s.close()
secret = "Sup3rS3cretPw"
r = run("history", db="postgresql://%s:%s@127.0.0.1:%d/clinic" % (user, secret, closed))
check("no server on the port: exit non-zero", r.returncode != 0, r.returncode)
check("... the message names the host, port and database",
      "127.0.0.1" in r.stderr and str(closed) in r.stderr and "clinic" in r.stderr, r.stderr)
check("... and never the password", secret not in r.stderr and secret not in r.stdout, r.stderr)
r = run("history", db="postgresql://%s:%s@%s:%s/%s" % (user, secret, host, port, dbname))
check("a wrong password: exit non-zero, saying the password was refused",
      r.returncode != 0 and "password authentication failed" in r.stderr, r.stderr)
check("... naming the host and database, never the password",
      host in r.stderr and dbname in r.stderr and secret not in r.stderr, r.stderr)
r = run("history", db="postgresql://%s:%s@no-such-host.invalid:5432/clinic" % (user, secret))
check("an unknown host: exit non-zero, naming it, never the password",
      r.returncode != 0 and "no-such-host.invalid" in r.stderr and secret not in r.stderr, r.stderr)
r = run("history", db="postgresql://%s:%s@127.0.0.1:notaport/clinic" % (user, secret))
check("a port that is not a number: a clear error, never the password",
      r.returncode != 0 and "port" in r.stderr and secret not in r.stderr, r.stderr)
r = run("serve", "--listen", "127.0.0.1:0", db="postgresql://%s:%s@127.0.0.1:%d/clinic" % (user, secret, closed))
check("serve with an unreachable database: exits non-zero, naming the host, never the password",
      r.returncode != 0 and "127.0.0.1" in r.stderr and secret not in r.stderr + r.stdout, r.stderr)

# --- a newer schema, backup ----------------------------------------------------------------
newer = fresh("newer")
r = run("checkin", "--pain", "3", db=newer)
newer_schema = "newer_" + run_id
sql("UPDATE %s.postura_schema SET version = version + 1" % newer_schema)
before = sql("SELECT count(*) FROM %s.checkin" % newer_schema).stdout
r = run("checkin", "--pain", "4", db=newer)
check("a database written by a newer postura is refused, naming it",
      r.returncode != 0 and "newer postura" in r.stderr and dbname in r.stderr, r.stderr)
check("... and left untouched", sql("SELECT count(*) FROM %s.checkin" % newer_schema).stdout == before)
copy = os.path.join(tmp, "copy.db")
r = run("backup", copy, db=pg)
check("backup on PostgreSQL: exit non-zero, saying to use pg_dump",
      r.returncode != 0 and "pg_dump" in r.stderr, (r.returncode, r.stderr))
check("... and writes no file", not os.path.exists(copy))

# --- migrate --------------------------------------------------------------------------------
anna, bea = os.path.join(tmp, "anna.db"), os.path.join(tmp, "bea.db")
for args in (["checkin", "--pain", "4", "--note", "anna's"], ["profile", "set", "--postpartum-weeks", "8",
             "--birth", "caesarean"], ["psfs", "add", "lift the car seat"], ["psfs", "rate", "1", "3"]):
    run(*args, db=anna)
for args in (["checkin", "--pain", "6", "--note", "bea's"], ["checkin", "--pain", "5"]):
    run(*args, db=bea)
anna_json = run("export", "--format", "json", db=anna).stdout
bea_json = run("export", "--format", "json", db=bea).stdout
target = fresh("clinic")
run("checkin", "--pain", "2", "--note", "the clinic's first person", db=target)
first_before = run("export", "--format", "json", db=target).stdout
r = run("migrate", "--from", anna, "--from", bea, "--to", target)
check("migrate two SQLite files to PostgreSQL: exit 0", r.returncode == 0, (r.stdout, r.stderr))
check("... it says which file became which person, never the password",
      re.search(r"anna\.db -> person 2\b", r.stdout) and re.search(r"bea\.db -> person 3\b", r.stdout)
      and password not in r.stdout + r.stderr, (r.stdout, r.stderr))
people = run("person", "list", db=target)
check("the database now has three people", people.returncode == 0 and
      all(re.search(r"^\s*%d\b" % i, people.stdout, re.M) for i in (1, 2, 3)), people.stdout)


def no_ids(text):
    return re.sub(r'"id": \d+', '"id": N', text)


a2 = run("--person", "2", "export", "--format", "json", db=target).stdout
b2 = run("--person", "3", "export", "--format", "json", db=target).stdout
check("anna.db's records are person 2's, all of them (ids aside)", no_ids(a2) == no_ids(anna_json), a2[:500])
check("bea.db's records are person 3's, all of them (ids aside)", no_ids(b2) == no_ids(bea_json), b2[:500])
check("person 1 is as before", run("export", "--format", "json", db=target).stdout == first_before)
damaged = os.path.join(tmp, "damaged.db")
with open(damaged, "wb") as f:
    f.write(b"SQLite format 3\0 but then nothing a database holds")
all_before = [run("--person", str(i), "export", "--format", "json", db=target).stdout for i in (1, 2, 3)]
r = run("migrate", "--from", anna, "--from", damaged, "--to", target)
check("migrate with a damaged second file: exit 1, naming it, nothing migrated",
      r.returncode == 1 and "damaged.db" in r.stderr and "nothing was migrated" in r.stderr, r.stderr)
check("... no person was added, not even for the good first file",
      run("person", "list", db=target).stdout == people.stdout)
bad = os.path.join(tmp, "bad.db")
with open(bea, "rb") as f, open(bad, "wb") as g:
    g.write(f.read())
subprocess.run(["sqlite3", bad, "PRAGMA ignore_check_constraints = ON; UPDATE checkin SET pain = 42 WHERE note IS NULL"],
               check=True)
r = run("migrate", "--from", anna, "--from", bad, "--to", target)
check("a record PostgreSQL refuses: exit 1, naming the file and the record, nothing migrated",
      r.returncode == 1 and "bad.db" in r.stderr and "check-in" in r.stderr and "nothing was migrated" in r.stderr,
      r.stderr)
check("... no person added, every record as before",
      run("person", "list", db=target).stdout == people.stdout and
      [run("--person", str(i), "export", "--format", "json", db=target).stdout for i in (1, 2, 3)] == all_before)
finish()
