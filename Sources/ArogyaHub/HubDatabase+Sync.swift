import ArogyaCore
import Crypto
import Foundation
import GRDB

extension HubDatabase {
    /// Applies a pushed batch in one transaction, as `HubPushPlanner` decides. SQLite has one writer at a
    /// time, across processes too, and a version's `seq` is handed out inside the transaction that commits
    /// it: versions are committed in `seq` order, so a pull's cursor cannot pass one still to come.
    public func push(_ items: [(raw: JSONValue, record: Result<SyncWire.Record, JSONInputError>)],
                     from device: HubDevice) async throws -> SyncWire.PushResponse {
        let now = clock.now()
        let rules = vocabulary.rules(today: now.utcDay)
        let hooks = self.hooks
        let checked = CheckedPushItem.check(items, rules: rules)
        let results = try await writer.write { db -> [SyncWire.Result] in
            let plan = try HubPushPlanner.plan(checked, device: device, lookup: SQLitePushLookup(db: db))
            try Self.write(plan, from: device, at: now, in: db)
            try db.execute(sql: "UPDATE device SET last_push_at = ? WHERE id = ?", arguments: [now.iso8601, device.id])
            hooks.pushWillCommit.waitBlocking()
            return plan.results
        }
        return SyncWire.PushResponse(serverTime: now, results: results)
    }

    private static func write(_ plan: HubPushPlan, from device: HubDevice, at now: Timestamp, in db: Database) throws {
        var written: [Int64] = []
        written.reserveCapacity(plan.versions.count)
        for version in plan.versions {
            let key: StatementArguments = [version.key.facility, version.key.type, version.key.id]
            try db.cachedStatement(sql: """
                INSERT INTO record_version (facility_id, type, id, hub_version, device_id, device_version, base_version,
                                            updated_at, received_at, payload, payload_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: key + [version.hubVersion, device.id, version.record.version, version.record.baseVersion,
                                               version.record.updatedAt.iso8601, now.iso8601, version.payloadText, version.payloadHash])
            let seq = db.lastInsertedRowID
            written.append(seq)
            try db.cachedStatement(sql: """
                INSERT INTO record (facility_id, type, id, seq, hub_version, device_id, device_version, patient_id, parent_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (facility_id, type, id) DO UPDATE SET
                    seq = excluded.seq, hub_version = excluded.hub_version, device_id = excluded.device_id,
                    device_version = excluded.device_version, patient_id = excluded.patient_id, parent_id = excluded.parent_id
                """).execute(arguments: key + [seq, version.hubVersion, device.id, version.record.version, version.patientID, version.parentID])
            if let overtook = version.overtook {
                let kept: Int64
                switch overtook {
                case .stored(let stored): kept = stored
                case .planned(let index): kept = written[index]
                }
                try db.cachedStatement(sql: """
                    INSERT INTO conflict (facility_id, type, record_id, kept_seq, current_seq, found_at) VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: key + [kept, seq, now.iso8601])
            }
            try HubReportTables.note(version.record, facility: version.key.facility, patient: version.patientID, parent: version.parentID, in: db)
        }
        for identifiers in plan.identifiers {
            try db.cachedStatement(sql: "DELETE FROM patient_identifier WHERE facility_id = ? AND patient_id = ?")
                .execute(arguments: [identifiers.facility, identifiers.patient])
            for (kind, value) in identifiers.values {
                try db.cachedStatement(sql: """
                    INSERT INTO patient_identifier (facility_id, kind, value, patient_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """).execute(arguments: [identifiers.facility, kind.rawValue, value, identifiers.patient])
            }
        }
        for pair in plan.duplicates {
            try db.cachedStatement(sql: """
                INSERT INTO duplicate_pair (facility_id, patient_a, patient_b, reason, found_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """).execute(arguments: [pair.facility, pair.patientA, pair.patientB, pair.reason, now.iso8601])
        }
    }

    /// Current records written by the facility's other devices after `after`, ordered by the hub's
    /// sequence (never by time, which ties). The cursor moves past the device's own records too, so it
    /// never reads them again. A read: it never waits for a push (SQLite's readers see the last commit).
    public func pull(for device: HubDevice, after: Int64, limit: Int) async throws -> SyncWire.PullResponse {
        let now = clock.now()
        let size = max(1, min(limit, SyncWire.maximumPage))
        let (response, lastPull) = try await writer.read { db in
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
            let lastPull = try String.fetchOne(db, sql: "SELECT last_pull_at FROM device WHERE id = ?", arguments: [device.id])
            return (SyncWire.PullResponse(serverTime: now, records: records, next: next, more: more), lastPull.flatMap(Timestamp.init(iso8601:)))
        }
        if DeviceActivity.isStale(lastPull, now: now) {
            // When a device last pulled is for the admin's stats, not part of the answer: written on the side,
            // so that a pull never queues behind a push for SQLite's one writer.
            let writer = self.writer
            Task { try? await writer.write { try $0.execute(sql: "UPDATE device SET last_pull_at = ? WHERE id = ?", arguments: [now.iso8601, device.id]) } }
        }
        return response
    }

    public func record(type: String, id: String, facility: String) async throws -> StoredRecord? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: """
                SELECT v.* FROM record r JOIN record_version v ON v.seq = r.seq WHERE r.facility_id = ? AND r.type = ? AND r.id = ?
                """, arguments: [facility, type, id]).map(Self.stored)
        }
    }

    public func records(type: String, patient: String, facility: String) async throws -> [StoredRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.* FROM record r JOIN record_version v ON v.seq = r.seq
                WHERE r.facility_id = ? AND r.type = ? AND r.patient_id = ? ORDER BY v.updated_at, r.seq
                """, arguments: [facility, type, patient]).map(Self.stored)
        }
    }

    public func records(type: String, parent: String, facility: String) async throws -> [StoredRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.* FROM record r JOIN record_version v ON v.seq = r.seq
                WHERE r.facility_id = ? AND r.type = ? AND r.parent_id = ? ORDER BY r.seq
                """, arguments: [facility, type, parent]).map(Self.stored)
        }
    }

    public func latestRecord(type: String, facility: String) async throws -> StoredRecord? {
        try await writer.read { db in
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

/// The planner's questions, asked inside the push's write transaction.
struct SQLitePushLookup: HubPushLookup {
    let db: Database

    func screeningFacility(_ screeningID: String, coveredBy device: HubDevice) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: """
            SELECT facility_id FROM record WHERE type = ? AND id = ? AND facility_id IN (SELECT facility_id FROM device_facility WHERE device_id = ?)
            """), arguments: [RecordType.screening.rawValue, screeningID, device.id])
    }

    func screeningAuthor(_ screening: RecordKey) throws -> String? {
        guard let payload = try String.fetchOne(db.cachedStatement(sql: """
            SELECT v.payload FROM record r JOIN record_version v ON v.seq = r.seq WHERE r.facility_id = ? AND r.type = ? AND r.id = ?
            """), arguments: [screening.facility, screening.type, screening.id]) else { return nil }
        return RecordPayloads.text(try JSONParser.parse(payload), "recorded_by")
    }

    func resentVersion(_ key: RecordKey, device: String, deviceVersion: Int64, hash: String) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT hub_version FROM record_version
            WHERE facility_id = ? AND type = ? AND id = ? AND device_id = ? AND device_version = ? AND payload_hash = ?
            ORDER BY seq DESC LIMIT 1
            """), arguments: [key.facility, key.type, key.id, device, deviceVersion, hash])
    }

    func current(_ key: RecordKey) throws -> CurrentVersion? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT seq, hub_version, device_id, device_version FROM record WHERE facility_id = ? AND type = ? AND id = ?
            """), arguments: [key.facility, key.type, key.id]).map {
            CurrentVersion(seq: .stored($0["seq"]), hubVersion: $0["hub_version"], deviceID: $0["device_id"], deviceVersion: $0["device_version"])
        }
    }

    func patients(facility: String, kind: PatientIdentifierKind, value: String) throws -> Set<String> {
        Set(try String.fetchAll(db.cachedStatement(sql: """
            SELECT patient_id FROM patient_identifier WHERE facility_id = ? AND kind = ? AND value = ?
            """), arguments: [facility, kind.rawValue, value]))
    }
}
