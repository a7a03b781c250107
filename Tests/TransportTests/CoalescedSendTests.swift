import GIPCTransport
import Synchronization
import Testing

@Suite("Concurrent senders share system calls", .timeLimit(.minutes(1)))
struct CoalescedSendTests {
    @Test("small frames queued behind a blocked send are written in order, intact, when the pipe fills mid-batch")
    func batchesKeepOrderAcrossFullPipe() async throws {
        let pipe = try FramePipe(options: PipeOptions(pipeBufferBytes: nil))
        let blocker = Task { try await pipe.writer.send(pattern(count: 200_000, seed: 1)) }
        try await Task.sleep(for: .milliseconds(30))
        // 120 frames of 3,000 bytes queue behind it: more than the 64 KiB pipe holds, so batches stop mid-frame.
        var senders: [Task<Void, any Error>] = []
        for index in 0..<120 {
            senders.append(
                Task { try await pipe.writer.send(SelfCheckingFrame.make(sender: 0, sequence: index, size: 3000)) })
            if index % 10 == 0 { try await Task.sleep(for: .milliseconds(2)) }
        }
        #expect(try await pipe.reader.receive() == pattern(count: 200_000, seed: 1))
        try await blocker.value
        var sequences: [Int] = []
        for _ in 0..<120 {
            let frame = try await pipe.reader.receive()
            let identity = try #require(SelfCheckingFrame.verify(frame))
            sequences.append(identity.sequence)
        }
        for sender in senders { try await sender.value }
        #expect(Set(sequences).count == 120)
    }

    @Test("senders that give up while queued leave nothing behind; every frame that was sent arrives once, whole")
    func timeoutsAndCancellationWhileQueued() async throws {
        let pipe = try FramePipe(options: PipeOptions(pipeBufferBytes: nil))
        let outcomes = Outcomes()
        let received = Task {
            var frames: [Int] = []
            while true {
                let frame: [UInt8]
                do { frame = try await pipe.reader.receive() } catch { break }
                if frame == [1] { continue }  // the probe sent after all senders finished
                frames.append(try #require(SelfCheckingFrame.verify(frame)).sequence)
                if frames.count % 50 == 0 { try await Task.sleep(for: .milliseconds(1)) }
            }
            return frames
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<400 {
                group.addTask {
                    let frame = SelfCheckingFrame.make(sender: 1, sequence: index, size: 100 + index * 37 % 9000)
                    let task = Task { try await pipe.writer.send(frame, timeout: .microseconds(50 + index % 7 * 400)) }
                    if index % 5 == 0 { task.cancel() }
                    do {
                        try await task.value
                        outcomes.record(index, sent: true)
                    } catch let error as TransportError {
                        #expect(error.code == .timedOut || error.code == .poisoned)
                        outcomes.record(index, sent: false)
                    } catch is CancellationError {
                        outcomes.record(index, sent: false)
                    }
                }
            }
            try await group.waitForAll()
        }
        let poisoned = await transportError { try await pipe.writer.send([1]) }
        try? pipe.writer.close()
        let frames = try await received.value
        let sent = outcomes.sent
        #expect(Set(frames).count == frames.count)
        if poisoned == nil {
            // No frame was cut: exactly the frames reported sent arrived.
            #expect(Set(frames) == Set(sent))
        } else {
            // A send gave up mid-frame: the writer is poisoned; whatever arrived before was whole and reported sent.
            #expect(Set(frames).isSubset(of: Set(sent)))
        }
    }

    @Test("a queued sender that is cancelled throws CancellationError and its frame never appears")
    func cancelledWhileQueued() async throws {
        let pipe = try FramePipe(options: PipeOptions(pipeBufferBytes: nil))
        let blocker = Task { try await pipe.writer.send(pattern(count: 200_000, seed: 2)) }
        try await Task.sleep(for: .milliseconds(30))
        let cancelled = Task { try await pipe.writer.send([0xCC]) }
        try await Task.sleep(for: .milliseconds(10))
        let kept = Task { try await pipe.writer.send([0xAA]) }
        try await Task.sleep(for: .milliseconds(10))
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(try await pipe.reader.receive().count == 200_000)
        try await blocker.value
        #expect(try await pipe.reader.receive() == [0xAA])
        try await kept.value
    }

    @Test("close while senders are queued is refused with locked")
    func closeWhileQueued() async throws {
        let pipe = try FramePipe(options: PipeOptions(pipeBufferBytes: nil))
        let blocker = Task { try await pipe.writer.send(pattern(count: 200_000, seed: 3)) }
        try await Task.sleep(for: .milliseconds(30))
        let error = #expect(throws: TransportError.self) { try pipe.writer.close() }
        #expect(error?.code == .locked)
        _ = try await pipe.reader.receive()
        try await blocker.value
        try pipe.writer.close()
    }
}

/// Which sends reported success, by sequence number.
final class Outcomes: Sendable {
    private let results = Mutex<[Int: Bool]>([:])

    func record(_ sequence: Int, sent: Bool) {
        results.withLock { $0[sequence] = sent }
    }

    var sent: [Int] { results.withLock { $0.filter(\.value).map(\.key) } }
}
