import GIPCActors
import GIPCActorsTestEntries
import GIPCKit
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ActorTests {
    @Suite("round trips of every argument shape")
    struct RoundTripTests {
        static let codecs: [any MessageCodec] = [MessagePackCodec(), JSONCodec()]

        @Test("scalars, strings, bytes, structs, optionals, collections, generics, void", arguments: [0, 1])
        func shapes(codecIndex: Int) async throws {
            try await withSystem(codec: Self.codecs[codecIndex]) { system in
                let calculator = try await system.host(Calculator.self, host: TestHost.path)
                let pid = try await calculator.processID()
                #expect(pid != getpid())
                #expect(try await calculator.add(40, 2) == 42)
                #expect(try await calculator.add(Int.min + 1, -1) == Int.min)
                #expect(try await calculator.scale(1.5, by: 2, negate: true) == -3)
                #expect(try await calculator.greet("ada", times: 2) == "hello ada, hello ada")
                #expect(try await calculator.greet("", times: 0) == "")
                #expect(try await calculator.bytes([1, 2, 3, 255]) == [255, 3, 2, 1])
                #expect(try await calculator.bytes([]) == [])
                let shipment = Shipment(
                    id: .max, lines: [.init(sku: "a", quantity: 2)], notes: nil, weights: ["a": 0.5, "b": -1])
                var expected = shipment
                expected.lines.append(.init(sku: "extra", quantity: 1))
                #expect(try await calculator.ship(shipment) == expected)
                #expect(try await calculator.optional(7) == "got 7")
                #expect(try await calculator.optional(nil) == nil)
                let sums = try await calculator.collections(["x": [1, 2, 3], "y": []], ["y", "z"])
                #expect(sums == ["x": 6, "y": 1, "z": 1])
                #expect(try await calculator.identity("text") == "text")
                #expect(try await calculator.identity([1.5, 2.5]) == [1.5, 2.5])
                #expect(try await calculator.identity(shipment) == shipment)
                #expect(try await calculator.identity(Optional<Int>.none) == nil)
                #expect(try await calculator.pair(3, "b") == ["Int=3", "String=b"])
                try await calculator.accumulate(5)
                try await calculator.accumulate(-2)
                #expect(try await calculator.currentTotal() == 3)
            }
        }

        @Test("a Codable error arrives as itself; any other as remoteError with its description")
        func errors() async throws {
            try await withSystem { system in
                let calculator = try await system.host(Calculator.self, host: TestHost.path)
                #expect(try await calculator.divide(9, by: 3) == 3)
                await #expect(throws: CalculatorError(reason: "division by zero", operand: 9)) {
                    _ = try await calculator.divide(9, by: 0)
                }
                let error = await actorError { _ = try await calculator.failPlainly() }
                #expect(error?.code == .remoteError)
                #expect(error?.message == "plain failure")
                #expect(error?.remoteType?.hasSuffix("PlainError") == true)
                #expect(error?.actor == calculator.id)
                // The actor keeps serving after its methods threw.
                #expect(try await calculator.add(1, 1) == 2)
            }
        }

        @Test("a type the child's bootstrap does not list is notRegistered, and the child keeps serving")
        func notRegistered() async throws {
            try await withSystem { system in
                let child = try await system.spawnHost(host: TestHost.path)
                let error = await actorError { _ = try await system.host(Listener.self, in: child) }
                #expect(error?.code == .notRegistered)
                let calculator = try await system.host(Calculator.self, in: child)
                #expect(try await calculator.add(2, 2) == 4)
            }
        }
    }
}
