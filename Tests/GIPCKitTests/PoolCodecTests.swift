import GIPCTestEntries
import Testing

@testable import GIPCKit

extension ProcessTests {
    /// A job or a result that the pool's codec cannot carry fails that job alone.
    @Suite struct PoolCodecTests {

        @Test func aJobTheCodecCannotEncodeFailsAlone() async throws {
            try await GIPC.withPool(ReciprocalWorker.self, codec: .json, options: PoolOptions(workers: 1)) { pool in
                let error = await gipcError { _ = try await pool.submit(.nan) }
                #expect(error?.code == .codecFailure)
                #expect(error?.codecError?.code == .invalidValue)
                let half = try await pool.submit(2)
                #expect(half == 0.5)
                #expect(pool.statistics.restarts == 0)
            }
        }

        @Test func aResultTheCodecCannotEncodeFailsAlone() async throws {
            try await GIPC.withPool(ReciprocalWorker.self, codec: .json, options: PoolOptions(workers: 1)) { pool in
                var outcomes: [Int: Swift.Result<Double, GIPCError>] = [:]
                for try await outcome in pool.map([4, 0, .nan, 8], chunkSize: 2) {
                    outcomes[outcome.index] = outcome.result
                }
                #expect(try outcomes[0]?.get() == 0.25)
                #expect(try outcomes[3]?.get() == 0.125)
                // 1/0 is infinity: the worker cannot encode it in JSON. NaN cannot even be sent.
                for index in [1, 2] {
                    guard case .failure(let error)? = outcomes[index] else {
                        Issue.record("job \(index) did not fail")
                        continue
                    }
                    #expect(error.code == .codecFailure, "job \(index): \(error)")
                }
                #expect(pool.statistics.restarts == 0)
            }
        }
    }
}
