import GIPCKit

/// Runs in a child process: doubles every number it receives.
struct Doubler: ChildEntry {
    struct Arguments: Codable, Sendable {
        var numbers: PipeReader<Int>
        var results: PipeWriter<Int>
    }

    static func main(_ arguments: Arguments) async throws {
        for try await number in arguments.numbers.messages {
            try await arguments.results.put(number * 2)
        }
    }
}

// First statement of the program: in a child, this runs the entry and exits.
await GIPC.bootstrap([Doubler.self])

let (numbers, numbersSink) = try GIPC.pipe(of: Int.self, codec: .msgpack)
let (results, resultsSink) = try GIPC.pipe(of: Int.self, codec: .msgpack)
let child = try await GIPC.start(Doubler.self, .init(numbers: numbers, results: resultsSink))

var doubled: [Int] = []
for number in 1...3 {
    try await numbersSink.put(number)  // suspends this task, never a thread
    doubled.append(try await results.get(timeout: .seconds(5)))
}
try numbersSink.close()  // the child sees the end of the stream and returns
print(doubled, try await child.join())  // [2, 4, 6] exited with code 0
