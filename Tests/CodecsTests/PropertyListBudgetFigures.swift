import Foundation
import GIPCCodecs
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The time and peak memory of decoding the worst payloads within the default budget, for docs/CODECS.md:
/// `GIPC_PLIST_FIGURES=1 swift test -c release --filter PropertyListBudgetFigures`. Nothing is asserted. Decoding
/// into `Value` through Foundation's decoder is not measured here: inside the test runner every thrown error costs
/// far more than in a program (its failed attempts are thrown errors), so its figures in docs/CODECS.md come from a
/// standalone program.
@Suite(
    "Property list budget figures", .serialized, .timeLimit(.minutes(5)),
    .enabled(if: ProcessInfo.processInfo.environment["GIPC_PLIST_FIGURES"] == "1"))
struct PropertyListBudgetFigures {
    typealias Build = PropertyListBudgetTests

    struct Flag: Codable { var a: Bool }

    /// The process's resident and peak resident memory in KiB, from /proc/self/status.
    static func memory() -> (resident: Int, peak: Int) {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    /// Decodes `payload` with `body`, printing the time taken and the peak memory above the resident memory before.
    static func measure<T>(_ name: String, _ payload: [UInt8], _ body: ([UInt8]) throws -> T) {
        // Freed memory goes back to the system, and writing 5 to clear_refs resets the peak (VmHWM) to the current
        // resident memory.
        if let trim = dlsym(nil, "malloc_trim") {
            _ = unsafeBitCast(trim, to: (@convention(c) (Int) -> Int32).self)(0)
        }
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let before = memory().resident
        let start = ContinuousClock.now
        let outcome: String
        do {
            let result = try body(payload)
            outcome = "decoded"
            withExtendedLifetime(result) {}
        } catch let error as CodecError {
            outcome = "\(error.code)"
        } catch {
            outcome = "\(error)"
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let peak = (memory().peak - before) / 1024
        print("| \(name) | \(payload.count) | \(outcome) | \(String(format: "%.2f", seconds)) | \(peak) |")
    }

    /// `rows` references to one array of 1,000 references to `leaf`.
    static func bomb(rows: Int, leaf: [UInt8]) -> [UInt8] {
        Build.bplist(
            [
                Build.array([Int](repeating: 1, count: rows), refSize: 1),
                Build.array([Int](repeating: 2, count: 1000), refSize: 1), leaf,
            ], refSize: 1)
    }

    /// The most rows of 1,000 `leafUnits` leaves within the default budget.
    static func rows(_ leafUnits: Int) -> Int { (Build.budget - 16) / (16 + 1000 * leafUnits) }

    @Test("decoding the worst payloads within the default budget")
    func figures() throws {
        let codec = PropertyListCodec()
        print("| payload → target | bytes in | result | seconds | peak MiB above start |")
        let bools = Self.bomb(rows: Self.rows(16), leaf: [0x09])
        Self.measure("4.19M shared `true` → Value", bools) { try codec.decode(Value.self, from: $0) }
        Self.measure("4.19M shared `true` → [[Bool]]", bools) { try codec.decode([[Bool]].self, from: $0) }
        let ints = Self.bomb(rows: Self.rows(16), leaf: [0x10, 0x07])
        Self.measure("4.19M shared ints → [[Int]]", ints) { try codec.decode([[Int]].self, from: $0) }
        let dates = Self.bomb(rows: Self.rows(16), leaf: Build.real(0x33, 1e9))
        Self.measure("4.19M shared dates → [[Date]]", dates) { try codec.decode([[Date]].self, from: $0) }
        let data = Self.bomb(rows: Self.rows(17), leaf: [0x41, 0x07])
        Self.measure("3.94M shared 1-byte data → [[Data]]", data) { try codec.decode([[Data]].self, from: $0) }
        let flag = [0xD1, 3, 4, 0x51, UInt8(ascii: "a"), 0x09] as [UInt8]
        let dictionaries = Build.bplist(
            [
                Build.array([Int](repeating: 1, count: Self.rows(49)), refSize: 1),
                Build.array([Int](repeating: 2, count: 1000), refSize: 1), Array(flag[0..<3]), Array(flag[3..<5]),
                [0x09],
            ], refSize: 1)
        Self.measure("1.37M shared {\"a\": true} → [[Flag]]", dictionaries) {
            try codec.decode([[Flag]].self, from: $0)
        }
        let ascii = Build.bplist(
            [Build.array([Int](repeating: 1, count: 1023), refSize: 1), Build.ascii(65_536)], refSize: 1)
        Self.measure("64 KiB ASCII string x 1023 → Value", ascii) { try codec.decode(Value.self, from: $0) }
        Self.measure("64 KiB ASCII string x 1023 → [String]", ascii) { try codec.decode([String].self, from: $0) }
        let utf16 = Build.bplist(
            [
                Build.array([Int](repeating: 1, count: 1023), refSize: 1),
                Build.header(0x60, 32_768) + [UInt8](repeating: 0x4e, count: 2 * 32_768),
            ], refSize: 1)
        Self.measure("32K-unit UTF-16 string (U+4E4E) x 1023 → [String]", utf16) {
            try codec.decode([String].self, from: $0)
        }
        let beyond = Build.bplist(
            [Build.array([Int](repeating: 1, count: 1024), refSize: 1), Build.ascii(65_536)], refSize: 1)
        Self.measure("64 KiB ASCII string x 1024 (beyond) → Value", beyond) { try codec.decode(Value.self, from: $0) }
        // For comparison: the same values without shared containers.
        let unshared = try codec.encode([[Bool]](repeating: [Bool](repeating: true, count: 1000), count: Self.rows(16)))
        Self.measure("4.19M `true`, no shared containers → [[Bool]]", unshared) {
            try codec.decode([[Bool]].self, from: $0)
        }
        var deep = (0..<450).map { Build.array([$0 + 1], refSize: 2) }
        deep.append(Build.array([Int](repeating: 451, count: 10_000), refSize: 2))
        deep.append(Build.real(0x33, 1e9))
        Self.measure("10,000 dates at depth 451 → Value", Build.bplist(deep, refSize: 2)) {
            try codec.decode(Value.self, from: $0)
        }
    }
}
