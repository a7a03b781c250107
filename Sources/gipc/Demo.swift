import Foundation
import GIPCKit

/// `gipc demo`: what GIPCKit does, in four short runs, each bounded in time.
enum Demo {
    static func run() async throws {
        try await framesBetweenTasks()
        try await infiniteMessaging()
        try await synchronisedMessaging()
        try await startAndJoin()
    }

    /// The time to start a child running an entry that does nothing, and to join it.
    static func startAndJoin() async throws {
        print("4. Start and join a child that does nothing, 20 times")
        let clock = ContinuousClock()
        var times: [Duration] = []
        for _ in 0..<20 {
            let start = clock.now
            let child = try await GIPC.start(Nothing.self, .init())
            let status = try await child.join()
            guard status.isSuccess else { throw DemoError.unexpected("child \(status)") }
            times.append(clock.now - start)
        }
        times.sort()
        print(
            "   median \(format(times[times.count / 2])), fastest \(format(times[0])), slowest \(format(times.last!))")
    }

    /// 200,000 frames of 100 bytes from one task to another through one OS pipe.
    static func framesBetweenTasks() async throws {
        print("1. Frames between two tasks through one pipe (GIPCTransport)")
        let count = 200_000
        let payload = [UInt8](repeating: 0x2A, count: 100)
        let pipe = try FramePipe()
        let clock = ContinuousClock()
        let start = clock.now
        let writer = Task {
            for _ in 0..<count { try await pipe.writer.send(payload) }
            try pipe.writer.close()
        }
        var received = 0
        for try await frame in pipe.reader.frames where frame.count == payload.count { received += 1 }
        try await writer.value
        let elapsed = clock.now - start
        print("   \(received) frames of 100 bytes in \(format(elapsed)): \(rate(received, elapsed)) frames/s")
        try pipe.reader.close()
    }

    /// gipc's "infinite messaging" example, bounded: a task in the parent writes to a child until it is stopped.
    static func infiniteMessaging() async throws {
        print("2. A task in the parent writes to a child until it is stopped (gipc example 1)")
        let (messages, sink) = try GIPC.pipe(of: String.self, codec: .json)
        let (report, reportSink) = try GIPC.pipe(of: Int.self, codec: .json)
        let child = try await GIPC.start(SpamReader.self, .init(messages: messages, report: reportSink))
        let writer = Task {
            var sent = 0
            while !Task.isCancelled {
                do { try await sink.put("spam") } catch is CancellationError { break }
                sent += 1
            }
            return sent
        }
        try await Task.sleep(for: .milliseconds(500))
        writer.cancel()
        let sent = try await writer.value
        try sink.close()
        let counted = try await report.get(timeout: .seconds(10))
        let status = try await child.join()
        print("   parent sent \(sent) messages in 0.5 s; child \(child.pid) counted \(counted); child \(status)")
    }

    /// gipc's "time-synchronised messaging" example: SYN/ACK, then 1000 messages of 1000 bytes, for each codec.
    static func synchronisedMessaging() async throws {
        print("3. SYN/ACK, then 1000 messages of 1000 bytes to a child (gipc example 2)")
        for codec in [any MessageCodec](arrayLiteral: .raw, .json, .plist, .msgpack) {
            try await synchronised(codec: codec)
        }
    }

    private static func synchronised(codec: any MessageCodec) async throws {
        let (mine, theirs) = try GIPC.duplexPipe(sending: Data.self, receiving: Data.self, codec: codec)
        let count = 1000
        let child = try await GIPC.start(SynchronisedEcho.self, .init(channel: theirs, count: count))
        try await mine.put(Data("SYN".utf8))
        guard try await mine.get(timeout: .seconds(10)) == Data("ACK".utf8) else {
            throw DemoError.unexpected("no ACK")
        }
        let message = Data(repeating: 0x61, count: 1000)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count { try await mine.put(message) }
        guard try await mine.get(timeout: .seconds(30)) == Data("DONE".utf8) else {
            throw DemoError.unexpected("no DONE")
        }
        let elapsed = clock.now - start
        let status = try await child.join()
        try mine.close()
        let label = codec.name.padding(toLength: 8, withPad: " ", startingAt: 0)
        print(
            "   \(label) \(count) messages in \(format(elapsed)) (\(rate(count, elapsed)) messages/s); child \(status)")
    }

    static func format(_ duration: Duration) -> String {
        let milliseconds =
            Double(duration.components.seconds) * 1000
            + Double(duration.components.attoseconds) / 1e15
        return milliseconds < 1000
            ? "\((milliseconds * 10).rounded() / 10) ms" : "\((milliseconds / 10).rounded() / 100) s"
    }

    static func rate(_ count: Int, _ duration: Duration) -> Int {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds > 0 ? Int(Double(count) / seconds) : 0
    }
}
