import ArogyaCore
import Foundation
import GRDB

/// One line of the due list: a patient, how pressing, since when, and everything she is due for today.
public struct DueRow: Hashable, Sendable {
    public let patient: Patient
    public let tier: CareTier
    /// The earliest day of her most pressing tier: "overdue since".
    public let since: CivilDate
    public let items: [DueItem]

    public func daysOverdue(on today: CivilDate) -> Int { max(0, since.days(until: today)) }
}

public struct DueItem: Hashable, Sendable {
    public let item: CareItem
    public let since: CivilDate
}

/// A page of the due list, with how many are due in each tier.
public struct DuePage: Sendable {
    public let rows: [DueRow]
    public let totals: [CareTier: Int]
    public let offset: Int

    public var total: Int { totals.values.reduce(0, +) }
}

/// The care side of a patient's card.
public struct CareSummary: Sendable {
    public let known: Set<KnownCondition>
    /// For a known hypertensive: controlled, not, or no BP in the window.
    public let control: ControlStatus?
    public let lastBloodPressure: (day: CivilDate, mean: PressurePair)?
    /// What falls due and when (past dates are overdue), most pressing first.
    public let due: [DueItem]
    public let openReferrals: [ReferralRecord]
    public let lastScreening: ScreeningSummary?
}

extension AppDatabase {
    /// Patients whose due dates wait to be worked out. Above this many, the work is done in chunks.
    static let careChunk = 500

    /// Works out, with this protocol, the due dates of every patient changed since the last time. When the
    /// protocol differs from the one the stored dates were made with (a new version, another state), every
    /// patient's are made again, once.
    @discardableResult
    public func refreshCare(protocol rules: ScreeningProtocol, progress: (Int, Int) -> Void = { _, _ in }) throws(StoreError) -> Int {
        let rulesStamp = "\(rules.id) \(rules.version)"
        // Most calls find nothing to do: look first without taking the write lock.
        let (stored, waiting) = try read { db in
            (try db.setting(.careRules),
             try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM care_stale)") ?? false)
        }
        guard stored != rulesStamp || waiting else { return 0 }
        let pending = try write { db -> Int in
            if stored != rulesStamp {
                try db.execute(sql: "INSERT OR IGNORE INTO care_stale (patient_pk) SELECT pk FROM patient")
                try db.setSetting(.careRules, to: rulesStamp, at: now)
            }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM care_stale") ?? 0
        }
        guard pending > 0 else { return 0 }
        var done = 0
        // Chunks keep each transaction short, so a terminal saving a screening never waits long behind a rebuild.
        while true {
            let count = try write { db -> Int in
                let pks = try Int64.fetchAll(db, sql: "SELECT patient_pk FROM care_stale ORDER BY patient_pk LIMIT ?",
                                             arguments: [Self.careChunk])
                guard !pks.isEmpty else { return 0 }
                try Self.workOutCare(db, patientPks: pks, rules: rules)
                try db.execute(sql: "DELETE FROM care_stale WHERE patient_pk IN (\(databaseQuestionMarks(count: pks.count)))",
                               arguments: StatementArguments(pks))
                return pks.count
            }
            if count == 0 { break }
            done += count
            // Other terminals' writes may mark more patients while this runs: the total grows with them.
            progress(done, max(pending, done))
        }
        return done
    }

    /// The columns of a visit that the schedule reads (`careHistory`).
    static let careVisitSelection = """
        SELECT patient_id, pk, screened_on, bp_systolic, glucose_type, oral_done, breast_done, cervical_done,
               known, exams_chosen, follow_up_on
        FROM screening
        """

    static func workOutCare(_ db: Database, patientPks: [Int64], rules: ScreeningProtocol) throws {
        let marks = databaseQuestionMarks(count: patientPks.count)
        let patients = try Row.fetchAll(db, sql: """
            SELECT p.pk, p.id, p.sex, p.birth_date, p.status, p.created_at, v.rowid AS village
            FROM patient p LEFT JOIN village v ON v.id = p.village_id
            WHERE p.pk IN (\(marks))
            """, arguments: StatementArguments(patientPks))
        let ids = patients.map { $0["id"] as String }
        var visits: [String: [Row]] = [:]
        var referrals: [String: [Row]] = [:]
        if !ids.isEmpty {
            let idMarks = databaseQuestionMarks(count: ids.count)
            for row in try Row.fetchAll(db, sql: Self.careVisitSelection + " WHERE patient_id IN (\(idMarks)) ORDER BY patient_id, screened_on, pk",
                                        arguments: StatementArguments(ids)) {
                visits[row["patient_id"], default: []].append(row)
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT patient_id, urgent, conditions, referred_on, outcome, outcome_on FROM referral
                WHERE patient_id IN (\(idMarks)) AND withdrawn_on IS NULL
                """, arguments: StatementArguments(ids)) {
                referrals[row["patient_id"], default: []].append(row)
            }
        }
        let delete = try db.cachedStatement(sql: "DELETE FROM care_due WHERE patient_pk = ?")
        let upsert = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO care_due (patient_pk, village, urgent_on, follow_on, screen_on, hypertension_on,
                diabetes_on, oral_on, breast_on, cervical_on, follow_up_on, referral_on, referral_urgent)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for patient in patients {
            let pk: Int64 = patient["pk"]
            guard (patient["status"] as String) == "active",
                  let history = careHistory(patient: patient, visits: visits[patient["id"]] ?? [], referrals: referrals[patient["id"]] ?? [])
            else {
                try delete.execute(arguments: [pk])
                continue
            }
            let due = CareSchedule.due(history, protocol: rules)
            var values: [(any DatabaseValueConvertible)?] = [pk, patient["village"] as Int64?]
            values += CareTier.allCases.map { due.earliest($0)?.daysSince1970 }
            values += CareItem.allCases.map { due.items[$0]?.daysSince1970 }
            values.append(due.referralUrgent)
            try upsert.execute(arguments: StatementArguments(values))
        }
    }

    /// Gathers what the schedule needs from a patient's row, her visits (oldest first) and her referrals.
    static func careHistory(patient: Row, visits: [Row], referrals: [Row]) -> CareHistory? {
        guard let sex = Sex(rawValue: patient["sex"]), let birthDate = CivilDate(iso8601: patient["birth_date"]),
              let registered = Timestamp(iso8601: patient["created_at"]) else { return nil }
        var history = CareHistory(birthDate: birthDate, sex: sex, registeredOn: registered.utcDay)
        for visit in visits {
            guard let day = CivilDate(iso8601: visit["screened_on"]) else { continue }
            if visit["bp_systolic"] as Int? != nil { history.lastDone[.hypertension] = day }
            if visit["glucose_type"] as String? != nil { history.lastDone[.diabetes] = day }
            if visit["oral_done"] as Bool { history.lastDone[.oral] = day }
            if visit["breast_done"] as Bool { history.lastDone[.breast] = day }
            if visit["cervical_done"] as Bool { history.lastDone[.cervical] = day }
        }
        if let latest = visits.last {
            history.known = Set((latest["known"] as String).split(separator: ",").compactMap { KnownCondition(rawValue: String($0)) })
            history.examsChosen = Set((latest["exams_chosen"] as String).split(separator: ",").compactMap { Exam(rawValue: String($0)) })
            history.followUpOn = (latest["follow_up_on"] as String?).flatMap(CivilDate.init(iso8601:))
        }
        for referral in referrals {
            let outcome = (referral["outcome"] as String?).flatMap(ReferralOutcome.init(rawValue:))
            if let outcome, outcome == .confirmed || outcome == .treatmentStarted {
                for topic in (referral["conditions"] as String).split(separator: ",") {
                    if let condition = KnownCondition(rawValue: String(topic)) { history.known.insert(condition) }
                }
            }
            guard outcome?.keepsReferralOpen ?? true,
                  let since = (referral["outcome_on"] as String?).flatMap(CivilDate.init(iso8601:))
                    ?? CivilDate(iso8601: referral["referred_on"]) else { continue }
            history.openReferrals.append(.init(since: since, urgent: referral["urgent"]))
        }
        return history
    }

    // MARK: Reading

    /// A page of patients due on `today`: urgent first, then follow-ups and referrals, then screenings; the
    /// longest overdue first within each. `village` limits it to one village or ward.
    public func dueList(today: CivilDate, village: String? = nil, limit: Int = 50, offset: Int = 0,
                        protocol rules: ScreeningProtocol) throws(StoreError) -> DuePage {
        try refreshCare(protocol: rules)
        return try readWithoutTransaction { db in
            var villageRowid: Int64?
            if let village {
                guard let rowid = try Int64.fetchOne(db, sql: "SELECT rowid FROM village WHERE name = ? COLLATE NOCASE", arguments: [village]) else {
                    throw StoreError.refused(UserMessage(.errorUnknownVillage, ["village": village]))
                }
                villageRowid = rowid
            }
            let day = today.daysSince1970
            var totals: [CareTier: Int] = [:]
            for tier in CareTier.allCases {
                let (condition, arguments) = Self.tierCondition(tier, day: day, village: villageRowid)
                totals[tier] = try Int.fetchOne(db, sql: "SELECT count(*) FROM care_due INDEXED BY \(Self.tierIndex(tier)) WHERE \(condition)",
                                                arguments: arguments) ?? 0
            }
            // Walk the tiers in order, skipping whole tiers that lie before the page.
            var skip = offset
            var wanted = limit
            var picked: [(pk: Int64, tier: CareTier, row: Row)] = []
            for tier in CareTier.allCases where wanted > 0 {
                let count = totals[tier] ?? 0
                if skip >= count { skip -= count; continue }
                let (condition, arguments) = Self.tierCondition(tier, day: day, village: villageRowid)
                let column = Self.tierColumn(tier)
                let rows = try Row.fetchAll(db, sql: """
                    SELECT * FROM care_due INDEXED BY \(Self.tierIndex(tier)) WHERE \(condition)
                    ORDER BY \(column), patient_pk LIMIT ? OFFSET ?
                    """, arguments: arguments + [wanted, skip])
                picked += rows.map { ($0["patient_pk"], tier, $0) }
                wanted -= rows.count
                skip = 0
            }
            let patients = try Self.patientsByPk(db, picked.map(\.pk))
            let rows = picked.compactMap { entry -> DueRow? in
                guard let patient = patients[entry.pk] else { return nil }
                let due = Self.careDue(entry.row)
                let items = due.due(on: today).map { DueItem(item: $0.item, since: $0.since) }
                let since = due.earliest(entry.tier) ?? today
                return DueRow(patient: patient, tier: entry.tier, since: since, items: items)
            }
            return DuePage(rows: rows, totals: totals, offset: offset)
        }
    }

    /// The care part of a patient's card: known conditions, BP control, what is due, open referrals.
    public func careSummary(patientId: String, today: CivilDate, protocol rules: ScreeningProtocol) throws(StoreError) -> CareSummary {
        try refreshCare(protocol: rules)
        return try read { db in
            guard let pk = try Int64.fetchOne(db, sql: "SELECT pk FROM patient WHERE id = ?", arguments: [patientId]) else {
                throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": patientId]))
            }
            let patient = try Row.fetchOne(db, sql: """
                SELECT p.pk, p.id, p.sex, p.birth_date, p.status, p.created_at FROM patient p WHERE p.pk = ?
                """, arguments: [pk])!
            let visits = try Row.fetchAll(db, sql: Self.careVisitSelection + " WHERE patient_id = ? ORDER BY screened_on, pk",
                                          arguments: [patientId])
            let referralRows = try Row.fetchAll(db, sql: "SELECT * FROM referral WHERE patient_id = ? AND withdrawn_on IS NULL", arguments: [patientId])
            let history = Self.careHistory(patient: patient, visits: visits, referrals: referralRows)
            let lastBP = try Row.fetchOne(db, sql: """
                SELECT screened_on, bp_systolic, bp_diastolic FROM screening
                WHERE patient_id = ? AND bp_systolic IS NOT NULL ORDER BY screened_on DESC, pk DESC LIMIT 1
                """, arguments: [patientId]).map { row in
                (day: CivilDate(iso8601: row["screened_on"])!, mean: PressurePair(row["bp_systolic"], row["bp_diastolic"]))
            }
            let known = history?.known ?? []
            let control = known.contains(.hypertension) ? ControlStatus.of(lastReading: lastBP, today: today, rules: rules.control) : nil
            let dueRow = try Row.fetchOne(db, sql: "SELECT * FROM care_due WHERE patient_pk = ?", arguments: [pk])
            let due = dueRow.map(Self.careDue) ?? CareDue()
            let items = due.items.map { DueItem(item: $0.key, since: $0.value) }
                .sorted { ($0.since, $0.item) < ($1.since, $1.item) }
            let referrals = try Self.referrals(db, where: "patient_id = ? AND withdrawn_on IS NULL", [patientId])
                .filter(\.isOpen)
                .sorted { ($0.urgent ? 0 : 1, $0.referredOn) < ($1.urgent ? 0 : 1, $1.referredOn) }
            let last = try Self.screeningSummaries(db, where: "s.patient_id = ? ORDER BY s.screened_on DESC, s.pk DESC LIMIT 1", [patientId]).first
            return CareSummary(known: known, control: control, lastBloodPressure: lastBP, due: items,
                               openReferrals: referrals, lastScreening: last)
        }
    }

    // MARK: Helpers

    static func careDue(_ row: Row) -> CareDue {
        var due = CareDue(referralUrgent: row["referral_urgent"])
        for item in CareItem.allCases {
            if let day = row[item.rawValue + "_on"] as Int? { due.items[item] = CivilDate(daysSince1970: day) }
        }
        return due
    }

    static func tierColumn(_ tier: CareTier) -> String {
        switch tier {
        case .urgent: return "urgent_on"
        case .followUp: return "follow_on"
        case .screening: return "screen_on"
        }
    }

    static func tierIndex(_ tier: CareTier) -> String {
        switch tier {
        case .urgent: return "care_due_urgent"
        case .followUp: return "care_due_follow"
        case .screening: return "care_due_screen"
        }
    }

    /// A patient appears once, in her most pressing tier due today.
    static func tierCondition(_ tier: CareTier, day: Int, village: Int64?) -> (String, StatementArguments) {
        var clauses = ["\(tierColumn(tier)) <= ?"]
        var arguments: StatementArguments = [day]
        for earlier in CareTier.allCases where earlier < tier {
            clauses.append("(\(tierColumn(earlier)) IS NULL OR \(tierColumn(earlier)) > ?)")
            arguments += [day]
        }
        if let village {
            clauses.append("village = ?")
            arguments += [village]
        }
        return (clauses.joined(separator: " AND "), arguments)
    }

    static func patientsByPk(_ db: Database, _ pks: [Int64]) throws -> [Int64: Patient] {
        guard !pks.isEmpty else { return [:] }
        var result: [Int64: Patient] = [:]
        for row in try Row.fetchAll(db, sql: PatientRecords.selection + " WHERE p.pk IN (\(databaseQuestionMarks(count: pks.count)))",
                                    arguments: StatementArguments(pks)) {
            result[row["pk"]] = try PatientRecords.patient(from: row)
        }
        return result
    }
}
