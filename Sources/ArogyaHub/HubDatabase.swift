import ArogyaCore
import Foundation
import GRDB

/// The hub's own store: facilities, devices, every version of every record a device sent, conflicts and
/// likely duplicates. SQLite through GRDB, in WAL mode, so that pulls read while a push writes.
public final class HubDatabase: HubStorage, @unchecked Sendable {
    let writer: any DatabaseWriter
    let clock: WallClock
    /// Every pushed record is judged by the rules a terminal applies (`RecordRules`).
    public let vocabulary: RecordVocabulary
    public let hooks = HubStoreHooks()

    /// Opens (creating when missing) the hub database at `path`; ":memory:" for tests. The record rules'
    /// vocabulary is read from the assets unless given.
    public init(path: String, clock: WallClock = .system, vocabulary: RecordVocabulary? = nil) throws {
        self.clock = clock
        self.vocabulary = try vocabulary ?? RecordVocabulary.locate()
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        if path == ":memory:" {
            writer = try DatabaseQueue(configuration: configuration)
        } else {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                                          attributes: [.posixPermissions: 0o700]) }
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            writer = try DatabasePool(path: path, configuration: configuration)
        }
        let (pending, superseded) = try writer.read { try (!Self.migrator.hasCompletedMigrations($0), Self.migrator.hasBeenSuperseded($0)) }
        if superseded {
            let unknown = try writer.read { db in try Self.migrator.appliedIdentifiers(db).subtracting(Self.migrator.migrations) }
            throw HubError.newerDatabase("\(path) has migrations \(unknown.sorted().joined(separator: ", ")) that this arogya-hub (\(ArogyaVersion.current)) does not know")
        }
        try Self.migrator.migrate(writer)
        // A migration may write a lot (the report tables' fill writes a row per record): moved into the
        // database file now, rather than left in the WAL for every read to search until the next checkpoint.
        // Best effort: another process reading the file at that moment only leaves it for a later checkpoint.
        if pending, writer is DatabasePool { _ = try? writer.writeWithoutTransaction { try $0.checkpoint(.truncate) } }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("hub-v1") { db in
            try db.execute(sql: """
                CREATE TABLE facility (
                    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                    name TEXT NOT NULL CHECK (length(name) > 0),
                    created_at TEXT NOT NULL
                ) STRICT;

                -- A terminal allowed to sync. Only the SHA-256 of its token is kept: the token itself is
                -- shown once, when the device is added.
                CREATE TABLE device (
                    id TEXT PRIMARY KEY NOT NULL,
                    facility_id TEXT NOT NULL REFERENCES facility(id),
                    token_hash TEXT NOT NULL UNIQUE,
                    label TEXT,
                    created_at TEXT NOT NULL,
                    revoked_at TEXT,
                    last_push_at TEXT,
                    last_pull_at TEXT
                ) STRICT;

                -- Every version of every record the hub accepted, in the order it arrived (seq).
                CREATE TABLE record_version (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    facility_id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    id TEXT NOT NULL,
                    hub_version INTEGER NOT NULL,
                    device_id TEXT NOT NULL,
                    device_version INTEGER NOT NULL,
                    base_version INTEGER NOT NULL,
                    updated_at TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    payload_hash TEXT NOT NULL,
                    UNIQUE (facility_id, type, id, hub_version)
                ) STRICT;
                CREATE INDEX record_version_resend ON record_version(facility_id, type, id, device_id, device_version);

                -- The current version of each record, and what the FHIR endpoints look records up by.
                CREATE TABLE record (
                    facility_id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    id TEXT NOT NULL,
                    seq INTEGER NOT NULL UNIQUE,
                    hub_version INTEGER NOT NULL,
                    device_id TEXT NOT NULL,
                    device_version INTEGER NOT NULL,
                    -- The patient a screening or referral is about; the screening a referral came from.
                    patient_id TEXT,
                    parent_id TEXT,
                    PRIMARY KEY (facility_id, type, id)
                ) WITHOUT ROWID, STRICT;
                CREATE INDEX record_pull ON record(facility_id, seq, device_id);
                CREATE INDEX record_patient ON record(facility_id, type, patient_id) WHERE patient_id IS NOT NULL;
                CREATE INDEX record_parent ON record(facility_id, type, parent_id) WHERE parent_id IS NOT NULL;

                -- Two devices changed the same record from the same version: both versions are kept.
                CREATE TABLE conflict (
                    id INTEGER PRIMARY KEY,
                    facility_id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    record_id TEXT NOT NULL,
                    -- The version that was current and was overtaken, and the one that overtook it.
                    kept_seq INTEGER NOT NULL REFERENCES record_version(seq),
                    current_seq INTEGER NOT NULL REFERENCES record_version(seq),
                    found_at TEXT NOT NULL
                ) STRICT;
                CREATE INDEX conflict_record ON conflict(facility_id, type, record_id);

                -- Patients' ABHA numbers and addresses, to notice two registrations of one person.
                CREATE TABLE patient_identifier (
                    facility_id TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('abha_number', 'abha_address')),
                    value TEXT NOT NULL,
                    patient_id TEXT NOT NULL,
                    PRIMARY KEY (facility_id, kind, value, patient_id)
                ) WITHOUT ROWID, STRICT;
                CREATE INDEX patient_identifier_patient ON patient_identifier(facility_id, patient_id);

                -- Likely one person registered twice, for a supervisor to merge (patient_a < patient_b).
                CREATE TABLE duplicate_pair (
                    facility_id TEXT NOT NULL,
                    patient_a TEXT NOT NULL,
                    patient_b TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    found_at TEXT NOT NULL,
                    PRIMARY KEY (facility_id, patient_a, patient_b)
                ) WITHOUT ROWID, STRICT;
                """)
        }
        migrator.registerMigration("hub-v2-supervisor-devices") { db in
            try db.execute(sql: """
                -- A terminal writes its facility's records; a supervisor's device (a block coordinator's) reads
                -- several facilities and writes only reviews.
                ALTER TABLE device ADD COLUMN role TEXT NOT NULL DEFAULT 'terminal' CHECK (role IN ('terminal', 'supervisor'));
                -- The facilities a supervisor's device covers (its own facility_id is the first of them).
                CREATE TABLE device_facility (
                    device_id TEXT NOT NULL REFERENCES device(id),
                    facility_id TEXT NOT NULL REFERENCES facility(id),
                    PRIMARY KEY (device_id, facility_id)
                ) WITHOUT ROWID, STRICT;
                -- A pull over several facilities walks the sequence once, not each facility's range.
                CREATE INDEX record_seq ON record(seq);
                """)
        }
        migrator.registerMigration("hub-v3-report-tables") { db in
            try HubReportTables.create(db)
            try HubReportTables.backfill(db)
        }
        migrator.registerMigration("hub-v4-hip") { db in
            try createHipTables(db)
        }
        return migrator
    }
}

/// What an admin or a device asked for that the hub cannot do, with a message to act on.
public enum HubError: Error, Equatable, CustomStringConvertible {
    case facilityExists(String)
    case unknownFacility(String)
    case unknownDevice(String)
    case invalid(String)
    /// The database was made or upgraded by a newer hub: this one would misread it.
    case newerDatabase(String)

    public var description: String {
        switch self {
        case .facilityExists(let id): return "facility \(id) already exists"
        case .unknownFacility(let id): return "no facility \(id); add it with: arogya-hub facilities add \(id) --name NAME"
        case .unknownDevice(let id): return "no device \(id); list them with: arogya-hub stats"
        case .invalid(let message): return message
        case .newerDatabase(let what): return "\(what): a newer arogya-hub made it; upgrade arogya-hub rather than open it with this one"
        }
    }
}

extension Row {
    /// A time the hub stored (UTC ISO 8601 text). The hub writes every one of them itself, so one that does
    /// not read back can only be damage; it shows as the epoch rather than stopping a report.
    func storedTime(_ column: String) -> Timestamp {
        (self[column] as String?).flatMap(Timestamp.init(iso8601:)) ?? Timestamp(millisecondsSince1970: 0)
    }
}
