import CGIPCSystem
import GIPCTransport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The tasks that serve one worker process: they write the work the pool gives it, read the answers, notice the
/// worker's end, and report all of it to the pool.
///
/// A worker with one job at a time is served by one task that sends a job and reads its answer in turn, so a job
/// costs no hand-over between tasks. A worker with several jobs in flight has a sender task and a receiver task,
/// so that sending never waits for an answer (and the two pipes never fill up against each other).
enum PoolWorkerDriver {
    static func start(core: PoolCore, workerID: UInt64, launched: PoolLauncher.Launched) {
        if let lines = launched.process.standardError { Task.detached { await forward(lines) } }
        if core.options.jobsInFlightPerWorker == 1 {
            Task.detached {
                await finish(core: core, workerID: workerID, launched: launched) {
                    try await serveInTurn(core: core, workerID: workerID, launched: launched)
                }
            }
        } else {
            Task.detached {
                await finish(core: core, workerID: workerID, launched: launched) {
                    try await awaitReady(core: core, workerID: workerID, launched: launched)
                    // Jobs go out only once the worker is ready: its set-up never counts against a job's timeout.
                    Task.detached { await send(core: core, workerID: workerID, launched: launched) }
                    while true {
                        try await readAnswers(core: core, workerID: workerID, launched: launched)
                        checkMemory(core: core, workerID: workerID, launched: launched)
                    }
                }
            }
        }
    }

    /// Sends one work, reads its answers, and again, until the pool gives the worker no more; then closes the jobs
    /// pipe and lets the worker exit.
    ///
    /// An executable gets the jobs of a chunk one at a time, each answered before the next is sent, so that a large
    /// chunk never fills both pipes against each other.
    private static func serveInTurn(core: PoolCore, workerID: UInt64, launched: PoolLauncher.Launched) async throws {
        try await awaitReady(core: core, workerID: workerID, launched: launched)
        while let work = await core.nextWork(for: workerID) {
            switch core.launcher.framing {
            case .batches:
                try await write(work, core: core, launched: launched)
                try await readAnswers(core: core, workerID: workerID, launched: launched)
            case .frames:
                var answers: [PoolReply] = []
                for index in work.payloads.indices {
                    try await write(work, from: index, launched: launched)
                    answers.append(PoolReply(kind: .result, bytes: try await launched.replies.receive()))
                }
                try core.complete(workerID, replies: answers)
            }
            checkMemory(core: core, workerID: workerID, launched: launched)
        }
        try await letExit(core: core, launched: launched)
    }

    /// Closes the jobs pipe of a worker that owes nothing, and waits up to the grace period for it to close its end
    /// and exit; a worker that does not is stopped.
    private static func letExit(core: PoolCore, launched: PoolLauncher.Launched) async throws {
        try? launched.jobs.close()
        do {
            _ = try await launched.replies.receive(timeout: core.options.gracePeriod)
        } catch let error as TransportError where error.code == .timedOut {
            _ = await launched.process.stop(gracePeriod: .zero)
            _ = try await launched.replies.receive()
        }
        throw GIPCError(.corruptStream, "the worker sent a frame after the end of its jobs")
    }

    /// Writes job `index` of an executable's work. When the worker has already closed its jobs pipe, a frame that
    /// fits in one atomic pipe write (`PIPE_BUF`) was not written at all: it and the jobs after it are recorded as
    /// undelivered.
    private static func write(_ work: PoolWork, from index: Int, launched: PoolLauncher.Launched) async throws {
        let payload = work.payloads[index]
        do {
            try await launched.jobs.send(payload)
        } catch let error as TransportError where error.code == .peerClosed {
            if framedBytes(work.payloads[index...index]) <= Int(PIPE_BUF) {
                launched.undelivered.record(
                    framedBytes(work.payloads[index...]))
            }
            throw error
        }
    }

    /// Writes the work's frames. When the worker has already closed its jobs pipe (`peerClosed`), a work that fits
    /// in one atomic pipe write (`PIPE_BUF`) was not written at all: it is recorded as undelivered, so that the
    /// pool runs it elsewhere instead of reporting a crash of a job that never started.
    private static func write(_ work: PoolWork, core: PoolCore, launched: PoolLauncher.Launched) async throws {
        switch core.launcher.framing {
        case .batches:
            do {
                try await launched.jobs.send(PoolBatch.jobsFrame(work.payloads))
            } catch let error as TransportError where error.code == .peerClosed {
                let size = frameBytes(of: work, framing: .batches)
                if size <= Int(PIPE_BUF) { launched.undelivered.record(size) }
                throw error
            }
        case .frames:
            for index in work.payloads.indices { try await write(work, from: index, launched: launched) }
        }
    }

    /// The bytes of the work's frames on the wire.
    static func frameBytes(of work: PoolWork, framing: PoolLauncher.Framing) -> Int {
        switch framing {
        case .batches:
            let payload = 4 + work.payloads.reduce(0) { $0 + 4 + $1.count }
            return FrameFormat.headerBytes(forPayloadLength: payload) + payload
        case .frames:
            return framedBytes(work.payloads[...])
        }
    }

    /// The bytes of `payloads` as frames of their own.
    private static func framedBytes(_ payloads: ArraySlice<[UInt8]>) -> Int {
        payloads.reduce(0) { $0 + FrameFormat.headerBytes(forPayloadLength: $1.count) + $1.count }
    }

    /// The sender of a worker with several jobs in flight.
    private static func send(core: PoolCore, workerID: UInt64, launched: PoolLauncher.Launched) async {
        while let work = await core.nextWork(for: workerID) {
            do {
                try await write(work, core: core, launched: launched)
            } catch {
                // The worker is gone or stuck; the receiver reports it, and reads what it left unread first.
                try? launched.process.signalGroup(SIGKILL)
                return
            }
        }
        // The worker answers what it has, then sees the end of its jobs and exits; one that owes nothing and does
        // not exit within the grace period is stopped.
        try? launched.jobs.close()
        if (try? await launched.process.join(timeout: core.options.gracePeriod)) == nil,
            core.answersOwed(by: workerID) == nil
        {
            _ = await launched.process.stop(gracePeriod: .zero)
        }
    }

    /// Runs `body` until the worker's end, then reports how it ended.
    private static func finish(
        core: PoolCore, workerID: UInt64, launched: PoolLauncher.Launched, _ body: () async throws -> Void
    ) async {
        var reason: String? = nil
        do {
            try await body()
        } catch let error as TransportError where error.code == .endOfStream {
            reason = nil
        } catch let error as TransportError {
            reason = error.message
        } catch let error as GIPCError {
            reason = error.message
        } catch {
            reason = "\(error)"
        }
        if reason != nil { try? launched.process.signalGroup(SIGKILL) }
        // What the worker left unread in its jobs pipe never started.
        var unread: Int? = nil
        if launched.jobs.isOpen {
            let count = gipc_pipe_unread_bytes(launched.jobs.fileDescriptor)
            if count >= 0 { unread = Int(count) + launched.undelivered.value }
        }
        try? launched.jobs.close()
        try? launched.replies.close()
        let status: ExitStatus
        if let exited = try? await launched.process.join(timeout: core.options.gracePeriod) {
            status = exited
        } else {
            status = await launched.process.stop(gracePeriod: .zero)
        }
        let tail = await launched.process.standardError?.finalLines()
        core.workerEnded(workerID, status: status, tail: tail, reason: reason, unreadJobBytes: unread)
    }

    /// Reads the ready frame of an entry worker.
    private static func awaitReady(core: PoolCore, workerID: UInt64, launched: PoolLauncher.Launched) async throws {
        guard core.launcher.framing == .batches else { return }
        guard try PoolBatch.replies(in: try await launched.replies.receive()).isEmpty else {
            throw GIPCError(.corruptStream, "the worker answered before it was ready")
        }
        core.workerReady(workerID)
    }

    /// Reads the answers to the worker's oldest work and completes it.
    private static func readAnswers(core: PoolCore, workerID: UInt64, launched: PoolLauncher.Launched) async throws {
        let replies = launched.replies
        switch core.launcher.framing {
        case .batches:
            try core.complete(workerID, replies: PoolBatch.replies(in: try await replies.receive()))
        case .frames:
            let first = try await replies.receive()
            guard let owed = core.answersOwed(by: workerID) else {
                throw GIPCError(.corruptStream, "the worker sent a frame for a job it was not given")
            }
            var answers = [PoolReply(kind: .result, bytes: first)]
            while answers.count < owed { answers.append(PoolReply(kind: .result, bytes: try await replies.receive())) }
            try core.complete(workerID, replies: answers)
        }
    }

    /// Copies a worker's captured standard error to this process's standard error, line by line, as it comes; the
    /// capture keeps its last lines for the errors of the jobs the worker fails.
    private static func forward(_ lines: CapturedOutput) async {
        for await line in lines {
            if writeAll(2, Array((line + "\n").utf8)) != 0 { return }  // standard error is gone
        }
    }

    /// Retires the worker when its resident memory is over ``PoolOptions/maxWorkerMemoryBytes``.
    private static func checkMemory(core: PoolCore, workerID: UInt64, launched: PoolLauncher.Launched) {
        if let limit = core.options.maxWorkerMemoryBytes, let resident = residentBytes(of: launched.process.pid),
            resident > limit
        {
            core.retire(workerID)
        }
    }

    /// The resident memory of process `pid` (Linux `/proc/PID/statm`), or `nil` where it cannot be read.
    static func residentBytes(of pid: Int32) -> Int? {
        #if os(Linux)
            let fd = open("/proc/\(pid)/statm", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 128)
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            let fields = String(decoding: buffer[..<count], as: UTF8.self).split(separator: " ")
            guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
            return nil
        #endif
    }
}
