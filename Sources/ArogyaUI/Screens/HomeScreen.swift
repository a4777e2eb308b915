import ArogyaCore

/// The home screen: the list of screens, with those not for this role shown disabled and saying why, and
/// how many of her screenings were sent back to her.
@MainActor
final class HomeScreen: KeyedScreen, MessageScreen {
    enum Item: Int, CaseIterable, Sendable {
        case patients, screening, upload, review, users, settings, pendingAbha, sentBack

        var label: StringKey {
            switch self {
            case .patients: return .homePatients
            case .screening: return .homeScreening
            case .upload: return .homeUpload
            case .review: return .homeReview
            case .users: return .homeUsers
            case .settings: return .homeSettings
            case .pendingAbha: return .homePendingAbha
            case .sentBack: return .homeSentBack
            }
        }

        var detail: StringKey {
            switch self {
            case .patients: return .homePatientsDetail
            case .screening: return .homeScreeningDetail
            case .upload: return .homeUploadDetail
            case .review: return .homeReviewDetail
            case .users: return .homeUsersDetail
            case .settings: return .homeSettingsDetail
            case .pendingAbha: return .homePendingAbhaDetail
            case .sentBack: return .homeSentBackDetail
            }
        }

        var needsSupervisor: Bool { self == .users || self == .settings || self == .review }
    }

    enum Action: Sendable { case up, down, open, openItem(Item), changePin, switchUser, lock, quit }

    struct State: Equatable {
        var selected: Item = .patients
        var message: UserMessage?
        /// Her screenings a supervisor sent back, still to correct.
        var sentBack = 0
    }

    enum Message: StoreFailureMessage {
        case counted(sentBack: Int)
        case storeFailed(UserMessage)
    }

    /// Counted again each time Home comes back to the top: after a sync or a correction it is current.
    func appeared() -> Effect {
        let store = context.store
        let worker = account.username
        return runStore { .counted(sentBack: try store.sentBack(to: worker).count) }
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .counted(let sentBack): state.sentBack = sentBack
        case .storeFailed(let failure): state.message = failure
        }
        return .none
    }

    let context: AppContext
    let account: Account
    private(set) var state = State()

    init(context: AppContext, account: Account) {
        self.context = context
        self.account = account
    }

    var title: String { context.strings[.homeTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.up, keys: [.up, .char("k")], label: .actionMove, help: .helpMoveUp, inFooter: false),
        KeyBinding(.down, keys: [.down, .char("j"), .tab], label: .actionMove, help: .helpMoveDown, inFooter: false),
        KeyBinding(.open, keys: [.enter], label: .actionOpen, help: .helpHomeOpen),
        KeyBinding(keys: (1...Item.allCases.count).map { Key.char(Character(String($0))) }, keyLabel: "1-\(Item.allCases.count)", label: .actionOpen,
                   help: .helpHomeDigits, inFooter: false) { key in
            guard case .char(let digit) = key, let number = digit.wholeNumberValue, let item = Item(rawValue: number - 1) else {
                return .open
            }
            return .openItem(item)
        },
        KeyBinding(.changePin, keys: [.char("c")], label: .actionChangePin, help: .helpChangePin),
        KeyBinding(.switchUser, keys: [.function(3), .char("s")], label: .actionSwitchUser, help: .helpSwitchUser),
        KeyBinding(.lock, keys: [.function(4), .char("l")], label: .actionLock, help: .helpLockNow),
        KeyBinding(.quit, keys: [.function(10), .char("q")], label: .actionQuit, help: .helpQuit),
    ])

    func perform(_ action: Action) -> Effect {
        state.message = nil
        switch action {
        case .up:
            state.selected = Item(rawValue: (state.selected.rawValue + Item.allCases.count - 1) % Item.allCases.count)!
        case .down:
            state.selected = Item(rawValue: (state.selected.rawValue + 1) % Item.allCases.count)!
        case .open:
            return open(state.selected)
        case .openItem(let item):
            state.selected = item
            return open(item)
        case .changePin:
            return .push(ChangePinScreen(context: context, account: account, isForced: false))
        case .switchUser:
            return .session(.switchUser)
        case .lock:
            return .session(.lock)
        case .quit:
            return .quit
        }
        return .none
    }

    private func open(_ item: Item) -> Effect {
        guard !item.needsSupervisor || account.isSupervisor else {
            state.message = UserMessage(.errorSupervisorOnly)
            return .none
        }
        switch item {
        case .patients: return .push(PatientsScreen(context: context, account: account))
        // Screening starts from the work list: who is due, most pressing first; each opens her card.
        case .screening: return .push(DueScreen(context: context, account: account))
        case .upload: return .push(UploadScreen(context: context, account: account))
        case .users: return .push(UsersScreen(context: context, account: account))
        case .settings: return .push(SettingsScreen(context: context, account: account))
        case .pendingAbha: return .push(PendingAbhaScreen(context: context, account: account))
        case .review: return .push(RegisterScreen(context: context, account: account))
        case .sentBack: return .push(SentBackScreen(context: context, account: account))
        }
    }

    func render(into canvas: inout Canvas, area: Rect) {
        HomeView.render(state, account: account, strings: context.strings, into: &canvas, area: area)
    }
}

enum HomeView {
    static func render(_ state: HomeScreen.State, account: Account, strings: StringTable, into canvas: inout Canvas, area: Rect) {
        let content = area.inset(dx: 2, dy: 0)
        var y = content.y + 1
        canvas.put(strings.text(.homeWelcome, ["name": account.fullName]), at: Point(x: content.x, y: y), style: .heading,
                   maxWidth: content.width)
        y += 2
        let items = HomeScreen.Item.allCases
        let rows = items.map { item -> String in
            let tag = item.needsSupervisor && !account.isSupervisor ? strings[.homeTagSupervisors] : ""
            return "\(item.rawValue + 1)  " + DisplayWidth.pad(strings[item.label], to: 20)
                + DisplayWidth.pad(strings[item.detail], to: 38) + tag
        }
        let styles = items.map { item -> Style in
            item.needsSupervisor && !account.isSupervisor ? .disabled : .normal
        }
        ListView.render(rows: rows, selected: state.selected.rawValue, styles: styles, into: &canvas,
                        area: Rect(x: content.x, y: y, width: content.width, height: items.count))
        y += items.count
        y += 1
        if state.sentBack > 0 {
            let text = strings.text(state.sentBack == 1 ? .homeSentBackOne : .homeSentBackMany,
                                    ["count": String(state.sentBack), "key": String(HomeScreen.Item.sentBack.rawValue + 1)])
            canvas.put("! " + text, at: Point(x: content.x, y: y), style: .warning, maxWidth: content.width)
            y += 1
        }
        if let message = state.message {
            canvas.put("! " + strings.text(message), at: Point(x: content.x, y: y), style: .warning, maxWidth: content.width)
        }
    }
}
