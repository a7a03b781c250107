import CGIPCSystem
import GIPCRuntime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FrameWriter {
    /// Sends a handle message of `multiprocessing.reduction.send_handle`: one byte, the number of descriptors modulo
    /// 256, carrying `fds` (SCM_RIGHTS); no frame header. The descriptors stay open here (the peer gets copies).
    /// - Parameters:
    ///   - fds: the descriptors to pass (1 to 253).
    ///   - timeout: how long to wait for room in the socket; `nil` waits forever.
    /// - Throws: ``TransportError`` with ``TransportError/Code/locked`` while another task is sending,
    ///   ``TransportError/Code/handlePassingFailed`` when this writer is no Unix-domain socket or a descriptor is
    ///   not open, ``TransportError/Code/peerClosed``, ``TransportError/Code/connectionReset``,
    ///   ``TransportError/Code/timedOut``, ``TransportError/Code/closed``, ``TransportError/Code/systemError``;
    ///   `CancellationError`.
    package func sendHandleMessage(_ fds: [Int32], timeout: Duration?) async throws {
        precondition(!fds.isEmpty && fds.count <= Int(GIPC_SOCKET_MAX_FDS), "1 to 253 descriptors")
        let deadline = Deadline.after(timeout)
        try claimIdleWriter()
        defer { handOff() }
        try end.checkOpen()
        let fd = end.fd
        guard gipc_socket_family(fd) == Int32(GIPC_SOCKET_UNIX) else {
            throw TransportError(
                .handlePassingFailed, "handles can be passed over Unix-domain sockets only", fileDescriptor: fd)
        }
        var byte = UInt8(truncatingIfNeeded: fds.count)
        while true {
            let sent = fds.withUnsafeBufferPointer { fds in
                gipc_socket_send_fds(fd, &byte, 1, fds.baseAddress, Int32(fds.count))
            }
            if sent == 1 { return }
            let code = errno
            if code == EBADF {
                throw TransportError(
                    .handlePassingFailed, "a descriptor to pass is not open", fileDescriptor: fd, syscall: "sendmsg",
                    errno: code)
            }
            guard code == EAGAIN || code == EWOULDBLOCK else {
                throw TransportError.system("sendmsg", errno: code, fd: fd)
            }
            try await TransportError.mappingRuntime { try await end.source.wait(for: .write, deadline: deadline) }
        }
    }
}

extension FrameWriter {
    /// Shuts the socket's sending direction down (the peer reads the end of the stream) and closes this descriptor.
    /// - Throws: as ``close()``.
    package func shutdownAndClose() throws(TransportError) {
        try claimIdleWriter()
        defer { handOff() }
        try end.checkOpen()
        _ = gipc_socket_shutdown(end.fd, Int32(SHUT_WR))
        try end.close()
    }
}
