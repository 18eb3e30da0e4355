import PushAPI

extension PushClient {
    /// `GET /_sandbox/integrations/{id}/records/{type}` at the server's root:
    /// the records the sandbox now holds, for `sandbox records`. Only the
    /// sandbox has this route (the real service answers 404), so it is
    /// written here, beside the language's sandbox commands, not in the
    /// client core; the trace shows it like any other call.
    func sandboxRecords(entityType: String) async throws(PushAPIError) -> [JSONValue] {
        let path = "/_sandbox/integrations/\(PathEncoding.segment(configuration.integrationID))/records/\(PathEncoding.segment(entityType))"
        return try await get(path, from: .origin, endpoint: .sandbox) { json throws(ModelDecodingError) in
            guard let records = json["records"]?.arrayValue else {
                throw ModelDecodingError(model: "SandboxRecords", field: "records", problem: "is missing")
            }
            return records
        }
    }
}
