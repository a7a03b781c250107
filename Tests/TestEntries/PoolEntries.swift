public import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Squares integers.
public struct SquareWorker: PoolWorker {
    public init() {}
    public func handle(_ job: Int) async throws -> Int { job &* job }
}

/// A small record, the benchmark's kind of job.
public struct PoolRecord: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public var score: Double
    public var tags: [String]

    public init(id: Int) {
        self.id = id
        self.name = "job-\(id)"
        self.score = Double(id) * 0.5
        self.tags = ["a", "b"]
    }
}

/// Sends every record back.
public struct RecordEchoWorker: PoolWorker {
    public init() {}
    public func handle(_ job: PoolRecord) async throws -> PoolRecord { job }
}

/// What a ``ChaosWorker`` does with a job.
public enum ChaosJob: Codable, Sendable, Hashable {
    /// Answers the value.
    case value(Int)
    /// Kills itself with the signal (its default action, whatever handler the runtime installed).
    case signal(Int32)
    /// Calls `abort()`.
    case abort
    /// Writes through an invalid pointer: a real segmentation fault, reported by Swift's backtracer.
    case segfault
    /// Exits with the code.
    case exit(Int32)
    /// Answers the value after sleeping.
    case sleep(milliseconds: Int, value: Int)
    /// Throws an error with the text.
    case fail(String)
    /// Writes the lines to standard error, then kills itself with SIGKILL.
    case sayAndDie([String])
    /// Answers the worker's process ID.
    case pid
}

/// Does what each ``ChaosJob`` says: crashes of every kind on demand.
public struct ChaosWorker: PoolWorker {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init() {}

    public func handle(_ job: ChaosJob) async throws -> Int {
        switch job {
        case .value(let value):
            return value
        case .signal(let number):
            signal(number, SIG_DFL)
            raise(number)
            return -1
        case .abort:
            abort()
        case .segfault:
            UnsafeMutablePointer<Int>(bitPattern: 8)!.pointee = 1
            return -1
        case .exit(let code):
            exit(code)
        case .sleep(let milliseconds, let value):
            try await Task.sleep(for: .milliseconds(milliseconds))
            return value
        case .fail(let text):
            throw Failure(description: text)
        case .sayAndDie(let lines):
            for line in lines {
                let bytes = Array((line + "\n").utf8)
                _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            }
            raise(SIGKILL)
            return -1
        case .pid:
            return Int(getpid())
        }
    }
}

/// A worker whose set-up always fails.
public struct BrokenSetupWorker: PoolWorker {
    struct SetUpFailed: Error {}
    public init() async throws { throw SetUpFailed() }
    public func handle(_ job: Int) async throws -> Int { job }
}

/// Answers the reciprocal of each number: 0 gives infinity, which JSON cannot carry.
public struct ReciprocalWorker: PoolWorker {
    public init() {}
    public func handle(_ job: Double) async throws -> Double { 1 / job }
}
