import Foundation
import GIPCKit
import GIPCTestSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The soak run: `workers` children echo messages of mixed sizes in every codec; random children are killed with
/// SIGKILL and restarted; every message is checked on both sides.
struct Soak {
    var seconds: Double
    var workers: Int
    var seed: UInt64
    var maxBodyBytes: Int
    /// Whether children are killed at random; without kills, generations last until the deadline.
    var kills = true

    static let codecs: [any MessageCodec] = [RawCodec(), JSONCodec(), PropertyListCodec(), MessagePackCodec()]

    let ledger = Ledger()

    /// Runs every slot until the deadline; returns the totals.
    func run() async -> Totals {
        let deadline = ContinuousClock.now + .seconds(seconds)
        await withTaskGroup(of: Void.self) { group in
            for slot in 0..<workers {
                group.addTask { await runSlot(slot, deadline: deadline) }
            }
        }
        return ledger.snapshot
    }

    /// One child slot: generation after generation until the deadline, each with a fresh child and fresh pipes.
    private func runSlot(_ slot: Int, deadline: ContinuousClock.Instant) async {
        var random = SplitMix64(seed: seed &+ UInt64(slot) &* 0x1000_0000_01B3)
        var generation = 0
        var nextSequence = UInt64(slot) << 48
        while ContinuousClock.now < deadline {
            let codec = Self.codecs[(slot + generation) % Self.codecs.count]
            generation += 1
            // Lifetimes of 0.2-4 s, ended by SIGKILL; a generation reaching the deadline (or any, with kills off) ends
            // cleanly: its input is closed and the child drains and exits 0.
            let lifetime = Duration.milliseconds(200 + Int(random.next() % 3800))
            let killAt = ContinuousClock.now + lifetime
            let kill = kills && killAt < deadline
            do {
                let sent = try await runGeneration(
                    codec: codec, first: nextSequence, until: min(killAt, deadline), kill: kill,
                    random: random.split())
                nextSequence += sent
            } catch {
                ledger.update { $0.failures.append("slot \(slot) generation \(generation): \(error)") }
                return
            }
        }
    }

    /// Starts a child, streams messages through it until `end`, then kills it or closes its input; returns how
    /// many sequence numbers were used.
    private func runGeneration(
        codec: any MessageCodec, first: UInt64, until end: ContinuousClock.Instant, kill: Bool,
        random: SplitMix64
    ) async throws -> UInt64 {
        let (childInput, input) = try GIPC.pipe(of: Data.self, codec: codec)
        let (output, childOutput) = try GIPC.pipe(of: Data.self, codec: codec)
        let child = try await GIPC.start(
            SoakEcho.self, .init(input: childInput, output: childOutput), name: "soak-echo", daemon: true)
        let stop = Atomic<Bool>(false)
        let maxBody = maxBodyBytes

        async let sending: (sent: UInt64, refused: Int, bytes: Int, largest: Int) = {
            var random = random
            var sequence = first
            var bytes = 0
            var largest = 0
            while !stop.load(ordering: .relaxed) {
                let size = Self.bodySize(&random, max: maxBody)
                let message = SoakMessage.make(sequence: sequence, bodyBytes: size)
                do {
                    try await input.put(message)
                } catch let error as GIPCError where kill && error.code == .peerClosed {
                    return (sequence - first, 1, bytes, largest)
                }
                sequence += 1
                bytes += size
                largest = max(largest, size)
            }
            try input.close()
            return (sequence - first, 0, bytes, largest)
        }()

        async let receiving: SequenceCheck = {
            var check = SequenceCheck(first: first)
            while true {
                do {
                    check.record(SoakMessage.check(try await output.get()))
                } catch let error as GIPCError where error.code == .endOfStream {
                    break
                } catch let error as GIPCError where kill && error.code == .peerExited {
                    break  // killed: reported as the child's exit, whether mid-frame or between frames
                }
            }
            try output.close()
            return check
        }()

        try await ContinuousClock().sleep(until: end)
        if kill { try child.kill() }
        stop.store(true, ordering: .relaxed)
        let sent = try await sending
        let check = try await receiving
        let status = try await child.join()

        ledger.update { totals in
            totals.generations += 1
            totals.sent += Int(sent.sent)
            totals.putsRefusedAfterKill += sent.refused
            totals.bytesSent += sent.bytes
            totals.largest = max(totals.largest, sent.largest)
            totals.arrivals += check.arrivals
            totals.messagesByCodec[codec.name, default: 0] += check.arrivals.received
            let tail = Int(first + sent.sent - check.expected)
            if kill {
                totals.kills += 1
                totals.diedWithKilledChild += max(tail, 0)
                if status != .signaled(SIGKILL) && status != .exited(0) {
                    totals.failures.append("killed child \(child.pid) ended with \(status)")
                }
            } else {
                totals.cleanEnds += 1
                totals.arrivals.lost += max(tail, 0)
                if status != .exited(0) { totals.failures.append("child \(child.pid) ended with \(status)") }
            }
        }
        return sent.sent + UInt64(sent.refused)
    }

    /// Body sizes: mostly small, some medium, a few up to `max` (16 MiB), and the edge sizes of case 4.
    static func bodySize(_ random: inout SplitMix64, max: Int) -> Int {
        let roll = random.next() % 1000
        switch roll {
        case 0..<20: return [0, 1, 4095, 4096, 4097, 65535, 65536, 65537][Int(random.next() % 8)]
        case 20..<700: return Int(random.next() % 257)
        case 700..<950: return 257 + Int(random.next() % UInt64(64 << 10))
        case 950..<996: return Int(random.next() % UInt64(Swift.min(max, 1 << 20) + 1))
        case 996..<998: return max
        default: return Int(random.next() % UInt64(max + 1))
        }
    }
}
