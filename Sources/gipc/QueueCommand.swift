import ArgumentParser
import GIPCQueue

/// `gipc queue`: looks at queues in PostgreSQL.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Look at job queues in PostgreSQL.",
        subcommands: [QueueStatusCommand.self]
    )
}

/// `gipc queue status`: the number of jobs per state.
struct QueueStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print the number of jobs per state of a queue, or of every queue.",
        discussion: """
            One line per queue: {"queue":"NAME","queued":N,"running":N,"succeeded":N,"dead":N,"cancelled":N}. \
            Without --queue, every queue that has jobs, by name. Exit status: 0; 64 for a usage error; 69 when the \
            database cannot be reached.
            """
    )

    @Option(
        help: ArgumentHelp(
            "The database URL; default: the PG environment variables.", valueName: "url"))
    var database: String?

    @Option(help: ArgumentHelp("The queue's name; default: every queue.", valueName: "name"))
    var queue: String?

    func run() async throws {
        do {
            try await printStatus()
        } catch {
            throw error.report(command: "queue status")
        }
    }

    private func printStatus() async throws(CommandFailure) {
        let settings: DatabaseSettings
        do { settings = try DatabaseSettings.from(url: database) } catch { throw CommandFailure(error) }
        let only = queue
        let output = StreamOutput(fd: 1)
        do {
            try await JobQueue.withQueue(settings, name: only ?? "-") { queue in
                let statuses = only == nil ? try await queue.allStatuses() : [try await queue.status()]
                for status in statuses {
                    var line = "{\"queue\":"
                    ValueNotation.appendString(status.queue, to: &line)
                    for state in JobState.allCases { line += ",\"\(state.rawValue)\":\(status[state])" }
                    try output.send(Array((line + "}\n").utf8))
                }
            }
        } catch let error as CommandFailure {
            throw error
        } catch let error as QueueError {
            throw CommandFailure(error)
        } catch {
            throw CommandFailure("failed", "\(error)", exitCode: CommandFailure.unavailable)
        }
    }
}
