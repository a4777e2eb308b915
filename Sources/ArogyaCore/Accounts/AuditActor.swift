/// Who made a change, as written in the audit log.
public enum AuditActor: Hashable, Sendable, CustomStringConvertible {
    /// A signed-in account, by login name.
    case account(String)
    /// The command line, by the Unix login name of whoever ran it.
    case commandLine(unixUser: String)
    /// The program itself (the first-run setup before any account exists is done by its supervisor).
    case system

    public var description: String {
        switch self {
        case .account(let username): return username
        case .commandLine(let unixUser): return "cli:" + unixUser
        case .system: return "system"
        }
    }
}
