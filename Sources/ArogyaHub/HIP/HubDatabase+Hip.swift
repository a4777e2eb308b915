import ArogyaCore
import GRDB

extension HubDatabase: HipStorage {
    /// The HIP's tables (SQLite's spelling of `PostgresHubSchema`'s `hub-v3-hip`).
    static func createHipTables(_ db: Database) throws {
        try db.execute(sql: """
            -- A screening or follow-up of a patient with an ABHA, and where its link to her ABHA stands.
            CREATE TABLE care_context (
                facility_id TEXT NOT NULL,
                record_id TEXT NOT NULL,
                patient_id TEXT NOT NULL,
                abha_address TEXT NOT NULL,
                abha_number TEXT,
                display TEXT NOT NULL,
                hi_type TEXT NOT NULL,
                visit_day TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('waiting', 'sent', 'linked', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                -- When a linker may take it next: a retry's time, or the end of a claim or of a wait for ABDM.
                next_attempt_at TEXT NOT NULL,
                last_error TEXT,
                -- The request whose answer it waits for (a link token's or the link's), if any.
                awaiting TEXT,
                linked_at TEXT,
                created_at TEXT NOT NULL,
                -- When what a terminal shows of it (linked, failed, or known at all) last changed.
                updated_at TEXT NOT NULL,
                PRIMARY KEY (facility_id, record_id)
            ) WITHOUT ROWID, STRICT;
            CREATE INDEX care_context_patient ON care_context(facility_id, patient_id);
            CREATE INDEX care_context_updated ON care_context(facility_id, updated_at);
            CREATE INDEX care_context_due ON care_context(next_attempt_at) WHERE state <> 'linked';

            -- ABDM's link token for a patient at a facility (HIP), valid for months.
            CREATE TABLE link_token (
                facility_id TEXT NOT NULL,
                abha_address TEXT NOT NULL,
                token TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                PRIMARY KEY (facility_id, abha_address)
            ) WITHOUT ROWID, STRICT;

            -- Requests to ABDM whose answers come later to the bridge, by REQUEST-ID.
            CREATE TABLE abdm_request (
                request_id TEXT PRIMARY KEY NOT NULL,
                kind TEXT NOT NULL,
                facility_id TEXT NOT NULL,
                patient_id TEXT NOT NULL,
                abha_address TEXT NOT NULL,
                record_ids TEXT NOT NULL,
                sent_at TEXT NOT NULL
            ) STRICT;

            -- REQUEST-IDs ABDM sent to the bridge: a replay is answered once.
            CREATE TABLE abdm_inbound (
                request_id TEXT PRIMARY KEY NOT NULL,
                path TEXT NOT NULL,
                received_at TEXT NOT NULL
            ) STRICT;

            -- How far the records were read for new care contexts.
            CREATE TABLE hip_cursor (
                name TEXT PRIMARY KEY NOT NULL,
                seq INTEGER NOT NULL
            ) STRICT;

            -- Consents ABDM notified: which care contexts an HIU may be sent, of which types and dates, until when.
            CREATE TABLE consent_artefact (
                consent_id TEXT PRIMARY KEY NOT NULL,
                facility_id TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('GRANTED', 'REVOKED', 'EXPIRED', 'DENIED')),
                patient_address TEXT NOT NULL,
                care_contexts TEXT NOT NULL,
                hi_types TEXT NOT NULL,
                date_from TEXT NOT NULL,
                date_to TEXT NOT NULL,
                data_erase_at TEXT NOT NULL,
                hiu_id TEXT,
                received_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) STRICT;

            -- Each health-information request served: under which consent, how it ended.
            CREATE TABLE data_transfer (
                transaction_id TEXT PRIMARY KEY NOT NULL,
                consent_id TEXT NOT NULL,
                facility_id TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('started', 'transferred', 'failed')),
                delivered INTEGER NOT NULL DEFAULT 0,
                errored INTEGER NOT NULL DEFAULT 0,
                requested_at TEXT NOT NULL,
                finished_at TEXT,
                reason TEXT
            ) STRICT;
            CREATE INDEX data_transfer_consent ON data_transfer(consent_id);

            -- A patient's own request to link visits, waiting for the OTP sent to her mobile.
            CREATE TABLE link_session (
                link_ref TEXT PRIMARY KEY NOT NULL,
                transaction_id TEXT NOT NULL,
                facility_id TEXT NOT NULL,
                patient_id TEXT NOT NULL,
                abha_address TEXT NOT NULL,
                record_ids TEXT NOT NULL,
                otp_hash TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                wrong_tries INTEGER NOT NULL DEFAULT 0,
                done INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL
            ) STRICT;
            """)
    }

    public func careContextCandidates(limit: Int) async throws -> (candidates: [CareContextCandidate], through: Int64) {
        try await writer.read { db in
            let cursor = try Int64.fetchOne(db, sql: "SELECT seq FROM hip_cursor WHERE name = 'care_context'") ?? 0
            let newest = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM record") ?? 0
            let rows = try Row.fetchAll(db, sql: Self.candidatesSQL, arguments: [cursor, cursor, limit])
            return Self.candidates(rows, cursor: cursor, newest: newest, limit: limit)
        }
    }

    /// Screenings newer than the cursor, and screenings of patients whose record is newer (she may have been
    /// given an ABHA since), whose patient has an ABHA and which are not care contexts yet; by the sequence
    /// number that made each a candidate. The same text serves PostgreSQL (`$n` for `?`).
    static let candidatesSQL = """
        SELECT c.facility_id, c.id, c.patient_id, c.trigger_seq FROM (
            SELECT s.facility_id, s.id, s.patient_id, s.seq AS trigger_seq FROM record s
            WHERE s.type = 'screening' AND s.seq > ?
            UNION ALL
            SELECT s.facility_id, s.id, s.patient_id, p.seq AS trigger_seq FROM record p
            JOIN record s ON s.facility_id = p.facility_id AND s.type = 'screening' AND s.patient_id = p.id
            WHERE p.type = 'patient' AND p.seq > ?
        ) c
        WHERE EXISTS (SELECT 1 FROM patient_identifier i WHERE i.facility_id = c.facility_id AND i.patient_id = c.patient_id)
          AND NOT EXISTS (SELECT 1 FROM care_context x WHERE x.facility_id = c.facility_id AND x.record_id = c.id)
        ORDER BY c.trigger_seq LIMIT ?
        """

    /// A full page stops just before its last sequence number (the rest of that number's screenings come
    /// next time); a short one has seen everything up to the newest.
    static func candidates(_ rows: [Row], cursor: Int64, newest: Int64, limit: Int) -> ([CareContextCandidate], Int64) {
        var seen = Set<String>()
        var candidates: [CareContextCandidate] = []
        var last: Int64 = cursor
        for row in rows {
            last = row["trigger_seq"]
            let candidate = CareContextCandidate(facility: row["facility_id"], recordID: row["id"], patientID: row["patient_id"])
            if seen.insert(candidate.facility + "\u{1F}" + candidate.recordID).inserted { candidates.append(candidate) }
        }
        return (candidates, rows.count >= limit ? max(cursor, last - 1) : max(cursor, newest))
    }

    public func addCareContexts(_ contexts: [CareContext], through: Int64) async throws {
        let now = clock.now().iso8601
        try await writer.write { db in
            for context in contexts {
                try db.cachedStatement(sql: """
                    INSERT INTO care_context (facility_id, record_id, patient_id, abha_address, abha_number, display, hi_type, visit_day,
                                              state, attempts, next_attempt_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'waiting', 0, ?, ?, ?) ON CONFLICT DO NOTHING
                    """).execute(arguments: [context.facility, context.recordID, context.patientID, context.abhaAddress, context.abhaNumber,
                                             context.display, context.hiType, context.visitDay, context.nextAttemptAt.iso8601, now, now])
            }
            try db.execute(sql: """
                INSERT INTO hip_cursor (name, seq) VALUES ('care_context', ?)
                ON CONFLICT (name) DO UPDATE SET seq = max(seq, excluded.seq)
                """, arguments: [through])
        }
    }

    public func claimDueLinks(now: Timestamp, leaseUntil: Timestamp, patients: Int) async throws -> [DueLinks] {
        try await writer.write { db in
            let due = try Row.fetchAll(db, sql: """
                SELECT DISTINCT facility_id, patient_id FROM care_context
                WHERE state <> 'linked' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?
                """, arguments: [now.iso8601, patients])
            var claimed: [DueLinks] = []
            for patient in due {
                let facility: String = patient["facility_id"], patientID: String = patient["patient_id"]
                try db.execute(sql: """
                    UPDATE care_context SET attempts = attempts + 1, next_attempt_at = ?, awaiting = NULL,
                        last_error = CASE WHEN awaiting IS NOT NULL THEN 'no answer from ABDM in time' ELSE last_error END
                    WHERE facility_id = ? AND patient_id = ? AND state <> 'linked' AND next_attempt_at <= ?
                    """, arguments: [leaseUntil.iso8601, facility, patientID, now.iso8601])
                let contexts = try Row.fetchAll(db, sql: """
                    SELECT * FROM care_context WHERE facility_id = ? AND patient_id = ? AND state <> 'linked' AND next_attempt_at = ?
                    ORDER BY visit_day, record_id
                    """, arguments: [facility, patientID, leaseUntil.iso8601]).map(Self.careContext)
                if let first = contexts.first {
                    claimed.append(DueLinks(facility: facility, patientID: patientID, abhaAddress: first.abhaAddress,
                                            abhaNumber: first.abhaNumber, contexts: contexts))
                }
            }
            return claimed
        }
    }

    public func noteSent(_ request: AbdmPendingRequest, answerBy: Timestamp) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO abdm_request (request_id, kind, facility_id, patient_id, abha_address, record_ids, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [request.requestID, request.kind.rawValue, request.facility, request.patientID, request.abhaAddress,
                                 HipText.list(request.recordIDs), request.sentAt.iso8601])
            let state = request.kind == .linkCareContexts ? "sent" : "waiting"
            for id in request.recordIDs {
                try db.cachedStatement(sql: """
                    UPDATE care_context SET state = ?, next_attempt_at = ?, awaiting = ? WHERE facility_id = ? AND record_id = ? AND state <> 'linked'
                    """).execute(arguments: [state, answerBy.iso8601, request.requestID, request.facility, id])
            }
        }
    }

    public func pendingRequest(_ requestID: String) async throws -> AbdmPendingRequest? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM abdm_request WHERE request_id = ?", arguments: [requestID]).flatMap { row in
                AbdmPendingRequest.Kind(rawValue: row["kind"]).map { kind in
                    AbdmPendingRequest(requestID: row["request_id"], kind: kind, facility: row["facility_id"], patientID: row["patient_id"],
                                       abhaAddress: row["abha_address"], recordIDs: HipText.list(row["record_ids"] as String),
                                       sentAt: row.storedTime("sent_at"))
                }
            }
        }
    }

    public func forgetRequest(_ requestID: String) async throws {
        try await writer.write { try $0.execute(sql: "DELETE FROM abdm_request WHERE request_id = ?", arguments: [requestID]) }
    }

    public func markLinked(facility: String, recordIDs: [String], at: Timestamp) async throws {
        try await writer.write { db in
            for id in recordIDs {
                try db.cachedStatement(sql: """
                    UPDATE care_context SET state = 'linked', linked_at = ?, last_error = NULL, awaiting = NULL, updated_at = ?
                    WHERE facility_id = ? AND record_id = ?
                    """).execute(arguments: [at.iso8601, at.iso8601, facility, id])
            }
        }
    }

    public func markFailed(facility: String, recordIDs: [String], reason: String, now: Timestamp) async throws {
        try await writer.write { db in
            for id in recordIDs {
                let attempts = try Int.fetchOne(db, sql: "SELECT attempts FROM care_context WHERE facility_id = ? AND record_id = ?",
                                                arguments: [facility, id]) ?? 1
                try db.cachedStatement(sql: """
                    UPDATE care_context SET state = 'failed', last_error = ?, next_attempt_at = ?, awaiting = NULL,
                        updated_at = CASE WHEN state = 'failed' THEN updated_at ELSE ? END
                    WHERE facility_id = ? AND record_id = ? AND state <> 'linked'
                    """).execute(arguments: [reason, now.adding(seconds: LinkBackoff.delay(afterAttempt: attempts)).iso8601, now.iso8601,
                                             facility, id])
            }
        }
    }

    public func makeDue(facility: String, patientID: String, now: Timestamp) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE care_context SET next_attempt_at = ?, awaiting = NULL WHERE facility_id = ? AND patient_id = ? AND state IN ('waiting', 'failed')
                """, arguments: [now.iso8601, facility, patientID])
        }
    }

    public func linkToken(facility: String, abhaAddress: String, now: Timestamp) async throws -> String? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT token FROM link_token WHERE facility_id = ? AND abha_address = ? AND expires_at > ?",
                                arguments: [facility, abhaAddress, now.iso8601])
        }
    }

    public func saveLinkToken(facility: String, abhaAddress: String, token: String, expiresAt: Timestamp) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO link_token (facility_id, abha_address, token, expires_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (facility_id, abha_address) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
                """, arguments: [facility, abhaAddress, token, expiresAt.iso8601])
        }
    }

    public func careContexts(facility: String?, patient: String?) async throws -> [CareContext] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM care_context WHERE (? IS NULL OR facility_id = ?) AND (? IS NULL OR patient_id = ?)
                ORDER BY facility_id, patient_id, visit_day, record_id
                """, arguments: [facility, facility, patient, patient]).map(Self.careContext)
        }
    }

    public func linkSummaries(facilities: [String], changedSince since: Timestamp) async throws -> [PatientLinkSummary] {
        try await writer.read { db in
            let marks = databaseQuestionMarks(count: facilities.count)
            return try Row.fetchAll(db, sql: """
                SELECT facility_id, patient_id, sum(state = 'linked') AS linked, count(*) AS total, sum(state = 'failed') AS failed
                FROM care_context c
                WHERE facility_id IN (\(marks)) AND EXISTS (
                    SELECT 1 FROM care_context u WHERE u.facility_id = c.facility_id AND u.patient_id = c.patient_id AND u.updated_at > ?)
                GROUP BY facility_id, patient_id ORDER BY facility_id, patient_id
                """, arguments: StatementArguments(facilities) + [since.iso8601]).map { row in
                PatientLinkSummary(facility: row["facility_id"], patientID: row["patient_id"], linked: row["linked"], total: row["total"],
                                   failed: row["failed"])
            }
        }
    }

    public func saveConsent(_ consent: ConsentArtefact, at: Timestamp) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO consent_artefact (consent_id, facility_id, status, patient_address, care_contexts, hi_types, date_from, date_to,
                                              data_erase_at, hiu_id, received_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (consent_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
                """, arguments: [consent.consentID, consent.facility, consent.status.rawValue, consent.patientAddress, consent.careContextsText,
                                 consent.hiTypesText, consent.from.iso8601, consent.to.iso8601, consent.dataEraseAt.iso8601, consent.hiuID,
                                 at.iso8601, at.iso8601])
        }
    }

    public func consent(_ id: String) async throws -> ConsentArtefact? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM consent_artefact WHERE consent_id = ?", arguments: [id]).map { row in
                ConsentArtefact(consentID: row["consent_id"], facility: row["facility_id"],
                                status: ConsentArtefact.Status(rawValue: row["status"]) ?? .revoked, patientAddress: row["patient_address"],
                                careContexts: ConsentArtefact.careContexts(from: row["care_contexts"]),
                                hiTypes: ConsentArtefact.hiTypes(from: row["hi_types"]), from: row.storedTime("date_from"),
                                to: row.storedTime("date_to"), dataEraseAt: row.storedTime("data_erase_at"), hiuID: row["hiu_id"])
            }
        }
    }

    public func setConsentStatus(_ id: String, _ status: ConsentArtefact.Status, at: Timestamp) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE consent_artefact SET status = ?, updated_at = ? WHERE consent_id = ?",
                           arguments: [status.rawValue, at.iso8601, id])
            return db.changesCount > 0
        }
    }

    public func startTransfer(_ transfer: DataTransfer) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO data_transfer (transaction_id, consent_id, facility_id, status, requested_at) VALUES (?, ?, ?, 'started', ?)
                ON CONFLICT DO NOTHING
                """, arguments: [transfer.transactionID, transfer.consentID, transfer.facility, transfer.requestedAt.iso8601])
            return db.changesCount == 1
        }
    }

    public func finishTransfer(_ transfer: DataTransfer) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE data_transfer SET status = ?, delivered = ?, errored = ?, finished_at = ?, reason = ? WHERE transaction_id = ?
                """, arguments: [transfer.status.rawValue, transfer.delivered, transfer.errored, transfer.finishedAt?.iso8601, transfer.reason,
                                 transfer.transactionID])
        }
    }

    public func transfers(consent: String?) async throws -> [DataTransfer] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM data_transfer WHERE (? IS NULL OR consent_id = ?) ORDER BY requested_at, transaction_id
                """, arguments: [consent, consent]).map { row in
                DataTransfer(transactionID: row["transaction_id"], consentID: row["consent_id"], facility: row["facility_id"],
                             status: DataTransfer.Status(rawValue: row["status"]) ?? .failed, delivered: row["delivered"], errored: row["errored"],
                             requestedAt: row.storedTime("requested_at"), finishedAt: (row["finished_at"] as String?).flatMap(Timestamp.init(iso8601:)),
                             reason: row["reason"])
            }
        }
    }

    public func discoveryCandidates(facility: String, abhaAddress: String?, abhaNumber: String?, mobiles: [String]) async throws -> [DiscoveryCandidate] {
        try await writer.read { db in
            var byAbha = Set<String>()
            for (kind, value) in [("abha_address", abhaAddress), ("abha_number", abhaNumber)] {
                guard let value else { continue }
                byAbha.formUnion(try String.fetchAll(db, sql: """
                    SELECT patient_id FROM patient_identifier WHERE facility_id = ? AND kind = ? AND value = ?
                    """, arguments: [facility, kind, value]))
            }
            var ids = byAbha
            for mobile in mobiles {
                ids.formUnion(try String.fetchAll(db, sql: "SELECT id FROM report_patient WHERE facility_id = ? AND mobile = ?",
                                                  arguments: [facility, mobile]))
            }
            return try ids.sorted().compactMap { id in
                try Row.fetchOne(db, sql: "SELECT * FROM report_patient WHERE facility_id = ? AND id = ? AND status = 'active'",
                                 arguments: [facility, id]).map { row in
                    DiscoveryCandidate(patientID: id, name: row["name"], sex: row["sex"], birthDate: row["birth_date"], mobile: row["mobile"],
                                       byAbha: byAbha.contains(id))
                }
            }
        }
    }

    public func saveLinkSession(_ session: LinkSession, at: Timestamp) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO link_session (link_ref, transaction_id, facility_id, patient_id, abha_address, record_ids, otp_hash, expires_at,
                                          wrong_tries, done, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)
                """, arguments: [session.linkReference, session.transactionID, session.facility, session.patientID, session.abhaAddress,
                                 HipText.list(session.recordIDs), session.otpHash, session.expiresAt.iso8601, at.iso8601])
        }
    }

    public func linkSession(_ reference: String) async throws -> LinkSession? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM link_session WHERE link_ref = ?", arguments: [reference]).map { row in
                LinkSession(linkReference: row["link_ref"], transactionID: row["transaction_id"], facility: row["facility_id"],
                            patientID: row["patient_id"], abhaAddress: row["abha_address"], recordIDs: HipText.list(row["record_ids"] as String),
                            otpHash: row["otp_hash"], expiresAt: row.storedTime("expires_at"), wrongTries: row["wrong_tries"], done: row["done"])
            }
        }
    }

    public func updateLinkSession(_ session: LinkSession) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE link_session SET wrong_tries = ?, done = ? WHERE link_ref = ?",
                           arguments: [session.wrongTries, session.done, session.linkReference])
        }
    }

    public func linkByPatient(_ contexts: [CareContext], at: Timestamp) async throws {
        try await writer.write { db in
            for context in contexts {
                try db.cachedStatement(sql: """
                    INSERT INTO care_context (facility_id, record_id, patient_id, abha_address, abha_number, display, hi_type, visit_day,
                                              state, attempts, next_attempt_at, linked_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'linked', 0, ?, ?, ?, ?)
                    ON CONFLICT (facility_id, record_id) DO UPDATE SET state = 'linked', linked_at = excluded.linked_at, last_error = NULL,
                        awaiting = NULL, abha_address = excluded.abha_address, updated_at = excluded.updated_at
                    """).execute(arguments: [context.facility, context.recordID, context.patientID, context.abhaAddress, context.abhaNumber,
                                             context.display, context.hiType, context.visitDay, at.iso8601, at.iso8601, at.iso8601, at.iso8601])
            }
        }
    }

    public func acceptInbound(requestID: String, path: String, at: Timestamp) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO abdm_inbound (request_id, path, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [requestID, path, at.iso8601])
            return db.changesCount == 1
        }
    }

    static func careContext(_ row: Row) -> CareContext {
        CareContext(facility: row["facility_id"], recordID: row["record_id"], patientID: row["patient_id"], abhaAddress: row["abha_address"],
                    abhaNumber: row["abha_number"], display: row["display"], hiType: row["hi_type"], visitDay: row["visit_day"],
                    state: CareContextState(rawValue: row["state"]) ?? .waiting, attempts: row["attempts"],
                    nextAttemptAt: row.storedTime("next_attempt_at"), lastError: row["last_error"],
                    linkedAt: (row["linked_at"] as String?).flatMap(Timestamp.init(iso8601:)))
    }
}

/// Lists kept in one text column: ids joined by a unit separator, which no record id contains.
enum HipText {
    static func list(_ values: [String]) -> String { values.joined(separator: "\u{1F}") }
    static func list(_ text: String) -> [String] { text.isEmpty ? [] : text.components(separatedBy: "\u{1F}") }
}
