import Foundation
import GIPCBenchRecord
import GIPCKit

/// The socket workloads: the pipe workloads' small-message throughput and ping-pong over an authenticated socket
/// connection. The parent listens, connects to itself and hands the accepted end to the same child entries as the
/// pipe workloads (a socket end passes to a child like a pipe end), so only the carrier differs.
extension BenchWorkload {
    /// A connected, authenticated pair over `kind` ("unix": an abstract Unix name; "tcp": loopback).
    static func socketPair(_ kind: String) async throws -> (DuplexPipe<[UInt8], [UInt8]>, DuplexPipe<[UInt8], [UInt8]>)
    {
        let address: SocketAddress =
            kind == "unix" ? .unixAbstract(name: "gipc-bench-\(getpid())") : .tcp(host: "127.0.0.1", port: 0)
        let key = Array("gipc bench".utf8)
        return try await GIPC.withListener(
            on: address, sending: [UInt8].self, receiving: [UInt8].self, codec: .raw, authentication: .key(key)
        ) { listener in
            let bound = listener.address
            let client = Task {
                try await GIPC.connect(
                    to: bound, sending: [UInt8].self, receiving: [UInt8].self, codec: .raw,
                    authentication: .key(key))
            }
            let server = try await listener.accept(timeout: .seconds(30))
            return (try await client.value, server)
        }
    }

    /// `count` 100-byte frames from the parent to a child over a socket of `kind`.
    static func socketSmall(_ kind: String, count: Int, into result: inout BenchResult) async throws {
        let (client, server) = try await socketPair(kind)
        let (reports, reportSink) = try GIPC.pipe(of: BenchReport.self, codec: .json)
        let child = try await GIPC.start(
            BenchRawSink.self, .init(input: server.reader, report: reportSink, count: count))
        try server.writer.close()
        _ = try await reports.get(timeout: .seconds(60))
        let payload = [UInt8](repeating: 0x61, count: 100)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count { try await client.put(payload) }
        let report = try await reports.get(timeout: .seconds(600))
        let seconds = Self.seconds(clock.now - start)
        try client.close()
        let status = try await child.join()
        guard status.isSuccess, report.messages == count else {
            throw BenchError.unexpected("the child received \(report.messages) messages and ended: \(status)")
        }
        result.parameters = ["bytes": payload.count, "messages": count]
        result.add("throughput", Double(count) / seconds, "msg/s")
    }

    /// `count` round trips of a 100-byte frame through a child that echoes, over a socket of `kind`.
    static func socketPingPong(_ kind: String, count: Int, into result: inout BenchResult) async throws {
        let warmup = 1000
        let (client, server) = try await socketPair(kind)
        let child = try await GIPC.start(BenchEcho.self, .init(channel: server, count: count + warmup))
        let payload = [UInt8](repeating: 0x61, count: 100)
        for _ in 0..<warmup {
            try await client.put(payload)
            _ = try await client.get(timeout: .seconds(30))
        }
        var trips: [Duration] = []
        trips.reserveCapacity(count)
        let clock = ContinuousClock()
        for _ in 0..<count {
            let start = clock.now
            try await client.put(payload)
            _ = try await client.get(timeout: .seconds(30))
            trips.append(clock.now - start)
        }
        let status = try await child.join()
        guard status.isSuccess else { throw BenchError.unexpected("child \(child.pid) ended: \(status)") }
        try client.close()
        trips.sort()
        result.parameters = ["bytes": payload.count, "round_trips": count]
        result.add("p50", Self.seconds(trips[count / 2]) * 1e6, "us", better: "lower")
        result.add("p99", Self.seconds(trips[min(count - 1, count * 99 / 100)]) * 1e6, "us", better: "lower")
    }
}
