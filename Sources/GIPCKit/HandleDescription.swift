/// How a child learns about the handles it inherited: one entry per descriptor in the `GIPC_HANDLES`
/// environment variable.
///
/// Format (documented in docs/PROTOCOL.md): entries separated by `,`, each `FD:DIRECTION:CODEC[:MAXBYTES[:SETTINGS]]`,
/// where `DIRECTION` is `r` (the child reads) or `w` (the child writes), `CODEC` is the codec name, `MAXBYTES` the
/// largest frame the reader accepts (empty for writers) and `SETTINGS` the codec's ``/GIPCCodecs/MessageCodec/settings`` as
/// `name=value` pairs separated by `;` (present only when the codec has some).
/// Example: `GIPC_HANDLES=3:r:json:67108864:maxDepth=4,4:w:json`.
public struct HandleDescription: Sendable, Hashable, CustomStringConvertible {
    /// Which way frames flow, seen from the process that holds the descriptor.
    public enum Direction: String, Sendable, Hashable {
        /// The holder reads frames.
        case read = "r"
        /// The holder writes frames.
        case write = "w"
    }

    /// The descriptor number in the child.
    public var fd: Int32
    /// Which way frames flow.
    public var direction: Direction
    /// The codec name both ends use.
    public var codec: String
    /// For readers: the largest frame to accept.
    public var maxFrameBytes: Int?
    /// The codec's settings (``/GIPCCodecs/MessageCodec/settings``); empty for a codec as its name makes it.
    public var settings: [String: String]

    /// The name of the environment variable that lists a child's handles.
    public static let environmentVariable = "GIPC_HANDLES"

    /// Creates a description.
    public init(
        fd: Int32, direction: Direction, codec: String, maxFrameBytes: Int? = nil, settings: [String: String] = [:]
    ) {
        self.fd = fd
        self.direction = direction
        self.codec = codec
        self.maxFrameBytes = maxFrameBytes
        self.settings = settings
    }

    /// Whether `text` can stand as a setting's name or value in `GIPC_HANDLES`: letters, digits, `_ . + -`.
    public static func isSettingText(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "+"),
                    UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }

    /// Parses one entry.
    /// - Parameter entry: text such as `3:r:json:67108864` or `4:w:msgpack::maxDepth=8`.
    /// - Returns: the description, or `nil` if the text is not an entry.
    public init?(_ entry: some StringProtocol) {
        let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
        guard (3...5).contains(parts.count), let fd = Int32(parts[0]), fd >= 0,
            let direction = Direction(rawValue: String(parts[1])), !parts[2].isEmpty
        else { return nil }
        var maxFrameBytes: Int? = nil
        if parts.count >= 4, !(parts.count == 5 && parts[3].isEmpty) {
            guard let limit = Int(parts[3]), limit >= 0 else { return nil }
            maxFrameBytes = limit
        }
        var settings: [String: String] = [:]
        if parts.count == 5 {
            for pair in parts[4].split(separator: ";", omittingEmptySubsequences: false) {
                let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard halves.count == 2, Self.isSettingText(String(halves[0])), Self.isSettingText(String(halves[1])),
                    settings[String(halves[0])] == nil
                else { return nil }
                settings[String(halves[0])] = String(halves[1])
            }
        }
        self.init(
            fd: fd, direction: direction, codec: String(parts[2]), maxFrameBytes: maxFrameBytes, settings: settings)
    }

    /// The entry as it appears in `GIPC_HANDLES`.
    public var description: String {
        var text = "\(fd):\(direction.rawValue):\(codec)"
        if let maxFrameBytes { text += ":\(maxFrameBytes)" }
        if !settings.isEmpty {
            if maxFrameBytes == nil { text += ":" }
            text += ":" + settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        }
        return text
    }

    /// Parses a whole `GIPC_HANDLES` value.
    /// - Parameter value: the variable's value.
    /// - Returns: the descriptions in order.
    /// - Throws: ``GIPCError`` with ``GIPCError/Code/invalidArgument`` naming the first bad entry.
    public static func parseList(_ value: String) throws -> [HandleDescription] {
        guard !value.isEmpty else { return [] }
        return try value.split(separator: ",").map { entry in
            guard let description = HandleDescription(entry) else {
                throw GIPCError(.invalidArgument, "bad \(environmentVariable) entry '\(entry)'")
            }
            return description
        }
    }

    /// Formats a list as a `GIPC_HANDLES` value.
    public static func formatList(_ descriptions: [HandleDescription]) -> String {
        descriptions.map(\.description).joined(separator: ",")
    }
}
