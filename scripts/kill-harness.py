#!/usr/bin/env python3
"""Crash safety, measured: kill `corridor import` and `corridor serve` with SIGKILL at random
moments, reopen the store and check what a system of record promises.

After every kill:
  - the store opens, `corridor audit verify` and `corridor audit replay` pass;
  - an import is all or nothing: either none of its records is in the log and the projections,
    or every one is;
  - a server keeps every record whose POST was answered 201 (exactly once) and every read it
    answered (each answered check is a `system.read` event); a request's records are all there
    or none (no partial array).

    scripts/kill-harness.py --imports 20 --servers 5          # CI's modest run
    scripts/kill-harness.py --imports 1000 --servers 200      # by hand (about an hour on 2 cores)

The binary is the debug build (`swift build --product corridor`) unless --bin names another.
Only loopback addresses are used. Exits non-zero on the first broken promise, naming it.
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

IMPORT_CASES = 2000  # cases in the import file (a case and an order each: 4,000 lines)


def run(args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def fail(message):
    print(f"kill-harness: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_store(source, target):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(target + suffix):
            os.remove(target + suffix)
        if os.path.exists(source + suffix):
            shutil.copy(source + suffix, target + suffix)


def check_store(binary, db, what):
    """The store opens and its chain and projections are intact."""
    for command in (["status"], ["audit", "verify"], ["audit", "replay"]):
        result = run([binary, *command, "--db", db])
        if result.returncode != 0:
            fail(f"{what}: 'corridor {' '.join(command)}' exited {result.returncode}: {result.stderr.strip()[:400]}")


def query(db, sql, *parameters):
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()


# --- imports -----------------------------------------------------------------------------------

def import_kills(binary, base, work, count, rng):
    path = os.path.join(work, "import.jsonl")
    with open(path, "w") as out:
        for i in range(IMPORT_CASES):
            case = f"KH-{i:05d}"
            out.write(json.dumps({"type": "case", "case": case, "nationalities": ["GTM"]}) + "\n")
            out.write(json.dumps({"type": "order", "case": case, "kind": "final", "on": "2025-01-10"}) + "\n")
    lines = 2 * IMPORT_CASES
    db = os.path.join(work, "import.sqlite")

    # How long one import takes uninterrupted: the window the kills fall in.
    copy_store(base, db)
    started = time.monotonic()
    result = run([binary, "import", "--db", db, path])
    duration = time.monotonic() - started
    if result.returncode != 0:
        fail(f"an uninterrupted import failed: {result.stderr.strip()[:400]}")
    outcomes = {"none": 0, "all": 0}
    for n in range(count):
        copy_store(base, db)
        process = subprocess.Popen([binary, "import", "--db", db, path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.02, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        what = f"import kill {n + 1}"
        check_store(binary, db, what)
        cases = query(db, "SELECT count(*) FROM cases WHERE id LIKE 'KH-%'")[0][0]
        events = query(db, "SELECT count(*) FROM events WHERE type IN ('case', 'order') AND payload LIKE '%\"KH-%'")[0][0]
        if (cases, events) == (0, 0):
            outcomes["none"] += 1
        elif (cases, events) == (IMPORT_CASES, lines):
            outcomes["all"] += 1
        else:
            fail(f"{what}: partial import kept: {cases} of {IMPORT_CASES} cases, {events} of {lines} events")
    return outcomes, duration


# --- servers -----------------------------------------------------------------------------------

class Writer(threading.Thread):
    """Posts arrays of three records (a case, its order, a claim) and checks each new case once
    (a logged read), remembering what the server acknowledged."""

    def __init__(self, base_url, token, name, stop):
        super().__init__(daemon=True)
        self.base_url, self.token, self.name, self.stop = base_url, token, name, stop
        self.acknowledged, self.reads = [], []

    def call(self, method, path, body=None):
        request = urllib.request.Request(self.base_url + path, method=method, data=body,
                                         headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status

    def run(self):
        i = 0
        while not self.stop.is_set():
            case = f"KS-{self.name}-{i}"
            i += 1
            records = [
                {"type": "case", "case": case, "nationalities": ["SLV"]},
                {"type": "order", "case": case, "kind": "final", "on": "2025-01-10"},
                {"type": "claim", "case": case, "claim": "cat", "against": "SLV", "status": "pending", "on": "2025-02-01"},
            ]
            try:
                if self.call("POST", "/api/v1/records", json.dumps(records).encode()) == 201:
                    self.acknowledged.append(case)
                if self.call("GET", f"/api/v1/cases/{case}/check?to=MEX&on=2025-09-01") == 200:
                    self.reads.append(case)
            except (urllib.error.URLError, ConnectionError, OSError, TimeoutError):
                if self.stop.is_set():
                    return
                time.sleep(0.01)


def server_kills(binary, base, work, count, rng, writers):
    db = os.path.join(work, "server.sqlite")
    totals = {"records": 0, "reads": 0}
    for n in range(count):
        copy_store(base, db)
        token = run([binary, "token", "create", "--db", db, "--role", "officer", "--name", f"kill-{n}"]).stdout
        token = next(word for word in token.split() if word.startswith("cor_"))
        port = free_port()
        log = open(os.path.join(work, "server.log"), "w")
        process = subprocess.Popen([binary, "serve", "--db", db, "--port", str(port), "--seed-cases", "0", "--log-level", "warning"],
                                   stdout=log, stderr=log)
        base_url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base_url + "/healthz", timeout=1)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.05)
        else:
            process.kill()
            fail(f"server kill {n + 1}: the server did not start ({open(log.name).read()[-400:]})")
        stop = threading.Event()
        threads = [Writer(base_url, token, f"{n}.{w}", stop) for w in range(writers)]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.3, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        log.close()

        what = f"server kill {n + 1}"
        check_store(binary, db, what)
        rows = query(db, "SELECT type, payload FROM events WHERE payload LIKE '%\"KS-%'")
        per_case = {}
        read_cases = set()
        for kind, payload in rows:
            record = json.loads(payload)
            case = record.get("case")
            if kind == "system.read":
                read_cases.add(case)
            elif case:
                per_case.setdefault(case, []).append(kind)
        for case, kinds in per_case.items():
            if sorted(kinds) != ["case", "claim", "order"]:
                fail(f"{what}: {case} has {sorted(kinds)} in the log (a request is all or nothing, once)")
        acknowledged = [case for thread in threads for case in thread.acknowledged]
        reads = [case for thread in threads for case in thread.reads]
        missing = [case for case in acknowledged if case not in per_case]
        if missing:
            fail(f"{what}: {len(missing)} acknowledged writes lost, e.g. {missing[:3]}")
        unlogged = [case for case in reads if case not in read_cases]
        if unlogged:
            fail(f"{what}: {len(unlogged)} answered reads not in the log, e.g. {unlogged[:3]}")
        totals["records"] += 3 * len(acknowledged)
        totals["reads"] += len(reads)
    return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--imports", type=int, default=20, help="imports to kill (default 20)")
    parser.add_argument("--servers", type=int, default=5, help="servers to kill under write load (default 5)")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writers per server (default 8)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill times (default 1)")
    parser.add_argument("--bin", help="the corridor binary (default: the debug build's)")
    args = parser.parse_args()
    if not (0 <= args.imports <= 100_000 and 0 <= args.servers <= 10_000 and 1 <= args.writers <= 64):
        parser.error("--imports 0–100000, --servers 0–10000, --writers 1–64")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = args.bin
    if binary is None:
        subprocess.run(["swift", "build", "--product", "corridor"], cwd=root, check=True, stdout=subprocess.DEVNULL)
        binary = os.path.join(run(["swift", "build", "--show-bin-path"], cwd=root).stdout.strip(), "corridor")
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="corridor-kill-") as work:
        base = os.path.join(work, "base.sqlite")
        seeded = run([binary, "seed", "--db", base, "--reference", "--synthetic", "200", "--seed", "1"])
        if seeded.returncode != 0:
            fail(f"seeding the base store: {seeded.stderr.strip()[:400]}")
        started = time.monotonic()
        outcomes, duration = import_kills(binary, base, work, args.imports, rng)
        import_seconds = time.monotonic() - started
        started = time.monotonic()
        totals = server_kills(binary, base, work, args.servers, rng, args.writers)
        server_seconds = time.monotonic() - started
    print(f"kill-harness: {args.imports} import kills of a {2 * IMPORT_CASES:,}-line import ({duration:.2f} s uninterrupted): "
          f"{outcomes['none']} left nothing, {outcomes['all']} had committed everything, none partial ({import_seconds:.0f} s)")
    print(f"kill-harness: {args.servers} server kills under {args.writers} writers: {totals['records']:,} acknowledged records "
          f"and {totals['reads']:,} answered reads, all in the log exactly once ({server_seconds:.0f} s)")
    print("kill-harness: the store opened, 'audit verify' and 'audit replay' passed after every kill")


if __name__ == "__main__":
    main()
