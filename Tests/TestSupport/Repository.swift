public import Foundation

/// Places in the repository that tests read, found from this file's path (Tests/TestSupport/Repository.swift).
public enum Repository {
    /// The repository root.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The Fixtures folder: golden and hostile payloads and their manifest.
    public static let fixtures = root.appendingPathComponent("Fixtures")

    /// Fuzz/corpus: a folder per fuzz target (`frame`, `msgpack`, `plist`, `json`, `value`) with its seeds and every
    /// crash, OOM or timeout it found.
    public static let fuzzCorpora = root.appendingPathComponent("Fuzz/corpus")

    /// The names of the files in `folder`, sorted; empty if it cannot be read.
    ///
    /// - Parameter folder: The folder to list.
    /// - Returns: The file names.
    public static func fileNames(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }
}
