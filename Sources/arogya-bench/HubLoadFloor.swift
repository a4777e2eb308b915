import ArogyaCore
import ArogyaHub
import Crypto
import Foundation

/// The floor of the hub's push: the same versions, as the hub stores them (payload text and its hash),
/// inserted batch by batch into the same `record_version` table of a new store by the store's own client
/// (`sqlite3`, `psql`), each batch one transaction of multi-row INSERTs. The time is the client's whole run,
/// reading its SQL included, as the hub's is a whole push.
enum HubLoadFloor {
    struct Result {
        let rows: Int
        let seconds: Double
        var rate: Double { Double(rows) / seconds }
    }

    static func measure(_ store: HubLoadBenchmark.Store, layout: LoadLayout, versions: Int, batch: Int, root: String,
                        admin: String?) async throws -> Result {
        let name = "arogya_bench_floor_\(getpid())_\(store.rawValue)"
        let script = root + "/\(name).sql"
        let rows = try writeScript(to: script, layout: layout, versions: versions, batch: batch, postgres: store == .postgres)
        defer { try? FileManager.default.removeItem(atPath: script) }
        switch store {
        case .sqlite:
            // The hub's own schema, made by the hub's code; then only sqlite3 writes.
            let path = root + "/\(name).sqlite"
            _ = try BenchStores.freshSQLite(path)
            defer { BenchStores.removeSQLite(path) }
            let seconds = try timed("/usr/bin/sqlite3", [path, ".read \(script)"])
            return Result(rows: rows, seconds: seconds)
        case .postgres:
            let (store, url, server) = try await BenchStores.freshPostgres(name, admin: admin, poolSize: 1)
            store.close()
            let seconds = try timed("/usr/bin/psql", ["-q", "-v", "ON_ERROR_STOP=1", "-f", script, url])
            try await PostgresServerAdmin.dropDatabase(name, on: server)
            return Result(rows: rows, seconds: seconds)
        }
    }

    /// The first `versions` versions the terminals push, in their batches, as SQL.
    private static func writeScript(to path: String, layout: LoadLayout, versions: Int, batch: Int, postgres: Bool) throws -> Int {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        if !postgres { try handle.write(contentsOf: Data("PRAGMA journal_mode = WAL;\n".utf8)) }
        var written = 0
        var seq = 0
        terminals: for terminal in 0..<layout.terminals {
            let simulated = SimulatedTerminal(index: terminal, facility: layout.facility(of: terminal), device: "device-\(terminal)", token: "",
                                              records: layout.recordsPerTerminal)
            for group in simulated.batches(size: batch) {
                var values: [String] = []
                for item in group {
                    let record = SimulatedTerminal.record(terminal: terminal, number: item.number, edit: item.edit, baseVersion: 1)
                    let payload = record.payload.serialized(pretty: false)
                    let hash = SHA256.hash(data: Array(payload.utf8)).map { String(format: "%02x", $0) }.joined()
                    seq += 1
                    values.append("(\(seq), \(quoted(simulated.facility)), 'patient', \(quoted(record.id)), \(record.version), \(quoted(simulated.device)), \(record.version), \(record.baseVersion), \(quoted(SimulatedTerminal.time)), \(quoted(SimulatedTerminal.time)), \(quoted(payload)), '\(hash)')")
                }
                let statement = """
                    BEGIN;
                    INSERT INTO record_version (seq, facility_id, type, id, hub_version, device_id, device_version, base_version, updated_at, received_at, payload, payload_hash) VALUES
                    \(values.joined(separator: ",\n"));
                    COMMIT;

                    """
                try handle.write(contentsOf: Data(statement.utf8))
                written += values.count
                if written >= versions { break terminals }
            }
        }
        return written
    }

    private static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    private static func timed(_ binary: String, _ arguments: [String]) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try SyncBenchmark.run(binary, arguments)
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
