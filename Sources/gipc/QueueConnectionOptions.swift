import ArgumentParser
import GIPCQueue

/// The options every queue command shares: the database and the queue's name.
struct QueueConnectionOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The database: postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=MODE]; default: the PG environment "
                + "variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE).", valueName: "url"))
    var database: String?

    @Option(help: ArgumentHelp("The queue's name.", valueName: "name"))
    var queue: String

    /// The database's settings.
    func settings() throws(CommandFailure) -> DatabaseSettings {
        do {
            return try DatabaseSettings.from(url: database)
        } catch {
            throw CommandFailure(error.code.description, error.message, exitCode: 64)
        }
    }
}

extension CommandFailure {
    /// `EX_UNAVAILABLE`: the database cannot be reached or refused the queue's statements.
    static let unavailable: Int32 = 69

    /// A queue error that ends a command.
    init(_ error: QueueError) {
        let usage = error.code == .invalidConfiguration || error.code == .invalidArgument
        self.init(error.code.description, error.message, exitCode: usage ? 64 : CommandFailure.unavailable)
    }
}
