import ArogyaCore
import ArogyaStore

/// Her ABHA card on the screen: the rows `arogya abha card` prints, and the ABHA number as a QR code a
/// phone camera reads from the screen (half blocks, black on white; `#` on a terminal without UTF-8).
/// From here the ABHA can be verified again (a new OTP), for instance after she changed her mobile.
@MainActor
final class AbhaCardScreen: KeyedScreen, MessageScreen {
    enum Action: Sendable { case verify, back }

    let context: AppContext
    let account: Account
    private(set) var patient: Patient
    /// Made when she is loaded: encoding the QR code scores eight masks, too much for every frame.
    private(set) var card: AbhaCard?
    private(set) var notice: UserMessage?
    private(set) var problem: UserMessage?

    init(context: AppContext, account: Account, patient: Patient) {
        self.context = context
        self.account = account
        self.patient = patient
        card = AbhaCard(patient: patient, facility: nil, strings: context.strings)
    }

    var title: String { context.strings[.abhaCardTitle] }
    var hasUnsavedInput: Bool { false }

    let keyTable = KeyTable<Action>([
        KeyBinding(.verify, keys: [.char("v"), .function(9)], label: .actionVerifyAbha, help: .helpAbhaVerifyAgain),
        KeyBinding(.back, keys: [.escape, .char("q")], label: .actionBack, help: .helpBack),
    ])

    enum Message: StoreFailureMessage {
        case loaded(Patient?, Facility?)
        case saved(notice: UserMessage)
        case storeFailed(UserMessage)
    }

    func appeared() -> Effect {
        let store = context.store
        let id = patient.id
        return runStore { .loaded(try store.patient(id: id), try store.facility()) }
    }

    func perform(_ action: Action) -> Effect {
        switch action {
        case .back: return .pop
        case .verify:
            return ask(AbhaFlowScreen(context: context, account: account, patient: patient, flow: .verify)) { .saved(notice: $0.notice) }
        }
    }

    func receive(_ message: Message) -> Effect {
        switch message {
        case .loaded(let found, let facility):
            if let found { patient = found }
            card = AbhaCard(patient: patient, facility: facility, strings: context.strings)
        case .saved(let notice): self.notice = notice
        case .storeFailed(let failure): problem = failure
        }
        return .none
    }

    func render(into canvas: inout Canvas, area: Rect) {
        AbhaCardView.render(card: card, patient: patient, message: problem.map { .problem(context.strings.text($0)) }
                                ?? notice.map { .done(context.strings.text($0)) },
                            strings: context.strings, into: &canvas, area: area)
    }
}

enum AbhaCardView {
    static func render(card: AbhaCard?, patient: Patient, message: StatusLineView.Message?, strings: StringTable,
                       into canvas: inout Canvas, area: Rect) {
        let content = area.inset(dx: 2, dy: 0)
        guard let card else {
            canvas.put(strings.text(.abhaCardNone, ["name": patient.name]), at: Point(x: content.x, y: content.y + 1), style: .hint)
            return
        }
        let unicode = canvas.glyphs == .unicode
        // A terminal row is about twice as tall as a column is wide: half blocks give square modules in
        // 13 rows; without them a module is "##" on one row, and the quiet zone goes where rows run short.
        let quiet = unicode ? 2 : (area.height >= card.code.size + 2 ? 1 : 0)
        let code = unicode ? QRText.halfBlocks(card.code, quiet: quiet) : QRText.ascii(card.code, quiet: quiet)
        let codeWidth = code.first.map { DisplayWidth.of($0) } ?? 0
        let sideBySide = content.width >= codeWidth + 26
        let codeX = sideBySide ? content.maxX - codeWidth : content.x
        var y = content.y + 1
        let textRight = sideBySide ? codeX - 2 : content.maxX
        let labelWidth = card.rows.map { DisplayWidth.of(strings[$0.label]) }.max() ?? 0
        // Too narrow beside the code for a label and an ABHA number on one line: each value under its label.
        let stacked = textRight - content.x - labelWidth - 2 < 18
        for row in card.rows {
            let style: Style = row.label == .patientAbhaNumber ? .heading : .normal
            canvas.put(strings[row.label], at: Point(x: content.x, y: y), style: .hint)
            if stacked { y += 1 }
            let x = stacked ? content.x + 1 : content.x + labelWidth + 2
            canvas.put(canvas.truncate(row.value, to: textRight - x), at: Point(x: x, y: y), style: style)
            y += 1
        }
        var codeY = sideBySide ? content.y : y + 1
        for line in code where codeY < area.maxY {
            canvas.put(line, at: Point(x: codeX, y: codeY), style: .code)
            codeY += 1
        }
        if sideBySide, y + 2 < area.maxY {
            canvas.put(canvas.truncate(strings[.abhaCardQrNote], to: codeX - content.x - 2), at: Point(x: content.x, y: y + 1), style: .hint)
        }
        if let message { StatusLineView.render(message, into: &canvas, row: content.maxY - 1, x: content.x, width: sideBySide ? codeX - content.x - 2 : content.width) }
    }
}
