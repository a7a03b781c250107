import Foundation
import GIPCCodecs
import GIPCTestSupport
import Testing

@Suite("JSON: what Foundation's encoder and decoder allow")
struct JSONEdgeTests {
    @Test("511 levels round-trip; 512 fail to encode with depthLimitExceeded, as documented")
    func encodingDepth() throws {
        let codec = JSONCodec()
        let deepest = Value.nestedArrays(JSONCodec.maxEncodingDepth)
        #expect(try codec.decode(Value.self, from: try codec.encode(deepest)) == deepest)
        let error = #expect(throws: CodecError.self) {
            try codec.encode(Value.nestedArrays(JSONCodec.maxEncodingDepth + 1))
        }
        #expect(error?.code == .depthLimitExceeded)
        // Decoding still accepts the documented limit of 512 (from a peer that writes it).
        let text = String(repeating: "[", count: 512) + "1" + String(repeating: "]", count: 512)
        #expect(try codec.decode(Value.self, from: Array(text.utf8)) == Value.nestedArrays(512))
    }

    @Test(
        "a Date comes back within the documented half microsecond",
        arguments: [-1e9, 0, 1.5e8, 7.86e8 + 0.123456789, 3e9])
    func dateRoundTrip(sinceReferenceDate: Double) throws {
        let codec = JSONCodec()
        for nudge in stride(from: 0.0, to: 1e-6, by: 1.7e-8) {
            let date = Date(timeIntervalSinceReferenceDate: sinceReferenceDate + nudge)
            let back = try codec.decode(Date.self, from: try codec.encode(date))
            #expect(abs(back.timeIntervalSince(date)) <= 4.8e-7)
        }
    }
}
