import ArgumentParser
import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `gipc encode`: the reverse of `gipc inspect --values`: one value per line in, one frame per value out.
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Read one JSON value per line, write each as one frame in a codec: streams built by hand.",
        discussion: """
            Lines hold values in the notation `gipc inspect` prints (see `gipc inspect --help`): for example \
            {"id":7,"blob":{"$bytes":"AAE="}} or, for the raw codec, {"$bytes":"aGVsbG8="}. Blank lines are \
            skipped. Exit status: 0 when every line was written; 65 at the first line that is not a value or that \
            the codec cannot encode, with one line on standard error naming the line; 66 if FILE cannot be opened.
            """
    )

    @Option(help: "The codec of every frame: raw, json, plist or msgpack.")
    var codec: CodecName

    @Argument(help: "The file of JSON lines; standard input without it.")
    var file: String?

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        do {
            try encode()
        } catch {
            throw error.report(command: "encode")
        }
    }

    private func encode() throws(CommandFailure) {
        let fd = try openInput(file)
        defer { if file != nil { close(fd) } }
        let codec = codec.codec
        let output = StreamOutput(fd: 1)
        var lines = LineInput(fd: fd)
        var number = 0
        while let line = try lines.next() {
            number += 1
            let text = String(decoding: line, as: UTF8.self)
            if text.allSatisfy(\.isWhitespace) { continue }
            let value: Value
            do {
                value = try ValueNotationParser.parse(text)
            } catch {
                throw CommandFailure("badLine", "line \(number), column \(error.offset + 1): \(error.message)")
            }
            let payload: [UInt8]
            do {
                payload = try codec.encode(value)
            } catch let error as CodecError {
                throw CommandFailure(
                    error.code.description, "line \(number): cannot encode (\(codec.name)): \(error.message)")
            } catch {
                throw CommandFailure("encodingFailed", "line \(number): \(error)")
            }
            try output.writeFrame(payload)
        }
    }
}
