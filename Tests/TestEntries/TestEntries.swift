import Foundation
public import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every entry the tests start, hosted by the gipc-test-host program.
public enum TestEntries {
    public static let all: [any ChildEntry.Type] = [
        Echo.self, ExitWith.self, DescriptorLister.self, Forwarder.self, NestedStarter.self, SignalReport.self,
        BigWriter.self, DaemonParent.self, Sleeper.self, DuplexEcho.self, EarlyExit.self, ReadOne.self,
        SendThenExit.self, StartThenReturn.self, WriteMarker.self, DescriptorPressure.self, DecodeReport.self,
        StartUnlistedWithEmptyHost.self, TermIgnorer.self, ReadySleeper.self, GrandchildStarter.self,
        WriteThenCrash.self, PrintEnvironment.self, SupervisionNameLengthProbe.self, WriteThenEnd.self,
        PrintWorkingDirectory.self, ForkServerDirectoryProbe.self, ForkServerParent.self, PrintArguments.self,
        SquareWorker.self, RecordEchoWorker.self, ChaosWorker.self, BrokenSetupWorker.self, ReciprocalWorker.self,
    ]
}

/// Sends back every message it receives (as dynamic values, so any codec and type works) until end of stream.
public struct Echo: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var input: PipeReader<Value>
        public var output: PipeWriter<Value>
    }

    public static func main(_ arguments: Arguments) async throws {
        for try await value in arguments.input.messages { try await arguments.output.put(value) }
    }
}

/// Answers each request on a duplex pipe with the request's text reversed.
public struct DuplexEcho: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var channel: DuplexPipe<String, String>
    }

    public static func main(_ arguments: Arguments) async throws {
        for try await text in arguments.channel.messages { try await arguments.channel.put(String(text.reversed())) }
    }
}

/// Exits with the given status, or kills itself with the given signal.
public struct ExitWith: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var status: Int32
        public var signal: Int32?
    }

    public static func main(_ arguments: Arguments) async throws {
        if let number = arguments.signal {
            signal(number, SIG_DFL)
            // Process-directed: the pool thread running this entry may block the signal; the main thread does not.
            kill(getpid(), number)
            try await Task.sleep(for: .seconds(10))
        }
        exit(arguments.status)
    }
}

/// Reports the descriptors open in the child and what each refers to (from /proc/self/fd).
public struct DescriptorLister: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var report: PipeWriter<[Int32: String]>
        public var extra: [PipeReader<Int>]
    }

    public static func main(_ arguments: Arguments) async throws {
        // Twice, keeping what both listings agree on: the runtime's own threads open descriptors for a moment (on
        // Linux, Dispatch's thread-pool monitor reads /proc/<tid>/stat of its workers), and such a descriptor caught
        // by one listing is not one the child holds.
        let first = list()
        try await Task.sleep(for: .milliseconds(20))
        let second = list()
        try await arguments.report.put(first.filter { second[$0.key] == $0.value })
    }

    private static func list() -> [Int32: String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        // The listing itself opens one descriptor; keep only those still open after it.
        var open: [Int32: String] = [:]
        for fd in entries.compactMap({ Int32($0) }) where fcntl(fd, F_GETFD) != -1 {
            open[fd] = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? "?"
        }
        return open
    }
}

/// Forwards messages from one pipe to another until end of stream, adding its own tag to each.
public struct Forwarder: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var input: PipeReader<[String]>
        public var output: PipeWriter<[String]>
        public var tag: String
    }

    public static func main(_ arguments: Arguments) async throws {
        for try await path in arguments.input.messages { try await arguments.output.put(path + [arguments.tag]) }
    }
}

/// Starts a child of its own, passing its handles down, `depth` generations deep; the last one echoes.
public struct NestedStarter: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var input: PipeReader<[String]>
        public var output: PipeWriter<[String]>
        public var depth: Int
    }

    public static func main(_ arguments: Arguments) async throws {
        if arguments.depth <= 1 {
            for try await path in arguments.input.messages {
                try await arguments.output.put(path + ["pid \(getpid())"])
            }
            return
        }
        let child = try await GIPC.start(
            NestedStarter.self,
            .init(input: arguments.input, output: arguments.output, depth: arguments.depth - 1))
        let status = try await child.join()
        guard status == .exited(0) else { throw GIPCError(.invalidArgument, "grandchild ended with \(status)") }
    }
}

/// Reports the SigBlk and SigIgn masks of /proc/self/status.
public struct SignalReport: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var report: PipeWriter<[String]>
    }

    public static func main(_ arguments: Arguments) async throws {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let lines = status.split(separator: "\n").filter { $0.hasPrefix("SigBlk") || $0.hasPrefix("SigIgn") }
        try await arguments.report.put(lines.map(String.init))
    }
}

/// Writes one message of `bytes` bytes, then exits.
public struct BigWriter: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var output: PipeWriter<[UInt8]>
        public var bytes: Int
    }

    public static func main(_ arguments: Arguments) async throws {
        try await arguments.output.put([UInt8](repeating: 0x5A, count: arguments.bytes))
    }
}

/// Starts a daemon grandchild that sleeps, reports its pid, then waits to be killed.
public struct DaemonParent: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var report: PipeWriter<Int32>
    }

    public static func main(_ arguments: Arguments) async throws {
        let grandchild = try await GIPC.start(Sleeper.self, .init(seconds: 60), daemon: true)
        try await arguments.report.put(grandchild.pid)
        try await Task.sleep(for: .seconds(60))
    }
}

/// Sleeps.
public struct Sleeper: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var seconds: Int
    }

    public static func main(_ arguments: Arguments) async throws {
        try await Task.sleep(for: .seconds(arguments.seconds))
    }
}

/// Exits at once without reading its pipe (the parent's writer then gets "peer closed").
public struct EarlyExit: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var input: PipeReader<[UInt8]>
    }

    public static func main(_ arguments: Arguments) async throws {}
}

/// Receives one message and reports it back on another pipe.
public struct ReadOne: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var input: PipeReader<String>
        public var output: PipeWriter<String>
    }

    public static func main(_ arguments: Arguments) async throws {
        try await arguments.output.put(try await arguments.input.get())
    }
}
