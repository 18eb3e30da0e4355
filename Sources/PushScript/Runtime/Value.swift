import PushAPI

/// A value in a pushsh script: JSON's values plus durations and sessions.
public indirect enum Value: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case duration(Duration)
    case array([Value])
    /// Keys in written order.
    case object([(key: String, value: Value)])
    /// A push session: shows its last known snapshot, refreshed by every
    /// command that touches it (start, push, status, close, wait).
    case session(SessionHandle)

    /// The kind of value, for messages ("expected a number, got a string").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .duration: return "a duration"
        case .array: return "an array"
        case .object: return "an object"
        case .session: return "a session"
        }
    }

    /// Truth for `if`, `expect`, `and`, `or`, `not`: false, null, 0, "" and empty collections are false.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .duration(let d): return d != .zero
        case .array(let a): return !a.isEmpty
        case .object(let o): return !o.isEmpty
        case .session: return true
        }
    }

    /// A field of an object, or of a session's snapshot.
    public func field(_ name: String) -> Value? {
        switch self {
        case .object(let entries): return entries.first { $0.key == name }?.value
        case .session(let handle): return handle.field(name)
        default: return nil
        }
    }

    /// The value as JSON, for request bodies and `--output json`.
    /// Durations become their text (`"30s"`), sessions their snapshot.
    public var json: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .duration(let d): return .string(DurationText.format(d))
        case .array(let items): return .array(items.map(\.json))
        case .object(let entries): return .object(JSONObject(entries.map { ($0.key, $0.value.json) }))
        case .session(let handle): return handle.snapshot.raw
        }
    }

    /// A script value from JSON.
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(Value.init))
        case .object(let o): self = .object(o.entries.map { ($0.key, Value($0.value)) })
        }
    }

    /// An object value from pairs.
    public static func record(_ pairs: [(String, Value)]) -> Value {
        .object(pairs.map { (key: $0.0, value: $0.1) })
    }
}

extension Value {
    /// Equality as `==` in scripts: numbers by value, objects without regard
    /// to key order, sessions by id, a session equals its id string.
    public func isEqual(to other: Value) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return Double(a) == b
        case (.string(let a), .string(let b)): return a == b
        case (.duration(let a), .duration(let b)): return a == b
        case (.session(let a), .session(let b)): return a.id == b.id
        case (.session(let a), .string(let b)), (.string(let b), .session(let a)): return a.id == b
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.isEqual(to: $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count
                && a.allSatisfy { entry in b.first { $0.key == entry.key }.map { $0.value.isEqual(to: entry.value) } ?? false }
        default: return false
        }
    }

    /// Order for `<`, `<=`, `>`, `>=`: numbers, strings, durations; `nil` when the two cannot be ordered.
    public func compare(to other: Value) -> Int? {
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
        switch (self, other) {
        case (.int(let a), .int(let b)): return sign(a, b)
        case (.double(let a), .double(let b)): return sign(a, b)
        case (.int(let a), .double(let b)): return sign(Double(a), b)
        case (.double(let a), .int(let b)): return sign(a, Double(b))
        case (.string(let a), .string(let b)): return sign(a, b)
        case (.duration(let a), .duration(let b)): return sign(a, b)
        default: return nil
        }
    }
}

/// A session as a script holds it: its id, the service it belongs to, and
/// the last snapshot that service sent.
///
/// A reference, so `let t = s` and `s` see the same refreshes.
public final class SessionHandle: @unchecked Sendable {
    // Mutated only by the interpreter, which runs one statement at a time.
    public private(set) var snapshot: Session
    /// Where the session lives: its id means nothing to another service.
    public let service: SessionService

    /// What this run saw the session accept, once it has pushed to it: the
    /// check before apply compares it with what the session holds.
    var ledger: StagingLedger?

    public init(_ snapshot: Session, service: SessionService) {
        self.snapshot = snapshot
        self.service = service
    }

    public var id: String { snapshot.id }
    public var state: SessionState { snapshot.state }

    /// Replaces the snapshot with a newer one of the same session.
    ///
    /// A start answers without `accepted_batches`/`retry_count`, so fields the
    /// newer snapshot lacks are kept from the older one.
    func refresh(_ newer: Session) {
        var merged = newer
        if merged.acceptedBatches == nil { merged.acceptedBatches = snapshot.acceptedBatches }
        if merged.retryCount == nil { merged.retryCount = snapshot.retryCount }
        if case .object(var raw) = merged.raw, case .object(let old) = snapshot.raw {
            for entry in old where raw[entry.key] == nil { raw[entry.key] = entry.value }
            merged.raw = .object(raw)
        }
        snapshot = merged
    }

    /// A field of the snapshot, by its JSON name (`state`, `accepted_records_total`, …).
    func field(_ name: String) -> Value? {
        snapshot.raw[name].map(Value.init)
    }
}
