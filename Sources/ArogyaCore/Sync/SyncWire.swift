/// The sync API's messages, as both the terminal and the hub read and write them. JSON, snake_case keys,
/// times in UTC with milliseconds. Read strictly, so that a malformed record is rejected with its place.
public enum SyncWire {
    /// Records in one push, at most.
    public static let maximumBatch = 500
    /// Records in one pull page, at most.
    public static let maximumPage = 1000
    /// The record types the hub accepts.
    public static let recordTypes = RecordType.allCases.map(\.rawValue)

    /// One version of one record, as pushed by a device or pulled from the hub.
    public struct Record: Equatable, Sendable {
        public var type: RecordType
        public var id: String
        /// Pushed: the device's own version of the record. Pulled: the hub's version. 64-bit, as every
        /// version and sequence number is, end to end.
        public var version: Int64
        /// The hub's version this edit started from; 0 for a record the hub has never had.
        public var baseVersion: Int64
        public var updatedAt: Timestamp
        public var payload: JSONValue
        /// Pulled only: the device that wrote it and the hub's sequence number.
        public var device: String?
        public var sequence: Int64?

        public init(type: RecordType, id: String, version: Int64, baseVersion: Int64, updatedAt: Timestamp, payload: JSONValue,
                    device: String? = nil, sequence: Int64? = nil) {
            self.type = type
            self.id = id
            self.version = version
            self.baseVersion = baseVersion
            self.updatedAt = updatedAt
            self.payload = payload
            self.device = device
            self.sequence = sequence
        }

        public var json: JSONValue {
            var members: [(key: String, value: JSONValue)] = [
                ("type", .string(type.rawValue)), ("id", .string(id)), ("version", .integer(version)),
                ("base_version", .integer(baseVersion)), ("updated_at", .string(updatedAt.iso8601)),
            ]
            if let device { members.append(("device", .string(device))) }
            if let sequence { members.append(("seq", .integer(sequence))) }
            members.append(("payload", payload))
            return .object(members)
        }

        /// Reads one record, checking each field; the error names the field.
        public init(reading field: JSONField) throws(JSONInputError) {
            let object = try field.object()
            try object.refuseUnknownKeys(["type", "id", "version", "base_version", "updated_at", "payload", "device", "seq"])
            let typeField = try object.required("type")
            let typeName = try typeField.string()
            guard let known = RecordType(rawValue: typeName) else {
                throw typeField.failure("\"\(typeName)\" is not one of \(SyncWire.recordTypes.joined(separator: ", "))")
            }
            type = known
            let idField = try object.required("id")
            id = try idField.string()
            guard SyncWire.isRecordID(id) else { throw idField.failure("\"\(id)\" is not a record id (a UUID)") }
            version = try object.required("version").int64(in: 1...Int64.max)
            baseVersion = try object.optional("base_version")?.int64(in: 0...Int64.max) ?? 0
            let timeField = try object.required("updated_at")
            guard let time = Timestamp(iso8601: try timeField.string()) else {
                throw timeField.failure("not a UTC time such as 2026-11-23T09:15:00.000Z")
            }
            updatedAt = time
            let payloadField = try object.required("payload")
            _ = try payloadField.object()
            payload = payloadField.value
            device = try object.optional("device")?.string()
            sequence = try object.optional("seq").map { field throws(JSONInputError) in try field.int64(in: 1...Int64.max) }
        }
    }

    /// What the hub did with one pushed record.
    public enum Status: String, CaseIterable, Sendable {
        /// Stored as the record's newest version.
        case accepted
        /// The hub already had exactly this version from this device: a resend, never a conflict.
        case identical
        /// Another device had changed the record since this edit's base: this one is now current and the
        /// other is kept, listed for a supervisor.
        case conflict
        /// Not stored; `reason` says why.
        case rejected
    }

    public struct Result: Equatable, Sendable {
        public var type: String
        public var id: String
        public var status: Status
        /// The hub's version of the record after this push (absent when rejected).
        public var hubVersion: Int64?
        public var reason: String?

        public init(type: String, id: String, status: Status, hubVersion: Int64?, reason: String? = nil) {
            self.type = type
            self.id = id
            self.status = status
            self.hubVersion = hubVersion
            self.reason = reason
        }

        public var json: JSONValue {
            var members: [(key: String, value: JSONValue)] = [("type", .string(type)), ("id", .string(id)), ("status", .string(status.rawValue))]
            if let hubVersion { members.append(("version", .integer(hubVersion))) }
            if let reason { members.append(("reason", .string(reason))) }
            return .object(members)
        }

        public init(reading field: JSONField) throws(JSONInputError) {
            let object = try field.object()
            type = try object.required("type").string()
            id = try object.required("id").string()
            status = try object.required("status").choice(Status.self)
            hubVersion = try object.optional("version")?.int64(in: 1...Int64.max)
            // Stored and shown to a worker: one clean line, whatever the hub sent.
            if let given = try object.optional("reason")?.string() { reason = TextSanitizer.singleLine(given) } else { reason = nil }
        }
    }

    public struct PushResponse: Equatable, Sendable {
        public var serverTime: Timestamp
        public var results: [Result]

        public init(serverTime: Timestamp, results: [Result]) {
            self.serverTime = serverTime
            self.results = results
        }

        public var json: JSONValue {
            .object([("server_time", .string(serverTime.iso8601)), ("results", .array(results.map(\.json)))])
        }

        public init(reading field: JSONField) throws(JSONInputError) {
            let object = try field.object()
            serverTime = try SyncWire.time(try object.required("server_time"))
            results = try object.required("results").array().map { item throws(JSONInputError) in try Result(reading: item) }
        }
    }

    public struct PullResponse: Equatable, Sendable {
        public var serverTime: Timestamp
        public var records: [Record]
        /// The cursor for the next page: pass it as `after`.
        public var next: Int64
        /// Whether another page is waiting.
        public var more: Bool

        public init(serverTime: Timestamp, records: [Record], next: Int64, more: Bool) {
            self.serverTime = serverTime
            self.records = records
            self.next = next
            self.more = more
        }

        public var json: JSONValue {
            .object([("server_time", .string(serverTime.iso8601)), ("records", .array(records.map(\.json))),
                     ("next", .integer(next)), ("more", .bool(more))])
        }

        public init(reading field: JSONField) throws(JSONInputError) {
            let object = try field.object()
            serverTime = try SyncWire.time(try object.required("server_time"))
            records = try object.required("records").array().map { item throws(JSONInputError) in try Record(reading: item) }
            next = try object.required("next").int64(in: 0...Int64.max)
            more = try object.required("more").bool()
        }
    }

    /// A push body: `{"records": [...]}`. Each record is read on its own, so that one bad record is
    /// rejected alone; only a body that is not a list of objects fails whole.
    public static func pushRecords(_ body: JSONValue) throws(JSONInputError) -> [(raw: JSONValue, record: Swift.Result<Record, JSONInputError>)] {
        let object = try JSONField(body).object()
        try object.refuseUnknownKeys(["records"])
        let items = try object.required("records").array()
        guard items.count <= maximumBatch else {
            throw JSONInputError(path: "records", reason: "\(items.count) records; at most \(maximumBatch) in one push")
        }
        return items.map { item in
            do throws(JSONInputError) { return (item.value, .success(try Record(reading: item))) } catch { return (item.value, .failure(error)) }
        }
    }

    /// The type and id of a record that could not be read, as far as they can be, for its answer.
    public static func identity(of item: JSONValue) -> (type: String, id: String) {
        guard case .string(let type)? = item["type"], case .string(let id)? = item["id"] else { return ("", "") }
        return (type, id)
    }

    /// Record ids are UUIDs in their usual text form.
    public static func isRecordID(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return false }
        for (index, byte) in utf8.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                if byte != UInt8(ascii: "-") { return false }
            } else if !((48...57).contains(byte) || (97...102).contains(byte) || (65...70).contains(byte)) {
                return false
            }
        }
        return true
    }

    static func time(_ field: JSONField) throws(JSONInputError) -> Timestamp {
        guard let time = Timestamp(iso8601: try field.string()) else { throw field.failure("not a UTC time") }
        return time
    }
}
