import Foundation
import GIPCKit
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Points GIPCKit at the gipc-test-host program, built next to the test bundle, which hosts the test entries.
enum TestHost {
    static let path: String = {
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return runner.deletingLastPathComponent().appendingPathComponent("gipc-test-host").path
    }()

    static func configure() {
        GIPC.entryHost = path
    }
}

/// A raw OS pipe for writing hand-made frames.
struct RawPipe {
    let readFD: Int32
    let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        precondition(pipe(&fds) == 0)
        readFD = fds[0]
        writeFD = fds[1]
    }

    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(writeFD, $0.baseAddress, $0.count) }
            precondition(n > 0)
            offset += n
        }
    }

    func closeWriteEnd() { _ = close(writeFD) }
}

struct Order: Codable, Sendable, Equatable {
    var id: Int
    var item: String
    var tags: [String]
    var price: Double?
}
