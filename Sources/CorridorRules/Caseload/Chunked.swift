/// An array kept in chunks of 16,384 elements: a copy shares every chunk, and a change to a
/// shared copy copies only the chunk it touches (and the short list of chunks), not the whole.
/// How a server's live view changes one person's place in a caseload of millions while the
/// snapshot before it is still being read, without copying megabytes per change.
struct Chunked<Element: Sendable>: Sendable {
    static var shift: Int { 14 }
    static var size: Int { 1 << shift }
    private var chunks: [[Element]] = []
    private(set) var count = 0

    init() {}

    init(repeating value: Element, count: Int) {
        self.count = count
        var left = count
        while left > 0 {
            let length = Swift.min(left, Self.size)
            chunks.append([Element](repeating: value, count: length))
            left -= length
        }
    }

    init(_ elements: [Element]) {
        count = elements.count
        var start = 0
        while start < elements.count {
            let end = Swift.min(start + Self.size, elements.count)
            chunks.append(Array(elements[start..<end]))
            start = end
        }
    }

    var isEmpty: Bool { count == 0 }
    var indices: Range<Int> { 0..<count }
    var first: Element? { count > 0 ? self[0] : nil }

    subscript(index: Int) -> Element {
        @inline(__always) get { chunks[index >> Self.shift][index & (Self.size - 1)] }
        @inline(__always) set { chunks[index >> Self.shift][index & (Self.size - 1)] = newValue }
    }

    mutating func append(_ element: Element) {
        if count & (Self.size - 1) == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(Self.size)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }
}
