import ArgumentParser
import ArogyaCore
import ArogyaHub
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging

@main
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arogya-hub",
        abstract: "The facility's sync server: terminals upload to it, and it serves their records as FHIR.",
        version: ArogyaVersion.current,
        subcommands: [Serve.self, Migrate.self, Backup.self, Copy.self, Facilities.self, Devices.self, Stats.self, Conflicts.self, Duplicates.self, Report.self, AbdmCommand.self, FideliusCommand.self, AbdmSimulatorCommand.self]
    )
}

/// Which store: PostgreSQL when `--postgres URL` or `AROGYA_HUB_POSTGRES` names one, else the SQLite file
/// `--db PATH`, else `AROGYA_HUB_DB`, else `$XDG_DATA_HOME/arogya-hub/hub.sqlite`, else `~/.local/share/...`.
/// A flag given on the command line wins over the environment.
struct HubDatabaseOption: ParsableArguments {
    @Option(name: .customLong("db"), help: "The hub database file (default: $AROGYA_HUB_DB, else $XDG_DATA_HOME/arogya-hub/hub.sqlite, else ~/.local/share/arogya-hub/hub.sqlite).")
    var path: String?
    @Option(name: .customLong("postgres"), help: ArgumentHelp("A PostgreSQL database instead of the SQLite file (default: $AROGYA_HUB_POSTGRES).",
                                                              valueName: "postgres://USER:PASSWORD@HOST:5432/DATABASE"))
    var postgres: String?
    @Option(name: .customLong("pool-size"), help: "The most connections to PostgreSQL this process opens.")
    var poolSize = 8

    func validate() throws {
        if path != nil && postgres != nil { throw ValidationError("--db and --postgres name two stores: give one") }
        guard (1...500).contains(poolSize) else { throw ValidationError("--pool-size must be from 1 to 500") }
    }

    /// The PostgreSQL URL in force, if any: `--postgres`, else `AROGYA_HUB_POSTGRES` unless `--db` was given.
    var postgresURL: String? {
        if let postgres, !postgres.isEmpty { return postgres }
        if path != nil { return nil }
        if let fromEnvironment = ProcessInfo.processInfo.environment["AROGYA_HUB_POSTGRES"], !fromEnvironment.isEmpty { return fromEnvironment }
        return nil
    }

    var resolved: String {
        let environment = ProcessInfo.processInfo.environment
        if let path, !path.isEmpty { return path }
        if let fromEnvironment = environment["AROGYA_HUB_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        if let dataHome = environment["XDG_DATA_HOME"], dataHome.hasPrefix("/") { return dataHome + "/arogya-hub/hub.sqlite" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/arogya-hub/hub.sqlite"
    }

    /// Where the data is, for logs (a PostgreSQL URL without its password).
    var described: String {
        guard let url = postgresURL else { return resolved }
        return (try? PostgresLocation(url: url).redacted) ?? "PostgreSQL"
    }

    /// The store, checked: a SQLite file is created and brought up to date; a PostgreSQL database must be
    /// reachable and migrated (`arogya-hub migrate`), and neither may come from a newer version.
    func open() async throws -> any HubStorage {
        if let url = postgresURL { return try await Self.openCheckedPostgres(url, poolSize: poolSize) }
        return try openSQLite()
    }

    /// A PostgreSQL store that answers and whose schema is this version's.
    static func openCheckedPostgres(_ url: String, poolSize: Int) async throws -> PostgresHubStore {
        let store = try openPostgres(url, poolSize: poolSize)
        do {
            try await store.checkSchema()
        } catch let error as HubError {
            throw error
        } catch {
            throw HubFailure("cannot use the PostgreSQL database \(store.location.redacted): \(PostgresFailure.describe(error))")
        }
        return store
    }

    static func openPostgres(_ url: String, poolSize: Int) throws -> PostgresHubStore {
        do {
            return try PostgresHubStore(location: PostgresLocation(url: url), poolSize: poolSize)
        } catch let error as HubError {
            throw HubFailure("--postgres: \(error)")
        }
    }

    func openSQLite() throws -> HubDatabase {
        do {
            return try HubDatabase(path: resolved)
        } catch let error as HubError {
            throw error
        } catch {
            throw HubFailure("cannot open the hub database \(resolved): \(error)")
        }
    }
}

/// A failure printed as one line on standard error, with exit 1.
struct HubFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func runReportingFailure(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as HubError {
        FileHandle.standardError.write(Data("arogya-hub: \(error)\n".utf8))
        throw ExitCode(1)
    } catch let error as HubFailure {
        FileHandle.standardError.write(Data("arogya-hub: \(error)\n".utf8))
        throw ExitCode(1)
    } catch let error as ExitCode {
        throw error
    } catch {
        // PostgreSQL's own words (PostgresNIO keeps them out of its errors' descriptions).
        FileHandle.standardError.write(Data("arogya-hub: \(PostgresFailure.describe(error))\n".utf8))
        throw ExitCode(1)
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring the hub database's tables up to this version.",
        discussion: """
            PostgreSQL: run once on a new database and after each upgrade, before serve (a hub refuses a database that \
            lacks a migration, or has one a newer version made); hub processes may keep serving meanwhile only if the \
            release notes say so. SQLite is brought up to date whenever it is opened; this command just does it now. \
            Exit 0; 1 when the database cannot be reached or was made by a newer version.
            """)
    @OptionGroup var database: HubDatabaseOption

    func run() async throws {
        try await runReportingFailure {
            if let url = database.postgresURL {
                let store = try HubDatabaseOption.openPostgres(url, poolSize: database.poolSize)
                let applied = try await store.migrate()
                print(applied.isEmpty ? "\(store.location.redacted): up to date" : "\(store.location.redacted): applied \(applied.joined(separator: ", "))")
            } else {
                _ = try database.openSQLite()
                print("\(database.resolved): up to date")
            }
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the sync API and FHIR documents until stopped (SIGTERM or Ctrl-C end it gracefully).")
    @OptionGroup var database: HubDatabaseOption
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8080
    @Option(name: .customLong("tls-cert"), help: "A PEM certificate chain: serve HTTPS with it.") var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.") var tlsKey: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel = "info"
    @Option(name: .customLong("header-timeout"), help: "Seconds a client has to send a request's headers.") var headerTimeout = 10
    @Option(name: .customLong("body-timeout"), help: "Seconds a client has to send a request's body after its headers.") var bodyTimeout = 60
    @Option(name: .customLong("idle-timeout"), help: "Seconds a kept-alive connection may wait with no request.") var idleTimeout = 60
    @Option(name: .customLong("abdm-config"), help: "A JSON file (mode 600) with gateway_url, abha_url, client_id, client_secret and cm_id: serve the ABHA routes with it, and be the facilities' ABDM HIP.")
    var abdmConfig: String?
    @Option(name: .customLong("sms-command"), help: "A program that sends an SMS (AROGYA_SMS_TO and AROGYA_SMS_TEXT in its environment): how a patient linking her records from her PHR app gets her OTP.")
    var smsCommand: String?

    /// How link OTPs reach patients: the admin's SMS program; else, with ABDM on this machine (the
    /// simulator), the log; else none, and a patient's own link request is refused with why.
    func otpSender(for configuration: AbdmConfiguration, logger: Logger) -> (any HipOtpSender)? {
        if let smsCommand { return CommandOtpSender(path: smsCommand) }
        if let host = URL(string: configuration.gatewayURL)?.host, Loopback.isLoopback(host: host) { return LoggedOtpSender(logger: logger) }
        return nil
    }

    func validate() throws {
        for (name, value) in [("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout)]
        where !(1...3600).contains(value) {
            throw ValidationError("\(name) must be from 1 to 3600 seconds")
        }
    }

    func run() async throws {
        var logger = Logger(label: "arogya-hub")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let storage: any HubStorage
        do { storage = try await database.open() } catch {
            FileHandle.standardError.write(Data("arogya-hub: \(error)\n".utf8))
            throw ExitCode(1)
        }
        var gateway: AbdmGateway?
        if let abdmConfig {
            do {
                let configuration = try AbdmConfiguration.load(path: abdmConfig)
                var abdmLogger = logger
                abdmLogger[metadataKey: "part"] = "abdm"
                gateway = AbdmGateway(configuration: configuration, transport: AbdmHTTPTransport(), logger: abdmLogger)
            } catch {
                FileHandle.standardError.write(Data("arogya-hub: --abdm-config \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        // With ABDM set up the hub is its facilities' HIP: the bridge answers the gateway, and the linker links
        // uploaded screenings to patients' ABHAs, in the background, for as long as the hub serves.
        var bridge: HipBridge?
        var linking: Task<Void, Never>?
        if let gateway {
            var hipLogger = logger
            hipLogger[metadataKey: "part"] = "hip"
            let linker = HipLinker(storage: storage, gateway: gateway, logger: hipLogger)
            let verifier = GatewayTokenVerifier(certsURL: gateway.configuration.gatewayCertsURL, transport: AbdmHTTPTransport())
            let dataFlow = HipDataFlow(storage: storage, gateway: gateway, push: AbdmHTTPTransport(), logger: hipLogger)
            let userLinking = HipUserLinking(storage: storage, gateway: gateway, sender: otpSender(for: gateway.configuration, logger: hipLogger),
                                             logger: hipLogger)
            bridge = HipBridge(linker: linker, dataFlow: dataFlow, userLinking: userLinking, verifier: verifier, storage: storage, logger: hipLogger)
            linking = Task { await linker.run() }
        }
        defer { linking?.cancel() }
        let router = HubRoutes.router(storage: storage, abdm: gateway, hip: bridge)
        let configuration = ApplicationConfiguration(address: .hostname(host, port: port), serverName: "arogya-hub")
        let server: HTTPServerBuilder
        let http = HubServer.http1(timeouts: HubTimeouts(headers: .seconds(Int64(headerTimeout)), body: .seconds(Int64(bodyTimeout)),
                                                         idle: .seconds(Int64(idleTimeout))))
        switch (tlsCertificate, tlsKey) {
        case (nil, nil):
            server = http
        case (let certificate?, let key?):
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(certificate)
                let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
                let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
                server = try HTTPServerBuilder.tls(http, tlsConfiguration: tls)
            } catch {
                FileHandle.standardError.write(Data("arogya-hub: cannot use the certificate or key: \(error)\n".utf8))
                throw ExitCode(1)
            }
        default:
            FileHandle.standardError.write(Data("arogya-hub: --tls-cert and --tls-key go together\n".utf8))
            throw ExitCode(64)
        }
        let scheme = tlsCertificate == nil ? "http" : "https"
        let runningLogger = logger
        let app = Application(router: router, server: server, configuration: configuration,
                              onServerRunning: { channel in
                                  runningLogger.notice("serving", metadata: ["url": "\(scheme)://\(host):\(channel.localAddress?.port ?? port)",
                                                                      "db": "\(database.described)"])
                              }, logger: logger)
        try await app.runService()
        logger.notice("stopped")
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the hub's SQLite database to a new file, safely while it serves.",
        discussion: """
            SQLite's online backup: the copy is the database as of one moment, checked (integrity_check) and flushed \
            before it takes its name; an existing file is never overwritten. PostgreSQL is backed up with its own \
            tools: pg_dump --format=custom --file=FILE DATABASE (the README has the restore). Exit 0; 1 when the copy \
            cannot be made or checked, or the store is PostgreSQL.
            """)
    @OptionGroup var database: HubDatabaseOption
    @Option(help: ArgumentHelp("The new file.", valueName: "FILE")) var to: String

    func run() async throws {
        try await runReportingFailure {
            if let url = database.postgresURL {
                let location = (try? PostgresLocation(url: url).redacted) ?? "the database"
                throw HubFailure("\(location) is PostgreSQL: back it up with pg_dump --format=custom --file=\(to) (see the README: Backups)")
            }
            let summary = try database.openSQLite().backup(to: to)
            print("backed up \(database.resolved) to \(summary.path): \(summary.records) records, \(summary.versions) versions, \(summary.bytes) bytes, integrity ok")
        }
    }
}

struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move a SQLite hub's data into PostgreSQL (a block taking over its PHCs' hubs).",
        discussion: """
            Facilities, devices (their tokens go on working), every version, conflicts, ABHA identifiers, likely duplicates \
            and the report tables. Run it again after it is cut short: it goes on where it stopped. A facility that already \
            has records in PostgreSQL is refused. At the end every count is compared facility by facility. Stop the SQLite \
            hub first (or copy again after its last upload), then point its terminals at the PostgreSQL hubs. JSON: \
            {copied_versions, resumed, matches, counts: [{what, source, target}]}. Exit 0 when every count matches; 1 \
            otherwise, or when a database cannot be used.
            """)
    @Option(name: .customLong("from-sqlite"), help: ArgumentHelp("The SQLite hub database to copy.", valueName: "PATH")) var source: String
    @Option(name: .customLong("postgres"), help: ArgumentHelp("The PostgreSQL hub database, migrated (default: $AROGYA_HUB_POSTGRES).",
                                                              valueName: "URL")) var postgres: String?
    @Option(help: "Versions a transaction.") var chunk = 2000
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (1...50_000).contains(chunk) else { throw ValidationError("--chunk must be from 1 to 50000") }
    }

    func run() async throws {
        try await runReportingFailure {
            guard let url = postgres ?? ProcessInfo.processInfo.environment["AROGYA_HUB_POSTGRES"], !url.isEmpty else {
                throw HubFailure("--postgres: name the PostgreSQL hub database (or set AROGYA_HUB_POSTGRES)")
            }
            guard FileManager.default.fileExists(atPath: source) else { throw HubFailure("--from-sqlite: no file \(source)") }
            let target = try await HubDatabaseOption.openCheckedPostgres(url, poolSize: 2)
            let sqlite = try HubDatabase(path: source)
            let report = try await HubCopy(source: sqlite, sourcePath: source, target: target, chunk: chunk).run { done, total in
                FileHandle.standardError.write(Data("copied \(done) of \(total) versions\n".utf8))
            }
            if json {
                print(JSONValue.object([
                    ("copied_versions", .integer(Int64(report.copiedVersions))), ("resumed", .bool(report.resumed)), ("matches", .bool(report.matches)),
                    ("counts", .array(report.counts.map { .object([("what", .string($0.what)), ("source", .integer(Int64($0.source))),
                                                                   ("target", .integer(Int64($0.target)))]) })),
                ]).serialized())
            } else {
                for count in report.counts {
                    print("\(count.matches ? "ok      " : "MISMATCH") \(count.what): \(count.source) in SQLite, \(count.target) in PostgreSQL")
                }
                print(report.matches ? "copied: every count matches" : "copied, but counts differ: see MISMATCH above")
            }
            if !report.matches { throw ExitCode(1) }
        }
    }
}

struct Facilities: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Facilities whose terminals sync here.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a facility (its ID is usually its HFR ID).")
        @OptionGroup var database: HubDatabaseOption
        @Argument(help: "The facility's ID.") var id: String
        @Option(help: "The facility's name.") var name: String

        func run() async throws {
            try await runReportingFailure {
                try await database.open().addFacility(id: id, name: name)
                print("added facility \(id): \(name)")
            }
        }
    }
}

struct Devices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Terminals allowed to sync.", subcommands: [Add.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a terminal to a facility, or a supervisor's device covering several, and print its token, once.",
            discussion: """
                A terminal (--role terminal, the default) has one --facility and writes its records. A supervisor's device \
                (--role supervisor) may name --facility several times: it pulls every one of them and uploads only reviews, \
                each stored with the facility of the screening it reviews; any other record from it is refused with why.
                """)
        @OptionGroup var database: HubDatabaseOption
        @Option(help: "The facility's ID (again for each facility a supervisor's device covers).") var facility: [String]
        @Option(help: "terminal or supervisor.") var role: DeviceRoleOption = .terminal
        @Option(help: "A label to recognise it by, such as the sub-centre's name.") var label: String?

        enum DeviceRoleOption: String, ExpressibleByArgument, CaseIterable {
            case terminal, supervisor
            var role: DeviceRole { self == .terminal ? .terminal : .supervisor }
        }

        func run() async throws {
            try await runReportingFailure {
                let (device, token) = try await database.open().addDevice(facilities: facility, role: role.role, label: label)
                print("device \(device.id) added to \(device.facilities.joined(separator: ", "))\(device.role == .supervisor ? " (supervisor: reviews only)" : "")")
                print("token (shown once; the hub keeps only its hash): \(token)")
                print("on the terminal: arogya hub connect URL --token \(token)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cut a terminal off at once (a stolen or retired one).")
        @OptionGroup var database: HubDatabaseOption
        @Argument(help: "The device's ID.") var device: String

        func run() async throws {
            try await runReportingFailure {
                try await database.open().revokeDevice(device)
                print("device \(device) revoked: its token no longer works")
            }
        }
    }
}

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Records by type and facility, and each device's last sync.")
    @OptionGroup var database: HubDatabaseOption
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runReportingFailure {
            let stats = try await database.open().stats()
            if json {
                print(HubReports.statsJSON(stats).serialized())
            } else {
                print(HubReports.statsText(stats), terminator: "")
            }
        }
    }
}

struct Conflicts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Records two devices changed from the same version: both versions are kept.")
    @OptionGroup var database: HubDatabaseOption
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runReportingFailure {
            print(HubReports.list(try await database.open().conflicts(), asJSON: json, json: HubReports.conflictJSON,
                                  text: HubReports.conflictText, none: "no conflicts"))
        }
    }
}

struct Duplicates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Patients registered twice with the same ABHA number or address, for a supervisor to merge.")
    @OptionGroup var database: HubDatabaseOption
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runReportingFailure {
            print(HubReports.list(try await database.open().duplicates(), asJSON: json, json: HubReports.duplicateJSON,
                                  text: HubReports.duplicateText, none: "no likely duplicates"))
        }
    }
}
