public import GIPCCodecs

extension Value {
    /// `depth` arrays, one inside another, around the integer 1: `nestedArrays(2)` is `[[1]]`.
    ///
    /// - Parameter depth: How many arrays; at least 1.
    /// - Returns: The value.
    public static func nestedArrays(_ depth: Int) -> Value {
        var value = Value.array([.int(1)])
        for _ in 1..<depth { value = .array([value]) }
        return value
    }
}

/// `value` with every map's pairs sorted by key, for comparing values whose map order a codec does not keep (JSON
/// and property lists).
///
/// - Parameter value: Any value.
/// - Returns: The same value with sorted maps, at every depth.
public func sortedMaps(_ value: Value) -> Value {
    switch value {
    case .array(let elements): return .array(elements.map(sortedMaps))
    case .map(let pairs):
        return .map(
            pairs.map { (key: sortedMaps($0.key), value: sortedMaps($0.value)) }.sorted { "\($0.key)" < "\($1.key)" })
    default: return value
    }
}

/// The built-in codec named `name`.
///
/// - Parameters:
///   - name: `raw`, `json`, `plist` or `msgpack`.
///   - limits: The decode limits (raw has none).
/// - Returns: The codec.
public func builtinCodec(named name: String, limits: DecodeLimits = .default) -> any MessageCodec {
    switch name {
    case "raw": RawCodec()
    case "json": JSONCodec(limits: limits)
    case "plist": PropertyListCodec(limits: limits)
    case "msgpack": MessagePackCodec(limits: limits)
    default: fatalError("no built-in codec is named \(name)")
    }
}
