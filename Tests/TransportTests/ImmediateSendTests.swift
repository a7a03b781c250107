import Testing

@testable import GIPCTransport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("An idle writer sends at once", .timeLimit(.minutes(1)))
struct ImmediateSendTests {
    @Test(
        "a frame sent without waiting is on the wire byte for byte: one write up to 1 KiB, writev above",
        arguments: [0, 1, 100, FrameWriter.singleWriteLimit, FrameWriter.singleWriteLimit + 1, 40_000])
    func bytesOnTheWire(size: Int) throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let writer = try FrameWriter(adopting: fds[1])
        let payload = pattern(count: size, seed: UInt32(size))
        #expect(try writer.sendWithoutWaiting(payload) == .sent)
        try writer.close()
        var wire: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if count <= 0 { break }
            wire += buffer[0..<count]
        }
        #expect(wire == FrameFormat.frame(payload))
    }

    @Test("a full pipe: the sender becomes active with what the pipe took, others are told to wait their turn")
    func fullPipeStartsAndOthersWait() async throws {
        let pipe = try FramePipe(options: PipeOptions(pipeBufferBytes: nil))
        var sent: [[UInt8]] = []
        var started: (frame: [UInt8], written: Int)?
        for sequence in 0..<1000 where started == nil {
            let frame = SelfCheckingFrame.make(sender: 7, sequence: sequence, size: 5000)
            switch try pipe.writer.sendWithoutWaiting(frame) {
            case .sent: sent.append(frame)
            case .started(let written): started = (frame, written)
            case .busy: Issue.record("nobody else is sending")
            }
        }
        let (frame, written) = try #require(started)
        #expect(written < frame.count + FrameFormat.shortHeaderBytes)
        // The writer is active until the frame is finished: an immediate send writes nothing and says so.
        #expect(try pipe.writer.sendWithoutWaiting([9, 9, 9]) == .busy)
        let finishing = Task { try await pipe.writer.finishSend(frame, alreadyWritten: written, timeout: .seconds(30)) }
        let late = SelfCheckingFrame.make(sender: 8, sequence: 0, size: 300)
        let waiting = Task { try await pipe.writer.sendInTurn(late, timeout: .seconds(30)) }
        for expected in sent + [frame, late] {
            #expect(try await pipe.reader.receive(timeout: .seconds(30)) == expected)
        }
        try await finishing.value
        try await waiting.value
        #expect(try pipe.writer.sendWithoutWaiting([1]) == .sent)
        #expect(try await pipe.reader.receive(timeout: .seconds(10)) == [1])
    }

    @Test("after a send that left part of a frame in the pipe, an immediate send is refused as poisoned")
    func poisonedWriterRefuses() async throws {
        let pipe = try FramePipe(options: PipeOptions(pipeBufferBytes: nil))
        let first = await transportError {
            try await pipe.writer.send(pattern(count: 1 << 20, seed: 3), timeout: .milliseconds(20))
        }
        #expect(first?.code == .poisoned)
        var refused: TransportError?
        do {
            _ = try pipe.writer.sendWithoutWaiting([1, 2, 3])
        } catch {
            refused = error
        }
        #expect(refused?.code == .poisoned)
    }

    @Test("an immediate send to a pipe whose reader is gone is a closed peer, and the writer stays idle")
    func peerClosed() async throws {
        let pipe = try FramePipe(options: PipeOptions(pipeBufferBytes: nil))
        try pipe.reader.close()
        var failure: TransportError?
        do {
            _ = try pipe.writer.sendWithoutWaiting([1, 2, 3])
        } catch {
            failure = error
        }
        #expect(failure?.code == .peerClosed)
        try pipe.writer.close()
    }
}
