internal import CMsgPack
internal import Foundation

/// Streams MessagePack into a msgpack-c buffer through msgpack-c's packer.
///
/// Codable does not say how many entries a container will get before they are encoded, yet MessagePack writes the
/// count first. The writer therefore reserves five bytes for each container header, counts entries as they
/// arrive, and in ``finish(appendingTo:)`` writes each header in its smallest form while closing the gaps, in one
/// pass. The result is byte-identical to packing a fully known value.
///
/// Containers must be written in order: once an entry is written to a container, the containers opened inside
/// it earlier are closed; writing to a closed container is an error (Codable's nested containers allow such
/// interleaving in principle; JSON-style tree encoders accept it, a streaming encoder cannot).
final class MessagePackWriter {
    private struct Slot {
        var offset: Int
        var count: Int
        var isMap: Bool
    }

    private static let reserved = 5
    private let storage: UnsafeMutablePointer<gipc_msgpack_writer>
    let packer: UnsafeMutablePointer<msgpack_packer>
    private var slots: [Slot] = []
    private var open: [Int] = []
    private var failed = false
    /// The first ordering error, reported again by ``finish(appendingTo:)`` for the container calls that cannot
    /// throw (`nestedContainer`, `superEncoder`).
    private var orderingError: CodecError?

    init() {
        storage = .allocate(capacity: 1)
        gipc_msgpack_writer_init(storage)
        let offset = MemoryLayout<gipc_msgpack_writer>.offset(of: \.packer) ?? 0
        packer = (UnsafeMutableRawPointer(storage) + offset).assumingMemoryBound(to: msgpack_packer.self)
    }

    deinit {
        gipc_msgpack_writer_destroy(storage)
        storage.deallocate()
    }

    /// The number of bytes written so far (reserved header bytes included).
    var size: Int { storage.pointee.buffer.size }

    @inline(__always)
    private func check(_ status: Int32) {
        if status != 0 { failed = true }
    }

    func writeNil() { check(msgpack_pack_nil(packer)) }
    func write(_ value: Bool) { check(value ? msgpack_pack_true(packer) : msgpack_pack_false(packer)) }
    func write(_ value: Int64) { check(msgpack_pack_int64(packer, value)) }
    func write(_ value: UInt64) { check(msgpack_pack_uint64(packer, value)) }
    func write(_ value: Float) { check(msgpack_pack_float(packer, value)) }
    func write(_ value: Double) { check(msgpack_pack_double(packer, value)) }

    func write(_ value: String) {
        if let done: Void = value.utf8.withContiguousStorageIfAvailable({ writeString(UnsafeRawBufferPointer($0)) }) {
            return done
        }
        var copy = value
        copy.withUTF8 { writeString(UnsafeRawBufferPointer($0)) }
    }

    private func writeString(_ bytes: UnsafeRawBufferPointer) {
        check(msgpack_pack_str(packer, bytes.count))
        check(msgpack_pack_str_body(packer, bytes.baseAddress, bytes.count))
    }

    func writeBinary(_ bytes: UnsafeRawBufferPointer) {
        check(msgpack_pack_bin(packer, bytes.count))
        check(msgpack_pack_bin_body(packer, bytes.baseAddress, bytes.count))
    }

    func writeExtension(type: Int8, _ bytes: UnsafeRawBufferPointer) {
        check(msgpack_pack_ext(packer, bytes.count, type))
        check(msgpack_pack_ext_body(packer, bytes.baseAddress, bytes.count))
    }

    /// Writes a timestamp extension (type -1) in the smallest of its three forms.
    ///
    /// - Throws: `invalidValue` for a date whose interval is not finite or does not fit 64-bit seconds.
    func write(_ date: Date) throws(CodecError) {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite, abs(interval) < 9.2e18 else {
            throw CodecError(.invalidValue, "the date \(interval) cannot be a timestamp", codec: "msgpack")
        }
        var seconds = Int64(interval.rounded(.down))
        var nanoseconds = Int64(((interval - Double(seconds)) * 1e9).rounded())
        if nanoseconds >= 1_000_000_000 {
            seconds += 1
            nanoseconds -= 1_000_000_000
        }
        var timestamp = msgpack_timestamp(tv_sec: seconds, tv_nsec: UInt32(nanoseconds))
        check(msgpack_pack_timestamp(packer, &timestamp))
    }

    /// Writes an array header for a known count (for values whose size is known before their elements).
    func writeArrayHeader(_ count: Int) { check(msgpack_pack_array(packer, count)) }

    /// Writes a map header for a known count of pairs.
    func writeMapHeader(_ count: Int) { check(msgpack_pack_map(packer, count)) }

    /// Reserves a container header and returns the container's slot.
    func beginContainer(isMap: Bool) -> Int {
        let slot = slots.count
        slots.append(Slot(offset: size, count: 0, isMap: isMap))
        let zeros: (UInt64) = 0
        withUnsafeBytes(of: zeros) {
            check(gipc_msgpack_sbuffer_append(&storage.pointee.buffer, $0.baseAddress, Self.reserved))
        }
        open.append(slot)
        return slot
    }

    /// Counts one more entry (a value, or a key-value pair) in the container at `slot`, closing the containers
    /// opened inside it.
    ///
    /// - Throws: `invalidValue` when the container was already closed by a write to an enclosing container.
    @inline(__always)
    func addEntry(to slot: Int) throws(CodecError) {
        if open.last != slot {
            while let top = open.last, top != slot { open.removeLast() }
            guard !open.isEmpty else {
                let error = CodecError(
                    .invalidValue, "a container was written to after a value of its parent container", codec: "msgpack")
                orderingError = orderingError ?? error
                throw error
            }
        }
        slots[slot].count += 1
    }

    /// Writes the finished payload (headers in their smallest forms) after the existing contents of `output`.
    ///
    /// - Throws: `invalidValue` when memory ran out or a container holds more than 2^32-1 entries.
    func finish(appendingTo output: inout [UInt8]) throws(CodecError) {
        if let orderingError { throw orderingError }
        guard !failed, let data = storage.pointee.buffer.data else {
            if failed { throw CodecError(.invalidValue, "the output buffer could not grow", codec: "msgpack") }
            return
        }
        let source = UnsafeRawBufferPointer(start: data, count: size)
        guard !slots.isEmpty else {
            output.append(contentsOf: source)
            return
        }
        output.reserveCapacity(output.count + size)
        var header: (UInt64) = 0
        var copied = 0
        for slot in slots {
            guard slot.count <= Int(UInt32.max) else {
                throw CodecError(.invalidValue, "a container holds more than 2^32-1 entries", codec: "msgpack")
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[copied..<slot.offset]))
            withUnsafeMutableBytes(of: &header) { bytes in
                let pointer = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
                let length = gipc_msgpack_container_header(pointer, UInt32(slot.count), slot.isMap ? 1 : 0)
                output.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: length))
            }
            copied = slot.offset + Self.reserved
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[copied...]))
    }
}
