import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya protocol …`: the screening rules, applied and checked from the command line.
struct ProtocolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol",
        abstract: CommandHelp.text(.helpCliProtocol1),
        subcommands: [Evaluate.self, Test.self, Check.self])

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliProtocol2),
            discussion: CommandHelp.discussion(.helpCliProtocol2More))

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var choice: ProtocolChoice
        @ParentCommand var root: Arogya

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let rules = try choice.resolve(environment)
            let data = FileHandle.standardInput.readDataToEndOfFile()
            let input = try environment.run { () throws -> ScreeningInput in
                let document: JSONValue
                do {
                    document = try JSONParser.parse(Array(data))
                } catch {
                    throw Failure.invalidInput("the input is not valid JSON: \(error)")
                }
                do {
                    return try ScreeningInput.read(JSONField(document), protocol: rules)
                } catch {
                    throw Failure.invalidInput("input \(error)")
                }
            }
            let decision = ScreeningEngine(protocol: rules).evaluate(input)
            print(decision.json(reasonText: ScreeningReasonText(strings: environment.strings, protocol: rules)).serialized())
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliProtocol3),
            discussion: CommandHelp.discussion(.helpCliProtocol3More))

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var choice: ProtocolChoice
        @ParentCommand var root: Arogya

        @Argument(help: ArgumentHelp("The file of cases.", valueName: "CASES.json"))
        var casesFile: String

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let rules = try choice.resolve(environment)
            let cases = try environment.run { () throws -> [ProtocolCase] in
                guard let data = FileManager.default.contents(atPath: casesFile) else {
                    throw Failure.runtime("cannot read \(casesFile)")
                }
                do {
                    return try ProtocolCase.readList(try JSONParser.parse(Array(data)))
                } catch let error as JSONParser.SyntaxError {
                    throw Failure.invalidInput("\(casesFile): \(error)")
                } catch {
                    throw Failure.invalidInput("\(casesFile): \(error)")
                }
            }
            let runner = ProtocolCaseRunner(engine: ScreeningEngine(protocol: rules),
                                            reasonText: ScreeningReasonText(strings: environment.strings, protocol: rules))
            print("protocol \(rules.id) \(rules.version) (\(rules.source))")
            var failed = 0
            for testCase in cases {
                let result = runner.run(testCase)
                if result.passed {
                    print("ok    \(result.name)")
                } else {
                    failed += 1
                    print("FAIL  \(result.name)")
                    for line in result.mismatches { print("        \(line)") }
                }
            }
            print("\(cases.count - failed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliProtocol4))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya

        @Argument(help: ArgumentHelp("Protocol files to check (default: every file under assets/protocols).", valueName: "FILE"))
        var files: [String] = []

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let protocols = try environment.run { () throws -> [ScreeningProtocol] in
                do {
                    if files.isEmpty {
                        return try ProtocolLibrary.load(from: try ProtocolChoice.assets()).protocols
                    }
                    return try files.map { path throws(ProtocolLibrary.LoadError) in try ProtocolLibrary.loadFile(path) }
                } catch let error as ProtocolLibrary.LoadError {
                    throw Failure.invalidInput(error.description)
                }
            }
            for file in protocols {
                let states = file.states.isEmpty ? "national" : file.states.joined(separator: " ")
                print("\(file.source): \(file.id) \(file.version), \(states), CBAC age version \(file.cbac.ageVersion), maximum score \(file.cbac.maximumScore)")
            }
        }
    }
}

/// Which protocol a command applies: `--protocol FILE`, else `--state CODE`, else the state of the
/// facility in the database when there is one, else the national file.
struct ProtocolChoice: ParsableArguments {
    @Option(name: .customLong("protocol"), help: ArgumentHelp("A protocol file to apply instead of the facility's.", valueName: "file"))
    var file: String?

    @Option(help: ArgumentHelp("Apply the protocol of this state or union territory (a code such as MH).", valueName: "code"))
    var state: String?

    func validate() throws {
        if let state, IndianState(rawValue: state.uppercased()) == nil {
            throw ValidationError("--state \(state) is not a state or union territory code")
        }
    }

    static func assets() throws -> AssetDirectory {
        guard let assets = AssetDirectory.locate() else {
            throw Failure.runtime("cannot find the assets folder; set AROGYA_ASSETS")
        }
        return assets
    }

    /// Every protocol file, checked; a broken one is bad input data.
    static func library() throws -> ProtocolLibrary {
        do {
            return try ProtocolLibrary.load(from: try assets())
        } catch let error as ProtocolLibrary.LoadError {
            throw Failure.invalidInput(error.description)
        }
    }

    func resolve(_ environment: CommandEnvironment) throws -> ScreeningProtocol {
        try Self.resolve(file: file, state: state, environment)
    }

    /// The facility's own protocol, for commands that act on its records.
    static func facilityProtocol(_ environment: CommandEnvironment) throws -> ScreeningProtocol {
        try resolve(file: nil, state: nil, environment)
    }

    private static func resolve(file: String?, state: String?, _ environment: CommandEnvironment) throws -> ScreeningProtocol {
        try environment.run { () throws -> ScreeningProtocol in
            do {
                if let file { return try ProtocolLibrary.loadFile(file) }
                let library = try ProtocolLibrary.load(from: try Self.assets())
                if let state { return library.protocolFor(state: state.uppercased()) }
                return library.protocolFor(state: try facilityState(environment))
            } catch let error as ProtocolLibrary.LoadError {
                // A broken protocol file is bad input data, like a broken screening.
                throw Failure.invalidInput(error.description)
            }
        }
    }

    /// The facility's state, read only when the database already exists: evaluating a screening must not
    /// create a database as a side effect.
    private static func facilityState(_ environment: CommandEnvironment) throws -> String? {
        guard FileManager.default.fileExists(atPath: environment.databasePath) else { return nil }
        let store = try AppDatabase.open(path: environment.databasePath, mode: .forReading)
        return try store.facility()?.state?.code
    }
}
