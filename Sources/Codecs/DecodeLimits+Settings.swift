extension DecodeLimits {
    /// The limits as codec settings (see ``MessageCodec/settings``): one `name=value` pair per limit that differs
    /// from its default, so the default limits are no settings at all.
    public var settings: [String: String] {
        var result: [String: String] = [:]
        let defaults = DecodeLimits.default
        if maxDepth != defaults.maxDepth { result["maxDepth"] = String(maxDepth) }
        if maxExpansionRatio != defaults.maxExpansionRatio { result["maxExpansionRatio"] = String(maxExpansionRatio) }
        return result
    }

    /// Reads limits back from codec settings; a limit that is not named keeps its default.
    ///
    /// - Parameters:
    ///   - settings: `name=value` pairs as ``settings`` makes them.
    ///   - codec: The codec name, for error messages.
    /// - Throws: ``CodecError`` with ``CodecError/Code/invalidValue`` for an unknown name or a value that is not a
    ///   positive integer.
    public init(settings: [String: String], codec: String) throws(CodecError) {
        self.init()
        for (name, text) in settings.sorted(by: { $0.key < $1.key }) {
            guard let value = Int(text), value >= 1 else {
                throw CodecError(.invalidValue, "setting \(name)=\(text) is not a positive integer", codec: codec)
            }
            switch name {
            case "maxDepth": maxDepth = value
            case "maxExpansionRatio": maxExpansionRatio = value
            default:
                throw CodecError(
                    .invalidValue,
                    "unknown setting '\(name)' (known: maxDepth, maxExpansionRatio); the peer may be newer",
                    codec: codec)
            }
        }
    }
}
