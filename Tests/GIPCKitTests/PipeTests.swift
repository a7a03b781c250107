import GIPCKit
import GIPCTestSupport
import Testing

@Suite("Typed pipes within one process", .timeLimit(.minutes(1)))
struct PipeTests {
    static let codecs: [any MessageCodec] = [JSONCodec(), PropertyListCodec(), MessagePackCodec()]

    @Test("a short message crosses in every codec", arguments: codecs)
    func shortMessage(codec: any MessageCodec) async throws {
        try await GIPC.withPipe(of: Order.self, codec: codec) { reader, writer in
            let order = Order(id: 7, item: "tea", tags: ["hot", "ü"], price: 2.5)
            try await writer.put(order)
            #expect(try await reader.get() == order)
        }
    }

    @Test("a ~2 MB message crosses intact", arguments: [RawCodec() as any MessageCodec, MessagePackCodec()])
    func largeMessage(codec: any MessageCodec) async throws {
        try await GIPC.withPipe(of: [UInt8].self, codec: codec) { reader, writer in
            let data = (0..<2_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let sender = Task { try await writer.put(data) }
            #expect(try await reader.get() == data)
            try await sender.value
        }
    }

    @Test("two writers, one reader: every message once")
    func twoWritersOneReader() async throws {
        try await GIPC.withPipe(of: [Int].self, codec: .msgpack) { reader, writer in
            let writers = (0..<2).map { who in
                Task { for index in 0..<500 { try await writer.put([who, index]) } }
            }
            var seen = Set<[Int]>()
            for _ in 0..<1000 { seen.insert(try await reader.get()) }
            for task in writers { try await task.value }
            #expect(seen.count == 1000)
        }
    }

    @Test("one writer, two readers: every message once, in order per reader")
    func oneWriterTwoReaders() async throws {
        try await GIPC.withPipe(of: Int.self, codec: .json) { reader, writer in
            let readers = (0..<2).map { _ in
                Task {
                    var mine: [Int] = []
                    for _ in 0..<250 { mine.append(try await reader.get()) }
                    return mine
                }
            }
            for index in 0..<500 { try await writer.put(index) }
            var all: [Int] = []
            for task in readers {
                let mine = try await task.value
                #expect(mine == mine.sorted())
                all += mine
            }
            #expect(all.sorted() == Array(0..<500))
        }
    }

    @Test("the message sequence ends at end of stream; get then throws endOfStream")
    func endOfStream() async throws {
        let (reader, writer) = try GIPC.pipe(of: String.self)
        try await writer.put("a")
        try await writer.put("b")
        try writer.close()
        var received: [String] = []
        for try await text in reader.messages { received.append(text) }
        #expect(received == ["a", "b"])
        #expect(await gipcError { _ = try await reader.get() }?.code == .endOfStream)
    }

    @Test("get with a timeout times out, and the pipe stays usable")
    func getTimeout() async throws {
        try await GIPC.withPipe(of: Int.self) { reader, writer in
            #expect(await gipcError { _ = try await reader.get(timeout: .milliseconds(20)) }?.code == .timedOut)
            try await writer.put(5)
            #expect(try await reader.get(timeout: .seconds(5)) == 5)
        }
    }

    @Test("close semantics: use after close, double close, close while another task is inside get")
    func closeSemantics() async throws {
        let (reader, writer) = try GIPC.pipe(of: Int.self)
        let waiting = Task { try await reader.get() }
        try await Task.sleep(for: .milliseconds(30))
        #expect(throws: GIPCError.self) { try reader.close() }
        do { try reader.close() } catch let error as GIPCError { #expect(error.code == .locked) }
        waiting.cancel()
        _ = try? await waiting.value
        try reader.close()
        #expect(await gipcError { _ = try await reader.get() }?.code == .closed)
        do { try reader.close() } catch let error as GIPCError { #expect(error.code == .closed) }
        #expect(await gipcError { try await writer.put(1) }?.code == .peerClosed)
        try writer.close()
        #expect(await gipcError { try await writer.put(1) }?.code == .closed)
    }

    @Test("the scoped form closes both ends, even when the body throws")
    func scopedCloses() async throws {
        var kept: (PipeReader<Int>, PipeWriter<Int>)? = nil
        await #expect(throws: CancellationError.self) {
            try await GIPC.withPipe(of: Int.self) { reader, writer in
                kept = (reader, writer)
                throw CancellationError()
            }
        }
        #expect(kept?.0.isOpen == false)
        #expect(kept?.1.isOpen == false)
    }

    @Test("a message the codec cannot decode fails alone; the next one decodes")
    func codecFailureKeepsStream() async throws {
        let raw = RawPipe()
        let reader = try PipeReader<Order>(adopting: raw.readFD, codec: .json)
        let good = try JSONCodec().encode(Order(id: 1, item: "x", tags: [], price: nil))
        raw.write(FrameFormat.frame(Array("{not json".utf8)) + FrameFormat.frame(good))
        let error = await gipcError { _ = try await reader.get() }
        #expect(error?.code == .codecFailure)
        #expect(error?.codecError != nil)
        #expect(try await reader.get() == Order(id: 1, item: "x", tags: [], price: nil))
        raw.closeWriteEnd()
    }

    @Test("duplex pipes carry both directions")
    func duplex() async throws {
        try await GIPC.withDuplexPipe(sending: String.self, receiving: Int.self, codec: .msgpack) { left, right in
            try await left.put("four")
            #expect(try await right.get() == "four")
            try await right.put(4)
            #expect(try await left.get() == 4)
        }
    }

    @Test("a handle encoded outside GIPC.start is an error: handles are not data")
    func handleIsNotData() throws {
        let (reader, _) = try GIPC.pipe(of: Int.self)
        #expect(throws: (any Error).self) { try JSONCodec().encode([reader]) }
    }

    @Test("GIPC_HANDLES entries parse and format")
    func handleDescriptions() throws {
        let list = try HandleDescription.parseList("3:r:json:67108864,4:w:msgpack")
        #expect(
            list == [
                HandleDescription(fd: 3, direction: .read, codec: "json", maxFrameBytes: 64 << 20),
                HandleDescription(fd: 4, direction: .write, codec: "msgpack"),
            ])
        #expect(HandleDescription.formatList(list) == "3:r:json:67108864,4:w:msgpack")
        #expect(throws: GIPCError.self) { try HandleDescription.parseList("3:x:json") }
        #expect(throws: GIPCError.self) { try HandleDescription.parseList("three:r:json") }
    }
}
