/// A person who uses the terminal. The PIN hash is not part of this value: it never leaves the store.
public struct Account: Identifiable, Hashable, Sendable {
    public let id: String
    public var username: String
    public var fullName: String
    public var role: Role
    /// The language her screens are shown in after she signs in.
    public var language: Language
    public var isActive: Bool
    /// Set when a supervisor (or an admin) chose the PIN: the owner must pick her own at next login.
    public var mustChangePin: Bool
    public var failedPinCount: Int
    public var lockedUntil: Timestamp?
    public var lastLoginAt: Timestamp?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int

    public init(id: String, username: String, fullName: String, role: Role, language: Language = .english, isActive: Bool = true,
                mustChangePin: Bool = false, failedPinCount: Int = 0, lockedUntil: Timestamp? = nil,
                lastLoginAt: Timestamp? = nil, createdAt: Timestamp, updatedAt: Timestamp, version: Int = 1) {
        self.id = id
        self.username = username
        self.fullName = fullName
        self.role = role
        self.language = language
        self.isActive = isActive
        self.mustChangePin = mustChangePin
        self.failedPinCount = failedPinCount
        self.lockedUntil = lockedUntil
        self.lastLoginAt = lastLoginAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    public var isSupervisor: Bool { role == .supervisor }

    /// What stands between this account and signing in, at `now`.
    public func status(now: Timestamp, lockout: LockoutPolicy) -> AccountStatus {
        if !isActive { return .disabled }
        if lockout.isLocked(until: lockedUntil, now: now), let lockedUntil { return .locked(until: lockedUntil) }
        if mustChangePin { return .mustChangePin }
        return .active
    }
}

/// An account's state as the Users screen and `users list` show it.
public enum AccountStatus: Equatable, Sendable {
    case active
    case disabled
    /// Too many wrong PINs, until this time.
    case locked(until: Timestamp)
    /// The PIN was set by a supervisor; she chooses her own at next sign-in.
    case mustChangePin

    /// "active", "disabled", "locked 14:32", "must change PIN": in words, so never only a colour.
    public func text(_ strings: StringTable, time: (Timestamp) -> String) -> String {
        switch self {
        case .disabled: return strings[.usersStatusDisabled]
        case .locked(let until): return strings.text(.usersStatusLocked, ["time": time(until)])
        case .mustChangePin: return strings[.usersStatusNewPin]
        case .active: return strings[.usersStatusActive]
        }
    }
}

/// A new account, its fields already checked by `AccountRules`.
public struct NewAccount: Sendable, Equatable {
    public let username: String
    public let fullName: String
    public let role: Role
    public let pin: String
    public let language: Language

    public init(username: String, fullName: String, role: Role, pin: String, language: Language = .english) {
        self.username = username
        self.fullName = fullName
        self.role = role
        self.pin = pin
        self.language = language
    }
}

/// What came of typing a PIN at login or at the idle lock.
public enum LoginOutcome: Equatable, Sendable {
    case signedIn(Account)
    case wrongPin(triesLeft: Int)
    /// Locked by this attempt or an earlier one, until the given time.
    case locked(until: Timestamp)
    case disabled
    case unknownAccount

    /// What to tell her when she was not signed in, on the screen or the command line alike; `time` words
    /// the end of a lock in local time.
    public func message(time: (Timestamp) -> String) -> UserMessage? {
        switch self {
        case .signedIn: return nil
        case .wrongPin(let triesLeft):
            return triesLeft == 1 ? UserMessage(.loginWrongPinLast) : UserMessage(.loginWrongPin, ["tries": String(triesLeft)])
        case .locked(let until): return UserMessage(.loginLocked, ["time": time(until)])
        case .disabled: return UserMessage(.loginDisabled)
        case .unknownAccount: return UserMessage(.loginUnknown)
        }
    }
}
