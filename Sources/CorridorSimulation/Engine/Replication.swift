import CorridorDomain

/// One replication of the model of docs/simulation.md: a discrete-event simulation over a calendar
/// of value-type events (``EventQueue``), people as indices into struct-of-arrays, queues as ring
/// buffers.
///
/// Pipeline stages have fixed durations (`noticeDays`, `screeningDays`,
/// `waitAfterNegativeDays`), so each (arrangement, stage) is a first-in-first-out queue of
/// (person, due time) with a single pending event for its front, instead of one event per
/// person; arrangement ends drain them directly.
struct Replication<Trace: SimulationTrace> {
    // MARK: Constants of the scenario

    private let horizon: Double
    private let days: Int
    private let initialBacklog: Int
    private let arrivalsPerDay: Double
    private let homeSeats: Int
    private let homeCost: Double
    private let injunctionRatePerYear: Double
    private let injunctionMeanDays: Double
    private let noticeDays: Double
    private let screeningDays: Double
    private let waitDays: Double
    private let cumulativeShare: [Double]
    private let protectedShare: [Double]
    private let acceptance: [Double]
    private let docDays: [Double]
    /// For each group (nationality × 2 + protected): the arrangements that accept the
    /// nationality and that the policy allows, as a bit mask in scenario order.
    private let candidates: [UInt64]
    private let arrangements: [Scenario.Arrangement]

    // MARK: State

    private var rng: SplitMix64
    private var events: EventQueue
    private var people: People
    private var documentsPending = 0
    private var homeQueue = RingBuffer<Int32>(filler: 0)
    private var queues: [RingBuffer<Int32>]
    /// arrangement × 3 + stage (0 notice, 1 screening, 2 wait after a negative screening).
    private var stages: [RingBuffer<StageEntry>]
    /// The stuck pool, in the order people joined it.
    private var stuck: [Int32] = []
    private var scratch: [Int32] = []
    private var activeMask: UInt64 = 0
    private var endedMask: UInt64 = 0
    private var endTime: [Double]
    private var flightNumber: [Int]
    private var month: [Int]
    private var usedThisMonth: [Int]
    private var poolSearchPending = false
    private var injunctionsInForce = 0
    private var injunctionSince = 0.0
    private var periods: [InjunctionPeriod] = []

    // MARK: Counters

    private var created = 0
    private var removedHome = 0
    private var removedThirdCountry = 0
    private var carried: [Int]
    private var onwardReturns = 0
    private var refoulementEvents = 0
    private var positiveScreenings = 0
    private var lumpSums = 0.0
    private var thirdCountryCosts = 0.0
    private var homeCosts = 0.0
    private var daysToRemoval = 0.0

    private var series = DailySeries()
    private var recordedDays = 0
    private var nextDay = 1.0

    private(set) var trace: Trace

    /// People numbers ever in use at once (numbers of removed people are reused).
    var peopleHighWater: Int { people.highWater }
    private let deadline: ContinuousClock.Instant?
    private let cancellation: SimulationCancellation?
    private let progress: ProgressCounter?

    init(
        scenario: Scenario, seed: UInt64, trace: Trace, deadline: ContinuousClock.Instant? = nil,
        cancellation: SimulationCancellation? = nil, progress: ProgressCounter? = nil
    ) {
        horizon = Double(scenario.horizonDays)
        days = scenario.horizonDays
        initialBacklog = scenario.initialBacklog
        arrivalsPerDay = scenario.arrivalsPerDay
        homeSeats = scenario.homeSeatsPerDay
        homeCost = scenario.homeCostPerPersonUSD
        injunctionRatePerYear = scenario.injunctions.ratePerYear
        injunctionMeanDays = scenario.injunctions.meanDays
        noticeDays = scenario.policy.noticeDays
        screeningDays = scenario.policy.screeningDays
        waitDays = scenario.policy.waitAfterNegativeDays

        var cumulative: [Double] = []
        var sum = 0.0
        for nationality in scenario.nationalities {
            sum += nationality.share
            cumulative.append(sum)
        }
        // Rounding must never let a draw fall past the last nationality with a share.
        if let last = scenario.nationalities.lastIndex(where: { $0.share > 0 }) { cumulative[last] = .infinity }
        cumulativeShare = cumulative
        protectedShare = scenario.nationalities.map(\.protectedShare)
        acceptance = scenario.nationalities.map(\.acceptance)
        docDays = scenario.nationalities.map(\.docDays)
        var candidates: [UInt64] = []
        for nationality in scenario.nationalities {
            for protected in [false, true] {
                var mask: UInt64 = 0
                for (index, arrangement) in scenario.arrangements.enumerated()
                where arrangement.accepts.includes(nationality.code) && arrangement.isAllowed(by: scenario.policy, protected: protected) {
                    mask |= 1 << UInt64(index)
                }
                candidates.append(mask)
            }
        }
        self.candidates = candidates
        arrangements = scenario.arrangements

        let count = scenario.arrangements.count
        rng = SplitMix64(seed: seed)
        events = EventQueue(days: scenario.horizonDays)
        people = People(capacity: min(scenario.initialBacklog + Int(scenario.arrivalsPerDay * 60) + 1024, 1 << 24))
        queues = Array(repeating: RingBuffer<Int32>(filler: 0), count: count)
        stages = Array(repeating: RingBuffer<StageEntry>(filler: StageEntry(person: 0, due: 0)), count: count * 3)
        endTime = Array(repeating: .infinity, count: count)
        flightNumber = Array(repeating: 0, count: count)
        month = Array(repeating: -1, count: count)
        usedThisMonth = Array(repeating: 0, count: count)
        carried = Array(repeating: 0, count: count)
        series.backlog.reserveCapacity(days)
        series.removedHome.reserveCapacity(days)
        series.removedThirdCountry.reserveCapacity(days)
        series.created.reserveCapacity(days)
        self.trace = trace
        self.deadline = deadline
        self.cancellation = cancellation
        self.progress = progress
    }

    // MARK: Running

    /// Runs the replication to H.
    mutating func run() throws(SimulationError) -> RunResult.Parts {
        start()
        var processed = 0
        while let entry = events.next() {
            let time = entry.time
            if time >= horizon { break }
            if time >= nextDay { recordDays(before: time) }
            processed &+= 1
            // Every 4,096 events (well under a millisecond): the clock and the caller's cancellation.
            if processed & 0xFFF == 0 {
                if let deadline, ContinuousClock.now >= deadline {
                    throw SimulationError(code: .timeLimitExceeded, summary: "the simulation did not finish within its time limit")
                }
                if let cancellation, cancellation.isCancelled {
                    throw SimulationError(code: .cancelled, summary: "the simulation was cancelled")
                }
            }
            switch entry.event {
            case .arrangementStarts(let k): arrangementStarts(Int(k), at: time)
            case .arrangementEnds(let k): arrangementEnds(Int(k), at: time)
            case .monthBoundary:
                if time + 30 < horizon { events.schedule(.monthBoundary, at: time + 30) }
                searchStuckPool(at: time)
            case .stuckPoolSearch: searchStuckPool(at: time)
            case .injunctionArrives: injunctionArrives(at: time)
            case .injunctionLifts: injunctionLifts(at: time)
            case .initialBacklog:
                for _ in 0..<initialBacklog { createPerson(at: time) }
            case .arrival:
                createPerson(at: time)
                let next = time + rng.exponential(mean: 1 / arrivalsPerDay)
                if next < horizon { events.schedule(.arrival, at: next) }
            case .documentsReady(let person):
                documentsPending -= 1
                homeQueue.append(person)
            case .stageDue(let stage): stageDue(Int(stage), at: time)
            case .homeFlight: homeFlight(at: time)
            case .flight(let k): flight(Int(k), at: time)
            }
        }
        recordDays(before: horizon)
        if injunctionsInForce > 0 { periods.append(InjunctionPeriod(start: injunctionSince, end: horizon)) }
        return RunResult.Parts(outputs: outputs(), series: series, injunctionPeriods: periods)
    }

    private mutating func start() {
        for (k, arrangement) in arrangements.enumerated() where arrangement.startDay < horizon {
            var end = arrangement.endDay ?? .infinity
            if arrangement.collapsePerYear > 0 {
                end = min(end, arrangement.startDay + rng.exponential(mean: 365 / arrangement.collapsePerYear))
            }
            endTime[k] = end
            lumpSums += arrangement.lumpSumUSD
            events.schedule(.arrangementStarts(Int32(k)), at: arrangement.startDay)
            if end < horizon { events.schedule(.arrangementEnds(Int32(k)), at: end) }
            // Flights before the start carry nobody: begin with the first at or after it.
            var number = 0
            if arrangement.firstFlightDay < arrangement.startDay {
                let gap = (arrangement.startDay - arrangement.firstFlightDay) / arrangement.flightEveryDays
                number = Int(min(gap.rounded(.up), 1e15))
                while number > 0, flightTime(k, number - 1) >= arrangement.startDay { number -= 1 }
                while flightTime(k, number) < arrangement.startDay { number += 1 }
            }
            flightNumber[k] = number
            let first = flightTime(k, number)
            if first < horizon, first < end { events.schedule(.flight(arrangement: Int32(k)), at: first) }
        }
        if injunctionRatePerYear > 0 {
            let first = rng.exponential(mean: 365 / injunctionRatePerYear)
            if first < horizon { events.schedule(.injunctionArrives, at: first) }
        }
        if initialBacklog > 0 { events.schedule(.initialBacklog, at: 0) }
        if arrivalsPerDay > 0 {
            let first = rng.exponential(mean: 1 / arrivalsPerDay)
            if first < horizon { events.schedule(.arrival, at: first) }
        }
        if 1 < horizon { events.schedule(.homeFlight, at: 1) }
        if 30 < horizon { events.schedule(.monthBoundary, at: 30) }
    }

    @inline(__always)
    private func flightTime(_ k: Int, _ number: Int) -> Double {
        arrangements[k].firstFlightDay + Double(number) * arrangements[k].flightEveryDays
    }

    // MARK: People

    private mutating func createPerson(at time: Double) {
        let unit = rng.nextUnit()
        var nationality = 0
        while unit >= cumulativeShare[nationality] { nationality += 1 }
        let protected = rng.chance(protectedShare[nationality])
        let person = people.add(group: UInt16(nationality * 2 + (protected ? 1 : 0)), at: time)
        created += 1
        if !protected, rng.chance(acceptance[nationality]) {
            documentsPending += 1
            events.schedule(.documentsReady(person: person), at: time + rng.exponential(mean: docDays[nationality]))
        } else {
            search(person, at: time)
        }
    }

    /// §5: the first arrangement in scenario order that is active, accepts the person, is not
    /// ruled out for them and is allowed by the policy; otherwise the stuck pool.
    @inline(__always)
    private mutating func search(_ person: Int32, at time: Double) {
        let index = Int(person)
        let open = candidates[Int(people.group[index])] & activeMask & ~people.ruledOut[index]
        if open == 0 {
            stuck.append(person)
        } else {
            enterStage(open.trailingZeroBitCount * 3, person, due: time + noticeDays)
        }
    }

    @inline(__always)
    private mutating func enterStage(_ stage: Int, _ person: Int32, due: Double) {
        if stages[stage].isEmpty { events.schedule(.stageDue(stage: Int32(stage)), at: due) }
        stages[stage].append(StageEntry(person: person, due: due))
    }

    /// §6: everyone at the front of a stage whose time has come moves on.
    private mutating func stageDue(_ stage: Int, at time: Double) {
        let k = stage / 3
        while let entry = stages[stage].first, entry.due <= time {
            _ = stages[stage].removeFirst()
            let person = entry.person
            switch stage - k * 3 {
            case 0:  // notice served, noticeDays elapsed
                if rng.chance(arrangements[k].fearRate) {
                    enterStage(stage + 1, person, due: time + screeningDays)
                } else {
                    queues[k].append(person)
                }
            case 1:  // screening ends
                if rng.chance(arrangements[k].positiveRate) {
                    positiveScreenings += 1
                    people.ruleOut(k, for: person)
                    search(person, at: time)
                } else {
                    enterStage(stage + 1, person, due: time + waitDays)
                }
            default:  // waitAfterNegativeDays elapsed
                queues[k].append(person)
            }
        }
        if let next = stages[stage].first { events.schedule(.stageDue(stage: Int32(stage)), at: next.due) }
    }

    private mutating func searchStuckPool(at time: Double) {
        // Only an arrangement becoming active can change what a stuck person finds (ends
        // only remove options, and nobody's ruled-out set changes while stuck), so a search
        // with no activation since the last one would keep everyone where they are.
        guard poolSearchPending else { return }
        poolSearchPending = false
        var kept = 0
        for position in stuck.indices {
            let person = stuck[position]
            let index = Int(person)
            let open = candidates[Int(people.group[index])] & activeMask & ~people.ruledOut[index]
            if open == 0 {
                stuck[kept] = person
                kept += 1
            } else {
                enterStage(open.trailingZeroBitCount * 3, person, due: time + noticeDays)
            }
        }
        stuck.removeLast(stuck.count - kept)
    }

    @inline(__always)
    private mutating func remove(_ person: Int32, at time: Double) {
        daysToRemoval += time - people.createdAt[Int(person)]
        people.release(person)
    }

    // MARK: Arrangements

    private mutating func arrangementStarts(_ k: Int, at time: Double) {
        activeMask |= 1 << UInt64(k)
        poolSearchPending = true
        events.schedule(.stuckPoolSearch, at: time)
        trace.arrangementStarts(k, at: time)
    }

    /// §8: everyone in the pipeline or queue searches again at once — the queue first, then
    /// the pipeline from the furthest stage back, each in its own order.
    private mutating func arrangementEnds(_ k: Int, at time: Double) {
        activeMask &= ~(1 << UInt64(k))
        endedMask |= 1 << UInt64(k)
        var displaced = scratch
        scratch = []
        displaced.removeAll(keepingCapacity: true)
        queues[k].drain(into: &displaced) { $0 }
        for stage in [2, 1, 0] { stages[k * 3 + stage].drain(into: &displaced) { $0.person } }
        for person in displaced { search(person, at: time) }
        scratch = displaced
        trace.arrangementEnds(k, at: time)
    }

    /// §7.
    private mutating func flight(_ k: Int, at time: Double) {
        let bit: UInt64 = 1 << UInt64(k)
        guard endedMask & bit == 0 else { return }
        var boarded = 0
        if activeMask & bit != 0, injunctionsInForce == 0 {
            let arrangement = arrangements[k]
            let thisMonth = Int((time / 30).rounded(.down))
            if thisMonth != month[k] {
                month[k] = thisMonth
                usedThisMonth[k] = 0
            }
            boarded = min(arrangement.seatsPerFlight, arrangement.capacityPerMonth - usedThisMonth[k], queues[k].count)
            for _ in 0..<max(0, boarded) {
                let person = queues[k].removeFirst()
                if rng.chance(arrangement.repatriationRate) {
                    onwardReturns += 1
                    if people.group[Int(person)] & 1 == 1 { refoulementEvents += 1 }
                }
                remove(person, at: time)
            }
            boarded = max(0, boarded)
            usedThisMonth[k] += boarded
            carried[k] += boarded
            removedThirdCountry += boarded
            thirdCountryCosts += Double(boarded) * arrangement.costPerPersonUSD
        }
        trace.flight(to: k, at: time, carried: boarded)
        flightNumber[k] += 1
        let next = flightTime(k, flightNumber[k])
        if next < horizon, next < endTime[k] { events.schedule(.flight(arrangement: Int32(k)), at: next) }
    }

    /// §4.
    private mutating func homeFlight(at time: Double) {
        let boarded = min(homeSeats, homeQueue.count)
        for _ in 0..<boarded { remove(homeQueue.removeFirst(), at: time) }
        removedHome += boarded
        homeCosts += Double(boarded) * homeCost
        trace.homeFlight(at: time, carried: boarded)
        if time + 1 < horizon { events.schedule(.homeFlight, at: time + 1) }
    }

    // MARK: Injunctions

    private mutating func injunctionArrives(at time: Double) {
        injunctionsInForce += 1
        if injunctionsInForce == 1 { injunctionSince = time }
        let lifts = time + rng.exponential(mean: injunctionMeanDays)
        if lifts < horizon { events.schedule(.injunctionLifts, at: lifts) }
        let next = time + rng.exponential(mean: 365 / injunctionRatePerYear)
        if next < horizon { events.schedule(.injunctionArrives, at: next) }
        trace.injunctionArrives(at: time)
    }

    private mutating func injunctionLifts(at time: Double) {
        injunctionsInForce -= 1
        if injunctionsInForce == 0, time > injunctionSince {
            periods.append(InjunctionPeriod(start: injunctionSince, end: time))
        }
        trace.injunctionLifts(at: time)
    }

    // MARK: Outputs

    /// Records every whole day that ends at or before `time`.
    private mutating func recordDays(before time: Double) {
        let first = recordedDays
        while recordedDays < days, Double(recordedDays + 1) <= time {
            var backlog = documentsPending + homeQueue.count + stuck.count
            for queue in queues { backlog += queue.count }
            for stage in stages { backlog += stage.count }
            series.backlog.append(backlog)
            series.removedHome.append(removedHome)
            series.removedThirdCountry.append(removedThirdCountry)
            series.created.append(created)
            recordedDays += 1
        }
        nextDay = Double(recordedDays + 1)
        progress?.add(days: recordedDays - first)
    }

    private func outputs() -> RunOutputs {
        let removed = removedHome + removedThirdCountry
        let thirdCountrySpend = lumpSums + thirdCountryCosts
        return RunOutputs(
            created: created, removedHome: removedHome, removedThirdCountry: removedThirdCountry,
            byArrangement: zip(arrangements, carried).map { RunOutputs.ArrangementCount(id: $0.id, count: $1) },
            onwardReturns: onwardReturns, refoulementEvents: refoulementEvents, positiveScreenings: positiveScreenings,
            stuckAtEnd: stuck.count, backlogAtEnd: created - removed, totalCostUSD: thirdCountrySpend + homeCosts,
            costPerThirdCountryRemovalUSD: removedThirdCountry > 0 ? thirdCountrySpend / Double(removedThirdCountry) : nil,
            meanDaysToRemoval: removed > 0 ? daysToRemoval / Double(removed) : nil)
    }
}

extension RunResult {
    /// What a replication produces before it is labelled with its index and seed.
    struct Parts {
        var outputs: RunOutputs
        var series: DailySeries
        var injunctionPeriods: [InjunctionPeriod]
    }
}
