import AsyncHTTPClient
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL
import PushAPI
import Synchronization

/// Sends requests over HTTP(S) with AsyncHTTPClient, keeping connections alive
/// and reusing them across calls.
///
/// What a real network needs is decided here, once per connection: the proxy
/// (``ProxySettings``), the CAs trusted (``TrustSettings``), redirects
/// (``RedirectRule``: AsyncHTTPClient follows none; same-origin ones are followed
/// here with the method kept, others returned to the client unfollowed),
/// compressed answers, and the `User-Agent`.
public final class HTTPTransport: Transport {
    /// The base URL, up to and including `/api/external/push`.
    public let baseURL: String
    /// The base URL's scheme, host and port: the only origin that gets the key.
    public let origin: Origin?
    /// The proxy requests go through, or `nil` for direct connections.
    public let proxy: ProxyServer?
    public let network: NetworkSettings
    private let client: HTTPClient
    private let isOpen = Atomic<Bool>(true)
    /// Responses above this size are cut off with an error, not buffered.
    private let maxResponseBytes: Int
    /// Same-origin redirects followed for one request, at most.
    static let maxRedirects = 5

    /// A transport with direct connections and the system's CAs.
    public convenience init(baseURL: String, maxResponseBytes: Int = 64 << 20) {
        self.init(
            baseURL: baseURL, network: .direct, proxy: nil, tls: TLSConfiguration.makeClientConfiguration(),
            maxResponseBytes: maxResponseBytes)
    }

    /// A transport through the network `network` describes.
    ///
    /// - Throws: when a proxy variable or a CA file cannot be used.
    public convenience init(baseURL: String, network: NetworkSettings, maxResponseBytes: Int = 64 << 20) throws(ConfigurationError) {
        let origin = Origin(url: baseURL)
        let proxy = try origin.flatMap { origin throws(ConfigurationError) in try network.proxies.proxy(for: origin) }
        self.init(
            baseURL: baseURL, network: network, proxy: proxy, tls: try network.trust.tlsConfiguration(), maxResponseBytes: maxResponseBytes)
    }

    private init(baseURL: String, network: NetworkSettings, proxy: ProxyServer?, tls: TLSConfiguration, maxResponseBytes: Int) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.maxResponseBytes = maxResponseBytes
        self.network = network
        self.proxy = proxy
        origin = Origin(url: base)
        var configuration = HTTPClient.Configuration()
        // As many connections as a push may keep pages in flight (`set push_concurrency`, at most 32).
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        // AsyncHTTPClient would keep retrying a refused connection until the
        // deadline; PushClient's retry policy decides instead, and says so.
        configuration.connectionPool.retryConnectionEstablishment = false
        // A proxy or CDN may compress answers; we ask for it, so we decode it.
        configuration.decompression = .enabled(limit: .size(maxResponseBytes))
        // Never follow a redirect blindly: the api-key header would go along.
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(10))
        configuration.tlsConfiguration = tls
        if let proxy {
            switch proxy.kind {
            case .http:
                let authorization = proxy.username.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
                configuration.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
            case .socks:
                configuration.proxy = .socksServer(host: proxy.host, port: proxy.port)
            }
        }
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public var destination: String { baseURL }

    public var route: String? {
        // Nothing to say for a direct plain-HTTP connection (pushsh serve on this machine).
        var parts: [String] = []
        if let proxy { parts.append("via proxy \(proxy)") }
        if origin?.scheme == "https" { parts.append((proxy == nil ? "direct; " : "") + "trusting \(network.trust.summary)") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    public var secrets: [String] { proxy?.secrets ?? [] }

    /// The scheme, host and port of the base URL, as written: where a request rooted at the origin goes.
    var originPrefix: String { URLResolution.originPrefix(of: baseURL) }

    public func url(for request: TransportRequest) -> String {
        switch request.root {
        case .baseURL: baseURL + request.target
        case .origin: originPrefix + request.target
        }
    }

    public func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
        var url = url(for: request)
        var redirects: [TransportResponse.Redirect] = []
        let deadline = NIODeadline.now() + .milliseconds(timeout.wholeMilliseconds)
        while true {
            var response = try await sendOnce(request, to: url, deadline: deadline)
            response.redirects = redirects
            guard response.status.kind == .redirection, let location = response.header("location"),
                let origin, redirects.count < Self.maxRedirects
            else { return response }
            let target = URLResolution.resolve(location, against: url)
            // Only the configured origin may see the key: anything else goes back unfollowed.
            guard Origin(url: target) == origin, RedirectRule.keepsMethod(response.status) || request.method == .get else {
                return response
            }
            redirects.append(.init(status: response.status, location: target))
            url = target
        }
    }

    private func sendOnce(_ request: TransportRequest, to url: String, deadline: NIODeadline) async throws(TransportFailure)
        -> TransportResponse
    {
        let collector = ResponseCollector(limit: maxResponseBytes)
        let target = Origin(url: url) ?? origin ?? Origin(scheme: "http", host: "?", port: 0)
        let classifier = { (sent: Bool) in TransportErrorClassifier(origin: target, proxy: self.proxy, sent: sent) }
        do {
            var headers = HTTPHeaders()
            for field in request.headers { headers.add(name: field.name.rawName, value: field.value) }
            headers.replaceOrAdd(name: "user-agent", value: PushshVersion.userAgent)
            headers.replaceOrAdd(name: "accept-encoding", value: "gzip, deflate")
            let outgoing = try HTTPClient.Request(
                url: url, method: HTTPMethod(rawValue: request.method.rawValue), headers: headers,
                body: request.body.map { .bytes($0) })
            return try await client.execute(request: outgoing, delegate: collector, deadline: deadline).futureResult.get()
        } catch {
            var cause = classifier(collector.headSent).cause(of: error)
            if case .responseTooLarge = cause { cause = .responseTooLarge(limit: maxResponseBytes) }
            // The handshake error does not say what was wrong with the certificate: look at it.
            if cause == .tls(.handshakeFailed) {
                cause = .tls(proxy == nil ? await TLSDiagnosis.diagnose(target) : .unverified)
            }
            throw TransportFailure(cause, server: target.hostAndPort, serverIsLocal: target.isLoopback && proxy == nil)
        }
    }

    public func shutdown() async {
        guard isOpen.exchange(false, ordering: .relaxed) else { return }
        try? await client.shutdown()
    }

    deinit {
        // AsyncHTTPClient traps when a client is dropped unclosed; a transport
        // replaced mid-script (connect) must not take the process down.
        if isOpen.exchange(false, ordering: .relaxed) { try? client.syncShutdown() }
    }
}

/// Which redirects keep the method and body by definition.
enum RedirectRule {
    /// 307 and 308 keep the method; 301, 302 and 303 let clients turn a POST
    /// into a GET, which on this API would lose the body: those are never followed for a POST.
    static func keepsMethod(_ status: HTTPResponse.Status) -> Bool { status == .temporaryRedirect || status == .permanentRedirect }
}

/// Collects one answer, remembering whether the request head went out: the
/// line between "nothing was sent" and "it may have been acted on".
final class ResponseCollector: HTTPClientResponseDelegate, @unchecked Sendable {
    // @unchecked: AsyncHTTPClient calls a delegate on one event loop, in order.
    typealias Response = TransportResponse

    struct TooLarge: Error {}

    private let sentFlag = Atomic<Bool>(false)
    private let limit: Int
    private var status: HTTPResponse.Status = 0
    private var headers = HTTPFields()
    private var body: [UInt8] = []

    init(limit: Int) { self.limit = limit }

    var headSent: Bool { sentFlag.load(ordering: .acquiring) }

    func didSendRequestHead(task: HTTPClient.Task<Response>, _ head: HTTPRequestHead) {
        sentFlag.store(true, ordering: .releasing)
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        sentFlag.store(true, ordering: .releasing)
        // The parser reads three digits; the bound keeps HTTPTypes' own
        // check (0...999) out of a hostile server's reach all the same.
        status = HTTPResponse.Status(code: min(Int(head.status.code), 999))
        headers = HTTPFields(head.headers.map { ($0.name, $0.value) })
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard body.count + buffer.readableBytes <= limit else {
            return task.eventLoop.makeFailedFuture(NIOTooManyBytesError(maxBytes: limit))
        }
        body.append(contentsOf: buffer.readableBytesView)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> TransportResponse {
        TransportResponse(status: status, headers: headers, body: body)
    }
}
