import ArogyaCore
import ArogyaStore

/// The care part of the patient card: known conditions and BP control, what is due or overdue, open
/// referrals, and the latest screenings. Returns the first row left free.
enum CareSectionView {
    static func render(_ state: PatientCardScreen.State, strings: StringTable, into canvas: inout Canvas, area: Rect) -> Int {
        let glyphs = canvas.glyphs
        var y = area.y
        let limit = area.maxY
        // Every line wraps: a due item or a referral place cut at the edge would be lost.
        func line(_ text: String, _ style: Style = .normal, indent: Int = 2) {
            for (row, part) in wrap(text, first: area.width - indent, rest: area.width - indent - 2).enumerated() {
                guard y < limit else { return }
                canvas.put(part, at: Point(x: area.x + indent + (row == 0 ? 0 : 2), y: y), style: style, maxWidth: area.width - indent)
                y += 1
            }
        }
        canvas.put(strings[.cardCare], at: Point(x: area.x, y: y), style: .heading)
        y += 1
        guard let care = state.care else {
            line(state.isLoading ? strings[.statusLoading] : "-", .hint)
            return y
        }
        let today = state.today
        func date(_ day: CivilDate) -> String { strings.date(day) }

        if !care.known.isEmpty {
            var text = strings.text(.cardKnown, ["conditions": KnownCondition.allCases.filter(care.known.contains)
                .map { ScreeningFormatting.condition($0, strings: strings) }.joined(separator: ", ")])
            var style = Style.normal
            if let control = care.control {
                switch control {
                case .controlled:
                    text += glyphs.separator + strings.text(.cardControlled, ["bp": care.lastBloodPressure!.mean.text, "date": date(care.lastBloodPressure!.day)])
                case .uncontrolled:
                    text += glyphs.separator + strings.text(.cardUncontrolled, ["bp": care.lastBloodPressure!.mean.text, "date": date(care.lastBloodPressure!.day)])
                    style = .warning
                case .noRecentReading:
                    text += glyphs.separator + strings[.cardNoRecentBp]
                    style = .warning
                }
            }
            line(text, style)
        }

        let dueNow = care.due.filter { $0.since <= today }
        if !dueNow.isEmpty {
            let items = dueNow.map { item -> String in
                let days = item.since.days(until: today)
                let name = ScreeningFormatting.careItem(item.item, strings: strings)
                return days > 0 ? strings.text(.cardOverdueItem, ["item": name, "days": String(days)]) : name
            }
            line(strings.text(.cardDueNow, ["items": items.joined(separator: ", ")]), .warning)
        }
        if let next = care.due.filter({ $0.since > today }).min(by: { $0.since < $1.since }) {
            line(strings.text(.cardNextDue, ["item": ScreeningFormatting.careItem(next.item, strings: strings), "date": date(next.since)]), .hint)
        }
        for referral in care.openReferrals {
            let place = state.rules?.placeName(referral.place, language: strings.language) ?? referral.place
            let key: StringKey = referral.urgent ? .cardReferralOpenUrgent : .cardReferralOpen
            line(strings.text(key, ["place": place, "date": date(referral.referredOn)]), referral.urgent ? .error : .normal)
        }

        y += 1
        guard y < limit else { return y }
        canvas.put(strings[.cardScreenings], at: Point(x: area.x, y: y), style: .heading)
        y += 1
        if state.screenings.isEmpty { line(strings[.cardNeverScreened], .hint) }
        for screening in state.screenings {
            var pieces = [date(screening.day), strings[screening.kind == .screening ? .cardKindScreening : .cardKindFollowUp]]
            if let bp = screening.bloodPressure { pieces.append(strings.text(.cardBp, ["bp": bp.text])) }
            if let type = screening.glucoseType, let value = screening.glucoseValue {
                pieces.append(ScreeningFormatting.glucose(type: type, value: value, strings: strings))
            }
            if let score = screening.cbacScore { pieces.append(strings.text(.outcomeCbac, ["score": String(score)])) }
            if screening.urgent { pieces.append(strings[.cardUrgent]) } else if screening.refer { pieces.append(strings[.cardReferred]) }
            if !screening.notScreened.isEmpty {
                let missing = screening.notScreened.map { strings[$0 == .hypertension ? .cardNoBp : .cardNoGlucose] }
                pieces.append(strings.text(.cardIncomplete, ["missing": missing.joined(separator: ", ")]))
            }
            let review = state.reviews[screening.id]
            switch review?.state {
            case .sentBack?:
                pieces.append(strings.text(.cardSentBack, ["reason": review?.openSendBack?.reason ?? "", "by": review?.openSendBack?.reviewedBy ?? ""]))
            case .reviewed?: pieces.append(strings[.cardReviewed])
            case .corrected?: pieces.append(strings[.cardCorrected])
            case nil: break
            }
            let style: Style = screening.urgent ? .error : (screening.notScreened.isEmpty && review?.state != .sentBack ? .normal : .warning)
            line(pieces.joined(separator: glyphs.separator), style)
        }
        return y
    }
}
