import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PushAPI

#if canImport(Glibc)
    import Glibc
#endif

/// The sandbox over HTTP: `pushsh serve`.
///
/// One responder for every request, handing it to ``SandboxRouter`` so that
/// 404s, 405s and error bodies follow the contract rather than Hummingbird's
/// defaults, and the body limit is enforced while reading.
public struct SandboxServer: Sendable {
    public var service: SandboxService
    public var host: String
    public var port: Int
    /// Connections idle this long are closed (slow clients cannot hold a slot forever).
    public var idleTimeout: Duration
    /// One line per request goes here; `nil` for none.
    public var requestLog: (@Sendable (String) -> Void)?
    /// How far away the service seems (`--latency`): every answer is this late.
    public var latency: NetworkLatency

    public init(
        service: SandboxService, host: String = "127.0.0.1", port: Int = 8080, idleTimeout: Duration = .seconds(30),
        latency: NetworkLatency = NetworkLatency(base: .zero), requestLog: (@Sendable (String) -> Void)? = nil
    ) {
        self.service = service
        self.host = host
        self.port = port
        self.idleTimeout = idleTimeout
        self.latency = latency
        self.requestLog = requestLog
    }

    /// Serves until the task is cancelled or SIGINT/SIGTERM arrives.
    ///
    /// - Parameter onListening: called with the bound port once the server accepts connections.
    public func run(handleSignals: Bool = true, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "pushsh.serve")
        logger.logLevel = .warning
        let responder = SandboxResponder(router: SandboxRouter(service: service), latency: latency, requestLog: requestLog)
        let app = Application(
            responder: responder,
            server: .http1(configuration: .init(idleTimeout: .milliseconds(idleTimeout.wholeMilliseconds))),
            configuration: .init(address: .hostname(host, port: port), serverName: "pushsh-sandbox"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        do {
            if handleSignals {
                try await app.runService()
            } else {
                try await app.run()
            }
        } catch let error as IOError {
            throw SandboxServerFailure(error)
        }
    }
}

/// Why the server could not serve, sorted by the system's error number
/// (not by its words, which differ between systems and libraries).
public enum SandboxServerFailure: Error, Sendable, Equatable {
    /// Another program has the port (EADDRINUSE).
    case portInUse
    /// The system does not let this user bind the port (EACCES: below 1024 without root).
    case notPermitted
    /// The host is not an address of this machine (EADDRNOTAVAIL).
    case addressNotLocal
    /// Anything else, in the system's words.
    case other(String)

    init(_ error: IOError) {
        switch error.errnoCode {
        case EADDRINUSE: self = .portInUse
        case EACCES: self = .notPermitted
        case EADDRNOTAVAIL: self = .addressNotLocal
        default: self = .other(String(describing: error))
        }
    }
}

/// The request context, keeping the channel so a fault can drop the connection.
struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Thrown after a fault closed the connection: there is nobody to answer.
struct ConnectionDropped: Error {}

struct SandboxResponder: HTTPResponder {
    typealias Context = SandboxRequestContext
    let router: SandboxRouter
    let latency: NetworkLatency
    let requestLog: (@Sendable (String) -> Void)?
    /// Where each request's jitter is drawn from (a number in 0...1), so a test can fix it.
    var random: @Sendable () -> Double = { Double.random(in: 0...1) }

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        // Half the round trip on the way in, half on the way out; awaited, so
        // no lock or thread is held while other requests go on.
        let roundTrip = latency.isZero ? Duration.zero : latency.roundTrip(random: random())
        if roundTrip > .zero { try? await Task.sleep(for: roundTrip / 2) }
        let answer = await answer(request)
        if roundTrip > .zero { try? await Task.sleep(for: roundTrip - roundTrip / 2) }
        switch answer.fault {
        case .drop?:
            requestLog?("\(request.method.rawValue) \(request.uri.path) dropped (fault plan)")
            try? await context.channel.close()
            throw ConnectionDropped()
        case .delay(let delay)?:
            try? await Task.sleep(for: delay)
        case nil: break
        }
        if let requestLog {
            let ms = (ContinuousClock.now - started).wholeMilliseconds
            requestLog("\(request.method.rawValue) \(request.uri.path) \(answer.status.code) \(ms)ms")
        }
        return Response(
            status: answer.status, headers: answer.headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// Reads the body up to the limit, then routes. Past the limit nothing
    /// more is kept, but up to `drainAllowance` more bytes are read and thrown
    /// away, so a client still uploading gets to read the 413 instead of a
    /// broken pipe (RFC 9112 §9.6); beyond that the connection is dropped.
    private func answer(_ request: Request) async -> TransportResponse {
        let limit = router.service.settings.maxBodyBytes
        let drainAllowance = 64 << 20
        var body: [UInt8] = []
        var received = 0
        do {
            for try await chunk in request.body {
                received += chunk.readableBytes
                if received > limit {
                    if received > limit + drainAllowance { break }
                    continue
                }
                body.append(contentsOf: chunk.readableBytesView)
            }
        } catch {
            return TransportResponse(SandboxError(.badRequest, "invalid_body", "the request body could not be read: \(error)"))
        }
        if received > limit { return router.bodyTooLarge() }
        let target = request.head.path ?? request.uri.path
        return router.respond(to: TransportRequest(method: request.method, target: target, headers: request.headers, body: body))
    }
}
