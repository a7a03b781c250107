public import Distributed
public import GIPCActors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every actor type the GIPCActors tests host, listed in gipc-test-host's bootstrap.
public enum TestActors {
    public static let all: [any HostableActor.Type] = [Calculator.self, Worker.self, Relay.self]
    /// The entries of the actor tests.
    public static let entries: [any ChildEntry.Type] = [HostilePeer.self, ActorServer.self]
}

/// A record with nested values, optionals and collections.
public struct Shipment: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var sku: String
        public var quantity: Int
        public init(sku: String, quantity: Int) {
            self.sku = sku
            self.quantity = quantity
        }
    }
    public var id: UInt64
    public var lines: [Line]
    public var notes: String?
    public var weights: [String: Double]
    public init(id: UInt64, lines: [Line], notes: String?, weights: [String: Double]) {
        self.id = id
        self.lines = lines
        self.notes = notes
        self.weights = weights
    }
}

/// A `Codable` error: it arrives at the caller as itself.
public struct CalculatorError: Error, Codable, Equatable {
    public var reason: String
    public var operand: Int
    public init(reason: String, operand: Int) {
        self.reason = reason
        self.operand = operand
    }
}

/// An error that is not `Codable`: it arrives as GIPCActorError.remoteError with its description.
public struct PlainError: Error, CustomStringConvertible {
    public var description: String { "plain failure" }
}

/// Round trips of every argument shape.
public distributed actor Calculator: HostableActor {
    public typealias ActorSystem = GIPCActorSystem
    private var total = 0

    public init(actorSystem: GIPCActorSystem) {
        self.actorSystem = actorSystem
    }

    public distributed func add(_ a: Int, _ b: Int) -> Int { a + b }
    public distributed func scale(_ value: Double, by factor: Float, negate: Bool) -> Double {
        negate ? -(value * Double(factor)) : value * Double(factor)
    }
    public distributed func greet(_ name: String, times: UInt8) -> String {
        Array(repeating: "hello \(name)", count: Int(times)).joined(separator: ", ")
    }
    public distributed func bytes(_ data: [UInt8]) -> [UInt8] { data.reversed() }
    public distributed func ship(_ shipment: Shipment) -> Shipment {
        var copy = shipment
        copy.lines.append(.init(sku: "extra", quantity: shipment.lines.count))
        return copy
    }
    public distributed func optional(_ value: Int?) -> String? { value.map { "got \($0)" } }
    public distributed func collections(_ map: [String: [Int]], _ set: Set<String>) -> [String: Int] {
        var result = map.mapValues { $0.reduce(0, +) }
        for key in set { result[key, default: 0] += 1 }
        return result
    }
    public distributed func identity<Value: Codable & Sendable>(_ value: Value) -> Value { value }
    public distributed func pair<A: Codable & Sendable, B: Codable & Sendable>(_ a: A, _ b: B) -> [String] {
        ["\(A.self)=\(a)", "\(B.self)=\(b)"]
    }
    public distributed func accumulate(_ value: Int) { total += value }
    public distributed func currentTotal() -> Int { total }
    public distributed func divide(_ a: Int, by b: Int) throws -> Int {
        guard b != 0 else { throw CalculatorError(reason: "division by zero", operand: a) }
        return a / b
    }
    public distributed func failPlainly() throws -> Int { throw PlainError() }
    public distributed func processID() -> Int32 { getpid() }
}

/// Slow, cancellable and crashing work.
public distributed actor Worker: HostableActor {
    public typealias ActorSystem = GIPCActorSystem
    private var cancelledCalls = 0
    private var finishedCalls = 0

    public init(actorSystem: GIPCActorSystem) {
        self.actorSystem = actorSystem
    }

    /// Sleeps; counts whether it was cancelled or finished.
    public distributed func sleep(milliseconds: Int) async throws -> Int {
        do {
            try await Task.sleep(for: .milliseconds(milliseconds))
        } catch {
            cancelledCalls += 1
            throw error
        }
        finishedCalls += 1
        return milliseconds
    }
    public distributed func counts() -> [Int] { [cancelledCalls, finishedCalls] }
    public distributed func echo(_ value: Int) -> Int { value }
    /// Writes a line to standard error, then ends the process after `milliseconds`: by `signal` when it is
    /// positive, else with `exit(code)`.
    public distributed func crash(afterMilliseconds milliseconds: Int, signal: Int32, code: Int32) async -> Int {
        let line = Array("worker: about to crash\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        try? await Task.sleep(for: .milliseconds(milliseconds))
        if signal == SIGABRT { abort() }
        if signal > 0 {
            // To the process: the calling thread of the cooperative pool may block the signal.
            kill(getpid(), signal)
            while true { pause() }
        }
        exit(code)
    }
    public distributed func processID() -> Int32 { getpid() }
}

/// Calls back into an actor of the parent.
public distributed actor Relay: HostableActor {
    public typealias ActorSystem = GIPCActorSystem

    public init(actorSystem: GIPCActorSystem) {
        self.actorSystem = actorSystem
    }

    /// Asks `listener` (in the parent) to record each value, returns the sum of its answers.
    public distributed func forward(_ values: [Int], to listener: Listener) async throws -> Int {
        var sum = 0
        for value in values { sum += try await listener.record(value) }
        return sum
    }

    /// Returns the listener it was given: an actor reference as a result.
    public distributed func bounce(_ listener: Listener) -> Listener { listener }

    /// Passes actor references nested inside a collection.
    public distributed func countAll(_ listeners: [Listener]) async throws -> Int {
        var total = 0
        for listener in listeners { total += try await listener.recorded().count }
        return total
    }
    public distributed func processID() -> Int32 { getpid() }
}

/// An actor of the parent that children call back. Hostable, but not listed in ``TestActors/all``: the child
/// refuses to host it.
public distributed actor Listener: HostableActor {
    public typealias ActorSystem = GIPCActorSystem
    private var values: [Int] = []

    public init(actorSystem: GIPCActorSystem) {
        self.actorSystem = actorSystem
    }

    public distributed func record(_ value: Int) -> Int {
        values.append(value)
        return value * 10
    }
    public distributed func recorded() -> [Int] { values }
    public distributed func processID() -> Int32 { getpid() }
}
