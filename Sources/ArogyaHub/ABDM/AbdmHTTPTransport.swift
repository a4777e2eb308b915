import ArogyaABDM
import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// ABDM over HTTPS with AsyncHTTPClient: redirects not followed (the client secret goes only where the
/// configuration says), a deadline over the whole exchange, answers up to 4 MB.
public struct AbdmHTTPTransport: AbdmTransport {
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                     timeout: .init(connect: .seconds(10), read: .seconds(30)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    static let maximumAnswer = 4 * 1024 * 1024

    public init() {}

    public func send(method: AbhaOperation.Method, url: String, headers: [(String, String)], body: [UInt8]?,
                     timeout: Double) async throws(AbdmGateway.Failure) -> (status: Int, body: [UInt8]) {
        var request = HTTPClientRequest(url: url)
        request.method = method == .post ? .POST : .GET
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await Self.http.execute(request, deadline: .now() + .milliseconds(Int64(timeout * 1000)))
            let data = try await response.body.collect(upTo: Self.maximumAnswer)
            return (Int(response.status.code), Array(buffer: data))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw .timedOut
        } catch {
            throw .unreachable(String(describing: error))
        }
    }
}
