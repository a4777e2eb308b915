import ArogyaCore
import Crypto
import Foundation
import PostgresNIO

extension PostgresHubStore {
    /// Applies a pushed batch in one transaction, as `HubPushPlanner` decides (the same planner as SQLite's).
    ///
    /// Two locks keep the answers those of one writer at a time, where it matters:
    /// - the batch's facilities' advisory locks, taken first: pushes to one facility take turns, so what the
    ///   planner asks (a record's current version, an ABHA number's holders) cannot change under it, while
    ///   pushes to other facilities plan at the same time;
    /// - `PostgresHubSchema.sequenceLock`, taken before the batch's first sequence number and held to its
    ///   commit: versions commit in `seq` order, across facilities and hub processes. A pull that reads a
    ///   version has therefore seen every version below it that will ever commit, so its cursor never
    ///   passes one still to come (a supervisor's pull crosses facilities, so one lock for all).
    public func push(_ items: [(raw: JSONValue, record: Result<SyncWire.Record, JSONInputError>)],
                     from device: HubDevice) async throws -> SyncWire.PushResponse {
        let now = clock.now()
        let checked = CheckedPushItem.check(items, rules: vocabulary.rules(today: now.utcDay))
        let logger = self.logger
        let hooks = self.hooks
        let results = try await transaction { connection -> [SyncWire.Result] in
            for facility in device.facilities.sorted() {
                try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresHubSchema.facilityLockClass), hashtext(\(facility)))", logger: logger)
            }
            let lookup = try await PostgresPushLookup.load(checked, device: device, connection: connection, logger: logger)
            let plan = try HubPushPlanner.plan(checked, device: device, lookup: lookup)
            try await Self.write(plan, from: device, at: now, connection: connection, logger: logger)
            try await connection.query("UPDATE device SET last_push_at = \(now.iso8601) WHERE id = \(device.id)", logger: logger)
            await hooks.pushWillCommit.wait()
            return plan.results
        }
        return SyncWire.PushResponse(serverTime: now, results: results)
    }

    private static func write(_ plan: HubPushPlan, from device: HubDevice, at now: Timestamp, connection: PostgresConnection,
                              logger: Logger) async throws {
        guard !plan.versions.isEmpty else { return }
        try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresHubSchema.sequenceLock))", logger: logger)
        let count = plan.versions.count
        // Under the lock no other transaction takes numbers: these are the next ones, in order.
        let seqs = try await connection.query("SELECT nextval('record_seq') FROM generate_series(1, \(count))", logger: logger)
            .collect().map { try $0.decode(Int64.self) }.sorted()
        guard seqs.count == count else { throw HubError.invalid("PostgreSQL handed out \(seqs.count) sequence numbers for \(count) versions") }
        let received = JSONValue.string(now.iso8601)
        var conflictRows: [JSONValue] = []
        // The version of each record that is current at the end of the batch (a batch may hold two of one).
        var lastOfRecord: [RecordKey: Int] = [:]
        // Column by column, bound as arrays (no column of a version is ever null): no JSON to write here and
        // none for PostgreSQL to read, which payloads would cost both twice over.
        var facilities: [String] = [], types: [String] = [], ids: [String] = [], hubVersions: [Int64] = []
        var deviceVersions: [Int64] = [], baseVersions: [Int64] = [], updated: [String] = [], payloads: [String] = [], hashes: [String] = []
        for (index, version) in plan.versions.enumerated() {
            let key = version.key
            facilities.append(key.facility)
            types.append(key.type)
            ids.append(key.id)
            hubVersions.append(version.hubVersion)
            deviceVersions.append(version.record.version)
            baseVersions.append(version.record.baseVersion)
            updated.append(version.record.updatedAt.iso8601)
            payloads.append(version.payloadText)
            hashes.append(version.payloadHash)
            if let overtook = version.overtook {
                let kept: Int64
                switch overtook {
                case .stored(let stored): kept = stored
                case .planned(let earlier): kept = seqs[earlier]
                }
                conflictRows.append(.object([("facility_id", .string(key.facility)), ("type", .string(key.type)), ("record_id", .string(key.id)),
                                             ("kept_seq", .integer(kept)), ("current_seq", .integer(seqs[index])), ("found_at", received)]))
            }
            lastOfRecord[key] = index
        }
        try await connection.query("""
            INSERT INTO record_version (seq, facility_id, type, id, hub_version, device_id, device_version, base_version, updated_at,
                                        received_at, payload, payload_hash)
            SELECT seq, facility_id, type, id, hub_version, \(device.id), device_version, base_version, updated_at, \(now.iso8601), payload, payload_hash
            FROM unnest(\(seqs)::bigint[], \(facilities)::text[], \(types)::text[], \(ids)::text[], \(hubVersions)::bigint[],
                        \(deviceVersions)::bigint[], \(baseVersions)::bigint[], \(updated)::text[], \(payloads)::text[], \(hashes)::text[])
                 AS x(seq, facility_id, type, id, hub_version, device_version, base_version, updated_at, payload, payload_hash)
            """, logger: logger)
        // Each record's current pointer; a record's patient and parent ids are never empty, so "" stands for none.
        let current = lastOfRecord.values.sorted()
        try await connection.query("""
            INSERT INTO record (facility_id, type, id, seq, hub_version, device_id, device_version, patient_id, parent_id)
            SELECT facility_id, type, id, seq, hub_version, \(device.id), device_version, nullif(patient_id, ''), nullif(parent_id, '')
            FROM unnest(\(current.map { facilities[$0] })::text[], \(current.map { types[$0] })::text[], \(current.map { ids[$0] })::text[],
                        \(current.map { seqs[$0] })::bigint[], \(current.map { hubVersions[$0] })::bigint[], \(current.map { deviceVersions[$0] })::bigint[],
                        \(current.map { plan.versions[$0].patientID ?? "" })::text[], \(current.map { plan.versions[$0].parentID ?? "" })::text[])
                 AS x(facility_id, type, id, seq, hub_version, device_version, patient_id, parent_id)
            ON CONFLICT (facility_id, type, id) DO UPDATE SET
                seq = excluded.seq, hub_version = excluded.hub_version, device_id = excluded.device_id,
                device_version = excluded.device_version, patient_id = excluded.patient_id, parent_id = excluded.parent_id
            """, logger: logger)
        if !conflictRows.isEmpty {
            let conflicts = JSONValue.array(conflictRows).serialized(pretty: false)
            try await connection.query("""
                INSERT INTO conflict (facility_id, type, record_id, kept_seq, current_seq, found_at)
                SELECT facility_id, type, record_id, kept_seq, current_seq, found_at
                FROM json_to_recordset(\(conflicts)::json) AS x(facility_id text, type text, record_id text, kept_seq bigint,
                     current_seq bigint, found_at text)
                """, logger: logger)
        }
        try await writeReportRows(plan, current: lastOfRecord, connection: connection, logger: logger)
        try await writeIdentifiers(plan, at: now, connection: connection, logger: logger)
    }

    /// The report tables' rows of the versions that became current, as `ReportRowChange` reads them.
    private static func writeReportRows(_ plan: HubPushPlan, current: [RecordKey: Int], connection: PostgresConnection,
                                        logger: Logger) async throws {
        var changes: [ReportTable: [ReportRowChange]] = [:]
        for index in current.values.sorted() {
            let version = plan.versions[index]
            if let change = ReportRowChange.of(version.record, facility: version.key.facility, patient: version.patientID, parent: version.parentID) {
                changes[change.table, default: []].append(change)
            }
        }
        for table in ReportTable.allCases {
            guard let changes = changes[table], !changes.isEmpty else { continue }
            let keys = JSONValue.array(changes.map { .object([("facility_id", .string($0.facility)), ("id", .string($0.id))]) }).serialized(pretty: false)
            // A visit's day may have changed (a correction): every changed record's old row goes first.
            try await connection.query("""
                DELETE FROM \(unescaped: table.rawValue) t USING json_to_recordset(\(keys)::json) AS x(facility_id text, id text)
                WHERE t.facility_id = x.facility_id AND t.id = x.id
                """, logger: logger)
            let columns = table.columns
            let rows = changes.compactMap { change in change.values.map { values in
                JSONValue.object(zip(columns, values).map { (key: $0.name, value: $1) })
            } }
            guard !rows.isEmpty else { continue }
            let names = columns.map(\.name).joined(separator: ", ")
            let definition = columns.map { "\($0.name) \($0.postgresType)" }.joined(separator: ", ")
            try await connection.query("""
                INSERT INTO \(unescaped: table.rawValue) (\(unescaped: names))
                SELECT \(unescaped: names) FROM json_to_recordset(\(JSONValue.array(rows).serialized(pretty: false))::json) AS x(\(unescaped: definition))
                """, logger: logger)
        }
    }

    /// Each patient's ABHA identifiers afresh (the last the batch gave), and the likely duplicates found.
    private static func writeIdentifiers(_ plan: HubPushPlan, at now: Timestamp, connection: PostgresConnection, logger: Logger) async throws {
        if !plan.identifiers.isEmpty {
            var last: [String: HubPushPlan.Identifiers] = [:]
            var order: [String] = []
            for identifiers in plan.identifiers {
                let key = identifiers.facility + "\u{0}" + identifiers.patient
                if last.updateValue(identifiers, forKey: key) == nil { order.append(key) }
            }
            let patients = order.compactMap { last[$0] }
            let keys = JSONValue.array(patients.map { .object([("facility_id", .string($0.facility)), ("patient_id", .string($0.patient))]) })
            try await connection.query("""
                DELETE FROM patient_identifier t USING json_to_recordset(\(keys.serialized(pretty: false))::json) AS x(facility_id text, patient_id text)
                WHERE t.facility_id = x.facility_id AND t.patient_id = x.patient_id
                """, logger: logger)
            let values = patients.flatMap { identifiers in
                identifiers.values.map { JSONValue.object([("facility_id", .string(identifiers.facility)), ("kind", .string($0.kind.rawValue)),
                                                           ("value", .string($0.value)), ("patient_id", .string(identifiers.patient))]) }
            }
            if !values.isEmpty {
                try await connection.query("""
                    INSERT INTO patient_identifier (facility_id, kind, value, patient_id)
                    SELECT facility_id, kind, value, patient_id
                    FROM json_to_recordset(\(JSONValue.array(values).serialized(pretty: false))::json) AS x(facility_id text, kind text, value text, patient_id text)
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
        }
        if !plan.duplicates.isEmpty {
            let pairs = JSONValue.array(plan.duplicates.map {
                .object([("facility_id", .string($0.facility)), ("patient_a", .string($0.patientA)), ("patient_b", .string($0.patientB)),
                         ("reason", .string($0.reason))])
            }).serialized(pretty: false)
            try await connection.query("""
                INSERT INTO duplicate_pair (facility_id, patient_a, patient_b, reason, found_at)
                SELECT facility_id, patient_a, patient_b, reason, \(now.iso8601)
                FROM json_to_recordset(\(pairs)::json) AS x(facility_id text, patient_a text, patient_b text, reason text)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    /// Current records written by the facility's other devices after `after`, in sequence order. Both
    /// statements read one snapshot, so the cursor's jump past this device's own records cannot pass a
    /// record committed between them; and versions commit in `seq` order (see `push`).
    public func pull(for device: HubDevice, after: Int64, limit: Int) async throws -> SyncWire.PullResponse {
        let now = clock.now()
        let size = max(1, min(limit, SyncWire.maximumPage))
        let logger = self.logger
        let facilities = device.facilities
        let (response, lastPull) = try await snapshot { connection -> (SyncWire.PullResponse, String?) in
            let rows = try await connection.query("""
                SELECT v.seq, v.type, v.id, v.hub_version, v.device_id, v.updated_at, v.payload
                FROM record r JOIN record_version v ON v.seq = r.seq
                WHERE r.facility_id = ANY(\(facilities)) AND r.seq > \(after) AND r.device_id <> \(device.id)
                ORDER BY r.seq LIMIT \(size + 1)
                """, logger: logger).collect()
            let more = rows.count > size
            var records: [SyncWire.Record] = []
            records.reserveCapacity(min(rows.count, size))
            for row in rows.prefix(size) {
                let (seq, type, id, version, author, updated, payload) = try row.decode((Int64, String, String, Int64, String, String, String).self)
                guard let recordType = RecordType(rawValue: type) else { continue }
                records.append(SyncWire.Record(type: recordType, id: id, version: version, baseVersion: 0,
                                               updatedAt: Timestamp(iso8601: updated) ?? now, payload: try JSONParser.parse(payload),
                                               device: author, sequence: seq))
            }
            let next: Int64
            if more, let last = records.last?.sequence {
                next = last
            } else {
                let top = try await connection.query("SELECT max(seq) FROM record WHERE facility_id = ANY(\(facilities))", logger: logger)
                    .collect().first?.decode(Int64?.self)
                next = max(after, top ?? 0)
            }
            let lastPull = try await connection.query("SELECT last_pull_at FROM device WHERE id = \(device.id)", logger: logger)
                .collect().first?.decode(String?.self)
            return (SyncWire.PullResponse(serverTime: now, records: records, next: next, more: more), lastPull ?? nil)
        }
        if DeviceActivity.isStale(lastPull.flatMap(Timestamp.init(iso8601:)), now: now) {
            // For the admin's stats, not part of the answer: written beside it.
            let client = self.client
            Task { _ = try? await client.query("UPDATE device SET last_pull_at = \(now.iso8601) WHERE id = \(device.id)", logger: logger) }
        }
        return response
    }

    public func record(type: String, id: String, facility: String) async throws -> StoredRecord? {
        try await storedRecords("""
            SELECT v.type, v.id, v.hub_version, v.device_id, v.updated_at, v.received_at, v.payload
            FROM record r JOIN record_version v ON v.seq = r.seq WHERE r.facility_id = \(facility) AND r.type = \(type) AND r.id = \(id)
            """).first
    }

    public func records(type: String, patient: String, facility: String) async throws -> [StoredRecord] {
        try await storedRecords("""
            SELECT v.type, v.id, v.hub_version, v.device_id, v.updated_at, v.received_at, v.payload
            FROM record r JOIN record_version v ON v.seq = r.seq
            WHERE r.facility_id = \(facility) AND r.type = \(type) AND r.patient_id = \(patient) ORDER BY v.updated_at COLLATE "C", r.seq
            """)
    }

    public func records(type: String, parent: String, facility: String) async throws -> [StoredRecord] {
        try await storedRecords("""
            SELECT v.type, v.id, v.hub_version, v.device_id, v.updated_at, v.received_at, v.payload
            FROM record r JOIN record_version v ON v.seq = r.seq
            WHERE r.facility_id = \(facility) AND r.type = \(type) AND r.parent_id = \(parent) ORDER BY r.seq
            """)
    }

    public func latestRecord(type: String, facility: String) async throws -> StoredRecord? {
        try await storedRecords("""
            SELECT v.type, v.id, v.hub_version, v.device_id, v.updated_at, v.received_at, v.payload
            FROM record r JOIN record_version v ON v.seq = r.seq
            WHERE r.facility_id = \(facility) AND r.type = \(type) ORDER BY r.seq DESC LIMIT 1
            """).first
    }

    private func storedRecords(_ query: PostgresQuery) async throws -> [StoredRecord] {
        try await client.query(query, logger: logger).collect().map { row in
            let (type, id, version, device, updated, received, payload) = try row.decode((String, String, Int64, String, String, String, String).self)
            let epoch = Timestamp(millisecondsSince1970: 0)
            return StoredRecord(type: type, id: id, hubVersion: version, deviceID: device, updatedAt: Timestamp(iso8601: updated) ?? epoch,
                                receivedAt: Timestamp(iso8601: received) ?? epoch, payload: try JSONParser.parse(payload))
        }
    }
}

/// The planner's questions for one batch, asked of PostgreSQL in a few statements over the whole batch
/// (a statement a record would cost a round trip each) and answered from memory. A question the load did
/// not foresee is an error, never a guessed "nothing there".
struct PostgresPushLookup: HubPushLookup {
    private var screeningFacilities: [String: String] = [:]
    private var askedScreenings: Set<String> = []
    private var currents: [RecordKey: CurrentVersion] = [:]
    private var askedKeys: Set<RecordKey> = []
    private var resends: [String: Int64] = [:]
    private var authors: [RecordKey: String] = [:]
    private var askedAuthors: Set<RecordKey> = []
    private var holders: [String: Set<String>] = [:]
    private var askedValues: Set<String> = []

    struct Unforeseen: Error, CustomStringConvertible {
        let description: String
    }

    static func load(_ items: [CheckedPushItem], device: HubDevice, connection: PostgresConnection, logger: Logger) async throws -> PostgresPushLookup {
        var lookup = PostgresPushLookup()
        let records: [SyncWire.Record] = items.compactMap { if case .valid(let record) = $0 { return record } else { return nil } }
        // A supervisor's reviews are stored with the facility of the screening reviewed.
        if device.role == .supervisor {
            let screenings = Set(records.compactMap(CheckedPushItem.reviewedScreening))
            lookup.askedScreenings = screenings
            if !screenings.isEmpty {
                let rows = try await connection.query("""
                    SELECT id, min(facility_id) FROM record
                    WHERE type = \(RecordType.screening.rawValue) AND id = ANY(\(Array(screenings))) AND facility_id = ANY(\(device.facilities))
                    GROUP BY id
                    """, logger: logger).collect()
                for row in rows {
                    let (id, facility) = try row.decode((String, String).self)
                    lookup.screeningFacilities[id] = facility
                }
            }
        }
        func facility(of record: SyncWire.Record) -> String? {
            switch device.role {
            case .terminal: return device.facilityID
            case .supervisor: return CheckedPushItem.reviewedScreening(record).flatMap { lookup.screeningFacilities[$0] }
            }
        }
        var keys: [RecordKey] = []
        var reviewed: [RecordKey] = []
        var identifierValues: [(facility: String, kind: PatientIdentifierKind, value: String)] = []
        for record in records {
            guard let facility = facility(of: record) else { continue }
            keys.append(RecordKey(facility: facility, type: record.type.rawValue, id: record.id))
            if let screening = CheckedPushItem.reviewedScreening(record) {
                reviewed.append(RecordKey(facility: facility, type: RecordType.screening.rawValue, id: screening))
            }
            if record.type == .patient {
                for kind in PatientIdentifierKind.allCases {
                    if let value = RecordPayloads.text(record.payload, kind.rawValue), !value.isEmpty { identifierValues.append((facility, kind, value)) }
                }
            }
        }
        lookup.askedKeys = Set(keys)
        lookup.askedAuthors = Set(reviewed)
        if !keys.isEmpty {
            let unique = Array(lookup.askedKeys)
            let facilities = unique.map(\.facility), types = unique.map(\.type), ids = unique.map(\.id)
            let current = try await connection.query("""
                SELECT r.facility_id, r.type, r.id, r.seq, r.hub_version, r.device_id, r.device_version
                FROM record r JOIN unnest(\(facilities)::text[], \(types)::text[], \(ids)::text[]) AS k(facility_id, type, id)
                  ON r.facility_id = k.facility_id AND r.type = k.type AND r.id = k.id
                """, logger: logger).collect()
            for row in current {
                let (facility, type, id, seq, version, author, deviceVersion) = try row.decode((String, String, String, Int64, Int64, String, Int64).self)
                lookup.currents[RecordKey(facility: facility, type: type, id: id)] =
                    CurrentVersion(seq: .stored(seq), hubVersion: version, deviceID: author, deviceVersion: deviceVersion)
            }
            // This device's earlier versions of these records: a resend is answered with the version it got.
            let earlier = try await connection.query("""
                SELECT v.facility_id, v.type, v.id, v.device_version, v.payload_hash, v.hub_version
                FROM record_version v JOIN unnest(\(facilities)::text[], \(types)::text[], \(ids)::text[]) AS k(facility_id, type, id)
                  ON v.facility_id = k.facility_id AND v.type = k.type AND v.id = k.id
                WHERE v.device_id = \(device.id) ORDER BY v.seq
                """, logger: logger).collect()
            for row in earlier {
                let (facility, type, id, deviceVersion, hash, version) = try row.decode((String, String, String, Int64, String, Int64).self)
                lookup.resends[resendKey(RecordKey(facility: facility, type: type, id: id), deviceVersion, hash)] = version
            }
        }
        if !reviewed.isEmpty {
            let unique = Array(lookup.askedAuthors)
            let rows = try await connection.query("""
                SELECT r.facility_id, r.id, v.payload FROM record r JOIN record_version v ON v.seq = r.seq
                JOIN unnest(\(unique.map(\.facility))::text[], \(unique.map(\.id))::text[]) AS k(facility_id, id)
                  ON r.facility_id = k.facility_id AND r.id = k.id
                WHERE r.type = \(RecordType.screening.rawValue)
                """, logger: logger).collect()
            for row in rows {
                let (facility, id, payload) = try row.decode((String, String, String).self)
                if let author = RecordPayloads.text(try JSONParser.parse(payload), "recorded_by") {
                    lookup.authors[RecordKey(facility: facility, type: RecordType.screening.rawValue, id: id)] = author
                }
            }
        }
        if !identifierValues.isEmpty {
            lookup.askedValues = Set(identifierValues.map { valueKey($0.facility, $0.kind, $0.value) })
            let rows = try await connection.query("""
                SELECT p.facility_id, p.kind, p.value, p.patient_id FROM patient_identifier p
                JOIN unnest(\(identifierValues.map(\.facility))::text[], \(identifierValues.map(\.kind.rawValue))::text[],
                            \(identifierValues.map(\.value))::text[]) AS k(facility_id, kind, value)
                  ON p.facility_id = k.facility_id AND p.kind = k.kind AND p.value = k.value
                """, logger: logger).collect()
            for row in rows {
                let (facility, kind, value, patient) = try row.decode((String, String, String, String).self)
                lookup.holders["\(facility)\u{0}\(kind)\u{0}\(value)", default: []].insert(patient)
            }
        }
        return lookup
    }

    private static func resendKey(_ key: RecordKey, _ deviceVersion: Int64, _ hash: String) -> String {
        "\(key.facility)\u{0}\(key.type)\u{0}\(key.id)\u{0}\(deviceVersion)\u{0}\(hash)"
    }

    private static func valueKey(_ facility: String, _ kind: PatientIdentifierKind, _ value: String) -> String {
        "\(facility)\u{0}\(kind.rawValue)\u{0}\(value)"
    }

    func screeningFacility(_ screeningID: String, coveredBy device: HubDevice) throws -> String? {
        guard askedScreenings.contains(screeningID) else { throw Unforeseen(description: "screening \(screeningID) was not looked up") }
        return screeningFacilities[screeningID]
    }

    func screeningAuthor(_ screening: RecordKey) throws -> String? {
        guard askedAuthors.contains(screening) else { throw Unforeseen(description: "the author of \(screening.id) was not looked up") }
        return authors[screening]
    }

    func resentVersion(_ key: RecordKey, device: String, deviceVersion: Int64, hash: String) throws -> Int64? {
        guard askedKeys.contains(key) else { throw Unforeseen(description: "\(key.type) \(key.id) was not looked up") }
        return resends[Self.resendKey(key, deviceVersion, hash)]
    }

    func current(_ key: RecordKey) throws -> CurrentVersion? {
        guard askedKeys.contains(key) else { throw Unforeseen(description: "\(key.type) \(key.id) was not looked up") }
        return currents[key]
    }

    func patients(facility: String, kind: PatientIdentifierKind, value: String) throws -> Set<String> {
        let key = Self.valueKey(facility, kind, value)
        guard askedValues.contains(key) else { throw Unforeseen(description: "the holders of \(kind.rawValue) \(value) were not looked up") }
        return holders[key] ?? []
    }
}
