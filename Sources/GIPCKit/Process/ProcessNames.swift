import CGIPCSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The names `ps` shows for a child running an entry, so that a tree of children reads
/// `server: App.Indexer` instead of `/proc/self/exe` and `exe`.
enum ProcessNames {
    /// The most bytes of a process name (`/proc/<pid>/comm`) the kernel keeps.
    static let shortNameBytes = 15

    /// The default `argv[0]` of a child running `entry` from `program`: "<program's file name>: <entry name>".
    static func argumentZero(program: String, entry: String) -> String {
        "\(fileName(of: program)): \(entry)"
    }

    /// The name a child running `entry` gives itself: the last dot-separated part of the entry name
    /// (`App.Workers.Indexer` → `Indexer`), cut to 15 bytes at a character boundary.
    static func shortName(entry: String) -> String {
        let last = entry.split(separator: ".", omittingEmptySubsequences: false).last.map(String.init) ?? entry
        var result = ""
        for character in last {
            if result.utf8.count + String(character).utf8.count > shortNameBytes { break }
            result.append(character)
        }
        return result
    }

    /// Names this process as `ps -e` and /proc/<pid>/comm show it (Linux; elsewhere nothing happens).
    static func setShortName(entry: String) {
        #if os(Linux)
            _ = gipc_set_process_name(shortName(entry: entry))
        #endif
    }

    /// The last path component of `program`; for `/proc/self/exe`, that of the file it links to.
    static func fileName(of program: String) -> String {
        var path = program
        #if os(Linux)
            if program == "/proc/self/exe", let target = linkTarget(program) {
                path = target.hasSuffix(" (deleted)") ? String(target.dropLast(" (deleted)".count)) : target
            }
        #endif
        let components = path.split(separator: "/")
        return components.last.map(String.init) ?? path
    }

    private static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
