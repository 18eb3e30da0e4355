/// A response body that does not have the shape the contract promises.
public struct ModelDecodingError: Error, Sendable, CustomStringConvertible {
    /// The object being read (`Session`, `BatchIngestResponse`, …).
    public var model: String
    /// The field path that was wrong, e.g. `sessions.active`.
    public var field: String
    /// What was expected and what came instead.
    public var problem: String

    public var description: String { "\(model).\(field): \(problem)" }
}

/// Reads typed fields out of a JSON object, tolerating what the contract lets
/// a real service leave out and naming the field when something is wrong.
struct FieldReader {
    let model: String
    let object: JSONObject

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

    func string(_ key: String) throws(ModelDecodingError) -> String {
        guard let value = try optionalString(key) else { throw fail(key, "is missing") }
        return value
    }

    func optionalString(_ key: String) throws(ModelDecodingError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw fail(key, "expected a string, got \(other.typeName)")
        }
    }

    func int(_ key: String, default fallback: Int? = nil) throws(ModelDecodingError) -> Int {
        guard let value = try optionalInt(key) ?? fallback else { throw fail(key, "is missing") }
        return value
    }

    func optionalInt(_ key: String) throws(ModelDecodingError) -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case let value?:
            guard let i = value.intValue else { throw fail(key, "expected an integer, got \(value.typeName)") }
            return Int(i)
        }
    }

    func timestamp(_ key: String) throws(ModelDecodingError) -> Timestamp? {
        guard let text = try optionalString(key) else { return nil }
        guard let t = Timestamp(iso8601: text) else { throw fail(key, "\"\(text)\" is not an ISO 8601 date-time") }
        return t
    }

    func counts(_ key: String) throws(ModelDecodingError) -> [String: Int] {
        switch object[key] {
        case nil, .null?: return [:]
        case .object(let o)?:
            var result: [String: Int] = [:]
            for entry in o {
                guard let n = entry.value.intValue else {
                    throw fail("\(key).\(entry.key)", "expected an integer, got \(entry.value.typeName)")
                }
                result[entry.key] = Int(n)
            }
            return result
        case let other?: throw fail(key, "expected an object of counts, got \(other.typeName)")
        }
    }

    func array(_ key: String) throws(ModelDecodingError) -> [JSONValue] {
        switch object[key] {
        case nil, .null?: return []
        case .array(let a)?: return a
        case let other?: throw fail(key, "expected an array, got \(other.typeName)")
        }
    }
}

extension Dictionary where Key == String, Value == Int {
    /// Counts as a JSON object with keys sorted, so output is stable.
    var sortedJSON: JSONValue {
        .object(JSONObject(sorted(by: { $0.key < $1.key }).map { ($0.key, JSONValue.int(Int64($0.value))) }))
    }
}
