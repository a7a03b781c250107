import Foundation
import GIPCActors
import GIPCKit
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The gipc-actors-test-host program, built next to the test bundle, which hosts the test actors; the tests name it
/// with `host:` (GIPC.entryHost belongs to the GIPCKit tests that run meanwhile).
enum TestHost {
    static let path: String = {
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return runner.deletingLastPathComponent().appendingPathComponent("gipc-actors-test-host").path
    }()
}

/// The actor tests: one serialized suite, so that descriptor counts of one test are not disturbed by another's
/// children. Each file adds a nested suite.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ActorTests {}

/// Runs `body` with a new actor system, and shuts it down afterwards however `body` ends.
func withSystem<Result>(
    codec: any MessageCodec = MessagePackCodec(), callTimeout: Duration? = nil,
    _ body: (GIPCActorSystem) async throws -> Result
) async throws -> Result {
    let system = GIPCActorSystem(codec: codec, callTimeout: callTimeout)
    do {
        let result = try await body(system)
        await system.shutdown(gracePeriod: .seconds(2))
        return result
    } catch {
        await system.shutdown(gracePeriod: .seconds(2))
        throw error
    }
}

/// Runs `body` and returns the GIPCActorError it throws (recording an issue for anything else).
func actorError(_ body: () async throws -> Void) async -> GIPCActorError? {
    do {
        try await body()
        Issue.record("expected a GIPCActorError, nothing was thrown")
        return nil
    } catch let error as GIPCActorError {
        return error
    } catch {
        Issue.record("expected a GIPCActorError, got \(type(of: error)): \(error)")
        return nil
    }
}

/// Polls `condition` every 10 ms for at most `timeout`; returns whether it became true.
func eventually(within timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

/// Whether a process with this pid exists (a zombie counts).
func processExists(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }
