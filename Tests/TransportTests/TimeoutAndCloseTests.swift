import GIPCTestSupport
import GIPCTransport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Timeouts, cancellation and close", .timeLimit(.minutes(1)))
struct TimeoutAndCloseTests {
    @Test("receive with a timeout and no data times out")
    func receiveTimeoutNoData() async throws {
        try await expectTimeoutThenDelivery(try FramePipe(), timeout: .milliseconds(30), next: [1])
    }

    @Test("a receive that times out mid-frame keeps the partial frame for the next receive")
    func receiveTimeoutMidFrame() async throws {
        // Each write stays below the default 64 KiB pipe buffer: the test writes with blocking calls.
        try await Self.expectFrameSurvives(pattern(count: 100_000, seed: 5), cutAt: [2, 50_000], then: [42]) { reader in
            #expect(
                await transportError { _ = try await reader.receive(timeout: .milliseconds(20)) }?.code == .timedOut)
        }
    }

    @Test("a receive cancelled mid-frame keeps the partial frame for the next receive")
    func receiveCancelledMidFrame() async throws {
        try await Self.expectFrameSurvives(pattern(count: 5000, seed: 6), cutAt: [1000]) { reader in
            let waiting = Task { try await reader.receive() }
            try await Task.sleep(for: .milliseconds(30))
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
        }
    }

    /// Writes the frame of `payload` to a reader in parts, cut at the frame offsets `cutAt`, runs `interrupt` on the
    /// reader after each part but the last, and expects the next receive to return `payload` whole. `then`, when
    /// given, is a frame written with the last part, which must arrive next.
    static func expectFrameSurvives(
        _ payload: [UInt8], cutAt cuts: [Int], then next: [UInt8]? = nil,
        interrupt: (FrameReader) async throws -> Void
    ) async throws {
        let raw = RawPipe()
        let reader = try FrameReader(adopting: raw.readFD)
        let frame = FrameFormat.frame(payload)
        var start = 0
        for cut in cuts {
            raw.write(Array(frame[start..<cut]))
            try await interrupt(reader)
            start = cut
        }
        raw.write(Array(frame[start...]) + (next.map(FrameFormat.frame) ?? []))
        #expect(try await reader.receive(timeout: .seconds(5)) == payload)
        if let next { #expect(try await reader.receive(timeout: .seconds(5)) == next) }
        raw.closeWriteEnd()
    }

    @Test("an already-cancelled task's receive throws CancellationError without consuming anything")
    func receiveAlreadyCancelled() async throws {
        let pipe = try FramePipe()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await pipe.reader.receive()
        }
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        try await pipe.writer.send([5])
        #expect(try await pipe.reader.receive() == [5])
    }

    @Test("a send that times out on a full pipe writes nothing; the stream stays whole")
    func sendTimeoutBeforeFirstByte() async throws {
        let pipe = try FramePipe(options: PipeOptions(pipeBufferBytes: nil))
        var sent = 0
        let frame = [UInt8](repeating: 3, count: 100)
        while true {
            let error = await transportError { try await pipe.writer.send(frame, timeout: .milliseconds(20)) }
            if let error {
                #expect(error.code == .timedOut)
                break
            }
            sent += 1
        }
        // The writer is still usable: drain, then send one more.
        for _ in 0..<sent { #expect(try await pipe.reader.receive() == frame) }
        try await pipe.writer.send([1, 2, 3], timeout: .seconds(5))
        #expect(try await pipe.reader.receive() == [1, 2, 3])
        #expect(sent > 0)
    }

    @Test("a send that times out mid-frame poisons the writer; it never leaves a silent half frame")
    func sendTimeoutMidFrame() async throws {
        let pipe = try FramePipe(options: PipeOptions(pipeBufferBytes: nil))
        let error = await transportError {
            try await pipe.writer.send([UInt8](repeating: 1, count: 1 << 20), timeout: .milliseconds(50))
        }
        #expect(error?.code == .poisoned)
        #expect((error?.bytesReceived ?? 0) > 0)
        #expect(await transportError { try await pipe.writer.send([1]) }?.code == .poisoned)
    }

    @Test("sending to a pipe whose reader is closed gives peer closed; the process survives SIGPIPE")
    func sendToClosedReader() async throws {
        let pipe = try FramePipe()
        try pipe.reader.close()
        let error = await transportError { try await pipe.writer.send([1, 2, 3]) }
        #expect(error?.code == .peerClosed)
        #expect(error?.errno == EPIPE)
    }

    @Test("use after close and double close give closed")
    func useAfterClose() async throws {
        let pipe = try FramePipe()
        try pipe.reader.close()
        try pipe.writer.close()
        #expect(await transportError { _ = try await pipe.reader.receive() }?.code == .closed)
        #expect(await transportError { try await pipe.writer.send([1]) }?.code == .closed)
        #expect(throws: TransportError.self) { try pipe.reader.close() }
        #expect(throws: TransportError.self) { try pipe.writer.close() }
        #expect(!pipe.reader.isOpen && !pipe.writer.isOpen)
    }

    @Test("close while another task waits in receive is refused with locked; after cancelling it, close works")
    func closeWhileWaiting() async throws {
        let pipe = try FramePipe()
        let waiting = Task { try await pipe.reader.receive() }
        try await Task.sleep(for: .milliseconds(30))
        let error = #expect(throws: TransportError.self) { try pipe.reader.close() }
        #expect(error?.code == .locked)
        #expect(pipe.reader.isOpen)
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        try pipe.reader.close()
        #expect(!pipe.reader.isOpen)
    }

    @Test("closing the writer wakes a waiting reader with a clean end of stream")
    func writerCloseWakesReader() async throws {
        let pipe = try FramePipe()
        let waiting = Task { try await pipe.reader.receive() }
        try await Task.sleep(for: .milliseconds(30))
        try pipe.writer.close()
        let error = await transportError { _ = try await waiting.value }
        #expect(error?.code == .endOfStream)
    }

    @Test("pipes do not leak descriptors; the scoped form closes both ends")
    func noDescriptorLeak() async throws {
        try await FramePipe.with { pipe in  // warm up: the reactor's descriptors live as long as the process
            try await pipe.writer.send([1])
            _ = try await pipe.reader.receive()
        }
        let leaked = try await descriptorsLeaked {
            for _ in 0..<200 {
                try await FramePipe.with { pipe in
                    try await pipe.writer.send([1])
                    _ = try await pipe.reader.receive()
                }
                _ = try FramePipe()  // released without close: the descriptors are closed on deinit
            }
        }
        #expect(leaked.isEmpty, "descriptors left open: \(leaked)")
    }

    @Test("the descriptor census reports a descriptor left open, and nothing once it is closed")
    func descriptorCensusSeesALeak() async throws {
        var ends: [Int32] = [-1, -1]
        let leaked = await descriptorsLeaked(settle: .milliseconds(200)) { _ = pipe(&ends) }
        #expect(leaked.count == 2 && leaked.allSatisfy { $0.contains("pipe:[") }, "\(leaked)")
        let closed = await descriptorsLeaked(settle: .seconds(5)) {
            close(ends[0])
            close(ends[1])
        }
        #expect(closed.isEmpty)
    }

    @Test("the pipe buffer is raised to 1 MiB where the kernel allows")
    func pipeBuffer() throws {
        #if os(Linux)
            let pipe = try FramePipe()
            let maxSize = Int(readTextFile("/proc/sys/fs/pipe-max-size").filter(\.isNumber)) ?? 0
            if maxSize >= 1 << 20 || getuid() == 0 {
                #expect(pipe.bufferBytes == 1 << 20)
            }
        #endif
    }
}
