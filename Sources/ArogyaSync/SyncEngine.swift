import ArogyaCore
import ArogyaStore

/// One sync: push everything waiting, oldest first, in batches; then pull what the facility's other
/// terminals wrote. Each batch's answers are stored before the next is sent, so a sync killed at any
/// moment loses nothing, and the next one resends what had no answer (the hub calls it identical).
public struct SyncEngine: Sendable {
    public struct Report: Sendable {
        public var pushed = PushTally()
        public var pulled = 0
        public var batches = 0
        public var serverTime: Timestamp?
        public var failure: HubClient.Failure?
        /// Records the hub rejected or found in conflict, after this sync.
        public var rejected: [SyncStatus.Problem] = []
        public var conflicts: [SyncStatus.Problem] = []

        /// The command's exit code: 0 all accepted, 1 the hub failed, 4 rejections or conflicts.
        public var exitCode: Int32 {
            if failure != nil { return 1 }
            return rejected.isEmpty && conflicts.isEmpty ? 0 : 4
        }
    }

    /// What sync tells whoever watches it (a progress bar): sent so far of the total waiting.
    public struct Progress: Sendable, Equatable {
        public let sent: Int
        public let total: Int
        public let pulled: Int

        public init(sent: Int, total: Int, pulled: Int) {
            self.sent = sent
            self.total = total
            self.pulled = pulled
        }
    }

    let store: AppDatabase
    let client: HubClient
    /// What pulled records are judged by before the store takes them.
    let vocabulary: RecordVocabulary
    let retry: RetryPolicy
    let batchSize: Int
    let pageSize: Int

    public init(store: AppDatabase, client: HubClient, vocabulary: RecordVocabulary, retry: RetryPolicy = RetryPolicy(),
                batchSize: Int = SyncWire.maximumBatch, pageSize: Int = 500) {
        self.store = store
        self.client = client
        self.vocabulary = vocabulary
        self.retry = retry
        self.batchSize = min(batchSize, SyncWire.maximumBatch)
        self.pageSize = pageSize
    }

    /// Throws only the store's errors; the hub's failures end up in the report.
    public func run(progress: @Sendable (Progress) -> Void = { _ in }) async throws -> Report {
        var report = Report()
        let run = try store.startSyncRun()
        let total = try store.pendingUploadCount()
        var sent = 0
        progress(Progress(sent: 0, total: total, pulled: 0))
        do {
            var after: Int64 = 0
            while true {
                let batch = try store.nextUploadBatch(limit: batchSize, after: after)
                after = batch.lastOutboxID
                if batch.rows == 0 { break }
                // Rows whose records are no longer here were marked so; nothing to send for them.
                if batch.records.isEmpty { continue }
                let client = self.client
                let records = batch.records
                let response = try await retry.run { () async throws(HubClient.Failure) -> SyncWire.PushResponse in try await client.push(records) }
                FaultPoint.syncPushAnswered.reached()
                let tally = try store.recordPushResults(response, for: records)
                report.pushed.accepted += tally.accepted
                report.pushed.identical += tally.identical
                report.pushed.conflicts += tally.conflicts
                report.pushed.rejected += tally.rejected
                report.batches += 1
                report.serverTime = response.serverTime
                sent += records.count
                progress(Progress(sent: sent, total: max(total, sent), pulled: 0))
            }
            var cursor = try store.syncCursor()
            while true {
                let client = self.client
                let size = pageSize
                let from = cursor
                let page = try await retry.run { () async throws(HubClient.Failure) -> SyncWire.PullResponse in try await client.pull(after: from, limit: size) }
                report.pulled += try store.applyPulled(page, rules: vocabulary.rules(today: LocalTime(store.clock.now()).date))
                report.serverTime = page.serverTime
                cursor = page.next
                progress(Progress(sent: sent, total: max(total, sent), pulled: report.pulled))
                if !page.more { break }
            }
            try await pullAbhaLinks()
        } catch let failure as HubClient.Failure {
            report.failure = failure
        }
        let status = try store.syncStatus()
        report.rejected = status.rejected
        report.conflicts = status.conflicts
        let outcome = report.failure != nil ? "failed" : (report.exitCode == 0 ? "ok" : "rejections")
        try store.finishSyncRun(run, outcome: outcome, pushed: sent, pulled: report.pulled, serverTime: report.serverTime,
                                message: report.failure?.description)
        return report
    }

    /// The hub's counts of visits linked to patients' ABHAs, for their cards. A hub older than these
    /// counts answers 404: it has none to give, which is no failure of the sync.
    func pullAbhaLinks() async throws {
        let since = try store.abhaLinksSince()
        let client = self.client
        do {
            let links = try await retry.run { () async throws(HubClient.Failure) in try await client.abhaLinks(since: since) }
            try store.saveAbhaLinks(links.summaries, serverTime: links.serverTime)
        } catch HubClient.Failure.status(404, _) {
            return
        }
    }
}
