import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes


/// How long the hub waits for a slow or odd client before it hangs up.
public struct HubTimeouts: Sendable {
    /// From the connection's start (or the end of the last answer) to the end of the request's headers.
    public var headers: TimeAmount
    /// From the end of the headers to the end of the body: a push of 500 records is well under a second
    /// on any network a clinic has; this leaves room for a very slow one.
    public var body: TimeAmount
    /// A kept-alive connection with no request on it.
    public var idle: TimeAmount

    public init(headers: TimeAmount = .seconds(10), body: TimeAmount = .seconds(60), idle: TimeAmount = .seconds(60)) {
        self.headers = headers
        self.body = body
        self.idle = idle
    }
}

public enum HubServer {
    /// HTTP/1.1 with the hub's timeouts: a connection that sends half its headers, or drips its body a
    /// byte at a time, is closed instead of holding a slot for minutes.
    public static func http1(timeouts: HubTimeouts = HubTimeouts()) -> HTTPServerBuilder {
        .http1(configuration: HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestDeadlineHandler(headers: timeouts.headers, body: timeouts.body)],
            idleTimeout: timeouts.idle))
    }
}

/// Closes a connection whose request does not arrive in time: the headers within `headers` of the
/// connection opening or the last answer ending, the body within `body` of the headers.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let headers: TimeAmount
    private let body: TimeAmount
    private var deadline: Scheduled<Void>?

    init(headers: TimeAmount, body: TimeAmount) {
        self.headers = headers
        self.body = body
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(headers, context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelActive(context: ChannelHandlerContext) {
        arm(headers, context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(body, context)
        case .body: break
        // The request is in: how long the answer takes is the route's business.
        case .end: disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(headers, context) }
        context.write(data, promise: promise)
    }

    private func arm(_ time: TimeAmount, _ context: ChannelHandlerContext) {
        disarm()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: time) {
            context.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
