import ArogyaCore

/// `arogya-hub abdm links`: where each care context's link stands, for an admin to see what reached ABDM
/// and what did not, and why.
public enum CareContextReport {
    /// The states an admin sees: a context sent and awaiting ABDM's answer is still waiting.
    public static func shownState(_ context: CareContext) -> String {
        switch context.state {
        case .linked: "linked"
        case .failed: "failed"
        case .waiting, .sent: "waiting"
        }
    }

    public static func json(_ contexts: [CareContext]) -> JSONValue {
        let counts = Dictionary(grouping: contexts, by: shownState).mapValues(\.count)
        return .object([
            ("care_contexts", .array(contexts.map { context in
                .object([
                    ("facility", .string(context.facility)), ("patient", .string(context.patientID)), ("record", .string(context.recordID)),
                    ("abha_address", .string(context.abhaAddress)), ("display", .string(context.display)), ("hi_type", .string(context.hiType)),
                    ("state", .string(shownState(context))), ("attempts", .integer(Int64(context.attempts))),
                    ("linked_at", context.linkedAt.map { .string($0.iso8601) } ?? .null),
                    ("next_attempt_at", context.state == .linked ? .null : .string(context.nextAttemptAt.iso8601)),
                    ("reason", context.lastError.map(JSONValue.string) ?? .null),
                ])
            })),
            ("linked", .integer(Int64(counts["linked"] ?? 0))), ("waiting", .integer(Int64(counts["waiting"] ?? 0))),
            ("failed", .integer(Int64(counts["failed"] ?? 0))),
        ])
    }

    /// One block a patient: "3 of 3 linked", then a line a visit, with ABDM's reason where one failed.
    public static func text(_ contexts: [CareContext]) -> String {
        guard !contexts.isEmpty else { return "no care contexts: no uploaded screening of a patient with an ABHA yet\n" }
        var lines: [String] = []
        var index = 0
        while index < contexts.count {
            let first = contexts[index]
            let group = contexts[index...].prefix { $0.facility == first.facility && $0.patientID == first.patientID }
            let linked = group.filter { $0.state == .linked }.count
            lines.append("\(first.facility)  patient \(first.patientID)  \(first.abhaAddress)  \(linked) of \(group.count) linked")
            for context in group {
                var line = "  \(shownState(context).padding(toLength: 8, withPad: " ", startingAt: 0)) \(context.display)  [\(context.recordID)]"
                if context.state != .linked, context.attempts > 0 {
                    line += "  tried \(context.attempts)×, next \(context.nextAttemptAt.iso8601)"
                }
                if let reason = context.lastError, context.state != .linked { line += "\n           \(reason)" }
                lines.append(line)
            }
            index += group.count
        }
        let counts = Dictionary(grouping: contexts, by: shownState).mapValues(\.count)
        lines.append("\(counts["linked"] ?? 0) linked, \(counts["waiting"] ?? 0) waiting, \(counts["failed"] ?? 0) failed")
        return lines.joined(separator: "\n") + "\n"
    }
}
