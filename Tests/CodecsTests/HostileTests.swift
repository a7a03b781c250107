import Foundation
import GIPCCodecs
import GIPCTestSupport
import Testing

@Suite("Hostile fixtures")
struct HostileTests {
    @Test(
        "hostile payload gives its expected error", .timeLimit(.minutes(1)),
        arguments: HostileCase.all)
    func hostile(_ hostile: HostileCase) async throws {
        let bytes = try hostile.bytes()
        let codec = builtinCodec(named: hostile.codec)
        // Inside a task, whose thread has a smaller stack than the main thread.
        let result: Result<Void, any Error> = await Task.detached {
            Result { try check(for: hostile.swift).decode(codec, bytes) }
        }.value
        guard case .failure(let error) = result else {
            Issue.record("\(hostile.description) decoded without an error")
            return
        }
        let codecError = try #require(error as? CodecError, "\(error)")
        #expect(codecError.code.description == hostile.error, "\(codecError)")
        #expect(codecError.codec == hostile.codec)
    }
}
