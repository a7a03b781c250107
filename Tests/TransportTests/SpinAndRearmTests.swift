import GIPCTransport
import Testing

/// A receive that finds the pipe empty first spins (``PipeOptions/spinBeforeWaiting``), then suspends on the
/// reactor, which reports a descriptor once and is re-armed by the next wait.
@Suite("Spinning receives and one-shot readiness", .timeLimit(.minutes(1)))
struct SpinAndRearmTests {
    static let spins: [Duration] = [.zero, .microseconds(50), .milliseconds(300)]

    @Test("frames sent later, one at a time, all arrive whatever the spin", .serialized, arguments: spins)
    func lateFramesArrive(spin: Duration) async throws {
        try await FramePipe.with(options: PipeOptions(spinBeforeWaiting: spin)) { pipe in
            async let sent: Void = {
                for index in 0..<20 {
                    // Longer than any spin sometimes, so that receives also suspend and the reactor is re-armed.
                    try await Task.sleep(for: .milliseconds(index % 4 == 0 ? 5 : 0))
                    try await pipe.writer.send([UInt8(index)])
                }
            }()
            for index in 0..<20 {
                #expect(try await pipe.reader.receive(timeout: .seconds(30)) == [UInt8(index)])
            }
            try await sent
        }
    }

    @Test("a frame that arrives after a receive gave up is found by the next receive (spin .zero: the reactor path)")
    func reportWhileNobodyWaits() async throws {
        try await FramePipe.with(options: PipeOptions(spinBeforeWaiting: .zero)) { pipe in
            for round in 0..<20 {
                // A receive that times out leaves the descriptor armed with nobody waiting.
                let error = await transportError { _ = try await pipe.reader.receive(timeout: .milliseconds(2)) }
                #expect(error?.code == .timedOut)
                // The poller reports this frame to nobody, which disarms the descriptor; it is read without waiting.
                try await pipe.writer.send([UInt8(round), 1])
                try await Task.sleep(for: .milliseconds(1))
                #expect(try await pipe.reader.receive(timeout: .seconds(10)) == [UInt8(round), 1])
                // The next receive finds the pipe empty and must re-arm the descriptor to hear about the next frame.
                async let next = pipe.reader.receive(timeout: .seconds(10))
                try await Task.sleep(for: .milliseconds(1))
                try await pipe.writer.send([UInt8(round), 2])
                #expect(try await next == [UInt8(round), 2])
            }
        }
    }

    @Test("a timeout shorter than the spin ends the receive with timedOut")
    func timeoutShorterThanSpin() async throws {
        try await FramePipe.with(options: PipeOptions(spinBeforeWaiting: .seconds(30))) { pipe in
            try await expectTimeoutThenDelivery(pipe, timeout: .milliseconds(20), next: [7])
        }
    }

    @Test("cancelling a spinning receive ends it with CancellationError")
    func cancelWhileSpinning() async throws {
        try await FramePipe.with(options: PipeOptions(spinBeforeWaiting: .seconds(30))) { pipe in
            let receive = Task { try await pipe.reader.receive() }
            try await Task.sleep(for: .milliseconds(20))
            receive.cancel()
            await #expect(throws: CancellationError.self) { _ = try await receive.value }
            try await pipe.writer.send([8])
            #expect(try await pipe.reader.receive(timeout: .seconds(5)) == [8])
        }
    }
}
