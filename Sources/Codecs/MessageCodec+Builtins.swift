extension MessageCodec where Self == RawCodec {
    /// Raw bytes, as they are (`raw`).
    public static var raw: RawCodec { RawCodec() }
}

extension MessageCodec where Self == JSONCodec {
    /// JSON through Foundation (`json`).
    public static var json: JSONCodec { JSONCodec() }
}

extension MessageCodec where Self == PropertyListCodec {
    /// Binary property lists with hardened decoding (`plist`).
    public static var plist: PropertyListCodec { PropertyListCodec() }
}

extension MessageCodec where Self == MessagePackCodec {
    /// MessagePack over msgpack-c (`msgpack`).
    public static var msgpack: MessagePackCodec { MessagePackCodec() }
}
