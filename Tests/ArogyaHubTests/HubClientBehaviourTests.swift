import ArogyaCore
import ArogyaHub
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The hub under slow and odd clients: half-sent headers, a dripping body, other content types, the
/// Bearer scheme in any case.
@Suite("The hub and odd clients")
struct HubClientBehaviourTests {
    @Test("Given the Bearer scheme in another case or with more spaces, when a device calls, then it is let in; another scheme is not")
    func bearerInAnyCase() async throws {
        let storage = try HubDatabase(path: ":memory:", clock: HubAPITests.clock)
        try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
        let token = try await storage.addDevice(facility: "IN0001", label: "A").token
        let application = Application(router: HubRoutes.router(storage: storage, clock: HubAPITests.clock))
        try await application.test(.router) { client in
            for header in ["bearer " + token, "BEARER  " + token, "Bearer\t" + token] {
                try await client.execute(uri: "/v1/sync/pull", method: .get, headers: [.authorization: header]) {
                    #expect($0.status == .ok, "\(header)")
                }
            }
            for header in ["Basic " + token, "Bearer", token] {
                try await client.execute(uri: "/v1/sync/pull", method: .get, headers: [.authorization: header]) {
                    #expect($0.status == .unauthorized, "\(header)")
                }
            }
        }
    }

    @Test("Given a push whose body is not declared JSON, when sent, then it is refused with 415 and nothing is read")
    func onlyJSON() async throws {
        let storage = try HubDatabase(path: ":memory:", clock: HubAPITests.clock)
        try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
        let token = try await storage.addDevice(facility: "IN0001", label: "A").token
        let application = Application(router: HubRoutes.router(storage: storage, clock: HubAPITests.clock))
        let body = ByteBuffer(string: JSONValue.object([("records", .array([HubAPITests.patient("01a20606-aacb-789c-b598-fe76d4554001")]))]).serialized(pretty: false))
        try await application.test(.router) { client in
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                try await client.execute(uri: "/v1/sync/push", method: .post, headers: [.authorization: "Bearer " + token, .contentType: type], body: body) {
                    #expect($0.status == .unsupportedMediaType, "\(type)")
                }
            }
            try await client.execute(uri: "/v1/sync/push", method: .post, headers: [.authorization: "Bearer " + token], body: body) {
                #expect($0.status == .unsupportedMediaType, "no Content-Type")
            }
            try await client.execute(uri: "/v1/sync/push", method: .post,
                                     headers: [.authorization: "Bearer " + token, .contentType: "application/json; charset=utf-8"], body: body) {
                #expect($0.status == .ok)
            }
        }
        #expect(try await storage.stats().counts.map(\.records) == [1])
    }

    /// Connects to the port, sends `bytes`, and returns how long the hub took to close the connection.
    func secondsUntilClosed(port: Int, sending bytes: String, giveUpAfter limit: Double) -> Double? {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let started = Date()
        _ = bytes.withCString { send(socket, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        while Date().timeIntervalSince(started) < limit {
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            if recv(socket, &buffer, buffer.count, 0) <= 0 { return Date().timeIntervalSince(started) }
        }
        return nil
    }

    @Test("Given a client that sends half its headers, or its headers and then a body that never ends, when it waits, then the hub hangs up at its timeouts")
    func slowClientsAreCut() async throws {
        let storage = try HubDatabase(path: ":memory:", clock: HubAPITests.clock)
        try await storage.addFacility(id: "IN0001", name: "AAM Rampur")
        let token = try await storage.addDevice(facility: "IN0001", label: "A").token
        let application = Application(router: HubRoutes.router(storage: storage, clock: HubAPITests.clock),
                                      server: HubServer.http1(timeouts: HubTimeouts(headers: .seconds(1), body: .seconds(2), idle: .seconds(3))),
                                      configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)))
        try await application.test(.live) { client in
            let port = try #require(client.port)
            let halfHeaders = secondsUntilClosed(port: port, sending: "POST /v1/sync/push HTTP/1.1\r\nHost: hub\r\nContent-Ty", giveUpAfter: 10)
            #expect(halfHeaders.map { (0.9...3).contains($0) } == true, "\(String(describing: halfHeaders))")
            let endlessBody = secondsUntilClosed(port: port, sending: "POST /v1/sync/push HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"records\":",
                                                 giveUpAfter: 10)
            #expect(endlessBody.map { (1.9...4.5).contains($0) } == true, "\(String(describing: endlessBody))")
            let nothingSent = secondsUntilClosed(port: port, sending: "", giveUpAfter: 10)
            #expect(nothingSent.map { (0.9...3.5).contains($0) } == true, "\(String(describing: nothingSent))")
        }
    }
}
