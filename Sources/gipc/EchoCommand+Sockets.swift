import ArgumentParser
import GIPCKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `gipc echo --listen` / `--connect`: the same echo over authenticated socket connections.
extension EchoCommand {
    /// `EX_UNAVAILABLE`: the connection or its handshake failed.
    static let unavailable: Int32 = 69

    func runOnSockets() async throws {
        let authentication: SocketAuthentication
        let options = SocketOptions(maxFrameBytes: maxFrameBytes)
        do {
            authentication = try readAuthentication()
            if let text = listen {
                try await serve(at: try SocketAddress(parsing: text), authentication: authentication, options: options)
            } else if let text = connect {
                let address = try SocketAddress(parsing: text)
                let connection: DuplexPipe<Value, Value>
                do {
                    connection = try await GIPC.connect(
                        to: address, codec: codec.codec, authentication: authentication, options: options)
                } catch let error as GIPCError {
                    throw CommandFailure(error.code.description, error.message, exitCode: Self.unavailable)
                }
                defer { try? connection.close() }
                try await Self.echo(on: connection)
            }
        } catch let error as CommandFailure {
            throw error.report(command: "echo")
        } catch let error as TransportError {
            throw CommandFailure(error.code.description, error.message, exitCode: Self.unavailable)
                .report(command: "echo")
        } catch let error as GIPCError {
            throw CommandFailure(error.code.description, error.message, exitCode: Self.unavailable)
                .report(command: "echo")
        }
    }

    private func readAuthentication() throws -> SocketAuthentication {
        if noAuth { return .disabled }
        guard let authkeyFile else { return .none }
        let fd = open(authkeyFile, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CommandFailure(
                "readFailed", "cannot open the key file \(authkeyFile): \(String(cString: strerror(errno)))",
                exitCode: CommandFailure.noInput)
        }
        defer { _ = close(fd) }
        var key: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else {
                throw CommandFailure(
                    "readFailed", "cannot read the key file \(authkeyFile)", exitCode: CommandFailure.ioError)
            }
            if n == 0 { break }
            key += chunk[0..<n]
        }
        return .key(key)
    }

    /// Serves every connection concurrently until the process is interrupted.
    private func serve(at address: SocketAddress, authentication: SocketAuthentication, options: SocketOptions)
        async throws
    {
        let codec = codec.codec
        try await GIPC.withListener(
            on: address, sending: Value.self, receiving: Value.self, codec: codec, authentication: authentication,
            options: options
        ) { listener in
            let line = Array("listening on \(listener.address)\n".utf8)
            line.withUnsafeBytes { StreamOutput(fd: 1).writeIgnoringErrors($0) }
            await withDiscardingTaskGroup { group in
                do {
                    for try await connection in listener {
                        group.addTask {
                            defer { try? connection.close() }
                            do {
                                try await Self.echo(on: connection)
                            } catch let failure as CommandFailure {
                                StandardError.write(failure.line(command: "echo"))
                            } catch {
                                StandardError.write("gipc echo: connection: \(error)")
                            }
                        }
                    }
                } catch {
                    StandardError.write("gipc echo: listener: \(error)")
                }
            }
        }
    }

    /// Echoes every message of `connection` back on it until the peer ends the stream.
    static func echo(on connection: DuplexPipe<Value, Value>) async throws {
        while true {
            let value: Value
            do {
                value = try await connection.get()
            } catch let error as GIPCError where error.code == .endOfStream {
                return
            } catch let error as GIPCError {
                if let codecError = error.codecError {
                    throw CommandFailure(
                        codecError.code.description, "cannot decode the message: \(codecError.message)")
                }
                throw CommandFailure(error.code.description, error.message, exitCode: CommandFailure.dataError)
            }
            do {
                try await connection.put(value)
            } catch let error as GIPCError {
                if let codecError = error.codecError {
                    throw CommandFailure(
                        codecError.code.description, "cannot encode the message: \(codecError.message)")
                }
                throw CommandFailure(error.code.description, error.message, exitCode: CommandFailure.ioError)
            }
        }
    }
}
