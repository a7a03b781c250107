import Synchronization

/// What the soak counts, over all children and generations.
struct Totals: Sendable {
    var sent = 0
    /// What the receiving sides counted.
    var arrivals = Arrivals()
    /// Sent, never echoed, and the child that had them was killed on purpose: expected, reported apart.
    var diedWithKilledChild = 0
    /// `put` calls that threw because the child had been killed (the writer knew: not sent).
    var putsRefusedAfterKill = 0
    var bytesSent = 0
    var largest = 0
    var generations = 0
    var kills = 0
    var cleanEnds = 0
    /// Children that ended other than by our SIGKILL or a clean exit 0, and unexpected errors.
    var failures: [String] = []
    var messagesByCodec: [String: Int] = [:]
}

/// The shared totals, updated by every generation's tasks.
final class Ledger: Sendable {
    private let totals = Mutex(Totals())

    func update(_ body: (inout Totals) -> Void) { totals.withLock { body(&$0) } }

    var snapshot: Totals { totals.withLock { $0 } }
}

/// What a receiving side counted, by sequence number.
struct Arrivals: Sendable {
    /// Messages that arrived in order, or after a gap.
    var received = 0
    /// Sequence numbers skipped over: messages that never arrived.
    var lost = 0
    /// Messages whose sequence number had arrived before.
    var duplicated = 0
    /// Messages that failed their check.
    var corrupted = 0

    static func += (total: inout Arrivals, more: Arrivals) {
        total.received += more.received
        total.lost += more.lost
        total.duplicated += more.duplicated
        total.corrupted += more.corrupted
    }
}

/// The receiving side's view of one generation: which sequence number comes next.
struct SequenceCheck {
    private(set) var expected: UInt64
    private(set) var arrivals = Arrivals()

    init(first: UInt64) { expected = first }

    mutating func record(_ sequence: UInt64?) {
        guard let sequence else {
            arrivals.corrupted += 1
            return
        }
        if sequence < expected {
            arrivals.duplicated += 1
            return
        }
        arrivals.lost += Int(sequence - expected)
        expected = sequence + 1
        arrivals.received += 1
    }
}
