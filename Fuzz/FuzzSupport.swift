// Shared by the codec fuzz targets: a typed struct to decode into, and the rule that every failure is a CodecError.

struct FuzzRecord: Codable, Equatable {
    var id: Int
    var name: String
    var score: Double?
    var tags: [String]
    var blob: [UInt8]?
    var nested: [String: [Int8]]?
}

/// Runs `body`; any error other than a `CodecError` is a bug (hostile input must get a typed error).
@inline(never)
func expectCodecErrorOnly<T>(_ what: String, _ body: () throws -> T) -> T? {
    do {
        return try body()
    } catch is CodecError {
        return nil
    } catch {
        fatalError("\(what): non-CodecError thrown: \(type(of: error)) \(error)")
    }
}
