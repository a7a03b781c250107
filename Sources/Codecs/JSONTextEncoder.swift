internal import Foundation

/// What makes ``JSONTextEncoder`` give a message to Foundation's `JSONEncoder`: a case whose bytes it does not
/// reproduce itself. Never leaves `JSONCodec`.
struct JSONTextFallback: Error {}

/// A streaming `Encoder` that writes JSON text byte for byte as `JSONCodec`'s configured Foundation `JSONEncoder`
/// does (`.sortedKeys`, `.withoutEscapingSlashes`, dates as seconds since 1970, data as base64, non-finite numbers
/// refused), without building a tree of values first.
///
/// Objects are written in the order the type encodes its keys; when an object's container is done, its entries are
/// put in the order Foundation sorts keys on Linux (the UTF-8 bytes, compared lexicographically). A container is done
/// when its parent goes on to its next value or when the value that opened it ends: the streaming order every
/// synthesized `Codable` conformance follows.
///
/// Whatever it does not reproduce exactly, it leaves to Foundation: it sets ``needsFoundation`` (and, where it can,
/// throws ``JSONTextFallback``), and `JSONCodec` encodes the message again with Foundation. Those cases: keys with
/// bytes outside printable ASCII or with `"` or `\` (Foundation keeps keys in a `Dictionary`, which merges keys that are
/// canonically equivalent Unicode), a key written twice into one object, writing into a container after its parent
/// moved on or asking one encoder for two containers (Foundation merges them), `superEncoder`, nesting deeper than
/// ``fallbackDepth``, a top level that encodes nothing, and any error (so that the error is Foundation's).
///
/// An encoder is used by one thread for one message; its state is not checked for exclusive access at run time
/// (`@exclusivity(unchecked)`: the checks were a third of an encode).
final class JSONTextEncoder: Encoder {
    /// One open array or object.
    struct Frame {
        var id: Int
        var keyed: Bool
        var count: Int
        /// Where this object's entries begin in ``JSONTextEncoder/entries``.
        var entriesBase: Int
        /// The length of the coding path before this container's own key.
        var pathBase: Int
        /// The length of the coding path of this container.
        var pathCount: Int
    }

    /// One element of the coding path.
    enum PathComponent {
        case key(any CodingKey)
        case index(Int)

        var codingKey: any CodingKey {
            switch self {
            case .key(let key): key
            case .index(let index): AnyCodingKey(intValue: index)
            }
        }
    }

    /// Containers at this depth or deeper are left to Foundation, whose writer refuses 512 levels and counts arrays
    /// of numbers and strings differently.
    static let fallbackDepth = 500

    @exclusivity(unchecked) var writer: JSONTextWriter
    let userInfo: [CodingUserInfoKey: Any]
    /// Set when the message must be encoded by Foundation instead.
    @exclusivity(unchecked) var needsFoundation = false
    @exclusivity(unchecked) var frames: [Frame] = []
    /// For each entry of the open objects: the offset of its key's opening quote and the key's length.
    @exclusivity(unchecked) var entries: [(start: Int, keyLength: Int)] = []
    @exclusivity(unchecked) var nextFrameID = 0
    /// The number of open containers at the place where the next value of `encode(to:)` goes.
    @exclusivity(unchecked) var slotLevel = 0
    /// Whether that place already holds a value or a container.
    @exclusivity(unchecked) var slotFilled = false
    @exclusivity(unchecked) var path: [PathComponent] = []
    @exclusivity(unchecked) private var scratch: [UInt8] = []

    init(userInfo: [CodingUserInfoKey: Any], headerRoom: Int) {
        self.userInfo = userInfo
        writer = JSONTextWriter(headerRoom: headerRoom)
        frames.reserveCapacity(8)
        entries.reserveCapacity(16)
    }

    var codingPath: [any CodingKey] { path.map(\.codingKey) }

    func codingPath(count: Int) -> [any CodingKey] { path[0..<min(count, path.count)].map(\.codingKey) }

    /// Encodes a top-level value. Afterwards ``needsFoundation`` says whether the bytes can be used.
    func encodeTopLevel<T: Encodable>(_ value: T) throws {
        slotLevel = 0
        slotFilled = false
        try encodeValue(value, emptyIsError: true)
        while frames.count > 0 { closeTop() }
    }

    // MARK: - Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        guard claimSlot() else { return KeyedEncodingContainer(JSONTextKeyedEncodingContainer<Key>(dead: self)) }
        let frame = openFrame(keyed: true, component: nil)
        return KeyedEncodingContainer(
            JSONTextKeyedEncodingContainer<Key>(encoder: self, level: frame.level, id: frame.id))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        guard claimSlot() else { return JSONTextUnkeyedEncodingContainer(dead: self) }
        let frame = openFrame(keyed: false, component: nil)
        return JSONTextUnkeyedEncodingContainer(encoder: self, level: frame.level, id: frame.id)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONTextSingleValueEncodingContainer(encoder: self, level: slotLevel, pathCount: path.count)
    }

    // MARK: - Structure

    /// Takes the current slot for a container or a value; `false` (and Foundation) when it is taken already.
    func claimSlot() -> Bool {
        guard !needsFoundation, !slotFilled, frames.count == slotLevel else {
            needsFoundation = true
            return false
        }
        slotFilled = true
        return true
    }

    /// Writes the opening bracket of a container at the current end and records it.
    func openFrame(keyed: Bool, component: PathComponent?) -> (level: Int, id: Int) {
        if frames.count >= Self.fallbackDepth { needsFoundation = true }
        let pathBase = path.count
        if let component { path.append(component) }
        nextFrameID &+= 1
        frames.append(
            Frame(
                id: nextFrameID, keyed: keyed, count: 0, entriesBase: entries.count, pathBase: pathBase,
                pathCount: path.count))
        writer.append(keyed ? UInt8(ascii: "{") : UInt8(ascii: "["))
        return (frames.count - 1, nextFrameID)
    }

    /// Makes the container `id` at `level` the innermost open one, closing the containers inside it; throws when it
    /// was closed already.
    func enter(level: Int, id: Int) throws(JSONTextFallback) {
        guard !needsFoundation, level < frames.count, frames[level].id == id else {
            needsFoundation = true
            throw JSONTextFallback()
        }
        while frames.count > level + 1 { closeTop() }
    }

    /// Writes the separator before the next element of the innermost container and counts the element.
    func beginElement() {
        let last = frames.count - 1
        if frames[last].count > 0 { writer.append(UInt8(ascii: ",")) }
        frames[last].count += 1
    }

    /// Writes the separator and the key of the next entry of the innermost object.
    func beginEntry(_ key: String) throws(JSONTextFallback) {
        beginElement()
        let start = writer.bytes.count
        var key = key
        let plain = key.withUTF8 { utf8 -> Bool in
            for byte in utf8
            where byte < 0x20 || byte > 0x7e || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return false
            }
            writer.append(UInt8(ascii: "\""))
            writer.bytes.append(contentsOf: utf8)
            writer.append(UInt8(ascii: "\""))
            writer.append(UInt8(ascii: ":"))
            return true
        }
        guard plain else {
            needsFoundation = true
            throw JSONTextFallback()
        }
        entries.append((start, writer.bytes.count - start - 3))
    }

    /// Closes the innermost container: sorts an object's entries and writes the closing bracket.
    func closeTop() {
        let frame = frames.removeLast()
        if frame.keyed {
            if entries.count - frame.entriesBase > 1 { sortEntries(from: frame.entriesBase) }
            entries.removeSubrange(frame.entriesBase...)
            writer.append(UInt8(ascii: "}"))
        } else {
            writer.append(UInt8(ascii: "]"))
        }
        if path.count > frame.pathBase { path.removeSubrange(frame.pathBase...) }
    }

    /// Puts the entries from `base` on in key order, in place; a repeated key leaves the message to Foundation.
    private func sortEntries(from base: Int) {
        let count = entries.count - base
        let regionStart = entries[base].start
        let regionEnd = writer.bytes.count
        // Each entry's start and end relative to the region, and its key length, in key order (insertion sort:
        // objects are small and usually close to sorted or in one fixed order).
        var order: [(start: Int, end: Int, keyLength: Int)] = []
        order.reserveCapacity(count)
        var sorted = true
        var duplicate = false
        writer.bytes.withUnsafeBufferPointer { bytes in
            let region = bytes.baseAddress! + regionStart
            for index in base..<entries.count {
                let start = entries[index].start - regionStart
                let end =
                    index + 1 < entries.count ? entries[index + 1].start - 1 - regionStart : regionEnd - regionStart
                let entry = (start: start, end: end, keyLength: entries[index].keyLength)
                var position = order.count
                order.append(entry)
                while position > 0 {
                    let comparison = Self.compareKeys(region, order[position - 1], entry)
                    if comparison == 0 { duplicate = true }
                    if comparison <= 0 { break }
                    sorted = false
                    position -= 1
                }
                if position < order.count - 1 {
                    order.remove(at: order.count - 1)
                    order.insert(entry, at: position)
                }
            }
        }
        if duplicate {
            needsFoundation = true
            return
        }
        if sorted { return }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: writer.bytes[regionStart..<regionEnd])
        scratch.withUnsafeBufferPointer { source in
            writer.bytes.withUnsafeMutableBufferPointer { bytes in
                var out = regionStart
                for (position, entry) in order.enumerated() {
                    if position > 0 {
                        bytes[out] = UInt8(ascii: ",")
                        out += 1
                    }
                    let length = entry.end - entry.start
                    (bytes.baseAddress! + out).update(from: source.baseAddress! + entry.start, count: length)
                    out += length
                }
            }
        }
    }

    /// Compares the keys of two entries (offsets relative to `region`, each at its opening quote).
    private static func compareKeys(
        _ region: UnsafePointer<UInt8>, _ a: (start: Int, end: Int, keyLength: Int),
        _ b: (start: Int, end: Int, keyLength: Int)
    ) -> Int {
        let order = memcmp(region + a.start + 1, region + b.start + 1, min(a.keyLength, b.keyLength))
        if order != 0 { return Int(order) }
        return a.keyLength - b.keyLength
    }

    // MARK: - Values

    /// Encodes `value` into the current slot, which the caller has made the end of the output. A value that encodes
    /// nothing is written as `{}`, as Foundation does, but at the top level (`emptyIsError`), where Foundation fails.
    func encodeValue<T: Encodable>(_ value: T, emptyIsError: Bool = false) throws {
        // The types checked first are written directly (the casts are no-ops: `T` is that type). Arrays of them are
        // written without a container, as Foundation writes them, so they are not counted in the depth either.
        if T.self == String.self {
            writer.append(string: unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            writer.append(integer: unsafeBitCast(value, to: Int.self))
        } else if T.self == Double.self {
            try append(unsafeBitCast(value, to: Double.self))
        } else if T.self == Bool.self {
            writer.append(unsafeBitCast(value, to: Bool.self) ? "true" : "false")
        } else if T.self == [Int].self {
            appendArray(unsafeBitCast(value, to: [Int].self)) { $0.writer.append(integer: $1) }
        } else if T.self == [String].self {
            appendArray(unsafeBitCast(value, to: [String].self)) { $0.writer.append(string: $1) }
        } else if T.self == [Double].self {
            let array = unsafeBitCast(value, to: [Double].self)
            guard array.allSatisfy(\.isFinite) else {
                needsFoundation = true
                throw JSONTextFallback()
            }
            appendArray(array) { $0.writer.append(finite: $1) }
        } else if T.self == Date.self {
            try append(unsafeBitCast(value, to: Date.self).timeIntervalSince1970)
        } else if T.self == Data.self {
            writer.append(string: unsafeBitCast(value, to: Data.self).base64EncodedString())
        } else if T.self == URL.self {
            writer.append(string: unsafeBitCast(value, to: URL.self).absoluteString)
        } else if T.self == Decimal.self {
            writer.bytes.append(contentsOf: unsafeBitCast(value, to: Decimal.self).description.utf8)
        } else {
            let savedLevel = slotLevel
            slotLevel = frames.count
            slotFilled = false
            try value.encode(to: self)
            if frames.count < slotLevel {
                needsFoundation = true
                throw JSONTextFallback()
            }
            while frames.count > slotLevel { closeTop() }
            if !slotFilled {
                if emptyIsError {
                    needsFoundation = true
                    throw JSONTextFallback()
                }
                writer.append("{}")
            }
            slotLevel = savedLevel
        }
        slotFilled = true
    }

    /// Encodes `value` as an element whose coding path ends in `component`.
    func encodeValue<T: Encodable>(_ value: T, component: PathComponent) throws {
        let savedFilled = slotFilled
        let savedLevel = slotLevel
        path.append(component)
        defer { path.removeLast() }
        try encodeValue(value)
        slotFilled = savedFilled
        slotLevel = savedLevel
    }

    private func appendArray<Element>(_ array: [Element], _ write: (JSONTextEncoder, Element) -> Void) {
        writer.append(UInt8(ascii: "["))
        for (index, element) in array.enumerated() {
            if index > 0 { writer.append(UInt8(ascii: ",")) }
            write(self, element)
        }
        writer.append(UInt8(ascii: "]"))
    }

    func append(_ value: Double) throws(JSONTextFallback) {
        guard value.isFinite else {
            needsFoundation = true
            throw JSONTextFallback()
        }
        writer.append(finite: value)
    }

    func append(_ value: Float) throws(JSONTextFallback) {
        guard value.isFinite else {
            needsFoundation = true
            throw JSONTextFallback()
        }
        writer.append(finite: value)
    }

    /// A stand-in for `superEncoder()`: writes nowhere, and the message goes to Foundation.
    func detachedEncoder() -> any Encoder {
        needsFoundation = true
        let encoder = JSONTextEncoder(userInfo: userInfo, headerRoom: 0)
        encoder.path = path
        encoder.needsFoundation = true
        return encoder
    }
}
