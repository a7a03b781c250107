import Foundation
public import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts ``WriteMarker`` with `paddingBytes` of arguments and returns at once, without joining it: the host
/// process exits right after `start` returns.
public struct StartThenReturn: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var markerPath: String
        public var paddingBytes: Int
    }

    public static func main(_ arguments: Arguments) async throws {
        let padding = String(repeating: "x", count: arguments.paddingBytes)
        _ = try await GIPC.start(WriteMarker.self, .init(path: arguments.markerPath, padding: padding))
    }
}

/// Writes the length of its padding into the file at `path`.
public struct WriteMarker: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var path: String
        public var padding: String
    }

    public static func main(_ arguments: Arguments) async throws {
        try Data("\(arguments.padding.utf8.count)".utf8).write(to: URL(fileURLWithPath: arguments.path))
    }
}

/// Fills the descriptor table up to `free` free descriptors, then makes the process's first pipe (which starts the
/// reactor) or starts a child. Exits 0 when that fails with the expected typed error, leaks nothing, and works once
/// descriptors are free again; otherwise a status naming the failed step (and a line on standard error).
public struct DescriptorPressure: ChildEntry {
    public enum Action: String, Codable, Sendable {
        case firstPipe
        case start
    }

    public struct Arguments: Codable, Sendable {
        public var free: Int
        public var action: Action
    }

    public static func main(_ arguments: Arguments) async throws {
        var limit = rlimit()
        getrlimit(resourceNOFILE, &limit)
        limit.rlim_cur = min(limit.rlim_cur, 512)
        setrlimit(resourceNOFILE, &limit)
        var fillers: [Int32] = []
        while true {
            let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
            if fd < 0 { break }
            fillers.append(fd)
        }
        for _ in 0..<arguments.free { close(fillers.removeLast()) }
        let before = openCount()
        var failure: GIPCError? = nil
        do {
            switch arguments.action {
            case .firstPipe: _ = try GIPC.pipe(of: Int.self, codec: .msgpack)
            case .start: _ = try await GIPC.start(ExitWith.self, .init(status: 0))
            }
        } catch let error as GIPCError {
            failure = error
        }
        let expected: GIPCError.Code = arguments.action == .firstPipe ? .systemError : .spawnFailed
        guard let failure, failure.code == expected else {
            fail(3, "expected \(expected) with \(arguments.free) free descriptors, got \(String(describing: failure))")
        }
        // Another thread of this process (the runtime's, Foundation's) may hold a descriptor for a moment while
        // this one counts: a leak is a count that stays above the one before.
        var after = openCount()
        let settle = ContinuousClock.now + .seconds(5)
        while after > before, ContinuousClock.now < settle {
            try await Task.sleep(for: .milliseconds(20))
            after = openCount()
        }
        if after > before { fail(4, "\(after - before) descriptors leaked: \(failure); open: \(openTargets())") }
        for fd in fillers { close(fd) }
        switch arguments.action {
        case .firstPipe:
            let (reader, writer) = try GIPC.pipe(of: Int.self, codec: .msgpack)
            try await writer.put(42)
            if try await reader.get(timeout: .seconds(5)) != 42 { fail(5, "the pipe made afterwards does not work") }
        case .start:
            let child = try await GIPC.start(ExitWith.self, .init(status: 7))
            if try await child.join(timeout: .seconds(30)) != .exited(7) { fail(5, "the child started afterwards") }
        }
    }

    #if canImport(Glibc)
        private static let resourceNOFILE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resourceNOFILE = RLIMIT_NOFILE
    #endif

    private static func openCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    /// What each open descriptor refers to, for a failure's message.
    private static func openTargets() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.sorted().map { name in
            "\(name) -> \((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)")) ?? "?")"
        }
    }

    private static func fail(_ status: Int32, _ message: String) -> Never {
        FileHandle.standardError.write(Data("DescriptorPressure: \(message)\n".utf8))
        exit(status)
    }
}

/// Reads one dynamic value with the codec its reader was given and reports `ok` or the codec error's code.
public struct DecodeReport: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var input: PipeReader<Value>
        public var output: PipeWriter<String>
    }

    public static func main(_ arguments: Arguments) async throws {
        do {
            _ = try await arguments.input.get(timeout: .seconds(30))
            try await arguments.output.put("ok")
        } catch let error as GIPCError where error.code == .codecFailure {
            try await arguments.output.put(error.codecError.map { "\($0.code)" } ?? "codecFailure")
        }
    }
}

/// Starts ``Unlisted`` (which no bootstrap lists) with `GIPC_ENTRY_HOST` set but empty: exits 0 when `start`
/// throws entryNotFound, as it does with the variable unset; 3 when a child was started.
public struct StartUnlistedWithEmptyHost: ChildEntry {
    public struct Arguments: Codable, Sendable {}

    public static func main(_ arguments: Arguments) async throws {
        setenv(GIPC.entryHostVariable, "", 1)
        do {
            let child = try await GIPC.start(Unlisted.self, .init())
            FileHandle.standardError.write(Data("started \(child) instead of throwing entryNotFound\n".utf8))
            exit(3)
        } catch let error as GIPCError where error.code == .entryNotFound {
            return
        }
    }
}

/// An entry that no bootstrap lists.
public struct Unlisted: ChildEntry {
    public struct Arguments: Codable, Sendable {}

    public static func main(_ arguments: Arguments) async throws {}
}
