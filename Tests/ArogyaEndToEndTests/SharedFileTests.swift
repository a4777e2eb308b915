@testable import ArogyaStore
import ArogyaCore
import ArogyaTesting
import Foundation
import GRDB
import Testing

/// Two processes on one database file: neither may take the other's WAL away.
@Suite("One database, two processes", .serialized)
struct SharedFileTests {
    @Test("Given the file open here and opened a second time (as demo and due did for the facility's state), when another process opens and closes it, then our WAL stays and our writes land")
    func secondOpenKeepsLocks() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("a.sqlite")
        let setup = try BuiltProduct.run(["setup", "--db", path, "--facility", "AAM Rampur", "--supervisor", "priya", "--village", "Rampur"],
                                         stdin: "4826\n")
        #expect(setup.status == 0, "\(setup.stderr)")
        let store = try AppDatabase.open(path: path, mode: .mustExist, pinHasher: .fastForTests)
        let today = LocalTime(store.clock.now()).date
        func add(_ name: String, to store: AppDatabase) throws {
            let details = PatientDetails(name: name, sex: .female, birthDate: CivilDate(year: 1980, month: 1, day: 1)!, birthDateEstimated: false,
                                         village: "Rampur", consent: Consent(given: true, method: .verbal, date: today))
            _ = try store.registerPatient(details, confirmedNew: true, today: today, by: .commandLine(unixUser: "test"))
        }
        try add("Sita Devi", to: store)
        // The second open, as the facility's protocol is looked up.
        let again = try AppDatabase.open(path: path, mode: .forReading)
        _ = try again.facility()
        // Another process comes and goes. Had our locks been dropped, it would think itself the last user
        // and checkpoint and delete the WAL under our open pool.
        let other = try BuiltProduct.run(["patients", "search", "sita", "--db", path])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(FileManager.default.fileExists(atPath: path + "-wal"), "the other process took the WAL away")
        try add("Gita Devi", to: store)
        let found = try BuiltProduct.run(["patients", "search", "gita", "--json", "--db", path])
        #expect(found.stdout.contains("Gita Devi"))
        let integrity = try store.writer.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"])
    }
}
