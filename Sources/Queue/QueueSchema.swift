import Logging
import PostgresNIO

/// The queue's tables, in a schema of their own (`gipc_queue`), created and migrated by the library.
///
/// `gipc_queue.schema_version` holds one row per migration applied. Migrations run in one transaction under an
/// advisory lock, so that hosts starting together apply each exactly once; a database whose schema is newer than
/// this library knows is refused (``QueueError/Code/schemaTooNew``). docs/QUEUE.md describes the tables.
enum QueueSchema {
    /// The newest version this library knows: the number of ``migrations``.
    static var version: Int { migrations.count }

    /// The advisory lock key the migrations hold (an arbitrary constant: "gipcqueue" in ASCII, shortened).
    static let lockKey: Int64 = 0x6769_7063_7175_6575

    /// Migration N (from 1) is `migrations[N - 1]`: statements run in order.
    static let migrations: [[PostgresQuery]] = [
        [
            """
            CREATE TABLE gipc_queue.jobs (
                id uuid PRIMARY KEY,
                queue text NOT NULL,
                state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'dead', 'cancelled')),
                priority integer NOT NULL DEFAULT 0,
                run_after timestamptz NOT NULL DEFAULT now(),
                seq bigserial NOT NULL,
                max_attempts integer NOT NULL CHECK (max_attempts >= 1),
                attempts integer NOT NULL DEFAULT 0,
                timeout_ms bigint,
                codec text NOT NULL,
                payload bytea NOT NULL,
                result bytea,
                error_code text,
                error_message text,
                lease_owner text,
                lease_expires_at timestamptz,
                cancel_requested boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT now(),
                finished_at timestamptz
            )
            """,
            """
            CREATE INDEX jobs_ready ON gipc_queue.jobs (queue, priority DESC, run_after, seq) WHERE state = 'queued'
            """,
            "CREATE INDEX jobs_leased ON gipc_queue.jobs (lease_expires_at) WHERE state = 'running'",
            """
            CREATE TABLE gipc_queue.attempts (
                job_id uuid NOT NULL REFERENCES gipc_queue.jobs (id) ON DELETE CASCADE,
                attempt integer NOT NULL,
                host text NOT NULL,
                started_at timestamptz NOT NULL DEFAULT now(),
                finished_at timestamptz,
                outcome text CHECK (outcome IN ('succeeded', 'failed', 'expired', 'returned', 'cancelled')),
                error_code text,
                error_message text,
                PRIMARY KEY (job_id, attempt)
            )
            """,
        ]
    ]

    /// Creates the schema, or migrates it to ``version``, in one transaction under the advisory lock.
    /// - Throws: ``QueueError/Code/schemaTooNew``; postgres-nio's errors.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query("CREATE SCHEMA IF NOT EXISTS gipc_queue", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS gipc_queue.schema_version (
                    version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var current = 0
            for try await found in try await connection.query(
                "SELECT coalesce(max(version), 0)::int8 FROM gipc_queue.schema_version", logger: logger
            ).decode(Int.self) {
                current = found
            }
            guard current <= version else {
                throw QueueError(
                    .schemaTooNew,
                    "the database's queue schema is version \(current); this library knows up to \(version)")
            }
            for next in (current + 1)..<(version + 1) {
                for statement in migrations[next - 1] { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO gipc_queue.schema_version (version) VALUES (\(next))", logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
