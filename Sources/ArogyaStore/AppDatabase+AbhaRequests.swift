import ArogyaCore
import GRDB

/// ABHA requests saved while the hub or ABDM could not be reached (`AbhaRequest`): written with their
/// audit row and outbox row in one transaction, listed for the worker to resume, closed when the patient's
/// ABHA is linked.
extension AppDatabase {
    /// What is decided with the patient before anything reaches ABDM.
    public struct NewAbhaRequest: Sendable {
        public let patientId: String
        public let flow: AbhaRequest.Flow
        public let mobile: String?
        public let abhaAddress: String?
        public let abhaNumber: String?
        public let consent: String?
        public let reason: String

        public init(patientId: String, flow: AbhaRequest.Flow, mobile: String?, abhaAddress: String?, abhaNumber: String?,
                    consent: String?, reason: String) {
            self.patientId = patientId
            self.flow = flow
            self.mobile = mobile
            self.abhaAddress = abhaAddress
            self.abhaNumber = abhaNumber
            self.consent = consent
            self.reason = reason
        }
    }

    /// A pending request for the patient. One of the same flow already pending is brought up to date
    /// instead: a worker who tries twice while offline leaves one request, not two.
    @discardableResult
    public func saveAbhaRequest(_ request: NewAbhaRequest, by actor: AuditActor) throws(StoreError) -> AbhaRequest {
        let reason = TextSanitizer.singleLine(request.reason)
        guard !reason.isEmpty else { throw .refused(UserMessage(.errorReasonEmpty)) }
        return try write { db in
            guard try Self.loadPatient(db, id: request.patientId) != nil else {
                throw StoreError.refused(UserMessage(.errorUnknownPatient, ["id": request.patientId]))
            }
            let time = now
            let existing = try Row.fetchOne(db, sql: """
                SELECT id, version FROM abha_request WHERE patient_id = ? AND flow = ? AND status = 'pending'
                """, arguments: [request.patientId, request.flow.rawValue])
            let id: String
            let version: Int
            if let existing {
                id = existing["id"]
                version = existing["version"] + 1
                try db.execute(sql: """
                    UPDATE abha_request SET mobile = ?, abha_address = ?, abha_number = ?, consent = ?, reason = ?, updated_at = ?,
                        version = ? WHERE id = ?
                    """, arguments: [request.mobile, request.abhaAddress, request.abhaNumber, request.consent, reason, time, version, id])
            } else {
                id = UUIDv7.string(at: time)
                version = 1
                try db.execute(sql: """
                    INSERT INTO abha_request (id, patient_id, flow, status, mobile, abha_address, abha_number, consent, reason,
                        created_by, created_at, updated_at, version)
                    VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, 1)
                    """, arguments: [id, request.patientId, request.flow.rawValue, request.mobile, request.abhaAddress, request.abhaNumber,
                                     request.consent, reason, actor.description, time, time])
            }
            try db.appendAudit(.abhaRequestSaved, by: actor, at: time, subject: .abhaRequest, recordId: id,
                               detail: ["patient": request.patientId, "flow": request.flow.rawValue])
            try db.enqueueForSync(.abhaRequest, recordId: id, version: version, at: time)
            return try Self.abhaRequests(db, where: "r.id = ?", [id]).first!.request
        }
    }

    /// The patient's pending requests are done: her ABHA was linked.
    public func closeAbhaRequests(patientId: String, as status: AbhaRequest.Status = .done, by actor: AuditActor) throws(StoreError) {
        try write { db in
            let time = now
            let open = try Row.fetchAll(db, sql: "SELECT id, version FROM abha_request WHERE patient_id = ? AND status = 'pending'",
                                        arguments: [patientId])
            for row in open {
                let id: String = row["id"]
                let version: Int = row["version"] + 1
                try db.execute(sql: "UPDATE abha_request SET status = ?, updated_at = ?, version = ? WHERE id = ?",
                               arguments: [status.rawValue, time, version, id])
                try db.appendAudit(.abhaRequestClosed, by: actor, at: time, subject: .abhaRequest, recordId: id,
                                   detail: ["patient": patientId, "status": status.rawValue])
                try db.enqueueForSync(.abhaRequest, recordId: id, version: version, at: time)
            }
        }
    }

    /// A request with the name of the patient it is for, for the Pending ABHA list.
    public struct ListedAbhaRequest: Sendable, Equatable {
        public let request: AbhaRequest
        public let patientName: String
    }

    /// The requests still waiting, oldest first.
    public func pendingAbhaRequests(patientId: String? = nil) throws(StoreError) -> [ListedAbhaRequest] {
        try read { db in
            if let patientId { return try Self.abhaRequests(db, where: "r.status = 'pending' AND r.patient_id = ?", [patientId]) }
            return try Self.abhaRequests(db, where: "r.status = 'pending'", [])
        }
    }

    static func abhaRequests(_ db: Database, where condition: String, _ arguments: [any DatabaseValueConvertible]) throws -> [ListedAbhaRequest] {
        try Row.fetchAll(db, sql: """
            SELECT r.*, p.name AS patient_name FROM abha_request r JOIN patient p ON p.id = r.patient_id
            WHERE \(condition) ORDER BY r.created_at, r.pk
            """, arguments: StatementArguments(arguments)).map { row in
            let request = AbhaRequest(
                id: row["id"], patientId: row["patient_id"], flow: AbhaRequest.Flow(rawValue: row["flow"]) ?? .enrol,
                status: AbhaRequest.Status(rawValue: row["status"]) ?? .pending, mobile: row["mobile"], abhaAddress: row["abha_address"],
                abhaNumber: row["abha_number"], consent: row["consent"], reason: row["reason"], createdBy: row["created_by"],
                createdAt: row["created_at"], updatedAt: row["updated_at"], version: row["version"])
            return ListedAbhaRequest(request: request, patientName: row["patient_name"])
        }
    }
}
