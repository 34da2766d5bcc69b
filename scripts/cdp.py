#!/usr/bin/env python3
"""Loads pages in headless Chromium over the Chrome DevTools Protocol and screenshots them.

Standard library only: a minimal RFC 6455 websocket client (text frames) talks to a Chromium
started with --remote-debugging-port. For each entry of the plan (JSON: name, path, role,
token) it sets the session cookie, loads the page at 1280 px and 390 px wide, collects
JavaScript console errors, uncaught exceptions, error log entries and the main document's
HTTP status, and writes screenshots/<name>-<role>-<width>.png. Exits 1 if anything failed.

usage: cdp.py --port 9222 --base http://127.0.0.1:8099 --plan plan.json --out screenshots
"""
import argparse, base64, json, os, socket, struct, sys, time, urllib.parse, urllib.request


class WebSocket:
    """Just enough of RFC 6455 for CDP: client handshake, masked text frames out, frames in."""

    def __init__(self, url, timeout=30):
        parts = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        path = parts.path + ("?" + parts.query if parts.query else "")
        request = (f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("websocket handshake: connection closed")
            response += chunk
        head, self.buffer = response.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError("websocket handshake refused: " + head.split(b"\r\n")[0].decode())

    def send(self, text):
        payload = text.encode()
        header = bytearray([0x81])  # FIN + text
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header.append(0x80 | 126); header += struct.pack(">H", n)
        else:
            header.append(0x80 | 127); header += struct.pack(">Q", n)
        mask = os.urandom(4)
        header += mask
        self.sock.sendall(bytes(header) + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("websocket closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 0x8:
                raise ConnectionError("websocket closed by peer")
            if opcode == 0x9:  # ping: answer with a pong is optional for CDP; ignore
                continue
            message += data
            if b0 & 0x80:
                return message.decode()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Page:
    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method, timeout=30):
        deadline = time.time() + timeout
        for index, event in enumerate(self.events):
            if event["method"] == method:
                del self.events[index]
                return event
        self.ws.sock.settimeout(timeout)
        while time.time() < deadline:
            message = json.loads(self.ws.recv())
            if "method" in message:
                self.events.append(message)
                if message["method"] == method:
                    return message
        raise TimeoutError(method)


def http_json(url, method="GET"):
    request = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


FIND_CLICKABLE = """(() => {
  for (const a of document.querySelectorAll(%s)) {
    const r = a.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
      const x = r.left + r.width * i / 12, y = r.top + r.height * j / 12;
      const hit = document.elementFromPoint(x, y);
      if (hit && hit.closest('a') === a)
        return JSON.stringify({x: x, y: y, href: a.getAttribute('href'), label: a.getAttribute('aria-label') || ''});
    }
  }
  return '';
})()"""


def click(page, entry):
    """Clicks, with the mouse as a person would, the first element matching entry["click"] that
    is visible and not covered, and checks that the browser lands on the page it links to."""
    found = page.call("Runtime.evaluate", expression=FIND_CLICKABLE % json.dumps(entry["click"]), returnByValue=True)
    target = found.get("result", {}).get("value") or ""
    if not target:
        return [f"nothing clickable matches {entry['click']}"]
    target = json.loads(target)
    page.events.clear()
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        page.call("Input.dispatchMouseEvent", type=kind, x=target["x"], y=target["y"], button="left", clickCount=1)
    page.wait_for("Page.loadEventFired")
    time.sleep(0.2)
    landed = page.call("Runtime.evaluate", expression="location.pathname + '|' + (document.querySelector('h1') || {}).textContent",
                       returnByValue=True)["result"]["value"]
    path, heading = landed.split("|", 1)
    problems = []
    for event in page.events:
        params = event.get("params", {})
        if event["method"] == "Network.responseReceived" and params.get("type") == "Document" and params["response"]["status"] >= 400:
            problems.append(f"after the click: HTTP {params['response']['status']} for {params['response']['url']}")
    if path != target["href"]:
        problems.append(f"clicking '{target['label']}' led to {path}, not {target['href']}")
    elif not heading.strip():
        problems.append(f"the page {path} has no heading")
    else:
        print(f"       clicked '{target['label']}' → {path} ({heading.strip()})")
    return problems


def check(devtools, base, entry, width, out):
    """Loads one page at one width; returns a list of problems."""
    target = http_json(f"{devtools}/json/new?about:blank", method="PUT")
    ws = WebSocket(target["webSocketDebuggerUrl"])
    page, problems = Page(ws), []
    try:
        for domain in ("Page", "Network", "Runtime", "Log"):
            page.call(f"{domain}.enable")
        page.call("Network.clearBrowserCookies")
        host = urllib.parse.urlparse(base).hostname
        if entry.get("token"):
            page.call("Network.setCookie", name="corridor_session", value=entry["token"], domain=host, path="/",
                      httpOnly=True, sameSite="Strict")
        page.call("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1, mobile=width < 600)
        page.call("Page.navigate", url=base + entry["path"])
        page.wait_for("Page.loadEventFired")
        time.sleep(0.2)
        page.call("Runtime.evaluate", expression="1")  # drain events that arrived with the load
        for event in page.events:
            method, params = event["method"], event.get("params", {})
            if method == "Network.responseReceived" and params.get("type") == "Document" and params["response"]["status"] >= 400:
                problems.append(f"HTTP {params['response']['status']} for {params['response']['url']}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                problems.append("console error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                problems.append("exception: " + params["exceptionDetails"].get("text", "") + " " +
                                params["exceptionDetails"].get("exception", {}).get("description", ""))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                problems.append("log error: " + params["entry"].get("text", "") + " " + params["entry"].get("url", ""))
        if entry.get("click"):
            problems += click(page, entry)
        metrics = page.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        height = min(int(size["height"]), 5000)
        shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})
        name = f"{entry['name']}-{entry['role']}-{width}.png"
        with open(os.path.join(out, name), "wb") as file:
            file.write(base64.b64decode(shot["data"]))
    finally:
        ws.close()
        try:
            urllib.request.urlopen(f"{devtools}/json/close/{target['id']}", timeout=5).read()
        except Exception:
            pass
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=9222)
    parser.add_argument("--base", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--widths", default="1280,390")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    devtools = f"http://127.0.0.1:{args.port}"
    with open(args.plan) as file:
        plan = json.load(file)
    failures = 0
    for entry in plan:
        for width in (int(w) for w in args.widths.split(",")):
            try:
                problems = check(devtools, args.base, entry, width, args.out)
            except Exception as error:  # a timeout or a closed socket is a failure of this page
                problems = [f"{type(error).__name__}: {error}"]
            status = "ok" if not problems else "FAIL"
            print(f"{status:4} {entry['name']:<22} {entry['role']:<10} {width:>4}px {entry['path']}")
            for problem in problems:
                print("       " + problem)
            failures += bool(problems)
    print(f"browser check: {len(plan) * len(args.widths.split(',')) - failures} page loads clean, {failures} with problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
