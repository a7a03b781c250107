import Synchronization

/// The entries this program listed in ``GIPC/bootstrap(_:)``, by name.
enum EntryRegistry {
    private static let entries = Mutex<[String: any ChildEntry.Type]>([:])

    static func register(_ list: [any ChildEntry.Type]) {
        entries.withLock { entries in
            for entry in list { entries[entry.entryName] = entry }
        }
    }

    static func entry(named name: String) -> (any ChildEntry.Type)? {
        entries.withLock { $0[name] }
    }

    static var names: [String] { entries.withLock { $0.keys.sorted() } }
}
