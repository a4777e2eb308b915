import ArogyaABDM
import ArogyaCore
import ArogyaSync

/// Draws the ABHA flow: who it is for, the step's text and fields, and under them what is being waited
/// for or what went wrong, in words.
@MainActor
enum AbhaFlowView {
    static func render(_ screen: AbhaFlowScreen, strings: StringTable, into canvas: inout Canvas, area: Rect) {
        let state = screen.state
        let content = area.inset(dx: 2, dy: 0)
        let glyphs = canvas.glyphs
        let patient = screen.patient
        var y = content.y + 1
        let today = screen.context.localTime(state.now).date
        let who = PatientFormatting.names(patient, glyphs: glyphs) + "  " + strings[patient.sex.shortKey] + " "
            + PatientFormatting.age(patient, today: today, strings: strings)
        canvas.put(canvas.truncate(who, to: content.width), at: Point(x: content.x, y: y), style: .heading)
        y += 2
        func line(_ text: String, style: Style = .normal) {
            for piece in text.split(separator: "\n", omittingEmptySubsequences: false).flatMap({ wrap(String($0), width: content.width) })
            where y < content.maxY - 3 {
                canvas.put(piece, at: Point(x: content.x, y: y), style: style)
                y += 1
            }
        }
        func row(_ label: String, _ value: String, style: Style = .normal) {
            guard y < content.maxY - 3 else { return }
            canvas.put(DisplayWidth.truncate(label, to: FormView.labelWidth - 1, ellipsis: glyphs.ellipsis), at: Point(x: content.x, y: y))
            canvas.put(canvas.truncate(value, to: content.width - FormView.labelWidth), at: Point(x: content.x + FormView.labelWidth, y: y), style: style)
            y += 1
        }
        func form() {
            y = FormView.render(state.form, strings: strings, into: &canvas,
                                area: Rect(x: content.x, y: y, width: content.width, height: max(0, content.maxY - y - 3)))
        }

        switch state.step {
        case .choose(let choice):
            for (index, key) in [StringKey.abhaChooseEnrol, .abhaChooseVerify].enumerated() {
                let selected = index == choice
                canvas.put((selected ? "> " : "  ") + String(index + 1) + "  " + canvas.truncate(strings[key], to: content.width - 5),
                           at: Point(x: content.x, y: y), style: selected ? .selected : .normal)
                y += 1
            }
            y += 1
            line(strings[.abhaChooseHint], style: .hint)
        case .consent:
            line(strings[.abhaConsentHeading], style: .heading)
            line(strings[.abhaConsentText])
            y += 1
            line(strings[.abhaConsentConfirm], style: .labelFocused)
        case .aadhaar:
            line(strings[.abhaAadhaarIntro], style: .hint)
            y += 1
            form()
        case .verifyWith:
            line(strings[screen.fromRegistration ? .abhaVerifyAfterRegistration : .abhaVerifyIntro], style: .hint)
            y += 1
            form()
        case .otp(let stage):
            let ending = AbhaResponses.mobileEnding(stage.sent.message) ?? "?"
            line(strings.text(.abhaOtpSentTo, ["ending": ending]))
            y += 1
            form()
            y += 1
            let wait = screen.resendWait
            line(wait > 0 ? strings.text(.abhaResendIn, ["seconds": String(wait)]) : strings[.abhaResendNow], style: .hint)
        case .accounts(let accounts, let selected, _, _):
            line(strings.text(.abhaAccountsIntro, ["count": String(accounts.count)]))
            y += 1
            for (index, account) in accounts.enumerated() where y < content.maxY - 3 {
                let text = String(index + 1) + ". " + Identifiers.formattedAbhaNumber(account.abhaNumber) + "  " + account.name
                    + "  " + (account.preferredAddress ?? "")
                canvas.put((index == selected ? "> " : "  ") + canvas.truncate(text, to: content.width - 2), at: Point(x: content.x, y: y),
                           style: index == selected ? .selected : .normal)
                y += 1
            }
        case .address(let suggestions, let selected, let enrolled):
            line(strings.text(.abhaCreated, ["abha": Identifiers.formattedAbhaNumber(enrolled.profile.abhaNumber)]), style: .success)
            y += 1
            line(suggestions.isEmpty ? strings[.abhaNoSuggestions] : strings[.abhaSuggestionsIntro])
            let typing = !state.form.text(.address).isEmpty
            for (index, suggestion) in suggestions.enumerated() where y < content.maxY - 5 {
                let chosen = index == selected && !typing
                canvas.put((chosen ? "> " : "  ") + suggestion + "@" + screen.addressSuffix, at: Point(x: content.x, y: y),
                           style: chosen ? .selected : .normal)
                y += 1
            }
            y += 1
            form()
        case .review(let profile, let address, let existing):
            let number = Identifiers.formattedAbhaNumber(profile.abhaNumber)
            line(existing ? strings.text(.abhaExistingForAadhaar, ["abha": number]) : strings.text(.abhaFound, ["abha": number]), style: .success)
            y += 1
            row(strings[.patientAbhaAddress], address ?? "-")
            let differences = profile.differences(from: patient)
            if differences.isEmpty {
                line(strings[.abhaNoDifferences])
            } else {
                line(strings[.abhaDifferencesIntro], style: .warning)
                for difference in differences {
                    let (registered, abha) = AbhaDifferenceText.values(difference, strings: strings)
                    row(strings[AbhaDifferenceText.label(difference)], strings.text(.abhaDifferenceValues, ["registered": registered, "abha": abha]))
                }
            }
            y += 1
            line(differences.isEmpty ? strings[.abhaLinkHint] : strings[.abhaLinkOrTakeHint], style: .hint)
        }

        let message: StatusLineView.Message?
        if let busy = state.busy {
            message = .working(strings[busy])
        } else if let problem = state.problem {
            message = .problem(strings.text(problem))
        } else if state.form.fields.indices.contains(state.form.focus), let error = state.form.fields[state.form.focus].error {
            message = .problem(strings[state.form.fields[state.form.focus].label] + ": " + strings.text(error))
        } else {
            message = nil
        }
        StatusLineView.render(message, into: &canvas, row: content.maxY - 3, x: content.x, width: content.width, rows: 3)
    }
}
