import ArogyaCore
import Crypto
import Foundation
import GRDB

extension HubDatabase {
    public func addFacility(id: String, name: String) async throws {
        let (id, name) = try HubAdminRules.facility(id: id, name: name)
        try await writer.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM facility WHERE id = ?", arguments: [id]) == true {
                throw HubError.facilityExists(id)
            }
            try db.execute(sql: "INSERT INTO facility (id, name, created_at) VALUES (?, ?, ?)",
                           arguments: [id, name, clock.now().iso8601])
        }
    }

    public func addDevice(facilities given: [String], role: DeviceRole, label: String?) async throws -> (device: HubDevice, token: String) {
        let facilities = try HubAdminRules.deviceFacilities(given, role: role)
        let token = DeviceToken.generate()
        let now = clock.now()
        let device = HubDevice(id: UUIDv7.string(at: now), facilityID: facilities[0], label: label, role: role, facilities: facilities)
        try await writer.write { db in
            for facility in facilities {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM facility WHERE id = ?", arguments: [facility]) == true else {
                    throw HubError.unknownFacility(facility)
                }
            }
            try db.execute(sql: "INSERT INTO device (id, facility_id, token_hash, label, created_at, role) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [device.id, device.facilityID, DeviceToken.hash(token), label, now.iso8601, role.rawValue])
            for facility in facilities {
                try db.execute(sql: "INSERT INTO device_facility (device_id, facility_id) VALUES (?, ?)", arguments: [device.id, facility])
            }
        }
        return (device, token)
    }

    public func revokeDevice(_ id: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE device SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?", arguments: [clock.now().iso8601, id])
            guard db.changesCount == 1 else { throw HubError.unknownDevice(id) }
        }
    }

    public func device(forToken token: String) async throws -> HubDevice? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, facility_id, label, role FROM device WHERE token_hash = ? AND revoked_at IS NULL",
                                             arguments: [DeviceToken.hash(token)]) else { return nil }
            let id: String = row["id"]
            let home: String = row["facility_id"]
            let covered = try String.fetchAll(db, sql: "SELECT facility_id FROM device_facility WHERE device_id = ? ORDER BY facility_id", arguments: [id])
            // Devices added before supervisors' devices existed have no rows there: their own facility.
            let facilities = [home] + covered.filter { $0 != home }
            return HubDevice(id: id, facilityID: home, label: row["label"], role: DeviceRole(rawValue: row["role"]) ?? .terminal,
                             facilities: facilities)
        }
    }

    public func facilityName(_ id: String) async throws -> String? {
        try await writer.read { db in try String.fetchOne(db, sql: "SELECT name FROM facility WHERE id = ?", arguments: [id]) }
    }

    public func stats() async throws -> HubStats {
        try await writer.read { db in
            let counts = try Row.fetchAll(db, sql: """
                SELECT facility_id, type, count(*) AS n FROM record GROUP BY facility_id, type ORDER BY facility_id, type
                """).map { HubStats.Count(facility: $0["facility_id"], type: $0["type"], records: $0["n"]) }
            let devices = try Row.fetchAll(db, sql: """
                SELECT id, facility_id, label, revoked_at, last_push_at, last_pull_at FROM device ORDER BY facility_id, created_at
                """).map { row in
                HubStats.Device(id: row["id"], facility: row["facility_id"], label: row["label"],
                                revoked: (row["revoked_at"] as String?) != nil,
                                lastPush: (row["last_push_at"] as String?).flatMap(Timestamp.init(iso8601:)),
                                lastPull: (row["last_pull_at"] as String?).flatMap(Timestamp.init(iso8601:)))
            }
            let conflicts = try Int.fetchOne(db, sql: "SELECT count(*) FROM conflict") ?? 0
            let duplicates = try Int.fetchOne(db, sql: "SELECT count(*) FROM duplicate_pair") ?? 0
            return HubStats(counts: counts, devices: devices, openConflicts: conflicts, duplicatePairs: duplicates)
        }
    }

    public func conflicts() async throws -> [HubConflict] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.facility_id, c.type, c.record_id, c.found_at,
                       cur.hub_version AS current_version, cur.device_id AS current_device,
                       kept.hub_version AS kept_version, kept.device_id AS kept_device
                FROM conflict c
                JOIN record_version cur ON cur.seq = c.current_seq
                JOIN record_version kept ON kept.seq = c.kept_seq
                ORDER BY c.id
                """).map { row in
                HubConflict(facility: row["facility_id"], type: row["type"], recordID: row["record_id"],
                            foundAt: row.storedTime("found_at"),
                            current: (row["current_version"], row["current_device"]), kept: (row["kept_version"], row["kept_device"]))
            }
        }
    }

    public func duplicates() async throws -> [HubDuplicate] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM duplicate_pair ORDER BY found_at, patient_a").map { row in
                HubDuplicate(facility: row["facility_id"], patientA: row["patient_a"], patientB: row["patient_b"], reason: row["reason"],
                             foundAt: row.storedTime("found_at"))
            }
        }
    }
}

/// What an admin may add, judged alike by every store.
enum HubAdminRules {
    /// The facility's ID and name, trimmed, or why they cannot be used.
    static func facility(id: String, name: String) throws -> (id: String, name: String) {
        let trimmedID = id.trimmingCharacters(in: .whitespaces)
        let trimmedName = name.trimmingCharacters(in: .whitespaces)
        guard !trimmedID.isEmpty, trimmedID.count <= 64, !trimmedID.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw HubError.invalid("a facility ID is 1 to 64 characters without spaces, such as its HFR ID")
        }
        guard !trimmedName.isEmpty else { throw HubError.invalid("the facility needs a name") }
        return (trimmedID, trimmedName)
    }

    /// The facilities a device covers, each once, its own first; a terminal has exactly one.
    static func deviceFacilities(_ given: [String], role: DeviceRole) throws -> [String] {
        var unique: [String] = []
        for facility in given where !unique.contains(facility) { unique.append(facility) }
        guard !unique.isEmpty else { throw HubError.invalid("name the device's facility with --facility") }
        guard role == .supervisor || unique.count == 1 else {
            throw HubError.invalid("a terminal belongs to one facility; a device covering several is a supervisor's (--role supervisor)")
        }
        return unique
    }
}

/// Device tokens: "aro_" and 32 random bytes as base64url, shown once; the hub keeps only their SHA-256.
/// A token this long cannot be guessed, so a plain hash (not a slow one, as for a PIN) is enough and keeps
/// every request cheap to check. The prefix keeps a token from starting with "-", which a command line
/// would take for an option, and lets secret scanners recognise one pasted where it should not be.
public enum DeviceToken {
    public static let prefix = "aro_"

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).hexadecimal
    }
}
