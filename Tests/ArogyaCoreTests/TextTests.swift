@testable import ArogyaCore
import Testing

@Suite("Text sanitising")
struct TextSanitizerTests {
    @Test("Given pasted text with controls, escapes and runs of space, when made single-line, then only the text remains")
    func singleLine() {
        #expect(TextSanitizer.singleLine("  Asha\tDevi\r\n ") == "Asha Devi")
        #expect(TextSanitizer.singleLine("Ram\u{1B}[31mpur\u{1B}[0m") == "Rampur")
        #expect(TextSanitizer.singleLine("a\u{0}b\u{7}c\u{202E}d") == "abcd")
        #expect(TextSanitizer.singleLine("क्\u{200D}ष") == "क्\u{200D}ष")
        #expect(TextSanitizer.singleLine(String(repeating: " ", count: 10)) == "")
        // A window title, a string ended by ESC \\, C1 forms, and a two-character escape: dropped with what they carry.
        #expect(TextSanitizer.singleLine("Sita\u{1B}]0;owned\u{7} Devi") == "Sita Devi")
        #expect(TextSanitizer.singleLine("Sita\u{1B}P1$r\u{1B}\\ Devi") == "Sita Devi")
        #expect(TextSanitizer.singleLine("Sita\u{9B}31m Devi\u{9D}title\u{9C}") == "Sita Devi")
        #expect(TextSanitizer.singleLine("Sita\u{1B}c Devi\u{1B}[2J\u{1B}[H") == "Sita Devi")
    }

    @Test("Given emoji and symbols, when checked, then pictures are emoji and digits or signs are not")
    func emoji() {
        #expect(TextSanitizer.isEmoji("😀"))
        #expect(TextSanitizer.isEmoji("👍🏽"))
        #expect(!TextSanitizer.isEmoji("1"))
        #expect(!TextSanitizer.isEmoji("#"))
        #expect(!TextSanitizer.isEmoji("क"))
    }
}

@Suite("Timestamps and dates")
struct TimeTests {
    @Test("Given an instant, when written and read back, then it is the same to the millisecond")
    func roundTrip() {
        let instant = Timestamp(millisecondsSince1970: 1_795_339_805_120)
        #expect(instant.iso8601 == "2026-11-22T09:30:05.120Z")
        #expect(Timestamp(iso8601: instant.iso8601) == instant)
        #expect(Timestamp(iso8601: "2026-11-22T09:30:05Z") == Timestamp(millisecondsSince1970: 1_795_339_805_000))
        #expect(Timestamp(iso8601: "1969-12-31T23:59:59.999Z")?.millisecondsSince1970 == -1)
    }

    @Test("Given malformed text, when parsed, then there is no timestamp", arguments: [
        "", "2026-11-22", "2026-11-22T25:00:00Z", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-22T05:30:05.Z",
        "2026-11-22 05:30:05Z",
    ])
    func malformed(text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test("Given calendar days, when converted to day numbers and back, then leap years hold")
    func civilDates() {
        #expect(CivilDate(daysSince1970: 0).iso8601 == "1970-01-01")
        #expect(CivilDate(iso8601: "2024-02-29")?.adding(days: 1).iso8601 == "2024-03-01")
        #expect(CivilDate(iso8601: "2023-02-29") == nil)
        #expect(CivilDate(iso8601: "2000-02-29") != nil)
        #expect(CivilDate(iso8601: "1900-02-29") == nil)
        for days in stride(from: -800_000, to: 800_000, by: 997) {
            #expect(CivilDate(daysSince1970: days).daysSince1970 == days)
        }
        #expect(CivilDate(compilerDate: "Nov 22 2026") == CivilDate(year: 2026, month: 11, day: 22))
        #expect(CivilDate(compilerDate: "Jan  3 2027") == CivilDate(year: 2027, month: 1, day: 3))
    }
}

@Suite("Record identifiers")
struct UUIDv7Tests {
    @Test("Given two instants, when ids are made, then they are version 7, RFC variant, and sort in time order")
    func versionAndOrder() {
        let early = UUIDv7.string(at: Timestamp(millisecondsSince1970: 1_795_339_805_000))
        let late = UUIDv7.string(at: Timestamp(millisecondsSince1970: 1_795_339_805_001))
        #expect(early < late)
        let characters = Array(early)
        #expect(characters[14] == "7")
        #expect("89ab".contains(characters[19]))
        #expect(early.hasPrefix("01a20297-6148"))
        #expect(UUIDv7.string(at: Fixed.now) != UUIDv7.string(at: Fixed.now))
    }
}

enum Fixed {
    static let now = Timestamp(iso8601: "2026-11-22T09:30:00.000Z")!
}
