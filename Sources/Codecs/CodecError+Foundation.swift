extension CodecError {
    /// Translates a `DecodingError` (from Foundation's decoders or a type's own `init(from:)`); a `CodecError`
    /// passes through unchanged.
    init(decoding error: any Error, codec: String) {
        if let error = error as? CodecError {
            self = error
            return
        }
        guard let decodingError = error as? DecodingError else {
            self.init(.malformed, "\(error)", codec: codec, underlying: error)
            return
        }
        let code: Code
        let context: DecodingError.Context
        switch decodingError {
        case .typeMismatch(_, let found):
            code = .typeMismatch
            context = found
        case .valueNotFound(_, let found):
            code = .valueNotFound
            context = found
        case .keyNotFound(_, let found):
            code = .keyNotFound
            context = found
        case .dataCorrupted(let found):
            code = Self.looksLikeRange(found.debugDescription) ? .valueOutOfRange : .malformed
            context = found
        @unknown default:
            self.init(.malformed, "\(error)", codec: codec)
            return
        }
        self.init(
            code, context.debugDescription, codec: codec, codingPath: Self.path(context.codingPath),
            underlying: context.underlyingError)
    }

    /// Translates an `EncodingError` (from Foundation's encoders or a type's own `encode(to:)`); a `CodecError`
    /// passes through unchanged.
    init(encoding error: any Error, codec: String) {
        if let error = error as? CodecError {
            self = error
            return
        }
        guard case .invalidValue(_, let context)? = error as? EncodingError else {
            self.init(.invalidValue, "\(error)", codec: codec, underlying: error)
            return
        }
        self.init(
            .invalidValue, context.debugDescription, codec: codec, codingPath: Self.path(context.codingPath),
            underlying: context.underlyingError)
    }

    private static func looksLikeRange(_ text: String) -> Bool {
        text.contains("does not fit") || text.contains("out of range") || text.contains("not representable")
    }
}
