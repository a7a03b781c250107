import Foundation
import GIPCKit

/// The entries that `gipc demo` runs in its children.
enum DemoEntries {
    static let all: [any ChildEntry.Type] = [SpamReader.self, SynchronisedEcho.self, Nothing.self]
}

/// gipc's first documentation example, the child side: read messages until the parent closes the pipe, then report
/// how many arrived.
struct SpamReader: ChildEntry {
    struct Arguments: Codable, Sendable {
        var messages: PipeReader<String>
        var report: PipeWriter<Int>
    }

    static func main(_ arguments: Arguments) async throws {
        var count = 0
        for try await message in arguments.messages.messages where message == "spam" { count += 1 }
        try await arguments.report.put(count)
    }
}

/// gipc's second documentation example, the child side: answer SYN with ACK, then receive a burst of messages and
/// acknowledge the last one.
struct SynchronisedEcho: ChildEntry {
    struct Arguments: Codable, Sendable {
        var channel: DuplexPipe<Data, Data>
        var count: Int
    }

    static func main(_ arguments: Arguments) async throws {
        let channel = arguments.channel
        guard try await channel.get() == Data("SYN".utf8) else { throw DemoError.unexpected("expected SYN") }
        try await channel.put(Data("ACK".utf8))
        for _ in 0..<arguments.count {
            let message = try await channel.get()
            guard message.count == 1000 else { throw DemoError.unexpected("message of \(message.count) bytes") }
        }
        try await channel.put(Data("DONE".utf8))
    }
}

enum DemoError: Error {
    case unexpected(String)
}

/// Does nothing: the cost of starting and joining a child.
struct Nothing: ChildEntry {
    struct Arguments: Codable, Sendable {}

    static func main(_ arguments: Arguments) async throws {}
}
