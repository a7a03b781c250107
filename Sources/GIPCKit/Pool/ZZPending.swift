// Placeholder until the supervision branch lands; not committed.
public struct ChildOutput: Sendable {
    public static var inherit: ChildOutput { ChildOutput() }
    public static func capture(keepingLast: Int) -> ChildOutput { ChildOutput() }
    public static var discard: ChildOutput { ChildOutput() }
}
public struct ChildEnvironment: Sendable {
    public static var inherit: ChildEnvironment { ChildEnvironment() }
}
public final class CapturedOutput: Sendable {
    public func finalLines(timeout: Duration = .milliseconds(500)) async -> [String] { [] }
}
extension ChildProcess {
    public var standardError: CapturedOutput? { nil }
    public func signalGroup(_ signal: Int32) throws { try self.signal(signal) }
    public func stop(gracePeriod: Duration) async -> ExitStatus {
        try? terminate()
        if let s = try? await join(timeout: gracePeriod) { return s }
        try? kill()
        return (try? await join()) ?? .exited(0)
    }
}
extension GIPC {
    static func start<Entry: ChildEntry>(
        _ entry: Entry.Type, _ arguments: Entry.Arguments, name: String?, host: String?, environment: ChildEnvironment,
        standardOutput: ChildOutput, standardError: ChildOutput
    ) async throws -> ChildProcess {
        try await start(entry, arguments, name: name, host: host)
    }
    static func start(
        executable: String, arguments: [String], environment: ChildEnvironment, handles: [any TransferableHandle],
        name: String?, standardOutput: ChildOutput, standardError: ChildOutput
    ) async throws -> ChildProcess {
        try await start(executable: executable, arguments: arguments, environment: nil, handles: handles, name: name)
    }
}
