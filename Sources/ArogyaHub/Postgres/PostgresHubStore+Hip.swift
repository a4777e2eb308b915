import ArogyaCore
import PostgresNIO

/// The HIP's state on PostgreSQL, shared by every hub process: a claim is an update whose condition is
/// checked again on the row it locks, so two linkers never take the same care context.
extension PostgresHubStore: HipStorage {
    /// A care context's columns in the order `careContext(_:)` reads them.
    private static let careContextColumns = """
        facility_id, record_id, patient_id, abha_address, abha_number, display, hi_type, visit_day, state, attempts, next_attempt_at,
        last_error, linked_at
        """

    public func careContextCandidates(limit: Int) async throws -> (candidates: [CareContextCandidate], through: Int64) {
        try await snapshot { [logger] connection in
            let cursor = try await connection.query("SELECT seq FROM hip_cursor WHERE name = 'care_context'", logger: logger)
                .collect().first?.decode(Int64.self) ?? 0
            let newest = try await connection.query("SELECT coalesce(max(seq), 0) FROM record", logger: logger).collect().first?.decode(Int64.self) ?? 0
            let rows = try await connection.query("""
                SELECT c.facility_id, c.id, c.patient_id, c.trigger_seq FROM (
                    SELECT s.facility_id, s.id, s.patient_id, s.seq AS trigger_seq FROM record s
                    WHERE s.type = 'screening' AND s.seq > \(cursor)
                    UNION ALL
                    SELECT s.facility_id, s.id, s.patient_id, p.seq AS trigger_seq FROM record p
                    JOIN record s ON s.facility_id = p.facility_id AND s.type = 'screening' AND s.patient_id = p.id
                    WHERE p.type = 'patient' AND p.seq > \(cursor)
                ) c
                WHERE EXISTS (SELECT 1 FROM patient_identifier i WHERE i.facility_id = c.facility_id AND i.patient_id = c.patient_id)
                  AND NOT EXISTS (SELECT 1 FROM care_context x WHERE x.facility_id = c.facility_id AND x.record_id = c.id)
                ORDER BY c.trigger_seq LIMIT \(limit)
                """, logger: logger).collect()
            var seen = Set<String>()
            var candidates: [CareContextCandidate] = []
            var last = cursor
            for row in rows {
                let (facility, id, patient, trigger) = try row.decode((String, String, String, Int64).self)
                last = trigger
                if seen.insert(facility + "\u{1F}" + id).inserted {
                    candidates.append(CareContextCandidate(facility: facility, recordID: id, patientID: patient))
                }
            }
            return (candidates, rows.count >= limit ? max(cursor, last - 1) : max(cursor, newest))
        }
    }

    public func addCareContexts(_ contexts: [CareContext], through: Int64) async throws {
        let now = clock.now().iso8601
        try await transaction { [logger] connection in
            if !contexts.isEmpty {
                try await connection.query("""
                    INSERT INTO care_context (facility_id, record_id, patient_id, abha_address, abha_number, display, hi_type, visit_day,
                                              state, attempts, next_attempt_at, created_at, updated_at)
                    SELECT f, r, p, a, nullif(n, ''), d, h, v, 'waiting', 0, t, \(now), \(now)
                    FROM unnest(\(contexts.map(\.facility))::text[], \(contexts.map(\.recordID))::text[], \(contexts.map(\.patientID))::text[],
                                \(contexts.map(\.abhaAddress))::text[], \(contexts.map { $0.abhaNumber ?? "" })::text[], \(contexts.map(\.display))::text[],
                                \(contexts.map(\.hiType))::text[], \(contexts.map(\.visitDay))::text[],
                                \(contexts.map(\.nextAttemptAt.iso8601))::text[]) AS x(f, r, p, a, n, d, h, v, t)
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            try await connection.query("""
                INSERT INTO hip_cursor (name, seq) VALUES ('care_context', \(through))
                ON CONFLICT (name) DO UPDATE SET seq = greatest(hip_cursor.seq, excluded.seq)
                """, logger: logger)
        }
    }

    public func claimDueLinks(now: Timestamp, leaseUntil: Timestamp, patients: Int) async throws -> [DueLinks] {
        let rows = try await client.query("""
            WITH due AS (
                SELECT DISTINCT facility_id, patient_id FROM (
                    SELECT facility_id, patient_id FROM care_context
                    WHERE state <> 'linked' AND next_attempt_at <= \(now.iso8601) ORDER BY next_attempt_at LIMIT \(patients * 8)
                ) d LIMIT \(patients)
            )
            UPDATE care_context c SET attempts = c.attempts + 1, next_attempt_at = \(leaseUntil.iso8601), awaiting = NULL,
                last_error = CASE WHEN c.awaiting IS NOT NULL THEN 'no answer from ABDM in time' ELSE c.last_error END
            FROM due WHERE c.facility_id = due.facility_id AND c.patient_id = due.patient_id
              AND c.state <> 'linked' AND c.next_attempt_at <= \(now.iso8601)
            RETURNING \(unescaped: Self.careContextColumns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .joined(separator: ", "))
            """, logger: logger).collect()
        var groups: [String: [CareContext]] = [:]
        var order: [String] = []
        for row in rows {
            let context = try Self.careContext(row)
            let key = context.facility + "\u{1F}" + context.patientID
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(context)
        }
        return order.compactMap { key in
            guard let contexts = groups[key]?.sorted(by: { ($0.visitDay, $0.recordID) < ($1.visitDay, $1.recordID) }),
                  let first = contexts.first else { return nil }
            return DueLinks(facility: first.facility, patientID: first.patientID, abhaAddress: first.abhaAddress,
                            abhaNumber: first.abhaNumber, contexts: contexts)
        }
    }

    public func noteSent(_ request: AbdmPendingRequest, answerBy: Timestamp) async throws {
        let state = request.kind == .linkCareContexts ? "sent" : "waiting"
        try await transaction { [logger] connection in
            try await connection.query("""
                INSERT INTO abdm_request (request_id, kind, facility_id, patient_id, abha_address, record_ids, sent_at)
                VALUES (\(request.requestID), \(request.kind.rawValue), \(request.facility), \(request.patientID), \(request.abhaAddress),
                        \(request.recordIDs)::text[], \(request.sentAt.iso8601))
                """, logger: logger)
            try await connection.query("""
                UPDATE care_context SET state = \(state), next_attempt_at = \(answerBy.iso8601), awaiting = \(request.requestID)
                WHERE facility_id = \(request.facility) AND record_id = ANY(\(request.recordIDs)::text[]) AND state <> 'linked'
                """, logger: logger)
        }
    }

    public func pendingRequest(_ requestID: String) async throws -> AbdmPendingRequest? {
        let rows = try await client.query("""
            SELECT request_id, kind, facility_id, patient_id, abha_address, record_ids, sent_at FROM abdm_request WHERE request_id = \(requestID)
            """, logger: logger).collect()
        guard let row = rows.first else { return nil }
        let (id, kind, facility, patient, address, records, sent) = try row.decode((String, String, String, String, String, [String], String).self)
        return AbdmPendingRequest.Kind(rawValue: kind).map {
            AbdmPendingRequest(requestID: id, kind: $0, facility: facility, patientID: patient, abhaAddress: address, recordIDs: records,
                               sentAt: Timestamp(iso8601: sent) ?? Timestamp(millisecondsSince1970: 0))
        }
    }

    public func forgetRequest(_ requestID: String) async throws {
        try await client.query("DELETE FROM abdm_request WHERE request_id = \(requestID)", logger: logger)
    }

    public func markLinked(facility: String, recordIDs: [String], at: Timestamp) async throws {
        try await client.query("""
            UPDATE care_context SET state = 'linked', linked_at = \(at.iso8601), last_error = NULL, awaiting = NULL, updated_at = \(at.iso8601)
            WHERE facility_id = \(facility) AND record_id = ANY(\(recordIDs)::text[])
            """, logger: logger)
    }

    public func markFailed(facility: String, recordIDs: [String], reason: String, now: Timestamp) async throws {
        // The delay doubles with each attempt (30 s, 1 min, …, at most 6 h), as `LinkBackoff` says.
        try await client.query("""
            UPDATE care_context SET state = 'failed', last_error = \(reason), awaiting = NULL,
                updated_at = CASE WHEN state = 'failed' THEN updated_at ELSE \(now.iso8601) END,
                next_attempt_at = to_char((\(now.iso8601)::timestamptz + make_interval(secs => least(\(LinkBackoff.firstSeconds)::bigint
                    << least(greatest(attempts - 1, 0), 20), \(LinkBackoff.longestSeconds)::bigint))) AT TIME ZONE 'UTC',
                    'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            WHERE facility_id = \(facility) AND record_id = ANY(\(recordIDs)::text[]) AND state <> 'linked'
            """, logger: logger)
    }

    public func makeDue(facility: String, patientID: String, now: Timestamp) async throws {
        try await client.query("""
            UPDATE care_context SET next_attempt_at = \(now.iso8601), awaiting = NULL
            WHERE facility_id = \(facility) AND patient_id = \(patientID) AND state IN ('waiting', 'failed')
            """, logger: logger)
    }

    public func linkToken(facility: String, abhaAddress: String, now: Timestamp) async throws -> String? {
        try await client.query("""
            SELECT token FROM link_token WHERE facility_id = \(facility) AND abha_address = \(abhaAddress) AND expires_at > \(now.iso8601)
            """, logger: logger).collect().first?.decode(String.self)
    }

    public func saveLinkToken(facility: String, abhaAddress: String, token: String, expiresAt: Timestamp) async throws {
        try await client.query("""
            INSERT INTO link_token (facility_id, abha_address, token, expires_at) VALUES (\(facility), \(abhaAddress), \(token), \(expiresAt.iso8601))
            ON CONFLICT (facility_id, abha_address) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
            """, logger: logger)
    }

    public func careContexts(facility: String?, patient: String?) async throws -> [CareContext] {
        try await client.query("""
            SELECT \(unescaped: Self.careContextColumns)
            FROM care_context WHERE (\(facility)::text IS NULL OR facility_id = \(facility)) AND (\(patient)::text IS NULL OR patient_id = \(patient))
            ORDER BY facility_id COLLATE "C", patient_id COLLATE "C", visit_day, record_id COLLATE "C"
            """, logger: logger).collect().map(Self.careContext)
    }

    public func linkSummaries(facilities: [String], changedSince since: Timestamp) async throws -> [PatientLinkSummary] {
        try await client.query("""
            SELECT facility_id, patient_id, count(*) FILTER (WHERE state = 'linked'), count(*), count(*) FILTER (WHERE state = 'failed')
            FROM care_context c
            WHERE facility_id = ANY(\(facilities)::text[]) AND EXISTS (
                SELECT 1 FROM care_context u WHERE u.facility_id = c.facility_id AND u.patient_id = c.patient_id AND u.updated_at > \(since.iso8601))
            GROUP BY facility_id, patient_id ORDER BY facility_id COLLATE "C", patient_id COLLATE "C"
            """, logger: logger).collect().map { row in
            let (facility, patient, linked, total, failed) = try row.decode((String, String, Int64, Int64, Int64).self)
            return PatientLinkSummary(facility: facility, patientID: patient, linked: Int(linked), total: Int(total), failed: Int(failed))
        }
    }

    public func saveConsent(_ consent: ConsentArtefact, at: Timestamp) async throws {
        try await client.query("""
            INSERT INTO consent_artefact (consent_id, facility_id, status, patient_address, care_contexts, hi_types, date_from, date_to,
                                          data_erase_at, hiu_id, received_at, updated_at)
            VALUES (\(consent.consentID), \(consent.facility), \(consent.status.rawValue), \(consent.patientAddress), \(consent.careContextsText),
                    \(consent.hiTypesText), \(consent.from.iso8601), \(consent.to.iso8601), \(consent.dataEraseAt.iso8601), \(consent.hiuID),
                    \(at.iso8601), \(at.iso8601))
            ON CONFLICT (consent_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
            """, logger: logger)
    }

    public func consent(_ id: String) async throws -> ConsentArtefact? {
        let rows = try await client.query("""
            SELECT consent_id, facility_id, status, patient_address, care_contexts, hi_types, date_from, date_to, data_erase_at, hiu_id
            FROM consent_artefact WHERE consent_id = \(id)
            """, logger: logger).collect()
        guard let row = rows.first else { return nil }
        let (consentID, facility, status, address, contexts, types, from, to, erase, hiu) =
            try row.decode((String, String, String, String, String, String, String, String, String, String?).self)
        let epoch = Timestamp(millisecondsSince1970: 0)
        return ConsentArtefact(consentID: consentID, facility: facility, status: ConsentArtefact.Status(rawValue: status) ?? .revoked,
                               patientAddress: address, careContexts: ConsentArtefact.careContexts(from: contexts),
                               hiTypes: ConsentArtefact.hiTypes(from: types), from: Timestamp(iso8601: from) ?? epoch,
                               to: Timestamp(iso8601: to) ?? epoch, dataEraseAt: Timestamp(iso8601: erase) ?? epoch, hiuID: hiu)
    }

    public func setConsentStatus(_ id: String, _ status: ConsentArtefact.Status, at: Timestamp) async throws -> Bool {
        let rows = try await client.query("""
            UPDATE consent_artefact SET status = \(status.rawValue), updated_at = \(at.iso8601) WHERE consent_id = \(id) RETURNING consent_id
            """, logger: logger).collect()
        return !rows.isEmpty
    }

    public func startTransfer(_ transfer: DataTransfer) async throws -> Bool {
        let rows = try await client.query("""
            INSERT INTO data_transfer (transaction_id, consent_id, facility_id, status, requested_at)
            VALUES (\(transfer.transactionID), \(transfer.consentID), \(transfer.facility), 'started', \(transfer.requestedAt.iso8601))
            ON CONFLICT DO NOTHING RETURNING transaction_id
            """, logger: logger).collect()
        return !rows.isEmpty
    }

    public func finishTransfer(_ transfer: DataTransfer) async throws {
        try await client.query("""
            UPDATE data_transfer SET status = \(transfer.status.rawValue), delivered = \(transfer.delivered), errored = \(transfer.errored),
                finished_at = \(transfer.finishedAt?.iso8601), reason = \(transfer.reason)
            WHERE transaction_id = \(transfer.transactionID)
            """, logger: logger)
    }

    public func transfers(consent: String?) async throws -> [DataTransfer] {
        try await client.query("""
            SELECT transaction_id, consent_id, facility_id, status, delivered, errored, requested_at, finished_at, reason
            FROM data_transfer WHERE (\(consent)::text IS NULL OR consent_id = \(consent))
            ORDER BY requested_at, transaction_id COLLATE "C"
            """, logger: logger).collect().map { row in
            let (id, consentID, facility, status, delivered, errored, requested, finished, reason) =
                try row.decode((String, String, String, String, Int32, Int32, String, String?, String?).self)
            return DataTransfer(transactionID: id, consentID: consentID, facility: facility, status: DataTransfer.Status(rawValue: status) ?? .failed,
                                delivered: Int(delivered), errored: Int(errored),
                                requestedAt: Timestamp(iso8601: requested) ?? Timestamp(millisecondsSince1970: 0),
                                finishedAt: finished.flatMap(Timestamp.init(iso8601:)), reason: reason)
        }
    }

    public func discoveryCandidates(facility: String, abhaAddress: String?, abhaNumber: String?, mobiles: [String]) async throws -> [DiscoveryCandidate] {
        let rows = try await client.query("""
            WITH by_abha AS (
                SELECT patient_id FROM patient_identifier WHERE facility_id = \(facility)
                  AND ((kind = 'abha_address' AND value = \(abhaAddress)) OR (kind = 'abha_number' AND value = \(abhaNumber)))
            ), by_mobile AS (
                SELECT id AS patient_id FROM report_patient WHERE facility_id = \(facility) AND mobile = ANY(\(mobiles)::text[])
            )
            SELECT p.id, p.name, p.sex, p.birth_date, p.mobile, p.id IN (SELECT patient_id FROM by_abha)
            FROM report_patient p
            WHERE p.facility_id = \(facility) AND p.status = 'active'
              AND (p.id IN (SELECT patient_id FROM by_abha) OR p.id IN (SELECT patient_id FROM by_mobile))
            ORDER BY p.id COLLATE "C"
            """, logger: logger).collect()
        return try rows.map { row in
            let (id, name, sex, born, mobile, byAbha) = try row.decode((String, String, String, String, String?, Bool).self)
            return DiscoveryCandidate(patientID: id, name: name, sex: sex, birthDate: born, mobile: mobile, byAbha: byAbha)
        }
    }

    public func saveLinkSession(_ session: LinkSession, at: Timestamp) async throws {
        try await client.query("""
            INSERT INTO link_session (link_ref, transaction_id, facility_id, patient_id, abha_address, record_ids, otp_hash, expires_at, created_at)
            VALUES (\(session.linkReference), \(session.transactionID), \(session.facility), \(session.patientID), \(session.abhaAddress),
                    \(session.recordIDs)::text[], \(session.otpHash), \(session.expiresAt.iso8601), \(at.iso8601))
            """, logger: logger)
    }

    public func linkSession(_ reference: String) async throws -> LinkSession? {
        let rows = try await client.query("""
            SELECT link_ref, transaction_id, facility_id, patient_id, abha_address, record_ids, otp_hash, expires_at, wrong_tries, done
            FROM link_session WHERE link_ref = \(reference)
            """, logger: logger).collect()
        guard let row = rows.first else { return nil }
        let (ref, transaction, facility, patient, address, records, hash, expires, wrong, done) =
            try row.decode((String, String, String, String, String, [String], String, String, Int32, Bool).self)
        return LinkSession(linkReference: ref, transactionID: transaction, facility: facility, patientID: patient, abhaAddress: address,
                           recordIDs: records, otpHash: hash, expiresAt: Timestamp(iso8601: expires) ?? Timestamp(millisecondsSince1970: 0),
                           wrongTries: Int(wrong), done: done)
    }

    public func updateLinkSession(_ session: LinkSession) async throws {
        try await client.query("""
            UPDATE link_session SET wrong_tries = \(session.wrongTries), done = \(session.done) WHERE link_ref = \(session.linkReference)
            """, logger: logger)
    }

    public func linkByPatient(_ contexts: [CareContext], at: Timestamp) async throws {
        guard !contexts.isEmpty else { return }
        try await client.query("""
            INSERT INTO care_context (facility_id, record_id, patient_id, abha_address, abha_number, display, hi_type, visit_day,
                                      state, attempts, next_attempt_at, linked_at, created_at, updated_at)
            SELECT f, r, p, a, nullif(n, ''), d, h, v, 'linked', 0, \(at.iso8601), \(at.iso8601), \(at.iso8601), \(at.iso8601)
            FROM unnest(\(contexts.map(\.facility))::text[], \(contexts.map(\.recordID))::text[], \(contexts.map(\.patientID))::text[],
                        \(contexts.map(\.abhaAddress))::text[], \(contexts.map { $0.abhaNumber ?? "" })::text[], \(contexts.map(\.display))::text[],
                        \(contexts.map(\.hiType))::text[], \(contexts.map(\.visitDay))::text[]) AS x(f, r, p, a, n, d, h, v)
            ON CONFLICT (facility_id, record_id) DO UPDATE SET state = 'linked', linked_at = excluded.linked_at, last_error = NULL,
                awaiting = NULL, abha_address = excluded.abha_address, updated_at = excluded.updated_at
            """, logger: logger)
    }

    public func acceptInbound(requestID: String, path: String, at: Timestamp) async throws -> Bool {
        let rows = try await client.query("""
            INSERT INTO abdm_inbound (request_id, path, received_at) VALUES (\(requestID), \(path), \(at.iso8601))
            ON CONFLICT DO NOTHING RETURNING request_id
            """, logger: logger).collect()
        return !rows.isEmpty
    }

    static func careContext(_ row: PostgresRow) throws -> CareContext {
        let (facility, record, patient, address, number, display, hiType, day, state, attempts, next, error, linked) =
            try row.decode((String, String, String, String, String?, String, String, String, String, Int32, String, String?, String?).self)
        return CareContext(facility: facility, recordID: record, patientID: patient, abhaAddress: address, abhaNumber: number, display: display,
                           hiType: hiType, visitDay: day, state: CareContextState(rawValue: state) ?? .waiting, attempts: Int(attempts),
                           nextAttemptAt: Timestamp(iso8601: next) ?? Timestamp(millisecondsSince1970: 0), lastError: error,
                           linkedAt: linked.flatMap(Timestamp.init(iso8601:)))
    }
}
