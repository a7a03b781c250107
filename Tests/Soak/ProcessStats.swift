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
        // The listing itself holds one descriptor open.
        let descriptors = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count ?? 0) - 1
        return ProcessStats(residentKiB: field("VmRSS"), descriptors: descriptors, threads: field("Threads"))
    }

    /// What each open descriptor refers to, for a report when the count drifts.
    static func descriptorTargets() -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap { Int32($0) }.sorted().map { fd in
            "\(fd) -> \((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? "?")"
        }
    }

    var description: String {
        "rss \(residentKiB / 1024) MiB (\(residentKiB) KiB), fds \(descriptors), threads \(threads)"
    }
}
