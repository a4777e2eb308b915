@testable import ArogyaCore
import ArogyaTesting
import Testing

@Suite("Blood glucose rules")
struct GlucoseRuleTests {
    @Test("Given each test type at its cut-offs, when judged, then the category, referral and urgency follow the protocol",
          arguments: [
              ("random", "139", "normal", false, false),
              ("random", "140", "high", true, false),
              ("random", "199", "high", true, false),
              ("random", "200", "high", true, false),
              ("random", "299", "high", true, false),
              ("random", "300", "very_high", true, true),
              ("random", "70", "normal", false, false),
              ("random", "69", "low", true, true),
              ("post_prandial", "139", "normal", false, false),
              ("post_prandial", "140", "high", true, false),
              ("post_prandial", "300", "very_high", true, true),
              ("fasting", "99", "normal", false, false),
              ("fasting", "100", "impaired", false, false),
              ("fasting", "125", "impaired", false, false),
              ("fasting", "126", "high", true, false),
              ("fasting", "199", "high", true, false),
              ("fasting", "200", "very_high", true, true),
              ("fasting", "69.5", "low", true, true),
              ("random", "\"LO\"", "low", true, true),
              ("fasting", "\"HI\"", "very_high", true, true),
              ("post_prandial", "\"lo\"", "low", true, true),
          ])
    func cutOffs(type: String, value: String, category: String, refer: Bool, urgent: Bool) throws {
        let output = try Evaluate.output(#"{"sex": "female", "age": 50, "glucose": {"type": "\#(type)", "mg_dl": \#(value)}}"#)
        #expect(output.at("glucose.category") == .string(category))
        #expect(output.at("glucose.refer") == .bool(refer))
        #expect(output.at("glucose.urgent") == .bool(urgent))
        #expect(output["refer"] == .bool(refer))
    }

    @Test("Given glucose results, when worded, then each reason names the test, the value and the cut-off", arguments: [
        (#"{"type": "random", "mg_dl": 150}"#, "Random blood glucose 150 mg/dL ≥ 140: refer to the Medical Officer at the PHC for confirmation"),
        (#"{"type": "random", "mg_dl": 240}"#, "Random blood glucose 240 mg/dL ≥ 200: highly suggestive of diabetes, refer to the Medical Officer at the PHC for confirmation"),
        (#"{"type": "fasting", "mg_dl": 112}"#, "Fasting blood glucose 112 mg/dL is 100–125: impaired, test again at the next visit"),
        (#"{"type": "fasting", "mg_dl": 210}"#, "Fasting blood glucose 210 mg/dL ≥ 200: urgent, refer to the nearest emergency care with a doctor today"),
        (#"{"type": "random", "mg_dl": 62}"#, "Random blood glucose 62 mg/dL < 70: low, urgent, refer to the nearest emergency care with a doctor today"),
        (#"{"type": "random", "mg_dl": "HI"}"#, "Random blood glucose reads HI on the meter: dangerously high, urgent, refer to the nearest emergency care with a doctor today"),
    ])
    func reasons(glucose: String, sentence: String) throws {
        #expect(try Evaluate.sentences(#"{"sex": "female", "age": 50, "glucose": \#(glucose)}"#) == [sentence])
    }

    @Test("Given a known diabetic, when judged, then control cut-offs apply and urgent ones still do")
    func knownDiabetes() throws {
        let controlled = try Evaluate.output(#"{"sex": "male", "age": 55, "known": ["diabetes"], "glucose": {"type": "random", "mg_dl": 180}}"#)
        #expect(controlled.at("glucose.refer") == .bool(false))
        #expect(controlled.at("glucose.category") == .string("high"))
        let uncontrolled = try Evaluate.sentences(#"{"sex": "male", "age": 55, "known": ["diabetes"], "glucose": {"type": "fasting", "mg_dl": 130}}"#)
        #expect(uncontrolled == ["Known diabetes, fasting blood glucose 130 mg/dL ≥ 126: not controlled, refer to the Medical Officer at the PHC to review treatment"])
        let urgent = try Evaluate.output(#"{"sex": "male", "age": 55, "known": ["diabetes"], "glucose": {"type": "random", "mg_dl": 320}}"#)
        #expect(urgent.at("glucose.urgent") == .bool(true))
    }

    @Test("Given glucose values a meter cannot show, when read, then the error says to enter LO or HI", arguments: [
        (#"{"type": "random", "mg_dl": 601}"#, #"glucose.mg_dl: 601 is outside 20–600; if the meter shows LO or HI, give "LO" or "HI""#),
        (#"{"type": "random", "mg_dl": 19}"#, #"glucose.mg_dl: 19 is outside 20–600; if the meter shows LO or HI, give "LO" or "HI""#),
        (#"{"type": "random", "mg_dl": "high"}"#, #"glucose.mg_dl: expected a number or "LO" or "HI", found "high""#),
        (#"{"type": "after_food", "mg_dl": 120}"#, #"glucose.type: "after_food" is not one of "random", "fasting", "post_prandial""#),
        (#"{"mg_dl": 120}"#, #"glucose: missing "type""#),
    ])
    func invalid(glucose: String, message: String) {
        #expect(Evaluate.error(#"{"sex": "female", "age": 50, "glucose": \#(glucose)}"#) == message)
    }
}
