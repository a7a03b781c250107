/// How a child learns about the handles it inherited: one entry per descriptor in the `GIPC_HANDLES`
/// environment variable.
///
/// Format (documented in docs/PROTOCOL.md): entries separated by `,`, each `FD:DIRECTION:CODEC[:MAXBYTES]`, where
/// `DIRECTION` is `r` (the child reads) or `w` (the child writes), `CODEC` is the codec name and `MAXBYTES` the
/// largest frame the reader accepts. Example: `GIPC_HANDLES=3:r:json:67108864,4:w:json`.
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

    /// The name of the environment variable that lists a child's handles.
    public static let environmentVariable = "GIPC_HANDLES"

    /// Creates a description.
    public init(fd: Int32, direction: Direction, codec: String, maxFrameBytes: Int? = nil) {
        self.fd = fd
        self.direction = direction
        self.codec = codec
        self.maxFrameBytes = maxFrameBytes
    }

    /// The entry as it appears in `GIPC_HANDLES`.
    public var description: String {
        var text = "\(fd):\(direction.rawValue):\(codec)"
        if let maxFrameBytes { text += ":\(maxFrameBytes)" }
        return text
    }

    /// Parses one entry.
    /// - Parameter entry: text such as `3:r:json:67108864`.
    /// - Returns: the description, or `nil` if the text is not an entry.
    public init?(_ entry: some StringProtocol) {
        let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3 || parts.count == 4, let fd = Int32(parts[0]), fd >= 0,
            let direction = Direction(rawValue: String(parts[1])), !parts[2].isEmpty
        else { return nil }
        var maxFrameBytes: Int? = nil
        if parts.count == 4 {
            guard let limit = Int(parts[3]), limit >= 0 else { return nil }
            maxFrameBytes = limit
        }
        self.init(fd: fd, direction: direction, codec: String(parts[2]), maxFrameBytes: maxFrameBytes)
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
