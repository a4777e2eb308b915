import ArogyaCore
import GRDB

/// A record's payload on the wire: its row as JSON, without what is only this terminal's business (row
/// numbers, search keys, PIN hashes, sign-in counters), and with the JSON columns as JSON.
enum SyncPayloads {
    /// Columns never sent, by record type (whose raw value is its table).
    static func privateColumns(of type: RecordType) -> Set<String> {
        switch type {
        case .patient: ["pk", "search_terms", "mobile_reversed", "last_seen_at"]
        case .screening, .referral, .abhaRequest, .review: ["pk"]
        case .account: ["pin_hash", "must_change_pin", "failed_pin_count", "locked_until", "last_login_at"]
        case .facility: ["singleton"]
        }
    }
    /// Columns that hold JSON text and travel as JSON.
    static let jsonColumns: Set<String> = ["input", "decision", "reasons"]
    static let booleanColumns: Set<String> = ["birth_date_estimated", "consent_given", "oral_done", "breast_done", "cervical_done",
                                              "refer", "urgent", "active"]

    /// The record as it is now: its version, last change and payload; nil when it is not here.
    static func current(type: RecordType, id: String, in db: Database) throws -> (version: Int, updatedAt: Timestamp, payload: JSONValue)? {
        let excluded = privateColumns(of: type)
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM \(type.rawValue) WHERE id = ?"), arguments: [id]) else {
            return nil
        }
        var members: [(key: String, value: JSONValue)] = []
        for column in row.columnNames where !excluded.contains(column) && column != "version" {
            members.append((column, try json(row[column] as DatabaseValue, column: column)))
        }
        switch type {
        case .patient:
            let village = try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM village WHERE id = ?"), arguments: [row["village_id"] as String?])
            members.append(("village", village.map(JSONValue.string) ?? .null))
        case .screening:
            // The author as an account, so that the hub can name her in documents.
            let account = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM account WHERE username = ?"), arguments: [row["recorded_by"] as String])
            members.append(("recorded_by_account", account.map(JSONValue.string) ?? .null))
        case .referral:
            if let screening = try String.fetchOne(db.cachedStatement(sql: "SELECT decision FROM screening WHERE id = ?"), arguments: [row["screening_id"] as String]),
               let decision = try? JSONParser.parse(screening), case .array(let referrals)? = decision["referrals"],
               let place = referrals.first(where: { $0["to"] == .string(row["place"] as String) })?["place"] {
                members.append(("place_name", place))
            }
        case .facility:
            let villages = try String.fetchAll(db, sql: "SELECT name FROM village WHERE active = 1 ORDER BY position")
            members.append(("villages", .array(villages.map(JSONValue.string))))
        case .account, .abhaRequest, .review:
            break
        }
        let updatedAt = Timestamp(iso8601: row["updated_at"] as String? ?? "") ?? Timestamp(millisecondsSince1970: 0)
        return (row["version"], updatedAt, .object(members))
    }

    static func json(_ value: DatabaseValue, column: String) throws -> JSONValue {
        switch value.storage {
        case .null: return .null
        case .int64(let number): return booleanColumns.contains(column) ? .bool(number != 0) : .number(Double(number))
        case .double(let number): return .number(number)
        case .string(let text): return jsonColumns.contains(column) ? ((try? JSONParser.parse(text)) ?? .string(text)) : .string(text)
        case .blob: return .null
        }
    }

    /// A payload value back into a column value.
    static func column(_ value: JSONValue?, column: String) -> (any DatabaseValueConvertible)? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag ? 1 : 0
        case .number(let number)?: return number.rounded() == number && !column.hasPrefix("glucose_mg") ? Int64(number) : number
        case .integer(let number)?: return column.hasPrefix("glucose_mg") ? Double(number) : number
        case .string(let text)?: return text
        case let other?: return jsonColumns.contains(column) ? other.serialized(pretty: false) : nil
        }
    }
}
