import ArogyaCore
import ArogyaStore
import ArogyaSync
import ArogyaUI
import Foundation
import Testing

/// Runs the application without a terminal: keys in, background work run to completion, the frame out
/// as text. The headless counterpart of `TerminalRunner`.
@MainActor
public final class AppHarness {
    public let app: AppModel
    public let store: AppDatabase
    /// Seconds on the harness's own monotonic clock (for the idle lock).
    public private(set) var uptime: Double = 0
    private var pending: [Job] = []

    public init(store: AppDatabase, clock: WallClock = .fixed(Fixtures.now), size: Size = .minimum,
                glyphs: Glyphs = .unicode, buildDate: CivilDate? = CivilDate(year: 2026, month: 11, day: 1),
                sync: SyncCoordinator? = nil, syncIntervalMinutes: Int = 0, abha: AbhaAccess = .none,
                exportDirectory: String = NSTemporaryDirectory() + "arogya-exports") throws {
        self.store = store
        // As the program does: a terminal that is not UTF-8 gets English only.
        let englishOnly = glyphs == .ascii
        let catalog = englishOnly ? StringCatalog(englishOnly: Fixtures.strings) : Fixtures.catalog
        let context = AppContext(store: store, strings: Fixtures.strings, catalog: catalog, englishOnlyTerminal: englishOnly,
                                 protocols: Fixtures.protocolLibrary, clock: clock, localTime: Fixtures.utcLocalTime,
                                 buildDate: buildDate, sync: sync, syncIntervalMinutes: syncIntervalMinutes, abha: abha,
                                 exportDirectory: exportDirectory)
        app = AppModel(context: context, facility: try store.facility(), idleLockMinutes: try store.idleLockMinutes(),
                       defaultLanguage: try store.defaultLanguage(), size: size, glyphs: glyphs)
    }

    /// Starts the first screen. With `settle: false` its loading work stays pending, so that keys can
    /// be typed ahead of it, as a fast typist on a slow machine does.
    public func start(settle: Bool = true) async {
        pending += app.start(uptime: uptime)
        if settle { await self.settle() }
    }

    /// Keys pressed while earlier work is still running; call `settle()` to let it finish.
    public func typeAhead(_ keys: [Key]) {
        for key in keys { pending += app.handle(.input(.key(key)), uptime: uptime) }
    }

    public func press(_ keys: Key...) async {
        for key in keys { await send(.input(.key(key))) }
    }

    /// Each character as a key press, as a person types.
    public func type(_ text: String) async {
        for character in text { await send(.input(.key(.char(character)))) }
    }

    public func paste(_ text: String) async {
        await send(.input(.paste(text)))
    }

    public func resize(to size: Size) async {
        await send(.resize(size))
    }

    /// Lets time pass without a key press, then delivers a tick.
    public func wait(seconds: Double) async {
        uptime += seconds
        await send(.tick)
    }

    public func send(_ event: TerminalEvent) async {
        pending += app.handle(event, uptime: uptime)
        await settle()
    }

    /// Runs background work, and the work it leads to, until none is left.
    public func settle() async {
        while !pending.isEmpty {
            let job = pending.removeFirst()
            let reply = await job.work()
            pending += app.complete(job: job.id, reply: reply, uptime: uptime)
        }
    }

    public var canvas: Canvas { app.render() }
    public var screen: String { canvas.text }

    /// "HomeScreen": the type of the screen on top.
    public var topScreenName: String { app.topScreenName }
    public var wantsQuit: Bool { app.wantsQuit }
    public var signedInUsername: String? { app.account?.username }
}

/// A failed expectation describes the harness by its top screen, rather than reflecting the whole
/// application and its store, which other threads may be changing at that moment.
extension AppHarness: CustomTestStringConvertible, CustomReflectable {
    public nonisolated var testDescription: String { "AppHarness" }
    public nonisolated var customMirror: Mirror { Mirror(self, children: [:]) }
}
