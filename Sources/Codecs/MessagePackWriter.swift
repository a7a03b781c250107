internal import Foundation

/// Streams MessagePack into a growable byte buffer, in the forms Python's `msgpack.packb(use_bin_type=True)` picks.
///
/// Codable does not say how many entries a container will get before they are encoded, yet MessagePack writes the
/// count first. The writer therefore reserves one byte for each container header (the fixarray/fixmap form), counts
/// entries as they arrive, and in ``finish(appendingTo:)`` fills the headers in. When every container holds fewer
/// than 16 entries, as small messages do, the headers are patched in place and the buffer is copied out as is;
/// otherwise the copy widens the headers that need 3 or 5 bytes, in the same single pass. The result is
/// byte-identical to packing a fully known value.
///
/// Containers must be written in order: once an entry is written to a container, the containers opened inside
/// it earlier are closed; writing to a closed container is an error (Codable's nested containers allow such
/// interleaving in principle; JSON-style tree encoders accept it, a streaming encoder cannot).
final class MessagePackWriter {
    /// A container whose header is reserved: where, how many entries so far, and which container encloses it.
    private struct Slot {
        var offset: Int
        var count: Int
        var isMap: Bool
        /// The slot that was innermost open when this one was opened, or -1.
        var parent: Int
    }

    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The number of bytes written so far (reserved header bytes included).
    private(set) var size = 0
    private var slots: [Slot] = []
    /// The innermost open slot, or -1; the open slots are it and its chain of parents.
    private var innermost = -1
    /// Whether some container reached 16 entries, so that a header must be widened.
    private var needsWidening = false
    /// The first ordering error, reported again by ``finish(appendingTo:)`` for the container calls that cannot
    /// throw (`nestedContainer`, `superEncoder`).
    private var orderingError: CodecError?

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()
    }

    /// Makes room for `length` more bytes and returns where they go; `size` already counts them.
    @inline(__always)
    private func claim(_ length: Int) -> UnsafeMutablePointer<UInt8> {
        if size + length > capacity { grow(size + length) }
        let start = base + size
        size += length
        return start
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: size)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    /// Writes a type byte followed by `value` in big-endian order.
    @inline(__always)
    private func write<T: FixedWidthInteger>(type: UInt8, _ value: T) {
        let start = claim(1 + MemoryLayout<T>.size)
        start[0] = type
        UnsafeMutableRawPointer(start + 1).storeBytes(of: value.bigEndian, as: T.self)
    }

    private func write(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        UnsafeMutableRawPointer(claim(bytes.count)).copyMemory(from: source, byteCount: bytes.count)
    }

    func writeNil() { claim(1)[0] = 0xc0 }
    func write(_ value: Bool) { claim(1)[0] = value ? 0xc3 : 0xc2 }
    func write(_ value: Float) { write(type: 0xca, value.bitPattern) }
    func write(_ value: Double) { write(type: 0xcb, value.bitPattern) }

    /// Writes an integer in its smallest form; non-negative values use the unsigned forms.
    func write(_ value: Int64) {
        if value >= 0 { return write(UInt64(value)) }
        if value >= -32 {
            claim(1)[0] = UInt8(truncatingIfNeeded: value)
        } else if value >= Int64(Int8.min) {
            write(type: 0xd0, Int8(value))
        } else if value >= Int64(Int16.min) {
            write(type: 0xd1, Int16(value))
        } else if value >= Int64(Int32.min) {
            write(type: 0xd2, Int32(value))
        } else {
            write(type: 0xd3, value)
        }
    }

    /// Writes an unsigned integer in its smallest form.
    func write(_ value: UInt64) {
        if value < 0x80 {
            claim(1)[0] = UInt8(value)
        } else if value <= UInt64(UInt8.max) {
            write(type: 0xcc, UInt8(value))
        } else if value <= UInt64(UInt16.max) {
            write(type: 0xcd, UInt16(value))
        } else if value <= UInt64(UInt32.max) {
            write(type: 0xce, UInt32(value))
        } else {
            write(type: 0xcf, value)
        }
    }

    func write(_ value: String) {
        if let done: Void = value.utf8.withContiguousStorageIfAvailable({ writeString(UnsafeRawBufferPointer($0)) }) {
            return done
        }
        var copy = value
        copy.withUTF8 { writeString(UnsafeRawBufferPointer($0)) }
    }

    private func writeString(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        if count < 32 {
            claim(1)[0] = 0xa0 | UInt8(count)
        } else if count <= Int(UInt8.max) {
            write(type: 0xd9, UInt8(count))
        } else if count <= Int(UInt16.max) {
            write(type: 0xda, UInt16(count))
        } else {
            write(type: 0xdb, UInt32(truncatingIfNeeded: count))
        }
        write(bytes)
    }

    func writeBinary(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        if count <= Int(UInt8.max) {
            write(type: 0xc4, UInt8(count))
        } else if count <= Int(UInt16.max) {
            write(type: 0xc5, UInt16(count))
        } else {
            write(type: 0xc6, UInt32(truncatingIfNeeded: count))
        }
        write(bytes)
    }

    func writeExtension(type: Int8, _ bytes: UnsafeRawBufferPointer) {
        writeExtensionHeader(type: type, length: bytes.count)
        write(bytes)
    }

    private func writeExtensionHeader(type: Int8, length: Int) {
        let fixed: UInt8? =
            switch length {
            case 1: 0xd4
            case 2: 0xd5
            case 4: 0xd6
            case 8: 0xd7
            case 16: 0xd8
            default: nil
            }
        if let fixed {
            write(type: fixed, type)
        } else if length <= Int(UInt8.max) {
            write(type: 0xc7, UInt8(length))
            claim(1)[0] = UInt8(bitPattern: type)
        } else if length <= Int(UInt16.max) {
            write(type: 0xc8, UInt16(length))
            claim(1)[0] = UInt8(bitPattern: type)
        } else {
            write(type: 0xc9, UInt32(truncatingIfNeeded: length))
            claim(1)[0] = UInt8(bitPattern: type)
        }
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
        if seconds >> 34 == 0 {
            let packed = UInt64(nanoseconds) << 34 | UInt64(seconds)
            if packed >> 32 == 0 {
                writeExtensionHeader(type: -1, length: 4)
                UnsafeMutableRawPointer(claim(4)).storeBytes(of: UInt32(packed).bigEndian, as: UInt32.self)
            } else {
                writeExtensionHeader(type: -1, length: 8)
                UnsafeMutableRawPointer(claim(8)).storeBytes(of: packed.bigEndian, as: UInt64.self)
            }
        } else {
            writeExtensionHeader(type: -1, length: 12)
            let start = UnsafeMutableRawPointer(claim(12))
            start.storeBytes(of: UInt32(nanoseconds).bigEndian, as: UInt32.self)
            start.storeBytes(of: seconds.bigEndian, toByteOffset: 4, as: Int64.self)
        }
    }

    /// Writes an array header for a known count (for values whose size is known before their elements).
    func writeArrayHeader(_ count: Int) { writeHeader(count, isMap: false) }

    /// Writes a map header for a known count of pairs.
    func writeMapHeader(_ count: Int) { writeHeader(count, isMap: true) }

    private func writeHeader(_ count: Int, isMap: Bool) {
        if count < 16 {
            claim(1)[0] = (isMap ? 0x80 : 0x90) | UInt8(count)
        } else if count <= Int(UInt16.max) {
            write(type: isMap ? 0xde : 0xdc, UInt16(count))
        } else {
            write(type: isMap ? 0xdf : 0xdd, UInt32(truncatingIfNeeded: count))
        }
    }

    /// Reserves a container header and returns the container's slot.
    func beginContainer(isMap: Bool) -> Int {
        let slot = slots.count
        slots.append(Slot(offset: size, count: 0, isMap: isMap, parent: innermost))
        claim(1)[0] = 0
        innermost = slot
        return slot
    }

    /// Counts one more entry (a value, or a key-value pair) in the container at `slot`, closing the containers
    /// opened inside it.
    ///
    /// - Throws: `invalidValue` when the container was already closed by a write to an enclosing container.
    @inline(__always)
    func addEntry(to slot: Int) throws(CodecError) {
        if innermost != slot { try close(downTo: slot) }
        slots[slot].count += 1
        if slots[slot].count == 16 { needsWidening = true }
    }

    private func close(downTo slot: Int) throws(CodecError) {
        while innermost >= 0, innermost != slot { innermost = slots[innermost].parent }
        guard innermost >= 0 else {
            let error = CodecError(
                .invalidValue, "a container was written to after a value of its parent container", codec: "msgpack")
            orderingError = orderingError ?? error
            throw error
        }
    }

    /// Writes the finished payload (headers in their smallest forms) after the existing contents of `output`.
    ///
    /// - Throws: `invalidValue` for a container written out of order or holding more than 2^32-1 entries.
    func finish(appendingTo output: inout [UInt8]) throws(CodecError) {
        if let orderingError { throw orderingError }
        if !needsWidening {
            for slot in slots { base[slot.offset] = (slot.isMap ? 0x80 : 0x90) | UInt8(slot.count) }
            output.append(contentsOf: UnsafeBufferPointer(start: base, count: size))
            return
        }
        output.reserveCapacity(output.count + size + 4 * slots.count)
        var copied = 0
        for slot in slots {
            guard slot.count <= Int(UInt32.max) else {
                throw CodecError(.invalidValue, "a container holds more than 2^32-1 entries", codec: "msgpack")
            }
            output.append(contentsOf: UnsafeBufferPointer(start: base + copied, count: slot.offset - copied))
            let count = UInt32(slot.count)
            if count < 16 {
                output.append((slot.isMap ? 0x80 : 0x90) | UInt8(count))
            } else if count <= UInt32(UInt16.max) {
                output.append(slot.isMap ? 0xde : 0xdc)
                output.append(UInt8(count >> 8))
                output.append(UInt8(truncatingIfNeeded: count))
            } else {
                output.append(slot.isMap ? 0xdf : 0xdd)
                for shift in [24, 16, 8, 0] as [UInt32] { output.append(UInt8(truncatingIfNeeded: count >> shift)) }
            }
            copied = slot.offset + 1
        }
        output.append(contentsOf: UnsafeBufferPointer(start: base + copied, count: size - copied))
    }
}
