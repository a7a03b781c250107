extension DecodeLimits {
    /// The limits as codec settings (see ``MessageCodec/settings``): one `name=value` pair per limit that differs
    /// from its default, so the default limits are no settings at all.
    public var settings: [String: String] {
        var result: [String: String] = [:]
        let defaults = DecodeLimits.default
        if maxDepth != defaults.maxDepth { result["maxDepth"] = String(maxDepth) }
        if maxExpansionRatio != defaults.maxExpansionRatio { result["maxExpansionRatio"] = String(maxExpansionRatio) }
        if maxExpandedBytes != defaults.maxExpandedBytes { result["maxExpandedBytes"] = String(maxExpandedBytes) }
        return result
    }

    /// Reads limits back from codec settings; a limit that is not named keeps its default.
    ///
    /// - Parameters:
    ///   - settings: `name=value` pairs as ``settings`` makes them.
    ///   - codec: The codec name, for error messages.
    /// - Throws: ``CodecError`` with ``CodecError/Code/invalidValue`` for an unknown name or a value that is not a
    ///   positive integer (`maxExpandedBytes` may also be 0).
    public init(settings: [String: String], codec: String) throws(CodecError) {
        self.init()
        for (name, text) in settings.sorted(by: { $0.key < $1.key }) {
            // A budget of 0 leaves the expansion ratio alone; every other limit is at least 1.
            let minimum = name == "maxExpandedBytes" ? 0 : 1
            guard let value = Int(text), value >= minimum else {
                throw CodecError(.invalidValue, "setting \(name)=\(text) is not an integer >= \(minimum)", codec: codec)
            }
            switch name {
            case "maxDepth": maxDepth = value
            case "maxExpansionRatio": maxExpansionRatio = value
            case "maxExpandedBytes": maxExpandedBytes = value
            default:
                throw CodecError(
                    .invalidValue,
                    "unknown setting '\(name)' (known: maxDepth, maxExpansionRatio, maxExpandedBytes); the peer may "
                        + "be newer",
                    codec: codec)
            }
        }
    }
}
