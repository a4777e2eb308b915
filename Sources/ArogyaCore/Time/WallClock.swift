import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the current time comes from. Tests pass a fixed or stepped clock.
public struct WallClock: Sendable {
    public var now: @Sendable () -> Timestamp

    public init(now: @escaping @Sendable () -> Timestamp) {
        self.now = now
    }

    public static let system = WallClock { Timestamp(Date()) }

    public static func fixed(_ timestamp: Timestamp) -> WallClock {
        WallClock { timestamp }
    }
}

/// Local wall-clock time for display, from the C library's `localtime_r`, which honours `TZ`
/// without loading ICU.
public struct LocalTime: Equatable, Sendable {
    public let date: CivilDate
    public let hour: Int
    public let minute: Int

    public init(date: CivilDate, hour: Int, minute: Int) {
        self.date = date
        self.hour = hour
        self.minute = minute
    }

    public init(_ timestamp: Timestamp) {
        var seconds = time_t(timestamp.millisecondsSince1970 / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        self.date = CivilDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
            ?? timestamp.utcDay
        self.hour = Int(parts.tm_hour)
        self.minute = Int(parts.tm_min)
    }

    /// `14:05`
    public var hourMinute: String {
        (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }
}
