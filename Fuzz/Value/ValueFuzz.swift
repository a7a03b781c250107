import Foundation

// libFuzzer target: Value through each codec. The input drives a generator of Values (independent of any decoder);
// each Value is encoded by every codec, and whatever encodes must decode again: to an equal Value in MessagePack
// (which carries every case), and without error in JSON and property lists (whose mappings are documented in
// docs/CODECS.md and are lossy by design: no null in plists, bytes as base64 in JSON, sorted keys).

private let codecs: [any MessageCodec] = [MessagePackCodec(), JSONCodec(), PropertyListCodec()]

private struct Generator {
    var bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func integer() -> UInt64 { (0..<8).reduce(UInt64(0)) { acc, _ in acc << 8 | UInt64(byte()) } }

    mutating func blob() -> [UInt8] { (0..<Int(byte() % 24)).map { _ in byte() } }

    mutating func value(depth: Int) -> Value {
        let tag = byte()
        switch tag % (depth > 12 ? 9 : 11) {
        case 0: return .null
        case 1: return .bool(tag & 0x80 != 0)
        case 2: return .int(Int64(bitPattern: integer()))
        case 3: return .uint(integer())
        case 4: return .double(Double(bitPattern: integer()))
        case 5: return .string(String(decoding: blob(), as: UTF8.self))
        case 6: return .bytes(blob())
        case 7: return .date(Date(timeIntervalSince1970: Double(Int32(truncatingIfNeeded: integer())) / 8))
        case 8:
            // Type -1 is the timestamp, which Value carries as .date (see RegressionValueExtensionTests).
            let type = Int8(bitPattern: byte())
            return .extension(type: type == -1 ? 1 : type, data: blob())
        case 9: return .array((0..<Int(byte() % 6)).map { _ in value(depth: depth + 1) })
        default:
            return .map(
                (0..<Int(byte() % 5)).map { _ in (key: value(depth: depth + 1), value: value(depth: depth + 1)) })
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValue(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var generator = Generator(bytes: UnsafeBufferPointer(start: data, count: size))
    let value = generator.value(depth: 0)
    for codec in codecs {
        guard let encoded = expectCodecErrorOnly("\(codec.name) encode", { try codec.encode(value) }) else { continue }
        let decoded = expectCodecErrorOnly("\(codec.name) decode") { try codec.decode(Value.self, from: encoded) }
        precondition(decoded != nil, "\(codec.name): an encoded Value does not decode: \(value)")
        if codec.name == "msgpack" {
            precondition(decoded == value, "msgpack round trip changed \(value) into \(decoded!)")
        }
    }
    return 0
}
