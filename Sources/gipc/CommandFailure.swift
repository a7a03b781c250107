import ArgumentParser
import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a stream command stopped: printed as one line on standard error, then the process exits with ``exitCode``.
///
/// Exit codes follow `sysexits.h`: 65 (`EX_DATAERR`) for a stream or message that breaks the wire format or the
/// codec, 74 (`EX_IOERR`) for a failed read or write, 66 (`EX_NOINPUT`) for an input file that cannot be opened.
struct CommandFailure: Error {
    /// `EX_DATAERR`: the input is not a valid stream or message.
    static let dataError: Int32 = 65
    /// `EX_NOINPUT`: the input file cannot be opened.
    static let noInput: Int32 = 66
    /// `EX_IOERR`: reading or writing failed.
    static let ioError: Int32 = 74

    /// The error's name: a `TransportError` or `CodecError` code, or `readFailed`, `writeFailed`, `badLine`, ….
    let code: String
    /// What went wrong, for a person.
    let message: String
    /// The byte offset in the stream where the bad frame starts, when there is one.
    let offset: UInt64?
    /// The process exit code.
    let exitCode: Int32

    init(_ code: String, _ message: String, offset: UInt64? = nil, exitCode: Int32 = CommandFailure.dataError) {
        self.code = code
        self.message = message
        self.offset = offset
        self.exitCode = exitCode
    }

    init(_ error: TransportError, offset: UInt64) {
        self.init(error.code.description, error.message, offset: offset)
    }

    init(_ error: CodecError, offset: UInt64, encoding: Bool) {
        let action = encoding ? "cannot encode the message" : "cannot decode the frame"
        self.init(error.code.description, "\(action) (\(error.codec)): \(error.message)", offset: offset)
    }

    static func system(_ code: String, _ call: String, errno number: Int32) -> CommandFailure {
        CommandFailure(code, "\(call) failed: \(String(cString: strerror(number)))", exitCode: ioError)
    }

    /// The line written to standard error: `gipc COMMAND: CODE at byte OFFSET: MESSAGE`.
    func line(command: String) -> String {
        let place = offset.map { " at byte \($0)" } ?? ""
        let text = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "gipc \(command): \(code)\(place): \(text)"
    }

    /// Reports the failure on standard error and returns the exit code to end with.
    func report(command: String) -> ExitCode {
        StandardError.write(line(command: command))
        return ExitCode(exitCode)
    }
}

/// One-line messages on standard error, unbuffered.
enum StandardError {
    static func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { StreamOutput(fd: 2).writeIgnoringErrors($0) }
    }
}
