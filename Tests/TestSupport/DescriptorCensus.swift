#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Each open descriptor of this process with what it refers to ("7 -> pipe:[123456]"), from /proc/self/fd;
/// empty where there is no /proc.
public func openDescriptorIdentities() -> Set<String> {
    var result: Set<String> = []
    for fd in openDescriptors() {
        var target = [CChar](repeating: 0, count: 256)
        let count = readlink("/proc/self/fd/\(fd)", &target, target.count - 1)
        guard count >= 0 else { continue }  // closed since the directory was read
        let name = target.prefix(count).map { UInt8(bitPattern: $0) }
        result.insert("\(fd) -> \(String(decoding: name, as: UTF8.self))")
    }
    return result
}

/// Descriptors the runtime opens once, on first use, for the rest of the process: libdispatch's epoll, eventfd and
/// timerfd (which other tests may cause it to open while `body` runs). GIPCKit's own reactor opens an epoll and an
/// eventfd once too; callers warm it up before the census. Pipes and pidfds, which GIPCKit opens per use, always
/// count.
private let runtimeDescriptorKinds = ["anon_inode:[eventpoll]", "anon_inode:[eventfd]", "anon_inode:[timerfd]"]

/// The descriptors that `body` left open: those opened while it ran that are still open, with the same
/// identity, once the other tests of this process have had time to close theirs.
///
/// Test suites run in parallel in one process, so a plain count before and after is noise. A descriptor another
/// test opened meanwhile closes when that test ends; a leaked one never does. So every descriptor that is new
/// after `body` is watched until it closes (or its number is reused for something else), for up to `settle`.
/// Descriptors that live as long as the process (the reactor's) must be opened before: warm up first.
public func descriptorsLeaked(
    settle: Duration = .seconds(40), during body: () async throws -> Void
) async rethrows -> [String] {
    try? await Task.sleep(for: .milliseconds(1))  // the first sleep may open the runtime's timer descriptors
    let before = openDescriptorIdentities()
    try await body()
    var suspects = openDescriptorIdentities().subtracting(before).filter { identity in
        !runtimeDescriptorKinds.contains { identity.hasSuffix($0) }
    }
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: settle)
    while !suspects.isEmpty, clock.now < deadline {
        try? await Task.sleep(for: .milliseconds(50))
        suspects.formIntersection(openDescriptorIdentities())
    }
    return suspects.sorted()
}
