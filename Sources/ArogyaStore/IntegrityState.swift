import ArogyaCore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// When the file's integrity is checked, and what happens once it is found damaged.
///
/// SQLite's `quick_check` reads every page, so its cost grows with the file (see the README for its
/// figure at a million patients). It runs before the first write of a process when a check is due: the
/// last process did not close the file (a kill, a crash, a power cut), the file was not checked for a day,
/// or the file is small enough that a check costs less than a key press. Any `SQLITE_CORRUPT`, from a check
/// or from any statement, stops every later write, in this process and (through `DamageMarker`) in every
/// other, until `arogya check` finds the file sound again. Reading goes on: a worker can still look people
/// up, and the file is kept exactly as it is for recovery.
public enum IntegrityPolicy {
    /// Below this size the file is checked before the first write of every process.
    public static let alwaysCheckBelowBytes: Int64 = 16 * 1024 * 1024
    /// A larger file is checked at least this often (before a write, or at an idle moment on the screen).
    public static let checkEverySeconds: Int64 = 24 * 3600

    static func isDue(uncleanExit: Bool, path: String, lastChecked: Timestamp?, now: Timestamp) -> Bool {
        if uncleanExit || DatabaseFiles.fileSize(path) < alwaysCheckBelowBytes { return true }
        guard let lastChecked else { return true }
        let age = (now.millisecondsSince1970 - lastChecked.millisecondsSince1970) / 1000
        return age >= checkEverySeconds || age < 0
    }
}

final class IntegrityState: @unchecked Sendable {
    let path: String
    /// The last process to use the file did not close it.
    let uncleanExit: Bool
    private let lock = NSLock()
    private var checkedInThisProcess = false
    /// Found sound before the file was opened; the time is written with the first write.
    private var soundAtOpening = false
    private var damage: String?
    private var anchoredId: Int64 = 0

    init(path: String, uncleanExit: Bool) {
        self.path = path
        self.uncleanExit = uncleanExit
    }

    /// Refuses a write to a file known to be damaged; checks the file first when a check is due.
    func ensureWritable(_ writer: any DatabaseWriter, now: Timestamp) throws(StoreError) {
        if let detail = damageDetail() { throw .corrupt(path: path, detail: detail) }
        lock.lock()
        defer { lock.unlock() }
        guard !checkedInThisProcess else { return }
        if soundAtOpening {
            try remember(writer, now: now)
        } else if try isCheckDue(writer, now: now) {
            try check(writer, now: now)
        }
        checkedInThisProcess = true
    }

    /// SQLite found the file sound on the connection that inspected it before the pool was opened.
    func checkedSoundAtOpening() {
        lock.lock()
        soundAtOpening = true
        lock.unlock()
    }

    /// Checks now if a check is due (the screen calls it at start and at idle moments, in the background).
    /// Returns the problem found, if any.
    func checkIfDue(_ writer: any DatabaseWriter, now: Timestamp) throws(StoreError) -> String? {
        if let detail = damageDetail() { return detail }
        lock.lock()
        defer { lock.unlock() }
        if soundAtOpening {
            if !checkedInThisProcess { try remember(writer, now: now) }
        } else if try isCheckDue(writer, now: now) {
            do throws(StoreError) { try check(writer, now: now) } catch {
                if case .corrupt(_, let detail) = error { return detail }
                throw error
            }
        }
        checkedInThisProcess = true
        return nil
    }

    private func isCheckDue(_ writer: any DatabaseWriter, now: Timestamp) throws(StoreError) -> Bool {
        do {
            let last = try writer.read { db in try db.setting(.integrityCheckedAt).flatMap(Timestamp.init(iso8601:)) }
            return IntegrityPolicy.isDue(uncleanExit: uncleanExit, path: path, lastChecked: last, now: now)
        } catch {
            throw StoreError.classify(error, path: path)
        }
    }

    /// SQLite's `quick_check`; a sound result is remembered in the file, a damaged one stops writes.
    /// Called with the lock held.
    private func check(_ writer: any DatabaseWriter, now: Timestamp) throws(StoreError) {
        let problems: [String]
        do {
            // The check reads the whole file once: through a small page cache, given back afterwards, so that
            // a background check does not leave the screen's process a few megabytes larger.
            problems = try writer.read { db in
                try db.execute(sql: "PRAGMA cache_size = -256")
                defer {
                    try? db.execute(sql: "PRAGMA cache_size = -2000")
                    db.releaseMemory()
                }
                return try IntegrityCheck.problems(db, thorough: false)
            }
        } catch {
            let classified = StoreError.classify(error, path: path)
            if case .corrupt(_, let detail) = classified { noteDamage(detail) }
            throw classified
        }
        if let first = problems.first {
            noteDamage(first)
            throw .corrupt(path: path, detail: first)
        }
        try remember(writer, now: now)
    }

    /// A sound check done elsewhere (the thorough one of `arogya check`) counts as this process's check.
    func recordSoundCheck(_ writer: any DatabaseWriter, now: Timestamp) throws(StoreError) {
        lock.lock()
        defer { lock.unlock() }
        try remember(writer, now: now)
        checkedInThisProcess = true
    }

    private func remember(_ writer: any DatabaseWriter, now: Timestamp) throws(StoreError) {
        do {
            try writer.write { db in try db.setSetting(.integrityCheckedAt, to: now.iso8601, at: now) }
        } catch {
            throw StoreError.classify(error, path: path)
        }
    }

    /// What is known to be wrong with the file: found here, or by another process.
    func damageDetail() -> String? {
        lock.lock()
        let known = damage
        lock.unlock()
        return known ?? DamageMarker.read(beside: path)
    }

    func recordDamage(_ detail: String) {
        lock.lock()
        defer { lock.unlock() }
        noteDamage(detail)
    }

    /// With the lock held.
    private func noteDamage(_ detail: String) {
        damage = detail
        DamageMarker.write(detail, beside: path)
    }

    /// After a thorough check found the file sound (`arogya check`).
    func clearDamage() {
        lock.lock()
        damage = nil
        lock.unlock()
        DamageMarker.clear(beside: path)
    }

    /// Keeps the newest committed audit row outside the file; never moves the anchor backwards in this
    /// process (another process may, harmlessly: an anchor behind the file is never a false alarm).
    func anchor(_ mark: AuditAnchor.Mark) {
        lock.lock()
        defer { lock.unlock() }
        guard mark.id > anchoredId else { return }
        anchoredId = mark.id
        AuditAnchor.save(mark, beside: path)
    }
}

/// SQLite's own checks, as lines a person can read.
enum IntegrityCheck {
    /// `quick_check` (every page and record, without comparing indexes to their tables), or the thorough
    /// `integrity_check`, plus the foreign keys when thorough. Empty when sound.
    static func problems(_ db: Database, thorough: Bool) throws -> [String] {
        let rows = try String.fetchAll(db, sql: thorough ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)")
        var problems = rows == ["ok"] ? [] : rows
        if thorough {
            for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").prefix(20) {
                problems.append("foreign key: a row of \(row[0] as String) points to a missing row of \(row[2] as String)")
            }
        }
        return problems
    }
}

/// `PATH.damaged`: written when SQLite reports the file damaged, so that every Arogya process stops writing
/// to it, not only the one that found out. Removed only when `arogya check` finds the file sound.
enum DamageMarker {
    static func path(beside database: String) -> String { database + ".damaged" }

    static func read(beside database: String) -> String? {
        let file = path(beside: database)
        guard access(file, F_OK) == 0 else { return nil }
        let text = (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return text.isEmpty ? "damaged" : text
    }

    static func write(_ detail: String, beside database: String) {
        let file = path(beside: database)
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array((TextSanitizer.singleLine(detail) + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        fsync(descriptor)
    }

    static func clear(beside database: String) {
        unlink(path(beside: database))
    }
}

/// `PATH.audit-anchor`: the id and hash of the newest audit row this terminal committed, kept outside the
/// database. SQLite discards a WAL whose frames do not check out, and with it every transaction committed
/// after the damage: the file is then sound but committed rows are gone, and nothing inside it can tell.
/// The anchor can: at start, its row must still be in the file with the same hash.
public enum AuditAnchor {
    public struct Mark: Equatable, Sendable {
        public let id: Int64
        public let hash: String

        static func newest(in db: Database) throws -> Mark? {
            try Row.fetchOne(db.cachedStatement(sql: "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"))
                .map { Mark(id: $0["id"], hash: $0["hash"]) }
        }
    }

    static func path(beside database: String) -> String { database + ".audit-anchor" }

    static func load(beside database: String) -> Mark? {
        guard let text = try? String(contentsOfFile: path(beside: database), encoding: .utf8) else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count == 2, let id = Int64(parts[0]), parts[1].count == 64 else { return nil }
        return Mark(id: id, hash: String(parts[1]))
    }

    /// Written to a temporary file and renamed over the old one, so that a reader never sees half of it.
    /// Not synced: after a power cut it may be older than the file, which is never a false alarm.
    static func save(_ mark: Mark, beside database: String) {
        let target = path(beside: database)
        let temporary = target + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        let bytes = Array("\(mark.id) \(mark.hash)\n".utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        if written == bytes.count { rename(temporary, target) } else { unlink(temporary) }
    }

    static func forget(beside database: String) {
        unlink(path(beside: database))
    }

    /// Temporary files of writers killed between writing and renaming: removed when nobody else can be
    /// writing one (the opener is alone).
    static func removeLeftovers(beside database: String) {
        let folder = (database as NSString).deletingLastPathComponent
        let prefix = (path(beside: database) as NSString).lastPathComponent + "."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            unlink((folder.isEmpty ? "" : folder + "/") + name)
        }
    }
}
