import ArgumentParser
import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `gipc inspect`: prints each frame of a stream as one JSON line, and where a damaged stream breaks.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print each frame of a stream as one JSON line: its offset, length and decoded value.",
        discussion: """
            Each line is {"offset":O,"length":N,"value":V}, V in the notation that `gipc encode` reads: plain \
            JSON, integers without and doubles with a fraction or exponent, {"$bytes":"<base64>"}, \
            {"$date":<seconds since 1970>}, {"$ext":[<type>,"<base64>"]}, {"$double":"nan"|"inf"|"-inf"} and \
            {"$map":[[<key>,<value>],...]} for maps JSON cannot show. A frame the codec cannot decode prints \
            {"offset":O,"length":N,"error":"<code>","message":"..."} and inspection goes on. A stream that breaks \
            the wire format prints {"offset":O,"error":"<code>","message":"..."} and stops. Exit status: 0 for an \
            intact stream, 65 if any error was printed (also on standard error), 66 if FILE cannot be opened.
            """
    )

    @Option(help: "The codec of every frame: raw, json, plist or msgpack.")
    var codec: CodecName

    @Option(help: "The largest payload to accept, in bytes.")
    var maxFrameBytes: Int = FrameFormat.defaultMaxFrameBytes

    @Flag(help: "Print only each frame's value, one per line: the input `gipc encode` reads.")
    var values = false

    @Argument(help: "The file holding the stream; standard input without it.")
    var file: String?

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        do {
            if try !inspect() { throw ExitCode(CommandFailure.dataError) }
        } catch let failure as CommandFailure {
            throw failure.report(command: "inspect")
        }
    }

    /// Prints every frame; returns whether the stream was intact.
    private func inspect() throws -> Bool {
        let fd = try openInput(file)
        defer { if file != nil { close(fd) } }
        let codec = codec.codec
        var input = StreamInput(fd: fd, maxFrameBytes: maxFrameBytes)
        let output = StreamOutput(fd: 1)
        var intact = true
        while true {
            let next: (offset: UInt64, payload: [UInt8])?
            do {
                next = try input.next()
            } catch {
                guard error.exitCode == CommandFailure.dataError else { throw error }
                try output.send(Array((errorLine(error, length: nil) + "\n").utf8))
                StandardError.write(error.line(command: "inspect"))
                return false
            }
            guard let frame = next else { return intact }
            let line: String
            switch decode(frame.payload, with: codec) {
            case .success(let value):
                line =
                    values
                    ? ValueNotation.render(value)
                    : "{\"offset\":\(frame.offset),\"length\":\(frame.payload.count),\"value\":"
                        + ValueNotation.render(value) + "}"
            case .failure(let error):
                let failure =
                    (error as? CodecError).map { CommandFailure($0, offset: frame.offset, encoding: false) }
                    ?? CommandFailure("decodingFailed", "\(error)", offset: frame.offset)
                line = errorLine(failure, length: frame.payload.count)
                StandardError.write(failure.line(command: "inspect"))
                intact = false
            }
            try output.send(Array((line + "\n").utf8))
        }
    }

    private func decode(_ payload: [UInt8], with codec: any MessageCodec) -> Result<Value, any Error> {
        Result { try codec.decode(Value.self, from: payload) }
    }

    private func errorLine(_ failure: CommandFailure, length: Int?) -> String {
        var line = "{\"offset\":\(failure.offset ?? 0),"
        if let length { line += "\"length\":\(length)," }
        line += "\"error\":"
        ValueNotation.appendString(failure.code, to: &line)
        line += ",\"message\":"
        ValueNotation.appendString(failure.message, to: &line)
        return line + "}"
    }
}

/// Opens `path` for reading, or returns standard input for `nil`.
/// - Throws: ``CommandFailure`` `cannotOpen` (exit code 66).
func openInput(_ path: String?) throws(CommandFailure) -> Int32 {
    guard let path else { return 0 }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
        let number = errno
        throw CommandFailure(
            "cannotOpen", "cannot open \(path): \(String(cString: strerror(number)))", exitCode: CommandFailure.noInput)
    }
    return fd
}
