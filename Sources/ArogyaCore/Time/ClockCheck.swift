import CBuildInfo

/// Notices a device clock that is obviously wrong.
///
/// Ages, due dates and PIN lockouts all read the clock, and clinic PCs lose their time when the CMOS
/// battery dies. A clock is wrong beyond doubt when it is earlier than the day this program was built,
/// or earlier than the newest record already in the store.
public enum ClockCheck {
    public enum Warning: Equatable, Sendable {
        case beforeBuildDate(CivilDate)
        case beforeNewestRecord(Timestamp)
    }

    /// Slack for time zones (a build late on the 22nd in UTC is the 23rd in India) and small drift.
    static let buildDateSlackDays = 1
    static let newestRecordSlackSeconds: Int64 = 5 * 60

    /// The day this binary was compiled.
    public static let buildDate: CivilDate? = CivilDate(compilerDate: String(cString: arogya_build_date()))

    public static func evaluate(now: Timestamp, buildDate: CivilDate?, newestRecord: Timestamp?) -> Warning? {
        if let buildDate, now.utcDay < buildDate.adding(days: -buildDateSlackDays) {
            return .beforeBuildDate(buildDate)
        }
        if let newestRecord, now.adding(seconds: newestRecordSlackSeconds) < newestRecord {
            return .beforeNewestRecord(newestRecord)
        }
        return nil
    }
}
