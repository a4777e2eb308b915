@testable import ArogyaCore
import Testing

@Suite("JSON reading and writing")
struct JSONParserTests {
    @Test("Given valid documents, when parsed, then values, escapes and key order are kept")
    func valid() throws {
        let value = try JSONParser.parse(#" {"b": [1, -2.5e1, true, null], "a": "\u0915\u094D\u0937 \"q\" \ud83d\ude00\n", "c": {}} "#)
        #expect(value["b"] == .array([.number(1), .number(-25), .bool(true), .null]))
        #expect(value["a"] == .string("क्ष \"q\" 😀\n"))
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a", "c"])
    }

    @Test("Given broken documents, when parsed, then the line, column and reason are given", arguments: [
        ("{\"a\": 1,}", "line 1, column 9: expected a key in double quotes"),
        ("{\"a\": 1}\n{", "line 2, column 1: unexpected text after the end of the document"),
        ("{\n  \"a\": 01\n}", "line 2, column 9: a number may not start with 0"),
        ("{\"a\": 1, \"a\": 2}", "line 1, column 10: the key \"a\" appears twice in this object"),
        ("[\"tab\there\"]", "line 1, column 6: a control character inside text; write it as an escape such as \\n"),
        ("{\"नाम\": tru}", "line 1, column 9: expected a value"),
        ("", "line 1, column 1: unexpected end of the document"),
        ("[1, 2", "line 1, column 6: expected ',' or ']'"),
    ])
    func broken(text: String, message: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("Given values, when written and read back, then they are equal and whole numbers have no fraction")
    func roundTrip() throws {
        let value = JSONValue.object([("n", .number(140)), ("x", .number(25.8)), ("s", .string("a\"b\\\u{1}")),
                                      ("l", .array([.bool(false), .null]))])
        #expect(value.serialized(pretty: false) == #"{"n":140,"x":25.8,"s":"a\"b\\\u0001","l":[false,null]}"#)
        #expect(try JSONParser.parse(value.serialized()) == value)
    }
}
