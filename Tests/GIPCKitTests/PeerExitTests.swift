import GIPCKit
import Testing

@testable import GIPCTestEntries

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// A reader whose writer went to a child learns how the child ended: a crash is never a clean end of stream.
    @Suite struct PeerExitTests {
        /// Reads everything, then returns the error that ended the stream.
        static func readUntilEnd(_ ending: WriteThenEnd.Ending) async throws -> (Int, GIPCError?) {
            let (reader, writer) = try GIPC.pipe(of: Int.self, codec: .msgpack)
            let child = try await GIPC.start(WriteThenEnd.self, .init(output: writer, count: 5, ending: ending))
            var received = 0
            do {
                for try await value in reader.messages {
                    #expect(value == received)
                    received += 1
                }
                _ = try await child.join()
                return (received, nil)
            } catch let error as GIPCError {
                _ = try await child.join()
                return (received, error)
            }
        }

        @Test func aChildThatReturnsGivesACleanEndOfStream() async throws {
            let (received, error) = try await Self.readUntilEnd(.return0)
            #expect(received == 5)
            #expect(error == nil)
        }

        @Test(arguments: [WriteThenEnd.Ending.exit(3), .signal(SIGSEGV), .signal(SIGKILL)])
        func aChildThatDiesIsReported(ending: WriteThenEnd.Ending) async throws {
            let (received, error) = try await Self.readUntilEnd(ending)
            #expect(received == 5)
            #expect(error?.code == .peerExited)
            switch ending {
            case .exit(let code): #expect(error?.exitStatus == .exited(code))
            case .signal(let number): #expect(error?.exitStatus == .signaled(number))
            default: break
            }
        }

        @Test func aChildThatDiesInTheMiddleOfAMessageIsReported() async throws {
            let (received, error) = try await Self.readUntilEnd(.halfFrameThenKill)
            #expect(received == 5)
            #expect(error?.code == .peerExited)
            #expect(error?.exitStatus == .signaled(SIGKILL))
            #expect(error?.transportError?.code == .truncatedFrame)
        }

        @Test func theErrorCarriesTheLastLinesOfACapturedStandardError() async throws {
            let (reader, writer) = try GIPC.pipe(of: Int.self, codec: .msgpack)
            let child = try await GIPC.start(
                WriteThenEnd.self, .init(output: writer, count: 2, ending: .throwing("the disk is full")),
                standardError: .capture(keepingLast: 5))
            #expect(try await reader.get() == 0)
            #expect(try await reader.get() == 1)
            let error = await gipcError { _ = try await reader.get(timeout: .seconds(20)) }
            #expect(error?.code == .peerExited)
            #expect(error?.exitStatus == .exited(1))
            #expect(error?.standardErrorTail?.last?.hasSuffix("the disk is full") == true)
            #expect(error?.description.contains("the disk is full") == true)
            _ = try await child.join()
        }

        @Test func getAfterTheCrashKeepsReportingIt() async throws {
            let (reader, writer) = try GIPC.pipe(of: Int.self, codec: .json)
            let child = try await GIPC.start(WriteThenEnd.self, .init(output: writer, count: 0, ending: .exit(9)))
            _ = try await child.join()
            for _ in 0..<2 {
                let error = await gipcError { _ = try await reader.get(timeout: .seconds(5)) }
                #expect(error?.code == .peerExited)
                #expect(error?.pid == child.pid)
            }
        }
    }
}
