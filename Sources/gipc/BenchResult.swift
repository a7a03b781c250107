import Foundation

/// The figures of one run of one workload, printed as text or as one JSON object.
struct BenchResult: Codable, Sendable {
    /// One measured figure.
    struct Metric: Codable, Sendable {
        var name: String
        var value: Double
        var unit: String
        /// "higher" or "lower": which direction is better.
        var better: String
    }

    var workload: String
    var contender = "gipckit"
    var metrics: [Metric] = []
    /// Context: message size, count, tasks.
    var parameters: [String: Int] = [:]

    mutating func add(_ name: String, _ value: Double, _ unit: String, better: String = "higher") {
        metrics.append(Metric(name: name, value: value, unit: unit, better: better))
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    var text: String {
        let figures = metrics.map { "\($0.name) \(Self.format($0.value)) \($0.unit)" }
        return "\(workload): " + figures.joined(separator: ", ")
    }

    private static func format(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : String((value * 100).rounded() / 100)
    }
}

/// What a benchmark child reports to its parent: ready, then the totals it received.
struct BenchReport: Codable, Sendable {
    var messages = 0
    var bytes = 0
    var peakRSSBytes = 0
}
