import Foundation
import GIPCKit

/// The JSON notation in which `gipc inspect` prints a ``Value`` and `gipc encode` reads one: plain JSON where JSON
/// is unambiguous, and a one-key object whose key starts with `$` where it is not.
///
/// | Value | notation |
/// |---|---|
/// | null, bool, string, array | JSON `null`, `true`/`false`, `"…"`, `[…]` |
/// | int, uint | a JSON number without fraction or exponent: `-3`, `18446744073709551615` |
/// | double | a JSON number with a fraction or exponent (`1.0`, `1e-05`); `{"$double":"nan"}`, `"inf"`, `"-inf"` |
/// | bytes | `{"$bytes":"<base64>"}` |
/// | date | `{"$date":<seconds since 1970>}` |
/// | extension | `{"$ext":[<type>,"<base64>"]}` |
/// | map with distinct string keys | a JSON object, pairs in order |
/// | any other map (other keys, repeated keys, a single key starting with `$`) | `{"$map":[[<key>,<value>],…]}` |
enum ValueNotation {
    /// `value` as one line of JSON.
    static func render(_ value: Value) -> String {
        var text = ""
        append(value, to: &text)
        return text
    }

    static func append(_ value: Value, to text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let number): text += String(number)
        case .uint(let number): text += String(number)
        case .double(let number): appendDouble(number, to: &text)
        case .string(let string): appendString(string, to: &text)
        case .bytes(let bytes): tagged("$bytes", to: &text) { $0 += "\"\(Data(bytes).base64EncodedString())\"" }
        case .date(let date): tagged("$date", to: &text) { appendDouble(date.timeIntervalSince1970, to: &$0) }
        case .extension(let type, let data):
            tagged("$ext", to: &text) { $0 += "[\(type),\"\(Data(data).base64EncodedString())\"]" }
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += "," }
                append(element, to: &text)
            }
            text += "]"
        case .map(let pairs): appendMap(pairs, to: &text)
        }
    }

    private static func appendMap(_ pairs: [(key: Value, value: Value)], to text: inout String) {
        var keys: [String] = []
        for pair in pairs {
            guard case .string(let key) = pair.key else { break }
            keys.append(key)
        }
        let plain =
            keys.count == pairs.count && Set(keys).count == keys.count && !(keys.count == 1 && keys[0].hasPrefix("$"))
        if plain {
            text += "{"
            for (index, pair) in zip(keys, pairs).enumerated() {
                if index > 0 { text += "," }
                appendString(pair.0, to: &text)
                text += ":"
                append(pair.1.value, to: &text)
            }
            text += "}"
            return
        }
        tagged("$map", to: &text) { text in
            text += "["
            for (index, pair) in pairs.enumerated() {
                if index > 0 { text += "," }
                text += "["
                append(pair.key, to: &text)
                text += ","
                append(pair.value, to: &text)
                text += "]"
            }
            text += "]"
        }
    }

    private static func tagged(_ tag: String, to text: inout String, _ body: (inout String) -> Void) {
        text += "{\"\(tag)\":"
        body(&text)
        text += "}"
    }

    private static func appendDouble(_ number: Double, to text: inout String) {
        if number.isNaN {
            text += #"{"$double":"nan"}"#
        } else if number.isInfinite {
            text += number > 0 ? #"{"$double":"inf"}"# : #"{"$double":"-inf"}"#
        } else {
            // Swift prints the shortest text that reads back as the same double, always with "." or "e".
            text += "\(number)"
        }
    }

    /// Appends `string` as a JSON string: `"` and `\` escaped, control characters as `\uXXXX`, the rest as is.
    static func appendString(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
