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

struct Order: Codable, Sendable, Equatable {
    var id: Int
    var item: String
    var tags: [String]
    var price: Double?
}
