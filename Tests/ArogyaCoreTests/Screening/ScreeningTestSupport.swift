@testable import ArogyaCore
import Foundation
import ArogyaTesting
import Testing

/// Runs a screening through the same path as `arogya protocol evaluate`: JSON in, JSON out.
enum Evaluate {
    static let rules = Fixtures.nationalProtocol
    static let engine = ScreeningEngine(protocol: rules)
    static let text = ScreeningReasonText(strings: Fixtures.strings, protocol: rules)

    static func input(_ json: String, protocol rules: ScreeningProtocol = Evaluate.rules) throws -> ScreeningInput {
        try ScreeningInput.read(JSONField(try JSONParser.parse(json)), protocol: rules)
    }

    static func output(_ json: String) throws -> JSONValue {
        engine.evaluate(try input(json)).json(reasonText: text)
    }

    static func decision(_ json: String) throws -> ScreeningDecision {
        engine.evaluate(try input(json))
    }

    /// The sentences of the reasons a rule gave. What was not measured ("Diabetes not screened: no blood
    /// glucose reading") is left out: a test of one reading's rule gives no other reading, and the notes on
    /// what is missing have tests of their own (`ScreeningDecisionTests`).
    static func sentences(_ json: String) throws -> [String] {
        try decision(json).reasons.filter { if case .notScreened = $0.kind { return false } else { return true } }.map(text.sentence)
    }

    /// The error `read` gives, as `path: reason`.
    static func error(_ json: String) -> String? {
        do {
            _ = try input(json)
            return nil
        } catch {
            return (error as? JSONInputError)?.description ?? "\(error)"
        }
    }
}

extension JSONValue {
    /// `value["bp"]?["category"]` as a path: `value.at("bp.category")`.
    func at(_ path: String) -> JSONValue? {
        path.split(separator: ".").reduce(Optional(self)) { value, key in value?[String(key)] }
    }
}

/// The national file's text, changed, for tests of other settings and of broken files.
enum ProtocolText {
    static let national: String = {
        let path = AssetDirectory.locate()!.path(for: "protocols/national-2023.json")
        return try! String(contentsOfFile: path, encoding: .utf8)
    }()

    static func replacing(_ old: String, with new: String) -> String {
        precondition(national.contains(old), "the national file no longer contains \(old)")
        return national.replacingOccurrences(of: old, with: new)
    }

    static func variant(_ old: String, _ new: String) throws(ProtocolFileError) -> ScreeningProtocol {
        try ScreeningProtocol.read(text: replacing(old, with: new), source: "variant.json")
    }
}
