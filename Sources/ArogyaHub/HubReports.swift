import ArogyaCore

/// The admin commands' output, as text for people and JSON for scripts.
public enum HubReports {
    public static func statsJSON(_ stats: HubStats) -> JSONValue {
        .object([
            ("records", .array(stats.counts.map {
                .object([("facility", .string($0.facility)), ("type", .string($0.type)), ("count", .number(Double($0.records)))])
            })),
            ("devices", .array(stats.devices.map { device in
                .object([
                    ("id", .string(device.id)), ("facility", .string(device.facility)), ("label", device.label.map(JSONValue.string) ?? .null),
                    ("revoked", .bool(device.revoked)),
                    ("last_push_at", device.lastPush.map { .string($0.iso8601) } ?? .null),
                    ("last_pull_at", device.lastPull.map { .string($0.iso8601) } ?? .null),
                ])
            })),
            ("conflicts", .number(Double(stats.openConflicts))),
            ("duplicate_pairs", .number(Double(stats.duplicatePairs))),
        ])
    }

    public static func statsText(_ stats: HubStats) -> String {
        var text = "Records\n"
        if stats.counts.isEmpty { text += "  none yet\n" }
        for count in stats.counts { text += "  \(count.facility)  \(count.type)  \(count.records)\n" }
        text += "Devices\n"
        if stats.devices.isEmpty { text += "  none; add one with: arogya-hub devices add --facility ID\n" }
        for device in stats.devices {
            let state = device.revoked ? "revoked" : "last push \(device.lastPush?.iso8601 ?? "never"), last pull \(device.lastPull?.iso8601 ?? "never")"
            text += "  \(device.id)  \(device.facility)  \(device.label ?? "-")  \(state)\n"
        }
        text += "Conflicts: \(stats.openConflicts)   Likely duplicate patients: \(stats.duplicatePairs)\n"
        return text
    }

    public static func conflictJSON(_ conflict: HubConflict) -> JSONValue {
        .object([
            ("facility", .string(conflict.facility)), ("type", .string(conflict.type)), ("id", .string(conflict.recordID)),
            ("current", .object([("version", .number(Double(conflict.current.hubVersion))), ("device", .string(conflict.current.device))])),
            ("kept", .object([("version", .number(Double(conflict.kept.hubVersion))), ("device", .string(conflict.kept.device))])),
            ("found_at", .string(conflict.foundAt.iso8601)),
        ])
    }

    public static func conflictText(_ conflict: HubConflict) -> String {
        "\(conflict.facility)  \(conflict.type) \(conflict.recordID)  current v\(conflict.current.hubVersion) from \(conflict.current.device), "
            + "kept v\(conflict.kept.hubVersion) from \(conflict.kept.device)  \(conflict.foundAt.iso8601)"
    }

    public static func duplicateJSON(_ pair: HubDuplicate) -> JSONValue {
        .object([("facility", .string(pair.facility)), ("patient_a", .string(pair.patientA)), ("patient_b", .string(pair.patientB)),
                 ("reason", .string(pair.reason)), ("found_at", .string(pair.foundAt.iso8601))])
    }

    public static func duplicateText(_ pair: HubDuplicate) -> String {
        "\(pair.facility)  \(pair.patientA)  \(pair.patientB)  \(pair.reason)"
    }

    /// A list for an admin: JSON for scripts, else a line each, or a sentence saying there is none.
    public static func list<Item>(_ items: [Item], asJSON: Bool, json: (Item) -> JSONValue, text: (Item) -> String, none: String) -> String {
        if asJSON { return JSONValue.array(items.map(json)).serialized() }
        if items.isEmpty { return none }
        return items.map(text).joined(separator: "\n")
    }
}
