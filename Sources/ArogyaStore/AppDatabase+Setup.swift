import ArogyaCore
import GRDB

extension AppDatabase {
    /// Whether the first-run setup has been done.
    public func isSetUp() throws(StoreError) -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM facility)") ?? false }
    }

    /// The first-run setup: the facility, its villages, default settings and the first supervisor, in one
    /// transaction. Refused when the database is already set up.
    @discardableResult
    public func completeSetup(_ setup: FacilitySetup, by actor: AuditActor) throws(StoreError) -> (Facility, Account) {
        // Hashing is slow on purpose: do it before taking the write lock.
        let pinHash = pinHasher.hash(setup.supervisor.pin)
        return try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM facility)") != true else {
                throw StoreError.refused(UserMessage(.errorAlreadySetUp))
            }
            let time = now
            let facilityId = UUIDv7.string(at: time)
            try db.execute(
                sql: """
                    INSERT INTO facility (id, name, hfr_id, state_code, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [facilityId, setup.facilityName, setup.hfrId, setup.state?.code, time, time])
            try db.appendAudit(.facilitySetUp, by: actor, at: time, subject: .facility, recordId: facilityId,
                               detail: ["name": setup.facilityName, "hfr_id": setup.hfrId ?? "", "state": setup.state?.code ?? ""])
            try db.enqueueForSync(.facility, recordId: facilityId, version: 1, at: time)
            try replaceVillages(db, with: setup.villages, by: actor, at: time)
            try db.setSetting(.defaultLanguage, to: setup.language.rawValue, at: time)
            let account = try insertAccount(db, setup.supervisor, pinHash: pinHash, mustChangePin: false, by: actor, at: time)
            return (try loadFacility(db)!, account)
        }
    }

    /// The facility with its active villages, or nil before setup.
    public func facility() throws(StoreError) -> Facility? {
        try read { db in try loadFacility(db) }
    }

    func loadFacility(_ db: Database) throws -> Facility? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM facility") else { return nil }
        let villages = try Row.fetchAll(db, sql: "SELECT id, name FROM village WHERE active = 1 ORDER BY position")
            .map { Village(id: $0["id"], name: $0["name"]) }
        let stateCode: String? = row["state_code"]
        return Facility(id: row["id"], name: row["name"], hfrId: row["hfr_id"],
                        state: stateCode.flatMap(IndianState.init(code:)), villages: villages, version: row["version"])
    }

    /// Makes the active villages exactly `names`, in that order. A village no longer listed is
    /// deactivated, never deleted, and one listed again comes back with its old id.
    func replaceVillages(_ db: Database, with names: [String], by actor: AuditActor, at time: Timestamp) throws {
        let existing = try Row.fetchAll(db, sql: "SELECT id, name, position, active FROM village")
        var byName: [String: Row] = [:]
        for row in existing { byName[(row["name"] as String).lowercased()] = row }
        var added: [String] = []
        var removed: [String] = []
        var kept = Set<String>()
        for (position, name) in names.enumerated() {
            if let row = byName[name.lowercased()] {
                let id: String = row["id"]
                kept.insert(id)
                let changed = (row["name"] as String) != name || (row["position"] as Int) != position || (row["active"] as Int) != 1
                if changed {
                    if (row["active"] as Int) != 1 { added.append(name) }
                    try db.execute(
                        sql: "UPDATE village SET name = ?, position = ?, active = 1, updated_at = ?, version = version + 1 WHERE id = ?",
                        arguments: [name, position, time, id])
                }
            } else {
                let id = UUIDv7.string(at: time)
                kept.insert(id)
                added.append(name)
                try db.execute(
                    sql: "INSERT INTO village (id, name, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [id, name, position, time, time])
            }
        }
        for row in existing where (row["active"] as Int) == 1 && !kept.contains(row["id"]) {
            removed.append(row["name"])
            try db.execute(sql: "UPDATE village SET active = 0, updated_at = ?, version = version + 1 WHERE id = ?",
                           arguments: [time, row["id"] as String])
        }
        if !added.isEmpty || !removed.isEmpty {
            try db.appendAudit(.villagesChanged, by: actor, at: time, subject: .facility,
                               detail: ["added": added.joined(separator: ", "), "removed": removed.joined(separator: ", ")])
        }
    }
}
