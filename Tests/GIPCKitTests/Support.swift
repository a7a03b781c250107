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

/// The trait of a suite whose tests start entries: ``TestHost`` is configured before any of them runs.
struct StartsEntriesInTestHost: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        TestHost.configure()
        try await function()
    }
}

extension Trait where Self == StartsEntriesInTestHost {
    /// The suite's children run their entries in gipc-test-host.
    static var testHost: Self { Self() }
}

struct Order: Codable, Sendable, Equatable {
    var id: Int
    var item: String
    var tags: [String]
    var price: Double?
}
