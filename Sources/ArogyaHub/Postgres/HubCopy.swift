import ArogyaCore
import Foundation
import GRDB
import Logging
import PostgresNIO

/// Moves a SQLite hub's data into a PostgreSQL hub (a block taking over its PHCs' hubs): facilities,
/// devices (their tokens go on working), every version, the current pointers, conflicts, ABHA identifiers,
/// likely duplicates and the report tables.
///
/// - Versions go in chunks, in the source's sequence order, each chunk one transaction that also notes how
///   far the copy got (`hub_copy`): a copy cut short goes on where it stopped when run again.
/// - Each chunk takes the sequence lock as a push does, and numbers its versions after every number handed
///   out so far, never below a version's number at the source: versions still commit in sequence order
///   (no pull cursor passes one), and a terminal of the copied hub that keeps its cursor is sent again what
///   it had, never nothing of what it lacked.
/// - A facility that already has records in PostgreSQL is refused: two histories are never mixed.
/// - At the end every count is compared, facility by facility.
///
/// The SQLite side is read with GRDB's blocking reads: a copy is a command of its own, not the server.
public struct HubCopy: Sendable {
    public struct Count: Sendable, Equatable {
        public let what: String
        public let source: Int
        public let target: Int
        public var matches: Bool { source == target }
    }

    public struct Report: Sendable {
        /// Versions copied by this run (0 when an earlier run had copied them all).
        public let copiedVersions: Int
        public let resumed: Bool
        public let counts: [Count]
        public var matches: Bool { counts.allSatisfy(\.matches) }
    }

    let source: HubDatabase
    let sourcePath: String
    let target: PostgresHubStore
    let chunk: Int

    public init(source: HubDatabase, sourcePath: String, target: PostgresHubStore, chunk: Int = 2000) {
        self.source = source
        self.sourcePath = sourcePath
        self.target = target
        self.chunk = max(1, chunk)
    }

    /// `progress`: called after each chunk with the versions copied so far and the source's total; what it
    /// throws ends the copy there (as a kill would).
    public func run(progress: @Sendable (Int, Int) throws -> Void = { _, _ in }) async throws -> Report {
        let (facilities, firstCreated) = try await source.writer.read { db in
            (try String.fetchAll(db, sql: "SELECT id FROM facility ORDER BY id"), try String.fetchOne(db, sql: "SELECT min(created_at) FROM facility"))
        }
        guard !facilities.isEmpty, let firstCreated else { throw HubError.invalid("\(sourcePath) has no facilities: nothing to copy") }
        // The source hub, known by its facilities and when the first was added: another hub with the same
        // facilities is another copy (and refused, since they have records by then).
        let key = facilities.joined(separator: ",") + "@" + firstCreated
        let total = try await source.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM record_version") ?? 0 }
        let (resumed, start) = try await begin(key: key, facilities: facilities)
        var through = start
        var copied = 0
        try progress(try await alreadyCopied(through), total)
        while true {
            let rows = try source.writer.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM record_version WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [through, chunk])
            }
            guard let last = rows.last?["seq"] as Int64? else { break }
            let currents = try source.writer.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM record WHERE seq > ? AND seq <= ?", arguments: [through, last])
            }
            try await copyChunk(rows, currents: currents, key: key, through: last)
            through = last
            copied += rows.count
            try progress(try await alreadyCopied(through), total)
        }
        try await finish(key: key, facilities: facilities)
        return Report(copiedVersions: copied, resumed: resumed, counts: try await compare(facilities))
    }

    private func alreadyCopied(_ through: Int64) async throws -> Int {
        try await source.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM record_version WHERE seq <= ?", arguments: [through]) ?? 0 }
    }

    /// Starts the copy (facilities and devices, and its row in `hub_copy`), or finds where an earlier run
    /// stopped.
    private func begin(key: String, facilities: [String]) async throws -> (resumed: Bool, through: Int64) {
        let (facilityRows, deviceRows, coverRows) = try source.writer.read { db in
            (try Row.fetchAll(db, sql: "SELECT id, name, created_at FROM facility ORDER BY id"),
             try Row.fetchAll(db, sql: "SELECT * FROM device ORDER BY created_at"),
             try Row.fetchAll(db, sql: "SELECT device_id, facility_id FROM device_facility"))
        }
        let logger = target.logger
        let now = target.clock.now().iso8601
        let path = sourcePath
        return try await target.transaction { connection in
            let earlier = try await connection.query("SELECT copied_through FROM hub_copy WHERE source = \(key) FOR UPDATE", logger: logger)
                .collect().first?.decode(Int64.self)
            if let earlier { return (true, earlier) }
            let busy = try await connection.query("""
                SELECT DISTINCT facility_id FROM record WHERE facility_id = ANY(\(facilities)) ORDER BY 1
                """, logger: logger).collect().map { try $0.decode(String.self) }
            if !busy.isEmpty {
                throw HubError.invalid("\(busy.joined(separator: ", ")) already \(busy.count == 1 ? "has" : "have") records in PostgreSQL that no copy of this hub wrote: copying would mix two histories")
            }
            let facilityJSON = JSONValue.array(facilityRows.map { row in
                .object([("id", .string(row["id"])), ("name", .string(row["name"])), ("created_at", .string(row["created_at"]))])
            }).serialized(pretty: false)
            try await connection.query("""
                INSERT INTO facility (id, name, created_at) SELECT id, name, created_at
                FROM json_to_recordset(\(facilityJSON)::json) AS x(id text, name text, created_at text) ON CONFLICT (id) DO NOTHING
                """, logger: logger)
            let text = { (row: Row, column: String) -> JSONValue in (row[column] as String?).map(JSONValue.string) ?? .null }
            let deviceJSON = JSONValue.array(deviceRows.map { row in
                .object(["id", "facility_id", "token_hash", "label", "created_at", "revoked_at", "last_push_at", "last_pull_at", "role"]
                    .map { (key: $0, value: text(row, $0)) })
            }).serialized(pretty: false)
            try await connection.query("""
                INSERT INTO device (id, facility_id, token_hash, label, created_at, revoked_at, last_push_at, last_pull_at, role)
                SELECT id, facility_id, token_hash, label, created_at, revoked_at, last_push_at, last_pull_at, role
                FROM json_to_recordset(\(deviceJSON)::json) AS x(id text, facility_id text, token_hash text, label text, created_at text,
                     revoked_at text, last_push_at text, last_pull_at text, role text)
                ON CONFLICT (id) DO NOTHING
                """, logger: logger)
            // A device made before supervisors' devices had no rows there: its own facility.
            var covers = coverRows.map { row in JSONValue.object([("device_id", .string(row["device_id"])), ("facility_id", .string(row["facility_id"]))]) }
            let covered = Set(coverRows.map { $0["device_id"] as String })
            for row in deviceRows where !covered.contains(row["id"] as String) {
                covers.append(.object([("device_id", .string(row["id"])), ("facility_id", .string(row["facility_id"]))]))
            }
            try await connection.query("""
                INSERT INTO device_facility (device_id, facility_id) SELECT device_id, facility_id
                FROM json_to_recordset(\(JSONValue.array(covers).serialized(pretty: false))::json) AS x(device_id text, facility_id text)
                ON CONFLICT DO NOTHING
                """, logger: logger)
            try await connection.query("INSERT INTO hub_copy (source, path, started_at) VALUES (\(key), \(path), \(now))", logger: logger)
            return (false, 0)
        }
    }

    private func copyChunk(_ rows: [Row], currents: [Row], key: String, through: Int64) async throws {
        let logger = target.logger
        try await target.transaction { connection in
            // Another run of this copy may have got here first.
            let done = try await connection.query("SELECT copied_through FROM hub_copy WHERE source = \(key) FOR UPDATE", logger: logger)
                .collect().first?.decode(Int64.self) ?? 0
            guard done < through else { return }
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresHubSchema.sequenceLock))", logger: logger)
            let position = try await connection.query("SELECT last_value, is_called FROM record_seq", logger: logger).collect().first
            let (last, called) = try position?.decode((Int64, Bool).self) ?? (Int64(0), false)
            // The last number handed out (a new sequence has handed out none).
            var next = called ? last : last - 1
            var versions: [JSONValue] = []
            versions.reserveCapacity(rows.count)
            for row in rows where (row["seq"] as Int64) > done {
                next = max(next + 1, row["seq"] as Int64)
                versions.append(.object([
                    ("seq", .integer(next)), ("facility_id", .string(row["facility_id"])), ("type", .string(row["type"])), ("id", .string(row["id"])),
                    ("hub_version", .integer(row["hub_version"])), ("device_id", .string(row["device_id"])),
                    ("device_version", .integer(row["device_version"])), ("base_version", .integer(row["base_version"])),
                    ("updated_at", .string(row["updated_at"])), ("received_at", .string(row["received_at"])),
                    ("payload", .string(row["payload"])), ("payload_hash", .string(row["payload_hash"])),
                ]))
            }
            if next > 0 { try await connection.query("SELECT setval('record_seq', \(next))", logger: logger) }
            try await connection.query("""
                INSERT INTO record_version (seq, facility_id, type, id, hub_version, device_id, device_version, base_version, updated_at,
                                            received_at, payload, payload_hash)
                SELECT seq, facility_id, type, id, hub_version, device_id, device_version, base_version, updated_at, received_at, payload, payload_hash
                FROM json_to_recordset(\(JSONValue.array(versions).serialized(pretty: false))::json) AS x(seq bigint, facility_id text, type text,
                     id text, hub_version bigint, device_id text, device_version bigint, base_version bigint, updated_at text, received_at text,
                     payload text, payload_hash text)
                """, logger: logger)
            // The current pointer of each record whose current version is in this chunk, to its new number.
            let pointers = JSONValue.array(currents.map { row in
                .object([("facility_id", .string(row["facility_id"])), ("type", .string(row["type"])), ("id", .string(row["id"])),
                         ("hub_version", .integer(row["hub_version"])), ("device_id", .string(row["device_id"])),
                         ("device_version", .integer(row["device_version"])),
                         ("patient_id", (row["patient_id"] as String?).map(JSONValue.string) ?? .null),
                         ("parent_id", (row["parent_id"] as String?).map(JSONValue.string) ?? .null)])
            }).serialized(pretty: false)
            try await connection.query("""
                INSERT INTO record (facility_id, type, id, seq, hub_version, device_id, device_version, patient_id, parent_id)
                SELECT x.facility_id, x.type, x.id, v.seq, x.hub_version, x.device_id, x.device_version, x.patient_id, x.parent_id
                FROM json_to_recordset(\(pointers)::json) AS x(facility_id text, type text, id text, hub_version bigint, device_id text,
                     device_version bigint, patient_id text, parent_id text)
                JOIN record_version v ON v.facility_id = x.facility_id AND v.type = x.type AND v.id = x.id AND v.hub_version = x.hub_version
                """, logger: logger)
            try await connection.query("UPDATE hub_copy SET copied_through = \(through) WHERE source = \(key)", logger: logger)
        }
    }

    /// Conflicts, identifiers, likely duplicates and report rows, once every version is in: one transaction,
    /// done once (a run after a finished copy only compares).
    private func finish(key: String, facilities: [String]) async throws {
        let tables = try source.writer.read { db -> [String: [Row]] in
            var tables = [
                "conflict": try Row.fetchAll(db, sql: """
                    SELECT c.facility_id, c.type, c.record_id, c.found_at, kept.hub_version AS kept_version, cur.hub_version AS current_version
                    FROM conflict c JOIN record_version kept ON kept.seq = c.kept_seq JOIN record_version cur ON cur.seq = c.current_seq ORDER BY c.id
                    """),
                "patient_identifier": try Row.fetchAll(db, sql: "SELECT * FROM patient_identifier"),
                "duplicate_pair": try Row.fetchAll(db, sql: "SELECT * FROM duplicate_pair"),
            ]
            for table in ReportTable.allCases { tables[table.rawValue] = try Row.fetchAll(db, sql: "SELECT * FROM \(table.rawValue)") }
            for (table, _) in Self.hipTables { tables[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table)") }
            return tables
        }
        let logger = target.logger
        let now = target.clock.now().iso8601
        try await target.transaction { connection in
            let finished = try await connection.query("SELECT finished_at FROM hub_copy WHERE source = \(key) FOR UPDATE", logger: logger)
                .collect().first?.decode(String?.self)
            if finished != nil { return }
            let json = { (rows: [Row], columns: [String]) -> String in
                JSONValue.array(rows.map { row in .object(columns.map { (key: $0, value: Self.jsonValue(row[$0])) }) }).serialized(pretty: false)
            }
            let conflictColumns = ["facility_id", "type", "record_id", "found_at", "kept_version", "current_version"]
            try await connection.query("""
                INSERT INTO conflict (facility_id, type, record_id, kept_seq, current_seq, found_at)
                SELECT x.facility_id, x.type, x.record_id, kept.seq, cur.seq, x.found_at
                FROM json_to_recordset(\(json(tables["conflict"] ?? [], conflictColumns))::json) AS x(facility_id text, type text, record_id text,
                     found_at text, kept_version bigint, current_version bigint)
                JOIN record_version kept ON kept.facility_id = x.facility_id AND kept.type = x.type AND kept.id = x.record_id AND kept.hub_version = x.kept_version
                JOIN record_version cur ON cur.facility_id = x.facility_id AND cur.type = x.type AND cur.id = x.record_id AND cur.hub_version = x.current_version
                """, logger: logger)
            let plain: [(table: String, columns: [(name: String, type: String)])] = [
                ("patient_identifier", [("facility_id", "text"), ("kind", "text"), ("value", "text"), ("patient_id", "text")]),
                ("duplicate_pair", [("facility_id", "text"), ("patient_a", "text"), ("patient_b", "text"), ("reason", "text"), ("found_at", "text")]),
            ] + ReportTable.allCases.map { table in (table.rawValue, table.columns.map { ($0.name, $0.postgresType) }) } + Self.hipTables
            for (table, columns) in plain {
                let names = columns.map(\.name).joined(separator: ", ")
                let definition = columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
                try await connection.query("""
                    INSERT INTO \(unescaped: table) (\(unescaped: names))
                    SELECT \(unescaped: names) FROM json_to_recordset(\(json(tables[table] ?? [], columns.map(\.name)))::json) AS x(\(unescaped: definition))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            try await connection.query("UPDATE hub_copy SET finished_at = \(now) WHERE source = \(key)", logger: logger)
        }
    }

    /// What the hub keeps as ABDM's HIP that must move with the records: care contexts and their links, link
    /// tokens, consents (an HIU may still ask under one) and transfers. Requests awaiting an answer, REQUEST-IDs
    /// and patients' link requests are short-lived: a request in flight is sent again when its wait ends.
    static let hipTables: [(table: String, columns: [(name: String, type: String)])] = [
        ("care_context", [("facility_id", "text"), ("record_id", "text"), ("patient_id", "text"), ("abha_address", "text"), ("abha_number", "text"),
                          ("display", "text"), ("hi_type", "text"), ("visit_day", "text"), ("state", "text"), ("attempts", "integer"),
                          ("next_attempt_at", "text"), ("last_error", "text"), ("awaiting", "text"), ("linked_at", "text"), ("created_at", "text"),
                          ("updated_at", "text")]),
        ("link_token", [("facility_id", "text"), ("abha_address", "text"), ("token", "text"), ("expires_at", "text")]),
        ("consent_artefact", [("consent_id", "text"), ("facility_id", "text"), ("status", "text"), ("patient_address", "text"),
                              ("care_contexts", "text"), ("hi_types", "text"), ("date_from", "text"), ("date_to", "text"), ("data_erase_at", "text"),
                              ("hiu_id", "text"), ("received_at", "text"), ("updated_at", "text")]),
        ("data_transfer", [("transaction_id", "text"), ("consent_id", "text"), ("facility_id", "text"), ("status", "text"), ("delivered", "integer"),
                           ("errored", "integer"), ("requested_at", "text"), ("finished_at", "text"), ("reason", "text")]),
    ]

    /// SQLite's value as JSON for `json_to_recordset` (a report table's 0 and 1 flags read as PostgreSQL booleans).
    static func jsonValue(_ value: DatabaseValue) -> JSONValue {
        switch value.storage {
        case .null: return .null
        case .int64(let number): return .integer(number)
        case .double(let number): return .number(number)
        case .string(let text): return .string(text)
        case .blob(let data): return .string(data.base64EncodedString())
        }
    }

    /// Every count, facility by facility, at the source and in PostgreSQL.
    private func compare(_ facilities: [String]) async throws -> [Count] {
        let queries: [(what: String, sql: String)] = [
            ("versions", "SELECT facility_id, count(*) FROM record_version GROUP BY facility_id"),
            ("records", "SELECT facility_id, count(*) FROM record GROUP BY facility_id"),
            ("conflicts", "SELECT facility_id, count(*) FROM conflict GROUP BY facility_id"),
            ("ABHA identifiers", "SELECT facility_id, count(*) FROM patient_identifier GROUP BY facility_id"),
            ("likely duplicates", "SELECT facility_id, count(*) FROM duplicate_pair GROUP BY facility_id"),
            ("care contexts", "SELECT facility_id, count(*) FROM care_context GROUP BY facility_id"),
            ("linked care contexts", "SELECT facility_id, count(*) FROM care_context WHERE state = 'linked' GROUP BY facility_id"),
            ("link tokens", "SELECT facility_id, count(*) FROM link_token GROUP BY facility_id"),
            ("consents", "SELECT facility_id, count(*) FROM consent_artefact GROUP BY facility_id"),
            ("transfers", "SELECT facility_id, count(*) FROM data_transfer GROUP BY facility_id"),
        ] + ReportTable.allCases.map { ("\($0.rawValue) rows", "SELECT facility_id, count(*) FROM \($0.rawValue) GROUP BY facility_id") }
        var counts: [Count] = []
        for (what, sql) in queries {
            let atSource = try await source.writer.read { db in
                Dictionary(try Row.fetchAll(db, sql: sql).map { ($0[0] as String, $0[1] as Int) }, uniquingKeysWith: +)
            }
            let atTarget = Dictionary(try await target.client.query(PostgresQuery(unsafeSQL: sql), logger: target.logger).collect().map { row in
                let (facility, count) = try row.decode((String, Int64).self)
                return (facility, Int(count))
            }, uniquingKeysWith: +)
            for facility in facilities {
                counts.append(Count(what: "\(facility) \(what)", source: atSource[facility] ?? 0, target: atTarget[facility] ?? 0))
            }
        }
        // The source's devices, each found in PostgreSQL with the same token (others may have been added there).
        let devices = try source.writer.read { db in try Row.fetchAll(db, sql: "SELECT id, token_hash FROM device") }
        let ids = devices.map { $0["id"] as String }
        let found = try await target.client.query("SELECT id, token_hash FROM device WHERE id = ANY(\(ids))", logger: target.logger).collect()
            .map { try $0.decode((String, String).self) }
        let tokens = Dictionary(found, uniquingKeysWith: { first, _ in first })
        counts.append(Count(what: "devices", source: devices.count, target: devices.filter { tokens[$0["id"] as String] == ($0["token_hash"] as String) }.count))
        return counts
    }
}
