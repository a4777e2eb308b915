@testable import ArogyaCore
import ArogyaTesting
import Testing

@Suite("Screening decisions")
struct ScreeningDecisionTests {
    @Test("Given only age and sex, when judged, then the exam parts are present and the other parts absent")
    func absentParts() throws {
        let output = try Evaluate.output(#"{"sex": "female", "age": 35}"#)
        for key in ["cbac_score", "cbac_priority", "phq2_refer", "bp", "glucose"] {
            #expect(output[key] == nil, "\(key) should be absent")
        }
        for key in ["oral", "breast", "cervical", "refer", "urgent", "reasons"] {
            #expect(output[key] != nil, "\(key) should be present")
        }
        // Nothing measured: it says so, and the next visit is soon, not a year away.
        #expect(output["not_screened"] == .array([.string("hypertension"), .string("diabetes")]))
        #expect(output["follow_up_days"] == .number(30))
    }

    @Test("Given a screening without a BP or a glucose, when judged, then it names what was not screened and asks her back within a month")
    func notScreened() throws {
        let noGlucose = try Evaluate.decision(#"{"sex": "male", "age": 45, "bp": [[120, 80]]}"#)
        #expect(noGlucose.notScreened == [.diabetes])
        #expect(noGlucose.referrals.isEmpty)
        #expect(noGlucose.followUpDays == 30)
        #expect(Evaluate.text.sentences(noGlucose) == ["Diabetes not screened: no blood glucose reading"])
        let noBP = try Evaluate.decision(#"{"sex": "male", "age": 45, "glucose": {"type": "random", "mg_dl": 110}}"#)
        #expect(noBP.notScreened == [.hypertension])
        #expect(Evaluate.text.sentences(noBP) == ["Hypertension not screened: no BP reading"])
        // Both measured: complete, and the routine year.
        let both = try Evaluate.decision(#"{"sex": "male", "age": 45, "bp": [[120, 80]], "glucose": {"type": "random", "mg_dl": 110}}"#)
        #expect(both.notScreened.isEmpty && both.followUpDays == 365)
        // Under the screening age nothing is missing; a known diabetic's visit without glucose is.
        #expect(try Evaluate.decision(#"{"sex": "male", "age": 25}"#).notScreened.isEmpty)
        let known = try Evaluate.input(#"{"sex": "male", "age": 45, "known": ["diabetes"], "bp": [[120, 80]]}"#)
        #expect(Evaluate.engine.evaluate(known, kind: .followUp).notScreened == [.diabetes])
        // A known hypertensive's follow-up is for her BP; her screening is for diabetes as well.
        let hypertensive = try Evaluate.input(#"{"sex": "female", "age": 46, "known": ["hypertension"], "bp": [[130, 80]]}"#)
        #expect(Evaluate.engine.evaluate(hypertensive, kind: .followUp).notScreened.isEmpty)
        #expect(Evaluate.engine.evaluate(hypertensive, kind: .screening).notScreened == [.diabetes])
        // A referral is not put later by what is missing.
        #expect(try Evaluate.decision(#"{"sex": "male", "age": 45, "bp": [[150, 90]]}"#).followUpDays == 7)
    }

    @Test("Given urgent and routine findings together, when judged, then urgent reasons and places come first")
    func urgentFirst() throws {
        let input = #"{"sex": "female", "age": 52, "bp": [[150, 94]], "symptoms": ["cough_2_weeks", "chest_pain"], "via": "suspicious"}"#
        let decision = try Evaluate.decision(input)
        #expect(decision.reasons.map(\.severity) == [.urgent, .urgent, .urgent, .refer, .note])
        #expect(decision.notScreened == [.diabetes])
        #expect(decision.referrals.map(\.place) == ["emergency", "chc_ncd", "mo_phc"])
        #expect(decision.referrals.map(\.urgent) == [true, true, false])
        #expect(try Evaluate.sentences(input) == [
            "Mean BP 150/94 ≥ 140/90 with chest pain: urgent, refer to the nearest emergency care with a doctor today",
            "Chest pain: urgent, refer to the nearest emergency care with a doctor today",
            "VIA suspicious for cancer: urgent, refer to the NCD clinic at the CHC",
            "Cough for more than 2 weeks: refer to the Medical Officer at the PHC",
        ])
        #expect(decision.followUpDays == 0)
    }

    @Test("Given results, when the follow-up is set, then it is same day, a week, a month, a recheck or a year", arguments: [
        (#"{"sex": "male", "age": 45, "bp": [[182, 100]]}"#, 0),
        (#"{"sex": "male", "age": 45, "bp": [[150, 90]]}"#, 7),
        (#"{"sex": "male", "age": 45, "known": ["hypertension"], "bp": [[130, 80]]}"#, 30),
        (#"{"sex": "male", "age": 45, "bp": [[120, 80]]}"#, 30),
        (#"{"sex": "male", "age": 45, "bp": [[120, 80]], "glucose": {"type": "fasting", "mg_dl": 110}}"#, 90),
        (#"{"sex": "male", "age": 45, "bp": [[120, 80]], "glucose": {"type": "random", "mg_dl": 110}}"#, 365),
    ])
    func followUp(input: String, days: Int) throws {
        #expect(try Evaluate.decision(input).followUpDays == days)
    }

    @Test("Given the same input twice, when judged, then the decisions are identical")
    func deterministic() throws {
        let input = #"{"sex": "female", "age": 61, "symptoms": ["unsteady_walking", "breast_lump", "cooking_fuel_smoke"], "bp": [[141, 91], [139, 89]], "glucose": {"type": "random", "mg_dl": "LO"}, "phq2": [3, 3]}"#
        #expect(try Evaluate.output(input) == (try Evaluate.output(input)))
    }

    @Test("Given a height and a weight, when judged, then BMI is given to one decimal")
    func bodyMassIndex() throws {
        #expect(try Evaluate.output(#"{"sex": "female", "age": 40, "height_cm": 155, "weight_kg": 62}"#)["bmi"] == .number(25.8))
    }

    @Test("Given input that is not a screening, when read, then the error names the field", arguments: [
        (#"{"age": 40}"#, #"missing "sex""#),
        (#"{"sex": "female"}"#, #"missing "age""#),
        (#"{"sex": "f", "age": 40}"#, #"sex: "f" is not one of "female", "male", "other""#),
        (#"{"sex": "female", "age": 121}"#, "age: 121 is outside 0–120"),
        (#"{"sex": "female", "age": 40.5}"#, "age: expected a whole number, found 40.5"),
        (#"{"sex": "male", "age": 40, "pregnant": true}"#, "pregnant: only for a female patient"),
        (#"{"sex": "female", "age": 40, "known": ["asthma"]}"#, #"known[0]: "asthma" is not one of "hypertension", "diabetes""#),
        (#"{"sex": "female", "age": 40, "cbac": {"waist_cm": 250}}"#, "cbac.waist_cm: 250 is outside 30–200"),
        (#"{"sex": "female", "age": 40, "cbac": {"tobacco": "yes"}}"#, #"cbac.tobacco: "yes" is not one of "never", "sometimes", "daily""#),
        (#"{"sex": "female", "age": 40, "cbac": {"alcohol": true}}"#, #"cbac.alcohol: unknown key; expected one of "tobacco", "alcohol_daily", "waist_cm", "activity_150", "family_history""#),
        (#"[]"#, "expected an object { … }, found a list"),
    ])
    func invalidInput(input: String, message: String) {
        #expect(Evaluate.error(input) == message)
    }

    @Test("Given a screening read and written back, when read again, then nothing is lost")
    func roundTrip() throws {
        let input = try Evaluate.input(#"{"sex": "other", "age": 61, "pregnant": true, "known": ["diabetes", "hypertension"], "cbac": {"tobacco": "daily", "alcohol_daily": true, "waist_cm": 95.5, "activity_150": false, "family_history": true}, "symptoms": ["fits"], "phq2": [0, 2], "bp": [[150, 90], [148, 92]], "glucose": {"type": "post_prandial", "mg_dl": "HI"}, "oral": ["growth"], "breast": "not_done", "via": "deferred", "skip_reasons": {"breast": "privacy", "cervical": "pregnancy"}, "exams": ["oral", "breast"], "height_cm": 160, "weight_kg": 70.2, "pulse_per_min": 88}"#)
        let again = try ScreeningInput.read(JSONField(try JSONParser.parse(input.json.serialized())), protocol: Evaluate.rules)
        #expect(again == input)
    }
}
