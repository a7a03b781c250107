import Foundation
import GIPCCodecs
import GIPCTestSupport
import Testing

@Suite("Golden fixtures")
struct GoldenTests {
    private static let msgpackCases = GoldenCase.all.filter { $0.files["msgpack"] != nil }
    private static let jsonCases = GoldenCase.all.filter { $0.files["json"] != nil }
    private static let plistCases = GoldenCase.all.filter { $0.files["plist"] != nil }
    /// Cases whose property list bytes legitimately differ between Foundation and plistlib: Foundation writes
    /// 3-byte offsets where plistlib writes 4 (bytes_70k), and numbers the objects of nested dictionaries in another
    /// order. Both decode to the same value (checked above).
    private static let plistLayoutDiffers: Set<String> = [
        "bytes_70k", "map_nested", "struct_order", "struct_order_no_note",
    ]

    @Test("there are at least 40 golden cases, each with a MessagePack file")
    func counts() {
        #expect(GoldenCase.all.count >= 40)
        #expect(Self.msgpackCases.count == GoldenCase.all.count)
    }

    @Test("MessagePack golden file decodes to its value and re-encodes byte for byte", arguments: msgpackCases)
    func messagePack(_ golden: GoldenCase) throws {
        let codec = MessagePackCodec()
        let bytes = try #require(try golden.bytes("msgpack"))
        let decoded = try codec.decode(Value.self, from: bytes)
        #expect(decoded == golden.value)
        if !golden.hasFloat32 {
            #expect(try codec.encode(golden.value) == bytes, "Value encoding differs from Python's")
        }
        let typed = check(for: golden.swift)
        let reencoded = try typed.roundTrip(codec, bytes, probe: codec)
        if golden.swift.hasPrefix("[String:") || golden.swift.hasPrefix("[Int:") {
            #expect(sortedMaps(try codec.decode(Value.self, from: reencoded)) == sortedMaps(golden.value))
        } else {
            #expect(reencoded == bytes, "\(golden.swift) encoding differs from Python's")
        }
    }

    @Test("JSON golden file decodes to its value; encoding parses to the same value", arguments: jsonCases)
    func json(_ golden: GoldenCase) throws {
        let codec = JSONCodec()
        let bytes = try #require(try golden.bytes("json"))
        let swiftType = golden.swift == "Bytes" ? "Data" : golden.swift
        let typed = check(for: swiftType)
        // What the typed value holds, seen through MessagePack (whose mapping the MessagePack test pins down).
        let probe = try typed.roundTrip(codec, bytes, probe: MessagePackCodec())
        let seen = try MessagePackCodec().decode(Value.self, from: probe)
        #expect(sortedMaps(seen) == sortedMaps(golden.value))
        let (equal, encoded) = try typed.reencode(codec, bytes)
        #expect(equal)
        if !golden.hasFloat32 {
            let ours = try codec.decode(Value.self, from: encoded)
            let theirs = try codec.decode(Value.self, from: bytes)
            #expect(sortedMaps(ours) == sortedMaps(theirs), "\(String(decoding: encoded, as: UTF8.self))")
        }
    }

    @Test("property list golden file decodes to its value; encoding decodes to the same value", arguments: plistCases)
    func propertyList(_ golden: GoldenCase) throws {
        let codec = PropertyListCodec()
        let bytes = try #require(try golden.bytes("plist"))
        let typed = check(for: golden.swift == "Bytes" ? "Data" : golden.swift)
        let probe = try typed.roundTrip(codec, bytes, probe: MessagePackCodec())
        let seen = try MessagePackCodec().decode(Value.self, from: probe)
        #expect(sortedMaps(seen) == sortedMaps(golden.value))
        guard [0x4, 0xA, 0xD].contains(bytes[8] >> 4) else {
            // Foundation encodes only data, arrays and dictionaries at the top level.
            let error = #expect(throws: CodecError.self) { try typed.reencode(codec, bytes) }
            #expect(error?.code == .invalidValue)
            return
        }
        let (equal, encoded) = try typed.reencode(codec, bytes)
        #expect(equal)
        if Self.plistLayoutDiffers.contains(golden.name) {
            #expect(encoded != bytes, "Foundation now matches plistlib for \(golden.name); compare its bytes")
        } else {
            #expect(encoded == bytes, "property list bytes differ from plistlib's")
        }
    }
}
