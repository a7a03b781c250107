import GIPCKit

/// Runs in each worker process, one job at a time.
struct WordCounter: PoolWorker {
    func handle(_ text: String) async throws -> Int {
        text.split(separator: " ").count
    }
}

// First statement of the program: in a worker, this runs the worker and exits.
await GIPC.bootstrap([WordCounter.self])

try await GIPC.withPool(WordCounter.self, options: PoolOptions(workers: 2)) { pool in
    print(try await pool.submit("one job in one worker process"))  // 6

    let lines = ["a crash fails only its own job", "results come in input order", "the input is read lazily"]
    for try await outcome in pool.map(lines) {
        print(outcome.index, try outcome.get())  // 0 7, 1 5, 2 5
    }
}  // leaving the scope drains the pool: no worker outlives it
