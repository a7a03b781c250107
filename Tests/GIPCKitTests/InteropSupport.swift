import Foundation
import GIPCKit
import Testing

/// Where the interop tests find their peers, the fixtures and the built `gipc` tool.
enum Interop {
    /// The repository root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// Tests/Interop: the Python, C and Erlang peers.
    static let peers = root.appendingPathComponent("Tests/Interop")
    /// The Fixtures folder.
    static let fixtures = root.appendingPathComponent("Fixtures")
    /// The `gipc` executable, built next to the test bundle.
    static let gipc = URL(fileURLWithPath: TestHost.path).deletingLastPathComponent().appendingPathComponent("gipc")
        .path

    /// The path of a peer source in Tests/Interop.
    static func peer(_ name: String) -> String { peers.appendingPathComponent(name).path }

    /// The four codecs by name, for parameterised tests.
    static let codecNames = ["raw", "json", "plist", "msgpack"]

    /// The codec called `name`.
    static func codec(_ name: String) -> any MessageCodec { CodecRegistry.codec(named: name)! }

    /// Whether an executable named `name` is on the PATH.
    static func hasExecutable(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { directory in
            FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)")
        }
    }
}

/// One golden case of Fixtures/manifest.json: its name, its value and its files per codec.
struct InteropCase: Sendable, CustomTestStringConvertible {
    let name: String
    let value: Value
    let files: [String: String]

    var testDescription: String { name }

    /// The bytes Python's library wrote for this case in `codec`.
    func bytes(_ codec: String) throws -> [UInt8]? {
        guard let path = files[codec] else { return nil }
        return [UInt8](try Data(contentsOf: Interop.fixtures.appendingPathComponent(path)))
    }

    /// Every golden case.
    static let all: [InteropCase] = {
        let data = try! Data(contentsOf: Interop.fixtures.appendingPathComponent("manifest.json"))
        let root = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (root["golden"] as! [[String: Any]]).map { entry in
            InteropCase(
                name: entry["name"] as! String, value: Self.value(entry["value"]!),
                files: entry["files"] as! [String: String])
        }
    }()

    /// The ``Value`` described by the manifest's codec-neutral notation (`["int", "255"]`, `["map", [...]]`, …).
    static func value(_ tagged: Any) -> Value {
        let parts = tagged as! [Any]
        switch parts[0] as! String {
        case "null": return .null
        case "bool": return .bool(parts[1] as! Bool)
        case "int":
            let text = parts[1] as! String
            return Int64(text).map(Value.int) ?? .uint(UInt64(text)!)
        case "double": return .double(Double(parts[1] as! String)!)
        case "float32": return .double(Double(Float(parts[1] as! String)!))
        case "string": return .string(parts[1] as! String)
        case "bytes": return .bytes([UInt8](Data(base64Encoded: parts[1] as! String)!))
        case "array": return .array((parts[1] as! [Any]).map(value))
        case "map":
            return .map((parts[1] as! [[Any]]).map { (key: value($0[0]), value: value($0[1])) })
        case "date":
            let seconds = (parts[1] as! NSNumber).int64Value
            let nanoseconds = (parts[2] as! NSNumber).int64Value
            return .date(Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9))
        case "extension":
            return .extension(
                type: Int8((parts[1] as! NSNumber).intValue), data: [UInt8](Data(base64Encoded: parts[2] as! String)!))
        default:
            fatalError("unknown tag \(parts[0]) in Fixtures/manifest.json")
        }
    }
}

/// `value` with every map's pairs sorted by key: JSON and property lists do not keep map order.
func sortedMaps(_ value: Value) -> Value {
    switch value {
    case .array(let elements): return .array(elements.map(sortedMaps))
    case .map(let pairs):
        return .map(
            pairs.map { (key: sortedMaps($0.key), value: sortedMaps($0.value)) }.sorted { "\($0.key)" < "\($1.key)" })
    default: return value
    }
}
