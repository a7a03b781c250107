import Foundation
import GIPCCodecMacros
import GIPCCodecs

// The fixture types with generated MessagePack coders: the same fields in the same order as Person, Item and Order
// (FixtureTypes.swift), so that both must give the same bytes and the same errors.

@MessagePackCodable
struct GeneratedPerson: Codable, Equatable, Sendable {
    var name: String
    var age: Int
    var email: String?
    var tags: [String]
}

@MessagePackCodable
struct GeneratedItem: Codable, Equatable, Sendable {
    var sku: String
    var qty: Int
    var price: Double
}

/// A generated type holding a generated type (`customer`, `items`) and everything else through Codable.
@MessagePackCodable
struct GeneratedOrder: Codable, Equatable, Sendable {
    var id: UInt64
    var customer: GeneratedPerson
    var items: [GeneratedItem]
    var note: String?
    var total: Double
    var created: Date
}

/// An optional the macro cannot see as one: found at run time.
typealias MaybeText = String?

/// Every kind of field the macro's reader and writer have a path for, and a few they reach through Codable.
@MessagePackCodable
struct GeneratedKinds: Codable, Equatable, Sendable {
    var flag: Bool
    var small: Int8
    var count: Int
    var wide: Int64
    var unsigned: UInt64
    var half: UInt16
    var ratio: Float
    var amount: Double
    var text: String
    var `default`: String
    var maybe: Int?
    var maybeMaybe: Int??
    var aliased: MaybeText
    var bytes: [UInt8]
    var data: Data
    var map: [String: Int]
    var numbered: [Int: String]
    var nested: [[Double]]
    var plain: Item
    var value: Value
    let fixed: Int
}

/// GeneratedKinds through Codable only.
struct CodableKinds: Codable, Equatable, Sendable {
    var flag: Bool
    var small: Int8
    var count: Int
    var wide: Int64
    var unsigned: UInt64
    var half: UInt16
    var ratio: Float
    var amount: Double
    var text: String
    var `default`: String
    var maybe: Int?
    var maybeMaybe: Int??
    var aliased: MaybeText
    var bytes: [UInt8]
    var data: Data
    var map: [String: Int]
    var numbered: [Int: String]
    var nested: [[Double]]
    var plain: Item
    var value: Value
    let fixed: Int
}

/// A recursive generated type, for the depth limit.
@MessagePackCodable
struct GeneratedNode: Codable, Equatable, Sendable {
    var label: String
    var children: [GeneratedNode]
}

/// GeneratedNode through Codable only.
struct CodableNode: Codable, Equatable, Sendable {
    var label: String
    var children: [CodableNode]
}

extension GeneratedPerson {
    init(_ person: Person) {
        self.init(name: person.name, age: person.age, email: person.email, tags: person.tags)
    }
}

extension GeneratedItem {
    init(_ item: Item) { self.init(sku: item.sku, qty: item.qty, price: item.price) }
}

extension GeneratedOrder {
    init(_ order: Order) {
        self.init(
            id: order.id, customer: GeneratedPerson(order.customer), items: order.items.map(GeneratedItem.init),
            note: order.note, total: order.total, created: order.created)
    }
}

extension GeneratedKinds {
    init(_ kinds: CodableKinds) {
        self.init(
            flag: kinds.flag, small: kinds.small, count: kinds.count, wide: kinds.wide, unsigned: kinds.unsigned,
            half: kinds.half, ratio: kinds.ratio, amount: kinds.amount, text: kinds.text, default: kinds.default,
            maybe: kinds.maybe, maybeMaybe: kinds.maybeMaybe, aliased: kinds.aliased, bytes: kinds.bytes,
            data: kinds.data, map: kinds.map,
            numbered: kinds.numbered, nested: kinds.nested, plain: kinds.plain, value: kinds.value,
            fixed: kinds.fixed)
    }
}

extension GeneratedNode {
    init(_ node: CodableNode) { self.init(label: node.label, children: node.children.map(GeneratedNode.init)) }
}
