import CGIPCSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Descriptors that arrived on a Unix-domain socket (SCM_RIGHTS), each set tied to the stream offset of the last
/// byte that carried it, until a ``FrameReader`` hands them out as a passed handle or closes them.
///
/// Linux ends a `recvmsg` after the message that carries descriptors, so every set belongs to the last byte of one
/// read. A set whose byte is consumed as part of a frame was not announced by a handle message: it is closed.
final class DescriptorInbox: Sendable {
    private struct Arrival {
        let offset: UInt64
        var fds: [Int32]
        var truncated: Bool
    }

    private let arrivals = Mutex<[Arrival]>([])

    /// Reads into `space` with `recvmsg`, keeping any descriptors that come along.
    /// - Parameters:
    ///   - fd: the socket.
    ///   - space: where the bytes go.
    ///   - offset: the stream offset of the first byte this read receives.
    /// - Returns: what the read did.
    func receive(_ fd: Int32, into space: UnsafeMutableRawBufferPointer, at offset: UInt64) -> IOResult {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: Int(GIPC_SOCKET_MAX_FDS)) { fds in
            var count: Int32 = 0
            var truncated: Int32 = 0
            let n = gipc_socket_receive_fds(fd, space.baseAddress, space.count, fds.baseAddress, &count, &truncated)
            if n < 0 {
                let code = errno
                return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .failed(errno: code)
            }
            if count > 0 || truncated != 0 {
                let last = n > 0 ? offset + UInt64(n) - 1 : offset
                let arrival = Arrival(offset: last, fds: Array(fds.prefix(Int(count))), truncated: truncated != 0)
                arrivals.withLock { $0.append(arrival) }
            }
            return .transferred(n)
        }
    }

    /// Takes the descriptors that came with the byte at `offset`, closing every set that came with earlier bytes.
    /// - Returns: the descriptors and whether the kernel dropped some of the set.
    func take(at offset: UInt64) -> (fds: [Int32], truncated: Bool) {
        let (stale, taken) = arrivals.withLock { arrivals -> ([Int32], Arrival?) in
            var stale: [Int32] = []
            var taken: Arrival? = nil
            arrivals.removeAll { arrival in
                if arrival.offset < offset {
                    stale += arrival.fds
                    return true
                }
                if arrival.offset == offset {
                    taken = arrival
                    return true
                }
                return false
            }
            return (stale, taken)
        }
        for fd in stale { Syscalls.close(fd) }
        return (taken?.fds ?? [], taken?.truncated ?? false)
    }

    /// Closes the descriptors that came with bytes before `offset` (consumed as frames).
    func discard(before offset: UInt64) {
        let stale = arrivals.withLock { arrivals -> [Int32] in
            guard !arrivals.isEmpty else { return [] }
            var stale: [Int32] = []
            arrivals.removeAll { arrival in
                guard arrival.offset < offset else { return false }
                stale += arrival.fds
                return true
            }
            return stale
        }
        for fd in stale { Syscalls.close(fd) }
    }

    /// Closes every descriptor still held.
    func closeAll() {
        let all = arrivals.withLock { arrivals in
            defer { arrivals.removeAll() }
            return arrivals.flatMap(\.fds)
        }
        for fd in all { Syscalls.close(fd) }
    }

    deinit { closeAll() }
}
