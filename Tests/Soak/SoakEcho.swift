import Foundation
import GIPCKit

/// The soak's child: checks every message it receives and sends it back unchanged, until end of stream.
///
/// A message whose checksum does not match makes the child exit with ``corruptStatus``, so that corruption on the
/// way in is told apart from corruption on the way back.
struct SoakEcho: ChildEntry {
    struct Arguments: Codable, Sendable {
        var input: PipeReader<Data>
        var output: PipeWriter<Data>
    }

    static let corruptStatus: Int32 = 3

    static func main(_ arguments: Arguments) async throws {
        for try await message in arguments.input.messages {
            guard SoakMessage.check(message) != nil else { exit(corruptStatus) }
            try await arguments.output.put(message)
        }
    }
}
