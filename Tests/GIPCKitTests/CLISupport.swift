import Foundation
import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a run of the built `gipc` tool produced.
struct CLIResult {
    var status: Int32
    var output: [UInt8]
    var error: String

    /// Standard output as text.
    var text: String { String(decoding: output, as: UTF8.self) }
}

/// Runs the built `gipc` with `arguments`, `input` on its standard input (through a file, so that nothing
/// blocks), and returns its exit status and what it wrote.
func runGIPC(_ arguments: [String], input: [UInt8] = []) throws -> CLIResult {
    let base = temporaryPath("cli")
    let paths = (input: base + ".in", output: base + ".out", error: base + ".err")
    defer { for path in [paths.input, paths.output, paths.error] { unlink(path) } }
    _ = FileManager.default.createFile(atPath: paths.input, contents: Data(input))
    _ = FileManager.default.createFile(atPath: paths.output, contents: nil)
    _ = FileManager.default.createFile(atPath: paths.error, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Interop.gipc)
    process.arguments = arguments
    process.standardInput = FileHandle(forReadingAtPath: paths.input)
    process.standardOutput = FileHandle(forWritingAtPath: paths.output)
    process.standardError = FileHandle(forWritingAtPath: paths.error)
    try process.run()
    process.waitUntilExit()
    return CLIResult(
        status: process.terminationStatus,
        output: [UInt8](try Data(contentsOf: URL(fileURLWithPath: paths.output))),
        error: String(decoding: try Data(contentsOf: URL(fileURLWithPath: paths.error)), as: UTF8.self))
}

/// The frames of `payloads`, one after the other.
func stream(_ payloads: [[UInt8]]) -> [UInt8] {
    payloads.flatMap { FrameFormat.frame($0) }
}
