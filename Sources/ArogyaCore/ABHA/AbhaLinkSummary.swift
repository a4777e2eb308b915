/// How many of a patient's visits the hub has linked to her ABHA, as the hub last said.
public struct AbhaLinkSummary: Sendable, Equatable {
    public let patientId: String
    public let linked: Int
    public let total: Int
    public let failed: Int

    public init(patientId: String, linked: Int, total: Int, failed: Int) {
        self.patientId = patientId
        self.linked = linked
        self.total = total
        self.failed = failed
    }
}
