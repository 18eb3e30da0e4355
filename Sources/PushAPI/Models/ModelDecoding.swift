/// A response body that does not have the shape the contract promises.
public struct ModelDecodingError: Error, Sendable, CustomStringConvertible {
    /// The object being read (`Session`, `BatchIngestResponse`, …).
    public var model: String
    /// The field path that was wrong, e.g. `sessions.active`.
    public var field: String
    /// What was expected and what came instead.
    public var problem: String

    public init(model: String, field: String, problem: String) {
        self.model = model
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(model).\(field): \(problem)" }
}

/// Reads typed fields out of a JSON object, tolerating what a real service
/// may send: only the fields the client needs (asked for with ``string(_:)``)
/// are required; any other field that is missing, null or malformed is left
/// out and noted in ``warnings``, so a display-only field never aborts a command.
final class FieldReader {
    let model: String
    let object: JSONObject
    /// One sentence per field that could not be read, for the user to see.
    private(set) var warnings: [String] = []

    init(_ model: String, _ value: JSONValue) throws(ModelDecodingError) {
        guard case .object(let object) = value else {
            throw ModelDecodingError(model: model, field: "(body)", problem: "expected an object, got \(value.typeName)")
        }
        self.model = model
        self.object = object
    }

    func fail(_ field: String, _ problem: String) -> ModelDecodingError {
        ModelDecodingError(model: model, field: field, problem: problem)
    }

    func warn(_ field: String, _ problem: String) {
        warnings.append("\(field) \(problem)")
    }

    /// A field the client cannot do without.
    func string(_ key: String) throws(ModelDecodingError) -> String {
        switch object[key] {
        case .string(let s)?: return s
        case nil, .null?: throw fail(key, "is missing")
        case let other?: throw fail(key, "expected a string, got \(other.typeName)")
        }
    }

    func optionalString(_ key: String) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?:
            warn(key, "should be a string but is \(other.typeName) (\(other.jsonText.prefix(60))); left out")
            return nil
        }
    }

    func int(_ key: String, default fallback: Int) -> Int {
        optionalInt(key) ?? fallback
    }

    func optionalInt(_ key: String) -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case let value?:
            guard let i = value.intValue else {
                warn(key, "should be an integer but is \(value.typeName) (\(value.jsonText.prefix(60))); left out")
                return nil
            }
            return Int(i)
        }
    }

    /// A date-time; one that does not read (no time zone, another format) is left out with a warning.
    func timestamp(_ key: String) -> Timestamp? {
        guard let text = optionalString(key) else { return nil }
        guard let t = Timestamp(iso8601: text) else {
            warn(key, "\"\(text.prefix(60))\" is not an ISO 8601 date-time with a time zone; shown as sent")
            return nil
        }
        return t
    }

    func counts(_ key: String) -> [String: Int] {
        switch object[key] {
        case nil, .null?: return [:]
        case .object(let o)?:
            var result: [String: Int] = [:]
            for entry in o {
                guard let n = entry.value.intValue else {
                    warn("\(key).\(entry.key)", "should be an integer but is \(entry.value.typeName); left out")
                    continue
                }
                result[entry.key] = Int(n)
            }
            return result
        case let other?:
            warn(key, "should be an object of counts but is \(other.typeName); left out")
            return [:]
        }
    }

    func array(_ key: String) -> [JSONValue] {
        switch object[key] {
        case nil, .null?: return []
        case .array(let a)?: return a
        case let other?:
            warn(key, "should be an array but is \(other.typeName); left out")
            return []
        }
    }

    /// A nested object's reader, its warnings reported under this one's.
    func nested(_ key: String) -> FieldReader? {
        switch object[key] {
        case nil, .null?: return nil
        case .object?: return try? FieldReader("\(model).\(key)", object[key]!)
        case let other?:
            warn(key, "should be an object but is \(other.typeName); left out")
            return nil
        }
    }

    func adopt(_ other: FieldReader, prefix: String) {
        warnings += other.warnings.map { "\(prefix).\($0)" }
    }
}

extension Dictionary where Key == String, Value == Int {
    /// Counts as a JSON object with keys sorted, so output is stable.
    var sortedJSON: JSONValue {
        .object(JSONObject(sorted(by: { $0.key < $1.key }).map { ($0.key, JSONValue.int(Int64($0.value))) }))
    }
}
