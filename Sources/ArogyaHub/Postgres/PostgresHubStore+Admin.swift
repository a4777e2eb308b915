import ArogyaCore
import Foundation
import PostgresNIO

extension PostgresHubStore {
    public func addFacility(id: String, name: String) async throws {
        let (id, name) = try HubAdminRules.facility(id: id, name: name)
        let created = clock.now().iso8601
        let logger = self.logger
        try await transaction { connection in
            let inserted = try await connection.query("""
                INSERT INTO facility (id, name, created_at) VALUES (\(id), \(name), \(created)) ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: logger).collect()
            if inserted.isEmpty { throw HubError.facilityExists(id) }
        }
    }

    public func addDevice(facilities given: [String], role: DeviceRole, label: String?) async throws -> (device: HubDevice, token: String) {
        let facilities = try HubAdminRules.deviceFacilities(given, role: role)
        let token = DeviceToken.generate()
        let now = clock.now()
        let device = HubDevice(id: UUIDv7.string(at: now), facilityID: facilities[0], label: label, role: role, facilities: facilities)
        let logger = self.logger
        try await transaction { connection in
            let known = try await connection.query("SELECT id FROM facility WHERE id = ANY(\(facilities))", logger: logger)
                .collect().map { try $0.decode(String.self) }
            if let unknown = facilities.first(where: { !known.contains($0) }) { throw HubError.unknownFacility(unknown) }
            try await connection.query("""
                INSERT INTO device (id, facility_id, token_hash, label, created_at, role)
                VALUES (\(device.id), \(device.facilityID), \(DeviceToken.hash(token)), \(label), \(now.iso8601), \(role.rawValue))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO device_facility (device_id, facility_id) SELECT \(device.id), unnest(\(facilities)::text[])
                """, logger: logger)
        }
        return (device, token)
    }

    public func revokeDevice(_ id: String) async throws {
        let revoked = try await client.query("""
            UPDATE device SET revoked_at = coalesce(revoked_at, \(clock.now().iso8601)) WHERE id = \(id) RETURNING id
            """, logger: logger).collect()
        if revoked.isEmpty { throw HubError.unknownDevice(id) }
    }

    /// Read from the database on every request: a token revoked through one hub process is refused by all
    /// of them from the next request.
    public func device(forToken token: String) async throws -> HubDevice? {
        let rows = try await client.query("""
            SELECT d.id, d.facility_id, d.label, d.role, coalesce(array_agg(f.facility_id ORDER BY f.facility_id COLLATE "C") FILTER (WHERE f.facility_id IS NOT NULL), '{}')
            FROM device d LEFT JOIN device_facility f ON f.device_id = d.id
            WHERE d.token_hash = \(DeviceToken.hash(token)) AND d.revoked_at IS NULL
            GROUP BY d.id
            """, logger: logger).collect()
        guard let row = rows.first else { return nil }
        let (id, home, label, role, covered) = try row.decode((String, String, String?, String, [String]).self)
        return HubDevice(id: id, facilityID: home, label: label, role: DeviceRole(rawValue: role) ?? .terminal,
                         facilities: [home] + covered.filter { $0 != home })
    }

    public func facilityName(_ id: String) async throws -> String? {
        try await client.query("SELECT name FROM facility WHERE id = \(id)", logger: logger).collect().first?.decode(String.self)
    }

    public func stats() async throws -> HubStats {
        try await snapshot { [logger] connection in
            let counts = try await connection.query("""
                SELECT facility_id, type, count(*) FROM record GROUP BY facility_id, type ORDER BY facility_id COLLATE "C", type COLLATE "C"
                """, logger: logger).collect().map { row in
                let (facility, type, count) = try row.decode((String, String, Int64).self)
                return HubStats.Count(facility: facility, type: type, records: Int(count))
            }
            let devices = try await connection.query("""
                SELECT id, facility_id, label, revoked_at, last_push_at, last_pull_at FROM device ORDER BY facility_id COLLATE "C", created_at COLLATE "C"
                """, logger: logger).collect().map { row in
                let (id, facility, label, revoked, push, pull) = try row.decode((String, String, String?, String?, String?, String?).self)
                return HubStats.Device(id: id, facility: facility, label: label, revoked: revoked != nil,
                                       lastPush: push.flatMap(Timestamp.init(iso8601:)), lastPull: pull.flatMap(Timestamp.init(iso8601:)))
            }
            let conflicts = try await connection.query("SELECT count(*) FROM conflict", logger: logger).collect().first?.decode(Int64.self) ?? 0
            let duplicates = try await connection.query("SELECT count(*) FROM duplicate_pair", logger: logger).collect().first?.decode(Int64.self) ?? 0
            return HubStats(counts: counts, devices: devices, openConflicts: Int(conflicts), duplicatePairs: Int(duplicates))
        }
    }

    public func conflicts() async throws -> [HubConflict] {
        try await client.query("""
            SELECT c.facility_id, c.type, c.record_id, c.found_at, cur.hub_version, cur.device_id, kept.hub_version, kept.device_id
            FROM conflict c
            JOIN record_version cur ON cur.seq = c.current_seq
            JOIN record_version kept ON kept.seq = c.kept_seq
            ORDER BY c.id
            """, logger: logger).collect().map { row in
            let (facility, type, id, found, currentVersion, currentDevice, keptVersion, keptDevice) =
                try row.decode((String, String, String, String, Int64, String, Int64, String).self)
            return HubConflict(facility: facility, type: type, recordID: id, foundAt: Self.storedTime(found),
                               current: (currentVersion, currentDevice), kept: (keptVersion, keptDevice))
        }
    }

    public func duplicates() async throws -> [HubDuplicate] {
        try await client.query("""
            SELECT facility_id, patient_a, patient_b, reason, found_at FROM duplicate_pair ORDER BY found_at COLLATE "C", patient_a COLLATE "C"
            """, logger: logger).collect().map { row in
            let (facility, a, b, reason, found) = try row.decode((String, String, String, String, String).self)
            return HubDuplicate(facility: facility, patientA: a, patientB: b, reason: reason, foundAt: Self.storedTime(found))
        }
    }

    /// A time the hub stored; as on SQLite, one that does not read back shows as the epoch.
    static func storedTime(_ text: String) -> Timestamp {
        Timestamp(iso8601: text) ?? Timestamp(millisecondsSince1970: 0)
    }
}
