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

/// A min-heap of events ordered by (time, phase, scheduling order): deterministic, and
/// first-scheduled-first-served among equals. Four children per node: half the depth of a
/// binary heap, and the children of a node share a cache line or two, so popping (most of
/// the simulator's time) is faster.
struct EventQueue {
    struct Entry {
        var time: Double
        /// phase << 56 | sequence.
        var key: UInt64
        var event: Event
    }

    private var heap: [Entry] = []
    private var sequence: UInt64 = 0

    var count: Int { heap.count }

    init(capacity: Int = 1024) { heap.reserveCapacity(capacity) }

    @inline(__always)
    private static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        a.time < b.time || (a.time == b.time && a.key < b.key)
    }

    mutating func schedule(_ event: Event, at time: Double) {
        let entry = Entry(time: time, key: event.phase << 56 | sequence, event: event)
        sequence &+= 1
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
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        let count = heap.count
        var parent = 0
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
            guard Self.precedes(heap[child], last) else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = last
        return top
    }
}
