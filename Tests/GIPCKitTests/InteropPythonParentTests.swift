import Foundation
import GIPCKit
import GIPCTestSupport
import Testing

extension ProcessTests {
    /// A Python parent (Tests/Interop/python_parent.py, `subprocess`) starting a Swift child: `gipc echo` on its
    /// standard input and output, `gipc echo` on descriptors passed with `pass_fds`, and the Swift entry
    /// `GIPCTestEntries.Echo` started by hand the way `GIPC.start` starts entries.
    @Suite("Interop: Python parent, Swift child")
    struct InteropPythonParent {
        struct Report: Codable, Sendable {
            var checked: Int
            var failures: [String]
            var status: Int
            var stderr: String
        }

        static let modes = ["stdio", "fds", "entry"]

        @Test(
            "every golden value, an empty frame and 16 MiB come back intact", .timeLimit(.minutes(1)),
            arguments: modes, Interop.codecNames)
        func echo(mode: String, codecName: String) async throws {
            let (reports, reportSink) = try GIPC.pipe(of: Report.self, codec: .json)
            let program = mode == "entry" ? TestHost.path : Interop.gipc
            let child = try await GIPC.start(
                executable: "python3",
                arguments: [Interop.peer("python_parent.py"), mode, program, codecName, Repository.fixtures.path],
                environment: .replace(inheritedEnvironment()), handles: [reportSink])
            let report = try await reports.get(timeout: .seconds(50))
            #expect(report.failures == [])
            #expect(report.status == 0, "Swift child's standard error: \(report.stderr)")
            // Every golden case of the codec (plist: those with an array, dictionary or data at the top), plus
            // the 16 MiB value and, for raw, the empty frame.
            let expected = ["raw": 66, "json": 63, "plist": 16, "msgpack": 65][codecName]!
            #expect(report.checked == expected)
            #expect(try await child.join() == .exited(0))
        }
    }
}
