import GIPCRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FrameReader {
    /// Receives a handle message of `multiprocessing.reduction.send_handle`: one byte, the number of descriptors
    /// modulo 256, carrying the descriptors (SCM_RIGHTS); no frame header.
    /// - Parameter timeout: how long to wait in all; `nil` waits forever.
    /// - Returns: the descriptors that came with the byte (owned by the caller) and the byte.
    /// - Throws: ``TransportError`` with ``TransportError/Code/handlePassingFailed`` when this reader is no Unix
    ///   socket or is inside a frame, ``TransportError/Code/endOfStream``, ``TransportError/Code/timedOut``,
    ///   ``TransportError/Code/closed``, ``TransportError/Code/systemError``; `CancellationError`.
    package func receiveHandleMessage(timeout: Duration?) async throws -> (byte: UInt8, fds: [Int32], truncated: Bool) {
        guard let inbox else {
            throw TransportError(
                .handlePassingFailed, "handles can be received over Unix-domain sockets only",
                fileDescriptor: end.fd)
        }
        let deadline = Deadline.after(timeout)
        if !end.lock.tryLock() { try await waitForLock(deadline: deadline) }
        defer { end.lock.unlock() }
        let fd = end.fd
        while true {
            try end.checkOpen()
            let taken = try decoder.withDecoder { decoder throws(TransportError) -> (UInt8, UInt64)? in
                if let earlier = decoder.poisonedBy { throw FrameDecoder.poisoned(by: earlier) }
                if let (byte, offset) = decoder.takeByte() { return (byte, offset) }
                if decoder.hasPartialFrame {
                    throw TransportError(
                        .handlePassingFailed,
                        "a frame is partly received; a handle message can only follow whole frames",
                        fileDescriptor: fd)
                }
                let offset = decoder.receivedOffset
                var outcome = IOResult.wouldBlock
                _ = decoder.withWritableSpace { space in
                    outcome = inbox.receive(fd, into: space, at: offset)
                    if case .transferred(let count) = outcome { return count }
                    return -1
                }
                switch outcome {
                case .transferred(0):
                    throw TransportError(
                        .endOfStream, "the peer closed the connection instead of passing a handle", fileDescriptor: fd)
                case .transferred: return decoder.takeByte()
                case .wouldBlock: return nil
                case .failed(let code): throw TransportError.system("recvmsg", errno: code, fd: fd)
                }
            }
            if let (byte, offset) = taken {
                let (fds, truncated) = inbox.take(at: offset)
                return (byte, fds, truncated)
            }
            try await TransportError.mappingRuntime { try await end.source.wait(for: .read, deadline: deadline) }
        }
    }

    /// Receives a handle message and checks it carries `count` descriptors, as announced.
    /// - Throws: ``TransportError/Code/handlePassingFailed`` (every descriptor that arrived is closed), or what
    ///   ``receiveHandleMessage(timeout:)`` throws.
    package func receiveDescriptors(count: Int, timeout: Duration?) async throws -> [Int32] {
        let (byte, fds, truncated) = try await receiveHandleMessage(timeout: timeout)
        guard !truncated, fds.count == count, Int(byte) == fds.count % 256 else {
            for fd in fds { Syscalls.close(fd) }
            throw TransportError(
                .handlePassingFailed,
                "expected \(count) descriptor(s); the message announced \(byte) and carried \(fds.count)"
                    + (truncated ? " (more were dropped)" : "") + "; every one that arrived was closed",
                fileDescriptor: fileDescriptor)
        }
        return fds
    }
}
