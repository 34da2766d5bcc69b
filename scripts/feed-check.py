#!/usr/bin/env python3
"""Reads a running server's network feed with feedparser (a real Atom parser) and checks it.

The feed must parse as Atom 1.0 without errors; every entry needs an id, a title, an updated
date, a link to a page of the same server and a cited source; there must be an entry for each
status change of the reference network's arrangements (compared with /api/v1/arrangements/{id}).

usage: feed-check.py http://127.0.0.1:8099        (needs `pip install feedparser`)
"""
import json, sys, urllib.request

try:
    import feedparser
except ImportError:
    sys.exit("feed-check: feedparser is not installed (pip install feedparser)")


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def main():
    base = sys.argv[1].rstrip("/")
    with urllib.request.urlopen(base + "/feeds/network.atom", timeout=60) as response:
        content_type = response.headers.get("Content-Type", "")
        body = response.read()
    problems = []
    if not content_type.startswith("application/atom+xml"):
        problems.append(f"Content-Type is {content_type!r}")
    feed = feedparser.parse(body)
    if feed.bozo:
        problems.append(f"feedparser found the feed malformed: {feed.bozo_exception!r}")
    if feed.version != "atom10":
        problems.append(f"feedparser reads it as {feed.version!r}, not Atom 1.0")
    for field in ("id", "title", "updated"):
        if not feed.feed.get(field):
            problems.append(f"the feed has no {field}")
    ids = set()
    for entry in feed.entries:
        name = entry.get("id", "?")
        if not name.startswith("tag:"):
            problems.append(f"entry id {name!r} is not a tag: URI")
        if name in ids:
            problems.append(f"entry id {name!r} is used twice")
        ids.add(name)
        if not entry.get("title") or not entry.get("updated_parsed"):
            problems.append(f"{name}: no title or no parseable updated date")
        if not entry.get("link", "").startswith(base + "/"):
            problems.append(f"{name}: links to {entry.get('link')!r}, not a page of {base}")
        if "Source: " not in entry.get("summary", "") or "Source: none recorded" in entry.get("summary", ""):
            problems.append(f"{name}: cites no source")

    # Every status change of every arrangement has its entry.
    statuses = 0
    for arrangement in get_json(base + "/api/v1/arrangements")["arrangements"]:
        detail = get_json(base + "/api/v1/arrangements/" + urllib.request.quote(arrangement["id"]))
        for status in detail["statusHistory"]:
            statuses += 1
            key = f"tag:corridor.invalid,2025:arrangement/{arrangement['id']}/status/{status['status']}/{status['on']}"
            if key not in ids:
                problems.append(f"no entry for {arrangement['id']} {status['status']} on {status['on']}")
    kinds = {}
    for entry in feed.entries:
        for tag in entry.get("tags", []):
            kinds[tag["term"]] = kinds.get(tag["term"], 0) + 1
    for problem in problems[:40]:
        print("FAIL " + problem)
    print(f"feed check: {len(feed.entries)} entries ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}); "
          f"{statuses} status changes recorded; {len(problems)} problems")
    return 1 if problems or statuses == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
