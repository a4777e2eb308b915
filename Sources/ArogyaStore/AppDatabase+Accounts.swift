import ArogyaCore
import GRDB

extension AppDatabase {
    /// Every account, active ones first, then by full name.
    public func accounts() throws(StoreError) -> [Account] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY active DESC, full_name COLLATE NOCASE, username")
                .map(Self.account(from:))
        }
    }

    public func account(username: String) throws(StoreError) -> Account? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE username = ?", arguments: [username.lowercased()])
                .map(Self.account(from:))
        }
    }

    public func account(id: String) throws(StoreError) -> Account? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [id]).map(Self.account(from:))
        }
    }

    /// Adds an account. When someone other than its owner chose the PIN, `mustChangePin` makes the owner
    /// pick her own at first login.
    @discardableResult
    public func addAccount(_ new: NewAccount, mustChangePin: Bool, by actor: AuditActor) throws(StoreError) -> Account {
        let pinHash = pinHasher.hash(new.pin)
        return try write { db in
            try requireSupervisor(db, actor)
            return try insertAccount(db, new, pinHash: pinHash, mustChangePin: mustChangePin, by: actor, at: now)
        }
    }

    func insertAccount(_ db: Database, _ new: NewAccount, pinHash: String, mustChangePin: Bool,
                       by actor: AuditActor, at time: Timestamp) throws -> Account {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM account WHERE username = ?)", arguments: [new.username]) != true else {
            throw StoreError.refused(UserMessage(.errorUsernameTaken, ["username": new.username]))
        }
        let id = UUIDv7.string(at: time)
        try db.execute(
            sql: """
                INSERT INTO account (id, username, full_name, role, language, pin_hash, must_change_pin, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [id, new.username, new.fullName, new.role.rawValue, new.language.rawValue, pinHash, mustChangePin, time, time])
        try db.appendAudit(.accountCreated, by: actor, at: time, subject: .account, recordId: id,
                           detail: ["username": new.username, "full_name": new.fullName, "role": new.role.rawValue,
                                    "language": new.language.rawValue])
        try db.enqueueForSync(.account, recordId: id, version: 1, at: time)
        return try Self.account(from: Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [id])!)
    }

    /// Sets the language an account's screens are shown in. Her own choice (at sign-in) or a supervisor's
    /// (Users screen, command line); a new version of the account, so that her other terminals follow.
    @discardableResult
    public func setAccountLanguage(username: String, language: Language, by actor: AuditActor) throws(StoreError) -> Account {
        try write { db in
            if case .account(let actorName) = actor, actorName != username.lowercased() { try requireSupervisor(db, actor) }
            let account = try existingAccount(db, username: username)
            guard account.language != language else { return account }
            let time = now
            try db.execute(sql: "UPDATE account SET language = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                           arguments: [language.rawValue, time, account.id])
            try db.appendAudit(.accountLanguageChanged, by: actor, at: time, subject: .account, recordId: account.id,
                               detail: ["username": account.username, "from": account.language.rawValue, "to": language.rawValue])
            try db.enqueueForSync(.account, recordId: account.id, version: account.version + 1, at: time)
            return try Self.account(from: Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [account.id])!)
        }
    }

    /// Disables or re-enables an account. The last active supervisor cannot be disabled, or nobody could
    /// manage accounts any more.
    @discardableResult
    public func setAccountActive(username: String, active: Bool, by actor: AuditActor) throws(StoreError) -> Account {
        try write { db in
            try requireSupervisor(db, actor)
            let account = try existingAccount(db, username: username)
            guard account.isActive != active else { return account }
            if !active, case .account(account.username) = actor {
                throw StoreError.refused(UserMessage(.errorCannotDisableSelf))
            }
            if !active && account.role == .supervisor {
                let otherSupervisors = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM account WHERE role = 'supervisor' AND active = 1 AND id != ?
                    """, arguments: [account.id]) ?? 0
                guard otherSupervisors > 0 else { throw StoreError.refused(UserMessage(.errorLastSupervisor)) }
            }
            let time = now
            try db.execute(sql: "UPDATE account SET active = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                           arguments: [active, time, account.id])
            try db.appendAudit(active ? .accountEnabled : .accountDisabled, by: actor, at: time,
                               subject: .account, recordId: account.id, detail: ["username": account.username])
            try db.enqueueForSync(.account, recordId: account.id,
                                  version: account.version + 1, at: time)
            return try Self.account(from: Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [account.id])!)
        }
    }

    /// A supervisor sets a new PIN for someone who forgot hers. The lock is lifted and the owner must
    /// choose her own PIN at next login.
    public func resetPin(username: String, newPin: String, by actor: AuditActor) throws(StoreError) {
        let pinHash = pinHasher.hash(newPin)
        try write { db in
            try requireSupervisor(db, actor)
            let account = try existingAccount(db, username: username)
            try db.execute(
                sql: """
                    UPDATE account SET pin_hash = ?, must_change_pin = 1, failed_pin_count = 0, locked_until = NULL
                    WHERE id = ?
                    """,
                arguments: [pinHash, account.id])
            try db.appendAudit(.accountPinReset, by: actor, at: now, subject: .account, recordId: account.id,
                               detail: ["username": account.username])
        }
    }

    /// The owner chooses her own PIN (after a reset, or whenever she likes). It must differ from the
    /// current one, which after a reset is known to the supervisor who chose it.
    public func changeOwnPin(accountId: String, newPin: String) throws(StoreError) {
        guard let stored = try read({ db in try String.fetchOne(db, sql: "SELECT pin_hash FROM account WHERE id = ?", arguments: [accountId]) }) else {
            throw .refused(UserMessage(.errorUnknownUser, ["username": accountId]))
        }
        guard !pinHasher.verify(newPin, against: stored) else { throw .refused(UserMessage(.errorPinSameAsOld)) }
        let pinHash = pinHasher.hash(newPin)
        try write { db in
            let account = try Self.account(from: Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [accountId])!)
            try db.execute(sql: "UPDATE account SET pin_hash = ?, must_change_pin = 0 WHERE id = ?", arguments: [pinHash, accountId])
            try db.appendAudit(.accountPinChanged, by: .account(account.username), at: now, subject: .account,
                               recordId: accountId, detail: ["username": account.username])
        }
    }

    /// Where a PIN was typed, as the audit log says.
    public enum SignInChannel: String, Sendable {
        case screen
        /// `--as USER` on the command line, proven with her PIN.
        case commandLine = "cli"
    }

    /// Checks a PIN and records the attempt: a success clears the count of wrong PINs, a failure adds to
    /// it and locks the account at the limit. While locked, the PIN is not even checked.
    ///
    /// On a full disk (or a damaged file, which is no longer written) the attempt cannot be written, yet she
    /// must still be able to sign in and look people up: the outcome is decided as if it had been written,
    /// kept in memory (wrong PINs count towards the lockout all the same) and written with the next write
    /// that succeeds.
    public func attemptLogin(username: String, pin: String, via channel: SignInChannel = .screen) throws(StoreError) -> LoginOutcome {
        let name = username.lowercased()
        guard let stored = try read({ db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE username = ?", arguments: [name])
                .map { (try Self.account(from: $0), $0["pin_hash"] as String) }
        }) else { return .unknownAccount }
        var (account, pinHash) = stored
        guard account.isActive else { return .disabled }
        let time = now
        pendingSignIns.apply(to: &account, lockout: lockout)
        if lockout.isLocked(until: account.lockedUntil, now: time), let until = account.lockedUntil {
            return .locked(until: until)
        }
        // The slow check runs outside the write transaction, so other terminals are not held up.
        let matches = pinHasher.verify(pin, against: pinHash)
        let upgradedHash = matches && pinHasher.needsRehash(pinHash) ? pinHasher.hash(pin) : nil
        let attempt = SignInAttempt(accountId: account.id, username: account.username, at: time, succeeded: matches,
                                    channel: channel, upgradedHash: upgradedHash)
        do {
            return try write { db in
                // Re-read inside the transaction: another terminal may have counted a failure meanwhile.
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [account.id]) else {
                    return .unknownAccount
                }
                let current = try Self.account(from: row)
                guard current.isActive else { return .disabled }
                return try record(attempt, for: current, in: db)
            }
        } catch {
            // A full disk, or a file found damaged (which is never written again): she still signs in to
            // read, and the attempt waits in memory.
            switch error {
            case .diskFull, .corrupt: return pendingSignIns.keep(attempt, for: account, lockout: lockout)
            default: throw error
            }
        }
    }

    /// Writes the attempts kept while the disk was full, first thing in the next write.
    func writeKeptSignIns(_ attempts: [SignInAttempt], in db: Database) throws {
        for attempt in attempts {
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [attempt.accountId]) else { continue }
            _ = try record(attempt, for: try Self.account(from: row), in: db)
        }
    }

    /// Writes one sign-in attempt and what it does to the account; the outcome it leads to.
    func record(_ attempt: SignInAttempt, for current: Account, in db: Database) throws -> LoginOutcome {
        var detail: [String: String] = [:]
        if attempt.channel != .screen { detail["via"] = attempt.channel.rawValue }
        if attempt.succeeded {
            try db.execute(
                sql: "UPDATE account SET failed_pin_count = 0, locked_until = NULL, last_login_at = ?, pin_hash = coalesce(?, pin_hash) WHERE id = ?",
                arguments: [attempt.at, attempt.upgradedHash, current.id])
            try db.appendAudit(.loginSucceeded, by: .account(current.username), at: attempt.at, subject: .account, recordId: current.id,
                               detail: detail.isEmpty ? nil : detail)
            return .signedIn(try Self.account(from: Row.fetchOne(db, sql: "SELECT * FROM account WHERE id = ?", arguments: [current.id])!))
        }
        let next = lockout.afterWrongPin(previousFailures: current.failedPinCount, lockedUntil: current.lockedUntil, now: attempt.at)
        try db.execute(sql: "UPDATE account SET failed_pin_count = ?, locked_until = ? WHERE id = ?",
                       arguments: [next.failures, next.lockedUntil, current.id])
        detail["failures"] = String(next.failures)
        try db.appendAudit(.loginFailed, by: .account(current.username), at: attempt.at, subject: .account, recordId: current.id,
                           detail: detail)
        if let until = next.lockedUntil {
            try db.appendAudit(.loginLockedOut, by: .system, at: attempt.at, subject: .account, recordId: current.id,
                               detail: ["until": until.iso8601])
            return .locked(until: until)
        }
        return .wrongPin(triesLeft: lockout.triesLeft(afterFailures: next.failures))
    }

    /// Account management and settings are for supervisors. The command line is trusted: whoever runs
    /// it can already read and write the database file.
    func requireSupervisor(_ db: Database, _ actor: AuditActor) throws {
        guard case .account(let username) = actor else { return }
        let role = try String.fetchOne(db, sql: "SELECT role FROM account WHERE username = ? AND active = 1", arguments: [username])
        guard role == Role.supervisor.rawValue else { throw StoreError.refused(UserMessage(.errorSupervisorOnly)) }
    }

    func existingAccount(_ db: Database, username: String) throws -> Account {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM account WHERE username = ?", arguments: [username.lowercased()]) else {
            throw StoreError.refused(UserMessage(.errorUnknownUser, ["username": username]))
        }
        return try Self.account(from: row)
    }

    static func account(from row: Row) throws -> Account {
        let roleText: String = row["role"]
        guard let role = Role(rawValue: roleText) else {
            throw StoreError.unreadableRow(path: "", detail: "account \(row["username"] as String) has an unknown role \(roleText)")
        }
        return Account(id: row["id"], username: row["username"], fullName: row["full_name"], role: role,
                       language: Language(rawValue: row["language"] as String) ?? .english, isActive: row["active"], mustChangePin: row["must_change_pin"], failedPinCount: row["failed_pin_count"],
                       lockedUntil: row["locked_until"], lastLoginAt: row["last_login_at"],
                       createdAt: row["created_at"], updatedAt: row["updated_at"], version: row["version"])
    }
}
