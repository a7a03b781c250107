import ArgumentParser

/// A duration on the command line: a decimal number and a unit, `500ms`, `2s`, `1.5s`, `1m` or `1h`.
enum DurationArgument {
    /// The units, longest name first so that `ms` is not read as `m`.
    private static let units: [(name: String, nanoseconds: Int64)] = [
        ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// What the help text and error messages call a valid duration.
    static let format = "a number and a unit: ms, s, m or h (500ms, 2s, 1.5s, 1m)"

    /// Reads `text` as a positive duration, for an option's `transform`.
    /// - Throws: `ValidationError` (exit status 64) for text that is not a positive duration in that form.
    static func parse(_ text: String) throws -> Duration {
        let problem = ValidationError("expected \(format)")
        guard let unit = units.first(where: { text.hasSuffix($0.name) }) else { throw problem }
        let number = text.dropLast(unit.name.count)
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        let isDigits = { (part: Substring) in part.allSatisfy { $0.isASCII && $0.isNumber } }
        guard !whole.isEmpty, isDigits(whole), isDigits(fraction), parts.count == 1 || !fraction.isEmpty,
            let count = Int64(whole)
        else { throw problem }
        let (wholeNanoseconds, overflow) = count.multipliedReportingOverflow(by: unit.nanoseconds)
        guard !overflow else { throw ValidationError("\(text) is too long a duration") }
        // The fraction's digits, at most as many as the unit has nanoseconds' places (finer ones are dropped).
        var fractionNanoseconds: Int64 = 0
        var scale = unit.nanoseconds
        for digit in fraction.prefix(13) {
            scale /= 10
            fractionNanoseconds += Int64(digit.wholeNumberValue!) * scale
        }
        let (total, sumOverflow) = wholeNanoseconds.addingReportingOverflow(fractionNanoseconds)
        guard !sumOverflow else { throw ValidationError("\(text) is too long a duration") }
        guard total > 0 else { throw ValidationError("the duration must be positive, not \(text)") }
        return .nanoseconds(total)
    }
}
