import Synchronization

/// The codecs a process can name: the four built-in ones and any registered with ``register(_:)`` or
/// ``register(named:_:)``.
///
/// A handle carries its codec's ``/GIPCCodecs/MessageCodec/name`` and ``/GIPCCodecs/MessageCodec/settings`` when it is transferred; the
/// child looks the name up here and rebuilds the codec with those settings, so a reader with tightened
/// ``/GIPCCodecs/DecodeLimits`` keeps them in the child. A program that uses its own codec registers it before
/// ``GIPC/bootstrap(_:)`` runs, in parent and child alike (both run the same `main`).
public enum CodecRegistry {
    /// Builds a codec from its settings (empty: the codec as its name alone makes it).
    public typealias Factory = @Sendable (_ settings: [String: String]) throws -> any MessageCodec

    private static let custom = Mutex<[String: Factory]>([:])

    /// Makes `codec` available by its name (replacing an earlier registration of that name). The child gets this
    /// very instance; a transferred handle whose codec reports settings needs ``register(named:_:)`` instead.
    /// - Parameter codec: the codec.
    public static func register(_ codec: any MessageCodec) {
        let name = codec.name
        register(named: name) { settings in
            guard settings.isEmpty else {
                throw GIPCError(
                    .invalidArgument,
                    "codec '\(name)' was registered as an instance, which cannot take settings "
                        + "\(settings.sorted { $0.key < $1.key }); register it with CodecRegistry.register(named:_:)")
            }
            return codec
        }
    }

    /// Makes a codec available by name through a factory that applies the settings a handle carried.
    /// - Parameters:
    ///   - name: the codec's ``/GIPCCodecs/MessageCodec/name``.
    ///   - factory: builds the codec from its ``/GIPCCodecs/MessageCodec/settings``; throws for settings it does not know.
    public static func register(named name: String, _ factory: @escaping Factory) {
        custom.withLock { $0[name] = factory }
    }

    /// The codec called `name`, as its name alone makes it.
    /// - Parameter name: `raw`, `json`, `plist`, `msgpack` or a registered codec's name.
    /// - Returns: the codec, or `nil` if no codec has that name (or its factory refuses to build it without settings).
    public static func codec(named name: String) -> (any MessageCodec)? {
        try? codec(named: name, settings: [:])
    }

    /// The codec called `name`, configured by `settings`.
    /// - Parameters:
    ///   - name: `raw`, `json`, `plist`, `msgpack` or a registered codec's name.
    ///   - settings: the ``/GIPCCodecs/MessageCodec/settings`` the codec reported where the handle was made.
    /// - Returns: the codec.
    /// - Throws: ``GIPCError/Code/invalidArgument`` for an unknown name or settings the codec does not accept
    ///   (``GIPCError/codecError`` says which, for the built-in codecs).
    public static func codec(named name: String, settings: [String: String]) throws(GIPCError) -> any MessageCodec {
        if let factory = custom.withLock({ $0[name] }) {
            do {
                return try factory(settings)
            } catch let error as GIPCError {
                throw error
            } catch {
                throw GIPCError(.invalidArgument, "codec '\(name)' refused its settings: \(error)", underlying: error)
            }
        }
        switch name {
        case "raw":
            guard settings.isEmpty else {
                throw GIPCError(
                    .invalidArgument, "codec 'raw' takes no settings; got \(settings.sorted { $0.key < $1.key })")
            }
            return RawCodec()
        case "json", "plist", "msgpack":
            let limits: DecodeLimits
            do {
                limits = try DecodeLimits(settings: settings, codec: name)
            } catch {
                throw GIPCError(.invalidArgument, "codec '\(name)': \(error.message)", codecError: error)
            }
            switch name {
            case "json": return JSONCodec(limits: limits)
            case "plist": return PropertyListCodec(limits: limits)
            default: return MessagePackCodec(limits: limits)
            }
        default:
            throw GIPCError(.invalidArgument, "codec '\(name)' is not registered in this program")
        }
    }
}
