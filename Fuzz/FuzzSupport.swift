// Shared by the codec fuzz targets, with Tests/TestSupport/CodecFuzzChecks.swift (the checks the corpus replays in
// the tests make too): a failed check traps, so that libFuzzer keeps the input.

/// The checks, trapping on the first failure.
let fuzzChecks = CodecErrorsOnly { fatalError($0) }

/// The decoder targets' checks of one input: decoded every way, a Value that decodes must re-encode (or fail with a
/// CodecError), and what it encodes to must decode again.
///
/// - Parameters:
///   - data: The input.
///   - size: Its length.
///   - denserReencodingMayExceedExpansion: Whether a re-encoding smaller than the input may fail with
///     `expansionLimitExceeded`: a codec whose encoder shares references more densely than its input did (plist).
///   - makeCodec: The codec under test with the given limits (the default ones, and `tightDecodeLimits`).
/// - Returns: 0, for libFuzzer.
func fuzzDecoder(
    _ data: UnsafePointer<UInt8>, _ size: Int, denserReencodingMayExceedExpansion: Bool = false,
    _ makeCodec: (DecodeLimits) -> some MessageCodec
) -> CInt {
    let codec = makeCodec(.default)
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let (_, encoded) = fuzzChecks.decodeEveryWay(bytes, codec: codec, tight: makeCodec(tightDecodeLimits))
    else { return 0 }
    do {
        _ = try codec.decode(Value.self, from: encoded)
    } catch let error as CodecError
        where denserReencodingMayExceedExpansion && error.code == .expansionLimitExceeded && encoded.count < size
    {
        // the same shared values, now more than the expansion ratio's multiple of the smaller input
    } catch {
        fatalError("\(codec.name): a re-encoded Value does not decode: \(error)")
    }
    return 0
}
