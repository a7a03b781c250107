import Foundation
import GIPCKit
import Testing

@testable import GIPCTestEntries

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// A child's environment: inherited, inherited with changes, or replaced; and the PATH its program is found in.
    @Suite("Child environments", .timeLimit(.minutes(1)))
    struct Environments {
        @Test("resolved(from:) applies the rules")
        func resolution() {
            let base = ["A": "1", "B": "2"]
            #expect(ChildEnvironment.inherit.resolved(from: base) == base)
            #expect(
                ChildEnvironment.inherit(updating: ["B": "3", "C": "4", "A": nil]).resolved(from: base)
                    == ["B": "3", "C": "4"])
            #expect(ChildEnvironment.inherit(updating: ["Z": nil]).resolved(from: base) == base)
            #expect(ChildEnvironment.replace(["X": "y"]).resolved(from: base) == ["X": "y"])
            let literal: ChildEnvironment = ["X": "y"]
            #expect(literal.resolved(from: base) == ["X": "y"])
            let empty: ChildEnvironment = [:]
            #expect(empty.resolved(from: base) == [:])
        }

        @Test("an entry child inherits this process's environment, with additions, changes and removals")
        func entryEnvironment() async throws {
            let names = ["PATH", "HOME", "GIPC_TEST_ADDED"]
            let here = ProcessInfo.processInfo.environment
            let inherited = try await GIPC.start(
                PrintEnvironment.self, .init(names: names), standardOutput: .capture)
            #expect(try await inherited.join() == .exited(0))
            #expect(
                await inherited.standardOutput?.finalLines()
                    == names.map { name in here[name].map { "\(name)=\($0)" } ?? "\(name) unset" })

            let updated = try await GIPC.start(
                PrintEnvironment.self, .init(names: names),
                environment: .inherit(updating: ["PATH": nil, "HOME": "/elsewhere", "GIPC_TEST_ADDED": "added"]),
                standardOutput: .capture)
            #expect(try await updated.join() == .exited(0))
            #expect(
                await updated.standardOutput?.finalLines() == [
                    "PATH unset", "HOME=/elsewhere", "GIPC_TEST_ADDED=added",
                ])
        }

        @Test("replace gives exactly the variables given (a dictionary literal means the same)")
        func replacedEnvironment() async throws {
            for environment: ChildEnvironment in [.replace(["ONLY": "this one"]), ["ONLY": "this one"]] {
                let child = try await GIPC.start(
                    executable: "/usr/bin/env", environment: environment, standardOutput: .capture)
                #expect(try await child.join() == .exited(0))
                let lines = await child.standardOutput?.finalLines() ?? []
                // GIPC_HANDLES describes the (here: no) handles; every child started with GIPCKit has it.
                #expect(lines.filter { !$0.hasPrefix("GIPC_HANDLES=") } == ["ONLY=this one"])
            }
        }

        @Test("a bare executable name is looked up in the PATH the child gets")
        func pathOfTheChild() async throws {
            let directory = temporaryPath("bin")
            #expect(mkdir(directory, 0o755) == 0)
            let program = "\(directory)/gipc-path-probe"
            defer {
                unlink(program)
                rmdir(directory)
            }
            writeFile(program, "#!/bin/sh\necho found \"$0\"\n", mode: 0o755)

            let missing = await gipcError { _ = try await GIPC.start(executable: "gipc-path-probe") }
            #expect(missing?.code == .executableNotFound)

            let here = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            for environment: ChildEnvironment in [
                .inherit(updating: ["PATH": "\(directory):\(here)"]), .replace(["PATH": directory]),
            ] {
                let child = try await GIPC.start(
                    executable: "gipc-path-probe", environment: environment, standardOutput: .capture)
                #expect(try await child.join() == .exited(0))
                #expect(await child.standardOutput?.finalLines() == ["found \(program)"])
            }
            let refused = await gipcError {
                _ = try await GIPC.start(executable: "sh", environment: .replace(["PATH": directory]))
            }
            #expect(refused?.code == .executableNotFound)
        }
    }
}
