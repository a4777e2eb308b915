@testable import ArogyaCore
import ArogyaTesting
import Testing

@Suite("Cancer screening rules")
struct CancerRuleTests {
    @Test("Given age and sex, when eligibility is judged, then oral is 30+, breast women 30+, VIA women 30–65", arguments: [
        ("female", 29, false, false, false), ("female", 30, true, true, true), ("female", 65, true, true, true),
        ("female", 66, true, true, false), ("female", 80, true, true, false),
        ("male", 29, false, false, false), ("male", 30, true, false, false), ("male", 70, true, false, false),
        // Sex "other": nothing unless the worker chooses it.
        ("other", 45, false, false, false),
    ])
    func eligibility(sex: String, age: Int, oral: Bool, breast: Bool, cervical: Bool) throws {
        let output = try Evaluate.output(#"{"sex": "\#(sex)", "age": \#(age)}"#)
        #expect(output.at("oral.eligible") == .bool(oral))
        #expect(output.at("breast.eligible") == .bool(breast))
        #expect(output.at("cervical.eligible") == .bool(cervical))
        // Eligibility alone refers no one.
        #expect(output["refer"] == .bool(false))
    }

    @Test("Given sex other, when the worker chooses the exams that apply, then those are eligible within the age limits")
    func otherSexChoice() throws {
        let output = try Evaluate.output(#"{"sex": "other", "age": 45, "exams": ["breast", "cervical"]}"#)
        #expect(output.at("oral.eligible") == .bool(false))
        #expect(output.at("breast.eligible") == .bool(true))
        #expect(output.at("cervical.eligible") == .bool(true))
        let older = try Evaluate.output(#"{"sex": "other", "age": 70, "exams": ["cervical"]}"#)
        #expect(older.at("cervical.eligible") == .bool(false))
    }

    @Test("Given symptoms outside eligibility, when judged, then they still refer", arguments: [
        (#"{"sex": "female", "age": 68, "symptoms": ["breast_lump"]}"#, "breast"),
        (#"{"sex": "female", "age": 70, "symptoms": ["postcoital_bleeding"], "via": "negative"}"#, "cervical"),
        (#"{"sex": "male", "age": 27, "symptoms": ["mouth_ulcer_2_weeks"]}"#, "oral"),
        (#"{"sex": "female", "age": 24, "symptoms": ["postmenopausal_bleeding"]}"#, "cervical"),
        (#"{"sex": "male", "age": 50, "symptoms": ["breast_lump"]}"#, "breast"),
    ])
    func symptomsOutsideEligibility(input: String, exam: String) throws {
        let output = try Evaluate.output(input)
        #expect(output.at("\(exam).refer") == .bool(true))
        #expect(output["refer"] == .bool(true))
        #expect(output["referrals"] == .array([.object([("to", .string("chc_ncd")), ("place", .string("the NCD clinic at the CHC")), ("urgent", .bool(false))])]))
    }

    @Test("Given an examination outside eligibility, when findings are recorded, then they refer")
    func findingsOutsideEligibility() throws {
        let output = try Evaluate.output(#"{"sex": "male", "age": 25, "oral": ["ulcer", "neck_node"]}"#)
        #expect(output.at("oral.eligible") == .bool(false))
        #expect(output.at("oral.refer") == .bool(true))
        #expect(try Evaluate.sentences(#"{"sex": "male", "age": 25, "oral": ["ulcer", "neck_node"]}"#)
            == ["Oral examination found ulcer not healed in 2 weeks, palpable neck node: refer to the NCD clinic at the CHC"])
    }

    @Test("Given each VIA result, when judged, then positive refers, suspicious is urgent and others do not refer", arguments: [
        ("negative", false, false, [String]()),
        ("positive", true, false, ["VIA positive: refer to the NCD clinic at the CHC"]),
        ("suspicious", true, true, ["VIA suspicious for cancer: urgent, refer to the NCD clinic at the CHC"]),
        ("deferred", false, false, ["VIA put off: no reason given"]),
        ("not_done", false, false, ["VIA not done: no reason given"]),
    ])
    func via(result: String, refer: Bool, urgent: Bool, sentences: [String]) throws {
        let input = #"{"sex": "female", "age": 40, "via": "\#(result)"}"#
        let output = try Evaluate.output(input)
        #expect(output.at("cervical.refer") == .bool(refer))
        #expect(output.at("cervical.urgent") == .bool(urgent))
        #expect(try Evaluate.sentences(input) == sentences)
    }

    @Test("Given a VIA put off for menstruation, when worded, then the reason is given")
    func deferredReason() throws {
        #expect(try Evaluate.sentences(#"{"sex": "female", "age": 40, "via": "deferred", "skip_reasons": {"cervical": "menstruation"}}"#)
            == ["VIA put off: menstruation"])
        #expect(try Evaluate.sentences(#"{"sex": "female", "age": 40, "oral": "not_done", "skip_reasons": {"oral": "refused"}}"#)
            == ["Oral examination not done: the person refused"])
    }

    @Test("Given a normal breast examination with a lump reported, when judged, then the symptom still refers")
    func normalExamWithSymptom() throws {
        let output = try Evaluate.output(#"{"sex": "female", "age": 45, "breast": "normal", "symptoms": ["breast_lump"]}"#)
        #expect(output.at("breast.refer") == .bool(true))
    }

    @Test("Given bad findings, when read, then the error names the finding and the choices", arguments: [
        (#""oral": ["lump"]"#, #"oral[0]: "lump" is not one of "white_patch", "red_patch", "ulcer", "growth", "restricted_opening", "neck_node""#),
        (#""breast": []"#, #"breast: an empty list; give "normal" when nothing was found"#),
        (#""breast": "abnormal""#, #"breast: expected "normal", "not_done" or a list of findings, found "abnormal""#),
        (#""via": "unclear""#, #"via: "unclear" is not one of "negative", "positive", "suspicious", "deferred", "not_done""#),
        (#""symptoms": ["cough"]"#, #"symptoms[0]: "cough" is not a symptom code of protocol national 2023.1"#),
        (#""symptoms": ["fits", "fits"]"#, #"symptoms[1]: "fits" is listed twice"#),
    ])
    func invalidFindings(part: String, message: String) {
        #expect(Evaluate.error(#"{"sex": "female", "age": 45, \#(part)}"#) == message)
    }
}
