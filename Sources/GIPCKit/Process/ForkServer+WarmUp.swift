import Foundation

/// Called by the forkserver helper (gipc_forkserver.c) once, before it serves: runs, without starting a thread,
/// the Swift code every child runs first in ``GIPC/bootstrap(_:)`` (the arguments' JSON decoder with handle
/// transfer, the handle list's parser), so that the type metadata and conformances it needs are made once in the
/// helper instead of in each child. It reads nothing of the process's environment or arguments.
@_cdecl("gipc_forkserver_warm_up")
func forkServerWarmUp() {
    struct Sample: Codable {
        var names: [String]
        var count: Int
        var ratio: Double
        var flag: Bool?
        var table: [String: Int]
    }
    let decoder = JSONDecoder()
    decoder.userInfo[HandleTransfer.userInfoKey] = HandleTransfer.Inherited([])
    let text = #"{"names":["a"],"count":1,"ratio":0.5,"flag":true,"table":{"k":2}}"#
    _ = try? decoder.decode(Sample.self, from: Data(text.utf8))
    _ = try? HandleDescription.parseList("")
    _ = ProcessNames.shortName(entry: "Warm.Up")
}
