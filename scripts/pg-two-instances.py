#!/usr/bin/env python3
"""Two `corridor serve` instances on one PostgreSQL database: one chain, nothing acknowledged lost.

    scripts/pg-two-instances.py --db postgres://USER@127.0.0.1:PORT/DB?sslmode=disable [--writers 50] [--seconds 8]

The database must be empty (scripts/pg.sh createdb NAME prints the URL of a new one). The script
migrates and seeds it (reference network), creates an officer token, starts two servers on
loopback ports, and runs `--writers` concurrent writers split between them, each posting arrays
of three records (a case, its order, a claim) and checking the case it wrote (a logged read).
Halfway through, the first instance is killed with SIGKILL mid-write; the writers of the second
go on. Then:
  - `corridor audit verify --db URL` passes: one intact chain;
  - every acknowledged request's records are in the log exactly once, every request's records
    all there or none, every answered read logged;
  - a case written through one instance is visible through the other within a second (the live
    view follows: NOTIFY, with the chain-head poll behind it);
  - with --outage: while the database is down (scripts/pg.sh pause), requests answer 503 with
    Retry-After and /readyz says not ready; when it is back (resume), the instance recovers by itself;
  - `serve` on a database that is down exits non-zero, naming host and port;
  - with --first-start-db URL (another empty database): two servers started at the same moment
    on it seed it once (one announces an admin token; the other waits), and the log holds no
    record twice;
  - the URL's password (the script adds one; a loopback cluster that trusts its users ignores
    it) appears in no server log, no `status` output and no `/metrics` page.
Only loopback addresses are used; the run is bounded in time. Exits non-zero naming the broken
promise; prints what it measured.
"""
import argparse
import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request


def fail(message):
    print(f"pg-two-instances: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def run(args, check=True):
    result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and result.returncode != 0:
        fail(f"'{' '.join(args[:3])} …' exited {result.returncode}: {result.stderr.strip()[:600]}")
    return result


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base_url, token, method, path, body=None, timeout=10):
    request = urllib.request.Request(base_url + path, method=method, data=body,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status


def records_for(case):
    return [
        {"type": "case", "case": case, "nationalities": ["SLV"]},
        {"type": "order", "case": case, "kind": "final", "on": "2025-01-10"},
        {"type": "claim", "case": case, "claim": "cat", "against": "SLV", "status": "pending", "on": "2025-02-01"},
    ]


class Writer(threading.Thread):
    def __init__(self, base_url, token, name, stop):
        super().__init__(daemon=True)
        self.base_url, self.token, self.name, self.stop = base_url, token, name, stop
        self.acknowledged, self.reads, self.errors = [], [], 0

    def run(self):
        i = 0
        while not self.stop.is_set():
            case = f"PG-{self.name}-{i}"
            i += 1
            try:
                if call(self.base_url, self.token, "POST", "/api/v1/records", json.dumps(records_for(case)).encode()) == 201:
                    self.acknowledged.append(case)
                if call(self.base_url, self.token, "GET", f"/api/v1/cases/{case}/check?to=MEX&on=2025-09-01") == 200:
                    self.reads.append(case)
            except (urllib.error.URLError, ConnectionError, OSError, TimeoutError):
                self.errors += 1
                if self.stop.is_set():
                    return
                time.sleep(0.02)


SERVERS = []


@atexit.register
def stop_servers():
    """However the script ends, no server it started outlives it."""
    for process in SERVERS:
        if process.poll() is None:
            process.kill()


def launch_server(binary, url, work, name, seed_cases=0):
    port = free_port()
    log = open(os.path.join(work, f"{name}.log"), "w")
    process = subprocess.Popen([binary, "serve", "--db", url, "--port", str(port), "--seed-cases", str(seed_cases), "--log-level", "warning"],
                               stdout=log, stderr=log)
    SERVERS.append(process)
    return process, f"http://127.0.0.1:{port}", log


def wait_ready(server, name):
    process, base_url, log = server
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/readyz", timeout=1) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    fail(f"{name} did not become ready: {open(log.name).read()[-600:]}")


def start_server(binary, url, work, name):
    return wait_ready(launch_server(binary, url, work, name), name)


def first_start_check(binary, url, work):
    """Two servers started at the same moment on one empty database: exactly one seeds it (and
    announces an admin token), the other waits for it and finds it seeded; one intact chain with
    no record twice. Returns how many records the log holds."""
    servers = [launch_server(binary, url, work, f"first-start-{n}", seed_cases=500) for n in (1, 2)]
    for n, server in enumerate(servers, 1):
        wait_ready(server, f"first-start-{n}")
    for process, _, log in servers:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
    outputs = [open(log.name).read() for _, _, log in servers]
    seeders = sum("An admin token was created" in output for output in outputs)
    if seeders != 1:
        fail(f"two servers started at once on an empty database: {seeders} of them seeded it (one must)")
    verify = run([binary, "audit", "verify", "--db", url], check=False)
    if verify.returncode != 0:
        fail(f"after two first starts at once, audit verify: {verify.stdout.strip()[-400:]} {verify.stderr.strip()[-400:]}")
    exported = os.path.join(work, "first-start.jsonl")
    run([binary, "export", "--db", url, "--out", exported])
    lines = open(exported).read().splitlines()
    if len(set(lines)) != len(lines):
        fail(f"after two first starts at once, {len(lines) - len(set(lines))} records are in the log twice (seeded twice)")
    return len(lines)


def follow_latency(a, b, token, tag):
    """Writes a case through `a` and polls `b` until it answers for it; returns the seconds."""
    case = f"PG-follow-{tag}"
    if call(a, token, "POST", "/api/v1/records", json.dumps(records_for(case)).encode()) != 201:
        fail(f"the follow check's write through {a} was refused")
    started = time.monotonic()
    while time.monotonic() - started < 10:
        try:
            if call(b, token, "GET", f"/api/v1/cases/{case}/check?to=MEX&on=2025-09-01") == 200:
                return time.monotonic() - started
        except urllib.error.HTTPError:
            pass
        time.sleep(0.02)
    fail(f"a case written through {a} was not visible through {b} after 10 s")


def status_of(base_url, token, path, timeout=10):
    """(status, headers) of a GET, errors included."""
    request = urllib.request.Request(base_url + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def outage_check(b_url, token):
    """Stops the database: b answers 503 with Retry-After and is not ready; restarts it: b recovers."""
    pg = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pg.sh")
    run(["bash", pg, "pause"])
    try:
        started = time.monotonic()
        status, headers = status_of(b_url, token, "/api/v1/cases/PG-follow-a-to-b/check?to=MEX&on=2025-09-01")
        answered = time.monotonic() - started
        if status != 503 or not headers.get("Retry-After"):
            fail(f"with the database down, a check answered {status} (Retry-After: {headers.get('Retry-After')}), not 503 with Retry-After")
        ready, _ = status_of(b_url, token, "/readyz")
        if ready != 503:
            fail(f"with the database down, /readyz answered {ready}, not 503")
        try:
            call(b_url, token, "POST", "/api/v1/records", json.dumps(records_for("PG-during-outage")).encode())
            fail("a write was acknowledged while the database was down")
        except urllib.error.HTTPError as error:
            if error.code != 503:
                fail(f"a write while the database was down answered {error.code}, not 503")
    finally:
        run(["bash", pg, "resume"])
    back = time.monotonic()
    while time.monotonic() - back < 30:
        if status_of(b_url, token, "/api/v1/cases/PG-follow-a-to-b/check?to=MEX&on=2025-09-01")[0] == 200 and status_of(b_url, token, "/readyz")[0] == 200:
            return answered, time.monotonic() - back
        time.sleep(0.2)
    fail("the instance did not recover within 30 s of the database's return")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="postgres:// URL of an empty database")
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--bin", default=None, help="the corridor binary (default: the debug build)")
    parser.add_argument("--outage", action="store_true", help="stop the database under instance b (scripts/pg.sh pause/resume)")
    parser.add_argument("--first-start-db", default=None,
                        help="postgres:// URL of another empty database: start two servers on it at once, check exactly one seeds it")
    args = parser.parse_args()
    if not (2 <= args.writers <= 200 and 1 <= args.seconds <= 600):
        parser.error("--writers 2–200, --seconds 1–600")
    binary = args.bin or os.path.join(run(["swift", "build", "--show-bin-path"]).stdout.strip(), "corridor")
    secret = "NotForLogs-7d1f"
    scheme, rest = args.db.split("://", 1)
    user, host = rest.split("@", 1)
    url = f"{scheme}://{user.split(':')[0]}:{secret}@{host}"
    work = tempfile.mkdtemp(prefix="corridor-pg-two.")

    # Nothing listens on port 1: serve must exit non-zero naming host and port, never the password.
    down = run([binary, "serve", "--db", f"postgres://corridor:{secret}@127.0.0.1:1/corridor?sslmode=disable", "--port", str(free_port())], check=False)
    if down.returncode == 0 or "127.0.0.1:1" not in down.stderr or secret in down.stdout + down.stderr:
        fail(f"serve with the database down exited {down.returncode} saying: {down.stderr.strip()[:300]}")

    first_start = first_start_check(binary, args.first_start_db, work) if args.first_start_db else None

    run([binary, "migrate", "--db", url])
    run([binary, "seed", "--db", url, "--reference"])
    def new_token(role):
        created = run([binary, "token", "create", "--db", url, "--role", role, "--name", f"two-instances {role}"]).stdout
        return next(word for word in created.split() if word.startswith("cor_"))
    token, monitor = new_token("officer"), new_token("monitor")

    servers = [start_server(binary, url, work, name) for name in ("instance-a", "instance-b")]
    (a_process, a_url, a_log), (b_process, b_url, b_log) = servers

    follow = [follow_latency(a_url, b_url, token, "a-to-b"), follow_latency(b_url, a_url, token, "b-to-a")]
    with urllib.request.urlopen(urllib.request.Request(a_url + "/metrics", headers={"Authorization": f"Bearer {monitor}"}), timeout=10) as response:
        metrics = response.read().decode()
    shown = [what for what, text in [("/metrics", metrics), ("status", run([binary, "status", "--db", url]).stdout)] if secret in text]

    stop_a, stop_b = threading.Event(), threading.Event()
    half = args.writers // 2
    writers_a = [Writer(a_url, token, f"a{w}", stop_a) for w in range(half)]
    writers_b = [Writer(b_url, token, f"b{w}", stop_b) for w in range(args.writers - half)]
    started = time.monotonic()
    for writer in writers_a + writers_b:
        writer.start()
    time.sleep(args.seconds / 2)
    a_process.send_signal(signal.SIGKILL)  # mid-write: its writers have requests in flight
    a_process.wait()
    stop_a.set()
    time.sleep(args.seconds / 2)
    stop_b.set()
    for writer in writers_a + writers_b:
        writer.join(timeout=20)
    elapsed = time.monotonic() - started
    outage = outage_check(b_url, token) if args.outage else None
    b_process.send_signal(signal.SIGTERM)
    try:
        b_process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        b_process.kill()
        fail("instance b did not stop within 30 s of SIGTERM")
    a_log.close()
    b_log.close()

    for log in (a_log, b_log):
        if secret in open(log.name).read():
            shown.append(os.path.basename(log.name))
    if shown:
        fail(f"the database password appeared in: {', '.join(shown)}")

    verify = run([binary, "audit", "verify", "--db", url], check=False)
    if verify.returncode != 0:
        fail(f"audit verify: {verify.stdout.strip()[-400:]} {verify.stderr.strip()[-400:]}")
    run([binary, "audit", "replay", "--db", url])

    exported = os.path.join(work, "export.jsonl")
    run([binary, "export", "--db", url, "--out", exported])
    per_case = {}
    with open(exported) as lines:
        for line in lines:
            record = json.loads(line)
            case = record.get("case", "")
            if case.startswith("PG-"):
                per_case.setdefault(case, []).append(record["type"])
    for case, kinds in per_case.items():
        if sorted(kinds) != ["case", "claim", "order"]:
            fail(f"{case} has {sorted(kinds)} in the log (a request is all or nothing, once)")
    acknowledged = [case for writer in writers_a + writers_b for case in writer.acknowledged]
    if len(set(acknowledged)) != len(acknowledged):
        fail("a case was acknowledged twice")
    missing = [case for case in acknowledged if case not in per_case]
    if missing:
        fail(f"{len(missing)} acknowledged writes lost, e.g. {missing[:3]}")
    acknowledged_a = sum(len(w.acknowledged) for w in writers_a)
    acknowledged_b = sum(len(w.acknowledged) for w in writers_b)
    if acknowledged_a == 0 or acknowledged_b == 0:
        fail(f"each instance must acknowledge writes (a: {acknowledged_a}, b: {acknowledged_b})")
    print(f"pg-two-instances: {args.writers} writers ({half} on a, {args.writers - half} on b) for {elapsed:.1f} s, "
          f"a killed with SIGKILL at {args.seconds / 2:.1f} s: {3 * len(acknowledged):,} acknowledged records "
          f"({3 * acknowledged_a:,} through a, {3 * acknowledged_b:,} through b), all in one intact chain exactly once; "
          f"{len(per_case) - len(acknowledged) - 2} unacknowledged requests landed whole; "
          f"a write through one instance visible through the other after {max(follow) * 1000:.0f} ms at most")
    if first_start:
        print(f"pg-two-instances: two servers started at once on an empty database: one seeded it ({first_start:,} records, none twice), "
              "the other waited and served it; one intact chain")
    if outage:
        print(f"pg-two-instances: database stopped under instance b: 503 with Retry-After after {outage[0] * 1000:.0f} ms, "
              f"/readyz 503; database back: answering again after {outage[1]:.1f} s")
    if max(follow) > 1.5:
        fail(f"the live view followed the other instance only after {max(follow):.2f} s (more than a second and a half)")


if __name__ == "__main__":
    main()
