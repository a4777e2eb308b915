import ArogyaCore
import ArogyaStore
import ArogyaSync

/// Upload: what waits for the hub and what the hub said. Pending counts by record type, the last
/// successful sync with the hub's clock, whether the hub answers now, a progress bar while a sync runs,
/// and the records the hub refused (with its reason: open the patient to fix, then send again) or found
/// in conflict. Syncing never blocks the screen: it runs in the background and this screen watches it.
@MainActor
final class UploadScreen: KeyedScreen, MessageScreen {
    enum Action: Sendable { case up, down, syncNow, resend, open, back }

    struct State: Sendable {
        var status: SyncStatus?
        var sync = SyncCoordinator.Snapshot()
        /// Runs already reflected in `status`; a higher count in `sync` means reload.
        var seenRuns = 0
        var selected = 0
        var message: StatusLineView.Message?

        /// Refusals first (she can act on them), then conflicts.
        var problems: [SyncStatus.Problem] { (status?.rejected ?? []) + (status?.conflicts ?? []) }
    }

    let context: AppContext
    let account: Account
    private(set) var state = State()

    init(context: AppContext, account: Account) {
        self.context = context
        self.account = account
        if let sync = context.sync {
            state.sync = sync.snapshot
            state.seenRuns = state.sync.finishedRuns
        }
    }

    var title: String { context.strings[.uploadTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.up, keys: [.up, .char("k")], label: .actionMove, help: .helpMoveUp, inFooter: false),
        KeyBinding(.down, keys: [.down, .char("j")], label: .actionMove, help: .helpMoveDown, inFooter: false),
        KeyBinding(.syncNow, keys: [.function(5), .char("u")], label: .actionSyncNow, help: .helpUploadSyncNow),
        KeyBinding(.resend, keys: [.function(6), .char("r")], label: .actionSendAgain, help: .helpUploadResend),
        KeyBinding(.open, keys: [.enter], label: .actionOpenPatient, help: .helpUploadOpen),
        KeyBinding(.back, keys: [.escape, .char("q")], label: .actionBack, help: .helpBack),
    ])

    enum Message: StoreFailureMessage {
        /// The queue as stored.
        case loaded(SyncStatus)
        /// A sync started here ended (after sending refused records again, when that was asked).
        case synced(SyncCoordinator.Outcome)
        /// The hub was asked whether it answers; the coordinator's snapshot has the answer.
        case hubChecked
        case storeFailed(UserMessage)
    }

    func appeared() -> Effect {
        // Back from a patient's card, perhaps with a record fixed: read the queue again, and ask the hub.
        var effects = [load()]
        if let sync = context.sync, !state.sync.isRunning {
            effects.append(run {
                _ = await sync.checkHub()
                return .hubChecked
            })
        }
        return .batch(effects)
    }

    /// Follows a sync running in the background: its progress, and the queue once it ends.
    func tick() -> Effect {
        guard let sync = context.sync else { return .none }
        state.sync = sync.snapshot
        guard state.sync.finishedRuns != state.seenRuns, !state.sync.isRunning else { return .none }
        state.seenRuns = state.sync.finishedRuns
        return load()
    }

    private func load() -> Effect {
        let store = context.store
        return runStore { .loaded(try store.syncStatus()) }
    }

    func perform(_ action: Action) -> Effect {
        let problems = state.problems
        switch action {
        case .up: state.selected = max(0, state.selected - 1)
        case .down: state.selected = min(max(0, problems.count - 1), state.selected + 1)
        case .syncNow:
            guard let sync = startSync() else { return .none }
            return run { .synced(await sync.sync()) }
        case .resend:
            guard let problem = problems[safe: state.selected], problem.state == .rejected else {
                state.message = .problem(context.strings[.uploadNothingToResend])
                return .none
            }
            guard let sync = startSync() else { return .none }
            let store = context.store
            return run {
                do {
                    _ = try store.resendRejected(type: problem.type, id: problem.id)
                } catch {
                    return .storeFailed(StoreError.message(for: error))
                }
                return .synced(await sync.sync())
            }
        case .open:
            guard let problem = problems[safe: state.selected] else { return .none }
            guard let patient = problem.patientId else {
                // A worker's account or the facility's details: fixed on the Users or Settings screen.
                state.message = .problem(context.strings[.uploadNotAPatient])
                return .none
            }
            return .push(PatientCardScreen(context: context, account: account, patientId: patient))
        case .back:
            return .pop
        }
        return .none
    }

    /// The coordinator, when a sync can start now; else says why not.
    private func startSync() -> SyncCoordinator? {
        guard let sync = context.sync else {
            state.message = .problem(context.strings.text(HubConnection.Problem.notConnected.message))
            return nil
        }
        guard !sync.snapshot.isRunning else {
            state.message = .working(context.strings[.uploadAlreadyRunning])
            return nil
        }
        state.sync.isRunning = true
        state.message = .working(context.strings[.uploadSyncing])
        return sync
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .loaded(let status):
            state.status = status
            state.selected = min(state.selected, max(0, state.problems.count - 1))
        case .synced(let outcome):
            return finished(outcome)
        case .hubChecked:
            if let sync = context.sync { state.sync = sync.snapshot }
        case .storeFailed(let failure):
            // A refused record that could not be queued again: the sync did not start.
            if let sync = context.sync { state.sync = sync.snapshot }
            state.message = .problem(context.strings.text(failure))
        }
        return .none
    }

    private func finished(_ outcome: SyncCoordinator.Outcome) -> Effect {
        if let sync = context.sync {
            state.sync = sync.snapshot
            state.seenRuns = state.sync.finishedRuns
        }
        state.message = UploadText.outcome(outcome, strings: context.strings)
        return load()
    }

    func render(into canvas: inout Canvas, area: Rect) {
        UploadView.render(state, everyMinutes: context.sync == nil ? 0 : context.syncIntervalMinutes, localTime: context.localTime,
                          strings: context.strings, into: &canvas, area: area)
    }
}

/// Sentences about syncs, shared by the screen and its view.
enum UploadText {
    static func outcome(_ outcome: SyncCoordinator.Outcome, strings: StringTable) -> StatusLineView.Message {
        switch outcome {
        case .finished(let report):
            if let failure = report.failure {
                return .problem(strings.text(.uploadFailed, ["reason": failure.description]))
            }
            let sent = report.pushed.accepted + report.pushed.identical
            let text = strings.text(.uploadDone, ["sent": String(sent), "received": String(report.pulled)])
            if report.exitCode == 4 {
                return .problem(text + " " + strings.text(.uploadNeedsAttention, ["rejected": String(report.rejected.count),
                                                                                  "conflicts": String(report.conflicts.count)]))
            }
            return .done(text)
        case .alreadyRunning:
            return .working(strings[.uploadAlreadyRunning])
        case .notConnected(let problem):
            return .problem(strings.text(problem.message))
        case .storeFailed(let message):
            return .problem(strings.text(message))
        }
    }
}
