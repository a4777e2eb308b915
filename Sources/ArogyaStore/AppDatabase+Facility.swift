import ArogyaCore
import GRDB

/// Names of the rows in the `setting` table.
enum SettingKey: String {
    case idleLockMinutes = "idle_lock_minutes"
    /// The `NameKey.version` the stored search terms were made with.
    case nameKeyVersion = "name_key_version"
    /// The protocol (`id version`) the stored due dates were worked out with.
    case careRules = "care_rules"
    /// The hub this terminal syncs with, and the hub's sequence number its last pull reached.
    case hubURL = "hub_url"
    case syncCursor = "sync_cursor"
    /// The hub's time from which ABHA link counts are asked for next.
    case abhaLinksSince = "abha_links_since"
    /// Minutes between background syncs while the screen is open; 0 turns them off.
    case syncIntervalMinutes = "sync_interval_minutes"
    /// When SQLite last found the file sound (`IntegrityState`).
    case integrityCheckedAt = "integrity_checked_at"
    /// The facility's default language (`Language`): the sign-in screen's, and new accounts'.
    case defaultLanguage = "default_language"
}

extension Database {
    /// A row of the `setting` table, or nil when it was never written.
    func setting(_ key: SettingKey) throws -> String? {
        try String.fetchOne(cachedStatement(sql: "SELECT value FROM setting WHERE key = ?"), arguments: [key.rawValue])
    }

    func setSetting(_ key: SettingKey, to value: String, at time: Timestamp) throws {
        try cachedStatement(sql: """
            INSERT INTO setting (key, value, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """).execute(arguments: [key.rawValue, value, time])
    }
}

extension AppDatabase {
    /// Minutes without a key press before the session locks.
    public func idleLockMinutes() throws(StoreError) -> Int {
        try read { db in
            let stored = try db.setting(.idleLockMinutes)
            return stored.flatMap(Int.init).flatMap { FacilityRules.idleLockMinutes.contains($0) ? $0 : nil }
                ?? FacilityRules.defaultIdleLockMinutes
        }
    }

    /// The facility's default language: English until setup or Settings chose another.
    public func defaultLanguage() throws(StoreError) -> Language {
        try read { db in try db.setting(.defaultLanguage).flatMap(Language.init(rawValue:)) ?? .english }
    }

    /// Saves the Settings screen: facility details, villages and the idle lock, in one transaction.
    /// Only what changed is written and audited.
    @discardableResult
    public func updateFacility(_ details: FacilityDetails, by actor: AuditActor) throws(StoreError) -> Facility {
        try write { db in
            try requireSupervisor(db, actor)
            guard let current = try loadFacility(db) else { throw StoreError.refused(UserMessage(.errorNotSetUp)) }
            let time = now
            if current.name != details.name || current.hfrId != details.hfrId || current.state != details.state {
                try db.execute(
                    sql: "UPDATE facility SET name = ?, hfr_id = ?, state_code = ?, updated_at = ?, version = version + 1",
                    arguments: [details.name, details.hfrId, details.state?.code, time])
                var changes: [String: String] = [:]
                if current.name != details.name { changes["name"] = details.name }
                if current.hfrId != details.hfrId { changes["hfr_id"] = details.hfrId ?? "" }
                if current.state != details.state { changes["state"] = details.state?.code ?? "" }
                try db.appendAudit(.facilityUpdated, by: actor, at: time, subject: .facility, recordId: current.id, detail: changes)
                try db.enqueueForSync(.facility, recordId: current.id,
                                      version: current.version + 1, at: time)
            }
            try replaceVillages(db, with: details.villages, by: actor, at: time)
            let previousMinutes = try db.setting(.idleLockMinutes) ?? String(FacilityRules.defaultIdleLockMinutes)
            if previousMinutes != String(details.idleLockMinutes) {
                try db.setSetting(.idleLockMinutes, to: String(details.idleLockMinutes), at: time)
                try db.appendAudit(.settingChanged, by: actor, at: time, subject: .setting, recordId: SettingKey.idleLockMinutes.rawValue,
                                   detail: ["from": previousMinutes, "to": String(details.idleLockMinutes)])
            }
            if let language = details.defaultLanguage {
                let previous = try db.setting(.defaultLanguage) ?? Language.english.rawValue
                if previous != language.rawValue {
                    try db.setSetting(.defaultLanguage, to: language.rawValue, at: time)
                    try db.appendAudit(.settingChanged, by: actor, at: time, subject: .setting, recordId: SettingKey.defaultLanguage.rawValue,
                                       detail: ["from": previous, "to": language.rawValue])
                }
            }
            return try loadFacility(db)!
        }
    }
}
