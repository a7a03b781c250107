import Foundation
import GIPCBenchRecord
import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The entries that `gipc bench` runs in its children.
enum BenchEntries {
    static let all: [any ChildEntry.Type] = [
        BenchRawSink.self, BenchRecordSink<BenchRecord>.self, BenchRecordSink<GeneratedBenchRecord>.self,
        BenchEcho.self, BenchNothing.self,
        BenchPoolEcho.self,
    ]

    /// The peak resident set size of this process in bytes.
    static func peakRSSBytes() -> Int {
        guard let usage = usage() else { return 0 }
        #if canImport(Darwin)
            return Int(usage.ru_maxrss)
        #else
            return Int(usage.ru_maxrss) * 1024
        #endif
    }

    /// The CPU time this process has used so far, in user and in system (kernel) mode, in seconds.
    static func cpuSeconds() -> (user: Double, system: Double) {
        guard let usage = usage() else { return (0, 0) }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return (seconds(usage.ru_utime), seconds(usage.ru_stime))
    }

    /// This process's resource usage, or `nil` if `getrusage` fails.
    private static func usage() -> rusage? {
        var usage = rusage()
        #if canImport(Darwin)
            guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
        #else
            guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return nil }
        #endif
        return usage
    }
}

/// Receives `count` raw messages, then reports what arrived (after a first, empty "ready" report).
struct BenchRawSink: ChildEntry {
    struct Arguments: Codable, Sendable {
        var input: PipeReader<[UInt8]>
        var report: PipeWriter<BenchReport>
        var count: Int
    }

    static func main(_ arguments: Arguments) async throws {
        try await arguments.report.put(BenchReport())
        var bytes = 0
        for _ in 0..<arguments.count { bytes += try await arguments.input.get().count }
        try await arguments.report.put(
            BenchReport(messages: arguments.count, bytes: bytes, peakRSSBytes: BenchEntries.peakRSSBytes()))
    }
}

/// A record the typed workloads send: the Codable one, or the one with generated MessagePack coders.
protocol BenchTypedRecord: Codable, Sendable {
    static var sample: Self { get }
    var quantity: Int { get }
}

extension BenchRecord: BenchTypedRecord {}
extension GeneratedBenchRecord: BenchTypedRecord {}

/// Receives `count` typed records, then reports (after a first "ready" report).
struct BenchRecordSink<Record: BenchTypedRecord>: ChildEntry {
    struct Arguments: Codable, Sendable {
        var input: PipeReader<Record>
        var report: PipeWriter<BenchReport>
        var count: Int
    }

    static func main(_ arguments: Arguments) async throws {
        try await arguments.report.put(BenchReport())
        var quantity = 0
        for _ in 0..<arguments.count { quantity &+= try await arguments.input.get().quantity }
        try await arguments.report.put(
            BenchReport(messages: arguments.count, bytes: quantity, peakRSSBytes: BenchEntries.peakRSSBytes()))
    }
}

/// Sends every message it receives straight back, `count` times.
struct BenchEcho: ChildEntry {
    struct Arguments: Codable, Sendable {
        var channel: DuplexPipe<[UInt8], [UInt8]>
        var count: Int
    }

    static func main(_ arguments: Arguments) async throws {
        for _ in 0..<arguments.count { try await arguments.channel.put(try await arguments.channel.get()) }
    }
}

/// Does nothing: the cost of starting and joining a child.
struct BenchNothing: ChildEntry {
    struct Arguments: Codable, Sendable {}

    static func main(_ arguments: Arguments) async throws {}
}
