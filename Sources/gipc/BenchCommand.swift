import ArgumentParser

/// `gipc bench`: runs one GIPCKit workload and prints its figures (one JSON object with `--json`), so that the
/// benchmark harness in Benchmarks/ (or anyone) can drive it.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Runs one GIPCKit benchmark workload (parent to a child through one pipe).",
        discussion: "Workloads: \(BenchWorkload.allCases.map(\.rawValue).joined(separator: ", "))."
    )

    @Option(help: "The workload to run.")
    var workload: String

    @Option(help: "Override the workload's message (or iteration) count.")
    var count: Int?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard BenchWorkload(rawValue: workload) != nil else {
            throw ValidationError(
                "unknown workload '\(workload)'; one of: \(BenchWorkload.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if let count, count <= 0 { throw ValidationError("--count must be positive") }
    }

    func run() async throws {
        let chosen = BenchWorkload(rawValue: workload)!
        let result = try await chosen.run(count: count)
        print(json ? try result.json() : result.text)
    }
}
