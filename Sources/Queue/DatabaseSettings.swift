public import Foundation
import PostgresNIO

/// Where the queue's database is and how to log in: from a `postgres://` URL or the standard PG environment variables.
///
/// ```swift
/// let settings = try DatabaseSettings(url: "postgres://gipc:secret@db.internal:5432/jobs?sslmode=verify-full")
/// let local = try DatabaseSettings.environment()  // PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE
/// ```
///
/// A host that starts with `/` is the folder of a Unix socket (`.s.PGSQL.PORT` inside it), as in libpq. TLS follows
/// libpq's `sslmode`: `disable`; `allow` and `prefer` (the default over TCP) use TLS when the server offers it;
/// `require` insists on TLS without checking the certificate; `verify-ca` and `verify-full` check it against the
/// system's roots or `sslrootcert`, `verify-full` also the host name. A Unix socket never uses TLS.
public struct DatabaseSettings: Sendable, CustomStringConvertible {
    /// libpq's `sslmode`.
    public enum TLSMode: String, Sendable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// The host name or address, or the folder of a Unix socket (starting with `/`).
    public var host: String
    /// The port (also part of a Unix socket's name).
    public var port: Int
    /// The role to log in as.
    public var user: String
    /// Its password, if any.
    public var password: String?
    /// The database.
    public var database: String
    /// Whether and how to use TLS over TCP.
    public var tlsMode: TLSMode
    /// A PEM file of the certificate authorities to trust (`sslrootcert`) for `verify-ca` and `verify-full`.
    public var rootCertificatePath: String?

    /// Settings given one by one.
    /// - Parameters:
    ///   - host: a host name or address, or the folder of a Unix socket.
    ///   - port: the port; default 5432.
    ///   - user: the role.
    ///   - password: its password.
    ///   - database: the database; default: the role's name.
    ///   - tlsMode: libpq's `sslmode`; default `prefer`.
    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String? = nil,
        tlsMode: TLSMode = .prefer
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database ?? user
        self.tlsMode = tlsMode
    }

    /// The settings a `postgres://` (or `postgresql://`) URL gives, the PG environment variables filling what it
    /// leaves out.
    ///
    /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE&sslrootcert=FILE&host=/socket/folder&port=N`; query
    /// parameters `host`, `port`, `user`, `password` and `dbname` override the parts before them, as in libpq.
    /// - Parameters:
    ///   - url: the URL.
    ///   - environment: the variables to fill in from; default: this process's.
    /// - Throws: ``QueueError`` ``QueueError/Code/invalidConfiguration``.
    public init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(QueueError) {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else {
            throw QueueError(.invalidConfiguration, "not a postgres:// URL: \(Self.redacted(url))")
        }
        var settings = try Self.environment(environment)
        if let host = components.host, !host.isEmpty { settings.host = host.removingPercentEncoding ?? host }
        if let port = components.port { settings.port = port }
        if let user = components.user, !user.isEmpty { settings.user = user.removingPercentEncoding ?? user }
        if let password = components.password { settings.password = password.removingPercentEncoding ?? password }
        let path = components.path.drop(while: { $0 == "/" })
        if !path.isEmpty { settings.database = String(path).removingPercentEncoding ?? String(path) }
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "host": settings.host = value
            case "port":
                guard let port = Int(value), (1...65535).contains(port) else {
                    throw QueueError(.invalidConfiguration, "port is not a port number: \(value)")
                }
                settings.port = port
            case "user": settings.user = value
            case "password": settings.password = value
            case "dbname": settings.database = value
            case "sslmode": settings.tlsMode = try Self.tlsMode(value)
            case "sslrootcert": settings.rootCertificatePath = value
            default: break
            }
        }
        self = settings
    }

    /// The settings of the standard PG environment variables: `PGHOST` (default `localhost`), `PGPORT` (5432),
    /// `PGUSER` (`USER`, then `postgres`), `PGPASSWORD`, `PGDATABASE` (the user), `PGSSLMODE` (`prefer`),
    /// `PGSSLROOTCERT`.
    /// - Parameter environment: the variables; default: this process's.
    /// - Returns: the settings.
    /// - Throws: ``QueueError`` ``QueueError/Code/invalidConfiguration`` for a bad `PGPORT` or `PGSSLMODE`.
    public static func environment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(QueueError) -> DatabaseSettings {
        let user = environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        var port = 5432
        if let text = environment["PGPORT"], !text.isEmpty {
            guard let value = Int(text), (1...65535).contains(value) else {
                throw QueueError(.invalidConfiguration, "PGPORT is not a port number: \(text)")
            }
            port = value
        }
        var settings = DatabaseSettings(
            host: environment["PGHOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "localhost", port: port, user: user,
            password: environment["PGPASSWORD"], database: environment["PGDATABASE"].flatMap { $0.isEmpty ? nil : $0 })
        if let mode = environment["PGSSLMODE"], !mode.isEmpty { settings.tlsMode = try tlsMode(mode) }
        settings.rootCertificatePath = environment["PGSSLROOTCERT"]
        return settings
    }

    /// The URL if one is given, else the environment.
    /// - Parameter url: a `postgres://` URL, or `nil`.
    /// - Returns: the settings.
    /// - Throws: ``QueueError`` ``QueueError/Code/invalidConfiguration``.
    public static func from(url: String?) throws(QueueError) -> DatabaseSettings {
        if let url { return try DatabaseSettings(url: url) }
        return try environment()
    }

    public var description: String {
        "\(user)@\(host):\(port)/\(database) (sslmode \(tlsMode.rawValue))"
    }

    private static func tlsMode(_ text: String) throws(QueueError) -> TLSMode {
        guard let mode = TLSMode(rawValue: text) else {
            throw QueueError(
                .invalidConfiguration,
                "unknown sslmode '\(text)' (disable, allow, prefer, require, verify-ca, verify-full)")
        }
        return mode
    }

    private static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "(unprintable)"
    }

    /// postgres-nio's configuration of a client.
    func clientConfiguration() throws(QueueError) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if host.hasPrefix("/") {
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: try tls())
        }
        return configuration
    }

    private func tls() throws(QueueError) -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let rootCertificatePath { tls.trustRoots = .file(rootCertificatePath) }
        switch tlsMode {
        case .disable:
            return .disable
        case .allow, .prefer:
            tls.certificateVerification = .none
            return .prefer(tls)
        case .require:
            tls.certificateVerification = .none
            return .require(tls)
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
            return .require(tls)
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            return .require(tls)
        }
    }
}
