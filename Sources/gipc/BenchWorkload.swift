import Foundation
import GIPCBenchRecord
import GIPCKit

/// The GIPCKit side of each benchmark workload: parent to child through one pipe unless said otherwise.
enum BenchWorkload: String, CaseIterable, Sendable {
    case small
    case smallConcurrent = "small-concurrent"
    case typedMsgpack = "typed-msgpack"
    case typedMsgpackGenerated = "typed-msgpack-generated"
    case typedJSON = "typed-json"
    case typedPlist = "typed-plist"
    case large1M = "large-1m"
    case large16M = "large-16m"
    case pingPong = "ping-pong"
    case spawn
    case spawnForkServer = "spawn-forkserver"
    case memory
    case pool
    case poolPipelined = "pool-pipelined"
    case poolChunked = "pool-chunked"
    case actor
    case socketSmallUnix = "socket-small-unix"
    case socketSmallTCP = "socket-small-tcp"
    case socketPingPongUnix = "socket-ping-pong-unix"
    case socketPingPongTCP = "socket-ping-pong-tcp"
    case queue

    func run(count: Int?) async throws -> BenchResult {
        var result = BenchResult(workload: rawValue)
        switch self {
        case .small:
            try await Self.raw(size: 100, count: count ?? 500_000, tasks: 1, into: &result)
        case .smallConcurrent:
            try await Self.raw(size: 100, count: count ?? 500_000, tasks: 8, into: &result)
        case .large1M:
            try await Self.raw(size: 1 << 20, count: count ?? 512, tasks: 1, into: &result)
        case .large16M:
            try await Self.raw(size: 16 << 20, count: count ?? 32, tasks: 1, into: &result)
        case .memory:
            try await Self.raw(size: 16 << 20, count: count ?? 64, tasks: 1, into: &result)
        case .typedMsgpack:
            try await Self.typed(codec: .msgpack, count: count ?? 200_000, into: &result)
        case .typedMsgpackGenerated:
            try await Self.typed(GeneratedBenchRecord.self, codec: .msgpack, count: count ?? 500_000, into: &result)
        case .typedJSON:
            try await Self.typed(codec: .json, count: count ?? 200_000, into: &result)
        case .typedPlist:
            try await Self.typed(codec: .plist, count: count ?? 200_000, into: &result)
        case .pingPong:
            try await Self.pingPong(count: count ?? 20_000, into: &result)
        case .spawn:
            try await Self.spawn(count: count ?? 10, method: .spawn, into: &result)
        case .spawnForkServer:
            try await Self.spawn(count: count ?? 10, method: .forkServer, into: &result)
        case .pool:
            try await Self.pool(count: count ?? 30_000, chunkSize: 1, inFlight: 1, into: &result)
        case .poolPipelined:
            try await Self.pool(count: count ?? 100_000, chunkSize: 1, inFlight: 8, into: &result)
        case .poolChunked:
            try await Self.pool(count: count ?? 500_000, chunkSize: 256, inFlight: 1, into: &result)
        case .actor:
            try await Self.actorCalls(count: count ?? 20_000, into: &result)
        case .socketSmallUnix:
            try await Self.socketSmall("unix", count: count ?? 500_000, into: &result)
        case .socketSmallTCP:
            try await Self.socketSmall("tcp", count: count ?? 500_000, into: &result)
        case .socketPingPongUnix:
            try await Self.socketPingPong("unix", count: count ?? 20_000, into: &result)
        case .socketPingPongTCP:
            try await Self.socketPingPong("tcp", count: count ?? 20_000, into: &result)
        case .queue:
            try await Self.queue(count: count ?? 20_000, into: &result)
        }
        return result
    }

    /// Raw payloads of `size` bytes, `count` of them, put by `tasks` tasks into one writer.
    private static func raw(size: Int, count: Int, tasks: Int, into result: inout BenchResult) async throws {
        let (input, sink) = try GIPC.pipe(of: [UInt8].self, codec: .raw)
        let (reports, reportSink) = try GIPC.pipe(of: BenchReport.self, codec: .json)
        let child = try await GIPC.start(BenchRawSink.self, .init(input: input, report: reportSink, count: count))
        _ = try await reports.get(timeout: .seconds(60))
        let payload = [UInt8](repeating: 0x61, count: size)
        let clock = ContinuousClock()
        let start = clock.now
        let cpuBefore = BenchEntries.cpuSeconds()
        if tasks == 1 {
            for _ in 0..<count { try await sink.put(payload) }
        } else {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<tasks {
                    let share = count / tasks + (task < count % tasks ? 1 : 0)
                    group.addTask { for _ in 0..<share { try await sink.put(payload) } }
                }
                try await group.waitForAll()
            }
        }
        let report = try await reports.get(timeout: .seconds(600))
        let seconds = Self.seconds(clock.now - start)
        let cpuAfter = BenchEntries.cpuSeconds()
        try sink.close()
        try await Self.expectSuccess(child)
        guard report.messages == count, report.bytes == count * size else {
            throw BenchError.unexpected("the child received \(report.messages) messages, \(report.bytes) bytes")
        }
        result.parameters = ["bytes": size, "messages": count, "tasks": tasks]
        if size >= 1 << 20 {
            result.add("throughput", Double(count * size) / seconds / 1e6, "MB/s")
        } else {
            result.add("throughput", Double(count) / seconds, "msg/s")
            // The sending process's CPU time per message: steadier than throughput on a busy machine.
            result.add("sender_user", (cpuAfter.user - cpuBefore.user) / Double(count) * 1e9, "ns", better: "lower")
            result.add(
                "sender_system", (cpuAfter.system - cpuBefore.system) / Double(count) * 1e9, "ns", better: "lower")
        }
        result.add("peak_rss_child", Double(report.peakRSSBytes) / Double(1 << 20), "MiB", better: "lower")
    }

    /// `count` records through the codec (records of the generated type use their generated MessagePack coders).
    private static func typed<Record: BenchTypedRecord>(
        _ record: Record.Type = BenchRecord.self, codec: any MessageCodec, count: Int, into result: inout BenchResult
    ) async throws {
        let (input, sink) = try GIPC.pipe(of: Record.self, codec: codec)
        let (reports, reportSink) = try GIPC.pipe(of: BenchReport.self, codec: .json)
        let child = try await GIPC.start(
            BenchRecordSink<Record>.self, .init(input: input, report: reportSink, count: count))
        _ = try await reports.get(timeout: .seconds(60))
        let record = Record.sample
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count { try await sink.put(record) }
        let report = try await reports.get(timeout: .seconds(600))
        let seconds = Self.seconds(clock.now - start)
        try sink.close()
        try await Self.expectSuccess(child)
        guard report.messages == count else { throw BenchError.unexpected("the child received \(report.messages)") }
        result.parameters = ["bytes": try codec.encode(record).count, "messages": count]
        result.add("throughput", Double(count) / seconds, "msg/s")
    }

    /// `count` round trips of a 100-byte message through a child that echoes; percentiles of single trips.
    private static func pingPong(count: Int, into result: inout BenchResult) async throws {
        let warmup = 1000
        let (mine, theirs) = try GIPC.duplexPipe(sending: [UInt8].self, receiving: [UInt8].self, codec: .raw)
        let child = try await GIPC.start(BenchEcho.self, .init(channel: theirs, count: count + warmup))
        let payload = [UInt8](repeating: 0x61, count: 100)
        for _ in 0..<warmup { _ = try await Self.roundTrip(mine, payload) }
        var trips: [Duration] = []
        trips.reserveCapacity(count)
        let clock = ContinuousClock()
        for _ in 0..<count {
            let start = clock.now
            _ = try await Self.roundTrip(mine, payload)
            trips.append(clock.now - start)
        }
        try await Self.expectSuccess(child)
        try mine.close()
        trips.sort()
        result.parameters = ["bytes": payload.count, "round_trips": count]
        result.add("p50", Self.seconds(trips[count / 2]) * 1e6, "us", better: "lower")
        result.add("p99", Self.seconds(trips[min(count - 1, count * 99 / 100)]) * 1e6, "us", better: "lower")
    }

    private static func roundTrip(_ pipe: DuplexPipe<[UInt8], [UInt8]>, _ payload: [UInt8]) async throws -> Int {
        try await pipe.put(payload)
        return try await pipe.get(timeout: .seconds(30)).count
    }

    /// Starts and joins a child that does nothing, `count` times, with `method`: the median of start + join, and of
    /// the start alone (until `start` returns). With the forkserver, one child is started and joined first, so that
    /// the helper's own start (once per program) is not counted.
    private static func spawn(count: Int, method: StartMethod, into result: inout BenchResult) async throws {
        let clock = ContinuousClock()
        var times: [Double] = []
        if method == .forkServer {
            try await Self.expectSuccess(try await GIPC.start(BenchNothing.self, .init(), startMethod: method))
        }
        var starts: [Double] = []
        for _ in 0..<count {
            let start = clock.now
            let child = try await GIPC.start(BenchNothing.self, .init(), startMethod: method)
            starts.append(Self.seconds(clock.now - start) * 1000)
            try await Self.expectSuccess(child)
            times.append(Self.seconds(clock.now - start) * 1000)
        }
        times.sort()
        starts.sort()
        result.parameters = ["children": count]
        result.add("start_join", times[count / 2], "ms", better: "lower")
        result.add("start", starts[count / 2], "ms", better: "lower")
    }

    private static func expectSuccess(_ child: ChildProcess) async throws {
        let status = try await child.join()
        guard status.isSuccess else { throw BenchError.unexpected("child \(child.pid) ended: \(status)") }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

enum BenchError: Error, CustomStringConvertible {
    case unexpected(String)

    var description: String {
        switch self {
        case .unexpected(let message): "benchmark failed: \(message)"
        }
    }
}
