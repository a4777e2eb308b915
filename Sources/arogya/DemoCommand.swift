import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `arogya demo --patients N [--seed S]`: a synthetic population, for trying Arogya out and for benchmarks.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: CommandHelp.text(.helpCliDemo1),
        discussion: CommandHelp.discussion(.helpCliDemo1More))

    @OptionGroup var database: DatabaseOptions
    @ParentCommand var root: Arogya

    @Option(help: "How many patients.")
    var patients: Int

    @Option(help: "The seed: the same seed makes the same population.")
    var seed: UInt64 = 1

    @Flag(inversion: .prefixedNo, help: "Also make a screening history (screenings, follow-ups, referrals).")
    var history = true

    @Flag(name: .customLong("neighbouring-villages"), help: "Put about 15% of households in villages the facility does not serve, adding them to its list as not its own.")
    var neighbouringVillages = false

    func validate() throws {
        guard (1...10_000_000).contains(patients) else { throw ValidationError("--patients must be from 1 to 10000000") }
    }

    func run() throws {
        let environment = try CommandEnvironment.make(database, root: root)
        let store = try environment.openStore(.mustExist)
        let facility = try environment.run { () throws -> Facility in
            guard let facility = try store.facility() else { throw StoreError.refused(UserMessage(.errorNotSetUp)) }
            return facility
        }
        let now = store.clock.now()
        let population = SyntheticPopulation(count: patients, seed: seed, facilityVillages: facility.villages.map(\.name),
                                             neighbouringVillages: neighbouringVillages, today: now)
        let rules = try ProtocolChoice.facilityProtocol(environment)
        let reasonText = ScreeningReasonText(strings: environment.strings, protocol: rules)
        let synthetic = history ? SyntheticHistory(protocol: rules, seed: seed, today: LocalTime(now).date) : nil
        let before = try environment.run { try store.screeningCounts() }
        let started = Date()
        let onTerminal = isatty(STDERR_FILENO) == 1
        let bar = ProgressBar(total: patients, showsOnTerminal: onTerminal)
        let written = try environment.run {
            try store.registerInBulk(population, history: synthetic, reasonText: reasonText, by: .commandLine(unixUser: "demo")) { count in
                bar.update(count, elapsed: Date().timeIntervalSince(started))
            }
        }
        bar.finish()
        let seconds = Date().timeIntervalSince(started)
        environment.say(.cliDemoDone, ["count": String(written), "seconds": String(format: "%.1f", seconds),
                                       "rate": String(Int(Double(written) / max(seconds, 0.001)))])
        if history {
            let after = try environment.run { try store.screeningCounts() }
            environment.say(.cliDemoHistory, ["screenings": String(after.screenings - before.screenings),
                                              "follow_ups": String(after.followUps - before.followUps),
                                              "referrals": String(after.referrals - before.referrals)])
        }
        // Work out everyone's due dates now, so that the first due list is as quick as the rest.
        let careStarted = Date()
        var careBar: ProgressBar?
        _ = try environment.run {
            try store.refreshCare(protocol: rules) { done, total in
                if careBar == nil { careBar = ProgressBar(total: total, showsOnTerminal: onTerminal) }
                careBar?.update(done, elapsed: Date().timeIntervalSince(careStarted))
            }
        }
        careBar?.finish()
        environment.say(.cliDemoCare, ["seconds": String(format: "%.1f", Date().timeIntervalSince(careStarted))])
    }
}

/// `[########............]  42%  420000 of 1000000  9812/s` on standard error, redrawn in place.
final class ProgressBar {
    let total: Int
    let showsOnTerminal: Bool
    private var lastDrawn = -1

    init(total: Int, showsOnTerminal: Bool) {
        self.total = total
        self.showsOnTerminal = showsOnTerminal
    }

    func update(_ done: Int, elapsed: Double) {
        // Other processes may add work while this runs (patients to work out due dates for): never past 100%.
        let percent = total == 0 ? 100 : min(100, max(0, done * 100 / total))
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30
        let filled = width * percent / 100
        let rate = elapsed > 0 ? Int(Double(done) / elapsed) : 0
        let line = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + String(format: "%3d%%", percent) + "  \(done) of \(total)  \(rate)/s"
        FileHandle.standardError.write(Data(((showsOnTerminal ? "\r" : "") + line + (showsOnTerminal ? "" : "\n")).utf8))
    }

    func finish() {
        if showsOnTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
