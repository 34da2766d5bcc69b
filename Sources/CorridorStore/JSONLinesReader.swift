import CorridorDomain
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams a JSON Lines file (or standard input) line by line without loading it whole.
/// Sendable: it holds only a descriptor and names; an import reads it on the store's writer.
public struct JSONLinesReader: Sendable {
    /// The name errors use for this input (the path, or `stdin`).
    public let name: String
    let descriptor: Int32
    let ownsDescriptor: Bool
    /// Whether an owned descriptor has been read (and closed). A reader is read once: a second
    /// read must not touch the number again, which by then may be another file's descriptor.
    private let consumed = Consumed()

    private final class Consumed: Sendable {
        let flag = Atomic<Bool>(false)
        /// True the first time only.
        func take() -> Bool { !flag.exchange(true, ordering: .acquiringAndReleasing) }
    }
    /// Total size in bytes, when known (regular files).
    public let size: Int64?

    /// The longest line accepted, in bytes (1 MiB; the largest record of the reference network
    /// is under 4 KiB). A longer line is refused as soon as it passes this length, so a file
    /// without newlines (`/dev/zero`) is read in constant memory.
    public static let maximumLineBytes = 1 << 20

    /// Opens `path`; `-` means standard input.
    public init(path: String) throws {
        if path == "-" {
            // A closed standard input (`<&-`) has no descriptor 0, or (once something else has
            // been opened) one that is not ours: say so rather than "Invalid argument".
            guard fcntl(0, F_GETFD) != -1 else {
                throw StoreError(
                    code: .fileUnreadable, message: "stdin: standard input is closed; pipe or redirect the records into it, or name a file")
            }
            self.init(descriptor: 0, name: "stdin")
            return
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw StoreError(code: .fileUnreadable, message: "\(path): cannot open (\(String(cString: strerror(errno))))")
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw StoreError(code: .fileUnreadable, message: "\(path): is a directory, not a JSON Lines file")
        }
        self.init(name: path, descriptor: fd, ownsDescriptor: true, size: Int64(info.st_size))
    }

    /// Reads from an open descriptor (a pipe, standard input) under `name`, without closing it.
    public init(descriptor: Int32, name: String) {
        self.init(name: name, descriptor: descriptor, ownsDescriptor: false, size: nil)
    }

    private init(name: String, descriptor: Int32, ownsDescriptor: Bool, size: Int64?) {
        self.name = name
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        self.size = size
    }

    /// Calls `body` with each non-blank line (1-based number, bytes without the newline) and the
    /// number of bytes read so far.
    public func forEachLine(_ body: (_ line: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ bytesRead: Int64) throws -> Void) throws {
        if ownsDescriptor, !consumed.take() {
            throw StoreError(code: .fileUnreadable, message: "\(name): already read (a file is read once per import)")
        }
        defer { if ownsDescriptor { close(descriptor) } }
        let chunkSize = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var carry: [UInt8] = []
        var lineNumber = 0
        var total: Int64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, chunkSize) }
            if count < 0 {
                if errno == EINTR { continue }
                if descriptor == 0, errno == EBADF || errno == EINVAL {
                    throw StoreError(code: .fileUnreadable, message: "stdin: standard input is closed or not readable")
                }
                throw StoreError(code: .fileUnreadable, message: "\(name): read failed (\(String(cString: strerror(errno))))")
            }
            if count == 0 { break }
            total += Int64(count)
            try buffer.withUnsafeBufferPointer { chunk in
                var start = 0
                for index in 0..<count where chunk[index] == 0x0A {
                    lineNumber += 1
                    try refuseLongLine(carry.count + (index - start), line: lineNumber)
                    if carry.isEmpty {
                        try emit(UnsafeBufferPointer(rebasing: chunk[start..<index]), lineNumber, total, body)
                    } else {
                        carry.append(contentsOf: chunk[start..<index])
                        try carry.withUnsafeBufferPointer { try emit($0, lineNumber, total, body) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    start = index + 1
                }
                if start < count {
                    try refuseLongLine(carry.count + (count - start), line: lineNumber + 1)
                    carry.append(contentsOf: chunk[start..<count])
                }
            }
        }
        if !carry.isEmpty {
            lineNumber += 1
            try carry.withUnsafeBufferPointer { try emit($0, lineNumber, total, body) }
        }
    }

    private func refuseLongLine(_ length: Int, line: Int) throws {
        guard length > Self.maximumLineBytes else { return }
        throw RecordError(
            code: "line-too-long", message: "line \(line) is longer than \(Self.maximumLineBytes.grouped) bytes (the most a record may take)",
            file: name, line: line)
    }

    private func emit(
        _ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ total: Int64,
        _ body: (Int, UnsafeBufferPointer<UInt8>, Int64) throws -> Void
    ) throws {
        var end = line.count
        if end > 0, line[end - 1] == 0x0D { end -= 1 }  // tolerate CRLF
        let trimmed = UnsafeBufferPointer(rebasing: line[0..<end])
        if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        try body(number, trimmed, total)
    }

    /// Emits every record of the file into `emit`, validating each; the first bad line throws
    /// a ``RecordError`` naming the file and line.
    public func records(progress: ((Int, Int64) -> Void)? = nil, _ emit: (SourcedRecord) throws -> Void) throws {
        try forEachLine { number, bytes, read in
            let record = try SourcedRecord.parse(line: bytes, file: name, line: number)
            try emit(record)
            if let progress, number % 50_000 == 0 { progress(number, read) }
        }
    }
}
