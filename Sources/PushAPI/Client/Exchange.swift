import HTTPTypes

/// One attempt of one request, as a trace shows it: what was sent, what came back.
///
/// The `api-key` header is already redacted: an exchange is safe to print or log.
public struct Exchange: Sendable {
    public var request: TransportRequest
    /// The response, when one came.
    public var response: TransportResponse?
    /// Why no response came.
    public var failure: TransportFailure?
    /// 1 for the first attempt, 2 for the first retry, …
    public var attempt: Int
    /// Time from sending to the answer or the failure.
    public var elapsed: Duration
    /// The wait before the next attempt, when the client is about to retry.
    public var retryingAfter: Duration?
    /// Whether that wait is what the service asked for (`Retry-After`).
    public var waitAskedByService = false
    /// The full URL the request went to (no credentials: those travel in headers).
    public var url: String?
    /// How it travelled (the proxy, with its password redacted; the CAs trusted), on a first attempt.
    public var route: String?

    init(request: TransportRequest, response: TransportResponse?, failure: TransportFailure?, attempt: Int, elapsed: Duration) {
        var redacted = request
        redacted.headers = HTTPFields(
            request.headers.map { field in
                (field.name.rawName, field.name.canonicalName == "api-key" ? "[redacted]" : field.value)
            })
        self.request = redacted
        self.response = response
        self.failure = failure
        self.attempt = attempt
        self.elapsed = elapsed
    }
}
