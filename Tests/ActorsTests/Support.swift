import Foundation
import GIPCKit
import Testing

/// Points GIPCKit at the gipc-test-host program, built next to the test bundle, which hosts the test actors.
enum TestHost {
    static let path: String = {
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return runner.deletingLastPathComponent().appendingPathComponent("gipc-test-host").path
    }()
}
