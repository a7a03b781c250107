import Foundation
import GIPCCodecs
import Testing

/// Issue #18: plistlib stores each distinct scalar once (strings, bytes, numbers and dates are deduplicated by value)
/// and each container object once (by identity), so an honest message can expand far more than its size. These tests
/// run the real `python3` (its standard library plistlib), have it write binary property lists full of shared values
/// together with a description of the value it built, and check that `PropertyListCodec` decodes each into exactly
/// that value: up to the documented budget (``DecodeLimits/maxExpandedBytes``), and refused beyond it.
@Suite("Property lists with shared values, written by Python's plistlib", .timeLimit(.minutes(1)))
struct PropertyListSharingTests {
    static let budget = DecodeLimits.default.maxExpandedBytes

    /// One message from the script: the plist, what Python built (`value`, whose strings, bytes, lists and dicts
    /// are `defs`, each object once), and the expanded size GIPCKit estimates for it, as computed by Python.
    struct Message: Decodable {
        var name: String
        var plist: String
        var value: Tag
        var defs: [Tag]
        var units: Int

        var bytes: [UInt8] { [UInt8](Data(base64Encoded: plist)!) }

        /// The value Python built, as `Value` maps it (see docs/CODECS.md): integers are `.int` when they fit
        /// `Int64`, a real that is a whole number in the range of `Int64` or `UInt64` is that integer, dictionary
        /// pairs are sorted by key. Each object Python made once is one `Value` shared by all its uses.
        func expected() -> Value {
            var resolved = [Value?](repeating: nil, count: defs.count)
            func build(_ tag: Tag) -> Value {
                switch tag {
                case .ref(let index):
                    if let known = resolved[index] { return known }
                    let made = build(defs[index])
                    resolved[index] = made
                    return made
                case .bool(let flag): return .bool(flag)
                case .int(let digits): return Int64(digits).map(Value.int) ?? .uint(UInt64(digits)!)
                case .float(let text):
                    let real = Double(text)!
                    if let number = Int64(exactly: real) { return .int(number) }
                    if let number = UInt64(exactly: real) { return .uint(number) }
                    return .double(real)
                case .date(let seconds): return .date(Date(timeIntervalSinceReferenceDate: Double(seconds)!))
                case .str(let text): return .string(text)
                case .bytes(let base64): return .bytes([UInt8](Data(base64Encoded: base64)!))
                case .list(let elements): return .array(elements.map(build))
                case .dict(let pairs):
                    return .map(
                        pairs.sorted { $0.key < $1.key }.map { (key: .string($0.key), value: build($0.value)) })
                }
            }
            return build(value)
        }
    }

    /// A value as the script describes it.
    indirect enum Tag: Decodable {
        case bool(Bool)
        case int(String)
        case float(String)
        case date(String)
        case str(String)
        case bytes(String)
        case list([Tag])
        case dict([(key: String, value: Tag)])
        case ref(Int)

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            switch try container.decode(String.self) {
            case "bool": self = .bool(try container.decode(Bool.self))
            case "int": self = .int(try container.decode(String.self))
            case "float": self = .float(try container.decode(String.self))
            case "date": self = .date(try container.decode(String.self))
            case "str": self = .str(try container.decode(String.self))
            case "bytes": self = .bytes(try container.decode(String.self))
            case "list": self = .list(try container.decode([Tag].self))
            case "ref": self = .ref(try container.decode(Int.self))
            default:
                var pairs: [(key: String, value: Tag)] = []
                var entries = try container.nestedUnkeyedContainer()
                while !entries.isAtEnd {
                    var pair = try entries.nestedUnkeyedContainer()
                    pairs.append((key: try pair.decode(String.self), value: try pair.decode(Tag.self)))
                }
                self = .dict(pairs)
            }
        }
    }

    /// Runs the script with `arguments` and returns its messages, one per line of output.
    static func python(_ arguments: String...) throws -> [Message] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 failed")
        return try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(Message.self, from: $0) }
    }

    /// Equal, and of the same case: `.int(5)` is not `.uint(5)`, a double is compared by its bits, a string by its
    /// UTF-8 length too.
    static func same(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.double(let a), .double(let b)): a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): a.utf8.count == b.utf8.count && a == b
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { same($0, $1) }
        case (.map(let a), .map(let b)):
            a.count == b.count && zip(a, b).allSatisfy { same($0.key, $1.key) && same($0.value, $1.value) }
        default: lhs.kind == rhs.kind && lhs == rhs
        }
    }

    /// Decodes `message` with `codec`: the value Python built when its expansion is within the default budget,
    /// `expansionLimitExceeded` naming the budget otherwise. Returns whether it decoded.
    @discardableResult
    static func check(_ message: Message, _ codec: PropertyListCodec = PropertyListCodec()) -> Bool {
        do {
            let decoded = try codec.decode(Value.self, from: message.bytes)
            #expect(message.units <= budget, "\(message.name) expands beyond the budget but decoded")
            // A Bool, not the values, goes into #expect: a failure would print gigabytes of expanded values.
            let equal = same(decoded, message.expected())
            #expect(equal, "\(message.name) decoded to another value")
            return true
        } catch let error as CodecError {
            #expect(message.units > budget, "\(message.name): \(error)")
            #expect(error.code == .expansionLimitExceeded, "\(message.name): \(error)")
            #expect(error.message.contains("maxExpandedBytes (\(budget))"), "\(error.message)")
        } catch {
            Issue.record("\(message.name): \(error)")
        }
        return false
    }

    @Test("random messages with shared values decode to what Python built, and as Foundation's decoder reads them")
    func randomMessages() throws {
        let messages = try Self.python("random", "18", "400")
        #expect(messages.count == 400)
        // About a quarter share so much that they expand beyond 16 times their size: the expansion ratio alone
        // refuses them, the budget lets them through.
        #expect(messages.filter { $0.units > 16 * $0.bytes.count }.count > 100)
        for message in messages {
            #expect(Self.check(message), "\(message.name)")
            // The codec reads Value itself; Value.init(from:) through Foundation's decoder must agree. Foundation
            // takes microseconds per expanded value, so only for the smaller ones.
            guard message.units <= 20_000 else { continue }
            let native = try PropertyListCodec().decode(Value.self, from: message.bytes)
            let foundation = try PropertyListDecoder().decode(Value.self, from: Data(message.bytes))
            let equal = Self.same(native, foundation)
            #expect(equal, "\(message.name): the codec and Foundation read different values")
        }
    }

    @Test("one long string referenced many times decodes up to the budget; one reference more is refused")
    func sharedLongStrings() throws {
        let messages = try Self.python("strings", "0")
        let decoded = messages.map { Self.check($0) }
        // 64 KiB x 15 (the issue's example), x 255, x 1023; the same with a UTF-16 string; x 1024 are beyond.
        #expect(decoded == [true, true, true, false, true, false])
        let roomy = PropertyListCodec(limits: DecodeLimits(maxExpandedBytes: 2 * Self.budget))
        let beyond = try #require(messages.first { $0.units > Self.budget })
        let equal = Self.same(try roomy.decode(Value.self, from: beyond.bytes), beyond.expected())
        #expect(equal, "\(beyond.name) with a larger maxExpandedBytes")
    }

    @Test("the same dictionary object referenced many times decodes up to the budget; beyond it, refused")
    func sharedContainers() throws {
        let messages = try Self.python("containers", "7")
        #expect(messages.map { Self.check($0) } == [true, true, false])
        #expect(messages[1].units > Self.budget - 1_000_000)
    }

    struct Record: Codable, Equatable {
        var id: Int64
        var name: String
        var score: Double
        var tags: [String]
        var blob: Data
        var when: Date
        var counts: [String: [UInt8]]

        /// The record `value` describes, or `nil` when a field is missing or of another kind.
        init?(_ value: Value) {
            guard case .int(let id)? = value["id"], case .string(let name)? = value["name"],
                case .double(let score)? = value["score"], case .array(let tags)? = value["tags"],
                case .bytes(let blob)? = value["blob"], case .date(let when)? = value["when"],
                case .array(let counts)? = value["counts"]?["a"]
            else { return nil }
            self.id = id
            self.name = name
            self.score = score
            self.tags = tags.compactMap { if case .string(let tag) = $0 { tag } else { nil } }
            self.blob = Data(blob)
            self.when = when
            self.counts = [
                "a": counts.compactMap { if case .int(let count) = $0 { UInt8(exactly: count) } else { nil } }
            ]
        }
    }

    @Test("typed records sharing lists, data, dates and whole records decode through Foundation")
    func typedRecords() throws {
        let message = try #require(try Self.python("records", "5").first)
        guard case .array(let rows) = message.expected() else { throw CodecError(.malformed, "rows", codec: "test") }
        let expected = rows.compactMap(Record.init)
        #expect(expected.count == 2000)
        let equal = try PropertyListCodec().decode([Record].self, from: message.bytes) == expected
        #expect(equal, "the records differ from Python's")
        #expect(Self.check(message))
    }

    /// Writes property lists of values with shared objects, one JSON line per message:
    /// `python3 -c SCRIPT random SEED COUNT | records SEED | strings 0 | containers SEED`.
    static let script = #"""
        import base64, datetime, json, plistlib, random, struct, sys

        PER_VALUE = 16
        BUDGET = 64 << 20
        EPOCH = datetime.datetime(2001, 1, 1)


        class Tagger:
            """Describes a value for the Swift side, each str/bytes/list/dict object once (by identity)."""

            def __init__(self):
                self.defs, self.ids = [], {}

            def tag(self, v):
                if isinstance(v, (str, bytes, list, dict)):
                    if id(v) in self.ids:
                        return ["ref", self.ids[id(v)]]
                    self.ids[id(v)] = len(self.defs)
                    self.defs.append(None)
                    self.defs[self.ids[id(v)]] = self.plain(v)
                    return ["ref", self.ids[id(v)]]
                return self.plain(v)

            def plain(self, v):
                if isinstance(v, bool):
                    return ["bool", v]
                if isinstance(v, int):
                    return ["int", str(v)]
                if isinstance(v, float):
                    return ["float", repr(v)]
                if isinstance(v, datetime.datetime):
                    return ["date", repr((v - EPOCH).total_seconds())]
                if isinstance(v, str):
                    return ["str", v]
                if isinstance(v, bytes):
                    return ["bytes", base64.b64encode(v).decode()]
                if isinstance(v, list):
                    return ["list", [self.tag(e) for e in v]]
                if isinstance(v, dict):
                    return ["dict", [[k, self.tag(e)] for k, e in v.items()]]
                raise TypeError(type(v))


        def units(v, memo):
            """The expanded size GIPCKit estimates: 16 per value, plus string and data bytes (UTF-16: 2 per unit)."""
            key = id(v)
            if isinstance(v, (list, dict)) and key in memo:
                return memo[key]
            if isinstance(v, list):
                n = PER_VALUE + sum(units(e, memo) for e in v)
            elif isinstance(v, dict):
                n = PER_VALUE + sum(units(k, memo) + units(e, memo) for k, e in v.items())
            elif isinstance(v, str):
                n = PER_VALUE + (len(v) if v.isascii() else len(v.encode("utf-16-be")))
            elif isinstance(v, bytes):
                n = PER_VALUE + len(v)
            else:
                n = PER_VALUE
            if isinstance(v, (list, dict)):
                memo[key] = n
            return n


        def emit(name, value):
            data = plistlib.dumps(value, fmt=plistlib.FMT_BINARY)
            tagger = Tagger()
            top = tagger.tag(value)
            record = {"name": name, "plist": base64.b64encode(data).decode(), "value": top, "defs": tagger.defs,
                      "units": units(value, {})}
            sys.stdout.write(json.dumps(record) + "\n")


        INT_EDGES = [0, 1, 127, 128, 255, 256, 65535, 65536, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63,
                     2**64 - 1, -1, -128, -129, -32768, -32769, -2**31, -2**31 - 1, -2**63]
        FLOAT_EDGES = [0.0, -0.0, 1.0, -2.0, 1.5, 0.1, float("inf"), float("-inf"), 1e300, -1e-300, 5e-324, 2.0**53,
                       2.0**53 + 2, 2.0**63, 2.0**64, -2.0**63, 1e19, 3e10, 123456789.0]


        class Generator:
            def __init__(self, seed):
                self.rng = random.Random(seed)
                self.pool = []  # finished values that may be used again (the same object)

            def integer(self):
                r = self.rng
                choice = r.randrange(4)
                if choice == 0:
                    return r.choice(INT_EDGES)
                if choice == 1:
                    return r.randrange(-2**63, 2**64)
                bits = r.choice([7, 8, 15, 16, 31, 32, 63, 64])
                n = r.getrandbits(bits)
                return -n - 1 if r.random() < 0.4 and n < 2**63 else n

            def real(self):
                r = self.rng
                if r.random() < 0.3:
                    return r.choice(FLOAT_EDGES)
                while True:
                    f = struct.unpack(">d", r.getrandbits(64).to_bytes(8, "big"))[0]
                    if f == f:
                        return f if r.random() < 0.5 else round(f, 0) if abs(f) < 1e300 else f

            def text(self):
                r = self.rng
                alphabet = r.choice(["ascii", "latin", "bmp", "astral", "mixed"])
                n = r.choice([0, 1, 5, 14, 15, 16, 31, 100, 300])
                out = []
                for _ in range(n):
                    if alphabet == "ascii" or (alphabet == "mixed" and r.random() < 0.5):
                        out.append(chr(r.randrange(0, 128)))
                    elif alphabet == "latin":
                        out.append(chr(r.randrange(0x80, 0x250)))
                    elif alphabet == "bmp" or alphabet == "mixed":
                        c = r.randrange(0x80, 0xFFFE)
                        out.append(chr(c if not 0xD800 <= c < 0xE000 else 0x4E2D))
                    else:
                        out.append(chr(r.randrange(0x10000, 0x110000)))
                return "".join(out)

            def date(self):
                r = self.rng
                return datetime.datetime(r.randrange(1, 10000), r.randrange(1, 13), r.randrange(1, 29),
                                         r.randrange(24), r.randrange(60), r.randrange(60),
                                         r.choice([0, r.randrange(1000000)]))

            def value(self, depth):
                r = self.rng
                if self.pool and r.random() < 0.25:
                    return r.choice(self.pool)  # the same object again: plistlib writes it once
                kinds = ["bool", "int", "int", "float", "str", "bytes", "date"]
                kinds += ["list", "dict"] * 2 if depth < 4 else []
                kind = r.choice(kinds)
                if kind == "bool":
                    v = r.random() < 0.5
                elif kind == "int":
                    v = self.integer()
                elif kind == "float":
                    v = self.real()
                elif kind == "str":
                    v = self.text()
                elif kind == "bytes":
                    v = bytes(r.getrandbits(8) for _ in range(r.choice([0, 1, 16, 200])))
                elif kind == "date":
                    v = self.date()
                elif kind == "list":
                    v = [self.value(depth + 1) for _ in range(r.randrange(0, 8))]
                else:
                    v = {self.text() if r.random() < 0.7 else "k%d" % i: self.value(depth + 1)
                         for i in range(r.randrange(0, 8))}
                self.pool.append(v)
                return v

            def message(self):
                self.pool = []
                top = [self.value(1) for _ in range(self.rng.randrange(1, 12))]
                # Repeat some of what was made, as a sender reusing objects would, sometimes many times over.
                for _ in range(self.rng.randrange(0, 6)):
                    top.append(self.rng.choice(self.pool))
                if self.rng.random() < 0.4:
                    block = [self.rng.choice(self.pool) for _ in range(self.rng.randrange(1, 5))]
                    block *= self.rng.randrange(10, 40)
                    top.append([block] * self.rng.randrange(2, 20))
                return top if self.rng.random() < 0.7 else {"items": top, "again": top}


        def record(rng, tags, blob, when):
            return {"id": rng.randrange(-2**63, 2**63), "name": "item %d" % rng.randrange(1000),
                    "score": rng.random(), "tags": tags, "blob": blob, "when": when,
                    "counts": {"a": [rng.randrange(256) for _ in range(3)]}}


        def main():
            mode, seed = sys.argv[1], int(sys.argv[2])
            if mode == "random":
                gen = Generator(seed)
                for index in range(int(sys.argv[3])):
                    emit("random %d" % index, gen.message())
            elif mode == "records":
                rng = random.Random(seed)
                tags = ["red", "green", "\u00e9t\u00e9"]
                blob = bytes(range(256)) * 16
                when = datetime.datetime(2024, 2, 29, 12, 30, 15, 250000)
                shared = record(rng, tags, blob, when)
                rows = [record(rng, tags, blob, when) if rng.random() < 0.5 else shared for _ in range(2000)]
                emit("records", rows)
            elif mode == "strings":
                sizes = [(65536, 15), (65536, 255), (65536, 1023), (65536, 1024), (32768, 1023), (32768, 1024)]
                for length, count in sizes:
                    text = "x" * length if length == 65536 else "\u00e9" * length
                    emit("string %d x %d" % (length, count), [text] * count)
            elif mode == "containers":
                rng = random.Random(seed)
                gen = Generator(seed)
                row = {"key %d" % i: gen.value(3) for i in range(20)}
                emit("dictionary x 10000", [row] * 10000)
                # The same row in a block, the same block many times: as many as fit under the budget, then one more.
                block = [row] * 100
                per_block = units(block, {})
                fit = (BUDGET - PER_VALUE) // per_block
                emit("blocks just under the budget", [block] * fit)
                emit("blocks just over the budget", [block] * (fit + 1))


        main()
        """#
}
