/// What an account may do. Supervisors manage accounts and settings and review the day's work.
public enum Role: String, CaseIterable, Codable, Sendable {
    case worker
    case supervisor

    public var labelKey: StringKey {
        switch self {
        case .worker: return .roleWorker
        case .supervisor: return .roleSupervisor
        }
    }
}
