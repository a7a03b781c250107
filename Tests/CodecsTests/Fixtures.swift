import Foundation
import GIPCCodecs
import Testing

/// The Fixtures folder of the repository, found from this file's path.
let fixturesURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

/// One golden case of Fixtures/manifest.json.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    let name: String
    let value: Value
    /// True when the manifest's value holds a float32 (which ``Value`` widens to a double).
    let hasFloat32: Bool
    let swift: String
    let files: [String: String]

    var testDescription: String { name }

    func bytes(_ codec: String) throws -> [UInt8]? {
        guard let path = files[codec] else { return nil }
        return [UInt8](try Data(contentsOf: fixturesURL.appendingPathComponent(path)))
    }
}

/// One hostile case of Fixtures/manifest.json.
struct HostileCase: Sendable, CustomTestStringConvertible {
    let codec: String
    let name: String
    let file: String
    let swift: String
    let error: String

    var testDescription: String { "\(codec)/\(name)" }

    func bytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixturesURL.appendingPathComponent(file)))
    }
}

private func manifest(_ section: String) -> [[String: Any]] {
    let data = try! Data(contentsOf: fixturesURL.appendingPathComponent("manifest.json"))
    let root = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    return root[section] as! [[String: Any]]
}

let goldenCases: [GoldenCase] = manifest("golden").map { entry in
    var float32 = false
    let value = taggedValue(entry["value"]!, float32: &float32)
    return GoldenCase(
        name: entry["name"] as! String, value: value, hasFloat32: float32, swift: entry["swift"] as! String,
        files: entry["files"] as! [String: String])
}

let hostileCases: [HostileCase] = manifest("hostile").map { entry in
    HostileCase(
        codec: entry["codec"] as! String, name: entry["name"] as! String, file: entry["file"] as! String,
        swift: entry["swift"] as! String, error: entry["error"] as! String)
}

/// Builds the expected ``Value`` from the manifest's codec-neutral description.
func taggedValue(_ tagged: Any, float32: inout Bool) -> Value {
    let parts = tagged as! [Any]
    switch parts[0] as! String {
    case "null": return .null
    case "bool": return .bool(parts[1] as! Bool)
    case "int":
        let text = parts[1] as! String
        if let number = Int64(text) { return .int(number) }
        return .uint(UInt64(text)!)
    case "double": return .double(Double(parts[1] as! String)!)
    case "float32":
        float32 = true
        return .double(Double(Float(parts[1] as! String)!))
    case "string": return .string(parts[1] as! String)
    case "bytes": return .bytes([UInt8](Data(base64Encoded: parts[1] as! String)!))
    case "array": return .array((parts[1] as! [Any]).map { taggedValue($0, float32: &float32) })
    case "map":
        return .map(
            (parts[1] as! [[Any]]).map { pair in
                (key: taggedValue(pair[0], float32: &float32), value: taggedValue(pair[1], float32: &float32))
            })
    case "date":
        let seconds = (parts[1] as! NSNumber).int64Value
        let nanoseconds = (parts[2] as! NSNumber).int64Value
        return .date(Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9))
    case "extension":
        return .extension(
            type: Int8((parts[1] as! NSNumber).intValue), data: [UInt8](Data(base64Encoded: parts[2] as! String)!))
    default:
        fatalError("unknown tag \(parts[0])")
    }
}

/// `value` with every map's pairs sorted by key, for comparing values whose map order a codec does not keep.
func normalized(_ value: Value) -> Value {
    switch value {
    case .array(let elements): return .array(elements.map(normalized))
    case .map(let pairs):
        return .map(
            pairs.map { (key: normalized($0.key), value: normalized($0.value)) }
                .sorted { "\($0.key)" < "\($1.key)" })
    default: return value
    }
}
