extension PushClient {
    /// `GET /_sandbox/integrations/{id}/records/{type}`: the records the sandbox
    /// now holds. Only the sandbox has this route; the real service answers 404.
    public func sandboxRecords(entityType: String) async throws(PushAPIError) -> [JSONValue] {
        let path = "/_sandbox/integrations/\(PathEncoding.segment(configuration.integrationID))/records/\(PathEncoding.segment(entityType))"
        let request = TransportRequest(method: "GET", path: path, headers: headers(json: false), endpoint: .sandbox)
        return try await call(request) { json throws(ModelDecodingError) in
            guard let records = json["records"]?.arrayValue else {
                throw ModelDecodingError(model: "SandboxRecords", field: "records", problem: "is missing")
            }
            return records
        }
    }
}
