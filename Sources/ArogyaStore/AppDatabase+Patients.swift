import ArogyaCore
import GRDB

/// A patient who may be the one being registered, and why.
public struct DuplicateCandidate: Hashable, Sendable {
    public let patient: Patient
    /// "same mobile", "similar name (Malini / Malani), age 44 vs 45, same village"…
    public let reasons: [UserMessage]
    /// The same ABHA number or address: she cannot be registered again, even when confirmed.
    public let isHardStop: Bool
}

public enum RegistrationOutcome: Hashable, Sendable {
    case registered(Patient)
    /// Nothing was saved: these patients may be the same person (or, for a hard stop, are).
    case possibleDuplicates([DuplicateCandidate])
}

extension AppDatabase {
    /// Years either side within which a similar name in the same village is taken for the same person.
    static let duplicateAgeWindow = 3
    /// Similar names shown at most, the closest in age first.
    static let duplicateLimit = 20

    public func patient(id: String) throws(StoreError) -> Patient? {
        try read { db in try Self.loadPatient(db, id: id) }
    }

    static func loadPatient(_ db: Database, id: String) throws -> Patient? {
        // From the cursor's row, whose columns are found by name without lowercasing each (see screeningSummaries).
        try Row.fetchCursor(db.cachedStatement(sql: PatientRecords.selection + " WHERE p.id = ?"), arguments: [id])
            .map(PatientRecords.patient(from:)).next()
    }

    /// Patients who may be the one described: the same ABHA number or address (a hard stop), the same
    /// mobile or MRN, or a name that sounds the same in the same village with an age within three years.
    public func duplicateCandidates(for details: PatientDetails, excluding id: String? = nil,
                                    today: CivilDate) throws(StoreError) -> [DuplicateCandidate] {
        try read { db in try Self.findDuplicates(db, details: details, excluding: id, today: today) }
    }

    /// The name of hers that is like the new one: her name, or the name in her other script when that is
    /// the one alike ("Malini / Malani", never "मालिनी / Malani" when she was registered in both).
    static func similarName(_ patient: Patient, to details: PatientDetails) -> String {
        let new = [NameKey.words(details.name), NameKey.words(details.nameAlt ?? "")].filter { !$0.isEmpty }
        let sameScript = [patient.name, patient.nameAlt].compactMap { $0 }.first { Devanagari.contains($0) == Devanagari.contains(details.name) }
        if let sameScript, new.contains(where: { NameSimilarity.isSimilar(NameKey.words(sameScript), $0) }) { return sameScript }
        return patient.name
    }

    static func findDuplicates(_ db: Database, details: PatientDetails, excluding id: String?, today: CivilDate) throws -> [DuplicateCandidate] {
        var reasons: [String: (Patient, [UserMessage], Bool)] = [:]
        var order: [String] = []
        func note(_ rows: [Row], _ reason: (Patient) -> UserMessage, hardStop: Bool) throws {
            for row in rows {
                let patient = try PatientRecords.patient(from: row)
                guard patient.id != id, patient.status.code != "merged" else { continue }
                if reasons[patient.id] == nil { order.append(patient.id) }
                var entry = reasons[patient.id] ?? (patient, [], false)
                entry.1.append(reason(patient))
                entry.2 = entry.2 || hardStop
                reasons[patient.id] = entry
            }
        }
        let select = PatientRecords.selection
        if let abhaNumber = details.abhaNumber {
            try note(Row.fetchAll(db, sql: select + " WHERE p.abha_number = ?", arguments: [abhaNumber]),
                     { _ in UserMessage(.duplicateSameAbhaNumber) }, hardStop: true)
        }
        if let abhaAddress = details.abhaAddress {
            try note(Row.fetchAll(db, sql: select + " WHERE p.abha_address = ?", arguments: [abhaAddress]),
                     { _ in UserMessage(.duplicateSameAbhaAddress) }, hardStop: true)
        }
        if let mobile = details.mobile {
            try note(Row.fetchAll(db, sql: select + " WHERE p.mobile_reversed = ?", arguments: [String(mobile.reversed())]),
                     { _ in UserMessage(.duplicateSameMobile) }, hardStop: false)
        }
        if let mrn = details.mrn {
            try note(Row.fetchAll(db, sql: select + " WHERE p.mrn = ?", arguments: [mrn]),
                     { _ in UserMessage(.duplicateSameMrn) }, hardStop: false)
        }
        // A name that sounds the same, in the same village, born within a few years: read on the light
        // columns first (a dense village has thousands in the window), whole records only for the similar.
        let sameVillage = try details.village.flatMap { try Self.villageId(db, named: $0) }
        let newNames = [NameKey.words(details.name), NameKey.words(details.nameAlt ?? "")].filter { !$0.isEmpty }
        if !newNames.isEmpty {
            let earliest = details.birthDate.adding(days: -(duplicateAgeWindow * 366)).iso8601
            let latest = details.birthDate.adding(days: duplicateAgeWindow * 366).iso8601
            let newAge = Ages.years(from: details.birthDate, to: today)
            var similarIds: [(id: String, ageGap: Int)] = []
            // A dense village has tens of thousands in the age window: only those whose stored terms hold
            // the key or skeleton of one of the new first names (or of two words joined) have their names
            // read again, which is what costs.
            let firstTerms = Set(newNames.flatMap(NameSimilarity.readings).compactMap(\.first).flatMap { word -> [String] in
                var terms = ["0" + word.key, "3" + word.key]
                if word.skeleton.count >= 2 { terms += ["1" + word.skeleton, "4" + word.skeleton] }
                return terms
            })
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, name, name_alt, birth_date, search_terms FROM patient
                WHERE village_id IS ? AND birth_date BETWEEN ? AND ? AND status != 'merged'
                """, arguments: [sameVillage, earliest, latest])
            while let row = try rows.next() {
                let terms: String = row["search_terms"]
                guard terms.split(separator: " ").contains(where: { firstTerms.contains(String($0)) }) else { continue }
                let names = [NameKey.words(row["name"]), NameKey.words(row["name_alt"] ?? "")].filter { !$0.isEmpty }
                guard names.contains(where: { existing in newNames.contains { NameSimilarity.isSimilar(existing, $0) } }),
                      let born = CivilDate(iso8601: row["birth_date"]) else { continue }
                let gap = abs(Ages.years(from: born, to: today) - newAge)
                if gap <= duplicateAgeWindow { similarIds.append((row["id"], gap)) }
            }
            let closest = similarIds.sorted { $0.ageGap < $1.ageGap }.prefix(duplicateLimit)
            let similar = try closest.compactMap { try Row.fetchOne(db, sql: select + " WHERE p.id = ?", arguments: [$0.id]) }
            try note(similar, { patient in
                UserMessage(sameVillage == nil ? .duplicateSimilarNameNoVillage : .duplicateSimilarName,
                            ["age": String(patient.age(on: today)), "new_age": String(newAge),
                             "name": Self.similarName(patient, to: details), "new_name": details.name])
            }, hardStop: false)
        }
        return order.compactMap { reasons[$0] }.map { DuplicateCandidate(patient: $0.0, reasons: $0.1, isHardStop: $0.2) }
    }

    /// Registers a patient after the duplicate check. Likely duplicates stop the registration unless
    /// `confirmedNew`; the same ABHA number or address always does. Nothing is half-saved: the patient, a
    /// new village, the search index, the audit row and the outbox row are one transaction.
    public func registerPatient(_ details: PatientDetails, confirmedNew: Bool, today: CivilDate,
                                by actor: AuditActor) throws(StoreError) -> RegistrationOutcome {
        do { try PatientRules.check(details, today: today) } catch { throw .refused(error) }
        return try write { db in
            let candidates = try Self.findDuplicates(db, details: details, excluding: nil, today: today)
            let blocking = candidates.filter { $0.isHardStop || !confirmedNew }
            if !blocking.isEmpty { return .possibleDuplicates(blocking) }
            let time = now
            let id = UUIDv7.string(at: time)
            let villageId = try resolveVillage(db, named: details.village, by: actor, at: time)
            let columns = ["id"] + PatientRecords.writtenColumns + ["last_seen_at", "created_at", "updated_at"]
            let terms = PatientSearchIndex.terms(name: details.name, nameAlt: details.nameAlt)
            let values: [(any DatabaseValueConvertible)?] = [id] + PatientRecords.values(details, villageId: villageId, terms: terms) + [time, time, time]
            try db.execute(sql: "INSERT INTO patient (\(columns.joined(separator: ", "))) VALUES (\(databaseQuestionMarks(count: columns.count)))",
                           arguments: StatementArguments(values))
            let pk = db.lastInsertedRowID
            try PatientSearchIndex.insert(db, rowid: pk, terms: terms)
            try db.markCareStale(patientPk: pk)
            // The record itself is version 1 of what was registered; the audit keeps who did it and whether
            // likely duplicates were overridden, without a second copy of the patient's details.
            let detail = candidates.isEmpty ? nil : ["confirmed_new_despite": candidates.map(\.patient.id).joined(separator: ",")]
            try db.appendAudit(.patientRegistered, by: actor, at: time, subject: .patient, recordId: id, detail: detail)
            try db.enqueueForSync(.patient, recordId: id, version: 1, at: time)
            return .registered(try Self.loadPatient(db, id: id)!)
        }
    }

    /// Saves an edit: a new version, the search index brought up to date, audited with what changed, and
    /// queued. The ABHA number and address still may not belong to anyone else.
    @discardableResult
    public func updatePatient(id: String, _ details: PatientDetails, by actor: AuditActor) throws(StoreError) -> Patient {
        do { try PatientRules.check(details, today: LocalTime(now).date) } catch { throw .refused(error) }
        return try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM patient WHERE id = ?", arguments: [id]) else {
                throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": id]))
            }
            if let other = try Self.findDuplicates(db, details: details, excluding: id, today: now.utcDay).first(where: \.isHardStop) {
                throw StoreError.refused(UserMessage(.errorAbhaTaken, ["name": other.patient.name, "id": other.patient.id]))
            }
            let before = try PatientRecords.patient(from: try Row.fetchOne(db, sql: PatientRecords.selection + " WHERE p.id = ?", arguments: [id])!)
            let time = now
            let villageId = try resolveVillage(db, named: details.village, by: actor, at: time)
            let newTerms = PatientSearchIndex.terms(name: details.name, nameAlt: details.nameAlt)
            let assignments = PatientRecords.writtenColumns.map { "\($0) = ?" }.joined(separator: ", ")
            try db.execute(sql: "UPDATE patient SET \(assignments), updated_at = ?, version = version + 1 WHERE id = ?",
                           arguments: StatementArguments(PatientRecords.values(details, villageId: villageId, terms: newTerms) + [time, id]))
            let pk: Int64 = row["pk"]
            let oldTerms: String = row["search_terms"]
            if oldTerms != newTerms {
                try PatientSearchIndex.delete(db, rowid: pk, terms: oldTerms)
                try PatientSearchIndex.insert(db, rowid: pk, terms: newTerms)
            }
            // A new birth date or sex changes what she is due for.
            try db.markCareStale(patientPk: pk)
            let old = PatientRecords.auditFields(PatientDetails(patient: before), villageName: before.village?.name)
            let new = PatientRecords.auditFields(details, villageName: details.village)
            var changes: [String: String] = [:]
            for key in Set(old.keys).union(new.keys) where old[key] != new[key] {
                changes[key] = (old[key] ?? "") + " → " + (new[key] ?? "")
            }
            try db.appendAudit(.patientUpdated, by: actor, at: time, subject: .patient, recordId: id, detail: changes)
            try db.enqueueForSync(.patient, recordId: id, version: before.version + 1, at: time)
            return try Self.loadPatient(db, id: id)!
        }
    }

    /// Marks a patient deceased or moved away (on a date), or active again after a mistake. She leaves the
    /// due lists but stays findable.
    @discardableResult
    public func markPatient(id: String, as status: PatientStatus, reason: String? = nil, by actor: AuditActor) throws(StoreError) -> Patient {
        try write { db in
            guard let patient = try Self.loadPatient(db, id: id) else { throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": id])) }
            if case .merged = patient.status { throw StoreError.refused(UserMessage(.errorPatientMerged)) }
            let date: String?
            switch status {
            case .deceased(let day), .moved(let day): date = day.iso8601
            case .active: date = nil
            case .merged: throw StoreError.refused(UserMessage(.errorPatientMerged))
            }
            let time = now
            try db.execute(sql: "UPDATE patient SET status = ?, status_date = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                           arguments: [status.code, date, time, id])
            try db.markCareStale(patientId: id)
            var detail = ["status": status.code]
            detail["date"] = date
            detail["reason"] = reason
            try db.appendAudit(.patientMarked, by: actor, at: time, subject: .patient, recordId: id, detail: detail)
            try db.enqueueForSync(.patient, recordId: id, version: patient.version + 1, at: time)
            return try Self.loadPatient(db, id: id)!
        }
    }

    /// Merges two records of one person. The kept record takes every identifier it lacks from the other
    /// and its screenings and referrals; the other becomes a pointer to the kept one, which search and sync
    /// follow. Always with a reason, audited on both.
    @discardableResult
    public func mergePatients(keep keepId: String, other otherId: String, reason: String, by actor: AuditActor) throws(StoreError) -> Patient {
        try write { db in
            guard keepId != otherId else { throw StoreError.refused(UserMessage(.errorMergeSame)) }
            guard let keep = try Self.loadPatient(db, id: keepId) else { throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": keepId])) }
            guard let other = try Self.loadPatient(db, id: otherId) else { throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": otherId])) }
            if case .merged = keep.status { throw StoreError.refused(UserMessage(.errorPatientMerged)) }
            if case .merged = other.status { throw StoreError.refused(UserMessage(.errorPatientMerged)) }
            if let a = keep.abhaNumber, let b = other.abhaNumber, a != b { throw StoreError.refused(UserMessage(.errorMergeDifferentAbha)) }
            let time = now
            // The name in the other script: the other record's alternate name, or its name when that is in the
            // script the kept name is not.
            let alternate = keep.nameAlt ?? [other.nameAlt, other.name].compactMap { $0 }
                .first { Devanagari.contains($0) != Devanagari.contains(keep.name) }
            // Identifiers the kept record lacks come from the other; none of the kept record's is lost.
            try db.execute(sql: """
                UPDATE patient SET
                    name_alt = coalesce(name_alt, ?), mobile = coalesce(mobile, ?), mobile_reversed = coalesce(mobile_reversed, ?),
                    household = coalesce(household, ?), abha_number = coalesce(abha_number, ?),
                    abha_address = coalesce(abha_address, ?), mrn = coalesce(mrn, ?), village_id = coalesce(village_id, ?),
                    last_seen_at = max(coalesce(last_seen_at, ''), coalesce(?, '')),
                    updated_at = ?, version = version + 1
                WHERE id = ?
                """, arguments: [alternate, other.mobile, other.mobile.map { String($0.reversed()) }, other.household,
                                 other.abhaNumber, other.abhaAddress, other.mrn, other.village?.id, other.lastSeenAt, time, keepId])
            if keep.nameAlt == nil, let alternate {
                let row = try Row.fetchOne(db, sql: "SELECT pk, search_terms FROM patient WHERE id = ?", arguments: [keepId])!
                let terms = PatientSearchIndex.terms(name: keep.name, nameAlt: alternate)
                try PatientSearchIndex.delete(db, rowid: row["pk"], terms: row["search_terms"])
                try db.execute(sql: "UPDATE patient SET search_terms = ? WHERE pk = ?", arguments: [terms, row["pk"] as Int64])
                try PatientSearchIndex.insert(db, rowid: row["pk"], terms: terms)
            }
            try db.execute(sql: "UPDATE patient SET status = 'merged', merged_into = ?, status_date = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                           arguments: [keepId, time.utcDay.iso8601, time, otherId])
            try db.moveCareRecords(from: otherId, to: keepId, by: actor, at: time)
            try db.markCareStale(patientId: keepId)
            try db.markCareStale(patientId: otherId)
            let detail = ["kept": keepId, "merged": otherId, "reason": reason]
            try db.appendAudit(.patientMerged, by: actor, at: time, subject: .patient, recordId: keepId, detail: detail)
            try db.appendAudit(.patientMerged, by: actor, at: time, subject: .patient, recordId: otherId, detail: detail)
            try db.enqueueForSync(.patient, recordId: keepId, version: keep.version + 1, at: time)
            try db.enqueueForSync(.patient, recordId: otherId, version: other.version + 1, at: time)
            return try Self.loadPatient(db, id: keepId)!
        }
    }

    /// The id of the active village with this name, or nil.
    static func villageId(_ db: Database, named name: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM village WHERE name = ? COLLATE NOCASE AND active = 1"), arguments: [name])
    }

    /// The id of the named village, adding it to the facility's list when it is new (a hamlet the
    /// worker found that the list did not have).
    func resolveVillage(_ db: Database, named name: String?, by actor: AuditActor, at time: Timestamp) throws -> String? {
        guard let name else { return nil }
        if let id = try Self.villageId(db, named: name) { return id }
        if let inactive = try String.fetchOne(db, sql: "SELECT id FROM village WHERE name = ? COLLATE NOCASE", arguments: [name]) {
            try db.execute(sql: "UPDATE village SET active = 1, updated_at = ?, version = version + 1 WHERE id = ?", arguments: [time, inactive])
            return inactive
        }
        let id = UUIDv7.string(at: time)
        let position = (try Int.fetchOne(db, sql: "SELECT max(position) + 1 FROM village")) ?? 0
        try db.execute(sql: "INSERT INTO village (id, name, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [id, name, position, time, time])
        try db.appendAudit(.villageAdded, by: actor, at: time, subject: .village, recordId: id, detail: ["name": name])
        return id
    }
}

extension PatientDetails {
    /// The details of a stored patient, to edit them.
    public init(patient: Patient) {
        self.init(name: patient.name, nameAlt: patient.nameAlt, sex: patient.sex, birthDate: patient.birthDate,
                  birthDateEstimated: patient.birthDateEstimated, mobile: patient.mobile, village: patient.village?.name,
                  household: patient.household, abhaNumber: patient.abhaNumber, abhaAddress: patient.abhaAddress,
                  mrn: patient.mrn, consent: patient.consent)
    }
}
