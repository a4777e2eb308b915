import ArogyaCore

extension LoginScreen {
    func render(into canvas: inout Canvas, area: Rect) {
        LoginView.render(state, strings: context.strings, localTime: context.localTime, lockout: context.store.lockout,
                         nextLanguage: nextLanguage.map { context.catalog.name(of: $0) }, into: &canvas, area: area)
    }
}

enum LoginView {
    static func render(_ state: LoginScreen.State, strings: StringTable, localTime: (Timestamp) -> LocalTime,
                       lockout: LockoutPolicy, nextLanguage: String?, into canvas: inout Canvas, area: Rect) {
        let content = area.inset(dx: 2, dy: 0)
        var y = content.y + 1
        canvas.put(strings[.loginWho], at: Point(x: content.x, y: y), style: .heading)
        if !state.filter.isEmpty {
            canvas.put(strings.text(.loginFilter, ["filter": state.filter]), at: Point(x: content.x + 30, y: y), style: .hint)
        }
        y += 1
        let listHeight = max(1, content.maxY - y - 7)
        let visible = state.visibleAccounts
        if state.isLoading {
            canvas.put(strings[.statusLoading], at: Point(x: content.x + 2, y: y), style: .hint)
        } else if visible.isEmpty && !state.accounts.isEmpty {
            canvas.put(strings[.loginNoMatch], at: Point(x: content.x + 2, y: y), style: .hint)
        }
        let rows = visible.map { account -> String in
            var row = canvas.pad(account.fullName, to: 26) + "  " + canvas.pad(strings[account.role.labelKey], to: 11)
                + "  " + canvas.pad(account.username, to: 12) + "  "
            if lockout.isLocked(until: account.lockedUntil, now: state.now), let until = account.lockedUntil {
                row += strings.text(.loginLockedShort, ["time": localTime(until).hourMinute])
            }
            return row
        }
        ListView.render(rows: rows, selected: visible.isEmpty ? nil : state.selected, into: &canvas,
                        area: Rect(x: content.x, y: y, width: content.width, height: listHeight))
        y += listHeight + 1
        canvas.put(strings[.loginFindHint], at: Point(x: content.x, y: y), style: .hint, maxWidth: content.width)
        y += 2
        FormView.renderLoneInput(label: strings[.loginPin], input: state.entry.pin, width: 8, at: Point(x: content.x, y: y), into: &canvas)
        if let nextLanguage {
            // The next language named in itself, so that she finds hers whatever the screen is in now.
            let text = strings.text(.loginSwitchLanguage, ["key": "F2", "language": nextLanguage])
            canvas.put(text, at: Point(x: content.maxX - DisplayWidth.of(text), y: y), style: .hint)
        }
        y += 2
        StatusLineView.render(PinEntryView.message(state.entry, strings: strings), into: &canvas,
                              row: y, x: content.x, width: content.width, rows: 2)
    }
}
