@testable import ArogyaCore
import ArogyaTesting
import Testing

@Suite("Account rules")
struct AccountRulesTests {
    @Test("Given login names, when checked, then the valid ones are folded to lower case", arguments: [
        ("Priya.S", "priya.s"), ("asha_2", "asha_2"), ("  ravi-k ", "ravi-k"),
    ])
    func validUsernames(raw: String, expected: String) throws {
        #expect(try AccountRules.username(raw) == expected)
    }

    @Test("Given bad login names, when checked, then each says what is wrong", arguments: [
        ("", StringKey.errorUsernameEmpty), ("ab", .errorUsernameLength), ("1asha", .errorUsernameCharacters),
        ("आशा", .errorUsernameCharacters), ("asha devi", .errorUsernameCharacters), (String(repeating: "a", count: 33), .errorUsernameLength),
    ])
    func invalidUsernames(raw: String, key: StringKey) {
        #expect(throws: UserMessage.self) { try AccountRules.username(raw) }
        do { _ = try AccountRules.username(raw) } catch { #expect(error.key == key) }
    }

    @Test("Given PINs, when checked, then only 4 to 6 digits that are not trivially guessed pass", arguments: [
        ("4826", nil), ("482615", nil), ("123", StringKey.errorPinLength), ("1234567", .errorPinLength),
        ("12a4", .errorPinDigits), ("", .errorPinEmpty), ("1234", .errorPinTooEasy), ("0000", .errorPinTooEasy),
        ("9876", .errorPinTooEasy), ("123456", .errorPinTooEasy), ("١٢٣٤", .errorPinDigits),
    ])
    func pins(raw: String, key: StringKey?) {
        do {
            _ = try AccountRules.pin(raw)
            #expect(key == nil)
        } catch {
            #expect(error.key == key)
        }
    }

    @Test("Given a PIN typed twice, when the second differs, then it is a mismatch")
    func confirmation() throws {
        #expect(try AccountRules.confirmedPin("4826", repeated: "4826") == "4826")
        #expect(throws: UserMessage(.errorPinMismatch)) { try AccountRules.confirmedPin("4826", repeated: "4827") }
    }

    @Test("Given full names in any script, when checked, then emoji and empty names are refused")
    func fullNames() throws {
        #expect(try AccountRules.fullName(" आशा   देवी ") == "आशा देवी")
        #expect(throws: UserMessage(.errorNoEmoji)) { try AccountRules.fullName("Asha 😀") }
        #expect(throws: UserMessage(.errorFullNameEmpty)) { try AccountRules.fullName("\n\t") }
        #expect(throws: UserMessage(.errorFullNameLength, ["max": "80"])) { try AccountRules.fullName(String(repeating: "a", count: 81)) }
    }
}

@Suite("Facility rules")
struct FacilityRulesTests {
    @Test("Given villages with repeats in other cases, when checked, then each appears once in the order given")
    func villages() throws {
        #expect(try FacilityRules.villages(["Rampur", " rampur", "सीतापुर", "Ward 4"]) == ["Rampur", "सीतापुर", "Ward 4"])
        #expect(throws: UserMessage(.errorVillageEmpty)) { try FacilityRules.villages(["Rampur", "  "]) }
    }

    @Test("Given facility ids and states, when checked, then they are normalised or refused")
    func idsAndStates() throws {
        #expect(try FacilityRules.facilityId(" in0910000123 ") == "IN0910000123")
        #expect(try FacilityRules.facilityId("") == nil)
        #expect(throws: UserMessage(.errorFacilityIdCharacters)) { try FacilityRules.facilityId("IN 09/10") }
        #expect(try FacilityRules.state("up") == .UP)
        #expect(try FacilityRules.state("") == nil)
        #expect(throws: UserMessage(.errorStateUnknown, ["code": "XX"])) { try FacilityRules.state("XX") }
        #expect(try FacilityRules.idleLockMinutes("10") == 10)
        #expect(throws: UserMessage.self) { try FacilityRules.idleLockMinutes("0") }
        #expect(throws: UserMessage.self) { try FacilityRules.idleLockMinutes("241") }
    }
}

@Suite("PIN hashing and lockout")
struct SecurityTests {
    @Test("Given a hashed PIN, when checked, then only that PIN matches and each hash has its own salt")
    func hashing() {
        let hasher = PinHasher.fastForTests
        let stored = hasher.hash("4826")
        #expect(stored.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(hasher.verify("4826", against: stored))
        #expect(!hasher.verify("4827", against: stored))
        #expect(!hasher.verify("4826", against: "pbkdf2-sha256$1000$bad$bad"))
        #expect(!hasher.verify("4826", against: ""))
        #expect(hasher.hash("4826") != stored)
        #expect(PinHasher(rounds: 2000).needsRehash(stored))
        #expect(!hasher.needsRehash(stored))
    }

    @Test("Given the production cost, when a PIN is hashed, then it uses at least swift-crypto's minimum rounds")
    func productionCost() {
        #expect(PinHasher().rounds >= 210_000)
        #expect(PinHasher().hash("4826").hasPrefix("pbkdf2-sha256$\(PinHasher.defaultRounds)$"))
    }

    @Test("Given wrong PINs in a row, when the fifth comes, then the account locks for fifteen minutes")
    func lockout() {
        let policy = LockoutPolicy.standard
        var failures = 0
        var lockedUntil: Timestamp?
        for attempt in 1...5 {
            let next = policy.afterWrongPin(previousFailures: failures, lockedUntil: lockedUntil, now: Fixtures.now)
            failures = next.failures
            lockedUntil = next.lockedUntil
            #expect((lockedUntil != nil) == (attempt == 5))
        }
        #expect(lockedUntil == Fixtures.now.adding(seconds: 900))
        #expect(policy.isLocked(until: lockedUntil, now: Fixtures.now.adding(seconds: 899)))
        #expect(!policy.isLocked(until: lockedUntil, now: Fixtures.now.adding(seconds: 900)))
        // After the lock has run out, a new series of five starts.
        #expect(policy.countingFailures(failures, lockedUntil: lockedUntil, now: Fixtures.now.adding(seconds: 901)) == 0)
        #expect(policy.triesLeft(afterFailures: 3) == 2)
    }

    @Test("Given accounts in several states, when their status is asked, then disabled comes first, then locked, then a PIN to change")
    func accountStatus() {
        var account = Account(id: "a", username: "asha", fullName: "आशा देवी", role: .worker, mustChangePin: true,
                              lockedUntil: Fixtures.now.adding(seconds: 60), createdAt: Fixtures.now, updatedAt: Fixtures.now)
        #expect(account.status(now: Fixtures.now, lockout: .standard) == .locked(until: Fixtures.now.adding(seconds: 60)))
        #expect(account.status(now: Fixtures.now.adding(seconds: 61), lockout: .standard) == .mustChangePin)
        account.isActive = false
        #expect(account.status(now: Fixtures.now, lockout: .standard) == .disabled)
        #expect(AccountStatus.locked(until: Fixtures.now).text(Fixtures.strings) { _ in "09:30" } == "locked 09:30")
    }

    @Test("Given a lock that ends a day ahead (clock was wrong), when checked, then it is not honoured")
    func absurdLock() {
        #expect(!LockoutPolicy.standard.isLocked(until: Fixtures.now.adding(seconds: 86_400), now: Fixtures.now))
    }
}

@Suite("Clock check")
struct ClockCheckTests {
    let build = CivilDate(year: 2026, month: 11, day: 22)!

    @Test("Given a clock before the build date, when checked, then it warns; a day of time-zone slack is allowed")
    func beforeBuild() {
        #expect(ClockCheck.evaluate(now: Timestamp(iso8601: "2020-01-01T00:00:00Z")!, buildDate: build, newestRecord: nil)
                == .beforeBuildDate(build))
        #expect(ClockCheck.evaluate(now: Timestamp(iso8601: "2026-11-21T12:00:00Z")!, buildDate: build, newestRecord: nil) == nil)
    }

    @Test("Given a clock earlier than the newest record, when checked, then it warns beyond five minutes of drift")
    func beforeRecords() {
        let newest = Timestamp(iso8601: "2026-12-01T10:00:00Z")!
        #expect(ClockCheck.evaluate(now: Timestamp(iso8601: "2026-12-01T09:00:00Z")!, buildDate: build, newestRecord: newest)
                == .beforeNewestRecord(newest))
        #expect(ClockCheck.evaluate(now: Timestamp(iso8601: "2026-12-01T09:56:00Z")!, buildDate: build, newestRecord: newest) == nil)
        #expect(ClockCheck.buildDate != nil)
    }
}

@Suite("Audit chain")
struct AuditChainTests {
    @Test("Given two entries that differ in one field, when linked, then their hashes differ")
    func linking() {
        let entry = AuditChain.Entry(at: "2026-11-22T09:30:00.000Z", actor: "priya", action: "account.create",
                                     recordType: "account", recordId: "x", detail: nil)
        let link = AuditChain.link(previous: AuditChain.genesis, entry: entry)
        #expect(link.count == 64)
        #expect(link == AuditChain.link(previous: AuditChain.genesis, entry: entry))
        let other = AuditChain.Entry(at: entry.at, actor: "asha", action: entry.action, recordType: entry.recordType,
                                     recordId: entry.recordId, detail: nil)
        #expect(link != AuditChain.link(previous: AuditChain.genesis, entry: other))
        let emptyDetail = AuditChain.Entry(at: entry.at, actor: entry.actor, action: entry.action,
                                           recordType: entry.recordType, recordId: entry.recordId, detail: "")
        #expect(link != AuditChain.link(previous: AuditChain.genesis, entry: emptyDetail))
    }
}
