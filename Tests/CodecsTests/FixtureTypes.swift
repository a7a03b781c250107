import Foundation
import GIPCCodecs

/// A struct with an optional field, as Python writes it: `email` left out when absent.
struct Person: Codable, Equatable, Sendable {
    var name: String
    var age: Int
    var email: String?
    var tags: [String]
}

/// One line of an order.
struct Item: Codable, Equatable, Sendable {
    var sku: String
    var qty: Int
    var price: Double
}

/// A struct with nested structs, an array of structs, an optional and a date.
struct Order: Codable, Equatable, Sendable {
    var id: UInt64
    var customer: Person
    var items: [Item]
    var note: String?
    var total: Double
    var created: Date
}

/// What a test does with one Swift type named in the manifest.
protocol TypedCheck {
    /// Decodes `bytes` as the type with `codec`, and returns it re-encoded with `probe` (for comparison).
    func roundTrip(_ codec: any MessageCodec, _ bytes: [UInt8], probe: any MessageCodec) throws -> [UInt8]
    /// Decodes `bytes` with `codec`, encodes the result with `codec`, decodes that again, and says whether the two
    /// decoded values are equal. Returns the re-encoded bytes too.
    func reencode(_ codec: any MessageCodec, _ bytes: [UInt8]) throws -> (equal: Bool, bytes: [UInt8])
    /// Decodes `bytes` with `codec` and discards the result (for hostile payloads).
    func decode(_ codec: any MessageCodec, _ bytes: [UInt8]) throws
}

struct Check<T: Codable & Equatable>: TypedCheck {
    func roundTrip(_ codec: any MessageCodec, _ bytes: [UInt8], probe: any MessageCodec) throws -> [UInt8] {
        try probe.encode(try codec.decode(T.self, from: bytes))
    }

    func reencode(_ codec: any MessageCodec, _ bytes: [UInt8]) throws -> (equal: Bool, bytes: [UInt8]) {
        let first = try codec.decode(T.self, from: bytes)
        let encoded = try codec.encode(first)
        return (try codec.decode(T.self, from: encoded) == first, encoded)
    }

    func decode(_ codec: any MessageCodec, _ bytes: [UInt8]) throws {
        _ = try codec.decode(T.self, from: bytes)
    }
}

/// The Swift types the manifest names.
func check(for name: String) -> any TypedCheck {
    switch name {
    case "Int": Check<Int>()
    case "Int8": Check<Int8>()
    case "Int16": Check<Int16>()
    case "Int32": Check<Int32>()
    case "Int64": Check<Int64>()
    case "UInt8": Check<UInt8>()
    case "UInt16": Check<UInt16>()
    case "UInt32": Check<UInt32>()
    case "UInt64": Check<UInt64>()
    case "Double": Check<Double>()
    case "Float": Check<Float>()
    case "Bool": Check<Bool>()
    case "String": Check<String>()
    case "Bytes": Check<[UInt8]>()
    case "Data": Check<Data>()
    case "Date": Check<Date>()
    case "[Int]": Check<[Int]>()
    case "[String:Int]": Check<[String: Int]>()
    case "[Int:String]": Check<[Int: String]>()
    case "Person": Check<Person>()
    case "Order": Check<Order>()
    case "Int?": Check<Int?>()
    case "Value": Check<Value>()
    default: fatalError("the manifest names an unknown Swift type \(name)")
    }
}
