/// A JSON document held in order.
///
/// Protocol files and screening input are read through this rather than `Codable`, so that every
/// problem can be reported at its place (`cbac.waist_bands.female[1].points`) and unknown keys, which in a
/// clinical file are nearly always typos, are refused instead of silently ignored. Objects keep their keys
/// in the order written, so output reads in the order the contract lists it.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// A number with a fraction or an exponent, or a whole one too large for `integer`.
    case number(Double)
    /// A whole number as written, exactly: sequence numbers and versions are 64-bit and must never pass
    /// through a `Double`, which holds only 53 bits.
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        // `2` and `2.0` are the same number.
        case (.integer(let a), .number(let b)), (.number(let b), .integer(let a)): return Int64(exactly: b) == a
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            // Key order does not change what an object means.
            guard a.count == b.count else { return false }
            let sortedA = a.sorted { $0.key < $1.key }
            let sortedB = b.sorted { $0.key < $1.key }
            return zip(sortedA, sortedB).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let value):
            // Hashed as the integer it equals, if it is one (see ==).
            if let whole = Int64(exactly: value) { hasher.combine(whole) } else { hasher.combine(value) }
        case .integer(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let values): hasher.combine(values)
        case .object(let members):
            for member in members.sorted(by: { $0.key < $1.key }) {
                hasher.combine(member.key)
                hasher.combine(member.value)
            }
        }
    }

    /// The member named `key` of an object; nil for anything else.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The number, whether written whole or not; nil for anything else. A whole number beyond 2^53 comes
    /// back rounded: use `int64` for counts, sequence numbers and versions.
    public var double: Double? {
        switch self {
        case .number(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    /// The whole number, exactly; nil for a fraction, a number beyond 64 bits or anything else.
    public var int64: Int64? {
        switch self {
        case .integer(let value): return value
        case .number(let value): return Int64(exactly: value)
        default: return nil
        }
    }

    /// A short description of the value for messages: `"abc"`, `12`, `an object`.
    public var shortDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return JSONValue.format(value)
        case .integer(let value): return String(value)
        case .string(let value):
            let shown = value.count > 24 ? String(value.prefix(24)) + "…" : value
            return "\"" + shown + "\""
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// Whole numbers without a fraction (`140`, not `140.0`); others as Swift prints them, which is the
    /// shortest text that reads back as the same number.
    public static func format(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }
}

// MARK: - Writing

extension JSONValue {
    /// The document as text. `pretty` indents by two spaces, one member per line, as people read it.
    public func serialized(pretty: Bool = true) -> String {
        // Written as UTF-8 bytes and decoded once: appending to a String piece by piece costs several
        // times more, and a sync batch serializes half a megabyte.
        var output: [UInt8] = []
        write(to: &output, pretty: pretty, indent: 0)
        return String(decoding: output, as: UTF8.self)
    }

    private func write(to output: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: output += "null".utf8
        case .bool(let value): output += (value ? "true" : "false").utf8
        case .number(let value): output += JSONValue.format(value).utf8
        case .integer(let value): output += String(value).utf8
        case .string(let value): JSONValue.writeString(value, to: &output)
        case .array(let values):
            // Short lists of scalars stay on one line: `[152, 96]` reads better than a column.
            let inline = !pretty || values.allSatisfy(\.isScalar)
                && values.reduce(0) { $0 + $1.serialized(pretty: false).count } <= 60
            if values.isEmpty { output += "[]".utf8; return }
            output.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { output += (inline && pretty ? ", " : ",").utf8 }
                if !inline { newline(&output, indent + 1) }
                value.write(to: &output, pretty: pretty, indent: indent + 1)
            }
            if !inline { newline(&output, indent) }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { output += "{}".utf8; return }
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                if pretty { newline(&output, indent + 1) }
                JSONValue.writeString(member.key, to: &output)
                output += (pretty ? ": " : ":").utf8
                member.value.write(to: &output, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&output, indent) }
            output.append(UInt8(ascii: "}"))
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    private func newline(_ output: inout [UInt8], _ indent: Int) {
        output.append(UInt8(ascii: "\n"))
        output += repeatElement(UInt8(ascii: " "), count: indent * 2)
    }

    /// A string with the escapes JSON needs; runs of other bytes are copied whole.
    private static func writeString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                let escaped: String
                switch byte {
                case UInt8(ascii: "\""): escaped = "\\\""
                case UInt8(ascii: "\\"): escaped = "\\\\"
                case UInt8(ascii: "\n"): escaped = "\\n"
                case UInt8(ascii: "\r"): escaped = "\\r"
                case UInt8(ascii: "\t"): escaped = "\\t"
                case 0..<0x20, 0x7F:
                    let hex = String(byte, radix: 16)
                    escaped = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: continue
                }
                output += bytes[runStart..<index]
                output += escaped.utf8
                runStart = index + 1
            }
            output += bytes[runStart..<bytes.count]
        }
        output.append(UInt8(ascii: "\""))
    }
}
