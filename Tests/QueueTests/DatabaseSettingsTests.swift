import GIPCQueue
import Testing

/// Connection settings from URLs and the PG environment variables, as libpq reads them.
struct DatabaseSettingsTests {
    @Test func urlGivesEveryPart() throws {
        let settings = try DatabaseSettings(
            url: "postgresql://al%40ice:p%3Ass@db.example:6432/jobs?sslmode=verify-full&sslrootcert=/ca.pem",
            environment: [:])
        #expect(settings.host == "db.example")
        #expect(settings.port == 6432)
        #expect(settings.user == "al@ice")
        #expect(settings.password == "p:ss")
        #expect(settings.database == "jobs")
        #expect(settings.tlsMode == .verifyFull)
        #expect(settings.rootCertificatePath == "/ca.pem")
    }

    @Test func queryParametersNameAUnixSocket() throws {
        let settings = try DatabaseSettings(
            url: "postgres://postgres@localhost/postgres?host=/tmp/cluster/socket&port=5999", environment: [:])
        #expect(settings.host == "/tmp/cluster/socket")
        #expect(settings.port == 5999)
    }

    @Test func theEnvironmentFillsWhatTheURLLeavesOut() throws {
        let environment = [
            "PGHOST": "/run/pg", "PGPORT": "5433", "PGUSER": "worker", "PGPASSWORD": "pw", "PGDATABASE": "q",
            "PGSSLMODE": "require",
        ]
        let fromEnvironment = try DatabaseSettings.environment(environment)
        #expect(fromEnvironment.host == "/run/pg" && fromEnvironment.port == 5433)
        #expect(fromEnvironment.user == "worker" && fromEnvironment.password == "pw")
        #expect(fromEnvironment.database == "q" && fromEnvironment.tlsMode == .require)
        let mixed = try DatabaseSettings(url: "postgres://db.example/other", environment: environment)
        #expect(mixed.host == "db.example" && mixed.port == 5433 && mixed.user == "worker")
        #expect(mixed.database == "other")
    }

    @Test(arguments: ["mysql://db/x", "postgres://db/x?sslmode=sometimes", "postgres://db/x?port=99999", "::"])
    func badSettingsAreRefused(url: String) {
        let error = #expect(throws: QueueError.self) { try DatabaseSettings(url: url, environment: [:]) }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test func aBadPortInTheEnvironmentIsRefused() {
        let error = #expect(throws: QueueError.self) { try DatabaseSettings.environment(["PGPORT": "fifty"]) }
        #expect(error?.code == .invalidConfiguration)
    }
}
