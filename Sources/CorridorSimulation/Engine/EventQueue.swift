/// What happens at an instant. Payloads index arrangements or people; no closures.
enum Event {
    case arrangementStarts(Int32)
    case arrangementEnds(Int32)
    case monthBoundary
    case stuckPoolSearch
    case injunctionArrives
    case injunctionLifts
    case initialBacklog
    case arrival
    case documentsReady(person: Int32)
    /// The front of a pipeline stage is due: `stage` indexes arrangement × 3 + stage.
    case stageDue(stage: Int32)
    case homeFlight
    case flight(arrangement: Int32)

    /// Order among events at the same instant (lower first): lifecycle changes, then the
    /// stuck pool's search, then injunctions, then people moving, then flights. So a person
    /// who reaches a queue at t can board a flight at t, a flight at an arrangement's
    /// `startDay` flies, and one at its end does not (active on [start, end)).
    var phase: UInt64 {
        switch self {
        case .arrangementStarts: 0
        case .arrangementEnds: 1
        case .monthBoundary, .stuckPoolSearch: 2
        case .injunctionArrives, .injunctionLifts: 3
        case .initialBacklog, .arrival, .documentsReady, .stageDue: 4
        case .homeFlight, .flight: 5
        }
    }
}

/// The pending events of a replication, taken in (time, phase, scheduling order): deterministic,
/// and first-scheduled-first-served among equals.
///
/// A calendar of one bucket per simulated day in front of a small heap. Most events are
/// scheduled days ahead (documents take weeks, so at t = 0 alone the reference scenario
/// schedules ~100,000 of them), and a single heap of all of them made every pop walk a deep,
/// cache-missing tree. Here an event for a later day is appended to that day's bucket in O(1);
/// only the current day's events (a few hundred) live in the heap, which fits in cache. When the
/// day's heap runs dry the next non-empty bucket is heapified in linear time and its storage
/// freed, so memory follows the events pending, not the horizon.
///
/// The next arrival waits beside the heap, not in it: at most one is ever pending (each
/// schedules the next), and arrivals are a third of all events, so keeping the one pending
/// arrival in a slot and comparing it with the heap's top saves a third of the heap's work.
///
/// The order is the same total order as a single heap's — (time, phase << 56 | sequence) is
/// unique per event — so the simulation's results are identical event for event. Events at or
/// after the horizon are never processed (the run stops there), so they are not kept.
struct EventQueue {
    struct Entry {
        var time: Double
        /// phase << 56 | sequence.
        var key: UInt64
        var event: Event
    }

    /// A 4-ary min-heap of the events of day `today`.
    private var heap: [Entry] = []
    /// Events of each later day, unordered.
    private var buckets: [[Entry]]
    /// The pending `.arrival`, if any (there is never more than one).
    private var arrival: Entry?
    private var today = 0
    private var sequence: UInt64 = 0

    /// - Parameter days: the horizon in whole days: events at or after it are dropped.
    init(days: Int) {
        buckets = Array(repeating: [], count: max(0, days))
        heap.reserveCapacity(1024)
    }

    @inline(__always)
    private static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        a.time < b.time || (a.time == b.time && a.key < b.key)
    }

    @inline(__always)
    mutating func schedule(_ event: Event, at time: Double) {
        let entry = Entry(time: time, key: event.phase << 56 | sequence, event: event)
        sequence &+= 1
        guard time < Double(buckets.count) else { return }
        if case .arrival = event {
            assert(arrival == nil, "at most one arrival is pending")
            arrival = entry
            return
        }
        let day = Int(time)
        if day > today {
            buckets[day].append(entry)
        } else {
            push(entry)
        }
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) >> 2
            guard Self.precedes(entry, heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    /// Removes and returns the earliest event.
    mutating func next() -> Entry? {
        while heap.isEmpty {
            // Today's heap is empty: the arrival goes first if it falls today (or earlier).
            if let pending = arrival, pending.time < Double(today + 1) {
                arrival = nil
                return pending
            }
            today += 1
            guard today < buckets.count else { return nil }
            guard !buckets[today].isEmpty else { continue }
            heap.append(contentsOf: buckets[today])
            buckets[today] = []
            heapify()
        }
        if let pending = arrival, Self.precedes(pending, heap[0]) {
            arrival = nil
            return pending
        }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        siftDown(last, from: 0)
        return top
    }

    /// Places `entry` at `start` or below, moving smaller children up.
    @inline(__always)
    private mutating func siftDown(_ entry: Entry, from start: Int) {
        let count = heap.count
        var parent = start
        while true {
            let firstChild = 4 * parent + 1
            guard firstChild < count else { break }
            var child = firstChild
            let end = min(firstChild + 4, count)
            var candidate = firstChild + 1
            while candidate < end {
                if Self.precedes(heap[candidate], heap[child]) { child = candidate }
                candidate += 1
            }
            guard Self.precedes(heap[child], entry) else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = entry
    }

    /// Restores the heap order over the whole array (Floyd's bottom-up construction).
    private mutating func heapify() {
        guard heap.count > 1 else { return }
        var index = (heap.count - 2) >> 2
        while index >= 0 {
            siftDown(heap[index], from: index)
            index -= 1
        }
    }
}
