/// Where a child's standard output or standard error goes.
///
/// ```swift
/// let child = try await GIPC.start(
///     executable: "make", arguments: ["all"],
///     standardOutput: .file("/tmp/build.log", append: true),
///     standardError: .capture(keepingLast: 20))
/// if try await child.join() != .exited(0) {
///     print(await child.standardError!.finalLines().joined(separator: "\n"))
/// }
/// ```
public struct ChildOutput: Sendable {
    enum Destination: Sendable, Equatable {
        case inherit
        case discard
        case file(path: String, append: Bool)
        case capture(keepingLast: Int)
    }

    let destination: Destination

    private init(_ destination: Destination) { self.destination = destination }

    /// The child writes where this process writes (the default).
    public static let inherit = ChildOutput(.inherit)

    /// The child writes to `/dev/null`.
    public static let discard = ChildOutput(.discard)

    /// The child writes to a file, opened here before the child starts (created with mode 0644 if needed).
    ///
    /// If the file cannot be opened, starting throws ``GIPCError`` ``GIPCError/Code/invalidArgument`` (with the
    /// `open` call's `errno`) and nothing starts.
    /// - Parameters:
    ///   - path: the file's path.
    ///   - append: `true` to add to the end of the file; `false` (the default) to empty it first.
    public static func file(_ path: String, append: Bool = false) -> ChildOutput {
        ChildOutput(.file(path: path, append: append))
    }

    /// The child writes into a pipe that this process reads as lines, keeping the last 100 of them: see
    /// ``CapturedOutput``, found in ``ChildProcess/standardOutput`` or ``ChildProcess/standardError``.
    public static let capture = ChildOutput(.capture(keepingLast: 100))

    /// The child writes into a pipe that this process reads as lines, keeping the last `keepingLast` of them in
    /// ``CapturedOutput/recentLines``.
    /// - Parameter keepingLast: how many of the last lines to keep, 0 or more (a negative number makes starting
    ///   throw ``GIPCError/Code/invalidArgument``).
    public static func capture(keepingLast: Int) -> ChildOutput {
        ChildOutput(.capture(keepingLast: keepingLast))
    }
}
