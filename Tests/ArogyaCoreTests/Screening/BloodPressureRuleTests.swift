@testable import ArogyaCore
import ArogyaTesting
import Testing

@Suite("Blood pressure rules")
struct BloodPressureRuleTests {
    @Test("Given readings at each boundary, when judged, then the category, referral and urgency follow the protocol",
          arguments: [
              ("[[139, 89]]", "normal", false, false),
              ("[[140, 89]]", "high", true, false),
              ("[[139, 90]]", "high", true, false),
              ("[[140, 90]]", "high", true, false),
              ("[[179, 109]]", "high", true, false),
              ("[[180, 109]]", "very_high", true, true),
              ("[[179, 110]]", "very_high", true, true),
              ("[[89, 60]]", "low", true, false),
              ("[[90, 60]]", "normal", false, false),
              // Means: 139.5 rounds up to 140; 139.33 stays 139; 89.5 rounds up to 90.
              ("[[139, 80], [140, 80]]", "high", true, false),
              ("[[139, 80], [139, 80], [140, 80]]", "normal", false, false),
              ("[[130, 89], [130, 90]]", "high", true, false),
              ("[[179, 100], [180, 100]]", "very_high", true, true),
          ])
    func boundaries(readings: String, category: String, refer: Bool, urgent: Bool) throws {
        let output = try Evaluate.output(#"{"sex": "male", "age": 45, "bp": \#(readings)}"#)
        #expect(output.at("bp.category") == .string(category))
        #expect(output.at("bp.refer") == .bool(refer))
        #expect(output.at("bp.urgent") == .bool(urgent))
        #expect(output["urgent"] == .bool(urgent))
    }

    @Test("Given two readings, when averaged, then each mean is rounded half up to a whole number", arguments: [
        ([PressurePair(139, 89), PressurePair(140, 90)], PressurePair(140, 90)),
        ([PressurePair(150, 96), PressurePair(154, 97)], PressurePair(152, 97)),
        ([PressurePair(120, 80), PressurePair(121, 80), PressurePair(121, 81)], PressurePair(121, 80)),
        ([PressurePair(300, 180)], PressurePair(300, 180)),
    ])
    func meanRounding(readings: [PressurePair], mean: PressurePair) {
        #expect(ScreeningEngine.meanPressure(readings) == mean)
    }

    @Test("Given a pregnant woman at 140/90, when judged, then it is urgent to obstetric care the same day")
    func pregnancy() throws {
        let decision = try Evaluate.decision(#"{"sex": "female", "age": 31, "pregnant": true, "bp": [[142, 88], [138, 92]]}"#)
        #expect(decision.bloodPressure?.urgent == true)
        #expect(decision.referrals.first == Referral(place: "obstetric", urgent: true, reasonIndices: [0]))
        #expect(try Evaluate.sentences(#"{"sex": "female", "age": 31, "pregnant": true, "bp": [[142, 88], [138, 92]]}"#)
            == ["Mean BP 140/90 ≥ 140/90 in pregnancy: urgent, refer to the obstetric care at the FRU the same day"])
        let below = try Evaluate.decision(#"{"sex": "female", "age": 31, "pregnant": true, "bp": [[139, 89]]}"#)
        #expect(below.urgent == false && below.refer == false)
    }

    @Test("Given raised BP with chest pain or signs of stroke, when judged, then the BP itself is urgent", arguments: ["chest_pain", "stroke_signs"])
    func urgentWithSymptoms(symptom: String) throws {
        let output = try Evaluate.output(#"{"sex": "male", "age": 58, "symptoms": ["\#(symptom)"], "bp": [[146, 88]]}"#)
        #expect(output.at("bp.urgent") == .bool(true))
        let withoutRaisedBP = try Evaluate.output(#"{"sex": "male", "age": 58, "symptoms": ["\#(symptom)"], "bp": [[128, 80]]}"#)
        #expect(withoutRaisedBP.at("bp.urgent") == .bool(false))
        // The symptom alone is still urgent.
        #expect(withoutRaisedBP["urgent"] == .bool(true))
    }

    @Test("Given a known hypertensive, when judged, then a raised BP is 'not controlled' and a lower one 'controlled'")
    func knownHypertension() throws {
        #expect(try Evaluate.sentences(#"{"sex": "male", "age": 60, "known": ["hypertension"], "bp": [[150, 92]]}"#)
            == ["Known hypertension, mean BP 150/92 ≥ 140/90: not controlled, refer to the Medical Officer at the PHC to review treatment"])
        #expect(try Evaluate.sentences(#"{"sex": "male", "age": 60, "known": ["hypertension"], "bp": [[132, 84]]}"#)
            == ["Known hypertension, mean BP 132/84 < 140/90: controlled"])
    }

    @Test("Given the example of the contract, when judged, then the reason names the rule and the values")
    func reasonText() throws {
        #expect(try Evaluate.sentences(#"{"sex": "male", "age": 45, "bp": [[150, 96], [154, 96]]}"#)
            == ["Mean BP 152/96 ≥ 140/90: refer to the Medical Officer at the PHC for confirmation"])
        #expect(try Evaluate.sentences(#"{"sex": "male", "age": 45, "bp": [[186, 104]]}"#)
            == ["Mean BP 186/104 ≥ 180/110: urgent, refer to the nearest emergency care with a doctor today"])
        #expect(try Evaluate.sentences(#"{"sex": "male", "age": 45, "bp": [[86, 56]]}"#)
            == ["Mean systolic BP 86 < 90: low, refer to the Medical Officer at the PHC"])
    }

    @Test("Given readings out of range, when read, then the error names the reading and the limit", arguments: [
        (#"[[301, 90]]"#, "bp[0][0]: systolic 301 is outside 70–300"),
        (#"[[69, 50]]"#, "bp[0][0]: systolic 69 is outside 70–300"),
        (#"[[120, 181]]"#, "bp[0][1]: diastolic 181 is outside 40–180"),
        (#"[[120, 39]]"#, "bp[0][1]: diastolic 39 is outside 40–180"),
        (#"[[120, 80], [90, 90]]"#, "bp[1]: systolic 90 must be above diastolic 90"),
        (#"[[120, 80], [120, 80], [120, 80], [120, 80]]"#, "bp: at most 3 readings, found 4"),
        (#"[[120.5, 80]]"#, "bp[0][0]: expected a whole number, found 120.5"),
        (#"[[120]]"#, "bp[0]: expected a list of 2 values, found 1"),
        (#"[["120", 80]]"#, "bp[0][0]: expected a number, found \"120\""),
    ])
    func invalidReadings(readings: String, message: String) {
        #expect(Evaluate.error(#"{"sex": "male", "age": 45, "bp": \#(readings)}"#) == message)
    }
}
