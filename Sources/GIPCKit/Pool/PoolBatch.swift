/// The frames between a pool and its entry workers (``PoolWorker``): several jobs in one frame, and one frame of
/// replies for them, so that `map` with a chunk size pays for one frame per chunk.
///
/// Each job and each result is encoded on its own by the pool's codec, so a value the codec cannot handle fails
/// that job only. All integers are big-endian, as in the frame header.
/// - Jobs frame: job count (UInt32), then per job its length (UInt32) and its encoded bytes.
/// - Replies frame: reply count (UInt32), then per reply a kind (UInt8, ``PoolReply/Kind``), a length (UInt32) and
///   the bytes: the encoded result, or the UTF-8 text of what went wrong.
/// - A worker announces that its set-up is done with a replies frame of zero replies, before its first job.
enum PoolBatch {
    /// Writes `payloads` as a jobs frame.
    static func jobsFrame(_ payloads: [[UInt8]]) -> [UInt8] {
        var frame: [UInt8] = []
        frame.reserveCapacity(4 + payloads.reduce(0) { $0 + 4 + $1.count })
        append(UInt32(payloads.count), to: &frame)
        for payload in payloads {
            append(UInt32(payload.count), to: &frame)
            frame.append(contentsOf: payload)
        }
        return frame
    }

    /// Reads a jobs frame.
    /// - Throws: ``GIPCError/Code/corruptStream`` when the frame is not one.
    static func jobs(in frame: [UInt8]) throws(GIPCError) -> [ArraySlice<UInt8>] {
        var reader = Reader(frame)
        let count = try reader.integer()
        var payloads: [ArraySlice<UInt8>] = []
        payloads.reserveCapacity(min(Int(count), frame.count / 4))
        for _ in 0..<count { payloads.append(try reader.bytes(Int(try reader.integer()))) }
        try reader.expectEnd()
        return payloads
    }

    /// Writes `replies` as a replies frame.
    static func repliesFrame(_ replies: [PoolReply]) -> [UInt8] {
        var frame: [UInt8] = []
        frame.reserveCapacity(4 + replies.reduce(0) { $0 + 5 + $1.bytes.count })
        append(UInt32(replies.count), to: &frame)
        for reply in replies {
            frame.append(reply.kind.rawValue)
            append(UInt32(reply.bytes.count), to: &frame)
            frame.append(contentsOf: reply.bytes)
        }
        return frame
    }

    /// Reads a replies frame.
    /// - Throws: ``GIPCError/Code/corruptStream`` when the frame is not one.
    static func replies(in frame: [UInt8]) throws(GIPCError) -> [PoolReply] {
        var reader = Reader(frame)
        let count = try reader.integer()
        var replies: [PoolReply] = []
        replies.reserveCapacity(min(Int(count), frame.count / 5))
        for _ in 0..<count {
            guard let kind = PoolReply.Kind(rawValue: try reader.byte()) else {
                throw GIPCError(.corruptStream, "a pool worker sent a reply of unknown kind")
            }
            replies.append(PoolReply(kind: kind, bytes: Array(try reader.bytes(Int(try reader.integer())))))
        }
        try reader.expectEnd()
        return replies
    }

    private static func append(_ value: UInt32, to frame: inout [UInt8]) {
        frame.append(UInt8(truncatingIfNeeded: value >> 24))
        frame.append(UInt8(truncatingIfNeeded: value >> 16))
        frame.append(UInt8(truncatingIfNeeded: value >> 8))
        frame.append(UInt8(truncatingIfNeeded: value))
    }

    /// Reads a frame front to back, refusing to run past its end.
    private struct Reader {
        let frame: [UInt8]
        var offset = 0

        init(_ frame: [UInt8]) { self.frame = frame }

        mutating func byte() throws(GIPCError) -> UInt8 {
            try bytes(1).first!
        }

        mutating func integer() throws(GIPCError) -> UInt32 {
            let four = try bytes(4)
            return four.reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func bytes(_ count: Int) throws(GIPCError) -> ArraySlice<UInt8> {
            guard count <= frame.count - offset else {
                throw GIPCError(.corruptStream, "a pool frame ends in the middle of an item")
            }
            defer { offset += count }
            return frame[offset..<offset + count]
        }

        func expectEnd() throws(GIPCError) {
            guard offset == frame.count else {
                throw GIPCError(.corruptStream, "a pool frame has \(frame.count - offset) bytes after its last item")
            }
        }
    }
}

/// One worker's answer to one job.
struct PoolReply: Sendable {
    enum Kind: UInt8, Sendable {
        /// `bytes` is the encoded result.
        case result = 0
        /// The job's handler threw; `bytes` is the error's description.
        case jobFailed = 1
        /// The job could not be decoded, or its result encoded; `bytes` says why.
        case codecFailure = 2
    }

    var kind: Kind
    var bytes: [UInt8]

    static func failure(_ kind: Kind, _ text: String) -> PoolReply {
        PoolReply(kind: kind, bytes: Array(text.utf8))
    }
}
