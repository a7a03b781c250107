internal import Foundation

/// An object read by ``JSONTextDecoder``: the first of repeated keys wins, as in Foundation.
struct JSONTextKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: JSONTextDecoder
    let object: Int
    let pathCount: Int
    /// For objects of many entries: each key's value token, first occurrence.
    private let index: [String: Int]?

    /// Objects with more entries than this are indexed once rather than searched for each key.
    private static var indexThreshold: Int { 12 }

    init(decoder: JSONTextDecoder, object: Int, pathCount: Int) throws {
        self.decoder = decoder
        self.object = object
        self.pathCount = pathCount
        let tokens = decoder.tokens
        var token = object + 1
        let end = tokens[object].next
        // Keys Foundation would match as Unicode strings are left to it.
        while token < end {
            let key = tokens[token]
            guard key.kind == .string else { throw decoder.fallback() }
            for offset in key.start..<key.start + key.length where decoder.bytes[offset] >= 0x80 {
                throw decoder.fallback()
            }
            token = tokens[token + 1].next
        }
        if tokens[object].length > Self.indexThreshold {
            var index: [String: Int] = [:]
            token = object + 1
            while token < end {
                let key = tokens[token]
                let text = String(
                    decoding: UnsafeRawBufferPointer(rebasing: decoder.bytes[key.start..<key.start + key.length]),
                    as: UTF8.self)
                if index[text] == nil { index[text] = token + 1 }
                token = tokens[token + 1].next
            }
            self.index = index
        } else {
            index = nil
        }
    }

    var codingPath: [any CodingKey] { decoder.codingPath(count: pathCount) }

    var allKeys: [Key] {
        var seen = Set<String>()
        var keys: [Key] = []
        var token = object + 1
        let tokens = decoder.tokens
        while token < tokens[object].next {
            let key = tokens[token]
            let text = String(
                decoding: UnsafeRawBufferPointer(rebasing: decoder.bytes[key.start..<key.start + key.length]),
                as: UTF8.self)
            if seen.insert(text).inserted, let codingKey = Key(stringValue: text) { keys.append(codingKey) }
            token = tokens[token + 1].next
        }
        return keys
    }

    /// The value token of `key`'s first occurrence, or `nil`.
    private func find(_ key: Key) throws -> Int? {
        var text = key.stringValue
        return try text.withUTF8 { wanted -> Int? in
            for byte in wanted where byte >= 0x80 { throw decoder.fallback() }
            if let index { return index[String(decoding: wanted, as: UTF8.self)] }
            let tokens = decoder.tokens
            var token = object + 1
            let end = tokens[object].next
            while token < end {
                let found = tokens[token]
                if found.length == wanted.count
                    && (wanted.count == 0
                        || memcmp(decoder.bytes.baseAddress! + found.start, wanted.baseAddress!, wanted.count) == 0)
                {
                    return token + 1
                }
                token = tokens[token + 1].next
            }
            return nil
        }
    }

    private func value(_ key: Key) throws -> Int {
        guard let token = try find(key) else {
            throw DecodingError.keyNotFound(
                key,
                .init(
                    codingPath: codingPath,
                    debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return token
    }

    func contains(_ key: Key) -> Bool { ((try? find(key)) ?? nil) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { decoder.tokens[try value(key)].kind == .null }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        let token = try value(key)
        return try decoder.bool(at: token, .key(key))
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        let token = try value(key)
        return try decoder.string(at: token, .key(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try floatingPoint(key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try floatingPoint(key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key) }

    private func integer<T: FixedWidthInteger>(_ key: Key) throws -> T {
        let token = try value(key)
        return try decoder.integer(T.self, at: token, .key(key))
    }

    private func floatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(_ key: Key) throws -> T {
        let token = try value(key)
        return try decoder.floatingPoint(T.self, at: token, .key(key))
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let token = try value(key)
        return try decoder.unwrap(T.self, at: token, component: .key(key))
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let token = try value(key)
        decoder.path.append(.key(key))
        defer { decoder.path.removeLast() }
        let container: JSONTextKeyedDecodingContainer<NestedKey> = try decoder.keyedContainer(
            at: token, pathCount: decoder.path.count)
        return KeyedDecodingContainer(container)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let token = try value(key)
        decoder.path.append(.key(key))
        defer { decoder.path.removeLast() }
        return try decoder.unkeyedContainer(at: token, pathCount: decoder.path.count)
    }

    func superDecoder() throws -> any Decoder { throw decoder.fallback() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw decoder.fallback() }
}

/// An array read by ``JSONTextDecoder``.
struct JSONTextUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: JSONTextDecoder
    let array: Int
    let pathCount: Int
    let count: Int?
    private(set) var currentIndex = 0
    /// The token of the element at `currentIndex`.
    private var token: Int

    init(decoder: JSONTextDecoder, array: Int, pathCount: Int) {
        self.decoder = decoder
        self.array = array
        self.pathCount = pathCount
        count = decoder.tokens[array].length
        token = array + 1
    }

    var codingPath: [any CodingKey] { decoder.codingPath(count: pathCount) }
    var isAtEnd: Bool { currentIndex >= count! }

    private func element(_ type: Any.Type) throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                .init(
                    codingPath: decoder.codingPath(count: pathCount, appending: .index(currentIndex)),
                    debugDescription: "Unkeyed container is at end."))
        }
        return token
    }

    private mutating func advance() {
        token = decoder.tokens[token].next
        currentIndex += 1
    }

    mutating func decodeNil() throws -> Bool {
        guard decoder.tokens[try element(Never.self)].kind == .null else { return false }
        advance()
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let token = try element(type)
        let value = try decoder.bool(at: token, .index(currentIndex))
        advance()
        return value
    }
    mutating func decode(_ type: String.Type) throws -> String {
        let token = try element(type)
        let value = try decoder.string(at: token, .index(currentIndex))
        advance()
        return value
    }
    mutating func decode(_ type: Double.Type) throws -> Double { try floatingPoint() }
    mutating func decode(_ type: Float.Type) throws -> Float { try floatingPoint() }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    private mutating func integer<T: FixedWidthInteger>() throws -> T {
        let token = try element(T.self)
        let value = try decoder.integer(T.self, at: token, .index(currentIndex))
        advance()
        return value
    }

    private mutating func floatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>() throws -> T {
        let token = try element(T.self)
        let value = try decoder.floatingPoint(T.self, at: token, .index(currentIndex))
        advance()
        return value
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let token = try element(type)
        let index = currentIndex
        let value = try decoder.unwrap(T.self, at: token, component: .index(index))
        advance()
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let token = try element(KeyedDecodingContainer<NestedKey>.self)
        decoder.path.append(.index(currentIndex))
        defer { decoder.path.removeLast() }
        let container: JSONTextKeyedDecodingContainer<NestedKey> = try decoder.keyedContainer(
            at: token, pathCount: decoder.path.count)
        advance()
        return KeyedDecodingContainer(container)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let token = try element((any UnkeyedDecodingContainer).self)
        decoder.path.append(.index(currentIndex))
        defer { decoder.path.removeLast() }
        let container = try decoder.unkeyedContainer(at: token, pathCount: decoder.path.count)
        advance()
        return container
    }

    mutating func superDecoder() throws -> any Decoder { throw decoder.fallback() }
}

/// The one value of a decoder's current token.
struct JSONTextSingleValueDecodingContainer: SingleValueDecodingContainer {
    let decoder: JSONTextDecoder
    let token: Int
    let pathCount: Int

    var codingPath: [any CodingKey] { decoder.codingPath(count: pathCount) }

    func decodeNil() -> Bool { decoder.tokens[token].kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool(at: token, nil) }
    func decode(_ type: String.Type) throws -> String { try decoder.string(at: token, nil) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.floatingPoint(Double.self, at: token, nil) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.floatingPoint(Float.self, at: token, nil) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(Int.self, at: token, nil) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(Int8.self, at: token, nil) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(Int16.self, at: token, nil) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(Int32.self, at: token, nil) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(Int64.self, at: token, nil) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(UInt.self, at: token, nil) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(UInt8.self, at: token, nil) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(UInt16.self, at: token, nil) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(UInt32.self, at: token, nil) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(UInt64.self, at: token, nil) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.unwrap(T.self, at: token, component: nil) }
}
