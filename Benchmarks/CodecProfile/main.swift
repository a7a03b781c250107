import Foundation
import GIPCBenchRecord
import GIPCCodecs

// `gipc-codec-profile CODEC OPERATION COUNT`: encodes (or decodes) the benchmark record COUNT times with CODEC
// (`msgpack` or `json`), the way a typed pipe does (`encode(_:)` into a new payload, `decode(_:from:)` of one
// payload), and prints a checksum so that nothing is optimised away. `make profile-codec` runs it under callgrind
// with two counts and reports the difference per message (scripts/profile-codec.sh).

let arguments = CommandLine.arguments
guard arguments.count == 4, let count = Int(arguments[3]), count >= 0 else {
    print("usage: gipc-codec-profile msgpack|json encode|decode COUNT")
    exit(2)
}
let codec: any MessageCodec
switch arguments[1] {
case "msgpack": codec = MessagePackCodec()
case "json": codec = JSONCodec()
default:
    print("unknown codec \(arguments[1])")
    exit(3)
}

func run(_ codec: some MessageCodec, operation: String, count: Int) throws -> Int {
    let record = BenchRecord.sample
    let payload = try codec.encode(record)
    guard try codec.decode(BenchRecord.self, from: payload) == record else {
        print("\(codec.name) does not round-trip the record")
        exit(1)
    }
    var sink = 0
    switch operation {
    case "encode":
        for _ in 0..<count { sink &+= try codec.encode(record).count }
    case "decode":
        for _ in 0..<count { sink &+= try codec.decode(BenchRecord.self, from: payload).quantity }
    default:
        print("unknown operation \(operation)")
        exit(2)
    }
    return sink
}

print("checksum \(try run(codec, operation: arguments[2], count: count))")
