import ArogyaCore
import Dispatch
import Synchronization

/// What the hub needs of its storage: SQLite (`HubDatabase`, embedded, for a PHC) and PostgreSQL
/// (`PostgresHubStore`, for a block or district, behind several hub processes). Every call is asynchronous:
/// none blocks the server's threads. Both are held to one suite of tests.
public protocol HubStorage: HipStorage {
    func addFacility(id: String, name: String) async throws
    /// Adds a device and returns it with its token, which is not kept and cannot be shown again: a terminal
    /// of one facility, or a supervisor's device covering one or more.
    func addDevice(facilities: [String], role: DeviceRole, label: String?) async throws -> (device: HubDevice, token: String)
    func revokeDevice(_ id: String) async throws
    /// The device a bearer token belongs to, when it is known and not revoked.
    func device(forToken token: String) async throws -> HubDevice?

    /// Applies a batch in one transaction and answers for each record, in order.
    func push(_ items: [(raw: JSONValue, record: Result<SyncWire.Record, JSONInputError>)], from device: HubDevice) async throws -> SyncWire.PushResponse
    /// Records written by the device's facility's other devices after `after`, in sequence order. The
    /// cursor it returns never passes a version that is still to be committed.
    func pull(for device: HubDevice, after: Int64, limit: Int) async throws -> SyncWire.PullResponse

    /// The current version of a record of the facility, or nil.
    func record(type: String, id: String, facility: String) async throws -> StoredRecord?
    /// Current records of a type about a patient (screenings, referrals), oldest first.
    func records(type: String, patient: String, facility: String) async throws -> [StoredRecord]
    /// Current referrals made at a screening.
    func records(type: String, parent: String, facility: String) async throws -> [StoredRecord]
    /// The most recently written record of a type (the facility's own description).
    func latestRecord(type: String, facility: String) async throws -> StoredRecord?
    /// The name the hub's admin gave the facility.
    func facilityName(_ id: String) async throws -> String?

    func stats() async throws -> HubStats
    func conflicts() async throws -> [HubConflict]
    func duplicates() async throws -> [HubDuplicate]

    /// Where a test holds the store still.
    var hooks: HubStoreHooks { get }
}

/// Points where a test holds a store still, to force an interleaving that is otherwise a matter of timing.
/// Nothing is set outside tests.
public final class HubStoreHooks: Sendable {
    /// Inside a push's transaction, after its versions are written, before it commits.
    public let pushWillCommit = HubPause()
    public init() {}
}

/// A pause a test sets: the store awaits it where it is reached.
public final class HubPause: Sendable {
    private let action = Mutex<(@Sendable () async -> Void)?>(nil)

    public init() {}

    public func set(_ body: (@Sendable () async -> Void)?) { action.withLock { $0 = body } }

    func wait() async {
        if let body = action.withLock({ $0 }) { await body() }
    }

    /// From a store's synchronous transaction (SQLite's, on its writer's own thread, not the server's).
    func waitBlocking() {
        guard let body = action.withLock({ $0 }) else { return }
        let done = DispatchSemaphore(value: 0)
        Task {
            await body()
            done.signal()
        }
        done.wait()
    }
}

/// What a device may do at the hub.
public enum DeviceRole: String, CaseIterable, Sendable {
    /// A facility's terminal: writes and reads its facility's records.
    case terminal
    /// A supervisor's device: reads every facility it covers, writes only reviews (each stored with the
    /// facility of the screening it reviews).
    case supervisor
}

public struct HubDevice: Equatable, Sendable {
    public let id: String
    /// Its own facility: a terminal's, or the first a supervisor's device covers.
    public let facilityID: String
    public let label: String?
    public let role: DeviceRole
    /// Every facility it reads: a terminal's one, or a supervisor's several.
    public let facilities: [String]

    public init(id: String, facilityID: String, label: String?, role: DeviceRole = .terminal, facilities: [String]? = nil) {
        self.id = id
        self.facilityID = facilityID
        self.label = label
        self.role = role
        self.facilities = facilities ?? [facilityID]
    }
}

extension HubStorage {
    /// A facility's terminal.
    public func addDevice(facility: String, label: String?) async throws -> (device: HubDevice, token: String) {
        try await addDevice(facilities: [facility], role: .terminal, label: label)
    }
}

/// A record's current version as the hub holds it.
public struct StoredRecord: Sendable {
    public let type: String
    public let id: String
    public let hubVersion: Int64
    public let deviceID: String
    public let updatedAt: Timestamp
    public let receivedAt: Timestamp
    public let payload: JSONValue
}

public struct HubStats: Sendable {
    public struct Count: Sendable {
        public let facility: String
        public let type: String
        public let records: Int
    }
    public struct Device: Sendable {
        public let id: String
        public let facility: String
        public let label: String?
        public let revoked: Bool
        public let lastPush: Timestamp?
        public let lastPull: Timestamp?
    }
    public let counts: [Count]
    public let devices: [Device]
    public let openConflicts: Int
    public let duplicatePairs: Int
}

public struct HubConflict: Sendable {
    public let facility: String
    public let type: String
    public let recordID: String
    public let foundAt: Timestamp
    /// The version now current and the one it overtook, each with the device that wrote it.
    public let current: (hubVersion: Int64, device: String)
    public let kept: (hubVersion: Int64, device: String)
}

public struct HubDuplicate: Sendable {
    public let facility: String
    public let patientA: String
    public let patientB: String
    public let reason: String
    public let foundAt: Timestamp
}

/// When a device last pulled is kept to the minute: a terminal pulling every few seconds does not write
/// each time.
enum DeviceActivity {
    static let resolutionMilliseconds: Int64 = 60_000

    static func isStale(_ last: Timestamp?, now: Timestamp) -> Bool {
        guard let last else { return true }
        return now.millisecondsSince1970 - last.millisecondsSince1970 >= resolutionMilliseconds
    }
}
