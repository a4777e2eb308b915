/// A state programme officer's check of a protocol file: a list of screenings with the decisions each must
/// give. `arogya protocol test CASES.json` runs them.
///
/// A case is `{"name": …, "input": {…}, "expected": {…}}`. `expected` may be any part of the output of
/// `protocol evaluate`: objects match when every key given matches; a non-empty list matches when each of
/// its items is in the output's list (for `reasons`, a sentence may be given by a part of it); an empty list
/// matches only an empty list. Instead of `expected`, `expected_error` holds text that the input's error
/// must contain, to check the validation ranges.
public struct ProtocolCase: Sendable {
    public let name: String
    public let input: JSONField
    public let expected: JSONValue?
    public let expectedError: String?

    public static func readList(_ document: JSONValue) throws(JSONInputError) -> [ProtocolCase] {
        var cases: [ProtocolCase] = []
        for item in try JSONField(document).array() {
            let object = try item.object()
            try object.refuseUnknownKeys(["name", "input", "expected", "expected_error"])
            let expected = object.optional("expected")
            let expectedError = try object.optional("expected_error")?.string()
            guard (expected == nil) != (expectedError == nil) else {
                throw item.failure("give either \"expected\" or \"expected_error\"")
            }
            if let expected { _ = try expected.object() }
            cases.append(ProtocolCase(name: try object.optional("name")?.string() ?? "case \(cases.count + 1)",
                                      input: try object.required("input"), expected: expected?.value,
                                      expectedError: expectedError))
        }
        return cases
    }
}

public struct ProtocolCaseResult: Sendable {
    public let name: String
    /// Empty when the case passed.
    public let mismatches: [String]

    public var passed: Bool { mismatches.isEmpty }
}

public struct ProtocolCaseRunner: Sendable {
    public let engine: ScreeningEngine
    public let reasonText: ScreeningReasonText

    public init(engine: ScreeningEngine, reasonText: ScreeningReasonText) {
        self.engine = engine
        self.reasonText = reasonText
    }

    public func run(_ testCase: ProtocolCase) -> ProtocolCaseResult {
        let input: ScreeningInput
        do {
            input = try ScreeningInput.read(testCase.input, protocol: engine.rules)
        } catch {
            if let wanted = testCase.expectedError {
                let matched = error.description.localizedCaseInsensitiveContains(wanted)
                return ProtocolCaseResult(name: testCase.name,
                                          mismatches: matched ? [] : ["error: expected one containing \"\(wanted)\", got \"\(error)\""])
            }
            return ProtocolCaseResult(name: testCase.name, mismatches: ["the input was refused: \(error)"])
        }
        if let wanted = testCase.expectedError {
            return ProtocolCaseResult(name: testCase.name, mismatches: ["error: expected one containing \"\(wanted)\", but the input was accepted"])
        }
        let output = engine.evaluate(input).json(reasonText: reasonText)
        var mismatches: [String] = []
        Self.compare(expected: testCase.expected!, actual: output, path: "", into: &mismatches)
        return ProtocolCaseResult(name: testCase.name, mismatches: mismatches)
    }

    /// Appends one line per difference: `bp.category: expected "high", got "normal"`.
    public static func compare(expected: JSONValue, actual: JSONValue?, path: String, into mismatches: inout [String]) {
        let place = path.isEmpty ? "output" : path
        guard let actual else {
            mismatches.append("\(place): expected \(expected.shortDescription), but it is absent")
            return
        }
        switch (expected, actual) {
        case (.object(let members), .object):
            for member in members {
                compare(expected: member.value, actual: actual[member.key],
                        path: path.isEmpty ? member.key : path + "." + member.key, into: &mismatches)
            }
        case (.array(let wanted), .array(let got)):
            if wanted.isEmpty {
                if !got.isEmpty { mismatches.append("\(place): expected none, got \(got.count): \(got.map(\.shortDescription).joined(separator: ", "))") }
                return
            }
            for item in wanted where !got.contains(where: { matches(item, $0) }) {
                let shown = got.isEmpty ? "none" : got.map { $0.serialized(pretty: false) }.joined(separator: " | ")
                mismatches.append("\(place): expected to include \(item.serialized(pretty: false)), got \(shown)")
            }
        default:
            if expected != actual {
                mismatches.append("\(place): expected \(expected.serialized(pretty: false)), got \(actual.serialized(pretty: false))")
            }
        }
    }

    /// An item of an expected list matches a subset object, or a sentence it is part of.
    private static func matches(_ wanted: JSONValue, _ got: JSONValue) -> Bool {
        switch (wanted, got) {
        case (.string(let part), .string(let whole)): return whole.contains(part)
        case (.object, .object):
            var mismatches: [String] = []
            compare(expected: wanted, actual: got, path: "", into: &mismatches)
            return mismatches.isEmpty
        default: return wanted == got
        }
    }
}
