import CGIPCSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `sockaddr` ready for the system calls.
struct SystemSocketAddress {
    var storage = sockaddr_storage()
    var size: socklen_t = 0
}

extension SocketAddress {
    /// The address as the system takes it.
    /// - Throws: ``TransportError/Code/invalidAddress`` for a name too long for `sockaddr_un` or a host that is not
    ///   a numeric address (or `localhost`).
    func systemAddress() throws(TransportError) -> SystemSocketAddress {
        var address = SystemSocketAddress()
        switch self {
        case .unix(let path), .unixAbstract(let path):
            let abstract: Int32
            if case .unixAbstract = self { abstract = 1 } else { abstract = 0 }
            let bytes = Array(path.utf8)
            let result = bytes.withUnsafeBufferPointer { name in
                name.withMemoryRebound(to: CChar.self) { name in
                    gipc_socket_unix_address(&address.storage, &address.size, name.baseAddress, name.count, abstract)
                }
            }
            guard result == 0 else {
                throw TransportError(
                    .invalidAddress,
                    "the Unix socket name '\(path)' is too long (\(bytes.count) bytes; at most 107 for a path, 106 for "
                        + "an abstract name) or empty")
            }
            if abstract == 0, bytes.contains(0) {
                throw TransportError(.invalidAddress, "the Unix socket path '\(path)' contains a NUL byte")
            }
        case .tcp(let host, let port):
            let numeric = host == "localhost" ? "127.0.0.1" : host
            let family = numeric.contains(":") ? Int32(GIPC_SOCKET_INET6) : Int32(GIPC_SOCKET_INET)
            guard gipc_socket_inet_address(&address.storage, &address.size, family, numeric, Int32(port)) == 0 else {
                throw TransportError(
                    .invalidAddress,
                    "'\(host)' is not a numeric IPv4 or IPv6 address (nor localhost), or port \(port) is out of range")
            }
        }
        return address
    }
}
