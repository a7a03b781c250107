import GIPCRuntime
import Synchronization

/// What ``FrameWriter/sendWithoutWaiting(_:)`` did.
package enum ImmediateSend: Equatable, Sendable {
    /// The whole frame is in the pipe.
    case sent
    /// The caller is now the active sender and `alreadyWritten` bytes of the frame are in the pipe (perhaps none:
    /// the pipe was full). It must complete the frame with ``FrameWriter/completeSend(_:after:timeout:)``.
    case started(alreadyWritten: Int)
    /// Another task is sending: nothing was written, and the frame must wait its turn with
    /// ``FrameWriter/completeSend(_:after:timeout:)``.
    case busy
}

extension FrameWriter {
    /// Payloads up to this size are sent with one `write` of header and payload copied together; larger ones with
    /// one `writev` of the two. A copy this small costs less than the kernel's walk of a second segment.
    package static let singleWriteLimit = 1 << 10

    /// Writes a frame at once on the calling task if no other task is sending: the synchronous fast path of
    /// ``send(_:timeout:)``, with one lock round trip to become the active sender and one to hand over.
    /// - Returns: ``ImmediateSend/sent``, ``ImmediateSend/busy``, or ``ImmediateSend/started(alreadyWritten:)``
    ///   when the pipe took part of the frame or none of it (the caller is then the active sender).
    /// - Throws: as ``send(_:timeout:)`` for a failed write (nothing of the frame is in the pipe then), or
    ///   ``TransportError/Code/poisoned`` after a send that left part of a frame in the pipe.
    package func sendWithoutWaiting(_ payload: [UInt8]) throws(TransportError) -> ImmediateSend {
        guard try becomeActiveSender() else { return .busy }
        let fd = end.fd
        let result: IOResult
        let call: String
        if payload.count <= Self.singleWriteLimit {
            result = Self.writeCopied(fd: fd, payload)
            call = "write"
        } else {
            result = Self.writeFrameVector(fd: fd, payload, skipping: 0)
            call = "writev"
        }
        return try finishImmediate(
            result, total: payload.count + FrameFormat.headerBytes(forPayloadLength: payload.count), call: call)
    }

    /// ``sendWithoutWaiting(_:)`` for a frame laid out in the caller's buffer: `frame` holds
    /// ``FrameFormat/shortHeaderBytes`` of room (overwritten here with the header) followed by a payload of at most
    /// ``singleWriteLimit`` bytes, sent with one `write` and no copy.
    /// - Returns: As ``sendWithoutWaiting(_:)``.
    /// - Throws: As ``sendWithoutWaiting(_:)``.
    package func sendWithoutWaiting(frame: UnsafeMutableRawBufferPointer) throws(TransportError) -> ImmediateSend {
        let length = frame.count - FrameFormat.shortHeaderBytes
        precondition(length >= 0 && length <= Self.singleWriteLimit, "an in-place frame holds at most 1 KiB")
        guard try becomeActiveSender() else { return .busy }
        frame.storeBytes(of: UInt32(length).bigEndian, toByteOffset: 0, as: UInt32.self)
        let result = Syscalls.write(end.fd, UnsafeRawBufferPointer(frame))
        return try finishImmediate(result, total: frame.count, call: "write")
    }

    /// Makes the calling task the active sender if no other task is sending.
    /// - Returns: Whether it did (`false`: another task is sending).
    /// - Throws: As ``sendWithoutWaiting(_:)``.
    @inline(__always)
    private func becomeActiveSender() throws(TransportError) -> Bool {
        switch queue.withLock({ $0.activateIfIdleAndWhole() }) {
        case .failure(let earlier):
            try end.checkOpen()
            throw Self.unusable(after: earlier)
        case .success(false):
            return false
        case .success(true):
            break
        }
        do {
            try end.checkOpen()
        } catch {
            handOff()
            throw error
        }
        return true
    }

    /// What an immediate write of a frame of `total` bytes with `call` did: sent, started, or failed (the sender
    /// role is handed on when the frame is complete or the write failed).
    @inline(__always)
    private func finishImmediate(_ result: IOResult, total: Int, call: String) throws(TransportError) -> ImmediateSend {
        let fd = end.fd
        switch result {
        case .transferred(let count):
            if count == total {
                handOff()
                return .sent
            }
            return .started(alreadyWritten: count)
        case .wouldBlock:
            return .started(alreadyWritten: 0)
        case .failed(let code):
            handOff()
            throw TransportError.system(call, errno: code, fd: fd)
        }
    }

    /// One `write` of the short header and a small payload, copied together into a buffer on the stack.
    private static func writeCopied(fd: Int32, _ payload: [UInt8]) -> IOResult {
        let header = FrameFormat.shortHeaderBytes
        return withUnsafeTemporaryAllocation(byteCount: payload.count + header, alignment: 4) { frame in
            frame.storeBytes(of: UInt32(payload.count).bigEndian, toByteOffset: 0, as: UInt32.self)
            payload.withUnsafeBytes { body in
                if let base = body.baseAddress {
                    (frame.baseAddress! + header).copyMemory(from: base, byteCount: body.count)
                }
            }
            return Syscalls.write(fd, UnsafeRawBufferPointer(frame))
        }
    }
}
