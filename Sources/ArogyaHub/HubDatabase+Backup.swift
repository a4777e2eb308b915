import ArogyaCore
import Foundation
import GRDB

/// What a backup wrote.
public struct HubBackupSummary: Sendable {
    public let path: String
    public let bytes: Int64
    public let versions: Int
    public let records: Int
}

extension HubDatabase {
    /// Copies the whole database to a new file at `path` with SQLite's online backup, while the hub keeps
    /// serving: the copy is read in one read transaction (WAL: pushes go on meanwhile, and the copy is the
    /// database as of one commit). It is written beside its destination under another name, checked
    /// (`PRAGMA integrity_check`), flushed, and only then given its name, so that a file at `path` is
    /// always a whole, checked backup; a file already there is never overwritten.
    public func backup(to path: String) throws -> HubBackupSummary {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: path) else {
            throw HubError.invalid("\(path) exists: a backup never overwrites a file; give a new name or move that one away")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let partial = (folder.isEmpty ? "." : folder) + "/." + (path as NSString).lastPathComponent + ".partial-" + UUID().uuidString
        guard manager.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw HubError.invalid("cannot write in \(folder.isEmpty ? "." : folder)")
        }
        do {
            let summary = try copy(to: partial)
            // link(2) fails if something appeared at `path` meanwhile, where rename(2) would replace it.
            guard link(partial, path) == 0 else {
                throw HubError.invalid("cannot name the backup \(path): \(String(cString: strerror(errno)))")
            }
            unlink(partial)
            Self.syncFolder(folder.isEmpty ? "." : folder)
            return HubBackupSummary(path: path, bytes: summary.bytes, versions: summary.versions, records: summary.records)
        } catch {
            unlink(partial)
            throw error
        }
    }

    /// The new name is in the folder's own blocks: flushed too, or a power cut could leave no name.
    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private func copy(to partial: String) throws -> (bytes: Int64, versions: Int, records: Int) {
        let target = try DatabaseQueue(path: partial)
        try writer.backup(to: target)
        // The copy carries the source's WAL mode in its header: one self-contained file instead.
        try target.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
        let (check, versions, records) = try target.read { db in
            (try String.fetchAll(db, sql: "PRAGMA integrity_check"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM record_version") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM record") ?? 0)
        }
        try target.close()
        guard check == ["ok"] else { throw HubError.invalid("the copy failed its integrity check: \(check.prefix(3).joined(separator: "; "))") }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: partial))
        try handle.synchronize()
        let bytes = Int64(try handle.seekToEnd())
        try handle.close()
        return (bytes, versions, records)
    }
}
