import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The progress line of `gipc pool --progress`: `jobs 1234 done, 5 failed, 12 running, 3.4k/s`, redrawn in place
/// on standard error about ten times a second while it is a terminal, and cleared at the end.
struct PoolProgress {
    private let task: Task<Void, Never>?

    /// Starts redrawing from `writer`'s counts and `running`, when standard error is a terminal; otherwise does
    /// nothing.
    init(writer: PoolLineWriter, running: @escaping @Sendable () -> Int) {
        guard isatty(2) == 1 else {
            task = nil
            return
        }
        task = Task {
            let clock = ContinuousClock()
            let start = clock.now
            // The rate over the last second or so: the counts of the last ten redraws.
            var history: [(time: ContinuousClock.Instant, done: Int)] = [(start, 0)]
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                let now = clock.now
                let done = writer.writtenCount
                history.append((now, done))
                if history.count > 11 { history.removeFirst() }
                let span = history[0].time.duration(to: now) / .seconds(1)
                let rate = span > 0 ? Double(done - history[0].done) / span : 0
                Self.draw(
                    "jobs \(done) done, \(writer.failedCount) failed, \(running()) running, \(Self.format(rate))/s")
            }
        }
    }

    /// Stops redrawing and clears the line.
    func finish() async {
        guard let task else { return }
        task.cancel()
        await task.value
        Self.draw("")
    }

    /// Writes `text` over the current line of standard error.
    private static func draw(_ text: String) {
        let bytes = Array(("\r" + text + "\u{1B}[K").utf8)
        bytes.withUnsafeBytes { StreamOutput(fd: 2).writeIgnoringErrors($0) }
    }

    /// `rate` in three significant figures or fewer: `850`, `3.4k`, `12k`, `1.2M`.
    static func format(_ rate: Double) -> String {
        func short(_ value: Double, _ suffix: String) -> String {
            let tenths = (value * 10).rounded() / 10
            return tenths < 10 ? "\(tenths)\(suffix)" : "\(Int(value.rounded()))\(suffix)"
        }
        if rate < 1_000 { return "\(Int(rate.rounded()))" }
        if rate < 1_000_000 { return short(rate / 1_000, "k") }
        return short(rate / 1_000_000, "M")
    }
}
