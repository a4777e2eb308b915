import ArogyaCore

enum PatientsView {
    /// Two rows a patient: names and who she is, then her identifiers (masked, for other eyes in the room).
    static let rowsPerPatient = 2

    static func render(_ state: PatientsScreen.State, strings: StringTable, localTime: (Timestamp) -> LocalTime,
                       into canvas: inout Canvas, area: Rect) {
        let content = area.inset(dx: 1, dy: 0)
        let glyphs = canvas.glyphs
        var y = content.y + 1
        // The search box.
        canvas.put("> " + strings[.patientsSearch], at: Point(x: content.x, y: y), style: .labelFocused)
        let boxX = content.x + FormView.labelWidth - 1
        let boxWidth = content.width - FormView.labelWidth - 1
        let visible = state.query.visible(width: boxWidth)
        canvas.put("[", at: Point(x: boxX, y: y))
        canvas.put(DisplayWidth.pad(visible.text, to: boxWidth), at: Point(x: boxX + 1, y: y), style: .fieldFocused)
        canvas.put("]", at: Point(x: boxX + 1 + boxWidth, y: y))
        canvas.cursor = Point(x: boxX + 1 + visible.cursorColumn, y: y)
        y += 1
        canvas.put(strings[.patientsSearchHint], at: Point(x: content.x + 2, y: y), style: .hint, maxWidth: content.width - 2)
        y += 2

        let rows = state.rows
        let heading: String
        if state.query.isEmpty {
            heading = strings[.patientsRecent]
        } else if state.searching && rows.isEmpty {
            heading = strings[.patientsSearching]
        } else {
            heading = strings.text(rows.count >= PatientsScreen.resultLimit ? .patientsFoundMany : .patientsFound, ["count": String(rows.count)])
        }
        canvas.put(heading, at: Point(x: content.x, y: y), style: .heading, maxWidth: content.width)
        y += 1
        let listArea = Rect(x: content.x, y: y, width: content.width, height: content.maxY - y - 1)
        let perPage = max(1, listArea.height / rowsPerPatient)
        let offset = ListView.scrollOffset(selected: state.selected, count: rows.count, height: perPage)
        for (line, index) in (offset..<min(rows.count, offset + perPage)).enumerated() {
            let top = listArea.y + line * rowsPerPatient
            let selected = index == state.selected
            let patient = rows[index].patient
            if selected { canvas.fill(Rect(x: listArea.x, y: top, width: listArea.width, height: rowsPerPatient), style: .selected) }
            let style: Style = selected ? .selected : .normal
            let dim: Style = selected ? .selected : .hint
            let right = strings[patient.sex.shortKey] + " " + canvas.pad(PatientFormatting.age(patient, today: state.today, strings: strings), to: 6)
                + " " + canvas.pad(patient.village?.name ?? strings[.patientNoVillage], to: 14)
            let rightWidth = DisplayWidth.of(right)
            canvas.put((selected ? "> " : "  ") + canvas.truncate(PatientFormatting.names(patient, glyphs: glyphs), to: listArea.width - rightWidth - 4),
                       at: Point(x: listArea.x, y: top), style: style)
            canvas.put(right, at: Point(x: listArea.maxX - rightWidth, y: top), style: style)
            var details: [String] = []
            details.append(strings[.patientMobileShort] + " " + (patient.mobile.map(Identifiers.maskedMobile) ?? "-"))
            details.append(strings[.patientAbhaShort] + " " + (patient.abhaNumber.map(Identifiers.maskedAbhaNumber) ?? "-"))
            if let seen = patient.lastSeenAt {
                details.append(strings.text(.patientSeen, ["date": strings.date(localTime(seen).date)]))
            }
            if let tag = PatientFormatting.statusTag(patient, strings: strings) { details.append(tag) }
            canvas.put("    " + details.joined(separator: "   "), at: Point(x: listArea.x, y: top + 1), style: dim, maxWidth: listArea.width)
        }
        if let message = state.message {
            StatusLineView.render(.problem(strings.text(message)), into: &canvas, row: content.maxY - 1, x: content.x, width: content.width)
        }
    }
}
