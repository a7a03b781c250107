import GIPCKit

/// The pool workload's job: the same small record the Python contenders echo.
struct BenchPoolJob: Codable, Sendable, Equatable {
    var id: Int
    var name: String
    var score: Double
    var tags: [String]

    init(id: Int) {
        self.id = id
        self.name = "job-\(id)"
        self.score = Double(id) * 0.5
        self.tags = ["a", "b"]
    }
}

/// Sends every job back: a pool worker that costs nothing but the round trip.
struct BenchPoolEcho: PoolWorker {
    func handle(_ job: BenchPoolJob) async throws -> BenchPoolJob { job }
}
