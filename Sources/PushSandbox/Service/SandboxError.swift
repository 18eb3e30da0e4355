import HTTPTypes
import PushAPI

/// A refusal the sandbox answers with: a status and the contract's error body.
public struct SandboxError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Extra fields inside `error` (e.g. `active_session_id` on a 409).
    public var details: JSONObject
    /// Fields beside `error` at the top level (the BatchIngestResponse of a validation 400).
    public var topLevel: JSONObject
    /// Seconds for `Retry-After`.
    public var retryAfterSeconds: Int?
    /// `Retry-After` as text, when it is not whole seconds.
    public var retryAfterText: String?
    /// Methods for `Allow` on a 405.
    public var allow: [String]?

    public init(
        _ status: HTTPResponse.Status, _ code: String, _ message: String, details: JSONObject = JSONObject(),
        topLevel: JSONObject = JSONObject()
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.topLevel = topLevel
    }

    /// `{"error": {"code", "message", ...details}, ...topLevel}`.
    public var body: JSONValue {
        var error = JSONObject([("code", .string(code)), ("message", .string(message))])
        for entry in details { error[entry.key] = entry.value }
        var body = JSONObject([("error", .object(error))])
        for entry in topLevel { body[entry.key] = entry.value }
        return .object(body)
    }

    static func notFound(_ message: String) -> SandboxError { SandboxError(.notFound, "not_found", message) }
    static func badRequest(_ code: String, _ message: String) -> SandboxError { SandboxError(.badRequest, code, message) }
}
