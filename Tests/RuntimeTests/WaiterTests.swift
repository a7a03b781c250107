import GIPCRuntime
import Synchronization
import Testing

/// The one waiting primitive, driven by hand: timers fire when the test says so, owners are plain slots.
@Suite("Waiter: resumed exactly once by its owner, its deadline or its cancellation", .timeLimit(.minutes(1)))
struct WaiterTests {
    struct Timeout: Error, Equatable {}

    @Test("the owner resumes the waiter: its value arrives and its deadline timer is cancelled")
    func ownerResumes() async throws {
        let timers = ManualTimers()
        let slot = Slot()
        let task = Task { try await slot.wait(deadline: .after(.seconds(60)), timers: timers) }
        let waiter = await slot.kept()
        await timers.awaitScheduled(1)
        #expect(slot.serve(with: 42))
        #expect(try await task.value == 42)
        #expect(timers.pending == 0 && timers.cancelled == 1)
        #expect(waiter.resume(with: .success(7)) == false)  // a second resume does nothing
    }

    @Test("the deadline passes first: the owner lets the waiter go and the wait ends with the timeout outcome")
    func deadlineFirst() async throws {
        let timers = ManualTimers()
        let slot = Slot()
        let task = Task { try await slot.wait(deadline: .after(.seconds(60)), timers: timers) }
        _ = await slot.kept()
        await timers.awaitScheduled(1)
        timers.fireAll()
        await #expect(throws: Timeout.self) { try await task.value }
        #expect(slot.isEmpty)
        #expect(!slot.serve(with: 1))
    }

    @Test("the deadline passes after the owner took the waiter: the owner's value wins")
    func ownerTookItFirst() async throws {
        let timers = ManualTimers()
        let slot = Slot()
        let task = Task { try await slot.wait(deadline: .after(.seconds(60)), timers: timers) }
        let waiter = await slot.kept()
        await timers.awaitScheduled(1)
        let taken = slot.take()  // the owner removed it under its lock and is about to resume it
        timers.fireAll()  // the timer finds nothing to withdraw
        #expect(taken === waiter)
        taken?.resume(with: .success(5))
        #expect(try await task.value == 5)
    }

    @Test("cancellation while waiting ends the wait with CancellationError and the owner lets it go")
    func cancelledWhileWaiting() async throws {
        let timers = ManualTimers()
        let slot = Slot()
        let task = Task { try await slot.wait(deadline: nil, timers: timers) }
        _ = await slot.kept()
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(slot.isEmpty)
        #expect(timers.scheduled == 0)
    }

    @Test("a task cancelled before it waits is not left behind in the owner")
    func cancelledBeforeWaiting() async throws {
        let timers = ManualTimers()
        let slot = Slot()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await slot.wait(deadline: .after(.seconds(60)), timers: timers)
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(slot.isEmpty)
        #expect(timers.pending == 0)
    }

    @Test("an immediate outcome from the owner needs no timer")
    func immediateOutcome() async throws {
        let timers = ManualTimers()
        let value = try await Waiter<Int>.wait(
            deadline: .after(.seconds(60)), timers: timers, timeout: { .failure(Timeout()) },
            enqueue: { _ in .success(9) }, withdraw: { _, _ in false })
        #expect(value == 9)
        #expect(timers.scheduled == 0)
    }

    @Test("a deadline already past ends the wait at once, without a timer")
    func deadlinePassed() async throws {
        let timers = ManualTimers()
        let slot = Slot()
        await #expect(throws: Timeout.self) { _ = try await slot.wait(deadline: .now, timers: timers) }
        #expect(slot.isEmpty)
        #expect(timers.scheduled == 0)
    }

    @Test("a timer armed after the owner resumed the waiter is cancelled at once")
    func timerAfterResume() async throws {
        let timers = ManualTimers()
        let value = try await Waiter<Int>.wait(
            deadline: .after(.seconds(60)), timers: timers, timeout: { .failure(Timeout()) },
            enqueue: { waiter in
                // The owner keeps the waiter and serves it before the wait arms its timer.
                waiter.resume(with: .success(3))
                return nil
            }, withdraw: { _, _ in false })
        #expect(value == 3)
        #expect(timers.scheduled == 1 && timers.cancelled == 1 && timers.pending == 0)
    }

    @Test("the state machine: suspend, arm, resume once; a timer armed after the end is handed back")
    func stateMachine() {
        var machine = WaiterStateMachine<String>()
        machine.suspend(on: "continuation")
        #expect(machine.timerArmed(4) == nil)
        let first = machine.resume()
        #expect(first?.continuation == "continuation" && first?.timer == 4)
        #expect(machine.resume() == nil)
        #expect(machine.timerArmed(5) == 5)
    }
}

/// An owner that keeps at most one waiter, as a readiness source does.
private final class Slot: Sendable {
    private let waiter = Mutex<Waiter<Int>?>(nil)

    func wait(deadline: Deadline?, timers: ManualTimers) async throws -> Int {
        try await Waiter<Int>.wait(
            deadline: deadline, timers: timers, timeout: { .failure(WaiterTests.Timeout()) },
            enqueue: { waiter in
                self.waiter.withLock { $0 = waiter }
                return nil
            },
            withdraw: { waiter, _ in
                self.waiter.withLock { slot in
                    guard slot === waiter else { return false }
                    slot = nil
                    return true
                }
            })
    }

    /// Waits until a waiter is kept.
    func kept() async -> Waiter<Int> {
        while true {
            if let kept = waiter.withLock({ $0 }) { return kept }
            await Task.yield()
        }
    }

    var isEmpty: Bool { waiter.withLock { $0 == nil } }

    /// Removes the kept waiter, as an owner does before resuming it.
    func take() -> Waiter<Int>? {
        waiter.withLock { slot in
            defer { slot = nil }; return slot
        }
    }

    /// Serves the kept waiter with `value`. - Returns: whether there was one.
    func serve(with value: Int) -> Bool {
        guard let kept = take() else { return false }
        kept.resume(with: .success(value))
        return true
    }
}

/// Timers that fire only when the test says so.
private final class ManualTimers: TimerScheduling {
    private struct State {
        var actions: [UInt64: @Sendable () -> Void] = [:]
        var nextID: UInt64 = 1
        var scheduled = 0
        var cancelled = 0
    }

    private let state = Mutex(State())

    func schedule(at deadline: Deadline, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        state.withLock { state in
            defer { state.nextID += 1 }
            state.actions[state.nextID] = action
            state.scheduled += 1
            return state.nextID
        }
    }

    func cancelTimer(_ id: UInt64) {
        state.withLock { state in
            if state.actions.removeValue(forKey: id) != nil { state.cancelled += 1 }
        }
    }

    /// Runs every pending timer's action.
    func fireAll() {
        let actions = state.withLock { state in
            defer { state.actions.removeAll() }
            return Array(state.actions.values)
        }
        for action in actions { action() }
    }

    /// Waits until `count` timers have been scheduled (the wait arms its timer after the owner kept it).
    func awaitScheduled(_ count: Int) async {
        while scheduled < count { await Task.yield() }
    }

    var pending: Int { state.withLock { $0.actions.count } }
    var scheduled: Int { state.withLock { $0.scheduled } }
    var cancelled: Int { state.withLock { $0.cancelled } }
}
