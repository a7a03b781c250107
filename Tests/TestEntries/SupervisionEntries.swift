import Foundation
public import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes `text` to a descriptor at once, unbuffered (stdio would keep it from a child that is killed).
private func writeNow(_ text: String, to fd: Int32) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }
        bytes = bytes.dropFirst(written)
    }
}

/// Ignores SIGTERM, says "ready" on standard output, then sleeps: only SIGKILL ends it early.
public struct TermIgnorer: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var seconds: Int
    }

    public static func main(_ arguments: Arguments) async throws {
        signal(SIGTERM, SIG_IGN)
        writeNow("ready\n", to: 1)
        try await Task.sleep(for: .seconds(arguments.seconds))
    }
}

/// Says "ready" on standard output, then sleeps; SIGTERM ends it (the default disposition).
public struct ReadySleeper: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var seconds: Int
    }

    public static func main(_ arguments: Arguments) async throws {
        writeNow("ready\n", to: 1)
        try await Task.sleep(for: .seconds(arguments.seconds))
    }
}

/// Starts `sleep 1000` with plain posix_spawn (so it stays in this child's process group), with SIGTERM ignored
/// in it if `grandchildIgnoresTerm`, writes its pid as a line on standard output, then sleeps (ignoring SIGTERM
/// itself if `ignoresTerm`) or exits at once.
public struct GrandchildStarter: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var grandchildIgnoresTerm: Bool
        public var ignoresTerm = false
        public var exitAtOnce = false
    }

    public static func main(_ arguments: Arguments) async throws {
        if arguments.ignoresTerm { signal(SIGTERM, SIG_IGN) }
        let script = arguments.grandchildIgnoresTerm ? "trap '' TERM; exec sleep 1000" : "exec sleep 1000"
        let pid = try spawnPlainly(["/bin/sh", "-c", script])
        writeNow("\(pid)\n", to: 1)
        if arguments.exitAtOnce { return }
        try await Task.sleep(for: .seconds(60))
    }

    /// posix_spawn as code outside GIPCKit would call it, but with an empty signal mask and default dispositions:
    /// this runs on a thread that blocks most signals, which a child would otherwise inherit.
    private static func spawnPlainly(_ words: [String]) throws -> pid_t {
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        #if canImport(Darwin)
            var attributes: posix_spawnattr_t? = nil
        #else
            var attributes = posix_spawnattr_t()
        #endif
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, words[0], nil, &attributes, argv, environ)
        guard rc == 0 else { throw GIPCError(.spawnFailed, "posix_spawn of the grandchild failed", errno: rc) }
        return pid
    }
}

/// Writes `lines` numbered lines to standard output ("out 0", …) and to standard error ("err 0", …), unbuffered,
/// then kills itself with `signal`.
public struct WriteThenCrash: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var lines: Int
        public var signal: Int32
    }

    public static func main(_ arguments: Arguments) async throws {
        for index in 0..<arguments.lines {
            writeNow("out \(index)\n", to: 1)
            writeNow("err \(index)\n", to: 2)
        }
        // The default disposition, so that no crash handler of the runtime writes to standard error.
        signal(arguments.signal, SIG_DFL)
        kill(getpid(), arguments.signal)
        try await Task.sleep(for: .seconds(10))
    }
}

/// Writes "NAME=value" (or "NAME unset") on standard output for each of `names`.
public struct PrintEnvironment: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var names: [String]
    }

    public static func main(_ arguments: Arguments) async throws {
        for name in arguments.names {
            if let value = getenv(name) {
                writeNow("\(name)=\(String(cString: value))\n", to: 1)
            } else {
                writeNow("\(name) unset\n", to: 1)
            }
        }
    }
}

/// Sleeps; its name is longer than the 15 bytes a process name holds.
public struct SupervisionNameLengthProbe: ChildEntry {
    public struct Arguments: Codable, Sendable {
        public var seconds: Int
    }

    public static func main(_ arguments: Arguments) async throws {
        try await Task.sleep(for: .seconds(arguments.seconds))
    }
}
