import GIPCTestSupport
import GIPCTransport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("FramePipe: frames through real pipes", .timeLimit(.minutes(2)))
struct FramePipeTests {
    @Test(
        "payloads of edge sizes round-trip byte-exact between two tasks",
        arguments: [0, 1, 4095, 4096, 4097, 65535, 65536, 65537, 1 << 20, 16 << 20])
    func roundTrip(size: Int) async throws {
        try await Self.expectRoundTrip(
            pattern(count: size, seed: UInt32(truncatingIfNeeded: size)), through: try FramePipe())
    }

    @Test("a 100 MiB frame round-trips when the reader's limit allows it")
    func hundredMebibytes() async throws {
        let size = 100 << 20
        let pipe = try FramePipe(options: PipeOptions(maxFrameBytes: 128 << 20))
        var payload = [UInt8](repeating: 0, count: size)
        for index in stride(from: 0, to: size, by: 4093) { payload[index] = UInt8(truncatingIfNeeded: index / 4093) }
        payload[size - 1] = 0xAB
        try await Self.expectRoundTrip(payload, through: pipe)
    }

    /// Sends `payload` from another task; the receive must return it byte for byte.
    static func expectRoundTrip(_ payload: [UInt8], through pipe: FramePipe) async throws {
        let sender = Task { try await pipe.writer.send(payload) }
        let received = try await pipe.reader.receive()
        try await sender.value
        #expect(received.count == payload.count)
        #expect(received == payload)
    }

    @Test("the default limit refuses a 100 MiB frame, poisons the reader, and the writer sees peer closed")
    func overLimitThroughPipe() async throws {
        let pipe = try FramePipe()
        let writer = Task { try await pipe.writer.send([UInt8](repeating: 7, count: 100 << 20)) }
        let error = await transportError { _ = try await pipe.reader.receive() }
        #expect(error?.code == .frameTooLarge)
        #expect(await transportError { _ = try await pipe.reader.receive() }?.code == .poisoned)
        try pipe.reader.close()
        let writerError = await transportError { try await writer.value }
        #expect(writerError?.code == .peerClosed)
    }

    @Test("the frame sequence ends at a clean end of stream")
    func sequenceEndsAtEOF() async throws {
        let pipe = try FramePipe()
        let payloads = (0..<50).map { pattern(count: $0 * 31, seed: UInt32($0)) }
        let writer = Task {
            for payload in payloads { try await pipe.writer.send(payload) }
            try pipe.writer.close()
        }
        var received: [[UInt8]] = []
        for try await frame in pipe.reader.frames { received.append(frame) }
        try await writer.value
        #expect(received == payloads)
        #expect(await transportError { _ = try await pipe.reader.receive() }?.code == .endOfStream)
    }

    @Test("end of stream after 1-3 header bytes or mid-payload is a truncated frame", arguments: [1, 2, 3, 4, 60])
    func truncatedThroughPipe(prefix: Int) async throws {
        let raw = RawPipe()
        let reader = try FrameReader(adopting: raw.readFD)
        raw.write(FrameFormat.frame([9, 9]) + Array(FrameFormat.frame(pattern(count: 100, seed: 1))[0..<prefix]))
        raw.closeWriteEnd()
        #expect(try await reader.receive() == [9, 9])
        let error = await transportError { _ = try await reader.receive() }
        #expect(error?.code == .truncatedFrame)
        #expect(error?.bytesReceived == UInt64(prefix))
        #expect(await transportError { _ = try await reader.receive() }?.code == .poisoned)
    }

    @Test(
        "hostile headers through a pipe give the right error",
        arguments: [
            ([0x80, 0, 0, 0], TransportError.Code.protocolViolation),
            ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], .frameTooLarge),
            ([0x04, 0x00, 0x00, 0x01], .frameTooLarge),
        ] as [([UInt8], TransportError.Code)])
    func hostileThroughPipe(header: [UInt8], expected: TransportError.Code) async throws {
        let raw = RawPipe()
        let reader = try FrameReader(adopting: raw.readFD)
        raw.write(header + [1, 2, 3])
        #expect(await transportError { _ = try await reader.receive() }?.code == expected)
        #expect(await transportError { _ = try await reader.receive() }?.code == .poisoned)
        raw.closeWriteEnd()
    }

    @Test("8 sending and 4 receiving tasks: every frame exactly once and intact")
    func manyTasks() async throws {
        let pipe = try FramePipe()
        let senders = 8
        let perSender = 200
        let received = try await withThrowingTaskGroup(of: [[UInt8]].self) { group in
            for sender in 0..<senders {
                group.addTask {
                    var generator = SplitMix64(seed: UInt64(sender))
                    for sequence in 0..<perSender {
                        // Sizes up to 300 KB, most of them small: 0-300 KB shifted right by 0-7 bits.
                        let size = Int(generator.next() % 300_000) >> Int(generator.next() % 8)
                        try await pipe.writer.send(
                            SelfCheckingFrame.make(sender: sender, sequence: sequence, size: size))
                    }
                    return []
                }
            }
            let total = senders * perSender
            let counter = Counter()
            for _ in 0..<4 {
                group.addTask {
                    var mine: [[UInt8]] = []
                    while counter.claim(upTo: total) {
                        mine.append(try await pipe.reader.receive())
                    }
                    return mine
                }
            }
            var all: [[UInt8]] = []
            for try await frames in group { all += frames }
            return all
        }
        var seen = Set<Int>()
        for frame in received {
            let identity = try #require(SelfCheckingFrame.verify(frame))
            #expect(seen.insert(identity.sender * 1_000_000 + identity.sequence).inserted)
        }
        #expect(seen.count == senders * perSender)
    }

    @Test("concurrent senders are served in call order (FIFO)")
    func fifoOrder() async throws {
        let pipe = try FramePipe(options: PipeOptions(pipeBufferBytes: nil))
        // Fill the pipe so that the first send blocks, then queue senders one after another.
        let filler = Task { try await pipe.writer.send([UInt8](repeating: 0, count: 1 << 20)) }
        try await Task.sleep(for: .milliseconds(50))
        var tasks: [Task<Void, any Error>] = []
        for index in 0..<10 {
            tasks.append(Task { try await pipe.writer.send([UInt8(index)]) })
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await pipe.reader.receive().count == 1 << 20)
        try await filler.value
        var order: [UInt8] = []
        for _ in 0..<10 { order.append(try await pipe.reader.receive()[0]) }
        for task in tasks { try await task.value }
        #expect(order == Array(0..<10))
    }
}

/// Hands out a fixed number of tickets to concurrent tasks.
final class Counter: Sendable {
    private let claimed = Mutex(0)
    func claim(upTo total: Int) -> Bool {
        claimed.withLock { claimed in
            guard claimed < total else { return false }
            claimed += 1
            return true
        }
    }
}
