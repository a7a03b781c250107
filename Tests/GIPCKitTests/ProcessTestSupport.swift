import GIPCTestSupport
import Synchronization
import Testing

@testable import GIPCKit
@testable import GIPCTestEntries

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Swift Testing has an `ExitStatus` of its own (for exit tests); in these tests the name means GIPCKit's.
typealias ExitStatus = GIPCKit.ExitStatus

/// The process tests: one serialized suite, so that descriptor and zombie counts of one test are not disturbed
/// by another test's children. The children run their entries in gipc-test-host. Each file adds a nested suite.
@Suite(.serialized, .testHost, .timeLimit(.minutes(2)))
struct ProcessTests {}

/// What `ExitWith` children are asked to do, and the exit status each must report: 0, 1, 8, SIGTERM, SIGKILL,
/// SIGSEGV, SIGABRT (for every start method).
let exitStatusCases: [(ExitWith.Arguments, ExitStatus)] = [
    (ExitWith.Arguments(status: 0), ExitStatus.exited(0)),
    (ExitWith.Arguments(status: 1), .exited(1)),
    (ExitWith.Arguments(status: 8), .exited(8)),
    (ExitWith.Arguments(status: 0, signal: SIGTERM), .signaled(SIGTERM)),
    (ExitWith.Arguments(status: 0, signal: SIGKILL), .signaled(SIGKILL)),
    (ExitWith.Arguments(status: 0, signal: SIGSEGV), .signaled(SIGSEGV)),
    (ExitWith.Arguments(status: 0, signal: SIGABRT), .signaled(SIGABRT)),
]

/// This process's environment, for children that need PATH (python3 may be a pyenv shim needing HOME).
func inheritedEnvironment() -> [String: String] {
    var result: [String: String] = [:]
    var entry = environ
    while let pointer = entry.pointee {
        let text = String(cString: pointer)
        if let equals = text.firstIndex(of: "=") {
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        entry += 1
    }
    return result
}

/// Starts `executable` through the library with the test's environment.
func startChild(
    _ executable: String, _ arguments: [String] = [], descriptors: [Int32] = [], daemon: Bool = false,
    name: String? = nil, environment: [String: String]? = nil
) async throws -> ChildProcess {
    try await ChildProcess.spawn(
        SpawnRequest(
            executable: executable, arguments: arguments, environment: environment ?? inheritedEnvironment(),
            descriptors: descriptors, daemon: daemon, name: name))
}

/// Runs `body` and returns the GIPCError it throws (recording an issue for anything else).
func gipcError(_ body: () async throws -> Void) async -> GIPCError? {
    do {
        try await body()
        Issue.record("expected a GIPCError, nothing was thrown")
        return nil
    } catch let error as GIPCError {
        return error
    } catch {
        Issue.record("expected a GIPCError, got \(error)")
        return nil
    }
}

/// Checks that running `body` leaves no descriptor open (see `descriptorsLeaked(during:)` for how the other
/// suites running meanwhile are told apart from a leak). A first child is started and joined beforehand, so that
/// the descriptors of the reactor and the spawner, which live as long as the process, are open already (and the
/// forkserver helper's socket and pidfd, when that is the default start method).
func expectNoDescriptorLeak(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async rethrows {
    _ = try? await startChild("/bin/true").join()
    if StartMethod.default == .forkServer { try? await GIPC.prepareForkServer() }
    let leaked = try await descriptorsLeaked(during: body)
    #expect(leaked.isEmpty, "descriptors left open: \(leaked)", sourceLocation: sourceLocation)
}

/// A process's state letter and parent pid from /proc/<pid>/stat, or nil if it does not exist.
func processState(_ pid: Int32) -> (state: Character, parent: Int32, command: String)? {
    let text = readTextFile("/proc/\(pid)/stat")
    guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
    let command = String(text[text.index(after: open)..<close])
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 2, let state = fields[0].first, let parent = Int32(fields[1]) else { return nil }
    return (state, parent, command)
}

/// Whether `pid` is a zombie (dead, not yet reaped by whoever adopted it).
func isZombie(_ pid: Int32) -> Bool { processState(pid)?.state == "Z" }

/// Children of this process that have exited but not been reaped.
func zombieChildren() -> [Int32] {
    guard let dir = opendir("/proc") else { return [] }
    defer { closedir(dir) }
    let me = getpid()
    var zombies: [Int32] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard let pid = Int32(name), let info = processState(pid) else { continue }
        if info.parent == me, info.state == "Z" { zombies.append(pid) }
    }
    return zombies
}

/// A signal mask line ("SigBlk", "SigIgn", …) of /proc/<pid>/status, or of the file at `path`.
func statusMask(_ field: String, pid: Int32? = nil, path: String? = nil) -> UInt64? {
    let text = readTextFile(path ?? "/proc/\(pid ?? getpid())/status")
    for line in text.split(separator: "\n") where line.hasPrefix("\(field):") {
        return UInt64(line.dropFirst(field.count + 1).trimmingPrefix(while: { $0 == "\t" || $0 == " " }), radix: 16)
    }
    return nil
}

/// Starts a program with posix_spawn directly, as code outside the library would.
func spawnDirectly(_ argv: [String]) throws -> Int32 {
    var pid: pid_t = 0
    let cArguments = argv.map { strdup($0) } + [nil]
    defer { for argument in cArguments { free(argument) } }
    let rc = posix_spawn(&pid, argv[0], nil, nil, cArguments, environ)
    guard rc == 0 else { throw GIPCError(.spawnFailed, "posix_spawn in the test failed", errno: rc) }
    return pid
}

/// A fresh path in the temporary directory, removed by the caller.
func temporaryPath(_ label: String) -> String {
    "/tmp/gipc-process-tests-\(getpid())-\(label)-\(UInt32.random(in: 0...UInt32.max))"
}

/// Polls `condition` every 10 ms for at most `timeout`; returns whether it became true.
func eventually(within timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// A pipe whose ends are close-on-exec (so only the descriptor mapping can hand them to a child).
struct TestPipe {
    let readFD: Int32
    let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        precondition(pipe(&fds) == 0)
        precondition(fcntl(fds[0], F_SETFD, FD_CLOEXEC) == 0 && fcntl(fds[1], F_SETFD, FD_CLOEXEC) == 0)
        readFD = fds[0]
        writeFD = fds[1]
    }

    /// Everything written until every write end is closed.
    func readAll() -> String { String(decoding: readToEnd(readFD), as: UTF8.self) }

    func closeBoth() {
        close(readFD)
        close(writeFD)
    }
}

/// A flag that background tasks poll to know when to stop.
final class StopFlag: Sendable {
    private let flag = Atomic(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
