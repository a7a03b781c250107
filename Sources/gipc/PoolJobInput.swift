import Dispatch
import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The jobs of `gipc pool`: one per non-blank line of a descriptor, read as they are asked for.
///
/// Lines are read with plain `read` calls (the descriptor's mode is left alone, as ``StreamInput`` explains) on a
/// dispatch queue of their own, never on a thread of Swift's concurrency pool, which a read waiting for a slow
/// producer would hold. Each read hands over the complete lines it brought, so a producer that writes one line and
/// waits for its answer gets it, and at most one read's worth of lines is held ahead of the consumer: a million
/// lines run in bounded memory.
struct PoolJobInput: AsyncSequence, Sendable {
    typealias Element = PoolJob

    /// The descriptor to read.
    let fd: Int32

    func makeAsyncIterator() -> Iterator { Iterator(reader: LineBatchReader(fd: fd)) }

    /// Parses the lines one by one; blank lines are skipped, a line that does not parse is a
    /// ``PoolJob/badLine(_:)``.
    struct Iterator: AsyncIteratorProtocol {
        let reader: LineBatchReader
        private var lines: [ArraySlice<UInt8>] = []
        private var position = 0
        /// The number of the line last read, from 1, blank lines included.
        private var lineNumber = 0

        init(reader: LineBatchReader) { self.reader = reader }

        /// The next job, or `nil` at the end of input.
        /// - Throws: ``CommandFailure`` `readFailed`.
        mutating func next() async throws -> PoolJob? {
            while true {
                if position == lines.count {
                    guard let batch = try await reader.nextBatch() else { return nil }
                    lines = batch
                    position = 0
                }
                let line = lines[position]
                position += 1
                lineNumber += 1
                let text = String(decoding: line, as: UTF8.self)
                if text.allSatisfy(\.isWhitespace) { continue }
                do {
                    return .value(try ValueNotationParser.parse(text))
                } catch {
                    return .badLine(
                        BadLine(message: "line \(lineNumber), column \(error.offset + 1): \(error.message)"))
                }
            }
        }
    }
}

/// Reads a descriptor in chunks and splits them into lines, one blocking read at a time, on a queue of its own.
final class LineBatchReader: @unchecked Sendable {
    // Unchecked: `buffer` and `ended` are only touched on `queue`, a serial queue, one batch at a time.
    private let fd: Int32
    private let queue = DispatchQueue(label: "gipc.pool.input")
    /// Bytes read after the last newline.
    private var buffer: [UInt8] = []
    private var ended = false

    init(fd: Int32) { self.fd = fd }

    /// The complete lines the next read brings (without their newlines), waiting for at least one; the text after
    /// the last newline as a last line; `nil` at the end of input.
    /// - Throws: ``CommandFailure`` `readFailed`.
    func nextBatch() async throws -> [ArraySlice<UInt8>]? {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { () throws(CommandFailure) in try self.readBatch() })
            }
        }
    }

    private func readBatch() throws(CommandFailure) -> [ArraySlice<UInt8>]? {
        while !ended {
            let searched = buffer.count
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer += chunk[0..<count]
                guard let last = buffer[searched...].lastIndex(of: 0x0A) else { continue }
                let bytes = buffer
                buffer = Array(bytes[(last + 1)...])
                return bytes[..<last].split(separator: 0x0A, omittingEmptySubsequences: false)
            } else if count == 0 {
                ended = true
            } else {
                let number = errno
                if number == EAGAIN || number == EWOULDBLOCK {
                    StreamOutput.wait(fd: fd, events: Int16(POLLIN))
                } else if number != EINTR {
                    throw CommandFailure.system("readFailed", "read from descriptor \(fd)", errno: number)
                }
            }
        }
        guard !buffer.isEmpty else { return nil }
        defer { buffer = [] }
        return [buffer[...]]
    }
}
