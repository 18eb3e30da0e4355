import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Sends requests over HTTP(S) with AsyncHTTPClient, keeping connections alive
/// and reusing them across calls.
public final class HTTPTransport: Transport {
    /// The base URL, up to and including `/api/external/push`.
    public let baseURL: String
    private let client: HTTPClient
    private let isOpen = Atomic<Bool>(true)
    /// Responses above this size are cut off with an error, not buffered.
    private let maxResponseBytes: Int

    public init(baseURL: String, maxResponseBytes: Int = 64 << 20) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.maxResponseBytes = maxResponseBytes
        var configuration = HTTPClient.Configuration()
        // As many connections as a push may keep pages in flight (`set push_concurrency`, at most 32).
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        // AsyncHTTPClient would keep retrying a refused connection until the
        // deadline; PushClient's retry policy decides instead, and says so.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        configuration.timeout = .init(connect: .seconds(10))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public var destination: String { baseURL }

    /// The scheme, host and port of the base URL: where `/_sandbox` routes live.
    var origin: String {
        guard let schemeEnd = baseURL.range(of: "://") else { return baseURL }
        let rest = baseURL[schemeEnd.upperBound...]
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        return String(baseURL[..<hostEnd])
    }

    public func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse {
        let url = request.path.hasPrefix("/_sandbox/") ? origin + request.target : baseURL + request.target
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(outgoing, timeout: .milliseconds(timeout.wholeMilliseconds))
            var body = try await response.body.collect(upTo: maxResponseBytes)
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            return TransportResponse(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: bytes)
        } catch {
            throw Self.classify(error)
        }
    }

    /// Sorts AsyncHTTPClient's and NIO's errors by what they mean for a retry.
    static func classify(_ error: any Error) -> TransportFailure {
        let text = String(describing: error)
        if let failure = error as? TransportFailure { return failure }
        if let ahc = error as? HTTPClientError {
            switch ahc {
            case .connectTimeout, .socksHandshakeTimeout, .tlsHandshakeTimeout:
                return TransportFailure(.notConnected, text)
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return TransportFailure(.timedOut, text)
            case .remoteConnectionClosed, .cancelled:
                return TransportFailure(.connectionLost, text)
            case .invalidURL, .emptyHost, .emptyScheme:
                return TransportFailure(.other, "bad URL: \(text)")
            default:
                return TransportFailure(.connectionLost, text)
            }
        }
        if error is NIOConnectionError { return TransportFailure(.notConnected, "connection refused") }
        if let io = error as? IOError {
            if io.errnoCode == ECONNREFUSED { return TransportFailure(.notConnected, "connection refused") }
            return TransportFailure(.connectionLost, text)
        }
        if error is ChannelError { return TransportFailure(.connectionLost, text) }
        if text.lowercased().contains("refused") { return TransportFailure(.notConnected, text) }
        return TransportFailure(.connectionLost, text)
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
