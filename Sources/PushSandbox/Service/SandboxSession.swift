import PushAPI

/// A session as the sandbox keeps it: the public fields plus what it needs to
/// move the session through its lifecycle.
struct SandboxSession {
    var id: String
    var integrationID: String
    var clientReferenceID: String?
    var state: SessionState
    var createdAt: Timestamp
    var updatedAt: Timestamp
    /// The last request on the session: expiry counts from here.
    var lastTouchedAt: Timestamp
    var inactivityTimeout: Duration
    var acceptedRecordsTotal = 0
    var acceptedRecordsByEntity: [String: Int] = [:]
    var acceptedBatches = 0
    var retryCount = 0
    var lastError: String?
    /// Accepted pages, in the order they were accepted: the order they are applied in.
    var stagedPages: [[(type: String, records: [JSONValue])]] = []
    /// When the current processing attempt began.
    var processingStartedAt: Timestamp?
    /// How long each processing attempt of this session takes (fixed at close).
    var processingTime: Duration = .zero

    var expiresAt: Timestamp { lastTouchedAt.adding(inactivityTimeout) }

    /// Stages one accepted page of `records` records (`byEntity` by type).
    mutating func stage(_ page: [(type: String, records: [JSONValue])], records: Int, byEntity: [String: Int], at now: Timestamp) {
        stagedPages.append(page)
        acceptedBatches += 1
        acceptedRecordsTotal += records
        for (type, count) in byEntity { acceptedRecordsByEntity[type, default: 0] += count }
        updatedAt = now
    }

    /// The session as `GET /sessions/{id}` shows it.
    var status: Session {
        Session(
            id: id, integrationID: integrationID, state: state, createdAt: createdAt, updatedAt: updatedAt,
            expiresAt: expiresAt, inactivityTimeoutSeconds: Int(inactivityTimeout.wholeMilliseconds / 1000),
            acceptedRecordsTotal: acceptedRecordsTotal, acceptedRecordsByEntity: acceptedRecordsByEntity,
            lastError: lastError, acceptedBatches: acceptedBatches, retryCount: retryCount)
    }

    /// The session as `POST /sessions` shows it (no batch or retry counts).
    var created: Session {
        var s = status
        s.acceptedBatches = nil
        s.retryCount = nil
        s.raw = s.json
        return s
    }
}

/// Applied records of one entity type, upserted by natural key in arrival order.
struct RecordStore {
    var records: [JSONValue] = []
    var positions: [String: Int] = [:]

    mutating func upsert(_ record: JSONValue, key: String?) {
        if let key, let value = record[key], let identity = RecordStore.identity(value) {
            if let position = positions[identity] {
                records[position] = record
                return
            }
            positions[identity] = records.count
        }
        records.append(record)
    }

    static func identity(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): return "s:" + s
        case .int(let i): return "n:\(i)"
        case .double(let d): return "n:\(d)"
        default: return nil
        }
    }
}

/// A token bucket: `rate` requests per second, bursts of up to `rate`.
struct RateLimiter {
    var rate: Int
    var tokens: Double
    var updatedAt: Timestamp

    init(rate: Int, now: Timestamp) {
        self.rate = max(1, rate)
        tokens = Double(self.rate)
        updatedAt = now
    }

    /// Takes a token; returns the seconds to wait when there is none.
    mutating func take(now: Timestamp) -> Int? {
        let elapsed = Double(max(0, now.millisecondsSince1970 - updatedAt.millisecondsSince1970)) / 1000
        tokens = min(Double(rate), tokens + elapsed * Double(rate))
        updatedAt = now
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        let wait = (1 - tokens) / Double(rate)
        return max(1, Int(wait.rounded(.up)))
    }
}
