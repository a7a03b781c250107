#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A NULL-terminated array of C strings (`argv`, `envp`) that lives until ``deallocate()``.
struct CStringArray {
    let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    /// Copies `strings`; they must not contain NUL bytes (``SpawnRequest/validate()`` checks).
    init(_ strings: [String]) {
        count = strings.count
        pointer = .allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() {
            guard let copy = strdup(string) else { fatalError("GIPCKit: out of memory copying a spawn argument") }
            pointer[index] = copy
        }
        pointer[strings.count] = nil
    }

    /// Frees the strings and the array.
    func deallocate() {
        for index in 0..<count { free(pointer[index]) }
        pointer.deallocate()
    }
}
