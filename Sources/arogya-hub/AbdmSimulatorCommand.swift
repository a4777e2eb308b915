import ArgumentParser
import ArogyaABDMSimulator
import ArogyaCore
import Foundation
import Hummingbird
import Logging

/// `arogya-hub abdm-simulator`: a local stand-in for ABDM's gateway and ABHA APIs, for trying the ABHA
/// flows and for tests. A hub uses it only through an `--abdm-config` that points at it.
struct AbdmSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abdm-simulator",
        abstract: "Run a local ABDM simulator (NOT ABDM): the gateway session, certificate, ABHA v3 calls and HIP linking Arogya makes.",
        discussion: """
            It decrypts with its own RSA key, checks headers and Aadhaar numbers as ABDM does, prints each OTP it \
            "sends", and keeps what it creates in memory until it stops. Its client id and secret are \
            arogya-simulator / simulator-secret. Point a hub's --abdm-config at http://127.0.0.1:PORT/api/hiecm \
            (gateway_url) and http://127.0.0.1:PORT/abha/api (abha_url). With --bridge-url it answers a HIP's \
            linking requests at the hub's bridge, signed with its own key (published at /api/hiecm/gateway/v3/certs).
            """)

    @Option(help: "The address to listen on (loopback unless you mean otherwise).") var host = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 9090
    @Option(help: "The OTP every message carries.") var otp = "123456"
    @Option(help: "A fault to inject: \(SimulatorFault.allCases.map(\.rawValue).joined(separator: ", ")).")
    var fail: String?
    @Option(name: .customLong("slow-seconds"), help: "How long `--fail slow` waits before answering.") var slowSeconds = 30.0
    @Option(name: .customLong("bridge-url"), help: "The HIP's bridge, where the simulated gateway sends its answers: the hub's http://HOST:PORT.")
    var bridgeURL: String?
    @Option(name: .customLong("lose-answers"), help: "Answers at the bridge lost on purpose: \(SimulatorCallbackFault.allCases.map(\.rawValue).joined(separator: ", ")).")
    var loseAnswers: String?
    @Option(help: "A JSON file of residents [{aadhaar, first_name, last_name, gender, dob, mobile}] instead of the built-in three.")
    var people: String?

    func validate() throws {
        if let fail, SimulatorFault(rawValue: fail) == nil {
            throw ValidationError("--fail: one of \(SimulatorFault.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let loseAnswers, SimulatorCallbackFault(rawValue: loseAnswers) == nil {
            throw ValidationError("--lose-answers: one of \(SimulatorCallbackFault.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard otp.count == 6, otp.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw ValidationError("--otp: six digits") }
    }

    // Swift 6.3's optimiser crashes (signal 11, in its coroutine passes) on this function in release builds.
    @_optimize(none)
    func run() async throws {
        var settings = SimulatorSettings()
        settings.otp = otp
        settings.fault = fail.flatMap(SimulatorFault.init(rawValue:))
        settings.slowSeconds = slowSeconds
        settings.bridgeURL = bridgeURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        settings.callbackFault = loseAnswers.flatMap(SimulatorCallbackFault.init(rawValue:))
        if let people {
            do {
                let text = try String(contentsOfFile: people, encoding: .utf8)
                settings.people = try SimulatedResident.read(try JSONParser.parse(text))
            } catch {
                FileHandle.standardError.write(Data("arogya-hub abdm-simulator: \(people): \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        let simulator = try AbdmSimulator(settings: settings, announce: { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        })
        var logger = Logger(label: "abdm-simulator")
        logger.logLevel = .notice
        let app = Application(router: simulator.router(),
                              configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "abdm-simulator"),
                              onServerRunning: { channel in
                                  let bound = channel.localAddress?.port ?? port
                                  Task { await simulator.setOwnURL("http://\(host):\(bound)") }
                                  FileHandle.standardOutput.write(Data("ABDM simulator (not ABDM) on http://\(host):\(bound): gateway_url http://\(host):\(bound)/api/hiecm, abha_url http://\(host):\(bound)/abha/api\n".utf8))
                              }, logger: logger)
        try await app.runService()
    }
}
