import GIPCRuntime

/// The senders of one ``FrameWriter`` that wait behind the active one, in arrival order.
///
/// One task at a time is *active*: it owns the descriptor (a sender writing, or `close` / a transfer). Others wait
/// here with their frames. When the active sender finds frames queued behind its own, it takes the small ones and
/// writes them all with its own in one system call; when it is done it hands the writer to the first frame still
/// queued. So concurrent senders keep their order, frames never interleave, and many small sends cost few
/// system calls.
struct SendQueue {
    /// What a queued sender learns when it is resumed.
    enum Outcome {
        /// Another sender wrote this frame as part of its batch.
        case written
        /// This sender is now active and writes its frame itself, of which `alreadyWritten` bytes are in the pipe
        /// (a batch stopped in the middle of it when the pipe filled up).
        case lead(alreadyWritten: Int)
    }

    /// A frame waiting for its turn.
    struct Entry {
        /// Its sender, suspended until the frame is written in a batch or it is its turn.
        var waiter: Waiter<Outcome>
        var payload: [UInt8]
        /// Bytes of this frame already in the pipe. Nonzero only for the first entry, right before it leads.
        var written: Int

        var id: UInt64 { waiter.id }
    }

    /// Frames up to this size are batched; a larger frame is written by its own sender.
    static let batchFrameLimit = 64 << 10
    /// A batch holds at most this many bytes (headers included) and this many frames.
    static let batchByteLimit = 256 << 10
    static let batchCountLimit = 256

    private(set) var active = false
    /// The failure of a send that left part of a frame in the pipe: every later send fails with it.
    private(set) var poisoning: TransportError?
    private var entries = FIFOQueue<Entry>()
    /// Frames taken into the active sender's batch, not yet settled.
    private var inBatch: Set<UInt64> = []
    /// Frames of ``inBatch`` whose sender gave up (timeout, cancellation) while the batch held them: if the batch
    /// puts such a frame back before its first byte, it fails with this error instead of waiting again.
    private var abandoned: [UInt64: any Error] = [:]

    /// Makes the caller active if nobody is.
    /// - Returns: whether the caller is now active.
    mutating func activateIfIdle() -> Bool {
        if active { return false }
        active = true
        return true
    }

    /// Makes the caller active if nobody is and no send left part of a frame in the pipe.
    /// - Returns: whether the caller is now active, or the failure that made the writer unusable.
    mutating func activateIfIdleAndWhole() -> Result<Bool, TransportError> {
        if let poisoning { return .failure(poisoning) }
        return .success(activateIfIdle())
    }

    /// Records the failure of a send that left part of a frame in the pipe (the first one is kept).
    mutating func poison(_ error: TransportError) {
        if poisoning == nil { poisoning = error }
    }

    mutating func append(_ entry: Entry) {
        entries.append(entry)
    }

    /// Removes a frame that gave up waiting (timeout, cancellation); a frame with bytes in the pipe never does.
    /// A frame that a batch holds is marked instead, so that the batch fails it if it puts it back unwritten.
    /// - Returns: the entry to resume with `error`, or `nil` if it is not queued (written, or in a batch).
    mutating func giveUp(id: UInt64, with error: any Error) -> Entry? {
        if let entry = entries.remove(where: { $0.id == id && $0.written == 0 }) { return entry }
        if inBatch.contains(id), abandoned[id] == nil { abandoned[id] = error }
        return nil
    }

    /// Takes the small frames at the front, for the active sender to write with its own.
    mutating func takeBatch(startingWith bytes: Int) -> [Entry] {
        var batch: [Entry] = []
        var total = bytes
        while batch.count < Self.batchCountLimit, let next = entries.popFirst() {
            let size = next.payload.count + FrameFormat.shortHeaderBytes
            if next.payload.count > Self.batchFrameLimit || total + size > Self.batchByteLimit {
                entries.prepend(contentsOf: [next])
                break
            }
            total += size
            batch.append(next)
            inBatch.insert(next.id)
        }
        return batch
    }

    /// Ends a batch: its frames are no longer held. Frames to put back go to the front of the queue in their order,
    /// except those whose sender gave up meanwhile with nothing written.
    /// - Parameters:
    ///   - batch: every frame the batch took.
    ///   - unwritten: the frames not completely written, to wait for the next sender.
    /// - Returns: the frames to fail, each with its sender's error.
    mutating func settle(_ batch: [Entry], puttingBack unwritten: [Entry]) -> [(Entry, any Error)] {
        var failed: [(Entry, any Error)] = []
        var kept: [Entry] = []
        for entry in unwritten {
            if entry.written == 0, let error = abandoned[entry.id] {
                failed.append((entry, error))
            } else {
                kept.append(entry)
            }
        }
        for entry in batch {
            inBatch.remove(entry.id)
            abandoned.removeValue(forKey: entry.id)
        }
        entries.prepend(contentsOf: kept)
        return failed
    }

    /// The next frame to lead, or `nil` (and the writer becomes idle) when none waits.
    mutating func handOff() -> Entry? {
        if let next = entries.popFirst() { return next }
        active = false
        return nil
    }
}
