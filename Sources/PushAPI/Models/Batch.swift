/// One page of records for `POST …/entities`: records grouped by entity type.
public struct EntityPage: Sendable, Equatable {
    /// Entity type → records, in the order the types were added.
    public var entities: [(type: String, records: [JSONValue])]
    /// An optional page number the service echoes back, to match answers to pages.
    public var pageHint: Int?

    public init(entities: [(type: String, records: [JSONValue])], pageHint: Int? = nil) {
        self.entities = entities
        self.pageHint = pageHint
    }

    /// A page of records of one type.
    public init(type: String, records: [JSONValue], pageHint: Int? = nil) {
        self.init(entities: [(type, records)], pageHint: pageHint)
    }

    /// How many records the page holds across types.
    public var recordCount: Int { entities.reduce(0) { $0 + $1.records.count } }

    /// The request body: `{"entities": {...}, "page_hint": n}`.
    public var json: JSONValue {
        var body = JSONObject()
        body["entities"] = .object(JSONObject(entities.map { ($0.type, JSONValue.array($0.records)) }))
        if let pageHint { body["page_hint"] = .int(Int64(pageHint)) }
        return .object(body)
    }

    public static func == (lhs: EntityPage, rhs: EntityPage) -> Bool {
        lhs.pageHint == rhs.pageHint && lhs.entities.count == rhs.entities.count
            && zip(lhs.entities, rhs.entities).allSatisfy { $0.type == $1.type && $0.records == $1.records }
    }
}

/// One problem with one record of a rejected page.
public struct ValidationError: Sendable, Equatable, CustomStringConvertible {
    public var entityType: String
    /// 0-based position of the record in its type's array within the page.
    public var index: Int
    public var field: String
    public var issue: String

    public init(entityType: String, index: Int, field: String, issue: String) {
        self.entityType = entityType
        self.index = index
        self.field = field
        self.issue = issue
    }

    public init(json: JSONValue) throws(ModelDecodingError) {
        let r = try FieldReader("ValidationError", json)
        entityType = r.optionalString("entity_type") ?? ""
        index = r.int("index", default: -1)
        field = r.optionalString("field") ?? ""
        issue = r.optionalString("issue") ?? ""
    }

    public var json: JSONValue {
        ["entity_type": .string(entityType), "index": .int(Int64(index)), "field": .string(field), "issue": .string(issue)]
    }

    public var description: String { "\(entityType)[\(index)].\(field): \(issue)" }
}

/// The answer to a page: what was staged, or (on 400) why nothing was.
public struct BatchIngestResponse: Sendable, Equatable {
    public var sessionID: String
    public var acceptedCountTotal: Int
    public var acceptedCountByEntity: [String: Int]
    public var rejectedCountTotal: Int
    public var validationErrors: [ValidationError]
    /// The page hint echoed back, when one was sent.
    public var echoedPageHint: Int?
    public var raw: JSONValue
    /// Whether the answer said how many records it accepted (a 2xx without
    /// `accepted_count_total` accepted the page, but did not count it).
    public var acceptedCountGiven = true
    /// Fields of the answer that could not be read.
    public var warnings: [String] = []

    /// Whether the answer reports records that were not staged.
    public var hasRejections: Bool { rejectedCountTotal > 0 || !validationErrors.isEmpty }

    public init(
        sessionID: String, acceptedCountTotal: Int, acceptedCountByEntity: [String: Int], rejectedCountTotal: Int,
        validationErrors: [ValidationError], echoedPageHint: Int?
    ) {
        self.sessionID = sessionID
        self.acceptedCountTotal = acceptedCountTotal
        self.acceptedCountByEntity = acceptedCountByEntity
        self.rejectedCountTotal = rejectedCountTotal
        self.validationErrors = validationErrors
        self.echoedPageHint = echoedPageHint
        self.raw = .null
        self.raw = json
    }

    public init(json: JSONValue) throws(ModelDecodingError) {
        let r = try FieldReader("BatchIngestResponse", json)
        sessionID = r.optionalString("session_id") ?? ""
        let accepted = r.optionalInt("accepted_count_total")
        acceptedCountTotal = accepted ?? 0
        acceptedCountByEntity = r.counts("accepted_count_by_entity")
        rejectedCountTotal = r.int("rejected_count_total", default: 0)
        var errors: [ValidationError] = []
        for (i, item) in r.array("validation_errors").enumerated() {
            guard let error = try? ValidationError(json: item) else {
                r.warn("validation_errors[\(i)]", "is not an object: \(item.jsonText.prefix(80))")
                continue
            }
            errors.append(error)
        }
        validationErrors = errors
        echoedPageHint = r.object["echoes"]?["page_hint"]?.intValue.map { Int($0) }
        raw = json
        acceptedCountGiven = accepted != nil
        warnings = r.warnings
    }

    public var json: JSONValue {
        var o = JSONObject()
        o["session_id"] = .string(sessionID)
        o["accepted_count_total"] = .int(Int64(acceptedCountTotal))
        o["accepted_count_by_entity"] = acceptedCountByEntity.sortedJSON
        o["rejected_count_total"] = .int(Int64(rejectedCountTotal))
        o["validation_errors"] = .array(validationErrors.map(\.json))
        o["echoes"] = echoedPageHint.map { ["page_hint": .int(Int64($0))] } ?? .object(JSONObject())
        return .object(o)
    }
}
