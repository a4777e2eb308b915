/// A problem with one value of a JSON document, named by its place: `bp[1][0]: 310 is outside 70–300`.
public struct JSONInputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Dotted path with list positions from 0: `cbac.waist_cm`, `bp[1][0]`. Empty for the whole document.
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

/// One value of a document together with where it sits, so that every check can say where it failed.
public struct JSONField: Sendable {
    public let value: JSONValue
    public let path: String

    public init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.path = path
    }

    public func failure(_ reason: String) -> JSONInputError {
        JSONInputError(path: path, reason: reason)
    }

    public func object() throws(JSONInputError) -> JSONObjectReader {
        guard case .object(let members) = value else { throw failure("expected an object { … }, found \(value.shortDescription)") }
        return JSONObjectReader(field: self, members: members)
    }

    public func array() throws(JSONInputError) -> [JSONField] {
        guard case .array(let values) = value else { throw failure("expected a list [ … ], found \(value.shortDescription)") }
        return values.enumerated().map { JSONField($0.element, path: "\(path)[\($0.offset)]") }
    }

    public func array(count: Int) throws(JSONInputError) -> [JSONField] {
        let items = try array()
        guard items.count == count else { throw failure("expected a list of \(count) values, found \(items.count)") }
        return items
    }

    public func string() throws(JSONInputError) -> String {
        guard case .string(let text) = value else { throw failure("expected text in double quotes, found \(value.shortDescription)") }
        return text
    }

    public func bool() throws(JSONInputError) -> Bool {
        guard case .bool(let flag) = value else { throw failure("expected true or false, found \(value.shortDescription)") }
        return flag
    }

    public func number() throws(JSONInputError) -> Double {
        guard let number = value.double else { throw failure("expected a number, found \(value.shortDescription)") }
        return number
    }

    public func number(in range: ClosedRange<Double>) throws(JSONInputError) -> Double {
        let number = try number()
        guard range.contains(number) else {
            throw failure("\(JSONValue.format(number)) is outside \(JSONValue.format(range.lowerBound))–\(JSONValue.format(range.upperBound))")
        }
        return number
    }

    /// A whole number of any size up to 64 bits, read exactly (never through a `Double`).
    public func int64() throws(JSONInputError) -> Int64 {
        guard let number = value.double else { throw failure("expected a number, found \(value.shortDescription)") }
        guard let whole = value.int64 else { throw failure("expected a whole number, found \(JSONValue.format(number))") }
        return whole
    }

    public func int64(in range: ClosedRange<Int64>) throws(JSONInputError) -> Int64 {
        let whole = try int64()
        guard range.contains(whole) else { throw failure("\(whole) is outside \(range.lowerBound)–\(range.upperBound)") }
        return whole
    }

    /// A whole number of a size people type (a count, a reading): beyond a billion is a mistake.
    public func int() throws(JSONInputError) -> Int {
        let whole = try int64()
        guard abs(whole) < 1_000_000_000 else { throw failure("expected a whole number below a billion, found \(whole)") }
        return Int(whole)
    }

    public func int(in range: ClosedRange<Int>) throws(JSONInputError) -> Int {
        let whole = try int()
        guard range.contains(whole) else { throw failure("\(whole) is outside \(range.lowerBound)–\(range.upperBound)") }
        return whole
    }

    /// One of a fixed set of words, such as `"random"` for a glucose type.
    public func choice<Choice: CaseIterable & RawRepresentable>(_ type: Choice.Type) throws(JSONInputError) -> Choice
        where Choice.RawValue == String {
        let text = try string()
        if let match = Choice(rawValue: text) { return match }
        throw failure("\"\(text)\" is not one of \(Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
    }

    /// A list of text values without repeats.
    public func strings() throws(JSONInputError) -> [String] {
        var result: [String] = []
        for item in try array() {
            let text = try item.string()
            guard !result.contains(text) else { throw item.failure("\"\(text)\" is listed twice") }
            result.append(text)
        }
        return result
    }

    public var isNull: Bool { value == .null }
}

/// The members of a JSON object, read by name. `null` counts as absent.
public struct JSONObjectReader: Sendable {
    public let field: JSONField
    let members: [(key: String, value: JSONValue)]

    public var keys: [String] { members.map(\.key) }

    public func optional(_ key: String) -> JSONField? {
        guard let member = members.first(where: { $0.key == key }), member.value != .null else { return nil }
        return JSONField(member.value, path: childPath(key))
    }

    public func required(_ key: String) throws(JSONInputError) -> JSONField {
        guard let found = optional(key) else { throw field.failure("missing \"\(key)\"") }
        return found
    }

    /// Refuses keys that are not expected: a misspelt key in a screening or a protocol must not be ignored.
    /// Keys starting with `_` are notes and always allowed.
    public func refuseUnknownKeys(_ known: [String]) throws(JSONInputError) {
        for key in keys where !key.hasPrefix("_") && !known.contains(key) {
            throw JSONInputError(path: childPath(key),
                                 reason: "unknown key; expected one of \(known.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
    }

    /// Every member as a field, in document order.
    public var fields: [(key: String, field: JSONField)] {
        members.filter { !$0.key.hasPrefix("_") }.map { ($0.key, JSONField($0.value, path: childPath($0.key))) }
    }

    private func childPath(_ key: String) -> String {
        field.path.isEmpty ? key : field.path + "." + key
    }
}
