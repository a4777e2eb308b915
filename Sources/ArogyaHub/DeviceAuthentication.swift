import Hummingbird

/// The context of every request: which device sent it, once `DeviceAuthentication` has checked its token.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `DeviceAuthentication`; nil on the routes outside its group (`/health`).
    public var device: HubDevice?

    public init(source: Source) {
        coreContext = CoreRequestContextStorage(source: source)
        device = nil
    }
}

/// The context of a device's routes: the device is always there. A route group of this context can only
/// be made behind `DeviceAuthentication`, which turns away a request without a valid token first.
public struct DeviceRequestContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let device: HubDevice

    public init(context: HubRequestContext) throws {
        guard let device = context.device else { throw DeviceAuthentication.missingToken }
        coreContext = context.coreContext
        self.device = device
    }
}

/// Reads the request's Bearer token and puts its device in the context; 401 when there is none, or it is
/// not valid or was revoked.
public struct DeviceAuthentication: RouterMiddleware {
    public typealias Context = HubRequestContext
    let storage: any HubStorage

    static let missingToken = HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"],
                                        message: "a device token is needed: Authorization: Bearer TOKEN")

    public func handle(_ request: Request, context: HubRequestContext,
                       next: (Request, HubRequestContext) async throws -> Response) async throws -> Response {
        guard let token = HubRoutes.bearerToken(request.headers[.authorization]) else { throw Self.missingToken }
        guard let device = try await storage.device(forToken: token) else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "this device token is not valid or was revoked")
        }
        var context = context
        context.device = device
        return try await next(request, context)
    }
}
