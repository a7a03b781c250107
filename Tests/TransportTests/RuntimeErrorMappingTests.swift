import GIPCRuntime
import GIPCTransport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the runtime throws reaches transport callers as the TransportError it was before the runtime had its own.
@Suite("TransportError from RuntimeError")
struct RuntimeErrorMappingTests {
    @Test("a timeout keeps its message and descriptor")
    func timedOut() {
        let error = TransportError(RuntimeError.timedOut("readiness wait timed out", fileDescriptor: 7))
        #expect(error.code == .timedOut)
        #expect(error.message == "readiness wait timed out")
        #expect(error.fileDescriptor == 7)
    }

    @Test("a source that was invalidated is a closed pipe end")
    func closed() {
        let error = TransportError(RuntimeError.closed(fileDescriptor: 9))
        #expect(error.code == .closed)
        #expect(error.message == "the pipe end is closed")
        #expect(error.fileDescriptor == 9)
    }

    @Test("a failed system call keeps its message, call and errno; EPIPE is a closed peer")
    func systemError() {
        let refused = TransportError(
            RuntimeError.systemFailure(
                "cannot start the reactor", syscall: "eventfd", errno: EMFILE, fileDescriptor: nil))
        #expect(refused.code == .systemError)
        #expect(refused.message == "cannot start the reactor")
        #expect(refused.syscall == "eventfd" && refused.errno == EMFILE && refused.fileDescriptor == nil)
        let broken = TransportError(
            RuntimeError.systemFailure("write failed", syscall: "write", errno: EPIPE, fileDescriptor: 4))
        #expect(broken.code == .peerClosed)
        #expect(broken.fileDescriptor == 4)
    }
}
