/// A bar of a chart in a terminal: eighth blocks where the terminal has UTF-8, '#' and a half '+' where
/// it has not.
public enum BarChart {
    static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    public static func bar(_ fraction: Double, width: Int, unicode: Bool) -> String {
        let clamped = max(0, min(1, fraction.isFinite ? fraction : 0))
        guard width > 0 else { return "" }
        if unicode {
            let units = Int((clamped * Double(width * 8)).rounded())
            var text = String(repeating: "█", count: units / 8)
            if units % 8 > 0 { text.append(eighths[units % 8 - 1]) }
            return text
        }
        let halves = Int((clamped * Double(width * 2)).rounded())
        return String(repeating: "#", count: halves / 2) + (halves % 2 == 1 ? "+" : "")
    }
}

/// The report as the command lines (terminal and hub) print it: text for a person, CSV for a
/// spreadsheet (a row per figure), JSON for scripts.
extension IndicatorReport {
    /// "37.0%"; "-" where the denominator is 0, nothing where there is none.
    public static func percentText(_ figure: IndicatorFigure) -> String {
        guard let percent = figure.percent else { return figure.of == nil ? "" : "-" }
        let tenths = Int((percent * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// A right-aligned number in `width` columns.
    public static func number(_ value: Int, width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// 80 columns: each section's figures with "count of denominator  percent", the definition under each
    /// when `definitions`, then the trend as two bar charts.
    public func text(strings: StringTable, title: String, definitions: Bool, unicode: Bool) -> [String] {
        var lines = [title, ""]
        for section in sections {
            lines.append(strings[section.title])
            for figure in section.figures {
                var line = "  " + DisplayWidth.pad(DisplayWidth.truncate(strings[figure.label], to: 38, ellipsis: unicode ? "…" : "~"), to: 40)
                    + Self.number(figure.count, width: 7)
                if let of = figure.of { line += " of " + Self.number(of, width: 7) + "  " + Self.percentText(figure) }
                lines.append(line)
                if definitions { lines += wrapped(strings[figure.definition], width: 74).map { "      " + $0 } }
            }
            lines.append("")
        }
        lines.append(strings[.indicatorsTrend])
        for point in trend {
            let share = point.controlOf > 0 ? Double(point.controlled) / Double(point.controlOf) : 0
            let percent = point.controlOf > 0 ? String(Int((share * 100).rounded())) + "%" : "-"
            let most = max(1, trend.map(\.screenings).max() ?? 1)
            lines.append("  " + point.month + "  " + DisplayWidth.pad(BarChart.bar(share, width: 20, unicode: unicode), to: 21)
                         + String(repeating: " ", count: max(0, 5 - percent.count)) + percent
                         + DisplayWidth.pad("  (\(point.controlled) of \(point.controlOf))", to: 16)
                         + "  " + DisplayWidth.pad(BarChart.bar(Double(point.screenings) / Double(most), width: 12, unicode: unicode), to: 13)
                         + String(point.screenings))
        }
        if !clockOffsets.isEmpty {
            lines.append("")
            for offset in clockOffsets {
                lines.append(strings.text(.indicatorsClockOff, ["terminal": offset.terminal, "minutes": String(offset.minutes)]))
            }
        }
        return lines
    }

    public static let csvHeader = ["section", "indicator", "label", "count", "of", "percent", "definition"]

    public func csvRows(strings: StringTable) -> [[String]] {
        var rows: [[String]] = []
        for section in sections {
            for figure in section.figures {
                rows.append([section.id, figure.id, strings[figure.label], String(figure.count), figure.of.map(String.init) ?? "",
                             Self.percentText(figure),
                             strings[figure.definition]])
            }
        }
        for point in trend {
            rows.append(["trend", "trend.controlled." + point.month, strings[.indicatorsTrendControlled], String(point.controlled), String(point.controlOf), "", ""])
            rows.append(["trend", "trend.screenings." + point.month, strings[.indicatorsTrendScreenings], String(point.screenings), "", "", ""])
        }
        return rows
    }

    /// {period: {from, to, counted_to}, figures: [{id, count, of, percent}], trend: [{month, controlled, of, screenings}], clock_offsets}
    public var json: JSONValue {
        .object([
            ("period", .object([("from", .string(period.from.iso8601)), ("to", .string(period.to.iso8601)),
                                ("counted_to", .string(countedTo.iso8601))])),
            ("figures", .array(sections.flatMap(\.figures).map { figure in
                .object([("id", .string(figure.id)), ("count", .number(Double(figure.count))),
                         ("of", figure.of.map { .number(Double($0)) } ?? .null),
                         ("percent", figure.percent.map { .number(($0 * 10).rounded() / 10) } ?? .null)])
            })),
            ("trend", .array(trend.map { point in
                .object([("month", .string(point.month)), ("controlled", .number(Double(point.controlled))),
                         ("of", .number(Double(point.controlOf))), ("screenings", .number(Double(point.screenings)))])
            })),
            ("clock_offsets", .array(clockOffsets.map { .object([("terminal", .string($0.terminal)), ("minutes", .number(Double($0.minutes)))]) })),
        ])
    }

    /// Words broken at spaces to `width` columns (no dependency on the screens' wrapper).
    func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if DisplayWidth.of(candidate) > width, !line.isEmpty {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
