/// Code that runs in a child process: GIPCKit's answer to gipc's `start_process(target=...)`.
///
/// Swift cannot run a closure in a forked child safely, so a child is this same program started again (like
/// multiprocessing's "spawn" start method). The program lists its entries in one call at the top of `main`:
///
/// ```swift
/// struct Doubler: ChildEntry {
///     struct Arguments: Codable, Sendable {
///         var numbers: PipeReader<Int>
///         var results: PipeWriter<Int>
///     }
///     static func main(_ arguments: Arguments) async throws {
///         for try await number in arguments.numbers.messages { try await arguments.results.put(number * 2) }
///     }
/// }
///
/// // main.swift: the first statement of the program.
/// await GIPC.bootstrap([Doubler.self])
/// ```
///
/// The rule, as multiprocessing's `if __name__ == "__main__"`: nothing before the bootstrap call may have effects
/// that a child must not repeat, because a child runs the program from the top until it reaches that call, which
/// then runs the entry and exits.
public protocol ChildEntry: SendableMetatype {
    /// What the parent passes: any `Codable` value. Pipe handles inside it, at any depth, move to the child.
    associatedtype Arguments: Codable & Sendable

    /// The name parent and child agree on. The default is the type's fully qualified name.
    static var entryName: String { get }

    /// Runs in the child. Returning exits the child with status 0; throwing prints the error to standard error
    /// and exits with status 1. Call `exit(_:)` for any other status.
    static func main(_ arguments: Arguments) async throws
}

extension ChildEntry {
    /// The type's fully qualified name, such as `App.Workers.Indexer`: what `String(reflecting:)` prints for the
    /// type, without its dynamic casts (each of which, the first time in a process, scans every protocol conformance
    /// of every loaded library: about 2 ms of each child's start).
    public static var entryName: String { _typeName(Self.self, qualified: true) }
}
