import ArgumentParser

/// The `gipc` command-line tool.
struct GIPCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gipc",
        abstract: "Child processes and length-prefixed message pipes for Swift concurrency.",
        version: GIPCVersion.current,
        subcommands: [
            DemoCommand.self,
            EchoCommand.self,
            InspectCommand.self,
            EncodeCommand.self,
            PoolCommand.self,
            WorkerCommand.self,
            SubmitCommand.self,
            QueueCommand.self,
            BenchCommand.self,
        ]
    )
}

extension GIPCCommand {
    /// Parses the command line and runs the chosen subcommand (what `@main` would do).
    static func runAsRoot() async {
        await Self.main()
    }
}
