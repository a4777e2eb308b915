import ArogyaSync
import Foundation
import Testing

@Suite("Plain HTTP only to this machine")
struct LoopbackTests {
    @Test("Given hub addresses, when judged for plain HTTP, then only addresses of this machine are loopback, never a name that merely begins like one", arguments: [
        ("http://127.0.0.1:8080", false), ("http://127.8.9.10", false), ("http://[::1]:8080", false), ("http://localhost:8080", false),
        ("http://LOCALHOST", false), ("http://[::ffff:127.0.0.1]", false),
        ("http://127.attacker.example:8080", true), ("http://127.0.0.1.nip.io:8080", true), ("http://localhost.attacker.example", true),
        ("http://128.0.0.1", true), ("http://10.0.0.5", true), ("http://[::2]", true), ("http://127.1", true),
        ("https://hub.example.in", false), ("https://127.attacker.example", false),
    ])
    func loopback(address: String, insecure: Bool) throws {
        let url = try #require(URL(string: address))
        #expect(HubClient.isInsecure(url) == insecure, "\(address)")
    }
}
