import Foundation
import GIPCKit
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

// gipc-soak: children echo checked messages of 0 B-16 MiB in every codec while random children are killed and
// restarted. Usage: gipc-soak [--seconds N] [--workers K] [--seed S] [--max-bytes B] [--kills no]
// Exit status 0 only when nothing was lost, duplicated or corrupted, no child failed, and no descriptor leaked.
await GIPC.bootstrap([SoakEcho.self])

/// The whole run, in a function rather than top-level code: when it returns, everything it made has been released,
/// so LeakSanitizer (make asan) sees no false leaks at exit.
func runSoak() async -> Int32 {
    var options: [String: String] = [:]
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let name = arguments.next() {
        guard name.hasPrefix("--"), let value = arguments.next() else {
            FileHandle.standardError.write(
                Data("usage: gipc-soak [--seconds N] [--workers K] [--seed S] [--max-bytes B] [--kills no]\n".utf8))
            return 64
        }
        options[String(name.dropFirst(2))] = value
    }
    let soak = Soak(
        seconds: Double(options["seconds"] ?? "120") ?? 120,
        workers: Int(options["workers"] ?? "3") ?? 3,
        seed: UInt64(options["seed"] ?? "") ?? UInt64.random(in: 0...UInt64.max),
        maxBodyBytes: Int(options["max-bytes"] ?? "\(16 << 20)") ?? 16 << 20,
        kills: options["kills"] != "no")
    print(
        "soak: \(soak.workers) children, \(soak.seconds) s, seed \(soak.seed), bodies 0...\(soak.maxBodyBytes) bytes, "
            + (soak.kills ? "random SIGKILLs" : "no kills"))

    // A watchdog: a hang is a failure, never a stuck CI job.
    let watchdogSeconds = soak.seconds + 120
    Thread.detachNewThread {
        Thread.sleep(forTimeInterval: watchdogSeconds)
        print("soak: FAIL: still running \(Int(watchdogSeconds)) s after start (hang)")
        exit(2)
    }

    // The reactor and the Dispatch timers behind task sleeps open their descriptors (epoll, eventfd, timerfd) on first
    // use, once per process: start counting after that.
    try? await Task.sleep(for: .milliseconds(1))
    try? await ContinuousClock().sleep(until: .now + .milliseconds(1))
    if let warmup = try? GIPC.pipe(of: Data.self, codec: RawCodec()) {
        try? await warmup.writer.put(Data())
        _ = try? await warmup.reader.get()
        try? warmup.writer.close()
        try? warmup.reader.close()
    }
    // The forkserver helper, when children start that way, also lives as long as this process.
    if StartMethod.default == .forkServer { try? await GIPC.prepareForkServer() }
    let start = ProcessStats.current()
    let startTargets = ProcessStats.descriptorTargets()
    let warm = Mutex<ProcessStats?>(nil)
    let warmTask = Task {
        try await Task.sleep(for: .seconds(max(1, soak.seconds / 10)))
        warm.withLock { $0 = ProcessStats.current() }
    }
    let began = ContinuousClock.now
    let totals = await soak.run()
    let elapsed = ContinuousClock.now - began
    warmTask.cancel()
    // Let the last joins and closes finish (slow under strace): a leaked descriptor stays, a closing one goes.
    var end = ProcessStats.current()
    let settling = ContinuousClock.now
    while end.descriptors != start.descriptors, ContinuousClock.now - settling < .seconds(5) {
        try? await Task.sleep(for: .milliseconds(50))
        end = ProcessStats.current()
    }
    let warmed = warm.withLock { $0 } ?? start

    let arrivals = totals.arrivals
    let rate = Double(arrivals.received) / Double(elapsed.components.seconds == 0 ? 1 : elapsed.components.seconds)
    print(
        """
        soak: messages sent \(totals.sent), received \(arrivals.received), lost \(arrivals.lost), \
        duplicated \(arrivals.duplicated), corrupted \(arrivals.corrupted)
        soak: died with a killed child \(totals.diedWithKilledChild) (sent, not echoed before SIGKILL); \
        puts refused after a kill \(totals.putsRefusedAfterKill)
        soak: generations \(totals.generations), kills \(totals.kills), clean ends \(totals.cleanEnds), \
        bytes \(totals.bytesSent), largest body \(totals.largest), \(Int(rate)) messages/s
        soak: per codec \(totals.messagesByCodec.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        soak: parent at start: \(start)
        soak: parent warm:     \(warmed)
        soak: parent at end:   \(end)
        soak: drift (end - start): rss \((end.residentKiB - start.residentKiB) / 1024) MiB, \
        fds \(end.descriptors - start.descriptors), threads \(end.threads - start.threads); \
        (end - warm): rss \((end.residentKiB - warmed.residentKiB) / 1024) MiB, threads \(end.threads - warmed.threads)
        """)
    if end.descriptors != start.descriptors {
        print("soak: descriptors at start: \(startTargets)")
        print("soak: descriptors at end:   \(ProcessStats.descriptorTargets())")
    }
    for failure in totals.failures.prefix(20) { print("soak: failure: \(failure)") }
    let ok =
        arrivals.lost == 0 && arrivals.duplicated == 0 && arrivals.corrupted == 0 && totals.failures.isEmpty
        && end.descriptors == start.descriptors && arrivals.received > 0
    print(ok ? "soak: PASS" : "soak: FAIL")
    return ok ? 0 : 1
}

let status = await runSoak()
fflush(nil)
exit(status)
