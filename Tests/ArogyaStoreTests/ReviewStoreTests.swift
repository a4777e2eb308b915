@testable import ArogyaStore
import ArogyaCore
import ArogyaTesting
import GRDB
import Testing

@Suite("A supervisor's review of screenings, send-back and correction, in the store")
struct ReviewStoreTests {
    let rules = Fixtures.nationalProtocol
    let text = ScreeningReasonText(strings: Fixtures.strings, protocol: Fixtures.nationalProtocol)
    let today = CivilDate(year: 2026, month: 11, day: 22)!
    /// Raised BP and sugar: referred to the MO at the PHC.
    static let raised = #"{"sex": "female", "age": 50, "bp": [[150, 96], [154, 96]], "glucose": {"type": "random", "mg_dl": 212}}"#
    static let normal = #"{"sex": "female", "age": 50, "bp": [[124, 80], [122, 78]], "glucose": {"type": "random", "mg_dl": 110}}"#

    func screened(_ store: AppDatabase, by worker: String = "asha", _ json: String = Self.raised) throws -> (Patient, SavedScreening) {
        let details = PatientDetails(name: "Sita Devi", nameAlt: nil, sex: .female, birthDate: CivilDate(iso8601: "1976-03-10")!,
                                     birthDateEstimated: false, mobile: nil, village: "Rampur", household: nil, abhaNumber: nil,
                                     abhaAddress: nil, mrn: nil, consent: Consent(given: true, method: .verbal, date: today))
        guard case .registered(let patient) = try store.registerPatient(details, confirmedNew: true, today: today, by: .account(worker)) else {
            throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": "Sita"]))
        }
        return (patient, try store.recordScreening(visit(patient, json), reasonText: text, by: .account(worker)))
    }

    func visit(_ patient: Patient, _ json: String) throws -> ScreeningVisit {
        ScreeningVisit(patientId: patient.id, kind: .screening, day: today,
                       input: try ScreeningInput.read(JSONField(try JSONParser.parse(json)), protocol: rules))
    }

    @Test("Given a worker's screening, when her supervisor marks it reviewed with a comment, then the register shows it reviewed and the review waits for upload, audited")
    func reviewed() throws {
        let store = try Fixtures.setUpStore()
        let (_, saved) = try screened(store)
        let review = try store.reviewScreening(saved.summary.id, action: .reviewed, comment: "  BP well taken\u{1B}[2J ", by: .account("priya"))
        #expect(review.comment == "BP well taken")
        let entry = try #require(try store.dailyRegister(day: today).first)
        #expect(entry.review.state == .reviewed)
        #expect(entry.review.reviews.map(\.reviewedBy) == ["priya"])
        #expect(try store.pendingUploadCountsByType()["review"] == 1)
        let audit = try #require(try store.recentAudit(limit: 1).first)
        #expect(audit.action == "review.record" && audit.actor == "priya" && audit.recordType == "review")
    }

    @Test("Given a worker's screening, when the worker herself or a supervisor reviewing her own tries, then each is refused and nothing is written")
    func whoMayReview() throws {
        let store = try Fixtures.setUpStore()
        let (_, hers) = try screened(store)
        let before = try store.pendingUploadCount()
        #expect(throws: StoreError.refused(UserMessage(.errorSupervisorOnly))) {
            try store.reviewScreening(hers.summary.id, action: .reviewed, by: .account("asha"))
        }
        #expect(throws: StoreError.refused(UserMessage(.errorSupervisorOnly))) {
            try store.reviewScreening(hers.summary.id, action: .reviewed, by: .commandLine(unixUser: "root"))
        }
        let (_, own) = try screened(store, by: "priya")
        #expect(throws: StoreError.refused(UserMessage(.errorReviewOwnScreening))) {
            try store.reviewScreening(own.summary.id, action: .sentBack, reason: "check BP", by: .account("priya"))
        }
        #expect(throws: StoreError.refused(UserMessage(.errorReviewReasonMissing))) {
            try store.reviewScreening(hers.summary.id, action: .sentBack, reason: " \u{7} ", by: .account("priya"))
        }
        #expect(try store.pendingUploadCount() == before + 3)  // priya's patient, screening and referral only
        #expect(try store.reviewHistory(screeningId: hers.summary.id).isEmpty)
    }

    @Test("Given a screening sent back, when the worker corrects it, then it is judged again as version 2, the old version is kept, its referral withdrawn, and it returns as corrected")
    func sendBackAndCorrect() throws {
        let store = try Fixtures.setUpStore()
        let (sita, saved) = try screened(store)
        #expect(saved.referrals.map(\.place) == ["mo_phc"])
        let sendBack = try store.reviewScreening(saved.summary.id, action: .sentBack, reason: "BP typed twice as 150?", by: .account("priya"))
        #expect(try store.dailyRegister(day: today).first?.review.state == .sentBack)
        let waiting = try store.sentBack(to: "asha")
        #expect(waiting.map(\.screening.id) == [saved.summary.id])
        #expect(waiting.first?.review.reason == "BP typed twice as 150?")
        #expect(try store.sentBack(to: "priya").isEmpty)

        let corrected = try store.correctScreening(saved.summary.id, with: try visit(sita, Self.normal), reasonText: text, by: .account("asha"))
        #expect(corrected.summary.id == saved.summary.id)
        #expect(corrected.summary.bloodPressure == PressurePair(123, 79))
        #expect(!corrected.summary.refer && corrected.referrals.isEmpty)
        #expect(corrected.summary.recordedBy == "asha")
        let history = try store.reviewHistory(screeningId: saved.summary.id)
        #expect(history.state == .corrected && history.answeredReview == sendBack.id)
        #expect(try store.sentBack(to: "asha").isEmpty)
        #expect(try store.referrals(patientId: sita.id).isEmpty)
        #expect(try store.careSummary(patientId: sita.id, today: today, protocol: rules).openReferrals.isEmpty)
        try store.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT version FROM screening WHERE id = ?", arguments: [saved.summary.id]) == 2)
            let kept = try #require(try String.fetchOne(db, sql: "SELECT payload FROM screening_history WHERE screening_id = ? AND version = 1",
                                                        arguments: [saved.summary.id]))
            #expect(try JSONParser.parse(kept)["bp_systolic"] == .number(152))
            let withdrawn = try Row.fetchOne(db, sql: "SELECT withdrawn_on, version FROM referral WHERE screening_id = ?", arguments: [saved.summary.id])
            #expect(withdrawn?["withdrawn_on"] == today.iso8601 && withdrawn?["version"] == 2)
        }
        let versions = try store.waitingVersions("screening")
        #expect(versions[saved.summary.id] == [2])

        try store.reviewScreening(saved.summary.id, action: .reviewed, by: .account("priya"))
        #expect(try store.reviewHistory(screeningId: saved.summary.id).state == .reviewed)
    }

    @Test("Given a screening that was not sent back, or a correction naming another patient, when it is corrected, then it is refused")
    func correctionRefused() throws {
        let store = try Fixtures.setUpStore()
        let (sita, saved) = try screened(store)
        #expect(throws: StoreError.refused(UserMessage(.errorCorrectionNotSentBack))) {
            try store.correctScreening(saved.summary.id, with: try visit(sita, Self.normal), reasonText: text, by: .account("asha"))
        }
        try store.reviewScreening(saved.summary.id, action: .sentBack, reason: "glucose?", by: .account("priya"))
        var other = try visit(sita, Self.normal)
        other.patientId = "someone-else"
        #expect(throws: StoreError.refused(UserMessage(.errorCorrectionOtherPatient))) {
            try store.correctScreening(saved.summary.id, with: other, reasonText: text, by: .account("asha"))
        }
        #expect(throws: StoreError.refused(UserMessage(.errorUnknownScreening, ["id": "nope"]))) {
            try store.correctScreening("nope", with: try visit(sita, Self.normal), reasonText: text, by: .account("asha"))
        }
    }

    @Test("Given a corrected screening sent back again, when a comment follows, then the state stays sent back until the second correction")
    func secondSendBack() throws {
        let store = try Fixtures.setUpStore()
        let (sita, saved) = try screened(store)
        try store.reviewScreening(saved.summary.id, action: .sentBack, reason: "first", by: .account("priya"))
        _ = try store.correctScreening(saved.summary.id, with: try visit(sita, Self.normal), reasonText: text, by: .account("asha"))
        try store.reviewScreening(saved.summary.id, action: .sentBack, reason: "second", by: .account("priya"))
        try store.reviewScreening(saved.summary.id, action: .comment, comment: "call me", by: .account("priya"))
        #expect(try store.reviewHistory(screeningId: saved.summary.id).state == .sentBack)
        #expect(try store.sentBack(to: "asha").first?.review.reason == "second")
        _ = try store.correctScreening(saved.summary.id, with: try visit(sita, Self.raised), reasonText: text, by: .account("asha"))
        #expect(try store.reviewHistory(screeningId: saved.summary.id).state == .corrected)
        #expect(try store.referrals(patientId: sita.id).map(\.place) == ["mo_phc"])
    }
}

@Suite("The rules a review record is judged by wherever it is written")
struct ReviewRecordRulesTests {
    let rules = RecordRules(strings: Fixtures.strings, protocols: Fixtures.protocolLibrary, today: CivilDate(year: 2026, month: 11, day: 22)!)

    func payload(_ members: [(String, JSONValue)]) -> JSONValue {
        .object([("screening_id", .string("0190a0b0-0000-7000-8000-000000000001")), ("patient_id", .string("0190a0b0-0000-7000-8000-000000000002")),
                 ("reviewed_by", .string("priya")), ("created_at", .string("2026-11-22T10:00:00.000Z")),
                 ("updated_at", .string("2026-11-22T10:00:00.000Z"))] + members)
    }

    @Test("Given review payloads, when checked, then a send-back needs its reason, a reason goes only with a send-back, and an unknown action is named")
    func shapes() throws {
        let id = "0190a0b0-0000-7000-8000-000000000003"
        _ = try rules.check(type: .review, id: id, payload: payload([("action", .string("reviewed")), ("comment", .string("fine"))]))
        _ = try rules.check(type: .review, id: id, payload: payload([("action", .string("sent_back")), ("reason", .string("BP?"))]))
        #expect(throws: RecordProblem.self) { try rules.check(type: .review, id: id, payload: payload([("action", .string("sent_back"))])) }
        #expect(throws: RecordProblem.self) {
            try rules.check(type: .review, id: id, payload: payload([("action", .string("reviewed")), ("reason", .string("x"))]))
        }
        #expect(throws: RecordProblem.self) { try rules.check(type: .review, id: id, payload: payload([("action", .string("approved"))])) }
    }
}
