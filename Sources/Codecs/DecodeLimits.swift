/// Bounds that every codec enforces while decoding, so that a hostile peer cannot make this process crash,
/// overflow its stack or allocate without bound.
///
/// The same limits apply in every codec; each codec instance carries its own copy:
///
/// ```swift
/// let codec = MessagePackCodec(limits: DecodeLimits(maxDepth: 64))
/// let roomy = PropertyListCodec(limits: DecodeLimits(maxExpandedBytes: 256 << 20))
/// ```
///
/// Independently of these settings, no codec believes a declared element count larger than the bytes that
/// remain in the payload: a count is checked before anything is allocated for it.
///
/// Shared references (property lists) are bounded by the estimated decoded size of the fully expanded message:
/// ``bytesPerValue`` per value plus the bytes of every string and data payload, each reference counted every time it
/// is used. A payload is accepted while that size is within the larger of ``maxExpandedBytes`` and
/// ``maxExpansionRatio`` times the payload's own size. See docs/CODECS.md for how the defaults were chosen.
public struct DecodeLimits: Hashable, Sendable {
    /// The deepest nesting of arrays and maps accepted. The top-level container is depth 1. Default 512.
    public var maxDepth: Int
    /// How much larger than its input a decoded message may be, in estimated decoded bytes (``bytesPerValue`` per
    /// value plus the bytes of each string and data payload). Default 16: as much as a property list without shared
    /// strings, data or containers reaches, since every value takes at least one byte of reference. Only formats
    /// with shared references (property lists) are checked against it.
    public var maxExpansionRatio: Int
    /// The estimated decoded size, in bytes, that any payload may expand to through shared references, whatever its
    /// own size. Default 64 MiB (67,108,864), the default frame limit of GIPCKit's pipes: however densely a sender
    /// shares strings, data or containers, a message is accepted while its decoded form is no larger than a default
    /// frame. Set it to 0 to bound expansion by ``maxExpansionRatio`` alone.
    public var maxExpandedBytes: Int

    /// What one decoded value (a number, string, array, …) counts for in the expanded size, before the bytes of its
    /// string or data payload: 16, about the size of a ``Value`` (17 bytes, 24 apart in an array), and the most a
    /// value can count for while every unshared property list stays within the default ratio of 16.
    public static let bytesPerValue = 16

    /// The default limits: depth 512, expansion ratio 16, expanded size 64 MiB.
    public static let `default` = DecodeLimits()

    /// Creates limits.
    ///
    /// - Parameters:
    ///   - maxDepth: The deepest nesting accepted (at least 1).
    ///   - maxExpansionRatio: Estimated decoded bytes allowed per input byte (at least 1).
    ///   - maxExpandedBytes: Estimated decoded bytes any payload may expand to (at least 0).
    public init(maxDepth: Int = 512, maxExpansionRatio: Int = 16, maxExpandedBytes: Int = 64 << 20) {
        self.maxDepth = max(1, maxDepth)
        self.maxExpansionRatio = max(1, maxExpansionRatio)
        self.maxExpandedBytes = max(0, maxExpandedBytes)
    }

    /// The estimated decoded bytes allowed for an input of `inputCount` bytes: the larger of ``maxExpandedBytes``
    /// and ``maxExpansionRatio`` times the input (at least 64 bytes are assumed).
    func maxExpandedSize(inputCount: Int) -> Int {
        let (product, overflow) = max(inputCount, 64).multipliedReportingOverflow(by: maxExpansionRatio)
        return overflow ? Int.max : max(product, maxExpandedBytes)
    }
}
