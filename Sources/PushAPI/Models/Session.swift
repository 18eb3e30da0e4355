/// A push session as the service last described it.
///
/// One type serves both the `Session` of a start and the `SessionStatus` of a
/// read or close: the status adds `accepted_batches` and `retry_count`, which
/// are `nil` when the service did not send them.
public struct Session: Sendable, Equatable {
    public var id: String
    public var integrationID: String?
    public var state: SessionState
    public var createdAt: Timestamp?
    public var updatedAt: Timestamp?
    public var expiresAt: Timestamp?
    public var inactivityTimeoutSeconds: Int?
    public var acceptedRecordsTotal: Int
    public var acceptedRecordsByEntity: [String: Int]
    public var lastError: String?
    /// Pages accepted so far (status reads only).
    public var acceptedBatches: Int?
    /// Processing retries used (status reads only).
    public var retryCount: Int?
    /// The object exactly as the service sent it, unknown fields included.
    public var raw: JSONValue
    /// Fields of the answer that could not be read (shown raw, with a warning).
    public var warnings: [String] = []

    public init(
        id: String, integrationID: String?, state: SessionState, createdAt: Timestamp?, updatedAt: Timestamp?,
        expiresAt: Timestamp?, inactivityTimeoutSeconds: Int?, acceptedRecordsTotal: Int,
        acceptedRecordsByEntity: [String: Int], lastError: String?, acceptedBatches: Int?, retryCount: Int?
    ) {
        self.id = id
        self.integrationID = integrationID
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.expiresAt = expiresAt
        self.inactivityTimeoutSeconds = inactivityTimeoutSeconds
        self.acceptedRecordsTotal = acceptedRecordsTotal
        self.acceptedRecordsByEntity = acceptedRecordsByEntity
        self.lastError = lastError
        self.acceptedBatches = acceptedBatches
        self.retryCount = retryCount
        self.raw = .null
        self.raw = json
    }

    public init(json: JSONValue) throws(ModelDecodingError) {
        let r = try FieldReader("Session", json)
        // Only these two are needed to work with a session; the rest is for display.
        id = try r.string("id")
        state = SessionState(try r.string("state"))
        integrationID = r.optionalString("integration_id")
        createdAt = r.timestamp("created_at")
        updatedAt = r.timestamp("updated_at")
        expiresAt = r.timestamp("expires_at")
        inactivityTimeoutSeconds = r.optionalInt("inactivity_timeout_seconds")
        acceptedRecordsTotal = r.int("accepted_records_total", default: 0)
        acceptedRecordsByEntity = r.counts("accepted_records_by_entity")
        lastError = r.optionalString("last_error")
        acceptedBatches = r.optionalInt("accepted_batches")
        retryCount = r.optionalInt("retry_count")
        raw = json
        warnings = r.warnings
    }

    /// The session in the contract's JSON shape and field order.
    public var json: JSONValue {
        var o = JSONObject()
        o["id"] = .string(id)
        o["integration_id"] = integrationID.map(JSONValue.string) ?? .null
        o["state"] = .string(state.rawValue)
        o["created_at"] = createdAt.map { .string($0.iso8601) } ?? .null
        o["updated_at"] = updatedAt.map { .string($0.iso8601) } ?? .null
        o["expires_at"] = expiresAt.map { .string($0.iso8601) } ?? .null
        o["inactivity_timeout_seconds"] = inactivityTimeoutSeconds.map { .int(Int64($0)) } ?? .null
        o["accepted_records_total"] = .int(Int64(acceptedRecordsTotal))
        o["accepted_records_by_entity"] = acceptedRecordsByEntity.sortedJSON
        o["last_error"] = lastError.map(JSONValue.string) ?? .null
        if let acceptedBatches { o["accepted_batches"] = .int(Int64(acceptedBatches)) }
        if let retryCount { o["retry_count"] = .int(Int64(retryCount)) }
        return .object(o)
    }
}
