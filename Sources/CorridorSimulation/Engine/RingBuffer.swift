/// A first-in, first-out queue over a power-of-two ring: O(1) append and removeFirst, no
/// per-element allocation, storage reused as it drains.
struct RingBuffer<Element> {
    private var storage: [Element] = []
    private var head = 0
    private(set) var count = 0
    private let filler: Element

    /// `filler` only fills unused slots of the storage; it is never returned.
    init(filler: Element) { self.filler = filler }

    var isEmpty: Bool { count == 0 }

    var first: Element? { count == 0 ? nil : storage[head] }

    mutating func append(_ element: Element) {
        if count == storage.count { grow() }
        storage[(head &+ count) & (storage.count &- 1)] = element
        count &+= 1
    }

    /// Removes and returns the oldest element. The queue must not be empty.
    mutating func removeFirst() -> Element {
        precondition(count > 0, "removeFirst on an empty RingBuffer")
        let element = storage[head]
        head = (head &+ 1) & (storage.count &- 1)
        count &-= 1
        return element
    }

    /// Moves every element, oldest first, to the end of `target`.
    mutating func drain<T>(into target: inout [T], _ transform: (Element) -> T) {
        while count > 0 { target.append(transform(removeFirst())) }
        head = 0
    }

    private mutating func grow() {
        let capacity = Swift.max(16, storage.count * 2)
        var grown: [Element] = []
        grown.reserveCapacity(capacity)
        for offset in 0..<count { grown.append(storage[(head + offset) & (storage.count - 1)]) }
        grown.append(contentsOf: repeatElement(filler, count: capacity - count))
        storage = grown
        head = 0
    }
}
