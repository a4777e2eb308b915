import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether a host is this machine, decided from its address, never from how its name begins: plain HTTP
/// carries the device token in clear, so it is allowed only where it never crosses a network.
///
/// An address literal counts when it is in 127.0.0.0/8 or is ::1 (or ::ffff:127.x.x.x); the name
/// `localhost` counts when every address the resolver gives for it is such an address. Any other name is
/// not loopback, whatever it resolves to today ("127.0.0.1.nip.io", "127.attacker.example"): a name can be
/// made to point anywhere tomorrow.
public enum Loopback {
    public static func isLoopback(host raw: String) -> Bool {
        var host = raw.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let literal = literalIsLoopback(host) { return literal }
        guard host == "localhost" || host == "localhost." else { return false }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo("localhost", nil, &hints, &results) == 0, let first = results else { return false }
        defer { freeaddrinfo(first) }
        var all = true
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let current = node {
            if !socketAddressIsLoopback(current.pointee.ai_addr) { all = false }
            node = current.pointee.ai_next
        }
        return all
    }

    /// True or false for an IPv4 or IPv6 address literal; nil when `host` is not one.
    static func literalIsLoopback(_ host: String) -> Bool? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return isLoopback(v4) }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return isLoopback(v6) }
        return nil
    }

    static func isLoopback(_ address: in_addr) -> Bool {
        (UInt32(bigEndian: address.s_addr) >> 24) == 127
    }

    static func isLoopback(_ address: in6_addr) -> Bool {
        let bytes = withUnsafeBytes(of: address) { Array($0) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        // ::ffff:127.x.x.x, an IPv4 loopback address written as IPv6.
        return bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
    }

    static func socketAddressIsLoopback(_ address: UnsafeMutablePointer<sockaddr>?) -> Bool {
        guard let address else { return false }
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { isLoopback($0.pointee.sin_addr) }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { isLoopback($0.pointee.sin6_addr) }
        default:
            return false
        }
    }
}
