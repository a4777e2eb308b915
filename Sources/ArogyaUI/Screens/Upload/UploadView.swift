import ArogyaCore
import ArogyaStore
import ArogyaSync

/// Draws the Upload screen:
///
///     Hub             https://hub.example.in answers; its clock says 10:42
///     Last sync       Mon 23 Nov 2026 10:40 (hub clock 10:40)
///     Waiting         12 waiting: patient 9, screening 3
///     Automatic       every 5 min while Arogya is open
///
///     [#########.....................] 30%  sending 150 of 500
///
///     Refused by the hub: 1    In conflict: 0
///     > refused   patient    Lakshmi Devi       payload.birth_date: expected a date
enum UploadView {
    static func render(_ state: UploadScreen.State, everyMinutes: Int, localTime: (Timestamp) -> LocalTime, strings: StringTable,
                       into canvas: inout Canvas, area: Rect) {
        let content = area.inset(dx: 2, dy: 0)
        let labelWidth = 16
        var y = content.y + 1
        /// A labelled value, wrapped over at most `rows` rows.
        func line(_ label: StringKey, _ value: String, style: Style = .normal, rows: Int = 1) {
            canvas.put(DisplayWidth.pad(strings[label], to: labelWidth), at: Point(x: content.x, y: y), style: .hint)
            for part in wrap(value, width: content.width - labelWidth).prefix(rows) {
                canvas.put(part, at: Point(x: content.x + labelWidth, y: y), style: style, maxWidth: content.width - labelWidth)
                y += 1
            }
        }
        func clock(_ time: Timestamp) -> String {
            let local = localTime(time)
            return strings.dateWithWeekday(local.date) + " " + local.hourMinute
        }

        // The hub: where, and whether it answers now.
        let status = state.status
        let address = status?.hubURL.map(HubConnection.displayAddress)
        let (hubText, hubStyle) = hubLine(state.sync.hub, address: address, localTime: localTime, strings: strings)
        line(.uploadHub, hubText, style: hubStyle, rows: 2)

        // The last sync that reached the hub, and its clock then.
        if let status {
            if let success = status.lastSuccess {
                var text = clock(success)
                if let server = status.lastServerTime { text += "  " + strings.text(.uploadHubClockThen, ["time": localTime(server).hourMinute]) }
                line(.uploadLastSync, text)
            } else {
                line(.uploadLastSync, strings[.uploadNever], style: .hint)
            }
            if let failure = status.lastFailure {
                line(.uploadLastFailure, clock(failure.at) + "  " + failure.message, style: .warning)
            }
            // The most waiting first; equal counts in the record types' order, so that the line never reorders itself.
            let byType = status.pendingByType.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
                .map { strings[recordTypeKey($0.key)] + " " + String($0.value) }.joined(separator: ", ")
            line(.uploadWaiting, status.pending == 0 ? strings[.uploadNothingWaiting]
                    : strings.text(.uploadWaitingCounts, ["count": String(status.pending), "types": byType]),
                 style: status.pending == 0 ? .success : .normal)
        } else {
            line(.uploadWaiting, strings[.statusLoading], style: .hint)
        }
        // So that she knows whether she needs to press u at all.
        line(.uploadAutomatic, everyMinutes > 0 ? strings.text(.uploadAutomaticEvery, ["minutes": String(everyMinutes)])
                                                : strings[.uploadAutomaticOff], style: .hint)

        // A clock that differs from the hub's: measured now, or at the last sync.
        let offset: Int64? = {
            if case .reachable(_, let offset, _) = state.sync.hub { return offset }
            return status?.clockOffsetMilliseconds
        }()
        if let offset, abs(offset) > SyncStatus.clockToleranceMilliseconds {
            let minutes = String(abs(offset) / 60_000)
            let text = strings.text(offset > 0 ? .uploadClockBehind : .uploadClockAhead, ["minutes": minutes])
            for row in wrap("! " + text, width: content.width).prefix(2) {
                canvas.put(row, at: Point(x: content.x, y: y), style: .warning, maxWidth: content.width)
                y += 1
            }
        }

        // Progress while a sync runs; else when the next one comes.
        if state.sync.isRunning {
            y += 1
            let progress = state.sync.progress
            let sent = progress?.sent ?? 0, total = progress?.total ?? 0
            let fraction = total == 0 ? 0 : Double(sent) / Double(total)
            var text = ProgressBarView.bar(fraction, width: 30) + "  "
            if let progress, progress.pulled > 0 || (total > 0 && sent >= total) {
                text += strings.text(.uploadReceiving, ["sent": String(sent), "received": String(progress.pulled)])
            } else if progress == nil {
                text += strings[.uploadStarting]
            } else {
                text += strings.text(.uploadSending, ["sent": String(sent), "total": String(total)])
            }
            canvas.put(text, at: Point(x: content.x, y: y), style: .normal, maxWidth: content.width)
            y += 1
        }

        // What needs her: records refused by the hub, and records in conflict.
        y += 1
        let problems = state.problems
        let rejected = status?.rejected.count ?? 0, conflicts = status?.conflicts.count ?? 0
        canvas.put(strings.text(.uploadProblemsHeading, ["rejected": String(rejected), "conflicts": String(conflicts)]),
                   at: Point(x: content.x, y: y), style: rejected + conflicts > 0 ? .heading : .hint, maxWidth: content.width)
        y += 1
        // The last two rows are the message's; the one above them, the selected problem's whole reason.
        let listBottom = content.maxY - 3
        if !problems.isEmpty, y < listBottom {
            let rows = problems.map { problem -> String in
                let kind = strings[problem.state == .rejected ? .uploadTagRejected : .uploadTagConflict]
                let who = canvas.truncate(canvas.shown(problem.subject ?? problem.id), to: 18)
                return DisplayWidth.pad(kind, to: 10) + DisplayWidth.pad(strings[recordTypeKey(problem.type)], to: 11)
                    + DisplayWidth.pad(who, to: 19) + canvas.shown(problem.message)
            }
            let styles = problems.map { $0.state == .rejected ? Style.error : Style.warning }
            ListView.render(rows: rows, selected: state.selected, styles: styles, into: &canvas,
                            area: Rect(x: content.x, y: y, width: content.width, height: listBottom - y))
            // The selected one's reason in full, which the row may have cut.
            if let problem = problems[safe: state.selected], DisplayWidth.of(rows[state.selected]) > content.width {
                canvas.put(canvas.shown(problem.message), at: Point(x: content.x, y: listBottom), style: .hint, maxWidth: content.width)
            }
        }
        StatusLineView.render(state.message, into: &canvas, row: content.maxY - 2, x: content.x, width: content.width, rows: 2)
    }

    /// "https://hub… reachable, its clock 10:42" / "not reachable: …" / "not connected: …"
    static func hubLine(_ hub: SyncCoordinator.HubState, address: String?, localTime: (Timestamp) -> LocalTime,
                        strings: StringTable) -> (String, Style) {
        let prefix = address.map { $0 + "  " } ?? ""
        switch hub {
        case .unknown:
            return (prefix + strings[.uploadChecking], .hint)
        case .reachable(let serverTime, _, _):
            return (prefix + strings.text(.uploadReachable, ["time": localTime(serverTime).hourMinute]), .success)
        case .unreachable(let reason, let checkedAt):
            return (prefix + strings.text(.uploadUnreachable, ["time": localTime(checkedAt).hourMinute, "reason": reason]), .error)
        case .notConnected(let problem):
            return (strings.text(problem.message), .error)
        }
    }

    /// The word for a type as the outbox stores it; one this version does not know is "other".
    static func recordTypeKey(_ type: String) -> StringKey {
        guard let type = RecordType(rawValue: type) else { return .recordOther }
        switch type {
        case .patient: return .recordPatient
        case .screening: return .recordScreening
        case .referral: return .recordReferral
        case .account: return .recordAccount
        case .facility: return .recordFacility
        case .abhaRequest: return .recordAbhaRequest
        case .review: return .recordReview
        }
    }
}

/// "[##########..........] 50%": ASCII, so that it reads the same on every terminal and in monochrome.
enum ProgressBarView {
    static func bar(_ fraction: Double, width: Int) -> String {
        let clamped = max(0, min(1, fraction))
        let filled = Int((clamped * Double(width)).rounded(.down))
        let percent = Int((clamped * 100).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + DisplayWidth.pad(String(percent) + "%", to: 4)
    }
}
