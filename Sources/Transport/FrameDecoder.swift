/// An incremental decoder of length-prefixed frames: feed it bytes in chunks of any size, take whole frames out.
///
/// It refuses a header that announces more than ``maxFrameBytes`` (``TransportError/Code/frameTooLarge``) or a
/// negative length other than -1 (``TransportError/Code/protocolViolation``) before allocating anything, and from
/// then on every call throws ``TransportError/Code/poisoned``: after a framing error the stream cannot be trusted.
///
/// Small frames are cut from one staging buffer, so a single `read` can serve hundreds of frames. A frame that does
/// not fit gets its own array at its exact size, and the rest of its payload is read straight into it.
public struct FrameDecoder: Sendable {
    /// The largest payload this decoder accepts.
    public let maxFrameBytes: Int

    private var buffer: [UInt8]
    private var readIndex = 0
    private var writeIndex = 0
    /// A frame being filled in place: its payload array and how many bytes of it have arrived.
    private var large: [UInt8]? = nil
    private var largeFilled = 0
    private var largeHeaderBytes = 0
    private var failure: TransportError? = nil
    /// Bytes of the stream consumed into complete frames so far.
    public private(set) var offset: UInt64 = 0
    /// A lower limit than ``maxFrameBytes`` for the next headers, while it is set (a socket handshake's 256 bytes).
    package var temporaryLimit: Int? = nil

    /// Frames up to this size wait in the staging buffer; larger ones get their own array.
    private let inlineLimit: Int

    /// Creates a decoder.
    /// - Parameters:
    ///   - maxFrameBytes: the largest payload to accept (default 64 MiB); clamped to `0...Int.max`.
    ///   - bufferCapacity: the staging buffer, which is also the most one read asks for.
    public init(maxFrameBytes: Int = FrameFormat.defaultMaxFrameBytes, bufferCapacity: Int = 64 << 10) {
        self.maxFrameBytes = max(0, maxFrameBytes)
        let capacity = max(bufferCapacity, 64)
        self.buffer = [UInt8](repeating: 0, count: capacity)
        self.inlineLimit = capacity / 4
    }

    /// Whether bytes of an unfinished frame are held (a header, part of one, or part of a payload).
    public var hasPartialFrame: Bool { large != nil || writeIndex > readIndex }

    /// The error that poisoned this decoder, if any.
    public var poisonedBy: TransportError? { failure }

    /// Appends bytes received from the stream.
    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        var iterator = bytes.makeIterator()
        var pending = true
        while pending {
            _ = withWritableSpace { space in
                var count = 0
                while count < space.count {
                    guard let byte = iterator.next() else {
                        pending = false
                        break
                    }
                    space[count] = byte
                    count += 1
                }
                return count
            }
        }
    }

    /// Takes the next complete frame, if one has arrived.
    /// - Returns: the payload, or `nil` when more bytes are needed.
    /// - Throws: ``TransportError`` ``TransportError/Code/frameTooLarge`` or
    ///   ``TransportError/Code/protocolViolation`` for a bad header, then ``TransportError/Code/poisoned`` on every
    ///   later call.
    public mutating func nextFrame() throws(TransportError) -> [UInt8]? {
        if let failure { throw Self.poisoned(by: failure) }
        if let payload = large {
            guard largeFilled == payload.count else { return nil }
            large = nil
            offset += UInt64(largeHeaderBytes + payload.count)
            return payload
        }
        guard let header = try bufferedHeader(), isBuffered(header) else { return nil }
        let start = readIndex + header.bytes
        let payload = Array(buffer[start..<(start + header.length)])
        consume(header.bytes + header.length)
        return payload
    }

    /// Like ``nextFrame()``, but hands the payload to `take` where it lies (a frame that arrived whole within the
    /// decoder's buffer is not copied) and returns what `take` returns.
    /// - Parameter take: What to do with the payload, valid only during the call.
    /// - Returns: What `take` returned, or `nil` when no frame is complete yet.
    /// - Throws: As ``nextFrame()``.
    package mutating func takeFrame<R>(_ take: (UnsafeRawBufferPointer) -> R) throws(TransportError) -> R? {
        if failure != nil || large != nil { return try nextFrame().map { frame in frame.withUnsafeBytes(take) } }
        guard let header = try bufferedHeader(), isBuffered(header) else { return nil }
        let start = readIndex + header.bytes
        let result = buffer.withUnsafeBytes {
            take(UnsafeRawBufferPointer(rebasing: $0[start..<(start + header.length)]))
        }
        consume(header.bytes + header.length)
        return result
    }

    /// The header at the read position, once all of it has arrived; a bad header poisons the decoder.
    /// - Returns: the header's size and the payload length it announces, or `nil` when more bytes are needed.
    /// - Throws: what the header parse throws (``TransportError/Code/frameTooLarge``,
    ///   ``TransportError/Code/protocolViolation``), recorded as the decoder's failure first.
    @inline(__always)
    private mutating func bufferedHeader() throws(TransportError) -> (bytes: Int, length: Int)? {
        let available = writeIndex - readIndex
        guard available >= FrameFormat.shortHeaderBytes else { return nil }
        do {
            guard let (headerBytes, announced) = try parseHeader(available: available) else { return nil }
            return (headerBytes, Int(announced))  // parseHeader guarantees announced <= maxFrameBytes <= Int.max
        } catch {
            failure = error
            throw error
        }
    }

    /// Whether the frame of `header` lies whole in the buffer; when it does not and is too long for the buffer, its
    /// payload starts filling an array of its own.
    @inline(__always)
    private mutating func isBuffered(_ header: (bytes: Int, length: Int)) -> Bool {
        if writeIndex - readIndex - header.bytes >= header.length { return true }
        if header.length > inlineLimit { startLargeFrame(length: header.length, headerBytes: header.bytes) }
        return false
    }

    /// Ends the stream: throws if it stopped inside a frame.
    /// - Throws: ``TransportError/Code/truncatedFrame`` with the bytes expected and received, or
    ///   ``TransportError/Code/poisoned`` if the decoder was already poisoned.
    public mutating func finish() throws(TransportError) {
        if let failure { throw Self.poisoned(by: failure) }
        guard hasPartialFrame else { return }
        let error = truncationError()
        failure = error
        throw error
    }

    /// Lets `body` write received bytes into the decoder's free space (the staging buffer, or directly into the
    /// payload of a large frame) and returns what `body` returned: the number of bytes written, or a negative
    /// value that is passed through untouched (for example a failed `read`).
    package mutating func withWritableSpace(_ body: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows -> Int {
        if let payload = large, largeFilled < payload.count {
            let filled = largeFilled
            let written = try large!.withUnsafeMutableBytes { payload in
                try body(UnsafeMutableRawBufferPointer(rebasing: payload[filled...]))
            }
            if written > 0 { largeFilled += written }
            return written
        }
        makeRoom()
        let start = writeIndex
        let written = try buffer.withUnsafeMutableBytes { raw in
            try body(UnsafeMutableRawBufferPointer(rebasing: raw[start...]))
        }
        if written > 0 { writeIndex += written }
        return written
    }

    /// Takes one byte that is not part of a frame (the count byte of a passed handle), if one is buffered at a
    /// frame boundary.
    /// - Returns: the byte and its stream offset, or `nil` when no byte is buffered or a large frame is being filled.
    package mutating func takeByte() -> (byte: UInt8, offset: UInt64)? {
        guard large == nil, writeIndex > readIndex else { return nil }
        let byte = buffer[readIndex]
        let at = offset
        consume(1)
        return (byte, at)
    }

    /// How many more bytes complete the frame in progress (at least 1): what a reader that must not read past the
    /// frame (a socket handshake, whose next bytes may belong to a child that takes the socket over) asks for.
    package var bytesToCompleteFrame: Int {
        if let payload = large { return max(1, payload.count - largeFilled) }
        let available = writeIndex - readIndex
        guard available >= FrameFormat.shortHeaderBytes else { return FrameFormat.shortHeaderBytes - available }
        var short: Int32 = 0
        for index in 0..<4 { short = short << 8 | Int32(buffer[readIndex + index]) }
        if short >= 0 { return max(1, FrameFormat.shortHeaderBytes + Int(short) - available) }
        guard short == -1, available >= FrameFormat.largeHeaderBytes else {
            return max(1, FrameFormat.largeHeaderBytes - available)
        }
        var long: UInt64 = 0
        for index in 4..<12 { long = long << 8 | UInt64(buffer[readIndex + index]) }
        let total = UInt64(FrameFormat.largeHeaderBytes) &+ long
        return total > UInt64(Int.max) ? Int.max : max(1, Int(total) - available)
    }

    /// The stream offset of the next byte that arrives (bytes consumed plus bytes buffered).
    package var receivedOffset: UInt64 {
        if large != nil { return offset + UInt64(largeHeaderBytes + largeFilled) }
        return offset + UInt64(writeIndex - readIndex)
    }

    // MARK: internals

    private func parseHeader(available: Int) throws(TransportError) -> (Int, UInt64)? {
        let b = buffer
        let i = readIndex
        let short = Int32(
            bitPattern: UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3]))
        if short >= 0 {
            try checkLimit(UInt64(short), headerBytes: FrameFormat.shortHeaderBytes)
            return (FrameFormat.shortHeaderBytes, UInt64(short))
        }
        guard short == -1 else {
            throw TransportError(
                .protocolViolation,
                "frame header announces a negative length (\(short)) at stream offset \(offset); only -1 (large form) is allowed",
                bytesExpected: nil, bytesReceived: nil)
        }
        guard available >= FrameFormat.largeHeaderBytes else { return nil }
        var long: UInt64 = 0
        for index in 4..<12 { long = long << 8 | UInt64(b[i + index]) }
        try checkLimit(long, headerBytes: FrameFormat.largeHeaderBytes)
        return (FrameFormat.largeHeaderBytes, long)
    }

    private func checkLimit(_ length: UInt64, headerBytes: Int) throws(TransportError) {
        let limit = min(maxFrameBytes, temporaryLimit ?? maxFrameBytes)
        guard length > UInt64(limit) else { return }
        throw TransportError(
            .frameTooLarge,
            "frame header at stream offset \(offset) announces \(length) bytes, above this reader's limit of \(limit)",
            bytesExpected: length, bytesReceived: UInt64(limit))
    }

    private mutating func startLargeFrame(length: Int, headerBytes: Int) {
        let start = readIndex + headerBytes
        let present = writeIndex - start
        // The payload array is created at its final size and filled by reads; every byte is written before the
        // frame is handed out.
        var payload = [UInt8](unsafeUninitializedCapacity: length) { _, count in count = length }
        payload.withUnsafeMutableBytes { destination in
            buffer.withUnsafeBytes { source in
                destination.baseAddress!.copyMemory(from: source.baseAddress! + start, byteCount: present)
            }
        }
        large = payload
        largeFilled = present
        largeHeaderBytes = headerBytes
        readIndex = 0
        writeIndex = 0
    }

    private mutating func consume(_ count: Int) {
        readIndex += count
        offset += UInt64(count)
        if readIndex == writeIndex {
            readIndex = 0
            writeIndex = 0
        }
    }

    private mutating func makeRoom() {
        if readIndex == writeIndex {
            readIndex = 0
            writeIndex = 0
        }
        if buffer.count - writeIndex < buffer.count / 4 {
            let count = writeIndex - readIndex
            let from = readIndex
            buffer.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + from, byteCount: count)
            }
            readIndex = 0
            writeIndex = count
        }
        if writeIndex == buffer.count {
            // Only when bytes are fed faster than frames are taken out: keep everything.
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
    }

    private func truncationError() -> TransportError {
        if let payload = large {
            let expected = UInt64(largeHeaderBytes + payload.count)
            return TransportError(
                .truncatedFrame,
                "stream ended inside a frame at offset \(offset): \(largeHeaderBytes + largeFilled) of \(expected) bytes arrived",
                bytesExpected: expected, bytesReceived: UInt64(largeHeaderBytes + largeFilled))
        }
        let available = writeIndex - readIndex
        var expected = UInt64(FrameFormat.shortHeaderBytes)
        if available >= FrameFormat.shortHeaderBytes, let header = try? parseHeader(available: available) {
            expected = UInt64(header.0) + header.1
        } else if available >= FrameFormat.shortHeaderBytes {
            expected = UInt64(FrameFormat.largeHeaderBytes)
        }
        return TransportError(
            .truncatedFrame,
            "stream ended inside a frame at offset \(offset): \(available) of \(expected) bytes arrived",
            bytesExpected: expected, bytesReceived: UInt64(available))
    }

    static func poisoned(by error: TransportError) -> TransportError {
        TransportError(
            .poisoned, "the stream is unusable after an earlier error: \(error.message)",
            fileDescriptor: error.fileDescriptor, underlying: error)
    }
}
