@testable import ArogyaStore
import ArogyaCore
import ArogyaTesting
import GRDB
import Testing

@Suite("Accounts in the store")
struct AccountStoreTests {
    @Test("Given a supervisor, when she adds a worker, then the worker must change her PIN and the change is audited and queued")
    func addWorker() throws {
        let store = try Fixtures.setUpStore()
        let ravi = try store.addAccount(NewAccount(username: "ravi", fullName: "Ravi Kumar", role: .worker, pin: "5531"),
                                        mustChangePin: true, by: .account("priya"))
        #expect(ravi.mustChangePin && ravi.isActive && ravi.version == 1)
        let audit = try #require(try store.recentAudit(limit: 1).first)
        #expect(audit.action == "account.create" && audit.actor == "priya" && audit.recordId == ravi.id)
        #expect(audit.detail?.contains("Ravi Kumar") == true)
        let (queued, hash) = try store.writer.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM sync_outbox WHERE record_id = ?", arguments: [ravi.id]),
             try String.fetchOne(db, sql: "SELECT pin_hash FROM account WHERE id = ?", arguments: [ravi.id]))
        }
        #expect(queued == 1)
        #expect(hash?.contains("5531") == false)
    }

    @Test("Given an existing login name in another case, when added again, then it is refused")
    func duplicate() throws {
        let store = try Fixtures.setUpStore()
        #expect(throws: StoreError.refused(UserMessage(.errorUsernameTaken, ["username": "asha"]))) {
            try store.addAccount(NewAccount(username: "asha", fullName: "Another Asha", role: .worker, pin: "5531"),
                                 mustChangePin: true, by: .account("priya"))
        }
    }

    @Test("Given a worker, when she tries to add an account, then only a supervisor may")
    func workerCannotManage() throws {
        let store = try Fixtures.setUpStore()
        #expect(throws: StoreError.refused(UserMessage(.errorSupervisorOnly))) {
            try store.addAccount(NewAccount(username: "ravi", fullName: "Ravi", role: .supervisor, pin: "5531"),
                                 mustChangePin: true, by: .account("asha"))
        }
        #expect(throws: StoreError.refused(UserMessage(.errorSupervisorOnly))) {
            try store.resetPin(username: "priya", newPin: "5531", by: .account("asha"))
        }
    }

    @Test("Given the only supervisor, when disabled, then it is refused; with a second supervisor it is allowed")
    func lastSupervisor() throws {
        let store = try Fixtures.setUpStore()
        #expect(throws: StoreError.refused(UserMessage(.errorLastSupervisor))) {
            try store.setAccountActive(username: "priya", active: false, by: .commandLine(unixUser: "root"))
        }
        #expect(throws: StoreError.refused(UserMessage(.errorCannotDisableSelf))) {
            try store.setAccountActive(username: "priya", active: false, by: .account("priya"))
        }
        try store.addAccount(NewAccount(username: "meena", fullName: "Dr Meena", role: .supervisor, pin: "5531"),
                             mustChangePin: false, by: .account("priya"))
        let disabled = try store.setAccountActive(username: "priya", active: false, by: .account("meena"))
        #expect(!disabled.isActive && disabled.version == 2)
        #expect(try store.attemptLogin(username: "priya", pin: Fixtures.supervisorPin) == .disabled)
        let enabled = try store.setAccountActive(username: "priya", active: true, by: .account("meena"))
        #expect(enabled.isActive && enabled.version == 3)
        // Three accounts wait, each once: priya at her third version.
        #expect(try store.pendingUploadCountsByType()["account"] == 3)
        #expect(try store.waitingVersions("account")[disabled.id] == [3])
    }

    @Test("Given five wrong PINs, when the right one follows, then the account stays locked until fifteen minutes pass")
    func lockout() throws {
        let clock = Fixtures.SteppedClock()
        let store = try Fixtures.setUpStore(clock: clock.wallClock)
        for triesLeft in [4, 3, 2, 1] {
            #expect(try store.attemptLogin(username: "asha", pin: "0001") == .wrongPin(triesLeft: triesLeft))
        }
        let until = Fixtures.now.adding(seconds: 900)
        #expect(try store.attemptLogin(username: "asha", pin: "0001") == .locked(until: until))
        #expect(try store.attemptLogin(username: "asha", pin: Fixtures.workerPin) == .locked(until: until))
        clock.advance(seconds: 899)
        #expect(try store.attemptLogin(username: "asha", pin: Fixtures.workerPin) == .locked(until: until))
        clock.advance(seconds: 1)
        guard case .signedIn(let account) = try store.attemptLogin(username: "asha", pin: Fixtures.workerPin) else {
            Issue.record("not signed in after the lock ended"); return
        }
        #expect(account.failedPinCount == 0 && account.lockedUntil == nil)
        #expect(account.lastLoginAt == Fixtures.now.adding(seconds: 900))
        let actions = try store.recentAudit(limit: 8).map(\.action)
        #expect(actions.contains("login.lockout") && actions.contains("login.failure") && actions.first == "login.success")
    }

    @Test("Given a right PIN after some wrong ones, when signed in, then the count starts again")
    func successResets() throws {
        let store = try Fixtures.setUpStore()
        _ = try store.attemptLogin(username: "asha", pin: "0001")
        _ = try store.attemptLogin(username: "asha", pin: "0001")
        _ = try store.attemptLogin(username: "asha", pin: Fixtures.workerPin)
        #expect(try store.attemptLogin(username: "asha", pin: "0001") == .wrongPin(triesLeft: 4))
        #expect(try store.attemptLogin(username: "nobody", pin: "0001") == .unknownAccount)
    }

    @Test("Given a locked account, when a supervisor resets the PIN, then the lock is lifted and the owner must change it")
    func resetPin() throws {
        let store = try Fixtures.setUpStore()
        for _ in 1...5 { _ = try store.attemptLogin(username: "asha", pin: "0001") }
        try store.resetPin(username: "asha", newPin: "2468", by: .account("priya"))
        guard case .signedIn(let account) = try store.attemptLogin(username: "asha", pin: "2468") else {
            Issue.record("reset PIN did not sign in"); return
        }
        #expect(account.mustChangePin)
        #expect(throws: StoreError.refused(UserMessage(.errorPinSameAsOld))) {
            try store.changeOwnPin(accountId: account.id, newPin: "2468")
        }
        try store.changeOwnPin(accountId: account.id, newPin: "3517")
        #expect(try store.account(username: "asha")?.mustChangePin == false)
        #expect(try store.attemptLogin(username: "asha", pin: "3517") != .wrongPin(triesLeft: 4))
    }

    @Test("Given a hash made with fewer rounds, when the owner signs in, then it is replaced with the current cost")
    func rehash() throws {
        let store = try AppDatabase.inMemory(pinHasher: PinHasher(rounds: 1_000))
        try store.completeSetup(Fixtures.standardSetup, by: .system)
        let stronger = try AppDatabase(writer: store.writer, file: nil, path: ":memory:", clock: .fixed(Fixtures.now),
                                       pinHasher: PinHasher(rounds: 2_000), lockout: .standard)
        _ = try stronger.attemptLogin(username: "priya", pin: Fixtures.supervisorPin)
        let hash = try store.writer.read { db in try String.fetchOne(db, sql: "SELECT pin_hash FROM account WHERE username = 'priya'") }
        #expect(hash?.hasPrefix("pbkdf2-sha256$2000$") == true)
    }
}
