// Evidence for the one FoundationEssentials line in lsan.supp: `Data(contentsOf:)` of an empty file leaks the
// 4096-byte buffer it reads into (swift 6.3, Linux). Nothing else happens here.
//
//   swiftc -sanitize=address -g scripts/asan/data-contents-of-empty-file.swift -o /tmp/empty-leak
//   ASAN_OPTIONS=detect_leaks=1 /tmp/empty-leak    # "Direct leak of 12288 byte(s) in 3 object(s)", from readBytesFromFile
import Foundation

let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gipc-empty-\(getpid())")
try Data().write(to: url)
defer { try? FileManager.default.removeItem(at: url) }
for _ in 0..<3 {
    let data = try Data(contentsOf: url)
    precondition(data.isEmpty)
}
