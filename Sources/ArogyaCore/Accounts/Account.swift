/// A person who uses the terminal. The PIN hash is not part of this value: it never leaves the store.
public struct Account: Identifiable, Hashable, Sendable {
    public let id: String
    public var username: String
    public var fullName: String
    public var role: Role
    public var isActive: Bool
    /// Set when a supervisor (or an admin) chose the PIN: the owner must pick her own at next login.
    public var mustChangePin: Bool
    public var failedPinCount: Int
    public var lockedUntil: Timestamp?
    public var lastLoginAt: Timestamp?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int

    public init(id: String, username: String, fullName: String, role: Role, isActive: Bool = true,
                mustChangePin: Bool = false, failedPinCount: Int = 0, lockedUntil: Timestamp? = nil,
                lastLoginAt: Timestamp? = nil, createdAt: Timestamp, updatedAt: Timestamp, version: Int = 1) {
        self.id = id
        self.username = username
        self.fullName = fullName
        self.role = role
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
}

/// A new account, its fields already checked by `AccountRules`.
public struct NewAccount: Sendable, Equatable {
    public let username: String
    public let fullName: String
    public let role: Role
    public let pin: String

    public init(username: String, fullName: String, role: Role, pin: String) {
        self.username = username
        self.fullName = fullName
        self.role = role
        self.pin = pin
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
}
