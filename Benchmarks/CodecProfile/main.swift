import Foundation
import GIPCBenchRecord
import GIPCCodecs

// `gipc-codec-profile CODEC OPERATION COUNT`: encodes (or decodes) the benchmark record COUNT times with CODEC
// (`msgpack`, `msgpack-generated`: the record with @MessagePackCodable coders, `json`, or `json-foundation`: JSON through
// Foundation's coders only, as before the codec had its own), the way a typed pipe does
// (`withEncoded(_:headerRoom:_:)` into the codec's reused buffer behind room for the frame header, `decode(_:from:)`
// of one payload), and prints a checksum so that nothing is optimised away. `make profile-codec` runs it under callgrind with two counts
// and reports the difference per message (scripts/profile-codec.sh).

let arguments = CommandLine.arguments
guard arguments.count == 4, let count = Int(arguments[3]), count >= 0 else {
    print("usage: gipc-codec-profile msgpack|msgpack-generated|json|json-foundation encode|decode COUNT")
    exit(2)
}
/// The two records, as the loop reads them.
protocol ProfiledRecord: Codable, Equatable {
    var quantity: Int { get }
}

extension BenchRecord: ProfiledRecord {}
extension GeneratedBenchRecord: ProfiledRecord {}

func run<Record: ProfiledRecord>(
    _ codec: some MessageCodec, _ record: Record, operation: String, count: Int
) throws -> Int {
    let payload = try codec.encode(record)
    guard try codec.decode(Record.self, from: payload) == record else {
        print("\(codec.name) does not round-trip the record")
        exit(1)
    }
    var sink = 0
    switch operation {
    case "encode":
        for _ in 0..<count { sink &+= try codec.withEncoded(record, headerRoom: 4) { $0.count } }
    case "decode":
        for _ in 0..<count { sink &+= try codec.decode(Record.self, from: payload).quantity }
    default:
        print("unknown operation \(operation)")
        exit(2)
    }
    return sink
}

let sink: Int
switch arguments[1] {
case "msgpack": sink = try run(MessagePackCodec(), BenchRecord.sample, operation: arguments[2], count: count)
case "msgpack-generated":
    sink = try run(MessagePackCodec(), GeneratedBenchRecord.sample, operation: arguments[2], count: count)
case "json": sink = try run(JSONCodec(), BenchRecord.sample, operation: arguments[2], count: count)
case "json-foundation":
    var codec = JSONCodec()
    codec.foundationOnly = true
    sink = try run(codec, BenchRecord.sample, operation: arguments[2], count: count)
default:
    print("unknown codec \(arguments[1])")
    exit(3)
}
print("checksum \(sink)")
