import GIPCTransport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A send whose frame waits in another sender's batch keeps its cancellation and its deadline: if the batch puts
/// the frame back before its first byte, the send fails at once instead of waiting for the pipe to drain.
@Suite("A frame put back from a batch honours its sender's cancellation and timeout", .timeLimit(.minutes(1)))
struct BatchGiveUpTests {
    enum GiveUp: CaseIterable, CustomStringConvertible {
        case cancellation
        case timeout

        var description: String { self == .cancellation ? "cancellation" : "timeout" }
    }

    @Test(
        "L waits for room; A takes B and C into its batch; C gives up; A finishes, B and C go back",
        arguments: GiveUp.allCases)
    func frameGivenUpInsideBatch(giveUp: GiveUp) async throws {
        // With no pipe-size control (macOS) the scenario cannot be arranged.
        let pipe = try FramePipe(options: PipeOptions(pipeBufferBytes: 4096))
        guard pipe.bufferBytes == 4096 else { return }
        let readFD = pipe.reader.fileDescriptor
        let frames: [(name: String, payload: [UInt8])] = [
            ("L", pattern(count: 8000, seed: 11)), ("A", pattern(count: 6000, seed: 12)),
            ("B", pattern(count: 5000, seed: 13)), ("C", pattern(count: 100, seed: 14)),
        ]
        let timeout: Duration? = giveUp == .timeout ? .milliseconds(150) : nil
        var senders: [Task<Void, any Error>] = []
        for (index, frame) in frames.enumerated() {
            let frameTimeout = index == 3 ? timeout : nil
            senders.append(Task { try await pipe.writer.send(frame.payload, timeout: frameTimeout) })
            // L must be waiting for room before A, B and C queue behind it, in that order.
            try await Task.sleep(for: .milliseconds(30))
        }
        var stream = try await readRaw(readFD, count: 4096)  // L completes; A's batch takes B and C
        try await Task.sleep(for: .milliseconds(30))
        // C gives up while A's batch holds it: cancelled now, or its 150 ms deadline passes during the sleep.
        switch giveUp {
        case .cancellation: senders[3].cancel()
        case .timeout: try await Task.sleep(for: .milliseconds(200))
        }
        stream += try await readRaw(readFD, count: 4096)
        stream += try await readRaw(readFD, count: 4096)  // A completes, B is under way: B and C go back

        let watcher = OutcomeWatcher(senders[3])
        let outcome = await watcher.outcome(within: .seconds(10))
        switch (giveUp, outcome) {
        case (.cancellation, .cancelled?), (.timeout, .timedOut?): break
        default:
            Issue.record("C: expected the \(giveUp) to end the send within 10 s, got \(String(describing: outcome))")
        }

        // The rest of the stream: L, A and B whole, and nothing of C.
        let drain = Task { try await readRaw(readFD, count: Int.max, untilEOF: true) }
        for sender in senders.prefix(3) { try await sender.value }
        try pipe.writer.close()
        stream += try await drain.value
        var decoder = FrameDecoder()
        decoder.feed(stream)
        var received: [[UInt8]] = []
        while let frame = try decoder.nextFrame() { received.append(frame) }
        #expect(received == frames.prefix(3).map(\.payload))
        #expect(!decoder.hasPartialFrame)
    }

}

/// How a send ended.
enum SendOutcome: Equatable, CustomStringConvertible {
    case sent, cancelled, timedOut, failed(String)

    var description: String {
        switch self {
        case .sent: "sent"
        case .cancelled: "CancellationError"
        case .timedOut: "timedOut"
        case .failed(let text): text
        }
    }
}

/// Watches a send from a task of its own, so that a test can stop waiting for it without blocking on it.
final class OutcomeWatcher: Sendable {
    private let result = Mutex<SendOutcome?>(nil)

    init(_ task: Task<Void, any Error>) {
        Task {
            let outcome: SendOutcome
            do {
                try await task.value
                outcome = .sent
            } catch is CancellationError {
                outcome = .cancelled
            } catch let error as TransportError where error.code == .timedOut {
                outcome = .timedOut
            } catch {
                outcome = .failed("\(error)")
            }
            result.withLock { $0 = outcome }
        }
    }

    /// How the send ended, or `nil` if it had not within `limit`.
    func outcome(within limit: Duration) async -> SendOutcome? {
        let end = ContinuousClock.now + limit
        while ContinuousClock.now < end {
            if let outcome = result.withLock({ $0 }) { return outcome }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return result.withLock { $0 }
    }
}

/// Reads `count` bytes (or, with `untilEOF`, everything until the end of the stream) from a non-blocking descriptor,
/// sleeping briefly while it is empty; gives up after 30 s.
func readRaw(_ fd: Int32, count: Int, untilEOF: Bool = false) async throws -> [UInt8] {
    var bytes: [UInt8] = []
    let limit = ContinuousClock.now + .seconds(30)
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count < count {
        let wanted = min(chunk.count, count - bytes.count)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, wanted) }
        if n > 0 {
            bytes += chunk[0..<n]
            continue
        }
        if n == 0 { break }
        guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
            throw TransportError(.systemError, "read", fileDescriptor: fd, syscall: "read", errno: errno)
        }
        guard ContinuousClock.now < limit else {
            throw TransportError(.timedOut, "read \(bytes.count) of \(count) bytes in 30 s", fileDescriptor: fd)
        }
        try await Task.sleep(for: .milliseconds(1))
    }
    return bytes
}
