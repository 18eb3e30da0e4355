import Foundation
import Testing

@testable import PushAPI

@Suite struct ModelTests {
    /// Every JSON object in the seed page: the example bodies of the documentation.
    static func seedExamples() throws -> [JSONValue] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/session-management.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        var examples: [JSONValue] = []
        var current: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "{" {
                current = ["{"]
                continue
            }
            guard !current.isEmpty else { continue }
            current.append(String(line))
            if line == "}" {
                examples.append(try JSONValue(parsing: current.joined(separator: "\n")))
                current = []
            }
        }
        return examples
    }

    @Test func everySeedExampleDecodes() throws {
        let examples = try Self.seedExamples()
        let responses = examples.filter { $0["id"] != nil }
        #expect(examples.count == 5)  // 2 request bodies (start, close), 3 responses (start, get, close)
        #expect(responses.count == 3)
        for example in responses {
            let session = try Session(json: example)
            #expect(session.state == .active)
            #expect(session.createdAt?.iso8601 == "2025-10-31T16:38:14.401Z")
            #expect(session.inactivityTimeoutSeconds == 3600)
            #expect(session.acceptedRecordsByEntity == ["ANY_ADDITIONAL_PROPERTY": 1])
            #expect(session.lastError == "text")
        }
        let statuses = try responses.map { try Session(json: $0) }.filter { $0.acceptedBatches != nil }
        #expect(statuses.count == 2)
        #expect(statuses.allSatisfy { $0.retryCount == 0 && $0.acceptedBatches == 0 })
        let requestBodies = examples.filter { $0["id"] == nil }
        #expect(requestBodies.contains(["client_reference_id": "text"]))
        #expect(requestBodies.contains(["status": "apply"]))
    }

    @Test func sessionRoundTripsExactly() throws {
        let text =
            #"{"id":"ses_1","integration_id":"acme","state":"processing","created_at":"2025-10-31T16:38:14.401Z","updated_at":"2025-10-31T16:38:15.002Z","expires_at":"2025-10-31T17:38:15.002Z","inactivity_timeout_seconds":3600,"accepted_records_total":3,"accepted_records_by_entity":{"Asset":1,"User":2},"last_error":null,"accepted_batches":2,"retry_count":0}"#
        let session = try Session(json: JSONValue(parsing: text))
        #expect(session.json.jsonText == text)
    }

    @Test func unknownStatesAreKeptAsSent() throws {
        let session = try Session(json: ["id": "s", "state": "quarantined"])
        #expect(session.state.rawValue == "quarantined")
        #expect(!session.state.isKnown)
        #expect(!session.state.isFinal)
        #expect(session.acceptedRecordsTotal == 0)
        #expect(session.createdAt == nil)
    }

    @Test func wrongTypesNameTheField() {
        #expect(throws: ModelDecodingError.self) { try Session(json: ["id": "s", "state": 3]) }
        // A field that is there but unreadable is no reason to lose the session
        // (the real service may write times its own way): it is named in a warning.
        // (The old do/catch passed whether or not anything was thrown.)
        let session = try? Session(json: ["id": "s", "state": "active", "created_at": "last tuesday"])
        #expect(session != nil)
        #expect(session?.createdAt == nil)
        #expect(session?.warnings.contains { $0.contains("created_at") } == true, "\(session?.warnings ?? [])")
        do {
            _ = try Session(json: ["id": "s", "state": 3])
            Issue.record("a state that is not a string must not decode")
        } catch {
            #expect(error.field == "state")
        }
    }

    @Test func contractObjectsDecode() throws {
        let batch = try BatchIngestResponse(
            json: JSONValue(
                parsing:
                    #"{"session_id":"s","accepted_count_total":0,"accepted_count_by_entity":{},"rejected_count_total":1,"validation_errors":[{"entity_type":"User","index":0,"field":"workEmail","issue":"must be an email address"}],"echoes":{"page_hint":7}}"#
            ))
        #expect(
            batch.validationErrors == [ValidationError(entityType: "User", index: 0, field: "workEmail", issue: "must be an email address")]
        )
        #expect(batch.echoedPageHint == 7)
        let counts = try IntegrationStatusCounts(
            json: JSONValue(
                parsing:
                    #"{"integration_id":"acme","sessions":{"active":1,"processing":0,"processed":4,"failed":1,"expired":2},"last_activity_at":"2025-10-31T16:38:14.401Z"}"#
            ))
        #expect(counts.processed == 4 && counts.expired == 2)
        let log = try ActivityLogPage(
            json: JSONValue(
                parsing:
                    #"{"items":[{"id":"e1","at":"2025-10-31T16:38:14.401Z","level":"warning","type":"batch_rejected","message":"m","session_id":null,"details":{"problems":2}}],"page":1,"page_size":50,"next_page":null}"#
            ))
        #expect(log.items.first?.details["problems"] == 2)
        #expect(log.nextPage == nil)
        #expect(log.json == log.raw)
    }

    @Test func pageBodyHasEntitiesAndHint() {
        let page = EntityPage(type: "User", records: [["employeeId": "E1"]], pageHint: 3)
        #expect(page.json.jsonText == #"{"entities":{"User":[{"employeeId":"E1"}]},"page_hint":3}"#)
        #expect(page.recordCount == 1)
    }

    @Test func apiKeyNeverPrintsItself() {
        let key = APIKey("sk_live_secret")
        let config = PushConfiguration(region: .eu, integrationID: "acme", apiKey: key)
        for text in ["\(key)", String(describing: key), String(reflecting: key), "\(config)", String(reflecting: config)] {
            #expect(!text.contains("sk_live_secret"), "\(text)")
        }
        var dumped = ""
        dump(config, to: &dumped)
        #expect(!dumped.contains("sk_live_secret"))
    }

    @Test func configurationFromEnvironment() throws {
        #expect(try PushConfiguration.fromEnvironment([:]) == nil)
        let eu = try #require(
            try PushConfiguration.fromEnvironment(["SPRINTO_API_KEY": "k", "SPRINTO_INTEGRATION_ID": "acme", "SPRINTO_REGION": "eu"]))
        #expect(eu.baseURL == "https://eu.sprinto.com/api/external/push")
        #expect(eu.integrationPath == "/v1/integrations/acme")
        let custom = try #require(
            try PushConfiguration.fromEnvironment([
                "SPRINTO_API_KEY": "k", "SPRINTO_INTEGRATION_ID": "a b", "SPRINTO_BASE_URL": "http://127.0.0.1:9/api/external/push/",
            ]))
        #expect(custom.baseURL == "http://127.0.0.1:9/api/external/push")
        #expect(custom.integrationPath == "/v1/integrations/a%20b")
        #expect(throws: ConfigurationError.self) { try PushConfiguration.fromEnvironment(["SPRINTO_API_KEY": "k"]) }
        #expect(throws: ConfigurationError.self) {
            try PushConfiguration.fromEnvironment(["SPRINTO_API_KEY": "k", "SPRINTO_INTEGRATION_ID": "a", "SPRINTO_REGION": "mars"])
        }
    }
}
