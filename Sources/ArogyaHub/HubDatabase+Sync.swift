import ArogyaCore
import Crypto
import Foundation
import GRDB

extension HubDatabase {
    /// Applies a pushed batch in one transaction. Per record:
    /// - the same device's same version with the same content is `identical` (a resend after a lost answer);
    /// - a record new to the hub, or whose current version is the edit's base, or that only this device has
    ///   written since (a device never conflicts with itself), is `accepted`;
    /// - otherwise another device changed it meanwhile: this edit becomes current (the later arrival wins),
    ///   the overtaken version is kept and listed as a `conflict`, and nothing is dropped;
    /// - a record that cannot be read or whose payload lacks what its type needs is `rejected` with why.
    public func push(_ items: [(raw: JSONValue, record: Result<SyncWire.Record, JSONInputError>)],
                     from device: HubDevice) throws -> SyncWire.PushResponse {
        let now = clock.now()
        let rules = vocabulary.rules(today: now.utcDay)
        let results = try writer.write { db -> [SyncWire.Result] in
            var results: [SyncWire.Result] = []
            results.reserveCapacity(items.count)
            for item in items {
                switch item.record {
                case .failure(let problem):
                    let identity = SyncWire.identity(of: item.raw)
                    results.append(SyncWire.Result(type: identity.type, id: identity.id, status: .rejected, hubVersion: nil,
                                                   reason: problem.description))
                case .success(var record):
                    switch rules.check(record) {
                    case .success(let payload):
                        record.payload = payload
                        switch try facility(for: record, from: device, in: db) {
                        case .failure(let refusal):
                            results.append(SyncWire.Result(type: record.type.rawValue, id: record.id, status: .rejected, hubVersion: nil,
                                                           reason: refusal.reason))
                        case .success(let facility):
                            if let refusal = try refusal(of: record, facility: facility, in: db) {
                                results.append(SyncWire.Result(type: record.type.rawValue, id: record.id, status: .rejected, hubVersion: nil,
                                                               reason: refusal))
                            } else {
                                results.append(try apply(record, from: device, facility: facility, at: now, in: db))
                            }
                        }
                    case .failure(let problem):
                        results.append(SyncWire.Result(type: record.type.rawValue, id: record.id, status: .rejected, hubVersion: nil,
                                                       reason: problem.description))
                    }
                }
            }
            try db.execute(sql: "UPDATE device SET last_push_at = ? WHERE id = ?", arguments: [now.iso8601, device.id])
            return results
        }
        return SyncWire.PushResponse(serverTime: now, results: results)
    }

    struct Refusal: Error { let reason: String }

    /// The facility a record is stored with: a terminal's own; for a supervisor's device, which writes
    /// only reviews, the facility of the screening reviewed, among those the device covers.
    private func facility(for record: SyncWire.Record, from device: HubDevice, in db: Database) throws -> Result<String, Refusal> {
        switch device.role {
        case .terminal: return .success(device.facilityID)
        case .supervisor:
            guard record.type == .review else {
                return .failure(Refusal(reason: "a supervisor's device uploads reviews only; this \(record.type.rawValue) stays on it"))
            }
            guard case .string(let screening)? = record.payload["screening_id"],
                  let facility = try String.fetchOne(db, sql: """
                    SELECT facility_id FROM record WHERE type = ? AND id = ? AND facility_id IN (SELECT facility_id FROM device_facility WHERE device_id = ?)
                    """, arguments: [RecordType.screening.rawValue, screening, device.id]) else {
                return .failure(Refusal(reason: "payload.screening_id: no screening of the facilities this device covers has that id"))
            }
            return .success(facility)
        }
    }

    /// What the hub refuses of a record that is well formed, judged against what it holds: a review by
    /// the worker who saved the screening (the terminal refuses it too; this holds for any client).
    private func refusal(of record: SyncWire.Record, facility: String, in db: Database) throws -> String? {
        guard record.type == .review, case .string(let screeningId)? = record.payload["screening_id"],
              case .string(let reviewer)? = record.payload["reviewed_by"] else { return nil }
        guard let screening = try String.fetchOne(db.cachedStatement(sql: """
            SELECT v.payload FROM record r JOIN record_version v ON v.seq = r.seq WHERE r.facility_id = ? AND r.type = ? AND r.id = ?
            """), arguments: [facility, RecordType.screening.rawValue, screeningId]) else { return nil }
        if case .string(let author)? = try JSONParser.parse(screening)["recorded_by"], author == reviewer {
            return "payload.reviewed_by: \(reviewer) saved this screening and cannot review it"
        }
        return nil
    }

    private func apply(_ record: SyncWire.Record, from device: HubDevice, facility: String, at now: Timestamp, in db: Database) throws -> SyncWire.Result {
        let payload = record.payload.serialized(pretty: false)
        let hash = SHA256.hash(data: Array(payload.utf8)).hexadecimal
        let key: StatementArguments = [facility, record.type.rawValue, record.id]
        if let resent = try Int.fetchOne(db.cachedStatement(sql: """
            SELECT hub_version FROM record_version
            WHERE facility_id = ? AND type = ? AND id = ? AND device_id = ? AND device_version = ? AND payload_hash = ?
            ORDER BY seq DESC LIMIT 1
            """), arguments: key + [device.id, record.version, hash]) {
            return SyncWire.Result(type: record.type.rawValue, id: record.id, status: .identical, hubVersion: resent)
        }
        let current = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT seq, hub_version, device_id, device_version FROM record WHERE facility_id = ? AND type = ? AND id = ?
            """), arguments: key)
        var status = SyncWire.Status.accepted
        let newVersion: Int
        if let current {
            let currentVersion: Int = current["hub_version"]
            let ownLineage = (current["device_id"] as String) == device.id && (current["device_version"] as Int) < record.version
            if currentVersion != record.baseVersion && !ownLineage { status = .conflict }
            newVersion = currentVersion + 1
        } else {
            newVersion = record.baseVersion + 1
        }
        try db.cachedStatement(sql: """
            INSERT INTO record_version (facility_id, type, id, hub_version, device_id, device_version, base_version,
                                        updated_at, received_at, payload, payload_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: key + [newVersion, device.id, record.version, record.baseVersion, record.updatedAt.iso8601,
                                   now.iso8601, payload, hash])
        let seq = db.lastInsertedRowID
        let links = HubPayloadCheck.links(of: record)
        try db.cachedStatement(sql: """
            INSERT INTO record (facility_id, type, id, seq, hub_version, device_id, device_version, patient_id, parent_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (facility_id, type, id) DO UPDATE SET
                seq = excluded.seq, hub_version = excluded.hub_version, device_id = excluded.device_id,
                device_version = excluded.device_version, patient_id = excluded.patient_id, parent_id = excluded.parent_id
            """).execute(arguments: key + [seq, newVersion, device.id, record.version, links.patient, links.parent])
        if status == .conflict, let current {
            try db.cachedStatement(sql: """
                INSERT INTO conflict (facility_id, type, record_id, kept_seq, current_seq, found_at) VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: key + [current["seq"] as Int64, seq, now.iso8601])
        }
        if record.type == .patient { try noteIdentifiers(of: record, facility: facility, at: now, in: db) }
        try HubReportTables.note(record, facility: facility, patient: links.patient, parent: links.parent, in: db)
        return SyncWire.Result(type: record.type.rawValue, id: record.id, status: status, hubVersion: newVersion)
    }

    /// Keeps the patient's ABHA number and address, and flags any other patient of the facility with the
    /// same one as a likely duplicate pair. Both are kept: only a supervisor merges.
    private func noteIdentifiers(of record: SyncWire.Record, facility: String, at now: Timestamp, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM patient_identifier WHERE facility_id = ? AND patient_id = ?").execute(arguments: [facility, record.id])
        // A merged record points at the one it was merged into: it is no longer a second registration.
        if case .string("merged")? = record.payload["status"] { return }
        for kind in ["abha_number", "abha_address"] {
            guard case .string(let value)? = record.payload[kind], !value.isEmpty else { continue }
            let others = try String.fetchAll(db.cachedStatement(sql: """
                SELECT patient_id FROM patient_identifier WHERE facility_id = ? AND kind = ? AND value = ? AND patient_id != ?
                """), arguments: [facility, kind, value, record.id])
            for other in others {
                let (a, b) = other < record.id ? (other, record.id) : (record.id, other)
                try db.cachedStatement(sql: """
                    INSERT INTO duplicate_pair (facility_id, patient_a, patient_b, reason, found_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """).execute(arguments: [facility, a, b, "same \(kind == "abha_number" ? "ABHA number" : "ABHA address")", now.iso8601])
            }
            try db.execute(sql: "INSERT INTO patient_identifier (facility_id, kind, value, patient_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [facility, kind, value, record.id])
        }
    }

    /// Current records written by the facility's other devices after `after`, ordered by the hub's
    /// sequence (never by time, which ties). The cursor moves past the device's own records too, so it
    /// never reads them again.
    public func pull(for device: HubDevice, after: Int64, limit: Int) throws -> SyncWire.PullResponse {
        let now = clock.now()
        let size = max(1, min(limit, SyncWire.maximumPage))
        return try writer.write { db in
            // A terminal reads its facility by the facility's index; a supervisor's device, covering several,
            // walks the sequence once and keeps its facilities' records.
            let facilities = device.facilities
            let marks = databaseQuestionMarks(count: facilities.count)
            let rows = try Row.fetchAll(db, sql: """
                SELECT v.seq, v.type, v.id, v.hub_version, v.device_id, v.updated_at, v.payload
                FROM record r \(facilities.count > 1 ? "INDEXED BY record_seq" : "") JOIN record_version v ON v.seq = r.seq
                WHERE r.facility_id IN (\(marks)) AND r.seq > ? AND r.device_id != ?
                ORDER BY r.seq LIMIT ?
                """, arguments: StatementArguments(facilities) + [after, device.id, size + 1])
            let more = rows.count > size
            var records: [SyncWire.Record] = []
            records.reserveCapacity(min(rows.count, size))
            for row in rows.prefix(size) {
                let payload = try JSONParser.parse(row["payload"] as String)
                // The hub keeps only the types it accepts (`SyncWire.Record` reads no other).
                guard let type = RecordType(rawValue: row["type"]) else { continue }
                records.append(SyncWire.Record(type: type, id: row["id"], version: row["hub_version"], baseVersion: 0,
                                               updatedAt: Timestamp(iso8601: row["updated_at"]) ?? now, payload: payload,
                                               device: row["device_id"], sequence: row["seq"]))
            }
            let next: Int64
            if more, let last = records.last?.sequence {
                next = last
            } else {
                // Nothing more from the others: skip past whatever this device wrote itself.
                next = max(after, try Int64.fetchOne(db, sql: "SELECT max(seq) FROM record WHERE facility_id IN (\(marks))",
                                                      arguments: StatementArguments(facilities)) ?? 0)
            }
            try db.execute(sql: "UPDATE device SET last_pull_at = ? WHERE id = ?", arguments: [now.iso8601, device.id])
            return SyncWire.PullResponse(serverTime: now, records: records, next: next, more: more)
        }
    }

    public func record(type: String, id: String, facility: String) throws -> StoredRecord? {
        try writer.read { db in
            try Row.fetchOne(db, sql: """
                SELECT v.* FROM record r JOIN record_version v ON v.seq = r.seq WHERE r.facility_id = ? AND r.type = ? AND r.id = ?
                """, arguments: [facility, type, id]).map(Self.stored)
        }
    }

    public func records(type: String, patient: String, facility: String) throws -> [StoredRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.* FROM record r JOIN record_version v ON v.seq = r.seq
                WHERE r.facility_id = ? AND r.type = ? AND r.patient_id = ? ORDER BY v.updated_at, r.seq
                """, arguments: [facility, type, patient]).map(Self.stored)
        }
    }

    public func records(type: String, parent: String, facility: String) throws -> [StoredRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.* FROM record r JOIN record_version v ON v.seq = r.seq
                WHERE r.facility_id = ? AND r.type = ? AND r.parent_id = ? ORDER BY r.seq
                """, arguments: [facility, type, parent]).map(Self.stored)
        }
    }

    public func latestRecord(type: String, facility: String) throws -> StoredRecord? {
        try writer.read { db in
            try Row.fetchOne(db, sql: """
                SELECT v.* FROM record r JOIN record_version v ON v.seq = r.seq
                WHERE r.facility_id = ? AND r.type = ? ORDER BY r.seq DESC LIMIT 1
                """, arguments: [facility, type]).map(Self.stored)
        }
    }

    private static func stored(_ row: Row) throws -> StoredRecord {
        StoredRecord(type: row["type"], id: row["id"], hubVersion: row["hub_version"], deviceID: row["device_id"],
                     updatedAt: row.storedTime("updated_at"), receivedAt: row.storedTime("received_at"),
                     payload: try JSONParser.parse(row["payload"] as String))
    }
}

/// What a record points to, for the hub's lookups by patient and by screening.
enum HubPayloadCheck {
    static func links(of record: SyncWire.Record) -> (patient: String?, parent: String?) {
        func text(_ key: String) -> String? {
            if case .string(let value)? = record.payload[key] { return value }
            return nil
        }
        switch record.type {
        case .screening, .abhaRequest: return (text("patient_id"), nil)
        case .referral, .review: return (text("patient_id"), text("screening_id"))
        case .patient, .account, .facility: return (nil, nil)
        }
    }
}
