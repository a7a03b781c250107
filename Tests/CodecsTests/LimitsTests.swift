import Foundation
import GIPCCodecs
import GIPCTestSupport
import Testing

/// A recursive type, to decode deep nesting through Codable rather than through ``Value``.
final class Node: Codable, Sendable {
    let child: Node?
    init(child: Node?) { self.child = child }
}

@Suite("Decode limits")
struct LimitsTests {
    static let codecs: [any MessageCodec] = [MessagePackCodec(), JSONCodec(), PropertyListCodec()]

    /// `Value.nestedArrays(depth)` as a payload of the codec named `name`, written without the codec's own limits.
    static func payload(_ name: String, depth: Int) throws -> [UInt8] {
        switch name {
        case "msgpack": try MessagePackCodec(limits: DecodeLimits(maxDepth: depth)).encode(Value.nestedArrays(depth))
        case "json": Array((String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)).utf8)
        default: try PropertyListCodec().encode(Value.nestedArrays(depth))
        }
    }

    @Test(
        "nesting at the limit decodes and one deeper fails, inside a task", .timeLimit(.minutes(1)),
        arguments: codecs.map(\.name))
    func depthAtLimit(_ name: String) async throws {
        let codec = builtinCodec(named: name)
        let atLimit = try Self.payload(name, depth: 512)
        let beyond = try Self.payload(name, depth: 513)
        let (decoded, failure) = await Task.detached { () -> (Value?, CodecError?) in
            let decoded = try? codec.decode(Value.self, from: atLimit)
            do {
                _ = try codec.decode(Value.self, from: beyond)
                return (decoded, nil)
            } catch {
                return (decoded, error as? CodecError)
            }
        }.value
        #expect(decoded == Value.nestedArrays(512))
        #expect(failure?.code == .depthLimitExceeded)
    }

    @Test("a configured depth limit applies in every codec", arguments: codecs.map(\.name))
    func configuredDepth(_ name: String) throws {
        let payload = try builtinCodec(named: name).encode(Value.nestedArrays(9))
        let strict: any MessageCodec =
            switch name {
            case "msgpack": MessagePackCodec(limits: DecodeLimits(maxDepth: 8))
            case "json": JSONCodec(limits: DecodeLimits(maxDepth: 8))
            default: PropertyListCodec(limits: DecodeLimits(maxDepth: 8))
            }
        let error = #expect(throws: CodecError.self) { try strict.decode(Value.self, from: payload) }
        #expect(error?.code == .depthLimitExceeded)
        #expect(error?.codec == name)
        let loose: any MessageCodec =
            switch name {
            case "msgpack": MessagePackCodec(limits: DecodeLimits(maxDepth: 9))
            case "json": JSONCodec(limits: DecodeLimits(maxDepth: 9))
            default: PropertyListCodec(limits: DecodeLimits(maxDepth: 9))
            }
        #expect(try loose.decode(Value.self, from: payload) == Value.nestedArrays(9))
    }

    @Test(
        "Codable types nested to the limit decode inside a task", .timeLimit(.minutes(1)), arguments: codecs.map(\.name)
    )
    func typedDepth(_ name: String) async throws {
        let codec = builtinCodec(named: name)
        var node = Node(child: nil)
        for _ in 1..<256 { node = Node(child: node) }  // 256 objects: depth 256 (JSON, plist) and 256 maps (msgpack)
        let payload = try codec.encode(node)
        let depth = await Task.detached { () -> Int in
            guard var current = try? codec.decode(Node.self, from: payload) else { return -1 }
            var count = 1
            while let child = current.child {
                current = child
                count += 1
            }
            return count
        }.value
        #expect(depth == 256)
    }

    @Test("shared references within the expansion limits decode; beyond both the ratio and the budget they fail")
    func expansion() throws {
        // 20 references to one 100-byte string: 16 + 20 * 116 = 2,336 estimated bytes from about 170 bytes of input.
        let shared = Value.array(Array(repeating: .string(String(repeating: "s", count: 100)), count: 20))
        let payload = try PropertyListCodec().encode(shared)
        #expect(try PropertyListCodec().decode(Value.self, from: payload) == shared)
        // Beyond a ratio of 1, but within the default budget (maxExpandedBytes) that any payload may expand to.
        let ratioOfOne = PropertyListCodec(limits: DecodeLimits(maxExpansionRatio: 1))
        #expect(try ratioOfOne.decode(Value.self, from: payload) == shared)
        let strict = PropertyListCodec(limits: DecodeLimits(maxExpansionRatio: 1, maxExpandedBytes: 2_000))
        let error = #expect(throws: CodecError.self) { try strict.decode(Value.self, from: payload) }
        #expect(error?.code == .expansionLimitExceeded)
        let budget = PropertyListCodec(limits: DecodeLimits(maxExpansionRatio: 1, maxExpandedBytes: 2_336))
        #expect(try budget.decode(Value.self, from: payload) == shared)
    }
}
