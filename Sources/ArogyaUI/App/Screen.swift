import Foundation
import ArogyaCore
import ArogyaStore
import ArogyaSync

/// Everything a screen may use: the store, the text, the clock. Passed in, never global, so tests can
/// give each screen an in-memory store and a fixed clock.
public struct AppContext: Sendable {
    public let store: AppDatabase
    /// The text of this session's language (`speaking(_:)` gives a context in another).
    public private(set) var strings: StringTable
    /// Every installed language's table, loaded at start, so that switching language reads no file.
    public let catalog: StringCatalog
    /// The terminal cannot draw any script but Latin (its character set is not UTF-8): the catalog holds
    /// English only, and the screens say so once where another language was wanted.
    public let englishOnlyTerminal: Bool
    /// The protocol files, read and checked at start; the facility's state picks one for new screenings.
    public let protocols: ProtocolLibrary
    public let clock: WallClock
    /// Converts an instant to local wall time for display (the C library's, honouring TZ).
    public let localTime: @Sendable (Timestamp) -> LocalTime
    /// The day this binary was built, for the clock check.
    public let buildDate: CivilDate?
    /// Sync with the hub, one run at a time, for the Upload screen and the background timer; nil where
    /// there is none to be had (tests of other screens).
    public let sync: SyncCoordinator?
    /// Minutes between background syncs while the program is open; 0 for none.
    public let syncIntervalMinutes: Int
    /// ABDM through the facility's hub, for the ABHA screens.
    public let abha: AbhaAccess
    /// Where the supervisor's exports (the register, the indicators) are written.
    public let exportDirectory: String

    public init(store: AppDatabase, strings: StringTable, catalog: StringCatalog? = nil, englishOnlyTerminal: Bool = false,
                protocols: ProtocolLibrary, clock: WallClock = .system,
                localTime: @escaping @Sendable (Timestamp) -> LocalTime = LocalTime.init,
                buildDate: CivilDate? = ClockCheck.buildDate, sync: SyncCoordinator? = nil, syncIntervalMinutes: Int = 0,
                abha: AbhaAccess = .none, exportDirectory: String = AppContext.defaultExportDirectory) {
        self.exportDirectory = exportDirectory
        self.sync = sync
        self.abha = abha
        self.syncIntervalMinutes = max(0, syncIntervalMinutes)
        self.store = store
        self.strings = strings
        self.catalog = catalog ?? StringCatalog(englishOnly: strings)
        self.englishOnlyTerminal = englishOnlyTerminal
        self.protocols = protocols
        self.clock = clock
        self.localTime = localTime
        self.buildDate = buildDate
    }
}

extension AppContext {
    /// The same context with the text of another language (English where it is not installed).
    public func speaking(_ language: Language) -> AppContext {
        var copy = self
        copy.strings = catalog.table(for: language)
        return copy
    }

    public var language: Language { strings.languageValue }

    /// `~/arogya-exports`: the signed-in Unix user's, so that a shared terminal's exports stay apart.
    public static var defaultExportDirectory: String {
        (NSHomeDirectory() as NSString).appendingPathComponent("arogya-exports")
    }
}

/// What background work, or a screen closing with an answer, hands back: on the main actor it gives its
/// message to the screen it is for and returns that screen's effect. Built only by `MessageScreen.run`
/// and `AnsweringScreen.close(answering:)`, where the message's type is known, so nothing is ever cast.
public struct Reply: Sendable {
    let deliver: @MainActor @Sendable () -> Effect

    init(_ deliver: @escaping @MainActor @Sendable () -> Effect) {
        self.deliver = deliver
    }
}

/// Background work started by a screen: it runs off the main thread, and its reply comes back to the
/// same screen (see `MessageScreen.run`).
public typealias Work = @Sendable () async -> Reply

/// What a screen asks for after handling an event. Screens never do I/O themselves.
public enum Effect {
    case none
    /// Show a screen on top of this one.
    case push(any Screen)
    /// Close this screen.
    case pop
    /// Close this screen and give its answer to the screen that opened it (`AnsweringScreen.close(answering:)`).
    case popAnswering(Reply)
    /// Close this screen and show another in its place.
    case replace(with: any Screen)
    /// Run work in the background; its reply comes back to the screen that asked.
    case run(Work)
    /// A change of who is using the terminal, or of the facility, that the application handles.
    case session(SessionChange)
    /// Leave the program (asking first if any screen holds unsaved input).
    case quit
    case batch([Effect])
}

public enum SessionChange {
    /// Setup finished: the facility exists and its first supervisor may sign in.
    case setupCompleted(Facility, language: Language)
    case signedIn(Account)
    /// The sign-in screen's language switch: the frame follows, and she is asked after signing in whether
    /// to keep it.
    case languageChosen(Language)
    /// Back to the login screen; this user's screens are kept until she signs in again.
    case switchUser
    /// Lock now, as the idle timer would.
    case lock
    /// The idle lock was lifted by the right PIN.
    case unlocked(Account)
    /// The facility's details or settings changed: the status line and idle timer follow.
    case facilityChanged(Facility, idleLockMinutes: Int, defaultLanguage: Language)
    /// The signed-in account changed (its own PIN, for instance).
    case accountChanged(Account)
}

/// A screen: a view-model (state and event handling, no curses) with a render function that draws its
/// state into a `Canvas`. Rendering lives in each screen's `…View.swift` file.
///
/// Screens are main-actor classes, and so may be referred to (weakly) from the replies of background work.
@MainActor
public protocol Screen: AnyObject, Sendable {
    /// The title in the top bar.
    var title: String { get }
    /// The screen's key table, for the footer and the help screen.
    var keyHints: [KeyHint] { get }
    /// Whether closing the screen now would lose something typed.
    var hasUnsavedInput: Bool { get }
    /// Drawn over the screen beneath it (a dialog), instead of in place of it.
    var isModal: Bool { get }
    /// The focus is in a field of free text, where "?" is a character to type (a comment, a reason), not
    /// the help key; F1 still opens help.
    var typesFreeText: Bool { get }

    func handle(_ input: InputEvent) -> Effect
    /// Called when the screen comes to the top: when pushed and when the screen above it closes.
    func appeared() -> Effect
    /// Called about once a second while the screen is on top, for screens that watch work in progress.
    func tick() -> Effect
    func render(into canvas: inout Canvas, area: Rect)
}

extension Screen {
    public var isModal: Bool { false }
    public var typesFreeText: Bool { false }
    public func appeared() -> Effect { .none }
    public func tick() -> Effect { .none }
}

/// A screen whose keys come from one `KeyTable`: bound keys become actions, the rest go to typing.
@MainActor
public protocol KeyedScreen: Screen {
    associatedtype Action: Sendable
    var keyTable: KeyTable<Action> { get }
    func perform(_ action: Action) -> Effect
    /// A key the table does not bind: usually an edit of the focused field.
    func typed(_ key: Key) -> Effect
    func pasted(_ text: String) -> Effect
}

extension KeyedScreen {
    public var keyHints: [KeyHint] { keyTable.hints }

    public func handle(_ input: InputEvent) -> Effect {
        switch input {
        case .key(let key):
            if let action = keyTable.action(for: key) { return perform(action) }
            return typed(key)
        case .paste(let text):
            return pasted(text)
        }
    }

    public func typed(_ key: Key) -> Effect { .none }
    public func pasted(_ text: String) -> Effect { .none }
}
