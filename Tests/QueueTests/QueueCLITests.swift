import Foundation
import GIPCKit
import GIPCQueue
import Testing

extension QueueTests {
    /// `gipc submit`, `gipc queue status` and `gipc worker`, run as real processes.
    @Suite(.serialized)
    struct QueueCLITests {
        @Test(.timeLimit(.minutes(1)))
        func submitPrintsOneLinePerJobInOrder() async throws {
            let name = TestDatabase.queueName("cli")
            let host = try WorkerHost(queue: name, name: "cli-host", workers: 2)
            defer { host.send(SIGKILL) }
            try await host.waitUntilServing()
            let input = "1\n\n2\n[1, 2\n{\"n\": 5, \"crash\": true}\n40\n"
            let result = try run(
                QueueTestPrograms.gipc,
                [
                    "submit", "--database", try TestDatabase.url(), "--queue", name, "--max-attempts", "2", "--batch",
                    "2",
                ],
                input: input)
            #expect(result.status == 0, "\(result.error)")
            let lines = result.output.split(separator: "\n").map(String.init)
            #expect(lines.count == 5)
            #expect(lines[0] == #"{"job":0,"ok":2}"#)
            #expect(lines[1] == #"{"job":1,"ok":4}"#)
            #expect(lines[2].hasPrefix(#"{"job":2,"error":{"code":"badLine","message":"line 4, column"#))
            #expect(lines[3].hasPrefix(#"{"job":3,"error":{"code":"workerCrashed","#))
            #expect(lines[4] == #"{"job":4,"ok":80}"#)

            let status = try run(
                QueueTestPrograms.gipc, ["queue", "status", "--database", try TestDatabase.url(), "--queue", name])
            #expect(status.status == 0, "\(status.error)")
            #expect(
                status.output
                    == #"{"queue":"\#(name)","queued":0,"running":0,"succeeded":3,"dead":1,"cancelled":0}"# + "\n")
            await host.stop()
        }

        @Test(.timeLimit(.minutes(1)))
        func workerStopsGracefullyOnSIGTERM() async throws {
            let name = TestDatabase.queueName("term")
            let host = try WorkerHost(queue: name, name: "term-host", workers: 1)
            defer { host.send(SIGKILL) }
            try await host.waitUntilServing()
            host.send(SIGTERM)
            #expect(await host.join(within: .seconds(20)) == 0)
        }

        @Test(.timeLimit(.minutes(1)))
        func usageAndConnectionErrorsHaveTheirExitStatus() throws {
            let noProgram = try run(QueueTestPrograms.gipc, ["worker", "--queue", "q"])
            #expect(noProgram.status == 64)
            let badURL = try run(QueueTestPrograms.gipc, ["submit", "--database", "mysql://x", "--queue", "q"])
            #expect(badURL.status == 64)
            #expect(badURL.error.contains("invalidConfiguration"))
            let unreachable = try run(
                QueueTestPrograms.gipc,
                ["queue", "status", "--database", "postgres://gipc:gipc@127.0.0.1:1/postgres?sslmode=disable"])
            #expect(unreachable.status == 69)
            #expect(unreachable.error.contains("connectionFailed"))
        }
    }
}
