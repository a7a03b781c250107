import ArgumentParser

/// `gipc demo`: what GIPCKit does, bounded in time.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Frames through a pipe, gipc's documentation examples ported to GIPCKit, and the cost of a child."
    )

    func run() async throws {
        try await Demo.run()
    }
}
