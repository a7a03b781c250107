extension CodecError {
    /// Translates a `DecodingError` (from Foundation's decoders or a type's own `init(from:)`); a `CodecError`
    /// passes through unchanged.
    ///
    /// `dataCorrupted` becomes ``Code/valueOutOfRange`` when it cannot be about syntax: when the payload was
    /// validated completely before Foundation saw it (`syntaxChecked`, property lists), or when it names a coding
    /// path (Foundation reports invalid syntax for the payload as a whole). Otherwise it is ``Code/malformed``.
    init(decoding error: any Error, codec: String, syntaxChecked: Bool = false) {
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
            code = syntaxChecked || !found.codingPath.isEmpty ? .valueOutOfRange : .malformed
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
}
