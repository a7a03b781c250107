import Foundation
import GIPCTestSupport
import Testing

@Suite("Fixture regeneration")
struct FixtureRegenerationTests {
    @Test("running Fixtures/generate.py again reproduces the committed bytes", .timeLimit(.minutes(1)))
    func regenerate() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("gipc-fixtures-\(UUID())")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Repository.fixtures.appendingPathComponent("generate.py").path, "--out", output.path,
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let committed = try files(under: Repository.fixtures).filter { $0 != "generate.py" }
        let generated = try files(under: output)
        #expect(committed == generated)
        for name in generated {
            let ours = try Data(contentsOf: output.appendingPathComponent(name))
            let theirs = try Data(contentsOf: Repository.fixtures.appendingPathComponent(name))
            #expect(ours == theirs, "\(name) differs from the committed file")
        }
    }

    private func files(under root: URL) throws -> [String] {
        let base = root.standardizedFileURL.path + "/"
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var names: [String] = []
        for case let url as URL in walker
        where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let path = url.standardizedFileURL.path
            if !path.contains("__pycache__") { names.append(String(path.dropFirst(base.count))) }
        }
        return names.sorted()
    }
}
