public import GIPCKit

/// Sends `count` numbered messages, then exits without closing anything itself (RELIABILITY case 1).
public struct SendThenExit: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var output: PipeWriter<Int>
        public var count: Int
    }

    public static func main(_ arguments: Arguments) async throws {
        for index in 0..<arguments.count { try await arguments.output.put(index) }
    }
}
