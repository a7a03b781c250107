import CGIPCSystem

/// A point on the monotonic clock (CLOCK_MONOTONIC) after which an operation gives up.
///
/// Internal: public API takes `Duration` timeouts and turns them into a deadline once, at the start of the call,
/// so that waiting for a lock and waiting for readiness share one budget.
package struct Deadline: Sendable, Comparable {
    /// Nanoseconds on the monotonic clock.
    package let nanoseconds: Int64

    package init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The current time on the monotonic clock.
    package static var now: Deadline { Deadline(nanoseconds: gipc_monotonic_nanos()) }

    /// A deadline `timeout` from now, or `nil` (no deadline) when `timeout` is `nil`.
    /// Negative timeouts mean "already expired"; absurdly long ones saturate.
    package static func after(_ timeout: Duration?) -> Deadline? {
        guard let timeout else { return nil }
        let now = gipc_monotonic_nanos()
        let (sum, overflow) = now.addingReportingOverflow(nanoseconds(of: timeout))
        return Deadline(nanoseconds: overflow ? Int64.max : sum)
    }

    /// A non-negative duration in nanoseconds, saturating; negative durations give 0.
    package static func nanoseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (secondNanos, overflow1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = secondNanos.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow1 || overflow2 ? Int64.max : total
    }

    /// Whether the deadline has passed.
    package var hasPassed: Bool { gipc_monotonic_nanos() >= nanoseconds }

    package static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}
