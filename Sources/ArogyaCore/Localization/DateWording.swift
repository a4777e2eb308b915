/// Dates as a person reads them, in the table's language: DD-MM-YYYY in every language (as government
/// registers write them), with ASCII digits; weekday and month names from the table (no ICU, no locale).
extension StringTable {
    /// "02-12-2026"
    public func date(_ date: CivilDate) -> String {
        text(.dateShort, dateArguments(date))
    }

    /// "Wed 02-12-2026", "बुध 02-12-2026": the title bar's.
    public func dateWithWeekday(_ date: CivilDate) -> String {
        var arguments = dateArguments(date)
        arguments["weekday"] = weekdayName(date)
        return text(.dateFormat, arguments)
    }

    /// "Nov", "नवंबर"
    public func monthName(_ month: Int) -> String {
        let keys: [StringKey] = [.monthJan, .monthFeb, .monthMar, .monthApr, .monthMay, .monthJun,
                                 .monthJul, .monthAug, .monthSep, .monthOct, .monthNov, .monthDec]
        return self[keys[max(1, min(12, month)) - 1]]
    }

    /// "Wed", "बुध"
    public func weekdayName(_ date: CivilDate) -> String {
        // 1970-01-01 was a Thursday.
        let keys: [StringKey] = [.weekdayThu, .weekdayFri, .weekdaySat, .weekdaySun, .weekdayMon, .weekdayTue, .weekdayWed]
        return self[keys[((date.daysSince1970 % 7) + 7) % 7]]
    }

    /// Every name a date template may use: {dd} {mm} {year}, and {day} {month} for a table that prefers
    /// the month's name.
    private func dateArguments(_ date: CivilDate) -> [String: String] {
        let dd = date.day < 10 ? "0" + String(date.day) : String(date.day)
        let mm = date.month < 10 ? "0" + String(date.month) : String(date.month)
        return ["dd": dd, "mm": mm, "year": String(date.year), "day": String(date.day), "month": monthName(date.month)]
    }
}
