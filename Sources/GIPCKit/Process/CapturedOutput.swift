import CGIPCSystem
import GIPCRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The lines a child writes to a standard stream started with ``ChildOutput/capture``.
///
/// From the moment the child starts, this process reads the stream to its end, whether or not anybody looks at the
/// lines, so a child that writes a lot never blocks on a full pipe; reading suspends a task, never a thread. The
/// stream ends when every process holding it has closed it: the child, and any process the child started that
/// inherited it.
///
/// Three views of the same lines:
/// - The sequence: `for await line in output { ... }` gets every line in order, and ends when the stream does (or
///   when the iterating task is cancelled). Lines are *consumed*: iterate from one task at a time (with several
///   iterators, each line goes to one of them). Lines not taken yet wait in a buffer. While nobody iterates, the
///   buffer keeps at most 10 000 lines: beyond that the oldest are dropped, and counted in ``droppedLines``. While
///   an iterator exists (from ``makeAsyncIterator()`` until it is released, which a `for await` loop does when it
///   ends), nothing is dropped: when 10 000 lines wait, reading pauses until the iterator takes some, and the child
///   writes at the pace the lines are consumed. Release an iterator you stop using.
/// - ``recentLines``: the last lines so far (as many as the capture keeps), whether or not they were consumed.
/// - ``finalLines(timeout:)``: the last lines once the stream has ended, for an error report after the child exited.
///
/// A line is what comes before a `"\n"`, without it (and without a `"\r"` just before it). A line longer than
/// 64 KiB is delivered in pieces of at most 64 KiB; text that is not valid UTF-8 is repaired (U+FFFD); text after
/// the last newline is the last line.
///
/// ```swift
/// let child = try await GIPC.start(executable: "/usr/bin/make", standardError: .capture)
/// if try await child.join() != .exited(0), let errors = child.standardError {
///     print(await errors.finalLines().suffix(10).joined(separator: "\n"))
/// }
/// ```
public final class CapturedOutput: AsyncSequence, Sendable {
    /// A line, without its line end.
    public typealias Element = String
    /// Iterating never throws: it ends at the end of the stream or when the task is cancelled.
    public typealias Failure = Never

    /// The most unconsumed lines buffered for the sequence.
    static let unreadLimit = 10_000
    /// The longest line, in bytes; longer ones are cut into pieces.
    static let maximumLineBytes = 65_536
    /// How much one read takes from the pipe.
    private static let readSize = 65_536

    private struct State {
        var recent: RingBuffer<String>
        /// Lines not consumed yet: at most ``unreadLimit`` while nobody iterates; with an iterator, at most that many
        /// plus the lines of one read.
        var unread = RingBuffer<String>(limit: Int.max)
        var dropped = 0
        var finished = false
        /// Iterators that exist: while there is one, lines are kept, not dropped.
        var iterators = 0
        /// Tasks waiting in `next()`, in arrival order.
        var lineWaiters: [Waiter<String?>] = []
        /// Tasks waiting for the end of the stream, by ``Waiter/id``.
        var endWaiters: [UInt64: Waiter<Void>] = [:]
        /// The reading task, waiting for an iterator to take lines.
        var reader: Waiter<Void>? = nil

        /// Whether reading must wait until an iterator takes lines.
        var mustPause: Bool { iterators > 0 && unread.count >= CapturedOutput.unreadLimit }
    }

    private let state: Mutex<State>
    /// The pipe's read end and its registration, until reading starts (or is given up).
    private let pipe: Mutex<(fd: Int32, source: ReadinessSource)?>
    /// Runs the timers of ``finalLines(timeout:)``.
    private let reactor: Reactor

    /// Takes ownership of `fd`, the read end of the pipe the child writes to, and registers it with `reactor`;
    /// call ``startReading()`` once the child has started, or ``abandon()`` if it could not.
    /// - Throws: ``GIPCError/Code/spawnFailed`` if the descriptor cannot be set up (`fd` is closed then).
    init(reading fd: Int32, keepingLast: Int, reactor: Reactor) throws(GIPCError) {
        let source: ReadinessSource
        guard gipc_set_nonblocking(fd, 1) == 0 else {
            let code = errno
            close(fd)
            throw GIPCError(
                .spawnFailed, "cannot make the pipe of a captured stream non-blocking", syscall: "fcntl(O_NONBLOCK)",
                errno: code)
        }
        do {
            source = try reactor.register(fd: fd, events: .read)
        } catch {
            close(fd)
            throw GIPCError(spawnFailure: error, "cannot watch the pipe of a captured stream")
        }
        self.reactor = reactor
        self.pipe = Mutex((fd, source))
        self.state = Mutex(State(recent: RingBuffer(limit: keepingLast)))
    }

    /// Starts the task that reads the pipe to its end.
    func startReading() {
        guard let (fd, source) = takePipe() else { return }
        Task.detached { await self.readToEnd(fd: fd, source: source) }
    }

    /// Closes the pipe without reading it (the child did not start); the stream ends with no line.
    func abandon() {
        guard let (fd, source) = takePipe() else { return }
        source.invalidate()
        close(fd)
        finish()
    }

    private func takePipe() -> (fd: Int32, source: ReadinessSource)? {
        pipe.withLock { slot in
            defer { slot = nil }
            return slot
        }
    }

    // MARK: public views

    /// The last lines so far, oldest first: as many as ``ChildOutput/capture(keepingLast:)`` keeps (100 with
    /// ``ChildOutput/capture``), whether or not the sequence consumed them.
    public var recentLines: [String] { state.withLock { $0.recent.elements } }

    /// How many lines the sequence lost because nobody iterated and more than 10 000 were waiting (the oldest went
    /// first). ``recentLines`` has the last ones regardless.
    public var droppedLines: Int { state.withLock { $0.dropped } }

    /// Waits until the stream ends (the child and everything it started closed it) or `timeout` passes, then returns
    /// ``recentLines``.
    ///
    /// Meant for reporting what a child wrote before it failed: call it after ``ChildProcess/join()``. It never
    /// throws, and waits as well in a cancelled task (clean-up code runs in those), never longer than `timeout`.
    /// - Parameter timeout: the longest wait; a process the child started may keep the stream open long after the
    ///   child exited.
    /// - Returns: the last lines, oldest first.
    public func finalLines(timeout: Duration = .milliseconds(500)) async -> [String] {
        if !state.withLock({ $0.finished }), let deadline = Deadline.after(timeout) {
            await Task { await self.waitForEnd(deadline: deadline) }.value
        }
        return recentLines
    }

    /// Reads the lines one by one; see ``CapturedOutput`` for the rules. While it exists, no line is dropped.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let registration: Registration

        fileprivate init(_ output: CapturedOutput) { registration = Registration(output) }

        /// The next line, or `nil` at the end of the stream or when the calling task is cancelled.
        public mutating func next() async -> String? {
            await registration.output.nextLine()
        }
    }

    /// Counts an iterator from its creation to its release.
    private final class Registration {
        let output: CapturedOutput

        init(_ output: CapturedOutput) {
            self.output = output
            output.state.withLock { $0.iterators += 1 }
        }

        deinit {
            let reader = output.state.withLock { state -> Waiter<Void>? in
                state.iterators -= 1
                guard !state.mustPause else { return nil }
                defer { state.reader = nil }
                return state.reader
            }
            reader?.resume(with: .success(()))
        }
    }

    /// Returns an iterator over the lines. Iterate from one task at a time, and release the iterator when done
    /// (a `for await` loop does): while it exists, reading pauses rather than drop lines.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(self) }

    // MARK: waiting

    private func nextLine() async -> String? {
        do {
            return try await Waiter<String?>.wait(
                deadline: nil, timers: reactor, timeout: { .success(nil) },
                enqueue: { waiter in
                    let (outcome, reader) = state.withLock { state -> (Result<String?, any Error>?, Waiter<Void>?) in
                        if let line = state.unread.popFirst() {
                            guard !state.mustPause else { return (.success(line), nil) }
                            defer { state.reader = nil }
                            return (.success(line), state.reader)
                        }
                        if state.finished { return (.success(nil), nil) }
                        state.lineWaiters.append(waiter)
                        return (nil, nil)
                    }
                    reader?.resume(with: .success(()))
                    return outcome
                },
                withdraw: { waiter, _ in
                    self.state.withLock { state in
                        guard let index = state.lineWaiters.firstIndex(where: { $0 === waiter }) else { return false }
                        state.lineWaiters.remove(at: index)
                        return true
                    }
                })
        } catch {
            return nil  // cancelled
        }
    }

    private func waitForEnd(deadline: Deadline) async {
        _ = try? await Waiter<Void>.wait(
            deadline: deadline, timers: reactor, timeout: { .success(()) },
            enqueue: { waiter in
                state.withLock { state in
                    if state.finished { return .success(()) }
                    state.endWaiters[waiter.id] = waiter
                    return nil
                }
            },
            withdraw: { waiter, _ in
                self.state.withLock { $0.endWaiters.removeValue(forKey: waiter.id) } != nil
            })
    }

    /// Suspends the reading task while an iterator exists and enough lines wait for it.
    private func waitForRoom() async {
        _ = try? await Waiter<Void>.wait(
            deadline: nil, timers: reactor, timeout: { .success(()) },
            enqueue: { waiter in
                state.withLock { state in
                    guard state.mustPause else { return .success(()) }
                    state.reader = waiter
                    return nil
                }
            },
            withdraw: { waiter, _ in
                self.state.withLock { state in
                    guard state.reader === waiter else { return false }
                    state.reader = nil
                    return true
                }
            })
    }

    // MARK: reading

    private func readToEnd(fd: Int32, source: ReadinessSource) async {
        var splitter = LineSplitter(maximumLineBytes: Self.maximumLineBytes)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readSize, alignment: 1)
        defer { buffer.deallocate() }
        var lines: [String] = []
        reading: while true {
            await waitForRoom()
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count > 0 {
                splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count])) { lines.append($0) }
                deliver(lines)
                lines.removeAll(keepingCapacity: true)
                continue
            }
            if count == 0 { break }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                // Fails only if the registration cannot be re-armed; the stream is then over for this process.
                do { try await source.wait(for: .read, deadline: nil) } catch { break reading }
            default:
                break reading  // EIO and the like: nothing more can be read
            }
        }
        splitter.finish { lines.append($0) }
        source.invalidate()
        close(fd)
        deliver(lines)
        finish()
    }

    /// Hands each line to a waiting task or buffers it (dropping the oldest beyond the limit while nobody iterates),
    /// and keeps it among the recent lines.
    private func deliver(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        let handed = state.withLock { state -> [(Waiter<String?>, String)] in
            var handed: [(Waiter<String?>, String)] = []
            for line in lines {
                state.recent.append(line)
                if !state.lineWaiters.isEmpty {
                    handed.append((state.lineWaiters.removeFirst(), line))
                } else {
                    state.unread.append(line)
                }
            }
            if state.iterators == 0 {
                while state.unread.count > Self.unreadLimit {
                    _ = state.unread.popFirst()
                    state.dropped += 1
                }
            }
            return handed
        }
        for (waiter, line) in handed { waiter.resume(with: .success(line)) }
    }

    /// Marks the end of the stream and wakes every waiting task.
    private func finish() {
        let (lineWaiters, endWaiters) = state.withLock { state in
            state.finished = true
            defer {
                state.lineWaiters.removeAll()
                state.endWaiters.removeAll()
            }
            return (state.lineWaiters, Array(state.endWaiters.values))
        }
        for waiter in lineWaiters { waiter.resume(with: .success(nil)) }
        for waiter in endWaiters { waiter.resume(with: .success(())) }
    }
}
