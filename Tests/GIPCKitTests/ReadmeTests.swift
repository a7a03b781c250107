import Foundation
import GIPCKit
import GIPCTestSupport
import Testing

extension ProcessTests {
    @Suite("README")
    struct ReadmeTests {
        @Test("the README shows the example program verbatim, and the program prints what the README says")
        func readmeExample() async throws {
            let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
            let example = try String(
                contentsOf: Repository.root.appendingPathComponent("Tests/ReadmeExample/main.swift"), encoding: .utf8)
            #expect(readme.contains("```swift\n" + example + "```"))

            let program = URL(fileURLWithPath: TestHost.path).deletingLastPathComponent()
                .appendingPathComponent("gipc-readme-example").path
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("gipc-readme-\(getpid()).txt")
            defer { try? FileManager.default.removeItem(at: output) }
            let child = try await GIPC.start(
                executable: "/bin/sh", arguments: ["-c", "'\(program)' > '\(output.path)'"])
            #expect(try await child.join() == .exited(0))
            let printed = try String(contentsOf: output, encoding: .utf8)
            #expect(printed == "[2, 4, 6] exited with code 0\n")
        }
    }
}
