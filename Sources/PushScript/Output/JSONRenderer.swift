import PushAPI

/// How results look to machines (`--output json`, `set output json`): one
/// JSON object per result, on a line of its own, named by its `command`.
/// The fields are the service's own answers where there is one (`session`,
/// `status`, `log`), so a tool reads what the API documents.
enum JSONRenderer {
    /// The object a result prints; nil when it has no JSON form (a `wait`'s
    /// single steps: its end gives them all, in `states`).
    static func object(_ result: CommandResult) -> JSONObject? {
        switch result {
        case .started(let session, _):
            return object("start", ["session": session.raw])
        case .status(let session, _):
            return object("status", ["session": session.raw])
        case .closed(let session, let action):
            return object("close", ["action": .string(action.rawValue), "session": session.raw])
        case .waitChanged:
            return nil
        case .waited(let session, let steps):
            let states: [JSONValue] = steps.map { ["state": .string($0.state.rawValue), "after_ms": .int($0.after.wholeMilliseconds)] }
            return object("wait", ["session": session.raw, "states": .array(states)])
        case .pushed(let push):
            return object("push", push.value.json.objectValue ?? JSONObject())
        case .integration(let counts):
            return object("integration", ["status": counts.raw])
        case .activity(let log, _, _):
            return object("activity", ["log": log.raw])
        case .connected(let c):
            var fields: JSONObject = ["target": .string(c.target), "integration_id": .string(c.integrationID)]
            if let profile = c.profile { fields["profile"] = .string(profile) }
            return object("connect", fields)
        case .sandbox(let change):
            return object("sandbox", sandbox(change))
        case .sandboxRecords(let type, let records, _):
            return object(
                "sandbox records", ["entity_type": .string(type), "count": .int(Int64(records.count)), "records": .array(records)])
        case .printed(let text):
            return object("print", ["text": .string(text)])
        case .value(let value):
            return object("value", ["value": value.json])
        }
    }

    static func sandbox(_ change: SandboxChange) -> JSONObject {
        switch change {
        case .advanced(let d, let now): return ["advanced_ms": .int(d.wholeMilliseconds), "now": .string(now.iso8601)]
        case .failNext(let count): return ["fail_next": .int(Int64(count))]
        case .processingTime(let d): return ["processing_ms": .int(d.wholeMilliseconds)]
        case .rateLimit(let limit): return ["rate_limit": limit.map { .int(Int64($0)) } ?? .null]
        case .reset: return [:]
        case .faults(let plan): return ["faults": .string(plan ?? "none")]
        }
    }

    /// `{"command": ..., fields...}`: the command first, as tools expect it.
    static func object(_ command: String, _ fields: JSONObject) -> JSONObject {
        var object = JSONObject([("command", .string(command))])
        for entry in fields { object[entry.key] = entry.value }
        return object
    }
}
