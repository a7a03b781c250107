public import GIPCActors

/// A process that exposes a ``Calculator`` as "calculator" and a ``Worker`` as "worker" on a socket listener with
/// an authentication key, reports the listener's address on `report`, and serves until it is killed or its parent
/// closes `report`.
public struct ActorServer: ChildEntry {
    public struct Arguments: Codable, Sendable {
        /// Where to listen, in the text form of `SocketAddress` (port 0: any free port).
        public var address: String
        public var key: [UInt8]
        public var report: DuplexPipe<String, String>
        public init(address: String, key: [UInt8], report: DuplexPipe<String, String>) {
            self.address = address
            self.key = key
            self.report = report
        }
    }

    public static func main(_ arguments: Arguments) async throws {
        let system = GIPCActorSystem()
        try system.expose(Calculator(actorSystem: system), as: "calculator")
        try system.expose(Worker(actorSystem: system), as: "worker")
        try system.expose(Relay(actorSystem: system), as: "relay")
        let listener = try system.listen(
            on: try SocketAddress(parsing: arguments.address), authentication: .key(arguments.key))
        try await arguments.report.put("\(listener.address)")
        // Serve until the parent closes its end.
        while (try? await arguments.report.get()) != nil {}
        await system.shutdown(gracePeriod: .seconds(1))
    }
}
