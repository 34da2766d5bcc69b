#!/usr/bin/env python3
"""Issue #15's acceptance run against the real server, with the Standard Webhooks reference
library (PyPI `standardwebhooks`) verifying every delivery.

In a fresh demo store (the reference network and 20,000 synthetic cases, seed 1, as `serve`
seeds it) a counsel token for "Synthetic counsel 356":
  1. sees exactly the cases that name that counsel, and 404 for another case;
  2. subscribes two receivers (one healthy, one answering 500 twice) and opens the SSE stream;
  3. a supervisor adds one of the clients to a manifest through the API: within 2 s the healthy
     receiver gets a delivery that `standardwebhooks` verifies and the stream carries the event;
     the failing receiver gets it on the third try;
  4. the server is stopped, another event about the client is recorded meanwhile, the server is
     started again: the delivery arrives, and no acknowledged delivery is repeated;
  5. subscriptions to http://169.254.169.254/ and http://10.0.0.1/ are refused.

usage: webhook-check.py --bin .build/debug/corridor     (needs `pip install standardwebhooks`)
"""
import argparse, http.client, http.server, json, os, signal, socket, subprocess, sys, tempfile, threading, time, urllib.request, urllib.error

try:
    from standardwebhooks.webhooks import Webhook
except ImportError:
    sys.exit("webhook-check: standardwebhooks is not installed (pip install standardwebhooks)")

COUNSEL = "Synthetic counsel 356"
problems = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        problems.append(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base, method, path, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as response:
            text = response.read()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, (json.loads(text) if text else None)


class Receiver:
    """An HTTP receiver that verifies each delivery with standardwebhooks and answers per script."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.deliveries = []  # (received_at, webhook-id, status answered, verified, body)
        self.secret = None
        self.port = free_port()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    Webhook(receiver.secret).verify(body, headers)
                    verified = True
                except Exception as error:  # the library's WebhookVerificationError
                    verified = False
                    print(f"     verification failed: {error!r}", flush=True)
                status = receiver.answers.pop(0) if receiver.answers else 200
                receiver.deliveries.append((time.monotonic(), headers.get("webhook-id"), status, verified, json.loads(body)))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, predicate, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate(self.deliveries):
                return True
            time.sleep(0.02)
        return predicate(self.deliveries)


class Stream:
    """Reads /api/v1/events/stream in a thread, recording (time, id) of each event."""

    def __init__(self, port, token):
        self.events = []
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.connection.request("GET", "/api/v1/events/stream", headers={"Authorization": f"Bearer {token}"})
        self.response = self.connection.getresponse()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        event_id, data = None, None
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("id: "):
                    event_id = line[4:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "":
                    if data is not None:
                        self.events.append((time.monotonic(), event_id, json.loads(data)))
                    event_id, data = None, None
        except Exception:
            pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--cases", type=int, default=20000)
    args = parser.parse_args()
    work = tempfile.mkdtemp()
    db = os.path.join(work, "demo.sqlite")
    corridor = [args.bin]
    subprocess.run(corridor + ["seed", "--db", db, "--reference", "--synthetic", str(args.cases), "--seed", "1"], check=True, stdout=subprocess.DEVNULL)

    def token(role, *extra):
        out = subprocess.run(corridor + ["token", "create", "--db", db, "--role", role, "--name", f"webhook-check {role}", *extra],
                             check=True, capture_output=True, text=True).stdout
        return out.split()[0]

    admin, supervisor = token("admin"), token("supervisor")
    counsel = token("counsel", "--counsel", COUNSEL)
    # Who names this counsel: the latest case record of each case, from the export.
    export = subprocess.run(corridor + ["export", "--db", db], check=True, capture_output=True, text=True).stdout
    latest = {}
    for line in export.splitlines():
        record = json.loads(line)
        if record.get("type") == "case":
            latest[record["case"]] = record
    clients = sorted(c for c, r in latest.items() if r.get("counsel") == COUNSEL)
    other = next(c for c, r in latest.items() if r.get("counsel") != COUNSEL)
    check(len(clients) > 0, f"the demo store has clients of {COUNSEL!r} ({len(clients)})")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(work, "server.log"), "w")

    def serve():
        process = subprocess.Popen(corridor + ["serve", "--db", db, "--port", str(port), "--log-level", "warning",
                                               "--webhook-allow", "127.0.0.0/8"], stdout=subprocess.DEVNULL, stderr=log)
        for _ in range(600):
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        return process
            except Exception:
                time.sleep(0.25)
        sys.exit("webhook-check: the server did not become ready")

    server = serve()
    try:
        # 1. Scope.
        status, page = request(base, "GET", "/api/v1/cases?limit=1000", counsel)
        seen = sorted(c["id"] for c in page["cases"])
        check(seen == clients, f"counsel sees exactly the {len(clients)} cases naming {COUNSEL!r}")
        status, _ = request(base, "GET", f"/api/v1/cases/{other}", counsel)
        check(status == 404, f"counsel gets 404 for another case ({other}): {status}")

        # 2. Subscriptions and the stream.
        healthy, failing = Receiver([]), Receiver([500, 500])
        for receiver in (healthy, failing):
            status, made = request(base, "POST", "/api/v1/subscriptions", counsel, {"url": f"http://127.0.0.1:{receiver.port}/hook",
                                                                                    "types": ["manifest-add", "manifest-strike"]})
            check(status == 201 and made["secret"].startswith("whsec_"), f"subscription created ({status})")
            receiver.secret = made["secret"]
        stream = Stream(port, counsel)
        time.sleep(0.5)

        # 3. A client onto a manifest, through the API.
        status, arrangements = request(base, "GET", "/api/v1/arrangements?status=active&removingState=USA", admin)
        arrangement = arrangements["arrangements"][0]
        departs = time.strftime("%Y-%m-%dT08:00:00Z", time.gmtime(time.time() + 10 * 86400))
        status, _ = request(base, "POST", "/api/v1/records", supervisor, {
            "type": "transfer", "id": "TR-WEBHOOK-1", "destination": arrangement["partner"], "departs": departs, "seats": 10,
            "arrangement": arrangement["id"]})
        check(status == 201, f"transfer recorded ({status})")
        status, page = request(base, "GET", "/api/v1/cases?limit=1000&status=open", counsel)
        client = page["cases"][0]["id"]
        posted = time.monotonic()
        status, receipt = request(base, "POST", "/api/v1/records", supervisor, {"type": "manifest-add", "transfer": "TR-WEBHOOK-1", "case": client})
        check(status == 201, f"{client} added to the manifest through the API ({status})")
        seq = str(int(receipt["lastSeq"]))
        check(healthy.wait(lambda d: any(x[1] == seq for x in d), 2.0), f"a webhook delivery of event {seq} within 2 s")
        first = next((x for x in healthy.deliveries if x[1] == seq), None)
        if first:
            check(first[3], "standardwebhooks verifies the delivery's signature")
            check(first[0] - posted <= 2.0, f"delivered {first[0] - posted:.2f} s after the POST")
            check(first[4]["data"]["transfer"]["id"] == "TR-WEBHOOK-1" and first[4]["data"]["cases"] == [client],
                  "the delivery names the transfer and the client")
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline and not any(e[1] == seq for e in stream.events):
            time.sleep(0.02)
        check(any(e[1] == seq for e in stream.events), f"the SSE stream carried event {seq} within 2 s of the POST")
        check(failing.wait(lambda d: [x[2] for x in d if x[1] == seq] == [500, 500, 200], 15.0),
              f"the failing receiver got event {seq} on the third try: {[x[2] for x in failing.deliveries]}")
        check(all(x[3] for x in failing.deliveries), "every retry is signed and verifies")

        # 4. Restart: stop, record while down, start again.
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            f.write(json.dumps({"type": "manifest-strike", "transfer": "TR-WEBHOOK-1", "case": client, "reason": "webhook check"}) + "\n")
        subprocess.run(corridor + ["import", "--db", db, f.name], check=True, stdout=subprocess.DEVNULL)
        server = serve()
        check(healthy.wait(lambda d: len({x[1] for x in d}) >= 2, 10.0), "after the restart the event recorded while down is delivered")
        acknowledged = [x[1] for x in healthy.deliveries if 200 <= x[2] < 300]
        check(len(acknowledged) == len(set(acknowledged)), f"no acknowledged delivery was repeated: {acknowledged}")
        check(all(x[3] for x in healthy.deliveries), "every delivery verifies with standardwebhooks")

        # 5. SSRF.
        for url in ("http://169.254.169.254/", "http://10.0.0.1/"):
            status, problem = request(base, "POST", "/api/v1/subscriptions", counsel, {"url": url})
            check(status == 422 and problem.get("code") == "forbidden-address", f"a subscription to {url} is refused ({status} {problem.get('code')})")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    if problems:
        print(f"webhook-check: {len(problems)} problem(s); the server's log is {log.name}", file=sys.stderr)
        sys.exit(1)
    print("webhook-check: all checks passed")


if __name__ == "__main__":
    main()
