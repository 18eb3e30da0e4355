/// One HTTP request, relative to the configured base URL.
public struct TransportRequest: Sendable {
    public var method: String
    /// The path after the base URL, e.g. `/v1/integrations/acme/sessions`.
    public var path: String
    /// Query parameters, already in order, not yet encoded.
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?

    public init(method: String, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Path plus the encoded query string.
    public var target: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(PathEncoding.segment($0.name))=\(PathEncoding.segment($0.value))" }.joined(separator: "&")
    }

    /// The first value of a header, matched without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Whether sending this request twice does no more than sending it once.
    public var isIdempotent: Bool { method == "GET" || method == "HEAD" }
}

/// One HTTP response.
public struct TransportResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, matched without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
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
}

/// No HTTP response came back.
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

    public var kind: Kind
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// Whether the service may have acted on the request.
    public var mayHaveBeenSent: Bool { kind == .timedOut || kind == .connectionLost }

    public var description: String {
        switch kind {
        case .notConnected: return "could not connect: \(detail)"
        case .timedOut: return "no answer in time: \(detail)"
        case .connectionLost: return "the connection dropped before the answer: \(detail)"
        case .other: return detail
        }
    }
}
