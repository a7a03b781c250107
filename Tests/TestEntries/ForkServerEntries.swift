import Foundation
public import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes its working directory on standard output.
public struct PrintWorkingDirectory: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public init() {}
    }

    public static func main(_ arguments: Arguments) async throws {
        print(FileManager.default.currentDirectoryPath)
    }
}

/// Writes its command line as Swift's `CommandLine` and Foundation's `ProcessInfo` see it, one line each.
public struct PrintArguments: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public init() {}
    }

    public static func main(_ arguments: Arguments) async throws {
        print(CommandLine.arguments.joined(separator: "|"))
        print(ProcessInfo.processInfo.arguments.joined(separator: "|"))
    }
}

/// Starts ``PrintWorkingDirectory`` through the forkserver twice, changing its own working directory to `directory`
/// between the two (the helper then runs in the first directory), and reports: its first directory, then what each
/// child printed.
public struct ForkServerDirectoryProbe: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var directory: String
        public var report: PipeWriter<[String]>
    }

    public static func main(_ arguments: Arguments) async throws {
        var lines = [FileManager.default.currentDirectoryPath]
        for round in 0..<2 {
            if round == 1 { guard chdir(arguments.directory) == 0 else { throw GIPCError(.invalidArgument, "chdir") } }
            let child = try await GIPC.start(
                PrintWorkingDirectory.self, .init(), standardOutput: .capture, startMethod: .forkServer)
            _ = try await child.join()
            lines += await child.standardOutput?.finalLines() ?? []
        }
        try await arguments.report.put(lines)
    }
}

/// Starts a daemon ``Sleeper`` through the forkserver, reports the pids of its forkserver helpers and of that child,
/// then sleeps until it is killed.
public struct ForkServerParent: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var report: PipeWriter<[Int32]>
    }

    public static func main(_ arguments: Arguments) async throws {
        let child = try await GIPC.start(Sleeper.self, .init(seconds: 60), daemon: true, startMethod: .forkServer)
        #if os(Linux)
            try await arguments.report.put(ForkServer.helperPIDs + [child.pid])
        #else
            try await arguments.report.put([child.pid])
        #endif
        try await Task.sleep(for: .seconds(60))
    }
}
