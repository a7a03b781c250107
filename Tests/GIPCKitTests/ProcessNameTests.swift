import Testing

@testable import GIPCKit
@testable import GIPCTestEntries

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// What `ps` shows for children: "<host program>: <entry>" as the command line, the entry as the name.
    @Suite("Process names", .timeLimit(.minutes(1)))
    struct ProcessNameTests {
        @Test("an entry child shows its host program and entry in cmdline, and the entry in comm")
        func entryChildNames() async throws {
            let expected = "gipc-test-host: \(ReadySleeper.entryName)"
            try await GIPC.withChild(ReadySleeper.self, .init(seconds: 60), standardOutput: .capture) { child in
                #expect(await nextLine(child.standardOutput) == "ready")
                #expect(child.name == expected)
                #expect(commandLine(child.pid) == expected + "\0")
                #expect(commandName(child.pid) == "ReadySleeper")
            }
        }

        @Test("a long entry name is cut to the 15 bytes a process name holds; a given name is used as it is")
        func longAndGivenNames() async throws {
            try await GIPC.withChild(
                SupervisionNameLengthProbe.self, .init(seconds: 60), name: "custom worker"
            ) { child in
                #expect(child.name == "custom worker")
                #expect(await eventually { commandName(child.pid) == "SupervisionName" })
                #expect(commandLine(child.pid) == "custom worker\0")
            }
        }

        @Test("the short name is the last part of the entry name, cut at a character boundary")
        func shortNames() {
            #expect(ProcessNames.shortName(entry: "App.Workers.Indexer") == "Indexer")
            #expect(ProcessNames.shortName(entry: "Plain") == "Plain")
            #expect(ProcessNames.shortName(entry: "M.ÉÉÉÉÉÉÉÉÉÉ") == "ÉÉÉÉÉÉÉ")  // 14 of 15 bytes
            #expect(ProcessNames.argumentZero(program: "/usr/local/bin/server", entry: "App.Job") == "server: App.Job")
            var buffer = [CChar](repeating: 0, count: 4096)
            let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            let target = String(decoding: buffer[..<max(0, count)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let fileName = String(target.split(separator: "/").last ?? "")
            #expect(ProcessNames.fileName(of: "/proc/self/exe") == fileName)
        }
    }
}
