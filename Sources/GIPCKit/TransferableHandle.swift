/// A handle that can be given to a child process: ``PipeReader``, ``PipeWriter`` and ``DuplexPipe``.
///
/// Pass handles inside an entry's arguments (at any depth) or in the `handles:` list of
/// ``GIPC/start(executable:arguments:environment:handles:name:daemon:standardOutput:standardError:)``. Once the
/// child has started, the handle is closed in this process and any use of it throws ``GIPCError/Code/transferred``;
/// transferring it again throws the same before anything starts.
///
/// Your own handle types can conform by listing the ends of the handles they hold, in the order the child should
/// receive them (as ``DuplexPipe`` lists its reader's, then its writer's).
public protocol TransferableHandle: Sendable {
    /// The pipe ends that make up this handle, in the order the child receives them.
    var transferEnds: [TransferEnd] { get }
}

/// One pipe end of a ``TransferableHandle``, as the transfer machinery sees it.
public struct TransferEnd: Sendable {
    enum End: Sendable {
        case reader(FrameReader)
        case writer(FrameWriter)
    }

    let end: End
    let codec: any MessageCodec
    /// For a writing end made here: the link its reading end asks about the child that received it.
    let peer: PeerLink?

    init(reader: FrameReader, codec: any MessageCodec) {
        self.end = .reader(reader)
        self.codec = codec
        self.peer = nil
    }

    init(writer: FrameWriter, codec: any MessageCodec, peer: PeerLink?) {
        self.end = .writer(writer)
        self.codec = codec
        self.peer = peer
    }

    /// The codec's settings, checked to fit in `GIPC_HANDLES`.
    /// - Throws: ``GIPCError/Code/invalidArgument`` when the codec cannot describe its configuration.
    func transferSettings() throws(GIPCError) -> [String: String] {
        guard let settings = codec.settings else {
            throw GIPCError(
                .invalidArgument,
                "codec '\(codec.name)' cannot describe its configuration (its settings are nil), so a child could not "
                    + "rebuild it; give the child a handle with a codec that can")
        }
        for (name, value) in settings
        where !HandleDescription.isSettingText(name) || !HandleDescription.isSettingText(value) {
            throw GIPCError(
                .invalidArgument,
                "codec '\(codec.name)' setting \(name)=\(value) uses characters other than letters, digits and _ . + -")
        }
        return settings
    }

    /// The identity of the underlying pipe end (to catch the same handle listed twice).
    var identity: ObjectIdentifier {
        switch end {
        case .reader(let reader): ObjectIdentifier(reader)
        case .writer(let writer): ObjectIdentifier(writer)
        }
    }

    /// The child's view of this end once it sits at `fd`.
    func description(childFD fd: Int32) -> HandleDescription {
        switch end {
        case .reader(let reader):
            HandleDescription(
                fd: fd, direction: .read, codec: codec.name, maxFrameBytes: reader.maxFrameBytes,
                settings: codec.settings ?? [:])
        case .writer: HandleDescription(fd: fd, direction: .write, codec: codec.name, settings: codec.settings ?? [:])
        }
    }

    func beginTransfer() throws(TransportError) -> Int32 {
        switch end {
        case .reader(let reader): try reader.beginTransfer()
        case .writer(let writer): try writer.beginTransfer()
        }
    }

    /// Closes this end here now that `child` holds it.
    func completeTransfer(to child: ChildProcess) {
        peer?.writerMoved(to: child)
        switch end {
        case .reader(let reader): reader.completeTransfer()
        case .writer(let writer): writer.completeTransfer()
        }
    }

    func abortTransfer() {
        switch end {
        case .reader(let reader): reader.abortTransfer()
        case .writer(let writer): writer.abortTransfer()
        }
    }
}

extension PipeReader: TransferableHandle {
    public var transferEnds: [TransferEnd] { [TransferEnd(reader: end, codec: codec)] }
}

extension PipeWriter: TransferableHandle {
    public var transferEnds: [TransferEnd] { [TransferEnd(writer: end, codec: codec, peer: peer)] }
}

extension DuplexPipe: TransferableHandle {
    public var transferEnds: [TransferEnd] { reader.transferEnds + writer.transferEnds }
}
