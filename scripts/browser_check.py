#!/usr/bin/env python3
"""Loads every page in headless Chromium through Playwright, and walks the flows a person does.

Chromium is the system's (Debian's package, --chromium), never a browser Playwright downloads.

Pages: for each entry of the plan (JSON: name, path, role, token) the browser signs in through
the sign-in form with the role's token (signed-out pages use the role "anonymous"), loads the
page at 1280 px and 390 px wide, and fails on the main document's HTTP error, a JavaScript
console error (a refused Content-Security-Policy, a resource that did not load), an uncaught
exception or a failed request. Screenshots: screenshots/<name>-<role>-<width>.png.

Flows (JSON: tokens per role and the ids the server was given): sign in (a wrong token first),
search a case and open its gate matrix, lock a transfer and try to depart it (and read the
refusal), record a court order's lift from its form. Screenshots: screenshots/flow-*.png.

usage: browser_check.py --base http://127.0.0.1:8099 --plan plan.json --flows flows.json --out screenshots
"""
import argparse, json, os, re, sys

try:
    from playwright.sync_api import sync_playwright, expect
except ImportError:
    sys.exit("browser check: Playwright for Python is missing: python3 -m pip install playwright "
             "(it drives the system Chromium; do not run 'playwright install')")


class Watch:
    """Collects what went wrong while a page was used; `expected` HTTP statuses are allowed."""

    def __init__(self, page):
        self.problems, self.expected = [], set()
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.problems.append(f"exception: {error}"))
        page.on("requestfailed", lambda request: self.problems.append(f"request failed: {request.url} {request.failure}"))
        page.on("response", self.response)

    def console(self, message):
        if message.type != "error":
            return
        status = re.search(r"status of (\d{3})", message.text)
        if status and int(status.group(1)) in self.expected:
            return  # the browser's note on a document answered with an expected status
        self.problems.append(f"console error: {message.text} {message.location.get('url', '')}")

    def response(self, response):
        if response.status >= 400 and response.status not in self.expected:
            self.problems.append(f"HTTP {response.status} for {response.url}")


def sign_in(context, base, token, next_path="/"):
    """Signs in through the form, as a person pastes a token; returns the page."""
    page = context.new_page()
    page.goto(f"{base}/signin?next={next_path}")
    page.fill("#token", token)
    page.click("form[action='/signin'] button[type=submit]")
    page.wait_for_load_state()
    if "/signin" in page.url:
        raise RuntimeError(f"signing in failed: {page.url}: {page.locator('main').inner_text()[:300]}")
    return page


def screenshot(page, path, width):
    height = min(page.evaluate("document.documentElement.scrollHeight"), 5000)
    page.screenshot(path=path, full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})


def check_pages(browser, base, plan, widths, out):
    """Every plan entry at every width; returns the number of loads with problems."""
    failures, sessions = 0, {}
    for role in dict.fromkeys(entry["role"] for entry in plan):
        token = next(entry["token"] for entry in plan if entry["role"] == role)
        if role == "anonymous":
            sessions[role] = None
            continue
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        sign_in(context, base, token).close()
        sessions[role] = context.storage_state()
        context.close()
    for entry in plan:
        for width in widths:
            context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 600, has_touch=width < 600,
                                          storage_state=sessions[entry["role"]])
            page = context.new_page()
            watch = Watch(page)
            try:
                response = page.goto(base + entry["path"], wait_until="load")
                if response is None or response.status != 200:
                    watch.problems.append(f"HTTP {response.status if response else 'no response'} for {entry['path']}")
                page.wait_for_timeout(200)
                screenshot(page, os.path.join(out, f"{entry['name']}-{entry['role']}-{width}.png"), width)
            except Exception as error:  # a timeout or a crash is a failure of this page
                watch.problems.append(f"{type(error).__name__}: {error}")
            finally:
                context.close()
            status = "ok" if not watch.problems else "FAIL"
            print(f"{status:4} {entry['name']:<22} {entry['role']:<10} {width:>4}px {entry['path']}")
            for problem in watch.problems:
                print("       " + problem)
            failures += bool(watch.problems)
    print(f"browser check: {len(plan) * len(widths) - failures} page loads clean, {failures} with problems")
    return failures


# The flows a person does. Each gets a fresh browser at 1280 px and fails on its first broken step.

def flow_sign_in(browser, base, data, out):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{base}/cases")
    expect(page).to_have_url(re.compile(r"/signin\?next=%2Fcases$"))
    watch.expected.add(401)
    page.fill("#token", "cor_" + "0" * 64)
    page.click("form[action='/signin'] button[type=submit]")
    expect(page.locator("p.error[role=alert]")).to_contain_text("unknown or revoked")
    screenshot(page, os.path.join(out, "flow-sign-in-refused.png"), 1280)
    watch.expected.discard(401)
    page.fill("#token", data["tokens"]["officer"])
    page.click("form[action='/signin'] button[type=submit]")
    expect(page).to_have_url(f"{base}/cases")
    expect(page.locator("header.site .session")).to_contain_text("(officer)")
    screenshot(page, os.path.join(out, "flow-sign-in.png"), 1280)
    return context, page, watch


def flow_case(browser, base, data, out):
    """Search a case, open it, follow a gate's cell of its matrix to its reason."""
    context, page, watch = flow_sign_in(browser, base, data, out)
    case = data["case"]
    page.fill("#q", case)
    page.click("form.filters button[type=submit]")
    link = page.locator("table a", has_text=case).first
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("h1")).to_contain_text(case)
    matrix = page.locator("table.matrix")
    expect(matrix.locator("tbody tr").first).to_be_visible()
    cell = matrix.locator("tbody td a[href^='#']").first
    target = cell.get_attribute("href")[1:]
    cell.click()
    # The page's script opens the details holding the finding (served from /static under the CSP).
    expect(page.locator(f"details:has([id='{target}'])")).to_have_attribute("open", "")
    expect(page.locator(f"[id='{target}']")).to_be_visible()
    screenshot(page, os.path.join(out, "flow-case-matrix.png"), 1280)
    context.close()
    return watch.problems, f"{case}: matrix cell #{target} opened its reason"


def flow_transfer(browser, base, data, out):
    """Lock a transfer's manifest, try to record its departure, read the refusal."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = sign_in(context, base, data["tokens"]["supervisor"], f"/transfers/{data['transfer']}")
    watch = Watch(page)
    expect(page.locator("h1")).to_contain_text(data["transfer"])
    page.click("button:has-text('Lock the manifest')")
    expect(page.locator("p.ok[role=status]")).to_have_text("The manifest is locked.")
    watch.expected.add(409)
    page.click("button:has-text('Record departure')")
    refusal = page.locator("p.error[role=alert]")
    expect(refusal).to_contain_text("The depart was refused")
    expect(refusal).to_contain_text(data["case"])
    expect(refusal).to_contain_text("court-order")  # the gate the court order closes for the held person
    text = refusal.inner_text()
    screenshot(page, os.path.join(out, "flow-transfer-refused.png"), 1280)
    expect(page.locator("main")).to_contain_text("locked")
    context.close()
    return watch.problems, "refusal read: " + text[:220]


def flow_lift(browser, base, data, out):
    """Record a court order's lift from its form, as counsel."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = sign_in(context, base, data["tokens"]["counsel"], f"/court-orders/{data['order']}")
    watch = Watch(page)
    expect(page.locator("h1")).to_contain_text(data["order"])
    page.fill("#lift-reason", "Vacated on appeal (browser check)")
    page.click("button:has-text('Record the lift')")
    expect(page).to_have_url(f"{base}/court-orders/{data['order']}")
    expect(page.locator("dl.terms")).to_contain_text("Lifted")
    expect(page.locator("#lift-heading")).to_have_count(0)
    screenshot(page, os.path.join(out, "flow-court-order-lifted.png"), 1280)
    context.close()
    return watch.problems, "lift recorded"


def flow_map(browser, base, data, out):
    """Signed out, a partner on the home map opens its arrangement page when clicked."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{base}/")
    partner = page.locator("a.partner[href^='/arrangements/']").first
    href, label = partner.get_attribute("href"), partner.get_attribute("aria-label") or ""
    partner.click()
    expect(page).to_have_url(base + href)
    expect(page.locator("h1")).to_be_visible()
    screenshot(page, os.path.join(out, "flow-map-click.png"), 1280)
    context.close()
    return watch.problems, f"{label or href} → {href}"


def flow_report_downloads(browser, base, data, out):
    """Signed out, every download the public report page offers answers 200 with content; the
    standalone HTML report renders with no network at all (offline), charts included."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{base}/report")
    links = [a.get_attribute("href") for a in page.locator("ul.downloads a").all()]
    problems = []
    html = ""
    for href in links:
        reply = page.request.get(base + href)
        body = reply.body()
        if reply.status != 200 or not body:
            problems.append(f"{href}: {reply.status}, {len(body)} bytes")
        if href.endswith(".csv") and body.splitlines()[0].startswith(b"="):
            problems.append(f"{href}: header starts with a formula")
        if href.endswith("report.html"):
            html = body.decode("utf-8")
    if not any(h.endswith("codebook.md") for h in links) or not any(h.endswith("codebook.json") for h in links):
        problems.append("no codebook among the downloads")
    offline = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    report = offline.new_page()
    requests = []
    report.on("request", lambda request: requests.append(request.url) if not request.url.startswith("data:") else None)
    report.set_content(html)
    expect(report.locator("h1")).to_have_text("Corridor public report")
    if report.locator("svg").count() < 2:
        problems.append("the HTML report has fewer than two charts")
    if requests:
        problems.append(f"the HTML report fetched {requests[:3]}")
    screenshot(report, os.path.join(out, "flow-report-html-offline.png"), 1280)
    offline.close()
    context.close()
    return watch.problems + problems, f"{len(links)} downloads"


def run_flows(browser, base, data, out):
    failures = 0
    # The transfer is tried while the court order still holds a person on it; then it is lifted.
    flows = [("signed out, click a partner on the map", flow_map), ("sign in, search a case, its gate matrix", flow_case),
             ("lock, try to depart, read the refusal", flow_transfer), ("record a court-order lift", flow_lift),
             ("download the public report's files; open the HTML report offline", flow_report_downloads)]
    for name, flow in flows:
        try:
            problems, note = flow(browser, base, data, out)
        except Exception as error:
            problems, note = [f"{type(error).__name__}: {error}"], ""
        print(f"{'ok' if not problems else 'FAIL':4} flow: {name}{' — ' + note if note else ''}")
        for problem in problems:
            print("       " + problem)
        failures += bool(problems)
    print(f"browser flows: {len(flows) - failures} passed, {failures} failed")
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--flows", required=True)
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--widths", default="1280,390")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with open(args.plan) as file:
        plan = json.load(file)
    with open(args.flows) as file:
        flows = json.load(file)
    widths = [int(width) for width in args.widths.split(",")]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        expect.set_options(timeout=15_000)
        try:
            failures = check_pages(browser, args.base, plan, widths, args.out)
            failures += run_flows(browser, args.base, flows, args.out)
        finally:
            browser.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
