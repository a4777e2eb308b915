import ArogyaCore

/// Draws the page of the screening form that holds the focus: who, which part (with the live CBAC score or
/// BP mean), the questions with their answers, and under them the keys for the focused question or its
/// problem.
@MainActor
enum ScreeningView {
    static let labelWidth = 46

    /// Lists of yes/no symptoms need little room for answers and much for the question.
    static func labelWidth(for part: ScreeningPart, width: Int) -> Int {
        part.isYesNoList ? max(labelWidth, width - 10) : labelWidth
    }

    static func render(_ screen: ScreeningScreen, strings: StringTable, into canvas: inout Canvas, area: Rect) {
        let state = screen.state
        let draft = state.draft
        let content = area.inset(dx: 2, dy: 0)
        let glyphs = canvas.glyphs
        var y = content.y + 1

        let patient = screen.patient
        let who = PatientFormatting.names(patient, glyphs: glyphs) + glyphs.separator + canvas.shown(strings[patient.sex.shortKey])
            + " " + String(draft.age) + (patient.village.map { glyphs.separator + $0.name } ?? "")
        canvas.put(canvas.truncate(who, to: content.width - 16), at: Point(x: content.x, y: y), style: .hint)
        let parts = draft.parts
        let part = screen.currentPart
        let position = strings.text(.screeningPartPosition, ["n": String((parts.firstIndex(of: part) ?? 0) + 1), "of": String(parts.count)])
        canvas.put(position, at: Point(x: content.maxX - DisplayWidth.of(position), y: y), style: .hint)
        y += 1
        canvas.put(strings[part.titleKey], at: Point(x: content.x, y: y), style: .heading)
        let live = liveSummary(part, draft: draft, strings: strings)
        if let (text, style) = live {
            canvas.put(text, at: Point(x: content.maxX - DisplayWidth.of(text), y: y), style: style)
        }
        y += 2

        // The rows of this part, with a checklist's options under it when it has the focus.
        var rows: [(text: String, style: Style, isFocus: Bool)] = []
        let labelWidth = Self.labelWidth(for: part, width: content.width)
        if part == .riskFactors {
            // Age is not asked: it comes from the date of birth, with its points.
            let points = draft.rules.cbac.agePoints(draft.age)
            rows.append(("  " + DisplayWidth.pad(strings[.screeningQAge], to: labelWidth - 2) + " "
                         + strings.text(.screeningAgePoints, ["age": String(draft.age), "points": String(points)]), .hint, false))
        }
        for question in draft.visibleQuestions where question.part == part {
            let focused = question.id == state.focus
            let marker = focused ? "> " : "  "
            let label = marker + DisplayWidth.pad(canvas.truncate(question.label, to: labelWidth - 3), to: labelWidth - 2)
            let answer = answerText(question, draft: draft, focused: focused, medicines: state.medicines, strings: strings, glyphs: glyphs)
            let style: Style = state.errors[question.id] != nil ? .error : (focused ? .labelFocused : .normal)
            rows.append((label + answer, style, focused))
            if focused, case .checklist(let options) = question.kind {
                let ticked = draft.ticked(question.id)
                for option in options {
                    let box = ticked.contains(option.value) ? "[x]" : "[ ]"
                    rows.append(("      " + String(option.letter) + " " + box + " " + option.label, .normal, false))
                }
            }
        }
        let messageRows = 3
        let room = max(1, content.maxY - messageRows - 1 - y)
        let focusRow = rows.firstIndex { $0.isFocus } ?? 0
        let first = min(max(0, focusRow - room / 2), max(0, rows.count - room))
        if first > 0 { canvas.put(glyphs.arrowUp, at: Point(x: content.maxX - 1, y: y), style: .hint) }
        for (offset, row) in rows.dropFirst(first).prefix(room).enumerated() {
            canvas.put(row.text, at: Point(x: content.x, y: y + offset), style: row.style, maxWidth: content.width - 2)
        }
        if first + room < rows.count { canvas.put(glyphs.arrowDown, at: Point(x: content.maxX - 1, y: y + room - 1), style: .hint) }

        let question = screen.focusedQuestion
        let message: StatusLineView.Message
        if let error = state.errors[question.id] {
            message = .problem(strings.text(error))
        } else {
            message = .working(keysHelp(question, part: part, draft: draft, strings: strings))
        }
        StatusLineView.render(message, into: &canvas, row: content.maxY - messageRows, x: content.x, width: content.width, rows: messageRows)
    }

    /// What the answers add up to so far, beside the part's title.
    static func liveSummary(_ part: ScreeningPart, draft: ScreeningDraft, strings: StringTable) -> (String, Style)? {
        switch part {
        case .riskFactors:
            let score = draft.cbacScore
            let limit = draft.rules.cbac.priorityAbove
            let priority = score > limit
            let text = strings.text(.screeningScore, ["score": String(score), "max": String(draft.rules.cbac.maximumScore)])
                + "  " + strings.text(priority ? .screeningPriority : .screeningNoPriority, ["limit": String(limit)])
            return (text, priority ? .warning : .hint)
        case .vitals, .followUp:
            let decision = ScreeningEngine(protocol: draft.rules).evaluate(draft.input, kind: draft.kind)
            var pieces: [String] = []
            var urgent = false
            if let bp = decision.bloodPressure {
                pieces.append(strings.text(.screeningBpMean, ["bp": bp.mean.text, "category": ScreeningFormatting.bloodPressureCategory(bp.category, strings: strings)]))
                urgent = urgent || bp.urgent
            }
            if let glucose = decision.glucose {
                pieces.append(strings.text(.screeningGlucoseSummary, ["category": ScreeningFormatting.glucoseCategory(glucose.category, strings: strings)]))
                urgent = urgent || glucose.urgent
            }
            guard !pieces.isEmpty else { return nil }
            return (pieces.joined(separator: "  "), urgent ? .error : .hint)
        case .mood:
            guard let interest = draft.number(.phqInterest), let mood = draft.number(.phqMood) else { return nil }
            return (strings.text(.screeningPhqTotal, ["total": String(Int(interest + mood))]), .hint)
        default:
            let left = draft.unanswered(in: part).count
            return left == 0 ? nil : (strings.text(.screeningUnanswered, ["count": String(left)]), .hint)
        }
    }

    static func answerText(_ question: Question, draft: ScreeningDraft, focused: Bool, medicines: TextInput,
                           strings: StringTable, glyphs: Glyphs) -> String {
        let open = focused ? "[" : " "
        let close = focused ? "]" : " "
        switch question.kind {
        case .yesNo:
            switch draft.answer(question.id) {
            case .yes?: return open + strings[.screeningYes] + close
            case .no?: return open + strings[.screeningNo] + close
            default: return open + " " + glyphs.bullet + " " + close
            }
        case .choice(let options):
            let label = options.first { $0.value == draft.choice(question.id) }?.label ?? " " + glyphs.bullet + " "
            return open + label + close
        case .number(let rule):
            let text = draft.typed(question.id)
            let unit = rule.unit.map { " " + strings[$0] } ?? ""
            if !focused { return text.isEmpty ? "  " + glyphs.bullet : " " + text + unit }
            return open + DisplayWidth.pad(text + "_", to: 5) + close + (text.isEmpty ? "" : unit)
        case .checklist(let options):
            let ticked = options.filter { draft.ticked(question.id).contains($0.value) }
            return open + (ticked.isEmpty ? " " + glyphs.bullet + " " : ticked.map(\.label).joined(separator: ", ")) + close
        case .text:
            if !focused && medicines.isEmpty { return "  " + glyphs.bullet }
            return open + medicines.text + (focused ? "_" : "") + close
        }
    }

    /// The keys that answer the focused question.
    static func keysHelp(_ question: Question, part: ScreeningPart, draft: ScreeningDraft, strings: StringTable) -> String {
        switch question.kind {
        case .yesNo:
            return strings[part.isYesNoList ? .screeningKeysYesNoList : .screeningKeysYesNo]
        case .choice(let options):
            return options.map { String($0.letter) + " " + $0.label }.joined(separator: " · ")
        case .number(let rule):
            let range = strings.text(.screeningKeysNumber, ["min": JSONValue.format(rule.range.lowerBound), "max": JSONValue.format(rule.range.upperBound)])
            return rule.allowsMeterWords ? range + " " + strings[.screeningKeysMeter] : range
        case .checklist(let options):
            return strings.text(.screeningKeysChecklist, ["last": String(options.count)])
        case .text:
            return strings[.screeningKeysText]
        }
    }
}
