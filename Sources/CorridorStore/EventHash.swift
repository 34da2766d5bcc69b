import CorridorDomain
import Crypto

/// The SHA-256 chain over the log.
///
/// `hash = hex(SHA-256(prev ‖ "\n" ‖ seq ‖ "\n" ‖ type ‖ "\n" ‖ actor ‖ "\n" ‖ recordedAt ‖ "\n" ‖ payload))`,
/// where `prev` is the previous event's hash (64 zeros for the first), `seq` is decimal and
/// `recordedAt` is RFC 3339 UTC as stored. Changing any field of any event breaks its hash and
/// every later link.
public enum EventHash {
    public static func compute(prev: String, seq: Int64, type: String, actor: String, recordedAt: String, payload: String) -> String {
        var hasher = SHA256()
        var newline: UInt8 = 0x0A
        func feed(_ text: String) {
            var text = text
            text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        }
        func separator() { withUnsafeBytes(of: &newline) { hasher.update(bufferPointer: $0) } }
        feed(prev)
        separator()
        feed(String(seq))
        separator()
        feed(type)
        separator()
        feed(actor)
        separator()
        feed(recordedAt)
        separator()
        feed(payload)
        return hex(hasher.finalize())
    }

    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        let table = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(table[Int(byte >> 4)])
            out.append(table[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Checks one event against its predecessor's hash.
    public static func check(_ event: Event, expectedPrev: String, expectedSeq: Int64) -> String? {
        if event.seq != expectedSeq { return "sequence gap: expected seq \(expectedSeq), found \(event.seq)" }
        if event.prev != expectedPrev { return "prev does not match the hash of event \(expectedSeq - 1)" }
        let recomputed = compute(
            prev: event.prev, seq: event.seq, type: event.type, actor: event.actor,
            recordedAt: event.recordedAt.description, payload: event.payload)
        if recomputed != event.hash { return "hash does not match the event's contents (type, actor, time or payload changed)" }
        return nil
    }
}
