import ArogyaCore
import ArogyaStore
import Foundation

/// Shared test data: the text table, clocks and set-up databases.
public enum Fixtures {
    /// The real English table from `assets/`.
    public static let strings: StringTable = {
        guard let assets = AssetDirectory.locate(), let table = try? StringTable.load(from: assets) else {
            fatalError("assets/strings/en.json not found: tests run from the package")
        }
        return table
    }()

    /// Every installed table (English and Hindi) from `assets/strings/`.
    public static let catalog: StringCatalog = {
        guard let assets = AssetDirectory.locate(), let catalog = try? StringCatalog.load(from: assets) else {
            fatalError("assets/strings not found: tests run from the package")
        }
        return catalog
    }()

    /// The Hindi table.
    public static let hindi: StringTable = catalog.table(for: .hindi)

    /// The protocol files from `assets/protocols/`.
    public static let protocolLibrary: ProtocolLibrary = {
        guard let assets = AssetDirectory.locate() else { fatalError("assets not found: tests run from the package") }
        do {
            return try ProtocolLibrary.load(from: assets)
        } catch {
            fatalError("the protocol files do not load: \(error)")
        }
    }()

    /// The record rules' text and protocols.
    public static let vocabulary = RecordVocabulary(strings: strings, protocols: protocolLibrary)

    /// The national protocol file.
    public static let nationalProtocol: ScreeningProtocol = protocolLibrary.protocolFor(state: nil)

    /// 2026-11-22T09:30:00Z, a Sunday.
    public static let now = Timestamp(iso8601: "2026-11-22T09:30:00.000Z")!

    /// A clock that can be moved forward by the test.
    public final class SteppedClock: @unchecked Sendable {
        private let lock = NSLock()
        private var current: Timestamp

        public init(_ start: Timestamp = Fixtures.now) {
            current = start
        }

        public func advance(seconds: Int64) {
            lock.lock()
            current = current.adding(seconds: seconds)
            lock.unlock()
        }

        public var wallClock: WallClock {
            WallClock { [self] in
                lock.lock()
                defer { lock.unlock() }
                return current
            }
        }
    }

    /// Local time in UTC, so snapshots do not depend on the machine's zone.
    public static let utcLocalTime: @Sendable (Timestamp) -> LocalTime = { timestamp in
        let msOfDay = ((timestamp.millisecondsSince1970 % 86_400_000) + 86_400_000) % 86_400_000
        return LocalTime(date: timestamp.utcDay, hour: Int(msOfDay / 3_600_000), minute: Int(msOfDay / 60_000 % 60))
    }

    public static let supervisorPin = "4826"
    public static let workerPin = "7391"

    public static let standardSetup = FacilitySetup(
        facilityName: "AAM Rampur", hfrId: "IN0910000123", state: .UP, villages: ["Rampur", "Sitapur", "Ward 4"],
        supervisor: NewAccount(username: "priya", fullName: "Priya Sharma", role: .supervisor, pin: supervisorPin))

    /// An in-memory store with the standard facility, its supervisor `priya` and a worker `asha`
    /// (आशा देवी) who has chosen her own PIN.
    public static func setUpStore(clock: WallClock = .fixed(now)) throws -> AppDatabase {
        let store = try AppDatabase.inMemory(clock: clock)
        try store.completeSetup(standardSetup, by: .account("priya"))
        let worker = try store.addAccount(NewAccount(username: "asha", fullName: "आशा देवी", role: .worker, pin: "1590"),
                                          mustChangePin: true, by: .account("priya"))
        try store.changeOwnPin(accountId: worker.id, newPin: workerPin)
        return store
    }
}
