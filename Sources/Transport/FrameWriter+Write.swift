import GIPCRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension FrameWriter {
    /// Writes one frame, of which `alreadyWritten` bytes are in the pipe, waiting for room as needed.
    func writeFrame(_ payload: [UInt8], alreadyWritten: Int, deadline: Deadline?) async throws {
        let fd = fileDescriptor
        let total = payload.count + FrameFormat.headerBytes(forPayloadLength: payload.count)
        var written = alreadyWritten
        while true {
            switch Self.writeFrameVector(fd: fd, payload, skipping: written) {
            case .transferred(let count):
                written += count
                if written == total { return }
                continue
            case .failed(let code):
                let error = TransportError.system("writev", errno: code, fd: fd)
                if written > 0 { poison(error) }
                throw error
            case .wouldBlock:
                break
            }
            do {
                try await waitForRoom(deadline: deadline)
            } catch {
                throw gaveUp(error, written: written, total: total)
            }
        }
    }

    /// Writes this task's small frame and the small frames queued behind it with as few system calls as the pipe
    /// allows. If the pipe fills up once this task's frame is complete, the frames not yet complete go back to the
    /// front of the queue (the first perhaps partly written) and the next sender continues with them.
    func writeBatch(_ payload: [UInt8], with batch: [SendQueue.Entry], deadline: Deadline?) async throws {
        let fd = fileDescriptor
        var bytes: [UInt8] = []
        let header = FrameFormat.shortHeaderBytes
        bytes.reserveCapacity(batch.reduce(payload.count + header) { $0 + $1.payload.count + header })
        Self.appendFrame(payload, to: &bytes)
        let ownEnd = bytes.count
        var ends: [Int] = []
        ends.reserveCapacity(batch.count)
        for entry in batch {
            Self.appendFrame(entry.payload, to: &bytes)
            ends.append(bytes.count)
        }
        var written = 0
        while true {
            let result = bytes.withUnsafeBytes { raw in
                Syscalls.write(fd, UnsafeRawBufferPointer(rebasing: raw[written...]))
            }
            let code: Int32
            switch result {
            case .transferred(let count):
                written += count
                if written == bytes.count {
                    settle(batch, ownEnd: ownEnd, ends: ends, written: written, rest: nil)
                    return
                }
                continue
            case .failed(let failure):
                code = failure
            case .wouldBlock:
                if written >= ownEnd {
                    // This task's frame is in the pipe; the others continue from the queue.
                    settle(batch, ownEnd: ownEnd, ends: ends, written: written, rest: .putBack)
                    return
                }
                do {
                    try await waitForRoom(deadline: deadline)
                    continue
                } catch {
                    let failure = gaveUp(error, written: written, total: ownEnd)
                    let rest: Rest = written == 0 ? .putBack : .fail(failure)
                    settle(batch, ownEnd: ownEnd, ends: ends, written: written, rest: rest)
                    throw failure
                }
            }
            let error = TransportError.system("write", errno: code, fd: fd)
            if !ends.contains(written) && written != ownEnd && written > 0 { poison(error) }
            settle(batch, ownEnd: ownEnd, ends: ends, written: written, rest: .fail(error))
            if written >= ownEnd { return }
            throw error
        }
    }

    /// What happens to batch frames not completely written.
    private enum Rest {
        /// They go back to the front of the queue, in order.
        case putBack
        /// They fail with this error.
        case fail(any Error)
    }

    /// Resumes the batch frames that are completely in the pipe and puts back or fails the others.
    private func settle(_ batch: [SendQueue.Entry], ownEnd: Int, ends: [Int], written: Int, rest: Rest?) {
        var unwritten: [SendQueue.Entry] = []
        for (index, entry) in batch.enumerated() {
            if ends[index] <= written {
                entry.waiter.resume(with: .success(.written))
                continue
            }
            switch rest {
            case .putBack?:
                var entry = entry
                let start = index == 0 ? ownEnd : ends[index - 1]
                entry.written = max(0, written - start)
                unwritten.append(entry)
            case .fail(let error)?:
                entry.waiter.resume(with: .failure(error))
            case nil:
                preconditionFailure("a finished batch has unwritten frames")
            }
        }
        let failed = queue.withLock { $0.settle(batch, puttingBack: unwritten) }
        for (entry, error) in failed { entry.waiter.resume(with: .failure(error)) }
    }

    /// Appends a small frame (short header) to a batch.
    private static func appendFrame(_ payload: [UInt8], to bytes: inout [UInt8]) {
        FrameFormat.appendShortHeader(forPayloadLength: payload.count, to: &bytes)
        bytes += payload
    }

    /// Suspends until the pipe has room.
    private func waitForRoom(deadline: Deadline?) async throws {
        try await TransportError.mappingRuntime { try await end.source.wait(for: .write, deadline: deadline) }
    }

    /// The error for a send that stopped waiting: nothing written (the stream stays whole) or a partial frame (the
    /// writer is poisoned).
    private func gaveUp(_ error: any Error, written: Int, total: Int) -> any Error {
        let fd = fileDescriptor
        guard written > 0 else {
            if let error = error as? TransportError, error.code == .timedOut {
                return TransportError.timedOut(fd: fd, "the pipe stayed full; nothing of the frame was written")
            }
            return error
        }
        let reason = (error is CancellationError) ? "the task was cancelled" : "the timeout passed"
        let poisoning = TransportError(
            .poisoned,
            "\(reason) after \(written) of \(total) bytes of a frame were written; the writer is unusable",
            fileDescriptor: fd, bytesExpected: UInt64(total), bytesReceived: UInt64(written),
            underlying: error)
        poison(poisoning)
        return poisoning
    }

    /// One `writev` of what remains of a frame (header and payload) after its first `skip` bytes.
    static func writeFrameVector(fd: Int32, _ payload: [UInt8], skipping skip: Int) -> IOResult {
        payload.withUnsafeBytes { body in
            FrameFormat.withHeader(forPayloadLength: body.count) { header in
                write(fd: fd, header: header, payload: body, skipping: skip)
            }
        }
    }

    /// One `writev` of what remains of header + payload after the first `skip` bytes.
    private static func write(
        fd: Int32, header: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, skipping skip: Int
    ) -> IOResult {
        withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2) { vectors in
            var count = 0
            if skip < header.count {
                vectors[count] = iovec(
                    iov_base: UnsafeMutableRawPointer(mutating: header.baseAddress! + skip),
                    iov_len: header.count - skip)
                count += 1
            }
            let payloadSkip = max(0, skip - header.count)
            if payload.count > payloadSkip {
                vectors[count] = iovec(
                    iov_base: UnsafeMutableRawPointer(mutating: payload.baseAddress! + payloadSkip),
                    iov_len: payload.count - payloadSkip)
                count += 1
            }
            return Syscalls.writev(fd, UnsafeBufferPointer(rebasing: vectors[0..<count]))
        }
    }
}
