import Foundation
import GIPCCodecs
import GIPCTestSupport
import Testing

/// `@MessagePackCodable` against the Codable route: the same bytes for the same values, the same values from the same
/// bytes, and the same errors (code, coding path, byte offset) from the same broken bytes.
@Suite("Generated MessagePack coders")
struct GeneratedCoderTests {
    private let codec = MessagePackCodec()

    @Test("golden Person and Order payloads decode to the same values and re-encode to the same bytes")
    func goldenFixtures() throws {
        let cases = GoldenCase.all.filter { $0.swift == "Person" || $0.swift == "Order" }
        #expect(cases.count >= 2)
        for golden in cases {
            let bytes = try #require(try golden.bytes("msgpack"))
            if golden.swift == "Person" {
                let person = try codec.decode(Person.self, from: bytes)
                #expect(try codec.decode(GeneratedPerson.self, from: bytes) == GeneratedPerson(person))
                #expect(try codec.encode(GeneratedPerson(person)) == bytes, "\(golden.name)")
            } else {
                let order = try codec.decode(Order.self, from: bytes)
                #expect(try codec.decode(GeneratedOrder.self, from: bytes) == GeneratedOrder(order))
                #expect(try codec.encode(GeneratedOrder(order)) == bytes, "\(golden.name)")
            }
        }
    }

    @Test("random values: the same bytes both ways, and each decodes the other's bytes", arguments: [1, 2, 3, 4])
    func randomValues(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<250 {
            let kinds = Self.randomKinds(&random)
            let generated = GeneratedKinds(kinds)
            let bytes = try codec.encode(kinds)
            #expect(try codec.encode(generated) == bytes)
            // Both routes read `.some(nil)` of an `Int??` back as `nil` (decodeIfPresent), so compare with Codable's.
            let decoded = try codec.decode(CodableKinds.self, from: bytes)
            #expect(try codec.decode(GeneratedKinds.self, from: bytes) == GeneratedKinds(decoded))
            #expect(decoded.maybeMaybe == (kinds.maybeMaybe == .some(nil) ? nil : kinds.maybeMaybe))
            let order = Self.randomOrder(&random)
            let orderBytes = try codec.encode(order)
            #expect(try codec.encode(GeneratedOrder(order)) == orderBytes)
            #expect(try codec.decode(GeneratedOrder.self, from: orderBytes) == GeneratedOrder(order))
        }
    }

    @Test("broken payloads give the same value or the same error both ways", arguments: [11, 12, 13])
    func brokenPayloads(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var errors = 0
        for _ in 0..<200 {
            let bytes = try codec.encode(Self.randomKinds(&random))
            for _ in 0..<10 {
                var broken = bytes
                switch random.next() % 3 {
                case 0: broken.removeLast(Int(random.next() % UInt64(broken.count)))
                case 1: broken[Int(random.next() % UInt64(broken.count))] = UInt8(truncatingIfNeeded: random.next())
                default: broken[Int(random.next() % UInt64(broken.count))] ^= 1 << (random.next() % 8)
                }
                let codable = Result { try codec.decode(CodableKinds.self, from: broken) }
                let generated = Result { try codec.decode(GeneratedKinds.self, from: broken) }
                switch (codable, generated) {
                case (.success(let left), .success(let right)):
                    #expect(GeneratedKinds(left) == right)
                case (.failure(let left as CodecError), .failure(let right as CodecError)):
                    errors += 1
                    #expect(left.code == right.code, "\(left) vs \(right)")
                    #expect(left.codingPath == right.codingPath, "\(left) vs \(right)")
                    #expect(left.byteOffset == right.byteOffset, "\(left) vs \(right)")
                    #expect(left.message == right.message, "\(left) vs \(right)")
                default:
                    Issue.record("Codable gave \(codable), generated \(generated)")
                }
            }
        }
        #expect(errors > 100)
    }

    @Test("missing, nil and mistyped fields give the Codable errors")
    func fieldErrors() throws {
        let payloads: [Value] = [
            .map([(.string("name"), .string("a")), (.string("tags"), .array([]))]),
            .map([(.string("name"), .string("a")), (.string("age"), .null), (.string("tags"), .array([]))]),
            .map([(.string("name"), .int(1)), (.string("age"), .int(2)), (.string("tags"), .array([]))]),
            .map([(.string("name"), .string("a")), (.string("age"), .uint(UInt64.max)), (.string("tags"), .array([]))]),
            .map([
                (.string("name"), .string("a")), (.string("age"), .int(1)), (.string("email"), .int(3)),
                (.string("tags"), .array([])),
            ]),
            .map([
                (.string("name"), .string("a")), (.string("age"), .int(1)), (.string("tags"), .array([.int(1)])),
            ]),
            .array([.string("a")]),
        ]
        for payload in payloads {
            let bytes = try codec.encode(payload)
            let codable = #expect(throws: CodecError.self) { try codec.decode(Person.self, from: bytes) }
            let generated = #expect(throws: CodecError.self) { try codec.decode(GeneratedPerson.self, from: bytes) }
            #expect(codable?.description == generated?.description)
        }
        // A repeated key: the first occurrence wins both ways; an absent optional and a nil one are both nil.
        let repeated = try codec.encode(
            Value.map([
                (.string("name"), .string("first")), (.string("age"), .int(1)), (.string("name"), .string("second")),
                (.string("email"), .null), (.string("tags"), .array([])),
            ]))
        let person = try codec.decode(Person.self, from: repeated)
        #expect(person.name == "first" && person.email == nil)
        #expect(try codec.decode(GeneratedPerson.self, from: repeated) == GeneratedPerson(person))
    }

    @Test("the depth limit counts generated types as Codable counts them")
    func depthLimit() throws {
        var codable = CodableNode(label: "leaf", children: [])
        for level in 0..<10 { codable = CodableNode(label: "\(level)", children: [codable]) }
        let generated = GeneratedNode(codable)
        for depth in [8, 20, 21, 22, 40] {
            let limited = MessagePackCodec(limits: DecodeLimits(maxDepth: depth))
            let left = Result { try limited.encode(codable) }
            let right = Result { try limited.encode(generated) }
            switch (left, right) {
            case (.success(let leftBytes), .success(let rightBytes)):
                #expect(leftBytes == rightBytes)
                #expect(try limited.decode(GeneratedNode.self, from: leftBytes) == generated)
            case (.failure(let leftError as CodecError), .failure(let rightError as CodecError)):
                #expect(leftError.description == rightError.description)
            default:
                Issue.record("depth \(depth): Codable gave \(left), generated \(right)")
            }
        }
        let bytes = try codec.encode(codable)
        let tight = MessagePackCodec(limits: DecodeLimits(maxDepth: 12))
        let codableError = #expect(throws: CodecError.self) { try tight.decode(CodableNode.self, from: bytes) }
        let generatedError = #expect(throws: CodecError.self) { try tight.decode(GeneratedNode.self, from: bytes) }
        #expect(codableError?.code == .depthLimitExceeded)
        #expect(codableError?.description == generatedError?.description)
    }

    @Test("a generated type inside a Codable value and a Codable one inside a generated value")
    func mixed() throws {
        let people = [GeneratedPerson(name: "a", age: 1, email: nil, tags: ["x"])]
        let codablePeople = [Person(name: "a", age: 1, email: nil, tags: ["x"])]
        #expect(try codec.encode(["people": people]) == codec.encode(["people": codablePeople]))
        let decoded = try codec.decode([String: [GeneratedPerson]].self, from: codec.encode(["people": codablePeople]))
        #expect(decoded == ["people": people])
    }

    // MARK: - Random values

    static func randomString(_ random: inout SplitMix64) -> String {
        let alphabet: [Character] = ["a", "b", "Z", "0", " ", "é", "→", "😀", "\"", "\\", "\u{0}"]
        let length = Int(random.next() % 40)
        return String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
    }

    static func randomInt(_ random: inout SplitMix64) -> Int {
        let bits = random.next() % 63
        let magnitude = Int(random.next() >> (63 - bits))
        return random.next() % 2 == 0 ? magnitude : -magnitude
    }

    static func randomValue(_ random: inout SplitMix64, depth: Int = 0) -> Value {
        switch random.next() % (depth > 2 ? 4 : 6) {
        case 0: return .null
        case 1: return .int(Int64(randomInt(&random)))
        case 2: return .string(randomString(&random))
        case 3: return .double(Double(randomInt(&random)) / 16)
        case 4: return .array((0..<Int(random.next() % 4)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            return .map(
                (0..<Int(random.next() % 4)).map { _ in
                    (.string(randomString(&random)), randomValue(&random, depth: depth + 1))
                })
        }
    }

    static func randomKinds(_ random: inout SplitMix64) -> CodableKinds {
        let maybe: Int? = random.next() % 3 == 0 ? nil : randomInt(&random)
        let maybeMaybe: Int?? =
            switch random.next() % 3 {
            case 0: nil
            case 1: .some(nil)
            default: .some(randomInt(&random))
            }
        return CodableKinds(
            flag: random.next() % 2 == 0, small: Int8(truncatingIfNeeded: random.next()), count: randomInt(&random),
            wide: Int64(randomInt(&random)), unsigned: random.next() >> (random.next() % 64),
            half: UInt16(truncatingIfNeeded: random.next()), ratio: Float(Int16(truncatingIfNeeded: random.next())) / 8,
            amount: Double(randomInt(&random)) / 1024, text: randomString(&random), default: randomString(&random),
            maybe: maybe, maybeMaybe: maybeMaybe, aliased: random.next() % 2 == 0 ? nil : randomString(&random),
            bytes: (0..<Int(random.next() % 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) },
            data: Data((0..<Int(random.next() % 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }),
            map: Dictionary(
                (0..<Int(random.next() % 5)).map { _ in (randomString(&random), randomInt(&random)) },
                uniquingKeysWith: { first, _ in first }),
            numbered: Dictionary(
                (0..<Int(random.next() % 5)).map { _ in (randomInt(&random), randomString(&random)) },
                uniquingKeysWith: { first, _ in first }),
            nested: (0..<Int(random.next() % 4)).map { _ in
                (0..<Int(random.next() % 4)).map { _ in Double(randomInt(&random)) / 3 }
            },
            plain: Item(sku: randomString(&random), qty: randomInt(&random), price: Double(randomInt(&random)) / 7),
            value: randomValue(&random), fixed: randomInt(&random))
    }

    static func randomOrder(_ random: inout SplitMix64) -> Order {
        Order(
            id: random.next(),
            customer: Person(
                name: randomString(&random), age: randomInt(&random),
                email: random.next() % 2 == 0 ? nil : randomString(&random),
                tags: (0..<Int(random.next() % 20)).map { _ in randomString(&random) }),
            items: (0..<Int(random.next() % 20)).map { _ in
                Item(sku: randomString(&random), qty: randomInt(&random), price: Double(randomInt(&random)) / 5)
            },
            note: random.next() % 2 == 0 ? nil : randomString(&random), total: Double(randomInt(&random)) / 9,
            created: Date(timeIntervalSince1970: Double(Int32(truncatingIfNeeded: random.next()))))
    }
}
