import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension GIPC {
    /// The environment variable naming the entry a child runs.
    public static let entryVariable = "GIPC_ENTRY"
    /// The environment variable giving the descriptor on which a child receives its entry's arguments.
    public static let argumentsDescriptorVariable = "GIPC_ARGUMENTS_FD"
    /// The largest arguments payload a child accepts.
    static let maxArgumentsBytes = 1 << 30

    /// Lists this program's entries and, when the program was started as a child, runs the requested one and exits.
    ///
    /// Call it first thing in `main`, in every program that hosts entries:
    /// ```swift
    /// await GIPC.bootstrap([Worker.self, Indexer.self])
    /// ```
    /// In the parent it only records the entries and returns. In a child it reads the arguments, runs the entry and
    /// exits the process: status 0 when the entry returns, 1 when it throws (the error goes to standard error), and
    /// ``bootstrapFailureStatus`` when the entry is unknown or its arguments cannot be read. On Linux the child first
    /// names itself after the entry (the last dot-separated part of its name, at most 15 bytes), which is what
    /// `ps -e`, `top` and /proc/<pid>/comm show.
    /// - Parameter entries: every entry a child of this program may run.
    public static func bootstrap(_ entries: [any ChildEntry.Type]) async {
        EntryRegistry.register(entries)
        guard let name = variable(entryVariable) else { return }
        let status = await runChild(entryName: name)
        fflush(nil)
        exit(status)
    }

    /// The exit status of a child whose bootstrap failed (unknown entry, unreadable arguments): 70 (`EX_SOFTWARE`).
    public static let bootstrapFailureStatus: Int32 = 70

    private static func runChild(entryName: String) async -> Int32 {
        ProcessNames.setShortName(entry: entryName)
        // Read one by one: building ProcessInfo's whole environment dictionary is a noticeable part of a child's start.
        let handles = variable(HandleDescription.environmentVariable)
        let argumentsDescriptor = variable(argumentsDescriptorVariable)
        // The child's own children must not inherit these.
        for variable in [entryVariable, argumentsDescriptorVariable, HandleDescription.environmentVariable] {
            unsetenv(variable)
        }
        guard let entry = EntryRegistry.entry(named: entryName) else {
            report("no entry named '\(entryName)'; this program's bootstrap lists: \(EntryRegistry.names)")
            return bootstrapFailureStatus
        }
        let payload: [UInt8]
        let inherited: HandleTransfer.Inherited
        do {
            let descriptions = try HandleDescription.parseList(handles ?? "")
            inherited = HandleTransfer.Inherited(descriptions)
            guard let fdText = argumentsDescriptor, let fd = Int32(fdText) else {
                throw GIPCError(.invalidArgument, "\(argumentsDescriptorVariable) is missing")
            }
            payload = try await EntryArguments.load(from: fd, maxBytes: maxArgumentsBytes)
        } catch {
            report("cannot read the arguments of entry '\(entryName)': \(error)")
            return bootstrapFailureStatus
        }
        return await run(entry, payload: payload, inherited: inherited)
    }

    private static func run<Entry: ChildEntry>(
        _ entry: Entry.Type, payload: [UInt8], inherited: HandleTransfer.Inherited
    ) async -> Int32 {
        let arguments: Entry.Arguments
        do {
            let decoder = JSONDecoder()
            decoder.userInfo[HandleTransfer.userInfoKey] = inherited
            arguments = try decoder.decode(Entry.Arguments.self, from: Data(payload))
        } catch {
            report("cannot decode the arguments of entry '\(Entry.entryName)': \(error)")
            return bootstrapFailureStatus
        }
        do {
            try await Entry.main(arguments)
            return 0
        } catch {
            report("entry '\(Entry.entryName)' failed: \(error)")
            return 1
        }
    }

    /// The value of the environment variable `name`, decoded as UTF-8 (invalid bytes repaired), or `nil`.
    private static func variable(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: value, count: strlen(value)), as: UTF8.self)
    }

    private static func report(_ message: String) {
        let line = Array("gipc child \(getpid()): \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
