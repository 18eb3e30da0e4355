import HTTPTypes

/// One HTTP request: the client's, on its way out, and the same type as a
/// server (the sandbox's router) receives it, so both sides read a request
/// the same way. Its method and header fields are swift-http-types'.
public struct TransportRequest: Sendable, HeaderLookup {
    public var method: HTTPRequest.Method
    /// The path after the base URL, e.g. `/v1/integrations/acme/sessions`,
    /// its segments already percent-encoded. On a received request, the
    /// path of the request line.
    public var path: String
    /// Query parameters, already in order, not yet encoded.
    public var query: [(name: String, value: String)]
    /// The query as it arrived on a request line, still encoded (a received
    /// request: the server decodes it by its own rules); `nil` for the client's own.
    public var rawQuery: String?
    public var headers: HTTPFields
    public var body: [UInt8]?
    /// Which API call this is, when the client made it.
    public var endpoint: Endpoint?
    /// Where ``path`` starts: under the base URL, or at its origin.
    public var root: PathRoot

    /// Where a request's path starts on an HTTP service.
    public enum PathRoot: Sendable, Equatable {
        /// Under the base URL (`…/api/external/push`): the push API's routes.
        case baseURL
        /// At the base URL's scheme, host and port: a route beside the API
        /// that a particular service offers (a sandbox's own).
        case origin
    }

    public init(
        method: HTTPRequest.Method, path: String, query: [(name: String, value: String)] = [], headers: HTTPFields = [:],
        body: [UInt8]? = nil, endpoint: Endpoint? = nil, root: PathRoot = .baseURL
    ) {
        self.endpoint = endpoint
        self.root = root
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// A request as a server receives it: `target` is the request line's path and query, as sent.
    public init(method: HTTPRequest.Method, target: String, headers: HTTPFields, body: [UInt8]) {
        let mark = target.firstIndex(of: "?")
        self.init(method: method, path: String(target[..<(mark ?? target.endIndex)]), headers: headers, body: body)
        rawQuery = mark.map { String(target[target.index(after: $0)...]) }
    }

    /// Path plus the encoded query string.
    public var target: String {
        if let rawQuery { return path + "?" + rawQuery }
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(PathEncoding.segment($0.name))=\(PathEncoding.segment($0.value))" }.joined(separator: "&")
    }

    /// Whether sending this request twice does no more than sending it once.
    public var isIdempotent: Bool { method == .get || method == .head }
}

/// One HTTP response: what a transport hands the client, and what the
/// sandbox's router answers with. Its status and header fields are
/// swift-http-types'.
public struct TransportResponse: Sendable, HeaderLookup {
    public var status: HTTPResponse.Status
    public var headers: HTTPFields
    public var body: [UInt8]
    /// Same-origin redirects the transport followed on the way, in order.
    public var redirects: [Redirect] = []
    /// A fault a server's transport must act out instead of (or before)
    /// answering: the sandbox's fault plan. Always `nil` on what the client receives.
    public var fault: NetworkFault?

    /// One redirect followed: the status and where it pointed.
    public struct Redirect: Sendable, Equatable {
        public var status: HTTPResponse.Status
        public var location: String

        public init(status: HTTPResponse.Status, location: String) {
            self.status = status
            self.location = location
        }
    }

    /// What a transport does to the connection instead of (or before) answering.
    public enum NetworkFault: Sendable, Equatable {
        case drop
        case delay(Duration)
    }

    public init(status: HTTPResponse.Status, headers: HTTPFields = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

extension HTTPFields {
    /// Fields from name/value pairs, in order; a pair whose name is not a
    /// valid field name is left out (as a server would refuse it).
    public init(_ pairs: [(name: String, value: String)]) {
        self.init()
        for pair in pairs {
            if let name = HTTPField.Name(pair.name) { append(HTTPField(name: name, value: pair.value)) }
        }
    }
}

/// Carries requests to the service: over HTTP, or straight into the
/// in-process sandbox through the same routing its HTTP server uses.
public protocol Transport: Sendable {
    /// A short description of where requests go, for banners and traces.
    var destination: String { get }
    /// Sends one request and returns the response, whatever its status.
    ///
    /// - Throws: ``TransportFailure`` when no response came.
    func send(_ request: TransportRequest, timeout: Duration) async throws(TransportFailure) -> TransportResponse
    /// Releases connections and threads. Safe to call more than once.
    func shutdown() async
    /// The full URL a request goes to, for `-v`.
    func url(for request: TransportRequest) -> String
    /// How requests travel (`via proxy http://…`, which CAs), for `-v`; `nil` when there is nothing to say.
    var route: String? { get }
    /// Strings the transport knows that must never be printed (a proxy's password).
    var secrets: [String] { get }
}

extension Transport {
    /// A transport whose destination is not a URL (the in-process sandbox) shows the path only.
    public func url(for request: TransportRequest) -> String {
        destination.contains("://") ? destination + request.target : request.target
    }
    public var route: String? { nil }
    public var secrets: [String] { [] }
}

/// No HTTP response came back, and why.
///
/// The ``cause`` names what really happened (a host not found, a refused
/// connection, an untrusted certificate, …); ``kind`` sorts it by what it means
/// for a retry. Messages are made from the cause alone: no library type names,
/// no build paths.
public struct TransportFailure: Error, Sendable, CustomStringConvertible {
    /// Why, in the terms that decide whether a retry is safe.
    public enum Kind: Sendable, Equatable {
        /// The connection was never made; the request cannot have reached the service.
        case notConnected
        /// The request may have been sent: the answer timed out.
        case timedOut
        /// The request may have been sent: the connection dropped before the answer.
        case connectionLost
        /// Anything else (TLS, a bad URL, …).
        case other
    }

    /// What happened.
    public var cause: TransportCause
    /// Extra words about it (a fault plan's reason), or empty.
    public var detail: String
    /// `host:port` that was being reached, when known (for hints).
    public var server: String?
    /// Whether the target is this machine (`pushsh serve`): only then does a hint mention the sandbox.
    public var serverIsLocal: Bool

    /// A failure of a kind, in words (in-process transports and tests).
    public init(_ kind: Kind, _ detail: String) {
        switch kind {
        case .notConnected: cause = .connectionRefused
        case .timedOut: cause = .timedOutAfterSending
        case .connectionLost: cause = .connectionLost
        case .other: cause = .other
        }
        self.detail = detail
        server = nil
        serverIsLocal = true
    }

    public init(_ cause: TransportCause, detail: String = "", server: String? = nil, serverIsLocal: Bool = false) {
        self.cause = cause
        self.detail = detail
        self.server = server
        self.serverIsLocal = serverIsLocal
    }

    public var kind: Kind { cause.kind }

    /// Whether the service may have acted on the request.
    public var mayHaveBeenSent: Bool { kind == .timedOut || kind == .connectionLost }

    public var description: String {
        let words = cause.words(server: server)
        return detail.isEmpty ? words : "\(words): \(detail)"
    }
}
