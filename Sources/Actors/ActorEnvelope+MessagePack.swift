import GIPCKit

/// Envelopes coded directly by `MessagePackCodec` (no `Codable` keyed containers): the same bytes as
/// the synthesized `Codable` conformance, fields in declaration order, absent fields left out.
extension ActorEnvelope: MessagePackCodable {
    /// Writes the envelope's fields.
    /// - Parameter writer: the map the fields go to.
    /// - Throws: `CodecError` with `CodecError/Code/invalidValue`, as `Codable` would.
    public func encodeMessagePack(to writer: MessagePackMapWriter) throws {
        try writer.write(kind.rawValue, forKey: "kind")
        try writer.write(call, forKey: "call")
        try writer.writeIfPresent(actor, forKey: "actor")
        if let target { try writer.write(target, forKey: "target") }
        try writer.writeIfPresent(generics, forKey: "generics")
        try writer.writeIfPresent(arguments, forKey: "arguments")
        try writer.writeIfPresent(value, forKey: "value")
        if let errorType { try writer.write(errorType, forKey: "errorType") }
        if let typeName { try writer.write(typeName, forKey: "typeName") }
        if let code { try writer.write(code, forKey: "code") }
        if let message { try writer.write(message, forKey: "message") }
    }

    /// Reads the envelope's fields.
    /// - Parameter reader: the map the fields come from.
    /// - Throws: `CodecError`, as `Codable` would: `CodecError/Code/keyNotFound` without
    ///   `kind` or `call`, `CodecError/Code/typeMismatch` for a field of another type.
    public init(messagePack reader: MessagePackMapReader) throws {
        kind = Kind(rawValue: try reader.read(forKey: "kind") as String)
        call = try reader.read(forKey: "call")
        actor = try reader.readIfPresent(forKey: "actor")
        target = try reader.readIfPresent(forKey: "target")
        generics = try reader.readIfPresent(forKey: "generics")
        arguments = try reader.readIfPresent(forKey: "arguments")
        value = try reader.readIfPresent(forKey: "value")
        errorType = try reader.readIfPresent(forKey: "errorType")
        typeName = try reader.readIfPresent(forKey: "typeName")
        code = try reader.readIfPresent(forKey: "code")
        message = try reader.readIfPresent(forKey: "message")
    }
}

/// Identities coded directly by `MessagePackCodec`: the map `{"node": u64, "number": u64}`.
extension GIPCActorID: MessagePackCodable {
    /// Writes `node` and `number`.
    /// - Parameter writer: the map the fields go to.
    /// - Throws: `CodecError` with `CodecError/Code/invalidValue`, as `Codable` would.
    public func encodeMessagePack(to writer: MessagePackMapWriter) throws {
        try writer.write(node, forKey: "node")
        try writer.write(number, forKey: "number")
    }

    /// Reads `node` and `number`.
    /// - Parameter reader: the map the fields come from.
    /// - Throws: `CodecError` with `CodecError/Code/keyNotFound` or
    ///   `CodecError/Code/typeMismatch`.
    public init(messagePack reader: MessagePackMapReader) throws {
        self.init(node: try reader.read(forKey: "node"), number: try reader.read(forKey: "number"))
    }
}
