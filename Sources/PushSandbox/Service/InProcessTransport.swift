import HTTPTypes
import PushAPI

/// Sends requests straight into a ``SandboxService`` through ``SandboxRouter``:
/// the same routing, checks and bodies as over HTTP, without a socket.
public struct InProcessTransport: Transport {
    public let router: SandboxRouter

    public init(service: SandboxService) { router = SandboxRouter(service: service) }

    public var destination: String { "the built-in sandbox" }

    public func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
        // The push API lives under the base URL's path; a request rooted at the origin (a sandbox route) does not.
        let prefix = request.root == .origin ? "" : SandboxRouter.apiPrefix
        let body = request.body ?? []
        if body.count > router.service.settings.maxBodyBytes { return router.bodyTooLarge() }
        // The router reads the request as a server receives it: the whole target, a content-length.
        var received = TransportRequest(method: request.method, target: prefix + request.target, headers: request.headers, body: body)
        received.headers[.contentLength] = String(body.count)
        var answer = router.respond(to: received)
        switch answer.fault {
        case .drop?: throw TransportFailure(.connectionLost, "connection reset by the sandbox (fault plan)")
        case .delay(let delay)?:
            if delay >= timeout {
                throw TransportFailure(.timedOut, "no answer within \(DurationText.format(timeout)) (sandbox fault: slow)")
            }
            try? await Task.sleep(for: delay)
        case nil: break
        }
        answer.fault = nil
        return answer
    }

    public func shutdown() async {}
}
