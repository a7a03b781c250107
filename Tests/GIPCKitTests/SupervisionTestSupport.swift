import GIPCKit
import GIPCTestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The next line of a captured stream, or `nil` if none comes within `timeout` (or the stream ends first).
func nextLine(_ output: CapturedOutput?, within timeout: Duration = .seconds(20)) async -> String? {
    guard let output else { return nil }
    return await withTaskGroup(of: String?.self) { group in
        group.addTask {
            var lines = output.makeAsyncIterator()
            return await lines.next()
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

/// Whether `pid` no longer runs: it does not exist, or it is a zombie waiting for whoever adopted it.
func isGone(_ pid: Int32) -> Bool {
    guard let info = processState(pid) else { return true }
    return info.state == "Z"
}

/// What /proc/<pid>/comm says (without the newline), or "" if it cannot be read.
func commandName(_ pid: Int32) -> String {
    var text = readTextFile("/proc/\(pid)/comm")
    if text.hasSuffix("\n") { text.removeLast() }
    return text
}

/// /proc/<pid>/cmdline: the arguments, each ended by a NUL byte.
func commandLine(_ pid: Int32) -> String { readTextFile("/proc/\(pid)/cmdline") }

/// How long `body` takes.
func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let start = ContinuousClock.now
    let value = try await body()
    return (value, ContinuousClock.now - start)
}

/// A file's contents, for the standard-stream tests.
func fileText(_ path: String) -> String { readTextFile(path) }

/// Writes `text` to a new file at `path` (replacing it), with the given mode.
func writeFile(_ path: String, _ text: String, mode: mode_t = 0o644) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    precondition(fd >= 0, "cannot create \(path)")
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    fchmod(fd, mode)
    close(fd)
}
