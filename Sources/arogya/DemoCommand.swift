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
        abstract: "Fill a set-up database with a synthetic but realistic population.",
        discussion: """
            Households in the facility's villages and neighbouring ones, names in Devanagari and Latin with the \
            spellings people really use, ages following India's age pyramid, mobiles, about half with ABHA \
            numbers. The same seed makes the same people. Each is registered as a worker would (audited and \
            queued for upload), without the duplicate check.
            """)

    @OptionGroup var database: DatabaseOptions
    @ParentCommand var root: Arogya

    @Option(help: "How many patients.")
    var patients: Int

    @Option(help: "The seed: the same seed makes the same population.")
    var seed: UInt64 = 1

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
        let population = SyntheticPopulation(count: patients, seed: seed, facilityVillages: facility.villages.map(\.name),
                                              today: store.clock.now())
        let started = Date()
        let bar = ProgressBar(total: patients, showsOnTerminal: isatty(STDERR_FILENO) == 1)
        let written = try environment.run {
            try store.registerInBulk(population, by: .commandLine(unixUser: "demo")) { count in
                bar.update(count, elapsed: Date().timeIntervalSince(started))
            }
        }
        bar.finish()
        let seconds = Date().timeIntervalSince(started)
        environment.say(.cliDemoDone, ["count": String(written), "seconds": String(format: "%.1f", seconds),
                                       "rate": String(Int(Double(written) / max(seconds, 0.001)))])
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
        let percent = total == 0 ? 100 : done * 100 / total
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
