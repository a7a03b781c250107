/// Where a socket listens or connects: a Unix-domain path, a Linux abstract Unix name, or a TCP host and port.
///
/// The text form (``init(parsing:)``, ``description``) is the one the `gipc` command takes:
///
/// | text | address |
/// |---|---|
/// | `unix:/run/app.sock` | ``unix(path:)``: a socket file |
/// | `unix:@app` | ``unixAbstract(name:)``: a Linux abstract name (no file) |
/// | `tcp:127.0.0.1:7000` | ``tcp(host:port:)`` over IPv4 |
/// | `tcp:[::1]:7000` | ``tcp(host:port:)`` over IPv6 |
/// | `tcp:localhost:7000` | IPv4 loopback |
///
/// A TCP host is a numeric address or `localhost`; port 0 asks the system for a free port when listening
/// (``FrameListener/address`` then holds the one it chose).
public enum SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// A Unix-domain socket at a filesystem path.
    case unix(path: String)
    /// A Linux abstract Unix-domain name (written `unix:@NAME`): no file, gone when the last socket closes.
    case unixAbstract(name: String)
    /// A TCP address: a numeric IPv4 or IPv6 host (or `localhost`) and a port.
    case tcp(host: String, port: Int)

    /// Parses the text form: `unix:PATH`, `unix:@NAME`, `tcp:HOST:PORT` or `tcp:[V6]:PORT`.
    /// - Parameter text: the address.
    /// - Throws: ``TransportError`` with ``TransportError/Code/invalidAddress`` saying what is wrong.
    public init(parsing text: String) throws(TransportError) {
        func invalid(_ why: String) -> TransportError {
            TransportError(
                .invalidAddress,
                "invalid socket address '\(text)': \(why); write unix:PATH, unix:@NAME, tcp:HOST:PORT or tcp:[V6]:PORT")
        }
        if text.hasPrefix("unix:") {
            let rest = String(text.dropFirst(5))
            if rest.hasPrefix("@") {
                guard rest.count > 1 else { throw invalid("the abstract name is empty") }
                self = .unixAbstract(name: String(rest.dropFirst()))
            } else {
                guard !rest.isEmpty else { throw invalid("the path is empty") }
                self = .unix(path: rest)
            }
            return
        }
        guard text.hasPrefix("tcp:") else { throw invalid("unknown scheme") }
        let rest = text.dropFirst(4)
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw invalid("missing ']' after the IPv6 host") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            guard after.hasPrefix(":") else { throw invalid("missing ':PORT' after the IPv6 host") }
            portText = after.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw invalid("missing ':PORT'") }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty else { throw invalid("the host is empty") }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw invalid("the port must be a number from 0 to 65535")
        }
        self = .tcp(host: String(host), port: port)
    }

    /// The text form, which ``init(parsing:)`` reads back.
    public var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .unixAbstract(let name): "unix:@\(name)"
        case .tcp(let host, let port): host.contains(":") ? "tcp:[\(host)]:\(port)" : "tcp:\(host):\(port)"
        }
    }

    /// Whether this is a Unix-domain address (path or abstract), over which handles can be passed.
    public var isUnixDomain: Bool {
        if case .tcp = self { return false }
        return true
    }
}
