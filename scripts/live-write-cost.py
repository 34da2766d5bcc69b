#!/usr/bin/env python3
"""What one write costs a server that holds the caseload in memory: the append, and the live
view bringing its caseload up to date before the next read (the read forces the refresh).

    python3 scripts/live-write-cost.py --port PORT --token SECRET [--writes 50]

Start `corridor serve` on a store first (a synthetic one: the script writes `fear` records for
SYN-0001000… and new cases NEW-…), with an officer token. Prints the server's CPU time (from
/proc) and the wall time per write, for a fact about an existing person and for a new person.
"""
import argparse, json, subprocess, time, urllib.request

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--token", required=True)
parser.add_argument("--writes", type=int, default=50)
args = parser.parse_args()
base = f"http://127.0.0.1:{args.port}"
pid = int(subprocess.check_output(["pgrep", "-f", f"corridor serve.*--port {args.port}"]).split()[0])
headers = {"Authorization": "Bearer " + args.token}


def cpu():
    fields = open(f"/proc/{pid}/stat").read().split(")")[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0


def post(line):
    request = urllib.request.Request(base + "/api/v1/records", data=line.encode(), headers={**headers, "Content-Type": "application/x-ndjson"}, method="POST")
    return urllib.request.urlopen(request).status


def read():
    return urllib.request.urlopen(urllib.request.Request(base + "/api/v1/cases/SYN-0000017/check?to=MEX", headers=headers)).status


kinds = [
    ("a fact about an existing person", lambda i: {"type": "fear", "case": "SYN-%07d" % (1000 + i), "destination": "MEX", "on": "2025-08-01"}),
    ("a new person", lambda i: {"type": "case", "case": "NEW-%07d" % (int(time.time()) % 100000 * 1000 + i), "nationalities": ["VEN"]}),
]
for label, make in kinds:
    c0, t0 = cpu(), time.time()
    for i in range(args.writes):
        post(json.dumps(make(i)))
        read()
    c1, t1 = cpu(), time.time()
    print(f"{label}: {args.writes} writes, each followed by a read: server CPU {(c1 - c0) / args.writes * 1000:.1f} ms per write, wall {(t1 - t0) / args.writes * 1000:.1f} ms")
