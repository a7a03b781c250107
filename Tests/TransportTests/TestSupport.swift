import GIPCTransport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Deterministic test payload: byte i of payload `seed` is a function of both.
func pattern(count: Int, seed: UInt32) -> [UInt8] {
    var state = seed &* 2_654_435_761 &+ 1
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        for index in 0..<count {
            state = state &* 1_103_515_245 &+ 12345
            buffer[index] = UInt8(truncatingIfNeeded: state >> 16)
        }
        initialized = count
    }
}

/// The error a throwing async expression raised, as a TransportError.
func transportError(_ body: () async throws -> Void) async -> TransportError? {
    do {
        try await body()
        return nil
    } catch let error as TransportError {
        return error
    } catch {
        Issue.record("expected a TransportError, got \(error)")
        return nil
    }
}

/// A receive with `timeout` on the empty `pipe` ends with `timedOut`, and the pipe still delivers: `next`, sent
/// afterwards, is received.
func expectTimeoutThenDelivery(_ pipe: FramePipe, timeout: Duration, next: [UInt8]) async throws {
    let error = await transportError { _ = try await pipe.reader.receive(timeout: timeout) }
    #expect(error?.code == .timedOut)
    try await pipe.writer.send(next)
    #expect(try await pipe.reader.receive(timeout: .seconds(5)) == next)
}
