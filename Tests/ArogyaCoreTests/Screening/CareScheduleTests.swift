@testable import ArogyaCore
import ArogyaTesting
import Testing

@Suite("Care schedule")
struct CareScheduleTests {
    let rules = Fixtures.nationalProtocol

    func day(_ text: String) -> CivilDate { CivilDate(iso8601: text)! }

    @Test("Given a woman of 45 never screened, when scheduled, then every screening is due from her registration")
    func neverScreened() {
        let due = CareSchedule.due(CareHistory(birthDate: day("1981-05-10"), sex: .female, registeredOn: day("2026-03-01")), protocol: rules)
        #expect(due.items == [.hypertension: day("2026-03-01"), .diabetes: day("2026-03-01"), .oral: day("2026-03-01"),
                              .breast: day("2026-03-01"), .cervical: day("2026-03-01")])
        #expect(due.earliest(.screening) == day("2026-03-01"))
        #expect(due.earliest(.urgent) == nil)
    }

    @Test("Given a man of 25, when scheduled, then his screenings fall due on his 30th birthday and he has no breast or VIA")
    func youngMan() {
        let due = CareSchedule.due(CareHistory(birthDate: day("2001-02-28"), sex: .male, registeredOn: day("2026-01-01")), protocol: rules)
        #expect(due.items == [.hypertension: day("2031-02-28"), .diabetes: day("2031-02-28"), .oral: day("2031-02-28")])
    }

    @Test("Given screenings done, when scheduled, then BP and sugar come due a year later and cancers five years later")
    func intervals() {
        var history = CareHistory(birthDate: day("1962-01-01"), sex: .female, registeredOn: day("2020-01-01"))
        for item in [CareItem.hypertension, .diabetes, .oral, .breast, .cervical] { history.lastDone[item] = day("2026-11-22") }
        let due = CareSchedule.due(history, protocol: rules)
        #expect(due.items[.hypertension] == day("2027-11-22"))
        #expect(due.items[.oral] == day("2031-11-22"))
        #expect(due.items[.breast] == day("2031-11-22"))
        // At 69 on that day, VIA (30–65) is no longer offered.
        #expect(due.items[.cervical] == nil)
    }

    @Test("Given a known hypertensive with a follow-up date, when scheduled, then BP screening gives way to the follow-up")
    func knownCondition() {
        var history = CareHistory(birthDate: day("1960-01-01"), sex: .male, registeredOn: day("2020-01-01"), known: [.hypertension])
        history.followUpOn = day("2026-12-20")
        let due = CareSchedule.due(history, protocol: rules)
        #expect(due.items[.hypertension] == nil)
        #expect(due.items[.followUp] == day("2026-12-20"))
        #expect(due.tier(of: .followUp) == .followUp)
    }

    @Test("Given open referrals, when scheduled, then an urgent one is due the same day in the urgent tier, others after a week")
    func referrals() {
        var history = CareHistory(birthDate: day("1960-01-01"), sex: .male, registeredOn: day("2020-01-01"))
        history.openReferrals = [.init(since: day("2026-11-01"), urgent: false)]
        var due = CareSchedule.due(history, protocol: rules)
        #expect(due.items[.referral] == day("2026-11-08"))
        #expect(due.tier(of: .referral) == .followUp)
        history.openReferrals.append(.init(since: day("2026-11-20"), urgent: true))
        due = CareSchedule.due(history, protocol: rules)
        #expect(due.items[.referral] == day("2026-11-20"))
        #expect(due.earliest(.urgent) == day("2026-11-20"))
    }

    @Test("Given sex other, when scheduled, then only the exams the worker chose are due")
    func otherSex() {
        var history = CareHistory(birthDate: day("1980-01-01"), sex: .other, registeredOn: day("2026-01-01"))
        #expect(CareSchedule.due(history, protocol: rules).items[.oral] == nil)
        history.examsChosen = [.oral]
        #expect(CareSchedule.due(history, protocol: rules).items[.oral] == day("2026-01-01"))
    }

    @Test("Given a birthday on the 29th of February, when the years are added, then the day is the 1st of March in a common year")
    func leapDay() {
        #expect(day("1996-02-29").adding(years: 30) == day("2026-03-01"))
        #expect(day("1996-02-29").adding(years: 28) == day("2024-02-29"))
        #expect(Ages.years(from: day("1996-02-29"), to: day("2026-03-01")) == 30)
        #expect(Ages.years(from: day("1996-02-29"), to: day("2026-02-28")) == 29)
    }

    @Test("Given last BP readings, when control is judged, then below 140/90 within 90 days is controlled", arguments: [
        ("2026-11-01", 139, 89, ControlStatus.controlled), ("2026-11-01", 140, 80, .uncontrolled), ("2026-11-01", 130, 90, .uncontrolled),
        ("2026-08-23", 120, 80, .controlled), ("2026-08-22", 120, 80, .noRecentReading),
    ])
    func control(on: String, systolic: Int, diastolic: Int, status: ControlStatus) {
        #expect(ControlStatus.of(lastReading: (day(on), PressurePair(systolic, diastolic)), today: day("2026-11-21"),
                                 rules: rules.control) == status)
        #expect(ControlStatus.of(lastReading: nil, today: day("2026-11-21"), rules: rules.control) == .noRecentReading)
    }
}
