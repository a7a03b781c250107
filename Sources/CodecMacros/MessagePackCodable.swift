import GIPCCodecs

/// Gives a `Codable` struct a direct MessagePack encoding and decoding (a ``GIPCCodecs/MessagePackCodable``
/// conformance), which ``GIPCCodecs/MessagePackCodec`` then uses instead of `Codable`'s containers: the same bytes,
/// limits and errors, in a fraction of the instructions.
///
/// The struct's `Codable` conformance must be the synthesized one: the macro refuses a struct that declares
/// `CodingKeys`, `encode(to:)` or `init(from:)`, a `lazy` property, a property with an attribute (a property wrapper),
/// or a `let` with an initial value (which synthesized `Codable` writes but does not read). Stored properties are
/// written in declaration order under their names; optionals are left out when `nil`, as synthesized `Codable` does.
///
/// ```swift
/// @MessagePackCodable
/// struct Quote: Codable {
///     var symbol: String
///     var price: Double
/// }
/// ```
@attached(
    extension, conformances: MessagePackCodable, names: named(encodeMessagePack(to:)), named(init(messagePack:)))
public macro MessagePackCodable() = #externalMacro(module: "GIPCCodecMacrosPlugin", type: "MessagePackCodableMacro")
