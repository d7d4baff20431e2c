#!/usr/bin/env python3
"""check-export.py MEMSIM DB — `memsim export` of a recorded trace.

csv:    every table and view of the trace, exported with --format csv, parses
        as RFC 4180 (CRLF records) and equals the table read by SQLite itself:
        the header is the column names, each field the value as text
        (integers decimal, BLOBs x'hex', NULL empty), row for row.
chrome: the JSON parses; it is the JSON Object Format (traceEvents,
        displayTimeUnit); every event has ph, name, ts, pid, tid (dur for
        "X", args.name for "M", s for "i"); the event counts equal the
        trace's: an X per syscalls and faults row, an i per allocations and
        vmas row, process_name and thread_name per processes row, a C per
        snapshots row when the trace has that table; durations >= 0;
        ts = cycle / runs.hz for instants.
bad input: an unknown table, an unknown format, csv without --table.
"""
import csv
import io
import json
import sqlite3
import subprocess
import sys

# replay_log chunks are up to 256 KiB of BLOB: half a million hex digits a field
csv.field_size_limit(sys.maxsize)

memsim, db_path = sys.argv[1], sys.argv[2]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL export:", msg)


def run(*args):
    return subprocess.run([memsim, *args], capture_output=True)


db = sqlite3.connect(db_path)
names = [r[0] for r in db.execute(
    "SELECT name FROM sqlite_master WHERE type IN ('table','view')"
    " AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def as_text(v):
    if v is None:
        return ""
    if isinstance(v, bytes):
        return "x'" + v.hex() + "'"
    return str(v)


# ---- csv ----------------------------------------------------------------
for t in names:
    p = run("export", db_path, "--format", "csv", "--table", t)
    if p.returncode != 0:
        fail(f"csv {t}: exit {p.returncode}: {p.stderr.decode().strip()}")
        continue
    text = p.stdout.decode()
    if text and not text.endswith("\r\n"):
        fail(f"csv {t}: records do not end in CRLF")
    got = list(csv.reader(io.StringIO(text, newline="")))
    cur = db.execute(f'SELECT * FROM "{t}"')
    header = [d[0] for d in cur.description]
    want = [header] + [[as_text(v) for v in row] for row in cur]
    if got != want:
        bad = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        fail(f"csv {t}: {len(got)} records, expected {len(want)}; first difference at record {bad}:"
             f" {got[bad] if bad < len(got) else None} != {want[bad] if bad < len(want) else None}")
print(f"csv: {len(names)} tables and views compared")

# ---- chrome -------------------------------------------------------------
p = run("export", db_path, "--format", "chrome")
if p.returncode != 0:
    fail(f"chrome: exit {p.returncode}: {p.stderr.decode().strip()}")
    sys.exit(1)
doc = json.loads(p.stdout)
for key in ("traceEvents", "displayTimeUnit"):
    if key not in doc:
        fail(f"chrome: no {key}")
if doc.get("displayTimeUnit") not in ("ms", "ns"):
    fail(f"chrome: displayTimeUnit {doc.get('displayTimeUnit')!r}")
events = doc["traceEvents"]
count = {}
hz = db.execute("SELECT hz FROM runs").fetchone()[0]
for e in events:
    for key in ("ph", "name", "ts", "pid", "tid"):
        if key not in e:
            fail(f"chrome: event without {key}: {e}")
    ph = e.get("ph")
    if ph == "X" and (not isinstance(e.get("dur"), (int, float)) or e["dur"] < 0):
        fail(f"chrome: X event without a duration >= 0: {e}")
    if ph == "M" and "name" not in e.get("args", {}):
        fail(f"chrome: M event without args.name: {e}")
    if ph == "i" and e.get("s") not in ("g", "p", "t"):
        fail(f"chrome: i event without a scope: {e}")
    if not isinstance(e.get("ts"), (int, float)) or e["ts"] < 0:
        fail(f"chrome: bad ts: {e}")
    k = (ph, e.get("cat") or e.get("name"))
    count[k] = count.get(k, 0) + 1


def sql(q):
    return db.execute(q).fetchone()[0]


nproc = sql("SELECT count(*) FROM processes")
want = {
    ("X", "syscall"): sql("SELECT count(*) FROM syscalls"),
    ("X", "fault"): sql("SELECT count(*) FROM faults"),
    ("i", "alloc"): sql("SELECT count(*) FROM allocations"),
    ("i", "vma"): sql("SELECT count(*) FROM vmas"),
    ("M", "process_name"): nproc + 1,     # + the kernel's track, pid 0
    ("M", "thread_name"): nproc + 1,
}
if "snapshots" in names:
    # one counter per snapshot and zone (a series per order) and per
    # snapshot and process (rss, pgtable-pages)
    want[("C", "snapshot")] = sql(
        "SELECT (SELECT count(DISTINCT snap || ' ' || scope) FROM snapshots"
        " WHERE metric = 'free-pages') + (SELECT count(DISTINCT snap || ' ' || pid)"
        " FROM snapshots WHERE pid IS NOT NULL)")
    if want[("C", "snapshot")] == 0:
        fail("chrome: the trace's snapshots table is empty: the test proves nothing")
    # a zone's counter holds its free pages at that snapshot, order by order
    for e in events:
        if e["ph"] == "C" and e["name"].startswith("free pages "):
            zone = e["name"][len("free pages "):]
            cyc = round(e["ts"] * hz / 1e6)
            total = sql(f"SELECT sum(value) FROM snapshots WHERE metric = 'free-pages' AND"
                        f" scope = '{zone}' AND snap = (SELECT min(snap) FROM snapshots"
                        f" WHERE abs(cycle - {cyc}) <= 1)")
            if sum(e["args"].values()) != total:
                fail(f"chrome: counter {e} does not sum to the zone's {total} free pages")
            break
for k, n in want.items():
    if count.get(k, 0) != n:
        fail(f"chrome: {count.get(k, 0)} events {k}, the trace has {n}")
    if n == 0 and k[0] != "C":
        fail(f"chrome: the sample trace has no {k} rows: the test proves nothing")
extra = set(count) - set(want)
if extra:
    fail(f"chrome: unexpected event kinds {extra}")
# instants sit at their row's cycle, in microseconds at runs.hz
by_seq = {e["args"]["seq"]: e for e in events if e.get("cat") == "vma"}
for seq, cycle in db.execute("SELECT seq, cycle FROM vmas"):
    if abs(by_seq[seq]["ts"] - cycle * 1e6 / hz) > 0.001:
        fail(f"chrome: vma seq {seq} at ts {by_seq[seq]['ts']}, cycle {cycle} at {hz} Hz")
# a system call ends at its exit's cycle and lasts at least the entry cost
for e in events:
    if e.get("cat") == "syscall":
        end = sql(f"SELECT cycle FROM syscalls WHERE seq = {e['args']['seq']}") * 1e6 / hz
        if abs(e["ts"] + e["dur"] - end) > 0.002 or e["dur"] <= 0:
            fail(f"chrome: syscall {e} does not end at cycle {end}")
            break
pids = {e["pid"] for e in events if e["ph"] == "M"}
for e in events:
    if e["pid"] not in pids:
        fail(f"chrome: event on pid {e['pid']}, which has no process_name: {e}")
        break
print(f"chrome: {len(events)} events, {dict(sorted((f'{a}/{b}', n) for (a, b), n in count.items()))}")

# ---- bad input ----------------------------------------------------------
for args, pattern in ((["--format", "csv", "--table", "nosuch"], "unknown table 'nosuch'"),
                      (["--format", "csv", "--table", "sqlite_master"], "unknown table"),
                      (["--format", "xml"], "expected events, csv or chrome"),
                      (["--format", "csv"], "needs --table"),
                      (["--format", "chrome", "--table", "faults"], "--table goes with")):
    p = run("export", db_path, *args)
    err = p.stderr.decode()
    if p.returncode != 2 or err.count("\n") != 1 or pattern not in err or p.stdout:
        fail(f"export {' '.join(args)}: exit {p.returncode}, stderr {err!r}, expected 2 and {pattern!r}")
if "faults" not in run("export", db_path, "--format", "csv", "--table", "nosuch").stderr.decode():
    fail("unknown table: the message does not list the valid ones")

if failures:
    sys.exit(1)
print("PASS export")
