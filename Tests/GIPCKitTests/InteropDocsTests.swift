import Foundation
import GIPCTestSupport
import Testing

/// The documentation shows the peers that the interop tests run, verbatim, so that it cannot rot.
@Suite("Interop documentation")
struct InteropDocsTests {
    private static func text(_ path: String) throws -> String {
        try String(contentsOf: Repository.root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test(
        "docs/PROTOCOL.md shows each peer of Tests/Interop verbatim",
        arguments: [("python", "echo_peer.py"), ("c", "peer.c"), ("erlang", "peer.escript")])
    func protocolPeers(language: String, file: String) throws {
        let protocolText = try Self.text("docs/PROTOCOL.md")
        let source = try Self.text("Tests/Interop/\(file)")
        #expect(protocolText.contains("```\(language)\n" + source + "```"))
    }

    @Test("the README shows Swift code only where a test checks it")
    func readmeSamples() throws {
        let readme = try Self.text("README.md")
        // Output shown as ```text is not code.
        let fences = readme.split(separator: "\n").filter { $0.hasPrefix("```") && $0 != "```" && $0 != "```text" }
        #expect(fences == ["```sh", "```swift", "```swift", "```swift", "```swift", "```swift", "```swift", "```sh"])
        // The three example programs (compiled and run), the supervised-child snippet (type-checked), the package
        // lines and the @main program (ReadmeTests).
        let blocks = readme.components(separatedBy: "```swift\n").dropFirst().map { $0.prefix(while: { $0 != "`" }) }
        #expect(blocks.count == 6)
        guard blocks.count == 6 else { return }
        #expect(blocks[0].contains("struct Doubler: ChildEntry"))
        #expect(blocks[1].contains("struct WordCounter: PoolWorker"))
        #expect(blocks[2].contains("distributed actor Counter: HostableActor"))
        #expect(blocks[3].contains("GIPC.withChild("))
        #expect(blocks[4].contains(".package(url:"))
        #expect(blocks[5].contains("@main"))
    }

    @Test(
        "each module has a DocC catalog with a getting-started article linked from its landing page",
        arguments: ["Transport/GIPCTransport", "Codecs/GIPCCodecs", "GIPCKit/GIPCKit", "Actors/GIPCActors"])
    func doccCatalogs(module: String) throws {
        let name = module.split(separator: "/").last!
        let landing = try Self.text("Sources/\(module).docc/\(name).md")
        #expect(landing.hasPrefix("# ``\(name)``"))
        #expect(landing.contains("<doc:GettingStarted>"))
        #expect(try Self.text("Sources/\(module).docc/GettingStarted.md").hasPrefix("# Getting started with \(name)"))
    }
}
