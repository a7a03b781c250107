import GIPCTransport
import Testing

@Suite("FrameDecoder")
struct FrameDecoderTests {
    static let sizes = [0, 1, 4095, 4096, 4097, 65535, 65536, 65537]

    @Test(
        "frames fed in chunks of every size decode intact",
        arguments: [1, 2, 3, 4, 5, 7, 11, 12, 13, 64, 100, 1000, 4096, 65536, 1 << 20])
    func chunkedFeeding(chunkSize: Int) throws {
        let payloads = Self.sizes.enumerated().map { pattern(count: $0.element, seed: UInt32($0.offset)) }
        let stream = payloads.flatMap { FrameFormat.frame($0) }
        var decoder = FrameDecoder()
        var received: [[UInt8]] = []
        var index = 0
        var feeds = 0
        while index < stream.count {
            let end = min(index + chunkSize, stream.count)
            decoder.feed(stream[index..<end])
            feeds += 1
            if feeds % 3 == 0 { decoder.feed([UInt8]()) }  // empty chunks change nothing
            index = end
            while let frame = try decoder.nextFrame() { received.append(frame) }
        }
        #expect(received.count == payloads.count)
        #expect(received == payloads)
        #expect(!decoder.hasPartialFrame)
        #expect(decoder.offset == UInt64(stream.count))
        try decoder.finish()
    }

    @Test("every chunk size from 1 to 300 bytes over mixed small frames")
    func everySmallChunkSize() throws {
        let payloads = (0..<40).map { pattern(count: $0 * 7 % 50, seed: UInt32($0)) }
        let stream = payloads.flatMap { FrameFormat.frame($0) }
        for chunk in 1...300 {
            var decoder = FrameDecoder(bufferCapacity: 64)
            var received: [[UInt8]] = []
            var index = 0
            while index < stream.count {
                let end = min(index + chunk, stream.count)
                decoder.feed(stream[index..<end])
                index = end
                while let frame = try decoder.nextFrame() { received.append(frame) }
            }
            #expect(received == payloads, "chunk size \(chunk)")
        }
    }

    @Test("the large form (-1 then an 8-byte length) decodes, and the encoder uses it above Int32.max")
    func largeForm() throws {
        let payload = pattern(count: 300, seed: 9)
        var decoder = FrameDecoder()
        decoder.feed([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0x01, 0x2C] + payload)
        #expect(try decoder.nextFrame() == payload)
        #expect(FrameFormat.header(forPayloadLength: Int(Int32.max)) == [0x7F, 0xFF, 0xFF, 0xFF])
        #expect(
            FrameFormat.header(forPayloadLength: Int(Int32.max) + 1)
                == [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0x80, 0, 0, 0])
        #expect(FrameFormat.header(forPayloadLength: 0) == [0, 0, 0, 0])
        #expect(FrameFormat.header(forPayloadLength: 258) == [0, 0, 1, 2])
    }

    @Test(
        "hostile headers are refused before allocation and poison the decoder",
        arguments: [
            ([0x80, 0x00, 0x00, 0x00], TransportError.Code.protocolViolation),
            ([0xFF, 0xFF, 0xFF, 0xFE], .protocolViolation),
            ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], .frameTooLarge),
            ([0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], .frameTooLarge),
            ([0x7F, 0xFF, 0xFF, 0xFF], .frameTooLarge),
            ([0x04, 0x00, 0x00, 0x01], .frameTooLarge),  // 64 MiB + 1: the default limit + 1
        ] as [([UInt8], TransportError.Code)])
    func hostileHeaders(header: [UInt8], expected: TransportError.Code) throws {
        var decoder = FrameDecoder()
        decoder.feed(header)
        let first = #expect(throws: TransportError.self) { try decoder.nextFrame() }
        #expect(first?.code == expected)
        let second = #expect(throws: TransportError.self) { try decoder.nextFrame() }
        #expect(second?.code == .poisoned)
        #expect((second?.underlying as? TransportError)?.code == expected)
    }

    @Test("a custom limit: limit passes, limit + 1 fails")
    func customLimit() throws {
        var decoder = FrameDecoder(maxFrameBytes: 1000)
        decoder.feed(FrameFormat.frame(pattern(count: 1000, seed: 1)))
        #expect(try decoder.nextFrame()?.count == 1000)
        decoder.feed(FrameFormat.header(forPayloadLength: 1001))
        let error = #expect(throws: TransportError.self) { try decoder.nextFrame() }
        #expect(error?.code == .frameTooLarge)
        #expect(error?.bytesExpected == 1001)
        #expect(error?.bytesReceived == 1000)
    }

    @Test("end of stream inside a header or a payload is a truncated frame", arguments: [1, 2, 3, 4, 5, 50, 103])
    func truncation(prefix: Int) throws {
        let frame = FrameFormat.frame(pattern(count: 100, seed: 3))
        var decoder = FrameDecoder()
        decoder.feed(frame[0..<prefix])
        #expect(try decoder.nextFrame() == nil)
        let error = #expect(throws: TransportError.self) { try decoder.finish() }
        #expect(error?.code == .truncatedFrame)
        #expect(error?.bytesReceived == UInt64(prefix))
        #expect(error?.bytesExpected == (prefix >= 4 ? 104 : 4))
    }

    @Test("end of stream inside a large frame reports its full size")
    func truncatedLargeFrame() throws {
        let frame = FrameFormat.frame(pattern(count: 100_000, seed: 4))
        var decoder = FrameDecoder()
        decoder.feed(frame[0..<60_000])
        #expect(try decoder.nextFrame() == nil)
        let error = #expect(throws: TransportError.self) { try decoder.finish() }
        #expect(error?.code == .truncatedFrame)
        #expect(error?.bytesExpected == 100_004)
        #expect(error?.bytesReceived == 60_000)
    }

    @Test("end of stream at a frame boundary is clean")
    func cleanEnd() throws {
        var decoder = FrameDecoder()
        decoder.feed(FrameFormat.frame([1, 2, 3]) + FrameFormat.frame([]))
        #expect(try decoder.nextFrame() == [1, 2, 3])
        #expect(try decoder.nextFrame() == [])
        #expect(try decoder.nextFrame() == nil)
        try decoder.finish()
    }
}
