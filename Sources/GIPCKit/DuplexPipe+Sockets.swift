extension DuplexPipe {
    /// A duplex pipe over a socket connection.
    convenience init(connection: FrameConnection, codec: any MessageCodec) {
        self.init(
            reader: PipeReader(end: connection.reader, codec: codec),
            writer: PipeWriter(end: connection.writer, codec: codec))
    }

    /// Closes what is still open, ignoring errors.
    func closeQuietly() {
        if writer.isOpen { try? writer.close() }
        if reader.isOpen { try? reader.close() }
    }

    /// Ends the sending direction of a socket connection: the peer reads the end of the stream after the messages
    /// already sent, and this end can still receive. On a pipe it closes the writer.
    /// - Throws: as ``PipeWriter/close()``.
    public func closeWrite() throws {
        do { try writer.end.shutdownAndClose() } catch { throw GIPCError(error) }
    }

    /// Passes an open descriptor to the peer over a Unix-domain connection, wire-compatible with Python's
    /// `multiprocessing.reduction.send_handle(conn, fd, pid)`: one byte with the descriptor attached (SCM_RIGHTS),
    /// between messages. The descriptor stays open here; the peer receives its own copy.
    /// - Parameters:
    ///   - fd: the descriptor.
    ///   - timeout: how long to wait for room in the socket.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/handlePassingFailed`` (not a Unix-domain socket, `fd` not
    ///   open), ``GIPCError/Code/locked`` while another task is inside `put`, ``GIPCError/Code/peerClosed``,
    ///   ``GIPCError/Code/connectionReset``, ``GIPCError/Code/timedOut``, ``GIPCError/Code/closed``.
    public func sendHandle(_ fd: Int32, timeout: Duration? = nil) async throws {
        try await GIPCError.mapping { try await writer.end.sendHandleMessage([fd], timeout: timeout) }
    }

    /// Hands a pipe handle (or a socket connection) to the peer process: each of its descriptors is passed as by
    /// `sendHandle(_:timeout:)`, in the order of ``TransferableHandle/transferEnds``, and then closed here (any
    /// later use throws ``GIPCError/Code/transferred``). The peer adopts them with ``PipeReader/init(adopting:codec:maxFrameBytes:)``
    /// and ``PipeWriter/init(adopting:codec:)`` after ``receiveHandle(timeout:)``.
    /// - Parameters:
    ///   - handle: the handle.
    ///   - timeout: how long to wait for room in the socket, per descriptor.
    /// - Throws: as `sendHandle(_:timeout:)`, and ``GIPCError/Code/locked`` / ``GIPCError/Code/closed`` /
    ///   ``GIPCError/Code/transferred`` when a handle's end is busy or gone (nothing is sent then).
    public func sendHandle(_ handle: some TransferableHandle, timeout: Duration? = nil) async throws {
        let ends = handle.transferEnds
        var begun: [TransferEnd] = []
        var fds: [Int32] = []
        do {
            for end in ends {
                fds.append(try end.beginTransfer())
                begun.append(end)
            }
        } catch {
            for end in begun { end.abortTransfer() }
            throw GIPCError(error)
        }
        do {
            for fd in fds { try await sendHandle(fd, timeout: timeout) }
        } catch {
            for end in begun { end.abortTransfer() }
            throw error
        }
        for end in begun { end.completeHandOver() }
    }

    /// Receives a descriptor the peer passed with `sendHandle(_:timeout:)` or Python's
    /// `multiprocessing.reduction.send_handle`; call it where the peer sends one, between messages.
    /// - Parameter timeout: how long to wait.
    /// - Returns: the descriptor, owned by the caller (close-on-exec).
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/handlePassingFailed`` when no descriptor or more than one
    ///   arrived (every one that did is closed), over TCP, or inside a message; ``GIPCError/Code/endOfStream``,
    ///   ``GIPCError/Code/timedOut``, ``GIPCError/Code/closed``; `CancellationError`.
    public func receiveHandle(timeout: Duration? = nil) async throws -> Int32 {
        try await GIPCError.mapping { try await reader.end.receiveDescriptors(count: 1, timeout: timeout) }[0]
    }
}

extension TransferEnd {
    /// Closes this end here now that another running process holds a copy (passed over a socket).
    func completeHandOver() {
        switch end {
        case .reader(let reader): reader.completeTransfer()
        case .writer(let writer): writer.completeTransfer()
        }
    }
}
