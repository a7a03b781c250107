import Synchronization

/// The entries this program listed in ``GIPC/bootstrap(_:)``, by name.
///
/// A list searched in order rather than a dictionary: a program lists a handful of entries, and in a child that has
/// just started, a `[String: any ChildEntry.Type]` costs more (its generic metadata and the conformance look-ups
/// behind them, made once per process) than the search ever will.
enum EntryRegistry {
    private static let entries = Mutex<[(name: String, type: any ChildEntry.Type)]>([])

    static func register(_ list: [any ChildEntry.Type]) {
        entries.withLock { entries in
            for entry in list {
                let name = entry.entryName
                if let index = entries.firstIndex(where: { $0.name == name }) {
                    entries[index].type = entry
                } else {
                    entries.append((name, entry))
                }
            }
        }
    }

    static func entry(named name: String) -> (any ChildEntry.Type)? {
        entries.withLock { $0.first { $0.name == name }?.type }
    }

    static var names: [String] { entries.withLock { $0.map(\.name).sorted() } }
}
