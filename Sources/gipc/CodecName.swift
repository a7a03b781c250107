import ArgumentParser
import GIPCKit

/// The `--codec` option of the stream commands: one of the four built-in codecs, by its wire name.
enum CodecName: String, CaseIterable, ExpressibleByArgument {
    case raw, json, plist, msgpack

    /// The codec this name stands for, with its default decode limits.
    var codec: any MessageCodec {
        switch self {
        case .raw: RawCodec()
        case .json: JSONCodec()
        case .plist: PropertyListCodec()
        case .msgpack: MessagePackCodec()
        }
    }
}
