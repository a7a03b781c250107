internal import CMsgPack
internal import Foundation

/// Streams MessagePack into one growing msgpack-c buffer (`msgpack_sbuffer`) with msgpack-c's packing code,
/// instantiated for the buffer so that each item is appended inline rather than through the packer's write callback
/// (`gipc_sbuffer_pack_*` in the CMsgPack shim); the buffer is kept from message to message (see
/// ``MessagePackCoders``), so that a message allocates nothing here once the buffer is large enough.
///
/// Codable does not say how many entries a container will get before they are encoded, yet MessagePack writes the
/// count first. The writer writes each container header once, in the smallest form (one byte), counts entries as
/// they arrive, widens the header in place at the 16th entry (three bytes) and the 65,536th (five bytes), moving
/// the bytes after it, and fills in the count when the container is closed. The result is byte-identical to packing
/// a fully known value, without a second pass over the output.
///
/// Containers must be written in order: once an entry is written to a container, the containers opened inside
/// it earlier are closed; writing to a closed container is an error (Codable's nested containers allow such
/// interleaving in principle; JSON-style tree encoders accept it, a streaming encoder cannot).
///
/// The state is only ever touched by the one thread encoding a message, through this final class, so its fields opt
/// out of dynamic exclusivity checks.
final class MessagePackWriter {
    /// An open container: where its header is, how long the header is now, and how many entries it has.
    private struct Open {
        var id: Int
        var offset: Int
        var headerLength: Int
        var count: Int
        var isMap: Bool
    }

    private let storage: UnsafeMutablePointer<gipc_msgpack_writer>
    /// The buffer inside `storage`.
    let buffer: UnsafeMutablePointer<msgpack_sbuffer>
    /// The open containers, innermost last.
    @exclusivity(unchecked) private var open: [Open] = []
    /// The identifier of the next container (identifiers are never reused within a message).
    @exclusivity(unchecked) private var nextID = 0
    @exclusivity(unchecked) private var failed = false
    /// Where the message starts in the buffer (after the room for a frame header).
    @exclusivity(unchecked) private var start = 0
    /// The first error (an ordering error, or a container with more than 2^32-1 entries), reported again by
    /// ``finish(appendingTo:)`` for the container calls that cannot throw (`nestedContainer`, `superEncoder`).
    @exclusivity(unchecked) private var deferredError: CodecError?

    init() {
        storage = .allocate(capacity: 1)
        gipc_msgpack_writer_init(storage)
        let offset = MemoryLayout<gipc_msgpack_writer>.offset(of: \.buffer) ?? 0
        buffer = (UnsafeMutableRawPointer(storage) + offset).assumingMemoryBound(to: msgpack_sbuffer.self)
        open.reserveCapacity(16)
    }

    deinit {
        gipc_msgpack_writer_destroy(storage)
        storage.deallocate()
    }

    /// Empties the writer for the next message, which starts `headerRoom` bytes into the buffer (bytes left for a
    /// caller's frame header). A buffer that grew beyond 1 MiB is given back.
    func reset(headerRoom: Int = 0) {
        if storage.pointee.buffer.alloc > 1 << 20 {
            gipc_msgpack_writer_destroy(storage)
            gipc_msgpack_writer_init(storage)
        }
        gipc_msgpack_writer_reset(storage)
        start = headerRoom
        open.removeAll(keepingCapacity: true)
        nextID = 0
        failed = false
        deferredError = nil
        if headerRoom > 0 { check(gipc_msgpack_sbuffer_pad(buffer, headerRoom)) }
    }

    /// The number of bytes written so far.
    var size: Int { storage.pointee.buffer.size }

    @inline(__always)
    private func check(_ status: Int32) {
        if status != 0 { failed = true }
    }

    @inline(__always) func writeNil() { check(gipc_sbuffer_pack_nil(buffer)) }
    @inline(__always) func write(_ value: Bool) {
        check(value ? gipc_sbuffer_pack_true(buffer) : gipc_sbuffer_pack_false(buffer))
    }
    @inline(__always) func write(_ value: Int64) { check(gipc_sbuffer_pack_int64(buffer, value)) }
    @inline(__always) func write(_ value: UInt64) { check(gipc_sbuffer_pack_uint64(buffer, value)) }
    @inline(__always) func write(_ value: Float) { check(gipc_sbuffer_pack_float(buffer, value)) }
    @inline(__always) func write(_ value: Double) { check(gipc_sbuffer_pack_double(buffer, value)) }

    @inline(__always)
    func write(_ value: String) {
        var value = value
        value.withUTF8 { check(gipc_sbuffer_pack_string(buffer, $0.baseAddress, $0.count)) }
    }

    /// Writes an array of `Int` (header and elements).
    func write(_ values: [Int]) {
        values.withUnsafeBufferPointer { elements in
            elements.withMemoryRebound(to: Int64.self) {
                check(gipc_sbuffer_pack_int64_array(buffer, $0.baseAddress, $0.count))
            }
        }
    }

    /// Writes a field name as a string.
    @inline(__always)
    func writeKey(_ key: StaticString) {
        guard key.hasPointerRepresentation else { return write(key.description) }
        check(gipc_sbuffer_pack_string(buffer, key.utf8Start, key.utf8CodeUnitCount))
    }

    func writeBinary(_ bytes: UnsafeRawBufferPointer) {
        check(gipc_sbuffer_pack_bin(buffer, bytes.count))
        check(gipc_sbuffer_pack_bin_body(buffer, bytes.baseAddress, bytes.count))
    }

    func writeExtension(type: Int8, _ bytes: UnsafeRawBufferPointer) {
        check(gipc_sbuffer_pack_ext(buffer, bytes.count, type))
        check(gipc_sbuffer_pack_ext_body(buffer, bytes.baseAddress, bytes.count))
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
        check(gipc_sbuffer_pack_timestamp(buffer, &timestamp))
    }

    /// Writes an array header for a known count (for values whose size is known before their elements).
    func writeArrayHeader(_ count: Int) { check(gipc_sbuffer_pack_array(buffer, count)) }

    /// Writes a map header for a known count of pairs.
    func writeMapHeader(_ count: Int) { check(gipc_sbuffer_pack_map(buffer, count)) }

    /// Opens a container of unknown count (its header is written now, for no entries) and returns its identifier.
    func beginContainer(isMap: Bool) -> Int {
        let id = nextID
        nextID += 1
        if id > Int(UInt32.max) {  // Containers keep their identifier in 32 bits (MessagePackUnkeyedEncoding).
            deferredError =
                deferredError
                ?? CodecError(.invalidValue, "a message holds more than 2^32 containers", codec: "msgpack")
        }
        open.append(Open(id: id, offset: size, headerLength: 1, count: 0, isMap: isMap))
        check(isMap ? gipc_sbuffer_pack_map(buffer, 0) : gipc_sbuffer_pack_array(buffer, 0))
        return id
    }

    /// Counts one more entry (a value, or a key-value pair) in the container `id`, closing the containers
    /// opened inside it.
    ///
    /// - Throws: `invalidValue` when the container was already closed by a write to an enclosing container.
    @inline(__always)
    func addEntry(to id: Int) throws(CodecError) {
        let top = open.count - 1
        guard top >= 0, open[top].id == id else { return try addEntrySlowly(to: id) }
        let count = open[top].count + 1
        open[top].count = count
        if count == 16 || count == 65536 { widen(top) }
    }

    private func addEntrySlowly(to id: Int) throws(CodecError) {
        while let last = open.last, last.id != id { close(open.removeLast()) }
        guard !open.isEmpty else {
            let error = CodecError(
                .invalidValue, "a container was written to after a value of its parent container", codec: "msgpack")
            deferredError = deferredError ?? error
            throw error
        }
        try addEntry(to: id)
    }

    /// Widens the header of the open container at `index` to the form its count now needs.
    private func widen(_ index: Int) {
        let wider = open[index].count < 65536 ? 3 : 5
        check(
            gipc_msgpack_widen_header(
                &storage.pointee.buffer, open[index].offset, open[index].headerLength, wider))
        open[index].headerLength = wider
    }

    /// Writes the final count into the header of a closed container.
    private func close(_ container: Open) {
        guard container.count > 0, let data = storage.pointee.buffer.data else { return }
        guard container.count <= Int(UInt32.max) else {
            deferredError =
                deferredError
                ?? CodecError(.invalidValue, "a container holds more than 2^32-1 entries", codec: "msgpack")
            return
        }
        let out = UnsafeMutableRawPointer(data + container.offset).assumingMemoryBound(to: UInt8.self)
        _ = gipc_msgpack_container_header(out, UInt32(container.count), container.isMap ? 1 : 0)
    }

    /// Closes every open container.
    ///
    /// - Throws: `invalidValue` for an ordering error seen earlier, when memory ran out, or when a container holds
    ///   more than 2^32-1 entries.
    private func closeAll() throws(CodecError) {
        while let last = open.popLast() { close(last) }
        if let deferredError { throw deferredError }
        if failed { throw CodecError(.invalidValue, "the output buffer could not grow", codec: "msgpack") }
    }

    /// The finished payload as a new array.
    ///
    /// - Throws: The errors of ``finish(appendingTo:)``.
    func finish() throws(CodecError) -> [UInt8] {
        try closeAll()
        let count = size - start
        guard count > 0, let data = storage.pointee.buffer.data else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.baseAddress!.initialize(
                from: UnsafeRawPointer(data + start).assumingMemoryBound(to: UInt8.self), count: count)
            initialized = count
        }
    }

    /// The whole buffer, the room for a header and the finished payload, valid until the writer is used again.
    ///
    /// - Throws: The errors of ``finish(appendingTo:)``.
    func finishInPlace() throws(CodecError) -> UnsafeMutableRawBufferPointer {
        try closeAll()
        return UnsafeMutableRawBufferPointer(start: storage.pointee.buffer.data, count: size)
    }

    /// Writes the finished payload after the existing contents of `output`.
    ///
    /// - Throws: `invalidValue` for an ordering error seen earlier, when memory ran out, or when a container holds
    ///   more than 2^32-1 entries.
    func finish(appendingTo output: inout [UInt8]) throws(CodecError) {
        try closeAll()
        guard let data = storage.pointee.buffer.data else { return }
        output.append(contentsOf: UnsafeRawBufferPointer(start: data + start, count: size - start))
    }
}
