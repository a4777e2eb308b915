import Foundation
import PostgresNIO

/// Where a hub's PostgreSQL database is, read from a libpq-style URL:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`, or a Unix socket as
/// libpq names one, `postgres://USER@/DATABASE?host=/var/run/postgresql[&port=5432]` (the socket file is
/// `.s.PGSQL.PORT` in that folder). The password is never printed (`redacted`).
public struct PostgresLocation: Sendable, Equatable {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The socket file itself.
        case socket(path: String)
    }
    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    public let endpoint: Endpoint
    public let user: String
    public let password: String?
    public let database: String
    public let tls: TLSMode

    public init(endpoint: Endpoint, user: String, password: String?, database: String, tls: TLSMode) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Reads a URL, or says what is wrong with it (never echoing the password).
    public init(url text: String) throws(HubError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql" else {
            throw HubError.invalid("a PostgreSQL URL looks like postgres://USER:PASSWORD@HOST:5432/DATABASE")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let port: Int
        if let given = components.port ?? query["port"].flatMap(Int.init) {
            guard (1...65535).contains(given) else { throw HubError.invalid("the PostgreSQL port must be from 1 to 65535") }
            port = given
        } else {
            port = 5432
        }
        let tls: TLSMode
        if let mode = query["sslmode"] {
            switch mode {
            case "disable", "allow": tls = .disable
            case "prefer": tls = .prefer
            case "require", "verify-ca", "verify-full": tls = .require
            default: throw HubError.invalid("sslmode=\(mode): expected disable, prefer or require")
            }
        } else {
            tls = .prefer
        }
        let host = components.percentEncodedHost.flatMap { $0.removingPercentEncoding } ?? ""
        if let folder = query["host"], folder.hasPrefix("/") {
            endpoint = .socket(path: folder.hasSuffix("/") ? "\(folder).s.PGSQL.\(port)" : "\(folder)/.s.PGSQL.\(port)")
        } else if !host.isEmpty {
            endpoint = .tcp(host: host, port: port)
        } else if let named = query["host"], !named.isEmpty {
            endpoint = .tcp(host: named, port: port)
        } else {
            endpoint = .socket(path: "/var/run/postgresql/.s.PGSQL.\(port)")
        }
        let name = String(components.path.drop(while: { $0 == "/" }))
        user = components.user ?? query["user"] ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        password = components.password ?? query["password"]
        database = name.isEmpty ? user : name
        // Over a Unix socket there is nothing to encrypt.
        if case .socket = endpoint { self.tls = .disable } else { self.tls = tls }
    }

    /// The URL without its password, for messages and logs.
    public var redacted: String {
        switch endpoint {
        case .tcp(let host, let port): return "postgres://\(user)@\(host):\(port)/\(database)"
        case .socket(let path): return "postgres://\(user)@/\(database)?socket=\(path)"
        }
    }

    /// One connection of its own, outside the pool: the pool waits out a server that refuses it, where a
    /// command at start should say at once what is wrong (refused, no such database, wrong password).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        switch endpoint {
        case .tcp(let host, let port):
            let mode: PostgresConnection.Configuration.TLS
            switch tls {
            case .disable: mode = .disable
            case .prefer: mode = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: mode = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: mode)
        case .socket(let path):
            return PostgresConnection.Configuration(unixSocketPath: path, username: user, password: password, database: database)
        }
    }

    func clientConfiguration(poolSize: Int) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            let tlsConfiguration = TLSConfiguration.makeClientConfiguration()
            let mode: PostgresClient.Configuration.TLS
            switch tls {
            case .disable: mode = .disable
            case .prefer: mode = .prefer(tlsConfiguration)
            case .require: mode = .require(tlsConfiguration)
            }
            configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: mode)
        case .socket(let path):
            configuration = PostgresClient.Configuration(unixSocketPath: path, username: user, password: password, database: database)
        }
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}
