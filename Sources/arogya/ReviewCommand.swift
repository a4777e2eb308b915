import ArgumentParser
import ArogyaCore
import ArogyaStore
import Foundation

/// `arogya review`: what a supervisor reviews each day.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: CommandHelp.text(.helpCliReview1),
        subcommands: [Daily.self, Mark.self])

    /// Which rows of the register to keep.
    enum Only: String, ExpressibleByArgument, CaseIterable {
        case urgent, referred, unreviewed
        case sentBack = "sent-back"
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, json
    }

    struct Daily: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliReview2),
            discussion: CommandHelp.discussion(.helpCliReview2More))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @Option(help: ArgumentHelp("The day (default today).", valueName: "YYYY-MM-DD")) var date: String?
        @Option(help: ArgumentHelp("Only the visits this worker saved.", valueName: "LOGIN")) var worker: String?
        @Option(help: "Only: urgent, referred, unreviewed or sent-back.") var only: Only?
        @Option(help: "text, csv or json.") var format: Format = .text

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.forReading)
            let rules = try ProtocolChoice.facilityProtocol(environment)
            let today = LocalTime(store.clock.now()).date
            let day: CivilDate
            if let date {
                guard let parsed = CivilDate(iso8601: date) else { try CommandEnvironment.fail(code: 2, "arogya: --date: expected YYYY-MM-DD") }
                day = parsed
            } else {
                day = today
            }
            let entries = try environment.run { try store.dailyRegister(day: day, worker: worker) }.filter { entry in
                switch only {
                case nil: true
                case .urgent?: entry.screening.urgent
                case .referred?: entry.screening.refer
                // A comment alone decides nothing: the visit is still to be reviewed.
                case .unreviewed?: entry.review.state == nil
                case .sentBack?: entry.review.state == .sentBack
                }
            }
            let rows = entries.map { RegisterRow($0, placeNames: $0.places.map { rules.placeName($0, language: environment.strings.language) }) }
            switch format {
            case .json: print(JSONValue.array(rows.map(\.json)).serialized())
            case .csv: print(CSV.document(header: RegisterRow.csvHeader, rows: rows.map(\.csvFields)), terminator: "")
            case .text:
                let referred = entries.filter { $0.screening.refer }.count
                let urgent = entries.filter { $0.screening.urgent }.count
                let followUps = entries.filter { $0.screening.kind == .followUp }.count
                environment.say(.cliRegisterTotals, ["date": day.iso8601, "visits": String(entries.count), "screenings": String(entries.count - followUps),
                                                     "follow_ups": String(followUps), "referred": String(referred), "urgent": String(urgent)])
                for row in rows { print(row.textLine) }
            }
        }
    }
}

extension ReviewCommand {
    /// `arogya review mark`: a supervisor's review of one screening, proven by her PIN.
    struct Mark: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CommandHelp.text(.helpCliReview3),
            discussion: CommandHelp.discussion(.helpCliReview3More))

        @OptionGroup var database: DatabaseOptions
        @ParentCommand var root: Arogya
        @OptionGroup var actorOptions: ActorOptions
        @Argument(help: ArgumentHelp("The screening's id (screening_id in `review daily`).", valueName: "screening-id")) var screeningId: String
        @Flag(help: "Found right.") var reviewed = false
        @Option(name: .customLong("send-back"), help: ArgumentHelp("Send it back for correction, saying why.", valueName: "reason"))
        var sendBack: String?
        @Option(help: ArgumentHelp("A comment, alone or with the review.", valueName: "text")) var comment: String?
        @Flag(help: "Print JSON: {review_id, screening_id, action, state}.") var json = false

        func validate() throws {
            if reviewed && sendBack != nil { throw ValidationError("Give --reviewed or --send-back, not both.") }
            if !reviewed && sendBack == nil && comment == nil { throw ValidationError("Give --reviewed, --send-back REASON or --comment TEXT.") }
        }

        func run() throws {
            let environment = try CommandEnvironment.make(database, root: root)
            let store = try environment.openStore(.mustExist)
            guard actorOptions.account != nil else { try CommandEnvironment.fail(code: 2, "arogya: " + environment.strings[.cliReviewAsNeeded]) }
            let action: ReviewAction = reviewed ? .reviewed : (sendBack != nil ? .sentBack : .comment)
            // The texts are judged before the PIN is asked for, so a typo costs no sign-in attempt.
            do {
                try ReviewRules.check(action: action, reason: try sendBack.flatMap(ReviewRules.text), comment: try comment.flatMap(ReviewRules.text))
            } catch {
                try CommandEnvironment.fail(code: 2, "arogya: " + environment.strings.text(error))
            }
            let actor = try environment.actor(actorOptions, store: store, supervisorOnly: true)
            let review = try environment.run {
                try store.reviewScreening(screeningId, action: action, reason: sendBack, comment: comment, by: actor)
            }
            let state = try environment.run { try store.reviewHistory(screeningId: review.screeningId).state }
            if json {
                print(JSONValue.object([
                    ("review_id", .string(review.id)), ("screening_id", .string(review.screeningId)),
                    ("action", .string(review.action.rawValue)), ("state", state.map { .string($0.rawValue) } ?? .null),
                ]).serialized())
            } else {
                environment.say(.cliReviewSaved, ["screening": review.screeningId, "state": state?.rawValue ?? review.action.rawValue])
            }
        }
    }
}

