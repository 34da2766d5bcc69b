#!/usr/bin/env python3
"""`corridor eligible` written again as SQL: DuckDB over the records of `corridor export`.

    python3 scripts/duckdb_eligible.py EXPORT.jsonl --to MEX [--to SLV ...] --on 2025-09-01 \
        [--policy us-dvd-2025] [--json]

A peer for measuring and for checking: DuckDB reads the JSON Lines file once, and the twelve
gates of the policy profile run over every case as one SQL query per destination. It prints,
per destination, the counts by verdict and the people each gate blocks or keeps waiting, in
the shape of `corridor eligible --json` (`total`, `allowedCount`, `pendingCount`,
`blockedCount`, `failing`, `waiting`); scripts/duckdb-compare.sh checks them against it.

What is computed outside the per-person query, as Corridor's DestinationContext does once per
destination: the profile's parameter values on the day (read from the profile file shipped in
Sources/CorridorRules/Resources/policies), and from the file's own network records the
destination's returns and risk, its arrangements with their status on the day, and the court
orders in force. The query inlines them as constants.

What it does not reproduce, and refuses rather than answer wrongly:
- capacity used by departed transfers (`transfer` … `transfer-depart` records): the peer
  stops with an error when the file has any departure;
- a case recorded twice (a corrected `case` record): the peer stops with an error;
- the `clears` dates and the reasons: counts only.
Log order, where the gates use it to break ties between records of the same date, is the
order of the lines in the file.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time

try:
    import duckdb
except ImportError:  # pragma: no cover - the runner installs it
    sys.exit("duckdb_eligible: DuckDB is not installed (pip install duckdb, or run scripts/duckdb-compare.sh)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICIES = os.path.join(ROOT, "Sources/CorridorRules/Resources/policies")
GATES = ["final-order", "court-order", "destination-order", "arrangement", "protection", "notice", "fear-screening",
         "chain-refoulement", "human-rights-risk", "vulnerability", "aea", "stca"]
COLUMNS = {
    "type": "VARCHAR", "case": "VARCHAR", "nationalities": "VARCHAR[]", "birthYear": "INTEGER",
    "pathway": "VARCHAR", "unaccompaniedMinor": "BOOLEAN", "familyUnit": "VARCHAR", "criminalRecord": "BOOLEAN",
    "counsel": "VARCHAR", "closedOn": "DATE", "kind": "VARCHAR", "on": "DATE", "designatedCountry": "VARCHAR",
    "claim": "VARCHAR", "against": "VARCHAR", "status": "VARCHAR", "destination": "VARCHAR", "servedOn": "VARCHAR",
    "language": "VARCHAR", "counselNotified": "BOOLEAN", "exigent": "BOOLEAN", "outcome": "VARCHAR",
    "code": "VARCHAR", "returns": "VARCHAR", "risk": "JSON", "id": "VARCHAR", "partner": "VARCHAR",
    "removingState": "VARCHAR", "terms": "JSON", "arrangement": "VARCHAR", "court": "VARCHAR", "citation": "VARCHAR",
    "issuedOn": "DATE", "expiresOn": "DATE", "scope": "JSON", "effect": "JSON", "transfer": "VARCHAR",
}


class PeerError(Exception):
    pass


def q(value):
    """A SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(q(v) for v in value) + "]::VARCHAR[]" if value else "[]::VARCHAR[]"
    return "'" + str(value).replace("'", "''") + "'"


def policy_values(policy_id, day):
    path = os.path.join(POLICIES, policy_id + ".json")
    if not os.path.exists(path):
        known = sorted(f[:-5] for f in os.listdir(POLICIES) if f.endswith(".json"))
        raise PeerError(f"no policy profile '{policy_id}' (known: {', '.join(known)})")
    with open(path) as file:
        profile = json.load(file)
    values = {}
    for name, parameter in profile["parameters"].items():
        dated = [v for v in parameter["values"] if v["from"] <= day.isoformat()]
        values[name] = (dated[-1] if dated else parameter["values"][0])["value"]
    return profile, values


def assurances_met(standard, assurances):
    """PolicyProfile.AssuranceStandard.isMet."""
    if not assurances or assurances.get("nonReturn") is not True:
        return False
    return {"none": False, "credible": assurances.get("credibleFinding") is True,
            "binding": assurances.get("binding") is True}.get(standard or "none", False)


def load(con, path):
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in COLUMNS.items()) + "}"
    # `ord` is the line's position: log order, which the gates use to break ties.
    con.execute(f"""
        CREATE TABLE records AS
        SELECT row_number() OVER () AS ord, *
        FROM read_json({q(path)}, format = 'newline_delimited', columns = {columns})""")
    counts = dict(con.execute("SELECT type, count(*) FROM records GROUP BY type").fetchall())
    if counts.get("transfer-depart"):
        raise PeerError(f"the file records {counts['transfer-depart']} departure(s): the capacity they use is not reproduced here")
    duplicate = con.execute("""SELECT "case" FROM records WHERE type = 'case' GROUP BY "case" HAVING count(*) > 1 LIMIT 1""").fetchone()
    if duplicate:
        raise PeerError(f"case {duplicate[0]} is recorded more than once: corrected case records are not reproduced here")
    return counts


def network_context(con, destination, day, instant, profile, values):
    """What DestinationContext computes once: country facts, candidates, orders in force."""
    countries = {}
    for code, returns, risk in con.execute("SELECT code, returns, risk FROM records WHERE type = 'country' ORDER BY ord").fetchall():
        countries[code] = (returns, json.loads(risk)["score"] if risk else None)
    arrangements = {}
    for row in con.execute("""SELECT id, partner, kind, coalesce(removingState, 'USA'), terms
                              FROM records WHERE type = 'arrangement' ORDER BY ord""").fetchall():
        arrangements[row[0]] = {"id": row[0], "partner": row[1], "kind": row[2], "removingState": row[3],
                                "terms": json.loads(row[4]) if row[4] else {}}
    statuses = {}
    for arrangement, status in con.execute("""SELECT arrangement, status FROM records
                                              WHERE type = 'arrangement-status' AND "on" <= ? ORDER BY "on", ord""", [day]).fetchall():
        statuses[arrangement] = status
    candidates = [dict(a, status=statuses.get(a["id"])) for a in arrangements.values()
                  if a["partner"] == destination and a["removingState"] == profile["removingState"]]
    candidates.sort(key=lambda a: (0 if a["status"] == "active" else 1, a["id"]))

    lifts = {i: on for i, on in con.execute("SELECT id, \"on\" FROM records WHERE type = 'court-order-lift' ORDER BY ord").fetchall()}
    orders = {}
    for row in con.execute("""SELECT id, issuedOn, expiresOn, scope, effect FROM records
                              WHERE type = 'court-order' ORDER BY ord""").fetchall():
        orders[row[0]] = {"id": row[0], "issuedOn": row[1], "expiresOn": row[2], "scope": json.loads(row[3] or "{}"),
                          "effect": json.loads(row[4])}
    in_force = []
    for order in sorted(orders.values(), key=lambda o: o["id"]):
        if order["issuedOn"] > day or (order["expiresOn"] and order["expiresOn"] <= day):
            continue
        if order["id"] in lifts and lifts[order["id"]] <= day:
            continue
        if "destinations" in order["scope"] and destination not in order["scope"]["destinations"]:
            continue
        in_force.append(order)
    return countries, candidates, in_force


def gate_query(destination, day, instant, values, countries, candidates, orders):
    D, DAY = q(destination), f"DATE '{day.isoformat()}'"
    INSTANT = f"TIMESTAMPTZ '{instant.isoformat()}'"
    third = "NOT list_contains(p.nationalities, " + D + ")"
    is_minor = f"(coalesce(p.unaccompaniedMinor, FALSE) OR (p.birthYear IS NOT NULL AND {day.year} - p.birthYear < 18))"

    # court-order: fail when a covering order blocks; pending when a covering order's notice
    # period has not run (earliest notice naming the destination); else pass.
    court_fail, court_pending = [], []
    for order in orders:
        scope, conditions = order["scope"], []
        if "cases" in scope:
            conditions.append(f'p."case" IN ({", ".join(q(c) for c in scope["cases"]) or "NULL"})')
        if "nationalities" in scope:
            conditions.append(f"list_has_any(p.nationalities, {q(scope['nationalities'])})")
        if "designations" in scope:
            conditions.append(f"list_has_any(coalesce(d.kinds, []::VARCHAR[]), {q(scope['designations'])})")
        if scope.get("thirdCountryOnly") is True:
            conditions.append(third)
        if "pathways" in scope:
            conditions.append(f"coalesce(p.pathway, 'removal') IN ({', '.join(q(x) for x in scope['pathways'])})")
        covers = " AND ".join(conditions) or "TRUE"
        if order["effect"] == "block":
            court_fail.append(covers)
        else:
            days = int(order["effect"]["noticeDays"])
            court_pending.append(f"(({covers}) AND (n.earliest IS NULL OR n.earliest + INTERVAL {days} DAY > {INSTANT}))")
    court = ("CASE WHEN " + (" OR ".join(f"({c})" for c in court_fail) or "FALSE") + " THEN 'fail' WHEN "
             + (" OR ".join(court_pending) or "FALSE") + " THEN 'pending' ELSE 'pass' END")

    # destination-order: the designated country or a nationality country must accept returns;
    # a third country only when every prior country is impracticable.
    def returns_of(expr):
        cases = " ".join(f"WHEN {q(code)} THEN {q(r)}" for code, (r, _) in countries.items() if r)
        return f"(CASE {expr} {cases} ELSE NULL END)" if cases else "NULL"
    d_returns = countries.get(destination, (None, None))[0]
    home_result = {"accepts": "'pass'", "limited": "'pass'", "refuses": "'fail'"}.get(d_returns, "'pending'")
    # For a third country: the first prior (designated first, then nationalities) that is not
    # impracticable decides: accepts/limited -> fail, unrecorded -> pending.
    prior_state = (f"list_transform(o.priors, lambda x: CASE WHEN list_contains(coalesce(c.granted, []::VARCHAR[]), x) THEN 'imp' "
                   f"ELSE CASE {returns_of('x')} WHEN 'refuses' THEN 'imp' WHEN 'accepts' THEN 'fail' WHEN 'limited' THEN 'fail' ELSE 'pending' END END)")
    destination_order = f"""CASE
        WHEN p.pathway = 'asylum-transfer' THEN 'pass'
        WHEN NOT ({third}) OR o.designated = {D} THEN {home_result}
        ELSE coalesce(list_filter({prior_state}, lambda s: s <> 'imp')[1], 'pass') END"""

    # arrangement: pass when a candidate takes the person, else pending when one only lacks
    # facts or this month's capacity, else fail.
    def exclusion(a):
        terms, name = a["terms"], a["id"]
        if a["status"] != "active":
            return "'fail'"
        nationalities = terms.get("nationalities")
        if nationalities is None:
            return "'pending'"
        excluded = terms.get("excludedNationalities") or []
        accepted = "TRUE" if nationalities == "any" else f"list_contains({q(nationalities)}, x)"
        covered = f"len(list_filter(p.nationalities, lambda x: {accepted} AND NOT list_contains({q(excluded)}, x))) > 0"
        steps = [f"WHEN NOT ({covered}) THEN 'fail'"]
        if terms.get("excludesMinors") is True:
            steps.append(f"WHEN {is_minor} THEN 'fail'")
        if terms.get("excludesFamilies") is True:
            steps.append("WHEN p.familyUnit IS NOT NULL THEN 'fail'")
        if terms.get("excludesCriminalRecord") is True:
            steps.append("WHEN p.criminalRecord IS TRUE THEN 'fail' WHEN p.criminalRecord IS NULL THEN 'pending'")
        if terms.get("requiresCriminalRecord") is True:
            steps.append("WHEN p.criminalRecord IS FALSE THEN 'fail' WHEN p.criminalRecord IS NULL THEN 'pending'")
        # No departures in the file (checked on load): capacity used is 0.
        if terms.get("capacityTotal") is not None and terms["capacityTotal"] <= 0:
            steps.append("WHEN TRUE THEN 'fail'")
        if terms.get("capacityPerMonth") is not None and terms["capacityPerMonth"] <= 0:
            steps.append("WHEN TRUE THEN 'pending'")
        return "CASE " + " ".join(steps) + " ELSE 'pass' END"
    if not candidates:
        arrangement = "'fail'"
    else:
        results = "[" + ", ".join(exclusion(a) for a in candidates) + "]"
        arrangement = (f"CASE WHEN list_contains({results}, 'pass') THEN 'pass' "
                       f"WHEN list_contains({results}, 'pending') THEN 'pending' ELSE 'fail' END")
    arrangement = f"CASE WHEN NOT ({third}) THEN 'pass' ELSE {arrangement} END"

    protection = (f"CASE WHEN list_contains(coalesce(c.granted, []::VARCHAR[]), {D}) THEN 'fail' "
                  f"WHEN list_contains(coalesce(c.pending, []::VARCHAR[]), {D}) THEN 'pending' ELSE 'pass' END")

    waiver = values["notice.waivedByAssurances"]
    waived = waiver != "none" and any(a["status"] == "active" and assurances_met(waiver, a["terms"].get("assurances"))
                                       for a in candidates)
    notice = "'pass'" if waived else "CASE WHEN n.valid_ready THEN 'pass' ELSE 'pending' END"
    notice = f"CASE WHEN NOT ({third}) THEN 'pass' ELSE {notice} END"

    wait = values["fear.waitAfterNegativeDays"] or 0
    ready_days = (int(-(-wait // 1)) + 1) if wait > 0 else 0  # ceil(wait) + 1 days after the screening day
    fear_screening = f"""CASE WHEN s.outcome = 'positive' THEN 'fail'
        WHEN s.outcome = 'negative' THEN CASE WHEN s."on" + INTERVAL {ready_days} DAY > {INSTANT} THEN 'pending' ELSE 'pass' END
        WHEN f.feared THEN 'pending' ELSE 'pass' END"""

    protected_any = "len(list_filter(p.nationalities, lambda x: list_contains(coalesce(c.granted, []::VARCHAR[]), x))) > 0"
    pending_any = ("len(list_filter(p.nationalities, lambda x: NOT list_contains(coalesce(c.granted, []::VARCHAR[]), x) "
                   "AND list_contains(coalesce(c.pending, []::VARCHAR[]), x))) > 0")
    if not values["chainRefoulement.blocks"]:
        chain_host = "'pass'"
    elif not candidates:
        chain_host = "'pending'"
    else:
        host = candidates[0]["terms"]
        handling = host.get("hostHandling")
        if handling is None:
            chain_host = "'pending'"
        elif "repatriation" not in handling:
            chain_host = "'pass'"
        elif assurances_met(values["chainRefoulement.liftedByAssurances"], host.get("assurances")):
            chain_host = "'pass'"
        else:
            chain_host = f"CASE WHEN {protected_any} THEN 'fail' ELSE 'pending' END"
    chain = f"CASE WHEN NOT ({third}) THEN 'pass' WHEN NOT ({protected_any}) AND NOT ({pending_any}) THEN 'pass' ELSE {chain_host} END"

    threshold = values["risk.threshold"]
    if threshold is None:
        risk_rest = "'pass'"
    elif threshold <= 0:
        risk_rest = "'pending'"
    else:
        score = countries.get(destination, (None, None))[1]
        risk_rest = "'pending'" if score is None else ("'pass'" if score < threshold else "'fail'")
    risk = (f"CASE WHEN NOT ({third}) THEN 'pass' WHEN {q(threshold is None)} THEN 'pass' "
            f"WHEN s.outcome = 'negative' THEN 'pass' WHEN s.outcome = 'positive' THEN 'fail' ELSE {risk_rest} END")

    minor_bar = f"(coalesce(p.unaccompaniedMinor, FALSE) AND {third} AND {q(bool(values['vulnerability.blockUnaccompaniedMinors']))})"

    aea_days = values["aea.noticeDays"]
    aea = f"""CASE WHEN NOT coalesce(d.aea, FALSE) THEN 'pass' WHEN n.earliest IS NULL THEN 'pending'
        WHEN n.earliest + INTERVAL {int(aea_days * 86400)} SECOND > {INSTANT} THEN 'pending' ELSE 'pass' END"""

    agreements = [a for a in candidates if a["kind"] == "asylum-cooperative"]
    agreement = next((a for a in agreements if a["status"] == "active"), None)
    if agreement is None:
        stca_rest = "'fail'"
    else:
        handling = agreement["terms"].get("hostHandling")
        stca_rest = "'pending'" if handling is None else ("'pass'" if "asylum" in handling else "'fail'")
    stca = f"""CASE WHEN coalesce(p.pathway, 'removal') <> 'asylum-transfer' THEN 'pass'
        WHEN NOT ({third}) THEN 'fail' WHEN coalesce(p.unaccompaniedMinor, FALSE) THEN 'fail'
        WHEN {q(agreement is None)} THEN 'fail' WHEN s.outcome = 'positive' THEN 'fail' ELSE {stca_rest} END"""

    final_order = f"""CASE WHEN p.closedOn IS NOT NULL AND p.closedOn <= {DAY} THEN 'fail'
        WHEN p.pathway = 'asylum-transfer' THEN 'pass' WHEN o.kind IS NULL THEN 'pending'
        WHEN o.kind = 'final' THEN 'pass' ELSE 'pending' END"""

    period = values["notice.minimumHours"]
    exigent = values["notice.exigentMinimumHours"]
    period_expr = (f"CASE WHEN r.exigent IS TRUE THEN {exigent} ELSE {period} END" if exigent is not None else str(period))
    valid = ["TRUE"]
    if values["notice.languageRequired"]:
        valid.append("r.language IS NOT NULL")
    if values["notice.counselRequired"]:
        valid.append("(pc.counsel IS NULL OR r.counselNotified IS TRUE)")

    columns = ["g_" + g.replace("-", "_") for g in GATES]
    all_gates = "[" + ", ".join(columns) + "]"
    per_gate = ",\n  ".join(f"count(*) FILTER (WHERE {c} = 'fail') AS \"fail:{g}\", "
                             f"count(*) FILTER (WHERE {c} = 'pending') AS \"pending:{g}\"" for c, g in zip(columns, GATES))
    return f"""
WITH
  p AS (SELECT "case", nationalities, birthYear, pathway, unaccompaniedMinor, familyUnit, criminalRecord, counsel, closedOn
        FROM records WHERE type = 'case'),
  o AS (SELECT "case", kind, designatedCountry AS designated,
               CASE WHEN designatedCountry IS NULL OR list_contains(any_value(nats), designatedCountry) THEN any_value(nats)
                    ELSE list_prepend(designatedCountry, any_value(nats)) END AS priors
        FROM (SELECT r."case", r.kind, r.designatedCountry, p.nationalities AS nats,
                     row_number() OVER (PARTITION BY r."case" ORDER BY r."on" DESC, r.ord DESC) AS rank
              FROM records r JOIN p USING ("case") WHERE r.type = 'order' AND r."on" <= {DAY})
        WHERE rank = 1 GROUP BY "case", kind, designatedCountry),
  standing AS (SELECT "case", against, status,
                      row_number() OVER (PARTITION BY "case", claim, against ORDER BY "on" DESC, ord DESC) AS rank
               FROM records WHERE type = 'claim' AND "on" <= {DAY}),
  c AS (SELECT "case", list(against) FILTER (WHERE status = 'granted') AS granted,
               list(against) FILTER (WHERE status = 'pending') AS pending
        FROM standing WHERE rank = 1 GROUP BY "case"),
  n AS (SELECT r."case", min(CAST(r.servedOn AS TIMESTAMPTZ)) AS earliest,
               bool_or(({' AND '.join(valid)}) AND CAST(r.servedOn AS TIMESTAMPTZ) + ({period_expr}) * INTERVAL 1 HOUR <= {INSTANT}) AS valid_ready
        FROM records r LEFT JOIN (SELECT "case", counsel FROM p) pc USING ("case")
        WHERE r.type = 'notice' AND r.destination = {D} AND CAST(r.servedOn AS TIMESTAMPTZ) <= {INSTANT}
        GROUP BY r."case"),
  f AS (SELECT "case", TRUE AS feared FROM records WHERE type = 'fear' AND destination = {D} AND "on" <= {DAY} GROUP BY "case"),
  s AS (SELECT "case", outcome, "on" FROM (
          SELECT "case", outcome, "on", row_number() OVER (PARTITION BY "case" ORDER BY "on" DESC, ord ASC) AS rank
          FROM records WHERE type = 'screening' AND destination = {D} AND "on" <= {DAY}) WHERE rank = 1),
  d AS (SELECT "case", list(DISTINCT kind) AS kinds, bool_or(kind = 'aea') AS aea
        FROM records WHERE type = 'designation' AND "on" <= {DAY} GROUP BY "case"),
  gates AS (
    SELECT p."case", p.familyUnit,
      {final_order} AS g_final_order,
      {court} AS g_court_order,
      {destination_order} AS g_destination_order,
      {arrangement} AS g_arrangement,
      {protection} AS g_protection,
      {notice} AS g_notice,
      {fear_screening} AS g_fear_screening,
      {chain} AS g_chain_refoulement,
      {risk} AS g_human_rights_risk,
      CASE WHEN {minor_bar} THEN 'fail' ELSE 'pass' END AS g_vulnerability,
      {aea} AS g_aea,
      {stca} AS g_stca
    FROM p LEFT JOIN o USING ("case") LEFT JOIN c USING ("case") LEFT JOIN n USING ("case")
           LEFT JOIN f USING ("case") LEFT JOIN s USING ("case") LEFT JOIN d USING ("case")),
  individual AS (
    SELECT *,
      list_contains({all_gates}, 'fail') AS failed,
      list_contains({all_gates}, 'pending') AS waiting
    FROM gates),
  -- Family units travel together: a member fails while another member fails on their own, and
  -- waits while another waits (units of one member are judged alone).
  units AS (
    SELECT familyUnit, count(*) AS members, count(*) FILTER (WHERE failed) AS failed_members,
           count(*) FILTER (WHERE waiting AND NOT failed) AS waiting_members
    FROM individual WHERE familyUnit IS NOT NULL GROUP BY familyUnit),
  families AS (
    SELECT i.*, u.members,
      u.failed_members - CASE WHEN i.failed THEN 1 ELSE 0 END AS others_failed,
      u.waiting_members - CASE WHEN i.waiting AND NOT i.failed THEN 1 ELSE 0 END AS others_waiting
    FROM individual i LEFT JOIN units u USING (familyUnit)),
  judged AS (
    SELECT * REPLACE (
      CASE WHEN g_vulnerability = 'fail' THEN 'fail'
           WHEN familyUnit IS NOT NULL AND members > 1 AND others_failed > 0 THEN 'fail'
           WHEN familyUnit IS NOT NULL AND members > 1 AND others_waiting > 0 THEN 'pending'
           ELSE 'pass' END AS g_vulnerability)
    FROM families)
SELECT count(*) AS total,
  {per_gate},
  count(*) FILTER (WHERE list_contains({all_gates}, 'fail')) AS blocked,
  count(*) FILTER (WHERE NOT list_contains({all_gates}, 'fail') AND list_contains({all_gates}, 'pending')) AS pending
FROM judged"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", help="JSON Lines from `corridor export`")
    parser.add_argument("--to", action="append", required=True, help="destination (ISO 3166-1 alpha-3); repeatable")
    parser.add_argument("--on", required=True, help="a date (YYYY-MM-DD, 00:00 UTC) or an RFC 3339 instant")
    parser.add_argument("--policy", default="us-dvd-2025", help="policy profile id (default us-dvd-2025)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per destination")
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: every core)")
    args = parser.parse_args()

    try:
        if len(args.on) == 10:
            instant = dt.datetime.fromisoformat(args.on + "T00:00:00+00:00")
        else:
            instant = dt.datetime.fromisoformat(args.on.replace("Z", "+00:00"))
            if instant.tzinfo is None:
                raise ValueError("an instant needs a zone")
    except ValueError as error:
        parser.error(f"--on: '{args.on}' is neither a date nor an RFC 3339 instant ({error})")
    instant = instant.astimezone(dt.timezone.utc)
    day = instant.date()
    destinations = [d.upper() for d in args.to]
    for d in destinations:
        if len(d) != 3 or not d.isalpha():
            parser.error(f"--to: '{d}' is not an ISO 3166-1 alpha-3 code")
    if not os.path.exists(args.export):
        parser.error(f"no such file: {args.export}")

    try:
        profile, values = policy_values(args.policy, day)
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        if args.threads:
            con.execute(f"SET threads = {int(args.threads)}")
        started = time.perf_counter()
        load(con, args.export)
        loaded = time.perf_counter()
        for destination in destinations:
            countries, candidates, orders = network_context(con, destination, day, instant, profile, values)
            sql = gate_query(destination, day, instant, values, countries, candidates, orders)
            cursor = con.execute(sql)
            row = cursor.fetchone()
            names = [c[0] for c in cursor.description]
            result = dict(zip(names, row))
            failing = {g: result[f"fail:{g}"] for g in GATES if result[f"fail:{g}"]}
            waiting = {g: result[f"pending:{g}"] for g in GATES if result[f"pending:{g}"]}
            answer = {"destination": destination, "on": args.on, "policy": args.policy, "total": result["total"],
                      "allowedCount": result["total"] - result["blocked"] - result["pending"],
                      "pendingCount": result["pending"], "blockedCount": result["blocked"],
                      "failing": failing, "waiting": waiting}
            if args.json:
                print(json.dumps(answer, sort_keys=True))
            else:
                print(f"{destination} at {args.on} under {args.policy}: {answer['total']:,} cases")
                print(f"  allowed {answer['allowedCount']:,}, pending {answer['pendingCount']:,}, blocked {answer['blockedCount']:,}")
                for g in GATES:
                    if g in failing or g in waiting:
                        print(f"  {g:<18} blocks {failing.get(g, 0):,}, waiting {waiting.get(g, 0):,}")
        print(f"duckdb_eligible: loaded in {loaded - started:.2f} s, gates in {time.perf_counter() - loaded:.2f} s",
              file=sys.stderr)
    except PeerError as error:
        sys.exit(f"duckdb_eligible: {error}")
    except duckdb.Error as error:
        sys.exit(f"duckdb_eligible: {args.export}: {str(error).splitlines()[0]}")


if __name__ == "__main__":
    main()
