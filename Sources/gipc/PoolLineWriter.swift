import GIPCKit
import Synchronization

/// Writes `gipc pool`'s result lines, one plain `write` each, and counts them for the progress line.
///
/// A line is `{"job":INDEX,"ok":VALUE}`, VALUE in ``ValueNotation``, or
/// `{"job":INDEX,"error":{"code":"CODE","message":"..."}}`, CODE a `GIPCError` code name or `badLine`.
final class PoolLineWriter: Sendable {
    private let output: StreamOutput
    private let written = Atomic<Int>(0)
    private let failed = Atomic<Int>(0)

    /// Writes to descriptor `fd`.
    init(fd: Int32) { output = StreamOutput(fd: fd) }

    /// The lines written so far.
    var writtenCount: Int { written.load(ordering: .relaxed) }

    /// The error lines among them.
    var failedCount: Int { failed.load(ordering: .relaxed) }

    /// Writes the line of `outcome`.
    /// - Throws: ``CommandFailure`` `writeFailed`, for example when the reader has gone.
    func write(_ outcome: PoolOutcome<Value>) throws(CommandFailure) {
        var line = "{\"job\":\(outcome.index),"
        switch outcome.result {
        case .success(let value):
            line += "\"ok\":"
            ValueNotation.append(value, to: &line)
        case .failure(let error):
            let bad = BadLine.carried(by: error)
            line += "\"error\":{\"code\":"
            ValueNotation.appendString(bad == nil ? error.code.description : "badLine", to: &line)
            line += ",\"message\":"
            ValueNotation.appendString(bad?.message ?? error.message, to: &line)
            line += "}"
            failed.add(1, ordering: .relaxed)
        }
        line += "}\n"
        try output.send(Array(line.utf8))
        written.add(1, ordering: .relaxed)
    }
}
