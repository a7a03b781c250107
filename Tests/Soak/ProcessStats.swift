import Foundation

/// This process's resident memory, open descriptors and threads, from /proc/self.
struct ProcessStats: CustomStringConvertible {
    var residentKiB: Int
    var descriptors: Int
    var threads: Int

    static func current() -> ProcessStats {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
                let fields = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" })
                return Int(fields.first ?? "") ?? -1
            }
            return -1
        }
        // Dispatch opens a timerfd per timer clock lazily, once, whenever a task first sleeps on it: not a leak, and
        // not counted. Pipes, pidfds, epoll and event fds are.
        let descriptors = descriptorTargets().filter { !$0.hasSuffix("anon_inode:[timerfd]") }.count
        return ProcessStats(residentKiB: field("VmRSS"), descriptors: descriptors, threads: field("Threads"))
    }

    /// What each open descriptor refers to, for a report when the count drifts.
    static func descriptorTargets() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        // The listing's own descriptor, closed by now, shows as "?" (once, at every call).
        return entries.compactMap { Int32($0) }.sorted().map { fd in
            "\(fd) -> \((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? "?")"
        }
    }

    var description: String {
        "rss \(residentKiB / 1024) MiB (\(residentKiB) KiB), fds \(descriptors), threads \(threads)"
    }
}
