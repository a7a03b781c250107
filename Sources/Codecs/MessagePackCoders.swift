#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

/// The MessagePack encoder and decoder of the current thread, kept from message to message so that a message builds
/// neither (nor the writer's buffer) anew.
///
/// A coder is taken out while it works and put back afterwards: a message encoded or decoded from inside another
/// one's `encode(to:)` or `init(from:)` on the same thread finds none and builds its own. Encoding and decoding never
/// suspend, so a coder never moves between threads while in use.
final class MessagePackCoders {
    @exclusivity(unchecked) var encoder: MessagePackEncoder?
    @exclusivity(unchecked) var decoder: MessagePackDecoder?

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in
            guard let pointer = pointer as UnsafeMutableRawPointer? else { return }
            let coders = Unmanaged<MessagePackCoders>.fromOpaque(pointer)
            coders.takeUnretainedValue().decoder?.dropIndexes()
            coders.release()
        }
        precondition(status == 0, "pthread_key_create failed: \(status)")
        return key
    }()

    /// The coders of the calling thread.
    static var current: MessagePackCoders {
        let key = key
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<MessagePackCoders>.fromOpaque(pointer).takeUnretainedValue()
        }
        let coders = MessagePackCoders()
        coders.decoder = MessagePackDecoder(
            bytes: MessagePackBytes(UnsafeRawBufferPointer(start: nil, count: 0)), offset: 0, keepsIndexes: true)
        pthread_setspecific(key, Unmanaged.passRetained(coders).toOpaque())
        return coders
    }

    /// Runs `body` with this thread's encoder (or a new one, when it is in use), ready for a message that starts
    /// `headerRoom` bytes into the buffer.
    @inline(__always)
    static func withEncoder<R>(
        maxDepth: Int, headerRoom: Int = 0, userInfo: [CodingUserInfoKey: Any] = [:],
        _ body: (MessagePackEncoder) throws -> R
    ) rethrows -> R {
        let coders = current
        let encoder = coders.encoder.take() ?? MessagePackEncoder(writer: MessagePackWriter(), maxDepth: maxDepth)
        encoder.prepare(maxDepth: maxDepth, headerRoom: headerRoom, userInfo: userInfo)
        defer {
            if !userInfo.isEmpty { encoder.userInfo = [:] }
            coders.encoder = encoder
        }
        return try body(encoder)
    }

    /// Runs `body` with this thread's decoder (or a new one, when it is in use), ready for a message in `bytes`.
    @inline(__always)
    static func withDecoder<R>(
        bytes: MessagePackBytes, userInfo: [CodingUserInfoKey: Any] = [:], _ body: (MessagePackDecoder) throws -> R
    ) rethrows -> R {
        let coders = current
        guard let decoder = coders.decoder.take() else {
            return try body(MessagePackDecoder(bytes: bytes, offset: 0, userInfo: userInfo))
        }
        decoder.prepare(bytes: bytes, userInfo: userInfo)
        defer {
            if !userInfo.isEmpty { decoder.userInfo = [:] }
            coders.decoder = decoder
        }
        return try body(decoder)
    }
}
