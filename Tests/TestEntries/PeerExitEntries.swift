public import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Puts `count` integers, then ends as `ending` says: returns, exits with a code, or dies of a signal.
public struct WriteThenEnd: ChildEntry {
    public enum Ending: Codable, Sendable {
        case return0
        case exit(Int32)
        case signal(Int32)
        /// Writes half a frame's header and payload, then dies of SIGKILL.
        case halfFrameThenKill
        /// Throws an error with this text (the bootstrap prints it to standard error and exits with 1).
        case throwing(String)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    public struct Arguments: Codable, Sendable {
        public var output: PipeWriter<Int>
        public var count: Int
        public var ending: Ending
    }

    public static func main(_ arguments: Arguments) async throws {
        for value in 0..<arguments.count { try await arguments.output.put(value) }
        switch arguments.ending {
        case .return0:
            return
        case .exit(let code):
            exit(code)
        case .signal(let number):
            signal(number, SIG_DFL)
            raise(number)
        case .throwing(let text):
            throw Failure(description: text)
        case .halfFrameThenKill:
            let half: [UInt8] = [0, 0, 0, 10, 1, 2]
            _ = half.withUnsafeBytes { write(arguments.output.fileDescriptor, $0.baseAddress, $0.count) }
            raise(SIGKILL)
        }
    }
}
