import ArgumentParser
import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `gipc echo`: a peer for programs in other languages. Each frame read is decoded into a `Value` and encoded
/// again with the same codec, and the result is written back as one frame.
struct EchoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "Decode each frame on standard input with a codec, encode it again, write it to standard output.",
        discussion: """
            Frames are a 4-byte big-endian length and the payload (docs/PROTOCOL.md). Every frame is written as \
            soon as it is encoded. Exit status: 0 at a clean end of input (at a frame boundary); 65 after a \
            framing, decoding or encoding error, with one line on standard error naming the error and the byte \
            offset of the frame; 74 when reading or writing fails (for example when the reader has gone).
            """
    )

    @Option(help: "The codec of every frame: raw, json, plist or msgpack.")
    var codec: CodecName

    @Option(help: "The largest payload to accept, in bytes; a longer frame is refused before it is read.")
    var maxFrameBytes: Int = FrameFormat.defaultMaxFrameBytes

    @Option(help: "The descriptor to read frames from (a descriptor the parent passed instead of standard input).")
    var inputFD: Int32 = 0

    @Option(help: "The descriptor to write frames to.")
    var outputFD: Int32 = 1

    func validate() throws {
        guard maxFrameBytes >= 0 else { throw ValidationError("--max-frame-bytes must not be negative") }
    }

    func run() throws {
        // A reader that goes away must give a write error, not kill the process silently.
        signal(SIGPIPE, SIG_IGN)
        do {
            try echo()
        } catch {
            throw error.report(command: "echo")
        }
    }

    private func echo() throws(CommandFailure) {
        let codec = codec.codec
        var input = StreamInput(fd: inputFD, maxFrameBytes: maxFrameBytes)
        let output = StreamOutput(fd: outputFD)
        while let (offset, payload) = try input.next() {
            let value: Value
            do {
                value = try codec.decode(Value.self, from: payload)
            } catch let error as CodecError {
                throw CommandFailure(error, offset: offset, encoding: false)
            } catch {
                throw CommandFailure("decodingFailed", "\(error)", offset: offset)
            }
            let encoded: [UInt8]
            do {
                encoded = try codec.encode(value)
            } catch let error as CodecError {
                throw CommandFailure(error, offset: offset, encoding: true)
            } catch {
                throw CommandFailure("encodingFailed", "\(error)", offset: offset)
            }
            try output.writeFrame(encoded)
        }
    }
}
