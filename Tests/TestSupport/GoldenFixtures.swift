internal import Foundation
public import GIPCCodecs

/// One golden case of Fixtures/manifest.json: a value, the Swift type it decodes as, and the files Python's libraries
/// wrote for it, per codec.
public struct GoldenCase: Sendable, CustomStringConvertible {
    public let name: String
    public let value: Value
    /// True when the manifest's value holds a float32 (which ``Value`` widens to a double).
    public let hasFloat32: Bool
    /// The Swift type the case decodes as (see Fixtures/manifest.json).
    public let swift: String
    /// The file of each codec that has one, relative to the Fixtures folder.
    public let files: [String: String]

    public var description: String { name }

    /// The bytes Python's library wrote for this case in `codec`; `nil` if the codec has no file for it.
    ///
    /// - Parameter codec: A codec name: `msgpack`, `json` or `plist`.
    /// - Returns: The bytes, or `nil`.
    /// - Throws: When the file cannot be read.
    public func bytes(_ codec: String) throws -> [UInt8]? {
        guard let path = files[codec] else { return nil }
        return [UInt8](try Data(contentsOf: Repository.fixtures.appendingPathComponent(path)))
    }

    /// Every golden case, in the manifest's order.
    public static let all: [GoldenCase] = manifest("golden").map { entry in
        var float32 = false
        let value = Value(manifest: entry["value"]!, float32: &float32)
        return GoldenCase(
            name: entry["name"] as! String, value: value, hasFloat32: float32, swift: entry["swift"] as! String,
            files: entry["files"] as! [String: String])
    }
}

/// One hostile case of Fixtures/manifest.json: a payload that must fail to decode, and the error code it must get.
public struct HostileCase: Sendable, CustomStringConvertible {
    public let codec: String
    public let name: String
    /// The payload's file, relative to the Fixtures folder.
    public let file: String
    /// The Swift type the payload is decoded as.
    public let swift: String
    /// The expected ``CodecError/Code``, by name.
    public let error: String

    public var description: String { "\(codec)/\(name)" }

    /// The payload.
    ///
    /// - Throws: When the file cannot be read.
    public func bytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Repository.fixtures.appendingPathComponent(file)))
    }

    /// Every hostile case, in the manifest's order.
    public static let all: [HostileCase] = manifest("hostile").map { entry in
        HostileCase(
            codec: entry["codec"] as! String, name: entry["name"] as! String, file: entry["file"] as! String,
            swift: entry["swift"] as! String, error: entry["error"] as! String)
    }
}

/// One section of Fixtures/manifest.json.
private func manifest(_ section: String) -> [[String: Any]] {
    let data = try! Data(contentsOf: Repository.fixtures.appendingPathComponent("manifest.json"))
    let root = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    return root[section] as! [[String: Any]]
}

extension Value {
    /// The value that the manifest's codec-neutral notation describes (`["int", "255"]`, `["map", [...]]`, …).
    ///
    /// - Parameters:
    ///   - tagged: The notation, as `JSONSerialization` read it.
    ///   - float32: Set to true when the value holds a float32 (which ``Value`` widens to a double).
    fileprivate init(manifest tagged: Any, float32: inout Bool) {
        let parts = tagged as! [Any]
        switch parts[0] as! String {
        case "null": self = .null
        case "bool": self = .bool(parts[1] as! Bool)
        case "int":
            let text = parts[1] as! String
            self = Int64(text).map(Value.int) ?? .uint(UInt64(text)!)
        case "double": self = .double(Double(parts[1] as! String)!)
        case "float32":
            float32 = true
            self = .double(Double(Float(parts[1] as! String)!))
        case "string": self = .string(parts[1] as! String)
        case "bytes": self = .bytes([UInt8](Data(base64Encoded: parts[1] as! String)!))
        case "array": self = .array((parts[1] as! [Any]).map { Value(manifest: $0, float32: &float32) })
        case "map":
            self = .map(
                (parts[1] as! [[Any]]).map { pair in
                    (
                        key: Value(manifest: pair[0], float32: &float32),
                        value: Value(manifest: pair[1], float32: &float32)
                    )
                })
        case "date":
            let seconds = (parts[1] as! NSNumber).int64Value
            let nanoseconds = (parts[2] as! NSNumber).int64Value
            self = .date(Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9))
        case "extension":
            self = .extension(
                type: Int8((parts[1] as! NSNumber).intValue), data: [UInt8](Data(base64Encoded: parts[2] as! String)!))
        default:
            fatalError("unknown tag \(parts[0]) in Fixtures/manifest.json")
        }
    }
}
