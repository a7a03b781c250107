import Foundation
import GIPCKit
import GIPCTestSupport
import Testing

extension ProcessTests {
    @Suite("README")
    struct ReadmeTests {
        static let root = Repository.root

        /// The README's text.
        static func readme() throws -> String {
            try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        }

        /// The contents of the README's ```swift blocks, in order.
        static func swiftBlocks() throws -> [String] {
            try readme().components(separatedBy: "```swift\n").dropFirst().map {
                String($0[..<$0.range(of: "```")!.lowerBound])
            }
        }

        /// Runs `command` with `/bin/sh`; returns its exit status and what it wrote to standard error.
        static func shell(_ command: String) async throws -> (status: ExitStatus, error: String) {
            let errors = FileManager.default.temporaryDirectory.appendingPathComponent("gipc-readme-\(getpid()).err")
            defer { try? FileManager.default.removeItem(at: errors) }
            let child = try await GIPC.start(
                executable: "/bin/sh", arguments: ["-c", "\(command) 2> '\(errors.path)'"])
            let status = try await child.join()
            return (status, (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
        }

        /// The README's example programs: their sources, their executables, and what each prints.
        static let examples = [
            ("Tests/ReadmeExample/main.swift", "gipc-readme-example", "[2, 4, 6] exited with code 0\n"),
            ("Tests/ReadmePoolExample/main.swift", "gipc-readme-pool-example", "6\n0 7\n1 5\n2 5\n"),
            ("Tests/ReadmeActorExample/main.swift", "gipc-readme-actor-example", "2 5\n"),
        ]

        @Test(
            "the README shows each example program verbatim, and the program prints what the README says",
            arguments: 0..<3)
        func readmeExample(index: Int) async throws {
            let (source, executable, expected) = Self.examples[index]
            let readme = try Self.readme()
            let example = try String(contentsOf: Repository.root.appendingPathComponent(source), encoding: .utf8)
            #expect(readme.contains("```swift\n" + example + "```"))

            let program = URL(fileURLWithPath: TestHost.path).deletingLastPathComponent()
                .appendingPathComponent(executable).path
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("gipc-readme-\(getpid()).txt")
            defer { try? FileManager.default.removeItem(at: output) }
            let child = try await GIPC.start(
                executable: "/bin/sh", arguments: ["-c", "'\(program)' > '\(output.path)'"])
            #expect(try await child.join() == .exited(0))
            let printed = try String(contentsOf: output, encoding: .utf8)
            #expect(printed == expected)
        }

        /// The `@main` variant of "Use it in your package", type-checked with the example's `Doubler` against the
        /// modules this test run was built with (SwiftPM's layout: Modules/ and the C target's generated module map
        /// beside the executables).
        @Test("the README's @main program type-checks against GIPCKit", .timeLimit(.minutes(2)))
        func mainAttributeExample() async throws {
            let blocks = try Self.swiftBlocks().filter { $0.contains("@main") }
            try #require(blocks.count == 1)
            #expect(blocks[0].contains("await GIPC.bootstrap([Doubler.self])"))
            let example = try String(
                contentsOf: Self.root.appendingPathComponent("Tests/ReadmeExample/main.swift"), encoding: .utf8)
            let doubler = try #require(example.components(separatedBy: "// First statement").first)

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gipc-readme-\(getpid())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let files = [
                directory.appendingPathComponent("MyTool.swift"), directory.appendingPathComponent("Doubler.swift"),
            ]
            try blocks[0].write(to: files[0], atomically: true, encoding: .utf8)
            try doubler.write(to: files[1], atomically: true, encoding: .utf8)

            let result = try await Self.typecheck(files, asLibrary: true)
            #expect(result.status == .exited(0), "\(result.error)")
        }

        @Test("the README's supervised-child snippet type-checks against GIPCKit", .timeLimit(.minutes(2)))
        func withChildExample() async throws {
            let blocks = try Self.swiftBlocks().filter { $0.contains("GIPC.withChild(") }
            try #require(blocks.count == 1)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gipc-readme-c\(getpid())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("main.swift")
            try ("import GIPCKit\n\n" + blocks[0]).write(to: file, atomically: true, encoding: .utf8)
            let result = try await Self.typecheck([file], asLibrary: false)
            #expect(result.status == .exited(0), "\(result.error)")
        }

        /// Type-checks `files` against the modules this test run was built with (SwiftPM's layout: Modules/ and the C
        /// target's generated module map beside the executables).
        static func typecheck(_ files: [URL], asLibrary: Bool) async throws -> (status: ExitStatus, error: String) {
            let build = URL(fileURLWithPath: TestHost.path).deletingLastPathComponent()
            let arguments =
                ["swiftc", "-typecheck"] + (asLibrary ? ["-parse-as-library"] : []) + [
                    "-swift-version", "6",
                    "-I", build.appendingPathComponent("Modules").path,
                    "-Xcc",
                    "-fmodule-map-file=" + Self.root.appendingPathComponent("Sources/CMsgPack/module.modulemap").path,
                    "-Xcc",
                    "-fmodule-map-file=" + build.appendingPathComponent("CGIPCSystem.build/module.modulemap").path,
                ]
            return try await Self.shell((arguments + files.map(\.path)).map { "'\($0)'" }.joined(separator: " "))
        }

        @Test("the README's package lines name a library product of Package.swift")
        func packageLines() throws {
            let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
            let blocks = try Self.swiftBlocks().filter { $0.contains(".package(url:") }
            try #require(blocks.count == 1)
            #expect(blocks[0].contains(#".product(name: "GIPCKit", package: "GIPCKit")"#))
            #expect(manifest.contains(#".library(name: "GIPCKit", targets: ["GIPCKit"])"#))
            #expect(try Self.readme().contains("pkg-config --exists msgpack"))
            #expect(manifest.contains(#"pkgConfig: "msgpack""#))
        }
    }
}
