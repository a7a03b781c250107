/// The one error type of GIPCCodecs.
///
/// Every failure to encode or decode a message is a `CodecError` with a ``Code`` that says what happened, the
/// ``codec`` that raised it, the coding path of the value involved and, where the codec knows it, the byte offset
/// into the payload. Compare errors by ``code``:
///
/// ```swift
/// do { _ = try codec.decode(Order.self, from: payload) }
/// catch let error as CodecError where error.code == .depthLimitExceeded { /* hostile peer */ }
/// ```
///
/// A decoding error concerns one complete frame only: the next frame on the same pipe still decodes.
public struct CodecError: Error, Sendable, CustomStringConvertible {
    /// What went wrong. Extensible: new codes may be added, so `switch` over it with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }

        /// The payload ended before the value it announced was complete.
        public static let truncated = Code("truncated")
        /// A complete value was followed by more bytes.
        public static let trailingBytes = Code("trailingBytes")
        /// The bytes are not valid in the codec's format (an unused type byte, a bad offset, malformed text).
        public static let malformed = Code("malformed")
        /// Arrays, maps or objects nest deeper than ``DecodeLimits/maxDepth``.
        public static let depthLimitExceeded = Code("depthLimitExceeded")
        /// A container declares more elements than the remaining bytes could possibly hold.
        public static let countExceedsInput = Code("countExceedsInput")
        /// Shared references in a property list expand the message beyond the larger of
        /// ``DecodeLimits/maxExpandedBytes`` and ``DecodeLimits/maxExpansionRatio`` times the input size, in
        /// estimated decoded bytes.
        public static let expansionLimitExceeded = Code("expansionLimitExceeded")
        /// An object refers to itself, directly or through its children (property lists).
        public static let referenceCycle = Code("referenceCycle")
        /// A property list dictionary holds the same key twice (Foundation would pick one inconsistently).
        public static let duplicateKey = Code("duplicateKey")
        /// A string is not valid UTF-8 (or, in a property list, not valid UTF-16).
        public static let invalidUTF8 = Code("invalidUTF8")
        /// The encoded value has a different kind than the target type (a string where an integer is expected).
        public static let typeMismatch = Code("typeMismatch")
        /// A number does not fit the target type exactly (300 into `Int8`, -1 into `UInt`, 1.5 into `Int`).
        public static let valueOutOfRange = Code("valueOutOfRange")
        /// A required key is absent from a map.
        public static let keyNotFound = Code("keyNotFound")
        /// A required value is null, or an array has fewer elements than the type reads.
        public static let valueNotFound = Code("valueNotFound")
        /// An extension type the target cannot represent (MessagePack ext other than the timestamp).
        public static let unsupportedExtension = Code("unsupportedExtension")
        /// The codec cannot carry this Swift type at all (raw carries bytes only).
        public static let unsupportedType = Code("unsupportedType")
        /// The value cannot be encoded in this format (NaN in JSON, a `nil` top level in a property list).
        public static let invalidValue = Code("invalidValue")

        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence a person can act on.
    public let message: String
    /// The ``MessageCodec/name`` of the codec that raised the error.
    public let codec: String
    /// The keys and indices leading to the failing value, outermost first (indices are written as `[3]`).
    public let codingPath: [String]
    /// The offset into the payload where the problem was found, when the codec knows it.
    public let byteOffset: Int?
    /// The error of the underlying implementation (Foundation's `DecodingError`), when there is one.
    public let underlying: (any Error & Sendable)?

    /// Creates an error. Codecs use this; it is public so that user-defined codecs report failures the same way.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A sentence a person can act on.
    ///   - codec: The name of the codec raising the error.
    ///   - codingPath: The keys and indices leading to the failing value.
    ///   - byteOffset: The offset into the payload, when known.
    ///   - underlying: The error of an underlying implementation, when there is one.
    public init(
        _ code: Code,
        _ message: String,
        codec: String,
        codingPath: [String] = [],
        byteOffset: Int? = nil,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.codec = codec
        self.codingPath = codingPath
        self.byteOffset = byteOffset
        self.underlying = underlying
    }

    public var description: String {
        var text = "CodecError.\(code) [\(codec)]: \(message)"
        if !codingPath.isEmpty { text += " at \(codingPath.joined(separator: "."))" }
        if let byteOffset { text += " (byte \(byteOffset))" }
        return text
    }
}

extension CodecError {
    /// Renders a Codable coding path as strings.
    static func path(_ keys: [any CodingKey]) -> [String] {
        keys.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
    }

    /// Returns a copy with `codingPath` set, when the error does not carry one yet.
    func withCodingPath(_ keys: [any CodingKey]) -> CodecError {
        guard codingPath.isEmpty, !keys.isEmpty else { return self }
        return CodecError(
            code, message, codec: codec, codingPath: Self.path(keys), byteOffset: byteOffset, underlying: underlying)
    }
}
