import ArgumentParser
import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `gipc echo`: a peer for programs in other languages. Each frame read is decoded into a `Value` and encoded
/// again with the same codec, and the result is written back as one frame.
struct EchoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "Decode each frame on standard input with a codec, encode it again, write it to standard output.",
        discussion: """
            Frames are a 4-byte big-endian length and the payload (docs/PROTOCOL.md). Every frame is written as \
            soon as it is encoded. Exit status: 0 at a clean end of input (at a frame boundary); 65 after a \
            framing, decoding or encoding error, with one line on standard error naming the error and the byte \
            offset of the frame; 74 when reading or writing fails (for example when the reader has gone).

            With --listen ADDRESS it serves connections instead, each concurrently, until interrupted: it prints             "listening on ADDRESS" (with the port the system chose for port 0) on standard output, then echoes on             every connection that passes the handshake; an error on one connection closes that connection only,             with one line on standard error. With --connect ADDRESS it echoes on one connection until the peer             ends it. ADDRESS is unix:PATH, unix:@NAME (abstract), tcp:HOST:PORT or tcp:[V6]:PORT. The             handshake is Python multiprocessing.connection's, with the key read from --authkey-file; --no-auth             turns it off (required for TCP without a key). Exit status with --connect: 0 at a clean end, 65 for             a bad frame or message, 69 when the connection or the handshake fails.
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

    @Option(help: "Serve connections at this address (unix:PATH, unix:@NAME, tcp:HOST:PORT, tcp:[V6]:PORT).")
    var listen: String?

    @Option(help: "Connect to a listener at this address and echo on that connection.")
    var connect: String?

    @Option(help: "A file whose bytes are the shared key of the authentication handshake.")
    var authkeyFile: String?

    @Flag(help: "No authentication handshake (needed for TCP without --authkey-file).")
    var noAuth = false

    func validate() throws {
        guard maxFrameBytes >= 0 else { throw ValidationError("--max-frame-bytes must not be negative") }
        if listen != nil, connect != nil { throw ValidationError("give --listen or --connect, not both") }
        if noAuth, authkeyFile != nil { throw ValidationError("give --authkey-file or --no-auth, not both") }
        if listen == nil, connect == nil, noAuth || authkeyFile != nil {
            throw ValidationError("--authkey-file and --no-auth go with --listen or --connect")
        }
    }

    func run() async throws {
        // A reader that goes away must give a write error, not kill the process silently.
        signal(SIGPIPE, SIG_IGN)
        if listen != nil || connect != nil {
            try await runOnSockets()
            return
        }
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
