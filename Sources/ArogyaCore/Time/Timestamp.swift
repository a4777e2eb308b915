import Foundation

/// An instant stored as UTC text with milliseconds, `2026-11-22T09:30:05.120Z`.
///
/// Text sorts in time order, reads well in `sqlite3`, and is what FHIR and the hub expect. Formatting is
/// done by arithmetic rather than with a date formatter, which would load ICU on the start-up path.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let millisecondsSince1970: Int64

    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    public init(_ date: Date) {
        self.millisecondsSince1970 = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(millisecondsSince1970: millisecondsSince1970 + seconds * 1000)
    }

    /// Seconds from `self` to `other` (positive when `other` is later).
    public func seconds(until other: Timestamp) -> Int64 {
        (other.millisecondsSince1970 - millisecondsSince1970) / 1000
    }

    /// The UTC calendar day of this instant.
    public var utcDay: CivilDate { CivilDate(daysSince1970: Int(floorDiv(millisecondsSince1970, 86_400_000))) }

    /// `2026-11-22T09:30:05.120Z`
    public var iso8601: String {
        let days = floorDiv(millisecondsSince1970, 86_400_000)
        let msOfDay = millisecondsSince1970 - days * 86_400_000
        let day = CivilDate(daysSince1970: Int(days))
        let hour = msOfDay / 3_600_000
        let minute = (msOfDay / 60_000) % 60
        let second = (msOfDay / 1000) % 60
        let millis = msOfDay % 1000
        return "\(day.iso8601)T\(twoDigits(hour)):\(twoDigits(minute)):\(twoDigits(second)).\(threeDigits(millis))Z"
    }

    public var description: String { iso8601 }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z`, the form this type writes. Reads the text's bytes in place: a
    /// report parses hundreds of thousands of these.
    public init?(iso8601 text: String) {
        var text = text
        guard let milliseconds = text.withUTF8({ Self.milliseconds(iso8601: $0) }) else { return nil }
        self.init(millisecondsSince1970: milliseconds)
    }

    private static func milliseconds(iso8601 utf8: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard utf8.count >= 20, utf8.last == UInt8(ascii: "Z"), utf8[10] == UInt8(ascii: "T"),
              let day = CivilDate(iso8601Bytes: utf8[0..<10]),
              utf8[13] == UInt8(ascii: ":"), utf8[16] == UInt8(ascii: ":"),
              let hour = parseDigits(utf8[11..<13]), let minute = parseDigits(utf8[14..<16]),
              let second = parseDigits(utf8[17..<19]),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var millis: Int64 = 0
        if utf8[19] == UInt8(ascii: ".") {
            let fraction = utf8[20..<(utf8.count - 1)]
            guard !fraction.isEmpty, fraction.count <= 9, let value = parseDigits(fraction) else { return nil }
            millis = Int64(value)
            for _ in 0..<(3 - min(3, fraction.count)) { millis *= 10 }
            for _ in 0..<max(0, fraction.count - 3) { millis /= 10 }
        } else if utf8.count != 20 {
            return nil
        }
        let seconds = Int64(day.daysSince1970) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return seconds * 1000 + millis
    }
}

/// A calendar day without a time zone, as in a date of birth or a build date.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CivilDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Howard Hinnant's civil-from-days algorithm (proleptic Gregorian calendar).
    public init(daysSince1970 days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    public var daysSince1970: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// By year, month and day: the same order as the days', without working them out for each comparison.
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public func adding(days: Int) -> CivilDate { CivilDate(daysSince1970: daysSince1970 + days) }

    /// The same day `years` later. The 29th of February becomes the 1st of March in a common year, the day
    /// on which `Ages.years` first counts the extra year, so "due at 30" and "aged 30" agree.
    public func adding(years: Int) -> CivilDate {
        let target = year + years
        if let same = CivilDate(year: target, month: month, day: day) { return same }
        return CivilDate(year: target, month: 3, day: 1)!
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: CivilDate) -> Int { other.daysSince1970 - daysSince1970 }

    /// `22-11-2026`: as Indian forms and cards write a date.
    public var dayMonthYear: String { twoDigits(Int64(day)) + "-" + twoDigits(Int64(month)) + "-" + String(year) }

    /// `2026-11-22`
    public var iso8601: String {
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
            + "-" + twoDigits(Int64(month)) + "-" + twoDigits(Int64(day))
    }

    public var description: String { iso8601 }

    /// Parses `YYYY-MM-DD`.
    public init?(iso8601 text: String) {
        var text = text
        guard let date = text.withUTF8({ CivilDate(iso8601Bytes: $0[0..<$0.count]) }) else { return nil }
        self = date
    }

    init?(iso8601Bytes utf8: Slice<UnsafeBufferPointer<UInt8>>) {
        let start = utf8.startIndex
        guard utf8.count == 10, utf8[start + 4] == UInt8(ascii: "-"), utf8[start + 7] == UInt8(ascii: "-"),
              let year = parseDigits(utf8[start..<(start + 4)]), let month = parseDigits(utf8[(start + 5)..<(start + 7)]),
              let day = parseDigits(utf8[(start + 8)..<(start + 10)])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Parses the C compiler's `__DATE__`, `"Nov 22 2026"` (the day padded with a space).
    public init?(compilerDate text: String) {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = text.split(separator: " ")
        guard parts.count == 3, let monthIndex = months.firstIndex(of: String(parts[0])),
              let day = Int(parts[1]), let year = Int(parts[2]) else { return nil }
        self.init(year: year, month: monthIndex + 1, day: day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}

private func twoDigits(_ value: Int64) -> String {
    value < 10 ? "0\(value)" : "\(value)"
}

private func threeDigits(_ value: Int64) -> String {
    value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)"
}

private func parseDigits<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
    guard !bytes.isEmpty else { return nil }
    var value = 0
    for byte in bytes {
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
}
