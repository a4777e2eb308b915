import ArgumentParser
import ArogyaCore
import Foundation

/// `arogya-bench engine`: how many screenings the protocol engine judges a second on one core.
///
/// The screenings are varied as a clinic's are (the demo's history generator makes them: normal and raised
/// readings, symptoms, exams, known cases), made before the clock starts, and judged on this one thread.
struct EngineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Screenings judged per second on one core: decisions alone, with reasons worded, and as evaluate's JSON.")

    @Option(help: "Screenings to judge in each pass.")
    var screenings = 200_000

    @Option(help: "Timed passes; the best is reported, as the least disturbed by the rest of the machine.")
    var passes = 5

    @Option(help: "The seed for making the screenings.")
    var seed: UInt64 = 11

    func run() throws {
        guard let assets = AssetDirectory.locate() else { throw ValidationError("cannot find the assets folder; set AROGYA_ASSETS") }
        let library: ProtocolLibrary
        do { library = try ProtocolLibrary.load(from: assets) } catch { throw ValidationError("\(error)") }
        let rules = library.protocolFor(state: nil)
        let strings = try StringTable.load(from: assets)
        let engine = ScreeningEngine(protocol: rules)
        let text = ScreeningReasonText(strings: strings, protocol: rules)
        let inputs = Self.makeInputs(count: screenings, seed: seed, rules: rules)
        let referring = inputs.filter { engine.evaluate($0).refer }.count
        print("protocol \(rules.id) \(rules.version); \(inputs.count) screenings, \(referring * 100 / max(1, inputs.count))% with a referral")

        func measure(_ label: String, _ body: (ScreeningInput) -> Int) {
            var best = Double.infinity
            var sink = 0
            for _ in 0..<passes {
                let start = DispatchTime.now().uptimeNanoseconds
                for input in inputs { sink &+= body(input) }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            let rate = Double(inputs.count) / best
            let nanoseconds = best * 1e9 / Double(inputs.count)
            // Printing depends on every result, so the optimiser cannot skip the work.
            print("\(DisplayWidth.pad(label, to: 28)) \(Int(rate)) a second, \(Int(nanoseconds)) ns each" + (sink == 42 ? " " : ""))
        }
        measure("decisions") { engine.evaluate($0).reasons.count }
        measure("decisions + reasons worded") { text.sentences(engine.evaluate($0)).count }
        measure("decisions + evaluate JSON") { engine.evaluate($0).json(reasonText: text).serialized(pretty: false).utf8.count }
    }

    /// Screenings of people aged 30 to 80, every one screened (the history generator's share set to all).
    static func makeInputs(count: Int, seed: UInt64, rules: ScreeningProtocol) -> [ScreeningInput] {
        let today = CivilDate(year: 2026, month: 11, day: 22)!
        var history = SyntheticHistory(protocol: rules, seed: seed, today: today, screenedShare: 1)
        var random = SeededRandom(seed: seed)
        var inputs: [ScreeningInput] = []
        inputs.reserveCapacity(count)
        while inputs.count < count {
            let birth = today.adding(days: -(random.int(in: 30...80) * 365 + random.int(in: 0...364)))
            let sex: Sex = random.chance(0.5) ? .female : .male
            for visit in history.visits(birthDate: birth, sex: sex, registeredOn: today.adding(days: -800)) where inputs.count < count {
                inputs.append(visit.input)
            }
        }
        return inputs
    }
}
