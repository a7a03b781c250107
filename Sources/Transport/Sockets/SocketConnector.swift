import CGIPCSystem
import GIPCRuntime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Connects a non-blocking stream socket without blocking a thread: a connect that is in progress waits for the
/// socket to become writable in the reactor; a Unix-domain listener whose backlog is full (`EAGAIN`) is asked again
/// after a short pause, until the connect timeout.
enum SocketConnector {
    static func connect(to address: SocketAddress, options: SocketOptions) async throws -> FrameConnection {
        var system = try address.systemAddress()
        let deadline = Deadline.after(options.connectTimeout)
        var pause: Duration = .milliseconds(1)
        while true {
            let fd = gipc_socket_open(&system.storage)
            guard fd >= 0 else { throw TransportError.system("socket", errno: errno) }
            let result = gipc_socket_connect(fd, &system.storage, system.size)
            let code = result == 0 ? 0 : errno
            if code == EAGAIN, address.isUnixDomain {
                Syscalls.close(fd)
                if let deadline, deadline.hasPassed { throw timedOut(address) }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(50))
                continue
            }
            if code != 0 && code != EINPROGRESS {
                Syscalls.close(fd)
                throw failure(code, address: address)
            }
            let connection = try FrameConnection(adoptingConnected: fd, options: options)
            if code == EINPROGRESS {
                do {
                    try await connection.writer.waitUntilWritable(deadline: deadline)
                } catch let error as TransportError where error.code == .timedOut {
                    connection.closeQuietly()
                    throw timedOut(address)
                } catch {
                    connection.closeQuietly()
                    throw error
                }
                let pending = gipc_socket_error(fd)
                if pending != 0 {
                    connection.closeQuietly()
                    throw failure(pending < 0 ? errno : pending, address: address)
                }
            }
            return connection
        }
    }

    private static func timedOut(_ address: SocketAddress) -> TransportError {
        TransportError(.timedOut, "could not connect to \(address) within the connect timeout")
    }

    private static func failure(_ code: Int32, address: SocketAddress) -> TransportError {
        if code == ECONNREFUSED || code == ENOENT {
            return TransportError(
                .connectionRefused, "nobody listens at \(address)", syscall: "connect", errno: code)
        }
        let error = TransportError.system("connect", errno: code)
        return TransportError(
            error.code, "connecting to \(address) failed", syscall: "connect", errno: code)
    }
}

extension FrameWriter {
    /// Waits until the socket is writable (a non-blocking connect has finished, well or not).
    func waitUntilWritable(deadline: Deadline?) async throws {
        try await TransportError.mappingRuntime { try await end.source.wait(for: .write, deadline: deadline) }
    }
}
