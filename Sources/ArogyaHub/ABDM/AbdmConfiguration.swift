import ArogyaCore
import Foundation

/// How the hub reaches ABDM, read from `--abdm-config FILE`: a JSON object with the keys `gateway_url`,
/// `abha_url`, `client_id`, `client_secret` and `cm_id`, and optionally `gateway_certs_url`. The file holds the facility's ABDM
/// client secret, which terminals never see, so the hub refuses a file that its group or others may read.
public struct AbdmConfiguration: Sendable, Equatable {
    /// The HIE-CM gateway, e.g. `https://dev.abdm.gov.in/api/hiecm` (sandbox).
    public let gatewayURL: String
    /// The ABHA v3 APIs, e.g. `https://abhasbx.abdm.gov.in/abha/api` (sandbox).
    public let abhaURL: String
    public let clientId: String
    public let clientSecret: String
    /// `sbx` for the sandbox, `abdm` for production: sent as `X-CM-ID`.
    public let cmId: String
    /// Where the gateway publishes the keys it signs its requests to the bridge with (a JWKS). ABDM's exact
    /// path is unconfirmed (abdm.md §5.1 names none): `{gateway_url}/gateway/v3/certs` unless set.
    public let gatewayCertsURL: String

    public static let keys = ["gateway_url", "abha_url", "client_id", "client_secret", "cm_id"]
    public static let optionalKeys = ["gateway_certs_url"]
    public static let cmIds = ["sbx", "abdm"]

    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(gatewayURL: String, abhaURL: String, clientId: String, clientSecret: String, cmId: String, gatewayCertsURL: String? = nil) {
        self.gatewayCertsURL = gatewayCertsURL.map(Self.trimmed) ?? Self.trimmed(gatewayURL) + "/gateway/v3/certs"
        self.gatewayURL = Self.trimmed(gatewayURL)
        self.abhaURL = Self.trimmed(abhaURL)
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.cmId = cmId
    }

    /// Reads and checks the file; every refusal names the file and what to do.
    public static func load(path: String) throws(Problem) -> AbdmConfiguration {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Problem(description: "\(path): cannot be read (\(String(cString: strerror(errno))))")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw Problem(description: "\(path) can be read by group or others (mode \(String(mode, radix: 8).leftPadded(to: 4))): "
                + "it holds ABDM's client secret; run chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "\(path): cannot be read")
        }
        let document: JSONValue
        do { document = try JSONParser.parse(Array(data)) } catch {
            throw Problem(description: "\(path): not JSON: \(error)")
        }
        return try read(document, path: path)
    }

    static func read(_ document: JSONValue, path: String) throws(Problem) -> AbdmConfiguration {
        guard case .object(let members) = document else { throw Problem(description: "\(path): expected a JSON object") }
        for member in members where !keys.contains(member.key) && !optionalKeys.contains(member.key) {
            throw Problem(description: "\(path): unknown key \"\(member.key)\" (the keys are \((keys + optionalKeys).joined(separator: ", ")))")
        }
        var certsURL: String?
        if let value = document["gateway_certs_url"] {
            guard case .string(let text) = value, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw Problem(description: "\(path): \"gateway_certs_url\" must be an address")
            }
            certsURL = text.trimmingCharacters(in: .whitespaces)
        }
        var values: [String: String] = [:]
        for key in keys {
            guard case .string(let value)? = document[key], !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw Problem(description: "\(path): \"\(key)\" is missing or empty (the keys are \(keys.joined(separator: ", ")))")
            }
            values[key] = value.trimmingCharacters(in: .whitespaces)
        }
        let configuration = AbdmConfiguration(gatewayURL: values["gateway_url"]!, abhaURL: values["abha_url"]!,
                                              clientId: values["client_id"]!, clientSecret: values["client_secret"]!, cmId: values["cm_id"]!,
                                              gatewayCertsURL: certsURL)
        guard cmIds.contains(configuration.cmId) else {
            throw Problem(description: "\(path): cm_id is \"\(configuration.cmId)\"; it is sbx (the sandbox) or abdm (production)")
        }
        for (key, address) in [("gateway_url", configuration.gatewayURL), ("abha_url", configuration.abhaURL),
                               ("gateway_certs_url", configuration.gatewayCertsURL)] {
            guard let url = URL(string: address), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
                throw Problem(description: "\(path): \(key) \"\(address)\" is not an address")
            }
            // The client secret and patients' encrypted identifiers travel to these: in clear only to this machine
            // (the local simulator).
            guard scheme == "https" || (scheme == "http" && Loopback.isLoopback(host: host)) else {
                throw Problem(description: "\(path): \(key) must be https:// (plain http only to this machine, for the ABDM simulator)")
            }
        }
        return configuration
    }

    static func trimmed(_ address: String) -> String {
        var text = address
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
