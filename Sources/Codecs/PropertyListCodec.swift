internal import Foundation

/// Binary property lists (name `plist`), through Foundation's `PropertyListEncoder` (binary format) and a hardened
/// `PropertyListDecoder`.
///
/// Before Foundation sees a payload, `BinaryPropertyListValidator` checks all of it without recursion: header,
/// trailer and offsets, object types, counts against the bytes present, string encodings, reference cycles, nesting
/// (through shared references) and the fully expanded size (see ``DecodeLimits``). Only a payload that passes reaches
/// Foundation, whose binary decoder on Linux would otherwise crash on cycles and expand shared references without
/// bound. A ``Value`` is read by the codec itself, with the result Foundation's decoder would give, once per object:
/// shared references share the value read, and deep nesting costs nothing extra.
///
/// Property lists have no null: a `nil` top level cannot be encoded, and absent optionals are left out of
/// dictionaries. `Data` is a data object, `[UInt8]` an array of integers, `Date` a date object. A dictionary with a
/// repeated key is refused (``CodecError/Code/duplicateKey``); number ranges are Foundation's to judge.
/// See docs/CODECS.md for the full mapping.
public struct PropertyListCodec: MessageCodec {
    /// `plist`.
    public var name: String { "plist" }
    /// The limits applied when decoding.
    public var limits: DecodeLimits
    /// The limits that differ from the defaults (see ``MessageCodec/settings``).
    public var settings: [String: String]? { limits.settings }

    /// Creates the codec.
    ///
    /// - Parameter limits: The decode limits; ``DecodeLimits/default`` unless given.
    public init(limits: DecodeLimits = .default) {
        self.limits = limits
    }

    /// Encodes `value` as a binary property list.
    ///
    /// - Parameter value: The value to encode.
    /// - Returns: The payload.
    /// - Throws: ``CodecError`` with ``CodecError/Code/invalidValue`` for a `nil` top level, a ``Value`` null,
    ///   extension or NaN, or anything else Foundation refuses.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        // Foundation's binary encoder traps (a Set of its object references breaks) on some values with several
        // NaNs, so a dynamic value with a NaN is refused here, as JSON refuses it. See docs/CODECS.md.
        if let dynamic = value as? Value, Self.containsNaN(dynamic) {
            throw CodecError(
                .invalidValue, "a NaN cannot be carried in a property list by this codec", codec: name)
        }
        let encoder = PropertyListEncoder()
        encoder.outputFormat = .binary
        do {
            return [UInt8](try encoder.encode(value))
        } catch {
            throw CodecError(encoding: error, codec: name)
        }
    }

    private static func containsNaN(_ value: Value) -> Bool {
        var pending = [value]
        while let next = pending.popLast() {
            switch next {
            case .double(let number) where number.isNaN: return true
            case .array(let elements): pending += elements
            case .map(let pairs):
                for pair in pairs {
                    pending.append(pair.key)
                    pending.append(pair.value)
                }
            default: continue
            }
        }
        return false
    }

    /// Decodes a value of type `type` from a binary property list, after validating all of it.
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - bytes: The complete payload.
    /// - Returns: The decoded value.
    /// - Throws: ``CodecError`` with ``CodecError/Code/truncated``, ``CodecError/Code/malformed``,
    ///   ``CodecError/Code/countExceedsInput``, ``CodecError/Code/invalidUTF8``, ``CodecError/Code/duplicateKey``,
    ///   ``CodecError/Code/referenceCycle``, ``CodecError/Code/depthLimitExceeded``,
    ///   ``CodecError/Code/expansionLimitExceeded``, ``CodecError/Code/typeMismatch``,
    ///   ``CodecError/Code/valueOutOfRange``, ``CodecError/Code/keyNotFound`` or
    ///   ``CodecError/Code/valueNotFound``.
    public func decode<T: Decodable>(_ type: T.Type, fromBytes bytes: UnsafeRawBufferPointer) throws -> T {
        let validator = BinaryPropertyListValidator(bytes: bytes, limits: limits)
        let trailer = try validator.validate()
        if T.self == Value.self {
            // Read here rather than through Foundation: the same value, in time and memory proportional to the
            // payload's objects and references, whatever their depth and sharing (see docs/CODECS.md).
            return try validator.value(trailer) as! T  // T is Value
        }
        let data = Data(bytes)
        do {
            return try PropertyListDecoder().decode(type, from: data)
        } catch {
            // The validator has checked the whole payload: what Foundation refuses now is a value, not syntax.
            throw CodecError(decoding: error, codec: name, syntaxChecked: true)
        }
    }
}
