/// Bounds that every codec enforces while decoding, so that a hostile peer cannot make this process crash,
/// overflow its stack or allocate without bound.
///
/// The same limits apply in every codec; each codec instance carries its own copy:
///
/// ```swift
/// let codec = MessagePackCodec(limits: DecodeLimits(maxDepth: 64))
/// ```
///
/// Independently of these settings, no codec believes a declared element count larger than the bytes that
/// remain in the payload: a count is checked before anything is allocated for it.
public struct DecodeLimits: Hashable, Sendable {
    /// The deepest nesting of arrays and maps accepted. The top-level container is depth 1. Default 512.
    public var maxDepth: Int
    /// How much larger than its input a decoded message may be, measured in decoded units: one per value, plus
    /// one per byte of string and byte payloads. Default 16. Only formats with shared references (property
    /// lists) can get near it; MessagePack and JSON produce at most one unit per input byte.
    public var maxExpansionRatio: Int

    /// The default limits: depth 512, expansion ratio 16.
    public static let `default` = DecodeLimits()

    /// Creates limits.
    ///
    /// - Parameters:
    ///   - maxDepth: The deepest nesting accepted (at least 1).
    ///   - maxExpansionRatio: Decoded units allowed per input byte (at least 1).
    public init(maxDepth: Int = 512, maxExpansionRatio: Int = 16) {
        self.maxDepth = max(1, maxDepth)
        self.maxExpansionRatio = max(1, maxExpansionRatio)
    }

    /// The decoded units allowed for an input of `inputCount` bytes (with a small floor for tiny inputs).
    func maxDecodedUnits(inputCount: Int) -> Int {
        let (product, overflow) = max(inputCount, 64).multipliedReportingOverflow(by: maxExpansionRatio)
        return overflow ? Int.max : product
    }
}
