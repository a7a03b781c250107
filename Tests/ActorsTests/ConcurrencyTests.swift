import GIPCActors
import GIPCActorsTestEntries
import GIPCKit
import Testing

extension ActorTests {
    @Suite("many calls at once")
    struct ConcurrencyTests {
        @Test("1,000 concurrent calls on one actor each get their own answer")
        func oneActor() async throws {
            try await withSystem { system in
                let calculator = try await system.host(Calculator.self, host: TestHost.path)
                let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                    for index in 0..<1_000 {
                        group.addTask { (index, try await calculator.add(index, 1_000_000)) }
                    }
                    var answers: [Int: Int] = [:]
                    for try await (index, answer) in group { answers[index] = answer }
                    return answers
                }
                #expect(answers.count == 1_000)
                #expect(answers.allSatisfy { $0.value == $0.key + 1_000_000 })
            }
        }

        @Test("1,000 concurrent calls across three children and two actors per child")
        func severalActors() async throws {
            try await withSystem { system in
                var actors: [Worker] = []
                for _ in 0..<3 {
                    let child = try await system.spawnHost(host: TestHost.path)
                    actors.append(try await system.host(Worker.self, in: child))
                    actors.append(try await system.host(Worker.self, in: child))
                }
                let pids = try await Set(actors.asyncMap { try await $0.processID() })
                #expect(pids.count == 3)
                let workers = actors
                let total = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<1_000 {
                        group.addTask { try await workers[index % workers.count].echo(index) }
                    }
                    return try await group.reduce(0, +)
                }
                #expect(total == (0..<1_000).reduce(0, +))
            }
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
