import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP proxy on loopback that loses requests on purpose: of every request, `dropRate / 2` is dropped
/// before it reaches the hub (the request is lost), `dropRate / 2` after the hub has answered (the answer
/// is lost: the hub applied it, the terminal never hears), and the rest are delayed by up to `maximumDelay`
/// seconds. Each request goes to the hub on a connection of its own. Threads, blocking sockets: it is a
/// benchmark's tool, not a server.
final class FaultProxy: @unchecked Sendable {
    struct Counts {
        var requests = 0
        var lostRequests = 0
        var lostAnswers = 0
    }

    let port: UInt16
    private let upstreamPort: UInt16
    private let dropRate: Double
    private let maximumDelay: Double
    private let listener: Int32
    private let lock = NSLock()
    private var counts = Counts()

    init(upstreamPort: UInt16, dropRate: Double, maximumDelay: Double) throws {
        self.upstreamPort = upstreamPort
        self.dropRate = dropRate
        self.maximumDelay = maximumDelay
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(socketFD, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(socketFD, 64) == 0 else { throw CocoaError(.fileWriteUnknown) }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) } }
        listener = socketFD
        port = UInt16(bigEndian: actual.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    var snapshot: Counts {
        lock.lock(); defer { lock.unlock() }
        return counts
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { if errno == EINTR { continue }; return }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func count(_ change: (inout Counts) -> Void) {
        lock.lock(); change(&counts); lock.unlock()
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var pending: [UInt8] = []
        while let request = Self.readMessage(client, buffer: &pending) {
            count { $0.requests += 1 }
            let roll = Double.random(in: 0..<1)
            if roll < dropRate / 2 {
                count { $0.lostRequests += 1 }
                return
            }
            let delay = roll < dropRate ? 0 : Double.random(in: 0...maximumDelay)
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            guard let answer = forward(request) else { return }
            if roll < dropRate {
                count { $0.lostAnswers += 1 }
                return
            }
            guard Self.writeAll(client, answer) else { return }
        }
    }

    private func forward(_ request: [UInt8]) -> [UInt8]? {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(upstream) }
        var address = Self.loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0, Self.writeAll(upstream, request) else { return nil }
        var pending: [UInt8] = []
        // The hub may answer "100 Continue" to a client that asked for it: pass on only the final answer,
        // which the client is waiting for either way.
        while let answer = Self.readMessage(upstream, buffer: &pending) {
            if !answer.starts(with: Array("HTTP/1.1 1".utf8)) { return answer }
        }
        return nil
    }

    /// One HTTP/1.1 message: headers to the blank line, then a Content-Length body.
    static func readMessage(_ descriptor: Int32, buffer: inout [UInt8]) -> [UInt8]? {
        let separator: [UInt8] = [13, 10, 13, 10]
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let end = buffer.firstRange(of: separator) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                let length = head.split(separator: "\r\n").compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
                let total = end.upperBound + length
                if buffer.count >= total {
                    let message = Array(buffer[..<total])
                    buffer.removeFirst(total)
                    return message
                }
            }
            let count = read(descriptor, &chunk, chunk.count)
            if count <= 0 { return nil }
            buffer += chunk[0..<count]
        }
    }

    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }
}
