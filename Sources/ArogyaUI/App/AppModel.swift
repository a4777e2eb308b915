import ArogyaCore
import ArogyaStore
import ArogyaSync

/// What the terminal tells the application.
public enum TerminalEvent: Equatable, Sendable {
    case input(InputEvent)
    case resize(Size)
    /// About once a second, so that the clock and the idle lock move without a key press.
    case tick
}

/// A piece of background work the terminal runs for the application, and the id its result comes back
/// with.
public struct Job: Sendable {
    public let id: Int
    public let work: Work
}

/// The application: the stack of screens of whoever is signed in, the screens kept for others who
/// switched away, the idle lock, and the frame around every screen (title, footer, status line).
///
/// It is driven by `handle(_:uptime:)` and `complete(job:result:uptime:)`, and drawn by `render()`;
/// the terminal module owns the loop. Nothing here blocks: store work goes out as `Job`s.
@MainActor
public final class AppModel {
    /// The context as the program started, in English; `context` is it in the session's language.
    private let baseContext: AppContext
    /// In the language of whoever is signed in (the facility's default, or the one chosen, at sign-in).
    public private(set) var context: AppContext
    var strings: StringTable { context.strings }
    /// The facility's default language: the sign-in screen's.
    private var defaultLanguage: Language
    /// The language switched to on the sign-in screen, for the session it starts.
    private var chosenAtSignIn: Language?

    public private(set) var size: Size
    public private(set) var glyphs: Glyphs
    private(set) var stack: [any Screen] = []
    /// Screens of users who switched away, by account id, restored when they sign in again.
    private var parkedStacks: [String: [any Screen]] = [:]
    public private(set) var account: Account?
    public private(set) var facility: Facility?
    private var idleLockSeconds: Double
    private var lastActivity: Double = 0
    private var status = StatusSnapshot(pendingUploads: 0, newestRecord: nil, storeWarning: nil)
    private var statusJobInFlight = false
    private var lastStatusRefresh: Double = -.infinity
    private var clockWarning: ClockCheck.Warning?
    /// Seconds between background syncs (0: none), and when the next is due.
    private let syncIntervalSeconds: Double
    private var nextBackgroundSync: Double = .infinity
    /// A running sync's progress for the status line, read from the coordinator on each tick.
    private var syncProgress: SyncEngine.Progress?
    private var syncFailure: (at: Timestamp, failure: HubClient.Failure)?

    private var nextJobId = 1
    private var jobTargets: [Int: JobTarget] = [:]
    private var queuedJobs: [Job] = []

    /// Set when the program should end.
    public private(set) var wantsQuit = false
    /// Set by Ctrl-L: the terminal repaints every cell, not just the changes.
    public var wantsFullRepaint = false

    private enum JobTarget {
        case screen(WeakScreen)
        case status
        case backgroundSync
        case integrityCheck
    }

    /// The first background sync waits this long after start, so that starting is never slowed by it.
    static let firstBackgroundSyncDelay = 20.0
    /// How often the idle program asks whether the file's daily integrity check is due.
    static let integrityCheckInterval = 3600.0
    private var nextIntegrityCheck: Double = .infinity

    /// Starts on the first-run setup when there is no facility yet, else on the login screen.
    /// Background syncs follow `context.syncIntervalMinutes` when `context.sync` is there.
    public init(context: AppContext, facility: Facility?, idleLockMinutes: Int, defaultLanguage: Language = .english,
                size: Size, glyphs: Glyphs) {
        self.baseContext = context
        self.defaultLanguage = defaultLanguage
        self.context = context.speaking(defaultLanguage)
        self.facility = facility
        self.idleLockSeconds = Double(idleLockMinutes * 60)
        self.syncIntervalSeconds = Double(context.syncIntervalMinutes * 60)
        self.size = size
        self.glyphs = glyphs
        let first: any Screen = facility == nil ? SetupScreen(context: self.context) : LoginScreen(context: self.context)
        stack = [first]
    }

    /// The jobs the first screen and the status line need. Call once before the first render.
    public func start(uptime: Double) -> [Job] {
        lastActivity = uptime
        nextBackgroundSync = uptime + Self.firstBackgroundSyncDelay
        apply(stack[0].appeared(), from: stack[0])
        refreshStatusIfDue(uptime: uptime, force: true)
        // The file is checked in the background at once when a check is due, so that the check the store
        // makes before its first write has usually been done by the time she signs in.
        checkIntegrity(uptime: uptime)
        return takeJobs()
    }

    public var topScreen: (any Screen)? { stack.last }
    /// The type name of the screen on top ("LoginScreen"), for the start-up benchmark hook and tests.
    public var topScreenName: String { stack.last.map { String(describing: type(of: $0)) } ?? "" }
    public var hasJobsInFlight: Bool { !jobTargets.isEmpty }

    // MARK: - Events

    public func handle(_ event: TerminalEvent, uptime: Double) -> [Job] {
        switch event {
        case .resize(let newSize):
            size = newSize
        case .tick:
            refreshStatusIfDue(uptime: uptime, force: false)
            syncInBackgroundIfDue(uptime: uptime)
            if uptime >= nextIntegrityCheck, uptime - lastActivity >= 300 { checkIntegrity(uptime: uptime) }
            followSync()
            lockIfIdle(uptime: uptime)
            if let top = stack.last { apply(top.tick(), from: top) }
        case .input(let input):
            lastActivity = uptime
            handleInput(input)
        }
        return takeJobs()
    }

    public func complete(job id: Int, reply: Reply, uptime: Double) -> [Job] {
        guard let target = jobTargets.removeValue(forKey: id) else { return takeJobs() }
        // A sync, from the timer or the Upload screen, may just have ended.
        followSync()
        switch target {
        case .status:
            statusJobInFlight = false
            _ = reply.deliver()
        case .integrityCheck:
            // What the check found is read by the next status refresh (the store keeps it).
            refreshStatusIfDue(uptime: uptime, force: true)
        case .backgroundSync:
            // What went up and came down changes the waiting count; a failure waits for the next turn.
            refreshStatusIfDue(uptime: uptime, force: true)
        case .screen(let weak):
            // A screen closed while its work ran has nobody to tell.
            if let screen = weak.screen, contains(screen) {
                apply(reply.deliver(), from: screen)
            }
            // Work from screens usually writes: the waiting count may have changed.
            refreshStatusIfDue(uptime: uptime, force: true)
        }
        return takeJobs()
    }

    private func handleInput(_ input: InputEvent) {
        if case .key(let key) = input, GlobalKeys.quit.contains(key) {
            requestQuit(force: stack.last is QuitConfirmation)
            return
        }
        guard isLargeEnough else { return }
        if case .key(let key) = input {
            if GlobalKeys.redraw.contains(key) { wantsFullRepaint = true; return }
            if GlobalKeys.help.contains(key), let top = stack.last, !(top is HelpScreen), !(key == .char("?") && top.typesFreeText) {
                push(HelpScreen(context: context, screenTitle: top.title, hints: top.keyHints + GlobalKeys.hints))
                return
            }
        }
        guard let top = stack.last else { return }
        apply(top.handle(input), from: top)
    }

    // MARK: - Effects

    private func apply(_ effect: Effect, from screen: any Screen) {
        switch effect {
        case .none:
            break
        case .push(let next):
            push(next)
        case .pop:
            pop(screen)
        case .popAnswering(let answer):
            pop(screen, answer: answer)
        case .replace(let next):
            pop(screen, reveal: false)
            push(next)
        case .run(let work):
            enqueue(work, target: .screen(WeakScreen(screen)))
        case .session(let change):
            applySession(change, from: screen)
        case .quit:
            // "Quit" on the quit question itself leaves without asking again.
            requestQuit(force: screen is QuitConfirmation)
        case .batch(let effects):
            for effect in effects { apply(effect, from: screen) }
        }
    }

    private func push(_ screen: any Screen) {
        stack.append(screen)
        apply(screen.appeared(), from: screen)
    }

    /// Closes `screen` (normally the top one). An answer goes to the screen it covered, which asked for it;
    /// that screen is told it appeared again unless the answer took it away or covered it.
    private func pop(_ screen: any Screen, reveal: Bool = true, answer: Reply? = nil) {
        guard let index = stack.lastIndex(where: { $0 === screen }), stack.count > 1 else { return }
        stack.remove(at: index)
        guard reveal, let top = stack.last else { return }
        if let answer { apply(answer.deliver(), from: top) }
        if stack.last === top { apply(top.appeared(), from: top) }
    }

    private func applySession(_ change: SessionChange, from screen: any Screen) {
        switch change {
        case .setupCompleted(let facility, let language):
            self.facility = facility
            defaultLanguage = language
            showSignIn()
        case .languageChosen(let language):
            chosenAtSignIn = language
            context = baseContext.speaking(language)
        case .signedIn(let account):
            self.account = account
            let language = chosenAtSignIn ?? account.language
            context = baseContext.speaking(language)
            var screens = parkedStacks.removeValue(forKey: account.id) ?? [HomeScreen(context: context, account: account)]
            if account.mustChangePin {
                screens.append(ChangePinScreen(context: context, account: account, isForced: true))
            }
            if let chosen = chosenAtSignIn, chosen != account.language, context.catalog.has(chosen) {
                screens.append(KeepLanguageDialog(context: context, account: account, chosen: chosen))
            }
            chosenAtSignIn = nil
            stack = screens
            if let top = stack.last { apply(top.appeared(), from: top) }
        case .switchUser:
            if let account {
                // The lock screen is not kept, nor a required PIN change (it comes back at her next
                // sign-in if still required); the rest is exactly as she left it.
                parkedStacks[account.id] = stack.filter { screen in
                    !(screen is LockScreen) && (screen as? ChangePinScreen)?.isForced != true && !(screen is KeepLanguageDialog)
                }
            }
            account = nil
            showSignIn()
        case .lock:
            lock(reason: .byHand)
        case .unlocked(let account):
            self.account = account
            pop(screen)
        case .facilityChanged(let facility, let idleLockMinutes, let language):
            self.facility = facility
            self.idleLockSeconds = Double(idleLockMinutes * 60)
            defaultLanguage = language
        case .accountChanged(let account):
            self.account = account
        }
    }

    /// The sign-in screen, in the facility's default language.
    private func showSignIn() {
        chosenAtSignIn = nil
        context = baseContext.speaking(defaultLanguage)
        replaceStack(with: LoginScreen(context: context))
    }

    /// The language a person here wants the screens in (what she chose at sign-in, her account's, or the
    /// facility's), for the line that says why a terminal that is not UTF-8 shows English instead.
    private var wantedLanguage: Language { chosenAtSignIn ?? account?.language ?? defaultLanguage }

    private func replaceStack(with screen: any Screen) {
        stack = [screen]
        apply(screen.appeared(), from: screen)
    }

    private func lock(reason: LockScreen.Reason) {
        guard let account, !(stack.last is LockScreen) else { return }
        // A dialog or help open at the time of the lock stays under the lock screen with the rest.
        push(LockScreen(context: context, account: account, reason: reason))
    }

    private func lockIfIdle(uptime: Double) {
        guard account != nil, uptime - lastActivity >= idleLockSeconds else { return }
        lock(reason: .idle)
    }

    /// Ctrl-C or Quit: leaves at once when nothing typed would be lost, else asks first. A second
    /// Ctrl-C while asking leaves.
    private func requestQuit(force: Bool) {
        let unsaved = screensWithUnsavedInput()
        if force || unsaved.isEmpty {
            wantsQuit = true
            return
        }
        if stack.last is QuitConfirmation { return }
        push(QuitConfirmation(context: context, screenTitles: unsaved.map(\.title)))
    }

    func screensWithUnsavedInput() -> [any Screen] {
        (parkedStacks.values.flatMap { $0 } + stack).filter { $0.hasUnsavedInput }
    }

    private func contains(_ screen: any Screen) -> Bool {
        stack.contains { $0 === screen } || parkedStacks.values.contains { $0.contains { $0 === screen } }
    }

    // MARK: - Jobs

    private func enqueue(_ work: @escaping Work, target: JobTarget) {
        let id = nextJobId
        nextJobId += 1
        jobTargets[id] = target
        queuedJobs.append(Job(id: id, work: work))
    }

    private func takeJobs() -> [Job] {
        defer { queuedJobs = [] }
        return queuedJobs
    }

    private func refreshStatusIfDue(uptime: Double, force: Bool) {
        guard !statusJobInFlight, force || uptime - lastStatusRefresh >= 30 else { return }
        statusJobInFlight = true
        lastStatusRefresh = uptime
        let store = context.store
        enqueue({ [weak self] in
            let snapshot: StatusSnapshot?
            do {
                var warning = store.knownDamage.map(StoreWarning.damaged)
                if warning == nil, let missing = try store.auditAnchorProblem() { warning = .rowsMissing(missing) }
                snapshot = StatusSnapshot(pendingUploads: try store.pendingUploadCount(), newestRecord: try store.newestRecordTime(),
                                          storeWarning: warning)
            } catch {
                snapshot = nil
            }
            return Reply {
                self?.statusArrived(snapshot)
                return .none
            }
        }, target: .status)
    }

    /// A read that failed (the database locked for a moment) keeps the last figures shown.
    private func statusArrived(_ snapshot: StatusSnapshot?) {
        guard let snapshot else { return }
        status = snapshot
        clockWarning = ClockCheck.evaluate(now: context.clock.now(), buildDate: context.buildDate, newestRecord: snapshot.newestRecord)
    }

    /// Runs SQLite's check of the file in the background when one is due (at start, then at idle moments
    /// about once an hour, which the store turns into one check a day). What it finds shows on every screen.
    private func checkIntegrity(uptime: Double) {
        nextIntegrityCheck = uptime + Self.integrityCheckInterval
        let store = context.store
        enqueue({
            // A failure to check is not a finding; the store keeps what a check found for the status line.
            _ = try? store.checkIntegrityIfDue()
            return Reply { .none }
        }, target: .integrityCheck)
    }

    /// Every few minutes, while a facility is set up and no sync is running already (the Upload screen
    /// may have started one), push what waits and pull what is new, off the main thread.
    private func syncInBackgroundIfDue(uptime: Double) {
        guard syncIntervalSeconds > 0, let sync = context.sync, facility != nil, uptime >= nextBackgroundSync else { return }
        nextBackgroundSync = uptime + syncIntervalSeconds
        guard !sync.snapshot.isRunning else { return }
        enqueue({
            // Its outcome shows through the coordinator's snapshot (`followSync`).
            _ = await sync.sync()
            return Reply { .none }
        }, target: .backgroundSync)
    }

    private func followSync() {
        guard let snapshot = context.sync?.snapshot else { return }
        syncProgress = snapshot.isRunning ? (snapshot.progress ?? SyncEngine.Progress(sent: 0, total: 0, pulled: 0)) : nil
        syncFailure = snapshot.lastFailure
    }

    // MARK: - Drawing

    var isLargeEnough: Bool { size.width >= Size.minimum.width && size.height >= Size.minimum.height }

    /// The whole frame: top bar, an optional clock warning, the screen, its footer and the status line.
    public func render() -> Canvas {
        var canvas = Canvas(size: size, glyphs: glyphs)
        guard isLargeEnough else {
            TooSmallView.render(strings: strings, size: size, into: &canvas)
            return canvas
        }
        let now = context.clock.now()
        let local = context.localTime(now)
        let top = stack.last
        ChromeView.renderTitleBar(title: top?.title ?? "", date: local.date, strings: strings, into: &canvas)
        var bodyTop = 1
        if let storeWarning = status.storeWarning {
            bodyTop += ChromeView.renderStoreWarning(storeWarning, path: context.store.path, strings: strings, into: &canvas, row: bodyTop)
        }
        if context.englishOnlyTerminal && wantedLanguage != .english {
            bodyTop += ChromeView.renderLanguageNotice(strings: strings, into: &canvas, row: bodyTop)
        }
        if let clockWarning {
            bodyTop += ChromeView.renderClockWarning(clockWarning, now: local, strings: strings, into: &canvas, row: bodyTop)
        }
        let body = Rect(x: 0, y: bodyTop, width: size.width, height: size.height - bodyTop - 2)
        renderScreens(into: &canvas, area: body)
        ChromeView.renderFooter(hints: (top?.keyHints ?? []) + GlobalKeys.hints, strings: strings,
                                into: &canvas, row: size.height - 2)
        ChromeView.renderStatusLine(facility: facility?.name, account: account, pendingUploads: status.pendingUploads,
                                    syncing: syncProgress, syncFailure: syncFailure.map { (at: context.localTime($0.at), failure: $0.failure) },
                                    time: local, strings: strings, into: &canvas, row: size.height - 1)
        return canvas
    }

    /// Draws the top screen, over the screens beneath it when it is a dialog.
    private func renderScreens(into canvas: inout Canvas, area: Rect) {
        guard let topIndex = stack.indices.last else { return }
        var firstVisible = topIndex
        while firstVisible > 0, stack[firstVisible].isModal { firstVisible -= 1 }
        for index in firstVisible...topIndex {
            // Only the top screen places the cursor: a dialog without a field hides the one beneath.
            canvas.cursor = nil
            stack[index].render(into: &canvas, area: area)
        }
    }
}

/// What the status line shows from the store, refreshed in the background.
struct StatusSnapshot: Sendable {
    let pendingUploads: Int
    let newestRecord: Timestamp?
    let storeWarning: StoreWarning?
}

/// What is wrong with the database file itself, shown above every screen until it is put right.
enum StoreWarning: Sendable, Equatable {
    /// SQLite found it damaged: nothing more is written to it.
    case damaged(String)
    /// Rows this terminal committed are gone from it (a discarded WAL, a restored backup).
    case rowsMissing(AnchorProblem)
}

/// A reference that does not keep a closed screen alive while its work finishes.
struct WeakScreen {
    weak var screen: (any Screen)?

    init(_ screen: any Screen) {
        self.screen = screen
    }
}

