#!/usr/bin/env python3
"""A SimPy implementation of the reference model of docs/simulation.md, one process per person.

    python3 scripts/simpy_peer.py [SCENARIO.json] [--runs R] [--seed S] [--json]
    python3 scripts/simpy_peer.py --compare CORRIDOR_SUMMARY.json [--runs R] [--seed S]

It reads the same scenario file as `corridor simulate` (default: the bundled network-2025,
Sources/CorridorSimulation/Resources/scenarios/network-2025.json) and is written the way the
model reads, not the way Corridor's engine is built: every person is a SimPy process that waits
for documents, searches, walks through notice, fear claim, screening and waiting, queues and is
carried, or is interrupted when its arrangement ends. Its random numbers are Python's, so it
agrees with Corridor statistically, never run for run.

`--compare FILE` takes the `--json` output of `corridor simulate` and checks every summary
output, `byArrangement` included: the two 95% intervals must overlap (where both are points,
the values must be equal). It prints one line per output and exits 1 if any disagrees.

SimPy comes from PyPI; run it through scripts/sim-compare.sh, which installs it into a
virtual environment when it is missing.
"""

import argparse
import json
import math
import os
import random
import sys
import time
from collections import deque

try:
    import simpy
except ImportError:  # pragma: no cover - the runner installs it
    sys.exit("simpy_peer: SimPy is not installed (pip install simpy, or run scripts/sim-compare.sh)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUNDLED = os.path.join(ROOT, "Sources/CorridorSimulation/Resources/scenarios/network-2025.json")

SCALARS = ["created", "removedHome", "removedThirdCountry", "onwardReturns", "refoulementEvents",
           "positiveScreenings", "stuckAtEnd", "backlogAtEnd", "totalCostUSD",
           "costPerThirdCountryRemovalUSD", "meanDaysToRemoval"]


class Network:
    """The shared state of one replication: queues, arrangements, injunctions, counters."""

    def __init__(self, env, scenario, rng):
        self.env = env
        self.s = scenario
        self.rng = rng
        self.horizon = float(scenario["horizonDays"])
        policy = scenario["policy"]
        self.notice = policy["noticeDays"]
        self.screening = policy["screeningDays"]
        self.wait = policy["waitAfterNegativeDays"]
        self.nationalities = scenario["nationalities"]
        self.arrangements = scenario["arrangements"]
        self.active = [False] * len(self.arrangements)
        # Per arrangement: its queue (people waiting for a seat, in order) and the people in
        # each pipeline stage (0 notice, 1 screening, 2 waiting after a negative screening),
        # as insertion-ordered dicts so that an end can displace them in the model's order.
        self.queues = [deque() for _ in self.arrangements]
        self.stages = [[{}, {}, {}] for _ in self.arrangements]
        self.month = [-1] * len(self.arrangements)
        self.used = [0] * len(self.arrangements)
        self.home_queue = deque()
        self.stuck = []  # (process, event, nationality, protected, ruled_out) in joining order
        self.injunctions = 0
        # Per (nationality, protected): the arrangements the person may ever go to, in order.
        self.candidates = {(n, p): [k for k in range(len(self.arrangements)) if self.allowed(k, n, p)]
                           for n in range(len(self.nationalities)) for p in (False, True)}
        # Counters.
        self.created = 0
        self.removed_home = 0
        self.removed_third = 0
        self.carried = [0] * len(self.arrangements)
        self.onward = 0
        self.refoulement = 0
        self.positive = 0
        self.lump_sums = 0.0
        self.third_costs = 0.0
        self.home_costs = 0.0
        self.days_to_removal = 0.0

    def exp(self, mean):
        return self.rng.expovariate(1.0 / mean) if mean > 0 else 0.0

    def allowed(self, k, nationality, protected):
        a = self.arrangements[k]
        policy = self.s["policy"]
        if a["accepts"] != "any" and self.nationalities[nationality]["code"] not in a["accepts"]:
            return False
        threshold = policy.get("riskThreshold")
        if threshold is not None and not a["riskScore"] < threshold:
            return False
        if policy["blockChainRefoulement"] and protected and a["repatriationRate"] > 0 and not a["bindingAssurances"]:
            return False
        return True

    def find(self, nationality, protected, ruled_out):
        """§5: the first arrangement in scenario order the person may go to now, or None."""
        for k in self.candidates[(nationality, protected)]:
            if self.active[k] and k not in ruled_out:
                return k
        return None

    def removed(self, created_at):
        self.days_to_removal += self.env.now - created_at

    # Processes -----------------------------------------------------------------------

    def person(self, created_at):
        env, rng = self.env, self.rng
        unit = rng.random()
        nationality, cumulative = len(self.nationalities) - 1, 0.0
        for index, n in enumerate(self.nationalities):
            cumulative += n["share"]
            if unit < cumulative:
                nationality = index
                break
        n = self.nationalities[nationality]
        protected = rng.random() < n["protectedShare"]
        self.created += 1
        if not protected and rng.random() < n["acceptance"]:
            yield env.timeout(self.exp(n["docDays"]))
            boarded = env.event()
            self.home_queue.append(boarded)
            yield boarded
            self.removed(created_at)
            return
        me = env.active_process
        ruled_out = set()
        while True:
            k = self.find(nationality, protected, ruled_out)
            if k is None:
                found = env.event()
                self.stuck.append((me, found, nationality, protected, ruled_out))
                k = yield found
            a = self.arrangements[k]
            stages = self.stages[k]
            try:
                stages[0][me] = None
                yield env.timeout(self.notice)
                del stages[0][me]
                if rng.random() < a["fearRate"]:
                    stages[1][me] = None
                    yield env.timeout(self.screening)
                    del stages[1][me]
                    if rng.random() < a["positiveRate"]:
                        self.positive += 1
                        ruled_out.add(k)
                        continue
                    stages[2][me] = None
                    yield env.timeout(self.wait)
                    del stages[2][me]
                boarded = env.event()
                self.queues[k].append((me, boarded))
                yield boarded
                if rng.random() < a["repatriationRate"]:
                    self.onward += 1
                    if protected:
                        self.refoulement += 1
                self.removed(created_at)
                return
            except simpy.Interrupt:
                continue  # §8: the arrangement ended; search again at once

    def arrivals(self):
        rate = self.s["arrivalsPerDay"]
        if rate <= 0:
            return
        while True:
            yield self.env.timeout(self.rng.expovariate(rate))
            self.env.process(self.person(self.env.now))

    def home_flights(self):
        seats, cost = self.s["homeSeatsPerDay"], self.s["homeCostPerPersonUSD"]
        while self.env.now + 1 < self.horizon:
            yield self.env.timeout(1)
            yield self.env.timeout(0)  # after everyone moving at this instant
            for _ in range(min(seats, len(self.home_queue))):
                self.home_queue.popleft().succeed()
                self.removed_home += 1
                self.home_costs += cost

    def search_stuck(self):
        """§9: the stuck pool searches again, in the order people joined it."""
        kept = []
        for entry in self.stuck:
            _, found, nationality, protected, ruled_out = entry
            k = self.find(nationality, protected, ruled_out)
            if k is None:
                kept.append(entry)
            else:
                found.succeed(k)
        self.stuck = kept

    def month_boundaries(self):
        while True:
            yield self.env.timeout(30)
            self.search_stuck()

    def lifecycle(self, k, end):
        a = self.arrangements[k]
        yield self.env.timeout(a["startDay"])
        self.active[k] = True
        self.search_stuck()
        if end == math.inf:
            return
        yield self.env.timeout(end - self.env.now)
        self.active[k] = False
        # §8: the queue first, then the pipeline from the furthest stage back.
        displaced = [process for process, _ in self.queues[k]]
        self.queues[k].clear()
        for stage in (2, 1, 0):
            displaced.extend(self.stages[k][stage].keys())
            self.stages[k][stage].clear()
        for process in displaced:
            process.interrupt()

    def flights(self, k, end):
        a = self.arrangements[k]
        every = a["flightEveryDays"]
        number = 0
        if a["firstFlightDay"] < a["startDay"]:
            number = math.ceil((a["startDay"] - a["firstFlightDay"]) / every)
        t = a["firstFlightDay"] + number * every
        while t < self.horizon and t < end:
            yield self.env.timeout(t - self.env.now)
            yield self.env.timeout(0)  # after everyone moving at this instant
            if self.active[k] and self.injunctions == 0:
                this_month = int(t // 30)
                if this_month != self.month[k]:
                    self.month[k], self.used[k] = this_month, 0
                count = min(a["seatsPerFlight"], a["capacityPerMonth"] - self.used[k], len(self.queues[k]))
                for _ in range(max(0, count)):
                    _, boarded = self.queues[k].popleft()
                    boarded.succeed()
                    self.used[k] += 1
                    self.carried[k] += 1
                    self.removed_third += 1
                    self.third_costs += a["costPerPersonUSD"]
            number += 1
            t = a["firstFlightDay"] + number * every

    def injunction(self, lasts):
        self.injunctions += 1
        yield self.env.timeout(lasts)
        self.injunctions -= 1

    def injunction_arrivals(self):
        rate, mean = self.s["injunctions"]["ratePerYear"], self.s["injunctions"]["meanDays"]
        if rate <= 0:
            return
        while True:
            yield self.env.timeout(self.exp(365 / rate))
            self.env.process(self.injunction(self.exp(mean)))

    def initial_backlog(self):
        for _ in range(self.s["initialBacklog"]):
            self.env.process(self.person(0.0))
        yield self.env.timeout(0)


def replicate(scenario, seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    net = Network(env, scenario, rng)
    horizon = net.horizon
    for k, a in enumerate(scenario["arrangements"]):
        if a["startDay"] >= horizon:
            continue
        end = a["endDay"] if a["endDay"] is not None else math.inf
        if a["collapsePerYear"] > 0:
            end = min(end, a["startDay"] + net.exp(365 / a["collapsePerYear"]))
        net.lump_sums += a["lumpSumUSD"]
        env.process(net.lifecycle(k, end))
        env.process(net.flights(k, end))
    env.process(net.injunction_arrivals())
    env.process(net.initial_backlog())
    env.process(net.arrivals())
    env.process(net.home_flights())
    env.process(net.month_boundaries())
    env.run(until=horizon)

    removed = net.removed_home + net.removed_third
    third_spend = net.lump_sums + net.third_costs
    return {
        "seed": seed,
        "created": net.created,
        "removedHome": net.removed_home,
        "removedThirdCountry": net.removed_third,
        "byArrangement": {a["id"]: c for a, c in zip(scenario["arrangements"], net.carried)},
        "onwardReturns": net.onward,
        "refoulementEvents": net.refoulement,
        "positiveScreenings": net.positive,
        "stuckAtEnd": len(net.stuck),
        "backlogAtEnd": net.created - removed,
        "totalCostUSD": third_spend + net.home_costs,
        "costPerThirdCountryRemovalUSD": third_spend / net.removed_third if net.removed_third else None,
        "meanDaysToRemoval": net.days_to_removal / removed if removed else None,
    }


T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
        2.045, 2.042]


def t975(df):
    """The 0.975 quantile of Student's t beyond the table (Cornish-Fisher, as Corridor's Estimate)."""
    z = 1.959963984540054
    return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))


def estimate(values):
    """The same summary as Corridor's: mean, sample sd, Student-t 95% interval clipped at 0."""
    values = [v for v in values if v is not None]
    n = len(values)
    if n == 0:
        return {"mean": None, "ci95": None, "sd": None, "n": 0}
    mean = sum(values) / n
    if n < 2:
        return {"mean": mean, "ci95": None, "sd": None, "n": n}
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    t = T975[n - 2] if n - 1 <= len(T975) else t975(n - 1)
    half = t * sd / math.sqrt(n)
    return {"mean": mean, "ci95": [max(0.0, mean - half), mean + half], "sd": sd, "n": n}


def summarise(runs, scenario):
    summary = {}
    for name in SCALARS:
        summary[name] = estimate([run[name] for run in runs])
        if name == "removedThirdCountry":
            summary["byArrangement"] = {a["id"]: estimate([run["byArrangement"][a["id"]] for run in runs])
                                        for a in scenario["arrangements"]}
    return summary


def interval(e):
    if e["ci95"] is not None:
        return e["ci95"]
    return [e["mean"], e["mean"]] if e["mean"] is not None else None


def agree(ours, theirs):
    a, b = interval(ours), interval(theirs)
    if a is None or b is None:
        return a is None and b is None, "undefined" if a is None and b is None else "defined in one only"
    tolerance = 1e-9 * max(1.0, abs(a[1]), abs(b[1]))
    return a[0] <= b[1] + tolerance and b[0] <= a[1] + tolerance, ""


def compare(summary, corridor):
    rows = [(name, summary[name], corridor[name]) for name in SCALARS]
    rows[3:3] = [(f"byArrangement.{k}", e, corridor["byArrangement"][k]) for k, e in summary["byArrangement"].items()]
    failures = 0

    def show(e):
        if e["mean"] is None:
            return "undefined"
        low_high = interval(e)
        return f"{e['mean']:>14,.1f}  [{low_high[0]:,.1f}, {low_high[1]:,.1f}]"

    print(f"{'output':<36} {'SimPy (mean, 95% interval)':<44} {'corridor (mean, 95% interval)'}")
    for name, ours, theirs in rows:
        ok, note = agree(ours, theirs)
        failures += 0 if ok else 1
        print(f"{name:<36} {show(ours):<44} {show(theirs)}  {'agree' if ok else 'DISAGREE'} {note}".rstrip())
    return failures


def read_json(path, what):
    try:
        with open(path) as file:
            value = json.load(file)
    except OSError as error:
        sys.exit(f"simpy_peer: cannot read the {what} {path}: {error.strerror}")
    except json.JSONDecodeError as error:
        sys.exit(f"simpy_peer: the {what} {path} is not JSON: {error}")
    if not isinstance(value, dict):
        sys.exit(f"simpy_peer: the {what} {path} is not a JSON object")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", default=BUNDLED, help="scenario file (default: the bundled network-2025)")
    parser.add_argument("--runs", type=int, default=1, help="replications (replication i uses seed S+i)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print {runs, summary} as JSON")
    parser.add_argument("--compare", metavar="FILE", help="`corridor simulate --json` output to check against")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    scenario = read_json(args.scenario, "scenario")
    missing = [k for k in ("horizonDays", "initialBacklog", "arrivalsPerDay", "homeSeatsPerDay", "homeCostPerPersonUSD",
                           "injunctions", "policy", "nationalities", "arrangements") if k not in scenario]
    if missing:
        sys.exit(f"simpy_peer: {args.scenario}: not a scenario (missing {', '.join(missing)}); "
                 "`corridor simulate` validates scenarios fully")

    runs = []
    for i in range(args.runs):
        started = time.perf_counter()
        runs.append(replicate(scenario, args.seed + i))
        print(f"replication {i + 1}/{args.runs} (seed {args.seed + i}): {runs[-1]['created']:,} people, "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    summary = summarise(runs, scenario)
    if args.json:
        print(json.dumps({"runs": runs, "summary": summary}, indent=2))
    if args.compare:
        corridor = read_json(args.compare, "corridor summary").get("summary")
        if not isinstance(corridor, dict):
            sys.exit(f"simpy_peer: {args.compare}: no \"summary\" (give the output of `corridor simulate --json`)")
        failures = compare(summary, corridor)
        if failures:
            print(f"simpy_peer: {failures} output(s) disagree with corridor simulate", file=sys.stderr)
            sys.exit(1)
        print("simpy_peer: every summary output agrees with corridor simulate (95% intervals overlap)")
    elif not args.json:
        for name in SCALARS:
            e = summary[name]
            print(f"{name:<32} {'undefined' if e['mean'] is None else format(e['mean'], ',.2f')}")


if __name__ == "__main__":
    main()
