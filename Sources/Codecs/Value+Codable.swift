internal import Foundation

/// A coding key made from any string or integer.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Value: Codable {
    /// Encodes the value through any encoder.
    ///
    /// MessagePack writes every case natively. Through other encoders (JSON, property lists): ``bytes(_:)`` is
    /// encoded as `Data`, ``date(_:)`` as `Date`, and map keys must be strings or integers (integers are written
    /// in decimal, as Python's `json` writes them).
    ///
    /// - Parameter encoder: The encoder.
    /// - Throws: `EncodingError.invalidValue` (``CodecError/Code/invalidValue`` from a codec) for an
    ///   ``extension(type:data:)`` or a map key of another kind outside MessagePack.
    public func encode(to encoder: any Encoder) throws {
        if let messagePack = encoder as? MessagePackEncoder {
            // Reached through a type's own encode(to:) forwarding to it: the encoder has counted that type as the
            // container this value now writes, so the value sits one level above the encoder's depth.
            try messagePack.write(self, depth: max(0, messagePack.depth - 1))
            return
        }
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag): try single(encoder, flag)
        case .int(let number): try single(encoder, number)
        case .uint(let number): try single(encoder, number)
        case .double(let number): try single(encoder, number)
        case .string(let text): try single(encoder, text)
        case .bytes(let bytes): try single(encoder, Data(bytes))
        case .date(let date): try single(encoder, date)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .map(let pairs):
            var container = encoder.container(keyedBy: AnyCodingKey.self)
            for pair in pairs {
                let key: AnyCodingKey
                switch pair.key {
                case .string(let text): key = AnyCodingKey(stringValue: text)
                case .int(let number): key = AnyCodingKey(stringValue: String(number))
                case .uint(let number): key = AnyCodingKey(stringValue: String(number))
                default:
                    throw EncodingError.invalidValue(
                        pair.key,
                        EncodingError.Context(
                            codingPath: encoder.codingPath,
                            debugDescription: "a \(pair.key.kind) map key can only be encoded as MessagePack"))
                }
                try container.encode(pair.value, forKey: key)
            }
        case .extension(let type, _):
            throw EncodingError.invalidValue(
                self,
                EncodingError.Context(
                    codingPath: encoder.codingPath,
                    debugDescription: "extension type \(type) can only be encoded as MessagePack"))
        }
    }

    private func single<T: Encodable>(_ encoder: any Encoder, _ value: T) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// Decodes whatever the decoder holds.
    ///
    /// MessagePack decodes natively (see ``Value``). Through other decoders the first kind that fits wins, in
    /// this order: array, map (keys sorted, as Foundation does not keep their order), null, bool, `Int64`, `UInt64`,
    /// `Double`, string, `Data` (as ``bytes(_:)``), `Date`.
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError.dataCorrupted` when nothing fits.
    public init(from decoder: any Decoder) throws {
        if let messagePack = decoder as? MessagePackDecoder {
            self = try messagePack.decodeValue(at: messagePack.offset)
            return
        }
        // Containers first: a failed decode attempt costs time in proportion to the nesting depth (Foundation
        // builds its coding path and error), so trying scalars before containers at every level made deeply
        // nested input cost the cube of its depth. Arrays now cost no failed attempt and maps one.
        if var container = try? decoder.unkeyedContainer() {
            var elements: [Value] = []
            while !container.isAtEnd {
                elements.append(try container.decode(Value.self))
            }
            self = .array(elements)
            return
        }
        if let container = try? decoder.container(keyedBy: AnyCodingKey.self) {
            let keys = container.allKeys.sorted { $0.stringValue < $1.stringValue }
            var pairs: [(key: Value, value: Value)] = []
            pairs.reserveCapacity(keys.count)
            for key in keys {
                pairs.append((key: .string(key.stringValue), value: try container.decode(Value.self, forKey: key)))
            }
            self = .map(pairs)
            return
        }
        let container = try decoder.singleValueContainer()
        /// The container's value as a `T`, made a `Value` by `make`; `nil` when it is not a `T`.
        func attempt<T: Decodable>(_ make: (T) -> Value) -> Value? { (try? container.decode(T.self)).map(make) }
        if container.decodeNil() {
            self = .null
        } else if let value = attempt(Value.bool) ?? attempt(Value.int) ?? attempt(Value.uint) ?? attempt(Value.double)
            ?? attempt(Value.string) ?? attempt({ (data: Data) in .bytes([UInt8](data)) }) ?? attempt(Value.date)
        {
            self = value
        } else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a value of any kind GIPCKit knows"))
        }
    }
}
