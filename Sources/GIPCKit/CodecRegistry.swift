import Synchronization

/// The codecs a process can name: the four built-in ones and any registered with ``register(_:)``.
///
/// A handle carries its codec's ``MessageCodec/name`` when it is transferred; the child looks the name up here to
/// rebuild the handle. A program that uses its own codec registers it before ``GIPC/bootstrap(_:)`` runs, in
/// parent and child alike (both run the same `main`).
public enum CodecRegistry {
    private static let custom = Mutex<[String: any MessageCodec]>([:])

    /// Makes `codec` available by its name (replacing an earlier registration of that name).
    /// - Parameter codec: the codec.
    public static func register(_ codec: any MessageCodec) {
        custom.withLock { $0[codec.name] = codec }
    }

    /// The codec called `name`.
    /// - Parameter name: `raw`, `json`, `plist`, `msgpack` or a registered codec's name.
    /// - Returns: the codec, or `nil` if no codec has that name.
    public static func codec(named name: String) -> (any MessageCodec)? {
        if let registered = custom.withLock({ $0[name] }) { return registered }
        switch name {
        case "raw": return RawCodec()
        case "json": return JSONCodec()
        case "plist": return PropertyListCodec()
        case "msgpack": return MessagePackCodec()
        default: return nil
        }
    }
}
